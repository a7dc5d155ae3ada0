//! The fast path: a record schema compiled once into checks on the CSV text, so a valid row
//! is accepted without building a `serde_json::Value`.
//!
//! [`compile`] covers the JSON Schema 2020-12 that record schemas use: `type`, `enum`,
//! `const`, `pattern`, `format` (the domain formats and `date`, `time`, `date-time`, `uuid`,
//! `ipv4`, `ipv6`, `email`, `uri`), lengths, bounds, `multipleOf`, `items`, `prefixItems`,
//! `contains`, `minItems`/`maxItems`, `uniqueItems`, `required`, `properties`,
//! `patternProperties`, `additionalProperties`, `dependentRequired`, `dependentSchemas`,
//! `minProperties`/`maxProperties`, `propertyNames`, `allOf`/`anyOf`/`oneOf`/`not`,
//! `if`/`then`/`else`, local `$ref`s (`#/$defs/...`; a cycle when it goes through `items`),
//! `unevaluatedProperties` and record-level `enum`/`const` ([`annot`]), at any depth.
//! [`node`] evaluates it in
//! three-valued logic. It decides only the verdict: a row the fast path rejects (or cannot
//! decide) is validated again by the `jsonschema` crate, which produces the findings. A cell
//! whose subschema holds a keyword the compiler does not take is validated alone by
//! `jsonschema` (no whole-record `Value`); a record-level keyword it does not take leaves the
//! whole schema to `jsonschema`. [`FastSchema::explain`] says which. `tests/fast_path.rs`
//! checks the verdicts against the `jsonschema` crate on generated schemas and records.

mod annot;
mod compile;
mod node;
mod record_kw;
mod scalar;
pub mod stdformat;

use kpdata_diagnostics::escape_value;
use kpdata_package::{FieldType, RecordSchema};

use compile::{Compiler, Level};
use node::{Graph, Node, NodeId};

/// A verdict on one record or cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid,
    /// The fast path cannot decide: ask the `jsonschema` crate.
    Unknown,
}

/// Why part of a schema is not on the fast path: the schema pointer of the keyword, why, and
/// what that costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeedNote {
    pub pointer: String,
    pub reason: String,
    pub effect: String,
}

impl std::fmt::Display for SpeedNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "`{}`: {}; {}", show(at), self.reason, self.effect)
    }
}

pub(crate) fn show(s: &str) -> String {
    escape_value(s, 120)
}

/// A compiled record schema for the fast path.
#[derive(Debug, Clone)]
pub struct FastSchema {
    /// Owned, not shared: a worker's clone gets its own regex caches (see `pipeline`).
    nodes: Vec<Node>,
    root: NodeId,
    types: Vec<FieldType>,
    /// The first keyword that sees properties other than the schema fields, if any.
    sees_extras: Option<String>,
    notes: Vec<SpeedNote>,
    /// For each op of the root node, the root keyword it came from.
    root_tags: Vec<String>,
}

/// What the fast path makes of a schema: the compiled schema (None when every row goes to
/// `jsonschema` whole) and a note for each part that is not on the fast path.
pub struct Analysis {
    pub fast: Option<FastSchema>,
    pub notes: Vec<SpeedNote>,
}

impl FastSchema {
    /// Compiles `schema` for the fast path; None when the record-level schema uses a keyword
    /// the fast path does not cover (those schemas always go through the `jsonschema` crate).
    pub fn compile(schema: &RecordSchema) -> Option<FastSchema> {
        Self::analyse(schema).fast
    }

