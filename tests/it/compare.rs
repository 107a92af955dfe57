//! Compare and adjudicate in the window (egui_kittest): three annotators' folders, every span
//! in one view, decisions by key into a gold sidecar (with `origin` and `adjudication`), and
//! re-opening the comparison keeps them.

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tagline::analysis::compare::{Class, State};
use tagline::core::{Action, CharRange, Document, LoadOptions};
use tagline::gui::TaglineApp;
use tagline::gui::dialogs::ScriptedDialogs;

const ARTICLE: &str = "Harbour council votes to close the pier\n\n\
The mayor, Zoë 李明 Okafor 🎉 said “the pier is unsafe” on Monday.\n\n\
Critics — including the fishing co-op — called the vote rushed.\n";

fn span(needle: &str) -> CharRange {
    let b = ARTICLE.find(needle).unwrap();
    let start = ARTICLE[..b].chars().count();
    CharRange::new(start, start + needle.chars().count())
}

/// `dir/NAME/pier.txt` with these (text, tag) annotations by `NAME`.
fn annotator(dir: &Path, name: &str, spans: &[(&str, &str)]) -> PathBuf {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("pier.txt");
    std::fs::write(&path, ARTICLE).unwrap();
    let (mut doc, _) = Document::open(&path, &LoadOptions::default()).unwrap();
    for (text, tag) in spans {
        doc.perform(
            Action::Add {
                tag: (*tag).into(),
                range: span(text),
                attributes: Default::default(),
                note: String::new(),
                status: None,
            },
            name,
        )
        .unwrap();
    }
    doc.save().unwrap();
    folder
}

fn app_for(path: &Path) -> TaglineApp {
    let mut app = crate::util::test_app("lead", 0.0, ScriptedDialogs::default());
    app.open_paths(&[path.to_owned()]);
    app
}

fn harness(app: TaglineApp) -> Harness<'static, TaglineApp> {
    crate::util::window_harness(app, 1300.0, 800.0)
}

