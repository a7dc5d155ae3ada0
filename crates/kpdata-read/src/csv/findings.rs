//! Findings: every structure, encoding and limit finding the CSV reader makes, with its
//! position. A finding on a record has the record's row, line and byte offset; a finding on a
//! cell also has its column, its header label (once the header is known) and, as offset, the
//! byte where the cell starts in the file (its opening quote if quoted).

use std::io::Read;

use kpdata_diagnostics::rules::{limits as lim, structure as st};
use kpdata_diagnostics::{escape_value, Diagnostic, Rule};

use super::record::Place;
use super::{Assembly, CellKind, CellSpan, CsvReader, Doc};

impl Doc {
    fn finding(&self, rule: &'static Rule, msg: String) -> Diagnostic {
        Diagnostic::new(rule, msg).path(self.path.clone())
    }

    /// A finding on the record at `at` (offset: where the record starts).
    fn on_record(&self, rule: &'static Rule, msg: String, at: Place) -> Diagnostic {
        self.finding(rule, msg)
            .row(at.row)
            .line(at.line)
            .offset(at.byte)
    }

    /// A finding on cell `i` (0-based) of the record at `at`, whose bytes start at `offset`.
    fn on_cell(
        &self,
        rule: &'static Rule,
        msg: String,
        at: Place,
        i: usize,
        offset: u64,
    ) -> Diagnostic {
        let d = self
            .on_record(rule, msg, at)
            .column(i as u64 + 1)
            .offset(offset);
        match self.label(i) {
            Some(l) => d.field(l),
            None => d,
        }
    }

    /// The header label of column `i`, if the header is known and the label is not empty.
    fn label(&self, i: usize) -> Option<String> {
        self.header
            .as_ref()
            .and_then(|h| h.get(i))
            .filter(|l| !l.is_empty())
            .cloned()
    }

    /// Reading stopped at `limits.file_size`, on physical line `line` in the row after the
    /// last one read (offset: the first byte not read).
    pub(super) fn file_too_large(&self, line: u64) -> Diagnostic {
        let msg = format!(
            "the input is larger than {} bytes (limits.file_size); reading stopped there",
            self.limits.file_size
        );
        self.finding(&lim::FILE_TOO_LARGE, msg)
            .row(self.rows + 1)
            .line(line)
            .offset(self.limits.file_size)
    }

    pub(super) fn utf16(&self) -> Diagnostic {
        let msg =
            "the file is UTF-16 or UTF-32 (a byte-order mark or NUL bytes at byte 0), not UTF-8";
        self.finding(&st::ENCODING_ERROR, msg.into())
            .row(1)
            .line(1)
            .offset(0)
            .hint("save the file as UTF-8")
    }

    /// No header row: `empty` when the file has no byte at all.
    pub(super) fn empty_file(&self, empty: bool) -> Diagnostic {
        let msg = if empty {
            "the file is empty"
        } else {
            "the file has no header row (only blank lines)"
        };
        self.finding(&st::EMPTY_FILE, msg.into())
            .row(1)
            .line(1)
            .offset(0)
    }

    pub(super) fn blank_row(&self, fields: usize, at: Place) -> Diagnostic {
        let what = if fields <= 1 {
            "the line is empty"
        } else {
            "every cell of the row is empty"
        };
        self.on_record(&st::BLANK_ROW, what.into(), at)
    }

    pub(super) fn too_many_columns(&self, at: Place) -> Diagnostic {
        let msg = format!(
            "the row has more than {} cells; the rest were ignored",
            self.limits.columns
        );
        self.on_record(&lim::TOO_MANY_COLUMNS, msg, at)
    }

    pub(super) fn label_too_large(&self, at: Place, i: usize, offset: u64) -> Diagnostic {
        let msg = format!(
            "header cell {} is larger than {} bytes",
            i + 1,
            self.limits.field_size
        );
        self.on_cell(&lim::FIELD_TOO_LARGE, msg, at, i, offset)
    }

    /// Blank, duplicate and BOM-carrying labels of header cell `i` (`readable`: its bytes were
    /// UTF-8 and not too large, so an empty label really is blank).
    pub(super) fn label_findings(
        &self,
        labels: &[String],
        i: usize,
        readable: bool,
        at: Place,
        offset: u64,
        out: &mut Vec<Diagnostic>,
    ) {
        let l = &labels[i];
        if l.is_empty() {
            if readable {
                let msg = format!("header cell {} is empty", i + 1);
                out.push(self.on_cell(&st::BLANK_LABEL, msg, at, i, offset));
            }
        } else if let Some(first) = labels[..i].iter().position(|o| o == l) {
            let msg = format!(
                "the label `{}` is already used by column {}",
                escape_value(l, 80),
                first + 1
            );
            out.push(
                self.on_cell(&st::DUPLICATE_LABEL, msg, at, i, offset)
                    .field(l.clone()),
            );
        }
        if l.contains('\u{FEFF}') {
            let msg = format!(
                "the label `{}` contains a byte-order mark (U+FEFF)",
                escape_value(l, 80)
            );
            out.push(self.on_cell(&st::BOM_IN_VALUE, msg, at, i, offset));
        }
    }

    pub(super) fn cell_too_large(&self, at: Place, i: usize, offset: u64) -> Diagnostic {
        let msg = format!(
            "the cell is larger than {} bytes (limits.field_size)",
            self.limits.field_size
        );
        self.on_cell(&lim::FIELD_TOO_LARGE, msg, at, i, offset)
    }

