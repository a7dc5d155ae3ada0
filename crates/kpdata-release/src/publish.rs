//! Releases from git: the package read at a commit straight from git objects, the previous
//! release found among the tags, and the changes since it computed with kpdata-diff on the
//! published view (no restricted rows, no internal datasets). The same code serves
//! `kpdata release X.Y.Z` (at HEAD) and `kpdata release --check DIR` (at the tag), so both
//! produce the same bytes. [`CommitFiles`] gives validation the same committed bytes the
//! build reads, so a release publishes exactly what it validated.

use std::io;
use std::sync::{Arc, Mutex};

use kpdata_diff::{diff, render_markdown_with, RenderOptions, Snapshot};
use kpdata_git::{GitError, Repo};
use kpdata_package::{EntryKind, FileSource, PathProblem, TreeEntry};
use semver::Version;

use crate::build::ChangeLog;
use crate::input::Input;
use crate::version;
use crate::ReleaseError;

/// Where the package lives: the repository and the package root's path inside it (`""` when
/// the package is at the repository root).
pub struct Source<'r> {
    pub repo: &'r Repo,
    pub prefix: String,
}

impl Source<'_> {
    fn join(&self, rel: &str) -> String {
        if self.prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.prefix.trim_end_matches('/'))
        }
    }

    /// The package as committed at `commit` (a full sha).
    pub fn input_at(&self, commit: &str) -> Result<Input, ReleaseError> {
        self.input(commit, false)
    }

    /// The package as committed at `commit` (normally HEAD), each file's bytes taken from
    /// the working tree when their git blob id is the committed one (see
    /// [`Repo::read_file_checked_out`]): the same bytes as [`Source::input_at`], faster.
    pub fn input_checked_out(&self, commit: &str) -> Result<Input, ReleaseError> {
        self.input(commit, true)
    }

    fn input(&self, commit: &str, checked_out: bool) -> Result<Input, ReleaseError> {
        let read = |rel: &str| -> io::Result<Vec<u8>> {
            let path = self.join(rel);
            let bytes = if checked_out {
                self.repo.read_file_checked_out(commit, &path)
            } else {
                self.repo.read_file(commit, &path)
            };
            match bytes {
                Ok(Some(b)) => Ok(b),
                Ok(None) => Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "`{rel}` is not committed at {}",
                        &commit[..commit.len().min(12)]
                    ),
                )),
                Err(e) => Err(io::Error::other(e.to_string())),
            }
        };
        Input::load(&read, self.repo.commit_time(commit)?)
    }

    /// The package's files as committed at `commit` (a full sha), for validation: the bytes
    /// [`Source::input_checked_out`] reads for the build, whatever the working tree holds
    /// (see [`CommitFiles`]).
    pub fn files_at(&self, commit: &str) -> Result<Arc<CommitFiles>, ReleaseError> {
        Ok(Arc::new(CommitFiles {
            repo: Mutex::new(Repo::discover(self.repo.workdir())?),
            commit: commit.to_string(),
            prefix: self.prefix.clone(),
        }))
    }

    /// Released versions (tags `vX.Y.Z`), ascending.
    pub fn released(&self) -> Result<Vec<Version>, ReleaseError> {
        Ok(version::released(&self.repo.tags()?))
    }

    /// The changes from release `previous` to `commit`, and the least bump they need.
    pub fn changes(
        &self,
        version: &Version,
        previous: Option<&Version>,
        commit: &str,
    ) -> Result<ChangeLog, ReleaseError> {
        let Some(prev) = previous else {
            return Ok(ChangeLog::First);
        };
        let tag = version::tag_name(prev);
        let base_commit = self.repo.resolve(&tag)?;
        let base =
            Snapshot::at_revision_in(self.repo, base_commit.as_str(), &self.prefix)?.published();
        let head_full = Snapshot::at_revision_in(self.repo, commit, &self.prefix)?;
        let head = head_full.published();
        let mut d = diff(&base, &head);
        // Labels name the versions, not machine- or time-dependent revisions.
        d.base = tag;
        d.head = version::tag_name(version);
        // Published records now marked restricted are withdrawn, not corrected: a major change.
        let withdrawn = withdrawn(&d, &head_full);
        let mut required = d.required_bump();
        if !withdrawn.is_empty() {
            required = required.max(crate::version::Bump::Major);
        }
        let opts = RenderOptions {
            max_records: 0,
            max_findings: 0,
            max_value_chars: 2_000,
            title: Some("## Record-level changes".into()),
            max_bytes: 0,
            show_rows: false,
        };
        let mut markdown = render_markdown_with(&d, &[], &opts);
        if !withdrawn.is_empty() {
            markdown.push_str("\n### Withdrawn from publication\n\n");
            for (name, n) in &withdrawn {
                markdown.push_str(&format!(
                    "- {n} {} of `{name}` {} now restricted (listed as removed above): withdrawing published records is a major change.\n",
                    if *n == 1 { "record" } else { "records" },
                    if *n == 1 { "is" } else { "are" },
                ));
            }
        }
        let mut json = serde_json::to_value(&d)
            .map_err(|e| ReleaseError::new(format!("cannot serialize the diff: {e}")))?;
        without_positions(&mut json);
        Ok(ChangeLog::Since {
            previous: prev.clone(),
            required,
            markdown,
            diff: json,
        })
    }
}

