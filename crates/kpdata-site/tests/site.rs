//! The site built from a small hand-made release folder: pages, links, quotes in their
//! passage, archived files checked against the registry, escaping, determinism.

use std::fs;
use std::path::Path;

use serde_json::json;
use sha2::{Digest, Sha256};

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

fn resource(name: &str, pk: &str, fields: &[&str], fks: serde_json::Value) -> serde_json::Value {
    json!({
        "name": name,
        "path": format!("data/{name}.json"),
        "format": "json",
        "schema": {
            "fields": fields.iter().map(|f| json!({"name": f, "type": "string"})).collect::<Vec<_>>(),
            "primaryKey": [pk],
            "foreignKeys": fks,
        }
    })
}

/// A release with two actors (one with a hostile name) linked across lists, a designation, a
/// finding quoting an archived text, and a source whose archived copy was altered.
fn release(dir: &Path) {
    let text = b"Preamble.\n\nThe commission finds that systematic, widespread and gross violations have been committed.\n";
    let sha = hex::encode(Sha256::digest(text));
    write(dir, "sources/coi/statement.txt", text);
    write(dir, "sources/un/list.xml", b"<altered/>");
    let descriptor = json!({
        "name": "t", "title": "Test package", "version": "2.1.0",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://spdx.org/licenses/CC-BY-4.0.html"}],
        "resources": [
            resource("sources", "source_id", &["source_id", "title", "url", "archive_path", "sha256"], json!([])),
            resource("actors", "actor_id", &["actor_id", "actor_type", "primary_name", "source_ids"], json!([])),
            resource("designations", "designation_id", &["designation_id", "actor_id", "authority", "action", "action_date", "date_kind", "source_ids"],
                json!([{"fields": ["actor_id"], "reference": {"resource": "actors", "fields": ["actor_id"]}}])),
            // No foreign keys declared: the site infers `actor_id` and `linked_actor_id`.
            resource("links", "link_id", &["link_id", "actor_id", "linked_actor_id", "basis", "source_ids"], json!([])),
            resource("findings", "finding_id", &["finding_id", "finding_date", "summary", "quote", "source_ids"], json!([])),
            resource("roll_calls", "roll_call_id", &["roll_call_id", "date", "unres", "yes", "no", "abstain", "source_ids"], json!([])),
            resource("vote_gaps", "gap_id", &["gap_id", "year", "source_ids"], json!([])),
        ]
    });
    write(dir, "datapackage.json", descriptor.to_string().as_bytes());
    write(dir, "data/sources.json", json!([
        {"source_id": "src-coi", "title": "Statement", "url": "https://example.org/s?a=1&b=2", "archive_path": "datasets/archive/coi/statement.txt", "sha256": sha},
        {"source_id": "src-un", "title": "List", "url": "javascript:alert(1)", "archive_path": "datasets/archive/un/list.xml", "sha256": "00".repeat(32)},
    ]).to_string().as_bytes());
    write(dir, "data/actors.json", json!([
        {"actor_id": "act-un-1", "actor_type": "organization", "primary_name": "KOREA MINING <script>alert(1)</script>", "source_ids": ["src-un"]},
        {"actor_id": "act-us-1", "actor_type": "organization", "primary_name": "Korea Mining", "source_ids": ["src-un"]},
    ]).to_string().as_bytes());
    // JSON Lines works as well as an array.
    write(dir, "data/designations.json", b"{\"designation_id\":\"des-1\",\"actor_id\":\"act-un-1\",\"authority\":\"unsc\",\"action\":\"listed\",\"action_date\":\"2009-04-24\",\"date_kind\":\"listed_on\",\"source_ids\":[\"src-un\"]}\n{\"designation_id\":\"des-2\",\"actor_id\":\"act-us-1\",\"authority\":\"us_ofac\",\"action\":\"listed\",\"action_date\":null,\"date_kind\":null,\"source_ids\":[\"src-un\"]}\n");
    write(dir, "data/links.json", json!([
        {"link_id": "lnk-1", "actor_id": "act-un-1", "linked_actor_id": "act-us-1", "basis": "same_identifier", "source_ids": ["src-un"]},
    ]).to_string().as_bytes());
    write(dir, "data/findings.json", json!([
        {"finding_id": "fnd-1", "finding_date": "2014", "summary": "Violations", "quote": "systematic, widespread and gross violations", "source_ids": ["src-coi"]},
    ]).to_string().as_bytes());
}

