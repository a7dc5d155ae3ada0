//! `kpdata rules` and `kpdata rule CODE`.

use crate::{CmdResult, Failure};

pub fn list() -> CmdResult {
    Err(Failure::new("not yet"))
}

pub fn show(_rule: &str) -> CmdResult {
    Err(Failure::new("not yet"))
}
