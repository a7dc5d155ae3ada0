//! A finished report printed in a format: [`emit`] (stdout, and the exit code it means) and
//! [`errors_to_stderr`] (the error findings that made `release` refuse).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use kpdata_diagnostics::{Report, Severity};

use super::{github, json, text, Format, Rendered};
use crate::{CmdResult, Failure};

/// Colour only on a terminal, and never with `NO_COLOR` set.
fn color(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Renders a finished report to stdout and maps it to the exit code.
pub fn emit(report: Report, format: Format) -> CmdResult {
    let errors = report.has_errors();
    let (diagnostics, suppressed, summary) = report.finish();
    let r = Rendered {
        diagnostics: &diagnostics,
        suppressed: &suppressed,
        summary: &summary,
    };
    let text = match format {
        Format::Text => {
            let color = color(std::io::stdout().is_terminal());
            text::render(&r, &text::Style { color })
        }
        Format::Json => json::render(&r),
        Format::Github => github::render(&r),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .map_err(|e| Failure::new(format!("cannot write the report: {e}")))?;
    Ok(if errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The error findings of a report on stderr, in the text format (a failed validation: they are
/// why nothing was released).
pub fn errors_to_stderr(report: Report) {
    let (diagnostics, suppressed, summary) = report.finish();
    let errors: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let rendered = Rendered {
        diagnostics: &errors,
        suppressed: &suppressed,
        summary: &summary,
    };
    let color = color(std::io::stderr().is_terminal());
    let text = text::render(&rendered, &text::Style { color });
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
