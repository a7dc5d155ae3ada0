//! Importer for the OFAC SDN list in its legacy CSV form (`sdn.csv`, with aliases from
//! `alt.csv`).
//!
//! # The legacy format, and how each quirk is handled
//! - No header row: columns are positional (OFAC `dat_spec.txt`): sdn.csv has 12
//!   (`ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag,
//!   Vess_owner, Remarks`), alt.csv has 5 (`ent_num, alt_num, alt_type, alt_name, alt_remarks`).
//!   A record with another number of fields is an error.
//! - `-0-` (often unquoted and followed by a space: `-0- `) means empty.
//! - CRLF line ends (read by the csv crate as record terminators).
//! - A DOS end-of-file byte 0x1A after the last record is dropped; a 0x1A anywhere else is an
//!   error.
//! - Several program tags in one field as `A] [B`: split on `] [`; each tag is trimmed; a
//!   leftover bracket is an error.
//! - Bytes must be UTF-8 (the files are plain ASCII); surrounding spaces are trimmed.
//!
//! # Selection (the rule of `extract.py` in the sources folder: 598 rows of the 2024-07-02 file)
//! Every sdn.csv record with a program tag starting with `DPRK` (DPRK, DPRK2, DPRK3, DPRK4,
//! DPRK-NKSPEA), plus every record tagged `NPWMD` whose Remarks contain
//! `North Korea Sanctions Regulations`. `designations.note` says which rule picked the row.
//!
//! # Field by field
//! | field | what happens |
//! |---|---|
//! | `ent_num` | ids (`act-ofac-12210`, `des-ofac-12210`), `designations.authority_ref`, identifier scheme `ofac_ent_num` |
//! | `SDN_Name` | `actors.primary_name` and the `primary` name row |
//! | `SDN_Type` | `actors.actor_type`: empty → `organization`, `individual` → `person`, `vessel` → `vessel`, `aircraft` → `aircraft`; any other value (in any row of the file) is an error |
//! | `Program` | `designations.programs` as `ofac:<TAG>` keys in published order; a tag outside the known set (DPRK, DPRK2, DPRK3, DPRK4, DPRK-NKSPEA, NPWMD, CYBER2) on a selected row is an error |
//! | `Title` | `actors.title` |
//! | `Call_Sign` | identifier scheme `call_sign` |
//! | `Vess_type`, `Vess_flag`, `Tonnage`, `GRT`, `Vess_owner` | `actors.vessel_type`, `vessel_flag`, `vessel_tonnage`, `vessel_grt`, `vessel_owner` as published |
//! | `Remarks` | `actors.remarks`; selection; a 7-digit number labelled IMO gives an identifier: scheme `imo_ship` on vessels (check digit verified, a failing one is an error), `imo_company` on organisations labelled "Company Number IMO" or "Identification Number IMO", `imo_vessel_label` on organisations labelled "Vessel Registration Identification IMO" (the label names a vessel, the entry is a company: recorded as labelled, claiming neither); numbers of another length are not taken. The Remarks are also cut into items and parsed ([`crate::remarks`]): dates and places of birth, nationalities, gender, `Linked To:` and other details become `actor_facts` rows (`fct-ofac-12210-rem-3`: item 3), passports, national ids, registration numbers, SWIFT/BIC codes and other numbers become typed `actor_identifiers` rows (`idn-ofac-12210-rem-3`); items the parser does not understand are counted and returned ([`Imported::unparsed`]), never dropped silently. |
//! | add `ent_num`, `add_num`, `address`, `city/state/postal`, `country`, `add_remarks` | (with `--add`) one `actor_facts` row of kind `address` per non-empty address of a selected entry (`fct-ofac-12210-add-345`): the three parts joined with `, `, `add_remarks` in the note |
//! | history `first_seen_time`, `previous_time` | (with `--history`) the entry's `listed` designation gets `action_date` = the first-seen UTC day, `date_kind` `first_seen_in_list`, `window_start`/`window_end` = the UTC days of the last scrape without the entry and the first with it, and cites the history too; entries already in the first readable scrape stay undated (their note says so). A selected entry missing from the history is an error. |
//! | alt `ent_num` | join key: only rows whose ent_num is a selected sdn.csv entry are used (alt.csv is a newer file with entries the sdn.csv copy lacks) |
//! | alt `alt_num` | the name id (`nam-ofac-12210-alt-345`) |
//! | alt `alt_type` | kept in `source_quality` and mapped: `aka` → `alias`, `fka` → `previous_name`; any other value on a used row is an error |
//! | alt `alt_name` | `actor_names.name` |
//! | alt `alt_remarks` | `actor_names.note` |
//!
//! # Certain matches with the UN list
//! Given [`Links`] (the IMO numbers of the UN import, see [`links_from`]), an OFAC entry whose
//! IMO number is identical to a UN actor's is the same actor: it gets no `actors` row of its own;
//! its designation, names and entity number point at the UN actor, and its designation note says
//! so (with the OFAC Remarks, which would otherwise be lost). Names are never used to match.
//! Two OFAC entries are never merged with each other: the 2024-07-02 file gives IMO 1991835 to
//! two differently named entries (ent_num 19583, labelled "Vessel Registration Identification",
//! and 23723, "Company Number"); both keep their own actor and identifier row, side by side.
//! If two OFAC entries carry the IMO number of one UN actor, the import fails.
//!
//! The SDN file has no dates: every designation row has an empty `action_date`. Rows cite the
//! sdn.csv source, alias rows the alt.csv source.

