//! The real `tagline` binary, run in a temporary folder: offsets written by `add`, the other
//! commands, exit codes, and the never-clobber rules.

use serde_json::{Value, json};

use crate::util::{Dir, assert_matches_schema, py_find, py_slice, python_text};

/// The annotation with id `id` in a sidecar.
fn annotation<'a>(sidecar: &'a Value, id: &str) -> &'a Value {
    sidecar["annotations"]
        .as_array()
        .expect("annotations")
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("no annotation {id} in {sidecar:#}"))
}

fn ids(sidecar: &Value, key: &str) -> Vec<String> {
    sidecar[key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Adds an annotation with `tagline add ARTICLE --tag TAG EXTRA…` and returns its id.
fn add(dir: &Dir, article: &str, tag: &str, extra: &[&str]) -> String {
    let mut args = vec!["add", article, "--tag", tag];
    args.extend_from_slice(extra);
    let id = dir.run(&args).expect(0).line();
    assert_eq!(id.len(), 10, "add prints the new id, got {id:?}");
    let sidecar = format!("{article}.annotations.json");
    assert_matches_schema(&dir.read_json(&sidecar), &sidecar);
    id
}

#[test]
fn add_writes_char_offsets_in_unicode_text() {
    let dir = Dir::new();
    dir.fixture("harbour.txt");
    let bytes = dir.read("harbour.txt");
    assert!(bytes.starts_with(b"\xef\xbb\xbf"), "the fixture has a BOM");
    let text = python_text(&bytes);
    assert!(text.contains("\r\n"), "the fixture has CRLF line endings");

    // (how to select, expected start, expected end, expected text)
    let cases: Vec<(Vec<&str>, usize, usize, &str)> = vec![
        (vec!["--span", "0:7"], 0, 7, "Harbour"),
        (vec!["--quote", "陈静"], 148, 150, "陈静"),
        (
            vec!["--quote", "the cheapest insurance this town will ever buy."],
            172,
            219,
            "the cheapest insurance this town will ever buy.",
        ),
        (vec!["--quote", "🚢"], 317, 318, "🚢"),
        (
            vec!["--quote", "£48\u{a0}million"],
            357,
            368,
            "£48\u{a0}million",
        ),
        // A ZWJ emoji sequence is one grapheme but three scalar values.
        (vec!["--quote", "👩\u{200d}🔧"], 432, 435, "👩\u{200d}🔧"),
        (vec!["--quote", "said", "--nth", "2"], 436, 440, "said"),
        (vec!["--span", "215:231"], 215, 231, "buy.”\r\n\r\nCritics"),
    ];
    let mut made = Vec::new();
    for (select, start, end, expected) in &cases {
        let id = add(&dir, "harbour.txt", "claim", select);
        made.push((id, *start, *end, *expected));
    }

    let sidecar = dir.read_json("harbour.txt.annotations.json");
    assert_eq!(sidecar["article"]["file"], "harbour.txt");
    assert_eq!(sidecar["article"]["chars"], 562);
    assert_eq!(sidecar["article"]["chars"], text.chars().count());
    assert_eq!(
        sidecar["article"]["sha256"],
        sha256_hex(&bytes),
        "the hash covers the file's bytes, BOM included"
    );
    for (id, start, end, expected) in made {
        let a = annotation(&sidecar, &id);
        assert_eq!(
            (a["start"].as_u64(), a["end"].as_u64()),
            (Some(start as u64), Some(end as u64)),
            "{id}"
        );
        assert_eq!(a["text"], expected);
        assert_eq!(
            py_slice(&text, start, end),
            expected,
            "Python slicing agrees"
        );
        // Empty context is left out of the file.
        let context = |key: &str| a[key].as_str().unwrap_or("").to_owned();
        assert_eq!(
            context("prefix"),
            py_slice(&text, start.saturating_sub(32), start)
        );
        assert_eq!(context("suffix"), py_slice(&text, end, end + 32));
        assert_eq!(a["annotator"], "tester");
        assert_eq!(
            a["attributes"],
            json!({"checkworthy": false, "type": "factual"})
        );
    }
    assert_eq!(py_find(&text, "said", 2), Some((436, 440)));
    // Written sorted by (start, end, id).
    let starts: Vec<u64> = sidecar["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["start"].as_u64().unwrap())
        .collect();
    assert!(starts.is_sorted(), "{starts:?}");
    dir.run(&["validate", "harbour.txt"]).expect(0);
}

#[test]
fn offsets_count_front_matter_and_decoded_utf16() {
    let dir = Dir::new();
    // Front matter is part of the text: the first “win” is in the YAML title, not the heading.
    dir.fixture("budget.md");
    let text = python_text(&dir.read("budget.md"));
    let id = add(&dir, "budget.md", "claim", &["--quote", "Budget “win”"]);
    let heading = add(
        &dir,
        "budget.md",
        "claim",
        &["--quote", "Budget “win”", "--nth", "2"],
    );
    let s = dir.read_json("budget.md.annotations.json");
    assert_eq!(
        (
            annotation(&s, &id)["start"].as_u64(),
            annotation(&s, &id)["end"].as_u64()
        ),
        (Some(12), Some(24))
    );
    assert_eq!(py_find(&text, "Budget “win”", 2), Some((231, 243)));
    assert_eq!(annotation(&s, &heading)["start"], 231);

    // UTF-16 with a BOM: offsets count the decoded text, the hash the file's bytes.
    let article = "Zoë said “hi” 😀\r\n李明 agreed.";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(article.encode_utf16().flat_map(u16::to_le_bytes));
    dir.write("utf16.txt", &bytes);
    let id = add(&dir, "utf16.txt", "sourcing", &["--quote", "李明"]);
    let s = dir.read_json("utf16.txt.annotations.json");
    assert_eq!(py_find(article, "李明", 1), Some((17, 19)));
    assert_eq!(
        (
            annotation(&s, &id)["start"].as_u64(),
            annotation(&s, &id)["end"].as_u64()
        ),
        (Some(17), Some(19))
    );
    assert_eq!(s["article"]["chars"], article.chars().count());
    assert_eq!(s["article"]["sha256"], sha256_hex(&bytes));
    assert_eq!(
        dir.read("utf16.txt"),
        bytes,
        "the article is never rewritten"
    );
    dir.run(&["validate", "utf16.txt"]).expect(0);
}

#[test]
fn a_folder_scheme_is_found_and_recorded() {
    let dir = Dir::new();
    dir.write(
        "project/tagline.scheme.json",
        r##"{"id": "desk", "version": "2.1", "name": "Desk",
            "tags": [{"id": "lede", "label": "Lede", "color": "#112233", "key": "1",
                      "attributes": [{"name": "strength", "kind": "choice", "values": ["weak", "strong"]}]}],
            "labels": [{"name": "status", "kind": "choice", "values": ["open", "closed"]}]}"##,
    );
    dir.fixture_as("harbour.txt", "project/2026/05/harbour.txt");
    let article = "project/2026/05/harbour.txt";
    let run = dir
        .run(&["add", article, "--tag", "claim", "--span", "0:7"])
        .expect(2);
    assert!(
        run.stderr.contains("no tag `claim` (it has: lede)"),
        "{}",
        run.stderr
    );
    add(
        &dir,
        article,
        "lede",
        &["--span", "0:7", "--attr", "strength=strong"],
    );
    dir.run(&["label", article, "status", "closed"]).expect(0);
    let s = dir.read_json("project/2026/05/harbour.txt.annotations.json");
    assert_eq!(s["scheme"], "desk@2.1");
    assert_eq!(
        s["annotations"][0]["attributes"],
        json!({"strength": "strong"})
    );
    let shown = dir.run(&["show", article]).expect(0).stdout;
    assert!(
        shown.starts_with("harbour.txt — 562 chars, scheme desk@2.1\n"),
        "{shown}"
    );
    dir.run(&["validate", "project"]).expect(0);

    // The same sidecar checked against the built-in news scheme: unknown tag, label value.
    dir.fixture("harbour.txt");
    dir.write(
        "harbour.txt.annotations.json",
        dir.read("project/2026/05/harbour.txt.annotations.json"),
    );
    let run = dir.run(&["validate", "harbour.txt"]).expect(0);
    assert!(
        run.stdout.contains("warning") && run.stdout.contains("tag `lede` is not in scheme news@1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("label `status`: `closed` is not one of: todo, in_progress, done"),
        "{}",
        run.stdout
    );
}

#[test]
fn add_takes_attributes_notes_status_and_annotator() {
    let dir = Dir::new();
    dir.fixture("harbour.txt");
    let id = add(
        &dir,
        "harbour.txt",
        "quote",
        &[
            "--quote",
            "It is a wall of money,",
            "--attr",
            "speaker=Tomas Reyes",
            "--attr",
            "kind=direct",
            "--note",
            "ferry café owner",
            "--status",
            "uncertain",
            "--annotator",
            "ana",
        ],
    );
    let sidecar = dir.read_json("harbour.txt.annotations.json");
    let a = annotation(&sidecar, &id);
    assert_eq!(
        a["attributes"],
        json!({"kind": "direct", "speaker": "Tomas Reyes"})
    );
    assert_eq!(a["note"], "ferry café owner");
    assert_eq!(a["status"], "uncertain");
    assert_eq!(a["annotator"], "ana");
    assert_eq!(a["created"], a["modified"]);
    let created = a["created"].as_str().unwrap();
    assert_eq!(created.len(), 20, "RFC 3339 UTC, whole seconds: {created}");
    assert!(created.ends_with('Z') && created.as_bytes()[10] == b'T');

    let bool_attr = add(
        &dir,
        "harbour.txt",
        "claim",
        &[
            "--quote",
            "Work starts in March",
            "--attr",
            "checkworthy=yes",
        ],
    );
    let sidecar = dir.read_json("harbour.txt.annotations.json");
    assert_eq!(
        annotation(&sidecar, &bool_attr)["attributes"]["checkworthy"],
        true
    );
}

#[test]
fn add_refuses_bad_input_with_exit_2_and_writes_nothing() {
    let dir = Dir::new();
    dir.fixture("harbour.txt");
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--tag", "claim", "--quote", "no such words"],
            &["harbour.txt", "\"no such words\"", "not found"],
        ),
        (
            &["--tag", "claim", "--quote", "said", "--nth", "9"],
            &["occurrence 9", "\"said\"", "not found"],
        ),
        (
            &["--tag", "bogus", "--span", "0:7"],
            &["no tag `bogus`", "claim, quote, stance, sourcing"],
        ),
        (
            &["--tag", "claim", "--span", "500:600"],
            &["500:600", "562"],
        ),
        (&["--tag", "claim", "--span", "7:7"], &["7:7"]),
        (&["--tag", "claim", "--span", "seven"], &["--span seven"]),
        (
            &["--tag", "quote", "--span", "0:7", "--attr", "kind=shouted"],
            &["kind", "shouted", "direct, indirect, partial"],
        ),
        (
            &["--tag", "quote", "--span", "0:7", "--attr", "colour=red"],
            &["no attribute `colour`"],
        ),
    ];
    for (args, needles) in cases {
        let mut all = vec!["add", "harbour.txt"];
        all.extend_from_slice(args);
        let run = dir.run(&all).expect(2);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.starts_with("tagline: "),
            "{args:?}: {}",
            run.stderr
        );
        for n in *needles {
            assert!(
                run.stderr.contains(n),
                "{args:?}: expected {n:?} in {}",
                run.stderr
            );
        }
        assert!(!dir.exists("harbour.txt.annotations.json"), "{args:?}");
    }
    // Usage errors (clap) are exit 2 too.
    dir.run(&["add", "harbour.txt", "--tag", "claim"]).expect(2);
    dir.run(&[
        "add",
        "harbour.txt",
        "--tag",
        "claim",
        "--span",
        "0:1",
        "--quote",
        "H",
    ])
    .expect(2);
    let missing = dir
        .run(&["add", "missing.txt", "--tag", "claim", "--span", "0:1"])
        .expect(2);
    assert!(missing.stderr.contains("missing.txt"), "{}", missing.stderr);
}

