//! `kpdata-curate`: the bookkeeping of curation as library operations the binary calls.
//!
//! - [`source::add`] archives a file under the archive folder and appends its registry row;
//! - [`quote::find`] shows whether a quote occurs in a source's archived text, and where;
//! - [`fix::plan`] lists the repairs that have exactly one safe result, and [`fix::apply`]
//!   writes them, changing no byte outside the repaired cells ([`sort::reorder`] moves whole
//!   records when a `sorted` dataset is out of primary-key order).
//!
//! Operations return [`CurateError`] when they cannot run; they never print.

pub mod fix;
pub mod quote;
pub mod sort;
pub mod source;
pub mod spans;

/// Why a curation operation did not run (nothing was written). The workspace's one failure
/// type ([`kpdata_base::Failure`]).
pub use kpdata_base::Failure as CurateError;

/// Reads the registry table of a package.
pub(crate) fn registry_table(
    pkg: &kpdata_package::Package,
) -> Result<(String, kpdata_read::Table), CurateError> {
    let name = &pkg.manifest.provenance.registry;
    let (ds, _) = pkg
        .dataset(name)
        .ok_or_else(|| CurateError::new(format!("the package has no registry dataset `{name}`")))?;
    let bytes = read_data(pkg, &ds.path)?;
    let (table, _) = kpdata_read::read_table(&bytes[..], &ds.path, &pkg.manifest.limits)
        .map_err(|e| CurateError::new(format!("cannot read the registry: {e}")))?;
    Ok((ds.path.clone(), table))
}

/// Reads a data file of the package (a dataset, the registry, an archived source) up to the
/// package's `limits.file_size`, the limit `validate` applies (`Root::read` is for manifest-sized
/// files: 16 MiB).
pub(crate) fn read_data(pkg: &kpdata_package::Package, rel: &str) -> Result<Vec<u8>, CurateError> {
    pkg.root.read_limited(rel, pkg.manifest.limits.file_size)
}
