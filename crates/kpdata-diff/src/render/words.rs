//! Laying out a word diff within a size budget, for every renderer: the identical prefix and
//! suffix are cut to a few words of context, long unchanged stretches between changes are
//! elided, and a changed span longer than the budget is cut in the middle with a count. The
//! first change is always shown; changes that do not fit are counted (`N more changes`), so
//! the difference is never what is elided. Cuts fall on word or grapheme boundaries only: a
//! character (a Hangul syllable too) is never split.

use unicode_segmentation::UnicodeSegmentation;

use crate::delta::{Span, SpanOp};

/// One piece of a laid-out diff, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// Unchanged text shown as context (both sides).
    Same(String),
    /// Unchanged text left out.
    Elided,
    /// Removed or added text; when `cut > 0`, that many characters are left out between
    /// `head` and `tail`.
    Changed {
        op: SpanOp,
        head: String,
        cut: usize,
        tail: String,
    },
    /// This many more changes are not shown.
    More(usize),
}

/// The smallest part of a changed span that is always shown.
const MIN_CHANGE: usize = 24;

/// Characters of context on each side of a change for a value budget.
fn context(budget: usize) -> usize {
    (budget / 4).clamp(16, 48)
}

/// Whether old and new share any visible text (otherwise a diff reads worse than the values).
pub fn has_common(spans: &[Span]) -> bool {
    spans
        .iter()
        .any(|s| s.op == SpanOp::Equal && s.text.chars().any(|c| !c.is_whitespace()))
}

/// Lays out `spans` so that each side (old: equal + removed; new: equal + added) shows about
/// `budget` characters of the value at most.
pub fn layout(spans: &[Span], budget: usize) -> Vec<Seg> {
    let len = |keep: SpanOp| -> usize {
        spans
            .iter()
            .filter(|s| s.op == SpanOp::Equal || s.op == keep)
            .map(|s| s.text.chars().count())
            .sum()
    };
    if len(SpanOp::Removed) <= budget && len(SpanOp::Added) <= budget {
        // Both values fit: show them whole.
        return spans
            .iter()
            .map(|s| match s.op {
                SpanOp::Equal => Seg::Same(s.text.clone()),
                op => Seg::Changed {
                    op,
                    head: s.text.clone(),
                    cut: 0,
                    tail: String::new(),
                },
            })
            .collect();
    }
    let ctx = context(budget);
    let groups = spans.iter().filter(|s| s.op != SpanOp::Equal).count();
    let mut out = Vec::new();
    // Characters used on the old and new side.
    let (mut used_old, mut used_new) = (0usize, 0usize);
    let mut shown_changes = 0usize;
    let last = spans.len().saturating_sub(1);
    for (i, s) in spans.iter().enumerate() {
        let n = s.text.chars().count();
        match s.op {
            SpanOp::Equal => {
                let segs = if i == 0 && i == last {
                    vec![Seg::Same(head_words(&s.text, budget).to_string())]
                } else if i == 0 {
                    if n > ctx {
                        vec![Seg::Elided, Seg::Same(tail_words(&s.text, ctx).to_string())]
                    } else {
                        vec![Seg::Same(s.text.clone())]
                    }
                } else if i == last {
                    if n > ctx {
                        vec![Seg::Same(head_words(&s.text, ctx).to_string()), Seg::Elided]
                    } else {
                        vec![Seg::Same(s.text.clone())]
                    }
                } else if n > 2 * ctx + 8 {
                    vec![
                        Seg::Same(head_words(&s.text, ctx).to_string()),
                        Seg::Elided,
                        Seg::Same(tail_words(&s.text, ctx).to_string()),
                    ]
                } else {
                    vec![Seg::Same(s.text.clone())]
                };
                for seg in &segs {
                    if let Seg::Same(t) = seg {
                        let c = t.chars().count();
                        used_old += c;
                        used_new += c;
                    }
                }
                out.extend(segs);
            }
            SpanOp::Removed | SpanOp::Added => {
                let used = if s.op == SpanOp::Removed {
                    &mut used_old
                } else {
                    &mut used_new
                };
                let room = budget.saturating_sub(*used + ctx);
                // A change starts a group unless it follows a removal (a replacement).
                let starts_group =
                    !(s.op == SpanOp::Added && i > 0 && spans[i - 1].op == SpanOp::Removed);
                if starts_group && shown_changes > 0 && room < MIN_CHANGE {
                    let left = spans[i..].iter().filter(|s| s.op != SpanOp::Equal).count();
                    // Count replacements once: an added span right after a removed one.
                    let pairs = spans[i..]
                        .windows(2)
                        .filter(|w| w[0].op == SpanOp::Removed && w[1].op == SpanOp::Added)
                        .count();
                    out.push(Seg::More(left - pairs));
                    return out;
                }
                if starts_group {
                    shown_changes += 1;
                }
                let allow = room.max(MIN_CHANGE);
                let seg = if n <= allow {
                    Seg::Changed {
                        op: s.op,
                        head: s.text.clone(),
                        cut: 0,
                        tail: String::new(),
                    }
                } else {
                    let head = head_graphemes(&s.text, allow * 2 / 3);
                    let tail = tail_graphemes(&s.text, allow / 3);
                    Seg::Changed {
                        op: s.op,
                        head: head.to_string(),
                        cut: n - head.chars().count() - tail.chars().count(),
                        tail: tail.to_string(),
                    }
                };
                *used += n.min(allow);
                out.push(seg);
            }
        }
    }
    debug_assert!(groups == 0 || shown_changes > 0);
    out
}

