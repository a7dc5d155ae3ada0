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
        Just(json!({"format": "date-time"})),
        Just(json!({"format": "time"})),
        Just(json!({"format": "email"})),
        Just(json!({"format": "uri"})),
        Just(json!({"format": "uuid"})),
        Just(json!({"format": "ipv4"})),
        Just(json!({"anyOf": [{"format": "date"}, {"pattern": "^[a-c]+$"}]})),
        Just(json!({"oneOf": [{"minLength": 3}, {"pattern": "a"}]})),
        Just(json!({"not": {"enum": ["a", "b"]}})),
        Just(json!({"allOf": [{"$ref": "#/$defs/short"}, {"pattern": "^\\S*$"}]})),
        Just(json!({"$ref": "#/$defs/code"})),
        Just(
            json!({"if": {"pattern": "^[0-9]"}, "then": {"format": "date"}, "else": {"maxLength": 3}})
        ),
        Just(json!({"contentEncoding": "base64"})),
        Just(json!({"unevaluatedItems": false, "maxLength": 4})),
    ];
    let number_kw = prop_oneof![
        Just(json!({})),
        Just(json!({"minimum": 0})),
        Just(json!({"maximum": 10.5})),
        Just(json!({"exclusiveMinimum": -1, "exclusiveMaximum": 3})),
        Just(json!({"multipleOf": 3})),
        Just(json!({"multipleOf": 0.5})),
        Just(json!({"multipleOf": 0.25, "minimum": -100})),
        Just(json!({"multipleOf": 0.1, "maximum": 100})),
        Just(json!({"enum": [1, 2.5, "1"]})),
        Just(json!({"const": 10.5})),
        Just(json!({"anyOf": [{"maximum": 1}, {"minimum": 100}]})),
        Just(json!({"not": {"type": "integer"}})),
        Just(json!({"if": {"minimum": 5}, "then": {"multipleOf": 5}})),
        Just(json!({"$ref": "#/$defs/small"})),
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
        number_kw.clone().prop_map(|mut items| {
            items["type"] = json!("integer");
            json!({"type": "array", "items": items, "x-separator": "|"})
        }),
        number_kw.prop_map(|items| {
            json!({"type": "array", "items": {"type": "number"}, "x-separator": "|",
                   "contains": items, "maxContains": 2, "uniqueItems": true})
        }),
        Just(json!({"type": "array", "x-separator": ";", "prefixItems": [{"const": "a"}, {"format": "date"}], "items": {"maxLength": 2}})),
        Just(json!({"type": "array", "x-separator": ";", "items": {"$ref": "#/$defs/code"}, "contains": {"const": "b"}, "minContains": 0})),
        Just(json!({"$ref": "#/$defs/tree"})),
        Just(json!({"type": "array", "x-separator": ";", "items": {"$ref": "#/$defs/tree"}})),
    ]
}

