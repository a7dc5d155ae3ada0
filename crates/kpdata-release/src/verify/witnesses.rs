//! The three witnesses of a release folder (the folder itself, `SHA256SUMS`,
//! `datapackage.json`), read once, and the findings for one path they disagree on (see the
//! table in [`super`]).

use std::collections::BTreeMap;

use kpdata_diagnostics::rules::verify::{
    RELEASE_DUPLICATE_ENTRY, RELEASE_FILE_EXTRA, RELEASE_FILE_MISSING, RELEASE_HASH_MISMATCH,
    RELEASE_MANIFEST_INVALID, RELEASE_SIZE_MISMATCH,
};
use kpdata_diagnostics::Diagnostic;
use serde_json::Value;

use super::{shown, FileEntry, MAX_MANIFEST_BYTES};
use crate::build::{digest_ok, DATAPACKAGE};
use crate::descriptor::FILES_KEY;
use crate::sha256_hex;
use crate::sums::{self, SUMS_FILE};

#[derive(Debug, Clone)]
pub(super) struct Listed {
    bytes: Option<u64>,
    hash: String,
}

/// A file of the folder: size, sha256 and (manifests only) bytes.
pub(super) type OnDisk<'a> = (u64, String, Option<&'a [u8]>);

/// What the folder and the two manifests say, read once for every path.
pub(super) struct Witnesses<'a> {
    /// The regular files of the folder.
    pub(super) disk: BTreeMap<&'a String, OnDisk<'a>>,
    /// `SHA256SUMS`: path → (line, hash).
    pub(super) sums: BTreeMap<String, (u64, String)>,
    /// `datapackage.json`: path → size and hash it lists.
    pub(super) listed: BTreeMap<String, Listed>,
    /// Whether `datapackage.json` matches its own digest (`None`: it has none).
    pub(super) dp_self: Option<bool>,
    /// `datapackage.json` parsed and intact: it may witness the other files.
    pub(super) dp_trusted: bool,
    /// It lists every file (`x-kpdata-files`), not only the data resources.
    pub(super) dp_lists_files: bool,
}

/// The regular files of the folder (anything else is a KP602 finding).
pub(super) fn regular_files<'a>(
    files: &'a BTreeMap<String, FileEntry>,
    out: &mut Vec<Diagnostic>,
) -> BTreeMap<&'a String, OnDisk<'a>> {
    let mut disk = BTreeMap::new();
    for (rel, entry) in files {
        match entry {
            FileEntry::Other => out.push(
                Diagnostic::new(
                    &RELEASE_FILE_EXTRA,
                    format!("`{}` is not a regular file", shown(rel)),
                )
                .path(rel.clone()),
            ),
            FileEntry::File(bytes) => {
                disk.insert(
                    rel,
                    (bytes.len() as u64, sha256_hex(bytes), Some(&bytes[..])),
                );
            }
            FileEntry::Hashed { size, sha256 } => {
                disk.insert(rel, (*size, sha256.clone(), None));
            }
        }
    }
    disk
}

fn too_large(name: &str) -> Diagnostic {
    Diagnostic::new(
        &RELEASE_MANIFEST_INVALID,
        format!("{name} is larger than {MAX_MANIFEST_BYTES} bytes; it was not read"),
    )
    .path(name)
}

