//! The standard `format`s of JSON Schema 2020-12 the fast path decides on the cell text:
//! `date`, `time`, `date-time` (RFC 3339), `uuid`, `ipv4`, `ipv6`, `email` and `uri`.
//!
//! Each check answers `Some(verdict)` only when it is sure the `jsonschema` crate gives the
//! same verdict, and `None` otherwise; the caller then asks `jsonschema` about that one string.
//! `date`, `uuid`, `ipv4` and `ipv6` always answer; `time` and `date-time` leave only leap
//! seconds (`:60`) to `jsonschema`; `email` and `uri` answer `true` for the plain shapes data
//! holds (`name@example.org`, `https://host/path?q`) and leave everything else to it.
//! `tests/fast_path.rs` compares every answer with `jsonschema` on generated strings.

/// A standard format check: the verdict, or None when `jsonschema` must decide.
pub type StdCheck = fn(&str) -> Option<bool>;

/// The check for a standard format name, if the fast path has one.
pub fn std_format(name: &str) -> Option<StdCheck> {
    Some(match name {
        "date" => |s| Some(is_date(s)),
        "time" => time,
        "date-time" => date_time,
        "uuid" => |s| Some(is_uuid(s)),
        "ipv4" => |s| Some(s.parse::<std::net::Ipv4Addr>().is_ok()),
        "ipv6" => |s| Some(s.parse::<std::net::Ipv6Addr>().is_ok()),
        "email" => |s| plain_email(s).then_some(true),
        "uri" => |s| plain_uri(s).then_some(true),
        _ => return None,
    })
}

fn two_digits(b: &[u8]) -> Option<u32> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some(u32::from(a - b'0') * 10 + u32::from(c - b'0')),
        _ => None,
    }
}

/// RFC 3339 `full-date`: `YYYY-MM-DD`, a real calendar day (year 0000 included).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(hi), Some(lo), Some(month), Some(day)) = (
        two_digits(&b[0..2]),
        two_digits(&b[2..4]),
        two_digits(&b[5..7]),
        two_digits(&b[8..10]),
    ) else {
        return false;
    };
    let year = hi * 100 + lo;
    kpdata_base::dates::is_real_day(year.into(), month, day)
}

/// RFC 3339 `full-time`: `HH:MM:SS[.frac](Z|z|±HH:MM)`. None for a leap second.
fn time(s: &str) -> Option<bool> {
    let b = s.as_bytes();
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return Some(false);
    }
    let (Some(h), Some(m), Some(sec)) = (
        two_digits(&b[0..2]),
        two_digits(&b[3..5]),
        two_digits(&b[6..8]),
    ) else {
        return Some(false);
    };
    if h > 23 || m > 59 || sec > 60 {
        return Some(false);
    }
    if sec == 60 {
        return None;
    }
    let mut i = 8;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Some(false);
        }
    }
    Some(match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let o = &b[i + 1..];
            o.len() == 5
                && o[2] == b':'
                && two_digits(&o[0..2]).is_some_and(|x| x <= 23)
                && two_digits(&o[3..5]).is_some_and(|x| x <= 59)
        }
        _ => false,
    })
}

/// RFC 3339 `date-time`: a `full-date`, `T` (or `t`), a `full-time`.
fn date_time(s: &str) -> Option<bool> {
    let Some(t) = s.bytes().position(|b| b == b'T' || b == b't') else {
        return Some(false);
    };
    if !is_date(&s[..t]) {
        return Some(false);
    }
    time(&s[t + 1..])
}

/// A hyphenated UUID: 8-4-4-4-12 hexadecimal digits, either case. Checked without a branch
/// per byte: whether a random hex digit is a letter or a digit cannot be predicted, and the
/// mispredictions cost more than the rest of the check.
pub fn is_uuid(s: &str) -> bool {
    let Ok(b) = <&[u8; 36]>::try_from(s.as_bytes()) else {
        return false;
    };
    let mut ok = true;
    for (i, &c) in b.iter().enumerate() {
        ok &= if matches!(i, 8 | 13 | 18 | 23) {
            c == b'-'
        } else {
            HEX[c as usize]
        };
    }
    ok
}

static HEX: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_hexdigit();
        c += 1;
    }
    t
};

/// A DNS name of at least two labels: each 1 to 63 letters, digits or inner hyphens (no
/// `--`), the last all letters, 253 bytes at most.
fn plain_host(h: &str) -> bool {
    if h.is_empty() || h.len() > 253 {
        return false;
    }
    let mut labels = 0;
    let mut last = "";
    for label in h.split('.') {
        let b = label.as_bytes();
        if b.is_empty()
            || b.len() > 63
            || b[0] == b'-'
            || b[b.len() - 1] == b'-'
            || label.contains("--")
            || !b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && last.len() >= 2 && last.bytes().all(|c| c.is_ascii_alphabetic())
}

/// `local@host` with a dot-atom local part of letters, digits and `._+-` (no leading,
/// trailing or doubled dot, 64 bytes at most) and a [`plain_host`].
fn plain_email(s: &str) -> bool {
    let Some((local, host)) = s.split_once('@') else {
        return false;
    };
    let l = local.as_bytes();
    !l.is_empty()
        && l.len() <= 64
        && s.len() <= 254
        && l[0] != b'.'
        && l[l.len() - 1] != b'.'
        && !local.contains("..")
        && l.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'+' | b'-'))
        && plain_host(host)
}

/// `scheme://host[:port][/path][?query][#fragment]` with a letters-only scheme, a
/// [`plain_host`], a port of 1 to 5 digits, and the rest of unreserved characters, sub-delims,
/// `:@/` (and `?` after the path), percent escapes with two hex digits.
fn plain_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    let sb = scheme.as_bytes();
    if sb.is_empty() || !sb.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host = match authority.split_once(':') {
        Some((h, port)) => {
            if port.is_empty() || port.len() > 5 || !port.bytes().all(|c| c.is_ascii_digit()) {
                return false;
            }
            h
        }
        None => authority,
    };
    if !plain_host(host) {
        return false;
    }
    let (before_frag, frag) = match tail.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (tail, None),
    };
    let (path, query) = match before_frag.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_frag, None),
    };
    uri_chars(path, false)
        && query.is_none_or(|q| uri_chars(q, true))
        && frag.is_none_or(|f| uri_chars(f, true))
}

fn uri_chars(s: &str, question: bool) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
            continue;
        }
        let ok = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
            )
            || (question && c == b'?');
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}
