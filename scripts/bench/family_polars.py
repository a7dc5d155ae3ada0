#!/usr/bin/env python3
"""The python polars equivalent of each schema of scripts/bench/family/ (the benchmark anchor).

    /tmp/pl/bin/python scripts/bench/family_polars.py SCHEMA_NAME RECORDS_CSV

Reads the CSV with every column as a string (an empty cell is null, as kpdata leaves an empty
cell out of the record) and applies the same rules as scripts/bench/family/SCHEMA_NAME.schema.json,
written by hand as polars expressions: types, patterns, enums, lengths, bounds, formats (calendar
dates, RFC 3339 date-times, e-mail, URI and UUID shapes, the IMO check digit), `multipleOf`,
`uniqueItems`, required fields and the schema's conditionals, combinators and dependencies.
Prints one JSON line: rows, failing rows per rule, seconds. Exit 1 when any rule fails.
"""

import json
import sys
import time

import polars as pl

t0 = time.perf_counter()
name, path = sys.argv[1], sys.argv[2]
df = pl.read_csv(path, infer_schema=False)
c = pl.col
present = lambda x: c(x).is_not_null()
absent = lambda x: c(x).is_null()


def bad_pattern(x, pattern):
    return present(x) & ~c(x).str.contains(pattern)


def number(x):
    return c(x).cast(pl.Float64, strict=False)


def bad_date(x):
    # A calendar-valid YYYY-MM-DD (2015-02-30 fails).
    return present(x) & (~c(x).str.contains(r"^\d{4}-\d{2}-\d{2}$") | c(x).str.to_date("%Y-%m-%d", strict=False).is_null())


def bad_imo(x):
    digits = [c(x).str.slice(i, 1).cast(pl.Int32, strict=False) for i in range(7)]
    check = sum(d * w for d, w in zip(digits[:6], [7, 6, 5, 4, 3, 2])) % 10
    return present(x) & (~c(x).str.contains(r"^\d{7}$") | (check != digits[6]))


def programs_bad(item_ok):
    items = c("programs").str.split(";")
    return present("programs") & (
        ~items.list.eval(item_ok(pl.element())).list.all()
        | (items.list.n_unique() != items.list.len())
    )


def base(formats=True):
    checks = {f"required:{x}": absent(x) for x in ["id", "kind", "name", "listed_on"]}
    checks.update({
        "pattern:id": bad_pattern("id", r"^rec-[0-9]{7}$"),
        "enum:kind": present("kind") & ~c("kind").is_in(["vessel", "individual", "entity"]),
        "length:name": present("name") & ~c("name").str.len_chars().is_between(1, 200),
        "format:imo": bad_imo("imo"),
        "pattern:flag": bad_pattern("flag", r"^[A-Z]{2}$"),
        "number:tonnage": present("tonnage") & (number("tonnage").is_null() | (number("tonnage") < 0)),
        "pattern:nationality": bad_pattern("nationality", r"^[A-Z]{2}$"),
        "length:delisting_reason": present("delisting_reason") & (c("delisting_reason").str.len_chars() < 1),
        "programs": programs_bad(lambda e: e.str.contains(r"^(un|ofac):[A-Z0-9-]+$")),
    })
    if formats:
        for x in ["dob", "listed_on", "delisted_on"]:
            checks[f"format:{x}"] = bad_date(x)
    return checks


def conditionals():
    k = base()
    vessel, individual, entity = (c("kind") == "vessel"), (c("kind") == "individual"), (c("kind") == "entity")
    # `if` holds when kind is absent or equal (properties is vacuous on a missing property).
    is_v, is_i, is_e = absent("kind") | vessel, absent("kind") | individual, absent("kind") | entity
    k["if:vessel"] = (is_v & (absent("imo") | absent("flag"))) | (~is_v & (present("imo") | present("flag") | present("tonnage")))
    k["if:individual"] = (is_i & absent("nationality")) | (~is_i & (present("dob") | present("nationality")))
    k["if:entity"] = ~is_e & (present("contact_email") | present("website"))
    return k


