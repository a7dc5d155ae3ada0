//! One record of a dataset, as the record rules see it ([`RecordView`]), the dataset's settings
//! shared by the workers ([`DatasetContext`]), and what a record hands on to the package rules
//! ([`BatchFacts`]: its key values and the sources it cites). The rules themselves live in
//! [`crate::rules`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kpdata_diagnostics::Diagnostic;
use kpdata_package::{CitePolicy, FieldSpec, RecordSchema};
use serde_json::{Map, Value};

use crate::dates::Day;
use crate::evidence::SchemeLabels;
use crate::fast::FastSchema;
use crate::keys::{key_hash, KeySet, KEY_SEPARATOR};
use crate::registry::Registry;
use crate::rules::{Citations, RecordCtx, RecordRules};
use crate::schema::{CompiledSchema, PropertySchemas};

/// What a dataset asks of its records beyond the schema.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub cite: Option<CitePolicy>,
    pub require_quote: bool,
    pub require_official: bool,
    pub event_dates: Vec<String>,
    /// Judge the record's dates against this day.
    pub reference: Option<Day>,
    /// Check the `sensitivity` field (package datasets).
    pub sensitivity: bool,
}

/// A record as the checks see it, whether it came from CSV cells or a JSON object. Fields are
/// addressed by their index in the schema's `fields`.
pub trait RecordView {
    /// The text of a field when it is a non-empty string (CSV: the cell as written).
    fn text(&self, field: usize) -> Option<&str>;
    /// The string items of a field: an array's items, or the string itself.
    fn items(&self, field: usize) -> Vec<&str>;
    /// Appends the field's value as a key part (array items joined with U+001F); None when
    /// the field is empty.
    fn key_into(&self, field: usize, out: &mut String) -> Option<()>;
    /// The typed record for the `jsonschema` crate.
    fn to_value(&self) -> Value;
    /// The 1-based column of a field (CSV).
    fn column(&self, field: usize) -> Option<u64>;
    /// Whether `text` gives the cells as written, so the fast path may judge them.
    fn is_csv(&self) -> bool;
    /// Whether every text of the record is known at once to be printable ASCII (then it has
    /// no invisible character and is NFC); `false` when unknown.
    fn all_printable_ascii(&self) -> bool {
        false
    }
}

/// A JSON object as a record.
pub struct JsonView<'a> {
    pub map: &'a Map<String, Value>,
    pub schema: &'a RecordSchema,
}

impl RecordView for JsonView<'_> {
    fn text(&self, field: usize) -> Option<&str> {
        self.map
            .get(&self.schema.fields[field].name)?
            .as_str()
            .filter(|s| !s.is_empty())
    }
    fn items(&self, field: usize) -> Vec<&str> {
        match self.map.get(&self.schema.fields[field].name) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        }
    }
    fn key_into(&self, field: usize, out: &mut String) -> Option<()> {
        out.push_str(
            &self
                .map
                .get(&self.schema.fields[field].name)
                .and_then(key_string)?,
        );
        Some(())
    }
    fn to_value(&self) -> Value {
        Value::Object(self.map.clone())
    }
    fn column(&self, _field: usize) -> Option<u64> {
        None
    }
    fn is_csv(&self) -> bool {
        false
    }
}

/// A foreign key whose target set is complete while this file is read: the workers check
/// its values, in parallel, instead of the thread that merges records in order.
#[derive(Debug, Clone)]
pub struct ForeignCheck {
    /// The key set (see [`DatasetContext::key_sets`]) holding the referencing value.
    pub slot: usize,
    /// An array field: each item is a reference.
    pub split: bool,
    pub set: Arc<KeySet>,
    pub fields: Vec<String>,
    pub target: String,
    pub reference: Vec<String>,
    /// The schema field of the first referencing field (for the column).
    pub field: Option<usize>,
}

