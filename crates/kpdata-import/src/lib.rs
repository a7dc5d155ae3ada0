//! kpdata-import: reproducible importers for the official lists behind the kpdata package, and
//! the generator of `docs/data-dictionary.md`.
//!
//! Everything here is a pure function from input bytes to in-memory [`Table`]s (or text): no
//! file system, no clock, no environment. The `kpdata import` command does the I/O.
//!
//! - [`un::import`]: the UN Security Council Consolidated List XML (the 1718 / DPRK entries).
//! - [`ofac::import`]: the OFAC SDN list in its legacy CSV form (`sdn.csv` + `alt.csv`); with
//!   [`ofac::links_from`] the UN import's IMO numbers, so that an OFAC entry whose IMO number is
//!   identical to a UN actor's becomes that actor (the only certain match; never names).
//! - [`uk::import`]: the UK consolidated list (OFSI/HMT ConList, xlsx or CSV), DPRK regime, from
//!   one or several snapshots (removals and additions between them as dated windows).
//! - [`unvotes::import`]: the UN General Assembly roll calls and country votes on the DPRK
//!   human-rights resolutions, from the extract CSVs of the `unvotes` data package.
//! - [`merge`]: combines freshly imported rows with the rows other imports wrote to the same
//!   dataset file (each import owns an id prefix, e.g. `act-un-`), in a stable order, so that
//!   running an import twice gives the same bytes whatever order the imports ran in.
//! - [`write_csv`]: the one CSV writer (UTF-8, LF, header row, quotes only where needed). It
//!   refuses cells that a spreadsheet would run as a formula instead of altering them.
//! - [`dictionary::data_dictionary`]: the data dictionary from the manifest, schemas and rows.

pub mod dates;
pub mod dictionary;
pub mod history;
pub mod ofac;
pub mod remarks;
pub mod script;
pub mod uk;
pub mod un;
mod un_facts;
pub mod unvotes;
mod xml;

pub use dictionary::data_dictionary;

/// An import failed: the input is not what the importer knows how to read faithfully.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ImportError {
    pub message: String,
}

impl ImportError {
    pub fn new(message: impl Into<String>) -> Self {
        ImportError {
            message: message.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, ImportError>;

/// One dataset's rows as produced by an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The dataset name (`actors`, `designations`...); written to `<out>/<name>.csv`.
    pub name: String,
    pub header: Vec<String>,
    /// Rows in output order; the first cell is the row's id.
    pub rows: Vec<Vec<String>>,
    /// Ids this import owns in the dataset: rows starting with it are replaced on re-import.
    pub owned_prefix: String,
}

impl Table {
    pub fn new(name: &str, header: &[&str], owned_prefix: &str) -> Self {
        Table {
            name: name.to_string(),
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            owned_prefix: owned_prefix.to_string(),
        }
    }

    /// Adds a row given as (column, value) pairs; every column of the header must be given once.
    pub(crate) fn push(&mut self, cells: &[(&str, String)]) -> Result<()> {
        let mut row = vec![None; self.header.len()];
        for (k, v) in cells {
            let i = self.header.iter().position(|h| h == k).ok_or_else(|| {
                ImportError::new(format!("internal: column `{k}` not in `{}`", self.name))
            })?;
            row[i] = Some(v.clone());
        }
        let row: Option<Vec<String>> = row.into_iter().collect();
        let row = row.ok_or_else(|| {
            ImportError::new(format!("internal: a `{}` row misses a column", self.name))
        })?;
        if !row[0].starts_with(&self.owned_prefix) {
            return Err(ImportError::new(format!(
                "internal: id `{}` outside the prefix `{}`",
                row[0], self.owned_prefix
            )));
        }
        self.rows.push(row);
        Ok(())
    }

    /// Sorts rows by id (natural order: `kpi-9` before `kpi-10`) and refuses duplicate ids.
    pub(crate) fn finish(mut self) -> Result<Table> {
        self.rows.sort_by(|a, b| natural_cmp(&a[0], &b[0]));
        for w in self.rows.windows(2) {
            if w[0][0] == w[1][0] {
                return Err(ImportError::new(format!(
                    "duplicate id `{}` in `{}`",
                    w[0][0], self.name
                )));
            }
        }
        Ok(self)
    }

    /// The values of one column, in row order.
    pub fn column(&self, name: &str) -> Vec<&str> {
        match self.header.iter().position(|h| h == name) {
            Some(i) => self.rows.iter().map(|r| r[i].as_str()).collect(),
            None => Vec::new(),
        }
    }
}

/// Orders strings with digit runs compared as numbers (`act-ofac-9345` < `act-ofac-12210`).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    if a.is_empty() || b.is_empty() {
        return a.cmp(b);
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for ((da, x), (db, y)) in ca.iter().zip(cb.iter()) {
        let ord = if *da && *db {
            let (xt, yt) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
            xt.len()
                .cmp(&yt.len())
                .then(xt.cmp(yt))
                .then(x.len().cmp(&y.len()))
        } else {
            x.cmp(y)
        };
        if ord != std::cmp::Ordering::Equal {
            return ord;
        }
    }
    ca.len().cmp(&cb.len()).then(a.cmp(b))
}

/// Hex sha256 of some bytes (how sources are registered and found again).
pub use kpdata_base::sha256_hex;

/// Combines an existing dataset file (if any) with freshly imported rows: rows of the file whose
/// id starts with the import's `owned_prefix` are replaced, all others are kept; the result is
/// sorted by id. The existing file must have exactly the import's header.
pub fn merge(existing: Option<&[u8]>, imported: &Table) -> Result<Table> {
    let mut out = imported.clone();
    if let Some(bytes) = existing {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes);
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| ImportError::new(format!("{}.csv: {e}", imported.name)))?
            .iter()
            .map(str::to_string)
            .collect();
        if header != imported.header {
            return Err(ImportError::new(format!(
                "{}.csv has the columns [{}], the import writes [{}]",
                imported.name,
                header.join(", "),
                imported.header.join(", ")
            )));
        }
        for rec in rdr.records() {
            let rec = rec.map_err(|e| ImportError::new(format!("{}.csv: {e}", imported.name)))?;
            let row: Vec<String> = rec.iter().map(str::to_string).collect();
            if !row[0].starts_with(&imported.owned_prefix) {
                out.rows.push(row);
            }
        }
    }
    out.finish()
}

