//! Release signatures: the release manager signs `SHA256SUMS` with the project's minisign key
//! (the `minisign` crate); `kpdata verify` checks the signature against the public key
//! committed in the repository (the `minisign-verify` crate). The file is
//! `SHA256SUMS.minisig`, in the standard minisign format, so `minisign -Vm SHA256SUMS -p
//! kpdata.pub` checks it too.
//!
//! The signature's trusted comment (signed with it) names what was released:
//! `kpdata release <package> <version> commit <40-hex commit id>`. In a clone, `verify` checks
//! that the tag `v<version>` points at that commit, and that the tag's message names the
//! folder's `SHA256SUMS`.
//!
//! The signature is not part of `SHA256SUMS` (it signs it) nor of the rebuilt release: the
//! same commit gives the same files, and the signature made once on the release manager's
//! machine fits them. It also travels in the annotated tag's message (between
//! [`TAG_BEGIN`] and [`TAG_END`]) so that CI can attach it without any secret.

use std::fs;
use std::io::Read;
use std::path::Path;

use kpdata_diagnostics::rules::origin::{
    RELEASE_TAG_MISMATCH, RELEASE_UNSIGNED, SIGNATURE_INVALID, SIGNATURE_WRONG_KEY,
};
use kpdata_diagnostics::{escape_value, Diagnostic, Severity};
use kpdata_git::Repo;

use crate::sums::SUMS_FILE;
use crate::ReleaseError;

pub const SIGNATURE_FILE: &str = "SHA256SUMS.minisig";
pub const TAG_BEGIN: &str = "-----BEGIN KPDATA SIGNATURE-----";
pub const TAG_END: &str = "-----END KPDATA SIGNATURE-----";
/// The line of the tag message that names the hash of `SHA256SUMS`.
pub const TAG_SUMS_PREFIX: &str = "sha256 of SHA256SUMS: ";
/// Larger signature files are not minisign signatures.
const MAX_SIGNATURE: u64 = 4096;

/// What a signature says was released.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub package: String,
    pub version: String,
    /// Full commit id (40 lowercase hex digits).
    pub commit: String,
}

impl Claim {
    pub fn trusted_comment(&self) -> String {
        format!(
            "kpdata release {} {} commit {}",
            self.package, self.version, self.commit
        )
    }

    /// Parses a trusted comment written by [`Claim::trusted_comment`].
    pub fn parse(comment: &str) -> Option<Claim> {
        let parts: Vec<&str> = comment.split(' ').collect();
        match parts.as_slice() {
            ["kpdata", "release", package, version, "commit", commit]
                if commit.len() == 40
                    && commit
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                    && !package.is_empty()
                    && semver::Version::parse(version).is_ok() =>
            {
                Some(Claim {
                    package: package.to_string(),
                    version: version.to_string(),
                    commit: commit.to_string(),
                })
            }
            _ => None,
        }
    }
}

/// A secret key ready to sign, checked against the project's public key.
pub struct SigningKey {
    sk: minisign::SecretKey,
    pk: minisign::PublicKey,
}

/// Whether a secret key file is password-protected (so the caller knows to ask for one).
pub fn is_encrypted(secret_key_text: &str) -> bool {
    minisign::SecretKeyBox::from_string(secret_key_text)
        .and_then(|b| b.into_unencrypted_secret_key())
        .map(|k| k.is_encrypted())
        .unwrap_or(true)
}

