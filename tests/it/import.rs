//! `tagline import`, run as the real binary: our own `jsonl` round-trips; doccano, Prodigy,
//! Label Studio (annotations, predictions, old UTF-16 offsets) and brat fixtures whose text
//! has CRLF line ends, an emoji and CJK before the spans (offsets written by Python, checked
//! here with Python's `str` slicing); bad input reported per record with file and line; a
//! second import adds nothing.

use serde_json::Value;

use crate::util::{Dir, py_slice};

/// The annotations of a sidecar, by id.
fn annotations(dir: &Dir, sidecar: &str) -> Vec<Value> {
    let mut v = dir.read_json(sidecar)["annotations"]
        .as_array()
        .unwrap()
        .clone();
    v.sort_by_key(|a| a["start"].as_u64());
    v
}

/// (tag, text) of each annotation, checking that each sits on the article's text.
fn placed(dir: &Dir, article: &str) -> Vec<(String, String)> {
    let text = dir.read_string(article);
    annotations(dir, &format!("{article}.annotations.json"))
        .iter()
        .map(|a| {
            let (s, e) = (a["start"].as_u64().unwrap(), a["end"].as_u64().unwrap());
            let t = a["text"].as_str().unwrap();
            assert_eq!(py_slice(&text, s as usize, e as usize), t, "{a}");
            (a["tag"].as_str().unwrap().to_owned(), t.to_owned())
        })
        .collect()
}

fn by_text<'a>(anns: &'a [Value], text: &str) -> &'a Value {
    anns.iter()
        .find(|a| a["text"] == text)
        .unwrap_or_else(|| panic!("no annotation “{text}” in {anns:?}"))
}

