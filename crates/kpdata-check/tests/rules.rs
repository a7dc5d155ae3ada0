//! Every package-level rule on a small package: each test breaks one thing and asserts the
//! exact findings, and the untouched package is clean (so each rule also has a case where it
//! does not fire).

use std::path::Path;

use kpdata_check::package::{validate_package, Options};
use kpdata_package::Package;

const MANIFEST: &str = r#"
[package]
name = "t"
title = "Test package"

[[dataset]]
name = "sources"
path = "datasets/sources.csv"
schema = "schemas/sources.schema.json"
cite = "registry"
primary_key = ["source_id"]

[[dataset]]
name = "vocab_kinds"
path = "datasets/vocab/kinds.csv"
schema = "schemas/vocab.schema.json"
cite = "optional"
primary_key = ["key"]

[[dataset]]
name = "claims"
path = "datasets/claims.csv"
schema = "schemas/claims.schema.json"
primary_key = ["claim_id"]
unique = [["kind", "event_date"]]
require_quote = true
require_official = true
event_dates = ["event_date"]
[[dataset.foreign_key]]
fields = ["kind"]
dataset = "vocab_kinds"
reference = ["key"]
[[dataset.foreign_key]]
fields = ["parent_id"]
dataset = "claims"
reference = ["claim_id"]
"#;

const SOURCES_SCHEMA: &str = r#"{
  "type": "object", "additionalProperties": false,
  "required": ["source_id", "tier", "title", "url", "issued", "archive_path", "sha256", "sensitivity"],
  "properties": {
    "source_id": {"type": "string", "x-kind": "id"},
    "tier": {"enum": ["official", "secondary"]},
    "title": {"type": "string", "x-kind": "text"},
    "url": {"type": "string"},
    "issued": {"type": "string", "format": "partial-date"},
    "accessed": {"type": "string", "format": "partial-date"},
    "archive_path": {"type": "string"},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "custody": {"type": "string"},
    "obtained_from": {"type": "string"},
    "sensitivity": {"enum": ["public", "restricted"]}
  }
}"#;

const VOCAB_SCHEMA: &str = r#"{
  "type": "object", "additionalProperties": false, "required": ["key", "label", "sensitivity"],
  "properties": {
    "key": {"type": "string", "x-kind": "id", "pattern": "^[a-z_]+$"},
    "label": {"type": "string"},
    "sensitivity": {"enum": ["public", "restricted"]}
  }
}"#;

const CLAIMS_SCHEMA: &str = r#"{
  "type": "object", "additionalProperties": false,
  "required": ["claim_id", "kind", "source_ids", "sensitivity"],
  "properties": {
    "claim_id": {"type": "string", "x-kind": "id"},
    "kind": {"type": "string"},
    "event_date": {"type": "string", "format": "partial-date"},
    "parent_id": {"type": "string"},
    "name": {"type": "string", "x-kind": "name"},
    "script": {"type": "string", "x-script-of": "name"},
    "source_ids": {"type": "array", "items": {"type": "string"}, "x-separator": ";", "minItems": 1},
    "quote": {"type": "string", "x-kind": "text"},
    "sensitivity": {"enum": ["public", "restricted"]}
  }
}"#;

const ARCHIVE_A: &str = "The Commission found \u{201C}reasonable grounds\u{201D} \u{2014} crimes against humanity\r\nwere committed. 김정은 Report of 2014.\nDated 7 February 2014; annex of February 8, 2014.\n";
const ARCHIVE_B: &str = "A news report about 2015 events.\n";

const CLAIMS: &str = "claim_id,kind,event_date,parent_id,name,script,source_ids,quote,sensitivity
c-1,finding,2014-02-07,,Kim Jong Un,Latn,src-a,\"found \"\"reasonable grounds\"\" - crimes against humanity were committed\",public
c-2,finding,2014-02-08,c-1,김정은,Hang,src-a;src-b,Report of 2014,public
";

