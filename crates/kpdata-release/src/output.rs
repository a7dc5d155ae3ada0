//! Where the files of a release go as they are built, one at a time: a staging folder
//! ([`DirOutput`], what `kpdata release` writes) or memory ([`MemoryOutput`], tests and
//! `--check`). Every file is hashed while it is written ([`Written`]), so a release never holds
//! its large data files in memory and never reads them back to hash them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use sha2::{Digest, Sha256};

/// A destination for the files of a release.
pub trait Output: Sync {
    /// Starts the file at `path` (relative, `/`-separated); it must not exist yet.
    fn create<'a>(&'a self, path: &str) -> io::Result<Box<dyn OutFile + 'a>>;
}

/// One file being written; [`OutFile::finish`] makes it complete (flushed, durable).
pub trait OutFile: Write + Send {
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// Size and sha256 of a file as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub bytes: u64,
    /// Lowercase hex.
    pub sha256: String,
}

/// A file being written and hashed at once.
pub struct Hashing<'a> {
    inner: Box<dyn OutFile + 'a>,
    hasher: Sha256,
    bytes: u64,
}

impl<'a> Hashing<'a> {
    pub fn create(out: &'a dyn Output, path: &str) -> io::Result<Hashing<'a>> {
        Ok(Hashing {
            inner: out.create(path)?,
            hasher: Sha256::new(),
            bytes: 0,
        })
    }

    pub fn finish(self) -> io::Result<Written> {
        self.inner.finish()?;
        Ok(Written {
            bytes: self.bytes,
            sha256: hex::encode(self.hasher.finalize()),
        })
    }
}

impl Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a whole file through `out` and returns its size and hash.
pub fn write_file(out: &dyn Output, path: &str, bytes: &[u8]) -> io::Result<Written> {
    let mut f = Hashing::create(out, path)?;
    f.write_all(bytes)?;
    f.finish()
}

/// An output that fails every file it creates or writes once `stop` is set: a release built
/// while its package is still being validated stops within one chunk when validation fails.
pub struct Stoppable<'a> {
    pub inner: &'a dyn Output,
    pub stop: &'a AtomicBool,
}

fn stopped() -> io::Error {
    io::Error::other("stopped: validation failed")
}

impl Output for Stoppable<'_> {
    fn create<'a>(&'a self, path: &str) -> io::Result<Box<dyn OutFile + 'a>> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(stopped());
        }
        Ok(Box::new(StoppableFile {
            inner: self.inner.create(path)?,
            stop: self.stop,
        }))
    }
}

struct StoppableFile<'a> {
    inner: Box<dyn OutFile + 'a>,
    stop: &'a AtomicBool,
}

impl Write for StoppableFile<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(stopped());
        }
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl OutFile for StoppableFile<'_> {
    fn finish(self: Box<Self>) -> io::Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(stopped());
        }
        self.inner.finish()
    }
}

/// Files in memory (tests, and comparing a rebuilt release with a folder).
#[derive(Debug, Default)]
pub struct MemoryOutput {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryOutput {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

struct MemoryFile<'a> {
    path: String,
    bytes: Vec<u8>,
    to: &'a Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Write for MemoryFile<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl OutFile for MemoryFile<'_> {
    fn finish(self: Box<Self>) -> io::Result<()> {
        let mut files = self.to.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(self.path, self.bytes);
        Ok(())
    }
}

impl Output for MemoryOutput {
    fn create<'a>(&'a self, path: &str) -> io::Result<Box<dyn OutFile + 'a>> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if files.contains_key(path) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("`{path}` is written twice"),
            ));
        }
        Ok(Box::new(MemoryFile {
            path: path.to_string(),
            bytes: Vec::new(),
            to: &self.files,
        }))
    }
}

