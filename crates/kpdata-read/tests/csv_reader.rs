//! The CSV reader: rows, physical lines, structure and encoding findings.

use kpdata_package::Limits;
use kpdata_read::{Batch, Cell, CsvReader};

struct Out {
    header: Vec<String>,
    /// (row, line, cells)
    records: Vec<(u64, u64, Vec<String>)>,
    /// (code name, row, line, column)
    findings: Vec<(String, u64, u64, Option<u64>)>,
}

fn read_with(input: &[u8], limits: Limits) -> Out {
    let mut r = CsvReader::new(input, "t.csv", &limits);
    let mut b = Batch::default();
    let mut records = Vec::new();
    let mut findings = Vec::new();
    loop {
        let more = r.next_batch(&mut b).unwrap();
        for d in &b.diagnostics {
            findings.push((
                d.name.to_string(),
                d.row.unwrap_or(0),
                d.line.unwrap_or(0),
                d.column,
            ));
        }
        for rec in b.records() {
            let cells = (0..rec.len())
                .map(|i| match rec.cell(i) {
                    Cell::Value(v) => v.to_string(),
                    Cell::Missing => "<missing>".into(),
                    Cell::Invalid => "<invalid>".into(),
                })
                .collect();
            records.push((rec.row, rec.line, cells));
        }
        if !more {
            break;
        }
    }
    Out {
        header: r.header().unwrap_or_default().to_vec(),
        records,
        findings,
    }
}

fn read(input: &[u8]) -> Out {
    read_with(input, Limits::default())
}

fn rows_lines(o: &Out) -> Vec<(u64, u64)> {
    o.records.iter().map(|r| (r.0, r.1)).collect()
}

#[test]
fn lf_crlf_and_cr_give_the_same_rows_and_lines() {
    for nl in ["\n", "\r\n", "\r"] {
        let text = ["id,name", "1,a", "2,b", "3,c"].join(nl) + nl;
        let o = read(text.as_bytes());
        assert_eq!(o.header, vec!["id", "name"]);
        assert_eq!(
            rows_lines(&o),
            vec![(2, 2), (3, 3), (4, 4)],
            "newline {nl:?}"
        );
        assert!(o.findings.is_empty(), "{:?}", o.findings);
    }
}

#[test]
fn quoted_multiline_record_is_one_row_spanning_lines() {
    for nl in ["\n", "\r\n", "\r"] {
        let text = format!("id,note{nl}1,\"two{nl}lines\"{nl}2,x{nl}");
        let o = read(text.as_bytes());
        assert_eq!(rows_lines(&o), vec![(2, 2), (3, 4)], "newline {nl:?}");
        assert_eq!(o.records[0].2[1], format!("two{nl}lines"));
    }
}

#[test]
fn blank_lines_are_rows_with_findings() {
    let o = read(b"id,name\r\n1,a\r\n\r\n2,b\r\n,\r\n3,c");
    assert_eq!(rows_lines(&o), vec![(2, 2), (4, 4), (6, 6)]);
    assert_eq!(
        o.findings,
        vec![
            ("blank-row".into(), 3, 3, None),
            ("blank-row".into(), 5, 5, None)
        ]
    );
}

#[test]
fn ragged_rows_are_reported_against_the_header() {
    let o = read(b"a,b,c\n1,2\n1,2,3,4\n");
    assert_eq!(
        o.findings,
        vec![
            ("missing-cell".into(), 2, 2, Some(3)),
            ("extra-cell".into(), 3, 3, Some(4))
        ]
    );
}

#[test]
fn unterminated_quote_is_reported_not_swallowed() {
    let o = read(b"a,b\n1,\"open\n2,x\n3,y\n");
    assert_eq!(
        o.findings,
        vec![("unterminated-quote".into(), 2, 2, Some(2))]
    );
}

#[test]
fn stray_quotes_and_text_after_closing_quote() {
    let o = read(b"a,b\n1,ab\"c\n2,\"ab\"c\n3,\"ok \"\"x\"\"\"\n");
    assert_eq!(
        o.findings,
        vec![
            ("stray-quote".into(), 2, 2, Some(2)),
            ("stray-quote".into(), 3, 3, Some(2))
        ]
    );
    assert_eq!(o.records[2].2[1], "ok \"x\"");
}

#[test]
fn header_label_problems() {
    let o = read(b"a,,a\n1,2,3\n");
    assert_eq!(
        o.findings,
        vec![
            ("blank-label".into(), 1, 1, Some(2)),
            ("duplicate-label".into(), 1, 1, Some(3))
        ]
    );
}

