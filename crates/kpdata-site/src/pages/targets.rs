//! A page per target (actor): names in every script, identifiers, facts, a timeline of its
//! designations across authorities, the same target on other lists, and every citation.

use std::collections::{BTreeMap, BTreeSet};

use super::{target_href, up};
use crate::html::{esc, slug, table};
use crate::load::{self, Dataset, Row};
use crate::{Ctx, Site};

/// For each actor id, the rows of every other dataset that reference it.
type Refs<'a> = BTreeMap<String, Vec<(&'a Dataset, &'a Row)>>;

pub fn render(ctx: &Ctx, site: &mut Site) {
    let r = ctx.release;
    let Some(actors) = r.dataset("actors") else {
        return;
    };
    let mut refs: Refs = BTreeMap::new();
    // Datasets with two or more actor references are links between targets.
    let mut links: BTreeMap<String, Vec<(&Dataset, &Row, String)>> = BTreeMap::new();
    for ds in r.datasets.iter().filter(|d| d.name != "actors") {
        let fields = ds.fields_referencing("actors", "actor_id");
        if fields.len() >= 2 {
            for row in &ds.rows {
                let ids: Vec<String> = fields.iter().map(|f| load::text(row, f)).collect();
                for a in &ids {
                    for b in ids.iter().filter(|b| *b != a && !b.is_empty()) {
                        links
                            .entry(a.clone())
                            .or_default()
                            .push((ds, row, b.clone()));
                    }
                }
            }
        } else if let Some(f) = fields.first() {
            for row in &ds.rows {
                for id in load::list(row, f) {
                    refs.entry(id).or_default().push((ds, row));
                }
            }
        }
    }
    let mut index_rows = Vec::new();
    for actor in &actors.rows {
        let id = load::text(actor, "actor_id");
        let mine = refs.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        let linked = links.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        // The timeline spans the target across lists: this entry's designations and those of
        // the entries linked to it.
        let mut across: Vec<&Row> = Vec::new();
        for other in linked
            .iter()
            .map(|(_, _, o)| o.as_str())
            .chain([id.as_str()])
        {
            if let Some(rows) = refs.get(other) {
                across.extend(
                    rows.iter()
                        .filter(|(d, _)| d.name == "designations")
                        .map(|(_, r)| *r),
                );
            }
        }
        across.sort_by_key(|r| load::text(r, "designation_id"));
        across.dedup_by_key(|r| load::text(r, "designation_id"));
        let page = target_page(ctx, actors, actor, mine, linked, &across);
        let name = load::text(actor, "primary_name");
        site.insert(
            format!("targets/{}.html", slug(&id)),
            ctx.page(1, if name.is_empty() { &id } else { &name }, &page),
        );
        let authorities: BTreeSet<String> = mine
            .iter()
            .filter(|(d, _)| d.name == "designations")
            .map(|(_, row)| load::text(row, "authority"))
            .collect();
        index_rows.push(vec![
            format!("<a href=\"{}\">{}</a>", target_href(&id, 1), esc(&name)),
            esc(&load::text(actor, "actor_type")),
            esc(&authorities.into_iter().collect::<Vec<_>>().join(", ")),
            linked.len().to_string(),
            format!("<span class=\"mono\">{}</span>", esc(&id)),
        ]);
    }
    let body = format!(
        "<h1>Targets</h1><p>Every person, organisation, vessel and aircraft in the release, one \
row per list entry. Entries that are the same target on another list are linked on their page.</p>{}",
        table(
            "Targets",
            &["primary name", "type", "authorities", "links", "id"],
            &index_rows,
            &[3]
        )
    );
    site.insert("targets/index.html".into(), ctx.page(1, "Targets", &body));
}

