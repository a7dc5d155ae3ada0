//! Importer tests: small fixtures for each importer (mapping, quirks, errors), and the real
//! archived sources (counts, dates, determinism, and that the committed datasets are exactly
//! what the importers produce).
// A test may say why it skipped a check (no strace, no git): that is its output.
#![allow(clippy::print_stderr, clippy::print_stdout)]

use std::path::{Path, PathBuf};

use kpdata_import::{merge, ofac, un, write_csv, Table};

fn no_links() -> ofac::Links {
    ofac::Links::new()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("fixture")
}

fn table<'a>(tables: &'a [Table], name: &str) -> &'a Table {
    tables.iter().find(|t| t.name == name).expect(name)
}

fn row<'a>(t: &'a Table, id: &str) -> Vec<(&'a str, &'a str)> {
    let r = t
        .rows
        .iter()
        .find(|r| r[0] == id)
        .unwrap_or_else(|| panic!("no row {id}"));
    t.header
        .iter()
        .map(String::as_str)
        .zip(r.iter().map(String::as_str))
        .collect()
}

fn get<'a>(r: &[(&'a str, &'a str)], k: &str) -> &'a str {
    r.iter().find(|(h, _)| *h == k).map(|(_, v)| *v).expect(k)
}

// ---------------------------------------------------------------- UN fixture

