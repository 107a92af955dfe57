//! Frames of the real window (the app drawn headless by egui_kittest, with the real background
//! worker thread) doing work that grows with the data: starting a comparison of three
//! annotators on a 1 MB article, accepting every agreed span into the gold sidecar, ranking a
//! folder for adjudication, and drawing the Story window with thousands of members shown;
//! and, on the calling thread, the worker's job that offers a tagged quote's variants in the
//! folder's other articles.
//!
//! For each it prints the longest frame on the UI thread (what a person feels as a freeze) and
//! the wall-clock time until the work is done (the result is on screen). Figures are in
//! docs/performance.md.
//!
//! Run with `cargo bench --bench window` (release), or `cargo bench --bench window --profile
//! dev` for a quick unoptimised look; `cargo test --benches` runs it on tiny inputs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: a failure should stop the run loudly"
)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tagline::core::sidecar::sidecar_path;
use tagline::core::{Document, LoadOptions};
use tagline::gui::TaglineApp;
use tagline::synth;

/// Sizes: the real ones, or tiny ones under `cargo test --benches` (divan's `--test`).
struct Sizes {
    article_bytes: usize,
    annotations: usize,
    queue_articles: usize,
    queue_bytes: usize,
    story_articles: usize,
}

fn sizes() -> Sizes {
    if std::env::args().any(|a| a == "--test") {
        Sizes {
            article_bytes: 20_000,
            annotations: 200,
            queue_articles: 3,
            queue_bytes: 5_000,
            story_articles: 10,
        }
    } else {
        Sizes {
            article_bytes: 1_000_000,
            annotations: 10_000,
            queue_articles: 40,
            queue_bytes: 50_000,
            story_articles: 200,
        }
    }
}

fn main() {
    let s = sizes();
    let dir = tempfile::tempdir().expect("temp dir");
    // `cargo bench --bench window -- story` runs only the parts named.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let run = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    if run("story") {
        story_window(&s);
    }
    if run("compare") {
        compare(dir.path(), &s);
    }
    if run("queue") {
        queue(dir.path(), &s);
    }
    if run("variants") {
        variants(dir.path(), &s);
    }
}

/// A quote just tagged, looked for in the folder's other articles (`Job::Variants`, run on
/// the calling thread): the folder of `synth::story_corpus`, each article with a sidecar.
fn variants(dir: &Path, s: &Sizes) {
    use tagline::gui::worker::{Job, Reply, VariantsJob, Worker};
    let folder = dir.join("variants");
    std::fs::create_dir_all(&folder).unwrap();
    let docs = synth::story_corpus(s.story_articles, 20, 22);
    let mut paths = Vec::new();
    for d in &docs {
        let path = folder.join(&d.name);
        std::fs::write(&path, d.text.as_str()).unwrap();
        let (mut doc, _) = Document::open(&path, &LoadOptions::default()).unwrap();
        let mut data = doc.to_sidecar();
        data.annotations = d.annotations.clone();
        data.relations = d.relations.clone();
        doc.load_data(data, &mut tagline::core::OpenReport::default());
        std::fs::write(sidecar_path(&path), doc.to_sidecar().to_json()).unwrap();
        paths.push(path);
    }
    let (doc, _) = Document::open(&paths[0], &LoadOptions::default()).unwrap();
    let quote = doc
        .annotations()
        .iter()
        .find(|a| a.tag == "quote")
        .unwrap()
        .clone();
    let snap = doc.snapshot();
    let mut worker = Worker::inline();
    let start = Instant::now();
    worker.submit(Job::Variants(Box::new(VariantsJob {
        annotation: quote,
        open: (
            std::sync::Arc::clone(&doc.article),
            snap.annotations,
            snap.relations,
        ),
        others: paths[1..].to_vec(),
        annotator: "lead".into(),
        options: LoadOptions::default(),
    })));
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let mut offered = 0;
    while let Some(r) = worker.poll() {
        if let Reply::Variants(found) = r {
            offered = found.elsewhere.len();
        }
    }
    println!(
        "variants of a quote just tagged: {} other articles, offered in {offered} — the job took {ms:.1} ms (on the worker)",
        paths.len() - 1
    );
}

