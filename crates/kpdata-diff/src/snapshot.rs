//! A [`Snapshot`]: the package (manifest, schemas, tables) as it is at one revision or in the
//! working tree.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use kpdata_diagnostics::Diagnostic;
use kpdata_git::Repo;
use kpdata_package::{check_relative, Limits, Manifest, Package, RecordSchema, MANIFEST_FILE};
use kpdata_read::{read_table, Record, Table};

/// The column that marks a row `public` or `restricted`.
pub const SENSITIVITY: &str = "sensitivity";
/// Rows with this sensitivity never reach a release.
pub const RESTRICTED: &str = "restricted";

/// The package could not be loaded at a revision or from the working tree. The workspace's one
/// failure type ([`kpdata_base::Failure`]).
pub use kpdata_base::Failure as LoadError;

/// The package at one point in history: its manifest, each dataset's schema and its table,
/// keyed by dataset name.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// How the snapshot is named in reports: `working tree`, or `REV (SHORT-SHA)`.
    pub label: String,
    pub manifest: Manifest,
    pub schemas: BTreeMap<String, RecordSchema>,
    pub tables: BTreeMap<String, Table>,
    /// Structure and encoding findings met while reading the tables (`kpdata validate`
    /// reports them; the diff only carries them).
    pub diagnostics: Vec<Diagnostic>,
}

impl Snapshot {
    /// The package in the working tree at `root` (the folder with `kpdata.toml`).
    pub fn from_worktree(root: &Path) -> Result<Snapshot, LoadError> {
        let pkg = Package::load(root)?;
        let limits = pkg.manifest.limits;
        let mut snap = Snapshot::empty("working tree", pkg.manifest.clone());
        for (ds, schema) in pkg.manifest.datasets.iter().zip(pkg.schemas) {
            let file = pkg.root.open(&ds.path)?;
            let len = file.len();
            if len > limits.file_size {
                return Err(too_big(&ds.path, limits.file_size));
            }
            snap.add(&ds.name, &ds.path, schema, file, &limits)?;
        }
        Ok(snap)
    }

    /// The package as committed at `rev` (branch, tag, sha, `HEAD~1`), read straight from git
    /// objects: `kpdata.toml` at the repository root, and every file it names.
    pub fn at_revision(repo: &Repo, rev: &str) -> Result<Snapshot, LoadError> {
        Snapshot::at_revision_in(repo, rev, "")
    }

    /// Like [`Snapshot::at_revision`] for a package whose root is the folder `prefix` of the
    /// repository (`""` for the repository root).
    pub fn at_revision_in(repo: &Repo, rev: &str, prefix: &str) -> Result<Snapshot, LoadError> {
        let id = repo.resolve(rev)?;
        let label = if rev == id.as_str() {
            id.short().to_string()
        } else {
            format!("{rev} ({})", id.short())
        };
        let sha = id.as_str();
        let join = |rel: &str| -> String {
            let rel = rel.trim_start_matches("./");
            if prefix.is_empty() {
                rel.to_string()
            } else {
                format!("{}/{rel}", prefix.trim_end_matches('/'))
            }
        };
        let read = |rel: &str, what: &str| -> Result<Vec<u8>, LoadError> {
            check_relative(rel).map_err(|e| {
                LoadError::new(format!("{what} `{rel}` at `{label}`: {e}"))
                    .hint("paths in kpdata.toml are plain relative paths inside the repository")
            })?;
            repo.read_file(sha, &join(rel))?.ok_or_else(|| {
                LoadError::new(format!("{what} `{rel}` does not exist at `{label}`"))
                    .hint("check the path in kpdata.toml at that revision")
            })
        };
        let bytes = read(MANIFEST_FILE, "the manifest").map_err(|e| {
            e.hint("the package (kpdata.toml) must exist at both revisions of a diff")
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            LoadError::new(format!("{MANIFEST_FILE} at `{label}` is not UTF-8: {e}"))
        })?;
        let manifest =
            Manifest::parse(text).map_err(|e| e.context(format_args!("at `{label}`")))?;
        let limits = manifest.limits;
        let mut snap = Snapshot::empty(&label, manifest.clone());
        for ds in &manifest.datasets {
            let schema_bytes = read(&ds.schema, &format!("the schema of dataset `{}`", ds.name))?;
            let schema = RecordSchema::from_bytes(&ds.schema, &schema_bytes)?;
            let data = read(&ds.path, &format!("dataset `{}`", ds.name))?;
            if data.len() as u64 > limits.file_size {
                return Err(too_big(&ds.path, limits.file_size));
            }
            snap.add(&ds.name, &ds.path, schema, &data[..], &limits)?;
        }
        Ok(snap)
    }