/// Reads a dataset file (header row, RFC 4180) into a [`Table`] named `name` that owns nothing.
pub fn read_table(bytes: &[u8], name: &str) -> Result<Table> {
    let err = |e: csv::Error| ImportError::new(format!("{name}.csv: {e}"));
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let header = rdr
        .headers()
        .map_err(err)?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        rows.push(rec.map_err(err)?.iter().map(str::to_string).collect());
    }
    Ok(Table {
        name: name.to_string(),
        header,
        rows,
        owned_prefix: String::new(),
    })
}

/// The `source_id` of the registry row (`sources.csv`, with `source_id` and `sha256` columns)
/// whose sha256 is `sha256_hex`. Two rows with the same hash but different ids are fine (one
/// archived file registered once per public address); the first in file order is returned.
pub fn find_source_by_sha256(registry_csv: &[u8], sha256_hex: &str) -> Result<Option<String>> {
    let mut rdr = csv::ReaderBuilder::new().from_reader(registry_csv);
    let err = |e: csv::Error| ImportError::new(format!("sources.csv: {e}"));
    let header = rdr.headers().map_err(err)?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ImportError::new(format!("sources.csv has no `{name}` column")))
    };
    let (id, sha) = (col("source_id")?, col("sha256")?);
    for rec in rdr.records() {
        let rec = rec.map_err(err)?;
        if rec
            .get(sha)
            .is_some_and(|s| s.eq_ignore_ascii_case(sha256_hex))
        {
            return Ok(rec.get(id).map(str::to_string));
        }
    }
    Ok(None)
}

/// Characters a spreadsheet may treat as the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Writes a table as CSV: UTF-8, LF line ends, header row, fields quoted only where needed.
/// A cell that starts with `=`, `+`, `-`, `@`, TAB or CR is an error: published names are never
/// altered, so a human must decide what to do with such a value.
pub fn write_csv(table: &Table) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    let err = |e: csv::Error| ImportError::new(format!("{}.csv: {e}", table.name));
    w.write_record(&table.header).map_err(err)?;
    for row in &table.rows {
        if row.len() != table.header.len() {
            return Err(ImportError::new(format!(
                "{}.csv: row `{}` has {} cells for {} columns",
                table.name,
                row[0],
                row.len(),
                table.header.len()
            )));
        }
        for (h, cell) in table.header.iter().zip(row) {
            if cell.starts_with(FORMULA_START) {
                return Err(ImportError::new(format!(
                    "{}.csv: row `{}`, column `{h}` starts with a formula character: {:?}; \
                     refusing to write it (decide by hand how to publish this value)",
                    table.name, row[0], cell
                )));
            }
        }
        w.write_record(row).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| ImportError::new(format!("{}.csv: {e}", table.name)))
}

/// Collapses runs of ASCII whitespace (space, TAB, CR, LF) into one space and trims the ends.
/// Line breaks inside XML text are layout, not content; other characters are kept as published.
pub(crate) fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for part in s.split([' ', '\t', '\r', '\n']).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// Names must already be in Unicode NFC (they are published as they are; we never rewrite them).
pub(crate) fn check_nfc(what: &str, s: &str) -> Result<()> {
    use unicode_normalization::UnicodeNormalization;
    if s.nfc().collect::<String>() != s {
        return Err(ImportError::new(format!(
            "{what}: {s:?} is not in Unicode NFC; check the source before publishing it"
        )));
    }
    Ok(())
}

