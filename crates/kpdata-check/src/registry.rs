//! The source registry and the archive: which documents exist, their tier and dates, and the
//! archived bytes that quotes are checked against.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::sync::{Arc, Mutex};

use kpdata_diagnostics::rules::{limits as lim, provenance as pv};
use kpdata_diagnostics::{escape_value, Diagnostic};
use kpdata_package::{check_relative, EntryKind, PathProblem, Root};
use kpdata_read::Table;

use crate::dates::PartialDate;
use crate::quote::ArchivedText;

/// Archived texts larger than this are not loaded for quote matching.
const MAX_ARCHIVE_TEXT: u64 = 256 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Position in the registry (0-based), for compact bookkeeping of what is cited.
    pub index: u32,
    pub id: String,
    pub official: bool,
    /// The `custody` value (what the archived bytes are), if given.
    pub custody: Option<String>,
    pub issued: Option<PartialDate>,
    pub archive_path: Option<String>,
    pub row: u64,
    pub line: u64,
}

/// The registry, shared read-only between threads; archived texts are loaded on first use.
pub struct Registry {
    pub path: String,
    sources: HashMap<String, Source>,
    root: Option<Root>,
    archive_dir: String,
    texts: Mutex<HashMap<String, Option<Arc<ArchivedText>>>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("path", &self.path)
            .field("sources", &self.sources.len())
            .finish()
    }
}

/// Custody values whose archived bytes hold the whole text of the document.
pub const FULL_TEXT_CUSTODY: &[&str] = &["exact_copy", "faithful_conversion"];

/// Every custody value (see the `custody` field of the sources schema).
pub const CUSTODY: &[&str] = &[
    "exact_copy",
    "faithful_conversion",
    "incomplete_conversion",
    "transcription",
    "excerpt",
];

impl Source {
    /// Whether the archived copy holds the whole text (None: custody not recorded or not a
    /// known value; rule custody-missing reports that).
    pub fn full_text(&self) -> Option<bool> {
        let c = self.custody.as_deref()?;
        CUSTODY.contains(&c).then(|| FULL_TEXT_CUSTODY.contains(&c))
    }
}

