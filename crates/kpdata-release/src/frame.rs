//! A dataset as it is published: typed columns ([`crate::column`]), public rows only, sorted by
//! primary key. An empty cell is null.

use std::cmp::Ordering;
use std::io;
use std::sync::mpsc;

use kpdata_diagnostics::Severity;
use kpdata_package::{KeyOrder, Limits};
use kpdata_read::{Batch, CsvReader};

use crate::column::columns_of;
pub use crate::column::{Column, ColumnType, Derived};
use crate::dates::{bounds, Bounds, Part};
use crate::input::DatasetInput;
use crate::ReleaseError;

/// The column holding a row's sensitivity; rows whose value is [`RESTRICTED`] are never
/// published.
pub const SENSITIVITY_FIELD: &str = "sensitivity";
pub const RESTRICTED: &str = "restricted";

/// One published dataset: columns, and rows of cells aligned with them (`None` = null).
///
/// The cells are kept flat: every cell's text in one buffer, each cell's end offset in one
/// vector (the top bit marks a null), and the published order as row indices. A million rows
/// of a dozen columns are then two allocations, not twelve million.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub name: String,
    pub columns: Vec<Column>,
    text: String,
    /// Per cell, row-major in file order: the end of its text in `text`, | NULL for a null.
    ends: Vec<u64>,
    /// Published order (sorted by primary key): row `i` is stored row `order[i]`.
    order: Vec<u32>,
    /// Rows of the dataset not published (restricted): a foreign key into this dataset may
    /// then point at a row the release does not hold.
    pub withheld: usize,
}

const NULL: u64 = 1 << 63;

/// Turns a frame into its Parquet file. Must be deterministic: same frame, same bytes. (The
/// JSON file is written by [`crate::frame_json`], straight from the frame.)
pub trait Encoder {
    fn parquet(&self, frame: &Frame) -> Result<Vec<u8>, String>;
}

impl Frame {
    /// A frame from rows of cells (in published order), for tests and small tools.
    pub fn from_rows(name: &str, columns: Vec<Column>, rows: &[Vec<Option<&str>>]) -> Frame {
        let mut f = Frame {
            name: name.to_string(),
            columns,
            text: String::new(),
            ends: Vec::new(),
            order: (0..rows.len() as u32).collect(),
            withheld: 0,
        };
        for row in rows {
            for c in row {
                f.push_cell(*c);
            }
        }
        f
    }

    /// An empty frame with these columns, to be filled with [`Frame::push_row`] in published
    /// order (a dataset the release builds, such as `targets`).
    pub fn new(name: &str, columns: Vec<Column>) -> Frame {
        Frame::from_rows(name, columns, &[])
    }

