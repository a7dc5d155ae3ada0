//! Rules as units. Every check of a package is a rule in one of the family files of this folder,
//! behind one of two small traits:
//!
//! - [`RecordRule`]: looks at one record at a time ([`RecordCtx`]: the record, its position, its
//!   dataset's settings, its key values and its resolved citations). Set up once per dataset and
//!   worker by a [`RecordRuleFor`] function (which returns `None` when the dataset gives the rule
//!   nothing to check), then run on every record by the worker threads, in parallel.
//! - [`PackageRule`]: joins records across datasets. Told about each dataset before its file is
//!   read ([`PackageRule::begin`], where it asks for the key values it needs with
//!   [`Plan::slot`]), shown those values for each record in record order on the thread that
//!   merges ([`PackageRule::observe`]), and asked for its findings at the end of the dataset
//!   and of the package.
//!
//! Each family file lists its rules in `RECORD` and `PACKAGE`; [`record_rules`] and
//! [`package_rules`] gather the families. Adding a rule to a family touches only that family's
//! file (and the catalog and the rule's fixture); see ARCHITECTURE.md for a worked example.
//!
//! | family | record rules | package rules |
//! |---|---|---|
//! | `conformance` | schema (KP2xx), number-not-publishable (KP212) | |
//! | `hygiene` | invisible-character, not-nfc, formula-injection, mixed-script, script-mismatch | |
//! | `publication` | sensitivity (KP417), URLs (KP413–KP415) | a schema with no `sensitivity` field (KP417) |
//! | `chronology` | date-after-reference (KP410), accessed-before-issued (KP411) | |
//! | `citations` | no-citation, unknown-source, official-source-required, official-copy-incomplete | a schema with no `source_ids` (KP402), source-uncited (KP416) |
//! | `support` | identifier-label-mismatch (KP703), date-not-in-source (KP421), event-after-source (KP412), missing-quote (KP408), quote-not-found (KP407) | |
//! | `keys` | foreign keys whose target is complete (KP303) | primary and unique keys (KP301, KP302), foreign keys into later datasets (KP303) |
//! | `actors` | | un-ref-actor-type (KP702), designation-actor-unnamed (KP920) |
//! | `identity` | | links (KP710–KP713), date-window (KP430) |
//! | `votes` | | vote-count-mismatch (KP704) |
//! | `header` | incorrect-label (KP104), missing-label (KP105): judged by the pipeline when it maps a CSV header onto the schema | |
//! | `archive` | the registry's archive files (KP403–KP406, KP418, KP420, KP906, KP907): run on the registry table beside the pass | |

use std::collections::HashMap;
use std::sync::Arc;

use kpdata_diagnostics::{Diagnostic, Rule};
use kpdata_package::{Dataset, Package, RecordSchema};

use crate::record::{DatasetContext, ForeignCheck, Pos, RecordFacts, RecordView};
use crate::registry::{Registry, Source};

pub mod actors;
pub mod archive;
pub mod chronology;
pub mod citations;
pub mod conformance;
pub mod header;
pub mod hygiene;
pub mod identity;
pub mod keys;
pub mod order;
pub mod publication;
pub mod support;
pub mod votes;

/// A check of one record. Each worker has its own instance (state such as caches is not
/// shared between threads).
pub trait RecordRule {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>);
}

/// How a worker checks a file.
#[derive(Debug, Clone, Copy)]
pub struct Worker {
    /// The schema's fast path may judge this file's rows (a CSV file whose extra columns, if
    /// any, no schema keyword sees).
    pub fast: bool,
}

/// Sets up one record rule for one dataset and one worker; `None` when the dataset gives the
/// rule nothing to check.
pub type RecordRuleFor = for<'a> fn(&'a DatasetContext, Worker) -> Option<Box<dyn RecordRule + 'a>>;

/// The record rules of one dataset, for one worker.
pub struct RecordRules<'a>(Vec<Box<dyn RecordRule + 'a>>);

impl RecordRules<'_> {
    pub fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        for r in &mut self.0 {
            r.check(rec, out);
        }
    }
}

/// Every family's record rules, in a fixed order.
const RECORD: &[&[RecordRuleFor]] = &[
    conformance::RECORD,
    hygiene::RECORD,
    publication::RECORD,
    chronology::RECORD,
    citations::RECORD,
    support::RECORD,
    keys::RECORD,
];

