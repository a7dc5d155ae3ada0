#!/usr/bin/env bash
# The pull-request gate: judges the head commit's data with a kpdata the pull request did not
# write, and with its own kpdata too when it changes code.
#
#   scripts/pr-gate.sh [--side base|head|both] BASE HEAD
#
# --side base  the data verdict: kpdata built from BASE (a git worktree of BASE outside this
#              checkout, so no file of the pull request, not even a .cargo/config.toml, takes
#              part in the build) runs `validate`, the history rules (`diff --format github`),
#              the rule changes (`diff --rules`) and the record-level diff on HEAD's files.
#              No code from HEAD is built or run.
# --side head  the code verdict: only when HEAD changes code (anything outside datasets/,
#              schemas/, docs/, kpdata.toml and top-level *.md), kpdata built from HEAD runs
#              `validate` and the history rules on the same files. Otherwise it passes at once.
# --side both  (default) base, then head, and one summary. CI runs the two sides as separate
#              jobs so that code built from the pull request never shares a machine with the
#              data verdict.
#
# BASE and HEAD are commits of the repository this is run in (the current directory).
# Environment:
#   KPDATA_BASE_BIN, KPDATA_HEAD_BIN  prebuilt validators to use instead of building (tests)
#   GATE_SUMMARY   file the markdown summary is appended to (default: $GITHUB_STEP_SUMMARY,
#                  else standard output)
#   GATE_WORK      scratch folder (default: a new temporary folder, removed at exit)
#   CARGO_TARGET_DIR  where cargo builds (default: GATE_WORK/target)
# Annotations (GitHub workflow commands written by kpdata, escaped there) go to stdout.
# Exit: 0 every required verdict passed, 1 a verdict failed, 2 the gate could not run.
set -euo pipefail

side=both
if [[ "${1:-}" == "--side" ]]; then
  side="${2:-}"
  shift 2 || true
