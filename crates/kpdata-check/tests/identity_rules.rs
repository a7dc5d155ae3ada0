//! The identity rules (KP710–KP713, KP430) fed key texts as the package pass feeds them:
//! verified evidence passes, tampered evidence fails, types, same-authority chains, windows.

use kpdata_check::keys::KEY_SEPARATOR;
use kpdata_check::rules::identity::{IdentityRules, Input};

fn k(parts: &[&str]) -> String {
    parts.join(&KEY_SEPARATOR.to_string())
}

fn base() -> IdentityRules {
    let mut r = IdentityRules::new();
    for (a, t) in [
        ("u1", "person"),
        ("o1", "person"),
        ("o2", "person"),
        ("e1", "organization"),
    ] {
        r.record(Input::Actor, &k(&[a, t]), "a.csv", 1, 1);
    }
    for (a, auth) in [
        ("u1", "unsc"),
        ("o1", "us_ofac"),
        ("o2", "us_ofac"),
        ("e1", "us_ofac"),
    ] {
        r.record(Input::Authority, &k(&[a, auth]), "d.csv", 1, 1);
    }
    r.record(
        Input::Identifier,
        &k(&["u1", "passport", "381310014"]),
        "i.csv",
        1,
        1,
    );
    r.record(
        Input::Identifier,
        &k(&["o1", "passport", "381310014"]),
        "i.csv",
        2,
        2,
    );
    r.record(Input::Name, &k(&["u1", "KIM JONG UN"]), "n.csv", 1, 1);
    r.record(Input::Name, &k(&["o1", "KIM, Jong-un"]), "n.csv", 2, 2);
    r.record(Input::Fact, &k(&["u1", "dob", "1984-01-08"]), "f.csv", 1, 1);
    r.record(Input::Fact, &k(&["o1", "dob", "1984-01-08"]), "f.csv", 2, 2);
    r
}

fn link(r: &mut IdentityRules, row: u64, parts: &[&str]) {
    r.record(Input::Link, &k(parts), "l.csv", row, row);
}

fn codes(r: IdentityRules) -> Vec<(&'static str, u64)> {
    r.finish()
        .into_iter()
        .map(|d| (d.code, d.row.unwrap()))
        .collect()
}

#[test]
fn verified_evidence_passes_and_tampered_evidence_fails() {
    let mut r = base();
    link(
        &mut r,
        2,
        &[
            "l1",
            "u1",
            "o1",
            "shared_identifier",
            "passport",
            "381310014",
        ],
    );
    link(
        &mut r,
        3,
        &[
            "l2",
            "u1",
            "o1x",
            "shared_identifier",
            "passport",
            "381310014",
        ],
    );
    link(
        &mut r,
        4,
        &[
            "l3",
            "o1",
            "u1",
            "name_and_birth_date",
            "name",
            "Kim Jong Un",
        ],
    );
    r.record(Input::LinkDate, &k(&["l3", "1984-01-08"]), "l.csv", 4, 4);
    assert_eq!(codes(r), [("KP713", 4)]); // l3 repeats l1; o1x is unknown (a foreign key)

    let mut r = base();
    link(
        &mut r,
        2,
        &[
            "l1",
            "u1",
            "o1",
            "shared_identifier",
            "passport",
            "381310015",
        ],
    );
    assert_eq!(codes(r), [("KP710", 2), ("KP710", 2)]);

    let mut r = base();
    link(
        &mut r,
        2,
        &[
            "l1",
            "u1",
            "o1",
            "name_and_birth_date",
            "name",
            "Kim Jong Un",
        ],
    );
    r.record(Input::LinkDate, &k(&["l1", "1984-01-09"]), "l.csv", 2, 2);
    assert_eq!(codes(r), [("KP710", 2), ("KP710", 2)]);

    let mut r = base();
    link(
        &mut r,
        2,
        &["l1", "u1", "o1", "reviewed", "name", "Kim Jong Il"],
    );
    assert_eq!(codes(r), [("KP710", 2), ("KP710", 2)]);
}

