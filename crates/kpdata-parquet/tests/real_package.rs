//! The real package (the repository's kpdata.toml): released twice into two folders gives
//! identical bytes, and every Parquet value read back with polars equals the source CSV cell.
// A test may say why it skipped a check (no strace, no git): that is its output.
#![allow(clippy::print_stderr, clippy::print_stdout)]

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use kpdata_parquet::PolarsEncoder;
use kpdata_release::build::{build, ChangeLog};
use kpdata_release::frame::{ColumnType, Derived, Frame, RESTRICTED, SENSITIVITY_FIELD};
use kpdata_release::input::Input;
use kpdata_release::stage;
use polars::prelude::*;
use semver::Version;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scalar(av: AnyValue<'_>) -> Option<String> {
    match av {
        AnyValue::Null => None,
        AnyValue::String(s) => Some(s.to_string()),
        AnyValue::StringOwned(s) => Some(s.to_string()),
        AnyValue::Int64(i) => Some(i.to_string()),
        AnyValue::Float64(f) => Some(format!("{f:?}")),
        AnyValue::Boolean(b) => Some(b.to_string()),
        AnyValue::Date(d) => {
            let (y, m, dd) = kpdata_release::time::civil_from_days(d as i64);
            Some(format!("{y:04}-{m:02}-{dd:02}"))
        }
        other => panic!("unexpected value {other:?}"),
    }
}

fn text(av: AnyValue<'_>, ty: &ColumnType) -> Option<String> {
    match (av, ty) {
        (AnyValue::Null, _) => None,
        (AnyValue::List(s), ColumnType::List { separator, .. }) => Some(
            s.iter()
                .map(|v| scalar(v).unwrap())
                .collect::<Vec<_>>()
                .join(separator),
        ),
        (av, _) => scalar(av),
    }
}

#[test]
#[allow(clippy::needless_range_loop)]
fn real_package_releases_identically_and_reads_back_to_the_csv() {
    let root = repo_root();
    if !root.join("kpdata.toml").exists() {
        eprintln!("no real package; skipped");
        return;
    }
    let t0 = std::time::Instant::now();
    let input = Input::from_dir(&root, 1_735_689_600).unwrap();
    let v = Version::new(1, 0, 0);
    let a = build(&input, &v, &ChangeLog::First, &PolarsEncoder, &mut |_| {}).unwrap();
    let b = build(&input, &v, &ChangeLog::First, &PolarsEncoder, &mut |_| {}).unwrap();
    eprintln!("two builds of the real package: {:?}", t0.elapsed());
    assert_eq!(a, b);
    let tmp = tempfile::tempdir().unwrap();
    let (d1, d2) = (
        tmp.path().join("one/1.0.0"),
        tmp.path().join("two/deeper/1.0.0"),
    );
    stage::write_atomically(&d1, &a).unwrap();
    stage::write_atomically(&d2, &b).unwrap();
    for (rel, bytes) in &a.files {
        assert_eq!(&std::fs::read(d1.join(rel)).unwrap(), bytes, "{rel}");
        assert_eq!(&std::fs::read(d2.join(rel)).unwrap(), bytes, "{rel}");
    }
    assert!(kpdata_release::verify::verify(&d1).unwrap().is_empty());

    let mut cells = 0usize;
    for ds in &input.datasets {
        let frame = Frame::from_input(ds, &input.manifest.limits).unwrap();
        // The JSON file written from the frame says what polars' own JSON writer says.
        let ours: serde_json::Value =
            serde_json::from_slice(&a.files[&format!("data/{}.json", frame.name)]).unwrap();
        let mut df = kpdata_parquet::to_dataframe(&frame).unwrap();
        let theirs: serde_json::Value =
            serde_json::from_slice(&kpdata_parquet::write_json(&mut df).unwrap()).unwrap();
        assert_eq!(ours, theirs, "{}", frame.name);
        let bytes = &a.files[&format!("data/{}.parquet", frame.name)];
        let df = ParquetReader::new(Cursor::new(bytes.clone()))
            .finish()
            .unwrap();
        assert_eq!(df.height(), frame.len(), "{}", frame.name);
        // Index the CSV's public records by primary key (or by position without one).
        let table = &ds.table(&input.manifest.limits).unwrap();
        let sens = table.column(SENSITIVITY_FIELD);
        let public: Vec<_> = table
            .records
            .iter()
            .filter(|r| sens.and_then(|i| r.values[i].as_deref()) != Some(RESTRICTED))
            .collect();
        assert_eq!(public.len(), df.height(), "{}", frame.name);
        let key_cols: Vec<usize> = ds
            .dataset
            .primary_key
            .iter()
            .map(|k| table.column(k).unwrap())
            .collect();
        let by_key: BTreeMap<Vec<Option<String>>, _> = public
            .iter()
            .map(|r| (key_cols.iter().map(|&i| r.values[i].clone()).collect(), *r))
            .collect();
        assert!(key_cols.is_empty() || by_key.len() == public.len());
        let series: Vec<Series> = frame
            .columns
            .iter()
            .map(|c| df.column(&c.name).unwrap().as_materialized_series().clone())
            .collect();
        for i in 0..df.height() {
            let back: Vec<Option<String>> = frame
                .columns
                .iter()
                .zip(&series)
                .map(|(c, s)| text(s.get(i).unwrap(), &c.ty))
                .collect();
            let rec = if key_cols.is_empty() {
                public[i]
            } else {
                let key: Vec<Option<String>> = ds
                    .dataset
                    .primary_key
                    .iter()
                    .map(|k| back[frame.columns.iter().position(|c| &c.name == k).unwrap()].clone())
                    .collect();
                by_key[&key]
            };
            for (j, col) in frame.columns.iter().enumerate() {
                // A typed date column holds its part of the partial date in the CSV column.
                let csv = match &col.derived {
                    Some(Derived::Date { from, part }) => table
                        .column(from)
                        .and_then(|k| rec.values[k].as_deref())
                        .and_then(|t| part.of(t)),
                    _ => table.column(&col.name).and_then(|k| rec.values[k].clone()),
                };
                let ok = match (&col.ty, &csv, &back[j]) {
                    (ColumnType::Number, Some(x), Some(y)) => {
                        x.parse::<f64>().unwrap() == y.parse::<f64>().unwrap()
                    }
                    _ => csv == back[j],
                };
                assert!(
                    ok,
                    "{}.{} record {i}: csv {csv:?} parquet {:?}",
                    frame.name, col.name, back[j]
                );
                cells += 1;
            }
        }
    }
    eprintln!("{cells} cells compared, {:?} total", t0.elapsed());
    assert!(cells > 1000);
}
