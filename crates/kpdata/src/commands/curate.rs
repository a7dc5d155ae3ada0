//! The curator's commands: `kpdata source add`, `kpdata quote`, `kpdata fix`.
//! The work is done by `kpdata-curate`; this module parses, prints and
//! maps results to exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use kpdata_curate::fix;
use kpdata_curate::quote::QuoteMatch;
use kpdata_curate::source::NewSource;
use kpdata_diagnostics::escape_value;
use kpdata_package::Package;

use crate::{CmdResult, Failure};

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Archive a file under the archive folder and register it as a new source
    Add(SourceAddArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "Example:
  kpdata source add ~/Downloads/statement.txt --type statement --tier official \\
      --title \"Statement by the chair of the commission of inquiry\" \\
      --publisher \"OHCHR\" --url https://www.ohchr.org/... --issued 2014-03-17 --accessed 2026-12-06

The file is copied to <archive_dir>/<type>/<file name>, its sha256 computed, and a registry row
appended with a new id (printed: cite it in source_ids). A file already archived is refused and
the source that holds it named. Nothing is written when any value is refused.

Exit codes: 0 added, 2 refused (nothing written).")]
pub struct SourceAddArgs {
    /// The file to archive
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The kind of document (a key of the source-types vocabulary)
    #[arg(long = "type", value_name = "TYPE")]
    pub source_type: String,
    #[arg(long)]
    pub title: String,
    #[arg(long)]
    pub publisher: String,
    /// The document's public address (http or https)
    #[arg(long)]
    pub url: String,
    /// When it was issued: YYYY, YYYY-MM or YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    pub issued: Option<String>,
    /// When the copy was obtained: YYYY, YYYY-MM or YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    pub accessed: Option<String>,
    /// `official` (the authority's own document) or `secondary` (default)
    #[arg(long)]
    pub tier: Option<String>,
    /// Where the archived bytes were obtained, if not from --url (registry column obtained_from)
    #[arg(long, value_name = "URL")]
    pub obtained_from: Option<String>,
    /// What the copy is: exact copy, conversion, transcription, excerpt (registry column custody)
    #[arg(long)]
    pub custody: Option<String>,
    /// Provenance details (repository, commit, caveats)
    #[arg(long)]
    pub note: Option<String>,
    /// The new id (default: `src-` and the file name's words)
    #[arg(long)]
    pub id: Option<String>,
    /// Any other registry column: --set COLUMN=VALUE (repeatable)
    #[arg(long = "set", value_name = "COLUMN=VALUE")]
    pub set: Vec<String>,
    /// The package root (the folder with kpdata.toml)
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kpdata quote --source src-ohchr-kirby-2014 \"crimes against humanity\"
  kpdata quote --source src-eo-13687 \"the Government of North Korea\" --root path/to/repo

Matching folds only what typography changes (Unicode NFC, curly quotes, dashes, whitespace), as
the quote rule does; the passage is shown folded.

Exit codes: 0 the quote occurs, 1 it does not (the closest passage is shown), 2 could not run.")]
pub struct QuoteArgs {
    /// The source whose archived text is searched
    #[arg(long, value_name = "ID")]
    pub source: String,
    /// The quote
    #[arg(value_name = "TEXT")]
    pub text: String,
    /// The package root (the folder with kpdata.toml)
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kpdata fix --diff                 list the repairs without writing
  kpdata fix                        apply them
  kpdata fix --rehash src-eo-13687  also set that source's sha256 to its archived file's

Repairs only what has exactly one safe result: text not in Unicode NFC, whitespace around a
value, the order of records in a dataset kpdata.toml declares `sorted = true` (primary-key
order; each record's bytes move whole), and (only with --rehash ID) a registry sha256 after a
deliberate replacement of the archived file. Dates, ids and names are never guessed. Bytes
outside repaired cells stay as they were.

Exit codes: 0 done (or nothing to do), 2 could not run (nothing written).")]
pub struct FixArgs {
    /// Show the repairs without writing them
    #[arg(long)]
    pub diff: bool,
    /// Set this source's registry sha256 to its archived file's (repeatable)
    #[arg(long, value_name = "ID")]
    pub rehash: Vec<String>,
    /// The package root (the folder with kpdata.toml)
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
}

pub fn source(cmd: SourceCommand) -> CmdResult {
    let SourceCommand::Add(a) = cmd;
    let pkg = Package::load(&a.root)?;
    let mut new = NewSource {
        id: a.id,
        source_type: a.source_type,
        tier: a.tier,
        title: a.title,
        publisher: a.publisher,
        url: a.url,
        issued: a.issued,
        accessed: a.accessed,
        note: a.note,
        ..NewSource::default()
    };
    if let Some(v) = a.obtained_from {
        new.extra.insert("obtained_from".into(), v);
    }
    if let Some(v) = a.custody {
        new.extra.insert("custody".into(), v);
    }
    for kv in a.set {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| Failure::new("--set takes COLUMN=VALUE"))?;
        new.extra.insert(k.to_string(), v.to_string());
    }
    let added = kpdata_curate::source::add(&pkg, &a.file, &new)?;
    println!("{}", added.id);
    eprintln!(
        "archived at {} (sha256 {}); cite it as `{}` and run `kpdata validate`",
        escape_value(&added.archive_path, 200),
        added.sha256,
        added.id
    );
    Ok(ExitCode::SUCCESS)
}

pub fn quote(a: QuoteArgs) -> CmdResult {
    let pkg = Package::load(&a.root)?;
    let shown = |s: &str| escape_value(s, 2000);
    match kpdata_curate::quote::find(&pkg, &a.source, &a.text)? {
        QuoteMatch::Found {
            before,
            matched,
            after,
        } => {
            println!("found in {}:", shown(&a.source));
            println!(
                "  …{}[[{}]]{}…",
                shown(&before),
                shown(&matched),
                shown(&after)
            );
            Ok(ExitCode::SUCCESS)
        }
        QuoteMatch::Closest {
            passage,
            matched_chars,
        } => {
            println!(
                "not found in {}; the closest passage ({} characters of the quote match):",
                shown(&a.source),
                matched_chars
            );
            println!("  {}", shown(&passage));
            Ok(ExitCode::from(1))
        }
        QuoteMatch::Absent => {
            println!(
                "not found in {}: no part of the quote occurs",
                shown(&a.source)
            );
            Ok(ExitCode::from(1))
        }
    }
}

pub fn fix(a: FixArgs) -> CmdResult {
    let pkg = Package::load(&a.root)?;
    let fixes = fix::plan(&pkg, &a.rehash)?;
    let count: usize = fixes.iter().map(|f| f.count()).sum();
    for f in &fixes {
        for r in &f.repairs {
            let what: Vec<&str> = r.kinds.iter().map(|k| k.describe()).collect();
            println!(
                "{}:{} `{}`: {}\n  - {}\n  + {}",
                escape_value(&r.path, 200),
                r.line,
                escape_value(&r.field, 80),
                what.join("; "),
                escape_value(&r.old, 300),
                escape_value(&r.new, 300)
            );
        }
        if let Some(r) = &f.reorder {
            print_reorder(&f.path, r);
        }
    }
    if a.diff || count == 0 {
        println!(
            "{count} repair{} {}",
            if count == 1 { "" } else { "s" },
            if count == 0 {
                "needed"
            } else {
                "to apply (nothing written: --diff)"
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    fix::apply(&pkg, &fixes)?;
    println!(
        "{count} repair{} applied in {} file(s)",
        if count == 1 { "" } else { "s" },
        fixes.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// How many moved records a re-sorting lists (the rest are counted).
const MOVES_SHOWN: usize = 20;

fn print_reorder(path: &str, r: &kpdata_curate::sort::Reorder) {
    let key: Vec<String> = r.key.iter().map(|k| escape_value(k, 80)).collect();
    println!(
        "{}: records re-sorted by primary key ({}): {} of {} move",
        escape_value(path, 200),
        key.join(", "),
        r.moves.len(),
        r.records
    );
    for m in r.moves.iter().take(MOVES_SHOWN) {
        println!(
            "  `{}` line {} -> line {}",
            escape_value(&m.key, 120),
            m.from_line,
            m.to_line
        );
    }
    if r.moves.len() > MOVES_SHOWN {
        println!("  ... and {} more", r.moves.len() - MOVES_SHOWN);
    }
}
