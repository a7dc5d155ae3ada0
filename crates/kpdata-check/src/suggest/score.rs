//! Scoring a candidate pair: how the dates of birth compare, shared addresses, ambiguity, and
//! the reasons shown to the curator (the table in [`super`]).

use std::collections::{BTreeMap, BTreeSet};

use super::{Actor, Pair, Suggestion};
use crate::names::name_key;

/// What scoring a pair needs beyond the pair itself.
pub(super) struct Scorer<'a> {
    pub actors: BTreeMap<&'a str, &'a Actor>,
    pub dobs: BTreeMap<&'a str, BTreeSet<&'a str>>,
    /// (actor, the other actor's authorities) → plausible candidates on that list.
    pub partners: BTreeMap<(&'a str, String), usize>,
    /// actor → address key → the address as published.
    pub addresses: BTreeMap<&'a str, BTreeMap<String, &'a str>>,
}

impl<'a> Scorer<'a> {
    fn list_of(&self, x: &str) -> String {
        self.actors[x]
            .authorities
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join("+")
    }

    /// Ambiguity: how many plausible candidates (dates not in conflict) each actor has on the
    /// other side's list (a UK entry with one UN and one OFAC candidate is not ambiguous).
    pub fn count_partners(&mut self, relation: &BTreeMap<&'a (String, String), Dob>) {
        for (k, rel) in relation {
            if *rel != Dob::Conflict {
                let (l0, l1) = (self.list_of(&k.0), self.list_of(&k.1));
                *self.partners.entry((&k.0, l1)).or_default() += 1;
                *self.partners.entry((&k.1, l0)).or_default() += 1;
            }
        }
    }

    fn count(&self, x: &str, other: &str) -> usize {
        self.partners
            .get(&(x, self.list_of(other)))
            .copied()
            .unwrap_or(0)
    }

