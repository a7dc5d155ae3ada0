//! kpdata-parquet
