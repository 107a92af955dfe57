//! `tagline export`, run as the real binary on the export fixture (BOM, CRLF, curly quotes,
//! NBSP, an emoji and CJK before spans; an orphaned, a suggested and an off-token annotation):
//! every format's offsets checked against the article's exact text as Python reads it.

use serde_json::Value;

use crate::util::{Dir, py_slice, python_text};

/// A folder with the export fixture and the budget article, and the fixture's text.
fn corpus() -> (Dir, String) {
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
    let text = python_text(&dir.read("in/harbour.txt"));
    assert!(text.contains("\r\n") && text.contains('\u{a0}') && text.contains('🚢'));
    (dir, text)
}

/// The fixture sidecar's annotations that count: (start, end, tag, text, id).
fn counted(dir: &Dir) -> Vec<(usize, usize, String, String, String)> {
    let sidecar = dir.read_json("in/harbour.txt.annotations.json");
    let mut out: Vec<_> = sidecar["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| !matches!(a["status"].as_str(), Some("orphaned" | "suggested")))
        .map(|a| {
            (
                a["start"].as_u64().unwrap() as usize,
                a["end"].as_u64().unwrap() as usize,
                a["tag"].as_str().unwrap().to_owned(),
                a["text"].as_str().unwrap().to_owned(),
                a["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn lines(dir: &Dir, name: &str) -> Vec<Value> {
    dir.read_string(name)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn harbour(records: &[Value]) -> &Value {
    records
        .iter()
        .find(|r| r["meta"]["file"] == "harbour.txt")
        .expect("a harbour.txt record")
}

fn spans_of(record: &Value) -> Vec<(usize, usize, String, String, String)> {
    let mut out: Vec<_> = record["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
                s["label"].as_str().unwrap().to_owned(),
                s["text"].as_str().unwrap().to_owned(),
                s["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn jsonl_offsets_are_code_points_of_the_exact_text() {
    let (dir, text) = corpus();
    let run = dir.run(&["export", "--format", "jsonl", "in", "-o", "out.jsonl"]);
    // The orphaned annotation is a skipped record: exit code 1, and the summary says so.
    let run = run.expect(1);
    assert!(run.stderr.contains("1 orphaned"), "{}", run.stderr);
    assert!(run.stderr.contains("1 suggested"), "{}", run.stderr);
    let records = lines(&dir, "out.jsonl");
    assert_eq!(records.len(), 2);
    let h = harbour(&records);
    assert_eq!(h["text"], text.as_str());
    let spans = spans_of(h);
    assert_eq!(spans, counted(&dir));
    for (start, end, _, t, _) in &spans {
        assert_eq!(&py_slice(&text, *start, *end), t);
    }
    assert_eq!(h["relations"].as_array().unwrap().len(), 4);
    assert_eq!(h["meta"]["sha256"].as_str().unwrap().len(), 64);
    // Deterministic: the same bytes again.
    let again = dir.run(&["export", "--format", "jsonl", "in", "-o", "again.jsonl"]);
    assert_eq!(again.code, 1);
    assert_eq!(dir.read("out.jsonl"), dir.read("again.jsonl"));
    // With --include-suggested, the suggestion is there.
    dir.run(&[
        "export",
        "--format",
        "jsonl",
        "in",
        "-o",
        "s.jsonl",
        "--include-suggested",
    ]);
    assert_eq!(
        spans_of(harbour(&lines(&dir, "s.jsonl"))).len(),
        spans.len() + 1
    );
}

#[test]
fn spacy_tokens_and_spans_sit_on_the_text() {
    let (dir, text) = corpus();
    let run = dir
        .run(&["export", "--format", "spacy", "in", "-o", "s.jsonl"])
        .expect(1);
    // The span off token boundaries is reported with file, id and text.
    assert!(
        run.stderr.contains("harbour.txt")
            && run.stderr.contains("not on token boundaries")
            && run.stderr.contains("“unconvinc”"),
        "{}",
        run.stderr
    );
    let h = harbour(&lines(&dir, "s.jsonl")).clone();
    let tokens = h["tokens"].as_array().unwrap();
    for t in tokens {
        let (s, e) = (
            t["start"].as_u64().unwrap() as usize,
            t["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(py_slice(&text, s, e), t["text"].as_str().unwrap());
        assert!(!t["text"].as_str().unwrap().chars().any(char::is_whitespace));
    }
    let starts: Vec<usize> = tokens
        .iter()
        .map(|t| t["start"].as_u64().unwrap() as usize)
        .collect();
    let ends: Vec<usize> = tokens
        .iter()
        .map(|t| t["end"].as_u64().unwrap() as usize)
        .collect();
    let spans = spans_of(&h);
    assert_eq!(spans.len(), counted(&dir).len() - 1);
    for (start, end, _, t, _) in &spans {
        assert_eq!(&py_slice(&text, *start, *end), t);
        assert!(starts.contains(start) && ends.contains(end), "{t}");
    }
    assert!(spans.iter().any(|s| s.3 == "陈静 (Chen Jing)"));
}

#[test]
fn conll_columns_tags_and_documents() {
    let (dir, text) = corpus();
    dir.run(&["export", "--format", "conll", "in", "-o", "out.conll"])
        .expect(1);
    let out = dir.read_string("out.conll");
    assert_eq!(out.matches("-DOCSTART- -X- O O\n").count(), 2);
    // The harbour block: its tokens are the text's non-space pieces, in order.
    let block = out.split("-DOCSTART- -X- O O\n").nth(2).unwrap();
    let rows: Vec<Vec<&str>> = block
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split(' ').collect())
        .collect();
    assert!(
        rows.iter()
            .all(|r| r.len() == 4 && r[1] == "-X-" && r[2] == "_")
    );
    let joined: String = rows.iter().map(|r| r[0]).collect();
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(joined, squeezed);
    let tags: Vec<&str> = rows.iter().map(|r| r[3]).collect();
    // IOB2: a span starts with B-; 陈 静 ( Chen Jing ) is one sourcing span.
    let i = rows.iter().position(|r| r[0] == "陈").unwrap();
    assert_eq!(
        &tags[i..i + 6],
        [
            "B-sourcing",
            "I-sourcing",
            "I-sourcing",
            "I-sourcing",
            "I-sourcing",
            "I-sourcing"
        ]
    );
    // The outer claim wins over the £48 million inside it.
    let pound = rows.iter().position(|r| r[0] == "£").unwrap();
    assert_eq!(tags[pound], "I-claim");
    dir.run(&[
        "export",
        "--format",
        "conll",
        "--iob1",
        "in",
        "-o",
        "iob1.conll",
    ])
    .expect(1);
    let iob1 = dir.read_string("iob1.conll");
    assert!(iob1.contains("陈 -X- _ I-sourcing") && !iob1.contains("B-"));
    dir.run(&[
        "export", "--format", "conll", "--layers", "in", "-o", "layers",
    ])
    .expect(1);
    let claim = dir.read_string("layers/claim.conll");
    assert!(claim.contains("£ -X- _ I-claim"));
    assert!(dir.exists("layers/sourcing.conll") && dir.exists("layers/quote.conll"));
    // A folder output is refused when not empty, unless --force.
    let again = dir.run(&[
        "export", "--format", "conll", "--layers", "in", "-o", "layers",
    ]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    dir.run(&[
        "export", "--format", "conll", "--layers", "in", "-o", "layers", "--force",
    ])
    .expect(1);
}

/// Rows of an RFC 4180 CSV text.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn csv_rows_hold_exact_offsets() {
    let (dir, text) = corpus();
    dir.run(&["export", "--format", "csv", "in", "-o", "out.csv"])
        .expect(1);
    let bytes = dir.read("out.csv");
    assert!(!bytes.starts_with(b"\xef\xbb\xbf"));
    let rows = parse_csv(&String::from_utf8(bytes).unwrap());
    let header = &rows[0];
    assert_eq!(&header[..6], ["file", "id", "tag", "start", "end", "text"]);
    assert_eq!(
        &header[header.len() - 4..],
        ["other_attributes", "note", "annotator", "status"]
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut n = 0;
    for r in rows[1..].iter().filter(|r| r[0] == "harbour.txt") {
        let (s, e) = (r[3].parse().unwrap(), r[4].parse().unwrap());
        assert_eq!(py_slice(&text, s, e), r[5]);
        n += 1;
        if r[1] == "kv5n4a412d" {
            assert_eq!(r[col("note")], "leader\r\nof the council");
            assert_eq!(r[col("identity")], "named");
        }
    }
    assert_eq!(n, counted(&dir).len());
    dir.run(&["export", "--format", "csv", "--excel", "in", "-o", "x.csv"]);
    let x = dir.read("x.csv");
    assert!(x.starts_with(b"\xef\xbb\xbf") && x.windows(2).any(|w| w == b"\r\n"));
}

#[test]
fn stdout_missing_paths_and_folder_formats() {
    let (dir, _) = corpus();
    let run = dir
        .run(&["export", "--format", "jsonl", "in/budget.md", "-o", "-"])
        .expect(0);
    assert_eq!(run.stdout.lines().count(), 1);
    let run = dir.run(&["export", "--format", "jsonl", "gone", "-o", "x.jsonl"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("tagline: ") && run.stderr.contains("gone"));
    assert!(!dir.exists("x.jsonl"));
    let run = dir.run(&["export", "--format", "conll", "--layers", "in", "-o", "-"]);
    assert_eq!(run.code, 2);
}

/// UTF-16 length of the first `chars` code points of `text`, counted without Tagline's code.
fn utf16_at(text: &str, chars: usize) -> usize {
    text.chars().take(chars).map(char::len_utf16).sum()
}

#[test]
fn brat_txt_is_the_text_and_t_lines_its_slices() {
    let (dir, text) = corpus();
    dir.run(&["export", "--format", "brat", "in", "-o", "brat"])
        .expect(1);
    assert_eq!(dir.read_string("brat/harbour.txt"), text);
    assert!(dir.exists("brat/budget.txt") && dir.exists("brat/budget.ann"));
    assert!(
        dir.read_string("brat/annotation.conf")
            .contains("[entities]\nclaim\n")
    );
    assert!(
        dir.read_string("brat/visual.conf")
            .contains("claim\tbgColor:#f2c14e")
    );
    let ann = dir.read_string("brat/harbour.ann");
    let mut t_lines = 0;
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (tag_offsets, covered) = (cols[1], cols[2]);
        let frags: Vec<String> = tag_offsets
            .split_once(' ')
            .unwrap()
            .1
            .split(';')
            .map(|f| {
                let (s, e) = f.split_once(' ').unwrap();
                py_slice(&text, s.parse().unwrap(), e.parse().unwrap())
            })
            .collect();
        assert_eq!(frags.join(" "), covered, "{line}");
        t_lines += 1;
    }
    assert_eq!(t_lines, counted(&dir).len());
    assert!(ann.contains("\tAnnotatorNotes T1\tleader of the council"));
    assert!(
        ann.lines()
            .any(|l| l.starts_with('R') && l.contains("attributed_to Arg1:"))
    );
}

#[test]
fn label_studio_regions_in_code_points() {
    let (dir, text) = corpus();
    dir.run(&[
        "export",
        "--format",
        "label-studio",
        "in",
        "--include-suggested",
        "-o",
        "ls",
    ])
    .expect(1);
    let tasks = dir.read_json("ls/tasks.json");
    let task = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["data"]["file"] == "harbour.txt")
        .unwrap();
    assert_eq!(task["data"]["text"], text.as_str());
    let regions: Vec<&Value> = task["annotations"][0]["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "labels")
        .collect();
    assert_eq!(regions.len(), counted(&dir).len());
    for r in regions {
        let v = &r["value"];
        let (s, e) = (
            v["start"].as_u64().unwrap() as usize,
            v["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(py_slice(&text, s, e), v["text"].as_str().unwrap());
    }
    // The suggestion is a prediction; its relation goes with it.
    let pred = &task["predictions"][0]["result"];
    assert_eq!(
        pred[0]["value"]["text"],
        "the first phase could slip to 2027"
    );
    let config = dir.read_string("ls/config.xml");
    assert!(config.contains("<Labels name=\"label\" toName=\"text\">"));
    assert!(config.contains("<Choices name=\"claim.type\""));
}

#[test]
fn inception_offsets_are_utf16_code_units() {
    let (dir, text) = corpus();
    dir.run(&["export", "--format", "inception", "in", "-o", "inc"])
        .expect(1);
    let cas = dir.read_json("inc/harbour.txt.json");
    assert_eq!(cas["%FEATURE_STRUCTURES"][0]["sofaString"], text.as_str());
    assert!(cas["%TYPES"]["webanno.custom.Tagline"]["checkworthy"]["%RANGE"] == "uima.cas.Boolean");
    let want = counted(&dir);
    let mut after_emoji = 0;
    for (start, end, tag, _, id) in &want {
        let fs = cas["%FEATURE_STRUCTURES"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["taglineId"] == id.as_str())
            .unwrap();
        assert_eq!(
            fs["begin"].as_u64().unwrap() as usize,
            utf16_at(&text, *start)
        );
        assert_eq!(fs["end"].as_u64().unwrap() as usize, utf16_at(&text, *end));
        assert_eq!(fs["label"], tag.as_str());
        after_emoji += usize::from(utf16_at(&text, *start) != *start);
    }
    assert!(after_emoji >= 2, "the fixture has spans after an emoji");
    let relations = cas["%FEATURE_STRUCTURES"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["%TYPE"] == "webanno.custom.TaglineRelation")
        .count();
    assert_eq!(relations, 4);
}

#[test]
fn w3c_selectors_quote_the_text() {
    let (dir, text) = corpus();
    dir.run(&["export", "--format", "w3c", "in", "-o", "w3c.jsonld"])
        .expect(1);
    let col = dir.read_json("w3c.jsonld");
    assert_eq!(col["@context"], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(col["type"], "AnnotationCollection");
    let items = col["first"]["items"].as_array().unwrap();
    assert_eq!(col["total"].as_u64().unwrap() as usize, items.len());
    let mut n = 0;
    for it in items
        .iter()
        .filter(|i| i["target"]["source"]["label"] == "harbour.txt")
    {
        let sel = it["target"]["selector"].as_array().unwrap();
        let (quote, pos) = (&sel[0], &sel[1]);
        assert_eq!(quote["type"], "TextQuoteSelector");
        let (s, e) = (
            pos["start"].as_u64().unwrap() as usize,
            pos["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(py_slice(&text, s, e), quote["exact"].as_str().unwrap());
        let prefix = quote["prefix"].as_str().unwrap();
        assert_eq!(py_slice(&text, s - prefix.chars().count(), s), prefix);
        assert_eq!(it["body"][0]["purpose"], "tagging");
        assert!(it["id"].as_str().unwrap().starts_with("urn:tagline:"));
        n += 1;
    }
    assert_eq!(n, counted(&dir).len());
}