/// The record rules that apply to the dataset of `ctx`, set up for one worker.
pub fn record_rules(ctx: &DatasetContext, w: Worker) -> RecordRules<'_> {
    RecordRules(
        RECORD
            .iter()
            .flat_map(|family| family.iter())
            .filter_map(|make| make(ctx, w))
            .collect(),
    )
}

/// One record, as the record rules see it.
pub struct RecordCtx<'a> {
    pub ds: &'a DatasetContext,
    pub view: &'a dyn RecordView,
    pub pos: Pos<'a>,
    /// Fields the reader already reported (missing or invalid cells, or no column at all):
    /// they get no further findings.
    pub unreadable: &'a [&'a str],
    /// This record's key values, by slot (see [`DatasetContext::key_sets`]): hash and the
    /// range of the text in `key_text`.
    pub(crate) keys: &'a [Option<(u128, u32, u32)>],
    pub(crate) key_text: &'a str,
    /// The record's citations.
    pub cited: &'a Citations<'a>,
}

impl<'a> RecordCtx<'a> {
    /// The text of a field when it is a non-empty string (CSV: the cell as written).
    pub fn text(&self, field: usize) -> Option<&'a str> {
        self.view.text(field)
    }

    /// Whether the reader could read the field (see `unreadable`).
    pub fn readable(&self, name: &str) -> bool {
        !self.unreadable.contains(&name)
    }

    /// The hash and text (parts joined with U+001F) of key set `slot`.
    pub fn key(&self, slot: usize) -> Option<(u128, &'a str)> {
        self.keys[slot].map(|(h, a, b)| (h, &self.key_text[a as usize..b as usize]))
    }

    /// A finding of `rule` on field `field` (schema index) of this record: path, row, line,
    /// field, JSON pointer and column filled in.
    pub fn at(&self, rule: &'static Rule, field: usize, msg: String) -> Diagnostic {
        let name = &self.ds.schema.fields[field].name;
        let mut d = Diagnostic::new(rule, msg)
            .path(self.ds.path.clone())
            .row(self.pos.row)
            .line(self.pos.line)
            .field(name.to_string())
            .pointer(format!(
                "{}/{}",
                self.pos.pointer_prefix,
                crate::record::pointer_escape(name)
            ));
        if let Some(c) = self.view.column(field) {
            d = d.column(c);
        }
        d
    }
}

/// What a record cites, resolved against the registry once for every rule.
#[derive(Default)]
pub struct Citations<'a> {
    /// The dataset's citations are checked on this record: its policy is `required` or
    /// `optional`, its schema has `source_ids` and the reader could read that field.
    pub checked: bool,
    /// The `source_ids` field (when `checked`).
    pub field: usize,
    /// The ids the record cites, in order (when `checked`).
    pub ids: Vec<&'a str>,
    /// The registry, when the record cites something and the dataset has one.
    pub registry: Option<&'a Registry>,
    /// The cited ids found in the registry, in order (when `registry` is given).
    pub known: Vec<&'a Source>,
    /// The cited ids not in the registry, in order (when `registry` is given).
    pub unknown: Vec<&'a str>,
}

/// What a package rule is told about a dataset.
pub struct DatasetInfo<'a> {
    /// The dataset's index in the manifest.
    pub index: usize,
    pub ds: &'a Dataset,
    pub schema: &'a RecordSchema,
    /// Every dataset of the manifest.
    pub datasets: &'a [Dataset],
}

/// The key values a package rule asks to see from a dataset's records.
#[derive(Debug, Default)]
pub struct Plan {
    /// Field sets, by slot.
    pub sets: Vec<Vec<String>>,
    /// Foreign keys the workers check per record (their target is complete).
    pub foreign: Vec<ForeignCheck>,
}

impl Plan {
    /// The slot of the key set holding `fields`, added if no rule asked for it yet. A record's
    /// value for the slot is [`RecordFacts::key`] (None when a part is empty).
    pub fn slot(&mut self, fields: &[String]) -> usize {
        match self.sets.iter().position(|s| s == fields) {
            Some(i) => i,
            None => {
                self.sets.push(fields.to_vec());
                self.sets.len() - 1
            }
        }
    }

