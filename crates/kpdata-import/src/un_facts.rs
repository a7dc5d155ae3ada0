//! The identity facts of a UN consolidated-list entry (see the field table in [`crate::un`]):
//! dates and places of birth, nationalities, addresses and gender as `actor_facts` rows.

use crate::dates::iso_partial;
use crate::un::{text, values};
use crate::xml::Element;
use crate::{ImportError, Result, Table};

/// The identity facts of one entry: dates and places of birth, nationalities, addresses, gender.
pub(crate) fn un_facts(
    e: &Element,
    reference: &str,
    key: &str,
    actor_id: &str,
    source_id: &str,
    facts: &mut Table,
) -> Result<()> {
    let at = |msg: String| ImportError::new(format!("{reference}: {msg}"));
    let mut push =
        |id: String, kind: &str, value: String, dates: [&str; 3], locator: String, note: String| {
            facts.push(&[
                ("fact_id", id),
                ("actor_id", actor_id.to_string()),
                ("kind", kind.to_string()),
                ("value", value),
                ("date", dates[0].to_string()),
                ("date_to", dates[1].to_string()),
                ("date_qualifier", dates[2].to_string()),
                ("locator", locator),
                ("note", note),
                ("source_ids", source_id.to_string()),
                ("sensitivity", "public".to_string()),
            ])
        };
    let allowed = |el: &Element, names: &[&str]| -> Result<()> {
        match el
            .children
            .iter()
            .find(|c| !names.contains(&c.name.as_str()))
        {
            Some(c) => Err(at(format!("unknown element <{}> in <{}>", c.name, el.name))),
            None => Ok(()),
        }
    };
    for (i, d) in e.children_named("INDIVIDUAL_DATE_OF_BIRTH").enumerate() {
        allowed(
            d,
            &[
                "TYPE_OF_DATE",
                "DATE",
                "YEAR",
                "FROM_YEAR",
                "TO_YEAR",
                "NOTE",
            ],
        )?;
        let ty = text(d, "TYPE_OF_DATE");
        let (date, year, from, to) = (
            text(d, "DATE"),
            text(d, "YEAR"),
            text(d, "FROM_YEAR"),
            text(d, "TO_YEAR"),
        );
        if [&ty, &date, &year, &from, &to].iter().all(|s| s.is_empty()) {
            continue;
        }
        let bad = || {
            at(format!("date of birth {} not understood: TYPE_OF_DATE {ty:?}, DATE {date:?}, YEAR {year:?}, FROM_YEAR {from:?}, TO_YEAR {to:?}", i + 1))
        };
        let (value, start, end, qualifier) = match (
            ty.as_str(),
            date.is_empty(),
            year.is_empty(),
            from.is_empty() && to.is_empty(),
        ) {
            ("EXACT" | "APPROXIMATELY", false, true, true) => (
                date.clone(),
                iso_partial(&date)
                    .filter(|d| d.len() == 10)
                    .ok_or_else(bad)?,
                String::new(),
                ty.as_str(),
            ),
            ("EXACT" | "APPROXIMATELY", true, false, true) => (
                year.clone(),
                iso_partial(&year)
                    .filter(|d| d.len() == 4)
                    .ok_or_else(bad)?,
                String::new(),
                ty.as_str(),
            ),
            ("BETWEEN", true, true, false) => {
                let (a, b) = (
                    iso_partial(&from).ok_or_else(bad)?,
                    iso_partial(&to).ok_or_else(bad)?,
                );
                if a > b {
                    return Err(bad());
                }
                (format!("{from} to {to}"), a, b, "BETWEEN")
            }
            _ => return Err(bad()),
        };
        let qualifier = match qualifier {
            "EXACT" => "exact",
            "APPROXIMATELY" => "circa",
            _ => "range",
        };
        push(
            format!("fct-un-{key}-dob-{}", i + 1),
            "dob",
            value,
            [&start, &end, qualifier],
            format!("UN {reference}, INDIVIDUAL_DATE_OF_BIRTH {}", i + 1),
            text(d, "NOTE"),
        )?;
    }
    let joined = |el: &Element, parts: &[&str]| {
        parts
            .iter()
            .map(|p| text(el, p))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (i, p) in e.children_named("INDIVIDUAL_PLACE_OF_BIRTH").enumerate() {
        allowed(p, &["CITY", "STATE_PROVINCE", "COUNTRY", "NOTE"])?;
        let value = joined(p, &["CITY", "STATE_PROVINCE", "COUNTRY"]);
        if value.is_empty() {
            continue;
        }
        push(
            format!("fct-un-{key}-pob-{}", i + 1),
            "pob",
            value,
            ["", "", ""],
            format!("UN {reference}, INDIVIDUAL_PLACE_OF_BIRTH {}", i + 1),
            text(p, "NOTE"),
        )?;
    }
    for (i, n) in values(e, "NATIONALITY").into_iter().enumerate() {
        push(
            format!("fct-un-{key}-nationality-{}", i + 1),
            "nationality",
            n,
            ["", "", ""],
            format!("UN {reference}, NATIONALITY/VALUE {}", i + 1),
            String::new(),
        )?;
    }
    for (i, a) in e
        .children
        .iter()
        .filter(|c| c.name == "INDIVIDUAL_ADDRESS" || c.name == "ENTITY_ADDRESS")
        .enumerate()
    {
        allowed(
            a,
            &[
                "STREET",
                "CITY",
                "STATE_PROVINCE",
                "ZIP_CODE",
                "COUNTRY",
                "NOTE",
            ],
        )?;
        let value = joined(
            a,
            &["STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY"],
        );
        if value.is_empty() {
            continue;
        }
        push(
            format!("fct-un-{key}-address-{}", i + 1),
            "address",
            value,
            ["", "", ""],
            format!("UN {reference}, {} {}", a.name, i + 1),
            text(a, "NOTE"),
        )?;
    }
    let gender = text(e, "GENDER");
    if !gender.is_empty() {
        push(
            format!("fct-un-{key}-gender"),
            "gender",
            gender,
            ["", "", ""],
            format!("UN {reference}, GENDER"),
            String::new(),
        )?;
    }
    Ok(())
}
