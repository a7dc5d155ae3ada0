//! `kpdata fix`: the repairs that have exactly one safe result, and only those.
//!
//! - a text cell not in Unicode NFC is normalised (canonically equivalent: the same text);
//! - whitespace around a cell's text is removed (a cell of only whitespace is left alone: it
//!   would become an absent value);
//! - with `rehash`, the registry's sha256 of a named source is set to its archived file's
//!   sha256 (only when the curator says the archived file was replaced on purpose);
//! - the records of a dataset the manifest declares `sorted = true` are put in primary-key
//!   order (each record's bytes moved whole; see [`crate::sort`]).
//!
//! Nothing guesses a date, an id or a name. Every byte outside a repaired cell (quoting of
//! other cells, line endings, the header) stays as it was.

use std::fs;
use std::io::Write;

use kpdata_package::{KeyOrder, Package};
use unicode_normalization::{is_nfc, UnicodeNormalization};

use crate::sort::{reorder, Reorder};
use crate::spans::{self, encode, splice};
use crate::CurateError;

/// Why a cell is repaired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Nfc,
    Whitespace,
    Rehash,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Nfc => "normalised to Unicode NFC",
            Kind::Whitespace => "whitespace around the value removed",
            Kind::Rehash => "sha256 set to the archived file's (--rehash)",
        }
    }
}

/// One repair of one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub path: String,
    /// Physical line where the cell starts (1-based).
    pub line: u64,
    pub field: String,
    pub kinds: Vec<Kind>,
    pub old: String,
    pub new: String,
    start: usize,
    end: usize,
    quoted: bool,
}

/// The repairs of one file, and its bytes once repaired.
#[derive(Debug, Clone)]
pub struct FileFix {
    pub path: String,
    pub repairs: Vec<Repair>,
    /// The records put in primary-key order (after the cell repairs), if they were not.
    pub reorder: Option<Reorder>,
    pub fixed: Vec<u8>,
}

impl FileFix {
    /// How many repairs: one per repaired cell, one for re-sorting the file.
    pub fn count(&self) -> usize {
        self.repairs.len() + usize::from(self.reorder.is_some())
    }
}

fn line_of(bytes: &[u8], at: usize) -> u64 {
    let before = &bytes[..at];
    // CR, LF and CRLF each end one line.
    let lf = before.iter().filter(|b| **b == b'\n').count();
    let lone_cr = before
        .iter()
        .enumerate()
        .filter(|(i, b)| **b == b'\r' && before.get(i + 1) != Some(&b'\n'))
        .count();
    (lf + lone_cr) as u64 + 1
}

