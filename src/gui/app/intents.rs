//! Intents: what panels, keys and the view ask for, and the one place that acts on them ([`TaglineApp::apply_intent`]).

use std::path::{Path, PathBuf};
use std::time::Instant;

use egui::{Context, ViewportCommand};

use crate::core::text::nav as text_nav;
use crate::core::{Action, AnnotationId};
use crate::settings::{Settings, Theme};

use crate::gui::app::commands::UiCommand;
use crate::gui::dialogs::Pick;
use crate::gui::focus::Selection;

use super::*;
use crate::gui::app::PathPurpose;
use crate::gui::app::state::FolderStats;
use crate::gui::focus::PendingRelation;
use crate::gui::worker::Job;

/// What keys, panels and the article view ask the app to do; [`TaglineApp::apply_intent`] is
/// the one place that acts on them.
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub enum Intent {
    /// A command.
    Command(UiCommand),
    /// A document edit.
    Perform(Action),
    /// Tag the current selection.
    TagSelection(String),
    /// A tag's key: retag the selected annotation when no text is selected, else tag the
    /// selection.
    TagKey(String),
    /// Group the folder's story again (the Story window's Refresh).
    RefreshStory,
    /// Open this article (when it is not the open one) and select this span or annotation.
    GoTo {
        /// The article.
        path: PathBuf,
        /// The span to show.
        range: crate::core::CharRange,
        /// The annotation to select, when the span is one.
        id: Option<AnnotationId>,
    },
    /// Select an annotation (or none), scrolling to it when `scroll`.
    Select {
        /// The annotation.
        id: Option<AnnotationId>,
        /// Scroll the article to it.
        scroll: bool,
    },
    /// Set the text selection (or caret).
    SetSelection(Option<Selection>),
    /// The pointer is over this annotation (or none).
    Hover(Option<AnnotationId>),
    /// Resize an annotation to the text selection.
    ResizeToSelection {
        /// The annotation.
        id: AnnotationId,
    },
    /// Start linking from an annotation: the next chosen annotation is the target.
    StartRelation {
        /// The relation type.
        kind: String,
        /// The annotation it starts from.
        from: AnnotationId,
    },
    /// Stop linking.
    CancelRelation,
    /// Open a path (article or folder).
    Open(PathBuf),
    /// Save a copy of the annotations to this file.
    SaveCopyTo(PathBuf),
    /// Practise against the key in this folder.
    PracticeKey(PathBuf),
    /// Import the annotations of this file into the open folder.
    ImportFrom(PathBuf),
    /// A notice's button.
    Notice {
        /// Which notice.
        index: usize,
        /// Which of its ways forward.
        action: NoticeAction,
    },
    /// Close a notice.
    Dismiss {
        /// Which notice.
        index: usize,
    },
    /// Step through search hits.
    SearchStep {
        /// Backwards.
        back: bool,
    },
    /// Show one annotator's work only (`None`: everyone).
    FilterAnnotator(Option<String>),
    /// Settings changed (applied and saved).
    SettingsChanged,
    /// New settings from the Settings window.
    SetSettings(Box<Settings>),
    /// Filter the annotation list.
    FilterList(ListFilter),
    /// Filter the folder list by name.
    FilterLibrary(String),
    /// Edit → Suggest quotes and sources: the built-in suggester's proposals, added to the
    /// open article as suggestions in one undo step.
    SuggestQuotes,
    /// Compare and adjudicate (the compare window and panel).
    Compare(crate::gui::app::compare::CompareIntent),
    /// Open or close a floating window.
    ShowWindow {
        /// The window.
        window: PanelWindow,
        /// Open it (or close it).
        open: bool,
    },
}

