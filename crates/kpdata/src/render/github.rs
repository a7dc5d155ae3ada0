//! `--format github`: GitHub Actions workflow commands, so each finding is an annotation on
//! the file and physical line of a pull request. Every value from input first has its
//! invisible characters escaped ([`escape_text`]: no raw line break, terminal escape or bidi
//! control), then the whole is escaped as the runner expects (`%`, CR, LF in messages; also
//! `:` and `,` in properties), so no cell, path or label can start a command of its own.

use std::fmt::Write;

use kpdata_diagnostics::{escape_text as esc, Severity};

use super::Rendered;

/// The runner's escaping of a command's message (`%`, CR, LF). Values from input go through
/// [`escape_text`] first; only kpdata's own line breaks (before `hint:`) reach this raw.
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value (`file=`, `title=`): invisible characters escaped, then the
/// runner's escaping plus `:` and `,`.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(&esc(s)).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(r: &Rendered<'_>) -> String {
    let mut out = String::new();
    for d in r.diagnostics {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(p) = &d.path {
            props.push(format!("file={}", escape_property(p)));
        }
        if let Some(l) = d.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = d.column {
            props.push(format!("col={c}"));
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}", d.code, d.name))
        ));
        let mut msg = esc(&d.message).into_owned();
        if let Some(row) = d.row {
            let _ = write!(msg, " (row {row}");
            if let Some(f) = &d.field {
                let _ = write!(msg, ", field `{}`", esc(f));
            }
            msg.push(')');
        }
        if let Some(h) = &d.hint {
            // The one line break of a message: the runner gets it as `%0A`.
            let _ = write!(msg, "\nhint: {}", esc(h));
        }
        let _ = writeln!(out, "::{kind} {}::{}", props.join(","), escape_data(&msg));
    }
    for s in r.suppressed {
        let mut props = Vec::new();
        if let Some(p) = &s.path {
            props.push(format!("file={}", escape_property(p)));
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}", s.code, s.name))
        ));
        let _ = writeln!(
            out,
            "::notice {}::{} more `{}` findings not shown",
            props.join(","),
            s.count,
            s.name
        );
    }
    let sum = r.summary;
    let _ = writeln!(
        out,
        "kpdata: checked {} files, {} records: {} errors, {} warnings",
        sum.files, sum.records, sum.errors, sum.warnings
    );
    out
}
