//! JSON Pointer (RFC 6901) reference tokens.

/// A key as a pointer token: `~` → `~0`, then `/` → `~1` (in that order, so a `/` never turns
/// into a `~0`-prefixed sequence).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A pointer token back to its key: `~1` → `/`, then `~0` → `~` (`~01` is `~1`, not `/`).
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_tilde_and_slash() {
        assert_eq!(escape_token("a/b"), "a~1b");
        assert_eq!(escape_token("m~n"), "m~0n");
        assert_eq!(escape_token("~1"), "~01");
        assert_eq!(escape_token("/~"), "~1~0");
        assert_eq!(escape_token("plain"), "plain");
        assert_eq!(escape_token(""), "");
    }

    #[test]
    fn unescape_is_the_inverse() {
        assert_eq!(unescape_token("a~1b"), "a/b");
        assert_eq!(unescape_token("~01"), "~1");
        for key in ["a/b", "m~n", "~1", "/~", "~0~1//~~", "김/정"] {
            assert_eq!(unescape_token(&escape_token(key)), key);
        }
    }
}
