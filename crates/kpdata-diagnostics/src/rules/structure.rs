//! KP1xx: table structure, text encoding and syntax. Names follow Frictionless where one of
//! its error types means the same thing.

crate::rules! {
    EMPTY_FILE {
        code: "KP101", name: "empty-file", severity: Error,
        summary: "The file has no bytes, or no header row.",
        why: "An empty dataset file usually means a failed export or a bad merge; publishing it would silently drop every record.",
        example: "designations.csv is 0 bytes long",
        fix: "Restore the file from git, or remove the dataset from kpdata.toml if it is meant to go.",
        hint: "a CSV file needs a header row naming its fields",
    }
    BLANK_LABEL {
        code: "KP102", name: "blank-label", severity: Error,
        summary: "A header cell is empty.",
        why: "A column without a name cannot be matched to the schema, so its values are never checked.",
        example: "actor_id,,primary_name",
        fix: "Name the column after its schema property, or delete the column.",
        hint: "give the column the name of a schema property",
    }
    DUPLICATE_LABEL {
        code: "KP103", name: "duplicate-label", severity: Error,
        summary: "Two header cells have the same name.",
        why: "Only one of the two columns can be the field; which one wins depends on the tool that reads the file.",
        example: "actor_id,name,name",
        fix: "Rename or delete one of the columns.",
        hint: "each column name must be unique",
    }
    INCORRECT_LABEL {
        code: "KP104", name: "incorrect-label", severity: Error,
        summary: "A header names a field the schema does not define.",
        why: "A misspelt column name means its values are never checked and never published under the right field.",
        example: "actor_id,primary_nmae   (the schema defines primary_name)",
        fix: "Fix the spelling, or add the property to the schema.",
        hint: "the schema's properties are the allowed column names",
    }
    MISSING_LABEL {
        code: "KP105", name: "missing-label", severity: Error,
        summary: "A required schema field has no column in the header.",
        why: "Every record would lack the field; the schema's requirement cannot be met by any row.",
        example: "schema requires source_ids; the header has no source_ids column",
        fix: "Add the column (and fill it), or make the property optional in the schema.",
        hint: "add the column to the header",
    }
    BLANK_ROW {
        code: "KP106", name: "blank-row", severity: Error,
        summary: "A row has no cells at all (an empty line) or only empty cells.",
        why: "The csv crate and many tools skip empty lines silently, so row numbers shift and an accidental deletion goes unnoticed.",
        example: "a line with nothing on it between two records",
        fix: "Delete the blank line.",
        hint: "delete the blank line",
    }
    EXTRA_CELL {
        code: "KP107", name: "extra-cell", severity: Error,
        summary: "A row has more cells than the header.",
        why: "The extra value belongs to no field; often an unquoted comma split a value in two.",
        example: "header `a,b`, row `1,Pyongyang, DPRK,3`",
        fix: "Quote values that contain commas, or remove the extra cell.",
        hint: "quote values that contain the delimiter",
    }
    MISSING_CELL {
        code: "KP108", name: "missing-cell", severity: Error,
        summary: "A row has fewer cells than the header.",
        why: "Values after the missing cell shift into the wrong fields or are lost.",
        example: "header `a,b,c`, row `1,2`",
        fix: "Add the missing cells (empty cells are fine: `1,2,`).",
        hint: "every row needs as many cells as the header",
    }
    UNTERMINATED_QUOTE {
        code: "KP109", name: "unterminated-quote", severity: Error,
        summary: "A quoted field is never closed before the end of the file.",
        why: "The csv crate folds the rest of the file into one field without an error: every later record would vanish.",
        example: "KPe.001,\"Korea Mining Development Trading Corporation\n(and no closing quote)",
        fix: "Add the closing quote where the value ends.",
        hint: "close the quote where the value ends",
    }
    STRAY_QUOTE {
        code: "KP110", name: "stray-quote", severity: Error,
        summary: "A quote character inside an unquoted field, or text after a closing quote.",
        why: "RFC 4180 allows quotes only around a whole field; readers disagree on what `ab\"c` or `\"ab\"c` means.",
        example: "KPe.001,Korea \"Tangun\" Trading",
        fix: "Quote the whole field and double the inner quotes: \"Korea \"\"Tangun\"\" Trading\".",
        hint: "quote the whole field and double inner quotes",
    }
    ENCODING_ERROR {
        code: "KP111", name: "encoding-error", severity: Error,
        summary: "Bytes that are not valid UTF-8 (Latin-1, Windows-1252, UTF-16, overlong or surrogate sequences).",
        why: "Names in the wrong encoding turn into different names; replacing bytes with U+FFFD would publish a corrupted name.",
        example: "a name saved in Windows-1252: `Caf\\xE9`",
        fix: "Re-save the file as UTF-8 (without changing any characters).",
        hint: "save the file as UTF-8",
    }
    BOM_IN_VALUE {
        code: "KP112", name: "bom-in-value", severity: Error,
        summary: "A byte-order mark (U+FEFF) inside a value rather than at the start of the file.",
        why: "The invisible character makes two equal-looking ids or names different, breaking keys and matching.",
        example: "a second file pasted onto the first, with its BOM, in the middle of a cell",
        fix: "Delete the U+FEFF character.",
        hint: "delete the invisible U+FEFF character",
    }
    JSON_SYNTAX {
        code: "KP113", name: "json-syntax", severity: Error,
        summary: "The JSON document does not parse (trailing comma, comment, NaN, truncated text...).",
        why: "Tools differ in what they forgive; strict JSON is the only form every reader takes the same way.",
        example: "[{\"id\": 1,}]",
        fix: "Fix the syntax at the given line and column.",
        hint: "JSON allows no comments, trailing commas or NaN",
    }
    JSON_DUPLICATE_KEY {
        code: "KP114", name: "json-duplicate-key", severity: Error,
        summary: "An object has the same key twice.",
        why: "Most parsers keep the last value silently, so a reviewer sees one value and the tool publishes another.",
        example: "{\"id\": \"a\", \"id\": \"b\"}",
        fix: "Keep one of the two keys.",
        hint: "remove one of the duplicate keys",
    }
    JSON_NUMBER_PRECISION {
        code: "KP115", name: "json-number-precision", severity: Error,
        summary: "A number that does not round-trip: an integer beyond 64 bits or a decimal with more precision than a double.",
        why: "The value would change silently when read (1.000000000000000005 becomes 1).",
        example: "{\"tonnage\": 18446744073709551616}",
        fix: "Store such values as strings, or with the precision a double holds.",
        hint: "store the value as a string",
    }
    JSON_NOT_RECORDS {
        code: "KP116", name: "json-not-records", severity: Error,
        summary: "The JSON document is not an array of objects.",
        why: "A dataset is a list of records; anything else cannot be validated record by record.",
        example: "{\"records\": [...]} or [1, 2, 3]",
        fix: "Make the top level an array whose items are objects.",
        hint: "the top level must be an array of objects",
    }
    FORMULA_INJECTION {
        code: "KP117", name: "formula-injection", severity: Warning,
        summary: "A cell starts with `=`, `+`, `-`, `@`, a tab or a carriage return, which a spreadsheet may run as a formula.",
        why: "A downloaded CSV opened in a spreadsheet can execute a crafted cell (CSV injection).",
        example: "=HYPERLINK(\"http://evil.example\",\"click\")",
        fix: "Remove the leading character if it is not part of the value; kpdata neutralises such cells in the CSV it writes.",
        hint: "a spreadsheet may execute this cell",
    }
    FILE_MISSING {
        code: "KP118", name: "file-missing", severity: Error,
        summary: "A dataset or schema file named in kpdata.toml does not exist or cannot be opened.",
        why: "A dataset that silently disappears from validation also disappears from releases.",
        example: "kpdata.toml lists datasets/statements.csv, which was deleted",
        fix: "Restore the file, or remove the dataset from kpdata.toml.",
        hint: "check the path in kpdata.toml",
    }
}
