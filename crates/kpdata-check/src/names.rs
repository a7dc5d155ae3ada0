//! Name comparison for identity: the one folding used by the link rules and the link suggester.
//!
//! [`name_key`] folds what varies between lists writing the same romanized name and nothing
//! else: letter case, diacritics (`Jŏng` → `jong`), apostrophes (`Ch'oe` → `choe`), hyphens and
//! spacing (`KIM Jong Un`, `Kim Jong-un`, `Kim Jong-Un` and `KIM, Jong Un` all give `kimjongun`),
//! and other punctuation. Letters of every script are kept as they are, so a Hangul name and its
//! romanization have different keys: they are different spellings to compare by other means,
//! not different people.
//!
//! [`name_keys`] adds a second key that ignores word order (`Jong Hyuk AN` as the UK list writes
//! OFAC's `AN, Jong Hyuk`): the words, split at spaces, hyphens and punctuation, sorted.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The comparison key of a name (empty when the name has no letter or digit).
pub fn name_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    // Hangul syllables decompose under NFKD; compose them back so keys stay readable.
    out.nfc().collect()
}

/// The keys two names are compared by: [`name_key`], and for a name of two words or more its
/// words sorted (prefixed with `~`, so the two kinds never meet). Empty for a name without a
/// letter or digit.
pub fn name_keys(name: &str) -> Vec<String> {
    let k = name_key(name);
    if k.is_empty() {
        return Vec::new();
    }
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in name.nfkd() {
        if is_combining_mark(c) || matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`') {
            continue;
        }
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let mut out = vec![k];
    if words.len() > 1 {
        words.sort();
        let sorted: String = words.join(" ").nfc().collect();
        out.push(format!("~{sorted}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_order_key() {
        let shared = |a: &str, b: &str| name_keys(a).iter().any(|k| name_keys(b).contains(k));
        assert!(shared("Jong Hyuk AN", "AN, Jong-Hyuk"));
        assert!(shared("KIM Jong Un", "Kim Jong-un"));
        assert!(!shared("Jong Hyuk AN", "AN Jong Hyok"));
        assert!(!shared("KIM", "MIK"));
        assert_eq!(name_keys("CH'OE Ryong Hae")[1], "~choe hae ryong");
        assert!(name_keys("--").is_empty());
    }

    #[test]
    fn romanized_korean_variants_are_one_name() {
        let k = name_key("KIM Jong Un");
        for v in [
            "Kim Jong-un",
            "Kim Jong-Un",
            "KIM, Jong Un",
            "kim  jong un.",
            "Kim Jŏng-ŭn",
        ] {
            assert_eq!(name_key(v), k, "{v}");
        }
        assert_eq!(k, "kimjongun");
        assert_eq!(name_key("CH'OE Ryong Hae"), name_key("Choe Ryong-hae"));
    }

    #[test]
    fn scripts_are_not_folded_together() {
        assert_eq!(name_key("김정은"), "김정은");
        assert_ne!(name_key("김정은"), name_key("Kim Jong Un"));
        assert_ne!(name_key("KIM JONG UN"), name_key("KIM JONG IL"));
        assert_eq!(name_key("--"), "");
    }
}
