//! Compiles the keywords that apply to the record object: `required`, `properties`,
//! `patternProperties`, `additionalProperties`, `unevaluatedProperties`, `dependentRequired`,
//! `dependentSchemas`, `minProperties`/`maxProperties`, `propertyNames`, `enum`/`const`.
//!
//! A property that is not a schema field is never in the record of a closed schema; in an open
//! one it may be (an extra CSV column), and a keyword that would see it marks the schema
//! (`Compiler::extras`) so that such files skip the fast path.

use kpdata_package::FieldType;
use serde_json::{Map, Value};

use super::annot::{Mask, RecordValue, MAX_FIELDS};
use super::compile::{compile_pattern, escape, slow, Compiler, Level, Res};
use super::node::*;
use super::Verdict;

impl<'s> Compiler<'s> {
    /// Compiles record-level keyword `k` (value `x`, at schema pointer `at`) of the subschema
    /// `obj`, which is node `id`, into `ops`.
    pub(super) fn record_keyword(
        &mut self,
        obj: &'s Map<String, Value>,
        id: NodeId,
        k: &str,
        x: &'s Value,
        at: &str,
        ops: &mut Vec<Op>,
    ) -> Res<()> {
        match k {
            "required" => ops.push(Op::Required(self.names(x, at)?)),
            "properties" => ops.push(self.properties(x, at)?),
            "patternProperties" => ops.push(self.pattern_properties(x, at)?),
            "additionalProperties" => self.additional(obj, x, at, ops)?,
            "unevaluatedProperties" => {
                if self.schema.fields.len() > MAX_FIELDS {
                    return slow(
                        at,
                        format!(
                            "`unevaluatedProperties` on a record of more than {MAX_FIELDS} fields"
                        ),
                    );
                }
                let sub = self.node(x, at, Level::Value)?;
                self.extras(at);
                ops.push(Op::Unevaluated(id, sub));
            }
            "dependentRequired" => {
                for (name, others) in object(x, at)? {
                    let slots = self.names(others, at)?;
                    if let Some(i) = self.field_or_extra(name, at) {
                        ops.push(Op::DependentRequired(i, slots));
                    }
                }
            }
            "dependentSchemas" => {
                for (name, sub) in object(x, at)? {
                    let node = self.node(sub, &format!("{at}/{}", escape(name)), Level::Record)?;
                    if let Some(i) = self.field_or_extra(name, at) {
                        ops.push(Op::DependentSchema(i, node));
                    }
                }
            }
            "minProperties" | "maxProperties" => {
                let n = x.as_u64().ok_or(()).or_else(|_| slow(at, "not a count"))?;
                self.extras(at);
                ops.push(if k == "minProperties" {
                    Op::PropertyCount(Some(n), None)
                } else {
                    Op::PropertyCount(None, Some(n))
                });
            }
            "propertyNames" => self.property_names(x, at, ops)?,
            "enum" | "const" => {
                let values = if k == "enum" {
                    x.as_array()
                        .ok_or(())
                        .or_else(|_| slow(at, "not an array"))?
                        .iter()
                        .map(|v| self.record_value(v))
                        .collect()
                } else {
                    vec![self.record_value(x)]
                };
                self.extras(at);
                ops.push(Op::RecordEnum(values));
            }
            _ => {
                return slow(
                    at,
                    format!("`{}` on the record is not compiled", super::show(k)),
                )
            }
        }
        Ok(())
    }

    /// A list of property names as field slots (None: not a field).
    fn names(&mut self, x: &Value, at: &str) -> Res<Vec<Option<usize>>> {
        let names = x
            .as_array()
            .ok_or(())
            .or_else(|_| slow(at, "not an array"))?;
        let slots = names
            .iter()
            .map(|n| Some(self.schema.field_index(n.as_str()?)))
            .collect::<Option<Vec<_>>>();
        let slots = slots.ok_or(()).or_else(|_| slow(at, "not names"))?;
        if !self.schema.closed && slots.contains(&None) {
            self.extras(at);
        }
        Ok(slots)
    }