/// `SHA256SUMS`: path → (line, hash); malformed lines and paths listed twice are findings.
pub(super) fn read_sums(
    disk: &BTreeMap<&String, OnDisk<'_>>,
    out: &mut Vec<Diagnostic>,
) -> BTreeMap<String, (u64, String)> {
    let mut sums: BTreeMap<String, (u64, String)> = BTreeMap::new();
    let bytes = match disk.get(&SUMS_FILE.to_string()) {
        None => {
            out.push(
                Diagnostic::new(&RELEASE_MANIFEST_INVALID, "SHA256SUMS is missing").path(SUMS_FILE),
            );
            return sums;
        }
        Some((_, _, None)) => {
            out.push(too_large(SUMS_FILE));
            return sums;
        }
        Some((_, _, Some(bytes))) => bytes,
    };
    let (entries, bad) = sums::parse(bytes);
    for b in bad {
        out.push(
            Diagnostic::new(
                &RELEASE_MANIFEST_INVALID,
                format!("SHA256SUMS line {}: {}", b.line, shown(&b.problem)),
            )
            .path(SUMS_FILE)
            .line(b.line),
        );
    }
    for e in entries {
        if let Some((first, _)) = sums.get(&e.path) {
            out.push(
                Diagnostic::new(
                    &RELEASE_DUPLICATE_ENTRY,
                    format!(
                        "SHA256SUMS lists `{}` twice (lines {first} and {})",
                        shown(&e.path),
                        e.line
                    ),
                )
                .path(SUMS_FILE)
                .line(e.line),
            );
        } else {
            sums.insert(e.path, (e.line, e.hash));
        }
    }
    sums
}

/// `datapackage.json`: what it lists, and whether it can be trusted as a witness (parsed, and
/// its own digest intact, or without one its hash in `SHA256SUMS`).
pub(super) fn read_datapackage<'a>(
    disk: BTreeMap<&'a String, OnDisk<'a>>,
    sums: BTreeMap<String, (u64, String)>,
    out: &mut Vec<Diagnostic>,
) -> Witnesses<'a> {
    let mut listed: BTreeMap<String, Listed> = BTreeMap::new();
    let mut dp_self: Option<bool> = None;
    let mut dp_parsed = false;
    let mut dp_lists_files = false;
    if let Some((_, _, None)) = disk.get(&DATAPACKAGE.to_string()) {
        out.push(too_large(DATAPACKAGE));
    }
    if let Some((_, _, Some(bytes))) = disk.get(&DATAPACKAGE.to_string()) {
        dp_self = digest_ok(bytes);
        match serde_json::from_slice::<Value>(bytes) {
            Err(e) => out.push(
                Diagnostic::new(
                    &RELEASE_MANIFEST_INVALID,
                    format!("datapackage.json is not valid JSON: {e}"),
                )
                .path(DATAPACKAGE),
            ),
            Ok(v) => {
                dp_parsed = true;
                dp_lists_files = v.get(FILES_KEY).is_some();
                read_descriptor(&v, &mut listed, out);
            }
        }
    }
    let dp_hash = disk.get(&DATAPACKAGE.to_string()).map(|d| d.1.clone());
    let dp_matches_sums = match (&dp_hash, sums.get(DATAPACKAGE)) {
        (Some(h), Some((_, s))) => h == s,
        _ => false,
    };
    let dp_trusted = dp_parsed
        && match dp_self {
            Some(ok) => ok,
            None => dp_matches_sums,
        };
    Witnesses {
        disk,
        sums,
        listed,
        dp_self,
        dp_trusted,
        dp_lists_files,
    }
}

