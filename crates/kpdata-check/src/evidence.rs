//! What a record claims, checked against the words of its cited sources: the dates a text
//! contains, in any common format (rule date-not-in-source), and the labels a text puts on a
//! number (rule identifier-label-mismatch).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use kpdata_diagnostics::escape_value;

use crate::dates::{days_in_month, Day, PartialDate};
use crate::registry::{Registry, Source};

/// Every date a text contains: full days, months named with a year, and years.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TextDates {
    pub days: BTreeSet<Day>,
    pub months: BTreeSet<(i32, u8)>,
    pub years: BTreeSet<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// A run of ASCII digits: its value (saturated) and length.
    Num(u32, u8),
    /// A month name or abbreviation (1-12).
    Month(u8),
    /// An ordinal suffix (`st`, `nd`, `rd`, `th`).
    Ordinal,
    Word,
    Punct(char),
}

fn month_of(word: &str) -> Option<u8> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.to_ascii_lowercase();
    if let Some(i) = NAMES.iter().position(|n| *n == w) {
        return Some(i as u8 + 1);
    }
    if w == "sept" {
        return Some(9);
    }
    if w.len() == 3 && w != "may" {
        return NAMES
            .iter()
            .position(|n| n.starts_with(&w))
            .map(|i| i as u8 + 1);
    }
    None
}

fn tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            let start = i;
            let mut v: u32 = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                v = v.saturating_mul(10).saturating_add((b[i] - b'0') as u32);
                i += 1;
            }
            out.push(Tok::Num(v, (i - start).min(255) as u8));
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            let w = &text[start..i];
            out.push(match month_of(w) {
                Some(m) => Tok::Month(m),
                None if matches!(w, "st" | "nd" | "rd" | "th") => Tok::Ordinal,
                None => Tok::Word,
            });
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii() {
            out.push(Tok::Punct(c as char));
            i += 1;
        } else {
            // A non-ASCII character: a word boundary that no date pattern crosses.
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            out.push(Tok::Word);
            i += len;
        }
    }
    out
}