/// The Story window open on a folder's story (`synth::story_corpus`), its first groups open
/// as the window opens them: the median frame.
fn story_window(s: &Sizes) {
    use tagline::analysis::story::{self, Options, StoryArticle};
    let docs = synth::story_corpus(s.story_articles, 20, 22);
    let input: Vec<StoryArticle<'_>> = docs.iter().map(tagline::synth::StoryDoc::article).collect();
    let grouped = story::group(&input, Options::default(), &mut |_, _| {});
    let members: usize = grouped.groups.iter().map(|g| g.members.len()).sum();
    let shown: usize = grouped
        .groups
        .iter()
        .take(6)
        .filter(|g| g.articles.len() > 1)
        .map(|g| g.members.len())
        .sum();
    let groups = grouped.groups.len();
    let mut a = app();
    a.story = Some(tagline::gui::app::state::StoryState {
        loading: false,
        result: Some(Box::new(tagline::gui::worker::StoryResult {
            paths: vec![PathBuf::new(); grouped.articles.len()],
            story: grouped,
            unreadable: 0,
        })),
    });
    a.windows.story = true;
    let mut h = harness(a);
    for _ in 0..5 {
        h.step();
    }
    let idle = idle_median(&mut h);
    // Then a page down with the wheel every frame, through the open groups.
    let at = h
        .get_by_label_contains("carried by more than one outlet")
        .rect()
        .center()
        + egui::vec2(0.0, 300.0);
    h.hover_at(at);
    let mut times: Vec<f64> = (0..40)
        .map(|_| {
            h.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Page,
                delta: egui::vec2(0.0, -1.0),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Unknown,
                modifiers: Modifiers::NONE,
            });
            let t = Instant::now();
            h.step();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "story window: {} articles, {groups} groups, {members} members ({shown} in the groups open) — frame median {idle:.1} ms still, {:.1} ms scrolling (max {:.1} ms)",
        s.story_articles,
        times[times.len() / 2],
        times[times.len() - 1]
    );
}

/// The real app with the real worker thread.
fn app() -> TaglineApp {
    let settings = tagline::settings::Settings {
        annotator: "lead".into(),
        annotator_confirmed: true,
        autosave_seconds: 0.0,
        ..tagline::settings::Settings::default()
    };
    TaglineApp::new(
        settings,
        None,
        tagline::gui::worker::Worker::spawn(|| {}),
        Box::new(tagline::gui::dialogs::ScriptedDialogs::default()),
        LoadOptions::default(),
    )
}

fn harness(app: TaglineApp) -> Harness<'static, TaglineApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1300.0, 800.0))
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut TaglineApp| app.show(ui), app);
    h.step();
    h
}

