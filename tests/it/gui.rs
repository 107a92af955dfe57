//! The window, driven headless with egui_kittest: real app state, real pointer and keys,
//! assertions on the document and on the sidecar written to disk.

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tagline::core::{AnnotationId, AttrValue, LoadOptions};
use tagline::gui::TaglineApp;
use tagline::gui::dialogs::ScriptedDialogs;
use tagline::gui::worker::Worker;
use tagline::settings::Settings;

/// An article with curly quotes, an emoji and a CJK name on one line.
const ARTICLE: &str = "Harbour council votes to close the pier\n\n\
The mayor, Zoë 李明 Okafor 🎉 said “the pier is unsafe” on Monday.\n\n\
Critics — including the fishing co-op — called the vote rushed.\n";

fn write_article(dir: &Path) -> PathBuf {
    let p = dir.join("pier.txt");
    std::fs::write(&p, ARTICLE).unwrap();
    p
}

fn app_for(path: &Path) -> TaglineApp {
    let mut app = crate::util::test_app("tester", 0.0, ScriptedDialogs::default());
    app.open_paths(&[path.to_owned()]);
    app
}

fn harness(app: TaglineApp) -> Harness<'static, TaglineApp> {
    crate::util::window_harness(app, 1200.0, 800.0)
}

/// Char offset of `needle` in the article (Python `str.index`).
fn char_index(needle: &str) -> usize {
    let b = ARTICLE.find(needle).unwrap();
    ARTICLE[..b].chars().count()
}

fn sidecar(path: &Path) -> serde_json::Value {
    let sc = tagline::core::sidecar::sidecar_path(path);
    serde_json::from_slice(&std::fs::read(sc).unwrap()).unwrap()
}

/// Selects chars `a..b` the way the keyboard would leave them and presses a tag key.
fn tag(h: &mut Harness<'_, TaglineApp>, a: usize, b: usize, key: Key) {
    h.state_mut().focus.selection = Some(tagline::gui::focus::Selection { anchor: a, head: b });
    h.key_press(key);
    h.run();
}

/// Clicks at a screen position (press and release without moving).
fn click_at(h: &mut Harness<'_, TaglineApp>, at: Pos2) {
    h.hover_at(at);
    h.run();
    h.drag_at(at);
    h.drop_at(at);
    h.run();
}

/// The id of the (first) annotation tagged `tag`.
fn id_of_tag(h: &Harness<'_, TaglineApp>, tag: &str) -> AnnotationId {
    let doc = h.state().doc().unwrap();
    doc.annotations()
        .iter()
        .find(|a| a.tag == tag)
        .unwrap()
        .id
        .clone()
}

fn screen_pos(h: &Harness<'_, TaglineApp>, offset: usize) -> Pos2 {
    let app = h.state();
    let doc = app.doc().unwrap();
    app.view
        .char_screen_pos(doc, offset)
        .expect("char is on screen")
}

#[test]
fn drag_over_emoji_and_cjk_then_tag_with_a_digit_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut h = harness(app_for(&path));
    // Drag from inside "Zoë" to inside "Okafor": word snapping gives exactly "Zoë 李明 Okafor".
    let from = screen_pos(&h, char_index("Zoë") + 1);
    let to = screen_pos(&h, char_index("Okafor") + 3);
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    h.hover_at(Pos2::new((from.x + to.x) / 2.0, from.y));
    h.run();
    h.hover_at(to);
    h.run();
    h.drop_at(to);
    h.run();
    let start = char_index("Zoë");
    let end = char_index(" 🎉");
    let sel = h.state().focus.selection.unwrap().range();
    assert_eq!(
        (sel.start, sel.end),
        (start, end),
        "selection snapped to whole words"
    );
    // Press 2 (quote in the default scheme).
    h.key_press(Key::Num2);
    h.run();
    let doc = h.state().doc().unwrap();
    assert_eq!(doc.annotations().len(), 1);
    let a = &doc.annotations()[0];
    assert_eq!(
        (a.tag.as_str(), a.range.start, a.range.end),
        ("quote", start, end)
    );
    assert_eq!(a.text, "Zoë 李明 Okafor");
    assert_eq!(a.annotator, "tester");
    // Autosaved to the sidecar with the same Python-style offsets.
    let json = sidecar(&path);
    let saved = &json["annotations"][0];
    assert_eq!(saved["start"], start);
    assert_eq!(saved["end"], end);
    assert_eq!(saved["text"], "Zoë 李明 Okafor");
    let py_slice: String = ARTICLE.chars().skip(start).take(end - start).collect();
    assert_eq!(py_slice, "Zoë 李明 Okafor");
}

#[test]
fn keyboard_only_tagging_attribute_edit_undo_redo() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut h = harness(app_for(&path));
    // Click at the start of "Critics" to place the caret, then Shift+Ctrl+Right twice.
    let at = screen_pos(&h, char_index("Critics"));
    click_at(&mut h, at);
    h.key_press_modifiers(Modifiers::SHIFT | Modifiers::COMMAND, Key::ArrowRight);
    h.run();
    h.key_press_modifiers(Modifiers::SHIFT | Modifiers::COMMAND, Key::ArrowRight);
    h.run();
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowLeft);
    h.run();
    let sel = h.state().focus.selection.unwrap().range();
    let start = char_index("Critics");
    assert_eq!(
        (sel.start, sel.end),
        (start, char_index(" the fishing")),
        "“Critics — including”"
    );
    h.key_press(Key::Num3); // stance
    h.run();
    let id = {
        let doc = h.state().doc().unwrap();
        assert_eq!(doc.annotations()[0].tag, "stance");
        doc.annotations()[0].id.clone()
    };
    assert_eq!(h.state().focus.selected.as_deref(), Some(id.as_str()));
    // Edit the polarity attribute through the editor's combo box.
    h.get_by_label("polarity").click();
    h.run();
    h.get_by_label("against").click();
    h.run();
    let polarity = |h: &Harness<'_, TaglineApp>| {
        h.state()
            .doc()
            .unwrap()
            .annotation(&id)
            .unwrap()
            .attributes
            .get("polarity")
            .cloned()
    };
    assert_eq!(polarity(&h), Some(AttrValue::Text("against".into())));
    assert_eq!(
        sidecar(&path)["annotations"][0]["attributes"]["polarity"],
        "against"
    );
    // Undo restores the default, redo brings "against" back; both reach the sidecar.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(polarity(&h), Some(AttrValue::Text("neutral".into())));
    assert_eq!(
        sidecar(&path)["annotations"][0]["attributes"]["polarity"],
        "neutral"
    );
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(polarity(&h), Some(AttrValue::Text("against".into())));
    // Undo twice removes the annotation itself.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.state().doc().unwrap().annotations().is_empty());
    assert_eq!(sidecar(&path)["annotations"].as_array().unwrap().len(), 0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(h.state().doc().unwrap().annotations().len(), 1);
}

