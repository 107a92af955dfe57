//! The sidecar format itself: fixtures, the JSON Schema in `annotations/sidecar.schema.json`,
//! and a snapshot pinning the layout the CLI writes.

use std::path::Path;

use serde_json::{Value, json};
use tagline::core::sidecar::SidecarData;
use tagline::core::validate::validate_data;
use tagline::core::{Article, LoadOptions, Scheme};

use crate::util::{
    Dir, assert_matches_schema, fixture_bytes, fixtures_dir, schema_errors, sidecar_schema,
};

/// Set this variable to rewrite snapshots instead of comparing with them.
const UPDATE: &str = "TAGLINE_UPDATE_SNAPSHOTS";

#[test]
fn fixtures_keep_their_bytes() {
    // If these fail, git or an editor rewrote the fixtures (see tests/fixtures/.gitattributes).
    let harbour = fixture_bytes("harbour.txt");
    assert!(
        harbour.starts_with(b"\xef\xbb\xbf"),
        "harbour.txt starts with a UTF-8 BOM"
    );
    let crlf = harbour.windows(2).filter(|w| w == b"\r\n").count();
    let lf = harbour.iter().filter(|&&b| b == b'\n').count();
    assert!(crlf > 0 && crlf == lf, "harbour.txt uses CRLF only");
    let budget = fixture_bytes("budget.md");
    assert!(!budget.starts_with(b"\xef\xbb\xbf") && !budget.contains(&b'\r'));
}

#[test]
fn fixture_sidecars_are_canonical_valid_and_match_the_schema() {
    let mut seen = 0;
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        let Some(article_path) = tagline::core::sidecar::article_path_of_sidecar(&path) else {
            continue;
        };
        seen += 1;
        let bytes = std::fs::read(&path).unwrap();
        let data = SidecarData::parse(&bytes, &path).unwrap();
        assert_eq!(
            data.to_json(),
            String::from_utf8(bytes.clone()).unwrap(),
            "{} is not in the form Tagline writes",
            path.display()
        );
        let article = Article::load(&article_path, &LoadOptions::default()).unwrap();
        let problems = validate_data(&article, &data, &Scheme::default_news());
        assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
        assert_matches_schema(
            &serde_json::from_slice(&bytes).unwrap(),
            &path.display().to_string(),
        );
    }
    assert!(seen >= 1);
}

#[test]
fn the_schema_is_a_2020_12_schema() {
    let schema = sidecar_schema();
    jsonschema::draft202012::meta::validate(&schema).expect("a valid draft 2020-12 schema");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["properties"]["format"]["const"],
        tagline::core::sidecar::FORMAT
    );
    assert_eq!(
        schema["properties"]["version"]["maximum"],
        tagline::core::sidecar::VERSION
    );
}

/// Edits a copy of `base` at a JSON pointer (`None` removes the field).
fn variant(base: &Value, pointer: &str, value: Option<Value>) -> Value {
    let mut v = base.clone();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = v.pointer_mut(parent).unwrap_or_else(|| panic!("{parent}"));
    match (target, value) {
        (Value::Object(m), Some(x)) => {
            m.insert(key.to_owned(), x);
        }
        (Value::Object(m), None) => {
            m.remove(key);
        }
        (Value::Array(a), Some(x)) => a[key.parse::<usize>().unwrap()] = x,
        (Value::Array(a), None) => {
            a.remove(key.parse::<usize>().unwrap());
        }
        (other, _) => panic!("{pointer} is inside {other}"),
    }
    v
}

