//! Commit times (seconds since the Unix epoch) as RFC 3339 UTC and calendar dates. No wall clock.

pub use kpdata_base::dates::{civil_from_days, days_from_civil};

/// `2026-11-28T03:19:17Z`
pub fn rfc3339(secs: i64) -> String {
    kpdata_git::utc_rfc3339(secs)
}

/// `2026-11-28` (UTC)
pub fn date(secs: i64) -> String {
    kpdata_git::utc_date(secs)
}

/// Parses a full `YYYY-MM-DD` date (a real calendar day) into days since 1970-01-01.
pub fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = &s[r];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)? as u32, digits(8..10)? as u32);
    if !kpdata_base::dates::is_real_day(y, m, d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_commit_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(date(1_700_000_000), "2023-11-14");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn parses_real_dates_only() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        for bad in [
            "2023-02-29",
            "2015-13-01",
            "2015-1-01",
            "2015",
            "2015-01-00",
            "x015-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        for days in [-800_000, -1, 0, 1, 19_782, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
