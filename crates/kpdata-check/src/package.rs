//! Validating a whole package: the registry and archive first, then every dataset in an order
//! where referenced datasets come before the datasets that refer to them, so foreign keys are
//! checked while streaming. References inside a cycle are checked at the end.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use kpdata_diagnostics::rules::{limits as lim, provenance as pv, structure as st};
use kpdata_diagnostics::{Diagnostic, Report};
use kpdata_package::{
    CitePolicy, Dataset, FieldType, Limits, Package, PathProblem, RecordSchema, Root, RootFile,
};
use kpdata_read::read_table_with;

use crate::dates::Day;
use crate::domain::{role, UnRefActorType};
use crate::evidence::SchemeLabels;
use crate::identity::{self, IdentityRules};
use crate::keys::{each_reference, foreign_key_finding, KeyKind, KeySet, Reference, UniqueIndex};
use crate::order::OrderCheck;
use crate::pipeline::{check_csv, check_values, FileStats};
use crate::record::{DatasetContext, ForeignCheck, Policy, RecordFacts};
use crate::registry::{check_archives_tracked, Registry};
use crate::schema::CompiledSchema;
use crate::votes::{vote_role, VoteCounts};

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

/// A key set by dataset name and fields.
type SetId = (String, Vec<String>);

struct KeyPlan {
    sets: Vec<Vec<String>>,
    uniques: Vec<(usize, UniqueIndex)>,
    /// (key-set index, global referenced-set id)
    referenced: Vec<(usize, SetId)>,
    /// (key-set index, foreign key index in the dataset, split arrays)
    foreign: Vec<(usize, usize, bool)>,
    /// (key-set index of the primary key, its order check) for a `sorted` dataset.
    order: Option<(usize, OrderCheck)>,
}

impl KeyPlan {
    /// The key set holding `fields`, added if no check asked for it yet.
    fn slot(&mut self, fields: &[String]) -> usize {
        match self.sets.iter().position(|s| s == fields) {
            Some(i) => i,
            None => {
                self.sets.push(fields.to_vec());
                self.sets.len() - 1
            }
        }
    }
}

