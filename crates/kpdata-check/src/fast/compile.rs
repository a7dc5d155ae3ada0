//! Compiles a record schema into [`Node`]s. Each subschema is compiled for the level it
//! applies at: the record (an object whose properties are the schema fields) or one value (a
//! cell, or an item of an array cell). A keyword that does not apply at a level is left out,
//! as JSON Schema ignores it there (`required` on a string, `minLength` on the record).
//!
//! A value-level subschema the compiler cannot take becomes a [`Op::Delegate`]: the
//! `jsonschema` crate validates that one cell. A record-level one cannot be delegated, and the
//! schema is then not compiled (every row goes to `jsonschema` whole). Either way a
//! [`SpeedNote`] says which keyword at which schema pointer, and why.

use std::collections::HashMap;

use kpdata_package::RecordSchema;
use serde_json::{Map, Value};

use super::node::*;
use super::stdformat::std_format;
use super::SpeedNote;
use crate::formats::FORMATS;
use crate::pattern::Pattern;
use crate::schema::subschema_validator;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Record,
    Value,
}

/// Why a subschema could not be compiled: the keyword's schema pointer and the reason.
pub struct Slow {
    pub pointer: String,
    pub reason: String,
}

pub(super) type Res<T> = Result<T, Slow>;

pub(super) fn slow<T>(pointer: &str, reason: impl Into<String>) -> Res<T> {
    Err(Slow {
        pointer: pointer.to_string(),
        reason: reason.into(),
    })
}

/// Keywords that never change a verdict.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "examples",
    "default",
    "$comment",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$defs",
    "definitions",
];

fn is_annotation(k: &str) -> bool {
    ANNOTATIONS.contains(&k) || k.starts_with("x-")
}

/// Keywords that apply only to objects: left out of value-level nodes (a cell is never an
/// object), though `jsonschema` still requires them to be well formed, which it checked.
const OBJECT_ONLY: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "dependentRequired",
    "dependentSchemas",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "unevaluatedProperties",
];

/// Keywords that never apply to an object: left out of the record-level nodes.
const NON_OBJECT: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
];

pub fn escape(seg: &str) -> String {
    kpdata_base::pointer::escape_token(seg)
}

pub struct Compiler<'s> {
    root: &'s Value,
    pub(super) schema: &'s RecordSchema,
    pub nodes: Vec<Node>,
    memo: HashMap<(String, Level), NodeId>,
    /// The subschemas being compiled, each with the number of `items`-like keywords passed
    /// on the way to it (`descents`).
    active: Vec<((String, Level), usize)>,
    /// How many keywords that apply to the items of a value (`items`, `prefixItems`,
    /// `contains`) lead to the subschema being compiled.
    descents: usize,
    /// Whether the schema has `unevaluatedProperties` anywhere: keywords then also compile
    /// what they evaluate.
    pub(super) annotations: bool,
    pub notes: Vec<SpeedNote>,
    /// Whether some keyword sees properties that are not schema fields (extra CSV columns of
    /// an open schema); files with such columns then skip the fast path.
    pub sees_extras: Option<String>,
    /// For each op of the root node, the root keyword it came from.
    pub root_tags: Vec<String>,
}

