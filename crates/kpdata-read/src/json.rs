//! A strict JSON reader for documents that are an array of records.
//!
//! Why not `serde_json::from_slice`: it keeps the last of two duplicate keys silently, turns
//! integers beyond 64 bits into floats, gives no position for each record, and recurses on
//! nesting. This reader is a small hand-written RFC 8259 parser over the bytes of the file. It
//! is iterative (an explicit stack, never recursion), so no input can overflow the stack, and it
//! reports, with the physical line (LF, CRLF and lone CR each end one), the character column
//! and the RFC 6901 pointer from the document root (`/0/name` is the `name` of row 1):
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
//! A UTF-8 byte-order mark at the start is skipped. Findings are in document order; their
//! `row` is the 1-based index of the record they are in (none outside any record), their
//! `line` and `column` the exact place of the problem.

use std::io::{self, Read};

use kpdata_diagnostics::rules::{limits as lim, structure as st};
use kpdata_diagnostics::{escape_value, Diagnostic, Rule};
use kpdata_package::Limits;
use serde_json::{Map, Number, Value};

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
    let mut diagnostics = std::mem::take(&mut p.diags);
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
            .line(count_lines(bytes)),
        );
    }
    JsonOutcome {
        records,
        diagnostics,
        items: p.items,
        dropped: std::mem::take(&mut p.dropped),
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
    diags: Vec<Diagnostic>,
    /// Findings kept per rule (`limits.findings_per_rule`, 0 = all); the rest are counted.
    cap: u64,
    kept: Vec<(&'static str, u64)>,
    dropped: Vec<Dropped>,
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
            diags: Vec::new(),
            cap: limits.findings_per_rule,
            kept: Vec::new(),
            dropped: Vec::new(),
            row: None,
            items: 0,
            poisoned: false,
            deep_reported: false,
            frames: Vec::new(),
            skip: Vec::new(),
        }
    }

    // ---- positions and findings -------------------------------------------------------

    /// Keeps a finding, or only counts it once its rule has `cap` findings: a document with a
    /// finding in every item must not hold them all (memory stays bounded by the cap).
    fn emit(&mut self, d: Diagnostic) {
        let kept = match self.kept.iter_mut().find(|(c, _)| *c == d.code) {
            Some((_, n)) => n,
            None => {
                self.kept.push((d.code, 0));
                &mut self.kept.last_mut().expect("just pushed").1
            }
        };
        if self.cap == 0 || *kept < self.cap {
            *kept += 1;
            self.diags.push(d);
            return;
        }
        match self
            .dropped
            .iter_mut()
            .find(|x| x.code == d.code && x.severity == d.severity)
        {
            Some(x) => x.count += 1,
            None => self.dropped.push(Dropped {
                code: d.code,
                name: d.name,
                severity: d.severity,
                count: 1,
            }),
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// Character column of `pos`, which must be on the current line. Amortised linear when
    /// positions are asked in increasing order.
    fn column(&mut self, pos: usize) -> u64 {
        if self.col_pos < self.line_start || pos < self.col_pos {
            self.col_pos = self.line_start;
            self.col = 1;
        }
        let chars = self.b[self.col_pos..pos]
            .iter()
            .filter(|&&c| c & 0xC0 != 0x80)
            .count() as u64;
        self.col += chars;
        self.col_pos = pos;
        self.col
    }

    fn diag_at(&mut self, rule: &'static Rule, msg: String, pos: usize) -> Diagnostic {
        let column = self.column(pos);
        let mut d = Diagnostic::new(rule, msg)
            .path(self.path)
            .line(self.line)
            .column(column);
        if let Some(r) = self.row {
            d = d.row(r);
        }
        if let Some(f) = self.field() {
            d = d.field(f);
        }
        d
    }

    /// The record's property the position is in (the first key of the pointer), if any.
    fn field(&self) -> Option<String> {
        match self.frames.first() {
            Some(Frame::Obj(_, key, true)) if self.row.is_some() => Some(key.clone()),
            _ => None,
        }
    }

    /// Pointer of the value being read; `with_last_key` false leaves out the key of the
    /// innermost object (while that key itself is being read).
    fn pointer(&self, with_last_key: bool) -> String {
        let mut p = match self.row {
            Some(r) => format!("/{}", r - 1),
            None => String::new(),
        };
        let n = self.frames.len();
        for (i, f) in self.frames.iter().enumerate() {
            match f {
                Frame::Arr(items) => {
                    p.push('/');
                    p.push_str(&items.len().to_string());
                }
                Frame::Obj(_, key, ok) => {
                    if *ok && (i + 1 < n || with_last_key) {
                        p.push('/');
                        p.push_str(&escape_pointer_token(key));
                    }
                }
            }
        }
        p
    }

    /// Findings other than syntax and encoding errors are not reported inside a value that is
    /// already too deep.
    fn quiet(&self) -> bool {
        !self.skip.is_empty()
    }

    fn syntax(&mut self, pos: usize, msg: impl Into<String>) -> Stop {
        if self.truncated && pos >= self.b.len() {
            // The end was cut by the size limit (reported as file-too-large), not by the author.
            return Stop;
        }
        let mut d = self.diag_at(&st::JSON_SYNTAX, msg.into(), pos);
        if self.row.is_some() {
            d = d.pointer(self.pointer(true));
        }
        self.emit(d);
        Stop
    }

    /// An encoding-error for the bytes at `pos` (not valid UTF-8): `rest` starts with the bad
    /// bytes, `error_len` is what `from_utf8` says about them.
    fn encoding(
        &mut self,
        pos: usize,
        rest: &[u8],
        error_len: Option<usize>,
        pointer: Option<String>,
    ) {
        let (n, guess) = classify_invalid(rest, error_len);
        let hexes: Vec<String> = rest[..n].iter().map(|b| format!("0x{b:02X}")).collect();
        let mut d = self.diag_at(
            &st::ENCODING_ERROR,
            format!("invalid UTF-8 at byte {pos}: {}{guess}", hexes.join(" ")),
            pos,
        );
        if let Some(p) = pointer {
            d = d.pointer(p);
        }
        self.emit(d);
    }

    /// A syntax error (or an encoding error) for an unexpected byte at the current position.
    fn unexpected(&mut self, expected: &str) -> Stop {
        let pos = self.pos;
        let rest = &self.b[pos..];
        let Some(&c) = rest.first() else {
            return self.syntax(pos, format!("unexpected end of input; expected {expected}"));
        };
        let msg = if rest.starts_with(b"//") || rest.starts_with(b"/*") {
            "comments are not allowed in JSON".to_string()
        } else if c == b'#' {
            "comments are not allowed in JSON (`#`)".to_string()
        } else if rest.starts_with(b"NaN") {
            "NaN is not a JSON value; use null or a string".to_string()
        } else if rest.starts_with(b"Infinity") || rest.starts_with(b"-Infinity") {
            "Infinity is not a JSON value; use null or a string".to_string()
        } else if c == b'\'' {
            "single quotes are not allowed; JSON strings use double quotes".to_string()
        } else if c >= 0x80 {
            let end = rest.len().min(4);
            match std::str::from_utf8(&rest[..end]) {
                Ok(s) => unexpected_char(s.chars().next().unwrap(), expected),
                Err(e) if e.valid_up_to() > 0 => {
                    let s = std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap();
                    unexpected_char(s.chars().next().unwrap(), expected)
                }
                Err(e) => {
                    if self.truncated && e.error_len().is_none() {
                        return Stop;
                    }
                    let ptr = self.row.map(|_| self.pointer(true));
                    self.encoding(pos, rest, e.error_len(), ptr);
                    return Stop;
                }
            }
        } else {
            unexpected_char(c as char, expected)
        };
        self.syntax(pos, msg)
    }

    // ---- lexing ---------------------------------------------------------------------

    /// Skips JSON whitespace, counting lines.
    #[inline]
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.pos) {
            match c {
                b' ' | b'\t' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.newline();
                }
                b'\r' => {
                    self.pos += 1;
                    if self.b.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    self.newline();
                }
                _ => break,
            }
        }
    }

    #[inline]
    fn newline(&mut self) {
        self.line += 1;
        self.line_start = self.pos;
    }

    fn literal(&mut self, word: &[u8], v: Value) -> PResult<Value> {
        if self.b[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.unexpected("a value"))
        }
    }

    fn number(&mut self) -> PResult<Value> {
        let start = self.pos;
        let b = self.b;
        let neg = b[self.pos] == b'-';
        if neg {
            self.pos += 1;
            if b[self.pos..].starts_with(b"Infinity") {
                return Err(
                    self.syntax(start, "-Infinity is not a JSON value; use null or a string")
                );
            }
        }
        let digits = |p: &mut usize| {
            while *p < b.len() && b[*p].is_ascii_digit() {
                *p += 1;
            }
        };
        match b.get(self.pos) {
            Some(b'0') => {
                self.pos += 1;
                if b.get(self.pos).is_some_and(u8::is_ascii_digit) {
                    return Err(self.syntax(start, "numbers cannot have leading zeros"));
                }
            }
            Some(b'1'..=b'9') => digits(&mut self.pos),
            _ => return Err(self.unexpected("a digit")),
        }
        let mut is_int = true;
        if b.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !b.get(self.pos).is_some_and(u8::is_ascii_digit) {
                return Err(self.unexpected("a digit after the decimal point"));
            }
            digits(&mut self.pos);
            is_int = false;
        }
        if matches!(b.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(b.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !b.get(self.pos).is_some_and(u8::is_ascii_digit) {
                return Err(self.unexpected("a digit in the exponent"));
            }
            digits(&mut self.pos);
            is_int = false;
        }
        let text = std::str::from_utf8(&b[start..self.pos]).expect("ASCII");
        if is_int {
            if neg {
                if let Ok(i) = text.parse::<i64>() {
                    // serde_json reads `-0` as the float -0.0; do the same.
                    return Ok(if i == 0 {
                        Value::Number(Number::from_f64(-0.0).expect("finite"))
                    } else {
                        Value::Number(Number::from(i))
                    });
                }
            } else if let Ok(u) = text.parse::<u64>() {
                return Ok(Value::Number(Number::from(u)));
            }
        }
        let f: f64 = text.parse().expect("grammar checked");
        let v = Number::from_f64(f).map_or(Value::Null, Value::Number);
        let problem = if is_int {
            Some(format!(
                "the integer {} does not fit in 64 bits; it would be read as {f:e}",
                escape_value(text, 40)
            ))
        } else if !f.is_finite() {
            Some(format!(
                "the number {} is out of the range of a double",
                escape_value(text, 40)
            ))
        } else if !round_trips(text, f) {
            Some(format!(
                "the number {} has more precision than a double holds; it would be read as {f:e}",
                escape_value(text, 40)
            ))
        } else {
            None
        };
        if let Some(msg) = problem {
            if !self.quiet() {
                let ptr = self.pointer(true);
                let d = self
                    .diag_at(&st::JSON_NUMBER_PRECISION, msg, start)
                    .pointer(ptr);
                self.emit(d);
            }
        }
        Ok(v)
    }

    fn hex4(&mut self, esc: usize) -> PResult<u32> {
        let h = self.b.get(self.pos..self.pos + 4);
        let v = h
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match v {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None if self.pos + 4 > self.b.len()
                && self.b[self.pos..].iter().all(u8::is_ascii_hexdigit) =>
            {
                Err(self.syntax(self.b.len(), "unexpected end of input in a string"))
            }
            None => Err(self.syntax(esc, "`\\u` must be followed by four hex digits")),
        }
    }

    /// Reads a string at `self.pos` (a `"`). Encoding errors are reported here; size and BOM
    /// findings by the caller, who knows the pointer.
    fn string(&mut self, is_key: bool) -> PResult<StrOut> {
        let start = self.pos;
        self.pos += 1;
        let b = self.b;
        let mut out = String::new();
        let mut bad = false;
        let mut too_large = false;
        let mut enc_reported = false;
        let limit = self.field_size;
        let push = |out: &mut String, bad: &mut bool, too_large: &mut bool, s: &str| {
            if *bad {
                return;
            }
            if (out.len() + s.len()) as u64 > limit {
                *bad = true;
                *too_large = true;
                *out = String::new();
            } else {
                out.push_str(s);
            }
        };
        loop {
            let run_start = self.pos;
            while self.pos < b.len() {
                let c = b[self.pos];
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            let mut run = &b[run_start..self.pos];
            let mut run_pos = run_start;
            while !run.is_empty() {
                match std::str::from_utf8(run) {
                    Ok(s) => {
                        push(&mut out, &mut bad, &mut too_large, s);
                        break;
                    }
                    Err(e) => {
                        let upto = e.valid_up_to();
                        push(
                            &mut out,
                            &mut bad,
                            &mut too_large,
                            std::str::from_utf8(&run[..upto]).expect("valid prefix"),
                        );
                        let cut_by_limit =
                            self.truncated && e.error_len().is_none() && self.pos == b.len();
                        if !enc_reported && !cut_by_limit && !self.quiet() {
                            enc_reported = true;
                            let ptr = self.pointer(!is_key);
                            // Ask for the string's column first so columns stay increasing.
                            self.column(start);
                            // A sequence cut short by the closing quote is as bad as a stray byte.
                            let elen = e.error_len().or(if self.pos < b.len() {
                                Some(run.len() - upto)
                            } else {
                                None
                            });
                            self.encoding(run_pos + upto, &run[upto..], elen, Some(ptr));
                        }
                        bad = true;
                        out = String::new();
                        let skip = upto + e.error_len().unwrap_or(run.len() - upto);
                        run = &run[skip..];
                        run_pos += skip;
                    }
                }
            }
            match b.get(self.pos) {
                None => {
                    return Err(
                        self.syntax(b.len(), "unexpected end of input: a string is never closed")
                    );
                }
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    let esc = self.pos;
                    self.pos += 1;
                    let ch = match b.get(self.pos) {
                        None => {
                            return Err(self.syntax(b.len(), "unexpected end of input in a string"))
                        }
                        Some(&c) => {
                            self.pos += 1;
                            match c {
                                b'"' => '"',
                                b'\\' => '\\',
                                b'/' => '/',
                                b'b' => '\u{8}',
                                b'f' => '\u{c}',
                                b'n' => '\n',
                                b'r' => '\r',
                                b't' => '\t',
                                b'u' => self.unicode_escape(esc)?,
                                _ => {
                                    let shown = match std::str::from_utf8(
                                        &b[esc + 1..(esc + 5).min(b.len())],
                                    ) {
                                        Ok(s) => s
                                            .chars()
                                            .next()
                                            .map(|c| escape_value(&c.to_string(), 1)),
                                        Err(e) if e.valid_up_to() > 0 => std::str::from_utf8(
                                            &b[esc + 1..esc + 1 + e.valid_up_to()],
                                        )
                                        .ok()
                                        .and_then(|s| s.chars().next())
                                        .map(|c| escape_value(&c.to_string(), 1)),
                                        Err(_) => None,
                                    };
                                    let msg = match shown {
                                        Some(s) => format!("`\\{s}` is not a JSON escape (allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"),
                                        None => "a backslash must be followed by an escape character".to_string(),
                                    };
                                    return Err(self.syntax(esc, msg));
                                }
                            }
                        }
                    };
                    let mut tmp = [0u8; 4];
                    push(&mut out, &mut bad, &mut too_large, ch.encode_utf8(&mut tmp));
                }
                Some(&c) => {
                    let name = match c {
                        b'\n' => " (a line feed: write \\n)",
                        b'\r' => " (a carriage return: write \\r)",
                        b'\t' => " (a tab: write \\t)",
                        0 => " (NUL)",
                        _ => "",
                    };
                    let pos = self.pos;
                    return Err(self.syntax(
                        pos,
                        format!(
                            "a control character U+{c:04X}{name} must be escaped inside a string"
                        ),
                    ));
                }
            }
        }
        if bad {
            self.poisoned = true;
        }
        Ok(StrOut {
            value: if bad { None } else { Some(out) },
            start,
            too_large,
        })
    }

    /// After `\u`: one code point, joining a surrogate pair; lone surrogates are errors.
    fn unicode_escape(&mut self, esc: usize) -> PResult<char> {
        let hi = self.hex4(esc)?;
        match hi {
            0xD800..=0xDBFF => {
                let pair = self.b[self.pos..].starts_with(b"\\u");
                if pair {
                    let save = self.pos;
                    self.pos += 2;
                    let lo = self.hex4(save)?;
                    if (0xDC00..=0xDFFF).contains(&lo) {
                        let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        return Ok(char::from_u32(cp).expect("valid pair"));
                    }
                }
                if self.truncated && self.pos >= self.b.len() {
                    return Err(Stop);
                }
                Err(self.syntax(
                    esc,
                    format!("`\\u{hi:04X}` is a lone surrogate (a high surrogate must be followed by a low one `\\uDC00`-`\\uDFFF`)"),
                ))
            }
            0xDC00..=0xDFFF => Err(self.syntax(
                esc,
                format!("`\\u{hi:04X}` is a lone surrogate (a low surrogate without a high one before it)"),
            )),
            _ => Ok(char::from_u32(hi).expect("not a surrogate")),
        }
    }

    /// Reports size and BOM findings of a string whose pointer is `ptr`. `bom` is the string,
    /// escaped for a message, when it contains U+FEFF.
    fn string_findings(
        &mut self,
        start: usize,
        too_large: bool,
        bom: Option<String>,
        ptr: impl FnOnce(&Self) -> String,
        what: &str,
    ) {
        if self.quiet() {
            return;
        }
        if too_large {
            let p = ptr(self);
            let msg = format!(
                "the {what} is larger than {} bytes (limits.field_size)",
                self.field_size
            );
            let d = self.diag_at(&lim::FIELD_TOO_LARGE, msg, start).pointer(p);
            self.emit(d);
        } else if let Some(shown) = bom {
            let p = ptr(self);
            let msg = format!("the {what} `{shown}` contains a byte-order mark (U+FEFF)");
            let d = self.diag_at(&st::BOM_IN_VALUE, msg, start).pointer(p);
            self.emit(d);
        }
    }

    // ---- values ---------------------------------------------------------------------

    /// Reads an object key (at `"`), checks it against the keys before it, then the `:`.
    fn key(&mut self) -> PResult<()> {
        self.ws();
        match self.peek() {
            Some(b'"') => {}
            Some(b'}') => {
                return Err(self.syntax(self.pos, "a trailing comma before `}` is not allowed"))
            }
            Some(c) if c == b'_' || c.is_ascii_alphabetic() => {
                return Err(self.syntax(self.pos, "object keys must be double-quoted strings"))
            }
            _ => return Err(self.unexpected("a double-quoted key")),
        }
        let s = self.string(true)?;
        if !self.quiet() {
            let valid = s.value.is_some();
            let key = s.value.unwrap_or_default();
            let bom = (!key.is_ascii() && key.contains('\u{FEFF}')).then(|| escape_value(&key, 80));
            let Some(Frame::Obj(map, k, ok)) = self.frames.last_mut() else {
                unreachable!("a key outside an object")
            };
            let duplicate = (valid && map.contains_key(&key)).then(|| escape_value(&key, 80));
            *k = key;
            *ok = valid;
            self.string_findings(s.start, s.too_large, bom, |p| p.pointer(true), "key");
            if let Some(shown) = duplicate {
                let ptr = self.pointer(true);
                let d = self
                    .diag_at(
                        &st::JSON_DUPLICATE_KEY,
                        format!("the key `{shown}` appears more than once in the object; most readers keep only the last value"),
                        s.start,
                    )
                    .pointer(ptr);
                self.emit(d);
            }
        }
        self.ws();
        if self.peek() == Some(b':') {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected("`:` after the key"))
        }
    }

    /// Opens `{` or `[` at `self.pos`. Returns `Some(value)` when the container is empty and
    /// so already complete.
    fn open(&mut self, is_obj: bool) -> PResult<Option<Value>> {
        let depth = 2 + self.frames.len() + self.skip.len();
        let at = self.pos;
        self.pos += 1;
        if !self.skip.is_empty() || depth > self.depth_limit {
            if self.skip.is_empty() && !self.deep_reported {
                self.deep_reported = true;
                let ptr = self.pointer(true);
                let d = self
                    .diag_at(
                        &lim::JSON_TOO_DEEP,
                        format!(
                            "the value is nested deeper than {} levels (limits.json_depth; the top-level array is level 1)",
                            self.depth_limit
                        ),
                        at,
                    )
                    .pointer(ptr);
                self.emit(d);
            }
            self.poisoned = true;
            self.skip.push(is_obj);
        } else if is_obj {
            self.frames
                .push(Frame::Obj(Map::new(), String::new(), false));
        } else {
            self.frames.push(Frame::Arr(Vec::new()));
        }
        self.ws();
        if self.peek() == Some(close_of(is_obj)) {
            self.pos += 1;
            return Ok(Some(self.close()));
        }
        if is_obj {
            self.key()?;
        }
        Ok(None)
    }

    /// Closes the innermost container and returns its value.
    fn close(&mut self) -> Value {
        if self.skip.pop().is_some() {
            return Value::Null;
        }
        match self.frames.pop() {
            Some(Frame::Arr(items)) => Value::Array(items),
            Some(Frame::Obj(map, _, _)) => Value::Object(map),
            None => unreachable!("close without open"),
        }
    }

    /// Reads one complete value (iteratively).
    fn value(&mut self) -> PResult<Value> {
        debug_assert!(self.frames.is_empty() && self.skip.is_empty());
        'value: loop {
            self.ws();
            let mut v = match self.peek() {
                Some(b'{') => match self.open(true)? {
                    Some(v) => v,
                    None => continue 'value,
                },
                Some(b'[') => match self.open(false)? {
                    Some(v) => v,
                    None => continue 'value,
                },
                Some(b'"') => {
                    let s = self.string(false)?;
                    let bom = s
                        .value
                        .as_deref()
                        .filter(|v| !v.is_ascii() && v.contains('\u{FEFF}'))
                        .map(|v| escape_value(v, 80));
                    self.string_findings(s.start, s.too_large, bom, |p| p.pointer(true), "string");
                    s.value.map_or(Value::Null, Value::String)
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal(b"true", Value::Bool(true))?,
                Some(b'f') => self.literal(b"false", Value::Bool(false))?,
                Some(b'n') => self.literal(b"null", Value::Null)?,
                _ => return Err(self.unexpected("a value")),
            };
            // Attach the value to its container, closing containers that end here.
            loop {
                let is_obj = if let Some(&o) = self.skip.last() {
                    o
                } else {
                    match self.frames.last_mut() {
                        None => return Ok(v),
                        Some(Frame::Arr(items)) => {
                            items.push(v);
                            false
                        }
                        Some(Frame::Obj(map, key, ok)) => {
                            if *ok {
                                map.insert(std::mem::take(key), v);
                                // No current key until the next one is read.
                                *ok = false;
                            }
                            true
                        }
                    }
                };
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        let comma = (self.pos, self.line, self.line_start);
                        self.pos += 1;
                        self.ws();
                        if self.peek() == Some(close_of(is_obj)) {
                            return Err(self.trailing_comma(comma, is_obj));
                        }
                        if is_obj {
                            self.key()?;
                        }
                        continue 'value;
                    }
                    Some(c) if c == close_of(is_obj) => {
                        self.pos += 1;
                        v = self.close();
                    }
                    _ => {
                        let what = if is_obj { "`,` or `}`" } else { "`,` or `]`" };
                        return Err(self.unexpected(what));
                    }
                }
            }
        }
    }

    /// A trailing comma, reported where the comma is.
    fn trailing_comma(&mut self, comma: (usize, u64, usize), is_obj: bool) -> Stop {
        let (pos, line, line_start) = comma;
        let column = 1 + self.b[line_start..pos]
            .iter()
            .filter(|&&c| c & 0xC0 != 0x80)
            .count() as u64;
        let close = close_of(is_obj) as char;
        let mut d = Diagnostic::new(
            &st::JSON_SYNTAX,
            format!("a trailing comma before `{close}` is not allowed"),
        )
        .path(self.path)
        .line(line)
        .column(column);
        if let Some(r) = self.row {
            d = d.row(r).pointer(self.pointer(true));
            if let Some(f) = self.field() {
                d = d.field(f);
            }
        }
        self.emit(d);
        Stop
    }

    // ---- the document ---------------------------------------------------------------

    fn document(&mut self) -> Vec<JsonRecord> {
        let mut records = Vec::new();
        let b = self.b;
        if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.pos = 3;
            self.line_start = 3;
            self.col_pos = 3;
        } else if b.starts_with(&[0xFF, 0xFE])
            || b.starts_with(&[0xFE, 0xFF])
            || (b.len() >= 2 && (b[0] == 0 || b[1] == 0))
        {
            let d = Diagnostic::new(
                &st::ENCODING_ERROR,
                "the file is UTF-16 or UTF-32 (a byte-order mark or NUL bytes at byte 0), not UTF-8",
            )
            .path(self.path)
            .line(1)
            .column(1)
            .hint("save the file as UTF-8");
            self.emit(d);
            return records;
        }
        self.ws();
        match self.peek() {
            None => {
                if !self.truncated {
                    let d = Diagnostic::new(&st::EMPTY_FILE, "the file is empty (no JSON value)")
                        .path(self.path)
                        .line(self.line);
                    self.emit(d);
                }
                return records;
            }
            Some(b'[') => self.pos += 1,
            Some(c @ (b'{' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')) => {
                let what = match c {
                    b'{' => "an object",
                    b'"' => "a string",
                    b't' | b'f' => "a boolean",
                    b'n' => "null",
                    _ => "a number",
                };
                let pos = self.pos;
                let d = self
                    .diag_at(
                        &st::JSON_NOT_RECORDS,
                        format!("the top level is {what}, not an array of records"),
                        pos,
                    )
                    .pointer("");
                self.emit(d);
                return records;
            }
            _ => {
                let _ = self.unexpected("`[` (an array of records)");
                return records;
            }
        }
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                self.ws();
                if !matches!(
                    self.peek(),
                    Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
                ) {
                    let _ = self.unexpected("a record (an object)");
                    return records;
                }
                self.items += 1;
                let row = self.items;
                self.row = Some(row);
                self.poisoned = false;
                self.deep_reported = false;
                let start = self.pos;
                let line = self.line;
                let column = self.column(start);
                let kind = match self.peek() {
                    Some(b'{') => None,
                    Some(b'[') => Some("an array"),
                    Some(b'"') => Some("a string"),
                    Some(b'-' | b'0'..=b'9') => Some("a number"),
                    Some(b't' | b'f')
                        if self.b[start..].starts_with(b"true")
                            || self.b[start..].starts_with(b"false") =>
                    {
                        Some("a boolean")
                    }
                    Some(b'n') if self.b[start..].starts_with(b"null") => Some("null"),
                    _ => None,
                };
                if let Some(what) = kind {
                    let d = Diagnostic::new(
                        &st::JSON_NOT_RECORDS,
                        format!("item {row} is {what}, not an object (a record)"),
                    )
                    .path(self.path)
                    .row(row)
                    .line(line)
                    .column(column)
                    .pointer(format!("/{}", row - 1));
                    self.emit(d);
                }
                let v = match self.value() {
                    Ok(v) => v,
                    Err(Stop) => {
                        self.frames.clear();
                        self.skip.clear();
                        return records;
                    }
                };
                if v.is_object() && !self.poisoned {
                    records.push(JsonRecord {
                        row,
                        line,
                        column,
                        value: v,
                    });
                }
                self.row = None;
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        let comma = (self.pos, self.line, self.line_start);
                        self.pos += 1;
                        self.ws();
                        if self.peek() == Some(b']') {
                            let _ = self.trailing_comma(comma, false);
                            return records;
                        }
                    }
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => {
                        let _ = self.unexpected("`,` or `]` after a record");
                        return records;
                    }
                }
            }
        }
        self.ws();
        if self.pos < self.b.len() {
            let pos = self.pos;
            let _ = self.syntax(
                pos,
                "text after the end of the JSON document (the top-level array is closed)",
            );
        }
        records
    }
}

