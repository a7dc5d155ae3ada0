//! How a CSV cell becomes a typed JSON value, according to the schema's `type`.
//!
//! - An empty cell is an absent value (the property is left out of the record).
//! - `integer`: optional `-`, ASCII digits, fitting in 64 bits (`+1`, `01.0`, `1e3` are not
//!   integers).
//! - `number`: a JSON number literal (no `NaN`, `inf`, `+1` or `.5`).
//! - `boolean`: `true` or `false` exactly.
//! - `array`: the cell split on the declared separator; each item typed by `items`.
//!
//! A cell that does not parse as its type is kept as a string, so the schema validator reports
//! the `type` error at the right pointer with the schema's own words.

use kpdata_package::FieldType;
use serde_json::{Number, Value};

/// Types one non-empty cell.
pub fn typed_value(ty: &FieldType, cell: &str) -> Value {
    match ty {
        FieldType::String | FieldType::Any => Value::String(cell.to_string()),
        FieldType::Integer => parse_integer(cell)
            .map(Value::from)
            .unwrap_or_else(|| Value::String(cell.to_string())),
        FieldType::Number => parse_number(cell)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(cell.to_string())),
        FieldType::Boolean => match cell {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(cell.to_string()),
        },
        FieldType::Array { separator, item } => Value::Array(
            split_array(cell, separator)
                .map(|part| typed_value(item, part))
                .collect(),
        ),
    }
}

/// Why a cell of a numeric field is not published as the value it writes, or `None`. A
/// release stores an `integer` as a 64-bit signed integer and a `number` as a double: an
/// integer outside that range, or a decimal whose nearest double is another decimal (`1e-400`
/// is 0, `9007199254740993` is `9007199254740992`, `0.30000000000000001` is 0.3), would be
/// published changed. Cells that do not parse as their type are left to the `type` check;
/// array items are judged one by one.
pub fn unpublishable_number(ty: &FieldType, cell: &str) -> Option<String> {
    match ty {
        FieldType::Integer => parse_integer(cell).filter(|n| !n.is_i64()).map(|_| {
            format!(
                "the integer {} is outside the 64-bit signed range (-9223372036854775808 to 9223372036854775807) that a release publishes",
                kpdata_diagnostics::escape_value(cell, 40)
            )
        }),
        FieldType::Number => {
            parse_number(cell)?;
            if short_decimal(cell) {
                return None;
            }
            exact_double(cell)
        }
        FieldType::Array { separator, item } => split_array(cell, separator)
            .filter(|part| !part.is_empty())
            .find_map(|part| unpublishable_number(item, part)),
        _ => None,
    }
}

/// Whether a number literal has at most 15 significant digits and a magnitude well inside the
/// normal doubles (1e-300 to 1e300): such a decimal is the shortest text of its nearest double
/// (IEEE 754 doubles keep 15 decimal digits), so it is published unchanged without formatting
/// it. Almost every cell of a real dataset is one. No allocation.
fn short_decimal(cell: &str) -> bool {
    let t = cell.strip_prefix('-').unwrap_or(cell);
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], &t[i + 1..]),
        None => (t, ""),
    };
    let exp_digits = exp.trim_start_matches(['+', '-']);
    if exp_digits.len() > 3 {
        return false;
    }
    let mut e: i64 = exp_digits
        .bytes()
        .fold(0, |v, c| v * 10 + i64::from(c - b'0'));
    if exp.starts_with('-') {
        e = -e;
    }
    // Significant digits: from the first non-zero digit to the last; and the position of the
    // first non-zero digit relative to the decimal point.
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = int.bytes().chain(frac.bytes());
    let (mut first, mut last, mut at) = (None, 0usize, 0usize);
    for c in digits {
        if c != b'0' {
            first.get_or_insert(at);
            last = at;
        }
        at += 1;
    }
    let Some(first) = first else {
        return true; // zero
    };
    let point = int.len() as i64 - first as i64 + e;
    last - first < 15 && (-300..=300).contains(&point)
}

/// The slow judgement of [`unpublishable_number`] for a number literal: format its double and
/// compare the digits.
fn exact_double(cell: &str) -> Option<String> {
    let f: f64 = cell.parse().ok()?;
    let (neg, digits, point) = crate::json::decimal_key(cell);
    let published = crate::json::decimal_key(&format!("{f:e}"));
    let same = published.1 == digits
        && (digits.is_empty() || (published.0 == neg && published.2 == point));
    (!same).then(|| {
        format!(
            "the number {} has no exact double; a release would publish it as {f:e}",
            kpdata_diagnostics::escape_value(cell, 40)
        )
    })
}

/// Splits an array cell on its separator. Items are not trimmed: `a; b` has the item ` b`,
/// which the schema's pattern or the text rules then report.
/// A one-character separator (the usual `;`) is split on as a `char`, which is several
/// times faster than a substring search.
pub fn split_array<'a>(cell: &'a str, separator: &'a str) -> SplitArray<'a> {
    let mut chars = separator.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => SplitArray::Char(cell.split(c)),
        _ => SplitArray::Str(cell.split(separator)),
    }
}

