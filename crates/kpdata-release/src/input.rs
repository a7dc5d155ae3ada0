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

#[derive(Debug, Clone)]
pub struct Input {
    pub manifest: Manifest,
    /// Published datasets (`publish = true`), in manifest order.
    pub datasets: Vec<DatasetInput>,
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
        Ok(Input {
            manifest,
            datasets,
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
