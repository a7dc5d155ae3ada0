//! Release building, atomic staging and verification, with a plain-text stand-in encoder (the
//! polars encoder is tested in kpdata-parquet and end to end in the kpdata binary).

use std::fs;
use std::path::{Path, PathBuf};

use kpdata_release::build::{build, build_into, Built, ChangeLog, Release};
use kpdata_release::frame::{Encoder, Frame};
use kpdata_release::input::Input;
use kpdata_release::{stage, verify::verify};
use semver::Version;

struct TextEncoder;

impl Encoder for TextEncoder {
    fn parquet(&self, frame: &Frame) -> Result<Vec<u8>, String> {
        let mut s = String::from("PAR1\n");
        for row in 0..frame.len() {
            let cells: Vec<String> = frame.row(row).iter().map(|c| format!("{c:?}")).collect();
            s.push_str(&cells.join(","));
            s.push('\n');
        }
        Ok(s.into_bytes())
    }
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pkg")
}

const COMMIT_TIME: i64 = 1_700_000_000;

fn release() -> Release {
    let input = Input::from_dir(&fixture(), COMMIT_TIME).unwrap();
    build(
        &input,
        &Version::new(1, 0, 0),
        &ChangeLog::First,
        &TextEncoder,
        &mut |_| {},
    )
    .unwrap()
}

#[test]
fn builds_every_file_deterministically() {
    let a = release();
    let b = release();
    assert_eq!(a, b);
    let names: Vec<&str> = a.files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "CHANGES.md",
            "CITATION.cff",
            "LICENSE",
            "README.md",
            "SHA256SUMS",
            "changes.json",
            "data-dictionary.md",
            "data/actors.csv",
            "data/actors.json",
            "data/actors.parquet",
            "data/events.csv",
            "data/events.json",
            "data/events.parquet",
            "datapackage.json",
            "schemas/actors.schema.json",
            "schemas/events.schema.json",
        ]
    );
    let text = |p: &str| String::from_utf8(a.files[p].clone()).unwrap();
    // Restricted rows and unpublished datasets never reach the release.
    assert!(!text("data/actors.json").contains("Restricted Witness"));
    assert!(!a.files.keys().any(|k| k.contains("notes")));
    // Sorted by primary key: integers numerically.
    let events = text("data/events.parquet");
    let ids: Vec<&str> = events
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["Some(\"1\")", "Some(\"2\")", "Some(\"10\")"]);
    let json: serde_json::Value = serde_json::from_slice(&a.files["data/events.json"]).unwrap();
    let ids: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["event_id"])
        .collect();
    assert_eq!(ids, [1, 2, 10]);
    let cff = text("CITATION.cff");
    assert!(cff.contains("cff-version: 1.2.0\n"));
    assert!(cff.contains("type: dataset\n"));
    assert!(cff.contains("date-released: \"2023-11-14\"\n"));
    assert!(cff.contains("version: \"1.0.0\"\n"));
    // The CSV: RFC 4180, the curated text, typed date columns after each partial date.
    assert_eq!(
        text("data/actors.csv"),
        "actor_id,name,kind,aliases,listed_on,born,born_start,born_end,born_precision,tonnage,sensitivity\r\n\
         A001,\"Kim, \"\"Jong\"\" Example\",person,,2016-03-02,1962-04,1962-04-01,1962-04-30,month,,public\r\n\
         A002,Korea Example Trading Corp.,entity,KETC,,,,,,,\r\n\
         A003,Ocean Star,vessel,OS;Star of the Sea,2017-08-05,,,,,2999.5,public\r\n"
    );
    let actors: serde_json::Value = serde_json::from_slice(&a.files["data/actors.json"]).unwrap();
    assert_eq!(actors[0]["born"], "1962-04");
    assert_eq!(actors[0]["born_start"], "1962-04-01");
    assert_eq!(actors[0]["born_precision"], "month");
    assert_eq!(actors[1]["born_end"], serde_json::Value::Null);
    // The folder explains itself.
    let readme = text("README.md");
    assert!(readme.contains("| `actors` | 3 | Actors |"), "{readme}");
    assert!(readme.contains("pd.read_json(\"data/targets.json\", dtype=False)"));
    assert!(text("LICENSE").contains("CC-BY-4.0 (https://spdx.org/licenses/CC-BY-4.0.html)"));
    let dict = text("data-dictionary.md");
    assert!(
        dict.contains("| `born_start` | date |  | The first day `born` allows"),
        "{dict}"
    );
    assert!(
        dict.contains("| `aliases` | list of string (CSV: joined with `;`) |"),
        "{dict}"
    );
    let changes = text("CHANGES.md");
    assert!(changes.contains("First release"), "{changes}");
    assert!(changes.contains("| actors | 3 |"), "{changes}");
    let sums = text("SHA256SUMS");
    assert_eq!(sums.lines().count(), a.files.len() - 1);
    assert!(!sums.contains("  SHA256SUMS\n"));
}

