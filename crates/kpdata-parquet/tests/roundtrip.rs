//! Parquet and JSON written by the encoder read back to exactly the CSV values.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use kpdata_parquet::{to_dataframe, write_parquet, PolarsEncoder};
use kpdata_release::frame::{ColumnType, Encoder, Frame};
use kpdata_release::frame_json::to_json;
use kpdata_release::input::Input;
use polars::prelude::*;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../kpdata-release/tests/fixtures/pkg")
}

fn frames() -> Vec<Frame> {
    let input = Input::from_dir(&fixture(), 1_700_000_000).unwrap();
    input
        .datasets
        .iter()
        .map(|d| Frame::from_input(d, &input.manifest.limits).unwrap())
        .collect()
}

/// A polars value rendered back as CSV cell text (None = null).
fn text(av: AnyValue<'_>, ty: &ColumnType) -> Option<String> {
    let scalar = |av: AnyValue<'_>| -> Option<String> {
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
    };
    match (av, ty) {
        (AnyValue::Null, _) => None,
        (AnyValue::List(s), ColumnType::List { separator, .. }) => {
            let items: Vec<String> = s.iter().map(|v| scalar(v).unwrap()).collect();
            Some(items.join(separator))
        }
        (av, _) => scalar(av),
    }
}

fn same(ty: &ColumnType, csv: Option<&str>, back: Option<&str>) -> bool {
    match (ty, csv, back) {
        (ColumnType::Number, Some(a), Some(b)) => {
            a.parse::<f64>().unwrap() == b.parse::<f64>().unwrap()
        }
        _ => csv == back,
    }
}

