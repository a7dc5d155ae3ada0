//! Every file of a release from one [`Input`], written to an [`Output`] one at a time:
//! deterministic by construction (sorted keys, sorted files, times from the commit, no paths
//! of the machine).

use std::collections::BTreeMap;

use semver::Version;
use serde_json::{json, Map, Value};

use crate::descriptor::{self, DIGEST_KEY, FILES_KEY, PARQUET_MEDIATYPE, PROFILE};
use crate::folder;
use crate::frame::{Encoder, Frame};
use crate::frame_csv::write_csv;
use crate::frame_json::write_json;
use crate::input::{Input, SOURCES_DIR};
use crate::output::{write_file, Hashing, MemoryOutput, Output, Written};
use crate::sums::{self, SUMS_FILE};
use crate::targets::Targets;
use crate::version::Bump;
use crate::{sha256_hex, ReleaseError};

pub const DATAPACKAGE: &str = "datapackage.json";
pub const CITATION: &str = "CITATION.cff";
pub const CHANGES_MD: &str = "CHANGES.md";
pub const CHANGES_JSON: &str = "changes.json";

/// What changed since the previous release.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeLog {
    /// No earlier release tag: CHANGES.md says "first release" with record counts.
    First,
    /// Changes since `previous`, from the record-level diff.
    Since {
        previous: Version,
        required: Bump,
        /// The diff rendered as Markdown (kpdata-diff's renderer).
        markdown: String,
        /// The diff as JSON (kpdata-diff's `PackageDiff`).
        diff: Value,
    },
}

/// A release in memory: path (`/`-separated, relative) → bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Release {
    pub files: BTreeMap<String, Vec<u8>>,
    /// Published rows per dataset, in manifest order.
    pub rows: Vec<(String, usize)>,
}

/// What [`build_into`] wrote: every file's size and sha256, and the rows per dataset.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Built {
    pub files: BTreeMap<String, Written>,
    /// Published rows per dataset, in manifest order.
    pub rows: Vec<(String, usize)>,
}

/// Progress callback: a short description of the step being started.
pub type Progress<'a> = dyn FnMut(&str) + 'a;

/// Builds every file of release `version` of `input` in memory (tests, `--check`).
pub fn build(
    input: &Input,
    version: &Version,
    changes: &ChangeLog,
    encoder: &dyn Encoder,
    progress: &mut Progress<'_>,
) -> Result<Release, ReleaseError> {
    let out = MemoryOutput::default();
    let built = build_into(
        &mut input.clone(),
        version,
        changes,
        encoder,
        &out,
        progress,
    )?;
    Ok(Release {
        files: out.into_files(),
        rows: built.rows,
    })
}

fn write_failed(path: &str) -> impl Fn(std::io::Error) -> ReleaseError + '_ {
    move |e| ReleaseError::new(format!("cannot write `{path}`: {e}"))
}

/// Writes one whole file to `out` and records it in `files`.
fn put(
    out: &dyn Output,
    files: &mut BTreeMap<String, Written>,
    path: String,
    bytes: &[u8],
) -> Result<(), ReleaseError> {
    let written = write_file(out, &path, bytes).map_err(write_failed(&path))?;
    files.insert(path, written);
    Ok(())
}

