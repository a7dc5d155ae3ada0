/// A reason the release cannot be made (the binary prints `error:` and `hint:`, exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseError {
    pub message: String,
    pub hint: Option<String>,
}

impl ReleaseError {
    pub fn new(message: impl Into<String>) -> Self {
        ReleaseError {
            message: message.into(),
            hint: None,
        }
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl std::fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReleaseError {}

impl From<kpdata_package::PackageError> for ReleaseError {
    fn from(e: kpdata_package::PackageError) -> Self {
        ReleaseError {
            message: e.message,
            hint: e.hint,
        }
    }
}

impl From<std::io::Error> for ReleaseError {
    fn from(e: std::io::Error) -> Self {
        ReleaseError::new(e.to_string())
    }
}
