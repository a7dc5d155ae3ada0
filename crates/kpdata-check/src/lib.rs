//! kpdata-check
