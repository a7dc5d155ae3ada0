//! Rule changes (`kpdata diff --rules`): every way a pull request can relax the rules its
//! data is judged by is listed as loosening, record by record.

use kpdata_diff::rules::{render_rules_markdown, rule_changes, rule_findings, Effect, RuleChange};
use kpdata_diff::{diff, Snapshot};
use kpdata_git::scratch::Scratch;
use kpdata_git::Repo;

const MANIFEST: &str = r#"[package]
name = "rules-test"
title = "Rules test"

[limits]
field_size = 1000

[[dataset]]
name = "vocab_kinds"
path = "datasets/kinds.csv"
schema = "schemas/kinds.schema.json"
primary_key = ["key"]
cite = "optional"

[[dataset]]
name = "things"
path = "datasets/things.csv"
schema = "schemas/things.schema.json"
primary_key = ["thing_id"]
unique = [["name", "kind"]]
cite = "optional"
require_quote = true
event_dates = ["date"]
[[dataset.foreign_key]]
fields = ["kind"]
dataset = "vocab_kinds"
reference = ["key"]
"#;

const THINGS_SCHEMA: &str = r#"{
  "type": "object",
  "additionalProperties": false,
  "required": ["thing_id", "name", "kind"],
  "properties": {
    "thing_id": {"type": "string", "pattern": "^T[0-9]{3}$", "x-kind": "id"},
    "name": {"type": "string", "minLength": 2, "maxLength": 50, "x-kind": "name"},
    "kind": {"type": "string", "description": "A key of vocab_kinds"},
    "date": {"type": "string", "format": "partial-date"},
    "status": {"type": "string", "enum": ["open", "closed"]},
    "count": {"type": "integer", "minimum": 0},
    "not_x": {"type": "string", "not": {"pattern": "^x"}}
  }
}
"#;

const KINDS_SCHEMA: &str =
    r#"{"type": "object", "properties": {"key": {"type": "string"}, "label": {"type": "string"}}}"#;

fn base(dir: &std::path::Path) -> Scratch {
    let s = Scratch::init(dir).unwrap();
    s.write("kpdata.toml", MANIFEST)
        .write("schemas/things.schema.json", THINGS_SCHEMA)
        .write("schemas/kinds.schema.json", KINDS_SCHEMA)
        .write(
            "datasets/kinds.csv",
            "key,label\nperson,Person\nship,Ship\n",
        )
        .write(
            "datasets/things.csv",
            "thing_id,name,kind,date,status,count,not_x\nT001,Alpha,person,,open,1,\n",
        );
    s.commit("base").unwrap();
    s
}

fn changes(edit: impl FnOnce(&Scratch)) -> Vec<RuleChange> {
    let t = tempfile::tempdir().unwrap();
    let s = base(t.path());
    edit(&s);
    s.commit("head").unwrap();
    let repo = Repo::discover(s.dir()).unwrap();
    let b = Snapshot::at_revision(&repo, "HEAD~1").unwrap();
    let h = Snapshot::at_revision(&repo, "HEAD").unwrap();
    rule_changes(&b, &h, &diff(&b, &h))
}

fn loosened(c: &[RuleChange]) -> Vec<String> {
    c.iter()
        .filter(|c| c.effect == Effect::Loosens)
        .map(|c| format!("{} {} {}", c.file, c.pointer, c.what))
        .collect()
}

fn schema_edit(from: &str, to: &str) -> impl FnOnce(&Scratch) {
    let text = THINGS_SCHEMA.replacen(from, to, 1);
    assert_ne!(text, THINGS_SCHEMA, "{from} not in the schema");
    move |s: &Scratch| {
        s.write("schemas/things.schema.json", text);
    }
}

#[test]
fn data_only_changes_are_no_rule_changes() {
    let c = changes(|s| {
        s.write(
            "datasets/things.csv",
            "thing_id,name,kind,date,status,count,not_x\nT001,Alpha,person,,open,1,\nT002,Beta,ship,,closed,0,\n",
        );
        // A description is documentation, not a rule.
        s.write(
            "schemas/things.schema.json",
            THINGS_SCHEMA.replace("A key of vocab_kinds", "Key of `vocab_kinds`"),
        );
    });
    assert!(c.is_empty(), "{c:#?}");
}

