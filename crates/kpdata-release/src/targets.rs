//! `targets`: one row per sanctioned actor, built by the release from the published datasets
//! `actors`, `actor_names`, `actor_identifiers` and `designations` (found by those names and
//! their columns; a package that does not publish both `actors` and `designations` gets no
//! `targets`).
//!
//! A row gathers what a researcher would otherwise join five tables for: every name, every
//! identifier (`scheme:value`), the authorities and programs that list it, the first and latest
//! listing dates (the curated text, typed like every partial date), the number of designations,
//! and every source id behind any of those rows, so each value stays traceable.
//!
//! Built to grow: [`Targets::absorb`] folds in one dataset's frame at a time (the release
//! drops each frame's cells after encoding it), keyed by actor. A target is one actor today
//! (`actor_ids` holds one id); when links between lists are published, a target can gather the
//! actors the links join without changing the columns.

use std::collections::HashMap;

use kpdata_package::ForeignKey;

use crate::dates::{bounds, Part};
use crate::descriptor::About;
use crate::frame::{Column, ColumnType, Derived, Frame};
use crate::ReleaseError;

pub const TARGETS: &str = "targets";
/// The separator of the list columns in the CSV (as in the package's own lists).
pub const SEPARATOR: &str = ";";
/// Designation actions that put a target on a list.
pub const LISTING_ACTIONS: [&str; 5] = [
    "designated",
    "identified_blocked",
    "listed",
    "listed_in_annex",
    "relisted",
];

/// What is known of one actor so far.
#[derive(Debug, Default)]
struct Acc {
    actor_type: Option<String>,
    primary_name: Option<String>,
    names: Vec<String>,
    identifiers: Vec<String>,
    /// Authorities, programs and sources as ids of [`Words`], each once.
    authorities: Vec<u32>,
    programs: Vec<u32>,
    /// (start, end, text) of the earliest and the latest listing date.
    first: Option<(String, String, String)>,
    latest: Option<(String, String, String)>,
    designations: i64,
    sources: Vec<u32>,
}

/// The distinct authorities, programs and source ids seen, each stored once: an actor's sets
/// hold small numbers (no string allocated or compared per row), sorted as text at the end.
#[derive(Debug, Default)]
struct Words {
    ids: HashMap<String, u32>,
    texts: Vec<String>,
}

impl Words {
    fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.texts.push(text.to_string());
        self.ids.insert(text.to_string(), id);
        id
    }

    /// The texts of `ids`, sorted, joined with the separator (`None` when there are none).
    fn joined(&self, ids: &[u32]) -> Option<String> {
        let mut texts: Vec<&str> = ids
            .iter()
            .map(|&i| self.texts[i as usize].as_str())
            .collect();
        texts.sort_unstable();
        (!texts.is_empty()).then(|| texts.join(SEPARATOR))
    }
}

/// The `targets` dataset being gathered, one frame at a time.
#[derive(Debug, Default)]
pub struct Targets {
    /// By actor id (sorted when the frame is made).
    actors: HashMap<String, Acc>,
    words: Words,
    seen_actors: bool,
    seen_designations: bool,
}

/// Column positions of `frame` by name.
fn cols<const N: usize>(frame: &Frame, names: [&str; N]) -> [Option<usize>; N] {
    names.map(|n| frame.columns.iter().position(|c| c.name == n))
}

fn list(cell: Option<&str>) -> impl Iterator<Item = &str> {
    cell.into_iter()
        .flat_map(|c| c.split(SEPARATOR))
        .filter(|s| !s.is_empty())
}

impl Targets {
    /// Folds in a published dataset's frame (others are ignored). `actors` must come before
    /// the datasets that reference it, as the manifest's foreign keys order them.
    pub fn absorb(&mut self, frame: &Frame) -> Result<(), ReleaseError> {
        match frame.name.as_str() {
            "actors" => self.actors(frame),
            "actor_names" => self.names(frame),
            "actor_identifiers" => self.identifiers(frame),
            "designations" => self.designations(frame),
            _ => Ok(()),
        }
    }

    fn each(
        &mut self,
        frame: &Frame,
        mut f: impl FnMut(&mut Acc, &mut Words, &[Option<&str>]) -> Result<(), ReleaseError>,
    ) -> Result<(), ReleaseError> {
        let [actor, sources] = cols(frame, ["actor_id", "source_ids"]);
        let Some(actor) = actor else {
            return Ok(());
        };
        let mut cells: Vec<Option<&str>> = Vec::with_capacity(frame.columns.len());
        for row in 0..frame.len() {
            cells.clear();
            cells.extend(frame.row_cells(row));
            let Some(acc) = cells[actor].and_then(|id| self.actors.get_mut(id)) else {
                continue; // not a published actor
            };
            for s in list(sources.and_then(|s| cells[s])) {
                add(&mut acc.sources, self.words.id(s));
            }
            f(acc, &mut self.words, &cells)?;
        }
        Ok(())
    }

