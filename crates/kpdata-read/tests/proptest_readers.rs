//! Property tests: no input makes a reader panic or hang, and valid input reads back exactly.

use kpdata_package::{Limits, Manifest};
use kpdata_read::json::{read_json, read_json_slice};
use kpdata_read::{Batch, Cell, CsvReader};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// `cases` cases, and no regression files written next to the sources.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- helpers --------------------------------------------------------------------------

/// Everything a CSV reader produced: header, (row, line, cells), finding names.
type CsvOut = (Vec<String>, Vec<(u64, u64, Vec<String>)>, Vec<&'static str>);

fn read_csv(input: &[u8], limits: &Limits) -> CsvOut {
    let mut r = CsvReader::new(input, "p.csv", limits);
    let mut b = Batch::default();
    let mut records = Vec::new();
    let mut findings = Vec::new();
    let mut batches = 0usize;
    let mut utf16 = false;
    loop {
        let more = r
            .next_batch(&mut b)
            .expect("reading from memory cannot fail");
        findings.extend(b.diagnostics.iter().map(|d| d.name));
        for d in &b.diagnostics {
            // A UTF-16 file is not read at all: its lines are not counted.
            utf16 |= d.name == "encoding-error" && d.column.is_none();
            check_csv_offset(input, d, utf16);
        }
        records.extend(b.records().map(|rec| (rec.row, rec.line, cells_of(&rec))));
        if !more {
            break;
        }
        batches += 1;
        // Terminates: every batch but the last consumes input.
        assert!(batches <= input.len() + 1, "next_batch does not terminate");
    }
    // Once finished, it stays finished.
    assert!(!r.next_batch(&mut b).unwrap());
    assert!(b.is_empty());
    (r.header().unwrap_or_default().to_vec(), records, findings)
}

/// A CSV finding's offset is in the file and agrees with its line: on the line itself for a
/// finding on a record, at or after it for one on a cell (a cell may start on a later line
/// than its record, after a quoted multi-line cell). `utf16`: the file was not read.
fn check_csv_offset(input: &[u8], d: &kpdata_diagnostics::Diagnostic, utf16: bool) {
    let offset = d.offset.unwrap_or_else(|| panic!("no offset: {d:?}"));
    assert!(offset as usize <= input.len(), "{d:?}");
    if utf16 {
        return;
    }
    let line = line_of(input, offset as usize);
    match d.column {
        None => assert_eq!(Some(line), d.line, "{d:?}"),
        Some(_) => assert!(d.line.is_some_and(|l| l <= line), "{d:?}"),
    }
}

/// A JSON finding's offset is in the file and is the place its line and column name.
fn check_json_offset(input: &[u8], d: &kpdata_diagnostics::Diagnostic) {
    let offset = d.offset.unwrap_or_else(|| panic!("no offset: {d:?}")) as usize;
    assert!(offset <= input.len(), "{d:?}");
    assert_eq!(Some(line_of(input, offset)), d.line, "{d:?}");
    if let Some(column) = d.column {
        let start = input[..offset]
            .iter()
            .rposition(|&b| b == b'\n' || b == b'\r')
            .map_or(0, |i| i + 1)
            .max(if input.starts_with(b"\xEF\xBB\xBF") {
                3.min(offset)
            } else {
                0
            });
        let chars = input[start..offset]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        assert_eq!(column, chars as u64 + 1, "{d:?}");
    }
}

/// A record's cells as text (`<missing>`, `<invalid>` for cells that could not be read).
fn cells_of(rec: &kpdata_read::RecordRef<'_>) -> Vec<String> {
    (0..rec.len())
        .map(|i| match rec.cell(i) {
            Cell::Value(v) => v.to_string(),
            Cell::Missing => "<missing>".into(),
            Cell::Invalid => "<invalid>".into(),
        })
        .collect()
}

/// The physical line (LF, CRLF, lone CR) of byte `offset` in `bytes`.
fn line_of(bytes: &[u8], offset: usize) -> u64 {
    let mut line = 1;
    let mut i = 0;
    while i < offset {
        match bytes[i] {
            b'\n' => line += 1,
            b'\r' => {
                line += 1;
                if i + 1 < offset && bytes[i + 1] == b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    line
}

/// The character at (line, column) of `text`, both 1-based, lines ended by LF, CRLF or CR.
fn char_at(text: &str, line: u64, column: u64) -> Option<char> {
    let mut l = 1;
    let mut col = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if l == line && col == column {
            return Some(c);
        }
        match c {
            '\n' => {
                l += 1;
                col = 1;
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                l += 1;
                col = 1;
            }
            _ => col += 1,
        }
    }
    None
}

fn small_limits() -> Limits {
    Limits {
        field_size: 16,
        file_size: 300,
        columns: 4,
        json_depth: 4,
        findings_per_rule: 5,
    }
}

/// Bytes biased towards what matters to a CSV reader.
fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => prop::sample::select(b"\",\r\na ".to_vec()),
        1 => prop::sample::select(vec![0xEF, 0xBB, 0xBF, 0xE9, 0xFF, 0x00, 0xC0, 0xED, 0xA0, 0x80]),
        1 => any::<u8>(),
    ];
    prop::collection::vec(byte, 0..600)
}

/// Bytes biased towards what matters to a JSON reader.
fn json_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        6 => prop::sample::select(vec![
            "[", "]", "{", "}", "\"", ":", ",", " ", "\n", "\r", "\\", "\\u", "d800", "dc00",
            "1", "-", ".", "e", "0", "true", "null", "NaN", "//", "/*", "'", "\"k\"", "\u{FEFF}",
            "18446744073709551616", "1.000000000000000005", "\t",
        ]).prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 1..4),
    ];
    prop::collection::vec(token, 0..200).prop_map(|v| v.concat())
}

