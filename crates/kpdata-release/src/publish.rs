//! Releases from git: the package read at a commit straight from git objects, the previous
//! release found among the tags, and the changes since it computed with kpdata-diff on the
//! published view (no restricted rows, no internal datasets). The same code serves
//! `kpdata release X.Y.Z` (at HEAD) and `kpdata release --check DIR` (at the tag), so both
//! produce the same bytes.

use std::io;

use kpdata_diff::{diff, render_markdown_with, RenderOptions, Snapshot};
use kpdata_git::{GitError, Repo};
use semver::Version;

use crate::build::ChangeLog;
use crate::input::Input;
use crate::version;
use crate::ReleaseError;

impl From<GitError> for ReleaseError {
    fn from(e: GitError) -> Self {
        ReleaseError {
            hint: e.hint(),
            message: e.to_string(),
        }
    }
}

impl From<kpdata_diff::LoadError> for ReleaseError {
    fn from(e: kpdata_diff::LoadError) -> Self {
        ReleaseError {
            message: e.message,
            hint: e.hint,
        }
    }
}

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
        let head = Snapshot::at_revision_in(self.repo, commit, &self.prefix)?.published();
        let mut d = diff(&base, &head);
        // Labels name the versions, not machine- or time-dependent revisions.
        d.base = tag;
        d.head = version::tag_name(version);
        let required = d.required_bump();
        let opts = RenderOptions {
            max_records: 0,
            max_findings: 0,
            max_value_chars: 2_000,
            title: Some("## Record-level changes".into()),
            max_bytes: 0,
            show_rows: false,
        };
        let markdown = render_markdown_with(&d, &[], &opts);
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
