//! The CSV data file of a dataset, written straight from its [`Frame`] (RFC 4180): UTF-8
//! without a BOM, a header of the column names, records ended by CRLF, a field quoted only
//! when it holds `"`, `,`, CR or LF (a quote doubled inside), an empty field for a null.
//!
//! Cells are written as curated: ISO dates, numbers as written in the package, lists joined
//! with their schema's separator (the Table Schema in `datapackage.json` names it as the
//! field's `delimiter`). A frame has no empty non-null cells (an empty CSV cell is null), so
//! reading the file back gives the frame.

use std::io::Write;

use crate::frame::Frame;

/// Bytes gathered before each write to the destination.
const CHUNK: usize = 1 << 20;

/// The CSV bytes of `frame`.
pub fn to_csv(frame: &Frame) -> Vec<u8> {
    let mut out = Vec::new();
    write_csv(frame, &mut out).expect("writing to a Vec cannot fail");
    out
}

/// Writes the CSV of `frame` to `w` in chunks of about 1 MiB.
pub fn write_csv(frame: &Frame, w: &mut dyn Write) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("cannot write the CSV of `{}`: {e}", frame.name);
    let mut out = Vec::with_capacity(CHUNK + CHUNK / 4);
    for (i, col) in frame.columns.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        field(&mut out, &col.name);
    }
    out.extend_from_slice(b"\r\n");
    for row in 0..frame.len() {
        for (i, cell) in frame.row_cells(row).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            if let Some(text) = cell {
                field(&mut out, text);
            }
        }
        out.extend_from_slice(b"\r\n");
        if out.len() >= CHUNK {
            w.write_all(&out).map_err(failed)?;
            out.clear();
        }
    }
    w.write_all(&out).map_err(failed)
}

fn field(out: &mut Vec<u8>, text: &str) {
    let b = text.as_bytes();
    if !b.iter().any(|&c| matches!(c, b'"' | b',' | b'\r' | b'\n')) {
        out.extend_from_slice(b);
        return;
    }
    out.push(b'"');
    for &c in b {
        if c == b'"' {
            out.push(b'"');
        }
        out.push(c);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Column, ColumnType};

    #[test]
    fn quotes_only_what_rfc_4180_needs() {
        let frame = Frame::from_rows(
            "t",
            vec![
                Column::plain("id", ColumnType::String),
                Column::plain("a,b", ColumnType::String),
                Column::plain(
                    "l",
                    ColumnType::List {
                        item: Box::new(ColumnType::String),
                        separator: ";".into(),
                    },
                ),
            ],
            &[
                vec![Some("x"), Some("say \"hi\", then\r\nleave"), Some("p;q")],
                vec![Some("é"), None, Some(" lead")],
            ],
        );
        let got = String::from_utf8(to_csv(&frame)).unwrap();
        assert_eq!(
            got,
            "id,\"a,b\",l\r\nx,\"say \"\"hi\"\", then\r\nleave\",p;q\r\né,, lead\r\n"
        );
        // The csv crate reads it back to the same cells (an empty field is a null).
        let mut rdr = csv::ReaderBuilder::new().from_reader(got.as_bytes());
        let rows: Vec<Vec<String>> = rdr
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rows[0][1], "say \"hi\", then\r\nleave");
        assert_eq!(rows[1], vec!["é", "", " lead"]);
    }

    #[test]
    fn an_empty_frame_is_its_header() {
        let frame = Frame::from_rows("e", vec![Column::plain("a", ColumnType::String)], &[]);
        assert_eq!(to_csv(&frame), b"a\r\n");
    }
}
