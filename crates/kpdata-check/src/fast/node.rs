//! The compiled form of a schema and its evaluation, in three-valued logic: a verdict is
//! `Valid`, `Invalid`, or `Unknown` (only `jsonschema` can tell; the whole record goes to it).
//!
//! A record is the row's schema fields: `cell(i)` is the text of field `i`, None when the cell
//! is empty or absent (the property is then left out of the record). A value is one cell (or
//! one item of an array cell) typed exactly as `kpdata_read::typing::typed_value` types it.

use std::sync::Arc;

use jsonschema::Validator;
use kpdata_package::FieldType;
use kpdata_read::typing::{parse_integer, parse_number, split_array, typed_value};
use serde_json::{Number, Value};

use super::annot::{Mask, RecordValue};
use super::scalar::{
    any, format_holds, in_enum, not, number_op, one, string_op, type_bits, Unique,
};
use super::stdformat::StdCheck;
use super::Verdict;
use crate::pattern::Pattern;

pub type NodeId = usize;

/// Type bits for `type`.
pub const T_STRING: u8 = 1;
pub const T_INTEGER: u8 = 2;
pub const T_NUMBER: u8 = 4;
pub const T_BOOLEAN: u8 = 8;
pub const T_ARRAY: u8 = 16;
pub const T_OBJECT: u8 = 32;
pub const T_NULL: u8 = 64;

/// One compiled keyword. A node holds the keywords of one subschema; it is valid when all are.
#[derive(Debug, Clone)]
pub enum Op {
    /// The schema `false`, or a keyword no instance at this level can satisfy.
    False,
    // Record-level keywords (on the record object). A field slot is None for a property name
    // that is not a schema field: such a property is never in the record.
    Required(Vec<Option<usize>>),
    /// `properties` (true) or `patternProperties`/`additionalProperties` (false) on schema
    /// fields.
    Props(Vec<(usize, NodeId)>, bool),
    /// Fields that must be absent (`additionalProperties: false`, failed `propertyNames`).
    Absent(Vec<usize>),
    /// Fields whose presence leaves the verdict to `jsonschema`.
    UnknownIfPresent(Vec<usize>),
    DependentRequired(usize, Vec<Option<usize>>),
    /// `unevaluatedProperties` of the node (the first id) with its subschema (the second).
    Unevaluated(NodeId, NodeId),
    /// Fields a keyword evaluates without checking them (`additionalProperties`), for
    /// `unevaluatedProperties`; always holds.
    Evaluates(Mask),
    /// `enum`/`const` on the record.
    RecordEnum(Vec<RecordValue>),
    DependentSchema(usize, NodeId),
    PropertyCount(Option<u64>, Option<u64>),
    // Value-level keywords.
    Type(u8),
    Enum(Vec<Value>),
    MinLength(u64),
    MaxLength(u64),
    Pattern(Box<Pattern>),
    /// A domain format (exact), or a standard one (may defer to the validator).
    Format(FormatOp),
    Minimum(f64),
    Maximum(f64),
    ExclusiveMinimum(f64),
    ExclusiveMaximum(f64),
    /// `multipleOf`: exact on integers by an integer divisor, else asked of the validator.
    MultipleOf(f64, Arc<Validator>),
    PrefixItems(Vec<NodeId>),
    /// `items`, applied to the items after the `prefixItems` (the usize).
    Items(usize, NodeId),
    MinItems(u64),
    MaxItems(u64),
    UniqueItems,
    Contains(NodeId, u64, Option<u64>),
    /// A subschema the fast path does not compile, validated by `jsonschema` on the typed
    /// value of this one cell (or item).
    Delegate(Arc<Validator>),
    // Either level.
    AllOf(Vec<NodeId>),
    AnyOf(Vec<NodeId>),
    OneOf(Vec<NodeId>),
    Not(NodeId),
    If(NodeId, Option<NodeId>, Option<NodeId>),
}

#[derive(Clone)]
pub enum FormatOp {
    Exact(fn(&str) -> bool),
    Std(StdCheck, Arc<Validator>),
}