    fn actors(&mut self, frame: &Frame) -> Result<(), ReleaseError> {
        self.seen_actors = true;
        let [id, ty, name] = cols(frame, ["actor_id", "actor_type", "primary_name"]);
        let Some(id) = id else {
            return Ok(());
        };
        for row in 0..frame.len() {
            let cells: Vec<Option<&str>> = frame.row_cells(row).collect();
            if let Some(actor) = cells[id] {
                let acc = self.actors.entry(actor.to_string()).or_default();
                acc.actor_type = ty.and_then(|i| cells[i]).map(str::to_string);
                acc.primary_name = name.and_then(|i| cells[i]).map(str::to_string);
            }
        }
        self.each(frame, |_, _, _| Ok(()))
    }

    fn names(&mut self, frame: &Frame) -> Result<(), ReleaseError> {
        let [name] = cols(frame, ["name"]);
        self.each(frame, |acc, _, cells| {
            if let Some(n) = name.and_then(|i| cells[i]) {
                if !acc.names.iter().any(|x| x == n) {
                    acc.names.push(item(n, "name")?);
                }
            }
            Ok(())
        })
    }

    fn identifiers(&mut self, frame: &Frame) -> Result<(), ReleaseError> {
        let [scheme, value] = cols(frame, ["scheme", "value"]);
        self.each(frame, |acc, _, cells| {
            if let (Some(s), Some(v)) =
                (scheme.and_then(|i| cells[i]), value.and_then(|i| cells[i]))
            {
                let id = item(&format!("{s}:{v}"), "identifier")?;
                if !acc.identifiers.contains(&id) {
                    acc.identifiers.push(id);
                }
            }
            Ok(())
        })
    }

    fn designations(&mut self, frame: &Frame) -> Result<(), ReleaseError> {
        self.seen_designations = true;
        let [authority, programs, action, date] =
            cols(frame, ["authority", "programs", "action", "action_date"]);
        self.each(frame, |acc, words, cells| {
            acc.designations += 1;
            let get = |i: Option<usize>| i.and_then(|i| cells[i]);
            if let Some(a) = get(authority) {
                add(&mut acc.authorities, words.id(a));
            }
            for p in list(get(programs)) {
                add(&mut acc.programs, words.id(p));
            }
            let listing = get(action).is_some_and(|a| LISTING_ACTIONS.contains(&a));
            if let (true, Some(text)) = (listing, get(date)) {
                if let Some(b) = bounds(text) {
                    let d = (b.start, b.end, text.to_string());
                    if acc.first.as_ref().is_none_or(|f| d < *f) {
                        acc.first = Some(d.clone());
                    }
                    if acc.latest.as_ref().is_none_or(|l| d > *l) {
                        acc.latest = Some(d);
                    }
                }
            }
            Ok(())
        })
    }

    /// The `targets` frame (sorted by `target_id`), or `None` unless both `actors` and
    /// `designations` were published.
    pub fn frame(self) -> Option<Frame> {
        if !(self.seen_actors && self.seen_designations) {
            return None;
        }
        let join = |v: &mut dyn Iterator<Item = &String>| -> Option<String> {
            let s: Vec<&str> = v.map(String::as_str).collect();
            (!s.is_empty()).then(|| s.join(SEPARATOR))
        };
        let date_cells = |d: &Option<(String, String, String)>| -> [Option<String>; 4] {
            match d {
                None => [None, None, None, None],
                Some((_, _, text)) => [
                    Some(text.clone()),
                    Part::Start.of(text),
                    Part::End.of(text),
                    Part::Precision.of(text),
                ],
            }
        };
        // Row by row into the frame: one row's strings at a time, not every cell at once.
        let mut frame = Frame::new(TARGETS, columns());
        let mut actors: Vec<(&String, &Acc)> = self.actors.iter().collect();
        actors.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (id, a) in actors {
            let mut row = vec![
                Some(id.clone()),
                Some(id.clone()),
                a.actor_type.clone(),
                a.primary_name.clone(),
                join(&mut a.names.iter()),
                join(&mut a.identifiers.iter()),
                self.words.joined(&a.authorities),
                self.words.joined(&a.programs),
            ];
            row.extend(date_cells(&a.first));
            row.extend(date_cells(&a.latest));
            row.push(Some(a.designations.to_string()));
            row.push(self.words.joined(&a.sources));
            frame.push_row(row.iter().map(Option::as_deref));
        }
        Some(frame)
    }
}