/// IMO ship number check: 7 digits, digits 1-6 weighted 7..2, sum mod 10 = digit 7.
pub use kpdata_base::ident::is_imo_number as imo_valid;

/// The 7-digit numbers labelled IMO in a free text, in order, without repeats. Accepted labels
/// (all seen in the lists): `IMO 1234567` (OFAC: "Vessel Registration Identification IMO",
/// "Company Number IMO", "Identification Number IMO"), `IMO number: 1234567`,
/// `IMO Number: 1234567`, `(IMO) Number: 1234567` (UN COMMENTS1), `(IMO number):1234567` (UK
/// Other Information). Numbers of another length are not taken.
pub fn imo_numbers(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("IMO") {
        let mut rest = &text[from + i + 3..];
        from += i + 3;
        rest = rest.strip_prefix(')').unwrap_or(rest);
        for label in [" number:", " Number:", " number):"] {
            rest = rest.strip_prefix(label).unwrap_or(rest);
        }
        // `IMO 1234567`, `IMO number: 1234567`, `(IMO number):1234567` (UK).
        let Some(rest) = rest.strip_prefix(' ').or_else(|| {
            (text[..from].ends_with("(IMO") && rest.len() < text.len() - from).then_some(rest)
        }) else {
            continue;
        };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 7 && !out.iter().any(|x| x == &rest[..7]) {
            out.push(rest[..7].to_string());
        }
    }
    out
}

// Column layouts shared by the importers (the schemas in `schemas/` describe each column).

pub const ACTORS: &[&str] = &[
    "actor_id",
    "actor_type",
    "primary_name",
    "title",
    "nationality",
    "vessel_type",
    "vessel_flag",
    "vessel_tonnage",
    "vessel_grt",
    "vessel_owner",
    "remarks",
    "source_ids",
    "sensitivity",
];

pub const ACTOR_NAMES: &[&str] = &[
    "name_id",
    "actor_id",
    "name",
    "name_type",
    "script",
    "source_quality",
    "note",
    "source_ids",
    "sensitivity",
];

pub const ACTOR_IDENTIFIERS: &[&str] = &[
    "identifier_id",
    "actor_id",
    "scheme",
    "value",
    "note",
    "source_ids",
    "sensitivity",
];

pub const DESIGNATIONS: &[&str] = &[
    "designation_id",
    "actor_id",
    "authority",
    "programs",
    "instrument_id",
    "action",
    "action_date",
    "date_kind",
    "authority_ref",
    "window_start",
    "window_end",
    "note",
    "source_ids",
    "sensitivity",
];

pub const ACTOR_FACTS: &[&str] = &[
    "fact_id",
    "actor_id",
    "kind",
    "value",
    "date",
    "date_to",
    "date_qualifier",
    "locator",
    "note",
    "source_ids",
    "sensitivity",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut v = vec!["a-10", "a-9", "a-09x", "b", "a-100", "a-1"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["a-1", "a-9", "a-09x", "a-10", "a-100", "b"]);
    }

    #[test]
    fn imo_labels() {
        assert_eq!(
            imo_numbers(
                "Vessel Registration Identification IMO 8514435; x IMO 12345678; IMO number: 5936312. \
                 International Maritime Organization (IMO) Number: 1790183. IMO Number: 5936312"
            ),
            ["8514435", "5936312", "1790183"]
        );
        assert_eq!(
            imo_numbers("(UN Ref KPe.056) (IMO number):8712362 (Current owners)"),
            ["8712362"]
        );
        assert!(imo_numbers("IMO number):8712362").is_empty());
        assert!(imo_numbers("IMO 123456.").is_empty());
    }

    #[test]
    fn whitespace_collapse() {
        assert_eq!(collapse_ws("  A\n B\t\tC "), "A B C");
    }

    #[test]
    fn csv_refuses_formula_cells_and_writes_lf() {
        let mut t = Table::new("t", &["id", "v"], "x-");
        t.push(&[("id", "x-1".into()), ("v", "a,b".into())])
            .unwrap();
        assert_eq!(write_csv(&t).unwrap(), b"id,v\nx-1,\"a,b\"\n");
        t.push(&[("id", "x-2".into()), ("v", "=1+1".into())])
            .unwrap();
        assert!(write_csv(&t).unwrap_err().message.contains("formula"));
    }

    #[test]
    fn merge_keeps_other_imports_and_sorts() {
        let mut t = Table::new("t", &["id", "v"], "x-");
        t.push(&[("id", "x-10".into()), ("v", "new".into())])
            .unwrap();
        let existing = b"id,v\nx-10,old\ny-2,keep\nx-3,gone\n";
        let m = merge(Some(existing), &t).unwrap();
        assert_eq!(
            m.rows,
            vec![
                vec!["x-10".to_string(), "new".into()],
                vec!["y-2".into(), "keep".into()]
            ]
        );
        assert!(merge(Some(b"id,w\n"), &t).is_err());
    }
}