/// Per dataset, how many records removed from the published view are still in `head_full`,
/// marked restricted (matched by primary key): withdrawn from publication, not deleted.
fn withdrawn(d: &kpdata_diff::PackageDiff, head_full: &Snapshot) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for ds in &d.datasets {
        if ds.removed.is_empty() || ds.primary_key.is_empty() {
            continue;
        }
        let Some(table) = head_full.tables.get(&ds.name) else {
            continue;
        };
        let Some(sens) = table.column(kpdata_diff::SENSITIVITY) else {
            continue;
        };
        let key: Vec<Option<usize>> = ds.primary_key.iter().map(|k| table.column(k)).collect();
        let restricted: std::collections::BTreeSet<kpdata_diff::Key> = table
            .records
            .iter()
            .filter(|r| {
                r.values.get(sens).and_then(|v| v.as_deref()) == Some(kpdata_diff::RESTRICTED)
            })
            .map(|r| {
                kpdata_diff::Key(
                    key.iter()
                        .map(|i| i.and_then(|i| r.values.get(i).cloned().flatten()))
                        .collect(),
                )
            })
            .collect();
        let n = ds
            .removed
            .iter()
            .filter(|r| restricted.contains(&r.key))
            .count();
        if n > 0 {
            out.push((ds.name.clone(), n));
        }
    }
    out
}

/// The files of a package at one commit, read like the build reads them (the working-tree
/// bytes only when their git blob id is the committed one, else the git object): a file that
/// is untracked, ignored, changed on disk, marked `--skip-worktree` or `--assume-unchanged`,
/// or rewritten while the release runs is read as committed, or not at all.
pub struct CommitFiles {
    /// git2 repositories are not shared between threads: reads take turns.
    repo: Mutex<Repo>,
    commit: String,
    prefix: String,
}

impl std::fmt::Debug for CommitFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommitFiles")
            .field("commit", &self.commit)
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl CommitFiles {
    fn join(&self, rel: &str) -> String {
        let rel = rel.trim_start_matches("./");
        if self.prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.prefix.trim_end_matches('/'))
        }
    }

    fn repo(&self) -> Result<std::sync::MutexGuard<'_, Repo>, PathProblem> {
        self.repo
            .lock()
            .map_err(|_| PathProblem::Io("the git repository is unusable".into()))
    }
}

fn problem(e: GitError) -> PathProblem {
    match e {
        GitError::Symlink { path, .. } => PathProblem::Symlink(path),
        GitError::NotAFile { .. } | GitError::Submodule { .. } => PathProblem::NotRegularFile,
        e => PathProblem::Io(e.to_string()),
    }
}

impl FileSource for CommitFiles {
    fn read(&self, rel: &str) -> Result<Vec<u8>, PathProblem> {
        self.repo()?
            .read_file_checked_out(&self.commit, &self.join(rel))
            .map_err(problem)?
            .ok_or(PathProblem::NotFound)
    }

    fn list(&self, dir: &str) -> Result<Vec<TreeEntry>, PathProblem> {
        let full = self.join(dir);
        let strip = if self.prefix.is_empty() {
            0
        } else {
            self.prefix.trim_end_matches('/').len() + 1
        };
        let mut out: Vec<TreeEntry> = self
            .repo()?
            .list_entries(&self.commit, &full)
            .map_err(problem)?
            .into_iter()
            .map(|(path, regular)| TreeEntry {
                path: path[strip..].to_string(),
                // A committed symlink or submodule: listed, never read.
                kind: if regular {
                    EntryKind::File
                } else {
                    EntryKind::Other
                },
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}

/// Drops the CSV positions (`row`, `line`, `base_row`, `base_line`) from every record of a
/// diff's JSON: a release does not ship the CSV files they point into, so `changes.json` names
/// records by dataset and primary key (`key`) only.
pub fn without_positions(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            // A record is an object whose `key` is the array of its key values (a record's
            // `values` may hold a column named `key`, but as a string).
            if m.get("key").is_some_and(serde_json::Value::is_array) {
                for k in ["row", "line", "base_row", "base_line"] {
                    m.remove(k);
                }
            }
            m.values_mut().for_each(without_positions);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(without_positions),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn records_lose_their_csv_positions_only() {
        let mut v = serde_json::json!({"datasets": [{"name": "d", "row": 1, "added": [
            {"key": ["a"], "row": 3, "line": 3, "values": {"key": "k", "row": "kept"}}],
            "changed": [{"key": ["b"], "base_row": 2, "base_line": 2, "row": 4, "line": 5}]}]});
        super::without_positions(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"datasets": [{"name": "d", "row": 1, "added": [
                {"key": ["a"], "values": {"key": "k", "row": "kept"}}],
                "changed": [{"key": ["b"]}]}]})
        );
    }
}
