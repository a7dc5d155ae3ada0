//! `docs/data-dictionary.md` is generated: this test regenerates it and fails when the
//! committed copy differs. Regenerate with `KPDATA_BLESS=1 cargo test -p kpdata-import --test dictionary`.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn data_dictionary_is_current() {
    let root = root();
    let manifest = std::fs::read_to_string(root.join("kpdata.toml")).expect("kpdata.toml");
    let read = |p: &str| std::fs::read(root.join(p)).ok();
    let fresh = kpdata_import::data_dictionary(&manifest, &read).expect("dictionary");
    let path = root.join("docs/data-dictionary.md");
    if std::env::var_os("KPDATA_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write docs/data-dictionary.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/data-dictionary.md is out of date; regenerate it with \
         `KPDATA_BLESS=1 cargo test -p kpdata-import --test dictionary`"
    );
}
