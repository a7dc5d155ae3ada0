//! The files that make a release folder self-contained: `README.md` (what is inside, how to
//! load, verify and cite it), `LICENSE` (the compilation's licence; archived sources keep their
//! own terms) and `data-dictionary.md` (every published column, typed columns included).
//!
//! All three are generated from the manifest and the published frames only, so they describe
//! exactly the release they are in, and are byte-reproducible like the rest.

use std::fmt::Write;

use semver::Version;

use crate::descriptor::About;
use crate::frame::{ColumnType, Frame};
use crate::input::{Input, SOURCES_DIR};

pub const README: &str = "README.md";
pub const LICENSE: &str = "LICENSE";
pub const DICTIONARY: &str = "data-dictionary.md";

/// A Markdown table cell: pipes escaped, line breaks folded.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn licence_lines(input: &Input) -> Vec<String> {
    input
        .manifest
        .package
        .licenses
        .iter()
        .map(|id| format!("{id} (https://spdx.org/licenses/{id}.html)"))
        .collect()
}

/// `LICENSE`: the licence of the compilation, and the terms of the archived sources.
pub fn license(input: &Input, version: &Version) -> String {
    let meta = &input.manifest.package;
    let mut s = format!("{} — release {version}\n\n", meta.title);
    let lines = licence_lines(input);
    if lines.is_empty() {
        s.push_str("kpdata.toml declares no licence for this compilation.\n");
    } else {
        s.push_str("The compilation — the datasets in data/, their schemas, datapackage.json and the\ndocumentation in this folder — is licensed under:\n\n");
        for l in &lines {
            let _ = writeln!(s, "  {l}");
        }
        s.push_str("\nThe licence text is at the address above.\n");
    }
    if !input.archives.is_empty() {
        let _ = write!(
            s,
            "\nThe archived source files in {SOURCES_DIR}/ are not covered by this licence: each keeps its\nown terms, set by its publisher (see the `publisher` and `url` of its row in\ndata/{}.csv).\n",
            input.manifest.provenance.registry
        );
    }
    s
}

/// The type of a column as a researcher meets it: Table Schema (CSV) and Parquet.
fn type_name(ty: &ColumnType) -> String {
    match ty {
        ColumnType::String => "string".into(),
        ColumnType::Integer => "integer (int64)".into(),
        ColumnType::Number => "number (float64)".into(),
        ColumnType::Boolean => "boolean".into(),
        ColumnType::Date => "date".into(),
        ColumnType::List { item, separator } => {
            format!(
                "list of {} (CSV: joined with `{separator}`)",
                type_name(item)
            )
        }
    }
}

/// `data-dictionary.md`: every published dataset and column of this release.
pub fn dictionary(input: &Input, version: &Version, frames: &[Frame]) -> String {
    let meta = &input.manifest.package;
    let mut s = format!("# Data dictionary — {} {version}\n\n", cell(&meta.title));
    s.push_str("Every dataset is in `data/` three times with the same records and columns: `.csv` (RFC 4180, UTF-8; a list cell joins its items with the separator named below; an empty cell is null), `.parquet` (typed) and `.json` (an array of objects; lists are arrays, nulls are `null`, dates are `\"YYYY-MM-DD\"` strings). Records are sorted by primary key.\n\n");
    s.push_str("**Dates.** A curated date is ISO text at the precision its source gives: `2015`, `2015-03` or `2015-03-07`. Each such field `<f>` is followed by three typed columns: `<f>_start` (date: the first day the text allows), `<f>_end` (date: the last day it allows) and `<f>_precision` (`day`, `month` or `year`). `2015` is the span 2015-01-01 to 2015-12-31, never the day 2015-01-01.\n\n");
    s.push_str("## Datasets\n\n| dataset | records | primary key | title |\n|---|---:|---|---|\n");
    let abouts: Vec<About> = frames.iter().map(|f| About::of(input, f)).collect();
    for (f, a) in frames.iter().zip(&abouts) {
        let _ = writeln!(
            s,
            "| [`{}`](#{}) | {} | {} | {} |",
            f.name,
            f.name,
            f.len(),
            a.primary_key.join(", "),
            cell(a.title.as_deref().unwrap_or(""))
        );
    }
    for (f, a) in frames.iter().zip(&abouts) {
        let _ = write!(s, "\n## {}\n\n", f.name);
        if let Some(d) = &a.description {
            let _ = write!(s, "{}\n\n", cell(d));
        }
        let _ = writeln!(
            s,
            "Files: `data/{0}.csv`, `data/{0}.parquet`, `data/{0}.json`; {1} records; primary key: {2}.",
            f.name,
            f.len(),
            a.primary_key.join(", ")
        );
        for fk in &a.foreign_keys {
            let withheld = frames
                .iter()
                .any(|o| o.name == fk.dataset && o.withheld > 0);
            let _ = writeln!(
                s,
                "- `{}` refers to `{}`.`{}`{}",
                fk.fields.join("`, `"),
                fk.dataset,
                fk.reference.join("`, `"),
                if withheld {
                    " (some referenced rows are restricted and not published, so datapackage.json does not declare this key)"
                } else {
                    ""
                }
            );
        }
        s.push_str("\n| column | type | required | description |\n|---|---|---|---|\n");
        for c in &f.columns {
            let required = c.spec.as_ref().is_some_and(|p| p.required)
                || a.primary_key.iter().any(|k| k == &c.name);
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                c.name,
                cell(&type_name(&c.ty)),
                if required { "yes" } else { "" },
                cell(&c.description().unwrap_or_default())
            );
        }
    }
    s
}

