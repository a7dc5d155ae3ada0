#!/usr/bin/env python3
"""The schema family benchmark (issue 19): `kpdata validate --schema` on record schemas that use
conditionals, combinators, local `$ref`s, dependent fields and standard formats, each side by
side with its python polars equivalent, in one run.

    python3 scripts/bench/family.py                       # build, generate 1M rows, 5 rounds, write docs/benchmarks.md
    python3 scripts/bench/family.py --rounds 7 --python /tmp/pl/bin/python
    python3 scripts/bench/family.py --base-bin OLD_KPDATA # also: the repository's own schema, OLD vs this binary

Data: scripts/bench/family_generate.py writes bench-data/family-N.csv and its 1 %-bad twin
(deterministic). Schemas: scripts/bench/family/*.schema.json. Anchor: scripts/bench/family_polars.py
(the same rules as polars expressions; it flags exactly the rows kpdata flags on the bad file).

Each round runs, for every schema, `kpdata` on the valid file, the polars equivalent on the valid
file, and `kpdata` on the 1 %-bad file, one after the other (alternating), each under
`/usr/bin/time -v`. The table gives medians over the rounds and the median of the per-round
ratios (polars / kpdata, bad / valid), which the load of a shared machine disturbs much less than
the absolute times. The load average before each run is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (the measuring helpers of the main benchmark)

REPO = bench.REPO
FAMILY = REPO / "scripts" / "bench" / "family"
SCHEMAS = ["conditionals", "combinators", "refs", "dependent", "formats"]
BEGIN, END = "<!-- bench:family:begin -->", "<!-- bench:family:end -->"


def data(rows: int, bad: bool) -> Path:
    out = bench.BENCH / (f"family-{rows}-bad.csv" if bad else f"family-{rows}.csv")
    if not out.exists():
        cmd = [sys.executable, str(REPO / "scripts/bench/family_generate.py"), "--rows", str(rows), "--out", str(out)]
        if bad:
            cmd += ["--bad-fraction", "0.01"]
        bench.log("generating", out.name)
        subprocess.run(cmd, check=True)
    return out


def med(xs):
    return statistics.median(xs)


def summarize(samples):
    return {
        "wall": med([s["wall"] for s in samples]),
        "walls": [s["wall"] for s in samples],
        "cpu_s": med([s["user"] + s["sys"] for s in samples]),
        "rss_mib": max(s["rss_kib"] for s in samples) / 1024,
        "codes": sorted({s["code"] for s in samples}),
        "load": [round(s["load"], 1) for s in samples],
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--bin", help="kpdata binary to measure (default: build the working tree)")
    ap.add_argument("--base-bin", help="an older kpdata binary: also compare the own-schema case, alternating")
    ap.add_argument("--python", default="/tmp/pl/bin/python", help="a python with polars")
    ap.add_argument("--only", help="comma-separated schema names")
    ap.add_argument("--no-doc", action="store_true")
    a = ap.parse_args(argv)
    bench.ensure_time()
    if a.bin:
        kp, label = Path(a.bin).resolve(), bench.git("rev-parse", "--short=12", "HEAD")
    else:
        kp, label = bench.build(None)
    valid, bad = data(a.rows, False), data(a.rows, True)
    names = a.only.split(",") if a.only else SCHEMAS
    runs = {n: {"kp": [], "pl": [], "bad": []} for n in names}
    for r in range(a.rounds):
        for n in names:
            schema = str(FAMILY / f"{n}.schema.json")
            bench.warm([valid, bad])
            runs[n]["kp"].append(bench.run_once([str(kp), "validate", "--schema", schema, str(valid)]))
            runs[n]["pl"].append(bench.run_once([a.python, str(REPO / "scripts/bench/family_polars.py"), n, str(valid)]))
            runs[n]["bad"].append(bench.run_once([str(kp), "validate", "--schema", schema, str(bad)]))
            bench.log(f"round {r + 1} {n}: kpdata {runs[n]['kp'][-1]['wall']:.2f} s, polars {runs[n]['pl'][-1]['wall']:.2f} s, "
                      f"bad {runs[n]['bad'][-1]['wall']:.2f} s (load {runs[n]['kp'][-1]['load']:.1f})")
    own = None
    if a.base_bin:
        own = own_schema(Path(a.base_bin).resolve(), kp, a.rounds)
    result = {"commit": label, "rows": a.rows, "rounds": a.rounds, "schemas": {}, "own": own}
    for n in names:
        kp_s, pl_s, bad_s = (summarize(runs[n][k]) for k in ("kp", "pl", "bad"))
        result["schemas"][n] = {
            "kpdata": kp_s, "polars": pl_s, "bad": bad_s,
            "polars_over_kpdata": med([p["wall"] / k["wall"] for p, k in zip(runs[n]["pl"], runs[n]["kp"])]),
            "bad_over_valid": med([b["wall"] / k["wall"] for b, k in zip(runs[n]["bad"], runs[n]["kp"])]),
        }
    out = bench.BENCH / f"family-{label}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    table = render(result)
    print(table)
    if not a.no_doc:
        doc = bench.DOC.read_text()
        if BEGIN in doc:
            head, rest = doc.split(BEGIN, 1)
            doc = head + BEGIN + "\n" + table + END + rest.split(END, 1)[1]
            bench.DOC.write_text(doc)
    return 0


def own_schema(base: Path, kp: Path, rounds: int):
    """The repository's own designations schema on the main benchmark's 1M file, old vs new."""
    pkg = bench.generate(1_000_000, standalone_only=True)
    cmd = lambda b: [str(b), "validate", "--schema", str(pkg / "designations.schema.json"), str(pkg / "designations.csv")]
    old, new = [], []
    for _ in range(rounds):
        bench.warm([pkg / "designations.csv"])
        old.append(bench.run_once(cmd(base)))
        new.append(bench.run_once(cmd(kp)))
        bench.log(f"own schema: base {old[-1]['wall']:.2f} s, new {new[-1]['wall']:.2f} s")
    return {"base": summarize(old), "new": summarize(new),
            "new_over_base": med([n["wall"] / o["wall"] for n, o in zip(new, old)])}


def render(r) -> str:
    rows = r["rows"]
    lines = [
        f"Commit {r['commit']}, {rows:,} rows, {r['rounds']} rounds (kpdata, polars, kpdata on the 1 %-bad file, alternating).",
        "",
        "| schema | kpdata s (runs) | rows/s | CPU-s | RSS MiB | polars s (runs) | polars RSS MiB | polars / kpdata | 1 % bad s | bad / valid | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for n, s in r["schemas"].items():
        k, p, b = s["kpdata"], s["polars"], s["bad"]
        runs = lambda x: ", ".join(f"{w:.2f}" for w in x["walls"])
        loads = k["load"] + p["load"]
        lines.append(
            f"| {n} | {k['wall']:.2f} ({runs(k)}) | {rows / k['wall']:,.0f} | {k['cpu_s']:.2f} | {k['rss_mib']:.0f} "
            f"| {p['wall']:.2f} ({runs(p)}) | {p['rss_mib']:.0f} | {s['polars_over_kpdata']:.1f}× "
            f"| {b['wall']:.2f} | {s['bad_over_valid']:.2f}× | {min(loads):.1f}–{max(loads):.1f} |")
    if r.get("own"):
        o = r["own"]
        lines += ["", f"Own schema (designations, 1M rows), base vs this commit, alternating: base {o['base']['wall']:.2f} s "
                  f"({', '.join(f'{w:.2f}' for w in o['base']['walls'])}; {o['base']['cpu_s']:.2f} CPU-s, {o['base']['rss_mib']:.0f} MiB), "
                  f"new {o['new']['wall']:.2f} s ({', '.join(f'{w:.2f}' for w in o['new']['walls'])}; {o['new']['cpu_s']:.2f} CPU-s, "
                  f"{o['new']['rss_mib']:.0f} MiB); median of per-round ratios new / base = {o['new_over_base']:.2f}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
