//! Rule changes as markdown (the pull-request summary) and text. Every value from the
//! manifest, a schema or a vocabulary passes through [`crate::escape`].

use std::fmt::Write;

use super::{Effect, RuleChange};
use crate::escape::{guard_workflow_commands, md, md_code, md_message, text};

const MAX: usize = 300;

fn heading(e: Effect) -> &'static str {
    match e {
        Effect::Loosens => "Loosened: values that were rejected may now pass",
        Effect::Tightens => "Tightened",
        Effect::Changes => "Other rule changes",
    }
}

fn counts(changes: &[RuleChange]) -> [usize; 3] {
    let n = |e| changes.iter().filter(|c| c.effect == e).count();
    [n(Effect::Loosens), n(Effect::Tightens), n(Effect::Changes)]
}

/// The `### Rule changes` section of the pull-request summary.
pub fn render_rules_markdown(base: &str, head: &str, changes: &[RuleChange]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "### Rule changes (kpdata.toml, schemas, vocabularies): {} → {}\n",
        md(base, 80),
        md(head, 80)
    );
    if changes.is_empty() {
        s.push_str(
            "No rule changes: the data is judged by the same manifest, schemas and vocabularies.\n",
        );
        return guard_workflow_commands(&s);
    }
    let [l, t, c] = counts(changes);
    let _ = writeln!(
        s,
        "{} rule change(s): **{l} loosen a constraint**, {t} tighten one, {c} other.\n",
        changes.len()
    );
    for effect in [Effect::Loosens, Effect::Tightens, Effect::Changes] {
        let group: Vec<&RuleChange> = changes.iter().filter(|c| c.effect == effect).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(s, "#### {}\n", heading(effect));
        s.push_str("| file | dataset | where | change |\n|---|---|---|---|\n");
        for c in group {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                md_code(&c.file, 120),
                c.dataset
                    .as_deref()
                    .map(|d| md_code(d, 80))
                    .unwrap_or_default(),
                md(&c.pointer, 120),
                md_message(&c.what, MAX)
            );
        }
        s.push('\n');
    }
    guard_workflow_commands(&s)
}

/// The same as plain text: one line per change.
pub fn render_rules_text(base: &str, head: &str, changes: &[RuleChange]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "rule changes {} -> {}", text(base, 80), text(head, 80));
    for c in changes {
        let _ = writeln!(
            s,
            "{:<8} {}{}{}: {}",
            c.effect.as_str(),
            text(&c.file, 120),
            c.dataset
                .as_deref()
                .map(|d| format!(" [{}]", text(d, 80)))
                .unwrap_or_default(),
            if c.pointer.is_empty() {
                String::new()
            } else {
                format!(" {}", text(&c.pointer, 120))
            },
            text(&c.what, MAX)
        );
    }
    let [l, t, c] = counts(changes);
    let _ = writeln!(
        s,
        "{} rule change(s): {l} loosen, {t} tighten, {c} other",
        changes.len()
    );
    guard_workflow_commands(&s)
}
