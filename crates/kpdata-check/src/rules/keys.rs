//! Keys: `primary-key` and `unique-error` (each file's keys, in record order) and
//! `foreign-key` (every reference to another dataset). The package pass reads datasets so that
//! referenced datasets come first: a foreign key whose target is complete when its file is read
//! is checked by the workers, per record ([`ForeignRefs`]); the others (references inside a
//! cycle) are kept and checked at the end. Key values are 128-bit hashes (see
//! [`crate::keys`]).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use kpdata_diagnostics::Diagnostic;
use kpdata_package::FieldType;

use super::{
    Columns, DatasetInfo, PackageCtx, PackageRule, PackageRuleFor, Plan, RecordCtx, RecordRule,
    RecordRuleFor, Worker,
};
use crate::keys::{each_reference, foreign_key_finding, KeyKind, KeySet, Reference, UniqueIndex};
use crate::record::{DatasetContext, ForeignCheck, RecordFacts};

pub(super) const RECORD: &[RecordRuleFor] = &[foreign_refs];
pub(super) const PACKAGE: &[PackageRuleFor] = &[keys];

/// The foreign keys of a file whose target set is complete, checked by the workers.
struct ForeignRefs<'a> {
    foreign: &'a [ForeignCheck],
}

fn foreign_refs(ds: &DatasetContext, _: Worker) -> Option<Box<dyn RecordRule + '_>> {
    (!ds.foreign.is_empty()).then(|| {
        Box::new(ForeignRefs {
            foreign: &ds.foreign,
        }) as Box<dyn RecordRule + '_>
    })
}

impl RecordRule for ForeignRefs<'_> {
    fn check(&mut self, rec: &RecordCtx<'_>, out: &mut Vec<Diagnostic>) {
        for fk in self.foreign {
            let Some((hash, text)) = rec.key(fk.slot) else {
                continue;
            };
            each_reference(text, hash, fk.split, |hash, text| {
                if !fk.set.contains(hash) {
                    let r = Reference {
                        text: text.to_string(),
                        hash,
                        row: rec.pos.row,
                        line: rec.pos.line,
                    };
                    let column = fk.field.and_then(|i| rec.view.column(i));
                    out.push(foreign_key_finding(
                        &rec.ds.path,
                        &fk.fields,
                        &fk.target,
                        &fk.reference,
                        &r,
                        column,
                    ));
                }
            });
        }
    }
}

/// A key set by dataset name and fields.
type SetId = (String, Vec<String>);

/// What the key rules keep while one file is read.
#[derive(Default)]
struct Current {
    index: usize,
    path: String,
    uniques: Vec<(usize, UniqueIndex)>,
    /// Key sets this dataset fills (other datasets point at them), taken out of the map for
    /// the duration of the file: no map lookup per record.
    own: Vec<(usize, SetId, KeySet)>,
    /// The finished sets this dataset's foreign keys point at, shared with the workers.
    shared: Vec<(SetId, Arc<KeySet>)>,
    /// Foreign keys whose target is not complete: (slot, foreign key index, split arrays).
    later: Vec<(usize, usize, bool)>,
    /// References of those, by foreign key index, in order of each key's first reference.
    refs: Vec<(usize, Vec<Reference>)>,
    found: Vec<Diagnostic>,
}

/// Primary, unique and foreign keys across the package.
#[derive(Default)]
struct Keys {
    sets: HashMap<SetId, KeySet>,
    done: BTreeSet<String>,
    /// References checked at the end: (dataset index, foreign key index, references).
    deferred: Vec<(usize, usize, Vec<Reference>)>,
    cur: Current,
}

fn keys<'a>(_: &PackageCtx<'a>) -> Option<Box<dyn PackageRule + 'a>> {
    Some(Box::<Keys>::default())
}

impl Keys {
    /// The primary and unique keys of the dataset, and the sets other datasets point at.
    fn plan_own(&mut self, info: &DatasetInfo<'_>, plan: &mut Plan) {
        let ds = info.ds;
        let cur = &mut self.cur;
        if !ds.primary_key.is_empty() {
            let slot = plan.slot(&ds.primary_key);
            let ix = UniqueIndex::new(KeyKind::Primary, ds.primary_key.clone());
            cur.uniques.push((slot, ix));
        }
        for u in &ds.unique {
            let slot = plan.slot(u);
            cur.uniques
                .push((slot, UniqueIndex::new(KeyKind::Unique, u.clone())));
        }
        let mut seen = BTreeSet::new();
        for other in info.datasets {
            for fk in &other.foreign_keys {
                if fk.dataset == ds.name && seen.insert(fk.reference.clone()) {
                    let slot = plan.slot(&fk.reference);
                    let id = (ds.name.clone(), fk.reference.clone());
                    let set = self.sets.remove(&id).unwrap_or_default();
                    cur.own.push((slot, id, set));
                }
            }
        }
    }

