//! Two JSON Schemas of one dataset compared keyword by keyword, at the same JSON pointer.
//! Each difference says whether it lets through values that were rejected before
//! ([`Effect::Loosens`]), rejects values that passed ([`Effect::Tightens`]) or cannot be
//! judged in general ([`Effect::Changes`]). Under `not` the sense flips.

use serde_json::{Map, Value};

use super::{pattern, Effect, RuleChange};

/// Keywords that only document: a change is not a rule change.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "$comment",
    "examples",
    "default",
    "$schema",
    "$id",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Lower bounds: lowering or removing one loosens.
const LOWER: &[&str] = &[
    "minimum",
    "exclusiveMinimum",
    "minLength",
    "minItems",
    "minProperties",
    "minContains",
];
/// Upper bounds: raising or removing one loosens.
const UPPER: &[&str] = &[
    "maximum",
    "exclusiveMaximum",
    "maxLength",
    "maxItems",
    "maxProperties",
    "maxContains",
];
/// Keywords holding one subschema (compared in place, same sense).
const SUBSCHEMA: &[&str] = &[
    "items",
    "contains",
    "propertyNames",
    "additionalItems",
    "unevaluatedItems",
    "unevaluatedProperties",
    "then",
    "else",
];
/// Keywords holding a map of named subschemas.
const NAMED: &[&str] = &[
    "$defs",
    "definitions",
    "dependentSchemas",
    "patternProperties",
];

/// Where a schema change is reported.
pub(super) struct Ctx<'a> {
    pub file: &'a str,
    pub dataset: &'a str,
    pub out: &'a mut Vec<RuleChange>,
}

impl Ctx<'_> {
    fn push(&mut self, pointer: &str, effect: Effect, flip: bool, what: String) {
        let effect = if flip { effect.flipped() } else { effect };
        self.out.push(RuleChange {
            file: self.file.to_string(),
            dataset: Some(self.dataset.to_string()),
            pointer: pointer.to_string(),
            effect,
            what,
            at: None,
        });
    }
}

fn esc(token: &str) -> String {
    kpdata_base::pointer::escape_token(token)
}

/// A JSON value in a message, short.
fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(80).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// The field a pointer is about (`/properties/name/...` → `name`).
fn field_of(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/properties/")?;
    let tok = rest.split('/').next()?;
    Some(kpdata_base::pointer::unescape_token(tok))
}

fn at(pointer: &str) -> String {
    match field_of(pointer) {
        Some(f) => format!("field `{f}`: "),
        None => String::new(),
    }
}

/// Compares the schemas `old` and `new` found at `pointer`.
pub(super) fn compare(ctx: &mut Ctx, old: &Value, new: &Value, pointer: &str, flip: bool) {
    if old == new {
        return;
    }
    let p = at(pointer);
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => compare_objects(ctx, o, n, pointer, flip),
        (Value::Bool(false), _) | (_, Value::Bool(true)) => ctx.push(
            pointer,
            Effect::Loosens,
            flip,
            format!("{p}schema `{}` became `{}`", show(old), show(new)),
        ),
        (Value::Bool(true), _) | (_, Value::Bool(false)) => ctx.push(
            pointer,
            Effect::Tightens,
            flip,
            format!("{p}schema `{}` became `{}`", show(old), show(new)),
        ),
        _ => ctx.push(
            pointer,
            Effect::Changes,
            flip,
            format!("{p}schema `{}` became `{}`", show(old), show(new)),
        ),
    }
}

fn types(v: &Value) -> Vec<String> {
    let mut t: Vec<String> = match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    };
    // `number` includes `integer`.
    if t.iter().any(|x| x == "number") && !t.iter().any(|x| x == "integer") {
        t.push("integer".into());
    }
    t.sort();
    t.dedup();
    t
}

