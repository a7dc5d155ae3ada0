//! `kpdata release X.Y.Z` and `kpdata release --check DIR` as operations. The binary parses
//! the arguments, reads the environment, shows progress, validates (the checks of `kpdata
//! validate`, passed in as [`Request::validate`]: this crate does not depend on kpdata-check)
//! and prints; the rest is here.
//!
//! [`release`] refuses (nothing written) when the working tree is dirty, validation has
//! errors, the version's tag or folder exists, the version is not greater than the last
//! released one, or the changes since the last release need a bigger bump. Otherwise it builds
//! every file from HEAD's committed files, writing each into a staging folder beside the target
//! as it is made (hashed as written), renames the folder into place and creates the annotated
//! tag `vX.Y.Z`. [`check`] rebuilds a release from its tag and compares every byte.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use kpdata_diagnostics::Report;
use kpdata_git::CommitId;
use kpdata_package::Root;
use semver::Version;

use crate::build::{build_into, Built, ChangeLog, Release};
use crate::publish::Source;
use crate::signer::{self, Password, Signer};
use crate::sums::SUMS_FILE;
use crate::{sign, stage, version, Encoder, Input, MemoryOutput, Output, ReleaseError, Stoppable};

mod check;
mod repo;

pub use check::{check, check_version, Checked};
use repo::{check_clean, identity};
pub use repo::{open_repo, parse_identity};

/// Validates the package `root` (the files of the commit a release publishes) with the day of
/// the commit time (seconds since the epoch) as the reference date: the checks of `kpdata
/// validate`. It runs on its own thread while the release is built.
pub type Validate<'a> = dyn Fn(Root, i64) -> Result<Report, ReleaseError> + Sync + 'a;

/// Who tags a release.
#[derive(Debug, Clone)]
pub enum Identity {
    /// `Name <email>` as given, and where it was given (`--tagger`, `KPDATA_TAGGER`).
    Given { from: &'static str, text: String },
    /// git's `user.name` and `user.email`; without them the release is refused.
    Configured,
}

/// What `kpdata release X.Y.Z` was asked to do.
pub struct Request<'a> {
    /// The package root (the folder with kpdata.toml).
    pub root: &'a Path,
    pub version: &'a Version,
    /// The release folder (default: `<root>/dist/<version>`).
    pub out: Option<&'a Path>,
    /// Who tags the release; `None`: no tag.
    pub tagger: Option<Identity>,
    /// The minisign secret key that signs `SHA256SUMS`, if any, and its password.
    pub sign_key: Option<&'a Path>,
    pub password: &'a Password<'a>,
    pub encoder: &'a dyn Encoder,
    pub validate: &'a Validate<'a>,
    /// Told the step being started.
    pub progress: &'a dyn Fn(&str),
}

/// A release made.
#[derive(Debug)]
pub struct Released {
    pub target: PathBuf,
    /// A folder left by an interrupted run was this release byte for byte: only its tag (and
    /// signature) was missing.
    pub resumed: bool,
    pub files: usize,
    pub datasets: usize,
    pub records: usize,
    pub tagged: Option<Tagged>,
    pub signed: bool,
}

/// The tag a release got.
#[derive(Debug)]
pub struct Tagged {
    pub tag: String,
    /// The commit, abbreviated.
    pub commit: String,
    pub name: String,
    pub email: String,
}

/// Why no release was made.
#[derive(Debug)]
pub enum Failed {
    /// Validation found errors in HEAD's committed files: `report` holds the findings.
    Invalid {
        report: Box<Report>,
        error: ReleaseError,
    },
    Error(ReleaseError),
}

impl From<ReleaseError> for Failed {
    fn from(e: ReleaseError) -> Self {
        Failed::Error(e)
    }
}

impl From<kpdata_git::GitError> for Failed {
    fn from(e: kpdata_git::GitError) -> Self {
        Failed::Error(e.into())
    }
}

impl From<std::io::Error> for Failed {
    fn from(e: std::io::Error) -> Self {
        Failed::Error(e.into())
    }
}

