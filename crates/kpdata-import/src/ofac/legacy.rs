//! The OFAC legacy CSV files (`sdn.csv`, `alt.csv`, `add.csv`): positional columns, `-0-`,
//! CRLF, the trailing 0x1A, program tags.

use crate::{ImportError, Result};

/// Reads a legacy OFAC CSV file into trimmed records with `-0-` turned into empty strings.
pub fn read_legacy(bytes: &[u8], columns: usize, file: &str) -> Result<Vec<Vec<String>>> {
    let mut body = bytes;
    if let Some(stripped) = body.strip_suffix(&[0x1A]) {
        body = stripped;
    }
    if let Some(i) = body.iter().position(|&b| b == 0x1A) {
        return Err(ImportError::new(format!(
            "{file}: a 0x1A byte at offset {i}, before the end of the file"
        )));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut out = Vec::new();
    for (i, rec) in rdr.byte_records().enumerate() {
        let rec = rec.map_err(|e| ImportError::new(format!("{file}: {e}")))?;
        if rec.len() != columns {
            return Err(ImportError::new(format!(
                "{file}: record {} has {} fields, expected {columns}",
                i + 1,
                rec.len()
            )));
        }
        let mut row = Vec::with_capacity(columns);
        for f in rec.iter() {
            let s = std::str::from_utf8(f).map_err(|_| {
                ImportError::new(format!("{file}: record {} is not UTF-8/ASCII", i + 1))
            })?;
            let s = s.trim_matches([' ', '\t', '\r', '\n']);
            row.push(if s == "-0-" {
                String::new()
            } else {
                s.to_string()
            });
        }
        out.push(row);
    }
    Ok(out)
}

pub(super) fn actor_type(sdn_type: &str) -> Option<&'static str> {
    Some(match sdn_type {
        "" => "organization",
        "individual" => "person",
        "vessel" => "vessel",
        "aircraft" => "aircraft",
        _ => return None,
    })
}

pub(super) fn split_programs(field: &str) -> Result<Vec<String>> {
    let tags: Vec<String> = field
        .split("] [")
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    for t in &tags {
        if t.contains(['[', ']']) {
            return Err(ImportError::new(format!(
                "program field {field:?}: cannot split it into tags"
            )));
        }
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_quirks() {
        let f = b"1,\"A\",-0- ,\"DPRK] [NPWMD\"\r\n2,\"B\",\"x\",-0-\r\n\x1a";
        let r = read_legacy(f, 4, "t").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0], ["1", "A", "", "DPRK] [NPWMD"]);
        assert_eq!(r[1][3], "");
        assert!(read_legacy(b"1,\x1a,2\r\n", 3, "t").is_err());
        assert_eq!(split_programs("DPRK] [NPWMD").unwrap(), ["DPRK", "NPWMD"]);
    }
}
