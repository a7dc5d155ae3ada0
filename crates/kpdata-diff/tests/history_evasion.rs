//! History rules that a change must not evade (issue 20.3): an id changed while the columns
//! are reordered, a published record or a whole dataset withdrawn from publication.

mod common;

use common::*;
use kpdata_diagnostics::Severity;

fn sensitive(csv: &str) -> String {
    let mut out = String::new();
    for (i, line) in csv.lines().enumerate() {
        out.push_str(line);
        out.push_str(if i == 0 {
            ",sensitivity\n"
        } else {
            ",public\n"
        });
    }
    out
}

/// The base with a `sensitivity` column in designations and entities.
fn with_sensitivity(s: &kpdata_git::scratch::Scratch) {
    s.write("datasets/designations.csv", sensitive(DESIGNATIONS))
        .write("datasets/entities.csv", sensitive(ENTITIES))
        .write(
            "schemas/designations.schema.json",
            schema(&[
                ("designation_id", "string"),
                ("entity_id", "string"),
                ("action", "string"),
                ("action_date", "date"),
                ("source_ids", "list"),
                ("sensitivity", "string"),
            ]),
        )
        .write(
            "schemas/entities.schema.json",
            schema(&[
                ("entity_id", "string"),
                ("name", "string"),
                ("kind", "string"),
                ("source_ids", "list"),
                ("sensitivity", "string"),
            ]),
        );
    s.commit("sensitivity").unwrap();
}

#[test]
fn an_id_changed_while_the_columns_are_reordered_is_still_kp502() {
    let (_t, _d, f) = scenario(|s| {
        // Columns reversed, and `ent-3` renamed.
        let mut out = String::new();
        for line in ENTITIES.lines() {
            let mut cells: Vec<&str> = line.split(',').collect();
            cells.reverse();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        s.write("datasets/entities.csv", out.replace(",ent-3", ",ent-kim"));
    });
    assert_eq!(codes(&f), ["KP502"], "{f:#?}");
    assert!(f[0].message.contains("`ent-kim`") && f[0].message.contains("`ent-3`"));
}

#[test]
fn a_published_designation_made_restricted_is_an_error() {
    let (_t, d, f) = scenario(|s| {
        with_sensitivity(s);
        // Restricted, with a new citation (so no KP503 either).
        s.write(
            "datasets/designations.csv",
            sensitive(DESIGNATIONS).replace(
                "des-2,ent-2,listed,2016-03-02,un-2016,public",
                "des-2,ent-2,listed,2016-03-02,un-2016;un-2017,restricted",
            ),
        );
    });
    assert_eq!(codes(&f), ["KP504"], "{f:#?}");
    // The release drops it: a major change, as the release's own view says too.
    assert_eq!(d.required_bump(), kpdata_diff::Bump::Major);
    assert!(d.bump_reasons()[0]
        .reason
        .contains("1 record withdrawn from publication in `designations`"));
    assert_eq!(f[0].severity, Severity::Error);
    assert_eq!(f[0].path.as_deref(), Some("datasets/designations.csv"));
    assert_eq!(f[0].row, Some(3));
    assert_eq!(f[0].field.as_deref(), Some("sensitivity"));
    assert!(f[0].message.contains("`des-2`"), "{}", f[0].message);
}

#[test]
fn another_record_made_restricted_is_a_warning() {
    let (_t, _d, f) = scenario(|s| {
        with_sensitivity(s);
        s.write(
            "datasets/entities.csv",
            sensitive(ENTITIES).replace(
                "ent-3,Kim Jong Un,person,un-2017,public",
                "ent-3,Kim Jong Un,person,un-2017;ofac-2018,restricted",
            ),
        );
    });
    assert_eq!(codes(&f), ["KP505"], "{f:#?}");
    assert_eq!(f[0].severity, Severity::Warning);
    assert_eq!(f[0].row, Some(4));
    // Restricted from the start, or made public: nothing.
    let (_t, _d, f) = scenario(|s| {
        with_sensitivity(s);
        s.write(
            "datasets/entities.csv",
            sensitive(ENTITIES) + "ent-4,Witness,person,un-2017,restricted\n",
        );
    });
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn a_published_dataset_set_to_publish_false_is_a_finding() {
    let (_t, d, f) = scenario(|s| {
        s.write(
            "kpdata.toml",
            MANIFEST.replace(
                "schema = \"schemas/entities.schema.json\"\n",
                "schema = \"schemas/entities.schema.json\"\npublish = false\n",
            ),
        );
    });
    assert_eq!(codes(&f), ["KP506"], "{f:#?}");
    assert_eq!(f[0].path.as_deref(), Some("kpdata.toml"));
    assert!(f[0].message.contains("`entities`"), "{}", f[0].message);
    // The release's view: the dataset is gone, a major change.
    let _ = d;
    let (_t, _d, f) = scenario(|s| {
        s.write(
            "kpdata.toml",
            MANIFEST.replace(
                "schema = \"schemas/designations.schema.json\"\n",
                "schema = \"schemas/designations.schema.json\"\npublish = false\n",
            ),
        );
    });
    assert_eq!(codes(&f), ["KP504", "KP504", "KP504", "KP506"], "{f:#?}");
}
