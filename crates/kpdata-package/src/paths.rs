//! Paths from manifests and data are untrusted: they must be plain relative paths that stay
//! inside the root, pass through no symlink, and end at a regular file.
//!
//! A path is never checked and then opened by name (a FIFO or a symlink swapped in between
//! would be opened): each file is opened once, one component at a time from the root's folder
//! (`openat` with `O_NOFOLLOW`; the last with `O_NONBLOCK`, so a FIFO cannot block the open),
//! and the open handle is then checked (`fstat`: a regular file only). What is read is what was
//! checked.
//!
//! A [`Root`] is a folder, or a [`FileSource`]: the files of one git commit, so that a release
//! validates exactly the committed bytes it publishes, whatever the working tree holds.

use std::fs;
use std::io::{Cursor, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::PackageError;

/// Why a relative path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathProblem {
    Empty,
    Absolute,
    ParentDir,
    Backslash,
    Symlink(String),
    NotRegularFile,
    NotFound,
    Io(String),
}

impl std::fmt::Display for PathProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathProblem::Empty => f.write_str("the path is empty"),
            PathProblem::Absolute => f.write_str("absolute paths are not allowed"),
            PathProblem::ParentDir => f.write_str("`..` is not allowed in paths"),
            PathProblem::Backslash => f.write_str("use `/` as the path separator"),
            PathProblem::Symlink(p) => {
                write!(f, "`{p}` is a symbolic link; links are not followed")
            }
            PathProblem::NotRegularFile => f.write_str("not a regular file"),
            PathProblem::NotFound => f.write_str("no such file"),
            PathProblem::Io(e) => f.write_str(e),
        }
    }
}

/// Checks the shape of a relative path without touching the file system.
pub fn check_relative(rel: &str) -> Result<(), PathProblem> {
    if rel.is_empty() {
        return Err(PathProblem::Empty);
    }
    if rel.contains('\\') {
        return Err(PathProblem::Backslash);
    }
    if rel.contains('\0') {
        return Err(PathProblem::Io("the path contains a NUL byte".into()));
    }
    let p = Path::new(rel);
    for c in p.components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err(PathProblem::ParentDir),
            Component::RootDir | Component::Prefix(_) => return Err(PathProblem::Absolute),
        }
    }
    Ok(())
}

/// Files that do not come from a folder (the files of a git commit). Paths are relative to
/// the package root and already passed [`check_relative`].
pub trait FileSource: Send + Sync + std::fmt::Debug {
    /// The bytes of the regular file `rel`; [`PathProblem::NotFound`] when there is none.
    fn read(&self, rel: &str) -> Result<Vec<u8>, PathProblem>;
    /// Every entry under the folder `dir`, recursively, sorted by path (a missing folder
    /// lists nothing).
    fn list(&self, dir: &str) -> Result<Vec<TreeEntry>, PathProblem>;
}

/// What a folder listing found at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Symlink,
    /// A FIFO, socket, device or submodule: never read.
    Other,
}

/// One entry of [`Root::list_tree`]: a root-relative, `/`-separated path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    pub path: String,
    pub kind: EntryKind,
}

/// An opened file of a [`Root`].
#[derive(Debug)]
pub enum RootFile {
    Disk(fs::File),
    Memory(Cursor<Vec<u8>>),
}

impl RootFile {
    /// The file's size in bytes (0 when it cannot be read).
    pub fn len(&self) -> u64 {
        match self {
            RootFile::Disk(f) => f.metadata().map_or(0, |m| m.len()),
            RootFile::Memory(c) => c.get_ref().len() as u64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Read for RootFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            RootFile::Disk(f) => f.read(buf),
            RootFile::Memory(c) => c.read(buf),
        }
    }
}

/// The repository root. Every path handed out by it is inside it.
#[derive(Debug, Clone)]
pub struct Root {
    dir: PathBuf,
    source: Option<Arc<dyn FileSource>>,
}

