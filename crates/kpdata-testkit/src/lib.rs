//! Test scaffolding shared by kpdata's tests. A dev-dependency only: nothing here ships.
//!
//! - [`Kpdata`] runs the built binary in a folder (`NO_COLOR=1`, the caller's `KPDATA_*`
//!   variables removed, a fixed `KPDATA_TAGGER`, arguments as given) and
//!   [`code`], [`stdout`], [`stderr`] read its [`Output`] ([`Kpdata::command`] to change the
//!   command first, [`Kpdata::texts`] for the three at once); [`transcript`] turns an output into
//!   the text a snapshot holds.
//! - [`copy_dir`] copies a folder (symbolic links stay links), [`clear_worktree`] empties a
//!   repository's working tree, [`committed`] makes a folder a scratch git repository with one
//!   commit, [`history`] turns a `base/` and a `head/` folder into one with two commits
//!   ([`Scratch`], re-exported from `kpdata-git`).
//! - [`copy_package`] copies the repository's real package (outside git), [`diff_package`]
//!   makes a small two-dataset package in a scratch repository; [`tag_exists`] asks one.
//! - [`check_snapshot`] compares a text with a committed file, or writes it when
//!   `KPDATA_BLESS` is set ([`bless_requested`]).
//!
//! The binary's path is known only to the binary crate's own integration tests
//! (`env!("CARGO_BIN_EXE_kpdata")` is set when they are compiled), so a test names it once:
//!
//! ```ignore
//! const KPDATA: kpdata_testkit::Kpdata = kpdata_testkit::kpdata!();
//! let out = KPDATA.run(dir, &["validate", "--format", "json"]);
//! ```

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use kpdata_git::scratch::Scratch;

pub mod packages;

pub use packages::{copy_package, diff_package};

/// The identity every test release is tagged with (`KPDATA_TAGGER` of [`Kpdata::command`]).
pub const TAGGER: &str = "kpdata test <test@localhost>";

/// The environment variable that makes [`check_snapshot`] write snapshots instead of
/// comparing them.
pub const BLESS_VAR: &str = "KPDATA_BLESS";

/// The kpdata binary under test, by path.
#[derive(Debug, Clone, Copy)]
pub struct Kpdata(&'static str);

/// `Kpdata` for the binary built for the calling integration test:
/// `Kpdata::new(env!("CARGO_BIN_EXE_kpdata"))`, expanded in the caller's crate.
#[macro_export]
macro_rules! kpdata {
    () => {
        $crate::Kpdata::new(env!("CARGO_BIN_EXE_kpdata"))
    };
}

impl Kpdata {
    pub const fn new(path: &'static str) -> Kpdata {
        Kpdata(path)
    }

    pub fn path(&self) -> &'static Path {
        Path::new(self.0)
    }

    /// `kpdata ARGS...` in `dir`, ready to run (or to change first: another environment
    /// variable, a piped stdin). The environment is the test's, made repeatable: `NO_COLOR=1`,
    /// no `KPDATA_*` variable of the caller's (a signing key or password), and a fixed
    /// `KPDATA_TAGGER` (`kpdata release` tags only with an identity it is given, and machines
    /// may have none).
    pub fn command<S: AsRef<std::ffi::OsStr>>(&self, dir: &Path, args: &[S]) -> Command {
        let mut cmd = Command::new(self.0);
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("KPDATA_") {
                cmd.env_remove(k);
            }
        }
        cmd.args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env("KPDATA_TAGGER", TAGGER);
        cmd
    }

    /// Runs `kpdata ARGS...` in `dir` (see [`Kpdata::command`]) and waits for it.
    pub fn run<S: AsRef<std::ffi::OsStr>>(&self, dir: &Path, args: &[S]) -> Output {
        self.command(dir, args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.0))
    }

    /// Runs `kpdata ARGS...` in `dir`: (exit code, stdout, stderr). Panics when either stream
    /// is not UTF-8 (kpdata writes UTF-8 only).
    pub fn texts<S: AsRef<std::ffi::OsStr>>(
        &self,
        dir: &Path,
        args: &[S],
    ) -> (i32, String, String) {
        let o = self.run(dir, args);
        (
            code(&o),
            String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        )
    }
}

