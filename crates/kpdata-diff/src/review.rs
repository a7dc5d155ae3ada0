//! The source review of a pull request: what a reviewer must check by hand before trusting new
//! evidence. [`review`] adds to a [`PackageDiff`]
//! - `sources`: every source the head adds to the registry or changes in it, with its archived
//!   file, whether the file's sha256 is the registered one, and every record citing it;
//! - `quotes`: every new or changed `quote`, shown inside its passage of the archived text of a
//!   cited source (the exact place, or the closest passage when it is not there), found with
//!   the quote rule's own folding and passage finder (`kpdata_check::quote`).
//!
//! Archived files are read from the head side: the working tree (through [`Root`], so paths
//! stay inside the package) or a revision's git objects.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use kpdata_check::quote::{normalize, ArchivedText};
use kpdata_check::registry::inside;
use kpdata_git::Repo;
use kpdata_package::{check_relative, FieldType, PathProblem, Root};
use kpdata_read::typing::split_array;
use kpdata_read::{Record, Table};
use serde::Serialize;

pub use kpdata_check::quote::Passage;

use crate::model::*;
use crate::{Snapshot, SOURCE_IDS};

/// The field that holds a record's verbatim quote.
pub const QUOTE: &str = "quote";
/// Archived files larger than this are not read (as in `kpdata validate`).
const MAX_ARCHIVE: u64 = 256 << 20;
/// Characters of archived text shown on each side of a quote.
const CONTEXT: usize = 160;

/// Where the head's archived files are read from.
pub enum Archive<'a> {
    /// The working tree: the package root folder.
    Worktree(&'a Path),
    /// A revision: files from git objects, the package in folder `prefix` (`""`: the top).
    Revision {
        repo: &'a Repo,
        rev: &'a str,
        prefix: &'a str,
    },
}

enum Read {
    Bytes(Vec<u8>),
    Missing,
    Refused(String),
}

