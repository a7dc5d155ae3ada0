//! Record-level keywords that look at the record as a whole: `unevaluatedProperties`, with the
//! annotations of JSON Schema 2020-12 (which properties the adjacent keywords and the valid
//! subschemas evaluated), and `enum`/`const` on the record.
//!
//! Annotations, as the `jsonschema` crate collects them: `properties` and `patternProperties`
//! evaluate the present properties they name or match, `additionalProperties` every present
//! property; `allOf`, `anyOf`, `oneOf` (exactly one), `if` with `then` or `else`,
//! `dependentSchemas` and `$ref` add what their valid subschemas evaluate; `not` adds nothing;
//! a nested `unevaluatedProperties` in a valid subschema evaluates every property. A subschema
//! only adds when it is valid; where a subschema's verdict is Unknown, so is the set.

use serde_json::Value;

use super::node::{Graph, NodeId, Op, Val};
use super::scalar::{any, in_enum};
use super::Verdict;

/// The fields of a record as bits (field i: bit i); the compiler takes `unevaluatedProperties`
/// only on records of at most 64 fields.
pub type Mask = u64;

pub const MAX_FIELDS: usize = 64;

/// One object of a record-level `enum` (or the `const`): the fields it holds and their values;
/// None when the record can never equal it (not an object, or a property that is not a field).
pub type RecordValue = Option<Vec<(usize, Value)>>;

impl Graph<'_> {
    /// The present fields of the record that node `id` evaluates (see the module doc), or
    /// None when that depends on a verdict the fast path cannot give. With `own` false the
    /// node's own `unevaluatedProperties` are left out (it is the one asking).
    pub(super) fn evaluated<'a, C>(&self, id: NodeId, cell: &C, own: bool) -> Option<Mask>
    where
        C: Fn(usize) -> Option<&'a str>,
    {
        let mut mask: Mask = 0;
        let valid = |n: NodeId| self.record(n, cell, None);
        for op in &self.nodes[id].ops {
            match op {
                Op::Props(props, _) => {
                    for &(i, _) in props {
                        mask |= 1 << i;
                    }
                }
                Op::Evaluates(m) => mask |= m,
                Op::Unevaluated(..) if own => mask = Mask::MAX,
                Op::AllOf(ids) | Op::AnyOf(ids) => {
                    for &n in ids {
                        match valid(n) {
                            Verdict::Valid => mask |= self.evaluated(n, cell, true)?,
                            Verdict::Invalid => {}
                            Verdict::Unknown => return None,
                        }
                    }
                }
                Op::OneOf(ids) => {
                    let mut hit = None;
                    let mut count = 0;
                    for &n in ids {
                        match valid(n) {
                            Verdict::Valid => {
                                count += 1;
                                hit = Some(n);
                            }
                            Verdict::Invalid => {}
                            Verdict::Unknown => return None,
                        }
                    }
                    if let (1, Some(n)) = (count, hit) {
                        mask |= self.evaluated(n, cell, true)?;
                    }
                }
                Op::If(c, then, els) => {
                    let branch = match valid(*c) {
                        Verdict::Valid => {
                            mask |= self.evaluated(*c, cell, true)?;
                            then
                        }
                        Verdict::Invalid => els,
                        Verdict::Unknown => return None,
                    };
                    if let Some(b) = branch {
                        mask |= self.evaluated(*b, cell, true)?;
                    }
                }
                Op::DependentSchema(i, n) if cell(*i).is_some() => {
                    mask |= self.evaluated(*n, cell, true)?;
                }
                _ => {}
            }
        }
        Some(mask)
    }

    /// `unevaluatedProperties` of node `parent`: every present field that the parent's other
    /// keywords do not evaluate must be valid under `sub`.
    pub(super) fn unevaluated<'a, C>(&self, parent: NodeId, sub: NodeId, cell: &C) -> Verdict
    where
        C: Fn(usize) -> Option<&'a str>,
    {
        let Some(mask) = self.evaluated(parent, cell, false) else {
            return Verdict::Unknown;
        };
        let mut acc = Verdict::Valid;
        for (i, ty) in self.types.iter().enumerate() {
            if mask & (1 << i) != 0 {
                continue;
            }
            let Some(text) = cell(i) else { continue };
            match self.value(sub, &Val::new(ty, text)) {
                Verdict::Valid => {}
                Verdict::Invalid => return Verdict::Invalid,
                Verdict::Unknown => acc = Verdict::Unknown,
            }
        }
        acc
    }

    /// `enum` (or `const`) on the record: it equals one of `values`, field by field.
    pub(super) fn record_enum<'a, C>(&self, values: &[RecordValue], cell: &C) -> Verdict
    where
        C: Fn(usize) -> Option<&'a str>,
    {
        let present = (0..self.types.len()).filter(|&i| cell(i).is_some()).count();
        any(values.iter().map(|v| match v {
            Some(pairs) if pairs.len() == present => {
                let mut acc = Verdict::Valid;
                for (i, x) in pairs {
                    let Some(text) = cell(*i) else {
                        return Verdict::Invalid;
                    };
                    let v = Val::new(&self.types[*i], text);
                    match in_enum(std::slice::from_ref(x), v.kind) {
                        Verdict::Valid => {}
                        Verdict::Invalid => return Verdict::Invalid,
                        Verdict::Unknown => acc = Verdict::Unknown,
                    }
                }
                acc
            }
            _ => Verdict::Invalid,
        }))
    }
}
