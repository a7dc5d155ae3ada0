#!/usr/bin/env python3
"""Benchmark runner for kpdata (issue 7). Use `scripts/bench/run.sh`, which calls this.

    scripts/bench/run.sh                      # build, generate 100k + 1M (+ 5M with --sizes), measure, write docs/benchmarks.md
    scripts/bench/run.sh --sizes 100000,1000000,5000000 --runs 5
    scripts/bench/run.sh --only kpdata        # re-measure only the kpdata cases (after a code change)
    scripts/bench/run.sh --bin path/to/kpdata # measure a given binary, no build
    scripts/bench/run.sh --rev 364fb58        # build that commit (git archive into bench-data/src/) and measure it

Every case runs under `/usr/bin/time -v` (`--runs` times, default 3; Frictionless once), after
reading its input files once so they are in the page cache. The table shows the median wall time,
rows/s from it, the largest peak RSS of the runs and the median CPU% (200 % = both cores busy).
The load average before each case is recorded, because other builds may share the machine.

Results are kept in bench-data/results.json (one entry per case, the newest measurement wins,
each with the commit it measured) and rendered into docs/benchmarks.md between the
`bench:results` markers; the text around the markers is not touched.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench-data"
GEN = REPO / "scripts" / "bench" / "generate.py"
VENV = BENCH / "venv"
RESULTS = BENCH / "results.json"
DOC = REPO / "docs" / "benchmarks.md"
TIME = "/usr/bin/time"
REFERENCE_DATE = "2026-01-01"


def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


# --- Set-up -------------------------------------------------------------------------------------


def ensure_time():
    if Path(TIME).exists():
        return
    log("installing GNU time (apt-get install -y time)")
    sh(["apt-get", "install", "-y", "time"], stdout=subprocess.DEVNULL)


def ensure_venv(packages=("frictionless", "polars")):
    py = VENV / "bin" / "python"
    if not py.exists():
        log("creating", VENV)
        sh([sys.executable, "-m", "venv", str(VENV)])
    missing = [p for p in packages
               if subprocess.run([str(py), "-c", f"import {p}"], capture_output=True).returncode != 0]
    if missing:
        log("pip install", *missing)
        sh([str(VENV / "bin" / "pip"), "install", "-q", *missing])
    return py


def git(*args, cwd=REPO):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True).stdout.strip()


def build(rev: str | None) -> tuple[Path, str]:
    """Builds kpdata (no default features: no polars) and returns (binary, commit label)."""
    if rev is None:
        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", "crates", "Cargo.toml", "Cargo.lock")
        label = commit + ("+dirty" if dirty else "")
        log("cargo build --release -p kpdata --no-default-features (working tree, HEAD", label + ")")
        sh(["cargo", "build", "--release", "-p", "kpdata", "--no-default-features"], cwd=REPO)
        target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
        return target / "release" / "kpdata", label
    commit = git("rev-parse", "--short=12", rev)
    src = BENCH / "src" / commit
    if not src.exists():
        src.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", commit], cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    target = BENCH / "target"
    log(f"cargo build --release -p kpdata --no-default-features (commit {commit}, in {src})")
    sh(["cargo", "build", "--release", "-p", "kpdata", "--no-default-features"], cwd=src,
       env={**os.environ, "CARGO_TARGET_DIR": str(target)})
    dst = BENCH / "bin" / f"kpdata-{commit}"
    dst.parent.mkdir(exist_ok=True)
    shutil.copyfile(target / "release" / "kpdata", dst)
    dst.chmod(0o755)
    return dst, commit


def generate(rows: int, bad: bool = False, standalone_only: bool = False) -> Path:
    name = f"{rows}-bad" if bad else str(rows)
    out = BENCH / name
    if (out / "generated.json").exists():
        return out
    # --custody: sources with their chain of custody, so that `kpdata release` accepts the package.
    cmd = [sys.executable, str(GEN), "--rows", str(rows), "--out", str(out), "--custody"]
    if bad:
        cmd += ["--bad-fraction", "0.01"]
    if standalone_only:
        cmd += ["--standalone-only"]
    log("generating", name, "...")
    t = time.time()
    sh(cmd, stdout=subprocess.DEVNULL)
    log(f"generated {name} in {time.time() - t:.0f} s")
    return out


def nokeys_variant(pkg: Path) -> Path:
    """The package without the designations' primary and unique keys (hard links, another
    kpdata.toml), to estimate the memory of key sets from the RSS difference."""
    out = pkg.parent / (pkg.name + "-nokeys")
    if (out / "kpdata.toml").exists():
        return out
    for p in pkg.rglob("*"):
        rel = p.relative_to(pkg)
        q = out / rel
        if p.is_dir():
            q.mkdir(parents=True, exist_ok=True)
        elif rel.parts[0] in ("datasets", "schemas"):
            q.parent.mkdir(parents=True, exist_ok=True)
            if not q.exists():
                os.link(p, q)
    sys.path.insert(0, str(GEN.parent))
    import generate as g  # noqa: E402

    meta = json.loads((pkg / "generated.json").read_text())
    (out / "kpdata.toml").write_text(g.manifest(meta["rows"], meta["seed"], keys=False))
    return out


# --- Measuring ----------------------------------------------------------------------------------


def parse_time_v(text: str) -> dict:
    def field(label):
        m = re.search(re.escape(label) + r":\s*(.+)", text)
        return m.group(1).strip() if m else None

    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    parts = [float(x) for x in wall.split(":")]
    secs = 0.0
    for x in parts:
        secs = secs * 60 + x
    cpu = field("Percent of CPU this job got").rstrip("%")
    return {
        "wall": secs,
        "rss_kib": int(field("Maximum resident set size (kbytes)")),
        "cpu": int(cpu) if cpu.isdigit() else None,
        "user": float(field("User time (seconds)")),
        "sys": float(field("System time (seconds)")),
    }


def warm(paths):
    for p in paths:
        p = Path(p)
        files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else []
        for f in files:
            with open(f, "rb") as fh:
                while fh.read(1 << 24):
                    pass


def measure(cmd, runs, cwd=None, warm_paths=(), ok_codes=(0,)):
    warm(warm_paths)
    load = os.getloadavg()[0]
    samples, last_out, codes = [], "", []
    for _ in range(runs):
        p = subprocess.run([TIME, "-v", *cmd], cwd=cwd, capture_output=True, text=True)
        # GNU time writes its report last on stderr.
        idx = p.stderr.rfind("\tCommand being timed:")
        samples.append(parse_time_v(p.stderr[idx:]))
        codes.append(p.returncode)
        last_out = p.stdout + p.stderr[:idx]
    if any(c not in ok_codes for c in codes):
        log("unexpected exit codes", codes, "for", " ".join(map(str, cmd)))
        log(last_out[-2000:])
    return {
        "runs": runs,
        "wall_median": statistics.median(s["wall"] for s in samples),
        "walls": [s["wall"] for s in samples],
        "rss_kib": max(s["rss_kib"] for s in samples),
        "cpu": statistics.median(s["cpu"] or 0 for s in samples),
        "cpu_s": statistics.median(s["user"] + s["sys"] for s in samples),
        "load_before": round(load, 2),
        "exit_codes": codes,
        "output_tail": last_out[-600:],
    }


def summary_counts(output: str):
    m = re.search(r"checked (\d+) files?, (\d+) records?: (\d+) errors?, (\d+) warnings?", output)
    if not m:
        return None
    return {"files": int(m.group(1)), "records": int(m.group(2)), "errors": int(m.group(3)),
            "warnings": int(m.group(4))}


# --- The cases ----------------------------------------------------------------------------------


def run_once(cmd, cwd=None):
    load = os.getloadavg()[0]
    p = subprocess.run([TIME, "-v", *cmd], cwd=cwd, capture_output=True, text=True)
    # GNU time writes its report last on stderr.
    idx = p.stderr.rfind("\tCommand being timed:")
    sample = parse_time_v(p.stderr[idx:])
    sample.update({"code": p.returncode, "load": load, "output": p.stdout + p.stderr[:idx]})
    return sample


def aggregate(samples, ok_codes):
    codes = [x["code"] for x in samples]
    if any(c not in ok_codes for c in codes):
        log("unexpected exit codes", codes)
        log(samples[-1]["output"][-2000:])
    return {
        "runs": len(samples),
        "wall_median": statistics.median(x["wall"] for x in samples),
        "walls": [x["wall"] for x in samples],
        "rss_kib": max(x["rss_kib"] for x in samples),
        "cpu": statistics.median(x["cpu"] or 0 for x in samples),
        "cpu_s": statistics.median(x["user"] + x["sys"] for x in samples),
        "load_before": round(statistics.median(x["load"] for x in samples), 2),
        "exit_codes": codes,
        "output_tail": samples[-1]["output"][-600:],
    }


def run_cases(args, kp: Path, label: str, store: dict):
    """Collects the cases, then runs them in rounds (each case once per round, in order), so that
    a change of the machine's load hits every case alike instead of a few."""
    sizes = [int(s) for s in args.sizes.split(",")]
    only = set(args.only.split(",")) if args.only else None
    want = lambda group: only is None or group in only
    py = ensure_venv() if (want("anchors") or want("release")) else None
    results = {}

    def record(case_id, group, title, rows, m, commit, note=""):
        m.update({"id": case_id, "group": group, "title": title, "rows": rows, "commit": commit,
                  "note": note, "date": time.strftime("%Y-%m-%d")})
        m["rows_per_s"] = rows / m["wall_median"] if m["wall_median"] > 0 else None
        results[case_id] = m
        store[case_id] = m
        save(store)
        log(f"{case_id}: {m['wall_median']:.3f} s, {m['rss_kib'] / 1024:.0f} MiB, CPU {m['cpu']}%, "
            f"{m['cpu_s']:.2f} CPU-s, {(m['rows_per_s'] or 0):,.0f} rows/s, exit {m['exit_codes']}, "
            f"load {m['load_before']}")

    pkgs = {n: generate(n) for n in sizes}
    bad = generate(1_000_000, bad=True, standalone_only=True) if 1_000_000 in sizes else None
    specs = []

    def case(case_id, group, title, rows, cmd, warm_paths=(), ok=(0,), runs=None, cwd=None, commit=label,
             note="", kp_summary=False):
        specs.append(dict(id=case_id, group=group, title=title, rows=rows, cmd=cmd, warm=warm_paths, ok=ok,
                          runs=runs or args.runs, cwd=cwd, commit=commit, note=note, kp_summary=kp_summary,
                          samples=[]))

    if want("kpdata"):
        for n, pkg in pkgs.items():
            s = pkg / "designations.csv"
            case(f"kpdata-schema-{n}", "kpdata", "`kpdata validate --schema` designations (valid)", n,
                 [kp, "validate", "--schema", pkg / "designations.schema.json", s], [s], kp_summary=True)
        if bad is not None:
            s = bad / "designations.csv"
            case("kpdata-schema-bad-1000000", "kpdata", "`kpdata validate --schema` designations (1 % bad cells)",
                 1_000_000, [kp, "validate", "--schema", bad / "designations.schema.json", s], [s], ok=(1,),
                 kp_summary=True)
        for n, pkg in pkgs.items():
            case(f"kpdata-package-{n}", "kpdata", "`kpdata validate --root` whole package, every rule", None,
                 [kp, "validate", "--root", pkg, "--reference-date", REFERENCE_DATE], [pkg / "datasets"],
                 note=f"{n:,} designations + actors, statements, sources, vocabularies", kp_summary=True)
        # The real package of this repository (target: under 100 ms).
        case("kpdata-real-package", "kpdata", "`kpdata validate` the real package of this repository", None,
             [kp, "validate", "--root", REPO], [REPO / "datasets"], ok=(0, 1), runs=max(args.runs, 5),
             kp_summary=True)
        # Key-set memory: the same package without the designations' primary and unique key.
        n = 1_000_000 if 1_000_000 in pkgs else max(pkgs)
        nk = nokeys_variant(pkgs[n])
        case(f"kpdata-package-nokeys-{n}", "kpdata",
             "`kpdata validate --root` whole package, designations without primary/unique key", None,
             [kp, "validate", "--root", nk, "--reference-date", REFERENCE_DATE], [nk / "datasets"],
             note="for the key-set memory estimate", kp_summary=True)

    if want("anchors"):
        n1 = 1_000_000 if 1_000_000 in pkgs else max(pkgs)
        pkg = pkgs[n1]
        s = pkg / "designations.csv"
        case(f"floor-wc-{n1}", "floor", "`wc -l` designations.csv", n1, ["wc", "-l", s], [s], commit="-")
        case(f"floor-sha256-{n1}", "floor", "`sha256sum` designations.csv", n1, ["sha256sum", s], [s], commit="-")
        polars = REPO / "scripts" / "bench" / "polars_check.py"
        case(f"polars-{n1}", "anchor", "python polars query, same checks (valid)", n1, [py, polars, pkg], [s],
             commit="-")
        if bad is not None:
            case("polars-bad-1000000", "anchor", "python polars query, same checks (1 % bad cells)", 1_000_000,
                 [py, polars, bad], [bad / "designations.csv"], ok=(1,), commit="-")
        fl = VENV / "bin" / "frictionless"
        for n in [int(x) for x in args.frictionless_sizes.split(",") if x]:
            if n in pkgs:
                case(f"frictionless-{n}", "anchor", "`frictionless validate` equivalent Table Schema (1 run)", n,
                     [fl, "validate", "datapackage.json"], [pkgs[n] / "designations.csv"], runs=1, cwd=pkgs[n],
                     commit="-")

    for sp in specs:
        warm(sp["warm"])
    for r in range(max((sp["runs"] for sp in specs), default=0)):
        log(f"round {r + 1}")
        for sp in specs:
            if r < sp["runs"]:
                sp["samples"].append(run_once(sp["cmd"], sp["cwd"]))
    for sp in specs:
        m = aggregate(sp["samples"], sp["ok"])
        rows = sp["rows"]
        if sp["kp_summary"]:
            m["summary"] = summary_counts(m["output_tail"])
            if rows is None:
                rows = m["summary"]["records"] if m["summary"] else 0
        record(sp["id"], sp["group"], sp["title"], rows, m, sp["commit"], note=sp["note"])

    if want("release"):
        run_release(args, kp, label, pkgs, py, record)
    return results


