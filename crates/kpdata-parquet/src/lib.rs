//! The only crate that links polars: turns a release [`Frame`] (typed columns of text cells)
//! into Parquet bytes.
//!
//! Readable by pandas/pyarrow, polars and DuckDB without options: the Arrow schema kept in the
//! footer declares `large_string` rather than polars' `string_view` (see `arrow_schema`).
//!
//! Reproducible by construction: the frame is rechunked before writing, and compression
//! (zstd, default level), statistics (min, max, null count), row-group size (64 Ki rows) and
//! data-page size are set explicitly; polars writes no timestamp and a fixed `created_by`.
//! The JSON file is written by `kpdata_release::frame_json` straight from the frame (one array
//! of objects: dates as `"YYYY-MM-DD"`, lists as arrays, empty cells as `null`, then a
//! newline); [`write_json`] is polars' own writer, kept as the reference the tests compare with.

pub mod arrow_schema;

use kpdata_read::typing::split_array;
use kpdata_release::frame::{Column as FrameColumn, ColumnType, Encoder, Frame};
use polars::prelude::*;

/// Rows per Parquet row group.
pub const ROW_GROUP_SIZE: usize = 65_536;
/// Bytes per Parquet data page.
pub const DATA_PAGE_SIZE: usize = 1 << 20;

/// The polars encoder used by `kpdata release`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PolarsEncoder;

impl Encoder for PolarsEncoder {
    fn parquet(&self, frame: &Frame) -> Result<Vec<u8>, String> {
        let mut df = to_dataframe(frame)?;
        write_parquet(&mut df).map_err(|e| e.to_string())
    }
}

/// The polars dtype of a column type.
pub fn dtype(ty: &ColumnType) -> DataType {
    match ty {
        ColumnType::String => DataType::String,
        ColumnType::Integer => DataType::Int64,
        ColumnType::Number => DataType::Float64,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Date => DataType::Date,
        ColumnType::List { item, .. } => DataType::List(Box::new(dtype(item))),
    }
}

fn bad(frame: &Frame, col: &FrameColumn, row: usize, cell: &str) -> String {
    format!(
        "dataset `{}`, field `{}`, record {}: `{cell}` is not {}",
        frame.name,
        col.name,
        row + 1,
        col.ty.describe()
    )
}

fn int(s: &str) -> Option<i64> {
    kpdata_read::typing::parse_integer(s).and_then(|n| n.as_i64())
}
fn num(s: &str) -> Option<f64> {
    kpdata_read::typing::parse_number(s).and_then(|n| n.as_f64())
}
fn boolean(s: &str) -> Option<bool> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}
fn date(s: &str) -> Option<i32> {
    kpdata_release::time::parse_date(s).and_then(|d| i32::try_from(d).ok())
}

/// Parses every cell of a scalar column; `Err` names the first cell that does not parse.
fn parse_all<'a, T>(
    cells: impl Iterator<Item = Option<&'a str>>,
    parse: impl Fn(&str) -> Option<T>,
    fail: impl Fn(usize, &str) -> String,
) -> Result<Vec<Option<T>>, String> {
    cells
        .enumerate()
        .map(|(i, c)| match c {
            None => Ok(None),
            Some(s) => parse(s).map(Some).ok_or_else(|| fail(i, s)),
        })
        .collect()
}

/// Column `idx` of `frame` from its cells in published order.
fn column(frame: &Frame, idx: usize, cells: &[Option<&str>]) -> Result<Column, String> {
    let col = &frame.columns[idx];
    let name: PlSmallStr = col.name.as_str().into();
    let each = || cells.iter().copied();
    let fail = |i: usize, s: &str| bad(frame, col, i, s);
    let series = match &col.ty {
        ColumnType::String => StringChunked::from_iter_options(name, each()).into_series(),
        ColumnType::Integer => Series::new(name, parse_all(each(), int, fail)?),
        ColumnType::Number => Series::new(name, parse_all(each(), num, fail)?),
        ColumnType::Boolean => Series::new(name, parse_all(each(), boolean, fail)?),
        ColumnType::Date => {
            let days = parse_all(each(), date, fail)?;
            Int32Chunked::from_iter_options(name, days.into_iter())
                .into_date()
                .into_series()
        }
        ColumnType::List { item, separator } => {
            list_series(name, frame, col, cells, item, separator)?
        }
    };
    Ok(series.into_column())
}