    /// The package before it existed: `head`'s manifest with no datasets, so that a diff
    /// against it lists every dataset as added (a base revision without `kpdata.toml`, or a
    /// first release with no previous one).
    pub fn before_package(label: &str, head: &Snapshot) -> Snapshot {
        let mut manifest = head.manifest.clone();
        manifest.datasets.clear();
        Snapshot::empty(label, manifest)
    }

    /// Whether `kpdata.toml` exists at `rev` in the folder `prefix` (`""`: the root).
    pub fn exists_at(repo: &Repo, rev: &str, prefix: &str) -> Result<bool, LoadError> {
        let path = if prefix.is_empty() {
            MANIFEST_FILE.to_string()
        } else {
            format!("{}/{MANIFEST_FILE}", prefix.trim_end_matches('/'))
        };
        Ok(repo.read_file(rev, &path)?.is_some())
    }

    /// What a release publishes of this snapshot: datasets with `publish = false` left out,
    /// and rows whose `sensitivity` is `restricted` dropped (row numbers stay those of the
    /// file). Diff two of these for a release's `CHANGES.md` and `changes.json`, so nothing
    /// unpublished appears there.
    pub fn published(&self) -> Snapshot {
        let mut out = self.clone();
        out.manifest.datasets.retain(|d| d.publish);
        let keep: Vec<&str> = out
            .manifest
            .datasets
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        out.schemas.retain(|name, _| keep.contains(&name.as_str()));
        out.tables.retain(|name, _| keep.contains(&name.as_str()));
        for table in out.tables.values_mut() {
            if let Some(i) = table.column(SENSITIVITY) {
                table
                    .records
                    .retain(|r| r.values.get(i).and_then(|v| v.as_deref()) != Some(RESTRICTED));
            }
        }
        out.diagnostics.retain(|d| {
            d.path
                .as_deref()
                .is_some_and(|p| out.tables.values().any(|t| t.path == p))
        });
        out
    }

    fn empty(label: &str, manifest: Manifest) -> Snapshot {
        Snapshot {
            label: label.to_string(),
            manifest,
            schemas: BTreeMap::new(),
            tables: BTreeMap::new(),
            diagnostics: Vec::new(),
        }
    }

    fn add(
        &mut self,
        name: &str,
        path: &str,
        schema: RecordSchema,
        mut input: impl Read,
        limits: &Limits,
    ) -> Result<(), LoadError> {
        let cannot = |e: std::io::Error| LoadError::new(format!("cannot read `{path}`: {e}"));
        let table = if path.ends_with(".json") {
            let mut bytes = Vec::new();
            input.read_to_end(&mut bytes).map_err(cannot)?;
            json_table(path, &bytes, &schema)?
        } else {
            let (table, diags) = read_table(input, path, limits).map_err(cannot)?;
            self.diagnostics.extend(diags);
            table
        };
        self.schemas.insert(name.to_string(), schema);
        self.tables.insert(name.to_string(), table);
        Ok(())
    }
}

fn too_big(path: &str, max: u64) -> LoadError {
    LoadError::new(format!("`{path}` is larger than {max} bytes"))
        .hint("raise limits.file_size in kpdata.toml if the file is meant to be this large")
}

/// A JSON dataset (an array of objects) as a table: columns in schema order, then any other
/// keys in order of appearance; arrays joined with the field's separator; `line` unknown (0).
fn json_table(path: &str, bytes: &[u8], schema: &RecordSchema) -> Result<Table, LoadError> {
    use serde_json::Value;
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| LoadError::new(format!("`{path}` is not valid JSON: {e}")))?;
    let Value::Array(items) = value else {
        return Err(LoadError::new(format!(
            "`{path}` must be a JSON array of records"
        )));
    };
    let mut header: Vec<String> = schema.fields.iter().map(|f| f.name.clone()).collect();
    for item in &items {
        if let Value::Object(obj) = item {
            for k in obj.keys() {
                if !header.contains(k) {
                    header.push(k.clone());
                }
            }
        }
    }
    let sep = |field: &str| match schema.field(field).map(|f| &f.ty) {
        Some(kpdata_package::FieldType::Array { separator, .. }) => separator.clone(),
        _ => ";".to_string(),
    };
    let text = |v: &Value, field: &str| -> Option<String> {
        match v {
            Value::Null => None,
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => Some(
                a.iter()
                    .map(|x| match x {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(&sep(field)),
            ),
            other => Some(other.to_string()),
        }
    };
    let records = items
        .iter()
        .enumerate()
        .map(|(i, item)| Record {
            row: i as u64 + 1,
            line: 0,
            values: header
                .iter()
                .map(|h| item.get(h).and_then(|v| text(v, h)))
                .collect(),
        })
        .collect();
    Ok(Table {
        path: path.to_string(),
        header,
        records,
    })
}
