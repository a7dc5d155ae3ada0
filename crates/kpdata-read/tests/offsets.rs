//! Byte offsets of the readers' findings and records: slicing the file at a finding's `offset`
//! gives exactly the bytes it is about (CSV: the cell, or the record; JSON: the problem),
//! whatever the line ends (CRLF), quoted multi-line cells before it, a leading BOM, or how the
//! input arrives (whole, or one byte per read, across chunk boundaries).

use std::io::Read;

use kpdata_package::Limits;
use kpdata_read::json::read_json_slice;
use kpdata_read::{Batch, CsvReader};

/// (rule name, row, line, column, offset) of each finding.
type Found = (String, u64, u64, Option<u64>, u64);

/// Hands out one byte per `read`, so every record crosses a read boundary.
struct OneByte<'a>(&'a [u8]);

impl Read for OneByte<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((&b, rest)), Some(slot)) => {
                *slot = b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

fn drain<R: Read>(mut r: CsvReader<R>) -> (Vec<Found>, Vec<(u64, u64)>) {
    let mut b = Batch::default();
    let mut found = Vec::new();
    let mut records = Vec::new();
    loop {
        let more = r.next_batch(&mut b).unwrap();
        for d in &b.diagnostics {
            let offset = d.offset.unwrap_or_else(|| panic!("no offset: {d:?}"));
            found.push((
                d.name.to_string(),
                d.row.unwrap_or(0),
                d.line.unwrap_or(0),
                d.column,
                offset,
            ));
        }
        records.extend(b.records().map(|r| (r.row, r.byte)));
        if !more {
            break;
        }
    }
    (found, records)
}

/// The findings and (row, byte) of the records, the same on the fast path, on the state
/// machine alone, and with one byte per read.
fn read_csv(input: &[u8], limits: Limits) -> (Vec<Found>, Vec<(u64, u64)>) {
    let fast = drain(CsvReader::new(input, "t.csv", &limits));
    let slow = drain(CsvReader::new(input, "t.csv", &limits).without_fast_path());
    let trickle = drain(CsvReader::new(OneByte(input), "t.csv", &limits));
    assert_eq!(fast, slow, "fast path and state machine differ");
    assert_eq!(fast, trickle, "one byte per read differs");
    fast
}

/// The offset of the only occurrence of `needle` in `hay`.
fn at(hay: &[u8], needle: &[u8]) -> u64 {
    let all: Vec<usize> = (0..=hay.len() - needle.len())
        .filter(|&i| hay[i..].starts_with(needle))
        .collect();
    assert_eq!(all.len(), 1, "{needle:?} occurs {} times", all.len());
    all[0] as u64
}

/// The physical line (LF, CRLF, CR) byte `offset` is on.
fn line_of(file: &[u8], offset: u64) -> u64 {
    let before = &file[..offset as usize];
    let crlf = before.windows(2).filter(|w| w == b"\r\n").count();
    let ends = before.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
    1 + (ends - crlf) as u64
}

fn find<'a>(found: &'a [Found], name: &str) -> &'a Found {
    let all: Vec<_> = found.iter().filter(|f| f.0 == name).collect();
    assert_eq!(all.len(), 1, "{name}: {found:?}");
    all[0]
}

