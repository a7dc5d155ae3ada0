//! Record-level diffs of the package between two revisions, and the history rules judged on
//! them.
//!
//! - [`Snapshot`]: the package (manifest, schemas, tables) from the working tree
//!   ([`Snapshot::from_worktree`]) or at a revision, read from git objects without a checkout
//!   ([`Snapshot::at_revision`]).
//! - [`diff`] → [`PackageDiff`]: per dataset, schema changes (fields added, removed, retyped)
//!   and records added, removed and changed (matched by primary key), sorted by key;
//!   [`PackageDiff::required_bump`] gives the least semver [`Bump`] the changes need.
//!   `PackageDiff` serializes to the JSON of `kpdata diff --format json` and `changes.json`.
//!   Each changed field carries a [`Delta`]: the word spans of a changed text, or the items
//!   added and removed of a list field.
//! - [`review`]: new and changed sources (archive sha256, citing records) and new quotes in
//!   their passage of the archived text, added to a `PackageDiff` for `kpdata diff`.
//! - [`history_findings`]: KP501–KP503 as [`Diagnostic`](kpdata_diagnostics::Diagnostic)s.
//! - [`render_markdown`] and [`render_text`]: deterministic renderings that escape every value
//!   they echo.
//! - [`rules`]: rule changes (manifest, schemas, vocabularies) and whether each loosens a
//!   constraint; KP509.

mod compare;
mod delta;
pub mod escape;
mod history;
mod model;
mod render;
mod review;
pub mod rules;
mod snapshot;

pub use compare::diff;
pub use delta::{word_spans, Delta, Span, SpanOp};
pub use history::{history_findings, DESIGNATIONS, SOURCE_IDS};
pub use model::{
    Bump, BumpReason, ChangedRecord, DatasetDiff, DatasetStatus, DatasetSummary, FieldChange,
    FieldInfo, FieldRetyped, Key, PackageDiff, RecordEntry, SchemaChanges, Values,
};
pub use render::{
    change_text, render_markdown, render_markdown_with, render_text, render_text_with,
    RenderOptions,
};
pub use review::{
    review, Archive, ArchiveCheck, Citing, Passage, QuoteReview, ReviewStatus, SourceReview,
};
pub use snapshot::{LoadError, Snapshot, RESTRICTED, SENSITIVITY};

use kpdata_diagnostics::Diagnostic;
use serde::Serialize;

/// The JSON report of `kpdata diff --format json`: the diff's fields, the required bump and
/// its reasons, and the history findings.
#[derive(Debug, Serialize)]
pub struct DiffReport<'a> {
    #[serde(flatten)]
    pub diff: &'a PackageDiff,
    pub required_bump: Bump,
    pub bump_reasons: Vec<BumpReason>,
    pub findings: &'a [Diagnostic],
}

impl<'a> DiffReport<'a> {
    pub fn new(diff: &'a PackageDiff, findings: &'a [Diagnostic]) -> Self {
        DiffReport {
            diff,
            required_bump: diff.required_bump(),
            bump_reasons: diff.bump_reasons(),
            findings,
        }
    }
}