// ---- CSV ------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn csv_reader_survives_arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..2000)) {
        read_csv(&input, &Limits::default());
        read_csv(&input, &small_limits());
    }

    #[test]
    fn csv_reader_survives_csv_like_bytes(input in csv_bytes()) {
        let (_, records, _) = read_csv(&input, &Limits::default());
        // Rows increase strictly, lines never go backwards, and each line is where it says.
        for w in records.windows(2) {
            prop_assert!(w[0].0 < w[1].0);
            prop_assert!(w[0].1 <= w[1].1);
        }
        read_csv(&input, &small_limits());
    }
}

/// A CSV field: text with quotes, commas, CR, LF and non-ASCII letters.
fn field() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "a", "Z", " ", "\"", ",", "\r", "\n", "\r\n", "김", "é", "1", "-", "''",
        ]),
        0..8,
    )
    .prop_map(|v| v.concat())
}

fn table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
    (1usize..5).prop_flat_map(|width| {
        let header = prop::collection::vec("[a-z][a-z_]{0,6}", width).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, s)| format!("{s}{i}"))
                .collect()
        });
        // The first cell is never empty, so no row is blank.
        let row = (
            "[A-Za-z0-9]{1,3}"
                .prop_flat_map(|first| field().prop_map(move |f| format!("{first}{f}"))),
            prop::collection::vec(field(), width - 1),
        )
            .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect::<Vec<String>>());
        (header, prop::collection::vec(row, 0..12))
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn csv_written_by_the_csv_crate_reads_back_exactly(
        (header, rows) in table(),
        term in prop::sample::select(vec![0u8, b'\n', b'\r']),
        bom in any::<bool>(),
    ) {
        let terminator = match term {
            0 => csv::Terminator::CRLF,
            b => csv::Terminator::Any(b),
        };
        let start: Vec<u8> = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        let mut w = csv::WriterBuilder::new().terminator(terminator).from_writer(start);
        w.write_record(&header).unwrap();
        let mut starts = Vec::new();
        for r in &rows {
            w.flush().unwrap();
            starts.push(w.get_ref().len());
            w.write_record(r).unwrap();
        }
        let bytes = w.into_inner().unwrap();
        let (got_header, records, findings) = read_csv(&bytes, &Limits::default());
        prop_assert_eq!(findings, Vec::<&str>::new());
        prop_assert_eq!(got_header, header);
        prop_assert_eq!(records.len(), rows.len());
        for (i, (row, line, cells)) in records.iter().enumerate() {
            prop_assert_eq!(*row, i as u64 + 2);
            prop_assert_eq!(*line, line_of(&bytes, starts[i]));
            prop_assert_eq!(cells, &rows[i]);
        }
    }
}

// ---- JSON -----------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn json_reader_survives_arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..2000)) {
        let o = read_json(&input[..], "p.json", &Limits::default()).unwrap();
        prop_assert!(o.records.len() as u64 <= o.items);
        for d in &o.diagnostics {
            check_json_offset(&input, d);
        }
        read_json(&input[..], "p.json", &small_limits()).unwrap();
    }

    #[test]
    fn json_reader_survives_json_like_bytes(input in json_bytes()) {
        for limits in [Limits::default(), small_limits()] {
            let o = read_json_slice(&input, "p.json", &limits);
            prop_assert!(o.records.len() as u64 <= o.items);
            for d in &o.diagnostics {
                prop_assert!(d.line.is_some(), "{:?}", d);
                check_json_offset(&input[..input.len().min(limits.file_size as usize)], d);
            }
            // At most one syntax error: reading stops at the first.
            prop_assert!(o.diagnostics.iter().filter(|d| d.name == "json-syntax").count() <= 1);
            for w in o.records.windows(2) {
                prop_assert!(w[0].row < w[1].row);
            }
        }
    }
}