fn target_page(
    ctx: &Ctx,
    actors: &Dataset,
    actor: &Row,
    refs: &[(&Dataset, &Row)],
    links: &[(&Dataset, &Row, String)],
    across: &[&Row],
) -> String {
    let id = load::text(actor, "actor_id");
    let name = load::text(actor, "primary_name");
    let mut out = format!(
        "<p class=\"muted\"><a href=\"{}targets/index.html\">Targets</a> › {}</p><h1>{}</h1>{}",
        up(1),
        esc(&id),
        esc(if name.is_empty() { &id } else { &name }),
        ctx.fields(actors, actor, 1)
    );
    let mut cited: BTreeSet<String> = load::list(actor, "source_ids").into_iter().collect();
    // This entry's own designation records (shown in full below).
    let designations: Vec<&Row> = refs
        .iter()
        .filter(|(d, _)| d.name == "designations")
        .map(|(_, r)| *r)
        .collect();
    // The timeline first: designations of this target on every list, dated ones in date order.
    let mut timeline: Vec<&Row> = across.to_vec();
    timeline.sort_by_key(|r| {
        let date = load::text(r, "action_date");
        (date.is_empty(), date, load::text(r, "designation_id"))
    });
    if !timeline.is_empty() {
        out.push_str("<h2>Timeline of designations</h2>");
        if timeline.len() > designations.len() {
            out.push_str("<p class=\"muted\">Across the lists: this entry and the entries linked to it below.</p>");
        }
        out.push_str("<ol class=\"timeline\">");
        for d in &timeline {
            let date = load::text(d, "action_date");
            let kind = load::text(d, "date_kind");
            let when = if date.is_empty() {
                "undated (the list gives no date)".to_string()
            } else if kind.is_empty() {
                date
            } else {
                format!("{date} ({kind})")
            };
            let entry = load::text(d, "actor_id");
            let whose = if entry == id {
                String::new()
            } else {
                format!(
                    " <span class=\"muted\">(entry <a href=\"{}\">{}</a>)</span>",
                    target_href(&entry, 1),
                    esc(&entry)
                )
            };
            out.push_str(&format!(
                "<li><strong>{}</strong> — {} {} <span class=\"muted\">{}</span>{}",
                esc(&when),
                esc(&load::text(d, "authority")),
                esc(&load::text(d, "action")),
                esc(&load::text(d, "programs").replace("; ", ", ")),
                whose
            ));
            let note = load::text(d, "note");
            if !note.is_empty() {
                out.push_str(&format!("<br><span class=\"muted\">{}</span>", esc(&note)));
            }
            out.push_str("</li>");
        }
        out.push_str("</ol>");
    }
    if !links.is_empty() {
        out.push_str("<h2>The same target on other lists</h2><ul>");
        for (ds, row, other) in links {
            let basis: Vec<String> = ds
                .fields
                .iter()
                .filter(|f| {
                    !ds.fields_referencing("actors", "actor_id")
                        .contains(&f.as_str())
                        && !ds.primary_key.contains(f)
                        && *f != "source_ids"
                        && *f != "sensitivity"
                })
                .filter_map(|f| {
                    let v = load::text(row, f);
                    (!v.is_empty()).then(|| format!("{}: {}", esc(f), esc(&v)))
                })
                .collect();
            out.push_str(&format!(
                "<li>{} <span class=\"muted\">({})</span></li>",
                ctx.target_link(other, 1),
                basis.join("; ")
            ));
            cited.extend(load::list(row, "source_ids"));
        }
        out.push_str("</ul>");
    }
    // Every other dataset that describes this actor: names, identifiers, facts…
    let mut by_dataset: BTreeMap<&str, (&Dataset, Vec<&Row>)> = BTreeMap::new();
    for (ds, row) in refs {
        cited.extend(load::list(row, "source_ids"));
        if ds.name != "designations" {
            by_dataset
                .entry(ds.name.as_str())
                .or_insert((ds, Vec::new()))
                .1
                .push(row);
        }
    }
    for (_, (ds, rows)) in by_dataset {
        out.push_str(&format!("<h2>{}</h2>", esc(&ds.title)));
        out.push_str(&ctx.rows_table(ds, &rows, &["actor_id"], &ds.title, 1));
    }
    if !designations.is_empty() {
        let ds = ctx
            .release
            .dataset("designations")
            .expect("designations exist");
        out.push_str("<h2>Designation records</h2>");
        out.push_str(&ctx.rows_table(ds, &designations, &["actor_id"], "Designations", 1));
    }
    out.push_str("<h2>Citations</h2><ul>");
    for s in &cited {
        let title = ctx.source_titles.get(s).cloned().unwrap_or_default();
        out.push_str(&format!(
            "<li>{} — {}</li>",
            ctx.source_link(s, 1),
            esc(&title)
        ));
    }
    out.push_str("</ul>");
    out
}