/// The exit code (-1 when the process was killed by a signal).
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Standard output as text (invalid UTF-8 shown as U+FFFD: kpdata writes UTF-8 only, and a
/// snapshot would show the replacement).
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The text a snapshot holds for one run: the exit code, then standard output and standard
/// error, each under its own marker line (a stream left empty is left out). Every occurrence of
/// `scratch` (the folder the command ran in, when it is a temporary copy) is shown as
/// `[SCRATCH]`, so a snapshot never depends on where the copy was made and an absolute path in
/// the output stays visible.
pub fn transcript(o: &Output, scratch: Option<&Path>) -> String {
    let mut s = format!("exit: {}\n", code(o));
    for (marker, text) in [("--- stdout", stdout(o)), ("--- stderr", stderr(o))] {
        if text.is_empty() {
            continue;
        }
        s.push_str(marker);
        s.push('\n');
        s.push_str(&text);
        if !text.ends_with('\n') {
            s.push_str("\n[no newline at the end]\n");
        }
    }
    match scratch.map(|p| p.to_string_lossy().into_owned()) {
        Some(p) if !p.is_empty() => s.replace(&p, "[SCRATCH]"),
        _ => s,
    }
}

/// Copies the folder `from` into `to` (created as needed), recursively. A symbolic link is
/// copied as a link with the same target, never followed.
pub fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    copy_dir_except(from, to, &[])
}

/// Like [`copy_dir`], leaving out the entries of `from` itself (not of its subfolders) whose
/// names are in `skip`.
pub fn copy_dir_except(from: &Path, to: &Path, skip: &[&str]) -> io::Result<()> {
    fs::create_dir_all(to)?;
    let mut entries = fs::read_dir(from)?.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if skip.iter().any(|s| e.file_name() == **s) {
            continue;
        }
        let target = to.join(e.file_name());
        let ft = e.file_type()?;
        if ft.is_symlink() {
            symlink(&fs::read_link(e.path())?, &target)?;
        } else if ft.is_dir() {
            copy_dir_except(&e.path(), &target, &[])?;
        } else {
            fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, link: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        format!("cannot copy the symbolic link {}", link.display()),
    ))
}

/// Removes everything in `dir` except `.git`.
pub fn clear_worktree(dir: &Path) -> io::Result<()> {
    for e in fs::read_dir(dir)? {
        let e = e?;
        if e.file_name() == ".git" {
            continue;
        }
        if e.file_type()?.is_dir() {
            fs::remove_dir_all(e.path())?;
        } else {
            fs::remove_file(e.path())?;
        }
    }
    Ok(())
}

/// A scratch git repository at `dir` with one commit holding the files of `src` (files that a
/// `.gitignore` among them ignores are copied but stay untracked). Commit time and identity
/// are fixed.
pub fn committed(src: &Path, dir: &Path, skip: &[&str]) -> Result<Scratch, String> {
    let s = Scratch::init(dir).map_err(|e| e.to_string())?;
    copy_dir_except(src, dir, skip).map_err(|e| format!("copy {}: {e}", src.display()))?;
    s.commit("fixture").map_err(|e| e.to_string())?;
    Ok(s)
}

/// A scratch git repository at `dir` whose first commit holds the files of `base` (tagged
/// `base`, lightweight) and whose second commit, HEAD, holds exactly the files of `head`
/// (the working tree is `head`, clean). Commit times and identity are fixed, so commit ids
/// are the same on every run.
pub fn history(base: &Path, head: &Path, dir: &Path) -> Result<Scratch, String> {
    let s = Scratch::init(dir).map_err(|e| e.to_string())?;
    copy_dir(base, dir).map_err(|e| format!("copy {}: {e}", base.display()))?;
    s.commit("base").map_err(|e| e.to_string())?;
    s.tag_lightweight("base").map_err(|e| e.to_string())?;
    clear_worktree(dir).map_err(|e| format!("clear {}: {e}", dir.display()))?;
    copy_dir(head, dir).map_err(|e| format!("copy {}: {e}", head.display()))?;
    s.commit("head").map_err(|e| e.to_string())?;
    Ok(s)
}

/// The root of this repository (the folder with the real package's kpdata.toml).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Whether the scratch repository has the tag `tag`.
pub fn tag_exists(s: &Scratch, tag: &str) -> bool {
    s.git2().find_reference(&format!("refs/tags/{tag}")).is_ok()
}

/// Whether `KPDATA_BLESS` is set: snapshots are then written, not compared.
pub fn bless_requested() -> bool {
    std::env::var_os(BLESS_VAR).is_some()
}

