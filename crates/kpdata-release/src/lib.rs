//! Versioned, checksummed, byte-reproducible release folders, and their verification.
//!
//! This crate knows nothing of polars: the typed Parquet/JSON bytes come from an [`Encoder`]
//! (implemented by `kpdata-parquet`), so `kpdata verify` and the planning code build without it.
//!
//! - [`input`]: the package at one commit, read through a file-reading closure (git objects or
//!   a folder), restricted rows dropped, rows sorted by primary key ([`Frame`]).
//! - [`version`]: semver rules: tags `vX.Y.Z` are the registry; the least bump the changes need.
//! - [`build`]: every file of the release (`datapackage.json`, `SHA256SUMS`, `CITATION.cff`,
//!   `CHANGES.md`, `changes.json`, `schemas/`, `data/`), written one at a time to an
//!   [`Output`] and hashed as written.
//! - [`output`]: where the files go: a staging folder ([`DirOutput`]) or memory
//!   ([`MemoryOutput`]).
//! - [`stage`]: writes a release atomically (temporary folder beside the target, fsync, rename)
//!   and compares a folder with a rebuilt release.
//! - [`publish`]: the package at a commit read from git objects (or from working-tree files whose
//!   blob id is the committed one) — as an [`Input`] for the build and as
//!   [`publish::CommitFiles`] for validation, the same bytes — the changes since the previous
//!   release tag (kpdata-diff), and the checks a release must pass.
//! - [`ops`]: `kpdata release X.Y.Z` and `--check` as operations: the dirty-tree, tag, resume
//!   and signing steps around the build, and the validation gate (validation itself is passed
//!   in by the caller: this crate does not depend on kpdata-check).
//! - [`signer`]: the release's signing key, opened and checked against the committed public key.
//! - [`sign`]: minisign signatures of `SHA256SUMS` (made by `release --sign-key`, checked by
//!   `verify` against the committed public key) and the tag check in a clone.
//! - [`verify`]: checks a release folder against `SHA256SUMS` and `datapackage.json`; findings
//!   carry KP6xx codes and name the damaged file.
//!
//! Nothing here reads the wall clock: every time comes from a commit.

pub mod build;
pub mod column;
pub mod dates;
pub mod descriptor;
mod error;
pub mod folder;
pub mod frame;
pub mod frame_csv;
pub mod frame_json;
pub mod input;
pub mod json;
pub mod ops;
pub mod output;
pub mod publish;
pub mod records;
pub mod sign;
pub mod signer;
pub mod stage;
pub mod sums;
pub mod targets;
pub mod time;
pub mod verify;
pub mod version;

pub use build::{build, build_into, Built, ChangeLog, Release};
pub use error::ReleaseError;
pub use frame::{Column, ColumnType, Derived, Encoder, Frame};
pub use input::{DatasetInput, Input};
pub use output::{DirOutput, MemoryOutput, Output, Stoppable, Written};
pub use semver::Version;
pub use version::{Bump, Plan};

/// `sha256` of `bytes`, lowercase hex (the one definition is in `kpdata-base`).
pub use kpdata_base::sha256_hex;
