//! Computing a [`PackageDiff`] from two [`Snapshot`]s.

use std::collections::{BTreeMap, BTreeSet};

use kpdata_package::{FieldSpec, FieldType, RecordSchema};
use kpdata_read::{Record, Table};

use crate::delta::Delta;
use crate::model::*;
use crate::Snapshot;

/// Compares two snapshots, dataset by dataset (sorted by name). Records are matched by the
/// head's primary key (the base's for a removed dataset); a dataset without a primary key is
/// matched by whole rows, so an edited row shows as one removed and one added. Values are
/// compared on the columns both sides have; added and removed columns are schema changes.
pub fn diff(base: &Snapshot, head: &Snapshot) -> PackageDiff {
    let names: BTreeSet<&String> = base.tables.keys().chain(head.tables.keys()).collect();
    let datasets = names
        .into_iter()
        .map(|name| {
            let b = side(base, name);
            let h = side(head, name);
            match (b, h) {
                (Some(b), Some(h)) => compare(name, b, h),
                (None, Some(h)) => whole(name, h, DatasetStatus::Added),
                (Some(b), None) => whole(name, b, DatasetStatus::Removed),
                (None, None) => unreachable!("the name comes from one of the sides"),
            }
        })
        .collect();
    PackageDiff {
        base: base.label.clone(),
        head: head.label.clone(),
        datasets,
        sources: Vec::new(),
        quotes: Vec::new(),
    }
}

struct Side<'a> {
    table: &'a Table,
    schema: &'a RecordSchema,
    primary_key: &'a [String],
    publish: bool,
}

fn side<'a>(snap: &'a Snapshot, name: &str) -> Option<Side<'a>> {
    let ds = snap.manifest.dataset(name)?;
    Some(Side {
        table: snap.tables.get(name)?,
        schema: snap.schemas.get(name)?,
        primary_key: &ds.primary_key,
        publish: ds.publish,
    })
}

/// A type label: `string`, `string (date)`, `array of integer (;)`.
pub(crate) fn type_label(f: &FieldSpec) -> String {
    fn ty(t: &FieldType) -> String {
        match t {
            FieldType::Array { separator, item } => {
                format!("array of {} ({separator})", ty(item))
            }
            other => other.name().to_string(),
        }
    }
    match &f.format {
        Some(fmt) => format!("{} ({fmt})", ty(&f.ty)),
        None => ty(&f.ty),
    }
}

/// The delta of a changed value: list items for a field with a separator (head schema), word
/// spans for any other value present on both sides.
fn delta(
    schema: &RecordSchema,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Option<Delta> {
    match schema.field(field).map(|f| &f.ty) {
        Some(FieldType::Array { separator, .. }) => Some(Delta::list(old, new, separator)),
        _ => Some(Delta::words(old?, new?)),
    }
}

fn values(table: &Table, r: &Record, columns: &[usize]) -> Values {
    Values(
        columns
            .iter()
            .map(|&i| (table.header[i].clone(), r.values.get(i).cloned().flatten()))
            .collect(),
    )
}

fn key_of(r: &Record, idx: &[usize]) -> Key {
    Key(idx
        .iter()
        .map(|&i| r.values.get(i).cloned().flatten())
        .collect())
}

fn entry(table: &Table, r: &Record, key_idx: &[usize]) -> RecordEntry {
    let all: Vec<usize> = (0..table.header.len()).collect();
    RecordEntry {
        key: key_of(r, key_idx),
        row: r.row,
        line: r.line,
        values: values(table, r, &all),
    }
}

/// Column indexes of `key` fields in `table` (fields missing from the header are skipped), or
/// every column when there is no key.
fn key_columns(table: &Table, key: &[String]) -> Vec<usize> {
    if key.is_empty() {
        (0..table.header.len()).collect()
    } else {
        key.iter().filter_map(|k| table.column(k)).collect()
    }
}

fn whole(name: &str, s: Side<'_>, status: DatasetStatus) -> DatasetDiff {
    let idx = key_columns(s.table, s.primary_key);
    let mut entries: Vec<RecordEntry> = s
        .table
        .records
        .iter()
        .map(|r| entry(s.table, r, &idx))
        .collect();
    entries.sort_by(|a, b| a.key.cmp(&b.key).then(a.row.cmp(&b.row)));
    let n = entries.len() as u64;
    let (added, removed, summary) = if status == DatasetStatus::Added {
        (
            entries,
            Vec::new(),
            DatasetSummary {
                added: n,
                ..Default::default()
            },
        )
    } else {
        (
            Vec::new(),
            entries,
            DatasetSummary {
                removed: n,
                ..Default::default()
            },
        )
    };
    DatasetDiff {
        name: name.to_string(),
        path: s.table.path.clone(),
        base_path: None,
        status,
        publish: s.publish,
        primary_key: s.primary_key.to_vec(),
        summary,
        schema: SchemaChanges::default(),
        added,
        removed,
        changed: Vec::new(),
    }
}

fn schema_changes(b: &Side<'_>, h: &Side<'_>) -> SchemaChanges {
    let bf: BTreeMap<&str, &FieldSpec> = b
        .schema
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f))
        .collect();
    let hf: BTreeMap<&str, &FieldSpec> = h
        .schema
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f))
        .collect();
    let info = |f: &FieldSpec| FieldInfo {
        name: f.name.clone(),
        ty: type_label(f),
    };
    let mut out = SchemaChanges::default();
    for (name, f) in &hf {
        match bf.get(name) {
            None => out.fields_added.push(info(f)),
            Some(old) => {
                let (o, n) = (type_label(old), type_label(f));
                if o != n {
                    out.fields_retyped.push(FieldRetyped {
                        name: name.to_string(),
                        old: o,
                        new: n,
                    });
                }
            }
        }
    }
    for (name, f) in &bf {
        if !hf.contains_key(name) {
            out.fields_removed.push(info(f));
        }
    }
    if b.primary_key != h.primary_key {
        out.primary_key = Some((b.primary_key.to_vec(), h.primary_key.to_vec()));
    }
    out
}

