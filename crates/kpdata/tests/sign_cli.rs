//! Signed releases end to end (issue 20, item 14): `kpdata release --sign-key` signs
//! SHA256SUMS, `kpdata verify` checks the signature against the committed public key and, in
//! the clone, the tag. Each test makes its own throwaway key pair.

#![cfg(feature = "parquet")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kpdata_testkit::{copy_dir, Kpdata, Scratch};

const KPDATA: Kpdata = kpdata_testkit::kpdata!();

const MANIFEST: &str = r#"[package]
name = "kp-sign-test"
title = "Signing test package"

[release]
public_key = "keys/kpdata.pub"

[[dataset]]
name = "actors"
path = "datasets/actors.csv"
schema = "schemas/actors.schema.json"
primary_key = ["actor_id"]
cite = "optional"
"#;

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "required": ["actor_id", "name", "sensitivity"],
  "properties": {
    "actor_id": {"type": "string", "pattern": "^A[0-9]{3}$"},
    "name": {"type": "string"},
    "sensitivity": {"type": "string", "enum": ["public", "restricted"]}
  }
}
"#;

struct Keys {
    secret: PathBuf,
    public: String,
}

/// A throwaway key pair; the secret key is written to `dir`.
fn keys(dir: &Path, name: &str) -> Keys {
    let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let secret = dir.join(format!("{name}.key"));
    fs::write(&secret, kp.sk.to_box(None).unwrap().to_string()).unwrap();
    Keys {
        secret,
        public: kp.pk.to_box().unwrap().to_string(),
    }
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n{}{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// (code, severity) of each finding of `kpdata verify --format json`.
fn findings(o: &Output) -> Vec<(String, String)> {
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn package(tmp: &Path, public: &str) -> Scratch {
    let s = Scratch::init(&tmp.join("repo")).unwrap();
    s.write(".gitignore", "/dist\n")
        .write("kpdata.toml", MANIFEST)
        .write("keys/kpdata.pub", public)
        .write("schemas/actors.schema.json", SCHEMA)
        .write(
            "datasets/actors.csv",
            "actor_id,name,sensitivity\nA001,Alpha Person,public\nA002,Beta Trading,public\n",
        );
    s.commit("package").unwrap();
    s
}

#[test]
fn signed_release_verifies_and_tampering_wrong_keys_and_unsigned_copies_are_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys(tmp.path(), "project");
    let s = package(tmp.path(), &k.public);
    let repo = s.dir().to_path_buf();
    let key = k.secret.to_str().unwrap();

    let o = KPDATA.run(&repo, &["release", "1.0.0", "--sign-key", key]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let dist = repo.join("dist/1.0.0");
    let sig = fs::read_to_string(dist.join("SHA256SUMS.minisig")).unwrap();
    let head = s
        .git2()
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id()
        .to_string();
    assert!(
        sig.contains(&format!(
            "trusted comment: kpdata release kp-sign-test 1.0.0 commit {head}"
        )),
        "{sig}"
    );
    // The signature travels in the tag too (CI attaches it from there).
    let tag = s
        .git2()
        .find_reference("refs/tags/v1.0.0")
        .unwrap()
        .peel_to_tag()
        .unwrap();
    let message = String::from_utf8_lossy(tag.message_bytes().unwrap()).into_owned();
    assert!(message.contains(sig.trim_end()), "{message}");

    // The release workflow's own extraction (the same git and sed commands as release.yml)
    // gives back the signature file byte for byte.
    let workflow = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.github/workflows/release.yml"),
    )
    .unwrap();
    let extract = "git for-each-ref --format='%(contents)' \"refs/tags/$TAG\" \\\n            | sed -n '/^-----BEGIN KPDATA SIGNATURE-----$/,/^-----END KPDATA SIGNATURE-----$/p' \\\n            | sed '1d;$d'";
    assert!(
        workflow.contains(extract),
        "release.yml no longer extracts the signature this way"
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(extract.replace("\\\n", ""))
        .env("TAG", "v1.0.0")
        .current_dir(&repo)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), sig);

    // In the clone: the key comes from kpdata.toml, the tag names the signed commit.
    let o = KPDATA.run(&repo, &["verify", "dist/1.0.0", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(findings(&o).is_empty(), "{}", text(&o));
    let o = KPDATA.run(&repo, &["verify", "dist/1.0.0", "--require-signature"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // The minisign tool agrees, where it is installed.
    if let Ok(o) = Command::new("minisign")
        .args(["-Vm", "SHA256SUMS", "-p"])
        .arg(repo.join("keys/kpdata.pub"))
        .current_dir(&dist)
        .output()
    {
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }

    // A downloaded copy outside any clone: checked with --key; without a key it says so.
    let outside = tmp.path().join("download/1.0.0");
    copy_dir(&dist, &outside).unwrap();
    let pubkey = repo.join("keys/kpdata.pub");
    let o = KPDATA.run(
        tmp.path(),
        &[
            "verify",
            "download/1.0.0",
            "--key",
            pubkey.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(findings(&o).is_empty(), "{}", text(&o));
    let o = KPDATA.run(tmp.path(), &["verify", "download/1.0.0"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("KP915") && text(&o).contains("no public key"),
        "{}",
        text(&o)
    );

    // Another key: KP917.
    let other = keys(tmp.path(), "other");
    let other_pub = tmp.path().join("other.pub");
    fs::write(&other_pub, &other.public).unwrap();
    let o = KPDATA.run(
        tmp.path(),
        &[
            "verify",
            "download/1.0.0",
            "--key",
            other_pub.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(
        findings(&o),
        vec![("KP917".into(), "error".into())],
        "{}",
        text(&o)
    );

    // Rewritten data with a rewritten SHA256SUMS line: the checksums agree, the signature
    // does not.
    let data = outside.join("data/actors.json");
    let forged = fs::read_to_string(&data)
        .unwrap()
        .replace("Beta Trading", "Beta Tradinx");
    fs::write(&data, &forged).unwrap();
    let sums = fs::read_to_string(outside.join("SHA256SUMS")).unwrap();
    let new_hash = kpdata_release::sha256_hex(forged.as_bytes());
    let sums: String = sums
        .lines()
        .map(|l| {
            if l.ends_with("  data/actors.json") {
                format!("{new_hash}  data/actors.json\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    fs::write(outside.join("SHA256SUMS"), sums).unwrap();
    let o = KPDATA.run(
        tmp.path(),
        &[
            "verify",
            "download/1.0.0",
            "--key",
            pubkey.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        findings(&o).contains(&("KP916".into(), "error".into())),
        "{}",
        text(&o)
    );

    // Unsigned: a plain warning, an error when a signature is required.
    fs::remove_file(dist.join("SHA256SUMS.minisig")).unwrap();
    let o = KPDATA.run(&repo, &["verify", "dist/1.0.0", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(findings(&o), vec![("KP915".into(), "warning".into())]);
    let o = KPDATA.run(&repo, &["verify", "dist/1.0.0"]);
    assert!(text(&o).contains("the release is unsigned"), "{}", text(&o));
    let o = KPDATA.run(&repo, &["verify", "dist/1.0.0", "--require-signature"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    fs::write(dist.join("SHA256SUMS.minisig"), &sig).unwrap();

    // The tag moved to another commit: the signed release no longer matches it.
    s.write("notes.txt", "later\n");
    s.commit("later").unwrap();
    s.git2().tag_delete("v1.0.0").unwrap();
    let later = s.git2().head().unwrap().peel_to_commit().unwrap();
    s.git2()
        .tag_lightweight("v1.0.0", later.as_object(), false)
        .unwrap();
    let o = KPDATA.run(&repo, &["verify", "dist/1.0.0", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(
        findings(&o),
        vec![("KP918".into(), "error".into())],
        "{}",
        text(&o)
    );
}

#[test]
fn release_refuses_keys_that_are_not_the_projects_or_sit_in_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let k = keys(tmp.path(), "project");
    let s = package(tmp.path(), &k.public);
    let repo = s.dir().to_path_buf();

    let other = keys(tmp.path(), "other");
    let o = KPDATA.run(
        &repo,
        &[
            "release",
            "1.0.0",
            "--sign-key",
            other.secret.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("not the pair of the project's public key"),
        "{}",
        text(&o)
    );
    assert!(!repo.join("dist/1.0.0").exists());

    // A git-ignored key inside the working tree: one `git add -f` (or a changed .gitignore)
    // from being published.
    s.write(".gitignore", "/dist\n/secrets\n");
    s.commit("ignore secrets").unwrap();
    fs::create_dir(repo.join("secrets")).unwrap();
    fs::copy(&k.secret, repo.join("secrets/kpdata.key")).unwrap();
    let o = KPDATA.run(
        &repo,
        &["release", "1.0.0", "--sign-key", "secrets/kpdata.key"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("is inside the repository"),
        "{}",
        text(&o)
    );
    assert!(!repo.join("dist/1.0.0").exists());
    assert!(s.git2().find_reference("refs/tags/v1.0.0").is_err());
}
