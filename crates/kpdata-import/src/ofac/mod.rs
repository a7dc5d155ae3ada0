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
mod legacy;

pub use legacy::read_legacy;
use legacy::{actor_type, split_programs};

use crate::history::FirstSeen;
use crate::remarks::{self, Item};
use crate::script;
use crate::{
    check_nfc, imo_numbers, imo_valid, ImportError, Result, Table, ACTORS, ACTOR_FACTS,
    ACTOR_IDENTIFIERS, ACTOR_NAMES, DESIGNATIONS,
};

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
    let (sdn, links, sdn_source_id) = (input.sdn, input.links, input.sdn_source);
    let mut facts = Table::new("actor_facts", ACTOR_FACTS, "fct-ofac-");
    let mut remark_items = 0;
    let mut unparsed: Vec<(String, String)> = Vec::new();
    let mut actors = Table::new("actors", ACTORS, "act-ofac-");
    let mut names = Table::new("actor_names", ACTOR_NAMES, "nam-ofac-");
    let mut idents = Table::new("actor_identifiers", ACTOR_IDENTIFIERS, "idn-ofac-");
    let mut desigs = Table::new("designations", DESIGNATIONS, "des-ofac-");
    let public = || "public".to_string();
    let mut selected: BTreeMap<String, String> = BTreeMap::new(); // ent_num -> actor_id
    let mut linked_imos: BTreeMap<String, String> = BTreeMap::new(); // IMO -> ent_num

    for r in read_legacy(sdn, SDN_COLUMNS, "sdn.csv")? {
        let [ent, name, sdn_type, program, title, call_sign, vess_type, tonnage, grt, flag, owner, remarks] =
            <[String; SDN_COLUMNS]>::try_from(r).expect("column count checked");
        if ent.is_empty() || !ent.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ImportError::new(format!(
                "sdn.csv: ent_num {ent:?} is not a number"
            )));
        }
        let at = |msg: String| ImportError::new(format!("sdn.csv ent_num {ent}: {msg}"));
        let atype = actor_type(&sdn_type).ok_or_else(|| {
            at(format!(
                "unknown SDN_Type {sdn_type:?} (known: empty, individual, vessel, aircraft)"
            ))
        })?;
        let tags = split_programs(&program).map_err(|e| at(e.message))?;
        let Some(rule) = selection_rule(&tags, &remarks) else {
            continue;
        };
        for t in &tags {
            if !KNOWN_TAGS.contains(&t.as_str()) {
                return Err(at(format!(
                    "unknown program tag {t:?} (known: {})",
                    KNOWN_TAGS.join(", ")
                )));
            }
        }
        if name.is_empty() {
            return Err(at("no SDN_Name".into()));
        }
        check_nfc(&format!("ent_num {ent}"), &name)?;
        let script = script::detect(&name)
            .map_err(|e| at(e.message))?
            .map(|s| s.code().to_string())
            .unwrap_or_default();
        // IMO numbers: a ship's on vessels, a company's on organisations.
        let imos = match atype {
            "vessel" | "organization" => imo_numbers(&remarks),
            _ => Vec::new(),
        };
        let scheme = if atype == "vessel" {
            "imo_ship"
        } else {
            "imo_company"
        };
        if atype == "vessel" {
            if imos.len() > 1 {
                return Err(at(format!("several IMO numbers in Remarks: {imos:?}")));
            }
            if let Some(imo) = imos.iter().find(|i| !imo_valid(i)) {
                return Err(at(format!("IMO {imo} fails the check digit")));
            }
        }
        // A certain match with an actor of the other list: an identical IMO number.
        let mut matched: Vec<&(String, String, String)> = Vec::new();
        for imo in &imos {
            if let Some(m) = links.get(&(scheme.to_string(), imo.clone())) {
                if !matched.iter().any(|x| x.0 == m.0) {
                    matched.push(m);
                }
            }
        }
        if matched.len() > 1 {
            return Err(at(format!(
                "its IMO numbers match several actors of the other list: {:?}",
                matched.iter().map(|m| &m.0).collect::<Vec<_>>()
            )));
        }
        let link = matched.first().copied();
        if let Some((id, _, imo)) = link {
            if let Some(other) = linked_imos.insert(imo.clone(), ent.clone()) {
                return Err(at(format!(
                    "ent_num {other} and {ent} both carry IMO number {imo} of {id}: no certain match"
                )));
            }
        }
        let actor_id = match link {
            Some((id, _, _)) => id.clone(),
            None => format!("act-ofac-{ent}"),
        };
        selected.insert(ent.clone(), actor_id.clone());
        let src = || sdn_source_id.to_string();

        let mut note = rule.to_string();
        match link {
            None => actors.push(&[
                ("actor_id", actor_id.clone()),
                ("actor_type", atype.into()),
                ("primary_name", name.clone()),
                ("title", title),
                ("nationality", String::new()),
                ("vessel_type", vess_type),
                ("vessel_flag", flag),
                ("vessel_tonnage", tonnage),
                ("vessel_grt", grt),
                ("vessel_owner", owner),
                ("remarks", remarks.clone()),
                ("source_ids", src()),
                ("sensitivity", public()),
            ])?,
            Some((id, reference, imo)) => {
                if [&title, &vess_type, &flag, &tonnage, &grt, &owner]
                    .iter()
                    .any(|v| !v.is_empty())
                {
                    return Err(at(format!(
                        "matched to {id}, but it has actor fields (Title, vessel data) that would be lost"
                    )));
                }
                note = format!(
                    "{rule}; same actor as UN {reference} ({id}): identical IMO number {imo} in both lists; OFAC Remarks: {remarks}"
                );
            }
        }
        names.push(&[
            ("name_id", format!("nam-ofac-{ent}-0")),
            ("actor_id", actor_id.clone()),
            ("name", name),
            ("name_type", "primary".into()),
            ("script", script),
            ("source_quality", String::new()),
            ("note", String::new()),
            ("source_ids", src()),
            ("sensitivity", public()),
        ])?;
        let mut ident = |suffix: &str, scheme: &str, value: String, note: String| {
            idents.push(&[
                ("identifier_id", format!("idn-ofac-{ent}-{suffix}")),
                ("actor_id", actor_id.clone()),
                ("scheme", scheme.into()),
                ("value", value),
                ("note", note),
                ("source_ids", src()),
                ("sensitivity", public()),
            ])
        };
        ident("ent-num", "ofac_ent_num", ent.clone(), String::new())?;
        if !call_sign.is_empty() {
            ident("call-sign", "call_sign", call_sign, String::new())?;
        }
        let base = if atype == "vessel" {
            "imo"
        } else {
            "imo-company"
        };
        for (i, imo) in imos.into_iter().enumerate() {
            // The matched actor's own row already states a shared number.
            if links.contains_key(&(scheme.to_string(), imo.clone())) {
                continue;
            }
            let suffix = if i == 0 {
                base.to_string()
            } else {
                format!("{base}-{}", i + 1)
            };
            let label = IMO_LABELS
                .iter()
                .find(|l| remarks.contains(&format!("{l} IMO {imo}")));
            // An organisation's number labelled as a vessel registration is recorded with the
            // list's label, as neither a ship's nor a company's number.
            let scheme = match label {
                Some(&"Vessel Registration Identification") if atype != "vessel" => {
                    "imo_vessel_label"
                }
                _ => scheme,
            };
            let label = label
                .map(|l| format!("labelled \"{l} IMO\" in the Remarks"))
                .unwrap_or_default();
            ident(&suffix, scheme, imo, label)?;
        }
        let mut sources = src();
        let (mut date, mut kind, mut w_start, mut w_end) =
            (String::new(), String::new(), String::new(), String::new());
        if let Some((hist, hist_src)) = input.history {
            let h = hist
                .get(&ent)
                .filter(|h| h.present_in_last)
                .ok_or_else(|| {
                    at("not in the first-seen history as present in the last scrape".into())
                })?;
            sources = format!("{sources};{hist_src}");
            match &h.window {
                Some(w) => {
                    date = w.end_date().to_string();
                    kind = "first_seen_in_list".into();
                    w_start = w.start_date().to_string();
                    w_end = w.end_date().to_string();
                    note = format!(
                        "{note}; first seen in the published sdn.csv in the scrape of {} (commit {}), absent from the scrape of {} (commit {})",
                        w.first_seen_time, w.first_seen_commit, w.previous_time, w.previous_commit
                    );
                }
                None => {
                    note = format!(
                        "{note}; already in the first readable scrape of the history (2021-05-22T22:01:59.998Z): listed before, date not known"
                    );
                }
            }
        }
        // Remarks, item by item.
        let mut seen_ids: Vec<(&str, String)> = Vec::new();
        for (i, item) in remarks::split(&remarks).into_iter().enumerate() {
            remark_items += 1;
            let n = i + 1;
            let locator = format!("OFAC ent_num {ent}, Remarks item {n}");
            match remarks::parse_item(&item) {
                Item::Fact {
                    kind,
                    value,
                    date,
                    date_to,
                    qualifier,
                    note,
                } => facts.push(&[
                    ("fact_id", format!("fct-ofac-{ent}-rem-{n}")),
                    ("actor_id", actor_id.clone()),
                    ("kind", kind.into()),
                    ("value", value),
                    ("date", date),
                    ("date_to", date_to),
                    ("date_qualifier", qualifier.into()),
                    ("locator", locator),
                    ("note", note),
                    ("source_ids", src()),
                    ("sensitivity", public()),
                ])?,
                Item::Identifier {
                    scheme,
                    value,
                    note,
                } => {
                    if seen_ids.iter().any(|(s, v)| *s == scheme && *v == value) {
                        continue;
                    }
                    seen_ids.push((scheme, value.clone()));
                    ident(&format!("rem-{n}"), scheme, value, note)?;
                }
                Item::Imo if atype == "vessel" || atype == "organization" => {}
                Item::Regulatory => {}
                Item::Imo | Item::Unparsed => unparsed.push((ent.clone(), item)),
            }
        }
        desigs.push(&[
            ("designation_id", format!("des-ofac-{ent}")),
            ("actor_id", actor_id.clone()),
            ("authority", "us_ofac".into()),
            (
                "programs",
                tags.iter()
                    .map(|t| format!("ofac:{t}"))
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            ("instrument_id", String::new()),
            ("action", "listed".into()),
            ("action_date", date),
            ("date_kind", kind),
            ("authority_ref", ent.clone()),
            ("window_start", w_start),
            ("window_end", w_end),
            ("note", note),
            ("source_ids", sources),
            ("sensitivity", public()),
        ])?;
    }
    if let Some((add, add_source_id)) = input.add {
        addresses::import(add, add_source_id, &selected, &mut facts)?;
    }
    let mut history_unselected = Vec::new();
    if let Some((hist, _)) = input.history {
        for h in hist.values() {
            if h.window.is_some() && !selected.contains_key(&h.ent_num) {
                history_unselected.push(h.ent_num.clone());
            }
        }
        history_unselected.sort_by(|a, b| crate::natural_cmp(a, b));
    }

    if let Some((alt, alt_source_id)) = input.alt {
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
                ("sensitivity", public()),
            ])?;
        }
    }
    Ok(Imported {
        tables: vec![
            actors.finish()?,
            names.finish()?,
            idents.finish()?,
            desigs.finish()?,
            facts.finish()?,
        ],
        remark_items,
        unparsed,
        history_unselected,
    })
}