#[test]
fn parquet_reads_back_to_every_csv_value_with_types() {
    let mut checked = 0;
    for frame in frames() {
        let parquet = PolarsEncoder.parquet(&frame).unwrap();
        let df = ParquetReader::new(Cursor::new(parquet)).finish().unwrap();
        assert_eq!(df.height(), frame.len());
        assert_eq!(df.width(), frame.columns.len());
        for (j, col) in frame.columns.iter().enumerate() {
            let s = df
                .column(&col.name)
                .unwrap()
                .as_materialized_series()
                .clone();
            assert_eq!(s.dtype(), &kpdata_parquet::dtype(&col.ty), "{}", col.name);
            for i in 0..frame.len() {
                let back = text(s.get(i).unwrap(), &col.ty);
                assert!(
                    same(&col.ty, frame.cell(i, j), back.as_deref()),
                    "{}.{} row {i}: {:?} vs {back:?}",
                    frame.name,
                    col.name,
                    frame.cell(i, j)
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 40);
}

#[test]
fn types_nulls_and_order_are_as_documented() {
    let fs = frames();
    let actors = &fs[0];
    let df = to_dataframe(actors).unwrap();
    let dtypes: Vec<String> = df.dtypes().iter().map(|d| d.to_string()).collect();
    assert_eq!(
        dtypes,
        [
            "str",
            "str",
            "str",
            "list[str]",
            "date",
            "str",
            "date",
            "date",
            "str",
            "f64",
            "str"
        ]
    );
    // The partial date `born` (`1962-04`) and its typed columns.
    let born = |c: &str| df.column(c).unwrap().get(0).unwrap().to_string();
    assert_eq!(born("born"), "\"1962-04\"");
    assert_eq!(born("born_start"), "1962-04-01");
    assert_eq!(born("born_end"), "1962-04-30");
    assert_eq!(born("born_precision"), "\"month\"");
    let ids: Vec<_> = df
        .column("actor_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.unwrap().to_string())
        .collect();
    assert_eq!(ids, ["A001", "A002", "A003"]);
    let events = to_dataframe(&fs[1]).unwrap();
    let dtypes: Vec<String> = events.dtypes().iter().map(|d| d.to_string()).collect();
    assert_eq!(
        dtypes,
        ["i64", "list[str]", "i64", "list[i64]", "bool", "str"]
    );
    assert_eq!(events.column("victims").unwrap().null_count(), 1);
}

#[test]
fn json_is_one_array_of_typed_objects() {
    let fs = frames();
    let json = to_json(&fs[1]).unwrap();
    assert!(json.ends_with(b"]\n"));
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        v[0],
        serde_json::json!({"event_id": 1, "actor_ids": ["A001"], "victims": 0, "counts": [7], "confirmed": null, "summary": "Plain"})
    );
    assert_eq!(v[2]["summary"], "Two-line\nsummary with ünïcödé");
    let v: serde_json::Value = serde_json::from_slice(&to_json(&fs[0]).unwrap()).unwrap();
    assert_eq!(v[2]["listed_on"], "2017-08-05");
    assert_eq!(v[2]["tonnage"], 2999.5);
    assert_eq!(v[0]["name"], "Kim, \"Jong\" Example");
    assert_eq!(v.as_array().unwrap().len(), 3);
}

#[test]
fn bytes_do_not_depend_on_chunking() {
    let fs = frames();
    let whole = PolarsEncoder.parquet(&fs[0]).unwrap();
    let again = PolarsEncoder.parquet(&fs[0]).unwrap();
    assert_eq!(whole, again);
    // A frame built from two chunks writes the same bytes once rechunked.
    let df = to_dataframe(&fs[0]).unwrap();
    let mut chunked = df.slice(0, 1);
    chunked.vstack_mut(&df.slice(1, 2)).unwrap();
    assert!(chunked.first_col_n_chunks() > 1);
    let mut df = df;
    assert_eq!(
        write_parquet(&mut chunked).unwrap(),
        write_parquet(&mut df).unwrap()
    );
}

/// A polars upgrade that changes the bytes of the same data must be noticed: update the hash
/// only after checking that pandas, pyarrow and DuckDB still read the file.
#[test]
fn golden_sha256_of_a_tiny_parquet_file() {
    use sha2::{Digest, Sha256};
    let fs = frames();
    let parquet = PolarsEncoder.parquet(&fs[1]).unwrap();
    let got = hex::encode(Sha256::digest(&parquet));
    assert_eq!(
        got,
        "f2d01d98afb5b7e9a35d561006e6682f6c815fcc19f4053dbbf5bdaaa947ac6d",
        "Parquet bytes changed ({} bytes)",
        parquet.len()
    );
}

/// pandas cannot convert `list<string_view>`: the footer's Arrow schema must use large types.
#[test]
fn footer_arrow_schema_has_no_view_types() {
    let fs = frames();
    for f in &fs {
        let parquet = PolarsEncoder.parquet(f).unwrap();
        let mut reader = ParquetReader::new(Cursor::new(parquet));
        let md = reader.get_metadata().unwrap().clone();
        let kv = md.key_value_metadata.as_ref().unwrap();
        let schema = kv.iter().find(|k| k.key == "ARROW:schema").unwrap();
        let value = schema.value.clone().unwrap();
        assert_eq!(
            kpdata_parquet::arrow_schema::downgrade_views(&value).as_deref(),
            Some(value.as_str()),
            "{}",
            f.name
        );
    }
}

#[test]
fn json_written_from_the_frame_says_what_polars_json_says() {
    for frame in frames() {
        let ours: serde_json::Value = serde_json::from_slice(&to_json(&frame).unwrap()).unwrap();
        let mut df = to_dataframe(&frame).unwrap();
        let theirs: serde_json::Value =
            serde_json::from_slice(&kpdata_parquet::write_json(&mut df).unwrap()).unwrap();
        assert_eq!(ours, theirs, "{}", frame.name);
    }
}

/// A dataset with a header and no rows, or only restricted rows, is still published: a
/// Parquet file of 0 rows with the typed columns, and `[]` in JSON.
#[test]
fn datasets_without_published_rows_encode_empty_typed_files() {
    let input = Input::from_dir(&fixture(), 1_700_000_000).unwrap();
    for name in ["events", "actors"] {
        let mut ds = input
            .datasets
            .iter()
            .find(|d| d.dataset.name == name)
            .unwrap()
            .clone();
        let csv = String::from_utf8(ds.data.clone()).unwrap();
        let header = csv.lines().next().unwrap();
        ds.data = if name == "actors" {
            // Every row restricted.
            let at = header.split(',').position(|h| h == "sensitivity").unwrap();
            let width = header.split(',').count();
            let row: Vec<&str> = (0..width)
                .map(|i| if i == at { "restricted" } else { "" })
                .collect();
            format!("{header}\n{}\n", row.join(",")).into_bytes()
        } else {
            format!("{header}\n").into_bytes()
        };
        let frame = Frame::from_input(&ds, &input.manifest.limits).unwrap();
        assert_eq!(frame.len(), 0, "{name}");
        assert_eq!(to_json(&frame).unwrap(), b"[]\n", "{name}");
        let df = ParquetReader::new(Cursor::new(PolarsEncoder.parquet(&frame).unwrap()))
            .finish()
            .unwrap();
        assert_eq!(df.height(), 0, "{name}");
        assert_eq!(df.width(), frame.columns.len(), "{name}");
        let typed = to_dataframe(&frame).unwrap();
        assert_eq!(df.dtypes(), typed.dtypes(), "{name}");
    }
}

/// `write_parquet` encodes the data once, taking the footer's Arrow schema from the frame's
/// empty twin: that holds only while the schema polars writes depends on the columns alone.
#[test]
fn footer_arrow_schema_does_not_depend_on_the_rows() {
    let footer = |bytes: Vec<u8>| {
        let mut reader = ParquetReader::new(Cursor::new(bytes));
        let md = reader.get_metadata().unwrap().clone();
        let kv = md.key_value_metadata.clone().unwrap();
        kv.into_iter()
            .find(|k| k.key == "ARROW:schema")
            .and_then(|k| k.value)
            .unwrap()
    };
    for f in frames() {
        let mut df = to_dataframe(&f).unwrap();
        let mut empty = df.clear();
        assert!(df.height() > 0 && empty.height() == 0, "{}", f.name);
        let full = footer(write_parquet(&mut df).unwrap());
        assert_eq!(
            full,
            footer(write_parquet(&mut empty).unwrap()),
            "{}",
            f.name
        );
        // The same footer whichever rows are written, and no view type in it.
        assert_eq!(
            full,
            footer(write_parquet(&mut df.slice(1, 1)).unwrap()),
            "{}",
            f.name
        );
        assert!(!full.is_empty());
    }
}
