//! Partial ISO dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) and their comparison.
//!
//! A partial date stands for a range of days: `2015` is 2015-01-01..=2015-12-31. "After" and
//! "before" are judged on those ranges so that a coarse date never produces a false finding:
//! `2015` is not after `2015-06-01`.

/// A calendar day as (year, month, day).
pub type Day = (i32, u8, u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// The number of days of month `m` (1..=12) in year `y`; 0 for another month
/// ([`kpdata_base::dates::days_in_month`]).
pub fn days_in_month(y: i32, m: u8) -> u8 {
    kpdata_base::dates::days_in_month(y.into(), m.into()) as u8
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (four-digit year, two-digit month and day), and
    /// checks that the date exists (2015-02-29 does not).
    pub fn parse(s: &str) -> Option<PartialDate> {
        let mut parts = s.split('-');
        let y = parts.next()?;
        if y.len() != 4 {
            return None;
        }
        let year = digits(y)? as i32;
        let month = match parts.next() {
            None => None,
            Some(m) if m.len() == 2 => Some(digits(m)? as u8),
            Some(_) => return None,
        };
        let day = match parts.next() {
            None => None,
            Some(d) if d.len() == 2 && month.is_some() => Some(digits(d)? as u8),
            Some(_) => return None,
        };
        if parts.next().is_some() {
            return None;
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return None;
            }
            if let Some(d) = day {
                if d == 0 || d > days_in_month(year, m) {
                    return None;
                }
            }
        }
        Some(PartialDate { year, month, day })
    }

    /// The first day the date may stand for.
    pub fn earliest(&self) -> Day {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day the date may stand for.
    pub fn latest(&self) -> Day {
        let m = self.month.unwrap_or(12);
        (
            self.year,
            m,
            self.day.unwrap_or_else(|| days_in_month(self.year, m)),
        )
    }
}

/// The UTC day of a Unix timestamp (seconds), by [`kpdata_base::dates::civil_from_days`].
pub fn day_of_timestamp(secs: i64) -> Day {
    let (y, m, d) = kpdata_base::dates::civil_from_days(secs.div_euclid(86_400));
    (y as i32, m as u8, d as u8)
}

pub fn format_day(d: Day) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_partial_dates_and_rejects_impossible_ones() {
        assert_eq!(PartialDate::parse("2015").unwrap().latest(), (2015, 12, 31));
        assert_eq!(
            PartialDate::parse("2016-02").unwrap().latest(),
            (2016, 2, 29)
        );
        assert_eq!(
            PartialDate::parse("2015-01-02").unwrap().earliest(),
            (2015, 1, 2)
        );
        for bad in [
            "2015-02-30",
            "2015-13",
            "2015-00",
            "15",
            "2015-1-02",
            "2015-01-02T00:00",
            "",
            "2015--01",
            "201a",
            "2100-02-29",
        ] {
            assert!(PartialDate::parse(bad).is_none(), "{bad}");
        }
        assert!(PartialDate::parse("2000-02-29").is_some());
    }

    #[test]
    fn civil_dates_from_timestamps() {
        assert_eq!(day_of_timestamp(0), (1970, 1, 1));
        assert_eq!(day_of_timestamp(1_420_156_800), (2015, 1, 2));
        assert_eq!(day_of_timestamp(-1), (1969, 12, 31));
        assert_eq!(day_of_timestamp(951_782_400), (2000, 2, 29));
    }
}