/// How many bad bytes to show, and a guess at what they are.
fn classify_invalid(rest: &[u8], error_len: Option<usize>) -> (usize, &'static str) {
    let at = |i: usize| rest.get(i).copied().unwrap_or(0);
    let cont = |i: usize| at(i) & 0xC0 == 0x80;
    match (at(0), at(1)) {
        (0xC0 | 0xC1, _) if cont(1) => (2, " (an overlong encoding)"),
        (0xE0, 0x80..=0x9F) if cont(2) => (3, " (an overlong encoding)"),
        (0xF0, 0x80..=0x8F) if cont(2) && cont(3) => (4, " (an overlong encoding)"),
        (0xED, 0xA0..=0xBF) if cont(2) => (3, " (an encoded UTF-16 surrogate)"),
        _ => match error_len {
            Some(1) => (1, " (looks like Latin-1 or Windows-1252)"),
            Some(n) => (n, " (an incomplete multi-byte sequence)"),
            None => (
                rest.len().min(4),
                " (an incomplete multi-byte sequence at the end)",
            ),
        },
    }
}

fn unexpected_char(c: char, expected: &str) -> String {
    match c {
        ']' | '}' | ',' | ':' => format!("unexpected `{c}`; expected {expected}"),
        _ => format!(
            "unexpected character `{}`; expected {expected}",
            escape_value(&c.to_string(), 1)
        ),
    }
}

