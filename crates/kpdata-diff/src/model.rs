//! The diff as data: [`PackageDiff`] → [`DatasetDiff`] → schema and record changes. This is the
//! wire format of `kpdata diff --format json` and of `changes.json` in releases: field names
//! are stable; lists are sorted (datasets by name, records by key, schema fields by name;
//! the fields of a changed record in column order).
//!
//! ```text
//! { "base": "v1.2.0 (1a2b3c4d5e6f)", "head": "working tree",
//!   "datasets": [ { "name", "path", "base_path"?, "status": added|removed|changed|unchanged,
//!                   "publish", "primary_key": [..],
//!                   "summary": {"added", "removed", "changed", "unchanged"},
//!                   "schema": {"fields_added": [{"name", "type"}], "fields_removed": [..],
//!                              "fields_retyped": [{"name", "old", "new"}], "primary_key"?},
//!                   "added":   [{"key": [..], "row", "line", "values": {field: value|null}}],
//!                   "removed": [ same, located in the base ],
//!                   "changed": [{"key", "base_row", "base_line", "row", "line",
//!                                "changes": [{"field", "old", "new", "delta"?}]}] } ],
//!   // "delta" (see crate::Delta): {"kind": "words", "spans": [{"op": equal|removed|added,
//!   //   "text"}]} for a text changed on both sides, {"kind": "list", "separator",
//!   //   "removed": [..], "added": [..], "kept"} for a field with an `x-separator`.
//!   // only with a source review (`kpdata diff`, not `changes.json`; see crate::review):
//!   "sources"?: [{"id", "status": added|changed, "path", "row", "line",
//!                 "archive_path": ..|null, "sha256": ..|null,
//!                 "archive": {"check": matches|mismatch|no-sha256|missing|refused|no-archive,
//!                             "actual"?, "reason"?},
//!                 "cited_by": [{"dataset", "path", "key", "row", "line", "change"?}]}],
//!   "quotes"?: [{"dataset", "path", "key", "row", "line", "status", "quote", "searched": [..],
//!                "source_id": ..|null, "archive_path": ..|null,
//!                "passage": {"before", "matched", "after", "exact", "agree",
//!                            "agree_at_start", "more_before", "more_after"}|null}],
//!   // added by DiffReport (`kpdata diff --format json`):
//!   "required_bump": none|patch|minor|major, "bump_reasons": [{"bump", "dataset", "reason"}],
//!   "findings": [Diagnostic] }
//! ```
//!
//! `line` is 0 when unknown (JSON datasets). Values are the cells exactly as in the file, not
//! escaped: escaping is the renderers' job.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::delta::Delta;
use crate::review::{QuoteReview, SourceReview};

/// The least version bump a set of changes needs, with the Frictionless data-package-version
/// meaning. Ordered: `None < Patch < Minor < Major`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// Why a bump is needed: one line per kind of change and dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BumpReason {
    pub bump: Bump,
    pub dataset: String,
    pub reason: String,
}