fn gold(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// View → Compare with…, the two other folders and the gold folder, Compare.
fn compare_with(h: &mut Harness<'_, TaglineApp>, folders: &[PathBuf], gold_dir: &Path) {
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Compare with…").click();
    h.run();
    assert!(
        h.state().compare.setup.open,
        "the Compare with window opens"
    );
    {
        let setup = &mut h.state_mut().compare.setup;
        setup.folders = folders.to_vec();
        setup.gold_draft = gold_dir.display().to_string();
    }
    h.run();
    h.get_by_label("Compare").click();
    h.run();
    h.run();
}

fn selected_text(h: &Harness<'_, TaglineApp>) -> String {
    let app = h.state();
    let s = app.compare.session.as_ref().unwrap();
    let i = s.selected(&app.focus).expect("a candidate is selected");
    let c = &s.comparison.candidates[i];
    format!(
        "{} {}",
        c.tag,
        s.view_doc.article.text.slice(c.range).unwrap()
    )
}

#[test]
fn compare_three_annotators_and_adjudicate_into_a_gold_sidecar() {
    let dir = tempfile::tempdir().unwrap();
    let ana = annotator(
        dir.path(),
        "ana",
        &[
            ("The mayor", "sourcing"),
            ("the pier is unsafe", "quote"),
            ("called the vote rushed", "claim"),
        ],
    );
    let ben = annotator(
        dir.path(),
        "ben",
        &[
            ("Zoë 李明 Okafor", "sourcing"),
            ("the pier is unsafe", "quote"),
            ("called the vote rushed", "stance"),
        ],
    );
    let cy = annotator(
        dir.path(),
        "cy",
        &[
            ("the pier is unsafe", "quote"),
            ("called the vote rushed", "claim"),
        ],
    );
    let gold_dir = dir.path().join("gold");
    let mut h = harness(app_for(&ana.join("pier.txt")));
    compare_with(&mut h, &[ben.clone(), cy.clone()], &gold_dir);
    {
        let app = h.state();
        let s = app.compare.session.as_ref().expect("comparing");
        assert_eq!(s.comparison.annotators, ["ana", "ben", "cy"]);
        let classes: Vec<Class> = s.comparison.candidates.iter().map(|c| c.class).collect();
        assert_eq!(
            classes,
            [
                Class::OnlySome,
                Class::OnlySome,
                Class::Agree,
                Class::Disagree,
                Class::Disagree
            ]
        );
        assert_eq!(s.view.painted_annotations(), 5, "every candidate is drawn");
        assert!(s.comparison.figures.fleiss_kappa.value().is_some());
        // The open article is not touched.
        assert_eq!(app.doc().unwrap().annotations().len(), 3);
    }
    // The legend says in words what the colours say.
    h.get_by_label_contains("all agree (1)");
    h.get_by_label_contains("disagree on tag (2)");
    h.get_by_label_contains("only some have it (2)");
    h.get_by_label_contains("Krippendorff's α");

    // Shift+A accepts the quote all three marked.
    h.key_press_modifiers(Modifiers::SHIFT, Key::A);
    h.run();
    let gold_sidecar = gold_dir.join("pier.txt.annotations.json");
    let g = gold(&gold_sidecar);
    assert_eq!(g["annotations"].as_array().unwrap().len(), 1);
    assert_eq!(g["annotations"][0]["origin"]["decision"], "unanimous");
    assert_eq!(g["annotations"][0]["origin"]["by"], "lead");
    assert!(gold_dir.join("pier.txt").is_file(), "the article is copied");

    // J selects the first candidate; A accepts it and moves on to the next open one.
    h.key_press(Key::J);
    h.run();
    assert_eq!(selected_text(&h), "sourcing The mayor");
    h.key_press(Key::A);
    h.run();
    assert_eq!(selected_text(&h), "sourcing Zoë 李明 Okafor");
    h.key_press(Key::X);
    h.run();
    assert_eq!(selected_text(&h), "claim called the vote rushed");
    // Accepting one tag of a span they disagree on rejects the other tag.
    h.key_press(Key::A);
    h.run();
    {
        let app = h.state();
        let s = app.compare.session.as_ref().unwrap();
        assert_eq!(s.comparison.open_disagreements(&s.decisions), 0);
        let stance = s
            .comparison
            .candidates
            .iter()
            .find(|c| c.tag == "stance")
            .unwrap();
        assert_eq!(s.decisions.state(&stance.key()), State::Rejected);
    }
    let g = gold(&gold_sidecar);
    crate::util::assert_matches_schema(&g, "the gold sidecar");
    let anns = g["annotations"].as_array().unwrap();
    let summary: Vec<(String, String, usize)> = anns
        .iter()
        .map(|a| {
            (
                a["tag"].as_str().unwrap().to_owned(),
                a["origin"]["decision"].as_str().unwrap().to_owned(),
                a["origin"]["from"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("sourcing".to_owned(), "adjudicated".to_owned(), 1),
            ("quote".to_owned(), "unanimous".to_owned(), 3),
            ("claim".to_owned(), "adjudicated".to_owned(), 2),
        ]
    );
    let from = anns[2]["origin"]["from"].as_array().unwrap();
    assert!(from[0].as_str().unwrap().starts_with("ana:"));
    assert!(from[1].as_str().unwrap().starts_with("cy:"));
    let rejected: Vec<(&str, &str)> = g["adjudication"]["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["annotator"].as_str().unwrap(), r["tag"].as_str().unwrap()))
        .collect();
    assert_eq!(rejected, [("ben", "sourcing"), ("ben", "stance")]);

    // Close and compare again: every decision is back, read from the gold sidecar.
    h.get_by_label("Close comparison").click();
    h.run();
    assert!(h.state().compare.session.is_none());
    compare_with(&mut h, &[ben, cy], &gold_dir);
    let app = h.state();
    let s = app.compare.session.as_ref().unwrap();
    assert_eq!(s.decisions.accepted.len(), 3);
    assert_eq!(s.decisions.rejected.len(), 2);
    assert_eq!(s.comparison.open_disagreements(&s.decisions), 0);
    let before = std::fs::read(&gold_sidecar).unwrap();
    drop(h);
    assert_eq!(
        std::fs::read(&gold_sidecar).unwrap(),
        before,
        "re-opening writes nothing"
    );
}

#[test]
fn the_annotators_of_one_sidecar_compare() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pier.txt");
    std::fs::write(&path, ARTICLE).unwrap();
    let (mut doc, _) = Document::open(&path, &LoadOptions::default()).unwrap();
    for (text, tag, who) in [
        ("the pier is unsafe", "quote", "ana"),
        ("the pier is unsafe", "quote", "ben"),
        ("called the vote rushed", "claim", "ben"),
    ] {
        doc.perform(
            Action::Add {
                tag: tag.into(),
                range: span(text),
                attributes: Default::default(),
                note: String::new(),
                status: None,
            },
            who,
        )
        .unwrap();
    }
    doc.save().unwrap();
    let mut h = harness(app_for(&path));
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Compare with…").click();
    h.run();
    // The window proposes this sidecar's annotators.
    h.get_by_label_contains("The annotators of this sidecar (ana, ben)");
    h.get_by_label("Compare").click();
    h.run();
    let app = h.state();
    let s = app.compare.session.as_ref().expect("comparing");
    assert_eq!(s.comparison.annotators, ["ana", "ben"]);
    assert_eq!(s.comparison.class_counts(), [1, 0, 1]);
    assert!(s.gold_path.is_none());
}

#[test]
fn two_panes_show_one_annotator_each_and_scroll_together() {
    let dir = tempfile::tempdir().unwrap();
    let ana = annotator(dir.path(), "ana", &[("the pier is unsafe", "quote")]);
    let ben = annotator(
        dir.path(),
        "ben",
        &[
            ("the pier is unsafe", "quote"),
            ("called the vote rushed", "claim"),
        ],
    );
    // A long article, so the panes really scroll (the spans stay where they were).
    let long = format!(
        "{ARTICLE}{}",
        "\nMore about the harbour, the ferry and the vote.\n".repeat(200)
    );
    for folder in [&ana, &ben] {
        let p = folder.join("pier.txt");
        let sidecar = tagline::core::sidecar::sidecar_path(&p);
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&sidecar).unwrap()).unwrap();
        std::fs::write(&p, &long).unwrap();
        let sha = tagline::core::article::sha256_hex(long.as_bytes());
        json["article"]["sha256"] = sha.into();
        json["article"]["chars"] = long.chars().count().into();
        std::fs::write(&sidecar, serde_json::to_vec_pretty(&json).unwrap()).unwrap();
    }
    let mut h = harness(app_for(&ana.join("pier.txt")));
    compare_with(&mut h, &[ben], &dir.path().join("gold"));
    h.get_by_label("Two panes").click();
    h.run();
    h.run();
    {
        let app = h.state();
        let p = app
            .compare
            .session
            .as_ref()
            .unwrap()
            .panes
            .as_ref()
            .unwrap();
        assert_eq!(p.sides, [0, 1]);
        assert_eq!(p.docs[0].annotations().len(), 1, "ana's pane: her quote");
        assert_eq!(
            p.docs[1].annotations().len(),
            2,
            "ben's pane: his two spans"
        );
        assert_eq!(p.views[1].painted_annotations(), 2);
    }
    // Scrolling the left pane scrolls the right one.
    h.state_mut()
        .compare
        .session
        .as_mut()
        .unwrap()
        .panes
        .as_mut()
        .unwrap()
        .views[0]
        .set_scroll_offset(40.0);
    h.run();
    h.run();
    let app = h.state();
    let p = app
        .compare
        .session
        .as_ref()
        .unwrap()
        .panes
        .as_ref()
        .unwrap();
    assert_eq!(p.views[0].scroll_offset(), p.views[1].scroll_offset());
}

/// `folder/a.txt`, one claim every annotator marks the same way.
fn agreed_article(folder: &Path, who: &str) {
    let text = "The ferry will run on Sunday.\n";
    let path = folder.join("a.txt");
    std::fs::write(&path, text).unwrap();
    let (mut doc, _) = Document::open(&path, &LoadOptions::default()).unwrap();
    doc.perform(
        Action::Add {
            tag: "claim".into(),
            range: CharRange::new(0, 28),
            attributes: Default::default(),
            note: String::new(),
            status: None,
        },
        who,
    )
    .unwrap();
    doc.save().unwrap();
}

#[test]
fn the_queue_ranks_the_folder_lowest_agreement_first_and_opens_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let ana = annotator(
        dir.path(),
        "ana",
        &[
            ("the pier is unsafe", "quote"),
            ("called the vote rushed", "claim"),
        ],
    );
    let ben = annotator(
        dir.path(),
        "ben",
        &[("the pier is unsafe", "claim"), ("The mayor", "sourcing")],
    );
    agreed_article(&ana, "ana");
    agreed_article(&ben, "ben");
    let mut h = harness(app_for(&ana));
    assert!(h.state().doc().unwrap().article.path.ends_with("a.txt"));
    compare_with(&mut h, &[ben], &dir.path().join("gold"));
    h.get_by_label("Rank the folder").click();
    h.run();
    let rows: Vec<(String, usize)> = h
        .state()
        .compare
        .queue
        .iter()
        .map(|q| (q.row.name.clone(), q.row.open))
        .collect();
    assert_eq!(rows, [("pier.txt".to_owned(), 4), ("a.txt".to_owned(), 0)]);
    assert!(h.state().compare.queue[0].row.alpha < h.state().compare.queue[1].row.alpha);
    h.get_by_label_contains("4 open · pier.txt").click();
    h.run();
    h.run();
    h.run();
    let app = h.state();
    let s = app
        .compare
        .session
        .as_ref()
        .expect("the next article is compared");
    assert!(s.article.ends_with("pier.txt"));
    assert_eq!(s.comparison.annotators, ["ana", "ben"]);
}

