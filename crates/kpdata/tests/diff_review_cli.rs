//! Issue 23 end to end: what `kpdata diff` shows a reviewer of changed values (the changed
//! words, list items added and removed) and of new sources (archive check, citing records), in
//! every format, with the built binary against scratch git repositories.

use kpdata_testkit::{diff_package as package, Kpdata};

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

/// Issue 23 end to end: the changed words reach every format, a new source is checked against
/// its archived file (working tree and `--head` alike), and hostile values stay text.
#[test]
fn changed_words_and_new_sources_reach_every_format() {
    let (_t, s, root) = package("");
    let long = "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210; Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions";
    s.write(
        "datasets/designations.csv",
        format!("designation_id,name,action,source_ids\ndes-1,\"{long}\",listed,un-2016\ndes-2,Tanchon Commercial Bank,listed,un-2016\n"),
    );
    s.commit("long").unwrap();
    let evil = long.replace("510.210", "510.211 ::error::x\n::warning::y");
    s.write(
        "datasets/designations.csv",
        format!("designation_id,name,action,source_ids\ndes-1,\"{evil}\",listed,un-2016\ndes-2,Tanchon Commercial Bank,listed,un-2016;un-2018\n"),
    );
    s.write("datasets/archive/un-2018.txt", "UN text\n");
    s.write(
        "datasets/sources.csv",
        "source_id,title,archive_path,sha256\nun-2016,UN list 2016,,\nun-2017,UN list 2017,,\nun-2018,UN 2018,datasets/archive/un-2018.txt,0000\n",
    );
    let (code, md, _) = KPDATA.texts(&root, &["diff", "--base", "HEAD", "--format", "markdown"]);
    assert_eq!(code, 0, "{md}");
    assert!(
        md.contains("~~510.210~~") && md.contains("**510.211"),
        "{md}"
    );
    assert!(md.contains("### Sources to check (1)"), "{md}");
    assert!(md.contains("**sha256 does not match**"), "{md}");
    assert!(
        md.contains("| ~~un-2016~~") || md.contains("**un-2018** *(1 kept)*"),
        "{md}"
    );
    let (_, text, _) = KPDATA.texts(&root, &["diff", "--base", "HEAD"]);
    assert!(text.contains("[-510.210-]{+510.211"), "{text}");
    assert!(
        text.contains("source_ids: added {+un-2018+}; 1 kept"),
        "{text}"
    );
    let (_, gh, _) = KPDATA.texts(&root, &["diff", "--base", "HEAD", "--format", "github"]);
    let notices: Vec<&str> = gh.lines().filter(|l| l.starts_with("::")).collect();
    // KP503 (the name changed, not its citation), the new source, the two changed records.
    assert_eq!(notices.len(), 4, "{gh}");
    assert!(notices[0].contains("KP503"), "{gh}");
    assert!(
        notices[1].starts_with("::warning file=datasets/sources.csv,line=4,"),
        "{gh}"
    );
    assert!(
        notices[2].starts_with("::notice file=datasets/designations.csv,line=2,"),
        "{gh}"
    );
    // One annotation line each: the value's line break is escaped, its `::` stays data.
    assert!(
        notices[2].contains("[-510.210-]{+510.211 ::error::x\\u{000A}::warning::y+}"),
        "{gh}"
    );
    assert!(
        notices[3].contains("source_ids: added {+un-2018+}; 1 kept"),
        "{gh}"
    );
    for line in gh.lines() {
        assert!(
            !line.trim_start().starts_with("::")
                || line.starts_with("::notice file=")
                || line.starts_with("::warning file="),
            "{line}"
        );
    }
    let (_, json, _) = KPDATA.texts(&root, &["diff", "--base", "HEAD", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["sources"][0]["archive"]["check"], "mismatch");
    let des = v["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "designations")
        .unwrap();
    assert_eq!(des["changed"][0]["changes"][0]["delta"]["kind"], "words");
    assert_eq!(
        des["changed"][1]["changes"][0]["delta"]["added"][0],
        "un-2018"
    );
    // The same review of a committed head reads the archive from git objects.
    s.commit("head").unwrap();
    let (_, json2, _) = KPDATA.texts(
        &root,
        &[
            "diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "json",
        ],
    );
    let v2: serde_json::Value = serde_json::from_str(&json2).unwrap();
    assert_eq!(v2["sources"], v["sources"]);
}

#[test]
fn change_notices_are_capped() {
    let (_t, s, root) = package("");
    let rows = |name: &str| -> String {
        let mut csv = "designation_id,name,action,source_ids\n".to_string();
        for i in 0..15 {
            csv.push_str(&format!("des-{i:02},{name} {i},listed,un-2016\n"));
        }
        csv
    };
    s.write("datasets/designations.csv", rows("Old Name"));
    s.commit("fifteen").unwrap();
    s.write("datasets/designations.csv", rows("New Name"));
    let (_, gh, _) = KPDATA.texts(&root, &["diff", "--base", "HEAD", "--format", "github"]);
    let notices = gh.lines().filter(|l| l.starts_with("::notice ")).count();
    assert_eq!(notices, 10, "{gh}");
    assert!(gh.contains("name: [-Old-]{+New+} Name 0"), "{gh}");
}
