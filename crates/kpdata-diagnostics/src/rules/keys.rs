//! KP3xx: keys within and across datasets, as declared in `kpdata.toml`.

crate::rules! {
    PRIMARY_KEY {
        code: "KP301", name: "primary-key", severity: Error,
        summary: "A primary-key value is repeated or empty.",
        why: "Records are matched by primary key in diffs and releases; two records with one id make every later change ambiguous.",
        example: "two rows with designation_id `des-un-kpe-001-listed`",
        fix: "Give each record its own id (ids are stable once released: change the new one).",
        hint: "each record needs its own key",
    }
    UNIQUE_ERROR {
        code: "KP302", name: "unique-error", severity: Error,
        summary: "A unique constraint declared in the manifest is broken.",
        why: "Unique constraints state facts about the domain, such as one (scheme, value) pair per identifier.",
        example: "two actor_identifiers rows with scheme imo_ship and value 9132612",
        fix: "Merge the two rows or correct one of them.",
        hint: "the first occurrence is named in the message",
    }
    FOREIGN_KEY {
        code: "KP303", name: "foreign-key", severity: Error,
        summary: "A reference to another dataset (or a vocabulary) names a key that does not exist there.",
        why: "A dangling reference points a claim at nothing, or at the wrong actor once the id is reused.",
        example: "designations.actor_id = `act-999` with no such actor",
        fix: "Correct the reference, or add the referenced record first.",
        hint: "the referenced dataset and field are named in the message",
    }
    KEY_ORDER {
        code: "KP304", name: "key-order", severity: Error,
        summary: "A record of a dataset declared `sorted = true` has a lower primary key than the record above it (the file is not in primary-key order).",
        why: "A package that keeps its files in key order gets small, reviewable diffs and files that read like the release; one record appended at the end instead of in its place breaks that for every later change.",
        example: "statements.csv (sorted = true): `stmt-coi-2014-02` on line 3 after `stmt-coi-2014-05` on line 2",
        fix: "Run `kpdata fix`: it moves each record whole into primary-key order and changes no other byte.",
        hint: "`kpdata fix` puts the records in primary-key order",
    }
}
