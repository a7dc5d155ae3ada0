//! One module per command: each turns parsed arguments into a call of the library crates and
//! a rendered result.

pub mod curate;
pub mod diff;
pub mod import;
pub mod link;
pub mod release;
pub mod rules;
pub mod signing;
pub mod site;
pub mod subset;
pub mod validate;
pub mod verify;

use crate::cli::{Cli, Command};
use crate::CmdResult;

pub fn run(cli: Cli) -> CmdResult {
    match cli.command {
        Command::Validate(a) => validate::run(a),
        Command::Rules => rules::list(),
        Command::Rule { rule } => rules::show(&rule),
        Command::Import(a) => import::run(a),
        Command::Link(a) => link::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Release(a) => release::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Source(c) => curate::source(c),
        Command::Quote(a) => curate::quote(a),
        Command::Fix(a) => curate::fix(a),
        Command::Completions { shell } => curate::completions(shell),
        Command::Site(a) => site::run(a),
    }
}
