//! Version rules. Git tags `vX.Y.Z` are the registry of published versions. Versions follow the
//! Frictionless data-package-version meaning: a removed or retyped field is MAJOR, new records or
//! fields MINOR, corrections PATCH. A release must be greater than every released version and
//! its bump at least the one its changes need.

use semver::Version;

use crate::ReleaseError;

pub use kpdata_diff::Bump;

/// The bump from `prev` to `next` (`next > prev`).
pub fn bump_between(prev: &Version, next: &Version) -> Bump {
    if next.major != prev.major {
        Bump::Major
    } else if next.minor != prev.minor {
        Bump::Minor
    } else if next.patch != prev.patch {
        Bump::Patch
    } else {
        Bump::None
    }
}

/// The least version after `prev` with this bump.
pub fn apply_bump(bump: Bump, prev: &Version) -> Version {
    match bump {
        Bump::Major => Version::new(prev.major + 1, 0, 0),
        Bump::Minor => Version::new(prev.major, prev.minor + 1, 0),
        Bump::Patch | Bump::None => Version::new(prev.major, prev.minor, prev.patch + 1),
    }
}

/// Parses `X.Y.Z` (no `v`, no pre-release or build suffix).
pub fn parse(s: &str) -> Result<Version, ReleaseError> {
    let hint = "give the version as X.Y.Z, e.g. `kpdata release 1.0.0`";
    if let Some(rest) = s.strip_prefix('v') {
        return Err(
            ReleaseError::new(format!("`{s}` is not a version")).hint(format!(
                "give the version without the `v` (the tag is named v{rest})"
            )),
        );
    }
    let v = Version::parse(s)
        .map_err(|e| ReleaseError::new(format!("`{s}` is not a version: {e}")).hint(hint))?;
    if !v.pre.is_empty() || !v.build.is_empty() {
        return Err(ReleaseError::new(format!(
            "`{s}`: pre-release and build suffixes are not used for data releases"
        ))
        .hint(hint));
    }
    Ok(v)
}

pub fn tag_name(v: &Version) -> String {
    format!("v{v}")
}

/// Released versions: tags `vX.Y.Z`, ascending. Other tags are ignored.
pub fn released(tags: &[String]) -> Vec<Version> {
    let mut out: Vec<Version> = tags
        .iter()
        .filter_map(|t| t.strip_prefix('v'))
        .filter_map(|t| Version::parse(t).ok())
        .filter(|v| v.pre.is_empty() && v.build.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The released version just before `v` (for `--check` of an older release).
pub fn previous(released: &[Version], v: &Version) -> Option<Version> {
    released.iter().filter(|r| *r < v).max().cloned()
}

/// What a release of `version` builds on: the last released version, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub version: Version,
    pub previous: Option<Version>,
}

/// Checks `version` against the released versions (before any diff is computed).
pub fn plan(version: &Version, released: &[Version]) -> Result<Plan, ReleaseError> {
    if released.contains(version) {
        return Err(ReleaseError::new(format!(
            "version {version} is already released (tag {} exists)",
            tag_name(version)
        ))
        .hint("a published version is immutable: release a greater version"));
    }
    let last = released.iter().max().cloned();
    if let Some(last) = &last {
        if version <= last {
            return Err(ReleaseError::new(format!(
                "version {version} is not greater than the last released version {last}"
            ))
            .hint(format!(
                "release {} or greater",
                apply_bump(Bump::Patch, last)
            )));
        }
    }
    Ok(Plan {
        version: version.clone(),
        previous: last,
    })
}

/// Refuses a bump smaller than the changes need, naming the least version that fits.
pub fn check_bump(plan: &Plan, required: Bump) -> Result<(), ReleaseError> {
    let Some(prev) = &plan.previous else {
        return Ok(());
    };
    let given = bump_between(prev, &plan.version);
    if given < required {
        let least = apply_bump(required, prev);
        return Err(ReleaseError::new(format!(
            "the changes since {prev} need a {} bump, but {} is a {} bump",
            required.as_str(),
            plan.version,
            given.as_str()
        ))
        .hint(format!(
            "release {least} (or greater); see `kpdata diff --base {}` for the changes",
            tag_name(prev)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        parse(s).unwrap()
    }

    #[test]
    fn parses_plain_versions_only() {
        assert_eq!(v("1.2.3"), Version::new(1, 2, 3));
        for bad in ["v1.0.0", "1.0", "1.0.0-rc.1", "1.0.0+x", "01.0.0", ""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("v1.0.0")
            .unwrap_err()
            .hint
            .unwrap()
            .contains("without"));
    }

    #[test]
    fn released_versions_come_from_v_tags() {
        let tags = ["v1.0.0", "v0.9.0", "other", "v1.1.0-rc.1", "v1.0.1"].map(String::from);
        assert_eq!(released(&tags), vec![v("0.9.0"), v("1.0.0"), v("1.0.1")]);
        assert_eq!(previous(&released(&tags), &v("1.0.1")), Some(v("1.0.0")));
    }

    #[test]
    fn refuses_existing_or_smaller_versions() {
        let rel = vec![v("1.0.0"), v("1.1.0")];
        let e = plan(&v("1.1.0"), &rel).unwrap_err();
        assert!(e.message.contains("already released"), "{}", e.message);
        let e = plan(&v("1.0.5"), &rel).unwrap_err();
        assert!(e.message.contains("not greater"), "{}", e.message);
        assert!(e.hint.unwrap().contains("1.1.1"));
        assert_eq!(plan(&v("1.0.0"), &[]).unwrap().previous, None);
    }

    #[test]
    fn refuses_a_smaller_bump_than_needed_and_names_the_least() {
        let p = plan(&v("1.0.1"), &[v("1.0.0")]).unwrap();
        let e = check_bump(&p, Bump::Minor).unwrap_err();
        assert!(e.message.contains("minor bump"), "{}", e.message);
        assert!(e.hint.unwrap().contains("release 1.1.0"));
        assert!(check_bump(&p, Bump::Patch).is_ok());
        let p = plan(&v("2.0.0"), &[v("1.4.2")]).unwrap();
        assert!(check_bump(&p, Bump::Major).is_ok());
        let p = plan(&v("1.5.0"), &[v("1.4.2")]).unwrap();
        assert!(check_bump(&p, Bump::Major)
            .unwrap_err()
            .hint
            .unwrap()
            .contains("2.0.0"));
    }
}