impl Registry {
    /// Builds the registry from the registry table (`source_id`, `tier`, `issued`,
    /// `archive_path`). Rows without an id are skipped here (the key rules report them).
    pub fn from_table(table: &Table, root: Option<Root>, archive_dir: &str) -> Registry {
        let mut sources = HashMap::new();
        for r in &table.records {
            let Some(id) = table.get(r, "source_id") else {
                continue;
            };
            let index = sources.len() as u32;
            sources.entry(id.to_string()).or_insert_with(|| Source {
                index,
                id: id.to_string(),
                official: table.get(r, "tier") == Some("official"),
                custody: table.get(r, "custody").map(str::to_string),
                issued: table.get(r, "issued").and_then(PartialDate::parse),
                archive_path: table.get(r, "archive_path").map(str::to_string),
                row: r.row,
                line: r.line,
            });
        }
        Registry {
            path: table.path.clone(),
            sources,
            root,
            archive_dir: archive_dir.trim_end_matches('/').to_string(),
            texts: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Source> {
        self.sources.get(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.sources.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.sources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// The folded archived text of a source, if it can be read safely.
    pub fn text(&self, id: &str) -> Option<Arc<ArchivedText>> {
        if let Some(t) = self.texts.lock().ok()?.get(id) {
            return t.clone();
        }
        let loaded = self.load(id);
        self.texts
            .lock()
            .ok()?
            .insert(id.to_string(), loaded.clone());
        loaded
    }

    fn load(&self, id: &str) -> Option<Arc<ArchivedText>> {
        let src = self.sources.get(id)?;
        let rel = src.archive_path.as_deref()?;
        if !inside(rel, &self.archive_dir) {
            return None;
        }
        let bytes = self
            .root
            .as_ref()?
            .read_limited(rel, MAX_ARCHIVE_TEXT)
            .ok()?;
        Some(Arc::new(ArchivedText::for_path(rel, &bytes)))
    }
}

/// Whether `rel` is a plain relative path strictly inside the archive folder `dir`.
pub fn inside(rel: &str, dir: &str) -> bool {
    check_relative(rel).is_ok()
        && rel
            .strip_prefix(dir)
            .is_some_and(|r| r.starts_with('/') && r.len() > 1)
}

/// Checks every registered archive file: inside the archive folder, a regular file (no
/// symlinks), present, and with the registered sha256. Then lists archive files that no
/// source claims.
pub fn check_archives(table: &Table, root: &Root, archive_dir: &str) -> Vec<Diagnostic> {
    check_archives_tracked(table, root, archive_dir, None)
}

/// [`check_archives`], and when `tracked` is given (the files git tracks, root-relative), each
/// registered archive file that exists but is not tracked is a finding: a clone of the
/// repository would not have it, and a release never publishes what is not committed.
pub fn check_archives_tracked(
    table: &Table,
    root: &Root,
    archive_dir: &str,
    tracked: Option<&BTreeSet<String>>,
) -> Vec<Diagnostic> {
    let archive_dir = archive_dir.trim_end_matches('/');
    let mut out = Vec::new();
    let mut claimed = BTreeSet::new();
    let mut first_claim: HashMap<String, String> = HashMap::new();
    let col = |name: &str| table.column(name).map(|c| c as u64 + 1);
    for r in &table.records {
        out.extend(custody_findings(table, r));
        let Some(rel) = table.get(r, "archive_path") else {
            continue;
        };
        let at = |d: Diagnostic| {
            let d = d
                .path(table.path.clone())
                .row(r.row)
                .line(r.line)
                .field("archive_path");
            match col("archive_path") {
                Some(c) => d.column(c),
                None => d,
            }
        };
        if !inside(rel, archive_dir) {
            out.push(at(Diagnostic::new(
                &pv::ARCHIVE_PATH_OUTSIDE,
                format!(
                    "`{}` is not a plain relative path inside `{archive_dir}/`",
                    escape_value(rel, 120)
                ),
            )));
            continue;
        }
        let norm = normalize(rel);
        let id = table.get(r, "source_id").unwrap_or("").to_string();
        if let Some(first) = first_claim.get(&norm) {
            out.push(at(Diagnostic::new(
                &pv::ARCHIVE_SHARED,
                format!(
                    "`{}` is also the archive of `{}`; each source needs its own file",
                    escape_value(rel, 120),
                    escape_value(first, 80)
                ),
            )));
        } else {
            first_claim.insert(norm.clone(), id);
        }
        claimed.insert(norm.clone());
        let file = match root.open_file(rel) {
            Ok(f) => f,
            Err(PathProblem::NotFound) => {
                let not = if root.is_source() {
                    "is not committed"
                } else {
                    "does not exist"
                };
                out.push(at(Diagnostic::new(
                    &pv::ARCHIVE_MISSING,
                    format!("the archived file `{}` {not}", escape_value(rel, 120)),
                )));
                continue;
            }
            Err(PathProblem::Io(e)) => {
                out.push(at(Diagnostic::new(
                    &pv::ARCHIVE_MISSING,
                    format!("cannot read `{}`: {e}", escape_value(rel, 120)),
                )));
                continue;
            }
            Err(e) => {
                out.push(at(Diagnostic::new(
                    &lim::UNSAFE_PATH,
                    format!("`{}`: {e}", escape_value(rel, 120)),
                )));
                continue;
            }
        };
        if tracked.is_some_and(|t| !t.contains(&norm)) {
            out.push(at(Diagnostic::new(
                &lim::ARCHIVE_UNTRACKED,
                format!(
                    "the archived file `{}` is not tracked by git (untracked or ignored): a clone of the repository does not have it",
                    escape_value(rel, 120)
                ),
            )));
        }
        let Some(expected) = table.get(r, "sha256") else {
            continue;
        };
        match sha256_reader(file) {
            Ok(actual) if actual.eq_ignore_ascii_case(expected) => {}
            Ok(actual) => {
                let mut d = Diagnostic::new(
                    &pv::ARCHIVE_HASH_MISMATCH,
                    format!(
                        "`{}` has sha256 {actual}, the registry says {}",
                        escape_value(rel, 120),
                        escape_value(expected, 80)
                    ),
                )
                .path(table.path.clone())
                .row(r.row)
                .line(r.line)
                .field("sha256");
                if let Some(c) = col("sha256") {
                    d = d.column(c);
                }
                out.push(d);
            }
            Err(e) => out.push(at(Diagnostic::new(
                &pv::ARCHIVE_MISSING,
                format!("cannot read `{}`: {e}", escape_value(rel, 120)),
            ))),
        }
    }
    for e in root.list_tree(archive_dir).unwrap_or_default() {
        let path = e.path;
        match e.kind {
            EntryKind::Symlink => out.push(
                Diagnostic::new(
                    &lim::UNSAFE_PATH,
                    format!(
                        "`{}` is a symbolic link; the archive holds regular files only",
                        escape_value(&path, 120)
                    ),
                )
                .path(path),
            ),
            EntryKind::Other => out.push(
                Diagnostic::new(
                    &lim::UNSAFE_PATH,
                    format!("`{}` is not a regular file", escape_value(&path, 120)),
                )
                .path(path),
            ),
            EntryKind::File => {
                let name = path.rsplit('/').next().unwrap_or("");
                if name != ".gitkeep" && name != "README.md" && !claimed.contains(&path) {
                    out.push(
                        Diagnostic::new(
                            &pv::ARCHIVE_UNCLAIMED,
                            format!(
                                "`{}` is in the archive but no source claims it",
                                escape_value(&path, 120)
                            ),
                        )
                        .path(path),
                    );
                }
            }
        }
    }
    out
}

/// KP418: a source row without `custody` or `obtained_from`, or with a value neither form
/// allows.
fn custody_findings(table: &Table, r: &kpdata_read::Record) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |field: &str, msg: String| {
        let d = Diagnostic::new(&pv::CUSTODY_MISSING, msg)
            .path(table.path.clone())
            .row(r.row)
            .line(r.line)
            .field(field);
        match table.column(field) {
            Some(c) => d.column(c as u64 + 1),
            None => d,
        }
    };
    match table.get(r, "custody") {
        None => out.push(at(
            "custody",
            "the source does not say what its archived copy is (custody)".into(),
        )),
        Some(c) if !CUSTODY.contains(&c) => out.push(at(
            "custody",
            format!(
                "custody `{}` is not one of {}",
                escape_value(c, 60),
                CUSTODY.join(", ")
            ),
        )),
        Some(_) => {}
    }
    match table.get(r, "obtained_from") {
        None => out.push(at(
            "obtained_from",
            "the source does not say where its archived bytes were obtained (obtained_from)".into(),
        )),
        Some(o) => {
            if let Some(rest) = o.strip_prefix("project:") {
                if rest.is_empty() || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    out.push(at(
                        "obtained_from",
                        format!("`{}` names no place in the project", escape_value(o, 120)),
                    ));
                }
            } else if let Some((_, msg)) = url_problem(o) {
                out.push(at(
                    "obtained_from",
                    format!("{msg}; obtained_from is an http(s) address or `project:<path>`"),
                ));
            }
        }
    }
    out
}

/// `rel` without `./` components: the form git and [`Root::list_tree`] use.
fn normalize(rel: &str) -> String {
    rel.split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// The sha256 of everything `r` yields, lowercase hex ([`kpdata_base::sha256_reader`]).
pub fn sha256_reader(r: impl Read) -> std::io::Result<String> {
    kpdata_base::sha256_reader(r)
}

/// URL rules for published links: http(s) only, absolute with a host, no credentials.
pub fn url_problem(url: &str) -> Option<(&'static kpdata_diagnostics::Rule, String)> {
    let shown = escape_value(url, 120);
    let Some(colon) = url.find(':') else {
        return Some((&pv::URL_RELATIVE, format!("`{shown}` is a relative URL")));
    };
    let scheme = &url[..colon];
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        || scheme.contains('/')
    {
        return Some((&pv::URL_RELATIVE, format!("`{shown}` is a relative URL")));
    }
    let lower = scheme.to_ascii_lowercase();
    if lower != "http" && lower != "https" {
        return Some((
            &pv::URL_SCHEME,
            format!(
                "`{shown}` uses the `{}` scheme; only http and https are allowed",
                escape_value(scheme, 20)
            ),
        ));
    }
    let Some(rest) = url[colon + 1..].strip_prefix("//") else {
        return Some((&pv::URL_RELATIVE, format!("`{shown}` has no host")));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Some((
            &pv::URL_CREDENTIALS,
            format!("`{shown}` carries credentials before `@`"),
        ));
    }
    let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
    if host.is_empty() {
        return Some((&pv::URL_RELATIVE, format!("`{shown}` has no host")));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some((
            &pv::URL_RELATIVE,
            format!("`{shown}` contains spaces or control characters"),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(url_problem("https://www.un.org/x?a=b").is_none());
        assert!(url_problem("http://example.org").is_none());
        assert_eq!(
            url_problem("javascript:alert(1)").unwrap().0.name,
            "url-scheme"
        );
        assert_eq!(
            url_problem("file:///etc/passwd").unwrap().0.name,
            "url-scheme"
        );
        assert_eq!(
            url_problem("data:text/html,x").unwrap().0.name,
            "url-scheme"
        );
        assert_eq!(
            url_problem("https://user:pw@example.org/").unwrap().0.name,
            "url-credentials"
        );
        assert_eq!(
            url_problem("https://trusted.gov@evil.example/")
                .unwrap()
                .0
                .name,
            "url-credentials"
        );
        assert_eq!(url_problem("/ofac/sdn.csv").unwrap().0.name, "url-relative");
        assert_eq!(url_problem("www.un.org/x").unwrap().0.name, "url-relative");
        assert_eq!(url_problem("https:///x").unwrap().0.name, "url-relative");
    }

    #[test]
    fn archive_paths_must_stay_inside() {
        assert!(inside("datasets/archive/a.txt", "datasets/archive"));
        assert!(!inside("datasets/archive/../x", "datasets/archive"));
        assert!(!inside("datasets/archived/x", "datasets/archive"));
        assert!(!inside("/etc/passwd", "datasets/archive"));
        assert!(!inside("datasets/archive/", "datasets/archive"));
    }
}
