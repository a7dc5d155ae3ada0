//! The archive behind the source registry, checked on the registry table beside the package
//! pass (the package pass runs it on its own thread): `custody-missing` (KP418), and for each
//! registered archive file `archive-path-outside` (KP405), `archive-shared` (KP420),
//! `archive-missing` (KP404), `unsafe-path` (KP906), `archive-untracked` (KP907) and
//! `archive-hash-mismatch` (KP403); then `archive-unclaimed` (KP406) and `unsafe-path` for the
//! files of the archive folder no source claims or that are not regular files. The files are
//! read only through the package [`Root`].

use std::collections::{BTreeSet, HashMap};

use kpdata_diagnostics::rules::{limits as lim, provenance as pv};
use kpdata_diagnostics::{escape_value, Diagnostic};
use kpdata_package::{EntryKind, PathProblem, Root, RootFile};
use kpdata_read::{Record, Table};

use crate::registry::{inside, sha256_reader, url_problem, CUSTODY};

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
    let mut pass = Pass {
        table,
        root,
        archive_dir: archive_dir.trim_end_matches('/'),
        tracked,
        claimed: BTreeSet::new(),
        first_claim: HashMap::new(),
        out: Vec::new(),
    };
    for r in &table.records {
        pass.out.extend(custody_findings(table, r));
        pass.row(r);
    }
    pass.unclaimed();
    pass.out
}

struct Pass<'a> {
    table: &'a Table,
    root: &'a Root,
    archive_dir: &'a str,
    tracked: Option<&'a BTreeSet<String>>,
    /// Every registered archive path (normalized).
    claimed: BTreeSet<String>,
    /// The source that registered each archive path first.
    first_claim: HashMap<String, String>,
    out: Vec<Diagnostic>,
}

impl Pass<'_> {
    fn col(&self, name: &str) -> Option<u64> {
        self.table.column(name).map(|c| c as u64 + 1)
    }

    /// `d` placed on the `field` cell of registry row `r`.
    fn at(&self, r: &Record, field: &str, d: Diagnostic) -> Diagnostic {
        let d = d
            .path(self.table.path.clone())
            .row(r.row)
            .line(r.line)
            .field(field);
        match self.col(field) {
            Some(c) => d.column(c),
            None => d,
        }
    }

    /// The archive file of one registry row.
    fn row(&mut self, r: &Record) {
        let table = self.table;
        let Some(rel) = table.get(r, "archive_path") else {
            return;
        };
        let at = |d: Diagnostic| self.at(r, "archive_path", d);
        if !inside(rel, self.archive_dir) {
            let d = at(Diagnostic::new(
                &pv::ARCHIVE_PATH_OUTSIDE,
                format!(
                    "`{}` is not a plain relative path inside `{}/`",
                    escape_value(rel, 120),
                    self.archive_dir
                ),
            ));
            self.out.push(d);
            return;
        }
        let norm = normalize(rel);
        let id = table.get(r, "source_id").unwrap_or("").to_string();
        if let Some(first) = self.first_claim.get(&norm) {
            let d = at(Diagnostic::new(
                &pv::ARCHIVE_SHARED,
                format!(
                    "`{}` is also the archive of `{}`; each source needs its own file",
                    escape_value(rel, 120),
                    escape_value(first, 80)
                ),
            ));
            self.out.push(d);
        } else {
            self.first_claim.insert(norm.clone(), id);
        }
        self.claimed.insert(norm.clone());
        let Some(file) = self.open(r, rel) else {
            return;
        };
        if self.tracked.is_some_and(|t| !t.contains(&norm)) {
            let d = self.at(r, "archive_path", Diagnostic::new(
                &lim::ARCHIVE_UNTRACKED,
                format!(
                    "the archived file `{}` is not tracked by git (untracked or ignored): a clone of the repository does not have it",
                    escape_value(rel, 120)
                ),
            ));
            self.out.push(d);
        }
        if let Some(expected) = table.get(r, "sha256") {
            self.hash(r, rel, file, expected);
        }
    }

    /// Opens a registered archive file; a file that cannot be opened is a finding.
    fn open(&mut self, r: &Record, rel: &str) -> Option<RootFile> {
        let d = match self.root.open_file(rel) {
            Ok(f) => return Some(f),
            Err(PathProblem::NotFound) => {
                let not = if self.root.is_source() {
                    "is not committed"
                } else {
                    "does not exist"
                };
                Diagnostic::new(
                    &pv::ARCHIVE_MISSING,
                    format!("the archived file `{}` {not}", escape_value(rel, 120)),
                )
            }
            Err(PathProblem::Io(e)) => Diagnostic::new(
                &pv::ARCHIVE_MISSING,
                format!("cannot read `{}`: {e}", escape_value(rel, 120)),
            ),
            Err(e) => Diagnostic::new(
                &lim::UNSAFE_PATH,
                format!("`{}`: {e}", escape_value(rel, 120)),
            ),
        };
        let d = self.at(r, "archive_path", d);
        self.out.push(d);
        None
    }

    /// The file's sha256 against the registry's.
    fn hash(&mut self, r: &Record, rel: &str, file: RootFile, expected: &str) {
        let d = match sha256_reader(file) {
            Ok(actual) if actual.eq_ignore_ascii_case(expected) => return,
            Ok(actual) => self.at(
                r,
                "sha256",
                Diagnostic::new(
                    &pv::ARCHIVE_HASH_MISMATCH,
                    format!(
                        "`{}` has sha256 {actual}, the registry says {}",
                        escape_value(rel, 120),
                        escape_value(expected, 80)
                    ),
                ),
            ),
            Err(e) => self.at(
                r,
                "archive_path",
                Diagnostic::new(
                    &pv::ARCHIVE_MISSING,
                    format!("cannot read `{}`: {e}", escape_value(rel, 120)),
                ),
            ),
        };
        self.out.push(d);
    }

    /// The files of the archive folder: regular files only, each claimed by a source.
    fn unclaimed(&mut self) {
        for e in self.root.list_tree(self.archive_dir).unwrap_or_default() {
            let path = e.path;
            let shown = escape_value(&path, 120);
            let d = match e.kind {
                EntryKind::Symlink => Diagnostic::new(
                    &lim::UNSAFE_PATH,
                    format!("`{shown}` is a symbolic link; the archive holds regular files only"),
                ),
                EntryKind::Other => Diagnostic::new(
                    &lim::UNSAFE_PATH,
                    format!("`{shown}` is not a regular file"),
                ),
                EntryKind::File => {
                    let name = path.rsplit('/').next().unwrap_or("");
                    if name == ".gitkeep" || name == "README.md" || self.claimed.contains(&path) {
                        continue;
                    }
                    Diagnostic::new(
                        &pv::ARCHIVE_UNCLAIMED,
                        format!("`{shown}` is in the archive but no source claims it"),
                    )
                }
            };
            self.out.push(d.path(path));
        }
    }
}

/// KP418: a source row without `custody` or `obtained_from`, or with a value neither form
/// allows.
fn custody_findings(table: &Table, r: &Record) -> Vec<Diagnostic> {
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
