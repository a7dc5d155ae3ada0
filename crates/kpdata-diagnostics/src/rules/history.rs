//! KP5xx: history rules, judged by `kpdata diff` between two revisions of the package.

crate::rules! {
    DESIGNATION_REMOVED {
        code: "KP501", name: "designation-removed", severity: Error,
        summary: "A designation row was deleted instead of recording a delisting action.",
        why: "A designation is an event that happened; a delisting is a new event. Deleting the row rewrites history.",
        example: "des-un-kpi-013-listed is gone in the pull request",
        fix: "Restore the row and add a new row with action `delisted` and its source.",
        hint: "restore the row and add a `delisted` action",
    }
    RELEASED_ID_CHANGED {
        code: "KP502", name: "released-id-changed", severity: Error,
        summary: "A record present in the last release disappeared while an identical record appeared under a new id.",
        why: "Ids are stable once released: researchers join on them.",
        example: "act-0042 renamed to act-kim-jong-un",
        fix: "Keep the released id.",
        hint: "keep the released id",
    }
    VALUE_CHANGED_WITHOUT_CITATION {
        code: "KP503", name: "value-changed-without-citation", severity: Warning,
        summary: "A record's values changed while its citations did not.",
        why: "A correction should come with the source that supports it; otherwise reviewers cannot check it.",
        example: "action_date changed, source_ids unchanged",
        fix: "Cite the source that supports the new value (or explain in the pull request).",
        hint: "cite the source for the new value",
    }
    DESIGNATION_WITHDRAWN {
        code: "KP504", name: "designation-withdrawn", severity: Error,
        summary: "A published designation was marked `restricted` (or its dataset `publish = false`): the next release drops it as if it were deleted.",
        why: "Designations are public acts of record. Withdrawing one from publication rewrites history as much as deleting the row (KP501), and would otherwise pass as a mere correction.",
        example: "des-un-kpi-013-listed: sensitivity public → restricted",
        fix: "Keep the designation public; record a delisting as a new `delisted` row with its source.",
        hint: "keep the designation public; record a delisting as a new row",
    }
    RECORD_WITHDRAWN {
        code: "KP505", name: "record-withdrawn", severity: Warning,
        summary: "A public record was marked `restricted`: the next release no longer publishes it.",
        why: "Withdrawing a published record can be right (protecting a person), but it removes data researchers have used, so it must be seen and reviewed, never slip through as a correction.",
        example: "act-0042: sensitivity public → restricted",
        fix: "Confirm the withdrawal is intended and say why in the pull request; the release notes list the record as removed.",
        hint: "confirm the withdrawal is intended and say why in the pull request",
    }
    DATASET_UNPUBLISHED {
        code: "KP506", name: "dataset-unpublished", severity: Warning,
        summary: "A published dataset was set to `publish = false`: the next release drops all of it.",
        why: "Hiding a whole dataset is a breaking change for every user of the release; it must be deliberate and visible in review.",
        example: "[[dataset]] name = \"findings\" ... publish = false",
        fix: "Confirm it is intended (the next release must be a major one) and say why in the pull request.",
        hint: "confirm the dataset is meant to leave the release",
    }
    RULE_LOOSENED {
        code: "KP509", name: "rule-loosened", severity: Warning,
        summary: "A change to kpdata.toml, a schema or a vocabulary lets through values the base revision rejected.",
        why: "A pull request can relax the very rule its own data breaks (a pattern widened, an enum or vocabulary value added, a required field, key or foreign key dropped, a dataset unpublished, a limit raised); the data then passes. Reviewers must see every such change next to the data it lets in.",
        example: "schemas/designations.schema.json /properties/authority_ref/pattern widened: accepts `KPe.0000`",
        fix: "Check that the loosened rule is intended and justified in the pull request, independently of the data it adds; otherwise restore the rule.",
        hint: "review the rule change on its own merits",
    }
}