/// Everything a worker needs to check records of one file. Cheap to share.
pub struct DatasetContext {
    pub path: String,
    pub schema: Arc<RecordSchema>,
    pub compiled: CompiledSchema,
    pub fast: Option<FastSchema>,
    /// The property subschemas compiled one by one, for rows the fast path finds wrong in
    /// some properties only (present when `fast` is).
    pub props: Option<PropertySchemas>,
    pub policy: Policy,
    pub registry: Option<Arc<Registry>>,
    /// The field sets whose values the package rules asked for ([`crate::rules::Plan`]), by
    /// slot: each record's values are handed to them ([`RecordFacts::key`]).
    pub key_sets: Vec<Vec<String>>,
    /// Foreign keys the workers check per record (targets already complete).
    pub foreign: Vec<ForeignCheck>,
    key_idx: Vec<Vec<Option<usize>>>,
    f_source_ids: Option<usize>,
    /// Rule quote-not-found: (source id, folded quote) → found, shared by the workers.
    pub(crate) quote_cache: Mutex<HashMap<(String, String), bool>>,
    /// Rule identifier-label-mismatch: the scheme labels, and the `scheme` and `value` fields.
    pub labels: Option<(Arc<SchemeLabels>, usize, usize)>,
}

/// Where a record is, for its findings.
#[derive(Debug, Clone, Copy)]
pub struct Pos<'a> {
    pub row: u64,
    pub line: u64,
    /// Byte offset where the record starts in its file (CSV: its first byte; JSON: its `{`).
    pub offset: u64,
    /// JSON pointer of the record in its document (`/3`), empty for CSV.
    pub pointer_prefix: &'a str,
}

/// What the key checks need from the records of one batch: each record's position, the value
/// of each key set (its hash and text, None when a part is empty) and the registry indices of
/// the sources it cites. Kept in a few flat buffers per batch rather than allocations per
/// record, because the batch is built in a worker and dropped on the thread that merges.
#[derive(Debug, Clone, Default)]
pub struct BatchFacts {
    stride: usize,
    rows: Vec<(u64, u64)>,
    keys: Vec<Option<(u128, u32, u32)>>,
    text: String,
    cited: Vec<u32>,
    cited_end: Vec<u32>,
}

/// One record's facts, borrowed from its [`BatchFacts`].
#[derive(Debug, Clone, Copy)]
pub struct RecordFacts<'a> {
    pub row: u64,
    pub line: u64,
    keys: &'a [Option<(u128, u32, u32)>],
    text: &'a str,
    /// Registry indices of the known sources the record cites.
    pub cited: &'a [u32],
}

impl<'a> RecordFacts<'a> {
    /// The hash and text (parts joined with U+001F) of key set `slot`.
    pub fn key(&self, slot: usize) -> Option<(u128, &'a str)> {
        self.keys[slot].map(|(h, a, b)| (h, &self.text[a as usize..b as usize]))
    }
}

impl BatchFacts {
    pub fn new(stride: usize) -> BatchFacts {
        BatchFacts {
            stride,
            ..BatchFacts::default()
        }
    }
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    pub fn get(&self, i: usize) -> RecordFacts<'_> {
        let (row, line) = self.rows[i];
        let from = if i == 0 {
            0
        } else {
            self.cited_end[i - 1] as usize
        };
        RecordFacts {
            row,
            line,
            keys: &self.keys[i * self.stride..(i + 1) * self.stride],
            text: &self.text,
            cited: &self.cited[from..self.cited_end[i] as usize],
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = RecordFacts<'_>> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
}

impl DatasetContext {
    pub fn new(
        path: &str,
        schema: Arc<RecordSchema>,
        compiled: CompiledSchema,
        policy: Policy,
        registry: Option<Arc<Registry>>,
        key_sets: Vec<Vec<String>>,
    ) -> DatasetContext {
        let key_idx = key_sets
            .iter()
            .map(|fs| fs.iter().map(|f| schema.field_index(f)).collect())
            .collect();
        let fast = FastSchema::compile(&schema);
        let props = fast.as_ref().and_then(|_| {
            let names: Vec<String> = schema.fields.iter().map(|f| f.name.clone()).collect();
            CompiledSchema::compile_properties(&schema.json, &names)
        });
        DatasetContext {
            path: path.to_string(),
            fast,
            props,
            f_source_ids: schema.field_index("source_ids"),
            labels: None,
            schema,
            compiled,
            policy,
            registry,
            key_sets,
            foreign: Vec::new(),
            key_idx,
            quote_cache: Mutex::new(HashMap::new()),
        }
    }

