//! `kpdata release` (not yet written).

use clap::Args;

use crate::{CmdResult, Failure};

#[derive(Debug, Args)]
pub struct ReleaseArgs {}

pub fn run(_args: ReleaseArgs) -> CmdResult {
    Err(Failure::new("`kpdata release` is not available yet"))
}