#[test]
fn each_loosening_schema_change_is_listed_where_it_is() {
    let cases: &[(&str, &str, &str)] = &[
        ("^T[0-9]{3}$", "^T[0-9]+$", "/properties/thing_id/pattern"),
        (
            r#""open", "closed""#,
            r#""open", "closed", "void""#,
            "/properties/status/enum",
        ),
        (
            r#""thing_id", "name", "kind""#,
            r#""thing_id", "name""#,
            "/required",
        ),
        (
            r#""minLength": 2"#,
            r#""minLength": 1"#,
            "/properties/name/minLength",
        ),
        (
            r#""maxLength": 50"#,
            r#""maxLength": 500"#,
            "/properties/name/maxLength",
        ),
        (
            r#", "format": "partial-date""#,
            "",
            "/properties/date/format",
        ),
        (
            r#""additionalProperties": false,"#,
            "",
            "/additionalProperties",
        ),
        (
            r#""type": "integer", "minimum": 0"#,
            r#""type": ["integer", "null"], "minimum": 0"#,
            "/properties/count/type",
        ),
        (
            r#""x-kind": "name""#,
            r#""x-kind": "text""#,
            "/properties/name/x-kind",
        ),
        // Under `not`, a narrower pattern rejects less: the field accepts more.
        (
            r#""not": {"pattern": "^x"}"#,
            r#""not": {"pattern": "^xyz"}"#,
            "/properties/not_x/not/pattern",
        ),
    ];
    for (from, to, pointer) in cases {
        let c = changes(schema_edit(from, to));
        let l = loosened(&c);
        assert!(
            l.iter()
                .any(|x| x.starts_with(&format!("schemas/things.schema.json {pointer} "))),
            "{from} → {to}: {c:#?}"
        );
    }
}

#[test]
fn widened_pattern_names_a_value_it_now_accepts() {
    let c = changes(schema_edit("^T[0-9]{3}$", "^T[0-9]+$"));
    assert_eq!(c.len(), 1, "{c:#?}");
    assert!(c[0].what.contains("(e.g. `T0`)"), "{}", c[0].what);
    let f = rule_findings(&c);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].code, f[0].path.as_deref()),
        ("KP509", Some("schemas/things.schema.json"))
    );
}

#[test]
fn tightening_is_not_loosening() {
    for (from, to) in [
        ("^T[0-9]{3}$", "^T00[0-9]$"),
        (r#""open", "closed""#, r#""open""#),
        (r#""minLength": 2"#, r#""minLength": 3"#),
        ("\"minimum\": 0", "\"minimum\": 1"),
    ] {
        let c = changes(schema_edit(from, to));
        assert!(loosened(&c).is_empty(), "{from} → {to}: {c:#?}");
        assert!(c.iter().any(|c| c.effect == Effect::Tightens), "{c:#?}");
    }
    // A rewrite that accepts the same values is listed as neither.
    let c = changes(schema_edit("^T[0-9]{3}$", "^T[0-9][0-9][0-9]$"));
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].effect, Effect::Changes);
}

#[test]
fn manifest_loosening_is_listed_per_dataset() {
    let edits: &[(&str, &str, &str)] = &[
        ("cite = \"optional\"\nrequire_quote = true", "cite = \"optional\"", "require_quote"),
        ("event_dates = [\"date\"]\n", "", "no longer judged"),
        ("unique = [[\"name\", \"kind\"]]\n", "", "uniqueness of (name, kind)"),
        ("[[dataset.foreign_key]]\nfields = [\"kind\"]\ndataset = \"vocab_kinds\"\nreference = [\"key\"]\n", "", "foreign key (kind)"),
        ("primary_key = [\"thing_id\"]\n", "primary_key = [\"thing_id\", \"name\"]\n", "uniqueness of (thing_id)"),
        ("field_size = 1000", "field_size = 100000", "field_size"),
        ("require_quote = true\n", "require_quote = true\npublish = false\n", "unpublished"),
    ];
    for (from, to, expect) in edits {
        let m = MANIFEST.replacen(from, to, 1);
        assert_ne!(m, MANIFEST, "{from}");
        let c = changes(|s| {
            s.write("kpdata.toml", m);
        });
        let l = loosened(&c);
        assert!(
            l.iter()
                .any(|x| x.starts_with("kpdata.toml ") && x.contains(expect)),
            "{from} → {to}: {c:#?}"
        );
    }
}

#[test]
fn a_vocabulary_value_added_is_an_enum_value_added() {
    let c = changes(|s| {
        s.write(
            "datasets/kinds.csv",
            "key,label\nperson,Person\nship,Ship\nanything,Anything\n",
        );
    });
    let l = loosened(&c);
    assert_eq!(l.len(), 1, "{c:#?}");
    assert!(l[0].starts_with("datasets/kinds.csv anything "), "{l:?}");
    assert!(l[0].contains("now accepted in `things.kind`"), "{l:?}");
    // The KP509 annotation lands on the added row.
    let f = rule_findings(&c);
    assert_eq!((f[0].row, f[0].line), (Some(4), Some(4)), "{f:?}");
    // Not a vocabulary (cites are required): a row added to it is just data.
}

#[test]
fn markdown_escapes_values_from_the_schema() {
    let c = changes(schema_edit(
        r#""open", "closed""#,
        r#""open", "closed", "@octocat <b>|x</b>\n::error::y""#,
    ));
    let md = render_rules_markdown("base", "head", &c);
    assert!(!md.contains("<b>"), "{md}");
    assert!(!md.contains("@octocat"), "{md}");
    for line in md.lines() {
        assert!(!line.trim_start().starts_with("::"), "{md}");
        if line.starts_with("| ") {
            // Five unescaped pipes: the table is intact.
            let bars = line
                .char_indices()
                .filter(|&(i, c)| c == '|' && !line[..i].ends_with('\\'))
                .count();
            assert_eq!(bars, 5, "{line}");
        }
    }
    assert!(md.contains("**1 loosen a constraint**"), "{md}");
}