/// Adds `id` to `set` unless it holds it already.
fn add(set: &mut Vec<u32>, id: u32) {
    if !set.contains(&id) {
        set.push(id);
    }
}

/// A list item must not hold the separator: the CSV could not tell it from two items.
fn item(text: &str, what: &str) -> Result<String, ReleaseError> {
    if text.contains(SEPARATOR) {
        return Err(ReleaseError::new(format!(
            "dataset `{TARGETS}`: the {what} `{}` holds the list separator `{SEPARATOR}`",
            kpdata_diagnostics::escape_value(text, 80)
        ))
        .hint("a target's names and identifiers are joined with `;` in its CSV"));
    }
    Ok(text.to_string())
}

fn built(name: &str, ty: ColumnType, description: &str) -> Column {
    Column {
        name: name.to_string(),
        ty,
        spec: None,
        derived: Some(Derived::Built {
            description: description.to_string(),
        }),
    }
}

fn strings() -> ColumnType {
    ColumnType::List {
        item: Box::new(ColumnType::String),
        separator: SEPARATOR.to_string(),
    }
}

fn date_columns(field: &str, description: &str) -> Vec<Column> {
    let mut out = vec![built(field, ColumnType::String, description)];
    for part in Part::ALL {
        out.push(Column {
            name: part.column(field),
            ty: match part {
                Part::Precision => ColumnType::String,
                _ => ColumnType::Date,
            },
            spec: None,
            derived: Some(Derived::Date {
                from: field.to_string(),
                part,
            }),
        });
    }
    out
}

/// The columns of `targets`, in order.
pub fn columns() -> Vec<Column> {
    let mut c = vec![
        built("target_id", ColumnType::String, "The target's id: the `actor_id` of its actor in `actors`."),
        built("actor_ids", strings(), "The actors this target gathers (`actors.actor_id`); one today, several once links between lists are published."),
        built("actor_type", ColumnType::String, "`person`, `organization`, `vessel`... (`vocab_actor_types`)."),
        built("primary_name", ColumnType::String, "The name the list gives as primary (`actors.primary_name`)."),
        built("names", strings(), "Every published name of the target (`actor_names.name`, exactly as published, each once, in `name_id` order)."),
        built("identifiers", strings(), "Every published identifier as `scheme:value` (`actor_identifiers`, in `identifier_id` order): UN references, OFAC entity numbers, IMO numbers, passports..."),
        built("authorities", strings(), "The authorities with a designation of the target (`designations.authority`), sorted."),
        built("programs", strings(), "The sanctions programs of its designations (`designations.programs`), sorted."),
    ];
    c.extend(date_columns("first_listed", "The earliest dated listing of the target (`designations.action_date` of a `designated`, `identified_blocked`, `listed`, `listed_in_annex` or `relisted` action, ordered by the span it allows), as curated; null where no listing is dated (the OFAC SDN file gives no dates)."));
    c.extend(date_columns("latest_listed", "The latest dated listing of the target (same actions and order as `first_listed`), as curated."));
    c.push(built(
        "designations",
        ColumnType::Integer,
        "The number of its rows in `designations` (every action, dated or not).",
    ));
    c.push(built("source_ids", strings(), "Every source cited by the target's rows in `actors`, `actor_names`, `actor_identifiers` and `designations`, sorted (`sources.source_id`)."));
    c
}

