//! kpdata-git against scratch repositories built with git2 in temporary folders.

use kpdata_git::scratch::Scratch;
use kpdata_git::{git_blob_id, identity, GitError, Repo};

const WHO: (&str, &str) = ("kpdata test", "test@localhost");

fn two_commits() -> (tempfile::TempDir, Scratch, String, String) {
    let t = tempfile::tempdir().unwrap();
    let s = Scratch::init(&t.path().join("repo")).unwrap();
    s.write(".gitignore", "/dist\n")
        .write("kpdata.toml", "v = 1\n")
        .write("datasets/a.csv", "id\n1\n")
        .write("datasets/sub/b.csv", "id\n2\n");
    let first = s.commit("first").unwrap().to_string();
    s.write("kpdata.toml", "v = 2\n").remove("datasets/a.csv");
    let second = s.commit("second").unwrap().to_string();
    (t, s, first, second)
}

#[test]
fn resolves_branches_shas_and_relative_revisions() {
    let (_t, s, first, second) = two_commits();
    let repo = Repo::discover(&s.dir().join("datasets")).unwrap();
    assert_eq!(
        repo.workdir().canonicalize().unwrap(),
        s.dir().canonicalize().unwrap()
    );
    assert_eq!(repo.resolve("HEAD").unwrap().as_str(), second);
    assert_eq!(repo.resolve("HEAD~1").unwrap().as_str(), first);
    assert_eq!(repo.resolve(&first[..10]).unwrap().as_str(), first);
    let branch = s.git2().head().unwrap().shorthand().unwrap().to_string();
    assert_eq!(repo.resolve(&branch).unwrap().as_str(), second);
    s.tag_lightweight("light").unwrap();
    repo.create_annotated_tag("v1.0.0", "HEAD~1", "Release 1.0.0", WHO)
        .unwrap();
    assert_eq!(repo.resolve("light").unwrap().as_str(), second);
    assert_eq!(repo.resolve("v1.0.0").unwrap().as_str(), first);
}

#[test]
fn unknown_revisions_say_to_fetch() {
    let (_t, s, _, _) = two_commits();
    let repo = Repo::discover(s.dir()).unwrap();
    for rev in [
        "nope",
        "HEAD~5",
        "0123456789abcdef0123456789abcdef01234567",
        "",
        "--all",
    ] {
        let e = repo.resolve(rev).unwrap_err();
        assert!(matches!(e, GitError::UnknownRevision { .. }), "{rev}: {e}");
        assert!(e.hint().unwrap().contains("fetch-depth: 0"));
    }
    // A tree or blob sha is not a commit either.
    let tree = s
        .git2()
        .head()
        .unwrap()
        .peel_to_tree()
        .unwrap()
        .id()
        .to_string();
    assert!(repo.resolve(&tree).is_err());
}

#[test]
fn not_a_repository() {
    let t = tempfile::tempdir().unwrap();
    let e = Repo::discover(t.path()).unwrap_err();
    assert!(matches!(e, GitError::NotARepository { .. }), "{e}");
    assert!(e.to_string().contains("not inside a git repository"));
}

#[test]
fn reads_files_at_each_revision_without_checkout() {
    let (_t, s, first, _) = two_commits();
    let repo = Repo::discover(s.dir()).unwrap();
    // The working tree says v = 3; git objects still say what was committed.
    s.write("kpdata.toml", "v = 3\n");
    assert_eq!(
        repo.read_file("HEAD", "kpdata.toml").unwrap().unwrap(),
        b"v = 2\n"
    );
    assert_eq!(
        repo.read_file(&first, "kpdata.toml").unwrap().unwrap(),
        b"v = 1\n"
    );
    assert_eq!(
        repo.read_file(&first, "./datasets/a.csv").unwrap().unwrap(),
        b"id\n1\n"
    );
    assert_eq!(repo.read_file("HEAD", "datasets/a.csv").unwrap(), None);
    assert_eq!(repo.read_file("HEAD", "nope/x.csv").unwrap(), None);
    assert_eq!(repo.read_file("HEAD", "kpdata.toml/x").unwrap(), None);
    assert!(matches!(
        repo.read_file("HEAD", "datasets"),
        Err(GitError::NotAFile { .. })
    ));
    for bad in ["../x", "/etc/passwd", "a\\b", "", "."] {
        assert!(
            matches!(repo.read_file("HEAD", bad), Err(GitError::BadPath { .. })),
            "{bad}"
        );
    }
}

