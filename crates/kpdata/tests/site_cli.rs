//! `kpdata site`: refusals (a release that does not verify, an occupied output folder) and a
//! site written from a release folder.

use std::fs;
use std::path::Path;

use kpdata_testkit::Kpdata;

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

fn release(dir: &Path) {
    fs::create_dir_all(dir.join("rel/data")).unwrap();
    fs::write(
        dir.join("rel/datapackage.json"),
        r#"{"name":"t","version":"1.0.0","resources":[{"name":"actors","path":"data/actors.json","format":"json","schema":{"fields":[{"name":"actor_id"},{"name":"primary_name"}],"primaryKey":["actor_id"]}}]}"#,
    )
    .unwrap();
    fs::write(
        dir.join("rel/data/actors.json"),
        r#"[{"actor_id":"a-1","primary_name":"<b>x</b>"}]"#,
    )
    .unwrap();
}

#[test]
fn a_release_that_does_not_verify_gets_no_site() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    // No SHA256SUMS: the folder is not a verifiable release.
    let out = KPDATA.run(dir.path(), &["site", "rel", "--out", "site"]);
    assert_ne!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("site").exists());
}

#[test]
fn a_site_is_written_and_an_occupied_folder_refused() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    let out = KPDATA.run(dir.path(), &["site", "rel", "--out", "site", "--no-verify"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = fs::read_to_string(dir.path().join("site/targets/a-1.html")).unwrap();
    assert!(page.contains("&lt;b&gt;x&lt;/b&gt;"));
    assert!(dir.path().join("site/index.html").is_file());
    let again = KPDATA.run(dir.path(), &["site", "rel", "--out", "site", "--no-verify"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}
