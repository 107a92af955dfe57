//! `tagline story` on the five-outlet fixture (`tests/fixtures/story/`, built by its
//! `make.sh`): the expected groups of `expected.json` found (≥ 90%), no member wrongly grouped,
//! members missed listed; unrelated sentences that share common words stay apart; the JSON
//! offsets hold their text (checked with Python's `str` slicing, not Tagline's offset code).

use std::path::Path;

use serde_json::Value;
use tagline::analysis::story::{self, Options, Story, StoryArticle};
use tagline::core::{CharRange, Document, LoadOptions};

use crate::util::{Dir, fixtures_dir, py_find, py_slice, python_text};

const ARTICLES: [&str; 5] = [
    "bayside.md",
    "coastline.md",
    "gazette.md",
    "ledger.md",
    "radionorth.md",
];

fn expected() -> Value {
    let text = std::fs::read_to_string(fixtures_dir().join("story/expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn story_of_fixture() -> Story {
    let dir = fixtures_dir().join("story");
    let docs: Vec<(String, Document, String)> = ARTICLES
        .iter()
        .map(|name| {
            let (doc, report) = Document::open(&dir.join(name), &LoadOptions::default()).unwrap();
            assert!(report.sidecar_problem.is_none(), "{name}");
            let outlet = story::outlet(&doc.article);
            ((*name).to_owned(), doc, outlet)
        })
        .collect();
    let input: Vec<StoryArticle<'_>> = docs
        .iter()
        .map(|(name, doc, outlet)| StoryArticle {
            name,
            outlet,
            text: &doc.article.text,
            annotations: doc.annotations(),
            relations: doc.relations(),
        })
        .collect();
    story::group(&input, Options::default(), &mut |_, _| {})
}

/// Where `text` is in fixture article `article` (it must occur once).
fn place(article: &str, text: &str) -> CharRange {
    let full = python_text(&std::fs::read(fixtures_dir().join("story").join(article)).unwrap());
    let (s, e) = py_find(&full, text, 1).unwrap_or_else(|| panic!("{article}: {text:?}"));
    assert!(
        py_find(&full, text, 2).is_none(),
        "{article}: {text:?} twice"
    );
    CharRange::new(s, e)
}

fn same_place(a: CharRange, b: CharRange) -> bool {
    let shared = a.intersection(&b).map_or(0, |r| r.len());
    2 * shared > a.len().max(b.len())
}

#[test]
fn finds_the_expected_groups_of_five_outlets() {
    let story = story_of_fixture();
    let articles = &story.articles;
    let exp = expected();
    let groups = exp["groups"].as_array().unwrap();
    // Every produced member: (group, article name, range, annotated).
    let produced: Vec<(usize, &str, CharRange, bool, &str)> = story
        .groups
        .iter()
        .enumerate()
        .flat_map(|(g, grp)| {
            grp.members.iter().map(move |m| {
                (
                    g,
                    articles[m.article].name.as_str(),
                    m.range,
                    m.annotation.is_some(),
                    m.text.as_str(),
                )
            })
        })
        .collect();
    // The expected group of each produced member (None: expected alone / not expected).
    let expected_of = |article: &str, r: CharRange| -> Option<usize> {
        groups.iter().position(|g| {
            g["members"].as_array().unwrap().iter().any(|m| {
                m["article"] == article
                    && same_place(place(article, m["text"].as_str().unwrap()), r)
            })
        })
    };
    let mut found_groups = 0;
    let mut missed: Vec<String> = Vec::new();
    for g in groups {
        let members = g["members"].as_array().unwrap();
        // The produced group holding most of this expected group's members.
        let mut hits: Vec<Option<usize>> = Vec::new();
        for m in members {
            let (a, t) = (m["article"].as_str().unwrap(), m["text"].as_str().unwrap());
            let r = place(a, t);
            hits.push(
                produced
                    .iter()
                    .find(|p| p.1 == a && same_place(p.2, r))
                    .map(|p| p.0),
            );
            let annotated = m.get("annotated").and_then(Value::as_bool).unwrap_or(true);
            if let Some(p) = produced.iter().find(|p| p.1 == a && same_place(p.2, r)) {
                assert_eq!(p.3, annotated, "{a}: {t:?}: annotated or found");
            }
        }
        let mut counts = std::collections::BTreeMap::new();
        for h in hits.iter().flatten() {
            *counts.entry(*h).or_insert(0) += 1;
        }
        let main = counts.iter().max_by_key(|(_, n)| **n).map(|(g, _)| *g);
        for (m, h) in members.iter().zip(&hits) {
            if main.is_none() || *h != main {
                missed.push(format!(
                    "{} / {}: {:?}",
                    g["name"].as_str().unwrap(),
                    m["article"].as_str().unwrap(),
                    m["text"].as_str().unwrap()
                ));
            }
        }
        if main.is_some() && hits.iter().all(|h| *h == main) {
            found_groups += 1;
        }
    }
    // Wrongly grouped: a member whose expected group differs from its group's (most common)
    // expected group, or that is expected alone but shares a group.
    let mut wrong: Vec<String> = Vec::new();
    for (g, grp) in story.groups.iter().enumerate() {
        let mine: Vec<_> = produced.iter().filter(|p| p.0 == g).collect();
        let labels: Vec<Option<usize>> = mine.iter().map(|p| expected_of(p.1, p.2)).collect();
        let mut counts = std::collections::BTreeMap::new();
        for l in labels.iter().flatten() {
            *counts.entry(*l).or_insert(0) += 1;
        }
        let main = counts.iter().max_by_key(|(_, n)| **n).map(|(l, _)| *l);
        for (p, l) in mine.iter().zip(&labels) {
            let alone = grp.members.len() == 1;
            if (l.is_none() && !alone) || (l.is_some() && *l != main) {
                wrong.push(format!("group {}: {} {:?}", g + 1, p.1, p.4));
            }
        }
    }
    let share = found_groups as f64 / groups.len() as f64;
    println!(
        "story fixture: expected groups found {found_groups} of {} ({:.0}%), members wrongly grouped {}, members missed {}",
        groups.len(),
        100.0 * share,
        wrong.len(),
        missed.len()
    );
    for w in &wrong {
        println!("  wrongly grouped: {w}");
    }
    for m in &missed {
        println!("  missed: {m}");
    }
    assert!(share >= 0.9, "found {found_groups} of {}", groups.len());
    assert!(wrong.is_empty(), "wrongly grouped: {wrong:#?}");

    // A member's pieces, without the words it leaves out, are its text.
    for g in &story.groups {
        for m in &g.members {
            let shown: String = m
                .diff
                .iter()
                .filter_map(|p| match p {
                    story::Piece::Same(s) | story::Piece::Changed(s) => Some(s.as_str()),
                    story::Piece::Missing(_) => None,
                })
                .collect();
            assert_eq!(shown, m.text);
        }
    }
    // The findings a class would read.
    let idx = |name: &str| story.articles.iter().position(|a| a.name == name).unwrap();
    let mayor = &story.groups[0];
    assert_eq!(mayor.articles.len(), 5);
    let names: Vec<&str> = mayor
        .members
        .iter()
        .filter_map(|m| m.source.as_ref().map(|s| s.name()))
        .collect();
    assert!(names.contains(&"Tom Okafor") && names.contains(&"Dana Whitlock"));
    let radio = idx("radionorth.md");
    assert_eq!(story.articles[radio].outlet, "Radio North"); // front matter `provider`
    // The Ledger and the Post leave out the closure date that three of the four others carry.
    for a in ["ledger.md", "bayside.md"] {
        let left: Vec<&str> = story.findings[idx(a)]
            .left_out
            .iter()
            .map(|&g| story.groups[g].members[0].text.as_str())
            .collect();
        assert!(left.iter().any(|t| t.contains("3 March")), "{a}: {left:?}");
    }
    let only: Vec<&str> = story.findings[idx("ledger.md")]
        .only_here
        .iter()
        .map(|&g| story.groups[g].members[0].text.as_str())
        .collect();
    assert!(
        only.contains(&"The bridge was last repaired in 1998"),
        "{only:?}"
    );
    let caldwell = story
        .sources
        .iter()
        .find(|s| s.name == "Ruth Caldwell")
        .unwrap();
    assert_eq!(caldwell.articles, [idx("ledger.md")]);
    let whitlock = story
        .sources
        .iter()
        .find(|s| s.name == "Dana Whitlock")
        .unwrap();
    assert_eq!(whitlock.articles.len(), 4);
}

#[test]
fn unrelated_sentences_sharing_common_words_are_not_grouped() {
    let story = story_of_fixture();
    for n in expected()["not_grouped"].as_array().unwrap() {
        let (a, t) = (n["article"].as_str().unwrap(), n["text"].as_str().unwrap());
        let r = place(a, t);
        for g in &story.groups {
            for m in &g.members {
                if story.articles[m.article].name == a && m.range.overlaps(&r) {
                    assert_eq!(
                        g.members.len(),
                        1,
                        "{a}: {t:?} was grouped with {:#?}",
                        g.members
                    );
                }
            }
        }
    }
}

#[test]
fn the_cli_writes_json_csv_and_html_whose_offsets_hold_their_text() {
    let dir = Dir::new();
    for name in ARTICLES {
        dir.fixture_as(&format!("story/{name}"), &format!("story/{name}"));
        let sc = format!("story/{name}.annotations.json");
        dir.fixture_as(&sc, &sc);
    }
    let run = dir.run(&["story", "story", "--json"]).expect(0);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let mut members = 0;
    for g in json["groups"].as_array().unwrap() {
        assert!(matches!(g["kind"].as_str(), Some("quote" | "claim")));
        for m in g["members"].as_array().unwrap() {
            members += 1;
            let keys: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                ["article", "start", "end", "text", "annotation", "source"]
            );
            let article = m["article"].as_str().unwrap();
            let text = python_text(&dir.read(&format!("story/{article}")));
            let (s, e) = (m["start"].as_u64().unwrap(), m["end"].as_u64().unwrap());
            assert_eq!(
                py_slice(&text, s as usize, e as usize),
                m["text"].as_str().unwrap(),
                "{m}"
            );
        }
    }
    assert!(members >= 20, "{members}");
    // Byte-identical on a second run.
    assert_eq!(
        dir.run(&["story", "story", "--json"]).expect(0).stdout,
        run.stdout
    );

    let csv = dir.run(&["story", "story", "--csv"]).expect(0).stdout;
    assert!(csv.starts_with("group,kind,carried_by,article,outlet,start,end,text,"));
    assert_eq!(csv.lines().count(), members + 1, "{csv}");

    dir.run(&["story", "story", "--html", "page.html"])
        .expect(0);
    let page = dir.read_string("page.html");
    assert!(page.contains("Tom Okafor") && page.contains("Radio North"));
    assert!(!page.contains("http") && !page.contains("<script") && !page.contains("src="));
    // Not replaced without --force; nothing half-written left beside it.
    dir.run(&["story", "story", "--html", "page.html"])
        .expect(2);
    dir.run(&["story", "story", "--html", "page.html", "--force"])
        .expect(0);
    dir.run(&["story", "story", "--csv", "-o", "members.csv"])
        .expect(0);
    assert_eq!(dir.read_string("members.csv"), csv);
    let listing: Vec<String> = dir
        .listing()
        .into_iter()
        .filter(|n| n != ".config")
        .collect();
    assert_eq!(listing, ["members.csv", "page.html", "story"]);
    assert!(Path::new(&dir.join("story")).is_dir());
}

#[test]
fn orphaned_and_suggested_quotes_are_left_out_and_counted() {
    let dir = Dir::new();
    dir.write(
        "a.txt",
        "“We will not condone cutting corners on safety,” the mayor said.\n",
    );
    dir.write(
        "b.txt",
        "The mayor said she “will not condone cutting corners on safety”.\n",
    );
    for (f, q) in [
        ("a.txt", "We will not condone cutting corners on safety"),
        ("b.txt", "will not condone cutting corners on safety"),
    ] {
        dir.run(&[
            "add",
            f,
            "--tag",
            "quote",
            "--quote",
            q,
            "--status",
            "suggested",
        ])
        .expect(0);
    }
    let run = dir.run(&["story", ".", "--json"]).expect(0);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["groups"].as_array().unwrap().len(), 0, "{json}");
    assert!(run.stderr.contains("2 suggested"), "{}", run.stderr);
    let run = dir
        .run(&["story", ".", "--json", "--include-suggested"])
        .expect(0);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["groups"][0]["members"].as_array().unwrap().len(),
        2,
        "{json}"
    );
    // An article edited so that one quote lost its text: orphaned, counted, exit 1.
    dir.write("a.txt", "The mayor spoke.\n");
    let run = dir
        .run(&["story", ".", "--json", "--include-suggested"])
        .expect(1);
    assert!(run.stderr.contains("1 orphaned"), "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["groups"][0]["members"].as_array().unwrap().len(),
        1,
        "{json}"
    );
}

