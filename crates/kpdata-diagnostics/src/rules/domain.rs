//! KP7xx (and KP920): rules of the sanctions and human-rights domain that a schema cannot state
//! alone.

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
    LINK_EVIDENCE_MISSING {
        code: "KP710", name: "link-evidence-missing", severity: Error,
        summary: "A link's evidence (a shared identifier, a name, a date of birth) is not carried by both linked actors.",
        why: "A link says two list entries are one person or body; its evidence must be checkable in both entries, or a changed passport number, a misspelt name or a wrong birth date joins two different people.",
        example: "basis = shared_identifier, evidence_scheme = passport, evidence_value = 381310015 (the UN entry says 381310014)",
        fix: "Copy the evidence exactly from both actors' rows (identifiers, names, `dob` facts); if the entries no longer agree, review the link again.",
        hint: "the evidence must be present on both actors",
    }
    LINK_ACTOR_TYPE {
        code: "KP711", name: "link-actor-type", severity: Error,
        summary: "A link joins actors of different types (a person and an organisation, a vessel and a company).",
        why: "A vessel and its owner, or a bank and its representative, are related but not the same target; a link asserts identity.",
        example: "actor_id = act-un-kpe-001 (organization), linked_actor_id = act-ofac-12345 (person)",
        fix: "Remove the link, or link the actor of the right type.",
        hint: "links join actors of the same type only",
    }
    LINK_SAME_AUTHORITY {
        code: "KP712", name: "link-same-authority", severity: Error,
        summary: "Links chain two actors of the same authority into one target, and no link touching either of them has a curator's note.",
        why: "An authority lists a target once; two of its entries joined into one target mean a wrong link or a duplicate entry, and either needs a curator's explanation.",
        example: "act-un-kpi-001 linked to act-ofac-100, and act-ofac-101 linked to act-un-kpi-001, with empty notes",
        fix: "Remove the wrong link, or explain in the note of a link touching one of the two actors why the authority lists the target twice (`kpdata link suggest --accept ID --note TEXT`); the suggester's own `Accepted after review` text does not count.",
        hint: "explain in a link note why one authority lists the target twice",
    }
    LINK_REDUNDANT {
        code: "KP713", name: "link-redundant", severity: Error,
        summary: "A link joins an actor to itself, or repeats another link in the other direction.",
        why: "A second row for the same pair can carry different evidence and makes counts of links wrong.",
        example: "rows (A, B) and (B, A)",
        fix: "Keep one row per pair.",
        hint: "keep one link row per pair of actors",
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
    DESIGNATION_ACTOR_UNNAMED {
        code: "KP920", name: "designation-actor-unnamed", severity: Error,
        summary: "A designation's actor exists in `actors` but has no name in `actor_names`.",
        why: "`actor_names` holds every published name of an actor, and screening and research match designations by those names: a designated target with no name there cannot be found by name, however its `primary_name` reads.",
        example: "designations: des-ofac-100, actor_id = act-ofac-100; actor_names has no row with actor_id = act-ofac-100",
        fix: "Add the actor's published names to `actor_names` (at least the primary name, exactly as the cited list writes it), or re-run the importer that writes both datasets.",
        hint: "every designated actor needs its names in actor_names",
    }
}