/// Makes release `req.version` of HEAD (see the module documentation).
pub fn release(req: &Request<'_>) -> Result<Released, Failed> {
    let version = req.version;
    let (repo, prefix) = open_repo(req.root)?;
    let target = req
        .out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| req.root.join("dist").join(version.to_string()));

    // Staging folders of this target left by killed runs are removed first (a folder of a
    // run still alive stays, and makes the tree dirty below).
    stage::remove_stale(&target)?;
    check_clean(&repo, &target)?;
    let tagger = match &req.tagger {
        None => None,
        Some(who) => Some(identity(who, &repo)?),
    };
    let tag = version::tag_name(version);
    if repo.tag_exists(&tag)? {
        return Err(ReleaseError::new(format!(
            "version {version} is already released (tag {tag} exists)"
        ))
        .hint("a published version is immutable: release a greater version")
        .into());
    }
    // An existing folder is refused unless it is byte for byte this release (a run killed
    // between the rename and the tag): then only the tag is missing.
    let resume = target.exists();
    if resume && !target.is_dir() {
        return Err(folder_exists(&target, version, &tag).into());
    }
    let source = Source {
        repo: &repo,
        prefix,
    };
    let plan = version::plan(version, &source.released()?)?;
    let head = repo.resolve("HEAD")?;
    // The signing key is opened (and checked against the committed public key) before
    // anything is built.
    let signer = match req.sign_key {
        Some(path) => Some(signer::open(
            path,
            &repo,
            &source.prefix,
            &head,
            req.password,
        )?),
        None => None,
    };
    let run = Run {
        req,
        source: &source,
        head: &head,
        target: &target,
        tag: &tag,
        resume,
        plan: &plan,
        signer: signer.as_ref(),
        signature: RefCell::new(None),
    };
    let (built, input) = run.build_validated()?;
    let signature = run.signature.into_inner();
    if let Some((who, email)) = &tagger {
        let sums = &built.files[SUMS_FILE].sha256;
        let mut message = format!(
            "{} {version}\n\nkpdata release {version}\n{}{sums}\n",
            input.manifest.package.title,
            sign::TAG_SUMS_PREFIX
        );
        // CI attaches the signature from here: no secret key is ever needed there.
        if let Some(sig) = signature.as_deref() {
            message.push('\n');
            message.push_str(&sign::tag_block(sig));
        }
        if let Err(e) = repo.create_annotated_tag(&tag, head.as_str(), &message, (who, email)) {
            if !resume {
                let _ = std::fs::remove_dir_all(&target);
            }
            return Err(
                ReleaseError::new(format!("cannot create the tag {tag}: {e}"))
                    .hint("nothing was published; fix the problem and run again")
                    .into(),
            );
        }
    }
    Ok(Released {
        resumed: resume,
        files: built.files.len(),
        datasets: input.datasets.len(),
        records: built.rows.iter().map(|(_, n)| n).sum(),
        tagged: tagger.map(|(name, email)| Tagged {
            tag: tag.clone(),
            commit: head.short().to_string(),
            name,
            email,
        }),
        signed: signature.is_some(),
        target,
    })
}

fn folder_exists(target: &Path, version: &Version, tag: &str) -> ReleaseError {
    ReleaseError::new(format!("`{}` already exists", target.display())).hint(format!(
        "a release folder is never overwritten; it differs from release {version} of HEAD (no tag {tag} exists): remove it or pass --out DIR"
    ))
}

/// One `release` past its refusals: what the build and the validation gate share.
struct Run<'a> {
    req: &'a Request<'a>,
    source: &'a Source<'a>,
    head: &'a CommitId,
    target: &'a Path,
    tag: &'a str,
    resume: bool,
    plan: &'a version::Plan,
    signer: Option<&'a Signer>,
    /// The text of SHA256SUMS.minisig once made, for the tag message.
    signature: RefCell<Option<String>>,
}

