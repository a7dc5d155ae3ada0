//! The OFAC SDN `Remarks` field, item by item.
//!
//! OFAC writes identity details into one free-text field: items separated by `;`, each starting
//! with a label (`DOB 27 Apr 1941`, `Passport 381310014 (Korea, North) expires 16 Dec 2020`,
//! `SWIFT/BIC KDBKKPPY`, `Linked To: TANCHON COMMERCIAL BANK`). [`split`] cuts the field into
//! items (a `;` inside single quotes, as in `a.k.a. 'A; B'`, does not cut) and [`parse_item`]
//! classifies each one by its label into an identity fact, a typed identifier, one of the
//! regulatory notes OFAC repeats on every entry, or [`Item::Unparsed`]: text whose label is not
//! known (mostly positions such as `KOMID Representative in Iran`). Nothing is guessed: an item
//! is parsed only when its label is known and the value after it has the expected shape (a date
//! that is a date, a number that is there), and the importer counts and prints what it did not
//! understand.

use crate::dates::{ofac_date, ofac_date_range};

/// One parsed Remarks item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// An identity fact (`kind` is a key of `vocab/fact_kinds.csv`).
    Fact {
        kind: &'static str,
        value: String,
        /// A partial date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) when the fact is a date.
        date: String,
        /// The end of a date range (`DOB 1960 to 1962`), else empty.
        date_to: String,
        /// `exact`, `circa` or `range` for dates, else empty.
        qualifier: &'static str,
        /// `alt.` when OFAC gives the value as an alternative.
        note: String,
    },
    /// A typed identifier (`scheme` is a key of `vocab/identifier_schemes.csv`).
    Identifier {
        scheme: &'static str,
        value: String,
        /// The rest of the item as published (issuing country, issue and expiry dates).
        note: String,
    },
    /// An IMO number (`... IMO 1234567`): taken by the IMO logic of the importer.
    Imo,
    /// A note OFAC repeats on many entries (secondary sanctions risk, the 510.214 prohibition,
    /// additional sanctions information): recognised, not an identity fact.
    Regulatory,
    /// Text whose label is unknown or whose value does not have the expected shape.
    Unparsed,
}

/// Splits a Remarks field into items: at `;` outside single quotes; items trimmed; the full
/// stop that ends the field is not part of the last item.
pub fn split(remarks: &str) -> Vec<String> {
    let body = remarks.trim();
    let body = body.strip_suffix('.').unwrap_or(body);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut prev = ' ';
    for c in body.chars() {
        // A quote opens after a space (`a.k.a. 'X`) and closes before `;`, `,` or the end;
        // apostrophes inside words (`People's`) do neither.
        if c == '\'' && (quoted || prev == ' ') {
            quoted = !quoted;
        }
        if c == ';' && !quoted {
            out.push(cur.trim().to_string());
            cur.clear();
        } else {
            cur.push(c);
        }
        prev = c;
    }
    out.push(cur.trim().to_string());
    out.retain(|s| !s.is_empty());
    out
}

/// Identifier labels: (label with its trailing space, scheme).
const IDENTIFIERS: &[(&str, &str)] = &[
    ("Diplomatic Passport ", "passport"),
    ("Passport ", "passport"),
    ("National ID No. ", "national_id"),
    ("National Foreign ID Number ", "national_foreign_id"),
    ("Personal ID Card ", "personal_id_card"),
    ("Identification Number ", "identification_number"),
    ("Company Number ", "company_number"),
    ("Registration ID ", "registration_number"),
    ("Registration Number ", "registration_number"),
    ("Tax ID No. ", "tax_id"),
    ("Business Registration Document # ", "business_registration"),
    ("Business Registration Number ", "business_registration"),
    ("Business Number ", "business_registration"),
    ("Organization Code ", "organization_code"),
    ("Vessel Registration Identification ", "vessel_registration"),
    ("Unified Social Credit Code (USCC) ", "uscc"),
    ("Government Gazette Number ", "government_gazette_number"),
    ("C.R. No. ", "commercial_registry"),
    ("Commercial Registry Number ", "commercial_registry"),
    ("D-U-N-S Number ", "duns"),
    ("Enterprise Number ", "enterprise_number"),
    ("BIK (RU) ", "bik_ru"),
    ("Legal Entity Number ", "lei"),
    ("SWIFT/BIC ", "swift_bic"),
    ("Digital Currency Address - ", "digital_currency_address"),
];