struct Fixture {
    dir: tempfile::TempDir,
}

fn sha(s: &[u8]) -> String {
    kpdata_base::sha256_hex(s)
}

impl Fixture {
    fn new() -> Fixture {
        let f = Fixture {
            dir: tempfile::tempdir().unwrap(),
        };
        f.write("kpdata.toml", MANIFEST);
        f.write("schemas/sources.schema.json", SOURCES_SCHEMA);
        f.write("schemas/vocab.schema.json", VOCAB_SCHEMA);
        f.write("schemas/claims.schema.json", CLAIMS_SCHEMA);
        f.write("datasets/archive/a.txt", ARCHIVE_A);
        f.write("datasets/archive/b.txt", ARCHIVE_B);
        f.write(
            "datasets/vocab/kinds.csv",
            "key,label,sensitivity\nfinding,A finding,public\n",
        );
        f.write("datasets/claims.csv", CLAIMS);
        f.sources(&[]);
        f
    }

    fn sources(&self, replace: &[(&str, &str)]) {
        let mut s = format!(
            "source_id,tier,title,url,issued,accessed,archive_path,sha256,custody,obtained_from,sensitivity\n\
             src-a,official,Report,https://www.ohchr.org/report,2014-02-17,2024-01-01,datasets/archive/a.txt,{},exact_copy,https://github.com/o/r/blob/0123/a.txt,public\n\
             src-b,secondary,News,https://example.org/news,2015,2024-01-01,datasets/archive/b.txt,{},faithful_conversion,project:sources/b.txt,public\n",
            sha(ARCHIVE_A.as_bytes()),
            sha(ARCHIVE_B.as_bytes())
        );
        for (a, b) in replace {
            s = s.replace(a, b);
        }
        self.write("datasets/sources.csv", &s);
    }

