//! `kpdata release X.Y.Z` and `kpdata release --check DIR`: the arguments, the environment
//! (`KPDATA_TAGGER`, `KPDATA_SIGN_KEY`, `KPDATA_SIGN_PASSWORD`), the progress spinner, the
//! validation passed to the release (the checks of `kpdata validate`) and what is printed. The
//! refusals, the build, the resume of an interrupted run and the tag are
//! `kpdata_release::ops`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use kpdata_check::dates::day_of_timestamp;
use kpdata_check::package::{validate_package, Options};
use kpdata_diagnostics::{escape_text, escape_value, Report};
use kpdata_package::{Package, Root};
use kpdata_release::ops::{self, Failed, Identity, Request};
use kpdata_release::{sign, version, Encoder, ReleaseError};

use crate::render::report::errors_to_stderr;
use crate::{CmdResult, Failure};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kpdata release 1.0.0                    build dist/1.0.0/ from HEAD and tag v1.0.0
  kpdata release 1.1.0 --out /tmp/r       write the release folder at /tmp/r instead
  kpdata release 1.1.0 --no-tag           build the folder without creating the tag
  kpdata release 1.1.0 --sign-key ~/.kpdata/kpdata.key   sign SHA256SUMS (SHA256SUMS.minisig)
  kpdata release --check dist/1.0.0       rebuild 1.0.0 from tag v1.0.0 and compare every byte

Exit codes: 0 released (or --check: identical), 1 --check found differences, 2 refused or failed.")]
pub struct ReleaseArgs {
    /// The version to release (X.Y.Z); with --check, optional (read from DIR/datapackage.json)
    #[arg(value_name = "VERSION")]
    pub version: Option<String>,
    /// The release folder (default: <root>/dist/<version>)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The package root (the folder with kpdata.toml)
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Do not create the git tag vX.Y.Z (the version stays unpublished)
    #[arg(long)]
    pub no_tag: bool,
    /// Who tags the release, as `Name <email>` (default: $KPDATA_TAGGER, else git's
    /// user.name and user.email; with none of these the release is refused)
    #[arg(long, value_name = "NAME <EMAIL>", conflicts_with = "no_tag")]
    pub tagger: Option<String>,
    /// Rebuild the release in DIR from its tag and compare every byte (exit 0 same, 1 differs)
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "no_tag", "sign_key"])]
    pub check: Option<PathBuf>,
    /// Sign SHA256SUMS with this minisign secret key (kept outside the repository; default:
    /// $KPDATA_SIGN_KEY; password: $KPDATA_SIGN_PASSWORD or the terminal)
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,
}

/// The environment variable that may name who tags (instead of --tagger).
const TAGGER_ENV: &str = "KPDATA_TAGGER";
/// The environment variable that may hold the secret key's path (instead of --sign-key).
const KEY_ENV: &str = "KPDATA_SIGN_KEY";
/// The environment variable that may hold the secret key's password.
const PASSWORD_ENV: &str = "KPDATA_SIGN_PASSWORD";

#[cfg(feature = "parquet")]
fn encoder() -> Result<Box<dyn Encoder>, Failure> {
    Ok(Box::new(kpdata_parquet::PolarsEncoder))
}

#[cfg(not(feature = "parquet"))]
fn encoder() -> Result<Box<dyn Encoder>, Failure> {
    Err(
        Failure::new("this kpdata was built without the Parquet writer (feature `parquet`)")
            .hint("rebuild with default features: `cargo build --release -p kpdata`"),
    )
}

/// Progress on stderr, only when stderr is a terminal (a spinner from the first step on).
struct Progress {
    bar: std::cell::OnceCell<Option<indicatif::ProgressBar>>,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            bar: std::cell::OnceCell::new(),
        }
    }
    fn step(&self, msg: &str) {
        let bar = self.bar.get_or_init(|| {
            std::io::stderr().is_terminal().then(|| {
                let b = indicatif::ProgressBar::new_spinner();
                b.enable_steady_tick(std::time::Duration::from_millis(120));
                b
            })
        });
        if let Some(b) = bar {
            b.set_message(msg.to_string());
        }
    }
    fn done(&self) {
        if let Some(Some(b)) = self.bar.get() {
            b.finish_and_clear();
        }
    }
}

/// Who tags: `--tagger`, else `$KPDATA_TAGGER`, else git's identity (`None` with --no-tag).
fn identity(args: &ReleaseArgs) -> Option<Identity> {
    if args.no_tag {
        return None;
    }
    let given = args
        .tagger
        .clone()
        .map(|t| ("--tagger", t))
        .or_else(|| std::env::var(TAGGER_ENV).ok().map(|v| (TAGGER_ENV, v)));
    Some(match given {
        Some((from, text)) => Identity::Given { from, text },
        None => Identity::Configured,
    })
}