#[test]
fn blob_ids_are_what_git_computes() {
    for bytes in [
        &b""[..],
        b"id\n1\n",
        &[0u8, 255, 10, 13][..],
        &vec![b'x'; 100_000],
    ] {
        let git = git2::Oid::hash_object(git2::ObjectType::Blob, bytes).unwrap();
        assert_eq!(git_blob_id(bytes), git.as_bytes(), "{} bytes", bytes.len());
    }
}

#[test]
fn checked_out_reads_give_the_committed_bytes() {
    let (_t, s, first, _) = two_commits();
    let repo = Repo::discover(s.dir()).unwrap();
    let read = |rev: &str, path: &str| repo.read_file_checked_out(rev, path).unwrap();
    // Unchanged in the working tree: the same bytes either way.
    assert_eq!(read("HEAD", "./datasets/sub/b.csv").unwrap(), b"id\n2\n");
    // Changed, removed or replaced by a folder in the working tree: the committed bytes.
    s.write("kpdata.toml", "v = 3\n");
    assert_eq!(read("HEAD", "kpdata.toml").unwrap(), b"v = 2\n");
    assert_eq!(read(&first, "kpdata.toml").unwrap(), b"v = 1\n");
    assert_eq!(read(&first, "datasets/a.csv").unwrap(), b"id\n1\n");
    std::fs::remove_file(s.dir().join("datasets/sub/b.csv")).unwrap();
    std::fs::create_dir(s.dir().join("datasets/sub/b.csv")).unwrap();
    assert_eq!(read("HEAD", "datasets/sub/b.csv").unwrap(), b"id\n2\n");
    assert_eq!(read("HEAD", "datasets/a.csv"), None);
    assert!(matches!(
        repo.read_file_checked_out("HEAD", "../x"),
        Err(GitError::BadPath { .. })
    ));
}

#[cfg(unix)]
#[test]
fn refuses_symlinks_and_submodules() {
    let (_t, s, _, _) = two_commits();
    std::os::unix::fs::symlink("/etc/passwd", s.dir().join("datasets/link.csv")).unwrap();
    std::os::unix::fs::symlink("sub", s.dir().join("linkdir")).unwrap();
    s.commit("links").unwrap();
    // A submodule entry (mode 160000), made by hand in a tree.
    let g = s.git2();
    let head = g.head().unwrap().peel_to_commit().unwrap();
    let mut tb = g.treebuilder(Some(&head.tree().unwrap())).unwrap();
    tb.insert("module", head.id(), 0o160000).unwrap();
    let tree = g.find_tree(tb.write().unwrap()).unwrap();
    let sig = git2::Signature::new("t", "t@localhost", &git2::Time::new(1_800_000_000, 0)).unwrap();
    g.commit(Some("HEAD"), &sig, &sig, "submodule", &tree, &[&head])
        .unwrap();

    let repo = Repo::discover(s.dir()).unwrap();
    let e = repo.read_file("HEAD", "datasets/link.csv").unwrap_err();
    assert!(matches!(e, GitError::Symlink { .. }), "{e}");
    assert!(matches!(
        repo.read_file("HEAD", "linkdir/b.csv"),
        Err(GitError::Symlink { .. })
    ));
    assert!(matches!(
        repo.read_file("HEAD", "module/x"),
        Err(GitError::Submodule { .. })
    ));
    let listed = repo.list_files("HEAD", "").unwrap();
    assert!(
        !listed
            .iter()
            .any(|p| p.contains("link") || p.starts_with("module")),
        "{listed:?}"
    );
}

#[test]
fn lists_files_recursively_and_sorted() {
    let (_t, s, first, _) = two_commits();
    let repo = Repo::discover(s.dir()).unwrap();
    assert_eq!(
        repo.list_files(&first, "datasets").unwrap(),
        ["datasets/a.csv", "datasets/sub/b.csv"]
    );
    assert_eq!(
        repo.list_files("HEAD", "datasets/").unwrap(),
        ["datasets/sub/b.csv"]
    );
    assert_eq!(
        repo.list_files("HEAD", ".").unwrap(),
        [".gitignore", "datasets/sub/b.csv", "kpdata.toml"]
    );
    assert!(repo.list_files("HEAD", "missing").unwrap().is_empty());
    assert!(repo.list_files("HEAD", "kpdata.toml").unwrap().is_empty());
}

