//! `kpdata import` (not yet written).

use clap::Args;

use crate::{CmdResult, Failure};

#[derive(Debug, Args)]
pub struct ImportArgs {}

pub fn run(_args: ImportArgs) -> CmdResult {
    Err(Failure::new("`kpdata import` is not available yet"))
}
