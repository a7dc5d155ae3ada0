//! `kpdata release X.Y.Z` and `kpdata release --check DIR`.
//!
//! Refuses (exit 2, nothing written) when the working tree is dirty, validation has errors,
//! the version's tag or folder exists, the version is not greater than the last released one,
//! or the changes since the last release need a bigger bump. Otherwise builds every file from
//! HEAD's committed files, writing each into a staging folder beside the target as it is made
//! (hashed as written), renames the folder into place and creates the annotated tag `vX.Y.Z`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use kpdata_git::Repo;
use kpdata_release::build::{build_into, Built, Release};
use kpdata_release::publish::Source;
use kpdata_release::sums::SUMS_FILE;
use kpdata_release::{sign, stage, version, Encoder, Output};

use crate::commands::signing;
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

/// Progress on stderr, only when stderr is a terminal.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        });
        Progress { bar }
    }
    fn step(&self, msg: &str) {
        if let Some(b) = &self.bar {
            b.set_message(msg.to_string());
        }
    }
    fn done(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

fn open_repo(root: &Path) -> Result<(Repo, String), Failure> {
    let repo = Repo::discover(root).map_err(|e| {
        let hint = e.hint().unwrap_or_else(|| {
            "releases are made from a git checkout: the tag vX.Y.Z is the version registry".into()
        });
        Failure::new(e.to_string()).hint(hint)
    })?;
    let canon = |p: &Path| {
        p.canonicalize()
            .map_err(|e| Failure::new(format!("cannot resolve `{}`: {e}", p.display())))
    };
    let root_abs = canon(root)?;
    let work = canon(repo.workdir())?;
    let prefix = root_abs
        .strip_prefix(&work)
        .map_err(|_| Failure::new(format!("`{}` is not inside the repository", root.display())))?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    Ok((repo, prefix))
}

/// The identity the tag is signed with: `--tagger`, else `$KPDATA_TAGGER`, else git's
/// `user.name` and `user.email`. Never a made-up fallback: without one the release is refused
/// before anything is built.
fn tagger(flag: Option<&str>, repo: &Repo) -> Result<(String, String), Failure> {
    let given = flag.map(|f| ("--tagger", f.to_string())).or_else(|| {
        std::env::var("KPDATA_TAGGER")
            .ok()
            .map(|v| ("KPDATA_TAGGER", v))
    });
    if let Some((from, text)) = given {
        return parse_identity(&text).ok_or_else(|| {
            Failure::new(format!(
                "{from} `{}` is not `Name <email>`",
                kpdata_diagnostics::escape_value(&text, 100)
            ))
            .hint("e.g. --tagger \"Jane Doe <jane@example.org>\"")
        });
    }
    repo.configured_identity()
        .map_err(|e| Failure::new(e.to_string()))?
        .ok_or_else(|| {
            Failure::new("no identity to tag the release with: git has no user.name and user.email")
                .hint("pass --tagger \"Name <email>\", set KPDATA_TAGGER, or run `git config user.name …` and `git config user.email …`; or --no-tag")
        })
}

/// `Name <email>` → (name, email); both non-blank, no `<`/`>` or line breaks inside.
fn parse_identity(s: &str) -> Option<(String, String)> {
    let (name, rest) = s.trim().rsplit_once('<')?;
    let email = rest.strip_suffix('>')?.trim();
    let name = name.trim();
    let clean = |v: &str| !v.is_empty() && !v.contains(['<', '>', '\n', '\r', '\0']);
    (clean(name) && clean(email) && email.contains('@'))
        .then(|| (name.to_string(), email.to_string()))
}

/// The path of `p` relative to the repository's working tree, if inside it.
fn relative_to_workdir(repo: &Repo, p: &Path) -> Option<String> {
    let work = repo.workdir().canonicalize().ok()?;
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(p)
    };
    // The target does not exist yet: resolve its nearest existing ancestor.
    let mut existing = abs.clone();
    let mut tail = Vec::new();
    while !existing.exists() {
        tail.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?.to_path_buf();
    }
    let mut full = existing.canonicalize().ok()?;
    for t in tail.iter().rev() {
        full.push(t);
    }
    let rel = full.strip_prefix(&work).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
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
    let (repo, prefix) = open_repo(&args.root)?;
    let target = args
        .out
        .clone()
        .unwrap_or_else(|| args.root.join("dist").join(version.to_string()));

    // Staging folders of this target left by killed runs are removed first (a folder of a
    // run still alive stays, and makes the tree dirty below).
    stage::remove_stale(&target)?;
    // The working tree must be exactly HEAD. Left out: the release folder's parent (e.g.
    // `dist/`) unless it is the repository root, and the release folder itself, which is
    // only ever adopted when it is byte for byte this release (a run killed before its tag).
    // Leaving them out is safe: validation and build read HEAD's committed files only.
    let mut ignore = Vec::new();
    if let Some(rel) = target.parent().and_then(|p| relative_to_workdir(&repo, p)) {
        if !rel.is_empty() {
            ignore.push(rel);
        }
    }
    if let Some(rel) = relative_to_workdir(&repo, &target) {
        if !rel.is_empty() {
            ignore.push(rel);
        }
    }
    let ignore_refs: Vec<&str> = ignore.iter().map(String::as_str).collect();
    let mut dirty = repo.dirty_paths(&ignore_refs).map_err(git_failure)?;
    // Staging folders of other killed runs (another `--out`) are not part of the package.
    dirty.retain(|p| !p.split('/').any(stage::is_stale_staging_name));
    if !dirty.is_empty() {
        let shown: Vec<&str> = dirty.iter().take(5).map(String::as_str).collect();
        return Err(Failure::new(format!(
            "the working tree is not clean: {}{}",
            shown.join(", "),
            if dirty.len() > 5 {
                format!(" and {} more", dirty.len() - 5)
            } else {
                String::new()
            }
        ))
        .hint("commit or remove the changes: a release is built from a commit"));
    }

    let tagger = if args.no_tag {
        None
    } else {
        Some(tagger(args.tagger.as_deref(), &repo)?)
    };
    let tag = version::tag_name(&version);
    if repo.tag_exists(&tag).map_err(git_failure)? {
        return Err(Failure::new(format!(
            "version {version} is already released (tag {tag} exists)"
        ))
        .hint("a published version is immutable: release a greater version"));
    }
    // An existing folder is refused unless it is byte for byte this release (a run killed
    // between the rename and the tag): then only the tag is missing.
    let resume = target.exists();
    let folder_exists = || {
        Failure::new(format!("`{}` already exists", target.display())).hint(format!(
            "a release folder is never overwritten; it differs from release {version} of HEAD (no tag {tag} exists): remove it or pass --out DIR"
        ))
    };
    if resume && !target.is_dir() {
        return Err(folder_exists());
    }
    let source = Source {
        repo: &repo,
        prefix,
    };
    let plan = version::plan(&version, &source.released()?)?;

    let progress = Progress::new();
    let head = repo.resolve("HEAD").map_err(git_failure)?;
    // The signing key is opened (and checked against the committed public key) before
    // anything is built.
    let signer = match signing::key_path(args.sign_key.as_ref()) {
        Some(path) => Some(signing::open(&path, &repo, &source.prefix, &head)?),
        None => None,
    };
    let signature = std::cell::RefCell::new(None::<String>);
    // The text of SHA256SUMS.minisig for the folder `dir` (the one it holds if an
    // interrupted run signed it already), remembered for the tag message.
    let make_signature = |dir: &Path| -> Result<Option<String>, Failure> {
        let Some(signer) = &signer else {
            return Ok(None);
        };
        let sig_path = dir.join(sign::SIGNATURE_FILE);
        let text = if sig_path.exists() {
            std::fs::read_to_string(&sig_path)
                .map_err(|e| Failure::new(format!("cannot read {}: {e}", sig_path.display())))?
        } else {
            let sums = std::fs::read(dir.join(SUMS_FILE))
                .map_err(|e| Failure::new(format!("cannot read SHA256SUMS to sign it: {e}")))?;
            signer.sign(&sums, &version.to_string(), &head)?
        };
        *signature.borrow_mut() = Some(text.clone());
        Ok(Some(text))
    };
    // Validation (the same checks as `kpdata validate`, reference date = HEAD's commit day)
    // reads HEAD's committed files, exactly the bytes the build reads and publishes: never
    // the working tree, which may differ from HEAD in ways the clean check cannot see
    // (`--skip-worktree`, `--assume-unchanged`, ignored files, a rewrite while this runs).
    // It runs on its own threads while the release is built into the staging folder: the two
    // share the cores instead of taking turns. Nothing is renamed into place, compared with
    // an existing folder or tagged before validation has finished without errors, and its
    // errors are what a failed run reports.
    let files = source.files_at(head.as_str())?;
    let commit_time = repo.commit_time(head.as_str()).map_err(git_failure)?;
    let label = args.root.clone();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let stop_build = &stop;
    let result = std::thread::scope(|s| {
        let validation = s.spawn(move || {
            let root = kpdata_package::Root::with_source(&label, files);
            let report = crate::commands::validate::validate_root(root, commit_time);
            if report.as_ref().map_or(true, |r| r.has_errors()) {
                // The build stops at its next file or chunk: the errors are reported at once.
                stop_build.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            report
        });
        let mut validation = Some(validation);
        let mut gate = || -> Result<(), Failure> {
            let Some(handle) = validation.take() else {
                return Ok(());
            };
            progress.step("validating");
            let report = handle
                .join()
                .unwrap_or_else(|_| Err(Failure::new("validation panicked")))?;
            if report.has_errors() {
                let errors = report.summary.errors;
                progress.done();
                print_findings(report);
                return Err(Failure::new(format!(
                    "validation found {errors} error(s) in HEAD's committed files; nothing was released"
                ))
                .hint(format!(
                    "fix the errors above and commit (`kpdata validate --root {}` checks the working tree, which may differ from HEAD)",
                    args.root.display()
                )));
            }
            Ok(())
        };
        let built = (|| -> Result<(Built, kpdata_release::Input), Failure> {
            progress.step("reading the package at HEAD");
            let mut input = source.input_checked_out(head.as_str())?;
            progress.step("comparing with the previous release");
            let changes = source.changes(&version, plan.previous.as_ref(), head.as_str())?;
            if let kpdata_release::ChangeLog::Since { required, .. } = &changes {
                version::check_bump(&plan, *required)?;
            }
            let built = if resume {
                // Rebuilt in memory and compared byte for byte with the folder.
                let (built, release) = build_in_memory(
                    &mut input,
                    &version,
                    &changes,
                    encoder.as_ref(),
                    &stop,
                    &progress,
                )?;
                gate()?;
                progress.step("comparing with the existing folder");
                if !stage::compare(&target, &release)?.is_empty() {
                    return Err(folder_exists());
                }
                if let Some(text) = make_signature(&target)? {
                    let path = target.join(sign::SIGNATURE_FILE);
                    if !path.exists() {
                        std::fs::write(&path, text).map_err(|e| {
                            Failure::new(format!("cannot write {}: {e}", path.display()))
                        })?;
                    }
                }
                built
            } else {
                // Each file goes into the staging folder as it is made, hashed as it is
                // written; the folder is renamed into place only once validation passed.
                stage::write_atomically_with(&target, |dir_out| {
                    let out = kpdata_release::Stoppable {
                        inner: dir_out,
                        stop: &stop,
                    };
                    let built = build_into(
                        &mut input,
                        &version,
                        &changes,
                        encoder.as_ref(),
                        &out,
                        &mut |m| progress.step(m),
                    )?;
                    gate()?;
                    // Signed in the staging folder: renamed into place with the files.
                    if let Some(text) = make_signature(&stage::staging_dir(&target)?)? {
                        use std::io::Write as _;
                        let mut f = dir_out.create(sign::SIGNATURE_FILE).map_err(|e| {
                            Failure::new(format!("cannot write SHA256SUMS.minisig: {e}"))
                        })?;
                        f.write_all(text.as_bytes())
                            .and_then(|()| f.finish())
                            .map_err(|e| {
                                Failure::new(format!("cannot write SHA256SUMS.minisig: {e}"))
                            })?;
                    }
                    Ok::<_, Failure>(built)
                })?
            };
            Ok((built, input))
        })();
        // Validation errors come first: a build that failed on invalid data says less.
        let validated = gate();
        validated.and(built)
    });
    let (built, input) = match result {
        Ok(done) => done,
        Err(e) => {
            progress.done();
            return Err(e);
        }
    };
    if !args.no_tag {
        let sums = &built.files["SHA256SUMS"].sha256;
        let mut message = format!(
            "{} {version}\n\nkpdata release {version}\n{}{sums}\n",
            input.manifest.package.title,
            sign::TAG_SUMS_PREFIX
        );
        // CI attaches the signature from here: no secret key is ever needed there.
        if let Some(sig) = signature.borrow().as_deref() {
            message.push('\n');
            message.push_str(&sign::tag_block(sig));
        }
        let (who, email) = tagger.as_ref().expect("an identity when tagging");
        if let Err(e) = repo.create_annotated_tag(&tag, head.as_str(), &message, (who, email)) {
            progress.done();
            if !resume {
                let _ = std::fs::remove_dir_all(&target);
            }
            return Err(Failure::new(format!("cannot create the tag {tag}: {e}"))
                .hint("nothing was published; fix the problem and run again"));
        }
    }
    progress.done();
    let rows: usize = built.rows.iter().map(|(_, n)| n).sum();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{} {version} at {} ({} files, {} datasets, {} records){}",
        if resume {
            "completed the interrupted release"
        } else {
            "released"
        },
        target.display(),
        built.files.len(),
        input.datasets.len(),
        rows,
        match &tagger {
            None => " without a tag".to_string(),
            Some((who, email)) => format!(
                "; tagged {tag} on {} as {} <{}>",
                head.short(),
                kpdata_diagnostics::escape_value(who, 100),
                kpdata_diagnostics::escape_value(email, 100)
            ),
        }
    );
    if signature.borrow().is_some() {
        let _ = writeln!(out, "signed: {}", sign::SIGNATURE_FILE);
    }
    let _ = writeln!(out, "check it with: kpdata verify {}", target.display());
    Ok(ExitCode::SUCCESS)
}