fn compare_objects(
    ctx: &mut Ctx,
    o: &Map<String, Value>,
    n: &Map<String, Value>,
    pointer: &str,
    flip: bool,
) {
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let (ov, nv) = (o.get(key), n.get(key));
        if ov == nv || ANNOTATIONS.contains(&key.as_str()) {
            continue;
        }
        compare_keyword(ctx, key, ov, nv, n, pointer, flip);
    }
}

/// One keyword of a schema object that differs between the old (`ov`) and the new (`nv`)
/// schema; `n` is the whole new object (for `properties`).
fn compare_keyword(
    ctx: &mut Ctx,
    key: &str,
    ov: Option<&Value>,
    nv: Option<&Value>,
    n: &Map<String, Value>,
    pointer: &str,
    flip: bool,
) {
    let p = at(pointer);
    let here = format!("{pointer}/{}", esc(key));
    let k = key;
    match (k, ov, nv) {
        ("properties", _, _) => {
            let empty = Map::new();
            let om = ov.and_then(Value::as_object).unwrap_or(&empty);
            let nm = nv.and_then(Value::as_object).unwrap_or(&empty);
            properties(ctx, om, nm, n, pointer, flip);
        }
        ("required", _, _) | ("dependentRequired", _, _) => {
            names_delta(ctx, k, ov, nv, &here, flip);
        }
        ("type", Some(a), Some(b)) => {
            let (ta, tb) = (types(a), types(b));
            let added = tb.iter().any(|t| !ta.contains(t));
            let removed = ta.iter().any(|t| !tb.contains(t));
            let effect = Effect::of(added, removed);
            ctx.push(
                &here,
                effect,
                flip,
                format!("{p}type `{}` became `{}`", show(a), show(b)),
            );
        }
        ("enum", Some(Value::Array(a)), Some(Value::Array(b))) => {
            for v in b.iter().filter(|v| !a.contains(v)) {
                ctx.push(
                    &here,
                    Effect::Loosens,
                    flip,
                    format!("{p}enum value `{}` added", show(v)),
                );
            }
            for v in a.iter().filter(|v| !b.contains(v)) {
                ctx.push(
                    &here,
                    Effect::Tightens,
                    flip,
                    format!("{p}enum value `{}` removed", show(v)),
                );
            }
        }
        ("pattern", Some(Value::String(a)), Some(Value::String(b))) => {
            pattern_changed(ctx, a, b, &here, flip);
        }
        ("additionalProperties", Some(Value::Bool(false)), None) => ctx.push(
            &here,
            Effect::Loosens,
            flip,
            format!("{p}`additionalProperties: false` removed: fields the schema does not name are accepted"),
        ),
        ("uniqueItems", Some(Value::Bool(true)), _) => ctx.push(
            &here,
            Effect::Loosens,
            flip,
            format!("{p}`uniqueItems` dropped: repeated items are accepted"),
        ),
        ("uniqueItems", _, Some(Value::Bool(true))) => ctx.push(
            &here,
            Effect::Tightens,
            flip,
            format!("{p}`uniqueItems` added"),
        ),
        ("allOf", Some(Value::Array(a)), Some(Value::Array(b)))
        | ("anyOf", Some(Value::Array(a)), Some(Value::Array(b))) => {
            branches_changed(ctx, (k, &p), a, b, &here, flip);
        }
        ("not", Some(a), Some(b)) => compare(ctx, a, b, &here, !flip),
        (_, Some(a), Some(b)) if SUBSCHEMA.contains(&k) || k == "additionalProperties" => {
            compare(ctx, a, b, &here, flip)
        }
        (_, Some(Value::Object(a)), Some(Value::Object(b))) if NAMED.contains(&k) => {
            named_changed(ctx, (k, &p), a, b, &here, flip);
        }
        (_, Some(a), Some(b)) if LOWER.contains(&k) || UPPER.contains(&k) => {
            let effect = match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) if (y < x) == LOWER.contains(&k) => Effect::Loosens,
                (Some(_), Some(_)) => Effect::Tightens,
                _ => Effect::Changes,
            };
            let verb = if effect == Effect::Loosens { "relaxed" } else { "changed" };
            ctx.push(
                &here,
                effect,
                flip,
                format!("{p}`{k}` {verb}: `{}` → `{}`", show(a), show(b)),
            );
        }
        ("x-kind", a, b) => {
            let strict = |v: Option<&Value>| {
                matches!(v.and_then(Value::as_str), Some("id") | Some("name"))
            };
            let effect = Effect::of(strict(a) && !strict(b), !strict(a) && strict(b));
            ctx.push(
                &here,
                effect,
                flip,
                format!("{p}`x-kind` `{}` → `{}`", opt(a), opt(b)),
            );
        }
        (_, a, b) => other_changed(ctx, (k, &p), a, b, &here, flip),
    }
}