def combinators():
    k = base(formats=False)
    del k["length:name"], k["enum:kind"], k["programs"], k["number:tonnage"]
    k["anyOf:name"] = present("name") & ~(
        c("name").str.contains(r"^[A-Z][a-z]+( [A-Z][a-z]+)*$") | c("name").str.contains(r"^[가-힣 ]+$"))
    k["allOf:kind"] = present("kind") & (c("kind").is_in(["unknown", "other"]) | ~c("kind").is_in(["vessel", "individual", "entity"]))
    t = number("tonnage")
    k["oneOf:tonnage"] = present("tonnage") & (
        t.is_null() | ((t < 500).cast(pl.Int8) + ((t >= 500) & ((t * 2) % 1 == 0)).cast(pl.Int8) != 1))
    k["programs"] = programs_bad(lambda e: e.str.contains(r"^un:[A-Z]+$") | e.str.contains(r"^ofac:[A-Z0-9-]+$"))
    kind_is = lambda v: absent("kind") | (c("kind") == v)
    one = (
        (kind_is("vessel") & present("imo")).cast(pl.Int8)
        + (kind_is("individual") & present("nationality")).cast(pl.Int8)
        + (kind_is("entity") & ~(present("imo") | present("nationality"))).cast(pl.Int8)
    )
    k["oneOf:record"] = one != 1
    k["anyOf:record"] = absent("programs") & absent("delisted_on")
    return k


def refs():
    k = base()
    vessel = absent("kind") | (c("kind") == "vessel")
    k["if:vessel"] = vessel & (absent("imo") | absent("flag"))
    return k


def dependent():
    k = base()
    k["dependentRequired"] = (
        (present("delisted_on") & absent("delisting_reason"))
        | (present("delisting_reason") & absent("delisted_on"))
        | (present("imo") & absent("flag"))
        | (present("dob") & absent("nationality"))
    )
    k["dependentSchemas:imo"] = present("imo") & ((present("kind") & (c("kind") != "vessel")) | absent("tonnage"))
    k["dependentSchemas:dob"] = present("dob") & present("kind") & (c("kind") != "individual")
    count = pl.sum_horizontal([present(x).cast(pl.Int32) for x in df.columns])
    k["minProperties/maxProperties"] = (count < 6) | (count > 14)
    return k


def formats():
    k = base()
    k["format:updated_at"] = present("updated_at") & (
        ~c("updated_at").str.contains(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
        | c("updated_at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).is_null()
        | (c("updated_at").str.slice(11, 2).cast(pl.Int32, strict=False) > 23)
        | (c("updated_at").str.slice(14, 2).cast(pl.Int32, strict=False) > 59)
        | (c("updated_at").str.slice(17, 2).cast(pl.Int32, strict=False) > 59))
    k["format:contact_email"] = bad_pattern(
        "contact_email", r"^[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$")
    k["format:website"] = bad_pattern("website", r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")
    k["format:record_uuid"] = bad_pattern("record_uuid", r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
    k["multipleOf:tonnage"] = present("tonnage") & ((number("tonnage") * 2) % 1 != 0)
    return k


checks = {"conditionals": conditionals, "combinators": combinators, "refs": refs,
          "dependent": dependent, "formats": formats}[name]()
exprs = [e.fill_null(False).alias(k) for k, e in checks.items()]
counts = df.select([e.sum() for e in exprs] + [pl.any_horizontal(exprs).sum().alias("__rows")]).row(0, named=True)
bad_rows = counts.pop("__rows")
bad = {k: v for k, v in counts.items() if v}
print(json.dumps({"rows": df.height, "bad_rows": bad_rows, "failing": bad, "seconds": round(time.perf_counter() - t0, 3)}))
sys.exit(1 if bad else 0)