impl Archive<'_> {
    fn read(&self, rel: &str) -> Read {
        match self {
            Archive::Worktree(dir) => {
                let root = match Root::new(dir) {
                    Ok(r) => r,
                    Err(e) => return Read::Refused(e.message),
                };
                match root.resolve_file(rel) {
                    Err(PathProblem::NotFound) => return Read::Missing,
                    Err(e) => return Read::Refused(e.to_string()),
                    Ok(_) => {}
                }
                match root.read_limited(rel, MAX_ARCHIVE) {
                    Ok(b) => Read::Bytes(b),
                    Err(e) => Read::Refused(e.message),
                }
            }
            Archive::Revision { repo, rev, prefix } => {
                if let Err(e) = check_relative(rel) {
                    return Read::Refused(e.to_string());
                }
                let path = if prefix.is_empty() {
                    rel.to_string()
                } else {
                    format!("{}/{rel}", prefix.trim_end_matches('/'))
                };
                match repo.read_file(rev, &path) {
                    Ok(Some(b)) if b.len() as u64 > MAX_ARCHIVE => {
                        Read::Refused(format!("larger than {MAX_ARCHIVE} bytes"))
                    }
                    Ok(Some(b)) => Read::Bytes(b),
                    Ok(None) => Read::Missing,
                    Err(e) => Read::Refused(e.to_string()),
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewStatus {
    Added,
    Changed,
}

/// What the archived file of a source holds, compared with the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "check", rename_all = "kebab-case")]
pub enum ArchiveCheck {
    /// The file's sha256 is the registered one.
    Matches,
    /// The file's sha256 is `actual`, not the registered one.
    Mismatch { actual: String },
    /// No sha256 is registered; the file's is `actual`.
    NoSha256 { actual: String },
    /// The registered file does not exist.
    Missing,
    /// The path is not a plain relative path inside the archive folder, or cannot be read.
    Refused { reason: String },
    /// The source has no archived file.
    NoArchive,
}

/// A record citing a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citing {
    pub dataset: String,
    pub path: String,
    pub key: Key,
    pub row: u64,
    pub line: u64,
    /// Whether this pull request adds or changes the citing record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<ReviewStatus>,
}

/// A new or changed source of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceReview {
    pub id: String,
    pub status: ReviewStatus,
    /// The registry file and the source's row and line in it (head side).
    pub path: String,
    pub row: u64,
    pub line: u64,
    pub archive_path: Option<String>,
    /// The registered sha256.
    pub sha256: Option<String>,
    pub archive: ArchiveCheck,
    /// Every record citing the source, by dataset name then key.
    pub cited_by: Vec<Citing>,
}

/// A new or changed quote and where it is in the archived text of its cited sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteReview {
    pub dataset: String,
    pub path: String,
    pub key: Key,
    pub row: u64,
    pub line: u64,
    pub status: ReviewStatus,
    pub quote: String,
    /// The cited sources whose archived text was searched.
    pub searched: Vec<String>,
    /// The source the passage is from; `None` when no cited archive has any of the quote.
    pub source_id: Option<String>,
    pub archive_path: Option<String>,
    /// The quote in its passage (folded text): exact, or the closest passage.
    pub passage: Option<Passage>,
}

/// Fills in `diff.sources` and `diff.quotes` for `diff` between some base and `head`, reading
/// archived files from `archive` (the head side).
pub fn review(diff: &mut PackageDiff, head: &Snapshot, archive: &Archive<'_>) {
    let registry = head.manifest.provenance.registry.as_str();
    let archive_dir = head.manifest.provenance.archive_dir.trim_end_matches('/');
    // Keys this diff adds or changes, per dataset: to flag citing records.
    let mut touched: BTreeMap<&str, BTreeMap<&Key, ReviewStatus>> = BTreeMap::new();
    for d in diff.changed_datasets() {
        let t = touched.entry(d.name.as_str()).or_default();
        for a in &d.added {
            t.insert(&a.key, ReviewStatus::Added);
        }
        for c in &d.changed {
            t.insert(&c.key, ReviewStatus::Changed);
        }
    }
    let mut sources = new_sources(diff, head, registry);
    let wanted: BTreeSet<String> = sources.iter().map(|s| s.id.clone()).collect();
    let citing = citations(head, &wanted, &touched);
    for s in &mut sources {
        s.archive = check(s, archive, archive_dir);
        s.cited_by = citing.get(&s.id).cloned().unwrap_or_default();
    }
    let quotes = quotes(diff, head, registry, archive, archive_dir);
    diff.sources = sources;
    diff.quotes = quotes;
}

/// A table's records by spreadsheet row.
fn rows_of(table: &Table) -> HashMap<u64, &Record> {
    table.records.iter().map(|r| (r.row, r)).collect()
}

/// The registry rows the head adds or changes (archive not checked yet).
fn new_sources(diff: &PackageDiff, head: &Snapshot, registry: &str) -> Vec<SourceReview> {
    let (Some(d), Some(table)) = (
        diff.datasets.iter().find(|d| d.name == registry),
        head.tables.get(registry),
    ) else {
        return Vec::new();
    };
    let by_row = rows_of(table);
    let rows = d
        .added
        .iter()
        .map(|a| (a.row, ReviewStatus::Added))
        .chain(d.changed.iter().map(|c| (c.row, ReviewStatus::Changed)));
    let mut out: Vec<SourceReview> = rows
        .filter_map(|(row, status)| {
            let r = *by_row.get(&row)?;
            Some(SourceReview {
                id: table.get(r, "source_id")?.to_string(),
                status,
                path: table.path.clone(),
                row: r.row,
                line: r.line,
                archive_path: table.get(r, "archive_path").map(str::to_string),
                sha256: table.get(r, "sha256").map(str::to_string),
                archive: ArchiveCheck::NoArchive,
                cited_by: Vec::new(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn check(s: &SourceReview, archive: &Archive<'_>, archive_dir: &str) -> ArchiveCheck {
    let Some(rel) = s.archive_path.as_deref() else {
        return ArchiveCheck::NoArchive;
    };
    if !inside(rel, archive_dir) {
        return ArchiveCheck::Refused {
            reason: format!("not a plain relative path inside `{archive_dir}/`"),
        };
    }
    match archive.read(rel) {
        Read::Missing => ArchiveCheck::Missing,
        Read::Refused(reason) => ArchiveCheck::Refused { reason },
        Read::Bytes(b) => {
            let actual = kpdata_base::sha256_hex(&b);
            match &s.sha256 {
                None => ArchiveCheck::NoSha256 { actual },
                Some(x) if x.eq_ignore_ascii_case(&actual) => ArchiveCheck::Matches,
                Some(_) => ArchiveCheck::Mismatch { actual },
            }
        }
    }
}

/// The separator of a dataset's `source_ids` (`;` unless its schema says otherwise).
fn separator(head: &Snapshot, dataset: &str) -> String {
    match head
        .schemas
        .get(dataset)
        .and_then(|s| s.field(SOURCE_IDS))
        .map(|f| &f.ty)
    {
        Some(FieldType::Array { separator, .. }) => separator.clone(),
        _ => ";".to_string(),
    }
}

/// Every head record citing one of `wanted`, by source id; sorted by dataset then key.
fn citations(
    head: &Snapshot,
    wanted: &BTreeSet<String>,
    touched: &BTreeMap<&str, BTreeMap<&Key, ReviewStatus>>,
) -> BTreeMap<String, Vec<Citing>> {
    let mut out: BTreeMap<String, Vec<Citing>> = BTreeMap::new();
    if wanted.is_empty() {
        return out;
    }
    for (name, table) in &head.tables {
        let Some(col) = table.column(SOURCE_IDS) else {
            continue;
        };
        let sep = separator(head, name);
        let key_cols: Vec<usize> = match head.manifest.dataset(name) {
            Some(ds) if !ds.primary_key.is_empty() => ds
                .primary_key
                .iter()
                .filter_map(|k| table.column(k))
                .collect(),
            _ => (0..table.header.len()).collect(),
        };
        for r in &table.records {
            let Some(ids) = r.values.get(col).and_then(|v| v.as_deref()) else {
                continue;
            };
            for id in split_array(ids, &sep) {
                if !wanted.contains(id) {
                    continue;
                }
                let key = Key(key_cols
                    .iter()
                    .map(|&i| r.values.get(i).cloned().flatten())
                    .collect());
                let change = touched
                    .get(name.as_str())
                    .and_then(|t| t.get(&key))
                    .copied();
                out.entry(id.to_string()).or_default().push(Citing {
                    dataset: name.clone(),
                    path: table.path.clone(),
                    key,
                    row: r.row,
                    line: r.line,
                    change,
                });
            }
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| (&a.dataset, &a.key, a.row).cmp(&(&b.dataset, &b.key, b.row)));
        v.dedup_by(|a, b| a.dataset == b.dataset && a.row == b.row);
    }
    out
}

/// Every added or changed record whose `quote` is new, in its cited sources' archived text.
fn quotes(
    diff: &PackageDiff,
    head: &Snapshot,
    registry: &str,
    archive: &Archive<'_>,
    archive_dir: &str,
) -> Vec<QuoteReview> {
    let archive_of: BTreeMap<&str, &str> = head
        .tables
        .get(registry)
        .map(|t| {
            t.records
                .iter()
                .filter_map(|r| Some((t.get(r, "source_id")?, t.get(r, "archive_path")?)))
                .collect()
        })
        .unwrap_or_default();
    let mut texts: BTreeMap<String, Option<ArchivedText>> = BTreeMap::new();
    let mut out = Vec::new();
    for d in diff.changed_datasets() {
        let Some(table) = head.tables.get(&d.name) else {
            continue;
        };
        let (Some(fq), Some(fs)) = (table.column(QUOTE), table.column(SOURCE_IDS)) else {
            continue;
        };
        let sep = separator(head, &d.name);
        let by_row = rows_of(table);
        let rows = d
            .added
            .iter()
            .map(|a| (a.row, &a.key, ReviewStatus::Added))
            .chain(
                d.changed
                    .iter()
                    .filter(|c| {
                        c.changes
                            .iter()
                            .any(|f| f.field == QUOTE && f.new.is_some())
                    })
                    .map(|c| (c.row, &c.key, ReviewStatus::Changed)),
            );
        for (row, key, status) in rows {
            let Some(&r) = by_row.get(&row) else {
                continue;
            };
            let Some(quote) = r.values.get(fq).and_then(|v| v.as_deref()) else {
                continue;
            };
            if quote.trim().is_empty() {
                continue;
            }
            let cited: Vec<&str> = r
                .values
                .get(fs)
                .and_then(|v| v.as_deref())
                .map(|v| split_array(v, &sep).collect())
                .unwrap_or_default();
            let folded = normalize(quote);
            let mut best: Option<(&str, &str, Passage)> = None;
            let mut searched = Vec::new();
            for id in cited {
                let Some(&rel) = archive_of.get(id) else {
                    continue;
                };
                let text = texts.entry(id.to_string()).or_insert_with(|| {
                    if !inside(rel, archive_dir) {
                        return None;
                    }
                    match archive.read(rel) {
                        Read::Bytes(b) => Some(ArchivedText::for_path(rel, &b)),
                        _ => None,
                    }
                });
                let Some(text) = text else { continue };
                searched.push(id.to_string());
                let Some(p) = text.locate(&folded, CONTEXT) else {
                    continue;
                };
                let better = match &best {
                    None => true,
                    Some((_, _, b)) => (p.exact, p.agree) > (b.exact, b.agree),
                };
                if better {
                    best = Some((id, rel, p));
                }
            }
            out.push(QuoteReview {
                dataset: d.name.clone(),
                path: d.path.clone(),
                key: key.clone(),
                row,
                line: r.line,
                status,
                quote: quote.to_string(),
                searched,
                source_id: best.as_ref().map(|b| b.0.to_string()),
                archive_path: best.as_ref().map(|b| b.1.to_string()),
                passage: best.map(|b| b.2),
            });
        }
    }
    out
}
