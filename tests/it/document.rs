//! Documents on disk: re-anchoring after the article changes (data-driven, in a tiny markup),
//! and the never-clobber rules of saving.

use std::path::{Path, PathBuf};

use tagline::core::document::SaveError;
use tagline::core::sidecar::sidecar_path;
use tagline::core::{Action, AnnotationId, CharRange, Document, EditError, LoadOptions, Status};

use crate::util::Dir;

use tagline::markup::{parse as parse_markup, render_document as render_markup};

/// Annotates `markup`'s text, saves, replaces the article with `new_text`, reopens.
fn reopen_after_change(dir: &Dir, markup: &str, new_text: &str) -> (Document, usize) {
    let path = dir.join("story.txt");
    let (text, spans) = parse_markup(markup);
    std::fs::write(&path, &text).unwrap();
    let (mut doc, _) = Document::open(&path, &LoadOptions::default()).unwrap();
    for (tag, range) in spans {
        doc.perform(
            Action::Add {
                tag,
                range,
                attributes: Default::default(),
                note: String::new(),
                status: None,
            },
            "t",
        )
        .unwrap();
    }
    doc.save().unwrap();
    assert_eq!(render_markup(&doc), markup);
    std::fs::write(&path, new_text).unwrap();
    let (doc, report) = Document::open(&path, &LoadOptions::default()).unwrap();
    assert!(report.article_changed);
    (doc, report.orphans().count())
}

#[test]
fn reanchoring_cases() {
    // (annotated old text, new text, where the annotations are now, how many were orphaned)
    let cases = [
        (
            "He said “[quote yes]” today.",
            "BREAKING: He said “yes” today.",
            "BREAKING: He said “[quote yes]” today.",
            0,
        ),
        // Context picks between repeats (offsets that still hold the text are kept as they are,
        // so the sentences also shift here).
        (
            "the cat [claim sat] on the mat. the dog sat by the door.",
            "Today the dog sat by the door. the cat sat on the mat.",
            "Today the dog sat by the door. the cat [claim sat] on the mat.",
            0,
        ),
        // …but when the context barely tells two places apart, nothing is guessed.
        (
            "the cat [claim sat]. the dog sat.",
            "Today the dog sat. the cat sat.",
            "Today the dog sat. the cat sat.",
            1,
        ),
        (
            "[stance great] news from 李明",
            "😀👩\u{200d}💻 great news from 李明",
            "😀👩\u{200d}💻 [stance great] news from 李明",
            0,
        ),
        (
            "[sourcing 李明] said [claim no]\u{a0}😀",
            "Wang said no\u{a0}😀",
            "Wang said [claim no]\u{a0}😀",
            1,
        ),
        // Converting line endings keeps one-line spans and moves those holding a CRLF onto
        // the LF (a fuzzy move, to review).
        (
            "A\r\nB [claim said so]\r\n[quote two\r\nlines]",
            "A\nB said so\ntwo\nlines",
            "A\nB [claim said so]\n[quote two\nlines]",
            0,
        ),
        (
            "[claim one] and [quote two]",
            "nothing left",
            "nothing left",
            2,
        ),
    ];
    for (old, new, expected, orphans) in cases {
        let dir = Dir::new();
        let (doc, orphaned) = reopen_after_change(&dir, old, new);
        assert_eq!(render_markup(&doc), expected, "{old:?} → {new:?}");
        assert_eq!(orphaned, orphans, "{old:?} → {new:?}");
        assert_eq!(
            doc.annotations().len(),
            parse_markup(old).1.len(),
            "orphans are kept"
        );
        assert!(doc.is_dirty(), "re-anchoring is a change to save");
    }
}

fn open(path: &Path) -> Document {
    Document::open(path, &LoadOptions::default()).unwrap().0
}

fn add_claim(doc: &mut Document, start: usize, end: usize) -> AnnotationId {
    doc.perform(
        Action::Add {
            tag: "claim".into(),
            range: CharRange::new(start, end),
            attributes: Default::default(),
            note: String::new(),
            status: None,
        },
        "t",
    )
    .unwrap()
    .and_then(tagline::core::NewId::annotation)
    .unwrap()
}

fn story(dir: &Dir) -> PathBuf {
    dir.fixture("harbour.txt");
    dir.join("harbour.txt")
}