#[test]
fn un_fixture_maps_every_field() {
    let t = un::import(&fixture("un_small.xml"), "src-un").unwrap();
    let actors = table(&t, "actors");
    assert_eq!(
        actors.column("actor_id"),
        ["act-un-kpe-902", "act-un-kpi-901"]
    );
    let p = row(actors, "act-un-kpi-901");
    assert_eq!(get(&p, "actor_type"), "person");
    assert_eq!(get(&p, "primary_name"), "TEST PERSON ONE");
    assert_eq!(get(&p, "title"), "Official; Representative");
    assert_eq!(get(&p, "remarks"), "First line second line & more.");
    assert_eq!(get(&p, "source_ids"), "src-un");
    let e = row(actors, "act-un-kpe-902");
    assert_eq!(get(&e, "actor_type"), "organization");
    assert_eq!(get(&e, "primary_name"), "TEST TRADING (TTC)");

    let names = table(&t, "actor_names");
    let n: Vec<(&str, &str, &str, &str)> = names
        .rows
        .iter()
        .map(|r| (r[0].as_str(), r[3].as_str(), r[4].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(
        n,
        [
            ("nam-un-kpe-902-0", "primary", "Latn", ""),
            ("nam-un-kpe-902-1", "previous_name", "Latn", "f.k.a."),
            ("nam-un-kpe-902-2", "alias", "Hani", "a.k.a."),
            ("nam-un-kpi-901-0", "primary", "Latn", ""),
            ("nam-un-kpi-901-1", "alias", "Latn", "Good"),
            ("nam-un-kpi-901-2", "weak_alias", "", "Low"), // mixed Latin + Han: no script
        ]
    );

    let ids = table(&t, "actor_identifiers");
    assert_eq!(
        get(&row(ids, "idn-un-kpe-902-imo-company"), "value"),
        "5936312"
    );
    let p = row(ids, "idn-un-kpi-901-passport-1");
    assert_eq!(get(&p, "value"), "P123");
    assert_eq!(get(&p, "note"), "Expires 1 Jan. 2020");
    assert!(
        !ids.rows.iter().any(|r| r[0] == "idn-un-kpi-901-passport-2"),
        "duplicates folded"
    );
    assert_eq!(get(&row(ids, "idn-un-kpi-901-un-ref"), "value"), "KPi.901"); // trailing space trimmed
    assert_eq!(get(&row(ids, "idn-un-kpi-901-dataid"), "value"), "6908100");

    let d = table(&t, "designations");
    assert_eq!(
        d.column("designation_id"),
        [
            "des-un-kpe-902-listed",
            "des-un-kpi-901-amended-2016-04-01",
            "des-un-kpi-901-amended-2017-06-05",
            "des-un-kpi-901-listed"
        ]
    );
    let l = row(d, "des-un-kpi-901-listed");
    assert_eq!(get(&l, "action"), "listed");
    assert_eq!(get(&l, "action_date"), "2016-03-02");
    assert_eq!(get(&l, "date_kind"), "listed_on");
    assert_eq!(get(&l, "authority"), "unsc");
    assert_eq!(get(&l, "programs"), "un:DPRK");
    assert_eq!(get(&l, "authority_ref"), "KPi.901");
}

fn un_with(from: &str, to: &str) -> Result<Vec<Table>, kpdata_import::ImportError> {
    let xml = String::from_utf8(fixture("un_small.xml")).unwrap();
    assert!(xml.contains(from), "{from}");
    un::import(xml.replacen(from, to, 1).as_bytes(), "src-un")
}

#[test]
fn un_unknown_coded_values_are_errors() {
    let e = un_with("<QUALITY>Low</QUALITY>", "<QUALITY>Medium</QUALITY>").unwrap_err();
    assert!(e.message.contains("unknown QUALITY \"Medium\""), "{e}");
    let e = un_with(
        "<TYPE_OF_DOCUMENT>Passport<",
        "<TYPE_OF_DOCUMENT>National identification no.<",
    )
    .unwrap_err();
    assert!(e.message.contains("document type"), "{e}");
    let e = un_with("<SORT_KEY/>", "<NEW_FIELD>x</NEW_FIELD>").unwrap_err();
    assert!(e.message.contains("unknown element <NEW_FIELD>"), "{e}");
    let e = un_with("KPi.901 ", "KPe.901").unwrap_err();
    assert!(e.message.contains("expected KPi.###"), "{e}");
    let e = un_with("2016-03-02", "2016-02-30").unwrap_err();
    assert!(e.message.contains("LISTED_ON"), "{e}");
    let e = un_with("<ALIAS_NAME>Test Person-One", "<ALIAS_NAME>تست").unwrap_err();
    assert!(
        e.message.contains("not Latin, Hangul, Han or Cyrillic"),
        "{e}"
    );
}

// -------------------------------------------------------------- OFAC fixture

#[test]
fn ofac_fixture_selection_and_mapping() {
    let t = ofac::import(
        &fixture("sdn_small.csv"),
        Some(&fixture("alt_small.csv")),
        &no_links(),
        "src-sdn",
        "src-alt",
    )
    .unwrap();
    let actors = table(&t, "actors");
    assert_eq!(
        actors.column("actor_id"),
        [
            "act-ofac-100",
            "act-ofac-200",
            "act-ofac-400",
            "act-ofac-600"
        ]
    );
    assert_eq!(
        actors.column("actor_type"),
        ["organization", "person", "vessel", "organization"]
    );
    let ship = row(actors, "act-ofac-400");
    assert_eq!(get(&ship, "vessel_tonnage"), "2,000");
    assert_eq!(get(&ship, "vessel_flag"), "Korea, North");
    assert_eq!(get(&ship, "title"), ""); // -0- is empty

    let d = table(&t, "designations");
    let e = row(d, "des-ofac-100");
    assert_eq!(get(&e, "programs"), "ofac:DPRK;ofac:DPRK2");
    assert_eq!(get(&e, "action_date"), "", "the SDN file has no dates");
    assert_eq!(get(&e, "authority_ref"), "100");
    assert!(get(&row(d, "des-ofac-200"), "note").contains("North Korea Sanctions Regulations"));

    let ids = table(&t, "actor_identifiers");
    assert_eq!(get(&row(ids, "idn-ofac-400-imo"), "value"), "9132612");
    assert_eq!(get(&row(ids, "idn-ofac-400-call-sign"), "value"), "HMXX1");
    assert_eq!(
        get(&row(ids, "idn-ofac-100-ent-num"), "scheme"),
        "ofac_ent_num"
    );

    let names = table(&t, "actor_names");
    assert_eq!(
        names.column("name_id"),
        [
            "nam-ofac-100-0",
            "nam-ofac-100-alt-7",
            "nam-ofac-100-alt-8",
            "nam-ofac-200-0",
            "nam-ofac-400-0",
            "nam-ofac-600-0",
            "nam-ofac-600-alt-11"
        ]
    );
    assert_eq!(
        get(&row(ids, "idn-ofac-600-imo-company"), "value"),
        "5936312"
    );
    let fka = row(names, "nam-ofac-100-alt-8");
    assert_eq!(get(&fka, "name_type"), "previous_name");
    assert_eq!(get(&fka, "source_quality"), "fka");
    assert_eq!(get(&fka, "source_ids"), "src-alt");
    assert_eq!(get(&fka, "note"), "");
}

#[test]
fn ofac_links_to_un_actor_only_on_identical_imo() {
    let un_t = un::import(&fixture("un_small.xml"), "src-un").unwrap();
    let links = ofac::links_from(&un_t).unwrap();
    assert_eq!(links.len(), 1);
    let t = ofac::import(
        &fixture("sdn_small.csv"),
        Some(&fixture("alt_small.csv")),
        &links,
        "src-sdn",
        "src-alt",
    )
    .unwrap();
    // No OFAC actor row for 600: its designation, names and entity number point at the UN actor.
    let actors = table(&t, "actors");
    assert_eq!(
        actors.column("actor_id"),
        ["act-ofac-100", "act-ofac-200", "act-ofac-400"]
    );
    let d = row(table(&t, "designations"), "des-ofac-600");
    assert_eq!(get(&d, "actor_id"), "act-un-kpe-902");
    assert!(
        get(&d, "note").contains("same actor as UN KPe.902"),
        "{d:?}"
    );
    assert!(get(&d, "note").contains("OFAC Remarks: Secondary sanctions risk"));
    let names = table(&t, "actor_names");
    assert_eq!(
        get(&row(names, "nam-ofac-600-0"), "actor_id"),
        "act-un-kpe-902"
    );
    assert_eq!(
        get(&row(names, "nam-ofac-600-alt-11"), "actor_id"),
        "act-un-kpe-902"
    );
    let ids = table(&t, "actor_identifiers");
    assert_eq!(
        get(&row(ids, "idn-ofac-600-ent-num"), "actor_id"),
        "act-un-kpe-902"
    );
    // The shared IMO number is stated once, by the UN actor's row.
    assert!(!ids.rows.iter().any(|r| r[0] == "idn-ofac-600-imo-company"));
    // Same names but a different IMO number: no link.
    let s = String::from_utf8(fixture("sdn_small.csv"))
        .unwrap()
        .replace("IMO 5936312", "IMO 5936313");
    let t = ofac::import(s.as_bytes(), None, &links, "src-sdn", "").unwrap();
    assert!(table(&t, "actors")
        .rows
        .iter()
        .any(|r| r[0] == "act-ofac-600"));
}

#[test]
fn ofac_legacy_quirks() {
    // -0- (with its trailing space), CRLF and the final 0x1A.
    let sdn = fixture("sdn_small.csv");
    assert!(sdn.ends_with(b"\r\n\x1a"));
    let recs = ofac::read_legacy(&sdn, 12, "sdn").unwrap();
    assert_eq!(recs.len(), 6);
    assert!(recs
        .iter()
        .all(|r| r.iter().all(|c| c != "-0-" && !c.ends_with('\r'))));
    assert_eq!(recs[0][2], "");
    // The same file with LF line ends, or without the 0x1A byte, reads the same.
    let lf: Vec<u8> = String::from_utf8(sdn.clone())
        .unwrap()
        .replace("\r\n", "\n")
        .into_bytes();
    assert_eq!(ofac::read_legacy(&lf, 12, "sdn").unwrap(), recs);
    assert_eq!(
        ofac::read_legacy(&sdn[..sdn.len() - 1], 12, "sdn").unwrap(),
        recs
    );
    // A 0x1A inside the data, or a short record, is an error.
    let mut bad = sdn.clone();
    bad.insert(3, 0x1A);
    assert!(ofac::read_legacy(&bad, 12, "sdn").is_err());
    assert!(ofac::read_legacy(b"1,\"A\"\r\n", 12, "sdn").is_err());
    assert!(ofac::read_legacy(b"1,\"\xff\",3\r\n", 3, "sdn").is_err());
}

fn sdn_with(from: &str, to: &str) -> Result<Vec<Table>, kpdata_import::ImportError> {
    let s = String::from_utf8(fixture("sdn_small.csv")).unwrap();
    assert!(s.contains(from), "{from}");
    ofac::import(
        s.replacen(from, to, 1).as_bytes(),
        Some(&fixture("alt_small.csv")),
        &no_links(),
        "a",
        "b",
    )
}

#[test]
fn ofac_unknown_coded_values_are_errors() {
    let e = sdn_with("\"individual\"", "\"ship\"").unwrap_err();
    assert!(e.message.contains("unknown SDN_Type \"ship\""), "{e}");
    let e = sdn_with("DPRK] [DPRK2", "DPRK] [DPRK9").unwrap_err();
    assert!(e.message.contains("unknown program tag \"DPRK9\""), "{e}");
    let e = sdn_with("IMO 9132612", "IMO 9132613").unwrap_err();
    assert!(e.message.contains("check digit"), "{e}");
    // An unknown SDN_Type is an error even on a row that is not selected.
    let e = sdn_with("\"CUBAN THING\",-0- ", "\"CUBAN THING\",\"boat\"").unwrap_err();
    assert!(e.message.contains("unknown SDN_Type"), "{e}");
    let alt = String::from_utf8(fixture("alt_small.csv"))
        .unwrap()
        .replacen("\"fka\"", "\"nka\"", 1);
    let e = ofac::import(
        &fixture("sdn_small.csv"),
        Some(alt.as_bytes()),
        &no_links(),
        "a",
        "b",
    )
    .unwrap_err();
    assert!(e.message.contains("unknown alt_type \"nka\""), "{e}");
}

#[test]
fn csv_output_is_lf_and_refuses_formula_cells() {
    let t = ofac::import(&fixture("sdn_small.csv"), None, &no_links(), "src-sdn", "").unwrap();
    let bytes = write_csv(table(&t, "actors")).unwrap();
    assert!(!bytes.contains(&b'\r'));
    assert!(bytes.starts_with(b"actor_id,actor_type,primary_name,"));
    let e = sdn_with("\"TEST PERSON\"", "\"=HYPERLINK()\"").unwrap();
    let err = write_csv(table(&e, "actors")).unwrap_err();
    assert!(err.message.contains("formula"), "{err}");
}

// ------------------------------------------------------- the real archived sources

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The project's shared sources folder (outside the repository; may be absent).
fn shared_sources() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/sources")
}

#[test]
fn archived_copies_are_byte_identical_to_the_shared_sources() {
    let pairs = [
        (
            "un/un_sc_consolidated_2024-09-26.xml",
            "raw/un/un_sc_consolidated_2024-09-26.xml",
        ),
        ("ofac/sdn_2024-07-02.csv", "raw/ofac/sdn_2024-07-02.csv"),
        (
            "ofac/alt_uploaded-2026-06-02.csv",
            "raw/ofac/alt_uploaded-2026-06-02.csv",
        ),
        (
            "ofac/add_uploaded-2026-06-02.csv",
            "raw/ofac/add_uploaded-2026-06-02.csv",
        ),
        (
            "ofac/history/ofac_dprk_first_seen.csv",
            "raw/ofac/history/ofac_dprk_first_seen.csv",
        ),
        (
            "uk/ofsi_conlist_2025-04-14.xlsx",
            "raw/uk/ofsi_conlist_2025-04-14.xlsx",
        ),
        (
            "uk/ofsi_conlist_2018-04-13.csv",
            "raw/uk/ofsi_conlist_2018-04-13.csv",
        ),
        (
            "uk/hmt_conlist_2014-04-02.csv",
            "raw/uk/hmt_conlist_2014-04-02.csv",
        ),
        (
            "news/voa-us-reviewing-options-dprk-human-rights.txt",
            "archive/voa-us-reviewing-options-dprk-human-rights.txt",
        ),
        ("PROVENANCE.md", "raw/PROVENANCE.md"),
        (
            "human_rights/ohchr-2014-03-17-kirby-statement-hrc25.txt",
            "raw/human_rights/ohchr-2014-03-17-kirby-statement-hrc25.txt",
        ),
    ];
    let mut pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(a, s)| (a.to_string(), s.to_string()))
        .collect();
    for order in [
        "2005-06-28-executive-order-13382",
        "2008-06-26-executive-order-13466",
        "2010-08-30-executive-order-13551",
        "2011-04-18-executive-order-13570",
        "2015-01-02-executive-order-13687",
        "2016-03-15-executive-order-13722",
        "2017-09-20-executive-order-13810",
    ] {
        for ext in ["xml", "pdf"] {
            pairs.push((
                format!("us_executive_orders/{order}.{ext}"),
                format!("raw/us_executive_orders/full/{order}.{ext}"),
            ));
        }
    }
    for chunk in ["6899", "6961", "6963", "6964", "6965"] {
        pairs.push((
            format!("human_rights/usc_title22_ch99/chunck-{chunk}.md"),
            format!("raw/human_rights/usc_title22_ch99/chunck-{chunk}.md"),
        ));
    }
    for f in [
        "un_votes.rda",
        "un_roll_calls.rda",
        "un_roll_call_issues.rda",
        "unga_dprk_extract.py",
        "unga_dprk_human_rights_roll_calls.csv",
        "unga_dprk_human_rights_votes.csv",
    ] {
        pairs.push((
            format!("human_rights/unvotes/{f}"),
            format!("raw/human_rights/unvotes/{f}"),
        ));
    }
    if !shared_sources().is_dir() {
        eprintln!("note: ../shared/sources is absent; comparison skipped");
        return;
    }
    for (archived, shared) in &pairs {
        let a = std::fs::read(repo().join("datasets/archive").join(archived)).expect(archived);
        let s = std::fs::read(shared_sources().join(shared)).expect(shared);
        assert!(a == s, "{archived} differs from ../shared/sources/{shared}");
    }
}