/// Record-level keywords over the fields f0..f3 (some may not exist in a generated schema).
fn record_kw() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({})),
        Just(
            json!({"allOf": [{"if": {"properties": {"f0": {"const": "a"}}, "required": ["f0"]},
                               "then": {"required": ["f1"]},
                               "else": {"properties": {"f1": false}}}]})
        ),
        Just(
            json!({"if": {"properties": {"f1": {"pattern": "^[0-9]+$"}}}, "then": {"properties": {"f0": {"maxLength": 2}}}})
        ),
        Just(json!({"anyOf": [{"required": ["f0"]}, {"required": ["f2"]}]})),
        Just(json!({"oneOf": [{"required": ["f0"]}, {"required": ["f1"]}]})),
        Just(json!({"not": {"required": ["f0", "f1"]}})),
        Just(json!({"dependentRequired": {"f0": ["f1"], "f2": ["f0"]}})),
        Just(
            json!({"dependentSchemas": {"f1": {"properties": {"f0": {"minLength": 2}}, "required": ["f0"]}}})
        ),
        Just(json!({"minProperties": 2})),
        Just(json!({"maxProperties": 1})),
        Just(json!({"propertyNames": {"pattern": "^f[0-2]$"}})),
        Just(json!({"$ref": "#/$defs/rec"})),
        Just(
            json!({"allOf": [{"$ref": "#/$defs/rec"}, {"properties": {"f2": {"type": "string"}}}]})
        ),
        Just(json!({"patternProperties": {"^f[13]$": {"maxLength": 3}}})),
        Just(json!({"patternProperties": {"^f[0-3]$": {"not": {"const": "x"}}}})),
        Just(
            json!({"allOf": [{"additionalProperties": false, "properties": {"f0": true, "f1": true}}]})
        ),
        Just(
            json!({"anyOf": [{"properties": {"f0": {"format": "email"}}}, {"properties": {"f0": {"format": "uri"}}}]})
        ),
        // `unevaluatedProperties`, with what the adjacent keywords and valid subschemas evaluate.
        Just(json!({"properties": {"f0": true}, "unevaluatedProperties": false})),
        Just(
            json!({"anyOf": [{"properties": {"f0": {"const": "a"}}, "required": ["f0"]}, {"properties": {"f1": true}}],
                   "unevaluatedProperties": {"maxLength": 1}})
        ),
        Just(
            json!({"if": {"properties": {"f0": {"maxLength": 2}}}, "then": {"properties": {"f1": true}},
                   "else": {"patternProperties": {"^f2$": true}}, "unevaluatedProperties": false})
        ),
        Just(
            json!({"oneOf": [{"required": ["f0"], "properties": {"f0": true}}, {"required": ["f1"], "properties": {"f1": true}}],
                   "unevaluatedProperties": {"type": "integer"}})
        ),
        Just(
            json!({"allOf": [{"$ref": "#/$defs/rec"}], "dependentSchemas": {"f2": {"properties": {"f3": true}}},
                   "unevaluatedProperties": false})
        ),
        Just(
            json!({"not": {"properties": {"f1": true}}, "unevaluatedProperties": {"not": {"const": "x"}}})
        ),
        Just(
            json!({"anyOf": [{"properties": {"f0": true}, "unevaluatedProperties": {"maxLength": 1}}, {"required": ["f3"]}],
                   "unevaluatedProperties": false})
        ),
        Just(
            json!({"allOf": [{"additionalProperties": {"maxLength": 3}}], "unevaluatedProperties": false})
        ),
        Just(
            json!({"allOf": [{"properties": {"f1": true}}, {"unevaluatedProperties": false}], "properties": {"f2": true}})
        ),
        // `enum` and `const` on the record.
        Just(json!({"enum": [{"f0": "a"}, {"f0": "b", "f1": 1}, "x", {"zz": 1}, {}]})),
        Just(json!({"const": {"f0": "a", "f1": "b"}})),
        Just(json!({"not": {"const": {}}})),
        Just(json!({"anyOf": [{"const": {"f0": 1}}, {"required": ["f1"]}]})),
    ]
}

