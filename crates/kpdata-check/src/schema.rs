//! Record schemas compiled with the `jsonschema` crate: draft 2020-12, `format` asserted, the
//! domain formats registered, patterns on the linear-time `regex` engine, and no network (the
//! crate is built without its HTTP features, and every external `$ref` is refused up front).

use std::sync::Arc;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{PatternOptions, ValidationError, Validator};
use kpdata_diagnostics::rules::{limits as lim, schema as rs};
use kpdata_diagnostics::{escape_value, Diagnostic, Rule};
use serde_json::Value;

use crate::formats::FORMATS;

/// Largest number of schema nodes and `$ref`s accepted before compiling.
const MAX_SCHEMA_NODES: usize = 20_000;
const MAX_REFS: usize = 500;

/// A compiled record schema, cheap to share between threads.
#[derive(Clone)]
pub struct CompiledSchema {
    validator: Arc<Validator>,
}

/// One schema violation of a record, before it is given a file position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: &'static Rule,
    /// JSON Pointer inside the record (`/action_date`, `/source_ids/1`).
    pub pointer: String,
    /// The top-level property the pointer starts with, if any.
    pub field: Option<String>,
    pub message: String,
}

impl CompiledSchema {
    /// Compiles `schema`; a schema that cannot be used is a `schema-error` (or
    /// `schema-too-complex`) finding naming the schema file.
    pub fn compile(schema: &Value, schema_path: &str) -> Result<CompiledSchema, Box<Diagnostic>> {
        let mut nodes = 0usize;
        let mut refs = Vec::new();
        walk(schema, &mut nodes, &mut refs);
        if nodes > MAX_SCHEMA_NODES || refs.len() > MAX_REFS {
            return Err(Box::new(Diagnostic::new(
                &lim::SCHEMA_TOO_COMPLEX,
                format!("the schema has {nodes} nodes and {} `$ref`s (at most {MAX_SCHEMA_NODES} and {MAX_REFS})", refs.len()),
            )
            .path(schema_path)));
        }
        for r in &refs {
            if !r.starts_with('#') {
                return Err(Box::new(Diagnostic::new(
                    &rs::SCHEMA_ERROR,
                    format!("`$ref` to `{}` is not allowed: kpdata resolves only references inside the schema (`#/$defs/...`) and never fetches", escape_value(r, 120)),
                )
                .path(schema_path)
                .hint("copy the referenced schema into `$defs` and refer to it as `#/$defs/NAME`")));
            }
        }
        let validator = build(schema).map_err(|e| {
            Box::new(
                Diagnostic::new(
                    &rs::SCHEMA_ERROR,
                    format!(
                        "the schema cannot be compiled: {}",
                        escape_value(&e.to_string(), 300)
                    ),
                )
                .path(schema_path)
                .pointer(e.schema_path().as_str().to_string()),
            )
        })?;
        Ok(CompiledSchema {
            validator: Arc::new(validator),
        })
    }

    /// Compiles each top-level property subschema on its own, with the same options, for
    /// records whose only problems are in a few properties (see
    /// [`crate::fast::FastSchema::failing_fields`]). None when any does not compile.
    pub fn compile_properties(schema: &Value, names: &[String]) -> Option<PropertySchemas> {
        let props = schema.get("properties")?.as_object()?;
        let validators = names
            .iter()
            .map(|n| subschema_validator(schema, props.get(n)?))
            .collect::<Option<Vec<_>>>()?;
        let keywords = SPLIT_KEYWORDS
            .iter()
            .filter_map(|k| {
                let mut part = serde_json::Map::new();
                part.insert(k.to_string(), schema.get(*k)?.clone());
                if *k == "if" {
                    for branch in ["then", "else"] {
                        if let Some(b) = schema.get(branch) {
                            part.insert(branch.to_string(), b.clone());
                        }
                    }
                }
                let validator = subschema_validator(schema, &Value::Object(part))?;
                Some(RootKeyword { name: k, validator })
            })
            .collect();
        Some(PropertySchemas {
            validators,
            keywords,
        })
    }

    pub fn is_valid(&self, record: &Value) -> bool {
        self.validator.is_valid(record)
    }

    /// Every violation of `record`, in the validator's order.
    pub fn violations(&self, record: &Value) -> Vec<Violation> {
        if self.validator.is_valid(record) {
            return Vec::new();
        }
        self.validator
            .iter_errors(record)
            .map(|e| violation(&e, ""))
            .collect()
    }
}

