//! `kpdata source add`: archive a file and register it as a source, in one step.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;

use kpdata_check::formats::is_partial_date;
use kpdata_check::registry::url_problem;
use kpdata_package::Package;
use kpdata_read::Table;

use crate::CurateError;

/// What the curator says about the new source. Fields the registry has no column for are
/// refused; columns the curator does not set stay empty.
#[derive(Debug, Clone, Default)]
pub struct NewSource {
    /// The new id (default: derived from the file name, following `src-<words>`).
    pub id: Option<String>,
    pub source_type: String,
    /// `official` (an authority's own document) or `secondary`; default `secondary`.
    pub tier: Option<String>,
    pub title: String,
    pub publisher: String,
    pub url: String,
    pub issued: Option<String>,
    pub accessed: Option<String>,
    pub note: Option<String>,
    /// Any other registry column, by name (`custody=exact_copy`, `obtained_from=https://…`).
    pub extra: BTreeMap<String, String>,
}

/// What was done: the id to cite, where the file was archived and its sha256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub id: String,
    pub archive_path: String,
    pub sha256: String,
}

/// Largest file `source add` archives (the validator reads archived texts up to its limits).
const MAX_SOURCE: u64 = 256 * 1024 * 1024;

/// Lower-case words of `s` joined with `-`: only `[a-z0-9]` kept.
fn words(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-')
        .chars()
        .take(60)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// The archive file name for `file_name`: lower-case words, its extension kept.
fn archive_name(file_name: &str) -> String {
    let (stem, ext) = match file_name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && !e.is_empty() => (s, Some(words(e))),
        _ => (file_name, None),
    };
    let stem = words(stem);
    let stem = if stem.is_empty() {
        "source".to_string()
    } else {
        stem
    };
    match ext {
        Some(e) if !e.is_empty() => format!("{stem}.{e}"),
        _ => stem,
    }
}

