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

fn letter_script(c: char) -> Option<Option<Script>> {
    let u = c as u32;
    if !c.is_alphabetic() {
        return Some(None);
    }
    let s = match u {
        0x41..=0x5A | 0x61..=0x7A | 0xAA | 0xBA | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F => {
            Script::Latn
        }
        0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => {
            Script::Latn
        }
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xD7B0..=0xD7FF => {
            Script::Hang
        }
        0x2E80..=0x2FDF | 0x3005 | 0x3007 | 0x3021..=0x3029 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF => {
            Script::Hani
        }
        0xF900..=0xFAFF | 0x20000..=0x3FFFF => Script::Hani,
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrl,
        _ => return None,
    };
    Some(Some(s))
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
    }
}
