//! kpdata-import
