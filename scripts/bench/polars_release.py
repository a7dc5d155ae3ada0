#!/usr/bin/env python3
"""The anchor for `kpdata release` (issue 14): polars writing the data files of a release.

    bench-data/venv/bin/python scripts/bench/polars_release.py PACKAGE_DIR OUT_DIR [--data-only]

For every `[[dataset]]` of PACKAGE_DIR/kpdata.toml: reads the CSV (every column as text),
drops `restricted` rows, types the columns by the JSON Schema (integer, number, boolean, date,
arrays split on `x-separator`), adds `<f>_start`, `<f>_end` (dates) and `<f>_precision` after
each `partial-date` field, sorts by the primary key, and writes `data/<name>.parquet` (zstd,
statistics), `.json` (one array) and `.csv` (lists joined again), then the sha256 of every file
into SHA256SUMS. Like the release it also builds `targets` (one row per published actor:
its designations' authorities, programs, first and latest dated listing, count and sources; the
names and identifiers of `actor_names`/`actor_identifiers` where the package has them, else
null) into the same three files, and copies the archived source files the public registry rows
name into `sources/`, hashed (`--data-only`: neither, the anchor of the first issue-14 runs).
What it does NOT do that `kpdata release` does: validate the package, fsync, write the
descriptor, README, dictionary and changelog. Prints files, rows and seconds as JSON.
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
data_only = "--data-only" in sys.argv[3:]
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


def write(name, df, text):
    base = out / "data" / name
    df.write_parquet(f"{base}.parquet", compression="zstd", statistics=True, row_group_size=65_536)
    df.write_json(f"{base}.json")
    text.write_csv(f"{base}.csv", line_terminator="\r\n")
    return [f"data/{name}.{ext}" for ext in ("csv", "json", "parquet")]


LISTING = ["designated", "identified_blocked", "listed", "listed_in_annex", "relisted"]


def targets(texts):
    """The release's `targets` (crates/kpdata-release/src/targets.rs) from the public text frames."""
    sep = ";"
    a = texts["actors"]
    ids = a.select("actor_id")
    d = texts["designations"].join(ids, on="actor_id", how="semi")

    def items(col):
        return pl.col(col).str.split(sep).list.eval(pl.element().filter(pl.element() != ""))

    def by_actor(name, ds, col, value):
        if ds not in texts or not {"actor_id", col} <= set(texts[ds].columns):
            return ids.with_columns(pl.lit(None, pl.List(pl.String)).alias(name))
        t = texts[ds].join(ids, on="actor_id", how="semi").with_row_index("__i")
        return t.filter(value.is_not_null()).group_by("actor_id").agg(value.unique(maintain_order=True).alias(name))

    names = by_actor("names", "actor_names", "name", pl.col("name"))
    idents = by_actor("identifiers", "actor_identifiers", "value",
                      pl.concat_str([pl.col("scheme"), pl.lit(":"), pl.col("value")]))
    start, end, _ = partial_date("action_date")
    listing = (d.filter(pl.col("action").is_in(LISTING) & pl.col("action_date").is_not_null())
               .with_columns(start.alias("__s"), end.alias("__e")).sort(["__s", "__e", "action_date"])
               .group_by("actor_id").agg(pl.col("action_date").first().alias("first_listed"),
                                         pl.col("action_date").last().alias("latest_listed")))
    g = d.group_by("actor_id").agg(
        pl.len().cast(pl.Int64).alias("designations"),
        pl.col("authority").drop_nulls().unique().sort().alias("authorities"),
        items("programs").explode().drop_nulls().unique().sort().alias("programs"),
        items("source_ids").explode().drop_nulls().alias("__ds"))
    for ds in ("actor_names", "actor_identifiers"):
        if ds in texts and {"actor_id", "source_ids"} <= set(texts[ds].columns):
            t = texts[ds].join(ids, on="actor_id", how="semi")
            a = a.join(t.group_by("actor_id").agg(items("source_ids").explode().drop_nulls().alias(f"__{ds}")),
                       on="actor_id", how="left")
    extra = [f"__{ds}" for ds in ("actor_names", "actor_identifiers") if f"__{ds}" in a.columns]
    t = (a.select(["actor_id", "actor_type", "primary_name", items("source_ids").alias("__as"), *extra])
         .join(names, on="actor_id", how="left").join(idents, on="actor_id", how="left")
         .join(g, on="actor_id", how="left").join(listing, on="actor_id", how="left")
         .sort("actor_id"))
    lists = ["names", "identifiers", "authorities", "programs", "source_ids"]
    t = t.with_columns(
        pl.col("actor_id").alias("target_id"), pl.concat_list("actor_id").alias("actor_ids"),
        pl.concat_list([pl.col(c).fill_null(pl.lit([], pl.List(pl.String))) for c in ["__as", "__ds", *extra]])
        .list.unique().list.sort().alias("source_ids"),
        pl.col("designations").fill_null(0))
    t = t.with_columns([pl.when(pl.col(c).list.len() > 0).then(pl.col(c)).alias(c) for c in lists])
    cols = ["target_id", "actor_ids", "actor_type", "primary_name", *lists[:4]]
    for f in ("first_listed", "latest_listed"):
        cols += [f, *partial_date(f)]
    df = t.select([pl.col(c) if isinstance(c, str) else c for c in cols] + ["designations", "source_ids"])
    text = df.with_columns([pl.col(c).list.join(sep) for c in ["actor_ids", *lists]] +
                           [pl.col(c).dt.to_string("%Y-%m-%d") for c in df.columns
                            if c.endswith(("_start", "_end"))])
    return df, text


