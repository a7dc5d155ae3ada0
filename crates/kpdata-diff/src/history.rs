//! History rules (KP5xx): what a change does to records that were already there.

use std::collections::BTreeMap;

use kpdata_diagnostics::rules::history::{
    DATASET_UNPUBLISHED, DESIGNATION_REMOVED, DESIGNATION_WITHDRAWN, RECORD_WITHDRAWN,
    RELEASED_ID_CHANGED, VALUE_CHANGED_WITHOUT_CITATION,
};
use kpdata_diagnostics::{escape_value, Diagnostic};
use kpdata_package::MANIFEST_FILE;

use crate::model::*;
use crate::{Snapshot, RESTRICTED, SENSITIVITY};

/// The dataset whose rows are events that must never be deleted (a delisting is a new row).
pub const DESIGNATIONS: &str = "designations";
/// The field that holds a record's citations.
pub const SOURCE_IDS: &str = "source_ids";

const SHOWN: usize = 80;

fn shown(v: &str) -> String {
    escape_value(v, SHOWN)
}

fn key_text(k: &Key) -> String {
    shown(&k.display())
}

fn at(d: Diagnostic, path: &str, row: u64, line: u64) -> Diagnostic {
    let d = d.path(path).row(row);
    if line > 0 {
        d.line(line)
    } else {
        d
    }
}

/// The non-key values of a record, on fields both sides have, by field name (so a reordering
/// of the columns changes nothing); `None` when all are empty (nothing to recognise a record
/// by).
fn identity<'a>(
    v: &'a Values,
    key: &[String],
    common: &[&str],
) -> Option<Vec<(&'a str, Option<&'a str>)>> {
    let mut out: Vec<_> =
        v.0.iter()
            .filter(|(f, _)| !key.contains(f) && common.contains(&f.as_str()))
            .map(|(f, x)| (f.as_str(), x.as_deref()))
            .collect();
    out.sort_unstable();
    out.iter().any(|(_, x)| x.is_some()).then_some(out)
}

