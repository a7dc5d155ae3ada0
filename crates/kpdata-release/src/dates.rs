//! Typed columns for partial dates.
//!
//! A `partial-date` value (`2015`, `2015-03`, `2015-03-07`) names a span of days: a year, a
//! month or a day. A release keeps the curated text and adds, for every such field `<f>`, three
//! columns a researcher can group and filter by without parsing:
//!
//! | column | type | value |
//! |---|---|---|
//! | `<f>_start` | date | the first day the value allows (`2015` → `2015-01-01`) |
//! | `<f>_end` | date | the last day it allows (`2015-02` → `2015-02-28`) |
//! | `<f>_precision` | string | `year`, `month` or `day` |
//!
//! All three are null where the text is. Nothing is guessed: `2015` is never "2015-01-01" in
//! the text column, and `_start`/`_end` together say exactly what the source allows.

/// The schema format whose fields get typed columns.
pub const PARTIAL_DATE: &str = "partial-date";
/// The values of a `_precision` column, finest first.
pub const PRECISIONS: [&str; 3] = ["day", "month", "year"];

/// Which of the three typed columns of a partial-date field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Start,
    End,
    Precision,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Start, Part::End, Part::Precision];

    /// The column name for field `field`.
    pub fn column(self, field: &str) -> String {
        let suffix = match self {
            Part::Start => "start",
            Part::End => "end",
            Part::Precision => "precision",
        };
        format!("{field}_{suffix}")
    }

    /// What the column holds, for the descriptor and the data dictionary.
    pub fn describe(self, field: &str) -> String {
        match self {
            Part::Start => format!(
                "The first day `{field}` allows (`2015` gives 2015-01-01, `2015-02` gives 2015-02-01); null where `{field}` is empty."
            ),
            Part::End => format!(
                "The last day `{field}` allows (`2015` gives 2015-12-31, `2015-02` gives 2015-02-28); null where `{field}` is empty."
            ),
            Part::Precision => format!(
                "The precision of `{field}`: `day`, `month` or `year`; null where `{field}` is empty."
            ),
        }
    }

    /// The typed text of this part of a partial date (`None` if `text` is not one).
    pub fn of(self, text: &str) -> Option<String> {
        let b = bounds(text)?;
        Some(match self {
            Part::Start => b.start,
            Part::End => b.end,
            Part::Precision => b.precision.to_string(),
        })
    }
}

/// The span of days a partial date allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounds {
    /// `YYYY-MM-DD`
    pub start: String,
    /// `YYYY-MM-DD`
    pub end: String,
    /// `day`, `month` or `year`
    pub precision: &'static str,
}

fn days_in_month(y: u32, m: u32) -> u32 {
    kpdata_base::dates::days_in_month(y.into(), m)
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// The span of `text` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real calendar date), or `None`.
pub fn bounds(text: &str) -> Option<Bounds> {
    let parts: Vec<&str> = text.split('-').collect();
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    let y = digits(parts[0])?;
    match (parts.as_slice(), lens.as_slice()) {
        ([_], [4]) => Some(Bounds {
            start: format!("{y:04}-01-01"),
            end: format!("{y:04}-12-31"),
            precision: "year",
        }),
        ([_, m], [4, 2]) => {
            let m = digits(m).filter(|m| (1..=12).contains(m))?;
            Some(Bounds {
                start: format!("{y:04}-{m:02}-01"),
                end: format!("{y:04}-{m:02}-{:02}", days_in_month(y, m)),
                precision: "month",
            })
        }
        ([_, m, d], [4, 2, 2]) => {
            let m = digits(m).filter(|m| (1..=12).contains(m))?;
            let d = digits(d).filter(|d| (1..=days_in_month(y, m)).contains(d))?;
            let day = format!("{y:04}-{m:02}-{d:02}");
            Some(Bounds {
                start: day.clone(),
                end: day,
                precision: "day",
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Option<(String, String, &'static str)> {
        bounds(s).map(|b| (b.start, b.end, b.precision))
    }

    #[test]
    fn spans_of_years_months_and_days() {
        let t = |a: &str, b: &str, p| Some((a.to_string(), b.to_string(), p));
        assert_eq!(b("2015"), t("2015-01-01", "2015-12-31", "year"));
        assert_eq!(b("2015-02"), t("2015-02-01", "2015-02-28", "month"));
        assert_eq!(b("2016-02"), t("2016-02-01", "2016-02-29", "month"));
        assert_eq!(b("2000-02"), t("2000-02-01", "2000-02-29", "month"));
        assert_eq!(b("1900-02"), t("1900-02-01", "1900-02-28", "month"));
        assert_eq!(b("2015-04"), t("2015-04-01", "2015-04-30", "month"));
        assert_eq!(b("2015-12"), t("2015-12-01", "2015-12-31", "month"));
        assert_eq!(b("2009-04-24"), t("2009-04-24", "2009-04-24", "day"));
        assert_eq!(b("2016-02-29"), t("2016-02-29", "2016-02-29", "day"));
    }

    #[test]
    fn refuses_what_is_not_a_partial_date() {
        for bad in [
            "",
            "15",
            "20155",
            "2015-2",
            "2015-13",
            "2015-00",
            "2015-02-30",
            "2015-02-29",
            "2015-01-00",
            "2015-01-01-01",
            "2015/01",
            "+015",
            "２０１５",
            "2015-01-1",
        ] {
            assert_eq!(bounds(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn parts_name_and_fill_their_columns() {
        assert_eq!(Part::Start.column("action_date"), "action_date_start");
        assert_eq!(Part::End.of("2015").as_deref(), Some("2015-12-31"));
        assert_eq!(Part::Precision.of("2015-03").as_deref(), Some("month"));
        assert_eq!(Part::Start.of("x"), None);
    }
}
