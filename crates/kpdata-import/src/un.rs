//! Importer for the UN Security Council Consolidated List XML (`consolidated.xml`): the entries
//! of the 1718 Committee regime (`<UN_LIST_TYPE>DPRK</UN_LIST_TYPE>`).
//!
//! # Selection
//! Every `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY` whose `UN_LIST_TYPE` is `DPRK`; all other
//! regimes are skipped without being read further.
//!
//! # Field by field (each child element of a DPRK entry is mapped or ignored on purpose;
//! any other element is an error)
//! | element | what happens |
//! |---|---|
//! | `REFERENCE_NUMBER` | trimmed (some copies carry a trailing space); must match `KPi.###` for an INDIVIDUAL, `KPe.###` for an ENTITY; gives the ids (`act-un-kpi-013`), `designations.authority_ref` and an `actor_identifiers` row (scheme `un_ref`) |
//! | `DATAID` | `actor_identifiers` row, scheme `un_dataid` |
//! | `FIRST_NAME` .. `FOURTH_NAME` | joined with single spaces: `actors.primary_name` and the `primary` row of `actor_names` |
//! | `NAME_ORIGINAL_SCRIPT` | an `actor_names` row of type `original_script` (the 2024-09-26 list has none for DPRK entries) |
//! | `INDIVIDUAL_ALIAS` / `ENTITY_ALIAS` | `actor_names` rows; `QUALITY` kept in `source_quality` and mapped: `Good`, `a.k.a.` → `alias`; `Low` → `weak_alias`; `f.k.a.` → `previous_name`; any other quality is an error; empty alias elements are skipped; the alias's `DATE_OF_BIRTH` is ignored |
//! | `LISTED_ON` | a `listed` row in `designations` with this date (`date_kind` `listed_on`) |
//! | `LAST_DAY_UPDATED/VALUE` | one `amended` row per distinct date (`date_kind` `last_updated`): the list says the entry was updated then, not what changed |
//! | `UN_LIST_TYPE` | selection; program `un:DPRK` |
//! | `DESIGNATION/VALUE` | `actors.title` (several joined with `; `) |
//! | `NATIONALITY/VALUE` | `actors.nationality` (joined with `; `) |
//! | `COMMENTS1` | `actors.remarks`; on entities, a number labelled IMO (`IMO number: 5936312`, `(IMO) Number: ...`, `Company Number IMO ...`) gives an identifier of scheme `imo_company` |
//! | `INDIVIDUAL_DOCUMENT` | passports (`TYPE_OF_DOCUMENT` `Passport`, and its French and Spanish duplicates `Numéro de passeport`, `Número de pasaporte`) become `actor_identifiers` rows of scheme `passport`, one per distinct number, with the document's `NOTE` (a remark the list writes inside `NUMBER`, as in `381110042 (Expired 25 Jan. 2016)`, goes to the note); issuing country and issue date are ignored; any other document type is an error |
//! | `VERSIONNUM`, `LIST_TYPE`, `SORT_KEY`, `SORT_KEY_LAST_MOD`, `SUBMITTED_BY` | ignored: list bookkeeping |
//! | `INDIVIDUAL_DATE_OF_BIRTH` | `actor_facts` rows of kind `dob`, one per element: `TYPE_OF_DATE` `EXACT` with `DATE` (a day) or `YEAR`, `APPROXIMATELY` (qualifier `circa`), `BETWEEN` with `FROM_YEAR`/`TO_YEAR` (qualifier `range`); empty elements skipped, any other form is an error |
//! | `INDIVIDUAL_PLACE_OF_BIRTH` | `actor_facts` kind `pob`: `CITY`, `STATE_PROVINCE`, `COUNTRY` joined with `, ` |
//! | `NATIONALITY/VALUE` | also one `actor_facts` row of kind `nationality` per value |
//! | `INDIVIDUAL_ADDRESS`, `ENTITY_ADDRESS` | `actor_facts` kind `address`: `STREET`, `CITY`, `STATE_PROVINCE`, `ZIP_CODE`, `COUNTRY` joined with `, `; `NOTE` in the note |
//! | `GENDER` | `actor_facts` kind `gender` |
//! | `TITLE` | ignored: honorifics |
//!
//! Text is taken as published; only runs of ASCII whitespace (the XML's line wrapping) are
//! collapsed to one space and ends trimmed. Names must be NFC already.
//!
//! Every row cites the one source id given (the archived XML's registry entry).

