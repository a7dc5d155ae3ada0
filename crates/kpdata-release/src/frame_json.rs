//! The JSON data file of a dataset, written straight from its [`Frame`]: one array of objects,
//! keys in column order, then a newline. Strings are escaped as `serde_json` escapes them,
//! integers as written by `itoa`, numbers by `serde_json` (shortest round-trip), booleans as
//! `true`/`false`, dates as `"YYYY-MM-DD"` (the cell, already checked to be a real calendar
//! day in that form), lists as arrays of their typed items, empty cells as `null`.

use kpdata_read::typing::{parse_integer, parse_number, split_array};

use crate::frame::{ColumnType, Frame};

/// The JSON bytes of `frame`; `Err` names a cell that does not have its column's type (a
/// frame built by [`Frame::from_input`] has none).
pub fn to_json(frame: &Frame) -> Result<Vec<u8>, String> {
    let keys: Vec<String> = frame
        .columns
        .iter()
        .map(|c| serde_json::to_string(&c.name).expect("a string serializes"))
        .collect();
    // Sized for the text plus every key, quote and separator: one allocation, no copying.
    let per_row: usize = keys.iter().map(|k| k.len() + 4).sum::<usize>() + 2;
    let mut out =
        Vec::with_capacity(frame.text_len() + frame.text_len() / 8 + frame.len() * per_row + 16);
    out.push(b'[');
    for row in 0..frame.len() {
        if row > 0 {
            out.push(b',');
        }
        out.push(b'{');
        for (c, col) in frame.columns.iter().enumerate() {
            if c > 0 {
                out.push(b',');
            }
            out.extend_from_slice(keys[c].as_bytes());
            out.push(b':');
            match frame.cell(row, c) {
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
    }
    out.extend_from_slice(b"]\n");
    Ok(out)
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
        Column {
            name: name.into(),
            ty,
            spec: None,
        }
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
}
