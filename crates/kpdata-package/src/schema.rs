//! A dataset's record schema: a JSON Schema (draft 2020-12) for one record, plus what kpdata
//! needs to read CSV cells into typed values.
//!
//! kpdata's schema extensions (unknown keywords are ignored by JSON Schema validators):
//! - `"x-separator": ";"` on an array property: how the CSV cell is split (default `;`).
//! - `"x-kind": "id" | "name" | "text"`: text-hygiene rules (invisible characters in ids and
//!   names, NFC for names and text).

use serde_json::Value;

use crate::PackageError;

/// The scalar or list type a CSV cell is read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    Number,
    Boolean,
    Array {
        separator: String,
        item: Box<FieldType>,
    },
    /// No `type`, or several non-null types: the cell stays a string.
    Any,
}

impl FieldType {
    pub fn name(&self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
            FieldType::Array { .. } => "array",
            FieldType::Any => "any",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Id,
    Name,
    Text,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    pub name: String,
    pub ty: FieldType,
    pub required: bool,
    pub format: Option<String>,
    pub kind: FieldKind,
    pub description: Option<String>,
    /// The property's own schema (for documentation and fast paths).
    pub schema: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordSchema {
    /// Where the schema came from (for messages).
    pub path: String,
    pub json: Value,
    /// Properties in declaration order.
    pub fields: Vec<FieldSpec>,
    /// `additionalProperties: false`: columns outside `properties` are findings.
    pub closed: bool,
    pub title: Option<String>,
    pub description: Option<String>,
}

impl RecordSchema {
    pub fn from_bytes(path: &str, bytes: &[u8]) -> Result<RecordSchema, PackageError> {
        let json: Value = serde_json::from_slice(bytes)
            .map_err(|e| PackageError::new(format!("schema `{path}` is not valid JSON: {e}")))?;
        RecordSchema::from_value(path, json)
    }

    pub fn from_value(path: &str, json: Value) -> Result<RecordSchema, PackageError> {
        let obj = json
            .as_object()
            .ok_or_else(|| PackageError::new(format!("schema `{path}` must be a JSON object")))?;
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        if let Some(props) = obj.get("properties") {
            let props = props.as_object().ok_or_else(|| {
                PackageError::new(format!("schema `{path}`: `properties` must be an object"))
            })?;
            for (name, p) in props {
                fields.push(FieldSpec {
                    name: name.clone(),
                    ty: field_type(p),
                    required: required.contains(&name.as_str()),
                    format: p.get("format").and_then(Value::as_str).map(str::to_string),
                    kind: match p.get("x-kind").and_then(Value::as_str) {
                        Some("id") => FieldKind::Id,
                        Some("name") => FieldKind::Name,
                        Some("text") => FieldKind::Text,
                        _ => FieldKind::Other,
                    },
                    description: p
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    schema: p.clone(),
                });
            }
        }
        Ok(RecordSchema {
            path: path.to_string(),
            closed: obj.get("additionalProperties") == Some(&Value::Bool(false)),
            title: obj.get("title").and_then(Value::as_str).map(str::to_string),
            description: obj
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            json,
            fields,
        })
    }

    pub fn field(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

fn scalar_type(name: &str) -> Option<FieldType> {
    Some(match name {
        "string" => FieldType::String,
        "integer" => FieldType::Integer,
        "number" => FieldType::Number,
        "boolean" => FieldType::Boolean,
        _ => return None,
    })
}

fn field_type(p: &Value) -> FieldType {
    let names: Vec<&str> = match p.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| *s != "null")
            .collect(),
        _ => vec![],
    };
    match names.as_slice() {
        ["array"] => {
            let separator = p
                .get("x-separator")
                .and_then(Value::as_str)
                .unwrap_or(";")
                .to_string();
            let item = p.get("items").map(field_type).unwrap_or(FieldType::String);
            let item = match item {
                FieldType::Array { .. } | FieldType::Any => FieldType::String,
                t => t,
            };
            FieldType::Array {
                separator,
                item: Box::new(item),
            }
        }
        [one] => scalar_type(one).unwrap_or(FieldType::Any),
        _ => FieldType::Any,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_types_and_extensions() {
        let s = RecordSchema::from_bytes(
            "s.json",
            br#"{"type":"object","required":["id"],"additionalProperties":false,
               "properties":{"id":{"type":"string","x-kind":"id"},
                             "n":{"type":["integer","null"]},
                             "ids":{"type":"array","items":{"type":"string"},"x-separator":"|"},
                             "d":{"type":"string","format":"partial-date"}}}"#,
        )
        .unwrap();
        assert!(s.closed);
        assert_eq!(s.fields.len(), 4);
        assert_eq!(s.fields[0].kind, FieldKind::Id);
        assert!(s.fields[0].required);
        assert_eq!(s.fields[1].ty, FieldType::Integer);
        assert_eq!(
            s.fields[2].ty,
            FieldType::Array {
                separator: "|".into(),
                item: Box::new(FieldType::String)
            }
        );
        assert_eq!(s.fields[3].format.as_deref(), Some("partial-date"));
    }

    #[test]
    fn rejects_non_object() {
        assert!(RecordSchema::from_bytes("s.json", b"[1]").is_err());
        assert!(RecordSchema::from_bytes("s.json", b"{").is_err());
    }
}
