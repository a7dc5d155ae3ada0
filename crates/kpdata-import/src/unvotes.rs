//! The UN General Assembly roll-call votes on the resolutions "Situation of human rights in the
//! Democratic People's Republic of Korea", from the extract of the `unvotes` data package
//! (Voeten's UN voting data, reshaped by the R package): one CSV of roll calls, one of the
//! votes of each country.
//!
//! | extract column | goes to |
//! |---|---|
//! | `rcid` | `un_roll_calls.rcid` and the id `rc-unvotes-<rcid>`; `un_votes.rcid` and the id `vote-unvotes-<rcid>-<country_code>` |
//! | `session`, `date`, `unres`, `short`, `descr`, `importantvote`, `amend`, `para` | the same columns of `un_roll_calls`, text as given (mojibake and truncation kept); `date_kind` = `voted` |
//! | `unres` `R/<session>/<number>` | `instrument_id` = `ga-res-<session>-<number>` (the resolution as an instrument; empty for another form) |
//! | `yes`, `no`, `abstain`, `n_countries_recorded` | the same columns, after checking that they equal the votes counted in the votes file (an import of inconsistent files fails) |
//! | `country`, `country_code`, `vote` | the same columns of `un_votes`; a vote other than `yes`, `no`, `abstain` fails the import |
//!
//! Every row cites the extract file it came from and the original data files given to the
//! import (the package's `.rda` files, archived as they were published). Nothing else is read:
//! a session with no roll call stays absent here (the curated `un_vote_gaps` dataset records
//! those gaps; no archived source says the resolutions were adopted without a vote).

use std::collections::BTreeMap;

use crate::{ImportError, Result, Table};

pub const ROLL_CALLS: &[&str] = &[
    "roll_call_id",
    "rcid",
    "session",
    "date",
    "date_kind",
    "unres",
    "instrument_id",
    "short",
    "descr",
    "importantvote",
    "amend",
    "para",
    "yes",
    "no",
    "abstain",
    "n_countries_recorded",
    "source_ids",
    "sensitivity",
];

pub const VOTES: &[&str] = &[
    "vote_id",
    "roll_call_id",
    "rcid",
    "country",
    "country_code",
    "vote",
    "source_ids",
    "sensitivity",
];

const ROLL_CALL_INPUT: &[&str] = &[
    "rcid",
    "session",
    "date",
    "unres",
    "short",
    "descr",
    "importantvote",
    "amend",
    "para",
    "yes",
    "no",
    "abstain",
    "n_countries_recorded",
];
const VOTE_INPUT: &[&str] = &["rcid", "country", "country_code", "vote"];

/// Reads a CSV with exactly the `expected` header.
fn read(bytes: &[u8], what: &str, expected: &[&str]) -> Result<Vec<Vec<String>>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ImportError::new(format!("{what} is not UTF-8: {e}")))?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| ImportError::new(format!("{what}: {e}")))?
        .iter()
        .map(String::from)
        .collect();
    if header != expected {
        return Err(ImportError::new(format!(
            "{what} has the columns {header:?}, expected {expected:?}"
        )));
    }
    rdr.records()
        .map(|r| {
            r.map(|r| r.iter().map(String::from).collect())
                .map_err(|e| ImportError::new(format!("{what}: {e}")))
        })
        .collect()
}

fn number(s: &str, what: &str) -> Result<u64> {
    s.parse()
        .map_err(|_| ImportError::new(format!("{what}: `{s}` is not a whole number")))
}

/// The instrument id of a resolution symbol `R/<session>/<number>`.
fn instrument_id(unres: &str) -> String {
    let parts: Vec<&str> = unres.split('/').collect();
    match parts.as_slice() {
        ["R", s, n]
            if !s.is_empty()
                && !n.is_empty()
                && s.bytes().all(|b| b.is_ascii_digit())
                && n.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("ga-res-{s}-{n}")
        }
        _ => String::new(),
    }
}

