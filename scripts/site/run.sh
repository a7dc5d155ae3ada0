#!/usr/bin/env bash
# Builds a release of this repository's package (no tag) and its website, then tests the site in
# headless Chromium (scripts/site/check.py). Installs Debian's chromium if it is missing.
# Usage: scripts/site/run.sh [KPDATA_BIN]   (default: target/debug/kpdata, built by cargo test)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/debug/kpdata}
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium (Debian package) for the site test" >&2
  { apt-get update -qq && apt-get install -y -qq chromium; } >/dev/null
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/kpdata-site.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A version above every tag (a throwaway release: no tag is made).
last=$(git tag --list 'v[0-9]*' --sort=-v:refname | head -n 1)
major=${last#v}; major=${major%%.*}; major=$(( ${major:-0} + 1 ))
"$bin" release "$major.0.0" --no-tag --out "$work/release" >/dev/null
python3 scripts/site/check.py --kpdata "$bin" --release "$work/release" --work "$work/check" --shots "${SITE_SHOTS:-$work/check}"
