//! A streaming RFC 4180 reader with exact positions.
//!
//! Why not the `csv` crate's reader: it skips blank lines silently, accepts an unterminated
//! quote at the end of the file, has no field-size limit, and its `Position::line()` is wrong
//! for CRLF, lone CR and after blank lines. This reader is a small state machine over byte
//! chunks that counts physical lines itself (LF, CRLF and lone CR each end one), keeps every
//! blank line as a row, and reports quote, encoding and size problems as findings with the
//! record's row, line, column and byte offset, then carries on with the next record.
//!
//! Memory is bounded: the input is read in 256 KiB chunks, records are handed out in
//! [`Batch`]es (a batch ends after so many records, bytes or findings), a field stops growing
//! at `limits.field_size`, and reading stops at `limits.file_size`. A batch may end before the
//! header has been read (blank lines first): callers read on until [`CsvReader::header`] is
//! known.

use std::io::{self, Read};

use kpdata_diagnostics::rules::{limits as lim, structure as st};
use kpdata_diagnostics::{escape_value, Diagnostic};
use kpdata_package::Limits;

const CHUNK: usize = 256 * 1024;
const BATCH_RECORDS: usize = 8192;
const BATCH_BYTES: usize = 4 << 20;
/// A batch also ends after this many findings: a file of blank lines (a finding each, no
/// record) must not gather all of them in one batch.
const BATCH_DIAGNOSTICS: usize = 4096;

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
enum State {
    StartRecord,
    StartField,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Value,
    Invalid,
}

#[derive(Debug, Clone, Copy)]
struct CellSpan {
    start: usize,
    end: usize,
    kind: CellKind,
}

#[derive(Debug, Clone, Copy)]
struct RecMeta {
    row: u64,
    line: u64,
    byte: u64,
    first: usize,
    len: usize,
}

/// A group of records read together, with the reader's findings for them (in record order).
#[derive(Debug, Default, Clone)]
pub struct Batch {
    text: String,
    cells: Vec<CellSpan>,
    recs: Vec<RecMeta>,
    /// Structure and encoding findings for the records of this batch, in order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Batch {
    pub fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
        self.recs.clear();
        self.diagnostics.clear();
    }
    pub fn len(&self) -> usize {
        self.recs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }
    pub fn record(&self, i: usize) -> RecordRef<'_> {
        let m = self.recs[i];
        RecordRef {
            row: m.row,
            line: m.line,
            byte: m.byte,
            cells: &self.cells[m.first..m.first + m.len],
            text: &self.text,
        }
    }
    pub fn records(&self) -> impl Iterator<Item = RecordRef<'_>> + '_ {
        (0..self.recs.len()).map(move |i| self.record(i))
    }
}

/// One cell as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    /// The cell's text (empty string for an empty cell).
    Value(&'a str),
    /// The row is shorter than the header (already reported as `missing-cell`).
    Missing,
    /// The bytes were not valid UTF-8 or too large (already reported).
    Invalid,
}

/// A record of a [`Batch`]: positions plus cells.
#[derive(Debug, Clone, Copy)]
pub struct RecordRef<'a> {
    /// Spreadsheet row (header = 1).
    pub row: u64,
    /// Physical line where the record starts.
    pub line: u64,
    /// Byte offset where the record starts.
    pub byte: u64,
    cells: &'a [CellSpan],
    text: &'a str,
}