def total_records(pkg: Path) -> int:
    """Records of every dataset of a generated package (no line breaks inside its cells)."""
    paths = re.findall(r'^path = "([^"]+\.csv)"', (pkg / "kpdata.toml").read_text(), flags=re.M)
    total = 0
    for rel in paths:
        with open(pkg / rel, "rb") as f:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b"")) - 1
    return total


def run_release(args, kp, label, pkgs, py, record):
    """`kpdata release` of the 1M package, alternating with polars writing the same files
    (scripts/bench/polars_release.py), then polars' own CSV→Parquet of the same datasets.
    Skipped (logged) when the binary has no working release command or was built without the
    `parquet` feature: give one with --release-bin."""
    rbin = Path(args.release_bin).resolve() if args.release_bin else kp
    rlabel = args.release_commit or label
    help_ = subprocess.run([rbin, "release", "--help"], capture_output=True, text=True)
    if help_.returncode != 0 or "VERSION" not in help_.stdout:
        log("skipping release: `kpdata release` is not available in", rbin)
        return
    n = 1_000_000 if 1_000_000 in pkgs else max(pkgs)
    pkg = pkgs[n]
    records = total_records(pkg)
    # The release builds from HEAD's git objects: commit the package in its own repository.
    (pkg / ".gitignore").write_text("/designations.csv\n/designations.schema.json\n/designations.tableschema.json\n"
                                    "/datapackage.json\n/bad-cells.tsv\n/generated.json\n/dist/\n")
    if not (pkg / ".git").exists():
        sh(["git", "init", "-q"], cwd=pkg)
    if git("status", "--porcelain", cwd=pkg):
        sh(["git", "add", ".gitignore", "kpdata.toml", "schemas", "datasets"], cwd=pkg)
        sh(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m",
            "generated package"], cwd=pkg)
    out = BENCH / "release-out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    # Issue 14's anchor: polars writing the same files (typed, sorted Parquet, JSON, CSV with
    # the typed date columns, `targets`, the archived sources, sha256 of each); no validation,
    # fsync or metadata. Run alternately with the release, so both see the same load.
    pr = REPO / "scripts" / "bench" / "polars_release.py"
    pr_out = BENCH / "polars-release-out"
    ms, runs = [], []
    for i in range(args.runs):
        # Earlier outputs still in the page cache make a release's system time vary by 3x
        # (1.3 s after a sync, 4.6 s with several GB unwritten): flush them first.
        os.sync()
        m = measure([rbin, "release", "1.0.0", "--root", pkg, "--out", out / str(i), "--no-tag"], 1,
                    warm_paths=[pkg / "datasets"] if i == 0 else ())
        ms.append(m)
        if m["exit_codes"] != [0]:
            log("release failed:", m["output_tail"])
            if "without the Parquet writer" in m["output_tail"]:
                log("skipping release: pass --release-bin with a default-features build")
                return
            break
        if i > 0:
            shutil.rmtree(out / str(i), ignore_errors=True)
        shutil.rmtree(pr_out, ignore_errors=True)
        os.sync()
        runs.append(measure([py, pr, pkg, pr_out], 1))
    shutil.rmtree(pr_out, ignore_errors=True)

    def merged(xs):
        return {**xs[-1], "runs": len(xs), "walls": [x["wall_median"] for x in xs],
                "wall_median": statistics.median(x["wall_median"] for x in xs),
                "rss_kib": max(x["rss_kib"] for x in xs), "cpu": statistics.median(x["cpu"] for x in xs),
                "cpu_s": statistics.median(x["cpu_s"] for x in xs),
                "exit_codes": [c for x in xs for c in x["exit_codes"]]}

    if not ms or any(m["exit_codes"] != [0] for m in ms):
        record(f"kpdata-release-{n}", "kpdata", "`kpdata release` (Parquet + JSON + checksums) FAILED", records, ms[-1],
               rlabel)
        return
    files = sorted(p.name for p in (out / "0").rglob("*") if p.is_file())
    record(f"kpdata-release-{n}", "kpdata",
           "`kpdata release` (validate + Parquet + JSON + CSV + targets + sources + checksums)", records, merged(ms),
           rlabel, note=f"{n:,}-designation package, {len(files)} files written")
    shutil.rmtree(out, ignore_errors=True)
    record(f"polars-release-{n}", "anchor",
           "polars writing the release's files (sorted typed Parquet + JSON + CSV + typed dates + targets + "
           "sources + sha256), alternating with the release", records, merged(runs), "-")
    ratios = [a["wall_median"] / b["wall_median"] for a, b in zip(ms, runs)]
    log(f"release / polars_release.py, per round: {', '.join(f'{r:.2f}' for r in ratios)}; "
        f"median {statistics.median(ratios):.2f}")
    pq = REPO / "scripts" / "bench" / "polars_parquet.py"
    record(f"polars-parquet-{n}", "anchor", "polars CSV→Parquet of the same datasets (zstd)", records,
           measure([py, pq, pkg, BENCH / "polars-parquet-out"], args.runs, warm_paths=[pkg / "datasets"]), "-")