use std::collections::BTreeMap;

mod addresses;
mod entry;
mod legacy;

use entry::Builder;
pub use legacy::read_legacy;

use crate::history::FirstSeen;
use crate::script;
use crate::{check_nfc, ImportError, Result, Table};

/// Everything one OFAC import reads (bytes and the source id each row cites).
pub struct OfacInput<'a> {
    pub sdn: &'a [u8],
    pub sdn_source: &'a str,
    /// alt.csv (aliases).
    pub alt: Option<(&'a [u8], &'a str)>,
    /// add.csv (addresses).
    pub add: Option<(&'a [u8], &'a str)>,
    /// The first-seen history ([`crate::history::read`]).
    pub history: Option<(&'a BTreeMap<String, FirstSeen>, &'a str)>,
    pub links: &'a Links,
}

/// The result of an OFAC import.
pub struct Imported {
    /// `actors`, `actor_names`, `actor_identifiers`, `designations`, `actor_facts`.
    pub tables: Vec<Table>,
    /// Remarks items of the selected entries, in all.
    pub remark_items: usize,
    /// (ent_num, item) of every Remarks item the parser did not understand, in file order.
    pub unparsed: Vec<(String, String)>,
    /// ent_nums the history dates (a window) that the selection did not pick.
    pub history_unselected: Vec<String>,
}

/// Program tags this importer knows (on selected rows).
pub const KNOWN_TAGS: &[&str] = &[
    "DPRK",
    "DPRK2",
    "DPRK3",
    "DPRK4",
    "DPRK-NKSPEA",
    "NPWMD",
    "CYBER2",
];

const SDN_COLUMNS: usize = 12;
const ALT_COLUMNS: usize = 5;

/// Identifiers of actors of another list, for certain matches: (scheme, value) → (actor_id,
/// reference, value). Only IMO numbers (`imo_ship`, `imo_company`) are used: never names.
pub type Links = BTreeMap<(String, String), (String, String, String)>;

/// The IMO numbers of the actors in another import's tables (the UN list's), keyed for [`import`].
/// A number held by two actors there is ambiguous and is an error.
pub fn links_from(tables: &[Table]) -> Result<Links> {
    let mut out = Links::new();
    let Some(idents) = tables.iter().find(|t| t.name == "actor_identifiers") else {
        return Ok(out);
    };
    let col = |n: &str| {
        idents
            .header
            .iter()
            .position(|h| h == n)
            .expect("identifier columns")
    };
    let (actor, scheme, value) = (col("actor_id"), col("scheme"), col("value"));
    let mut refs: BTreeMap<&str, &str> = BTreeMap::new();
    for r in &idents.rows {
        if r[scheme] == "un_ref" {
            refs.insert(&r[actor], &r[value]);
        }
    }
    for r in &idents.rows {
        if r[scheme] != "imo_ship" && r[scheme] != "imo_company" {
            continue;
        }
        let reference = refs.get(r[actor].as_str()).copied().unwrap_or(&r[actor]);
        let entry = (r[actor].clone(), reference.to_string(), r[value].clone());
        if let Some(prev) = out.insert((r[scheme].clone(), r[value].clone()), entry) {
            if prev.0 != r[actor] {
                return Err(ImportError::new(format!(
                    "IMO number {} is held by two actors ({} and {}): no certain match",
                    r[value], prev.0, r[actor]
                )));
            }
        }
    }
    Ok(out)
}

/// How OFAC labels IMO numbers in Remarks (kept in the identifier's note).
const IMO_LABELS: &[&str] = &[
    "Vessel Registration Identification",
    "alt. Identification Number",
    "Identification Number",
    "Company Number",
];

