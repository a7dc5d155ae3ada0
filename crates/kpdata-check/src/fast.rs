//! The fast path: a record schema compiled once into per-column checks on the CSV text, so a
//! valid row is accepted without building a `serde_json::Value`.
//!
//! It covers the keywords datasets use (`type`, `enum`, `const`, `pattern`, `format` for the
//! date and domain formats, `minLength`/`maxLength`, numeric bounds, `items`,
//! `minItems`/`maxItems`, string `uniqueItems`, `required`, `additionalProperties: false`) and
//! decides only the verdict. A schema with any other keyword is not compiled here, and a row
//! the fast path rejects (or cannot decide) is validated again by the `jsonschema` crate, which
//! produces the findings. So findings always come from `jsonschema`; the fast path only
//! skips work on rows it proves valid. `tests/fast_path.rs` checks the verdicts against the
//! `jsonschema` crate on generated schemas and records.

use kpdata_package::{FieldType, RecordSchema};
use kpdata_read::typing::{parse_integer, parse_number};
use serde_json::Value;

use crate::formats::{is_imo_number, is_partial_date, is_un_1718_ref};
use crate::pattern::Pattern;

/// A verdict on one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid,
    /// The fast path cannot decide: ask the `jsonschema` crate.
    Unknown,
}

#[derive(Debug, Clone)]
struct Checks {
    ty: FieldType,
    enum_strings: Option<Vec<String>>,
    pattern: Option<Pattern>,
    format: Option<fn(&str) -> bool>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: Option<f64>,
    exclusive_maximum: Option<f64>,
    items: Option<Box<Checks>>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique_items: bool,
}

#[derive(Debug, Clone)]
struct FastField {
    checks: Checks,
    required: bool,
}

/// A compiled record schema for the fast path.
#[derive(Debug, Clone)]
pub struct FastSchema {
    fields: Vec<FastField>,
    /// `dependentRequired`: when the first field is present, the others must be too.
    dependent: Vec<(usize, Vec<usize>)>,
}

const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "examples",
    "default",
    "$comment",
    "deprecated",
    "readOnly",
    "writeOnly",
];

fn is_annotation(k: &str) -> bool {
    ANNOTATIONS.contains(&k) || k.starts_with("x-")
}

fn full_date(s: &str) -> bool {
    s.len() == 10 && is_partial_date(s)
}