impl std::fmt::Debug for FormatOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FormatOp::Exact(_) => "Exact",
            FormatOp::Std(..) => "Std",
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct Node {
    pub ops: Vec<Op>,
    /// The plain keywords of a value-level node, checked in one go before `ops`.
    simple: Simple,
}

/// `type`, lengths, `format` and `pattern` of a value-level node: most property subschemas
/// hold nothing else, and checking them without dispatching op by op halves their cost.
#[derive(Debug, Clone, Default)]
struct Simple {
    /// 0: no `type`.
    types: u8,
    min_length: Option<u64>,
    max_length: Option<u64>,
    format: Option<FormatOp>,
    pattern: Option<Box<Pattern>>,
    /// An `enum` (or `const`) of strings only: a value must be one of them.
    strings: Option<Box<[String]>>,
}

impl Node {
    pub fn new(ops: Vec<Op>) -> Node {
        Node {
            ops,
            simple: Simple::default(),
        }
    }

    /// A value-level node: its plain keywords moved into [`Simple`].
    pub fn value(ops: Vec<Op>) -> Node {
        let mut simple = Simple::default();
        let mut rest = Vec::new();
        for op in ops {
            match op {
                Op::Type(b) if b != 0 && simple.types == 0 => simple.types = b,
                Op::MinLength(m) if simple.min_length.is_none() => simple.min_length = Some(m),
                Op::MaxLength(m) if simple.max_length.is_none() => simple.max_length = Some(m),
                Op::Format(f) if simple.format.is_none() => simple.format = Some(f),
                Op::Pattern(p) if simple.pattern.is_none() => simple.pattern = Some(p),
                Op::Enum(vals) if simple.strings.is_none() && vals.iter().all(Value::is_string) => {
                    let strings = vals.iter().filter_map(Value::as_str).map(String::from);
                    simple.strings = Some(strings.collect())
                }
                op => rest.push(op),
            }
        }
        Node { ops: rest, simple }
    }

    /// Whether the node holds for every string (no keyword but a `type` that allows strings).
    pub fn holds_any_string(&self) -> bool {
        let s = &self.simple;
        self.ops.is_empty()
            && (s.types == 0 || s.types & T_STRING != 0)
            && s.min_length.is_none_or(|m| m == 0)
            && s.max_length.is_none()
            && s.format.is_none()
            && s.pattern.is_none()
            && s.strings.is_none()
    }

    /// The node's keywords as ops again (its plain keywords included), to inline it.
    pub fn to_ops(&self) -> Vec<Op> {
        let s = &self.simple;
        let mut ops = Vec::new();
        if s.types != 0 {
            ops.push(Op::Type(s.types));
        }
        ops.extend(s.min_length.map(Op::MinLength));
        ops.extend(s.max_length.map(Op::MaxLength));
        ops.extend(s.format.clone().map(Op::Format));
        ops.extend(s.pattern.clone().map(Op::Pattern));
        if let Some(strings) = &s.strings {
            ops.push(Op::Enum(
                strings.iter().map(|x| Value::String(x.clone())).collect(),
            ));
        }
        ops.extend(self.ops.iter().cloned());
        ops
    }
}

impl Simple {
    #[inline(always)]
    fn holds(&self, k: Kind<'_>) -> bool {
        if self.types != 0 && self.types & type_bits(k) == 0 {
            return false;
        }
        let Kind::Str(s) = k else {
            // A string `enum` holds no other kind of value.
            return self.strings.is_none();
        };
        self.holds_text(s)
    }

    /// The string keywords on a string (its type already checked).
    #[inline(always)]
    fn holds_text(&self, s: &str) -> bool {
        // A string has between len/4 and len characters: count only when that does not
        // decide.
        let bytes = s.len() as u64;
        if self
            .min_length
            .is_some_and(|m| bytes.div_ceil(4) < m && (s.chars().count() as u64) < m)
            || self
                .max_length
                .is_some_and(|m| bytes > m && s.chars().count() as u64 > m)
        {
            return false;
        }
        if self
            .strings
            .as_ref()
            .is_some_and(|e| !e.iter().any(|x| x == s))
        {
            return false;
        }
        if self.format.as_ref().is_some_and(|f| !format_holds(f, s)) {
            return false;
        }
        self.pattern.as_ref().is_none_or(|p| p.is_match(s))
    }
}

