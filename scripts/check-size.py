#!/usr/bin/env python3
"""Fails when a non-test source file is over 600 lines or a function is over 150 lines.

Scans crates/*/src/**/*.rs. Test code does not count: a file named `tests.rs`, a file under a
`tests/` folder inside src/, and a `#[cfg(test)] mod NAME { ... }` block (its lines are left out
of the file's count and its functions are not measured).

A function is measured from the line of its `fn` to the line of its closing brace. Braces are
counted by a small Rust lexer that skips comments (nested block comments too), string literals
(escapes, raw strings `r#"..."#`, byte strings) and character literals, so a `{` inside any of
them does not count.

Files other engineers are still splitting are listed in scripts/check-size.allow, one a line:
`PATH` allows the file to be long, `PATH FUNCTION` allows that function to be long. An entry
that no longer needs to be there is an error too (remove the line): the list only shrinks.

Usage: python3 scripts/check-size.py [--all]   (--all also lists the allowed violations)
Exit 0 when clean, 1 on violations (listed on stderr). No third-party modules.
"""
import re
import sys
from pathlib import Path

MAX_FILE_LINES = 600
MAX_FN_LINES = 150

root = Path(__file__).resolve().parent.parent
allow_file = root / "scripts" / "check-size.allow"

FN_RE = re.compile(
    r"^\s*(?:pub(?:\s*\([^)]*\))?\s+)?(?:default\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?"
    r"(?:extern\s+\"[^\"]*\"\s+)?fn\s+(\w+)"
)
TEST_MOD_RE = re.compile(r"^\s*#\[cfg\(test\)\]\s*$")
MOD_RE = re.compile(r"^\s*(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+\w+\s*(\{|;)")


def depth_changes(text):
    """For each line of `text`, the list of (column, +1 / -1) brace events in code.

    A hand-rolled lexer over the whole file: strings and comments may span lines."""
    events = [[] for _ in range(text.count("\n") + 1)]
    i, n, line = 0, len(text), 0
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    line += text[i] == "\n"
                    i += 1
        elif (m := re.compile(r'b?r(#*)"').match(text, i)) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = '"' + m.group(1)
            j = text.find(close, m.end())
            j = n if j < 0 else j + len(close)
            line += text.count("\n", i, j)
            i = j
        elif c == '"' or (c == "b" and text.startswith('b"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"))):
            i += 2 if c == "b" else 1
            while i < n and text[i] != '"':
                if text[i] == "\\":
                    line += text[i + 1 : i + 2] == "\n"
                    i += 2
                    continue
                line += text[i] == "\n"
                i += 1
            i += 1
        elif c == "'":
            # A char literal ('x', '\n', '\u{7B}', '{') or a lifetime / label ('a).
            m = re.compile(r"'(?:\\u\{[0-9a-fA-F]+\}|\\.|[^\\'\n])'").match(text, i)
            i = m.end() if m else i + 1
        elif c in "{}":
            events[line].append(1 if c == "{" else -1)
            i += 1
        else:
            i += 1
    return events


def test_lines(lines, events):
    """Line indexes inside `#[cfg(test)] mod NAME { ... }` blocks."""
    out = set()
    i = 0
    while i < len(lines):
        if TEST_MOD_RE.match(lines[i]):
            j = i + 1
            while j < len(lines) and (lines[j].strip().startswith("#[") or not lines[j].strip()):
                j += 1
            m = MOD_RE.match(lines[j]) if j < len(lines) else None
            if m and m.group(1) == "{":
                depth, k, started = 0, j, False
                while k < len(lines):
                    for e in events[k]:
                        depth += e
                        started = True
                    if started and depth <= 0:
                        break
                    k += 1
                out.update(range(i, k + 1))
                i = k + 1
                continue
        i += 1
    return out


def functions(lines, events, skip):
    """(name, first line index, line count) of every function outside `skip`."""
    out = []
    for i, l in enumerate(lines):
        if i in skip:
            continue
        m = FN_RE.match(l)
        if not m:
            continue
        depth, j, started = 0, i, False
        while j < len(lines):
            for e in events[j]:
                depth += e
                started = True
            if started and depth <= 0:
                break
            # A declaration without a body (trait method, extern fn).
            if not started and lines[j].rstrip().endswith(";"):
                break
            j += 1
        if started:
            out.append((m.group(1), i, j - i + 1))
    return out


def is_test_file(rel):
    parts = rel.parts
    src = parts.index("src")
    return rel.name == "tests.rs" or "tests" in parts[src + 1 : -1]


def load_allow():
    allowed = set()
    if allow_file.exists():
        for raw in allow_file.read_text().splitlines():
            entry = raw.split("#", 1)[0].split()
            if entry:
                allowed.add(tuple(entry[:2]))
    return allowed


def main():
    show_all = "--all" in sys.argv[1:]
    allowed = load_allow()
    used = set()
    problems, tolerated = [], []
    for path in sorted(root.glob("crates/*/src/**/*.rs")):
        rel = path.relative_to(root)
        if is_test_file(rel):
            continue
        text = path.read_text(errors="replace")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        events = depth_changes(text)
        skip = test_lines(lines, events)
        count = len(lines) - len(skip)
        if count > MAX_FILE_LINES:
            key = (str(rel),)
            msg = f"{rel}: {count} lines (non-test), more than {MAX_FILE_LINES}"
            (tolerated if key in allowed else problems).append(msg)
            used.add(key)
        for name, first, n in functions(lines, events, skip):
            if n > MAX_FN_LINES:
                key = (str(rel), name)
                msg = f"{rel}:{first + 1}: fn {name} is {n} lines, more than {MAX_FN_LINES}"
                (tolerated if key in allowed else problems).append(msg)
                used.add(key)
    stale = sorted(" ".join(k) for k in allowed - used)
    if show_all and tolerated:
        print("allowed by scripts/check-size.allow (still to split):")
        for t in tolerated:
            print(f"  {t}")
    if problems or stale:
        if problems:
            print(f"check-size: {len(problems)} file(s) or function(s) too long:", file=sys.stderr)
            for p in problems:
                print(f"  {p}", file=sys.stderr)
        if stale:
            print("check-size: entries in scripts/check-size.allow that are no longer too long (remove them):", file=sys.stderr)
            for s in stale:
                print(f"  {s}", file=sys.stderr)
        return 1
    print(f"check-size: ok (files <= {MAX_FILE_LINES} lines, functions <= {MAX_FN_LINES}; {len(tolerated)} allowed for now)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
