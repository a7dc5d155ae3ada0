//! Primary keys, unique constraints and foreign keys, checked in record order after the
//! per-record checks. Key values are remembered as 128-bit hashes (16 bytes a key plus the row),
//! so memory grows with the number of keys, not their length.

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;

use kpdata_diagnostics::rules::keys as kr;
use kpdata_diagnostics::{escape_value, Diagnostic};

/// The hash of a key: two independent 64-bit aHash values with seeds drawn at random once per
/// process, so nobody can craft colliding keys in advance. Sets keep only these 128 bits
/// (16 bytes a key); equal keys always hash equal, and a collision of different keys has a
/// probability of about n²/2¹²⁹.
pub fn key_hash(text: &str) -> u128 {
    static SEEDS: std::sync::OnceLock<(ahash::RandomState, ahash::RandomState)> =
        std::sync::OnceLock::new();
    let (a, b) = SEEDS.get_or_init(|| (ahash::RandomState::new(), ahash::RandomState::new()));
    ((a.hash_one(text) as u128) << 64) | b.hash_one(text) as u128
}

/// The keys are already random hashes: the maps use their low bits as they are.
#[derive(Default, Clone, Copy)]
pub struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

pub type Build = std::hash::BuildHasherDefault<PreHashed>;

pub fn show_key(fields: &[String], text: &str) -> String {
    let parts: Vec<&str> = text.split(KEY_SEPARATOR).collect();
    if fields.len() == 1 {
        format!("`{}` = `{}`", fields[0], escape_value(text, 80))
    } else {
        let pairs: Vec<String> = fields
            .iter()
            .zip(parts)
            .map(|(f, v)| format!("{f}=`{}`", escape_value(v, 60)))
            .collect();
        format!("({})", pairs.join(", "))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Primary,
    Unique,
}

/// Separates the parts of a composite key (and the items of an array field) in a key's text.
pub const KEY_SEPARATOR: char = '\u{1F}';

/// The parts of a key's text: `text.split(KEY_SEPARATOR)`, found with `memchr` (one byte,
/// ASCII, so every cut is a character boundary), without `str::split`'s comparison call per
/// part (measurable on the thread that merges records).
pub fn key_parts(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut cuts = memchr::memchr_iter(KEY_SEPARATOR as u8, text.as_bytes());
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let end = cuts.next().unwrap_or_else(|| {
            done = true;
            text.len()
        });
        let part = &text[start..end];
        start = end + 1;
        Some(part)
    })
}

/// Duplicate detection for one key of one file.
#[derive(Debug)]
pub struct UniqueIndex {
    pub kind: KeyKind,
    pub fields: Vec<String>,
    seen: HashMap<u128, u64, Build>,
}

impl UniqueIndex {
    pub fn new(kind: KeyKind, fields: Vec<String>) -> UniqueIndex {
        UniqueIndex {
            kind,
            fields,
            seen: HashMap::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Every key value seen, as the set a foreign key may point at.
    pub fn key_set(&self) -> KeySet {
        let mut set = HashSet::with_capacity_and_hasher(self.seen.len(), Build::default());
        set.extend(self.seen.keys().copied());
        KeySet { set }
    }

    /// Checks one record's key value; `column` is the first key field's column.
    pub fn check(
        &mut self,
        value: Option<(u128, &str)>,
        row: u64,
        line: u64,
        path: &str,
        column: Option<u64>,
    ) -> Option<Diagnostic> {
        let at = |d: Diagnostic| {
            let d = d
                .path(path.to_string())
                .row(row)
                .line(line)
                .field(self.fields.join(","));
            match column {
                Some(c) => d.column(c),
                None => d,
            }
        };
        let Some((hash, text)) = value else {
            return match self.kind {
                KeyKind::Primary => Some(at(Diagnostic::new(
                    &kr::PRIMARY_KEY,
                    format!("the primary key ({}) is empty", self.fields.join(", ")),
                ))),
                KeyKind::Unique => None,
            };
        };
        let parts = text;
        match self.seen.entry(hash) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(row);
                None
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                let (rule, what) = match self.kind {
                    KeyKind::Primary => (&kr::PRIMARY_KEY, "primary key"),
                    KeyKind::Unique => (&kr::UNIQUE_ERROR, "unique key"),
                };
                Some(at(Diagnostic::new(
                    rule,
                    format!(
                        "the {what} {} repeats row {}",
                        show_key(&self.fields, parts),
                        o.get()
                    ),
                )))
            }
        }
    }
}

