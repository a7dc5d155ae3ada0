//! A page per quoting record (findings, statements, instruments): every field, and the quote
//! highlighted inside its passage of each cited source's archived text.

use super::{record_href, up};
use crate::html::{esc, slug, table};
use crate::load;
use crate::passage::highlight;
use crate::{Ctx, Site};

pub fn render(ctx: &Ctx, site: &mut Site) {
    let r = ctx.release;
    let mut index = String::from(
        "<h1>Findings, statements and instruments</h1><p>Every record that quotes its source, \
with the quote shown inside the archived text it was verified against. A finding of an inquiry \
body is not a judicial conviction.</p>",
    );
    for ds in r
        .datasets
        .iter()
        .filter(|d| ctx.record_datasets.contains(&d.name))
    {
        let mut rows = Vec::new();
        for row in &ds.rows {
            let key = ds.key_of(row);
            let mut body = format!(
                "<p class=\"muted\"><a href=\"{}records/index.html\">Records</a> › {} › {}</p><h1>{}</h1>{}",
                up(2),
                esc(&ds.title),
                esc(&key),
                esc(&key),
                ctx.fields(ds, row, 2)
            );
            let quote = load::text(row, "quote");
            if !quote.is_empty() {
                body.push_str("<h2>The quote in its source</h2>");
                for s in load::list(row, "source_ids") {
                    body.push_str(&format!("<h3>{}</h3>", ctx.source_link(&s, 2)));
                    let shown = r
                        .archived
                        .get(&s)
                        .and_then(|a| highlight(&a.bytes, &a.release_path, &quote));
                    match shown {
                        Some(html) => body.push_str(&format!("<blockquote>{html}</blockquote>")),
                        None if r.archived.contains_key(&s) => body.push_str(
                            "<p class=\"muted\">The quote does not occur in this source's archived \
text (another cited source carries it).</p>",
                        ),
                        None => body.push_str(
                            "<p class=\"muted\">The archived text of this source is not in the release.</p>",
                        ),
                    }
                }
            }
            site.insert(
                format!("records/{}/{}.html", slug(&ds.name), slug(&key)),
                ctx.page(2, &key, &body),
            );
            let summary = ["summary", "title", "quote"]
                .iter()
                .map(|f| load::text(row, f))
                .find(|s| !s.is_empty())
                .unwrap_or_default();
            let date = ds
                .fields
                .iter()
                .find(|f| f.ends_with("date") || f.as_str() == "date")
                .map(|f| load::text(row, f))
                .unwrap_or_default();
            rows.push(vec![
                format!(
                    "<a href=\"{}\">{}</a>",
                    record_href(&ds.name, &key, 1),
                    esc(&key)
                ),
                esc(&date),
                esc(&summary),
            ]);
        }
        index.push_str(&format!("<h2>{}</h2>", esc(&ds.title)));
        index.push_str(&table(
            &ds.title,
            &["record", "date", "summary"],
            &rows,
            &[],
        ));
    }
    site.insert("records/index.html".into(), ctx.page(1, "Records", &index));
}
