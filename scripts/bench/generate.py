#!/usr/bin/env python3
"""Deterministic generator of a synthetic kpdata package for benchmarks (standard library only).

    python3 scripts/bench/generate.py --rows 1000000 --out bench-data/1000000 --custody
    python3 scripts/bench/generate.py --rows 1000000 --out bench-data/1000000-bad --bad-fraction 0.01 --standalone-only

A package at N rows is shaped like the real one (same schemas, copied from the repository):

    kpdata.toml
    schemas/            sources, actors, designations, instruments, statements + the vocabularies
    datasets/sources.csv                    --sources registry rows (default 1,000), 70 % official
    datasets/archive/gen/src-gen-NNNNN.txt  one small generated text per source (sha256 in sources.csv)
    datasets/actors.csv                     N/2 actors (2,000 UN-style + OFAC-style)
    datasets/designations.csv               N rows, ~245 bytes a row (like the 245 MB / 1M-row file of issue 7)
    datasets/statements.csv                 N/10 rows, each with a quote taken from its source's archived text
    datasets/instruments.csv, datasets/vocab/*.csv
    designations.csv + designations.schema.json   the standalone `--schema` case (a hard link of
                                                  datasets/designations.csv and the real schema)
    datapackage.json + designations.tableschema.json   the equivalent Frictionless package (anchor)

Every row is valid unless --bad-fraction F is given: then about F of the cells of designations,
actors and statements are corrupted (impossible dates like 2015-02-30, month 13, values outside an
enum, broken patterns, a non-boolean `is_direct`, an unknown vocabulary key), deterministically.
The bad cells are listed in `bad-cells.tsv` (file, row, column, kind) for cross-checking.

Same arguments, same bytes: everything is drawn from random.Random(seed).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# The vocabularies the generated datasets refer to (copied from the real package, except
# programs, which is rewritten without its citations of real sources).
VOCABS = [
    "source_types",
    "actor_types",
    "authorities",
    "programs",
    "actions",
    "date_kinds",
    "statement_types",
    "instrument_types",
]
DATA_SCHEMAS = ["sources", "actors", "designations", "instruments", "statements"]

WORDS = (
    "the committee council resolution decided that all member states shall prevent direct or "
    "indirect supply sale transfer of arms related materiel including small weapons and their "
    "spare parts vessel aircraft cargo inspection financial services assets frozen funds "
    "economic resources owned controlled entity individual acting on behalf at direction "
    "designated listed amended information provided by panel of experts report annex paragraph "
    "measures imposed nuclear ballistic missile programmes prohibited items luxury goods coal "
    "iron ore textiles seafood workers abroad joint venture bank branch office representative "
    "shipping company flag registry ship to ship transfer petroleum products refined crude oil "
    "commission inquiry human rights violations detention camps forced labour food distribution "
    "freedom movement expression religion discrimination songbun abduction foreign nationals "
    "enforced disappearance torture public execution political prison system testimony witness "
    "government officials state security department ministry people's army reconnaissance general "
    "bureau trading corporation mining development tanchon commercial korea kwangson banking "
    "treasury office foreign assets control executive order blocking property sanctions regulations "
    "section secondary risk transactions prohibited persons united states nationals "
    "since january february march april may june july august september october november december"
).split()

OFAC_PROGRAMS = ["ofac:DPRK", "ofac:DPRK2", "ofac:DPRK3", "ofac:DPRK4", "ofac:DPRK-NKSPEA", "ofac:NPWMD", "ofac:CYBER2"]
ALL_PROGRAMS = ["un:DPRK"] + OFAC_PROGRAMS
OFAC_ACTIONS = ["designated", "identified_blocked", "listed"]
DATE_KINDS_OFAC = ["published", "dated", "listed_on"]
ACTOR_TYPES = ["person", "organization", "state_body", "vessel", "aircraft", "facility"]
SOURCE_TYPES = ["official_list", "executive_order", "un_document", "press_release", "news_article", "web_page"]
AUTHORITIES = ["us_ofac", "us_state", "us_president", "unsc", "un_1718_committee", "un_hrc", "unga", "eu_council", "uk_fcdo", "kr_gov"]
STATEMENT_TYPES = ["spokesperson_statement", "official_remark"]

DAY0 = dt.date(2006, 1, 1)


# `custody` and `obtained_from` of the sources (rule KP418), with --custody: a package
# `kpdata release` accepts. Off by default for now, so that the generated package, and with it
# scripts/snapshot-outputs.sh's findings, stay those of the session's baseline.
CUSTODY_FIELDS: list = []


def day(n: int) -> str:
    return (DAY0 + dt.timedelta(days=n)).isoformat()


class Corruptor:
    """Decides, deterministically, which cells of a row are corrupted, and logs them."""

    def __init__(self, fraction: float, seed: int, log):
        self.fraction = fraction
        self.rng = random.Random(seed * 7919 + 17)
        self.log = log
        self.count = 0

    def apply(self, file: str, row: int, header: list[str], values: list[str], kinds: dict[str, list]) -> None:
        """kinds: column -> list of (kind, bad value) the column may receive."""
        if self.fraction <= 0:
            return
        # Each cell is bad with probability `fraction`; a row rarely has two (drawn per row
        # for speed: the number of bad cells is binomial(len(header), fraction)).
        n = len(header)
        r = self.rng.random()
        if r >= self.fraction * n:
            return
        cols = list(kinds)
        col = cols[self.rng.randrange(len(cols))]
        kind, bad = kinds[col][self.rng.randrange(len(kinds[col]))]
        i = header.index(col)
        values[i] = bad
        self.count += 1
        self.log.write(f"{file}\t{row}\t{col}\t{kind}\n")


def text_for_source(rng: random.Random, n_words: int) -> str:
    out = []
    line = []
    for k in range(n_words):
        w = WORDS[rng.randrange(len(WORDS))]
        line.append(w)
        if len(line) >= 12 and rng.random() < 0.3:
            out.append(" ".join(line) + ".")
            line = []
    if line:
        out.append(" ".join(line) + ".")
    # Paragraphs of a few lines, wrapped like a real text file.
    return "\n".join(out) + "\n"


def write_vocab(dst: Path) -> None:
    vdir = dst / "datasets" / "vocab"
    vdir.mkdir(parents=True, exist_ok=True)
    for v in VOCABS:
        if v == "programs":
            with open(vdir / "programs.csv", "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(["key", "label", "definition", "instrument_id", "source_ids", "sensitivity"])
                for p in ALL_PROGRAMS:
                    w.writerow([p, f"Program {p}", f"Entries tagged {p} (generated).", "", "", "public"])
        else:
            shutil.copyfile(REPO / "datasets" / "vocab" / f"{v}.csv", vdir / f"{v}.csv")


def copy_schemas(dst: Path) -> None:
    sdir = dst / "schemas"
    sdir.mkdir(parents=True, exist_ok=True)
    for s in DATA_SCHEMAS:
        shutil.copyfile(REPO / "schemas" / f"{s}.schema.json", sdir / f"{s}.schema.json")
    for v in VOCABS:
        shutil.copyfile(REPO / "schemas" / f"vocab_{v}.schema.json", sdir / f"vocab_{v}.schema.json")


MANIFEST_HEAD = """# Generated by scripts/bench/generate.py ({rows} designations, seed {seed}). Do not edit.
[package]
name = "kpdata-bench-{rows}"
title = "Synthetic benchmark package ({rows} designations)"
description = "Generated data shaped like the kpdata-dprk package, for benchmarks only."
licenses = ["CC-BY-4.0"]
authors = ["kpdata benchmark generator"]

