//! Issue 20 item 6: findings beyond the per-rule cap are counted, not stored, so memory stays
//! bounded whatever the input. The peak resident set (Linux `/proc/self/status`) is measured
//! while a CSV of blank lines (one finding per line) is validated, in `--schema` mode and in a
//! package.
#![cfg(target_os = "linux")]

use std::sync::Mutex;

use kpdata_check::files::{validate_files, Input};
use kpdata_check::package::{validate_package, Options};
use kpdata_package::{Limits, Package, RecordSchema};

/// The two tests measure one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// A field of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> usize {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// 400k blank lines: ~320 MB of findings if each were kept (about 800 bytes each).
const BLANK_LINES: usize = 400_000;
const BOUND: usize = 96 << 20;

fn blank_csv() -> Vec<u8> {
    let mut v = b"a\nx\n".to_vec();
    v.resize(v.len() + BLANK_LINES, b'\n');
    v
}

/// Runs `f` and returns how far the peak resident set rose above the resident set before it
/// (bytes). The peak is reset first (`clear_refs`), so each measure stands alone.
fn measure<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_kib("VmRSS:");
    let out = f();
    let peak = status_kib("VmHWM:");
    (out, peak.saturating_sub(before) << 10)
}

const SCHEMA: &str = r#"{"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}, "sensitivity": {"enum": ["public"]}}}"#;

#[test]
fn schema_mode_counts_findings_beyond_the_cap() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let schema = RecordSchema::from_bytes("s.schema.json", SCHEMA.as_bytes()).unwrap();
    let data = blank_csv();
    let (report, peak) = measure(|| {
        let input = Input {
            display: "blank.csv".into(),
            reader: Box::new(std::io::Cursor::new(data)),
            json: false,
        };
        validate_files(&schema, vec![input], &Limits::default(), 2, 50, None).unwrap()
    });
    let (d, s, sum) = report.finish();
    assert_eq!(d.len(), 50);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].count, BLANK_LINES as u64 - 50);
    assert_eq!(sum.errors, BLANK_LINES as u64);
    assert_eq!(sum.records, 1);
    assert!(peak < BOUND, "peak resident set rose by {peak} bytes");
}

#[test]
fn package_mode_counts_findings_beyond_the_cap() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, bytes: &[u8]| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    write(
        "kpdata.toml",
        br#"[package]
name = "t"
title = "t"

[[dataset]]
name = "notes"
path = "datasets/notes.csv"
schema = "schemas/notes.schema.json"
cite = "optional"
primary_key = ["a"]
"#,
    );
    write("schemas/notes.schema.json", SCHEMA.as_bytes());
    write("datasets/notes.csv", &blank_csv());
    let pkg = Package::load(dir.path()).unwrap();
    let (report, peak) = measure(|| {
        validate_package(
            &pkg,
            &Options {
                reference: None,
                jobs: 2,
                max_per_rule: None,
                ..Options::default()
            },
        )
    });
    let (d, s, _) = report.finish();
    let blank: Vec<_> = d.iter().filter(|d| d.name == "blank-row").collect();
    assert_eq!(blank.len(), 50);
    let counted = s.iter().find(|s| s.name == "blank-row").unwrap();
    assert_eq!(counted.count, BLANK_LINES as u64 - 50);
    assert!(peak < BOUND, "peak resident set rose by {peak} bytes");
}

/// The JSON reader keeps `cap` findings per rule and counts the rest: one object with 400k
/// duplicate keys (a finding each).
#[test]
fn json_reader_counts_findings_beyond_the_cap() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let schema = RecordSchema::from_bytes("s.schema.json", SCHEMA.as_bytes()).unwrap();
    let mut data = b"[{\"a\":\"x\"".to_vec();
    for _ in 0..BLANK_LINES {
        data.extend_from_slice(b",\"a\":1");
    }
    data.extend_from_slice(b"}]\n");
    let (report, peak) = measure(|| {
        let input = Input {
            display: "dup.json".into(),
            reader: Box::new(std::io::Cursor::new(data)),
            json: true,
        };
        validate_files(&schema, vec![input], &Limits::default(), 2, 50, None).unwrap()
    });
    let (d, s, sum) = report.finish();
    let dup: Vec<_> = d
        .iter()
        .filter(|d| d.name == "json-duplicate-key")
        .collect();
    assert_eq!(dup.len(), 50);
    let counted = s.iter().find(|s| s.name == "json-duplicate-key").unwrap();
    assert_eq!(counted.count, BLANK_LINES as u64 - 50);
    assert!(sum.errors >= BLANK_LINES as u64);
    assert!(peak < BOUND, "peak resident set rose by {peak} bytes");
}
