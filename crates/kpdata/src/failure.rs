//! A failure of the tool itself (not a finding): printed by `main` as `error:` and `hint:`
//! lines, exit 2. Every layer of the binary may return one; this module depends on no other.
//! It is the workspace's one failure type, [`kpdata_base::Failure`]: every library's error
//! (package, release, curate, site, git) converts by `?`.

use std::process::ExitCode;

pub use kpdata_base::Failure;

/// What a command returns: its exit code, or a failure.
pub type CmdResult = Result<ExitCode, Failure>;
