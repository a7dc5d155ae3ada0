//! The first-seen history of DPRK-related OFAC SDN entries (`ofac_dprk_first_seen.csv`, made
//! from the git history of a daily scrape of sdn.csv; see its README): for each ent_num, the
//! first scrape that contains it and the last one before, which has it absent. The two scrape
//! times bound the day the entry was published; they are not OFAC's designation date. Entries
//! present in the first readable scrape have no window (`before 2021-05-22T22:01:59.998Z`): they
//! stay undated.

use std::collections::BTreeMap;

use crate::{ImportError, Result};

/// The columns the file must have, in this order.
pub const COLUMNS: &[&str] = &[
    "ent_num",
    "name",
    "sdn_type",
    "programs",
    "dprk_match_rule",
    "first_seen_commit",
    "first_seen_time",
    "first_seen_utc_date",
    "previous_commit",
    "previous_time",
    "window_hours",
    "window_bucket",
    "programs_at_first_seen",
    "first_dprk_match_commit",
    "first_dprk_match_time",
    "last_seen_commit",
    "last_seen_time",
    "present_in_last_readable",
    "first_absent_commit",
    "first_absent_time",
    "n_removals",
    "n_re_additions",
    "n_program_changes",
    "n_name_changes",
];

/// One ent_num's first appearance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstSeen {
    pub ent_num: String,
    pub name: String,
    /// `None` when the entry was already in the first readable scrape (no window).
    pub window: Option<Window>,
    pub present_in_last: bool,
}

/// The window between the last scrape without the entry and the first with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// UTC times as written in the commit messages (`2022-12-10T08:25:59.903Z`).
    pub previous_time: String,
    pub previous_commit: String,
    pub first_seen_time: String,
    pub first_seen_commit: String,
}

impl Window {
    /// The UTC day of the last scrape without the entry.
    pub fn start_date(&self) -> &str {
        &self.previous_time[..10]
    }
    /// The UTC day of the first scrape with the entry.
    pub fn end_date(&self) -> &str {
        &self.first_seen_time[..10]
    }
}

fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 24
        && crate::dates::iso_partial(&s[..10]).is_some_and(|d| d.len() == 10)
        && b[10] == b'T'
        && b[23] == b'Z'
}

fn is_commit(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads the file; every row must be consistent (a window's times are times, its end after its
/// start, the first-seen day the day of the first-seen time).
pub fn read(bytes: &[u8]) -> Result<BTreeMap<String, FirstSeen>> {
    let err = |m: String| ImportError::new(format!("ofac_dprk_first_seen.csv: {m}"));
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| err(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    if header != COLUMNS {
        let missing: Vec<&str> = COLUMNS
            .iter()
            .filter(|c| !header.iter().any(|h| h == *c))
            .copied()
            .collect();
        return Err(err(format!(
            "unexpected columns [{}] (missing: [{}])",
            header.join(", "),
            missing.join(", ")
        )));
    }
    let mut out = BTreeMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| err(e.to_string()))?;
        let f = |name: &str| {
            let i = COLUMNS.iter().position(|c| *c == name).expect("column");
            rec.get(i).unwrap_or("").to_string()
        };
        let at = |m: &str| err(format!("row {}: ent_num {}: {m}", i + 2, f("ent_num")));
        let ent = f("ent_num");
        if ent.is_empty() || !ent.bytes().all(|b| b.is_ascii_digit()) {
            return Err(at("ent_num is not a number"));
        }
        let first = f("first_seen_time");
        let window = if first.starts_with("before ") {
            if !f("previous_time").is_empty() || !f("first_seen_utc_date").is_empty() {
                return Err(at("an entry of the first scrape with a window"));
            }
            None
        } else {
            let w = Window {
                previous_time: f("previous_time"),
                previous_commit: f("previous_commit"),
                first_seen_time: first,
                first_seen_commit: f("first_seen_commit"),
            };
            if !is_time(&w.previous_time)
                || !is_time(&w.first_seen_time)
                || !is_commit(&w.previous_commit)
                || !is_commit(&w.first_seen_commit)
                || w.previous_time >= w.first_seen_time
                || f("first_seen_utc_date") != w.end_date()
            {
                return Err(at(
                    "the window is not two ordered scrape times with commits",
                ));
            }
            Some(w)
        };
        let present = match f("present_in_last_readable").as_str() {
            "yes" => true,
            "no" => false,
            other => return Err(at(&format!("present_in_last_readable {other:?}"))),
        };
        let row = FirstSeen {
            ent_num: ent.clone(),
            name: f("name"),
            window,
            present_in_last: present,
        };
        if out.insert(ent, row).is_some() {
            return Err(at("ent_num twice"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_windows_and_refuses_inconsistent_rows() {
        let head = COLUMNS.join(",");
        let c = "a".repeat(40);
        let ok = format!(
            "{head}\n1,A,,DPRK,program,{c},before 2021-05-22T22:01:59.998Z,,,,,,DPRK,,,{c},2024-07-02T08:24:03.699Z,yes,,,0,0,0,0\n\
             2,B,,DPRK,program,{c},2022-12-10T08:25:59.903Z,2022-12-10,{c},2022-12-09T08:26:30.763Z,23.99,<=1 day,DPRK,,,{c},2024-07-02T08:24:03.699Z,yes,,,0,0,0,0\n"
        );
        let m = read(ok.as_bytes()).unwrap();
        assert_eq!(m["1"].window, None);
        let w = m["2"].window.as_ref().unwrap();
        assert_eq!((w.start_date(), w.end_date()), ("2022-12-09", "2022-12-10"));
        let bad = ok.replace("2022-12-10,", "2022-12-11,");
        assert!(read(bad.as_bytes()).is_err());
        let bad = ok.replace("ent_num,", "ent,");
        assert!(read(bad.as_bytes())
            .unwrap_err()
            .message
            .contains("missing: [ent_num]"));
    }
}