#[test]
fn comparing_runs_on_the_worker_with_progress_and_cancel() {
    let dir = tempfile::tempdir().unwrap();
    let ana = annotator(
        dir.path(),
        "ana",
        &[("the pier is unsafe", "quote"), ("The mayor", "sourcing")],
    );
    let ben = annotator(dir.path(), "ben", &[("the pier is unsafe", "quote")]);
    let gold_dir = dir.path().join("gold");
    // A worker that holds its jobs until released: the test sees the window while they wait.
    let settings = tagline::settings::Settings {
        annotator: "lead".into(),
        annotator_confirmed: true,
        autosave_seconds: 0.0,
        ..tagline::settings::Settings::default()
    };
    let mut app = TaglineApp::new(
        settings,
        None,
        tagline::gui::worker::Worker::held(),
        Box::new(ScriptedDialogs::default()),
        LoadOptions::default(),
    );
    app.open_paths(std::slice::from_ref(&ana));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1300.0, 800.0))
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut TaglineApp| app.show(ui), app);
    // The folder's scan, then its article (stepped: "Opening…" shows a spinner meanwhile).
    for _ in 0..4 {
        h.state_mut().worker_mut().release_all();
        h.step();
    }
    h.run();
    assert!(h.state().doc().is_some_and(|d| d.annotations().len() == 2));

    // Compare: the job waits on the worker; the status bar says so and offers Cancel.
    compare_with(&mut h, std::slice::from_ref(&ben), &gold_dir);
    assert!(
        h.state().compare.session.is_none(),
        "not shown before it is built"
    );
    assert!(h.state().compare.busy.is_some());
    h.get_by_label_contains("Comparing pier.txt");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().compare.busy.is_none(), "cancelled");
    h.state_mut().worker_mut().release_all();
    h.run();
    assert!(
        h.state().compare.session.is_none(),
        "a cancelled comparison never appears"
    );
    assert!(!gold_dir.exists(), "nothing written");

    // Again, to the end: the comparison appears when the worker is done.
    compare_with(&mut h, &[ben], &gold_dir);
    assert_eq!(h.state_mut().worker_mut().held_jobs(), 1);
    h.state_mut().worker_mut().release_all();
    h.run();
    h.run();
    assert!(h.state().compare.busy.is_none());
    let s = h.state().compare.session.as_ref().expect("comparing");
    assert_eq!(s.comparison.annotators, ["ana", "ben"]);

    // Rank the folder: on the worker too.
    h.get_by_label("Rank the folder").click();
    h.run();
    h.get_by_label_contains("Ranking the folder");
    h.state_mut().worker_mut().release_all();
    h.run();
    assert_eq!(h.state().compare.queue.len(), 1);
    assert!(h.state().compare.busy.is_none());

    // Shift+A: the gold write is the worker's; nothing is on disk until it runs.
    h.key_press_modifiers(Modifiers::SHIFT, Key::A);
    h.run();
    let gold_sidecar = gold_dir.join("pier.txt.annotations.json");
    assert!(h.state().compare.writing_gold());
    assert!(!gold_sidecar.exists());
    // Two more decisions while it waits: one write of the latest.
    h.key_press(Key::J);
    h.run();
    h.key_press(Key::X);
    h.run();
    assert_eq!(
        h.state_mut().worker_mut().held_jobs(),
        1,
        "writes are coalesced"
    );
    // Closing the comparison does not drop what waits to be written.
    h.get_by_label("Close comparison").click();
    h.run();
    assert!(h.state().compare.session.is_none());
    assert!(h.state().compare.writing_gold());
    h.state_mut().worker_mut().release_all();
    h.run();
    assert!(!h.state().compare.writing_gold());
    let g = gold(&gold_sidecar);
    assert_eq!(g["annotations"].as_array().unwrap().len(), 1);
    assert_eq!(g["annotations"][0]["origin"]["decision"], "unanimous");
    assert_eq!(
        g["adjudication"]["rejected"].as_array().unwrap().len(),
        1,
        "the rejection made while the first write waited is written too"
    );
}