#[test]
fn commit_time_is_the_committer_time() {
    let t = tempfile::tempdir().unwrap();
    let s = Scratch::init(t.path()).unwrap();
    s.write("a", "1");
    s.commit_at("c", 1_709_211_909).unwrap();
    let repo = Repo::discover(t.path()).unwrap();
    let secs = repo.commit_time("HEAD").unwrap();
    assert_eq!(secs, 1_709_211_909);
    assert_eq!(kpdata_git::utc_date(secs), "2024-02-29");
    assert_eq!(kpdata_git::utc_rfc3339(secs), "2024-02-29T13:05:09Z");
}

#[test]
fn clean_tree_check() {
    let (_t, s, _, _) = two_commits();
    let repo = Repo::discover(s.dir()).unwrap();
    assert!(repo.is_clean(&[]).unwrap());
    // Ignored by .gitignore: still clean.
    s.write("dist/1.0.0/SHA256SUMS", "x");
    assert!(repo.is_clean(&[]).unwrap());
    // Untracked, not ignored: dirty, unless the caller ignores it.
    s.write("out/x.csv", "x");
    assert_eq!(repo.dirty_paths(&[]).unwrap(), ["out/x.csv"]);
    assert!(repo.is_clean(&["out/"]).unwrap());
    assert!(
        !repo.is_clean(&["ou"]).unwrap(),
        "a prefix is a folder, not a string prefix"
    );
    std::fs::remove_dir_all(s.dir().join("out")).unwrap();
    // Modified tracked file: dirty.
    s.write("kpdata.toml", "v = 9\n");
    assert_eq!(repo.dirty_paths(&[]).unwrap(), ["kpdata.toml"]);
    s.write("kpdata.toml", "v = 2\n");
    assert!(repo.is_clean(&[]).unwrap());
    // Deleted tracked file: dirty.
    s.remove("datasets/sub/b.csv");
    assert!(!repo.is_clean(&[]).unwrap());
}

#[test]
fn annotated_tags_are_created_once() {
    let (_t, s, first, _) = two_commits();
    let repo = Repo::discover(s.dir()).unwrap();
    assert!(repo.tags().unwrap().is_empty());
    assert!(!repo.tag_exists("v1.0.0").unwrap());
    repo.create_annotated_tag("v1.0.0", &first, "kpdata 1.0.0", WHO)
        .unwrap();
    repo.create_annotated_tag("v0.9.0", "HEAD", "kpdata 0.9.0", WHO)
        .unwrap();
    assert!(repo.tag_exists("v1.0.0").unwrap());
    assert_eq!(repo.tags().unwrap(), ["v0.9.0", "v1.0.0"]);
    let tag = s
        .git2()
        .find_reference("refs/tags/v1.0.0")
        .unwrap()
        .peel_to_tag()
        .expect("an annotated tag object");
    assert_eq!(tag.message().unwrap(), Some("kpdata 1.0.0"));
    assert_eq!(tag.target_id().to_string(), first);
    assert!(tag.tagger().is_some());

    let e = repo
        .create_annotated_tag("v1.0.0", "HEAD", "again", WHO)
        .unwrap_err();
    assert!(matches!(e, GitError::TagExists { .. }), "{e}");
    assert!(e.hint().unwrap().contains("immutable"));
    // Still on the first commit.
    assert_eq!(repo.resolve("v1.0.0").unwrap().as_str(), first);
    assert!(matches!(
        repo.create_annotated_tag("bad name..", "HEAD", "x", WHO),
        Err(GitError::BadTagName { .. })
    ));
}

#[test]
fn identity_is_none_unless_name_and_email_are_configured() {
    let t = tempfile::tempdir().unwrap();
    let empty = git2::Config::open(&t.path().join("empty.gitconfig")).unwrap();
    assert_eq!(identity(&empty), None);
    let mut cfg = git2::Config::open(&t.path().join("set.gitconfig")).unwrap();
    cfg.set_str("user.name", "Ada").unwrap();
    assert_eq!(
        identity(&cfg),
        None,
        "a name without an email is no identity"
    );
    cfg.set_str("user.email", "ada@example.org").unwrap();
    assert_eq!(
        identity(&cfg),
        Some(("Ada".into(), "ada@example.org".into()))
    );
}