/// Opens the secret key (`password` for a password-protected one) and checks that it is the
/// pair of `public_key_text` (the key committed in the repository).
pub fn signing_key(
    secret_key_text: &str,
    password: Option<String>,
    public_key_text: &str,
) -> Result<SigningKey, ReleaseError> {
    let boxed = minisign::SecretKeyBox::from_string(secret_key_text).map_err(|_| {
        ReleaseError::new("the signing key is not a minisign secret key")
            .hint("pass the secret key file made by `minisign -G` (not the .pub file)")
    })?;
    // Never `from_box(_, None)`: it would prompt on the terminal and print on stdout.
    let sk = if is_encrypted(secret_key_text) {
        let Some(pw) = password else {
            return Err(ReleaseError::new("the signing key is password-protected")
                .hint("set KPDATA_SIGN_PASSWORD, or run in a terminal to be asked for it"));
        };
        minisign::SecretKey::from_box(boxed, Some(pw))
    } else {
        minisign::SecretKey::from_unencrypted_box(boxed)
    }
    .map_err(|e| {
        ReleaseError::new(format!("cannot open the signing key: {e}"))
            .hint("a password-protected key needs its password (KPDATA_SIGN_PASSWORD, or typed at the prompt)")
    })?;
    let pk = minisign::PublicKeyBox::from_string(public_key_text)
        .and_then(|b| b.into_public_key())
        .map_err(|_| {
            ReleaseError::new("the project's public key is not a minisign public key")
                .hint("see [release] public_key in kpdata.toml")
        })?;
    // A probe signature checked with the public key proves the pair matches.
    minisign::sign(Some(&pk), &sk, &b"kpdata key check"[..], None, None).map_err(|_| {
        ReleaseError::new("the signing key is not the pair of the project's public key")
            .hint("sign with the secret key of the public key named in kpdata.toml ([release] public_key)")
    })?;
    Ok(SigningKey { sk, pk })
}

/// Signs `sums` (the bytes of `SHA256SUMS`): the text of `SHA256SUMS.minisig`.
pub fn sign(key: &SigningKey, sums: &[u8], claim: &Claim) -> Result<String, ReleaseError> {
    let sig = minisign::sign(
        Some(&key.pk),
        &key.sk,
        sums,
        Some(&claim.trusted_comment()),
        Some("signature of SHA256SUMS by the kpdata release key"),
    )
    .map_err(|e| ReleaseError::new(format!("cannot sign SHA256SUMS: {e}")))?;
    Ok(sig.into_string())
}

/// The signature as a block of a tag message.
pub fn tag_block(signature: &str) -> String {
    let mut s = format!("{TAG_BEGIN}\n{signature}");
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s.push_str(TAG_END);
    s.push('\n');
    s
}

/// The signature in a tag message written with [`tag_block`].
pub fn from_tag_message(message: &str) -> Option<String> {
    let start = message.find(&format!("{TAG_BEGIN}\n"))? + TAG_BEGIN.len() + 1;
    let len = message[start..].find(&format!("\n{TAG_END}"))?;
    Some(format!("{}\n", &message[start..start + len]))
}

/// A public key for [`check_folder`]: its text and how to name it in messages.
pub struct PublicKeyFile {
    pub text: String,
    pub label: String,
}

