//! `kpdata verify DIR`: checks a release folder against its SHA256SUMS and datapackage.json.
//! Works without the Parquet feature.

use std::path::PathBuf;

use clap::Args;
use kpdata_diagnostics::Report;

use crate::cli::Format;
use crate::{CmdResult, Failure};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kpdata verify dist/1.0.0                 check every file of a downloaded release
  kpdata verify dist/1.0.0 --format json   the findings as JSON
Without kpdata: `cd dist/1.0.0 && sha256sum -c SHA256SUMS`.

Exit codes: 0 every file matches, 1 findings (missing, extra, altered, truncated, duplicated), 2 DIR is not a folder.")]
pub struct VerifyArgs {
    /// The release folder
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: VerifyArgs) -> CmdResult {
    let findings = kpdata_release::verify::verify(&args.dir).map_err(|e| Failure {
        message: e.message,
        hint: e.hint,
    })?;
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
    crate::commands::validate::emit(report, args.format)
}
