//! The columns of a published dataset and their types (from the record schema):
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
//! Columns are the schema's properties in declaration order, each `partial-date` string followed
//! by its typed columns `<field>_start`, `<field>_end` (dates) and `<field>_precision` (see
//! [`crate::dates`]), then any CSV column the schema does not declare (as strings).

use kpdata_package::{FieldSpec, FieldType};
use kpdata_read::typing::{parse_integer, parse_number, split_array};

use crate::dates::{Part, PARTIAL_DATE};
use crate::input::DatasetInput;
use crate::ReleaseError;

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
    /// How the release made the column, when no schema property declares it.
    pub derived: Option<Derived>,
}

impl Column {
    /// A column with no schema property behind it.
    pub fn plain(name: &str, ty: ColumnType) -> Column {
        Column {
            name: name.to_string(),
            ty,
            spec: None,
            derived: None,
        }
    }

    /// What the column holds: the schema's description, or how the release derived it.
    pub fn description(&self) -> Option<String> {
        match (&self.spec, &self.derived) {
            (Some(spec), _) => spec.description.clone(),
            (None, Some(Derived::Date { from, part })) => Some(part.describe(from)),
            (None, Some(Derived::Built { description })) => Some(description.clone()),
            (None, None) => None,
        }
    }
}

/// A column the release adds to what the schema declares.
#[derive(Debug, Clone, PartialEq)]
pub enum Derived {
    /// A typed column of the partial-date field `from`.
    Date { from: String, part: Part },
    /// A column of a dataset the release builds (e.g. `targets`).
    Built { description: String },
}

/// The schema's properties in declaration order (each partial date followed by its typed
/// columns), then any CSV column it does not declare.
pub(crate) fn columns_of(
    ds: &DatasetInput,
    header: &[String],
) -> Result<Vec<Column>, ReleaseError> {
    let mut columns: Vec<Column> = Vec::new();
    for f in &ds.schema.fields {
        let ty = ColumnType::of(f);
        let partial = ty == ColumnType::String && f.format.as_deref() == Some(PARTIAL_DATE);
        columns.push(Column {
            name: f.name.clone(),
            ty,
            spec: Some(f.clone()),
            derived: None,
        });
        if partial {
            for part in Part::ALL {
                columns.push(Column {
                    name: part.column(&f.name),
                    ty: match part {
                        Part::Precision => ColumnType::String,
                        _ => ColumnType::Date,
                    },
                    spec: None,
                    derived: Some(Derived::Date {
                        from: f.name.clone(),
                        part,
                    }),
                });
            }
        }
    }
    let declared = |n: &str| ds.schema.fields.iter().any(|f| f.name == n);
    if let Some(c) = columns
        .iter()
        .find(|c| c.derived.is_some() && (declared(&c.name) || header.contains(&c.name)))
    {
        return Err(ReleaseError::new(format!(
            "dataset `{}`: the release adds the typed date column `{}`, which the dataset already has",
            ds.dataset.name, c.name
        ))
        .hint("rename the field: `<field>_start`, `_end` and `_precision` are the release's typed columns of a partial date"));
    }
    for h in header {
        if !columns.iter().any(|c| &c.name == h) {
            columns.push(Column::plain(h, ColumnType::String));
        }
    }
    Ok(columns)
}
