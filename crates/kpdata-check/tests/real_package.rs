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
        reference: Some((2026, 12, 6)),
        jobs: 2,
        max_per_rule: Some(0),
        ..Options::default()
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
    // Every dataset schema, conditionals (`if`/`then`, `allOf`) and the `uri` format
    // included, compiles whole: no row and no cell is left to the jsonschema crate.
    let slow: Vec<(&str, Vec<String>)> = pkg
        .manifest
        .datasets
        .iter()
        .zip(&pkg.schemas)
        .map(|(d, s)| {
            let a = kpdata_check::fast::FastSchema::analyse(s);
            let mut notes: Vec<String> = a.notes.iter().map(|n| n.to_string()).collect();
            if a.fast.is_none() {
                notes.push("not compiled".into());
            }
            (d.name.as_str(), notes)
        })
        .filter(|(_, n)| !n.is_empty())
        .collect();
    assert_eq!(slow, vec![]);
}

fn edit(t: &tempfile::TempDir, rel: &str, from: &str, to: &str) {
    let p = t.path().join(rel);
    let s = std::fs::read_to_string(&p).unwrap();
    assert!(s.contains(from), "{from:?} not in {rel}");
    std::fs::write(p, s.replacen(from, to, 1)).unwrap();
}

fn findings_of(t: &tempfile::TempDir) -> Vec<kpdata_diagnostics::Diagnostic> {
    let pkg = Package::load(t.path()).unwrap();
    validate_package(&pkg, &options()).finish().0
}

/// The classes of the data-truth audit that a machine can check, each on the real package.
#[test]
fn the_audits_checkable_classes_fire_on_the_real_package() {
    // An organisation's number that the SDN list labels "Vessel Registration Identification
    // IMO", recorded as a company number.
    let t = copy_package();
    edit(
        &t,
        "datasets/actor_identifiers.csv",
        "act-ofac-19569,imo_vessel_label,",
        "act-ofac-19569,imo_company,",
    );
    let d = findings_of(&t);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].name, "identifier-label-mismatch");
    assert!(
        d[0].message
            .contains("Vessel Registration Identification IMO"),
        "{}",
        d[0].message
    );

    // A report date that none of the cited texts carries (the audit's 2014-02-07).
    let t = copy_package();
    edit(
        &t,
        "datasets/findings.csv",
        "statement line 18,2014-03-17",
        "statement line 18,2014-02-07",
    );
    let d = findings_of(&t);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].name, "date-not-in-source");
    assert!(
        d[0].message.contains("the closest date found there is"),
        "{}",
        d[0].message
    );

    // An official list archived only as an incomplete copy supports no designation.
    let t = copy_package();
    edit(
        &t,
        "datasets/sources.csv",
        "fb6a6ff6e93643d48d3db934c6caeeaffe7e2964955fc8e90a3c1c30c357fc79,exact_copy",
        "fb6a6ff6e93643d48d3db934c6caeeaffe7e2964955fc8e90a3c1c30c357fc79,incomplete_conversion",
    );
    let d = findings_of(&t);
    assert!(!d.is_empty());
    assert!(
        d.iter().all(|d| d.name == "official-copy-incomplete"),
        "{d:#?}"
    );

    // Two sources with one archived file.
    let t = copy_package();
    edit(
        &t,
        "datasets/sources.csv",
        "datasets/archive/us_executive_orders/2005-06-28-executive-order-13382.pdf,5415331bcdd61dfcb20a895a92e4b55424899b54168a47b9625183aa351f1bce",
        "datasets/archive/us_executive_orders/2005-06-28-executive-order-13382.xml,6f63f50f7887ef290d3e7d59cb1a8fae6d0b7f0f461e787d3f977e5272cea269",
    );
    let names: Vec<String> = findings_of(&t).iter().map(|d| d.name.to_string()).collect();
    assert!(names.iter().any(|n| n == "archive-shared"), "{names:?}");
}

