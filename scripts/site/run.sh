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
"$bin" release 0.0.0-site-check --no-tag --out "$work/release" >/dev/null 2>&1 || "$bin" release 0.0.0 --no-tag --out "$work/release"
python3 scripts/site/check.py --kpdata "$bin" --release "$work/release" --work "$work/check" --shots "${SITE_SHOTS:-$work/check}"