    /// Appends a row (in published order); `cells` must hold one cell per column.
    pub fn push_row<'a>(&mut self, cells: impl IntoIterator<Item = Option<&'a str>>) {
        let before = self.ends.len();
        for c in cells {
            self.push_cell(c);
        }
        assert_eq!(
            self.ends.len() - before,
            self.columns.len(),
            "a row of frame `{}` has the wrong number of cells",
            self.name
        );
        self.order.push(self.order.len() as u32);
    }

    fn push_cell(&mut self, cell: Option<&str>) {
        match cell {
            Some(v) => {
                self.text.push_str(v);
                self.ends.push(self.text.len() as u64);
            }
            None => self.ends.push(self.text.len() as u64 | NULL),
        }
    }

    /// Published rows.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    fn stored(&self, stored_row: usize, col: usize) -> Option<&str> {
        let i = stored_row * self.columns.len() + col;
        let end = self.ends[i];
        if end & NULL != 0 {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] & !NULL };
        Some(&self.text[start as usize..end as usize])
    }

    /// The cell of published row `row`, column `col` (None: null).
    pub fn cell(&self, row: usize, col: usize) -> Option<&str> {
        self.stored(self.order[row] as usize, col)
    }

    /// The cells of published row `row`, in column order: one walk forward through the row's
    /// stored cells (the cheap way to read a frame, which stores each row's cells together).
    pub fn row_cells(&self, row: usize) -> impl ExactSizeIterator<Item = Option<&str>> + '_ {
        let first = self.order[row] as usize * self.columns.len();
        let mut start = if first == 0 {
            0
        } else {
            self.ends[first - 1] & !NULL
        };
        self.ends[first..first + self.columns.len()]
            .iter()
            .map(move |&e| {
                let (from, to) = (start as usize, (e & !NULL) as usize);
                start = e & !NULL;
                (e & NULL == 0).then(|| &self.text[from..to])
            })
    }

    /// One published row's cells.
    pub fn row(&self, row: usize) -> Vec<Option<&str>> {
        (0..self.columns.len()).map(|c| self.cell(row, c)).collect()
    }

    /// Drops the cells, keeping the columns and the row count (for metadata after encoding).
    pub fn without_cells(&self) -> Frame {
        Frame {
            name: self.name.clone(),
            columns: self.columns.clone(),
            text: String::new(),
            ends: Vec::new(),
            order: self.order.iter().map(|_| 0).collect(),
            withheld: self.withheld,
        }
    }

    /// Builds the published frame of a dataset: restricted rows dropped, every cell checked
    /// against its column type, rows sorted by primary key (stable: file order breaks ties).
    /// The CSV is streamed from the committed bytes; a structure or encoding error in it
    /// (which `kpdata validate` reports) refuses the release.
    pub fn from_input(ds: &DatasetInput, limits: &Limits) -> Result<Frame, ReleaseError> {
        Frame::read(ds, &ds.data, limits)?.sorted(ds)
    }

    /// [`Frame::from_input`] that takes the CSV bytes out of `ds` and frees them as soon as
    /// the cells are read, before sorting (which copies the cells once): a release never
    /// holds a large dataset's CSV, its cells and their sorted copy at once.
    pub fn take_input(ds: &mut DatasetInput, limits: &Limits) -> Result<Frame, ReleaseError> {
        let data = std::mem::take(&mut ds.data);
        let frame = Frame::read(ds, &data, limits);
        drop(data);
        frame?.sorted(ds)
    }

    /// The published cells of `data` (restricted rows dropped, types checked), in file order.
    fn read(ds: &DatasetInput, data: &[u8], limits: &Limits) -> Result<Frame, ReleaseError> {
        let path = &ds.dataset.path;
        std::thread::scope(|s| {
            // The CSV is parsed on a second thread, a batch ahead of the cells being stored
            // (parsing is ~40 % of reading a large dataset); batches go back to be reused.
            let (full, parsed) = mpsc::sync_channel::<io::Result<Parsed>>(1);
            let (recycle, empty) = mpsc::channel::<Batch>();
            s.spawn(move || {
                let mut reader = CsvReader::new(data, path, limits);
                let mut first = true;
                loop {
                    let mut batch = empty.try_recv().unwrap_or_default();
                    let more = reader.next_batch(&mut batch);
                    let header = std::mem::take(&mut first)
                        .then(|| reader.header().unwrap_or_default().to_vec());
                    let go_on = matches!(more, Ok(true));
                    let sent = full.send(more.map(|more| Parsed {
                        batch,
                        more,
                        header,
                    }));
                    if sent.is_err() || !go_on {
                        break;
                    }
                }
            });
            Frame::store(ds, data.len(), parsed, recycle)
        })
    }

    /// Stores the cells of the batches from `parsed` (in file order) into a new frame.
    fn store(
        ds: &DatasetInput,
        file_len: usize,
        parsed: mpsc::Receiver<io::Result<Parsed>>,
        recycle: mpsc::Sender<Batch>,
    ) -> Result<Frame, ReleaseError> {
        let path = &ds.dataset.path;
        let mut frame: Option<Frame> = None;
        let mut sources: Vec<Src> = Vec::new();
        let mut sensitivity = None;
        let mut spans: Vec<(usize, Bounds)> = Vec::new();
        loop {
            let Parsed {
                batch,
                more,
                header,
            } = parsed
                .recv()
                .map_err(|_| {
                    ReleaseError::new(format!(
                        "cannot read dataset `{}`: the CSV reader stopped",
                        ds.dataset.name
                    ))
                })?
                .map_err(|e| {
                    ReleaseError::new(format!("cannot read dataset `{}`: {e}", ds.dataset.name))
                })?;
            if let Some(d) = batch
                .diagnostics
                .iter()
                .find(|d| d.severity == Severity::Error)
            {
                return Err(ReleaseError::new(format!(
                    "{path}{}: {} ({})",
                    d.line.map(|l| format!(" line {l}")).unwrap_or_default(),
                    d.message,
                    d.code
                ))
                .hint("run `kpdata validate` and fix the errors it reports"));
            }
            if frame.is_none() {
                let header = header.unwrap_or_default();
                let columns = columns_of(ds, &header)?;
                let at = |name: &str| header.iter().position(|h| h == name);
                sources = columns
                    .iter()
                    .map(|c| match &c.derived {
                        Some(Derived::Date { from, part }) => Src::Date(at(from), *part),
                        _ => Src::Cell(at(&c.name)),
                    })
                    .collect();
                sensitivity = header.iter().position(|h| h == SENSITIVITY_FIELD);
                frame = Some(Frame {
                    name: ds.dataset.name.clone(),
                    columns,
                    // The cells' text is at most the file: reserved once (pages never written
                    // are never touched), no copying as it grows.
                    text: String::with_capacity(file_len),
                    ends: Vec::new(),
                    order: Vec::new(),
                    withheld: 0,
                });
            }
            let f = frame.as_mut().expect("made above");
            if f.order.is_empty() && !batch.is_empty() {
                // Rows expected, from the first batch's bytes per row; never more offsets
                // than the file has bytes (a file of short rows, then long ones, must not
                // make it reserve many times its size).
                let consumed = (batch.record(batch.len() - 1).byte as usize).max(1);
                let cap = file_len / (8 * f.columns.len().max(1));
                let rows = (file_len.saturating_mul(batch.len()) / consumed).min(cap) + 16;
                f.ends.reserve(rows * f.columns.len());
                f.order.reserve(rows);
            }
            for rec in batch.records() {
                if let Some(i) = sensitivity {
                    if rec.value(i) == Some(RESTRICTED) {
                        f.withheld += 1;
                        continue;
                    }
                }
                // The span of each partial date of the row, worked out once for its three
                // typed columns.
                spans.clear();
                for (c, src) in sources.iter().enumerate() {
                    let col = &f.columns[c];
                    let cell = match *src {
                        Src::Cell(i) => i.and_then(|i| rec.value(i)),
                        Src::Date(i, part) => match i.and_then(|i| Some((i, rec.value(i)?))) {
                            None => None,
                            Some((i, text)) => {
                                let at = match spans.iter().position(|(j, _)| *j == i) {
                                    Some(at) => at,
                                    None => {
                                        let b = bounds(text).ok_or_else(|| {
                                            ReleaseError::new(format!(
                                                "{path} row {} (line {}), field `{}`: `{}` is not a partial date",
                                                rec.row,
                                                rec.line,
                                                col.name,
                                                kpdata_diagnostics::escape_value(text, 80)
                                            ))
                                            .hint("run `kpdata validate` and fix the errors it reports")
                                        })?;
                                        spans.push((i, b));
                                        spans.len() - 1
                                    }
                                };
                                let b = &spans[at].1;
                                Some(match part {
                                    Part::Start => b.start.as_str(),
                                    Part::End => b.end.as_str(),
                                    Part::Precision => b.precision,
                                })
                            }
                        },
                    };
                    if let Some(v) = cell {
                        col.ty.check(v).map_err(|e| {
                            ReleaseError::new(format!(
                                "{path} row {} (line {}), field `{}`: {e}",
                                rec.row, rec.line, col.name
                            ))
                            .hint("run `kpdata validate` and fix the errors it reports")
                        })?;
                    }
                    f.push_cell(cell);
                }
                let n = u32::try_from(f.order.len()).map_err(|_| {
                    ReleaseError::new(format!("dataset `{}` has too many rows", ds.dataset.name))
                })?;
                f.order.push(n);
            }
            let _ = recycle.send(batch);
            if !more {
                break;
            }
        }
        Ok(frame.expect("the reader gives at least one batch"))
    }

    /// The frame sorted by `ds`'s primary key (stable: file order breaks ties), its cells
    /// stored in that order.
    fn sorted(self, ds: &DatasetInput) -> Result<Frame, ReleaseError> {
        let mut f = self;
        let mut key = Vec::new();
        for k in &ds.dataset.primary_key {
            let i = f.columns.iter().position(|c| &c.name == k).ok_or_else(|| {
                ReleaseError::new(format!(
                    "dataset `{}`: primary key field `{k}` is not a column",
                    ds.dataset.name
                ))
            })?;
            key.push(i);
        }
        let mut order = std::mem::take(&mut f.order);
        if let [i] = key[..] {
            if matches!(f.columns[i].ty, ColumnType::String | ColumnType::Date) {
                f.order = sort_by_text(order.iter().map(|&r| (f.stored(r as usize, i), r)));
                return Ok(f.in_published_order());
            }
        }
        order.sort_by(|&a, &b| {
            for &i in &key {
                let o = compare_cells(
                    &f.columns[i].ty,
                    f.stored(a as usize, i),
                    f.stored(b as usize, i),
                );
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        f.order = order;
        Ok(f.in_published_order())
    }

    /// The same frame with its cells stored in published order, so that reading a column
    /// (as the encoders do, column by column) walks memory forward instead of jumping to a
    /// random row for every cell. Each row's cells are contiguous: one copy per row.
    fn in_published_order(mut self) -> Frame {
        if self.order.iter().enumerate().all(|(i, &r)| i as u32 == r) {
            return self;
        }
        let ncol = self.columns.len();
        let mut text = String::with_capacity(self.text.len());
        let mut ends = Vec::with_capacity(self.ends.len());
        for &r in &self.order {
            let first = r as usize * ncol;
            let row_start = if first == 0 {
                0
            } else {
                self.ends[first - 1] & !NULL
            };
            let row_end = if ncol == 0 {
                row_start
            } else {
                self.ends[first + ncol - 1] & !NULL
            };
            let base = text.len() as u64;
            text.push_str(&self.text[row_start as usize..row_end as usize]);
            for &e in &self.ends[first..first + ncol] {
                ends.push(((e & !NULL) - row_start + base) | (e & NULL));
            }
        }
        self.text = text;
        self.ends = ends;
        let n = self.order.len() as u32;
        self.order = (0..n).collect();
        self
    }
}

/// The file positions of `cells` ((value, file position) pairs of one text key, the usual id)
/// in the stable order of their values, nulls first. Each value is first compared by a 128-bit
/// number made of a null flag and the 15 bytes after the prefix every value shares (ids such
/// as `des-ofac-10001` share `des-`), so most comparisons are one integer comparison instead
/// of a `memcmp` call; only values equal in those bytes are compared whole.
fn sort_by_text<'a>(cells: impl Iterator<Item = (Option<&'a str>, u32)>) -> Vec<u32> {
    let cells: Vec<(Option<&str>, u32)> = cells.collect();
    let mut common: Option<&[u8]> = None;
    for v in cells.iter().filter_map(|(v, _)| *v) {
        let c = common.get_or_insert(v.as_bytes());
        let n = c
            .iter()
            .zip(v.as_bytes())
            .take_while(|(a, b)| a == b)
            .count();
        *c = &c[..n];
    }
    let skip = common.map_or(0, <[u8]>::len);
    let mut keys: Vec<(u128, u32)> = cells
        .iter()
        .enumerate()
        .map(|(at, (v, _))| {
            let mut k = [0u8; 16];
            if let Some(v) = v {
                k[0] = 1;
                let tail = &v.as_bytes()[skip..];
                let n = tail.len().min(15);
                k[1..1 + n].copy_from_slice(&tail[..n]);
            }
            (u128::from_be_bytes(k), at as u32)
        })
        .collect();
    keys.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| cells[a.1 as usize].cmp(&cells[b.1 as usize]))
    });
    keys.into_iter()
        .map(|(_, at)| cells[at as usize].1)
        .collect()
}