impl PartialEq for Root {
    fn eq(&self, other: &Root) -> bool {
        self.dir == other.dir
            && match (&self.source, &other.source) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

impl Eq for Root {}

impl Root {
    pub fn new(dir: &Path) -> Result<Root, PackageError> {
        let md = fs::metadata(dir).map_err(|e| {
            PackageError::new(format!(
                "cannot open the package folder `{}`: {e}",
                dir.display()
            ))
        })?;
        if !md.is_dir() {
            return Err(PackageError::new(format!(
                "`{}` is not a folder",
                dir.display()
            )));
        }
        Ok(Root {
            dir: dir.to_path_buf(),
            source: None,
        })
    }

    /// A root whose files all come from `source` (nothing is read from a folder); `dir` is
    /// only a label.
    pub fn with_source(dir: &Path, source: Arc<dyn FileSource>) -> Root {
        Root {
            dir: dir.to_path_buf(),
            source: Some(source),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the files come from a [`FileSource`] rather than the folder.
    pub fn is_source(&self) -> bool {
        self.source.is_some()
    }

    /// Opens the regular file `rel` inside the root (symlinks refused at every step).
    pub fn open_file(&self, rel: &str) -> Result<RootFile, PathProblem> {
        if let Some(src) = &self.source {
            check_relative(rel)?;
            return src.read(rel).map(|b| RootFile::Memory(Cursor::new(b)));
        }
        self.open_disk(rel).map(RootFile::Disk)
    }

    /// Opens `rel` in the folder once, component by component, no link followed, and checks
    /// the open handle: nothing can be swapped in between the check and the read.
    fn open_disk(&self, rel: &str) -> Result<fs::File, PathProblem> {
        check_relative(rel)?;
        let comps: Vec<_> = Path::new(rel)
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .collect();
        if comps.is_empty() {
            return Err(PathProblem::NotRegularFile);
        }
        let shown = |upto: usize| {
            comps[..=upto]
                .iter()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        };
        sys::open_within(&self.dir, &comps, &shown)
    }

    /// Every entry under the folder `rel`, recursively (at most 32 levels), sorted by path;
    /// symbolic links and non-regular files are listed, never followed or opened. A missing
    /// folder lists nothing.
    pub fn list_tree(&self, rel: &str) -> Result<Vec<TreeEntry>, PathProblem> {
        let rel = rel.trim_end_matches('/');
        if let Some(src) = &self.source {
            check_relative(rel)?;
            return src.list(rel);
        }
        let dir = match self.resolve_dir(rel) {
            Ok(d) => d,
            Err(PathProblem::NotFound) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        walk(&dir, rel, &mut out, 0);
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// The path of `rel`, a regular file inside the root (symlinks refused at every step).
    /// Only to show or pass on a path: read a file through [`Root::open_file`], never by
    /// opening this path again.
    pub fn resolve_file(&self, rel: &str) -> Result<PathBuf, PathProblem> {
        self.open_file(rel)?;
        let mut cur = self.dir.clone();
        for c in Path::new(rel)
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
        {
            cur.push(c);
        }
        Ok(cur)
    }

    /// Resolves `rel` to a folder inside the root (symlinks refused).
    pub fn resolve_dir(&self, rel: &str) -> Result<PathBuf, PathProblem> {
        check_relative(rel)?;
        let mut cur = self.dir.clone();
        for c in Path::new(rel)
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
        {
            cur.push(c);
            let md = fs::symlink_metadata(&cur).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => PathProblem::NotFound,
                _ => PathProblem::Io(e.to_string()),
            })?;
            if md.file_type().is_symlink() {
                return Err(PathProblem::Symlink(rel.to_string()));
            }
            if !md.is_dir() {
                return Err(PathProblem::Io("not a folder".into()));
            }
        }
        Ok(cur)
    }

    /// Opens a regular file inside the root.
    pub fn open(&self, rel: &str) -> Result<RootFile, PackageError> {
        self.open_file(rel).map_err(|e| match e {
            PathProblem::Io(e) => PackageError::new(format!("cannot open `{rel}`: {e}")),
            PathProblem::NotFound if self.is_source() => PackageError::new(format!(
                "`{rel}` is not committed"
            ))
            .with_hint("releases read committed files only: commit the file (check .gitignore)"),
            e => path_error(rel, e),
        })
    }

    /// Reads a whole (small) file inside the root, at most `max` bytes.
    pub fn read_limited(&self, rel: &str, max: u64) -> Result<Vec<u8>, PackageError> {
        let f = self.open(rel)?;
        let mut buf = Vec::new();
        f.take(max + 1)
            .read_to_end(&mut buf)
            .map_err(|e| PackageError::new(format!("cannot read `{rel}`: {e}")))?;
        if buf.len() as u64 > max {
            return Err(PackageError::new(format!(
                "`{rel}` is larger than {max} bytes"
            )));
        }
        Ok(buf)
    }

    /// Reads a manifest-sized file (schemas, the manifest itself): at most 16 MiB.
    pub fn read(&self, rel: &str) -> Result<Vec<u8>, PackageError> {
        self.read_limited(rel, 16 << 20)
    }
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<TreeEntry>, depth: usize) {
    if depth > 32 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = format!("{rel}/{name}");
        let Ok(ft) = e.file_type() else { continue };
        let kind = if ft.is_symlink() {
            EntryKind::Symlink
        } else if ft.is_dir() {
            walk(&e.path(), &path, out, depth + 1);
            continue;
        } else if ft.is_file() {
            EntryKind::File
        } else {
            EntryKind::Other
        };
        out.push(TreeEntry { path, kind });
    }
}

/// Opens `path` for reading and checks the open handle is a regular file. The open does not
/// block (a FIFO or device is refused after it is opened, never waited on). `follow_links`:
/// whether a symlink as the last component is followed (a path the user named) or refused
/// (a path from data). The returned file reads normally (blocking).
pub fn open_regular(path: &Path, follow_links: bool) -> std::io::Result<fs::File> {
    let file = sys::open(None, path, follow_links, false)?;
    regular(file)
}

fn regular(file: fs::File) -> std::io::Result<fs::File> {
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    sys::blocking(&file)?;
    Ok(file)
}

#[cfg(unix)]
mod sys {
    use std::fs;
    use std::path::{Component, Path};

    use rustix::fs::{AtFlags, FileType, Mode, OFlags};

    use super::PathProblem;

    /// `openat(parent or the working folder, path)`: read-only, close-on-exec, non-blocking;
    /// `O_NOFOLLOW` unless `follow`; `O_DIRECTORY` when `dir`.
    pub fn open(
        parent: Option<&fs::File>,
        path: &Path,
        follow: bool,
        dir: bool,
    ) -> std::io::Result<fs::File> {
        let mut flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK | OFlags::NOCTTY;
        if !follow {
            flags |= OFlags::NOFOLLOW;
        }
        if dir {
            flags |= OFlags::DIRECTORY;
        }
        let fd = match parent {
            Some(p) => rustix::fs::openat(p, path, flags, Mode::empty()),
            None => rustix::fs::openat(rustix::fs::CWD, path, flags, Mode::empty()),
        }?;
        Ok(fs::File::from(fd))
    }

    /// Clears `O_NONBLOCK` on an open regular file.
    pub fn blocking(file: &fs::File) -> std::io::Result<()> {
        let flags = rustix::fs::fcntl_getfl(file)?;
        rustix::fs::fcntl_setfl(file, flags - OFlags::NONBLOCK)?;
        Ok(())
    }

    /// Opens `comps` below `dir` one component at a time (`openat` from the folder opened
    /// before), no link followed, and checks the last one's open handle.
    pub fn open_within(
        dir: &Path,
        comps: &[Component<'_>],
        shown: &dyn Fn(usize) -> String,
    ) -> Result<fs::File, PathProblem> {
        let mut parent: Option<fs::File> = None;
        for (i, c) in comps.iter().enumerate() {
            let last = i + 1 == comps.len();
            let name = Path::new(c.as_os_str());
            let opened = match &parent {
                Some(p) => open(Some(p), name, false, !last),
                None => open(None, &dir.join(name), false, !last),
            };
            let f = match opened {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(PathProblem::NotFound)
                }
                Err(e) => {
                    // Say what is there (for the message only: nothing is opened by it).
                    let st = match &parent {
                        Some(p) => rustix::fs::statat(p, name, AtFlags::SYMLINK_NOFOLLOW),
                        None => rustix::fs::statat(
                            rustix::fs::CWD,
                            dir.join(name),
                            AtFlags::SYMLINK_NOFOLLOW,
                        ),
                    };
                    return Err(match st.map(|st| FileType::from_raw_mode(st.st_mode)) {
                        Ok(FileType::Symlink) => PathProblem::Symlink(shown(i)),
                        Ok(_) if last => PathProblem::NotRegularFile,
                        Ok(_) => PathProblem::Io("not a folder".into()),
                        Err(_) => PathProblem::Io(e.to_string()),
                    });
                }
            };
            if last {
                return super::regular(f).map_err(|e| match e.kind() {
                    std::io::ErrorKind::Other => PathProblem::NotRegularFile,
                    _ => PathProblem::Io(e.to_string()),
                });
            }
            parent = Some(f);
        }
        Err(PathProblem::NotRegularFile)
    }
}

#[cfg(not(unix))]
mod sys {
    //! Elsewhere: each component is checked with `symlink_metadata` before the file is opened
    //! by name (not race-free; the handle is still checked after the open).
    use std::fs;
    use std::path::{Component, Path};

    use super::PathProblem;

    pub fn open(
        _parent: Option<&fs::File>,
        path: &Path,
        follow: bool,
        _dir: bool,
    ) -> std::io::Result<fs::File> {
        if !follow && fs::symlink_metadata(path)?.file_type().is_symlink() {
            return Err(std::io::Error::other("a symbolic link"));
        }
        fs::File::open(path)
    }

    pub fn blocking(_: &fs::File) -> std::io::Result<()> {
        Ok(())
    }

    pub fn open_within(
        dir: &Path,
        comps: &[Component<'_>],
        shown: &dyn Fn(usize) -> String,
    ) -> Result<fs::File, PathProblem> {
        let mut cur = dir.to_path_buf();
        for (i, c) in comps.iter().enumerate() {
            cur.push(c);
            let md = fs::symlink_metadata(&cur).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => PathProblem::NotFound,
                _ => PathProblem::Io(e.to_string()),
            })?;
            if md.file_type().is_symlink() {
                return Err(PathProblem::Symlink(shown(i)));
            }
            if i + 1 == comps.len() && !md.file_type().is_file() {
                return Err(PathProblem::NotRegularFile);
            }
        }
        let f = fs::File::open(&cur).map_err(|e| PathProblem::Io(e.to_string()))?;
        super::regular(f).map_err(|_| PathProblem::NotRegularFile)
    }
}

fn path_error(rel: &str, e: PathProblem) -> PackageError {
    let hint = match e {
        PathProblem::NotFound => {
            "check the path in kpdata.toml (paths are relative to the repository root)"
        }
        _ => "paths must be plain relative paths to regular files inside the repository",
    };
    PackageError::new(format!("`{rel}`: {e}")).with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escapes() {
        assert_eq!(check_relative("../x"), Err(PathProblem::ParentDir));
        assert_eq!(check_relative("a/../../x"), Err(PathProblem::ParentDir));
        assert_eq!(check_relative("/etc/passwd"), Err(PathProblem::Absolute));
        assert_eq!(check_relative("a\\b"), Err(PathProblem::Backslash));
        assert_eq!(check_relative(""), Err(PathProblem::Empty));
        assert!(check_relative("datasets/a.csv").is_ok());
        assert!(check_relative("./datasets/a.csv").is_ok());
    }

    /// Files held in memory, as a commit's files are.
    #[derive(Debug)]
    struct Files(Vec<(&'static str, &'static str)>);

    impl FileSource for Files {
        fn read(&self, rel: &str) -> Result<Vec<u8>, PathProblem> {
            let rel = rel.trim_start_matches("./");
            self.0
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, b)| b.as_bytes().to_vec())
                .ok_or(PathProblem::NotFound)
        }
        fn list(&self, dir: &str) -> Result<Vec<TreeEntry>, PathProblem> {
            Ok(self
                .0
                .iter()
                .filter(|(p, _)| p.starts_with(&format!("{dir}/")))
                .map(|(p, _)| TreeEntry {
                    path: p.to_string(),
                    kind: EntryKind::File,
                })
                .collect())
        }
    }

