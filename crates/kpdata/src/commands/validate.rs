//! `kpdata validate`: the package in `--root` (default), or any files with `--schema`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;

use kpdata_check::dates::{day_of_timestamp, Day, PartialDate};
use kpdata_check::files::{explain_speed, validate_files, Input};
use kpdata_check::package::{validate_package as check_package, Options};
use kpdata_diagnostics::Report;
use kpdata_package::{Limits, Package, RecordSchema};

use crate::render::report::emit;
use crate::render::Format;
use crate::{CmdResult, Failure};

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
    /// Judge "in the future" against this date (YYYY-MM-DD) instead of HEAD's commit time (with
    /// --schema, dates are judged only against a date given here)
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

pub fn run(args: ValidateArgs) -> CmdResult {
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let report = match &args.schema {
        Some(schema) => validate_with_schema(schema, &args, jobs)?,
        None => {
            let reference = reference_day(&args.root, args.reference_date.as_deref())?;
            let mut pkg = Package::load(&args.root)?;
            let opts = Options {
                reference,
                jobs,
                max_per_rule: args.max_per_rule,
                tracked: tracked_files(&args.root),
                progress: None,
            };
            let subset = crate::commands::subset::restrict(&mut pkg, &args.root, &args.files)?;
            let bar = progress_bar();
            let opts = Options {
                progress: bar.clone().map(|b| {
                    kpdata_check::package::ProgressFn(std::sync::Arc::new(
                        move |done: usize, total: usize, name: &str| {
                            b.set_length(total as u64);
                            b.set_position(done as u64);
                            b.set_message(name.to_string());
                        },
                    ))
                }),
                ..opts
            };
            let mut report = check_package(&pkg, &opts);
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            if let Some(paths) = subset {
                report.retain_paths(&paths);
            }
            report
        }
    };
    emit(report, args.format)
}

/// A progress bar on stderr (datasets checked, the one being checked, time taken), only when
/// stderr is a terminal: never in a pipe, a file or CI logs.
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} validating [{bar:30}] {pos}/{len} datasets, now {msg} ({elapsed})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

/// The files git tracks under `root`, relative to it, when `root` is inside a git working
/// tree (`None` otherwise).
fn tracked_files(root: &Path) -> Option<std::sync::Arc<std::collections::BTreeSet<String>>> {
    let repo = kpdata_git::Repo::discover(root).ok()?;
    let work = repo.workdir().canonicalize().ok()?;
    let abs = root.canonicalize().ok()?;
    let prefix = abs
        .strip_prefix(&work)
        .ok()?
        .components()
        .map(|c| c.as_os_str().to_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()?
        .join("/");
    repo.tracked_files(&prefix).ok().map(std::sync::Arc::new)
}

/// `--reference-date`, or the day of HEAD's commit: never the wall clock.
fn reference_day(root: &Path, given: Option<&str>) -> Result<Option<Day>, Failure> {
    if let Some(day) = given_day(given)? {
        return Ok(Some(day));
    }
    match kpdata_git::Repo::discover(root).and_then(|r| r.commit_time("HEAD")) {
        Ok(t) => Ok(Some(day_of_timestamp(t))),
        Err(_) => {
            {
                eprintln!("warning: no git commit to take the reference date from; dates are not checked against a reference date");
                eprintln!("hint: pass --reference-date YYYY-MM-DD");
            }
            Ok(None)
        }
    }
}

/// `--reference-date` as a day, if given.
fn given_day(given: Option<&str>) -> Result<Option<Day>, Failure> {
    let Some(s) = given else {
        return Ok(None);
    };
    let d = PartialDate::parse(s)
        .filter(|d| d.day.is_some())
        .ok_or_else(|| {
            Failure::new(format!("`{s}` is not a date"))
                .hint("write the reference date as YYYY-MM-DD")
        })?;
    Ok(Some(d.earliest()))
}

fn validate_with_schema(
    schema: &Path,
    args: &ValidateArgs,
    jobs: usize,
) -> Result<Report, Failure> {
    let shown = schema.display().to_string();
    let bytes = read_regular(schema, 16 << 20)
        .map_err(|e| Failure::new(format!("cannot read the schema `{shown}`: {e}")))?;
    let schema = RecordSchema::from_bytes(&shown, &bytes)?;
    if args.explain_speed {
        #[allow(clippy::print_stderr)]
        for line in explain_speed(&schema) {
            eprintln!("speed: {line}");
        }
    }
    if args.files.is_empty() {
        return Err(Failure::new("no files to check").hint(
            "name one or more CSV or JSON files after --schema SCHEMA (`-` reads stdin as CSV)",
        ));
    }
    let limits = Limits::default();
    let mut inputs = Vec::new();
    for f in &args.files {
        let display = f.display().to_string();
        let json = f
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if display == "-" {
            inputs.push(Input {
                display: "<stdin>".into(),
                reader: Box::new(std::io::stdin()),
                json: false,
            });
            continue;
        }
        // Opened once without blocking, then checked on the handle: a FIFO swapped in after a
        // check could otherwise block forever.
        let file = kpdata_package::open_regular(f, true).map_err(|e| {
            if e.kind() == std::io::ErrorKind::Other {
                Failure::new(format!("`{display}` is not a regular file"))
                    .hint("kpdata reads regular files only (use `-` for stdin)")
            } else {
                Failure::new(format!("cannot open `{display}`: {e}")).hint("check the file name")
            }
        })?;
        inputs.push(Input {
            display,
            reader: Box::new(file),
            json,
        });
    }
    let cap = args.max_per_rule.unwrap_or(limits.findings_per_rule) as usize;
    // With --schema the files need not be in a repository: only a given date is a reference.
    let reference = given_day(args.reference_date.as_deref())?;
    Ok(validate_files(
        &schema, inputs, &limits, jobs, cap, reference,
    )?)
}

fn read_regular(p: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    kpdata_package::open_regular(p, true)?
        .take(max)
        .read_to_end(&mut buf)?;
    Ok(buf)
}