/// The findings of a failed validation on stderr (errors only: they are why nothing was
/// released), in the text format of `kpdata validate`.
fn print_findings(report: kpdata_diagnostics::Report) {
    let (diagnostics, suppressed, summary) = report.finish();
    let errors: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d.severity == kpdata_diagnostics::Severity::Error)
        .collect();
    let rendered = crate::render::Rendered {
        diagnostics: &errors,
        suppressed: &suppressed,
        summary: &summary,
    };
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let text = crate::render::text::render(&rendered, &crate::render::text::Style { color });
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Every file of the release in memory (to compare with an existing folder), stopped when
/// `stop` is set.
fn build_in_memory(
    input: &mut kpdata_release::Input,
    version: &kpdata_release::Version,
    changes: &kpdata_release::ChangeLog,
    encoder: &dyn Encoder,
    stop: &std::sync::atomic::AtomicBool,
    progress: &Progress,
) -> Result<(Built, Release), Failure> {
    let out = kpdata_release::MemoryOutput::default();
    let built = build_into(
        input,
        version,
        changes,
        encoder,
        &kpdata_release::Stoppable { inner: &out, stop },
        &mut |m| progress.step(m),
    )?;
    let release = Release {
        files: out.into_files(),
        rows: built.rows.clone(),
    };
    Ok((built, release))
}

