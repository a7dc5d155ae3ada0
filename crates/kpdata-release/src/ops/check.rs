//! `kpdata release --check DIR`: a release folder rebuilt from its tag and compared byte for
//! byte.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use semver::Version;

use super::{build_in_memory, open_repo};
use crate::publish::Source;
use crate::{stage, version, Encoder, ReleaseError};

/// The version of the release folder `dir` for `--check`: `given`, else the `version` of its
/// datapackage.json.
pub fn check_version(dir: &Path, given: Option<&str>) -> Result<Version, ReleaseError> {
    if !dir.is_dir() {
        return Err(
            ReleaseError::new(format!("`{}` is not a folder", dir.display()))
                .hint("pass a release folder, e.g. `kpdata release --check dist/1.0.0`"),
        );
    }
    if let Some(v) = given {
        return version::parse(v);
    }
    let give = "give the version: kpdata release X.Y.Z --check DIR";
    let bytes = std::fs::read(dir.join("datapackage.json")).map_err(|e| {
        ReleaseError::new(format!(
            "cannot read {}/datapackage.json: {e}",
            dir.display()
        ))
        .hint(give)
    })?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        ReleaseError::new(format!("datapackage.json is not valid JSON: {e}")).hint(give)
    })?;
    let s = v
        .get("version")
        .and_then(|v| v.as_str())
        .ok_or_else(|| ReleaseError::new("datapackage.json has no `version`").hint(give))?;
    version::parse(s)
}

/// A release folder compared with its release rebuilt from the tag.
#[derive(Debug)]
pub struct Checked {
    pub tag: String,
    /// The tagged commit, abbreviated.
    pub commit: String,
    /// Files in the rebuilt release.
    pub files: usize,
    /// One line per file that differs (empty: identical).
    pub diffs: Vec<String>,
}

/// Rebuilds release `version` of the package at `root` from its tag and compares every byte
/// with the folder `dir`.
pub fn check(
    root: &Path,
    dir: &Path,
    version: &Version,
    encoder: &dyn Encoder,
    progress: &dyn Fn(&str),
) -> Result<Checked, ReleaseError> {
    let (repo, prefix) = open_repo(root)?;
    let tag = version::tag_name(version);
    let commit = repo.resolve(&tag).map_err(|_| {
        ReleaseError::new(format!(
            "there is no tag {tag}: version {version} was never released"
        ))
        .hint("fetch the tags (`git fetch --tags`) or check the version")
    })?;
    let source = Source {
        repo: &repo,
        prefix,
    };
    let released = source.released()?;
    let previous = version::previous(&released, version);
    progress("reading the package at the tag");
    let mut input = source.input_at(commit.as_str())?;
    let changes = source.changes(version, previous.as_ref(), commit.as_str())?;
    let never = AtomicBool::new(false);
    let (_, release) = build_in_memory(&mut input, version, &changes, encoder, &never, progress)?;
    progress("comparing");
    let diffs = stage::compare(dir, &release)?;
    Ok(Checked {
        tag,
        commit: commit.short().to_string(),
        files: release.files.len(),
        diffs,
    })
}