/// Where a frame column's cells come from in the CSV.
#[derive(Debug, Clone, Copy)]
enum Src {
    /// The cell of this CSV column (None: the CSV lacks the column, every cell null).
    Cell(Option<usize>),
    /// A typed part of the partial date in this CSV column.
    Date(Option<usize>, Part),
}

/// One batch from the parsing thread of [`Frame::read`]; the header comes with the first.
struct Parsed {
    batch: Batch,
    more: bool,
    header: Option<Vec<String>>,
}

/// Orders two cells of a column by their typed values (nulls first): the package's one
/// primary-key order ([`kpdata_package::KeyOrder`]), which `validate` (KP304) and `kpdata fix`
/// use for datasets declared `sorted`.
pub fn compare_cells(ty: &ColumnType, a: Option<&str>, b: Option<&str>) -> Ordering {
    let order = match ty {
        ColumnType::Integer => KeyOrder::Integer,
        ColumnType::Number => KeyOrder::Number,
        _ => KeyOrder::Text,
    };
    order.compare(a, b)
}

#[cfg(test)]
mod order_tests {
    use super::*;

    #[test]
    fn cells_stored_in_published_order_read_the_same() {
        let col = |n: &str| Column::plain(n, ColumnType::String);
        let rows = vec![
            vec![Some("a"), None, Some("")],
            vec![None, Some("bb"), Some("c")],
            vec![Some("dd"), Some("e"), None],
            vec![None, None, None],
        ];
        let mut f = Frame::from_rows("t", vec![col("x"), col("y"), col("z")], &rows);
        f.order = vec![2, 0, 3, 1];
        // A row's cells walked forward are its cells looked up one by one, nulls included.
        for r in 0..f.len() {
            assert_eq!(f.row_cells(r).collect::<Vec<_>>(), f.row(r), "row {r}");
        }
        assert_eq!(
            f.row_cells(1).collect::<Vec<_>>(),
            [Some("a"), None, Some("")]
        );
        let before: Vec<Vec<Option<String>>> = (0..f.len())
            .map(|r| {
                f.row(r)
                    .into_iter()
                    .map(|c| c.map(str::to_string))
                    .collect()
            })
            .collect();
        let g = f.in_published_order();
        assert_eq!(g.order, vec![0, 1, 2, 3]);
        let after: Vec<Vec<Option<String>>> = (0..g.len())
            .map(|r| {
                g.row(r)
                    .into_iter()
                    .map(|c| c.map(str::to_string))
                    .collect()
            })
            .collect();
        assert_eq!(before, after);
        assert_eq!(g.cell(0, 0), Some("dd"));
        assert_eq!(g.cell(1, 2), Some(""));
        assert_eq!(g.cell(3, 1), Some("bb"));
    }
}

#[cfg(test)]
#[path = "frame_sort_tests.rs"]
mod sort_tests;
