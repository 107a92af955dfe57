//! `tagline stats` on a small fixture corpus made here: figures pinned, in every output form,
//! and the incremental sums the window will use.

use serde_json::json;
use tagline::analysis::stats::{Stats, summarize_document};
use tagline::core::{Action, AttrValue, Document, LoadOptions, Status};

use crate::util::Dir;

/// Annotates `name` (written from `markup`) as `annotator`; `suggested` marks the spans by
/// index as suggestions; `status` sets the status label.
fn annotate(
    dir: &Dir,
    name: &str,
    markup: &str,
    annotator: &str,
    suggested: &[usize],
    status: Option<&str>,
) -> Vec<tagline::core::AnnotationId> {
    let (text, spans) = tagline::markup::parse(markup);
    dir.write(name, &text);
    let (mut doc, _) = Document::open(&dir.join(name), &LoadOptions::default()).unwrap();
    let mut ids = Vec::new();
    for (i, (tag, range)) in spans.into_iter().enumerate() {
        let action = Action::Add {
            tag,
            range,
            attributes: Default::default(),
            note: String::new(),
            status: suggested.contains(&i).then_some(Status::Suggested),
        };
        ids.push(
            doc.perform(action, annotator)
                .unwrap()
                .and_then(tagline::core::NewId::annotation)
                .unwrap(),
        );
    }
    if let Some(s) = status {
        doc.perform(
            Action::SetLabel {
                name: "status".into(),
                value: Some(AttrValue::Text(s.into())),
            },
            annotator,
        )
        .unwrap();
    }
    doc.save().unwrap();
    ids
}

/// Four articles: done, in progress (one suggestion), not started (its one annotation
/// orphaned since the article changed), and one without a sidecar.
fn corpus() -> Dir {
    let dir = Dir::new();
    let a = annotate(
        &dir,
        "news/a.txt",
        "[quote “We will build it,”] said [sourcing the minister]. [claim Costs doubled].",
        "ana",
        &[],
        Some("done"),
    );
    let (mut doc, _) = Document::open(&dir.join("news/a.txt"), &LoadOptions::default()).unwrap();
    doc.perform(
        Action::Relate {
            kind: "attributed_to".into(),
            from: a[0].clone(),
            to: a[1].clone(),
            note: String::new(),
        },
        "ana",
    )
    .unwrap();
    doc.perform(
        Action::SetAttribute {
            id: a[2].clone(),
            name: "type".into(),
            value: Some(AttrValue::Text("prediction".into())),
        },
        "ana",
    )
    .unwrap();
    doc.save().unwrap();
    annotate(
        &dir,
        "news/b.txt",
        "[claim Prices rose 4%] and [claim wages fell].",
        "bo",
        &[1],
        None,
    );
    annotate(
        &dir,
        "c.txt",
        "[claim Ferries stopped] at noon.",
        "ana",
        &[],
        Some("todo"),
    );
    dir.write("c.txt", "Buses ran at noon.");
    dir.write("news/d.txt", "Nothing here yet.");
    dir
}

#[test]
fn stats_json_pins_the_figures() {
    let dir = corpus();
    let run = dir.run(&["stats", ".", "--json"]).expect(0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        v["articles"],
        json!({"total": 4, "not_started": 2, "in_progress": 1, "done": 1,
               "by_status": {"": 2, "done": 1, "todo": 1}})
    );
    assert_eq!(
        v["annotations"],
        json!({"counted": 4, "suggested": 1, "orphaned": 1})
    );
    assert_eq!(v["relations"], 1);
    let claim = &v["tags"]["claim"];
    assert_eq!(
        (
            &claim["annotations"],
            &claim["articles"],
            &claim["by_annotator"]
        ),
        (&json!(2), &json!(2), &json!({"ana": 1, "bo": 1}))
    );
    assert_eq!(
        claim["attributes"]["type"],
        json!({
            "factual": {"annotations": 1, "articles": 1, "by_annotator": {"bo": 1}},
            "prediction": {"annotations": 1, "articles": 1, "by_annotator": {"ana": 1}},
        })
    );
    assert_eq!(
        v["tags"]["quote"]["attributes"]["kind"]["direct"]["annotations"],
        1
    );
    assert_eq!(v["tags"]["sourcing"]["annotations"], 1);
    assert_eq!(
        v["annotators"],
        json!({"ana": {"annotations": 3, "articles": 1}, "bo": {"annotations": 1, "articles": 1}})
    );
    // “We will build it,” 19, the minister 12, Costs doubled 13, Prices rose 4% 14.
    let l = &v["span_lengths"];
    assert_eq!(
        (
            &l["spans"],
            &l["min"],
            &l["median"],
            &l["p90"],
            &l["max"],
            &l["mean"]
        ),
        (
            &json!(4),
            &json!(12),
            &json!(13),
            &json!(19),
            &json!(19),
            &json!(14.5)
        )
    );
    assert_eq!(l["buckets"][1], json!({"min": 10, "max": 19, "count": 4}));
    assert_eq!(
        l["buckets"][7],
        json!({"min": 1000, "max": null, "count": 0})
    );
    assert_eq!(v["skipped"], 0);
    // The same figures, whichever way the corpus is named; and byte-identical every run.
    let again = dir
        .run(&["stats", "news", "c.txt.annotations.json", "--json"])
        .expect(0);
    assert_eq!(again.stdout, run.stdout);
}