#[test]
fn sidecar_changed_behind_our_back_is_not_overwritten_and_edits_stay() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    // Start with one annotation saved by the CLI path (same core).
    let (mut doc, _) = tagline::core::Document::open(&path, &LoadOptions::default()).unwrap();
    doc.perform(
        tagline::core::Action::Add {
            tag: "claim".into(),
            range: tagline::core::CharRange::new(
                char_index("the pier is unsafe"),
                char_index("” on Monday"),
            ),
            attributes: Default::default(),
            note: String::new(),
            status: None,
        },
        "someone",
    )
    .unwrap();
    doc.save().unwrap();
    let mut h = harness(app_for(&path));
    assert_eq!(h.state().doc().unwrap().annotations().len(), 1);
    // Someone else rewrites the sidecar.
    let sc = tagline::core::sidecar::sidecar_path(&path);
    let theirs = std::fs::read_to_string(&sc)
        .unwrap()
        .replace("\"claim\"", "\"quote\"");
    std::fs::write(&sc, &theirs).unwrap();
    // We edit: select "Critics" and press 1.
    let at = screen_pos(&h, char_index("Critics") + 2);
    click_at(&mut h, at);
    tag(
        &mut h,
        char_index("Critics"),
        char_index(" — including"),
        Key::Num1,
    );
    // The file on disk is still theirs, our two annotations are still in memory, and a notice
    // says what happened with a way forward.
    assert_eq!(std::fs::read_to_string(&sc).unwrap(), theirs);
    assert_eq!(h.state().doc().unwrap().annotations().len(), 2);
    assert!(h.state().doc().unwrap().is_dirty());
    let notice = h
        .state()
        .notices
        .iter()
        .find(|n| n.text.contains("changed on disk"))
        .expect("a notice");
    assert!(notice.text.contains("pier.txt.annotations.json"));
    h.get_by_label("Save my annotations as…");
    h.get_by_label("Reload from disk (drop my edits)");
    let _ = h.get_by_label_contains("changed on disk");
    // Explicit Ctrl+S also refuses.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert_eq!(std::fs::read_to_string(&sc).unwrap(), theirs);
    assert_eq!(h.state().doc().unwrap().annotations().len(), 2);
}

#[test]
fn corrupt_sidecar_opens_locked_with_a_notice_and_stays_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let sc = tagline::core::sidecar::sidecar_path(&path);
    std::fs::write(&sc, "{ \"format\": \"tagline-annotations\", oops").unwrap();
    let mut h = harness(app_for(&path));
    assert!(
        h.state()
            .notices
            .iter()
            .any(|n| n.text.contains("not valid JSON"))
    );
    tag(&mut h, 0, 7, Key::Num1);
    assert_eq!(
        h.state().doc().unwrap().annotations().len(),
        1,
        "edits are kept in memory"
    );
    assert_eq!(
        std::fs::read_to_string(&sc).unwrap(),
        "{ \"format\": \"tagline-annotations\", oops"
    );
}

#[test]
fn find_highlights_and_steps_through_matches() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut h = harness(app_for(&path));
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_label("Find in article").type_text("the");
    h.run();
    let hits = h.state().search.hits.clone();
    assert!(hits.len() >= 4, "{hits:?}");
    let first = h.state().search.current.unwrap();
    h.get_by_label("Next").click();
    h.run();
    assert_eq!(h.state().search.current, Some((first + 1) % hits.len()));
}

#[test]
fn folder_list_shows_state_and_next_article_saves_first() {
    let dir = tempfile::tempdir().unwrap();
    write_article(dir.path());
    std::fs::write(
        dir.path().join("second.md"),
        "---\ntitle: \"Second story\"\n---\nBody text here.\n",
    )
    .unwrap();
    let mut app = app_for(dir.path());
    app.settings.autosave_seconds = 1000.0; // only explicit and switch-time saves
    let mut h = harness(app);
    assert_eq!(h.state().library.entries.len(), 2);
    let first = h.state().doc().unwrap().article.path.clone();
    assert!(first.ends_with("pier.txt"));
    tag(&mut h, 0, 7, Key::Num4);
    assert!(h.state().doc().unwrap().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    h.run();
    assert!(h.state().doc().unwrap().article.path.ends_with("second.md"));
    assert_eq!(
        sidecar(&first)["annotations"][0]["tag"],
        "sourcing",
        "saved when switching"
    );
    let entry = &h.state().library.entries[0];
    assert_eq!(entry.summary.as_ref().unwrap().annotations, 1);
}

#[test]
fn link_a_quote_to_its_source_by_clicking_and_set_a_document_label() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut h = harness(app_for(&path));
    // A source and a quote, tagged from the keyboard.
    tag(
        &mut h,
        char_index("The mayor"),
        char_index(", Zoë"),
        Key::Num4,
    );
    tag(
        &mut h,
        char_index("the pier is unsafe"),
        char_index("” on Monday"),
        Key::Num2,
    );
    let (quote, source) = (id_of_tag(&h, "quote"), id_of_tag(&h, "sourcing"));
    assert_eq!(h.state().focus.selected.as_deref(), Some(quote.as_str()));
    // "Link: attributed to…", then click the source in the text.
    h.get_by_label("Link: attributed to…").click();
    h.run();
    assert!(h.state().focus.pending_relation.is_some());
    let at = screen_pos(&h, char_index("mayor"));
    click_at(&mut h, at);
    let doc = h.state().doc().unwrap();
    assert_eq!(doc.relations().len(), 1);
    let r = &doc.relations()[0];
    assert_eq!(
        (r.kind.as_str(), r.from.as_str(), r.to.as_str()),
        ("attributed_to", quote.as_str(), source.as_str())
    );
    assert!(h.state().focus.pending_relation.is_none());
    assert_eq!(sidecar(&path)["relations"][0]["type"], "attributed_to");
    // The document's status label through its combo box.
    h.get_by_label("Status").click();
    h.run();
    h.get_by_label("in progress").click();
    h.run();
    assert_eq!(sidecar(&path)["labels"]["status"], "in_progress");
    // Deleting the source removes the relation too, in one undo step.
    h.state_mut().focus.selected = Some(source.clone());
    h.key_press(Key::Delete);
    h.run();
    assert!(h.state().doc().unwrap().relations().is_empty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().doc().unwrap().relations().len(), 1);
}

#[test]
fn a_tag_key_paints_its_highlight_in_the_same_frame() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut h = harness(app_for(&path));
    h.state_mut().focus.selection = Some(tagline::gui::focus::Selection { anchor: 0, head: 7 });
    h.key_press(Key::Num1);
    // One frame: the key is handled, the edit applied, and the view paints from the document.
    h.step();
    let app = h.state();
    assert_eq!(app.doc().unwrap().annotations().len(), 1);
    assert_eq!(
        app.view.painted_annotations(),
        1,
        "the new highlight was painted in that frame"
    );
}

#[test]
fn locked_sidecar_edits_saved_elsewhere_then_move_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    std::fs::write(dir.path().join("second.txt"), "Another story.\n").unwrap();
    let sc = tagline::core::sidecar::sidecar_path(&path);
    std::fs::write(&sc, "not json").unwrap();
    let copy = dir.path().join("rescued.json");
    let mut dialogs = ScriptedDialogs::default();
    dialogs.answers.push_back(Some(copy.clone()));
    let mut app = crate::util::test_app("tester", 0.0, dialogs);
    app.open_paths(&[dir.path().to_owned()]);
    let mut h = harness(app);
    assert!(h.state().doc().unwrap().article.path.ends_with("pier.txt"));
    tag(&mut h, 0, 7, Key::Num1);
    // Leaving is refused while the edit exists only in memory…
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    h.run();
    assert!(h.state().doc().unwrap().article.path.ends_with("pier.txt"));
    // …until it is saved elsewhere: then the copy holds it and moving on is allowed.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run();
    let rescued: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&copy).unwrap()).unwrap();
    assert_eq!(rescued["annotations"][0]["text"], "Harbour");
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    h.run();
    assert!(
        h.state()
            .doc()
            .unwrap()
            .article
            .path
            .ends_with("second.txt")
    );
    assert_eq!(
        std::fs::read_to_string(&sc).unwrap(),
        "not json",
        "the unreadable sidecar is untouched"
    );
}

#[test]
fn annotation_list_filters_by_text_and_follows_edits() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut h = harness(app_for(&path));
    for (a, b, key) in [
        (char_index("The mayor"), char_index(", Zoë"), Key::Num4),
        (char_index("Critics"), char_index(" — including"), Key::Num3),
    ] {
        tag(&mut h, a, b, key);
    }
    assert!(h.query_by_label_contains("Sourcing: “The mayor”").is_some());
    assert!(h.query_by_label_contains("Stance: “Critics”").is_some());
    h.get_by_label("Search annotations").click();
    h.run();
    h.get_by_label("Search annotations").type_text("crit");
    h.run();
    assert_eq!(h.state().list.filter.text, "crit");
    assert!(h.query_by_label_contains("Sourcing: “The mayor”").is_none());
    assert!(h.query_by_label_contains("Stance: “Critics”").is_some());
    // Undo (from the article: in a text field Ctrl+Z undoes typing) removes the stance, and
    // the cached list follows the document.
    let at = screen_pos(&h, char_index("Monday"));
    click_at(&mut h, at);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.query_by_label_contains("Stance: “Critics”").is_none());
}