#[test]
fn the_schema_accepts_exactly_what_tagline_reads() {
    let base: Value = serde_json::from_slice(&fixture_bytes("budget.md.annotations.json")).unwrap();
    let a0 = "/annotations/0";
    let r0 = "/relations/0";
    let accepted: Vec<(&str, Value)> = vec![
        ("the fixture", base.clone()),
        ("no scheme", variant(&base, "/scheme", None)),
        ("no labels", variant(&base, "/labels", None)),
        ("no annotations", variant(&base, "/annotations", None)),
        ("no relations", variant(&base, "/relations", None)),
        ("version 0", variant(&base, "/version", Some(json!(0)))),
        (
            "bare annotation",
            variant(
                &base,
                a0,
                Some(json!({"id": "x", "tag": "t", "start": 0, "end": 1, "text": "a"})),
            ),
        ),
        (
            "status null",
            variant(&base, "/annotations/0/status", Some(Value::Null)),
        ),
        (
            "each status",
            variant(&base, "/annotations/1/status", Some(json!("orphaned"))),
        ),
        (
            "fuzzy review",
            variant(
                &base,
                "/annotations/0/review",
                Some(json!({"reason": "fuzzy", "was": "old text"})),
            ),
        ),
        (
            "merge review",
            variant(
                &base,
                "/annotations/1/review",
                Some(json!({"reason": "merge-deleted", "other": "abc"})),
            ),
        ),
        (
            "review null",
            variant(&base, "/annotations/0/review", Some(Value::Null)),
        ),
        (
            "number attribute",
            variant(&base, "/annotations/0/attributes/score", Some(json!(-2.5))),
        ),
        (
            "list attribute",
            variant(
                &base,
                "/annotations/0/attributes/tags",
                Some(json!(["a", "b"])),
            ),
        ),
        (
            "empty list label",
            variant(&base, "/labels/topics", Some(json!([]))),
        ),
        (
            "unknown top-level field",
            variant(&base, "/x-new", Some(json!({"a": [null]}))),
        ),
        (
            "unknown article field",
            variant(&base, "/article/x-source", Some(json!("wire"))),
        ),
        (
            "article encoding",
            variant(&base, "/article/encoding", Some(json!("windows-1252"))),
        ),
        (
            "unknown annotation field",
            variant(&base, "/annotations/2/confidence", Some(json!(null))),
        ),
        (
            "unknown relation field",
            variant(&base, "/relations/1/weight", Some(json!([1, {}]))),
        ),
        (
            "merge review",
            variant(
                &base,
                "/annotations/0/review",
                Some(json!({"reason": "merge", "other": "k3v9q0m2xa"})),
            ),
        ),
        (
            "fuzzy review",
            variant(
                &base,
                "/annotations/1/review",
                Some(json!({"reason": "fuzzy", "was": "old text", "x-why": 1})),
            ),
        ),
        (
            "merge-deleted review",
            variant(
                &base,
                "/annotations/1/review",
                Some(json!({"reason": "merge-deleted"})),
            ),
        ),
        (
            "review null",
            variant(&base, "/annotations/0/review", Some(Value::Null)),
        ),
        (
            "merge record",
            variant(
                &base,
                "/merge",
                Some(json!({"labels": {"status": "done", "topics": ["a"]}})),
            ),
        ),
        (
            "empty merge record",
            variant(&base, "/merge", Some(json!({}))),
        ),
        ("merge null", variant(&base, "/merge", Some(Value::Null))),
        (
            "adjudication record",
            variant(
                &base,
                "/adjudication",
                Some(json!({"rejected": [
                    {"annotator": "ana", "id": "k3v9q0m2xa", "start": 0, "end": 4, "tag": "claim"}
                ]})),
            ),
        ),
        (
            "adjudication null",
            variant(&base, "/adjudication", Some(Value::Null)),
        ),
        (
            "bare relation",
            variant(
                &base,
                r0,
                Some(json!({"id": "r", "type": "t", "from": "a", "to": "b"})),
            ),
        ),
    ];
    let rejected: Vec<(&str, Value)> = vec![
        ("not an object", json!([base.clone()])),
        ("no format", variant(&base, "/format", None)),
        (
            "another format",
            variant(&base, "/format", Some(json!("other"))),
        ),
        ("no version", variant(&base, "/version", None)),
        (
            "version as text",
            variant(&base, "/version", Some(json!("1"))),
        ),
        ("newer version", variant(&base, "/version", Some(json!(2)))),
        ("no article", variant(&base, "/article", None)),
        (
            "rejected entry without id",
            variant(
                &base,
                "/adjudication",
                Some(json!({"rejected": [
                    {"annotator": "ana", "start": 0, "end": 4, "tag": "claim"}
                ]})),
            ),
        ),
        (
            "article without sha256",
            variant(&base, "/article/sha256", None),
        ),
        (
            "encoding as number",
            variant(&base, "/article/encoding", Some(json!(1252))),
        ),
        (
            "negative chars",
            variant(&base, "/article/chars", Some(json!(-1))),
        ),
        (
            "scheme as number",
            variant(&base, "/scheme", Some(json!(1))),
        ),
        (
            "labels as list",
            variant(&base, "/labels", Some(json!(["done"]))),
        ),
        (
            "null label",
            variant(&base, "/labels/status", Some(Value::Null)),
        ),
        (
            "object label",
            variant(&base, "/labels/status", Some(json!({"v": 1}))),
        ),
        (
            "annotations as object",
            variant(&base, "/annotations", Some(json!({}))),
        ),
        (
            "annotation without text",
            variant(&base, "/annotations/0/text", None),
        ),
        (
            "annotation without id",
            variant(&base, "/annotations/0/id", None),
        ),
        (
            "negative start",
            variant(&base, "/annotations/0/start", Some(json!(-1))),
        ),
        (
            "start as text",
            variant(&base, "/annotations/0/start", Some(json!("275"))),
        ),
        (
            "unknown status",
            variant(&base, "/annotations/0/status", Some(json!("maybe"))),
        ),
        (
            "review without reason",
            variant(&base, "/annotations/0/review", Some(json!({"was": "x"}))),
        ),
        (
            "unknown review reason",
            variant(
                &base,
                "/annotations/0/review",
                Some(json!({"reason": "guess"})),
            ),
        ),
        (
            "review as text",
            variant(&base, "/annotations/0/review", Some(json!("fuzzy"))),
        ),
        (
            "null note",
            variant(&base, "/annotations/0/note", Some(Value::Null)),
        ),
        (
            "object attribute",
            variant(
                &base,
                "/annotations/0/attributes/type",
                Some(json!({"a": 1})),
            ),
        ),
        (
            "list of numbers",
            variant(&base, "/annotations/0/attributes/type", Some(json!([1, 2]))),
        ),
        (
            "null attribute",
            variant(&base, "/annotations/0/attributes/type", Some(Value::Null)),
        ),
        (
            "review without reason",
            variant(&base, "/annotations/0/review", Some(json!({"other": "x"}))),
        ),
        (
            "unknown review reason",
            variant(
                &base,
                "/annotations/0/review",
                Some(json!({"reason": "later"})),
            ),
        ),
        (
            "review as text",
            variant(&base, "/annotations/0/review", Some(json!("merge"))),
        ),
        (
            "review other as number",
            variant(
                &base,
                "/annotations/0/review",
                Some(json!({"reason": "merge", "other": 3})),
            ),
        ),
        ("merge as list", variant(&base, "/merge", Some(json!([])))),
        (
            "merge labels as list",
            variant(&base, "/merge", Some(json!({"labels": ["done"]}))),
        ),
        (
            "null merge label",
            variant(&base, "/merge", Some(json!({"labels": {"status": null}}))),
        ),
        (
            "relation without to",
            variant(&base, "/relations/0/to", None),
        ),
        (
            "relation type as number",
            variant(&base, "/relations/0/type", Some(json!(3))),
        ),
    ];
    for (what, value) in accepted {
        let errors = schema_errors(&value);
        assert!(errors.is_empty(), "schema refuses {what}: {errors:?}");
        let bytes = serde_json::to_vec(&value).unwrap();
        if let Err(e) = SidecarData::parse(&bytes, Path::new("v.json")) {
            panic!("Tagline refuses {what}: {e}");
        }
    }
    for (what, value) in rejected {
        assert!(!schema_errors(&value).is_empty(), "schema accepts {what}");
        let bytes = serde_json::to_vec(&value).unwrap();
        assert!(
            SidecarData::parse(&bytes, Path::new("v.json")).is_err(),
            "Tagline reads {what}"
        );
    }
}

