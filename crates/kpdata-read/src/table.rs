use std::io::Read;

use kpdata_diagnostics::Diagnostic;
use kpdata_package::Limits;

use crate::csv::{Batch, Cell, CsvReader};

/// One CSV record in memory. `values` is aligned with the table's header: `None` for an empty,
/// missing or unreadable cell, `Some(text)` otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub row: u64,
    pub line: u64,
    pub values: Vec<Option<String>>,
}

/// A whole CSV file in memory (datasets are small; validation itself streams).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub path: String,
    pub header: Vec<String>,
    pub records: Vec<Record>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The value of `field` in `record`, if the column exists and the cell is not empty.
    pub fn get<'a>(&self, record: &'a Record, field: &str) -> Option<&'a str> {
        let i = self.column(field)?;
        record.values.get(i)?.as_deref()
    }
}

/// Reads a whole CSV into a [`Table`], with the reader's structure and encoding findings.
/// An I/O error is returned as `Err`; bad content never is.
pub fn read_table(
    input: impl Read,
    path: &str,
    limits: &Limits,
) -> std::io::Result<(Table, Vec<Diagnostic>)> {
    let mut diags = Vec::new();
    let table = read_table_with(input, path, limits, &mut |d| diags.push(d))?;
    Ok((table, diags))
}

/// [`read_table`] handing each finding to `on_diag` as it is read (which may count or drop
/// them: a file of blank lines has a finding per line).
pub fn read_table_with(
    input: impl Read,
    path: &str,
    limits: &Limits,
    on_diag: &mut dyn FnMut(Diagnostic),
) -> std::io::Result<Table> {
    let mut reader = CsvReader::new(input, path, limits);
    let mut table = Table {
        path: path.to_string(),
        ..Table::default()
    };
    let mut batch = Batch::default();
    loop {
        let more = reader.next_batch(&mut batch)?;
        batch.diagnostics.drain(..).for_each(&mut *on_diag);
        for rec in batch.records() {
            let width = reader.header().map(|h| h.len()).unwrap_or(rec.len());
            let values = (0..width)
                .map(|i| match rec.cell(i) {
                    Cell::Value(v) if !v.is_empty() => Some(v.to_string()),
                    _ => None,
                })
                .collect();
            table.records.push(Record {
                row: rec.row,
                line: rec.line,
                values,
            });
        }
        if !more {
            break;
        }
    }
    table.header = reader.header().map(|h| h.to_vec()).unwrap_or_default();
    Ok(table)
}
