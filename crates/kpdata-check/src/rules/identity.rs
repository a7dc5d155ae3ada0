//! Identity rules that join datasets: links between actors (KP710–KP713) and date windows
//! (KP430).
//!
//! - `link-evidence-missing` (KP710): a link's evidence — an identifier (`evidence_scheme`,
//!   `evidence_value`), a name (`evidence_scheme` = `name`, compared by [`name_keys`]) and for
//!   `name_and_birth_date` a date of birth (`evidence_date`, a `dob` fact's `date`) — must be
//!   carried by both actors. A tampered evidence value, or an actor whose data changed under
//!   the link, is a finding.
//! - `link-actor-type` (KP711): both actors have the same `actor_type`.
//! - `link-same-authority` (KP712): the links of a group (actors joined by links) must not put
//!   two actors of one authority (from `designations.authority`) into one target unless a link
//!   touching one of them has a curator's note (the suggester's own `Accepted after review`
//!   text is not one).
//! - `link-redundant` (KP713): no self-link, one row per pair.
//! - `date-window` (KP430): `window_start` ≤ `action_date` ≤ `window_end` on designations.
//!
//! Like the `actors` family, the rules do no I/O: the package pass hands them, in record order,
//! the key texts of the field sets [`inputs`] names for each dataset; everything is judged in
//! [`IdentityRules::finish`], so dataset order does not matter.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use kpdata_diagnostics::rules::{domain as dm, provenance as pv};
use kpdata_diagnostics::{escape_value, Diagnostic};

use super::{Columns, DatasetInfo, PackageCtx, PackageRule, PackageRuleFor, Plan};
use crate::keys::{key_hash, key_parts, Build};
use crate::names::name_keys;
use crate::record::RecordFacts;

pub(super) const PACKAGE: &[PackageRuleFor] = &[identity];

/// The identity rules in the package pass: the inputs of the dataset being read, by slot.
struct Pass {
    rules: IdentityRules,
    has_links: bool,
    path: String,
    inputs: Vec<(Input, usize)>,
}

fn identity<'a>(ctx: &PackageCtx<'a>) -> Option<Box<dyn PackageRule + 'a>> {
    Some(Box::new(Pass {
        rules: IdentityRules::new(),
        has_links: ctx.has("actors") && ctx.has("links"),
        path: String::new(),
        inputs: Vec::new(),
    }))
}

impl PackageRule for Pass {
    fn begin(&mut self, ds: &DatasetInfo<'_>, plan: &mut Plan) -> bool {
        self.path = ds.ds.path.clone();
        self.inputs = inputs(&ds.ds.name, self.has_links)
            .into_iter()
            .filter(|(_, fields)| fields.iter().all(|f| ds.schema.field(f).is_some()))
            .map(|(input, fields)| (input, plan.slot_of(fields)))
            .collect();
        !self.inputs.is_empty()
    }

    fn observe(&mut self, f: &RecordFacts<'_>) {
        for &(input, slot) in &self.inputs {
            if let Some((_, text)) = f.key(slot) {
                self.rules.record(input, text, &self.path, f.row, f.line);
            }
        }
    }

    fn finish(&mut self, cols: &Columns<'_>, out: &mut Vec<Diagnostic>) {
        for mut d in std::mem::take(&mut self.rules).finish() {
            cols.fill(&mut d);
            out.push(d);
        }
    }
}

/// What a key set of a dataset feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// `actors`: actor_id, actor_type.
    Actor,
    /// `actor_identifiers`: actor_id, scheme, value.
    Identifier,
    /// `actor_names`: actor_id, name.
    Name,
    /// `actor_facts`: actor_id, kind, date.
    Fact,
    /// `designations`: actor_id, authority.
    Authority,
    /// `designations`: designation_id, action_date, window_start, window_end.
    Window,
    /// `links`: link_id, actor_id, linked_actor_id, basis, evidence_scheme, evidence_value.
    Link,
    /// `links`: link_id, evidence_date.
    LinkDate,
    /// `links`: link_id, note.
    LinkNote,
}

/// The key sets dataset `name` feeds to the rules. Link inputs only when the package has a
/// `links` dataset; the window rule whenever there is a `designations` dataset.
pub fn inputs(name: &str, has_links: bool) -> Vec<(Input, &'static [&'static str])> {
    let mut v: Vec<(Input, &'static [&'static str])> = Vec::new();
    if name == "designations" {
        v.push((
            Input::Window,
            &[
                "designation_id",
                "action_date",
                "window_start",
                "window_end",
            ],
        ));
    }
    if !has_links {
        return v;
    }
    match name {
        "actors" => v.push((Input::Actor, &["actor_id", "actor_type"])),
        "actor_identifiers" => v.push((Input::Identifier, &["actor_id", "scheme", "value"])),
        "actor_names" => v.push((Input::Name, &["actor_id", "name"])),
        "actor_facts" => v.push((Input::Fact, &["actor_id", "kind", "date"])),
        "designations" => v.push((Input::Authority, &["actor_id", "authority"])),
        "links" => {
            v.push((
                Input::Link,
                &[
                    "link_id",
                    "actor_id",
                    "linked_actor_id",
                    "basis",
                    "evidence_scheme",
                    "evidence_value",
                ],
            ));
            v.push((Input::LinkDate, &["link_id", "evidence_date"]));
            v.push((Input::LinkNote, &["link_id", "note"]));
        }
        _ => {}
    }
    v
}