#[test]
fn clicking_stacked_annotations_cycles_and_hover_explains() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut h = harness(app_for(&path));
    // A claim over the whole sentence and a quote nested inside it.
    tag(
        &mut h,
        char_index("The mayor"),
        char_index(" on Monday"),
        Key::Num1,
    );
    tag(
        &mut h,
        char_index("the pier is unsafe"),
        char_index("” on Monday"),
        Key::Num2,
    );
    h.state_mut().focus.selection = None;
    h.state_mut().focus.selected = None;
    let (claim, quote) = (id_of_tag(&h, "claim"), id_of_tag(&h, "quote"));
    let at = screen_pos(&h, char_index("pier is"));
    click_at(&mut h, at);
    assert_eq!(
        h.state().focus.selected.as_deref(),
        Some(quote.as_str()),
        "innermost first"
    );
    click_at(&mut h, at);
    assert_eq!(
        h.state().focus.selected.as_deref(),
        Some(claim.as_str()),
        "then the one around it"
    );
    click_at(&mut h, at);
    assert_eq!(
        h.state().focus.selected.as_deref(),
        Some(quote.as_str()),
        "and round again"
    );
    // Hovering shows the tag and attributes of the annotation under the pointer.
    h.hover_at(at);
    h.run();
    assert_eq!(h.state().focus.hovered.as_deref(), Some(quote.as_str()));
    assert!(
        h.query_by_label_contains("kind: direct").is_some(),
        "tooltip lists the attributes"
    );
}

#[test]
fn ctrl_plus_changes_the_article_text_size_not_egui_zoom() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut h = harness(app_for(&path));
    let before = h.state().settings.font_size;
    h.key_press_modifiers(Modifiers::COMMAND, Key::Plus);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    h.run();
    assert_eq!(h.state().settings.font_size, before + 2.0);
    assert_eq!(h.ctx.zoom_factor(), 1.0, "egui's own keyboard zoom is off");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Minus);
    h.run();
    assert_eq!(h.state().settings.font_size, before + 1.0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Num0);
    h.run();
    assert_eq!(h.state().settings.font_size, Settings::default().font_size);
}

/// A save conflict offers "Reload" and "Save a copy" because of what it is, whatever its
/// message says: the choice is made on the error's variant, never on its words.
#[test]
fn save_failures_offer_their_ways_forward_by_kind_not_by_wording() {
    use tagline::core::SaveError;
    use tagline::core::sidecar::SidecarError;
    use tagline::gui::app::{NoticeAction, save_failure_actions};
    // A conflict on a file whose very name says nothing of "changed on disk".
    let conflict = SaveError::Conflict {
        path: "a file named retry.annotations.json".into(),
    };
    let actions = save_failure_actions(&conflict);
    assert!(actions.contains(&NoticeAction::ReloadFromDisk));
    assert!(actions.contains(&NoticeAction::SaveCopy));
    assert!(!actions.contains(&NoticeAction::RetrySave));
    // A write failure whose message happens to contain the conflict's words is still a write
    // failure: try again, or save a copy; reloading would drop edits for nothing.
    let io = SaveError::Io(SidecarError::Io {
        path: "x.annotations.json".into(),
        action: "the sidecar changed on disk",
        source: std::io::Error::other("changed on disk since Tagline loaded it"),
    });
    assert!(io.to_string().contains("changed on disk"));
    let actions = save_failure_actions(&io);
    assert!(actions.contains(&NoticeAction::RetrySave));
    assert!(!actions.contains(&NoticeAction::ReloadFromDisk));
    // A locked sidecar can only be saved elsewhere.
    let locked = SaveError::Locked {
        path: "y.annotations.json".into(),
        reason: "changed on disk".into(),
    };
    assert_eq!(save_failure_actions(&locked), vec![NoticeAction::SaveCopy]);
}

/// The key table: Alt+Shift+← / → move the start and Alt+← / → the end (matched most
/// specific first), `[` / `]` move the start by a word, J / K step through the list, Esc clears.
#[test]
fn resize_keys_move_the_right_end_and_j_k_esc_step_and_clear() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut h = harness(app_for(&path));
    let at = screen_pos(&h, char_index("Critics") + 2);
    click_at(&mut h, at);
    let (a, b) = (char_index("the pier is unsafe"), char_index("” on Monday"));
    tag(&mut h, a, b, Key::Num2);
    let (c, d) = (char_index("Critics"), char_index(" — including"));
    tag(&mut h, c, d, Key::Num1);
    let quote = id_of_tag(&h, "quote");
    let range = |h: &Harness<'_, TaglineApp>, id: &str| {
        let doc = h.state().doc().unwrap();
        doc.annotation(id).unwrap().range
    };
    h.state_mut().focus.selected = Some(quote.clone());
    h.state_mut().focus.selection = None;
    h.key_press_modifiers(Modifiers::ALT | Modifiers::SHIFT, Key::ArrowLeft);
    h.run();
    assert_eq!(range(&h, &quote), tagline::core::CharRange::new(a - 1, b));
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    h.run();
    assert_eq!(
        range(&h, &quote),
        tagline::core::CharRange::new(a - 1, b - 1)
    );
    h.key_press_modifiers(Modifiers::ALT | Modifiers::SHIFT, Key::ArrowRight);
    h.run();
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    h.run();
    assert_eq!(range(&h, &quote), tagline::core::CharRange::new(a, b));
    // `]` moves the start to the next word ("pier"), `[` back.
    h.key_press(Key::CloseBracket);
    h.run();
    assert_eq!(range(&h, &quote).start, char_index("pier is unsafe"));
    h.key_press(Key::OpenBracket);
    h.run();
    assert_eq!(range(&h, &quote), tagline::core::CharRange::new(a, b));
    // J / K: reading order is the quote, then the claim.
    h.key_press(Key::J);
    h.run();
    let claim = id_of_tag(&h, "claim");
    assert_eq!(h.state().focus.selected.as_deref(), Some(claim.as_str()));
    h.key_press(Key::K);
    h.run();
    assert_eq!(h.state().focus.selected.as_deref(), Some(quote.as_str()));
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(h.state().focus.selected, None);
    // Every edit above reached the sidecar as one undoable step each; the span is back.
    let sc = sidecar(&path);
    let q = sc["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["tag"] == "quote")
        .unwrap();
    assert_eq!(q["start"], a);
    assert_eq!(q["end"], b);
}

/// A folder scheme that gives a tag a key the window reserves is refused for that key, with a
/// message naming the tag, the key and the command; the key keeps its command.
#[test]
fn a_scheme_binding_a_reserved_key_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let scheme = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/annotations/news.scheme.json"
    ))
    .unwrap()
    .replacen("\"key\": \"2\"", "\"key\": \"J\"", 1);
    std::fs::write(dir.path().join("tagline.scheme.json"), scheme).unwrap();
    let mut h = harness(app_for(&path));
    let notice = h
        .state()
        .notices
        .iter()
        .find(|n| n.text.contains("reserved"))
        .expect("a notice about the reserved key")
        .text
        .clone();
    assert!(notice.contains("tag `quote`"), "{notice}");
    assert!(
        notice.contains("`J`") && notice.contains("Next annotation"),
        "{notice}"
    );
    // J still steps through annotations and tags nothing.
    let at = screen_pos(&h, char_index("Critics") + 2);
    click_at(&mut h, at);
    let (c, d) = (char_index("Critics"), char_index(" — including"));
    tag(&mut h, c, d, Key::J);
    assert!(h.state().doc().unwrap().annotations().is_empty());
}

