//! Reading one snapshot of the UK list: the workbook or the CSV, row 1 (as-of date), the
//! header (every column known, the required ones present) and the DPRK rows.

use crate::dates::iso_partial;
use crate::{ImportError, Result};

use super::Row;

const REGIMES: &[&str] = &[
    "Democratic People's Republic of Korea",
    "North Korea (Democratic People's Republic of Korea)",
];

const REQUIRED: &[&str] = &[
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Title",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Details",
    "Position",
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Last Updated",
    "Group ID",
];

const OPTIONAL: &[&str] = &[
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
    "Passport Number",
    "National Identification Number",
    "National Identification Details",
    "NI Number",
    "Alias Quality",
    "UK Sanctions List Date Designated",
];

/// One snapshot of the list: its as-of date and the DPRK rows (file row number, cells).
pub struct Snapshot {
    pub as_of: String,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

impl Snapshot {
    pub(crate) fn get<'a>(&self, row: &'a [String], col: &str) -> &'a str {
        self.header
            .iter()
            .position(|h| h == col)
            .map(|i| row[i].trim())
            .unwrap_or("")
    }
}

/// `DD/MM/YYYY` (with `00` for unknown parts) → a partial date.
pub(crate) fn uk_date(s: &str) -> Option<String> {
    if s.len() == 4 {
        // A year alone (`1931`), as some DOB cells are.
        return iso_partial(s).filter(|y| y.len() == 4);
    }
    let p: Vec<&str> = s.split('/').collect();
    let [d, m, y] = p.as_slice() else { return None };
    if d.len() != 2 || m.len() != 2 || y.len() != 4 {
        return None;
    }
    let iso = match (*d, *m) {
        ("00", "00") => y.to_string(),
        ("00", m) => format!("{y}-{m}"),
        (d, m) => format!("{y}-{m}-{d}"),
    };
    if iso.len() == 7 {
        let m: u32 = iso[5..].parse().ok()?;
        return (iso_partial(&iso[..4]).is_some() && (1..=12).contains(&m)).then_some(iso);
    }
    iso_partial(&iso)
}

/// Reads a snapshot from `.xlsx` bytes (calamine) or CSV bytes (UTF-8, else Windows-1252).
pub fn read(bytes: &[u8], xlsx: bool) -> Result<Snapshot> {
    let grid: Vec<Vec<String>> = if xlsx {
        use calamine::{Data, Reader, Xlsx};
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e| ImportError::new(format!("not a readable workbook: {e}")))?;
        let name = wb
            .sheet_names()
            .first()
            .cloned()
            .ok_or_else(|| ImportError::new("the workbook has no sheet"))?;
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| ImportError::new(format!("sheet {name}: {e}")))?;
        let mut grid = Vec::new();
        for (i, r) in range.rows().enumerate() {
            let mut row = Vec::with_capacity(r.len());
            for c in r {
                row.push(match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    other => {
                        return Err(ImportError::new(format!(
                            "sheet {name} row {}: a cell that is not text ({other:?}); the list is published as text",
                            i + 1
                        )))
                    }
                });
            }
            grid.push(row);
        }
        grid
    } else {
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.to_string(),
            Err(_) => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut grid = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| ImportError::new(format!("CSV: {e}")))?;
            grid.push(rec.iter().map(str::to_string).collect());
        }
        grid
    };
    let first = grid
        .first()
        .ok_or_else(|| ImportError::new("the file is empty"))?;
    let as_of = match (first.first().map(String::as_str), first.get(1)) {
        (Some("Last Updated"), Some(d)) => uk_date(d.trim()).filter(|d| d.len() == 10),
        _ => None,
    }
    .ok_or_else(|| ImportError::new("row 1 is not `Last Updated,DD/MM/YYYY`"))?;
    let header: Vec<String> = grid
        .get(1)
        .ok_or_else(|| ImportError::new("no header row"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    for h in &header {
        if !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()) {
            return Err(ImportError::new(format!(
                "the header has the unknown column {h:?}; nothing was imported"
            )));
        }
    }
    if let Some(m) = REQUIRED.iter().find(|c| !header.iter().any(|h| h == *c)) {
        return Err(ImportError::new(format!(
            "the header lacks the column {m:?}; nothing was imported"
        )));
    }
    let regime = header.iter().position(|h| h == "Regime").expect("required");
    let mut rows = Vec::new();
    for (i, r) in grid.into_iter().enumerate().skip(2) {
        if r.iter().all(|c| c.is_empty()) {
            continue;
        }
        if !REGIMES.contains(&r.get(regime).map(|s| s.trim()).unwrap_or("")) {
            continue;
        }
        if r.len() != header.len() {
            return Err(ImportError::new(format!(
                "row {}: {} cells for {} columns",
                i + 1,
                r.len(),
                header.len()
            )));
        }
        rows.push((i + 1, r));
    }
    Ok(Snapshot {
        as_of,
        header,
        rows,
    })
}

/// The reference after `label` in `text` (`(UN Ref):KPe.018`, `UN Ref KPe.018`).
pub(crate) fn reference_after(text: &str, label: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(label) {
        from += i + label.len();
        // `UN Reference Number: UN Ref KPe.034`: the label must end where the word ends.
        if !text[from..].starts_with([')', ':', ' ', '.']) {
            continue;
        }
        let rest = text[from..].trim_start_matches([')', ':', ' ', '.']);
        let token: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        let token = token.trim_end_matches('.').to_string();
        if !token.is_empty() && !out.contains(&token) {
            out.push(token);
        }
    }
    out
}
