//! Human-readable renderings of a diff and its history findings: markdown (pull-request
//! summaries, release `CHANGES.md`) and plain text (terminals, CI logs). Both are
//! deterministic and escape every value they echo (see [`crate::escape`]).

mod markdown;
mod sources;
mod text;
mod words;

pub use markdown::{render_markdown, render_markdown_with};
pub use text::{change_text, render_text, render_text_with};

use kpdata_diagnostics::{Diagnostic, Severity};

/// Items listed of one list delta, and records listed as citing one source.
const MAX_ITEMS: usize = 20;

/// Caps that keep a rendering short on huge changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Records listed per dataset and kind (added, removed, changed); 0 = all.
    pub max_records: usize,
    /// Findings listed; 0 = all.
    pub max_findings: usize,
    /// Characters shown of one value before it is cut.
    pub max_value_chars: usize,
    /// The first line (markdown: a heading, written as given). `None`: a heading naming the
    /// two sides.
    pub title: Option<String>,
    /// Largest output in bytes (0 = no limit); longer output is cut at a line end with a note.
    /// GitHub refuses a job summary over 1 MiB.
    pub max_bytes: usize,
    /// Markdown: show each record's spreadsheet row. Off where the CSV files are not at hand
    /// (a release's CHANGES.md names records by dataset and primary key only).
    pub show_rows: bool,
}

impl RenderOptions {
    /// Markdown defaults: 50 records per list, 100 findings, values cut at 120 characters.
    pub fn markdown() -> Self {
        RenderOptions {
            max_records: 50,
            max_findings: 100,
            max_value_chars: 120,
            title: None,
            max_bytes: 900_000,
            show_rows: true,
        }
    }
    /// Text defaults: everything listed, values cut at 200 characters.
    pub fn text() -> Self {
        RenderOptions {
            max_records: 0,
            max_findings: 0,
            max_value_chars: 200,
            title: None,
            max_bytes: 0,
            show_rows: true,
        }
    }
}

/// Cuts `out` to at most `max` bytes at a line end, saying so.
fn cap_bytes(mut out: String, max: usize) -> String {
    if max == 0 || out.len() <= max {
        return out;
    }
    let note = "\n…cut here to stay within the size limit; `kpdata diff --format json` lists every change.\n";
    let mut end = max.saturating_sub(note.len());
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    let end = out[..end].rfind('\n').map_or(0, |i| i + 1);
    out.truncate(end);
    out.push_str(note);
    out
}

fn take<T>(items: &[T], max: usize) -> (&[T], usize) {
    if max == 0 || items.len() <= max {
        (items, 0)
    } else {
        (&items[..max], items.len() - max)
    }
}

fn counts(findings: &[Diagnostic]) -> (usize, usize) {
    let errors = findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = findings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    (errors, warnings)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
