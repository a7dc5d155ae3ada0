//! The UN General Assembly vote import from the archived unvotes extract: the committed
//! datasets are exactly what the importer writes (reproducible), and the counts it writes equal
//! the country votes.

use std::path::PathBuf;

use kpdata_import::{merge, unvotes, write_csv};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

const DIR: &str = "datasets/archive/human_rights/unvotes/";

fn import() -> Vec<kpdata_import::Table> {
    let originals: Vec<String> = [
        "src-unvotes-un-roll-calls-rda",
        "src-unvotes-un-votes-rda",
        "src-unvotes-un-roll-call-issues-rda",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    unvotes::import(
        &read(&format!("{DIR}unga_dprk_human_rights_roll_calls.csv")),
        &read(&format!("{DIR}unga_dprk_human_rights_votes.csv")),
        "src-unvotes-extract-roll-calls",
        "src-unvotes-extract-votes",
        &originals,
    )
    .unwrap()
}

#[test]
fn the_committed_vote_datasets_are_what_the_importer_writes() {
    let registry = read("datasets/sources.csv");
    for (file, id) in [
        (
            "unga_dprk_human_rights_roll_calls.csv",
            "src-unvotes-extract-roll-calls",
        ),
        (
            "unga_dprk_human_rights_votes.csv",
            "src-unvotes-extract-votes",
        ),
        ("un_roll_calls.rda", "src-unvotes-un-roll-calls-rda"),
        ("un_votes.rda", "src-unvotes-un-votes-rda"),
        (
            "un_roll_call_issues.rda",
            "src-unvotes-un-roll-call-issues-rda",
        ),
    ] {
        let sha = kpdata_import::sha256_hex(&read(&format!("{DIR}{file}")));
        assert_eq!(
            kpdata_import::find_source_by_sha256(&registry, &sha)
                .unwrap()
                .as_deref(),
            Some(id),
            "{file}"
        );
    }
    let first = import();
    assert_eq!(first, import(), "two imports differ");
    for t in &first {
        let path = format!("datasets/{}.csv", t.name);
        let committed = read(&path);
        let fresh = write_csv(&merge(Some(&committed), t).unwrap()).unwrap();
        assert!(
            fresh == committed,
            "{path} is not what `kpdata import unvotes` writes"
        );
    }
    let calls = &first[0];
    let votes = &first[1];
    assert_eq!(calls.rows.len(), 9);
    assert_eq!(votes.rows.len(), 1635);
    // Every roll call's counts equal its country votes.
    for c in &calls.rows {
        let id = &c[0];
        for (i, v) in ["yes", "no", "abstain"].iter().enumerate() {
            let n = votes
                .rows
                .iter()
                .filter(|r| &r[1] == id && r[5] == *v)
                .count();
            assert_eq!(n.to_string(), c[12 + i], "{id} {v}");
        }
    }
    // The DPRK votes no in every one.
    let kp: Vec<&Vec<String>> = votes.rows.iter().filter(|r| r[4] == "KP").collect();
    assert_eq!(kp.len(), 9);
    assert!(kp.iter().all(|r| r[5] == "no"));
}