impl<'s> Compiler<'s> {
    pub fn new(schema: &'s RecordSchema) -> Compiler<'s> {
        Compiler {
            root: &schema.json,
            schema,
            nodes: Vec::new(),
            memo: HashMap::new(),
            active: Vec::new(),
            descents: 0,
            annotations: mentions(&schema.json, "unevaluatedProperties"),
            notes: Vec::new(),
            sees_extras: None,
            root_tags: Vec::new(),
        }
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    pub(super) fn extras(&mut self, pointer: &str) {
        if self.sees_extras.is_none() {
            self.sees_extras = Some(pointer.to_string());
        }
    }

    /// Compiles the subschema `v` at `pointer` for `level`. A value-level subschema that cannot
    /// be compiled is delegated when it can be.
    ///
    /// Each subschema gets its id before its keywords are compiled, so a `$ref` back to a
    /// subschema being compiled (a cycle) refers to it. A cycle must pass through `items`,
    /// `prefixItems` or `contains`: an item of a cell is never an array, so its evaluation
    /// ends. Any other cycle would not end (nor would jsonschema's), and is not compiled.
    pub fn node(&mut self, v: &'s Value, pointer: &str, level: Level) -> Res<NodeId> {
        let key = (pointer.to_string(), level);
        if let Some(&(_, descents)) = self.active.iter().find(|(k, _)| *k == key) {
            if descents == self.descents {
                return slow(pointer, "a `$ref` cycle that never goes into an item");
            }
        }
        if let Some(&id) = self.memo.get(&key) {
            return Ok(id);
        }
        let id = self.push(Node::default());
        self.memo.insert(key.clone(), id);
        self.active.push((key.clone(), self.descents));
        let result = self.compile(v, pointer, level, id);
        self.active.pop();
        match result {
            Ok(node) => {
                self.nodes[id] = node;
                if pointer.is_empty() && level == Level::Record {
                    self.prune_root(id);
                }
            }
            Err(why) if level == Level::Value => match subschema_validator(self.root, v) {
                Some(validator) => {
                    self.notes.push(SpeedNote {
                        pointer: why.pointer,
                        reason: why.reason,
                        effect: format!(
                            "the subschema at `{}` is validated by jsonschema, one cell at a time",
                            if pointer.is_empty() { "/" } else { pointer }
                        ),
                    });
                    self.nodes[id] = Node::new(vec![Op::Delegate(validator)]);
                }
                None => {
                    self.memo.remove(&key);
                    return Err(why);
                }
            },
            Err(why) => {
                self.memo.remove(&key);
                return Err(why);
            }
        }
        Ok(id)
    }

    /// Compiles a subschema that applies to the items of a value.
    fn item_node(&mut self, v: &'s Value, pointer: &str) -> Res<NodeId> {
        self.descents += 1;
        let id = self.node(v, pointer, Level::Value);
        self.descents -= 1;
        id
    }

    fn list(&mut self, v: &'s Value, pointer: &str, level: Level) -> Res<Vec<NodeId>> {
        let Some(items) = v.as_array() else {
            return slow(pointer, "not an array");
        };
        items
            .iter()
            .enumerate()
            .map(|(i, s)| self.node(s, &format!("{pointer}/{i}"), level))
            .collect()
    }

    fn compile(&mut self, v: &'s Value, pointer: &str, level: Level, id: NodeId) -> Res<Node> {
        let obj = match v {
            Value::Bool(true) => return Ok(Node::default()),
            Value::Bool(false) => return Ok(Node::new(vec![Op::False])),
            Value::Object(o) => o,
            _ => return slow(pointer, "not a schema"),
        };
        let mut ops = Vec::new();
        let root = pointer.is_empty() && level == Level::Record;
        for (k, x) in obj {
            let before = ops.len();
            self.keyword(obj, id, k, x, pointer, level, &mut ops)?;
            if root {
                self.root_tags
                    .extend((before..ops.len()).map(|_| k.clone()));
            }
        }
        if !root {
            ops = self.inline_all_of(ops);
        }
        Ok(match level {
            Level::Value => Node::value(ops),
            Level::Record => Node::new(ops),
        })
    }

    /// `allOf` (and `$ref`) of compiled subschemas inlined: their keywords join the node's,
    /// so a value pays no dispatch per subschema. Not at the root (its keywords are split by
    /// name), nor for a subschema still being compiled (a cycle), with array keywords (a node
    /// has one of each) or with `unevaluatedProperties` (it sees its own node).
    fn inline_all_of(&self, ops: Vec<Op>) -> Vec<Op> {
        let inlinable = |id: NodeId| {
            !self
                .active
                .iter()
                .any(|(k, _)| self.memo.get(k) == Some(&id))
                && !self.nodes[id].ops.iter().any(|op| {
                    matches!(
                        op,
                        Op::PrefixItems(_)
                            | Op::Items(..)
                            | Op::Contains(..)
                            | Op::MinItems(_)
                            | Op::MaxItems(_)
                            | Op::UniqueItems
                            | Op::Unevaluated(..)
                    )
                })
        };
        let mut out = Vec::with_capacity(ops.len());
        for op in ops {
            match op {
                Op::AllOf(ids) if ids.iter().all(|&c| inlinable(c)) => {
                    for c in ids {
                        out.extend(self.nodes[c].to_ops());
                    }
                }
                op => out.push(op),
            }
        }
        out
    }

    /// Drops root ops that always hold (`type: object` on the record, nothing to keep absent)
    /// with their tags, so a valid row does not pay for them.
    fn prune_root(&mut self, root: NodeId) {
        let ops = std::mem::take(&mut self.nodes[root].ops);
        let tags = std::mem::take(&mut self.root_tags);
        for (op, tag) in ops.into_iter().zip(tags) {
            let trivial = match &op {
                Op::Type(bits) => bits & T_OBJECT != 0,
                Op::Absent(f) | Op::UnknownIfPresent(f) => f.is_empty(),
                Op::Props(p, _) => p.is_empty(),
                Op::Required(s) => s.is_empty(),
                _ => false,
            };
            if !trivial {
                self.nodes[root].ops.push(op);
                self.root_tags.push(tag);
            }
        }
    }

    /// Compiles keyword `k` of the subschema `obj` at `pointer` into `ops`.
    #[allow(clippy::too_many_arguments)]
    fn keyword(
        &mut self,
        obj: &'s Map<String, Value>,
        id: NodeId,
        k: &String,
        x: &'s Value,
        pointer: &str,
        level: Level,
        ops: &mut Vec<Op>,
    ) -> Res<()> {
        {
            let at = format!("{pointer}/{}", escape(k));
            let skip = match level {
                Level::Value => OBJECT_ONLY.contains(&k.as_str()),
                Level::Record => NON_OBJECT.contains(&k.as_str()),
            };
            if skip || is_annotation(k) {
                return Ok(());
            }
            match k.as_str() {
                "$schema" | "$id" if pointer.is_empty() => {}
                "type" => ops.push(Op::Type(
                    type_bits(x)
                        .ok_or(())
                        .or_else(|_| slow(&at, "an unknown type"))?,
                )),
                "enum" | "const" if level == Level::Value => {
                    let vals = if k == "enum" {
                        x.as_array()
                            .cloned()
                            .ok_or(())
                            .or_else(|_| slow(&at, "not an array"))?
                    } else {
                        vec![x.clone()]
                    };
                    ops.push(Op::Enum(vals));
                }
                "allOf" => ops.push(Op::AllOf(self.list(x, &at, level)?)),
                "anyOf" => ops.push(Op::AnyOf(self.list(x, &at, level)?)),
                "oneOf" => ops.push(Op::OneOf(self.list(x, &at, level)?)),
                "not" => ops.push(Op::Not(self.node(x, &at, level)?)),
                "if" => {
                    let c = self.node(x, &at, level)?;
                    let mut branch = |name: &str| -> Res<Option<NodeId>> {
                        match obj.get(name) {
                            Some(b) => {
                                Ok(Some(self.node(b, &format!("{pointer}/{name}"), level)?))
                            }
                            None => Ok(None),
                        }
                    };
                    let then = branch("then")?;
                    let els = branch("else")?;
                    ops.push(Op::If(c, then, els));
                }
                // Without `if`, `then` and `else` are ignored.
                "then" | "else" => {}
                "$ref" => ops.push(Op::AllOf(vec![self.reference(x, &at, level)?])),
                _ if level == Level::Record => self.record_keyword(obj, id, k, x, &at, ops)?,
                _ => self.value_keyword(obj, k, x, &at, ops)?,
            }
        }
        Ok(())
    }

    fn reference(&mut self, x: &Value, at: &str, level: Level) -> Res<NodeId> {
        let Some(target) = x.as_str().and_then(|r| r.strip_prefix('#')) else {
            return slow(at, "a `$ref` outside the schema");
        };
        if !(target.is_empty() || target.starts_with('/')) || target.contains('%') {
            return slow(at, "a `$ref` to an anchor or an escaped pointer");
        }
        let Some(sub) = self.root.pointer(target) else {
            return slow(at, "a `$ref` to nothing");
        };
        if has_id(sub) {
            return slow(at, "a `$ref` into a subschema with its own `$id`");
        }
        self.node(sub, target, level)
    }

    fn value_keyword(
        &mut self,
        obj: &'s Map<String, Value>,
        k: &str,
        x: &'s Value,
        at: &str,
        ops: &mut Vec<Op>,
    ) -> Res<()> {
        let count = || {
            x.as_u64()
                .ok_or(())
                .or_else(|_| slow::<u64>(at, "not a count"))
        };
        let limit = || {
            x.as_number()
                .and_then(exact_limit)
                .ok_or(())
                .or_else(|_| slow::<f64>(at, "a bound beyond exact f64 arithmetic"))
        };
        match k {
            "minLength" => ops.push(Op::MinLength(count()?)),
            "maxLength" => ops.push(Op::MaxLength(count()?)),
            "minItems" => ops.push(Op::MinItems(count()?)),
            "maxItems" => ops.push(Op::MaxItems(count()?)),
            "minimum" => ops.push(Op::Minimum(limit()?)),
            "maximum" => ops.push(Op::Maximum(limit()?)),
            "exclusiveMinimum" => ops.push(Op::ExclusiveMinimum(limit()?)),
            "exclusiveMaximum" => ops.push(Op::ExclusiveMaximum(limit()?)),
            "multipleOf" => {
                let m = limit()?;
                let validator =
                    subschema_validator(self.root, &serde_json::json!({"multipleOf": x}))
                        .ok_or(())
                        .or_else(|_| slow(at, "a divisor jsonschema refuses"))?;
                ops.push(Op::MultipleOf(m, validator));
            }
            "pattern" => {
                let p = x.as_str().and_then(compile_pattern).map(Box::new);
                ops.push(Op::Pattern(
                    p.ok_or(())
                        .or_else(|_| slow(at, "a pattern the fast path cannot run"))?,
                ));
            }
            "format" => {
                let name = x.as_str().unwrap_or_default();
                let op = if let Some((_, f)) = FORMATS.iter().find(|(n, _)| *n == name) {
                    FormatOp::Exact(*f)
                } else if let Some(f) = std_format(name) {
                    let validator =
                        subschema_validator(self.root, &serde_json::json!({"format": name}))
                            .ok_or(())
                            .or_else(|_| slow(at, "a format jsonschema refuses"))?;
                    FormatOp::Std(f, validator)
                } else {
                    return slow(
                        at,
                        format!("the format `{}` is not compiled", crate::fast::show(name)),
                    );
                };
                ops.push(Op::Format(op));
            }
            "uniqueItems" => {
                if x.as_bool()
                    .ok_or(())
                    .or_else(|_| slow(at, "not a boolean"))?
                {
                    ops.push(Op::UniqueItems);
                }
            }
            "prefixItems" => {
                let Some(items) = x.as_array() else {
                    return slow(at, "not an array");
                };
                let ids = items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| self.item_node(s, &format!("{at}/{i}")))
                    .collect::<Res<_>>()?;
                ops.push(Op::PrefixItems(ids));
            }
            "items" => {
                if x.is_array() {
                    return slow(at, "the array form of `items` (not draft 2020-12)");
                }
                let skip = obj
                    .get("prefixItems")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                ops.push(Op::Items(skip, self.item_node(x, at)?));
            }
            "contains" => {
                let node = self.item_node(x, at)?;
                let min = obj.get("minContains").map_or(Some(1), Value::as_u64);
                let max = obj.get("maxContains").map(|m| m.as_u64());
                let (Some(min), Some(max)) = (min, max.map_or(Some(None), |m| m.map(Some))) else {
                    return slow(at, "a `minContains`/`maxContains` that is not a count");
                };
                ops.push(Op::Contains(node, min, max));
            }
            // Without `contains`, these are ignored.
            "minContains" | "maxContains" => {}
            _ => return slow(at, format!("`{}` is not compiled", crate::fast::show(k))),
        }
        Ok(())
    }
}

fn type_bits(x: &Value) -> Option<u8> {
    let one = |s: &str| {
        Some(match s {
            "string" => T_STRING,
            "integer" => T_INTEGER,
            "number" => T_NUMBER | T_INTEGER,
            "boolean" => T_BOOLEAN,
            "array" => T_ARRAY,
            "object" => T_OBJECT,
            "null" => T_NULL,
            _ => return None,
        })
    };
    match x {
        Value::String(s) => one(s),
        Value::Array(a) => a.iter().try_fold(0, |acc, t| Some(acc | one(t.as_str()?)?)),
        _ => None,
    }
}

/// A bound as f64, when the JSON number converts exactly.
fn exact_limit(n: &serde_json::Number) -> Option<f64> {
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => (i.unsigned_abs() < 1 << 53).then_some(i as f64),
        (None, Some(u)) => (u < 1 << 53).then_some(u as f64),
        _ => n.as_f64(),
    }
}

pub(super) fn compile_pattern(p: &str) -> Option<Pattern> {
    Pattern::new(&jsonschema_regex::to_rust_regex(p).ok()?)
}

fn has_id(v: &Value) -> bool {
    match v {
        Value::Object(m) => m
            .iter()
            .any(|(k, x)| k == "$id" || k == "$anchor" || has_id(x)),
        Value::Array(a) => a.iter().any(has_id),
        _ => false,
    }
}

/// Whether `key` is a key of some object in `v`.
fn mentions(v: &Value, key: &str) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, x)| k == key || mentions(x, key)),
        Value::Array(a) => a.iter().any(|x| mentions(x, key)),
        _ => false,
    }
}
