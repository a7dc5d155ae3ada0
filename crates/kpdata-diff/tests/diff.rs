//! kpdata-diff against scratch git repositories: a base commit, then a head commit (or the
//! working tree) with one kind of change each.

mod common;

use common::*;
use kpdata_diff::{
    diff, render_markdown, render_markdown_with, render_text, Bump, DatasetStatus, DiffReport,
    RenderOptions, Snapshot,
};
use kpdata_git::Repo;

fn dataset<'a>(d: &'a kpdata_diff::PackageDiff, name: &str) -> &'a kpdata_diff::DatasetDiff {
    d.datasets.iter().find(|x| x.name == name).unwrap()
}

#[test]
fn nothing_changed() {
    let (_t, d, f) = scenario(|s| {
        s.write("README.md", "not part of the package\n");
    });
    assert!(d.is_empty());
    assert_eq!(d.required_bump(), Bump::None);
    assert!(f.is_empty());
    assert_eq!(d.datasets.len(), 4);
    assert!(d
        .datasets
        .iter()
        .all(|x| x.status == DatasetStatus::Unchanged));
    assert_eq!(dataset(&d, "designations").summary.unchanged, 3);
    assert_eq!(
        render_markdown(&d, &f),
        "## Dataset changes: base → head\n\nNo dataset changes.\n"
    );
}

#[test]
fn added_records_need_a_minor_bump() {
    let (_t, d, f) = scenario(|s| {
        s.write(
            "datasets/designations.csv",
            format!("{DESIGNATIONS}des-0,ent-1,delisted,2024-01-05,un-2017\n"),
        );
    });
    let ds = dataset(&d, "designations");
    assert_eq!(ds.status, DatasetStatus::Changed);
    assert_eq!(ds.added.len(), 1);
    let a = &ds.added[0];
    assert_eq!(a.key.display(), "des-0");
    assert_eq!((a.row, a.line), (5, 5));
    assert_eq!(a.values.get("action"), Some("delisted"));
    assert_eq!(d.required_bump(), Bump::Minor);
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn changed_records_show_each_field_and_need_a_patch_bump() {
    let (_t, d, f) = scenario(|s| {
        s.write(
            "datasets/designations.csv",
            DESIGNATIONS.replace(
                "des-2,ent-2,listed,2016-03-02,un-2016",
                "des-2,ent-2,listed,2016-03-03,un-2016;un-2017",
            ),
        );
    });
    let ds = dataset(&d, "designations");
    assert_eq!(ds.changed.len(), 1);
    let c = &ds.changed[0];
    assert_eq!(c.key.display(), "des-2");
    assert_eq!((c.base_row, c.row, c.line), (3, 3, 3));
    let fields: Vec<_> = c
        .changes
        .iter()
        .map(|x| (x.field.as_str(), x.old.as_deref(), x.new.as_deref()))
        .collect();
    assert_eq!(
        fields,
        [
            ("action_date", Some("2016-03-02"), Some("2016-03-03")),
            ("source_ids", Some("un-2016"), Some("un-2016;un-2017")),
        ]
    );
    assert_eq!(ds.summary.unchanged, 2);
    assert_eq!(d.required_bump(), Bump::Patch);
    // The citation changed with the value: no KP503.
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn value_changed_without_citation_is_a_warning() {
    let (_t, d, f) = scenario(|s| {
        s.write(
            "datasets/entities.csv",
            ENTITIES.replace("Tanchon Commercial Bank", "Tanchon Bank"),
        );
    });
    assert_eq!(codes(&f), ["KP503"]);
    let w = &f[0];
    assert_eq!(w.severity, kpdata_diagnostics::Severity::Warning);
    assert_eq!(w.path.as_deref(), Some("datasets/entities.csv"));
    assert_eq!((w.row, w.line), (Some(3), Some(3)));
    assert_eq!(w.field.as_deref(), Some("name"));
    assert!(w.message.contains("`ent-2`"), "{}", w.message);
    assert_eq!(d.required_bump(), Bump::Patch);
}

#[test]
fn removed_designation_is_an_error_located_in_the_base() {
    let (_t, d, f) = scenario(|s| {
        s.write(
            "datasets/designations.csv",
            DESIGNATIONS.replace("des-2,ent-2,listed,2016-03-02,un-2016\n", ""),
        );
        // Removing a row elsewhere is a correction: no finding.
        s.write("datasets/notes.csv", "topic,text\nscope,Sanctions only\n");
    });
    assert_eq!(codes(&f), ["KP501"]);
    let e = &f[0];
    assert_eq!(e.path.as_deref(), Some("datasets/designations.csv"));
    assert_eq!((e.row, e.line), (Some(3), Some(3)));
    assert!(e.message.contains("in base"), "{}", e.message);
    assert!(e.hint.as_deref().unwrap().contains("delisted"));
    let removed = &dataset(&d, "designations").removed;
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].values.get("entity_id"), Some("ent-2"));
    assert_eq!(dataset(&d, "notes").removed.len(), 1);
    assert_eq!(d.required_bump(), Bump::Patch);
}

