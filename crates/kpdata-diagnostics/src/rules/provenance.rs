//! KP4xx: provenance. Every record is a claim backed by a cited, archived, hash-pinned source.

crate::rules! {
    UNKNOWN_SOURCE {
        code: "KP401", name: "unknown-source", severity: Error,
        summary: "A record cites a source id that is not in the source registry.",
        why: "A citation that resolves to nothing is no citation: nobody can check the claim.",
        example: "source_ids = `src-ofac-sdn-2042` with no such row in datasets/sources.csv",
        fix: "Register the source (with its archived copy and sha256) or fix the id.",
        hint: "register the source in datasets/sources.csv",
    }
    NO_CITATION {
        code: "KP402", name: "no-citation", severity: Error,
        summary: "A record cites no source at all, or a dataset that must cite has no `source_ids` field.",
        why: "Records are claims, not facts: an unsourced claim about a person or a sanction does real harm.",
        example: "a designations row with an empty source_ids cell",
        fix: "Cite the archived source the record was taken from; if there is none, the record does not go in.",
        hint: "every record cites at least one archived source",
    }
    ARCHIVE_HASH_MISMATCH {
        code: "KP403", name: "archive-hash-mismatch", severity: Error,
        summary: "An archived file's sha256 differs from the one in the registry.",
        why: "The archive is the evidence; if its bytes changed, every quote and fact taken from it is unproven.",
        example: "one byte of datasets/archive/un/consolidated.xml changed",
        fix: "Restore the archived file from git; if a new capture is intended, register it as a new source.",
        hint: "restore the archived file, or register the new capture as a new source",
    }
    ARCHIVE_MISSING {
        code: "KP404", name: "archive-missing", severity: Error,
        summary: "A registered source's archived file does not exist.",
        why: "A source without its archived bytes cannot be checked by anyone.",
        example: "archive_path = `datasets/archive/voa.txt`, no such file",
        fix: "Add the archived file, or fix archive_path.",
        hint: "add the file under datasets/archive/",
    }
    ARCHIVE_PATH_OUTSIDE {
        code: "KP405", name: "archive-path-outside", severity: Error,
        summary: "An archive_path is not a plain relative path inside the archive folder.",
        why: "Data from a pull request must not point the tool at files outside the archive (or outside the repository).",
        example: "archive_path = `../secrets.txt`",
        fix: "Put the file under datasets/archive/ and cite it by its path from the repository root.",
        hint: "archive paths live under the archive folder",
    }
    ARCHIVE_UNCLAIMED {
        code: "KP406", name: "archive-unclaimed", severity: Warning,
        summary: "A file in the archive folder that no registered source claims.",
        why: "Unregistered files bloat the repository and look like evidence without being cited.",
        example: "datasets/archive/old-capture.txt with no sources row",
        fix: "Register it as a source, or delete it.",
        hint: "register the file as a source, or delete it",
    }
    QUOTE_NOT_FOUND {
        code: "KP407", name: "quote-not-found", severity: Error,
        summary: "A record's quote does not occur in the archived text of any source it cites.",
        why: "A quote is the strongest evidence a record can carry; a changed word, digit or name makes it a fabrication.",
        example: "quote = `reviewing option related to accountability` (the source says `options`)",
        fix: "Copy the passage exactly from the archived file; the finding shows the closest passage found. Only NFC, curly quotes, dashes and whitespace are folded.",
        hint: "copy the passage exactly from the archived file",
    }
    MISSING_QUOTE {
        code: "KP408", name: "missing-quote", severity: Error,
        summary: "A dataset that the manifest says needs a quote has a record without one.",
        why: "Findings and statements are only as good as the verbatim passage that supports them.",
        example: "a findings row with an empty quote",
        fix: "Add the verbatim passage from the cited source.",
        hint: "add the verbatim passage from the cited source",
    }
    OFFICIAL_SOURCE_REQUIRED {
        code: "KP409", name: "official-source-required", severity: Error,
        summary: "A record that needs an official source cites only secondary ones.",
        why: "A designation is an act of an authority; news reports are context, not proof of the act.",
        example: "a designation citing only a news article",
        fix: "Cite the official list, order or notice.",
        hint: "cite the official list, order or notice",
    }
    DATE_AFTER_REFERENCE {
        code: "KP410", name: "date-after-reference", severity: Error,
        summary: "A date is after the reference date (the commit time of HEAD, or --reference-date).",
        why: "A date in the future is a typo; judging it against the commit time keeps the verdict the same forever.",
        example: "action_date = 2061-03-02",
        fix: "Correct the date from the source.",
        hint: "dates cannot be later than the reference date",
    }
    ACCESSED_BEFORE_ISSUED {
        code: "KP411", name: "accessed-before-issued", severity: Error,
        summary: "A source's accessed date is before its issued date.",
        why: "Nobody can read a document before it exists; one of the two dates is wrong.",
        example: "issued = 2024-09-26, accessed = 2024-09-01",
        fix: "Correct the issued or accessed date.",
        hint: "one of the two dates is wrong",
    }
    EVENT_AFTER_SOURCE {
        code: "KP412", name: "event-after-source", severity: Error,
        summary: "A record's event date is after the issued date of every source that reports it.",
        why: "A source cannot report an event that had not happened when it was issued.",
        example: "action_date = 2025-01-01 citing only a list issued 2024-09-26",
        fix: "Correct the date, or cite the later source that reports it.",
        hint: "cite a source issued on or after the event",
    }
    URL_SCHEME {
        code: "KP413", name: "url-scheme", severity: Error,
        summary: "A URL whose scheme is not http or https (javascript:, file:, data: ...).",
        why: "Published links must be safe to click; other schemes run code or point at the reader's machine.",
        example: "url = `javascript:alert(1)`",
        fix: "Use the document's public https address.",
        hint: "use the public https address",
    }
    URL_CREDENTIALS {
        code: "KP414", name: "url-credentials", severity: Error,
        summary: "A URL with a user name or password in it.",
        why: "Credentials must never be published, and `https://trusted@evil.example` misleads readers.",
        example: "url = `https://user:pass@example.org/list.xml`",
        fix: "Remove the credentials from the URL.",
        hint: "remove the user:password@ part",
    }
    URL_RELATIVE {
        code: "KP415", name: "url-relative", severity: Error,
        summary: "A URL that is relative or has no host.",
        why: "A relative URL points nowhere once the data leaves this repository.",
        example: "url = `/ofac/downloads/sdn.csv`",
        fix: "Write the absolute https URL.",
        hint: "write the absolute https URL",
    }
    SOURCE_UNCITED {
        code: "KP416", name: "source-uncited", severity: Warning,
        summary: "A registered source that no record cites.",
        why: "An uncited source is dead weight, or a sign that records citing it were lost.",
        example: "src-voa-2015 registered, no statement cites it",
        fix: "Cite it from the records it supports, or remove it.",
        hint: "cite it, or remove it from the registry",
    }
    SENSITIVITY {
        code: "KP417", name: "sensitivity", severity: Error,
        summary: "A record's sensitivity is missing or not `public` / `restricted`.",
        why: "Restricted rows (victims, witnesses, non-public persons) must never reach a release; an unmarked row cannot be trusted to stay out.",
        example: "sensitivity = `secret`",
        fix: "Mark the row `public` or `restricted`.",
        hint: "use `public` or `restricted`",
    }
    DATE_WINDOW {
        code: "KP430", name: "date-window", severity: Error,
        summary: "A date window is inconsistent: window_start after window_end, or the action date outside the window.",
        why: "A first-seen date is only an upper bound; the window is what the archived history proves, and a window that contradicts its own date proves nothing.",
        example: "action_date = 2022-12-10, window_start = 2022-12-11, window_end = 2022-12-10",
        fix: "Re-import the dates from the archived history; never edit a window by hand.",
        hint: "window_start <= action_date <= window_end",
    }
    CUSTODY_MISSING {
        code: "KP418", name: "custody-missing", severity: Error,
        summary: "A source without its chain of custody: `custody` (what the archived bytes are) or `obtained_from` (where they were obtained) is missing or malformed.",
        why: "Tier says who wrote a document; custody says whether the archived bytes are that document. A list mirrored by a third party, a page converted to text and a hand transcription are different evidence, and a reader must be able to tell them apart and retrace each copy.",
        example: "a sources row with custody = `` or obtained_from = `somewhere on GitHub`",
        fix: "Set custody to exact_copy, faithful_conversion, incomplete_conversion, transcription or excerpt, and obtained_from to the http(s) address the bytes came from (a repository file at its commit), or `project:` and its place in the shared sources folder.",
        hint: "record what the copy is and where it was obtained",
    }
    OFFICIAL_COPY_INCOMPLETE {
        code: "KP419", name: "official-copy-incomplete", severity: Error,
        summary: "A record that needs an official source cites official sources whose archived copies are all incomplete (an incomplete conversion, a transcription or an excerpt).",
        why: "A designation rests on the authority's own text. A conversion that lost operative words, or an excerpt, may not contain the passage the record relies on: it cannot be the only support.",
        example: "a designation citing only an executive order archived as a markdown conversion with custody = incomplete_conversion",
        fix: "Archive an exact copy or a faithful conversion of the official document and cite it.",
        hint: "cite an exact copy or a faithful conversion of the official text",
    }
    ARCHIVE_SHARED {
        code: "KP420", name: "archive-shared", severity: Error,
        summary: "Two sources name the same archived file.",
        why: "An archived file must hold one source's text only; if several sources share a file, a quote or a date can be \"found\" in text another source (or a compiler's note) wrote.",
        example: "eight sources with archive_path = `datasets/archive/excerpts/compilation.md`",
        fix: "Archive each source in its own file, holding only that source's text.",
        hint: "one archived file per source",
    }
    DATE_NOT_IN_SOURCE {
        code: "KP421", name: "date-not-in-source", severity: Warning,
        summary: "A record's event date occurs in the archived text of none of its cited sources, in any common date format (2014-02-07, 7 February 2014, February 7, 2014, 7 Feb. 2014, 07/02/2014 ...); the finding names the closest date found there.",
        why: "A date that no cited source carries came from somewhere else: an uncited source, a file name, a compiler's note or memory. Dates decide what happened first; they must be traceable.",
        example: "finding_date = 2014-02-07 citing a page whose only date is \"19 February 2014\"",
        fix: "Cite the source that carries the date, correct the date, or leave it empty. Where the date stands for a reason no source text shows (a year inferred from the text), say why in the record's `note` and name this rule there (`date-not-in-source: ...`): the finding is then reported as explained, at info level.",
        hint: "cite the source that carries the date, or explain it in the note",
    }
}