#[test]
fn our_jsonl_round_trips() {
    let dir = Dir::new();
    dir.fixture_as("export/harbour.txt", "in/harbour.txt");
    dir.fixture_as(
        "export/harbour.txt.annotations.json",
        "in/harbour.txt.annotations.json",
    );
    dir.fixture_as("budget.md", "in/budget.md");
    dir.fixture_as(
        "budget.md.annotations.json",
        "in/budget.md.annotations.json",
    );
    dir.run(&[
        "export",
        "--format",
        "jsonl",
        "in",
        "-o",
        "out.jsonl",
        "--include-suggested",
    ])
    .expect(1); // the fixture's orphan is never exported
    dir.run(&["import", "--format", "jsonl", "out.jsonl", "--into", "back"])
        .expect(0);
    for name in ["harbour.txt", "budget.md"] {
        let before = dir.read_json(&format!("in/{name}.annotations.json"));
        let after = dir.read_json(&format!("back/{name}.annotations.json"));
        let key = |a: &Value| {
            [
                "id",
                "tag",
                "start",
                "end",
                "text",
                "attributes",
                "note",
                "annotator",
                "status",
                "entity",
            ]
            .map(|k| a.get(k).cloned().unwrap_or(Value::Null))
            .to_vec()
        };
        let counted = |sidecar: &Value| {
            let mut v: Vec<Vec<Value>> = sidecar["annotations"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["status"] != "orphaned")
                .map(key)
                .collect();
            v.sort_by_key(|k| k[0].to_string());
            v
        };
        assert_eq!(counted(&before), counted(&after), "{name}");
        assert!(!counted(&before).is_empty());
        let rels = |sidecar: &Value| {
            let mut v: Vec<Vec<Value>> = sidecar["relations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| ["id", "type", "from", "to"].map(|k| r[k].clone()).to_vec())
                .collect();
            v.sort_by_key(|k| k[0].to_string());
            v
        };
        let kept: Vec<String> = counted(&after).iter().map(|k| k[0].to_string()).collect();
        let before_rels: Vec<_> = rels(&before)
            .into_iter()
            .filter(|r| kept.contains(&r[2].to_string()) && kept.contains(&r[3].to_string()))
            .collect();
        assert_eq!(before_rels, rels(&after), "{name}");
        assert_eq!(before["labels"], after["labels"], "{name}");
        // The article is the exported text, and the origin says where it came from.
        assert_eq!(
            dir.read_string(&format!("back/{name}")),
            crate::util::python_text(&dir.read(&format!("in/{name}")))
        );
        let a = &after["annotations"][0];
        assert_eq!(a["origin"]["kind"], "import");
        assert_eq!(a["origin"]["format"], "jsonl");
        assert_eq!(a["origin"]["input"], "out.jsonl");
    }
    // A second import adds nothing and writes nothing.
    let sidecar = dir.read("back/harbour.txt.annotations.json");
    let again = dir
        .run(&["import", "--format", "jsonl", "out.jsonl", "--into", "back"])
        .expect(0);
    assert!(
        again.stderr.contains("imported 0 annotation(s)"),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains("already there"), "{}", again.stderr);
    assert_eq!(dir.read("back/harbour.txt.annotations.json"), sidecar);
    dir.run(&["validate", "back"]).expect(0);
}

#[test]
fn doccano_labels_are_mapped_or_reported() {
    let dir = Dir::new();
    dir.fixture_as("import/doccano.jsonl", "doccano.jsonl");
    let run = dir
        .run(&[
            "import",
            "--format",
            "jsonl",
            "doccano.jsonl",
            "--into",
            "a",
        ])
        .expect(1);
    assert!(
        run.stderr
            .contains("doccano.jsonl:1: span PERSON 19:33 not imported")
            && run.stderr.contains("--map PERSON=TAG")
            && run.stderr.contains("doccano.jsonl:2: span PERSON"),
        "{}",
        run.stderr
    );
    dir.run(&[
        "import",
        "--format",
        "jsonl",
        "doccano.jsonl",
        "--into",
        "b",
        "--map",
        "PERSON=sourcing",
    ])
    .expect(0);
    // Both lines hold the same text: one article, found by its text the second time.
    let got = placed(&dir, "b/doccano-0001.txt");
    assert_eq!(
        got,
        [
            ("sourcing", "陈静 (Chen Jing)"),
            ("quote", "We will build the wall."),
            ("claim", "Critics disagree 😀 strongly"),
            ("sourcing", "Ana Ruiz")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert!(!dir.exists("b/doccano-0002.txt"));
    let sidecar = dir.read_json("b/doccano-0001.txt.annotations.json");
    let anns = annotations(&dir, "b/doccano-0001.txt.annotations.json");
    let r = &sidecar["relations"][0];
    assert_eq!(
        r["from"],
        by_text(&anns, "Critics disagree 😀 strongly")["id"]
    );
    assert_eq!(r["to"], by_text(&anns, "Ana Ruiz")["id"]);
    // Twice: nothing new.
    let before = dir.read("b/doccano-0001.txt.annotations.json");
    dir.run(&[
        "import",
        "--format",
        "jsonl",
        "doccano.jsonl",
        "--into",
        "b",
        "--map",
        "PERSON=sourcing",
    ])
    .expect(0);
    assert_eq!(dir.read("b/doccano-0001.txt.annotations.json"), before);
}

#[test]
fn prodigy_accepted_answers_with_relations() {
    let dir = Dir::new();
    dir.fixture_as("import/prodigy.jsonl", "prodigy.jsonl");
    let run = dir
        .run(&[
            "import",
            "--format",
            "jsonl",
            "prodigy.jsonl",
            "--into",
            "out",
            "--json",
        ])
        .expect(1);
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["annotations"], 2);
    assert_eq!(summary["relations"], 1);
    assert_eq!(summary["problems"][0]["input"], "prodigy.jsonl");
    assert_eq!(summary["problems"][0]["line"], 2);
    assert!(
        run.stderr
            .contains("prodigy.jsonl:2: Prodigy answer `reject`")
    );
    let sidecar = dir.read_json("out/prodigy-0001.txt.annotations.json");
    let anns = annotations(&dir, "out/prodigy-0001.txt.annotations.json");
    assert_eq!(
        sidecar["relations"][0]["from"],
        by_text(&anns, "We will build the wall.")["id"]
    );
    assert!(!dir.exists("out/prodigy-0002.txt"));
}

#[test]
fn label_studio_annotations_predictions_and_old_utf16_offsets() {
    let dir = Dir::new();
    dir.fixture_as("import/label-studio.json", "export.json");
    dir.run(&[
        "import",
        "--format",
        "label-studio",
        "export.json",
        "--into",
        "out",
    ])
    .expect(0);
    let article = "out/export-41.txt";
    placed(&dir, article);
    let anns = annotations(&dir, &format!("{article}.annotations.json"));
    let q = by_text(&anns, "We will build the wall.");
    assert_eq!(q["id"], "reg-q");
    assert_eq!(q["annotator"], "ana@example.org");
    assert_eq!(q["created"], "2024-05-01T10:11:12Z");
    assert_eq!(q["modified"], "2024-05-02T10:11:12Z");
    assert_eq!(q["attributes"]["kind"], "direct");
    let p = by_text(&anns, "Critics disagree 😀 strongly");
    assert_eq!(p["status"], "suggested");
    assert_eq!(p["origin"]["model"], "ner-v2");
    assert_eq!(p["origin"]["record"], "task 41");
    // Task 42 (same text, so the same article) counted UTF-16 code units, as Label Studio
    // did before 2021: its region's own text says so.
    let a = by_text(&anns, "Ana Ruiz");
    assert_eq!(
        (a["start"].as_u64(), a["end"].as_u64()),
        (Some(102), Some(110))
    );
    assert_eq!(a["annotator"], "tester");
    let sidecar = dir.read_json(&format!("{article}.annotations.json"));
    assert_eq!(sidecar["relations"][0]["from"], "reg-q");
    assert_eq!(sidecar["relations"][0]["to"], "reg-s");
    assert!(!dir.exists("out/export-42.txt"));
    let before = dir.read(&format!("{article}.annotations.json"));
    dir.run(&[
        "import",
        "--format",
        "label-studio",
        "export.json",
        "--into",
        "out",
    ])
    .expect(0);
    assert_eq!(dir.read(&format!("{article}.annotations.json")), before);
}

#[test]
fn label_studio_round_trip_of_our_export() {
    let dir = Dir::new();
    dir.fixture_as("export/harbour.txt", "in/harbour.txt");
    dir.fixture_as(
        "export/harbour.txt.annotations.json",
        "in/harbour.txt.annotations.json",
    );
    dir.run(&[
        "export",
        "--format",
        "label-studio",
        "in",
        "-o",
        "ls",
        "--include-suggested",
    ])
    .expect(1);
    dir.run(&[
        "import",
        "--format",
        "label-studio",
        "ls/tasks.json",
        "--into",
        "back",
    ])
    .expect(0);
    let key = |a: &Value| {
        [
            "id",
            "tag",
            "start",
            "end",
            "text",
            "attributes",
            "note",
            "status",
        ]
        .map(|k| a.get(k).cloned().unwrap_or(Value::Null))
        .to_vec()
    };
    // Label Studio has no place for `uncertain` (predictions hold the suggested ones).
    let before: Vec<_> = annotations(&dir, "in/harbour.txt.annotations.json")
        .iter()
        .filter(|a| a["status"] != "orphaned")
        .map(|a| {
            let mut a = a.clone();
            if a["status"] == "uncertain" {
                a.as_object_mut().unwrap().remove("status");
            }
            key(&a)
        })
        .collect();
    let after: Vec<_> = annotations(&dir, "back/harbour.txt.annotations.json")
        .iter()
        .map(key)
        .collect();
    assert_eq!(before, after);
}

#[test]
fn brat_pairs_with_crlf_emoji_and_cjk() {
    let dir = Dir::new();
    dir.fixture_as("import/brat/harbour.txt", "brat/harbour.txt");
    dir.fixture_as("import/brat/harbour.ann", "brat/harbour.ann");
    dir.run(&[
        "import",
        "--format",
        "brat",
        "brat",
        "--into",
        "out",
        "--as-suggestions",
        "--model",
        "rules-1",
    ])
    .expect(0);
    assert_eq!(dir.read("out/harbour.txt"), dir.read("brat/harbour.txt"));
    let got = placed(&dir, "out/harbour.txt");
    assert_eq!(
        got,
        [
            ("sourcing", "陈静 (Chen Jing)"),
            ("quote", "We will build the wall."),
            ("claim", "Critics disagree 😀 strongly,\r\nsays Ana Ruiz.")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    let anns = annotations(&dir, "out/harbour.txt.annotations.json");
    for a in &anns {
        assert_eq!(a["status"], "suggested");
        assert_eq!(a["origin"]["format"], "brat");
        assert_eq!(a["origin"]["model"], "rules-1");
    }
    assert_eq!(anns[0]["note"], "the council leader");
    assert_eq!(anns[0]["origin"]["record"], "T1");
    assert_eq!(anns[1]["attributes"]["kind"], "direct");
    assert_eq!(anns[2]["attributes"]["checkworthy"], true);
    let sidecar = dir.read_json("out/harbour.txt.annotations.json");
    assert_eq!(sidecar["relations"][0]["from"], anns[1]["id"]);
    assert_eq!(sidecar["relations"][0]["to"], anns[0]["id"]);
    // Importing the collection into its own folder adds the sidecar beside the article.
    dir.run(&["import", "--format", "brat", "brat", "--into", "brat"])
        .expect(0);
    assert_eq!(placed(&dir, "brat/harbour.txt").len(), 3);
    let before = dir.read("brat/harbour.txt.annotations.json");
    dir.run(&["import", "--format", "brat", "brat", "--into", "brat"])
        .expect(0);
    assert_eq!(dir.read("brat/harbour.txt.annotations.json"), before);
}

/// Each problem line of stderr, `FILE:LINE: …`, as (file:line, message).
fn problems(stderr: &str) -> Vec<(String, String)> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("tagline: "))
        .filter_map(|l| {
            let (place, rest) = l.split_once(": ")?;
            place
                .rsplit_once(':')
                .filter(|(_, n)| n.parse::<usize>().is_ok())
                .map(|_| (place.to_owned(), rest.to_owned()))
        })
        .collect()
}

fn has(problems: &[(String, String)], place: &str, words: &str) -> bool {
    problems
        .iter()
        .any(|(p, m)| p == place && m.contains(words))
}

#[test]
fn bad_jsonl_is_reported_per_line_and_good_lines_import() {
    let dir = Dir::new();
    dir.write(
        "bad.jsonl",
        concat!(
            r#"{"text": "short text", "label": [[6, 40, "claim"]]}"#,
            "\n",
            r#"{"text": "short text", "spans": [{"start": 0, "end": 5, "label": "claim", "text": "shirt"}]}"#,
            "\n",
            r#"{"text": "short text", "spans": [{"start": 0, "#,
            "\n",
            r#"{"text": "short text", "label": [[0, 5, "ORG"]]}"#,
            "\n",
            r#"{"text": "short text", "label": [[6, 10, "claim"]]}"#,
            "\n",
            r#"{"spans": []}"#,
            "\n",
        ),
    );
    let run = dir
        .run(&["import", "--format", "jsonl", "bad.jsonl", "--into", "out"])
        .expect(1);
    let p = problems(&run.stderr);
    assert!(
        has(
            &p,
            "bad.jsonl:1",
            "span claim 6:40 not imported: span 6:40 is not inside the text"
        ),
        "{p:?}"
    );
    assert!(has(&p, "bad.jsonl:2", "says its text is “shirt”"), "{p:?}");
    assert!(has(&p, "bad.jsonl:3", "malformed JSON"), "{p:?}");
    assert!(has(&p, "bad.jsonl:4", "no tag `ORG`"), "{p:?}");
    assert!(has(&p, "bad.jsonl:6", "no `text`"), "{p:?}");
    assert_eq!(p.len(), 5, "{p:?}");
    // The good line imported (all good lines hold one text: one article).
    assert_eq!(
        placed(&dir, "out/bad-0001.txt"),
        [("claim".to_owned(), "text".to_owned())]
    );
}

#[test]
fn bad_label_studio_is_reported_per_task() {
    let dir = Dir::new();
    let task = |id: u32, start: u32, end: u32, text: &str, label: &str| {
        format!(
            r#"{{"id": {id}, "data": {{"text": "short text"}}, "annotations": [{{"result": [
              {{"id": "r{id}", "type": "labels", "value": {{"start": {start}, "end": {end}, "text": "{text}", "labels": ["{label}"]}}}}]}}]}}"#
        )
    };
    dir.write(
        "tasks.json",
        format!(
            "[\n{},\n{},\n{},\n{{\"id\": 4, \"data\": {{\"text\": \"short text\"}}, \"annotations\": [{{\"result\": [{{\"id\": }}]}}]}},\n{}\n]\n",
            task(1, 6, 40, "text", "claim"),
            task(2, 0, 5, "shirt", "claim"),
            task(3, 0, 5, "short", "ORG"),
            task(5, 6, 10, "text", "claim"),
        ),
    );
    dir.write("broken.json", "[{\"data\": {\"text\": \"x\"}}, ");
    let run = dir
        .run(&[
            "import",
            "--format",
            "label-studio",
            "tasks.json",
            "broken.json",
            "--into",
            "out",
        ])
        .expect(1);
    let p = problems(&run.stderr);
    assert!(
        has(&p, "tasks.json:2", "span claim 6:40 not imported"),
        "{p:?}"
    );
    assert!(has(&p, "tasks.json:4", "says its text is “shirt”"), "{p:?}");
    assert!(has(&p, "tasks.json:6", "no tag `ORG`"), "{p:?}");
    assert!(has(&p, "tasks.json:8", "task 4: malformed JSON"), "{p:?}");
    assert!(has(&p, "broken.json:1", "malformed JSON"), "{p:?}");
    assert_eq!(p.len(), 5, "{p:?}");
    assert_eq!(
        placed(&dir, "out/tasks-1.txt"),
        [("claim".to_owned(), "text".to_owned())]
    );
}