/// Reads a small regular file; `Ok(None)` when absent.
fn read_small(path: &Path, max: u64) -> Result<Option<Vec<u8>>, String> {
    let f = match open_file(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let mut out = Vec::new();
    f.take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    if out.len() as u64 > max {
        return Err(format!("larger than {max} bytes"));
    }
    Ok(Some(out))
}

/// The signature findings of the release folder `dir`, and the claim of a valid signature.
/// `version` is the folder's version (from `datapackage.json`) when known. With
/// `require_signature`, an unsigned folder is an error instead of a warning.
pub fn check_folder(
    dir: &Path,
    key: Option<&PublicKeyFile>,
    version: Option<&str>,
    require_signature: bool,
) -> (Vec<Diagnostic>, Option<Claim>) {
    let unsigned = |msg: String| {
        let d = Diagnostic::new(&RELEASE_UNSIGNED, msg).path(SIGNATURE_FILE);
        if require_signature {
            d.severity(Severity::Error)
        } else {
            d
        }
    };
    let invalid = |msg: String| Diagnostic::new(&SIGNATURE_INVALID, msg).path(SIGNATURE_FILE);
    let sig = match read_small(&dir.join(SIGNATURE_FILE), MAX_SIGNATURE) {
        Ok(Some(s)) => s,
        Ok(None) => {
            return (
                vec![unsigned(
                    "the release is unsigned (no SHA256SUMS.minisig): its checksums prove integrity, not who made it".into(),
                )],
                None,
            )
        }
        Err(e) => return (vec![invalid(format!("cannot read SHA256SUMS.minisig: {e}"))], None),
    };
    let Some(key) = key else {
        return (
            vec![unsigned(
                "the release is signed, but no public key was given: the signature was not checked"
                    .into(),
            )
            .hint("pass the project's public key: --key kpdata.pub (keys/kpdata.pub in the repository)")],
            None,
        );
    };
    let pk = match minisign_verify::PublicKey::decode(&key.text)
        .or_else(|_| minisign_verify::PublicKey::from_base64(key.text.trim()))
    {
        Ok(pk) => pk,
        Err(_) => {
            return (
                vec![invalid(format!(
                    "the public key `{}` is not a minisign public key",
                    escape_value(&key.label, 200)
                ))],
                None,
            )
        }
    };
    let Ok(text) = std::str::from_utf8(&sig) else {
        return (vec![invalid("SHA256SUMS.minisig is not text".into())], None);
    };
    let Ok(signature) = minisign_verify::Signature::decode(text) else {
        return (
            vec![invalid(
                "SHA256SUMS.minisig is not a minisign signature".into(),
            )],
            None,
        );
    };
    // SHA256SUMS is streamed through the verifier: memory stays bounded whatever its size
    // (its presence and form are the checksum pass's findings).
    let Some(sums) = open_regular(&dir.join(SUMS_FILE)) else {
        return (Vec::new(), None);
    };
    if let Err(e) = verify_stream(&pk, &signature, sums) {
        let d = match e {
            minisign_verify::Error::UnexpectedKeyId => Diagnostic::new(
                &SIGNATURE_WRONG_KEY,
                format!(
                    "SHA256SUMS.minisig was made with another key than `{}`",
                    escape_value(&key.label, 200)
                ),
            )
            .path(SIGNATURE_FILE),
            minisign_verify::Error::UnsupportedLegacyMode
            | minisign_verify::Error::UnexpectedAlgorithm => {
                invalid("SHA256SUMS.minisig is a legacy (not prehashed) signature".into())
            }
            minisign_verify::Error::IoError(e) => invalid(format!("cannot read SHA256SUMS: {e}")),
            _ => Diagnostic::new(
                &SIGNATURE_INVALID,
                "the signature does not match SHA256SUMS: SHA256SUMS (or the signed comment) was altered after signing",
            )
            .path(SUMS_FILE),
        };
        return (vec![d], None);
    }
    let comment = signature.trusted_comment();
    let Some(claim) = Claim::parse(comment) else {
        return (
            vec![invalid(format!(
                "the signed comment `{}` does not name a kpdata release",
                escape_value(comment, 200)
            ))],
            None,
        );
    };
    if let Some(v) = version {
        if v != claim.version {
            return (
                vec![invalid(format!(
                    "the signature is for version {}, the folder is version {}",
                    claim.version,
                    escape_value(v, 40)
                ))],
                None,
            );
        }
    }
    (Vec::new(), Some(claim))
}

/// Opens `path` once, without following a final symbolic link and without blocking on a
/// FIFO, and checks the open handle is a regular file (no check-then-open race).
fn open_file(path: &Path) -> std::io::Result<fs::File> {
    kpdata_package::open_regular(path, false)
}

/// A regular file opened for reading; `None` when absent or not a regular file.
fn open_regular(path: &Path) -> Option<fs::File> {
    open_file(path).ok()
}

fn verify_stream(
    pk: &minisign_verify::PublicKey,
    signature: &minisign_verify::Signature,
    mut data: impl Read,
) -> Result<(), minisign_verify::Error> {
    let mut v = pk.verify_stream(signature)?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = data.read(&mut buf)?;
        if n == 0 {
            break;
        }
        v.update(&buf[..n]);
    }
    v.finalize()
}