    /// [`Plan::slot`] for string literals.
    pub fn slot_of(&mut self, fields: &[&str]) -> usize {
        let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        self.slot(&fields)
    }
}

/// The header of every dataset read so far, to give findings their column.
pub struct Columns<'a> {
    datasets: &'a [Dataset],
    headers: HashMap<usize, Vec<String>>,
}

impl<'a> Columns<'a> {
    pub fn new(datasets: &'a [Dataset]) -> Columns<'a> {
        Columns {
            datasets,
            headers: HashMap::new(),
        }
    }

    pub fn insert(&mut self, index: usize, header: Vec<String>) {
        self.headers.insert(index, header);
    }

    /// The header of dataset `index`, when its file was read.
    pub fn header(&self, index: usize) -> Option<&[String]> {
        self.headers.get(&index).map(Vec::as_slice)
    }

    /// The 1-based column of the first of `fields` (comma-separated) in dataset `index`.
    pub fn column(&self, index: usize, fields: Option<&str>) -> Option<u64> {
        first_column(self.header(index)?, fields)
    }

    /// Gives `d` the column of its first field in the dataset its path names.
    pub fn fill(&self, d: &mut Diagnostic) {
        let index = self
            .datasets
            .iter()
            .position(|x| Some(&x.path) == d.path.as_ref());
        if let Some(h) = index.and_then(|i| self.header(i)) {
            d.column = first_column(h, d.field.as_deref());
        }
    }
}

fn first_column(header: &[String], fields: Option<&str>) -> Option<u64> {
    let first = fields?.split(',').next()?;
    header.iter().position(|h| h == first).map(|i| i as u64 + 1)
}

/// A rule that joins records across the datasets of a package.
pub trait PackageRule {
    /// Findings about a dataset as declared (its schema, its settings), before its file is
    /// opened; only for datasets whose schema compiles.
    fn declared(&mut self, _ds: &DatasetInfo<'_>, _out: &mut Vec<Diagnostic>) {}
    /// The dataset's file is about to be read: ask for the key values this rule needs with
    /// [`Plan::slot`]. Returns whether the rule observes the dataset's records.
    fn begin(&mut self, ds: &DatasetInfo<'_>, plan: &mut Plan) -> bool;
    /// One record of the dataset last begun, in record order.
    fn observe(&mut self, _rec: &RecordFacts<'_>) {}
    /// After the dataset's file was read (whether or not to its end). The workers are done and
    /// their copies of the plan dropped.
    fn end(&mut self, _ds: &DatasetInfo<'_>, _cols: &Columns<'_>, _out: &mut Vec<Diagnostic>) {}
    /// The dataset could not be read: its schema did not compile or its file did not open.
    fn skipped(&mut self, _ds: &DatasetInfo<'_>) {}
    /// After every dataset.
    fn finish(&mut self, _cols: &Columns<'_>, _out: &mut Vec<Diagnostic>) {}
}

/// What package rules are set up with.
pub struct PackageCtx<'a> {
    pub pkg: &'a Package,
    /// The source registry, when it could be read.
    pub registry: Option<Arc<Registry>>,
}

impl PackageCtx<'_> {
    /// Whether the package has a dataset of that name.
    pub fn has(&self, name: &str) -> bool {
        self.pkg.manifest.dataset(name).is_some()
    }
}

/// Sets up one package rule for a package; `None` when the package gives it nothing to check.
pub type PackageRuleFor = for<'a> fn(&PackageCtx<'a>) -> Option<Box<dyn PackageRule + 'a>>;

/// Every family's package rules, in a fixed order.
const PACKAGE: &[&[PackageRuleFor]] = &[
    keys::PACKAGE,
    order::PACKAGE,
    publication::PACKAGE,
    citations::PACKAGE,
    actors::PACKAGE,
    identity::PACKAGE,
    votes::PACKAGE,
];

/// The package rules that apply to `ctx`'s package.
pub fn package_rules<'a>(ctx: &PackageCtx<'a>) -> Vec<Box<dyn PackageRule + 'a>> {
    PACKAGE
        .iter()
        .flat_map(|family| family.iter())
        .filter_map(|make| make(ctx))
        .collect()
}
