//! Domain rules that join datasets: a UN 1718 reference (`KPi.###` for individuals, `KPe.###`
//! for entities) must sit on an actor of the matching type. They apply when the package has
//! the conventional `actors` dataset (`actor_id`, `actor_type`) and a dataset that holds UN
//! references: `designations.authority_ref`, or `actor_identifiers.value` with scheme `un_ref`.

use std::collections::HashMap;

use kpdata_diagnostics::rules::domain as dm;
use kpdata_diagnostics::Diagnostic;
use kpdata_package::Package;
use kpdata_read::{Batch, CsvReader};

use crate::formats::is_un_1718_ref;

/// Streams the rows of a dataset, handing `f` the values of the named columns.
/// Called with the values of the requested columns, the row, line, path and columns.
type RowFn<'a> = dyn FnMut(&[Option<&str>], u64, u64, &str, &[Option<u64>]) + 'a;

fn scan(pkg: &Package, name: &str, columns: &[&str], f: &mut RowFn<'_>) {
    let Some(ds) = pkg.manifest.dataset(name) else {
        return;
    };
    let Ok(path) = pkg.root.resolve_file(&ds.path) else {
        return;
    };
    let Ok(file) = std::fs::File::open(path) else {
        return;
    };
    let mut reader = CsvReader::new(file, &ds.path, &pkg.manifest.limits);
    let mut batch = Batch::default();
    let mut idx: Option<Vec<Option<usize>>> = None;
    loop {
        let Ok(more) = reader.next_batch(&mut batch) else {
            return;
        };
        let idx = idx.get_or_insert_with(|| {
            let header = reader.header().unwrap_or_default();
            columns
                .iter()
                .map(|c| header.iter().position(|h| h == c))
                .collect()
        });
        let cols: Vec<Option<u64>> = idx.iter().map(|i| i.map(|i| i as u64 + 1)).collect();
        let mut values: Vec<Option<&str>> = Vec::with_capacity(columns.len());
        for r in batch.records() {
            values.clear();
            values.extend(idx.iter().map(|i| i.and_then(|i| r.value(i))));
            f(&values, r.row, r.line, &ds.path, &cols);
        }
        if !more {
            return;
        }
    }
}

/// Findings of `un-ref-actor-type` for the whole package.
pub fn un_ref_actor_types(pkg: &Package) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if pkg.manifest.dataset("actors").is_none() {
        return out;
    }
    let mut persons: HashMap<String, bool> = HashMap::new();
    scan(
        pkg,
        "actors",
        &["actor_id", "actor_type"],
        &mut |v, _, _, _, _| {
            if let (Some(id), Some(t)) = (v[0], v[1]) {
                persons.insert(id.to_string(), t == "person");
            }
        },
    );
    for (dataset, field, scheme) in [
        ("designations", "authority_ref", None),
        ("actor_identifiers", "value", Some("un_ref")),
    ] {
        scan(
            pkg,
            dataset,
            &[field, "actor_id", "scheme"],
            &mut |v, row, line, path, cols| {
                if scheme.is_some() && v[2] != scheme {
                    return;
                }
                let (Some(reference), Some(actor)) = (v[0], v[1]) else {
                    return;
                };
                if !is_un_1718_ref(reference) {
                    return;
                }
                let Some(&person) = persons.get(actor) else {
                    return;
                };
                let individual = reference.as_bytes()[2] == b'i';
                if individual != person {
                    let mut d = Diagnostic::new(
                        &dm::UN_REF_ACTOR_TYPE,
                        format!(
                            "`{reference}` is a UN reference for {} but `{actor}` is {}",
                            if individual {
                                "an individual"
                            } else {
                                "an entity"
                            },
                            if person { "a person" } else { "not a person" }
                        ),
                    )
                    .path(path)
                    .row(row)
                    .line(line)
                    .field(field);
                    if let Some(c) = cols[0] {
                        d = d.column(c);
                    }
                    out.push(d);
                }
            },
        );
    }
    out
}
