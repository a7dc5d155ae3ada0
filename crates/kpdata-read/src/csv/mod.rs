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
//!
//! The jobs are split by file:
//! - this file: the public types ([`Batch`], [`RecordRef`], [`Cell`]), the reader's state and
//!   the input (chunks, BOM, UTF-16, the file-size limit);
//! - `lex`: the byte-level state machine and the whole-record fast path (fields, quotes,
//!   physical lines, byte offsets);
//! - `record`: a finished record becomes the header or a record of the batch (cells decoded,
//!   blank and ragged rows, the end of the file);
//! - `findings`: every finding the reader makes, with its position.

use std::io::{self, Read};

use kpdata_diagnostics::Diagnostic;
use kpdata_package::Limits;

mod findings;
mod lex;
mod record;

use lex::State;

const CHUNK: usize = 256 * 1024;
const BATCH_RECORDS: usize = 8192;
const BATCH_BYTES: usize = 4 << 20;
/// A batch also ends after this many findings: a file of blank lines (a finding each, no
/// record) must not gather all of them in one batch.
const BATCH_DIAGNOSTICS: usize = 4096;

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

impl CellSpan {
    const INVALID: CellSpan = CellSpan {
        start: 0,
        end: 0,
        kind: CellKind::Invalid,
    };
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
    /// Whether the batch is full after a record (or a finding) was added.
    fn full(&self) -> bool {
        self.recs.len() >= BATCH_RECORDS
            || self.text.len() >= BATCH_BYTES
            || self.diagnostics.len() >= BATCH_DIAGNOSTICS
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
    /// The text of every cell of the record in one slice (the cells are stored one after
    /// the other; a plain line keeps its commas between them), or `None` when a cell could not
    /// be read. For checks that hold for a whole record at once, such as "all printable ASCII".
    pub fn all_text(&self) -> Option<&'a str> {
        let (first, last) = (self.cells.first()?, self.cells.last()?);
        if self.has_invalid() {
            return None;
        }
        self.text.get(first.start..last.end)
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

/// The input: the source, the chunk being read and how reading ended.
struct Input<R> {
    src: R,
    buf: Vec<u8>,
    /// Next byte of `buf` to read.
    pos: usize,
    /// Bytes of `buf` filled.
    len: usize,
    eof: bool,
    started: bool,
    finished: bool,
    /// Reading stopped at `limits.file_size`: the record in progress is dropped, not ended.
    cut: bool,
}

/// Where `buf[pos]` is in the file.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    /// Absolute byte offset (a leading BOM included).
    abs: u64,
    /// Physical line (1-based).
    line: u64,
    /// The last byte was a CR: a following LF belongs to the same line end.
    skip_lf: bool,
}

/// A field of the record being assembled, once ended.
#[derive(Debug, Clone, Copy, Default)]
struct FieldTmp {
    /// End of the field's (unescaped) bytes in `Assembly::scratch`.
    end: usize,
    /// Byte offset in the file where the field starts (its opening quote if quoted).
    raw_start: u64,
    oversize: bool,
    quoted: bool,
    /// The field's quote was never closed: its value is not trusted.
    unterminated: bool,
}

/// The field being read.
#[derive(Debug, Clone, Copy, Default)]
struct FieldState {
    /// Start of the field's bytes in `Assembly::scratch`.
    start: usize,
    /// Byte offset in the file where the field starts.
    raw_start: u64,
    oversize: bool,
    quoted: bool,
    quote_reported: bool,
}

/// The record being assembled: its start, its fields' bytes and its pending findings.
struct Assembly {
    state: State,
    /// Byte offset and physical line where the record starts.
    byte: u64,
    line: u64,
    /// The unescaped bytes of the record's fields, one after the other.
    scratch: Vec<u8>,
    fields: Vec<FieldTmp>,
    field: FieldState,
    too_many_columns: bool,
    /// Quote findings of the current record, emitted when the record ends.
    pending: Vec<Diagnostic>,
}

/// What is known of the file as a whole.
struct Doc {
    path: String,
    limits: Limits,
    /// Rows seen so far, header and blank rows included.
    rows: u64,
    header: Option<Vec<String>>,
    /// Whether plain records may skip the state machine (see `lex`'s `fast_records`).
    fast: bool,
}

/// The streaming reader. Call [`CsvReader::next_batch`] until it returns `false`.
pub struct CsvReader<R> {
    input: Input<R>,
    at: Cursor,
    rec: Assembly,
    doc: Doc,
}

impl<R: Read> CsvReader<R> {
    pub fn new(src: R, path: &str, limits: &Limits) -> Self {
        CsvReader {
            input: Input {
                src,
                buf: vec![0; CHUNK],
                pos: 0,
                len: 0,
                eof: false,
                started: false,
                finished: false,
                cut: false,
            },
            at: Cursor {
                abs: 0,
                line: 1,
                skip_lf: false,
            },
            rec: Assembly {
                state: State::StartRecord,
                byte: 0,
                line: 1,
                scratch: Vec::with_capacity(4096),
                fields: Vec::with_capacity(64),
                field: FieldState::default(),
                too_many_columns: false,
                pending: Vec::new(),
            },
            doc: Doc {
                path: path.to_string(),
                limits: *limits,
                rows: 0,
                header: None,
                fast: true,
            },
        }
    }