/// Text facts: (label with its trailing space, kind).
const TEXT_FACTS: &[(&str, &str)] = &[
    ("POB ", "pob"),
    ("nationality ", "nationality"),
    ("citizen ", "citizenship"),
    ("Gender ", "gender"),
    ("Linked To: ", "linked_to"),
    ("Organization Type: ", "organization_type"),
    ("Target Type ", "target_type"),
    ("Nationality of Registration ", "registration_country"),
    ("Aircraft Model ", "aircraft_model"),
    ("Aircraft Operator ", "aircraft_operator"),
    ("Email Address ", "email"),
    ("EMAIL ", "email"),
    ("Phone Number ", "phone"),
    ("PHONE ", "phone"),
    ("FAX ", "fax"),
    ("TELEX ", "telex"),
    ("Website ", "website"),
];

/// Date facts: (label with its trailing space, kind).
const DATE_FACTS: &[(&str, &str)] = &[
    ("DOB ", "dob"),
    ("Aircraft Manufacture Date ", "aircraft_manufacture_date"),
    ("Organization Established Date ", "organization_established"),
];

const REGULATORY: &[&str] = &[
    "Secondary sanctions risk: ",
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: ",
    "Additional Sanctions Information - ",
];

fn fact(kind: &'static str, value: &str, note: &str) -> Item {
    Item::Fact {
        kind,
        value: value.to_string(),
        date: String::new(),
        date_to: String::new(),
        qualifier: "",
        note: note.to_string(),
    }
}

/// The value of an identifier item and the rest (`381310014`, `(Korea, North) expires 16 Dec
/// 2020`): the value ends before ` (`, ` issued ` or ` expires `.
fn id_value(rest: &str) -> (String, String) {
    let end = [" (", " issued ", " expires "]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap_or(rest.len());
    (
        rest[..end].trim().to_string(),
        rest[end..].trim().to_string(),
    )
}