/// The archived source files (committed in datasets/archive), or the shared sources folder.
fn source(archived: &str, shared: &str) -> Option<Vec<u8>> {
    let a = repo().join("datasets/archive").join(archived);
    let s = shared_sources().join(shared);
    match std::fs::read(&a).or_else(|_| std::fs::read(&s)) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!("note: {archived} not found (neither archived nor in ../shared/sources); test skipped");
            None
        }
    }
}

fn real_un() -> Option<Vec<u8>> {
    source(
        "un/un_sc_consolidated_2024-09-26.xml",
        "raw/un/un_sc_consolidated_2024-09-26.xml",
    )
}
fn real_sdn() -> Option<(Vec<u8>, Vec<u8>)> {
    Some((
        source("ofac/sdn_2024-07-02.csv", "raw/ofac/sdn_2024-07-02.csv")?,
        source(
            "ofac/alt_uploaded-2026-06-02.csv",
            "raw/ofac/alt_uploaded-2026-06-02.csv",
        )?,
    ))
}

const UN_SRC: &str = "src-un-sc-consolidated-2024-09-26";
const SDN_SRC: &str = "src-ofac-sdn-2024-07-02";
const ALT_SRC: &str = "src-ofac-alt-2026-06-02";
const ADD_SRC: &str = "src-ofac-add-2026-06-02";
const HIST_SRC: &str = "src-ofac-history-first-seen-2024-07-02";

