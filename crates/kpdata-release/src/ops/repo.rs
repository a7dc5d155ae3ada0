//! The repository side of a release: where the package sits in it, whether the working tree
//! is clean, and who tags.

use std::path::Path;

use kpdata_git::Repo;

use super::Identity;
use crate::{stage, ReleaseError};

/// The repository holding `root`, and `root`'s path inside it (`""` at the top).
pub fn open_repo(root: &Path) -> Result<(Repo, String), ReleaseError> {
    let repo = Repo::discover(root).map_err(|e| {
        let hint = e.hint().unwrap_or_else(|| {
            "releases are made from a git checkout: the tag vX.Y.Z is the version registry".into()
        });
        ReleaseError::new(e.to_string()).hint(hint)
    })?;
    let canon = |p: &Path| {
        p.canonicalize()
            .map_err(|e| ReleaseError::new(format!("cannot resolve `{}`: {e}", p.display())))
    };
    let root_abs = canon(root)?;
    let work = canon(repo.workdir())?;
    let prefix = root_abs
        .strip_prefix(&work)
        .map_err(|_| {
            ReleaseError::new(format!("`{}` is not inside the repository", root.display()))
        })?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    Ok((repo, prefix))
}

/// The identity the tag is signed with. Never a made-up fallback: without one the release is
/// refused before anything is built.
pub(super) fn identity(who: &Identity, repo: &Repo) -> Result<(String, String), ReleaseError> {
    if let Identity::Given { from, text } = who {
        return parse_identity(text).ok_or_else(|| {
            ReleaseError::new(format!(
                "{from} `{}` is not `Name <email>`",
                kpdata_diagnostics::escape_value(text, 100)
            ))
            .hint("e.g. --tagger \"Jane Doe <jane@example.org>\"")
        });
    }
    repo.configured_identity()
        .map_err(|e| ReleaseError::new(e.to_string()))?
        .ok_or_else(|| {
            ReleaseError::new("no identity to tag the release with: git has no user.name and user.email")
                .hint("pass --tagger \"Name <email>\", set KPDATA_TAGGER, or run `git config user.name …` and `git config user.email …`; or --no-tag")
        })
}

/// `Name <email>` → (name, email); both non-blank, no `<`/`>` or line breaks inside.
pub fn parse_identity(s: &str) -> Option<(String, String)> {
    let (name, rest) = s.trim().rsplit_once('<')?;
    let email = rest.strip_suffix('>')?.trim();
    let name = name.trim();
    let clean = |v: &str| !v.is_empty() && !v.contains(['<', '>', '\n', '\r', '\0']);
    (clean(name) && clean(email) && email.contains('@'))
        .then(|| (name.to_string(), email.to_string()))
}

/// The path of `p` relative to the repository's working tree, if inside it.
fn relative_to_workdir(repo: &Repo, p: &Path) -> Option<String> {
    let work = repo.workdir().canonicalize().ok()?;
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(p)
    };
    // The target does not exist yet: resolve its nearest existing ancestor.
    let mut existing = abs.clone();
    let mut tail = Vec::new();
    while !existing.exists() {
        tail.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?.to_path_buf();
    }
    let mut full = existing.canonicalize().ok()?;
    for t in tail.iter().rev() {
        full.push(t);
    }
    let rel = full.strip_prefix(&work).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// The working tree must be exactly HEAD. Left out: the release folder's parent (e.g.
/// `dist/`) unless it is the repository root, and the release folder itself, which is only
/// ever adopted when it is byte for byte this release (a run killed before its tag). Leaving
/// them out is safe: validation and build read HEAD's committed files only.
pub(super) fn check_clean(repo: &Repo, target: &Path) -> Result<(), ReleaseError> {
    let mut ignore = Vec::new();
    if let Some(rel) = target.parent().and_then(|p| relative_to_workdir(repo, p)) {
        if !rel.is_empty() {
            ignore.push(rel);
        }
    }
    if let Some(rel) = relative_to_workdir(repo, target) {
        if !rel.is_empty() {
            ignore.push(rel);
        }
    }
    let ignore_refs: Vec<&str> = ignore.iter().map(String::as_str).collect();
    let mut dirty = repo.dirty_paths(&ignore_refs)?;
    // Staging folders of other killed runs (another `--out`) are not part of the package.
    dirty.retain(|p| !p.split('/').any(stage::is_stale_staging_name));
    if dirty.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = dirty.iter().take(5).map(String::as_str).collect();
    Err(ReleaseError::new(format!(
        "the working tree is not clean: {}{}",
        shown.join(", "),
        if dirty.len() > 5 {
            format!(" and {} more", dirty.len() - 5)
        } else {
            String::new()
        }
    ))
    .hint("commit or remove the changes: a release is built from a commit"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn identities_are_name_and_email() {
        let p = super::parse_identity;
        assert_eq!(
            p(" Jane Doe <jane@example.org> "),
            Some(("Jane Doe".into(), "jane@example.org".into()))
        );
        for bad in [
            "Jane",
            "<jane@example.org>",
            "Jane <>",
            "Jane <jane>",
            "Ja<ne <j@x>",
            "Jane <j@x",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }
}
