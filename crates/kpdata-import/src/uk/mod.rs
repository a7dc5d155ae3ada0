//! Importer for the UK consolidated list of financial sanctions targets (HM Treasury / OFSI
//! `ConList`): the 2022-format workbook (`.xlsx`, read with calamine) and the older CSV
//! (`sanctionsconlist.csv`, Windows-1252 or UTF-8), DPRK regime only.
//!
//! # Layout
//! Row 1 is `Last Updated,DD/MM/YYYY` (the list's as-of date); row 2 the header; one row per
//! name of a target, rows of a target sharing its `Group ID`. Every header cell must be a known
//! column and every required column present; anything else stops the import naming the column.
//!
//! # Selection
//! Rows whose `Regime` is `Democratic People's Republic of Korea` (2022 format) or
//! `North Korea (Democratic People's Republic of Korea)` (older files).
//!
//! # Field by field (one actor per Group ID: `act-uk-13590`)
//! | column | what happens |
//! |---|---|
//! | `Group ID` | ids; a number, else an error |
//! | `Group Type` | `Individual` → person, `Entity` → organization, `Ship` → vessel; else an error |
//! | `Name 1`..`Name 6` | joined with spaces in that order (OFSI's order: name 6 is the last name): one `actor_names` row per distinct name |
//! | `Alias Type`, `Alias Quality` | `Primary name`/`Prime Alias` → `primary` (the first; later ones `alias`), `Primary name variation` → `name_variation`, `AKA` → `alias` (`weak_alias` with `Low quality`), `FKA` → `previous_name`; kept in `source_quality`; else an error |
//! | `Name Non-Latin Script` | an `original_script` name |
//! | `Title` | `actors.title` (distinct values joined with `; `) |
//! | `DOB` | `dob` facts: `DD/MM/YYYY` with `00` for an unknown day or month (`00/00/1980` → `1980`), or a year alone |
//! | `Town of Birth`, `Country of Birth` | a `pob` fact |
//! | `Nationality` | `actors.nationality` and `nationality` facts, as published |
//! | `Passport Number` (+ `Passport Details`) | a `passport` identifier with the details as note; older files have only `Passport Details`, kept as a `passport_details` fact |
//! | `National Identification Number` / `NI Number` (+ details) | a `national_id` identifier |
//! | `Position` | `position` facts |
//! | `Address 1`..`6`, `Post/Zip Code`, `Country` | an `address` fact (parts joined with `, `) |
//! | `Other Information` | `actors.remarks`; `(UK Sanctions List Ref):DPR0189` → identifier `uk_list_ref`; `(UN Ref):KPe.018` or `UN Ref KPe.018` → identifier `un_ref` (what links the entry to the UN actor); on ships, IMO numbers → `imo_ship` |
//! | `Listed On` | a `listed` designation (`listed_on`) |
//! | `UK Sanctions List Date Designated` | a `designated` designation (`uk_designated`) when it differs from `Listed On` |
//! | `Last Updated` | an `amended` designation (`last_updated`) |
//! | `Regime` | selection; program `uk:DPRK` |
//!
//! Values that repeat on the rows of a group become one row (identifiers and facts are
//! deduplicated by kind and value; the locator names the first file row holding the value).
//!
//! # History
//! Given several snapshots (oldest first), each Group ID's actor is built from the newest
//! snapshot that has it. Between consecutive snapshots, a group that appears gets a `listed`
//! row dated `first_seen_in_list` (window: the two snapshot dates) and a group that disappears
//! gets a `delisted` row dated `first_absent_from_list`, both citing the two snapshots.

mod group;
mod read;

use std::collections::BTreeMap;

pub use read::{read, Snapshot};

use crate::{
    ImportError, Result, Table, ACTORS, ACTOR_FACTS, ACTOR_IDENTIFIERS, ACTOR_NAMES, DESIGNATIONS,
};

/// A file row: its 1-based row number in the file and its cells.
pub(crate) type Row = (usize, Vec<String>);