use crate::script;
use crate::xml::{self, Element};
use crate::{
    check_nfc, collapse_ws, ImportError, Result, Table, ACTORS, ACTOR_FACTS, ACTOR_IDENTIFIERS,
    ACTOR_NAMES, DESIGNATIONS,
};

const MAPPED: &[&str] = &[
    "REFERENCE_NUMBER",
    "DATAID",
    "FIRST_NAME",
    "SECOND_NAME",
    "THIRD_NAME",
    "FOURTH_NAME",
    "NAME_ORIGINAL_SCRIPT",
    "INDIVIDUAL_ALIAS",
    "ENTITY_ALIAS",
    "LISTED_ON",
    "LAST_DAY_UPDATED",
    "UN_LIST_TYPE",
    "DESIGNATION",
    "NATIONALITY",
    "COMMENTS1",
    "INDIVIDUAL_DOCUMENT",
    "INDIVIDUAL_ADDRESS",
    "ENTITY_ADDRESS",
    "INDIVIDUAL_DATE_OF_BIRTH",
    "INDIVIDUAL_PLACE_OF_BIRTH",
    "GENDER",
];

const IGNORED: &[&str] = &[
    "VERSIONNUM",
    "LIST_TYPE",
    "SORT_KEY",
    "SORT_KEY_LAST_MOD",
    "SUBMITTED_BY",
    "TITLE",
];

const PASSPORT_TYPES: &[&str] = &["Passport", "Numéro de passeport", "Número de pasaporte"];

/// The `dateGenerated` attribute of the list's root element (its as-of time), if present.
pub fn date_generated(xml_bytes: &[u8]) -> Result<Option<String>> {
    Ok(xml::parse(xml_bytes)?
        .attr("dateGenerated")
        .map(str::to_string))
}

pub(crate) fn text(e: &Element, name: &str) -> String {
    e.child(name)
        .map(|c| collapse_ws(&c.text))
        .unwrap_or_default()
}

pub(crate) fn values(e: &Element, name: &str) -> Vec<String> {
    e.children_named(name)
        .flat_map(|c| c.children_named("VALUE"))
        .map(|v| collapse_ws(&v.text))
        .filter(|v| !v.is_empty())
        .collect()
}

/// `YYYY-MM-DD`, a real calendar date.
pub(crate) fn check_date(what: &str, s: &str) -> Result<()> {
    let bad = || ImportError::new(format!("{what}: {s:?} is not a YYYY-MM-DD date"));
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| bad());
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !kpdata_base::dates::is_real_day(y.into(), m, d) {
        return Err(bad());
    }
    Ok(())
}

fn alias_type(quality: &str) -> Option<&'static str> {
    Some(match quality {
        "Good" | "a.k.a." => "alias",
        "Low" => "weak_alias",
        "f.k.a." => "previous_name",
        _ => return None,
    })
}

fn script_code(name: &str) -> Result<String> {
    Ok(script::detect(name)?
        .map(|s| s.code().to_string())
        .unwrap_or_default())
}