struct LinkRow {
    id: String,
    a: String,
    b: String,
    basis: String,
    scheme: String,
    value: String,
    path: String,
    row: u64,
    line: u64,
}

/// State of the identity rules across one package pass.
#[derive(Default)]
pub struct IdentityRules {
    types: HashMap<String, String>,
    /// Hashes of `I|actor|scheme|value`, `N|actor|name key`, `D|actor|dob date`.
    evidence: HashSet<u128, Build>,
    authorities: HashMap<String, BTreeSet<String>>,
    links: Vec<LinkRow>,
    dates: HashMap<String, String>,
    noted: HashSet<String>,
    out: Vec<Diagnostic>,
}

fn ev(tag: &str, actor: &str, rest: &[&str]) -> u128 {
    let mut s = format!("{tag}\u{1f}{actor}");
    for r in rest {
        s.push('\u{1f}');
        s.push_str(r);
    }
    key_hash(&s)
}

fn esc(s: &str) -> String {
    escape_value(s, 80)
}

impl IdentityRules {
    pub fn new() -> IdentityRules {
        IdentityRules::default()
    }

    /// One record's key text (parts joined with U+001F) for `input`.
    pub fn record(&mut self, input: Input, key: &str, path: &str, row: u64, line: u64) {
        let p: Vec<&str> = key_parts(key).collect();
        let at = |d: Diagnostic, field: &str| d.path(path).row(row).line(line).field(field);
        match (input, p.as_slice()) {
            (Input::Actor, [id, ty]) => {
                self.types.insert(id.to_string(), ty.to_string());
            }
            (Input::Identifier, [actor, scheme, value]) => {
                self.evidence.insert(ev("I", actor, &[scheme, value]));
            }
            (Input::Name, [actor, name]) => {
                for k in name_keys(name) {
                    self.evidence.insert(ev("N", actor, &[&k]));
                }
            }
            (Input::Fact, [actor, kind, date]) if *kind == "dob" => {
                self.evidence.insert(ev("D", actor, &[date]));
            }
            (Input::Authority, [actor, authority]) => {
                self.authorities
                    .entry(actor.to_string())
                    .or_default()
                    .insert(authority.to_string());
            }
            (Input::Window, [id, date, start, end]) if !(start <= date && date <= end) => {
                let d = Diagnostic::new(
                    &pv::DATE_WINDOW,
                    format!(
                        "`{}`: action_date {} is not within the window {} to {}",
                        esc(id),
                        esc(date),
                        esc(start),
                        esc(end)
                    ),
                );
                self.out.push(at(d, "window_start"));
            }
            (Input::Link, [id, a, b, basis, scheme, value]) => self.links.push(LinkRow {
                id: id.to_string(),
                a: a.to_string(),
                b: b.to_string(),
                basis: basis.to_string(),
                scheme: scheme.to_string(),
                value: value.to_string(),
                path: path.to_string(),
                row,
                line,
            }),
            (Input::LinkDate, [id, date]) => {
                self.dates.insert(id.to_string(), date.to_string());
            }
            // The suggester's own wording (`Accepted after review (score ..`) explains nothing
            // a curator decided; only a curator's text counts as a note for KP712.
            (Input::LinkNote, [id, note])
                if !note.starts_with("Accepted after review (score")
                    && !note.starts_with("Suggested (score") =>
            {
                self.noted.insert(id.to_string());
            }
            _ => {}
        }
    }

    /// Whether actor `actor` carries the link's evidence; `None` when it does, else what is
    /// missing.
    fn missing(&self, l: &LinkRow, actor: &str) -> Option<String> {
        if l.scheme == "name" {
            let keys = name_keys(&l.value);
            if !keys
                .iter()
                .any(|k| self.evidence.contains(&ev("N", actor, &[k])))
            {
                return Some(format!("the name `{}`", esc(&l.value)));
            }
            if l.basis == "name_and_birth_date" {
                let date = self.dates.get(&l.id).map(String::as_str).unwrap_or("");
                if !self.evidence.contains(&ev("D", actor, &[date])) {
                    return Some(format!("the date of birth `{}`", esc(date)));
                }
            }
            None
        } else if self
            .evidence
            .contains(&ev("I", actor, &[&l.scheme, &l.value]))
        {
            None
        } else {
            Some(format!(
                "the identifier {} `{}`",
                esc(&l.scheme),
                esc(&l.value)
            ))
        }
    }