fn valid(y: u32, m: u32, d: u32) -> Option<Day> {
    let (y, m) = (i32::try_from(y).ok()?, u8::try_from(m).ok()?);
    if !(1000..=2999).contains(&y) || !(1..=12).contains(&m) {
        return None;
    }
    let d = u8::try_from(d).ok()?;
    (d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

/// Finds the dates in a text: ISO (`2014-02-07`, also with `/` or `.`), numeric day-first and
/// month-first (`07/02/2014` counts as both 7 February and 2 July), `7 February 2014`,
/// `7th Feb. 2014`, `February 7, 2014`, `February 2014` and four-digit years.
pub fn dates_in_text(text: &str) -> TextDates {
    let t = tokens(text);
    let mut out = TextDates::default();
    let num = |i: usize| match t.get(i) {
        Some(Tok::Num(v, n)) => Some((*v, *n)),
        _ => None,
    };
    let punct = |i: usize, set: &str| matches!(t.get(i), Some(Tok::Punct(c)) if set.contains(*c));
    for i in 0..t.len() {
        match t[i] {
            Tok::Num(v, 4) => {
                if (1000..=2999).contains(&v) {
                    out.years.insert(v as i32);
                }
                // Y-M-D
                if punct(i + 1, "-/.") && punct(i + 3, "-/.") {
                    if let (Some((m, 1..=2)), Some((d, 1..=2))) = (num(i + 2), num(i + 4)) {
                        if let Some(day) = valid(v, m, d) {
                            out.days.insert(day);
                        }
                    }
                }
            }
            Tok::Num(a, 1..=2) => {
                // D/M/Y and M/D/Y
                if punct(i + 1, "/.-") && punct(i + 3, "/.-") {
                    if let (Some((b, 1..=2)), Some((y, 4))) = (num(i + 2), num(i + 4)) {
                        for (m, d) in [(b, a), (a, b)] {
                            if let Some(day) = valid(y, m, d) {
                                out.days.insert(day);
                            }
                        }
                    }
                }
                // D Month Y
                let mut j = i + 1;
                if t.get(j) == Some(&Tok::Ordinal) {
                    j += 1;
                }
                if let Some(Tok::Month(m)) = t.get(j) {
                    let mut k = j + 1;
                    while punct(k, ".,") {
                        k += 1;
                    }
                    if let Some((y, 4)) = num(k) {
                        if let Some(day) = valid(y, *m as u32, a) {
                            out.days.insert(day);
                        }
                    }
                }
            }
            Tok::Month(m) => {
                let mut j = i + 1;
                if punct(j, ".") {
                    j += 1;
                }
                // Month Y
                let mut k = j;
                if punct(k, ",") {
                    k += 1;
                }
                if let Some((y, 4)) = num(k) {
                    if (1000..=2999).contains(&y) {
                        out.months.insert((y as i32, m));
                    }
                }
                // Month D, Y
                if let Some((d, 1..=2)) = num(j) {
                    let mut k = j + 1;
                    if t.get(k) == Some(&Tok::Ordinal) {
                        k += 1;
                    }
                    if punct(k, ",") {
                        k += 1;
                    }
                    if let Some((y, 4)) = num(k) {
                        if let Some(day) = valid(y, m as u32, d) {
                            out.days.insert(day);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for &(y, m, _) in &out.days {
        out.months.insert((y, m));
    }
    let months: Vec<i32> = out.months.iter().map(|(y, _)| *y).collect();
    out.years.extend(months);
    out
}

impl TextDates {
    /// Whether the text contains the date at its precision (a year-only date: the year; a
    /// month: that month named or any day in it; a day: that day).
    pub fn contains(&self, date: &PartialDate) -> bool {
        match (date.month, date.day) {
            (Some(m), Some(d)) => self.days.contains(&(date.year, m, d)),
            (Some(m), None) => self.months.contains(&(date.year, m)),
            _ => self.years.contains(&date.year),
        }
    }
}

fn day_number(d: Day) -> i64 {
    let (y, m, dd) = (d.0 as i64, d.1 as i64, d.2 as i64);
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The day in `days` closest to `date` (ties: the earlier).
pub fn closest_day(days: &BTreeSet<Day>, date: &PartialDate) -> Option<Day> {
    let target = day_number(date.earliest());
    days.iter()
        .copied()
        .min_by_key(|d| ((day_number(*d) - target).abs(), day_number(*d)))
}

/// For each value a label stands before in one text, the indices of the labels used.
type LabelIndex = HashMap<String, BTreeSet<usize>>;

/// The labels that name identifier schemes in source texts (`source_labels` of the scheme
/// vocabulary), and per source the schemes whose label stands before each value.
#[derive(Debug, Default)]
pub struct SchemeLabels {
    /// (label folded to lowercase, scheme key, label as written)
    labels: Vec<(String, String, String)>,
    index: Mutex<HashMap<String, Arc<LabelIndex>>>,
}

impl SchemeLabels {
    /// `pairs` = (scheme key, `;`-separated labels).
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> SchemeLabels {
        let mut labels = Vec::new();
        for (scheme, list) in pairs {
            for l in list.split(';').map(str::trim).filter(|l| !l.is_empty()) {
                labels.push((
                    crate::quote::normalize(l).to_lowercase(),
                    scheme.to_string(),
                    l.to_string(),
                ));
            }
        }
        SchemeLabels {
            labels,
            index: Mutex::new(HashMap::new()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// For each value a label stands before in `text` (spaces, `:` and `#` may separate them),
    /// the labels used. Built once per source.
    fn index_of(&self, source: &str, text: &str) -> Arc<LabelIndex> {
        if let Some(ix) = self.index.lock().ok().and_then(|m| m.get(source).cloned()) {
            return ix;
        }
        let lower = text.to_lowercase();
        let mut ix: LabelIndex = HashMap::new();
        for (n, (label, _, _)) in self.labels.iter().enumerate() {
            for at in memchr::memmem::find_iter(lower.as_bytes(), label.as_bytes()) {
                let rest = &lower[at + label.len()..];
                let rest = rest.trim_start_matches([' ', ':', '#']);
                let value: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if !value.is_empty() {
                    ix.entry(value).or_default().insert(n);
                }
            }
        }
        let ix = Arc::new(ix);
        if let Ok(mut m) = self.index.lock() {
            m.insert(source.to_string(), ix.clone());
        }
        ix
    }

    /// What `text` (the folded archived text of `source`) says of `value`: None when it puts
    /// no known label on it, `Ok(())` when one of its labels is a label of `scheme`, else the
    /// other labels (as written, with their schemes).
    pub fn judge(
        &self,
        source: &str,
        text: &str,
        scheme: &str,
        value: &str,
    ) -> Option<Result<(), Vec<(String, String)>>> {
        let ix = self.index_of(source, text);
        let used = ix.get(&value.to_lowercase())?;
        if used.iter().any(|&n| self.labels[n].1 == scheme) {
            return Some(Ok(()));
        }
        Some(Err(used
            .iter()
            .map(|&n| (self.labels[n].2.clone(), self.labels[n].1.clone()))
            .collect()))
    }
}

/// Rule official-copy-incomplete: the message when the record cites official sources but
/// every one of them is archived as an incomplete copy (custody not recorded is left to rule
/// custody-missing).
pub fn official_copy_finding(known: &[&Source]) -> Option<String> {
    let official: Vec<&&Source> = known.iter().filter(|s| s.official).collect();
    if official.is_empty() || official.iter().any(|s| s.full_text() != Some(false)) {
        return None;
    }
    let named: Vec<String> = official
        .iter()
        .map(|s| format!("`{}` ({})", s.id, s.custody.as_deref().unwrap_or("")))
        .collect();
    Some(format!(
        "the official sources the record cites ({}) are archived only as incomplete copies; cite an exact copy or a faithful conversion",
        named.join(", ")
    ))
}

/// Rule date-not-in-source for one date of a record citing `known`: None when a cited text
/// contains it (or a cited text cannot be read, so nothing can be judged); else whether the
/// note explains it (names the rule) and the message.
pub fn date_finding(
    registry: &Registry,
    known: &[&Source],
    value: &str,
    note: Option<&str>,
) -> Option<(bool, String)> {
    let date = PartialDate::parse(value)?;
    let mut texts = Vec::new();
    for s in known {
        let text = registry.text(&s.id)?;
        if text.dates().contains(&date) {
            return None;
        }
        texts.push((s, text));
    }
    if texts.is_empty() {
        return None;
    }
    let ids: Vec<String> = texts.iter().map(|(s, _)| format!("`{}`", s.id)).collect();
    let mut msg = format!(
        "`{value}` occurs in the archived text of none of the cited sources ({})",
        ids.join(", ")
    );
    let closest = texts
        .iter()
        .filter_map(|(s, t)| closest_day(&t.dates().days, &date).map(|d| (d, s)))
        .min_by_key(|(d, _)| {
            let t = day_number(date.earliest());
            ((day_number(*d) - t).abs(), day_number(*d))
        });
    match closest {
        Some((d, s)) => msg.push_str(&format!(
            "; the closest date found there is {} (in `{}`)",
            crate::dates::format_day(d),
            s.id
        )),
        None => msg.push_str("; no date was found in them"),
    }
    let explained = note.is_some_and(|n| n.contains("date-not-in-source"));
    if explained {
        msg.push_str("; explained in the record's note");
    }
    Some((explained, msg))
}

/// Rule identifier-label-mismatch for one identifier: the message when the cited texts label
/// `value` only with other schemes' labels.
pub fn label_finding(
    labels: &SchemeLabels,
    registry: &Registry,
    known: &[&Source],
    scheme: &str,
    value: &str,
) -> Option<String> {
    let mut other = None;
    for s in known {
        let Some(text) = registry.text(&s.id) else {
            continue;
        };
        match labels.judge(&s.id, text.as_str(), scheme, value) {
            Some(Ok(())) => return None,
            Some(Err(used)) => {
                other.get_or_insert((s.id.clone(), used));
            }
            None => {}
        }
    }
    let (id, used) = other?;
    let named: Vec<String> = used
        .iter()
        .map(|(label, other_scheme)| {
            format!(
                "\"{}\" (scheme `{}`)",
                escape_value(label, 60),
                escape_value(other_scheme, 40)
            )
        })
        .collect();
    Some(format!(
        "`{}` is recorded as `{}`, but `{id}` labels it {}",
        escape_value(value, 60),
        escape_value(scheme, 40),
        named.join(" and ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    #[test]
    fn finds_dates_in_every_common_format() {
        for (text, date) in [
            ("Distr.: General 7 February 2014", "2014-02-07"),
            ("Executive Order 13687 of January 2, 2015", "2015-01-02"),
            ("<LISTED_ON>2009-04-24</LISTED_ON>", "2009-04-24"),
            ("dateGenerated='2024-09-26T00:00:07.514Z'", "2024-09-26"),
            ("concluded on 23 Jul. 2010.", "2010-07-23"),
            ("Last Updated,14/04/2025", "2025-04-14"),
            ("on 07/02/2014", "2014-02-07"),
            ("on 07/02/2014", "2014-07-02"),
            ("the 2nd of... no; March 2nd, 2016", "2016-03-02"),
            ("2014.12.18", "2014-12-18"),
            ("in April 2009", "2009-04"),
            ("on 18 December 2014", "2014-12"),
            ("of 2016 (Public Law 114-122)", "2016"),
            ("Sept. 20, 2017", "2017-09-20"),
        ] {
            assert!(dates_in_text(text).contains(&d(date)), "{date} in {text:?}");
        }
    }

    #[test]
    fn a_changed_day_or_an_impossible_date_is_not_found() {
        let t = dates_in_text("dated 19 February 2014; 2015-02-30; 31 April 2014; May 2014");
        assert!(!t.contains(&d("2014-02-07")));
        assert!(!t.days.contains(&(2014, 4, 31)));
        assert!(!t.days.iter().any(|x| x.0 == 2015));
        assert!(t.contains(&d("2014-05")));
        assert!(!t.contains(&d("2013")));
        assert_eq!(closest_day(&t.days, &d("2014-02-07")), Some((2014, 2, 19)));
        // Digits inside longer numbers are not dates: 120142 is not 2014.
        assert!(dates_in_text("ent_num 120142").years.is_empty());
    }

    #[test]
    fn labels_name_schemes() {
        let l = SchemeLabels::new([
            ("imo_ship", "Vessel Registration Identification IMO"),
            (
                "imo_company",
                "Company Number IMO;Identification Number IMO",
            ),
        ]);
        let text = "X; Vessel Registration Identification IMO 5878589; Y; alt. Identification Number IMO 5405737; Z, Company Number IMO 1991835; W, Vessel Registration Identification IMO 1991835.";
        let bad = l
            .judge("s", text, "imo_company", "5878589")
            .unwrap()
            .unwrap_err();
        assert_eq!(bad[0].1, "imo_ship");
        assert!(l.judge("s", text, "imo_ship", "5878589") == Some(Ok(())));
        assert!(l
            .judge("s", text, "imo_company", "5405737")
            .is_some_and(|r| r.is_ok()));
        assert!(l
            .judge("s", text, "imo_company", "1991835")
            .is_some_and(|r| r.is_ok()));
        assert!(l.judge("s", text, "passport", "1234567").is_none());
        assert!(l
            .judge("s", text, "passport", "5405737")
            .is_some_and(|r| r.is_err()));
    }
}
