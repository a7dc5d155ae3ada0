//! `kpdata.toml`: the package manifest. Unknown keys are errors, so a typo never silently
//! switches a check off.

use serde::Deserialize;

use crate::{check_relative, PackageError, Root};

pub const MANIFEST_FILE: &str = "kpdata.toml";

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub package: PackageMeta,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub provenance: Provenance,
    #[serde(default)]
    pub release: ReleaseConfig,
    #[serde(rename = "dataset", default)]
    pub datasets: Vec<Dataset>,
}

/// How releases are signed.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ReleaseConfig {
    /// The minisign public key that signs `SHA256SUMS` (relative to the root), e.g.
    /// `keys/kpdata.pub`. `kpdata verify` checks signatures against it; `kpdata release
    /// --sign-key` refuses a secret key that does not match it.
    #[serde(default)]
    pub public_key: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PackageMeta {
    /// Frictionless package name: lowercase, `-`, `_`, `.` and digits.
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub homepage: Option<String>,
    /// The address of the repository that holds the package (CITATION.cff `repository-code`,
    /// `datapackage.json` `repository`, the release README).
    #[serde(default)]
    pub repository: Option<String>,
    /// SPDX identifiers of the data licences, e.g. `CC-BY-4.0`.
    #[serde(default)]
    pub licenses: Vec<String>,
    /// People or organisations to credit in CITATION.cff.
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// Resource limits. Each has a safe default; exceeding one is a finding with its own code.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest single field, in bytes.
    pub field_size: u64,
    /// Largest input file, in bytes.
    pub file_size: u64,
    /// Most cells in a header or row.
    pub columns: u64,
    /// Deepest JSON nesting (at most 128).
    pub json_depth: u64,
    /// Findings listed per rule per file; the rest are counted.
    pub findings_per_rule: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            field_size: 1 << 20,
            file_size: 4 << 30,
            columns: 1024,
            json_depth: 128,
            findings_per_rule: 50,
        }
    }
}

/// Where the source registry and the archived snapshots are.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Provenance {
    /// The dataset that is the source registry.
    pub registry: String,
    /// The folder that holds archived source files (relative to the root).
    pub archive_dir: String,
}

impl Default for Provenance {
    fn default() -> Self {
        Provenance {
            registry: "sources".into(),
            archive_dir: "datasets/archive".into(),
        }
    }
}

/// Whether the records of a dataset must cite sources.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum CitePolicy {
    /// Every record cites at least one source in `source_ids` (the default).
    #[default]
    Required,
    /// Records may cite sources; none is required (vocabularies).
    Optional,
    /// The dataset is the source registry itself.
    Registry,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub name: String,
    pub path: String,
    pub schema: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub primary_key: Vec<String>,
    #[serde(default)]
    pub unique: Vec<Vec<String>>,
    #[serde(rename = "foreign_key", default)]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default)]
    pub cite: CitePolicy,
    /// Every record must carry a verbatim `quote` found in a cited source.
    #[serde(default)]
    pub require_quote: bool,
    /// Every record must cite at least one `official`-tier source.
    #[serde(default)]
    pub require_official: bool,
    /// Fields holding the date of the event a record describes (judged against its sources).
    #[serde(default)]
    pub event_dates: Vec<String>,
    /// Published in releases (vocabularies and data alike); `false` keeps a dataset internal.
    #[serde(default = "yes")]
    pub publish: bool,
    /// The file keeps its records in primary-key order (the order of releases; see
    /// [`crate::KeyOrder`]): `validate` reports a record out of order, `kpdata fix` re-sorts.
    #[serde(default)]
    pub sorted: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    /// Fields in this dataset (an array field checks each element).
    pub fields: Vec<String>,
    /// The referenced dataset.
    pub dataset: String,
    /// The referenced fields (its primary key or a unique set), same length as `fields`.
    pub reference: Vec<String>,
}