/// History findings for `diff` (computed from `base` and `head`), sorted:
/// - KP501 `designation-removed` (error): a row of `designations` was deleted.
/// - KP502 `released-id-changed` (error): a removed record's non-key values equal an added
///   record's: its id changed. Reported at the added record; not also reported as KP501.
/// - KP503 `value-changed-without-citation` (warning): a record's values changed while its
///   `source_ids` did not.
/// - KP504 `designation-withdrawn` (error) / KP505 `record-withdrawn` (warning): a public
///   record became `restricted` (for designations, also: their dataset unpublished).
/// - KP506 `dataset-unpublished` (warning): a published dataset set to `publish = false`.
///
/// Added and changed records are located in the head; removed ones in the base (the message
/// names the base revision).
pub fn history_findings(diff: &PackageDiff, base: &Snapshot, head: &Snapshot) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in diff.changed_datasets() {
        let base_path = d.base_path.as_deref().unwrap_or(&d.path);
        let headers = (
            base.tables.get(&d.name).map(|t| &t.header),
            head.tables.get(&d.name).map(|t| &t.header),
        );
        let common: Vec<&str> = match headers {
            (Some(b), Some(h)) => h
                .iter()
                .filter(|f| b.contains(f))
                .map(String::as_str)
                .collect(),
            _ => Vec::new(),
        };

        // KP502: an id changed. Only meaningful with a primary key to change.
        let mut renamed = vec![false; d.removed.len()];
        if !d.primary_key.is_empty() && !d.removed.is_empty() {
            let mut by_values: BTreeMap<_, Vec<usize>> = BTreeMap::new();
            for (i, r) in d.removed.iter().enumerate() {
                if let Some(v) = identity(&r.values, &d.primary_key, &common) {
                    by_values.entry(v).or_default().push(i);
                }
            }
            for a in &d.added {
                let Some(ai) = identity(&a.values, &d.primary_key, &common) else {
                    continue;
                };
                let Some(i) = by_values
                    .get_mut(&ai)
                    .and_then(|v| (!v.is_empty()).then(|| v.remove(0)))
                else {
                    continue;
                };
                let r = &d.removed[i];
                renamed[i] = true;
                let msg = format!(
                    "`{}` has the same values as `{}` (row {} in {}), which was removed: its id changed",
                    key_text(&a.key),
                    key_text(&r.key),
                    r.row,
                    diff.base
                );
                out.push(at(
                    Diagnostic::new(&RELEASED_ID_CHANGED, msg),
                    &d.path,
                    a.row,
                    a.line,
                ));
            }
        }

        // KP501: a designation deleted.
        if d.name == DESIGNATIONS {
            for (r, renamed) in d.removed.iter().zip(&renamed) {
                if *renamed {
                    continue;
                }
                let msg = format!(
                    "designation `{}` (row {} in {}) was removed",
                    key_text(&r.key),
                    r.row,
                    diff.base
                );
                out.push(at(
                    Diagnostic::new(&DESIGNATION_REMOVED, msg),
                    base_path,
                    r.row,
                    r.line,
                ));
            }
        }

        // KP504 / KP505: a public record made restricted (matched by primary key).
        for c in &d.changed {
            let Some(ch) = c.changes.iter().find(|f| f.field == SENSITIVITY) else {
                continue;
            };
            if ch.new.as_deref() != Some(RESTRICTED) || ch.old.as_deref() == Some(RESTRICTED) {
                continue;
            }
            let (rule, what) = if d.name == DESIGNATIONS {
                (&DESIGNATION_WITHDRAWN, "designation")
            } else {
                (&RECORD_WITHDRAWN, "record")
            };
            let msg = format!(
                "{what} `{}` was public in {} and is now `{RESTRICTED}`: the next release no longer publishes it",
                key_text(&c.key),
                diff.base
            );
            out.push(at(Diagnostic::new(rule, msg), &d.path, c.row, c.line).field(SENSITIVITY));
        }

        // KP503: values changed, citations did not.
        if common.contains(&SOURCE_IDS) {
            for c in &d.changed {
                if c.changes.iter().any(|f| f.field == SOURCE_IDS) {
                    continue;
                }
                let fields: Vec<String> = c
                    .changes
                    .iter()
                    .map(|f| format!("`{}`", shown(&f.field)))
                    .collect();
                let msg = format!(
                    "`{}`: {} changed but `{SOURCE_IDS}` did not",
                    key_text(&c.key),
                    fields.join(", ")
                );
                let mut diag = at(
                    Diagnostic::new(&VALUE_CHANGED_WITHOUT_CITATION, msg),
                    &d.path,
                    c.row,
                    c.line,
                );
                if c.changes.len() == 1 {
                    diag = diag.field(c.changes[0].field.clone());
                }
                out.push(diag);
            }
        }
    }
    out.extend(unpublished(diff, base, head));
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// KP506 for each dataset published in `base` and `publish = false` in `head`; for the
/// designations, KP504 for each of its rows that was public.
fn unpublished(diff: &PackageDiff, base: &Snapshot, head: &Snapshot) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for ds in &base.manifest.datasets {
        let Some(now) = head.manifest.dataset(&ds.name) else {
            continue;
        };
        if !ds.publish || now.publish {
            continue;
        }
        out.push(
            Diagnostic::new(
                &DATASET_UNPUBLISHED,
                format!(
                    "dataset `{}` was published in {} and is now `publish = false`: the next release drops all of it",
                    shown(&ds.name),
                    diff.base
                ),
            )
            .path(MANIFEST_FILE),
        );
        if ds.name != DESIGNATIONS {
            continue;
        }
        let Some(table) = base.tables.get(&ds.name) else {
            continue;
        };
        let sens = table.column(SENSITIVITY);
        let key: Vec<Option<usize>> = ds.primary_key.iter().map(|k| table.column(k)).collect();
        for r in &table.records {
            let cell = |i: Option<usize>| i.and_then(|i| r.values.get(i).cloned().flatten());
            if cell(sens).as_deref() == Some(RESTRICTED) {
                continue;
            }
            let k = Key(key.iter().map(|&i| cell(i)).collect());
            let msg = format!(
                "designation `{}` (row {} in {}) is no longer published: its dataset is now `publish = false`",
                key_text(&k),
                r.row,
                diff.base
            );
            out.push(at(
                Diagnostic::new(&DESIGNATION_WITHDRAWN, msg),
                &table.path,
                r.row,
                r.line,
            ));
        }
    }
    out
}