#[test]
fn csv_offsets_point_at_the_cell_or_record_with_crlf_multiline_cells_and_a_bom() {
    let mut file: Vec<u8> = b"\xEF\xBB\xBFid,note,x\r\n".to_vec();
    file.extend_from_slice(b"1,\"two\r\nlines\",ok\r\n");
    file.extend_from_slice(b"\r\n");
    file.extend_from_slice(b"2,\"multi\r\nline\",caf\xE9\r\n");
    file.extend_from_slice(b"3,a\"b,c\r\n");
    file.extend_from_slice(b"4,x\r\n");
    file.extend_from_slice(b"5,x,y,extra\r\n");
    file.extend_from_slice(b"6,\"q\r\n\",\xEF\xBB\xBFz\r\n");
    file.extend_from_slice(b"7,plain,row\r\n");
    file.extend_from_slice(b"8,\"open\r\nto the end");
    let (found, records) = read_csv(&file, Limits::default());

    // Records: the offset of their first byte, after the BOM and multi-line cells.
    let want_records = [
        (2, at(&file, b"1,\"two")),
        (4, at(&file, b"2,\"multi")),
        (5, at(&file, b"3,a")),
        (6, at(&file, b"4,x")),
        (7, at(&file, b"5,x")),
        (8, at(&file, b"6,\"q")),
        (9, at(&file, b"7,plain")),
        (10, at(&file, b"8,\"open")),
    ];
    assert_eq!(records, want_records);

    // A blank row: the record is the line end itself.
    let blank = find(&found, "blank-row");
    assert_eq!((blank.1, blank.2), (3, 4));
    assert_eq!(blank.4, at(&file, b"ok\r\n\r\n") + 4);
    assert!(file[blank.4 as usize..].starts_with(b"\r\n2,"));

    // A cell after a quoted multi-line cell: the record starts on line 5, the cell on line 6.
    let enc = find(&found, "encoding-error");
    assert_eq!((enc.1, enc.2, enc.3), (4, 5, Some(3)));
    assert_eq!(enc.4, at(&file, b"caf\xE9"));
    assert_eq!(line_of(&file, enc.4), 6);

    let stray = find(&found, "stray-quote");
    assert_eq!((stray.1, stray.3), (5, Some(2)));
    assert_eq!(stray.4, at(&file, b"a\"b"));

    // A missing cell does not exist: the offset is the record's.
    let missing = find(&found, "missing-cell");
    assert_eq!((missing.1, missing.3), (6, Some(3)));
    assert_eq!(missing.4, at(&file, b"4,x"));

    // Extra cells: the first one past the header.
    let extra = find(&found, "extra-cell");
    assert_eq!((extra.1, extra.3), (7, Some(4)));
    assert_eq!(extra.4, at(&file, b"extra"));

    let bom = find(&found, "bom-in-value");
    assert_eq!((bom.1, bom.2, bom.3), (8, 10, Some(3)));
    assert_eq!(bom.4, at(&file, b",\xEF\xBB\xBFz") + 1);
    assert_eq!(line_of(&file, bom.4), 11);

    // An unterminated quote: the opening quote.
    let open = find(&found, "unterminated-quote");
    assert_eq!((open.1, open.3), (10, Some(2)));
    assert_eq!(open.4, at(&file, b"\"open"));
    assert_eq!(found.len(), 7, "{found:?}");
}

#[test]
fn csv_header_offsets_count_the_bom() {
    let file = b"\xEF\xBB\xBFid,,id\r\n1,2,3\r\n";
    let (found, records) = read_csv(file, Limits::default());
    let blank = find(&found, "blank-label");
    assert_eq!((blank.1, blank.3, blank.4), (1, Some(2), 6));
    let dup = find(&found, "duplicate-label");
    assert_eq!((dup.1, dup.3, dup.4), (1, Some(3), 7));
    assert!(file[7..].starts_with(b"id\r\n"));
    assert_eq!(records, vec![(2, 11)]);
}

#[test]
fn csv_limit_offsets() {
    let limits = Limits {
        field_size: 5,
        columns: 3,
        ..Limits::default()
    };
    let file = b"a,b\r\n1,\"12\"\"3456789\"\r\n1,2,3,4,5\r\n";
    let (found, _) = read_csv(file, limits);
    let big = find(&found, "field-too-large");
    assert_eq!((big.1, big.3, big.4), (2, Some(2), at(file, b"\"12\"\"")));
    let wide = find(&found, "too-many-columns");
    assert_eq!((wide.1, wide.4), (3, at(file, b"1,2,3")));

    let limits = Limits {
        file_size: 12,
        ..Limits::default()
    };
    // Reported where reading stopped (row 3, line 3), whatever the chunk it stopped in.
    let (found, records) = read_csv(b"a,b\r\n1,2\r\n3,4\r\n", limits);
    let cut = find(&found, "file-too-large");
    assert_eq!((cut.1, cut.2, cut.4), (3, 3, 12));
    assert_eq!(records, vec![(2, 5)]);

    let (found, _) = read_csv(b"\xFF\xFEa\x00", Limits::default());
    assert_eq!(find(&found, "encoding-error").4, 0);
    let (found, _) = read_csv(b"\r\n\r\n", Limits::default());
    assert_eq!(find(&found, "empty-file").4, 0);
}