/// Files written into a folder that must not exist yet: each file created new (never
/// overwritten) and buffered; when finished, it is handed to [`SYNC_THREADS`] background
/// threads that fsync it while the release goes on (a thousand archived sources fsynced one
/// after the other cost seconds of waiting). [`DirOutput::sync_folders`] waits for every file's
/// fsync (failing if one failed), then fsyncs every folder created, deepest first.
#[derive(Debug)]
pub struct DirOutput {
    dir: PathBuf,
    folders: Mutex<BTreeSet<PathBuf>>,
    syncer: Mutex<Syncer>,
}

/// Threads that fsync finished files in the background.
pub const SYNC_THREADS: usize = 8;
/// Finished files waiting for their fsync at most (each holds a file descriptor open).
const SYNC_QUEUE: usize = 128;

#[derive(Debug, Default)]
struct Syncer {
    to_sync: Option<mpsc::SyncSender<fs::File>>,
    threads: Vec<std::thread::JoinHandle<io::Result<()>>>,
}

impl Syncer {
    fn send(&mut self, file: fs::File) -> io::Result<()> {
        if self.to_sync.is_none() && self.threads.is_empty() {
            let (tx, rx) = mpsc::sync_channel::<fs::File>(SYNC_QUEUE);
            let rx = Arc::new(Mutex::new(rx));
            for _ in 0..SYNC_THREADS {
                let rx = Arc::clone(&rx);
                self.threads.push(std::thread::spawn(move || {
                    let mut result = Ok(());
                    loop {
                        let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok(file) = next else {
                            return result;
                        };
                        if result.is_ok() {
                            result = file.sync_all();
                        }
                    }
                }));
            }
            self.to_sync = Some(tx);
        }
        match &self.to_sync {
            Some(tx) => tx
                .send(file)
                .map_err(|_| io::Error::other("the fsync threads stopped")),
            None => Err(io::Error::other("the fsync threads were not started")),
        }
    }

    /// Waits until every file sent is fsynced; the first error, if any.
    fn wait(&mut self) -> io::Result<()> {
        self.to_sync = None;
        let mut result = Ok(());
        for t in self.threads.drain(..) {
            let r = t
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("an fsync thread panicked")));
            if result.is_ok() {
                result = r;
            }
        }
        result
    }
}

impl Drop for DirOutput {
    fn drop(&mut self) {
        let _ = self.syncer.get_mut().map(|s| s.wait());
    }
}

impl DirOutput {
    pub fn create(dir: &Path) -> io::Result<DirOutput> {
        fs::create_dir(dir)?;
        Ok(DirOutput {
            dir: dir.to_path_buf(),
            folders: Mutex::new(BTreeSet::new()),
            syncer: Mutex::new(Syncer::default()),
        })
    }

    /// Waits for the fsync of every file finished so far, then fsyncs every folder created
    /// (deepest first) and the folder itself.
    pub fn sync_folders(&self) -> io::Result<()> {
        self.syncer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .wait()?;
        let folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        for d in folders.iter().rev() {
            sync_dir(d)?;
        }
        sync_dir(&self.dir)
    }
}

/// fsyncs a folder (its entries are durable), where the platform can.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()?;
    }
    let _ = dir;
    Ok(())
}

struct DirFile<'a>(BufWriter<fs::File>, &'a Mutex<Syncer>);

impl Write for DirFile<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl OutFile for DirFile<'_> {
    /// Flushed; fsynced in the background ([`DirOutput::sync_folders`] waits for it).
    fn finish(self: Box<Self>) -> io::Result<()> {
        let file = self.0.into_inner().map_err(|e| e.into_error())?;
        self.1.lock().unwrap_or_else(|e| e.into_inner()).send(file)
    }
}

