//! `kpdata quote`: does a quote occur in a source's archived text, and where? The same folding
//! and matching as the quote rule, before the record is written.

use kpdata_check::quote::normalize;
use kpdata_check::registry::Registry;
use kpdata_package::Package;

use crate::CurateError;

/// Characters of context shown on each side of a match.
pub const CONTEXT: usize = 200;

/// What the archived text says about a quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuoteMatch {
    /// The folded quote occurs: the text before it, the match, the text after it (all folded).
    Found {
        before: String,
        matched: String,
        after: String,
    },
    /// It does not: the closest passage and how many characters of the quote match there.
    Closest {
        passage: String,
        matched_chars: usize,
    },
    /// Nothing of it occurs.
    Absent,
}

/// Looks for `quote` in the archived text of source `id`.
pub fn find(pkg: &Package, id: &str, quote: &str) -> Result<QuoteMatch, CurateError> {
    let (_, table) = crate::registry_table(pkg)?;
    let registry = Registry::from_table(
        &table,
        Some(pkg.root.clone()),
        &pkg.manifest.provenance.archive_dir,
    );
    let shown = kpdata_diagnostics::escape_value(id, 80);
    let source = registry.get(id).ok_or_else(|| {
        CurateError::new(format!("no source `{shown}` in the registry")).hint(
            "`kpdata source add` registers a new one; ids are in the registry's source_id column",
        )
    })?;
    if source.archive_path.is_none() {
        return Err(CurateError::new(format!(
            "source `{shown}` has no archived file"
        )));
    }
    let text = registry.text(id).ok_or_else(|| {
        CurateError::new(format!(
            "the archived file of source `{shown}` cannot be read"
        ))
        .hint("run `kpdata validate`: it reports a missing or unsafe archive path")
    })?;
    let folded = normalize(quote);
    if folded.is_empty() {
        return Err(CurateError::new("the quote is empty"));
    }
    Ok(match text.passage(&folded, CONTEXT) {
        Some((b, m, a)) => QuoteMatch::Found {
            before: b.to_string(),
            matched: m.to_string(),
            after: a.to_string(),
        },
        None => match text.closest(&folded) {
            Some((passage, matched_chars)) => QuoteMatch::Closest {
                passage,
                matched_chars,
            },
            None => QuoteMatch::Absent,
        },
    })
}
