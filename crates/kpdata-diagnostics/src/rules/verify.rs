//! KP6xx: `kpdata verify` of a release folder.

crate::rules! {
    RELEASE_FILE_MISSING {
        code: "KP601", name: "release-file-missing", severity: Error,
        summary: "A file listed in SHA256SUMS or datapackage.json is not in the folder.",
        why: "An incomplete download is not the release.",
        example: "data/actors.parquet missing",
        fix: "Download the release again.",
        hint: "download the release again",
    }
    RELEASE_FILE_EXTRA {
        code: "KP602", name: "release-file-extra", severity: Error,
        summary: "A file in the folder that SHA256SUMS does not list.",
        why: "An added file is not part of the release and may be mistaken for data.",
        example: "data/extra.csv",
        fix: "Remove the file, or download the release again.",
        hint: "remove the file",
    }
    RELEASE_HASH_MISMATCH {
        code: "KP603", name: "release-hash-mismatch", severity: Error,
        summary: "A file's sha256 differs from SHA256SUMS or datapackage.json.",
        why: "Altered bytes mean altered data.",
        example: "one flipped bit in data/designations.parquet",
        fix: "Download the release again.",
        hint: "download the release again",
    }
    RELEASE_SIZE_MISMATCH {
        code: "KP604", name: "release-size-mismatch", severity: Error,
        summary: "A file's size differs from the `bytes` in datapackage.json (truncated or padded).",
        why: "A truncated file loads partially in many tools without an error.",
        example: "data/actors.json cut short",
        fix: "Download the release again.",
        hint: "download the release again",
    }
    RELEASE_DUPLICATE_ENTRY {
        code: "KP605", name: "release-duplicate-entry", severity: Error,
        summary: "SHA256SUMS or datapackage.json lists the same path twice.",
        why: "Two entries for one file can hide a tampered checksum.",
        example: "two lines for data/actors.json",
        fix: "Download the release again.",
        hint: "download the release again",
    }
    RELEASE_MANIFEST_INVALID {
        code: "KP606", name: "release-manifest-invalid", severity: Error,
        summary: "SHA256SUMS or datapackage.json is missing, unreadable or malformed.",
        why: "Without an intact manifest nothing in the folder can be verified.",
        example: "a SHA256SUMS line without two spaces between hash and path",
        fix: "Download the release again.",
        hint: "download the release again",
    }
}