/// Writes the Parquet, JSON and CSV files of `frame` and records them in `files`: the text
/// files (JSON, then CSV) on a second thread while the encoder makes the Parquet file.
fn write_data(
    out: &dyn Output,
    files: &mut BTreeMap<String, Written>,
    frame: &Frame,
    encoder: &dyn Encoder,
) -> Result<(), ReleaseError> {
    let json_path = format!("data/{}.json", frame.name);
    let csv_path = format!("data/{}.csv", frame.name);
    let parquet_path = format!("data/{}.parquet", frame.name);
    let (text, parquet) = std::thread::scope(|s| {
        // The text files (JSON, then CSV) on a second thread while polars makes Parquet.
        let json = s.spawn(|| -> Result<(Written, Written), ReleaseError> {
            let mut file = Hashing::create(out, &json_path).map_err(write_failed(&json_path))?;
            write_json(frame, &mut file).map_err(ReleaseError::new)?;
            let json = file.finish().map_err(write_failed(&json_path))?;
            let mut file = Hashing::create(out, &csv_path).map_err(write_failed(&csv_path))?;
            write_csv(frame, &mut file).map_err(ReleaseError::new)?;
            Ok((json, file.finish().map_err(write_failed(&csv_path))?))
        });
        let parquet = encoder
            .parquet(frame)
            .map_err(|e| ReleaseError::new(format!("cannot encode dataset `{}`: {e}", frame.name)))
            .and_then(|bytes| {
                write_file(out, &parquet_path, &bytes).map_err(write_failed(&parquet_path))
            });
        let text = json
            .join()
            .unwrap_or_else(|_| Err(ReleaseError::new("the JSON/CSV writer panicked")));
        (text, parquet)
    });
    let (json, csv) = text?;
    files.insert(parquet_path, parquet?);
    files.insert(json_path, json);
    files.insert(csv_path, csv);
    Ok(())
}

/// Builds every file of release `version` of `input` and writes each to `out` as soon as it
/// is made: the data files of one dataset at a time (its JSON and CSV written on a second
/// thread and `targets` gathering from it on a third while the encoder makes the Parquet
/// file), each hashed as it is written. Each dataset's
/// CSV bytes are dropped from `input` once its frame is built, so the release holds one
/// dataset's frame at a time, never the files it writes.
pub fn build_into(
    input: &mut Input,
    version: &Version,
    changes: &ChangeLog,
    encoder: &dyn Encoder,
    out: &dyn Output,
    progress: &mut Progress<'_>,
) -> Result<Built, ReleaseError> {
    let mut files: BTreeMap<String, Written> = BTreeMap::new();
    let mut frames = Vec::new();
    let mut targets = Targets::default();
    let limits = &input.manifest.limits;
    let registry = &input.manifest.provenance.registry;
    for ds in input.datasets.iter_mut() {
        progress(&format!("encoding {}", ds.dataset.name));
        let frame = Frame::take_input(ds, limits)?;
        // `targets` gathers from the frame on a thread of its own while its files are made.
        let (written, absorbed) = std::thread::scope(|s| {
            let absorbing = s.spawn(|| targets.absorb(&frame));
            let written = write_data(out, &mut files, &frame, encoder);
            let absorbed = absorbing
                .join()
                .unwrap_or_else(|_| Err(ReleaseError::new("building `targets` panicked")));
            (written, absorbed)
        });
        written?;
        absorbed?;
        put(
            out,
            &mut files,
            format!("schemas/{}.schema.json", frame.name),
            &ds.schema_bytes,
        )?;
        // Only the source registry's rows are needed after encoding (for the descriptor).
        if &frame.name == registry {
            frames.push(frame);
        } else {
            frames.push(frame.without_cells());
        }
    }
    if let Some(frame) = targets.frame() {
        progress("building targets");
        if frames.iter().any(|f| f.name == frame.name) {
            return Err(ReleaseError::new(format!(
                "the package has a dataset named `{}`, which the release builds",
                frame.name
            ))
            .hint("rename the dataset in kpdata.toml"));
        }
        write_data(out, &mut files, &frame, encoder)?;
        frames.push(frame.without_cells());
    }
    progress("writing sources and documentation");
    for archive in &input.archives {
        put(
            out,
            &mut files,
            archive.release_path.clone(),
            &archive.bytes,
        )?;
    }
    put(
        out,
        &mut files,
        folder::README.into(),
        folder::readme(input, version, &frames).as_bytes(),
    )?;
    put(
        out,
        &mut files,
        folder::LICENSE.into(),
        folder::license(input, version).as_bytes(),
    )?;
    put(
        out,
        &mut files,
        folder::DICTIONARY.into(),
        folder::dictionary(input, version, &frames).as_bytes(),
    )?;
    for archive in &mut input.archives {
        archive.bytes = Vec::new(); // written: only their paths are needed from here on
    }
    progress("writing metadata");
    put(
        out,
        &mut files,
        CITATION.into(),
        citation(input, version).as_bytes(),
    )?;
    let (md, cj) = changes_files(input, version, changes, &frames);
    put(out, &mut files, CHANGES_MD.into(), md.as_bytes())?;
    put(
        out,
        &mut files,
        CHANGES_JSON.into(),
        &crate::json::to_bytes(&cj),
    )?;
    let dp = datapackage(input, version, &frames, &files)?;
    put(out, &mut files, DATAPACKAGE.into(), &dp)?;
    let sums = sums::render_hashes(files.iter().map(|(p, w)| (p.as_str(), w.sha256.as_str())));
    put(out, &mut files, SUMS_FILE.into(), &sums)?;
    let rows = frames.iter().map(|f| (f.name.clone(), f.len())).collect();
    Ok(Built { files, rows })
}