/// Whether the decimal `text`, which reads as `f`, says no more than `f` holds: it has no more
/// significant digits than the shortest decimal that reads back as `f`. (When two decimals of
/// that length both read as `f`, either is fine: serializers differ in which one they print.)
fn round_trips(text: &str, f: f64) -> bool {
    decimal_key(text).1.len() <= decimal_key(&format!("{f:e}")).1.len()
}

/// A decimal number as (negative, significant digits, exponent of the leading digit), so that
/// `1.0`, `1e0` and `10e-1` compare equal. Zero is `(false, "", 0)`.
pub(crate) fn decimal_key(text: &str) -> (bool, String, i64) {
    let (neg, t) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], parse_exp(&t[i + 1..])),
        None => (t, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = int.chars().chain(frac.chars()).collect();
    let lead = all.bytes().take_while(|&c| c == b'0').count();
    let digits = all[lead..].trim_end_matches('0');
    if digits.is_empty() {
        return (false, String::new(), 0);
    }
    let point = (int.len() as i64 - lead as i64).saturating_add(exp);
    (neg, digits.to_string(), point)
}

fn parse_exp(s: &str) -> i64 {
    let (neg, d) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for c in d.bytes() {
        v = v.saturating_mul(10).saturating_add((c - b'0') as i64);
    }
    if neg {
        -v
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_keys() {
        assert_eq!(decimal_key("1.0"), decimal_key("1e0"));
        assert_eq!(decimal_key("100"), decimal_key("1e2"));
        assert_eq!(decimal_key("0.001"), decimal_key("1e-3"));
        assert_eq!(decimal_key("-0.0"), decimal_key("0"));
        assert_ne!(decimal_key("1.000000000000000005"), decimal_key("1e0"));
        assert_eq!(decimal_key("123.4500"), (false, "12345".into(), 3));
        assert!(round_trips("-1424627192763874.2", -1424627192763874.2));
        assert!(round_trips("1.0", 1.0));
        assert!(round_trips("1e2", 100.0));
        assert!(!round_trips("1.000000000000000005", 1.0));
        assert!(!round_trips("0.10000000000000001", 0.1));
        assert!(!round_trips("1e-400", 0.0));
    }
}
