//! kpdata-git