/// F1's help is generated from the key table: every command's shortcuts, primary first, and the
/// scheme's tag keys with their labels.
#[test]
fn help_is_generated_from_the_key_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut h = harness(app_for(&path));
    h.key_press(Key::F1);
    h.run();
    assert!(h.state().windows.help);
    let _ = h.get_by_label_contains("Tag the selection as Claim, Quote");
    let _ = h.get_by_label("Next annotation");
    let _ = h.get_by_label("Start one character left");
    // Redo has two shortcuts, primary first: "…Shift…Z or …Y".
    let _ = h.get_by_label_contains("Z or ");
}

/// Typing a quote's `speaker` one key per frame, as a person types, keeps every letter, and
/// leaving the field saves it (one buffer per attribute: a shared one was reset each frame by
/// the quote's other attribute).
#[test]
fn text_attributes_keep_text_typed_one_key_per_frame() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut h = harness(app_for(&path));
    let at = screen_pos(&h, char_index("Critics") + 2);
    click_at(&mut h, at);
    let (a, b) = (char_index("the pier is unsafe"), char_index("” on Monday"));
    tag(&mut h, a, b, Key::Num2);
    let quote = id_of_tag(&h, "quote");
    assert_eq!(h.state().focus.selected.as_deref(), Some(quote.as_str()));
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "speaker")
        .focus();
    h.run();
    for c in "Arvind Krishna".chars() {
        h.get_by_role_and_label(egui::accesskit::Role::TextInput, "speaker")
            .type_text(&c.to_string());
        h.run();
        h.run();
    }
    let field = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "speaker");
    assert_eq!(field.value().as_deref(), Some("Arvind Krishna"));
    h.key_press(Key::Enter);
    h.run();
    h.run();
    let doc = h.state().doc().unwrap();
    assert_eq!(
        doc.annotation(&quote).unwrap().attributes.get("speaker"),
        Some(&AttrValue::Text("Arvind Krishna".into()))
    );
    let sc = sidecar(&path);
    let q = sc["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["tag"] == "quote")
        .unwrap();
    assert_eq!(q["attributes"]["speaker"], "Arvind Krishna");
}

/// Small things of the desk: no sidecar for an article only opened (or tagged and undone to
/// nothing), an empty file says so, each article opens with its own notices, and reopening the
/// folder returns to the article last worked on.
#[test]
fn only_opened_articles_write_nothing_and_the_folder_remembers_its_article() {
    let dir = tempfile::tempdir().unwrap();
    let pier = write_article(dir.path());
    std::fs::write(dir.path().join("second.md"), "Body text here.\n").unwrap();
    std::fs::write(dir.path().join("zempty.txt"), "").unwrap();
    let mut app = app_for(dir.path());
    app.settings.autosave_seconds = 1000.0; // undone before autosave would have run
    let mut h = harness(app);
    assert!(h.state().doc().unwrap().article.path.ends_with("pier.txt"));
    // Tag, undo: back to nothing; leaving writes no sidecar.
    let at = screen_pos(&h, char_index("Critics") + 2);
    click_at(&mut h, at);
    tag(
        &mut h,
        char_index("Critics"),
        char_index(" — including"),
        Key::Num1,
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.state().doc().unwrap().annotations().is_empty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    h.run();
    assert!(h.state().doc().unwrap().article.path.ends_with("second.md"));
    assert!(!tagline::core::sidecar::sidecar_path(&pier).exists());
    // The empty file says it is empty; its notice goes when we leave it.
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    h.run();
    assert!(
        h.state()
            .doc()
            .unwrap()
            .article
            .path
            .ends_with("zempty.txt")
    );
    assert!(
        h.state()
            .notices
            .iter()
            .any(|n| n.text.contains("is empty")),
        "{:?}",
        h.state().notices
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageUp);
    h.run();
    assert!(
        h.state()
            .notices
            .iter()
            .all(|n| !n.text.contains("is empty"))
    );
    for f in ["second.md", "zempty.txt"] {
        assert!(!tagline::core::sidecar::sidecar_path(&dir.path().join(f)).exists());
    }
    // Reopening the folder (a new window with the same settings) returns to second.md.
    let settings = h.state().settings.clone();
    assert!(
        settings
            .last_article
            .get(dir.path())
            .is_some_and(|p| p.ends_with("second.md"))
    );
    let mut app = TaglineApp::new(
        settings,
        None,
        Worker::inline(),
        Box::new(ScriptedDialogs::default()),
        LoadOptions::default(),
    );
    app.open_paths(&[dir.path().to_owned()]);
    let h = harness(app);
    assert!(h.state().doc().unwrap().article.path.ends_with("second.md"));
}

/// The first start asks for the annotator's name and uses it for new annotations.
#[test]
fn first_start_asks_for_the_annotators_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut app = app_for(&path);
    app.settings.annotator_confirmed = false;
    app.settings.annotator = String::new();
    let mut h = harness(app);
    let _ = h.get_by_label_contains("Your name is written into each annotation");
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Annotator name")
        .focus();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Annotator name")
        .type_text("Ana Lima");
    h.run();
    h.get_by_label("Start annotating").click();
    h.run();
    h.run();
    assert!(h.state().settings.annotator_confirmed);
    assert_eq!(h.state().settings.annotator, "Ana Lima");
    assert!(h.query_by_label("Start annotating").is_none());
    let at = screen_pos(&h, char_index("Critics") + 2);
    click_at(&mut h, at);
    tag(
        &mut h,
        char_index("Critics"),
        char_index(" — including"),
        Key::Num1,
    );
    assert_eq!(sidecar(&path)["annotations"][0]["annotator"], "Ana Lima");
}

/// Enter in the typed-path window opens the path.
#[test]
fn enter_submits_the_typed_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let other = dir.path().join("other.txt");
    std::fs::write(&other, "Another story.\n").unwrap();
    let mut h = harness(app_for(&path));
    h.key_press_modifiers(Modifiers::COMMAND, Key::L);
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Article file or folder")
        .type_text(&other.display().to_string());
    h.run();
    h.key_press(Key::Enter);
    h.run();
    h.run();
    assert!(h.state().doc().unwrap().article.path.ends_with("other.txt"));
}

/// Without a file dialog on the desktop, Ctrl+O says so and offers the typed path; "Save
/// annotations as…" offers a typed file name and writes the copy there.
#[test]
fn without_a_file_dialog_the_window_says_so_and_offers_a_typed_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let mut dialogs = ScriptedDialogs::default();
    dialogs.unavailable = true;
    let mut app = crate::util::test_app("tester", 0.0, dialogs);
    app.open_paths(std::slice::from_ref(&path));
    let mut h = harness(app);
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run();
    h.run();
    assert!(
        h.state()
            .notices
            .iter()
            .any(|n| n.text.contains("No file dialog is available"))
    );
    let _ = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Article file or folder");
    h.key_press(Key::Escape);
    h.run();
    // Save as: a typed file name, and the copy is written there.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run();
    h.run();
    let copy = dir.path().join("copy.annotations.json");
    h.get_by_role_and_label(
        egui::accesskit::Role::TextInput,
        "File to write the annotations to",
    )
    .type_text(&copy.display().to_string());
    h.run();
    h.key_press(Key::Enter);
    h.run();
    h.run();
    assert!(copy.exists(), "{:?}", h.state().notices);
}

/// A quote with its source already tagged as a sourcing span, in the pier article.
fn article_with_a_source(dir: &Path) -> (PathBuf, AnnotationId) {
    let path = write_article(dir);
    let (mut doc, _) = tagline::core::Document::open(&path, &LoadOptions::default()).unwrap();
    let source = doc
        .perform(
            tagline::core::Action::Add {
                tag: "sourcing".into(),
                range: tagline::core::CharRange::new(char_index("Zoë"), char_index(" 🎉")),
                attributes: Default::default(),
                note: String::new(),
                status: None,
            },
            "someone",
        )
        .unwrap()
        .and_then(tagline::core::NewId::annotation)
        .unwrap();
    doc.save().unwrap();
    (path, source)
}

