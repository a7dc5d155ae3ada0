//! `kpdata diff` end to end (the built binary against scratch git repositories), and a check
//! that the GitHub workflows are well-formed and call only commands and flags that exist.
// A test may say why it skipped a check (no strace, no git): that is its output.
#![allow(clippy::print_stderr, clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::Command;

use kpdata_testkit::packages::{
    DESIGNATIONS, DESIGNATIONS_SCHEMA, DIFF_MANIFEST as MANIFEST, SOURCES, SOURCES_SCHEMA,
};
use kpdata_testkit::{diff_package as package, Kpdata, Scratch};

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

#[test]
fn working_tree_against_a_branch_exits_0_on_clean_changes() {
    let (_t, s, root) = package("");
    let branch = s.git2().head().unwrap().shorthand().unwrap().to_string();
    s.write(
        "datasets/designations.csv",
        format!("{DESIGNATIONS}des-3,Kim Jong Un,listed,un-2017\n"),
    );
    let (code, out, err) = KPDATA.texts(&root, &["diff", "--base", &branch]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Changes from ") && out.contains(" to working tree"),
        "{out}"
    );
    assert!(out.contains("+ des-3 (row 4): name=`Kim Jong Un`"), "{out}");
    assert!(out.contains("Required version bump: minor"), "{out}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn removed_designation_exits_1_in_every_format() {
    let (_t, s, root) = package("");
    s.write(
        "datasets/designations.csv",
        DESIGNATIONS.replace("des-2,Tanchon Commercial Bank,listed,un-2016\n", ""),
    );
    let head_sha = s.commit("head").unwrap().to_string();
    let base_sha = s.git2().revparse_single("HEAD~1").unwrap().id().to_string();
    for format in ["text", "json", "markdown", "github"] {
        let (code, out, err) = KPDATA.texts(
            &root,
            &[
                "diff", "--base", "HEAD~1", "--head", "HEAD", "--format", format,
            ],
        );
        assert_eq!(code, 1, "{format}: {out}{err}");
        assert!(out.contains("KP501"), "{format}: {out}");
    }
    let shown = |s: String| {
        s.replace(&base_sha[..12], "<base>")
            .replace(&head_sha[..12], "<head>")
    };
    let (_, md, _) = KPDATA.texts(
        &root,
        &[
            "diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "markdown",
        ],
    );
    insta::assert_snapshot!("diff_markdown_removed_designation", shown(md));
    let (_, gh, _) = KPDATA.texts(
        &root,
        &[
            "diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "github",
        ],
    );
    insta::assert_snapshot!("diff_github_removed_designation", shown(gh));
}

#[test]
fn a_base_without_the_package_shows_every_dataset_as_added() {
    let t = tempfile::tempdir().unwrap();
    let s = Scratch::init(t.path()).unwrap();
    s.write("README.md", "before the package\n");
    s.commit("first").unwrap();
    s.write("kpdata.toml", MANIFEST)
        .write("schemas/sources.schema.json", SOURCES_SCHEMA)
        .write("schemas/designations.schema.json", DESIGNATIONS_SCHEMA)
        .write("datasets/sources.csv", SOURCES)
        .write("datasets/designations.csv", DESIGNATIONS);
    let (code, out, err) = KPDATA.texts(t.path(), &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["required_bump"], "minor");
    let statuses: Vec<_> = v["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["added", "added"]);
}

#[test]
fn json_carries_the_diff_the_bump_and_the_findings() {
    let (_t, s, root) = package("");
    s.write(
        "datasets/designations.csv",
        DESIGNATIONS.replace("Tanchon Commercial Bank", "Tanchon Bank"),
    );
    let (code, out, err) = KPDATA.texts(&root, &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["head"], "working tree");
    assert_eq!(v["required_bump"], "patch");
    let des = &v["datasets"][0];
    assert_eq!(des["name"], "designations");
    assert_eq!(des["changed"][0]["key"][0], "des-2");
    assert_eq!(
        des["changed"][0]["changes"][0]["old"],
        "Tanchon Commercial Bank"
    );
    assert_eq!(des["changed"][0]["changes"][0]["new"], "Tanchon Bank");
    assert_eq!(v["findings"][0]["code"], "KP503");
    assert_eq!(v["findings"][0]["severity"], "warning");
    assert_eq!(v["findings"][0]["line"], 3);
}

#[test]
fn unknown_base_is_a_failure_with_a_fetch_hint() {
    let (_t, _s, root) = package("");
    let (code, out, err) = KPDATA.texts(
        &root,
        &["diff", "--base", "0123456789abcdef0123456789abcdef01234567"],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty());
    assert!(
        err.starts_with("error: unknown revision `0123456789abcdef"),
        "{err}"
    );
    assert!(
        err.contains("\nhint: fetch the base commit (fetch-depth: 0)"),
        "{err}"
    );
}

#[test]
fn outside_a_repository_is_a_failure() {
    let t = tempfile::tempdir().unwrap();
    let (code, _, err) = KPDATA.texts(t.path(), &["diff", "--base", "main"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("not inside a git repository") && err.contains("hint:"),
        "{err}"
    );
}

#[test]
fn a_package_in_a_subfolder_is_read_from_the_same_subfolder() {
    let (_t, s, root) = package("data");
    s.write(
        "data/datasets/designations.csv",
        format!("{DESIGNATIONS}des-3,Kim Jong Un,listed,un-2017\n"),
    );
    let (code, out, err) = KPDATA.texts(
        s.dir(),
        &[
            "diff", "--base", "HEAD", "--root", "data", "--format", "json",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["datasets"][0]["summary"]["added"], 1, "{out}");
    assert!(root.join("kpdata.toml").exists());
}

#[test]
fn hostile_cells_never_become_workflow_commands_or_mentions() {
    let (_t, s, root) = package("");
    s.write(
        "datasets/designations.csv",
        format!("{DESIGNATIONS}\"::error::pwned\",\"@octocat <img src=x>\n::warning::y \u{202E}\",listed,un-2017\n"),
    );
    for format in ["text", "markdown", "github"] {
        let (code, out, _) = KPDATA.texts(&root, &["diff", "--base", "HEAD", "--format", format]);
        assert_eq!(code, 0);
        for line in out.lines() {
            let t = line.trim_start();
            let ours = format == "github" && t.starts_with("::") && !t.contains("pwned");
            assert!(!t.starts_with("::") || ours, "{format}: {line}");
        }
        assert!(!out.contains('\u{202E}'), "{format}");
        if format == "markdown" {
            assert!(!out.contains("@octocat") && !out.contains("<img"), "{out}");
        }
    }
}

// ---- The workflows ----------------------------------------------------------------------

fn workflows() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.github/workflows");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// A structural check of the YAML subset workflows use (block mappings and sequences, plain
/// and quoted scalars, `|` and `>` block scalars): no tabs, even indentation, indentation that
/// only deepens after `key:`, no duplicate keys in one mapping, balanced quotes, brackets and
/// `${{ }}`. Not a YAML parser; enough to catch the mistakes a hand edit makes.
fn check_yaml(text: &str) -> Result<(), String> {
    use std::collections::BTreeSet;
    if text.contains('\t') {
        return Err("tab character (YAML indents with spaces)".into());
    }
    // Open mappings: (indent of their keys, keys seen).
    let mut levels: Vec<(usize, BTreeSet<String>)> = vec![(0, BTreeSet::new())];
    let mut opened: Option<usize> = None; // indent of a `key:` that opened a nested block
    let mut block: Option<usize> = None; // indent of the key that opened a block scalar
    for (n, raw) in text.lines().enumerate() {
        let err = |m: &str| Err(format!("line {}: {m}: `{raw}`", n + 1));
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let line = raw.trim();
        if let Some(b) = block {
            if line.is_empty() || indent > b {
                continue;
            }
            block = None;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if indent % 2 != 0 {
            return err("odd indentation");
        }
        // Sequence items: each `- ` starts a fresh mapping two columns deeper.
        let mut ind = indent;
        let mut rest = line;
        let mut is_item = false;
        while let Some(r) = rest
            .strip_prefix("- ")
            .or(if rest == "-" { Some("") } else { None })
        {
            is_item = true;
            ind += 2;
            rest = r.trim_start();
        }
        let base_indent = if is_item { indent } else { ind };
        match opened.take() {
            Some(parent) => {
                if !(base_indent > parent || (is_item && base_indent == parent)) {
                    return err("expected an indented block after `key:`");
                }
            }
            None => {
                if !levels.iter().any(|(i, _)| *i == base_indent) && !is_item {
                    return err("indentation does not match any open block");
                }
            }
        }
        while levels
            .last()
            .is_some_and(|(i, _)| *i > base_indent || (is_item && *i >= ind))
        {
            levels.pop();
        }
        if levels.last().map(|(i, _)| *i) != Some(ind) {
            levels.push((ind, BTreeSet::new()));
        }
        // Split `key: value` (a key is plain, no spaces; `:` must be followed by space or end).
        let (key, value) = match rest.find(": ").map(|i| (&rest[..i], rest[i + 2..].trim())) {
            Some((k, v)) if !k.contains(' ') && !k.starts_with(['"', '\'']) => (Some(k), v),
            _ if rest.ends_with(':') && !rest[..rest.len() - 1].contains(' ') => {
                (Some(&rest[..rest.len() - 1]), "")
            }
            _ => (None, rest),
        };
        if let Some(k) = key {
            if k.is_empty()
                || !k
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                return err("unexpected key");
            }
            let seen = &mut levels.last_mut().unwrap().1;
            if !seen.insert(k.to_string()) {
                return err("duplicate key");
            }
            if value.is_empty() {
                opened = Some(ind);
                continue;
            }
        } else if !is_item {
            return err("neither `key: value` nor `- item`");
        }
        let value = match value.find(" #") {
            Some(i) if !value.starts_with(['"', '\'']) => value[..i].trim_end(),
            _ => value,
        };
        if matches!(value, "|" | "|-" | "|+" | ">" | ">-" | ">+") {
            block = Some(if is_item { ind } else { indent });
            continue;
        }
        for (open, close) in [('"', '"'), ('\'', '\''), ('[', ']')] {
            if value.starts_with(open) && (value.len() < 2 || !value.ends_with(close)) {
                return err("unterminated quote or bracket");
            }
        }
        if value.starts_with('{') && !value.starts_with("${{") && !value.ends_with('}') {
            return err("unterminated flow mapping");
        }
        if value.starts_with(['*', '&', '!', '%', '@', '`']) {
            return err("a plain scalar cannot start with this character; quote it");
        }
        if value.matches("${{").count() != value.matches("}}").count() {
            return err("unbalanced `${{ }}`");
        }
    }
    if opened.is_some() {
        return Err("the file ends after `key:`".into());
    }
    Ok(())
}

#[test]
fn yaml_checker_catches_hand_edit_mistakes() {
    assert!(
        check_yaml("a:\n  b: 1\n  c:\n    - x\n    - y: 1\n      z: 2\nd: |\n  text: [\n").is_ok()
    );
    assert!(check_yaml("a:\n\tb: 1\n").is_err());
    assert!(check_yaml("a:\n   b: 1\n").is_err());
    assert!(check_yaml("a:\n  b: 1\n  b: 2\n").is_err());
    assert!(check_yaml("a: \"x\n").is_err());
    assert!(check_yaml("a:\nb: 1\n").is_err());
    assert!(check_yaml("a: 1\n  b: 2\n").is_err());
    assert!(check_yaml("a: ${{ x }\n").is_err());
    assert!(check_yaml("a:\n  - run: x\n    if: y\n  - run: z\n    if: w\n").is_ok());
    assert!(check_yaml("a:\n  - run: x\n    run: y\n").is_err());
}

/// The shell lines of a workflow: `run: cmd` values and the lines of `run: |` blocks.
fn run_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut block: Option<usize> = None;
    for raw in text.lines() {
        let mut indent = raw.len() - raw.trim_start().len();
        let mut line = raw.trim();
        if block.is_none_or(|b| indent <= b) {
            while let Some(rest) = line.strip_prefix("- ") {
                line = rest.trim_start();
                indent += 2;
            }
        }
        if let Some(b) = block {
            if line.is_empty() || indent > b {
                out.push(line);
                continue;
            }
            block = None;
        }
        if let Some(cmd) = line.strip_prefix("run:") {
            match cmd.trim() {
                "|" | "|-" | ">" | ">-" => block = Some(indent),
                cmd => out.push(cmd),
            }
        }
    }
    out
}

/// Every `kpdata SUBCOMMAND --flag` in the shell lines, as (subcommand, flags).
fn kpdata_calls(text: &str) -> Vec<(String, Vec<String>)> {
    let mut calls = Vec::new();
    for line in run_lines(text) {
        if line.starts_with('#') {
            continue;
        }
        let line = line.split(" #").next().unwrap();
        let mut rest = line;
        while let Some(i) = rest.find("kpdata ") {
            let before = rest[..i].chars().last();
            let after = &rest[i + "kpdata ".len()..];
            rest = after;
            // `./target/release/kpdata diff`, `kpdata diff`; not `"kpdata data $VERSION"`.
            if !matches!(before, None | Some('/' | ' ' | '(')) {
                continue;
            }
            let mut words = after.split_whitespace();
            let Some(cmd) = words.next() else { continue };
            if !cmd.chars().all(|c| c.is_ascii_lowercase()) {
                continue;
            }
            let flags = words
                .take_while(|w| !matches!(*w, ">>" | ">" | "|" | "&&" | "||" | ";"))
                .filter(|w| w.starts_with("--"))
                .map(|w| w.split('=').next().unwrap().to_string())
                .collect();
            calls.push((cmd.to_string(), flags));
        }
    }
    calls
}

#[test]
fn finds_kpdata_calls_in_run_lines_only() {
    let wf = "steps:\n  - name: Build kpdata with care\n    run: ./target/release/kpdata diff --base \"$B\" --format markdown >> \"$S\"\n  - run: |\n      # kpdata ignored in comments\n      kpdata verify dir --strict\n      gh release create --title \"kpdata data 1\"\n    env:\n      X: kpdata nope\n";
    assert_eq!(
        kpdata_calls(wf),
        [
            (
                "diff".to_string(),
                vec!["--base".to_string(), "--format".to_string()]
            ),
            ("verify".to_string(), vec!["--strict".to_string()]),
        ]
    );
}

#[test]
fn workflows_are_well_formed_and_call_real_commands() {
    let files = workflows();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"pr.yml") && names.contains(&"release.yml"),
        "{names:?}"
    );
    let mut called = Vec::new();
    for (name, text) in &files {
        check_yaml(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        for key in ["name:", "on:", "permissions:", "jobs:"] {
            assert!(
                text.lines()
                    .any(|l| l == key || l.starts_with(&format!("{key} "))),
                "{name} has no top-level `{key}`"
            );
        }
        for (cmd, flags) in kpdata_calls(text) {
            let (code, help, err) = KPDATA.texts(Path::new("."), &[&cmd, "--help"]);
            assert_eq!(
                code, 0,
                "{name}: `kpdata {cmd}` is not a kpdata command: {err}"
            );
            // A command still being written has no arguments yet: its flags cannot be checked.
            let stub = help
                .lines()
                .any(|l| l.trim() == format!("Usage: kpdata {cmd}"));
            if stub {
                eprintln!(
                    "{name}: `kpdata {cmd}` takes no arguments yet; flags {flags:?} not checked"
                );
                called.push(cmd);
                continue;
            }
            for f in &flags {
                let known = help
                    .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
                    .any(|w| {
                        w == f || w.starts_with(&format!("{f}=")) || w.starts_with(&format!("{f}<"))
                    });
                assert!(known, "{name}: `kpdata {cmd}` has no flag `{f}`:\n{help}");
            }
            called.push(cmd);
        }
    }
    // The pull-request gate runs kpdata from scripts/pr-gate.sh (`"$bin" validate ...`).
    let gate = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pr-gate.sh"),
    )
    .unwrap();
    let gate_calls = script_calls(&gate);
    assert!(gate_calls.len() >= 5, "{gate_calls:?}");
    for (cmd, flags) in gate_calls {
        let (code, help, err) = KPDATA.texts(Path::new("."), &[&cmd, "--help"]);
        assert_eq!(code, 0, "pr-gate.sh: `kpdata {cmd}`: {err}");
        for f in &flags {
            assert!(
                help.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
                    .any(|w| w == f),
                "pr-gate.sh: `kpdata {cmd}` has no flag `{f}`"
            );
        }
        called.push(cmd);
    }
    called.sort();
    called.dedup();
    assert_eq!(called, ["diff", "release", "site", "validate", "verify"]);
}

/// kpdata calls in the gate script: `"$bin" CMD --flag ...` and `"$base_bin" CMD ...`.
fn script_calls(text: &str) -> Vec<(String, Vec<String>)> {
    let mut calls = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') {
            continue;
        }
        for marker in ["\"$bin\" ", "\"$base_bin\" "] {
            if let Some(rest) = line.strip_prefix(marker) {
                let mut words = rest.split_whitespace();
                let cmd = words.next().unwrap().to_string();
                let flags = words
                    .take_while(|w| !w.starts_with('>') && !w.starts_with('2') && *w != "|")
                    .filter(|w| w.starts_with("--"))
                    .map(String::from)
                    .collect();
                calls.push((cmd, flags));
            }
        }
    }
    calls
}

