//! Text hygiene: invisible characters in ids, names, free text and every other string cell,
//! Unicode normalization, names against their script (`unicode-script`) and mixed scripts
//! (`unicode-security`), and cells a spreadsheet would run as a formula. The invisible-character
//! classes live with the output escaping in `kpdata_diagnostics` (one home).

use kpdata_diagnostics::{escape_value, is_hidden_in_cell, is_hidden_in_text, is_invisible};
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

/// The first invisible character in an id or a name, with its character index: controls
/// (tab too), format characters, separators and default-ignorables
/// ([`kpdata_diagnostics::is_invisible`], from the Unicode data).
pub fn first_invisible(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|&(_, c)| is_invisible(c))
}

/// The first character free text may not hold: controls but tab, LF and CR, bidi controls,
/// the BOM, separators and tag characters ([`kpdata_diagnostics::is_hidden_in_text`]).
pub fn first_invisible_in_text(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|&(_, c)| is_hidden_in_text(c))
}

/// The same for any other string cell: line breaks are not allowed there either.
pub fn first_invisible_in_cell(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|&(_, c)| is_hidden_in_cell(c))
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

/// Whether the letters of `name` fit the ISO 15924 `script` code.
///
/// Every character must belong to the script (Unicode Script_Extensions, from
/// `unicode-script`): a Cyrillic `О` in a `Latn` name is caught like a Hangul syllable. Common
/// and inherited characters (spaces, punctuation, digits, combining marks) fit any script.
/// `Kore` is Hangul + Han, `Jpan` Han + Hiragana + Katakana, `Hrkt` the two kana, `Hanb` Han +
/// Bopomofo, `Hans`/`Hant` Han. A code the Unicode data does not know is not checked here.
pub fn script_mismatch(name: &str, script: &str) -> Option<String> {
    use unicode_script::{Script, UnicodeScript};
    let allowed: Vec<Script> = match script {
        "Kore" => vec![Script::Hangul, Script::Han],
        "Jpan" => vec![Script::Han, Script::Hiragana, Script::Katakana],
        "Hrkt" => vec![Script::Hiragana, Script::Katakana],
        "Hanb" => vec![Script::Han, Script::Bopomofo],
        "Hans" | "Hant" => vec![Script::Han],
        code => vec![Script::from_short_name(code).filter(|s| *s != Script::Unknown)?],
    };
    let label = allowed
        .iter()
        .map(|s| s.full_name())
        .collect::<Vec<_>>()
        .join(" + ");
    let bad = name.chars().find(|c| {
        let ext = c.script_extension();
        !(ext.is_common() || ext.is_inherited() || allowed.iter().any(|s| ext.contains_script(*s)))
    })?;
    Some(format!(
        "`{}` is marked `{}` ({label}) but contains `{}` ({})",
        escape_value(name, 80),
        escape_value(script, 8),
        escape_value(&bad.to_string(), 4),
        char_script(bad)
    ))
}

/// `U+041E, Cyrillic`: a character's code point and script, for messages.
fn char_script(c: char) -> String {
    use unicode_script::UnicodeScript;
    format!("U+{:04X}, {}", c as u32, c.script().full_name())
}

/// A name whose letters mix scripts (UTS 39 single-script test, with Korean = Hangul + Han and
/// Japanese = Han + kana counted as one): `KIM JОNG UN` with a Cyrillic `О`. For name fields
/// with no script column (those get [`script_mismatch`]).
pub fn mixed_script(name: &str) -> Option<String> {
    use unicode_script::{Script, UnicodeScript};
    use unicode_security::MixedScript;
    if name.is_ascii() || name.is_single_script() {
        return None;
    }
    // Name the scripts in order of first appearance.
    let mut seen: Vec<Script> = Vec::new();
    for c in name.chars() {
        let s = c.script();
        if !matches!(s, Script::Common | Script::Inherited | Script::Unknown) && !seen.contains(&s)
        {
            seen.push(s);
        }
    }
    let scripts = seen
        .iter()
        .map(|s| s.full_name())
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "`{}` mixes scripts ({scripts}); look-alike letters from another script make it another name",
        escape_value(name, 80)
    ))
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
        assert_eq!(first_invisible_in_text("del\u{7F}"), Some((3, '\u{7F}')));
        assert_eq!(first_invisible_in_cell("two\nlines"), Some((3, '\n')));
        assert_eq!(first_invisible_in_cell("tab\tok"), None);
        // Issue 20 item 12: tag characters, separators, variation selectors and the combining
        // grapheme joiner in names and ids.
        for (s, c) in [
            ("A\u{E0041}", '\u{E0041}'),
            ("A\u{2028}", '\u{2028}'),
            ("A\u{FE0F}", '\u{FE0F}'),
            ("A\u{034F}", '\u{034F}'),
        ] {
            assert_eq!(first_invisible(s), Some((1, c)), "{s:?}");
        }
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

    #[test]
    fn scripts() {
        assert!(script_mismatch("Kim Jong Un", "Latn").is_none());
        assert!(script_mismatch("김정은", "Latn").is_some());
        assert!(script_mismatch("김정은", "Hang").is_none());
        assert!(script_mismatch("Kim 정은", "Hang").is_some());
        assert!(script_mismatch("金正恩", "Hani").is_none());
        assert!(script_mismatch("김정은 金正恩", "Kore").is_none());
        assert!(script_mismatch("Kim Jong-un (Ré)", "Latn").is_none());
        assert!(script_mismatch("Whatever", "Qaaa").is_none());
    }

    /// Issue 20 item 12: homoglyphs from other scripts in a `Latn` name.
    #[test]
    fn homoglyphs_do_not_pass_the_script_check() {
        let m = script_mismatch("KIM JONG \u{041E}N", "Latn").unwrap();
        assert!(m.contains("U+041E, Cyrillic"), "{m}");
        let m = script_mismatch("\u{039F}H", "Latn").unwrap();
        assert!(m.contains("U+039F, Greek"), "{m}");
        assert!(script_mismatch("Kim", "Cyrl").is_some());
    }

    #[test]
    fn mixed_scripts_in_names() {
        assert!(mixed_script("KIM JONG UN").is_none());
        assert!(mixed_script("김정은").is_none());
        assert!(mixed_script("金正恩 김정은").is_none());
        assert!(mixed_script("Pyongyang Ryŏnghap").is_none());
        let m = mixed_script("KIM J\u{041E}NG UN").unwrap();
        assert!(m.contains("Latin, Cyrillic"), "{m}");
        assert!(mixed_script("Kim 김정은").is_some());
    }
}
