//! KP7xx: rules of the sanctions and human-rights domain that a schema cannot state alone.

crate::rules! {
    SCRIPT_MISMATCH {
        code: "KP701", name: "script-mismatch", severity: Error,
        summary: "A name's letters do not belong to its declared ISO 15924 script (Hangul in a `Latn` name, Latin letters in a `Hang` name, a Cyrillic `О` or Greek `Ο` passing for a Latin `O`), by the Unicode Script_Extensions data; spaces, punctuation, digits and combining marks fit any script.",
        why: "Names are published exactly as written; a script label that lies breaks transliteration and matching.",
        example: "name = `김정은`, script = `Latn`",
        fix: "Correct the script code, or put the name in the right row.",
        hint: "the script column must describe the name's letters",
    }
    UN_REF_ACTOR_TYPE {
        code: "KP702", name: "un-ref-actor-type", severity: Error,
        summary: "A UN 1718 reference with `KPi` on a non-person, or `KPe` on a person.",
        why: "The UN uses KPi for individuals and KPe for entities; a mismatch means the wrong actor was linked.",
        example: "actor_type = organization, un_ref = KPi.013",
        fix: "Check the reference number against the UN list and link the right actor.",
        hint: "KPi is for individuals, KPe for entities",
    }
}