[provenance]
registry = "sources"
archive_dir = "datasets/archive"

[[dataset]]
name = "sources"
path = "datasets/sources.csv"
schema = "schemas/sources.schema.json"
cite = "registry"
primary_key = ["source_id"]
[[dataset.foreign_key]]
fields = ["type"]
dataset = "vocab_source_types"
reference = ["key"]

[[dataset]]
name = "actors"
path = "datasets/actors.csv"
schema = "schemas/actors.schema.json"
primary_key = ["actor_id"]
require_official = true
[[dataset.foreign_key]]
fields = ["actor_type"]
dataset = "vocab_actor_types"
reference = ["key"]

[[dataset]]
name = "designations"
path = "datasets/designations.csv"
schema = "schemas/designations.schema.json"
{designation_keys}require_official = true
event_dates = ["action_date"]
[[dataset.foreign_key]]
fields = ["actor_id"]
dataset = "actors"
reference = ["actor_id"]
[[dataset.foreign_key]]
fields = ["authority"]
dataset = "vocab_authorities"
reference = ["key"]
[[dataset.foreign_key]]
fields = ["programs"]
dataset = "vocab_programs"
reference = ["key"]
[[dataset.foreign_key]]
fields = ["instrument_id"]
dataset = "instruments"
reference = ["instrument_id"]
[[dataset.foreign_key]]
fields = ["action"]
dataset = "vocab_actions"
reference = ["key"]
[[dataset.foreign_key]]
fields = ["date_kind"]
dataset = "vocab_date_kinds"
reference = ["key"]

