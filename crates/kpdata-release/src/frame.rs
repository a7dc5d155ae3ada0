//! A dataset as it is published: typed columns, public rows only, sorted by primary key.
//!
//! Column types (from the record schema):
//!
//! | JSON Schema | column |
//! |---|---|
//! | `string` with `format: date` | `Date` (days) |
//! | `string` (any other format, e.g. `partial-date`), no type, several types | `String` |
//! | `integer` | `Integer` (64-bit) |
//! | `number` | `Number` (64-bit float) |
//! | `boolean` | `Boolean` |
//! | `array` | `List` of the item type (cell split on `x-separator`) |
//!
//! An empty cell is null. Columns are the schema's properties in declaration order, then any
//! CSV column the schema does not declare (as strings).

use std::cmp::Ordering;

use kpdata_package::{FieldSpec, FieldType};
use kpdata_read::typing::{parse_integer, parse_number, split_array};

use crate::input::DatasetInput;
use crate::ReleaseError;

/// The column holding a row's sensitivity; rows whose value is [`RESTRICTED`] are never
/// published.
pub const SENSITIVITY_FIELD: &str = "sensitivity";
pub const RESTRICTED: &str = "restricted";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    String,
    Integer,
    Number,
    Boolean,
    Date,
    List {
        item: Box<ColumnType>,
        separator: String,
    },
}

impl ColumnType {
    pub fn of(spec: &FieldSpec) -> ColumnType {
        scalar_or_list(&spec.ty, spec.format.as_deref(), &spec.schema)
    }

    /// Checks that a non-empty cell has this type (a validated package always passes).
    pub fn check(&self, cell: &str) -> Result<(), String> {
        let ok = match self {
            ColumnType::String => true,
            ColumnType::Integer => parse_integer(cell).map(|n| n.is_i64()).unwrap_or(false),
            ColumnType::Number => parse_number(cell).is_some(),
            ColumnType::Boolean => cell == "true" || cell == "false",
            ColumnType::Date => crate::time::parse_date(cell).is_some(),
            ColumnType::List { item, separator } => {
                for part in split_array(cell, separator) {
                    item.check(part)?;
                }
                true
            }
        };
        if ok {
            Ok(())
        } else {
            Err(format!("`{cell}` is not {}", self.describe()))
        }
    }

    pub fn describe(&self) -> String {
        match self {
            ColumnType::String => "a string".into(),
            ColumnType::Integer => "a 64-bit integer".into(),
            ColumnType::Number => "a number".into(),
            ColumnType::Boolean => "`true` or `false`".into(),
            ColumnType::Date => "a date (YYYY-MM-DD)".into(),
            ColumnType::List { item, .. } => format!("a list of {}", item.describe()),
        }
    }
}

fn scalar_or_list(ty: &FieldType, format: Option<&str>, schema: &serde_json::Value) -> ColumnType {
    match ty {
        FieldType::String => {
            if format == Some("date") {
                ColumnType::Date
            } else {
                ColumnType::String
            }
        }
        FieldType::Integer => ColumnType::Integer,
        FieldType::Number => ColumnType::Number,
        FieldType::Boolean => ColumnType::Boolean,
        FieldType::Any => ColumnType::String,
        FieldType::Array { separator, item } => {
            let items = schema.get("items").cloned().unwrap_or_default();
            let item_format = items.get("format").and_then(|f| f.as_str());
            let item = match scalar_or_list(item, item_format, &items) {
                ColumnType::List { .. } => ColumnType::String,
                t => t,
            };
            ColumnType::List {
                item: Box::new(item),
                separator: separator.clone(),
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    /// The schema property, when the schema declares the column.
    pub spec: Option<FieldSpec>,
}

/// One published dataset: columns, and rows of raw cells aligned with them (`None` = null).
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Option<String>>>,
}

/// The two data files of one dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub parquet: Vec<u8>,
    pub json: Vec<u8>,
}

/// Turns a frame into Parquet and JSON bytes. Must be deterministic: same frame, same bytes.
pub trait Encoder {
    fn encode(&self, frame: &Frame) -> Result<Encoded, String>;
}

impl Frame {
    /// Builds the published frame of a dataset: restricted rows dropped, every cell checked
    /// against its column type, rows sorted by primary key (stable: file order breaks ties).
    pub fn from_input(ds: &DatasetInput) -> Result<Frame, ReleaseError> {
        let table = &ds.table;
        let mut columns: Vec<Column> = ds
            .schema
            .fields
            .iter()
            .map(|f| Column {
                name: f.name.clone(),
                ty: ColumnType::of(f),
                spec: Some(f.clone()),
            })
            .collect();
        for h in &table.header {
            if !columns.iter().any(|c| &c.name == h) {
                columns.push(Column {
                    name: h.clone(),
                    ty: ColumnType::String,
                    spec: None,
                });
            }
        }
        let sources: Vec<Option<usize>> = columns.iter().map(|c| table.column(&c.name)).collect();
        let sensitivity = table.column(SENSITIVITY_FIELD);
        let mut rows = Vec::with_capacity(table.records.len());
        for rec in &table.records {
            if let Some(i) = sensitivity {
                if rec.values.get(i).and_then(|v| v.as_deref()) == Some(RESTRICTED) {
                    continue;
                }
            }
            let mut row = Vec::with_capacity(columns.len());
            for (col, src) in columns.iter().zip(&sources) {
                let cell = src.and_then(|i| rec.values.get(i).cloned().flatten());
                if let Some(v) = &cell {
                    col.ty.check(v).map_err(|e| {
                        ReleaseError::new(format!(
                            "{} row {} (line {}), field `{}`: {e}",
                            table.path, rec.row, rec.line, col.name
                        ))
                        .hint("run `kpdata validate` and fix the errors it reports")
                    })?;
                }
                row.push(cell);
            }
            rows.push(row);
        }
        let mut key = Vec::new();
        for k in &ds.dataset.primary_key {
            let i = columns.iter().position(|c| &c.name == k).ok_or_else(|| {
                ReleaseError::new(format!(
                    "dataset `{}`: primary key field `{k}` is not a column",
                    ds.dataset.name
                ))
            })?;
            key.push(i);
        }
        rows.sort_by(|a, b| {
            for &i in &key {
                let o = compare_cells(&columns[i].ty, a[i].as_deref(), b[i].as_deref());
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        Ok(Frame {
            name: ds.dataset.name.clone(),
            columns,
            rows,
        })
    }
}

/// Orders two cells of a column by their typed values (nulls first).
pub fn compare_cells(ty: &ColumnType, a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => {
            let typed = match ty {
                ColumnType::Integer => match (a.parse::<i64>(), b.parse::<i64>()) {
                    (Ok(x), Ok(y)) => Some(x.cmp(&y)),
                    _ => None,
                },
                ColumnType::Number => match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(x), Ok(y)) => Some(x.total_cmp(&y)),
                    _ => None,
                },
                _ => None,
            };
            typed.unwrap_or_else(|| a.cmp(b))
        }
    }
}