fn votes(dir: &Path) {
    write(dir, "data/roll_calls.json", json!([
        {"roll_call_id": "rc-2", "date": "2006-12-19", "unres": "R/61/174", "yes": 99, "no": 21, "abstain": 56, "source_ids": ["src-un"]},
        {"roll_call_id": "rc-1", "date": "2005-12-16", "unres": "R/60/173", "yes": 88, "no": 21, "abstain": 60, "source_ids": ["src-un"]},
    ]).to_string().as_bytes());
    write(
        dir,
        "data/vote_gaps.json",
        json!([{"gap_id": "gap-67", "year": 2012, "source_ids": ["src-un"]}])
            .to_string()
            .as_bytes(),
    );
}

fn page(site: &kpdata_site::Site, path: &str) -> String {
    String::from_utf8(
        site.get(path)
            .unwrap_or_else(|| panic!("no page {path}"))
            .clone(),
    )
    .unwrap()
}

#[test]
fn the_site_shows_targets_links_quotes_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    votes(dir.path());
    let r = kpdata_site::open(dir.path()).unwrap();
    let site = kpdata_site::build(&r);

    let target = page(&site, "targets/act-un-1.html");
    assert!(target.contains("KOREA MINING &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!target.contains("<script>alert(1)"));
    assert!(target.contains("The same target on other lists"));
    assert!(target.contains("href=\"../targets/act-us-1.html\""));
    assert!(target.contains("2009-04-24 (listed_on)"));
    // The timeline spans the lists: the linked entry's (undated) listing is on it, named.
    assert!(target.contains("(entry <a href=\"../targets/act-us-1.html\">act-us-1</a>)"));
    // The other side of the link sees it too, and its undated listing says so.
    let other = page(&site, "targets/act-us-1.html");
    assert!(other.contains("href=\"../targets/act-un-1.html\""));
    assert!(other.contains("undated (the list gives no date)"));

    let finding = page(&site, "records/findings/fnd-1.html");
    assert!(finding.contains("<mark>systematic, widespread and gross violations</mark>"));
    assert!(finding.contains("The commission finds that"));

    let source = page(&site, "sources/src-coi.html");
    assert!(source.contains("href=\"../files/coi/statement.txt\""));
    assert!(source.contains("matches the registry"));
    assert!(source.contains("href=\"https://example.org/s?a=1&amp;b=2\""));
    assert!(site.contains_key("files/coi/statement.txt"));

    // An archived file that does not match its sha256 is neither linked nor copied.
    let altered = page(&site, "sources/src-un.html");
    assert!(altered.contains("does not match the sha256"));
    assert!(!site.keys().any(|k| k.contains("list.xml")));
    assert!(!altered.contains("href=\"javascript:"));

    let home = page(&site, "index.html");
    assert!(home.contains("<svg class=\"chart\""));
    assert!(home.contains("Undated actions by authority"));
    // Votes per year in date order, the gap year named as a gap.
    assert!(home.contains("General Assembly votes"));
    let (y2005, y2006) = (
        home.find("<td>2005</td>").unwrap(),
        home.find("<td>2006</td>").unwrap(),
    );
    assert!(y2005 < y2006);
    assert!(home.contains("<td class=\"num\">169</td>"));
    assert!(home.contains("No recorded vote in the data:</strong> 2012"));

    let search = page(&site, "search.html");
    assert!(search.contains("data-key=\"koreamining\""));

    for (path, bytes) in &site {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(&*dir.path().to_string_lossy()),
            "{path} shows an absolute path"
        );
        if path.ends_with(".html") {
            assert!(
                text.contains("Content-Security-Policy"),
                "{path} has no policy"
            );
            assert!(
                text.contains("release <strong>2.1.0</strong>"),
                "{path} has no version"
            );
        }
    }
}

#[test]
fn the_same_release_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    votes(dir.path());
    let a = kpdata_site::build(&kpdata_site::open(dir.path()).unwrap());
    let b = kpdata_site::build(&kpdata_site::open(dir.path()).unwrap());
    assert_eq!(a, b);
}

#[test]
fn a_folder_without_a_descriptor_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let e = kpdata_site::open(dir.path()).unwrap_err();
    assert!(e.message.contains("datapackage.json"), "{}", e.message);
    write(
        dir.path(),
        "datapackage.json",
        br#"{"resources":[{"name":"x","path":"data/../../etc/passwd.json","format":"json"}]}"#,
    );
    assert!(kpdata_site::open(dir.path()).is_err());
}
