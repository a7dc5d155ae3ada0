//! Markdown: a summary table, the required bump, history findings, then per dataset its schema
//! changes and tables of added, removed and changed records (capped, with "and N more").

use std::fmt::Write;

use kpdata_diagnostics::Diagnostic;

use super::words::{has_common, layout, side};
use super::{cap_bytes, counts, plural, take, RenderOptions, MAX_ITEMS};
use crate::delta::{Delta, SpanOp};
use crate::escape::{guard_workflow_commands, md, md_code, md_message, NO_CUT};
use crate::model::*;

/// [`render_markdown_with`] with [`RenderOptions::markdown`].
pub fn render_markdown(diff: &PackageDiff, findings: &[Diagnostic]) -> String {
    render_markdown_with(diff, findings, &RenderOptions::markdown())
}

pub fn render_markdown_with(
    diff: &PackageDiff,
    findings: &[Diagnostic],
    opts: &RenderOptions,
) -> String {
    let v = |s: &str| md(s, opts.max_value_chars);
    let mut o = String::new();
    match &opts.title {
        Some(t) => o.push_str(t),
        None => {
            let _ = write!(
                o,
                "## Dataset changes: {} → {}",
                v(&diff.base),
                v(&diff.head)
            );
        }
    }
    o.push_str("\n\n");
    super::sources::markdown(&mut o, diff, opts);
    if diff.is_empty() {
        o.push_str("No dataset changes.\n");
    } else {
        summary_table(&mut o, diff);
        let reasons = diff.bump_reasons();
        let _ = writeln!(
            o,
            "\nRequired version bump: **{}**",
            diff.required_bump().as_str()
        );
        o.push('\n');
        for r in &reasons {
            let _ = writeln!(o, "- {}: {}", r.bump.as_str(), md_message(&r.reason, 1000));
        }
    }
    if !findings.is_empty() {
        findings_section(&mut o, findings, opts);
    }
    for d in diff.changed_datasets() {
        dataset_section(&mut o, d, diff, opts);
    }
    cap_bytes(guard_workflow_commands(&o), opts.max_bytes)
}

fn summary_table(o: &mut String, diff: &PackageDiff) {
    o.push_str("| dataset | status | added | removed | changed | schema |\n");
    o.push_str("|---|---|---:|---:|---:|---|\n");
    for d in diff.changed_datasets() {
        let s = &d.schema;
        let mut schema = Vec::new();
        for (n, what) in [
            (s.fields_added.len(), "added"),
            (s.fields_removed.len(), "removed"),
            (s.fields_retyped.len(), "retyped"),
        ] {
            if n > 0 {
                schema.push(format!("{} {what}", plural(n, "field", "fields")));
            }
        }
        if s.primary_key.is_some() {
            schema.push("primary key changed".into());
        }
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            md_code(&d.name, 80),
            status(d.status),
            d.summary.added,
            d.summary.removed,
            d.summary.changed,
            if schema.is_empty() {
                "—".to_string()
            } else {
                schema.join(", ")
            }
        );
    }
}

fn status(s: DatasetStatus) -> &'static str {
    match s {
        DatasetStatus::Added => "new dataset",
        DatasetStatus::Removed => "dataset removed",
        DatasetStatus::Changed => "changed",
        DatasetStatus::Unchanged => "unchanged",
    }
}

fn findings_section(o: &mut String, findings: &[Diagnostic], opts: &RenderOptions) {
    let (errors, warnings) = counts(findings);
    let _ = writeln!(
        o,
        "\n### History findings: {}, {}\n",
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings")
    );
    let (shown, more) = take(findings, opts.max_findings);
    for f in shown {
        let mut at = String::new();
        if let Some(p) = &f.path {
            at.push_str(&md_code(p, 200));
            if let Some(r) = f.row {
                let _ = write!(at, " row {r}");
            }
            if let Some(l) = f.line {
                let _ = write!(at, " (line {l})");
            }
            at.push_str(": ");
        }
        let _ = write!(
            o,
            "- **{}** {} `{}` {at}{}",
            f.severity.as_str(),
            f.code,
            f.name,
            md_message(&f.message, 1000)
        );
        if let Some(h) = &f.hint {
            let _ = write!(o, " — hint: {}", md_message(h, 1000));
        }
        o.push('\n');
    }
    if more > 0 {
        let _ = writeln!(o, "- …and {more} more");
    }
}

fn values_cell(e: &RecordEntry, key: &[String], opts: &RenderOptions) -> String {
    let parts: Vec<String> = e
        .values
        .0
        .iter()
        .filter(|(f, val)| val.is_some() && !key.contains(f))
        .map(|(f, val)| {
            format!(
                "{}: {}",
                md_code(f, 80),
                md(val.as_deref().unwrap_or_default(), opts.max_value_chars)
            )
        })
        .collect();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join("<br>")
    }
}

fn cell(v: &Option<String>, opts: &RenderOptions) -> String {
    match v {
        Some(s) => md(s, opts.max_value_chars),
        None => "*(empty)*".into(),
    }
}

