//! `kpdata validate`, `kpdata rules` and `kpdata rule` as a user runs them: exit codes,
//! the three output formats (snapshots), and the generated rule pages.

use std::path::{Path, PathBuf};
use std::process::Output;

use kpdata_testkit::Kpdata;

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const BAD: &[&str] = &[
    "validate",
    "--schema",
    "designation.schema.json",
    "bad.csv",
    "bad.json",
    "cr.csv",
];

#[test]
fn text_report_snapshot() {
    let o = KPDATA.run(&fixtures(), BAD);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("validate_text", stdout(&o));
}

#[test]
fn json_report_snapshot() {
    let mut args = BAD.to_vec();
    args.extend(["--format", "json"]);
    let o = KPDATA.run(&fixtures(), &args);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["valid"], false);
    for d in v["diagnostics"].as_array().unwrap() {
        for key in [
            "code", "name", "severity", "path", "row", "line", "column", "offset", "field",
            "pointer", "message", "hint",
        ] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
        // Reader findings carry the byte offset of their cell, record or problem in the file.
        let reader = ["KP106", "KP107", "KP108", "KP109", "KP114", "KP115"];
        if reader.contains(&d["code"].as_str().unwrap()) {
            let file = std::fs::read(fixtures().join(d["path"].as_str().unwrap())).unwrap();
            assert!(
                d["offset"]
                    .as_u64()
                    .is_some_and(|o| o as usize <= file.len()),
                "{d}"
            );
        }
        // Schema findings about one CSV record carry the offset of its first byte: the start
        // of its physical line.
        let code = d["code"].as_str().unwrap();
        let path = d["path"].as_str().unwrap_or("");
        if code.starts_with("KP2") && path.ends_with(".csv") {
            let file = std::fs::read(fixtures().join(path)).unwrap();
            let at = d["offset"]
                .as_u64()
                .expect("a record finding has an offset") as usize;
            let before = &file[..at];
            assert!(at == 0 || matches!(before[at - 1], b'\n' | b'\r'), "{d}");
            // CR, LF and CRLF each end one line.
            let ends = before
                .iter()
                .enumerate()
                .filter(|(i, b)| {
                    **b == b'\n' || (**b == b'\r' && before.get(i + 1) != Some(&b'\n'))
                })
                .count();
            let lines = ends as u64 + 1;
            assert_eq!(Some(lines), d["line"].as_u64(), "{d}");
        }
    }
    insta::assert_snapshot!("validate_json", stdout(&o));
}

#[test]
fn github_report_snapshot() {
    let mut args = BAD.to_vec();
    args.extend(["--format", "github"]);
    let o = KPDATA.run(&fixtures(), &args);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    for line in out.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice ")
                || line.starts_with("kpdata: "),
            "{line}"
        );
    }
    insta::assert_snapshot!("validate_github", out);
}