#[test]
fn changed_id_is_an_error_at_the_new_record() {
    let (_t, d, f) = scenario(|s| {
        s.write(
            "datasets/entities.csv",
            ENTITIES.replace("ent-3,", "ent-kim-jong-un,"),
        );
        s.write(
            "datasets/designations.csv",
            DESIGNATIONS.replace("des-1,", "des-un-1,"),
        );
    });
    assert_eq!(codes(&f), ["KP502", "KP502"], "{f:#?}");
    let ent = f
        .iter()
        .find(|x| x.path.as_deref() == Some("datasets/entities.csv"))
        .unwrap();
    assert_eq!((ent.row, ent.line), (Some(4), Some(4)));
    assert!(ent.message.contains("`ent-kim-jong-un`") && ent.message.contains("`ent-3`"));
    // A renamed designation is KP502, not also KP501.
    assert!(!codes(&f).contains(&"KP501"));
    assert_eq!(dataset(&d, "entities").added.len(), 1);
    assert_eq!(dataset(&d, "entities").removed.len(), 1);
}

#[test]
fn schema_changes_come_first_and_set_the_bump() {
    // Field added: minor.
    let (_t, d, _) = scenario(|s| {
        s.write(
            "schemas/notes.schema.json",
            schema(&[("topic", "string"), ("text", "string"), ("lang", "string")]),
        );
    });
    let s = &dataset(&d, "notes").schema;
    assert_eq!(s.fields_added.len(), 1);
    assert_eq!(
        (
            s.fields_added[0].name.as_str(),
            s.fields_added[0].ty.as_str()
        ),
        ("lang", "string")
    );
    assert_eq!(d.required_bump(), Bump::Minor);

    // Field retyped (type or format): major.
    let (_t, d, _) = scenario(|s| {
        s.write(
            "schemas/designations.schema.json",
            schema(&[
                ("designation_id", "string"),
                ("entity_id", "string"),
                ("action", "string"),
                ("action_date", "string"),
                ("source_ids", "list"),
            ]),
        );
    });
    let r = &dataset(&d, "designations").schema.fields_retyped;
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].old.as_str(), r[0].new.as_str()),
        ("string (date)", "string")
    );
    assert_eq!(d.required_bump(), Bump::Major);

    // Field removed (schema and column): major; records are compared on the other columns.
    let (_t, d, f) = scenario(|s| {
        s.write("schemas/notes.schema.json", schema(&[("topic", "string")]));
        s.write("datasets/notes.csv", "topic\nscope\nlanguage\n");
    });
    let n = dataset(&d, "notes");
    assert_eq!(n.schema.fields_removed[0].name, "text");
    assert_eq!((n.added.len(), n.removed.len(), n.changed.len()), (0, 0, 0));
    assert_eq!(d.required_bump(), Bump::Major);
    assert!(f.is_empty());
    let md = render_markdown(&d, &f);
    assert!(md.contains("- field removed: `text` (string)"), "{md}");
    assert!(d.bump_reasons()[0]
        .reason
        .contains("1 field removed from `notes`: `text`"));
}

#[test]
fn datasets_added_and_removed() {
    let (_t, d, f) = scenario(|s| {
        let m = MANIFEST.replace(
            "[[dataset]]\nname = \"notes\"",
            "[[dataset]]\nname = \"vessels\"\npath = \"datasets/vessels.csv\"\nschema = \"schemas/vessels.schema.json\"\nprimary_key = [\"imo\"]\n\n[[dataset]]\nname = \"notes\"",
        );
        s.write("kpdata.toml", &m);
        s.write("schemas/vessels.schema.json", schema(&[("imo", "string")]));
        s.write("datasets/vessels.csv", "imo\n9000001\n9000002\n");
    });
    let v = dataset(&d, "vessels");
    assert_eq!(v.status, DatasetStatus::Added);
    assert_eq!(v.summary.added, 2);
    assert_eq!(d.required_bump(), Bump::Minor);
    assert!(f.is_empty());

    let (_t, d, _) = scenario(|s| {
        let start = MANIFEST.find("[[dataset]]\nname = \"notes\"").unwrap();
        s.write("kpdata.toml", &MANIFEST[..start]);
    });
    let n = dataset(&d, "notes");
    assert_eq!(n.status, DatasetStatus::Removed);
    assert_eq!(n.summary.removed, 2);
    assert_eq!(d.required_bump(), Bump::Major);
}