/// Steps frames until `done` holds (at most 10 minutes); returns the longest frame and the
/// time until then, in ms. The first frame is the one that sees the click or key.
fn frames_until(
    h: &mut Harness<'static, TaglineApp>,
    done: impl Fn(&TaglineApp) -> bool,
) -> (f64, f64) {
    let start = Instant::now();
    let mut longest = Duration::ZERO;
    loop {
        let t = Instant::now();
        h.step();
        longest = longest.max(t.elapsed());
        if done(h.state()) || start.elapsed() > Duration::from_secs(600) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    (
        longest.as_secs_f64() * 1000.0,
        start.elapsed().as_secs_f64() * 1000.0,
    )
}

/// The median of 20 frames in which nothing happens, in ms.
fn idle_median(h: &mut Harness<'static, TaglineApp>) -> f64 {
    let mut times: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            h.step();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Annotator `j`'s copy of the reference sidecar: every 9th span dropped, every 7th retagged,
/// every 11th started a character later (shifted by `j`), as `tagline bench compare` does.
fn vary(reference: &Path, folder: &Path, j: usize) {
    std::fs::create_dir_all(folder).unwrap();
    let name = reference.file_name().unwrap();
    let article = folder.join(name);
    std::fs::copy(reference, &article).unwrap();
    let (doc, _) = Document::open(reference, &LoadOptions::default()).unwrap();
    let tags: Vec<String> = doc.scheme.tags.iter().map(|t| t.id.clone()).collect();
    let text = &doc.article.text;
    let mut data = doc.to_sidecar();
    data.annotations = doc
        .annotations()
        .iter()
        .enumerate()
        .filter(|(i, _)| !(i + j).is_multiple_of(9))
        .map(|(i, a)| {
            let mut a = a.clone();
            a.annotator = format!("annotator-{}", j + 1);
            if (i + j).is_multiple_of(7) {
                let k = tags.iter().position(|t| *t == a.tag).map_or(0, |k| k + 1);
                a.tag = tags[k % tags.len()].clone();
            }
            if (i + 2 * j).is_multiple_of(11) && a.range.len() > 2 {
                a.range = tagline::core::CharRange::new(a.range.start + 1, a.range.end);
                a.text = text.slice(a.range).unwrap_or_default().to_owned();
            }
            a
        })
        .collect();
    data.relations.clear();
    std::fs::write(sidecar_path(&article), data.to_json()).unwrap();
}

/// Opens `path` (an article or a folder) and waits for its annotations.
fn opened(path: &Path) -> Harness<'static, TaglineApp> {
    let mut a = app();
    a.open_paths(&[path.to_owned()]);
    let mut h = harness(a);
    frames_until(&mut h, |app| {
        app.doc().is_some_and(|d| !d.annotations().is_empty()) && app.library.scanning.is_none()
    });
    h
}

/// View → Compare with…, these folders and a gold folder, Compare: the frames until the
/// comparison is on screen.
fn start_compare(
    h: &mut Harness<'static, TaglineApp>,
    folders: &[PathBuf],
    gold: &Path,
) -> (f64, f64) {
    {
        let setup = &mut h.state_mut().compare.setup;
        setup.open = true;
        setup.folders = folders.to_vec();
        setup.gold_draft = gold.display().to_string();
    }
    // A new window measures itself in its first frame and shows in the next.
    h.step();
    h.step();
    h.get_by_label("Compare").click();
    frames_until(h, |app| app.compare.session.is_some())
}

fn compare(dir: &Path, s: &Sizes) {
    let ana = dir.join("cmp/ana");
    std::fs::create_dir_all(&ana).unwrap();
    let text = synth::article_text(s.article_bytes, 3);
    let path = synth::write_article(&ana, "news.txt", &text, s.annotations, 3).unwrap();
    let others = [dir.join("cmp/ben"), dir.join("cmp/cy")];
    for (j, f) in others.iter().enumerate() {
        vary(&path, f, j + 1);
    }
    let gold = dir.join("cmp/gold");
    let mut h = opened(&path);
    let (frame, total) = start_compare(&mut h, &others, &gold);
    let candidates = h
        .state()
        .compare
        .session
        .as_ref()
        .map_or(0, |s| s.comparison.candidates.len());
    println!(
        "compare: 3 annotators, {} chars, {candidates} candidates — longest UI frame {frame:.1} ms, on screen after {total:.1} ms",
        text.chars().count()
    );
    println!(
        "compare view: frame median {:.1} ms (nothing happening)",
        idle_median(&mut h)
    );
    // Shift+A: every agreed span into the gold sidecar, written at once.
    let gold_sidecar = sidecar_path(&gold.join("news.txt"));
    h.key_press_modifiers(Modifiers::SHIFT, Key::A);
    let accepted = |app: &TaglineApp| {
        app.compare
            .session
            .as_ref()
            .is_some_and(|s| !s.decisions.accepted.is_empty())
    };
    let written = |app: &TaglineApp| accepted(app) && !writing_gold(app);
    let (frame, total) = frames_until(&mut h, written);
    let n = h
        .state()
        .compare
        .session
        .as_ref()
        .map_or(0, |s| s.decisions.accepted.len());
    let bytes = std::fs::metadata(&gold_sidecar).map_or(0, |m| m.len());
    println!(
        "accept all agreed: {n} accepted, gold sidecar {bytes} bytes — longest UI frame {frame:.1} ms, written after {total:.1} ms"
    );
    // One more decision on a gold sidecar that already holds them all (J, then X).
    h.key_press(Key::J);
    h.step();
    h.key_press(Key::X);
    let (frame, total) = frames_until(&mut h, |app| {
        app.compare
            .session
            .as_ref()
            .is_some_and(|s| !s.decisions.rejected.is_empty())
            && !writing_gold(app)
    });
    println!(
        "one more decision (X) on that gold sidecar — longest UI frame {frame:.1} ms, written after {total:.1} ms"
    );
}

/// A gold write is still under way.
fn writing_gold(app: &TaglineApp) -> bool {
    app.compare.writing_gold()
}

fn queue(dir: &Path, s: &Sizes) {
    let ana = dir.join("queue/ana");
    std::fs::create_dir_all(&ana).unwrap();
    let mut paths = Vec::new();
    for i in 0..s.queue_articles {
        let text = synth::article_text(s.queue_bytes, i as u64);
        paths.push(
            synth::write_article(
                &ana,
                &format!("a{i:03}.txt"),
                &text,
                s.queue_bytes / 100,
                i as u64,
            )
            .unwrap(),
        );
    }
    let others = [dir.join("queue/ben"), dir.join("queue/cy")];
    for (j, f) in others.iter().enumerate() {
        for p in &paths {
            vary(p, f, j + 1);
        }
    }
    let mut h = opened(&ana);
    start_compare(&mut h, &others, &dir.join("queue/gold"));
    h.step();
    h.get_by_label("Rank the folder").click();
    let n = s.queue_articles;
    let (frame, total) = frames_until(&mut h, |app| app.compare.queue.len() == n);
    println!(
        "rank the folder: {n} articles of {} bytes × 3 annotators — longest UI frame {frame:.1} ms, ranked after {total:.1} ms",
        s.queue_bytes
    );
}