/// `README.md` of the release folder.
pub fn readme(input: &Input, version: &Version, frames: &[Frame]) -> String {
    let meta = &input.manifest.package;
    let date = crate::time::date(input.commit_time);
    let registry = &input.manifest.provenance.registry;
    let mut s = format!("# {} — release {version}\n\n", meta.title);
    if !meta.description.is_empty() {
        let _ = write!(s, "{}\n\n", meta.description);
    }
    let _ = writeln!(
        s,
        "Released {date} by `kpdata release`; every file is listed with its sha256 in `SHA256SUMS`."
    );
    if let Some(r) = &meta.repository {
        let _ = writeln!(s, "Repository: {r}");
    }
    s.push_str("\n## What is inside\n\n| path | what |\n|---|---|\n");
    s.push_str("| `data/<dataset>.csv` | each dataset as CSV (RFC 4180, UTF-8, header; lists joined with `;`) |\n");
    s.push_str("| `data/<dataset>.parquet` | the same records, typed (dates are Parquet dates, lists are lists) |\n");
    s.push_str("| `data/<dataset>.json` | the same records as one JSON array of objects |\n");
    s.push_str("| `datapackage.json` | Frictionless Data Package: a Table Schema per CSV, bytes and sha256 of every data file |\n");
    s.push_str("| `data-dictionary.md` | every dataset and column, with types and meanings |\n");
    s.push_str("| `schemas/` | the JSON Schema each curated dataset is validated against |\n");
    if !input.archives.is_empty() {
        let _ = writeln!(
            s,
            "| `{SOURCES_DIR}/` | the archived bytes of every cited source ({} file{}); `data/{registry}.csv` gives each one's address, sha256 and `archive_path` (`{}/…` there is `{SOURCES_DIR}/…` here) |",
            input.archives.len(),
            if input.archives.len() == 1 { "" } else { "s" },
            input.manifest.provenance.archive_dir.trim_end_matches('/')
        );
    }
    s.push_str("| `CHANGES.md`, `changes.json` | record-level changes since the previous release, by dataset and primary key |\n");
    s.push_str(
        "| `CITATION.cff`, `LICENSE`, `SHA256SUMS` | how to cite, the licence, the checksums |\n\n",
    );
    s.push_str("| dataset | records | title |\n|---|---:|---|\n");
    for f in frames {
        let a = About::of(input, f);
        let _ = writeln!(
            s,
            "| `{}` | {} | {} |",
            f.name,
            f.len(),
            cell(a.title.as_deref().unwrap_or(""))
        );
    }
    s.push_str(LOAD);
    s.push_str("\n## Cite\n\n");
    let authors = if meta.authors.is_empty() {
        format!("{} contributors", meta.title)
    } else {
        meta.authors.join(", ")
    };
    let _ = writeln!(
        s,
        "{authors} ({}). *{}*, version {version} [data set].{}",
        &date[..4],
        meta.title,
        meta.repository
            .as_deref()
            .map(|r| format!(" {r}"))
            .unwrap_or_default()
    );
    s.push_str("\n`CITATION.cff` has the same in Citation File Format. Cite the sources a record gives (`source_ids`) too.\n");
    s.push_str("\n## Licence\n\n");
    let lines = licence_lines(input);
    if lines.is_empty() {
        s.push_str("No licence is declared for the compilation; see `LICENSE`.\n");
    } else {
        let _ = writeln!(s, "The compilation: {}. ", lines.join(", "));
    }
    if !input.archives.is_empty() {
        let _ = writeln!(
            s,
            "The archived files in `{SOURCES_DIR}/` keep their own terms. See `LICENSE`."
        );
    }
    s
}

/// The load, date and verify sections of the README (run from this folder; tested by
/// `scripts/check-release.sh`, which runs every code block).
const LOAD: &str = r#"
## Load

Run these from this folder. Python needs `pandas pyarrow polars duckdb`; R needs `readr`.

pandas (Parquet; for the JSON files pass `dtype=False` so that text such as `2015` stays text):

```python
import pandas as pd
designations = pd.read_parquet("data/designations.parquet")
print(designations.groupby("authority").size())
targets = pd.read_json("data/targets.json", dtype=False)
print(targets[["target_id", "primary_name", "designations"]].head())
```

polars (for the JSON files pass `infer_schema_length=None`: types from every row, not the first 100):

```python
import polars as pl
targets = pl.read_parquet("data/targets.parquet")
print(targets.filter(pl.col("names").list.len() > 3).select("target_id", "primary_name", "names"))
designations = pl.read_json("data/designations.json", infer_schema_length=None)
print(designations.group_by(pl.col("action_date_start").str.slice(0, 4)).len())
```

DuckDB (Parquet, JSON or CSV; dates are dates):

```python
import duckdb
duckdb.sql("SELECT year(action_date_start) AS year, count(*) AS n FROM 'data/designations.parquet' GROUP BY 1 ORDER BY 1").show()
duckdb.sql("SELECT count(*) FROM read_json('data/targets.json')").show()
```

R with readr (CSV):

```r
library(readr)
designations <- read_csv("data/designations.csv", guess_max = Inf, show_col_types = FALSE)
print(table(format(designations$action_date_start, "%Y"), useNA = "ifany"))
```

## Verify

```sh
sha256sum -c SHA256SUMS
```

`kpdata verify .` checks the same and names any damaged file; `frictionless validate datapackage.json` checks every CSV record against its Table Schema (types, patterns, enums, keys) and the bytes and sha256 of every data file.

## Browse

A static website of this release (a page per target, source, finding and statement, tables, charts and a name search; offline, no external requests) is published beside it, or built from this folder with kpdata, which verifies the release first:

```text
kpdata site . --out ../site
```

Then open `../site/index.html` in any browser.
"#;