/// In a clone (`repo`), the tag `v<version>` must exist, point at the commit the signature
/// names (when signed) and name the folder's `SHA256SUMS` in its message.
pub fn check_tag(
    repo: &Repo,
    version: &str,
    claim: Option<&Claim>,
    sums_sha256: Option<&str>,
) -> Vec<Diagnostic> {
    let tag = format!("v{version}");
    let shown = escape_value(&tag, 60);
    let d = |msg: String| Diagnostic::new(&RELEASE_TAG_MISMATCH, msg).path(SIGNATURE_FILE);
    let Ok(commit) = repo.resolve(&tag) else {
        return vec![d(format!(
            "the folder is in a clone that has no tag {shown}: the release was not traced to a commit"
        ))
        .severity(Severity::Warning)
        .hint("fetch the tags (`git fetch --tags`)")];
    };
    let mut out = Vec::new();
    if let Some(c) = claim {
        if commit.as_str() != c.commit {
            out.push(d(format!(
                "tag {shown} points at {}, but the signed release names commit {}",
                commit.short(),
                &c.commit[..12]
            )));
        }
    }
    let message = repo.tag_message(&tag).ok().flatten().unwrap_or_default();
    let named = message
        .lines()
        .find_map(|l| l.strip_prefix(TAG_SUMS_PREFIX))
        .map(str::trim);
    if let (Some(named), Some(actual)) = (named, sums_sha256) {
        if named != actual {
            out.push(
                d(format!(
                    "tag {shown} names SHA256SUMS with sha256 {}, the folder's has {}",
                    escape_value(named, 70),
                    actual
                ))
                .path(SUMS_FILE),
            );
        }
    }
    out
}