#[test]
fn types_self_links_and_same_authority_chains() {
    let mut r = base();
    link(&mut r, 2, &["l1", "u1", "e1", "reviewed", "name", "x"]);
    link(&mut r, 3, &["l2", "u1", "u1", "reviewed", "name", "x"]);
    let got = codes(r);
    assert!(
        got.contains(&("KP711", 2)) && got.contains(&("KP713", 3)),
        "{got:?}"
    );

    let mut r = base();
    r.record(
        Input::Identifier,
        &k(&["o2", "passport", "381310014"]),
        "i.csv",
        3,
        3,
    );
    link(
        &mut r,
        2,
        &[
            "l1",
            "u1",
            "o1",
            "shared_identifier",
            "passport",
            "381310014",
        ],
    );
    link(
        &mut r,
        3,
        &[
            "l2",
            "o2",
            "u1",
            "shared_identifier",
            "passport",
            "381310014",
        ],
    );
    assert_eq!(codes(r), [("KP712", 2)]);

    let mut r = base();
    r.record(
        Input::Identifier,
        &k(&["o2", "passport", "381310014"]),
        "i.csv",
        3,
        3,
    );
    link(
        &mut r,
        2,
        &[
            "l1",
            "u1",
            "o1",
            "shared_identifier",
            "passport",
            "381310014",
        ],
    );
    link(
        &mut r,
        3,
        &[
            "l2",
            "o2",
            "u1",
            "shared_identifier",
            "passport",
            "381310014",
        ],
    );
    r.record(
        Input::LinkNote,
        &k(&["l2", "OFAC lists the person twice"]),
        "l.csv",
        3,
        3,
    );
    assert_eq!(codes(r), []);
}

/// The suggester's own text is not a curator's note, and a note must be on a link that touches
/// one of the actors the authority lists twice.
#[test]
fn same_authority_needs_a_curator_note_where_it_matters() {
    let chained = || {
        let mut r = base();
        r.record(Input::Actor, &k(&["u9", "person"]), "a.csv", 9, 9);
        r.record(Input::Authority, &k(&["u9", "unsc"]), "d.csv", 9, 9);
        r.record(Input::Name, &k(&["u9", "KIM JONG UN"]), "n.csv", 9, 9);
        r.record(
            Input::Identifier,
            &k(&["o2", "passport", "381310014"]),
            "i.csv",
            3,
            3,
        );
        link(
            &mut r,
            2,
            &[
                "l1",
                "u1",
                "o1",
                "shared_identifier",
                "passport",
                "381310014",
            ],
        );
        link(
            &mut r,
            3,
            &[
                "l2",
                "o2",
                "u1",
                "shared_identifier",
                "passport",
                "381310014",
            ],
        );
        link(
            &mut r,
            4,
            &["l3", "u9", "o1", "reviewed", "name", "Kim Jong Un"],
        );
        r
    };
    // Only the suggester's text: both the UN (u1, u9) and OFAC (o1, o2) pairs are unexplained.
    let mut r = chained();
    r.record(
        Input::LinkNote,
        &k(&[
            "l3",
            "Accepted after review (score 60): names both carry: x",
        ]),
        "l.csv",
        4,
        4,
    );
    assert_eq!(codes(r), [("KP712", 2)]);
    // A curator's note on l3 touches u9 and o1: both explained.
    let mut r = chained();
    r.record(
        Input::LinkNote,
        &k(&[
            "l3",
            "The UN lists the person twice (u1, u9); OFAC too (o1, o2)",
        ]),
        "l.csv",
        4,
        4,
    );
    assert_eq!(codes(r), []);
}

#[test]
fn date_windows() {
    let mut r = IdentityRules::new();
    let w =
        |r: &mut IdentityRules, row, p: &[&str]| r.record(Input::Window, &k(p), "d.csv", row, row);
    w(&mut r, 2, &["d1", "2022-12-10", "2022-12-09", "2022-12-10"]);
    w(&mut r, 3, &["d2", "2022-12-10", "2022-12-11", "2022-12-10"]);
    w(&mut r, 4, &["d3", "2022-12-12", "2022-12-09", "2022-12-10"]);
    assert_eq!(codes(r), [("KP430", 3), ("KP430", 4)]);
}