    /// The dataset's foreign keys: to the workers when the target is complete, else kept.
    fn plan_foreign(&mut self, info: &DatasetInfo<'_>, plan: &mut Plan) {
        let (ds, schema) = (info.ds, info.schema);
        for (k, fk) in ds.foreign_keys.iter().enumerate() {
            let split = fk.fields.len() == 1
                && matches!(
                    schema.field(&fk.fields[0]).map(|f| &f.ty),
                    Some(FieldType::Array { .. })
                );
            let slot = plan.slot(&fk.fields);
            if !self.done.contains(&fk.dataset) {
                self.cur.later.push((slot, k, split));
                continue;
            }
            // Each finished set is taken out of the map once, even when several foreign keys
            // of this dataset point at it.
            let id = (fk.dataset.clone(), fk.reference.clone());
            let set = match self.cur.shared.iter().find(|(i, _)| *i == id) {
                Some((_, set)) => set.clone(),
                None => {
                    let set = Arc::new(self.sets.remove(&id).unwrap_or_default());
                    self.cur.shared.push((id, set.clone()));
                    set
                }
            };
            plan.foreign.push(ForeignCheck {
                slot,
                split,
                set,
                fields: fk.fields.clone(),
                target: fk.dataset.clone(),
                reference: fk.reference.clone(),
                field: schema.field_index(&fk.fields[0]),
            });
        }
    }
}

impl PackageRule for Keys {
    fn begin(&mut self, info: &DatasetInfo<'_>, plan: &mut Plan) -> bool {
        self.cur = Current {
            index: info.index,
            path: info.ds.path.clone(),
            ..Current::default()
        };
        self.plan_own(info, plan);
        self.plan_foreign(info, plan);
        let c = &self.cur;
        !(c.uniques.is_empty() && c.own.is_empty() && c.later.is_empty())
    }

    fn observe(&mut self, f: &RecordFacts<'_>) {
        let cur = &mut self.cur;
        for (slot, ix) in cur.uniques.iter_mut() {
            if let Some(d) = ix.check(f.key(*slot), f.row, f.line, &cur.path, None) {
                cur.found.push(d);
            }
        }
        for (slot, _, set) in cur.own.iter_mut() {
            if cur.uniques.iter().any(|(s, _)| s == slot) {
                // Filled from the unique index of the same fields after the file.
                continue;
            }
            if let Some((hash, _)) = f.key(*slot) {
                set.insert(hash);
            }
        }
        for &(slot, k, split) in &cur.later {
            let Some((hash, text)) = f.key(slot) else {
                continue;
            };
            each_reference(text, hash, split, |hash, text| {
                let r = Reference {
                    text: text.to_string(),
                    hash,
                    row: f.row,
                    line: f.line,
                };
                match cur.refs.iter_mut().find(|(kk, _)| *kk == k) {
                    Some((_, v)) => v.push(r),
                    None => cur.refs.push((k, vec![r])),
                }
            });
        }
    }

    fn end(&mut self, info: &DatasetInfo<'_>, cols: &Columns<'_>, out: &mut Vec<Diagnostic>) {
        let cur = std::mem::take(&mut self.cur);
        // Key findings carry the column of their first key field.
        for mut d in cur.found {
            d.column = cols.column(cur.index, d.field.as_deref());
            out.push(d);
        }
        for (slot, id, mut set) in cur.own {
            if let Some((_, ix)) = cur.uniques.iter().find(|(s, _)| *s == slot) {
                // A primary or unique key over the same fields has every value once already.
                set = ix.key_set();
            }
            self.sets.insert(id, set);
        }
        for (id, set) in cur.shared {
            let set = Arc::try_unwrap(set).unwrap_or_else(|set| (*set).clone());
            self.sets.insert(id, set);
        }
        for (k, refs) in cur.refs {
            self.deferred.push((cur.index, k, refs));
        }
        self.done.insert(info.ds.name.clone());
    }

    fn skipped(&mut self, info: &DatasetInfo<'_>) {
        self.done.insert(info.ds.name.clone());
    }

    fn finish(&mut self, cols: &Columns<'_>, out: &mut Vec<Diagnostic>) {
        for (i, k, refs) in std::mem::take(&mut self.deferred) {
            let ds = &cols.datasets[i];
            let fk = &ds.foreign_keys[k];
            let set = self.sets.get(&(fk.dataset.clone(), fk.reference.clone()));
            for r in refs {
                if !set.is_some_and(|s| s.contains(r.hash)) {
                    let column = cols.column(i, Some(&fk.fields[0]));
                    out.push(foreign_key_finding(
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
    }
}
