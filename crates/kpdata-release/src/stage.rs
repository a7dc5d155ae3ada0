//! Writing a release atomically, and comparing a folder with a rebuilt release.
//!
//! The files are written into `.<name>.tmp-<pid>` beside the target, each file and folder is
//! fsynced, and the folder is renamed into place: a run killed at any moment leaves either no
//! target or the complete one. Temporary folders left by killed runs are removed by the next run.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::build::Release;
use crate::output::{sync_dir, write_file, DirOutput};
use crate::ReleaseError;

fn split_target(target: &Path) -> Result<(PathBuf, String), ReleaseError> {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| {
            ReleaseError::new(format!(
                "`{}` is not a usable folder name",
                target.display()
            ))
        })?
        .to_string();
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// The staging folder of `target` for this process.
pub fn staging_dir(target: &Path) -> Result<PathBuf, ReleaseError> {
    let (parent, name) = split_target(target)?;
    Ok(parent.join(format!(".{name}.tmp-{}", std::process::id())))
}

fn pid_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if proc.is_dir() {
        proc.join(pid.to_string()).exists()
    } else {
        false
    }
}

/// Whether a file or folder name is a staging folder `.<name>.tmp-<pid>` of a release run
/// that is gone (killed): never part of a package, and safe to remove.
pub fn is_stale_staging_name(file_name: &str) -> bool {
    let Some((head, pid)) = file_name.rsplit_once(".tmp-") else {
        return false;
    };
    head.len() > 1
        && head.starts_with('.')
        && !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && pid.parse::<u32>().is_ok_and(|pid| !pid_alive(pid))
}

/// Removes `.<name>.tmp-<pid>` folders beside `target` whose process is gone. Returns them.
pub fn remove_stale(target: &Path) -> Result<Vec<PathBuf>, ReleaseError> {
    let (parent, name) = split_target(target)?;
    let prefix = format!(".{name}.tmp-");
    let mut removed = Vec::new();
    let entries = match fs::read_dir(&parent) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(removed),
        Err(e) => return Err(e.into()),
    };
    for entry in entries {
        let entry = entry?;
        let fname = entry.file_name();
        let Some(fname) = fname.to_str() else {
            continue;
        };
        let Some(pid) = fname.strip_prefix(&prefix) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid_alive(pid) {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(&path)?;
        } else {
            fs::remove_file(&path)?;
        }
        removed.push(path);
    }
    Ok(removed)
}

/// Writes `release` (already in memory) at `target` atomically. Refuses when `target` exists.
pub fn write_atomically(target: &Path, release: &Release) -> Result<(), ReleaseError> {
    write_atomically_with(target, |out| {
        for (path, bytes) in &release.files {
            write_file(out, path, bytes)
                .map_err(|e| ReleaseError::new(format!("cannot write `{path}`: {e}")))?;
        }
        Ok(())
    })
}

/// Runs `write` on a staging folder beside `target` (each file it writes is created new and
/// fsynced when finished), fsyncs the folders, and renames the staging folder to `target`.
/// Refuses when `target` exists; on any error the staging folder is removed and `target` is
/// not created.
pub fn write_atomically_with<T, E: From<ReleaseError>>(
    target: &Path,
    write: impl FnOnce(&DirOutput) -> Result<T, E>,
) -> Result<T, E> {
    if target.exists() {
        return Err(ReleaseError::new(format!("`{}` already exists", target.display())).into());
    }
    let (parent, _) = split_target(target)?;
    // The folders this run creates above the target (removed again if it fails: a refused
    // release leaves nothing behind).
    let created: Vec<PathBuf> = parent
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
        .map(Path::to_path_buf)
        .collect();
    fs::create_dir_all(&parent)
        .map_err(|e| ReleaseError::new(format!("cannot create `{}`: {e}", parent.display())))?;
    let result = stage_and_rename(target, &parent, write);
    if result.is_err() {
        for dir in &created {
            // Deepest first; a folder something else wrote into meanwhile stays.
            if fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }
    result
}

fn stage_and_rename<T, E: From<ReleaseError>>(
    target: &Path,
    parent: &Path,
    write: impl FnOnce(&DirOutput) -> Result<T, E>,
) -> Result<T, E> {
    remove_stale(target)?;
    let stage = staging_dir(target)?;
    if stage.exists() {
        fs::remove_dir_all(&stage).map_err(ReleaseError::from)?;
    }
    let cannot = |e: io::Error| {
        ReleaseError::new(format!(
            "cannot write the release to `{}`: {e}",
            target.display()
        ))
    };
    let out = DirOutput::create(&stage).map_err(cannot)?;
    // Removes the staging folder however this function is left, a panic included.
    let _cleanup = RemoveOnDrop(&stage);
    let result = write(&out).and_then(|value| {
        out.sync_folders()
            .and_then(|()| {
                if target.exists() {
                    Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        format!(
                            "`{}` appeared while the release was written",
                            target.display()
                        ),
                    ))
                } else {
                    fs::rename(&stage, target)
                }
            })
            .and_then(|()| sync_dir(parent))
            .map_err(|e| cannot(e).into())
            .map(|()| value)
    });
    result
}