/// What a quote, its speaker and its link must end as, whichever way they were made.
fn assert_quote_linked(h: &Harness<'_, TaglineApp>, source: &str) {
    let doc = h.state().doc().unwrap();
    let q = doc
        .annotations()
        .iter()
        .find(|a| a.tag == "quote")
        .expect("a quote");
    assert_eq!(q.text, "the pier is unsafe");
    assert_eq!(
        q.attributes.get("speaker"),
        Some(&AttrValue::Text("Zoë 李明 Okafor".into()))
    );
    let r = doc.relations_of(&q.id).next().expect("a relation");
    assert_eq!((r.kind.as_str(), r.to.as_str()), ("attributed_to", source));
}

/// The goal of the desk: a quote, its speaker and its link to an existing source in at most
/// four inputs and no typed letters, by keyboard alone: Q selects the quotation, 2 tags it, L
/// proposes the nearest source, Enter links it, and the speaker fills itself.
#[test]
fn quote_speaker_and_source_in_four_keys() {
    let dir = tempfile::tempdir().unwrap();
    let (path, source) = article_with_a_source(dir.path());
    let mut h = harness(app_for(&path));
    let mut inputs = 0;
    for key in [Key::Q, Key::Num2, Key::L, Key::Enter] {
        h.key_press(key);
        h.run();
        inputs += 1;
    }
    assert_eq!(inputs, 4);
    assert_quote_linked(&h, &source);
    assert!(h.state().focus.pending_relation.is_none());
    let sc = sidecar(&path);
    assert_eq!(sc["relations"][0]["type"], "attributed_to");
}

/// The same with the mouse: a drag over the quote, 2, "Link: attributed to…", a click on the
/// source: four inputs, no typed letters.
#[test]
fn quote_speaker_and_source_in_four_mouse_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let (path, source) = article_with_a_source(dir.path());
    let mut h = harness(app_for(&path));
    // 1: drag over the quote (snapping gives the words without the marks).
    let from = screen_pos(&h, char_index("the pier is unsafe") + 1);
    let to = screen_pos(&h, char_index("” on Monday") - 1);
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    h.hover_at(to);
    h.run();
    h.drop_at(to);
    h.run();
    // 2: the tag key.
    h.key_press(Key::Num2);
    h.run();
    // 3: the editor's link button.
    h.get_by_label("Link: attributed to…").click();
    h.run();
    // 4: a click on the source.
    let at = screen_pos(&h, char_index("Okafor"));
    click_at(&mut h, at);
    assert_quote_linked(&h, &source);
}

/// Retagging takes the new tag's attributes in one undo step: its defaults are applied and
/// what it does not define goes (a quote's speaker does not stay on a claim); a retag that
/// would leave a relation the scheme forbids is refused with a notice.
#[test]
fn retag_applies_the_new_tags_defaults_and_drops_the_rest_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let (path, source) = article_with_a_source(dir.path());
    let mut h = harness(app_for(&path));
    for key in [Key::Q, Key::Num2, Key::L, Key::Enter] {
        h.key_press(key);
        h.run();
    }
    assert_quote_linked(&h, &source);
    let quote = id_of_tag(&h, "quote");
    let before = h.state().doc().unwrap().annotation(&quote).unwrap().clone();
    h.state_mut().focus.selected = Some(quote.clone());
    h.state_mut().focus.selection = None;
    // A stance cannot be attributed to a source: refused, nothing changes.
    h.key_press(Key::Num3);
    h.run();
    assert_eq!(
        h.state().doc().unwrap().annotation(&quote).unwrap(),
        &before
    );
    assert!(
        h.state()
            .notices
            .iter()
            .any(|n| n.text.contains("attributed_to")),
        "{:?}",
        h.state().notices
    );
    // A claim can: retagged with the claim's defaults, the quote's attributes gone.
    h.key_press(Key::Num1);
    h.run();
    let doc = h.state().doc().unwrap();
    let a = doc.annotation(&quote).unwrap();
    assert_eq!(a.tag, "claim");
    assert!(a.attributes.get("speaker").is_none(), "{:?}", a.attributes);
    assert!(a.attributes.get("kind").is_none(), "{:?}", a.attributes);
    let claim = doc.scheme.tag("claim").unwrap();
    for attr in &claim.attributes {
        assert_eq!(
            a.attributes.get(&attr.name),
            attr.default.as_ref(),
            "{}",
            attr.name
        );
    }
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let doc = h.state().doc().unwrap();
    assert_eq!(doc.annotation(&quote).unwrap(), &before);
}

/// A Windows-1252 article opens decoded, and the status bar says which encoding it is.
#[test]
fn the_status_bar_shows_a_legacy_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cp1252.txt");
    // “Caf\xe9” with curly quotes in Windows-1252.
    std::fs::write(
        &path,
        b"\x93Caf\xe9 owners say rents doubled,\x94 the report said. Na\xefve pricing.\n",
    )
    .unwrap();
    let h = harness(app_for(&path));
    assert!(
        h.state()
            .doc()
            .unwrap()
            .article
            .text
            .as_str()
            .starts_with("“Café")
    );
    let _ = h.get_by_label("windows-1252 (detected)");
}

/// After the article changed: the notice says what moved and links to the lists; orphans and
/// fuzzy moves have their own sections; Keep clears a review mark and reaches the sidecar.
#[test]
fn orphans_and_fuzzy_moves_are_listed_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    let (mut doc, _) = tagline::core::Document::open(&path, &LoadOptions::default()).unwrap();
    for (tag, text) in [
        ("quote", "the pier is unsafe"),
        ("claim", "called the vote rushed"),
        ("sourcing", "the fishing co-op"),
    ] {
        let start = char_index(text);
        doc.perform(
            tagline::core::Action::Add {
                tag: tag.into(),
                range: tagline::core::CharRange::new(start, start + text.chars().count()),
                attributes: Default::default(),
                note: String::new(),
                status: None,
            },
            "someone",
        )
        .unwrap();
    }
    doc.save().unwrap();
    // A typo fixed inside the claim (a fuzzy move) and the co-op's words gone (an orphan).
    let changed = ARTICLE
        .replace("called the vote rushed", "called the vote rushd")
        .replace("including the fishing co-op", "including local fishers");
    std::fs::write(&path, changed).unwrap();
    let mut h = harness(app_for(&path));
    let notice = h
        .state()
        .notices
        .iter()
        .find(|n| n.text.contains("changed since it was annotated"))
        .expect("a notice")
        .text
        .clone();
    assert!(notice.contains("1 moved to text that differs"), "{notice}");
    assert!(notice.contains("1 orphaned"), "{notice}");
    h.get_by_label("Show them").click();
    h.run();
    h.run();
    let _ = h.get_by_label_contains("Orphaned (1)");
    let _ = h.get_by_label_contains("Needs review (1)");
    let _ = h.get_by_label_contains("was “called the vote rushed”");
    h.get_by_label("Keep").click();
    h.run();
    h.run();
    let doc = h.state().doc().unwrap();
    assert!(doc.annotations().iter().all(|a| a.review.is_none()));
    let sc = sidecar(&path);
    assert!(
        sc["annotations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a.get("review").is_none()),
        "{sc}"
    );
}

