//! Issue 23: reviewers see what changed. The changed words of long values (with a few words of
//! context, never the difference elided), list items added and removed, and new sources with
//! their archive check and the new quotes inside their passage of the archived text.

use kpdata_diff::{
    diff, history_findings, render_markdown, render_markdown_with, render_text, review, Archive,
    ArchiveCheck, Delta, DiffReport, PackageDiff, RenderOptions, ReviewStatus, Snapshot, SpanOp,
};
use kpdata_git::scratch::Scratch;
use kpdata_git::Repo;

const MANIFEST: &str = r#"[package]
name = "words"
title = "Word diffs"

[provenance]
registry = "sources"
archive_dir = "datasets/archive"

[[dataset]]
name = "sources"
path = "datasets/sources.csv"
schema = "schemas/sources.schema.json"
cite = "registry"
primary_key = ["source_id"]

[[dataset]]
name = "actors"
path = "datasets/actors.csv"
schema = "schemas/actors.schema.json"
primary_key = ["actor_id"]

[[dataset]]
name = "statements"
path = "datasets/statements.csv"
schema = "schemas/statements.schema.json"
primary_key = ["statement_id"]
require_quote = true
"#;

fn schema(props: &str) -> String {
    format!(
        "{{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\", \"properties\": {{{props}}}}}\n"
    )
}

const S: &str = "{\"type\": \"string\"}";
/// The archived text of a real source (copied from the package's own archive).
const VOA: &[u8] =
    include_bytes!("../../../datasets/archive/news/voa-us-reviewing-options-dprk-human-rights.txt");
/// The `remarks` of a real actor (issue 23's example).
const REMARKS: &str = "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210; Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: North Korea Sanctions Regulations section 510.214; a.k.a. 'KOMID'.";
/// Hangul from the package's archived excerpts, long enough to be elided.
const HANGUL: &str = "2014년 12월 18일 유엔 총회에서 채택한 결의안 69/188. 북한 인권 상황 2014년 12월 18일 유엔 총회에서 채택한 결의안 69/188. 북한 인권 상황 2014년 12월 18일 유엔 총회에서 채택한 결의안";

fn sha(b: &[u8]) -> String {
    kpdata_base::sha256_hex(b)
}

