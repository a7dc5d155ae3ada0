//! Domain rules that join datasets: a UN 1718 reference (`KPi.###` for individuals, `KPe.###`
//! for entities) must sit on an actor of the matching type. They apply when the package has
//! the conventional `actors` dataset (`actor_id`, `actor_type`) and a dataset that holds UN
//! references: `designations.authority_ref`, or `actor_identifiers.value` with scheme `un_ref`.

use std::collections::HashMap;

use kpdata_diagnostics::rules::domain as dm;
use kpdata_diagnostics::Diagnostic;
use kpdata_package::Package;
use kpdata_read::{read_table, Table};

use crate::formats::is_un_1718_ref;

fn load(pkg: &Package, name: &str) -> Option<Table> {
    let ds = pkg.manifest.dataset(name)?;
    let path = pkg.root.resolve_file(&ds.path).ok()?;
    let file = std::fs::File::open(path).ok()?;
    read_table(file, &ds.path, &pkg.manifest.limits)
        .ok()
        .map(|(t, _)| t)
}

/// Findings of `un-ref-actor-type` for the whole package.
pub fn un_ref_actor_types(pkg: &Package) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(actors) = load(pkg, "actors") else {
        return out;
    };
    let types: HashMap<&str, &str> = actors
        .records
        .iter()
        .filter_map(|r| Some((actors.get(r, "actor_id")?, actors.get(r, "actor_type")?)))
        .collect();
    for (dataset, field, scheme) in [
        ("designations", "authority_ref", None),
        ("actor_identifiers", "value", Some("un_ref")),
    ] {
        let Some(t) = load(pkg, dataset) else {
            continue;
        };
        let col = t.column(field).map(|c| c as u64 + 1);
        for r in &t.records {
            if scheme.is_some() && t.get(r, "scheme") != scheme {
                continue;
            }
            let (Some(reference), Some(actor)) = (t.get(r, field), t.get(r, "actor_id")) else {
                continue;
            };
            if !is_un_1718_ref(reference) {
                continue;
            }
            let Some(actor_type) = types.get(actor) else {
                continue;
            };
            let individual = reference.as_bytes()[2] == b'i';
            let person = *actor_type == "person";
            if individual != person {
                let mut d =
                    Diagnostic::new(
                        &dm::UN_REF_ACTOR_TYPE,
                        format!(
                        "`{reference}` is a UN reference for {} but `{actor}` is a `{actor_type}`",
                        if individual { "an individual" } else { "an entity" }
                    ),
                    )
                    .path(t.path.clone())
                    .row(r.row)
                    .line(r.line)
                    .field(field);
                if let Some(c) = col {
                    d = d.column(c);
                }
                out.push(d);
            }
        }
    }
    out
}
