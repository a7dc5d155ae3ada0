//! `kpdata.toml` compared between two revisions, dataset by dataset (matched by name):
//! datasets dropped or unpublished, keys and foreign keys removed, citation policies and
//! limits relaxed.

use kpdata_package::{CitePolicy, Dataset, Limits, Manifest, MANIFEST_FILE};

use super::{Effect, RuleChange};

fn change(dataset: Option<&str>, pointer: String, effect: Effect, what: String) -> RuleChange {
    RuleChange {
        file: MANIFEST_FILE.to_string(),
        dataset: dataset.map(String::from),
        pointer,
        effect,
        what,
        at: None,
    }
}

fn cols(c: &[String]) -> String {
    format!("({})", c.join(", "))
}

pub(super) fn compare(old: &Manifest, new: &Manifest, out: &mut Vec<RuleChange>) {
    limits(&old.limits, &new.limits, out);
    if old.provenance != new.provenance {
        out.push(change(
            None,
            "provenance".into(),
            Effect::Changes,
            format!(
                "provenance changed: registry `{}` → `{}`, archive folder `{}` → `{}`",
                old.provenance.registry,
                new.provenance.registry,
                old.provenance.archive_dir,
                new.provenance.archive_dir
            ),
        ));
    }
    let mut names: Vec<&str> = old
        .datasets
        .iter()
        .chain(&new.datasets)
        .map(|d| d.name.as_str())
        .collect();
    names.sort();
    names.dedup();
    for name in names {
        let here = format!("dataset.{name}");
        match (old.dataset(name), new.dataset(name)) {
            (Some(_), None) => out.push(change(
                Some(name),
                here,
                Effect::Loosens,
                format!(
                    "dataset `{name}` removed from the manifest: its file is no longer validated"
                ),
            )),
            (None, Some(_)) => out.push(change(
                Some(name),
                here,
                Effect::Changes,
                format!("dataset `{name}` added"),
            )),
            (Some(a), Some(b)) => dataset(a, b, &here, out),
            (None, None) => {}
        }
    }
}

fn limits(a: &Limits, b: &Limits, out: &mut Vec<RuleChange>) {
    for (name, x, y) in [
        ("field_size", a.field_size, b.field_size),
        ("file_size", a.file_size, b.file_size),
        ("columns", a.columns, b.columns),
        ("json_depth", a.json_depth, b.json_depth),
    ] {
        if x != y {
            let (effect, verb) = if y > x {
                (Effect::Loosens, "raised")
            } else {
                (Effect::Tightens, "lowered")
            };
            out.push(change(
                None,
                format!("limits.{name}"),
                effect,
                format!("limit `{name}` {verb}: {x} → {y}"),
            ));
        }
    }
    if a.findings_per_rule != b.findings_per_rule {
        out.push(change(
            None,
            "limits.findings_per_rule".into(),
            Effect::Changes,
            format!(
                "findings listed per rule: {} → {} (the verdict does not change)",
                a.findings_per_rule, b.findings_per_rule
            ),
        ));
    }
}

fn dataset(a: &Dataset, b: &Dataset, here: &str, out: &mut Vec<RuleChange>) {
    let name = a.name.as_str();
    let mut push = |key: &str, effect, what: String| {
        out.push(change(Some(name), format!("{here}.{key}"), effect, what))
    };
    if a.publish != b.publish {
        if b.publish {
            push(
                "publish",
                Effect::Changes,
                format!("dataset `{name}` is now published"),
            );
        } else {
            push(
                "publish",
                Effect::Loosens,
                format!(
                    "dataset `{name}` unpublished (`publish = false`): it leaves the next release"
                ),
            );
        }
    }
    for (key, x, y) in [("path", &a.path, &b.path), ("schema", &a.schema, &b.schema)] {
        if x != y {
            push(
                key,
                Effect::Changes,
                format!("`{key}` of `{name}` moved: `{x}` → `{y}`"),
            );
        }
    }
    // Uniqueness: a set of columns stays checked while some key of the new side is a subset.
    let sets = |d: &Dataset| -> Vec<Vec<String>> {
        let mut v: Vec<Vec<String>> = d.unique.clone();
        if !d.primary_key.is_empty() {
            v.insert(0, d.primary_key.clone());
        }
        v
    };
    let covered = |set: &[String], by: &[Vec<String>]| {
        by.iter()
            .any(|k| !k.is_empty() && k.iter().all(|c| set.contains(c)))
    };
    let (sa, sb) = (sets(a), sets(b));
    for s in &sa {
        if !covered(s, &sb) {
            push(
                "unique",
                Effect::Loosens,
                format!("`{name}`: uniqueness of {} is no longer checked", cols(s)),
            );
        }
    }
    for s in &sb {
        if !covered(s, &sa) {
            push(
                "unique",
                Effect::Tightens,
                format!("`{name}`: uniqueness of {} is now checked", cols(s)),
            );
        }
    }
    if a.primary_key != b.primary_key && covered(&a.primary_key, &sb) && !a.primary_key.is_empty() {
        push(
            "primary_key",
            Effect::Changes,
            format!(
                "primary key of `{name}`: {} → {}",
                cols(&a.primary_key),
                cols(&b.primary_key)
            ),
        );
    }
    let fk = |f: &kpdata_package::ForeignKey| {
        format!(
            "{} → `{}` {}",
            cols(&f.fields),
            f.dataset,
            cols(&f.reference)
        )
    };
    for f in a
        .foreign_keys
        .iter()
        .filter(|f| !b.foreign_keys.contains(f))
    {
        push(
            "foreign_key",
            Effect::Loosens,
            format!("`{name}`: foreign key {} removed", fk(f)),
        );
    }
    for f in b
        .foreign_keys
        .iter()
        .filter(|f| !a.foreign_keys.contains(f))
    {
        push(
            "foreign_key",
            Effect::Tightens,
            format!("`{name}`: foreign key {} added", fk(f)),
        );
    }
    if a.cite != b.cite {
        let effect = match (a.cite, b.cite) {
            (CitePolicy::Required, CitePolicy::Optional) => Effect::Loosens,
            (CitePolicy::Optional, CitePolicy::Required) => Effect::Tightens,
            _ => Effect::Changes,
        };
        push(
            "cite",
            effect,
            format!(
                "`{name}`: citation policy `{}` → `{}`",
                policy(a.cite),
                policy(b.cite)
            ),
        );
    }
    for (key, x, y) in [
        ("require_quote", a.require_quote, b.require_quote),
        ("require_official", a.require_official, b.require_official),
    ] {
        if x != y {
            let (effect, verb) = if x {
                (Effect::Loosens, "dropped")
            } else {
                (Effect::Tightens, "added")
            };
            push(key, effect, format!("`{name}`: `{key}` {verb}"));
        }
    }
    for f in a.event_dates.iter().filter(|f| !b.event_dates.contains(f)) {
        push(
            "event_dates",
            Effect::Loosens,
            format!("`{name}`: `{f}` is no longer judged against its sources' dates"),
        );
    }
    for f in b.event_dates.iter().filter(|f| !a.event_dates.contains(f)) {
        push(
            "event_dates",
            Effect::Tightens,
            format!("`{name}`: `{f}` is now judged against its sources' dates"),
        );
    }
}

fn policy(c: CitePolicy) -> &'static str {
    match c {
        CitePolicy::Required => "required",
        CitePolicy::Optional => "optional",
        CitePolicy::Registry => "registry",
    }
}
