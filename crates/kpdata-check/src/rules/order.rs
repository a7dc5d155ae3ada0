//! KP304 `key-order`: the records of a dataset declared `sorted = true` in primary-key order
//! (the order of [`kpdata_package::KeyOrder`], the order releases publish). A package rule: it
//! asks for the primary key's values and watches them record after record.

use kpdata_diagnostics::rules::keys as kr;
use kpdata_diagnostics::Diagnostic;
use kpdata_package::{KeyOrder, RecordSchema};

use super::{Columns, DatasetInfo, PackageCtx, PackageRule, PackageRuleFor, Plan};
use crate::keys::{show_key, KEY_SEPARATOR};
use crate::record::RecordFacts;

pub(super) const PACKAGE: &[PackageRuleFor] = &[key_order];

fn key_order<'a>(ctx: &PackageCtx<'a>) -> Option<Box<dyn PackageRule + 'a>> {
    let any = ctx.pkg.manifest.datasets.iter().any(|d| d.sorted);
    any.then(|| Box::new(KeyOrderRule::default()) as Box<dyn PackageRule + 'a>)
}

/// The dataset being read: (its index, its path, the primary key's slot, the check).
type Current = (usize, String, usize, OrderCheck);

#[derive(Default)]
struct KeyOrderRule {
    cur: Option<Current>,
    found: Vec<Diagnostic>,
}

impl PackageRule for KeyOrderRule {
    fn begin(&mut self, info: &DatasetInfo<'_>, plan: &mut Plan) -> bool {
        let ds = info.ds;
        if !ds.sorted || ds.primary_key.is_empty() {
            return false;
        }
        let slot = plan.slot(&ds.primary_key);
        let check = OrderCheck::new(&ds.primary_key, info.schema);
        self.cur = Some((info.index, ds.path.clone(), slot, check));
        true
    }

    fn observe(&mut self, f: &RecordFacts<'_>) {
        if let Some((_, path, slot, check)) = self.cur.as_mut() {
            let key = f.key(*slot).map(|(_, text)| text);
            if let Some(d) = check.check(key, f.row, f.line, path) {
                self.found.push(d);
            }
        }
    }

    fn end(&mut self, _: &DatasetInfo<'_>, cols: &Columns<'_>, out: &mut Vec<Diagnostic>) {
        if let Some((index, ..)) = self.cur.take() {
            for mut d in self.found.drain(..) {
                d.column = cols.column(index, d.field.as_deref());
                out.push(d);
            }
        }
    }

    fn skipped(&mut self, _: &DatasetInfo<'_>) {
        self.cur = None;
        self.found.clear();
    }
}

/// Watches the primary keys of one file, record after record.
#[derive(Debug, Clone)]
pub struct OrderCheck {
    fields: Vec<String>,
    orders: Vec<KeyOrder>,
    /// The key of the record above (its text) and its line.
    prev: Option<(String, u64)>,
}

impl OrderCheck {
    /// The check for a dataset keyed by `fields` (typed by `schema`).
    pub fn new(fields: &[String], schema: &RecordSchema) -> OrderCheck {
        OrderCheck {
            fields: fields.to_vec(),
            orders: fields
                .iter()
                .map(|f| {
                    schema
                        .field(f)
                        .map_or(KeyOrder::Text, |s| KeyOrder::of(&s.ty))
                })
                .collect(),
            prev: None,
        }
    }

    /// The next record's key text (parts joined by the key separator; `None`: empty key, not
    /// judged here but by KP301, and the next record is compared with the last non-empty one).
    pub fn check(
        &mut self,
        key: Option<&str>,
        row: u64,
        line: u64,
        path: &str,
    ) -> Option<Diagnostic> {
        let key = key?;
        let mut out = None;
        if let Some((prev, prev_line)) = &self.prev {
            // Part by part, as `compare_keys` does, without collecting the parts per record.
            let lower = self
                .orders
                .iter()
                .zip(key.split(KEY_SEPARATOR).zip(prev.split(KEY_SEPARATOR)))
                .map(|(o, (b, a))| o.compare(Some(b), Some(a)))
                .find(|c| c.is_ne())
                .is_some_and(|c| c.is_lt());
            if lower {
                out = Some(
                    Diagnostic::new(
                        &kr::KEY_ORDER,
                        format!(
                            "{} is out of primary-key order: the record above it (line {prev_line}) has {}",
                            show_key(&self.fields, key),
                            show_key(&self.fields, prev)
                        ),
                    )
                    .path(path.to_string())
                    .row(row)
                    .line(line)
                    .field(self.fields.join(",")),
                );
            }
        }
        // The previous key's buffer is reused: no allocation per record.
        match &mut self.prev {
            Some((prev, prev_line)) => {
                prev.clear();
                prev.push_str(key);
                *prev_line = line;
            }
            None => self.prev = Some((key.to_string(), line)),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> RecordSchema {
        RecordSchema::from_value(
            "t.json",
            serde_json::json!({"type": "object", "properties": {
                "id": {"type": "string"}, "n": {"type": "integer"}}}),
        )
        .unwrap()
    }

    #[test]
    fn each_descent_fires_once_and_equal_keys_do_not() {
        let mut c = OrderCheck::new(&["id".into()], &schema());
        let keys = ["a", "c", "b", "b", "d", "a"];
        let fired: Vec<u64> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| c.check(Some(k), i as u64 + 1, i as u64 + 2, "t.csv"))
            .map(|d| d.row.unwrap())
            .collect();
        assert_eq!(fired, vec![3, 6]);
    }

    #[test]
    fn integer_keys_compare_by_value_and_composites_by_part() {
        let mut c = OrderCheck::new(&["n".into()], &schema());
        assert!(c.check(Some("9"), 1, 2, "t").is_none());
        assert!(c.check(Some("10"), 2, 3, "t").is_none());
        let mut c = OrderCheck::new(&["id".into(), "n".into()], &schema());
        let k = |a: &str, b: &str| format!("{a}{KEY_SEPARATOR}{b}");
        assert!(c.check(Some(&k("a", "9")), 1, 2, "t").is_none());
        assert!(c.check(Some(&k("a", "10")), 2, 3, "t").is_none());
        let d = c.check(Some(&k("a", "2")), 3, 4, "t").unwrap();
        assert!(d.message.contains("line 3"), "{}", d.message);
        assert!(c.check(None, 4, 5, "t").is_none());
        assert!(c.check(Some(&k("b", "1")), 5, 6, "t").is_none());
    }
}
