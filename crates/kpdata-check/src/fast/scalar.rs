//! Keywords on one scalar value or item of the fast path: `enum`/`const`, string and number
//! keywords, `uniqueItems`, and the three-valued connectives.

use serde_json::{Number, Value};

use super::node::{
    delegate, of, FormatOp, Kind, Op, Val, EXACT, T_ARRAY, T_BOOLEAN, T_INTEGER, T_NUMBER, T_STRING,
};
use super::Verdict;

/// `uniqueItems` by JSON equality (numbers by value, `1` equals `1.0`); strings, the usual
/// items, are compared apart (a string never equals a number or a boolean).
#[derive(Default)]
pub(super) struct Unique<'a> {
    /// The first strings, kept on the stack (arrays are short).
    few: [&'a str; 8],
    n_few: usize,
    strings: Vec<&'a str>,
    others: Vec<(u8, f64)>,
    unknown: bool,
}

impl<'a> Unique<'a> {
    pub(super) fn push(&mut self, k: Kind<'a>) {
        match k {
            Kind::Str(s) if self.n_few < self.few.len() && self.strings.is_empty() => {
                self.few[self.n_few] = s;
                self.n_few += 1;
            }
            Kind::Str(s) => {
                if self.strings.is_empty() {
                    self.strings.extend_from_slice(&self.few[..self.n_few]);
                }
                self.strings.push(s)
            }
            Kind::Bool(b) => self.others.push((0, f64::from(u8::from(b)))),
            Kind::Int(i) => self.others.push((1, i as f64)),
            // -0.0 equals 0.0.
            Kind::Num(x) => self.others.push((1, x + 0.0)),
            Kind::Big | Kind::Arr(..) => self.unknown = true,
        }
    }

    pub(super) fn verdict(&mut self) -> Verdict {
        if self.unknown {
            return Verdict::Unknown;
        }
        let few = &mut self.few[..self.n_few];
        if self.strings.is_empty() {
            few.sort_unstable();
            if few.windows(2).any(|w| w[0] == w[1]) {
                return Verdict::Invalid;
            }
        }
        self.strings.sort_unstable();
        self.others
            .sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        of(!self.strings.windows(2).any(|w| w[0] == w[1])
            && !self.others.windows(2).any(|w| w[0] == w[1]))
    }
}

#[inline]
pub(super) fn type_bits(k: Kind<'_>) -> u8 {
    match k {
        Kind::Str(_) => T_STRING,
        Kind::Int(_) | Kind::Big => T_INTEGER | T_NUMBER,
        Kind::Num(x) if x.fract() == 0.0 => T_INTEGER | T_NUMBER,
        Kind::Num(_) => T_NUMBER,
        Kind::Bool(_) => T_BOOLEAN,
        Kind::Arr(..) => T_ARRAY,
    }
}

pub(super) fn any(vs: impl Iterator<Item = Verdict>) -> Verdict {
    let mut out = Verdict::Invalid;
    for v in vs {
        match v {
            Verdict::Valid => return Verdict::Valid,
            Verdict::Unknown => out = Verdict::Unknown,
            Verdict::Invalid => {}
        }
    }
    out
}

pub(super) fn one(vs: impl Iterator<Item = Verdict>) -> Verdict {
    let (mut valid, mut unknown) = (0, false);
    for v in vs {
        match v {
            Verdict::Valid => valid += 1,
            Verdict::Unknown => unknown = true,
            Verdict::Invalid => {}
        }
        if valid > 1 {
            return Verdict::Invalid;
        }
    }
    if unknown {
        Verdict::Unknown
    } else {
        of(valid == 1)
    }
}

pub(super) fn not(v: Verdict) -> Verdict {
    match v {
        Verdict::Valid => Verdict::Invalid,
        Verdict::Invalid => Verdict::Valid,
        Verdict::Unknown => Verdict::Unknown,
    }
}

/// An integer JSON number exactly as f64, when it is below 2^53 in magnitude.
pub(super) fn exact_f64(n: &Number) -> Option<f64> {
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => (i.unsigned_abs() < EXACT).then_some(i as f64),
        (None, Some(u)) => (u < EXACT).then_some(u as f64),
        _ => n.as_f64(),
    }
}

pub(super) fn in_enum(vals: &[Value], k: Kind<'_>) -> Verdict {
    let mut out = Verdict::Invalid;
    for x in vals {
        let hit = match (k, x) {
            (Kind::Str(s), Value::String(e)) => Some(s == e),
            (Kind::Bool(b), Value::Bool(e)) => Some(b == *e),
            (Kind::Int(i), Value::Number(n)) => exact_f64(n).map(|e| i as f64 == e),
            (Kind::Num(f), Value::Number(n)) => exact_f64(n).map(|e| f == e),
            (Kind::Big, Value::Number(_)) | (Kind::Arr(..), Value::Array(_)) => None,
            _ => Some(false),
        };
        match hit {
            Some(true) => return Verdict::Valid,
            Some(false) => {}
            None => out = Verdict::Unknown,
        }
    }
    out
}

pub(super) fn string_op(op: &Op, s: &str) -> Verdict {
    match op {
        Op::MinLength(m) => {
            // A string has between len/4 and len characters: count only when that does not
            // decide.
            let bytes = s.len() as u64;
            of(bytes.div_ceil(4) >= *m || s.chars().count() as u64 >= *m)
        }
        Op::MaxLength(m) => of(s.len() as u64 <= *m || s.chars().count() as u64 <= *m),
        Op::Pattern(p) => of(p.is_match(s)),
        Op::Format(f) => of(format_holds(f, s)),
        _ => Verdict::Valid,
    }
}

pub(super) fn format_holds(f: &FormatOp, s: &str) -> bool {
    match f {
        FormatOp::Exact(f) => f(s),
        FormatOp::Std(f, validator) => {
            f(s).unwrap_or_else(|| validator.is_valid(&Value::String(s.to_string())))
        }
    }
}

pub(super) fn number_op(op: &Op, x: f64, int: Option<i64>, v: &Val<'_>) -> Verdict {
    match op {
        Op::Minimum(m) => of(x >= *m),
        Op::Maximum(m) => of(x <= *m),
        Op::ExclusiveMinimum(m) => of(x > *m),
        Op::ExclusiveMaximum(m) => of(x < *m),
        Op::MultipleOf(m, validator) => match int {
            Some(i) if m.fract() == 0.0 && *m >= 1.0 && *m < EXACT as f64 => {
                of(i % (*m as i64) == 0)
            }
            // A power-of-two divisor (0.5, 0.25): x / m is exact, so its fraction decides, as
            // the exact rational arithmetic of `jsonschema` does. Zero and huge values are
            // left to it.
            _ if is_power_of_two(*m) && x != 0.0 && x.abs() < EXACT as f64 => {
                of(x.abs() >= *m && (x / m).fract() == 0.0)
            }
            _ => delegate(validator, v),
        },
        _ => Verdict::Valid,
    }
}

/// A positive normal power of two (its mantissa bits are all zero).
pub(super) fn is_power_of_two(m: f64) -> bool {
    m.is_normal() && m > 0.0 && m.to_bits() & ((1 << 52) - 1) == 0
}
