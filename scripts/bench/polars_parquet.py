#!/usr/bin/env python3
"""The anchor for `kpdata release`: polars' own CSV -> Parquet of the same datasets.

    bench-data/venv/bin/python scripts/bench/polars_parquet.py PACKAGE_DIR OUT_DIR

Reads every `path = "datasets/....csv"` of PACKAGE_DIR/kpdata.toml with polars (every column as
a string, like the CSV text; the date columns parsed to Date where the schema says
`format: partial-date` and every value is a full date would only add work) and writes one
zstd-compressed Parquet file per dataset into OUT_DIR. Prints rows and seconds as JSON.
"""

import json
import re
import sys
import time
from pathlib import Path

import polars as pl

t0 = time.perf_counter()
pkg, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
paths = re.findall(r'^path = "([^"]+\.csv)"', (pkg / "kpdata.toml").read_text(), flags=re.M)
rows = 0
for rel in paths:
    df = pl.read_csv(pkg / rel, infer_schema=False)
    rows += df.height
    df.write_parquet(out / (Path(rel).stem + ".parquet"), compression="zstd", statistics=True)
print(json.dumps({"files": len(paths), "rows": rows, "seconds": round(time.perf_counter() - t0, 3)}))
