//! Lexing: whitespace (counting physical lines), literals, numbers (with the precision check)
//! and strings (UTF-8 checked run by run, escapes and surrogate pairs, the size limit).

use kpdata_diagnostics::escape_value;
use kpdata_diagnostics::rules::structure as st;
use serde_json::{Number, Value};

use super::{PResult, Parser, Stop, StrOut};

/// The text of a string being read, until it turns out unusable (then it is dropped).
struct StrAcc {
    out: String,
    /// The string cannot be kept (invalid UTF-8 or too large).
    bad: bool,
    too_large: bool,
    /// An encoding error was already reported for this string.
    enc_reported: bool,
    limit: u64,
}

impl StrAcc {
    #[inline]
    fn push(&mut self, s: &str) {
        if self.bad {
            return;
        }
        if (self.out.len() + s.len()) as u64 > self.limit {
            self.bad = true;
            self.too_large = true;
            self.out = String::new();
        } else {
            self.out.push_str(s);
        }
    }
}

impl Parser<'_> {
    #[inline]
    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// Skips JSON whitespace, counting lines.
    #[inline]
    pub(super) fn ws(&mut self) {
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

    pub(super) fn literal(&mut self, word: &[u8], v: Value) -> PResult<Value> {
        if self.b[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.unexpected("a value"))
        }
    }

    pub(super) fn number(&mut self) -> PResult<Value> {
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
        if let Some(msg) = precision_problem(text, f, is_int) {
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
    pub(super) fn string(&mut self, is_key: bool) -> PResult<StrOut> {
        let start = self.pos;
        self.pos += 1;
        let b = self.b;
        let mut acc = StrAcc {
            out: String::new(),
            bad: false,
            too_large: false,
            enc_reported: false,
            limit: self.field_size,
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
            self.string_run(run_start, start, is_key, &mut acc);
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
                    let ch = self.escape()?;
                    let mut tmp = [0u8; 4];
                    acc.push(ch.encode_utf8(&mut tmp));
                }
                Some(&c) => return Err(self.control_in_string(c)),
            }
        }
        if acc.bad {
            self.poisoned = true;
        }
        Ok(StrOut {
            value: if acc.bad { None } else { Some(acc.out) },
            start,
            too_large: acc.too_large,
        })
    }

    /// The bytes from `run_start` to the current position, which hold no quote, backslash or
    /// control character, into the string that starts at `start`; the first bytes that are not
    /// UTF-8 are reported and make the string unusable.
    fn string_run(&mut self, run_start: usize, start: usize, is_key: bool, acc: &mut StrAcc) {
        let b = self.b;
        let mut run = &b[run_start..self.pos];
        let mut run_pos = run_start;
        while !run.is_empty() {
            match std::str::from_utf8(run) {
                Ok(s) => {
                    acc.push(s);
                    break;
                }
                Err(e) => {
                    let upto = e.valid_up_to();
                    acc.push(std::str::from_utf8(&run[..upto]).expect("valid prefix"));
                    let cut_by_limit =
                        self.truncated && e.error_len().is_none() && self.pos == b.len();
                    if !acc.enc_reported && !cut_by_limit && !self.quiet() {
                        acc.enc_reported = true;
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
                    acc.bad = true;
                    acc.out = String::new();
                    let skip = upto + e.error_len().unwrap_or(run.len() - upto);
                    run = &run[skip..];
                    run_pos += skip;
                }
            }
        }
    }

    /// An escape at `self.pos` (a backslash): the character it stands for.
    fn escape(&mut self) -> PResult<char> {
        let esc = self.pos;
        self.pos += 1;
        let Some(&c) = self.b.get(self.pos) else {
            return Err(self.syntax(self.b.len(), "unexpected end of input in a string"));
        };
        self.pos += 1;
        Ok(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape(esc)?,
            _ => return Err(self.bad_escape(esc)),
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
}

/// Why the number `text` (read as `f`) cannot be kept exactly, if it cannot.
fn precision_problem(text: &str, f: f64, is_int: bool) -> Option<String> {
    if is_int {
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
