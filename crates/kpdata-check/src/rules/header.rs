//! Header rules, judged when the pipeline maps a CSV file's header onto the record schema
//! (`pipeline.rs`): `incorrect-label` (KP104: a column a closed schema does not know, with the
//! nearest field name as a hint) and `missing-label` (KP105: a required field with no
//! column). Blank and duplicate labels (KP102, KP103) are the CSV reader's.

use kpdata_diagnostics::rules::structure as st;
use kpdata_diagnostics::{escape_value, Diagnostic};

use crate::record::DatasetContext;

/// KP104 for the label of header column `column` (0-based).
pub fn incorrect_label(ctx: &DatasetContext, label: &str, column: usize) -> Diagnostic {
    let schema = &ctx.schema;
    let near = schema
        .fields
        .iter()
        .map(|f| (edit_distance(&f.name, label), &f.name))
        .filter(|(d, _)| *d <= 2)
        .min();
    let d = Diagnostic::new(
        &st::INCORRECT_LABEL,
        format!(
            "`{}` is not a field of the schema `{}`",
            escape_value(label, 80),
            schema.path
        ),
    )
    .path(ctx.path.clone())
    .row(1)
    .line(1)
    .column(column as u64 + 1)
    .field(label.to_string());
    match near {
        Some((_, n)) => d.hint(format!("did you mean `{n}`?")),
        None => d,
    }
}

/// KP105 for the required field `field`.
pub fn missing_label(ctx: &DatasetContext, field: &str) -> Diagnostic {
    Diagnostic::new(
        &st::MISSING_LABEL,
        format!("the required field `{field}` has no column"),
    )
    .path(ctx.path.clone())
    .row(1)
    .line(1)
    .field(field.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}