    /// The same reader without the whole-record fast path: every byte goes through the state
    /// machine. For the tests that prove both paths give the same records and findings.
    #[doc(hidden)]
    pub fn without_fast_path(mut self) -> Self {
        self.doc.fast = false;
        self
    }

    /// The header labels, once read (invalid labels are empty strings).
    pub fn header(&self) -> Option<&[String]> {
        self.doc.header.as_deref()
    }

    /// Rows seen so far, header and blank rows included.
    pub fn rows(&self) -> u64 {
        self.doc.rows
    }

    /// Bytes consumed so far.
    pub fn bytes(&self) -> u64 {
        self.at.abs
    }

    /// Fills `batch` with the next records. Returns `Ok(false)` when the input is exhausted
    /// (the batch may still hold records). I/O errors are returned; bad content never is.
    pub fn next_batch(&mut self, batch: &mut Batch) -> io::Result<bool> {
        batch.clear();
        if self.input.finished {
            return Ok(false);
        }
        loop {
            if self.input.pos == self.input.len && !self.fill(batch)? {
                self.finish(batch);
                self.input.finished = true;
                return Ok(false);
            }
            if self.process(batch) {
                return Ok(true);
            }
        }
    }

    /// Reads the next chunk. Returns false at end of input (or at the size limit, which
    /// `finish` reports where reading stopped).
    fn fill(&mut self, batch: &mut Batch) -> io::Result<bool> {
        let input = &mut self.input;
        if input.eof {
            return Ok(false);
        }
        let file_size = self.doc.limits.file_size;
        let remaining = file_size.saturating_sub(self.at.abs);
        let want = (CHUNK as u64).min(remaining.saturating_add(1)).max(1) as usize;
        let mut n = read_some(&mut input.src, &mut input.buf[..want])?;
        if !input.started {
            // The BOM and UTF-16 checks look at the first three bytes: a short first read
            // (a pipe) must not hide them.
            while n > 0 && n < want.min(3) {
                match read_some(&mut input.src, &mut input.buf[n..want])? {
                    0 => break,
                    more => n += more,
                }
            }
        }
        if n == 0 {
            input.eof = true;
            return Ok(false);
        }
        if self.at.abs + n as u64 > file_size {
            n = (file_size - self.at.abs) as usize;
            input.eof = true;
            input.cut = true;
            if n == 0 {
                return Ok(false);
            }
        }
        input.pos = 0;
        input.len = n;
        if !input.started {
            input.started = true;
            if self.check_start(batch) {
                self.input.eof = true;
                self.input.len = 0;
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Strips a UTF-8 BOM; refuses UTF-16/UTF-32 input. Returns true if the file is unreadable.
    fn check_start(&mut self, batch: &mut Batch) -> bool {
        let b = &self.input.buf[..self.input.len];
        if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.input.pos = 3;
            self.at.abs = 3;
            return false;
        }
        let utf16 = b.starts_with(&[0xFF, 0xFE])
            || b.starts_with(&[0xFE, 0xFF])
            || (b.len() >= 2 && (b[0] == 0 || b[1] == 0));
        if utf16 {
            batch.diagnostics.push(self.doc.utf16());
            self.doc.header = Some(Vec::new());
            return true;
        }
        false
    }
}

/// One `read`, retried when interrupted.
fn read_some(src: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match src.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}
