//! The home page: what the release holds, what changed, and the charts.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::chart::Bars;
use crate::html::{esc, table};
use crate::load::{self, Dataset, Release};
use crate::{Ctx, Site};

pub fn render(ctx: &Ctx, site: &mut Site) {
    let r = ctx.release;
    let mut body = format!(
        "<h1>{}</h1><p>{}</p><p>Release <strong>{}</strong>. Every record cites a source whose \
archived copy is pinned by its sha256; each source page links the archived file and shows the \
records that rely on it.</p>",
        esc(ctx.frame.site_title),
        esc(&r.description),
        esc(&r.version)
    );
    body.push_str("<h2>What the release holds</h2><ul class=\"cards\">");
    for ds in r.datasets.iter().filter(|d| !d.name.starts_with("vocab_")) {
        body.push_str(&format!(
            "<li><a href=\"datasets/{}.html\"><b>{}</b>{}</a></li>",
            crate::html::slug(&ds.name),
            ds.rows.len(),
            esc(&ds.title)
        ));
    }
    body.push_str("</ul>");
    let vocabs = r
        .datasets
        .iter()
        .filter(|d| d.name.starts_with("vocab_"))
        .count();
    if vocabs > 0 {
        body.push_str(&format!(
            "<p class=\"muted\">And {vocabs} vocabularies (the coded values and what each means): \
see <a href=\"datasets/index.html\">all datasets</a>.</p>"
        ));
    }
    body.push_str(&changes(r));
    if let Some(ds) = r.dataset("designations") {
        body.push_str(&designations_chart(ds, r));
    }
    if let Some(chart) = votes_chart(r) {
        body.push_str(&chart);
    }
    if let Some(ds) = r.dataset("actors") {
        body.push_str(&actor_types_chart(ds));
    }
    site.insert("index.html".into(), ctx.page(0, "Home", &body));
}

/// What changed since the previous release, from `changes.json`.
fn changes(r: &Release) -> String {
    let Some(Value::Array(items)) = r.changes.as_ref().and_then(|c| c.get("datasets")) else {
        return String::new();
    };
    let mut columns: BTreeSet<String> = BTreeSet::new();
    for it in items {
        if let Value::Object(m) = it {
            for (k, v) in m {
                if v.is_u64() {
                    columns.insert(k.clone());
                }
            }
        }
    }
    let columns: Vec<String> = columns.into_iter().collect();
    let rows: Vec<Vec<String>> = items
        .iter()
        .filter_map(Value::as_object)
        .map(|m| {
            let mut row = vec![esc(m.get("name").and_then(Value::as_str).unwrap_or(""))];
            row.extend(columns.iter().map(|c| {
                m.get(c)
                    .and_then(Value::as_u64)
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            }));
            row
        })
        .collect();
    let mut heads: Vec<&str> = vec!["dataset"];
    heads.extend(columns.iter().map(String::as_str));
    let numeric: Vec<usize> = (1..heads.len()).collect();
    let previous = r
        .changes
        .as_ref()
        .and_then(|c| c.get("previous"))
        .and_then(Value::as_str)
        .map(|p| format!(" since {}", esc(p)))
        .unwrap_or_default();
    format!(
        "<h2>What changed{previous}</h2><details><summary>Records per dataset in this release \
and the changes since the previous one</summary>{}</details>",
        table("Changes per dataset", &heads, &rows, &numeric)
    )
}

/// The year of a partial date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`), if it has one.
fn year(date: &str) -> Option<String> {
    let y = date.get(..4)?;
    (y.bytes().all(|b| b.is_ascii_digit()) && (date.len() == 4 || date.as_bytes()[4] == b'-'))
        .then(|| y.to_string())
}

fn designations_chart(ds: &Dataset, r: &Release) -> String {
    let mut per: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut undated: BTreeMap<String, u64> = BTreeMap::new();
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    let mut authorities: BTreeSet<String> = BTreeSet::new();
    for row in &ds.rows {
        let auth = load::text(row, "authority");
        authorities.insert(auth.clone());
        match year(&load::text(row, "action_date")) {
            Some(y) => {
                *per.entry(y).or_default().entry(auth).or_default() += 1;
                let kind = load::text(row, "date_kind");
                *kinds
                    .entry(if kind.is_empty() {
                        "(none)".into()
                    } else {
                        kind
                    })
                    .or_default() += 1;
            }
            None => *undated.entry(auth).or_default() += 1,
        }
    }
    let (Some(first), Some(last)) = (per.keys().next(), per.keys().last()) else {
        return String::from(
            "<h2>Designations per year</h2><p>No designation in this release has a date.</p>",
        );
    };
    let (first, last): (u32, u32) = (first.parse().unwrap_or(0), last.parse().unwrap_or(0));
    let categories: Vec<String> = (first..=last).map(|y| y.to_string()).collect();
    let series: Vec<(String, Vec<u64>)> = authorities
        .iter()
        .map(|a| {
            let values = categories
                .iter()
                .map(|y| per.get(y).and_then(|m| m.get(a)).copied().unwrap_or(0))
                .collect();
            (a.clone(), values)
        })
        .collect();
    let dated: u64 = per.values().flat_map(|m| m.values()).sum();
    let total_undated: u64 = undated.values().sum();
    let chart = Bars {
        id: "designations-per-year",
        title: "Designations per year, by authority",
        description: &format!(
            "{dated} dated designation actions from {first} to {last}, stacked by authority; \
{total_undated} actions without a date are counted apart below."
        ),
        categories,
        series,
    };
    let undated_rows: Vec<Vec<String>> = undated
        .iter()
        .map(|(a, n)| vec![esc(a), n.to_string()])
        .collect();
    let kind_defs = vocab_definitions(r, "vocab_date_kinds");
    let kind_rows: Vec<Vec<String>> = kinds
        .iter()
        .map(|(k, n)| {
            vec![
                esc(k),
                n.to_string(),
                esc(kind_defs.get(k).map(String::as_str).unwrap_or("")),
            ]
        })
        .collect();
    format!(
        "<h2>Designations per year</h2><p>Each bar counts designation actions (listings, \
amendments, delistings) by the year of their date. What a date means depends on its kind, \
explained below; a list that gives no date is never given one here.</p>{}\
<h3>Actions without a date</h3>{}<h3>What the dates mean</h3>{}",
        chart.render(),
        table(
            "Undated actions by authority",
            &["authority", "actions"],
            &undated_rows,
            &[1]
        ),
        table(
            "Date kinds of the dated actions",
            &["date kind", "actions", "meaning"],
            &kind_rows,
            &[1]
        )
    )
}