#[test]
fn physical_lines_for_cr_only_and_blank_lines() {
    let o = KPDATA.run(
        &fixtures(),
        &[
            "validate",
            "--schema",
            "designation.schema.json",
            "cr.csv",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let got: Vec<(String, u64, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["row"].as_u64().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("pattern-mismatch".into(), 2, 2),
            ("blank-row".into(), 3, 3),
            ("pattern-mismatch".into(), 4, 4)
        ]
    );
}

#[test]
fn clean_files_exit_zero() {
    let o = KPDATA.run(
        &fixtures(),
        &[
            "validate",
            "--schema",
            "designation.schema.json",
            "good.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).starts_with("ok: checked 1 file, 2 records: 0 errors, 0 warnings"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn explain_speed_names_what_leaves_the_fast_path() {
    let dir = fixtures();
    let o = KPDATA.run(
        &dir,
        &[
            "validate",
            "--schema",
            "designation.schema.json",
            "good.csv",
            "--explain-speed",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        "speed: designation.schema.json: the fast path covers the whole schema\n"
    );
    let o = KPDATA.run(
        &dir,
        &[
            "validate",
            "--schema",
            "slow.schema.json",
            "good.csv",
            "--explain-speed",
        ],
    );
    assert_eq!(
        stderr(&o),
        "speed: slow.schema.json: the fast path covers the schema, except:\n\
         speed:   `/properties/note/contentEncoding`: `contentEncoding` is not compiled; \
         the subschema at `/properties/note` is validated by jsonschema, one cell at a time\n"
    );
    // Without the flag, nothing is said.
    let o = KPDATA.run(
        &dir,
        &["validate", "--schema", "slow.schema.json", "good.csv"],
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn tool_failures_exit_two_with_error_and_hint() {
    let dir = fixtures();
    for args in [
        vec![
            "validate",
            "--schema",
            "designation.schema.json",
            "missing.csv",
        ],
        vec!["validate", "--schema", "no-such-schema.json", "good.csv"],
        vec!["validate", "--no-such-flag"],
        vec!["validate", "--root", "."],
        vec!["validate", "--reference-date", "2015-02-30"],
        vec!["rule", "no-such-rule"],
    ] {
        let o = KPDATA.run(&dir, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("error"), "{args:?}: {}", stderr(&o));
    }
    let o = KPDATA.run(&dir, &["validate", "--root", "."]);
    assert!(stderr(&o).contains("hint:"), "{}", stderr(&o));
}

#[test]
fn a_directory_or_fifo_is_not_read() {
    let o = KPDATA.run(
        &fixtures(),
        &["validate", "--schema", "designation.schema.json", "."],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a regular file"));
}

#[test]
fn help_shows_an_example_of_each_form() {
    let o = KPDATA.run(&fixtures(), &["validate", "--help"]);
    let h = stdout(&o);
    assert!(h.contains("kpdata validate  "));
    assert!(h.contains("--schema record.schema.json a.csv"));
    assert!(h.contains("--format github"));
}

#[test]
fn rules_and_rule_pages() {
    let o = KPDATA.run(&fixtures(), &["rules"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("KP106  blank-row"));
    let by_code = KPDATA.run(&fixtures(), &["rule", "KP106"]);
    let by_name = KPDATA.run(&fixtures(), &["rule", "blank-row"]);
    assert_eq!(stdout(&by_code), stdout(&by_name));
    assert!(stdout(&by_code).contains("## Why it matters"));
}

/// docs/rules/ is generated from the catalog; regenerate with `KPDATA_BLESS=1 cargo test`.
#[test]
fn rule_docs_do_not_drift() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let mut expected = vec![("README.md".to_string(), kpdata_diagnostics::index_page())];
    for r in kpdata_diagnostics::catalog() {
        expected.push((r.page_file(), r.page()));
    }
    if std::env::var_os("KPDATA_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (f, text) in &expected {
            std::fs::write(dir.join(f), text).unwrap();
        }
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("docs/rules exists (run with KPDATA_BLESS=1)")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut names: Vec<String> = expected.iter().map(|(f, _)| f.clone()).collect();
    names.sort();
    assert_eq!(
        on_disk, names,
        "docs/rules is out of date: run KPDATA_BLESS=1 cargo test -p kpdata --test validate_cli"
    );
    for (f, text) in expected {
        let disk = std::fs::read_to_string(dir.join(&f)).unwrap();
        assert_eq!(disk, text, "docs/rules/{f} is out of date: run KPDATA_BLESS=1 cargo test -p kpdata --test validate_cli");
    }
}

#[test]
fn schema_mode_judges_dates_against_a_given_reference_date() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.csv"),
        "id,d\na,2030-01-01\nb,2020-01-01\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("s.json"),
        r#"{"type":"object","properties":{"id":{"type":"string"},"d":{"type":"string","format":"date"}}}"#,
    )
    .unwrap();
    let with = KPDATA.run(
        dir.path(),
        &[
            "validate",
            "--schema",
            "s.json",
            "x.csv",
            "--reference-date",
            "2026-12-01",
        ],
    );
    assert_eq!(with.status.code(), Some(1));
    let out = stdout(&with);
    assert!(out.contains("KP410"), "{out}");
    assert!(out.contains("x.csv:2:2"), "{out}");
    assert_eq!(out.matches("KP410").count(), 1, "{out}");
    // Without a reference date nothing is judged "in the future".
    let without = KPDATA.run(dir.path(), &["validate", "--schema", "s.json", "x.csv"]);
    assert_eq!(without.status.code(), Some(0), "{}", stdout(&without));
    let bad = KPDATA.run(
        dir.path(),
        &[
            "validate",
            "--schema",
            "s.json",
            "x.csv",
            "--reference-date",
            "2026-13-01",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
}