/// add.csv and the first-seen history, archived or shared.
fn real_add_and_history() -> Option<(Vec<u8>, Vec<u8>)> {
    Some((
        source(
            "ofac/add_uploaded-2026-06-02.csv",
            "raw/ofac/add_uploaded-2026-06-02.csv",
        )?,
        source(
            "ofac/history/ofac_dprk_first_seen.csv",
            "raw/ofac/history/ofac_dprk_first_seen.csv",
        )?,
    ))
}

/// The OFAC import as `kpdata.toml` documents it (aliases, addresses, history).
fn ofac_full(sdn: &[u8], alt: &[u8], links: &ofac::Links) -> ofac::Imported {
    let (add, hist) = real_add_and_history().expect("add.csv and the history");
    let first_seen = kpdata_import::history::read(&hist).unwrap();
    ofac::import_full(&ofac::OfacInput {
        sdn,
        sdn_source: SDN_SRC,
        alt: Some((alt, ALT_SRC)),
        add: Some((&add, ADD_SRC)),
        history: Some((&first_seen, HIST_SRC)),
        links,
    })
    .unwrap()
}

#[test]
fn real_un_list_has_155_dprk_entries_dated_by_listed_on() {
    let Some(xml) = real_un() else { return };
    let t = un::import(&xml, UN_SRC).unwrap();
    let actors = table(&t, "actors");
    assert_eq!(actors.rows.len(), 155);
    let types = actors.column("actor_type");
    assert_eq!(types.iter().filter(|t| **t == "person").count(), 80);
    assert_eq!(types.iter().filter(|t| **t == "organization").count(), 75);

    // Every listing row's date is the entry's LISTED_ON, read independently here.
    let text = String::from_utf8(xml).unwrap();
    let mut listed = std::collections::BTreeMap::new();
    for chunk in text.split("<REFERENCE_NUMBER>").skip(1) {
        let reference = chunk[..chunk.find('<').unwrap()].trim().to_string();
        if let Some(rest) = chunk.split("<LISTED_ON>").nth(1) {
            if reference.starts_with("KP") {
                listed.insert(reference, rest[..10].to_string());
            }
        }
    }
    assert_eq!(listed.len(), 155);
    let d = table(&t, "designations");
    let rows: Vec<_> = d
        .rows
        .iter()
        .filter(|r| r[0].ends_with("-listed"))
        .collect();
    assert_eq!(rows.len(), 155);
    let (i_ref, i_date, i_act) = (
        d.header.iter().position(|h| h == "authority_ref").unwrap(),
        d.header.iter().position(|h| h == "action_date").unwrap(),
        d.header.iter().position(|h| h == "action").unwrap(),
    );
    for r in rows {
        assert_eq!(r[i_act], "listed");
        assert_eq!(Some(&r[i_date]), listed.get(&r[i_ref]), "{}", r[0]);
    }
    let kpi = d
        .rows
        .iter()
        .filter(|r| r[0].ends_with("-listed") && r[i_ref].starts_with("KPi"))
        .count();
    assert_eq!(kpi, 80);
}