/// The items of an array cell (see [`split_array`]).
pub enum SplitArray<'a> {
    Char(std::str::Split<'a, char>),
    Str(std::str::Split<'a, &'a str>),
}

impl<'a> Iterator for SplitArray<'a> {
    type Item = &'a str;
    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        match self {
            SplitArray::Char(s) => s.next(),
            SplitArray::Str(s) => s.next(),
        }
    }
}

/// Strict integer parse: optional leading `-`, digits only, within i64 (or u64 when positive).
pub fn parse_integer(s: &str) -> Option<Number> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(Number::from(i));
    }
    s.parse::<u64>().ok().map(Number::from)
}

/// Strict JSON-number parse (the grammar of RFC 8259 section 6), finite only.
pub fn parse_number(s: &str) -> Option<Number> {
    if !is_json_number(s) {
        return None;
    }
    if let Some(n) = parse_integer(s) {
        return Some(n);
    }
    let f: f64 = s.parse().ok()?;
    Number::from_f64(f)
}

fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_len = i - int_start;
    if int_len == 0 || (int_len > 1 && b[int_start] == b'0') {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_strict() {
        assert_eq!(typed_value(&FieldType::Integer, "42"), Value::from(42));
        assert_eq!(typed_value(&FieldType::Integer, "-7"), Value::from(-7));
        for bad in ["+1", "1.0", "1e3", " 1", "", "-", "12O0"] {
            assert_eq!(
                typed_value(&FieldType::Integer, bad),
                Value::String(bad.into()),
                "{bad}"
            );
        }
        assert_eq!(
            typed_value(&FieldType::Integer, "18446744073709551615"),
            Value::from(u64::MAX)
        );
    }

    #[test]
    fn numbers_follow_json_grammar() {
        assert_eq!(
            typed_value(&FieldType::Number, "1.5"),
            serde_json::json!(1.5)
        );
        assert_eq!(
            typed_value(&FieldType::Number, "-0.5e3"),
            serde_json::json!(-500.0)
        );
        for bad in ["NaN", "inf", ".5", "1.", "01", "+1", "1e"] {
            assert_eq!(
                typed_value(&FieldType::Number, bad),
                Value::String(bad.into()),
                "{bad}"
            );
        }
    }

    #[test]
    fn numbers_a_release_cannot_publish_unchanged() {
        let int = FieldType::Integer;
        let num = FieldType::Number;
        for ok in [
            "0",
            "-9223372036854775808",
            "9223372036854775807",
            "x",
            "1.5",
        ] {
            assert_eq!(unpublishable_number(&int, ok), None, "{ok}");
        }
        assert!(unpublishable_number(&int, "9223372036854775808").is_some());
        for ok in [
            "0", "-0", "1.5", "1.50", "0.1", "1e300", "-2.5e-3", "10e-1", "5e-324", "x",
        ] {
            assert_eq!(unpublishable_number(&num, ok), None, "{ok}");
        }
        for bad in [
            "1e-400",
            "9007199254740993",
            "0.30000000000000001",
            "2e-324",
        ] {
            assert!(unpublishable_number(&num, bad).is_some(), "{bad}");
        }
        let arr = FieldType::Array {
            separator: ";".into(),
            item: Box::new(FieldType::Number),
        };
        assert!(unpublishable_number(&arr, "1;1e-400").is_some());
        assert_eq!(unpublishable_number(&arr, "1;;2"), None);
    }

    proptest::proptest! {
        /// The no-formatting path never says "publishable" where formatting the double would
        /// say otherwise.
        #[test]
        fn short_decimals_agree_with_formatting(
            neg in proptest::bool::ANY,
            int in "(0|[1-9][0-9]{0,17})",
            frac in proptest::option::of("[0-9]{1,18}"),
            exp in proptest::option::of(-330i64..330),
        ) {
            let mut cell = format!("{}{int}", if neg { "-" } else { "" });
            if let Some(f) = &frac {
                cell.push('.');
                cell.push_str(f);
            }
            if let Some(e) = exp {
                cell.push_str(&format!("e{e}"));
            }
            proptest::prop_assume!(parse_number(&cell).is_some());
            if short_decimal(&cell) {
                proptest::prop_assert_eq!(exact_double(&cell), None, "{}", cell);
            }
        }
    }

    #[test]
    fn short_decimals_skip_formatting_only_when_exact() {
        for short in [
            "0",
            "-0.0",
            "1.5",
            "123456789012345",
            "1.23456789012345e299",
            "0.000e-999",
        ] {
            assert!(short_decimal(short), "{short}");
        }
        for long in [
            "1234567890123456",
            "0.30000000000000001",
            "1e301",
            "1e-302",
            "1e1000",
        ] {
            assert!(!short_decimal(long), "{long}");
        }
    }

    #[test]
    fn booleans_and_arrays() {
        assert_eq!(typed_value(&FieldType::Boolean, "true"), Value::Bool(true));
        assert_eq!(
            typed_value(&FieldType::Boolean, "TRUE"),
            Value::String("TRUE".into())
        );
        let arr = FieldType::Array {
            separator: ";".into(),
            item: Box::new(FieldType::Integer),
        };
        assert_eq!(typed_value(&arr, "1;2;x"), serde_json::json!([1, 2, "x"]));
    }
}
