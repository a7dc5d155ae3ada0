//! Script detection for names (ISO 15924 codes `Latn`, `Hang`, `Hani`, `Cyrl`) from their
//! letters.
//!
//! Only letters count; digits, spaces, punctuation and marks are common to all scripts. A name
//! whose letters all belong to one script gets that code. A name that mixes scripts (e.g.
//! `Jin Tiesan (金铁三)`) gets no code (`None`): the data then says "not stated" instead of lying.
//! A letter of any other script is an error: a human must decide how to label it.

use crate::{ImportError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Script {
    Latn,
    Hang,
    Hani,
    Cyrl,
}

impl Script {
    pub fn code(self) -> &'static str {
        match self {
            Script::Latn => "Latn",
            Script::Hang => "Hang",
            Script::Hani => "Hani",
            Script::Cyrl => "Cyrl",
        }
    }
}

/// The script of a letter, from the Unicode Script property (`unicode-script`, the data
/// `kpdata-check`'s script rules use too): `Some(None)` for a character that is not a letter or
/// is a letter common to all scripts (the modifier apostrophe `ʼ` of McCune–Reischauer), `None`
/// for a letter of another script.
fn letter_script(c: char) -> Option<Option<Script>> {
    use unicode_script::{Script as Ucd, UnicodeScript};
    if !c.is_alphabetic() {
        return Some(None);
    }
    Some(Some(match c.script() {
        Ucd::Latin => Script::Latn,
        Ucd::Hangul => Script::Hang,
        Ucd::Han => Script::Hani,
        Ucd::Cyrillic => Script::Cyrl,
        Ucd::Common | Ucd::Inherited => return Some(None),
        _ => return None,
    }))
}

/// The single script of a name's letters; `Ok(None)` for a mix (or no letters).
pub fn detect(name: &str) -> Result<Option<Script>> {
    let mut found: Option<Script> = None;
    let mut mixed = false;
    for c in name.chars() {
        match letter_script(c) {
            None => {
                return Err(ImportError::new(format!(
                    "name {name:?}: the letter {c:?} (U+{:04X}) is not Latin, Hangul, Han or Cyrillic; \
                     decide its script by hand",
                    c as u32
                )))
            }
            Some(None) => {}
            Some(Some(s)) => match found {
                None => found = Some(s),
                Some(f) if f != s => mixed = true,
                Some(_) => {}
            },
        }
    }
    Ok(if mixed { None } else { found })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_scripts() {
        assert_eq!(detect("Cho’n Myo’ng-kuk").unwrap(), Some(Script::Latn));
        assert_eq!(detect("朝鲜联合机械贸易会社").unwrap(), Some(Script::Hani));
        assert_eq!(detect("김정은").unwrap(), Some(Script::Hang));
        assert_eq!(
            detect("華信船務(香港)有限公司").unwrap(),
            Some(Script::Hani)
        );
        assert_eq!(detect("Jin Tiesan (金铁三)").unwrap(), None);
        assert_eq!(detect("Ким").unwrap(), Some(Script::Cyrl));
        assert!(detect("كيم").is_err());
        assert!(detect("Κιμ").is_err());
    }

    /// The hand-kept ranges this replaced disagreed with the Unicode data `kpdata-check` uses:
    /// they called the modifier apostrophe (U+02BC, Common) and IPA letters (U+0250.., Latin)
    /// letters of no known script and stopped the import.
    #[test]
    fn scripts_follow_the_unicode_data() {
        assert_eq!(detect("Ch\u{02BC}oe").unwrap(), Some(Script::Latn));
        assert_eq!(detect("\u{0250}bc").unwrap(), Some(Script::Latn));
        assert_eq!(detect("\u{1D00}").unwrap(), Some(Script::Latn));
        // Every letter the old ranges knew keeps its script.
        assert_eq!(detect("々〇").unwrap(), Some(Script::Hani));
        assert_eq!(detect("ＫＩＭ ªº").unwrap(), Some(Script::Latn));
        assert_eq!(
            detect("\u{3131}\u{A960}\u{D7B0}").unwrap(),
            Some(Script::Hang)
        );
        assert_eq!(detect("\u{1C80}\u{A640}").unwrap(), Some(Script::Cyrl));
    }
}
