//! `kpdata rules` and `kpdata rule CODE`.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use kpdata_diagnostics::{catalog, lookup};

use crate::{CmdResult, Failure};

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (`KP106`) or name (`blank-row`)
    pub rule: String,
}

fn print(s: &str) -> CmdResult {
    std::io::stdout()
        .lock()
        .write_all(s.as_bytes())
        .map_err(|e| Failure::new(format!("cannot write: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

pub fn list() -> CmdResult {
    let mut s = String::new();
    for r in catalog() {
        s.push_str(&format!(
            "{}  {:<32} {:<8} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary
        ));
    }
    s.push_str("\nShow one rule with `kpdata rule CODE` or `kpdata rule NAME`.\n");
    print(&s)
}

pub fn show(rule: &str) -> CmdResult {
    match lookup(rule) {
        Some(r) => print(&r.page()),
        None => Err(Failure::new(format!("no rule is called `{rule}`"))
            .hint("`kpdata rules` lists every code and name")),
    }
}
