//! Link suggestions for curators: pairs of actors of different authorities that may be the same
//! target, each with its evidence and a score, in a deterministic order. The suggester never
//! writes links: `kpdata link suggest` prints its suggestions and a curator accepts them.
//!
//! A pair is suggested when the actors have the same type, share no authority, are not linked
//! yet, and share an identifier (other than list-internal numbers) or a name ([`name_key`](crate::names::name_key):
//! case, diacritics, punctuation, hyphens and spacing folded; weak aliases are not used).
//!
//! | basis | when | score |
//! |---|---|---|
//! | `shared_identifier` | an identifier both carry (IMO, passport, SWIFT/BIC...) | 100 |
//! | `name_and_birth_date` | a name and a `dob` date both carry | 90 (a day), 75 (a month or year) |
//! | `reviewed` | a name, without a shared date of birth | 70 when the dates of birth are compatible (`1940` and `1940-02-26`), 55 when they are one day apart, 10 when they conflict; else 60 when the name is the primary name of both, 45 otherwise; +5 per further shared name (at most +15), +10 when both carry a street address (the address without its country, folded like a name) |
//!
//! A shared identifier scores 90 when the dates of birth are one day apart and 60 when they
//! conflict. −30 when either actor has another plausible candidate (ambiguous). Scores stay in
//! 0–100. The reasons list the shared identifiers, names, addresses, both actors' dates of birth
//! and titles, for the curator.

use std::collections::{BTreeMap, BTreeSet};

use crate::names::name_keys;

mod score;

use score::{address_keys, compare_dobs, Dob, Scorer};

/// Identifier schemes that number entries of one list: never evidence across lists. (A UN
/// reference is evidence: the UK list states it on the entries it took over from the UN.)
pub const LIST_INTERNAL: &[&str] = &["un_dataid", "ofac_ent_num", "uk_list_ref"];

/// Identifier schemes in the order they are preferred as evidence.
const PREFERRED: &[&str] = &["un_ref", "imo_ship", "imo_company", "passport", "swift_bic"];

/// An actor as the suggester sees it.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub id: String,
    pub actor_type: String,
    pub authorities: BTreeSet<String>,
    pub source_ids: BTreeSet<String>,
    /// The list's title or position (shown to the curator, not scored).
    pub title: String,
}

/// What the suggester reads (rows of the package's datasets).
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub actors: Vec<Actor>,
    /// (actor_id, name, name_type)
    pub names: Vec<(String, String, String)>,
    /// (actor_id, scheme, value)
    pub identifiers: Vec<(String, String, String)>,
    /// (actor_id, date of birth as a partial date)
    pub dobs: Vec<(String, String)>,
    /// (actor_id, address as published)
    pub addresses: Vec<(String, String)>,
    /// Existing links (actor_id, linked_actor_id), either direction.
    pub links: Vec<(String, String)>,
    /// Authorities in the order their actors come first in a link (e.g. `unsc`, `us_ofac`).
    pub authority_order: Vec<String>,
}

/// One suggested link (the columns of `links.csv`, plus the reasons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub link_id: String,
    pub actor_id: String,
    pub linked_actor_id: String,
    pub basis: &'static str,
    pub evidence_scheme: String,
    pub evidence_value: String,
    pub evidence_date: String,
    pub score: u8,
    /// What was found, for the curator (names, dates, identifiers on each side).
    pub reasons: String,
    pub source_ids: Vec<String>,
}

#[derive(Default)]
struct Pair {
    ids: BTreeSet<(usize, String, String)>, // (preference, scheme, value)
    names: BTreeMap<String, (bool, bool)>,  // A's spelling -> (primary on A, primary on B)
}

/// All suggestions, best first (score, then link id).
pub fn suggest(input: &Input) -> Vec<Suggestion> {
    let actors: BTreeMap<&str, &Actor> = input.actors.iter().map(|a| (a.id.as_str(), a)).collect();
    let found = find_pairs(input, &actors);
    let mut dobs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (a, d) in &input.dobs {
        dobs.entry(a).or_default().insert(d);
    }
    // How the dates of birth of each pair compare.
    let relation: BTreeMap<&(String, String), Dob> = found
        .keys()
        .map(|k| {
            (
                k,
                compare_dobs(dobs.get(k.0.as_str()), dobs.get(k.1.as_str())),
            )
        })
        .collect();
    let mut addresses: BTreeMap<&str, BTreeMap<String, &str>> = BTreeMap::new();
    for (a, v) in &input.addresses {
        for k in address_keys(v) {
            addresses.entry(a).or_default().insert(k, v);
        }
    }
    let mut scorer = Scorer {
        actors,
        dobs,
        partners: BTreeMap::new(),
        addresses,
    };
    scorer.count_partners(&relation);
    let mut out: Vec<Suggestion> = found
        .iter()
        .filter_map(|((a, b), p)| scorer.suggestion(a, b, p, relation[&(a.clone(), b.clone())]))
        .collect();
    out.sort_by(|x, y| {
        y.score
            .cmp(&x.score)
            .then_with(|| x.link_id.cmp(&y.link_id))
    });
    out
}

