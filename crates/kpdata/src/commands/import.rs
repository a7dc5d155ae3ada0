//! `kpdata import`: turn an official list file into the package's CSV datasets, reproducibly.
//!
//! The input file must be registered in the source registry (`<out>/sources.csv`) with its
//! sha256: the imported rows cite that source id, so every row points at the archived bytes it
//! came from. Rows of other imports in the same dataset files are kept; this import's rows are
//! replaced. Same input, same bytes out.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use kpdata_import::{ImportError, Table};

use crate::{CmdResult, Failure};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  kpdata import un-sc-consolidated datasets/archive/un/un_sc_consolidated_2024-09-26.xml
  kpdata import ofac-sdn datasets/archive/ofac/sdn_2024-07-02.csv --alt datasets/archive/ofac/alt_uploaded-2026-06-02.csv \
      --un datasets/archive/un/un_sc_consolidated_2024-09-26.xml
  kpdata import unvotes datasets/archive/human_rights/unvotes/unga_dprk_human_rights_roll_calls.csv \
      datasets/archive/human_rights/unvotes/unga_dprk_human_rights_votes.csv \
      --original datasets/archive/human_rights/unvotes/un_roll_calls.rda \
      --original datasets/archive/human_rights/unvotes/un_votes.rda \
      --original datasets/archive/human_rights/unvotes/un_roll_call_issues.rda

The input files must be registered (with their sha256) in <out>/sources.csv.")]
pub struct ImportArgs {
    #[command(subcommand)]
    pub list: ImportList,
}

#[derive(Debug, Subcommand)]
pub enum ImportList {
    /// The UN Security Council Consolidated List XML (imports the DPRK / 1718 entries)
    UnScConsolidated {
        /// The consolidated.xml file (as archived)
        file: PathBuf,
        /// The datasets folder to write into (holds sources.csv)
        #[arg(long, default_value = "datasets", value_name = "DIR")]
        out: PathBuf,
    },
    /// The OFAC SDN list, legacy CSV (imports the DPRK-program entries)
    OfacSdn {
        /// The sdn.csv file (as archived)
        sdn: PathBuf,
        /// The alt.csv file with aliases (as archived)
        #[arg(long, value_name = "ALT.csv")]
        alt: Option<PathBuf>,
        /// The UN consolidated.xml: OFAC entries with an IMO number identical to a UN actor's
        /// are linked to that actor (the only certain match; names are never matched)
        #[arg(long, value_name = "UN.xml")]
        un: Option<PathBuf>,
        /// The datasets folder to write into (holds sources.csv)
        #[arg(long, default_value = "datasets", value_name = "DIR")]
        out: PathBuf,
    },
    /// The UN General Assembly roll calls and country votes on the DPRK human-rights
    /// resolutions (the extract CSVs of the `unvotes` data package)
    Unvotes {
        /// The roll-calls extract (unga_dprk_human_rights_roll_calls.csv, as archived)
        roll_calls: PathBuf,
        /// The country-votes extract (unga_dprk_human_rights_votes.csv, as archived)
        votes: PathBuf,
        /// A data file the extract was made from (as archived); every row cites it. Repeatable.
        #[arg(long, value_name = "FILE")]
        original: Vec<PathBuf>,
        /// The datasets folder to write into (holds sources.csv)
        #[arg(long, default_value = "datasets", value_name = "DIR")]
        out: PathBuf,
    },
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    // Opened without blocking and checked on the handle (a FIFO is refused, not waited on).
    let mut bytes = Vec::new();
    kpdata_package::open_regular(path, true)
        .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut bytes))
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
    Ok(bytes)
}

fn import_failure(e: ImportError) -> Failure {
    Failure::new(e.message)
        .hint("the input is not what the importer can read faithfully; nothing was written")
}

/// The registry's source id for a file, found by its sha256.
fn source_id(out: &Path, file: &Path, bytes: &[u8]) -> Result<String, Failure> {
    let registry = out.join("sources.csv");
    let reg = read(&registry)?;
    let sha = kpdata_import::sha256_hex(bytes);
    kpdata_import::find_source_by_sha256(&reg, &sha)
        .map_err(import_failure)?
        .ok_or_else(|| {
            Failure::new(format!(
                "{} (sha256 {sha}) is not registered in {}",
                file.display(),
                registry.display()
            ))
            .hint("archive the file under datasets/archive/ and add a sources.csv row with its sha256")
        })
}

fn write_tables(out: &Path, tables: &[Table]) -> Result<(), Failure> {
    // Build every file first, so a failure writes nothing.
    let mut files = Vec::new();
    for t in tables {
        let path = out.join(format!("{}.csv", t.name));
        let existing = match kpdata_package::open_regular(&path, false).and_then(|mut f| {
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut b).map(|_| b)
        }) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Failure::new(format!("cannot read {}: {e}", path.display()))),
        };
        let merged = kpdata_import::merge(existing.as_deref(), t).map_err(import_failure)?;
        let bytes = kpdata_import::write_csv(&merged).map_err(import_failure)?;
        files.push((path, bytes, t.rows.len(), merged.rows.len()));
    }
    for (path, bytes, mine, total) in files {
        let tmp = path.with_extension("csv.tmp");
        std::fs::write(&tmp, &bytes)
            .and_then(|_| std::fs::rename(&tmp, &path))
            .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
        {
            println!(
                "wrote {} ({total} rows, {mine} from this import)",
                path.display()
            );
        }
    }
    Ok(())
}

pub fn run(args: ImportArgs) -> CmdResult {
    match args.list {
        ImportList::UnScConsolidated { file, out } => {
            let bytes = read(&file)?;
            let src = source_id(&out, &file, &bytes)?;
            let tables = kpdata_import::un::import(&bytes, &src).map_err(import_failure)?;
            write_tables(&out, &tables)?;
        }
        ImportList::OfacSdn { sdn, alt, un, out } => {
            let sdn_bytes = read(&sdn)?;
            let sdn_src = source_id(&out, &sdn, &sdn_bytes)?;
            let (alt_bytes, alt_src) = match &alt {
                Some(p) => {
                    let b = read(p)?;
                    let s = source_id(&out, p, &b)?;
                    (Some(b), s)
                }
                None => (None, String::new()),
            };
            let links = match &un {
                Some(p) => {
                    let b = read(p)?;
                    let s = source_id(&out, p, &b)?;
                    let un_tables = kpdata_import::un::import(&b, &s).map_err(import_failure)?;
                    kpdata_import::ofac::links_from(&un_tables).map_err(import_failure)?
                }
                None => Default::default(),
            };
            let tables = kpdata_import::ofac::import(
                &sdn_bytes,
                alt_bytes.as_deref(),
                &links,
                &sdn_src,
                &alt_src,
            )
            .map_err(import_failure)?;
            write_tables(&out, &tables)?;
        }
        ImportList::Unvotes {
            roll_calls,
            votes,
            original,
            out,
        } => {
            let rc_bytes = read(&roll_calls)?;
            let rc_src = source_id(&out, &roll_calls, &rc_bytes)?;
            let v_bytes = read(&votes)?;
            let v_src = source_id(&out, &votes, &v_bytes)?;
            let mut originals = Vec::new();
            for p in &original {
                let b = read(p)?;
                originals.push(source_id(&out, p, &b)?);
            }
            let tables =
                kpdata_import::unvotes::import(&rc_bytes, &v_bytes, &rc_src, &v_src, &originals)
                    .map_err(import_failure)?;
            write_tables(&out, &tables)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