#[test]
fn removing_the_designations_dataset_reports_every_row() {
    let (_t, _d, f) = scenario(|s| {
        let m = MANIFEST.replace(
            "[[dataset]]\nname = \"designations\"\npath = \"datasets/designations.csv\"\nschema = \"schemas/designations.schema.json\"\nprimary_key = [\"designation_id\"]\n\n",
            "",
        );
        s.write("kpdata.toml", &m);
    });
    assert_eq!(codes(&f), ["KP501", "KP501", "KP501"]);
}

#[test]
fn datasets_without_a_key_match_whole_rows_and_keys_sort() {
    let (_t, d, _) = scenario(|s| {
        s.write(
            "datasets/notes.csv",
            "topic,text\nscope,Sanctions and human rights\nlanguage,English\naudience,Researchers\n",
        );
        s.write(
            "datasets/designations.csv",
            format!("{DESIGNATIONS}des-9,ent-1,listed,2018-01-01,un-2017\ndes-10,ent-2,listed,2018-01-01,un-2017\n"),
        );
    });
    let n = dataset(&d, "notes");
    assert!(n.changed.is_empty());
    let keys =
        |v: &[kpdata_diff::RecordEntry]| v.iter().map(|e| e.key.display()).collect::<Vec<_>>();
    assert_eq!(
        keys(&n.added),
        ["audience, Researchers", "scope, Sanctions and human rights"]
    );
    assert_eq!(keys(&n.removed), ["scope, Sanctions only"]);
    assert_eq!(
        keys(&dataset(&d, "designations").added),
        ["des-10", "des-9"]
    );
}

#[test]
fn composite_keys_and_physical_lines() {
    let t = tempfile::tempdir().unwrap();
    let s = base(t.path());
    s.write(
        "kpdata.toml",
        MANIFEST.replace(
            "cite = \"optional\"",
            "cite = \"optional\"\nprimary_key = [\"topic\", \"text\"]",
        ),
    );
    s.commit("composite key").unwrap();
    // CRLF line ends and a quoted two-line value: rows and lines part ways.
    s.write(
        "datasets/notes.csv",
        "topic,text\r\nscope,\"Sanctions\r\nonly\"\r\nlanguage,English\r\nscope,Human rights\r\n",
    );
    s.commit("edit").unwrap();
    let (d, _) = diff_commits(&s);
    let n = dataset(&d, "notes");
    assert_eq!(n.primary_key, ["topic", "text"]);
    let added: Vec<_> = n
        .added
        .iter()
        .map(|e| (e.key.display(), e.row, e.line))
        .collect();
    assert_eq!(
        added,
        [
            ("scope, Human rights".to_string(), 4, 5),
            ("scope, Sanctions\r\nonly".to_string(), 2, 2),
        ]
    );
}

#[test]
fn working_tree_head_equals_committed_head() {
    let t = tempfile::tempdir().unwrap();
    let s = base(t.path());
    s.write(
        "datasets/entities.csv",
        ENTITIES.replace("person", "individual"),
    );
    let repo = Repo::discover(s.dir()).unwrap();
    let mut b = Snapshot::at_revision(&repo, "HEAD").unwrap();
    let mut w = Snapshot::from_worktree(s.dir()).unwrap();
    assert_eq!(w.label, "working tree");
    assert!(b.label.starts_with("HEAD ("), "{}", b.label);
    let from_tree = diff(&b, &w);
    s.commit("head").unwrap();
    let mut h = Snapshot::at_revision(&repo, "HEAD").unwrap();
    b.label = "x".into();
    w.label = "y".into();
    h.label = "y".into();
    let mut from_tree = from_tree;
    from_tree.base = "x".into();
    from_tree.head = "y".into();
    assert_eq!(from_tree, diff(&b, &h));
    assert_eq!(from_tree, diff(&b, &w));
    assert_eq!(dataset(&from_tree, "entities").changed.len(), 1);
}