/// `allOf` / `anyOf`: branch by branch, then branches added or removed.
/// `p`: the field prefix of messages.
fn branches_changed(
    ctx: &mut Ctx,
    (k, p): (&str, &str),
    a: &[Value],
    b: &[Value],
    here: &str,
    flip: bool,
) {
    let common = a.len().min(b.len());
    for i in 0..common {
        compare(ctx, &a[i], &b[i], &format!("{here}/{i}"), flip);
    }
    // More allOf branches: stricter; more anyOf branches: looser.
    let more = if k == "allOf" {
        Effect::Tightens
    } else {
        Effect::Loosens
    };
    if b.len() > common {
        ctx.push(here, more, flip, format!("{p}`{k}` branch added"));
    }
    if a.len() > common {
        ctx.push(
            here,
            more.flipped(),
            flip,
            format!("{p}`{k}` branch removed"),
        );
    }
}

/// A keyword of named subschemas (`$defs`, `patternProperties`...), entry by entry.
fn named_changed(
    ctx: &mut Ctx,
    (k, p): (&str, &str),
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    here: &str,
    flip: bool,
) {
    let defs = k == "$defs" || k == "definitions";
    let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let sub = format!("{here}/{}", esc(name));
        match (a.get(name), b.get(name)) {
            (Some(x), Some(y)) => compare(ctx, x, y, &sub, flip),
            (Some(_), None) => ctx.push(
                &sub,
                if defs {
                    Effect::Changes
                } else {
                    Effect::Loosens
                },
                flip,
                format!("{p}`{k}` entry `{name}` removed"),
            ),
            _ => ctx.push(
                &sub,
                if defs {
                    Effect::Changes
                } else {
                    Effect::Tightens
                },
                flip,
                format!("{p}`{k}` entry `{name}` added"),
            ),
        }
    }
}

/// Any other keyword dropped, added or changed.
fn other_changed(
    ctx: &mut Ctx,
    (k, p): (&str, &str),
    a: Option<&Value>,
    b: Option<&Value>,
    here: &str,
    flip: bool,
) {
    match (a, b) {
        (Some(a), None) => {
            // A constraint dropped. `x-separator` and `$ref` changes are only listed.
            let effect = if k == "x-separator" || k == "if" {
                Effect::Changes
            } else {
                Effect::Loosens
            };
            ctx.push(
                here,
                effect,
                flip,
                format!("{p}`{k}` removed (was `{}`)", show(a)),
            );
        }
        (None, Some(b)) => {
            let effect = if k == "x-separator" || k == "if" {
                Effect::Changes
            } else {
                Effect::Tightens
            };
            ctx.push(here, effect, flip, format!("{p}`{k}` added: `{}`", show(b)));
        }
        (Some(a), Some(b)) => {
            // format, const, $ref, if, multipleOf, oneOf, x-*: another constraint, not
            // comparable in general.
            let effect = if k == "format" || k == "const" || k == "$ref" || k == "oneOf" {
                Effect::Loosens
            } else {
                Effect::Changes
            };
            ctx.push(
                here,
                effect,
                flip,
                format!("{p}`{k}` changed: `{}` → `{}`", show(a), show(b)),
            );
        }
        (None, None) => {}
    }
}

