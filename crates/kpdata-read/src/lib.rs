//! kpdata-read
