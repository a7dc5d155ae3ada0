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

/// The text of an XML document without its markup, so that a quote may run across inline elements (`1701 <E T="03">et seq</E>.` reads `1701 et seq.`). Tags,
/// comments and processing instructions are dropped (element boundaries keep the line
/// breaks and spaces the file has between them); the five named entities and numeric
/// character references are decoded.
pub fn xml_plain(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut rest: &str = text;
    while let Some(lt) = rest.find(['<', '&']) {
        plain.push_str(&rest[..lt]);
        rest = &rest[lt..];
        if rest.starts_with('<') {
            let end = if rest.starts_with("<!--") {
                rest.find("-->").map(|i| i + 3)
            } else {
                rest.find('>').map(|i| i + 1)
            };
            match end {
                Some(e) => rest = &rest[e..],
                None => {
                    plain.push_str(rest);
                    rest = "";
                }
            }
        } else {
            let decoded = rest.find(';').filter(|&i| i <= 10).and_then(|i| {
                let c = match &rest[1..i] {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    e => e
                        .strip_prefix("#x")
                        .or_else(|| e.strip_prefix("#X"))
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                }?;
                Some((c, i + 1))
            });
            match decoded {
                Some((c, len)) => {
                    plain.push(c);
                    rest = &rest[len..];
                }
                None => {
                    plain.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    plain.push_str(rest);
    plain
}

/// The cell text of every sheet of an `.xlsx` workbook; `None` when it cannot be read.
fn xlsx_plain(bytes: &[u8]) -> Option<String> {
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).ok()?;
    let mut out = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).ok()?;
        for row in range.rows() {
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    out.push('\t');
                }
                match cell {
                    Data::Empty => {}
                    Data::String(s) => out.push_str(s),
                    other => out.push_str(&other.to_string()),
                }
            }
            out.push('\n');
        }
    }
    Some(out)
}

/// An archived text, folded once and searched many times.
#[derive(Debug)]
pub struct ArchivedText {
    folded: String,
    dates: std::sync::OnceLock<crate::evidence::TextDates>,
}

impl ArchivedText {
    pub fn new(bytes: &[u8]) -> ArchivedText {
        ArchivedText::folded(normalize(&String::from_utf8_lossy(bytes)))
    }

    /// Like [`ArchivedText::new`], for a Markdown capture: the block-quote markers (`>` at the
    /// start of a line) are layout, not text, so a quote may run across quoted lines.
    pub fn markdown(bytes: &[u8]) -> ArchivedText {
        ArchivedText::folded(normalize(&markdown_plain(&String::from_utf8_lossy(bytes))))
    }

    /// Like [`ArchivedText::new`], for an XML document: the markup is not text (see
    /// [`xml_plain`]).
    pub fn xml(bytes: &[u8]) -> ArchivedText {
        ArchivedText::folded(normalize(&xml_plain(&String::from_utf8_lossy(bytes))))
    }

    /// Like [`ArchivedText::new`], for an Excel workbook (`.xlsx`, a zip of XML parts): the
    /// text is the cells as the sheets show them, a tab between cells and a line break between
    /// rows, every sheet in order. Bytes that are not a readable workbook are taken as they are.
    pub fn xlsx(bytes: &[u8]) -> ArchivedText {
        match xlsx_plain(bytes) {
            Some(text) => ArchivedText::folded(normalize(&text)),
            None => ArchivedText::new(bytes),
        }
    }

