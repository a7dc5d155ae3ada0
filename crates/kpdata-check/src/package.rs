//! Validating a whole package: the registry and archive first, then every dataset in an order
//! where referenced datasets come before the datasets that refer to them, so foreign keys are
//! checked while streaming (references inside a cycle are checked at the end). Each dataset's
//! records go through the record rules in the pipeline, and their key values to the package
//! rules that asked for them; the rules themselves are in [`crate::rules`].

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use kpdata_diagnostics::rules::{limits as lim, structure as st};
use kpdata_diagnostics::{Diagnostic, Report};
use kpdata_package::{CitePolicy, Dataset, Limits, Package, PathProblem, Root, RootFile};
use kpdata_read::read_table_with;

use crate::dates::Day;
use crate::evidence::SchemeLabels;
use crate::pipeline::{check_csv, check_values, FileStats};
use crate::record::{DatasetContext, Policy, RecordFacts};
use crate::registry::{check_archives_tracked, Registry};
use crate::rules::{package_rules, Columns, DatasetInfo, PackageCtx, PackageRule, Plan};
use crate::schema::CompiledSchema;

/// How to run a validation.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// "In the future" means after this day (HEAD's commit day, or --reference-date).
    pub reference: Option<Day>,
    /// Threads for checking records (1 = everything on the calling thread).
    pub jobs: usize,
    /// Findings kept per (file, rule); None = the manifest's `limits.findings_per_rule`.
    pub max_per_rule: Option<u64>,
    /// The files git tracks (root-relative), when the package is a git working tree: a
    /// registered archive file outside this set is a finding (`archive-untracked`).
    pub tracked: Option<Arc<BTreeSet<String>>>,
    /// Told, before each dataset is checked, how many are done, how many there are and which
    /// comes next (the binary draws a progress bar from it; rules never see it).
    pub progress: Option<ProgressFn>,
}

/// What a progress callback is told: `(datasets done, datasets in all, the dataset starting)`.
pub type ProgressCallback = dyn Fn(usize, usize, &str) + Send + Sync;

/// A progress callback, shared with the threads of the pass.
#[derive(Clone)]
pub struct ProgressFn(pub Arc<ProgressCallback>);

impl std::fmt::Debug for ProgressFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressFn")
    }
}

fn topo_order(datasets: &[Dataset], registry: &str) -> Vec<usize> {
    let index: HashMap<&str, usize> = datasets
        .iter()
        .enumerate()
        .map(|(i, d)| (d.name.as_str(), i))
        .collect();
    let mut order = Vec::new();
    let mut state = vec![0u8; datasets.len()];
    fn visit(
        i: usize,
        ds: &[Dataset],
        index: &HashMap<&str, usize>,
        state: &mut [u8],
        order: &mut Vec<usize>,
    ) {
        if state[i] != 0 {
            return;
        }
        state[i] = 1;
        for fk in &ds[i].foreign_keys {
            if let Some(&j) = index.get(fk.dataset.as_str()) {
                visit(j, ds, index, state, order);
            }
        }
        state[i] = 2;
        order.push(i);
    }
    if let Some(&r) = index.get(registry) {
        visit(r, datasets, &index, &mut state, &mut order);
    }
    for i in 0..datasets.len() {
        visit(i, datasets, &index, &mut state, &mut order);
    }
    order
}

fn open_dataset(root: &Root, rel: &str) -> Result<RootFile, Box<Diagnostic>> {
    match root.open_file(rel) {
        Ok(f) => Ok(f),
        Err(PathProblem::Io(e)) => Err(Box::new(
            Diagnostic::new(&st::FILE_MISSING, format!("cannot open `{rel}`: {e}")).path(rel),
        )),
        Err(PathProblem::NotFound) => Err(Box::new(
            Diagnostic::new(
                &st::FILE_MISSING,
                if root.is_source() {
                    format!("`{rel}` is not committed")
                } else {
                    format!("`{rel}` does not exist")
                },
            )
            .path(rel),
        )),
        Err(e) => Err(Box::new(
            Diagnostic::new(&lim::UNSAFE_PATH, format!("`{rel}`: {e}")).path(rel),
        )),
    }
}

