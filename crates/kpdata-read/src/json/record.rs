//! Record assembly: values built iteratively on an explicit stack (objects with their keys
//! checked for duplicates, the depth limit), the items of the top-level array turned into
//! records, and the document around them.

use kpdata_diagnostics::escape_value;
use kpdata_diagnostics::rules::structure as st;
use serde_json::{Map, Value};

use super::{close_of, Frame, JsonRecord, PResult, Parser, Stop};

/// A byte that can start a JSON value.
fn starts_value(c: Option<u8>) -> bool {
    matches!(
        c,
        Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
    )
}

impl Parser<'_> {
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
                self.too_deep(at);
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

    /// The whole document: an optional BOM, the top-level array of records, nothing after it.
    pub(super) fn document(&mut self) -> Vec<JsonRecord> {
        let mut records = Vec::new();
        if !self.prologue() {
            return records;
        }
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else if self.items(&mut records).is_err() {
            return records;
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

    /// Skips a UTF-8 BOM and reads the `[` that opens the document. Returns false (with the
    /// finding) when the document cannot be read: UTF-16/32, empty, or not an array.
    fn prologue(&mut self) -> bool {
        let b = self.b;
        if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.pos = 3;
            self.line_start = 3;
            self.col_pos = 3;
        } else if b.starts_with(&[0xFF, 0xFE])
            || b.starts_with(&[0xFE, 0xFF])
            || (b.len() >= 2 && (b[0] == 0 || b[1] == 0))
        {
            self.utf16();
            return false;
        }
        self.ws();
        match self.peek() {
            None => {
                self.empty();
                false
            }
            Some(b'[') => {
                self.pos += 1;
                true
            }
            Some(c @ (b'{' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')) => {
                self.top_not_array(c);
                false
            }
            _ => {
                let _ = self.unexpected("`[` (an array of records)");
                false
            }
        }
    }

    /// The items of the top-level array, up to and including its `]`. `Err` when reading
    /// stopped (the finding is recorded; the records read before are kept).
    fn items(&mut self, records: &mut Vec<JsonRecord>) -> PResult<()> {
        loop {
            self.ws();
            if !starts_value(self.peek()) {
                return Err(self.unexpected("a record (an object)"));
            }
            self.items += 1;
            let row = self.items;
            self.row = Some(row);
            self.poisoned = false;
            self.deep_reported = false;
            let start = self.pos;
            let line = self.line;
            let column = self.column(start);
            if let Some(what) = self.item_kind(start) {
                self.item_not_object(row, what, start, line, column);
            }
            let v = match self.value() {
                Ok(v) => v,
                Err(Stop) => {
                    self.frames.clear();
                    self.skip.clear();
                    return Err(Stop);
                }
            };
            if v.is_object() && !self.poisoned {
                records.push(JsonRecord {
                    row,
                    line,
                    column,
                    offset: start as u64,
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
                        return Err(self.trailing_comma(comma, false));
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.unexpected("`,` or `]` after a record")),
            }
        }
    }

    /// What the item at `start` is when it is a well-formed value that is not an object
    /// (`None` for an object, or for text that is no value: the parser reports that).
    fn item_kind(&self, start: usize) -> Option<&'static str> {
        let rest = &self.b[start..];
        match rest.first() {
            Some(b'[') => Some("an array"),
            Some(b'"') => Some("a string"),
            Some(b'-' | b'0'..=b'9') => Some("a number"),
            Some(b't' | b'f') if rest.starts_with(b"true") || rest.starts_with(b"false") => {
                Some("a boolean")
            }
            Some(b'n') if rest.starts_with(b"null") => Some("null"),
            _ => None,
        }
    }
}