impl Witnesses<'_> {
    /// What `datapackage.json` says of `p`, when it can be trusted.
    fn listed(&self, p: &str) -> Option<&Listed> {
        if self.dp_trusted {
            self.listed.get(p)
        } else {
            None
        }
    }

    /// `p` is listed but not in the folder.
    pub(super) fn missing(&self, p: &String, out: &mut Vec<Diagnostic>) {
        let s = self.sums.get(p);
        let d = self.listed(p);
        if s.is_some() && d.is_none() && self.dp_trusted && p != DATAPACKAGE {
            let mut f = Diagnostic::new(
                &RELEASE_MANIFEST_INVALID,
                format!(
                    "SHA256SUMS lists `{}`, which is neither in the folder nor in datapackage.json",
                    shown(p)
                ),
            )
            .path(SUMS_FILE);
            if let Some((line, _)) = s {
                f = f.line(*line);
            }
            out.push(f);
        } else {
            let by = match (s.is_some(), d.is_some()) {
                (true, true) => "SHA256SUMS and datapackage.json list it",
                (true, false) => "SHA256SUMS lists it",
                _ => "datapackage.json lists it",
            };
            out.push(
                Diagnostic::new(
                    &RELEASE_FILE_MISSING,
                    format!("`{}` is missing ({by})", shown(p)),
                )
                .path(p.clone()),
            );
        }
    }

    /// `datapackage.json` (present, with sha256 `hash`) against `SHA256SUMS` and its own digest.
    pub(super) fn datapackage(&self, hash: &str, out: &mut Vec<Diagnostic>) {
        match self.sums.get(DATAPACKAGE) {
            None => out.push(
                Diagnostic::new(
                    &RELEASE_MANIFEST_INVALID,
                    "SHA256SUMS does not list datapackage.json",
                )
                .path(SUMS_FILE),
            ),
            Some((line, sh)) if sh != hash => {
                if self.dp_self == Some(true) {
                    out.push(
                        Diagnostic::new(
                            &RELEASE_HASH_MISMATCH,
                            format!("SHA256SUMS line {line}: the hash of datapackage.json is wrong (the descriptor's own digest is intact)"),
                        )
                        .path(SUMS_FILE)
                        .line(*line),
                    );
                } else {
                    out.push(
                        Diagnostic::new(
                            &RELEASE_HASH_MISMATCH,
                            "datapackage.json does not match its sha256 in SHA256SUMS",
                        )
                        .path(DATAPACKAGE),
                    );
                }
            }
            Some(_) => {
                if self.dp_self == Some(false) {
                    out.push(
                        Diagnostic::new(
                            &RELEASE_HASH_MISMATCH,
                            "datapackage.json does not match its own digest (x-kpdata-digest)",
                        )
                        .path(DATAPACKAGE),
                    );
                }
            }
        }
    }

    /// Any other file in the folder (`size` bytes, sha256 `hash`) against its two witnesses.
    pub(super) fn file(&self, p: &String, size: u64, hash: &str, out: &mut Vec<Diagnostic>) {
        match (self.sums.get(p), self.listed(p)) {
            (None, None) => out.push(
                Diagnostic::new(
                    &RELEASE_FILE_EXTRA,
                    format!(
                        "`{}` is not listed in SHA256SUMS; it is not part of the release",
                        shown(p)
                    ),
                )
                .path(p.clone()),
            ),
            (None, Some(d)) => {
                out.push(
                    Diagnostic::new(
                        &RELEASE_MANIFEST_INVALID,
                        format!(
                            "SHA256SUMS does not list `{}`, which datapackage.json lists",
                            shown(p)
                        ),
                    )
                    .path(SUMS_FILE),
                );
                if d.hash != hash {
                    out.push(mismatch(p, size, d));
                }
            }
            (Some((line, sh)), None) => {
                if self.dp_trusted && self.dp_lists_files {
                    // Listed by SHA256SUMS and present, but unknown to an intact descriptor.
                    out.push(
                        Diagnostic::new(
                            &RELEASE_FILE_EXTRA,
                            format!(
                                "`{}` is not part of the release (datapackage.json does not list it)",
                                shown(p)
                            ),
                        )
                        .path(p.clone()),
                    );
                } else if sh != hash {
                    out.push(
                        Diagnostic::new(
                            &RELEASE_HASH_MISMATCH,
                            format!(
                                "`{}` does not match its sha256 in SHA256SUMS (line {line})",
                                shown(p)
                            ),
                        )
                        .path(p.clone()),
                    );
                }
            }
            (Some((line, sh)), Some(d)) => {
                let s_ok = sh == hash;
                let d_ok = d.hash == hash && d.bytes.is_none_or(|b| b == size);
                match (s_ok, d_ok) {
                    (true, true) => {}
                    (false, true) => out.push(
                        Diagnostic::new(
                            &RELEASE_HASH_MISMATCH,
                            format!(
                                "SHA256SUMS line {line}: the hash of `{}` is wrong (the file matches datapackage.json)",
                                shown(p)
                            ),
                        )
                        .path(SUMS_FILE)
                        .line(*line),
                    ),
                    (true, false) => out.push(
                        Diagnostic::new(
                            &RELEASE_HASH_MISMATCH,
                            format!(
                                "datapackage.json lists a wrong size or hash for `{}` (the file matches SHA256SUMS)",
                                shown(p)
                            ),
                        )
                        .path(DATAPACKAGE),
                    ),
                    (false, false) => out.push(mismatch(p, size, d)),
                }
            }
        }
    }
}

