#!/usr/bin/env python3
"""Runs the fenced code blocks of Markdown files in a release folder.

usage: readme_blocks.py RELEASE_DIR PYTHON_OK R_OK FILE[#Section] ...

`sh` blocks run with bash (`set -e`), `python` blocks with this interpreter, `r` blocks with
Rscript; each in RELEASE_DIR. `FILE#Section` runs only the blocks under that `##` heading.
Python blocks are skipped when PYTHON_OK is 0 and R blocks when R_OK is 0 (the caller has
already warned). Fails on the first block that fails, or when a file has no block to run.
"""

import re
import subprocess
import sys


def blocks(path):
    file, _, section = path.partition("#")
    text = open(file, encoding="utf-8").read()
    if section:
        m = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
        if not m:
            sys.exit(f"{file}: no section `## {section}`")
        text = m.group(1)
    return re.findall(r"^```(\w+)\n(.*?)^```", text, re.S | re.M)


def main():
    rel, python_ok, r_ok = sys.argv[1], sys.argv[2] == "1", sys.argv[3] == "1"
    for path in sys.argv[4:]:
        found = blocks(path)
        if not found:
            sys.exit(f"{path}: no code block")
        ran = 0
        for lang, code in found:
            if lang == "sh":
                if not python_ok and "frictionless" in code:
                    continue
                cmd = ["bash", "-e", "-c", code]
            elif lang == "python":
                if not python_ok:
                    continue
                cmd = [sys.executable, "-c", code]
            elif lang == "r":
                if not r_ok:
                    continue
                cmd = ["Rscript", "-e", code]
            else:
                continue
            r = subprocess.run(cmd, cwd=rel, capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"{path}: this {lang} block failed:\n{code}\n{r.stdout}{r.stderr}")
            ran += 1
        print(f"{path}: {ran} code block(s) ran")


if __name__ == "__main__":
    main()