/// Replaces the random ids and the timestamps of a sidecar written now with stable names, so
/// that the rest of the file can be compared byte for byte.
fn normalize(sidecar: &str) -> String {
    let value: Value = serde_json::from_str(sidecar).unwrap();
    let mut out = sidecar.to_owned();
    let mut n = 0;
    for key in ["annotations", "relations"] {
        for item in value[key].as_array().unwrap() {
            n += 1;
            let id = item["id"].as_str().unwrap();
            out = out.replace(&format!("\"{id}\""), &format!("\"<id-{n}>\""));
        }
    }
    out.lines()
        .map(|line| {
            let trimmed = line.trim_start();
            for key in ["\"created\": \"", "\"modified\": \""] {
                if trimmed.starts_with(key) {
                    let indent = &line[..line.len() - trimmed.len()];
                    let comma = if trimmed.ends_with(',') { "," } else { "" };
                    return format!("{indent}{key}<timestamp>\"{comma}\n");
                }
            }
            format!("{line}\n")
        })
        .collect()
}

#[test]
fn the_cli_writes_the_pinned_layout() {
    let dir = Dir::new();
    dir.fixture("harbour.txt");
    let add = |args: &[&str]| {
        let mut all = vec!["add", "harbour.txt", "--annotator", "snap"];
        all.extend_from_slice(args);
        dir.run(&all).expect(0).line()
    };
    let source = add(&["--tag", "sourcing", "--quote", "陈静"]);
    let quote = add(&[
        "--tag",
        "quote",
        "--quote",
        "the cheapest insurance this town will ever buy.",
        "--attr",
        "speaker=Chen Jing",
        "--note",
        "leader of the council",
    ]);
    add(&[
        "--tag",
        "claim",
        "--quote",
        "£48\u{a0}million",
        "--attr",
        "checkworthy=true",
        "--status",
        "uncertain",
    ]);
    add(&[
        "--tag",
        "stance",
        "--quote",
        "wall of money",
        "--attr",
        "polarity=against",
        "--attr",
        "target=the barrier",
    ]);
    dir.run(&[
        "relate",
        "harbour.txt",
        &quote,
        "attributed_to",
        &source,
        "--annotator",
        "snap",
    ])
    .expect(0);
    dir.run(&["label", "harbour.txt", "status", "done"])
        .expect(0);

    let written = dir.read_string("harbour.txt.annotations.json");
    assert_matches_schema(
        &serde_json::from_str(&written).unwrap(),
        "the CLI's sidecar",
    );
    assert!(
        !written.contains('\r') && written.ends_with("}\n"),
        "LF line endings, final newline"
    );
    let actual = normalize(&written);
    let snapshot = fixtures_dir().join("snapshots/harbour.txt.sidecar.json");
    if std::env::var_os(UPDATE).is_some() {
        std::fs::create_dir_all(snapshot.parent().unwrap()).unwrap();
        std::fs::write(&snapshot, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with {UPDATE}=1 to create it",
            snapshot.display()
        )
    });
    if actual != expected {
        panic!(
            "the sidecar layout changed; if that is intended, run with {UPDATE}=1 and review the \
             diff of {}\n--- expected\n{expected}\n--- actual\n{actual}",
            snapshot.display()
        );
    }
}

#[test]
fn floats_survive_a_round_trip() {
    let json = String::from_utf8(fixture_bytes("budget.md.annotations.json"))
        .unwrap()
        .replace(
            "\"confidence\": 0.75",
            "\"confidence\": -1.4960027473620361e+249",
        );
    let data = SidecarData::parse(json.as_bytes(), Path::new("f.json")).unwrap();
    assert_eq!(data.to_json(), json);
}