/// Everything that changed between two snapshots of the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageDiff {
    /// Label of the base snapshot (`main (1a2b3c4d5e6f)`).
    pub base: String,
    /// Label of the head snapshot (`working tree`, or a revision).
    pub head: String,
    /// Every dataset present at either side, sorted by name, unchanged ones included.
    pub datasets: Vec<DatasetDiff>,
    /// New and changed sources of the registry with their archive check and citing records;
    /// empty unless [`crate::review`] filled it in.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceReview>,
    /// New and changed quotes, each in its passage of the archived text; filled in by
    /// [`crate::review`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<QuoteReview>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DatasetStatus {
    Added,
    Removed,
    Changed,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatasetDiff {
    pub name: String,
    /// The data file (head side; base side for a removed dataset).
    pub path: String,
    /// The base path when the file moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_path: Option<String>,
    pub status: DatasetStatus,
    /// Whether the dataset is published in releases (head side; base side when removed).
    pub publish: bool,
    /// The fields records are matched by; empty = whole rows are matched.
    pub primary_key: Vec<String>,
    pub summary: DatasetSummary,
    pub schema: SchemaChanges,
    /// Sorted by key.
    pub added: Vec<RecordEntry>,
    /// Sorted by key.
    pub removed: Vec<RecordEntry>,
    /// Sorted by key.
    pub changed: Vec<ChangedRecord>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DatasetSummary {
    pub added: u64,
    pub removed: u64,
    pub changed: u64,
    pub unchanged: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SchemaChanges {
    /// Sorted by name.
    pub fields_added: Vec<FieldInfo>,
    pub fields_removed: Vec<FieldInfo>,
    pub fields_retyped: Vec<FieldRetyped>,
    /// The primary key changed (`base` → `head`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<(Vec<String>, Vec<String>)>,
}

impl SchemaChanges {
    pub fn is_empty(&self) -> bool {
        self.fields_added.is_empty()
            && self.fields_removed.is_empty()
            && self.fields_retyped.is_empty()
            && self.primary_key.is_none()
    }
}

/// A field and its type as a short label: `string`, `string (date)`, `array of string (;)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldRetyped {
    pub name: String,
    pub old: String,
    pub new: String,
}

/// A record's key values, in primary-key order (every column when there is no key).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Key(pub Vec<Option<String>>);

impl Key {
    /// The key as one string: values joined with `, `, an empty value shown as `∅`.
    pub fn display(&self) -> String {
        self.0
            .iter()
            .map(|v| v.as_deref().unwrap_or("∅"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Field values in header order, serialized as a JSON object (`null` for an empty cell).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values(pub Vec<(String, Option<String>)>);

impl Values {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .and_then(|(_, v)| v.as_deref())
    }
}

impl Serialize for Values {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// An added record (head side) or a removed one (base side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordEntry {
    pub key: Key,
    /// Spreadsheet row (header = 1) in the side the record is in.
    pub row: u64,
    /// Physical line where the record starts (0 when unknown, as in JSON datasets).
    pub line: u64,
    pub values: Values,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedRecord {
    pub key: Key,
    pub base_row: u64,
    pub base_line: u64,
    /// Head side.
    pub row: u64,
    pub line: u64,
    /// In header order.
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// What changed inside the value: word spans of a text with both sides present, or the
    /// items added and removed of a list field. `None` for a value that appeared or vanished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<Delta>,
}

impl DatasetDiff {
    pub fn has_changes(&self) -> bool {
        self.status != DatasetStatus::Unchanged
    }
}

impl PackageDiff {
    /// Whether anything changed at all.
    pub fn is_empty(&self) -> bool {
        !self.datasets.iter().any(DatasetDiff::has_changes)
    }

    /// Datasets that changed (added, removed or changed), sorted by name.
    pub fn changed_datasets(&self) -> impl Iterator<Item = &DatasetDiff> + '_ {
        self.datasets.iter().filter(|d| d.has_changes())
    }

    /// Why the changes need a bump, most significant first, then by dataset.
    pub fn bump_reasons(&self) -> Vec<BumpReason> {
        let mut out = Vec::new();
        for d in &self.datasets {
            let mut push = |bump, reason: String| {
                out.push(BumpReason {
                    bump,
                    dataset: d.name.clone(),
                    reason,
                })
            };
            let n = |v: usize, one: &str, many: &str| {
                format!("{v} {}", if v == 1 { one } else { many })
            };
            match d.status {
                DatasetStatus::Added => push(Bump::Minor, format!("dataset `{}` added", d.name)),
                DatasetStatus::Removed => {
                    push(Bump::Major, format!("dataset `{}` removed", d.name))
                }
                DatasetStatus::Unchanged => {}
                DatasetStatus::Changed => {
                    let s = &d.schema;
                    if !s.fields_removed.is_empty() {
                        let names: Vec<_> = s
                            .fields_removed
                            .iter()
                            .map(|f| format!("`{}`", f.name))
                            .collect();
                        push(
                            Bump::Major,
                            format!(
                                "{} removed from `{}`: {}",
                                n(names.len(), "field", "fields"),
                                d.name,
                                names.join(", ")
                            ),
                        );
                    }
                    if !s.fields_retyped.is_empty() {
                        let names: Vec<_> = s
                            .fields_retyped
                            .iter()
                            .map(|f| format!("`{}`", f.name))
                            .collect();
                        push(
                            Bump::Major,
                            format!(
                                "{} retyped in `{}`: {}",
                                n(names.len(), "field", "fields"),
                                d.name,
                                names.join(", ")
                            ),
                        );
                    }
                    if s.primary_key.is_some() {
                        push(Bump::Major, format!("primary key of `{}` changed", d.name));
                    }
                    if !s.fields_added.is_empty() {
                        let names: Vec<_> = s
                            .fields_added
                            .iter()
                            .map(|f| format!("`{}`", f.name))
                            .collect();
                        push(
                            Bump::Minor,
                            format!(
                                "{} added to `{}`: {}",
                                n(names.len(), "field", "fields"),
                                d.name,
                                names.join(", ")
                            ),
                        );
                    }
                    if !d.added.is_empty() {
                        push(
                            Bump::Minor,
                            format!(
                                "{} added to `{}`",
                                n(d.added.len(), "record", "records"),
                                d.name
                            ),
                        );
                    }
                    // A public record made restricted leaves the release: withdrawn, not
                    // corrected (the release's own view sees it as removed; it needs the
                    // same major bump there).
                    let withdrawn = d
                        .changed
                        .iter()
                        .filter(|c| {
                            c.changes.iter().any(|f| {
                                f.field == crate::SENSITIVITY
                                    && f.new.as_deref() == Some(crate::RESTRICTED)
                                    && f.old.as_deref() != Some(crate::RESTRICTED)
                            })
                        })
                        .count();
                    if withdrawn > 0 && d.publish {
                        push(
                            Bump::Major,
                            format!(
                                "{} withdrawn from publication in `{}` (now restricted)",
                                n(withdrawn, "record", "records"),
                                d.name
                            ),
                        );
                    }
                    if !d.changed.is_empty() {
                        push(
                            Bump::Patch,
                            format!(
                                "{} changed in `{}`",
                                n(d.changed.len(), "record", "records"),
                                d.name
                            ),
                        );
                    }
                    if !d.removed.is_empty() {
                        push(
                            Bump::Patch,
                            format!(
                                "{} removed from `{}`",
                                n(d.removed.len(), "record", "records"),
                                d.name
                            ),
                        );
                    }
                }
            }
        }
        out.sort_by(|a, b| b.bump.cmp(&a.bump).then_with(|| a.dataset.cmp(&b.dataset)));
        out
    }

    /// The least bump these changes need: MAJOR when a field or dataset was removed or a field
    /// retyped (or a primary key changed); MINOR when records, fields or datasets were added;
    /// PATCH when records were corrected or removed; `None` when nothing changed.
    pub fn required_bump(&self) -> Bump {
        self.bump_reasons()
            .first()
            .map(|r| r.bump)
            .unwrap_or(Bump::None)
    }
}