/// Any JSON value without U+FEFF in its strings (that one is a finding).
fn json_value() -> impl Strategy<Value = Value> {
    let text = "[a-zA-Z0-9 \"\\\\/\u{0}-\u{1f}\u{7f}\u{e9}\u{ae40}\u{1F600}\u{202E}~]{0,8}";
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        (-1000i32..1000, -20i32..20).prop_map(|(m, e)| Value::from(m as f64 * 10f64.powi(e))),
        text.prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((text, inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn records() -> impl Strategy<Value = Vec<Map<String, Value>>> {
    let key = "[a-z_/~\u{e9}]{1,6}";
    prop::collection::vec(
        prop::collection::vec((key, json_value()), 0..6).prop_map(|kv| kv.into_iter().collect()),
        0..8,
    )
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn json_written_by_serde_json_reads_back_equal(recs in records(), pretty in any::<bool>()) {
        let doc = Value::Array(recs.iter().cloned().map(Value::Object).collect());
        let text = if pretty {
            serde_json::to_string_pretty(&doc).unwrap()
        } else {
            serde_json::to_string(&doc).unwrap()
        };
        let o = read_json(text.as_bytes(), "p.json", &Limits::default()).unwrap();
        prop_assert!(o.diagnostics.is_empty(), "{:?}\n{}", o.diagnostics, text);
        prop_assert_eq!(o.records.len(), recs.len());
        for (i, r) in o.records.iter().enumerate() {
            prop_assert_eq!(r.row, i as u64 + 1);
            prop_assert_eq!(&r.value, &Value::Object(recs[i].clone()));
            // Keys keep their order.
            let got: Vec<&String> = r.value.as_object().unwrap().keys().collect();
            let want: Vec<&String> = recs[i].keys().collect();
            prop_assert_eq!(got, want);
            // line and column point at the record's `{`.
            prop_assert_eq!(char_at(&text, r.line, r.column), Some('{'));
        }
        // (No comparison with `serde_json::from_str`: without its `float_roundtrip` feature it
        // reads some doubles one ulp off, e.g. -2.675148972245569e157; this reader is exact.)
    }

    #[test]
    fn json_with_crlf_or_cr_line_ends_gives_the_same_positions(recs in records()) {
        let text = serde_json::to_string_pretty(
            &Value::Array(recs.iter().cloned().map(Value::Object).collect()),
        )
        .unwrap();
        let lf = read_json_slice(text.as_bytes(), "p.json", &Limits::default());
        for nl in ["\r\n", "\r"] {
            let other = text.replace('\n', nl);
            let o = read_json_slice(other.as_bytes(), "p.json", &Limits::default());
            let a: Vec<(u64, u64, u64)> = lf.records.iter().map(|r| (r.row, r.line, r.column)).collect();
            let b: Vec<(u64, u64, u64)> = o.records.iter().map(|r| (r.row, r.line, r.column)).collect();
            prop_assert_eq!(a, b);
        }
    }
}

proptest! {
    #![proptest_config(config(4096))]

    /// Every double, however a serializer prints it (shortest form), reads back exactly and
    /// without a precision finding; ties between two shortest forms are both accepted.
    #[test]
    fn every_double_printed_shortest_reads_back_exactly(bits in any::<u64>()) {
        let f = f64::from_bits(bits);
        prop_assume!(f.is_finite());
        let texts = [
            serde_json::to_string(&f).unwrap(),
            format!("{f:e}"),
            format!("{f:?}"),
        ];
        for t in texts {
            let doc = format!("[{{\"x\": {t}}}]");
            let o = read_json_slice(doc.as_bytes(), "p.json", &Limits::default());
            prop_assert!(o.diagnostics.is_empty(), "{}: {:?}", t, o.diagnostics);
            let got = o.records[0].value["x"].as_f64().unwrap();
            prop_assert_eq!(got.to_bits(), f.to_bits(), "{}", t);
        }
    }
}

// ---- the manifest parser --------------------------------------------------------------

/// Text biased towards TOML and the manifest's own keys.
fn manifest_like() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "[package]\n",
        "[limits]\n",
        "[[dataset]]\n",
        "[provenance]\n",
        "name = ",
        "title = ",
        "path = ",
        "schema = ",
        "json_depth = ",
        "field_size = ",
        "primary_key = ",
        "\"x\"",
        "\"../etc/passwd\"",
        "\"/abs\"",
        "0",
        "-1",
        "18446744073709551616",
        "1e400",
        "[",
        "]",
        "{",
        "}",
        "=",
        "\n",
        "'",
        "\"\"\"",
        "#",
        ",",
        "true",
        "\u{0}",
        "\u{FEFF}",
        "a.b",
    ]);
    prop::collection::vec(token, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn manifest_parser_never_panics(text in any::<String>()) {
        let _ = Manifest::parse(&text);
    }

    #[test]
    fn manifest_parser_never_panics_on_manifest_like_text(text in manifest_like()) {
        let _ = Manifest::parse(&text);
    }
}

// ---- the hostile corpus (CSV half; the JSON half is in json_reader.rs) -----------------

/// Rules the CSV reader itself reports (the rest of `expected.txt` comes from the checks).
const CSV_READER_RULES: &[&str] = &[
    "empty-file",
    "blank-label",
    "duplicate-label",
    "blank-row",
    "extra-cell",
    "missing-cell",
    "unterminated-quote",
    "stray-quote",
    "encoding-error",
    "bom-in-value",
    "field-too-large",
    "file-too-large",
    "too-many-columns",
];

#[test]
fn hostile_csv_corpus_gives_the_expected_reader_findings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/hostile");
    let mut cases = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let input = dir.join("input.csv");
        if !input.exists() {
            continue;
        }
        cases += 1;
        let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
        let mut want: Vec<String> = expected
            .lines()
            .filter(|l| CSV_READER_RULES.contains(&l.split(' ').next().unwrap()))
            .map(str::to_string)
            .collect();
        let bytes = std::fs::read(&input).unwrap();
        let mut r = CsvReader::new(&bytes[..], "input.csv", &Limits::default());
        let mut b = Batch::default();
        let mut got = Vec::new();
        let show = |v: Option<u64>| v.map_or("-".to_string(), |n| n.to_string());
        loop {
            let more = r.next_batch(&mut b).unwrap();
            got.extend(
                b.diagnostics
                    .iter()
                    .map(|d| format!("{} row={} line={}", d.name, show(d.row), show(d.line))),
            );
            if !more {
                break;
            }
        }
        want.sort();
        got.sort();
        assert_eq!(got, want, "case {}", dir.display());
    }
    assert!(cases >= 10, "the corpus is missing: {}", root.display());
}

