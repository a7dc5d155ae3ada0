//! Issue 20, items 8 and 11: `verify` streams every file but the two manifests (a large extra
//! file costs no memory of its size), and refuses a `SHA256SUMS` whose final newline was cut.

use std::fs;
use std::path::Path;

use kpdata_release::build::{build, ChangeLog};
use kpdata_release::frame::{Encoder, Frame};
use kpdata_release::input::Input;
use kpdata_release::{stage, verify::verify};
use semver::Version;

struct TextEncoder;

impl Encoder for TextEncoder {
    fn parquet(&self, frame: &Frame) -> Result<Vec<u8>, String> {
        Ok(format!("PAR1 {} rows\n", frame.len()).into_bytes())
    }
}

fn staged() -> (tempfile::TempDir, std::path::PathBuf) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let input = Input::from_dir(&fixture, 1_700_000_000).unwrap();
    let r = build(
        &input,
        &Version::new(0, 1, 0),
        &ChangeLog::First,
        &TextEncoder,
        &mut |_| {},
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    stage::write_atomically(&dir, &r).unwrap();
    (tmp, dir)
}

fn found(dir: &Path) -> Vec<(String, String, String)> {
    verify(dir)
        .unwrap()
        .into_iter()
        .map(|d| (d.code.to_string(), d.path.unwrap_or_default(), d.message))
        .collect()
}

#[test]
fn a_sums_file_without_its_final_newline_is_refused() {
    let (_t, dir) = staged();
    assert_eq!(found(&dir), []);
    let sums = fs::read(dir.join("SHA256SUMS")).unwrap();
    fs::write(dir.join("SHA256SUMS"), sums.strip_suffix(b"\n").unwrap()).unwrap();
    let f = found(&dir);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1.as_str()), ("KP606", "SHA256SUMS"));
    assert!(f[0].2.contains("final newline"), "{f:?}");
}

/// A peak-memory test: a 160 MiB extra file (sparse: no disk used) must not raise the peak
/// resident set by its size. Read whole, it raised it by 160 MiB.
#[cfg(target_os = "linux")]
#[test]
fn a_large_file_is_hashed_as_a_stream() {
    const SIZE: u64 = 160 << 20;
    let (_t, dir) = staged();
    let big = fs::File::create(dir.join("big.bin")).unwrap();
    big.set_len(SIZE).unwrap();
    drop(big);
    let status = |field: &str| -> u64 {
        fs::read_to_string("/proc/self/status")
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap()
            << 10
    };
    let _ = fs::write("/proc/self/clear_refs", "5");
    let before = status("VmRSS:");
    let f = found(&dir);
    let rise = status("VmHWM:").saturating_sub(before);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1.as_str()), ("KP602", "big.bin"));
    assert!(rise < 64 << 20, "peak resident set rose by {rise} bytes");
}

/// A FIFO, a socket or a symlink in the folder is reported, never read or followed.
#[cfg(unix)]
#[test]
fn a_fifo_or_symlink_in_the_folder_is_reported_not_read() {
    let (_t, dir) = staged();
    let ok = std::process::Command::new("mkfifo")
        .arg(dir.join("pipe"))
        .status()
        .unwrap();
    assert!(ok.success());
    std::os::unix::fs::symlink("/etc/passwd", dir.join("link")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(dir.join("sock")).unwrap();
    let f: Vec<_> = found(&dir).into_iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(
        f,
        [
            ("KP602".to_string(), "link".to_string()),
            ("KP602".to_string(), "pipe".to_string()),
            ("KP602".to_string(), "sock".to_string())
        ]
    );
}