/// Actors already joined by links (directly or through others) are one target: each actor of a
/// link → a parent, up to the group's root.
fn link_groups(links: &[(String, String)]) -> BTreeMap<&str, &str> {
    let mut group: BTreeMap<&str, &str> = BTreeMap::new();
    for (a, b) in links {
        let (ra, rb) = (root(&group, a), root(&group, b));
        group.entry(ra).or_insert(ra);
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            group.insert(hi, lo);
            group.entry(lo).or_insert(lo);
        }
    }
    group
}

fn root<'a>(g: &BTreeMap<&'a str, &'a str>, mut x: &'a str) -> &'a str {
    while let Some(&up) = g.get(x) {
        if up == x {
            break;
        }
        x = up;
    }
    x
}

/// Every candidate pair (the actor of the first authority first) with the identifiers and
/// names both carry.
fn find_pairs(input: &Input, actors: &BTreeMap<&str, &Actor>) -> BTreeMap<(String, String), Pair> {
    let rank = |a: &Actor| {
        a.authorities
            .iter()
            .filter_map(|x| input.authority_order.iter().position(|o| o == x))
            .min()
            .unwrap_or(usize::MAX)
    };
    let group = link_groups(&input.links);
    let joined = |x: &str, y: &str| {
        let (rx, ry) = (root(&group, x), root(&group, y));
        rx == ry && group.contains_key(rx)
    };
    // A candidate pair, ordered (the actor of the first authority first), or None.
    let candidate = |x: &str, y: &str| -> Option<(String, String)> {
        let (ax, ay) = (actors.get(x)?, actors.get(y)?);
        if x == y
            || ax.actor_type != ay.actor_type
            || !ax.authorities.is_disjoint(&ay.authorities)
            || joined(x, y)
        {
            return None;
        }
        Some(if (rank(ax), x) <= (rank(ay), y) {
            (x.to_string(), y.to_string())
        } else {
            (y.to_string(), x.to_string())
        })
    };
    let mut found: BTreeMap<(String, String), Pair> = BTreeMap::new();
    for ((scheme, value), holders) in &id_index(input) {
        let h: Vec<&str> = holders.iter().copied().collect();
        for (i, x) in h.iter().enumerate() {
            for y in &h[i + 1..] {
                if let Some(p) = candidate(x, y) {
                    let pref = PREFERRED
                        .iter()
                        .position(|s| s == scheme)
                        .unwrap_or(PREFERRED.len());
                    found.entry(p).or_default().ids.insert((
                        pref,
                        scheme.to_string(),
                        value.to_string(),
                    ));
                }
            }
        }
    }
    for holders in name_index(input).values() {
        for (i, (x, xn, xp)) in holders.iter().enumerate() {
            for (y, yn, yp) in &holders[i + 1..] {
                if let Some(p) = candidate(x, y) {
                    let (spelling, pa, pb) = if p.0 == *x {
                        (xn, *xp, *yp)
                    } else {
                        (yn, *yp, *xp)
                    };
                    let e = found
                        .entry(p)
                        .or_default()
                        .names
                        .entry(spelling.to_string())
                        .or_insert((false, false));
                    e.0 |= pa;
                    e.1 |= pb;
                }
            }
        }
    }
    found
}

/// Name key → (actor, name, primary?) of the actors carrying it (weak aliases left out).
fn name_index(input: &Input) -> BTreeMap<String, Vec<(&str, &str, bool)>> {
    let mut by_name: BTreeMap<String, Vec<(&str, &str, bool)>> = BTreeMap::new();
    for (a, name, ty) in &input.names {
        if ty == "weak_alias" {
            continue;
        }
        for k in name_keys(name) {
            let holders = by_name.entry(k).or_default();
            if !holders.iter().any(|(x, n, _)| x == a && n == name) {
                holders.push((a, name, ty == "primary"));
            }
        }
    }
    by_name
}

/// (scheme, value) → the actors carrying it (list-internal numbers left out).
fn id_index(input: &Input) -> BTreeMap<(&str, &str), BTreeSet<&str>> {
    let mut by_id: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for (a, scheme, value) in &input.identifiers {
        if !LIST_INTERNAL.contains(&scheme.as_str()) {
            by_id.entry((scheme, value)).or_default().insert(a);
        }
    }
    by_id
}

#[cfg(test)]
mod tests {
    use super::score::*;
    use super::*;
    use crate::names::name_key;

    fn actor(id: &str, ty: &str, auth: &str) -> Actor {
        Actor {
            id: id.into(),
            actor_type: ty.into(),
            authorities: [auth.to_string()].into(),
            source_ids: [format!("src-{auth}")].into(),
            title: String::new(),
        }
    }

    fn s3(a: &str, b: &str, c: &str) -> (String, String, String) {
        (a.into(), b.into(), c.into())
    }

