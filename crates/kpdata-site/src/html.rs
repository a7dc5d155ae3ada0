//! HTML building blocks: escaping, file names for ids, links, the page frame with its
//! Content-Security-Policy. Every value that came from a release passes through [`esc`] (or
//! [`href`] for addresses) before it reaches a page.

use base64::Engine;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

pub const CSS: &str = include_str!("../assets/site.css");
pub const JS: &str = include_str!("../assets/site.js");

/// Escapes text for HTML element content and double- or single-quoted attribute values.
/// Control characters (other than tab and line feed) are dropped: they have no place on a
/// page and some browsers treat them oddly.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// An outside address as a link, only if it is an absolute http(s) URL; otherwise as text.
pub fn href(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        format!(
            "<a href=\"{}\" rel=\"noopener noreferrer external\">{}</a>",
            esc(url),
            esc(url)
        )
    } else {
        esc(url)
    }
}

/// The file name (without extension) for an id: the id itself when it is made only of
/// `[A-Za-z0-9._-]` and does not start with a dot, otherwise `id-` and a hash of it.
pub fn slug(id: &str) -> String {
    let plain = !id.is_empty()
        && id.len() <= 120
        && !id.starts_with('.')
        && !id.starts_with("id-")
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if plain {
        id.to_string()
    } else {
        let digest = Sha256::digest(id.as_bytes());
        format!("id-{}", hex::encode(&digest[..16]))
    }
}

/// The search key of a name (mirrors `key` in site.js): compatibility-decomposed, marks
/// dropped, lower case, letters and digits only.
pub fn search_key(s: &str) -> String {
    s.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn csp_hash(s: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
    )
}

/// What every page shows in its footer.
pub struct Frame<'a> {
    pub site_title: &'a str,
    pub version: &'a str,
    pub license: &'a str,
    pub citation: &'a str,
}

/// A whole page. `depth` is how many folders below the site root the page sits (links to the
/// root are relative so the site works from `file://` and under any path).
pub fn page(frame: &Frame, depth: usize, title: &str, body: &str) -> String {
    let root = "../".repeat(depth);
    let csp = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src 'self' data:; base-uri 'none'; form-action 'none'",
        csp_hash(CSS),
        csp_hash(JS)
    );
    let nav = [
        ("index.html", "Home"),
        ("targets/index.html", "Targets"),
        ("records/index.html", "Findings &amp; statements"),
        ("sources/index.html", "Sources"),
        ("datasets/index.html", "Datasets"),
        ("search.html", "Search"),
    ]
    .iter()
    .map(|(p, l)| format!("<a href=\"{root}{p}\">{l}</a>"))
    .collect::<String>();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n\
<title>{title} · {site}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
<a class=\"skip\" href=\"#main\">Skip to content</a>\n\
<header><nav aria-label=\"Site\">{nav}</nav></header>\n\
<main id=\"main\">\n{body}\n</main>\n\
<footer><p>{site}, release <strong>{version}</strong>. Licence: {license}; the archived \
source files keep their own terms.</p><p>How to cite: {citation}</p></footer>\n\
<script>{JS}</script>\n</body>\n</html>\n",
        title = esc(title),
        site = esc(frame.site_title),
        version = esc(frame.version),
        license = esc(frame.license),
        citation = esc(frame.citation),
    )
}

/// A table: a caption, header labels and rows of already-escaped HTML cells. Numeric columns
/// (by index) are right-aligned and sort as numbers.
pub fn table(caption: &str, heads: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> String {
    let mut out = String::from("<div class=\"wrap\"><table class=\"sortable\">");
    out.push_str(&format!("<caption>{}</caption><thead><tr>", esc(caption)));
    for (i, h) in heads.iter().enumerate() {
        let class = if numeric.contains(&i) {
            " class=\"num\""
        } else {
            ""
        };
        out.push_str(&format!("<th scope=\"col\"{class}>{}</th>", esc(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if numeric.contains(&i) {
                " class=\"num\""
            } else {
                ""
            };
            out.push_str(&format!("<td{class}>{c}</td>"));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_controls() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\"\u{1b}[31m"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;[31m"
        );
    }

    #[test]
    fn only_http_addresses_become_links() {
        assert!(href("https://un.org/x?a=1&b=2").contains("href=\"https://un.org/x?a=1&amp;b=2\""));
        assert!(!href("javascript:alert(1)").contains("<a"));
        assert!(!href("https://x.org/\" onclick=\"x").contains("onclick=\""));
    }

    #[test]
    fn slugs_are_safe_file_names_and_distinct() {
        assert_eq!(slug("act-ofac-9345"), "act-ofac-9345");
        assert!(slug("../etc").starts_with("id-"));
        assert!(slug("a/b").starts_with("id-"));
        assert_ne!(slug("a/b"), slug("a/c"));
        assert!(slug(&slug("a/b")).starts_with("id-"));
        assert_ne!(slug(&slug("a/b")), slug("a/b"));
    }

    #[test]
    fn romanization_variants_share_a_key() {
        let k = search_key("KIM Jong Un");
        assert_eq!(k, search_key("Kim Jong-un"));
        assert_eq!(k, search_key("Kim Jong-Un"));
        assert_ne!(k, search_key("김정은"));
        assert_eq!(search_key("Ri Pyŏng-ch'ŏl"), "ripyongchol");
    }

    #[test]
    fn the_policy_pins_the_inline_style_and_script() {
        let f = Frame {
            site_title: "t",
            version: "1.0.0",
            license: "CC-BY-4.0",
            citation: "c",
        };
        let p = page(&f, 1, "x", "<p>y</p>");
        assert!(p.contains(&csp_hash(CSS)));
        assert!(p.contains(&csp_hash(JS)));
        assert!(p.contains("href=\"../index.html\""));
        assert!(!p.contains("unsafe-inline"));
    }
}
