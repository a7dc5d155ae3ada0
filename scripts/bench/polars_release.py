#!/usr/bin/env python3
"""The anchor for `kpdata release` (issue 14): polars writing the data files of a release.

    bench-data/venv/bin/python scripts/bench/polars_release.py PACKAGE_DIR OUT_DIR

For every `[[dataset]]` of PACKAGE_DIR/kpdata.toml: reads the CSV (every column as text),
drops `restricted` rows, types the columns by the JSON Schema (integer, number, boolean, date,
arrays split on `x-separator`), adds `<f>_start`, `<f>_end` (dates) and `<f>_precision` after
each `partial-date` field, sorts by the primary key, and writes `data/<name>.parquet` (zstd,
statistics), `.json` (one array) and `.csv` (lists joined again), then the sha256 of every file
into SHA256SUMS. What it does NOT do that `kpdata release` does: validate the package, build
`targets`, copy the archived sources, write the descriptor, README, dictionary and changelog.
Prints files, rows and seconds as JSON.
"""

import hashlib
import json
import sys
import time
import tomllib
from pathlib import Path

import polars as pl

t0 = time.perf_counter()
pkg, out = Path(sys.argv[1]), Path(sys.argv[2])
(out / "data").mkdir(parents=True, exist_ok=True)
manifest = tomllib.loads((pkg / "kpdata.toml").read_text())
SCALAR = {"integer": pl.Int64, "number": pl.Float64}


def typed(name, prop):
    c = pl.col(name)
    t = prop.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "string")
    if t == "array":
        item = prop.get("items", {}).get("type", "string")
        s = c.str.split(prop.get("x-separator", ";"))
        return s.cast(pl.List(SCALAR[item])) if item in SCALAR else s
    if t in SCALAR:
        return c.cast(SCALAR[t])
    if t == "boolean":
        return c == "true"
    if prop.get("format") == "date":
        return c.str.to_date("%Y-%m-%d")
    return c


def partial_date(name):
    c, n = pl.col(name), pl.col(name).str.len_chars()
    start = (pl.when(n == 4).then(c + "-01-01").when(n == 7).then(c + "-01").otherwise(c)
             .str.to_date("%Y-%m-%d"))
    end = (pl.when(n == 4).then((c + "-12-31").str.to_date("%Y-%m-%d"))
           .when(n == 7).then(start.dt.month_end()).otherwise(start))
    prec = pl.when(n == 4).then(pl.lit("year")).when(n == 7).then(pl.lit("month")).when(n == 10).then(pl.lit("day"))
    return [start.alias(f"{name}_start"), end.alias(f"{name}_end"), prec.alias(f"{name}_precision")]


rows = 0
written = []
for ds in manifest.get("dataset", []):
    if ds.get("publish", True) is False:
        continue
    props = json.loads((pkg / ds["schema"]).read_text()).get("properties", {})
    df = pl.read_csv(pkg / ds["path"], infer_schema=False)
    if "sensitivity" in df.columns:
        df = df.filter(pl.col("sensitivity").is_null() | (pl.col("sensitivity") != "restricted"))
    text = df
    cols = []
    for name in df.columns:
        prop = props.get(name, {})
        cols.append(typed(name, prop).alias(name))
        if prop.get("format") == "partial-date":
            cols.extend(partial_date(name))
    df = df.select(cols)
    # The CSV keeps the curated text (lists joined as they were) plus the typed date columns.
    text = text.with_columns(
        [e.dt.to_string("%Y-%m-%d") if e.meta.output_name().endswith(("_start", "_end")) else e
         for name in text.columns if props.get(name, {}).get("format") == "partial-date"
         for e in partial_date(name)]
    ).select(df.columns)
    key = ds.get("primary_key", [])
    if key:
        order = df.with_row_index("__i").sort(key, nulls_last=False)["__i"]
        df, text = df[order], text[order]
    rows += df.height
    base = out / "data" / ds["name"]
    df.write_parquet(f"{base}.parquet", compression="zstd", statistics=True, row_group_size=65_536)
    df.write_json(f"{base}.json")
    text.write_csv(f"{base}.csv", line_terminator="\r\n")
    written += [f"data/{ds['name']}.{ext}" for ext in ("csv", "json", "parquet")]

sums = []
for rel in sorted(written):
    h = hashlib.sha256()
    with open(out / rel, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    sums.append(f"{h.hexdigest()}  {rel}\n")
(out / "SHA256SUMS").write_text("".join(sums))
print(json.dumps({"files": len(written) + 1, "rows": rows, "seconds": round(time.perf_counter() - t0, 3)}))
