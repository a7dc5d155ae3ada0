//! `datapackage.json`: a Frictionless Data Package v2 descriptor, and the Table Schema of each
//! resource derived from its JSON Schema.
//!
//! Besides the standard properties it carries two kpdata properties, so that a single flipped
//! bit anywhere in the folder is blamed on the right file (see [`crate::verify`]):
//! - `x-kpdata-files`: path, bytes and sha256 of every file except `datapackage.json` and
//!   `SHA256SUMS` (a second witness for each file besides `SHA256SUMS`);
//! - `x-kpdata-digest`: the sha256 of this descriptor's own bytes with the digest's 64 hex
//!   digits replaced by `0`s (the descriptor's own witness).

use serde_json::{json, Map, Value};

use crate::dates::{Part, PARTIAL_DATE};
use crate::frame::{Column, ColumnType, Derived, Frame};
use crate::input::Input;

pub const PROFILE: &str = "https://datapackage.org/profiles/2.0/datapackage.json";
pub const DIGEST_KEY: &str = "x-kpdata-digest";
pub const FILES_KEY: &str = "x-kpdata-files";
pub const PARQUET_MEDIATYPE: &str = "application/vnd.apache.parquet";

/// The byte pattern that precedes the digest in the pretty-printed descriptor: the key at
/// the top level (a line indented by exactly two spaces). The same key deeper down (an
/// `enum` object copied from a schema) is indented further, and a string value can never
/// hold a raw newline, so the top-level key is the only match.
pub fn digest_marker() -> String {
    format!("\n  \"{DIGEST_KEY}\": \"")
}

/// The Table Schema field type of a column.
fn field_type(ty: &ColumnType) -> (&'static str, Option<&'static str>) {
    match ty {
        ColumnType::String => ("string", None),
        ColumnType::Integer => ("integer", None),
        ColumnType::Number => ("number", None),
        ColumnType::Boolean => ("boolean", None),
        ColumnType::Date => ("date", None),
        ColumnType::List { item, .. } => ("list", Some(field_type(item).0)),
    }
}

/// The Table Schema pattern of a partial date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
pub const PARTIAL_DATE_PATTERN: &str = "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?";

fn field(col: &Column, primary_key: &[String]) -> Value {
    let mut f = Map::new();
    f.insert("name".into(), json!(col.name));
    let (ty, item) = field_type(&col.ty);
    f.insert("type".into(), json!(ty));
    if let ColumnType::List { separator, .. } = &col.ty {
        f.insert("delimiter".into(), json!(separator));
    }
    if let Some(item) = item {
        f.insert("itemType".into(), json!(item));
    }
    if let Some(d) = col.description() {
        f.insert("description".into(), json!(d));
    }
    let Some(spec) = &col.spec else {
        if let Some(Derived::Date {
            part: Part::Precision,
            ..
        }) = &col.derived
        {
            f.insert(
                "constraints".into(),
                json!({"enum": crate::dates::PRECISIONS}),
            );
        }
        return Value::Object(f);
    };
    let p = &spec.schema;
    if let Some(t) = p.get("title").and_then(Value::as_str) {
        f.insert("title".into(), json!(t));
    }
    let mut c = Map::new();
    if ty == "string" {
        if let Some(fmt) = spec.format.as_deref() {
            match fmt {
                "email" | "uri" | "uuid" => {
                    f.insert("format".into(), json!(fmt));
                }
                PARTIAL_DATE => {
                    // Not a Table Schema format: keep the meaning as a kpdata property, and
                    // the shape as a pattern Frictionless checks.
                    f.insert("x-kpdata-format".into(), json!(fmt));
                    c.insert("pattern".into(), json!(PARTIAL_DATE_PATTERN));
                }
                _ => {}
            }
        }
    }
    if spec.required || (primary_key.len() == 1 && primary_key[0] == col.name) {
        c.insert("required".into(), json!(true));
    }
    if primary_key.len() == 1 && primary_key[0] == col.name {
        c.insert("unique".into(), json!(true));
    }
    if !matches!(col.ty, ColumnType::List { .. }) {
        if let Some(e) = p.get("enum").and_then(Value::as_array) {
            let vals: Vec<Value> = e.iter().filter(|v| !v.is_null()).cloned().collect();
            c.insert("enum".into(), Value::Array(vals));
        }
        if let Some(p) = p
            .get("pattern")
            .and_then(Value::as_str)
            .and_then(full_match_pattern)
        {
            c.insert("pattern".into(), json!(p));
        }
        for (js, ts) in [
            ("minLength", "minLength"),
            ("maxLength", "maxLength"),
            ("minimum", "minimum"),
            ("maximum", "maximum"),
            ("exclusiveMinimum", "exclusiveMinimum"),
            ("exclusiveMaximum", "exclusiveMaximum"),
        ] {
            if let Some(v) = p.get(js) {
                c.insert(ts.into(), v.clone());
            }
        }
    } else {
        for (js, ts) in [("minItems", "minLength"), ("maxItems", "maxLength")] {
            if let Some(v) = p.get(js) {
                c.insert(ts.into(), v.clone());
            }
        }
    }
    if !c.is_empty() {
        f.insert("constraints".into(), Value::Object(c));
    }
    Value::Object(f)
}

/// What the descriptor says about one published dataset besides its columns.
#[derive(Debug, Clone, Default)]
pub struct About {
    pub title: Option<String>,
    pub description: Option<String>,
    pub primary_key: Vec<String>,
    pub unique: Vec<Vec<String>>,
    pub foreign_keys: Vec<kpdata_package::ForeignKey>,
    /// The dataset's own name (a foreign key into it names no resource).
    pub name: String,
}

