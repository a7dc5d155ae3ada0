//! How many records `kpdata verify` vouches for: the `rows` of each `table` resource of an
//! intact `datapackage.json` whose file verified (no finding names it). Kept apart from
//! [`crate::verify`], which checks bytes and knows nothing of records.

use kpdata_diagnostics::Diagnostic;
use serde_json::Value;

use crate::build::DATAPACKAGE;

/// The records in the intact tabular files of a release, given its `datapackage.json` bytes
/// and the findings of [`crate::verify::verify`]. 0 when the descriptor itself is damaged.
pub fn intact_records(datapackage: &[u8], findings: &[Diagnostic]) -> u64 {
    let damaged = |p: &str| findings.iter().any(|d| d.path.as_deref() == Some(p));
    if damaged(DATAPACKAGE) {
        return 0;
    }
    let Ok(v) = serde_json::from_slice::<Value>(datapackage) else {
        return 0;
    };
    let Some(resources) = v.get("resources").and_then(Value::as_array) else {
        return 0;
    };
    resources
        .iter()
        .filter(|r| r.get("type").and_then(Value::as_str) == Some("table"))
        .filter_map(|r| {
            let path = r.get("path").and_then(Value::as_str)?;
            let rows = r.get("rows").and_then(Value::as_u64)?;
            (!damaged(path)).then_some(rows)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpdata_diagnostics::rules::verify::RELEASE_HASH_MISMATCH;

    #[test]
    fn counts_rows_of_intact_tables_only() {
        let dp = br#"{"resources": [
            {"name": "a", "type": "table", "path": "data/a.csv", "rows": 3},
            {"name": "b", "type": "table", "path": "data/b.csv", "rows": 5},
            {"name": "a-parquet", "type": "file", "path": "data/a.parquet", "rows": 3}]}"#;
        assert_eq!(intact_records(dp, &[]), 8);
        let bad = |p: &str| Diagnostic::new(&RELEASE_HASH_MISMATCH, "x").path(p.to_string());
        assert_eq!(intact_records(dp, &[bad("data/b.csv")]), 3);
        assert_eq!(intact_records(dp, &[bad("datapackage.json")]), 0);
        assert_eq!(intact_records(b"not json", &[]), 0);
    }
}