/// The resource name of a dataset's file in `format` (`csv` is the dataset's own name).
fn resource_name(name: &str, format: &str) -> String {
    if format == "csv" {
        name.to_string()
    } else {
        format!("{name}-{format}")
    }
}

/// The resources of `datapackage.json`: per dataset, its CSV as a Frictionless table with a
/// Table Schema (what `frictionless validate` checks, row by row), and its Parquet and JSON
/// files as `file` resources (Frictionless checks their bytes and sha256; their columns are
/// the CSV resource's, typed).
fn resources(
    input: &Input,
    frames: &[Frame],
    files: &BTreeMap<String, Written>,
) -> Result<Vec<Value>, ReleaseError> {
    // A foreign key is declared only into a dataset published whole: with rows withheld
    // (restricted), a public row may refer to one the release does not hold, and Frictionless
    // would rightly call the key broken (kpdata validate checks it on every row).
    let published: Vec<&str> = frames
        .iter()
        .filter(|f| f.withheld == 0)
        .map(|f| f.name.as_str())
        .collect();
    let mut names = std::collections::BTreeSet::new();
    let mut resources = Vec::new();
    for frame in frames {
        let about = descriptor::About::of(input, frame);
        for (format, mediatype) in [
            ("csv", "text/csv"),
            ("parquet", PARQUET_MEDIATYPE),
            ("json", "application/json"),
        ] {
            let path = format!("data/{}.{format}", frame.name);
            let name = resource_name(&frame.name, format);
            if !names.insert(name.clone()) {
                return Err(
                    ReleaseError::new(format!("two resources would be named `{name}`"))
                        .hint("rename the dataset in kpdata.toml"),
                );
            }
            let file = &files[&path];
            let mut r = Map::new();
            r.insert("name".into(), json!(name));
            r.insert(
                "type".into(),
                json!(if format == "csv" { "table" } else { "file" }),
            );
            r.insert("path".into(), json!(path));
            r.insert("format".into(), json!(format));
            r.insert("mediatype".into(), json!(mediatype));
            if format != "parquet" {
                r.insert("encoding".into(), json!("utf-8"));
            }
            r.insert("bytes".into(), json!(file.bytes));
            r.insert("hash".into(), json!(format!("sha256:{}", file.sha256)));
            if let Some(t) = &about.title {
                r.insert("title".into(), json!(t));
            }
            if let Some(d) = &about.description {
                r.insert("description".into(), json!(d));
            }
            if format == "csv" {
                r.insert("rows".into(), json!(frame.len()));
                let resource_of =
                    |other: &str| published.contains(&other).then(|| other.to_string());
                r.insert(
                    "schema".into(),
                    descriptor::table_schema(&about, frame, &resource_of),
                );
            } else {
                // The table this file holds, typed: its schema is that resource's.
                r.insert("x-kpdata-table".into(), json!(frame.name));
            }
            resources.push(Value::Object(r));
        }
    }
    // The archived sources, so that Frictionless checks their bytes and sha256 too.
    for archive in &input.archives {
        let file = &files[&archive.release_path];
        let below = archive
            .release_path
            .strip_prefix(&format!("{SOURCES_DIR}/"))
            .unwrap_or(&archive.release_path);
        let slug: String = below
            .chars()
            .map(|c| match c.to_ascii_lowercase() {
                c @ ('a'..='z' | '0'..='9' | '.' | '_' | '-') => c,
                _ => '-',
            })
            .collect();
        let name = format!("source-{slug}");
        if !names.insert(name.clone()) {
            return Err(
                ReleaseError::new(format!("two resources would be named `{name}`")).hint(
                    "give the archived files names that differ in more than case and punctuation",
                ),
            );
        }
        resources.push(json!({
            "name": name,
            "type": "file",
            "path": archive.release_path,
            "bytes": file.bytes,
            "hash": format!("sha256:{}", file.sha256),
            "x-kpdata-archive-path": archive.path,
        }));
    }
    Ok(resources)
}