#[test]
fn show_prints_a_table() {
    let dir = Dir::new();
    dir.fixture("harbour.txt");
    let src = add(&dir, "harbour.txt", "sourcing", &["--quote", "陈静"]);
    let quote = add(
        &dir,
        "harbour.txt",
        "quote",
        &[
            "--quote",
            "the cheapest insurance this town will ever buy.",
            "--attr",
            "speaker=Chen Jing",
            "--note",
            "leader\nof the council",
            "--annotator",
            "ana",
        ],
    );
    let rel = dir
        .run(&["relate", "harbour.txt", &quote, "attributed_to", &src])
        .expect(0)
        .line();
    dir.run(&["label", "harbour.txt", "status", "done"])
        .expect(0);

    let out = dir.run(&["show", "harbour.txt"]).expect(0).stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "harbour.txt — 562 chars, scheme news@1");
    assert_eq!(lines[1], "2 annotations, 1 relations");
    assert_eq!(lines[2], "");
    let header = lines[3];
    for (col, word) in ["ID", "TAG", "SPAN", "TEXT", "ATTRIBUTES"]
        .iter()
        .enumerate()
    {
        assert!(header.contains(word), "column {col}: {header}");
    }
    assert!(header.find("ID") < header.find("TAG") && header.find("SPAN") < header.find("TEXT"));
    let src_row = lines[4];
    assert!(src_row.starts_with(&src), "{src_row}");
    assert!(
        src_row.contains("sourcing") && src_row.contains("148:150"),
        "{src_row}"
    );
    assert!(
        src_row.contains("“陈静”") && src_row.contains("by tester"),
        "{src_row}"
    );
    assert!(
        src_row.contains("identity=named source_type=official"),
        "{src_row}"
    );
    let quote_row = lines[5];
    assert!(
        quote_row.starts_with(&quote) && quote_row.contains("172:219"),
        "{quote_row}"
    );
    assert!(
        quote_row.contains("“the cheapest insurance this town will ev…”"),
        "{quote_row}"
    );
    assert!(
        quote_row.contains("kind=direct speaker=Chen Jing by ana"),
        "{quote_row}"
    );
    assert!(
        quote_row.contains("note: leader\\nof the council"),
        "notes stay on one line: {quote_row}"
    );
    assert!(
        out.contains(&format!(
            "\nrelations:\n{rel}  {quote} “the cheapest insurance this town will ev…” —attributed_to→ {src} “"
        )),
        "{out}"
    );
    assert!(out.ends_with("\nlabels:\n  status: done\n"), "{out}");

    // Only one annotator's rows.
    let only = dir
        .run(&["show", "harbour.txt", "--annotator", "ana"])
        .expect(0)
        .stdout;
    assert!(
        only.contains("1 annotations")
            && only.contains(&quote)
            && !only.contains(&format!("{src}  sourcing")),
        "{only}"
    );

    // No sidecar yet: an empty table, not an error.
    dir.fixture("budget.md");
    let empty = dir.run(&["show", "budget.md"]).expect(0).stdout;
    assert_eq!(
        empty,
        "budget.md — 594 chars, scheme news@1\ntitle: Budget “win” for libraries — or a cut in disguise?\n0 annotations, 0 relations\n"
    );
}

