//! Issue 20 item 10: values from input (CSV header labels, `kpdata.toml` paths, file names in
//! a release folder, error messages) cannot forge GitHub workflow commands or write raw
//! terminal escapes in the `text` and `github` formats of `validate` and `verify`.

use std::path::Path;
use std::process::{Command, Output};

/// A value with a line break, a forged workflow command, a terminal escape, an encoded line
/// break (`%0A`, which the runner would decode) and a bidi override.
const HOSTILE: &str = "x\n::error::forged\u{1b}[31m%0A::warning::w\u{202E}";

fn kpdata(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpdata"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run kpdata")
}

/// No raw escape or bidi control anywhere, and no line a runner would take as a command but
/// the ones kpdata writes (`::error file=...`, `::warning ...`, `::notice ...`).
fn assert_clean(out: &[u8], github: bool) {
    let s = String::from_utf8(out.to_vec()).unwrap();
    assert!(!s.contains('\u{1b}'), "raw ESC in:\n{s}");
    assert!(!s.contains('\u{202E}'), "raw bidi override in:\n{s}");
    assert!(!s.contains('\r'), "raw CR in:\n{s}");
    for line in s.lines() {
        let t = line.trim_start();
        if github {
            assert!(
                t.is_empty()
                    || t.starts_with("::error ")
                    || t.starts_with("::warning ")
                    || t.starts_with("::notice ")
                    || t.starts_with("kpdata: "),
                "unexpected line {line:?} in:\n{s}"
            );
            // A command's message may not decode to a line break of the input's making.
            assert!(!t.contains("%0A::"), "forged %0A in {line:?}");
        } else {
            assert!(!t.starts_with("::"), "forged command {line:?} in:\n{s}");
            assert!(!t.starts_with("##["), "forged command {line:?} in:\n{s}");
        }
    }
}

fn check_formats(dir: &Path, args: &[&str], want_code: i32, want_text: &str) {
    let o = kpdata(dir, args);
    assert_eq!(o.status.code(), Some(want_code), "{o:?}");
    assert_clean(&o.stdout, false);
    assert_clean(&o.stderr, false);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains(want_text), "{want_text:?} not in:\n{text}");
    let mut gh = args.to_vec();
    gh.extend(["--format", "github"]);
    let o = kpdata(dir, &gh);
    assert_eq!(o.status.code(), Some(want_code));
    assert_clean(&o.stdout, true);
}

const ESCAPED: &str = "x\\u{000A}::error::forged\\u{001B}[31m%0A::warning::w\\u{202E}";

#[test]
fn a_hostile_header_label_is_escaped() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(
        t.path().join("s.json"),
        r#"{"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": false}"#,
    )
    .unwrap();
    let label = HOSTILE.replace('"', "\"\"");
    std::fs::write(t.path().join("in.csv"), format!("id,\"{label}\"\na,b\n")).unwrap();
    check_formats(
        t.path(),
        &["validate", "--schema", "s.json", "in.csv"],
        1,
        &format!("field `{ESCAPED}`"),
    );
}

#[test]
fn a_hostile_manifest_path_is_escaped() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("schemas")).unwrap();
    std::fs::write(
        t.path().join("schemas/n.schema.json"),
        r#"{"type": "object", "properties": {"id": {"type": "string"}, "sensitivity": {"enum": ["public"]}}}"#,
    )
    .unwrap();
    let path = format!("datasets/{}.csv", HOSTILE);
    let toml_path = path
        .replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\u{1b}', "\\u001b")
        .replace('\u{202E}', "\\u202E");
    std::fs::write(
        t.path().join("kpdata.toml"),
        format!(
            "[package]\nname = \"t\"\ntitle = \"t\"\n\n[[dataset]]\nname = \"n\"\npath = \"{toml_path}\"\nschema = \"schemas/n.schema.json\"\ncite = \"optional\"\nprimary_key = [\"id\"]\n"
        ),
    )
    .unwrap();
    check_formats(
        t.path(),
        &["validate", "--reference-date", "2024-01-01"],
        1,
        &format!("datasets/{ESCAPED}.csv"),
    );
}

#[test]
fn a_hostile_file_name_in_a_release_folder_is_escaped() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("rel");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join(HOSTILE), "x").unwrap();
    check_formats(t.path(), &["verify", "rel"], 1, ESCAPED);
}

#[test]
fn a_hostile_path_in_an_error_is_escaped() {
    let t = tempfile::tempdir().unwrap();
    let o = kpdata(t.path(), &["verify", HOSTILE]);
    assert_eq!(o.status.code(), Some(2));
    assert_clean(&o.stderr, false);
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains(ESCAPED), "{err}");
}
