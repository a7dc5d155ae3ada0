//! Git access for kpdata, through git2 (vendored libgit2, no network): [`Repo`] resolves
//! revisions to commits ([`CommitId`]), reads files and lists folders straight from git objects
//! (no checkout; symlinks and submodules are refused), gives commit times (with [`utc_date`] and
//! [`utc_rfc3339`]), tells whether the working tree is clean, and lists and creates annotated
//! tags. Failures are [`GitError`]s whose messages and hints say what to do.

mod error;
pub mod scratch;
mod time;

use std::fmt;
use std::path::{Component, Path, PathBuf};

use git2::{ObjectType, Repository, Signature, StatusOptions};

pub use error::{GitError, Result};
pub use time::{civil_from_days, utc_date, utc_rfc3339};

/// The git blob id (SHA-1) of `bytes`: what `git hash-object` prints.
pub fn git_blob_id(bytes: &[u8]) -> [u8; 20] {
    use sha1::{Digest, Sha1};
    let mut h = Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    h.finalize().into()
}

const MODE_TREE: i32 = 0o040000;
const MODE_LINK: i32 = 0o120000;
const MODE_COMMIT: i32 = 0o160000;

/// A commit's full hex id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CommitId(String);

impl CommitId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The first 12 hex digits, for messages.
    pub fn short(&self) -> &str {
        &self.0[..self.0.len().min(12)]
    }
}

impl fmt::Display for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A git repository with a working tree.
pub struct Repo {
    repo: Repository,
    workdir: PathBuf,
}

impl fmt::Debug for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repo")
            .field("workdir", &self.workdir)
            .finish()
    }
}

impl Repo {
    /// Finds the repository that contains `path` (walking up like `git` does).
    pub fn discover(path: &Path) -> Result<Repo> {
        let repo = Repository::discover(path).map_err(|e| match e.code() {
            git2::ErrorCode::NotFound => GitError::NotARepository {
                path: path.display().to_string(),
            },
            // E.g. libgit2's ownership check (`safe.directory`) in a container.
            _ => GitError::git(
                format!("cannot open the git repository at `{}`", path.display()),
                e,
            ),
        })?;
        let workdir = repo
            .workdir()
            .ok_or_else(|| GitError::Bare {
                path: repo.path().display().to_string(),
            })?
            .to_path_buf();
        Ok(Repo { repo, workdir })
    }

    /// The root of the working tree.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// The underlying git2 repository (for tests and tools that need more).
    pub fn git2(&self) -> &Repository {
        &self.repo
    }

