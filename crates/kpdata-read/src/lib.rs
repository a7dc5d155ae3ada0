//! Readers that turn bytes into records with exact positions.
//!
//! - [`csv::CsvReader`]: a streaming RFC 4180 reader (UTF-8, header row) that yields
//!   [`Batch`]es of records. Every record carries its spreadsheet `row` (header = 1, blank lines
//!   count), the physical `line` where it starts (LF, CRLF and lone CR all end a line) and its
//!   byte offset. Structure and encoding problems (blank rows, ragged rows, stray or
//!   unterminated quotes, invalid UTF-8, limits) are reported as findings in the batch, in
//!   record order, and reading goes on.
//! - [`json`]: a strict JSON reader for arrays of records (duplicate keys, numbers that do not
//!   round-trip, depth limits and syntax errors are findings with line and column).
//! - [`Table`]: a whole CSV file in memory, for diffs and releases of small datasets.
//! - [`typing`]: how a CSV cell becomes a typed value according to the schema.
//!
//! Nothing here knows about rules beyond structure and encoding; schema and provenance checks
//! live in `kpdata-check`.

pub mod csv;
pub mod json;
mod table;
pub mod typing;

pub use csv::{Batch, Cell, CsvReader, RecordRef};
pub use table::{read_table, read_table_with, Record, Table};
