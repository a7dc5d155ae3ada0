//! KP9xx: limits and safety. Each limit has a safe default and is configurable in the
//! `[limits]` table of `kpdata.toml`.

crate::rules! {
    FIELD_TOO_LARGE {
        code: "KP901", name: "field-too-large", severity: Error,
        summary: "A single field is larger than `limits.field_size` (default 1 MiB).",
        why: "A runaway field (often an unterminated quote) can exhaust memory; no real value is that long.",
        example: "a 20 MB cell",
        fix: "Look for an unclosed quote before this row; raise the limit only for a real need.",
        hint: "look for an unclosed quote before this row",
    }
    FILE_TOO_LARGE {
        code: "KP902", name: "file-too-large", severity: Error,
        summary: "The input is larger than `limits.file_size`; reading stopped at the limit.",
        why: "An endless or huge input must not hang the tool or exhaust the machine.",
        example: "a 10 GB file when the limit is 4 GiB",
        fix: "Split the dataset, or raise `limits.file_size` in kpdata.toml.",
        hint: "raise `limits.file_size` in kpdata.toml if the file is real",
    }
    TOO_MANY_COLUMNS {
        code: "KP903", name: "too-many-columns", severity: Error,
        summary: "A header or row has more cells than `limits.columns`.",
        why: "Column explosions are a classic resource attack and never a real dataset.",
        example: "a header with 100,000 commas",
        fix: "Check the delimiter and quoting.",
        hint: "check the delimiter and quoting",
    }
    JSON_TOO_DEEP {
        code: "KP904", name: "json-too-deep", severity: Error,
        summary: "JSON nesting deeper than `limits.json_depth` (default 128, at most 128).",
        why: "Deep nesting exhausts the stack of naive parsers; records are never that deep.",
        example: "[[[[[[...]]]]]] 10,000 levels deep",
        fix: "Flatten the structure.",
        hint: "flatten the structure",
    }
    SCHEMA_TOO_COMPLEX {
        code: "KP905", name: "schema-too-complex", severity: Error,
        summary: "A schema's `$ref` fan-out or size is beyond what compiles quickly.",
        why: "Schemas are code: a small schema of nested references can make compilation explode.",
        example: "$defs a..z each referring to the previous one twice",
        fix: "Simplify the schema.",
        hint: "simplify the schema's references",
    }
    UNSAFE_PATH {
        code: "KP906", name: "unsafe-path", severity: Error,
        summary: "A path from the data (an archive path) is absolute, contains `..`, is a symlink or not a regular file.",
        why: "Data from a pull request must not make the tool read outside the repository or block on a FIFO.",
        example: "archive_path = `../../etc/passwd`",
        fix: "Use a plain relative path to a regular file inside the repository.",
        hint: "use a plain relative path inside the repository",
    }
    ARCHIVE_UNTRACKED {
        code: "KP907", name: "archive-untracked", severity: Error,
        summary: "An archived source file cited by the registry is not tracked by git (untracked, or hidden by `.gitignore`).",
        why: "The file passes on this machine only: a clone of the repository, and every release, which is built from committed files, do not have it.",
        example: "datasets/archive/un/report.pdf matches a `*.pdf` line in .gitignore",
        fix: "`git add` the file (with `-f` if an ignore rule hides it; better, narrow the ignore rule) and commit it.",
        hint: "`git add` the file and commit it (check .gitignore)",
    }
}