/// View → Statistics counts the folder once and then follows edits of the open article from
/// memory: a new annotation shows in its figures at once.
#[test]
fn the_statistics_window_counts_the_folder_and_follows_edits() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, _source) = article_with_a_source(dir.path());
    std::fs::write(dir.path().join("second.txt"), "Nothing tagged here yet.\n").unwrap();
    let mut h = harness(app_for(dir.path()));
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Statistics…").click();
    h.run();
    h.run();
    assert!(h.state().windows.stats);
    let stats = h.state().stats.as_ref().expect("counted");
    assert!(!stats.loading);
    assert_eq!(stats.total.articles, 2);
    assert_eq!(stats.total.annotations, 1);
    let _ = h.get_by_label_contains("2 articles · 1 annotations");
    // Tag a claim in the open article: the window's figures follow without a recount.
    let at = screen_pos(&h, char_index("Critics") + 2);
    click_at(&mut h, at);
    tag(
        &mut h,
        char_index("Critics"),
        char_index(" — including"),
        Key::Num1,
    );
    h.run();
    let stats = h.state().stats.as_ref().unwrap();
    assert_eq!(stats.total.annotations, 2);
    assert_eq!(stats.total.tags["claim"].annotations, 1);
    let _ = h.get_by_label_contains("2 articles · 2 annotations");
}

/// Text attributes complete from values already used in the folder: typing "arv" into a
/// quote's speaker offers "Arvind Krishna", tagged in another article; one click sets it.
#[test]
fn text_attributes_complete_from_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("a-earlier.txt");
    std::fs::write(&other, "“We will exit,” said Arvind Krishna.\n").unwrap();
    let (mut doc, _) = tagline::core::Document::open(&other, &LoadOptions::default()).unwrap();
    let mut attrs = std::collections::BTreeMap::new();
    attrs.insert("speaker".into(), AttrValue::Text("Arvind Krishna".into()));
    doc.perform(
        tagline::core::Action::Add {
            tag: "quote".into(),
            range: tagline::core::CharRange::new(1, 13),
            attributes: attrs,
            note: String::new(),
            status: None,
        },
        "someone",
    )
    .unwrap();
    doc.save().unwrap();
    let path = write_article(dir.path());
    let mut app = app_for(dir.path());
    app.settings.autosave_seconds = 1000.0;
    let mut h = harness(app);
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    h.run();
    assert!(h.state().doc().unwrap().article.path.ends_with("pier.txt"));
    let at = screen_pos(&h, char_index("Critics") + 2);
    click_at(&mut h, at);
    let (a, b) = (char_index("the pier is unsafe"), char_index("” on Monday"));
    tag(&mut h, a, b, Key::Num2);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "speaker")
        .focus();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "speaker")
        .type_text("arv");
    h.run();
    h.run();
    h.get_by_label("Arvind Krishna").click();
    h.run();
    h.run();
    let quote = id_of_tag(&h, "quote");
    let doc = h.state().doc().unwrap();
    assert_eq!(
        doc.annotation(&quote).unwrap().attributes.get("speaker"),
        Some(&AttrValue::Text("Arvind Krishna".into()))
    );
    let _ = path;
}

/// Practice mode: the key stays hidden until F8; F8 shows found, missed and extra with the key's
/// explanations and the score; a teacher's tagline.exercise.json turns checking off.
#[test]
fn practice_mode_checks_against_a_hidden_key() {
    let dir = tempfile::tempdir().unwrap();
    let key_dir = dir.path().join("key");
    let class = dir.path().join("exercise");
    std::fs::create_dir_all(&key_dir).unwrap();
    std::fs::create_dir_all(&class).unwrap();
    let key_article = write_article(&key_dir);
    let (mut key, _) =
        tagline::core::Document::open(&key_article, &LoadOptions::default()).unwrap();
    let (a, b) = (char_index("the pier is unsafe"), char_index("” on Monday"));
    key.perform(
        tagline::core::Action::Add {
            tag: "quote".into(),
            range: tagline::core::CharRange::new(a, b),
            attributes: Default::default(),
            note: "The mayor's words, inside the quotation marks.".into(),
            status: None,
        },
        "teacher",
    )
    .unwrap();
    key.save().unwrap();
    let path = write_article(&class);
    let mut h = harness(app_for(&class));
    assert!(
        h.state().doc().unwrap().annotations().is_empty(),
        "the key stays hidden"
    );
    // Practice with key… (typed path), Enter.
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Practice with key…").click();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "The teacher's key folder")
        .type_text(&key_dir.display().to_string());
    h.run();
    h.key_press(Key::Enter);
    h.run();
    h.run();
    assert!(h.state().practice.is_some());
    assert!(
        h.state().doc().unwrap().annotations().is_empty(),
        "still hidden"
    );
    h.key_press(Key::F8);
    h.run();
    h.run();
    let _ = h.get_by_label_contains("0 found, 1 missed, 0 extra");
    let _ = h.get_by_label("The mayor's words, inside the quotation marks.");
    // The student tags the quote and a claim the key does not have, then checks again.
    let at = screen_pos(&h, char_index("Critics") + 2);
    click_at(&mut h, at);
    tag(&mut h, a, b, Key::Num2);
    tag(
        &mut h,
        char_index("Critics"),
        char_index(" — including"),
        Key::Num1,
    );
    h.key_press(Key::F8);
    h.run();
    h.run();
    let _ = h.get_by_label_contains("1 found, 0 missed, 1 extra");
    // A test: checking off.
    std::fs::write(
        class.join("tagline.exercise.json"),
        r#"{"checking": false}"#,
    )
    .unwrap();
    h.key_press(Key::F8);
    h.run();
    assert!(
        h.state()
            .notices
            .iter()
            .any(|n| n.text.contains("Checking is turned off")),
        "{:?}",
        h.state().notices
    );
    let _ = path;
}

/// An article that cannot be read is marked so in the folder list, with the reason on hover.
#[test]
fn unreadable_articles_are_marked_in_the_list() {
    let dir = tempfile::tempdir().unwrap();
    write_article(dir.path());
    std::fs::write(
        dir.path().join("zz-binary.txt"),
        b"\x00\x00\x00\x00\x7fELF\x00\x00\x00\xff\xfe\x00\x00\x00\x01\x02",
    )
    .unwrap();
    let mut h = harness(app_for(dir.path()));
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    h.run();
    h.run();
    let entry = h
        .state()
        .library
        .entries
        .iter()
        .find(|e| e.path.ends_with("zz-binary.txt"))
        .unwrap();
    assert!(entry.unreadable.is_some(), "{:?}", h.state().notices);
    let _ = h.get_by_label_contains("cannot be read");
}

/// Writes the article with three suggestions (as an import would leave them) and returns
/// their ids in reading order.
fn article_with_suggestions(dir: &Path) -> (PathBuf, Vec<AnnotationId>) {
    use tagline::core::{Action, Document, FixedStamps, Origin, OriginKind, Status};
    let path = write_article(dir);
    let (mut doc, _) = Document::open(&path, &LoadOptions::default()).unwrap();
    let mut stamps = FixedStamps::new("2026-12-01T00:00:00Z");
    let mut ids = Vec::new();
    for (text, tag) in [
        ("The mayor", "sourcing"),
        ("the pier is unsafe", "quote"),
        ("called the vote rushed", "claim"),
    ] {
        let start = char_index(text);
        let range = tagline::core::CharRange::new(start, start + text.chars().count());
        let id = doc
            .perform_with(
                Action::Add {
                    tag: tag.into(),
                    range,
                    attributes: Default::default(),
                    note: String::new(),
                    status: Some(Status::Suggested),
                },
                "model",
                &mut stamps,
            )
            .unwrap();
        ids.push(id.and_then(tagline::core::NewId::annotation).unwrap());
    }
    // What an import records: the origin must survive accepting.
    let mut data = doc.snapshot();
    for a in std::sync::Arc::make_mut(&mut data.annotations) {
        a.origin = Some(Box::new(Origin {
            model: Some("ner-v1".into()),
            ..Origin::new(OriginKind::Import)
        }));
    }
    let sc = tagline::core::sidecar::sidecar_path(&path);
    let _ = std::fs::remove_file(&sc);
    data.save_to(&sc).unwrap();
    (path, ids)
}