/// Validates every dataset of the package. Findings are data: this never fails; files that
/// cannot be read are findings too.
pub fn validate_package(pkg: &Package, opts: &Options) -> Report {
    if opts.jobs <= 1 {
        return validate_datasets(pkg, opts, None);
    }
    // The archive hashes are checked beside the dataset pipeline; their findings are added in
    // a fixed place, so the order is the same.
    std::thread::scope(|s| validate_datasets(pkg, opts, Some(s)))
}

fn validate_datasets<'s, 'e: 's>(
    pkg: &'e Package,
    opts: &Options,
    scope: Option<&'s std::thread::Scope<'s, 'e>>,
) -> Report {
    let limits: Limits = pkg.manifest.limits;
    let cap = opts.max_per_rule.unwrap_or(limits.findings_per_rule) as usize;
    let mut report = Report::new(cap);
    let datasets = &pkg.manifest.datasets;
    let prov = &pkg.manifest.provenance;

    // The registry and the archive.
    let mut registry: Option<Arc<Registry>> = None;
    let mut archives = None;
    if let Some(ds) = pkg.manifest.dataset(&prov.registry) {
        if let Ok(file) = open_dataset(&pkg.root, &ds.path) {
            // The registry's own findings come from its pass through the pipeline below.
            if let Ok(table) = read_table_with(file, &ds.path, &limits, &mut |_| {}) {
                registry = Some(Arc::new(Registry::from_table(
                    &table,
                    Some(pkg.root.clone()),
                    &prov.archive_dir,
                )));
                let dir = prov.archive_dir.as_str();
                let tracked = opts.tracked.clone();
                let check =
                    move || check_archives_tracked(&table, &pkg.root, dir, tracked.as_deref());
                match scope {
                    Some(s) => archives = Some(s.spawn(check)),
                    None => report.extend(check()),
                }
            }
        }
    }

    let mut pass = Pass {
        pkg,
        opts,
        cap,
        labels: scheme_labels(pkg, &limits),
        rules: package_rules(&PackageCtx {
            pkg,
            registry: registry.clone(),
        }),
        registry,
        cols: Columns::new(datasets),
    };
    let order = topo_order(datasets, &prov.registry);
    let total = order.len();
    for (k, i) in order.into_iter().enumerate() {
        if let Some(p) = &opts.progress {
            (p.0)(k, total, &datasets[i].name);
        }
        pass.dataset(i, &mut report);
    }
    let mut out = Vec::new();
    for rule in pass.rules.iter_mut() {
        rule.finish(&pass.cols, &mut out);
    }
    report.extend(out);
    if let Some(handle) = archives {
        report.extend(handle.join().expect("archive check panicked"));
    }
    report
}

/// The package pass: each dataset through the record rules (in the pipeline) and the package
/// rules.
struct Pass<'a> {
    pkg: &'a Package,
    opts: &'a Options,
    cap: usize,
    registry: Option<Arc<Registry>>,
    labels: HashMap<String, Arc<SchemeLabels>>,
    rules: Vec<Box<dyn PackageRule + 'a>>,
    cols: Columns<'a>,
}

impl<'a> Pass<'a> {
    /// Checks dataset `i`.
    fn dataset(&mut self, i: usize, report: &mut Report) {
        let datasets = &self.pkg.manifest.datasets;
        let ds = &datasets[i];
        let schema = Arc::new(self.pkg.schemas[i].clone());
        let info = DatasetInfo {
            index: i,
            ds,
            schema: &schema,
            datasets,
        };
        let compiled = match CompiledSchema::compile(&schema.json, &ds.schema) {
            Ok(c) => c,
            Err(d) => {
                report.push(*d);
                self.rules.iter_mut().for_each(|r| r.skipped(&info));
                return;
            }
        };
        let mut out = Vec::new();
        for rule in self.rules.iter_mut() {
            rule.declared(&info, &mut out);
        }
        report.extend(out);
        let file = match open_dataset(&self.pkg.root, &ds.path) {
            Ok(f) => f,
            Err(d) => {
                report.push(*d);
                self.rules.iter_mut().for_each(|r| r.skipped(&info));
                return;
            }
        };
        // The package rules ask for the key values they need; those that observe the
        // dataset's records are `active`.
        let mut plan = Plan::default();
        let active: Vec<usize> = (0..self.rules.len())
            .filter(|&n| self.rules[n].begin(&info, &mut plan))
            .collect();
        let policy = Policy {
            cite: Some(ds.cite),
            require_quote: ds.require_quote,
            require_official: ds.require_official,
            event_dates: ds.event_dates.clone(),
            reference: self.opts.reference,
            sensitivity: schema.field("sensitivity").is_some(),
        };
        let reg = match ds.cite {
            CitePolicy::Registry => None,
            _ => self.registry.clone(),
        };
        let mut ctx =
            DatasetContext::new(&ds.path, schema.clone(), compiled, policy, reg, plan.sets);
        ctx.foreign = plan.foreign;
        ctx.labels = ds
            .foreign_keys
            .iter()
            .find(|fk| fk.fields.len() == 1 && fk.fields[0] == "scheme")
            .and_then(|fk| self.labels.get(&fk.dataset))
            .and_then(|l| {
                Some((
                    l.clone(),
                    schema.field_index("scheme")?,
                    schema.field_index("value")?,
                ))
            });
        let header = self.read(&ctx, file, &active, report);
        // The workers are done: the rules get back what they shared with them.
        drop(ctx);
        self.cols.insert(i, header);
        let mut out = Vec::new();
        for rule in self.rules.iter_mut() {
            rule.end(&info, &self.cols, &mut out);
        }
        report.extend(out);
    }

