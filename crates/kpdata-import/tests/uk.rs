//! The UK consolidated list importer on the real archived snapshots: both file forms read the
//! same way twice, a sample of parsed rows pinned, the UN references that link UK entries to
//! UN actors, the history between snapshots, and refusal of a header that differs.

use std::io::{Read, Write};
use std::path::PathBuf;

use kpdata_import::{uk, Table};

fn archived(path: &str) -> Option<Vec<u8>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read(root.join("datasets/archive").join(path))
        .or_else(|_| std::fs::read(root.join("../shared/sources/raw").join(path)))
        .ok()
}

fn table<'a>(t: &'a [Table], name: &str) -> &'a Table {
    t.iter().find(|x| x.name == name).unwrap()
}

fn cells(t: &Table, id: &str, cols: &[&str]) -> Vec<String> {
    let r = t
        .rows
        .iter()
        .find(|r| r[0] == id)
        .unwrap_or_else(|| panic!("no {id}"));
    cols.iter()
        .map(|c| r[t.header.iter().position(|h| h == c).unwrap()].clone())
        .collect()
}

#[test]
fn both_forms_are_read_reproducibly_and_a_sample_is_pinned() {
    let (Some(x25), Some(c18), Some(c14)) = (
        archived("uk/ofsi_conlist_2025-04-14.xlsx"),
        archived("uk/ofsi_conlist_2018-04-13.csv"),
        archived("uk/hmt_conlist_2014-04-02.csv"),
    ) else {
        return;
    };
    let snaps = || {
        vec![
            (uk::read(&c14, false).unwrap(), "s14".to_string()),
            (uk::read(&c18, false).unwrap(), "s18".to_string()),
            (uk::read(&x25, true).unwrap(), "s25".to_string()),
        ]
    };
    let (a, b) = (uk::import(&snaps()).unwrap(), uk::import(&snaps()).unwrap());
    assert_eq!(a, b);
    let s = snaps();
    assert_eq!(
        [
            s[0].0.as_of.as_str(),
            s[1].0.as_of.as_str(),
            s[2].0.as_of.as_str()
        ],
        ["2014-04-02", "2018-04-13", "2025-04-14"]
    );
    // The rows of each snapshot's DPRK regime (PROVENANCE.md: 209, 574, 789).
    assert_eq!(
        [s[0].0.rows.len(), s[1].0.rows.len(), s[2].0.rows.len()],
        [209, 574, 789]
    );

    let actors = table(&a, "actors");
    assert_eq!(actors.rows.len(), 239 + 11 + 5);
    let d = table(&a, "designations");
    let listed_2025 = d
        .rows
        .iter()
        .filter(|r| r[0].ends_with("-listed") && r[r.len() - 2] == "s25")
        .count();
    assert_eq!(listed_2025, 239);
    // Group 13590 (2025 rows: "AN Jong Hyuk", primary; "AN Jong Hyok", variation).
    let c = |t: &str, id: &str, cols: &[&str]| cells(table(&a, t), id, cols);
    assert_eq!(
        c(
            "actors",
            "act-uk-13590",
            &["actor_type", "primary_name", "title", "nationality"]
        ),
        ["person", "Jong Hyuk AN", "Diplomat", "North Korea"]
    );
    assert_eq!(
        c(
            "actor_names",
            "nam-uk-13590-1",
            &["name", "name_type", "source_quality"]
        ),
        ["Jong Hyok AN", "name_variation", "Primary name variation"]
    );
    assert_eq!(
        c(
            "designations",
            "des-uk-13590-listed",
            &["action", "action_date", "date_kind"]
        ),
        ["listed", "2018-01-22", "listed_on"]
    );
    assert_eq!(
        c(
            "designations",
            "des-uk-13590-designated",
            &["action_date", "date_kind"]
        ),
        ["2020-12-31", "uk_designated"]
    );
    assert_eq!(
        c(
            "designations",
            "des-uk-13590-first-seen-2018-04-13",
            &[
                "action",
                "date_kind",
                "window_start",
                "window_end",
                "source_ids"
            ]
        ),
        [
            "listed",
            "first_seen_in_list",
            "2014-04-02",
            "2018-04-13",
            "s14;s18"
        ]
    );
    assert_eq!(
        c(
            "actor_facts",
            "fct-uk-13590-dob-1",
            &["value", "date", "date_qualifier"]
        ),
        ["14/03/1970", "1970-03-14", "exact"]
    );
    assert_eq!(
        c(
            "actor_identifiers",
            "idn-uk-13590-passport-563410155",
            &["scheme", "value"]
        ),
        ["passport", "563410155"]
    );
    // A removal is an action with its window, never a deleted row.
    let removed: Vec<&Vec<String>> = d
        .rows
        .iter()
        .filter(|r| r[0].contains("-removed-"))
        .collect();
    assert_eq!(removed.len(), 16);
    assert!(removed.iter().all(|r| r.contains(&"delisted".to_string())
        && r.contains(&"first_absent_from_list".to_string())));

    // UN references: 170 groups state one; each is a 1718 reference.
    let ids = table(&a, "actor_identifiers");
    let un: Vec<&Vec<String>> = ids.rows.iter().filter(|r| r[2] == "un_ref").collect();
    assert_eq!(un.len(), 170);
    assert_eq!(
        c(
            "actor_identifiers",
            "idn-uk-10892-un-ref-kpe-001",
            &["actor_id", "value"]
        ),
        ["act-uk-10892", "KPe.001"]
    );
}

#[test]
fn a_header_that_differs_is_refused_naming_the_column() {
    let Some(x25) = archived("uk/ofsi_conlist_2025-04-14.xlsx") else {
        return;
    };
    // The same workbook with the header cell "Group ID" renamed.
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(&x25)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == "xl/sharedStrings.xml" {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains(">Group ID<"));
            bytes = text.replace(">Group ID<", ">Group Ident<").into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    let bad = out.finish().unwrap().into_inner();
    let e = uk::read(&bad, true).err().expect("refused");
    assert!(e.message.contains("\"Group Ident\""), "{}", e.message);
    // A CSV without a required column names it.
    let csv = b"Last Updated,02/04/2014\nName 6,Name 1\nX,Y\n";
    let e = uk::read(csv, false).err().expect("refused");
    assert!(
        e.message.contains("lacks the column \"Name 2\""),
        "{}",
        e.message
    );
    // Not the list at all.
    assert!(uk::read(b"hello", false).is_err());
    assert!(uk::read(b"PK\x03\x04junk", true).is_err());
}