fn git_failure(e: kpdata_git::GitError) -> Failure {
    let hint = e.hint();
    let f = Failure::new(e.to_string());
    match hint {
        Some(h) => f.hint(h),
        None => f,
    }
}

/// Rebuilds the release in `dir` from its tag and compares every byte.
fn check(args: &ReleaseArgs, dir: &Path) -> CmdResult {
    if !dir.is_dir() {
        return Err(Failure::new(format!("`{}` is not a folder", dir.display()))
            .hint("pass a release folder, e.g. `kpdata release --check dist/1.0.0`"));
    }
    let version = match &args.version {
        Some(v) => version::parse(v)?,
        None => {
            let bytes = std::fs::read(dir.join("datapackage.json")).map_err(|e| {
                Failure::new(format!(
                    "cannot read {}/datapackage.json: {e}",
                    dir.display()
                ))
                .hint("give the version: kpdata release X.Y.Z --check DIR")
            })?;
            let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
                Failure::new(format!("datapackage.json is not valid JSON: {e}"))
                    .hint("give the version: kpdata release X.Y.Z --check DIR")
            })?;
            let s = v.get("version").and_then(|v| v.as_str()).ok_or_else(|| {
                Failure::new("datapackage.json has no `version`")
                    .hint("give the version: kpdata release X.Y.Z --check DIR")
            })?;
            version::parse(s)?
        }
    };
    let encoder = encoder()?;
    let (repo, prefix) = open_repo(&args.root)?;
    let tag = version::tag_name(&version);
    let commit = repo.resolve(&tag).map_err(|_| {
        Failure::new(format!(
            "there is no tag {tag}: version {version} was never released"
        ))
        .hint("fetch the tags (`git fetch --tags`) or check the version")
    })?;
    let source = Source {
        repo: &repo,
        prefix,
    };
    let released = source.released()?;
    let previous = version::previous(&released, &version);
    let progress = Progress::new();
    progress.step("reading the package at the tag");
    let mut input = source.input_at(commit.as_str())?;
    let changes = source.changes(&version, previous.as_ref(), commit.as_str())?;
    let never = std::sync::atomic::AtomicBool::new(false);
    let (_, release) = build_in_memory(
        &mut input,
        &version,
        &changes,
        encoder.as_ref(),
        &never,
        &progress,
    )?;
    progress.step("comparing");
    let diffs = stage::compare(dir, &release)?;
    progress.done();
    let mut out = std::io::stdout().lock();
    if diffs.is_empty() {
        let _ = writeln!(
            out,
            "{}: identical to release {version} rebuilt from {tag} ({}), {} files",
            dir.display(),
            commit.short(),
            release.files.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        for d in &diffs {
            // File names in the folder are input: escaped like findings.
            let _ = writeln!(
                out,
                "{}: {}",
                kpdata_diagnostics::escape_text(&dir.display().to_string()),
                kpdata_diagnostics::escape_text(d)
            );
        }
        let _ = writeln!(
            out,
            "{} file(s) differ from release {version} rebuilt from {tag}",
            diffs.len()
        );
        Ok(ExitCode::from(1))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn identities_are_name_and_email() {
        let p = super::parse_identity;
        assert_eq!(
            p(" Jane Doe <jane@example.org> "),
            Some(("Jane Doe".into(), "jane@example.org".into()))
        );
        for bad in [
            "Jane",
            "<jane@example.org>",
            "Jane <>",
            "Jane <jane>",
            "Ja<ne <j@x>",
            "Jane <j@x",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }
}
