#!/bin/sh
# One command for the benchmarks of issue 7: builds kpdata (release, no default features),
# generates the synthetic packages into bench-data/ if missing, measures every case and writes
# the table into docs/benchmarks.md. Options: see `scripts/bench/run.sh --help`.
set -eu
cd "$(dirname "$0")/../.."
exec python3 scripts/bench/run.py "$@"