/// Why a row was selected, or `None`.
pub fn selection_rule(tags: &[String], remarks: &str) -> Option<&'static str> {
    if tags.iter().any(|t| t.starts_with("DPRK")) {
        Some("selected: OFAC program tag DPRK*")
    } else if tags.iter().any(|t| t == "NPWMD")
        && remarks.contains("North Korea Sanctions Regulations")
    {
        Some("selected: NPWMD entry whose Remarks cite the North Korea Sanctions Regulations")
    } else {
        None
    }
}

/// Imports the DPRK-program entries of sdn.csv (and their aliases from alt.csv, if given).
/// `links` (from [`links_from`] on the UN import, or empty) joins entries with an identical IMO
/// number to the UN actor. Returns `actors`, `actor_names`, `actor_identifiers` and
/// `designations`, sorted by id.
pub fn import(
    sdn: &[u8],
    alt: Option<&[u8]>,
    links: &Links,
    sdn_source_id: &str,
    alt_source_id: &str,
) -> Result<Vec<Table>> {
    Ok(import_full(&OfacInput {
        sdn,
        sdn_source: sdn_source_id,
        alt: alt.map(|a| (a, alt_source_id)),
        add: None,
        history: None,
        links,
    })?
    .tables)
}

/// [`import`] with addresses and the first-seen history, and the Remarks parse counts.
pub fn import_full(input: &OfacInput<'_>) -> Result<Imported> {
    let mut b = Builder::new(input);
    for r in read_legacy(input.sdn, SDN_COLUMNS, "sdn.csv")? {
        b.entry(r)?;
    }
    if let Some((add, add_source_id)) = input.add {
        addresses::import(add, add_source_id, &b.selected, &mut b.facts)?;
    }
    let mut history_unselected = Vec::new();
    if let Some((hist, _)) = input.history {
        for h in hist.values() {
            if h.window.is_some() && !b.selected.contains_key(&h.ent_num) {
                history_unselected.push(h.ent_num.clone());
            }
        }
        history_unselected.sort_by(|a, b| crate::natural_cmp(a, b));
    }
    if let Some((alt, alt_source_id)) = input.alt {
        aliases(alt, alt_source_id, &b.selected, &mut b.names)?;
    }
    Ok(Imported {
        tables: vec![
            b.actors.finish()?,
            b.names.finish()?,
            b.idents.finish()?,
            b.desigs.finish()?,
            b.facts.finish()?,
        ],
        remark_items: b.remark_items,
        unparsed: b.unparsed,
        history_unselected,
    })
}

/// The `alias` and `previous_name` rows of alt.csv for the selected entries (`selected`:
/// ent_num → actor id).
fn aliases(
    alt: &[u8],
    alt_source_id: &str,
    selected: &BTreeMap<String, String>,
    names: &mut Table,
) -> Result<()> {
    for r in read_legacy(alt, ALT_COLUMNS, "alt.csv")? {
        let [ent, alt_num, alt_type, alt_name, alt_remarks] =
            <[String; ALT_COLUMNS]>::try_from(r).expect("column count checked");
        let Some(actor_id) = selected.get(&ent) else {
            continue;
        };
        let at = |msg: String| {
            ImportError::new(format!("alt.csv ent_num {ent} alt_num {alt_num}: {msg}"))
        };
        if alt_num.is_empty() || !alt_num.bytes().all(|b| b.is_ascii_digit()) {
            return Err(at("alt_num is not a number".into()));
        }
        let ty = match alt_type.as_str() {
            "aka" => "alias",
            "fka" => "previous_name",
            other => return Err(at(format!("unknown alt_type {other:?} (known: aka, fka)"))),
        };
        if alt_name.is_empty() {
            return Err(at("no alt_name".into()));
        }
        check_nfc(&format!("alt {alt_num}"), &alt_name)?;
        let script = script::detect(&alt_name)
            .map_err(|e| at(e.message))?
            .map(|s| s.code().to_string())
            .unwrap_or_default();
        names.push(&[
            ("name_id", format!("nam-ofac-{ent}-alt-{alt_num}")),
            ("actor_id", actor_id.clone()),
            ("name", alt_name),
            ("name_type", ty.into()),
            ("script", script),
            ("source_quality", alt_type.clone()),
            ("note", alt_remarks),
            ("source_ids", alt_source_id.to_string()),
            ("sensitivity", "public".to_string()),
        ])?;
    }
    Ok(())
}
