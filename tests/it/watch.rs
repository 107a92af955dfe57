//! Behind the window's back: the open article or its sidecar changed by another program
//! (each choice the window offers), and recovery of unsaved edits after the window was
//! killed — in process with egui_kittest, and with SIGKILL of the real binary under Xvfb.

use std::path::{Path, PathBuf};
use std::process::Command;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tagline::core::{Action, AnnotationId, CharRange, Document, LoadOptions};
use tagline::gui::TaglineApp;
use tagline::gui::app::NoticeAction;
use tagline::gui::dialogs::ScriptedDialogs;

const ARTICLE: &str = "Harbour council votes to close the pier\n\n\
The mayor said “the pier is unsafe” on Monday.\n\n\
Critics called the vote rushed.\n";

fn char_index(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].chars().count()
}

fn span(text: &str, needle: &str) -> CharRange {
    let a = char_index(text, needle);
    CharRange::new(a, a + needle.chars().count())
}

fn app(autosave_seconds: f32, dialogs: ScriptedDialogs) -> TaglineApp {
    crate::util::test_app("me", autosave_seconds, dialogs)
}

fn harness(app: TaglineApp) -> Harness<'static, TaglineApp> {
    crate::util::window_harness(app, 1200.0, 800.0)
}

fn add(tag: &str, range: CharRange) -> Action {
    Action::Add {
        tag: tag.into(),
        range,
        attributes: Default::default(),
        note: String::new(),
        status: None,
    }
}

/// Tags `needle` in the window (through its one edit path, as a tag key does).
fn tag_in_window(h: &mut Harness<'_, TaglineApp>, tag: &str, needle: &str) -> AnnotationId {
    let text = h.state().doc().unwrap().article.text.as_str().to_owned();
    let range = span(&text, needle);
    h.state_mut().perform(add(tag, range));
    h.run();
    let doc = h.state().doc().unwrap();
    doc.annotations()
        .iter()
        .find(|a| a.range == range && a.tag == tag)
        .unwrap()
        .id
        .clone()
}

/// What another program does: opens the article with the library, edits, saves.
fn other_program(article: &Path, edit: impl FnOnce(&mut Document)) {
    let (mut doc, _) = Document::open(article, &LoadOptions::default()).unwrap();
    edit(&mut doc);
    doc.save().unwrap();
}

/// The window gets focus (one of the moments it checks the files).
fn focus(h: &mut Harness<'_, TaglineApp>) {
    h.event(egui::Event::WindowFocused(true));
    h.run();
}

