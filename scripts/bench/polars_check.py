#!/usr/bin/env python3
"""The anchor "a python polars query with the same checks" for a designations CSV.

    bench-data/venv/bin/python scripts/bench/polars_check.py PACKAGE_DIR [DESIGNATIONS_CSV]

Reads DESIGNATIONS_CSV (default PACKAGE_DIR/designations.csv) with every column as a string and
applies the rules of schemas/designations.schema.json plus the package's keys:
  - required columns non-empty (minLength 1 where the schema says so);
  - patterns of designation_id, authority_ref, each `;`-separated item of programs and source_ids;
  - enum of sensitivity; vocabulary keys (authority, action, date_kind, each program) read from
    PACKAGE_DIR/datasets/vocab;
  - action_date: YYYY, YYYY-MM or a calendar-valid YYYY-MM-DD (2015-02-30 fails);
  - dependentRequired: action_date needs date_kind;
  - uniqueItems of programs and source_ids;
  - primary key designation_id and unique (authority, authority_ref, action, action_date);
  - foreign key: every cited source id is in PACKAGE_DIR/datasets/sources.csv.
Prints one JSON line: rows, failing cells per rule, seconds. Exit 1 when anything fails.
"""

import json
import re
import sys
import time
from pathlib import Path

import polars as pl

t0 = time.perf_counter()
pkg = Path(sys.argv[1])
path = Path(sys.argv[2]) if len(sys.argv) > 2 else pkg / "designations.csv"
schema = json.loads((pkg / "designations.schema.json").read_text())
props = schema["properties"]


def vocab(name):
    return pl.read_csv(pkg / "datasets" / "vocab" / f"{name}.csv", infer_schema=False)["key"]


sources = pl.read_csv(pkg / "datasets" / "sources.csv", infer_schema=False, columns=["source_id"])["source_id"]
df = pl.read_csv(path, infer_schema=False)
n = df.height
c = pl.col
empty = lambda name: c(name).is_null() | (c(name) == "")


def items(name):
    return c(name).str.split(";")


checks = {}
for name in schema["required"]:
    checks[f"required:{name}"] = empty(name)
checks["pattern:designation_id"] = ~c("designation_id").str.contains(props["designation_id"]["pattern"])
checks["pattern:authority_ref"] = ~empty("authority_ref") & ~c("authority_ref").str.contains(props["authority_ref"]["pattern"])
checks["pattern:programs"] = ~empty("programs") & ~items("programs").list.eval(
    pl.element().str.contains(props["programs"]["items"]["pattern"])).list.all()
checks["pattern:source_ids"] = ~empty("source_ids") & ~items("source_ids").list.eval(
    pl.element().str.contains(props["source_ids"]["items"]["pattern"])).list.all()
checks["unique_items:programs"] = items("programs").list.n_unique() != items("programs").list.len()
checks["unique_items:source_ids"] = items("source_ids").list.n_unique() != items("source_ids").list.len()
checks["enum:sensitivity"] = ~c("sensitivity").is_in(props["sensitivity"]["enum"])
checks["vocab:authority"] = ~empty("authority") & ~c("authority").is_in(vocab("authorities").implode())
checks["vocab:action"] = ~empty("action") & ~c("action").is_in(vocab("actions").implode())
checks["vocab:date_kind"] = ~empty("date_kind") & ~c("date_kind").is_in(vocab("date_kinds").implode())
checks["vocab:programs"] = ~empty("programs") & ~items("programs").list.eval(
    pl.element().is_in(vocab("programs").implode())).list.all()
full = c("action_date").str.len_bytes() == 10
checks["date:action_date"] = ~empty("action_date") & (
    ~c("action_date").str.contains(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
    | (full & c("action_date").str.to_date("%Y-%m-%d", strict=False).is_null())
    | (~full & (c("action_date").str.len_bytes() == 7)
       & (c("action_date").str.slice(5, 2).cast(pl.Int32, strict=False).is_between(1, 12).not_()))
)
checks["dependent_required:date_kind"] = ~empty("action_date") & empty("date_kind")
checks["primary_key:designation_id"] = c("designation_id").is_duplicated()
checks["unique:authority,authority_ref,action,action_date"] = ~empty("authority_ref") & pl.struct(
    ["authority", "authority_ref", "action", "action_date"]).is_duplicated()
checks["foreign_key:source_ids"] = ~empty("source_ids") & ~items("source_ids").list.eval(
    pl.element().is_in(sources.implode())).list.all()

counts = df.select([e.sum().alias(k) for k, e in checks.items()]).row(0, named=True)
bad = {k: v for k, v in counts.items() if v}
print(json.dumps({"rows": n, "failing": bad, "seconds": round(time.perf_counter() - t0, 3)}))
sys.exit(1 if bad else 0)