    pub(super) fn bom_in_cell(&self, at: Place, i: usize, offset: u64) -> Diagnostic {
        let msg = "the cell contains a byte-order mark (U+FEFF)";
        self.on_cell(&st::BOM_IN_VALUE, msg.into(), at, i, offset)
    }

    /// The row has `n` cells, fewer than the header (offset: where the record starts).
    pub(super) fn missing_cells(&self, at: Place, n: usize) -> Diagnostic {
        let header = self.header.as_deref().unwrap_or_default();
        let missing: Vec<String> = header[n..]
            .iter()
            .map(|l| format!("`{}`", escape_value(l, 40)))
            .collect();
        let msg = format!(
            "the row has {n} cells but the header has {}; missing: {}",
            header.len(),
            shorten_list(&missing)
        );
        self.on_cell(&st::MISSING_CELL, msg, at, n, at.byte)
    }

    /// The row has `n` cells, more than the header's `width`; `extra` are the cells past the
    /// header (their text in `text`), the first of which starts at `offset`.
    pub(super) fn extra_cells(
        &self,
        at: Place,
        n: usize,
        width: usize,
        offset: u64,
        extra: &[CellSpan],
        text: &str,
    ) -> Diagnostic {
        let shown: Vec<String> = extra
            .iter()
            .map(|c| match c.kind {
                CellKind::Invalid => "(unreadable)".to_string(),
                CellKind::Value => format!("`{}`", escape_value(&text[c.start..c.end], 40)),
            })
            .collect();
        let msg = format!(
            "the row has {n} cells but the header has {width}; extra: {}",
            shorten_list(&shown)
        );
        self.on_cell(&st::EXTRA_CELL, msg, at, width, offset)
    }

    /// The quoted field in progress at the end of the input (offset: its opening quote).
    pub(super) fn unterminated_quote(&self, rec: &Assembly, abs: u64) -> Diagnostic {
        let start = rec.field.raw_start;
        let msg = format!(
            "the quoted field that starts at byte {start} is never closed; the rest of the file ({} bytes) was read into it",
            abs - start
        );
        self.pending_on_cell(&st::UNTERMINATED_QUOTE, msg, rec.fields.len(), start)
    }

    /// A finding on cell `i` of the record being read; its row and line are set when the
    /// record ends.
    fn pending_on_cell(
        &self,
        rule: &'static Rule,
        msg: String,
        i: usize,
        offset: u64,
    ) -> Diagnostic {
        let d = self.finding(rule, msg).column(i as u64 + 1).offset(offset);
        match self.label(i) {
            Some(l) => d.field(l),
            None => d,
        }
    }

    /// Field `i` of `rec` is not UTF-8 (`err` says where). The message gives the file offset
    /// of the first bad byte and a guess at the encoding.
    pub(super) fn encoding(
        &self,
        rec: &Assembly,
        i: usize,
        err: std::str::Utf8Error,
        at: Place,
    ) -> Diagnostic {
        let bytes = rec.field_bytes(i);
        let f = rec.fields[i];
        let upto = err.valid_up_to();
        // Map the offset in the unescaped value back to the file: a quoted field has an
        // opening quote, and each `"` in the value was written as `""`.
        let raw = if f.quoted {
            f.raw_start
                + 1
                + upto as u64
                + bytes[..upto].iter().filter(|&&b| b == b'"').count() as u64
        } else {
            f.raw_start + upto as u64
        };
        let bad = &bytes[upto..bytes
            .len()
            .min(upto + err.error_len().unwrap_or(bytes.len() - upto).max(1))];
        let hexes: Vec<String> = bad.iter().map(|b| format!("0x{b:02X}")).collect();
        let guess = guess_encoding(bytes[upto], bytes.get(upto + 1).copied().unwrap_or(0));
        let msg = format!("invalid UTF-8 at byte {raw}: {}{guess}", hexes.join(" "));
        self.on_cell(&st::ENCODING_ERROR, msg, at, i, f.raw_start)
    }
}

impl<R: Read> CsvReader<R> {
    /// A stray quote in the field being read (one finding per field, kept until the record
    /// ends). The message gives the quote's byte offset; the finding's offset is the cell's.
    pub(super) fn quote_problem(&mut self, msg: &str) {
        if self.rec.field.quote_reported {
            return;
        }
        self.rec.field.quote_reported = true;
        let msg = format!("{msg} at byte {}", self.at.abs);
        let d = self.doc.pending_on_cell(
            &st::STRAY_QUOTE,
            msg,
            self.rec.fields.len(),
            self.rec.field.raw_start,
        );
        self.rec.pending.push(d);
    }
}

/// A guess at what a byte that is not UTF-8 is, from it and the byte after it. Classified by
/// the bytes at the error, not by how many the decoder rejected: an overlong or surrogate
/// sequence is rejected at its first byte.
fn guess_encoding(byte: u8, next: u8) -> &'static str {
    match byte {
        0xC0 | 0xC1 => " (an overlong encoding)",
        0xE0 if (0x80..=0x9F).contains(&next) => " (an overlong encoding)",
        0xF0 if (0x80..=0x8F).contains(&next) => " (an overlong encoding)",
        0xED if (0xA0..=0xBF).contains(&next) => " (an encoded UTF-16 surrogate)",
        0xF5..=0xFF => " (looks like Latin-1 or Windows-1252)",
        0x80..=0xF4 if !(0x80..=0xBF).contains(&next) => " (looks like Latin-1 or Windows-1252)",
        _ => "",
    }
}

fn shorten_list(items: &[String]) -> String {
    if items.len() <= 5 {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..5].join(", "), items.len() - 5)
    }
}