/// Removes a folder when dropped (a no-op once it was renamed away).
struct RemoveOnDrop<'a>(&'a Path);

impl Drop for RemoveOnDrop<'_> {
    fn drop(&mut self) {
        if self.0.exists() {
            let _ = fs::remove_dir_all(self.0);
        }
    }
}

/// Every regular file under `dir`: `/`-separated relative path → full path. Symbolic links and
/// other non-regular entries are listed too (as paths), so callers can report them.
pub fn list_files(dir: &Path) -> io::Result<BTreeMap<String, PathBuf>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let ft = entry.file_type()?;
            if ft.is_dir() {
                stack.push((entry.path(), rel));
            } else {
                out.insert(rel, entry.path());
            }
        }
    }
    Ok(out)
}

/// Differences between the files in `dir` and `release`: one line per differing file.
pub fn compare(dir: &Path, release: &Release) -> io::Result<Vec<String>> {
    let on_disk = list_files(dir)?;
    let mut diffs = Vec::new();
    for (rel, bytes) in &release.files {
        match on_disk.get(rel) {
            None => diffs.push(format!("{rel}: missing from the folder")),
            Some(p) => {
                // Opened once, no link followed, no blocking open (a FIFO is refused).
                let mut have = Vec::new();
                io::Read::read_to_end(&mut kpdata_package::open_regular(p, false)?, &mut have)?;
                if &have != bytes {
                    let at = have
                        .iter()
                        .zip(bytes)
                        .position(|(a, b)| a != b)
                        .unwrap_or(have.len().min(bytes.len()));
                    diffs.push(format!(
                        "{rel}: differs from the rebuilt file (first difference at byte {at}; {} bytes in the folder, {} rebuilt)",
                        have.len(),
                        bytes.len()
                    ));
                }
            }
        }
    }
    for rel in on_disk.keys() {
        // A signature is made once by the release manager, never rebuilt.
        if !release.files.contains_key(rel) && rel != crate::sign::SIGNATURE_FILE {
            diffs.push(format!("{rel}: not part of the rebuilt release"));
        }
    }
    Ok(diffs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_staging_names() {
        assert!(is_stale_staging_name(".1.0.0.tmp-4000000000"));
        assert!(is_stale_staging_name(".rel.tmp-4000000000"));
        let me = format!(".rel.tmp-{}", std::process::id());
        assert!(!is_stale_staging_name(&me));
        for other in [
            "rel.tmp-4000000000",
            ".tmp-4000000000",
            ".rel.tmp-",
            ".rel.tmp-12a",
            "x",
        ] {
            assert!(!is_stale_staging_name(other), "{other}");
        }
    }

    #[test]
    fn a_panic_while_writing_leaves_no_staging_folder() {
        let t = tempfile::tempdir().unwrap();
        let target = t.path().join("rel");
        let result = std::panic::catch_unwind(|| {
            write_atomically_with(&target, |out| -> Result<(), ReleaseError> {
                write_file(out, "data/a.json", b"[]").unwrap();
                panic!("a bug in the build");
            })
        });
        assert!(result.is_err());
        let left: Vec<_> = fs::read_dir(t.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