/// The old and new cells of a changed field: the changed words marked (`~~removed~~`,
/// `**added**`) with a few words of context, the list items removed and added, or the two
/// values when they have nothing in common.
fn change_cells(f: &FieldChange, opts: &RenderOptions) -> (String, String) {
    let esc = |t: &str| md(t, NO_CUT);
    match &f.delta {
        Some(Delta::Words { spans }) if has_common(spans) => {
            let segs = layout(spans, opts.max_value_chars);
            (
                side(&segs, SpanOp::Removed, &esc, ("~~", "**")),
                side(&segs, SpanOp::Added, &esc, ("~~", "**")),
            )
        }
        Some(Delta::List {
            removed,
            added,
            kept,
            ..
        }) => {
            if removed.is_empty() && added.is_empty() {
                let same = format!("*(same {kept} items, order changed)*");
                return (same.clone(), same);
            }
            let items = |list: &[String], m: &str| {
                let (shown, more) = take(list, MAX_ITEMS);
                let mut parts: Vec<String> = shown
                    .iter()
                    .map(|i| {
                        if i.trim() != i || i.is_empty() {
                            format!("{m}{}{m}", md(&format!("{i:?}"), opts.max_value_chars))
                        } else {
                            format!("{m}{}{m}", md(i, opts.max_value_chars))
                        }
                    })
                    .collect();
                if more > 0 {
                    parts.push(format!("…and {more} more"));
                }
                if parts.is_empty() {
                    "—".to_string()
                } else {
                    parts.join(", ")
                }
            };
            let kept = if *kept > 0 {
                format!(" *({kept} kept)*")
            } else {
                String::new()
            };
            (
                items(removed, "~~"),
                format!("{}{kept}", items(added, "**")),
            )
        }
        _ => (cell(&f.old, opts), cell(&f.new, opts)),
    }
}

fn dataset_section(o: &mut String, d: &DatasetDiff, diff: &PackageDiff, opts: &RenderOptions) {
    let v = |s: &str| md(s, opts.max_value_chars);
    let _ = writeln!(
        o,
        "\n### {} ({})\n",
        md_code(&d.name, 80),
        md_code(&d.path, 200)
    );
    match d.status {
        DatasetStatus::Added => {
            let _ = writeln!(
                o,
                "New dataset with {}.\n",
                plural(d.added.len(), "record", "records")
            );
        }
        DatasetStatus::Removed => {
            let _ = writeln!(
                o,
                "Dataset removed (it had {}).\n",
                plural(d.removed.len(), "record", "records")
            );
        }
        _ => {}
    }
    if let Some(bp) = &d.base_path {
        let _ = writeln!(o, "Moved from {}.\n", md_code(bp, 200));
    }
    let s = &d.schema;
    if !s.is_empty() {
        o.push_str("Schema changes:\n\n");
        for f in &s.fields_added {
            let _ = writeln!(o, "- field added: {} ({})", md_code(&f.name, 80), v(&f.ty));
        }
        for f in &s.fields_removed {
            let _ = writeln!(
                o,
                "- field removed: {} ({})",
                md_code(&f.name, 80),
                v(&f.ty)
            );
        }
        for f in &s.fields_retyped {
            let _ = writeln!(
                o,
                "- field retyped: {}: {} → {}",
                md_code(&f.name, 80),
                v(&f.old),
                v(&f.new)
            );
        }
        if let Some((old, new)) = &s.primary_key {
            let _ = writeln!(
                o,
                "- primary key: ({}) → ({})",
                v(&old.join(", ")),
                v(&new.join(", "))
            );
        }
        o.push('\n');
    }
    // A removed dataset's records are all gone: the count above says enough.
    if d.status != DatasetStatus::Removed {
        entries(o, "Added", &d.added, d, opts, "");
    }
    if d.status != DatasetStatus::Removed && d.status != DatasetStatus::Added {
        let base = format!(" in {}", v(&diff.base));
        entries(o, "Removed", &d.removed, d, opts, &base);
    }
    if !d.changed.is_empty() {
        let _ = writeln!(o, "**Changed** ({})\n", d.changed.len());
        if opts.show_rows {
            o.push_str("| key | row | field | old | new |\n|---|---:|---|---|---|\n");
        } else {
            o.push_str("| key | field | old | new |\n|---|---|---|---|\n");
        }
        let (shown, more) = take(&d.changed, opts.max_records);
        for c in shown {
            for (i, f) in c.changes.iter().enumerate() {
                let (k, r) = if i == 0 {
                    (v(&c.key.display()), format!("{} | ", c.row))
                } else {
                    (String::new(), " | ".to_string())
                };
                let r = if opts.show_rows { r.as_str() } else { "" };
                let (old, new) = change_cells(f, opts);
                let _ = writeln!(o, "| {k} | {r}{} | {old} | {new} |", md_code(&f.field, 80),);
            }
        }
        if more > 0 {
            let _ = writeln!(
                o,
                "\n…and {} more changed",
                plural(more, "record", "records")
            );
        }
        o.push('\n');
    }
}

fn entries(
    o: &mut String,
    title: &str,
    list: &[RecordEntry],
    d: &DatasetDiff,
    opts: &RenderOptions,
    where_: &str,
) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(o, "**{title}** ({})\n", list.len());
    if opts.show_rows {
        let _ = writeln!(o, "| key | row{where_} | values |\n|---|---:|---|");
    } else {
        let _ = writeln!(o, "| key | values |\n|---|---|");
    }
    let (shown, more) = take(list, opts.max_records);
    for e in shown {
        let row = if opts.show_rows {
            format!(" {} |", e.row)
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "| {} |{row} {} |",
            md(&e.key.display(), opts.max_value_chars),
            values_cell(e, &d.primary_key, opts)
        );
    }
    if more > 0 {
        let _ = writeln!(o, "\n…and {more} more {} records", title.to_lowercase());
    }
    o.push('\n');
}
