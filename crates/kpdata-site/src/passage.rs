//! A quote shown inside its passage of the archived text, folded the way the quote rule folds
//! (so what the validator matched is what the page highlights).

use kpdata_check::quote::{markdown_plain, normalize};

use crate::html::esc;

/// Characters of context on each side of the quote.
const CONTEXT: usize = 280;

/// The passage of `archived` around `quote`, as HTML with the quote in `<mark>`; `None` if the
/// folded quote does not occur in the folded text.
pub fn highlight(archived: &[u8], markdown: bool, quote: &str) -> Option<String> {
    let text = String::from_utf8_lossy(archived);
    let plain = if markdown {
        markdown_plain(&text)
    } else {
        text.into_owned()
    };
    let hay = normalize(&plain);
    let needle = normalize(quote);
    if needle.is_empty() {
        return None;
    }
    let at = hay.find(&needle)?;
    let end = at + needle.len();
    let start = back_chars(&hay, at, CONTEXT);
    let stop = forward_chars(&hay, end, CONTEXT);
    Some(format!(
        "{}{}<mark>{}</mark>{}{}",
        if start > 0 { "… " } else { "" },
        esc(&hay[start..at]),
        esc(&hay[at..end]),
        esc(&hay[end..stop]),
        if stop < hay.len() { " …" } else { "" }
    ))
}

fn back_chars(s: &str, from: usize, n: usize) -> usize {
    s[..from]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(0)
}

fn forward_chars(s: &str, from: usize, n: usize) -> usize {
    s[from..]
        .char_indices()
        .nth(n)
        .map(|(i, _)| from + i)
        .unwrap_or(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quote_is_marked_inside_its_passage() {
        let text = "Intro.\n\nThe commission found  \u{201C}systematic, widespread\u{201D} violations <here>.";
        let h = highlight(
            text.as_bytes(),
            false,
            "\"systematic, widespread\" violations",
        )
        .unwrap();
        assert!(h.contains("<mark>&quot;systematic, widespread&quot; violations</mark>"));
        assert!(h.contains("&lt;here&gt;"));
        assert!(highlight(text.as_bytes(), false, "not there").is_none());
    }

    #[test]
    fn markdown_quote_markers_do_not_break_a_quote() {
        let text = "> first line\n> second line\n";
        assert!(highlight(text.as_bytes(), true, "first line second line").is_some());
    }

    #[test]
    fn context_never_splits_a_character() {
        let text = "가".repeat(400) + "quote" + &"나".repeat(400);
        let h = highlight(text.as_bytes(), false, "quote").unwrap();
        assert!(h.starts_with("… 가"));
        assert!(h.ends_with("나 …"));
    }
}
