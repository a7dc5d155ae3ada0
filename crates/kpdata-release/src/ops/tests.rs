//! `release` with validation passed in: a validation with errors stops the release (nothing
//! written, no tag, the findings handed back), a clean one gets the folder and the tag, and a
//! dirty working tree is refused before validation runs.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use kpdata_diagnostics::rules::verify::RELEASE_FILE_MISSING;
use kpdata_diagnostics::{Diagnostic, Report};
use kpdata_git::scratch::Scratch;
use kpdata_package::Root;
use semver::Version;

use super::{release, Failed, Identity, Request};
use crate::{Encoder, Frame, ReleaseError};

/// A stand-in for the polars encoder: one text line per row.
struct TextEncoder;

impl Encoder for TextEncoder {
    fn parquet(&self, frame: &Frame) -> Result<Vec<u8>, String> {
        Ok(format!("PAR1 {} rows\n", frame.len()).into_bytes())
    }
}

/// The release tests' fixture package, committed in a scratch repository under `tmp`.
fn package(tmp: &Path) -> Scratch {
    let s = Scratch::init(&tmp.join("repo")).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pkg");
    for rel in [
        "kpdata.toml",
        "schemas/actors.schema.json",
        "schemas/events.schema.json",
        "schemas/notes.schema.json",
        "datasets/actors.csv",
        "datasets/events.csv",
        "datasets/notes.csv",
    ] {
        s.write(rel, std::fs::read(fixture.join(rel)).unwrap());
    }
    s.write(".gitignore", "/dist\n");
    s.commit("package").unwrap();
    s
}

fn request<'a>(
    root: &'a Path,
    version: &'a Version,
    validate: &'a super::Validate<'a>,
) -> Request<'a> {
    Request {
        root,
        version,
        out: None,
        tagger: Some(Identity::Given {
            from: "--tagger",
            text: "Test <test@localhost>".into(),
        }),
        sign_key: None,
        password: &|| Ok(None),
        encoder: &TextEncoder,
        validate,
        progress: &|_| {},
    }
}

fn tagged(s: &Scratch, tag: &str) -> bool {
    s.git2().find_reference(&format!("refs/tags/{tag}")).is_ok()
}

#[test]
fn validation_errors_stop_the_release_and_come_back() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let version = Version::new(1, 0, 0);
    let head_time = s.git2().head().unwrap().peel_to_commit().unwrap().time();
    let seen = AtomicUsize::new(0);
    let validate = |root: Root, commit_time: i64| -> Result<Report, ReleaseError> {
        // The committed files, with the commit's time.
        assert!(root.read("kpdata.toml").is_ok());
        assert_eq!(commit_time, head_time.seconds());
        seen.fetch_add(1, Ordering::Relaxed);
        let mut r = Report::new(0);
        r.push(Diagnostic::new(&RELEASE_FILE_MISSING, "an error").path("datasets/actors.csv"));
        Ok(r)
    };
    let err = release(&request(s.dir(), &version, &validate)).unwrap_err();
    let Failed::Invalid { report, error } = err else {
        panic!("not a validation failure: {err:?}");
    };
    assert_eq!(seen.load(Ordering::Relaxed), 1);
    assert_eq!(report.summary.errors, 1);
    assert_eq!(
        error.message,
        "validation found 1 error(s) in HEAD's committed files; nothing was released"
    );
    assert!(!s.dir().join("dist").join("1.0.0").exists());
    assert!(!tagged(&s, "v1.0.0"));
}

#[test]
fn a_clean_validation_releases_and_tags() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    let version = Version::new(1, 0, 0);
    let validate = |_: Root, _: i64| Ok(Report::new(0));
    let done = release(&request(s.dir(), &version, &validate)).unwrap();
    assert!(!done.resumed);
    assert_eq!(done.target, s.dir().join("dist").join("1.0.0"));
    assert!(done.target.join("SHA256SUMS").is_file());
    let tag = done.tagged.as_ref().unwrap();
    assert_eq!(
        (tag.name.as_str(), tag.email.as_str()),
        ("Test", "test@localhost")
    );
    assert!(tagged(&s, "v1.0.0"));
    assert!(crate::verify::verify(&done.target).unwrap().is_empty());
}

#[test]
fn a_dirty_tree_is_refused_before_validation() {
    let tmp = tempfile::tempdir().unwrap();
    let s = package(tmp.path());
    s.write("datasets/actors.csv", "changed\n");
    let version = Version::new(1, 0, 0);
    let validate = |_: Root, _: i64| -> Result<Report, ReleaseError> {
        panic!("validation ran on a dirty tree")
    };
    match release(&request(s.dir(), &version, &validate)) {
        Err(Failed::Error(e)) => assert_eq!(
            e.message,
            "the working tree is not clean: datasets/actors.csv"
        ),
        other => panic!("{other:?}"),
    }
}