/// Imports the two extract files. `roll_calls_src` and `votes_src` are the registry ids of the
/// extract files; `originals` the ids of the data files they were made from (cited by every row).
pub fn import(
    roll_calls_csv: &[u8],
    votes_csv: &[u8],
    roll_calls_src: &str,
    votes_src: &str,
    originals: &[String],
) -> Result<Vec<Table>> {
    let cite = |first: &str| {
        std::iter::once(first.to_string())
            .chain(originals.iter().cloned())
            .collect::<Vec<_>>()
            .join(";")
    };
    let mut counted: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    let mut votes = Table::new("un_votes", VOTES, "vote-unvotes-");
    for (n, r) in read(votes_csv, "the votes file", VOTE_INPUT)?
        .into_iter()
        .enumerate()
    {
        let at = |m: String| ImportError::new(format!("votes file row {}: {m}", n + 1));
        let (rcid, country, code, vote) = (&r[0], &r[1], &r[2], &r[3]);
        number(rcid, "rcid").map_err(|e| at(e.message))?;
        if code.is_empty() || country.is_empty() {
            return Err(at("no country or country code".into()));
        }
        let slot = match vote.as_str() {
            "yes" => 0,
            "no" => 1,
            "abstain" => 2,
            other => return Err(at(format!("unknown vote `{other}`"))),
        };
        counted.entry(rcid.clone()).or_default()[slot] += 1;
        votes.push(&[
            ("vote_id", format!("vote-unvotes-{rcid}-{code}")),
            ("roll_call_id", format!("rc-unvotes-{rcid}")),
            ("rcid", rcid.clone()),
            ("country", country.clone()),
            ("country_code", code.clone()),
            ("vote", vote.clone()),
            ("source_ids", cite(votes_src)),
            ("sensitivity", "public".into()),
        ])?;
    }
    let mut calls = Table::new("un_roll_calls", ROLL_CALLS, "rc-unvotes-");
    for (n, r) in read(roll_calls_csv, "the roll-calls file", ROLL_CALL_INPUT)?
        .into_iter()
        .enumerate()
    {
        let at = |m: String| ImportError::new(format!("roll-calls file row {}: {m}", n + 1));
        let rcid = &r[0];
        number(rcid, "rcid").map_err(|e| at(e.message))?;
        let given = [
            number(&r[9], "yes").map_err(|e| at(e.message))?,
            number(&r[10], "no").map_err(|e| at(e.message))?,
            number(&r[11], "abstain").map_err(|e| at(e.message))?,
        ];
        let total = number(&r[12], "n_countries_recorded").map_err(|e| at(e.message))?;
        let found = counted.remove(rcid).unwrap_or_default();
        if given != found || total != found.iter().sum::<u64>() {
            return Err(at(format!(
                "rcid {rcid}: the counts yes/no/abstain {}/{}/{} (total {total}) differ from the {} votes in the votes file ({}/{}/{})",
                given[0], given[1], given[2], found.iter().sum::<u64>(), found[0], found[1], found[2]
            )));
        }
        let cell = |i: usize| r[i].clone();
        calls.push(&[
            ("roll_call_id", format!("rc-unvotes-{rcid}")),
            ("rcid", rcid.clone()),
            ("session", cell(1)),
            ("date", cell(2)),
            ("date_kind", "voted".into()),
            ("unres", cell(3)),
            ("instrument_id", instrument_id(&r[3])),
            ("short", cell(4)),
            ("descr", cell(5)),
            ("importantvote", cell(6)),
            ("amend", cell(7)),
            ("para", cell(8)),
            ("yes", cell(9)),
            ("no", cell(10)),
            ("abstain", cell(11)),
            ("n_countries_recorded", cell(12)),
            ("source_ids", cite(roll_calls_src)),
            ("sensitivity", "public".into()),
        ])?;
    }
    if let Some((rcid, _)) = counted.into_iter().next() {
        return Err(ImportError::new(format!(
            "the votes file has votes for rcid {rcid}, which the roll-calls file does not list"
        )));
    }
    Ok(vec![calls.finish()?, votes.finish()?])
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALLS: &str = "rcid,session,date,unres,short,descr,importantvote,amend,para,yes,no,abstain,n_countries_recorded\n5377,69,2014-12-18,R/69/188,,Situation : resolution,1,,,1,1,0,2\n";
    const VOTES_CSV: &str =
        "rcid,country,country_code,vote\n5377,North Korea,KP,no\n5377,Japan,JP,yes\n";

    #[test]
    fn imports_and_cites_the_originals() {
        let t = import(
            CALLS.as_bytes(),
            VOTES_CSV.as_bytes(),
            "src-rc",
            "src-v",
            &["src-rda".into()],
        )
        .unwrap();
        assert_eq!(t[0].rows.len(), 1);
        assert_eq!(t[0].rows[0][6], "ga-res-69-188");
        assert_eq!(t[0].rows[0][16], "src-rc;src-rda");
        assert_eq!(t[1].rows[0][0], "vote-unvotes-5377-JP");
        assert_eq!(t[1].rows[1][5], "no");
    }

    #[test]
    fn inconsistent_counts_or_unknown_votes_fail() {
        let bad = CALLS.replace(",1,1,0,2", ",2,1,0,3");
        let e = import(bad.as_bytes(), VOTES_CSV.as_bytes(), "a", "b", &[]).unwrap_err();
        assert!(e.message.contains("differ"), "{}", e.message);
        let bad = VOTES_CSV.replace("JP,yes", "JP,absent");
        let e = import(CALLS.as_bytes(), bad.as_bytes(), "a", "b", &[]).unwrap_err();
        assert!(e.message.contains("unknown vote"), "{}", e.message);
        let extra = format!("{VOTES_CSV}9999,France,FR,yes\n");
        assert!(import(CALLS.as_bytes(), extra.as_bytes(), "a", "b", &[]).is_err());
        assert_eq!(instrument_id("A/RES/69/188"), "");
    }
}
