//! Echoing untrusted cell values safely. Every value a diff shows passes through one of these:
//! control, bidi and zero-width characters become `\u{..}` escapes and long values are cut
//! ([`escape_value`]); then the markdown or text specials are neutralised, so a cell can never
//! start a GitHub workflow command (`::error::`, `##[error]`), mention a user (`@octocat`),
//! inject HTML or links, or break a table.

use kpdata_diagnostics::escape_value;

/// For text already cut to length.
pub(crate) const NO_CUT: usize = 1 << 24;

/// A value as inline markdown text (safe in a table cell or a list item).
pub fn md(value: &str, max_chars: usize) -> String {
    let value = escape_value(value, max_chars);
    let mut out = String::with_capacity(value.len() + 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '#' | '|' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '@' => {
                out.push('@');
                // Break `@name` and `@org/team` mentions with a zero-width space.
                if chars
                    .peek()
                    .is_some_and(|n| n.is_alphanumeric() || matches!(n, '-' | '_'))
                {
                    out.push('\u{200B}');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// A field name or other identifier in markdown: in backticks when it is plain, escaped text
/// otherwise.
pub fn md_code(name: &str, max_chars: usize) -> String {
    if !name.is_empty()
        && name.chars().count() <= max_chars
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
    {
        format!("`{name}`")
    } else {
        md(name, max_chars)
    }
}

/// A message written by kpdata with values quoted in backticks (`` `des-1` was removed ``):
/// quoted parts become code spans when they hold nothing markdown or HTML could act on, and
/// everything else is escaped like [`md`].
pub fn md_message(message: &str, max_chars: usize) -> String {
    let message = escape_value(message, max_chars);
    let parts: Vec<&str> = message.split('`').collect();
    if parts.len() % 2 == 0 {
        // Unbalanced backticks: no code spans at all.
        return md(&message, NO_CUT);
    }
    let plain = |c: char| !matches!(c, '<' | '>' | '&' | '@' | '|' | '$' | '\\');
    let mut out = String::with_capacity(message.len() + 8);
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 0 {
            out.push_str(&md(part, NO_CUT));
        } else if !part.is_empty()
            && !part.starts_with(' ')
            && !part.ends_with(' ')
            && part.chars().all(plain)
        {
            out.push('`');
            out.push_str(part);
            out.push('`');
        } else {
            out.push_str("\\`");
            out.push_str(&md(part, NO_CUT));
            out.push_str("\\`");
        }
    }
    out
}

/// A value in plain text output (terminal or CI log).
pub fn text(value: &str, max_chars: usize) -> String {
    escape_value(value, max_chars)
}

/// A value in a text word diff: like [`text`], and the diff's own marks (`[-`, `-]`, `{+`,
/// `+}`) get a backslash so that a value cannot fake a change.
pub fn text_in_diff(value: &str) -> String {
    text(value, NO_CUT)
        .replace("[-", "[\\-")
        .replace("-]", "\\-]")
        .replace("{+", "{\\+")
        .replace("+}", "\\+}")
}

/// The last line of defence for text that reaches a CI log: no line may start (after
/// spaces) with `::` and no line may contain `##[`, the two forms of GitHub workflow commands.
pub fn guard_workflow_commands(rendered: &str) -> String {
    let mut out = String::with_capacity(rendered.len());
    for line in rendered.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("::") {
            let indent = line.len() - trimmed.len();
            out.push_str(&line[..indent]);
            out.push('\\');
            out.push_str(trimmed);
        } else {
            out.push_str(line);
        }
    }
    out.replace("##[", "#\\#[")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_neutralises_commands_mentions_html_and_tables() {
        assert_eq!(md("::error::x", 80), "::error::x"); // never at a line start: see render
        assert_eq!(
            md("@octocat and @org/team", 80),
            "@\u{200B}octocat and @\u{200B}org/team"
        );
        assert_eq!(md("a@b.org", 80), "a@\u{200B}b.org");
        assert_eq!(md("me @ home", 80), "me @ home");
        assert_eq!(md("<script>&", 80), "&lt;script&gt;&amp;");
        assert_eq!(md("a|b`c", 80), "a\\|b\\`c");
        assert_eq!(md("[x](http://e)", 80), "\\[x\\](http://e)");
        assert_eq!(
            md("line\nnext\u{202E}", 80),
            "line\\\\u{000A}next\\\\u{202E}"
        );
        assert_eq!(md("##[error]x", 80), "\\#\\#\\[error\\]x");
        assert_eq!(md("김정은", 80), "김정은");
    }

    #[test]
    fn markdown_truncates() {
        let out = md(&"a".repeat(500), 10);
        assert!(out.starts_with("aaaaaaaaaa…"), "{out}");
    }

    #[test]
    fn messages_keep_plain_code_spans_only() {
        assert_eq!(
            md_message("designation `des-1` (row 3 in main) was removed", 200),
            "designation `des-1` (row 3 in main) was removed"
        );
        assert_eq!(
            md_message("`<script>` and `@octocat` and `a|b`", 200),
            "\\`&lt;script&gt;\\` and \\`@\u{200B}octocat\\` and \\`a\\|b\\`"
        );
        assert_eq!(md_message("odd ` count `x`", 200), "odd \\` count \\`x\\`");
        assert_eq!(
            md_message("a\n`b\u{202E}`", 200),
            "a\\\\u{000A}\\`b\\\\u{202E}\\`"
        );
    }

    #[test]
    fn code_only_for_plain_names() {
        assert_eq!(md_code("source_ids", 80), "`source_ids`");
        assert_eq!(md_code("a`b", 80), "a\\`b");
        assert_eq!(md_code("", 80), "");
    }

    #[test]
    fn guard_breaks_workflow_commands() {
        let g = guard_workflow_commands("ok\n  ::error::x\n::warning file=a::b\nx ##[error]y\n");
        assert_eq!(
            g,
            "ok\n  \\::error::x\n\\::warning file=a::b\nx #\\#[error]y\n"
        );
        for line in g.lines() {
            assert!(!line.trim_start().starts_with("::"));
        }
    }
}
