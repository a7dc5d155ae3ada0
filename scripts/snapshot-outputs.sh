#!/bin/sh
# Snapshot what kpdata prints and writes, so a restructure can prove "behaviour unchanged":
#
#     scripts/snapshot-outputs.sh BIN OUT      # e.g. target/debug/kpdata /tmp/snap-new
#     diff -r /tmp/snap-old /tmp/snap-new      # byte-identical or not
#
# Runs, from a clone of this repository's committed HEAD (the working tree is not used):
#   validate on the real package (text, json, github), the same with --max-per-rule 0;
#   validate on a generated 20,000-row benchmark package with 1 % bad cells (package and --schema);
#   validate --schema on every schema of the fast-path family (valid and 1 %-bad files);
#   diff between two fixed commits (text, json, markdown, github);
#   release of the real package (--no-tag) and verify of it; site of that release.
# Every command's stdout, stderr and exit code are kept; paths are relative to OUT.
set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
OUT=$2
REPO=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$OUT"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

run() { # name, command...
    name=$1
    shift
    set +e
    "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
    echo $? >"$OUT/$name.rc"
    set -e
}

git clone -q "$REPO" "$WORK/repo"
cd "$WORK/repo"
for f in text json github; do
    run "validate-$f" "$BIN" validate --format "$f" --reference-date 2026-12-31
    run "validate-early-$f" "$BIN" validate --format "$f" --reference-date 2026-12-01
done
run validate-all "$BIN" validate --format json --max-per-rule 0 --reference-date 2026-12-01

python3 scripts/bench/generate.py --rows 20000 --out "$WORK/bench" --bad-fraction 0.01 >/dev/null
for f in text json; do
    run "bench-package-$f" "$BIN" validate --root "$WORK/bench" --format "$f" --max-per-rule 0 --reference-date 2026-12-01
    run "bench-schema-$f" "$BIN" validate --schema "$WORK/bench/designations.schema.json" "$WORK/bench/designations.csv" --format "$f" --max-per-rule 0
done
sed -i "s#$WORK/##g" "$OUT"/bench-*.out "$OUT"/bench-*.err

python3 scripts/bench/family_generate.py --rows 20000 --out "$WORK/family.csv" >/dev/null
python3 scripts/bench/family_generate.py --rows 20000 --out "$WORK/family-bad.csv" --bad-fraction 0.01 >/dev/null
for s in scripts/bench/family/*.schema.json; do
    n=$(basename "$s" .schema.json)
    run "family-$n" "$BIN" validate --schema "$s" "$WORK/family.csv" --format json --max-per-rule 0
    run "family-$n-bad" "$BIN" validate --schema "$s" "$WORK/family-bad.csv" --format json --max-per-rule 0
done
sed -i "s#$WORK/##g" "$OUT"/family-*.out "$OUT"/family-*.err

for f in text json markdown github; do
    run "diff-$f" "$BIN" diff --base 322d574 --head 67b4c40 --format "$f"
done

if "$BIN" release --help >/dev/null 2>&1; then
    run release "$BIN" release 9.9.9 --no-tag --out "$OUT/release"
    run verify "$BIN" verify "$OUT/release"
    run site "$BIN" site "$OUT/release" --out "$OUT/site"
fi
echo "snapshot in $OUT"
