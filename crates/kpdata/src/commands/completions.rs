//! `kpdata completions bash|zsh|fish`: shell completions for the command tree.

use std::process::ExitCode;

use clap::Args;

use crate::CmdResult;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Prints the completions of `cmd` (the whole command tree, given by the caller).
pub fn run(args: CompletionsArgs, mut cmd: clap::Command) -> CmdResult {
    clap_complete::generate(args.shell, &mut cmd, "kpdata", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}
