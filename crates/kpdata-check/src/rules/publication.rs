//! What may be published: `sensitivity` (KP417: every record is marked `public` or
//! `restricted`, and every package schema has the field) and the URL rules (KP413
//! `url-scheme`, KP414 `url-credentials`, KP415 `url-relative`).

use kpdata_diagnostics::rules::provenance as pv;
use kpdata_diagnostics::{escape_value, Diagnostic};

use super::{
    DatasetInfo, PackageCtx, PackageRule, PackageRuleFor, Plan, RecordCtx, RecordRule,
    RecordRuleFor, Worker,
};
use crate::record::DatasetContext;
use crate::registry::url_problem;

pub(super) const RECORD: &[RecordRuleFor] = &[sensitivity, urls];
pub(super) const PACKAGE: &[PackageRuleFor] = &[sensitivity_field];

/// Each record's `sensitivity` (package datasets).
struct Sensitivity {
    field: usize,
}

fn sensitivity(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    let field = ds.schema.field_index("sensitivity")?;
    ds.policy
        .sensitivity
        .then(|| Box::new(Sensitivity { field }) as Box<dyn RecordRule>)
}

impl RecordRule for Sensitivity {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        if !rec.readable("sensitivity") {
            return;
        }
        let f = self.field;
        match rec.text(f) {
            Some("public" | "restricted") => {}
            Some(other) => out.push(rec.at(
                &pv::SENSITIVITY,
                f,
                format!(
                    "`{}` is not `public` or `restricted`",
                    escape_value(other, 40)
                ),
            )),
            None => out.push(rec.at(
                &pv::SENSITIVITY,
                f,
                "the record has no sensitivity; mark it `public` or `restricted`".into(),
            )),
        }
    }
}

/// URL fields (`format` `uri`, `url` or `iri`, or named `url`): http(s) only, absolute, no
/// credentials.
struct Urls {
    fields: Vec<usize>,
}

fn urls(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    let fields = ds.fields_where(|f| {
        matches!(f.format.as_deref(), Some("uri" | "url" | "iri")) || f.name == "url"
    });
    (!fields.is_empty()).then(|| Box::new(Urls { fields }) as Box<dyn RecordRule>)
}

impl RecordRule for Urls {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        for &f in &self.fields {
            if let Some(u) = rec.text(f) {
                if let Some((rule, msg)) = url_problem(u) {
                    out.push(rec.at(rule, f, msg));
                }
            }
        }
    }
}

/// A package schema with no `sensitivity` field.
struct SensitivityField;

fn sensitivity_field<'a>(_: &PackageCtx<'a>) -> Option<Box<dyn PackageRule + 'a>> {
    Some(Box::new(SensitivityField))
}

impl PackageRule for SensitivityField {
    fn declared(&mut self, ds: &DatasetInfo<'_>, out: &mut Vec<Diagnostic>) {
        if ds.schema.field("sensitivity").is_none() {
            out.push(
                Diagnostic::new(
                    &pv::SENSITIVITY,
                    format!(
                        "the schema of `{}` has no `sensitivity` field; every dataset marks each record `public` or `restricted`",
                        ds.ds.name
                    ),
                )
                .path(ds.ds.schema.clone()),
            );
        }
    }

    fn begin(&mut self, _: &DatasetInfo<'_>, _: &mut Plan) -> bool {
        false
    }
}