fn build(schema: &Value) -> Result<Validator, ValidationError<'static>> {
    let mut opts = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .should_ignore_unknown_formats(false)
        .with_pattern_options(PatternOptions::regex());
    for (name, check) in FORMATS {
        opts = opts.with_format(*name, *check);
    }
    opts.build(schema)
}

/// A validator for `sub`, a subschema of the record schema `root`, with the same options:
/// the record schema's `$defs` (and legacy `definitions`) are copied into it, so its local
/// `$ref`s (`#/$defs/NAME`) resolve as they do in the record schema. None when `sub` refers
/// anywhere else (`#/properties/...`, anchors, `$dynamicRef`), sets its own `$id` or `$defs`,
/// or does not compile. The copy adds no keyword that validates, so error schema paths are
/// those of `sub` itself.
pub fn subschema_validator(root: &Value, sub: &Value) -> Option<Arc<Validator>> {
    let mut nodes = 0;
    let mut refs = Vec::new();
    walk(sub, &mut nodes, &mut refs);
    let mut owned;
    let mut target = sub;
    if !refs.is_empty() {
        let obj = sub.as_object()?;
        if obj.contains_key("$id") || obj.contains_key("$defs") || obj.contains_key("definitions") {
            return None;
        }
        owned = sub.clone();
        for container in ["$defs", "definitions"] {
            if let Some(defs) = root.get(container) {
                owned[container] = defs.clone();
            }
        }
        // Every reference, including those inside the copied definitions, must be local to
        // the definitions.
        refs.clear();
        walk(&owned, &mut nodes, &mut refs);
        if !refs
            .iter()
            .all(|r| r.starts_with("#/$defs/") || r.starts_with("#/definitions/"))
        {
            return None;
        }
        if has_key(
            &owned,
            &["$dynamicRef", "$dynamicAnchor", "$anchor", "$recursiveRef"],
        ) {
            return None;
        }
        target = &owned;
    }
    if has_key(target, &["$id"]) {
        return None;
    }
    build(target).ok().map(Arc::new)
}

/// Whether any object in `v` has one of `keys` (however deep).
fn has_key(v: &Value, keys: &[&str]) -> bool {
    match v {
        Value::Object(m) => m
            .iter()
            .any(|(k, x)| keys.contains(&k.as_str()) || has_key(x, keys)),
        Value::Array(a) => a.iter().any(|x| has_key(x, keys)),
        _ => false,
    }
}

/// Root keywords of a record schema that are validated on their own (with `then`/`else` for
/// `if`) for a row that fails only them (see [`crate::fast::FastSchema::failing_parts`]): the
/// record's findings are the union of its root keywords' findings, and a keyword alone reports
/// with the same schema paths.
pub const SPLIT_KEYWORDS: &[&str] = &[
    "type",
    "required",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "$ref",
    "dependentRequired",
    "dependentSchemas",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "enum",
    "const",
];

#[derive(Clone)]
struct RootKeyword {
    name: &'static str,
    validator: Arc<Validator>,
}

/// The top-level property subschemas of a record schema, compiled one by one, and the root
/// keywords of [`SPLIT_KEYWORDS`], compiled one by one.
#[derive(Clone)]
pub struct PropertySchemas {
    validators: Vec<Arc<Validator>>,
    keywords: Vec<RootKeyword>,
}

impl PropertySchemas {
    /// Whether the root keyword `name` has its own validator.
    pub fn has_keyword(&self, name: &str) -> bool {
        self.keywords.iter().any(|k| k.name == name)
    }

    /// The violations of the whole `record` against the root keyword `name` alone: the same
    /// as the record schema's validator gives for that keyword (messages of record-level
    /// findings show the whole record, so it must be whole).
    pub fn keyword_violations(&self, name: &str, record: &Value) -> Vec<Violation> {
        let Some(k) = self.keywords.iter().find(|k| k.name == name) else {
            return Vec::new();
        };
        if k.validator.is_valid(record) {
            return Vec::new();
        }
        k.validator
            .iter_errors(record)
            .map(|e| violation(&e, ""))
            .collect()
    }