/// A typed value and where it came from (for a validator that must see it as JSON).
#[derive(Clone, Copy)]
pub struct Val<'a> {
    pub ty: &'a FieldType,
    pub text: &'a str,
    pub kind: Kind<'a>,
}

#[derive(Clone, Copy)]
pub enum Kind<'a> {
    Str(&'a str),
    /// An integer of magnitude below 2^53 (exact as f64).
    Int(i64),
    /// A number that is not an integer literal.
    Num(f64),
    /// An integer too large for exact f64 arithmetic.
    Big,
    Bool(bool),
    Arr(&'a str, &'a FieldType),
}

pub(super) const EXACT: u64 = 1 << 53;

fn number_kind<'a>(n: &Number) -> Kind<'a> {
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) if i.unsigned_abs() < EXACT => Kind::Int(i),
        (Some(_), _, _) | (None, Some(_), _) => Kind::Big,
        (None, None, Some(f)) => Kind::Num(f),
        _ => Kind::Big,
    }
}

impl<'a> Val<'a> {
    #[inline(always)]
    pub fn new(ty: &'a FieldType, text: &'a str) -> Val<'a> {
        let kind = match ty {
            FieldType::String | FieldType::Any => Kind::Str(text),
            FieldType::Integer => parse_integer(text).map_or(Kind::Str(text), |n| number_kind(&n)),
            FieldType::Number => parse_number(text).map_or(Kind::Str(text), |n| number_kind(&n)),
            FieldType::Boolean => match text {
                "true" => Kind::Bool(true),
                "false" => Kind::Bool(false),
                _ => Kind::Str(text),
            },
            FieldType::Array { separator, item } => Kind::Arr(separator, item),
        };
        Val { ty, text, kind }
    }

    fn json(&self) -> Value {
        typed_value(self.ty, self.text)
    }

    fn items(&self) -> impl Iterator<Item = Val<'a>> {
        let (sep, item) = match self.kind {
            Kind::Arr(sep, item) => (sep, item),
            _ => ("", &FieldType::String),
        };
        split_array(self.text, sep).map(move |t| Val::new(item, t))
    }
}

pub(super) fn of(b: bool) -> Verdict {
    if b {
        Verdict::Valid
    } else {
        Verdict::Invalid
    }
}

pub(super) fn delegate(v: &Validator, val: &Val<'_>) -> Verdict {
    of(v.is_valid(&val.json()))
}

/// Joins verdicts of keywords that must all hold: stops at the first Invalid.
macro_rules! all {
    ($acc:ident, $v:expr) => {
        match $v {
            Verdict::Valid => {}
            Verdict::Invalid => return Verdict::Invalid,
            Verdict::Unknown => $acc = Verdict::Unknown,
        }
    };
}

/// The compiled nodes and the record's field types.
pub struct Graph<'s> {
    pub nodes: &'s [Node],
    pub types: &'s [FieldType],
}

