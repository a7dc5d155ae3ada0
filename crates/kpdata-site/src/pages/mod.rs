//! The pages of the site, one module per kind, and the links and cells they share.

pub mod datasets;
pub mod home;
pub mod records;
pub mod search;
pub mod sources;
pub mod targets;

use crate::html::{esc, href, slug};
use crate::load::{self, Dataset, Row};
use crate::Ctx;

/// `../` times `depth`: the way back to the site root.
pub fn up(depth: usize) -> String {
    "../".repeat(depth)
}

pub fn target_href(id: &str, depth: usize) -> String {
    format!("{}targets/{}.html", up(depth), slug(id))
}

pub fn source_href(id: &str, depth: usize) -> String {
    format!("{}sources/{}.html", up(depth), slug(id))
}

pub fn record_href(dataset: &str, key: &str, depth: usize) -> String {
    format!("{}records/{}/{}.html", up(depth), slug(dataset), slug(key))
}

impl Ctx<'_> {
    /// A link to an actor's page, named by its primary name (or its id).
    pub fn target_link(&self, id: &str, depth: usize) -> String {
        match self.actor_names.get(id) {
            Some(name) if !name.is_empty() => format!(
                "<a href=\"{}\">{}</a> <span class=\"muted mono\">{}</span>",
                target_href(id, depth),
                esc(name),
                esc(id)
            ),
            Some(_) => format!("<a href=\"{}\">{}</a>", target_href(id, depth), esc(id)),
            None => esc(id),
        }
    }

    /// A link to a source's page (its id; the title on hover).
    pub fn source_link(&self, id: &str, depth: usize) -> String {
        match self.source_titles.get(id) {
            Some(title) => format!(
                "<a href=\"{}\" title=\"{}\">{}</a>",
                source_href(id, depth),
                esc(title),
                esc(id)
            ),
            None => esc(id),
        }
    }

    /// One cell of `dataset`'s `field` as HTML: references become links, lists one item a line.
    pub fn cell(&self, ds: &Dataset, row: &Row, field: &str, depth: usize) -> String {
        let refs_actor = ds.fields_referencing("actors", "actor_id").contains(&field);
        let refs_source = field == "source_ids"
            || ds
                .fields_referencing("sources", "source_id")
                .contains(&field);
        if refs_actor && ds.name != "actors" {
            return join(
                load::list(row, field)
                    .iter()
                    .map(|v| self.target_link(v, depth)),
            );
        }
        if refs_source && ds.name != "sources" {
            return join(
                load::list(row, field)
                    .iter()
                    .map(|v| self.source_link(v, depth)),
            );
        }
        if ds.primary_key.len() == 1 && ds.primary_key[0] == field {
            let key = load::text(row, field);
            if ds.name == "actors" {
                return format!("<a href=\"{}\">{}</a>", target_href(&key, depth), esc(&key));
            }
            if ds.name == "sources" {
                return format!("<a href=\"{}\">{}</a>", source_href(&key, depth), esc(&key));
            }
            if self.record_datasets.contains(&ds.name) {
                return format!(
                    "<a href=\"{}\">{}</a>",
                    record_href(&ds.name, &key, depth),
                    esc(&key)
                );
            }
        }
        if field == "url" || field.ends_with("_url") {
            return href(&load::text(row, field));
        }
        match row.get(field) {
            Some(serde_json::Value::Array(_)) => {
                join(load::list(row, field).iter().map(|v| esc(v)))
            }
            _ => esc(&load::text(row, field)),
        }
    }

    /// Every field of a row as a definition list (empty fields left out).
    pub fn fields(&self, ds: &Dataset, row: &Row, depth: usize) -> String {
        let mut out = String::from("<dl>");
        for f in &ds.fields {
            if load::text(row, f).is_empty() || f == "sensitivity" {
                continue;
            }
            out.push_str(&format!(
                "<dt>{}</dt><dd>{}</dd>",
                esc(f),
                self.cell(ds, row, f, depth)
            ));
        }
        out.push_str("</dl>");
        out
    }

    /// Rows of a dataset as a sortable table with every field but `skip`.
    pub fn rows_table(
        &self,
        ds: &Dataset,
        rows: &[&Row],
        skip: &[&str],
        caption: &str,
        depth: usize,
    ) -> String {
        // Columns empty in every row shown are left out (a table of one fact need not show
        // a dozen empty date columns).
        let fields: Vec<&str> = ds
            .fields
            .iter()
            .map(String::as_str)
            .filter(|f| !skip.contains(f) && *f != "sensitivity")
            .filter(|f| rows.iter().any(|r| !load::text(r, f).is_empty()))
            .collect();
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| fields.iter().map(|f| self.cell(ds, r, f, depth)).collect())
            .collect();
        crate::html::table(caption, &fields, &cells, &[])
    }
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join("<br>")
}
