//! Citations: `no-citation` (KP402: a record, or a whole schema, that cites nothing where the
//! dataset needs citations), `unknown-source` (KP401), `official-source-required` (KP409),
//! `official-copy-incomplete` (KP419), and `source-uncited` (KP416: a registered source no
//! record cites). What the cited sources must support (quotes, dates, identifier labels) is
//! the `support` family.

use std::sync::Arc;

use kpdata_diagnostics::rules::provenance as pv;
use kpdata_diagnostics::{escape_value, Diagnostic};
use kpdata_package::CitePolicy;

use super::{
    Columns, DatasetInfo, PackageCtx, PackageRule, PackageRuleFor, Plan, RecordCtx, RecordRule,
    RecordRuleFor, Worker,
};
use crate::evidence::official_copy_finding;
use crate::record::{DatasetContext, RecordFacts};
use crate::registry::Registry;

pub(super) const RECORD: &[RecordRuleFor] = &[citations];
pub(super) const PACKAGE: &[PackageRuleFor] = &[citation_field, source_uncited];

/// A record's citations against the registry and the dataset's policy.
struct Citations {
    required: bool,
    official: bool,
}

fn citations(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    let required = match ds.policy.cite {
        Some(CitePolicy::Required) => true,
        Some(CitePolicy::Optional) => false,
        _ => return None,
    };
    Some(Box::new(Citations {
        required,
        official: ds.policy.require_official,
    }))
}

impl RecordRule for Citations {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        let c = rec.cited;
        if !c.checked {
            return;
        }
        if c.ids.is_empty() {
            if self.required {
                out.push(rec.at(
                    &pv::NO_CITATION,
                    c.field,
                    "the record cites no source".into(),
                ));
            }
            return;
        }
        let Some(registry) = c.registry else {
            return;
        };
        for id in &c.unknown {
            out.push(rec.at(
                &pv::UNKNOWN_SOURCE,
                c.field,
                format!(
                    "`{}` is not in the source registry `{}`",
                    escape_value(id, 80),
                    registry.path
                ),
            ));
        }
        if !self.official {
            return;
        }
        if !c.known.is_empty() && !c.known.iter().any(|s| s.official) {
            out.push(rec.at(
                &pv::OFFICIAL_SOURCE_REQUIRED,
                c.field,
                format!(
                    "the record cites only secondary sources ({})",
                    c.ids.join(", ")
                ),
            ));
        }
        if let Some(msg) = official_copy_finding(&c.known) {
            out.push(rec.at(&pv::OFFICIAL_COPY_INCOMPLETE, c.field, msg));
        }
    }
}

/// A schema with no `source_ids` in a dataset that needs citations.
struct CitationField;

fn citation_field<'a>(_: &PackageCtx<'a>) -> Option<Box<dyn PackageRule + 'a>> {
    Some(Box::new(CitationField))
}

impl PackageRule for CitationField {
    fn declared(&mut self, ds: &DatasetInfo<'_>, out: &mut Vec<Diagnostic>) {
        if ds.ds.cite == CitePolicy::Required && ds.schema.field("source_ids").is_none() {
            out.push(
                Diagnostic::new(
                    &pv::NO_CITATION,
                    format!(
                        "the schema of `{}` has no `source_ids` field, so its records can cite nothing; the dataset needs citations (`cite = \"required\"`)",
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

/// `source-uncited`: which registered sources the records cite, judged at the end.
struct SourceUncited {
    registry: Arc<Registry>,
    /// The registry dataset's path.
    path: String,
    cited: Vec<bool>,
}

fn source_uncited<'a>(ctx: &PackageCtx<'a>) -> Option<Box<dyn PackageRule + 'a>> {
    let registry = ctx.registry.clone()?;
    let ds = ctx
        .pkg
        .manifest
        .dataset(&ctx.pkg.manifest.provenance.registry)?;
    Some(Box::new(SourceUncited {
        cited: vec![false; registry.len()],
        registry,
        path: ds.path.clone(),
    }))
}

impl PackageRule for SourceUncited {
    fn begin(&mut self, ds: &DatasetInfo<'_>, _: &mut Plan) -> bool {
        matches!(ds.ds.cite, CitePolicy::Required | CitePolicy::Optional)
    }

    fn observe(&mut self, rec: &RecordFacts<'_>) {
        for &i in rec.cited {
            self.cited[i as usize] = true;
        }
    }

    fn finish(&mut self, _: &Columns<'_>, out: &mut Vec<Diagnostic>) {
        let reg = &self.registry;
        let mut uncited: Vec<_> = reg
            .ids()
            .filter_map(|id| reg.get(id))
            .filter(|s| !self.cited[s.index as usize])
            .collect();
        uncited.sort_by_key(|s| s.row);
        for s in uncited {
            out.push(
                Diagnostic::new(
                    &pv::SOURCE_UNCITED,
                    format!("no record cites the source `{}`", s.id),
                )
                .path(self.path.clone())
                .row(s.row)
                .line(s.line)
                .field("source_id"),
            );
        }
    }
}
