#!/usr/bin/env python3
"""Reads every data file of a kpdata release with the tools researchers use and compares
the values across formats. Run by scripts/check-release.sh (which installs the tools).

usage: check_release.py RELEASE_DIR [R_TSV_DIR]

For each table resource of datapackage.json (one per dataset, its CSV):
- the Parquet file read with pyarrow is the reference: row count = the resource's `rows`;
  typed date columns (`*_start`, `*_end`) are Parquet dates;
- the same records, value for value, from: the CSV (typed by its Table Schema), the JSON
  (json module), pandas (read_parquet; read_json with dtype=False), polars (read_parquet;
  read_json with infer_schema_length=None), DuckDB (Parquet and read_json), and R readr's
  reading of the CSV when R_TSV_DIR holds what R wrote (see check-release.sh).
Exits 1 with every difference listed, 0 when all agree.
"""

import csv
import datetime
import json
import math
import os
import sys

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq

problems = []


def fail(msg):
    problems.append(msg)


def canon(v):
    """One comparable form for a cell from any reader."""
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if isinstance(v, (datetime.datetime,)):
        return v.date().isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return [canon(x) for x in v]
    if isinstance(v, bool):
        return v
    if isinstance(v, float) and v.is_integer():
        return v  # compared numerically below
    return v


def same(a, b):
    a, b = canon(a), canon(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b and type(a) is type(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def typed_csv_cell(text, field):
    if text == "":
        return None
    t = field["type"]
    if t == "list":
        item = {"type": field.get("itemType", "string")}
        return [typed_csv_cell(x, item) for x in text.split(field.get("delimiter", ","))]
    if t == "integer":
        return int(text)
    if t == "number":
        return float(text)
    if t == "boolean":
        return {"true": True, "false": False}[text]
    return text


def compare(name, what, columns, ref, rows):
    if len(rows) != len(ref):
        fail(f"{name}: {what} has {len(rows)} records, Parquet {len(ref)}")
        return
    shown = 0
    for i, (r, g) in enumerate(zip(ref, rows)):
        for c in columns:
            if c not in g:
                fail(f"{name}: {what} has no column `{c}`")
                return
            if not same(r[c], g[c]):
                fail(f"{name}: {what} record {i + 1} `{c}`: {canon(g[c])!r} != Parquet {canon(r[c])!r}")
                shown += 1
                if shown >= 5:
                    return


def check_dataset(rel, res, r_dir):
    name = res["name"]
    fields = res["schema"]["fields"]
    columns = [f["name"] for f in fields]
    base = os.path.join(rel, "data", name)
    table = pq.read_table(base + ".parquet")
    ref = table.to_pylist()
    if table.column_names != columns:
        fail(f"{name}: Parquet columns {table.column_names} != Table Schema {columns}")
    if len(ref) != res["rows"]:
        fail(f"{name}: Parquet has {len(ref)} records, datapackage.json says {res['rows']}")
    for f in fields:
        arrow = str(table.schema.field(f["name"]).type)
        if f["type"] == "date" and arrow != "date32[day]":
            fail(f"{name}.{f['name']}: Parquet type {arrow}, not a date")
        if arrow == "null":
            fail(f"{name}.{f['name']}: Parquet type null")

    with open(base + ".csv", newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        if header != columns:
            fail(f"{name}: CSV header {header} != {columns}")
        rows = [{f["name"]: typed_csv_cell(cell, f) for f, cell in zip(fields, rec)} for rec in reader]
    compare(name, "CSV", columns, ref, rows)

    with open(base + ".json", encoding="utf-8") as fh:
        compare(name, "JSON", columns, ref, json.load(fh))

    compare(name, "pandas read_parquet", columns, ref,
            pd.read_parquet(base + ".parquet").to_dict("records"))
    compare(name, "pandas read_json(dtype=False)", columns, ref,
            pd.read_json(base + ".json", dtype=False).to_dict("records") if ref else [])
    compare(name, "polars read_parquet", columns, ref, pl.read_parquet(base + ".parquet").to_dicts())
    compare(name, "polars read_json(infer_schema_length=None)", columns, ref,
            pl.read_json(base + ".json", infer_schema_length=None).to_dicts() if ref else [])
    for what, sql in [("DuckDB Parquet", f"SELECT * FROM '{base}.parquet'"),
                      ("DuckDB read_json", f"SELECT * FROM read_json('{base}.json')")]:
        if not ref and "json" in what:
            continue
        rel_ = duckdb.sql(sql)
        compare(name, what, columns, ref, [dict(zip(rel_.columns, r)) for r in rel_.fetchall()])

    if r_dir:
        with open(os.path.join(r_dir, name + ".csv"), newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows = [{f["name"]: typed_csv_cell(cell, f) for f, cell in zip(fields, rec)} for rec in reader]
        if header != columns:
            fail(f"{name}: R readr header {header} != {columns}")
        compare(name, "R readr read_csv", columns, ref, rows)
    return len(ref)


def main():
    rel = sys.argv[1]
    r_dir = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None
    with open(os.path.join(rel, "datapackage.json"), encoding="utf-8") as fh:
        dp = json.load(fh)
    tables = [r for r in dp["resources"] if r.get("type") == "table"]
    records = sum(check_dataset(rel, r, r_dir) for r in tables)
    # Every Parquet and JSON file is listed with bytes and sha256, as is every source file.
    listed = {r["path"] for r in dp["resources"]}
    for r in tables:
        for ext in ("parquet", "json"):
            p = f"data/{r['name']}.{ext}"
            if p not in listed:
                fail(f"datapackage.json does not list {p}")
    for root, _, files in os.walk(os.path.join(rel, "sources")):
        for f in files:
            p = os.path.relpath(os.path.join(root, f), rel)
            if p not in listed:
                fail(f"datapackage.json does not list {p}")
    # The query the issue asks for, with no cast.
    years = duckdb.sql(
        f"SELECT year(action_date_start) AS y, count(*) FROM '{rel}/data/designations.parquet' GROUP BY 1"
    ).fetchall()
    if not any(y for y, _ in years):
        fail("no designation has a typed listing year")
    for p in problems:
        print("FAIL", p)
    readers = "CSV, JSON, pandas, polars, DuckDB" + (", R readr" if r_dir else "")
    print(f"{len(tables)} datasets, {records} records compared across {readers}: "
          f"{len(problems)} difference(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
