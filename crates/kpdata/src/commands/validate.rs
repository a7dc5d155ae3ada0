//! `kpdata validate`.

use crate::cli::ValidateArgs;
use crate::{CmdResult, Failure};

pub fn run(_args: ValidateArgs) -> CmdResult {
    Err(Failure::new("not yet"))
}
