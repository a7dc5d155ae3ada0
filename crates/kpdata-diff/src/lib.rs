//! kpdata-diff
