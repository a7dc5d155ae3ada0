//! A release publishes only what it validated (issue 20): validation reads the committed
//! bytes the build publishes, never the working tree; what `release` cannot publish
//! faithfully, `validate` reports; a crash leaves nothing that blocks the next run.

#[cfg(feature = "parquet")]
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use kpdata_release::sha256_hex;
#[cfg(feature = "parquet")]
use kpdata_testkit::tag_exists;
use kpdata_testkit::{code, Kpdata, Scratch};

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

const MANIFEST: &str = r#"[package]
name = "kp-integrity-test"
title = "Integrity test package"
licenses = ["CC-BY-4.0"]

[[dataset]]
name = "sources"
path = "datasets/sources.csv"
schema = "schemas/sources.schema.json"
primary_key = ["source_id"]
cite = "registry"

[[dataset]]
name = "events"
path = "datasets/events.csv"
schema = "schemas/events.schema.json"
primary_key = ["event_id"]
"#;

const SOURCES_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object", "additionalProperties": false,
  "required": ["source_id", "tier", "title", "archive_path", "sha256", "sensitivity"],
  "properties": {
    "source_id": {"type": "string", "x-kind": "id"},
    "tier": {"enum": ["official", "secondary"]},
    "title": {"type": "string"},
    "archive_path": {"type": "string"},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "custody": {"type": "string"},
    "obtained_from": {"type": "string"},
    "sensitivity": {"enum": ["public", "restricted"]}
  }
}
"#;

const EVENTS_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object", "additionalProperties": false,
  "required": ["event_id", "source_ids", "sensitivity"],
  "properties": {
    "event_id": {"type": "integer"},
    "victims": {"type": "integer"},
    "tonnage": {"type": "number"},
    "note": {"type": "string"},
    "source_ids": {"type": "array", "items": {"type": "string"}, "x-separator": ";"},
    "sensitivity": {"enum": ["public", "restricted"]}
  }
}
"#;

const ARCHIVE: &str = "The report of the inquiry.\n";

const EVENTS: &str = "event_id,victims,tonnage,note,source_ids,sensitivity\n\
1,3,1.5,,src-a,public\n\
2,,,,src-a,public\n";

fn sources(archive_path: &str) -> String {
    format!(
        "source_id,tier,title,archive_path,sha256,custody,obtained_from,sensitivity\n\
         src-a,official,Report,{archive_path},{},exact_copy,https://example.org/report,public\n",
        sha256_hex(ARCHIVE.as_bytes())
    )
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
}

fn package(tmp: &Path) -> Scratch {
    let s = Scratch::init(&tmp.join("repo")).unwrap();
    s.write(".gitignore", "/dist\n")
        .write("kpdata.toml", MANIFEST)
        .write("schemas/sources.schema.json", SOURCES_SCHEMA)
        .write("schemas/events.schema.json", EVENTS_SCHEMA)
        .write("datasets/archive/report.txt", ARCHIVE)
        .write(
            "datasets/sources.csv",
            sources("datasets/archive/report.txt"),
        )
        .write("datasets/events.csv", EVENTS);
    s.commit("package").unwrap();
    s
}

/// Issue 20.1: a committed duplicate id hidden behind a valid working-tree copy that git
/// is told not to look at (`--assume-unchanged`, `--skip-worktree`).
#[cfg(feature = "parquet")]
#[test]
fn release_validates_the_committed_bytes_not_the_working_tree() {
    for flag in ["--assume-unchanged", "--skip-worktree"] {
        let tmp = tempfile::tempdir().unwrap();
        let s = package(tmp.path());
        let repo = s.dir().to_path_buf();
        s.write(
            "datasets/events.csv",
            EVENTS.to_string() + "2,,,,src-a,public\n",
        );
        s.commit("a duplicate id").unwrap();
        s.write("datasets/events.csv", EVENTS);
        git(&repo, &["update-index", flag, "datasets/events.csv"]);
        // The working tree is valid (and the clean check cannot see the difference).
        let o = KPDATA.run(&repo, &["validate"]);
        assert_eq!(code(&o), 0, "{flag}: {}", text(&o));
        let o = KPDATA.run(&repo, &["release", "1.0.0"]);
        assert_eq!(code(&o), 2, "{flag}: {}", text(&o));
        assert!(
            text(&o).contains("validation found 1 error(s)"),
            "{flag}: {}",
            text(&o)
        );
        // The finding itself is shown: `kpdata validate` on the working tree does not see it.
        assert!(text(&o).contains("KP301"), "{flag}: {}", text(&o));
        assert!(!tag_exists(&s, "v1.0.0"), "{flag}");
        assert!(!repo.join("dist").exists(), "{flag}");
    }
}

