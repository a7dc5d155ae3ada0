//! The strict JSON reader: records with positions, and one test per finding it can produce.

use kpdata_package::Limits;
use kpdata_read::json::{read_json, read_json_slice, JsonOutcome};
use serde_json::json;

/// (rule name, row, line, column, pointer); a missing row is 0, a missing pointer "-".
type F = (&'static str, u64, u64, u64, String);

fn f(name: &'static str, row: u64, line: u64, column: u64, pointer: &str) -> F {
    (name, row, line, column, pointer.to_string())
}

fn findings(o: &JsonOutcome) -> Vec<F> {
    o.diagnostics
        .iter()
        .map(|d| {
            (
                d.name,
                d.row.unwrap_or(0),
                d.line.unwrap_or(0),
                d.column.unwrap_or(0),
                d.pointer.clone().unwrap_or_else(|| "-".into()),
            )
        })
        .collect()
}

fn read_with(input: &[u8], limits: Limits) -> JsonOutcome {
    read_json(input, "t.json", &limits).unwrap()
}

fn read(input: &[u8]) -> JsonOutcome {
    read_with(input, Limits::default())
}

/// (row, line, column) of every record.
fn positions(o: &JsonOutcome) -> Vec<(u64, u64, u64)> {
    o.records
        .iter()
        .map(|r| (r.row, r.line, r.column))
        .collect()
}

fn rows(o: &JsonOutcome) -> Vec<u64> {
    o.records.iter().map(|r| r.row).collect()
}

// ---- records and positions ------------------------------------------------------------

#[test]
fn records_have_row_line_and_column_of_their_brace() {
    let o = read(b"[\n  {\"id\": \"a\"},\n  {\"id\": \"b\", \"n\": 2}, {\"id\": \"c\"}\n]\n");
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    assert_eq!(positions(&o), vec![(1, 2, 3), (2, 3, 3), (3, 3, 24)]);
    assert_eq!(o.records[1].value, json!({"id": "b", "n": 2}));
    assert_eq!(o.items, 3);
}

#[test]
fn lf_crlf_and_lone_cr_each_end_one_line() {
    for nl in ["\n", "\r\n", "\r"] {
        let text = format!("[{nl}{{\"a\":1}},{nl}{nl}{{\"a\":2}}{nl}]{nl}");
        let o = read(text.as_bytes());
        assert!(o.diagnostics.is_empty(), "{nl:?}: {:?}", o.diagnostics);
        assert_eq!(positions(&o), vec![(1, 2, 1), (2, 4, 1)], "newline {nl:?}");
    }
}

#[test]
fn columns_count_characters_not_bytes() {
    let o = read("[{\"이름\": \"김\"}, {\"a\": 1}]".as_bytes());
    assert_eq!(positions(&o), vec![(1, 1, 2), (2, 1, 15)]);
    let o = read("[{\"이름\": \"김\", }]".as_bytes());
    assert_eq!(findings(&o), vec![f("json-syntax", 1, 1, 12, "/0")]);
}

#[test]
fn keys_keep_document_order_and_values_match_serde_json() {
    let text = r#"[{"z": 1, "a": [true, false, null, -0, 1.5e3, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"], "m": {"k": {}}, "e": []}]"#;
    let o = read(text.as_bytes());
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    let expected: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(o.records[0].value, expected[0]);
    let keys: Vec<&String> = o.records[0].value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["z", "a", "m", "e"]);
}

#[test]
fn empty_array_is_zero_records_without_findings() {
    let o = read(b" [ ] \n");
    assert!(o.records.is_empty());
    assert!(o.diagnostics.is_empty());
}

#[test]
fn empty_and_blank_files_are_empty_file() {
    assert_eq!(findings(&read(b"")), vec![f("empty-file", 0, 1, 0, "-")]);
    assert_eq!(
        findings(&read(b" \n\r\n ")),
        vec![f("empty-file", 0, 3, 0, "-")]
    );
}

#[test]
fn read_json_slice_is_the_same_reader() {
    let o = read_json_slice(b"[{\"a\":1}]", "t.json", &Limits::default());
    assert_eq!(positions(&o), vec![(1, 1, 2)]);
}

// ---- encoding -------------------------------------------------------------------------

