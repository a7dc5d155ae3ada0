use std::fmt;

/// The package cannot be used: a missing or malformed manifest or schema, or an unsafe path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageError {
    pub message: String,
    pub hint: Option<String>,
}

impl PackageError {
    pub fn new(message: impl Into<String>) -> Self {
        PackageError {
            message: message.into(),
            hint: None,
        }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl fmt::Display for PackageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PackageError {}