fn format_check(name: &str) -> Option<fn(&str) -> bool> {
    Some(match name {
        "date" => full_date,
        "partial-date" => is_partial_date,
        "un-1718-ref" => is_un_1718_ref,
        "imo-number" => is_imo_number,
        _ => return None,
    })
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Compiles one property schema, or None if it uses anything the fast path does not cover.
fn compile_checks(p: &Value, ty: FieldType) -> Option<Checks> {
    let obj = p.as_object()?;
    let mut c = Checks {
        ty: ty.clone(),
        enum_strings: None,
        pattern: None,
        format: None,
        min_length: None,
        max_length: None,
        minimum: None,
        maximum: None,
        exclusive_minimum: None,
        exclusive_maximum: None,
        items: None,
        min_items: None,
        max_items: None,
        unique_items: false,
    };
    let stringy = matches!(ty, FieldType::String | FieldType::Any);
    for (k, v) in obj {
        match k.as_str() {
            "type" => {
                // Only a single type, or one type and "null": the CSV reader types the cell by it.
                let names: Vec<&str> = match v {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => a.iter().map(Value::as_str).collect::<Option<Vec<_>>>()?,
                    _ => return None,
                };
                let non_null: Vec<&&str> = names.iter().filter(|n| **n != "null").collect();
                if non_null.len() != 1
                    || !["string", "integer", "number", "boolean", "array"].contains(non_null[0])
                {
                    return None;
                }
            }
            "enum" | "const" if stringy => {
                let vals: Vec<&Value> = if k == "enum" {
                    v.as_array()?.iter().collect()
                } else {
                    vec![v]
                };
                let strings = vals
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect();
                c.enum_strings = Some(strings);
            }
            "pattern" => {
                let translated = jsonschema_regex::to_rust_regex(v.as_str()?).ok()?;
                c.pattern = Some(Pattern::new(&translated)?);
            }
            "format" => c.format = Some(format_check(v.as_str()?)?),
            "minLength" => c.min_length = Some(v.as_u64()?),
            "maxLength" => c.max_length = Some(v.as_u64()?),
            "minimum" => c.minimum = Some(number(v)?),
            "maximum" => c.maximum = Some(number(v)?),
            "exclusiveMinimum" => c.exclusive_minimum = Some(number(v)?),
            "exclusiveMaximum" => c.exclusive_maximum = Some(number(v)?),
            "items" => {
                let FieldType::Array { item, .. } = &ty else {
                    return None;
                };
                c.items = Some(Box::new(compile_checks(v, (**item).clone())?));
            }
            "minItems" => c.min_items = Some(v.as_u64()?),
            "maxItems" => c.max_items = Some(v.as_u64()?),
            "uniqueItems" => {
                let FieldType::Array { item, .. } = &ty else {
                    return None;
                };
                if v.as_bool()? {
                    if **item != FieldType::String {
                        return None;
                    }
                    c.unique_items = true;
                }
            }
            k if is_annotation(k) => {}
            _ => return None,
        }
    }
    if let FieldType::Array { item, .. } = &ty {
        if c.items.is_none() && **item != FieldType::String {
            return None;
        }
    }
    Some(c)
}

impl FastSchema {
    /// Compiles `schema` for the fast path; None when it uses a keyword the fast path does not
    /// cover (those schemas always go through the `jsonschema` crate).
    pub fn compile(schema: &RecordSchema) -> Option<FastSchema> {
        let obj = schema.json.as_object()?;
        for (k, v) in obj {
            match k.as_str() {
                "$schema" | "$id" | "properties" | "required" | "dependentRequired" => {}
                "type" if v == "object" => {}
                "additionalProperties" if v.is_boolean() => {}
                k if is_annotation(k) => {}
                _ => return None,
            }
        }
        if let Some(req) = obj.get("required") {
            for r in req.as_array()? {
                // A required name that is not a property can never be satisfied by a CSV row
                // under additionalProperties: false; leave such schemas to jsonschema.
                schema.field(r.as_str()?)?;
            }
        }
        let mut dependent = Vec::new();
        if let Some(dep) = obj.get("dependentRequired") {
            for (k, v) in dep.as_object()? {
                let others = v
                    .as_array()?
                    .iter()
                    .map(|o| schema.field_index(o.as_str()?))
                    .collect::<Option<Vec<_>>>()?;
                dependent.push((schema.field_index(k)?, others));
            }
        }
        let fields = schema
            .fields
            .iter()
            .map(|f| {
                Some(FastField {
                    checks: compile_checks(&f.schema, f.ty.clone())?,
                    required: f.required,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(FastSchema { fields, dependent })
    }

    /// Which fields of a record fail, when that is all that is wrong with it. Returns true when
    /// the fast path decided: `failing` is then empty for a valid record, or lists the fields
    /// whose own subschema rejects their cell while every record-level keyword (`required`,
    /// `dependentRequired`) holds, so validating those properties alone gives every finding
    /// of the record. Returns false when the whole record must go to `jsonschema`.
    pub fn failing_fields<'a>(
        &self,
        cell: impl Fn(usize) -> Option<&'a str>,
        failing: &mut Vec<usize>,
    ) -> bool {
        failing.clear();
        for (i, f) in self.fields.iter().enumerate() {
            match cell(i) {
                None if f.required => return false,
                None => {}
                Some(text) => match check(&f.checks, text) {
                    Verdict::Valid => {}
                    Verdict::Invalid => failing.push(i),
                    Verdict::Unknown => return false,
                },
            }
        }
        for (field, others) in &self.dependent {
            if cell(*field).is_some() && others.iter().any(|o| cell(*o).is_none()) {
                return false;
            }
        }
        true
    }

    /// The verdict on a whole record. `cell(i)` is the text of schema field `i`, None when the
    /// cell is empty or absent (the field is then left out of the record).
    pub fn verdict<'a>(&self, cell: impl Fn(usize) -> Option<&'a str>) -> Verdict {
        let mut out = Verdict::Valid;
        for (i, f) in self.fields.iter().enumerate() {
            match cell(i) {
                None if f.required => return Verdict::Invalid,
                None => {}
                Some(text) => match check(&f.checks, text) {
                    Verdict::Valid => {}
                    Verdict::Invalid => return Verdict::Invalid,
                    Verdict::Unknown => out = Verdict::Unknown,
                },
            }
        }
        for (field, others) in &self.dependent {
            if cell(*field).is_some() && others.iter().any(|o| cell(*o).is_none()) {
                return Verdict::Invalid;
            }
        }
        out
    }
}

fn check(c: &Checks, text: &str) -> Verdict {
    match &c.ty {
        FieldType::String | FieldType::Any => check_string(c, text),
        FieldType::Integer => match parse_integer(text) {
            None => Verdict::Invalid,
            Some(n) => match n.as_i64() {
                Some(i) if i.unsigned_abs() < (1u64 << 53) => check_number(c, i as f64),
                _ => Verdict::Unknown,
            },
        },
        FieldType::Number => match parse_number(text) {
            None => Verdict::Invalid,
            Some(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) if i.unsigned_abs() >= (1u64 << 53) => Verdict::Unknown,
                (None, _) if n.as_u64().is_some() => Verdict::Unknown,
                (_, Some(f)) => check_number(c, f),
                _ => Verdict::Unknown,
            },
        },
        FieldType::Boolean => match text {
            "true" | "false" => Verdict::Valid,
            _ => Verdict::Invalid,
        },
        FieldType::Array { separator, .. } => {
            let mut n = 0u64;
            let mut out = Verdict::Valid;
            for item in kpdata_read::typing::split_array(text, separator) {
                n += 1;
                if let Some(items) = &c.items {
                    match check(items, item) {
                        Verdict::Valid => {}
                        Verdict::Invalid => return Verdict::Invalid,
                        Verdict::Unknown => out = Verdict::Unknown,
                    }
                }
            }
            if c.min_items.is_some_and(|m| n < m) || c.max_items.is_some_and(|m| n > m) {
                return Verdict::Invalid;
            }
            if c.unique_items {
                let mut seen: Vec<&str> =
                    kpdata_read::typing::split_array(text, separator).collect();
                seen.sort_unstable();
                if seen.windows(2).any(|w| w[0] == w[1]) {
                    return Verdict::Invalid;
                }
            }
            out
        }
    }
}

fn check_string(c: &Checks, s: &str) -> Verdict {
    if let Some(e) = &c.enum_strings {
        if !e.iter().any(|x| x == s) {
            return Verdict::Invalid;
        }
    }
    // A string has between len/4 and len characters: count only when that does not decide.
    let bytes = s.len() as u64;
    let decided = c.min_length.is_none_or(|m| bytes.div_ceil(4) >= m)
        && c.max_length.is_none_or(|m| bytes <= m);
    if !decided {
        let n = s.chars().count() as u64;
        if c.min_length.is_some_and(|m| n < m) || c.max_length.is_some_and(|m| n > m) {
            return Verdict::Invalid;
        }
    }
    if let Some(f) = c.format {
        if !f(s) {
            return Verdict::Invalid;
        }
    }
    if let Some(p) = &c.pattern {
        if !p.is_match(s) {
            return Verdict::Invalid;
        }
    }
    Verdict::Valid
}

fn check_number(c: &Checks, x: f64) -> Verdict {
    let bad = c.minimum.is_some_and(|m| x < m)
        || c.maximum.is_some_and(|m| x > m)
        || c.exclusive_minimum.is_some_and(|m| x <= m)
        || c.exclusive_maximum.is_some_and(|m| x >= m);
    if bad {
        Verdict::Invalid
    } else {
        Verdict::Valid
    }
}