#[test]
fn load_failures_say_what_to_do() {
    let t = tempfile::tempdir().unwrap();
    let s = base(t.path());
    let repo = Repo::discover(s.dir()).unwrap();
    let e = Snapshot::at_revision(&repo, "no-such-branch").unwrap_err();
    assert!(
        e.message.contains("unknown revision `no-such-branch`"),
        "{e}"
    );
    assert!(e.hint.as_deref().unwrap().contains("fetch-depth: 0"));

    s.remove("datasets/notes.csv");
    s.commit("lost a file").unwrap();
    let e = Snapshot::at_revision(&repo, "HEAD").unwrap_err();
    assert!(
        e.message
            .contains("`datasets/notes.csv` does not exist at `HEAD ("),
        "{e}"
    );

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/passwd", s.dir().join("datasets/notes.csv")).unwrap();
        s.commit("a link").unwrap();
        let e = Snapshot::at_revision(&repo, "HEAD").unwrap_err();
        assert!(e.message.contains("symbolic link"), "{e}");
        assert!(Snapshot::from_worktree(s.dir()).is_err());
    }
}

#[test]
fn json_datasets_are_compared_too() {
    let (_t, d, _) = scenario(|s| {
        s.write(
            "kpdata.toml",
            MANIFEST.replace("datasets/notes.csv", "datasets/notes.json"),
        );
        s.write(
            "datasets/notes.json",
            r#"[{"topic": "scope", "text": "Sanctions only"}, {"topic": "language", "text": "Korean"}]"#,
        );
    });
    let n = dataset(&d, "notes");
    assert_eq!(n.path, "datasets/notes.json");
    assert_eq!(n.base_path.as_deref(), Some("datasets/notes.csv"));
    assert_eq!(n.added.len(), 1);
    assert_eq!(n.added[0].values.get("text"), Some("Korean"));
    assert_eq!((n.added[0].row, n.added[0].line), (2, 0));
}

/// Every kind of change at once: the snapshots below are what a reviewer reads.
fn everything() -> (
    tempfile::TempDir,
    kpdata_diff::PackageDiff,
    Vec<kpdata_diagnostics::Diagnostic>,
) {
    scenario(|s| {
        s.write(
            "datasets/designations.csv",
            "designation_id,entity_id,action,action_date,source_ids\n\
             des-1,ent-1,listed,2016-03-02,un-2016\n\
             des-3,ent-3,listed,2017-08-05,un-2017\n\
             des-4,ent-1,delisted,2024-01-05,ofac-2018\n",
        );
        s.write(
            "datasets/entities.csv",
            "entity_id,name,kind,source_ids\n\
             ent-1,Korea Mining Development Trading Corporation (KOMID),organization,un-2016\n\
             ent-2,Tanchon Commercial Bank,organization,un-2016;ofac-2018\n\
             ent-kju,Kim Jong Un,person,un-2017\n",
        );
        s.write(
            "schemas/notes.schema.json",
            schema(&[("topic", "string"), ("text", "string"), ("lang", "string")]),
        );
    })
}

#[test]
fn markdown_snapshot() {
    let (_t, d, f) = everything();
    insta::assert_snapshot!(render_markdown(&d, &f));
}

#[test]
fn text_snapshot() {
    let (_t, d, f) = everything();
    insta::assert_snapshot!(render_text(&d, &f));
}

#[test]
fn json_snapshot() {
    let (_t, d, f) = everything();
    insta::assert_json_snapshot!(DiffReport::new(&d, &f));
}

#[test]
fn markdown_caps_long_lists() {
    let (_t, d, f) = scenario(|s| {
        let mut csv = DESIGNATIONS.to_string();
        for i in 0..60 {
            csv.push_str(&format!("des-x{i:02},ent-1,listed,2020-01-01,un-2017\n"));
        }
        s.write("datasets/designations.csv", csv);
    });
    let md = render_markdown(&d, &f);
    assert!(md.contains("…and 10 more added records"), "{md}");
    assert!(md.contains("des-x49") && !md.contains("des-x50"));
    let all = render_markdown_with(
        &d,
        &f,
        &RenderOptions {
            max_records: 0,
            ..RenderOptions::markdown()
        },
    );
    assert!(all.contains("des-x59") && !all.contains("more added"));
    assert!(render_text(&d, &f).contains("des-x59"));
    let small = render_markdown_with(
        &d,
        &f,
        &RenderOptions {
            max_bytes: 2000,
            ..RenderOptions::markdown()
        },
    );
    assert!(small.len() <= 2000, "{}", small.len());
    assert!(
        small.ends_with("`kpdata diff --format json` lists every change.\n"),
        "{small}"
    );
}

