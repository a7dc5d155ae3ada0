#!/usr/bin/env python3
"""Fails when a crate declares a dependency its code never names.

For every crates/*/Cargo.toml: each [dependencies] entry must be named (as `name::`, `use name`,
`extern crate name`, or `name!`) in src/ or build.rs; each [dev-dependencies] entry in tests/,
benches/, examples/ or src/. A dependency that is needed without being named (one that only
turns on a feature of another crate) is listed in the crate's
`[package.metadata.kpdata] implicit-dependencies` with the reason in a comment.
Run by .ci/run; no third-party modules.
"""
import re
import sys
import tomllib
from pathlib import Path

root = Path(__file__).resolve().parent.parent
problems = []
for manifest in sorted(root.glob("crates/*/Cargo.toml")):
    crate = manifest.parent
    data = tomllib.loads(manifest.read_text())
    implicit = set(data.get("package", {}).get("metadata", {}).get("kpdata", {}).get("implicit-dependencies", []))

    def text_of(dirs):
        out = []
        for d in dirs:
            p = crate / d
            files = [p] if p.is_file() else sorted(p.rglob("*.rs")) if p.is_dir() else []
            out.extend(f.read_text(errors="replace") for f in files)
        return "\n".join(out)

    for section, dirs in (("dependencies", ["src", "build.rs"]),
                          ("dev-dependencies", ["tests", "benches", "examples", "src"])):
        code = text_of(dirs)
        for name, spec in data.get(section, {}).items():
            if name in implicit:
                continue
            ident = (spec.get("package") if isinstance(spec, dict) and "package" in spec and False else name).replace("-", "_")
            if not re.search(rf"\b{re.escape(ident)}(::|!|\s*;|\s*\{{|\s+as\b)", code):
                problems.append(f"{crate.name}: [{section}] `{name}` is never used")
if problems:
    print("\n".join(problems))
    print(f"{len(problems)} unused dependencies: remove them, or list them under "
          "[package.metadata.kpdata] implicit-dependencies with the reason")
    sys.exit(1)
print("dependencies: every declared dependency is used")
