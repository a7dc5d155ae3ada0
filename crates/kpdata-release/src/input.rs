//! The package at one commit: manifest, the schemas and tables of the published datasets.
//! Files are read through a closure, so the same code reads git objects (a release, `--check`)
//! or a plain folder (tests).

use std::io;
use std::path::Path;

use kpdata_package::{Dataset, Manifest, RecordSchema, MANIFEST_FILE};
use kpdata_read::{read_table, Table};

use crate::ReleaseError;

#[derive(Debug, Clone)]
pub struct DatasetInput {
    pub dataset: Dataset,
    pub schema: RecordSchema,
    /// The schema file exactly as committed (copied to `schemas/<name>.schema.json`).
    pub schema_bytes: Vec<u8>,
    /// The CSV exactly as committed; [`crate::frame::Frame::from_input`] streams it.
    pub data: Vec<u8>,
}

impl DatasetInput {
    /// The whole CSV as a [`Table`] (for tests and small tools; releases stream `data`).
    pub fn table(&self, limits: &kpdata_package::Limits) -> std::io::Result<Table> {
        read_table(&self.data[..], &self.dataset.path, limits).map(|(t, _)| t)
    }
}

/// An archived source file of a published registry row, copied into the release.
#[derive(Debug, Clone)]
pub struct Archive {
    /// Its path in the repository (`archive_path` in the registry).
    pub path: String,
    /// Its path in the release: `sources/` + the path below the archive folder.
    pub release_path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Input {
    pub manifest: Manifest,
    /// Published datasets (`publish = true`), in manifest order.
    pub datasets: Vec<DatasetInput>,
    /// The archived files of the registry's public rows, sorted by release path.
    pub archives: Vec<Archive>,
    /// The commit time (seconds since the epoch): `created` and `date-released`.
    pub commit_time: i64,
}

/// Reads a repository-relative file.
pub type ReadFile<'a> = dyn Fn(&str) -> io::Result<Vec<u8>> + 'a;

impl Input {
    pub fn load(read: &ReadFile<'_>, commit_time: i64) -> Result<Input, ReleaseError> {
        let bytes = read(MANIFEST_FILE).map_err(|e| {
            ReleaseError::new(format!("cannot read {MANIFEST_FILE}: {e}"))
                .hint("run kpdata in the repository root, or pass --root DIR")
        })?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| ReleaseError::new(format!("{MANIFEST_FILE} is not UTF-8: {e}")))?;
        let manifest = Manifest::parse(text)?;
        let mut datasets = Vec::new();
        for ds in manifest.datasets.iter().filter(|d| d.publish) {
            let schema_bytes = read(&ds.schema).map_err(|e| {
                ReleaseError::new(format!(
                    "cannot read the schema of dataset `{}` ({}): {e}",
                    ds.name, ds.schema
                ))
            })?;
            let schema = RecordSchema::from_bytes(&ds.schema, &schema_bytes)?;
            if !ds.path.to_ascii_lowercase().ends_with(".csv") {
                return Err(ReleaseError::new(format!(
                    "dataset `{}` ({}): only CSV datasets can be released",
                    ds.name, ds.path
                ))
                .hint("store the dataset as CSV, or set `publish = false` for it in kpdata.toml"));
            }
            let data = read(&ds.path).map_err(|e| {
                ReleaseError::new(format!(
                    "cannot read dataset `{}` ({}): {e}",
                    ds.name, ds.path
                ))
            })?;
            datasets.push(DatasetInput {
                dataset: ds.clone(),
                schema,
                schema_bytes,
                data,
            });
        }
        let archives = archives(&manifest, &datasets, read)?;
        Ok(Input {
            manifest,
            datasets,
            archives,
            commit_time,
        })
    }

    /// Reads the package from a folder (tests, and the `--no-git` path of callers).
    pub fn from_dir(dir: &Path, commit_time: i64) -> Result<Input, ReleaseError> {
        let root = kpdata_package::Root::new(dir)?;
        let read = |rel: &str| -> io::Result<Vec<u8>> {
            root.read_limited(rel, u64::MAX / 2)
                .map_err(|e| io::Error::other(e.message))
        };
        Input::load(&read, commit_time)
    }
}

/// The release folder of archived sources.
pub const SOURCES_DIR: &str = "sources";

/// The archived files the published rows of the source registry name (`archive_path`), each
/// checked against the registry's `sha256`: a release ships exactly the bytes the data cites.
fn archives(
    manifest: &Manifest,
    datasets: &[DatasetInput],
    read: &ReadFile<'_>,
) -> Result<Vec<Archive>, ReleaseError> {
    let Some(registry) = datasets
        .iter()
        .find(|d| d.dataset.name == manifest.provenance.registry)
    else {
        return Ok(vec![]);
    };
    let table = registry
        .table(&manifest.limits)
        .map_err(|e| ReleaseError::new(format!("cannot read `{}`: {e}", registry.dataset.path)))?;
    let dir = manifest.provenance.archive_dir.trim_end_matches('/');
    let mut out: Vec<Archive> = Vec::new();
    for r in &table.records {
        if table.get(r, crate::frame::SENSITIVITY_FIELD) == Some(crate::frame::RESTRICTED) {
            continue;
        }
        let Some(path) = table.get(r, "archive_path") else {
            continue;
        };
        if out.iter().any(|a| a.path == path) {
            continue;
        }
        let below = path
            .strip_prefix(dir)
            .and_then(|p| p.strip_prefix('/'))
            .filter(|p| !p.is_empty() && !dir.is_empty())
            .unwrap_or(path);
        let bytes = read(path).map_err(|e| {
            ReleaseError::new(format!("cannot read the archived source `{path}`: {e}"))
                .hint("run `kpdata validate`: every archive_path must name a committed file")
        })?;
        let expected = table.get(r, "sha256").unwrap_or("");
        let actual = crate::sha256_hex(&bytes);
        if !actual.eq_ignore_ascii_case(expected) {
            return Err(ReleaseError::new(format!(
                "the archived source `{path}` has sha256 {actual}, not the registry's `{}`",
                kpdata_diagnostics::escape_value(expected, 80)
            ))
            .hint("run `kpdata validate` and fix the errors it reports"));
        }
        out.push(Archive {
            path: path.to_string(),
            release_path: format!("{SOURCES_DIR}/{below}"),
            bytes,
        });
    }
    out.sort_by(|a, b| a.release_path.cmp(&b.release_path));
    Ok(out)
}