#[test]
fn datapackage_is_a_frictionless_v2_descriptor() {
    let a = release();
    let dp: serde_json::Value = serde_json::from_slice(&a.files["datapackage.json"]).unwrap();
    assert_eq!(
        dp["$schema"],
        "https://datapackage.org/profiles/2.0/datapackage.json"
    );
    assert_eq!(dp["version"], "1.0.0");
    assert_eq!(dp["created"], "2023-11-14T22:13:20Z");
    assert_eq!(dp["licenses"][0]["name"], "CC-BY-4.0");
    let res = dp["resources"].as_array().unwrap();
    let names: Vec<&str> = res.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "actors",
            "actors-parquet",
            "actors-json",
            "events",
            "events-parquet",
            "events-json"
        ]
    );
    // The CSV is the table Frictionless validates; Parquet and JSON are files it hashes.
    let actors = &res[0];
    assert_eq!(actors["type"], "table");
    assert_eq!(actors["path"], "data/actors.csv");
    assert_eq!(actors["format"], "csv");
    assert_eq!(actors["rows"], 3);
    for (r, path) in [
        (&res[0], "data/actors.csv"),
        (&res[1], "data/actors.parquet"),
        (&res[2], "data/actors.json"),
    ] {
        assert_eq!(r["path"], path);
        assert_eq!(
            r["hash"],
            format!("sha256:{}", kpdata_release::sha256_hex(&a.files[path]))
        );
        assert_eq!(r["bytes"], a.files[path].len());
    }
    assert_eq!(res[1]["type"], "file");
    assert_eq!(res[1]["x-kpdata-table"], "actors");
    assert!(res[1].get("schema").is_none());
    let fields = actors["schema"]["fields"].as_array().unwrap();
    let field = |n: &str| fields.iter().find(|f| f["name"] == n).unwrap().clone();
    let ty = |n: &str| field(n)["type"].clone();
    assert_eq!(ty("listed_on"), "date");
    assert_eq!(ty("born"), "string");
    assert_eq!(
        field("born")["constraints"]["pattern"],
        "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
    );
    assert_eq!(ty("born_start"), "date");
    assert_eq!(ty("born_end"), "date");
    assert_eq!(
        field("born_precision")["constraints"]["enum"],
        serde_json::json!(["day", "month", "year"])
    );
    assert_eq!(ty("aliases"), "list");
    assert_eq!(field("aliases")["delimiter"], ";");
    assert_eq!(field("aliases")["itemType"], "string");
    assert_eq!(ty("tonnage"), "number");
    assert_eq!(
        actors["schema"]["primaryKey"],
        serde_json::json!(["actor_id"])
    );
    // A foreign key over a list field is left out: Table Schema compares whole cells.
    assert!(res[3]["schema"].get("foreignKeys").is_none());
    // Keys are sorted at every level.
    let text = String::from_utf8(a.files["datapackage.json"].clone()).unwrap();
    assert!(text.find("\"$schema\"").unwrap() < text.find("\"created\"").unwrap());
    assert!(text.ends_with("}\n"));
}

#[test]
fn stages_atomically_and_cleans_stale_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("dist/1.0.0");
    let stale = tmp.path().join("dist/.1.0.0.tmp-999999999");
    fs::create_dir_all(stale.join("data")).unwrap();
    fs::write(stale.join("data/x"), b"half").unwrap();
    let r = release();
    stage::write_atomically(&target, &r).unwrap();
    assert!(!stale.exists());
    let entries: Vec<_> = fs::read_dir(tmp.path().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(entries, ["1.0.0"]);
    assert!(stage::compare(&target, &r).unwrap().is_empty());
    assert!(verify(&target).unwrap().is_empty());
    // A second write refuses the existing folder.
    assert!(stage::write_atomically(&target, &r).is_err());
    // Two folders, identical bytes.
    let other = tmp.path().join("elsewhere/1.0.0");
    stage::write_atomically(&other, &release()).unwrap();
    for (rel, bytes) in &r.files {
        assert_eq!(&fs::read(other.join(rel)).unwrap(), bytes, "{rel}");
    }
}

