//! `kpdata diff --format github`: one annotation per history finding, then a one-line count.
//! Findings about a removed record point at a line of the base revision, which the pull
//! request's files do not have: they are annotated on the file only.

use std::fmt::Write;

use kpdata_diagnostics::rules::history::DESIGNATION_REMOVED;
use kpdata_diagnostics::{escape_text as esc, Diagnostic, Severity};
use kpdata_diff::PackageDiff;

use super::github::{escape_data, escape_property};

pub fn render(diff: &PackageDiff, findings: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in findings {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let base_side = d.code == DESIGNATION_REMOVED.code;
        let mut props = Vec::new();
        if let Some(p) = &d.path {
            props.push(format!("file={}", escape_property(p)));
        }
        if let (Some(l), false) = (d.line, base_side) {
            props.push(format!("line={l}"));
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}", d.code, d.name))
        ));
        let mut msg = esc(&d.message).into_owned();
        if let Some(h) = &d.hint {
            let _ = write!(msg, "\nhint: {}", esc(h));
        }
        let _ = writeln!(out, "::{kind} {}::{}", props.join(","), escape_data(&msg));
    }
    let (mut added, mut removed, mut changed) = (0, 0, 0);
    for d in &diff.datasets {
        added += d.summary.added;
        removed += d.summary.removed;
        changed += d.summary.changed;
    }
    let errors = findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = findings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let _ = writeln!(
        out,
        "kpdata diff: {added} added, {removed} removed, {changed} changed records; required bump {}; {errors} errors, {warnings} warnings",
        diff.required_bump().as_str()
    );
    out
}