impl Manifest {
    pub fn load(root: &Root) -> Result<Manifest, PackageError> {
        let bytes = root.read(MANIFEST_FILE).map_err(|e| {
            e.with_hint("run kpdata in the repository root, or pass --root DIR (or --schema for a single file)")
        })?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| PackageError::new(format!("{MANIFEST_FILE} is not UTF-8: {e}")))?;
        Manifest::parse(text)
    }

    pub fn parse(text: &str) -> Result<Manifest, PackageError> {
        let m: Manifest = toml::from_str(text).map_err(|e| {
            PackageError::new(format!(
                "{MANIFEST_FILE} is invalid: {}",
                e.message().trim()
            ))
            .with_hint(match e.span() {
                Some(span) => {
                    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                    format!("see line {line} of {MANIFEST_FILE}")
                }
                None => "see the manifest section of the README".to_string(),
            })
        })?;
        m.check()?;
        Ok(m)
    }

    /// Consistency of the manifest itself: names, paths, keys refer to declared things.
    fn check(&self) -> Result<(), PackageError> {
        let bad = |msg: String| Err(PackageError::new(format!("{MANIFEST_FILE}: {msg}")));
        if self.limits.json_depth == 0 || self.limits.json_depth > 128 {
            return bad("limits.json_depth must be between 1 and 128".into());
        }
        if self.limits.field_size == 0 || self.limits.columns == 0 || self.limits.file_size == 0 {
            return bad("limits must be greater than zero".into());
        }
        check_relative(&self.provenance.archive_dir).or_else(|e| {
            bad(format!(
                "provenance.archive_dir `{}`: {e}",
                self.provenance.archive_dir
            ))
        })?;
        if let Some(k) = &self.release.public_key {
            check_relative(k).or_else(|e| bad(format!("release.public_key `{k}`: {e}")))?;
        }
        let mut seen = std::collections::BTreeSet::new();
        for d in &self.datasets {
            if d.name.is_empty()
                || !d.name.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' || c == '.'
                })
            {
                return bad(format!(
                    "dataset name `{}` must be lowercase letters, digits, `_`, `-` or `.`",
                    d.name
                ));
            }
            if !seen.insert(d.name.as_str()) {
                return bad(format!("dataset `{}` is declared twice", d.name));
            }
            if d.sorted && d.primary_key.is_empty() {
                return bad(format!(
                    "dataset `{}` is `sorted` but has no `primary_key` to sort by",
                    d.name
                ));
            }
            for (what, p) in [("path", &d.path), ("schema", &d.schema)] {
                check_relative(p)
                    .or_else(|e| bad(format!("dataset `{}` {what} `{p}`: {e}", d.name)))?;
            }
        }
        for d in &self.datasets {
            for fk in &d.foreign_keys {
                if !self.datasets.iter().any(|o| o.name == fk.dataset) {
                    return bad(format!(
                        "dataset `{}` has a foreign key to unknown dataset `{}`",
                        d.name, fk.dataset
                    ));
                }
                if fk.fields.len() != fk.reference.len() || fk.fields.is_empty() {
                    return bad(format!(
                        "dataset `{}`: a foreign key needs as many `fields` as `reference` fields",
                        d.name
                    ));
                }
            }
        }
        if self.datasets.iter().any(|d| d.cite == CitePolicy::Required)
            && !self
                .datasets
                .iter()
                .any(|d| d.name == self.provenance.registry)
        {
            return bad(format!(
                "datasets must cite sources, but the registry dataset `{}` is not declared",
                self.provenance.registry
            ));
        }
        Ok(())
    }

    pub fn dataset(&self, name: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: &str = r#"
[package]
name = "t"
title = "T"

[[dataset]]
name = "sources"
path = "datasets/sources.csv"
schema = "schemas/sources.schema.json"
cite = "registry"
primary_key = ["source_id"]
"#;

    #[test]
    fn parses_minimal_manifest_with_defaults() {
        let m = Manifest::parse(MIN).unwrap();
        assert_eq!(m.limits.field_size, 1 << 20);
        assert_eq!(m.datasets[0].cite, CitePolicy::Registry);
        assert!(m.datasets[0].publish);
    }

    #[test]
    fn unknown_keys_are_errors_with_a_line() {
        let e = Manifest::parse(&format!("{MIN}\nprimery_key = [\"x\"]\n")).unwrap_err();
        assert!(e.message.contains("unknown field"), "{}", e.message);
        assert!(e.hint.unwrap().contains("line"));
    }

    #[test]
    fn refuses_escaping_paths_and_bad_limits() {
        let e = Manifest::parse(&MIN.replace("datasets/sources.csv", "../x.csv")).unwrap_err();
        assert!(e.message.contains(".."), "{}", e.message);
        let e = Manifest::parse(&format!("{MIN}\n[limits]\njson_depth = 1000\n")).unwrap_err();
        assert!(e.message.contains("json_depth"));
    }

    #[test]
    fn sorted_needs_a_primary_key() {
        let m = Manifest::parse(&format!("{MIN}sorted = true\n")).unwrap();
        assert!(m.datasets[0].sorted);
        assert!(!Manifest::parse(MIN).unwrap().datasets[0].sorted);
        let e = Manifest::parse(
            &format!("{MIN}sorted = true\n").replace("primary_key = [\"source_id\"]\n", ""),
        )
        .unwrap_err();
        assert!(e.message.contains("no `primary_key`"), "{}", e.message);
    }
}
