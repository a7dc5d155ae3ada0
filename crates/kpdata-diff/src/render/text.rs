//! Plain text: one block per changed dataset (`+` added, `-` removed, `~` changed), then the
//! history findings in the `error[CODE] name: path:line: message` shape of `kpdata validate`.

use std::fmt::Write;

use kpdata_diagnostics::Diagnostic;

use super::words::{has_common, layout, side};
use super::{cap_bytes, counts, plural, take, RenderOptions, MAX_ITEMS};
use crate::delta::{Delta, SpanOp};
use crate::escape::{guard_workflow_commands, text, text_in_diff};
use crate::model::*;

/// [`render_text_with`] with [`RenderOptions::text`].
pub fn render_text(diff: &PackageDiff, findings: &[Diagnostic]) -> String {
    render_text_with(diff, findings, &RenderOptions::text())
}

pub fn render_text_with(
    diff: &PackageDiff,
    findings: &[Diagnostic],
    opts: &RenderOptions,
) -> String {
    let v = |s: &str| text(s, opts.max_value_chars);
    let opt = |s: &Option<String>| match s {
        Some(s) => format!("`{}`", v(s)),
        None => "(empty)".to_string(),
    };
    let mut o = String::new();
    match &opts.title {
        Some(t) => o.push_str(t),
        None => {
            let _ = write!(o, "Changes from {} to {}", v(&diff.base), v(&diff.head));
        }
    }
    o.push('\n');
    super::sources::text_sections(&mut o, diff, opts);
    if diff.is_empty() {
        o.push_str("No dataset changes.\n");
    } else {
        let _ = writeln!(
            o,
            "Required version bump: {}",
            diff.required_bump().as_str()
        );
        for r in diff.bump_reasons() {
            let _ = writeln!(o, "  {}: {}", r.bump.as_str(), v(&r.reason));
        }
    }
    for d in diff.changed_datasets() {
        let s = &d.summary;
        let _ = writeln!(
            o,
            "\n{} ({}){}: {} added, {} removed, {} changed, {} unchanged",
            v(&d.name),
            v(&d.path),
            match d.status {
                DatasetStatus::Added => " [new dataset]",
                DatasetStatus::Removed => " [dataset removed]",
                _ => "",
            },
            s.added,
            s.removed,
            s.changed,
            s.unchanged
        );
        if let Some(bp) = &d.base_path {
            let _ = writeln!(o, "  moved from {}", v(bp));
        }
        for f in &d.schema.fields_added {
            let _ = writeln!(o, "  schema: field added `{}` ({})", v(&f.name), v(&f.ty));
        }
        for f in &d.schema.fields_removed {
            let _ = writeln!(o, "  schema: field removed `{}` ({})", v(&f.name), v(&f.ty));
        }
        for f in &d.schema.fields_retyped {
            let _ = writeln!(
                o,
                "  schema: field retyped `{}`: {} -> {}",
                v(&f.name),
                v(&f.old),
                v(&f.new)
            );
        }
        if let Some((old, new)) = &d.schema.primary_key {
            let _ = writeln!(
                o,
                "  schema: primary key ({}) -> ({})",
                v(&old.join(", ")),
                v(&new.join(", "))
            );
        }
        let entry = |o: &mut String, sign: char, e: &RecordEntry, place: &str| {
            let vals: Vec<String> = e
                .values
                .0
                .iter()
                .filter(|(f, x)| x.is_some() && !d.primary_key.contains(f))
                .map(|(f, x)| format!("{}={}", v(f), opt(x)))
                .collect();
            let _ = writeln!(
                o,
                "  {sign} {} (row {}{place}): {}",
                v(&e.key.display()),
                e.row,
                vals.join(", ")
            );
        };
        let (added, more_added) = take(&d.added, opts.max_records);
        for e in added {
            entry(&mut o, '+', e, "");
        }
        more(&mut o, more_added, "added");
        let (removed, more_removed) = take(&d.removed, opts.max_records);
        let place = format!(" in {}", v(&diff.base));
        for e in removed {
            entry(&mut o, '-', e, &place);
        }
        more(&mut o, more_removed, "removed");
        let (changed, more_changed) = take(&d.changed, opts.max_records);
        for c in changed {
            let _ = writeln!(o, "  ~ {} (row {})", v(&c.key.display()), c.row);
            for f in &c.changes {
                let shown = change_text(f, opts.max_value_chars);
                let _ = writeln!(o, "      {}: {shown}", v(&f.field));
            }
        }
        more(&mut o, more_changed, "changed");
    }
    if !findings.is_empty() {
        o.push_str("\nHistory findings:\n");
        let (shown, more_findings) = take(findings, opts.max_findings);
        for f in shown {
            let mut at = String::new();
            if let Some(p) = &f.path {
                at.push_str(&v(p));
                if let Some(l) = f.line.or(f.row) {
                    let _ = write!(at, ":{l}");
                }
                at.push_str(": ");
            }
            let _ = writeln!(
                o,
                "{}[{}] {}: {at}{}",
                f.severity.as_str(),
                f.code,
                f.name,
                text(&f.message, 1000)
            );
            if let Some(h) = &f.hint {
                let _ = writeln!(o, "  hint: {}", text(h, 1000));
            }
        }
        more(&mut o, more_findings, "findings");
        let (errors, warnings) = counts(findings);
        let _ = writeln!(
            o,
            "{}, {}",
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings")
        );
    }
    cap_bytes(guard_workflow_commands(&o), opts.max_bytes)
}

