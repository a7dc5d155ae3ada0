//! Identifier check digits.

/// Whether `s` is an IMO ship number: exactly 7 ASCII digits whose last is the check digit
/// (digits 1–6 weighted 7, 6, 5, 4, 3, 2; the sum mod 10). An `IMO ` prefix is not part of
/// the number.
pub fn is_imo_number(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 7 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..6]
        .iter()
        .zip([7u32, 6, 5, 4, 3, 2])
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    sum % 10 == (b[6] - b'0') as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imo_check_digit_vectors() {
        // 9132612: 9·7 + 1·6 + 3·5 + 2·4 + 6·3 + 1·2 = 112, check digit 2.
        for ok in ["9132612", "8514435", "8682969", "0000000"] {
            assert!(is_imo_number(ok), "{ok}");
        }
        for bad in [
            "9132613",
            "913261",
            "91326120",
            "IMO9132612",
            "913261a",
            "",
            "９１３２６１２", // fullwidth digits are not ASCII digits
            "913261\u{0662}",
        ] {
            assert!(!is_imo_number(bad), "{bad}");
        }
    }
}
