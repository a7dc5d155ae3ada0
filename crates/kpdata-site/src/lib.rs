//! `kpdata-site`: a static, offline website built from a release folder.
//!
//! [`load::open`] reads the release (descriptor, JSON data, archived sources whose sha256
//! matches the registry); [`build`] turns it into pages, deterministically (same release, same
//! bytes). Pages never request anything: styles and the one script are inline and pinned by a
//! Content-Security-Policy hash, charts are SVG, the search works on the page itself, and every
//! link is relative, so the site works from `file://` and any static host.

pub mod chart;
pub mod html;
pub mod load;
mod pages;
mod passage;

use std::collections::{BTreeMap, BTreeSet};

pub use load::{open, Release, SiteError};

/// The built site: relative path → bytes, in path order.
pub type Site = BTreeMap<String, Vec<u8>>;

/// What the pages need to know about the release beyond its rows: which datasets hold actors
/// and sources, and which records point at them.
pub(crate) struct Ctx<'a> {
    pub release: &'a Release,
    pub frame: html::Frame<'a>,
    /// Primary names of actors by id.
    pub actor_names: BTreeMap<String, String>,
    /// Source titles by id.
    pub source_titles: BTreeMap<String, String>,
    /// Datasets that get a page per record (they quote a source).
    pub record_datasets: BTreeSet<String>,
}

impl<'a> Ctx<'a> {
    fn new(release: &'a Release, license: &'a str) -> Ctx<'a> {
        let mut actor_names = BTreeMap::new();
        if let Some(actors) = release.dataset("actors") {
            for row in &actors.rows {
                actor_names.insert(load::text(row, "actor_id"), load::text(row, "primary_name"));
            }
        }
        let mut source_titles = BTreeMap::new();
        if let Some(sources) = release.dataset("sources") {
            for row in &sources.rows {
                source_titles.insert(load::text(row, "source_id"), load::text(row, "title"));
            }
        }
        let record_datasets = release
            .datasets
            .iter()
            .filter(|d| d.fields.iter().any(|f| f == "quote") && !d.primary_key.is_empty())
            .map(|d| d.name.clone())
            .collect();
        Ctx {
            release,
            frame: html::Frame {
                site_title: if release.title.is_empty() {
                    &release.name
                } else {
                    &release.title
                },
                version: &release.version,
                license,
                citation: &release.citation,
            },
            actor_names,
            source_titles,
            record_datasets,
        }
    }

    pub fn page(&self, depth: usize, title: &str, body: &str) -> Vec<u8> {
        html::page(&self.frame, depth, title, body).into_bytes()
    }
}

/// Builds every page of the site.
pub fn build(release: &Release) -> Site {
    let license = release
        .licenses
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let ctx = Ctx::new(release, &license);
    let mut site = Site::new();
    pages::home::render(&ctx, &mut site);
    pages::targets::render(&ctx, &mut site);
    pages::sources::render(&ctx, &mut site);
    pages::records::render(&ctx, &mut site);
    pages::datasets::render(&ctx, &mut site);
    pages::search::render(&ctx, &mut site);
    site
}