/// A snapshot's rows by Group ID.
pub(crate) type Groups<'a> = BTreeMap<String, Vec<&'a Row>>;
pub fn import(snapshots: &[(Snapshot, String)]) -> Result<Vec<Table>> {
    let mut t = Tables {
        actors: Table::new("actors", ACTORS, "act-uk-"),
        names: Table::new("actor_names", ACTOR_NAMES, "nam-uk-"),
        idents: Table::new("actor_identifiers", ACTOR_IDENTIFIERS, "idn-uk-"),
        desigs: Table::new("designations", DESIGNATIONS, "des-uk-"),
        facts: Table::new("actor_facts", ACTOR_FACTS, "fct-uk-"),
    };
    // Group ID → (index of the newest snapshot with it).
    let mut groups: Vec<Groups<'_>> = Vec::new();
    for (s, _) in snapshots {
        let gid = s
            .header
            .iter()
            .position(|h| h == "Group ID")
            .expect("required");
        let mut m: Groups<'_> = BTreeMap::new();
        for r in &s.rows {
            let g = r.1[gid].trim().to_string();
            if g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ImportError::new(format!(
                    "row {}: Group ID {g:?} is not a number",
                    r.0
                )));
            }
            m.entry(g).or_default().push(r);
        }
        groups.push(m);
    }
    let mut newest: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, m) in groups.iter().enumerate() {
        for g in m.keys() {
            newest.insert(g, i);
        }
    }
    for (g, &i) in &newest {
        let (snap, src) = &snapshots[i];
        group::group(&mut t, g, &groups[i][*g], snap, src)?;
    }
    // History between consecutive snapshots.
    for i in 1..snapshots.len() {
        let (prev, cur) = (&snapshots[i - 1], &snapshots[i]);
        let sources = format!("{};{}", prev.1, cur.1);
        let (a, b) = (&groups[i - 1], &groups[i]);
        let events = b
            .keys()
            .filter(|g| !a.contains_key(*g))
            .map(|g| (g, "listed", "first-seen", "first_seen_in_list"))
            .chain(
                a.keys()
                    .filter(|g| !b.contains_key(*g))
                    .map(|g| (g, "delisted", "removed", "first_absent_from_list")),
            );
        for (g, action, tag, kind) in events {
            let note = format!(
                "{} the list of {} (absent from / present in the list of {})",
                if action == "listed" {
                    "first present in"
                } else {
                    "first absent from"
                },
                cur.0.as_of,
                prev.0.as_of
            );
            t.desig(
                &format!("des-uk-{g}-{tag}-{}", cur.0.as_of),
                g,
                action,
                &cur.0.as_of,
                kind,
                [&prev.0.as_of, &cur.0.as_of],
                note,
                sources.clone(),
            )?;
        }
    }
    Ok(vec![
        t.actors.finish()?,
        t.names.finish()?,
        t.idents.finish()?,
        t.desigs.finish()?,
        t.facts.finish()?,
    ])
}

pub(crate) struct Tables {
    pub(crate) actors: Table,
    pub(crate) names: Table,
    pub(crate) idents: Table,
    pub(crate) desigs: Table,
    pub(crate) facts: Table,
}

impl Tables {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn desig(
        &mut self,
        id: &str,
        g: &str,
        action: &str,
        date: &str,
        kind: &str,
        window: [&str; 2],
        note: String,
        sources: String,
    ) -> Result<()> {
        self.desigs.push(&[
            ("designation_id", id.to_string()),
            ("actor_id", format!("act-uk-{g}")),
            ("authority", "uk".into()),
            ("programs", "uk:DPRK".into()),
            ("instrument_id", String::new()),
            ("action", action.into()),
            ("action_date", date.into()),
            ("date_kind", kind.into()),
            ("authority_ref", g.to_string()),
            ("window_start", window[0].into()),
            ("window_end", window[1].into()),
            ("note", note),
            ("source_ids", sources),
            ("sensitivity", "public".into()),
        ])
    }
}

/// One group's rows → its actor, names, identifiers, facts and designations.
#[cfg(test)]
mod tests {
    use super::read::{reference_after, uk_date};

    #[test]
    fn dates_and_references() {
        assert_eq!(uk_date("14/03/1970").as_deref(), Some("1970-03-14"));
        assert_eq!(uk_date("00/00/1980").as_deref(), Some("1980"));
        assert_eq!(uk_date("00/05/1980").as_deref(), Some("1980-05"));
        assert_eq!(uk_date("31/02/1980"), None);
        assert_eq!(uk_date("1980").as_deref(), Some("1980"));
        assert_eq!(uk_date("80"), None);
        assert_eq!(
            reference_after(
                "(UK Sanctions List Ref):DPR0189. (UN Ref):KPe.018. The",
                "UN Ref"
            ),
            ["KPe.018"]
        );
        assert_eq!(
            reference_after("UN Ref QDe.004. Emir", "UN Ref"),
            ["QDe.004"]
        );
        assert_eq!(
            reference_after(
                "(UN Reference Number: UN Ref KPe.034) (IMO number)",
                "UN Ref"
            ),
            ["KPe.034"]
        );
        assert_eq!(
            reference_after(
                "(UK Sanctions List Ref):DPR0189. x",
                "(UK Sanctions List Ref)"
            ),
            ["DPR0189"]
        );
    }
}