/// Where PyYAML is installed, a real YAML parse as well (CI images may lack it: then skipped).
#[test]
fn workflows_parse_with_pyyaml_when_available() {
    const SCRIPT: &str = r#"
import sys
try:
    import yaml
except ImportError:
    sys.exit(3)
for path in sys.argv[1:]:
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    assert isinstance(doc, dict), path
    on = doc.get("on", doc.get(True))
    assert on, path + ": no `on`"
    jobs = doc["jobs"]
    assert isinstance(jobs, dict) and jobs, path + ": no jobs"
    for name, job in jobs.items():
        assert isinstance(job.get("steps"), list), path + ": job " + name + " has no steps"
        for step in job["steps"]:
            assert ("run" in step) != ("uses" in step), path + ": a step needs run or uses"
"#;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.github/workflows");
    let files: Vec<PathBuf> = workflows().iter().map(|(n, _)| dir.join(n)).collect();
    let out = match Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .args(&files)
        .output()
    {
        Ok(o) => o,
        Err(_) => return eprintln!("python3 not found: PyYAML check skipped"),
    };
    if out.status.code() == Some(3) {
        return eprintln!("PyYAML not installed: check skipped");
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn pull_request_workflow_is_read_only_and_judges_with_the_base_validator() {
    let files = workflows();
    let pr = &files.iter().find(|(n, _)| n == "pr.yml").unwrap().1;
    assert!(pr.contains("\n  pull_request:\n"));
    assert!(
        !pr.contains("pull_request_target"),
        "pull_request_target runs fork code with secrets"
    );
    // No permission at the top; each job reads only.
    assert!(pr.contains("\npermissions: {}\n"));
    assert_eq!(
        pr.matches("    permissions:\n      contents: read\n")
            .count(),
        2
    );
    assert!(!pr.contains(": write"));
    assert!(!pr.contains("secrets."));
    // No cache: one written by pull-request code could feed the base build.
    assert!(!pr.contains("actions/cache"));
    assert!(pr.contains("fetch-depth: 0"));
    // The data verdict runs the base commit's gate script on the base side; the code verdict
    // runs the head side.
    assert!(pr.contains("git show \"$base:scripts/pr-gate.sh\""));
    assert!(pr.contains("--side base \"$base\" \"$head\""));
    assert!(pr.contains("--side head \"$base\" \"$head\""));
    // No expression is spliced into a shell line.
    for line in run_lines(pr) {
        assert!(!line.contains("${{"), "{line}");
    }
    let gate = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pr-gate.sh"),
    )
    .unwrap();
    assert!(gate.contains("--no-default-features"));
    assert!(gate.contains("GITHUB_STEP_SUMMARY"));

    let release = &files.iter().find(|(n, _)| n == "release.yml").unwrap().1;
    assert!(release.contains("tags:\n      - \"v*\""));
    assert!(release.contains("\npermissions: {}\n"));
    // Only the publishing job, which runs no build, may write.
    assert_eq!(release.matches("contents: write").count(), 1);
    let publish = release.split("\n  publish:\n").nth(1).unwrap();
    assert!(publish.contains("contents: write") && !publish.contains("cargo"));
    assert!(!release.contains("actions/cache"), "no cache on a tag push");
    assert!(release.contains("gh release create"));
    assert!(release.contains("--require-signature"));
}

#[test]
fn every_action_is_pinned_by_commit_id_with_its_version() {
    for (name, text) in workflows() {
        for line in text.lines().filter(|l| {
            l.trim_start().starts_with("uses:") || l.trim_start().starts_with("- uses:")
        }) {
            let spec = line.split("uses:").nth(1).unwrap().trim();
            let (action, rest) = spec
                .split_once('@')
                .unwrap_or_else(|| panic!("{name}: {line}"));
            let (sha, comment) = rest.split_once(' ').unwrap_or((rest, ""));
            assert!(
                sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
                "{name}: {action} is not pinned by a full commit id: {line}"
            );
            assert!(
                comment.trim_start().starts_with("# v"),
                "{name}: {action}@{sha} has no version comment"
            );
        }
    }
}
