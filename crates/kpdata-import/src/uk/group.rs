//! One UK group (all rows of a Group ID in one snapshot) → its actor, names, identifiers,
//! facts and designations.

use crate::{check_nfc, imo_numbers, imo_valid, script, ImportError, Result};

use super::read::{reference_after, uk_date, Snapshot};
use super::{Row, Tables};

fn name_type(alias: &str, quality: &str, had_primary: bool) -> Option<&'static str> {
    Some(match alias {
        "Primary name" | "Prime Alias" if !had_primary => "primary",
        "Primary name" | "Prime Alias" => "alias",
        "Primary name variation" => "name_variation",
        "AKA" if quality == "Low quality" => "weak_alias",
        "AKA" => "alias",
        "FKA" => "previous_name",
        _ => return None,
    })
}

/// Imports snapshots (oldest first, each with the source id its rows cite).
pub(crate) fn group(t: &mut Tables, g: &str, rows: &[&Row], s: &Snapshot, src: &str) -> Result<()> {
    let grp = Group {
        g,
        rows,
        s,
        src,
        actor_id: format!("act-uk-{g}"),
    };
    let atype = grp.actor_type()?;
    let primary = grp.names(t)?;
    grp.actor(t, atype, primary)?;
    grp.identifiers(t, atype)?;
    grp.facts(t)?;
    grp.designations(t)
}

/// One Group ID's rows in one snapshot, and the source id they cite.
struct Group<'a> {
    g: &'a str,
    rows: &'a [&'a Row],
    s: &'a Snapshot,
    src: &'a str,
    actor_id: String,
}

impl<'a> Group<'a> {
    fn err(&self, m: String) -> ImportError {
        ImportError::new(format!("Group ID {}: {m}", self.g))
    }

    /// (file row, cells) of each row.
    fn each(&self) -> impl Iterator<Item = (usize, &'a [String])> {
        self.rows.iter().map(|r| (r.0, r.1.as_slice()))
    }

    /// The distinct non-empty values of a column, each with the first row holding it.
    fn distinct(&self, col: &str) -> Vec<(usize, &'a str)> {
        let mut v: Vec<(usize, &str)> = Vec::new();
        for (n, r) in self.each() {
            let x = self.s.get(r, col);
            if !x.is_empty() && !v.iter().any(|(_, y)| *y == x) {
                v.push((n, x));
            }
        }
        v
    }