#[test]
fn stats_csv_and_table() {
    let dir = corpus();
    let csv = dir.run(&["stats", ".", "--csv"]).expect(0).stdout;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "figure,tag,attribute,value,annotator,count");
    for row in [
        "articles,,,,,4",
        "articles_done,,,,,1",
        "suggested,,,,,1",
        "orphaned,,,,,1",
        "tag_annotations,claim,,,,2",
        "tag_annotations,claim,,,bo,1",
        "value_annotations,claim,type,prediction,ana,1",
        "annotator_articles,,,,ana,1",
        "span_length,,,10-19,,4",
    ] {
        assert!(lines.contains(&row), "{row} missing from\n{csv}");
    }
    assert!(!csv.contains('\r') && !csv.starts_with('\u{feff}'));
    let excel = dir
        .run(&["stats", ".", "--csv", "--excel"])
        .expect(0)
        .stdout;
    assert!(excel.starts_with("\u{feff}figure,") && excel.contains(",4\r\n"));
    let table = dir.run(&["stats", "."]).expect(0).stdout;
    assert!(
        table.starts_with(
            "4 articles: 2 not started, 1 in progress, 1 done\n\
             4 annotations counted; apart: 1 suggested, 1 orphaned; 1 relations; 2 annotators\n"
        ),
        "{table}"
    );
    assert!(
        table
            .contains("SPAN LENGTH (chars): 4 spans, min 12, median 13, p90 19, max 19, mean 14.5")
    );
    // -o writes the file, and nothing on stdout.
    let run = dir
        .run(&["stats", ".", "--json", "-o", "out.json"])
        .expect(0);
    assert!(run.stdout.is_empty());
    assert_eq!(dir.read_json("out.json")["articles"]["total"], 4);
}

#[test]
fn stats_reports_what_it_skipped() {
    let dir = corpus();
    dir.write("news/b.txt.annotations.json", "{ not json");
    let run = dir.run(&["stats", ".", "--json"]).expect(1);
    assert!(
        run.stderr.contains("b.txt.annotations.json") && run.stderr.contains("not counted"),
        "{}",
        run.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (&v["articles"]["total"], &v["skipped"]),
        (&json!(3), &json!(1))
    );
    let run = dir.run(&["stats", "missing-folder"]).expect(2);
    assert!(run.stderr.contains("missing-folder"), "{}", run.stderr);
}

#[test]
fn corpus_figures_follow_one_article_s_edits() {
    let dir = corpus();
    let open = |name: &str| {
        Document::open(&dir.join(name), &LoadOptions::default())
            .unwrap()
            .0
    };
    let names = ["news/a.txt", "news/b.txt", "c.txt", "news/d.txt"];
    let mut corpus = Stats::default();
    for n in names {
        corpus.add(&summarize_document(&open(n)));
    }
    let (all, problems, _) = tagline::cli::corpus_stats(
        &[dir.path().to_owned()],
        &LoadOptions::default(),
        &|_, _| {},
    );
    assert!(problems.is_empty());
    assert_eq!(all, corpus);
    // Edit one article: take its old summary out, put the new one in.
    let mut b = open("news/b.txt");
    let before = summarize_document(&b);
    let id = b.annotations()[0].id.clone();
    b.perform(Action::Remove { id }, "bo").unwrap();
    corpus.subtract(&before);
    corpus.add(&summarize_document(&b));
    b.save().unwrap();
    let (fresh, _, _) = tagline::cli::corpus_stats(
        &[dir.path().to_owned()],
        &LoadOptions::default(),
        &|_, _| {},
    );
    assert_eq!(corpus, fresh);
    assert_eq!(fresh.tags["claim"].annotations, 1);
}
