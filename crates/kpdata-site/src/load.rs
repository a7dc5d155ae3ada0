//! Reading a release folder: `datapackage.json`, each dataset's JSON data file and the archived
//! source files under `sources/`. The site is built from the release alone (never from the
//! repository's CSV), so what it shows is what was published.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

/// One record of a dataset, as published.
pub type Row = Map<String, Value>;

/// A failure to read the release (not a finding): the site cannot be built. The workspace's
/// one failure type ([`kpdata_base::Failure`]).
pub use kpdata_base::Failure as SiteError;

/// A dataset of the release: its rows in published order and what its schema says.
#[derive(Debug, Default)]
pub struct Dataset {
    pub name: String,
    pub title: String,
    pub description: String,
    pub fields: Vec<String>,
    pub primary_key: Vec<String>,
    /// `(fields, referenced dataset, referenced fields)` for each scalar foreign key.
    pub foreign_keys: Vec<(Vec<String>, String, Vec<String>)>,
    pub rows: Vec<Row>,
}

impl Dataset {
    /// The primary-key value of a row, joined with ` / ` for composite keys.
    pub fn key_of(&self, row: &Row) -> String {
        let parts: Vec<String> = self.primary_key.iter().map(|f| text(row, f)).collect();
        parts.join(" / ")
    }

    /// The fields of this dataset that reference `target`'s field `field`.
    pub fn fields_referencing(&self, target: &str, field: &str) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .foreign_keys
            .iter()
            .filter(|(f, d, r)| d == target && f.len() == 1 && r.len() == 1 && r[0] == field)
            .map(|(f, _, _)| f[0].as_str())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// An archived source file shipped in the release, whose bytes match the registry's sha256.
#[derive(Debug)]
pub struct Archived {
    /// The path inside the release folder (`sources/...`).
    pub release_path: String,
    pub bytes: Vec<u8>,
}

/// Everything the site shows, read from one release folder.
#[derive(Debug, Default)]
pub struct Release {
    pub name: String,
    pub title: String,
    pub description: String,
    pub version: String,
    pub licenses: Vec<(String, String)>,
    pub homepage: Option<String>,
    pub citation: String,
    pub datasets: Vec<Dataset>,
    /// Archived files by source id (only those present and matching their sha256).
    pub archived: BTreeMap<String, Archived>,
    /// Source ids whose archived file is in the release but does not match the registry.
    pub mismatched: Vec<String>,
    /// `changes.json` of the release, if any.
    pub changes: Option<Value>,
}

impl Release {
    pub fn dataset(&self, name: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.name == name)
    }
}

/// The text of a cell: strings as they are, lists joined with `; `, numbers and booleans
/// printed, null and absent as the empty string.
pub fn text(row: &Row, field: &str) -> String {
    match row.get(field) {
        None | Some(Value::Null) => String::new(),
        Some(v) => value_text(v),
    }
}

pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// The items of a list cell (a JSON array, or one string as a single item).
pub fn list(row: &Row, field: &str) -> Vec<String> {
    match row.get(field) {
        Some(Value::Array(items)) => items
            .iter()
            .map(value_text)
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// Largest file the site reads from a release (data or archived source).
const MAX_FILE: u64 = 512 * 1024 * 1024;

fn read_file(path: &Path) -> Result<Vec<u8>, SiteError> {
    let file = File::open(path)
        .map_err(|e| SiteError::new(format!("cannot read {}: {e}", display(path))))?;
    let meta = file
        .metadata()
        .map_err(|e| SiteError::new(format!("cannot read {}: {e}", display(path))))?;
    if !meta.is_file() {
        return Err(SiteError::new(format!(
            "{} is not a regular file",
            display(path)
        )));
    }
    if meta.len() > MAX_FILE {
        return Err(SiteError::new(format!(
            "{} is larger than {} MiB",
            display(path),
            MAX_FILE >> 20
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| SiteError::new(format!("cannot read {}: {e}", display(path))))?;
    Ok(bytes)
}

/// A path for messages: its last two components, never an absolute path.
fn display(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .rev()
        .take(2)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.into_iter().rev().collect::<Vec<_>>().join("/")
}

/// A relative path inside the release: no `..`, no absolute part, no empty part.
fn safe_relative(path: &str) -> Option<PathBuf> {
    if path.is_empty() || path.contains('\\') {
        return None;
    }
    let p = Path::new(path);
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => out.push(s),
            _ => return None,
        }
    }
    Some(out)
}

fn str_of(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or_default().to_string()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Parses a data file: a JSON array of objects, or JSON Lines (one object per line).
fn parse_rows(bytes: &[u8], name: &str) -> Result<Vec<Row>, SiteError> {
    let bad =
        |e: String| SiteError::new(format!("data of dataset `{name}` is not valid JSON: {e}"));
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        return rows_of(value).ok_or_else(|| bad("expected an array of objects".into()));
    }
    let mut rows = Vec::new();
    for line in bytes.split(|b| *b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Value>(line).map_err(|e| bad(e.to_string()))? {
            Value::Object(m) => rows.push(m),
            _ => return Err(bad("expected one object per line".into())),
        }
    }
    Ok(rows)
}

fn rows_of(value: Value) -> Option<Vec<Row>> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// Reads a release folder.
pub fn open(dir: &Path) -> Result<Release, SiteError> {
    let descriptor_path = dir.join("datapackage.json");
    let descriptor: Value = serde_json::from_slice(&read_file(&descriptor_path)?)
        .map_err(|e| SiteError::new(format!("datapackage.json is not valid JSON: {e}")))
        .map_err(|e| e.hint("build the site from a release folder made by `kpdata release`"))?;
    let mut release = Release {
        name: str_of(descriptor.get("name")),
        title: str_of(descriptor.get("title")),
        description: str_of(descriptor.get("description")),
        version: str_of(descriptor.get("version")),
        homepage: descriptor
            .get("homepage")
            .and_then(Value::as_str)
            .map(str::to_string),
        ..Release::default()
    };
    if let Some(Value::Array(ls)) = descriptor.get("licenses") {
        for l in ls {
            let name = str_of(l.get("name"));
            let path = str_of(l.get("path"));
            release.licenses.push((name, path));
        }
    }
    let resources = match descriptor.get("resources") {
        Some(Value::Array(r)) => r.clone(),
        _ => return Err(SiteError::new("datapackage.json has no `resources` array")),
    };
    // One dataset per resource name; its data from the JSON resource (or the first data file
    // that is JSON); schema facts from whichever resource carries a schema.
    let mut by_name: BTreeMap<String, (Option<String>, Option<Value>, String, String)> =
        BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for r in &resources {
        let path = str_of(r.get("path"));
        let format = str_of(r.get("format"));
        let mut name = str_of(r.get("name"));
        // Resources may be named `<dataset>` or `<dataset>-json` etc.: the data file's stem
        // names the dataset.
        if let Some(stem) = path
            .strip_prefix("data/")
            .and_then(|p| p.rsplit_once('.'))
            .map(|(s, _)| s)
        {
            name = stem.to_string();
        }
        if name.is_empty() || !path.starts_with("data/") {
            continue;
        }
        if !by_name.contains_key(&name) {
            order.push(name.clone());
        }
        let entry = by_name
            .entry(name)
            .or_insert((None, None, String::new(), String::new()));
        let is_json = format == "json" || path.ends_with(".json") || path.ends_with(".jsonl");
        if is_json && entry.0.is_none() {
            entry.0 = Some(path.clone());
        }
        if entry.1.is_none() {
            if let Some(s) = r.get("schema").filter(|s| s.is_object()) {
                entry.1 = Some(s.clone());
            }
        }
        if entry.2.is_empty() {
            entry.2 = str_of(r.get("title"));
        }
        if entry.3.is_empty() {
            entry.3 = str_of(r.get("description"));
        }
    }
    for name in order {
        let (path, schema, title, description) = by_name.remove(&name).unwrap_or_default();
        let Some(path) = path else { continue };
        let rel = safe_relative(&path)
            .ok_or_else(|| SiteError::new(format!("resource path `{path}` is not safe")))?;
        let rows = parse_rows(&read_file(&dir.join(rel))?, &name)?;
        let mut ds = Dataset {
            name: name.clone(),
            title: if title.is_empty() { name } else { title },
            description,
            rows,
            ..Dataset::default()
        };
        if let Some(schema) = schema {
            if let Some(Value::Array(fs)) = schema.get("fields") {
                ds.fields = fs.iter().map(|f| str_of(f.get("name"))).collect();
            }
            ds.primary_key = strings(schema.get("primaryKey"));
            if let Some(Value::Array(fks)) = schema.get("foreignKeys") {
                for fk in fks {
                    let fields = strings(fk.get("fields"));
                    let reference = fk.get("reference");
                    let target = str_of(reference.and_then(|r| r.get("resource")));
                    let target = target
                        .strip_suffix("-csv")
                        .or_else(|| target.strip_suffix("-json"))
                        .unwrap_or(&target)
                        .to_string();
                    let rfields = strings(reference.and_then(|r| r.get("fields")));
                    ds.foreign_keys.push((fields, target, rfields));
                }
            }
        }
        if ds.fields.is_empty() {
            if let Some(first) = ds.rows.first() {
                ds.fields = first.keys().cloned().collect();
            }
        }
        release.datasets.push(ds);
    }
    infer_foreign_keys(&mut release);
    read_archived(dir, &mut release);
    if let Ok(bytes) = read_file(&dir.join("changes.json")) {
        release.changes = serde_json::from_slice(&bytes).ok();
    }
    release.citation = citation(dir, &release);
    Ok(release)
}

/// Releases whose descriptor leaves a foreign key out (Frictionless cannot check every one)
/// still link records to actors and sources: a field named like the referenced dataset's
/// primary key, or ending in `_` and that name (`linked_actor_id`), is taken as a reference.
fn infer_foreign_keys(release: &mut Release) {
    let keys: Vec<(String, String)> = release
        .datasets
        .iter()
        .filter(|d| d.primary_key.len() == 1)
        .map(|d| (d.name.clone(), d.primary_key[0].clone()))
        .collect();
    for ds in &mut release.datasets {
        for (target, key) in &keys {
            if *target == ds.name {
                continue;
            }
            // `actor_id`, and qualified names of it such as `linked_actor_id`.
            let suffix = format!("_{key}");
            let fields: Vec<String> = ds
                .fields
                .iter()
                .filter(|f| *f == key || f.ends_with(&suffix))
                .cloned()
                .collect();
            for field in fields {
                let known = ds
                    .foreign_keys
                    .iter()
                    .any(|(f, d, _)| d == target && f.len() == 1 && f[0] == field);
                if !known {
                    ds.foreign_keys
                        .push((vec![field], target.clone(), vec![key.clone()]));
                }
            }
        }
    }
}

/// Finds each source's archived file in the release and keeps it only if its bytes match the
/// sha256 the registry gives.
fn read_archived(dir: &Path, release: &mut Release) {
    let Some(sources) = release.dataset("sources") else {
        return;
    };
    let mut found = BTreeMap::new();
    let mut mismatched = Vec::new();
    for row in &sources.rows {
        let id = text(row, "source_id");
        let archive_path = text(row, "archive_path");
        let sha = text(row, "sha256").to_ascii_lowercase();
        if id.is_empty() || archive_path.is_empty() {
            continue;
        }
        for candidate in candidates(&archive_path) {
            let Some(rel) = safe_relative(&candidate) else {
                continue;
            };
            let Ok(bytes) = read_file(&dir.join(&rel)) else {
                continue;
            };
            if kpdata_base::sha256_hex(&bytes) == sha {
                found.insert(
                    id.clone(),
                    Archived {
                        release_path: candidate,
                        bytes,
                    },
                );
            } else {
                mismatched.push(id.clone());
            }
            break;
        }
    }
    release.archived = found;
    release.mismatched = mismatched;
}

/// Where a release may hold the archived file of `archive_path` (`datasets/archive/x/y`).
fn candidates(archive_path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let tail = archive_path
        .strip_prefix("datasets/archive/")
        .unwrap_or(archive_path);
    out.push(format!("sources/{tail}"));
    out.push(format!("sources/{archive_path}"));
    if let Some((_, base)) = archive_path.rsplit_once('/') {
        out.push(format!("sources/{base}"));
    }
    out.dedup();
    out
}

/// How to cite the release: from `CITATION.cff` where it gives title, version and date.
fn citation(dir: &Path, release: &Release) -> String {
    let mut title = release.title.clone();
    let mut date = String::new();
    let mut authors = Vec::new();
    if let Ok(bytes) = read_file(&dir.join("CITATION.cff")) {
        for line in String::from_utf8_lossy(&bytes).lines() {
            let unquote = |s: &str| s.trim().trim_matches('"').to_string();
            if let Some(v) = line.strip_prefix("title:") {
                title = unquote(v);
            } else if let Some(v) = line.strip_prefix("date-released:") {
                date = unquote(v);
            } else if let Some(v) = line.trim_start().strip_prefix("- name:") {
                authors.push(unquote(v));
            }
        }
    }
    let mut out = String::new();
    if !authors.is_empty() {
        out.push_str(&authors.join(", "));
        out.push_str(". ");
    }
    out.push_str(&title);
    if !release.version.is_empty() {
        out.push_str(&format!(", version {}", release.version));
    }
    if !date.is_empty() {
        out.push_str(&format!(" ({date})"));
    }
    out.push('.');
    if let Some(home) = &release.homepage {
        out.push(' ');
        out.push_str(home);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_array_and_json_lines_give_the_same_rows() {
        let a = parse_rows(br#"[{"a":1},{"a":"x"}]"#, "d").unwrap();
        let b = parse_rows(b"{\"a\":1}\n\n{\"a\":\"x\"}\n", "d").unwrap();
        assert_eq!(a, b);
        assert!(parse_rows(b"[1,2]", "d").is_err());
        assert!(parse_rows(b"{\"a\":1}\n3\n", "d").is_err());
    }

    #[test]
    fn unsafe_resource_paths_are_refused() {
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("a\\b").is_none());
        assert!(safe_relative("data/x.json").is_some());
    }

    #[test]
    fn messages_never_show_absolute_paths() {
        assert_eq!(
            display(Path::new("/home/u/rel/datapackage.json")),
            "rel/datapackage.json"
        );
    }
}
