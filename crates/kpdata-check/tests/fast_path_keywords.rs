//! The keywords the fast path compiles that need more than one cell or subschema at a time:
//! recursive `$ref`s and `unevaluatedProperties` (the generated schemas of `fast_path.rs` use
//! them too; these pin the reasons and the annotation rules on small examples).

use kpdata_check::fast::{FastSchema, Verdict};
use kpdata_check::schema::CompiledSchema;
use kpdata_package::RecordSchema;
use serde_json::{json, Map, Value};

#[test]
fn a_value_level_cycle_through_items_compiles_and_one_that_does_not_descend_is_delegated() {
    let s = json!({"type": "object", "$defs": {
            "tree": {"type": ["string", "array"], "items": {"$ref": "#/$defs/tree"}, "maxLength": 2},
            "loop": {"anyOf": [{"maxLength": 2}, {"$ref": "#/$defs/loop"}]}},
        "properties": {
            "a": {"type": "array", "x-separator": ";", "items": {"$ref": "#/$defs/tree"}},
            "b": {"$ref": "#/$defs/loop"}}});
    let schema = RecordSchema::from_value("s.json", s).unwrap();
    let a = FastSchema::analyse(&schema);
    let fast = a.fast.expect("compiled");
    assert_eq!(a.notes.len(), 1, "{:?}", a.notes);
    assert_eq!(a.notes[0].pointer, "/$defs/loop");
    assert!(a.notes[0].reason.contains("cycle"), "{:?}", a.notes);
    assert!(a.notes[0].effect.contains("one cell at a time"));
    let cells = ["ab;c", "x"];
    assert_eq!(fast.verdict(|i| Some(cells[i])), Verdict::Valid);
    let cells = ["ab;abc", "x"];
    assert_eq!(fast.verdict(|i| Some(cells[i])), Verdict::Invalid);
}

#[test]
fn unevaluated_properties_see_only_what_valid_subschemas_evaluate() {
    let s = json!({"type": "object",
        "properties": {"kind": {"type": "string"}, "imo": {"type": "string"}, "dob": {"type": "string"}},
        "if": {"properties": {"kind": {"const": "vessel"}}},
        "then": {"properties": {"imo": true}},
        "else": {"properties": {"dob": true}},
        "unevaluatedProperties": false});
    // `properties` at the root evaluates all three: nothing is left over.
    let schema = RecordSchema::from_value("s.json", s.clone()).unwrap();
    let fast = FastSchema::compile(&schema).expect("compiled");
    assert_eq!(
        fast.verdict(|i| ["vessel", "1", "2"][i].into()),
        Verdict::Valid
    );
    // Without the root `properties`, each branch evaluates only its own field.
    let mut open = s;
    open["allOf"] = json!([{"properties": {"kind": true}}]);
    let props = open.as_object_mut().unwrap().remove("properties").unwrap();
    open["$defs"] = json!({"p": props});
    let schema = RecordSchema {
        fields: schema.fields.clone(),
        ..RecordSchema::from_value("s.json", open.clone()).unwrap()
    };
    let compiled = CompiledSchema::compile(&open, "s.json").unwrap();
    let fast = FastSchema::compile(&schema).expect("compiled");
    for (cells, want) in [
        (["vessel", "1", ""], true),
        (["vessel", "", "2"], false),
        (["person", "", "2"], true),
        (["person", "1", ""], false),
    ] {
        let mut record = Map::new();
        for (i, c) in cells.iter().enumerate() {
            if !c.is_empty() {
                record.insert(schema.fields[i].name.clone(), json!(c));
            }
        }
        assert_eq!(compiled.is_valid(&Value::Object(record)), want, "{cells:?}");
        let got = fast.verdict(|i| Some(cells[i]).filter(|c| !c.is_empty()));
        assert_eq!(got == Verdict::Valid, want, "{cells:?}");
    }
}

#[test]
fn enum_and_const_on_the_record_compare_field_by_field() {
    let s = json!({"type": "object",
        "properties": {"a": {"type": "string"}, "n": {"type": "integer"}},
        "enum": [{"a": "x"}, {"a": "y", "n": 1.0}, "x"]});
    let schema = RecordSchema::from_value("s.json", s.clone()).unwrap();
    let a = FastSchema::analyse(&schema);
    assert!(
        a.notes.iter().all(|n| !n.effect.contains("every row")),
        "{:?}",
        a.notes
    );
    let fast = a.fast.expect("compiled");
    let compiled = CompiledSchema::compile(&s, "s.json").unwrap();
    for cells in [
        ["x", ""],
        ["x", "1"],
        ["y", "1"],
        ["y", "2"],
        ["y", ""],
        ["", ""],
    ] {
        let mut record = Map::new();
        if !cells[0].is_empty() {
            record.insert("a".into(), json!(cells[0]));
        }
        if !cells[1].is_empty() {
            record.insert("n".into(), json!(cells[1].parse::<i64>().unwrap()));
        }
        let want = compiled.is_valid(&Value::Object(record));
        let got = fast.verdict(|i| Some(cells[i]).filter(|c| !c.is_empty()));
        assert_eq!(got == Verdict::Valid, want, "{cells:?}");
        assert_ne!(got, Verdict::Unknown, "{cells:?}");
    }
}