#[test]
fn bad_brat_is_reported_per_line() {
    let dir = Dir::new();
    dir.write("b/a.txt", "short text\r\n");
    dir.write(
        "b/a.ann",
        "T1\tclaim 6 40\ttext\nT2\tclaim 0 5\tshirt\nT3\tORG 0 5\tshort\nT4 claim 0 5 short\nT5\tclaim 6 10\ttext\nR1\tattributed_to Arg1:T5 Arg2:T9\n",
    );
    dir.write("b/orphan.ann", "T1\tclaim 0 1\tx\n");
    let run = dir
        .run(&[
            "import",
            "--format",
            "brat",
            "b",
            "b/orphan.ann",
            "--into",
            "out",
        ])
        .expect(1);
    let p = problems(&run.stderr);
    let ann = format!("b{}a.ann", std::path::MAIN_SEPARATOR);
    assert!(has(&p, &format!("{ann}:1"), "outside the text"), "{p:?}");
    assert!(
        has(&p, &format!("{ann}:2"), "says its text is “shirt”"),
        "{p:?}"
    );
    assert!(has(&p, &format!("{ann}:3"), "no tag `ORG`"), "{p:?}");
    assert!(has(&p, &format!("{ann}:4"), "malformed T line"), "{p:?}");
    assert!(has(&p, &format!("{ann}:6"), "no span `T9`"), "{p:?}");
    assert_eq!(p.len(), 5, "{p:?}");
    assert!(
        run.stderr.contains("b/orphan.ann: no orphan.txt"),
        "{}",
        run.stderr
    );
    assert_eq!(
        placed(&dir, "out/a.txt"),
        [("claim".to_owned(), "text".to_owned())]
    );
}