impl<'a> RecordRef<'a> {
    /// Number of cells in the row as written (may differ from the header).
    pub fn len(&self) -> usize {
        self.cells.len()
    }
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
    pub fn cell(&self, i: usize) -> Cell<'a> {
        match self.cells.get(i) {
            None => Cell::Missing,
            Some(c) if c.kind == CellKind::Invalid => Cell::Invalid,
            Some(c) => Cell::Value(&self.text[c.start..c.end]),
        }
    }
    /// Whether a cell could not be read (invalid UTF-8, too large, unterminated).
    pub fn has_invalid(&self) -> bool {
        self.cells.iter().any(|c| c.kind == CellKind::Invalid)
    }
    /// The cell's text if present and not empty (an empty cell is an absent value).
    pub fn value(&self, i: usize) -> Option<&'a str> {
        match self.cell(i) {
            Cell::Value(v) if !v.is_empty() => Some(v),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct FieldTmp {
    end: usize,
    raw_start: u64,
    oversize: bool,
    quoted: bool,
    /// The field's quote was never closed: its value is not trusted.
    unterminated: bool,
}

/// The streaming reader. Call [`CsvReader::next_batch`] until it returns `false`.
pub struct CsvReader<R> {
    src: R,
    path: String,
    limits: Limits,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    started: bool,
    finished: bool,
    /// Absolute offset of `buf[pos]`.
    abs: u64,
    /// Physical line of `buf[pos]` (1-based).
    line: u64,
    skip_lf: bool,
    rows: u64,
    header: Option<Vec<String>>,
    state: State,
    rec_byte: u64,
    rec_line: u64,
    scratch: Vec<u8>,
    fields: Vec<FieldTmp>,
    field_start: usize,
    field_raw_start: u64,
    field_oversize: bool,
    field_quoted: bool,
    field_quote_reported: bool,
    too_many_columns: bool,
    /// Quote findings of the current record, emitted when the record ends.
    pending: Vec<Diagnostic>,
    /// Reading stopped at `limits.file_size`: the record in progress is dropped, not ended.
    cut: bool,
    /// Whether plain records may skip the state machine (see [`CsvReader::fast_records`]).
    fast: bool,
}

impl<R: Read> CsvReader<R> {
    pub fn new(src: R, path: &str, limits: &Limits) -> Self {
        CsvReader {
            src,
            path: path.to_string(),
            limits: *limits,
            buf: vec![0; CHUNK],
            pos: 0,
            len: 0,
            eof: false,
            started: false,
            finished: false,
            abs: 0,
            line: 1,
            skip_lf: false,
            rows: 0,
            header: None,
            state: State::StartRecord,
            rec_byte: 0,
            rec_line: 1,
            scratch: Vec::with_capacity(4096),
            fields: Vec::with_capacity(64),
            field_start: 0,
            field_raw_start: 0,
            field_oversize: false,
            field_quoted: false,
            field_quote_reported: false,
            too_many_columns: false,
            pending: Vec::new(),
            cut: false,
            fast: true,
        }
    }

    /// The same reader without the whole-record fast path: every byte goes through the state
    /// machine. For the tests that prove both paths give the same records and findings.
    #[doc(hidden)]
    pub fn without_fast_path(mut self) -> Self {
        self.fast = false;
        self
    }

    /// The header labels, once read (invalid labels are empty strings).
    pub fn header(&self) -> Option<&[String]> {
        self.header.as_deref()
    }

    /// Rows seen so far, header and blank rows included.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Bytes consumed so far.
    pub fn bytes(&self) -> u64 {
        self.abs
    }

    fn diag(&self, rule: &'static kpdata_diagnostics::Rule, msg: String) -> Diagnostic {
        Diagnostic::new(rule, msg).path(self.path.clone())
    }

    fn label(&self, i: usize) -> Option<String> {
        self.header
            .as_ref()
            .and_then(|h| h.get(i))
            .filter(|l| !l.is_empty())
            .cloned()
    }

    /// Fills `batch` with the next records. Returns `Ok(false)` when the input is exhausted
    /// (the batch may still hold records). I/O errors are returned; bad content never is.
    pub fn next_batch(&mut self, batch: &mut Batch) -> io::Result<bool> {
        batch.clear();
        if self.finished {
            return Ok(false);
        }
        loop {
            if self.pos == self.len && !self.fill(batch)? {
                self.finish(batch);
                self.finished = true;
                return Ok(false);
            }
            if self.process(batch) {
                return Ok(true);
            }
        }
    }

    /// Reads the next chunk. Returns false at end of input (or at the size limit).
    fn fill(&mut self, batch: &mut Batch) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let remaining = self.limits.file_size.saturating_sub(self.abs);
        let want = (CHUNK as u64).min(remaining.saturating_add(1)) as usize;
        let n = loop {
            match self.src.read(&mut self.buf[..want.max(1)]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            self.eof = true;
            return Ok(false);
        }
        let mut n = n;
        if self.abs + n as u64 > self.limits.file_size {
            n = (self.limits.file_size - self.abs) as usize;
            let d = self
                .diag(&lim::FILE_TOO_LARGE, format!("the input is larger than {} bytes (limits.file_size); reading stopped there", self.limits.file_size))
                .row(self.rows + 1)
                .line(self.line);
            batch.diagnostics.push(d);
            self.eof = true;
            self.cut = true;
            if n == 0 {
                return Ok(false);
            }
        }
        self.pos = 0;
        self.len = n;
        if !self.started {
            self.started = true;
            if self.check_start(batch) {
                self.eof = true;
                self.len = 0;
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Strips a UTF-8 BOM; refuses UTF-16/UTF-32 input. Returns true if the file is unreadable.
    fn check_start(&mut self, batch: &mut Batch) -> bool {
        let b = &self.buf[..self.len];
        if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.pos = 3;
            self.abs = 3;
            return false;
        }
        let utf16 = b.starts_with(&[0xFF, 0xFE])
            || b.starts_with(&[0xFE, 0xFF])
            || (b.len() >= 2 && (b[0] == 0 || b[1] == 0));
        if utf16 {
            let d = self
                .diag(&st::ENCODING_ERROR, "the file is UTF-16 or UTF-32 (a byte-order mark or NUL bytes at byte 0), not UTF-8".into())
                .row(1)
                .line(1)
                .hint("save the file as UTF-8");
            batch.diagnostics.push(d);
            self.header = Some(Vec::new());
            return true;
        }
        false
    }

    #[inline]
    fn begin_field(&mut self) {
        self.field_start = self.scratch.len();
        self.field_raw_start = self.abs;
        self.field_oversize = false;
        self.field_quoted = false;
        self.field_quote_reported = false;
    }

    #[inline]
    fn push_bytes(&mut self, bytes: &[u8]) {
        if self.field_oversize {
            return;
        }
        let have = (self.scratch.len() - self.field_start) as u64;
        if have + bytes.len() as u64 > self.limits.field_size {
            self.field_oversize = true;
            self.scratch.truncate(self.field_start);
            return;
        }
        self.scratch.extend_from_slice(bytes);
    }

    fn end_field(&mut self) {
        if self.fields.len() as u64 >= self.limits.columns {
            self.too_many_columns = true;
            self.scratch.truncate(self.field_start);
            return;
        }
        self.fields.push(FieldTmp {
            end: self.scratch.len(),
            raw_start: self.field_raw_start,
            oversize: self.field_oversize,
            quoted: self.field_quoted,
            unterminated: false,
        });
    }

    fn quote_problem(&mut self, msg: &str) {
        if self.field_quote_reported {
            return;
        }
        self.field_quote_reported = true;
        let col = self.fields.len();
        let mut d = self
            .diag(&st::STRAY_QUOTE, format!("{msg} at byte {}", self.abs))
            .column(col as u64 + 1);
        if let Some(l) = self.label(col) {
            d = d.field(l);
        }
        self.pending.push(d);
    }

    /// Runs the state machine over the current chunk. Returns true when the batch is full.
    fn process(&mut self, batch: &mut Batch) -> bool {
        while self.pos < self.len {
            let b = self.buf[self.pos];
            if self.skip_lf && b != b'\n' {
                self.skip_lf = false;
            }
            match self.state {
                State::StartRecord => {
                    if b == b'\n' && self.skip_lf {
                        self.skip_lf = false;
                        self.advance(1);
                        continue;
                    }
                    if self.fast && self.header.is_some() {
                        let (consumed, full) = self.fast_records(batch);
                        if full {
                            return true;
                        }
                        if consumed {
                            continue;
                        }
                    }
                    self.rec_byte = self.abs;
                    self.rec_line = self.line;
                    self.scratch.clear();
                    self.fields.clear();
                    self.too_many_columns = false;
                    self.begin_field();
                    self.state = State::StartField;
                }
                State::StartField => match b {
                    b'"' => {
                        self.field_quoted = true;
                        self.state = State::Quoted;
                        self.advance(1);
                    }
                    b',' => {
                        self.end_field();
                        self.advance(1);
                        self.begin_field();
                    }
                    b'\r' | b'\n' => {
                        self.end_field();
                        self.terminator(b);
                        if self.end_record(batch) {
                            return true;
                        }
                    }
                    _ => self.state = State::Unquoted,
                },
                State::Unquoted => {
                    let n = scan(&self.buf[self.pos..self.len], &UNQUOTED_SPECIAL, false);
                    if n > 0 {
                        let (s, e) = (self.pos, self.pos + n);
                        let chunk = std::mem::take(&mut self.buf);
                        self.push_bytes(&chunk[s..e]);
                        self.buf = chunk;
                        self.advance(n);
                        continue;
                    }
                    match b {
                        b',' => {
                            self.end_field();
                            self.advance(1);
                            self.begin_field();
                            self.state = State::StartField;
                        }
                        b'"' => {
                            self.quote_problem("a quote character inside an unquoted field");
                            self.push_bytes(b"\"");
                            self.advance(1);
                        }
                        _ => {
                            self.end_field();
                            self.terminator(b);
                            if self.end_record(batch) {
                                return true;
                            }
                        }
                    }
                }
                State::Quoted => {
                    let n = scan(&self.buf[self.pos..self.len], &QUOTED_SPECIAL, true);
                    if n > 0 {
                        let (s, e) = (self.pos, self.pos + n);
                        let chunk = std::mem::take(&mut self.buf);
                        self.push_bytes(&chunk[s..e]);
                        self.buf = chunk;
                        self.skip_lf = false;
                        self.advance(n);
                        continue;
                    }
                    match b {
                        b'"' => self.state = State::QuoteInQuoted,
                        b'\r' => {
                            self.line += 1;
                            self.skip_lf = true;
                            self.push_bytes(b"\r");
                        }
                        _ => {
                            if self.skip_lf {
                                self.skip_lf = false;
                            } else {
                                self.line += 1;
                            }
                            self.push_bytes(b"\n");
                        }
                    }
                    self.advance(1);
                }
                State::QuoteInQuoted => match b {
                    b'"' => {
                        self.push_bytes(b"\"");
                        self.state = State::Quoted;
                        self.advance(1);
                    }
                    b',' => {
                        self.end_field();
                        self.advance(1);
                        self.begin_field();
                        self.state = State::StartField;
                    }
                    b'\r' | b'\n' => {
                        self.end_field();
                        self.terminator(b);
                        if self.end_record(batch) {
                            return true;
                        }
                    }
                    _ => {
                        self.quote_problem("text after the closing quote of a quoted field");
                        self.state = State::Unquoted;
                    }
                },
            }
        }
        false
    }

    /// Reads, without the state machine, the records that start here and are plain: the whole
    /// line (ended by LF or CRLF) is in the buffer, has no quote, no lone CR, no byte 0xEF
    /// (a BOM inside a value is a finding), is valid UTF-8, has exactly as many cells as the
    /// header, none larger than `limits.field_size`, and is not blank. Such a record is copied
    /// into the batch once and its cells are found with `memchr`. Anything else stops here and
    /// goes through the state machine, which gives the findings. Returns (consumed any record,
    /// batch full).
    fn fast_records(&mut self, batch: &mut Batch) -> (bool, bool) {
        let width = self.header.as_ref().map_or(0, |h| h.len());
        let field_size = self.limits.field_size;
        let mut consumed = false;
        loop {
            let rest = &self.buf[self.pos..self.len];
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
            self.rows += 1;
            batch.recs.push(RecMeta {
                row: self.rows,
                line: self.line,
                byte: self.abs,
                first,
                len: n,
            });
            self.advance(nl + 1);
            self.line += 1;
            consumed = true;
            if batch.recs.len() >= BATCH_RECORDS || batch.text.len() >= BATCH_BYTES {
                return (true, true);
            }
        }
    }

    #[inline]
    fn advance(&mut self, n: usize) {
        self.pos += n;
        self.abs += n as u64;
    }

    /// Consumes a record-ending CR or LF.
    fn terminator(&mut self, b: u8) {
        self.line += 1;
        self.skip_lf = b == b'\r';
        self.advance(1);
        self.state = State::StartRecord;
    }

    fn finish(&mut self, batch: &mut Batch) {
        match self.state {
            State::StartRecord => {}
            _ if self.cut => self.pending.clear(),
            State::Quoted => {
                let col = self.fields.len();
                let mut d = self
                    .diag(&st::UNTERMINATED_QUOTE, format!(
                        "the quoted field that starts at byte {} is never closed; the rest of the file ({} bytes) was read into it",
                        self.field_raw_start,
                        self.abs - self.field_raw_start
                    ))
                    .column(col as u64 + 1);
                if let Some(l) = self.label(col) {
                    d = d.field(l);
                }
                self.pending.push(d);
                self.end_field();
                if let Some(f) = self.fields.last_mut() {
                    f.unterminated = true;
                }
                self.end_record(batch);
            }
            _ => {
                self.end_field();
                self.end_record(batch);
            }
        }
        self.state = State::StartRecord;
        if self.header.is_none() {
            let msg = if self.abs == 0 {
                "the file is empty"
            } else {
                "the file has no header row (only blank lines)"
            };
            batch
                .diagnostics
                .push(self.diag(&st::EMPTY_FILE, msg.into()).row(1).line(1));
            self.header = Some(Vec::new());
        }
    }

    /// Completes the current record. Returns true when the batch is full.
    fn end_record(&mut self, batch: &mut Batch) -> bool {
        self.rows += 1;
        let row = self.rows;
        let line = self.rec_line;
        let mut pending = std::mem::take(&mut self.pending);
        for d in &mut pending {
            d.row = Some(row);
            d.line = Some(line);
        }
        let blank =
            self.fields.iter().enumerate().all(|(i, f)| {
                !f.quoted && f.end == if i == 0 { 0 } else { self.fields[i - 1].end }
            });
        if blank && !self.too_many_columns {
            let what = if self.fields.len() <= 1 {
                "the line is empty"
            } else {
                "every cell of the row is empty"
            };
            batch
                .diagnostics
                .push(self.diag(&st::BLANK_ROW, what.into()).row(row).line(line));
            batch.diagnostics.append(&mut pending);
            return batch.diagnostics.len() >= BATCH_DIAGNOSTICS;
        }
        if self.too_many_columns {
            batch.diagnostics.push(
                self.diag(
                    &lim::TOO_MANY_COLUMNS,
                    format!(
                        "the row has more than {} cells; the rest were ignored",
                        self.limits.columns
                    ),
                )
                .row(row)
                .line(line),
            );
        }
        if self.header.is_none() {
            self.read_header(batch, row, line);
            batch.diagnostics.append(&mut pending);
            return false;
        }
        batch.diagnostics.append(&mut pending);
        self.push_record(batch, row, line);
        batch.recs.len() >= BATCH_RECORDS
            || batch.text.len() >= BATCH_BYTES
            || batch.diagnostics.len() >= BATCH_DIAGNOSTICS
    }

    fn field_bytes(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.fields[i - 1].end };
        &self.scratch[start..self.fields[i].end]
    }

    fn encoding_diag(&self, i: usize, err: std::str::Utf8Error, row: u64, line: u64) -> Diagnostic {
        let bytes = self.field_bytes(i);
        let f = self.fields[i];
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
        // Classify by the bytes at the error, not by how many the decoder rejected: an
        // overlong or surrogate sequence is rejected at its first byte.
        let next = bytes.get(upto + 1).copied().unwrap_or(0);
        let guess = match bytes[upto] {
            0xC0 | 0xC1 => " (an overlong encoding)",
            0xE0 if (0x80..=0x9F).contains(&next) => " (an overlong encoding)",
            0xF0 if (0x80..=0x8F).contains(&next) => " (an overlong encoding)",
            0xED if (0xA0..=0xBF).contains(&next) => " (an encoded UTF-16 surrogate)",
            0xF5..=0xFF => " (looks like Latin-1 or Windows-1252)",
            0x80..=0xF4 if !(0x80..=0xBF).contains(&next) => {
                " (looks like Latin-1 or Windows-1252)"
            }
            _ => "",
        };
        let mut d = self
            .diag(
                &st::ENCODING_ERROR,
                format!("invalid UTF-8 at byte {raw}: {}{guess}", hexes.join(" ")),
            )
            .row(row)
            .line(line)
            .column(i as u64 + 1);
        if let Some(l) = self.label(i) {
            d = d.field(l);
        }
        d
    }

    fn read_header(&mut self, batch: &mut Batch, row: u64, line: u64) {
        let mut labels = Vec::with_capacity(self.fields.len());
        for i in 0..self.fields.len() {
            if self.fields[i].oversize {
                batch.diagnostics.push(
                    self.diag(
                        &lim::FIELD_TOO_LARGE,
                        format!(
                            "header cell {} is larger than {} bytes",
                            i + 1,
                            self.limits.field_size
                        ),
                    )
                    .row(row)
                    .line(line)
                    .column(i as u64 + 1),
                );
                labels.push(String::new());
                continue;
            }
            match std::str::from_utf8(self.field_bytes(i)) {
                Ok(s) => labels.push(s.to_string()),
                Err(e) => {
                    batch.diagnostics.push(self.encoding_diag(i, e, row, line));
                    labels.push(String::new());
                }
            }
        }
        for (i, l) in labels.iter().enumerate() {
            let d = |rule, msg: String| {
                Diagnostic::new(rule, msg)
                    .path(self.path.clone())
                    .row(row)
                    .line(line)
                    .column(i as u64 + 1)
            };
            if l.is_empty() {
                if std::str::from_utf8(self.field_bytes(i)).is_ok() && !self.fields[i].oversize {
                    batch.diagnostics.push(d(
                        &st::BLANK_LABEL,
                        format!("header cell {} is empty", i + 1),
                    ));
                }
            } else if let Some(first) = labels[..i].iter().position(|o| o == l) {
                batch.diagnostics.push(
                    d(
                        &st::DUPLICATE_LABEL,
                        format!(
                            "the label `{}` is already used by column {}",
                            escape_value(l, 80),
                            first + 1
                        ),
                    )
                    .field(l.clone()),
                );
            }
            if l.contains('\u{FEFF}') {
                batch.diagnostics.push(d(
                    &st::BOM_IN_VALUE,
                    format!(
                        "the label `{}` contains a byte-order mark (U+FEFF)",
                        escape_value(l, 80)
                    ),
                ));
            }
        }
        self.header = Some(labels);
    }

    fn push_record(&mut self, batch: &mut Batch, row: u64, line: u64) {
        let first = batch.cells.len();
        let width = self.header.as_ref().map_or(0, |h| h.len());
        let has_bom = memchr::memchr(0xEF, &self.scratch).is_some();
        // One validation for the whole record; fields are sliced from it (field boundaries are
        // ASCII delimiters, so they are char boundaries). Per-field checks only on failure.
        let whole = std::str::from_utf8(&self.scratch).ok();
        for i in 0..self.fields.len() {
            let f = self.fields[i];
            if f.unterminated {
                batch.cells.push(CellSpan {
                    start: 0,
                    end: 0,
                    kind: CellKind::Invalid,
                });
                continue;
            }
            if f.oversize {
                let mut d = self
                    .diag(
                        &lim::FIELD_TOO_LARGE,
                        format!(
                            "the cell is larger than {} bytes (limits.field_size)",
                            self.limits.field_size
                        ),
                    )
                    .row(row)
                    .line(line)
                    .column(i as u64 + 1);
                if let Some(l) = self.label(i) {
                    d = d.field(l);
                }
                batch.diagnostics.push(d);
                batch.cells.push(CellSpan {
                    start: 0,
                    end: 0,
                    kind: CellKind::Invalid,
                });
                continue;
            }
            let start = if i == 0 { 0 } else { self.fields[i - 1].end };
            // `get` refuses a split inside a character: two invalid halves can make a valid
            // whole ("\xC3" + "\xA9"), and then the field check below reports them.
            let text = match whole.and_then(|w| w.get(start..f.end)) {
                Some(t) => Ok(t),
                None => std::str::from_utf8(self.field_bytes(i)),
            };
            match text {
                Ok(s) => {
                    if has_bom && s.contains('\u{FEFF}') {
                        let mut d = self
                            .diag(
                                &st::BOM_IN_VALUE,
                                "the cell contains a byte-order mark (U+FEFF)".into(),
                            )
                            .row(row)
                            .line(line)
                            .column(i as u64 + 1);
                        if let Some(l) = self.label(i) {
                            d = d.field(l);
                        }
                        batch.diagnostics.push(d);
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
                    let d = self.encoding_diag(i, e, row, line);
                    batch.diagnostics.push(d);
                    batch.cells.push(CellSpan {
                        start: 0,
                        end: 0,
                        kind: CellKind::Invalid,
                    });
                }
            }
        }
        let n = self.fields.len();
        let unterminated = self.fields.last().is_some_and(|f| f.unterminated);
        if unterminated {
            // The rest of the file is in one field: counting its cells would only add noise.
        } else if n < width && !self.too_many_columns {
            let missing: Vec<String> = self.header.as_ref().unwrap()[n..]
                .iter()
                .map(|l| format!("`{}`", escape_value(l, 40)))
                .collect();
            let mut d = self
                .diag(
                    &st::MISSING_CELL,
                    format!(
                        "the row has {n} cells but the header has {width}; missing: {}",
                        shorten_list(&missing)
                    ),
                )
                .row(row)
                .line(line)
                .column(n as u64 + 1);
            if let Some(l) = self.label(n) {
                d = d.field(l);
            }
            batch.diagnostics.push(d);
        } else if n > width && width > 0 {
            let extra: Vec<String> = (width..n)
                .map(|i| match self.fields[i] {
                    _ if batch.cells[first + i].kind == CellKind::Invalid => {
                        "(unreadable)".to_string()
                    }
                    _ => {
                        let c = batch.cells[first + i];
                        format!("`{}`", escape_value(&batch.text[c.start..c.end], 40))
                    }
                })
                .collect();
            batch.diagnostics.push(
                self.diag(
                    &st::EXTRA_CELL,
                    format!(
                        "the row has {n} cells but the header has {width}; extra: {}",
                        shorten_list(&extra)
                    ),
                )
                .row(row)
                .line(line)
                .column(width as u64 + 1),
            );
        }
        batch.recs.push(RecMeta {
            row,
            line,
            byte: self.rec_byte,
            first,
            len: n,
        });
    }
}

fn shorten_list(items: &[String]) -> String {
    if items.len() <= 5 {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..5].join(", "), items.len() - 5)
    }
}
