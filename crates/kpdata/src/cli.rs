//! The command-line interface (clap types only; no behaviour).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "kpdata", version, about = "Validate, cite-check and publish curated DPRK sanctions and human-rights datasets", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check datasets against their schemas, keys, relations and sources
    Validate(ValidateArgs),
    /// List every rule: code, name, severity and what it checks
    Rules,
    /// Show one rule's page: what it checks, why, an example, how to fix
    Rule {
        /// A rule code (`KP106`) or name (`blank-row`)
        rule: String,
    },
    /// Import an official list into datasets (reproducible: same input, same bytes)
    Import(crate::commands::import::ImportArgs),
    /// Links between actors of different lists: suggestions for curators to accept
    Link(crate::commands::link::LinkArgs),
    /// Show what changed between two revisions, record by record
    Diff(crate::commands::diff::DiffArgs),
    /// Build a versioned, checksummed release folder and tag it
    Release(crate::commands::release::ReleaseArgs),
    /// Check a release folder against its SHA256SUMS and datapackage.json
    Verify(crate::commands::verify::VerifyArgs),
    /// Manage the source registry (`kpdata source add FILE ...`)
    #[command(subcommand)]
    Source(crate::commands::curate::SourceCommand),
    /// Show whether a quote occurs in a source's archived text, and where
    Quote(crate::commands::curate::QuoteArgs),
    /// Apply the repairs that have exactly one safe result (NFC, stray whitespace, --rehash)
    Fix(crate::commands::curate::FixArgs),
    /// Print shell completions: kpdata completions bash|zsh|fish > ...
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Build a static, offline website from a release folder
    Site(crate::commands::site::SiteArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text, one finding per block, summary last
    Text,
    /// One JSON object: {"valid", "summary", "diagnostics"}
    Json,
    /// GitHub Actions workflow commands (annotations on the failing line)
    Github,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kpdata validate                                    check the package in the current folder (kpdata.toml)
  kpdata validate --root path/to/repo --format json  check another package, JSON report on stdout
  kpdata validate --schema record.schema.json a.csv b.json
                                                     check any CSV/JSON file against a record schema
  kpdata validate --format github                    annotations for a GitHub Actions log

Exit codes: 0 no errors, 1 findings of error severity, 2 kpdata could not run.")]
pub struct ValidateArgs {
    /// Files to check against --schema; without --schema, dataset files of the package:
    /// only those (with the datasets their relations need) are validated and reported
    pub files: Vec<PathBuf>,
    /// A JSON Schema (draft 2020-12) for one record; checks FILES without a package
    #[arg(long, value_name = "SCHEMA")]
    pub schema: Option<PathBuf>,
    /// The package root (the folder with kpdata.toml)
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Judge "in the future" against this date (YYYY-MM-DD) instead of HEAD's commit time
    #[arg(long, value_name = "DATE")]
    pub reference_date: Option<String>,
    /// Findings listed per rule per file (0 = all); overrides limits.findings_per_rule
    #[arg(long, value_name = "N")]
    pub max_per_rule: Option<u64>,
    /// Worker threads (default: all cores)
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// With --schema: say on stderr which parts of the schema leave the fast path (keyword,
    /// schema pointer, why)
    #[arg(long, requires = "schema")]
    pub explain_speed: bool,
}
