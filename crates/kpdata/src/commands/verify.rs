//! `kpdata verify` (not yet written).

use clap::Args;

use crate::{CmdResult, Failure};

#[derive(Debug, Args)]
pub struct VerifyArgs {}

pub fn run(_args: VerifyArgs) -> CmdResult {
    Err(Failure::new("`kpdata verify` is not available yet"))
}
