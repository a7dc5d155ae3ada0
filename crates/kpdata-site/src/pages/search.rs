//! Search over every name of every target, on the page itself (no server, no request): each
//! name carries its search key, in which case, marks, spaces, hyphens and punctuation do not
//! count, so romanization variants (`KIM Jong Un`, `Kim Jong-un`) find each other. Without
//! JavaScript the page is the full list of names.

use std::collections::BTreeSet;

use super::target_href;
use crate::html::{esc, search_key};
use crate::load;
use crate::{Ctx, Site};

pub fn render(ctx: &Ctx, site: &mut Site) {
    let r = ctx.release;
    // (key, name, actor id, name type, script)
    let mut entries: BTreeSet<(String, String, String, String, String)> = BTreeSet::new();
    for (id, name) in &ctx.actor_names {
        if !name.is_empty() {
            entries.insert((
                search_key(name),
                name.clone(),
                id.clone(),
                "primary".into(),
                String::new(),
            ));
        }
    }
    if let Some(names) = r.dataset("actor_names") {
        for row in &names.rows {
            let name = load::text(row, "name");
            if name.is_empty() {
                continue;
            }
            entries.insert((
                search_key(&name),
                name,
                load::text(row, "actor_id"),
                load::text(row, "name_type"),
                load::text(row, "script"),
            ));
        }
    }
    let mut list = String::new();
    for (key, name, id, kind, script) in &entries {
        let primary = ctx.actor_names.get(id).cloned().unwrap_or_default();
        let of = if primary.is_empty() || primary == *name {
            String::new()
        } else {
            format!(" <span class=\"muted\">→ {}</span>", esc(&primary))
        };
        let detail: Vec<&str> = [kind.as_str(), script.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        list.push_str(&format!(
            "<li data-key=\"{}\"><a href=\"{}\">{}</a>{} <span class=\"muted\">({})</span></li>",
            esc(key),
            target_href(id, 0),
            esc(name),
            of,
            esc(&detail.join(", "))
        ));
    }
    let body = format!(
        "<h1>Search names</h1><p>Every name of every target, in every script. Case, spaces, \
hyphens, apostrophes and accents do not matter: <q>Kim Jong-un</q> finds <q>KIM Jong Un</q>. A \
Hangul name and its romanization are different spellings and are found separately.</p>\
<label for=\"search\">Name</label><br><input id=\"search\" type=\"search\" autocomplete=\"off\" \
placeholder=\"e.g. Korea Mining\"><p id=\"search-status\" class=\"muted\" aria-live=\"polite\">\
{} names.</p><ul id=\"results\" class=\"results\">{}</ul>",
        entries.len(),
        list
    );
    site.insert("search.html".into(), ctx.page(0, "Search", &body));
}
