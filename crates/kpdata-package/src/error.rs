/// The package cannot be used: a missing or malformed manifest or schema, or an unsafe path.
/// The workspace's one failure type ([`kpdata_base::Failure`]).
pub use kpdata_base::Failure as PackageError;
