//! Record assembly: a record the lexer has finished becomes the header or a record of the
//! batch (cells decoded as UTF-8 and copied once), with the findings of its row (blank, ragged,
//! too wide) in record order; and the end of the input.

use std::io::Read;

use super::lex::State;
use super::{Assembly, Batch, CellKind, CellSpan, CsvReader, RecMeta, BATCH_DIAGNOSTICS};

/// Where a record is: its row, the physical line and the byte offset where it starts.
#[derive(Debug, Clone, Copy)]
pub(super) struct Place {
    pub row: u64,
    pub line: u64,
    pub byte: u64,
}

impl Assembly {
    /// The unescaped bytes of field `i`.
    pub(super) fn field_bytes(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.fields[i - 1].end };
        &self.scratch[start..self.fields[i].end]
    }

    /// Every field is empty and unquoted (a blank line is one empty field).
    fn is_blank(&self) -> bool {
        self.fields
            .iter()
            .enumerate()
            .all(|(i, f)| !f.quoted && f.end == if i == 0 { 0 } else { self.fields[i - 1].end })
    }
}

impl<R: Read> CsvReader<R> {
    /// Completes the current record. Returns true when the batch is full.
    pub(super) fn end_record(&mut self, batch: &mut Batch) -> bool {
        self.doc.rows += 1;
        let at = Place {
            row: self.doc.rows,
            line: self.rec.line,
            byte: self.rec.byte,
        };
        let mut pending = std::mem::take(&mut self.rec.pending);
        for d in &mut pending {
            d.row = Some(at.row);
            d.line = Some(at.line);
        }
        if self.rec.is_blank() && !self.rec.too_many_columns {
            let d = self.doc.blank_row(self.rec.fields.len(), at);
            batch.diagnostics.push(d);
            batch.diagnostics.append(&mut pending);
            return batch.diagnostics.len() >= BATCH_DIAGNOSTICS;
        }
        if self.rec.too_many_columns {
            batch.diagnostics.push(self.doc.too_many_columns(at));
        }
        if self.doc.header.is_none() {
            self.read_header(batch, at);
            batch.diagnostics.append(&mut pending);
            return false;
        }
        batch.diagnostics.append(&mut pending);
        self.push_record(batch, at);
        batch.full()
    }

    fn read_header(&mut self, batch: &mut Batch, at: Place) {
        let rec = &self.rec;
        let mut labels = Vec::with_capacity(rec.fields.len());
        for (i, f) in rec.fields.iter().enumerate() {
            if f.oversize {
                batch
                    .diagnostics
                    .push(self.doc.label_too_large(at, i, f.raw_start));
                labels.push(String::new());
                continue;
            }
            match std::str::from_utf8(rec.field_bytes(i)) {
                Ok(s) => labels.push(s.to_string()),
                Err(e) => {
                    let d = self.doc.encoding(rec, i, e, at);
                    batch.diagnostics.push(d);
                    labels.push(String::new());
                }
            }
        }
        for (i, f) in rec.fields.iter().enumerate() {
            let readable = !f.oversize && std::str::from_utf8(rec.field_bytes(i)).is_ok();
            let out = &mut batch.diagnostics;
            self.doc
                .label_findings(&labels, i, readable, at, f.raw_start, out);
        }
        self.doc.header = Some(labels);
    }

    fn push_record(&mut self, batch: &mut Batch, at: Place) {
        let rec = &self.rec;
        let doc = &self.doc;
        let first = batch.cells.len();
        let width = doc.header.as_ref().map_or(0, |h| h.len());
        let has_bom = memchr::memchr(0xEF, &rec.scratch).is_some();
        // One validation for the whole record; fields are sliced from it (field boundaries are
        // ASCII delimiters, so they are char boundaries). Per-field checks only on failure.
        let whole = std::str::from_utf8(&rec.scratch).ok();
        for (i, f) in rec.fields.iter().enumerate() {
            if f.unterminated {
                batch.cells.push(CellSpan::INVALID);
                continue;
            }
            if f.oversize {
                batch
                    .diagnostics
                    .push(doc.cell_too_large(at, i, f.raw_start));
                batch.cells.push(CellSpan::INVALID);
                continue;
            }
            let start = if i == 0 { 0 } else { rec.fields[i - 1].end };
            // `get` refuses a split inside a character: two invalid halves can make a valid
            // whole ("\xC3" + "\xA9"), and then the field check below reports them.
            let text = match whole.and_then(|w| w.get(start..f.end)) {
                Some(t) => Ok(t),
                None => std::str::from_utf8(rec.field_bytes(i)),
            };
            match text {
                Ok(s) => {
                    if has_bom && s.contains('\u{FEFF}') {
                        batch.diagnostics.push(doc.bom_in_cell(at, i, f.raw_start));
                    }
                    let start = batch.text.len();
                    batch.text.push_str(s);
                    batch.cells.push(CellSpan {
                        start,
                        end: batch.text.len(),
                        kind: CellKind::Value,
                    });
                }
                Err(e) => {
                    batch.diagnostics.push(doc.encoding(rec, i, e, at));
                    batch.cells.push(CellSpan::INVALID);
                }
            }
        }
        let n = rec.fields.len();
        let unterminated = rec.fields.last().is_some_and(|f| f.unterminated);
        if unterminated {
            // The rest of the file is in one field: counting its cells would only add noise.
        } else if n < width && !rec.too_many_columns {
            batch.diagnostics.push(doc.missing_cells(at, n));
        } else if n > width && width > 0 {
            let cells = &batch.cells[first + width..first + n];
            let d = doc.extra_cells(
                at,
                n,
                width,
                rec.fields[width].raw_start,
                cells,
                &batch.text,
            );
            batch.diagnostics.push(d);
        }
        batch.recs.push(RecMeta {
            row: at.row,
            line: at.line,
            byte: at.byte,
            first,
            len: n,
        });
    }

    /// The end of the input: ends the record in progress (an open quote is reported), or
    /// drops it when reading stopped at `limits.file_size` (reported here, where reading
    /// stopped, whatever the chunk it stopped in), and reports a file without a header.
    pub(super) fn finish(&mut self, batch: &mut Batch) {
        let columns = self.doc.limits.columns;
        match self.rec.state {
            State::StartRecord => {}
            _ if self.input.cut => self.rec.pending.clear(),
            State::Quoted => {
                let d = self.doc.unterminated_quote(&self.rec, self.at.abs);
                self.rec.pending.push(d);
                self.rec.end_field(columns);
                if let Some(f) = self.rec.fields.last_mut() {
                    f.unterminated = true;
                }
                self.end_record(batch);
            }
            _ => {
                self.rec.end_field(columns);
                self.end_record(batch);
            }
        }
        self.rec.state = State::StartRecord;
        if self.input.cut {
            batch
                .diagnostics
                .push(self.doc.file_too_large(self.at.line));
        }
        if self.doc.header.is_none() {
            batch
                .diagnostics
                .push(self.doc.empty_file(self.at.abs == 0));
            self.doc.header = Some(Vec::new());
        }
    }
}