#[test]
fn remove_deletes_the_annotation_and_its_relations() {
    let dir = Dir::new();
    dir.fixture("harbour.txt");
    let src = add(&dir, "harbour.txt", "sourcing", &["--quote", "Tomas Reyes"]);
    let quote = add(
        &dir,
        "harbour.txt",
        "quote",
        &["--quote", "It is a wall of money,"],
    );
    let claim = add(
        &dir,
        "harbour.txt",
        "claim",
        &["--quote", "the council’s own estimate"],
    );
    dir.run(&["relate", "harbour.txt", &quote, "attributed_to", &src])
        .expect(0);
    let kept = dir
        .run(&["relate", "harbour.txt", &claim, "attributed_to", &src])
        .expect(0)
        .line();

    let run = dir.run(&["remove", "harbour.txt", &quote]).expect(0);
    assert_eq!(run.stdout, format!("removed {quote}\n"));
    let sidecar = dir.read_json("harbour.txt.annotations.json");
    let mut left = ids(&sidecar, "annotations");
    left.sort();
    let mut want = vec![src.clone(), claim.clone()];
    want.sort();
    assert_eq!(left, want);
    assert_eq!(
        ids(&sidecar, "relations"),
        [kept],
        "the quote's relation went with it"
    );

    let before = dir.read("harbour.txt.annotations.json");
    let run = dir.run(&["remove", "harbour.txt", &quote]).expect(2);
    assert!(
        run.stderr
            .contains(&format!("no annotation with id `{quote}`")),
        "{}",
        run.stderr
    );
    assert_eq!(dir.read("harbour.txt.annotations.json"), before);
}

