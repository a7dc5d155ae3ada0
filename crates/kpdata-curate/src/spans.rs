//! Where each field of a CSV file sits in its bytes, so a repair can replace one cell and leave
//! every other byte (quoting, line endings, the header) exactly as it was. Parsing is csv-core's;
//! this module only keeps the offsets.

use csv_core::{ReadFieldResult, Reader};

/// One field: its raw bytes `start..end` in the file (quotes included, delimiter and line end
/// excluded), whether it was quoted, and its decoded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub start: usize,
    pub end: usize,
    pub quoted: bool,
    pub value: Vec<u8>,
}

/// The records of a CSV file (the header is record 0), each a list of fields.
pub fn records(bytes: &[u8]) -> Vec<Vec<Field>> {
    let mut reader = Reader::new();
    let mut out = Vec::new();
    let mut record = Vec::new();
    let mut pos = 0usize;
    let mut field_start = 0usize;
    let mut value = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let (res, nin, nout) = reader.read_field(&bytes[pos..], &mut buf);
        value.extend_from_slice(&buf[..nout]);
        pos += nin;
        match res {
            ReadFieldResult::InputEmpty if pos < bytes.len() => {}
            ReadFieldResult::OutputFull => {}
            ReadFieldResult::InputEmpty => {
                // End of input inside a field: read_field with an empty input finishes it.
                let (res, _, nout) = reader.read_field(&[], &mut buf);
                value.extend_from_slice(&buf[..nout]);
                if let ReadFieldResult::Field { .. } = res {
                    record.push(make_field(
                        bytes,
                        field_start,
                        pos,
                        std::mem::take(&mut value),
                    ));
                    out.push(std::mem::take(&mut record));
                }
                break;
            }
            ReadFieldResult::Field { record_end } => {
                record.push(make_field(
                    bytes,
                    field_start,
                    pos,
                    std::mem::take(&mut value),
                ));
                if record_end {
                    out.push(std::mem::take(&mut record));
                    // csv-core leaves the rest of a CRLF (and blank lines) for the next call.
                    while pos < bytes.len() && (bytes[pos] == b'\n' || bytes[pos] == b'\r') {
                        pos += 1;
                    }
                }
                field_start = pos;
            }
            ReadFieldResult::End => break,
        }
    }
    out
}

/// The raw field between `start` and `consumed` with its delimiter or line end taken off.
fn make_field(bytes: &[u8], start: usize, consumed: usize, value: Vec<u8>) -> Field {
    let mut end = consumed;
    while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    if end > start && bytes[end - 1] == b',' && !ends_inside_quotes(&bytes[start..end]) {
        end -= 1;
    }
    let quoted = bytes.get(start) == Some(&b'"');
    Field {
        start,
        end,
        quoted,
        value,
    }
}

/// Whether a raw field that ends in `,` has that comma inside its quotes (`"a,` cannot be a
/// whole field, `"a,"` can).
fn ends_inside_quotes(raw: &[u8]) -> bool {
    if raw.first() != Some(&b'"') {
        return false;
    }
    // A quoted field is complete when it ends with an odd run of quotes after the opening one.
    let body = &raw[1..raw.len() - 1];
    let trailing = body.iter().rev().take_while(|b| **b == b'"').count();
    trailing % 2 == 0
}

/// The raw bytes of a field holding `value`, quoted if the original was or if it must be.
pub fn encode(value: &str, quoted: bool) -> Vec<u8> {
    let must = value
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
        || value.starts_with(' ')
        || value.ends_with(' ');
    if quoted || must {
        let mut out = Vec::with_capacity(value.len() + 2);
        out.push(b'"');
        out.extend_from_slice(value.replace('"', "\"\"").as_bytes());
        out.push(b'"');
        out
    } else {
        value.as_bytes().to_vec()
    }
}

/// `bytes` with each `(start, end, replacement)` applied (ranges must not overlap).
pub fn splice(bytes: &[u8], mut edits: Vec<(usize, usize, Vec<u8>)>) -> Vec<u8> {
    edits.sort_by_key(|e| e.0);
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    for (start, end, new) in edits {
        out.extend_from_slice(&bytes[at..start]);
        out.extend_from_slice(&new);
        at = end;
    }
    out.extend_from_slice(&bytes[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(bytes: &'a [u8], f: &Field) -> &'a [u8] {
        &bytes[f.start..f.end]
    }

    #[test]
    fn spans_cover_each_field_exactly() {
        for input in [
            &b"a,b\r\n\"x,\"\"y\",z\r\n1,\"2\"\r\n"[..],
            &b"a,b\n\"x,\"\"y\",z\n1,\"2\""[..],
            &b"a,b\r\"x,\"\"y\",z\r\n\n1,\"2\"\n"[..],
        ] {
            let recs = records(input);
            assert_eq!(recs.len(), 3, "{:?}", String::from_utf8_lossy(input));
            assert_eq!(raw(input, &recs[1][0]), b"\"x,\"\"y\"");
            assert_eq!(recs[1][0].value, b"x,\"y");
            assert!(recs[1][0].quoted);
            assert_eq!(raw(input, &recs[1][1]), b"z");
            assert_eq!(raw(input, &recs[2][1]), b"\"2\"");
            assert_eq!(recs[2][1].value, b"2");
        }
    }

    #[test]
    fn a_quoted_field_ending_in_a_comma_keeps_it() {
        let input = b"a,b\n\"x,\",y\n";
        let recs = records(input);
        assert_eq!(raw(input, &recs[1][0]), b"\"x,\"");
        assert_eq!(recs[1][0].value, b"x,");
    }

    #[test]
    fn splicing_one_field_changes_nothing_else() {
        let input = b"a,b\r\n\"x\",  y \r\n";
        let recs = records(input);
        let f = &recs[1][1];
        let out = splice(input, vec![(f.start, f.end, encode("y", f.quoted))]);
        assert_eq!(out, b"a,b\r\n\"x\",y\r\n");
        assert_eq!(encode("a\"b", false), b"\"a\"\"b\"");
    }
}