    /// The violations of `value` as property `name` (schema field `index`) of a record: the
    /// same as the whole record's validator gives for that property.
    pub fn violations(&self, index: usize, name: &str, value: &Value) -> Vec<Violation> {
        let v = &self.validators[index];
        if v.is_valid(value) {
            return Vec::new();
        }
        let prefix = format!("/{}", kpdata_base::pointer::escape_token(name));
        let schema_prefix = format!("/properties{prefix}");
        v.iter_errors(value)
            .map(|e| {
                let mut x = violation(&e, &schema_prefix);
                x.pointer = format!("{prefix}{}", x.pointer);
                x.field = Some(name.to_string());
                x
            })
            .collect()
    }
}

fn walk<'a>(v: &'a Value, nodes: &mut usize, refs: &mut Vec<&'a str>) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        *nodes += 1;
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "$ref" || k == "$dynamicRef" {
                        if let Some(s) = x.as_str() {
                            refs.push(s);
                        }
                    }
                    stack.push(x);
                }
            }
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
}

fn first_segment(pointer: &str) -> Option<String> {
    let seg = pointer.strip_prefix('/')?.split('/').next()?;
    Some(kpdata_base::pointer::unescape_token(seg))
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{}`", escape_value(s, 80)),
        other => format!("`{}`", escape_value(&other.to_string(), 80)),
    }
}

/// `schema_prefix`: where the validated schema sits in the record schema (empty for the record
/// schema itself), so messages name the same schema path either way.
fn violation(e: &ValidationError<'_>, schema_prefix: &str) -> Violation {
    let pointer = e.instance_path().as_str().to_string();
    let instance = show(e.instance());
    let (rule, message, field) = match e.kind() {
        ValidationErrorKind::Type { kind } => {
            let want = match kind {
                jsonschema::error::TypeKind::Single(t) => t.to_string(),
                jsonschema::error::TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            (
                &rs::TYPE_ERROR,
                format!("{instance} is not of type {want}"),
                None,
            )
        }
        ValidationErrorKind::Required { property } => {
            let p = property.as_str().unwrap_or_default().to_string();
            (
                &rs::REQUIRED_VALUE,
                format!("`{}` is required but empty", escape_value(&p, 80)),
                Some(p),
            )
        }
        ValidationErrorKind::Pattern { pattern } => (
            &rs::PATTERN_MISMATCH,
            format!(
                "{instance} does not match the pattern `{}`",
                escape_value(pattern, 120)
            ),
            None,
        ),
        ValidationErrorKind::Enum { options } => (
            &rs::ENUM_MISMATCH,
            format!(
                "{instance} is not one of {}",
                escape_value(&options.to_string(), 200)
            ),
            None,
        ),
        ValidationErrorKind::Constant { expected_value } => (
            &rs::ENUM_MISMATCH,
            format!("{instance} is not {}", show(expected_value)),
            None,
        ),
        ValidationErrorKind::Format { format } => (
            &rs::FORMAT_ERROR,
            format!("{instance} is not a valid `{format}`"),
            None,
        ),
        ValidationErrorKind::MinLength { .. }
        | ValidationErrorKind::MaxLength { .. }
        | ValidationErrorKind::MinItems { .. }
        | ValidationErrorKind::MaxItems { .. } => {
            (&rs::LENGTH_ERROR, escape_value(&e.to_string(), 300), None)
        }
        ValidationErrorKind::Minimum { .. }
        | ValidationErrorKind::Maximum { .. }
        | ValidationErrorKind::ExclusiveMinimum { .. }
        | ValidationErrorKind::ExclusiveMaximum { .. }
        | ValidationErrorKind::MultipleOf { .. } => {
            (&rs::RANGE_ERROR, escape_value(&e.to_string(), 300), None)
        }
        ValidationErrorKind::Referencing(_) => {
            (&rs::SCHEMA_ERROR, escape_value(&e.to_string(), 300), None)
        }
        _ => (
            &rs::CONSTRAINT_ERROR,
            format!(
                "{} (schema: {schema_prefix}{})",
                escape_value(&e.to_string(), 300),
                e.schema_path().as_str()
            ),
            None,
        ),
    };
    let field = field.or_else(|| first_segment(&pointer));
    let pointer = match (e.kind(), &field) {
        (ValidationErrorKind::Required { .. }, Some(f)) => {
            format!("{pointer}/{}", kpdata_base::pointer::escape_token(f))
        }
        _ => pointer,
    };
    Violation {
        rule,
        pointer,
        field,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> CompiledSchema {
        CompiledSchema::compile(
            &json!({
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string", "pattern": "^a-[0-9]+$"},
                    "d": {"type": "string", "format": "date"},
                    "p": {"type": "string", "format": "partial-date"},
                    "imo": {"type": "string", "format": "imo-number"},
                    "n": {"type": "integer", "minimum": 0},
                    "t": {"enum": ["x", "y"]}
                }
            }),
            "s.json",
        )
        .unwrap()
    }

    fn names(v: Value) -> Vec<(&'static str, String)> {
        schema()
            .violations(&v)
            .into_iter()
            .map(|x| (x.rule.name, x.pointer))
            .collect()
    }

    #[test]
    fn maps_keywords_to_rules_with_pointers() {
        assert_eq!(names(json!({"id": "a-1"})), vec![]);
        assert_eq!(
            names(json!({})),
            vec![("required-value", "/id".to_string())]
        );
        assert_eq!(
            names(json!({"id": "b"})),
            vec![("pattern-mismatch", "/id".to_string())]
        );
        assert_eq!(
            names(json!({"id": "a-1", "d": "2015-02-30"})),
            vec![("format-error", "/d".to_string())]
        );
        assert_eq!(
            names(json!({"id": "a-1", "p": "2015-02-30"})),
            vec![("format-error", "/p".to_string())]
        );
        assert_eq!(names(json!({"id": "a-1", "p": "2015-02"})), vec![]);
        assert_eq!(
            names(json!({"id": "a-1", "imo": "9132613"})),
            vec![("format-error", "/imo".to_string())]
        );
        assert_eq!(
            names(json!({"id": "a-1", "n": "x"})),
            vec![("type-error", "/n".to_string())]
        );
        assert_eq!(
            names(json!({"id": "a-1", "n": -1})),
            vec![("range-error", "/n".to_string())]
        );
        assert_eq!(
            names(json!({"id": "a-1", "t": "z"})),
            vec![("enum-mismatch", "/t".to_string())]
        );
    }

    #[test]
    fn remote_refs_are_refused_without_fetching() {
        let e = CompiledSchema::compile(&json!({"$ref": "https://example.org/s.json"}), "s.json")
            .err()
            .unwrap();
        assert_eq!(e.name, "schema-error");
        let e = CompiledSchema::compile(&json!({"$ref": "other.json"}), "s.json")
            .err()
            .unwrap();
        assert_eq!(e.name, "schema-error");
        assert!(CompiledSchema::compile(
            &json!({"$defs": {"a": {"type": "string"}}, "$ref": "#/$defs/a"}),
            "s.json"
        )
        .is_ok());
    }

    #[test]
    fn unknown_format_is_a_schema_error() {
        let e = CompiledSchema::compile(&json!({"format": "no-such-format"}), "s.json")
            .err()
            .unwrap();
        assert_eq!(e.name, "schema-error");
    }

    #[test]
    fn patterns_run_on_a_linear_time_engine() {
        // A backreference needs a backtracking engine: refused, not run.
        let e = CompiledSchema::compile(
            &json!({"properties": {"a": {"type": "string", "pattern": "^(a+)\\1$"}}}),
            "s.json",
        )
        .err();
        assert_eq!(e.map(|d| d.name), Some("schema-error"));
        // The classic catastrophic pattern finishes at once on a long input.
        let s = CompiledSchema::compile(
            &json!({"properties": {"a": {"type": "string", "pattern": "^(a+)+$"}}}),
            "s.json",
        )
        .unwrap();
        let long = format!("{}!", "a".repeat(100_000));
        let start = std::time::Instant::now();
        assert!(!s.is_valid(&json!({"a": long})));
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn ref_fan_out_is_refused_before_compiling() {
        let mut defs = serde_json::Map::new();
        defs.insert("d0".into(), json!({"type": "string"}));
        for i in 1..600 {
            defs.insert(format!("d{i}"), json!({"anyOf": [{"$ref": format!("#/$defs/d{}", i - 1)}, {"$ref": format!("#/$defs/d{}", i - 1)}]}));
        }
        let schema = json!({"$defs": defs, "$ref": "#/$defs/d599"});
        let e = CompiledSchema::compile(&schema, "s.json").err().unwrap();
        assert_eq!(e.name, "schema-too-complex");
    }
}