/// The longest prefix of at most `max` characters ending on a word boundary (a grapheme
/// boundary when the first word alone is longer), without trailing whitespace.
pub(super) fn head_words(s: &str, max: usize) -> &str {
    let mut end = 0;
    let mut count = 0;
    for (i, w) in s.split_word_bound_indices() {
        let c = w.chars().count();
        if count + c > max {
            break;
        }
        count += c;
        end = i + w.len();
    }
    if end == 0 {
        return head_graphemes(s, max);
    }
    s[..end].trim_end()
}

/// The longest suffix of at most `max` characters starting on a word boundary, without
/// leading whitespace.
pub(super) fn tail_words(s: &str, max: usize) -> &str {
    let mut start = s.len();
    let mut count = 0;
    for (i, w) in s.split_word_bound_indices().rev() {
        let c = w.chars().count();
        if count + c > max {
            break;
        }
        count += c;
        start = i;
    }
    if start == s.len() {
        return tail_graphemes(s, max);
    }
    s[start..].trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'))
}

pub(super) fn head_graphemes(s: &str, max: usize) -> &str {
    let mut end = 0;
    let mut count = 0;
    for (i, g) in s.grapheme_indices(true) {
        let c = g.chars().count();
        if count + c > max {
            break;
        }
        count += c;
        end = i + g.len();
    }
    &s[..end]
}

pub(super) fn tail_graphemes(s: &str, max: usize) -> &str {
    let mut start = s.len();
    let mut count = 0;
    for (i, g) in s.grapheme_indices(true).rev() {
        let c = g.chars().count();
        if count + c > max {
            break;
        }
        count += c;
        start = i;
    }
    &s[start..]
}

/// A changed span split for marking: whitespace at its edges stays outside the marks (markup
/// must touch text to work); a span of whitespace only is shown as `\u{..}` escapes so that it
/// is visible. Returns (leading whitespace, marked text, trailing whitespace).
pub fn split_edges(text: &str) -> (&str, std::borrow::Cow<'_, str>, &str) {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        let shown: String = text
            .chars()
            .map(|c| format!("\\u{{{:04X}}}", c as u32))
            .collect();
        return ("", shown.into(), "");
    }
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    (&text[..start], trimmed.into(), &text[end..])
}

/// Renders one side of a laid-out diff: `keep` is the side (`Removed`: old, `Added`: new);
/// `esc` escapes value text for the format and `marks` are the opening and closing marks.
pub fn side(
    segs: &[Seg],
    keep: SpanOp,
    esc: &dyn Fn(&str) -> String,
    marks: (&str, &str),
) -> String {
    let mut out = String::new();
    let mut after_removed = false;
    for seg in segs {
        let removed = matches!(
            seg,
            Seg::Changed {
                op: SpanOp::Removed,
                ..
            }
        );
        match seg {
            Seg::Same(t) => out.push_str(&esc(t)),
            Seg::Elided => out.push('…'),
            Seg::Changed {
                op,
                head,
                cut,
                tail,
            } if *op == keep || keep == SpanOp::Equal => {
                let m = if *op == SpanOp::Removed {
                    marks.0
                } else {
                    marks.1
                };
                // Markdown marks need a space between them to read (and to parse) well.
                if keep == SpanOp::Equal
                    && after_removed
                    && *op == SpanOp::Added
                    && !m.starts_with(['[', '{'])
                {
                    out.push(' ');
                }
                out.push_str(&mark(head, *cut, tail, m, esc));
            }
            Seg::Changed { .. } => {}
            Seg::More(n) => {
                let _ = std::fmt::Write::write_fmt(
                    &mut out,
                    format_args!(
                        " …({n} more {})",
                        if *n == 1 { "change" } else { "changes" }
                    ),
                );
            }
        }
        after_removed = removed;
    }
    out
}