    /// Compiles `schema` and says what is left to `jsonschema`, and why.
    pub fn analyse(schema: &RecordSchema) -> Analysis {
        let mut c = Compiler::new(schema);
        match c.node(&schema.json, "", Level::Record) {
            Ok(root) => {
                // A closed record schema drops extra columns from the record: none to see.
                if schema.closed {
                    c.sees_extras = None;
                }
                let mut notes = c.notes;
                if let Some(at) = &c.sees_extras {
                    notes.push(SpeedNote {
                        pointer: at.clone(),
                        reason: "this keyword sees properties that are not fields of the schema".into(),
                        effect: "a CSV file with columns the schema does not name is validated whole by jsonschema".into(),
                    });
                }
                let fast = FastSchema {
                    nodes: c.nodes,
                    root,
                    types: schema.fields.iter().map(|f| f.ty.clone()).collect(),
                    sees_extras: c.sees_extras,
                    notes: notes.clone(),
                    root_tags: c.root_tags,
                };
                Analysis {
                    fast: Some(fast),
                    notes,
                }
            }
            Err(why) => {
                let mut notes = c.notes;
                notes.push(SpeedNote {
                    pointer: why.pointer,
                    reason: why.reason,
                    effect: "every row is validated whole by jsonschema".into(),
                });
                Analysis { fast: None, notes }
            }
        }
    }

    /// The parts of the schema that are not on the fast path (empty: all of it is).
    pub fn notes(&self) -> &[SpeedNote] {
        &self.notes
    }

    /// Whether a file whose header has columns that are not schema fields can use the fast
    /// path (only when no keyword sees such properties).
    pub fn allows_extra_columns(&self) -> bool {
        self.sees_extras.is_none()
    }

    fn graph(&self) -> Graph<'_> {
        Graph {
            nodes: &self.nodes,
            types: &self.types,
        }
    }

    /// Which fields of a record fail, when that is all that is wrong with it. Returns true when
    /// the fast path decided: `failing` is then empty for a valid record, or lists the fields
    /// whose own top-level subschema (`properties`) rejects their cell while every other
    /// keyword of the record schema holds, so validating those properties alone gives every
    /// finding of the record. Returns false when the whole record must go to `jsonschema`.
    pub fn failing_fields<'a>(
        &self,
        cell: impl Fn(usize) -> Option<&'a str>,
        failing: &mut Vec<usize>,
    ) -> bool {
        failing.clear();
        self.graph().record(self.root, &cell, Some(failing)) == Verdict::Valid
    }

    /// Like [`FastSchema::failing_fields`], and also lists the root keywords (`allOf`, `if`,
    /// `required`, ...) the record fails, when all that is wrong with it is in those and in
    /// some properties: validating each of those keywords alone (see
    /// [`crate::schema::PropertySchemas::keyword_violations`]) then gives the rest of its
    /// findings. Returns false when the whole record must go to `jsonschema`.
    pub fn failing_parts<'a, 's>(
        &'s self,
        cell: impl Fn(usize) -> Option<&'a str>,
        fields: &mut Vec<usize>,
        keywords: &mut Vec<&'s str>,
    ) -> bool {
        fields.clear();
        keywords.clear();
        // Up to 16 fields (most record schemas), the cells are read once into a stack array:
        // the keywords look at a cell several times.
        if self.types.len() <= 16 {
            let mut texts = [None; 16];
            for (i, t) in texts.iter_mut().enumerate().take(self.types.len()) {
                *t = cell(i);
            }
            return self.parts(&|i: usize| texts[i], fields, keywords);
        }
        self.parts(&cell, fields, keywords)
    }

    fn parts<'a, 's, C: Fn(usize) -> Option<&'a str>>(
        &'s self,
        cell: &C,
        fields: &mut Vec<usize>,
        keywords: &mut Vec<&'s str>,
    ) -> bool {
        let graph = self.graph();
        for (op, tag) in self.nodes[self.root].ops.iter().zip(&self.root_tags) {
            match graph.record_op(op, cell, Some(fields)) {
                Verdict::Valid => {}
                Verdict::Invalid if crate::schema::SPLIT_KEYWORDS.contains(&tag.as_str()) => {
                    if !keywords.contains(&tag.as_str()) {
                        keywords.push(tag);
                    }
                }
                _ => return false,
            }
        }
        true
    }

    /// The verdict on a whole record. `cell(i)` is the text of schema field `i`, None when the
    /// cell is empty or absent (the field is then left out of the record).
    pub fn verdict<'a>(&self, cell: impl Fn(usize) -> Option<&'a str>) -> Verdict {
        self.graph().record(self.root, &cell, None)
    }
}
