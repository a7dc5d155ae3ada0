//! KP915–KP918: the origin of a release folder, checked by `kpdata verify`: the minisign
//! signature of `SHA256SUMS` and, in a clone, the tag the signed release names.

crate::rules! {
    RELEASE_UNSIGNED {
        code: "KP915", name: "release-unsigned", severity: Warning,
        summary: "The release folder has no signature (SHA256SUMS.minisig), or no public key was given to check it: nothing proves who made it.",
        why: "Checksums prove integrity, not origin: whoever rewrites a data file can rewrite SHA256SUMS and datapackage.json too. Only a signature made with the project's key, checked against the public key committed in the repository, shows that the release is the project's.",
        example: "dist/1.0.0 without SHA256SUMS.minisig",
        fix: "Download SHA256SUMS.minisig from the release page, or pass the project's public key with `--key keys/kpdata.pub`; release managers sign with `kpdata release X.Y.Z --sign-key PATH`.",
        hint: "get SHA256SUMS.minisig and the project's public key (keys/kpdata.pub)",
    }
    SIGNATURE_INVALID {
        code: "KP916", name: "signature-invalid", severity: Error,
        summary: "SHA256SUMS.minisig does not verify: SHA256SUMS or its trusted comment was altered, or the signature file is malformed.",
        why: "A signature that does not verify means the checksums are not the ones the project signed: every file they vouch for is suspect.",
        example: "a line of SHA256SUMS rewritten after signing",
        fix: "Download the release again from the project's release page; report the mirror that served the altered files.",
        hint: "download the release again from the project's release page",
    }
    SIGNATURE_WRONG_KEY {
        code: "KP917", name: "signature-wrong-key", severity: Error,
        summary: "SHA256SUMS.minisig was made with a key other than the project's public key.",
        why: "A valid signature by an unknown key proves only that someone signed: anyone can make a key.",
        example: "signed with a throwaway key, checked against keys/kpdata.pub",
        fix: "Check the folder against the public key committed in the project's repository; a release signed by another key is not the project's.",
        hint: "check with the public key committed in the project's repository",
    }
    RELEASE_TAG_MISMATCH {
        code: "KP918", name: "release-tag-mismatch", severity: Error,
        summary: "In a clone, the tag vX.Y.Z does not point at the commit the signed release names, or its message names another SHA256SUMS.",
        why: "The tag is how a release is traced to the commit and the review that produced it; a release whose tag says otherwise cannot be traced.",
        example: "the signature names commit 1a2b…, tag v1.0.0 points at 9f8e…",
        fix: "Fetch the project's tags (`git fetch --tags`) and check again; if they still disagree, the folder or the tag is not the project's.",
        hint: "fetch the project's tags and check again",
    }
}