/// Compares `actual` with the snapshot file at `path`. With `KPDATA_BLESS` set, writes
/// `actual` there instead (when it differs) and succeeds. A mismatch or a missing snapshot is
/// an `Err` naming the first line that differs, with both texts.
pub fn check_snapshot(path: &Path, actual: &str) -> Result<(), String> {
    let expected = fs::read_to_string(path).ok();
    if expected.as_deref() == Some(actual) {
        return Ok(());
    }
    if bless_requested() {
        return fs::write(path, actual)
            .map_err(|e| format!("cannot write {}: {e}", path.display()));
    }
    let Some(expected) = expected else {
        return Err(format!(
            "{}: no snapshot (run with {BLESS_VAR}=1 to write it, then read it)\n{actual}",
            path.display()
        ));
    };
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()))
        + 1;
    Err(format!(
        "{}: differs from line {line} (run with {BLESS_VAR}=1 to accept)\n--- expected\n{expected}--- actual\n{actual}",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_mismatch_names_the_first_differing_line() {
        let t = std::env::temp_dir().join(format!("kpdata-testkit-{}", std::process::id()));
        fs::create_dir_all(&t).unwrap();
        let p = t.join("expected.txt");
        fs::write(&p, "a\nb\nc\n").unwrap();
        assert!(check_snapshot(&p, "a\nb\nc\n").is_ok());
        if !bless_requested() {
            let e = check_snapshot(&p, "a\nX\nc\n").unwrap_err();
            assert!(e.contains("differs from line 2"), "{e}");
            let e = check_snapshot(&p, "a\nb\n").unwrap_err();
            assert!(e.contains("differs from line 3"), "{e}");
            let e = check_snapshot(&t.join("none.txt"), "a\n").unwrap_err();
            assert!(e.contains("no snapshot"), "{e}");
        }
        fs::remove_dir_all(&t).unwrap();
    }

    #[test]
    fn committed_leaves_ignored_files_untracked() {
        let t = std::env::temp_dir().join(format!("kpdata-testkit-c-{}", std::process::id()));
        let _ = fs::remove_dir_all(&t);
        fs::create_dir_all(t.join("src")).unwrap();
        fs::write(t.join("src/.gitignore"), "*.pdf\n").unwrap();
        fs::write(t.join("src/a.pdf"), "x").unwrap();
        fs::write(t.join("src/b.txt"), "y").unwrap();
        fs::write(t.join("src/args"), "z").unwrap();
        let s = committed(&t.join("src"), &t.join("repo"), &["args"]).unwrap();
        let tree = s.git2().head().unwrap().peel_to_tree().unwrap();
        assert!(tree.get_name("b.txt").is_some());
        assert!(tree.get_name("a.pdf").is_none());
        assert!(t.join("repo/a.pdf").exists());
        assert!(!t.join("repo/args").exists());
        fs::remove_dir_all(&t).unwrap();
    }

    #[test]
    fn copy_keeps_links_and_history_has_two_commits() {
        let t = std::env::temp_dir().join(format!("kpdata-testkit-h-{}", std::process::id()));
        let _ = fs::remove_dir_all(&t);
        fs::create_dir_all(t.join("base/d")).unwrap();
        fs::create_dir_all(t.join("head")).unwrap();
        fs::write(t.join("base/d/a.txt"), "one").unwrap();
        fs::write(t.join("base/gone.txt"), "x").unwrap();
        fs::write(t.join("head/b.txt"), "two").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("b.txt", t.join("head/link")).unwrap();
        let s = history(&t.join("base"), &t.join("head"), &t.join("repo")).unwrap();
        let repo = s.git2();
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        assert_eq!(head.parent_count(), 1);
        assert!(repo.revparse_single("base").is_ok());
        assert!(!t.join("repo/gone.txt").exists());
        assert!(!t.join("repo/d").exists());
        assert_eq!(fs::read_to_string(t.join("repo/b.txt")).unwrap(), "two");
        #[cfg(unix)]
        assert_eq!(
            fs::read_link(t.join("repo/link")).unwrap(),
            Path::new("b.txt")
        );
        let tree = head.tree().unwrap();
        assert!(tree.get_name("gone.txt").is_none());
        assert!(tree.get_name("b.txt").is_some());
        fs::remove_dir_all(&t).unwrap();
    }
}