fn datapackage(
    input: &Input,
    version: &Version,
    frames: &[Frame],
    files: &BTreeMap<String, Written>,
) -> Result<Vec<u8>, ReleaseError> {
    let meta = &input.manifest.package;
    let resources = resources(input, frames, files)?;
    let mut dp = Map::new();
    dp.insert("$schema".into(), json!(PROFILE));
    dp.insert("name".into(), json!(meta.name));
    dp.insert("title".into(), json!(meta.title));
    if !meta.description.is_empty() {
        dp.insert("description".into(), json!(meta.description));
    }
    if let Some(h) = &meta.homepage {
        dp.insert("homepage".into(), json!(h));
    }
    if let Some(r) = &meta.repository {
        dp.insert("repository".into(), json!(r));
    }
    dp.insert("version".into(), json!(version.to_string()));
    dp.insert(
        "created".into(),
        json!(crate::time::rfc3339(input.commit_time)),
    );
    if !meta.licenses.is_empty() {
        dp.insert("licenses".into(), descriptor::licenses(&meta.licenses));
    }
    if !meta.keywords.is_empty() {
        dp.insert("keywords".into(), json!(meta.keywords));
    }
    if !meta.authors.is_empty() {
        dp.insert(
            "contributors".into(),
            Value::Array(
                meta.authors
                    .iter()
                    .map(|a| json!({"title": a, "roles": ["author"]}))
                    .collect(),
            ),
        );
    }
    dp.insert("sources".into(), descriptor::sources(input, frames));
    dp.insert("resources".into(), Value::Array(resources));
    dp.insert(
        FILES_KEY.into(),
        Value::Array(
            files
                .iter()
                .map(|(p, w)| json!({"path": p, "bytes": w.bytes, "hash": format!("sha256:{}", w.sha256)}))
                .collect(),
        ),
    );
    dp.insert(DIGEST_KEY.into(), json!("0".repeat(64)));
    let mut bytes = crate::json::to_bytes(&Value::Object(dp));
    let digest = sha256_hex(&bytes);
    let at = digest_offset(&bytes).ok_or_else(|| {
        ReleaseError::new(
            "cannot place the digest of datapackage.json (its key appears more than once)",
        )
    })?;
    bytes[at..at + 64].copy_from_slice(digest.as_bytes());
    Ok(bytes)
}

