//! Making untrusted values safe to echo: control, bidi and zero-width characters are shown as
//! `\u{..}` escapes, and long values are cut, so a finding never misleads or floods a reader.

use std::fmt::Write;

/// Characters that change how text is displayed without being visible.
fn is_invisible_or_control(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}' // BOM / zero-width no-break space
            | '\u{061C}' // Arabic letter mark
            | '\u{180E}' // Mongolian vowel separator
        )
}

/// Escapes control, bidi and zero-width characters and truncates to `max_chars` characters.
pub fn escape_value(value: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(value.len().min(max_chars + 16));
    for (count, (i, c)) in value.char_indices().enumerate() {
        if count >= max_chars {
            let rest = value.len() - i;
            let _ = write!(out, "… ({rest} more bytes)");
            return out;
        }
        if is_invisible_or_control(c) {
            let _ = write!(out, "\\u{{{:04X}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
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
