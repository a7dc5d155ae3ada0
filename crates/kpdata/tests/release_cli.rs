//! `kpdata release` and `kpdata verify` end to end, in scratch git repositories.

use std::fs;
#[allow(unused_imports)]
use std::path::{Path, PathBuf};
#[cfg(feature = "parquet")]
use std::process::Command;

#[allow(unused_imports)]
use kpdata_testkit::{code, stderr, stdout, tag_exists, Kpdata, Scratch};

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

const MANIFEST: &str = r#"[package]
name = "kp-release-test"
title = "Release test package"
licenses = ["CC-BY-4.0"]
authors = ["Test Team"]

[[dataset]]
name = "actors"
path = "datasets/actors.csv"
schema = "schemas/actors.schema.json"
title = "Actors"
primary_key = ["actor_id"]
cite = "optional"

[[dataset]]
name = "events"
path = "datasets/events.csv"
schema = "schemas/events.schema.json"
primary_key = ["event_id"]
cite = "optional"
[[dataset.foreign_key]]
fields = ["actor_ids"]
dataset = "actors"
reference = ["actor_id"]
"#;

const ACTORS_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["actor_id", "name", "sensitivity"],
  "properties": {
    "actor_id": {"type": "string", "pattern": "^A[0-9]{3}$"},
    "name": {"type": "string"},
    "aliases": {"type": "array", "items": {"type": "string"}, "x-separator": ";"},
    "listed_on": {"type": "string", "format": "date"},
    "born": {"type": "string", "format": "partial-date"},
    "sensitivity": {"type": "string", "enum": ["public", "restricted"]}
  }
}
"#;

const EVENTS_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["event_id", "actor_ids", "sensitivity"],
  "properties": {
    "event_id": {"type": "integer"},
    "actor_ids": {"type": "array", "items": {"type": "string"}},
    "victims": {"type": "integer"},
    "confirmed": {"type": "boolean"},
    "sensitivity": {"type": "string", "enum": ["public", "restricted"]}
  }
}
"#;

const ACTORS: &str = "actor_id,name,aliases,listed_on,born,sensitivity\n\
A002,Beta Trading,BT;Beta,2017-08-05,,public\n\
A001,Alpha Person,,2016-03-02,1962-04,public\n\
A009,Witness Nine,,,,restricted\n";

const EVENTS: &str = "event_id,actor_ids,victims,confirmed,sensitivity\n\
10,A001;A002,3,true,public\n\
2,A002,,false,public\n";

fn package(tmp: &Path) -> Scratch {
    let s = Scratch::init(&tmp.join("repo")).unwrap();
    s.write(".gitignore", "/dist\n")
        .write("kpdata.toml", MANIFEST)
        .write("schemas/actors.schema.json", ACTORS_SCHEMA)
        .write("schemas/events.schema.json", EVENTS_SCHEMA)
        .write("datasets/actors.csv", ACTORS)
        .write("datasets/events.csv", EVENTS);
    s.commit("package").unwrap();
    s
}

#[cfg_attr(not(feature = "parquet"), allow(dead_code))]
fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    kpdata_release::stage::list_files(dir)
        .unwrap()
        .into_iter()
        .map(|(rel, p)| (rel, fs::read(p).unwrap()))
        .collect()
}