/// Classifies one item (see the module docs).
pub fn parse_item(item: &str) -> Item {
    let (alt, text) = match item.strip_prefix("alt. ") {
        Some(t) => ("alt.", t),
        None => ("", item),
    };
    if REGULATORY.iter().any(|r| text.starts_with(r)) && alt.is_empty() {
        return Item::Regulatory;
    }
    if text == "all offices worldwide" {
        return fact("scope", text, alt);
    }
    if let Some(rest) = text
        .strip_prefix("a.k.a. ")
        .or(text.strip_prefix("f.k.a. "))
    {
        let kind = if text.starts_with('a') {
            "alias_in_remarks"
        } else {
            "previous_name_in_remarks"
        };
        return match rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
            Some(name) if !name.is_empty() && !name.contains('\'') => fact(kind, name, alt),
            _ => Item::Unparsed,
        };
    }
    if text.contains(" IMO ") || text.starts_with("IMO ") {
        let n = crate::imo_numbers(text);
        return if n.len() == 1 && text.ends_with(&n[0]) {
            Item::Imo
        } else {
            Item::Unparsed
        };
    }
    for (label, kind) in DATE_FACTS {
        if let Some(published) = text.strip_prefix(label) {
            let (qualifier, rest) = match published.strip_prefix("circa ") {
                Some(r) => ("circa", r),
                None => ("exact", published),
            };
            if let Some((from, to)) = ofac_date_range(rest) {
                return Item::Fact {
                    kind,
                    value: published.to_string(),
                    date: from,
                    date_to: to,
                    qualifier: if qualifier == "circa" {
                        "circa"
                    } else {
                        "range"
                    },
                    note: alt.to_string(),
                };
            }
            return match ofac_date(rest) {
                Some(d) => Item::Fact {
                    kind,
                    value: published.to_string(),
                    date: d,
                    date_to: String::new(),
                    qualifier,
                    note: alt.to_string(),
                },
                None => Item::Unparsed,
            };
        }
    }
    for (label, scheme) in IDENTIFIERS {
        if let Some(rest) = text.strip_prefix(label) {
            let (rest, mut note) = if *scheme == "digital_currency_address" {
                match rest.split_once(' ') {
                    Some((currency, addr)) => (addr, format!("currency {currency}")),
                    None => return Item::Unparsed,
                }
            } else {
                (rest, String::new())
            };
            let (value, more) = id_value(rest);
            if value.is_empty()
                || value.starts_with('(')
                || !value.chars().any(|c| c.is_ascii_alphanumeric())
            {
                return Item::Unparsed;
            }
            for part in [label.trim_end(), alt, more.as_str()] {
                if part.is_empty() || (part == "Passport" && *scheme == "passport") {
                    continue;
                }
                if !note.is_empty() {
                    note.push_str("; ");
                }
                note.push_str(part);
            }
            return Item::Identifier {
                scheme,
                value,
                note,
            };
        }
    }
    for (label, kind) in TEXT_FACTS {
        if let Some(rest) = text.strip_prefix(label) {
            let rest = rest.trim();
            return if rest.is_empty() {
                Item::Unparsed
            } else {
                fact(kind, rest, alt)
            };
        }
    }
    Item::Unparsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_respects_quotes_and_the_final_stop() {
        assert_eq!(
            split("DOB 1950; a.k.a. 'A; B'; nationality Korea, North."),
            ["DOB 1950", "a.k.a. 'A; B'", "nationality Korea, North"]
        );
        assert_eq!(
            split("Linked To: KOREA PEOPLE'S BANK; Gender Male"),
            ["Linked To: KOREA PEOPLE'S BANK", "Gender Male"]
        );
    }

    #[test]
    fn identifiers_keep_their_details() {
        assert_eq!(
            parse_item("Passport PS 472330208 (Korea, North) expires 04 Jul 2017"),
            Item::Identifier {
                scheme: "passport",
                value: "PS 472330208".into(),
                note: "(Korea, North) expires 04 Jul 2017".into()
            }
        );
        assert_eq!(
            parse_item("alt. Diplomatic Passport 836110034 expires 01 Jan 2020"),
            Item::Identifier {
                scheme: "passport",
                value: "836110034".into(),
                note: "Diplomatic Passport; alt.; expires 01 Jan 2020".into()
            }
        );
        assert_eq!(parse_item("Company Number IMO 5146578"), Item::Imo);
        assert_eq!(parse_item("Company Number IMO 514657"), Item::Unparsed);
        assert_eq!(parse_item("Passport (Korea, North)"), Item::Unparsed);
    }

    #[test]
    fn dates_are_partial_dates() {
        let d = |s| match parse_item(s) {
            Item::Fact {
                date,
                date_to,
                qualifier,
                ..
            } => (date, date_to, qualifier),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            d("DOB 27 Apr 1941"),
            ("1941-04-27".into(), "".into(), "exact")
        );
        assert_eq!(
            d("alt. DOB Nov 1950"),
            ("1950-11".into(), "".into(), "exact")
        );
        assert_eq!(d("DOB circa 1947"), ("1947".into(), "".into(), "circa"));
        assert_eq!(
            d("DOB 01 Jan 1960 to 31 Dec 1962"),
            ("1960-01-01".into(), "1962-12-31".into(), "range")
        );
        assert_eq!(parse_item("DOB 31 Feb 1960"), Item::Unparsed);
        assert_eq!(parse_item("Chief Representative, KOMID"), Item::Unparsed);
    }
}
