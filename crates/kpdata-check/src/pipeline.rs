//! One file, streamed: the reader thread parses batches, workers check them, and the caller's
//! sinks receive findings and key facts in record order, whatever the thread count.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use crossbeam_channel::bounded;
use kpdata_diagnostics::Diagnostic;
use kpdata_package::{FieldType, Limits, RecordSchema};
use kpdata_read::typing::typed_value;
use kpdata_read::{Batch, Cell, CsvReader, RecordRef};
use serde_json::{Map, Value};

use crate::record::{BatchFacts, DatasetContext, JsonView, Pos, RecordFacts, RecordView};
use crate::rules::header::{incorrect_label, missing_label};
use crate::rules::{record_rules, RecordRules, Worker};

/// How header columns map onto schema fields.
struct Mapping {
    /// Per header column: the field name and type to read it as (None: ignored column).
    columns: Vec<Option<(String, FieldType)>>,
    /// Schema field index → header column (0-based).
    field_col: Vec<Option<usize>>,
    /// Required fields with no column (reported once as missing-label).
    absent: Vec<String>,
    /// Whether some column is read that is not a schema field (an open schema's extra column).
    extras: bool,
}

/// Counts for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileStats {
    pub header: Vec<String>,
    pub rows: u64,
    pub records: u64,
    pub bytes: u64,
}

fn mapping(header: &[String], ctx: &DatasetContext, out: &mut Vec<Diagnostic>) -> Mapping {
    let schema = &ctx.schema;
    let mut columns = Vec::with_capacity(header.len());
    let mut column_of = HashMap::new();
    for (i, label) in header.iter().enumerate() {
        if label.is_empty() || column_of.contains_key(label) {
            columns.push(None);
            continue;
        }
        match schema.field(label) {
            Some(f) => {
                column_of.insert(label.clone(), i as u64 + 1);
                columns.push(Some((label.clone(), f.ty.clone())));
            }
            None if schema.closed => {
                out.push(incorrect_label(ctx, label, i));
                columns.push(None);
            }
            None => {
                column_of.insert(label.clone(), i as u64 + 1);
                columns.push(Some((label.clone(), FieldType::String)));
            }
        }
    }
    let mut absent = Vec::new();
    if !header.is_empty() {
        for f in &schema.fields {
            if !column_of.contains_key(&f.name) {
                if f.required {
                    out.push(missing_label(ctx, &f.name));
                }
                absent.push(f.name.clone());
            }
        }
    }
    let field_col = schema
        .fields
        .iter()
        .map(|f| column_of.get(&f.name).map(|c| *c as usize - 1))
        .collect();
    let extras = columns
        .iter()
        .flatten()
        .any(|(n, _)| schema.field(n).is_none());
    Mapping {
        columns,
        field_col,
        absent,
        extras,
    }
}

/// A CSV record as a [`RecordView`]: cells are read in place; the typed record is built only
/// when the `jsonschema` crate has to see it.
struct CsvView<'a> {
    rec: RecordRef<'a>,
    m: &'a Mapping,
    schema: &'a RecordSchema,
    /// The text of each schema field (None: empty, missing or unreadable), sliced once.
    texts: &'a [Option<&'a str>],
}