#[test]
fn an_existing_article_with_other_text_is_never_replaced() {
    let dir = Dir::new();
    dir.write("out/a.txt", "Another text entirely.");
    dir.write(
        "in.jsonl",
        r#"{"text": "short text", "meta": {"file": "a.txt"}, "spans": [{"start": 0, "end": 5, "label": "claim"}]}"#,
    );
    let run = dir
        .run(&["import", "--format", "jsonl", "in.jsonl", "--into", "out"])
        .expect(1);
    assert!(run.stderr.contains("in.jsonl:1:") && run.stderr.contains("exists with another text"));
    assert_eq!(dir.read_string("out/a.txt"), "Another text entirely.");
    assert!(!dir.exists("out/a.txt.annotations.json"));
    // Unsafe names are refused too.
    dir.write(
        "evil.jsonl",
        r#"{"text": "short text", "meta": {"file": "../escape.txt"}, "spans": []}"#,
    );
    dir.run(&["import", "--format", "jsonl", "evil.jsonl", "--into", "out"])
        .expect(1);
    assert!(!dir.exists("escape.txt"));
    // Missing input: nothing is written.
    dir.run(&[
        "import",
        "--format",
        "jsonl",
        "nope.jsonl",
        "--into",
        "fresh",
    ])
    .expect(2);
    assert!(!dir.exists("fresh"));
    dir.run(&[
        "import", "--format", "jsonl", "in.jsonl", "--into", "x", "--map", "nope",
    ])
    .expect(2);
}

/// An import that reads no record leaves no empty `--into` folder behind.
#[test]
fn an_import_of_nothing_makes_no_folder() {
    let dir = Dir::new();
    dir.write("empty.jsonl", "");
    let run = dir.run(&[
        "import",
        "--format",
        "jsonl",
        "empty.jsonl",
        "--into",
        "new",
    ]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(!dir.join("new").exists(), "{}", run.stderr);
}
