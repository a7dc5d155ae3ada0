//! The source review at the top of a rendering: new and changed sources (archive file, sha256
//! check, citing records), then new and changed quotes inside their passage of the archive.

use std::fmt::Write;

use super::words::{
    has_common, head_graphemes, head_words, layout, side, tail_graphemes, tail_words,
};
use super::{plural, take, RenderOptions, MAX_ITEMS};
use crate::delta::{word_spans, SpanOp};
use crate::escape::{md, md_code, text, text_in_diff, NO_CUT};
use crate::model::PackageDiff;
use crate::review::{ArchiveCheck, Citing, Passage, QuoteReview, ReviewStatus, SourceReview};

/// How a format writes things: escaping, emphasis, marks.
struct Style {
    esc: fn(&str) -> String,
    name: fn(&str) -> String,
    strong: (&'static str, &'static str),
    marks: (&'static str, &'static str),
    quote: (&'static str, &'static str),
}

fn md_esc(s: &str) -> String {
    md(s, NO_CUT)
}
fn md_name(s: &str) -> String {
    md_code(s, 200)
}
fn text_esc(s: &str) -> String {
    text(s, NO_CUT)
}
fn text_name(s: &str) -> String {
    format!("`{}`", text(s, 200))
}

const MD: Style = Style {
    esc: md_esc,
    name: md_name,
    strong: ("**", "**"),
    marks: ("~~", "**"),
    quote: ("**", "**"),
};
const TEXT: Style = Style {
    esc: text_esc,
    name: text_name,
    strong: ("", ""),
    marks: ("[-", "{+"),
    quote: ("«", "»"),
};

fn status(s: ReviewStatus) -> &'static str {
    match s {
        ReviewStatus::Added => "new",
        ReviewStatus::Changed => "changed",
    }
}

fn archive_check(a: &ArchiveCheck, registered: Option<&str>, st: &Style) -> String {
    let (b, e) = st.strong;
    match a {
        ArchiveCheck::Matches => "sha256 matches the registry".into(),
        ArchiveCheck::Mismatch { actual } => format!(
            "{b}sha256 does not match{e}: the file has {}, the registry says {}",
            (st.name)(actual),
            (st.name)(&text(registered.unwrap_or(""), 80))
        ),
        ArchiveCheck::NoSha256 { actual } => format!(
            "{b}no sha256 registered{e} (the file has {})",
            (st.name)(actual)
        ),
        ArchiveCheck::Missing => format!("{b}the archived file is missing{e}"),
        ArchiveCheck::Refused { reason } => {
            format!("{b}cannot be read{e}: {}", (st.esc)(&text(reason, 200)))
        }
        ArchiveCheck::NoArchive => format!("{b}no archived file{e}"),
    }
}

fn citing(c: &Citing, st: &Style, opts: &RenderOptions) -> String {
    let mut s = format!(
        "{} {} (row {}",
        (st.name)(&c.dataset),
        (st.esc)(&text(&c.key.display(), opts.max_value_chars)),
        c.row
    );
    if let Some(ch) = c.change {
        let _ = write!(
            s,
            ", {}",
            if ch == ReviewStatus::Added {
                "added"
            } else {
                "changed"
            }
        );
    }
    s.push(')');
    s
}

fn source_line(s: &SourceReview, st: &Style, opts: &RenderOptions) -> String {
    let mut o = format!(
        "{} source {} ({} row {}): ",
        status(s.status),
        (st.name)(&s.id),
        (st.name)(&s.path),
        s.row
    );
    if let Some(a) = &s.archive_path {
        let _ = write!(o, "archive {}, ", (st.name)(a));
    }
    o.push_str(&archive_check(&s.archive, s.sha256.as_deref(), st));
    let (shown, more) = take(&s.cited_by, MAX_ITEMS);
    if shown.is_empty() {
        let (b, e) = st.strong;
        let _ = write!(o, "; {b}cited by no record{e}");
    } else {
        let list: Vec<String> = shown.iter().map(|c| citing(c, st, opts)).collect();
        let _ = write!(
            o,
            "; cited by {}: {}",
            plural(s.cited_by.len(), "record", "records"),
            list.join(", ")
        );
        if more > 0 {
            let _ = write!(o, ", …and {more} more");
        }
    }
    o
}

/// The passage with the quote marked, cut to the budget: context on each side, a long quote
/// cut in the middle with a count.
fn passage_line(p: &Passage, st: &Style, budget: usize) -> String {
    let side_budget = (budget / 3).max(20);
    let before = tail_words(&p.before, side_budget);
    let after = head_words(&p.after, side_budget);
    let n = p.matched.chars().count();
    let matched = if n > budget {
        let head = head_graphemes(&p.matched, budget * 2 / 3);
        let tail = tail_graphemes(&p.matched, budget / 3);
        let cut = n - head.chars().count() - tail.chars().count();
        format!("{}…({cut} characters)…{}", (st.esc)(head), (st.esc)(tail))
    } else {
        (st.esc)(&p.matched)
    };
    let lead = if p.more_before || before.len() < p.before.len() {
        "…"
    } else {
        ""
    };
    let trail = if p.more_after || after.len() < p.after.len() {
        "…"
    } else {
        ""
    };
    let (q0, q1) = st.quote;
    // The quote's edges are folded text with single spaces: keep them outside the marks.
    let sp = |s: &str, front: bool| {
        let ws = if front {
            s.starts_with(' ')
        } else {
            s.ends_with(' ')
        };
        if ws {
            " "
        } else {
            ""
        }
    };
    format!(
        "{lead}{}{}{q0}{}{q1}{}{}{trail}",
        (st.esc)(before.trim_end()),
        sp(&p.before, false),
        matched.trim(),
        sp(&p.after, true),
        (st.esc)(after.trim_start()),
    )
}

