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
  kpdata import uk-conlist datasets/archive/uk/ofsi_conlist_2025-04-14.xlsx \
      --earlier datasets/archive/uk/hmt_conlist_2014-04-02.csv --earlier datasets/archive/uk/ofsi_conlist_2018-04-13.csv
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
    /// The UK consolidated list (OFSI/HM Treasury ConList), xlsx or CSV (imports the DPRK
    /// regime); with --earlier snapshots, the additions and removals between them
    UkConlist {
        /// The newest list file (as archived): .xlsx (2022 format) or .csv
        file: PathBuf,
        /// An older snapshot of the list (as archived), oldest first; repeatable
        #[arg(long, value_name = "FILE")]
        earlier: Vec<PathBuf>,
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
        /// The add.csv file with addresses (as archived): address facts of the selected entries
        #[arg(long, value_name = "ADD.csv")]
        add: Option<PathBuf>,
        /// The first-seen history (ofac_dprk_first_seen.csv, as archived): dates each entry
        /// added during the history's span by the window in which it first appeared
        #[arg(long, value_name = "FIRST_SEEN.csv")]
        history: Option<PathBuf>,
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

/// What the Remarks parser did not understand, and what the history dates that was not
/// imported: counted and listed, never dropped silently. Input text is escaped.
#[allow(clippy::print_stdout)]
fn report_ofac(imported: &kpdata_import::ofac::Imported) {
    let esc = |s: &str| kpdata_diagnostics::escape_value(s, 300);
    println!(
        "remarks: {} items, {} parsed or recognised, {} not understood",
        imported.remark_items,
        imported.remark_items - imported.unparsed.len(),
        imported.unparsed.len()
    );
    for (ent, item) in &imported.unparsed {
        println!("  not understood: ent_num {} item {}", esc(ent), esc(item));
    }
    if !imported.history_unselected.is_empty() {
        println!(
            "history: {} entries with a first-seen window are not selected by this import: {}",
            imported.history_unselected.len(),
            imported.history_unselected.join(", ")
        );
    }
}

pub fn run(args: ImportArgs) -> CmdResult {
    match args.list {
        ImportList::UnScConsolidated { file, out } => {
            let bytes = read(&file)?;
            let src = source_id(&out, &file, &bytes)?;
            let tables = kpdata_import::un::import(&bytes, &src).map_err(import_failure)?;
            write_tables(&out, &tables)?;
        }
        ImportList::UkConlist { file, earlier, out } => {
            let mut snapshots = Vec::new();
            for p in earlier.iter().chain(std::iter::once(&file)) {
                let bytes = read(p)?;
                let src = source_id(&out, p, &bytes)?;
                let xlsx = bytes.starts_with(b"PK\x03\x04");
                let snap = kpdata_import::uk::read(&bytes, xlsx).map_err(|e| {
                    import_failure(ImportError::new(format!("{}: {}", p.display(), e.message)))
                })?;
                snapshots.push((snap, src));
            }
            for w in snapshots.windows(2) {
                if w[0].0.as_of >= w[1].0.as_of {
                    return Err(Failure::new(format!(
                        "the snapshots are not oldest first: {} is not before {}",
                        w[0].0.as_of, w[1].0.as_of
                    ))
                    .hint("give --earlier files oldest first, the newest as FILE; nothing was written"));
                }
            }
            let tables = kpdata_import::uk::import(&snapshots).map_err(import_failure)?;
            write_tables(&out, &tables)?;
        }
        ImportList::OfacSdn {
            sdn,
            alt,
            add,
            history,
            un,
            out,
        } => {
            let sdn_bytes = read(&sdn)?;
            let sdn_src = source_id(&out, &sdn, &sdn_bytes)?;
            let registered = |p: &Option<PathBuf>| -> Result<Option<(Vec<u8>, String)>, Failure> {
                match p {
                    Some(p) => {
                        let b = read(p)?;
                        let s = source_id(&out, p, &b)?;
                        Ok(Some((b, s)))
                    }
                    None => Ok(None),
                }
            };
            let alt = registered(&alt)?;
            let add = registered(&add)?;
            let history = registered(&history)?;
            let first_seen = match &history {
                Some((b, _)) => Some(kpdata_import::history::read(b).map_err(import_failure)?),
                None => None,
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
            let imported = kpdata_import::ofac::import_full(&kpdata_import::ofac::OfacInput {
                sdn: &sdn_bytes,
                sdn_source: &sdn_src,
                alt: alt.as_ref().map(|(b, s)| (b.as_slice(), s.as_str())),
                add: add.as_ref().map(|(b, s)| (b.as_slice(), s.as_str())),
                history: first_seen
                    .as_ref()
                    .zip(history.as_ref())
                    .map(|(h, (_, s))| (h, s.as_str())),
                links: &links,
            })
            .map_err(import_failure)?;
            write_tables(&out, &imported.tables)?;
            report_ofac(&imported);
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