    #[test]
    fn a_source_root_reads_only_its_files() {
        let t = tempfile::tempdir().unwrap();
        // On disk, but not in the source: never read.
        fs::write(t.path().join("a.csv"), "on disk\n").unwrap();
        let src = Arc::new(Files(vec![("d/b.csv", "in the commit\n")]));
        let root = Root::with_source(t.path(), src);
        assert!(root.is_source());
        let mut text = String::new();
        root.open_file("./d/b.csv")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "in the commit\n");
        assert_eq!(root.open_file("a.csv").unwrap_err(), PathProblem::NotFound);
        assert_eq!(root.open_file("../x").unwrap_err(), PathProblem::ParentDir);
        let e = root.open("a.csv").unwrap_err();
        assert!(e.message.contains("not committed"), "{}", e.message);
        assert_eq!(
            root.list_tree("d").unwrap(),
            [TreeEntry {
                path: "d/b.csv".into(),
                kind: EntryKind::File
            }]
        );
    }

    #[cfg(unix)]
    #[test]
    fn list_tree_lists_links_and_fifos_without_following() {
        let t = tempfile::tempdir().unwrap();
        fs::create_dir_all(t.path().join("arch/sub")).unwrap();
        fs::write(t.path().join("arch/sub/a.txt"), "a").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", t.path().join("arch/link")).unwrap();
        let root = Root::new(t.path()).unwrap();
        let kinds: Vec<(String, EntryKind)> = root
            .list_tree("arch")
            .unwrap()
            .into_iter()
            .map(|e| (e.path, e.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("arch/link".to_string(), EntryKind::Symlink),
                ("arch/sub/a.txt".to_string(), EntryKind::File)
            ]
        );
        assert!(root.list_tree("missing").unwrap().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_inside_and_out_and_non_files() {
        let t = tempfile::tempdir().unwrap();
        fs::create_dir(t.path().join("d")).unwrap();
        fs::write(t.path().join("d/real.csv"), "a\n").unwrap();
        std::os::unix::fs::symlink(t.path().join("d/real.csv"), t.path().join("d/link.csv"))
            .unwrap();
        std::os::unix::fs::symlink("/etc", t.path().join("out")).unwrap();
        let root = Root::new(t.path()).unwrap();
        assert!(root.resolve_file("d/real.csv").is_ok());
        assert!(matches!(
            root.resolve_file("d/link.csv"),
            Err(PathProblem::Symlink(_))
        ));
        assert!(matches!(
            root.resolve_file("out/passwd"),
            Err(PathProblem::Symlink(_))
        ));
        assert_eq!(root.resolve_file("d"), Err(PathProblem::NotRegularFile));
        assert_eq!(root.resolve_file("d/none.csv"), Err(PathProblem::NotFound));
    }
}