/// What the descriptor says about `targets`.
pub fn about(name: &str) -> About {
    let fk = |fields: &str, dataset: &str, reference: &str| ForeignKey {
        fields: vec![fields.to_string()],
        dataset: dataset.to_string(),
        reference: vec![reference.to_string()],
    };
    About {
        title: Some("Targets".into()),
        description: Some("One row per actor, built by the release from actors, actor_names, actor_identifiers and designations: all names, identifiers, authorities, programs, first and latest listing dates, number of designations, and the sources behind them.".into()),
        primary_key: vec!["target_id".into()],
        unique: vec![],
        foreign_keys: vec![
            fk("target_id", "actors", "actor_id"),
            fk("actor_type", "vocab_actor_types", "key"),
        ],
        name: name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(name: &str, cols: &[&str], rows: &[&[Option<&str>]]) -> Frame {
        let columns = cols
            .iter()
            .map(|c| Column::plain(c, ColumnType::String))
            .collect();
        let rows: Vec<Vec<Option<&str>>> = rows.iter().map(|r| r.to_vec()).collect();
        Frame::from_rows(name, columns, &rows)
    }

    fn gather(names: &[Option<&str>]) -> Result<Option<Frame>, ReleaseError> {
        let mut t = Targets::default();
        t.absorb(&frame(
            "actors",
            &["actor_id", "actor_type", "primary_name", "source_ids"],
            &[
                &[Some("a1"), Some("vessel"), Some("Star"), Some("src-b")],
                &[Some("a2"), Some("person"), Some("Kim"), Some("src-a")],
            ],
        ))?;
        let rows: Vec<[Option<&str>; 3]> = names
            .iter()
            .map(|n| [Some("a1"), *n, Some("src-c")])
            .collect();
        let rows: Vec<&[Option<&str>]> = rows.iter().map(|r| &r[..]).collect();
        t.absorb(&frame(
            "actor_names",
            &["actor_id", "name", "source_ids"],
            &rows,
        ))?;
        t.absorb(&frame(
            "actor_identifiers",
            &["actor_id", "scheme", "value", "source_ids"],
            &[
                &[Some("a1"), Some("imo"), Some("9876543"), Some("src-b")],
                &[Some("zz"), Some("imo"), Some("1"), Some("src-z")],
            ],
        ))?;
        t.absorb(&frame(
            "designations",
            &[
                "actor_id",
                "authority",
                "programs",
                "action",
                "action_date",
                "source_ids",
            ],
            &[
                &[
                    Some("a1"),
                    Some("un"),
                    Some("un:DPRK"),
                    Some("listed"),
                    Some("2016-03"),
                    Some("src-d"),
                ],
                &[
                    Some("a1"),
                    Some("us_ofac"),
                    Some("ofac:NPWMD;un:DPRK"),
                    Some("listed"),
                    Some("2016-03-02"),
                    None,
                ],
                &[
                    Some("a1"),
                    Some("un"),
                    None,
                    Some("amended"),
                    Some("2017"),
                    None,
                ],
                &[
                    Some("a1"),
                    Some("un"),
                    None,
                    Some("relisted"),
                    Some("2018"),
                    None,
                ],
            ],
        ))?;
        Ok(t.frame())
    }

    #[test]
    fn one_row_per_actor_with_everything_behind_it() {
        let f = gather(&[Some("Star"), Some("Ocean Star"), Some("Star")])
            .unwrap()
            .unwrap();
        assert_eq!(f.name, TARGETS);
        assert_eq!(f.len(), 2);
        let col = |n: &str| f.columns.iter().position(|c| c.name == n).unwrap();
        let at = |row: usize, n: &str| f.cell(row, col(n));
        assert_eq!(at(0, "target_id"), Some("a1"));
        assert_eq!(at(0, "actor_ids"), Some("a1"));
        assert_eq!(at(0, "names"), Some("Star;Ocean Star"));
        assert_eq!(at(0, "identifiers"), Some("imo:9876543"));
        assert_eq!(at(0, "authorities"), Some("un;us_ofac"));
        assert_eq!(at(0, "programs"), Some("ofac:NPWMD;un:DPRK"));
        // Listing actions only; ordered by the span each allows: 2016-03 starts first.
        assert_eq!(at(0, "first_listed"), Some("2016-03"));
        assert_eq!(at(0, "first_listed_start"), Some("2016-03-01"));
        assert_eq!(at(0, "first_listed_end"), Some("2016-03-31"));
        assert_eq!(at(0, "first_listed_precision"), Some("month"));
        assert_eq!(at(0, "latest_listed"), Some("2018"));
        assert_eq!(at(0, "latest_listed_end"), Some("2018-12-31"));
        assert_eq!(at(0, "designations"), Some("4"));
        assert_eq!(at(0, "source_ids"), Some("src-b;src-c;src-d"));
        // An actor with nothing else: its own row, nulls, 0 designations.
        assert_eq!(at(1, "target_id"), Some("a2"));
        assert_eq!(at(1, "names"), None);
        assert_eq!(at(1, "first_listed_start"), None);
        assert_eq!(at(1, "designations"), Some("0"));
        assert_eq!(at(1, "source_ids"), Some("src-a"));
    }

    #[test]
    fn a_name_holding_the_separator_is_refused() {
        let e = gather(&[Some("A;B")]).unwrap_err();
        assert!(e.to_string().contains("holds the list separator"), "{e}");
    }

    #[test]
    fn no_targets_without_actors_and_designations() {
        let mut t = Targets::default();
        t.absorb(&frame("actors", &["actor_id"], &[&[Some("a1")]]))
            .unwrap();
        assert!(t.frame().is_none());
    }
}
