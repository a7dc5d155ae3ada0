//! Renderers: turn a finished report (findings, suppressed counts, summary) into text, JSON or
//! GitHub workflow commands. They never see CSV or JSON input, only `Diagnostic` values. The
//! output `Format` of `validate` and `verify` and the `Rendered` input live here; `report`
//! prints a report in a format (on stdout with its exit code, or the errors on stderr).

pub mod diff_github;
pub mod diff_json;
pub mod github;
pub mod json;
pub mod report;
pub mod text;

use clap::ValueEnum;
use kpdata_diagnostics::{Diagnostic, Summary, Suppressed};

/// A finished validation, ready to render.
pub struct Rendered<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub suppressed: &'a [Suppressed],
    pub summary: &'a Summary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text, one finding per block, summary last
    Text,
    /// One JSON object: {"valid", "summary", "diagnostics"}
    Json,
    /// GitHub Actions workflow commands (annotations on the failing line)
    Github,
}
