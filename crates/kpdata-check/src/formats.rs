//! The domain's named formats, usable in any schema (`"format": "partial-date"`):
//!
//! - `partial-date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, each a real calendar date.
//! - `un-1718-ref`: a UN Security Council 1718 Committee reference, `KPi.###` (individuals) or
//!   `KPe.###` (entities).
//! - `imo-number`: a 7-digit IMO ship number whose last digit is the check digit (digits 1–6
//!   weighted 7,6,5,4,3,2, sum mod 10). An `IMO ` prefix is not part of the value.

use crate::dates::PartialDate;

/// A format check: does the string have the format?
pub type FormatCheck = fn(&str) -> bool;

pub const FORMATS: &[(&str, FormatCheck)] = &[
    ("partial-date", is_partial_date),
    ("un-1718-ref", is_un_1718_ref),
    ("imo-number", is_imo_number),
];

pub fn is_partial_date(s: &str) -> bool {
    PartialDate::parse(s).is_some()
}

pub fn is_un_1718_ref(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && &b[..2] == b"KP"
        && (b[2] == b'i' || b[2] == b'e')
        && b[3] == b'.'
        && b[4..].iter().all(u8::is_ascii_digit)
}

pub use kpdata_base::ident::is_imo_number;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imo_is_a_format() {
        let imo = FORMATS.iter().find(|(n, _)| *n == "imo-number").unwrap().1;
        assert!(imo("9132612") && !imo("9132613") && !imo("IMO 9132612"));
    }

    #[test]
    fn un_refs() {
        assert!(is_un_1718_ref("KPi.013"));
        assert!(is_un_1718_ref("KPe.075"));
        for bad in [
            "KPI.013", "KPi.13", "KPi.013 ", "KPx.001", "KPi-013", "kpi.013",
        ] {
            assert!(!is_un_1718_ref(bad), "{bad}");
        }
    }
}