/// The safe repairs of every CSV dataset of the package (and the rehash of `rehash` sources).
pub fn plan(pkg: &Package, rehash: &[String]) -> Result<Vec<FileFix>, CurateError> {
    let registry = &pkg.manifest.provenance.registry;
    let mut remaining: Vec<&String> = rehash.iter().collect();
    let mut out = Vec::new();
    for ds in &pkg.manifest.datasets {
        if !ds.path.to_ascii_lowercase().ends_with(".csv") {
            continue;
        }
        let Ok(bytes) = crate::read_data(pkg, &ds.path) else {
            continue; // a missing file is a finding of `validate`, not something to fix
        };
        let records = spans::records(&bytes);
        let Some(header) = records.first() else {
            continue;
        };
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let name = String::from_utf8_lossy(&f.value);
                // A UTF-8 byte order mark is not part of the first column's name.
                match name.strip_prefix('\u{FEFF}') {
                    Some(rest) if i == 0 => rest.to_string(),
                    _ => name.into_owned(),
                }
            })
            .collect();
        let col = |n: &str| names.iter().position(|h| h == n);
        let mut repairs = Vec::new();
        for rec in records.iter().skip(1) {
            let rehash_here = (ds.name == *registry)
                .then(|| col("source_id").and_then(|i| rec.get(i)))
                .flatten()
                .and_then(|f| std::str::from_utf8(&f.value).ok())
                .filter(|id| rehash.iter().any(|r| r == id));
            for (i, f) in rec.iter().enumerate() {
                let Ok(old) = std::str::from_utf8(&f.value) else {
                    continue; // invalid UTF-8: `validate` reports it; no safe repair
                };
                let mut kinds = Vec::new();
                let mut new = old.to_string();
                if !is_nfc(&new) {
                    new = new.nfc().collect();
                    kinds.push(Kind::Nfc);
                }
                let trimmed = new.trim();
                if !trimmed.is_empty() && trimmed.len() != new.len() {
                    new = trimmed.to_string();
                    kinds.push(Kind::Whitespace);
                }
                if let (Some(id), Some(sha_col)) = (rehash_here, col("sha256")) {
                    if i == sha_col {
                        let path = col("archive_path")
                            .and_then(|c| rec.get(c))
                            .and_then(|p| std::str::from_utf8(&p.value).ok())
                            .ok_or_else(|| {
                                CurateError::new(format!("source `{id}` has no archive_path"))
                            })?;
                        let archived = crate::read_data(pkg, path)?;
                        let sha = kpdata_base::sha256_hex(&archived);
                        if sha != new {
                            new = sha;
                            kinds.push(Kind::Rehash);
                        }
                        remaining.retain(|r| r.as_str() != id);
                    }
                }
                if !kinds.is_empty() {
                    repairs.push(Repair {
                        path: ds.path.clone(),
                        line: line_of(&bytes, f.start),
                        field: names.get(i).cloned().unwrap_or_default(),
                        kinds,
                        old: old.to_string(),
                        new,
                        start: f.start,
                        end: f.end,
                        quoted: f.quoted,
                    });
                }
            }
        }
        let mut fixed = if repairs.is_empty() {
            bytes.to_vec()
        } else {
            let edits = repairs
                .iter()
                .map(|r| (r.start, r.end, encode(&r.new, r.quoted)))
                .collect();
            splice(&bytes, edits)
        };
        let mut reordered = None;
        if ds.sorted {
            let schema = pkg.dataset(&ds.name).map(|(_, s)| s);
            let mut columns = Vec::new();
            let mut orders = Vec::new();
            for k in &ds.primary_key {
                let Some(c) = col(k) else {
                    continue; // a missing key column is a finding of `validate`
                };
                columns.push(c);
                orders.push(
                    schema
                        .and_then(|s| s.field(k))
                        .map_or(KeyOrder::Text, |f| KeyOrder::of(&f.ty)),
                );
            }
            if columns.len() == ds.primary_key.len() {
                let recs = if repairs.is_empty() {
                    records
                } else {
                    spans::records(&fixed)
                };
                if let Some((sorted, r)) =
                    reorder(&fixed, &recs, &ds.primary_key, &columns, &orders)
                {
                    fixed = sorted;
                    reordered = Some(r);
                }
            }
        }
        if !repairs.is_empty() || reordered.is_some() {
            out.push(FileFix {
                path: ds.path.clone(),
                fixed,
                repairs,
                reorder: reordered,
            });
        }
    }
    if let Some(id) = remaining.first() {
        return Err(CurateError::new(format!(
            "--rehash: no source `{}` in the registry",
            kpdata_diagnostics::escape_value(id, 80)
        )));
    }
    Ok(out)
}

/// Writes the repaired files: each replaced whole (written beside it, synced, renamed), after
/// checking that it may be written at all, so a read-only file stops the run before any change.
pub fn apply(pkg: &Package, fixes: &[FileFix]) -> Result<(), CurateError> {
    for f in fixes {
        let path = pkg.root.dir().join(&f.path);
        if fs::metadata(&path).is_ok_and(|m| m.permissions().readonly()) {
            return Err(CurateError::new(format!("`{}` is read-only", f.path))
                .hint("make it writable, then run the command again"));
        }
        fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|e| CurateError::new(format!("cannot write `{}`: {e}", f.path)))?;
    }
    for f in fixes {
        let path = pkg.root.dir().join(&f.path);
        let meta = fs::metadata(&path).map_err(|e| CurateError::new(e.to_string()))?;
        let tmp = path.with_extension("csv.kpdata-fix");
        let write = || -> std::io::Result<()> {
            let mut out = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            out.write_all(&f.fixed)?;
            out.sync_all()?;
            fs::set_permissions(&tmp, meta.permissions())?;
            fs::rename(&tmp, &path)
        };
        if let Err(e) = write() {
            let _ = fs::remove_file(&tmp);
            return Err(CurateError::new(format!("cannot write `{}`: {e}", f.path)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::line_of;

    #[test]
    fn lines_count_every_line_ending() {
        let b = b"a\r\nb\rc\nd";
        assert_eq!(line_of(b, 0), 1);
        assert_eq!(line_of(b, 3), 2);
        assert_eq!(line_of(b, 5), 3);
        assert_eq!(line_of(b, 7), 4);
    }
}