// ---- the CSV fast path ----------------------------------------------------------------

/// A reader that hands out at most `step` bytes a call, so records straddle chunk ends.
struct Dribble<'a> {
    data: &'a [u8],
    step: usize,
}

impl std::io::Read for Dribble<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Everything the reader says, findings in full (rule, message, row, line, column, field).
fn read_csv_exact(input: &[u8], limits: &Limits, fast: bool, step: usize) -> (CsvOut, Vec<String>) {
    let src = Dribble { data: input, step };
    let mut r = CsvReader::new(src, "p.csv", limits);
    if !fast {
        r = r.without_fast_path();
    }
    let mut b = Batch::default();
    let (mut records, mut names, mut full) = (Vec::new(), Vec::new(), Vec::new());
    loop {
        let more = r.next_batch(&mut b).unwrap();
        for d in &b.diagnostics {
            names.push(d.name);
            full.push(format!(
                "{} {:?} {:?} {:?} {:?} {:?} {}",
                d.name, d.row, d.line, d.column, d.offset, d.field, d.message
            ));
        }
        records.extend(b.records().map(|rec| (rec.row, rec.line, cells_of(&rec))));
        if !more {
            break;
        }
    }
    (
        (r.header().unwrap_or_default().to_vec(), records, names),
        full,
    )
}

/// Mostly plain CSV lines, with now and then what makes a line not plain.
fn plain_csv_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        12 => prop::sample::select(vec!["a", "bc", "김", "1"]).prop_map(|s| s.as_bytes().to_vec()),
        6 => Just(b",".to_vec()),
        3 => prop::sample::select(vec!["\n", "\r\n"]).prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::sample::select(vec!["\"", "\r", "\"x\"", "\u{FEFF}", "\n\n", ",,"])
            .prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::sample::select(vec![vec![0xFF], vec![0xE9], vec![0xEF, 0xBB], vec![0xC3]]),
    ];
    prop::collection::vec(token, 0..300).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn the_fast_path_reads_what_the_state_machine_reads(
        input in plain_csv_bytes(),
        step in 1usize..64,
        small in any::<bool>(),
    ) {
        let limits = if small {
            Limits { field_size: 4, file_size: 200, columns: 3, ..small_limits() }
        } else {
            Limits::default()
        };
        let slow = read_csv_exact(&input, &limits, false, step);
        let fast = read_csv_exact(&input, &limits, true, step);
        prop_assert_eq!(&fast, &slow);
        // The same with the whole input in one read: how the input arrives changes nothing
        // (`file-too-large` is reported where reading stopped, a BOM is seen whatever the
        // first read holds).
        let one = input.len().max(1);
        let fast_one = read_csv_exact(&input, &limits, true, one);
        let slow_one = read_csv_exact(&input, &limits, false, one);
        prop_assert_eq!(&fast_one, &slow_one);
        prop_assert_eq!(&fast_one, &fast);
    }
}
