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

use std::collections::BTreeMap;

use crate::dates::iso_partial;
use crate::{
    check_nfc, imo_numbers, imo_valid, script, ImportError, Result, Table, ACTORS, ACTOR_FACTS,
    ACTOR_IDENTIFIERS, ACTOR_NAMES, DESIGNATIONS,
};

const REGIMES: &[&str] = &[
    "Democratic People's Republic of Korea",
    "North Korea (Democratic People's Republic of Korea)",
];

const REQUIRED: &[&str] = &[
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Title",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Details",
    "Position",
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Last Updated",
    "Group ID",
];

const OPTIONAL: &[&str] = &[
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
    "Passport Number",
    "National Identification Number",
    "National Identification Details",
    "NI Number",
    "Alias Quality",
    "UK Sanctions List Date Designated",
];

/// One snapshot of the list: its as-of date and the DPRK rows (file row number, cells).
pub struct Snapshot {
    pub as_of: String,
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Snapshot {
    fn get<'a>(&self, row: &'a [String], col: &str) -> &'a str {
        self.header
            .iter()
            .position(|h| h == col)
            .map(|i| row[i].trim())
            .unwrap_or("")
    }
}

/// `DD/MM/YYYY` (with `00` for unknown parts) → a partial date.
fn uk_date(s: &str) -> Option<String> {
    if s.len() == 4 {
        // A year alone (`1931`), as some DOB cells are.
        return iso_partial(s).filter(|y| y.len() == 4);
    }
    let p: Vec<&str> = s.split('/').collect();
    let [d, m, y] = p.as_slice() else { return None };
    if d.len() != 2 || m.len() != 2 || y.len() != 4 {
        return None;
    }
    let iso = match (*d, *m) {
        ("00", "00") => y.to_string(),
        ("00", m) => format!("{y}-{m}"),
        (d, m) => format!("{y}-{m}-{d}"),
    };
    if iso.len() == 7 {
        let m: u32 = iso[5..].parse().ok()?;
        return (iso_partial(&iso[..4]).is_some() && (1..=12).contains(&m)).then_some(iso);
    }
    iso_partial(&iso)
}

/// Reads a snapshot from `.xlsx` bytes (calamine) or CSV bytes (UTF-8, else Windows-1252).
pub fn read(bytes: &[u8], xlsx: bool) -> Result<Snapshot> {
    let grid: Vec<Vec<String>> = if xlsx {
        use calamine::{Data, Reader, Xlsx};
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e| ImportError::new(format!("not a readable workbook: {e}")))?;
        let name = wb
            .sheet_names()
            .first()
            .cloned()
            .ok_or_else(|| ImportError::new("the workbook has no sheet"))?;
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| ImportError::new(format!("sheet {name}: {e}")))?;
        let mut grid = Vec::new();
        for (i, r) in range.rows().enumerate() {
            let mut row = Vec::with_capacity(r.len());
            for c in r {
                row.push(match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    other => {
                        return Err(ImportError::new(format!(
                            "sheet {name} row {}: a cell that is not text ({other:?}); the list is published as text",
                            i + 1
                        )))
                    }
                });
            }
            grid.push(row);
        }
        grid
    } else {
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.to_string(),
            Err(_) => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut grid = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| ImportError::new(format!("CSV: {e}")))?;
            grid.push(rec.iter().map(str::to_string).collect());
        }
        grid
    };
    let first = grid
        .first()
        .ok_or_else(|| ImportError::new("the file is empty"))?;
    let as_of = match (first.first().map(String::as_str), first.get(1)) {
        (Some("Last Updated"), Some(d)) => uk_date(d.trim()).filter(|d| d.len() == 10),
        _ => None,
    }
    .ok_or_else(|| ImportError::new("row 1 is not `Last Updated,DD/MM/YYYY`"))?;
    let header: Vec<String> = grid
        .get(1)
        .ok_or_else(|| ImportError::new("no header row"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    for h in &header {
        if !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()) {
            return Err(ImportError::new(format!(
                "the header has the unknown column {h:?}; nothing was imported"
            )));
        }
    }
    if let Some(m) = REQUIRED.iter().find(|c| !header.iter().any(|h| h == *c)) {
        return Err(ImportError::new(format!(
            "the header lacks the column {m:?}; nothing was imported"
        )));
    }
    let regime = header.iter().position(|h| h == "Regime").expect("required");
    let mut rows = Vec::new();
    for (i, r) in grid.into_iter().enumerate().skip(2) {
        if r.iter().all(|c| c.is_empty()) {
            continue;
        }
        if !REGIMES.contains(&r.get(regime).map(|s| s.trim()).unwrap_or("")) {
            continue;
        }
        if r.len() != header.len() {
            return Err(ImportError::new(format!(
                "row {}: {} cells for {} columns",
                i + 1,
                r.len(),
                header.len()
            )));
        }
        rows.push((i + 1, r));
    }
    Ok(Snapshot {
        as_of,
        header,
        rows,
    })
}

/// The reference after `label` in `text` (`(UN Ref):KPe.018`, `UN Ref KPe.018`).
fn reference_after(text: &str, label: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(label) {
        from += i + label.len();
        // `UN Reference Number: UN Ref KPe.034`: the label must end where the word ends.
        if !text[from..].starts_with([')', ':', ' ', '.']) {
            continue;
        }
        let rest = text[from..].trim_start_matches([')', ':', ' ', '.']);
        let token: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        let token = token.trim_end_matches('.').to_string();
        if !token.is_empty() && !out.contains(&token) {
            out.push(token);
        }
    }
    out
}

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
pub fn import(snapshots: &[(Snapshot, String)]) -> Result<Vec<Table>> {
    let mut t = Tables {
        actors: Table::new("actors", ACTORS, "act-uk-"),
        names: Table::new("actor_names", ACTOR_NAMES, "nam-uk-"),
        idents: Table::new("actor_identifiers", ACTOR_IDENTIFIERS, "idn-uk-"),
        desigs: Table::new("designations", DESIGNATIONS, "des-uk-"),
        facts: Table::new("actor_facts", ACTOR_FACTS, "fct-uk-"),
    };
    // Group ID → (index of the newest snapshot with it).
    let mut groups: Vec<BTreeMap<String, Vec<&(usize, Vec<String>)>>> = Vec::new();
    for (s, _) in snapshots {
        let gid = s
            .header
            .iter()
            .position(|h| h == "Group ID")
            .expect("required");
        let mut m: BTreeMap<String, Vec<&(usize, Vec<String>)>> = BTreeMap::new();
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
        group(&mut t, g, &groups[i][*g], snap, src)?;
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

struct Tables {
    actors: Table,
    names: Table,
    idents: Table,
    desigs: Table,
    facts: Table,
}

impl Tables {
    #[allow(clippy::too_many_arguments)]
    fn desig(
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
fn group(
    t: &mut Tables,
    g: &str,
    rows: &[&(usize, Vec<String>)],
    s: &Snapshot,
    src: &str,
) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
