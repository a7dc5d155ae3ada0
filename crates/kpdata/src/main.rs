//! `kpdata`: the command-line adapter. It parses arguments, calls the library crates, renders
//! their results and maps them to exit codes: 0 clean, 1 findings of error severity, 2 the tool
//! could not run. Nothing else in the workspace prints, exits or reads the environment: the
//! workspace denies `print_stdout` and `print_stderr`, and only this crate allows them.
//!
//! Its modules depend on each other in one direction only: `main` → `cli` (the command tree
//! and its dispatch) → `commands` (each command's arguments and run) → `render` (formats and
//! renderers) → `failure`; the orchestration a command needs beyond that lives in the library
//! crates (`kpdata_release::ops` for `release`).
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod commands;
mod failure;
mod render;

use std::process::ExitCode;

use clap::Parser;

pub(crate) use failure::{CmdResult, Failure};

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli::run(cli) {
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