/// The sha256 of the folder's `SHA256SUMS`, if readable.
pub fn sums_sha256(dir: &Path) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut f = open_regular(&dir.join(SUMS_FILE))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sha256_hex;

    #[test]
    fn claims_round_trip_and_reject_other_comments() {
        let c = Claim {
            package: "kpdata-dprk".into(),
            version: "1.2.3".into(),
            commit: "0123456789abcdef0123456789abcdef01234567".into(),
        };
        assert_eq!(Claim::parse(&c.trusted_comment()), Some(c));
        for bad in [
            "timestamp:1700000000",
            "kpdata release p 1.2 commit 0123456789abcdef0123456789abcdef01234567",
            "kpdata release p 1.2.3 commit 0123",
            "kpdata release p 1.2.3 commit 0123456789ABCDEF0123456789abcdef01234567",
            "kpdata release  1.2.3 commit 0123456789abcdef0123456789abcdef01234567",
        ] {
            assert_eq!(Claim::parse(bad), None, "{bad}");
        }
    }

    struct Keys {
        secret: String,
        public: String,
    }

    fn keys() -> Keys {
        let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        Keys {
            secret: kp.sk.to_box(None).unwrap().to_string(),
            public: kp.pk.to_box().unwrap().to_string(),
        }
    }

    const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

    /// A folder with SHA256SUMS over one data file, signed with `k` when given.
    fn folder(k: Option<&Keys>) -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        let data = b"id,name\n1,Alpha\n";
        fs::create_dir(t.path().join("data")).unwrap();
        fs::write(t.path().join("data/a.csv"), data).unwrap();
        let sums = format!("{}  data/a.csv\n", sha256_hex(data));
        fs::write(t.path().join(SUMS_FILE), &sums).unwrap();
        if let Some(k) = k {
            let key = signing_key(&k.secret, None, &k.public).unwrap();
            let claim = Claim {
                package: "p".into(),
                version: "1.0.0".into(),
                commit: COMMIT.into(),
            };
            fs::write(
                t.path().join(SIGNATURE_FILE),
                sign(&key, sums.as_bytes(), &claim).unwrap(),
            )
            .unwrap();
        }
        t
    }

    fn public(k: &Keys) -> PublicKeyFile {
        PublicKeyFile {
            text: k.public.clone(),
            label: "keys/kpdata.pub".into(),
        }
    }

    fn codes(d: &[Diagnostic]) -> Vec<(&'static str, Severity)> {
        d.iter().map(|d| (d.code, d.severity)).collect()
    }

    #[test]
    fn a_signed_folder_verifies_and_names_its_release() {
        let k = keys();
        let t = folder(Some(&k));
        let (d, claim) = check_folder(t.path(), Some(&public(&k)), Some("1.0.0"), true);
        assert!(d.is_empty(), "{d:?}");
        let claim = claim.unwrap();
        assert_eq!(
            (claim.version.as_str(), claim.commit.as_str()),
            ("1.0.0", COMMIT)
        );
    }

    #[test]
    fn rewritten_data_and_checksums_fail_the_signature() {
        let k = keys();
        let t = folder(Some(&k));
        // The attacker rewrites a data file and its line in SHA256SUMS consistently.
        let forged = b"id,name\n1,Forged\n";
        fs::write(t.path().join("data/a.csv"), forged).unwrap();
        fs::write(
            t.path().join(SUMS_FILE),
            format!("{}  data/a.csv\n", sha256_hex(forged)),
        )
        .unwrap();
        let (d, claim) = check_folder(t.path(), Some(&public(&k)), Some("1.0.0"), false);
        assert_eq!(codes(&d), vec![("KP916", Severity::Error)], "{d:?}");
        assert_eq!(d[0].path.as_deref(), Some(SUMS_FILE));
        assert!(claim.is_none());
    }

    #[test]
    fn unsigned_folders_and_missing_keys_are_said_plainly() {
        let k = keys();
        let t = folder(None);
        let (d, _) = check_folder(t.path(), Some(&public(&k)), None, false);
        assert_eq!(codes(&d), vec![("KP915", Severity::Warning)]);
        assert!(
            d[0].message.contains("the release is unsigned"),
            "{}",
            d[0].message
        );
        let (d, _) = check_folder(t.path(), Some(&public(&k)), None, true);
        assert_eq!(codes(&d), vec![("KP915", Severity::Error)]);
        let t = folder(Some(&k));
        let (d, _) = check_folder(t.path(), None, None, false);
        assert_eq!(codes(&d), vec![("KP915", Severity::Warning)]);
        assert!(d[0].message.contains("no public key"), "{}", d[0].message);
    }

    #[test]
    fn another_key_fails() {
        let (k, other) = (keys(), keys());
        let t = folder(Some(&k));
        let (d, _) = check_folder(t.path(), Some(&public(&other)), None, false);
        assert_eq!(codes(&d), vec![("KP917", Severity::Error)], "{d:?}");
        // Signing refuses a secret key that is not the pair of the committed public key.
        assert!(signing_key(&k.secret, None, &other.public).is_err());
    }

    #[test]
    fn a_signature_for_another_version_or_garbage_fails() {
        let k = keys();
        let t = folder(Some(&k));
        let (d, _) = check_folder(t.path(), Some(&public(&k)), Some("2.0.0"), false);
        assert_eq!(codes(&d), vec![("KP916", Severity::Error)], "{d:?}");
        fs::write(
            t.path().join(SIGNATURE_FILE),
            "untrusted comment: x\nnot base64\n",
        )
        .unwrap();
        let (d, _) = check_folder(t.path(), Some(&public(&k)), None, false);
        assert_eq!(codes(&d), vec![("KP916", Severity::Error)], "{d:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_or_fifo_signature_is_a_finding_never_a_hang() {
        let k = keys();
        let t = folder(Some(&k));
        let sig = t.path().join(SIGNATURE_FILE);
        let real = t.path().join("elsewhere.minisig");
        fs::rename(&sig, &real).unwrap();
        std::os::unix::fs::symlink(&real, &sig).unwrap();
        let (d, _) = check_folder(t.path(), Some(&public(&k)), None, false);
        assert_eq!(codes(&d), vec![("KP916", Severity::Error)], "{d:?}");
        fs::remove_file(&sig).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&sig).status();
        if made.is_ok_and(|s| s.success()) {
            let (d, _) = check_folder(t.path(), Some(&public(&k)), None, false);
            assert_eq!(codes(&d), vec![("KP916", Severity::Error)], "{d:?}");
        }
    }

    #[test]
    fn tag_blocks_round_trip() {
        let sig = "untrusted comment: x\nRUQ=\ntrusted comment: y\nABC=\n";
        let msg = format!(
            "Title 1.0.0\n\nsha256 of SHA256SUMS: ab\n\n{}",
            tag_block(sig)
        );
        assert_eq!(from_tag_message(&msg).as_deref(), Some(sig));
        assert_eq!(from_tag_message("no block"), None);
    }
}
