//! `kpdata link suggest`: candidate links between actors of different lists, with evidence and
//! a score (the logic is `kpdata_check::suggest`). Nothing is written unless the curator names
//! the suggestions to accept with `--accept ID`; those rows are appended to `links.csv`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use kpdata_check::suggest::{self, Suggestion};
use kpdata_diagnostics::escape_value;
use kpdata_import::Table;

use crate::{CmdResult, Failure};

#[derive(Debug, Args)]
pub struct LinkArgs {
    #[command(subcommand)]
    pub action: LinkAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SuggestFormat {
    /// One block per suggestion with its reasons
    Text,
    /// Rows in the columns of links.csv (reasons in `note` for `reviewed` rows)
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum LinkAction {
    /// Propose links (deterministic); with --accept, append the named ones to links.csv
    #[command(after_help = "Examples:
  kpdata link suggest                          every suggestion, best first, with its reasons
  kpdata link suggest --min-score 90 --format csv > review.csv
  kpdata link suggest --accept lnk-un-kpe-001--ofac-9345 --accept lnk-un-kpi-013--ofac-12210
  kpdata link suggest --accept lnk-un-kpi-044--uk-13588 --note 'The UK lists this person twice ...'

Suggestions are never written by themselves: review them, then accept them by id.")]
    Suggest {
        /// The datasets folder (actors, actor_names, actor_identifiers, actor_facts,
        /// designations, links)
        #[arg(long, default_value = "datasets", value_name = "DIR")]
        datasets: PathBuf,
        /// Only suggestions with at least this score (0-100)
        #[arg(long, default_value_t = 0, value_name = "N")]
        min_score: u8,
        /// Output format
        #[arg(long, value_enum, default_value_t = SuggestFormat::Text)]
        format: SuggestFormat,
        /// Append this suggestion to links.csv (repeatable)
        #[arg(long, value_name = "LINK_ID")]
        accept: Vec<String>,
        /// With --accept: the curator's note on the accepted links (what was reviewed; needed
        /// when a link joins two actors of one authority into one target)
        #[arg(long, value_name = "TEXT", requires = "accept")]
        note: Option<String>,
    },
}

fn load(dir: &Path, name: &str) -> Result<Table, Failure> {
    let path = dir.join(format!("{name}.csv"));
    let bytes = std::fs::read(&path)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
    kpdata_import::read_table(&bytes, name).map_err(|e| Failure::new(e.message))
}

fn col<'a>(t: &'a Table, name: &str) -> Result<Vec<&'a str>, Failure> {
    if !t.header.iter().any(|h| h == name) {
        return Err(Failure::new(format!(
            "{}.csv has no `{name}` column",
            t.name
        )));
    }
    Ok(t.column(name))
}

/// The suggester's input from the dataset files.
pub fn input(dir: &Path) -> Result<suggest::Input, Failure> {
    let actors = load(dir, "actors")?;
    let names = load(dir, "actor_names")?;
    let idents = load(dir, "actor_identifiers")?;
    let facts = load(dir, "actor_facts")?;
    let desigs = load(dir, "designations")?;
    let links = load(dir, "links")?;
    let mut input = suggest::Input {
        authority_order: vec!["unsc".into(), "us_ofac".into(), "uk".into()],
        ..Default::default()
    };
    for (((id, ty), src), title) in col(&actors, "actor_id")?
        .into_iter()
        .zip(col(&actors, "actor_type")?)
        .zip(col(&actors, "source_ids")?)
        .zip(col(&actors, "title")?)
    {
        input.actors.push(suggest::Actor {
            id: id.into(),
            actor_type: ty.into(),
            title: title.into(),
            authorities: BTreeSet::new(),
            source_ids: src
                .split(';')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        });
    }
    let index: std::collections::HashMap<String, usize> = input
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.clone(), i))
        .collect();
    for (a, auth) in col(&desigs, "actor_id")?
        .into_iter()
        .zip(col(&desigs, "authority")?)
    {
        if let Some(&i) = index.get(a) {
            input.actors[i].authorities.insert(auth.into());
        }
    }
    for ((a, n), t) in col(&names, "actor_id")?
        .into_iter()
        .zip(col(&names, "name")?)
        .zip(col(&names, "name_type")?)
    {
        input.names.push((a.into(), n.into(), t.into()));
    }
    for ((a, s), v) in col(&idents, "actor_id")?
        .into_iter()
        .zip(col(&idents, "scheme")?)
        .zip(col(&idents, "value")?)
    {
        input.identifiers.push((a.into(), s.into(), v.into()));
    }
    for (((a, k), d), v) in col(&facts, "actor_id")?
        .into_iter()
        .zip(col(&facts, "kind")?)
        .zip(col(&facts, "date")?)
        .zip(col(&facts, "value")?)
    {
        if k == "dob" && !d.is_empty() {
            input.dobs.push((a.into(), d.into()));
        }
        if k == "address" {
            input.addresses.push((a.into(), v.into()));
        }
    }
    for (a, b) in col(&links, "actor_id")?
        .into_iter()
        .zip(col(&links, "linked_actor_id")?)
    {
        input.links.push((a.into(), b.into()));
    }
    Ok(input)
}