impl TaglineApp {
    /// Applies what a panel asked for.
    pub fn apply_intent(&mut self, ctx: &Context, intent: Intent) {
        match intent {
            Intent::Command(c) => self.run_command(ctx, c),
            Intent::Compare(c) => self.apply_compare(c),
            // A comparison is read-only: its view has no document edits to offer.
            Intent::Perform(_) | Intent::TagSelection(_) | Intent::TagKey(_)
                if self.compare.session.is_some() =>
            {
                self.notify(
                    Level::Info,
                    "The comparison is read-only: A accepts, X rejects, Shift+A accepts all agreed (Close comparison to annotate).",
                    vec![],
                );
            }
            Intent::Perform(action) => self.perform(action),
            Intent::SuggestQuotes => self.suggest_quotes(),
            Intent::TagSelection(tag) => self.tag_selection(&tag),
            Intent::TagKey(tag) => match self.focus.selected.clone() {
                // With an annotation selected and no text selected, the key retags it.
                Some(id) if self.focus.selection.is_none_or(|s| s.range().is_empty()) => {
                    self.perform(Action::Retag { id, tag });
                }
                _ => self.tag_selection(&tag),
            },
            Intent::Select { id, scroll } => {
                if let Some(PendingRelation { kind, from, .. }) =
                    self.focus.pending_relation.clone()
                    && let Some(to) = &id
                    && to != &from
                {
                    self.focus.pending_relation = None;
                    self.perform(Action::Relate {
                        kind,
                        from,
                        to: to.clone(),
                        note: String::new(),
                    });
                }
                if scroll
                    && let Some(id) = &id
                    && let Some(doc) = self.open.as_ref().map(|o| &o.doc)
                    && let Some(a) = doc.annotation(id)
                {
                    let start = a.range.start;
                    self.view.scroll_to_char(doc, start);
                }
                self.focus.selected = id;
            }
            Intent::ResizeToSelection { id } => {
                if let Some(sel) = self.focus.selected_range() {
                    self.perform(Action::Resize { id, range: sel });
                }
            }
            Intent::StartRelation { kind, from } => {
                let candidate = self
                    .doc()
                    .and_then(|d| d.relation_candidates(&from, &kind).into_iter().next());
                self.focus.pending_relation = Some(PendingRelation {
                    kind,
                    from,
                    candidate,
                });
            }
            Intent::SetSelection(selection) => self.focus.selection = selection,
            Intent::Hover(id) => self.focus.hovered = id,
            Intent::CancelRelation => self.focus.pending_relation = None,
            Intent::Open(p) => self.open_path(p),
            Intent::SaveCopyTo(p) => self.use_picked_path(Pick::SaveCopy, p),
            Intent::ImportFrom(p) => self.use_picked_path(Pick::Import, p),
            Intent::PracticeKey(key_dir) => {
                self.practice = Some(crate::gui::app::practice::Practice {
                    key_dir,
                    check: None,
                });
                let allowed = self
                    .doc()
                    .is_none_or(|d| crate::gui::app::practice::checking_allowed(&d.article.path));
                self.notify(
                    Level::Info,
                    if allowed {
                        "Practice mode: annotate as usual, then press F8 (Check my work) to compare with the key."
                    } else {
                        "Practice mode, but checking is turned off for this exercise (a test)."
                    },
                    vec![],
                );
            }
            Intent::Notice { index: i, action } => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
                self.notice_action(ctx, action);
            }
            Intent::Dismiss { index: i } => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
            Intent::SearchStep { back } => self.search_step(back),
            Intent::FilterAnnotator(who) => self.annotator_filter = who,
            Intent::SetSettings(settings) => {
                self.settings = *settings;
                self.apply_intent(ctx, Intent::SettingsChanged);
            }
            Intent::FilterList(filter) => self.list.filter = filter,
            Intent::FilterLibrary(text) => self.library.filter = text,
            Intent::ShowWindow {
                window: PanelWindow::Settings,
                open,
            } => {
                self.windows.settings = open;
                if !open {
                    self.buffers.settings_draft = None;
                }
            }
            Intent::ShowWindow {
                window: PanelWindow::Help,
                open,
            } => self.windows.help = open,
            Intent::ShowWindow {
                window: PanelWindow::Stats,
                open,
            } => {
                self.windows.stats = open;
                if open {
                    self.start_stats();
                }
            }
            Intent::ShowWindow {
                window: PanelWindow::Story,
                open,
            } => {
                self.windows.story = open;
                if open && self.story.is_none() {
                    self.start_story();
                }
            }
            Intent::RefreshStory => self.start_story(),
            Intent::GoTo { path, range, id } => {
                if self.doc().is_some_and(|d| d.article.path == path) {
                    self.go_to(range, id);
                } else {
                    self.pending_goto = Some((path.clone(), range, id));
                    self.open_article(path);
                }
            }
            Intent::SettingsChanged => {
                apply_theme(ctx, self.settings.theme);
                self.save_settings();
            }
        }
    }

    /// Offers a quote or claim just tagged where its variants are (the folder's other
    /// articles, its own other occurrences), in the background, when the setting is on.
    pub(super) fn start_variants(&mut self, id: AnnotationId) {
        let Some(open) = self.open.as_ref().filter(|o| o.ready) else {
            return;
        };
        let Some(a) = open.doc.annotation(&id) else {
            return;
        };
        if !self.settings.suggest_variants
            || a.status == Some(crate::core::Status::Suggested)
            || crate::analysis::story::Kind::of_tag(&a.tag).is_none()
        {
            return;
        }
        let snap = open.doc.snapshot();
        let path = open.doc.article.path.clone();
        let others = self
            .library
            .entries
            .iter()
            .map(|e| e.path.clone())
            .filter(|p| *p != path)
            .collect();
        self.worker
            .submit(Job::Variants(Box::new(crate::gui::worker::VariantsJob {
                annotation: a.clone(),
                open: (
                    std::sync::Arc::clone(&open.doc.article),
                    snap.annotations,
                    snap.relations,
                ),
                others,
                annotator: self.settings.annotator.clone(),
                options: self.load_options,
            })));
    }

    /// What the variants of a tagged span became: suggestions in other articles (already
    /// written) and, as one undoable step, in this one.
    pub(super) fn on_variants(&mut self, found: crate::gui::worker::VariantsFound) {
        let mut here = 0;
        if let Some(open) = self.open.as_mut().filter(|o| o.ready)
            && let Some(a) = open.doc.annotation(&found.id).cloned()
            && !found.here.is_empty()
        {
            let name = open.doc.article.file_name();
            let spans = found
                .here
                .iter()
                .filter_map(|r| {
                    let text = open.doc.article.text.slice(*r)?.to_owned();
                    Some(crate::analysis::story::variant_suggestion(
                        &a, &name, *r, &text,
                    ))
                })
                .collect();
            let batch = crate::core::ImportBatch {
                spans,
                ..Default::default()
            };
            if let Ok(outcome) = open.doc.import_with(
                batch,
                &self.settings.annotator,
                &mut crate::core::SystemStamps,
            ) {
                here = outcome.spans;
                if here > 0 {
                    self.last_edit = Some(Instant::now());
                }
            }
        }
        let elsewhere = found.elsewhere.len();
        if here + elsewhere > 0 {
            let names: Vec<String> = found
                .elsewhere
                .iter()
                .filter_map(|(p, _)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect();
            for (path, summary) in found.elsewhere {
                if let Some(e) = self.library.entries.iter_mut().find(|e| e.path == path) {
                    e.summary = Some(summary);
                }
            }
            let mut msg = String::from("The same words, as suggestions to review (A / X): ");
            if here > 0 {
                msg.push_str(&format!("{here} more place(s) in this article"));
            }
            if elsewhere > 0 {
                if here > 0 {
                    msg.push_str("; ");
                }
                msg.push_str(&format!(
                    "{elsewhere} other article(s): {}",
                    names.join(", ")
                ));
            }
            msg.push('.');
            self.notify(Level::Info, msg, vec![]);
            self.refresh_summary();
        }
        for f in found.failed {
            self.notify(Level::Warning, format!("Not suggested in {f}"), vec![]);
        }
    }

    /// The open folder's articles, or the open article alone when no folder is open: what
    /// the Statistics and Story windows count.
    fn folder_articles(&self) -> Vec<PathBuf> {
        if self.library.entries.is_empty() {
            self.doc()
                .map(|d| vec![d.article.path.clone()])
                .unwrap_or_default()
        } else {
            self.library
                .entries
                .iter()
                .map(|e| e.path.clone())
                .collect()
        }
    }

    /// Groups the folder's story in the background (the open article from memory).
    pub(super) fn start_story(&mut self) {
        let paths = self.folder_articles();
        let open = self.open.as_ref().filter(|o| o.ready).map(|o| {
            let snap = o.doc.snapshot();
            (
                std::sync::Arc::clone(&o.doc.article),
                snap.annotations,
                snap.relations,
            )
        });
        let state = self.story.get_or_insert_with(Default::default);
        state.loading = !paths.is_empty();
        if !paths.is_empty() {
            self.worker
                .submit(Job::Story(Box::new(crate::gui::worker::StoryJob {
                    paths,
                    root: self.library.root.clone(),
                    open,
                    options: self.load_options,
                })));
        }
    }

    /// Selects `range` in the open article (and the annotation `id`, when it is there) and
    /// scrolls to it.
    pub(super) fn go_to(&mut self, range: crate::core::CharRange, id: Option<AnnotationId>) {
        let Some(doc) = self.open.as_ref().map(|o| &o.doc) else {
            return;
        };
        self.view.scroll_to_char(doc, range.start);
        let id = id.filter(|i| doc.annotation(i).is_some());
        if id.is_some() {
            self.focus.selection = None;
        } else {
            self.focus.selection = Some(Selection {
                anchor: range.start,
                head: range.end,
            });
        }
        self.focus.selected = id;
    }

    pub(super) fn notice_action(&mut self, ctx: &Context, action: NoticeAction) {
        match action {
            // The reload reports a sidecar problem like an opening does.
            NoticeAction::ReloadFromDisk => self.reload_from_disk(false),
            NoticeAction::MergeFromDisk => self.merge_from_disk(),
            NoticeAction::RestoreRecovery(file) => self.restore_recovery(&file),
            NoticeAction::DiscardRecovery(file) => self.discard_recovery(&file),
            NoticeAction::SaveCopy => self.run_command(ctx, UiCommand::SaveCopy),
            NoticeAction::RetrySave => {
                self.save_blocked = false;
                self.save_now();
            }
            NoticeAction::OpenPath => {
                self.buffers.typed_path = Some((PathPurpose::Open, String::new()));
            }
            NoticeAction::ShowLists => {
                self.list.show_lists = true;
                self.buffers.hide_right = false;
            }
            NoticeAction::QuitWithoutSaving => {
                self.force_quit = true;
                self.drop_journal();
                ctx.send_viewport_cmd(ViewportCommand::Close);
            }
        }
    }

    /// Applies a core action to the open document through its one edit path.
    pub fn perform(&mut self, action: Action) {
        let Some(open) = &mut self.open else { return };
        if !open.ready {
            return;
        }
        let removing = match &action {
            Action::Remove { id } => Some(id.clone()),
            _ => None,
        };
        match open.doc.perform(action, &self.settings.annotator) {
            Ok(made) => {
                self.last_edit = Some(Instant::now());
                let added = made.and_then(crate::core::NewId::annotation);
                if let Some(id) = &added {
                    self.focus.selected = Some(id.clone());
                }
                if removing.is_some() && removing == self.focus.selected {
                    self.focus.selected = None;
                }
                self.refresh_summary();
                if let Some(id) = added {
                    self.start_variants(id);
                }
            }
            Err(crate::core::EditError::NoChange) => {}
            Err(e) => self.notify(Level::Warning, e.to_string(), vec![]),
        }
    }

    /// Adds the built-in suggester's quotes, sources and links to the open document as
    /// suggestions (what is already annotated is left out): one edit, one undo step.
    pub fn suggest_quotes(&mut self) {
        use crate::analysis::suggest::{plan_suggestions, suggest};
        let Some(open) = &mut self.open else { return };
        if !open.ready {
            return;
        }
        let proposals = suggest(&open.doc.article.text, &open.doc.scheme);
        let planned = plan_suggestions(
            &open.doc,
            &proposals,
            &self.settings.annotator,
            &mut crate::core::SystemStamps,
        );
        let (level, text) = match planned {
            Ok((Some(edit), s)) => match open.doc.apply(edit) {
                Ok(()) => (
                    Level::Info,
                    format!(
                        "Suggested {} quote(s) and source(s) and {} link(s) to review; {} already \
                         annotated.",
                        s.added, s.links, s.skipped
                    ),
                ),
                Err(e) => (Level::Warning, e.to_string()),
            },
            Ok((None, s)) => (
                Level::Info,
                format!("Nothing new to suggest ({} already annotated).", s.skipped),
            ),
            Err(e) => (Level::Warning, e.to_string()),
        };
        self.last_edit = Some(Instant::now());
        self.refresh_summary();
        self.notify(level, text, vec![]);
    }

    /// Tags the current text selection.
    pub fn tag_selection(&mut self, tag: &str) {
        let Some(sel) = self.focus.selection.map(|s| s.range()) else {
            self.notify(
                Level::Info,
                "Select some text first, then press the tag's key.",
                vec![],
            );
            return;
        };
        // With snapping on, a selection made by keyboard is trimmed as mouse snapping trims:
        // no surrounding spaces, quote marks or commas.
        let sel = match self.doc() {
            Some(d) if self.settings.snap_to_words => text_nav::trim_edges(&d.article.text, sel),
            _ => sel,
        };
        if sel.is_empty() {
            self.notify(
                Level::Info,
                "Select some text first, then press the tag's key.",
                vec![],
            );
            return;
        }
        self.perform(Action::Add {
            tag: tag.to_owned(),
            range: sel,
            attributes: Default::default(),
            note: String::new(),
            status: None,
        });
        self.focus.selection = Some(Selection {
            anchor: sel.end,
            head: sel.end,
        });
    }

    pub(super) fn undo(&mut self) {
        if let Some(open) = &mut self.open
            && open.doc.undo()
        {
            self.last_edit = Some(Instant::now());
            self.refresh_summary();
        }
    }

    pub(super) fn redo(&mut self) {
        if let Some(open) = &mut self.open
            && open.doc.redo()
        {
            self.last_edit = Some(Instant::now());
            self.refresh_summary();
        }
    }

    pub(super) fn step_article(&mut self, delta: isize) {
        let n = self.library.entries.len();
        if n == 0 {
            return;
        }
        let current = self
            .open
            .as_ref()
            .map(|o| o.doc.article.path.clone())
            .or_else(|| self.loading.clone())
            .and_then(|p| self.library.entries.iter().position(|e| e.path == p));
        let next = match current {
            Some(i) => (i as isize + delta).clamp(0, n as isize - 1) as usize,
            None => 0,
        };
        if Some(next) != current {
            let path = self.library.entries[next].path.clone();
            self.open_article(path);
        }
    }

    pub(super) fn search_step(&mut self, back: bool) {
        let Some(doc) = self.open.as_ref().map(|o| &o.doc) else {
            return;
        };
        let hits = &self.search.hits;
        if hits.is_empty() {
            return;
        }
        let next = match self.search.current {
            Some(i) if back => (i + hits.len() - 1) % hits.len(),
            Some(i) => (i + 1) % hits.len(),
            None => 0,
        };
        self.search.current = Some(next);
        let hit = hits[next];
        self.view.scroll_to_char(doc, hit.start);
        self.focus.selection = Some(Selection {
            anchor: hit.start,
            head: hit.end,
        });
    }

    pub(super) fn update_search(&mut self) {
        if self.search.query == self.search.searched {
            return;
        }
        self.search.searched = self.search.query.clone();
        let Some(doc) = self.open.as_ref().map(|o| &o.doc) else {
            return;
        };
        self.search.hits = std::sync::Arc::new(text_nav::find_all(
            &doc.article.text,
            &self.search.query,
            100_000,
        ));
        self.search.current = None;
        if !self.search.hits.is_empty() {
            // Jump to the first hit at or after the viewport's top.
            self.search_step(false);
        }
    }

    /// Runs a command.
    pub fn run_command(&mut self, ctx: &Context, cmd: UiCommand) {
        let start_dir = self
            .doc()
            .and_then(|d| d.article.path.parent().map(Path::to_owned))
            .or_else(|| self.settings.last_folder.clone());
        match cmd {
            UiCommand::OpenArticle => self.dialogs.start(Pick::Article, start_dir, None),
            UiCommand::OpenFolder => self.dialogs.start(Pick::Folder, start_dir, None),
            UiCommand::OpenPath => {
                self.buffers.typed_path = Some((PathPurpose::Open, String::new()));
            }
            UiCommand::Import => self.dialogs.start(Pick::Import, start_dir, None),
            UiCommand::Save => {
                // On the worker like autosave, so a 100,000-annotation save never blocks a
                // frame; a save already under way is followed by autosave for newer edits.
                self.save_blocked = false;
                if !self.save_in_flight && self.open.as_ref().is_some_and(|o| o.ready) {
                    self.start_save();
                }
            }
            UiCommand::SaveCopy => {
                let name = self.doc().map(|d| {
                    format!(
                        "{}.copy{}",
                        d.article.file_name(),
                        crate::core::sidecar::SIDECAR_SUFFIX
                    )
                });
                self.dialogs.start(Pick::SaveCopy, start_dir, name);
            }
            UiCommand::Undo => self.undo(),
            UiCommand::Redo => self.redo(),
            UiCommand::Find => {
                self.search.open = true;
                self.search.focus = true;
            }
            UiCommand::NextArticle => self.step_article(1),
            UiCommand::PrevArticle => self.step_article(-1),
            UiCommand::ZoomIn => self.set_font_size(self.settings.font_size + 1.0),
            UiCommand::ZoomOut => self.set_font_size(self.settings.font_size - 1.0),
            UiCommand::ZoomReset => self.set_font_size(Settings::default().font_size),
            UiCommand::ToggleSnap => {
                self.settings.snap_to_words = !self.settings.snap_to_words;
                self.apply_intent(ctx, Intent::SettingsChanged);
            }
            UiCommand::ToggleTheme => {
                let dark = ctx.global_style().visuals.dark_mode;
                self.settings.theme = if dark { Theme::Light } else { Theme::Dark };
                self.apply_intent(ctx, Intent::SettingsChanged);
            }
            UiCommand::NextQuotation => {
                let Some(doc) = self.open.as_ref().map(|o| &o.doc) else {
                    return;
                };
                let at = self.focus.selection.map_or(0, |s| s.range().end);
                if let Some(q) = text_nav::next_quotation(&doc.article.text, at) {
                    self.view.scroll_to_char(doc, q.start);
                    self.focus.selected = None;
                    self.focus.selection = Some(Selection {
                        anchor: q.start,
                        head: q.end,
                    });
                }
            }
            UiCommand::StartLink => {
                let Some(from) = self.focus.selected.clone() else {
                    return;
                };
                let Some(kind) = self.doc().and_then(|d| d.first_relation_from(&from)) else {
                    return;
                };
                let kind = kind.to_owned();
                self.apply_intent(ctx, Intent::StartRelation { kind, from });
            }
            UiCommand::LinkPrev => self.cycle_link_candidate(-1),
            UiCommand::LinkNext => self.cycle_link_candidate(1),
            UiCommand::LinkChoose => {
                if let Some(to) = self
                    .focus
                    .pending_relation
                    .as_ref()
                    .and_then(|p| p.candidate.clone())
                {
                    self.apply_intent(
                        ctx,
                        Intent::Select {
                            id: Some(to),
                            scroll: false,
                        },
                    );
                }
            }
            UiCommand::FocusAttribute => self.buffers.focus_first_attribute = true,
            UiCommand::PracticeWithKey => {
                self.buffers.typed_path = Some((PathPurpose::PracticeKey, String::new()));
            }
            UiCommand::CheckWork => self.check_my_work(),
            UiCommand::ShowStory => {
                let open = !self.windows.story;
                self.apply_intent(
                    ctx,
                    Intent::ShowWindow {
                        window: PanelWindow::Story,
                        open,
                    },
                );
            }
            UiCommand::ShowStatistics => {
                let open = !self.windows.stats;
                self.apply_intent(
                    ctx,
                    Intent::ShowWindow {
                        window: PanelWindow::Stats,
                        open,
                    },
                );
            }
            UiCommand::CompareWith => {
                let open = !self.compare.setup.open;
                self.apply_compare(crate::gui::app::compare::CompareIntent::Setup(open));
            }
            // In a comparison they decide candidates; otherwise suggestions (below).
            UiCommand::Accept | UiCommand::Reject | UiCommand::AcceptAll
                if self.compare.session.is_some() =>
            {
                self.review_command(cmd);
            }
            UiCommand::NextAnnotation if self.compare.session.is_some() => {
                self.step_candidate(1, false);
            }
            UiCommand::PrevAnnotation if self.compare.session.is_some() => {
                self.step_candidate(-1, false);
            }
            UiCommand::DeleteAnnotation if self.compare.session.is_some() => {}
            UiCommand::DeleteAnnotation => {
                if let Some(id) = self.focus.selected.clone() {
                    self.perform(Action::Remove { id });
                }
            }
            UiCommand::Accept | UiCommand::Reject => {
                let Some(id) = self.selected_suggestion() else {
                    // Nothing to decide on: go to the first suggestion after the caret.
                    self.step_suggestion(None);
                    return;
                };
                let at = self.doc().and_then(|d| d.annotation(&id)).map(|a| a.range);
                let action = if cmd == UiCommand::Accept {
                    Action::SetStatus {
                        id: id.clone(),
                        status: None,
                    }
                } else {
                    Action::Remove { id: id.clone() }
                };
                self.perform(action);
                // Prodigy's rhythm: each decision moves on to the next suggestion.
                self.step_suggestion(at);
            }
            UiCommand::AcceptAll => self.perform(Action::AcceptAllSuggestions),
            UiCommand::ToggleSuggestionsOnly => {
                self.list.filter.suggested = !self.list.filter.suggested;
            }
            UiCommand::Help => self.windows.help = !self.windows.help,
            UiCommand::ToggleLeftPanel => self.buffers.hide_left = !self.buffers.hide_left,
            UiCommand::ToggleRightPanel => self.buffers.hide_right = !self.buffers.hide_right,
            UiCommand::NextAnnotation => self.step_annotation(1),
            UiCommand::PrevAnnotation => self.step_annotation(-1),
            UiCommand::Escape => {
                if self.focus.pending_relation.is_some() {
                    self.focus.pending_relation = None;
                } else if self.search.open {
                    self.search.open = false;
                } else {
                    self.focus.selection = None;
                    self.focus.selected = None;
                }
            }
            UiCommand::SetToSelection => {
                if let Some(id) = self.focus.selected.clone() {
                    self.apply_intent(ctx, Intent::ResizeToSelection { id });
                }
            }
            UiCommand::StartWordLeft => {
                self.resize_selected(|t, r| (text_nav::prev_word_start(t, r.start), r.end))
            }
            UiCommand::StartWordRight => {
                self.resize_selected(|t, r| (text_nav::next_word_start(t, r.start), r.end))
            }
            UiCommand::EndWordLeft => {
                self.resize_selected(|t, r| (r.start, text_nav::prev_word_end(t, r.end)))
            }
            UiCommand::EndWordRight => {
                self.resize_selected(|t, r| (r.start, text_nav::next_word_end(t, r.end)))
            }
            UiCommand::EndCharLeft => self.resize_selected(|_, r| (r.start, r.end - 1)),
            UiCommand::EndCharRight => self.resize_selected(|_, r| (r.start, r.end + 1)),
            UiCommand::StartCharLeft => {
                self.resize_selected(|_, r| (r.start.saturating_sub(1), r.end))
            }
            UiCommand::StartCharRight => self.resize_selected(|_, r| (r.start + 1, r.end)),
            UiCommand::Quit => ctx.send_viewport_cmd(ViewportCommand::Close),
        }
    }

    /// Counts the open folder (or the open article) for the Statistics window, once; later
    /// edits replace the open article's share only.
    pub(super) fn start_stats(&mut self) {
        if self.stats.is_some() {
            return;
        }
        let paths = self.folder_articles();
        self.stats = Some(FolderStats {
            loading: !paths.is_empty(),
            ..FolderStats::default()
        });
        if !paths.is_empty() {
            self.worker.submit(Job::Stats(paths, self.load_options));
        }
    }

    /// Keeps the Statistics window in step with the open document: its share is counted again
    /// when its revision changed (not every frame, and never the whole folder).
    pub(super) fn follow_stats(&mut self) {
        let (Some(stats), Some(open)) = (&mut self.stats, &self.open) else {
            return;
        };
        if !open.ready || stats.loading {
            return;
        }
        let key = (open.doc.article.path.clone(), open.doc.revision());
        if stats.counted.as_ref() == Some(&key) {
            return;
        }
        stats.set(
            key.0.clone(),
            crate::analysis::stats::summarize_document(&open.doc),
        );
        stats.counted = Some(key);
    }

    /// Proposes the next (`1`) or previous (`-1`) link target, nearest first, and shows it.
    fn cycle_link_candidate(&mut self, delta: isize) {
        let Some(p) = self.focus.pending_relation.clone() else {
            return;
        };
        let Some(doc) = self.open.as_ref().map(|o| &o.doc) else {
            return;
        };
        let all = doc.relation_candidates(&p.from, &p.kind);
        if all.is_empty() {
            return;
        }
        let at = p
            .candidate
            .as_ref()
            .and_then(|c| all.iter().position(|x| x == c))
            .unwrap_or(0);
        let next = (at as isize + delta).rem_euclid(all.len() as isize) as usize;
        let id = all[next].clone();
        if let Some(a) = doc.annotation(&id) {
            let start = a.range.start;
            self.view.scroll_to_char(doc, start);
        }
        if let Some(pending) = &mut self.focus.pending_relation {
            pending.candidate = Some(id);
        }
    }

    /// Resizes the selected annotation to `(start, end)` computed from its range; a result that
    /// would be empty or leave the text is not applied.
    fn resize_selected(
        &mut self,
        to: impl Fn(&crate::core::IndexedText, crate::core::CharRange) -> (usize, usize),
    ) {
        let Some(id) = self.focus.selected.clone() else {
            return;
        };
        let Some(doc) = self.doc() else { return };
        let Some(a) = doc.annotation(&id) else { return };
        let (start, end) = to(&doc.article.text, a.range);
        if start < end && end <= doc.article.len_chars() {
            let range = crate::core::CharRange::new(start, end);
            self.perform(Action::Resize { id, range });
        }
    }

    /// Selects the next (`1`) or previous (`-1`) annotation of the list, in reading order
    /// within the list's filter, and scrolls to it.
    fn step_annotation(&mut self, delta: isize) {
        self.refresh_rows();
        let Some(doc) = self.doc() else { return };
        let anns = doc.annotations();
        let rows = &self.list.rows;
        if rows.is_empty() {
            return;
        }
        let current = self
            .focus
            .selected
            .as_deref()
            .and_then(|id| rows.iter().position(|&i| anns[i].id == id));
        let next = match current {
            Some(k) => (k as isize + delta).clamp(0, rows.len() as isize - 1) as usize,
            None if delta < 0 => rows.len() - 1,
            None => 0,
        };
        let id = anns[rows[next]].id.clone();
        self.focus.selection = None;
        self.apply_step_selection(id);
    }

    /// The selected annotation when it is a suggestion.
    fn selected_suggestion(&self) -> Option<AnnotationId> {
        let id = self.focus.selected.as_ref()?;
        let a = self.doc()?.annotation(id)?;
        (a.status == Some(crate::core::Status::Suggested)).then(|| id.clone())
    }

    /// Selects the first suggestion after `after` (a decided span) or after the caret, in
    /// reading order, wrapping around; clears the selection when none is left.
    fn step_suggestion(&mut self, after: Option<crate::core::CharRange>) {
        let Some(doc) = self.doc() else { return };
        let from = after
            .map(|r| (r.start, r.end))
            .or_else(|| self.focus.selection.map(|s| (s.range().start, 0)))
            .unwrap_or((0, 0));
        let suggested: Vec<&crate::core::Annotation> = doc
            .annotations()
            .iter()
            .filter(|a| a.status == Some(crate::core::Status::Suggested))
            .collect();
        let next = suggested
            .iter()
            .find(|a| (a.range.start, a.range.end) > from)
            .or_else(|| suggested.first())
            .map(|a| a.id.clone());
        match next {
            Some(id) => {
                self.focus.selection = None;
                self.apply_step_selection(id);
            }
            None => self.focus.selected = None,
        }
    }

    fn apply_step_selection(&mut self, id: AnnotationId) {
        if let Some(doc) = self.open.as_ref().map(|o| &o.doc)
            && let Some(a) = doc.annotation(&id)
        {
            let start = a.range.start;
            self.view.scroll_to_char(doc, start);
        }
        self.focus.selected = Some(id);
    }

    pub(super) fn set_font_size(&mut self, size: f32) {
        self.settings.font_size = size.clamp(10.0, 40.0);
        self.save_settings();
    }
}
