//! The repository's own package: it validates clean, and tampering with any archived byte or
//! any quoted word is caught with the file and row.

use std::path::{Path, PathBuf};

use kpdata_check::package::{validate_package, Options};
use kpdata_check::registry::check_archives;
use kpdata_package::{Package, Root};
use kpdata_read::read_table;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn copy_package() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("kpdata.toml"), t.path().join("kpdata.toml")).unwrap();
    copy_dir(&repo().join("schemas"), &t.path().join("schemas"));
    copy_dir(&repo().join("datasets"), &t.path().join("datasets"));
    t
}

fn options() -> Options {
    Options {
        // The latest access date in sources.csv (the OFAC first-seen history, 2026-12-06).
        reference: Some((2026, 12, 6)),
        jobs: 2,
        max_per_rule: Some(0),
    }
}

#[test]
fn the_real_package_is_clean() {
    let pkg = Package::load(&repo()).unwrap();
    let (d, _, summary) = validate_package(&pkg, &options()).finish();
    assert!(d.is_empty(), "{d:#?}");
    assert!(summary.records > 4000, "{summary:?}");
}

#[test]
fn flipping_a_byte_of_any_archived_file_is_caught() {
    let t = copy_package();
    let pkg = Package::load(t.path()).unwrap();
    let (table, _) = read_table(
        std::fs::File::open(t.path().join("datasets/sources.csv")).unwrap(),
        "datasets/sources.csv",
        &pkg.manifest.limits,
    )
    .unwrap();
    let root = Root::new(t.path()).unwrap();
    let mut archives: Vec<(String, u64)> = table
        .records
        .iter()
        .filter_map(|r| Some((table.get(r, "archive_path")?.to_string(), r.row)))
        .collect();
    archives.sort();
    archives.dedup_by(|a, b| a.0 == b.0);
    assert!(archives.len() >= 10, "{archives:?}");
    for (rel, _) in &archives {
        let p = t.path().join(rel);
        let original = std::fs::read(&p).unwrap();
        let mut bytes = original.clone();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x01;
        std::fs::write(&p, &bytes).unwrap();
        let found = check_archives(&table, &root, "datasets/archive");
        let rows: Vec<u64> = table
            .records
            .iter()
            .filter(|r| table.get(r, "archive_path") == Some(rel))
            .map(|r| r.row)
            .collect();
        for row in rows {
            assert!(
                found.iter().any(|d| d.name == "archive-hash-mismatch"
                    && d.row == Some(row)
                    && d.path.as_deref() == Some("datasets/sources.csv")),
                "flipping a byte of {rel} was not reported at sources.csv row {row}: {found:?}"
            );
        }
        std::fs::write(&p, &original).unwrap();
    }
}

#[test]
fn changing_one_word_of_any_quote_is_caught() {
    let t = copy_package();
    let mut expected = Vec::new();
    for ds in ["findings", "statements"] {
        let rel = format!("datasets/{ds}.csv");
        let p = t.path().join(&rel);
        let (mut table, _) =
            read_table(std::fs::File::open(&p).unwrap(), &rel, &Default::default()).unwrap();
        let q = table.column("quote").unwrap();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&table.header).unwrap();
        for r in &mut table.records {
            if let Some(quote) = r.values[q].as_mut() {
                // Change the last word: "crimes" -> "crimesX".
                let cut = quote.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
                quote.insert(cut, 'X');
                expected.push((rel.clone(), r.row));
            }
            w.write_record(r.values.iter().map(|v| v.as_deref().unwrap_or("")))
                .unwrap();
        }
        std::fs::write(&p, w.into_inner().unwrap()).unwrap();
    }
    assert!(expected.len() >= 13, "{expected:?}");
    let pkg = Package::load(t.path()).unwrap();
    let (d, _, _) = validate_package(&pkg, &options()).finish();
    for (path, row) in expected {
        assert!(
            d.iter().any(|d| d.name == "quote-not-found"
                && d.path.as_deref() == Some(path.as_str())
                && d.row == Some(row)),
            "a changed quote at {path} row {row} was not reported"
        );
    }
}

#[test]
fn the_real_schemas_take_the_fast_path() {
    let pkg = Package::load(&repo()).unwrap();
    let slow: Vec<&str> = pkg
        .manifest
        .datasets
        .iter()
        .zip(&pkg.schemas)
        .filter(|(_, s)| kpdata_check::fast::FastSchema::compile(s).is_none())
        .map(|(d, _)| d.name.as_str())
        .collect();
    // Conditional rules (`if`/`then`, `allOf`) and the `uri` format are left to the jsonschema
    // crate; those datasets are small.
    assert_eq!(
        slow,
        vec![
            "sources",
            "actor_identifiers",
            "designations",
            "actor_facts",
            "links",
            "findings"
        ]
    );
}