#[test]
fn relate_follows_the_scheme() {
    let dir = Dir::new();
    dir.fixture("harbour.txt");
    let src = add(&dir, "harbour.txt", "sourcing", &["--quote", "Tomas Reyes"]);
    let quote = add(
        &dir,
        "harbour.txt",
        "quote",
        &["--quote", "It is a wall of money,"],
    );
    let stance = add(
        &dir,
        "harbour.txt",
        "stance",
        &["--quote", "wall of money", "--attr", "polarity=against"],
    );

    let rel = dir
        .run(&[
            "relate",
            "harbour.txt",
            &quote,
            "attributed_to",
            &src,
            "--note",
            "same sentence",
            "--annotator",
            "bo",
        ])
        .expect(0)
        .line();
    let about = dir
        .run(&["relate", "harbour.txt", &stance, "about", &quote])
        .expect(0)
        .line();
    let sidecar = dir.read_json("harbour.txt.annotations.json");
    let rels = sidecar["relations"].as_array().unwrap();
    let r = rels.iter().find(|r| r["id"] == rel).unwrap();
    assert_eq!(
        r,
        &json!({"id": rel, "type": "attributed_to", "from": quote, "to": src, "annotator": "bo", "note": "same sentence"})
    );
    let a = rels.iter().find(|r| r["id"] == about).unwrap();
    assert_eq!(
        a,
        &json!({"id": about, "type": "about", "from": stance, "to": quote, "annotator": "tester"})
    );

    let before = dir.read("harbour.txt.annotations.json");
    let refused: &[(&[&str], &str)] = &[
        // The scheme has attributed_to go from quote/claim to sourcing, not back.
        (
            &[&src, "attributed_to", &quote],
            "`attributed_to` goes from quote/claim to sourcing, not from sourcing to quote",
        ),
        (
            &[&quote, "about", &src],
            "`about` goes from stance to claim/quote",
        ),
        (
            &[&quote, "contradicts", &src],
            "no relation `contradicts` (it has: attributed_to, about)",
        ),
        (
            &[&quote, "attributed_to", &quote],
            "cannot be related to itself",
        ),
        (
            &[&quote, "attributed_to", "nope"],
            "no annotation with id `nope`",
        ),
        (&[&quote, "attributed_to", &src], "nothing to change"),
    ];
    for (args, message) in refused {
        let mut all = vec!["relate", "harbour.txt"];
        all.extend_from_slice(args);
        let run = dir.run(&all).expect(2);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert_eq!(
            dir.read("harbour.txt.annotations.json"),
            before,
            "{args:?} changed the sidecar"
        );
    }
}

#[test]
fn label_sets_checks_and_clears() {
    let dir = Dir::new();
    dir.fixture("harbour.txt");
    dir.run(&["label", "harbour.txt", "status", "in_progress"])
        .expect(0);
    dir.run(&["label", "harbour.txt", "comment", "needs a second read"])
        .expect(0);
    dir.run(&["label", "harbour.txt", "overall_stance", "mixed"])
        .expect(0);
    let s = dir.read_json("harbour.txt.annotations.json");
    assert_eq!(
        s["labels"],
        json!({"comment": "needs a second read", "overall_stance": "mixed", "status": "in_progress"})
    );
    let keys: Vec<&String> = s["labels"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["comment", "overall_stance", "status"],
        "labels are written sorted"
    );

    let before = dir.read("harbour.txt.annotations.json");
    let run = dir
        .run(&["label", "harbour.txt", "status", "finished"])
        .expect(2);
    assert!(
        run.stderr.contains("label `status`") && run.stderr.contains("todo, in_progress, done"),
        "{}",
        run.stderr
    );
    assert_eq!(dir.read("harbour.txt.annotations.json"), before);

    dir.run(&["label", "harbour.txt", "status", "done"])
        .expect(0);
    dir.run(&["label", "harbour.txt", "comment"]).expect(0);
    let s = dir.read_json("harbour.txt.annotations.json");
    assert_eq!(
        s["labels"],
        json!({"overall_stance": "mixed", "status": "done"})
    );
}

