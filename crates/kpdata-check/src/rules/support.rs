//! What the cited sources must support, judged against their archived texts:
//! `identifier-label-mismatch` (KP703), `date-not-in-source` (KP421), `event-after-source`
//! (KP412), `missing-quote` (KP408) and `quote-not-found` (KP407). These rules look at a record
//! only when it cites at least one source and the dataset has a registry (see
//! [`super::Citations`]).

use std::collections::HashMap;
use std::sync::Mutex;

use kpdata_diagnostics::rules::{domain as dm, provenance as pv};
use kpdata_diagnostics::{escape_value, Diagnostic, Severity};

use super::{Citations, RecordCtx, RecordRule, RecordRuleFor, Worker};
use crate::dates::PartialDate;
use crate::evidence::{date_finding, label_finding};
use crate::record::DatasetContext;
use crate::registry::Registry;

pub(super) const RECORD: &[RecordRuleFor] = &[labels, event_dates, quotes];

/// The record's citations when the support rules judge them: it cites something and the
/// dataset has a registry.
fn judged<'a>(c: &'a Citations<'a>) -> Option<&'a Registry> {
    (c.checked && !c.ids.is_empty()).then_some(c.registry?)
}

/// KP703: an identifier's scheme against the labels its cited sources put on the value.
struct Labels;

fn labels(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    ds.labels
        .as_ref()
        .map(|_| Box::new(Labels) as Box<dyn RecordRule>)
}

impl RecordRule for Labels {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        let (Some(registry), Some((labels, f_scheme, f_value))) =
            (judged(rec.cited), &rec.ds.labels)
        else {
            return;
        };
        if let (Some(scheme), Some(value)) = (rec.text(*f_scheme), rec.text(*f_value)) {
            if let Some(msg) = label_finding(labels, registry, &rec.cited.known, scheme, value) {
                out.push(rec.at(&dm::IDENTIFIER_LABEL_MISMATCH, *f_scheme, msg));
            }
        }
    }
}

/// KP421 and KP412 on the dataset's event dates (`event_dates` in the manifest).
struct EventDates {
    fields: Vec<usize>,
    note: Option<usize>,
}

fn event_dates(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    let fields: Vec<usize> = ds
        .policy
        .event_dates
        .iter()
        .filter_map(|f| ds.schema.field_index(f))
        .collect();
    (!fields.is_empty()).then(|| {
        Box::new(EventDates {
            fields,
            note: ds.schema.field_index("note"),
        }) as Box<dyn RecordRule>
    })
}

impl RecordRule for EventDates {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        let Some(registry) = judged(rec.cited) else {
            return;
        };
        let known = &rec.cited.known;
        for &f in &self.fields {
            let Some(text) = rec.text(f) else { continue };
            let Some(event) = PartialDate::parse(text) else {
                continue;
            };
            let note = self.note.and_then(|n| rec.text(n));
            if let Some((explained, msg)) = date_finding(registry, known, text, note) {
                let d = rec.at(&pv::DATE_NOT_IN_SOURCE, f, msg);
                out.push(if explained {
                    d.severity(Severity::Info)
                } else {
                    d
                });
            }
            let issued: Vec<_> = known.iter().filter_map(|s| s.issued).collect();
            if !issued.is_empty()
                && issued.len() == known.len()
                && issued.iter().all(|i| event.earliest() > i.latest())
            {
                out.push(rec.at(
                    &pv::EVENT_AFTER_SOURCE,
                    f,
                    format!("`{text}` is after the issued date of every cited source"),
                ));
            }
        }
    }
}

/// KP408 and KP407: a verbatim quote where the dataset needs one, found in the archived text
/// of a cited source.
struct Quotes<'a> {
    field: Option<usize>,
    required: bool,
    /// (source id, folded quote) → found, shared by the workers of the file. Only a hit
    /// skips work: the message of a miss (its closest passage) never depends on the cache.
    cache: &'a Mutex<HashMap<(String, String), bool>>,
}

fn quotes(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    let field = ds.schema.field_index("quote");
    (field.is_some() || ds.policy.require_quote).then(|| {
        Box::new(Quotes {
            field,
            required: ds.policy.require_quote,
            cache: &ds.quote_cache,
        }) as Box<dyn RecordRule + '_>
    })
}

impl RecordRule for Quotes<'_> {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        let Some(registry) = judged(rec.cited) else {
            return;
        };
        let Some(f_quote) = self.field else {
            out.push(rec.at(
                &pv::MISSING_QUOTE,
                rec.cited.field,
                "the dataset needs a verbatim quote, but its schema has no `quote` field".into(),
            ));
            return;
        };
        match rec.text(f_quote).filter(|q| !q.trim().is_empty()) {
            None if self.required && rec.readable("quote") => {
                out.push(rec.at(
                    &pv::MISSING_QUOTE,
                    f_quote,
                    "the record needs a verbatim quote from its source".into(),
                ));
            }
            None => {}
            Some(q) if !rec.cited.known.is_empty() => {
                if let Some(d) = self.not_found(rec, registry, f_quote, q) {
                    out.push(d);
                }
            }
            Some(_) => {}
        }
    }
}

impl Quotes<'_> {
    fn not_found(
        &self,
        rec: &RecordCtx<'_>,
        registry: &Registry,
        f_quote: usize,
        q: &str,
    ) -> Option<Diagnostic> {
        let known = &rec.cited.known;
        let folded = crate::quote::normalize(q);
        let mut texts = Vec::new();
        for s in known {
            let key = (s.id.clone(), folded.clone());
            let cached = self.cache.lock().ok().and_then(|c| c.get(&key).copied());
            if cached == Some(true) {
                return None;
            }
            let Some(text) = registry.text(&s.id) else {
                continue;
            };
            if cached.is_none() {
                let hit = text.contains(&folded);
                if let Ok(mut c) = self.cache.lock() {
                    if c.len() < 100_000 {
                        c.insert(key, hit);
                    }
                }
                if hit {
                    return None;
                }
            }
            // A quote known to be missing still gets its closest passage: every record's
            // message is the same whichever worker saw the quote first.
            texts.push((s, text));
        }
        let closest = texts
            .iter()
            .filter_map(|(s, t)| t.closest(&folded).map(|(p, n)| (n, p, s)))
            .max_by_key(|(n, _, _)| *n);
        let sources: Vec<String> = known.iter().map(|s| format!("`{}`", s.id)).collect();
        let mut d = rec.at(
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
        Some(d)
    }
}
