//! `kpdata diff --format json`: [`kpdata_diff::DiffReport`] (the diff's fields, `required_bump`,
//! `bump_reasons` and `findings`), pretty-printed, one trailing newline. The record-level
//! wire format is documented on `kpdata_diff::PackageDiff`.

use kpdata_diagnostics::Diagnostic;
use kpdata_diff::{DiffReport, PackageDiff};

pub fn render(diff: &PackageDiff, findings: &[Diagnostic]) -> String {
    let mut s = serde_json::to_string_pretty(&DiffReport::new(diff, findings))
        .expect("a diff always serializes");
    s.push('\n');
    s
}
