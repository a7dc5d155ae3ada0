//! Rule changes: what a pull request does to the rules its data is judged by. `kpdata.toml`,
//! each dataset's JSON Schema and the vocabularies are compared between two snapshots, and
//! every difference is listed, record by record, with whether it loosens a constraint (lets
//! through values that were rejected), tightens one, or changes it in a way that cannot be
//! judged in general. `kpdata diff --rules` prints them; loosening changes are also KP509
//! findings (warnings) so that a pull request that relaxes the rules its own data needs is
//! visible on the files it changes.
//!
//! A vocabulary is a dataset that some foreign key references and whose records need not
//! cite sources (`cite = "optional"`): a key added to it is a value every referencing column
//! now accepts, like an `enum` value added.

mod manifest;
mod pattern;
mod render;
mod schema;

use kpdata_diagnostics::rules::history::RULE_LOOSENED;
use kpdata_diagnostics::{escape_value, Diagnostic};
use kpdata_package::{CitePolicy, Manifest};
use serde::Serialize;

pub use pattern::{compare as compare_patterns, PatternDelta};
pub use render::{render_rules_markdown, render_rules_text};

use crate::{PackageDiff, Snapshot};

/// What a rule change does to the set of records that pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// Records that were rejected may now pass.
    Loosens,
    /// Records that passed may now be rejected.
    Tightens,
    /// Neither can be said in general (a moved file, a new dataset, a rewritten `$ref`).
    Changes,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Loosens => "loosens",
            Effect::Tightens => "tightens",
            Effect::Changes => "changes",
        }
    }

    /// The effect of a change that may admit values (`admits`) and may reject values
    /// (`rejects`): one alone says which way it goes, both or neither cannot be said.
    fn of(admits: bool, rejects: bool) -> Effect {
        match (admits, rejects) {
            (true, false) => Effect::Loosens,
            (false, true) => Effect::Tightens,
            _ => Effect::Changes,
        }
    }

    fn flipped(self) -> Effect {
        match self {
            Effect::Loosens => Effect::Tightens,
            Effect::Tightens => Effect::Loosens,
            Effect::Changes => Effect::Changes,
        }
    }
}

/// One difference in the rules. Messages quote values in backticks and are not escaped:
/// escaping is the renderers' job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleChange {
    /// The file that holds the rule on the head side (base side when it was removed).
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    /// Where in the file: a JSON pointer in a schema, a dotted key in `kpdata.toml`, the
    /// record's key in a vocabulary.
    pub pointer: String,
    pub effect: Effect,
    pub what: String,
    /// The spreadsheet row and physical line of a vocabulary record on the head side (an
    /// added value), so the annotation lands on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<(u64, u64)>,
}

/// The rule changes from `base` to `head`, sorted by effect (loosening first), file and
/// position. `diff` is `crate::diff(base, head)` (for the vocabularies).
pub fn rule_changes(base: &Snapshot, head: &Snapshot, diff: &PackageDiff) -> Vec<RuleChange> {
    let mut out = Vec::new();
    manifest::compare(&base.manifest, &head.manifest, &mut out);
    for (name, new) in &head.schemas {
        let Some(old) = base.schemas.get(name) else {
            continue;
        };
        let mut ctx = schema::Ctx {
            file: &new.path,
            dataset: name,
            out: &mut out,
        };
        schema::compare(&mut ctx, &old.json, &new.json, "", false);
    }
    vocabularies(base, head, diff, &mut out);
    out.sort_by(|a, b| {
        (a.effect, &a.file, &a.dataset, &a.pointer, &a.what)
            .cmp(&(b.effect, &b.file, &b.dataset, &b.pointer, &b.what))
    });
    out.dedup();
    out
}

/// Datasets that are vocabularies in `m`, each with the columns that reference it.
fn vocabulary_users(m: &Manifest, name: &str) -> Option<Vec<String>> {
    let ds = m.dataset(name)?;
    if ds.cite != CitePolicy::Optional {
        return None;
    }
    let users: Vec<String> = m
        .datasets
        .iter()
        .flat_map(|d| {
            d.foreign_keys
                .iter()
                .filter(|f| f.dataset == name)
                .map(move |f| format!("{}.{}", d.name, f.fields.join("+")))
        })
        .collect();
    (!users.is_empty()).then_some(users)
}

fn vocabularies(base: &Snapshot, head: &Snapshot, diff: &PackageDiff, out: &mut Vec<RuleChange>) {
    for d in diff.changed_datasets() {
        let Some(users) = vocabulary_users(&head.manifest, &d.name)
            .or_else(|| vocabulary_users(&base.manifest, &d.name))
        else {
            continue;
        };
        let used_by = users
            .iter()
            .map(|u| format!("`{u}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let push = |out: &mut Vec<RuleChange>, key: String, effect, what: String, at| {
            out.push(RuleChange {
                file: d.path.clone(),
                dataset: Some(d.name.clone()),
                pointer: key,
                effect,
                what,
                at,
            })
        };
        for r in &d.added {
            let k = r.key.display();
            push(
                out,
                k.clone(),
                Effect::Loosens,
                format!("vocabulary value `{k}` added: now accepted in {used_by}"),
                Some((r.row, r.line)),
            );
        }
        for r in &d.removed {
            let k = r.key.display();
            push(
                out,
                k.clone(),
                Effect::Tightens,
                format!("vocabulary value `{k}` removed: no longer accepted in {used_by}"),
                None,
            );
        }
        for r in &d.changed {
            let k = r.key.display();
            let fields: Vec<String> = r.changes.iter().map(|c| format!("`{}`", c.field)).collect();
            push(
                out,
                k.clone(),
                Effect::Changes,
                format!("vocabulary value `{k}` redefined: {}", fields.join(", ")),
                Some((r.row, r.line)),
            );
        }
    }
}

/// KP509 warnings, one per loosening change, on the file that holds the rule.
pub fn rule_findings(changes: &[RuleChange]) -> Vec<Diagnostic> {
    changes
        .iter()
        .filter(|c| c.effect == Effect::Loosens)
        .map(|c| {
            // Escaped here: the GitHub renderer passes messages through as they are.
            let mut d =
                Diagnostic::new(&RULE_LOOSENED, escape_value(&c.what, 300)).path(c.file.clone());
            if c.pointer.starts_with('/') {
                d = d.pointer(c.pointer.clone());
            }
            match c.at {
                Some((row, line)) if line > 0 => d.at_record(row, line),
                _ => d,
            }
        })
        .collect()
}

/// The JSON of `kpdata diff --rules --format json`.
#[derive(Debug, Serialize)]
pub struct RulesReport<'a> {
    pub base: &'a str,
    pub head: &'a str,
    pub loosens: usize,
    pub rule_changes: &'a [RuleChange],
    pub findings: &'a [Diagnostic],
}
