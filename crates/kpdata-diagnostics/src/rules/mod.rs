//! The rule catalog. One file per area, each owning a block of codes:
//!
//! | codes | area | file |
//! |---|---|---|
//! | KP1xx | table structure, encoding, syntax | `structure.rs` |
//! | KP2xx | schema: types, constraints, formats, text hygiene | `schema.rs` |
//! | KP3xx | keys: primary, unique, foreign | `keys.rs` |
//! | KP4xx | provenance: citations, archives, quotes, dates, URLs | `provenance.rs` |
//! | KP5xx | history: what a change does to released records | `history.rs` |
//! | KP6xx | release verification | `verify.rs` |
//! | KP7xx, KP920 | domain rules (sanctions and human-rights specifics) | `domain.rs` |
//! | KP901–KP907 | limits and safety | `limits.rs` |
//! | KP915–KP918 | release origin: signatures and tags | `origin.rs` |
//!
//! Codes are never reused: a retired rule keeps its code in [`RETIRED`].

use serde::Serialize;

use crate::Severity;

pub mod domain;
pub mod history;
pub mod keys;
pub mod limits;
pub mod origin;
pub mod provenance;
pub mod schema;
pub mod structure;
pub mod verify;

/// One rule: its stable code, its kebab name (reads as "allow <name>"), default severity, and
/// its documentation page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule checks.
    pub summary: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// A minimal example that fires the rule.
    pub example: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// A short default `hint:` line attached to each finding.
    pub hint: &'static str,
}

impl Rule {
    /// The rule's documentation page (Markdown), as printed by `kpdata rule` and generated
    /// into `docs/rules/`.
    pub fn page(&self) -> String {
        format!(
            "# {code} `{name}`\n\nSeverity: {sev}\n\n{summary}\n\n## Why it matters\n\n{why}\n\n## Example\n\n```text\n{example}\n```\n\n## How to fix\n\n{fix}\n",
            code = self.code,
            name = self.name,
            sev = self.severity.as_str(),
            summary = self.summary,
            why = self.why,
            example = self.example,
            fix = self.fix,
        )
    }

    /// The file name of the rule's page under `docs/rules/`.
    pub fn page_file(&self) -> String {
        format!("{}-{}.md", self.code, self.name)
    }
}

/// The index page of `docs/rules/`.
pub fn index_page() -> String {
    let mut s = String::from("# Rules\n\nEvery finding kpdata reports has a stable code and a name. Codes are never reused.\nPrint one page with `kpdata rule CODE` (or its name).\n\n| code | name | severity | what it checks |\n|---|---|---|---|\n");
    for r in catalog() {
        s.push_str(&format!(
            "| [{}]({}) | `{}` | {} | {} |\n",
            r.code,
            r.page_file(),
            r.name,
            r.severity.as_str(),
            r.summary.replace('|', "\\|")
        ));
    }
    s
}

/// Codes that once existed and must never be given to another rule.
pub const RETIRED: &[&str] = &[];

/// Every rule, ordered by code.
pub fn catalog() -> Vec<&'static Rule> {
    let mut all: Vec<&'static Rule> = Vec::new();
    for area in [
        structure::RULES,
        schema::RULES,
        keys::RULES,
        provenance::RULES,
        history::RULES,
        verify::RULES,
        domain::RULES,
        limits::RULES,
        origin::RULES,
    ] {
        all.extend(area.iter().copied());
    }
    all.sort_by_key(|r| r.code);
    all
}

/// Finds a rule by code (`KP106`, case-insensitive) or name (`blank-row`).
pub fn lookup(key: &str) -> Option<&'static Rule> {
    catalog()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
}

/// Defines `pub static NAME: Rule` items and the area's `RULES` slice.
#[macro_export]
macro_rules! rules {
    ($( $ident:ident { code: $code:literal, name: $name:literal, severity: $sev:ident,
        summary: $summary:literal, why: $why:literal, example: $example:literal,
        fix: $fix:literal, hint: $hint:literal $(,)? } )*) => {
        $(
            pub static $ident: $crate::Rule = $crate::Rule {
                code: $code,
                name: $name,
                severity: $crate::Severity::$sev,
                summary: $summary,
                why: $why,
                example: $example,
                fix: $fix,
                hint: $hint,
            };
        )*
        pub static RULES: &[&$crate::Rule] = &[$(&$ident),*];
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = BTreeSet::new();
        let mut names = BTreeSet::new();
        for r in catalog() {
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            assert!(!RETIRED.contains(&r.code), "{} is retired", r.code);
            assert!(r.code.len() == 5 && r.code.starts_with("KP"), "{}", r.code);
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                r.name
            );
            for (what, text) in [
                ("summary", r.summary),
                ("why", r.why),
                ("example", r.example),
                ("fix", r.fix),
            ] {
                assert!(!text.trim().is_empty(), "{} has no {what}", r.code);
            }
        }
    }

    #[test]
    fn lookup_by_code_or_name() {
        assert_eq!(lookup("kp106").unwrap().name, "blank-row");
        assert_eq!(lookup("blank-row").unwrap().code, "KP106");
        assert!(lookup("nope").is_none());
    }
}