[[dataset]]
name = "instruments"
path = "datasets/instruments.csv"
schema = "schemas/instruments.schema.json"
primary_key = ["instrument_id"]
unique = [["instrument_type", "number"]]
event_dates = ["date"]
[[dataset.foreign_key]]
fields = ["instrument_type"]
dataset = "vocab_instrument_types"
reference = ["key"]
[[dataset.foreign_key]]
fields = ["issuer"]
dataset = "vocab_authorities"
reference = ["key"]
[[dataset.foreign_key]]
fields = ["date_kind"]
dataset = "vocab_date_kinds"
reference = ["key"]

[[dataset]]
name = "statements"
path = "datasets/statements.csv"
schema = "schemas/statements.schema.json"
primary_key = ["statement_id"]
require_quote = true
event_dates = ["statement_date"]
[[dataset.foreign_key]]
fields = ["speaker_authority"]
dataset = "vocab_authorities"
reference = ["key"]
[[dataset.foreign_key]]
fields = ["statement_type"]
dataset = "vocab_statement_types"
reference = ["key"]
[[dataset.foreign_key]]
fields = ["date_kind"]
dataset = "vocab_date_kinds"
reference = ["key"]
"""

DESIGNATION_KEYS = 'primary_key = ["designation_id"]\nunique = [["authority", "authority_ref", "action", "action_date"]]\n'


def manifest(rows: int, seed: int, keys: bool = True) -> str:
    text = MANIFEST_HEAD.format(rows=rows, seed=seed, designation_keys=DESIGNATION_KEYS if keys else "")
    for v in VOCABS:
        text += f"""
[[dataset]]
name = "vocab_{v}"
path = "datasets/vocab/{v}.csv"
schema = "schemas/vocab_{v}.schema.json"
cite = "optional"
primary_key = ["key"]
"""
        if v == "programs":
            text += """[[dataset.foreign_key]]