/// One changed field as text, without the field name: the changed words marked
/// `[-removed-]{+added+}` with a few words of context, the list items removed and added, or
/// `` `old` -> `new` `` when the values share nothing. At most about `max_chars` characters of
/// each value; every value escaped (see [`crate::escape::text_in_diff`]).
pub fn change_text(f: &FieldChange, max_chars: usize) -> String {
    let opt = |s: &Option<String>| match s {
        Some(s) => format!("`{}`", text(s, max_chars)),
        None => "(empty)".to_string(),
    };
    match &f.delta {
        Some(Delta::Words { spans }) if has_common(spans) => {
            let segs = layout(spans, max_chars);
            side(&segs, SpanOp::Equal, &text_in_diff, ("[-", "{+"))
        }
        Some(Delta::List {
            removed,
            added,
            kept,
            ..
        }) => list_line(removed, added, *kept, max_chars),
        _ => format!("{} -> {}", opt(&f.old), opt(&f.new)),
    }
}

/// `removed [-a-], [-b-]; added {+c+}; 2 kept` (items quoted when they have edge spaces).
fn list_line(removed: &[String], added: &[String], kept: usize, max_chars: usize) -> String {
    if removed.is_empty() && added.is_empty() {
        return format!("same {kept} items, order changed");
    }
    let items = |list: &[String], open: &str, close: &str| {
        let (shown, more) = take(list, MAX_ITEMS);
        let mut parts: Vec<String> = shown
            .iter()
            .map(|i| {
                let i = if i.trim() != i || i.is_empty() {
                    format!("{i:?}")
                } else {
                    i.clone()
                };
                format!("{open}{}{close}", text_in_diff(&text(&i, max_chars)))
            })
            .collect();
        if more > 0 {
            parts.push(format!("…and {more} more"));
        }
        parts.join(", ")
    };
    let mut parts = Vec::new();
    if !removed.is_empty() {
        parts.push(format!("removed {}", items(removed, "[-", "-]")));
    }
    if !added.is_empty() {
        parts.push(format!("added {}", items(added, "{+", "+}")));
    }
    if kept > 0 {
        parts.push(format!("{kept} kept"));
    }
    parts.join("; ")
}

fn more(o: &mut String, n: usize, what: &str) {
    if n > 0 {
        let _ = writeln!(o, "  …and {n} more {what}");
    }
}