impl<'s> Graph<'s> {
    /// The verdict of record-level node `id`. With `failing`, the fields the node's own
    /// `properties` reject are listed there instead of making the verdict Invalid.
    pub fn record<'a, C>(
        &self,
        id: NodeId,
        cell: &C,
        mut failing: Option<&mut Vec<usize>>,
    ) -> Verdict
    where
        C: Fn(usize) -> Option<&'a str>,
    {
        let mut acc = Verdict::Valid;
        for op in &self.nodes[id].ops {
            all!(acc, self.record_op(op, cell, failing.as_deref_mut()));
        }
        acc
    }

    /// The verdict of one record-level keyword (see [`Graph::record`]).
    pub fn record_op<'a, C>(&self, op: &Op, cell: &C, failing: Option<&mut Vec<usize>>) -> Verdict
    where
        C: Fn(usize) -> Option<&'a str>,
    {
        let mut acc = Verdict::Valid;
        let mut failing = failing;
        match op {
            Op::False => return Verdict::Invalid,
            Op::Required(slots) => all!(
                acc,
                of(slots.iter().all(|s| s.is_some_and(|i| cell(i).is_some())))
            ),
            Op::Props(props, named) => {
                for &(i, node) in props {
                    let Some(text) = cell(i) else { continue };
                    let ty = &self.types[i];
                    let n = &self.nodes[node];
                    // A text cell under plain keywords: no typed value to build.
                    let v = if n.ops.is_empty() && matches!(ty, FieldType::String | FieldType::Any)
                    {
                        of((n.simple.types == 0 || n.simple.types & T_STRING != 0)
                            && n.simple.holds_text(text))
                    } else {
                        self.value(node, &Val::new(ty, text))
                    };
                    match (&mut failing, v) {
                        // Only `properties` findings come from the property's own validator.
                        (Some(f), Verdict::Invalid) if *named => f.push(i),
                        _ => all!(acc, v),
                    }
                }
            }
            Op::Absent(fields) => all!(acc, of(fields.iter().all(|&i| cell(i).is_none()))),
            Op::UnknownIfPresent(fields) if fields.iter().any(|&i| cell(i).is_some()) => {
                acc = Verdict::Unknown;
            }
            Op::DependentRequired(i, others) if cell(*i).is_some() => all!(
                acc,
                of(others.iter().all(|s| s.is_some_and(|o| cell(o).is_some())))
            ),
            Op::DependentSchema(i, node) if cell(*i).is_some() => {
                all!(acc, self.record(*node, cell, None))
            }
            Op::Unevaluated(parent, sub) => all!(acc, self.unevaluated(*parent, *sub, cell)),
            Op::RecordEnum(values) => all!(acc, self.record_enum(values, cell)),
            Op::PropertyCount(min, max) => {
                let n = (0..self.types.len()).filter(|&i| cell(i).is_some()).count() as u64;
                all!(
                    acc,
                    of(min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m))
                )
            }
            Op::Type(bits) => all!(acc, of(bits & T_OBJECT != 0)),
            Op::AllOf(ids) => {
                for &n in ids {
                    all!(acc, self.record(n, cell, None))
                }
            }
            Op::AnyOf(ids) => all!(acc, any(ids.iter().map(|&n| self.record(n, cell, None)))),
            Op::OneOf(ids) => all!(acc, one(ids.iter().map(|&n| self.record(n, cell, None)))),
            Op::Not(n) => all!(acc, not(self.record(*n, cell, None))),
            Op::If(c, then, els) => {
                let branch = match self.record(*c, cell, None) {
                    Verdict::Valid => then,
                    Verdict::Invalid => els,
                    Verdict::Unknown => return Verdict::Unknown,
                };
                if let Some(b) = branch {
                    all!(acc, self.record(*b, cell, None))
                }
            }
            // Value keywords do not apply to an object; the compiler leaves them out.
            _ => {}
        }
        acc
    }

    /// The verdict of value-level node `id` on one value.
    #[inline(always)]
    pub fn value(&self, id: NodeId, v: &Val<'_>) -> Verdict {
        let node = &self.nodes[id];
        // Most property subschemas are plain keywords on a plain value.
        if node.ops.is_empty() && !matches!(v.kind, Kind::Arr(..)) {
            return of(node.simple.holds(v.kind));
        }
        self.value_rest(node, id, v)
    }

    #[inline(never)]
    fn value_rest(&self, node: &Node, id: NodeId, v: &Val<'_>) -> Verdict {
        if !node.simple.holds(v.kind) {
            return Verdict::Invalid;
        }
        if let Kind::Arr(..) = v.kind {
            return self.array(id, v);
        }
        let mut acc = Verdict::Valid;
        for op in &node.ops {
            all!(acc, self.value_op(op, v));
        }
        acc
    }

    /// One keyword on one value (array keywords on an array: see [`Graph::array`]).
    fn value_op(&self, op: &Op, v: &Val<'_>) -> Verdict {
        let mut acc = Verdict::Valid;
        match (op, v.kind) {
            (Op::False, _) => return Verdict::Invalid,
            (Op::Type(bits), k) => all!(acc, of(bits & type_bits(k) != 0)),
            (Op::Enum(vals), k) => all!(acc, in_enum(vals, k)),
            (Op::Delegate(validator), _) => all!(acc, delegate(validator, v)),
            (Op::AllOf(ids), _) => {
                for &n in ids {
                    all!(acc, self.value(n, v))
                }
            }
            (Op::AnyOf(ids), _) => all!(acc, any(ids.iter().map(|&n| self.value(n, v)))),
            (Op::OneOf(ids), _) => all!(acc, one(ids.iter().map(|&n| self.value(n, v)))),
            (Op::Not(n), _) => all!(acc, not(self.value(*n, v))),
            (Op::If(c, then, els), _) => {
                let branch = match self.value(*c, v) {
                    Verdict::Valid => then,
                    Verdict::Invalid => els,
                    Verdict::Unknown => return Verdict::Unknown,
                };
                if let Some(b) = branch {
                    all!(acc, self.value(*b, v))
                }
            }
            (op, Kind::Str(s)) => all!(acc, string_op(op, s)),
            (op, Kind::Int(i)) => all!(acc, number_op(op, i as f64, Some(i), v)),
            (op, Kind::Num(x)) => all!(acc, number_op(op, x, None, v)),
            (
                Op::Minimum(_)
                | Op::Maximum(_)
                | Op::ExclusiveMinimum(_)
                | Op::ExclusiveMaximum(_)
                | Op::MultipleOf(..),
                Kind::Big,
            ) => acc = Verdict::Unknown,
            _ => {}
        }
        acc
    }

    /// Node `id` on an array value: its array keywords in one pass over the items (split and
    /// typed once), the others as on any value.
    fn array(&self, id: NodeId, v: &Val<'_>) -> Verdict {
        let mut acc = Verdict::Valid;
        let (mut prefix, mut items, mut contains): (&[NodeId], _, _) = (&[], None, None);
        let (mut min, mut max, mut unique) = (None, None, false);
        for op in &self.nodes[id].ops {
            match op {
                Op::PrefixItems(ids) => prefix = ids,
                Op::Items(skip, n) => items = Some((*skip, *n)),
                Op::Contains(n, lo, hi) => contains = Some((*n, *lo, *hi)),
                Op::MinItems(m) => min = Some(*m),
                Op::MaxItems(m) => max = Some(*m),
                Op::UniqueItems => unique = true,
                op => all!(acc, self.value_op(op, v)),
            }
        }
        let (mut count, mut hits, mut unknown_hits) = (0u64, 0u64, false);
        let mut seen = Unique::default();
        // The (large) items iterator is walked in place: moving it into `enumerate` or a `for`
        // loop costs a copy of it per array value (a few % of the own schema's time).
        let mut it = v.items();
        for (j, item) in it.by_ref().enumerate() {
            count += 1;
            if let Some(&n) = prefix.get(j) {
                all!(acc, self.value(n, &item));
            }
            if let Some((skip, n)) = items {
                if j >= skip {
                    all!(acc, self.value(n, &item));
                }
            }
            if let Some((n, ..)) = contains {
                match self.value(n, &item) {
                    Verdict::Valid => hits += 1,
                    Verdict::Invalid => {}
                    Verdict::Unknown => unknown_hits = true,
                }
            }
            if unique {
                seen.push(item.kind);
            }
        }
        all!(
            acc,
            of(min.is_none_or(|m| count >= m) && max.is_none_or(|m| count <= m))
        );
        if let Some((_, lo, hi)) = contains {
            if unknown_hits {
                acc = Verdict::Unknown;
            } else {
                all!(acc, of(hits >= lo && hi.is_none_or(|m| hits <= m)));
            }
        }
        if unique {
            all!(acc, seen.verdict());
        }
        acc
    }
}
