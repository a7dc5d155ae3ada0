//! `kpdata diff --format github`: one annotation per history finding, a notice on each new
//! source (its archive check) and on the first changed records (their changed words as
//! `[-removed-]{+added+}`, so a reviewer sees them on the line), then a one-line count.
//! Findings about a removed record point at a line of the base revision, which the pull
//! request's files do not have: they are annotated on the file only.

use std::fmt::Write;

use kpdata_diagnostics::rules::history::DESIGNATION_REMOVED;
use kpdata_diagnostics::{escape_text as esc, escape_value, Diagnostic, Severity};
use kpdata_diff::{change_text, ArchiveCheck, PackageDiff};

/// Notices about changed records: GitHub shows only the first few annotations of each kind on a
/// step, and the job summary has them all.
const MAX_CHANGE_NOTICES: usize = 10;

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
    change_notices(&mut out, diff);
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

/// A warning on each new or changed source whose archive is not the registered one, and
/// notices (at most [`MAX_CHANGE_NOTICES`]) on the other sources and on the first changed
/// records, with their changed words.
fn change_notices(out: &mut String, diff: &PackageDiff) {
    let mut shown = 0;
    for s in &diff.sources {
        let (kind, check) = match &s.archive {
            ArchiveCheck::Matches => ("notice", "sha256 matches the registry".to_string()),
            ArchiveCheck::Mismatch { actual } => (
                "warning",
                format!("sha256 does not match: the file has {actual}"),
            ),
            ArchiveCheck::NoSha256 { actual } => (
                "warning",
                format!("no sha256 registered (the file has {actual})"),
            ),
            ArchiveCheck::Missing => ("warning", "the archived file is missing".into()),
            ArchiveCheck::Refused { reason } => (
                "warning",
                format!("cannot be read: {}", escape_value(reason, 200)),
            ),
            ArchiveCheck::NoArchive => ("warning", "no archived file".into()),
        };
        // Every warning is shown; plain notices share the cap with the changed records.
        if kind == "notice" {
            if shown == MAX_CHANGE_NOTICES {
                continue;
            }
            shown += 1;
        }
        let msg = format!(
            "source `{}`: archive `{}`, {check}; cited by {} record(s)",
            escape_value(&s.id, 120),
            escape_value(s.archive_path.as_deref().unwrap_or("-"), 200),
            s.cited_by.len()
        );
        let _ = writeln!(
            out,
            "::{kind} file={},line={},title={}::{}",
            escape_property(&s.path),
            s.line,
            escape_property("kpdata diff: new or changed source"),
            escape_data(&msg)
        );
    }
    for d in diff.changed_datasets() {
        for c in &d.changed {
            if shown == MAX_CHANGE_NOTICES {
                return;
            }
            shown += 1;
            let lines: Vec<String> = c
                .changes
                .iter()
                .map(|f| format!("{}: {}", escape_value(&f.field, 80), change_text(f, 200)))
                .collect();
            let mut props = vec![format!("file={}", escape_property(&d.path))];
            if c.line > 0 {
                props.push(format!("line={}", c.line));
            }
            props.push(format!(
                "title={}",
                escape_property(&format!("changed {}", escape_value(&c.key.display(), 80)))
            ));
            let _ = writeln!(
                out,
                "::notice {}::{}",
                props.join(","),
                escape_data(&lines.join("\n"))
            );
        }
    }
}
