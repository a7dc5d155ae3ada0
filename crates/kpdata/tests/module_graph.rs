//! The binary's modules depend on each other in one direction only: `main` → `cli` →
//! `commands/*` → `render/*` → `failure`. This test reads `src/` and fails on an import circle,
//! naming it (one node per file; edges from every `crate::` and `super::` path, use groups
//! included, and from a parent module's own uses of its children, such as `text::render` in
//! `render/mod.rs`; `mod x;` declarations are not edges).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Items re-exported at the crate root: an edge to the module that defines them.
const ROOT_REEXPORTS: &[(&str, &str)] = &[("Failure", "failure"), ("CmdResult", "failure")];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// `render/mod.rs` → `render`, `commands/diff.rs` → `commands::diff`, `main.rs` → `main`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source without comments, string literals and the unit tests at the end.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if !escaped && c == '"' {
                        break;
                    }
                    escaped = !escaped && c == '\\';
                }
                out.push_str("\"\"");
            }
            c => out.push(c),
        }
    }
    out
}

/// The paths of a use tree starting at `s` (after `crate::` or `super::`): `a::{b, c::d}` →
/// `[[a, b], [a, c, d]]`; parsing stops at the first character that is not part of a path.
fn use_tree(s: &str) -> Vec<Vec<String>> {
    fn tree(s: &[char], i: &mut usize) -> Vec<Vec<String>> {
        let mut prefix = Vec::new();
        loop {
            while *i < s.len() && s[*i].is_whitespace() {
                *i += 1;
            }
            if *i < s.len() && s[*i] == '{' {
                *i += 1;
                let mut out = Vec::new();
                loop {
                    for mut p in tree(s, i) {
                        let mut full = prefix.clone();
                        full.append(&mut p);
                        out.push(full);
                    }
                    while *i < s.len() && s[*i].is_whitespace() {
                        *i += 1;
                    }
                    match s.get(*i) {
                        Some(',') => *i += 1,
                        Some('}') => {
                            *i += 1;
                            return out;
                        }
                        _ => return out,
                    }
                    while *i < s.len() && s[*i].is_whitespace() {
                        *i += 1;
                    }
                    if s.get(*i) == Some(&'}') {
                        *i += 1;
                        return out;
                    }
                }
            }
            let start = *i;
            while *i < s.len() && (s[*i].is_alphanumeric() || s[*i] == '_') {
                *i += 1;
            }
            if *i == start {
                return vec![prefix];
            }
            let seg: String = s[start..*i].iter().collect();
            if seg != "self" {
                prefix.push(seg);
            }
            if s.get(*i) == Some(&':') && s.get(*i + 1) == Some(&':') {
                *i += 2;
            } else {
                // `as name` and anything after the path are not part of it.
                return vec![prefix];
            }
        }
    }
    let chars: Vec<char> = s.chars().take(4000).collect();
    tree(&chars, &mut 0)
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect()
}

/// The longest prefix of `path` that names a module file.
fn resolve(modules: &BTreeSet<String>, path: &[String]) -> Option<String> {
    if let Some((_, m)) = ROOT_REEXPORTS.iter().find(|(item, _)| path[0] == *item) {
        return Some(m.to_string());
    }
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|m| modules.contains(m))
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn edges() -> BTreeMap<String, BTreeSet<String>> {
    let src = src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let here = module_of(&src, f);
        let code = code_of(&fs::read_to_string(f).unwrap());
        let parent: Vec<String> = match here.rsplit_once("::") {
            Some((p, _)) => p.split("::").map(String::from).collect(),
            None => Vec::new(),
        };
        let mut targets = BTreeSet::new();
        for (keyword, base) in [("crate::", Vec::new()), ("super::", parent.clone())] {
            for (i, _) in code.match_indices(keyword) {
                if code[..i].chars().next_back().is_some_and(is_ident) {
                    continue;
                }
                for path in use_tree(&code[i + keyword.len()..]) {
                    let full: Vec<String> = base.iter().cloned().chain(path).collect();
                    if let Some(m) = resolve(&modules, &full) {
                        targets.insert(m);
                    }
                }
            }
        }
        // A parent's uses of its own children (`text::render` in render/mod.rs).
        let own = if here == "main" {
            String::new()
        } else {
            format!("{here}::")
        };
        for child in modules.iter().filter_map(|m| m.strip_prefix(&own)) {
            if child.contains("::") || child.is_empty() || child == "main" {
                continue;
            }
            let used = code.match_indices(&format!("{child}::")).any(|(i, _)| {
                let before = code[..i].chars().next_back();
                !before.is_some_and(|c| is_ident(c) || c == ':')
            });
            if used {
                targets.insert(format!("{own}{child}"));
            }
        }
        targets.remove(&here);
        graph.entry(here).or_default().extend(targets);
    }
    graph
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m.as_str()) {
                Some(1) => {
                    let from = stack.iter().position(|s| s == m).unwrap();
                    let mut c = stack[from..].to_vec();
                    c.push(m.clone());
                    return Some(c);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if !state.contains_key(n) {
            if let Some(c) = visit(n, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_binary_modules_form_no_import_circle() {
    let graph = edges();
    if let Some(c) = cycle(&graph) {
        panic!("import circle in crates/kpdata/src: {}", c.join(" -> "));
    }
    let has = |a: &str, b: &str| graph.get(a).is_some_and(|t| t.contains(b));
    // The parser sees the edges that exist (a parser that saw none would pass any tree).
    assert!(has("main", "cli"));
    assert!(has("cli", "commands::validate"));
    assert!(has("commands::validate", "render::report"));
    assert!(has("render::report", "render::text"));
    assert!(has("render::text", "render"));
    // Commands never name the command tree, nor another command.
    for (m, targets) in &graph {
        if m.starts_with("commands::") {
            assert!(!targets.contains("cli"), "{m} imports cli");
        }
    }
}

#[test]
fn circles_and_use_groups_are_found() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("cli".into())
        .or_default()
        .insert("commands::curate".into());
    g.entry("commands::curate".into())
        .or_default()
        .insert("failure".into());
    assert_eq!(cycle(&g), None);
    g.entry("commands::curate".into())
        .or_default()
        .insert("cli".into());
    assert_eq!(
        cycle(&g).unwrap(),
        ["cli", "commands::curate", "cli"].map(String::from)
    );
    assert_eq!(
        use_tree("commands::{a, b::{c, self}}, x;"),
        vec![
            vec!["commands", "a"],
            vec!["commands", "b", "c"],
            vec!["commands", "b"]
        ]
    );
    assert_eq!(
        use_tree("cli::Cli::command();"),
        vec![vec!["cli", "Cli", "command"]]
    );
    assert_eq!(code_of("a // crate::cli\n\"crate::cli\" b"), "a \n\"\" b");
}
