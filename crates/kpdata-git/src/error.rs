use thiserror::Error;

/// Why a git operation failed. Each message says what went wrong; [`GitError::hint`] says
/// what to do about it.
#[derive(Debug, Error)]
pub enum GitError {
    #[error("`{path}` is not inside a git repository")]
    NotARepository { path: String },
    #[error("the repository at `{path}` has no working tree (it is bare)")]
    Bare { path: String },
    #[error("unknown revision `{rev}`")]
    UnknownRevision { rev: String },
    #[error("`{path}` at `{rev}` is a symbolic link; links are not followed")]
    Symlink { rev: String, path: String },
    #[error("`{path}` at `{rev}` is a submodule, not a file")]
    Submodule { rev: String, path: String },
    #[error("`{path}` at `{rev}` is a folder, not a file")]
    NotAFile { rev: String, path: String },
    #[error("`{path}` is not a plain relative path inside the repository: {reason}")]
    BadPath { path: String, reason: &'static str },
    #[error("the tag `{name}` already exists")]
    TagExists { name: String },
    #[error("`{name}` is not a valid tag name")]
    BadTagName { name: String },
    #[error("{context}: {message}")]
    Git { context: String, message: String },
}

impl GitError {
    /// A `hint:` line for the user.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            GitError::NotARepository { .. } => {
                "run kpdata inside a git clone of the package, or pass --root DIR".into()
            }
            GitError::Bare { .. } => "use a clone with a working tree".into(),
            GitError::UnknownRevision { .. } => {
                "fetch the base commit (fetch-depth: 0), or check the branch, tag or sha".into()
            }
            GitError::Symlink { .. } | GitError::Submodule { .. } => {
                "commit the file itself at that path".into()
            }
            GitError::NotAFile { .. } | GitError::BadPath { .. } => {
                "paths are relative to the repository root, like `datasets/a.csv`".into()
            }
            GitError::TagExists { name } => format!(
                "a tagged version is published and immutable; pick the next version (`git tag -l` lists them), not `{name}`"
            ),
            GitError::BadTagName { .. } => "use a tag like `v1.2.3`".into(),
            GitError::Git { .. } => return None,
        })
    }

    pub(crate) fn git(context: impl Into<String>, e: git2::Error) -> GitError {
        GitError::Git {
            context: context.into(),
            message: e.message().to_string(),
        }
    }
}

pub type Result<T, E = GitError> = std::result::Result<T, E>;

/// A git failure as the workspace's failure: its message and its hint.
impl From<GitError> for kpdata_base::Failure {
    fn from(e: GitError) -> Self {
        kpdata_base::Failure {
            hint: e.hint(),
            message: e.to_string(),
        }
    }
}
