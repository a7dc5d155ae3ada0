//! `kpdata validate --schema S FILE...`: any CSV or JSON file against a record schema, without
//! a package (no registry, no keys).

use std::sync::Arc;

use kpdata_diagnostics::Report;
use kpdata_package::{Limits, RecordSchema};

use crate::dates::Day;
use crate::fast::FastSchema;
use crate::pipeline::{check_csv, check_values};
use crate::record::{DatasetContext, Policy};
use crate::schema::CompiledSchema;

/// One input file: the path shown in findings and its bytes' source.
pub struct Input {
    pub display: String,
    pub reader: Box<dyn std::io::Read + Send>,
    pub json: bool,
}

/// What `kpdata validate --explain-speed` prints: whether rows of `schema` are judged on the
/// fast path, and each part of the schema that is not, with its schema pointer and why.
pub fn explain_speed(schema: &RecordSchema) -> Vec<String> {
    let a = FastSchema::analyse(schema);
    let names: Vec<String> = schema.fields.iter().map(|f| f.name.clone()).collect();
    let alone = CompiledSchema::compile_properties(&schema.json, &names).is_some();
    let head = match (&a.fast, alone) {
        (Some(_), true) if a.notes.is_empty() => "the fast path covers the whole schema",
        (Some(_), true) => "the fast path covers the schema, except:",
        (Some(_), false) => "every row is validated whole by jsonschema: a property subschema cannot be validated on its own (it refers outside `$defs`)",
        (None, _) => "every row is validated whole by jsonschema, because of:",
    };
    let mut lines = vec![format!("{}: {head}", schema.path)];
    lines.extend(a.notes.iter().map(|n| format!("  {n}")));
    lines
}

/// Checks every input against `schema`, dates against `reference` when given. A schema that
/// cannot be compiled is a finding too.
pub fn validate_files(
    schema: &RecordSchema,
    inputs: Vec<Input>,
    limits: &Limits,
    jobs: usize,
    cap: usize,
    reference: Option<Day>,
) -> std::io::Result<Report> {
    let mut report = Report::new(cap);
    let compiled = match CompiledSchema::compile(&schema.json, &schema.path) {
        Ok(c) => c,
        Err(d) => {
            report.push(*d);
            return Ok(report);
        }
    };
    let schema = Arc::new(schema.clone());
    for input in inputs {
        let ctx = DatasetContext::new(
            &input.display,
            schema.clone(),
            compiled.clone(),
            Policy {
                reference,
                ..Policy::default()
            },
            None,
            Vec::new(),
        );
        // Findings go straight into the report, which keeps `cap` per rule and counts the rest.
        let mut records = 0u64;
        if input.json {
            // The reader keeps `cap` findings per rule too and counts the rest.
            let capped = Limits {
                findings_per_rule: cap as u64,
                ..*limits
            };
            let out = kpdata_read::json::read_json(input.reader, &input.display, &capped)?;
            report.extend(out.diagnostics);
            for d in out.dropped {
                report.count_suppressed(
                    Some(input.display.clone()),
                    d.code,
                    d.name,
                    d.severity,
                    d.count,
                );
            }
            let recs = out.records;
            records = recs.len() as u64;
            check_values(&recs, &ctx, &mut |d| report.push(d), &mut |_| {});
        } else {
            let stats = check_csv(
                input.reader,
                &ctx,
                limits,
                jobs,
                &mut |d| report.push(d),
                &mut |_| {},
            )?;
            records += stats.records;
        }
        report.summary.files += 1;
        report.summary.records += records;
    }
    Ok(report)
}
