//! Issue 20 item 7: a path is opened once and the open handle is checked. A symlink or FIFO
//! swapped in for a checked file (a rename, from another thread, again and again) must never
//! make `Root::open` read outside the root or block.
#![cfg(unix)]

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use kpdata_package::{PathProblem, Root};

/// Each test tries for at most this long (the old check-then-open lost within ~1 s here).
const TRY_FOR: Duration = Duration::from_secs(3);

/// Swaps `data/x.csv` between a regular file and `other` (already created at `data/other`)
/// until `stop`.
fn swapper(dir: &Path, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let (x, a, b) = (
            dir.join("data/x.csv"),
            dir.join("data/regular"),
            dir.join("data/other"),
        );
        while !stop.load(Ordering::Relaxed) {
            std::fs::rename(&x, &a).unwrap();
            std::fs::rename(&b, &x).unwrap();
            std::fs::rename(&x, &b).unwrap();
            std::fs::rename(&a, &x).unwrap();
        }
    })
}

fn setup() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("data")).unwrap();
    std::fs::write(t.path().join("data/x.csv"), "inside\n").unwrap();
    t
}

#[test]
fn a_symlink_swapped_in_is_never_followed() {
    let t = setup();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "SECRET\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret"), t.path().join("data/other")).unwrap();
    let root = Root::new(t.path()).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let h = swapper(t.path(), stop.clone());
    let mut read_inside = 0;
    let start = Instant::now();
    while start.elapsed() < TRY_FOR {
        if let Ok(mut f) = root.open("data/x.csv") {
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            assert_eq!(s, "inside\n", "read through a symlink");
            read_inside += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    h.join().unwrap();
    assert!(read_inside > 0);
    // And plainly: a symlink is refused as one.
    std::fs::remove_file(t.path().join("data/x.csv")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret"), t.path().join("data/x.csv")).unwrap();
    assert!(matches!(
        root.open_file("data/x.csv"),
        Err(PathProblem::Symlink(p)) if p == "data/x.csv"
    ));
}

#[test]
fn a_fifo_swapped_in_never_blocks() {
    let t = setup();
    let ok = std::process::Command::new("mkfifo")
        .arg(t.path().join("data/other"))
        .status()
        .unwrap();
    assert!(ok.success());
    let root = Root::new(t.path()).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let h = swapper(t.path(), stop.clone());
    let (tx, rx) = mpsc::channel();
    let dir = t.path().to_path_buf();
    std::thread::spawn(move || {
        let root = Root::new(&dir).unwrap();
        let start = Instant::now();
        while start.elapsed() < TRY_FOR {
            if let Ok(mut f) = root.open("data/x.csv") {
                let mut s = String::new();
                f.read_to_string(&mut s).unwrap();
                assert_eq!(s, "inside\n");
            }
        }
        tx.send(()).unwrap();
    });
    let done = rx.recv_timeout(TRY_FOR + Duration::from_secs(30));
    stop.store(true, Ordering::Relaxed);
    h.join().unwrap();
    assert!(done.is_ok(), "opening a FIFO blocked");
    // And plainly: a FIFO is refused as not a regular file, at once.
    std::fs::rename(t.path().join("data/other"), t.path().join("data/x.csv")).unwrap();
    assert_eq!(
        root.open_file("data/x.csv").unwrap_err(),
        PathProblem::NotRegularFile
    );
}

#[test]
fn a_folder_swapped_for_a_symlink_is_never_followed() {
    let t = setup();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.csv"), "SECRET\n").unwrap();
    let root = Root::new(t.path()).unwrap();
    std::fs::rename(t.path().join("data"), t.path().join("real")).unwrap();
    std::os::unix::fs::symlink(outside.path(), t.path().join("data")).unwrap();
    assert!(matches!(
        root.open_file("data/x.csv"),
        Err(PathProblem::Symlink(p)) if p == "data"
    ));
}

#[test]
fn a_socket_or_folder_is_not_a_regular_file() {
    let t = setup();
    let _socket = std::os::unix::net::UnixListener::bind(t.path().join("data/s.csv")).unwrap();
    let root = Root::new(t.path()).unwrap();
    assert_eq!(
        root.open_file("data/s.csv").unwrap_err(),
        PathProblem::NotRegularFile
    );
    assert_eq!(
        root.open_file("data").unwrap_err(),
        PathProblem::NotRegularFile
    );
    assert_eq!(
        root.open_file("data/none.csv").unwrap_err(),
        PathProblem::NotFound
    );
    assert_eq!(
        root.open_file("data/x.csv/y").unwrap_err(),
        PathProblem::Io("not a folder".into())
    );
}
