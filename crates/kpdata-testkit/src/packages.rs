//! Packages for tests: a copy of the repository's real package, and a small one in a scratch
//! git repository.

use std::fs;
use std::path::PathBuf;

use kpdata_git::scratch::Scratch;

use crate::{copy_dir, repo_root};

/// A copy of the repository's package (`kpdata.toml`, `schemas/`, `datasets/`) in a new
/// temporary folder, outside git.
pub fn copy_package() -> tempfile::TempDir {
    let repo = repo_root();
    let t = tempfile::tempdir().expect("a temporary folder");
    fs::copy(repo.join("kpdata.toml"), t.path().join("kpdata.toml")).expect("copy kpdata.toml");
    for dir in ["schemas", "datasets"] {
        copy_dir(&repo.join(dir), &t.path().join(dir))
            .unwrap_or_else(|e| panic!("copy {dir}: {e}"));
    }
    t
}

/// The package of [`diff_package`]: its manifest, schemas and datasets.
pub const DIFF_MANIFEST: &str = r#"[package]
name = "t"
title = "T"

[[dataset]]
name = "sources"
path = "datasets/sources.csv"
schema = "schemas/sources.schema.json"
cite = "registry"
primary_key = ["source_id"]

[[dataset]]
name = "designations"
path = "datasets/designations.csv"
schema = "schemas/designations.schema.json"
primary_key = ["designation_id"]
"#;

pub const SOURCES_SCHEMA: &str = r#"{"type": "object", "properties": {"source_id": {"type": "string"}, "title": {"type": "string"}}}"#;
pub const DESIGNATIONS_SCHEMA: &str = r#"{"type": "object", "properties": {"designation_id": {"type": "string"}, "name": {"type": "string"}, "action": {"type": "string"}, "source_ids": {"type": "array", "items": {"type": "string"}}}}"#;
pub const SOURCES: &str = "source_id,title\nun-2016,UN list 2016\nun-2017,UN list 2017\n";
pub const DESIGNATIONS: &str = "designation_id,name,action,source_ids\n\
des-1,Korea Mining Development Trading Corporation,listed,un-2016\n\
des-2,Tanchon Commercial Bank,listed,un-2016\n";

/// A scratch repository (in a new temporary folder) whose package lives in `prefix` (`""`:
/// the root), with one commit: a source registry (`un-2016`, `un-2017`) and two designations
/// citing `un-2016`. Returns the folder, the repository and the package root.
pub fn diff_package(prefix: &str) -> (tempfile::TempDir, Scratch, PathBuf) {
    let t = tempfile::tempdir().expect("a temporary folder");
    let s = Scratch::init(&t.path().join("repo")).expect("a scratch repository");
    let p = |rel: &str| {
        if prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{prefix}/{rel}")
        }
    };
    s.write(&p("kpdata.toml"), DIFF_MANIFEST)
        .write(&p("schemas/sources.schema.json"), SOURCES_SCHEMA)
        .write(&p("schemas/designations.schema.json"), DESIGNATIONS_SCHEMA)
        .write(&p("datasets/sources.csv"), SOURCES)
        .write(&p("datasets/designations.csv"), DESIGNATIONS);
    s.commit("base").expect("commit");
    let root = s.dir().join(prefix);
    (t, s, root)
}