fn mismatch(p: &str, size: u64, d: &Listed) -> Diagnostic {
    match d.bytes {
        Some(b) if b != size => Diagnostic::new(
            &RELEASE_SIZE_MISMATCH,
            format!("`{}` has {size} bytes; datapackage.json says {b}", shown(p)),
        )
        .path(p),
        _ => Diagnostic::new(
            &RELEASE_HASH_MISMATCH,
            format!(
                "`{}` does not match its sha256 in the release manifests",
                shown(p)
            ),
        )
        .path(p),
    }
}

/// Collects path → (bytes, hash) from `resources` and `x-kpdata-files`.
fn read_descriptor(v: &Value, listed: &mut BTreeMap<String, Listed>, out: &mut Vec<Diagnostic>) {
    let invalid = |msg: String| Diagnostic::new(&RELEASE_MANIFEST_INVALID, msg).path(DATAPACKAGE);
    let Some(obj) = v.as_object() else {
        out.push(invalid("datapackage.json is not a JSON object".into()));
        return;
    };
    let mut resource_paths = std::collections::BTreeSet::new();
    for (key, list) in [
        ("resources", obj.get("resources")),
        (FILES_KEY, obj.get(FILES_KEY)),
    ] {
        let Some(list) = list else {
            if key == "resources" {
                out.push(invalid("datapackage.json has no `resources`".into()));
            }
            continue;
        };
        let Some(items) = list.as_array() else {
            out.push(invalid(format!(
                "datapackage.json: `{key}` is not an array"
            )));
            continue;
        };
        let mut seen = std::collections::BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            let path = item.get("path").and_then(Value::as_str);
            let Some(path) = path else {
                if key == "resources" && item.get("data").is_some() {
                    continue; // inline data: nothing on disk
                }
                out.push(invalid(format!(
                    "datapackage.json: {key}[{i}] has no string `path`"
                )));
                continue;
            };
            if kpdata_package::check_relative(path).is_err()
                || path.split('/').any(|c| c.is_empty() || c == ".")
            {
                out.push(invalid(format!(
                    "datapackage.json: {key}[{i}] path `{}` is not a plain relative path",
                    shown(path)
                )));
                continue;
            }
            if !seen.insert(path.to_string()) {
                out.push(
                    Diagnostic::new(
                        &RELEASE_DUPLICATE_ENTRY,
                        format!("datapackage.json lists `{}` twice in `{key}`", shown(path)),
                    )
                    .path(DATAPACKAGE),
                );
                continue;
            }
            let hash = item
                .get("hash")
                .and_then(Value::as_str)
                .and_then(|h| h.strip_prefix("sha256:"))
                .filter(|h| {
                    h.len() == 64
                        && h.bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                });
            let Some(hash) = hash else {
                out.push(invalid(format!(
                    "datapackage.json: {key}[{i}] (`{}`) has no `hash` of the form sha256:<64 lowercase hex digits>",
                    shown(path)
                )));
                continue;
            };
            let bytes = item.get("bytes").and_then(Value::as_u64);
            if key == "resources" {
                resource_paths.insert(path.to_string());
            }
            match listed.get(path) {
                Some(prev)
                    if prev.hash != hash
                        || (bytes.is_some() && prev.bytes.is_some() && prev.bytes != bytes) =>
                {
                    out.push(invalid(format!(
                        "datapackage.json lists two different hashes or sizes for `{}`",
                        shown(path)
                    )));
                }
                Some(_) => {}
                None => {
                    listed.insert(
                        path.to_string(),
                        Listed {
                            bytes,
                            hash: hash.to_string(),
                        },
                    );
                }
            }
        }
    }
}
