//! A quote shown inside its passage of the archived text, folded the way the quote rule folds
//! (so what the validator matched is what the page highlights).

use kpdata_check::quote::{normalize, ArchivedText};

use crate::html::esc;

/// Characters of context on each side of the quote.
const CONTEXT: usize = 280;

/// The passage of the archived file at `path` around `quote`, as HTML with the quote in
/// `<mark>`; `None` if the folded quote does not occur in the folded text. The file is read
/// the way the quote rule reads it (Markdown quote markers and XML markup are not text).
pub fn highlight(archived: &[u8], path: &str, quote: &str) -> Option<String> {
    let text = ArchivedText::for_path(path, archived);
    let (before, matched, after) = text.passage(&normalize(quote), CONTEXT)?;
    // The three parts are slices of the folded text: where they sit says whether it was cut.
    let whole = text.as_str();
    let start = before.as_ptr() as usize - whole.as_ptr() as usize;
    let end = after.as_ptr() as usize - whole.as_ptr() as usize + after.len();
    let (cut_before, cut_after) = (start > 0, end < whole.len());
    Some(format!(
        "{}{}<mark>{}</mark>{}{}",
        if cut_before { "… " } else { "" },
        esc(before),
        esc(matched),
        esc(after),
        if cut_after { " …" } else { "" }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quote_is_marked_inside_its_passage() {
        let text = "Intro.\n\nThe commission found  \u{201C}systematic, widespread\u{201D} violations <here>.";
        let h = highlight(
            text.as_bytes(),
            "a.txt",
            "\"systematic, widespread\" violations",
        )
        .unwrap();
        assert!(h.contains("<mark>&quot;systematic, widespread&quot; violations</mark>"));
        assert!(h.contains("&lt;here&gt;"));
        assert!(highlight(text.as_bytes(), "a.txt", "not there").is_none());
    }

    #[test]
    fn markdown_quote_markers_do_not_break_a_quote() {
        let text = "> first line\n> second line\n";
        assert!(highlight(text.as_bytes(), "a.md", "first line second line").is_some());
    }

    #[test]
    fn context_never_splits_a_character() {
        let text = "가".repeat(400) + "quote" + &"나".repeat(400);
        let h = highlight(text.as_bytes(), "a.txt", "quote").unwrap();
        assert!(h.starts_with("… 가"));
        assert!(h.ends_with("나 …"));
    }
}
