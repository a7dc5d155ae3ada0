//! Domain rules that join datasets: a UN 1718 reference (`KPi.###` for individuals, `KPe.###`
//! for entities) must sit on an actor of the matching type. They apply when the package has
//! the conventional `actors` dataset (`actor_id`, `actor_type`) and a dataset that holds UN
//! references: `designations.authority_ref`, or `actor_identifiers.value` with scheme `un_ref`.
//!
//! The rule does no I/O and reads no file of its own: the package pass hands it, in record
//! order, the values of the key set [`role`] names for each dataset, the same way keys reach
//! the uniqueness and foreign-key checks. References met before the actors are known are kept
//! (only those that are UN references) and judged at the end.

use std::collections::HashMap;

use kpdata_diagnostics::rules::domain as dm;
use kpdata_diagnostics::Diagnostic;

use crate::formats::is_un_1718_ref;
use crate::keys::{key_hash, key_parts, Build};

/// What a dataset contributes to the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `actors`: key `actor_id, actor_type`.
    Actors,
    /// A dataset with UN references: key `<field>, actor_id[, scheme]`.
    References {
        field: &'static str,
        scheme: Option<&'static str>,
    },
}

impl Role {
    /// The fields whose values the rule needs from each record, in order.
    pub fn key_fields(self) -> Vec<String> {
        match self {
            Role::Actors => vec!["actor_id".into(), "actor_type".into()],
            Role::References { field, scheme } => {
                let mut v = vec![field.to_string(), "actor_id".to_string()];
                if scheme.is_some() {
                    v.push("scheme".into());
                }
                v
            }
        }
    }
}

/// The role of the dataset `name`, when the package has an `actors` dataset.
pub fn role(name: &str, has_actors: bool) -> Option<Role> {
    if !has_actors {
        return None;
    }
    match name {
        "actors" => Some(Role::Actors),
        "designations" => Some(Role::References {
            field: "authority_ref",
            scheme: None,
        }),
        "actor_identifiers" => Some(Role::References {
            field: "value",
            scheme: Some("un_ref"),
        }),
        _ => None,
    }
}

struct Pending {
    reference: String,
    actor: String,
    path: String,
    field: &'static str,
    row: u64,
    line: u64,
}

/// State of `un-ref-actor-type` across one package pass.
#[derive(Default)]
pub struct UnRefActorType {
    /// Hash of each actor id → whether the actor is a person (the last row wins).
    persons: HashMap<u128, bool, Build>,
    actors_done: bool,
    pending: Vec<Pending>,
    out: Vec<Diagnostic>,
}

impl UnRefActorType {
    pub fn new() -> UnRefActorType {
        UnRefActorType::default()
    }

    /// One record's key text (its parts joined with U+001F) for a dataset of `role`.
    pub fn record(&mut self, role: Role, key: &str, path: &str, row: u64, line: u64) {
        let mut parts = key_parts(key);
        match role {
            Role::Actors => {
                if let (Some(id), Some(t)) = (parts.next(), parts.next()) {
                    self.persons.insert(key_hash(id), t == "person");
                }
            }
            Role::References { field, scheme } => {
                let (Some(reference), Some(actor)) = (parts.next(), parts.next()) else {
                    return;
                };
                if scheme.is_some() && parts.next() != scheme {
                    return;
                }
                if !is_un_1718_ref(reference) {
                    return;
                }
                if self.actors_done {
                    self.judge(reference, actor, path, field, row, line);
                } else {
                    self.pending.push(Pending {
                        reference: reference.to_string(),
                        actor: actor.to_string(),
                        path: path.to_string(),
                        field,
                        row,
                        line,
                    });
                }
            }
        }
    }

    /// The end of a dataset of `role`.
    pub fn end_of(&mut self, role: Role) {
        if role == Role::Actors {
            self.actors_done = true;
            for p in std::mem::take(&mut self.pending) {
                self.judge(&p.reference, &p.actor, &p.path, p.field, p.row, p.line);
            }
        }
    }

    fn judge(
        &mut self,
        reference: &str,
        actor: &str,
        path: &str,
        field: &'static str,
        row: u64,
        line: u64,
    ) {
        let Some(&person) = self.persons.get(&key_hash(actor)) else {
            return;
        };
        let individual = reference.as_bytes()[2] == b'i';
        if individual == person {
            return;
        }
        self.out.push(
            Diagnostic::new(
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
            .field(field),
        );
    }

    /// The findings (without columns: the caller knows the headers).
    pub fn finish(mut self) -> Vec<Diagnostic> {
        if !self.actors_done {
            // The actors dataset could not be read: nothing can be judged.
            self.pending.clear();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KEY_SEPARATOR;

    fn key(parts: &[&str]) -> String {
        parts.join(&KEY_SEPARATOR.to_string())
    }

    #[test]
    fn references_before_and_after_the_actors() {
        let d = role("designations", true).unwrap();
        let i = role("actor_identifiers", true).unwrap();
        let mut r = UnRefActorType::new();
        r.record(d, &key(&["KPe.001", "a1"]), "d.csv", 2, 2);
        r.record(d, &key(&["KPi.001", "a1"]), "d.csv", 3, 3);
        r.record(Role::Actors, &key(&["a1", "person"]), "a.csv", 2, 2);
        r.record(Role::Actors, &key(&["a2", "organization"]), "a.csv", 3, 3);
        r.end_of(Role::Actors);
        r.record(i, &key(&["KPi.002", "a2", "un_ref"]), "i.csv", 2, 2);
        r.record(i, &key(&["KPi.002", "a2", "ofac_uid"]), "i.csv", 3, 3);
        r.record(i, &key(&["KPi.002", "a3", "un_ref"]), "i.csv", 4, 4);
        r.record(d, &key(&["12345", "a2"]), "d.csv", 4, 4);
        let got: Vec<_> = r
            .finish()
            .into_iter()
            .map(|d| (d.path.unwrap(), d.row.unwrap(), d.field.unwrap()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("d.csv".to_string(), 2, "authority_ref".to_string()),
                ("i.csv".to_string(), 2, "value".to_string())
            ]
        );
        assert_eq!(role("designations", false), None);
    }
}
