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
    let at = |m: String| ImportError::new(format!("Group ID {g}: {m}"));
    let actor_id = format!("act-uk-{g}");
    let first = &rows[0].1;
    let atype = match s.get(first, "Group Type") {
        "Individual" => "person",
        "Entity" => "organization",
        "Ship" => "vessel",
        other => {
            return Err(at(format!(
                "unknown Group Type {other:?} (known: Individual, Entity, Ship)"
            )))
        }
    };
    let distinct = |col: &str| {
        let mut v: Vec<(usize, &str)> = Vec::new();
        for (n, r) in rows.iter().map(|r| (r.0, &r.1)) {
            let x = s.get(r, col);
            if !x.is_empty() && !v.iter().any(|(_, y)| *y == x) {
                v.push((n, x));
            }
        }
        v
    };
    // Names.
    let mut had_primary = false;
    let mut primary = String::new();
    let mut seen: Vec<(String, &str)> = Vec::new();
    for (n, r) in rows.iter().map(|r| (r.0, &r.1)) {
        let name = ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6"]
            .iter()
            .map(|c| s.get(r, c))
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let (alias, quality) = (s.get(r, "Alias Type"), s.get(r, "Alias Quality"));
        let ty = name_type(alias, quality, had_primary).ok_or_else(|| {
            at(format!(
                "row {n}: unknown Alias Type {alias:?} / quality {quality:?}"
            ))
        })?;
        let mut add = |name: String, ty: &'static str, quality: String| -> Result<()> {
            if name.is_empty() || seen.iter().any(|(x, t)| *x == name && *t == ty) {
                return Ok(());
            }
            check_nfc(&format!("Group ID {g}"), &name)?;
            let script = script::detect(&name)
                .map_err(|e| at(e.message))?
                .map(|s| s.code().to_string())
                .unwrap_or_default();
            seen.push((name.clone(), ty));
            t.names.push(&[
                ("name_id", format!("nam-uk-{g}-{}", seen.len())),
                ("actor_id", actor_id.clone()),
                ("name", name),
                ("name_type", ty.into()),
                ("script", script),
                ("source_quality", quality),
                ("note", format!("file row {n}")),
                ("source_ids", src.to_string()),
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
        return Err(at(
            "no row with Alias Type Primary name / Prime Alias".into()
        ));
    }
    let remarks = s.get(first, "Other Information").to_string();
    t.actors.push(&[
        ("actor_id", actor_id.clone()),
        ("actor_type", atype.into()),
        ("primary_name", primary),
        (
            "title",
            distinct("Title")
                .iter()
                .map(|x| x.1)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            "nationality",
            distinct("Nationality")
                .iter()
                .map(|x| x.1)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        ("vessel_type", String::new()),
        ("vessel_flag", String::new()),
        ("vessel_tonnage", String::new()),
        ("vessel_grt", String::new()),
        ("vessel_owner", String::new()),
        ("remarks", remarks.clone()),
        ("source_ids", src.to_string()),
        ("sensitivity", "public".into()),
    ])?;
    // Identifiers.
    let mut ident = |scheme: &str, value: &str, note: String, n: usize| -> Result<()> {
        let id = format!(
            "idn-uk-{g}-{}-{}",
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
            ("actor_id", actor_id.clone()),
            ("scheme", scheme.into()),
            ("value", value.into()),
            ("note", note),
            ("source_ids", src.to_string()),
            ("sensitivity", "public".into()),
        ])
    };
    for (n, r) in rows.iter().map(|r| (r.0, &r.1)) {
        let other = s.get(r, "Other Information");
        for v in reference_after(other, "(UK Sanctions List Ref)") {
            ident("uk_list_ref", &v, String::new(), n)?;
        }
        for v in reference_after(other, "UN Ref") {
            if !(v.len() == 7 && (v.starts_with("KPi.") || v.starts_with("KPe."))) {
                return Err(at(format!(
                    "row {n}: UN reference {v:?} is not a 1718 reference"
                )));
            }
            ident("un_ref", &v, String::new(), n)?;
        }
        if atype == "vessel" {
            for imo in imo_numbers(other) {
                if !imo_valid(&imo) {
                    return Err(at(format!("row {n}: IMO {imo} fails the check digit")));
                }
                ident("imo_ship", &imo, String::new(), n)?;
            }
        }
        let pn = s.get(r, "Passport Number");
        if !pn.is_empty() {
            ident("passport", pn, s.get(r, "Passport Details").to_string(), n)?;
        }
        for col in ["National Identification Number", "NI Number"] {
            let v = s.get(r, col);
            if !v.is_empty() {
                ident(
                    "national_id",
                    v,
                    s.get(r, "National Identification Details").to_string(),
                    n,
                )?;
            }
        }
    }
    // Facts.
    let mut facts: Vec<(&str, String, String, usize)> = Vec::new(); // kind, value, date, row
    for (n, r) in rows.iter().map(|r| (r.0, &r.1)) {
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
                .ok_or_else(|| at(format!("row {n}: DOB {dob:?} is not DD/MM/YYYY")))?;
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
    let mut kept: Vec<(&str, String)> = Vec::new();
    for (kind, value, date, n) in facts {
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
            ("actor_id", actor_id.clone()),
            ("kind", kind.into()),
            ("value", value),
            ("date", date),
            ("date_to", String::new()),
            ("date_qualifier", q.into()),
            ("locator", format!("UK Group ID {g}, file row {n}")),
            ("note", String::new()),
            ("source_ids", src.to_string()),
            ("sensitivity", "public".into()),
        ])?;
    }
    // Designations.
    let one = |col: &str| -> Result<Option<String>> {
        let v = distinct(col);
        match v.as_slice() {
            [] => Ok(None),
            [(n, d)] => uk_date(d)
                .filter(|x| x.len() == 10)
                .map(Some)
                .ok_or_else(|| at(format!("row {n}: {col} {d:?} is not a date"))),
            _ => Err(at(format!("several values of {col}: {v:?}"))),
        }
    };
    let listed = one("Listed On")?.ok_or_else(|| at("no Listed On".into()))?;
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
    if let Some(d) = one("UK Sanctions List Date Designated")? {
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
    if let Some(d) = one("Last Updated")? {
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