    fn actor_type(&self) -> Result<&'static str> {
        Ok(match self.s.get(&self.rows[0].1, "Group Type") {
            "Individual" => "person",
            "Entity" => "organization",
            "Ship" => "vessel",
            other => {
                return Err(self.err(format!(
                    "unknown Group Type {other:?} (known: Individual, Entity, Ship)"
                )))
            }
        })
    }

    /// The name rows (each name once per type, the original-script names too); returns the
    /// primary name.
    fn names(&self, t: &mut Tables) -> Result<String> {
        let (g, s) = (self.g, self.s);
        let mut had_primary = false;
        let mut primary = String::new();
        let mut seen: Vec<(String, &str)> = Vec::new();
        for (n, r) in self.each() {
            let name = ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6"]
                .iter()
                .map(|c| s.get(r, c))
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let (alias, quality) = (s.get(r, "Alias Type"), s.get(r, "Alias Quality"));
            let ty = name_type(alias, quality, had_primary).ok_or_else(|| {
                self.err(format!(
                    "row {n}: unknown Alias Type {alias:?} / quality {quality:?}"
                ))
            })?;
            let mut add = |name: String, ty: &'static str, quality: String| -> Result<()> {
                if name.is_empty() || seen.iter().any(|(x, t)| *x == name && *t == ty) {
                    return Ok(());
                }
                check_nfc(&format!("Group ID {g}"), &name)?;
                let script = script::detect(&name)
                    .map_err(|e| self.err(e.message))?
                    .map(|s| s.code().to_string())
                    .unwrap_or_default();
                seen.push((name.clone(), ty));
                t.names.push(&[
                    ("name_id", format!("nam-uk-{g}-{}", seen.len())),
                    ("actor_id", self.actor_id.clone()),
                    ("name", name),
                    ("name_type", ty.into()),
                    ("script", script),
                    ("source_quality", quality),
                    ("note", format!("file row {n}")),
                    ("source_ids", self.src.to_string()),
                    ("sensitivity", "public".into()),
                ])
            };
            if ty == "primary" {
                had_primary = true;
                primary = name.clone();
            }
            let q = [alias, quality]
                .iter()
                .filter(|x| !x.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("; ");
            add(name, ty, q)?;
            add(
                s.get(r, "Name Non-Latin Script").to_string(),
                "original_script",
                s.get(r, "Non-Latin Script Type").to_string(),
            )?;
        }
        if primary.is_empty() {
            return Err(self.err("no row with Alias Type Primary name / Prime Alias".into()));
        }
        Ok(primary)
    }

    fn actor(&self, t: &mut Tables, atype: &str, primary: String) -> Result<()> {
        let joined = |col: &str| {
            self.distinct(col)
                .iter()
                .map(|x| x.1)
                .collect::<Vec<_>>()
                .join("; ")
        };
        let remarks = self.s.get(&self.rows[0].1, "Other Information").to_string();
        t.actors.push(&[
            ("actor_id", self.actor_id.clone()),
            ("actor_type", atype.into()),
            ("primary_name", primary),
            ("title", joined("Title")),
            ("nationality", joined("Nationality")),
            ("vessel_type", String::new()),
            ("vessel_flag", String::new()),
            ("vessel_tonnage", String::new()),
            ("vessel_grt", String::new()),
            ("vessel_owner", String::new()),
            ("remarks", remarks),
            ("source_ids", self.src.to_string()),
            ("sensitivity", "public".into()),
        ])
    }

    /// An identifier row, once per (scheme, value).
    fn ident(
        &self,
        t: &mut Tables,
        scheme: &str,
        value: &str,
        note: String,
        n: usize,
    ) -> Result<()> {
        let id = format!(
            "idn-uk-{}-{}-{}",
            self.g,
            scheme.replace('_', "-"),
            value
                .to_ascii_lowercase()
                .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        if t.idents.rows.iter().any(|r| r[0] == id) {
            return Ok(());
        }
        let note = if note.is_empty() {
            format!("file row {n}")
        } else {
            format!("{note} (file row {n})")
        };
        t.idents.push(&[
            ("identifier_id", id),
            ("actor_id", self.actor_id.clone()),
            ("scheme", scheme.into()),
            ("value", value.into()),
            ("note", note),
            ("source_ids", self.src.to_string()),
            ("sensitivity", "public".into()),
        ])
    }

    /// UK and UN references, IMO numbers of ships, passports and national ids.
    fn identifiers(&self, t: &mut Tables, atype: &str) -> Result<()> {
        let s = self.s;
        for (n, r) in self.each() {
            let other = s.get(r, "Other Information");
            for v in reference_after(other, "(UK Sanctions List Ref)") {
                self.ident(t, "uk_list_ref", &v, String::new(), n)?;
            }
            for v in reference_after(other, "UN Ref") {
                if !(v.len() == 7 && (v.starts_with("KPi.") || v.starts_with("KPe."))) {
                    return Err(self.err(format!(
                        "row {n}: UN reference {v:?} is not a 1718 reference"
                    )));
                }
                self.ident(t, "un_ref", &v, String::new(), n)?;
            }
            if atype == "vessel" {
                for imo in imo_numbers(other) {
                    if !imo_valid(&imo) {
                        return Err(self.err(format!("row {n}: IMO {imo} fails the check digit")));
                    }
                    self.ident(t, "imo_ship", &imo, String::new(), n)?;
                }
            }
            let pn = s.get(r, "Passport Number");
            if !pn.is_empty() {
                self.ident(
                    t,
                    "passport",
                    pn,
                    s.get(r, "Passport Details").to_string(),
                    n,
                )?;
            }
            for col in ["National Identification Number", "NI Number"] {
                let v = s.get(r, col);
                if !v.is_empty() {
                    self.ident(
                        t,
                        "national_id",
                        v,
                        s.get(r, "National Identification Details").to_string(),
                        n,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// The facts of every row: (kind, value, date, file row), in row order, repeats included.
    fn fact_values(&self) -> Result<Vec<(&'static str, String, String, usize)>> {
        let s = self.s;
        let mut facts = Vec::new();
        for (n, r) in self.each() {
            let join = |cols: &[&str]| {
                cols.iter()
                    .map(|c| s.get(r, c))
                    .filter(|x| !x.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let dob = s.get(r, "DOB");
            if !dob.is_empty() {
                let d = uk_date(dob)
                    .ok_or_else(|| self.err(format!("row {n}: DOB {dob:?} is not DD/MM/YYYY")))?;
                facts.push(("dob", dob.to_string(), d, n));
            }
            let mut more = vec![
                ("pob", join(&["Town of Birth", "Country of Birth"])),
                ("nationality", s.get(r, "Nationality").to_string()),
                ("position", s.get(r, "Position").to_string()),
                (
                    "address",
                    join(&[
                        "Address 1",
                        "Address 2",
                        "Address 3",
                        "Address 4",
                        "Address 5",
                        "Address 6",
                        "Post/Zip Code",
                        "Country",
                    ]),
                ),
            ];
            if !s.header.iter().any(|h| h == "Passport Number") {
                more.push(("passport_details", s.get(r, "Passport Details").to_string()));
            }
            for (k, v) in more {
                if !v.is_empty() {
                    facts.push((k, v, String::new(), n));
                }
            }
        }
        Ok(facts)
    }

    /// One fact row per distinct (kind, value), numbered per kind.
    fn facts(&self, t: &mut Tables) -> Result<()> {
        let g = self.g;
        let mut kept: Vec<(&str, String)> = Vec::new();
        for (kind, value, date, n) in self.fact_values()? {
            if kept.iter().any(|(k, v)| *k == kind && *v == value) {
                continue;
            }
            kept.push((kind, value.clone()));
            let q = if date.is_empty() { "" } else { "exact" };
            t.facts.push(&[
                (
                    "fact_id",
                    format!(
                        "fct-uk-{g}-{kind}-{}",
                        kept.iter().filter(|(k, _)| *k == kind).count()
                    ),
                ),
                ("actor_id", self.actor_id.clone()),
                ("kind", kind.into()),
                ("value", value),
                ("date", date),
                ("date_to", String::new()),
                ("date_qualifier", q.into()),
                ("locator", format!("UK Group ID {g}, file row {n}")),
                ("note", String::new()),
                ("source_ids", self.src.to_string()),
                ("sensitivity", "public".into()),
            ])?;
        }
        Ok(())
    }

    /// The one date of a column across the group's rows, if any (two different ones: an error).
    fn one_date(&self, col: &str) -> Result<Option<String>> {
        let v = self.distinct(col);
        match v.as_slice() {
            [] => Ok(None),
            [(n, d)] => uk_date(d)
                .filter(|x| x.len() == 10)
                .map(Some)
                .ok_or_else(|| self.err(format!("row {n}: {col} {d:?} is not a date"))),
            _ => Err(self.err(format!("several values of {col}: {v:?}"))),
        }
    }

    /// Listed, designated (when another day) and last amended.
    fn designations(&self, t: &mut Tables) -> Result<()> {
        let (g, src) = (self.g, self.src);
        let listed = self
            .one_date("Listed On")?
            .ok_or_else(|| self.err("no Listed On".into()))?;
        t.desig(
            &format!("des-uk-{g}-listed"),
            g,
            "listed",
            &listed,
            "listed_on",
            ["", ""],
            String::new(),
            src.to_string(),
        )?;
        if let Some(d) = self.one_date("UK Sanctions List Date Designated")? {
            if d != listed {
                t.desig(
                    &format!("des-uk-{g}-designated"),
                    g,
                    "designated",
                    &d,
                    "uk_designated",
                    ["", ""],
                    String::new(),
                    src.to_string(),
                )?;
            }
        }
        if let Some(d) = self.one_date("Last Updated")? {
            t.desig(
                &format!("des-uk-{g}-amended-{d}"),
                g,
                "amended",
                &d,
                "last_updated",
                ["", ""],
                String::new(),
                src.to_string(),
            )?;
        }
        Ok(())
    }
}
