//! A strict JSON reader for documents that are an array of records.
//!
//! Why not `serde_json::from_slice`: it keeps the last of two duplicate keys silently, turns
//! integers beyond 64 bits into floats, gives no position for each record, and recurses on
//! nesting. This reader is a small hand-written RFC 8259 parser over the bytes of the file. It
//! is iterative (an explicit stack, never recursion), so no input can overflow the stack, and it
//! reports, with the physical line (LF, CRLF and lone CR each end one), the character column,
//! the byte offset and the RFC 6901 pointer from the document root (`/0/name` is the `name` of
//! row 1):
//!
//! | finding | when | then |
//! |---|---|---|
//! | `encoding-error` | UTF-16/32 input, or bytes that are not UTF-8 (with the byte offset) | UTF-16/32: nothing is read; in a string: the record is dropped, reading goes on; elsewhere: reading stops |
//! | `json-syntax` | anything RFC 8259 does not allow: trailing commas, comments, NaN/Infinity, single quotes, raw control characters in strings, lone surrogate escapes, text after the document | reading stops; records completed before are kept |
//! | `json-not-records` | the top level is not an array; an item is not an object | top level: nothing is read; item: the item is skipped |
//! | `json-duplicate-key` | an object has a key twice (pointer of the key) | the record is kept, with the last value |
//! | `json-number-precision` | an integer beyond i64/u64, a decimal whose double does not print back to the same decimal | the record is kept, with the nearest double (or `null` if out of range) |
//! | `json-too-deep` | nesting deeper than `limits.json_depth` (the top-level array is level 1) | the record is dropped |
//! | `field-too-large` | a string (value or key) longer than `limits.field_size` bytes | the record is dropped |
//! | `bom-in-value` | a string contains U+FEFF | the record is kept |
//! | `file-too-large` | more than `limits.file_size` bytes | reading stops there |
//! | `empty-file` | nothing but whitespace (after an optional UTF-8 BOM) | |
//!
//! A UTF-8 byte-order mark at the start is skipped (offsets still count it). Findings are in
//! document order; their `row` is the 1-based index of the record they are in (none outside any
//! record), their `line`, `column` and `offset` the exact place of the problem.
//!
//! The jobs are split by file: this file holds the public API and the parser's state; `lex`
//! the tokens (whitespace, literals, numbers, strings with their escapes); `record` the
//! assembly of values, records and the document; `findings` positions, pointers and every
//! finding the reader makes.

use std::io::{self, Read};

use kpdata_diagnostics::rules::limits as lim;
use kpdata_diagnostics::Diagnostic;
use kpdata_package::Limits;
use serde_json::{Map, Value};

mod findings;
mod lex;
mod record;

pub(crate) use lex::decimal_key;

/// The deepest nesting ever accepted, whatever the limits say.
pub const MAX_DEPTH: u64 = 128;

/// One record (an object item of the top-level array).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonRecord {
    /// 1-based index of the item in the top-level array (its pointer is `/{row - 1}`).
    pub row: u64,
    /// Physical line of the record's `{`.
    pub line: u64,
    /// Character column (1-based) of the record's `{`.
    pub column: u64,
    /// Byte offset of the record's `{` in the file (a leading BOM included).
    pub offset: u64,
    /// The record, always a `Value::Object`, keys in document order.
    pub value: Value,
}

/// Everything read from one JSON document.
#[derive(Debug, Clone, Default)]
pub struct JsonOutcome {
    /// Records that were read completely and can be trusted (see the module docs for which
    /// findings drop a record).
    pub records: Vec<JsonRecord>,
    /// Findings in document order.
    pub diagnostics: Vec<Diagnostic>,
    /// Items seen in the top-level array (records, skipped and dropped items).
    pub items: u64,
    /// Findings past `limits.findings_per_rule` for their rule: counted, not kept.
    pub dropped: Vec<Dropped>,
}

/// Findings of one rule that were counted but not kept (see [`JsonOutcome::dropped`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: kpdata_diagnostics::Severity,
    pub count: u64,
}