fn csv_cell(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn actors(rows: &[(&str, &str, &str, &str)]) -> String {
    let mut out = "actor_id,name,remarks,programs,source_ids\n".to_string();
    for (id, name, remarks, programs) in rows {
        out.push_str(&format!(
            "{id},{},{},{programs},src-ofac\n",
            csv_cell(name),
            csv_cell(remarks)
        ));
    }
    out
}

fn base(dir: &std::path::Path) -> Scratch {
    let s = Scratch::init(dir).unwrap();
    let ofac = b"OFAC list extract (test fixture)\n";
    s.write("kpdata.toml", MANIFEST)
        .write(
            "schemas/sources.schema.json",
            schema(&format!(
                "\"source_id\": {S}, \"title\": {S}, \"archive_path\": {S}, \"sha256\": {S}"
            )),
        )
        .write(
            "schemas/actors.schema.json",
            schema(&format!(
                "\"actor_id\": {S}, \"name\": {S}, \"remarks\": {S}, \
                 \"programs\": {{\"type\": \"array\", \"items\": {S}, \"x-separator\": \"|\"}}, \
                 \"source_ids\": {{\"type\": \"array\", \"items\": {S}, \"x-separator\": \";\"}}"
            )),
        )
        .write(
            "schemas/statements.schema.json",
            schema(&format!(
                "\"statement_id\": {S}, \"quote\": {S}, \
                 \"source_ids\": {{\"type\": \"array\", \"items\": {S}, \"x-separator\": \";\"}}"
            )),
        )
        .write("datasets/archive/ofac.txt", ofac)
        .write(
            "datasets/sources.csv",
            format!(
                "source_id,title,archive_path,sha256\nsrc-ofac,OFAC extract,datasets/archive/ofac.txt,{}\n",
                sha(ofac)
            ),
        )
        .write(
            "datasets/actors.csv",
            actors(&[
                ("act-1", "KOMID", REMARKS, "DPRK|DPRK2"),
                ("act-2", "조선광업개발무역회사", HANGUL, "DPRK"),
            ]),
        )
        .write("datasets/statements.csv", "statement_id,quote,source_ids\n");
    s.commit("base").unwrap();
    s
}

/// Commits `edit` on top of the base, diffs `HEAD~1` → `HEAD` and reviews the sources.
fn scenario(edit: impl FnOnce(&Scratch)) -> (tempfile::TempDir, PackageDiff) {
    let t = tempfile::tempdir().unwrap();
    let s = base(t.path());
    edit(&s);
    s.commit("head").unwrap();
    let repo = Repo::discover(s.dir()).unwrap();
    let mut b = Snapshot::at_revision(&repo, "HEAD~1").unwrap();
    let mut h = Snapshot::at_revision(&repo, "HEAD").unwrap();
    b.label = "base".into();
    h.label = "head".into();
    let mut d = diff(&b, &h);
    review(
        &mut d,
        &h,
        &Archive::Revision {
            repo: &repo,
            rev: "HEAD",
            prefix: "",
        },
    );
    // The working tree is the same commit: reviewing it gives the same result.
    let w = Snapshot::from_worktree(s.dir()).unwrap();
    let mut dw = diff(&b, &w);
    review(&mut dw, &w, &Archive::Worktree(s.dir()));
    assert_eq!((&dw.sources, &dw.quotes), (&d.sources, &d.quotes));
    (t, d)
}

fn edit_actor(s: &Scratch, rows: &[(&str, &str, &str, &str)]) {
    s.write("datasets/actors.csv", actors(rows));
}

/// The changed rows of the markdown and the changed lines of the text rendering.
fn changed_lines(d: &PackageDiff) -> String {
    let md = render_markdown(d, &[]);
    let text = render_text(d, &[]);
    let mut out = String::new();
    for l in md
        .lines()
        .filter(|l| l.starts_with("| act-") || l.starts_with("|  |"))
    {
        out.push_str(l);
        out.push('\n');
    }
    for l in text.lines().filter(|l| l.starts_with("      ")) {
        out.push_str(l);
        out.push('\n');
    }
    out
}

#[test]
fn one_word_changed_in_a_long_value() {
    let new = REMARKS.replace("510.210", "510.211");
    let (_t, d) = scenario(|s| {
        edit_actor(
            s,
            &[
                ("act-1", "KOMID", &new, "DPRK|DPRK2"),
                ("act-2", "조선광업개발무역회사", HANGUL, "DPRK"),
            ],
        )
    });
    let out = changed_lines(&d);
    assert!(
        out.contains("~~510.210~~") && out.contains("**510.211**"),
        "{out}"
    );
    assert!(out.contains("[-510.210-]{+510.211+}"), "{out}");
    insta::assert_snapshot!(out);
    // JSON: the spans rebuild both values.
    let json = serde_json::to_value(DiffReport::new(&d, &[])).unwrap();
    let delta = &json["datasets"][0]["changed"][0]["changes"][0]["delta"];
    assert_eq!(delta["kind"], "words");
    let spans = delta["spans"].as_array().unwrap();
    let side = |skip: &str| -> String {
        spans
            .iter()
            .filter(|s| s["op"] != skip)
            .map(|s| s["text"].as_str().unwrap())
            .collect()
    };
    assert_eq!(side("added"), REMARKS);
    assert_eq!(side("removed"), new);
}

#[test]
fn changes_at_the_start_and_at_the_end() {
    let start = REMARKS.replace("Secondary", "Primary");
    // Only the last word differs from the base.
    let end = format!("{} 결정", HANGUL.rsplit_once(' ').unwrap().0);
    let (_t, d) = scenario(|s| {
        edit_actor(
            s,
            &[
                ("act-1", "KOMID", &start, "DPRK|DPRK2"),
                ("act-2", "조선광업개발무역회사", &end, "DPRK"),
            ],
        )
    });
    let out = changed_lines(&d);
    assert!(out.contains("~~Secondary~~ sanctions risk"), "{out}");
    assert!(
        out.contains("~~결의안~~") && out.contains("**결정**"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn a_change_inside_hangul_never_splits_a_character() {
    let new = HANGUL.replacen("북한 인권 상황", "북한의 인권 상황", 1);
    let (_t, d) = scenario(|s| {
        edit_actor(
            s,
            &[
                ("act-1", "KOMID", REMARKS, "DPRK|DPRK2"),
                ("act-2", "조선광업개발무역회사", &new, "DPRK"),
            ],
        )
    });
    let out = changed_lines(&d);
    assert!(
        out.contains("~~북한~~") && out.contains("**북한의**"),
        "{out}"
    );
    assert!(out.contains("[-북한-]{+북한의+}"), "{out}");
    insta::assert_snapshot!(out);

    // A long Hangul insertion is cut in the middle between syllables, with a count.
    let long = "북한 인권 상황 ".repeat(40);
    let (_t, d) = scenario(|s| {
        edit_actor(
            s,
            &[
                ("act-1", "KOMID", REMARKS, "DPRK|DPRK2"),
                (
                    "act-2",
                    "조선광업개발무역회사",
                    &format!("{HANGUL} {long}끝"),
                    "DPRK",
                ),
            ],
        )
    });
    let md = render_markdown(&d, &[]);
    let row = md.lines().find(|l| l.starts_with("| act-2")).unwrap();
    assert!(row.contains("characters)…"), "{row}");
    assert!(row.chars().count() < 600, "{}", row.chars().count());
}

#[test]
fn list_fields_show_items_added_and_removed() {
    let (_t, d) = scenario(|s| {
        edit_actor(
            s,
            &[
                ("act-1", "KOMID", REMARKS, "DPRK2|DPRK3|NKSPEA"),
                ("act-2", "조선광업개발무역회사", HANGUL, "DPRK|DPRK"),
            ],
        )
    });
    let act = &d
        .datasets
        .iter()
        .find(|x| x.name == "actors")
        .unwrap()
        .changed;
    assert_eq!(
        act[0].changes[0].delta,
        Some(Delta::List {
            separator: "|".into(),
            removed: vec!["DPRK".into()],
            added: vec!["DPRK3".into(), "NKSPEA".into()],
            kept: 1
        })
    );
    let out = changed_lines(&d);
    assert!(
        out.contains("| ~~DPRK~~ | **DPRK3**, **NKSPEA** *(1 kept)* |"),
        "{out}"
    );
    assert!(out.contains("programs: removed [-DPRK-]; added {+DPRK3+}, {+NKSPEA+}; 1 kept"));
    insta::assert_snapshot!(out);
}

/// The base plus a new source (the VOA article, archived with its right sha256), a source whose
/// sha256 is wrong and one whose file is missing, and statements quoting them.
fn new_sources() -> (tempfile::TempDir, PackageDiff) {
    scenario(|s| {
        s.write("datasets/archive/news/voa.txt", VOA);
        s.write("datasets/archive/news/other.txt", b"Some other text\n");
        s.write(
            "datasets/sources.csv",
            format!(
                "source_id,title,archive_path,sha256\n\
                 src-ofac,OFAC extract,datasets/archive/ofac.txt,{}\n\
                 src-voa,VOA article,datasets/archive/news/voa.txt,{}\n\
                 src-bad-hash,Other,datasets/archive/news/other.txt,{}\n\
                 src-missing,Missing,datasets/archive/news/missing.txt,{}\n",
                sha(b"OFAC list extract (test fixture)\n"),
                sha(VOA),
                sha(b"something else"),
                sha(b"x")
            ),
        );
        s.write(
            "datasets/statements.csv",
            "statement_id,quote,source_ids\n\
             stm-1,\"We're reviewing options related to accountability for North Korean officials\",src-voa\n\
             stm-2,\"We're reviewing options related to accountability for South Korean officials\",src-voa;src-bad-hash\n\
             stm-3,Nothing like this,src-missing\n",
        );
        s.write(
            "datasets/actors.csv",
            format!(
                "{}act-3,\"New actor\",,DPRK,src-voa;src-ofac\n",
                actors(&[
                    ("act-1", "KOMID", REMARKS, "DPRK|DPRK2"),
                    ("act-2", "조선광업개발무역회사", HANGUL, "DPRK"),
                ])
            ),
        );
    })
}

#[test]
fn new_sources_and_quotes_come_first() {
    let (_t, d) = new_sources();
    let ids: Vec<_> = d.sources.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["src-bad-hash", "src-missing", "src-voa"]);
    let voa = &d.sources[2];
    assert_eq!(voa.status, ReviewStatus::Added);
    assert_eq!(voa.archive, ArchiveCheck::Matches);
    let cites: Vec<_> = voa.cited_by.iter().map(|c| c.key.display()).collect();
    assert_eq!(cites, ["act-3", "stm-1", "stm-2"]);
    assert!(matches!(
        d.sources[0].archive,
        ArchiveCheck::Mismatch { .. }
    ));
    assert_eq!(d.sources[1].archive, ArchiveCheck::Missing);

    assert_eq!(d.quotes.len(), 3);
    let q1 = d.quotes[0].passage.as_ref().unwrap();
    assert!(q1.exact);
    assert!(
        q1.after
            .starts_with(" responsible for serious human rights"),
        "{q1:?}"
    );
    let q2 = d.quotes[1].passage.as_ref().unwrap();
    assert!(!q2.exact && q2.matched.contains("North Korean"), "{q2:?}");
    assert!(d.quotes[2].passage.is_none() && d.quotes[2].searched.is_empty());

    let md = render_markdown(&d, &[]);
    let sources_at = md.find("### Sources to check").unwrap();
    assert!(sources_at < md.find("| dataset | status").unwrap());
    assert!(md.contains("~~South~~ **North**"), "{md}");
    assert!(md.contains("the registry says"), "{md}");
    insta::assert_snapshot!("new_sources_markdown", md);
    insta::assert_snapshot!("new_sources_text", render_text(&d, &[]));
    let json = serde_json::to_value(DiffReport::new(&d, &[])).unwrap();
    insta::assert_json_snapshot!(
        "new_sources_json",
        serde_json::json!({"sources": json["sources"], "quotes": json["quotes"]})
    );
}

#[test]
fn hostile_values_stay_text_in_word_diffs_and_passages() {
    let evil = " [link](https://evil.example) ::error::x @octocat <script>alert(1)</script> ##[warning]y line\nbreak \u{202E}txt | `code` **bold** ~~strike~~ [-fake-]{+fake+}";
    let new = format!("{REMARKS}{evil}");
    let quote_evil = "We're reviewing options | `x` <b>related</b> ::error::to accountability";
    let (_t, d) = scenario(|s| {
        edit_actor(
            s,
            &[
                ("act-1", "KOMID", &new, "DPRK|::warning::x|<i>y</i>"),
                ("act-2", "조선광업개발무역회사", HANGUL, "DPRK"),
            ],
        );
        s.write("datasets/archive/news/voa.txt", VOA);
        s.write(
            "datasets/sources.csv",
            format!(
                "source_id,title,archive_path,sha256\n\
                 src-ofac,OFAC extract,datasets/archive/ofac.txt,{}\n\
                 \"src-voa ::error::z\",VOA,datasets/archive/news/voa.txt,{}\n",
                sha(b"OFAC list extract (test fixture)\n"),
                sha(VOA)
            ),
        );
        s.write(
            "datasets/statements.csv",
            format!(
                "statement_id,quote,source_ids\nstm-1,{},src-voa ::error::z\n",
                csv_cell(quote_evil)
            ),
        );
    });
    assert_eq!(d.quotes.len(), 1);
    for (name, out) in [
        ("markdown", render_markdown(&d, &[])),
        ("text", render_text(&d, &[])),
    ] {
        for line in out.lines() {
            assert!(!line.trim_start().starts_with("::"), "{name}: {line}");
            assert!(!line.contains("##["), "{name}: {line}");
        }
        assert!(
            !out.contains('\u{202E}') && !out.contains("line\nbreak"),
            "{name}"
        );
        if name == "markdown" {
            for bad in [
                "<script>",
                "<b>",
                "<i>",
                "@octocat",
                "`code`",
                "**bold**",
                "~~strike~~",
            ] {
                assert!(!out.contains(bad), "{bad} in {out}");
            }
            for line in out.lines().filter(|l| l.starts_with("| ")) {
                let cols = line.matches(" | ").count();
                assert!(cols == 2 || cols == 4 || cols == 5, "{line}");
            }
            assert!(out.contains("\\](https"), "{out}");
        } else {
            assert!(out.contains("[\\-fake\\-]{\\+fake\\+}"), "{out}");
        }
    }
}

#[test]
fn many_long_changes_stay_within_the_size_cap() {
    let rows: Vec<(String, String)> = (0..400)
        .map(|i| {
            (
                format!("act-{i:03}"),
                format!("{REMARKS} {}", "x ".repeat(i)),
            )
        })
        .collect();
    let t = tempfile::tempdir().unwrap();
    let s = base(t.path());
    let mut csv = "actor_id,name,remarks,programs,source_ids\n".to_string();
    for (id, r) in &rows {
        csv.push_str(&format!("{id},n,{},DPRK,src-ofac\n", csv_cell(r)));
    }
    s.write("datasets/actors.csv", &csv);
    s.commit("many").unwrap();
    let changed: String = csv
        .lines()
        .map(|l| {
            l.replacen("510.210", "510.299", 1)
                .replacen("'KOMID'", "'KOMID2'", 1)
                + "\n"
        })
        .collect();
    s.write("datasets/actors.csv", changed);
    s.commit("head").unwrap();
    let repo = Repo::discover(s.dir()).unwrap();
    let b = Snapshot::at_revision(&repo, "HEAD~1").unwrap();
    let h = Snapshot::at_revision(&repo, "HEAD").unwrap();
    let d = diff(&b, &h);
    let f = history_findings(&d, &b, &h);
    let md = render_markdown_with(
        &d,
        &f,
        &RenderOptions {
            max_records: 0,
            ..RenderOptions::markdown()
        },
    );
    assert!(md.len() <= RenderOptions::markdown().max_bytes);
    for row in md.lines().filter(|l| l.starts_with("| act-")) {
        // Both changes of each value are shown, however long the value.
        assert!(
            row.contains("~~510.210~~") && row.contains("**510.299**"),
            "{row}"
        );
        assert!(row.chars().count() < 450, "{} {row}", row.chars().count());
    }
    let small = render_markdown_with(
        &d,
        &f,
        &RenderOptions {
            max_bytes: 4000,
            ..RenderOptions::markdown()
        },
    );
    assert!(small.len() <= 4000);
    let spans = match &d.datasets[0].changed[0].changes[0].delta {
        Some(Delta::Words { spans }) => spans.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(spans.iter().filter(|s| s.op == SpanOp::Removed).count(), 2);
}