fn defs() -> Value {
    json!({
        "short": {"maxLength": 4},
        "code": {"type": "string", "pattern": "^[a-c]+$"},
        "small": {"maximum": 10},
        "rec": {"anyOf": [{"required": ["f0"]}, {"properties": {"f1": {"const": "x"}}}]},
        // Recursive: an item is never an array, so the cycle ends on each value.
        "tree": {"type": ["string", "integer", "array"], "items": {"$ref": "#/$defs/tree"}, "maxLength": 2}
    })
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
        Just("2015-02-28T10:00:00Z".into()),
        Just("2015-02-28t23:59:60+00:00".into()),
        Just("10:00:00.5-05:30".into()),
        Just("23:59:60Z".into()),
        Just("a@example.org".into()),
        Just("a..b@example.org".into()),
        Just("https://example.org/a?b#c".into()),
        Just("urn:x".into()),
        Just("123e4567-e89b-12d3-a456-426614174000".into()),
        Just("10.0.0.1".into()),
        Just("15".into()),
        Just("0.3".into()),
        Just("2.5".into()),
        Just("-0.75".into()),
        Just("0.125".into()),
        Just("-3.5".into()),
        Just("0".into()),
        Just("0.0".into()),
        Just("1|1.0".into()),
        Just("1|2|3".into()),
        Just("a;2015-02-28;bc".into()),
        Just("b;x".into()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]
    #[test]
    fn fast_path_agrees_with_jsonschema(
        props in prop::collection::vec(property(), 1..4),
        rec in prop::collection::vec(record_kw(), 0..3),
        required in prop::collection::vec(prop::bool::ANY, 4),
        cells in prop::collection::vec(cell(), 4),
        open in prop::bool::ANY,
    ) {
        let mut properties = Map::new();
        let mut req = Vec::new();
        for (i, p) in props.iter().enumerate() {
            properties.insert(format!("f{i}"), p.clone());
            if required[i] {
                req.push(json!(format!("f{i}")));
            }
        }
        let mut schema_json = json!({"type": "object", "additionalProperties": false, "required": req, "properties": properties, "$defs": defs()});
        // An open record schema: `unevaluatedProperties` at the root then has work to do.
        if open {
            schema_json.as_object_mut().unwrap().remove("additionalProperties");
        }
        if props.len() >= 2 && required[3] {
            schema_json["dependentRequired"] = json!({"f0": ["f1"]});
        }
        if !rec.is_empty() {
            schema_json["allOf"] = Value::Array(rec.clone());
        }
        // Record keywords at the root too (where the failing-fields shortcut applies).
        if required[2] {
            if let Some(Value::Object(first)) = rec.first() {
                for (k, v) in first {
                    if schema_json.get(k).is_none() {
                        schema_json[k] = v.clone();
                    }
                }
            }
        }
        let schema = RecordSchema::from_value("s.json", schema_json.clone()).unwrap();
        let fast = FastSchema::compile(&schema).expect("the generated schemas compile");
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
        // When the fast path names the failing fields and root keywords, validating those
        // properties and keywords alone gives exactly the findings of the whole record (rule,
        // pointer, field, message).
        let mut failing = Vec::new();
        let mut keywords = Vec::new();
        let cell_of = |i: usize| Some(cells[i].as_str()).filter(|s| !s.is_empty());
        if fast.failing_parts(cell_of, &mut failing, &mut keywords) {
            let names: Vec<String> = schema.fields.iter().map(|f| f.name.clone()).collect();
            let per_field = CompiledSchema::compile_properties(&schema_json, &names).unwrap();
            let mut got: Vec<_> = failing
                .iter()
                .flat_map(|&i| {
                    let f = &schema.fields[i];
                    per_field.violations(i, &f.name, &typed_value(&f.ty, &cells[i]))
                })
                .collect();
            for k in &keywords {
                assert!(per_field.has_keyword(k), "a validator for each split keyword");
                got.extend(per_field.keyword_violations(k, &Value::Object(record.clone())));
            }
            let mut want = compiled.violations(&Value::Object(record.clone()));
            got.sort_by(|a, b| (&a.pointer, &a.message).cmp(&(&b.pointer, &b.message)));
            want.sort_by(|a, b| (&a.pointer, &a.message).cmp(&(&b.pointer, &b.message)));
            prop_assert_eq!(got, want, "schema {} record {}", schema_json, Value::Object(record));
        }
    }
}

#[test]
fn record_keywords_outside_the_subset_leave_the_schema_to_jsonschema_and_say_where() {
    for (s, at) in [
        (
            json!({"type": "object", "$dynamicRef": "#meta", "properties": {}}),
            "/$dynamicRef",
        ),
        (
            json!({"$defs": {"r": {"$ref": "#/$defs/r"}}, "$ref": "#/$defs/r"}),
            "/$defs/r",
        ),
        // A cycle on the record never goes into an item: it would not end.
        (
            json!({"$defs": {"r": {"anyOf": [{"required": ["a"]}, {"$ref": "#/$defs/r"}]}},
                   "allOf": [{"$ref": "#/$defs/r"}], "properties": {"a": {}}}),
            "/$defs/r",
        ),
        (
            json!({"type": "object", "unevaluatedProperties": false,
                   "properties": (0..65).map(|i| (format!("p{i}"), json!({}))).collect::<Map<_, _>>()}),
            "/unevaluatedProperties",
        ),
    ] {
        let schema = RecordSchema::from_value("s.json", s.clone()).unwrap();
        let a = FastSchema::analyse(&schema);
        assert!(a.fast.is_none(), "{s}");
        assert_eq!(a.notes.last().map(|n| n.pointer.as_str()), Some(at), "{s}");
        assert!(a.notes.last().unwrap().effect.contains("whole"), "{s}");
    }
}

