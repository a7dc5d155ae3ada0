//! Renderers: turn a finished report (findings, suppressed counts, summary) into text, JSON or
//! GitHub workflow commands. They never see CSV or JSON input, only `Diagnostic` values.

pub mod diff_github;
pub mod diff_json;
pub mod github;
pub mod json;
pub mod text;

use kpdata_diagnostics::{Diagnostic, Summary, Suppressed};

/// A finished validation, ready to render.
pub struct Rendered<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub suppressed: &'a [Suppressed],
    pub summary: &'a Summary,
}