impl RecordView for CsvView<'_> {
    fn text(&self, field: usize) -> Option<&str> {
        self.texts[field]
    }
    fn all_printable_ascii(&self) -> bool {
        self.rec
            .all_text()
            .is_some_and(crate::text::is_printable_ascii)
    }
    fn items(&self, field: usize) -> Vec<&str> {
        let Some(text) = self.text(field) else {
            return Vec::new();
        };
        match &self.schema.fields[field].ty {
            FieldType::Array { separator, .. } => {
                kpdata_read::typing::split_array(text, separator).collect()
            }
            _ => vec![text],
        }
    }
    fn key_into(&self, field: usize, out: &mut String) -> Option<()> {
        let text = self.text(field)?;
        match &self.schema.fields[field].ty {
            FieldType::Array { separator, .. } => {
                for (n, item) in kpdata_read::typing::split_array(text, separator).enumerate() {
                    if n > 0 {
                        out.push(crate::keys::KEY_SEPARATOR);
                    }
                    out.push_str(item);
                }
            }
            _ => out.push_str(text),
        }
        Some(())
    }
    fn to_value(&self) -> Value {
        let mut rec = Map::new();
        for (i, col) in self.m.columns.iter().enumerate() {
            let Some((name, ty)) = col else { continue };
            if let Some(v) = self.rec.value(i) {
                rec.insert(name.clone(), typed_value(ty, v));
            }
        }
        Value::Object(rec)
    }
    fn column(&self, field: usize) -> Option<u64> {
        self.m.field_col[field].map(|c| c as u64 + 1)
    }
    fn is_csv(&self) -> bool {
        true
    }
}

/// `rules` are the record rules of the thread checking the batch (see [`record_rules`]).
fn check_batch(
    batch: &Batch,
    m: &Mapping,
    ctx: &DatasetContext,
    rules: &mut RecordRules<'_>,
) -> (Vec<Diagnostic>, BatchFacts) {
    let mut diags = batch.diagnostics.clone();
    let mut facts = BatchFacts::new(ctx.key_sets.len());
    let mut unreadable: Vec<&str> = Vec::new();
    let width = m.columns.len();
    let mut texts: Vec<Option<&str>> = Vec::with_capacity(m.field_col.len());
    for r in batch.records() {
        unreadable.clear();
        unreadable.extend(m.absent.iter().map(String::as_str));
        // A full row of readable cells has nothing unreadable: skip the scan.
        if r.len() < width || r.has_invalid() {
            for (i, col) in m.columns.iter().enumerate() {
                if let Some((name, _)) = col {
                    if matches!(r.cell(i), Cell::Missing | Cell::Invalid) {
                        unreadable.push(name);
                    }
                }
            }
        }
        texts.clear();
        texts.extend(m.field_col.iter().map(|c| c.and_then(|c| r.value(c))));
        let view = CsvView {
            rec: r,
            m,
            schema: &ctx.schema,
            texts: &texts,
        };
        let pos = Pos {
            row: r.row,
            line: r.line,
            offset: r.byte,
            pointer_prefix: "",
        };
        ctx.check(rules, &view, pos, &unreadable, &mut diags, &mut facts);
    }
    (diags, facts)
}

