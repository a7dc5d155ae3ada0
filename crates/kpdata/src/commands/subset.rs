//! `kpdata validate FILE...` (without --schema): validate only the datasets a change touches,
//! with the datasets their relations need, and report findings on the named files only.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kpdata_package::Package;

use crate::Failure;

/// Restricts `pkg` to the datasets named by `files` and every dataset their foreign keys reach
/// (and the source registry). Returns the package paths to report on, or `None` when the whole
/// package must be validated: no files, or a file that is not a dataset (a schema, the
/// manifest, an archived source, the registry itself: those change every dataset's verdict).
pub fn restrict(
    pkg: &mut Package,
    root: &Path,
    files: &[PathBuf],
) -> Result<Option<BTreeSet<String>>, Failure> {
    if files.is_empty() {
        return Ok(None);
    }
    let root_abs = root
        .canonicalize()
        .map_err(|e| Failure::new(format!("cannot read the package root: {e}")))?;
    let mut selected: BTreeSet<String> = BTreeSet::new();
    for f in files {
        let abs = f.canonicalize().map_err(|e| {
            Failure::new(format!(
                "cannot read `{}`: {e}",
                kpdata_diagnostics::escape_value(&f.to_string_lossy(), 200)
            ))
        })?;
        let Ok(rel) = abs.strip_prefix(&root_abs) else {
            return Err(Failure::new(format!(
                "`{}` is not inside the package",
                kpdata_diagnostics::escape_value(&f.to_string_lossy(), 200)
            ))
            .hint("name dataset files of the package in --root (or use --schema for any file)"));
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        match pkg.manifest.datasets.iter().find(|d| d.path == rel) {
            Some(d) if d.name != pkg.manifest.provenance.registry => {
                selected.insert(d.name.clone());
            }
            _ => return Ok(None),
        }
    }
    let paths: BTreeSet<String> = pkg
        .manifest
        .datasets
        .iter()
        .filter(|d| selected.contains(&d.name))
        .map(|d| d.path.clone())
        .collect();
    // The closure over foreign keys, and the registry for citations.
    let mut needed = selected.clone();
    needed.insert(pkg.manifest.provenance.registry.clone());
    loop {
        let before = needed.len();
        for d in &pkg.manifest.datasets {
            if needed.contains(&d.name) {
                for fk in &d.foreign_keys {
                    needed.insert(fk.dataset.clone());
                }
            }
        }
        if needed.len() == before {
            break;
        }
    }
    let keep: Vec<bool> = pkg
        .manifest
        .datasets
        .iter()
        .map(|d| needed.contains(&d.name))
        .collect();
    let mut i = 0;
    pkg.schemas.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    pkg.manifest.datasets.retain(|d| needed.contains(&d.name));
    Ok(Some(paths))
}
