//! The package: `kpdata.toml` ([`Manifest`]), the record schemas it names ([`RecordSchema`],
//! with the CSV typing of each field), and safe path resolution inside the repository root
//! ([`Root`]): no absolute paths, no `..`, no symlinks, regular files only.
//!
//! Failures to load the package are [`PackageError`]s (the tool cannot run: exit 2); problems
//! in the data are findings produced elsewhere.

mod error;
mod manifest;
mod order;
mod paths;
mod schema;

pub use error::PackageError;
pub use manifest::{
    CitePolicy, Dataset, ForeignKey, Limits, Manifest, PackageMeta, Provenance, ReleaseConfig,
    MANIFEST_FILE,
};
pub use order::{compare_keys, KeyOrder};
pub use paths::{
    check_relative, open_regular, EntryKind, FileSource, PathProblem, Root, RootFile, TreeEntry,
};
pub use schema::{FieldKind, FieldSpec, FieldType, RecordSchema};

use std::path::Path;

/// A loaded package: its root, manifest and the schema of each dataset (same order).
#[derive(Debug, Clone)]
pub struct Package {
    pub root: Root,
    pub manifest: Manifest,
    pub schemas: Vec<RecordSchema>,
}

impl Package {
    /// Loads `kpdata.toml` at `root` and every schema it names.
    pub fn load(root: &Path) -> Result<Package, PackageError> {
        Package::load_root(Root::new(root)?)
    }

    /// Loads the package from `root` (a folder, or the files of a commit).
    pub fn load_root(root: Root) -> Result<Package, PackageError> {
        let manifest = Manifest::load(&root)?;
        let mut schemas = Vec::with_capacity(manifest.datasets.len());
        for ds in &manifest.datasets {
            let bytes = root
                .read(&ds.schema)
                .map_err(|e| e.context(format!("schema of dataset `{}`", ds.name)))?;
            schemas.push(RecordSchema::from_bytes(&ds.schema, &bytes)?);
        }
        Ok(Package {
            root,
            manifest,
            schemas,
        })
    }

    pub fn dataset(&self, name: &str) -> Option<(&Dataset, &RecordSchema)> {
        self.manifest
            .datasets
            .iter()
            .zip(&self.schemas)
            .find(|(d, _)| d.name == name)
    }
}
