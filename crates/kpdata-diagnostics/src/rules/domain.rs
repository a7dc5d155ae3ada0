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
    IDENTIFIER_LABEL_MISMATCH {
        code: "KP703", name: "identifier-label-mismatch", severity: Error,
        summary: "An identifier's scheme contradicts the label its cited source puts on the value: the source labels the number only with another scheme's label (the labels are the `source_labels` of the scheme vocabulary).",
        why: "An identifier scheme is a claim about what a number is. A company recorded with an \"IMO company number\" where the list says \"Vessel Registration Identification IMO\" misstates the list, and a matcher that trusts the scheme links the wrong things.",
        example: "scheme = imo_company, value = 5878589, the SDN Remarks say \"Vessel Registration Identification IMO 5878589\"",
        fix: "Use the scheme whose label the source uses (or a scheme that records the label as given), or correct the value.",
        hint: "the scheme must agree with the source's label",
    }
    VOTE_COUNT_MISMATCH {
        code: "KP704", name: "vote-count-mismatch", severity: Error,
        summary: "A roll call's yes, no or abstain count differs from the number of per-country votes recorded for it.",
        why: "The counts and the country votes are two views of one vote; when they disagree, one of them was edited by hand or imported wrongly, and a researcher cannot tell which.",
        example: "roll call rcid 3500: yes = 99, but 98 country rows say yes",
        fix: "Re-run the importer from the archived extract; never edit one of the two datasets alone.",
        hint: "the counts must equal the per-country votes",
    }
}
