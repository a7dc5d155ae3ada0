//! [`Failure`]: why an operation could not run (not a finding). The binary prints its message
//! as `error:` and its hint as `hint:`, and exits 2.
//!
//! One type for every crate, under the name each layer gives it (`PackageError`, `LoadError`,
//! `ReleaseError`, `CurateError`, `SiteError`, the binary's `Failure`): they all carried the same
//! two fields and were converted into each other field by field.

use std::fmt;

/// A failure of the tool: a message, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            hint: None,
        }
    }

    /// The same failure with a `hint:` line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// [`Failure::hint`], by the name `kpdata-package` used.
    pub fn with_hint(self, hint: impl Into<String>) -> Self {
        self.hint(hint)
    }

    /// The message prefixed with `what: `.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::new(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_hint_and_context() {
        let f = Failure::new("no such file")
            .context("`kpdata.toml`")
            .hint("run kpdata in the package folder");
        assert_eq!(f.to_string(), "`kpdata.toml`: no such file");
        assert_eq!(f.hint.as_deref(), Some("run kpdata in the package folder"));
        assert_eq!(
            Failure::new("x").with_hint("y"),
            Failure::new("x").hint("y")
        );
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        assert_eq!(Failure::from(io), Failure::new("gone"));
    }
}