/// The secret key path from the argument or the environment.
fn key_path(arg: Option<&PathBuf>) -> Option<PathBuf> {
    arg.cloned()
        .or_else(|| std::env::var_os(KEY_ENV).map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty())
}

/// The password of an encrypted secret key: `$KPDATA_SIGN_PASSWORD`, else asked on the
/// terminal, never from an argument (argv is visible to every process and lands in shell
/// history and CI logs).
fn password() -> Result<Option<String>, ReleaseError> {
    match std::env::var(PASSWORD_ENV) {
        Ok(p) => Ok(Some(p)),
        Err(_) if std::io::stdin().is_terminal() => {
            rpassword::prompt_password("password of the signing key: ")
                .map(Some)
                .map_err(|e| ReleaseError::new(format!("cannot read the password: {e}")))
        }
        Err(_) => Ok(None),
    }
}

/// The validation a release passes: the checks of `kpdata validate` on the committed files
/// `root` gives, with the day of `commit_time` as the reference date.
fn validate_commit(root: Root, commit_time: i64) -> Result<Report, ReleaseError> {
    let pkg = Package::load_root(root)?;
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    Ok(validate_package(
        &pkg,
        &Options {
            reference: Some(day_of_timestamp(commit_time)),
            jobs,
            max_per_rule: None,
            // Every file of a commit is tracked.
            tracked: None,
            progress: None,
        },
    ))
}

pub fn run(args: ReleaseArgs) -> CmdResult {
    if let Some(dir) = &args.check {
        return check(&args, dir);
    }
    let Some(v) = &args.version else {
        return Err(Failure::new("no version given")
            .hint("kpdata release X.Y.Z (or kpdata release --check DIR)"));
    };
    let version = version::parse(v)?;
    let encoder = encoder()?;
    let progress = Progress::new();
    let key = key_path(args.sign_key.as_ref());
    let request = Request {
        root: &args.root,
        version: &version,
        out: args.out.as_deref(),
        tagger: identity(&args),
        sign_key: key.as_deref(),
        password: &password,
        encoder: encoder.as_ref(),
        validate: &validate_commit,
        progress: &|m| progress.step(m),
    };
    let released = ops::release(&request);
    progress.done();
    let released = match released {
        Ok(r) => r,
        Err(Failed::Invalid { report, error }) => {
            errors_to_stderr(*report);
            return Err(error);
        }
        Err(Failed::Error(e)) => return Err(e),
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{} {version} at {} ({} files, {} datasets, {} records){}",
        if released.resumed {
            "completed the interrupted release"
        } else {
            "released"
        },
        released.target.display(),
        released.files,
        released.datasets,
        released.records,
        match &released.tagged {
            None => " without a tag".to_string(),
            Some(t) => format!(
                "; tagged {} on {} as {} <{}>",
                t.tag,
                t.commit,
                escape_value(&t.name, 100),
                escape_value(&t.email, 100)
            ),
        }
    );
    if released.signed {
        let _ = writeln!(out, "signed: {}", sign::SIGNATURE_FILE);
    }
    let _ = writeln!(
        out,
        "check it with: kpdata verify {}",
        released.target.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Rebuilds the release in `dir` from its tag and compares every byte.
fn check(args: &ReleaseArgs, dir: &std::path::Path) -> CmdResult {
    let version = ops::check_version(dir, args.version.as_deref())?;
    let encoder = encoder()?;
    let progress = Progress::new();
    let checked = ops::check(&args.root, dir, &version, encoder.as_ref(), &|m| {
        progress.step(m)
    });
    progress.done();
    let checked = checked?;
    let mut out = std::io::stdout().lock();
    if checked.diffs.is_empty() {
        let _ = writeln!(
            out,
            "{}: identical to release {version} rebuilt from {} ({}), {} files",
            dir.display(),
            checked.tag,
            checked.commit,
            checked.files
        );
        Ok(ExitCode::SUCCESS)
    } else {
        for d in &checked.diffs {
            // File names in the folder are input: escaped like findings.
            let _ = writeln!(
                out,
                "{}: {}",
                escape_text(&dir.display().to_string()),
                escape_text(d)
            );
        }
        let _ = writeln!(
            out,
            "{} file(s) differ from release {version} rebuilt from {}",
            checked.diffs.len(),
            checked.tag
        );
        Ok(ExitCode::from(1))
    }
}
