//! A failure of the tool itself (not a finding): printed by `main` as `error:` and `hint:`
//! lines, exit 2. Every layer of the binary may return one; this module depends on no other.

use std::process::ExitCode;

#[derive(Debug)]
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
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl From<kpdata_package::PackageError> for Failure {
    fn from(e: kpdata_package::PackageError) -> Self {
        Failure {
            message: e.message,
            hint: e.hint,
        }
    }
}

impl From<kpdata_release::ReleaseError> for Failure {
    fn from(e: kpdata_release::ReleaseError) -> Self {
        Failure {
            message: e.message,
            hint: e.hint,
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::new(e.to_string())
    }
}

/// What a command returns: its exit code, or a failure.
pub type CmdResult = Result<ExitCode, Failure>;