fn quote_lines(q: &QuoteReview, st: &Style, opts: &RenderOptions) -> (String, Vec<String>) {
    let mut head = format!(
        "{} {} (row {}, {} quote): ",
        (st.name)(&q.dataset),
        (st.esc)(&text(&q.key.display(), opts.max_value_chars)),
        q.row,
        status(q.status)
    );
    let (b, e) = st.strong;
    let mut body = Vec::new();
    match (&q.passage, &q.archive_path, &q.source_id) {
        (Some(p), Some(a), Some(id)) if p.exact => {
            let _ = write!(head, "found in {} ({})", (st.name)(a), (st.name)(id));
            body.push(passage_line(p, st, opts.max_value_chars));
        }
        (Some(p), Some(a), Some(id)) => {
            let _ = write!(
                head,
                "{b}not in the archived text{e} of {}; closest passage in {} ({}), where the {} {} agree",
                searched(q, st),
                (st.name)(a),
                (st.name)(id),
                if p.agree_at_start { "first" } else { "last" },
                plural(p.agree, "character", "characters")
            );
            body.push(passage_line(p, st, opts.max_value_chars));
            // What differs between the quote and that passage, word by word.
            let spans = word_spans(&kpdata_check::quote::normalize(&q.quote), &p.matched);
            if has_common(&spans) {
                let segs = layout(&spans, opts.max_value_chars);
                let esc = |s: &str| {
                    if st.marks.0 == "[-" {
                        text_in_diff(s)
                    } else {
                        (st.esc)(s)
                    }
                };
                body.push(format!(
                    "quote → archive: {}",
                    side(&segs, SpanOp::Equal, &esc, st.marks)
                ));
            }
        }
        _ if q.searched.is_empty() => {
            let _ = write!(head, "{b}no cited source has a readable archived text{e}");
        }
        _ => {
            let _ = write!(
                head,
                "{b}not in the archived text{e} of {}, and no passage comes close",
                searched(q, st)
            );
        }
    }
    (head, body)
}

fn searched(q: &QuoteReview, st: &Style) -> String {
    let ids: Vec<String> = q.searched.iter().map(|s| (st.name)(s)).collect();
    ids.join(", ")
}

/// The markdown sections (nothing when there is nothing to review).
pub fn markdown(o: &mut String, diff: &PackageDiff, opts: &RenderOptions) {
    if !diff.sources.is_empty() {
        let _ = writeln!(o, "### Sources to check ({})\n", diff.sources.len());
        let (shown, more) = take(&diff.sources, opts.max_records);
        for s in shown {
            let _ = writeln!(o, "- {}", source_line(s, &MD, opts));
        }
        if more > 0 {
            let _ = writeln!(o, "- …and {more} more");
        }
        o.push('\n');
    }
    if !diff.quotes.is_empty() {
        let _ = writeln!(o, "### Quotes in their sources ({})\n", diff.quotes.len());
        let (shown, more) = take(&diff.quotes, opts.max_records);
        for q in shown {
            let (head, body) = quote_lines(q, &MD, opts);
            let _ = writeln!(o, "- {head}");
            for (i, line) in body.iter().enumerate() {
                let quote = if i == 0 { "> " } else { "" };
                let _ = writeln!(o, "\n  {quote}{line}");
            }
            o.push('\n');
        }
        if more > 0 {
            let _ = writeln!(o, "- …and {more} more\n");
        }
    }
}

/// The text sections, each after a blank line.
pub fn text_sections(o: &mut String, diff: &PackageDiff, opts: &RenderOptions) {
    if !diff.sources.is_empty() {
        o.push_str("\nSources to check:\n");
        let (shown, more) = take(&diff.sources, opts.max_records);
        for s in shown {
            let _ = writeln!(o, "  {}", source_line(s, &TEXT, opts));
        }
        if more > 0 {
            let _ = writeln!(o, "  …and {more} more");
        }
    }
    if !diff.quotes.is_empty() {
        o.push_str("\nQuotes in their sources:\n");
        let (shown, more) = take(&diff.quotes, opts.max_records);
        for q in shown {
            let (head, body) = quote_lines(q, &TEXT, opts);
            let _ = writeln!(o, "  {head}");
            for line in body {
                let _ = writeln!(o, "      {line}");
            }
        }
        if more > 0 {
            let _ = writeln!(o, "  …and {more} more");
        }
    }
    if !diff.sources.is_empty() || !diff.quotes.is_empty() {
        o.push('\n');
    }
}
