//! The order of records by primary key: the order a release publishes them in and the order a
//! dataset declared `sorted = true` keeps in its file.
//!
//! Key fields are compared one after the other; within a field, an empty cell (a null) comes
//! first, integer and number fields compare by value (`9` before `10`), and everything else
//! compares by Unicode code point (the byte order of UTF-8: `Z` before `a`, `des-10` before
//! `des-9`). A cell that does not parse as its field's number type compares as text.

use std::cmp::Ordering;

use crate::FieldType;

/// How one key field compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrder {
    Integer,
    Number,
    Text,
}

impl KeyOrder {
    /// The order of a field of type `ty` (lists and strings compare as text).
    pub fn of(ty: &FieldType) -> KeyOrder {
        match ty {
            FieldType::Integer => KeyOrder::Integer,
            FieldType::Number => KeyOrder::Number,
            _ => KeyOrder::Text,
        }
    }

    /// Two cells of this field; `None` or an empty string is a null, first.
    pub fn compare(self, a: Option<&str>, b: Option<&str>) -> Ordering {
        let a = a.filter(|s| !s.is_empty());
        let b = b.filter(|s| !s.is_empty());
        match (a, b) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(a), Some(b)) => {
                let typed = match self {
                    KeyOrder::Integer => match (a.parse::<i64>(), b.parse::<i64>()) {
                        (Ok(x), Ok(y)) => Some(x.cmp(&y)),
                        _ => None,
                    },
                    KeyOrder::Number => match (a.parse::<f64>(), b.parse::<f64>()) {
                        (Ok(x), Ok(y)) => Some(x.total_cmp(&y)),
                        _ => None,
                    },
                    KeyOrder::Text => None,
                };
                typed.unwrap_or_else(|| a.cmp(b))
            }
        }
    }
}

/// Two keys (the cells of the key fields, in key order), field by field.
pub fn compare_keys(orders: &[KeyOrder], a: &[Option<&str>], b: &[Option<&str>]) -> Ordering {
    for (i, o) in orders.iter().enumerate() {
        let c = o.compare(a.get(i).copied().flatten(), b.get(i).copied().flatten());
        if c != Ordering::Equal {
            return c;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_first_numbers_by_value_text_by_code_point() {
        let t = KeyOrder::Text;
        assert_eq!(t.compare(None, Some("a")), Ordering::Less);
        assert_eq!(t.compare(Some(""), Some("a")), Ordering::Less);
        assert_eq!(t.compare(Some(""), None), Ordering::Equal);
        assert_eq!(t.compare(Some("des-10"), Some("des-9")), Ordering::Less);
        assert_eq!(t.compare(Some("Z"), Some("a")), Ordering::Less);
        assert_eq!(t.compare(Some("é"), Some("z")), Ordering::Greater);
        let i = KeyOrder::Integer;
        assert_eq!(i.compare(Some("9"), Some("10")), Ordering::Less);
        assert_eq!(i.compare(Some("-1"), Some("0")), Ordering::Less);
        assert_eq!(i.compare(Some("x"), Some("10")), Ordering::Greater);
        let n = KeyOrder::Number;
        assert_eq!(n.compare(Some("2.5"), Some("10")), Ordering::Less);
    }

    #[test]
    fn composite_keys_compare_field_by_field() {
        let o = [KeyOrder::Text, KeyOrder::Integer];
        assert_eq!(
            compare_keys(&o, &[Some("a"), Some("10")], &[Some("a"), Some("9")]),
            Ordering::Greater
        );
        assert_eq!(
            compare_keys(&o, &[Some("a"), Some("10")], &[Some("b"), Some("1")]),
            Ordering::Less
        );
        assert_eq!(
            compare_keys(&o, &[Some("a"), None], &[Some("a"), None]),
            Ordering::Equal
        );
    }
}
