//! Compatibility of the `ARROW:schema` footer entry.
//!
//! polars 0.55 stores the Arrow schema of a Parquet file with its newest types: `Utf8View` for
//! strings and `BinaryView` for binary. pyarrow reads such a file, but pandas cannot convert
//! `list<string_view>` (`ArrowNotImplementedError`), and older Arrow readers do not know view
//! types at all. The data pages are the same whichever Arrow type is declared, so kpdata writes
//! the file a second time with the schema entry rewritten to `LargeUtf8` / `LargeBinary`.
//!
//! The entry is base64 of `0xFFFFFFFF, len: u32, flatbuffer Message{header: Schema}`. The
//! rewrite walks the flatbuffer and changes only each `Field.type_type` byte; the `Utf8View`
//! and `LargeUtf8` type tables are both empty, so nothing else moves.

const UTF8_VIEW: u8 = 24;
const LARGE_UTF8: u8 = 20;
const BINARY_VIEW: u8 = 23;
const LARGE_BINARY: u8 = 19;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

struct Buf<'a>(&'a mut [u8]);

impl Buf<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        Some(u16::from_le_bytes(self.0.get(at..at + 2)?.try_into().ok()?))
    }
    fn u32(&self, at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(self.0.get(at..at + 4)?.try_into().ok()?))
    }
    /// Absolute position of field `index` of the table at `table`, if present.
    fn field(&self, table: usize, index: usize) -> Option<usize> {
        let soff = self.u32(table)? as i32 as i64;
        let vt = usize::try_from(table as i64 - soff).ok()?;
        let vt_len = self.u16(vt)? as usize;
        let slot = 4 + 2 * index;
        if slot + 2 > vt_len {
            return None;
        }
        let off = self.u16(vt + slot)? as usize;
        (off != 0).then_some(table + off)
    }
    /// Follows the uoffset stored at `at`.
    fn deref(&self, at: usize) -> Option<usize> {
        Some(at + self.u32(at)? as usize)
    }
    /// Tables of the vector whose uoffset is stored at `at`.
    fn tables(&self, at: usize) -> Option<Vec<usize>> {
        let v = self.deref(at)?;
        let n = self.u32(v)? as usize;
        (0..n).map(|i| self.deref(v + 4 + 4 * i)).collect()
    }
    fn patch_field(&mut self, field: usize, depth: usize) -> Option<()> {
        if depth > 64 {
            return None;
        }
        // Field: 0 name, 1 nullable, 2 type_type, 3 type, 4 dictionary, 5 children.
        if let Some(tt) = self.field(field, 2) {
            let t = self.0.get_mut(tt)?;
            *t = match *t {
                UTF8_VIEW => LARGE_UTF8,
                BINARY_VIEW => LARGE_BINARY,
                other => other,
            };
        }
        if let Some(ch) = self.field(field, 5) {
            for c in self.tables(ch)? {
                self.patch_field(c, depth + 1)?;
            }
        }
        Some(())
    }
}

/// Rewrites view types in an encoded `ARROW:schema` value. `None` if it cannot be parsed.
pub fn downgrade_views(encoded: &str) -> Option<String> {
    let mut bytes = base64_decode(encoded)?;
    if bytes.get(0..4)? != [0xFF; 4] {
        return None;
    }
    let msg = &mut bytes[8..];
    let mut b = Buf(msg);
    let root = b.deref(0)?;
    // Message: 0 version, 1 header_type, 2 header.
    let header_type = *b.0.get(b.field(root, 1)?)?;
    if header_type != 1 {
        return None;
    }
    let schema = b.deref(b.field(root, 2)?)?;
    // Schema: 0 endianness, 1 fields.
    if let Some(fields) = b.field(schema, 1) {
        for f in b.tables(fields)? {
            b.patch_field(f, 0)?;
        }
    }
    Some(base64_encode(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for data in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"fooba",
            b"foobar",
            &[0, 255, 7],
        ] {
            let e = base64_encode(data);
            assert_eq!(base64_decode(&e).unwrap(), data);
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
    }
}
