//! kpdata never touches the network: no networking crate is linked, and (where `strace` is
//! installed, as `.ci/run` arranges) validate and verify make no socket calls at all.

use std::path::Path;
use std::process::Command;

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
    let Some(strace) = strace() else {
        // .ci/run installs strace; without it the lock-file test above still holds.
        assert!(
            std::env::var_os("CI").is_none(),
            "strace is missing on CI: .ci/run installs it"
        );
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let trace = tempfile::NamedTempFile::new().unwrap();
    let status = Command::new(strace)
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=socket,connect,socketpair,openat",
            "-o",
        ])
        .arg(trace.path())
        .arg(env!("CARGO_BIN_EXE_kpdata"))
        .args([
            "validate",
            "--reference-date",
            "2026-01-01",
            "--format",
            "json",
        ])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        status.status.code().is_some(),
        "kpdata did not exit normally"
    );
    let log = std::fs::read_to_string(trace.path()).unwrap();
    // The trace works: it saw the manifest being opened.
    assert!(log.contains("kpdata.toml"), "strace saw nothing: {log}");
    let calls: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("socket(") || l.contains("connect("))
        .collect();
    assert!(calls.is_empty(), "socket calls: {calls:?}");
}
