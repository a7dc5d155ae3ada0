//! OFAC `add.csv`: the addresses of the selected entries as `actor_facts` rows.

use std::collections::BTreeMap;

use super::legacy::read_legacy;
use crate::{ImportError, Result, Table};

const ADD_COLUMNS: usize = 6;

/// One `address` fact per non-empty address of a selected entry (`selected`: ent_num →
/// actor id), citing `add_source_id`.
pub(super) fn import(
    add: &[u8],
    add_source_id: &str,
    selected: &BTreeMap<String, String>,
    facts: &mut Table,
) -> Result<()> {
    let public = || "public".to_string();
    for r in read_legacy(add, ADD_COLUMNS, "add.csv")? {
        let [ent, add_num, address, city, country, add_remarks] =
            <[String; ADD_COLUMNS]>::try_from(r).expect("column count checked");
        let Some(actor_id) = selected.get(&ent) else {
            continue;
        };
        if add_num.is_empty() || !add_num.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ImportError::new(format!(
                "add.csv ent_num {ent}: add_num {add_num:?} is not a number"
            )));
        }
        let value = [address, city, country]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        if value.is_empty() {
            continue;
        }
        facts.push(&[
            ("fact_id", format!("fct-ofac-{ent}-add-{add_num}")),
            ("actor_id", actor_id.clone()),
            ("kind", "address".into()),
            ("value", value),
            ("date", String::new()),
            ("date_to", String::new()),
            ("date_qualifier", String::new()),
            (
                "locator",
                format!("OFAC add.csv ent_num {ent}, add_num {add_num}"),
            ),
            ("note", add_remarks),
            ("source_ids", add_source_id.to_string()),
            ("sensitivity", public()),
        ])?;
    }
    Ok(())
}
