//! The signing key of `kpdata release --sign-key`: opened before anything is built (a wrong
//! password or a key that is not the project's stops the release at once), then used to sign
//! `SHA256SUMS`. The secret key stays outside the repository. Its password is asked for
//! through a closure the caller passes (the binary reads `KPDATA_SIGN_PASSWORD` or the
//! terminal): this crate reads no environment.

use std::path::Path;

use kpdata_git::{CommitId, Repo};
use kpdata_package::{check_relative, Manifest, MANIFEST_FILE};

use crate::sign::{self, Claim, SigningKey};
use crate::ReleaseError;

/// Gives the secret key's password, asked only when the key is encrypted (`None`: no password).
pub type Password<'a> = dyn Fn() -> Result<Option<String>, ReleaseError> + 'a;

/// An opened secret key, checked against the package's committed public key.
pub struct Signer {
    key: SigningKey,
    package: String,
}

/// Opens the secret key at `path` and checks it against the public key that kpdata.toml
/// names, both as committed at `head` (`prefix`: the package root inside the repository).
pub fn open(
    path: &Path,
    repo: &Repo,
    prefix: &str,
    head: &CommitId,
    password: &Password<'_>,
) -> Result<Signer, ReleaseError> {
    let join = |rel: &str| {
        if prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{prefix}/{rel}")
        }
    };
    if let (Ok(key), Ok(work)) = (path.canonicalize(), repo.workdir().canonicalize()) {
        if key.starts_with(&work) {
            return Err(ReleaseError::new(format!(
                "the secret key `{}` is inside the repository",
                path.display()
            ))
            .hint("keep the secret key outside the repository (one `git add -A` publishes it)"));
        }
    }
    let secret = std::fs::read_to_string(path).map_err(|e| {
        ReleaseError::new(format!(
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
        .ok_or_else(|| ReleaseError::new("cannot read kpdata.toml at HEAD"))?;
    let Some(rel) = manifest.release.public_key.clone() else {
        return Err(
            ReleaseError::new("kpdata.toml names no public key to sign for").hint(
                "commit the public key and name it: [release] public_key = \"keys/kpdata.pub\"",
            ),
        );
    };
    check_relative(&rel)
        .map_err(|e| ReleaseError::new(format!("release.public_key `{rel}`: {e}")))?;
    let public = repo
        .read_file(head.as_str(), &join(&rel))
        .ok()
        .flatten()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            ReleaseError::new(format!("the public key `{rel}` is not committed at HEAD"))
                .hint("commit the public key: verify checks releases against the committed one")
        })?;
    let password = if sign::is_encrypted(&secret) {
        password()?
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
    pub fn sign(
        &self,
        sums: &[u8],
        version: &str,
        commit: &CommitId,
    ) -> Result<String, ReleaseError> {
        let claim = Claim {
            package: self.package.clone(),
            version: version.to_string(),
            commit: commit.as_str().to_string(),
        };
        sign::sign(&self.key, sums, &claim)
    }
}