fn sidecar_json(article: &Path) -> serde_json::Value {
    let p = tagline::core::sidecar::sidecar_path(article);
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn texts(v: &serde_json::Value) -> Vec<String> {
    let mut t: Vec<String> = v["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["text"].as_str().unwrap().to_owned())
        .collect();
    t.sort();
    t
}

fn validate(article: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tagline"))
        .arg("validate")
        .arg(article)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn has_notice_with(h: &Harness<'_, TaglineApp>, action: &NoticeAction) -> bool {
    h.state().notices.iter().any(|n| n.actions.contains(action))
}

fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pier.txt");
    std::fs::write(&path, ARTICLE).unwrap();
    (dir, path)
}

#[test]
fn an_article_changed_while_open_is_shown_and_reanchored_and_the_next_save_validates() {
    let (_dir, path) = setup();
    let mut a = app(0.0, ScriptedDialogs::default());
    a.open_paths(std::slice::from_ref(&path));
    let mut h = harness(a);
    let quote = tag_in_window(&mut h, "quote", "the pier is unsafe");
    assert_eq!(texts(&sidecar_json(&path)), ["the pier is unsafe"]);
    // Another program adds a line at the top and fixes a word inside a later sentence.
    let edited = format!(
        "UPDATED 14:05\n\n{}",
        ARTICLE.replace("Critics called", "Critics loudly called")
    );
    std::fs::write(&path, &edited).unwrap();
    focus(&mut h);
    {
        let doc = h.state().doc().unwrap();
        assert_eq!(
            doc.article.text.as_str(),
            edited,
            "the view shows the new text"
        );
        let q = doc.annotation(&quote).unwrap();
        assert_eq!(q.range, span(&edited, "the pier is unsafe"), "re-anchored");
        assert_eq!(doc.article.text.slice(q.range), Some("the pier is unsafe"));
    }
    assert!(
        h.state()
            .notices
            .iter()
            .any(|n| n.text.contains("pier.txt changed on disk")),
        "{:?}",
        h.state().notices
    );
    // The next save is against the new text: the sidecar validates.
    tag_in_window(&mut h, "claim", "Critics loudly called the vote rushed");
    let json = sidecar_json(&path);
    assert_eq!(
        json["article"]["sha256"],
        tagline::core::article::sha256_hex(edited.as_bytes())
    );
    let (ok, out) = validate(&path);
    assert!(ok, "validate failed: {out}");
    // Before each save too, without any focus event: the article changes again, then an edit.
    let again = format!("{edited}\nA late paragraph.\n");
    std::fs::write(&path, &again).unwrap();
    h.state_mut().perform(Action::SetNote {
        id: quote.clone(),
        note: "checked".into(),
    });
    h.run();
    h.run();
    let (ok, out) = validate(&path);
    assert!(ok, "validate failed after a change before the save: {out}");
    assert_eq!(h.state().doc().unwrap().article.text.as_str(), again);
}

/// Opens the article, tags one span (saved), then makes an unsaved edit while another program
/// saves the sidecar with its own edit; returns the window after it noticed.
fn conflicting(
    dialogs: ScriptedDialogs,
) -> (tempfile::TempDir, PathBuf, Harness<'static, TaglineApp>) {
    let (dir, path) = setup();
    let mut a = app(0.0, dialogs);
    a.open_paths(std::slice::from_ref(&path));
    let mut h = harness(a);
    let shared = tag_in_window(&mut h, "quote", "the pier is unsafe");
    // One they will delete and I leave alone: with the base known, the merge deletes it.
    let doomed = tag_in_window(&mut h, "claim", "on Monday");
    // From now on my edits stay unsaved for a while.
    h.state_mut().settings.autosave_seconds = 3600.0;
    h.state_mut().perform(Action::SetNote {
        id: shared.clone(),
        note: "mine".into(),
    });
    tag_in_window(&mut h, "claim", "Critics called the vote rushed");
    other_program(&path, |doc| {
        let text = doc.article.text.as_str().to_owned();
        doc.perform(add("stance", span(&text, "Harbour council")), "them")
            .unwrap();
        doc.perform(
            Action::SetNote {
                id: shared.clone(),
                note: "theirs".into(),
            },
            "them",
        )
        .unwrap();
        doc.perform(Action::Remove { id: doomed }, "them").unwrap();
    });
    focus(&mut h);
    assert!(
        has_notice_with(&h, &NoticeAction::MergeFromDisk),
        "{:?}",
        h.state().notices
    );
    (dir, path, h)
}

#[test]
fn a_sidecar_changed_while_open_reload_takes_theirs() {
    let (_dir, path, mut h) = conflicting(ScriptedDialogs::default());
    let theirs = std::fs::read(tagline::core::sidecar::sidecar_path(&path)).unwrap();
    // Autosave is paused: nothing is written over their version, and the status bar says so.
    h.run();
    assert!(matches!(
        h.state().save_state(),
        tagline::gui::app::SaveState::Failed(_)
    ));
    assert_eq!(
        std::fs::read(tagline::core::sidecar::sidecar_path(&path)).unwrap(),
        theirs
    );
    h.get_by_label("Reload from disk (drop my edits)").click();
    h.run();
    let doc = h.state().doc().unwrap();
    let mut got: Vec<&str> = doc.annotations().iter().map(|a| a.text.as_str()).collect();
    got.sort();
    assert_eq!(got, ["Harbour council", "the pier is unsafe"]);
    assert!(doc.annotations().iter().any(|a| a.note == "theirs"));
    assert!(!tagline::gui::app::has_unsaved_work(doc));
    h.run();
    assert_eq!(
        std::fs::read(tagline::core::sidecar::sidecar_path(&path)).unwrap(),
        theirs,
        "reloading writes nothing"
    );
}

#[test]
fn a_sidecar_changed_while_open_merge_keeps_both_and_marks_the_conflict() {
    let (_dir, path, mut h) = conflicting(ScriptedDialogs::default());
    h.get_by_label("Merge by id (keep both)").click();
    h.run();
    h.run();
    let merged = h
        .state()
        .notices
        .iter()
        .find(|n| n.text.starts_with("Merged your edits"))
        .unwrap();
    assert!(!merged.text.contains("not known"), "{}", merged.text);
    assert!(merged.text.contains("1 conflict(s)"), "{}", merged.text);
    let json = sidecar_json(&path);
    // Theirs (the stance; their deletion of "on Monday"), mine (the claim), and the quote whose
    // note both changed: twice, each version marked for review as the merge driver marks them.
    assert_eq!(
        texts(&json),
        [
            "Critics called the vote rushed",
            "Harbour council",
            "the pier is unsafe",
            "the pier is unsafe"
        ]
    );
    let notes: Vec<(&str, &str)> = json["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["text"] == "the pier is unsafe")
        .map(|a| {
            (
                a["note"].as_str().unwrap_or(""),
                a["review"]["reason"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        notes.contains(&("mine", "merge")) && notes.contains(&("theirs", "merge")),
        "{notes:?}"
    );
    let (ok, out) = validate(&path);
    assert!(ok, "{out}");
    assert!(!tagline::gui::app::has_unsaved_work(
        h.state().doc().unwrap()
    ));
}

#[test]
fn a_sidecar_changed_while_open_save_a_copy_writes_mine_elsewhere_and_leaves_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("mine.annotations.json");
    let mut dialogs = ScriptedDialogs::default();
    dialogs.answers.push_back(Some(copy.clone()));
    let (_d, path, mut h) = conflicting(dialogs);
    let theirs = std::fs::read(tagline::core::sidecar::sidecar_path(&path)).unwrap();
    h.get_by_label("Save my annotations as…").click();
    h.run();
    h.run();
    let mine: serde_json::Value = serde_json::from_slice(&std::fs::read(&copy).unwrap()).unwrap();
    assert_eq!(
        texts(&mine),
        [
            "Critics called the vote rushed",
            "on Monday",
            "the pier is unsafe"
        ]
    );
    let quote = mine["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["text"] == "the pier is unsafe")
        .unwrap();
    assert_eq!(quote["note"], "mine");
    assert_eq!(
        std::fs::read(tagline::core::sidecar::sidecar_path(&path)).unwrap(),
        theirs,
        "their sidecar is untouched"
    );
    // The question stays open: reload theirs or merge.
    assert!(has_notice_with(&h, &NoticeAction::MergeFromDisk));
}

/// Edits in a window that was not closed come back at the next start (in process: the first
/// window is dropped without saving, which releases its session lock as a kill does).
#[test]
fn unsaved_edits_are_offered_at_the_next_start_and_restored() {
    let (dir, path) = setup();
    let recovery = dir.path().join("recovery");
    let mut a = app(3600.0, ScriptedDialogs::default());
    a.start_recovery(&recovery);
    a.open_paths(std::slice::from_ref(&path));
    let mut h = harness(a);
    tag_in_window(&mut h, "quote", "the pier is unsafe");
    // Edits rest for the journal's pause, then it is written.
    std::thread::sleep(tagline::gui::app::outside::JOURNAL_PAUSE * 2);
    h.run();
    h.run();
    assert!(
        !tagline::core::sidecar::sidecar_path(&path).exists(),
        "not saved yet"
    );
    drop(h);
    let mut b = app(0.0, ScriptedDialogs::default());
    b.start_recovery(&recovery);
    let mut h = harness(b);
    let offer = h
        .state()
        .notices
        .iter()
        .find(|n| matches!(n.actions.first(), Some(NoticeAction::RestoreRecovery(_))))
        .cloned()
        .expect("a recovery offer");
    assert!(offer.text.contains("pier.txt"), "{}", offer.text);
    assert!(
        offer.text.contains("1 annotation(s), 1 added or changed"),
        "{}",
        offer.text
    );
    h.get_by_label("Restore").click();
    h.run();
    h.run();
    assert_eq!(texts(&sidecar_json(&path)), ["the pier is unsafe"]);
    assert!(validate(&path).0);
    let left: Vec<_> = std::fs::read_dir(&recovery)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".journal"))
        .collect();
    assert!(
        left.is_empty(),
        "the journal is gone after the good save: {left:?}"
    );
}

/// Restoring onto an article whose text changed since re-anchors first.
#[test]
fn a_restore_onto_a_changed_article_is_reanchored() {
    let (dir, path) = setup();
    let recovery = dir.path().join("recovery");
    let mut a = app(3600.0, ScriptedDialogs::default());
    a.start_recovery(&recovery);
    a.open_paths(std::slice::from_ref(&path));
    let mut h = harness(a);
    tag_in_window(&mut h, "quote", "the pier is unsafe");
    std::thread::sleep(tagline::gui::app::outside::JOURNAL_PAUSE * 2);
    h.run();
    drop(h);
    let edited = format!("Breaking.\n\n{ARTICLE}");
    std::fs::write(&path, &edited).unwrap();
    let mut b = app(0.0, ScriptedDialogs::default());
    b.start_recovery(&recovery);
    let mut h = harness(b);
    h.get_by_label("Restore").click();
    h.run();
    h.run();
    let json = sidecar_json(&path);
    let a = &json["annotations"][0];
    assert_eq!(a["start"], span(&edited, "the pier is unsafe").start);
    assert!(validate(&path).0);
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool} >/dev/null"))
        .status()
        .is_ok_and(|s| s.success())
}

/// The real binary in a real X server: an edit made with the keyboard (xdotool), SIGKILL,
/// then the next start offers the edit and restores it. Needs Xvfb and xdotool (CI installs
/// them; `.ci/run` runs this with `--ignored`).
#[test]
#[ignore = "needs Xvfb and xdotool; .ci/run runs it"]
fn recovery_after_sigkill_of_the_real_window() {
    for tool in ["Xvfb", "xdotool"] {
        assert!(
            have(tool),
            "{tool} is missing (apt-get install xvfb xdotool)"
        );
    }
    let (dir, path) = setup();
    let config = dir.path().join("config");
    let recovery = dir.path().join("recovery");
    std::fs::create_dir_all(&config).unwrap();
    // Autosave far away: the edit lives only in memory and in the journal when the kill comes.
    std::fs::write(
        config.join("settings.json"),
        r#"{"annotator": "ana", "annotator_confirmed": true, "autosave_seconds": 3600}"#,
    )
    .unwrap();
    // A display of its own, a free one Xvfb picks (-displayfd writes its number once it
    // listens): a number chosen here could meet another server or a stale lock file.
    let mut xvfb = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1400x900x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let display = {
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(xvfb.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        format!(":{}", line.trim())
    };
    assert!(display.len() > 1, "Xvfb named no display");
    let run = |args: &[&str]| {
        Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &display)
            .output()
            .unwrap()
    };
    let wait_for = |what: &str, mut ok: Box<dyn FnMut() -> bool + '_>| {
        for _ in 0..600 {
            if ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("gave up waiting for {what}");
    };
    wait_for(
        "the X server",
        Box::new(|| run(&["getmouselocation"]).status.success()),
    );
    let mut window = Command::new(env!("CARGO_BIN_EXE_tagline"))
        .arg(&path)
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env("TAGLINE_CONFIG_DIR", &config)
        .env("TAGLINE_RECOVERY_DIR", &recovery)
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .spawn()
        .unwrap();
    let pid = window.id().to_string();
    let mut wid = String::new();
    wait_for(
        "the window",
        Box::new(|| {
            let out = run(&["search", "--pid", &pid]);
            wid = String::from_utf8_lossy(&out.stdout)
                .lines()
                .last()
                .unwrap_or("")
                .to_owned();
            !wid.is_empty()
        }),
    );
    // Let it draw the article, then: focus (Xvfb has no window manager), Q selects the next
    // quotation after the caret (“the pier is unsafe”), 2 tags it as a quote.
    std::thread::sleep(std::time::Duration::from_secs(3));
    run(&["windowfocus", &wid]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    for key in ["q", "2"] {
        run(&["key", "--window", &wid, key]);
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    let journal = || {
        std::fs::read_dir(&recovery)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".journal"))
    };
    wait_for("the recovery journal", Box::new(journal));
    // SIGKILL: no exit handler runs, nothing is saved.
    let _ = Command::new("kill").args(["-KILL", &pid]).status();
    let _ = window.wait();
    let _ = xvfb.kill();
    let _ = xvfb.wait();
    assert!(
        !tagline::core::sidecar::sidecar_path(&path).exists(),
        "the killed window saved nothing"
    );
    // The next start finds the journal, says what it holds, and restores the edit.
    let mut b = app(0.0, ScriptedDialogs::default());
    b.start_recovery(&recovery);
    let mut h = harness(b);
    let offer = h
        .state()
        .notices
        .iter()
        .find(|n| matches!(n.actions.first(), Some(NoticeAction::RestoreRecovery(_))))
        .cloned()
        .expect("a recovery offer");
    assert!(
        offer.text.contains("pier.txt") && offer.text.contains("1 annotation(s)"),
        "{}",
        offer.text
    );
    h.get_by_label("Restore").click();
    h.run();
    h.run();
    let json = sidecar_json(&path);
    assert_eq!(texts(&json), ["the pier is unsafe"]);
    assert_eq!(json["annotations"][0]["tag"], "quote");
    assert_eq!(json["annotations"][0]["annotator"], "ana");
    assert!(validate(&path).0);
}

/// A sidecar deleted while open is asked about even with nothing unsaved (reloading would
/// empty the window); merging with nothing keeps mine and writes it again.
#[test]
fn a_deleted_sidecar_is_asked_about_and_merge_writes_mine_again() {
    let (_dir, path) = setup();
    let mut a = app(0.0, ScriptedDialogs::default());
    a.open_paths(std::slice::from_ref(&path));
    let mut h = harness(a);
    tag_in_window(&mut h, "quote", "the pier is unsafe");
    std::fs::remove_file(tagline::core::sidecar::sidecar_path(&path)).unwrap();
    focus(&mut h);
    assert!(has_notice_with(&h, &NoticeAction::MergeFromDisk));
    assert_eq!(h.state().doc().unwrap().annotations().len(), 1);
    h.get_by_label("Merge by id (keep both)").click();
    h.run();
    h.run();
    assert_eq!(texts(&sidecar_json(&path)), ["the pier is unsafe"]);
}

/// With nothing unsaved, a sidecar someone else saved is simply read again.
#[test]
fn a_sidecar_changed_with_nothing_unsaved_is_read_again() {
    let (_dir, path) = setup();
    let mut a = app(0.0, ScriptedDialogs::default());
    a.open_paths(std::slice::from_ref(&path));
    let mut h = harness(a);
    tag_in_window(&mut h, "quote", "the pier is unsafe");
    other_program(&path, |doc| {
        let text = doc.article.text.as_str().to_owned();
        doc.perform(add("stance", span(&text, "Harbour council")), "them")
            .unwrap();
    });
    let theirs = std::fs::read(tagline::core::sidecar::sidecar_path(&path)).unwrap();
    focus(&mut h);
    assert_eq!(h.state().doc().unwrap().annotations().len(), 2);
    assert!(!has_notice_with(&h, &NoticeAction::MergeFromDisk));
    assert!(h.state().notices.iter().any(|n| {
        n.text
            .contains("were read again: 2 annotation(s), 1 before")
    }));
    h.run();
    assert_eq!(
        std::fs::read(tagline::core::sidecar::sidecar_path(&path)).unwrap(),
        theirs
    );
}
