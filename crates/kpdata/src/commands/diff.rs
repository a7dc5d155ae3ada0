//! `kpdata diff`: what changed between two revisions of the package, record by record, and
//! the history rules (KP5xx) judged on it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use kpdata_diagnostics::Severity;
use kpdata_diff::rules::{
    render_rules_markdown, render_rules_text, rule_changes, rule_findings, RulesReport,
};
use kpdata_diff::{
    diff, history_findings, render_markdown_with, render_text_with, review, Archive, LoadError,
    RenderOptions, Snapshot,
};
use kpdata_git::Repo;

use crate::render::{diff_github, diff_json};
use crate::{CmdResult, Failure};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Readable text: `+` added, `-` removed, `~` changed, findings last
    Text,
    /// One JSON object: the diff, the required version bump and the findings
    Json,
    /// GitHub-flavoured markdown for a pull-request summary ($GITHUB_STEP_SUMMARY)
    Markdown,
    /// GitHub Actions annotations for the history findings
    Github,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kpdata diff --base main                      what this branch changes (uncommitted edits included)
  kpdata diff --base v1.2.0 --head v1.3.0      what a release changed
  kpdata diff --base \"$BASE_SHA\" --format markdown >> \"$GITHUB_STEP_SUMMARY\"
  kpdata diff --base main --rules              rule changes, loosening ones first

The base (and --head) are read from git objects: nothing is checked out. In a shallow clone,
fetch the base commit first (actions/checkout with fetch-depth: 0).

Exit codes: 0 no history errors, 1 history findings of error severity (KP501, KP502),
2 kpdata could not run.")]
pub struct DiffArgs {
    /// The base revision: a branch, tag or commit (`main`, `v1.2.0`, `HEAD~1`, a sha)
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// The head revision (default: the working tree, uncommitted edits included)
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// The package root (the folder with kpdata.toml), inside a git repository
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Records listed per dataset and kind (0 = all; default: 50 in markdown, all in text)
    #[arg(long, value_name = "N")]
    pub max_records: Option<usize>,
    /// Only the rule changes (kpdata.toml, schemas, vocabularies), each marked as loosening,
    /// tightening or other; loosening ones are KP509 warnings. Exit 0 unless kpdata failed
    #[arg(long)]
    pub rules: bool,
}

fn failure(e: LoadError) -> Failure {
    let f = Failure::new(e.message);
    match e.hint {
        Some(h) => f.hint(h),
        None => f,
    }
}

/// The root's path inside the repository (`""` at the top), `/`-separated.
fn prefix_of(repo: &Repo, root: &Path) -> Result<String, Failure> {
    let canon = |p: &Path| {
        p.canonicalize()
            .map_err(|e| Failure::new(format!("cannot open `{}`: {e}", p.display())))
    };
    let (top, root_abs) = (canon(repo.workdir())?, canon(root)?);
    let rel = root_abs.strip_prefix(&top).map_err(|_| {
        Failure::new(format!(
            "`{}` is not inside the git repository",
            root.display()
        ))
    })?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}

pub fn run(args: DiffArgs) -> CmdResult {
    let repo = Repo::discover(&args.root).map_err(|e| {
        let f = Failure::new(e.to_string());
        match e.hint() {
            Some(h) => f.hint(h),
            None => f,
        }
    })?;
    let prefix = prefix_of(&repo, &args.root)?;
    let head = match &args.head {
        Some(rev) => Snapshot::at_revision_in(&repo, rev, &prefix),
        None => Snapshot::from_worktree(&args.root),
    }
    .map_err(failure)?;
    // A base from before the package existed (the pull request that adds it): all is new.
    let base = if Snapshot::exists_at(&repo, &args.base, &prefix).map_err(failure)? {
        Snapshot::at_revision_in(&repo, &args.base, &prefix).map_err(failure)?
    } else {
        let id = repo.resolve(&args.base).map_err(|e| failure(e.into()))?;
        Snapshot::before_package(&format!("{} ({})", args.base, id.short()), &head)
    };
    let mut d = diff(&base, &head);
    if args.rules {
        return print(&rules_output(&args, &base, &head, &d)).map(|_| ExitCode::SUCCESS);
    }
    let findings = history_findings(&d, &base, &head);
    // New and changed sources and quotes, checked against the head's archived files.
    let archive = match &args.head {
        Some(rev) => Archive::Revision {
            repo: &repo,
            rev,
            prefix: &prefix,
        },
        None => Archive::Worktree(&args.root),
    };
    review(&mut d, &head, &archive);

    let out = match args.format {
        DiffFormat::Text => render_text_with(
            &d,
            &findings,
            &RenderOptions {
                max_records: args.max_records.unwrap_or(0),
                ..RenderOptions::text()
            },
        ),
        DiffFormat::Markdown => render_markdown_with(
            &d,
            &findings,
            &RenderOptions {
                max_records: args.max_records.unwrap_or(50),
                ..RenderOptions::markdown()
            },
        ),
        DiffFormat::Json => diff_json::render(&d, &findings),
        DiffFormat::Github => diff_github::render(&d, &findings),
    };
    print(&out)?;
    let errors = findings.iter().any(|f| f.severity == Severity::Error);
    Ok(if errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print(out: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(Failure::new(format!("cannot write the diff: {e}")));
        }
    }
    Ok(())
}

/// `kpdata diff --rules`: the rule changes in the chosen format.
fn rules_output(
    args: &DiffArgs,
    base: &Snapshot,
    head: &Snapshot,
    d: &kpdata_diff::PackageDiff,
) -> String {
    let changes = rule_changes(base, head, d);
    let findings = rule_findings(&changes);
    match args.format {
        DiffFormat::Text => render_rules_text(&base.label, &head.label, &changes),
        DiffFormat::Markdown => render_rules_markdown(&base.label, &head.label, &changes),
        DiffFormat::Github => diff_github::render(d, &findings),
        DiffFormat::Json => {
            let report = RulesReport {
                base: &base.label,
                head: &head.label,
                loosens: findings.len(),
                rule_changes: &changes,
                findings: &findings,
            };
            let mut s = serde_json::to_string_pretty(&report).expect("the report serializes");
            s.push('\n');
            s
        }
    }
}