impl Run<'_> {
    /// Builds the release while validation runs on its own threads (the two share the cores
    /// instead of taking turns). Validation (the same checks as `kpdata validate`, reference
    /// date = HEAD's commit day) reads HEAD's committed files, exactly the bytes the build reads
    /// and publishes: never the working tree, which may differ from HEAD in ways the clean
    /// check cannot see (`--skip-worktree`, `--assume-unchanged`, ignored files, a rewrite
    /// while this runs). Nothing is renamed into place, compared with an existing folder or
    /// tagged before validation has finished without errors, and its errors are what a failed
    /// run reports.
    fn build_validated(&self) -> Result<(Built, Input), Failed> {
        let files = self.source.files_at(self.head.as_str())?;
        let commit_time = self.source.repo.commit_time(self.head.as_str())?;
        let label = self.req.root.to_path_buf();
        let validate = self.req.validate;
        let stop = AtomicBool::new(false);
        let stop_build = &stop;
        std::thread::scope(|s| {
            let validation = s.spawn(move || {
                let report = validate(Root::with_source(&label, files), commit_time);
                if report.as_ref().map_or(true, |r| r.has_errors()) {
                    // The build stops at its next file or chunk: the errors are reported at once.
                    stop_build.store(true, Ordering::Relaxed);
                }
                report
            });
            let mut validation = Some(validation);
            let mut gate = || -> Result<(), Failed> {
                let Some(handle) = validation.take() else {
                    return Ok(());
                };
                (self.req.progress)("validating");
                let report = handle
                    .join()
                    .unwrap_or_else(|_| Err(ReleaseError::new("validation panicked")))?;
                if !report.has_errors() {
                    return Ok(());
                }
                let errors = report.summary.errors;
                Err(Failed::Invalid {
                    report: Box::new(report),
                    error: ReleaseError::new(format!(
                        "validation found {errors} error(s) in HEAD's committed files; nothing was released"
                    ))
                    .hint(format!(
                        "fix the errors above and commit (`kpdata validate --root {}` checks the working tree, which may differ from HEAD)",
                        self.req.root.display()
                    )),
                })
            };
            let built = self.build(&stop, &mut gate);
            // Validation errors come first: a build that failed on invalid data says less.
            let validated = gate();
            validated.and(built)
        })
    }

    /// Every file of the release: into a staging folder renamed into place, or (a folder of
    /// an interrupted run exists) in memory, compared with that folder byte for byte.
    /// `gate` waits for validation: nothing is kept before it passed.
    fn build(
        &self,
        stop: &AtomicBool,
        gate: &mut dyn FnMut() -> Result<(), Failed>,
    ) -> Result<(Built, Input), Failed> {
        let (req, version) = (self.req, self.req.version);
        (req.progress)("reading the package at HEAD");
        let mut input = self.source.input_checked_out(self.head.as_str())?;
        (req.progress)("comparing with the previous release");
        let changes =
            self.source
                .changes(version, self.plan.previous.as_ref(), self.head.as_str())?;
        if let ChangeLog::Since { required, .. } = &changes {
            version::check_bump(self.plan, *required)?;
        }
        if self.resume {
            let (built, release) = build_in_memory(
                &mut input,
                version,
                &changes,
                req.encoder,
                stop,
                req.progress,
            )?;
            gate()?;
            (req.progress)("comparing with the existing folder");
            if !stage::compare(self.target, &release)?.is_empty() {
                return Err(folder_exists(self.target, version, self.tag).into());
            }
            if let Some(text) = self.signature_for(self.target)? {
                let path = self.target.join(sign::SIGNATURE_FILE);
                if !path.exists() {
                    std::fs::write(&path, text).map_err(|e| {
                        ReleaseError::new(format!("cannot write {}: {e}", path.display()))
                    })?;
                }
            }
            return Ok((built, input));
        }
        // Each file goes into the staging folder as it is made, hashed as it is written; the
        // folder is renamed into place only once validation passed.
        let built = stage::write_atomically_with(self.target, |dir_out| {
            let out = Stoppable {
                inner: dir_out,
                stop,
            };
            let built = build_into(&mut input, version, &changes, req.encoder, &out, &mut |m| {
                (req.progress)(m)
            })?;
            gate()?;
            // Signed in the staging folder: renamed into place with the files.
            if let Some(text) = self.signature_for(&stage::staging_dir(self.target)?)? {
                use std::io::Write as _;
                let cannot = |e: std::io::Error| {
                    ReleaseError::new(format!("cannot write SHA256SUMS.minisig: {e}"))
                };
                let mut f = dir_out.create(sign::SIGNATURE_FILE).map_err(cannot)?;
                f.write_all(text.as_bytes())
                    .and_then(|()| f.finish())
                    .map_err(cannot)?;
            }
            Ok::<_, Failed>(built)
        })?;
        Ok((built, input))
    }

    /// The text of SHA256SUMS.minisig for the folder `dir` (the one it holds if an
    /// interrupted run signed it already), remembered for the tag message.
    fn signature_for(&self, dir: &Path) -> Result<Option<String>, ReleaseError> {
        let Some(signer) = self.signer else {
            return Ok(None);
        };
        let sig_path = dir.join(sign::SIGNATURE_FILE);
        let text = if sig_path.exists() {
            std::fs::read_to_string(&sig_path).map_err(|e| {
                ReleaseError::new(format!("cannot read {}: {e}", sig_path.display()))
            })?
        } else {
            let sums = std::fs::read(dir.join(SUMS_FILE)).map_err(|e| {
                ReleaseError::new(format!("cannot read SHA256SUMS to sign it: {e}"))
            })?;
            signer.sign(&sums, &self.req.version.to_string(), self.head)?
        };
        *self.signature.borrow_mut() = Some(text.clone());
        Ok(Some(text))
    }
}

/// Every file of the release in memory (to compare with an existing folder), stopped when
/// `stop` is set.
fn build_in_memory(
    input: &mut Input,
    version: &Version,
    changes: &ChangeLog,
    encoder: &dyn Encoder,
    stop: &AtomicBool,
    progress: &dyn Fn(&str),
) -> Result<(Built, Release), ReleaseError> {
    let out = MemoryOutput::default();
    let built = build_into(
        input,
        version,
        changes,
        encoder,
        &Stoppable { inner: &out, stop },
        &mut |m| progress(m),
    )?;
    let release = Release {
        files: out.into_files(),
        rows: built.rows.clone(),
    };
    Ok((built, release))
}

#[cfg(test)]
mod tests;