    fn commit(&self, rev: &str) -> Result<git2::Commit<'_>> {
        let unknown = || GitError::UnknownRevision {
            rev: rev.to_string(),
        };
        if rev.is_empty() || rev.starts_with('-') {
            return Err(unknown());
        }
        let obj = self.repo.revparse_single(rev).map_err(|_| unknown())?;
        obj.peel_to_commit().map_err(|_| unknown())
    }

    /// Resolves a branch, tag (annotated or not), full or short sha, or `HEAD~1` to a commit.
    pub fn resolve(&self, rev: &str) -> Result<CommitId> {
        Ok(CommitId(self.commit(rev)?.id().to_string()))
    }

    /// The committer time of `rev`, in seconds since the epoch.
    pub fn commit_time(&self, rev: &str) -> Result<i64> {
        Ok(self.commit(rev)?.time().seconds())
    }

    /// Reads `path` (relative to the repository root) as committed at `rev`, straight from the
    /// object database. `Ok(None)` when no such file exists at that revision; an error when
    /// the path, or a folder on the way, is a symlink or a submodule.
    pub fn read_file(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>> {
        match self.blob_id(rev, path)? {
            Some(id) => self.blob(id, path).map(Some),
            None => Ok(None),
        }
    }

    /// Like [`Repo::read_file`], but takes the bytes from the working tree when they are
    /// exactly the committed blob: the file's git blob id (SHA-1 of `blob <len>\0` + bytes)
    /// must equal the one in `rev`'s tree, else the blob is inflated from the object database
    /// (a file changed since, or one that git filters on checkout: `core.autocrlf`, LFS).
    /// Hashing a file is several times cheaper than inflating and hash-checking its object.
    pub fn read_file_checked_out(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>> {
        let Some(id) = self.blob_id(rev, path)? else {
            return Ok(None);
        };
        let file = split_path(path)?
            .iter()
            .fold(self.workdir.clone(), |p, part| p.join(part));
        // Only a regular file (a FIFO would block, a folder cannot be read) of the blob's
        // size (a file grown since is never read whole).
        let size = self.repo.odb().and_then(|odb| odb.read_header(id)).ok();
        let fits =
            |m: std::fs::Metadata| m.is_file() && size.is_some_and(|(n, _)| n as u64 == m.len());
        // Opened once, without following a link or blocking, and checked on the open handle.
        if let Ok(f) = kpdata_package::open_regular(&file, false) {
            if let Some(bytes) = f.metadata().ok().filter(|m| fits(m.clone())).and_then(|m| {
                let mut bytes = Vec::with_capacity(m.len() as usize);
                std::io::Read::read_to_end(&mut std::io::Read::take(f, m.len() + 1), &mut bytes)
                    .ok()
                    .map(|_| bytes)
            }) {
                if git_blob_id(&bytes) == id.as_bytes() {
                    return Ok(Some(bytes));
                }
            }
        }
        self.blob(id, path).map(Some)
    }

    fn blob(&self, id: git2::Oid, path: &str) -> Result<Vec<u8>> {
        let blob = self
            .repo
            .find_blob(id)
            .map_err(|e| GitError::git(format!("cannot read `{path}`"), e))?;
        Ok(blob.content().to_vec())
    }

    /// The blob id of `path` at `rev`; `None` when no such file exists there.
    fn blob_id(&self, rev: &str, path: &str) -> Result<Option<git2::Oid>> {
        let commit = self.commit(rev)?;
        let parts = split_path(path)?;
        let mut tree = commit
            .tree()
            .map_err(|e| GitError::git(format!("cannot read the tree of `{rev}`"), e))?;
        for (i, part) in parts.iter().enumerate() {
            let shown = parts[..=i].join("/");
            let Some((mode, id)) = tree.get_name(part).map(|e| (e.filemode(), e.id())) else {
                return Ok(None);
            };
            let last = i + 1 == parts.len();
            match mode {
                MODE_LINK => {
                    return Err(GitError::Symlink {
                        rev: rev.into(),
                        path: shown,
                    })
                }
                MODE_COMMIT => {
                    return Err(GitError::Submodule {
                        rev: rev.into(),
                        path: shown,
                    })
                }
                MODE_TREE if last => {
                    return Err(GitError::NotAFile {
                        rev: rev.into(),
                        path: shown,
                    })
                }
                MODE_TREE => {
                    tree = self
                        .repo
                        .find_tree(id)
                        .map_err(|e| GitError::git(format!("cannot read `{shown}`"), e))?;
                }
                _ if last => return Ok(Some(id)),
                // A file where a folder is expected: the path does not exist.
                _ => return Ok(None),
            }
        }
        unreachable!("split_path never returns an empty path")
    }

    /// Every regular file under `dir` (recursively) at `rev`, as sorted repository-relative
    /// paths. `""` or `"."` lists the whole tree; a missing folder lists nothing. Symlinks and
    /// submodules are left out.
    pub fn list_files(&self, rev: &str, dir: &str) -> Result<Vec<String>> {
        Ok(self
            .list_entries(rev, dir)?
            .into_iter()
            .filter_map(|(p, regular)| regular.then_some(p))
            .collect())
    }

    /// Every file, symlink and submodule under `dir` (recursively) at `rev`, as sorted
    /// repository-relative paths, each with `true` for a regular file. `""` or `"."` lists the
    /// whole tree; a missing folder lists nothing.
    pub fn list_entries(&self, rev: &str, dir: &str) -> Result<Vec<(String, bool)>> {
        let commit = self.commit(rev)?;
        let root = commit
            .tree()
            .map_err(|e| GitError::git(format!("cannot read the tree of `{rev}`"), e))?;
        let parts = if dir.is_empty() || dir == "." || dir == "./" {
            Vec::new()
        } else {
            split_path(dir.trim_end_matches('/'))?
        };
        let mut tree = root;
        for part in &parts {
            let Some((mode, id)) = tree.get_name(part).map(|e| (e.filemode(), e.id())) else {
                return Ok(Vec::new());
            };
            if mode != MODE_TREE {
                return Ok(Vec::new());
            }
            tree = self
                .repo
                .find_tree(id)
                .map_err(|e| GitError::git(format!("cannot read `{dir}`"), e))?;
        }
        let prefix = if parts.is_empty() {
            String::new()
        } else {
            format!("{}/", parts.join("/"))
        };
        let mut out = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |base, entry| {
            if entry.filemode() == MODE_TREE {
                return git2::TreeWalkResult::Ok;
            }
            let regular = entry.kind() == Some(ObjectType::Blob) && entry.filemode() != MODE_LINK;
            if let Ok(name) = entry.name() {
                out.push((format!("{prefix}{base}{name}"), regular));
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(|e| GitError::git(format!("cannot list `{dir}` at `{rev}`"), e))?;
        out.sort();
        Ok(out)
    }

    /// Paths that differ from HEAD: modified, staged, deleted, or untracked and not ignored by
    /// `.gitignore`. Paths equal to or under an entry of `ignore` (`"dist"`, `"dist/"`) are
    /// left out. Sorted.
    pub fn dirty_paths(&self, ignore: &[&str]) -> Result<Vec<String>> {
        let mut opts = StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(false);
        let statuses = self
            .repo
            .statuses(Some(&mut opts))
            .map_err(|e| GitError::git("cannot read the working tree status", e))?;
        let mut out = Vec::new();
        for entry in statuses.iter() {
            let st = entry.status();
            if st.is_empty() || st.contains(git2::Status::IGNORED) {
                continue;
            }
            let path = String::from_utf8_lossy(entry.path_bytes()).into_owned();
            let ignored = ignore.iter().any(|p| {
                let p = p.trim_end_matches('/');
                !p.is_empty()
                    && (path == p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/')))
            });
            if !ignored {
                out.push(path);
            }
        }
        out.sort();
        Ok(out)
    }

    /// The files git tracks (the index: committed or staged) under the folder `prefix` (`""`
    /// for the whole repository), relative to that folder, `/`-separated. A file that is
    /// untracked or hidden by `.gitignore` is not in the set.
    pub fn tracked_files(&self, prefix: &str) -> Result<std::collections::BTreeSet<String>> {
        let index = self
            .repo
            .index()
            .map_err(|e| GitError::git("cannot read the git index", e))?;
        let prefix = prefix.trim_matches('/');
        let mut out = std::collections::BTreeSet::new();
        for entry in index.iter() {
            let Ok(path) = String::from_utf8(entry.path) else {
                continue;
            };
            let rel = if prefix.is_empty() {
                Some(path.as_str())
            } else {
                path.strip_prefix(prefix).and_then(|r| r.strip_prefix('/'))
            };
            if let Some(rel) = rel {
                out.insert(rel.to_string());
            }
        }
        Ok(out)
    }

    /// Whether the working tree matches HEAD (see [`Repo::dirty_paths`]).
    pub fn is_clean(&self, ignore: &[&str]) -> Result<bool> {
        Ok(self.dirty_paths(ignore)?.is_empty())
    }

    /// Every tag name, sorted.
    pub fn tags(&self) -> Result<Vec<String>> {
        let names = self
            .repo
            .tag_names(None)
            .map_err(|e| GitError::git("cannot list tags", e))?;
        let mut out: Vec<String> = names
            .iter_bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect();
        out.sort();
        Ok(out)
    }

    pub fn tag_exists(&self, name: &str) -> Result<bool> {
        Ok(self
            .repo
            .find_reference(&format!("refs/tags/{name}"))
            .is_ok())
    }

    /// The message of the annotated tag `name`; `Ok(None)` when there is no such tag or it is
    /// a lightweight one.
    pub fn tag_message(&self, name: &str) -> Result<Option<String>> {
        let Ok(r) = self.repo.find_reference(&format!("refs/tags/{name}")) else {
            return Ok(None);
        };
        Ok(r.peel_to_tag().ok().and_then(|t| {
            t.message_bytes()
                .map(|m| String::from_utf8_lossy(m).into_owned())
        }))
    }

    /// The identity git is configured with (`user.name` and `user.email`), if both are set.
    pub fn configured_identity(&self) -> Result<Option<(String, String)>> {
        let config = self
            .repo
            .config()
            .map_err(|e| GitError::git("cannot read the git configuration", e))?;
        Ok(identity(&config))
    }

    /// Creates the annotated tag `name` on the commit `rev`, signed by `who <email>` (the
    /// caller decides whose name a release carries; there is no fallback). Never overwrites.
    pub fn create_annotated_tag(
        &self,
        name: &str,
        rev: &str,
        message: &str,
        (who, email): (&str, &str),
    ) -> Result<()> {
        if !git2::Reference::is_valid_name(&format!("refs/tags/{name}")) {
            return Err(GitError::BadTagName { name: name.into() });
        }
        if self.tag_exists(name)? {
            return Err(GitError::TagExists { name: name.into() });
        }
        let commit = self.commit(rev)?;
        let sig = Signature::now(who, email)
            .map_err(|e| GitError::git("cannot make a tag signature", e))?;
        self.repo
            .tag(name, commit.as_object(), &sig, message, false)
            .map_err(|e| {
                if e.code() == git2::ErrorCode::Exists {
                    GitError::TagExists { name: name.into() }
                } else {
                    GitError::git(format!("cannot create the tag `{name}`"), e)
                }
            })?;
        Ok(())
    }
}

/// `user.name` and `user.email` from `config`, when both are set (not blank).
pub fn identity(config: &git2::Config) -> Option<(String, String)> {
    let get = |key: &str| config.get_string(key).ok().filter(|v| !v.trim().is_empty());
    Some((get("user.name")?, get("user.email")?))
}

/// Splits a repository-relative path into its components, refusing anything that could
/// leave the root.
fn split_path(path: &str) -> Result<Vec<&str>> {
    let bad = |reason| GitError::BadPath {
        path: path.to_string(),
        reason,
    };
    if path.contains('\\') {
        return Err(bad("use `/` as the separator"));
    }
    if path.contains('\0') {
        return Err(bad("it contains a NUL byte"));
    }
    let mut parts = Vec::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str().ok_or_else(|| bad("not UTF-8"))?),
            Component::CurDir => {}
            Component::ParentDir => return Err(bad("`..` is not allowed")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(bad("absolute paths are not allowed"))
            }
        }
    }
    if parts.is_empty() {
        return Err(bad("the path is empty"));
    }
    Ok(parts)
}
