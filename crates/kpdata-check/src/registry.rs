//! The source registry and the archive: which documents exist, their tier and dates, and the
//! archived bytes that quotes are checked against.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};

use kpdata_diagnostics::escape_value;
use kpdata_diagnostics::rules::provenance as pv;
use kpdata_package::{check_relative, Root};
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

pub use crate::rules::archive::{check_archives, check_archives_tracked};

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