#[test]
fn value_keywords_outside_the_subset_are_delegated_per_cell() {
    let s = json!({"type": "object", "properties": {
        "a": {"type": "string", "contentEncoding": "base64"},
        "b": {"type": "string", "format": "email"}
    }});
    let schema = RecordSchema::from_value("s.json", s).unwrap();
    let a = FastSchema::analyse(&schema);
    let fast = a.fast.expect("compiled");
    assert_eq!(a.notes.len(), 1);
    assert_eq!(a.notes[0].pointer, "/properties/a/contentEncoding");
    assert!(a.notes[0].effect.contains("one cell at a time"));
    assert_eq!(fast.notes(), &a.notes[..]);
    let cells = ["aGk=", "x@example.org"];
    assert_eq!(fast.verdict(|i| Some(cells[i])), Verdict::Valid);
    let cells = ["aGk=", "x@@example.org"];
    assert_eq!(fast.verdict(|i| Some(cells[i])), Verdict::Invalid);
}

#[test]
fn keywords_seeing_extra_columns_are_flagged() {
    let open = json!({"type": "object", "minProperties": 1, "properties": {"a": {}}});
    let f = FastSchema::compile(&RecordSchema::from_value("s.json", open).unwrap()).unwrap();
    assert!(!f.allows_extra_columns());
    let plain = json!({"type": "object", "required": ["a"], "properties": {"a": {}}});
    let f = FastSchema::compile(&RecordSchema::from_value("s.json", plain).unwrap()).unwrap();
    assert!(f.allows_extra_columns());
}

fn format_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => "[a-z0-9.+_-]{0,6}@[a-z0-9.-]{0,12}",
        3 => "(a|\\.\\.|\\.|\\+|-)(a|\\.\\.|\\.|_){0,2}(a|\\.|-)@(ex|a|-)(\\.|-|1|ex){0,2}\\.(org|o1|c|)",
        1 => "[a-zA-Z0-9+.-]{1,5}://[a-z0-9.:@-]{0,12}(/[a-z0-9%?#./_-]{0,8})?",
        3 => "https?://(ex|a-|-b|\\.|1){1,4}\\.(org|c|o1)(:[0-9]{0,6})?(/|%2f|%g|\\?|#|a){0,4}",
        2 => "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,2})?([Zz]|[+-][0-9]{2}:[0-9]{2})?",
        1 => "[0-9a-fA-F-]{36}",
        1 => fragments(),
    ]
}

fn fragments() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "2015",
            "-",
            "02",
            "28",
            "29",
            "30",
            "13",
            "00",
            "T",
            "t",
            " ",
            ":",
            "23",
            "59",
            "60",
            "10",
            ".5",
            ".",
            "Z",
            "z",
            "+",
            "05:30",
            "1",
            "a",
            "@",
            "example",
            ".org",
            "..",
            "https",
            "://",
            "/",
            "?",
            "#",
            "%2F",
            "%G",
            "é",
            "123e4567",
            "e89b",
            "12d3",
            "A456",
            "426614174000",
            "x-y",
            "--",
            "[",
            "]",
            "0000",
            "9999",
            "_",
            "~",
            "localhost",
        ]),
        0..10,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8000))]
    /// Every answer of the fast path's standard format checks is the verdict of `jsonschema`.
    #[test]
    fn standard_formats_agree_with_jsonschema(s in format_text()) {
        const NAMES: [&str; 8] = ["date", "time", "date-time", "uuid", "ipv4", "ipv6", "email", "uri"];
        static VALIDATORS: std::sync::OnceLock<Vec<CompiledSchema>> = std::sync::OnceLock::new();
        let validators = VALIDATORS.get_or_init(|| NAMES.iter().map(|n| CompiledSchema::compile(&json!({"format": n}), "s.json").unwrap()).collect());
        for (i, name) in NAMES.iter().enumerate() {
            let check = kpdata_check::fast::stdformat::std_format(name).unwrap();
            if let Some(v) = check(&s) {
                prop_assert_eq!(v, validators[i].is_valid(&json!(s)), "{} on {:?}", name, s);
            }
        }
    }
}

