//! `kpdata`: the command-line adapter. It parses arguments, calls the library crates, renders
//! their results and maps them to exit codes: 0 clean, 1 findings of error severity, 2 the tool
//! could not run. Nothing else in the workspace prints, exits or reads the environment: the
//! workspace denies `print_stdout` and `print_stderr`, and only this crate allows them.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod commands;
mod render;

use std::process::ExitCode;

use clap::Parser;

/// A failure of the tool itself (not a finding): printed as `error:` and `hint:` lines, exit 2.
/// The workspace's one failure type: every library's error converts by `?`.
pub use kpdata_base::Failure;

pub type CmdResult = Result<ExitCode, Failure>;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match commands::run(cli) {
        Ok(code) => code,
        Err(f) => {
            {
                // Failure messages quote paths and values from input: escaped like findings.
                eprintln!("error: {}", kpdata_diagnostics::escape_text(&f.message));
                if let Some(h) = f.hint {
                    eprintln!("hint: {}", kpdata_diagnostics::escape_text(&h));
                }
            }
            ExitCode::from(2)
        }
    }
}