#[test]
fn real_sdn_selects_598_dprk_entries() {
    let Some((sdn, alt)) = real_sdn() else { return };
    // Without the UN list: one actor per entry.
    let alone = ofac::import(&sdn, Some(&alt), &no_links(), SDN_SRC, ALT_SRC).unwrap();
    assert_eq!(table(&alone, "actors").rows.len(), 598);
    let Some(xml) = real_un() else { return };
    let links = ofac::links_from(&un::import(&xml, UN_SRC).unwrap()).unwrap();
    let t = ofac::import(&sdn, Some(&alt), &links, SDN_SRC, ALT_SRC).unwrap();
    // 16 OFAC organisations share their IMO company number with a UN entity: one actor each.
    assert_eq!(table(&t, "actors").rows.len(), 598 - 16);
    let linked = row(table(&t, "designations"), "des-ofac-23707");
    assert_eq!(get(&linked, "actor_id"), "act-un-kpe-061");
    assert!(get(&linked, "note").contains("identical IMO number 5936312"));
    let d = table(&t, "designations");
    assert_eq!(d.rows.len(), 598);
    assert!(d.column("action_date").iter().all(|x| x.is_empty()));
    let by_rule = |s: &str| d.column("note").iter().filter(|n| n.contains(s)).count();
    assert_eq!(by_rule("tag DPRK*"), 489);
    assert_eq!(by_rule("NPWMD entry"), 109);
    let types = table(&alone, "actors").column("actor_type");
    for (ty, n) in [
        ("organization", 251),
        ("person", 226),
        ("vessel", 105),
        ("aircraft", 16),
    ] {
        assert_eq!(types.iter().filter(|x| **x == ty).count(), n, "{ty}");
    }
    // Known entries from the sources' excerpt notes.
    let rgb = row(d, "des-ofac-12210");
    assert_eq!(get(&rgb, "programs"), "ofac:DPRK;ofac:DPRK2");
    // Aliases only for selected entries, citing alt.csv.
    let names = table(&t, "actor_names");
    let alt_rows: Vec<_> = names
        .rows
        .iter()
        .filter(|r| r[0].contains("-alt-"))
        .collect();
    assert_eq!(alt_rows.len(), 531);
    assert!(alt_rows
        .iter()
        .all(|r| r.last().unwrap() == "public" && r[r.len() - 2] == ALT_SRC));
}

