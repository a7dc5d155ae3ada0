//! Quote matching: a cited quote must occur in the archived text of a cited source.
//!
//! Both sides are folded the same way, and only in ways typography changes: Unicode NFC;
//! curly single and double quotes (and primes) to `'` and `"`; the dash family to `-`; every
//! run of whitespace (line breaks and no-break spaces included) to one space; leading and
//! trailing whitespace dropped. Nothing else: case, digits, words and names must match.

use unicode_normalization::UnicodeNormalization;

/// Folds `s` for matching.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    // ASCII is already NFC and has no typographic quotes or dashes: skip the normalizer.
    let chars: Box<dyn Iterator<Item = char> + '_> = if s.is_ascii() {
        Box::new(s.chars())
    } else {
        Box::new(s.nfc())
    };
    for c in chars {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
            | '\u{00BB}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
            c => c,
        };
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// The text of a Markdown capture without its block-quote markers (`>` at the start of a
/// line): they are layout, not text, so a quote may run across quoted lines.
pub fn markdown_plain(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '\t']);
        let mut rest = trimmed;
        while let Some(r) = rest.strip_prefix('>') {
            rest = r.strip_prefix(' ').unwrap_or(r);
        }
        plain.push_str(if rest.len() == trimmed.len() {
            line
        } else {
            rest
        });
    }
    plain
}

/// An archived text, folded once and searched many times.
#[derive(Debug)]
pub struct ArchivedText {
    folded: String,
}

impl ArchivedText {
    pub fn new(bytes: &[u8]) -> ArchivedText {
        ArchivedText {
            folded: normalize(&String::from_utf8_lossy(bytes)),
        }
    }

    /// Like [`ArchivedText::new`], for a Markdown capture: the block-quote markers (`>` at the
    /// start of a line) are layout, not text, so a quote may run across quoted lines.
    pub fn markdown(bytes: &[u8]) -> ArchivedText {
        ArchivedText {
            folded: normalize(&markdown_plain(&String::from_utf8_lossy(bytes))),
        }
    }

    pub fn len(&self) -> usize {
        self.folded.len()
    }