/// Reads a whole JSON document (at most `limits.file_size` bytes) and returns its records and
/// findings. Only I/O errors are `Err`; bad content is always a finding.
pub fn read_json(input: impl Read, path: &str, limits: &Limits) -> io::Result<JsonOutcome> {
    let mut buf = Vec::new();
    input
        .take(limits.file_size.saturating_add(1))
        .read_to_end(&mut buf)?;
    Ok(read_json_slice(&buf, path, limits))
}

/// [`read_json`] over bytes already in memory (the file-size limit still applies).
pub fn read_json_slice(bytes: &[u8], path: &str, limits: &Limits) -> JsonOutcome {
    let truncated = bytes.len() as u64 > limits.file_size;
    let bytes = if truncated {
        &bytes[..limits.file_size as usize]
    } else {
        bytes
    };
    let mut p = Parser::new(bytes, path, limits, truncated);
    let records = p.document();
    let mut diagnostics = std::mem::take(&mut p.out.diags);
    if truncated {
        diagnostics.push(
            Diagnostic::new(
                &lim::FILE_TOO_LARGE,
                format!(
                    "the input is larger than {} bytes (limits.file_size); reading stopped there",
                    limits.file_size
                ),
            )
            .path(path)
            .line(count_lines(bytes))
            .offset(bytes.len() as u64),
        );
    }
    JsonOutcome {
        records,
        diagnostics,
        items: p.items,
        dropped: std::mem::take(&mut p.out.dropped),
    }
}

/// The physical line the end of `bytes` is on.
fn count_lines(bytes: &[u8]) -> u64 {
    let mut n = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => n += 1,
            b'\r' => {
                n += 1;
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    n
}

/// An RFC 6901 reference token: `~` becomes `~0`, `/` becomes `~1`.
pub fn escape_pointer_token(token: &str) -> String {
    kpdata_base::pointer::escape_token(token)
}

/// Reading stopped (the finding, if any, is already recorded).
struct Stop;
type PResult<T> = Result<T, Stop>;

/// A container being built, within the depth limit.
enum Frame {
    Arr(Vec<Value>),
    /// The map, the current key, and whether that key is usable (it may be unreadable).
    Obj(Map<String, Value>, String, bool),
}

/// A string as read: `None` when it could not be kept (invalid UTF-8 or too large).
struct StrOut {
    value: Option<String>,
    start: usize,
    too_large: bool,
}

/// The findings kept so far, at most `cap` per rule (0 = all); the rest are counted.
struct Findings {
    diags: Vec<Diagnostic>,
    cap: u64,
    kept: Vec<(&'static str, u64)>,
    dropped: Vec<Dropped>,
}

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
    line: u64,
    line_start: usize,
    /// Column cache: `col` is the column of `col_pos` (both on the current line).
    col_pos: usize,
    col: u64,
    path: &'a str,
    field_size: u64,
    depth_limit: usize,
    truncated: bool,
    out: Findings,
    /// 1-based row of the item being read.
    row: Option<u64>,
    items: u64,
    /// The item being read cannot be kept.
    poisoned: bool,
    deep_reported: bool,
    frames: Vec<Frame>,
    /// Containers beyond the depth limit (true = object): read for syntax, then discarded.
    skip: Vec<bool>,
}

fn close_of(is_obj: bool) -> u8 {
    if is_obj {
        b'}'
    } else {
        b']'
    }
}

impl<'a> Parser<'a> {
    fn new(b: &'a [u8], path: &'a str, limits: &Limits, truncated: bool) -> Self {
        Parser {
            b,
            pos: 0,
            line: 1,
            line_start: 0,
            col_pos: 0,
            col: 1,
            path,
            field_size: limits.field_size,
            depth_limit: limits.json_depth.clamp(1, MAX_DEPTH) as usize,
            truncated,
            out: Findings {
                diags: Vec::new(),
                cap: limits.findings_per_rule,
                kept: Vec::new(),
                dropped: Vec::new(),
            },
            row: None,
            items: 0,
            poisoned: false,
            deep_reported: false,
            frames: Vec::new(),
            skip: Vec::new(),
        }
    }
}