def copy_sources():
    """The archived files of the registry's public rows, as `sources/<path below the archive folder>`."""
    prov = manifest.get("provenance", {})
    reg = next((d for d in manifest.get("dataset", []) if d["name"] == prov.get("registry")), None)
    if reg is None:
        return []
    df = pl.read_csv(pkg / reg["path"], infer_schema=False)
    if "sensitivity" in df.columns:
        df = df.filter(pl.col("sensitivity").is_null() | (pl.col("sensitivity") != "restricted"))
    base = prov.get("archive_dir", "").rstrip("/") + "/"
    done = []
    for path in df["archive_path"].drop_nulls().unique(maintain_order=True):
        rel = "sources/" + (path[len(base):] if path.startswith(base) else path)
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes((pkg / path).read_bytes())
        done.append(rel)
    return done


rows = 0
written = []
texts = {}
for ds in manifest.get("dataset", []):
    if ds.get("publish", True) is False:
        continue
    props = json.loads((pkg / ds["schema"]).read_text()).get("properties", {})
    df = pl.read_csv(pkg / ds["path"], infer_schema=False)
    if "sensitivity" in df.columns:
        df = df.filter(pl.col("sensitivity").is_null() | (pl.col("sensitivity") != "restricted"))
    # The release's columns: the schema's properties in order (null where the CSV lacks one),
    # then the CSV's undeclared columns.
    df = df.select([pl.col(n) if n in df.columns else pl.lit(None, pl.String).alias(n) for n in props] +
                   [n for n in df.columns if n not in props])
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
    written += write(ds["name"], df, text)
    if ds["name"] in ("actors", "actor_names", "actor_identifiers", "designations"):
        texts[ds["name"]] = text

if not data_only:
    if {"actors", "designations"} <= texts.keys():
        df, text = targets(texts)
        rows += df.height
        written += write("targets", df, text)
    texts.clear()
    written += copy_sources()

sums = []
for rel in sorted(written):
    h = hashlib.sha256()
    with open(out / rel, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    sums.append(f"{h.hexdigest()}  {rel}\n")
(out / "SHA256SUMS").write_text("".join(sums))
print(json.dumps({"files": len(written) + 1, "rows": rows, "seconds": round(time.perf_counter() - t0, 3)}))