/// Release 1.0.0 of `input` streamed into the folder `target`.
fn stream_to(
    target: &Path,
    input: &mut Input,
    encoder: &dyn Encoder,
) -> Result<Built, kpdata_release::ReleaseError> {
    stage::write_atomically_with(target, |out| {
        build_into(
            input,
            &Version::new(1, 0, 0),
            &ChangeLog::First,
            encoder,
            out,
            &mut |_| {},
        )
    })
}

#[test]
fn streamed_release_matches_the_one_in_memory_and_a_failure_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("dist/1.0.0");
    let mut input = Input::from_dir(&fixture(), COMMIT_TIME).unwrap();
    let built = stream_to(&target, &mut input, &TextEncoder).unwrap();
    // The CSV bytes are dropped as the frames are built.
    assert!(input.datasets.iter().all(|d| d.data.is_empty()));
    let r = release();
    assert!(stage::compare(&target, &r).unwrap().is_empty());
    assert_eq!(built.rows, r.rows);
    assert_eq!(
        built.files.keys().collect::<Vec<_>>(),
        r.files.keys().collect::<Vec<_>>()
    );
    for (path, w) in &built.files {
        assert_eq!(w.bytes, r.files[path].len() as u64, "{path}");
        assert_eq!(
            w.sha256,
            kpdata_release::sha256_hex(&r.files[path]),
            "{path}"
        );
    }
    // A build that fails half way (here: an encoder error) leaves no folder and no staging.
    struct Failing;
    impl Encoder for Failing {
        fn parquet(&self, frame: &Frame) -> Result<Vec<u8>, String> {
            Err(format!("no parquet for {}", frame.name))
        }
    }
    let again = || Input::from_dir(&fixture(), COMMIT_TIME).unwrap();
    let e = stream_to(&tmp.path().join("dist/2.0.0"), &mut again(), &Failing).unwrap_err();
    assert!(e.to_string().contains("no parquet for actors"), "{e}");
    let entries: Vec<_> = fs::read_dir(tmp.path().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(entries, ["1.0.0"]);
    // Folders the failed run created above its target are removed too.
    let deep = tmp.path().join("new/deeper/1.0.0");
    assert!(stream_to(&deep, &mut again(), &Failing).is_err());
    assert!(!tmp.path().join("new").exists());
}

fn codes_and_paths(dir: &Path) -> Vec<(String, String)> {
    verify(dir)
        .unwrap()
        .into_iter()
        .map(|d| (d.code.to_string(), d.path.unwrap_or_default()))
        .collect()
}

