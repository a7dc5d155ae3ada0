//! A small package in a scratch git repository: a source registry, designations (keyed by
//! `designation_id`), entities (keyed by `entity_id`) and notes (no primary key).

#![allow(dead_code)]

use kpdata_diagnostics::Diagnostic;
use kpdata_diff::{diff, history_findings, PackageDiff, Snapshot};
use kpdata_git::scratch::Scratch;
use kpdata_git::Repo;

pub const MANIFEST: &str = r#"[package]
name = "test-package"
title = "Test package"

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

[[dataset]]
name = "entities"
path = "datasets/entities.csv"
schema = "schemas/entities.schema.json"
primary_key = ["entity_id"]

[[dataset]]
name = "notes"
path = "datasets/notes.csv"
schema = "schemas/notes.schema.json"
cite = "optional"
"#;

pub fn schema(fields: &[(&str, &str)]) -> String {
    let props: Vec<String> = fields
        .iter()
        .map(|(name, ty)| match *ty {
            "date" => format!("\"{name}\": {{\"type\": \"string\", \"format\": \"date\"}}"),
            "list" => {
                format!("\"{name}\": {{\"type\": \"array\", \"items\": {{\"type\": \"string\"}}}}")
            }
            ty => format!("\"{name}\": {{\"type\": \"{ty}\"}}"),
        })
        .collect();
    format!(
        "{{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\", \"properties\": {{{}}}}}\n",
        props.join(", ")
    )
}

pub const SOURCES: &str =
    "source_id,title\nun-2016,UN list 2016\nun-2017,UN list 2017\nofac-2018,OFAC 2018\n";
pub const DESIGNATIONS: &str = "designation_id,entity_id,action,action_date,source_ids\n\
des-1,ent-1,listed,2016-03-02,un-2016\n\
des-2,ent-2,listed,2016-03-02,un-2016\n\
des-3,ent-3,listed,2017-08-05,un-2017\n";
pub const ENTITIES: &str = "entity_id,name,kind,source_ids\n\
ent-1,Korea Mining Development Trading Corporation,organization,un-2016\n\
ent-2,Tanchon Commercial Bank,organization,un-2016\n\
ent-3,Kim Jong Un,person,un-2017\n";
pub const NOTES: &str = "topic,text\nscope,Sanctions only\nlanguage,English\n";

/// The base commit: every dataset and schema.
pub fn base(dir: &std::path::Path) -> Scratch {
    let s = Scratch::init(dir).unwrap();
    s.write("kpdata.toml", MANIFEST)
        .write(
            "schemas/sources.schema.json",
            schema(&[("source_id", "string"), ("title", "string")]),
        )
        .write(
            "schemas/designations.schema.json",
            schema(&[
                ("designation_id", "string"),
                ("entity_id", "string"),
                ("action", "string"),
                ("action_date", "date"),
                ("source_ids", "list"),
            ]),
        )
        .write(
            "schemas/entities.schema.json",
            schema(&[
                ("entity_id", "string"),
                ("name", "string"),
                ("kind", "string"),
                ("source_ids", "list"),
            ]),
        )
        .write(
            "schemas/notes.schema.json",
            schema(&[("topic", "string"), ("text", "string")]),
        )
        .write("datasets/sources.csv", SOURCES)
        .write("datasets/designations.csv", DESIGNATIONS)
        .write("datasets/entities.csv", ENTITIES)
        .write("datasets/notes.csv", NOTES);
    s.commit("base").unwrap();
    s
}

/// The diff and findings from `HEAD~1` to `HEAD`, both read from git objects, with short
/// labels so snapshots do not depend on commit ids.
pub fn diff_commits(s: &Scratch) -> (PackageDiff, Vec<Diagnostic>) {
    let repo = Repo::discover(s.dir()).unwrap();
    let mut b = Snapshot::at_revision(&repo, "HEAD~1").unwrap();
    let mut h = Snapshot::at_revision(&repo, "HEAD").unwrap();
    b.label = "base".into();
    h.label = "head".into();
    let d = diff(&b, &h);
    let f = history_findings(&d, &b, &h);
    (d, f)
}

/// Commits the edits made by `edit` on top of the base, and diffs.
pub fn scenario(edit: impl FnOnce(&Scratch)) -> (tempfile::TempDir, PackageDiff, Vec<Diagnostic>) {
    let t = tempfile::tempdir().unwrap();
    let s = base(t.path());
    edit(&s);
    s.commit("head").unwrap();
    let (d, f) = diff_commits(&s);
    (t, d, f)
}

pub fn codes(f: &[Diagnostic]) -> Vec<&'static str> {
    f.iter().map(|d| d.code).collect()
}