#[test]
fn utf8_bom_at_start_is_stripped() {
    let o = read(b"\xEF\xBB\xBF[{\"id\": \"a\"}]");
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    assert_eq!(positions(&o), vec![(1, 1, 2)]);
    assert_eq!(o.records[0].value, json!({"id": "a"}));
}

#[test]
fn utf16_and_utf32_are_refused_with_one_finding() {
    let utf16le_bom: Vec<u8> = b"\xFF\xFE"
        .iter()
        .copied()
        .chain("[{\"a\":1}]".encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    let utf16be: Vec<u8> = "[{\"a\":1}]"
        .encode_utf16()
        .flat_map(|u| u.to_be_bytes())
        .collect();
    let utf16le: Vec<u8> = "[{\"a\":1}]"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let utf32: Vec<u8> = "[{}]"
        .chars()
        .flat_map(|c| (c as u32).to_le_bytes())
        .collect();
    for input in [utf16le_bom, utf16be, utf16le, utf32] {
        let o = read(&input);
        assert_eq!(findings(&o), vec![f("encoding-error", 0, 1, 1, "-")]);
        assert!(o.records.is_empty());
    }
}

#[test]
fn invalid_utf8_in_a_string_is_located_and_the_record_dropped() {
    // Latin-1 é at byte 20.
    let o = read(b"[{\"id\": \"a\"},\n {\"name\": \"Caf\xE9\"},\n {\"id\": \"c\"}]");
    assert_eq!(findings(&o), vec![f("encoding-error", 2, 2, 15, "/1/name")]);
    let d = &o.diagnostics[0];
    assert!(d.message.contains("at byte 28"), "{}", d.message);
    assert!(d.message.contains("0xE9"), "{}", d.message);
    assert!(d.message.contains("Latin-1"), "{}", d.message);
    assert_eq!(d.field.as_deref(), Some("name"));
    assert_eq!(rows(&o), vec![1, 3]);
}

#[test]
fn windows1252_smart_quotes_overlong_and_surrogates_are_encoding_errors() {
    for (bytes, what) in [
        (&b"\x93hi\x94"[..], "Latin-1"),
        (&b"\xC0\xAF"[..], "overlong"),
        (&b"\xE0\x80\xAF"[..], "overlong"),
        (&b"\xED\xA0\x80"[..], "surrogate"),
    ] {
        let mut input = b"[{\"n\": \"".to_vec();
        input.extend_from_slice(bytes);
        input.extend_from_slice(b"\"}]");
        let o = read(&input);
        assert_eq!(findings(&o), vec![f("encoding-error", 1, 1, 9, "/0/n")]);
        assert!(
            o.diagnostics[0].message.contains(what),
            "{}",
            o.diagnostics[0].message
        );
        assert!(o.diagnostics[0].message.contains("at byte 8"));
        assert!(o.records.is_empty());
    }
}

#[test]
fn invalid_utf8_in_a_key_points_at_the_object() {
    let o = read(b"[{\"a\": 1, \"k\xFF\": 2}]");
    assert_eq!(findings(&o), vec![f("encoding-error", 1, 1, 13, "/0")]);
    assert!(o.records.is_empty());
}

#[test]
fn invalid_utf8_outside_strings_stops_reading() {
    let o = read(b"[{\"a\": 1}, \xFF{\"a\": 2}]");
    assert_eq!(findings(&o), vec![f("encoding-error", 0, 1, 12, "-")]);
    assert_eq!(rows(&o), vec![1]);
}

#[test]
fn bom_inside_a_value_or_key_is_a_finding() {
    let o = read("[{\"id\": \"\u{FEFF}a\", \"n\": \"\\ufeffb\"},\n{\"\u{FEFF}k\": 1}]".as_bytes());
    assert_eq!(
        findings(&o),
        vec![
            f("bom-in-value", 1, 1, 9, "/0/id"),
            f("bom-in-value", 1, 1, 20, "/0/n"),
            f("bom-in-value", 2, 2, 2, "/1/\u{FEFF}k"),
        ]
    );
    assert_eq!(rows(&o), vec![1, 2]);
}

// ---- duplicate keys -------------------------------------------------------------------

#[test]
fn duplicate_keys_are_reported_with_the_pointer_of_the_key() {
    let o = read(
        b"[{\"id\": \"a\"},\n {\"id\": \"b\",\n  \"id\": \"c\", \"x\": {\"q\": 1, \"q\": 2}}]",
    );
    assert_eq!(
        findings(&o),
        vec![
            f("json-duplicate-key", 2, 3, 3, "/1/id"),
            f("json-duplicate-key", 2, 3, 28, "/1/x/q"),
        ]
    );
    // `field` is the record's property the finding is in.
    assert_eq!(o.diagnostics[0].field.as_deref(), Some("id"));
    assert_eq!(o.diagnostics[1].field.as_deref(), Some("x"));
    // The record is kept, with the last value, as other readers would.
    assert_eq!(o.records[1].value, json!({"id": "c", "x": {"q": 2}}));
}

#[test]
fn pointers_escape_tilde_and_slash() {
    let o = read(br#"[{"a/b": {"c~d": 1, "c~d": 2}, "l": [0, {"z": 1, "z": 1}]}]"#);
    assert_eq!(
        findings(&o),
        vec![
            f("json-duplicate-key", 1, 1, 21, "/0/a~1b/c~0d"),
            f("json-duplicate-key", 1, 1, 50, "/0/l/1/z"),
        ]
    );
}

// ---- numbers --------------------------------------------------------------------------

#[test]
fn numbers_that_do_not_round_trip_are_reported() {
    let o = read(
        b"[{\"a\": 18446744073709551616},\n{\"a\": -9223372036854775809},\n{\"a\": 1.000000000000000005},\n{\"a\": 1e400},\n{\"a\": [0.1, 1e-400]}]",
    );
    assert_eq!(
        findings(&o),
        vec![
            f("json-number-precision", 1, 1, 8, "/0/a"),
            f("json-number-precision", 2, 2, 7, "/1/a"),
            f("json-number-precision", 3, 3, 7, "/2/a"),
            f("json-number-precision", 4, 4, 7, "/3/a"),
            f("json-number-precision", 5, 5, 13, "/4/a/1"),
        ]
    );
    // Records are kept, with the value a double gives (null when out of range).
    assert_eq!(o.records.len(), 5);
    assert_eq!(o.records[2].value, json!({"a": 1.0}));
    assert_eq!(o.records[3].value, json!({"a": null}));
    assert!(o.diagnostics[2].message.contains("1.000000000000000005"));
    assert_eq!(o.diagnostics[4].field.as_deref(), Some("a"));
}

#[test]
fn numbers_that_round_trip_are_fine() {
    let o = read(
        b"[{\"a\": [1.0, 1e2, 1E+2, 0.1, 0.30000000000000004, 18446744073709551615, -9223372036854775808, -0, 0, 5e-324, 1.7976931348623157e308, 123.4500, 1e20]}]",
    );
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    let a = &o.records[0].value["a"];
    assert_eq!(a[0], json!(1.0));
    assert_eq!(a[1], json!(100.0));
    assert_eq!(a[5], json!(u64::MAX));
    assert_eq!(a[6], json!(i64::MIN));
}

// ---- depth ----------------------------------------------------------------------------

#[test]
fn nesting_beyond_the_limit_is_too_deep_and_drops_the_record() {
    let limits = Limits {
        json_depth: 3,
        ..Limits::default()
    };
    // Level 1 is the top-level array, 2 the record, 3 its values.
    let o = read_with(b"[{\"a\": {\"b\": []}},\n {\"a\": {\"b\": [[1, {\"c\": 2, \"c\": 3}]], \"d\": [[]]}},\n {\"a\": []}]", limits);
    assert_eq!(
        findings(&o),
        vec![
            f("json-too-deep", 1, 1, 14, "/0/a/b"),
            f("json-too-deep", 2, 2, 14, "/1/a/b")
        ]
    );
    assert_eq!(rows(&o), vec![3]);
}

#[test]
fn two_hundred_levels_with_the_default_limit() {
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let text = format!("[{{\"a\": 1}},\n{{\"x\": {deep}}},\n{{\"a\": 2}}]");
    let o = read(text.as_bytes());
    // `[` number 127 of the value is level 2 + 127 = 129.
    assert_eq!(
        findings(&o),
        vec![f(
            "json-too-deep",
            2,
            2,
            133,
            &format!("/1/x{}", "/0".repeat(126))
        )]
    );
    assert_eq!(rows(&o), vec![1, 3]);
}

#[test]
fn a_million_open_brackets_neither_overflow_nor_explode() {
    let text = "[".repeat(1_000_000);
    let o = read(text.as_bytes());
    let names: Vec<&str> = o.diagnostics.iter().map(|d| d.name).collect();
    assert_eq!(names, ["json-not-records", "json-too-deep", "json-syntax"]);
    let text = format!("[{{\"a\":{}", "{\"a\":".repeat(1_000_000));
    let o = read(text.as_bytes());
    let names: Vec<&str> = o.diagnostics.iter().map(|d| d.name).collect();
    assert_eq!(names, ["json-too-deep", "json-syntax"]);
}

// ---- syntax ---------------------------------------------------------------------------

/// Reads `text`, expects exactly one json-syntax finding at (row, line, column).
fn syntax_at(text: &str, row: u64, line: u64, column: u64) -> JsonOutcome {
    let o = read(text.as_bytes());
    let got: Vec<(&str, u64, u64, u64)> = findings(&o)
        .into_iter()
        .map(|(n, r, l, c, _)| (n, r, l, c))
        .collect();
    assert_eq!(
        got,
        vec![("json-syntax", row, line, column)],
        "input {text:?}"
    );
    o
}

#[test]
fn trailing_commas_are_syntax_errors_at_the_comma() {
    let o = syntax_at("[{\"id\": \"a\"},\n {\"id\": \"b\",\n }]", 2, 2, 12);
    assert_eq!(rows(&o), vec![1]);
    assert!(o.diagnostics[0].message.contains("trailing comma"));
    let o = syntax_at("[{\"id\": \"a\"},\n]", 0, 1, 13);
    assert_eq!(rows(&o), vec![1]);
    syntax_at("[{\"l\": [1, 2,]}]", 1, 1, 13);
}

#[test]
fn comments_are_syntax_errors() {
    let o = syntax_at("[{\"id\": \"a\"}, // first\n{\"id\": \"b\"}]", 0, 1, 15);
    assert!(o.diagnostics[0].message.contains("comments"));
    syntax_at("[{\"id\": /* x */ \"a\"}]", 1, 1, 9);
    syntax_at("[{/* x */ \"id\": \"a\"}]", 1, 1, 3);
    syntax_at("# c\n[]", 0, 1, 1);
}

#[test]
fn nan_and_infinity_are_syntax_errors() {
    for (text, col, word) in [
        ("[{\"a\": NaN}]", 8, "NaN"),
        ("[{\"a\": Infinity}]", 8, "Infinity"),
        ("[{\"a\": -Infinity}]", 8, "Infinity"),
    ] {
        let o = syntax_at(text, 1, 1, col);
        assert!(
            o.diagnostics[0].message.contains(word),
            "{}",
            o.diagnostics[0].message
        );
    }
}

#[test]
fn single_quotes_and_unquoted_keys_are_syntax_errors() {
    let o = syntax_at("[{'id': 'a'}]", 1, 1, 3);
    assert!(o.diagnostics[0].message.contains("single quotes"));
    syntax_at("[{\"id\": 'a'}]", 1, 1, 9);
    let o = syntax_at("[{id: 1}]", 1, 1, 3);
    assert!(o.diagnostics[0].message.contains("double-quoted"));
}

#[test]
fn raw_control_characters_in_strings_are_syntax_errors() {
    syntax_at("[{\"a\": \"x\ny\"}]", 1, 1, 10);
    syntax_at("[{\"a\": \"x\ty\"}]", 1, 1, 10);
    syntax_at("[{\"a\": \"x\u{0}y\"}]", 1, 1, 10);
    syntax_at("[{\"a\": \"x\u{1b}y\"}]", 1, 1, 10);
    // Escaped, they are fine (the check layer judges them in ids and names).
    let o = read(b"[{\"a\": \"x\\u0000\\u001b\\u0007y\"}]");
    assert!(o.diagnostics.is_empty());
    assert_eq!(o.records[0].value["a"], "x\u{0}\u{1b}\u{7}y");
}

#[test]
fn lone_surrogate_escapes_are_syntax_errors() {
    let o = syntax_at(r#"[{"a": "x\ud800"}]"#, 1, 1, 10);
    assert!(o.diagnostics[0].message.contains("surrogate"));
    syntax_at(r#"[{"a": "x\udc00"}]"#, 1, 1, 10);
    syntax_at(r#"[{"a": "x\ud800\u0041"}]"#, 1, 1, 10);
    syntax_at(r#"[{"a": "\ud800\ud800"}]"#, 1, 1, 9);
}

#[test]
fn bad_escapes_and_numbers_are_syntax_errors() {
    syntax_at(r#"[{"a": "\x41"}]"#, 1, 1, 9);
    syntax_at(r#"[{"a": "\u12G4"}]"#, 1, 1, 9);
    syntax_at(r#"[{"a": 01}]"#, 1, 1, 8);
    syntax_at(r#"[{"a": 1.}]"#, 1, 1, 10);
    syntax_at(r#"[{"a": .5}]"#, 1, 1, 8);
    syntax_at(r#"[{"a": +1}]"#, 1, 1, 8);
    syntax_at(r#"[{"a": 1e}]"#, 1, 1, 10);
    syntax_at(r#"[{"a": -}]"#, 1, 1, 9);
    syntax_at(r#"[{"a": tru}]"#, 1, 1, 8);
    syntax_at(r#"[{"a": 0x10}]"#, 1, 1, 9);
}

#[test]
fn trailing_garbage_is_a_syntax_error_after_the_records() {
    let o = syntax_at("[{\"a\": 1}]\n]", 0, 2, 1);
    assert_eq!(rows(&o), vec![1]);
    assert!(o.diagnostics[0].message.contains("after the end"));
    syntax_at("[{\"a\": 1}] [{\"a\": 2}]", 0, 1, 12);
    let o = read(b"[{\"a\": 1}]\r\n  \n");
    assert!(o.diagnostics.is_empty());
}

#[test]
fn missing_separators_and_truncation_are_syntax_errors() {
    let o = syntax_at("[{\"a\": 1}\n {\"a\": 2}]", 0, 2, 2);
    assert_eq!(rows(&o), vec![1]);
    syntax_at("[{\"a\": 1 \"b\": 2}]", 1, 1, 10);
    syntax_at("[{\"a\" 1}]", 1, 1, 7);
    syntax_at("[{\"a\": 1},\n {\"a\": 2", 2, 2, 9);
    syntax_at("[{\"a\": \"open", 1, 1, 13);
    syntax_at("[{\"a\": 1}", 0, 1, 10);
    syntax_at("[{\"a\": 1}}", 0, 1, 10);
}

#[test]
fn after_a_syntax_error_reading_stops_and_earlier_records_are_kept() {
    let o = read(b"[{\"a\": 1}, {\"a\": 2}, {\"a\": 3,}, {\"a\": 4}, {\"a\": 5, \"a\": 6}]");
    assert_eq!(findings(&o), vec![f("json-syntax", 3, 1, 29, "/2")]);
    assert_eq!(rows(&o), vec![1, 2]);
}

// ---- not records ----------------------------------------------------------------------

#[test]
fn a_top_level_that_is_not_an_array_is_not_records() {
    for text in [
        "{\"records\": [{\"a\": 1}]}",
        " \"x\"",
        "42",
        "null",
        "true",
    ] {
        let o = read(text.as_bytes());
        let col = if text.starts_with(' ') { 2 } else { 1 };
        assert_eq!(
            findings(&o),
            vec![f("json-not-records", 0, 1, col, "")],
            "{text}"
        );
        assert!(o.records.is_empty());
    }
    syntax_at("hello", 0, 1, 1);
}

#[test]
fn items_that_are_not_objects_are_reported_and_skipped() {
    let o = read(b"[{\"a\": 1},\n 2, \"s\", null, [{\"a\": 9}],\n true, {\"a\": 3}]");
    assert_eq!(
        findings(&o),
        vec![
            f("json-not-records", 2, 2, 2, "/1"),
            f("json-not-records", 3, 2, 5, "/2"),
            f("json-not-records", 4, 2, 10, "/3"),
            f("json-not-records", 5, 2, 16, "/4"),
            f("json-not-records", 6, 3, 2, "/5"),
        ]
    );
    assert_eq!(positions(&o), vec![(1, 1, 2), (7, 3, 8)]);
    assert_eq!(o.items, 7);
}

// ---- limits ---------------------------------------------------------------------------

#[test]
fn strings_longer_than_the_field_size_are_field_too_large() {
    let limits = Limits {
        field_size: 8,
        ..Limits::default()
    };
    let o = read_with(
        b"[{\"a\": \"12345678\"},\n {\"a\": \"123456789\"},\n {\"123456789\": 1},\n {\"a\": \"\\u00e9\\u00e9\\u00e9\\u00e9x\"}]",
        limits,
    );
    assert_eq!(
        findings(&o),
        vec![
            f("field-too-large", 2, 2, 8, "/1/a"),
            f("field-too-large", 3, 3, 3, "/2"),
            f("field-too-large", 4, 4, 8, "/3/a"),
        ]
    );
    assert_eq!(rows(&o), vec![1]);
}

#[test]
fn input_beyond_the_file_size_stops_with_file_too_large_only() {
    let limits = Limits {
        file_size: 30,
        ..Limits::default()
    };
    let text = b"[{\"a\": 1},\n {\"a\": 2},\n {\"a\": \"cut here in the middle\"}]";
    let o = read_with(text, limits);
    assert_eq!(findings(&o), vec![f("file-too-large", 0, 3, 0, "-")]);
    assert_eq!(rows(&o), vec![1, 2]);
    // Cut in the middle of a multi-byte character: still only file-too-large.
    let limits = Limits {
        file_size: 10,
        ..Limits::default()
    };
    let o = read_with("[{\"a\": \"김\"}]".as_bytes(), limits);
    assert_eq!(findings(&o), vec![f("file-too-large", 0, 1, 0, "-")]);
}

#[test]
fn an_endless_reader_stops_at_the_file_size() {
    let limits = Limits {
        file_size: 1 << 16,
        ..Limits::default()
    };
    let endless = std::io::repeat(b' ');
    let o = read_json(endless, "stdin", &limits).unwrap();
    assert_eq!(findings(&o), vec![f("file-too-large", 0, 1, 0, "-")]);
}

#[test]
fn findings_carry_the_path() {
    let o = read_json(&b"[1]"[..], "data/x.json", &Limits::default()).unwrap();
    assert_eq!(o.diagnostics[0].path.as_deref(), Some("data/x.json"));
    assert_eq!(o.diagnostics[0].code, "KP116");
}

// ---- the hostile corpus ---------------------------------------------------------------

/// Rules the JSON reader itself reports (the rest of `expected.txt` comes from the checks).
const JSON_READER_RULES: &[&str] = &[
    "encoding-error",
    "bom-in-value",
    "json-syntax",
    "json-duplicate-key",
    "json-number-precision",
    "json-not-records",
    "json-too-deep",
    "field-too-large",
    "file-too-large",
    "empty-file",
];

#[test]
fn hostile_json_corpus_gives_the_expected_reader_findings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/hostile");
    let mut cases = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let input = dir.join("input.json");
        if !input.exists() {
            continue;
        }
        cases += 1;
        let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
        let mut want: Vec<String> = expected
            .lines()
            .filter(|l| JSON_READER_RULES.contains(&l.split(' ').next().unwrap()))
            .map(str::to_string)
            .collect();
        let o = read_json(
            std::fs::File::open(&input).unwrap(),
            "input.json",
            &Limits::default(),
        )
        .unwrap();
        let show = |v: Option<u64>| v.map_or("-".to_string(), |n| n.to_string());
        let mut got: Vec<String> = o
            .diagnostics
            .iter()
            .map(|d| format!("{} row={} line={}", d.name, show(d.row), show(d.line)))
            .collect();
        want.sort();
        got.sort();
        assert_eq!(got, want, "case {}", dir.display());
    }
    assert!(cases >= 10, "the corpus is missing: {}", root.display());
}