impl About {
    /// From the manifest entry and schema of `frame`'s dataset (a built dataset such as
    /// `targets` makes its own).
    pub fn of(input: &Input, frame: &Frame) -> About {
        let Some(ds) = input.datasets.iter().find(|d| d.dataset.name == frame.name) else {
            return crate::targets::about(&frame.name);
        };
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        About {
            title: non_empty(&ds.dataset.title).or_else(|| ds.schema.title.clone()),
            description: non_empty(&ds.dataset.description)
                .or_else(|| ds.schema.description.clone()),
            primary_key: ds.dataset.primary_key.clone(),
            unique: ds.dataset.unique.clone(),
            foreign_keys: ds.dataset.foreign_keys.clone(),
            name: ds.dataset.name.clone(),
        }
    }
}

/// The Table Schema of one dataset's CSV. `resource_of` maps a referenced dataset to its
/// resource name (None when the dataset is not published: the key is dropped). Keys over a
/// list field are left out: Table Schema compares whole cells, not list items (kpdata
/// validate checks every item).
pub fn table_schema(
    about: &About,
    frame: &Frame,
    resource_of: &dyn Fn(&str) -> Option<String>,
) -> Value {
    let pk = &about.primary_key;
    let is_list = |name: &String| {
        frame
            .columns
            .iter()
            .any(|c| &c.name == name && matches!(c.ty, ColumnType::List { .. }))
    };
    let mut s = Map::new();
    s.insert(
        "fields".into(),
        Value::Array(frame.columns.iter().map(|c| field(c, pk)).collect()),
    );
    if !pk.is_empty() {
        s.insert("primaryKey".into(), json!(pk));
    }
    let unique: Vec<&Vec<String>> = about
        .unique
        .iter()
        .filter(|u| !u.iter().any(is_list))
        .collect();
    if !unique.is_empty() {
        s.insert("uniqueKeys".into(), json!(unique));
    }
    let fks: Vec<Value> = about
        .foreign_keys
        .iter()
        .filter(|fk| !fk.fields.iter().any(is_list))
        .filter_map(|fk| {
            let mut reference = Map::new();
            if fk.dataset != about.name {
                reference.insert("resource".into(), json!(resource_of(&fk.dataset)?));
            }
            reference.insert("fields".into(), json!(fk.reference));
            Some(json!({"fields": fk.fields, "reference": reference}))
        })
        .collect();
    if !fks.is_empty() {
        s.insert("foreignKeys".into(), Value::Array(fks));
    }
    Value::Object(s)
}

/// Frictionless license objects from SPDX identifiers.
pub fn licenses(ids: &[String]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"name": id, "path": format!("https://spdx.org/licenses/{id}.html")}))
            .collect(),
    )
}

/// `sources`: the published rows of the source registry (title and URL).
pub fn sources(input: &Input, frames: &[Frame]) -> Value {
    let Some(frame) = frames
        .iter()
        .find(|f| f.name == input.manifest.provenance.registry)
    else {
        return Value::Array(vec![]);
    };
    let col = |n: &str| frame.columns.iter().position(|c| c.name == n);
    let (title, url, id) = (col("title"), col("url"), col("source_id").or(col("id")));
    let mut out = Vec::new();
    for row in 0..frame.len() {
        let get = |i: Option<usize>| i.and_then(|i| frame.cell(row, i)).map(str::to_string);
        let Some(t) = get(title).or_else(|| get(id)) else {
            continue;
        };
        let mut s = Map::new();
        s.insert("title".into(), json!(t));
        if let Some(u) = get(url) {
            s.insert("path".into(), json!(u));
        }
        out.push(Value::Object(s));
    }
    Value::Array(out)
}

/// A Table Schema `pattern` matches the whole value; a JSON Schema `pattern` matches anywhere.
/// `^a[0-9]+$` becomes `a[0-9]+`, `^https?://` becomes `https?://.*`. Patterns with a top-level
/// `|` are left out (the JSON Schema in `schemas/` keeps them).
pub fn full_match_pattern(p: &str) -> Option<String> {
    let mut depth = 0i32;
    let mut escaped = false;
    let mut in_class = false;
    for c in p.chars() {
        match (escaped, in_class, c) {
            (true, _, _) => escaped = false,
            (false, _, '\\') => escaped = true,
            (false, false, '[') => in_class = true,
            (false, true, ']') => in_class = false,
            (false, false, '(') => depth += 1,
            (false, false, ')') => depth -= 1,
            (false, false, '|') if depth == 0 => return None,
            _ => {}
        }
    }
    let (start, body) = match p.strip_prefix('^') {
        Some(rest) => ("", rest),
        None => (".*", p),
    };
    let anchored_end = body.ends_with('$') && !body.ends_with("\\$");
    let (body, end) = if anchored_end {
        (&body[..body.len() - 1], "")
    } else {
        (body, ".*")
    };
    Some(format!("{start}{body}{end}"))
}

#[cfg(test)]
mod tests {
    use super::full_match_pattern as f;

    #[test]
    fn json_schema_patterns_become_full_match_patterns() {
        assert_eq!(f("^A[0-9]{3}$").as_deref(), Some("A[0-9]{3}"));
        assert_eq!(f("^https?://").as_deref(), Some("https?://.*"));
        assert_eq!(f("abc").as_deref(), Some(".*abc.*"));
        assert_eq!(f("^a\\$").as_deref(), Some("a\\$.*"));
        assert_eq!(f("^(a|b)$").as_deref(), Some("(a|b)"));
        assert_eq!(f("^a$|^b$"), None);
        assert_eq!(f("^[|]$").as_deref(), Some("[|]"));
    }
}
