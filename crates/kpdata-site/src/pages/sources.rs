//! A page per source: its metadata, sha256 and chain of custody, the archived file (copied
//! into the site when its bytes match the registry), every record that cites it, and each
//! quote inside its passage of the archived text.

use super::{record_href, source_href, target_href, up};
use crate::html::{esc, slug, table};
use crate::load::{self, Dataset, Row};
use crate::passage::highlight;
use crate::{Ctx, Site};

/// Records listed per dataset on a source page; the rest are counted.
const LISTED: usize = 200;

/// The site path of an archived file: under `files/`, with a `.txt` suffix added to anything a
/// browser would run as a page (an archived web page must not execute in the site).
pub fn file_path(release_path: &str) -> String {
    let lower = release_path.to_ascii_lowercase();
    let active = [
        ".html", ".htm", ".xhtml", ".svg", ".xht", ".shtml", ".mht", ".js",
    ]
    .iter()
    .any(|e| lower.ends_with(e));
    let safe: Vec<String> = release_path
        .strip_prefix("sources/")
        .unwrap_or(release_path)
        .split('/')
        .map(|part| {
            if part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
                && !part.starts_with('.')
            {
                part.to_string()
            } else {
                slug(part)
            }
        })
        .collect();
    let mut p = format!("files/{}", safe.join("/"));
    if active {
        p.push_str(".txt");
    }
    p
}

pub fn render(ctx: &Ctx, site: &mut Site) {
    let r = ctx.release;
    let Some(sources) = r.dataset("sources") else {
        return;
    };
    let mut index_rows = Vec::new();
    for src in &sources.rows {
        let id = load::text(src, "source_id");
        let mut body = format!(
            "<p class=\"muted\"><a href=\"{}sources/index.html\">Sources</a> › {}</p><h1>{}</h1>{}",
            up(1),
            esc(&id),
            esc(&load::text(src, "title")),
            ctx.fields(sources, src, 1)
        );
        body.push_str("<h2>Archived copy</h2>");
        let archived = r.archived.get(&id);
        match archived {
            Some(a) => {
                let path = file_path(&a.release_path);
                site.insert(path.clone(), a.bytes.clone());
                body.push_str(&format!(
                    "<p>The archived file <a href=\"{}{}\"><code>{}</code></a> ({} bytes) is in \
this release; its sha256 <code>{}</code> matches the registry.</p>",
                    up(1),
                    esc(&path),
                    esc(&a.release_path),
                    a.bytes.len(),
                    esc(&load::text(src, "sha256"))
                ));
            }
            None if r.mismatched.contains(&id) => body.push_str(
                "<p><strong>The archived file in this release does not match the sha256 of the \
registry: it is not shown.</strong> Run <code>kpdata verify</code> on the release.</p>",
            ),
            None => body.push_str(
                "<p>The archived file is not part of this release folder; the sha256 above \
identifies the bytes the records were checked against.</p>",
            ),
        }
        let citing = citing_records(ctx, &id);
        let count: usize = citing.iter().map(|(_, rows)| rows.len()).sum();
        body.push_str(&format!("<h2>Records citing this source ({count})</h2>"));
        for (ds, rows) in &citing {
            body.push_str(&format!("<h3>{} ({})</h3><ul>", esc(&ds.title), rows.len()));
            for row in rows.iter().take(LISTED) {
                body.push_str(&format!("<li>{}</li>", record_link(ctx, ds, row)));
            }
            if rows.len() > LISTED {
                body.push_str(&format!(
                    "<li>and {} more: see <a href=\"{}datasets/{}.html\">the dataset</a></li>",
                    rows.len() - LISTED,
                    up(1),
                    slug(&ds.name)
                ));
            }
            body.push_str("</ul>");
        }
        let quotes = quotes_in(
            ctx,
            &id,
            archived.map(|a| (a.bytes.as_slice(), a.release_path.as_str())),
        );
        if !quotes.is_empty() {
            body.push_str("<h2>Quotes from this source</h2>");
            body.push_str(&quotes);
        }
        site.insert(
            format!("sources/{}.html", slug(&id)),
            ctx.page(1, &load::text(src, "title"), &body),
        );
        index_rows.push(vec![
            format!("<a href=\"{}\">{}</a>", source_href(&id, 1), esc(&id)),
            esc(&load::text(src, "title")),
            esc(&load::text(src, "publisher")),
            esc(&load::text(src, "tier")),
            esc(&load::text(src, "issued")),
            count.to_string(),
        ]);
    }
    let body = format!(
        "<h1>Sources</h1><p>Every cited document with its archived copy and sha256.</p>{}",
        table(
            "Sources",
            &[
                "id",
                "title",
                "publisher",
                "tier",
                "issued",
                "records citing it"
            ],
            &index_rows,
            &[5]
        )
    );
    site.insert("sources/index.html".into(), ctx.page(1, "Sources", &body));
}

fn citing_records<'a>(ctx: &'a Ctx, id: &str) -> Vec<(&'a Dataset, Vec<&'a Row>)> {
    ctx.release
        .datasets
        .iter()
        .filter(|d| d.name != "sources")
        .filter_map(|d| {
            let rows: Vec<&Row> = d
                .rows
                .iter()
                .filter(|r| load::list(r, "source_ids").iter().any(|s| s == id))
                .collect();
            (!rows.is_empty()).then_some((d, rows))
        })
        .collect()
}

/// A link to the page that shows a record: its target's page, its record page, or its
/// dataset's page.
fn record_link(ctx: &Ctx, ds: &Dataset, row: &Row) -> String {
    let key = ds.key_of(row);
    if ds.name == "actors" {
        return ctx.target_link(&key, 1);
    }
    if ctx.record_datasets.contains(&ds.name) {
        return format!(
            "<a href=\"{}\">{}</a>",
            record_href(&ds.name, &key, 1),
            esc(&key)
        );
    }
    if let Some(actor) = ds.fields_referencing("actors", "actor_id").first() {
        let a = load::text(row, actor);
        return format!(
            "{} <span class=\"muted\">(of <a href=\"{}\">{}</a>)</span>",
            esc(&key),
            target_href(&a, 1),
            esc(ctx.actor_names.get(&a).map(String::as_str).unwrap_or(&a))
        );
    }
    format!(
        "<a href=\"{}datasets/{}.html\">{}</a>",
        up(1),
        slug(&ds.name),
        esc(&key)
    )
}

/// Each quote citing this source, inside its passage of the archived text.
fn quotes_in(ctx: &Ctx, id: &str, archived: Option<(&[u8], &str)>) -> String {
    let mut out = String::new();
    for ds in ctx
        .release
        .datasets
        .iter()
        .filter(|d| ctx.record_datasets.contains(&d.name))
    {
        for row in &ds.rows {
            let quote = load::text(row, "quote");
            if quote.is_empty() || !load::list(row, "source_ids").iter().any(|s| s == id) {
                continue;
            }
            let key = ds.key_of(row);
            let shown = archived
                .and_then(|(bytes, path)| highlight(bytes, path, &quote))
                .unwrap_or_else(|| format!("<mark>{}</mark>", esc(&quote)));
            out.push_str(&format!(
                "<p><a href=\"{}\">{}</a></p><blockquote>{}</blockquote>",
                record_href(&ds.name, &key, 1),
                esc(&key),
                shown
            ));
        }
    }
    out
}