fn key_plan(ds: &Dataset, schema: &RecordSchema, all: &[Dataset]) -> KeyPlan {
    let mut plan = KeyPlan {
        sets: Vec::new(),
        uniques: Vec::new(),
        referenced: Vec::new(),
        foreign: Vec::new(),
        order: None,
    };
    if !ds.primary_key.is_empty() {
        let slot = plan.slot(&ds.primary_key);
        if ds.sorted {
            plan.order = Some((slot, OrderCheck::new(&ds.primary_key, schema)));
        }
        plan.uniques.push((
            slot,
            UniqueIndex::new(KeyKind::Primary, ds.primary_key.clone()),
        ));
    }
    for u in &ds.unique {
        let slot = plan.slot(u);
        plan.uniques
            .push((slot, UniqueIndex::new(KeyKind::Unique, u.clone())));
    }
    let mut seen = BTreeSet::new();
    for other in all {
        for fk in &other.foreign_keys {
            if fk.dataset == ds.name && seen.insert(fk.reference.clone()) {
                let slot = plan.slot(&fk.reference);
                plan.referenced
                    .push((slot, (ds.name.clone(), fk.reference.clone())));
            }
        }
    }
    for (k, fk) in ds.foreign_keys.iter().enumerate() {
        let split = fk.fields.len() == 1
            && matches!(
                schema.field(&fk.fields[0]).map(|f| &f.ty),
                Some(FieldType::Array { .. })
            );
        let slot = plan.slot(&fk.fields);
        plan.foreign.push((slot, k, split));
    }
    plan
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
    let jobs = opts.jobs.max(1);

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

    let labels = scheme_labels(pkg, &limits);

    let mut key_sets: HashMap<SetId, KeySet> = HashMap::new();
    let mut deferred: Vec<(usize, usize, Vec<Reference>)> = Vec::new();
    let mut cited: Vec<bool> = vec![false; registry.as_ref().map_or(0, |r| r.len())];
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut headers: HashMap<usize, Vec<String>> = HashMap::new();
    let has_actors = pkg.manifest.dataset("actors").is_some();
    let mut un_ref = UnRefActorType::new();
    let has_links = has_actors && pkg.manifest.dataset("links").is_some();
    let mut id_rules = IdentityRules::new();
    let has_votes = pkg.manifest.dataset("un_roll_calls").is_some()
        && pkg.manifest.dataset("un_votes").is_some();
    let mut vote_counts = VoteCounts::new();

    let order = topo_order(datasets, &prov.registry);
    let total = order.len();
    for (k, i) in order.into_iter().enumerate() {
        let ds = &datasets[i];
        if let Some(p) = &opts.progress {
            (p.0)(k, total, &ds.name);
        }
        let schema = Arc::new(pkg.schemas[i].clone());
        let compiled = match CompiledSchema::compile(&schema.json, &ds.schema) {
            Ok(c) => c,
            Err(d) => {
                report.push(*d);
                done.insert(ds.name.clone());
                continue;
            }
        };
        if schema.field("sensitivity").is_none() {
            report.push(
                Diagnostic::new(&pv::SENSITIVITY, format!("the schema of `{}` has no `sensitivity` field; every dataset marks each record `public` or `restricted`", ds.name))
                    .path(ds.schema.clone()),
            );
        }
        if ds.cite == CitePolicy::Required && schema.field("source_ids").is_none() {
            report.push(
                Diagnostic::new(
                    &pv::NO_CITATION,
                    format!("the schema of `{}` has no `source_ids` field, so its records can cite nothing; the dataset needs citations (`cite = \"required\"`)", ds.name),
                )
                .path(ds.schema.clone()),
            );
        }
        let mut plan = key_plan(ds, &schema, datasets);
        // The cross-dataset domain rule reads its values the way the key checks do.
        let domain = role(&ds.name, has_actors).map(|r| (r, plan.slot(&r.key_fields())));
        let id_inputs: Vec<(identity::Input, usize)> = identity::inputs(&ds.name, has_links)
            .into_iter()
            .filter(|(_, fields)| fields.iter().all(|f| schema.field(f).is_some()))
            .map(|(input, fields)| {
                let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
                (input, plan.slot(&fields))
            })
            .collect();
        let votes = vote_role(&ds.name, has_votes).map(|r| (r, plan.slot(&r.key_fields())));
        let policy = Policy {
            cite: Some(ds.cite),
            require_quote: ds.require_quote,
            require_official: ds.require_official,
            event_dates: ds.event_dates.clone(),
            reference: opts.reference,
            sensitivity: schema.field("sensitivity").is_some(),
        };
        let reg = if ds.cite == CitePolicy::Registry {
            None
        } else {
            registry.clone()
        };
        let mut ctx = DatasetContext::new(
            &ds.path,
            schema.clone(),
            compiled,
            policy,
            reg,
            plan.sets.clone(),
        );
        ctx.labels = ds
            .foreign_keys
            .iter()
            .find(|fk| fk.fields.len() == 1 && fk.fields[0] == "scheme")
            .and_then(|fk| labels.get(&fk.dataset))
            .and_then(|l| {
                Some((
                    l.clone(),
                    schema.field_index("scheme")?,
                    schema.field_index("value")?,
                ))
            });
        let file = match open_dataset(&pkg.root, &ds.path) {
            Ok(f) => f,
            Err(d) => {
                report.push(*d);
                done.insert(ds.name.clone());
                continue;
            }
        };
        let mut local_refs: Vec<(usize, Vec<Reference>)> = Vec::new();
        // Key sets this dataset fills, and the finished sets its foreign keys point at, are
        // taken out of the map for the duration of the file: no map lookup per record.
        let uniques_slots: Vec<usize> = plan.uniques.iter().map(|(s, _)| *s).collect();
        let mut own_sets: Vec<(usize, SetId, KeySet)> = plan
            .referenced
            .iter()
            .map(|(slot, id)| (*slot, id.clone(), key_sets.remove(id).unwrap_or_default()))
            .collect();
        // Each finished set a foreign key points at is taken out of the map once, even when
        // several foreign keys of this dataset point at it, and shared with the workers, which
        // check those references in parallel.
        let mut shared: Vec<(SetId, Arc<KeySet>)> = Vec::new();
        let targets: Vec<Option<Arc<KeySet>>> = plan
            .foreign
            .iter()
            .map(|(_, k, _)| {
                let fk = &ds.foreign_keys[*k];
                if !done.contains(&fk.dataset) {
                    return None;
                }
                let id = (fk.dataset.clone(), fk.reference.clone());
                if let Some((_, set)) = shared.iter().find(|(i, _)| *i == id) {
                    return Some(set.clone());
                }
                let set = Arc::new(key_sets.remove(&id).unwrap_or_default());
                shared.push((id, set.clone()));
                Some(set)
            })
            .collect();
        ctx.foreign = plan
            .foreign
            .iter()
            .zip(&targets)
            .filter_map(|((slot, k, split), set)| {
                let fk = &ds.foreign_keys[*k];
                Some(ForeignCheck {
                    slot: *slot,
                    split: *split,
                    set: set.clone()?,
                    fields: fk.fields.clone(),
                    target: fk.dataset.clone(),
                    reference: fk.reference.clone(),
                    field: schema.field_index(&fk.fields[0]),
                })
            })
            .collect();
        let mut dropped: Vec<kpdata_read::json::Dropped> = Vec::new();
        {
            // Straight into the report, which keeps `cap` findings per rule and counts the
            // rest: memory stays bounded however many findings a file has.
            let mut on_diag = |d: Diagnostic| report.push(d);
            let report_keys = &mut Vec::new();
            let mut on_facts = |f: RecordFacts<'_>| {
                for &i in f.cited {
                    cited[i as usize] = true;
                }
                if let Some((role, slot)) = domain {
                    if let Some((_, text)) = f.key(slot) {
                        un_ref.record(role, text, &ds.path, f.row, f.line);
                    }
                }
                for (input, slot) in &id_inputs {
                    if let Some((_, text)) = f.key(*slot) {
                        id_rules.record(*input, text, &ds.path, f.row, f.line);
                    }
                }
                if let Some((role, slot)) = votes {
                    if let Some((_, text)) = f.key(slot) {
                        vote_counts.record(role, text, &ds.path, f.row, f.line);
                    }
                }
                for (slot, ix) in plan.uniques.iter_mut() {
                    if let Some(d) = ix.check(f.key(*slot), f.row, f.line, &ds.path, None) {
                        report_keys.push(d);
                    }
                }
                if let Some((slot, order)) = plan.order.as_mut() {
                    let key = f.key(*slot).map(|(_, text)| text);
                    if let Some(d) = order.check(key, f.row, f.line, &ds.path) {
                        report_keys.push(d);
                    }
                }
                for (slot, _, set) in own_sets.iter_mut() {
                    if uniques_slots.contains(slot) {
                        // Filled from the unique index of the same fields after the file.
                        continue;
                    }
                    if let Some((hash, _)) = f.key(*slot) {
                        set.insert(hash);
                    }
                }
                for (n, (slot, k, split)) in plan.foreign.iter().enumerate() {
                    if targets[n].is_some() {
                        // Checked by the workers (`DatasetContext::foreign`).
                        continue;
                    }
                    let Some((hash, text)) = f.key(*slot) else {
                        continue;
                    };
                    each_reference(text, hash, *split, |hash, text| {
                        let r = Reference {
                            text: text.to_string(),
                            hash,
                            row: f.row,
                            line: f.line,
                        };
                        match local_refs.iter_mut().find(|(kk, _)| kk == k) {
                            Some((_, v)) => v.push(r),
                            None => local_refs.push((*k, vec![r])),
                        }
                    });
                }
            };
            let stats: std::io::Result<FileStats> =
                if ds.path.to_ascii_lowercase().ends_with(".json") {
                    // The reader keeps `cap` findings per rule too and counts the rest.
                    let capped = Limits {
                        findings_per_rule: cap as u64,
                        ..limits
                    };
                    kpdata_read::json::read_json(file, &ds.path, &capped).map(|out| {
                        out.diagnostics.into_iter().for_each(&mut on_diag);
                        dropped = out.dropped;
                        let recs: Vec<_> = out
                            .records
                            .into_iter()
                            .map(|r| (r.row, r.line, r.value))
                            .collect();
                        check_values(&recs, &ctx, &mut on_diag, &mut on_facts);
                        FileStats {
                            header: Vec::new(),
                            rows: out.items,
                            records: recs.len() as u64,
                            bytes: 0,
                        }
                    })
                } else {
                    check_csv(file, &ctx, &limits, jobs, &mut on_diag, &mut on_facts)
                };
            for d in dropped {
                report.count_suppressed(Some(ds.path.clone()), d.code, d.name, d.severity, d.count);
            }
            let mut header = Vec::new();
            match stats {
                Ok(s) => {
                    report.summary.files += 1;
                    report.summary.records += s.records;
                    header = s.header;
                }
                Err(e) => report.push(
                    Diagnostic::new(
                        &st::FILE_MISSING,
                        format!("reading `{}` failed: {e}", ds.path),
                    )
                    .path(ds.path.clone()),
                ),
            }
            // Key findings carry the column of their first key field.
            for mut d in std::mem::take(report_keys) {
                d.column = first_column(&header, d.field.as_deref());
                report.push(d);
            }
            headers.insert(i, header);
        }
        for (slot, id, mut set) in own_sets {
            if let Some((_, ix)) = plan.uniques.iter().find(|(s, _)| *s == slot) {
                // A primary or unique key over the same fields has every value once already.
                set = ix.key_set();
            }
            key_sets.insert(id, set);
        }
        drop(targets);
        drop(ctx);
        for (id, set) in shared {
            let set = Arc::try_unwrap(set).unwrap_or_else(|set| (*set).clone());
            key_sets.insert(id, set);
        }
        for (k, refs) in local_refs {
            deferred.push((i, k, refs));
        }
        if let Some((role, _)) = domain {
            un_ref.end_of(role);
        }
        done.insert(ds.name.clone());
    }

    for (i, k, refs) in deferred {
        let ds = &datasets[i];
        let fk = &ds.foreign_keys[k];
        let set = key_sets.get(&(fk.dataset.clone(), fk.reference.clone()));
        for r in refs {
            if !set.is_some_and(|s| s.contains(r.hash)) {
                let column = headers
                    .get(&i)
                    .and_then(|h| first_column(h, Some(&fk.fields[0])));
                report.push(foreign_key_finding(
                    &ds.path,
                    &fk.fields,
                    &fk.dataset,
                    &fk.reference,
                    &r,
                    column,
                ));
            }
        }
    }

    for mut d in un_ref
        .finish()
        .into_iter()
        .chain(id_rules.finish())
        .chain(vote_counts.finish())
    {
        let header = datasets
            .iter()
            .position(|x| Some(&x.path) == d.path.as_ref())
            .and_then(|i| headers.get(&i));
        if let Some(h) = header {
            d.column = first_column(h, d.field.as_deref());
        }
        report.push(d);
    }

    if let Some(handle) = archives {
        report.extend(handle.join().expect("archive check panicked"));
    }

    if let (Some(reg), Some(ds)) = (&registry, pkg.manifest.dataset(&prov.registry)) {
        let mut uncited: Vec<_> = reg
            .ids()
            .filter(|id| reg.get(id).is_some_and(|s| !cited[s.index as usize]))
            .filter_map(|id| reg.get(id))
            .collect();
        uncited.sort_by_key(|s| s.row);
        for s in uncited {
            report.push(
                Diagnostic::new(
                    &pv::SOURCE_UNCITED,
                    format!("no record cites the source `{}`", s.id),
                )
                .path(ds.path.clone())
                .row(s.row)
                .line(s.line)
                .field("source_id"),
            );
        }
    }
    report
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

fn first_column(header: &[String], fields: Option<&str>) -> Option<u64> {
    let first = fields?.split(',').next()?;
    header.iter().position(|h| h == first).map(|i| i as u64 + 1)
}