#[test]
fn saving_refuses_to_clobber_changes_made_on_disk() {
    let dir = Dir::new();
    let path = story(&dir);
    let sidecar = sidecar_path(&path);
    let mut doc = open(&path);
    add_claim(&mut doc, 0, 7);
    doc.save().unwrap();

    // Someone else writes the sidecar meanwhile.
    let mut other = open(&path);
    add_claim(&mut other, 8, 15);
    other.save().unwrap();
    let theirs = std::fs::read(&sidecar).unwrap();

    add_claim(&mut doc, 16, 20);
    let err = doc.save().unwrap_err();
    assert!(matches!(err, SaveError::Conflict { .. }), "{err}");
    assert!(
        err.to_string().contains("harbour.txt.annotations.json"),
        "{err}"
    );
    assert_eq!(std::fs::read(&sidecar).unwrap(), theirs);
    assert!(doc.is_dirty(), "the edits stay in memory");

    // Or deletes it.
    std::fs::remove_file(&sidecar).unwrap();
    assert!(matches!(
        doc.save().unwrap_err(),
        SaveError::Conflict { .. }
    ));
    assert!(!sidecar.exists());

    // Saving elsewhere works, but never over an existing file.
    let elsewhere = dir.join("mine.json");
    doc.save_as(&elsewhere).unwrap();
    let mine = std::fs::read(&elsewhere).unwrap();
    assert!(matches!(
        doc.save_as(&elsewhere).unwrap_err(),
        SaveError::Conflict { .. }
    ));
    assert_eq!(std::fs::read(&elsewhere).unwrap(), mine);
    assert_eq!(
        dir.listing(),
        ["harbour.txt", "mine.json"],
        "no temporary files are left behind"
    );
}

#[test]
fn a_locked_sidecar_is_never_saved_over() {
    let dir = Dir::new();
    let path = story(&dir);
    dir.write("harbour.txt.annotations.json", "{ not json");
    let (mut doc, report) = Document::open(&path, &LoadOptions::default()).unwrap();
    let problem = report.sidecar_problem.expect("a problem is reported");
    assert!(
        problem.contains("not valid JSON") && problem.contains("line 1"),
        "{problem}"
    );
    add_claim(&mut doc, 0, 7);
    let err = doc.save().unwrap_err();
    assert!(matches!(err, SaveError::Locked { .. }), "{err}");
    assert_eq!(
        dir.read_string("harbour.txt.annotations.json"),
        "{ not json"
    );
}

#[test]
fn only_reanchoring_sets_or_clears_orphaned() {
    let dir = Dir::new();
    let path = story(&dir);
    let mut doc = open(&path);
    let id = add_claim(&mut doc, 0, 7);
    let refused = doc.perform(
        Action::SetStatus {
            id: id.clone(),
            status: Some(Status::Orphaned),
        },
        "t",
    );
    assert!(
        matches!(refused, Err(EditError::OrphanedByAnchoringOnly)),
        "{refused:?}"
    );
    let refused = doc.perform(
        Action::Add {
            tag: "claim".into(),
            range: CharRange::new(8, 15),
            attributes: Default::default(),
            note: String::new(),
            status: Some(Status::Orphaned),
        },
        "t",
    );
    assert!(
        matches!(refused, Err(EditError::OrphanedByAnchoringOnly)),
        "{refused:?}"
    );
    doc.save().unwrap();

    // Orphan it for real: the headline is gone.
    let text = dir
        .read_string("harbour.txt")
        .replacen("Harbour", "Port", 1);
    dir.write("harbour.txt", text);
    let (mut doc, report) = Document::open(&path, &LoadOptions::default()).unwrap();
    assert_eq!(report.orphans().collect::<Vec<_>>(), [id.as_str()]);
    for status in [None, Some(Status::Uncertain)] {
        let refused = doc.perform(
            Action::SetStatus {
                id: id.clone(),
                status,
            },
            "t",
        );
        assert!(
            matches!(refused, Err(EditError::OrphanedByAnchoringOnly)),
            "{refused:?}"
        );
    }
    // Resizing it onto text brings it back.
    doc.perform(
        Action::Resize {
            id: id.clone(),
            range: CharRange::new(0, 4),
        },
        "t",
    )
    .unwrap();
    let a = doc.annotation(&id).unwrap();
    assert_eq!((a.text.as_str(), a.status), ("Port", None));
}

#[test]
fn a_fuzzy_move_waits_for_review_until_kept() {
    let dir = Dir::new();
    let path = dir.join("story.txt");
    std::fs::write(&path, "She said \"it's fine\" and left.").unwrap();
    let mut doc = open(&path);
    let id = add_claim(&mut doc, 9, 20);
    doc.save().unwrap();
    std::fs::write(&path, "She said “it’s fine” and left.").unwrap();
    let (mut doc, report) = Document::open(&path, &LoadOptions::default()).unwrap();
    assert_eq!(report.fuzzy_moves().collect::<Vec<_>>(), [id.as_str()]);
    let listed: Vec<&str> = tagline::core::anchor::under_review(doc.annotations())
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(listed, [id.as_str()]);
    let a = doc.annotation(&id).unwrap();
    assert_eq!(a.text, "“it’s fine”");
    assert_eq!(
        a.review.as_ref().and_then(|r| r.was.as_deref()),
        Some("\"it's fine\"")
    );
    doc.perform(Action::KeepReviewed { id: id.clone() }, "t")
        .unwrap();
    assert!(doc.annotation(&id).unwrap().review.is_none());
    assert!(doc.undo());
    assert!(doc.annotation(&id).unwrap().review.is_some());
    assert_eq!(
        tagline::core::anchor::orphaned(doc.annotations()).count(),
        0
    );
}
