//! The signing key of `kpdata release --sign-key`: opened before anything is built (a wrong
//! password or a key that is not the project's stops the release at once), then used to sign
//! `SHA256SUMS`. The secret key stays outside the repository; its password comes from
//! `KPDATA_SIGN_PASSWORD` or the terminal, never from an argument (argv is visible to every
//! process and lands in shell history and CI logs).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use kpdata_git::{CommitId, Repo};
use kpdata_package::{check_relative, Manifest, MANIFEST_FILE};
use kpdata_release::sign::{self, Claim, SigningKey};

use crate::Failure;

/// The environment variable that may hold the secret key's path (instead of --sign-key).
pub const KEY_ENV: &str = "KPDATA_SIGN_KEY";
/// The environment variable that may hold the secret key's password.
pub const PASSWORD_ENV: &str = "KPDATA_SIGN_PASSWORD";

pub struct Signer {
    key: SigningKey,
    package: String,
}

/// The secret key path from the argument or the environment.
pub fn key_path(arg: Option<&PathBuf>) -> Option<PathBuf> {
    arg.cloned()
        .or_else(|| std::env::var_os(KEY_ENV).map(PathBuf::from))
        .filter(|p| !p.as_os_str().is_empty())
}

/// Opens the secret key at `path` and checks it against the public key that kpdata.toml
/// names, both as committed at `head`.
pub fn open(path: &Path, repo: &Repo, prefix: &str, head: &CommitId) -> Result<Signer, Failure> {
    let join = |rel: &str| {
        if prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{prefix}/{rel}")
        }
    };
    if let (Ok(key), Ok(work)) = (path.canonicalize(), repo.workdir().canonicalize()) {
        if key.starts_with(&work) {
            return Err(Failure::new(format!(
                "the secret key `{}` is inside the repository",
                path.display()
            ))
            .hint("keep the secret key outside the repository (one `git add -A` publishes it)"));
        }
    }
    let secret = std::fs::read_to_string(path).map_err(|e| {
        Failure::new(format!(
            "cannot read the signing key `{}`: {e}",
            path.display()
        ))
    })?;
    let manifest = repo
        .read_file(head.as_str(), &join(MANIFEST_FILE))
        .ok()
        .flatten()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| Manifest::parse(&t).ok())
        .ok_or_else(|| Failure::new("cannot read kpdata.toml at HEAD"))?;
    let Some(rel) = manifest.release.public_key.clone() else {
        return Err(
            Failure::new("kpdata.toml names no public key to sign for").hint(
                "commit the public key and name it: [release] public_key = \"keys/kpdata.pub\"",
            ),
        );
    };
    check_relative(&rel).map_err(|e| Failure::new(format!("release.public_key `{rel}`: {e}")))?;
    let public = repo
        .read_file(head.as_str(), &join(&rel))
        .ok()
        .flatten()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            Failure::new(format!("the public key `{rel}` is not committed at HEAD"))
                .hint("commit the public key: verify checks releases against the committed one")
        })?;
    let password = if sign::is_encrypted(&secret) {
        match std::env::var(PASSWORD_ENV) {
            Ok(p) => Some(p),
            Err(_) if std::io::stdin().is_terminal() => Some(
                rpassword::prompt_password("password of the signing key: ")
                    .map_err(|e| Failure::new(format!("cannot read the password: {e}")))?,
            ),
            Err(_) => None,
        }
    } else {
        None
    };
    let key = sign::signing_key(&secret, password, &public)?;
    Ok(Signer {
        key,
        package: manifest.package.name,
    })
}

impl Signer {
    /// The text of SHA256SUMS.minisig for `sums`, naming `version` and `commit`.
    pub fn sign(&self, sums: &[u8], version: &str, commit: &CommitId) -> Result<String, Failure> {
        let claim = Claim {
            package: self.package.clone(),
            version: version.to_string(),
            commit: commit.as_str().to_string(),
        };
        sign::sign(&self.key, sums, &claim)
    }
}
