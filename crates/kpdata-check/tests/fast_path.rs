//! The fast path must agree with the `jsonschema` crate: for generated schemas (from the subset
//! the fast path compiles) and generated CSV cells, every verdict the fast path gives equals
//! the verdict of `jsonschema` on the typed record.

use kpdata_check::fast::{FastSchema, Verdict};
use kpdata_check::schema::CompiledSchema;
use kpdata_package::RecordSchema;
use kpdata_read::typing::typed_value;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn property() -> impl Strategy<Value = Value> {
    let string_kw = prop_oneof![
        Just(json!({})),
        Just(json!({"pattern": "^[a-z]+$"})),
        Just(json!({"pattern": "^KP[ie]\\.\\d{3}$"})),
        Just(json!({"pattern": "\\w-\\d"})),
        Just(json!({"pattern": "^\\S+$"})),
        Just(json!({"format": "date"})),
        Just(json!({"format": "partial-date"})),
        Just(json!({"format": "imo-number"})),
        Just(json!({"format": "un-1718-ref"})),
        Just(json!({"minLength": 2, "maxLength": 5})),
        Just(json!({"enum": ["a", "b", "é", 1]})),
        Just(json!({"const": "x"})),
    ];
    let number_kw = prop_oneof![
        Just(json!({})),
        Just(json!({"minimum": 0})),
        Just(json!({"maximum": 10.5})),
        Just(json!({"exclusiveMinimum": -1, "exclusiveMaximum": 3})),
    ];
    prop_oneof![
        string_kw.clone().prop_map(|mut k| {
            k["type"] = json!("string");
            k
        }),
        string_kw.clone(),
        number_kw.clone().prop_map(|mut k| {
            k["type"] = json!("integer");
            k
        }),
        number_kw.clone().prop_map(|mut k| {
            k["type"] = json!(["number", "null"]);
            k
        }),
        Just(json!({"type": "boolean"})),
        (string_kw, 0u64..3, prop::bool::ANY).prop_map(|(mut items, min, uniq)| {
            items["type"] = json!("string");
            json!({"type": "array", "items": items, "x-separator": ";", "minItems": min, "maxItems": 3, "uniqueItems": uniq})
        }),
        number_kw.prop_map(|mut items| {
            items["type"] = json!("integer");
            json!({"type": "array", "items": items, "x-separator": "|"})
        }),
    ]
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-c]{1,6}",
        "[0-9]{1,3}",
        Just("-3".into()),
        Just("01".into()),
        Just("1.5".into()),
        Just("1e2".into()),
        Just("10.5".into()),
        Just("true".into()),
        Just("é".into()),
        Just("٣-٣".into()),
        Just("a-1".into()),
        Just("a b".into()),
        Just("a\u{a0}b".into()),
        Just("2015-02-28".into()),
        Just("2016-02-29".into()),
        Just("2015-02-30".into()),
        Just("2015".into()),
        Just("2015-13".into()),
        Just("KPi.001".into()),
        Just("KPI.001".into()),
        Just("9132612".into()),
        Just("9132613".into()),
        Just("a;b".into()),
        Just("a;a".into()),
        Just("1|2|x".into()),
        Just("1|2".into()),
        Just("x".into()),
        "[a-b;|0-2]{0,7}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]
    #[test]
    fn fast_path_agrees_with_jsonschema(
        props in prop::collection::vec(property(), 1..4),
        required in prop::collection::vec(prop::bool::ANY, 4),
        cells in prop::collection::vec(cell(), 4),
    ) {
        let mut properties = Map::new();
        let mut req = Vec::new();
        for (i, p) in props.iter().enumerate() {
            properties.insert(format!("f{i}"), p.clone());
            if required[i] {
                req.push(json!(format!("f{i}")));
            }
        }
        let mut schema_json = json!({"type": "object", "additionalProperties": false, "required": req, "properties": properties});
        if props.len() >= 2 && required[3] {
            schema_json["dependentRequired"] = json!({"f0": ["f1"]});
        }
        let schema = RecordSchema::from_value("s.json", schema_json.clone()).unwrap();
        let fast = FastSchema::compile(&schema).expect("the generated subset compiles");
        let compiled = CompiledSchema::compile(&schema_json, "s.json").unwrap();
        let mut record = Map::new();
        for (i, f) in schema.fields.iter().enumerate() {
            if !cells[i].is_empty() {
                record.insert(f.name.clone(), typed_value(&f.ty, &cells[i]));
            }
        }
        let expected = compiled.is_valid(&Value::Object(record.clone()));
        let got = fast.verdict(|i| Some(cells[i].as_str()).filter(|s| !s.is_empty()));
        if got != Verdict::Unknown {
            prop_assert_eq!(got == Verdict::Valid, expected, "schema {} record {}", schema_json, Value::Object(record));
        }
        // When the fast path names the failing fields, validating those properties alone
        // gives exactly the findings of the whole record (rule, pointer, field, message).
        let mut failing = Vec::new();
        if fast.failing_fields(|i| Some(cells[i].as_str()).filter(|s| !s.is_empty()), &mut failing) {
            let names: Vec<String> = schema.fields.iter().map(|f| f.name.clone()).collect();
            let per_field = CompiledSchema::compile_properties(&schema_json, &names).unwrap();
            let mut got: Vec<_> = failing
                .iter()
                .flat_map(|&i| {
                    let f = &schema.fields[i];
                    per_field.violations(i, &f.name, &typed_value(&f.ty, &cells[i]))
                })
                .collect();
            let mut want = compiled.violations(&Value::Object(record.clone()));
            got.sort_by(|a, b| (&a.pointer, &a.message).cmp(&(&b.pointer, &b.message)));
            want.sort_by(|a, b| (&a.pointer, &a.message).cmp(&(&b.pointer, &b.message)));
            prop_assert_eq!(got, want, "schema {} record {}", schema_json, Value::Object(record));
        }
    }
}

#[test]
fn schemas_outside_the_subset_are_not_compiled() {
    for s in [
        json!({"type": "object", "properties": {"a": {"type": "string", "format": "email"}}}),
        json!({"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}]}}}),
        json!({"type": "object", "properties": {"a": {"type": "integer", "multipleOf": 2}}}),
        json!({"type": "object", "if": {}, "properties": {}}),
        json!({"type": "object", "properties": {"a": {"type": ["string", "integer"]}}}),
    ] {
        let schema = RecordSchema::from_value("s.json", s.clone()).unwrap();
        assert!(FastSchema::compile(&schema).is_none(), "{s}");
    }
}