/// The Story window with thousands of variants in its open groups draws only those on screen,
/// and scrolling to the end reaches the last sections.
#[test]
fn the_story_window_draws_only_the_variants_on_screen() {
    use egui_kittest::kittest::Queryable;
    let docs = tagline::synth::story_corpus(60, 20, 22);
    let input: Vec<StoryArticle<'_>> = docs.iter().map(tagline::synth::StoryDoc::article).collect();
    let grouped = story::group(&input, Options::default(), &mut |_, _| {});
    let open: usize = grouped
        .groups
        .iter()
        .take(6)
        .filter(|g| g.articles.len() > 1)
        .map(|g| g.members.len())
        .sum();
    assert!(open > 1000, "{open} variants in the groups open");
    let mut app = crate::util::test_app(
        "ana",
        0.0,
        tagline::gui::dialogs::ScriptedDialogs::default(),
    );
    app.story = Some(tagline::gui::app::state::StoryState {
        loading: false,
        result: Some(Box::new(tagline::gui::worker::StoryResult {
            paths: vec![std::path::PathBuf::new(); grouped.articles.len()],
            story: grouped,
            unreadable: 0,
        })),
    });
    app.windows.story = true;
    let mut h = crate::util::window_harness(app, 1000.0, 800.0);
    h.run();
    let drawn = h.query_all_by_label_contains("attributed to").count()
        + h.query_all_by_label_contains("no source marked").count();
    assert!(drawn > 3, "the first variants are drawn ({drawn})");
    assert!(
        drawn < 60,
        "only those on screen are drawn ({drawn} of {open})"
    );
    assert!(
        h.query_by_label_contains("Per outlet").is_none(),
        "the end is off screen"
    );
    // A click on the first group's title closes it: the groups after it come into view.
    let headers = |h: &egui_kittest::Harness<'_, tagline::gui::TaglineApp>| {
        h.query_all_by_label_contains("outlets · “").count()
    };
    let before = headers(&h);
    h.query_all_by_label_contains("outlets · “")
        .next()
        .unwrap()
        .click();
    h.run();
    assert!(
        headers(&h) > before,
        "{} headers, {before} before",
        headers(&h)
    );
    // The wheel, far down: the list's end comes into view, its sections drawn.
    let at = h
        .get_by_label_contains("carried by more than one outlet")
        .rect()
        .center()
        + egui::vec2(0.0, 300.0);
    h.hover_at(at);
    for _ in 0..20 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Page,
            delta: egui::vec2(0.0, -100.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        h.step();
    }
    // The wheel scrolls smoothly: let it come to rest.
    h.run_steps(30);
    h.get_by_label_contains("Per outlet");
    h.get_by_label_contains("Sources (");
}