/// The UK snapshots as `kpdata.toml` documents them (oldest first), archived or shared.
fn real_uk() -> Option<Vec<(kpdata_import::uk::Snapshot, String)>> {
    let files = [
        (
            "uk/hmt_conlist_2014-04-02.csv",
            "src-uk-hmt-conlist-2014-04-02",
            false,
        ),
        (
            "uk/ofsi_conlist_2018-04-13.csv",
            "src-uk-ofsi-conlist-2018-04-13",
            false,
        ),
        (
            "uk/ofsi_conlist_2025-04-14.xlsx",
            "src-uk-ofsi-conlist-2025-04-14",
            true,
        ),
    ];
    let mut out = Vec::new();
    for (path, src, xlsx) in files {
        let bytes = source(path, &format!("raw/{path}"))?;
        out.push((
            kpdata_import::uk::read(&bytes, xlsx).unwrap(),
            src.to_string(),
        ));
    }
    Some(out)
}

/// Every import merged in the given order; re-importing the first over the result changes
/// nothing.
fn run_all(xml: &[u8], sdn: &[u8], alt: &[u8], order: [usize; 3]) -> Vec<(String, Vec<u8>)> {
    let un_t = un::import(xml, UN_SRC).unwrap();
    let links = ofac::links_from(&un_t).unwrap();
    let of_t = ofac_full(sdn, alt, &links).tables;
    let uk_t = kpdata_import::uk::import(&real_uk().expect("UK files")).unwrap();
    let all = [&un_t, &of_t, &uk_t];
    let mut out = Vec::new();
    for t in all[order[0]] {
        let mut bytes: Option<Vec<u8>> = None;
        for &i in &order {
            let part = all[i].iter().find(|b| b.name == t.name).unwrap();
            bytes = Some(write_csv(&merge(bytes.as_deref(), part).unwrap()).unwrap());
        }
        let both = bytes.unwrap();
        let again = write_csv(&merge(Some(&both), t).unwrap()).unwrap();
        assert_eq!(both, again, "{}", t.name);
        out.push((t.name.clone(), both));
    }
    out.sort();
    out
}