/// Issue 20.2: an archived source under a git-ignored name.
#[test]
fn an_archive_file_git_does_not_track_is_a_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let repo = s.dir().to_path_buf();
    s.write(".gitignore", "/dist\n*.pdf\n")
        .write("datasets/archive/report.pdf", ARCHIVE)
        .write(
            "datasets/sources.csv",
            sources("datasets/archive/report.pdf"),
        );
    s.remove("datasets/archive/report.txt");
    s.commit("the archive under an ignored name").unwrap();
    let tracked = kpdata_git::Repo::discover(&repo)
        .unwrap()
        .tracked_files("")
        .unwrap();
    assert!(!tracked.contains("datasets/archive/report.pdf"));
    assert!(tracked.contains("datasets/sources.csv"));
    let o = KPDATA.run(&repo, &["validate", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["KP907"], "{}", text(&o));
    assert_eq!(j["diagnostics"][0]["path"], "datasets/sources.csv");
    assert_eq!(j["diagnostics"][0]["row"], 2);

    // Once added (with -f: the ignore rule stays), it is tracked and clean.
    git(&repo, &["add", "-f", "datasets/archive/report.pdf"]);
    let o = KPDATA.run(&repo, &["validate"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
}

/// Issue 20.2: the release of such a package fails validation (the file is not committed).
#[cfg(feature = "parquet")]
#[test]
fn release_refuses_an_archive_file_that_is_not_committed() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let repo = s.dir().to_path_buf();
    s.write(".gitignore", "/dist\n*.pdf\n")
        .write("datasets/archive/report.pdf", ARCHIVE)
        .write(
            "datasets/sources.csv",
            sources("datasets/archive/report.pdf"),
        );
    s.remove("datasets/archive/report.txt");
    s.commit("the archive under an ignored name").unwrap();
    let o = KPDATA.run(&repo, &["release", "1.0.0"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("validation found"), "{}", text(&o));
    assert!(!tag_exists(&s, "v1.0.0"));

    // A committed archive file whose working-tree copy was changed: the committed bytes are
    // hashed (they match the registry), so the release goes ahead.
    let s = package(&tmp.path().join("second"));
    let repo = s.dir().to_path_buf();
    s.write("datasets/archive/report.txt", "changed on disk\n");
    git(
        &repo,
        &[
            "update-index",
            "--assume-unchanged",
            "datasets/archive/report.txt",
        ],
    );
    let o = KPDATA.run(&repo, &["release", "1.0.0"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
}

/// Issue 20.5: an `enum` object holding the descriptor's digest key.
#[cfg(feature = "parquet")]
#[test]
fn an_enum_object_with_the_digest_key_is_released_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let repo = s.dir().to_path_buf();
    s.write(
        "schemas/events.schema.json",
        EVENTS_SCHEMA.replace(
            r#""note": {"type": "string"}"#,
            r#""note": {"type": "string", "enum": ["seen", {"x-kpdata-digest": "0000000000000000000000000000000000000000000000000000000000000000"}]}"#,
        ),
    );
    s.commit("an enum object").unwrap();
    let o = KPDATA.run(&repo, &["validate"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = KPDATA.run(&repo, &["release", "1.0.0"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = KPDATA.run(&repo, &["verify", "dist/1.0.0"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let left: Vec<String> = fs::read_dir(repo.join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(left, ["1.0.0"]);
}

/// Issue 20.9: `release --out rel` inside the repository, killed: its staging folder in the
/// repository root does not block the next run, and a complete untagged folder there is
/// resumed.
#[cfg(feature = "parquet")]
#[test]
fn a_release_folder_in_the_repository_root_survives_a_killed_run() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let repo = s.dir().to_path_buf();
    // What `kill -9` leaves: a staging folder of a process that is gone.
    s.write(".rel.tmp-4000000000/data/events.parquet", "half");
    // And one of a killed run with another `--out`: not this target's, so left alone.
    s.write(".other.tmp-4000000000/data/events.json", "[");
    let o = KPDATA.run(&repo, &["release", "1.0.0", "--out", "rel", "--no-tag"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(!repo.join(".rel.tmp-4000000000").exists());
    assert!(repo.join(".other.tmp-4000000000").exists());
    // Complete but untagged (killed between the rename and the tag): the next run resumes.
    let o = KPDATA.run(&repo, &["release", "1.0.0", "--out", "rel"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).contains("completed the interrupted release"),
        "{}",
        text(&o)
    );
    assert!(tag_exists(&s, "v1.0.0"));
    let o = KPDATA.run(&repo, &["verify", "rel"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    // Anything else untracked still makes the tree dirty.
    s.write("notes.txt", "x");
    let o = KPDATA.run(&repo, &["release", "1.0.1", "--out", "rel2"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("notes.txt"), "{}", text(&o));
}

/// Issue 20.4: what `release` cannot publish faithfully, `validate` reports.
#[test]
fn validate_reports_numbers_a_release_cannot_publish() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let repo = s.dir().to_path_buf();
    s.write(
        "datasets/events.csv",
        EVENTS.to_string()
            + "3,9223372036854775808,,,src-a,public\n\
               4,,1e-400,,src-a,public\n\
               5,,9007199254740993,,src-a,public\n\
               6,,0.30000000000000001,,src-a,public\n\
               7,-9223372036854775808,1e300,,src-a,public\n",
    );
    let o = KPDATA.run(&repo, &["validate", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(String, u64, String)> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["row"].as_u64().unwrap(),
                d["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, u64, String)> = [
        (4, "victims"),
        (5, "tonnage"),
        (6, "tonnage"),
        (7, "tonnage"),
    ]
    .iter()
    .map(|(r, f)| ("KP212".to_string(), *r, f.to_string()))
    .collect();
    assert_eq!(found, want, "{}", text(&o));
}

/// Issue 20.3: a published record marked `restricted` leaves the next release: that is a
/// major change, named in CHANGES.md, never a silent patch.
#[cfg(feature = "parquet")]
#[test]
fn withdrawing_a_published_record_needs_a_major_release() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let repo = s.dir().to_path_buf();
    let o = KPDATA.run(&repo, &["release", "1.0.0"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    s.write(
        "datasets/events.csv",
        EVENTS.replace("2,,,,src-a,public", "2,,,,src-a,restricted"),
    );
    s.commit("withdraw event 2").unwrap();
    let o = KPDATA.run(&repo, &["diff", "--base", "v1.0.0"]);
    assert!(text(&o).contains("KP505"), "{}", text(&o));
    let o = KPDATA.run(&repo, &["release", "1.0.1"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("need a major bump"), "{}", text(&o));
    let o = KPDATA.run(&repo, &["release", "2.0.0"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let changes = fs::read_to_string(repo.join("dist/2.0.0/CHANGES.md")).unwrap();
    assert!(
        changes.contains("1 record of `events` is now restricted"),
        "{changes}"
    );
    // A record deleted outright stays a correction (patch).
    s.write(
        "datasets/events.csv",
        "event_id,victims,tonnage,note,source_ids,sensitivity\n2,,,,src-a,restricted\n",
    );
    s.commit("delete event 1").unwrap();
    let o = KPDATA.run(&repo, &["release", "2.0.1"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
}