    /// The findings (without columns: the caller knows the headers).
    pub fn finish(mut self) -> Vec<Diagnostic> {
        let mut out = std::mem::take(&mut self.out);
        let at = |d: Diagnostic, l: &LinkRow, field: &str| {
            d.path(l.path.clone()).row(l.row).line(l.line).field(field)
        };
        let mut pairs: HashMap<(String, String), String> = HashMap::new();
        for l in &self.links {
            if l.a == l.b {
                out.push(at(
                    Diagnostic::new(
                        &dm::LINK_REDUNDANT,
                        format!("`{}` links `{}` to itself", esc(&l.id), esc(&l.a)),
                    ),
                    l,
                    "linked_actor_id",
                ));
                continue;
            }
            let pair = if l.a < l.b {
                (l.a.clone(), l.b.clone())
            } else {
                (l.b.clone(), l.a.clone())
            };
            if let Some(first) = pairs.get(&pair) {
                out.push(at(
                    Diagnostic::new(
                        &dm::LINK_REDUNDANT,
                        format!(
                            "`{}` repeats the link `{}` between `{}` and `{}`",
                            esc(&l.id),
                            esc(first),
                            esc(&l.a),
                            esc(&l.b)
                        ),
                    ),
                    l,
                    "linked_actor_id",
                ));
                continue;
            }
            pairs.insert(pair, l.id.clone());
            let (ta, tb) = (self.types.get(&l.a), self.types.get(&l.b));
            if let (Some(ta), Some(tb)) = (ta, tb) {
                if ta != tb {
                    out.push(at(
                        Diagnostic::new(
                            &dm::LINK_ACTOR_TYPE,
                            format!(
                                "`{}` joins `{}` ({}) and `{}` ({})",
                                esc(&l.id),
                                esc(&l.a),
                                esc(ta),
                                esc(&l.b),
                                esc(tb)
                            ),
                        ),
                        l,
                        "linked_actor_id",
                    ));
                }
            }
            // Unknown actors are foreign-key findings already.
            for actor in [&l.a, &l.b] {
                if !self.types.contains_key(actor) {
                    continue;
                }
                if let Some(what) = self.missing(l, actor) {
                    out.push(at(
                        Diagnostic::new(
                            &dm::LINK_EVIDENCE_MISSING,
                            format!(
                                "`{}` ({}): `{}` does not carry {what}",
                                esc(&l.id),
                                esc(&l.basis),
                                esc(actor)
                            ),
                        ),
                        l,
                        "evidence_value",
                    ));
                }
            }
        }
        out.extend(self.same_authority());
        out
    }

    /// KP712 over the groups of linked actors.
    fn same_authority(&self) -> Vec<Diagnostic> {
        let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
        fn find<'a>(p: &mut BTreeMap<&'a str, &'a str>, x: &'a str) -> &'a str {
            let mut r = x;
            while let Some(&up) = p.get(r) {
                if up == r {
                    break;
                }
                r = up;
            }
            p.insert(x, r);
            r
        }
        for l in self.links.iter().filter(|l| l.a != l.b) {
            for x in [&l.a, &l.b] {
                parent.entry(x.as_str()).or_insert(x.as_str());
            }
            let (ra, rb) = (find(&mut parent, &l.a), find(&mut parent, &l.b));
            if ra != rb {
                let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
                parent.insert(hi, lo);
            }
        }
        let mut groups: BTreeMap<&str, Vec<&LinkRow>> = BTreeMap::new();
        for l in self.links.iter().filter(|l| l.a != l.b) {
            let r = find(&mut parent, &l.a);
            groups.entry(r).or_default().push(l);
        }
        let mut out = Vec::new();
        for links in groups.values() {
            let actors: BTreeSet<&str> = links
                .iter()
                .flat_map(|l| [l.a.as_str(), l.b.as_str()])
                .collect();
            let mut by_authority: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for a in &actors {
                for auth in self.authorities.get(*a).into_iter().flatten() {
                    by_authority.entry(auth).or_default().push(a);
                }
            }
            // An authority with two actors in the group needs a curator's note on a link that
            // touches one of them.
            let unexplained = by_authority.iter().find(|(_, v)| {
                v.len() > 1
                    && !links.iter().any(|l| {
                        (v.contains(&l.a.as_str()) || v.contains(&l.b.as_str()))
                            && self.noted.contains(&l.id)
                    })
            });
            let Some((auth, twice)) = unexplained else {
                continue;
            };
            let l = links
                .iter()
                .min_by_key(|l| l.row)
                .expect("a group has links");
            out.push(
                Diagnostic::new(
                    &dm::LINK_SAME_AUTHORITY,
                    format!(
                        "links join {} (all listed by {}) into one target, and no link of the group has a note",
                        twice
                            .iter()
                            .map(|a| format!("`{}`", esc(a)))
                            .collect::<Vec<_>>()
                            .join(", "),
                        esc(auth)
                    ),
                )
                .path(l.path.clone())
                .row(l.row)
                .line(l.line)
                .field("linked_actor_id"),
            );
        }
        out
    }
}
