//! What changed inside one value: the word spans of a changed text ([`Delta::Words`]) and the
//! items added to and removed from a list field ([`Delta::List`], any field with an
//! `x-separator` in its schema).
//!
//! Words are the Unicode word boundaries of UAX #29 (`unicode-segmentation`): runs of letters
//! or digits, each punctuation mark, each run of whitespace. A boundary never falls inside a
//! character or a grapheme cluster (a Hangul syllable, decomposed or not, stays whole). The
//! diff itself is `similar`'s Myers diff over those tokens, after the common leading and
//! trailing tokens are set aside; a middle part too long to diff in bounded time (more than
//! [`MAX_DIFF_TOKENS`] tokens on both sides together) is one removed and one added span, so
//! the result is the same on every machine and never depends on a clock.

use serde::Serialize;
use similar::{capture_diff_slices, Algorithm, DiffTag};
use unicode_segmentation::UnicodeSegmentation;

/// Above this many differing tokens (old and new together), the middle is not diffed word by
/// word: Myers' diff costs up to (old + new) × differences steps, and a hostile pull request
/// could otherwise make every changed value cost seconds.
pub const MAX_DIFF_TOKENS: usize = 1000;

/// How a changed value changed. Serialized with a `kind` tag: `{"kind": "words", "spans": [..]}`
/// or `{"kind": "list", "separator", "removed": [..], "added": [..], "kept"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Delta {
    /// A text value: old and new as one sequence of spans, in order. The old value is the
    /// `equal` and `removed` spans joined; the new value the `equal` and `added` spans.
    Words { spans: Vec<Span> },
    /// A list value: the items of the old list that are not in the new one (in old order) and
    /// the items of the new list that are not in the old one (in new order), counted with
    /// multiplicity; `kept` items are in both. Nothing added or removed: only the order changed.
    List {
        separator: String,
        removed: Vec<String>,
        added: Vec<String>,
        kept: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub op: SpanOp,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanOp {
    Equal,
    Removed,
    Added,
}

impl Delta {
    /// The word spans from `old` to `new`.
    pub fn words(old: &str, new: &str) -> Delta {
        Delta::Words {
            spans: word_spans(old, new),
        }
    }

    /// The list delta from `old` to `new` (an empty cell is an empty list). Items are compared
    /// exactly as written: ` b` and `b` are different items.
    pub fn list(old: Option<&str>, new: Option<&str>, separator: &str) -> Delta {
        let items = |v: Option<&str>| -> Vec<String> {
            v.map(|v| {
                kpdata_read::typing::split_array(v, separator)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
        };
        let (old, new) = (items(old), items(new));
        let mut left: Vec<Option<&String>> = new.iter().map(Some).collect();
        let mut removed = Vec::new();
        let mut kept = 0;
        for item in &old {
            match left.iter_mut().find(|x| **x == Some(item)) {
                Some(slot) => {
                    *slot = None;
                    kept += 1;
                }
                None => removed.push(item.clone()),
            }
        }
        Delta::List {
            separator: separator.to_string(),
            removed,
            added: left.into_iter().flatten().cloned().collect(),
            kept,
        }
    }
}

/// The spans from `old` to `new`: equal, removed and added runs of words, adjacent runs of the
/// same kind merged, removed before added where both replace the same place.
pub fn word_spans(old: &str, new: &str) -> Vec<Span> {
    let a: Vec<&str> = old.split_word_bounds().collect();
    let b: Vec<&str> = new.split_word_bounds().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut out = Vec::new();
    push(&mut out, SpanOp::Equal, &a[..prefix]);
    if am.is_empty() || bm.is_empty() || am.len() + bm.len() > MAX_DIFF_TOKENS {
        push(&mut out, SpanOp::Removed, am);
        push(&mut out, SpanOp::Added, bm);
    } else {
        for op in capture_diff_slices(Algorithm::Myers, am, bm) {
            let (tag, ra, rb) = op.as_tag_tuple();
            match tag {
                DiffTag::Equal => push(&mut out, SpanOp::Equal, &am[ra]),
                DiffTag::Delete => push(&mut out, SpanOp::Removed, &am[ra]),
                DiffTag::Insert => push(&mut out, SpanOp::Added, &bm[rb]),
                DiffTag::Replace => {
                    push(&mut out, SpanOp::Removed, &am[ra]);
                    push(&mut out, SpanOp::Added, &bm[rb]);
                }
            }
        }
    }
    push(&mut out, SpanOp::Equal, &a[a.len() - suffix..]);
    tidy(out)
}

fn push(out: &mut Vec<Span>, op: SpanOp, tokens: &[&str]) {
    if tokens.is_empty() {
        return;
    }
    let text: String = tokens.concat();
    match out.last_mut() {
        Some(last) if last.op == op => last.text.push_str(&text),
        _ => out.push(Span { op, text }),
    }
}

/// Merges runs so that one change reads as one removed span then one added span: whitespace
/// alone between two replacements (both removing and adding) joins them, so `quick brown` →
/// `slow red` is one change, not two; a pure insertion or deletion is never joined.
fn tidy(spans: Vec<Span>) -> Vec<Span> {
    // Each change group (the non-equal spans between two equal ones): does it remove and add?
    let replaces = |from: usize| {
        let group = spans[from..].iter().take_while(|s| s.op != SpanOp::Equal);
        let (mut r, mut a) = (false, false);
        for s in group {
            r |= s.op == SpanOp::Removed;
            a |= s.op == SpanOp::Added;
        }
        r && a
    };
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    let (mut removed, mut added) = (String::new(), String::new());
    let mut group_start = None;
    for (i, s) in spans.iter().enumerate() {
        match s.op {
            SpanOp::Removed | SpanOp::Added => {
                group_start.get_or_insert(i);
                let side = if s.op == SpanOp::Removed {
                    &mut removed
                } else {
                    &mut added
                };
                side.push_str(&s.text);
            }
            SpanOp::Equal => {
                let bridge = group_start.is_some_and(&replaces)
                    && i + 1 < spans.len()
                    && replaces(i + 1)
                    && s.text.chars().all(char::is_whitespace);
                if bridge {
                    removed.push_str(&s.text);
                    added.push_str(&s.text);
                    group_start = Some(i + 1);
                } else {
                    flush(&mut out, &mut removed, &mut added);
                    group_start = None;
                    out.push(s.clone());
                }
            }
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

fn flush(out: &mut Vec<Span>, removed: &mut String, added: &mut String) {
    for (op, text) in [(SpanOp::Removed, removed), (SpanOp::Added, added)] {
        if !text.is_empty() {
            out.push(Span {
                op,
                text: std::mem::take(text),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(spans: &[Span], keep: SpanOp) -> String {
        spans
            .iter()
            .filter(|s| s.op == SpanOp::Equal || s.op == keep)
            .map(|s| s.text.as_str())
            .collect()
    }

    fn show(spans: &[Span]) -> String {
        spans
            .iter()
            .map(|s| match s.op {
                SpanOp::Equal => s.text.clone(),
                SpanOp::Removed => format!("[-{}-]", s.text),
                SpanOp::Added => format!("{{+{}+}}", s.text),
            })
            .collect()
    }

    #[test]
    fn one_word_in_the_middle() {
        let s = word_spans(
            "sections 510.201 and 510.210; Transactions",
            "sections 510.201 and 510.211; Transactions",
        );
        assert_eq!(
            show(&s),
            "sections 510.201 and [-510.210-]{+510.211+}; Transactions"
        );
    }

    #[test]
    fn spans_rebuild_both_sides() {
        let cases = [
            ("", "new text"),
            ("old text", ""),
            ("a b c d e", "a x c y e"),
            ("the quick brown fox", "the slow brown dog jumps"),
            ("김정은 위원장", "김정은 국무위원장"),
            ("a  b", "a b"),
        ];
        for (old, new) in cases {
            let s = word_spans(old, new);
            assert_eq!(join(&s, SpanOp::Removed), old, "{s:?}");
            assert_eq!(join(&s, SpanOp::Added), new, "{s:?}");
            for w in s.windows(2) {
                assert_ne!(w[0].op, w[1].op, "{s:?}");
            }
        }
    }

    #[test]
    fn two_words_replaced_together_read_as_one_change() {
        let s = word_spans("the quick brown fox", "the slow red fox");
        assert_eq!(show(&s), "the [-quick brown-]{+slow red+} fox");
    }

    #[test]
    fn hangul_is_never_split() {
        let s = word_spans(
            "조선민주주의인민공화국 국방위원회",
            "조선민주주의인민공화국 국무위원회",
        );
        assert_eq!(
            show(&s),
            "조선민주주의인민공화국 [-국방위원회-]{+국무위원회+}"
        );
        // Decomposed jamo stay with their syllable.
        let nfd = "\u{1100}\u{1161}\u{11A8}";
        let s = word_spans(&format!("a {nfd}"), "a b");
        assert_eq!(s[1].text, nfd);
    }

    #[test]
    fn long_middles_are_one_change() {
        let old: String = (0..5000).map(|i| format!("w{i} ")).collect();
        let new: String = (0..5000).map(|i| format!("v{i} ")).collect();
        let s = word_spans(&format!("start {old}end"), &format!("start {new}end"));
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].text, "start ");
        assert_eq!(s[3].text, " end");
    }

    #[test]
    fn short_middles_are_diffed_long_ones_are_not() {
        // 499 words each side (998 tokens with the spaces, under the bound): word by word.
        let old: String = (0..250).map(|i| format!("a{i} ")).collect();
        let new = old.replace("a100 ", "b100 ");
        assert_eq!(
            word_spans(&format!("x {old}"), &format!("y {new}")).len(),
            6
        );
        // Nothing to diff on one side: one span, whatever the length.
        let long: String = (0..100_000).map(|i| format!("w{i} ")).collect();
        let s = word_spans("x", &long);
        assert_eq!(
            (s.len(), s[0].op, s[1].op),
            (2, SpanOp::Removed, SpanOp::Added)
        );
    }

    #[test]
    fn lists_count_items_added_and_removed() {
        let d = Delta::list(Some("un-2016;ofac-2018"), Some("un-2016;un-2017"), ";");
        assert_eq!(
            d,
            Delta::List {
                separator: ";".into(),
                removed: vec!["ofac-2018".into()],
                added: vec!["un-2017".into()],
                kept: 1
            }
        );
        let d = Delta::list(None, Some("a;a"), ";");
        assert!(matches!(d, Delta::List { ref added, kept: 0, .. } if added.len() == 2));
        let d = Delta::list(Some("a;b"), Some("b;a"), ";");
        assert!(
            matches!(d, Delta::List { ref added, ref removed, kept: 2, .. } if added.is_empty() && removed.is_empty())
        );
        let d = Delta::list(Some("a; b"), Some("a;b"), ";");
        assert!(matches!(d, Delta::List { ref removed, .. } if removed == &[" b".to_string()]));
    }
}
