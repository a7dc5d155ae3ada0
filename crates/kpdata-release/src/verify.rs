//! `kpdata verify`: checks a release folder against `SHA256SUMS` and `datapackage.json`.
//!
//! Every file but the two manifests has two witnesses: its line in `SHA256SUMS` and its entry in
//! `datapackage.json` (`resources` for data, `x-kpdata-files` for all). `datapackage.json` has
//! its line in `SHA256SUMS` and its own digest (`x-kpdata-digest`). `SHA256SUMS` is checked by
//! its strict line format and by the other witnesses. So when a file and a checksum disagree, the
//! third witness says which of the two is damaged, and each finding names the damaged file:
//!
//! | the file's hash matches | finding |
//! |---|---|
//! | both witnesses | none |
//! | neither (same size as listed) | KP603 on the file |
//! | neither (other size) | KP604 on the file (truncated or padded) |
//! | `datapackage.json` only | KP603 on `SHA256SUMS` (its line is wrong) |
//! | `SHA256SUMS` only | KP603 on `datapackage.json` |
//!
//! A listed file that is absent is KP601; an unlisted file is KP602; a path listed twice is
//! KP605; a malformed or missing manifest is KP606.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use kpdata_diagnostics::{escape_value, Diagnostic};

use crate::build::DATAPACKAGE;
use crate::sums::SUMS_FILE;
use crate::ReleaseError;

mod witnesses;

use witnesses::{read_datapackage, read_sums, regular_files};

fn shown(p: &str) -> String {
    escape_value(p, 200)
}

/// One entry of a release folder as read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileEntry {
    /// A regular file and its bytes.
    File(Vec<u8>),
    /// A regular file read as a stream: its size and sha256 (lowercase hex), bytes not kept.
    Hashed { size: u64, sha256: String },
    /// A symbolic link, device, socket...: never part of a release.
    Other,
}

/// The manifests (`SHA256SUMS`, `datapackage.json`) are parsed, so they are kept in memory; a
/// larger one is a finding. Every other file is hashed as a stream and never held whole.
pub const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// Verifies the release folder `dir`. `Err` only when `dir` is not a readable folder; every
/// problem with its content is a finding (sorted by path).
pub fn verify(dir: &Path) -> Result<Vec<Diagnostic>, ReleaseError> {
    let md = fs::metadata(dir)
        .map_err(|e| ReleaseError::new(format!("cannot open `{}`: {e}", dir.display())))?;
    if !md.is_dir() {
        return Err(
            ReleaseError::new(format!("`{}` is not a folder", dir.display()))
                .hint("pass the release folder, e.g. `kpdata verify dist/1.0.0`"),
        );
    }
    let listing = crate::stage::list_files(dir)
        .map_err(|e| ReleaseError::new(format!("cannot list `{}`: {e}", dir.display())))?;
    let mut files = BTreeMap::new();
    for (rel, path) in listing {
        let manifest = rel == SUMS_FILE || rel == DATAPACKAGE;
        let entry = read_entry(&path, manifest)
            .map_err(|e| ReleaseError::new(format!("cannot read `{}`: {e}", shown(&rel))))?;
        files.insert(rel, entry);
    }
    Ok(verify_files(&files))
}

/// Opens `path` once (no link followed, no blocking open) and checks the open handle: anything
/// but a regular file is [`FileEntry::Other`]. A manifest of at most [`MAX_MANIFEST_BYTES`] is
/// kept whole; any other file is hashed in 1 MiB chunks as it is read.
fn read_entry(path: &Path, manifest: bool) -> std::io::Result<FileEntry> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = match kpdata_package::open_regular(path, false) {
        Ok(f) => f,
        // A link (ELOOP under O_NOFOLLOW), a socket (ENXIO) or another non-regular file:
        // reported, never read.
        Err(e) if e.kind() == std::io::ErrorKind::Other || !is_regular(path) => {
            return Ok(FileEntry::Other)
        }
        Err(e) => return Err(e),
    };
    if manifest && f.metadata()?.len() <= MAX_MANIFEST_BYTES {
        let mut bytes = Vec::new();
        (&mut f)
            .take(MAX_MANIFEST_BYTES + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 <= MAX_MANIFEST_BYTES {
            return Ok(FileEntry::File(bytes));
        }
        // Grew while read: hash the rest as a stream.
        let mut h = Sha256::new();
        h.update(&bytes);
        let size = bytes.len() as u64 + hash_into(&mut f, &mut h)?;
        return Ok(FileEntry::Hashed {
            size,
            sha256: hex::encode(h.finalize()),
        });
    }
    let mut h = Sha256::new();
    let size = hash_into(&mut f, &mut h)?;
    Ok(FileEntry::Hashed {
        size,
        sha256: hex::encode(h.finalize()),
    })
}

/// Feeds everything `f` reads into `h` in 1 MiB chunks; returns the byte count.
fn hash_into(f: &mut impl std::io::Read, h: &mut sha2::Sha256) -> std::io::Result<u64> {
    use sha2::Digest;
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => return Ok(size),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..n]);
        size += n as u64;
    }
}

/// Whether `path` is a regular file, not following a link (after a failed open: which
/// finding to give, never whether to read).
fn is_regular(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

/// Verifies a release given as relative path → entry (what [`verify`] reads from disk).
pub fn verify_files(files: &BTreeMap<String, FileEntry>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let disk = regular_files(files, &mut out);
    let sums = read_sums(&disk, &mut out);
    let w = read_datapackage(disk, sums, &mut out);

    // Every path any witness or the folder knows.
    let mut paths: Vec<&String> = w.disk.keys().copied().chain(w.sums.keys()).collect();
    if w.dp_trusted {
        paths.extend(w.listed.keys());
    }
    paths.sort();
    paths.dedup();
    for p in paths {
        // The signature signs SHA256SUMS and is checked by `sign::check_folder`.
        if p == SUMS_FILE || p == crate::sign::SIGNATURE_FILE {
            continue;
        }
        match w.disk.get(p) {
            None => w.missing(p, &mut out),
            Some((_, hash, _)) if p == DATAPACKAGE => w.datapackage(hash, &mut out),
            Some((size, hash, _)) => w.file(p, *size, hash, &mut out),
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}