/// (rule name, row, line, column, offset) of each JSON finding.
fn read_json(file: &[u8], limits: Limits) -> (Vec<Found>, Vec<(u64, u64)>) {
    let out = read_json_slice(file, "t.json", &limits);
    let found = out
        .diagnostics
        .iter()
        .map(|d| {
            let offset = d.offset.unwrap_or_else(|| panic!("no offset: {d:?}"));
            (
                d.name.to_string(),
                d.row.unwrap_or(0),
                d.line.unwrap_or(0),
                d.column,
                offset,
            )
        })
        .collect();
    let records = out.records.iter().map(|r| (r.row, r.offset)).collect();
    (found, records)
}

#[test]
fn json_offsets_point_at_the_problem_with_crlf_and_a_bom() {
    let mut file: Vec<u8> = b"\xEF\xBB\xBF[\r\n".to_vec();
    file.extend_from_slice(b"  {\"a\": 1, \"a\": 2},\r\n");
    file.extend_from_slice(b"  {\"b\": \"x\xFFy\"},\r\n");
    file.extend_from_slice(b"  [1],\r\n");
    file.extend_from_slice(
        b"  {\"n\":\r\n    1.000000000000000005,\r\n    \"d\": [[\"deep\"]]},\r\n",
    );
    file.extend_from_slice(b"  {\"s\": \"\xEF\xBB\xBFz\"},\r\n");
    file.extend_from_slice(b"  {\"t\": 1},\r\n]\r\n");
    let limits = Limits {
        json_depth: 3,
        ..Limits::default()
    };
    let (found, records) = read_json(&file, limits);

    let dup = find(&found, "json-duplicate-key");
    assert_eq!((dup.1, dup.2), (1, 2));
    assert_eq!(dup.4, at(&file, b"\"a\": 2"));

    let enc = find(&found, "encoding-error");
    assert_eq!((enc.1, enc.2), (2, 3));
    assert_eq!(enc.4, at(&file, b"\xFF"));

    let item = find(&found, "json-not-records");
    assert_eq!((item.1, item.2, item.3), (3, 4, Some(3)));
    assert_eq!(item.4, at(&file, b"[1]"));

    let num = find(&found, "json-number-precision");
    assert_eq!((num.1, num.2, num.3), (4, 6, Some(5)));
    assert_eq!(num.4, at(&file, b"1.000000000000000005"));

    let deep = find(&found, "json-too-deep");
    assert_eq!((deep.1, deep.2), (4, 7));
    assert_eq!(deep.4, at(&file, b"[\"deep\"]"));

    let bom = find(&found, "bom-in-value");
    assert_eq!((bom.1, bom.2), (5, 8));
    assert_eq!(bom.4, at(&file, b"\"\xEF\xBB\xBFz"));

    let comma = find(&found, "json-syntax");
    assert_eq!((comma.1, comma.2, comma.3), (0, 9, Some(11)));
    assert_eq!(comma.4, at(&file, b",\r\n]"));
    assert_eq!(found.len(), 7, "{found:?}");

    // The records kept (row 2 and 4 are dropped, row 3 is no object): the offset of their `{`.
    assert_eq!(
        records,
        vec![
            (1, at(&file, b"{\"a\"")),
            (5, at(&file, b"{\"s\"")),
            (6, at(&file, b"{\"t\"")),
        ]
    );
}

#[test]
fn json_document_level_offsets() {
    let limits = Limits {
        file_size: 10,
        ..Limits::default()
    };
    let (found, _) = read_json(b"[{\"a\": 1}, {\"b\": 2}]", limits);
    assert_eq!(find(&found, "file-too-large").4, 10);

    let (found, _) = read_json(b"\xFF\xFE[\x00", Limits::default());
    assert_eq!(find(&found, "encoding-error").4, 0);

    let file = b"\xEF\xBB\xBF \r\n {\"a\": 1}";
    let (found, _) = read_json(file, Limits::default());
    assert_eq!(find(&found, "json-not-records").4, at(file, b"{"));

    let file = b"\xEF\xBB\xBF \r\n\t";
    let (found, _) = read_json(file, Limits::default());
    assert_eq!(find(&found, "empty-file").4, file.len() as u64);

    let file = b"[{\"a\": 1}] x";
    let (found, _) = read_json(file, Limits::default());
    assert_eq!(find(&found, "json-syntax").4, at(file, b"x"));
}