impl Output for DirOutput {
    fn create<'a>(&'a self, path: &str) -> io::Result<Box<dyn OutFile + 'a>> {
        kpdata_package::check_relative(path)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("`{path}`: {e}")))?;
        let full = self.dir.join(path);
        if let Some(parent) = full.parent() {
            if parent != self.dir {
                let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
                if !folders.contains(parent) {
                    fs::create_dir_all(parent)?;
                    // Every level created, so that each is fsynced (`data/deep/` and `data/`).
                    for level in parent.ancestors().take_while(|a| *a != self.dir) {
                        folders.insert(level.to_path_buf());
                    }
                }
            }
        }
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&full)?;
        Ok(Box::new(DirFile(
            BufWriter::with_capacity(1 << 20, file),
            &self.syncer,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_hashed_as_written() {
        let out = MemoryOutput::default();
        let mut f = Hashing::create(&out, "data/a.json").unwrap();
        f.write_all(b"[1,").unwrap();
        f.write_all(b"2]\n").unwrap();
        let w = f.finish().unwrap();
        assert_eq!(w.bytes, 6);
        assert_eq!(w.sha256, crate::sha256_hex(b"[1,2]\n"));
        let w = write_file(&out, "b", b"").unwrap();
        assert_eq!(w.sha256, crate::sha256_hex(b""));
        assert!(write_file(&out, "b", b"again").is_err());
        let files = out.into_files();
        assert_eq!(files["data/a.json"], b"[1,2]\n");
        assert_eq!(files.len(), 2);
    }

    #[test]
    fn a_stopped_output_refuses_new_files_and_writes() {
        let out = MemoryOutput::default();
        let stop = AtomicBool::new(false);
        let gated = Stoppable {
            inner: &out,
            stop: &stop,
        };
        write_file(&gated, "a", b"x").unwrap();
        let mut open = Hashing::create(&gated, "b").unwrap();
        open.write_all(b"part").unwrap();
        stop.store(true, Ordering::Relaxed);
        // Not `Interrupted`, which `write_all` would retry for ever.
        assert_eq!(
            open.write_all(b"more").unwrap_err().to_string(),
            "stopped: validation failed"
        );
        assert!(open.finish().is_err());
        assert!(write_file(&gated, "c", b"x").is_err());
        assert_eq!(out.into_files().keys().collect::<Vec<_>>(), ["a"]);
    }

    #[test]
    fn files_are_fsynced_in_the_background_before_the_folders() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("out");
        let out = DirOutput::create(&dir).unwrap();
        // More files than the queue holds: finishing one waits for a free place, never fails.
        for i in 0..(SYNC_QUEUE + 3 * SYNC_THREADS) {
            write_file(&out, &format!("sources/f{i}.txt"), i.to_string().as_bytes()).unwrap();
        }
        assert!(!out.syncer.lock().unwrap().threads.is_empty());
        out.sync_folders().unwrap();
        // Every fsync waited for: no thread left, every file whole.
        assert!(out.syncer.lock().unwrap().threads.is_empty());
        for i in 0..(SYNC_QUEUE + 3 * SYNC_THREADS) {
            let got = fs::read(dir.join(format!("sources/f{i}.txt"))).unwrap();
            assert_eq!(got, i.to_string().as_bytes());
        }
        // A file finished after the folders were synced starts the threads again.
        write_file(&out, "late.txt", b"x").unwrap();
        out.sync_folders().unwrap();
    }

    #[test]
    fn folders_get_new_files_only_at_safe_paths() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("out");
        let out = DirOutput::create(&dir).unwrap();
        assert!(DirOutput::create(&dir).is_err(), "the folder must be new");
        let w = write_file(&out, "data/deep/x.json", b"{}\n").unwrap();
        assert_eq!(w.bytes, 3);
        assert_eq!(fs::read(dir.join("data/deep/x.json")).unwrap(), b"{}\n");
        assert!(write_file(&out, "data/deep/x.json", b"again").is_err());
        for bad in ["../escape", "/abs", "a\\b", ""] {
            assert!(write_file(&out, bad, b"x").is_err(), "{bad}");
        }
        assert!(!t.path().join("escape").exists());
        let folders = out.folders.lock().unwrap().clone();
        assert_eq!(
            folders.into_iter().collect::<Vec<_>>(),
            [dir.join("data"), dir.join("data/deep")]
        );
        out.sync_folders().unwrap();
    }
}