const BROKEN_JSON: &str =
    "{\n  \"format\": \"tagline-annotations\",\n  \"version\": 1,\n  oops\n}\n";

#[test]
fn validate_reports_problems_with_exit_1_and_never_writes() {
    let dir = Dir::new();
    dir.fixture("harbour.txt");
    add(
        &dir,
        "harbour.txt",
        "claim",
        &["--quote", "Work starts in March"],
    );
    let run = dir.run(&["validate", "harbour.txt"]).expect(0);
    assert_eq!(run.stdout, "harbour.txt.annotations.json: ok\n");
    // The sidecar path works as well as the article's.
    dir.run(&["validate", "harbour.txt.annotations.json"])
        .expect(0);

    dir.fixture("harbour.txt");
    dir.fixture_as("harbour.txt", "broken.txt");
    dir.write("broken.txt.annotations.json", BROKEN_JSON);
    let run = dir.run(&["validate", "broken.txt"]).expect(1);
    assert!(
        run.stdout
            .starts_with("broken.txt.annotations.json: INVALID\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  error: broken.txt.annotations.json: not valid JSON"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("line 4 column 3"),
        "the message names the line: {}",
        run.stdout
    );
    assert_eq!(
        dir.read("broken.txt.annotations.json"),
        BROKEN_JSON.as_bytes()
    );

    // A sidecar whose offsets no longer hold its text.
    let mut s = dir.read_json("harbour.txt.annotations.json");
    let id = s["annotations"][0]["id"].as_str().unwrap().to_owned();
    s["annotations"][0]["start"] = json!(1);
    let shifted = serde_json::to_string_pretty(&s).unwrap();
    dir.write("harbour.txt.annotations.json", &shifted);
    let run = dir.run(&["validate", "harbour.txt"]).expect(1);
    assert!(
        run.stdout.contains(&format!("  error [{id}]: span 1:")),
        "{}",
        run.stdout
    );
    assert_eq!(dir.read_string("harbour.txt.annotations.json"), shifted);

    // Unknown tags are warnings: still valid.
    s["annotations"][0]["start"] = json!(467);
    s["annotations"][0]["tag"] = json!("rumour");
    dir.write(
        "harbour.txt.annotations.json",
        serde_json::to_string_pretty(&s).unwrap(),
    );
    let run = dir.run(&["validate", "harbour.txt"]).expect(0);
    assert!(
        run.stdout.contains(&format!(
            "  warning [{id}]: tag `rumour` is not in scheme news@1"
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn validate_json_has_a_fixed_shape() {
    let dir = Dir::new();
    dir.fixture("harbour.txt");
    dir.fixture_as("harbour.txt", "broken.txt");
    dir.write("broken.txt.annotations.json", BROKEN_JSON);
    let id = add(
        &dir,
        "harbour.txt",
        "claim",
        &["--quote", "Work starts in March"],
    );
    let mut s = dir.read_json("harbour.txt.annotations.json");
    s["annotations"][0]["tag"] = json!("rumour");
    dir.write(
        "harbour.txt.annotations.json",
        serde_json::to_string_pretty(&s).unwrap(),
    );

    let run = dir
        .run(&["validate", "--json", "harbour.txt", "broken.txt"])
        .expect(1);
    let report: Value = serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    let top: Vec<&String> = report.as_object().unwrap().keys().collect();
    assert_eq!(top, ["files"]);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    for f in files {
        let keys: Vec<&String> = f.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["path", "ok", "problems"]);
        assert!(f["path"].is_string() && f["ok"].is_boolean());
        for p in f["problems"].as_array().unwrap() {
            let keys: Vec<&String> = p.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["severity", "annotation", "message"]);
            assert!(
                p["severity"] == "error" || p["severity"] == "warning",
                "{p}"
            );
            assert!(
                p["annotation"].is_null() || p["annotation"].is_string(),
                "{p}"
            );
            assert!(p["message"].is_string(), "{p}");
        }
    }
    assert_eq!(
        files[0],
        json!({"path": "harbour.txt.annotations.json", "ok": true, "problems": [
            {"severity": "warning", "annotation": id, "message": "tag `rumour` is not in scheme news@1"}
        ]})
    );
    assert_eq!(files[1]["path"], "broken.txt.annotations.json");
    assert_eq!(files[1]["ok"], false);
    let problem = &files[1]["problems"][0];
    assert_eq!(problem["severity"], "error");
    assert_eq!(problem["annotation"], Value::Null);
    let message = problem["message"].as_str().unwrap();
    assert!(
        message.contains("broken.txt.annotations.json") && message.contains("line 4"),
        "{message}"
    );

    let ok = dir.run(&["validate", "--json", "harbour.txt"]).expect(0);
    let ok: Value = serde_json::from_str(&ok.stdout).unwrap();
    assert_eq!(ok["files"][0]["ok"], true);
}

#[test]
fn validate_walks_folders_recursively() {
    let dir = Dir::new();
    dir.fixture_as("harbour.txt", "corpus/a/harbour.txt");
    dir.fixture_as("budget.md", "corpus/a/b/budget.md");
    dir.fixture_as(
        "budget.md.annotations.json",
        "corpus/a/b/budget.md.annotations.json",
    );
    dir.fixture_as("harbour.txt", "corpus/no-sidecar.txt");
    dir.fixture_as("harbour.txt", "corpus/.hidden/skipped.txt");
    dir.write("corpus/.hidden/skipped.txt.annotations.json", BROKEN_JSON);
    add(
        &dir,
        "corpus/a/harbour.txt",
        "claim",
        &["--quote", "Work starts in March"],
    );

    let run = dir.run(&["validate", "corpus"]).expect(0);
    assert_eq!(
        run.stdout,
        "corpus/a/b/budget.md.annotations.json: ok\ncorpus/a/harbour.txt.annotations.json: ok\n"
    );

    // A sidecar whose article is gone is reported too, and makes the run fail.
    dir.write(
        "corpus/a/b/gone.txt.annotations.json",
        dir.read("corpus/a/b/budget.md.annotations.json"),
    );
    dir.write("corpus/z/deep/er/broken.md", "# Broken\n");
    dir.write("corpus/z/deep/er/broken.md.annotations.json", BROKEN_JSON);
    let run = dir.run(&["validate", "--json", "corpus"]).expect(1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let verdicts: Vec<(String, bool)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["ok"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("corpus/a/b/budget.md.annotations.json".to_owned(), true),
            ("corpus/a/b/gone.txt.annotations.json".to_owned(), false),
            ("corpus/a/harbour.txt.annotations.json".to_owned(), true),
            (
                "corpus/z/deep/er/broken.md.annotations.json".to_owned(),
                false
            ),
        ]
    );
    assert_eq!(
        dir.read("corpus/z/deep/er/broken.md.annotations.json"),
        BROKEN_JSON.as_bytes()
    );
}

#[test]
fn reanchor_moves_annotations_when_the_article_changes() {
    let dir = Dir::new();
    dir.fixture("harbour.txt");
    let cjk = add(&dir, "harbour.txt", "sourcing", &["--quote", "陈静"]);
    let phase = add(
        &dir,
        "harbour.txt",
        "claim",
        &["--quote", "the first phase could slip to 2027"],
    );
    let run = dir.run(&["reanchor", "harbour.txt"]).expect(0);
    assert_eq!(run.stdout, "harbour.txt: unchanged\n");

    // An editor's note at the top (after the BOM), in CRLF like the rest.
    let bytes = dir.read("harbour.txt");
    let mut edited = b"\xef\xbb\xbf".to_vec();
    edited.extend_from_slice("Updated 🕘 10:40.\r\n\r\n".as_bytes());
    edited.extend_from_slice(&bytes[3..]);
    dir.write("harbour.txt", &edited);
    let text = python_text(&edited);
    let (s1, e1) = py_find(&text, "陈静", 1).unwrap();
    let (s2, e2) = py_find(&text, "the first phase could slip to 2027", 1).unwrap();
    assert_eq!((s1, e1), (148 + 20, 150 + 20));

    let run = dir.run(&["reanchor", "harbour.txt"]).expect(0);
    assert!(
        run.stdout.contains(&format!(
            "harbour.txt: moved {cjk} from 148:150 to {s1}:{e1}\n"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!(
            "harbour.txt: moved {phase} from 525:559 to {s2}:{e2}\n"
        )),
        "{}",
        run.stdout
    );
    let s = dir.read_json("harbour.txt.annotations.json");
    assert_eq!(s["article"]["sha256"], sha256_hex(&edited));
    assert_eq!(s["article"]["chars"], text.chars().count());
    for (id, start, end) in [(&cjk, s1, e1), (&phase, s2, e2)] {
        let a = annotation(&s, id);
        assert_eq!(
            (
                a["start"].as_u64().unwrap() as usize,
                a["end"].as_u64().unwrap() as usize
            ),
            (start, end)
        );
        assert_eq!(a["text"], py_slice(&text, start, end));
        assert_eq!(
            a["prefix"],
            py_slice(&text, start.saturating_sub(32), start)
        );
        assert!(a.get("status").is_none());
    }
    dir.run(&["validate", "harbour.txt"]).expect(0);
    assert_eq!(
        dir.run(&["reanchor", "harbour.txt"]).expect(0).stdout,
        "harbour.txt: unchanged\n"
    );
}

#[test]
fn reanchor_reports_fuzzy_moves_with_old_and_new_text() {
    let dir = Dir::new();
    dir.write(
        "story.txt",
        "Intro line.\n\nThe minister said \"we're ready\" on Monday, and left.\n",
    );
    let id = add(&dir, "story.txt", "quote", &["--quote", "\"we're ready\""]);
    dir.write(
        "story.txt",
        "Intro line.\r\n\r\nThe minister said “we’re ready” on Monday, and left.\r\n",
    );
    let run = dir.run(&["reanchor", "story.txt"]).expect(0);
    assert_eq!(
        run.stdout,
        format!(
            "story.txt: moved (fuzzy) {id} from 31:44 to 33:46: “\"we're ready\"” → ““we’re ready””\n"
        )
    );
    let s = dir.read_json("story.txt.annotations.json");
    let a = annotation(&s, &id);
    assert_eq!(a["text"], "“we’re ready”");
    assert_eq!(
        a["review"],
        serde_json::json!({"reason": "fuzzy", "was": "\"we're ready\""})
    );
    assert_matches_schema(&s, "a sidecar with a fuzzy move");
    let run = dir.run(&["validate", "story.txt"]).expect(0);
    assert!(
        run.stdout.contains(&format!(
            "warning [{id}]: needs review (fuzzy) (was \"\"we're ready\"\")"
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unchanged_article_moves_nothing_and_a_bad_span_stays_an_error() {
    let dir = Dir::new();
    dir.write("story.txt", "one two three. one two three.\n");
    let id = add(&dir, "story.txt", "claim", &["--quote", "two"]);
    // Damage the span by hand: it now covers "one" though its text says "two".
    let mut s = dir.read_json("story.txt.annotations.json");
    s["annotations"][0]["start"] = 0.into();
    s["annotations"][0]["end"] = 3.into();
    dir.write(
        "story.txt.annotations.json",
        serde_json::to_vec_pretty(&s).unwrap(),
    );
    // An unrelated add does not repair it onto some occurrence of "two".
    add(&dir, "story.txt", "claim", &["--quote", "three"]);
    let after = dir.read_json("story.txt.annotations.json");
    let a = annotation(&after, &id);
    assert_eq!((a["start"].as_u64(), a["end"].as_u64()), (Some(0), Some(3)));
    let run = dir.run(&["validate", "story.txt"]).expect(1);
    assert!(
        run.stdout
            .contains(&format!("error [{id}]: span 0:3 covers \"one\"")),
        "{}",
        run.stdout
    );
    assert_eq!(
        dir.run(&["reanchor", "story.txt"]).expect(0).stdout,
        "story.txt: unchanged\n"
    );
}

#[test]
fn reanchor_orphans_annotations_whose_text_is_gone() {
    let dir = Dir::new();
    dir.fixture("harbour.txt");
    let keep = add(&dir, "harbour.txt", "sourcing", &["--quote", "陈静"]);
    let gone = add(
        &dir,
        "harbour.txt",
        "quote",
        &["--quote", "It is a wall of money,"],
    );
    let text = python_text(&dir.read("harbour.txt"));
    let cut = text.replace(
        "“It is a wall of money,” said Tomas Reyes",
        "Tomas Reyes disagreed",
    );
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(cut.as_bytes());
    dir.write("harbour.txt", &bytes);

    let run = dir.run(&["reanchor", "."]).expect(1);
    assert_eq!(
        run.stdout,
        format!("./harbour.txt: orphaned {gone} “It is a wall of money,”\n")
    );
    let s = dir.read_json("harbour.txt.annotations.json");
    let a = annotation(&s, &gone);
    assert_eq!(a["status"], "orphaned", "orphans are kept, marked");
    assert_eq!(a["text"], "It is a wall of money,");
    assert!(annotation(&s, &keep).get("status").is_none());
    let run = dir.run(&["validate", "harbour.txt"]).expect(1);
    assert!(
        run.stdout.contains(&format!("error [{gone}]: orphaned")),
        "{}",
        run.stdout
    );

    // Putting the text back brings it home.
    dir.fixture("harbour.txt");
    let run = dir.run(&["reanchor", "harbour.txt"]).expect(0);
    assert!(
        run.stdout
            .contains(&format!("harbour.txt: {gone} holds its text again")),
        "{}",
        run.stdout
    );
    let s = dir.read_json("harbour.txt.annotations.json");
    assert!(annotation(&s, &gone).get("status").is_none());
    dir.run(&["validate", "harbour.txt"]).expect(0);
}

/// Sidecars Tagline cannot read, each with the words its refusal must contain.
fn unreadable_sidecars() -> Vec<(&'static str, String, &'static str)> {
    let good = String::from_utf8(crate::util::fixture_bytes("budget.md.annotations.json")).unwrap();
    vec![
        ("invalid JSON", BROKEN_JSON.to_owned(), "line 4 column 3"),
        (
            "truncated",
            good[..good.len() / 2].to_owned(),
            "not valid JSON",
        ),
        (
            "not an object",
            "[1, 2]\n".to_owned(),
            "not a Tagline sidecar",
        ),
        (
            "another format",
            good.replace("\"tagline-annotations\"", "\"other-tool\""),
            "format is \"other-tool\"",
        ),
        (
            "newer version",
            good.replace("\"version\": 1", "\"version\": 2"),
            "newer Tagline (format version 2",
        ),
        (
            "wrong type",
            good.replace("\"start\": 275", "\"start\": \"275\""),
            "does not match the format",
        ),
        ("empty file", String::new(), "not valid JSON"),
    ]
}

#[test]
fn editing_commands_never_overwrite_an_unreadable_sidecar() {
    for (what, content, reason) in unreadable_sidecars() {
        let dir = Dir::new();
        dir.fixture("budget.md");
        dir.write("budget.md.annotations.json", &content);
        let before = dir.listing();
        // (The edits refuse with exit 2; reanchor, a corpus command, skips it: exit 1.)
        let commands: [&[&str]; 5] = [
            &[
                "add",
                "budget.md",
                "--tag",
                "claim",
                "--quote",
                "Librarians disagreed",
            ],
            &["remove", "budget.md", "fxclaim01"],
            &["label", "budget.md", "status", "done"],
            &[
                "relate",
                "budget.md",
                "fxquote01",
                "attributed_to",
                "fxsrc01",
            ],
            &["reanchor", "budget.md"],
        ];
        for args in commands {
            let run = dir
                .run(args)
                .expect(if args[0] == "reanchor" { 1 } else { 2 });
            assert!(
                run.stderr.contains("budget.md.annotations.json"),
                "{what} {args:?}: {}",
                run.stderr
            );
            assert!(
                run.stderr.contains(reason),
                "{what} {args:?}: {}",
                run.stderr
            );
            assert!(
                run.stderr.contains("nothing was changed") || run.stderr.contains("left untouched"),
                "{what} {args:?}: {}",
                run.stderr
            );
            assert_eq!(
                dir.read_string("budget.md.annotations.json"),
                content,
                "{what} {args:?} wrote"
            );
            assert_eq!(dir.listing(), before, "{what} {args:?} left files behind");
        }
        dir.run(&["show", "budget.md"]).expect(2);
        dir.run(&["validate", "budget.md"]).expect(1);
        assert_eq!(dir.read_string("budget.md.annotations.json"), content);
    }
}

#[test]
fn a_newer_version_survives_a_changed_article() {
    let dir = Dir::new();
    dir.fixture("budget.md");
    let v2 = String::from_utf8(crate::util::fixture_bytes("budget.md.annotations.json"))
        .unwrap()
        .replace("\"version\": 1", "\"version\": 2");
    dir.write("budget.md.annotations.json", &v2);
    dir.write(
        "budget.md",
        format!("Preface.\n{}", dir.read_string("budget.md")),
    );
    for args in [
        &["reanchor", "."][..],
        &["reanchor", "budget.md.annotations.json"],
    ] {
        let run = dir.run(args).expect(1);
        assert!(
            run.stderr.contains("will not be overwritten"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(dir.read_string("budget.md.annotations.json"), v2);
}

#[test]
fn unknown_fields_survive_an_add() {
    let dir = Dir::new();
    dir.fixture("budget.md");
    dir.fixture("budget.md.annotations.json");
    let original = dir.read("budget.md.annotations.json");
    let id = add(
        &dir,
        "budget.md",
        "stance",
        &["--quote", "guts the shelves", "--attr", "polarity=against"],
    );

    let s = dir.read_json("budget.md.annotations.json");
    assert_eq!(
        s["x-project"],
        json!({"batch": 7, "reviewers": ["ana", "bo"]})
    );
    assert_eq!(s["article"]["encoding_hint"], "utf-8");
    let claim = annotation(&s, "fxclaim01");
    assert_eq!(claim["confidence"], json!(0.75));
    assert_eq!(claim["x-review"], json!({"by": "editor", "ok": true}));
    let keys: Vec<&String> = claim.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.last().map(|k| k.as_str()),
        Some("x-review"),
        "unknown fields come after the known ones"
    );
    assert_eq!(s["relations"][0]["weight"], 2);
    let top: Vec<&String> = s.as_object().unwrap().keys().collect();
    assert_eq!(
        top,
        [
            "format",
            "version",
            "article",
            "scheme",
            "labels",
            "annotations",
            "relations",
            "x-project"
        ]
    );
    assert_eq!(annotation(&s, &id)["text"], "guts the shelves");

    // Removing what was added gives back the very same bytes.
    dir.run(&["remove", "budget.md", &id]).expect(0);
    assert_eq!(dir.read("budget.md.annotations.json"), original);
}

/// `show`'s table keeps its columns in a terminal whatever the text: ids are padded like the
/// other fields, and CJK letters (two columns each) do not push the attributes out.
#[test]
fn show_keeps_its_columns_with_cjk_text() {
    let dir = Dir::new();
    dir.write(
        "cjk.txt",
        "Lin Xiao (林晓) said “船は来る” today. The mayor said “no”.\n",
    );
    add(&dir, "cjk.txt", "sourcing", &["--quote", "Lin Xiao (林晓)"]);
    add(&dir, "cjk.txt", "quote", &["--quote", "船は来る"]);
    add(&dir, "cjk.txt", "quote", &["--quote", "no"]);
    let out = dir.run(&["show", "cjk.txt"]).expect(0).stdout;
    let rows: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("ID"))
        .take(4)
        .collect();
    assert_eq!(rows.len(), 4, "{out}");
    // The display column where the last column starts, on the header and on every row.
    let column = |line: &str, at: usize| unicode_width::UnicodeWidthStr::width(&line[..at]);
    let header = column(rows[0], rows[0].find("ATTRIBUTES").unwrap());
    for row in &rows[1..] {
        let at = row.find("”  ").map(|i| i + "”  ".len()).unwrap();
        let at = at + row[at..].len() - row[at..].trim_start().len();
        assert_eq!(column(row, at), header, "{out}");
        assert_eq!(&row[10..12], "  ", "the id column is padded: {row:?}");
    }
}