#[test]
fn suggestions_are_reviewed_with_one_key_each() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = article_with_suggestions(dir.path());
    let mut h = harness(app_for(&path));
    let _ = h.get_by_label_contains("3 suggestions to review");
    // Keyboard focus in the article, then the list shows suggestions only.
    let at = screen_pos(&h, char_index("Critics") + 2);
    click_at(&mut h, at);
    h.get_by_label("Suggestions only (3 to review)").click();
    h.run();
    assert!(h.state().list.filter.suggested);
    assert_eq!(h.state().list.rows.len(), 3);
    // J: the first suggestion; A accepts it and moves on to the next.
    h.key_press(Key::J);
    h.run();
    assert_eq!(h.state().focus.selected.as_deref(), Some(ids[0].as_str()));
    h.key_press(Key::A);
    h.run();
    let status = |h: &Harness<'_, TaglineApp>, id: &str| {
        h.state().doc().unwrap().annotation(id).map(|a| a.status)
    };
    assert_eq!(status(&h, &ids[0]), Some(None), "accepted: ordinary now");
    assert_eq!(h.state().focus.selected.as_deref(), Some(ids[1].as_str()));
    // X rejects the quote suggestion and moves on.
    h.key_press(Key::X);
    h.run();
    assert_eq!(status(&h, &ids[1]), None, "rejected: gone");
    assert_eq!(h.state().focus.selected.as_deref(), Some(ids[2].as_str()));
    let _ = h.get_by_label_contains("1 suggestion to review");
    // Shift+A accepts what is left, in one undoable step.
    h.key_press_modifiers(Modifiers::SHIFT, Key::A);
    h.run();
    assert_eq!(status(&h, &ids[2]), Some(None));
    assert_eq!(h.state().list.suggestions, 0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        status(&h, &ids[2]),
        Some(Some(tagline::core::Status::Suggested))
    );
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    // On disk: two annotations, ordinary, each still saying where it came from.
    let json = sidecar(&path);
    let anns = json["annotations"].as_array().unwrap();
    assert_eq!(anns.len(), 2);
    for a in anns {
        assert!(a.get("status").is_none(), "{a}");
        assert_eq!(a["origin"]["kind"], "import");
        assert_eq!(a["origin"]["model"], "ner-v1");
    }
    let kept: Vec<&str> = anns.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(kept, [ids[0].as_str(), ids[2].as_str()]);
}

#[test]
fn edit_menu_suggests_quotes_as_one_undoable_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ibm-layoffs.txt");
    std::fs::copy(
        crate::util::fixtures_dir().join("suggest/ibm-layoffs.txt"),
        &path,
    )
    .unwrap();
    let mut h = harness(app_for(&path));
    h.get_by_label("Edit").click();
    h.run();
    h.get_by_label("Suggest quotes and sources").click();
    h.run();
    let doc = h.state().doc().unwrap();
    let added = doc.annotations().len();
    assert!(added >= 5, "{added} suggestions");
    assert!(
        doc.annotations()
            .iter()
            .all(|a| a.status == Some(tagline::core::Status::Suggested) && a.origin.is_some())
    );
    assert!(!doc.relations().is_empty());
    // Again: nothing new.
    h.state_mut().apply_intent(
        &egui::Context::default(),
        tagline::gui::app::Intent::SuggestQuotes,
    );
    assert_eq!(h.state().doc().unwrap().annotations().len(), added);
    // One undo takes them all away.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let doc = h.state().doc().unwrap();
    assert!(doc.annotations().is_empty() && doc.relations().is_empty());
}

/// Sources are people, not strings: a sourcing span named "Okafor" in a second article is
/// offered the entity the folder already knows ("Zoë 李明 Okafor", given in the first), one
/// click sets it, and a quote linked to it takes the entity as its speaker.
#[test]
fn a_new_source_is_offered_the_entity_the_folder_knows() {
    use tagline::core::{Action, CharRange, Document};
    let dir = tempfile::tempdir().unwrap();
    let (first, source) = article_with_a_source(dir.path());
    let (mut doc, _) = Document::open(&first, &LoadOptions::default()).unwrap();
    doc.perform(
        Action::SetEntity {
            id: source,
            entity: "  Zoë 李明 Okafor ".into(),
        },
        "someone",
    )
    .unwrap();
    doc.save().unwrap();
    assert_eq!(
        sidecar(&first)["annotations"][0]["entity"],
        "Zoë 李明 Okafor"
    );
    let second = dir.path().join("pier-follow-up.txt");
    let text = "Okafor said “we will rebuild the pier” after the vote.\n";
    std::fs::write(&second, text).unwrap();
    let mut h = harness(app_for(dir.path()));
    h.state_mut().open_paths(std::slice::from_ref(&second));
    h.run();
    h.run();
    let source_range = CharRange::new(0, "Okafor".chars().count());
    tag(&mut h, source_range.start, source_range.end, Key::Num4);
    let id = id_of_tag(&h, "sourcing");
    h.state_mut().focus.selected = Some(id.clone());
    h.run();
    h.get_by_label("Zoë 李明 Okafor").click();
    h.run();
    let entity = |h: &Harness<'_, TaglineApp>| {
        h.state()
            .doc()
            .unwrap()
            .annotation(&id)
            .unwrap()
            .entity
            .clone()
    };
    assert_eq!(entity(&h), "Zoë 李明 Okafor");
    // A quote linked to it takes the entity, not the span's words, as its speaker.
    let q0 = text
        .find("we will")
        .map(|b| text[..b].chars().count())
        .unwrap();
    let q1 = text
        .find("” after")
        .map(|b| text[..b].chars().count())
        .unwrap();
    tag(&mut h, q0, q1, Key::Num2);
    let quote = id_of_tag(&h, "quote");
    h.state_mut().perform(Action::Relate {
        kind: "attributed_to".into(),
        from: quote.clone(),
        to: id.clone(),
        note: String::new(),
    });
    h.run();
    let doc = h.state().doc().unwrap();
    assert_eq!(
        doc.annotation(&quote).unwrap().attributes.get("speaker"),
        Some(&AttrValue::Text("Zoë 李明 Okafor".into()))
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let sc = sidecar(&second);
    let src = sc["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["tag"] == "sourcing")
        .unwrap()
        .clone();
    assert_eq!(src["entity"], "Zoë 李明 Okafor");
}

/// View → Story groups the folder's quotes across outlets with the differing words marked,
/// and clicking a variant in another outlet opens that article with the variant selected.
#[test]
fn the_story_window_groups_variants_and_opens_the_one_clicked() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/story");
    for e in std::fs::read_dir(&fixture).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".md") || name.ends_with(".annotations.json") {
            std::fs::copy(&p, dir.path().join(&name)).unwrap();
        }
    }
    let mut h = harness(app_for(dir.path()));
    h.run();
    let first = h.state().doc().unwrap().article.path.clone();
    h.state_mut().run_command(
        &egui::Context::default(),
        tagline::gui::app::commands::UiCommand::ShowStory,
    );
    h.run();
    h.run();
    let state = h.state().story.as_ref().expect("the story was asked for");
    assert!(!state.loading);
    let result = state.result.as_ref().expect("grouped");
    assert_eq!(result.story.articles.len(), 5);
    // The mayor's quote, as the Gazette has it and as Coastline rewords it, in one group.
    let group = result
        .story
        .groups
        .iter()
        .find(|g| {
            g.members
                .iter()
                .any(|m| m.text.contains("we will not condone cutting corners"))
        })
        .expect("the mayor's quote is grouped");
    // A variant in another outlet than the open one, worded as no other variant is and
    // leaving nothing of the reference out (its label is then its text).
    let coastline = group
        .members
        .iter()
        .find(|m| {
            result.paths[m.article] != first
                && group.members.iter().filter(|o| o.text == m.text).count() == 1
                && !m
                    .diff
                    .iter()
                    .any(|p| matches!(p, tagline::analysis::story::Piece::Missing(_)))
        })
        .expect("a variant elsewhere")
        .clone();
    // The variants' differing words are marked against the group's reference.
    assert!(
        group.members.iter().any(|m| m
            .diff
            .iter()
            .any(|p| matches!(p, tagline::analysis::story::Piece::Changed(_)))),
        "{:?}",
        group.members.iter().map(|m| &m.diff).collect::<Vec<_>>()
    );
    let target = result.paths[coastline.article].clone();
    assert_ne!(target, first);
    let _ = h.get_by_label_contains("carried by more than one outlet");
    h.get_by_label(&coastline.text).click();
    h.run();
    h.run();
    h.run();
    let app = h.state();
    let doc = app.doc().unwrap();
    assert_eq!(doc.article.path, target);
    match &coastline.annotation {
        Some(id) => assert_eq!(app.focus.selected.as_deref(), Some(id.as_str())),
        None => assert_eq!(
            app.focus.selection.map(|s| s.range()),
            Some(coastline.range)
        ),
    }
}