    fn input() -> Input {
        Input {
            actors: vec![
                actor("act-un-1", "person", "unsc"),
                actor("act-ofac-1", "person", "us_ofac"),
                actor("act-ofac-2", "person", "us_ofac"),
                actor("act-ofac-3", "organization", "us_ofac"),
                actor("act-un-2", "person", "unsc"),
                actor("act-ofac-4", "person", "us_ofac"),
                actor("act-un-3", "person", "unsc"),
                actor("act-ofac-5", "person", "us_ofac"),
            ],
            names: vec![
                s3("act-un-1", "KIM Jong Un", "primary"),
                s3("act-ofac-1", "Kim Jong-un", "primary"),
                s3("act-ofac-2", "김정은", "primary"),
                s3("act-ofac-3", "Kim Jong-Un", "primary"),
                s3("act-un-2", "RI HONG-SOP", "primary"),
                s3("act-ofac-4", "RI, Hong Sop", "weak_alias"),
                s3("act-un-3", "PAK YONG SIK", "primary"),
                s3("act-ofac-5", "PAK, Yong Sik", "primary"),
            ],
            identifiers: vec![
                s3("act-un-2", "passport", "381420754"),
                s3("act-ofac-4", "passport", "381420754"),
                s3("act-un-2", "un_dataid", "6908004"),
                s3("act-ofac-4", "un_dataid", "6908004"),
            ],
            dobs: vec![
                ("act-un-1".into(), "1984-01-08".into()),
                ("act-ofac-1".into(), "1984-01-08".into()),
                ("act-un-3".into(), "1949".into()),
                ("act-ofac-5".into(), "1950".into()),
            ],
            addresses: vec![],
            links: vec![],
            authority_order: vec!["unsc".into(), "us_ofac".into()],
        }
    }

    #[test]
    fn evidence_bases_and_scores() {
        let got: Vec<(String, &str, String, String, u8)> = suggest(&input())
            .into_iter()
            .map(|s| {
                (
                    s.link_id,
                    s.basis,
                    s.evidence_value,
                    s.evidence_date,
                    s.score,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                // A shared passport (the list-internal DATAID is never evidence).
                (
                    "lnk-un-2--ofac-4".into(),
                    "shared_identifier",
                    "381420754".into(),
                    "".into(),
                    100
                ),
                // Romanized variants are one name; the birth date is on both.
                (
                    "lnk-un-1--ofac-1".into(),
                    "name_and_birth_date",
                    "KIM Jong Un".into(),
                    "1984-01-08".into(),
                    90
                ),
                // Same name, conflicting birth years: suggested low, for a curator to reject.
                (
                    "lnk-un-3--ofac-5".into(),
                    "reviewed",
                    "PAK YONG SIK".into(),
                    "".into(),
                    10
                ),
            ]
        );
        // Not suggested: the Hangul name (another script), the organisation (another type),
        // the weak alias.
    }

    #[test]
    fn deterministic_and_skips_existing_links_and_same_authority() {
        let mut i = input();
        let a = suggest(&i);
        i.actors.reverse();
        i.names.reverse();
        i.identifiers.reverse();
        i.dobs.reverse();
        assert_eq!(suggest(&i), a);
        i.links.push(("act-ofac-1".into(), "act-un-1".into()));
        assert!(!suggest(&i).iter().any(|s| s.actor_id == "act-un-1"));
        let mut i = input();
        i.actors[1].authorities.insert("unsc".into());
        assert!(!suggest(&i)
            .iter()
            .any(|s| s.linked_actor_id == "act-ofac-1"));
    }

    #[test]
    fn birth_dates_compare_by_precision() {
        let set = |v: &[&'static str]| v.iter().copied().collect::<BTreeSet<&str>>();
        let c = |a: &[&'static str], b: &[&'static str]| compare_dobs(Some(&set(a)), Some(&set(b)));
        assert_eq!(c(&["1940"], &["1940-02-26"]), Dob::Compatible);
        assert_eq!(c(&["1969-07-22"], &["1969-07-23"]), Dob::OneDayApart);
        assert_eq!(c(&["1969-12-31"], &["1970-01-01"]), Dob::OneDayApart);
        assert_eq!(c(&["2000-02-29"], &["2000-03-01"]), Dob::OneDayApart);
        assert_eq!(c(&["1900-02-28"], &["1900-03-01"]), Dob::OneDayApart);
        // Its own day counter took impossible days: 1950-02-30 was a day before 1950-03-03.
        assert_eq!(c(&["1950-02-30"], &["1950-03-03"]), Dob::Conflict);
        assert_eq!(c(&["1949"], &["1950"]), Dob::Conflict);
        assert_eq!(c(&["1946", "1947"], &["1947"]), Dob::Shared);
        assert_eq!(compare_dobs(None, Some(&set(&["1947"]))), Dob::Unknown);
        assert_eq!(address_keys("Beijing, China"), Vec::<String>::new());
        assert!(address_keys("Suite 401, Pyongyang, Korea, North")
            .contains(&name_key("Suite 401, Pyongyang")));
    }
}