#[test]
fn empty_file_and_only_blank_lines() {
    assert_eq!(read(b"").findings, vec![("empty-file".into(), 1, 1, None)]);
    let o = read(b"\n\n");
    assert_eq!(o.findings.last().unwrap().0, "empty-file");
}

#[test]
fn invalid_utf8_is_located_per_field_with_byte_offset() {
    // Latin-1 é (0xE9), an overlong slash (0xC0 0xAF), an encoded surrogate (0xED 0xA0 0x80).
    let o = read(b"id,name\n1,Caf\xE9\n2,\"a\"\"\xC0\xAF\"\n3,\xED\xA0\x80\n");
    let names: Vec<_> = o
        .findings
        .iter()
        .map(|f| (f.0.as_str(), f.1, f.3))
        .collect();
    assert_eq!(
        names,
        vec![
            ("encoding-error", 2, Some(2)),
            ("encoding-error", 3, Some(2)),
            ("encoding-error", 4, Some(2))
        ]
    );
    assert_eq!(o.records[0].2[1], "<invalid>");
    let mut r = CsvReader::new(&b"id,name\n1,Caf\xE9\n"[..], "t.csv", &Limits::default());
    let mut b = Batch::default();
    r.next_batch(&mut b).unwrap();
    assert!(
        b.diagnostics[0].message.contains("at byte 13"),
        "{}",
        b.diagnostics[0].message
    );
    assert!(
        b.diagnostics[0].message.contains("Latin-1"),
        "{}",
        b.diagnostics[0].message
    );
}

#[test]
fn bom_is_stripped_at_start_and_reported_inside() {
    let o = read("\u{FEFF}id,name\n1,a\u{FEFF}b\n".as_bytes());
    assert_eq!(o.header, vec!["id", "name"]);
    assert_eq!(o.findings, vec![("bom-in-value".into(), 2, 2, Some(2))]);
}

#[test]
fn utf16_is_an_encoding_error() {
    let o = read(b"\xFF\xFEi\0d\0\n\0");
    assert_eq!(o.findings[0].0, "encoding-error");
    assert!(o.records.is_empty());
}

#[test]
fn limits_stop_big_fields_files_and_columns() {
    let limits = Limits {
        field_size: 8,
        file_size: 40,
        columns: 3,
        ..Limits::default()
    };
    let o = read_with(b"a,b\n1,123456789\n1,2,3,4,5\n", limits);
    let names: Vec<_> = o.findings.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        vec!["field-too-large", "too-many-columns", "extra-cell"]
    );
    let o = read_with(
        b"a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n13,14\n15,16\n",
        limits,
    );
    assert_eq!(o.findings.last().unwrap().0, "file-too-large");
    assert!(o.records.len() < 8);
}

#[test]
fn batches_keep_rows_across_chunk_boundaries() {
    let mut text = String::from("id,name\r\n");
    for i in 0..100_000 {
        text.push_str(&format!("{i},\"name\r\n{i}\"\r\n"));
    }
    let o = read(text.as_bytes());
    assert_eq!(o.records.len(), 100_000);
    assert!(o.findings.is_empty());
    let last = o.records.last().unwrap();
    assert_eq!((last.0, last.1), (100_001, 2 + 2 * 99_999));
}

#[test]
fn a_character_split_across_two_fields_is_two_encoding_errors() {
    let o = read(b"a,b\n\xC3,\xA9\n");
    let names: Vec<_> = o.findings.iter().map(|f| (f.0.as_str(), f.3)).collect();
    assert_eq!(
        names,
        vec![("encoding-error", Some(1)), ("encoding-error", Some(2))]
    );
}

/// Issue 20 item 6: a batch ends after a bounded number of findings, so a file of blank lines
/// (a finding per line, no record) is not gathered into one batch; blank lines before the
/// header end batches too, and the header is still read after them.
#[test]
fn batches_hold_a_bounded_number_of_findings() {
    let mut input = vec![b'\n'; 50_000];
    input.extend_from_slice(b"id\n1\n");
    input.resize(input.len() + 50_000, b'\n');
    let mut r = CsvReader::new(&input[..], "t.csv", &Limits::default());
    let mut b = Batch::default();
    let (mut largest, mut findings, mut records) = (0, 0, 0);
    loop {
        let more = r.next_batch(&mut b).unwrap();
        largest = largest.max(b.diagnostics.len());
        findings += b.diagnostics.len();
        records += b.len();
        if !more {
            break;
        }
    }
    assert!(largest <= 8192, "a batch held {largest} findings");
    assert_eq!(findings, 100_000);
    assert_eq!(records, 1);
    assert_eq!(r.header().unwrap(), ["id"]);
}
