//! One fixture per rule code: `tests/rules/<CODE>-<name>/` holds the smallest input that makes
//! that rule fire, the command line that runs it and the command's output as a snapshot. This
//! test runs every fixture through the built binary and proves that every code in the rule
//! catalog (`kpdata_diagnostics::rules::catalog()`) has a fixture whose output names it.
//!
//! A fixture folder holds:
//!
//! - `args`: the kpdata command line, one argument per line (`#` lines and blank lines are
//!   skipped), run in a scratch copy of the folder: a git repository in a temporary directory
//!   with one commit of the input (as kpdata runs in a checkout; a file the fixture's own
//!   `.gitignore` ignores is copied but left untracked);
//! - the input: a tiny package (`kpdata.toml`, `schemas/`, `datasets/`), or a schema and a file
//!   for `validate --schema`, or a release folder for `verify`; for history rules, `base/` and
//!   `head/` instead: the scratch repository's first commit (tagged `base`) holds `base/` and
//!   its second, HEAD, holds `head/`;
//! - `expected.txt`: the snapshot, `exit: N` then the standard output and standard error
//!   (see `kpdata_testkit::transcript`);
//! - `tags` (optional): tag names put on the scratch repository's HEAD, one a line;
//! - `also` (optional): other codes the output names, one a line with `# why`. The fixture's
//!   own code must appear as a finding; any other code not listed here fails the test, and so
//!   does a listed code that does not appear, so each fixture fires its rule alone unless it
//!   says why not.
//!
//! After a deliberate change of output, rewrite the snapshots and read the diff:
//! `KPDATA_BLESS=1 cargo test -p kpdata --no-default-features --test rule_fixtures`.
//! Blessing never adds a missing fixture for a catalog code: that test still fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use kpdata_diagnostics::rules::{catalog, Rule};
use kpdata_testkit::{check_snapshot, committed, history, transcript, Kpdata};

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

/// Files of a fixture folder that are not input.
const NOT_INPUT: &[&str] = &["args", "expected.txt", "also", "tags"];

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/rules")
}

/// Every `KPnnn` code in `text` (a whole word).
fn codes_in(text: &str) -> BTreeSet<String> {
    let b = text.as_bytes();
    let mut out = BTreeSet::new();
    for i in 0..b.len().saturating_sub(4) {
        let word_start = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let end = i + 5;
        let word_end = end == b.len() || !b[end].is_ascii_alphanumeric();
        if word_start
            && word_end
            && &b[i..i + 2] == b"KP"
            && b[i + 2..end].iter().all(u8::is_ascii_digit)
        {
            out.insert(text[i..end].to_string());
        }
    }
    out
}

/// The non-comment, non-blank lines of a file (for `args` and `also`; for `also`, the code
/// before any `#`).
fn lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The catalog rule a fixture folder is named after: `<CODE>-<name>` exactly, or
/// `<CODE>-<name>.<variant>` for a second fixture of the same rule.
fn rule_of(folder: &str, rules: &[&'static Rule]) -> Option<&'static Rule> {
    let stem = folder.split('.').next().unwrap_or(folder);
    rules
        .iter()
        .copied()
        .find(|r| stem == format!("{}-{}", r.code, r.name))
}

/// Runs one fixture; returns the codes its output names, or what went wrong.
fn run_fixture(dir: &Path, rule: &Rule) -> Result<BTreeSet<String>, String> {
    let args = lines(&dir.join("args"));
    if args.is_empty() {
        return Err("no `args` file (the command line, one argument per line)".into());
    }
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let work = tmp.path().join("work");
    let (base, head) = (dir.join("base"), dir.join("head"));
    let repo = if base.is_dir() || head.is_dir() {
        history(&base, &head, &work)?
    } else {
        committed(dir, &work, NOT_INPUT)?
    };
    for tag in lines(&dir.join("tags")) {
        repo.tag_lightweight(tag.trim())
            .map_err(|e| format!("tag {tag}: {e}"))?;
    }
    let out = KPDATA.run(&work, &args);
    let text = transcript(&out, Some(&work));
    check_snapshot(&dir.join("expected.txt"), &text)?;

    // A finding of the rule, not a mention: text findings start `error[KP206 ...` (validate,
    // verify) or `error[KP501] ...` (diff), GitHub annotations carry `title=KP509 ...`, JSON
    // findings `"code": "KP206"`.
    let c = rule.code;
    let markers = [
        format!("[{c}"),
        format!("title={c} "),
        format!("\"code\": \"{c}\""),
    ];
    if !markers.iter().any(|m| text.contains(m.as_str())) {
        return Err(format!(
            "the output has no `{}` finding:\n{text}",
            rule.code
        ));
    }
    let found = codes_in(&text);
    let also: BTreeSet<String> = lines(&dir.join("also"))
        .iter()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .collect();
    let stray: Vec<&String> = found
        .iter()
        .filter(|c| c.as_str() != rule.code && !also.contains(*c))
        .collect();
    if !stray.is_empty() {
        return Err(format!(
            "the output also names {stray:?}: make the input smaller, or list them in `also` with the reason:\n{text}"
        ));
    }
    let stale: Vec<&String> = also.iter().filter(|c| !found.contains(*c)).collect();
    if !stale.is_empty() {
        return Err(format!(
            "`also` lists {stale:?}, which the output does not name: remove them:\n{text}"
        ));
    }
    Ok(found)
}

#[test]
fn every_rule_fixture_gives_its_snapshot_and_fires_its_rule() {
    let rules = catalog();
    let root = fixtures_root();
    let mut folders: Vec<PathBuf> = fs::read_dir(&root)
        .expect("tests/rules exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();

    let mut failures = Vec::new();
    // code -> the fixtures that fired it
    let mut fired: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for dir in &folders {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let Some(rule) = rule_of(&name, &rules) else {
            failures.push(format!(
                "tests/rules/{name}: not named `<CODE>-<name>` after a rule of the catalog"
            ));
            continue;
        };
        match run_fixture(dir, rule) {
            Ok(_) => fired.entry(rule.code).or_default().push(name),
            Err(e) => failures.push(format!("tests/rules/{name}: {e}")),
        }
    }
    for r in &rules {
        if !fired.contains_key(r.code) {
            failures.push(format!(
                "{} {}: no fixture fires it (add tests/rules/{}-{}/ with args and input, then bless expected.txt)",
                r.code, r.name, r.code, r.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures or codes failed:\n\n{}",
        failures.len(),
        folders.len(),
        failures.join("\n\n")
    );
}

#[test]
fn codes_are_found_as_whole_words() {
    let found = codes_in("error[KP206 length-error]: x KP2061 AKP101 KP10 (KP303)\nKP999");
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["KP206", "KP303", "KP999"]
    );
}

#[test]
fn fixture_folders_are_matched_to_catalog_rules_by_code_and_name() {
    let rules = catalog();
    assert_eq!(rule_of("KP206-length-error", &rules).unwrap().code, "KP206");
    assert_eq!(
        rule_of("KP206-length-error.array", &rules).unwrap().code,
        "KP206"
    );
    assert!(rule_of("KP206-range-error", &rules).is_none());
    assert!(rule_of("KP206", &rules).is_none());
}
