//! One selected `sdn.csv` entry → its rows: the actor (unless it is a UN actor's certain
//! match), the primary name, identifiers, Remarks facts and the designation. The steps of
//! [`super::import_full`], in the order the rows are written.

use std::collections::BTreeMap;

use super::legacy::{actor_type, split_programs};
use super::{selection_rule, OfacInput, IMO_LABELS, KNOWN_TAGS, SDN_COLUMNS};
use crate::remarks::{self, Item};
use crate::script;
use crate::{
    check_nfc, imo_numbers, imo_valid, ImportError, Result, Table, ACTORS, ACTOR_FACTS,
    ACTOR_IDENTIFIERS, ACTOR_NAMES, DESIGNATIONS,
};

fn public() -> String {
    "public".to_string()
}

/// A UN actor an entry is the same as: (actor_id, reference, IMO number).
type Link<'a> = Option<&'a (String, String, String)>;

/// An `sdn.csv` row the selection picked, checked.
struct Entry {
    ent: String,
    name: String,
    /// Title, Vess_type, Vess_flag, Tonnage, GRT, Vess_owner.
    actor_fields: [String; 6],
    call_sign: String,
    remarks: String,
    atype: &'static str,
    tags: Vec<String>,
    rule: &'static str,
    script: String,
    imos: Vec<String>,
    /// `imo_ship` on vessels, else `imo_company`.
    scheme: &'static str,
}

impl Entry {
    fn err(&self, msg: String) -> ImportError {
        ImportError::new(format!("sdn.csv ent_num {}: {msg}", self.ent))
    }
}

/// The designation's date and window from the first-seen history, and the sources it cites.
#[derive(Default)]
struct Dating {
    date: String,
    kind: String,
    window_start: String,
    window_end: String,
    sources: String,
}

/// The tables an OFAC import fills, entry by entry.
pub(super) struct Builder<'a> {
    input: &'a OfacInput<'a>,
    pub actors: Table,
    pub names: Table,
    pub idents: Table,
    pub desigs: Table,
    pub facts: Table,
    pub remark_items: usize,
    pub unparsed: Vec<(String, String)>,
    /// ent_num → actor_id of every selected entry.
    pub selected: BTreeMap<String, String>,
    /// IMO number → the ent_num that carries it to a UN actor.
    linked_imos: BTreeMap<String, String>,
}

impl<'a> Builder<'a> {
    pub fn new(input: &'a OfacInput<'a>) -> Self {
        Builder {
            input,
            actors: Table::new("actors", ACTORS, "act-ofac-"),
            names: Table::new("actor_names", ACTOR_NAMES, "nam-ofac-"),
            idents: Table::new("actor_identifiers", ACTOR_IDENTIFIERS, "idn-ofac-"),
            desigs: Table::new("designations", DESIGNATIONS, "des-ofac-"),
            facts: Table::new("actor_facts", ACTOR_FACTS, "fct-ofac-"),
            remark_items: 0,
            unparsed: Vec::new(),
            selected: BTreeMap::new(),
            linked_imos: BTreeMap::new(),
        }
    }

    /// Adds the rows of one `sdn.csv` record, if the selection picks it.
    pub fn entry(&mut self, row: Vec<String>) -> Result<()> {
        let Some(e) = screen(row)? else {
            return Ok(());
        };
        let link = self.link(&e)?;
        let actor_id = match link {
            Some((id, _, _)) => id.clone(),
            None => format!("act-ofac-{}", e.ent),
        };
        self.selected.insert(e.ent.clone(), actor_id.clone());
        let note = self.actor(&e, &actor_id, link)?;
        self.primary_name(&e, &actor_id)?;
        self.identifiers(&e, &actor_id)?;
        let (dating, note) = self.dating(&e, note)?;
        self.remark_rows(&e, &actor_id)?;
        self.designation(&e, &actor_id, dating, note)
    }

