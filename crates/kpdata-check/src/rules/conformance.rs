//! Conformance to the record schema: every JSON Schema violation (the KP2xx codes `jsonschema`
//! and [`crate::schema`] map keywords to), and `number-not-publishable` (KP212): numbers a
//! release could not publish unchanged.

use kpdata_diagnostics::rules::schema as rs;
use kpdata_diagnostics::Diagnostic;
use kpdata_package::FieldType;
use kpdata_read::typing::{typed_value, unpublishable_number};

use super::{RecordCtx, RecordRule, RecordRuleFor, Worker};
use crate::fast::FastSchema;
use crate::record::DatasetContext;

pub(super) const RECORD: &[RecordRuleFor] = &[schema, numbers];

/// The schema. The fast path proves most rows valid. A row whose only problems are in some
/// properties and some root keywords (a conditional, `required`) has just those validated by
/// `jsonschema`, each alone; any other row is validated whole.
struct Schema<'a> {
    ds: &'a DatasetContext,
    /// This worker's own copy of the fast path (patterns that run on the `regex` crate get
    /// their own cache pool in a copy: workers sharing one pool take a lock per match).
    fast: Option<FastSchema>,
    failing: Vec<usize>,
}

fn schema(ds: &DatasetContext, w: Worker) -> Option<Box<dyn RecordRule + '_>> {
    Some(Box::new(Schema {
        ds,
        fast: ds.fast.clone().filter(|_| w.fast),
        failing: Vec::new(),
    }))
}

impl RecordRule for Schema<'_> {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        let ds = self.ds;
        let view = rec.view;
        let mut keywords = Vec::new();
        let decided = match (&self.fast, &ds.props) {
            (Some(fast), Some(props)) if view.is_csv() => {
                fast.failing_parts(|i| view.text(i), &mut self.failing, &mut keywords)
                    && keywords.iter().all(|k| props.has_keyword(k))
            }
            _ => false,
        };
        let mut violations = Vec::new();
        if let (true, Some(props)) = (decided, &ds.props) {
            for &i in &self.failing {
                if let Some(text) = view.text(i) {
                    let value = typed_value(&ds.schema.fields[i].ty, text);
                    violations.extend(props.violations(i, ds.name(i), &value));
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
            if !ds.compiled.is_valid(&record) {
                violations = ds.compiled.violations(&record);
            }
        }
        for v in violations {
            if let Some(f) = &v.field {
                if !rec.readable(f) {
                    continue;
                }
            }
            let mut d = Diagnostic::new(v.rule, v.message)
                .path(ds.path.clone())
                .row(rec.pos.row)
                .line(rec.pos.line)
                .pointer(format!("{}{}", rec.pos.pointer_prefix, v.pointer));
            if let Some(f) = v.field {
                if let Some(c) = ds.schema.field_index(&f).and_then(|i| view.column(i)) {
                    d = d.column(c);
                }
                d = d.field(f);
            }
            out.push(d);
        }
    }
}

/// `number-not-publishable` on the `integer` and `number` fields (and arrays of them) of a CSV
/// file (a JSON input has KP115 instead).
struct Numbers {
    fields: Vec<usize>,
}

fn numbers(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    fn numeric(t: &FieldType) -> bool {
        match t {
            FieldType::Integer | FieldType::Number => true,
            FieldType::Array { item, .. } => numeric(item),
            _ => false,
        }
    }
    let fields = ds.fields_where(|f| numeric(&f.ty));
    (!fields.is_empty()).then(|| Box::new(Numbers { fields }) as Box<dyn RecordRule>)
}

impl RecordRule for Numbers {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        if !rec.view.is_csv() {
            return;
        }
        for &i in &self.fields {
            if !rec.readable(rec.ds.name(i)) {
                continue;
            }
            let Some(text) = rec.text(i) else { continue };
            if let Some(msg) = unpublishable_number(&rec.ds.schema.fields[i].ty, text) {
                out.push(rec.at(&rs::NUMBER_NOT_PUBLISHABLE, i, msg));
            }
        }
    }
}
