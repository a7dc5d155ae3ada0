//! Checks of one record that need nothing but the record, its dataset's settings and the
//! (read-only) source registry: schema, text hygiene, dates, citations and quotes. These run in
//! parallel; key checks, which need every record, run afterwards in order (`keys.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kpdata_diagnostics::rules::{domain as dm, provenance as pv, schema as rs, structure as st};
use kpdata_diagnostics::{escape_value, Diagnostic};
use kpdata_package::{CitePolicy, FieldKind, FieldType, RecordSchema};
use serde_json::{Map, Value};

use crate::dates::{format_day, Day, PartialDate};
use crate::evidence::{date_finding, label_finding, official_copy_finding, SchemeLabels};
use crate::fast::FastSchema;
use crate::keys::{
    each_reference, foreign_key_finding, key_hash, KeySet, Reference, KEY_SEPARATOR,
};
use crate::quote::normalize;
use crate::registry::{url_problem, Registry};
use crate::schema::{CompiledSchema, PropertySchemas};
use crate::text::{
    describe_char, first_invisible, first_invisible_in_cell, first_invisible_in_text, is_nfc,
    is_printable_ascii, looks_like_formula, mixed_script, script_mismatch,
};
use kpdata_read::typing::{typed_value, unpublishable_number};

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
    props: Option<PropertySchemas>,
    pub policy: Policy,
    pub registry: Option<Arc<Registry>>,
    /// Key field sets whose values are handed to the key checks, per record.
    pub key_sets: Vec<Vec<String>>,
    /// Foreign keys checked per record (targets already complete).
    pub foreign: Vec<ForeignCheck>,
    key_idx: Vec<Vec<Option<usize>>>,
    quote_cache: Mutex<HashMap<(String, String), bool>>,
    date_fields: Vec<usize>,
    url_fields: Vec<usize>,
    text_fields: Vec<(usize, bool)>,
    /// `integer` and `number` fields (and arrays of them): CSV cells a release could not
    /// publish unchanged are findings.
    number_fields: Vec<usize>,
    script_fields: Vec<(usize, usize)>,
    /// Name fields with no script column: checked for mixed scripts.
    mixed_fields: Vec<usize>,
    event_fields: Vec<usize>,
    f_sensitivity: Option<usize>,
    f_source_ids: Option<usize>,
    f_quote: Option<usize>,
    f_note: Option<usize>,
    /// Rule identifier-label-mismatch: the scheme labels, and the `scheme` and `value` fields.
    pub labels: Option<(Arc<SchemeLabels>, usize, usize)>,
    f_issued: Option<usize>,
    f_accessed: Option<usize>,
}