#[test]
fn imports_are_deterministic_and_match_the_committed_datasets() {
    let (Some(xml), Some((sdn, alt)), Some(_), Some(_)) =
        (real_un(), real_sdn(), real_add_and_history(), real_uk())
    else {
        return;
    };
    let a = run_all(&xml, &sdn, &alt, [0, 1, 2]);
    let b = run_all(&xml, &sdn, &alt, [2, 1, 0]);
    assert_eq!(a, b, "import order must not matter");
    for (name, bytes) in &a {
        let committed =
            std::fs::read(repo().join("datasets").join(format!("{name}.csv"))).unwrap_or_default();
        assert!(
            &committed == bytes,
            "datasets/{name}.csv differs from a fresh import; run the two `kpdata import` commands in kpdata.toml"
        );
    }
}

/// The parse of real Remarks, pinned item by item: every item of these entries is a fact, a
/// typed identifier or a recognised regulatory note, and the importer reports what it did not
/// understand instead of dropping it.
#[test]
fn real_remarks_parse_is_pinned() {
    let (Some(xml), Some((sdn, alt)), Some(_)) = (real_un(), real_sdn(), real_add_and_history())
    else {
        return;
    };
    let links = ofac::links_from(&un::import(&xml, UN_SRC).unwrap()).unwrap();
    let imported = ofac_full(&sdn, &alt, &links);
    let facts = table(&imported.tables, "actor_facts");
    let idents = table(&imported.tables, "actor_identifiers");
    let cells = |t: &Table, prefix: &str, cols: &[&str]| -> Vec<String> {
        t.rows
            .iter()
            .filter(|r| r[0].starts_with(prefix))
            .map(|r| {
                cols.iter()
                    .map(|c| r[t.header.iter().position(|h| h == c).unwrap()].as_str())
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    };
    let f = ["kind", "value", "date", "date_to", "date_qualifier", "note"];
    // DOB circa 1947; alt. DOB circa 1946; POB Pyongan-Pukto, North Korea; (two regulatory notes)
    assert_eq!(
        cells(facts, "fct-ofac-12211-rem-", &f),
        [
            "dob|circa 1947|1947||circa|",
            "dob|circa 1946|1946||circa|alt.",
            "pob|Pyongan-Pukto, North Korea||||"
        ]
    );
    // DOB 18 Jun 1964; POB Kaesong, DPRK; (notes); Passport 381420754 issued 07 Dec 2011 expires 07 Dec 2016
    assert_eq!(
        cells(facts, "fct-ofac-15667-rem-", &f),
        [
            "dob|18 Jun 1964|1964-06-18||exact|",
            "pob|Kaesong, DPRK||||"
        ]
    );
    let i = ["scheme", "value", "note"];
    assert_eq!(
        cells(idents, "idn-ofac-15667-rem-", &i),
        ["passport|381420754|issued 07 Dec 2011 expires 07 Dec 2016"]
    );
    // SWIFT/BIC DCBKKPPY; (notes); a.k.a. 'DCB'
    assert_eq!(
        cells(idents, "idn-ofac-16085-rem-", &i),
        ["swift_bic|DCBKKPPY|SWIFT/BIC"]
    );
    assert_eq!(
        cells(facts, "fct-ofac-16085-rem-", &f),
        ["alias_in_remarks|DCB||||"]
    );
    let loc = cells(facts, "fct-ofac-15667-rem-1", &["locator", "source_ids"]);
    assert_eq!(
        loc,
        ["OFAC ent_num 15667, Remarks item 1|src-ofac-sdn-2024-07-02"]
    );
    // The items not understood are counted and listed; on this file, positions and items cut
    // off where OFAC truncates the field.
    assert_eq!(imported.remark_items, 2737);
    assert_eq!(imported.unparsed.len(), 140);
    assert!(imported
        .unparsed
        .iter()
        .any(|(e, t)| e == "28264" && t == "P"));
    assert!(!imported
        .unparsed
        .iter()
        .any(|(e, _)| e == "15667" || e == "12211"));
    // The history dates every selected entry it saw appear, and names the one it does not select.
    let d = table(&imported.tables, "designations");
    let kinds = d.column("date_kind");
    assert_eq!(
        kinds.iter().filter(|k| **k == "first_seen_in_list").count(),
        98
    );
    assert_eq!(imported.history_unselected, ["44294"]);
    let r = row(d, "des-ofac-40205");
    assert_eq!(
        (
            get(&r, "action_date"),
            get(&r, "window_start"),
            get(&r, "window_end")
        ),
        ("2022-12-10", "2022-12-09", "2022-12-10")
    );
    assert_eq!(
        get(&r, "source_ids"),
        "src-ofac-sdn-2024-07-02;src-ofac-history-first-seen-2024-07-02"
    );
}

#[test]
fn un_fixture_identity_facts_and_passport_remarks() {
    let t = un_with(
        "<NUMBER>P123</NUMBER>",
        "<NUMBER>P124 (Expired 2 Jan. 2016)</NUMBER>",
    )
    .unwrap();
    let ids = table(&t, "actor_identifiers");
    let p = row(ids, "idn-un-kpi-901-passport-1");
    assert_eq!(
        (get(&p, "value"), get(&p, "note")),
        ("P124", "Expired 2 Jan. 2016")
    );
    let facts = table(&t, "actor_facts");
    let d = row(facts, "fct-un-kpi-901-dob-1");
    assert_eq!(
        (
            get(&d, "kind"),
            get(&d, "date"),
            get(&d, "date_qualifier"),
            get(&d, "locator")
        ),
        (
            "dob",
            "1970-01-01",
            "exact",
            "UN KPi.901, INDIVIDUAL_DATE_OF_BIRTH 1"
        )
    );
    // An impossible day, or a form the importer does not know, is an error, not a guess.
    assert!(un_with("<DATE>1970-01-01</DATE>", "<DATE>1970-02-30</DATE>").is_err());
    let e = un_with(
        "<DATE>1970-01-01</DATE>",
        "<DATE>1970-01-01</DATE><YEAR>1970</YEAR>",
    )
    .unwrap_err();
    assert!(
        e.message.contains("date of birth 1 not understood"),
        "{}",
        e.message
    );
}