/// Where the 64 digest digits start in a descriptor, if the marker appears exactly once.
pub fn digest_offset(bytes: &[u8]) -> Option<usize> {
    let marker = descriptor::digest_marker();
    let m = marker.as_bytes();
    let mut found = None;
    for i in 0..bytes.len().saturating_sub(m.len()) {
        if &bytes[i..i + m.len()] == m {
            if found.is_some() {
                return None;
            }
            found = Some(i + m.len());
        }
    }
    found.filter(|&at| at + 64 <= bytes.len())
}

/// Checks a descriptor's own digest. `None` when it has none.
pub fn digest_ok(bytes: &[u8]) -> Option<bool> {
    let at = digest_offset(bytes)?;
    let stored = bytes[at..at + 64].to_vec();
    let mut zeroed = bytes.to_vec();
    zeroed[at..at + 64].fill(b'0');
    Some(sha256_hex(&zeroed).as_bytes() == stored.as_slice())
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
fn q(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

fn citation(input: &Input, version: &Version) -> String {
    let meta = &input.manifest.package;
    let mut s = String::new();
    s.push_str("# Generated by kpdata release.\n");
    s.push_str("cff-version: 1.2.0\n");
    s.push_str("message: \"If you use this dataset, please cite it as below.\"\n");
    s.push_str("type: dataset\n");
    s.push_str(&format!("title: {}\n", q(&meta.title)));
    s.push_str(&format!("version: {}\n", q(&version.to_string())));
    s.push_str(&format!(
        "date-released: {}\n",
        q(&crate::time::date(input.commit_time))
    ));
    if !meta.description.is_empty() {
        s.push_str(&format!("abstract: {}\n", q(&meta.description)));
    }
    s.push_str("authors:\n");
    if meta.authors.is_empty() {
        s.push_str(&format!(
            "  - name: {}\n",
            q(&format!("{} contributors", meta.title))
        ));
    }
    for a in &meta.authors {
        s.push_str(&format!("  - name: {}\n", q(a)));
    }
    match meta.licenses.as_slice() {
        [] => {}
        [one] => s.push_str(&format!("license: {}\n", q(one))),
        many => {
            s.push_str("license:\n");
            for l in many {
                s.push_str(&format!("  - {}\n", q(l)));
            }
        }
    }
    if let Some(h) = &meta.homepage {
        s.push_str(&format!("url: {}\n", q(h)));
    }
    if let Some(r) = &meta.repository {
        s.push_str(&format!("repository-code: {}\n", q(r)));
    }
    if !meta.keywords.is_empty() {
        s.push_str("keywords:\n");
        for k in &meta.keywords {
            s.push_str(&format!("  - {}\n", q(k)));
        }
    }
    s
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn changes_files(
    input: &Input,
    version: &Version,
    changes: &ChangeLog,
    frames: &[Frame],
) -> (String, Value) {
    let title = &input.manifest.package.title;
    match changes {
        ChangeLog::First => {
            let total: usize = frames.iter().map(|f| f.len()).sum();
            let mut md = format!(
                "# Changes in {version}\n\nFirst release of {}: {total} records in {} datasets.\n\n| dataset | records |\n|---|---:|\n",
                md_cell(title),
                frames.len()
            );
            for f in frames {
                md.push_str(&format!("| {} | {} |\n", f.name, f.len()));
            }
            let datasets: Vec<Value> = frames
                .iter()
                .map(|f| json!({"name": f.name, "records": f.len()}))
                .collect();
            (
                md,
                json!({"version": version.to_string(), "previous": null, "first_release": true, "datasets": datasets}),
            )
        }
        ChangeLog::Since {
            previous,
            required,
            markdown,
            diff,
        } => {
            let mut md = format!(
                "# Changes in {version}\n\nSince {previous} (tag `v{previous}`). The least version bump these changes need: {}.\n\n",
                required.as_str()
            );
            md.push_str(markdown.trim_end());
            md.push('\n');
            (
                md,
                json!({"version": version.to_string(), "previous": previous.to_string(), "first_release": false, "required_bump": required.as_str(), "diff": diff}),
            )
        }
    }
}
