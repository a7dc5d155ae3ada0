//! `kpdata link suggest` as a curator runs it on a copy of the real package: suggestions are
//! printed and never written by themselves, accepting by id appends exactly those links, the
//! package still validates, and a tampered evidence value is a finding.

use kpdata_testkit::{copy_package, Kpdata};

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

const VALIDATE: &[&str] = &[
    "validate",
    "--reference-date",
    "2026-12-06",
    "--max-per-rule",
    "0",
];

#[test]
fn suggest_accept_validate_and_tamper() {
    let t = copy_package();
    let links = t.path().join("datasets/links.csv");
    let committed = std::fs::read_to_string(&links).unwrap();
    let header = committed.lines().next().unwrap().to_string();
    // Start from no links: every committed link comes back as a suggestion.
    std::fs::write(&links, format!("{header}\n")).unwrap();
    let o = KPDATA.run(t.path(), &["link", "suggest", "--format", "csv"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = String::from_utf8(o.stdout).unwrap();
    assert_eq!(csv.lines().next(), Some(header.as_str()));
    assert_eq!(
        std::fs::read_to_string(&links).unwrap(),
        format!("{header}\n"),
        "suggest wrote"
    );
    let again = KPDATA.run(t.path(), &["link", "suggest", "--format", "csv"]);
    assert_eq!(
        String::from_utf8(again.stdout).unwrap(),
        csv,
        "not deterministic"
    );
    let suggested: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    for l in committed.lines().skip(1) {
        let id = l.split(',').next().unwrap();
        assert!(suggested.contains(&id), "{id} is no longer suggested");
    }
    // KOMID: one target across both lists.
    assert!(suggested.contains(&"lnk-un-kpe-001--ofac-9345"));

    // Accept two by id: exactly those rows are appended, and the package validates.
    let o = KPDATA.run(
        t.path(),
        &[
            "link",
            "suggest",
            "--accept",
            "lnk-un-kpe-001--ofac-9345",
            "--accept",
            "lnk-un-kpi-006--ofac-15667",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let now = std::fs::read_to_string(&links).unwrap();
    assert_eq!(now.lines().count(), 3);
    assert!(now.contains("lnk-un-kpi-006--ofac-15667,act-un-kpi-006,act-ofac-15667,shared_identifier,passport,381420754,"));
    assert!(now.contains(
        ",reviewed,name,KOREA MINING DEVELOPMENT TRADING CORPORATION,,85,\"Accepted after review"
    ));
    let o = KPDATA.run(t.path(), VALIDATE);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    // An unknown id writes nothing and fails with a hint.
    let o = KPDATA.run(t.path(), &["link", "suggest", "--accept", "lnk-nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&links).unwrap(), now);

    // Tampered evidence (one digit of the passport) is a finding on the link row.
    std::fs::write(&links, now.replace(",381420754,", ",381420755,")).unwrap();
    let o = KPDATA.run(t.path(), VALIDATE);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("KP710 link-evidence-missing"), "{out}");
    assert!(
        out.contains("does not carry the identifier passport `381420755`"),
        "{out}"
    );

    // The data changing under a link is a finding too: the UN passport number edited.
    std::fs::write(&links, &now).unwrap();
    let idents = t.path().join("datasets/actor_identifiers.csv");
    let text = std::fs::read_to_string(&idents).unwrap();
    std::fs::write(
        &idents,
        text.replace(
            "act-un-kpi-006,passport,381420754",
            "act-un-kpi-006,passport,381420750",
        ),
    )
    .unwrap();
    let o = KPDATA.run(t.path(), VALIDATE);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8(o.stdout)
        .unwrap()
        .contains("`act-un-kpi-006` does not carry"));
}

fn sha256_hex(bytes: &[u8]) -> String {
    kpdata_import::sha256_hex(bytes)
}

/// `kpdata import uk-conlist` refuses a file whose header differs from the list's, naming the
/// column, and writes nothing; the real snapshots re-import to the committed bytes.
#[test]
fn uk_import_refuses_a_changed_header_and_reimports_the_same_bytes() {
    let t = copy_package();
    let ds = t.path().join("datasets");
    let before: Vec<(String, Vec<u8>)> = [
        "actors",
        "actor_names",
        "actor_identifiers",
        "designations",
        "actor_facts",
    ]
    .iter()
    .map(|n| {
        (
            n.to_string(),
            std::fs::read(ds.join(format!("{n}.csv"))).unwrap(),
        )
    })
    .collect();
    let args = [
        "import",
        "uk-conlist",
        "datasets/archive/uk/ofsi_conlist_2025-04-14.xlsx",
        "--earlier",
        "datasets/archive/uk/hmt_conlist_2014-04-02.csv",
        "--earlier",
        "datasets/archive/uk/ofsi_conlist_2018-04-13.csv",
    ];
    let o = KPDATA.run(t.path(), &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (n, b) in &before {
        assert!(
            &std::fs::read(ds.join(format!("{n}.csv"))).unwrap() == b,
            "{n} changed on re-import"
        );
    }

    // The 2018 file with its header cell "Group ID" renamed, registered like any source.
    let orig = std::fs::read(ds.join("archive/uk/ofsi_conlist_2018-04-13.csv")).unwrap();
    let text = String::from_utf8_lossy(&orig).replacen(",Group ID\n", ",Group No\n", 1);
    let bad = text.into_bytes();
    std::fs::write(ds.join("archive/uk/bad.csv"), &bad).unwrap();
    let mut reg = std::fs::read_to_string(ds.join("sources.csv")).unwrap();
    reg.push_str(&format!(
        "src-uk-bad,official_list,official,t,p,https://example.org/bad.csv,2018-04-13,2018-10-25,datasets/archive/uk/bad.csv,{},exact_copy,project:test,public,test\n",
        sha256_hex(&bad)
    ));
    std::fs::write(ds.join("sources.csv"), reg).unwrap();
    let o = KPDATA.run(
        t.path(),
        &[
            "import",
            "uk-conlist",
            "datasets/archive/uk/ofsi_conlist_2025-04-14.xlsx",
            "--earlier",
            "datasets/archive/uk/bad.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown column \"Group No\""), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    for (n, b) in &before {
        assert!(
            &std::fs::read(ds.join(format!("{n}.csv"))).unwrap() == b,
            "{n} written"
        );
    }
}
