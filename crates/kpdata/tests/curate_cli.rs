//! The curator's walk-through (README, "Adding a record") run with the commands alone on a copy
//! of the repository's package, and the refusals that must change nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use kpdata_testkit::{copy_package as package, Kpdata};

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

const TEXT: &str = "Test fixture (not a real document), 2 January 2015.\n\nThe committee said that it \u{201C}will publish its report in March\u{201D} and take questions.\n";
const QUOTE: &str = "it \"will publish its report in March\" and take questions";

fn add_args(file: &str) -> Vec<&str> {
    vec![
        "source",
        "add",
        file,
        "--type",
        "press_release",
        "--title",
        "A test statement",
        "--publisher",
        "A test committee",
        "--url",
        "https://example.org/statement",
        "--issued",
        "2015-01-02",
        "--accessed",
        "2026-12-06",
        "--obtained-from",
        "https://example.org/statement",
        "--set",
        "custody=exact_copy",
    ]
}

fn validate(dir: &Path) -> Output {
    KPDATA.run(dir, &["validate", "--reference-date", "2026-12-06"])
}

#[test]
fn a_source_and_a_statement_citing_it_with_the_commands_alone() {
    let pkg = package();
    let dir = pkg.path();
    fs::write(dir.join("statement.txt"), TEXT).unwrap();

    let out = KPDATA.run(dir, &add_args("statement.txt"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(id, "src-statement");
    let archived = dir.join("datasets/archive/press-release/statement.txt");
    assert_eq!(fs::read_to_string(&archived).unwrap(), TEXT);

    let q = KPDATA.run(dir, &["quote", "--source", &id, QUOTE]);
    assert_eq!(
        q.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&q.stdout)
    );
    assert!(String::from_utf8_lossy(&q.stdout).contains("[[it \"will publish"));
    let miss = KPDATA.run(
        dir,
        &[
            "quote",
            "--source",
            &id,
            "it will publish its report in May",
        ],
    );
    assert_eq!(miss.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&miss.stdout).contains("closest passage"));

    let mut statements = fs::read_to_string(dir.join("datasets/statements.csv")).unwrap();
    statements.push_str(&format!(
        "stm-test-committee,A test committee,us_state,spokesperson_statement,2015-01-02,reported,true,\"{}\",A test.,{id},,public\n",
        QUOTE.replace('"', "\"\"")
    ));
    fs::write(dir.join("datasets/statements.csv"), statements).unwrap();
    let v = validate(dir);
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
    // Validating only the changed dataset gives the same verdict, faster.
    let v = KPDATA.run(
        dir,
        &[
            "validate",
            "--reference-date",
            "2026-12-06",
            "datasets/statements.csv",
        ],
    );
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let pkg = package();
    let dir = pkg.path();
    fs::write(dir.join("statement.txt"), TEXT).unwrap();
    let registry = dir.join("datasets/sources.csv");
    let before = fs::read(&registry).unwrap();
    let archive_files = || walk(&dir.join("datasets/archive"));
    let files_before = archive_files();

    let mut missing = add_args("nope.txt");
    missing[2] = "nope.txt";
    let bad_url: Vec<&str> = add_args("statement.txt")
        .into_iter()
        .map(|a| {
            if a.starts_with("https://") {
                "javascript:alert(1)"
            } else {
                a
            }
        })
        .collect();
    let bad_date: Vec<&str> = add_args("statement.txt")
        .into_iter()
        .map(|a| if a == "2015-01-02" { "2015-02-30" } else { a })
        .collect();
    // An archived file already registered (the VOA article) is named, not archived twice.
    let dup_path = dir.join("voa.txt");
    fs::copy(
        dir.join("datasets/archive/news/voa-us-reviewing-options-dprk-human-rights.txt"),
        &dup_path,
    )
    .unwrap();
    let dup = add_args("voa.txt");
    for (args, expect) in [
        (missing, "cannot read"),
        (bad_url, "--url"),
        (bad_date, "not a partial date"),
        (dup, "src-voa-2015-us-reviewing-options"),
    ] {
        let out = KPDATA.run(dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{args:?}: {err}");
        assert_eq!(
            fs::read(&registry).unwrap(),
            before,
            "{args:?} changed the registry"
        );
        assert_eq!(
            archive_files(),
            files_before,
            "{args:?} changed the archive"
        );
    }
    // A read-only registry: refused before the archive is touched.
    let mut perms = fs::metadata(&registry).unwrap().permissions();
    perms.set_readonly(true);
    fs::set_permissions(&registry, perms).unwrap();
    let out = KPDATA.run(dir, &add_args("statement.txt"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    assert_eq!(archive_files(), files_before);
}

fn walk(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            let bytes = fs::read(&p).unwrap();
            out.push((p, bytes));
        }
    }
    out.sort();
    out
}

#[test]
fn fix_repairs_only_the_broken_cells() {
    let pkg = package();
    let dir = pkg.path();
    let path = dir.join("datasets/statements.csv");
    let clean = fs::read(&path).unwrap();
    // Break two cells: a summary in NFD with a space around it, a note with a leading space.
    let text = String::from_utf8(clean.clone()).unwrap();
    let broken = text
        .replacen(
            ",The United States is reviewing options",
            ",\" The United States is reviewing options",
            1,
        )
        .replacen(
            "crimes against humanity.,src-voa",
            "crimes against humanity. Caf\u{0065}\u{0301}\",src-voa",
            1,
        );
    assert_ne!(broken, text);
    fs::write(&path, &broken).unwrap();

    let d = KPDATA.run(dir, &["fix", "--diff"]);
    assert_eq!(d.status.code(), Some(0));
    let shown = String::from_utf8_lossy(&d.stdout);
    assert!(shown.contains("normalised to Unicode NFC"), "{shown}");
    assert!(
        shown.contains("whitespace around the value removed"),
        "{shown}"
    );
    assert!(shown.contains("nothing written"), "{shown}");
    assert_eq!(fs::read_to_string(&path).unwrap(), broken, "--diff wrote");

    let f = KPDATA.run(dir, &["fix"]);
    assert_eq!(
        f.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&f.stderr)
    );
    let expected = text
        .replacen(
            "crimes against humanity.,src-voa",
            "crimes against humanity. Caf\u{00E9}\",src-voa",
            1,
        )
        .replacen(
            ",The United States is reviewing options",
            ",\"The United States is reviewing options",
            1,
        );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        expected,
        "bytes outside the repaired cell changed"
    );
    let again = KPDATA.run(dir, &["fix", "--diff"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 repairs needed"));
}

#[test]
fn rehash_updates_one_registry_hash_only_when_asked() {
    let pkg = package();
    let dir = pkg.path();
    let archived = dir.join("datasets/archive/news/voa-us-reviewing-options-dprk-human-rights.txt");
    let mut bytes = fs::read(&archived).unwrap();
    bytes.extend_from_slice(b"\n");
    fs::write(&archived, bytes).unwrap();
    assert_eq!(validate(dir).status.code(), Some(1));
    // Without --rehash nothing touches the hash.
    let plain = KPDATA.run(dir, &["fix", "--diff"]);
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("sha256 set"));
    let unknown = KPDATA.run(dir, &["fix", "--rehash", "src-nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    let f = KPDATA.run(
        dir,
        &["fix", "--rehash", "src-voa-2015-us-reviewing-options"],
    );
    assert_eq!(
        f.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&f.stderr)
    );
    assert!(String::from_utf8_lossy(&f.stdout).contains("sha256 set"));
    let v = validate(dir);
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
}