fn list_series(
    name: PlSmallStr,
    frame: &Frame,
    col: &FrameColumn,
    cells: &[Option<&str>],
    item: &ColumnType,
    sep: &str,
) -> Result<Series, String> {
    let n = frame.len();
    let cells = cells.iter().copied();
    macro_rules! primitive {
        ($ty:ty, $dtype:expr, $parse:expr) => {{
            let mut b = ListPrimitiveChunkedBuilder::<$ty>::new(name, n, n, $dtype);
            for (i, c) in cells.enumerate() {
                match c {
                    None => b.append_null(),
                    Some(s) => {
                        let vals = split_array(s, sep)
                            .map(|p| $parse(p).ok_or_else(|| bad(frame, col, i, p)))
                            .collect::<Result<Vec<_>, String>>()?;
                        b.append_slice(&vals);
                    }
                }
            }
            b.finish().into_series()
        }};
    }
    Ok(match item {
        ColumnType::Integer => primitive!(Int64Type, DataType::Int64, int),
        ColumnType::Number => primitive!(Float64Type, DataType::Float64, num),
        ColumnType::Date => {
            let s = primitive!(Int32Type, DataType::Int32, date);
            s.cast(&DataType::List(Box::new(DataType::Date)))
                .map_err(|e| e.to_string())?
        }
        ColumnType::Boolean => {
            let mut b = ListBooleanChunkedBuilder::new(name, n, n);
            for (i, c) in cells.enumerate() {
                match c {
                    None => b.append_null(),
                    Some(s) => {
                        let vals = split_array(s, sep)
                            .map(|p| boolean(p).ok_or_else(|| bad(frame, col, i, p)))
                            .collect::<Result<Vec<_>, String>>()?;
                        b.append_series(&Series::new(PlSmallStr::EMPTY, vals))
                            .map_err(|e| e.to_string())?;
                    }
                }
            }
            b.finish().into_series()
        }
        ColumnType::String | ColumnType::List { .. } => {
            let mut b = ListStringChunkedBuilder::new(name, n, n);
            for c in cells {
                match c {
                    None => b.append_null(),
                    Some(s) => b.append_values_iter(split_array(s, sep)),
                }
            }
            b.finish().into_series()
        }
    })
}

/// The typed polars frame of a release frame (rechunked).
pub fn to_dataframe(frame: &Frame) -> Result<DataFrame, String> {
    // One pass over the rows: the frame stores each row's cells together, and reading it a
    // column at a time would stride through all of its text once per column (5 % of a
    // release's CPU). Text columns go straight into their builders; the cells of the others
    // are gathered (in order) for their typed parsers.
    enum Sink<'a> {
        Text(StringChunkedBuilder),
        Cells(Vec<Option<&'a str>>),
    }
    let mut sinks: Vec<Sink> = frame
        .columns
        .iter()
        .map(|c| match c.ty {
            ColumnType::String => Sink::Text(StringChunkedBuilder::new(
                c.name.as_str().into(),
                frame.len(),
            )),
            _ => Sink::Cells(Vec::with_capacity(frame.len())),
        })
        .collect();
    for row in 0..frame.len() {
        for (sink, cell) in sinks.iter_mut().zip(frame.row_cells(row)) {
            match sink {
                Sink::Text(b) => b.append_option(cell),
                Sink::Cells(v) => v.push(cell),
            }
        }
    }
    let columns = sinks
        .into_iter()
        .enumerate()
        .map(|(i, sink)| match sink {
            Sink::Text(b) => Ok(b.finish().into_series().into_column()),
            Sink::Cells(cells) => column(frame, i, &cells),
        })
        .collect::<Result<Vec<_>, String>>()?;
    let mut df = DataFrame::new(frame.len(), columns).map_err(|e| e.to_string())?;
    df.rechunk_mut();
    Ok(df)
}

fn parquet_writer(buf: &mut Vec<u8>) -> ParquetWriter<&mut Vec<u8>> {
    ParquetWriter::new(buf)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions {
            min_value: true,
            max_value: true,
            distinct_count: false,
            null_count: true,
            binary_statistics_truncate_length: None,
        })
        .with_row_group_size(Some(ROW_GROUP_SIZE))
        .with_data_page_size(Some(DATA_PAGE_SIZE))
        // Columns encoded on polars' threads: the same bytes (each row group's columns are
        // gathered in order), in less time when a core is free.
        .set_parallel(true)
}

const ARROW_SCHEMA_KEY: &str = "ARROW:schema";

/// Parquet bytes with fixed options, the footer's Arrow schema without view types. The data
/// is encoded once: the footer's schema depends on the columns' types only, so it is taken
/// from the file of the frame's empty twin (same columns, no rows).
pub fn write_parquet(df: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    df.rechunk_mut();
    let patched = footer_schema(df)?;
    let mut buf = Vec::new();
    let writer = parquet_writer(&mut buf);
    let writer =
        match patched {
            None => writer,
            Some(schema) => writer.with_key_value_metadata(Some(KeyValueMetadata::from_static(
                vec![(ARROW_SCHEMA_KEY.to_string(), schema)],
            ))),
        };
    writer.finish(df)?;
    Ok(buf)
}

/// The footer's Arrow schema with view types downgraded, when that differs from what polars
/// writes (`None`: polars' own is kept).
fn footer_schema(df: &DataFrame) -> PolarsResult<Option<String>> {
    let mut empty = df.clear();
    let mut first = Vec::new();
    parquet_writer(&mut first).finish(&mut empty)?;
    let schema = {
        let mut reader = ParquetReader::new(std::io::Cursor::new(&first[..]));
        let md = reader.get_metadata()?;
        md.key_value_metadata
            .as_ref()
            .and_then(|kv| kv.iter().find(|k| k.key == ARROW_SCHEMA_KEY))
            .and_then(|k| k.value.clone())
    };
    let Some(schema) = schema else {
        return Ok(None);
    };
    let patched = arrow_schema::downgrade_views(&schema).ok_or_else(|| {
        PolarsError::ComputeError("cannot read the Arrow schema polars wrote".into())
    })?;
    Ok((patched != schema).then_some(patched))
}

/// One JSON array of objects, with a final newline.
pub fn write_json(df: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    df.rechunk_mut();
    let mut buf = Vec::new();
    JsonWriter::new(&mut buf)
        .with_json_format(JsonFormat::Json)
        .finish(df)?;
    buf.push(b'\n');
    Ok(buf)
}
