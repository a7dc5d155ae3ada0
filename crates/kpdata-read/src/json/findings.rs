//! Findings: positions (line, character column, byte offset, JSON pointer, record field) and
//! every finding the JSON reader makes, capped per rule.

use kpdata_diagnostics::rules::{limits as lim, structure as st};
use kpdata_diagnostics::{escape_value, Diagnostic, Rule};

use super::{close_of, escape_pointer_token, Dropped, Findings, Frame, Parser, Stop};

impl Findings {
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
}

impl Parser<'_> {
    pub(super) fn emit(&mut self, d: Diagnostic) {
        self.out.emit(d);
    }

    /// Character column of `pos`, which must be on the current line. Amortised linear when
    /// positions are asked in increasing order.
    pub(super) fn column(&mut self, pos: usize) -> u64 {
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

    /// A finding at byte `pos` (on the current line), with the row and field being read.
    pub(super) fn diag_at(&mut self, rule: &'static Rule, msg: String, pos: usize) -> Diagnostic {
        let column = self.column(pos);
        let mut d = Diagnostic::new(rule, msg)
            .path(self.path)
            .line(self.line)
            .column(column)
            .offset(pos as u64);
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
    pub(super) fn pointer(&self, with_last_key: bool) -> String {
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
    pub(super) fn quiet(&self) -> bool {
        !self.skip.is_empty()
    }

    pub(super) fn syntax(&mut self, pos: usize, msg: impl Into<String>) -> Stop {
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
    pub(super) fn encoding(
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
    pub(super) fn unexpected(&mut self, expected: &str) -> Stop {
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

    /// A backslash at `esc` followed by a character that is not a JSON escape.
    pub(super) fn bad_escape(&mut self, esc: usize) -> Stop {
        let b = self.b;
        let shown = match std::str::from_utf8(&b[esc + 1..(esc + 5).min(b.len())]) {
            Ok(s) => s.chars().next().map(|c| escape_value(&c.to_string(), 1)),
            Err(e) if e.valid_up_to() > 0 => {
                std::str::from_utf8(&b[esc + 1..esc + 1 + e.valid_up_to()])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .map(|c| escape_value(&c.to_string(), 1))
            }
            Err(_) => None,
        };
        let msg = match shown {
            Some(s) => format!(
                "`\\{s}` is not a JSON escape (allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"
            ),
            None => "a backslash must be followed by an escape character".to_string(),
        };
        self.syntax(esc, msg)
    }

    /// A raw control character `c` at the current position inside a string.
    pub(super) fn control_in_string(&mut self, c: u8) -> Stop {
        let name = match c {
            b'\n' => " (a line feed: write \\n)",
            b'\r' => " (a carriage return: write \\r)",
            b'\t' => " (a tab: write \\t)",
            0 => " (NUL)",
            _ => "",
        };
        let pos = self.pos;
        self.syntax(
            pos,
            format!("a control character U+{c:04X}{name} must be escaped inside a string"),
        )
    }

    /// Reports size and BOM findings of a string whose pointer is `ptr`. `bom` is the string,
    /// escaped for a message, when it contains U+FEFF.
    pub(super) fn string_findings(
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

    /// A trailing comma, reported where the comma is (`comma`: its byte, line and line start).
    pub(super) fn trailing_comma(&mut self, comma: (usize, u64, usize), is_obj: bool) -> Stop {
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
        .column(column)
        .offset(pos as u64);
        if let Some(r) = self.row {
            d = d.row(r).pointer(self.pointer(true));
            if let Some(f) = self.field() {
                d = d.field(f);
            }
        }
        self.emit(d);
        Stop
    }

    /// The file is UTF-16 or UTF-32: nothing is read.
    pub(super) fn utf16(&mut self) {
        let d = Diagnostic::new(
            &st::ENCODING_ERROR,
            "the file is UTF-16 or UTF-32 (a byte-order mark or NUL bytes at byte 0), not UTF-8",
        )
        .path(self.path)
        .line(1)
        .column(1)
        .offset(0)
        .hint("save the file as UTF-8");
        self.emit(d);
    }

    /// Nothing but whitespace (the position is the end of the file).
    pub(super) fn empty(&mut self) {
        if !self.truncated {
            let d = Diagnostic::new(&st::EMPTY_FILE, "the file is empty (no JSON value)")
                .path(self.path)
                .line(self.line)
                .offset(self.pos as u64);
            self.emit(d);
        }
    }

    /// The top level is a value (starting with `c`) that is not an array.
    pub(super) fn top_not_array(&mut self, c: u8) {
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
    }

    /// Item `row` (at byte `start`, line `line`, column `column`) is `what`, not an object.
    pub(super) fn item_not_object(
        &mut self,
        row: u64,
        what: &str,
        start: usize,
        line: u64,
        column: u64,
    ) {
        let d = Diagnostic::new(
            &st::JSON_NOT_RECORDS,
            format!("item {row} is {what}, not an object (a record)"),
        )
        .path(self.path)
        .row(row)
        .line(line)
        .column(column)
        .offset(start as u64)
        .pointer(format!("/{}", row - 1));
        self.emit(d);
    }

    /// The container opened at byte `at` is nested deeper than the limit.
    pub(super) fn too_deep(&mut self, at: usize) {
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