fn vocab_definitions(r: &Release, vocab: &str) -> BTreeMap<String, String> {
    r.dataset(vocab)
        .map(|d| {
            d.rows
                .iter()
                .map(|row| {
                    let label = load::text(row, "label");
                    let def = load::text(row, "definition");
                    (load::text(row, "key"), format!("{label}: {def}"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The field of `ds` that holds a count named `name` (`yes`, `yes_count`, `yes_votes`).
fn count_field<'a>(ds: &'a Dataset, names: &[&str]) -> Option<&'a str> {
    ds.fields.iter().map(String::as_str).find(|f| {
        names.iter().any(|n| {
            *f == *n
                || f.strip_prefix(n)
                    .is_some_and(|rest| rest == "_count" || rest == "_votes")
        })
    })
}

/// General Assembly votes per year (yes / no / abstain), from a roll-call dataset carrying
/// counts and a date.
fn votes_chart(r: &Release) -> Option<String> {
    let ds = r.datasets.iter().find(|d| {
        count_field(d, &["yes"]).is_some()
            && count_field(d, &["no"]).is_some()
            && count_field(d, &["abstain", "abstentions"]).is_some()
    })?;
    let yes = count_field(ds, &["yes"])?;
    let no = count_field(ds, &["no"])?;
    let abstain = count_field(ds, &["abstain", "abstentions"])?;
    let date_field = ["vote_date", "date", "year"]
        .into_iter()
        .find(|f| ds.fields.iter().any(|x| x == f))?;
    let mut rows: Vec<(String, [u64; 3], String)> = ds
        .rows
        .iter()
        .filter_map(|row| {
            let date = load::text(row, date_field);
            year(&date)?;
            let n = |f: &str| row.get(f).and_then(Value::as_u64).unwrap_or(0);
            let label = ds
                .fields
                .iter()
                .find(|f| f.contains("symbol") || f.as_str() == "resolution")
                .map(|f| load::text(row, f))
                .unwrap_or_default();
            Some((date, [n(yes), n(no), n(abstain)], label))
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort();
    let categories: Vec<String> = rows.iter().map(|(d, _, _)| d[..4].to_string()).collect();
    let series = ["yes", "no", "abstain"]
        .iter()
        .enumerate()
        .map(|(i, l)| (l.to_string(), rows.iter().map(|(_, c, _)| c[i]).collect()))
        .collect();
    let chart = Bars {
        id: "ga-votes",
        title: "General Assembly votes on the DPRK human-rights resolutions",
        description: &format!(
            "{} recorded votes; each bar stacks the yes, no and abstain votes of one year. Years \
without a recorded vote in the data are not shown: no vote is inferred for them.",
            rows.len()
        ),
        categories,
        series,
    };
    // Years the data record as gaps (a dataset of gaps with a `year`): shown, never inferred.
    let gaps: BTreeSet<String> = r
        .datasets
        .iter()
        .filter(|d| d.name.contains("gap") && d.fields.iter().any(|f| f == "year"))
        .flat_map(|d| d.rows.iter().map(|row| load::text(row, "year")))
        .filter(|y| !y.is_empty())
        .collect();
    let gap_note = if gaps.is_empty() {
        String::new()
    } else {
        format!(
            "<p><strong>No recorded vote in the data:</strong> {}. These are gaps in the \
archived record; nothing archived says whether or how a resolution was adopted in those years.</p>",
            esc(&gaps.into_iter().collect::<Vec<_>>().join(", "))
        )
    };
    Some(format!(
        "<h2>How states voted</h2><p>Recorded votes of the UN General Assembly on the \
resolutions on the situation of human rights in the DPRK (dataset <a href=\"datasets/{}.html\">{}</a>). \
A year missing here has no recorded vote in the archived data; that is a gap in the record, \
not a vote.</p>{}{gap_note}",
        crate::html::slug(&ds.name),
        esc(&ds.name),
        chart.render()
    ))
}

fn actor_types_chart(ds: &Dataset) -> String {
    let mut per: BTreeMap<String, u64> = BTreeMap::new();
    for row in &ds.rows {
        *per.entry(load::text(row, "actor_type")).or_default() += 1;
    }
    let chart = Bars {
        id: "actor-types",
        title: "Targets by type",
        description: &format!("{} targets by type.", ds.rows.len()),
        categories: per.keys().cloned().collect(),
        series: vec![("targets".into(), per.values().copied().collect())],
    };
    format!("<h2>Who is listed</h2>{}", chart.render())
}

#[cfg(test)]
mod tests {
    use super::year;

    #[test]
    fn years_of_partial_dates() {
        assert_eq!(year("2009-04-24").as_deref(), Some("2009"));
        assert_eq!(year("2015").as_deref(), Some("2015"));
        assert_eq!(year("").as_deref(), None);
        assert_eq!(year("20x5").as_deref(), None);
        assert_eq!(year("20155").as_deref(), None);
    }
}
