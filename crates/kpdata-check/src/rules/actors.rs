//! Rules about actors and their designations that join datasets. They apply when the package
//! has the conventional `actors` dataset (`actor_id`, `actor_type`).
//!
//! - `un-ref-actor-type` (KP702): a UN 1718 reference (`KPi.###` for individuals, `KPe.###` for
//!   entities) must sit on an actor of the matching type. UN references are
//!   `designations.authority_ref`, and `actor_identifiers.value` with scheme `un_ref`.
//! - `designation-actor-unnamed` (KP920): a designation's actor (one that exists in `actors`)
//!   has at least one name in `actor_names`.
//!
//! The rules do no I/O and read no file of their own: the package pass hands them, in record
//! order, the values of the key sets [`roles`] names for each dataset (a dataset can hold
//! several roles), the same way keys reach the uniqueness and foreign-key checks. What is met
//! before the datasets it depends on are complete is kept and judged later.

use std::collections::{HashMap, HashSet};

use kpdata_diagnostics::rules::domain as dm;
use kpdata_diagnostics::{escape_value, Diagnostic};

use super::{Columns, DatasetInfo, PackageCtx, PackageRule, PackageRuleFor, Plan};
use crate::formats::is_un_1718_ref;
use crate::keys::{key_hash, key_parts, Build};
use crate::record::RecordFacts;

pub(super) const PACKAGE: &[PackageRuleFor] = &[un_ref_actor_type, designation_actor_unnamed];

/// What a dataset contributes to the rules of this family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `actors`: key `actor_id, actor_type`.
    Actors,
    /// A dataset with UN references: key `<field>, actor_id[, scheme]`.
    References {
        field: &'static str,
        scheme: Option<&'static str>,
    },
    /// `designations`: key `designation_id, actor_id`.
    Designations,
    /// `actor_names`: key `actor_id`.
    Names,
}

impl Role {
    /// The fields whose values the rules need from each record, in order.
    pub fn key_fields(self) -> Vec<String> {
        let fields: Vec<&str> = match self {
            Role::Actors => vec!["actor_id", "actor_type"],
            Role::References { field, scheme } => {
                let mut v = vec![field, "actor_id"];
                if scheme.is_some() {
                    v.push("scheme");
                }
                v
            }
            Role::Designations => vec!["designation_id", "actor_id"],
            Role::Names => vec!["actor_id"],
        };
        fields.into_iter().map(str::to_string).collect()
    }
}

/// The roles of the dataset `name`, when the package has an `actors` dataset (`has` tells
/// which datasets the package has).
pub fn roles(name: &str, has: impl Fn(&str) -> bool) -> Vec<Role> {
    if !has("actors") {
        return Vec::new();
    }
    match name {
        "actors" => vec![Role::Actors],
        "designations" => vec![
            Role::References {
                field: "authority_ref",
                scheme: None,
            },
            Role::Designations,
        ],
        "actor_identifiers" => vec![Role::References {
            field: "value",
            scheme: Some("un_ref"),
        }],
        "actor_names" => vec![Role::Names],
        _ => Vec::new(),
    }
}

/// The roles `wanted` of the dataset being read, with the slots of their key sets.
fn plan_roles(
    ds: &DatasetInfo<'_>,
    has: impl Fn(&str) -> bool,
    wanted: impl Fn(Role) -> bool,
    plan: &mut Plan,
) -> Vec<(Role, usize)> {
    roles(&ds.ds.name, has)
        .into_iter()
        .filter(|r| wanted(*r))
        .map(|r| (r, plan.slot(&r.key_fields())))
        .collect()
}

/// Which datasets the package has (the rules are set up once per package).
fn names_of(ctx: &PackageCtx<'_>) -> HashSet<String> {
    ctx.pkg
        .manifest
        .datasets
        .iter()
        .map(|d| d.name.clone())
        .collect()
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
            Role::Designations | Role::Names => {}
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

/// KP702 in the package pass.
fn un_ref_actor_type<'a>(ctx: &PackageCtx<'a>) -> Option<Box<dyn PackageRule + 'a>> {
    Some(Box::new(RolePass {
        rule: UnRefActorType::new(),
        has: names_of(ctx),
        path: String::new(),
        cur: Vec::new(),
    }))
}

