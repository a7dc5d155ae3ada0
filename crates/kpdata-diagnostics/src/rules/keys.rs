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
}
