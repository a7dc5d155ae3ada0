//! `scripts/pr-gate.sh`, the pull-request gate, on scratch repositories with a base and a
//! head commit (issue 25).
//!
//! What these tests prove: the gate's wiring. The data verdict comes from the validator given
//! for the base, the head's validator runs only when the head changes code, both must pass,
//! the summary says which verdict is which, and rule changes are listed from the base side.
//! Building kpdata twice per test is too slow, so the validators are prebuilt: the base is
//! this workspace's `kpdata`, and a "head validator whose rule was removed" is a wrapper
//! around it that drops the pattern rule's (KP203) findings, which is what a pull request
//! deleting that rule's code would build. The build-from-a-worktree path of the script is not
//! run here (CI runs it on every pull request).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kpdata_testkit::{stdout, Kpdata, Scratch};

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

const MANIFEST: &str = r#"[package]
name = "kp-gate-test"
title = "Gate test package"

[[dataset]]
name = "actors"
path = "datasets/actors.csv"
schema = "schemas/actors.schema.json"
primary_key = ["actor_id"]
cite = "optional"
"#;

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["actor_id", "name", "sensitivity"],
  "properties": {
    "actor_id": {"type": "string", "pattern": "^A[0-9]{3}$"},
    "name": {"type": "string"},
    "sensitivity": {"type": "string", "enum": ["public", "restricted"]}
  }
}
"#;

const ACTORS: &str =
    "actor_id,name,sensitivity\nA001,Alpha Person,public\nA002,Beta Trading,public\n";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pr-gate.sh")
}

struct Gate {
    _tmp: tempfile::TempDir,
    repo: Scratch,
    dir: PathBuf,
}

impl Gate {
    fn new() -> Gate {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let repo = Scratch::init(&dir.join("repo")).unwrap();
        repo.write("kpdata.toml", MANIFEST)
            .write("schemas/actors.schema.json", SCHEMA)
            .write("datasets/actors.csv", ACTORS)
            .write(
                "crates/kpdata-check/src/pattern.rs",
                "// checks `pattern`\n",
            );
        repo.commit("base").unwrap();
        Gate {
            _tmp: tmp,
            repo,
            dir,
        }
    }

    /// An executable shell script in the scratch folder.
    fn tool(&self, name: &str, body: &str) -> PathBuf {
        let p = self.dir.join(name);
        fs::write(&p, format!("#!/bin/sh\n{body}")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
        }
        p
    }

    /// A "head validator" that must never run: it leaves a mark and fails.
    fn tripwire(&self) -> PathBuf {
        let mark = self.dir.join("head-validator-ran");
        self.tool(
            "tripwire",
            &format!("echo ran > '{}'\nexit 1\n", mark.display()),
        )
    }

    fn head_ran(&self) -> bool {
        self.dir.join("head-validator-ran").exists()
    }

    /// kpdata without the pattern rule: its KP203 findings dropped, exit 0 if only they failed.
    fn weakened(&self) -> PathBuf {
        self.tool(
            "kpdata-without-kp203",
            &format!(
                "out=$('{k}' \"$@\"); rc=$?\n\
                 printf '%s\\n' \"$out\" | grep -v KP203\n\
                 [ $rc -eq 2 ] && exit 2\n\
                 if printf '%s\\n' \"$out\" | grep '^::error' | grep -qv KP203; then exit 1; fi\n\
                 exit 0\n",
                k = KPDATA.path().display()
            ),
        )
    }

    fn run(&self, side: &str, head_bin: &Path) -> (Output, String) {
        let summary = self.dir.join(format!("summary-{side}.md"));
        let _ = fs::remove_file(&summary);
        let out = Command::new("bash")
            .arg(script())
            .args(["--side", side, "HEAD~1", "HEAD"])
            .current_dir(self.repo.dir())
            .env("KPDATA_BASE_BIN", KPDATA.path())
            .env("KPDATA_HEAD_BIN", head_bin)
            .env("GATE_SUMMARY", &summary)
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap();
        let md = fs::read_to_string(&summary).unwrap_or_default();
        (out, md)
    }
}

fn explain(o: &Output, md: &str) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}\nsummary:\n{md}",
        o.status.code(),
        stdout(o),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn code_that_removes_a_rule_cannot_pass_data_that_breaks_it() {
    let g = Gate::new();
    // The head deletes the pattern rule's code and adds a record breaking the pattern.
    g.repo
        .write(
            "crates/kpdata-check/src/pattern.rs",
            "// pattern rule removed\n",
        )
        .write(
            "datasets/actors.csv",
            format!("{ACTORS}not-an-id,Gamma Shipping,public\n"),
        );
    g.repo.commit("head").unwrap();
    let weakened = g.weakened();

    // Judged by its own validator alone (the old gate), the head passes.
    let own = Command::new(&weakened)
        .args(["validate", "--format", "github"])
        .current_dir(g.repo.dir())
        .output()
        .unwrap();
    assert_eq!(own.status.code(), Some(0), "{}", stdout(&own));

    // The gate: the base validator's verdict fails it, the head's passes, both are shown.
    let (out, md) = g.run("both", &weakened);
    let why = explain(&out, &md);
    assert_eq!(out.status.code(), Some(1), "{why}");
    assert!(
        md.contains("### Data verdict (base validator): **FAIL** (exit 1)"),
        "{why}"
    );
    assert!(
        md.contains("### Code verdict (head validator, built from this pull request): pass"),
        "{why}"
    );
    assert!(
        md.contains("**This pull request changes code** (1 file(s))"),
        "{why}"
    );
    assert!(
        md.contains("- `crates/kpdata-check/src/pattern.rs`"),
        "{why}"
    );
    // The annotation on the pull request's file comes from the base validator.
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.starts_with("::error file=datasets/actors.csv") && l.contains("KP203")),
        "{why}"
    );

    // The data-verdict job alone (CI's first job) fails too, and never runs head code.
    let (out, md) = g.run("base", &g.tripwire());
    assert_eq!(out.status.code(), Some(1), "{}", explain(&out, &md));
    assert!(!g.head_ran());
    assert!(!md.contains("### Code verdict"), "{md}");
}