    fn folded(folded: String) -> ArchivedText {
        ArchivedText {
            folded,
            dates: std::sync::OnceLock::new(),
        }
    }

    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.folded
    }

    /// The dates the text contains (found once, on first use).
    pub fn dates(&self) -> &crate::evidence::TextDates {
        self.dates
            .get_or_init(|| crate::evidence::dates_in_text(&self.folded))
    }

    /// The text of an archived file: Markdown captures (`.md`) as [`ArchivedText::markdown`], XML
    /// as [`ArchivedText::xml`], Excel workbooks (`.xlsx`) as [`ArchivedText::xlsx`], anything
    /// else as [`ArchivedText::new`].
    pub fn for_path(rel: &str, bytes: &[u8]) -> ArchivedText {
        let lower = rel.to_ascii_lowercase();
        if lower.ends_with(".md") {
            ArchivedText::markdown(bytes)
        } else if lower.ends_with(".xml") {
            ArchivedText::xml(bytes)
        } else if lower.ends_with(".xlsx") {
            ArchivedText::xlsx(bytes)
        } else {
            ArchivedText::new(bytes)
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
        let (start, agree, _) = self.closest_at(folded_quote)?;
        let quote_chars = folded_quote.chars().count();
        let passage: String = self.folded[start..]
            .chars()
            .take(quote_chars + 10)
            .collect();
        Some((passage, agree))
    }

    /// Where a (folded) quote sits in the text, with up to `context` characters of text on
    /// each side (cut at a space where there is one): the exact occurrence when there is one,
    /// else the closest passage of [`ArchivedText::closest`], as long as the quote.
    pub fn locate(&self, folded_quote: &str, context: usize) -> Option<Passage> {
        let quote_chars = folded_quote.chars().count();
        let (start, end, exact, agree, at_start) =
            match memchr::memmem::find(self.folded.as_bytes(), folded_quote.as_bytes()) {
                Some(at) if !folded_quote.is_empty() => {
                    (at, at + folded_quote.len(), true, quote_chars, true)
                }
                _ => {
                    let (start, agree, at_start) = self.closest_at(folded_quote)?;
                    // Whole words only: a quote starts and ends on word boundaries.
                    let in_word = |c: char| c.is_alphanumeric() || matches!(c, '\'' | '-');
                    let word_start = self.folded[..start]
                        .char_indices()
                        .rev()
                        .take_while(|&(_, c)| in_word(c))
                        .last()
                        .map_or(start, |(i, _)| i);
                    let end = self.folded[start..]
                        .char_indices()
                        .nth(quote_chars)
                        .map_or(self.folded.len(), |(i, _)| start + i);
                    let end = self.folded[end..]
                        .find(|c: char| !in_word(c))
                        .map_or(self.folded.len(), |i| end + i);
                    (word_start, end, false, agree, at_start)
                }
            };
        let before = &self.folded[..start];
        let from = before
            .char_indices()
            .rev()
            .nth(context.saturating_sub(1))
            .map_or(0, |(i, _)| i);
        let before = if from > 0 {
            // Start after a space so that no word is cut.
            let window = &before[from..];
            window.find(' ').map_or(window, |i| &window[i + 1..])
        } else {
            before
        };
        let after = &self.folded[end..];
        let to = after
            .char_indices()
            .nth(context)
            .map_or(after.len(), |(i, _)| i);
        let after = if to < after.len() {
            let window = &after[..to];
            window.rfind(' ').map_or(window, |i| &window[..i])
        } else {
            after
        };
        Some(Passage {
            before: before.to_string(),
            matched: self.folded[start..end].to_string(),
            after: after.to_string(),
            exact,
            agree,
            agree_at_start: at_start,
            more_before: from > 0,
            more_after: to < self.folded.len() - end,
        })
    }

    /// The byte where the closest passage starts, how many characters of the quote agree, and
    /// whether they are its first (`true`) or its last characters.
    fn closest_at(&self, folded_quote: &str) -> Option<(usize, usize, bool)> {
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
        Some((
            start,
            prefix_chars.max(suffix_chars),
            prefix_chars >= suffix_chars,
        ))
    }
}

/// A quote in its archived text (folded): `before` + `matched` + `after` is a stretch of the
/// text. `exact`: the quote occurs there; otherwise `matched` is the closest passage (whole
/// words) and the first (`agree_at_start`) or last `agree` characters of the quote agree with
/// it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Passage {
    pub before: String,
    pub matched: String,
    pub after: String,
    pub exact: bool,
    pub agree: usize,
    pub agree_at_start: bool,
    /// The text goes on before `before` / after `after`.
    pub more_before: bool,
    pub more_after: bool,
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
    fn xml_markup_is_not_text() {
        let t = ArchivedText::xml(
            b"<FP>the Act (50 U.S.C. 1701 <E T=\"03\">et seq</E>.) &amp; UNSCR&#160;1718 <!-- c > d --></FP>\n<P>next</P>",
        );
        assert!(t.contains(&normalize("the Act (50 U.S.C. 1701 et seq.) & UNSCR 1718")));
        assert!(t.contains(&normalize("next")));
        assert!(!t.contains("<E"));
        assert!(!t.contains("c > d"));
        // A bare ampersand and an unterminated tag are kept as text.
        assert!(ArchivedText::xml(b"A & B <unclosed").contains("A & B <unclosed"));
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
    fn located_quotes_have_context_on_both_sides() {
        let t = text();
        let p = t.locate(&normalize("North Korean officials"), 20).unwrap();
        assert!(p.exact);
        assert_eq!(p.matched, "North Korean officials");
        assert_eq!(p.before, "options\" to hold ");
        assert_eq!(p.after, " accountable - it");
        assert!(p.more_before && p.more_after);
        let p = t.locate(&normalize("\u{AC00}\u{B098}"), 8).unwrap();
        assert_eq!((p.after.as_str(), p.more_after), ("", false));
        let p = t.locate(&normalize("officials accountible"), 10).unwrap();
        assert!(!p.exact);
        assert_eq!(p.matched, "officials accountable");
        assert_eq!(p.agree, "officials account".len());
        assert!(t.locate("zzz", 10).is_none());
        // Agreeing at the end: the passage still starts and ends on whole words.
        let p = t
            .locate(&normalize("XXXXXXXXXX Korean Service. 2014-02-17."), 10)
            .unwrap();
        assert!(!p.exact && !p.agree_at_start);
        assert!(p.before.ends_with(' '), "{p:?}");
        assert!(p.matched.ends_with("2014-02-17."), "{p:?}");
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
