//! Text hygiene: `invisible-character`, `not-nfc` and `formula-injection` on text cells,
//! `mixed-script` on names with no script column, and `script-mismatch` (KP701) on names with
//! one (`x-script-of`).

use kpdata_diagnostics::rules::{domain as dm, schema as rs, structure as st};
use kpdata_diagnostics::{escape_value, Diagnostic};
use kpdata_package::{FieldKind, FieldType};

use super::{RecordCtx, RecordRule, RecordRuleFor, Worker};
use crate::record::DatasetContext;
use crate::text::{
    describe_char, first_invisible, first_invisible_in_cell, first_invisible_in_text, is_nfc,
    is_printable_ascii, looks_like_formula, mixed_script, script_mismatch,
};

pub(super) const RECORD: &[RecordRuleFor] = &[text, mixed, scripts];

/// Invisible characters, NFC and formulas in every text cell.
struct Text {
    /// The fields, and whether each is a plain string (the formula check applies).
    fields: Vec<(usize, bool)>,
}

fn text(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    let fields: Vec<(usize, bool)> = ds
        .schema
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
    (!fields.is_empty()).then(|| Box::new(Text { fields }) as Box<dyn RecordRule>)
}

impl RecordRule for Text {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        // One pass over the whole record when it is printable ASCII (most are): then only the
        // formula check is left, on the plain string fields.
        if rec.view.all_printable_ascii() {
            for &(i, stringy) in &self.fields {
                if stringy && rec.text(i).is_some_and(looks_like_formula) {
                    self.check_field(rec, i, stringy, out);
                }
            }
            return;
        }
        for &(i, stringy) in &self.fields {
            self.check_field(rec, i, stringy, out);
        }
    }
}

impl Text {
    /// The text checks of field `i`.
    fn check_field(&self, rec: &RecordCtx<'_>, i: usize, stringy: bool, out: &mut Vec<Diagnostic>) {
        let spec = &rec.ds.schema.fields[i];
        // Printable ASCII has no invisible characters, is NFC, and needs only the formula
        // check: most cells end here.
        if let Some(t) = rec.text(i) {
            if is_printable_ascii(t) && !(stringy && looks_like_formula(t)) {
                return;
            }
        }
        for s in rec.view.items(i) {
            let bad = match spec.kind {
                FieldKind::Id | FieldKind::Name => first_invisible(s),
                FieldKind::Text => first_invisible_in_text(s),
                FieldKind::Other => first_invisible_in_cell(s),
            };
            if let Some((n, c)) = bad {
                out.push(rec.at(
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
                out.push(rec.at(
                    &rs::NOT_NFC,
                    i,
                    format!("`{}` is not in Unicode NFC", escape_value(s, 80)),
                ));
            }
            if stringy && looks_like_formula(s) {
                out.push(rec.at(
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
}

/// The fields naming the script of another field (`x-script-of`): (script field, name field).
fn script_fields(ds: &DatasetContext) -> Vec<(usize, usize)> {
    ds.schema
        .fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let of = f.schema.get("x-script-of")?.as_str()?;
            Some((i, ds.schema.field_index(of)?))
        })
        .collect()
}

/// `mixed-script` on name fields with no script column.
struct Mixed {
    fields: Vec<usize>,
}

fn mixed(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    let scripts = script_fields(ds);
    let fields: Vec<usize> = ds
        .fields_where(|f| f.kind == FieldKind::Name)
        .into_iter()
        .filter(|i| !scripts.iter().any(|&(_, name)| name == *i))
        .collect();
    (!fields.is_empty()).then(|| Box::new(Mixed { fields }) as Box<dyn RecordRule>)
}

impl RecordRule for Mixed {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        for &i in &self.fields {
            for s in rec.view.items(i) {
                if let Some(msg) = mixed_script(s) {
                    out.push(rec.at(&rs::MIXED_SCRIPT, i, msg));
                }
            }
        }
    }
}

/// `script-mismatch` (KP701): a name's letters against its script column.
struct Scripts {
    fields: Vec<(usize, usize)>,
}

fn scripts(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    let fields = script_fields(ds);
    (!fields.is_empty()).then(|| Box::new(Scripts { fields }) as Box<dyn RecordRule>)
}

impl RecordRule for Scripts {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        for &(script, name) in &self.fields {
            if let (Some(sc), Some(n)) = (rec.text(script), rec.text(name)) {
                if let Some(msg) = script_mismatch(n, sc) {
                    out.push(rec.at(&dm::SCRIPT_MISMATCH, script, msg));
                }
            }
        }
    }
}