fn compare(name: &str, b: Side<'_>, h: Side<'_>) -> DatasetDiff {
    let schema = schema_changes(&b, &h);
    // Records are matched by the head's key, looked up by name on each side.
    let key = h.primary_key;
    let common: Vec<(usize, usize)> = h
        .table
        .header
        .iter()
        .enumerate()
        .filter_map(|(hi, f)| b.table.column(f).map(|bi| (bi, hi)))
        .collect();
    let (bkey, hkey): (Vec<usize>, Vec<usize>) = if key.is_empty() {
        common.iter().copied().unzip()
    } else {
        let pairs: Vec<_> = key
            .iter()
            .map(|k| (b.table.column(k), h.table.column(k)))
            .collect();
        if pairs.iter().all(|(x, y)| x.is_some() && y.is_some()) {
            pairs
                .into_iter()
                .map(|(x, y)| (x.unwrap(), y.unwrap()))
                .unzip()
        } else {
            // The key column is missing on one side: fall back to whole rows.
            common.iter().copied().unzip()
        }
    };
    let mut base_by: BTreeMap<Key, Vec<&Record>> = BTreeMap::new();
    for r in &b.table.records {
        base_by.entry(key_of(r, &bkey)).or_default().push(r);
    }
    let mut head_by: BTreeMap<Key, Vec<&Record>> = BTreeMap::new();
    for r in &h.table.records {
        head_by.entry(key_of(r, &hkey)).or_default().push(r);
    }
    let keys: BTreeSet<&Key> = base_by.keys().chain(head_by.keys()).collect();
    let (mut added, mut removed, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    let mut unchanged = 0u64;
    let empty = Vec::new();
    for k in keys {
        let bs = base_by.get(k).unwrap_or(&empty);
        let hs = head_by.get(k).unwrap_or(&empty);
        // Duplicate keys (a validation error) pair up in file order; the rest are added/removed.
        for (br, hr) in bs.iter().zip(hs.iter()) {
            let changes: Vec<FieldChange> = common
                .iter()
                .filter_map(|&(bi, hi)| {
                    let old = br.values.get(bi).cloned().flatten();
                    let new = hr.values.get(hi).cloned().flatten();
                    (old != new).then(|| {
                        let field = &h.table.header[hi];
                        FieldChange {
                            delta: delta(h.schema, field, old.as_deref(), new.as_deref()),
                            field: field.clone(),
                            old,
                            new,
                        }
                    })
                })
                .collect();
            if changes.is_empty() {
                unchanged += 1;
            } else {
                changed.push(ChangedRecord {
                    key: k.clone(),
                    base_row: br.row,
                    base_line: br.line,
                    row: hr.row,
                    line: hr.line,
                    changes,
                });
            }
        }
        for br in bs.iter().skip(hs.len()) {
            removed.push(entry(b.table, br, &bkey));
        }
        for hr in hs.iter().skip(bs.len()) {
            added.push(entry(h.table, hr, &hkey));
        }
    }
    let summary = DatasetSummary {
        added: added.len() as u64,
        removed: removed.len() as u64,
        changed: changed.len() as u64,
        unchanged,
    };
    let status =
        if schema.is_empty() && added.is_empty() && removed.is_empty() && changed.is_empty() {
            DatasetStatus::Unchanged
        } else {
            DatasetStatus::Changed
        };
    DatasetDiff {
        name: name.to_string(),
        path: h.table.path.clone(),
        base_path: (b.table.path != h.table.path).then(|| b.table.path.clone()),
        status,
        publish: h.publish,
        primary_key: key.to_vec(),
        summary,
        schema,
        added,
        removed,
        changed,
    }
}
