//! The data dictionary (`docs/data-dictionary.md`): every dataset of the manifest, its file,
//! row count, keys, citation policy, and each field with its type, rule, vocabulary or
//! reference and description, from the schemas. Vocabularies also list their keys.
//!
//! A pure function: the caller passes the manifest text and a reader for repository files.
//! The test `tests/dictionary.rs` regenerates the file and fails when the committed copy differs.

use serde_json::Value;

use crate::{ImportError, Result};

/// Reads a repository-relative path; `None` when the file does not exist.
pub type ReadFile<'a> = &'a dyn Fn(&str) -> Option<Vec<u8>>;

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn str_list(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn type_name(p: &Value) -> String {
    let t = match p.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| *s != "null")
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".into(),
    };
    if t == "array" {
        let item = p
            .get("items")
            .map(type_name)
            .unwrap_or_else(|| "string".into());
        let sep = p.get("x-separator").and_then(Value::as_str).unwrap_or(";");
        format!("array of {item} (split on `{sep}`)")
    } else {
        t
    }
}

fn rules(p: &Value) -> String {
    let mut out = Vec::new();
    let scope = [Some(p), p.get("items")];
    for s in scope.into_iter().flatten() {
        if let Some(f) = s.get("format").and_then(Value::as_str) {
            out.push(format!("format `{f}`"));
            if f == "partial-date" && std::ptr::eq(s, p) {
                out.push("release adds `_start`, `_end` (dates) and `_precision`".into());
            }
        }
        if let Some(f) = s.get("pattern").and_then(Value::as_str) {
            out.push(format!("pattern `{f}`"));
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            let vals: Vec<String> = e
                .iter()
                .map(|v| format!("`{}`", v.as_str().unwrap_or(&v.to_string())))
                .collect();
            out.push(format!("one of {}", vals.join(", ")));
        }
    }
    for k in ["minLength", "maxLength", "minItems", "maxItems"] {
        if let Some(n) = p.get(k) {
            out.push(format!("{k} {n}"));
        }
    }
    if p.get("uniqueItems") == Some(&Value::Bool(true)) {
        out.push("unique items".into());
    }
    if let Some(k) = p.get("x-kind").and_then(Value::as_str) {
        out.push(format!("kind `{k}`"));
    }
    if let Some(k) = p.get("x-script-of").and_then(Value::as_str) {
        out.push(format!("script of `{k}`"));
    }
    out.join("; ")
}

fn count_rows(bytes: &[u8]) -> Result<usize> {
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let mut n = 0;
    for r in rdr.records() {
        r.map_err(|e| ImportError::new(format!("cannot count rows: {e}")))?;
        n += 1;
    }
    Ok(n)
}

/// Builds `docs/data-dictionary.md` from the manifest (`kpdata.toml` text) and the files it names.
pub fn data_dictionary(manifest_toml: &str, read: ReadFile<'_>) -> Result<String> {
    let m: toml::Table = toml::from_str(manifest_toml)
        .map_err(|e| ImportError::new(format!("kpdata.toml: {}", e.message())))?;
    let datasets: Vec<&toml::Table> = m
        .get("dataset")
        .and_then(toml::Value::as_array)
        .map(|a| a.iter().filter_map(toml::Value::as_table).collect())
        .unwrap_or_default();

    let mut o = String::new();
    preamble(&mut o, m.get("package").and_then(toml::Value::as_table));
    // Overview.
    let mut loaded = Vec::new();
    o.push_str("## Datasets\n\n| dataset | file | rows | primary key | citations |\n|---|---|---|---|---|\n");
    for d in &datasets {
        let l = Loaded::read(d, read)?;
        o.push_str(&format!(
            "| [`{name}`](#{name}) | `{path}` | {rows} | {} | {cite} |\n",
            str_list(d.get("primary_key")).join(", "),
            name = l.name,
            path = l.path,
            rows = l.rows,
            cite = l.cite,
        ));
        loaded.push(l);
    }
    o.push('\n');
    for l in &loaded {
        l.section(&mut o)?;
    }
    Ok(o.trim_end().to_string() + "\n")
}