    /// The field named `name`; None (and, in an open schema, a mark) when there is none.
    fn field_or_extra(&mut self, name: &str, at: &str) -> Option<usize> {
        let i = self.schema.field_index(name);
        if i.is_none() && !self.schema.closed {
            self.extras(at);
        }
        i
    }

    fn properties(&mut self, x: &'s Value, at: &str) -> Res<Op> {
        let mut out = Vec::new();
        for (name, sub) in object(x, at)? {
            let node = self.node(sub, &format!("{at}/{}", escape(name)), Level::Value)?;
            if let Some(i) = self.field_or_extra(name, at) {
                // A text field under a subschema every string satisfies needs no check (kept
                // when `unevaluatedProperties` needs to know what `properties` names).
                let text = matches!(self.schema.fields[i].ty, FieldType::String | FieldType::Any);
                if !(text && self.nodes[node].holds_any_string()) || self.annotations {
                    out.push((i, node));
                }
            }
        }
        Ok(Op::Props(out, true))
    }

    fn pattern_properties(&mut self, x: &'s Value, at: &str) -> Res<Op> {
        let mut out = Vec::new();
        for (pattern, sub) in object(x, at)? {
            let node = self.node(sub, &format!("{at}/{}", escape(pattern)), Level::Value)?;
            let p = compile_pattern(pattern)
                .ok_or(())
                .or_else(|_| slow(at, "a pattern the fast path cannot run"))?;
            for (i, f) in self.schema.fields.iter().enumerate() {
                if p.is_match(&f.name) {
                    out.push((i, node));
                }
            }
        }
        self.extras(at);
        Ok(Op::Props(out, false))
    }

    fn additional(
        &mut self,
        obj: &'s Map<String, Value>,
        x: &'s Value,
        at: &str,
        ops: &mut Vec<Op>,
    ) -> Res<()> {
        let named = |n: &str| {
            obj.get("properties").and_then(|p| p.get(n)).is_some()
                || obj
                    .get("patternProperties")
                    .and_then(Value::as_object)
                    .is_some_and(|pp| {
                        pp.keys()
                            .any(|p| compile_pattern(p).is_none_or(|r| r.is_match(n)))
                    })
        };
        let others: Vec<usize> = (0..self.schema.fields.len())
            .filter(|&i| !named(&self.schema.fields[i].name))
            .collect();
        if !(at == "/additionalProperties" && self.schema.closed) {
            self.extras(at);
        }
        // `additionalProperties` evaluates every property (for `unevaluatedProperties`).
        if self.annotations {
            ops.push(Op::Evaluates(Mask::MAX));
        }
        match x {
            Value::Bool(true) => {}
            Value::Bool(false) => ops.push(Op::Absent(others)),
            _ => {
                let node = self.node(x, at, Level::Value)?;
                ops.push(Op::Props(
                    others.into_iter().map(|i| (i, node)).collect(),
                    false,
                ));
            }
        }
        Ok(())
    }

    /// `propertyNames`: decided on the field names at compile time.
    fn property_names(&mut self, x: &'s Value, at: &str, ops: &mut Vec<Op>) -> Res<()> {
        let node = self.node(x, at, Level::Value)?;
        self.extras(at);
        let graph = Graph {
            nodes: &self.nodes,
            types: &[],
        };
        let (mut absent, mut unknown) = (Vec::new(), Vec::new());
        for (i, f) in self.schema.fields.iter().enumerate() {
            let name = Val::new(&kpdata_package::FieldType::String, &f.name);
            match graph.value(node, &name) {
                Verdict::Valid => {}
                Verdict::Invalid => absent.push(i),
                Verdict::Unknown => unknown.push(i),
            }
        }
        ops.push(Op::Absent(absent));
        ops.push(Op::UnknownIfPresent(unknown));
        Ok(())
    }

    /// One value of a record-level `enum`/`const`: an object whose keys are all fields.
    fn record_value(&self, v: &Value) -> RecordValue {
        let obj = v.as_object()?;
        obj.iter()
            .map(|(k, x)| Some((self.schema.field_index(k)?, x.clone())))
            .collect()
    }
}

fn object<'v>(x: &'v Value, at: &str) -> Res<&'v Map<String, Value>> {
    x.as_object()
        .ok_or(())
        .or_else(|_| slow(at, "not an object"))
}
