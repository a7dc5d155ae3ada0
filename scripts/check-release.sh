#!/usr/bin/env bash
# Builds a release of this repository's package (HEAD, twice: the bytes must be identical) and
# checks it as researchers will use it:
#   kpdata verify, sha256sum -c, frictionless validate (exit 0 required);
#   every data file read with pandas + pyarrow, polars, DuckDB and R readr, values compared
#   across formats (scripts/check_release.py);
#   every code block of the release's README.md and of this README's "Using a release" section
#   run in the release folder.
# Installs pandas, pyarrow, polars, duckdb and frictionless[parquet,json] into a virtual
# environment (KPDATA_CHECK_VENV, default target/check-release-venv) and R's readr from
# Debian's packages when Rscript is missing. If an install fails (no network), that part is
# skipped with a loud warning; nothing else is ever skipped.
# Run by .ci/run after the tests; usage: scripts/check-release.sh [KPDATA_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

warn() { printf '\n!!!!!!!!!! WARNING: %s !!!!!!!!!!\n\n' "$*" >&2; }

kpdata=${1:-}
if [ -z "$kpdata" ]; then
  cargo build -q -p kpdata
  kpdata="$repo/target/debug/kpdata"
fi
kpdata=$(cd "$(dirname "$kpdata")" && pwd)/$(basename "$kpdata")

work=$(mktemp -d)
cleanup() {
  git -C "$repo" worktree remove --force "$work/repo" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A clean checkout of HEAD (a release is built from a commit, never from uncommitted edits):
# a detached worktree, which works for a detached or shallow CI checkout too.
git worktree add -q --detach "$work/repo" HEAD
for out in a b; do
  (cd "$work/repo" && "$kpdata" release 1.0.0 --no-tag --out "$work/$out" >/dev/null)
done
diff -r "$work/a" "$work/b" >/dev/null || { echo "FAIL: two releases of one commit differ" >&2; exit 1; }
rel="$work/a"
echo "release built twice from $(git rev-parse --short HEAD): identical bytes"

"$kpdata" verify "$rel"
(cd "$rel" && sha256sum -c --quiet SHA256SUMS) && echo "sha256sum -c: ok"

venv=${KPDATA_CHECK_VENV:-$repo/target/check-release-venv}
python_ok=1
if [ ! -x "$venv/bin/frictionless" ]; then
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q \
      'frictionless[parquet,json]>=5,<6' pandas pyarrow polars duckdb; }; then
    warn "could not install the Python tools (pandas, pyarrow, polars, duckdb, frictionless): the Frictionless and cross-format checks are SKIPPED"
    python_ok=0
  fi
fi

r_ok=1
if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e 'library(readr)' >/dev/null 2>&1; then
  if ! { apt-get install -y -qq r-base-core r-cran-readr >/dev/null 2>&1 ||
         { apt-get update -qq && apt-get install -y -qq r-base-core r-cran-readr; } >/dev/null 2>&1; }; then
    warn "could not install R and readr (r-base-core r-cran-readr): the R checks are SKIPPED"
    r_ok=0
  fi
fi

r_dir=""
if [ "$r_ok" = 1 ]; then
  r_dir="$work/r"
  mkdir -p "$r_dir"
  # readr reads every CSV as text, exactly (no trimming; an empty cell is NA) and writes it
  # back with write_csv; check_release.py types it by the Table Schema and compares it with
  # Parquet.
  Rscript -e '
    suppressPackageStartupMessages(library(readr))
    args <- commandArgs(trailingOnly = TRUE)
    for (f in list.files(file.path(args[1], "data"), pattern = "\\.csv$", full.names = TRUE)) {
      d <- read_csv(f, col_types = cols(.default = col_character()), na = "", trim_ws = FALSE,
                    progress = FALSE)
      if (nrow(problems(d)) > 0) { print(problems(d)); quit(status = 1) }
      write_csv(d, file.path(args[2], basename(f)), na = "")
    }' "$rel" "$r_dir"
  echo "R readr: read every CSV"
fi

if [ "$python_ok" = 1 ]; then
  (cd "$rel" && "$venv/bin/frictionless" validate datapackage.json >"$work/frictionless.txt") || {
    grep -v ' VALID ' "$work/frictionless.txt" >&2
    echo "FAIL: frictionless validate datapackage.json" >&2
    exit 1
  }
  echo "frictionless validate: valid"
  "$venv/bin/python" scripts/check_release.py "$rel" "$r_dir"
fi

# Every code block of the release README and of README.md's "Using a release", run in the
# release folder with kpdata, frictionless and the venv's python first on PATH.
export PATH="$(dirname "$kpdata"):$venv/bin:$PATH"
"$([ "$python_ok" = 1 ] && echo "$venv/bin/python" || echo python3)" scripts/readme_blocks.py \
  "$rel" "$python_ok" "$r_ok" "$rel/README.md" "README.md#Using a release"
echo "check-release: ok"
