//! `kpdata site RELEASE_DIR --out SITE_DIR`: a static, offline website from a release folder.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use kpdata_diagnostics::Severity;

use crate::{CmdResult, Failure};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kpdata site dist/1.0.0 --out site/1.0.0     build the website of release 1.0.0
  open site/1.0.0/index.html                  browse it offline (file://) or host it anywhere

The release is verified first (as `kpdata verify` does); a release that fails verification is
refused. The same release always gives the same bytes.

Exit codes: 0 built, 1 the release failed verification, 2 the site could not be built.")]
pub struct SiteArgs {
    /// The release folder (made by `kpdata release`)
    #[arg(value_name = "RELEASE_DIR")]
    pub release: PathBuf,
    /// Where to write the site (must not exist, or be an empty folder)
    #[arg(long, value_name = "SITE_DIR")]
    pub out: PathBuf,
    /// Build even if the release does not verify (for testing a modified folder only)
    #[arg(long)]
    pub no_verify: bool,
}

pub fn run(args: SiteArgs) -> CmdResult {
    if !args.no_verify {
        let findings = kpdata_release::verify::verify(&args.release)?;
        let errors = findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        if errors > 0 {
            eprintln!(
                "error: the release does not verify ({errors} error findings); no site was built"
            );
            eprintln!("hint: run `kpdata verify` on the release folder to see them");
            return Ok(ExitCode::from(1));
        }
    }
    let release = kpdata_site::open(&args.release).map_err(|e| Failure {
        message: e.message,
        hint: e.hint,
    })?;
    let site = kpdata_site::build(&release);
    write_site(&args.out, &site)?;
    println!(
        "built the site of release {} ({} files); open {}",
        kpdata_diagnostics::escape_value(&release.version, 80),
        site.len(),
        kpdata_diagnostics::escape_value(&args.out.join("index.html").to_string_lossy(), 400)
    );
    Ok(ExitCode::SUCCESS)
}

fn write_site(out: &Path, site: &kpdata_site::Site) -> Result<(), Failure> {
    let created = match fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Failure::new("the site folder exists and is not empty")
                    .hint("choose a new --out folder, or remove the old site first"));
            }
            false
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(out)
                .map_err(|e| Failure::new(format!("cannot create the site folder: {e}")))?;
            true
        }
        Err(e) => return Err(Failure::new(format!("cannot read the site folder: {e}"))),
    };
    let result = (|| -> std::io::Result<()> {
        for (path, bytes) in site {
            let target = out.join(path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&target)?;
            f.write_all(bytes)?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        if created {
            let _ = fs::remove_dir_all(out);
        }
        return Err(Failure::new(format!("cannot write the site: {e}")));
    }
    Ok(())
}
