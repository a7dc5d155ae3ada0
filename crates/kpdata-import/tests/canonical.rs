//! Every dataset file of the package is in the one canonical CSV form that `write_csv` produces
//! (UTF-8, LF, header row, quotes only where needed, no formula-like cells), whether it was
//! imported or curated by hand.

use std::path::PathBuf;

use kpdata_import::{write_csv, Table};

#[test]
fn every_dataset_file_is_canonical_csv() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("kpdata.toml")).unwrap()).unwrap();
    let datasets = manifest["dataset"].as_array().unwrap();
    assert!(datasets.len() > 8);
    for d in datasets {
        let path = d["path"].as_str().unwrap();
        let bytes = std::fs::read(root.join(path)).unwrap();
        let mut rdr = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
        let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<Vec<String>> = rdr
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        let t = Table {
            name: path.to_string(),
            header,
            rows,
            owned_prefix: String::new(),
        };
        let out = write_csv(&t).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(out == bytes, "{path} is not in canonical CSV form");
    }
}