/// Issue 16: a hand edit of one country's vote breaks the roll call's counts.
#[test]
fn a_changed_country_vote_fails_the_counts_rule() {
    let t = copy_package();
    edit(
        &t,
        "datasets/un_votes.csv",
        "vote-unvotes-5377-KP,rc-unvotes-5377,5377,North Korea,KP,no,",
        "vote-unvotes-5377-KP,rc-unvotes-5377,5377,North Korea,KP,yes,",
    );
    let d = findings_of(&t);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].name, "vote-count-mismatch");
    assert_eq!(d[0].path.as_deref(), Some("datasets/un_roll_calls.csv"));
    assert!(
        d[0].message.contains("yes = 116 but 117"),
        "{}",
        d[0].message
    );
}

/// Issue 16: the findings and statements carry full-sentence quotes (at least 25), each
/// verified by `the_real_package_is_clean`; the statute is quoted in at least 5 provisions.
#[test]
fn the_human_rights_record_has_full_sentence_quotes_and_quoted_provisions() {
    let mut sentences = 0;
    for ds in ["findings", "statements"] {
        let rel = format!("datasets/{ds}.csv");
        let (table, _) = read_table(
            std::fs::File::open(repo().join(&rel)).unwrap(),
            &rel,
            &Default::default(),
        )
        .unwrap();
        for r in &table.records {
            let q = table.get(r, "quote").unwrap_or("");
            let first = q.chars().next().unwrap_or(' ');
            if first.is_uppercase()
                && q.split_whitespace().count() >= 6
                && (q.ends_with('.') || q.ends_with('?') || q.ends_with(".\u{201D}"))
            {
                sentences += 1;
            }
        }
    }
    assert!(sentences >= 25, "{sentences} full-sentence quotes");
    let rel = "datasets/instruments.csv";
    let (table, _) = read_table(
        std::fs::File::open(repo().join(rel)).unwrap(),
        rel,
        &Default::default(),
    )
    .unwrap();
    let provisions = table
        .records
        .iter()
        .filter(|r| table.get(r, "instrument_type") == Some("statutory_provision"))
        .filter(|r| {
            table
                .get(r, "relates_to")
                .is_some_and(|l| l.split(';').any(|i| i.starts_with("eo-")))
        })
        .count();
    assert!(
        provisions >= 5,
        "{provisions} provisions linked to an executive order"
    );
}

/// An archived Excel workbook is searched as the text of its cells, so the dates of the UK list
/// (`Last Updated,14/04/2025`, the Listed On cells) are found; the zip bytes hold none.
#[test]
fn an_xlsx_archive_is_read_as_its_cell_text() {
    let rel = "datasets/archive/uk/ofsi_conlist_2025-04-14.xlsx";
    let bytes = std::fs::read(repo().join(rel)).unwrap();
    let text = kpdata_check::quote::ArchivedText::for_path(rel, &bytes);
    assert!(
        text.as_str().to_lowercase().contains("last updated"),
        "no cell text read"
    );
    assert!(text.dates().days.contains(&(2025, 4, 14)));
    let raw = kpdata_check::quote::ArchivedText::new(&bytes);
    assert!(!raw.dates().days.contains(&(2025, 4, 14)));
}

/// The progress callback hears of every dataset once, in the order they are checked, with
/// the count done so far and the total (what the binary's progress bar draws).
#[test]
fn progress_is_told_of_every_dataset_in_order() {
    use std::sync::{Arc, Mutex};
    let pkg = Package::load(&repo()).unwrap();
    let seen: Arc<Mutex<Vec<(usize, usize, String)>>> = Arc::default();
    let sink = seen.clone();
    let opts = Options {
        progress: Some(kpdata_check::package::ProgressFn(Arc::new(
            move |done: usize, total: usize, name: &str| {
                sink.lock().unwrap().push((done, total, name.to_string()))
            },
        ))),
        ..options()
    };
    let report = validate_package(&pkg, &opts);
    assert!(!report.has_errors());
    let seen = seen.lock().unwrap();
    let n = pkg.manifest.datasets.len();
    assert_eq!(seen.len(), n);
    for (k, (done, total, _)) in seen.iter().enumerate() {
        assert_eq!((*done, *total), (k, n));
    }
    let mut names: Vec<&str> = seen.iter().map(|(_, _, s)| s.as_str()).collect();
    names.sort_unstable();
    let mut all: Vec<&str> = pkg
        .manifest
        .datasets
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    all.sort_unstable();
    assert_eq!(names, all);
}
