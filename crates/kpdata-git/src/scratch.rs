//! Scratch repositories for tests (this crate's, kpdata-diff's, the binary's): write files,
//! commit them with a fixed identity and time, tag. Uses git2 only, so no `git` program and
//! no global git identity is needed.

use std::fs;
use std::path::{Path, PathBuf};

use git2::{IndexAddOption, Repository, Signature, Time};

use crate::{CommitId, GitError, Result};

/// A repository being built by a test, with its working tree at `dir`.
pub struct Scratch {
    repo: Repository,
    dir: PathBuf,
    clock: std::cell::Cell<i64>,
}

impl Scratch {
    /// `git init` at `dir` (created if missing). Commits start at 2024-01-01T00:00:00Z and
    /// each one is a day later.
    pub fn init(dir: &Path) -> Result<Scratch> {
        fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let repo = Repository::init(dir).map_err(|e| GitError::git("git init", e))?;
        // Commit bytes exactly as written, whatever the machine's global git config says.
        repo.config()
            .and_then(|mut c| c.set_bool("core.autocrlf", false))
            .map_err(|e| GitError::git("git config", e))?;
        Ok(Scratch {
            repo,
            dir: dir.to_path_buf(),
            clock: std::cell::Cell::new(1_704_067_200),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes a file in the working tree (folders created as needed).
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let p = self.dir.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("create folder in scratch repo");
        }
        fs::write(&p, contents).expect("write file in scratch repo");
        self
    }

    /// Deletes a file from the working tree.
    pub fn remove(&self, rel: &str) -> &Self {
        fs::remove_file(self.dir.join(rel)).expect("remove file in scratch repo");
        self
    }

    /// Stages everything (additions, changes, deletions) and commits it on HEAD.
    pub fn commit(&self, message: &str) -> Result<CommitId> {
        let time = self.clock.get();
        self.clock.set(time + 86_400);
        self.commit_at(message, time)
    }

    /// Like [`Scratch::commit`], with an explicit committer time (seconds since the epoch).
    pub fn commit_at(&self, message: &str, time: i64) -> Result<CommitId> {
        let g = |e| GitError::git("scratch commit", e);
        let mut index = self.repo.index().map_err(g)?;
        index
            .add_all(["*"], IndexAddOption::DEFAULT, None)
            .map_err(g)?;
        index.update_all(["*"], None).map_err(g)?;
        index.write().map_err(g)?;
        let tree_id = index.write_tree().map_err(g)?;
        let tree = self.repo.find_tree(tree_id).map_err(g)?;
        let sig =
            Signature::new("kpdata test", "test@localhost", &Time::new(time, 0)).map_err(g)?;
        let parent = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let id = self
            .repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .map_err(g)?;
        Ok(CommitId(id.to_string()))
    }

    /// A lightweight tag on HEAD.
    pub fn tag_lightweight(&self, name: &str) -> Result<()> {
        let g = |e| GitError::git("scratch tag", e);
        let head = self.repo.revparse_single("HEAD").map_err(g)?;
        self.repo.tag_lightweight(name, &head, false).map_err(g)?;
        Ok(())
    }

    pub fn git2(&self) -> &Repository {
        &self.repo
    }
}

fn io(p: &Path, e: std::io::Error) -> GitError {
    GitError::Git {
        context: format!("cannot create `{}`", p.display()),
        message: e.to_string(),
    }
}