    pub fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }

    /// Whether the (already folded) quote occurs.
    pub fn contains(&self, folded_quote: &str) -> bool {
        !folded_quote.is_empty()
            && memchr::memmem::find(self.folded.as_bytes(), folded_quote.as_bytes()).is_some()
    }

    /// Where the (already folded) quote occurs: the folded text before it (up to `context`
    /// characters), the match, and the text after it; `None` if it does not occur.
    pub fn passage(&self, folded_quote: &str, context: usize) -> Option<(&str, &str, &str)> {
        if folded_quote.is_empty() {
            return None;
        }
        let at = memchr::memmem::find(self.folded.as_bytes(), folded_quote.as_bytes())?;
        let end = at + folded_quote.len();
        let start = self.folded[..at]
            .char_indices()
            .rev()
            .nth(context.saturating_sub(1))
            .map_or(0, |(i, _)| i);
        let stop = self.folded[end..]
            .char_indices()
            .nth(context)
            .map_or(self.folded.len(), |(i, _)| end + i);
        Some((
            &self.folded[start..at],
            &self.folded[at..end],
            &self.folded[end..stop],
        ))
    }

    /// The passage of the text that best matches a quote that does not occur: the place where
    /// its longest matching prefix or suffix occurs, about as long as the quote. Returns the
    /// passage and how many characters of the quote matched there.
    pub fn closest(&self, folded_quote: &str) -> Option<(String, usize)> {
        let hay = self.folded.as_bytes();
        let bounds: Vec<usize> = folded_quote
            .char_indices()
            .map(|(i, _)| i)
            .chain([folded_quote.len()])
            .collect();
        let found = |s: &str| memchr::memmem::find(hay, s.as_bytes());
        // Longest prefix that occurs (occurrence is monotone in length: binary search).
        let (mut lo, mut hi) = (0usize, bounds.len() - 1);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if found(&folded_quote[..bounds[mid]]).is_some() {
                lo = mid
            } else {
                hi = mid - 1
            }
        }
        let prefix_chars = lo;
        let (mut lo2, mut hi2) = (0usize, bounds.len() - 1);
        while lo2 < hi2 {
            let mid = (lo2 + hi2).div_ceil(2);
            let start = bounds[bounds.len() - 1 - mid];
            if found(&folded_quote[start..]).is_some() {
                lo2 = mid
            } else {
                hi2 = mid - 1
            }
        }
        let suffix_chars = lo2;
        if prefix_chars == 0 && suffix_chars == 0 {
            return None;
        }
        let quote_chars = bounds.len() - 1;
        let start = if prefix_chars >= suffix_chars {
            found(&folded_quote[..bounds[prefix_chars]])?
        } else {
            let s = &folded_quote[bounds[quote_chars - suffix_chars]..];
            let at = found(s)?;
            // Walk back so the passage ends where the suffix ends.
            let before = &self.folded[..at];
            let back = quote_chars.saturating_sub(suffix_chars);
            before
                .char_indices()
                .rev()
                .nth(back.saturating_sub(1))
                .map(|(i, _)| i)
                .unwrap_or(0)
        };
        let passage: String = self.folded[start..]
            .chars()
            .take(quote_chars + 10)
            .collect();
        Some((passage, prefix_chars.max(suffix_chars)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> ArchivedText {
        ArchivedText::new(
            "The United States is \u{201C}reviewing options\u{201D} to hold North Korean officials\r\naccountable \u{2014} it said. VOA\u{2019}s Korean Service. 2014-02-17. \u{AC00}\u{B098}"
                .as_bytes(),
        )
    }

    #[test]
    fn curly_quotes_dashes_and_line_breaks_fold() {
        let t = text();
        assert!(t.contains(&normalize(
            "is \"reviewing options\" to hold North Korean officials accountable - it said"
        )));
        assert!(t.contains(&normalize("VOA's Korean Service")));
        assert!(t.contains(&normalize("officials\naccountable")));
    }

    #[test]
    fn markdown_block_quote_markers_are_not_text() {
        let t = ArchivedText::markdown(b"> \"Pursuant to the authorities of this new E.O., Treasury today\n> has designated three entities\"\n\nA > B stays.\n");
        assert!(t.contains(&normalize("Treasury today has designated three entities")));
        assert!(t.contains(&normalize("A > B stays.")));
        assert!(!ArchivedText::new(b"> a\n> b").contains("a b"));
    }

    #[test]
    fn hangul_nfd_matches_nfc() {
        let nfd: String = "\u{AC00}\u{B098}".nfd().collect();
        assert_ne!(nfd, "\u{AC00}\u{B098}");
        assert!(text().contains(&normalize(&nfd)));
    }

    #[test]
    fn a_changed_word_digit_or_longer_quote_fails() {
        let t = text();
        assert!(!t.contains(&normalize("reviewing option to hold")));
        assert!(!t.contains(&normalize("2014-02-18")));
        assert!(!t.contains(&normalize("Reviewing options")));
        let longer = format!("{} and more", t.folded);
        assert!(!t.contains(&normalize(&longer)));
        assert!(!t.contains(""));
    }

    #[test]
    fn closest_passage_shows_where_it_differs() {
        let t = text();
        let (p, n) = t
            .closest(&normalize("North Korean officials accountible - it said"))
            .unwrap();
        assert!(p.starts_with("North Korean officials accountable"), "{p}");
        assert_eq!(n, "North Korean officials account".len());
        let (p, _) = t
            .closest(&normalize("XXXX Korean Service. 2014-02-17"))
            .unwrap();
        assert!(p.contains("Korean Service. 2014-02-17"), "{p}");
    }
}