    /// A certain match with an actor of the other list: an identical IMO number.
    fn link(&mut self, e: &Entry) -> Result<Link<'a>> {
        let links = self.input.links;
        let mut matched: Vec<&(String, String, String)> = Vec::new();
        for imo in &e.imos {
            if let Some(m) = links.get(&(e.scheme.to_string(), imo.clone())) {
                if !matched.iter().any(|x| x.0 == m.0) {
                    matched.push(m);
                }
            }
        }
        if matched.len() > 1 {
            return Err(e.err(format!(
                "its IMO numbers match several actors of the other list: {:?}",
                matched.iter().map(|m| &m.0).collect::<Vec<_>>()
            )));
        }
        let link = matched.first().copied();
        if let Some((id, _, imo)) = link {
            if let Some(other) = self.linked_imos.insert(imo.clone(), e.ent.clone()) {
                return Err(e.err(format!(
                    "ent_num {other} and {} both carry IMO number {imo} of {id}: no certain match",
                    e.ent
                )));
            }
        }
        Ok(link)
    }

    /// The `actors` row, or for a certain match none (its fields must be empty). Returns the
    /// designation's note so far.
    fn actor(&mut self, e: &Entry, actor_id: &str, link: Link<'_>) -> Result<String> {
        let [title, vess_type, flag, tonnage, grt, owner] = e.actor_fields.clone();
        match link {
            None => {
                self.actors.push(&[
                    ("actor_id", actor_id.to_string()),
                    ("actor_type", e.atype.into()),
                    ("primary_name", e.name.clone()),
                    ("title", title),
                    ("nationality", String::new()),
                    ("vessel_type", vess_type),
                    ("vessel_flag", flag),
                    ("vessel_tonnage", tonnage),
                    ("vessel_grt", grt),
                    ("vessel_owner", owner),
                    ("remarks", e.remarks.clone()),
                    ("source_ids", self.input.sdn_source.to_string()),
                    ("sensitivity", public()),
                ])?;
                Ok(e.rule.to_string())
            }
            Some((id, reference, imo)) => {
                if e.actor_fields.iter().any(|v| !v.is_empty()) {
                    return Err(e.err(format!(
                        "matched to {id}, but it has actor fields (Title, vessel data) that would be lost"
                    )));
                }
                Ok(format!(
                    "{}; same actor as UN {reference} ({id}): identical IMO number {imo} in both lists; OFAC Remarks: {}",
                    e.rule, e.remarks
                ))
            }
        }
    }

    fn primary_name(&mut self, e: &Entry, actor_id: &str) -> Result<()> {
        self.names.push(&[
            ("name_id", format!("nam-ofac-{}-0", e.ent)),
            ("actor_id", actor_id.to_string()),
            ("name", e.name.clone()),
            ("name_type", "primary".into()),
            ("script", e.script.clone()),
            ("source_quality", String::new()),
            ("note", String::new()),
            ("source_ids", self.input.sdn_source.to_string()),
            ("sensitivity", public()),
        ])
    }

    fn ident(
        &mut self,
        e: &Entry,
        actor_id: &str,
        suffix: &str,
        scheme: &str,
        value: String,
        note: String,
    ) -> Result<()> {
        self.idents.push(&[
            ("identifier_id", format!("idn-ofac-{}-{suffix}", e.ent)),
            ("actor_id", actor_id.to_string()),
            ("scheme", scheme.into()),
            ("value", value),
            ("note", note),
            ("source_ids", self.input.sdn_source.to_string()),
            ("sensitivity", public()),
        ])
    }

    /// The entity number, the call sign and the IMO numbers (but one a matched actor states).
    fn identifiers(&mut self, e: &Entry, actor_id: &str) -> Result<()> {
        self.ident(
            e,
            actor_id,
            "ent-num",
            "ofac_ent_num",
            e.ent.clone(),
            String::new(),
        )?;
        if !e.call_sign.is_empty() {
            self.ident(
                e,
                actor_id,
                "call-sign",
                "call_sign",
                e.call_sign.clone(),
                String::new(),
            )?;
        }
        let base = if e.atype == "vessel" {
            "imo"
        } else {
            "imo-company"
        };
        for (i, imo) in e.imos.iter().enumerate() {
            // The matched actor's own row already states a shared number.
            if self
                .input
                .links
                .contains_key(&(e.scheme.to_string(), imo.clone()))
            {
                continue;
            }
            let suffix = if i == 0 {
                base.to_string()
            } else {
                format!("{base}-{}", i + 1)
            };
            let label = IMO_LABELS
                .iter()
                .find(|l| e.remarks.contains(&format!("{l} IMO {imo}")));
            // An organisation's number labelled as a vessel registration is recorded with the
            // list's label, as neither a ship's nor a company's number.
            let scheme = match label {
                Some(&"Vessel Registration Identification") if e.atype != "vessel" => {
                    "imo_vessel_label"
                }
                _ => e.scheme,
            };
            let label = label
                .map(|l| format!("labelled \"{l} IMO\" in the Remarks"))
                .unwrap_or_default();
            self.ident(e, actor_id, &suffix, scheme, imo.clone(), label)?;
        }
        Ok(())
    }

    /// The designation's date from the first-seen history (when given), and its note.
    fn dating(&self, e: &Entry, mut note: String) -> Result<(Dating, String)> {
        let mut d = Dating {
            sources: self.input.sdn_source.to_string(),
            ..Dating::default()
        };
        let Some((hist, hist_src)) = self.input.history else {
            return Ok((d, note));
        };
        let h = hist
            .get(&e.ent)
            .filter(|h| h.present_in_last)
            .ok_or_else(|| {
                e.err("not in the first-seen history as present in the last scrape".into())
            })?;
        d.sources = format!("{};{hist_src}", d.sources);
        match &h.window {
            Some(w) => {
                d.date = w.end_date().to_string();
                d.kind = "first_seen_in_list".into();
                d.window_start = w.start_date().to_string();
                d.window_end = w.end_date().to_string();
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
        Ok((d, note))
    }

    /// Remarks, item by item: facts, typed identifiers, or counted as not understood.
    fn remark_rows(&mut self, e: &Entry, actor_id: &str) -> Result<()> {
        let mut seen_ids: Vec<(&str, String)> = Vec::new();
        for (i, item) in remarks::split(&e.remarks).into_iter().enumerate() {
            self.remark_items += 1;
            let n = i + 1;
            let locator = format!("OFAC ent_num {}, Remarks item {n}", e.ent);
            match remarks::parse_item(&item) {
                Item::Fact {
                    kind,
                    value,
                    date,
                    date_to,
                    qualifier,
                    note,
                } => self.facts.push(&[
                    ("fact_id", format!("fct-ofac-{}-rem-{n}", e.ent)),
                    ("actor_id", actor_id.to_string()),
                    ("kind", kind.into()),
                    ("value", value),
                    ("date", date),
                    ("date_to", date_to),
                    ("date_qualifier", qualifier.into()),
                    ("locator", locator),
                    ("note", note),
                    ("source_ids", self.input.sdn_source.to_string()),
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
                    self.ident(e, actor_id, &format!("rem-{n}"), scheme, value, note)?;
                }
                Item::Imo if e.atype == "vessel" || e.atype == "organization" => {}
                Item::Regulatory => {}
                Item::Imo | Item::Unparsed => self.unparsed.push((e.ent.clone(), item)),
            }
        }
        Ok(())
    }

    fn designation(&mut self, e: &Entry, actor_id: &str, d: Dating, note: String) -> Result<()> {
        self.desigs.push(&[
            ("designation_id", format!("des-ofac-{}", e.ent)),
            ("actor_id", actor_id.to_string()),
            ("authority", "us_ofac".into()),
            (
                "programs",
                e.tags
                    .iter()
                    .map(|t| format!("ofac:{t}"))
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            ("instrument_id", String::new()),
            ("action", "listed".into()),
            ("action_date", d.date),
            ("date_kind", d.kind),
            ("authority_ref", e.ent.clone()),
            ("window_start", d.window_start),
            ("window_end", d.window_end),
            ("note", note),
            ("source_ids", d.sources),
            ("sensitivity", public()),
        ])
    }
}

/// The checked entry of an `sdn.csv` record, or `None` when the selection does not pick it.
/// Every record is checked for its number, type and program tags, selected or not.
fn screen(row: Vec<String>) -> Result<Option<Entry>> {
    let [ent, name, sdn_type, program, title, call_sign, vess_type, tonnage, grt, flag, owner, remarks] =
        <[String; SDN_COLUMNS]>::try_from(row).expect("column count checked");
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
        return Ok(None);
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
    Ok(Some(Entry {
        ent,
        name,
        actor_fields: [title, vess_type, flag, tonnage, grt, owner],
        call_sign,
        remarks,
        atype,
        tags,
        rule,
        script,
        imos,
        scheme,
    }))
}