fields = ["instrument_id"]
dataset = "instruments"
reference = ["instrument_id"]
"""
    return text


def frictionless_package(dst: Path, designations_path: str) -> None:
    """The equivalent Table Schema: types, patterns, enums (vocabularies as enums or, for the
    `;`-separated columns, as an alternation pattern), dates, required, unique and the foreign key
    to sources. Not expressible: the composite unique key and uniqueItems."""
    real = json.loads((REPO / "schemas" / "designations.schema.json").read_text())
    props = real["properties"]
    vocab = lambda name: [r["key"] for r in csv.DictReader(open(dst / "datasets" / "vocab" / f"{name}.csv", encoding="utf-8"))]
    alt = lambda keys: "(" + "|".join(k.replace("-", "\\-") for k in keys) + ")"
    required = set(real["required"])

    def field(name, **kw):
        f = {"name": name, "type": kw.pop("type", "string")}
        c = kw.pop("constraints", {})
        if name in required:
            c["required"] = True
        if c:
            f["constraints"] = c
        f.update(kw)
        return f

    fields = [
        field("designation_id", constraints={"pattern": props["designation_id"]["pattern"].strip("^$"), "unique": True}),
        field("actor_id", constraints={"minLength": 1}),
        field("authority", constraints={"enum": vocab("authorities")}),
        field("programs", constraints={"pattern": f"{alt(vocab('programs'))}(;{alt(vocab('programs'))})*"}),
        field("instrument_id"),
        field("action", constraints={"enum": vocab("actions")}),
        field("action_date", type="date", format="%Y-%m-%d"),
        field("date_kind", constraints={"enum": vocab("date_kinds")}),
        field("authority_ref", constraints={"pattern": props["authority_ref"]["pattern"].strip("^$")}),
        field("note"),
        field("source_ids", constraints={"pattern": "src-[a-z0-9-]+(;src-[a-z0-9-]+)*"}),
        field("sensitivity", constraints={"enum": ["public", "restricted"]}),
    ]
    schema = {
        "fields": fields,
        "primaryKey": ["designation_id"],
        "foreignKeys": [{"fields": ["source_ids"], "reference": {"resource": "sources", "fields": ["source_id"]}}],
        "missingValues": [""],
    }
    (dst / "designations.tableschema.json").write_text(json.dumps(schema, indent=2) + "\n")
    sources_schema = {
        "fields": [{"name": n, "type": "string"} for n in
                   ["source_id", "type", "tier", "title", "publisher", "url", "issued", "accessed",
                    "archive_path", "sha256", *CUSTODY_FIELDS, "sensitivity", "note"]],
        "primaryKey": ["source_id"],
        "missingValues": [""],
    }
    pkg = {
        "name": "kpdata-bench",
        "resources": [
            {"name": "designations", "path": designations_path, "format": "csv", "encoding": "utf-8",
             "schema": schema},
            {"name": "sources", "path": "datasets/sources.csv", "format": "csv", "encoding": "utf-8",
             "schema": sources_schema},
        ],
    }
    (dst / "datapackage.json").write_text(json.dumps(pkg, indent=2) + "\n")


def generate(args) -> None:
    rows = args.rows
    dst = Path(args.out)
    rng = random.Random(args.seed)
    dst.mkdir(parents=True, exist_ok=True)
    (dst / "datasets").mkdir(exist_ok=True)
    bad_log = open(dst / "bad-cells.tsv", "w", encoding="utf-8")
    bad_log.write("file\trow\tcolumn\tkind\n")
    corrupt = Corruptor(args.bad_fraction, args.seed, bad_log)

    copy_schemas(dst)
    write_vocab(dst)
    shutil.copyfile(REPO / "schemas" / "designations.schema.json", dst / "designations.schema.json")

    # --- Sources and their archived texts -----------------------------------------------
    n_src = args.sources
    adir = dst / "datasets" / "archive" / "gen"
    adir.mkdir(parents=True, exist_ok=True)
    sources = []  # (id, official, issued_day, text_words)
    with open(dst / "datasets" / "sources.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source_id", "type", "tier", "title", "publisher", "url", "issued", "accessed",
                    "archive_path", "sha256", *CUSTODY_FIELDS, "sensitivity", "note"])
        for s in range(n_src):
            sid = f"src-gen-{s:05d}"
            official = s % 10 < 7 or s == 0
            text = text_for_source(rng, rng.randrange(300, 700))
            data = text.encode("utf-8")
            rel = f"datasets/archive/gen/{sid}.txt"
            (dst / rel).write_bytes(data)
            issued = 18 * 365 + rng.randrange(0, 540)  # 2024-2025: after every event date
            accessed = issued + rng.randrange(0, 120)
            stype = SOURCE_TYPES[s % 3] if official else SOURCE_TYPES[3 + s % 3]
            w.writerow([sid, stype, "official" if official else "secondary",
                        f"Generated document {s} on {WORDS[s % len(WORDS)]} measures",
                        "Generated Publisher " + str(s % 37),
                        f"https://example.org/documents/{s}/index.html",
                        day(issued), day(accessed), rel, hashlib.sha256(data).hexdigest(),
                        *(["exact_copy", f"https://example.org/documents/{s}/source.txt"] if CUSTODY_FIELDS else []),
                        "public",
                        "Generated for benchmarks; the archived text is synthetic."])
            sources.append((sid, official, issued, text.split()))
    official_ids = [s[0] for s in sources if s[1]]

    # --- Instruments ------------------------------------------------------------------
    instruments = []
    with open(dst / "datasets" / "instruments.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["instrument_id", "instrument_type", "number", "title", "issuer", "date", "date_kind",
                    "quote", "source_ids", "note", "sensitivity"])
        for k in range(20):
            src = sources[(k * 7) % n_src]
            words = src[3]
            start = rng.randrange(0, len(words) - 12)
            quote = " ".join(words[start:start + 8])
            if k % 2 == 0:
                iid, typ, num, issuer, kind = f"eo-{13000 + k}", "executive_order", str(13000 + k), "us_president", "signed"
            else:
                iid, typ, num, issuer, kind = f"unsc-res-{1700 + k}", "unsc_resolution", str(1700 + k), "unsc", "adopted"
            instruments.append(iid)
            w.writerow([iid, typ, num, f"Generated instrument {k}", issuer, day(rng.randrange(0, 6000)), kind,
                        quote, src[0], "", "public"])

    # --- Actors -----------------------------------------------------------------------
    n_actors = max(rows // 2, 4000)
    n_ofac_actors = n_actors - 2000
    actor_header = ["actor_id", "actor_type", "primary_name", "title", "nationality", "vessel_type",
                    "vessel_flag", "vessel_tonnage", "vessel_grt", "vessel_owner", "remarks", "source_ids",
                    "sensitivity"]
    actor_bad = {
        "actor_id": [("pattern", "act-OFAC-12"), ("pattern", "actor-1")],
        "actor_type": [("vocabulary", "spaceship")],
        "sensitivity": [("enum", "secret")],
        "source_ids": [("pattern", "src_GEN_1")],
        "primary_name": [("minLength", "")],
    }
    remarks_pool = [" ".join(WORDS[(i * 13 + j * 7) % len(WORDS)] for j in range(6 + i % 14)).capitalize() + "."
                    for i in range(500)]
    with open(dst / "datasets" / "actors.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(actor_header)
        for a in range(n_actors):
            if a < 2000:
                aid = f"act-un-kp{'i' if a < 1000 else 'e'}-{a % 1000:03d}"
                atype = "person" if a < 1000 else "organization"
            else:
                aid = f"act-ofac-{10000 + a - 2000}"
                atype = ACTOR_TYPES[rng.randrange(len(ACTOR_TYPES))]
            name = " ".join(WORDS[rng.randrange(len(WORDS))].upper() for _ in range(rng.randrange(2, 5)))
            vessel = atype == "vessel"
            vals = [aid, atype, name,
                    "Director" if atype == "person" and rng.random() < 0.3 else "",
                    "Democratic People's Republic of Korea" if atype == "person" else "",
                    "General Cargo" if vessel else "", "Korea, North" if vessel else "",
                    str(rng.randrange(1000, 9000)) if vessel else "", str(rng.randrange(500, 5000)) if vessel else "",
                    "" , remarks_pool[rng.randrange(500)],
                    official_ids[rng.randrange(len(official_ids))],
                    "public" if rng.random() < 0.98 else "restricted"]
            corrupt.apply("datasets/actors.csv", a + 1, actor_header, vals, actor_bad)
            w.writerow(vals)

    # --- Designations -------------------------------------------------------------------
    header = ["designation_id", "actor_id", "authority", "programs", "instrument_id", "action", "action_date",
              "date_kind", "authority_ref", "note", "source_ids", "sensitivity"]
    des_bad = {
        "designation_id": [("pattern", "des-OFAC-x1"), ("pattern", "designation-7")],
        "programs": [("pattern", "ofac:dprk2"), ("pattern", "un:DPRK;;ofac:NPWMD")],
        "action_date": [("calendar", "2015-02-30"), ("calendar", "2019-13-05"), ("calendar", "2021-04-31"),
                        ("format", "05/03/2016")],
        "authority_ref": [("pattern", "KP.12a"), ("pattern", "KPx.001")],
        "sensitivity": [("enum", "secret"), ("enum", "Public")],
        "source_ids": [("pattern", "src_GEN_00001"), ("pattern", "SRC-gen-1")],
        "actor_id": [("required", "")],
        "authority": [("vocabulary", "us_ofacx")],
    }
    # UN-style rows: one in five; ids des-un-kp[ie]-NNN-(listed|amended-DATE), unique per (ref, date).
    n_un = (rows + 4) // 5
    weeks = n_un // 2000 + 1
    step = max(1, min(7, (17 * 365) // weeks))
    notes_pool = []
    for i in range(400):
        n = []
        while len(" ".join(n)) < 76 + (i * 37) % 70:
            n.append(WORDS[(i * 31 + len(n) * 11) % len(WORDS)])
        notes_pool.append("selected: " + " ".join(n) + ("; see remarks" if i % 3 == 0 else ""))
    out_path = dst / "datasets" / "designations.csv"
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for i in range(rows):
            if i % 5 == 0:
                j = i // 5
                r = j % 2000
                kind = "i" if r < 1000 else "e"
                ref = f"KP{kind}.{r % 1000:03d}"
                if j < 2000:
                    d = day(rng.randrange(0, 1500))
                    did, action, dk = f"des-un-kp{kind}-{r % 1000:03d}-listed", "listed", "listed_on"
                else:
                    d = day((j // 2000) * step)
                    did, action, dk = f"des-un-kp{kind}-{r % 1000:03d}-amended-{d}", "amended", "last_updated"
                vals = [did, f"act-un-kp{kind}-{r % 1000:03d}", "unsc", "un:DPRK",
                        instruments[1 + 2 * rng.randrange(10)] if rng.random() < 0.3 else "",
                        action, d, dk, ref, notes_pool[rng.randrange(400)],
                        official_ids[rng.randrange(len(official_ids))],
                        "public" if rng.random() < 0.98 else "restricted"]
            else:
                ent = 10000 + i
                k = rng.randrange(len(OFAC_PROGRAMS))
                progs = OFAC_PROGRAMS[k]
                if rng.random() < 0.4:
                    progs += ";" + OFAC_PROGRAMS[(k + 1 + rng.randrange(len(OFAC_PROGRAMS) - 1)) % len(OFAC_PROGRAMS)]
                dated = rng.random() < 0.9
                vals = [f"des-ofac-{ent}", f"act-ofac-{10000 + rng.randrange(n_ofac_actors)}", "us_ofac", progs,
                        instruments[2 * rng.randrange(10)] if rng.random() < 0.3 else "",
                        OFAC_ACTIONS[rng.randrange(3)],
                        day(rng.randrange(0, 17 * 365)) if dated else "",
                        DATE_KINDS_OFAC[rng.randrange(3)] if dated else "",
                        str(ent), notes_pool[rng.randrange(400)],
                        official_ids[rng.randrange(len(official_ids))],
                        "public" if rng.random() < 0.98 else "restricted"]
            corrupt.apply("datasets/designations.csv", i + 1, header, vals, des_bad)
            w.writerow(vals)
    standalone = dst / "designations.csv"
    if standalone.exists():
        standalone.unlink()
    os.link(out_path, standalone)

    if not args.standalone_only:
        # --- Statements (quotes verified against the archived texts) -------------------
        st_header = ["statement_id", "speaker", "speaker_authority", "statement_type", "statement_date",
                     "date_kind", "is_direct", "quote", "summary", "source_ids", "note", "sensitivity"]
        st_bad = {
            "is_direct": [("boolean", "yes"), ("boolean", "1")],
            "statement_date": [("calendar", "2015-02-30"), ("calendar", "2018-00-10")],
            "statement_id": [("pattern", "stm_Bad")],
            "sensitivity": [("enum", "secret")],
            "quote": [("quote", "this sentence is not in any archived text at all")],
        }
        with open(dst / "datasets" / "statements.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(st_header)
            for i in range(max(rows // 10, 100)):
                src = sources[rng.randrange(n_src)]
                words = src[3]
                ln = rng.randrange(6, 18)
                start = rng.randrange(0, len(words) - ln)
                quote = " ".join(words[start:start + ln])
                dated = rng.random() < 0.8
                vals = [f"stm-gen-{i}", f"Spokesperson {i % 97}", AUTHORITIES[rng.randrange(len(AUTHORITIES))],
                        STATEMENT_TYPES[i % 2], day(rng.randrange(0, 17 * 365)) if dated else "",
                        "reported" if dated else "", "true" if rng.random() < 0.7 else "false",
                        quote, "Generated summary of the statement.", src[0], "", "public"]
                corrupt.apply("datasets/statements.csv", i + 1, st_header, vals, st_bad)
                w.writerow(vals)
        (dst / "kpdata.toml").write_text(manifest(rows, args.seed))
    frictionless_package(dst, "designations.csv")
    bad_log.close()
    meta = {"rows": rows, "seed": args.seed, "sources": n_src, "actors": n_actors,
            "statements": 0 if args.standalone_only else max(rows // 10, 100),
            "bad_fraction": args.bad_fraction, "bad_cells": corrupt.count,
            "designations_bytes": standalone.stat().st_size, "standalone_only": args.standalone_only}
    (dst / "generated.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, required=True, help="designation rows")
    p.add_argument("--out", required=True, help="output folder (e.g. bench-data/1000000)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--custody", action="store_true",
                   help="give the sources custody and obtained_from (needed by `kpdata release`)")
    p.add_argument("--sources", type=int, default=1000, help="registry rows, each with an archived text")
    p.add_argument("--bad-fraction", type=float, default=0.0, help="fraction of cells to corrupt (e.g. 0.01)")
    p.add_argument("--standalone-only", action="store_true",
                   help="write the standalone designations.csv (+ the files it needs), no statements or manifest")
    args = p.parse_args(argv)
    if args.custody:
        CUSTODY_FIELDS[:] = ["custody", "obtained_from"]
    generate(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