    fn write(&self, rel: &str, contents: &str) {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.dir.path().join(rel);
        let s = std::fs::read_to_string(&p).unwrap();
        assert!(s.contains(from), "{from:?} not in {rel}");
        std::fs::write(p, s.replacen(from, to, 1)).unwrap();
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// (rule name, path, row) of every finding.
    fn findings(&self) -> Vec<(String, String, u64)> {
        let pkg = Package::load(self.path()).unwrap();
        let report = validate_package(
            &pkg,
            &Options {
                reference: Some((2024, 6, 1)),
                jobs: 2,
                max_per_rule: None,
                tracked: None,
                progress: None,
            },
        );
        let (d, _, _) = report.finish();
        d.into_iter()
            .map(|d| {
                (
                    d.name.to_string(),
                    d.path.unwrap_or_default(),
                    d.row.unwrap_or(0),
                )
            })
            .collect()
    }

    fn names(&self) -> Vec<String> {
        self.findings().into_iter().map(|f| f.0).collect()
    }
}

fn one(name: &str, path: &str, row: u64) -> Vec<(String, String, u64)> {
    vec![(name.to_string(), path.to_string(), row)]
}

#[test]
fn the_base_package_is_clean() {
    assert_eq!(Fixture::new().findings(), vec![]);
}

#[test]
fn unknown_source_and_no_citation() {
    let f = Fixture::new();
    f.edit("datasets/claims.csv", "src-a;src-b", "src-a;src-zzz");
    let mut expected = one("unknown-source", "datasets/claims.csv", 3);
    expected.extend(one("source-uncited", "datasets/sources.csv", 3));
    assert_eq!(f.findings(), expected);
    f.edit("datasets/claims.csv", "src-a;src-zzz", "");
    // An empty source_ids is also a required-value schema finding.
    let names = f.names();
    assert!(names.contains(&"no-citation".to_string()), "{names:?}");
}

#[test]
fn archive_drift_missing_outside_and_unclaimed() {
    let f = Fixture::new();
    f.write("datasets/archive/a.txt", &ARCHIVE_A.replace("2014", "2015"));
    let names = f.names();
    assert!(
        names.contains(&"archive-hash-mismatch".to_string()),
        "{names:?}"
    );
    let f = Fixture::new();
    std::fs::remove_file(f.path().join("datasets/archive/b.txt")).unwrap();
    assert!(f.names().contains(&"archive-missing".to_string()));
    let f = Fixture::new();
    f.sources(&[("datasets/archive/b.txt", "../b.txt")]);
    let names = f.names();
    assert!(
        names.contains(&"archive-path-outside".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"archive-unclaimed".to_string()),
        "{names:?}"
    );
}

#[cfg(unix)]
#[test]
fn archive_symlinks_are_refused() {
    let f = Fixture::new();
    std::fs::remove_file(f.path().join("datasets/archive/b.txt")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", f.path().join("datasets/archive/b.txt")).unwrap();
    assert!(f.names().contains(&"unsafe-path".to_string()));
}

#[test]
fn flipping_one_byte_of_an_archive_is_caught() {
    let f = Fixture::new();
    let p = f.path().join("datasets/archive/b.txt");
    let mut bytes = std::fs::read(&p).unwrap();
    bytes[3] ^= 0x01;
    std::fs::write(&p, bytes).unwrap();
    assert_eq!(
        f.findings()[0],
        (
            "archive-hash-mismatch".into(),
            "datasets/sources.csv".into(),
            3
        )
    );
}

#[test]
fn quotes_must_be_in_the_archive() {
    let f = Fixture::new();
    // One word changed.
    f.edit(
        "datasets/claims.csv",
        "crimes against humanity were",
        "crimes against humanity was",
    );
    let found = f.findings();
    assert_eq!(found, one("quote-not-found", "datasets/claims.csv", 2));
    // One digit changed.
    let f = Fixture::new();
    f.edit("datasets/claims.csv", "Report of 2014", "Report of 2015");
    assert_eq!(
        f.findings(),
        one("quote-not-found", "datasets/claims.csv", 3)
    );
}

#[test]
fn quote_not_found_shows_the_closest_passage() {
    let f = Fixture::new();
    f.edit(
        "datasets/claims.csv",
        "crimes against humanity were",
        "crimes against humanity was",
    );
    let pkg = Package::load(f.path()).unwrap();
    let (d, _, _) = validate_package(
        &pkg,
        &Options {
            reference: None,
            jobs: 1,
            max_per_rule: None,
            tracked: None,
            progress: None,
        },
    )
    .finish();
    assert!(
        d[0].message
            .contains("closest passage in `datasets/archive/a.txt`"),
        "{}",
        d[0].message
    );
    assert!(
        d[0].message
            .contains("crimes against humanity were committed"),
        "{}",
        d[0].message
    );
}

#[test]
fn missing_quote_and_official_source() {
    let f = Fixture::new();
    f.edit(
        "datasets/claims.csv",
        "src-a;src-b,Report of 2014",
        "src-b,",
    );
    let names = f.names();
    assert!(names.contains(&"missing-quote".to_string()), "{names:?}");
    assert!(
        names.contains(&"official-source-required".to_string()),
        "{names:?}"
    );
}

#[test]
fn dates_against_reference_issued_and_accessed() {
    let f = Fixture::new();
    f.edit("datasets/claims.csv", "2014-02-08", "2030-01-01");
    let names = f.names();
    assert!(
        names.contains(&"date-after-reference".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"event-after-source".to_string()),
        "{names:?}"
    );
    let f = Fixture::new();
    f.edit("datasets/claims.csv", "2014-02-07", "2014-02-18");
    let mut expected = one("event-after-source", "datasets/claims.csv", 2);
    expected.extend(one("date-not-in-source", "datasets/claims.csv", 2));
    assert_eq!(f.findings(), expected);
    let f = Fixture::new();
    f.sources(&[("2014-02-17,2024-01-01", "2014-02-17,2014-02-01")]);
    assert_eq!(
        f.findings(),
        one("accessed-before-issued", "datasets/sources.csv", 2)
    );
}

/// (rule name, severity, message) of every finding.
fn messages(f: &Fixture) -> Vec<(String, String, String)> {
    let pkg = Package::load(f.path()).unwrap();
    let (d, _, _) = validate_package(
        &pkg,
        &Options {
            reference: Some((2024, 6, 1)),
            jobs: 1,
            max_per_rule: None,
            tracked: None,
            progress: None,
        },
    )
    .finish();
    d.into_iter()
        .map(|d| {
            (
                d.name.to_string(),
                d.severity.as_str().to_string(),
                d.message,
            )
        })
        .collect()
}

#[test]
fn a_date_no_cited_source_contains_is_a_warning_with_the_closest_date() {
    let f = Fixture::new();
    // 2014-02-08 is in the archive as "February 8, 2014"; 2014-02-09 is in no format.
    f.edit("datasets/claims.csv", "2014-02-08", "2014-02-09");
    let found = messages(&f);
    assert_eq!(found.len(), 1, "{found:?}");
    let (name, severity, message) = &found[0];
    assert_eq!(
        (name.as_str(), severity.as_str()),
        ("date-not-in-source", "warning")
    );
    assert!(
        message.contains("the closest date found there is 2014-02-08"),
        "{message}"
    );
    // The year alone is in the archive: a year-precision date passes.
    let f = Fixture::new();
    f.edit("datasets/claims.csv", "2014-02-08", "2014");
    assert_eq!(f.findings(), vec![]);
    let f = Fixture::new();
    f.edit("datasets/claims.csv", "2014-02-08", "2013");
    assert_eq!(f.names(), vec!["date-not-in-source".to_string()]);
}

#[test]
fn a_note_naming_the_rule_explains_the_date() {
    let f = Fixture::new();
    f.write(
        "schemas/claims.schema.json",
        &CLAIMS_SCHEMA.replace(
            r#""quote": {"#,
            r#""note": {"type": "string", "x-kind": "text"}, "quote": {"#,
        ),
    );
    f.write(
        "datasets/claims.csv",
        &CLAIMS
            .replace("quote,sensitivity", "quote,note,sensitivity")
            .replace(",public\nc-2", ",,public\nc-2")
            .replace("2014-02-08", "2014-02-09")
            .replace(
                "Report of 2014,public",
                "Report of 2014,date-not-in-source: inferred,public",
            ),
    );
    let found = messages(&f);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "date-not-in-source");
    assert_eq!(found[0].1, "info");
    assert!(found[0].2.contains("explained in the record's note"));
}

#[test]
fn custody_is_required_and_incomplete_copies_do_not_support_official_claims() {
    let f = Fixture::new();
    f.sources(&[(
        ",exact_copy,https://github.com/o/r/blob/0123/a.txt",
        ",,https://github.com/o/r/blob/0123/a.txt",
    )]);
    assert_eq!(
        f.findings(),
        one("custody-missing", "datasets/sources.csv", 2)
    );
    let f = Fixture::new();
    f.sources(&[(
        "faithful_conversion,project:sources/b.txt",
        "faithful_conversion,somewhere",
    )]);
    assert_eq!(
        f.findings(),
        one("custody-missing", "datasets/sources.csv", 3)
    );
    let f = Fixture::new();
    f.sources(&[("exact_copy,https", "photocopy,https")]);
    assert_eq!(
        f.findings(),
        one("custody-missing", "datasets/sources.csv", 2)
    );
    // The only official source is an excerpt: every claim loses its official support.
    let f = Fixture::new();
    f.sources(&[("exact_copy,https", "excerpt,https")]);
    let mut expected = one("official-copy-incomplete", "datasets/claims.csv", 2);
    expected.extend(one("official-copy-incomplete", "datasets/claims.csv", 3));
    assert_eq!(f.findings(), expected);
    for ok in ["faithful_conversion", "exact_copy"] {
        let f = Fixture::new();
        f.sources(&[("exact_copy,https", &format!("{ok},https"))]);
        assert_eq!(f.findings(), vec![]);
    }
}

#[test]
fn two_sources_cannot_share_one_archive_file() {
    let f = Fixture::new();
    f.sources(&[(
        &format!("datasets/archive/b.txt,{}", sha(ARCHIVE_B.as_bytes())),
        &format!("datasets/archive/a.txt,{}", sha(ARCHIVE_A.as_bytes())),
    )]);
    let names = f.names();
    assert!(names.contains(&"archive-shared".to_string()), "{names:?}");
    assert_eq!(
        f.findings()
            .iter()
            .find(|x| x.0 == "archive-shared")
            .unwrap()
            .2,
        3
    );
}

#[test]
fn url_rules() {
    for (url, rule) in [
        ("javascript:alert(1)", "url-scheme"),
        ("https://u:p@example.org/news", "url-credentials"),
        ("/news", "url-relative"),
    ] {
        let f = Fixture::new();
        f.sources(&[("https://example.org/news", url)]);
        assert_eq!(f.findings(), one(rule, "datasets/sources.csv", 3), "{url}");
    }
}

#[test]
fn sensitivity_values() {
    let f = Fixture::new();
    f.edit(
        "datasets/claims.csv",
        "Report of 2014,public",
        "Report of 2014,secret",
    );
    let names = f.names();
    assert!(names.contains(&"sensitivity".to_string()), "{names:?}");
}

#[test]
fn uncited_source_is_a_warning() {
    let f = Fixture::new();
    f.edit("datasets/claims.csv", "src-a;src-b", "src-a");
    assert_eq!(
        f.findings(),
        one("source-uncited", "datasets/sources.csv", 3)
    );
}

#[test]
fn keys_primary_unique_and_foreign() {
    let f = Fixture::new();
    f.edit(
        "datasets/claims.csv",
        "c-2,finding,2014-02-08",
        "c-1,finding,2014-02-07",
    );
    let found = f.findings();
    assert!(
        found.contains(&("primary-key".into(), "datasets/claims.csv".into(), 3)),
        "{found:?}"
    );
    assert!(
        found.contains(&("unique-error".into(), "datasets/claims.csv".into(), 3)),
        "{found:?}"
    );
    let f = Fixture::new();
    f.edit("datasets/claims.csv", "c-2,finding", "c-2,opinion");
    assert_eq!(f.findings(), one("foreign-key", "datasets/claims.csv", 3));
    // A self-reference resolved after the whole file was read.
    let f = Fixture::new();
    f.edit("datasets/claims.csv", ",c-1,", ",c-9,");
    assert_eq!(f.findings(), one("foreign-key", "datasets/claims.csv", 3));
}

#[test]
fn text_hygiene_and_scripts() {
    let f = Fixture::new();
    f.edit(
        "datasets/claims.csv",
        "Kim Jong Un,Latn",
        "Kim\u{202E}Jong Un,Latn",
    );
    assert_eq!(
        f.findings(),
        one("invisible-character", "datasets/claims.csv", 2)
    );
    let f = Fixture::new();
    let nfd: String = unicode_normalization::UnicodeNormalization::nfd("김정은").collect();
    f.edit("datasets/claims.csv", "김정은,Hang", &format!("{nfd},Hang"));
    assert_eq!(f.findings(), one("not-nfc", "datasets/claims.csv", 3));
    let f = Fixture::new();
    f.edit("datasets/claims.csv", "김정은,Hang", "김정은,Latn");
    assert_eq!(
        f.findings(),
        one("script-mismatch", "datasets/claims.csv", 3)
    );
}

#[test]
fn a_quote_typed_with_straight_quotes_and_nfd_hangul_still_verifies() {
    let f = Fixture::new();
    let nfd: String = unicode_normalization::UnicodeNormalization::nfd("김정은 Report").collect();
    f.edit(
        "datasets/claims.csv",
        ",Report of 2014,",
        &format!(",\"were committed.\n{nfd} of 2014\","),
    );
    // The quote verifies; only its normalization form is reported.
    assert_eq!(f.findings(), one("not-nfc", "datasets/claims.csv", 3));
}

#[test]
fn missing_dataset_file_and_missing_sensitivity_field() {
    let f = Fixture::new();
    std::fs::remove_file(f.path().join("datasets/vocab/kinds.csv")).unwrap();
    let names = f.names();
    assert!(names.contains(&"file-missing".to_string()), "{names:?}");
    let f = Fixture::new();
    f.write(
        "schemas/vocab.schema.json",
        &VOCAB_SCHEMA
            .replace(r#", "sensitivity"]"#, "]")
            .replace(r#","sensitivity": {"enum": ["public", "restricted"]}"#, ""),
    );
    f.write(
        "schemas/vocab.schema.json",
        r#"{"type":"object","properties":{"key":{"type":"string"},"label":{"type":"string"}}}"#,
    );
    f.write("datasets/vocab/kinds.csv", "key,label\nfinding,A finding\n");
    assert_eq!(
        f.findings(),
        vec![("sensitivity".into(), "schemas/vocab.schema.json".into(), 0)]
    );
}

#[test]
fn header_labels_against_the_schema() {
    let f = Fixture::new();
    f.edit(
        "datasets/claims.csv",
        "claim_id,kind,event_date",
        "claim_id,knd,event_date",
    );
    let found = f.findings();
    assert!(
        found.contains(&("incorrect-label".into(), "datasets/claims.csv".into(), 1)),
        "{found:?}"
    );
    assert!(
        found.contains(&("missing-label".into(), "datasets/claims.csv".into(), 1)),
        "{found:?}"
    );
    // The missing column is reported once, not once per row.
    assert_eq!(
        found.iter().filter(|f| f.0 == "required-value").count(),
        0,
        "{found:?}"
    );
}

#[test]
fn results_do_not_depend_on_threads() {
    let f = Fixture::new();
    f.edit("datasets/claims.csv", "c-2,finding", "c-2,opinion");
    let pkg = Package::load(f.path()).unwrap();
    let run = |jobs| {
        let (d, _, _) = validate_package(
            &pkg,
            &Options {
                reference: Some((2024, 1, 1)),
                jobs,
                max_per_rule: None,
                tracked: None,
                progress: None,
            },
        )
        .finish();
        d
    };
    assert_eq!(run(1), run(2));
    assert_eq!(run(1), run(8));
}

#[test]
fn un_reference_must_match_the_actor_type() {
    let dir = tempfile::tempdir().unwrap();
    let w = |rel: &str, s: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, s).unwrap();
    };
    w(
        "kpdata.toml",
        r#"
[package]
name = "t"
title = "T"
[[dataset]]
name = "designations"
path = "designations.csv"
schema = "d.schema.json"
cite = "optional"
primary_key = ["designation_id"]
[[dataset]]
name = "actors"
path = "actors.csv"
schema = "a.schema.json"
cite = "optional"
primary_key = ["actor_id"]
"#,
    );
    w(
        "a.schema.json",
        r#"{"type":"object","properties":{"actor_id":{"type":"string"},"actor_type":{"type":"string"},"sensitivity":{"type":"string"}}}"#,
    );
    w(
        "d.schema.json",
        r#"{"type":"object","properties":{"designation_id":{"type":"string"},"actor_id":{"type":"string"},"authority_ref":{"type":"string"},"sensitivity":{"type":"string"}}}"#,
    );
    w(
        "actors.csv",
        "actor_id,actor_type,sensitivity\na1,person,public\na2,organization,public\n",
    );
    w("designations.csv", "designation_id,actor_id,authority_ref,sensitivity\nd1,a1,KPi.001,public\nd2,a2,KPe.002,public\nd3,a2,KPi.003,public\nd4,a1,12345,public\n");
    let pkg = Package::load(dir.path()).unwrap();
    // The designations come first in the manifest (no foreign key orders them after the
    // actors): their references are judged once the actors are known.
    for jobs in [1, 2] {
        assert_eq!(
            located(&pkg, jobs),
            vec![(
                "un-ref-actor-type".to_string(),
                4,
                Some(3),
                Some("authority_ref".to_string())
            )]
        );
    }
}

#[test]
fn a_citing_dataset_without_a_source_ids_field_is_reported() {
    let f = Fixture::new();
    f.write("schemas/claims.schema.json", &CLAIMS_SCHEMA.replace(r#""source_ids", "#, "").replace(r#""source_ids": {"type": "array", "items": {"type": "string"}, "x-separator": ";", "minItems": 1},"#, ""));
    f.edit(
        "datasets/claims.csv",
        "script,source_ids,quote",
        "script,quote",
    );
    f.edit("datasets/claims.csv", "Latn,src-a,", "Latn,");
    f.edit("datasets/claims.csv", "Hang,src-a;src-b,", "Hang,");
    let found = f.findings();
    assert!(
        found.contains(&("no-citation".into(), "schemas/claims.schema.json".into(), 0)),
        "{found:?}"
    );
}

#[test]
fn two_foreign_keys_to_the_same_dataset_are_both_checked() {
    let dir = tempfile::tempdir().unwrap();
    let w = |rel: &str, s: &str| std::fs::write(dir.path().join(rel), s).unwrap();
    w(
        "kpdata.toml",
        r#"
[package]
name = "t"
title = "T"
[[dataset]]
name = "actors"
path = "actors.csv"
schema = "a.schema.json"
cite = "optional"
primary_key = ["actor_id"]
[[dataset]]
name = "links"
path = "links.csv"
schema = "l.schema.json"
cite = "optional"
primary_key = ["link_id"]
[[dataset.foreign_key]]
fields = ["from_id"]
dataset = "actors"
reference = ["actor_id"]
[[dataset.foreign_key]]
fields = ["to_id"]
dataset = "actors"
reference = ["actor_id"]
"#,
    );
    w(
        "a.schema.json",
        r#"{"type":"object","properties":{"actor_id":{"type":"string"},"sensitivity":{"type":"string"}}}"#,
    );
    w(
        "l.schema.json",
        r#"{"type":"object","properties":{"link_id":{"type":"string"},"from_id":{"type":"string"},"to_id":{"type":"string"},"sensitivity":{"type":"string"}}}"#,
    );
    w("actors.csv", "actor_id,sensitivity\na1,public\na2,public\n");
    w(
        "links.csv",
        "link_id,from_id,to_id,sensitivity\nl1,a1,a2,public\nl2,a2,a9,public\nl3,a8,a1,public\n",
    );
    let pkg = Package::load(dir.path()).unwrap();
    for jobs in [1, 2] {
        assert_eq!(
            located(&pkg, jobs),
            vec![
                (
                    "foreign-key".to_string(),
                    3,
                    Some(3),
                    Some("to_id".to_string())
                ),
                (
                    "foreign-key".to_string(),
                    4,
                    Some(2),
                    Some("from_id".to_string())
                ),
            ],
            "jobs {jobs}"
        );
    }
}

/// Every finding of a package as (rule, row, column, field), validated with `jobs` threads.
fn located(pkg: &Package, jobs: usize) -> Vec<(String, u64, Option<u64>, Option<String>)> {
    let (d, _, _) = validate_package(
        pkg,
        &Options {
            reference: None,
            jobs,
            max_per_rule: None,
            tracked: None,
            progress: None,
        },
    )
    .finish();
    d.iter()
        .map(|d| {
            (
                d.name.to_string(),
                d.row.unwrap_or(0),
                d.column,
                d.field.clone(),
            )
        })
        .collect()
}