/// A designation kept until `actors` and `actor_names` are complete.
struct Designation {
    id: String,
    actor: String,
    path: String,
    row: u64,
    line: u64,
}

/// State of `designation-actor-unnamed` (KP920) across one package pass.
#[derive(Default)]
pub struct DesignationActorUnnamed {
    /// Hashes of the ids in `actors`, and of the actor ids with a row in `actor_names`.
    actors: HashSet<u128, Build>,
    named: HashSet<u128, Build>,
    actors_done: bool,
    names_done: bool,
    pending: Vec<Designation>,
    out: Vec<Diagnostic>,
}

impl DesignationActorUnnamed {
    /// One record's key text for a dataset of `role`.
    pub fn record(&mut self, role: Role, key: &str, path: &str, row: u64, line: u64) {
        let mut parts = key_parts(key);
        match role {
            Role::Actors => {
                if let Some(id) = parts.next() {
                    self.actors.insert(key_hash(id));
                }
            }
            Role::Names => {
                self.named.insert(key_hash(key));
            }
            Role::Designations => {
                let (Some(id), Some(actor)) = (parts.next(), parts.next()) else {
                    return;
                };
                let d = Designation {
                    id: id.to_string(),
                    actor: actor.to_string(),
                    path: path.to_string(),
                    row,
                    line,
                };
                if self.actors_done && self.names_done {
                    self.judge(d);
                } else {
                    self.pending.push(d);
                }
            }
            Role::References { .. } => {}
        }
    }

    /// The end of a dataset of `role`.
    pub fn end_of(&mut self, role: Role) {
        match role {
            Role::Actors => self.actors_done = true,
            Role::Names => self.names_done = true,
            _ => return,
        }
        if self.actors_done && self.names_done {
            for d in std::mem::take(&mut self.pending) {
                self.judge(d);
            }
        }
    }

    fn judge(&mut self, d: Designation) {
        let actor = key_hash(&d.actor);
        // An actor missing from `actors` is a foreign-key finding already.
        if !self.actors.contains(&actor) || self.named.contains(&actor) {
            return;
        }
        self.out.push(
            Diagnostic::new(
                &dm::DESIGNATION_ACTOR_UNNAMED,
                format!(
                    "`{}` designates `{}`, which has no name in `actor_names`",
                    escape_value(&d.id, 80),
                    escape_value(&d.actor, 80)
                ),
            )
            .path(d.path)
            .row(d.row)
            .line(d.line)
            .field("actor_id"),
        );
    }

    /// The findings (without columns). Designations met while `actors` or `actor_names`
    /// could not be read are not judged.
    pub fn finish(self) -> Vec<Diagnostic> {
        self.out
    }
}

/// KP920 in the package pass.
fn designation_actor_unnamed<'a>(ctx: &PackageCtx<'a>) -> Option<Box<dyn PackageRule + 'a>> {
    if !(ctx.has("designations") && ctx.has("actor_names")) {
        return None;
    }
    Some(Box::new(RolePass {
        rule: DesignationActorUnnamed::default(),
        has: names_of(ctx),
        path: String::new(),
        cur: Vec::new(),
    }))
}

/// A rule fed the keys of the datasets by their roles (KP702, KP920).
trait RoleRule: Default {
    /// The roles whose keys the rule is fed.
    fn wants(role: Role) -> bool;
    fn record(&mut self, role: Role, key: &str, path: &str, row: u64, line: u64);
    fn end_of(&mut self, role: Role);
    fn finish(self) -> Vec<Diagnostic>;
}

impl RoleRule for UnRefActorType {
    fn wants(role: Role) -> bool {
        matches!(role, Role::Actors | Role::References { .. })
    }
    fn record(&mut self, role: Role, key: &str, path: &str, row: u64, line: u64) {
        UnRefActorType::record(self, role, key, path, row, line);
    }
    fn end_of(&mut self, role: Role) {
        UnRefActorType::end_of(self, role);
    }
    fn finish(self) -> Vec<Diagnostic> {
        UnRefActorType::finish(self)
    }
}