/// Imports the DPRK entries of the consolidated list. Returns the tables `actors`,
/// `actor_names`, `actor_identifiers` and `designations`, each sorted by id.
pub fn import(xml_bytes: &[u8], source_id: &str) -> Result<Vec<Table>> {
    let root = xml::parse(xml_bytes)?;
    if root.name != "CONSOLIDATED_LIST" {
        return Err(ImportError::new(format!(
            "the root element is <{}>, not <CONSOLIDATED_LIST>",
            root.name
        )));
    }
    let mut t = Tables {
        actors: Table::new("actors", ACTORS, "act-un-"),
        names: Table::new("actor_names", ACTOR_NAMES, "nam-un-"),
        idents: Table::new("actor_identifiers", ACTOR_IDENTIFIERS, "idn-un-"),
        desigs: Table::new("designations", DESIGNATIONS, "des-un-"),
        facts: Table::new("actor_facts", ACTOR_FACTS, "fct-un-"),
    };
    for (section, tag, actor_type, letter) in [
        ("INDIVIDUALS", "INDIVIDUAL", "person", 'i'),
        ("ENTITIES", "ENTITY", "organization", 'e'),
    ] {
        for e in root
            .children_named(section)
            .flat_map(|s| s.children_named(tag))
        {
            if text(e, "UN_LIST_TYPE") != "DPRK" {
                continue;
            }
            let entry = Entry::new(e, tag, letter, actor_type, source_id)?;
            let (primary, listed_on, dataid) = entry.actor(&mut t)?;
            entry.names(&mut t, primary)?;
            entry.identifiers(&mut t, dataid)?;
            crate::un_facts::un_facts(
                e,
                &entry.reference,
                &entry.key,
                &entry.actor_id,
                source_id,
                &mut t.facts,
            )?;
            entry.designations(&mut t, listed_on)?;
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

/// The tables a UN import fills.
struct Tables {
    actors: Table,
    names: Table,
    idents: Table,
    desigs: Table,
    facts: Table,
}

fn public() -> String {
    "public".to_string()
}

/// One DPRK entry of the list, its reference checked.
struct Entry<'a> {
    e: &'a Element,
    /// `KPi.033`
    reference: String,
    /// `kpi-033`, the ids' stem.
    key: String,
    actor_id: String,
    actor_type: &'static str,
    source_id: &'a str,
}

impl<'a> Entry<'a> {
    /// Checks the reference (`KP{letter}.###`) and that every element is mapped or ignored.
    fn new(
        e: &'a Element,
        tag: &str,
        letter: char,
        actor_type: &'static str,
        source_id: &'a str,
    ) -> Result<Self> {
        let reference = text(e, "REFERENCE_NUMBER");
        let ok_ref = reference.len() == 7
            && reference.starts_with("KP")
            && reference.as_bytes()[2] == letter as u8
            && reference.as_bytes()[3] == b'.'
            && reference[4..].bytes().all(|b| b.is_ascii_digit());
        if !ok_ref {
            return Err(ImportError::new(format!(
                "{tag} with REFERENCE_NUMBER {reference:?}: expected KP{letter}.### for a DPRK {tag}"
            )));
        }
        let key = reference.to_ascii_lowercase().replace('.', "-");
        let entry = Entry {
            e,
            actor_id: format!("act-un-{key}"),
            key,
            reference,
            actor_type,
            source_id,
        };
        for c in &e.children {
            if !MAPPED.contains(&c.name.as_str()) && !IGNORED.contains(&c.name.as_str()) {
                return Err(entry.err(format!(
                    "unknown element <{}>; map it or add it to the ignored list on purpose",
                    c.name
                )));
            }
        }
        Ok(entry)
    }

    fn err(&self, msg: String) -> ImportError {
        ImportError::new(format!("{}: {msg}", self.reference))
    }

    fn src(&self) -> String {
        self.source_id.to_string()
    }

    /// The `actors` row; returns the primary name, LISTED_ON and DATAID, checked.
    fn actor(&self, t: &mut Tables) -> Result<(String, String, String)> {
        let (e, reference) = (self.e, &self.reference);
        let primary = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
            .iter()
            .map(|t| text(e, t))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if primary.is_empty() {
            return Err(self.err("no name".into()));
        }
        check_nfc(reference, &primary)?;
        let listed_on = text(e, "LISTED_ON");
        check_date(&format!("{reference} LISTED_ON"), &listed_on)?;
        let dataid = text(e, "DATAID");
        if dataid.is_empty() || !dataid.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.err(format!("DATAID {dataid:?} is not a number")));
        }
        t.actors.push(&[
            ("actor_id", self.actor_id.clone()),
            ("actor_type", self.actor_type.into()),
            ("primary_name", primary.clone()),
            ("title", values(e, "DESIGNATION").join("; ")),
            ("nationality", values(e, "NATIONALITY").join("; ")),
            ("vessel_type", String::new()),
            ("vessel_flag", String::new()),
            ("vessel_tonnage", String::new()),
            ("vessel_grt", String::new()),
            ("vessel_owner", String::new()),
            ("remarks", text(e, "COMMENTS1")),
            ("source_ids", self.src()),
            ("sensitivity", public()),
        ])?;
        Ok((primary, listed_on, dataid))
    }

    fn name_row(
        &self,
        t: &mut Tables,
        id: String,
        name: String,
        ty: &str,
        quality: String,
    ) -> Result<()> {
        check_nfc(&self.reference, &name)?;
        let script = script_code(&name).map_err(|e| self.err(e.message))?;
        t.names.push(&[
            ("name_id", id),
            ("actor_id", self.actor_id.clone()),
            ("name", name),
            ("name_type", ty.into()),
            ("script", script),
            ("source_quality", quality),
            ("note", String::new()),
            ("source_ids", self.src()),
            ("sensitivity", public()),
        ])
    }

    /// Names: the primary name, the original-script name, then aliases in list order.
    fn names(&self, t: &mut Tables, primary: String) -> Result<()> {
        let (e, key) = (self.e, &self.key);
        self.name_row(
            t,
            format!("nam-un-{key}-0"),
            primary,
            "primary",
            String::new(),
        )?;
        let original = text(e, "NAME_ORIGINAL_SCRIPT");
        if !original.is_empty() {
            self.name_row(
                t,
                format!("nam-un-{key}-os"),
                original,
                "original_script",
                String::new(),
            )?;
        }
        let mut n = 0;
        for a in e
            .children
            .iter()
            .filter(|c| c.name == "INDIVIDUAL_ALIAS" || c.name == "ENTITY_ALIAS")
        {
            for c in &a.children {
                if ![
                    "ALIAS_NAME",
                    "QUALITY",
                    "DATE_OF_BIRTH",
                    "NOTE",
                    "CITY_OF_BIRTH",
                    "COUNTRY_OF_BIRTH",
                ]
                .contains(&c.name.as_str())
                {
                    return Err(self.err(format!("unknown alias element <{}>", c.name)));
                }
            }
            let alias = text(a, "ALIAS_NAME");
            let quality = text(a, "QUALITY");
            if alias.is_empty() && quality.is_empty() {
                continue;
            }
            if alias.is_empty() {
                return Err(self.err(format!("an alias of quality {quality:?} has no name")));
            }
            let ty = alias_type(&quality).ok_or_else(|| {
                self.err(format!(
                    "alias {alias:?} has the unknown QUALITY {quality:?} (known: Good, Low, a.k.a., f.k.a.)"
                ))
            })?;
            n += 1;
            self.name_row(t, format!("nam-un-{key}-{n}"), alias, ty, quality)?;
        }
        Ok(())
    }

    fn ident(
        &self,
        t: &mut Tables,
        id: String,
        scheme: &str,
        value: String,
        note: String,
    ) -> Result<()> {
        t.idents.push(&[
            ("identifier_id", id),
            ("actor_id", self.actor_id.clone()),
            ("scheme", scheme.into()),
            ("value", value),
            ("note", note),
            ("source_ids", self.src()),
            ("sensitivity", public()),
        ])
    }

    /// The UN reference, DATAID, a company's IMO numbers (COMMENTS1) and passports.
    fn identifiers(&self, t: &mut Tables, dataid: String) -> Result<()> {
        let key = &self.key;
        self.ident(
            t,
            format!("idn-un-{key}-un-ref"),
            "un_ref",
            self.reference.clone(),
            String::new(),
        )?;
        self.ident(
            t,
            format!("idn-un-{key}-dataid"),
            "un_dataid",
            dataid,
            String::new(),
        )?;
        if self.actor_type == "organization" {
            let remarks = text(self.e, "COMMENTS1");
            for (i, imo) in crate::imo_numbers(&remarks).into_iter().enumerate() {
                let suffix = if i == 0 {
                    String::new()
                } else {
                    format!("-{}", i + 1)
                };
                self.ident(
                    t,
                    format!("idn-un-{key}-imo-company{suffix}"),
                    "imo_company",
                    imo,
                    "from COMMENTS1".into(),
                )?;
            }
        }
        for (i, (number, note)) in self.passports()?.into_iter().enumerate() {
            self.ident(
                t,
                format!("idn-un-{key}-passport-{}", i + 1),
                "passport",
                number,
                note,
            )?;
        }
        Ok(())
    }

    /// (number, note) of each passport, once per number.
    fn passports(&self) -> Result<Vec<(String, String)>> {
        let mut passports: Vec<(String, String)> = Vec::new();
        for d in self.e.children_named("INDIVIDUAL_DOCUMENT") {
            let ty = text(d, "TYPE_OF_DOCUMENT");
            let number = text(d, "NUMBER");
            let note = text(d, "NOTE");
            if ty.is_empty() && number.is_empty() && note.is_empty() {
                continue;
            }
            if !PASSPORT_TYPES.contains(&ty.as_str()) {
                return Err(self.err(format!(
                    "document type {ty:?} is not known (known: {})",
                    PASSPORT_TYPES.join(", ")
                )));
            }
            if number.is_empty() {
                return Err(self.err("a passport without a number".into()));
            }
            // `381110042 (Expired 25 Jan. 2016)`: the number, and the list's remark on it.
            let (number, note) = match number.strip_suffix(')').and_then(|n| n.split_once(" (")) {
                Some((n, remark)) if !n.contains(' ') => {
                    let note = if note.is_empty() {
                        remark.to_string()
                    } else {
                        format!("{remark}; {note}")
                    };
                    (n.to_string(), note)
                }
                _ => (number, note),
            };
            match passports.iter_mut().find(|(n, _)| *n == number) {
                Some((_, existing)) => {
                    if existing.is_empty() {
                        *existing = note;
                    }
                }
                None => passports.push((number, note)),
            }
        }
        Ok(passports)
    }

    fn desig(
        &self,
        t: &mut Tables,
        id: String,
        action: &str,
        date: String,
        kind: &str,
    ) -> Result<()> {
        t.desigs.push(&[
            ("designation_id", id),
            ("actor_id", self.actor_id.clone()),
            ("authority", "unsc".into()),
            ("programs", "un:DPRK".into()),
            ("instrument_id", String::new()),
            ("action", action.into()),
            ("action_date", date),
            ("date_kind", kind.into()),
            ("authority_ref", self.reference.clone()),
            ("window_start", String::new()),
            ("window_end", String::new()),
            ("note", String::new()),
            ("source_ids", self.src()),
            ("sensitivity", public()),
        ])
    }

    /// Designations: the listing, then one `amended` row per update date.
    fn designations(&self, t: &mut Tables, listed_on: String) -> Result<()> {
        let key = &self.key;
        self.desig(
            t,
            format!("des-un-{key}-listed"),
            "listed",
            listed_on,
            "listed_on",
        )?;
        let mut updated = values(self.e, "LAST_DAY_UPDATED");
        for u in &updated {
            check_date(&format!("{} LAST_DAY_UPDATED", self.reference), u)?;
        }
        updated.sort();
        updated.dedup();
        for u in updated {
            self.desig(
                t,
                format!("des-un-{key}-amended-{u}"),
                "amended",
                u,
                "last_updated",
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(check_date("d", "2016-02-29").is_ok());
        assert!(check_date("d", "2015-02-29").is_err());
        assert!(check_date("d", "2015-2-01").is_err());
    }
}
