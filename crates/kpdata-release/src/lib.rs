//! kpdata-release