# --- Results and the document -------------------------------------------------------------------


def load_store():
    if RESULTS.exists():
        return json.loads(RESULTS.read_text())
    return {}


def save(store):
    RESULTS.write_text(json.dumps(store, indent=2, default=str) + "\n")


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"- CPU: {cpu}, `nproc` = {os.cpu_count()}\n- RAM: {mem}\n- Kernel: {platform.release()}\n"
            f"- {rustc}; Python {platform.python_version()}\n")


ORDER = ["floor", "kpdata", "anchor"]


def fmt_rows(n):
    return f"{n:,}"


def render_table(store) -> str:
    def key(m):
        return (ORDER.index(m["group"]) if m["group"] in ORDER else 9, m["id"].split("-")[0], m["title"], m["rows"])

    lines = ["| case | rows | median s (runs) | rows/s | peak RSS MiB | CPU % | CPU-s | load | exit | commit |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for m in sorted(store.values(), key=key):
        walls = ", ".join(f"{w:.2f}" for w in m["walls"])
        note = f" — {m['note']}" if m.get("note") else ""
        cpu_s = f"{m['cpu_s']:.2f}" if m.get("cpu_s") is not None else "–"
        codes = ",".join(map(str, sorted(set(m["exit_codes"]))))
        lines.append(
            f"| {m['title']}{note} | {fmt_rows(m['rows'])} | {m['wall_median']:.3f} ({walls}) | "
            f"{(m['rows_per_s'] or 0):,.0f} | {m['rss_kib'] / 1024:.0f} | {m['cpu']:.0f} | {cpu_s} | "
            f"{m['load_before']} | {codes} | {m['commit']} |")
    # Derived numbers.
    extra = []
    for k, m in store.items():
        if k.startswith("kpdata-package-nokeys-"):
            n = int(k.rsplit("-", 1)[1])
            full = store.get(f"kpdata-package-{n}")
            if full and full["commit"] == m["commit"]:
                diff = (full["rss_kib"] - m["rss_kib"]) * 1024
                extra.append(
                    f"- Key sets ({m['commit']}): the designations' primary key and unique key "
                    f"({2 * n:,} keys) add {diff / 2**20:.0f} MiB of peak RSS at {n:,} rows, "
                    f"about {diff / (2 * n):.0f} bytes a key.")
    for k, m in store.items():
        if m.get("summary") and m["group"] == "kpdata":
            s = m["summary"]
            extra.append(f"- `{k}` ({m['commit']}): {s['files']} files, {s['records']:,} records, "
                         f"{s['errors']:,} errors, {s['warnings']:,} warnings.")
    return "\n".join(lines) + "\n\n" + "\n".join(sorted(extra)) + "\n"


def write_doc(store):
    begin, end = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"
    mbegin, mend = "<!-- bench:machine:begin -->", "<!-- bench:machine:end -->"
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{mbegin}\n{mend}\n\n{begin}\n{end}\n"
    body = render_table(store)
    text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: f"{begin}\n{body}{end}", text, flags=re.S)
    text = re.sub(re.escape(mbegin) + ".*?" + re.escape(mend), lambda _: f"{mbegin}\n{machine()}{mend}", text,
                  flags=re.S)
    DOC.write_text(text)
    log("wrote", DOC.relative_to(REPO))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="100000,1000000", help="designation rows, comma-separated (add 5000000)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--only", help="comma-separated groups: kpdata, anchors, release (default: all)")
    p.add_argument("--bin", help="a kpdata binary to measure (no build)")
    p.add_argument("--commit", help="label for --bin (default: HEAD of this checkout)")
    p.add_argument("--rev", help="build this commit from `git archive` instead of the working tree")
    p.add_argument("--frictionless-sizes", default="100000", help="sizes to run Frictionless on (once each)")
    p.add_argument("--release-bin", help="a kpdata built with the default `parquet` feature, for the release case")
    p.add_argument("--release-commit", help="label for --release-bin (default: the measured commit)")
    p.add_argument("--results", help="results store (default bench-data/results.json)")
    p.add_argument("--no-doc", action="store_true", help="do not rewrite docs/benchmarks.md")
    p.add_argument("--render-only", action="store_true", help="only rewrite docs/benchmarks.md from results.json")
    p.add_argument("--print-table", metavar="RESULTS_JSON", help="print the table of a saved results file and exit")
    args = p.parse_args(argv)

    global RESULTS
    if args.results:
        RESULTS = Path(args.results).resolve()
    BENCH.mkdir(exist_ok=True)
    store = load_store()
    if args.print_table:
        print(render_table(json.loads(Path(args.print_table).read_text())))
        return 0
    if args.render_only:
        write_doc(store)
        return 0
    ensure_time()
    if args.bin:
        kp, label = Path(args.bin).resolve(), args.commit or git("rev-parse", "--short=12", "HEAD")
    else:
        kp, label = build(args.rev)
    log("measuring", kp, "as", label, "; load average", os.getloadavg())
    results = run_cases(args, kp, label, store)
    # Keep this run's numbers per commit too (for the before/after notes).
    per = BENCH / f"results-{label}.json"
    old = json.loads(per.read_text()) if per.exists() else {}
    old.update(results)
    per.write_text(json.dumps(old, indent=2, default=str) + "\n")
    if not args.no_doc:
        write_doc(store)
    return 0


if __name__ == "__main__":
    sys.exit(main())