/// The set of values a foreign key may point at.
#[derive(Debug, Default, Clone)]
pub struct KeySet {
    set: HashSet<u128, Build>,
}

impl KeySet {
    pub fn insert(&mut self, hash: u128) {
        self.set.insert(hash);
    }
    pub fn contains(&self, hash: u128) -> bool {
        self.set.contains(&hash)
    }
    pub fn len(&self) -> usize {
        self.set.len()
    }
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

/// Calls `f` with (hash, text) of each value a foreign key's key text refers to: the whole
/// key (with its hash, already computed), or each item of an array field.
pub fn each_reference(text: &str, hash: u128, split: bool, mut f: impl FnMut(u128, &str)) {
    if split {
        for item in text.split(KEY_SEPARATOR) {
            f(key_hash(item), item);
        }
    } else {
        f(hash, text);
    }
}

/// One foreign-key value to check: the referencing values (an array field gives several).
#[derive(Debug, Clone)]
pub struct Reference {
    pub text: String,
    pub hash: u128,
    pub row: u64,
    pub line: u64,
}

pub fn foreign_key_finding(
    path: &str,
    fields: &[String],
    target: &str,
    reference: &[String],
    r: &Reference,
    column: Option<u64>,
) -> Diagnostic {
    let mut d = Diagnostic::new(
        &kr::FOREIGN_KEY,
        format!(
            "{} does not exist in `{target}` ({})",
            show_key(fields, &r.text),
            reference.join(", ")
        ),
    )
    .path(path.to_string())
    .row(r.row)
    .line(r.line)
    .field(fields.join(","));
    if let Some(c) = column {
        d = d.column(c);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_parts_split_as_str_split_does() {
        for text in [
            "",
            "a",
            "\u{1F}",
            "a\u{1F}b",
            "\u{1F}a\u{1F}",
            "é\u{1F}\u{1F}ü",
            "a\u{1F}b\u{1F}c",
        ] {
            let ours: Vec<&str> = key_parts(text).collect();
            let std: Vec<&str> = text.split(KEY_SEPARATOR).collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn duplicates_name_the_first_row_and_empty_primary_keys_fire() {
        let mut ix = UniqueIndex::new(KeyKind::Primary, vec!["id".into()]);
        assert!(ix
            .check(Some((key_hash("a"), "a")), 2, 2, "t.csv", Some(1))
            .is_none());
        let d = ix
            .check(Some((key_hash("a"), "a")), 5, 6, "t.csv", Some(1))
            .unwrap();
        assert_eq!(d.name, "primary-key");
        assert!(d.message.contains("repeats row 2"), "{}", d.message);
        assert_eq!((d.row, d.line), (Some(5), Some(6)));
        assert_eq!(
            ix.check(None, 7, 7, "t.csv", None).unwrap().name,
            "primary-key"
        );
        let mut u = UniqueIndex::new(KeyKind::Unique, vec!["a".into(), "b".into()]);
        assert!(u.check(None, 2, 2, "t.csv", None).is_none());
        assert!(u
            .check(
                Some((key_hash("x\u{1F}y"), "x\u{1F}y")),
                3,
                3,
                "t.csv",
                None
            )
            .is_none());
        assert_eq!(
            u.check(
                Some((key_hash("x\u{1F}y"), "x\u{1F}y")),
                4,
                4,
                "t.csv",
                None
            )
            .unwrap()
            .name,
            "unique-error"
        );
    }

    #[test]
    fn key_parts_do_not_run_together() {
        assert_ne!(key_hash("ab\u{1F}c"), key_hash("a\u{1F}bc"));
    }
}