    /// The name of schema field `field`.
    pub fn name(&self, field: usize) -> &str {
        &self.schema.fields[field].name
    }

    /// The indices of the schema fields that satisfy `pred`.
    pub fn fields_where(&self, pred: impl Fn(&FieldSpec) -> bool) -> Vec<usize> {
        self.schema
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| pred(f))
            .map(|(i, _)| i)
            .collect()
    }

    /// Checks one record with `rules` (see [`crate::rules`]) and appends what the package
    /// rules need to `facts`. Fields in `unreadable` were already reported by the reader
    /// (missing or invalid cells, or no column at all) and get no further findings.
    pub fn check(
        &self,
        rules: &mut RecordRules<'_>,
        view: &dyn RecordView,
        pos: Pos<'_>,
        unreadable: &[&str],
        out: &mut Vec<Diagnostic>,
        facts: &mut BatchFacts,
    ) {
        let base = facts.keys.len();
        self.key_values(view, facts);
        let cited = self.citations(view, unreadable);
        let rec = RecordCtx {
            ds: self,
            view,
            pos,
            unreadable,
            keys: &facts.keys[base..],
            key_text: &facts.text,
            cited: &cited,
        };
        rules.check(&rec, out);
        facts.cited.extend(cited.known.iter().map(|s| s.index));
        facts.cited_end.push(facts.cited.len() as u32);
        facts.rows.push((pos.row, pos.line));
    }

    /// The value of each key set: its parts joined into the batch's text buffer.
    fn key_values(&self, view: &dyn RecordView, facts: &mut BatchFacts) {
        for fields in &self.key_idx {
            let start = facts.text.len();
            let mut complete = true;
            for (n, f) in fields.iter().enumerate() {
                if n > 0 {
                    facts.text.push(KEY_SEPARATOR);
                }
                if f.and_then(|f| view.key_into(f, &mut facts.text)).is_none() {
                    complete = false;
                    break;
                }
            }
            if complete {
                let end = facts.text.len();
                facts.keys.push(Some((
                    key_hash(&facts.text[start..end]),
                    start as u32,
                    end as u32,
                )));
            } else {
                facts.text.truncate(start);
                facts.keys.push(None);
            }
        }
    }

    /// The record's citations, resolved against the registry. A dataset whose schema has no
    /// `source_ids` is reported once, by the package rule of the `citations` family.
    fn citations<'a>(&'a self, view: &'a dyn RecordView, unreadable: &[&str]) -> Citations<'a> {
        let Some(field) = self.f_source_ids else {
            return Citations::default();
        };
        if !matches!(
            self.policy.cite,
            Some(CitePolicy::Required | CitePolicy::Optional)
        ) || unreadable.contains(&"source_ids")
        {
            return Citations::default();
        }
        let ids: Vec<&str> = view
            .items(field)
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        let mut c = Citations {
            checked: true,
            field,
            ..Citations::default()
        };
        if let (false, Some(registry)) = (ids.is_empty(), &self.registry) {
            c.registry = Some(registry);
            for id in &ids {
                match registry.get(id) {
                    Some(s) => c.known.push(s),
                    None => c.unknown.push(id),
                }
            }
        }
        c.ids = ids;
        c
    }
}

/// The string form of a key value (strings as they are, numbers and booleans as JSON).
pub fn key_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::String(_) | Value::Null => None,
        Value::Array(a) => Some(
            a.iter()
                .filter_map(key_string)
                .collect::<Vec<_>>()
                .join("\u{1F}"),
        ),
        other => Some(other.to_string()),
    }
}

pub fn pointer_escape(s: &str) -> String {
    kpdata_base::pointer::escape_token(s)
}
