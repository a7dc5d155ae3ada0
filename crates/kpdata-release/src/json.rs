//! Stable JSON: keys sorted at every level, two-space indentation, one trailing newline.

use serde_json::{Map, Value};

/// A copy of `v` with every object's keys sorted (byte order).
pub fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), sorted(&m[k]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Pretty, key-sorted bytes with a final newline.
pub fn to_bytes(v: &Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&sorted(v)).expect("a Value always serializes");
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn sorts_nested_keys() {
        let v = serde_json::json!({"b": 1, "a": {"d": [{"z": 1, "y": 2}], "c": null}});
        assert_eq!(
            String::from_utf8(super::to_bytes(&v)).unwrap(),
            "{\n  \"a\": {\n    \"c\": null,\n    \"d\": [\n      {\n        \"y\": 2,\n        \"z\": 1\n      }\n    ]\n  },\n  \"b\": 1\n}\n"
        );
    }
}