/// Declares the dataset `name` of the package at `dir` `sorted = true`.
fn declare_sorted(dir: &Path, name: &str) {
    let manifest = dir.join("kpdata.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    let at = format!("name = \"{name}\"\n");
    assert!(text.contains(&at));
    fs::write(
        &manifest,
        text.replacen(&at, &format!("{at}sorted = true\n"), 1),
    )
    .unwrap();
}

#[test]
fn fix_sorts_a_sorted_dataset_moving_whole_records_only() {
    let pkg = package();
    let dir = pkg.path();
    declare_sorted(dir, "un_roll_calls");
    let path = dir.join("datasets/un_roll_calls.csv");
    let clean = fs::read_to_string(&path).unwrap();
    assert_eq!(validate(dir).status.code(), Some(0), "the file is in order");
    // Move the last record to the top.
    let mut lines: Vec<&str> = clean.split_inclusive('\n').collect();
    let last = lines.pop().unwrap();
    lines.insert(1, last);
    let shuffled = lines.concat();
    fs::write(&path, &shuffled).unwrap();
    let v = validate(dir);
    assert_eq!(v.status.code(), Some(1));
    let found = String::from_utf8_lossy(&v.stdout);
    assert!(found.contains("KP304"), "{found}");
    assert!(found.contains("un_roll_calls.csv:3"), "{found}");

    let d = KPDATA.run(dir, &["fix", "--diff"]);
    assert_eq!(d.status.code(), Some(0));
    let shown = String::from_utf8_lossy(&d.stdout);
    assert!(
        shown.contains("records re-sorted by primary key (roll_call_id): 9 of 9 move"),
        "{shown}"
    );
    assert!(shown.contains("line 2 -> line 10"), "{shown}");
    assert_eq!(fs::read_to_string(&path).unwrap(), shuffled, "--diff wrote");

    let f = KPDATA.run(dir, &["fix"]);
    assert_eq!(f.status.code(), Some(0));
    assert_eq!(fs::read_to_string(&path).unwrap(), clean);
    assert_eq!(validate(dir).status.code(), Some(0));
    let again = KPDATA.run(dir, &["fix", "--diff"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 repairs needed"));
}

#[test]
fn fix_sorting_keeps_every_record_byte_for_byte() {
    // statements.csv has quoted cells with commas and quotes, in curation order.
    let pkg = package();
    let dir = pkg.path();
    declare_sorted(dir, "statements");
    let path = dir.join("datasets/statements.csv");
    let before = fs::read(&path).unwrap();
    let f = KPDATA.run(dir, &["fix"]);
    assert_eq!(f.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&f.stdout).contains("records re-sorted"));
    let after = fs::read(&path).unwrap();
    assert_ne!(after, before);
    // The same records, each record's raw bytes unchanged, now in statement_id order.
    let raw = |b: &[u8]| -> Vec<(String, Vec<u8>)> {
        kpdata_curate::spans::records(b)
            .iter()
            .skip(1)
            .map(|rec| {
                let id = String::from_utf8(rec[0].value.clone()).unwrap();
                (id, b[rec[0].start..rec.last().unwrap().end].to_vec())
            })
            .collect()
    };
    let mut was = raw(&before);
    let now = raw(&after);
    assert!(now.windows(2).all(|w| w[0].0 <= w[1].0), "not in key order");
    was.sort();
    assert_eq!(was, now);
    let (mut x, mut y) = (before.clone(), after.clone());
    x.sort_unstable();
    y.sort_unstable();
    assert_eq!(x, y, "sorting added or removed bytes");
    assert_eq!(validate(dir).status.code(), Some(0));
}

#[test]
fn fix_sorts_a_dataset_larger_than_a_manifest_sized_file() {
    // Data files are read up to `limits.file_size`, not the 16 MiB of manifests and schemas:
    // a large sorted dataset was skipped silently.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("datasets")).unwrap();
    fs::create_dir_all(d.join("schemas")).unwrap();
    fs::write(
        d.join("kpdata.toml"),
        "[package]\nname = \"big\"\ntitle = \"Big\"\n\n[[dataset]]\nname = \"records\"\npath = \"datasets/records.csv\"\nschema = \"schemas/records.schema.json\"\nprimary_key = [\"record_id\"]\ncite = \"optional\"\nsorted = true\n",
    )
    .unwrap();
    fs::write(
        d.join("schemas/records.schema.json"),
        r#"{"type": "object", "properties": {"record_id": {"type": "integer"}, "text": {"type": "string"}}}"#,
    )
    .unwrap();
    let filler = "x".repeat(90);
    let mut csv = String::from("record_id,text\n");
    for i in (0..200_000u32).rev() {
        csv.push_str(&format!("{i},{filler}\n"));
    }
    assert!(csv.len() > 16 << 20);
    let path = d.join("datasets/records.csv");
    fs::write(&path, &csv).unwrap();
    let f = KPDATA.run(d, &["fix"]);
    assert_eq!(
        f.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&f.stderr)
    );
    assert!(
        String::from_utf8_lossy(&f.stdout).contains("200000 of 200000 move"),
        "{}",
        String::from_utf8_lossy(&f.stdout)
    );
    let sorted = fs::read_to_string(&path).unwrap();
    let ids: Vec<u32> = sorted
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        ids,
        (0..200_000).collect::<Vec<_>>(),
        "integer keys by value"
    );
    assert_eq!(sorted.len(), csv.len());
}
