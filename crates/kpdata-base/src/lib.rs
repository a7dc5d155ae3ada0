//! `kpdata-base`: the one home of the small helpers several crates need, so that they cannot
//! drift apart. A leaf crate: no kpdata crate below it, only `sha2` and `hex`.
//!
//! - [`dates`]: the proleptic Gregorian calendar (leap years, month lengths, days since the
//!   Unix epoch and back);
//! - [`ident`]: identifier check digits (the IMO ship number);
//! - [`pointer`]: JSON Pointer (RFC 6901) reference tokens;
//! - [`hash`]: sha256 as lowercase hex, of bytes or of a reader;
//! - [`failure`]: [`Failure`], the one `{message, hint}` error of every crate.
//!
//! Elsewhere, each with its own one home: output escaping and the invisible-character classes
//! (`kpdata_diagnostics::escape`, from the Unicode data in `regex-syntax`), the script of a
//! character (the `unicode-script` crate, used directly by `kpdata-check` and `kpdata-import`).

pub mod dates;
pub mod failure;
pub mod hash;
pub mod ident;
pub mod pointer;

pub use failure::Failure;
pub use hash::{sha256_hex, sha256_reader};