fn opt(v: Option<&Value>) -> String {
    v.map(show).unwrap_or_else(|| "none".into())
}

fn properties(
    ctx: &mut Ctx,
    o: &Map<String, Value>,
    n: &Map<String, Value>,
    new_schema: &Map<String, Value>,
    pointer: &str,
    flip: bool,
) {
    let closed = new_schema.get("additionalProperties") == Some(&Value::Bool(false));
    let mut names: Vec<&String> = o.keys().chain(n.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let here = format!("{pointer}/properties/{}", esc(name));
        match (o.get(name), n.get(name)) {
            (Some(a), Some(b)) => compare(ctx, a, b, &here, flip),
            (Some(_), None) if closed => ctx.push(
                &here,
                Effect::Tightens,
                flip,
                format!("field `{name}` removed: the closed schema rejects it"),
            ),
            (Some(_), None) => ctx.push(
                &here,
                Effect::Loosens,
                flip,
                format!("field `{name}` removed from the schema: its values are no longer checked"),
            ),
            (None, Some(_)) if closed => ctx.push(
                &here,
                Effect::Changes,
                flip,
                format!("field `{name}` added"),
            ),
            (None, Some(_)) => ctx.push(
                &here,
                Effect::Tightens,
                flip,
                format!("field `{name}` now has a schema"),
            ),
            (None, None) => {}
        }
    }
}

/// `required` (a list) or `dependentRequired` (a map of lists): names dropped loosen.
fn names_delta(
    ctx: &mut Ctx,
    key: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    here: &str,
    flip: bool,
) {
    let list = |v: Option<&Value>| -> Vec<(String, String)> {
        match v {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(|s| (String::new(), s.to_string())))
                .collect(),
            Some(Value::Object(m)) => m
                .iter()
                .flat_map(|(k, v)| {
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|x| x.as_str().map(|s| (k.clone(), s.to_string())))
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    let (a, b) = (list(old), list(new));
    let label = |(when, name): &(String, String)| {
        if when.is_empty() {
            format!("field `{name}`")
        } else {
            format!("field `{name}` (when `{when}` is present)")
        }
    };
    for x in a.iter().filter(|x| !b.contains(x)) {
        ctx.push(
            here,
            Effect::Loosens,
            flip,
            format!("{} is no longer required ({key})", label(x)),
        );
    }
    for x in b.iter().filter(|x| !a.contains(x)) {
        ctx.push(
            here,
            Effect::Tightens,
            flip,
            format!("{} is now required ({key})", label(x)),
        );
    }
}

fn pattern_changed(ctx: &mut Ctx, old: &str, new: &str, here: &str, flip: bool) {
    let p = at(here);
    let shown = format!("`{old}` → `{new}`");
    match pattern::compare(old, new) {
        None => ctx.push(
            here,
            Effect::Loosens,
            flip,
            format!(
                "{p}pattern changed ({shown}); kpdata could not prove it accepts no new values"
            ),
        ),
        Some(d) => {
            let example = |w: &Option<String>| match w {
                Some(s) if s.is_empty() => " (e.g. the empty value)".to_string(),
                Some(s) => format!(" (e.g. `{s}`)"),
                None => String::new(),
            };
            if let Some(w) = &d.widened {
                ctx.push(
                    here,
                    Effect::Loosens,
                    flip,
                    format!(
                        "{p}pattern widened {shown}: accepts values it rejected{}",
                        example(w)
                    ),
                );
            }
            if let Some(w) = &d.narrowed {
                ctx.push(
                    here,
                    Effect::Tightens,
                    flip,
                    format!(
                        "{p}pattern narrowed {shown}: rejects values it accepted{}",
                        example(w)
                    ),
                );
            }
            if d.widened.is_none() && d.narrowed.is_none() {
                ctx.push(
                    here,
                    Effect::Changes,
                    flip,
                    format!("{p}pattern rewritten {shown}: it accepts exactly the same values"),
                );
            }
        }
    }
}
