//! Every file of a release from one [`Input`], written to an [`Output`] one at a time:
//! deterministic by construction (sorted keys, sorted files, times from the commit, no paths
//! of the machine).

use std::collections::BTreeMap;

use semver::Version;
use serde_json::{json, Map, Value};

use crate::descriptor::{self, DIGEST_KEY, FILES_KEY, PARQUET_MEDIATYPE, PROFILE};
use crate::frame::{Encoder, Frame};
use crate::frame_json::write_json;
use crate::input::Input;
use crate::output::{write_file, Hashing, MemoryOutput, Output, Written};
use crate::sums::{self, SUMS_FILE};
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

/// Builds every file of release `version` of `input` and writes each to `out` as soon as it
/// is made: the data files of one dataset at a time (its JSON written on a second thread
/// while the encoder makes the Parquet file), each hashed as it is written. Each dataset's
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
    let limits = &input.manifest.limits;
    let registry = &input.manifest.provenance.registry;
    for ds in input.datasets.iter_mut() {
        progress(&format!("encoding {}", ds.dataset.name));
        let frame = Frame::take_input(ds, limits)?;
        let json_path = format!("data/{}.json", frame.name);
        let parquet_path = format!("data/{}.parquet", frame.name);
        let (json, parquet) = std::thread::scope(|s| {
            let json = s.spawn(|| -> Result<Written, ReleaseError> {
                let mut file =
                    Hashing::create(out, &json_path).map_err(write_failed(&json_path))?;
                write_json(&frame, &mut file).map_err(ReleaseError::new)?;
                file.finish().map_err(write_failed(&json_path))
            });
            let parquet = encoder
                .parquet(&frame)
                .map_err(|e| {
                    ReleaseError::new(format!("cannot encode dataset `{}`: {e}", frame.name))
                })
                .and_then(|bytes| {
                    write_file(out, &parquet_path, &bytes).map_err(write_failed(&parquet_path))
                });
            let json = json
                .join()
                .unwrap_or_else(|_| Err(ReleaseError::new("the JSON writer panicked")));
            (json, parquet)
        });
        files.insert(parquet_path, parquet?);
        files.insert(json_path, json?);
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

fn json_resource_name(name: &str) -> String {
    format!("{name}-json")
}

fn datapackage(
    input: &Input,
    version: &Version,
    frames: &[Frame],
    files: &BTreeMap<String, Written>,
) -> Result<Vec<u8>, ReleaseError> {
    let meta = &input.manifest.package;
    let published: Vec<&str> = frames.iter().map(|f| f.name.as_str()).collect();
    let mut names = std::collections::BTreeSet::new();
    let mut resources = Vec::new();
    for frame in frames {
        let ds = input
            .datasets
            .iter()
            .find(|d| d.dataset.name == frame.name)
            .expect("frame of a dataset");
        for (json_variant, path, format, mediatype) in [
            (
                false,
                format!("data/{}.parquet", frame.name),
                "parquet",
                PARQUET_MEDIATYPE,
            ),
            (
                true,
                format!("data/{}.json", frame.name),
                "json",
                "application/json",
            ),
        ] {
            let resource_of = |other: &str| -> Option<String> {
                published.contains(&other).then(|| {
                    if json_variant {
                        json_resource_name(other)
                    } else {
                        other.to_string()
                    }
                })
            };
            let name = if json_variant {
                json_resource_name(&frame.name)
            } else {
                frame.name.clone()
            };
            if !names.insert(name.clone()) {
                return Err(
                    ReleaseError::new(format!("two resources would be named `{name}`"))
                        .hint("rename the dataset in kpdata.toml"),
                );
            }
            let file = &files[&path];
            let mut r = Map::new();
            r.insert("name".into(), json!(name));
            r.insert("type".into(), json!("table"));
            r.insert("path".into(), json!(path));
            r.insert("format".into(), json!(format));
            r.insert("mediatype".into(), json!(mediatype));
            if json_variant {
                r.insert("encoding".into(), json!("utf-8"));
            }
            r.insert("bytes".into(), json!(file.bytes));
            r.insert("hash".into(), json!(format!("sha256:{}", file.sha256)));
            r.insert("rows".into(), json!(frame.len()));
            let title = if ds.dataset.title.is_empty() {
                ds.schema.title.clone()
            } else {
                Some(ds.dataset.title.clone())
            };
            if let Some(t) = title {
                r.insert("title".into(), json!(t));
            }
            let desc = if ds.dataset.description.is_empty() {
                ds.schema.description.clone()
            } else {
                Some(ds.dataset.description.clone())
            };
            if let Some(d) = desc {
                r.insert("description".into(), json!(d));
            }
            r.insert(
                "schema".into(),
                descriptor::table_schema(input, frame, &resource_of),
            );
            resources.push(Value::Object(r));
        }
    }
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
