//! KP2xx: values against the record's JSON Schema (draft 2020-12, `format` asserted), plus text
//! hygiene (invisible characters, normalization, mixed scripts).

crate::rules! {
    TYPE_ERROR {
        code: "KP201", name: "type-error", severity: Error,
        summary: "A value does not have the type the schema declares (integer, number, boolean, string, array).",
        why: "A mistyped value cannot be loaded as its column type downstream; a tonnage of `12O0` is not a number.",
        example: "tonnage = `12O0` where the schema says integer",
        fix: "Correct the value, or change the property's type in the schema if the data is right.",
        hint: "the schema's `type` for this field says what is allowed",
    }
    REQUIRED_VALUE {
        code: "KP202", name: "required-value", severity: Error,
        summary: "A required field is empty or absent.",
        why: "A record without its key facts (an id, a source, a date kind) cannot be traced or joined.",
        example: "a designation row with an empty actor_id",
        fix: "Fill the value from the cited source; if the source does not give it, the field should not be required.",
        hint: "fill the value from the cited source",
    }
    PATTERN_MISMATCH {
        code: "KP203", name: "pattern-mismatch", severity: Error,
        summary: "A string does not match the schema's `pattern`.",
        why: "Patterns encode identifier shapes (`KPi.###`, `src-...`); a mismatch usually means a typo.",
        example: "un_ref = `KPI.13` where the pattern is ^KP[ie]\\.\\d{3}$",
        fix: "Correct the value to the published form.",
        hint: "the value must match the pattern shown",
    }
    ENUM_MISMATCH {
        code: "KP204", name: "enum-mismatch", severity: Error,
        summary: "A value is not one of the schema's allowed values (`enum` or `const`).",
        why: "Coded columns drive filters and counts; an unknown code silently falls out of every analysis.",
        example: "tier = `Official` where the enum is [official, secondary]",
        fix: "Use one of the listed values exactly (case matters).",
        hint: "use one of the allowed values exactly",
    }
    FORMAT_ERROR {
        code: "KP205", name: "format-error", severity: Error,
        summary: "A value does not match its `format` (date, partial-date, un-1718-ref, imo-number, uri...).",
        why: "A wrong date or a mistyped ship number does real harm; 2015-02-30 is not a date and 9132613 is not an IMO number.",
        example: "action_date = `2016-02-30`",
        fix: "Correct the value from the cited source.",
        hint: "see `kpdata rule format-error` for the formats",
    }
    LENGTH_ERROR {
        code: "KP206", name: "length-error", severity: Error,
        summary: "A string or array is shorter or longer than the schema allows (minLength, maxLength, minItems, maxItems).",
        why: "Empty ids and truncated or runaway values are usually editing accidents.",
        example: "source_ids is an empty list where minItems is 1",
        fix: "Correct the value's length.",
        hint: "see the schema's length limits",
    }
    RANGE_ERROR {
        code: "KP207", name: "range-error", severity: Error,
        summary: "A number is outside the schema's range (minimum, maximum, exclusive bounds, multipleOf).",
        why: "Out-of-range numbers (a negative tonnage, a year 20016) are typos.",
        example: "tonnage = -5 where minimum is 0",
        fix: "Correct the number from the cited source.",
        hint: "see the schema's bounds",
    }
    CONSTRAINT_ERROR {
        code: "KP208", name: "constraint-error", severity: Error,
        summary: "A value breaks another schema keyword (uniqueItems, dependentRequired, if/then, oneOf, not...).",
        why: "The schema encodes relations between fields that every record must respect.",
        example: "a record with `date_precision = day` but a year-only date, against an if/then rule",
        fix: "Read the message: it names the keyword and the schema location.",
        hint: "the message names the schema keyword",
    }
    SCHEMA_ERROR {
        code: "KP209", name: "schema-error", severity: Error,
        summary: "The schema itself cannot be used: invalid JSON Schema, a remote or unresolvable `$ref`, an unknown format.",
        why: "Without a working schema nothing in the file is checked. kpdata never fetches a remote `$ref`.",
        example: "\"$ref\": \"https://example.org/actor.json\"",
        fix: "Fix the schema; copy referenced schemas into the repository and use local `$defs`.",
        hint: "kpdata loads schemas offline only",
    }
    INVISIBLE_CHARACTER {
        code: "KP210", name: "invisible-character", severity: Error,
        summary: "A text cell holds a character that is not seen as what it is. In ids and names: any control (tab too), format, line/paragraph-separator or default-ignorable character (U+200B, U+202E, U+E0041 tag characters, U+2028, U+FE0F, U+034F...). In any other string cell, also with `--schema`: a control character (C0 but tab, DEL, C1), a bidi control, a BOM, a line/paragraph separator or a tag character; line breaks (LF, CR) only in fields marked `x-kind: text`.",
        why: "Invisible characters make two identical-looking names differ, hide text from a reviewer (tag characters), or reorder text on screen (U+202E) to mislead one; a control character in a cell breaks the programs that read the data. The classes come from the Unicode data (General_Category, Default_Ignorable_Code_Point, Bidi_Control), not from hand-kept lists.",
        example: "primary_name = `KIM\\u{200B} JONG UN`; remarks = `note\\u{0007}`",
        fix: "Delete the invisible character.",
        hint: "delete the invisible character shown as \\u{...}",
    }
    NOT_NFC {
        code: "KP211", name: "not-nfc", severity: Error,
        summary: "A name is not in Unicode normalization form C.",
        why: "The same Hangul name in NFD and NFC is two different byte strings: search, matching and keys break.",
        example: "a Hangul name typed on macOS as decomposed jamo",
        fix: "Normalise the value to NFC (most editors have a setting; `uconv -x any-nfc`).",
        hint: "normalise the text to NFC",
    }
    MIXED_SCRIPT {
        code: "KP215", name: "mixed-script", severity: Error,
        summary: "A name with no script column mixes scripts (UTS 39 single-script test; Korean = Hangul + Han and Japanese = Han + kana count as one).",
        why: "A Cyrillic `О` or a Greek `Ο` looks like a Latin `O`: `KIM JОNG UN` reads as the real name but matches, sorts and searches as another. Names with a script column get KP701 instead.",
        example: "primary_name = `KIM J\\u{041E}NG UN` (Cyrillic O)",
        fix: "Retype the letter in the name's own script; a name written in two scripts belongs in two rows of the names dataset.",
        hint: "retype the letters that come from another script",
    }
    NUMBER_NOT_PUBLISHABLE {
        code: "KP212", name: "number-not-publishable", severity: Error,
        summary: "A CSV `integer` outside the 64-bit signed range, or a `number` whose nearest double is a different decimal (`1e-400` is 0).",
        why: "A release stores integers as 64-bit signed integers and numbers as doubles (Parquet, JSON): such a value would be published changed, or the release refused after validation passed.",
        example: "tonnage = `1e-400` (published as 0.0); victims = `9223372036854775808`",
        fix: "Write the value a double or a 64-bit integer holds, or make the field a string.",
        hint: "write a value a 64-bit integer or a double holds, or make the field a string",
    }
}
