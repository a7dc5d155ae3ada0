//! Dates against time: `date-after-reference` (KP410: no date after the reference day, HEAD's
//! commit day or `--reference-date`) and `accessed-before-issued` (KP411: the registry's own
//! date order). The date window of a designation (KP430) is judged with the identity rules.

use kpdata_diagnostics::rules::provenance as pv;
use kpdata_diagnostics::{escape_value, Diagnostic};
use kpdata_package::CitePolicy;

use super::{RecordCtx, RecordRule, RecordRuleFor, Worker};
use crate::dates::{format_day, Day, PartialDate};
use crate::record::DatasetContext;

pub(super) const RECORD: &[RecordRuleFor] = &[after_reference, accessed_before_issued];

/// Every `date` and `partial-date` field against the reference day.
struct AfterReference {
    reference: Day,
    fields: Vec<usize>,
}

fn after_reference(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    let reference = ds.policy.reference?;
    let fields = ds.fields_where(|f| matches!(f.format.as_deref(), Some("date" | "partial-date")));
    (!fields.is_empty())
        .then(|| Box::new(AfterReference { reference, fields }) as Box<dyn RecordRule>)
}

impl RecordRule for AfterReference {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        for &f in &self.fields {
            let Some(text) = rec.text(f) else { continue };
            if let Some(d) = PartialDate::parse(text) {
                if d.earliest() > self.reference {
                    out.push(rec.at(
                        &pv::DATE_AFTER_REFERENCE,
                        f,
                        format!(
                            "`{}` is after the reference date {}",
                            escape_value(text, 20),
                            format_day(self.reference)
                        ),
                    ));
                }
            }
        }
    }
}

/// The registry's `accessed` is not before its `issued`.
struct AccessedBeforeIssued {
    issued: usize,
    accessed: usize,
}

fn accessed_before_issued(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    if ds.policy.cite != Some(CitePolicy::Registry) {
        return None;
    }
    Some(Box::new(AccessedBeforeIssued {
        issued: ds.schema.field_index("issued")?,
        accessed: ds.schema.field_index("accessed")?,
    }))
}

impl RecordRule for AccessedBeforeIssued {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        let (ti, ta) = (rec.text(self.issued), rec.text(self.accessed));
        if let (Some(i), Some(a)) = (
            ti.and_then(PartialDate::parse),
            ta.and_then(PartialDate::parse),
        ) {
            if a.latest() < i.earliest() {
                out.push(rec.at(
                    &pv::ACCESSED_BEFORE_ISSUED,
                    self.accessed,
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
