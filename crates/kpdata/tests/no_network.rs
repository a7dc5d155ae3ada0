//! kpdata never touches the network: no networking crate is linked, and (where `strace` is
//! installed, as `.ci/run` arranges) validate and verify make no socket calls at all.

use std::path::Path;
use std::process::Command;

use kpdata_testkit::Kpdata;

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

/// HTTP clients, TLS stacks and cloud storage: none may be linked into kpdata.
const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "hyper",
    "h2",
    "ureq",
    "curl",
    "curl-sys",
    "openssl",
    "openssl-sys",
    "native-tls",
    "rustls",
    "object_store",
    "aws-lc-sys",
    "libssh2-sys",
    "isahc",
    "surf",
];

#[test]
fn no_networking_crate_is_linked() {
    // Every feature of every workspace crate: the widest build anyone can make.
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--workspace",
            "--all-features",
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "--offline",
        ])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        names.contains(&"jsonschema") && names.contains(&"git2"),
        "the dependency tree was not read right"
    );
    let found: Vec<&&str> = names
        .iter()
        .filter(|n| NETWORK_CRATES.contains(n))
        .collect();
    assert!(found.is_empty(), "networking crates are linked: {found:?}");
}

fn strace() -> Option<&'static str> {
    ["/usr/bin/strace", "/bin/strace"]
        .into_iter()
        .find(|p| Path::new(p).exists())
}

#[test]
fn validate_opens_no_socket() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let args = [
        "validate",
        "--reference-date",
        "2026-01-01",
        "--format",
        "json",
    ];
    match socket_calls(&root, &args) {
        Some(calls) => assert!(calls.is_empty(), "socket calls: {calls:?}"),
        // .ci/run installs strace; without it the dependency-tree test above still holds.
        None => assert!(
            std::env::var_os("CI").is_none(),
            "strace is missing on CI: .ci/run installs it"
        ),
    }
}

/// Runs kpdata under strace and returns the socket calls it made (None without strace).
fn socket_calls(dir: &Path, args: &[&str]) -> Option<Vec<String>> {
    let strace = strace()?;
    let trace = tempfile::NamedTempFile::new().unwrap();
    let out = Command::new(strace)
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=socket,connect,socketpair,openat",
            "-o",
        ])
        .arg(trace.path())
        .arg(KPDATA.path())
        .args(args)
        .env("KPDATA_TAGGER", kpdata_testkit::TAGGER)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.code().is_some(), "kpdata did not exit normally");
    let log = std::fs::read_to_string(trace.path()).unwrap();
    assert!(log.contains("openat"), "strace saw nothing: {log}");
    Some(
        log.lines()
            .filter(|l| l.contains("socket(") || l.contains("connect("))
            .map(str::to_string)
            .collect(),
    )
}

/// A release of a small package and its verification make no socket call either.
#[cfg(feature = "parquet")]
#[test]
fn release_and_verify_open_no_socket() {
    if strace().is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "strace is missing on CI: .ci/run installs it"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let s = kpdata_testkit::Scratch::init(&repo).unwrap();
    s.write(".gitignore", "/dist\n")
        .write(
            "kpdata.toml",
            "[package]\nname = \"t\"\ntitle = \"T\"\n\n[[dataset]]\nname = \"things\"\npath = \"things.csv\"\nschema = \"things.schema.json\"\ncite = \"optional\"\nprimary_key = [\"id\"]\n",
        )
        .write(
            "things.schema.json",
            r#"{"type":"object","required":["id","sensitivity"],"properties":{"id":{"type":"string"},"n":{"type":"integer"},"sensitivity":{"enum":["public","restricted"]}}}"#,
        )
        .write("things.csv", "id,n,sensitivity\na,1,public\nb,2,public\n");
    s.commit("package").unwrap();
    let out = tmp.path().join("out");
    let out_s = out.to_str().unwrap();
    let calls = socket_calls(&repo, &["release", "1.0.0", "--out", out_s, "--no-tag"]).unwrap();
    assert!(out.join("SHA256SUMS").exists(), "the release was not built");
    assert!(calls.is_empty(), "release made socket calls: {calls:?}");
    let calls = socket_calls(&repo, &["verify", out_s]).unwrap();
    assert!(calls.is_empty(), "verify made socket calls: {calls:?}");
}