impl RoleRule for DesignationActorUnnamed {
    fn wants(role: Role) -> bool {
        matches!(role, Role::Actors | Role::Names | Role::Designations)
    }
    fn record(&mut self, role: Role, key: &str, path: &str, row: u64, line: u64) {
        DesignationActorUnnamed::record(self, role, key, path, row, line);
    }
    fn end_of(&mut self, role: Role) {
        DesignationActorUnnamed::end_of(self, role);
    }
    fn finish(self) -> Vec<Diagnostic> {
        DesignationActorUnnamed::finish(self)
    }
}

/// The package pass of a [`RoleRule`]: asks for the key of each role the rule wants, feeds
/// the rule in record order, and hands its findings over at the end.
struct RolePass<R> {
    rule: R,
    has: HashSet<String>,
    path: String,
    cur: Vec<(Role, usize)>,
}

impl<R: RoleRule> PackageRule for RolePass<R> {
    fn begin(&mut self, ds: &DatasetInfo<'_>, plan: &mut Plan) -> bool {
        self.path = ds.ds.path.clone();
        let has = |n: &str| self.has.contains(n);
        self.cur = plan_roles(ds, has, R::wants, plan);
        !self.cur.is_empty()
    }

    fn observe(&mut self, f: &RecordFacts<'_>) {
        for &(role, slot) in &self.cur {
            if let Some((_, text)) = f.key(slot) {
                self.rule.record(role, text, &self.path, f.row, f.line);
            }
        }
    }

    fn end(&mut self, _: &DatasetInfo<'_>, _: &Columns<'_>, _: &mut Vec<Diagnostic>) {
        for &(role, _) in &self.cur {
            self.rule.end_of(role);
        }
    }

    fn finish(&mut self, cols: &Columns<'_>, out: &mut Vec<Diagnostic>) {
        for mut d in std::mem::take(&mut self.rule).finish() {
            cols.fill(&mut d);
            out.push(d);
        }
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
        let all = |_: &str| true;
        let d = roles("designations", all)[0];
        let i = roles("actor_identifiers", all)[0];
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
        assert!(roles("designations", |n| n != "actors").is_empty());
    }

    #[test]
    fn unnamed_designated_actors_in_any_dataset_order() {
        let run = |names_first: bool| {
            let mut r = DesignationActorUnnamed::default();
            for a in ["a1", "a2"] {
                r.record(Role::Actors, &key(&[a, "person"]), "a.csv", 2, 2);
            }
            r.end_of(Role::Actors);
            let names = |r: &mut DesignationActorUnnamed| {
                r.record(Role::Names, "a1", "n.csv", 2, 2);
                r.end_of(Role::Names);
            };
            if names_first {
                names(&mut r);
            }
            r.record(Role::Designations, &key(&["d1", "a1"]), "d.csv", 2, 2);
            r.record(Role::Designations, &key(&["d2", "a2"]), "d.csv", 3, 3);
            // An actor missing from `actors` is a foreign-key finding, not this rule's.
            r.record(Role::Designations, &key(&["d3", "a9"]), "d.csv", 4, 4);
            if !names_first {
                names(&mut r);
            }
            r.finish()
                .into_iter()
                .map(|d| (d.row.unwrap(), d.message))
                .collect::<Vec<_>>()
        };
        let want = vec![(
            3,
            "`d2` designates `a2`, which has no name in `actor_names`".to_string(),
        )];
        assert_eq!(run(true), want);
        assert_eq!(run(false), want);
        // `actor_names` could not be read: nothing is judged.
        let mut r = DesignationActorUnnamed::default();
        r.record(Role::Actors, &key(&["a2", "person"]), "a.csv", 2, 2);
        r.end_of(Role::Actors);
        r.record(Role::Designations, &key(&["d2", "a2"]), "d.csv", 3, 3);
        assert!(r.finish().is_empty());
        assert_eq!(
            roles("designations", |_| true),
            vec![
                Role::References {
                    field: "authority_ref",
                    scheme: None
                },
                Role::Designations
            ]
        );
    }
}