#[cfg(feature = "parquet")]
#[test]
fn first_release_then_a_minor_release_with_record_level_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let repo = s.dir().to_path_buf();

    let o = KPDATA.run(&repo, &["release", "1.0.0"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("released 1.0.0"), "{}", stdout(&o));
    assert!(tag_exists(&s, "v1.0.0"));
    let dist = repo.join("dist/1.0.0");
    let v = KPDATA.run(&repo, &["verify", "dist/1.0.0"]);
    assert_eq!(code(&v), 0, "{}", stdout(&v));
    let changes = fs::read_to_string(dist.join("CHANGES.md")).unwrap();
    assert!(changes.contains("First release"), "{changes}");
    let dp: serde_json::Value =
        serde_json::from_slice(&fs::read(dist.join("datapackage.json")).unwrap()).unwrap();
    // created = the commit time of HEAD (Scratch commits start at 2024-01-01T00:00:00Z).
    assert_eq!(dp["created"], "2024-01-01T00:00:00Z");
    assert_eq!(dp["resources"][0]["rows"], 2);
    let all = read_all(&dist);
    assert!(!all
        .iter()
        .any(|(_, b)| b.windows(7).any(|w| w == b"Witness")));

    // Add a record (minor) and correct a value (patch); change a restricted one (unpublished).
    s.write(
        "datasets/actors.csv",
        ACTORS
            .replace("Beta Trading", "Beta Trading Co.")
            .replace("Witness Nine", "Witness Ten")
            + "A003,Gamma Shipping,,2020-01-02,,public\n",
    );
    s.commit("more actors").unwrap();
    let o = KPDATA.run(&repo, &["release", "1.0.1"]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(e.contains("error:") && e.contains("minor"), "{e}");
    assert!(e.contains("hint:") && e.contains("1.1.0"), "{e}");
    assert!(!repo.join("dist/1.0.1").exists());
    assert!(!tag_exists(&s, "v1.0.1"));

    let o = KPDATA.run(&repo, &["release", "1.1.0"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let changes = fs::read_to_string(repo.join("dist/1.1.0/CHANGES.md")).unwrap();
    assert!(changes.contains("Since 1.0.0"), "{changes}");
    assert!(changes.contains("A003"), "{changes}");
    // The changed words are marked (issue 23): `Beta Trading` → `Beta Trading **Co.**`.
    assert!(changes.contains("Beta Trading **Co.**"), "{changes}");
    assert!(!changes.contains("Witness"), "{changes}");
    let cj: serde_json::Value =
        serde_json::from_slice(&fs::read(repo.join("dist/1.1.0/changes.json")).unwrap()).unwrap();
    assert_eq!(cj["previous"], "1.0.0");
    assert_eq!(cj["required_bump"], "minor");
    // Records are named by dataset and primary key, never by rows of CSV files the release
    // does not ship.
    assert!(changes.contains("| A003 | "), "{changes}");
    assert!(!changes.contains("| row"), "{changes}");
    let cj_text = serde_json::to_string(&cj).unwrap();
    for k in ["\"row\":", "\"line\":", "\"base_row\":", "\"base_line\":"] {
        assert!(!cj_text.contains(k), "{k} in {cj_text}");
    }

    // Both releases rebuild byte for byte from their tags.
    for v in ["1.0.0", "1.1.0"] {
        let o = KPDATA.run(&repo, &["release", "--check", &format!("dist/{v}")]);
        assert_eq!(code(&o), 0, "{v}: {}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("identical"));
    }
    // A changed byte is found by --check (exit 1) and by verify (exit 1, the file named).
    let p = repo.join("dist/1.0.0/data/actors.json");
    let mut b = fs::read(&p).unwrap();
    b[5] ^= 1;
    fs::write(&p, &b).unwrap();
    let o = KPDATA.run(&repo, &["release", "--check", "dist/1.0.0"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("data/actors.json"), "{}", stdout(&o));
    let o = KPDATA.run(&repo, &["verify", "dist/1.0.0", "--format", "json"]);
    assert_eq!(code(&o), 1);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The only error names the file; the folder is unsigned (a KP915 warning).
    let errors: Vec<&serde_json::Value> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{j}");
    assert_eq!(errors[0]["path"], "data/actors.json");
    assert_eq!(errors[0]["code"], "KP603");
}

#[cfg(feature = "parquet")]
#[test]
fn refusals_exit_2_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let repo = s.dir().to_path_buf();
    let refused = |args: &[&str], needle: &str| {
        let o = KPDATA.run(&repo, args);
        let e = stderr(&o);
        assert_eq!(code(&o), 2, "{args:?}: {e}");
        assert!(e.contains("error:") && e.contains("hint:"), "{args:?}: {e}");
        assert!(e.contains(needle), "{args:?}: {e}");
    };

    refused(&["release", "v1.0.0"], "not a version");
    refused(&["release", "1.0"], "not a version");

    // A dirty working tree.
    s.write(
        "datasets/events.csv",
        EVENTS.to_string() + "3,A001,,,public\n",
    );
    refused(&["release", "1.0.0"], "not clean");
    s.write("datasets/events.csv", EVENTS);
    s.write("notes.txt", "untracked");
    refused(&["release", "1.0.0"], "notes.txt");
    fs::remove_file(repo.join("notes.txt")).unwrap();

    // Validation errors (a committed bad row).
    s.write(
        "datasets/events.csv",
        EVENTS.to_string() + "x,A001,,,public\n",
    );
    s.commit("bad row").unwrap();
    refused(&["release", "1.0.0"], "validation");
    // An error only validation sees (every cell has its type, so the release files are built
    // while validation runs): a duplicate primary key.
    s.write(
        "datasets/events.csv",
        EVENTS.to_string() + "2,A001,,,public\n",
    );
    s.commit("duplicate id").unwrap();
    refused(&["release", "1.0.0"], "validation found 1 error(s)");
    s.write("datasets/events.csv", EVENTS);
    s.commit("fix").unwrap();
    assert!(!repo.join("dist").exists());
    assert!(!kpdata_git::Repo::discover(&repo)
        .unwrap()
        .tag_exists("v1.0.0")
        .unwrap());

    // A folder in the way.
    fs::create_dir_all(repo.join("dist/1.0.0")).unwrap();
    fs::write(repo.join("dist/1.0.0/junk"), "x").unwrap();
    refused(&["release", "1.0.0"], "already exists");
    assert!(!tag_exists(&s, "v1.0.0"));
    fs::remove_dir_all(repo.join("dist/1.0.0")).unwrap();

    let o = KPDATA.run(&repo, &["release", "1.0.0"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // The tag exists; not greater than the last release.
    refused(
        &["release", "1.0.0", "--out", "elsewhere/1.0.0"],
        "already released",
    );
    refused(
        &["release", "0.9.0", "--out", "elsewhere/0.9.0"],
        "not greater",
    );
    assert!(!repo.join("elsewhere").exists());
    // Nothing changed: any greater version is fine, so is --no-tag.
    let o = KPDATA.run(&repo, &["release", "1.0.1", "--no-tag"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!tag_exists(&s, "v1.0.1"));
    // verify of a file, not a folder: exit 2.
    let o = KPDATA.run(&repo, &["verify", "kpdata.toml"]);
    assert_eq!(code(&o), 2);
}

#[cfg(feature = "parquet")]
#[test]
fn same_commit_same_bytes_whatever_the_folder_time_zone_and_umask() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let repo = s.dir().to_path_buf();
    let out_a = tmp.path().join("a/x/1.0.0");
    let out_b = tmp.path().join("b/1.0.0");
    let run = |out: &PathBuf, tz: &str, umask: &str| {
        let o = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" release 1.0.0 --no-tag --out \"$1\""
            ))
            .arg(KPDATA.path())
            .arg(out)
            .env("TZ", tz)
            .current_dir(&repo)
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    };
    run(&out_a, "Asia/Pyongyang", "077");
    run(&out_b, "America/Los_Angeles", "022");
    let (a, b) = (read_all(&out_a), read_all(&out_b));
    // Per dataset CSV, Parquet, JSON and schema (2 datasets); README.md, LICENSE,
    // data-dictionary.md, CHANGES.md, changes.json, CITATION.cff, datapackage.json, SHA256SUMS.
    assert_eq!(a.len(), 16);
    assert_eq!(a, b);
    for (rel, bytes) in &a {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(tmp.path().to_str().unwrap()),
            "{rel} names a local path"
        );
    }
}

#[cfg(feature = "parquet")]
#[test]
fn a_killed_run_leaves_no_release_and_the_next_run_succeeds() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let repo = s.dir().to_path_buf();
    let target = repo.join("dist/1.0.0");
    // A staging folder left by a killed run.
    fs::create_dir_all(repo.join("dist/.1.0.0.tmp-4000000000/data")).unwrap();
    fs::write(
        repo.join("dist/.1.0.0.tmp-4000000000/data/x.parquet"),
        "half",
    )
    .unwrap();
    for delay_ms in [0u64, 5, 20, 40, 80, 150] {
        let mut child = KPDATA
            .command(&repo, &["release", "1.0.0"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        if tag_exists(&s, "v1.0.0") {
            // The run finished before the kill: the release must be complete.
            assert!(kpdata_release::verify::verify(&target).unwrap().is_empty());
            break;
        }
        // Killed before the tag: either no folder, or a complete one the next run adopts.
        if target.exists() {
            assert!(kpdata_release::verify::verify(&target).unwrap().is_empty());
        }
    }
    if !tag_exists(&s, "v1.0.0") {
        let o = KPDATA.run(&repo, &["release", "1.0.0"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    assert!(kpdata_release::verify::verify(&target).unwrap().is_empty());
    let left: Vec<String> = fs::read_dir(repo.join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(left, ["1.0.0"]);

    // Killed between the rename and the tag: the folder is complete but untagged. The next
    // run finds it byte for byte identical and only creates the tag.
    s.write(
        "datasets/events.csv",
        EVENTS.to_string() + "11,A001,,,public\n",
    );
    s.commit("one more event").unwrap();
    let o = KPDATA.run(&repo, &["release", "1.1.0", "--no-tag"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = KPDATA.run(&repo, &["release", "1.1.0"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("completed the interrupted release"),
        "{}",
        stdout(&o)
    );
    assert!(tag_exists(&s, "v1.1.0"));
}

/// Built without the Parquet writer (`cargo test -p kpdata --no-default-features`): release
/// fails with a clear error and hint, verify still works.
#[cfg(not(feature = "parquet"))]
#[test]
fn without_the_parquet_feature_release_fails_clearly_and_verify_works() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let repo = s.dir().to_path_buf();
    let o = KPDATA.run(&repo, &["release", "1.0.0"]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(
        e.contains("error: this kpdata was built without the Parquet writer"),
        "{e}"
    );
    assert!(e.contains("hint: rebuild with default features"), "{e}");
    assert!(!repo.join("dist").exists());
    let o = KPDATA.run(&repo, &["verify", "kpdata.toml"]);
    assert_eq!(code(&o), 2);
    fs::create_dir_all(repo.join("dist/x")).unwrap();
    let o = KPDATA.run(&repo, &["verify", "dist/x"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("KP606"), "{}", stdout(&o));
}

#[cfg(feature = "parquet")]
#[test]
fn a_release_names_its_tagger_and_refuses_without_one() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let repo = s.dir().to_path_buf();
    // A machine with no git identity: an empty home, no system configuration.
    let home = tmp.path().join("home");
    fs::create_dir_all(&home).unwrap();
    let run = |extra: &[&str]| {
        KPDATA
            .command(&repo, &["release", "1.0.0"])
            .env_remove("KPDATA_TAGGER")
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(extra)
            .output()
            .unwrap()
    };
    let o = run(&[]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let e = stderr(&o);
    assert!(e.contains("no identity to tag the release with"), "{e}");
    assert!(e.contains("hint:") && e.contains("--tagger"), "{e}");
    assert!(!repo.join("dist").exists());
    assert!(!tag_exists(&s, "v1.0.0"));
    let o = run(&["--tagger", "Ada"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("is not `Name <email>`"),
        "{}",
        stderr(&o)
    );

    let o = run(&["--tagger", "Ada Lovelace <ada@example.org>"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("tagged v1.0.0 on ")
            && stdout(&o).contains("as Ada Lovelace <ada@example.org>"),
        "{}",
        stdout(&o)
    );
    let git = kpdata_git::Repo::discover(&repo).unwrap();
    assert!(git.tag_exists("v1.0.0").unwrap());
    let raw = git2::Repository::open(&repo).unwrap();
    let tag = raw
        .find_reference("refs/tags/v1.0.0")
        .unwrap()
        .peel_to_tag()
        .unwrap();
    assert_eq!(tag.tagger().unwrap().name().ok(), Some("Ada Lovelace"));
    assert_eq!(tag.tagger().unwrap().email().ok(), Some("ada@example.org"));
    // The release workflow re-creates the tag with the pushed tag's tagger, read this way.
    let workflow = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.github/workflows/release.yml"),
    )
    .unwrap();
    let read = "git for-each-ref \"refs/tags/$TAG\" --format='%(taggername) %(taggeremail)'";
    assert!(
        workflow.contains(&format!("tagger=\"$({read})\"")),
        "release.yml"
    );
    assert!(workflow.contains("--tagger \"$tagger\""), "release.yml");
    let out = Command::new("bash")
        .arg("-c")
        .arg(read)
        .env("TAG", "v1.0.0")
        .current_dir(&repo)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        "Ada Lovelace <ada@example.org>"
    );

    // verify counts the records of the intact tables.
    let v = KPDATA.run(&repo, &["verify", "dist/1.0.0", "--format", "json"]);
    assert_eq!(code(&v), 0, "{}", stdout(&v));
    let j: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    let dp: serde_json::Value =
        serde_json::from_slice(&fs::read(repo.join("dist/1.0.0/datapackage.json")).unwrap())
            .unwrap();
    let rows: u64 = dp["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "table")
        .map(|r| r["rows"].as_u64().unwrap())
        .sum();
    assert!(rows > 0);
    assert_eq!(j["summary"]["records"], rows);
}
