//! Lexing: the byte-level state machine that cuts the input into fields and records, counts
//! physical lines and byte offsets, and the whole-record fast path for plain lines.

use std::io::Read;

use super::{
    Assembly, Batch, CellKind, CellSpan, CsvReader, Cursor, FieldState, FieldTmp, RecMeta,
    BATCH_BYTES, BATCH_RECORDS,
};

/// Bytes that end a run: delimiter, quote, CR, LF (unquoted) or quote, CR, LF (quoted).
const fn table(quoted: bool) -> [bool; 256] {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    if !quoted {
        t[b',' as usize] = true;
    }
    t
}
static UNQUOTED_SPECIAL: [bool; 256] = table(false);
static QUOTED_SPECIAL: [bool; 256] = table(true);

/// Length of the run before the next special byte. Most fields are short: a table lookup per
/// byte for the first 32 bytes, then SIMD searches for long values.
#[inline]
fn scan(bytes: &[u8], special: &[bool; 256], quoted: bool) -> usize {
    let head = bytes.len().min(32);
    if let Some(i) = bytes[..head].iter().position(|&b| special[b as usize]) {
        return i;
    }
    if head == bytes.len() {
        return head;
    }
    let rest = &bytes[head..];
    let n = if quoted {
        memchr::memchr3(b'"', b'\n', b'\r', rest).unwrap_or(rest.len())
    } else {
        let n = memchr::memchr3(b',', b'\n', b'\r', rest).unwrap_or(rest.len());
        memchr::memchr(b'"', &rest[..n]).unwrap_or(n)
    };
    head + n
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    StartRecord,
    StartField,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl Cursor {
    #[inline]
    fn advance(&mut self, pos: &mut usize, n: usize) {
        *pos += n;
        self.abs += n as u64;
    }
}

impl Assembly {
    /// Starts a record at the cursor.
    fn begin_record(&mut self, at: &Cursor) {
        self.byte = at.abs;
        self.line = at.line;
        self.scratch.clear();
        self.fields.clear();
        self.too_many_columns = false;
        self.begin_field(at.abs);
    }

    #[inline]
    pub(super) fn begin_field(&mut self, abs: u64) {
        self.field = FieldState {
            start: self.scratch.len(),
            raw_start: abs,
            ..FieldState::default()
        };
    }

    /// Appends bytes to the field, unless it has grown past `field_size` (then it is dropped).
    #[inline]
    fn push_bytes(&mut self, bytes: &[u8], field_size: u64) {
        if self.field.oversize {
            return;
        }
        let have = (self.scratch.len() - self.field.start) as u64;
        if have + bytes.len() as u64 > field_size {
            self.field.oversize = true;
            self.scratch.truncate(self.field.start);
            return;
        }
        self.scratch.extend_from_slice(bytes);
    }

    #[inline]
    pub(super) fn end_field(&mut self, columns: u64) {
        if self.fields.len() as u64 >= columns {
            self.too_many_columns = true;
            self.scratch.truncate(self.field.start);
            return;
        }
        self.fields.push(FieldTmp {
            end: self.scratch.len(),
            raw_start: self.field.raw_start,
            oversize: self.field.oversize,
            quoted: self.field.quoted,
            unterminated: false,
        });
    }
}

impl<R: Read> CsvReader<R> {
    /// Runs the state machine over the current chunk. Returns true when the batch is full.
    pub(super) fn process(&mut self, batch: &mut Batch) -> bool {
        let field_size = self.doc.limits.field_size;
        let columns = self.doc.limits.columns;
        while self.input.pos < self.input.len {
            let b = self.input.buf[self.input.pos];
            if self.at.skip_lf && b != b'\n' {
                self.at.skip_lf = false;
            }
            match self.rec.state {
                State::StartRecord => {
                    if b == b'\n' && self.at.skip_lf {
                        self.at.skip_lf = false;
                        self.advance(1);
                        continue;
                    }
                    if self.doc.fast && self.doc.header.is_some() {
                        let (consumed, full) = self.fast_records(batch);
                        if full {
                            return true;
                        }
                        if consumed {
                            continue;
                        }
                    }
                    self.rec.begin_record(&self.at);
                    self.rec.state = State::StartField;
                }
                State::StartField => match b {
                    b'"' => {
                        self.rec.field.quoted = true;
                        self.rec.state = State::Quoted;
                        self.advance(1);
                    }
                    b',' => self.next_field(columns),
                    b'\r' | b'\n' => {
                        if self.end_line(b, batch) {
                            return true;
                        }
                    }
                    _ => self.rec.state = State::Unquoted,
                },
                State::Unquoted => {
                    let (pos, len) = (self.input.pos, self.input.len);
                    let n = scan(&self.input.buf[pos..len], &UNQUOTED_SPECIAL, false);
                    if n > 0 {
                        self.rec
                            .push_bytes(&self.input.buf[pos..pos + n], field_size);
                        self.advance(n);
                        continue;
                    }
                    match b {
                        b',' => {
                            self.next_field(columns);
                            self.rec.state = State::StartField;
                        }
                        b'"' => {
                            self.quote_problem("a quote character inside an unquoted field");
                            self.rec.push_bytes(b"\"", field_size);
                            self.advance(1);
                        }
                        _ => {
                            if self.end_line(b, batch) {
                                return true;
                            }
                        }
                    }
                }
                State::Quoted => {
                    let (pos, len) = (self.input.pos, self.input.len);
                    let n = scan(&self.input.buf[pos..len], &QUOTED_SPECIAL, true);
                    if n > 0 {
                        self.rec
                            .push_bytes(&self.input.buf[pos..pos + n], field_size);
                        self.at.skip_lf = false;
                        self.advance(n);
                        continue;
                    }
                    self.quoted_special(b, field_size);
                    self.advance(1);
                }
                State::QuoteInQuoted => match b {
                    b'"' => {
                        self.rec.push_bytes(b"\"", field_size);
                        self.rec.state = State::Quoted;
                        self.advance(1);
                    }
                    b',' => {
                        self.next_field(columns);
                        self.rec.state = State::StartField;
                    }
                    b'\r' | b'\n' => {
                        if self.end_line(b, batch) {
                            return true;
                        }
                    }
                    _ => {
                        self.quote_problem("text after the closing quote of a quoted field");
                        self.rec.state = State::Unquoted;
                    }
                },
            }
        }
        false
    }

    /// A quote, CR or LF inside a quoted field (the caller consumes the byte).
    #[inline]
    fn quoted_special(&mut self, b: u8, field_size: u64) {
        match b {
            b'"' => self.rec.state = State::QuoteInQuoted,
            b'\r' => {
                self.at.line += 1;
                self.at.skip_lf = true;
                self.rec.push_bytes(b"\r", field_size);
            }
            _ => {
                if self.at.skip_lf {
                    self.at.skip_lf = false;
                } else {
                    self.at.line += 1;
                }
                self.rec.push_bytes(b"\n", field_size);
            }
        }
    }

    /// A delimiter: ends the field and starts the next one after it.
    #[inline]
    fn next_field(&mut self, columns: u64) {
        self.rec.end_field(columns);
        self.advance(1);
        self.rec.begin_field(self.at.abs);
    }

    /// A record-ending CR or LF: ends the field, consumes the byte and ends the record.
    /// Returns true when the batch is full.
    fn end_line(&mut self, b: u8, batch: &mut Batch) -> bool {
        self.rec.end_field(self.doc.limits.columns);
        self.at.line += 1;
        self.at.skip_lf = b == b'\r';
        self.advance(1);
        self.rec.state = State::StartRecord;
        self.end_record(batch)
    }

    /// Reads, without the state machine, the records that start here and are plain: the whole
    /// line (ended by LF or CRLF) is in the buffer, has no quote, no lone CR, no byte 0xEF
    /// (a BOM inside a value is a finding), is valid UTF-8, has exactly as many cells as the
    /// header, none larger than `limits.field_size`, and is not blank. Such a record is copied
    /// into the batch once and its cells are found with `memchr`. Anything else stops here and
    /// goes through the state machine, which gives the findings. Returns (consumed any record,
    /// batch full).
    fn fast_records(&mut self, batch: &mut Batch) -> (bool, bool) {
        let width = self.doc.header.as_ref().map_or(0, |h| h.len());
        let field_size = self.doc.limits.field_size;
        let mut consumed = false;
        loop {
            let rest = &self.input.buf[self.input.pos..self.input.len];
            let Some(nl) = memchr::memchr(b'\n', rest) else {
                return (consumed, false);
            };
            let mut content = &rest[..nl];
            if content.last() == Some(&b'\r') {
                content = &content[..nl - 1];
            }
            if content.is_empty() || memchr::memchr3(b'"', b'\r', 0xEF, content).is_some() {
                return (consumed, false);
            }
            let Ok(text) = std::str::from_utf8(content) else {
                return (consumed, false);
            };
            let first = batch.cells.len();
            let base = batch.text.len();
            let mut start = 0usize;
            let mut n = 0usize;
            let mut nonempty = false;
            let mut plain = true;
            for end in memchr::memchr_iter(b',', content).chain(std::iter::once(content.len())) {
                if n >= width || (end - start) as u64 > field_size {
                    plain = false;
                    break;
                }
                nonempty |= end > start;
                batch.cells.push(CellSpan {
                    start: base + start,
                    end: base + end,
                    kind: CellKind::Value,
                });
                n += 1;
                start = end + 1;
            }
            if !plain || n != width || !nonempty {
                batch.cells.truncate(first);
                return (consumed, false);
            }
            batch.text.push_str(text);
            self.doc.rows += 1;
            batch.recs.push(RecMeta {
                row: self.doc.rows,
                line: self.at.line,
                byte: self.at.abs,
                first,
                len: n,
            });
            self.advance(nl + 1);
            self.at.line += 1;
            consumed = true;
            if batch.recs.len() >= BATCH_RECORDS || batch.text.len() >= BATCH_BYTES {
                return (true, true);
            }
        }
    }

    #[inline]
    fn advance(&mut self, n: usize) {
        self.at.advance(&mut self.input.pos, n);
    }
}