    /// Streams the dataset's file through the record rules, findings straight into the report
    /// (which keeps `cap` findings per rule and counts the rest: memory stays bounded however
    /// many findings a file has), and each record's facts to the `active` package rules.
    /// Returns the file's header.
    fn read(
        &mut self,
        ctx: &DatasetContext,
        file: RootFile,
        active: &[usize],
        report: &mut Report,
    ) -> Vec<String> {
        let limits = self.pkg.manifest.limits;
        let path = &ctx.path;
        let rules = &mut self.rules;
        let mut on_diag = |d: Diagnostic| report.push(d);
        let mut on_facts = |f: RecordFacts<'_>| {
            for &n in active {
                rules[n].observe(&f);
            }
        };
        let mut dropped: Vec<kpdata_read::json::Dropped> = Vec::new();
        let stats: std::io::Result<FileStats> = if path.to_ascii_lowercase().ends_with(".json") {
            // The reader keeps `cap` findings per rule too and counts the rest.
            let capped = Limits {
                findings_per_rule: self.cap as u64,
                ..limits
            };
            kpdata_read::json::read_json(file, path, &capped).map(|out| {
                out.diagnostics.into_iter().for_each(&mut on_diag);
                dropped = out.dropped;
                let recs: Vec<_> = out
                    .records
                    .into_iter()
                    .map(|r| (r.row, r.line, r.value))
                    .collect();
                check_values(&recs, ctx, &mut on_diag, &mut on_facts);
                FileStats {
                    header: Vec::new(),
                    rows: out.items,
                    records: recs.len() as u64,
                    bytes: 0,
                }
            })
        } else {
            let jobs = self.opts.jobs.max(1);
            check_csv(file, ctx, &limits, jobs, &mut on_diag, &mut on_facts)
        };
        for d in dropped {
            report.count_suppressed(Some(path.clone()), d.code, d.name, d.severity, d.count);
        }
        match stats {
            Ok(s) => {
                report.summary.files += 1;
                report.summary.records += s.records;
                s.header
            }
            Err(e) => {
                report.push(
                    Diagnostic::new(&st::FILE_MISSING, format!("reading `{path}` failed: {e}"))
                        .path(path.clone()),
                );
                Vec::new()
            }
        }
    }
}

/// The scheme labels of every vocabulary with a `source_labels` column (rule
/// identifier-label-mismatch), by dataset name. A vocabulary that cannot be read is left out
/// here; its own checks report why.
fn scheme_labels(pkg: &Package, limits: &Limits) -> HashMap<String, Arc<SchemeLabels>> {
    let mut out = HashMap::new();
    for (i, ds) in pkg.manifest.datasets.iter().enumerate() {
        if pkg.schemas[i].field("source_labels").is_none() {
            continue;
        }
        let Ok(file) = open_dataset(&pkg.root, &ds.path) else {
            continue;
        };
        let Ok(table) = read_table_with(file, &ds.path, limits, &mut |_| {}) else {
            continue;
        };
        let labels = SchemeLabels::new(
            table
                .records
                .iter()
                .filter_map(|r| Some((table.get(r, "key")?, table.get(r, "source_labels")?))),
        );
        if !labels.is_empty() {
            out.insert(ds.name.clone(), Arc::new(labels));
        }
    }
    out
}
