//! Dates as the lists write them, turned into partial dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`)
//! without adding precision: `Nov 1950` is `1950-11`, never `1950-11-01`.

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn days_in(y: u32, m: u32) -> u32 {
    kpdata_base::dates::days_in_month(y.into(), m)
}

fn year(s: &str) -> Option<u32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .filter(|y| *y >= 1000)
}

/// An OFAC date: `27 Apr 1941`, `Apr 1941` or `1941` (the SDN file's only forms).
pub fn ofac_date(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split(' ').collect();
    match parts.as_slice() {
        [y] => year(y).map(|y| format!("{y:04}")),
        [m, y] => {
            let m = MONTHS.iter().position(|x| x == m)? as u32 + 1;
            Some(format!("{:04}-{m:02}", year(y)?))
        }
        [d, m, y] => {
            let y = year(y)?;
            let m = MONTHS.iter().position(|x| x == m)? as u32 + 1;
            if d.len() != 2 || !d.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let d: u32 = d.parse().ok()?;
            (d >= 1 && d <= days_in(y, m)).then(|| format!("{y:04}-{m:02}-{d:02}"))
        }
        _ => None,
    }
}

/// An OFAC date range `A to B` (both [`ofac_date`]s, A not after B).
pub fn ofac_date_range(s: &str) -> Option<(String, String)> {
    let (a, b) = s.split_once(" to ")?;
    let (a, b) = (ofac_date(a)?, ofac_date(b)?);
    (a <= b).then_some((a, b))
}

/// A UN ISO date `YYYY-MM-DD` (a real calendar day) or a year `YYYY`.
pub fn iso_partial(s: &str) -> Option<String> {
    if let Some(y) = year(s) {
        return Some(format!("{y:04}"));
    }
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = year(&s[..4])?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..10].parse().ok()?;
    ((1..=12).contains(&m) && d >= 1 && d <= days_in(y, m)).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ofac_forms() {
        assert_eq!(ofac_date("27 Apr 1941").as_deref(), Some("1941-04-27"));
        assert_eq!(ofac_date("Apr 1941").as_deref(), Some("1941-04"));
        assert_eq!(ofac_date("1941").as_deref(), Some("1941"));
        assert_eq!(ofac_date("29 Feb 1941"), None);
        assert_eq!(ofac_date("7 Apr 1941"), None);
        assert_eq!(ofac_date("27 April 1941"), None);
        assert_eq!(
            ofac_date_range("1960 to 1962"),
            Some(("1960".into(), "1962".into()))
        );
        assert_eq!(ofac_date_range("1962 to 1960"), None);
        assert_eq!(iso_partial("2016-02-29").as_deref(), Some("2016-02-29"));
        assert_eq!(iso_partial("2015-02-29"), None);
    }
}
