//! A table per dataset (sortable and filterable with JavaScript, complete without it).

use crate::html::{esc, slug, table};
use crate::{Ctx, Site};

pub fn render(ctx: &Ctx, site: &mut Site) {
    let mut index_rows = Vec::new();
    for ds in &ctx.release.datasets {
        let rows: Vec<_> = ds.rows.iter().collect();
        let body = format!(
            "<p class=\"muted\"><a href=\"index.html\">Datasets</a> › {}</p><h1>{}</h1><p>{}</p>\
<p>{} records. The data files are in the release folder as <code>data/{}.*</code>.</p>{}",
            esc(&ds.name),
            esc(&ds.title),
            esc(&ds.description),
            ds.rows.len(),
            esc(&ds.name),
            ctx.rows_table(ds, &rows, &[], &ds.title, 1)
        );
        site.insert(
            format!("datasets/{}.html", slug(&ds.name)),
            ctx.page(1, &ds.title, &body),
        );
        index_rows.push(vec![
            format!("<a href=\"{}.html\">{}</a>", slug(&ds.name), esc(&ds.name)),
            esc(&ds.title),
            ds.rows.len().to_string(),
        ]);
    }
    let body = format!(
        "<h1>Datasets</h1>{}",
        table(
            "Datasets",
            &["dataset", "title", "records"],
            &index_rows,
            &[2]
        )
    );
    site.insert("datasets/index.html".into(), ctx.page(1, "Datasets", &body));
}