/// The title, the package's description and the conventions every dataset follows.
fn preamble(o: &mut String, package: Option<&toml::Table>) {
    let pget = |k: &str| {
        package
            .and_then(|p| p.get(k))
            .and_then(toml::Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    o.push_str("# Data dictionary\n\n");
    o.push_str("<!-- Generated from kpdata.toml, schemas/ and the dataset files by `kpdata_import::data_dictionary`. Do not edit by hand: regenerate with `KPDATA_BLESS=1 cargo test -p kpdata-import --test dictionary`. -->\n\n");
    o.push_str(&format!(
        "**{}** (`{}`), licences: {}.\n\n{}\n\n",
        md(&pget("title")),
        md(&pget("name")),
        str_list(package.and_then(|p| p.get("licenses"))).join(", "),
        md(&pget("description"))
    ));
    o.push_str("Conventions: a CSV cell is typed by its field's type; an empty cell is an absent value; array cells hold several values split on the separator. `source_ids` cite rows of `sources`, whose archived bytes are in `datasets/archive/` with their sha256. Dates are ISO prefixes (`2015`, `2015-01`, `2015-01-02`) at the precision the source gives.\n\n");
    o.push_str("In a release (`kpdata release`), each dataset is in `data/` as CSV, Parquet and JSON; every `partial-date` field `<f>` keeps its text and is followed by the typed columns `<f>_start` and `<f>_end` (dates: the first and the last day the text allows; `2015` gives 2015-01-01 and 2015-12-31) and `<f>_precision` (`day`, `month` or `year`), all null where `<f>` is empty; and the release builds `targets`, one row per actor of `actors` with its names, identifiers, authorities, programs, first and latest listing dates, number of designations and sources. The release's own `data-dictionary.md` lists every published column.\n\n");
}

/// One dataset of the manifest with its file and schema read.
struct Loaded<'m> {
    d: &'m toml::Table,
    name: String,
    path: String,
    schema_path: String,
    rows: usize,
    schema: Value,
    cite: String,
    bytes: Vec<u8>,
}

impl<'m> Loaded<'m> {
    fn read(d: &'m toml::Table, read: ReadFile<'_>) -> Result<Self> {
        let s = |k: &str| {
            d.get(k)
                .and_then(toml::Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (name, path, schema_path) = (s("name"), s("path"), s("schema"));
        let bytes = read(&path)
            .ok_or_else(|| ImportError::new(format!("dataset `{name}`: {path} does not exist")))?;
        let rows = count_rows(&bytes)?;
        let schema_bytes = read(&schema_path).ok_or_else(|| {
            ImportError::new(format!("dataset `{name}`: {schema_path} does not exist"))
        })?;
        let schema: Value = serde_json::from_slice(&schema_bytes)
            .map_err(|e| ImportError::new(format!("{schema_path}: {e}")))?;
        let cite = match s("cite").as_str() {
            "" | "required" => "required",
            other => other,
        }
        .to_string();
        Ok(Loaded {
            d,
            name,
            path,
            schema_path,
            rows,
            schema,
            cite,
            bytes,
        })
    }

    /// The dataset's section: title, facts, field table and, for a vocabulary, its keys.
    fn section(&self, o: &mut String) -> Result<()> {
        let Loaded {
            d,
            name,
            path,
            schema_path,
            rows,
            schema,
            cite,
            ..
        } = self;
        o.push_str(&format!("## {name}\n\n"));
        let title = d
            .get("title")
            .and_then(toml::Value::as_str)
            .or_else(|| schema.get("title").and_then(Value::as_str))
            .unwrap_or("");
        if !title.is_empty() {
            o.push_str(&format!("**{}**. ", md(title)));
        }
        if let Some(desc) = schema.get("description").and_then(Value::as_str) {
            o.push_str(&md(desc));
        }
        o.push_str("\n\n");
        o.push_str(&format!(
            "- File: `{path}` ({rows} rows); schema: `{schema_path}`\n"
        ));
        o.push_str(&format!(
            "- Primary key: {}\n",
            str_list(d.get("primary_key")).join(", ")
        ));
        if let Some(u) = d.get("unique").and_then(toml::Value::as_array) {
            for set in u {
                o.push_str(&format!("- Unique: ({})\n", str_list(Some(set)).join(", ")));
            }
        }
        o.push_str(&format!("- Citations: {cite}"));
        if d.get("require_official").and_then(toml::Value::as_bool) == Some(true) {
            o.push_str("; needs an official-tier source");
        }
        if d.get("require_quote").and_then(toml::Value::as_bool) == Some(true) {
            o.push_str("; needs a verbatim quote");
        }
        o.push('\n');
        let events = str_list(d.get("event_dates"));
        if !events.is_empty() {
            o.push_str(&format!(
                "- Event dates (not after the issued date of the cited sources): {}\n",
                events.join(", ")
            ));
        }
        if let Some(dep) = schema.get("dependentRequired").and_then(Value::as_object) {
            for (k, v) in dep {
                o.push_str(&format!(
                    "- When `{k}` is given, also required: {}\n",
                    str_list_json(Some(v)).join(", ")
                ));
            }
        }
        let conditions = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(|a| a.len())
            .unwrap_or(0)
            + usize::from(schema.get("if").is_some());
        if conditions > 0 {
            o.push_str(&format!(
                "- Conditional rules (`if`/`then`) in the schema: {conditions}\n"
            ));
        }
        o.push('\n');

        self.fields(o);
        if name.starts_with("vocab_") {
            self.vocabulary_keys(o)?;
        }
        Ok(())
    }

    /// The field table: type, required, rules, vocabulary or reference, description.
    fn fields(&self, o: &mut String) {
        let (d, schema) = (self.d, &self.schema);
        let fks: Vec<(Vec<String>, String, Vec<String>)> = d
            .get("foreign_key")
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|fk| {
                        (
                            str_list(fk.get("fields")),
                            fk.get("dataset")
                                .and_then(toml::Value::as_str)
                                .unwrap_or("")
                                .to_string(),
                            str_list(fk.get("reference")),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let required = str_list_json(schema.get("required"));
        o.push_str("| field | type | required | rules | vocabulary / reference | description |\n|---|---|---|---|---|---|\n");
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (field, p) in props {
                let refs: Vec<String> = fks
                    .iter()
                    .filter(|(f, _, _)| f.len() == 1 && f[0] == *field)
                    .map(|(_, ds, r)| format!("[`{ds}`](#{ds}).{}", r.join(",")))
                    .collect();
                o.push_str(&format!(
                    "| `{field}` | {} | {} | {} | {} | {} |\n",
                    md(&type_name(p)),
                    if required.contains(field) { "yes" } else { "" },
                    md(&rules(p)),
                    refs.join(", "),
                    md(p.get("description").and_then(Value::as_str).unwrap_or(""))
                ));
            }
        }
        o.push('\n');
    }

    /// A vocabulary's keys with their labels (and definitions, when the file has them).
    fn vocabulary_keys(&self, o: &mut String) -> Result<()> {
        let path = &self.path;
        let mut rdr = csv::ReaderBuilder::new().from_reader(self.bytes.as_slice());
        let header = rdr
            .headers()
            .map_err(|e| ImportError::new(format!("{path}: {e}")))?
            .clone();
        let col = |n: &str| header.iter().position(|h| h == n);
        if let (Some(k), Some(l)) = (col("key"), col("label")) {
            // With a `definition` column, each key is explained (date kinds, fact kinds).
            let def = col("definition");
            o.push_str(if def.is_some() {
                "Keys:\n\n| key | label | definition |\n|---|---|---|\n"
            } else {
                "Keys:\n\n| key | label |\n|---|---|\n"
            });
            for r in rdr.records() {
                let r = r.map_err(|e| ImportError::new(format!("{path}: {e}")))?;
                o.push_str(&format!(
                    "| `{}` | {} |",
                    md(r.get(k).unwrap_or("")),
                    md(r.get(l).unwrap_or(""))
                ));
                if let Some(d) = def {
                    o.push_str(&format!(" {} |", md(r.get(d).unwrap_or(""))));
                }
                o.push('\n');
            }
            o.push('\n');
        }
        Ok(())
    }
}

fn str_list_json(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_package() {
        let manifest = r#"
[package]
name = "t"
title = "T"
[[dataset]]
name = "vocab_x"
path = "x.csv"
schema = "x.json"
cite = "optional"
primary_key = ["key"]
"#;
        let read = |p: &str| -> Option<Vec<u8>> {
            match p {
                "x.csv" => Some(b"key,label,definition\na,Alpha,First\nb,B|c,Second\n".to_vec()),
                "x.json" => Some(
                    br#"{"title":"X","type":"object","required":["key"],"properties":{"key":{"type":"string","description":"the key","pattern":"^[a-z]$"},"label":{"type":"array","items":{"type":"string"},"x-separator":";"}}}"#.to_vec(),
                ),
                _ => None,
            }
        };
        let d = data_dictionary(manifest, &read).unwrap();
        assert!(
            d.contains("| [`vocab_x`](#vocab_x) | `x.csv` | 2 | key | optional |"),
            "{d}"
        );
        assert!(
            d.contains("| `key` | string | yes | pattern `^[a-z]$` |  | the key |"),
            "{d}"
        );
        assert!(d.contains("array of string (split on `;`)"));
        assert!(d.contains("| `b` | B\\|c | Second |"), "{d}");
    }
}
