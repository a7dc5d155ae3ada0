//! The JSON data file of a dataset, written straight from its [`Frame`]: one array of objects,
//! keys in column order, then a newline. Strings are escaped as `serde_json` escapes them,
//! integers as written by `itoa`, numbers by `serde_json` (shortest round-trip), booleans as
//! `true`/`false`, dates as `"YYYY-MM-DD"` (the cell, already checked to be a real calendar
//! day in that form), lists as arrays of their typed items, empty cells as `null`.

use std::io::Write;

use kpdata_read::typing::{parse_integer, parse_number, split_array};

use crate::frame::{ColumnType, Frame};

/// The JSON bytes of `frame`; `Err` names a cell that does not have its column's type (a
/// frame built by [`Frame::from_input`] has none).
pub fn to_json(frame: &Frame) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    write_json(frame, &mut out)?;
    Ok(out)
}

/// Bytes gathered before each write to the destination.
const CHUNK: usize = 1 << 20;

/// Writes the JSON of `frame` to `w` in chunks of about 1 MiB (a release streams its largest
/// files this way instead of holding them). `Err` names a cell that does not have its
/// column's type, or says why `w` failed.
pub fn write_json(frame: &Frame, w: &mut dyn Write) -> Result<(), String> {
    let keys: Vec<String> = frame
        .columns
        .iter()
        .map(|c| serde_json::to_string(&c.name).expect("a string serializes"))
        .collect();
    let failed = |e: std::io::Error| format!("cannot write the JSON of `{}`: {e}", frame.name);
    let mut out = Vec::with_capacity(CHUNK + CHUNK / 4);
    out.push(b'[');
    for row in 0..frame.len() {
        if row > 0 {
            out.push(b',');
        }
        out.push(b'{');
        for (c, (col, cell)) in frame.columns.iter().zip(frame.row_cells(row)).enumerate() {
            if c > 0 {
                out.push(b',');
            }
            out.extend_from_slice(keys[c].as_bytes());
            out.push(b':');
            match cell {
                None => out.extend_from_slice(b"null"),
                Some(text) => value(&mut out, &col.ty, text).map_err(|e| {
                    format!(
                        "dataset `{}`, field `{}`, record {}: {e}",
                        frame.name,
                        col.name,
                        row + 1
                    )
                })?,
            }
        }
        out.push(b'}');
        if out.len() >= CHUNK {
            w.write_all(&out).map_err(failed)?;
            out.clear();
        }
    }
    out.extend_from_slice(b"]\n");
    w.write_all(&out).map_err(failed)
}

fn value(out: &mut Vec<u8>, ty: &ColumnType, text: &str) -> Result<(), String> {
    let wrong = || format!("`{text}` is not {}", ty.describe());
    match ty {
        ColumnType::String | ColumnType::Date => string(out, text),
        ColumnType::Integer => {
            let n = parse_integer(text)
                .and_then(|n| n.as_i64())
                .ok_or_else(wrong)?;
            out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
        }
        ColumnType::Number => {
            let n = parse_number(text)
                .and_then(|n| n.as_f64())
                .filter(|f| f.is_finite())
                .ok_or_else(wrong)?;
            serde_json::to_writer(&mut *out, &n).map_err(|e| e.to_string())?;
        }
        ColumnType::Boolean => match text {
            "true" | "false" => out.extend_from_slice(text.as_bytes()),
            _ => return Err(wrong()),
        },
        ColumnType::List { item, separator } => {
            out.push(b'[');
            for (i, part) in split_array(text, separator).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                value(out, item, part)?;
            }
            out.push(b']');
        }
    }
    Ok(())
}

fn string(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Column;

    fn col(name: &str, ty: ColumnType) -> Column {
        Column::plain(name, ty)
    }

    #[test]
    fn typed_values_nulls_and_escapes() {
        let list = |item| ColumnType::List {
            item: Box::new(item),
            separator: ";".into(),
        };
        let frame = Frame::from_rows(
            "t",
            vec![
                col("s\"", ColumnType::String),
                col("i", ColumnType::Integer),
                col("n", ColumnType::Number),
                col("b", ColumnType::Boolean),
                col("d", ColumnType::Date),
                col("l", list(ColumnType::Integer)),
                col("ls", list(ColumnType::String)),
            ],
            &[
                vec![
                    Some("a\"\\\n\u{1}é"),
                    Some("-7"),
                    Some("1.5e3"),
                    Some("true"),
                    Some("2016-02-29"),
                    Some("1;2"),
                    Some("x;;y"),
                ],
                vec![None, None, None, None, None, None, None],
            ],
        );
        let got = String::from_utf8(to_json(&frame).unwrap()).unwrap();
        assert_eq!(
            got,
            "[{\"s\\\"\":\"a\\\"\\\\\\n\\u0001é\",\"i\":-7,\"n\":1500.0,\"b\":true,\"d\":\"2016-02-29\",\"l\":[1,2],\"ls\":[\"x\",\"\",\"y\"]},\
             {\"s\\\"\":null,\"i\":null,\"n\":null,\"b\":null,\"d\":null,\"l\":null,\"ls\":null}]\n"
        );
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v[0]["ls"], serde_json::json!(["x", "", "y"]));
        let empty = Frame::from_rows("e", vec![col("a", ColumnType::String)], &[]);
        assert_eq!(to_json(&empty).unwrap(), b"[]\n");
        let bad = Frame::from_rows("b", vec![col("i", ColumnType::Integer)], &[vec![Some("x")]]);
        assert!(to_json(&bad).unwrap_err().contains("field `i`, record 1"));
    }

    /// Records the size of every write.
    struct Writes(Vec<u8>, Vec<usize>);

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.extend_from_slice(buf);
            self.1.push(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn large_frames_are_written_in_chunks_with_the_same_bytes() {
        let long = "x".repeat(1000);
        let rows: Vec<Vec<Option<&str>>> = (0..3000).map(|_| vec![Some(long.as_str())]).collect();
        let frame = Frame::from_rows("big", vec![col("s", ColumnType::String)], &rows);
        let mut w = Writes(Vec::new(), Vec::new());
        write_json(&frame, &mut w).unwrap();
        assert_eq!(w.0, to_json(&frame).unwrap());
        // `{"s":"x…"}` is 1,008 bytes; 2,999 commas; `[` and `]\n`.
        assert_eq!(w.0.len(), 3000 * 1008 + 2999 + 3);
        // About 1 MiB a write: the file is never held whole.
        assert_eq!(w.1.len(), 3);
        assert!(w.1.iter().all(|&n| n <= CHUNK + 1100), "{:?}", w.1);
        let v: serde_json::Value = serde_json::from_slice(&w.0).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 3000);
    }

    struct Broken;

    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn write_errors_name_the_dataset() {
        let frame = Frame::from_rows("d", vec![col("a", ColumnType::String)], &[vec![None]]);
        let e = write_json(&frame, &mut Broken).unwrap_err();
        assert_eq!(e, "cannot write the JSON of `d`: disk full");
    }
}
