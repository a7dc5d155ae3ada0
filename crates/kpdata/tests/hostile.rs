//! The hostile corpus in `tests/hostile/`: each case runs through the real binary and must give
//! exactly the findings in its `expected.txt` (see tests/hostile/README.md), and never crash.

use std::path::Path;

use kpdata_testkit::Kpdata;

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

#[test]
fn hostile_corpus_gives_exactly_the_expected_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/hostile");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(expected) = std::fs::read_to_string(case.join("expected.txt")) else {
            failures.push(format!("{name}: no expected.txt"));
            continue;
        };
        let input = if case.join("input.json").exists() {
            "input.json"
        } else {
            "input.csv"
        };
        let out = KPDATA.run(
            &case,
            &[
                "validate",
                "--schema",
                "schema.json",
                input,
                "--format",
                "json",
            ],
        );
        let code = out.status.code();
        let report: serde_json::Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "{name}: exit {code:?}, no JSON report ({e}): {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
                continue;
            }
        };
        let show = |v: &serde_json::Value| v.as_u64().map_or("-".to_string(), |n| n.to_string());
        let mut got: Vec<String> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} row={} line={}",
                    d["name"].as_str().unwrap(),
                    show(&d["row"]),
                    show(&d["line"])
                )
            })
            .collect();
        let mut want: Vec<String> = expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        got.sort();
        want.sort();
        let want_code = if want.is_empty() { 0 } else { 1 };
        if got != want || code != Some(want_code) {
            failures.push(format!(
                "{name}: exit {code:?} (want {want_code})\n  got:  {got:?}\n  want: {want:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
