#!/usr/bin/env python3
"""Deterministic records for the schema family benchmark (standard library only).

    python3 scripts/bench/family_generate.py --rows 1000000 --out bench-data/family-1000000.csv
    python3 scripts/bench/family_generate.py --rows 1000000 --out bench-data/family-1000000-bad.csv --bad-fraction 0.01

One CSV that every schema of scripts/bench/family/ describes: sanctioned vessels, individuals and
entities, with conditional fields (an IMO number and flag only for vessels, a date of birth only
for individuals, contact fields only for entities), dependent fields (a delisting date needs its
reason), dates, date-times, e-mail addresses, URIs, UUIDs and numbers. With --bad-fraction F about
F of the cells are corrupted (a broken id, a date like 2015-02-30, a malformed e-mail, URI or
UUID, a non-multiple tonnage, an IMO number on an individual, a delisting date without reason).
Same arguments, same bytes: everything is drawn from random.Random(seed).
"""

import argparse
import csv
import random
import uuid

COLUMNS = [
    "id", "kind", "name", "imo", "flag", "tonnage", "dob", "nationality", "listed_on",
    "delisted_on", "delisting_reason", "updated_at", "contact_email", "website", "record_uuid",
    "programs",
]
SYLLABLES = "kim pak ri choe jong song chol myong hyok ung han sun ok yong dae ho".split()
FLAGS = ["KP", "PA", "SL", "TG", "KM", "MN"]
PROGRAMS = ["un:DPRK", "ofac:DPRK", "ofac:DPRK2", "ofac:DPRK3", "ofac:NPWMD", "ofac:CYBER2"]


def imo(r):
    d = [r.randrange(10) for _ in range(6)]
    d[0] = r.randrange(1, 10)
    check = sum(x * w for x, w in zip(d, [7, 6, 5, 4, 3, 2])) % 10
    return "".join(map(str, d)) + str(check)


def date(r, lo=1950, hi=2025):
    y = r.randrange(lo, hi)
    m = r.randrange(1, 13)
    last = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return f"{y:04d}-{m:02d}-{r.randrange(1, last + 1):02d}"


def name(r):
    return " ".join(r.choice(SYLLABLES).capitalize() + r.choice(SYLLABLES) for _ in range(r.randrange(2, 4)))


def row(r, i):
    kind = r.choices(["vessel", "individual", "entity"], [3, 4, 3])[0]
    rec = dict.fromkeys(COLUMNS, "")
    rec["id"] = f"rec-{i:07d}"
    rec["kind"] = kind
    rec["name"] = name(r)
    if kind == "vessel":
        rec["imo"] = imo(r)
        rec["flag"] = r.choice(FLAGS)
        rec["tonnage"] = str(r.randrange(200, 200000) / 2).removesuffix(".0")
    elif kind == "individual":
        if r.random() < 0.9:
            rec["dob"] = date(r, 1930, 2000)
        rec["nationality"] = "KP"
    else:
        if r.random() < 0.5:
            rec["contact_email"] = f"{r.choice(SYLLABLES)}.{r.choice(SYLLABLES)}{r.randrange(100)}@{r.choice(SYLLABLES)}-trading.com"
        if r.random() < 0.4:
            rec["website"] = f"https://www.{r.choice(SYLLABLES)}{r.randrange(1000)}.example.org/about?id={i}"
    rec["listed_on"] = date(r, 2006, 2025)
    if r.random() < 0.05:
        rec["delisted_on"] = date(r, 2015, 2025)
        rec["delisting_reason"] = r.choice(["deceased", "vessel scrapped", "court order"])
    rec["updated_at"] = f"{date(r, 2016, 2025)}T{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}Z"
    rec["record_uuid"] = str(uuid.UUID(int=r.getrandbits(128), version=4))
    rec["programs"] = ";".join(r.sample(PROGRAMS, r.randrange(1, 3)))
    return rec


BAD = {
    "id": lambda r, rec: rec["id"].replace("rec-", "REC-"),
    "dob": lambda r, rec: "2015-02-30",
    "listed_on": lambda r, rec: "2019-13-05",
    "updated_at": lambda r, rec: rec["updated_at"].replace("T", " "),
    "contact_email": lambda r, rec: "info@@example.org",
    "website": lambda r, rec: "www.example.org/no scheme",
    "record_uuid": lambda r, rec: rec["record_uuid"][:-1] + "g",
    "tonnage": lambda r, rec: "100.25",
    "imo": lambda r, rec: imo(r),
    "delisted_on": lambda r, rec: date(r, 2015, 2025),
    "kind": lambda r, rec: "Vessel",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--bad-fraction", type=float, default=0.0)
    a = ap.parse_args()
    r = random.Random(a.seed)
    bad_r = random.Random(a.seed + 1)
    with open(a.out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for i in range(1, a.rows + 1):
            rec = row(r, i)
            if a.bad_fraction:
                # About bad_fraction of all cells: one cell in (bad_fraction * columns) of rows.
                if bad_r.random() < a.bad_fraction * len(COLUMNS):
                    col = bad_r.choice(list(BAD))
                    if col == "delisted_on":
                        rec["delisting_reason"] = ""
                    rec[col] = BAD[col](bad_r, rec)
            w.writerow([rec[c] for c in COLUMNS])


if __name__ == "__main__":
    main()