/// Reads `file` (a regular file, not too large).
fn read_source(file: &Path) -> Result<Vec<u8>, CurateError> {
    let shown = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let f = fs::File::open(file).map_err(|e| {
        CurateError::new(format!(
            "cannot read `{}`: {e}",
            kpdata_diagnostics::escape_value(&shown, 80)
        ))
    })?;
    let meta = f
        .metadata()
        .map_err(|e| CurateError::new(format!("cannot read the file: {e}")))?;
    if !meta.is_file() {
        return Err(CurateError::new("the source must be a regular file"));
    }
    if meta.len() > MAX_SOURCE {
        return Err(CurateError::new(format!(
            "the file is larger than {} MiB",
            MAX_SOURCE >> 20
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_SOURCE + 1), &mut bytes)
        .map_err(|e| CurateError::new(format!("cannot read the file: {e}")))?;
    Ok(bytes)
}

/// Checks what the curator gave, before anything is written.
fn check_input(new: &NewSource) -> Result<(), CurateError> {
    if let Some((rule, message)) = url_problem(&new.url) {
        return Err(CurateError::new(format!("--url: {message}"))
            .hint(format!("see `kpdata rule {}`", rule.code)));
    }
    for (flag, v) in [("--issued", &new.issued), ("--accessed", &new.accessed)] {
        if let Some(d) = v {
            if !is_partial_date(d) {
                return Err(CurateError::new(format!(
                    "{flag}: `{}` is not a partial date",
                    kpdata_diagnostics::escape_value(d, 40)
                ))
                .hint("give YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date)"));
            }
        }
    }
    if let Some(t) = &new.tier {
        if t != "official" && t != "secondary" {
            return Err(CurateError::new("--tier must be `official` or `secondary`")
                .hint("official: the authority's own document; secondary: anyone else's"));
        }
    }
    for (k, v) in [
        ("--title", &new.title),
        ("--publisher", &new.publisher),
        ("--type", &new.source_type),
    ] {
        if v.trim().is_empty() {
            return Err(CurateError::new(format!("{k} must not be empty")));
        }
    }
    Ok(())
}

/// Archives `file` and appends its registry row. Refuses (writing nothing) a file whose sha256
/// is already registered, naming that source.
pub fn add(pkg: &Package, file: &Path, new: &NewSource) -> Result<Added, CurateError> {
    check_input(new)?;
    let bytes = read_source(file)?;
    let sha = kpdata_base::sha256_hex(&bytes);
    let (registry_path, table) = crate::registry_table(pkg)?;
    check_not_registered(&table, &sha)?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = source_id(new, &table, &file_name)?;
    let archive_path = free_archive_path(pkg, new, &file_name)?;
    let row = registry_row(new, &table, &id, &archive_path, &sha)?;
    let registry_bytes = crate::read_data(pkg, &registry_path)?;
    let line = registry_line(&registry_bytes, &row)?;
    write_both(pkg, &registry_path, &archive_path, &bytes, &line)?;
    Ok(Added {
        id,
        archive_path,
        sha256: sha,
    })
}

/// A file whose sha256 is registered already is cited under that source, not added again.
fn check_not_registered(table: &Table, sha: &str) -> Result<(), CurateError> {
    for r in &table.records {
        if table
            .get(r, "sha256")
            .map(str::to_ascii_lowercase)
            .as_deref()
            == Some(sha)
        {
            let id = table.get(r, "source_id").unwrap_or("?");
            return Err(CurateError::new(format!(
                "this file is already archived as source `{}`",
                kpdata_diagnostics::escape_value(id, 80)
            ))
            .hint(format!(
                "cite `{}` instead",
                kpdata_diagnostics::escape_value(id, 80)
            )));
        }
    }
    Ok(())
}

/// The curator's id (checked: `src-<words>`, not taken), or one derived from the file name
/// (`-2`, `-3`... until free).
fn source_id(new: &NewSource, table: &Table, file_name: &str) -> Result<String, CurateError> {
    let ids: Vec<&str> = table
        .records
        .iter()
        .filter_map(|r| table.get(r, "source_id"))
        .collect();
    Ok(match &new.id {
        Some(id) => {
            let ok = id.starts_with("src-")
                && id.len() > 4
                && id[4..]
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                return Err(CurateError::new(
                    "--id must look like `src-<lower-case words>`",
                ));
            }
            if ids.contains(&id.as_str()) {
                return Err(CurateError::new(format!("source id `{id}` is taken")));
            }
            id.clone()
        }
        None => {
            let base = format!(
                "src-{}",
                words(file_name.rsplit_once('.').map_or(file_name, |(s, _)| s))
            );
            let base = if base == "src-" {
                "src-source".to_string()
            } else {
                base
            };
            let mut id = base.clone();
            let mut n = 2;
            while ids.contains(&id.as_str()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        }
    })
}

/// `<archive_dir>/<type>/<file name as words>`, numbered (`-2`, `-3`...) until no file is there.
fn free_archive_path(
    pkg: &Package,
    new: &NewSource,
    file_name: &str,
) -> Result<String, CurateError> {
    let archive_dir = pkg.manifest.provenance.archive_dir.trim_end_matches('/');
    let folder = words(&new.source_type);
    let mut archive_path = format!("{archive_dir}/{folder}/{}", archive_name(file_name));
    let mut n = 2;
    while pkg.root.dir().join(&archive_path).exists() {
        let name = archive_name(file_name);
        let (stem, ext) = name
            .rsplit_once('.')
            .map_or((name.as_str(), None), |(s, e)| (s, Some(e)));
        archive_path = match ext {
            Some(e) => format!("{archive_dir}/{folder}/{stem}-{n}.{e}"),
            None => format!("{archive_dir}/{folder}/{stem}-{n}"),
        };
        n += 1;
    }
    kpdata_package::check_relative(&archive_path)
        .map_err(|_| CurateError::new("the derived archive path is not a safe relative path"))?;

    Ok(archive_path)
}

/// The row, in the registry's own column order; a column the curator names must exist.
fn registry_row(
    new: &NewSource,
    table: &Table,
    id: &str,
    archive_path: &str,
    sha: &str,
) -> Result<Vec<String>, CurateError> {
    let mut values: BTreeMap<&str, String> = BTreeMap::new();
    values.insert("source_id", id.to_string());
    values.insert("type", new.source_type.clone());
    values.insert(
        "tier",
        new.tier.clone().unwrap_or_else(|| "secondary".into()),
    );
    values.insert("title", new.title.clone());
    values.insert("publisher", new.publisher.clone());
    values.insert("url", new.url.clone());
    values.insert("issued", new.issued.clone().unwrap_or_default());
    values.insert("accessed", new.accessed.clone().unwrap_or_default());
    values.insert("archive_path", archive_path.to_string());
    values.insert("sha256", sha.to_string());
    values.insert("sensitivity", "public".into());
    values.insert("note", new.note.clone().unwrap_or_default());
    for (k, v) in &new.extra {
        if !table.header.iter().any(|h| h == k) {
            return Err(CurateError::new(format!(
                "the registry has no column `{}`",
                kpdata_diagnostics::escape_value(k, 60)
            ))
            .hint(format!("its columns: {}", table.header.join(", "))));
        }
        values.insert(k.as_str(), v.clone());
    }
    Ok(table
        .header
        .iter()
        .map(|h| values.get(h.as_str()).cloned().unwrap_or_default())
        .collect())
}

/// The row as a CSV line with the registry's line ends, after a line break when the registry
/// does not end with one.
fn registry_line(registry_bytes: &[u8], row: &[String]) -> Result<Vec<u8>, CurateError> {
    let crlf = registry_bytes
        .windows(2)
        .position(|w| w == b"\r\n")
        .is_some_and(|p| !registry_bytes[..p].contains(&b'\n'));
    let mut line = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(if crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(&mut line);
        w.write_record(row)
            .map_err(|e| CurateError::new(e.to_string()))?;
        w.flush().map_err(|e| CurateError::new(e.to_string()))?;
    }
    if !registry_bytes.is_empty()
        && !registry_bytes.ends_with(b"\n")
        && !registry_bytes.ends_with(b"\r")
    {
        line.splice(
            0..0,
            if crlf {
                b"\r\n".to_vec()
            } else {
                b"\n".to_vec()
            },
        );
    }

    Ok(line)
}

/// Open the registry for appending first, so a read-only registry stops us before the archive
/// is touched; then archive; then append (and undo the archive if that fails).
fn write_both(
    pkg: &Package,
    registry_path: &str,
    archive_path: &str,
    bytes: &[u8],
    line: &[u8],
) -> Result<(), CurateError> {
    let registry_file = pkg.root.dir().join(registry_path);
    // Read-only means read-only, even to a user whom the system would let write.
    if fs::metadata(&registry_file).is_ok_and(|m| m.permissions().readonly()) {
        return Err(
            CurateError::new(format!("the registry `{registry_path}` is read-only"))
                .hint("make it writable, then run the command again"),
        );
    }
    let mut reg = fs::OpenOptions::new()
        .append(true)
        .open(&registry_file)
        .map_err(|e| {
            CurateError::new(format!("cannot write the registry `{registry_path}`: {e}"))
        })?;
    let target = pkg.root.dir().join(archive_path);
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| CurateError::new(format!("cannot create the archive folder: {e}")))?;
    }
    let mut out = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
        .map_err(|e| {
            CurateError::new(format!("cannot archive the file at `{archive_path}`: {e}"))
        })?;
    if let Err(e) = out.write_all(bytes).and_then(|_| out.sync_all()) {
        let _ = fs::remove_file(&target);
        return Err(CurateError::new(format!("cannot archive the file: {e}")));
    }
    if let Err(e) = reg.write_all(line).and_then(|_| reg.sync_all()) {
        let _ = fs::remove_file(&target);
        return Err(CurateError::new(format!("cannot write the registry: {e}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lower_case_words() {
        assert_eq!(
            words("OHCHR 2014-03-17: Kirby's statement!"),
            "ohchr-2014-03-17-kirby-s-statement"
        );
        assert_eq!(archive_name("Kirby Statement.TXT"), "kirby-statement.txt");
        assert_eq!(archive_name(".hidden"), "hidden");
        assert_eq!(archive_name("한국.txt"), "source.txt");
    }
}
