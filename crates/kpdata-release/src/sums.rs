//! `SHA256SUMS`: `sha256sum -c` compatible lines `<64 lowercase hex>  <path>`, sorted by path.

use kpdata_package::check_relative;

pub const SUMS_FILE: &str = "SHA256SUMS";

/// The lines for `(path, hash)` pairs given in path order, except `SHA256SUMS` itself.
pub fn render_hashes<'a>(hashes: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<u8> {
    let mut out = String::new();
    for (path, hash) in hashes {
        if path != SUMS_FILE {
            out.push_str(hash);
            out.push_str("  ");
            out.push_str(path);
            out.push('\n');
        }
    }
    out.into_bytes()
}

/// One well-formed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub line: u64,
    pub hash: String,
    pub path: String,
}

/// A line that is not `<hash>  <path>` with a safe relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: u64,
    pub problem: String,
}

/// Parses `SHA256SUMS` strictly: lowercase hex only (so a flipped case bit is caught), two
/// spaces (or ` *`, binary mode) before the path, no control characters, relative paths without
/// `..`. Every line ends with a newline, the last one too: kpdata always writes it, so a file
/// without it was cut or edited (`sha256sum -c` would accept it; the entries are still read).
pub fn parse(bytes: &[u8]) -> (Vec<Entry>, Vec<BadLine>) {
    let mut entries = Vec::new();
    let mut bad = Vec::new();
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if bytes.is_empty() {
        bad.push(BadLine {
            line: 1,
            problem: "the file is empty".into(),
        });
        return (entries, bad);
    }
    let mut last = 0;
    for (i, raw) in body.split(|b| *b == b'\n').enumerate() {
        let line = i as u64 + 1;
        last = line;
        match parse_line(raw) {
            Ok((hash, path)) => entries.push(Entry { line, hash, path }),
            Err(problem) => bad.push(BadLine { line, problem }),
        }
    }
    if !bytes.ends_with(b"\n") {
        bad.push(BadLine {
            line: last,
            problem: "the last line has no final newline (the file was cut or edited)".into(),
        });
    }
    (entries, bad)
}

fn parse_line(raw: &[u8]) -> Result<(String, String), String> {
    let text = std::str::from_utf8(raw).map_err(|_| "the line is not UTF-8".to_string())?;
    if text.len() < 67 {
        return Err("expected `<64 hex digits>  <path>`".into());
    }
    let (hash, rest) = text.split_at(64);
    if !hash
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err("the hash is not 64 lowercase hex digits".into());
    }
    let path = rest
        .strip_prefix("  ")
        .or_else(|| rest.strip_prefix(" *"))
        .ok_or_else(|| "expected two spaces between the hash and the path".to_string())?;
    if path.chars().any(|c| c.is_control()) {
        return Err("the path contains a control character".into());
    }
    check_relative(path).map_err(|e| format!("path `{path}`: {e}"))?;
    if path.split('/').any(|c| c.is_empty() || c == ".") {
        return Err(format!("path `{path}` is not a plain relative path"));
    }
    if path == SUMS_FILE {
        return Err("SHA256SUMS lists itself".into());
    }
    Ok((hash.to_string(), path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_sorted_and_parses_back() {
        let h = crate::sha256_hex(b"b");
        let text = render_hashes([
            ("CITATION.cff", "c".repeat(64).as_str()),
            (SUMS_FILE, "x"),
            ("data/b.json", h.as_str()),
        ]);
        let s = String::from_utf8(text.clone()).unwrap();
        assert_eq!(s.lines().last().unwrap(), format!("{h}  data/b.json"));
        assert!(s.ends_with("  data/b.json\n"));
        assert_eq!(s.lines().count(), 2, "SHA256SUMS does not list itself");
        let (entries, bad) = parse(&text);
        assert!(bad.is_empty());
        assert_eq!(entries[0].path, "CITATION.cff");
    }

    #[test]
    fn refuses_unsafe_or_malformed_lines() {
        let h = "a".repeat(64);
        for line in [
            format!("{h}  ../x"),
            format!("{h}  /etc/passwd"),
            format!("{h} x"),
            format!("{}  x", "A".repeat(64)),
            format!("{h}  a\\b"),
            format!("{h}  a\u{b}b"),
            format!("{h}  SHA256SUMS"),
            format!("{h}  a//b"),
        ] {
            let (_, bad) = parse(format!("{line}\n").as_bytes());
            assert_eq!(bad.len(), 1, "{line}");
        }
        let (e, bad) = parse(format!("{h} *bin\n").as_bytes());
        assert!(bad.is_empty());
        assert_eq!(e[0].path, "bin");
    }

    /// Issue 20 item 11: a `SHA256SUMS` whose final newline was removed is refused (its
    /// entries are still read, so the files are checked too).
    #[test]
    fn refuses_a_missing_final_newline() {
        let h = "a".repeat(64);
        let (e, bad) = parse(format!("{h}  a\n{h}  b").as_bytes());
        assert_eq!(e.len(), 2);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 2);
        assert!(bad[0].problem.contains("final newline"), "{:?}", bad[0]);
        let (_, bad) = parse(format!("{h}  a\n{h}  b\n").as_bytes());
        assert!(bad.is_empty());
    }
}
