/// A reason the release cannot be made (the binary prints `error:` and `hint:`, exit 2). The
/// workspace's one failure type ([`kpdata_base::Failure`]).
pub use kpdata_base::Failure as ReleaseError;