/// Where a record is, for its findings.
#[derive(Debug, Clone, Copy)]
pub struct Pos<'a> {
    pub row: u64,
    pub line: u64,
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
        let idx = |name: &str| schema.field_index(name);
        let pick = |pred: &dyn Fn(&kpdata_package::FieldSpec) -> bool| -> Vec<usize> {
            schema
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| pred(f))
                .map(|(i, _)| i)
                .collect()
        };
        let date_fields = pick(&|f| matches!(f.format.as_deref(), Some("date" | "partial-date")));
        let url_fields = pick(&|f| {
            matches!(f.format.as_deref(), Some("uri" | "url" | "iri")) || f.name == "url"
        });
        let text_fields = schema
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.kind != FieldKind::Other
                    || matches!(
                        f.ty,
                        FieldType::String | FieldType::Any | FieldType::Array { .. }
                    )
            })
            .map(|(i, f)| (i, matches!(f.ty, FieldType::String | FieldType::Any)))
            .collect();
        fn numeric(t: &FieldType) -> bool {
            match t {
                FieldType::Integer | FieldType::Number => true,
                FieldType::Array { item, .. } => numeric(item),
                _ => false,
            }
        }
        let number_fields = pick(&|f| numeric(&f.ty));
        let script_fields = schema
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((i, idx(f.schema.get("x-script-of")?.as_str()?)?)))
            .collect::<Vec<_>>();
        let mixed_fields = pick(&|f| f.kind == FieldKind::Name)
            .into_iter()
            .filter(|i| !script_fields.iter().any(|&(_, name)| name == *i))
            .collect();
        let event_fields = policy.event_dates.iter().filter_map(|f| idx(f)).collect();
        let key_idx = key_sets
            .iter()
            .map(|fs| fs.iter().map(|f| idx(f)).collect())
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
            f_sensitivity: idx("sensitivity"),
            f_source_ids: idx("source_ids"),
            f_quote: idx("quote"),
            f_note: idx("note"),
            labels: None,
            f_issued: idx("issued"),
            f_accessed: idx("accessed"),
            schema: schema.clone(),
            compiled,
            policy,
            registry,
            key_sets,
            foreign: Vec::new(),
            key_idx,
            quote_cache: Mutex::new(HashMap::new()),
            date_fields,
            url_fields,
            text_fields,
            number_fields,
            script_fields,
            mixed_fields,
            event_fields,
        }
    }

    fn name(&self, field: usize) -> &str {
        &self.schema.fields[field].name
    }

    /// Checks one record and appends what the key checks need to `facts`. Fields in `unreadable` were already reported by the reader (missing
    /// or invalid cells, or no column at all) and get no further findings.
    pub fn check(
        &self,
        fast: Option<&FastSchema>,
        view: &dyn RecordView,
        pos: Pos<'_>,
        unreadable: &[&str],
        out: &mut Vec<Diagnostic>,
        facts: &mut BatchFacts,
    ) {
        let at = |rule, field: usize, msg: String| {
            let name = self.name(field);
            let mut d = Diagnostic::new(rule, msg)
                .path(self.path.clone())
                .row(pos.row)
                .line(pos.line)
                .field(name.to_string())
                .pointer(format!("{}/{}", pos.pointer_prefix, pointer_escape(name)));
            if let Some(c) = view.column(field) {
                d = d.column(c);
            }
            d
        };

        // 1. The schema: the fast path proves most rows valid. A row whose only problems are
        // in some properties and some root keywords (a conditional, `required`) has just those
        // validated by `jsonschema`, each alone; any other row is validated whole.
        let mut failing = Vec::new();
        let mut keywords = Vec::new();
        let decided = match (fast, &self.props) {
            (Some(fast), Some(props)) if view.is_csv() => {
                fast.failing_parts(|i| view.text(i), &mut failing, &mut keywords)
                    && keywords.iter().all(|k| props.has_keyword(k))
            }
            _ => false,
        };
        let mut violations = Vec::new();
        if let (true, Some(props)) = (decided, &self.props) {
            for &i in &failing {
                if let Some(text) = view.text(i) {
                    let value = typed_value(&self.schema.fields[i].ty, text);
                    violations.extend(props.violations(i, self.name(i), &value));
                }
            }
            if !keywords.is_empty() {
                let record = view.to_value();
                for k in &keywords {
                    violations.extend(props.keyword_violations(k, &record));
                }
            }
        } else {
            let record = view.to_value();
            if !self.compiled.is_valid(&record) {
                violations = self.compiled.violations(&record);
            }
        }
        for v in violations {
            if let Some(f) = &v.field {
                if unreadable.contains(&f.as_str()) {
                    continue;
                }
            }
            let mut d = Diagnostic::new(v.rule, v.message)
                .path(self.path.clone())
                .row(pos.row)
                .line(pos.line)
                .pointer(format!("{}{}", pos.pointer_prefix, v.pointer));
            if let Some(f) = v.field {
                if let Some(c) = self.schema.field_index(&f).and_then(|i| view.column(i)) {
                    d = d.column(c);
                }
                d = d.field(f);
            }
            out.push(d);
        }

        // 1b. Numbers a release cannot publish unchanged (a JSON input has KP115 instead).
        if view.is_csv() {
            for &i in &self.number_fields {
                if unreadable.contains(&self.name(i)) {
                    continue;
                }
                let Some(text) = view.text(i) else { continue };
                if let Some(msg) = unpublishable_number(&self.schema.fields[i].ty, text) {
                    out.push(at(&rs::NUMBER_NOT_PUBLISHABLE, i, msg));
                }
            }
        }

        // 2. Text hygiene and formulas.
        for &(i, stringy) in &self.text_fields {
            let spec = &self.schema.fields[i];
            // Printable ASCII has no invisible characters, is NFC, and needs only the formula
            // check: most cells end here.
            if let Some(t) = view.text(i) {
                if is_printable_ascii(t) && !(stringy && looks_like_formula(t)) {
                    continue;
                }
            }
            for s in view.items(i) {
                let bad = match spec.kind {
                    FieldKind::Id | FieldKind::Name => first_invisible(s),
                    FieldKind::Text => first_invisible_in_text(s),
                    FieldKind::Other => first_invisible_in_cell(s),
                };
                if let Some((n, c)) = bad {
                    out.push(at(
                        &rs::INVISIBLE_CHARACTER,
                        i,
                        format!(
                            "`{}` has the invisible character {} at character {}",
                            escape_value(s, 80),
                            describe_char(c),
                            n + 1
                        ),
                    ));
                }
                if matches!(spec.kind, FieldKind::Name | FieldKind::Text) && !is_nfc(s) {
                    out.push(at(
                        &rs::NOT_NFC,
                        i,
                        format!("`{}` is not in Unicode NFC", escape_value(s, 80)),
                    ));
                }
                if stringy && looks_like_formula(s) {
                    out.push(at(
                        &st::FORMULA_INJECTION,
                        i,
                        format!(
                            "`{}` starts with a character a spreadsheet runs as a formula",
                            escape_value(s, 80)
                        ),
                    ));
                }
            }
        }
        for &i in &self.mixed_fields {
            for s in view.items(i) {
                if let Some(msg) = mixed_script(s) {
                    out.push(at(&rs::MIXED_SCRIPT, i, msg));
                }
            }
        }
        for &(script, name) in &self.script_fields {
            if let (Some(sc), Some(n)) = (view.text(script), view.text(name)) {
                if let Some(msg) = script_mismatch(n, sc) {
                    out.push(at(&dm::SCRIPT_MISMATCH, script, msg));
                }
            }
        }

        // 3. Sensitivity.
        if self.policy.sensitivity && !unreadable.contains(&"sensitivity") {
            if let Some(f) = self.f_sensitivity {
                match view.text(f) {
                    Some("public" | "restricted") => {}
                    Some(other) => out.push(at(
                        &pv::SENSITIVITY,
                        f,
                        format!(
                            "`{}` is not `public` or `restricted`",
                            escape_value(other, 40)
                        ),
                    )),
                    None => out.push(at(
                        &pv::SENSITIVITY,
                        f,
                        "the record has no sensitivity; mark it `public` or `restricted`".into(),
                    )),
                }
            }
        }

        // 4. Dates against the reference date.
        if let Some(reference) = self.policy.reference {
            for &f in &self.date_fields {
                let Some(text) = view.text(f) else { continue };
                if let Some(d) = PartialDate::parse(text) {
                    if d.earliest() > reference {
                        out.push(at(
                            &pv::DATE_AFTER_REFERENCE,
                            f,
                            format!(
                                "`{}` is after the reference date {}",
                                escape_value(text, 20),
                                format_day(reference)
                            ),
                        ));
                    }
                }
            }
        }

        // 5. URLs.
        for &f in &self.url_fields {
            if let Some(u) = view.text(f) {
                if let Some((rule, msg)) = url_problem(u) {
                    out.push(at(rule, f, msg));
                }
            }
        }

        // 6. The registry's own date order.
        if self.policy.cite == Some(CitePolicy::Registry) {
            if let (Some(fi), Some(fa)) = (self.f_issued, self.f_accessed) {
                let (ti, ta) = (view.text(fi), view.text(fa));
                if let (Some(i), Some(a)) = (
                    ti.and_then(PartialDate::parse),
                    ta.and_then(PartialDate::parse),
                ) {
                    if a.latest() < i.earliest() {
                        out.push(at(
                            &pv::ACCESSED_BEFORE_ISSUED,
                            fa,
                            format!(
                                "accessed {} is before issued {}",
                                ta.unwrap_or(""),
                                ti.unwrap_or("")
                            ),
                        ));
                    }
                }
            }
        }

        // 7. Citations and quotes.
        let cited: Vec<&str> = match self.f_source_ids.filter(|_| self.policy.cite.is_some()) {
            Some(f) => view
                .items(f)
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect(),
            None => Vec::new(),
        };
        if matches!(
            self.policy.cite,
            Some(CitePolicy::Required | CitePolicy::Optional)
        ) {
            self.check_citations(view, &cited, &mut facts.cited, unreadable, &at, out);
        }
        facts.cited_end.push(facts.cited.len() as u32);

        // 8. Values for the key checks: each key's parts joined into the batch's text buffer.
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
        let base = facts.keys.len() - self.key_idx.len();
        for fk in &self.foreign {
            let Some((hash, a, b)) = facts.keys[base + fk.slot] else {
                continue;
            };
            let text = &facts.text[a as usize..b as usize];
            each_reference(text, hash, fk.split, |hash, text| {
                if !fk.set.contains(hash) {
                    let r = Reference {
                        text: text.to_string(),
                        hash,
                        row: pos.row,
                        line: pos.line,
                    };
                    let column = fk.field.and_then(|i| view.column(i));
                    out.push(foreign_key_finding(
                        &self.path,
                        &fk.fields,
                        &fk.target,
                        &fk.reference,
                        &r,
                        column,
                    ));
                }
            });
        }
        facts.rows.push((pos.row, pos.line));
    }

    fn check_citations(
        &self,
        view: &dyn RecordView,
        cited: &[&str],
        cited_idx: &mut Vec<u32>,
        unreadable: &[&str],
        at: &dyn Fn(&'static kpdata_diagnostics::Rule, usize, String) -> Diagnostic,
        out: &mut Vec<Diagnostic>,
    ) {
        // A dataset whose schema has no `source_ids` is reported once, by the package check.
        let Some(f_ids) = self.f_source_ids else {
            return;
        };
        if unreadable.contains(&"source_ids") {
            return;
        }
        if cited.is_empty() {
            if self.policy.cite == Some(CitePolicy::Required) {
                out.push(at(
                    &pv::NO_CITATION,
                    f_ids,
                    "the record cites no source".into(),
                ));
            }
            return;
        }
        let Some(registry) = &self.registry else {
            return;
        };
        let mut known = Vec::new();
        for id in cited {
            match registry.get(id) {
                Some(s) => {
                    cited_idx.push(s.index);
                    known.push(s)
                }
                None => out.push(at(
                    &pv::UNKNOWN_SOURCE,
                    f_ids,
                    format!(
                        "`{}` is not in the source registry `{}`",
                        escape_value(id, 80),
                        registry.path
                    ),
                )),
            }
        }
        if self.policy.require_official && !known.is_empty() && !known.iter().any(|s| s.official) {
            out.push(at(
                &pv::OFFICIAL_SOURCE_REQUIRED,
                f_ids,
                format!(
                    "the record cites only secondary sources ({})",
                    cited.join(", ")
                ),
            ));
        }
        if self.policy.require_official {
            if let Some(msg) = official_copy_finding(&known) {
                out.push(at(&pv::OFFICIAL_COPY_INCOMPLETE, f_ids, msg));
            }
        }
        if let Some((labels, f_scheme, f_value)) = &self.labels {
            if let (Some(scheme), Some(value)) = (view.text(*f_scheme), view.text(*f_value)) {
                if let Some(msg) = label_finding(labels, registry, &known, scheme, value) {
                    out.push(at(&dm::IDENTIFIER_LABEL_MISMATCH, *f_scheme, msg));
                }
            }
        }
        for &f in &self.event_fields {
            let Some(text) = view.text(f) else { continue };
            let Some(event) = PartialDate::parse(text) else {
                continue;
            };
            let note = self.f_note.and_then(|n| view.text(n));
            if let Some((explained, msg)) = date_finding(registry, &known, text, note) {
                let d = at(&pv::DATE_NOT_IN_SOURCE, f, msg);
                out.push(if explained {
                    d.severity(kpdata_diagnostics::Severity::Info)
                } else {
                    d
                });
            }
            let issued: Vec<_> = known.iter().filter_map(|s| s.issued).collect();
            if !issued.is_empty()
                && issued.len() == known.len()
                && issued.iter().all(|i| event.earliest() > i.latest())
            {
                out.push(at(
                    &pv::EVENT_AFTER_SOURCE,
                    f,
                    format!("`{text}` is after the issued date of every cited source"),
                ));
            }
        }
        let Some(f_quote) = self.f_quote else {
            if self.policy.require_quote {
                out.push(at(
                    &pv::MISSING_QUOTE,
                    f_ids,
                    "the dataset needs a verbatim quote, but its schema has no `quote` field"
                        .into(),
                ));
            }
            return;
        };
        let quote = view.text(f_quote).filter(|q| !q.trim().is_empty());
        match quote {
            None if self.policy.require_quote && !unreadable.contains(&"quote") => {
                out.push(at(
                    &pv::MISSING_QUOTE,
                    f_quote,
                    "the record needs a verbatim quote from its source".into(),
                ));
            }
            None => {}
            Some(q) => {
                if known.is_empty() {
                    return;
                }
                let folded = normalize(q);
                let mut texts = Vec::new();
                for s in &known {
                    let key = (s.id.clone(), folded.clone());
                    if let Some(hit) = self
                        .quote_cache
                        .lock()
                        .ok()
                        .and_then(|c| c.get(&key).copied())
                    {
                        if hit {
                            return;
                        }
                        continue;
                    }
                    let Some(text) = registry.text(&s.id) else {
                        continue;
                    };
                    let hit = text.contains(&folded);
                    if let Ok(mut c) = self.quote_cache.lock() {
                        if c.len() < 100_000 {
                            c.insert(key, hit);
                        }
                    }
                    if hit {
                        return;
                    }
                    texts.push((s, text));
                }
                let closest = texts
                    .iter()
                    .filter_map(|(s, t)| t.closest(&folded).map(|(p, n)| (n, p, s)))
                    .max_by_key(|(n, _, _)| *n);
                let sources: Vec<String> = known.iter().map(|s| format!("`{}`", s.id)).collect();
                let mut d = at(
                    &pv::QUOTE_NOT_FOUND,
                    f_quote,
                    format!(
                        "the quote is not in the archived text of {}",
                        sources.join(", ")
                    ),
                );
                if let Some((n, passage, s)) = closest {
                    let agree: String = folded.chars().take(n).collect();
                    d.message.push_str(&format!(
                        "; closest passage in `{}`: \"{}\" (the first {} characters agree: \"{}\")",
                        s.archive_path.as_deref().unwrap_or(&s.id),
                        escape_value(&passage, 160),
                        n,
                        escape_value(&agree, 80)
                    ));
                }
                out.push(d);
            }
        }
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
