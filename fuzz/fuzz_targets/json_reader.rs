//! Arbitrary bytes into the strict JSON reader, with default and tiny limits: it must never
//! panic (no stack overflow on deep nesting), and what it returns must be consistent.
#![no_main]

use kpdata_package::Limits;
use kpdata_read::json::read_json_slice;
use libfuzzer_sys::fuzz_target;

fn run(data: &[u8], limits: &Limits) {
    let out = read_json_slice(data, "fuzz.json", limits);
    assert!(out.records.len() as u64 <= out.items);
    assert!(
        out.diagnostics
            .iter()
            .filter(|d| d.name == "json-syntax")
            .count()
            <= 1,
        "reading stops at the first syntax error"
    );
    for r in &out.records {
        assert!(r.value.is_object());
        assert!(r.line >= 1 && r.column >= 1);
    }
    // With a small depth limit, a document without findings is one serde_json reads to the
    // same records.
    if out.diagnostics.is_empty() && limits.json_depth <= 16 {
        let text = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
        let v: serde_json::Value = serde_json::from_slice(text).expect("serde_json rejects it");
        let items = v.as_array().expect("an array");
        assert_eq!(items.len(), out.records.len());
    }
}

fuzz_target!(|data: &[u8]| {
    run(data, &Limits::default());
    run(
        data,
        &Limits {
            field_size: 16,
            file_size: 256,
            columns: 4,
            json_depth: 4,
            findings_per_rule: 5,
        },
    );
});