#[test]
fn file_import_adds_to_the_open_article_as_one_undo_step_and_writes_new_articles() {
    let dir = tempfile::tempdir().unwrap();
    write_article(dir.path());
    let (qs, qe) = (
        char_index("the pier is unsafe"),
        char_index("the pier is unsafe") + 18,
    );
    let input = dir.path().join("export.jsonl");
    let lines = [
        serde_json::json!({"text": ARTICLE, "label": [[qs, qe, "quote"], [0, 7, "claim"]]}),
        serde_json::json!({"text": "A new story.\n", "meta": {"file": "new.txt"}, "spans": [{"start": 2, "end": 5, "label": "claim"}]}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&input, text).unwrap();
    let mut dialogs = ScriptedDialogs::default();
    dialogs.answers.push_back(Some(input.clone()));
    let mut app = crate::util::test_app("tester", 0.0, dialogs);
    app.open_paths(&[dir.path().to_owned()]);
    let mut h = harness(app);
    assert!(h.state().doc().unwrap().article.path.ends_with("pier.txt"));
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Import…").click();
    h.run();
    h.run();
    let doc = h.state().doc().unwrap();
    let texts: Vec<&str> = doc.annotations().iter().map(|a| a.text.as_str()).collect();
    assert_eq!(texts, ["Harbour", "the pier is unsafe"]);
    assert_eq!(doc.undo_label().as_deref(), Some("import 2 annotation(s)"));
    assert_eq!(
        doc.annotations()[0]
            .origin
            .as_ref()
            .unwrap()
            .format
            .as_deref(),
        Some("jsonl")
    );
    // The other record became an article of the folder, with its sidecar, and is listed.
    let new = dir.path().join("new.txt");
    assert_eq!(std::fs::read_to_string(&new).unwrap(), "A new story.\n");
    assert_eq!(sidecar(&new)["annotations"][0]["text"], "new");
    assert_eq!(h.state().library.entries.len(), 2);
    // One undo takes the open article's import back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.state().doc().unwrap().annotations().is_empty());
}

/// Tagging a quote offers its variants as suggestions: a reworded copy in another article of
/// the folder (written to that article's sidecar, origin `story`) and a repeat in this one
/// (added as one undoable step), reviewed with the same keys as other suggestions.
#[test]
fn a_tagged_quote_is_suggested_where_its_variants_are() {
    let dir = tempfile::tempdir().unwrap();
    let quote = "We firmly oppose any attempt to delay these repairs";
    let a = dir.path().join("a-gazette.txt");
    let a_text = format!(
        "“{quote},” said Mayor Dana Whitlock on Tuesday.\n\nLater she repeated: “{quote}.”\n"
    );
    std::fs::write(&a, &a_text).unwrap();
    let b = dir.path().join("b-ledger.txt");
    std::fs::write(
        &b,
        "Whitlock said: “We strongly oppose any attempt to delay the repairs.”\n\nThe bridge shuts in March.\n",
    )
    .unwrap();
    let c = dir.path().join("c-weather.txt");
    std::fs::write(&c, "Rain is expected on Tuesday across the region.\n").unwrap();
    let mut h = harness(app_for(dir.path()));
    h.state_mut().open_paths(std::slice::from_ref(&a));
    h.run();
    h.run();
    assert_eq!(h.state().doc().unwrap().article.path, a);
    let start = a_text
        .find(quote)
        .map(|i| a_text[..i].chars().count())
        .unwrap();
    tag(&mut h, start, start + quote.chars().count(), Key::Num2);
    h.run();
    h.run();
    let original = id_of_tag(&h, "quote");
    // In this article: the repeat, as a suggestion.
    let doc = h.state().doc().unwrap();
    let suggested: Vec<_> = doc
        .annotations()
        .iter()
        .filter(|x| x.status == Some(tagline::core::Status::Suggested))
        .collect();
    assert_eq!(suggested.len(), 1, "{:?}", doc.annotations());
    assert_eq!(suggested[0].text, quote);
    let origin = suggested[0].origin.as_ref().unwrap();
    assert_eq!(origin.kind, tagline::core::OriginKind::Story);
    assert_eq!(origin.from, [format!("tester:{original}")]);
    let _ = h.get_by_label_contains("1 more place(s) in this article");
    // In the other outlet: the reworded variant, on disk, nothing in the unrelated article.
    let sc = sidecar(&b);
    let anns = sc["annotations"].as_array().unwrap();
    assert_eq!(anns.len(), 1);
    assert_eq!(anns[0]["tag"], "quote");
    assert_eq!(anns[0]["status"], "suggested");
    assert_eq!(anns[0]["origin"]["kind"], "story");
    assert!(
        anns[0]["text"]
            .as_str()
            .unwrap()
            .contains("oppose any attempt to delay the repairs"),
        "{sc}"
    );
    assert!(!tagline::core::sidecar::sidecar_path(&c).exists());
    // Reviewed like any suggestion: X rejects the repeat here.
    let repeat = suggested[0].id.clone();
    h.state_mut().focus.selected = Some(repeat.clone());
    let at = screen_pos(&h, 2);
    click_at(&mut h, at);
    h.state_mut().focus.selected = Some(repeat.clone());
    h.key_press(Key::X);
    h.run();
    assert!(h.state().doc().unwrap().annotation(&repeat).is_none());
}

/// The annotations panel opens at its default width and shows the article labels' names
/// whole: egui keeps the size a panel's (and a grid column's) content took, so a narrow first
/// frame (the "Reading annotations…" spinner) once left the panel at its minimum with "Ove…"
/// and "Com…" for names. Whether a spinner frame comes first depends on the worker thread's
/// timing (it did in one run on the old code: 199 px); the outcome is checked every time.
#[test]
fn the_annotations_panel_opens_wide_enough_for_its_label_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_article(dir.path());
    // The real background worker, as the window runs it: the first frames wait for it.
    let settings = Settings {
        annotator: "tester".into(),
        annotator_confirmed: true,
        ..Settings::default()
    };
    let mut app = TaglineApp::new(
        settings,
        None,
        Worker::spawn(|| {}),
        Box::new(ScriptedDialogs::default()),
        LoadOptions::default(),
    );
    app.open_paths(&[path]);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 820.0))
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut TaglineApp| app.show(ui), app);
    for _ in 0..500 {
        // While the worker reads, the spinner asks for frames without end: on a busy machine
        // `run` would take that for a hang, so its error is not one here.
        let _ = h.try_run();
        if h.query_by_label("Annotations (0)").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    h.run();
    let heading = h.get_by_label("Annotations (0)").rect();
    assert!(
        1280.0 - heading.min.x > 300.0,
        "the panel is {} px wide",
        1280.0 - heading.min.x
    );
    let name = h.get_by_label("Overall stance").rect();
    let whole = h.ctx.fonts_mut(|f| {
        f.layout_no_wrap(
            "Overall stance".into(),
            egui::FontId::proportional(14.0),
            egui::Color32::BLACK,
        )
        .size()
        .x
    });
    assert!(
        name.width() >= whole,
        "“Overall stance” has {} px, needs {whole}",
        name.width()
    );
}
