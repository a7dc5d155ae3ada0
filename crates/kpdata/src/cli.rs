//! The command tree (clap) and its dispatch: the top of the binary. Each command's arguments
//! and run live in its module under `commands/`; nothing there refers back to this module.

use clap::{CommandFactory, Parser, Subcommand};

use crate::commands::{
    completions, curate, diff, import, link, release, rules, site, validate, verify,
};
use crate::CmdResult;

#[derive(Debug, Parser)]
#[command(name = "kpdata", version, about = "Validate, cite-check and publish curated DPRK sanctions and human-rights datasets", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check datasets against their schemas, keys, relations and sources
    Validate(validate::ValidateArgs),
    /// List every rule: code, name, severity and what it checks
    Rules,
    /// Show one rule's page: what it checks, why, an example, how to fix
    Rule(rules::RuleArgs),
    /// Import an official list into datasets (reproducible: same input, same bytes)
    Import(import::ImportArgs),
    /// Links between actors of different lists: suggestions for curators to accept
    Link(link::LinkArgs),
    /// Show what changed between two revisions, record by record
    Diff(diff::DiffArgs),
    /// Build a versioned, checksummed release folder and tag it
    Release(release::ReleaseArgs),
    /// Check a release folder against its SHA256SUMS and datapackage.json
    Verify(verify::VerifyArgs),
    /// Manage the source registry (`kpdata source add FILE ...`)
    #[command(subcommand)]
    Source(curate::SourceCommand),
    /// Show whether a quote occurs in a source's archived text, and where
    Quote(curate::QuoteArgs),
    /// Apply the repairs that have exactly one safe result (NFC, stray whitespace, --rehash)
    Fix(curate::FixArgs),
    /// Print shell completions: kpdata completions bash|zsh|fish > ...
    Completions(completions::CompletionsArgs),
    /// Build a static, offline website from a release folder
    Site(site::SiteArgs),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> CmdResult {
    match cli.command {
        Command::Validate(a) => validate::run(a),
        Command::Rules => rules::list(),
        Command::Rule(a) => rules::show(&a.rule),
        Command::Import(a) => import::run(a),
        Command::Link(a) => link::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Release(a) => release::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Source(c) => curate::source(c),
        Command::Quote(a) => curate::quote(a),
        Command::Fix(a) => curate::fix(a),
        // The completions describe this whole tree: handed to the command, which cannot name it.
        Command::Completions(a) => completions::run(a, Cli::command()),
        Command::Site(a) => site::run(a),
    }
}