/// Flips one bit of every byte of every file of a tiny release, one at a time: verify must report
/// something, and only about the flipped file. In memory and on both cores to stay fast in
/// debug builds (the on-disk wrapper is exercised by the other tests).
#[test]
fn verify_names_the_right_file_for_every_flipped_bit() {
    use kpdata_release::verify::{verify_files, FileEntry};
    use std::collections::BTreeMap;
    let input = Input::from_dir(&fixture().with_file_name("mini"), COMMIT_TIME).unwrap();
    let r = build(
        &input,
        &Version::new(0, 1, 0),
        &ChangeLog::First,
        &TextEncoder,
        &mut |_| {},
    )
    .unwrap();
    let files: BTreeMap<String, FileEntry> = r
        .files
        .iter()
        .map(|(k, v)| (k.clone(), FileEntry::File(v.clone())))
        .collect();
    assert!(verify_files(&files).is_empty());
    // The generated documentation (README.md, LICENSE, data-dictionary.md) is verified like
    // any file but not flipped bit by bit: its kilobytes of fixed text would add minutes and
    // no case the data files and manifests do not already cover.
    let docs = ["README.md", "LICENSE", "data-dictionary.md"];
    let flipped = |k: &String| !docs.contains(&k.as_str());
    let total: usize = r
        .files
        .iter()
        .filter(|(k, _)| flipped(k))
        .map(|(_, v)| v.len())
        .sum();
    assert!(total < 9_000, "keep the release tiny: {total} bytes");
    let jobs: Vec<(String, usize)> = r
        .files
        .iter()
        .filter(|(k, _)| flipped(k))
        .flat_map(|(k, v)| (0..v.len()).map(move |i| (k.clone(), i)))
        .collect();
    let checked = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for part in jobs.chunks(jobs.len().div_ceil(2)) {
            let (files, checked) = (&files, &checked);
            s.spawn(move || {
                let mut files = files.clone();
                for (rel, i) in part {
                    // One bit per byte, cycling through the eight positions: every byte
                    // of every file, at an eighth of the cost of all 64k flips.
                    let bit = *i % 8;
                    let FileEntry::File(b) = files.get_mut(rel).unwrap() else {
                        unreachable!()
                    };
                    b[*i] ^= 1 << bit;
                    let found: Vec<(&str, String)> = verify_files(&files)
                        .into_iter()
                        .map(|d| (d.code, d.path.unwrap_or_default()))
                        .collect();
                    assert!(
                        !found.is_empty() && found.iter().all(|(_, p)| p == rel),
                        "{rel} byte {i} bit {bit}: {found:?}"
                    );
                    let FileEntry::File(b) = files.get_mut(rel).unwrap() else {
                        unreachable!()
                    };
                    b[*i] ^= 1 << bit;
                    checked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    assert_eq!(checked.into_inner(), total);
}

#[test]
fn verify_reports_missing_extra_truncated_and_duplicated_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    let r = release();
    stage::write_atomically(&dir, &r).unwrap();

    fs::remove_file(dir.join("data/events.json")).unwrap();
    assert_eq!(
        codes_and_paths(&dir),
        [("KP601".into(), "data/events.json".into())]
    );
    fs::write(dir.join("data/events.json"), &r.files["data/events.json"]).unwrap();

    // A file added together with its SHA256SUMS line is still not part of the release.
    let sums0 = String::from_utf8(r.files["SHA256SUMS"].clone()).unwrap();
    fs::write(dir.join("data/added.csv"), b"x").unwrap();
    fs::write(
        dir.join("SHA256SUMS"),
        format!(
            "{sums0}{}  data/added.csv\n",
            kpdata_release::sha256_hex(b"x")
        ),
    )
    .unwrap();
    assert_eq!(
        codes_and_paths(&dir),
        [("KP602".into(), "data/added.csv".into())]
    );
    fs::remove_file(dir.join("data/added.csv")).unwrap();
    fs::write(dir.join("SHA256SUMS"), &sums0).unwrap();

    fs::write(dir.join("data/extra.csv"), b"x").unwrap();
    assert_eq!(
        codes_and_paths(&dir),
        [("KP602".into(), "data/extra.csv".into())]
    );
    fs::remove_file(dir.join("data/extra.csv")).unwrap();

    let full = &r.files["data/actors.parquet"];
    fs::write(dir.join("data/actors.parquet"), &full[..full.len() - 3]).unwrap();
    assert_eq!(
        codes_and_paths(&dir),
        [("KP604".into(), "data/actors.parquet".into())]
    );
    fs::write(dir.join("data/actors.parquet"), full).unwrap();

    let sums = String::from_utf8(r.files["SHA256SUMS"].clone()).unwrap();
    let first = sums.lines().next().unwrap();
    fs::write(dir.join("SHA256SUMS"), format!("{sums}{first}\n")).unwrap();
    assert_eq!(
        codes_and_paths(&dir),
        [("KP605".into(), "SHA256SUMS".into())]
    );
    let escaping = format!("{}  ../outside\n", "0".repeat(64));
    fs::write(dir.join("SHA256SUMS"), format!("{sums}{escaping}")).unwrap();
    assert_eq!(
        codes_and_paths(&dir),
        [("KP606".into(), "SHA256SUMS".into())]
    );
    fs::remove_file(dir.join("SHA256SUMS")).unwrap();
    assert!(codes_and_paths(&dir).contains(&("KP606".into(), "SHA256SUMS".into())));
    fs::write(dir.join("SHA256SUMS"), sums).unwrap();
    assert!(verify(&dir).unwrap().is_empty());
    assert!(verify(&dir.join("SHA256SUMS")).is_err());
}

/// The events dataset of the fixture with its CSV replaced by `csv`.
fn events_with(csv: String) -> kpdata_release::DatasetInput {
    let input = Input::from_dir(&fixture(), COMMIT_TIME).unwrap();
    let mut ds = input
        .datasets
        .into_iter()
        .find(|d| d.dataset.name == "events")
        .unwrap();
    ds.data = csv.into_bytes();
    ds
}

#[test]
fn frames_read_many_batches_in_order_and_refuse_bad_csv() {
    let limits = kpdata_package::Limits::default();
    // Many batches (the CSV is parsed on a second thread, a batch ahead): every row arrives
    // once, in primary-key order, quoted newlines included.
    let mut csv = String::from("event_id,actor_ids,victims,counts,confirmed,summary\n");
    for i in (1..=60_000).rev() {
        csv.push_str(&format!(
            "{i},A001,{},,true,\"line one\nline {i}\"\n",
            i % 7
        ));
    }
    let frame = Frame::from_input(&events_with(csv), &limits).unwrap();
    assert_eq!(frame.len(), 60_000);
    assert_eq!(frame.cell(0, 0), Some("1"));
    assert_eq!(frame.cell(59_999, 0), Some("60000"));
    assert_eq!(frame.cell(41_999, 5), Some("line one\nline 42000"));

    // A structure error and a cell of the wrong type refuse the frame, with the location.
    let header = "event_id,actor_ids,victims,counts,confirmed,summary\n";
    let e = Frame::from_input(
        &events_with(format!("{header}1,A001,,,true,\"open\n")),
        &limits,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("datasets/events.csv line 2"), "{e}");
    let mut late = String::from(header);
    for i in 1..=30_000 {
        late.push_str(&format!("{i},A001,,,true,x\n"));
    }
    late.push_str("30001,A001,many,,true,x\n");
    let e = Frame::from_input(&events_with(late), &limits)
        .unwrap_err()
        .to_string();
    assert!(e.contains("row 30002 (line 30002), field `victims`"), "{e}");
}

/// A package whose source registry cites archived files (one public, one restricted).
fn package_with_sources(dir: &Path, archived: &[u8]) {
    let w = |rel: &str, bytes: &[u8]| {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    };
    w(
        "kpdata.toml",
        br#"[package]
name = "s"
title = "Sourced"
licenses = ["CC-BY-4.0"]
repository = "https://example.org/sourced.git"

[provenance]
registry = "sources"
archive_dir = "datasets/archive"

[[dataset]]
name = "sources"
path = "datasets/sources.csv"
schema = "schemas/sources.schema.json"
primary_key = ["source_id"]
cite = "registry"
"#,
    );
    w(
        "schemas/sources.schema.json",
        br#"{"type": "object", "properties": {
            "source_id": {"type": "string"}, "issued": {"type": "string", "format": "partial-date"},
            "archive_path": {"type": "string"}, "sha256": {"type": "string"},
            "sensitivity": {"type": "string"}}}"#,
    );
    let sha = |b: &[u8]| kpdata_release::sha256_hex(b);
    w(
        "datasets/sources.csv",
        format!(
            "source_id,issued,archive_path,sha256,sensitivity\n\
             src-a,2015,datasets/archive/a/x.txt,{},public\n\
             src-r,,datasets/archive/r.txt,{},restricted\n",
            sha(b"archived text\n"),
            sha(b"restricted\n")
        )
        .as_bytes(),
    );
    w("datasets/archive/a/x.txt", archived);
    w("datasets/archive/r.txt", b"restricted\n");
}

#[test]
fn archived_sources_ship_with_their_registry_sha256() {
    let tmp = tempfile::tempdir().unwrap();
    package_with_sources(tmp.path(), b"archived text\n");
    let input = Input::from_dir(tmp.path(), COMMIT_TIME).unwrap();
    let r = build(
        &input,
        &Version::new(1, 0, 0),
        &ChangeLog::First,
        &TextEncoder,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(r.files["sources/a/x.txt"], b"archived text\n");
    // The archived file of a restricted source row is not published.
    assert!(
        !r.files.keys().any(|k| k.contains("r.txt")),
        "{:?}",
        r.files.keys()
    );
    let dp: serde_json::Value = serde_json::from_slice(&r.files["datapackage.json"]).unwrap();
    assert_eq!(dp["repository"], "https://example.org/sourced.git");
    let res = dp["resources"].as_array().unwrap();
    let src = res.iter().find(|r| r["path"] == "sources/a/x.txt").unwrap();
    assert_eq!(src["name"], "source-a-x.txt");
    assert_eq!(src["type"], "file");
    assert_eq!(
        src["hash"],
        format!("sha256:{}", kpdata_release::sha256_hex(b"archived text\n"))
    );
    assert_eq!(src["x-kpdata-archive-path"], "datasets/archive/a/x.txt");
    let text = |p: &str| String::from_utf8(r.files[p].clone()).unwrap();
    assert!(text("CITATION.cff").contains("repository-code: \"https://example.org/sourced.git\"\n"));
    assert!(text("README.md")
        .contains("| `sources/` | the archived bytes of every cited source (1 file)"));
    assert!(text("LICENSE").contains("archived source files in sources/ are not covered"));
    assert!(text("SHA256SUMS").contains("  sources/a/x.txt\n"));
    // A year-precision date: the span of the year.
    let csv = text("data/sources.csv");
    assert!(
        csv.contains("src-a,2015,2015-01-01,2015-12-31,year,"),
        "{csv}"
    );

    // Archived bytes that differ from the registry's sha256 refuse the release.
    let tmp = tempfile::tempdir().unwrap();
    package_with_sources(tmp.path(), b"archived text, edited\n");
    let e = Input::from_dir(tmp.path(), COMMIT_TIME).unwrap_err();
    assert!(e.to_string().contains("not the registry's"), "{e}");
}

#[test]
fn a_column_named_like_a_typed_date_column_is_refused() {
    let input = Input::from_dir(&fixture(), COMMIT_TIME).unwrap();
    let mut actors = input
        .datasets
        .into_iter()
        .find(|d| d.dataset.name == "actors")
        .unwrap();
    actors.data = b"actor_id,name,kind,born,born_end\nA001,X,person,2015,2015-12-31\n".to_vec();
    let e = Frame::from_input(&actors, &kpdata_package::Limits::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "the release adds the typed date column `born_end`, which the dataset already has"
        ),
        "{e}"
    );
}

/// A foreign key into a dataset with restricted (withheld) rows is not declared: a public row
/// may refer to a row the release does not hold, and the published files could not satisfy it.
#[test]
fn foreign_keys_into_datasets_with_withheld_rows_are_not_declared() {
    let declared = |actors_csv: Option<&str>| {
        let mut input = Input::from_dir(&fixture(), COMMIT_TIME).unwrap();
        for ds in &mut input.datasets {
            if ds.dataset.name == "events" {
                ds.dataset.foreign_keys.push(kpdata_package::ForeignKey {
                    fields: vec!["summary".into()],
                    dataset: "actors".into(),
                    reference: vec!["actor_id".into()],
                });
            }
            if let (true, Some(csv)) = (ds.dataset.name == "actors", actors_csv) {
                ds.data = csv.as_bytes().to_vec();
            }
        }
        let r = build(
            &input,
            &Version::new(1, 0, 0),
            &ChangeLog::First,
            &TextEncoder,
            &mut |_| {},
        )
        .unwrap();
        let dp: serde_json::Value = serde_json::from_slice(&r.files["datapackage.json"]).unwrap();
        let events = dp["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "events")
            .unwrap()
            .clone();
        let dict = String::from_utf8(r.files["data-dictionary.md"].clone()).unwrap();
        (events["schema"].get("foreignKeys").cloned(), dict)
    };
    // The fixture's actors have one restricted row.
    let (fks, dict) = declared(None);
    assert_eq!(fks, None);
    assert!(
        dict.contains(
            "`summary` refers to `actors`.`actor_id` (some referenced rows are restricted"
        ),
        "{dict}"
    );
    // Every actor public: the key is declared.
    let (fks, dict) = declared(Some(
        "actor_id,name,kind,sensitivity\nA001,X,person,public\n",
    ));
    assert_eq!(
        fks,
        Some(
            serde_json::json!([{"fields": ["summary"], "reference": {"resource": "actors", "fields": ["actor_id"]}}])
        )
    );
    assert!(
        dict.contains("- `summary` refers to `actors`.`actor_id`\n"),
        "{dict}"
    );
}
