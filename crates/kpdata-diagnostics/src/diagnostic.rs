use serde::Serialize;

use crate::rules::Rule;

/// How bad a finding is. Only `Error` makes `kpdata validate` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding. Positions are fields, never only inside the message.
///
/// - `path`: repository-relative path (or the path exactly as given on the command line).
/// - `row`: spreadsheet row (header = 1; a quoted multi-line record is one row; a blank line
///   is a row). For JSON, the 1-based index of the record.
/// - `line`: physical line (LF, CRLF and lone CR each end a line) where the record starts, or
///   where the problem is for syntax errors.
/// - `column`: 1-based index of the field in the header (CSV) or the character column (JSON
///   syntax errors).
/// - `offset`: 0-based byte offset in the file (a leading BOM counts) of what the finding is
///   about, as rust-csv's `Position::byte`: for CSV, the first byte of the cell (its opening
///   quote if quoted) when the finding names an existing cell, otherwise of the record; for
///   JSON, the exact byte that `line` and `column` point at. Set by the readers; `None` for
///   findings made after reading (schema, references, provenance...).
/// - `pointer`: JSON Pointer of the value inside a JSON document or record (`/1/action_date`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub path: Option<String>,
    pub row: Option<u64>,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub offset: Option<u64>,
    pub field: Option<String>,
    pub pointer: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A finding of `rule` with its default severity and hint.
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        Diagnostic {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            path: None,
            row: None,
            line: None,
            column: None,
            offset: None,
            field: None,
            pointer: None,
            message: message.into(),
            hint: if rule.hint.is_empty() {
                None
            } else {
                Some(rule.hint.to_string())
            },
        }
    }

    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }
    pub fn row(mut self, row: u64) -> Self {
        self.row = Some(row);
        self
    }
    pub fn line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
    pub fn column(mut self, column: u64) -> Self {
        self.column = Some(column);
        self
    }
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
    pub fn pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
    /// Sets row and line together: the common case for a record-level finding.
    pub fn at_record(self, row: u64, line: u64) -> Self {
        self.row(row).line(line)
    }

    /// The order findings are reported in: by file, then position, then rule code.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.path.as_deref(),
            self.row.unwrap_or(0),
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            self.code,
            self.field.as_deref(),
            self.pointer.as_deref(),
            self.message.as_str(),
        )
    }
}