#[test]
fn standard_formats_decide_the_usual_values_themselves() {
    use kpdata_check::fast::stdformat::std_format;
    for (f, s, want) in [
        ("date", "2016-02-29", Some(true)),
        ("date", "2015-02-29", Some(false)),
        ("date-time", "2015-02-28T10:00:00.25+05:30", Some(true)),
        ("date-time", "2015-02-28T10:00:00", Some(false)),
        ("date-time", "2015-06-30T23:59:60Z", None),
        ("time", "23:59:59z", Some(true)),
        ("uuid", "123e4567-e89b-12d3-A456-426614174000", Some(true)),
        ("uuid", "123e4567e89b12d3a456426614174000", Some(false)),
        ("email", "first.last+tag@mail.example.org", Some(true)),
        ("email", "a@b", None),
        (
            "uri",
            "https://www.un.org/securitycouncil/sanctions/1718?x=1#a",
            Some(true),
        ),
        ("uri", "https://example.org:8080/a%20b", Some(true)),
        ("uri", "mailto:a@example.org", None),
    ] {
        assert_eq!(std_format(f).unwrap()(s), want, "{f} {s}");
    }
}

#[test]
fn only_properties_findings_are_left_to_the_property_validators() {
    // `a` passes its own subschema but fails `patternProperties`: the record must go whole to
    // jsonschema, since the property's own validator would find nothing.
    let s = json!({"type": "object", "patternProperties": {"^a$": {"maxLength": 2}},
                   "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}});
    let fast = FastSchema::compile(&RecordSchema::from_value("s.json", s).unwrap()).unwrap();
    let mut failing = Vec::new();
    let cells = ["abc", "1"];
    assert!(!fast.failing_fields(|i| Some(cells[i]), &mut failing));
    let cells = ["ab", "x"];
    assert!(fast.failing_fields(|i| Some(cells[i]), &mut failing));
    assert_eq!(failing, vec![1]);
}

#[test]
fn multiple_of_agrees_with_jsonschema_on_a_grid() {
    for m in [json!(0.5), json!(0.25), json!(2), json!(0.1), json!(1.5)] {
        let s = json!({"type": "object", "properties": {"x": {"type": "number", "multipleOf": m}}});
        let schema = RecordSchema::from_value("s.json", s.clone()).unwrap();
        let fast = FastSchema::compile(&schema).unwrap();
        let compiled = CompiledSchema::compile(&s, "s.json").unwrap();
        for k in -80..=80 {
            for text in [
                format!("{}", k as f64 / 8.0),
                format!("{k}"),
                format!("{}", k as f64 / 10.0),
            ] {
                let want =
                    compiled.is_valid(&json!({"x": typed_value(&schema.fields[0].ty, &text)}));
                assert_eq!(
                    fast.verdict(|_| Some(text.as_str())),
                    if want {
                        Verdict::Valid
                    } else {
                        Verdict::Invalid
                    },
                    "{m} {text}"
                );
            }
        }
    }
}

#[test]
fn explain_speed_says_when_every_row_goes_whole() {
    let s = json!({"type": "object", "$dynamicRef": "#meta", "properties": {"a": {}}});
    let lines = kpdata_check::files::explain_speed(&RecordSchema::from_value("s.json", s).unwrap());
    assert_eq!(
        lines,
        vec![
            "s.json: every row is validated whole by jsonschema, because of:".to_string(),
            "  `/$dynamicRef`: `$dynamicRef` on the record is not compiled; every row is validated whole by jsonschema".to_string(),
        ]
    );
}