/// Checks one CSV file. `on_diag` and `on_facts` are called in record order.
pub fn check_csv<R: Read + Send>(
    input: R,
    ctx: &DatasetContext,
    limits: &Limits,
    jobs: usize,
    on_diag: &mut dyn FnMut(Diagnostic),
    on_facts: &mut dyn FnMut(RecordFacts<'_>),
) -> std::io::Result<FileStats> {
    let mut reader = CsvReader::new(input, &ctx.path, limits);
    let mut first = Batch::default();
    let mut more = reader.next_batch(&mut first)?;
    // Blank lines before the header fill batches of findings with no record.
    while more && reader.header().is_none() {
        first.diagnostics.drain(..).for_each(&mut *on_diag);
        more = reader.next_batch(&mut first)?;
    }
    let mut header_diags = Vec::new();
    let header = reader.header().unwrap_or_default().to_vec();
    let m = mapping(&header, ctx, &mut header_diags);
    header_diags.into_iter().for_each(&mut *on_diag);
    // Extra columns are properties of the record too: a schema with a keyword that sees them
    // (`propertyNames`, `minProperties`, ...) leaves such a file to `jsonschema`.
    let w = Worker {
        fast: ctx
            .fast
            .as_ref()
            .is_some_and(|f| !m.extras || f.allows_extra_columns()),
    };
    let mut rules = record_rules(ctx, w);
    let (d, f) = check_batch(&first, &m, ctx, &mut rules);
    d.into_iter().for_each(&mut *on_diag);
    let mut records = f.len() as u64;
    f.iter().for_each(&mut *on_facts);
    if !more {
        return Ok(FileStats {
            header: header.clone(),
            rows: reader.rows(),
            records,
            bytes: reader.bytes(),
        });
    }
    if jobs <= 1 {
        let mut batch = first;
        loop {
            let more = reader.next_batch(&mut batch)?;
            let (d, f) = check_batch(&batch, &m, ctx, &mut rules);
            d.into_iter().for_each(&mut *on_diag);
            records += f.len() as u64;
            f.iter().for_each(&mut *on_facts);
            if !more {
                return Ok(FileStats {
                    header: header.clone(),
                    rows: reader.rows(),
                    records,
                    bytes: reader.bytes(),
                });
            }
        }
    }
    let workers = jobs;
    let (work_tx, work_rx) = bounded::<(u64, Batch)>(workers * 2);
    let (done_tx, done_rx) = bounded::<(u64, Vec<Diagnostic>, BatchFacts)>(workers * 2);
    let (recycle_tx, recycle_rx) = bounded::<Batch>(workers * 4);
    let _ = recycle_tx.try_send(first);
    std::thread::scope(|scope| {
        let reader_handle = scope.spawn(move || -> std::io::Result<CsvReader<R>> {
            let mut seq = 0u64;
            loop {
                let mut batch = recycle_rx.try_recv().unwrap_or_default();
                let more = reader.next_batch(&mut batch)?;
                if work_tx.send((seq, batch)).is_err() {
                    return Ok(reader);
                }
                seq += 1;
                if !more {
                    return Ok(reader);
                }
            }
        });
        for _ in 0..workers {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            let recycle_tx = recycle_tx.clone();
            let m = &m;
            scope.spawn(move || {
                // Each worker has its own rules (and its own copy of the fast path).
                let mut rules = record_rules(ctx, w);
                for (seq, batch) in work_rx {
                    let (d, f) = check_batch(&batch, m, ctx, &mut rules);
                    let _ = recycle_tx.try_send(batch);
                    if done_tx.send((seq, d, f)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        drop(work_rx);
        let mut next = 0u64;
        let mut pending = BTreeMap::new();
        for (seq, d, f) in done_rx {
            pending.insert(seq, (d, f));
            while let Some((d, f)) = pending.remove(&next) {
                d.into_iter().for_each(&mut *on_diag);
                records += f.len() as u64;
                f.iter().for_each(&mut *on_facts);
                next += 1;
            }
        }
        let reader = reader_handle.join().expect("reader thread panicked")?;
        Ok(FileStats {
            header,
            rows: reader.rows(),
            records,
            bytes: reader.bytes(),
        })
    })
}

/// Checks records that are already typed JSON objects (from the JSON reader).
pub fn check_values(
    records: &[kpdata_read::json::JsonRecord],
    ctx: &DatasetContext,
    on_diag: &mut dyn FnMut(Diagnostic),
    on_facts: &mut dyn FnMut(RecordFacts<'_>),
) {
    let mut diags = Vec::new();
    let empty = Map::new();
    let mut rules = record_rules(ctx, Worker { fast: false });
    for r in records {
        let obj = r.value.as_object().unwrap_or(&empty);
        let prefix = format!("/{}", r.row - 1);
        let pos = Pos {
            row: r.row,
            line: r.line,
            offset: r.offset,
            pointer_prefix: &prefix,
        };
        let view = JsonView {
            map: obj,
            schema: &ctx.schema,
        };
        let mut facts = BatchFacts::new(ctx.key_sets.len());
        ctx.check(&mut rules, &view, pos, &[], &mut diags, &mut facts);
        diags.drain(..).for_each(&mut *on_diag);
        facts.iter().for_each(&mut *on_facts);
    }
}
