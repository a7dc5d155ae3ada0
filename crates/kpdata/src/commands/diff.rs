//! `kpdata diff` (not yet written).

use clap::Args;

use crate::{CmdResult, Failure};

#[derive(Debug, Args)]
pub struct DiffArgs {}

pub fn run(_args: DiffArgs) -> CmdResult {
    Err(Failure::new("`kpdata diff` is not available yet"))
}