/// A suggestion as a links.csv row (in `header` order), with the curator's note if any.
fn row(s: &Suggestion, header: &[String], accepted: bool, curator: Option<&str>) -> Vec<String> {
    let found = if s.basis == "reviewed" {
        let prefix = if accepted {
            "Accepted after review"
        } else {
            "Suggested"
        };
        format!("{prefix} (score {}): {}", s.score, s.reasons)
    } else {
        String::new()
    };
    let note = match (curator, found.is_empty()) {
        (Some(c), true) => c.to_string(),
        (Some(c), false) => format!("{c} {found}"),
        (None, _) => found,
    };
    header
        .iter()
        .map(|h| match h.as_str() {
            "link_id" => s.link_id.clone(),
            "actor_id" => s.actor_id.clone(),
            "linked_actor_id" => s.linked_actor_id.clone(),
            "basis" => s.basis.to_string(),
            "evidence_scheme" => s.evidence_scheme.clone(),
            "evidence_value" => s.evidence_value.clone(),
            "evidence_date" => s.evidence_date.clone(),
            "score" => s.score.to_string(),
            "note" => note.clone(),
            "source_ids" => s.source_ids.join(";"),
            "sensitivity" => "public".into(),
            _ => String::new(),
        })
        .collect()
}

#[allow(clippy::print_stdout)]
pub fn run(args: LinkArgs) -> CmdResult {
    let LinkAction::Suggest {
        datasets,
        min_score,
        format,
        accept,
        note,
    } = args.action;
    let input = input(&datasets)?;
    let all: Vec<Suggestion> = suggest::suggest(&input)
        .into_iter()
        .filter(|s| s.score >= min_score)
        .collect();
    let links_path = datasets.join("links.csv");
    let mut links = load(&datasets, "links")?;
    if !accept.is_empty() {
        for id in &accept {
            let s = all.iter().find(|s| &s.link_id == id).ok_or_else(|| {
                Failure::new(format!(
                    "no current suggestion has the id {}",
                    escape_value(id, 80)
                ))
                .hint(
                    "run `kpdata link suggest` and copy an id from its output; nothing was written",
                )
            })?;
            links
                .rows
                .push(row(s, &links.header, true, note.as_deref()));
        }
        links
            .rows
            .sort_by(|a, b| kpdata_import::natural_cmp(&a[0], &b[0]));
        let bytes = kpdata_import::write_csv(&links).map_err(|e| Failure::new(e.message))?;
        let tmp = links_path.with_extension("csv.tmp");
        std::fs::write(&tmp, &bytes)
            .and_then(|_| std::fs::rename(&tmp, &links_path))
            .map_err(|e| Failure::new(format!("cannot write {}: {e}", links_path.display())))?;
        println!(
            "accepted {} links into {}",
            accept.len(),
            links_path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    match format {
        SuggestFormat::Csv => {
            let mut t = Table::new("links", &[], "");
            t.header = links.header.clone();
            t.rows = all
                .iter()
                .map(|s| row(s, &links.header, false, None))
                .collect();
            let bytes = kpdata_import::write_csv(&t).map_err(|e| Failure::new(e.message))?;
            print!("{}", String::from_utf8_lossy(&bytes));
        }
        SuggestFormat::Text => {
            let e = |s: &str| escape_value(s, 200);
            for s in &all {
                println!("{} score {} {}", e(&s.link_id), s.score, s.basis);
                println!("  {} <-> {}", e(&s.actor_id), e(&s.linked_actor_id));
                let date = if s.evidence_date.is_empty() {
                    String::new()
                } else {
                    format!(" + dob {}", e(&s.evidence_date))
                };
                println!(
                    "  evidence: {} {}{date}",
                    e(&s.evidence_scheme),
                    e(&s.evidence_value)
                );
                println!("  {}", e(&s.reasons));
            }
            println!("{} suggestions", all.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}