fi
if [[ $# -ne 2 || ! "$side" =~ ^(base|head|both)$ ]]; then
  echo "usage: scripts/pr-gate.sh [--side base|head|both] BASE HEAD" >&2
  exit 2
fi

repo="$(git rev-parse --show-toplevel)"
base="$(git -C "$repo" rev-parse --verify --quiet "$1^{commit}")" || {
  echo "error: unknown base revision (fetch it: actions/checkout with fetch-depth: 0)" >&2
  exit 2
}
head="$(git -C "$repo" rev-parse --verify --quiet "$2^{commit}")" || {
  echo "error: unknown head revision" >&2
  exit 2
}
short() { printf '%s' "${1:0:12}"; }

if [[ -n "${GATE_WORK:-}" ]]; then
  work="$GATE_WORK"
  mkdir -p "$work"
  keep_work=1
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/kpdata-gate.XXXXXX")"
  keep_work=0
fi
work="$(cd "$work" && pwd -P)"
summary="${GATE_SUMMARY:-${GITHUB_STEP_SUMMARY:-/dev/stdout}}"
cleanup() {
  for wt in "$work/base" "$work/head"; do
    [[ -d "$wt" ]] && git -C "$repo" worktree remove --force "$wt" >/dev/null 2>&1 || true
  done
  [[ "$keep_work" == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT

# File names come from the pull request: anything but plain characters is shown as `?`.
plain() { LC_ALL=C tr -c 'A-Za-z0-9._/+=,@\n-' '?'; }
# Tool output inside a ~~~~ fence: no control characters, and no line can close the fence.
fenced() { LC_ALL=C tr -d '\000-\011\013-\037\177' | sed 's/^[~`]/ &/'; }

# What the pull request changes (NUL-separated, so no name can be misread).
changed=()
while IFS= read -r -d '' f; do changed+=("$f"); done \
  < <(git -C "$repo" diff --no-renames --name-only -z "$base" "$head" --)
code=()
gate=()
rules=()
for f in "${changed[@]}"; do
  case "$f" in
    .github/* | scripts/pr-gate.sh) gate+=("$f") ;;
  esac
  case "$f" in
    kpdata.toml | schemas/*) rules+=("$f") ;;
  esac
  case "$f" in
    datasets/* | schemas/* | docs/* | kpdata.toml) ;;
    */*) code+=("$f") ;;
    *.md) ;;
    *) code+=("$f") ;;
  esac
done

list() { # a markdown list of up to 20 file names
  local n=0
  for f in "$@"; do
    n=$((n + 1))
    if ((n > 20)); then
      echo "- … and $(($# - 20)) more"
      break
    fi
    printf -- '- `%s`\n' "$(printf '%s' "$f" | plain)"
  done
}

worktree() { # worktree NAME COMMIT: a checkout outside the repository's folder
  git -C "$repo" worktree add --quiet --detach "$work/$1" "$2" >&2
}

build() { # build DIR OUT: kpdata without the Parquet writer, cargo run inside DIR only
  local dir="$1" out="$2"
  (
    cd "$dir"
    cargo build --release --locked -p kpdata --no-default-features \
      --target-dir "${CARGO_TARGET_DIR:-$work/target}" >&2
    cp "${CARGO_TARGET_DIR:-$work/target}/release/kpdata" "$out"
  )
}

verdict_word() { if [[ "$1" == 0 ]]; then echo "pass"; else echo "**FAIL** (exit $1)"; fi; }

# run_side SIDE BIN: validate + history rules with BIN on HEAD's files; sets side_rc.
run_side() {
  local name="$1" bin="$2" v=0 h=0
  local root="$work/head"
  "$bin" validate --root "$root" --format github > "$work/$name-validate.out" 2> "$work/$name-validate.err" || v=$?
  "$bin" diff --root "$root" --base "$base" --head "$head" --format github \
    > "$work/$name-history.out" 2> "$work/$name-history.err" || h=$?
  if [[ "$name" == base ]]; then
    # Annotations on the pull request's files come from the base validator only.
    cat "$work/$name-validate.out" "$work/$name-history.out"
  fi
  side_rc=0
  for rc in "$v" "$h"; do
    if [[ "$rc" == 2 ]]; then
      side_rc=2
    elif [[ "$rc" != 0 && "$side_rc" == 0 ]]; then
      side_rc=1
    fi
  done
  {
    echo "| command | result |"
    echo "|---|---|"
    echo "| \`kpdata validate\` | $(verdict_word "$v") |"
    echo "| \`kpdata diff\` history rules (KP5xx) | $(verdict_word "$h") |"
    echo
    for f in validate history; do
      local frc="$v"
      [[ "$f" == history ]] && frc="$h"
      if [[ "$frc" == 2 ]]; then
        echo "\`kpdata\` could not run \`$f\` (exit 2) and said:"
        echo
        echo '~~~~text'
        head -c 2000 "$work/$name-$f.err" | fenced
        echo '~~~~'
        echo
      fi
    done
  } > "$work/$name-table.md"
}

notes() {
  if ((${#code[@]} > 0)); then
    echo "**This pull request changes code** (${#code[@]} file(s)). The data verdict comes from the base validator; the head's own validator (the code verdict) must pass too, and neither proves the code change is right:"
    echo
    list "${code[@]}"
  else
    echo "This pull request changes no code: **the base validator alone decides**."
  fi
  echo
  if ((${#gate[@]} > 0)); then
    echo "**This pull request changes the gate itself.** A workflow of a pull request runs as the pull request wrote it, so this run may not be the base's gate; review these files before trusting any verdict:"
    echo
    list "${gate[@]}"
    echo
  fi
  if ((${#rules[@]} > 0)); then
    echo "Rule files changed (see *Rule changes* below):"
    echo
    list "${rules[@]}"
    echo
  fi
}

worktree head "$head"
base_rc=0
head_rc=0
ran_head=0

if [[ "$side" != head ]]; then
  if [[ -n "${KPDATA_BASE_BIN:-}" ]]; then
    base_bin="$KPDATA_BASE_BIN"
    built_base="prebuilt validator \`$(printf '%s' "$(basename "$base_bin")" | plain)\` standing for the base commit"
  else
    worktree base "$base"
    base_bin="$work/kpdata-base"
    build "$work/base" "$base_bin" || {
      echo "error: the base validator did not build" >&2
      exit 2
    }
    built_base="built from the base commit"
  fi
  run_side base "$base_bin"
  base_rc=$side_rc
  # Rule changes and the record-level diff, from the base validator too: the pull request
  # cannot hide its own rule changes by changing the code that lists them.
  rules_rc=0
  "$base_bin" diff --root "$work/head" --base "$base" --head "$head" --rules --format markdown \
    > "$work/rules.md" 2> "$work/rules.err" || rules_rc=$?
  "$base_bin" diff --root "$work/head" --base "$base" --head "$head" --rules --format github \
    2> /dev/null | grep '^::' || true
  diff_rc=0
  "$base_bin" diff --root "$work/head" --base "$base" --head "$head" --format markdown \
    > "$work/diff.md" 2> "$work/diff.err" || diff_rc=$?
fi

if [[ "$side" != base ]] && ((${#code[@]} > 0)); then
  ran_head=1
  if [[ -n "${KPDATA_HEAD_BIN:-}" ]]; then
    head_bin="$KPDATA_HEAD_BIN"
  else
    head_bin="$work/kpdata-head"
    build "$work/head" "$head_bin" || {
      echo "error: the head validator did not build" >&2
      head_rc=2
    }
  fi
  if [[ "$head_rc" == 0 ]]; then
    run_side head "$head_bin"
    head_rc=$side_rc
  fi
fi

{
  echo "## kpdata pull-request gate"
  echo
  echo "Data of head \`$(short "$head")\`, judged against base \`$(short "$base")\`."
  echo
  if [[ "$side" != head ]]; then
    echo "### Data verdict (base validator): $(verdict_word "$base_rc")"
    echo
    echo "kpdata $built_base \`$(short "$base")\`: code this pull request did not write."
    echo
    cat "$work/base-table.md"
  fi
  if [[ "$side" != base ]]; then
    if [[ "$ran_head" == 1 ]]; then
      echo "### Code verdict (head validator, built from this pull request): $(verdict_word "$head_rc")"
      echo
      echo "Required because the pull request changes code. A pass here says nothing about the data on its own: the pull request wrote this validator."
      echo
      [[ -f "$work/head-table.md" ]] && cat "$work/head-table.md"
    else
      echo "### Code verdict: not needed (no code changed)"
      echo
    fi
  fi
  notes
  if [[ "$side" != head ]]; then
    if [[ "$rules_rc" == 0 ]]; then
      cat "$work/rules.md"
    else
      echo "### Rule changes"
      echo
      if grep -q -- "--rules" "$work/rules.err"; then
        echo "The base validator cannot list rule changes (it predates \`kpdata diff --rules\`); review the rule files listed above by hand."
      else
        echo "The base validator could not list rule changes (exit $rules_rc); review the rule files listed above by hand. It said:"
        echo
        echo '~~~~text'
        head -c 2000 "$work/rules.err" | fenced
        echo '~~~~'
      fi
      echo
    fi
    if [[ "$diff_rc" != 2 ]]; then
      cat "$work/diff.md"
    fi
  fi
} >> "$summary"

rc=0
for r in "$base_rc" "$head_rc"; do
  if [[ "$r" == 2 ]]; then
    rc=2
  elif [[ "$r" != 0 && "$rc" == 0 ]]; then
    rc=1
  fi
done
exit "$rc"
