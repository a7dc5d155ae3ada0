//! Text hygiene: invisible characters in ids and names, Unicode normalization, and cells a
//! spreadsheet would run as a formula.

use kpdata_diagnostics::escape_value;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Whether every byte of `s` is printable ASCII (space to `~`): such text has no invisible
/// character and is NFC. Checked eight bytes at a time (this runs on nearly every text cell).
pub fn is_printable_ascii(s: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = s.as_bytes().chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes(w.try_into().expect("eight bytes"));
        // No byte has its high bit set; then no byte carries into the next below, and
        // b >= 0x20 <=> b + 0x60 has its high bit set, b <= 0x7E <=> b + 1 has it clear.
        if x & HIGH != 0 || (x + 0x60 * ONES) & HIGH != HIGH || (x + ONES) & HIGH != 0 {
            return false;
        }
    }
    words
        .remainder()
        .iter()
        .all(|&b| b.wrapping_sub(0x20) < 0x5F)
}

/// The first control, bidi or zero-width character in `s`, with its character index.
pub fn first_invisible(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|(_, c)| {
        c.is_control()
            || matches!(c,
                '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{00AD}')
    })
}

/// Controls and bidi overrides in free text (line breaks and tabs are allowed there).
pub fn first_invisible_in_text(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|(_, c)| {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
    })
}

pub fn is_nfc(s: &str) -> bool {
    if s.is_ascii() {
        return true;
    }
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => true,
        IsNormalized::No => false,
        IsNormalized::Maybe => s.chars().nfc().eq(s.chars()),
    }
}

/// A string cell that a spreadsheet could execute.
pub fn looks_like_formula(s: &str) -> bool {
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

pub fn describe_char(c: char) -> String {
    escape_value(&c.to_string(), 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_ascii_matches_the_byte_rule() {
        let mut cases: Vec<String> = vec![
            String::new(),
            "a".repeat(31),
            "a".repeat(32),
            "a".repeat(33),
        ];
        for b in 0u8..=0x7F {
            for at in [0usize, 5, 31, 32, 40, 63, 64, 70] {
                let mut v = vec![b'x'; 71];
                v[at] = b;
                cases.push(String::from_utf8(v).unwrap());
            }
        }
        cases.push("abc é".into());
        cases.push(format!("{}é", "a".repeat(40)));
        for c in cases {
            let want = c.bytes().all(|b| (0x20..0x7F).contains(&b));
            assert_eq!(is_printable_ascii(&c), want, "{c:?}");
        }
    }

    #[test]
    fn invisible_characters() {
        assert_eq!(first_invisible("KIM\u{200B}"), Some((3, '\u{200B}')));
        assert_eq!(first_invisible("a\u{202E}b"), Some((1, '\u{202E}')));
        assert_eq!(first_invisible("a\0"), Some((1, '\0')));
        assert_eq!(first_invisible("김정은 Kim"), None);
        assert_eq!(first_invisible_in_text("two\nlines"), None);
        assert_eq!(first_invisible_in_text("bell\u{7}"), Some((4, '\u{7}')));
    }

    #[test]
    fn nfc() {
        assert!(is_nfc("김정은"));
        let nfd: String = "김정은".nfd().collect();
        assert!(!is_nfc(&nfd));
        assert!(is_nfc("Café"));
    }

    #[test]
    fn formulas() {
        for f in ["=1+1", "+1", "-x", "@SUM", "\tx"] {
            assert!(looks_like_formula(f), "{f}");
        }
        assert!(!looks_like_formula("KPe.001"));
    }
}
