//! `kpdata verify DIR`: checks a release folder against its SHA256SUMS and datapackage.json,
//! its signature (SHA256SUMS.minisig) against the project's public key, and, where the folder
//! sits in a clone, that the tag names the same release. Works without the Parquet feature.

use std::path::{Path, PathBuf};

use clap::Args;
use kpdata_diagnostics::Report;
use kpdata_package::{check_relative, Manifest, MANIFEST_FILE};
use kpdata_release::sign::{self, PublicKeyFile};

use crate::render::report::emit;
use crate::render::Format;
use crate::{CmdResult, Failure};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kpdata verify dist/1.0.0                       check every file and the signature
  kpdata verify 1.0.0 --key kpdata.pub           a downloaded release, with the project's public key
  kpdata verify dist/1.0.0 --format json         the findings as JSON
Without kpdata: `cd dist/1.0.0 && minisign -Vm SHA256SUMS -p kpdata.pub && sha256sum -c SHA256SUMS`.

The public key is --key, else `[release] public_key` of the kpdata.toml of the clone that
holds DIR, else of the current folder. An unsigned folder, or a signed one with no key to
check it, is a KP915 warning (an error with --require-signature).

Exit codes: 0 every file matches, 1 findings (missing, extra, altered, truncated, duplicated,
bad signature, tag mismatch), 2 DIR is not a folder or the key cannot be read.")]
pub struct VerifyArgs {
    /// The release folder
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The minisign public key to check SHA256SUMS.minisig against (e.g. keys/kpdata.pub)
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// An unsigned folder is an error, not a warning (for CI)
    #[arg(long)]
    pub require_signature: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// The public key named by the kpdata.toml in `root`, if any.
fn key_of_package(root: &Path) -> Result<Option<PublicKeyFile>, Failure> {
    let Ok(text) = std::fs::read_to_string(root.join(MANIFEST_FILE)) else {
        return Ok(None);
    };
    let Ok(manifest) = Manifest::parse(&text) else {
        return Ok(None);
    };
    let Some(rel) = manifest.release.public_key else {
        return Ok(None);
    };
    check_relative(&rel).map_err(|e| Failure::new(format!("release.public_key `{rel}`: {e}")))?;
    let text = std::fs::read_to_string(root.join(&rel)).map_err(|e| {
        Failure::new(format!("cannot read the public key `{rel}`: {e}"))
            .hint("kpdata.toml names it in [release] public_key")
    })?;
    Ok(Some(PublicKeyFile { text, label: rel }))
}

fn public_key(
    args: &VerifyArgs,
    clone: Option<&kpdata_git::Repo>,
) -> Result<Option<PublicKeyFile>, Failure> {
    if let Some(k) = &args.key {
        let text = std::fs::read_to_string(k).map_err(|e| {
            Failure::new(format!("cannot read the public key `{}`: {e}", k.display()))
        })?;
        return Ok(Some(PublicKeyFile {
            text,
            label: k.display().to_string(),
        }));
    }
    if let Some(repo) = clone {
        if let Some(k) = key_of_package(repo.workdir())? {
            return Ok(Some(k));
        }
    }
    key_of_package(Path::new("."))
}

/// The folder's version, from its datapackage.json.
fn folder_version(dir: &Path) -> Option<String> {
    let bytes = std::fs::read(dir.join("datapackage.json")).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get("version")?.as_str().map(String::from)
}

pub fn run(args: VerifyArgs) -> CmdResult {
    let findings = kpdata_release::verify::verify(&args.dir)?;
    // A clone of the project: a git repository with a kpdata.toml at its top.
    let clone = kpdata_git::Repo::discover(&args.dir)
        .ok()
        .filter(|r| r.workdir().join(MANIFEST_FILE).is_file());
    let key = public_key(&args, clone.as_ref())?;
    let version = folder_version(&args.dir);
    let (signature, claim) = sign::check_folder(
        &args.dir,
        key.as_ref(),
        version.as_deref(),
        args.require_signature,
    );
    let files = kpdata_release::stage::list_files(&args.dir)
        .map(|f| f.len() as u64)
        .unwrap_or(0);
    let records = std::fs::read(args.dir.join(kpdata_release::build::DATAPACKAGE))
        .map(|dp| kpdata_release::records::intact_records(&dp, &findings))
        .unwrap_or(0);
    let mut report = Report::new(0);
    report.summary.files = files;
    report.summary.records = records;
    report.extend(findings);
    report.extend(signature);
    if let (Some(repo), Some(v)) = (
        &clone,
        claim.as_ref().map(|c| c.version.clone()).or(version),
    ) {
        let sums = sign::sums_sha256(&args.dir);
        report.extend(sign::check_tag(repo, &v, claim.as_ref(), sums.as_deref()));
    }
    emit(report, args.format)
}
