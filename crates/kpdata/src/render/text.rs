//! The default, human format: one block per finding, the summary line last. Readable without
//! colour; colour only on a terminal and never when `NO_COLOR` is set. Every value a finding
//! carries (path, field, pointer, message, hint) may come from input: each is printed through
//! [`escape_text`], so no raw line break, terminal escape or bidi control reaches the output.

use std::fmt::Write;

use kpdata_diagnostics::{escape_text as esc, Diagnostic, Severity};

use super::Rendered;

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

pub fn location(d: &Diagnostic) -> String {
    let mut loc = d
        .path
        .as_deref()
        .map_or_else(|| "<package>".into(), |p| esc(p).into_owned());
    if let Some(l) = d.line {
        let _ = write!(loc, ":{l}");
        if let Some(c) = d.column {
            let _ = write!(loc, ":{c}");
        }
    }
    let mut parts = Vec::new();
    if let Some(r) = d.row {
        parts.push(format!("row {r}"));
    }
    if let Some(f) = &d.field {
        parts.push(format!("field `{}`", esc(f)));
    }
    if let Some(p) = &d.pointer {
        if !p.is_empty() && d.field.as_deref().map(|f| format!("/{f}")) != Some(p.clone()) {
            parts.push(format!("pointer `{}`", esc(p)));
        }
    }
    if parts.is_empty() {
        loc
    } else {
        format!("{loc} ({})", parts.join(", "))
    }
}

pub fn render(r: &Rendered<'_>, style: &Style) -> String {
    let mut out = String::new();
    for d in r.diagnostics {
        let (label, color) = match d.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
            Severity::Info => ("info", "1;34"),
        };
        let _ = writeln!(
            out,
            "{}{} {}",
            style.paint(color, label),
            style.paint("1", &format!("[{} {}]:", d.code, d.name)),
            esc(&d.message)
        );
        let _ = writeln!(out, "  --> {}", location(d));
        if let Some(h) = &d.hint {
            let _ = writeln!(out, "  = hint: {}", esc(h));
        }
        out.push('\n');
    }
    for s in r.suppressed {
        let _ = writeln!(
            out,
            "... and {} more `{}` ({}) findings in {} not shown (raise the cap with --max-per-rule N, 0 = all)",
            s.count,
            s.name,
            s.code,
            esc(s.path.as_deref().unwrap_or("<package>"))
        );
    }
    if !r.suppressed.is_empty() {
        out.push('\n');
    }
    let sum = r.summary;
    let verdict = if sum.errors > 0 {
        style.paint("1;31", "FAILED")
    } else {
        style.paint("1;32", "ok")
    };
    let _ = writeln!(
        out,
        "{verdict}: checked {} {}, {} {}: {} {}, {} {}",
        sum.files,
        plural(sum.files, "file", "files"),
        sum.records,
        plural(sum.records, "record", "records"),
        sum.errors,
        plural(sum.errors, "error", "errors"),
        sum.warnings,
        plural(sum.warnings, "warning", "warnings"),
    );
    out
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}