    fn shared_addresses(&self, a: &str, b: &str) -> Vec<&'a str> {
        match (self.addresses.get(a), self.addresses.get(b)) {
            (Some(x), Some(y)) => {
                let v: BTreeSet<&str> = x
                    .iter()
                    .filter(|(k, _)| y.contains_key(*k))
                    .map(|(_, v)| *v)
                    .collect();
                v.into_iter().collect()
            }
            _ => Vec::new(),
        }
    }

    /// The suggestion for one pair, or `None` when it has neither identifier nor name.
    pub fn suggestion(&self, a: &str, b: &str, p: &Pair, rel: Dob) -> Option<Suggestion> {
        let shared_addresses = self.shared_addresses(a, b);
        let (da, db) = (self.dobs.get(a), self.dobs.get(b));
        let shared_dob: Option<&str> = match (da, db) {
            (Some(x), Some(y)) => x.intersection(y).max_by_key(|d| (d.len(), **d)).copied(),
            _ => None,
        };
        let ambiguous = rel != Dob::Conflict && (self.count(a, b) > 1 || self.count(b, a) > 1);
        let reasons = self.reasons(a, b, p, rel, &shared_addresses, ambiguous);
        let best_name = p
            .names
            .iter()
            .max_by_key(|(n, (pa, pb))| (*pa && *pb, *pa || *pb, std::cmp::Reverse((*n).clone())));
        let (basis, scheme, value, date, mut score): (&'static str, String, String, String, i32) =
            if let Some((_, s, v)) = p.ids.iter().next() {
                let score = match rel {
                    Dob::Conflict => 60,
                    Dob::OneDayApart => 90,
                    _ => 100,
                };
                (
                    "shared_identifier",
                    s.clone(),
                    v.clone(),
                    String::new(),
                    score,
                )
            } else if let (Some((n, _)), Some(d)) = (best_name, shared_dob) {
                let s = if d.len() == 10 { 90 } else { 75 };
                (
                    "name_and_birth_date",
                    "name".into(),
                    n.clone(),
                    d.to_string(),
                    s,
                )
            } else if let Some((n, (pa, pb))) = best_name {
                let base = match rel {
                    Dob::Compatible => 70,
                    Dob::OneDayApart => 55,
                    Dob::Conflict => 10,
                    _ if *pa && *pb => 60,
                    _ => 45,
                };
                let more = (p.names.len() as i32 - 1).clamp(0, 3) * 5
                    + if shared_addresses.is_empty() { 0 } else { 10 };
                (
                    "reviewed",
                    "name".into(),
                    n.clone(),
                    String::new(),
                    base + more,
                )
            } else {
                return None;
            };
        if ambiguous {
            score -= 30;
        }
        let mut sources: BTreeSet<String> = BTreeSet::new();
        for x in [a, b] {
            sources.extend(self.actors[x].source_ids.iter().cloned());
        }
        Some(Suggestion {
            link_id: format!("lnk-{}--{}", strip(a), strip(b)),
            actor_id: a.to_string(),
            linked_actor_id: b.to_string(),
            basis,
            evidence_scheme: scheme,
            evidence_value: value,
            evidence_date: date,
            score: score.clamp(0, 100) as u8,
            reasons,
            source_ids: sources.into_iter().collect(),
        })
    }

    /// What was found, for the curator: identifiers, names, both dates of birth and how they
    /// compare, addresses, titles, ambiguity.
    fn reasons(
        &self,
        a: &str,
        b: &str,
        p: &Pair,
        rel: Dob,
        shared_addresses: &[&str],
        ambiguous: bool,
    ) -> String {
        let mut reasons: Vec<String> = Vec::new();
        if !p.ids.is_empty() {
            reasons.push(format!(
                "identifiers both carry: {}",
                p.ids
                    .iter()
                    .map(|(_, s, v)| format!("{s} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !p.names.is_empty() {
            reasons.push(format!(
                "names both carry: {}",
                p.names
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
        let fmt_dobs = |d: Option<&BTreeSet<&str>>| {
            d.map(|s| s.iter().copied().collect::<Vec<_>>().join(", "))
                .unwrap_or_else(|| "none".into())
        };
        reasons.push(format!(
            "dates of birth: {} / {}",
            fmt_dobs(self.dobs.get(a)),
            fmt_dobs(self.dobs.get(b))
        ));
        reasons.push(rel.describe().to_string());
        if !shared_addresses.is_empty() {
            reasons.push(format!(
                "addresses both carry: {}",
                shared_addresses.join(" | ")
            ));
        }
        let (ta, tb) = (&self.actors[a].title, &self.actors[b].title);
        if !ta.is_empty() || !tb.is_empty() {
            reasons.push(format!("titles: {ta} / {tb}"));
        }
        if ambiguous {
            reasons.push(format!(
                "ambiguous: {a} has {} plausible candidates on that list, {b} has {}",
                self.count(a, b),
                self.count(b, a)
            ));
        }
        reasons.join("; ")
    }
}

/// An address's comparison keys: the address without its country (the lists name countries
/// differently, and OFAC's names may hold a comma: `Korea, North`), so without its last part
/// and without its last two, folded like names. An address that is only a city and a country
/// gives no key: too common to be evidence.
pub(super) fn address_keys(v: &str) -> Vec<String> {
    let parts: Vec<&str> = v.split(", ").collect();
    let mut out = Vec::new();
    for drop in [1, 2] {
        if parts.len() >= drop + 2 {
            let k = name_key(&parts[..parts.len() - drop].join(", "));
            if !k.is_empty() {
                out.push(k);
            }
        }
    }
    out
}

/// How two actors' dates of birth compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dob {
    /// One actor or both have none.
    Unknown,
    /// A date both carry.
    Shared,
    /// No shared date, but one is a less precise form of the other (`1940`, `1940-02-26`).
    Compatible,
    /// Two days one day apart (and nothing closer).
    OneDayApart,
    /// Dates that cannot be the same day.
    Conflict,
}

impl Dob {
    fn describe(self) -> &'static str {
        match self {
            Dob::Unknown => "so not on both",
            Dob::Shared => "so a date both carry",
            Dob::Compatible => "so compatible, at different precision",
            Dob::OneDayApart => "so one day apart",
            Dob::Conflict => "so in conflict",
        }
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date that exists; `None` for any other text.
fn day_number(d: &str) -> Option<i64> {
    let b = d.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = &d[r];
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, m, dd) = (i64::from(num(0..4)?), num(5..7)?, num(8..10)?);
    use kpdata_base::dates::{days_from_civil, is_real_day};
    is_real_day(y, m, dd).then(|| days_from_civil(y, m, dd))
}

pub(super) fn compare_dobs(a: Option<&BTreeSet<&str>>, b: Option<&BTreeSet<&str>>) -> Dob {
    let (Some(a), Some(b)) = (a, b) else {
        return Dob::Unknown;
    };
    let pairs = || a.iter().flat_map(|x| b.iter().map(move |y| (*x, *y)));
    if pairs().any(|(x, y)| x == y) {
        Dob::Shared
    } else if pairs().any(|(x, y)| x.starts_with(y) || y.starts_with(x)) {
        Dob::Compatible
    } else if pairs().any(|(x, y)| match (day_number(x), day_number(y)) {
        (Some(p), Some(q)) => (p - q).abs() == 1,
        _ => false,
    }) {
        Dob::OneDayApart
    } else {
        Dob::Conflict
    }
}

fn strip(id: &str) -> &str {
    id.strip_prefix("act-").unwrap_or(id)
}