/// A changed span between marks: `open` is the opening mark, the closing one is it reversed
/// for `[-`/`{+` style marks (`-]`, `+}`) and the same for symmetric ones (`**`, `~~`).
fn mark(head: &str, cut: usize, tail: &str, open: &str, esc: &dyn Fn(&str) -> String) -> String {
    let close: String = open
        .chars()
        .rev()
        .map(|c| match c {
            '[' => ']',
            '{' => '}',
            '(' => ')',
            c => c,
        })
        .collect();
    if cut == 0 {
        if head.trim().is_empty() {
            // Whitespace shown as escapes, set apart so that the marks parse.
            let (_, m, _) = split_edges(head);
            return format!(" {open}{}{close} ", esc(&m));
        }
        let (l, m, r) = split_edges(head);
        return format!("{}{open}{}{close}{}", esc(l), esc(&m), esc(r));
    }
    let (l, h) = head.split_at(head.len() - head.trim_start().len());
    let t = tail.trim_end();
    let r = &tail[t.len()..];
    format!(
        "{}{open}{}…({cut} characters)…{}{close}{}",
        esc(l),
        esc(h),
        esc(t),
        esc(r)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delta::word_spans;

    fn plain(segs: &[Seg]) -> String {
        segs.iter()
            .map(|s| match s {
                Seg::Same(t) => t.clone(),
                Seg::Elided => "…".into(),
                Seg::Changed {
                    op,
                    head,
                    cut,
                    tail,
                } => {
                    let body = if *cut > 0 {
                        format!("{head}…({cut})…{tail}")
                    } else {
                        head.clone()
                    };
                    match op {
                        SpanOp::Removed => format!("[-{body}-]"),
                        _ => format!("{{+{body}+}}"),
                    }
                }
                Seg::More(n) => format!(" (+{n})"),
            })
            .collect()
    }

    #[test]
    fn context_is_a_few_words() {
        let old = "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210; Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions";
        let new = old.replace("510.210", "510.211");
        let s = plain(&layout(&word_spans(old, &new), 120));
        assert_eq!(
            s,
            "…sections 510.201 and [-510.210-]{+510.211+}; Transactions Prohibited For…"
        );
    }

    #[test]
    fn long_changes_are_cut_in_the_middle_with_a_count() {
        let long: String = "가나다라 ".repeat(100);
        let s = layout(&word_spans("start end", &format!("start {long}end")), 60);
        let Some(Seg::Changed {
            head, cut, tail, ..
        }) = s.iter().find(|x| matches!(x, Seg::Changed { .. }))
        else {
            panic!("{s:?}")
        };
        assert!(*cut > 400, "{cut}");
        assert_eq!(head.chars().count() + tail.chars().count() + cut, 500);
        assert!(head.starts_with("가나다라"));
    }

    #[test]
    fn changes_that_do_not_fit_are_counted() {
        let old: String = (0..60).map(|i| format!("word{i} ")).collect();
        let new = old
            .replace("word3 ", "WORD3 ")
            .replace("word50 ", "X ")
            .replace("word58 ", "Y ");
        let s = layout(&word_spans(&old, &new), 40);
        let p = plain(&s);
        assert!(p.contains("[-word3-]{+WORD3+}"), "{p}");
        assert!(p.ends_with(" (+2)"), "{p}");
    }

    #[test]
    fn decomposed_hangul_is_cut_between_syllables() {
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = "북한인권상황".repeat(40).nfd().collect();
        let spans = word_spans("가 나", &format!("가 {nfd} 나"));
        let added = &spans.iter().find(|x| x.op == SpanOp::Added).unwrap().text;
        let s = layout(&spans, 40);
        let bounds: Vec<usize> = added.grapheme_indices(true).map(|(i, _)| i).collect();
        let Some(Seg::Changed {
            head, tail, cut, ..
        }) = s.get(1)
        else {
            panic!("{s:?}")
        };
        assert!(*cut > 0);
        assert!(bounds.contains(&head.len()), "head ends inside a syllable");
        assert!(
            bounds.contains(&(added.len() - tail.len())),
            "tail starts inside a syllable"
        );
    }

    #[test]
    fn whitespace_changes_are_visible() {
        let segs = layout(&word_spans("a  b", "a b"), 120);
        let md = |t: &str| crate::escape::md(t, 1000);
        assert_eq!(
            side(&segs, SpanOp::Removed, &md, ("~~", "**")),
            "a ~~\\\\u{0020}\\\\u{0020}~~ b"
        );
        assert_eq!(split_edges(" a b "), (" ", "a b".into(), " "));
        assert_eq!(split_edges("  ").1, "\\u{0020}\\u{0020}");
    }
}