#[test]
fn data_only_changes_are_judged_by_the_base_validator_alone() {
    let g = Gate::new();
    g.repo.write(
        "datasets/actors.csv",
        format!("{ACTORS}A003,Gamma Shipping,public\n"),
    );
    g.repo.commit("head").unwrap();
    let (out, md) = g.run("both", &g.tripwire());
    let why = explain(&out, &md);
    assert_eq!(out.status.code(), Some(0), "{why}");
    assert!(!g.head_ran(), "{why}");
    assert!(
        md.contains("### Data verdict (base validator): pass"),
        "{why}"
    );
    assert!(
        md.contains("### Code verdict: not needed (no code changed)"),
        "{why}"
    );
    assert!(md.contains("**the base validator alone decides**"), "{why}");
    assert!(md.contains("No rule changes"), "{why}");
    assert!(
        md.contains("A003"),
        "the record-level diff is in the summary: {why}"
    );

    // Bad data in a data-only pull request: the base verdict fails it, still alone.
    g.repo.write(
        "datasets/actors.csv",
        format!("{ACTORS}A003,Gamma Shipping,public\nA4,Delta,public\n"),
    );
    g.repo.commit("bad data").unwrap();
    let (out, md) = g.run("both", &g.tripwire());
    assert_eq!(out.status.code(), Some(1), "{}", explain(&out, &md));
    assert!(!g.head_ran());
}

#[test]
fn a_schema_that_loosens_its_own_rule_is_listed_and_annotated() {
    let g = Gate::new();
    // No code change: the rule is relaxed in the schema, and data only the new rule accepts.
    g.repo
        .write(
            "schemas/actors.schema.json",
            SCHEMA.replace("^A[0-9]{3}$", "^[A-Z][0-9]+$"),
        )
        .write(
            "datasets/actors.csv",
            format!("{ACTORS}B7,Gamma Shipping,public\n"),
        );
    g.repo.commit("head").unwrap();
    let (out, md) = g.run("both", &g.tripwire());
    let why = explain(&out, &md);
    // The data is valid under the head's schema, so the verdict passes: the rule change is
    // what the reviewer must judge, and the summary puts it first.
    assert_eq!(out.status.code(), Some(0), "{why}");
    assert!(!g.head_ran());
    assert!(md.contains("**1 loosen a constraint**"), "{why}");
    assert!(md.contains("pattern widened"), "{why}");
    assert!(md.contains("- `schemas/actors.schema.json`"), "{why}");
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.starts_with("::warning file=schemas/actors.schema.json,title=KP509")),
        "{why}"
    );
}

#[test]
fn changes_to_the_gate_itself_are_called_out() {
    let g = Gate::new();
    g.repo
        .write(".github/workflows/pr.yml", "name: weakened\n")
        .write("scripts/pr-gate.sh", "exit 0\n");
    g.repo.commit("head").unwrap();
    let (out, md) = g.run("both", &g.tripwire());
    let why = explain(&out, &md);
    assert!(
        md.contains("**This pull request changes the gate itself.**"),
        "{why}"
    );
    assert!(md.contains("- `.github/workflows/pr.yml`"), "{why}");
    // scripts/ is code: the head's validator must pass too (here it fails).
    assert!(g.head_ran(), "{why}");
    assert_eq!(out.status.code(), Some(1), "{why}");
}

#[test]
fn a_manifest_the_base_validator_cannot_read_fails_closed() {
    let g = Gate::new();
    // A manifest key the base does not know (a format change landing with its code).
    g.repo.write(
        "kpdata.toml",
        format!("{MANIFEST}\n[future]\nanything = \"`~~~~\\u001b[31m`\"\n"),
    );
    g.repo.commit("head").unwrap();
    let (out, md) = g.run("base", &g.tripwire());
    let why = explain(&out, &md);
    assert_eq!(out.status.code(), Some(2), "{why}");
    assert!(
        md.contains("### Data verdict (base validator): **FAIL** (exit 2)"),
        "{why}"
    );
    assert!(
        md.contains("`kpdata` could not run `validate` (exit 2) and said:"),
        "{why}"
    );
    assert!(md.contains("unknown field"), "{why}");
    assert!(
        md.contains("The base validator could not list rule changes (exit 2)"),
        "{why}"
    );
    // Nothing from the tool's output can close the fence or reach the page as a control.
    assert!(!md.contains('\u{1b}'), "{why}");
    let fences = md.lines().filter(|l| l.starts_with("~~~~")).count();
    assert_eq!(fences % 2, 0, "{why}");
}
