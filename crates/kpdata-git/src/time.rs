//! Commit times as UTC calendar strings, without a date crate.

pub use kpdata_base::dates::civil_from_days;

/// `YYYY-MM-DD` (UTC) of a time in seconds since the epoch.
pub fn utc_date(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// RFC 3339 in UTC (`2024-02-29T13:05:09Z`) of a time in seconds since the epoch.
pub fn utc_rfc3339(secs: i64) -> String {
    let rem = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        utc_date(secs),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_rfc3339(1_709_211_909), "2024-02-29T13:05:09Z");
        assert_eq!(utc_rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(utc_date(253_402_300_799), "9999-12-31");
    }
}