#[test]
fn hostile_cells_are_escaped_everywhere() {
    let evil = "::error::x @octocat <script>alert(1)</script> ##[warning]y line\nbreak \u{202E}txt.exe | `code`";
    let (_t, d, f) = scenario(|s| {
        let quoted = format!("\"{evil}\"");
        s.write(
            "datasets/entities.csv",
            ENTITIES
                .replace("Tanchon Commercial Bank", &quoted)
                .replace(
                    "ent-3,",
                    &format!("{},", quoted.replace("::error::x", "::warning::k")),
                ),
        );
        s.write(
            "datasets/notes.csv",
            format!("{NOTES}\"::error::z\",\"@octocat\n::notice::n\"\n"),
        );
    });
    assert!(!f.is_empty());
    for (name, out) in [
        ("markdown", render_markdown(&d, &f)),
        ("text", render_text(&d, &f)),
    ] {
        for line in out.lines() {
            assert!(!line.trim_start().starts_with("::"), "{name}: {line}");
            assert!(!line.contains("##["), "{name}: {line}");
        }
        assert!(!out.contains('\u{202E}'), "{name}");
        assert!(out.contains("\\u{202E}"), "{name}");
        assert!(
            !out.contains("break \u{202E}") && !out.contains("line\nbreak"),
            "{name}"
        );
        if name == "markdown" {
            assert!(!out.contains("@octocat"), "{out}");
            assert!(!out.contains("<script>"), "{out}");
            assert!(out.contains("&lt;script&gt;"));
            assert!(out.contains("\\|") && out.contains("\\`code\\`"));
            // Every table row still has its columns.
            for line in out.lines().filter(|l| l.starts_with("| ")) {
                let cols = line.matches(" | ").count();
                assert!(cols == 2 || cols == 4 || cols == 5, "{line}");
            }
        }
    }
    let json = serde_json::to_string(&DiffReport::new(&d, &f)).unwrap();
    assert!(
        json.contains("\\u202e") || json.contains('\u{202E}'),
        "JSON keeps the data as it is"
    );
}

#[test]
fn findings_are_deterministic() {
    let (_t, d1, f1) = everything();
    let (_t2, d2, f2) = everything();
    assert_eq!(d1, d2);
    assert_eq!(f1, f2);
}

#[test]
fn published_snapshots_leave_out_restricted_rows_and_internal_datasets() {
    let t = tempfile::tempdir().unwrap();
    let s = base(t.path());
    s.write(
        "kpdata.toml",
        MANIFEST.replace(
            "cite = \"optional\"",
            "cite = \"optional\"\npublish = false",
        ),
    );
    s.write(
        "datasets/entities.csv",
        "entity_id,name,kind,source_ids,sensitivity\n\
         ent-1,Korea Mining Development Trading Corporation,organization,un-2016,public\n\
         ent-2,Tanchon Commercial Bank,organization,un-2016,public\n\
         ent-3,Kim Jong Un,person,un-2017,public\n",
    );
    s.commit("sensitivity").unwrap();
    s.write(
        "datasets/entities.csv",
        "entity_id,name,kind,source_ids,sensitivity\n\
         ent-1,Korea Mining Development Trading Corporation,organization,un-2016,public\n\
         ent-2,Tanchon Commercial Bank,organization,un-2016,restricted\n\
         ent-3,Kim Jong Un,person,un-2017,public\n\
         ent-4,A Witness,person,un-2017,restricted\n\
         ent-5,Ri Su Yong,person,un-2017,public\n",
    );
    s.write("datasets/notes.csv", "topic,text\nsecret,internal note\n");
    s.commit("head").unwrap();
    let repo = Repo::discover(s.dir()).unwrap();
    let b = Snapshot::at_revision(&repo, "HEAD~1").unwrap().published();
    let h = Snapshot::at_revision(&repo, "HEAD").unwrap().published();
    assert!(!h.tables.contains_key("notes") && !h.schemas.contains_key("notes"));
    let d = diff(&b, &h);
    let md = render_markdown(&d, &[]);
    assert!(
        !md.contains("Witness") && !md.contains("internal note"),
        "{md}"
    );
    let e = dataset(&d, "entities");
    let keys =
        |v: &[kpdata_diff::RecordEntry]| v.iter().map(|e| e.key.display()).collect::<Vec<_>>();
    // ent-2 turned restricted: for the release it is gone. ent-5 is new and public.
    assert_eq!(keys(&e.removed), ["ent-2"]);
    assert_eq!(keys(&e.added), ["ent-5"]);
    assert_eq!((e.added[0].row, e.added[0].line), (6, 6));
    assert!(e.changed.is_empty());
}
