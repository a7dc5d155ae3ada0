//! `--format json`: one object `{"valid", "summary", "diagnostics", "suppressed"}`. Every
//! finding has all twelve fields (`null` when not known), so consumers need no guessing.

use serde::Serialize;

use super::Rendered;

#[derive(Serialize)]
struct Out<'a> {
    valid: bool,
    summary: &'a kpdata_diagnostics::Summary,
    diagnostics: &'a [kpdata_diagnostics::Diagnostic],
    suppressed: &'a [kpdata_diagnostics::Suppressed],
}

pub fn render(r: &Rendered<'_>) -> String {
    let out = Out {
        valid: r.summary.errors == 0,
        summary: r.summary,
        diagnostics: r.diagnostics,
        suppressed: r.suppressed,
    };
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
