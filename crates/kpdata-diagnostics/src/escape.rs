//! The one home for making untrusted values safe to echo and for the character classes the
//! text checks use. Control, format, line/paragraph-separator and default-ignorable characters
//! are shown as `\u{..}` escapes and long values are cut, so a finding never misleads or floods
//! a reader, never carries a raw line break that could start a GitHub workflow command
//! (`::error::`) of its own, and never carries a terminal escape sequence.
//!
//! The classes come from the Unicode Character Database as compiled into `regex-syntax` (the
//! `regex` crate's tables), not from hand-kept ranges.

use std::borrow::Cow;
use std::fmt::Write;
use std::sync::OnceLock;

type Ranges = Vec<(char, char)>;

/// The ranges of a Unicode class written in `regex` syntax, e.g. `[\p{Cc}\p{Cf}]`.
fn class(pattern: &str) -> Ranges {
    use regex_syntax::hir::{Class, HirKind};
    let hir = regex_syntax::Parser::new()
        .parse(pattern)
        .expect("a valid Unicode class");
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => {
            c.ranges().iter().map(|r| (r.start(), r.end())).collect()
        }
        _ => unreachable!("`{pattern}` is a Unicode class"),
    }
}

fn contains(ranges: &[(char, char)], c: char) -> bool {
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Characters that are not seen as what they are: controls (Cc), format characters (Cf: bidi
/// embeddings and isolates, zero-width characters, the BOM, tag characters), line and paragraph
/// separators (Zl, Zp) and every Default_Ignorable_Code_Point (variation selectors, the
/// combining grapheme joiner, Hangul fillers...).
pub fn is_invisible(c: char) -> bool {
    if (' '..='~').contains(&c) {
        return false;
    }
    static SET: OnceLock<Ranges> = OnceLock::new();
    contains(
        SET.get_or_init(|| class(r"[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]")),
        c,
    )
}

/// What free text may not hold: controls but tab, line feed and carriage return (multi-line
/// text is legitimate in quoted cells), bidi controls (Bidi_Control), the BOM, line and
/// paragraph separators, and tag characters.
///
/// A subset of [`is_invisible`] on purpose: format characters that prose copied from a source
/// legitimately carries — the soft hyphen U+00AD, zero-width joiners, variation selectors — are
/// allowed in free text (a quote must stay as the source wrote it), while [`is_invisible`]
/// still shows them escaped wherever such text is printed, and refuses them in ids and names.
pub fn is_hidden_in_text(c: char) -> bool {
    if (' '..='~').contains(&c) || matches!(c, '\t' | '\n' | '\r') {
        return false;
    }
    static SET: OnceLock<Ranges> = OnceLock::new();
    contains(
        SET.get_or_init(|| {
            class(r"[\p{Cc}\p{Bidi_Control}\p{Zl}\p{Zp}\x{FEFF}\x{E0000}-\x{E007F}]")
        }),
        c,
    )
}

/// What a cell of no particular kind may not hold: like [`is_hidden_in_text`], and no line
/// breaks either (tab stays allowed).
pub fn is_hidden_in_cell(c: char) -> bool {
    matches!(c, '\n' | '\r') || is_hidden_in_text(c)
}

/// Escapes invisible characters (see [`is_invisible`]) and truncates to `max_chars` characters.
pub fn escape_value(value: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(value.len().min(max_chars.saturating_add(16)));
    for (count, (i, c)) in value.char_indices().enumerate() {
        if count >= max_chars {
            let rest = value.len() - i;
            let _ = write!(out, "… ({rest} more bytes)");
            return out;
        }
        if is_invisible(c) {
            let _ = write!(out, "\\u{{{:04X}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Escapes invisible characters without cutting: for renderers, on every value they print
/// (paths, fields, messages, hints). Text already escaped stays as it is.
pub fn escape_text(value: &str) -> Cow<'_, str> {
    if value.chars().any(is_invisible) {
        Cow::Owned(escape_value(value, usize::MAX))
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(
            escape_value("a\u{202E}b\0c\u{1b}", 80),
            "a\\u{202E}b\\u{0000}c\\u{001B}"
        );
        assert_eq!(escape_value("x\u{200B}y", 80), "x\\u{200B}y");
        assert_eq!(escape_value("tab\there", 80), "tab\\u{0009}here");
    }

    /// Issue 20 item 12: tag characters, separators, variation selectors, the combining
    /// grapheme joiner, DEL and C1 controls are invisible too.
    #[test]
    fn the_invisible_set_comes_from_unicode_data() {
        for c in [
            '\u{E0041}',
            '\u{2028}',
            '\u{2029}',
            '\u{FE0F}',
            '\u{034F}',
            '\u{7F}',
            '\u{85}',
            '\u{9B}',
            '\u{00AD}',
            '\u{061C}',
            '\u{180E}',
            '\u{3164}',
            '\u{2066}',
            '\u{FEFF}',
            '\u{1D173}',
        ] {
            assert!(is_invisible(c), "{:04X}", c as u32);
        }
        for c in ['a', ' ', 'é', '김', '金', 'О', '\u{0301}', '’', '\u{3000}'] {
            assert!(!is_invisible(c), "{:04X}", c as u32);
        }
    }

    /// U+00AD, the soft hyphen: escaped when printed and refused in ids and names, allowed in
    /// free text (one definition of each set, here; `kpdata-check`'s text rules use them).
    #[test]
    fn the_soft_hyphen_is_shown_but_allowed_in_free_text() {
        assert!(is_invisible('\u{00AD}'));
        assert_eq!(escape_value("Kim\u{00AD}Jong", 80), "Kim\\u{00AD}Jong");
        assert!(!is_hidden_in_text('\u{00AD}') && !is_hidden_in_cell('\u{00AD}'));
    }

    #[test]
    fn text_and_cell_classes() {
        for c in ['\n', '\r', '\t', 'a', '\u{200D}', '\u{FE0F}'] {
            assert!(!is_hidden_in_text(c), "{:04X}", c as u32);
        }
        for c in [
            '\0',
            '\u{1b}',
            '\u{7F}',
            '\u{202E}',
            '\u{2028}',
            '\u{FEFF}',
            '\u{E0041}',
        ] {
            assert!(is_hidden_in_text(c), "{:04X}", c as u32);
        }
        assert!(is_hidden_in_cell('\n') && is_hidden_in_cell('\r') && !is_hidden_in_cell('\t'));
    }

    #[test]
    fn escape_text_only_allocates_when_needed() {
        assert!(matches!(escape_text("plain ::error::"), Cow::Borrowed(_)));
        assert_eq!(
            escape_text("a\n::error::x\u{1b}[31m"),
            "a\\u{000A}::error::x\\u{001B}[31m"
        );
    }

    #[test]
    fn truncates_long_values() {
        let long = "a".repeat(1000);
        let out = escape_value(&long, 10);
        assert_eq!(out, "aaaaaaaaaa… (990 more bytes)");
    }

    #[test]
    fn keeps_hangul_and_latin() {
        assert_eq!(escape_value("김정은 Kim Jong Un", 80), "김정은 Kim Jong Un");
    }
}
