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
    let mut f = Facts {
        reference,
        key,
        actor_id,
        source_id,
        facts,
    };
    f.dates_of_birth(e)?;
    f.places_of_birth(e)?;
    f.nationalities(e)?;
    f.addresses(e)?;
    f.gender(e)
}

/// The fact rows of one entry, written as they are found.
struct Facts<'a> {
    reference: &'a str,
    key: &'a str,
    actor_id: &'a str,
    source_id: &'a str,
    facts: &'a mut Table,
}

/// `fct-un-<key>-<what>`, kind, value, [date, date_to, qualifier], locator, note.
type Fact<'d> = (String, &'d str, String, [&'d str; 3], String, String);

impl Facts<'_> {
    fn err(&self, msg: String) -> ImportError {
        ImportError::new(format!("{}: {msg}", self.reference))
    }

    fn push(&mut self, (what, kind, value, dates, locator, note): Fact<'_>) -> Result<()> {
        self.facts.push(&[
            ("fact_id", format!("fct-un-{}-{what}", self.key)),
            ("actor_id", self.actor_id.to_string()),
            ("kind", kind.to_string()),
            ("value", value),
            ("date", dates[0].to_string()),
            ("date_to", dates[1].to_string()),
            ("date_qualifier", dates[2].to_string()),
            ("locator", locator),
            ("note", note),
            ("source_ids", self.source_id.to_string()),
            ("sensitivity", "public".to_string()),
        ])
    }

    /// An element may hold only the named children.
    fn allowed(&self, el: &Element, names: &[&str]) -> Result<()> {
        match el
            .children
            .iter()
            .find(|c| !names.contains(&c.name.as_str()))
        {
            Some(c) => Err(self.err(format!("unknown element <{}> in <{}>", c.name, el.name))),
            None => Ok(()),
        }
    }

    fn dates_of_birth(&mut self, e: &Element) -> Result<()> {
        for (i, d) in e.children_named("INDIVIDUAL_DATE_OF_BIRTH").enumerate() {
            self.allowed(
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
            let Some((value, start, end, qualifier)) = self.date_of_birth(d, i + 1)? else {
                continue;
            };
            let reference = self.reference;
            self.push((
                format!("dob-{}", i + 1),
                "dob",
                value,
                [&start, &end, qualifier],
                format!("UN {reference}, INDIVIDUAL_DATE_OF_BIRTH {}", i + 1),
                text(d, "NOTE"),
            ))?;
        }
        Ok(())
    }

    /// The `n`th date of birth as (value as written, date, date_to, qualifier), or `None` when
    /// the element is empty.
    fn date_of_birth(
        &self,
        d: &Element,
        n: usize,
    ) -> Result<Option<(String, String, String, &'static str)>> {
        let ty = text(d, "TYPE_OF_DATE");
        let (date, year, from, to) = (
            text(d, "DATE"),
            text(d, "YEAR"),
            text(d, "FROM_YEAR"),
            text(d, "TO_YEAR"),
        );
        if [&ty, &date, &year, &from, &to].iter().all(|s| s.is_empty()) {
            return Ok(None);
        }
        let bad = || {
            self.err(format!("date of birth {n} not understood: TYPE_OF_DATE {ty:?}, DATE {date:?}, YEAR {year:?}, FROM_YEAR {from:?}, TO_YEAR {to:?}"))
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
        Ok(Some((value, start, end, qualifier)))
    }

    fn places_of_birth(&mut self, e: &Element) -> Result<()> {
        for (i, p) in e.children_named("INDIVIDUAL_PLACE_OF_BIRTH").enumerate() {
            self.allowed(p, &["CITY", "STATE_PROVINCE", "COUNTRY", "NOTE"])?;
            let value = joined(p, &["CITY", "STATE_PROVINCE", "COUNTRY"]);
            if value.is_empty() {
                continue;
            }
            let reference = self.reference;
            self.push((
                format!("pob-{}", i + 1),
                "pob",
                value,
                ["", "", ""],
                format!("UN {reference}, INDIVIDUAL_PLACE_OF_BIRTH {}", i + 1),
                text(p, "NOTE"),
            ))?;
        }
        Ok(())
    }

    fn nationalities(&mut self, e: &Element) -> Result<()> {
        for (i, n) in values(e, "NATIONALITY").into_iter().enumerate() {
            let reference = self.reference;
            self.push((
                format!("nationality-{}", i + 1),
                "nationality",
                n,
                ["", "", ""],
                format!("UN {reference}, NATIONALITY/VALUE {}", i + 1),
                String::new(),
            ))?;
        }
        Ok(())
    }

    fn addresses(&mut self, e: &Element) -> Result<()> {
        for (i, a) in e
            .children
            .iter()
            .filter(|c| c.name == "INDIVIDUAL_ADDRESS" || c.name == "ENTITY_ADDRESS")
            .enumerate()
        {
            self.allowed(
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
            let reference = self.reference;
            self.push((
                format!("address-{}", i + 1),
                "address",
                value,
                ["", "", ""],
                format!("UN {reference}, {} {}", a.name, i + 1),
                text(a, "NOTE"),
            ))?;
        }
        Ok(())
    }

    fn gender(&mut self, e: &Element) -> Result<()> {
        let gender = text(e, "GENDER");
        if gender.is_empty() {
            return Ok(());
        }
        let reference = self.reference;
        self.push((
            "gender".to_string(),
            "gender",
            gender,
            ["", "", ""],
            format!("UN {reference}, GENDER"),
            String::new(),
        ))
    }
}

/// The non-empty texts of `parts`, joined with `, `.
fn joined(el: &Element, parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| text(el, p))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}
