//! The application: state, the one place where UI intents become core edits, and the frame.
//!
//! Panels read this state and return [`Intent`]s; [`TaglineApp::apply_intent`] turns them into
//! core calls (`Document::perform`, undo/redo, saves through the worker). Nothing in a panel
//! touches a file or a document directly.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui::{Context, ViewportCommand};

use crate::core::{AnnotationId, CharRange, Document, LoadOptions, SaveError};
use crate::settings::{Settings, Theme};

use crate::gui::dialogs::Dialogs;
use crate::gui::focus::{Focus, PendingRelation};
use crate::gui::panels::{self, PanelState};
use crate::gui::view::{ArticleView, ViewInput};
use crate::gui::worker::Worker;

pub mod commands;
use commands::Binding;
pub mod compare;
mod documents;
mod import;
mod intents;
mod keys;
pub mod outside;
pub mod practice;
pub mod state;

pub use documents::{has_unsaved_work, save_failure_actions};
pub use intents::Intent;
pub use state::{
    AnnotationList, Buffers, Level, Library, LibraryEntry, ListFilter, Notice, NoticeAction,
    PanelWindow, PathPurpose, SaveState, SearchState, Windows,
};

/// The loaded document and its loading state.
pub struct OpenDoc {
    /// The document.
    pub doc: Document,
    /// `false` while the sidecar is still being read: edits wait.
    pub ready: bool,
}

/// Tagline's window.
pub struct TaglineApp {
    /// User settings.
    pub settings: Settings,
    settings_path: Option<PathBuf>,
    /// Article loading options.
    pub load_options: LoadOptions,
    /// The open folder.
    pub library: Library,
    /// The open document.
    pub open: Option<OpenDoc>,
    /// Path being opened.
    pub loading: Option<PathBuf>,
    /// The article view.
    pub view: ArticleView,
    /// Messages shown above the article.
    pub notices: Vec<Notice>,
    /// Find state.
    pub search: SearchState,
    /// Panel editing buffers.
    pub buffers: Buffers,
    /// The selection, the selected and hovered annotation, a relation being made.
    pub focus: Focus,
    /// Only this annotator's annotations are listed and shown (`None`: everyone's).
    pub annotator_filter: Option<String>,
    /// The annotation list's filter and rows.
    pub list: AnnotationList,
    /// Which floating windows are open.
    pub windows: Windows,
    /// Practice mode: the key folder and the last check (`None`: not practising).
    pub practice: Option<practice::Practice>,
    /// The Statistics window's figures, once counted.
    pub stats: Option<state::FolderStats>,
    /// The Story window's groups (`None` until it is first shown).
    pub story: Option<state::StoryState>,
    /// Where to go once the article being opened is ready: its path, a span to select and the
    /// annotation to select (a Story window member was clicked).
    pub pending_goto: Option<(PathBuf, CharRange, Option<AnnotationId>)>,
    /// Compare and adjudicate: the setup window, the comparison shown, the queue.
    pub compare: compare::Compare,
    /// Text attribute values used in the folder (from the folder scan and the open document),
    /// offered while typing a text attribute.
    pub completions: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    worker: Worker,
    dialogs: Box<dyn Dialogs>,
    last_edit: Option<Instant>,
    save_in_flight: bool,
    /// Autosave stopped after a failed save until the user acts.
    save_blocked: bool,
    last_save_error: Option<SaveError>,
    close_after: Option<(Instant, Duration)>,
    title: String,
    force_quit: bool,
    frames: u64,
    view_id: Option<egui::Id>,
    /// The document (path, revision) last written by "Save annotations as…".
    copy_saved: Option<(PathBuf, u64)>,
    /// The files behind the document: watcher, what they were read from, recovery journal.
    outside: outside::Outside,
}

impl TaglineApp {
    /// A new app. `settings_path: None` keeps settings in memory only (tests).
    pub fn new(
        settings: Settings,
        settings_path: Option<PathBuf>,
        worker: Worker,
        dialogs: Box<dyn Dialogs>,
        load_options: LoadOptions,
    ) -> Self {
        let view = ArticleView::default();
        Self {
            settings,
            settings_path,
            load_options,
            library: Library::default(),
            open: None,
            loading: None,
            view,
            notices: Vec::new(),
            search: SearchState::default(),
            buffers: Buffers::default(),
            focus: Focus::default(),
            annotator_filter: None,
            list: AnnotationList::default(),
            windows: Windows::default(),
            stats: None,
            story: None,
            pending_goto: None,
            compare: compare::Compare::default(),
            practice: None,
            completions: Default::default(),
            worker,
            dialogs,
            last_edit: None,
            save_in_flight: false,
            save_blocked: false,
            last_save_error: None,
            close_after: None,
            title: String::new(),
            force_quit: false,
            frames: 0,
            view_id: None,
            copy_saved: None,
            outside: outside::Outside::default(),
        }
    }

    /// Closes the window by itself after `seconds` (smoke tests).
    pub fn close_after(&mut self, seconds: f64) {
        self.close_after = Some((Instant::now(), Duration::from_secs_f64(seconds.max(0.0))));
    }

    /// The background worker (tests hold and release its jobs: [`Worker::held`]).
    #[cfg(any(test, feature = "test-support"))]
    pub fn worker_mut(&mut self) -> &mut Worker {
        &mut self.worker
    }

    /// The open document, if any.
    pub fn doc(&self) -> Option<&Document> {
        self.open.as_ref().map(|o| &o.doc)
    }

    /// Adds a notice.
    pub fn notify(&mut self, level: Level, text: impl Into<String>, actions: Vec<NoticeAction>) {
        let text = text.into();
        if self.notices.iter().any(|n| n.text == text) {
            return;
        }
        self.notices.push(Notice {
            level,
            text,
            actions,
        });
    }

    fn save_settings(&mut self) {
        let Some(path) = &self.settings_path else {
            return;
        };
        if let Err(e) = self.settings.save_to(path) {
            self.notify(Level::Warning, format!("Settings not saved: {e}"), vec![]);
        }
    }

    // ----- intents -----------------------------------------------------------------------

    fn update_title(&mut self, ctx: &Context) {
        let title = match self.doc() {
            Some(d) => format!(
                "{}{} — Tagline",
                d.article.file_name(),
                if documents::has_unsaved_work(d) {
                    " •"
                } else {
                    ""
                }
            ),
            None => "Tagline".to_owned(),
        };
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn handle_close(&mut self, ctx: &Context) {
        if let Some((start, after)) = self.close_after
            && start.elapsed() >= after
        {
            self.close_after = None;
            ctx.send_viewport_cmd(ViewportCommand::Close);
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.force_quit {
            let dirty = self.doc().is_some_and(documents::has_unsaved_work);
            if dirty && !self.save_now() && !self.copy_holds_edits() {
                ctx.send_viewport_cmd(ViewportCommand::CancelClose);
                self.notify(
                    Level::Error,
                    "Tagline did not close because your annotations could not be saved.",
                    vec![NoticeAction::SaveCopy, NoticeAction::QuitWithoutSaving],
                );
            }
        }
    }

    /// Saves on exit (eframe calls this).
    pub fn on_exit(&mut self) {
        if !self.force_quit {
            self.save_now();
        }
        self.compare.wait_for_gold_writes(Duration::from_secs(5));
        self.save_settings();
    }

    /// The whole UI; eframe and the tests both call this.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.frames += 1;
        if self.frames == 1 {
            apply_theme(&ctx, self.settings.theme);
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
        }
        self.poll_worker();
        self.poll_outside(&ctx);
        self.poll_dialogs();
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            self.open_paths(&dropped);
        }
        let view_id = self.view_id;
        for binding in self.pressed_bindings(&ctx, view_id) {
            let intent = match binding {
                Binding::Command(cmd) => Intent::Command(cmd),
                Binding::Tag(tag) => Intent::TagKey(tag),
            };
            self.apply_intent(&ctx, intent);
        }
        let view_has_keys = view_id.is_some_and(|id| ctx.memory(|m| m.has_focus(id)))
            || ctx.memory(|m| m.focused().is_none());
        if let Some(session) = &mut self.compare.session {
            if view_has_keys {
                let intents = match &mut session.panes {
                    Some(p) => p.views[0].handle_keys(ui, &p.docs[0], &self.focus),
                    None => session.view.handle_keys(ui, &session.view_doc, &self.focus),
                };
                for intent in intents {
                    self.apply_intent(&ctx, intent);
                }
            }
        } else if let Some(open) = &self.open
            && view_has_keys
        {
            for intent in self.view.handle_keys(ui, &open.doc, &self.focus) {
                self.apply_intent(&ctx, intent);
            }
        }
        self.follow_compare();

        self.refresh_rows();
        self.follow_stats();
        let mut intents = Vec::new();
        {
            let save_state = self.save_state();
            let st = PanelState {
                doc: self.open.as_ref().map(|o| &o.doc),
                ready: self.open.as_ref().is_some_and(|o| o.ready),
                loading: self.loading.as_deref(),
                focus: &self.focus,
                settings: &self.settings,
                library: &self.library,
                list: &self.list,
                annotator_filter: self.annotator_filter.as_deref(),
                save_state,
                windows: self.windows,
                completions: &self.completions,
                compare_busy: self.compare.busy.as_ref(),
            };
            panels::top_ui(ui, &st, &mut intents);
            panels::status_bar_ui(ui, &st, &mut intents);
            if !self.buffers.hide_left {
                panels::library_ui(ui, &st, &mut intents);
            }
            if self.compare.session.is_some() {
                panels::compare_panel_ui(ui, &self.compare, &self.focus, &mut intents);
            } else if !self.buffers.hide_right {
                panels::annotations_ui(ui, &st, &mut self.buffers, &mut intents);
            }
        }
        // "Show them" opens the sections once; then they are the person's to fold.
        self.list.show_lists = false;
        egui::CentralPanel::default().show(ui, |ui| {
            panels::notices_ui(ui, &self.notices, &mut intents);
            if self.search.open {
                panels::search_bar_ui(ui, &mut self.search, &mut intents);
            }
            self.update_search();
            match &self.open {
                Some(_) if self.compare.session.is_some() => {
                    if let Some(session) = &mut self.compare.session {
                        panels::compare_legend_ui(ui, session);
                        let compare::CompareSession {
                            overlay,
                            panes,
                            view,
                            view_doc,
                            comparison,
                            ..
                        } = session;
                        let input = ViewInput {
                            focus: &self.focus,
                            font_size: self.settings.font_size,
                            snap_to_words: self.settings.snap_to_words,
                            annotator: None,
                            search_hits: &self.search.hits,
                            search_current: self.search.current,
                            dim_except: None,
                            overlay: Some(&*overlay),
                        };
                        let mut outs = Vec::new();
                        match panes {
                            Some(p) => {
                                ui.columns(2, |cols| {
                                    for (k, col) in cols.iter_mut().enumerate() {
                                        panels::compare_pane_header_ui(
                                            col,
                                            k,
                                            p.sides[k],
                                            &comparison.annotators,
                                            &mut intents,
                                        );
                                        outs.push(p.views[k].ui(col, &p.docs[k], &input));
                                    }
                                });
                                p.sync_scroll();
                            }
                            None => outs.push(view.ui(ui, view_doc, &input)),
                        }
                        self.view_id = outs.first().and_then(|o| o.response.as_ref().map(|r| r.id));
                        // The comparison is read-only: only focus changes go through.
                        for out in outs {
                            intents.extend(out.intents.into_iter().filter(|i| {
                                matches!(
                                    i,
                                    Intent::Select { .. }
                                        | Intent::SetSelection(_)
                                        | Intent::Hover(_)
                                )
                            }));
                        }
                    }
                }
                Some(open) => {
                    let input = ViewInput {
                        focus: &self.focus,
                        font_size: self.settings.font_size,
                        snap_to_words: self.settings.snap_to_words,
                        annotator: self.annotator_filter.as_deref(),
                        search_hits: &self.search.hits,
                        search_current: self.search.current,
                        dim_except: self.list.filter.tag.as_deref(),
                        overlay: None,
                    };
                    let out = self.view.ui(ui, &open.doc, &input);
                    self.view_id = out.response.as_ref().map(|r| r.id);
                    intents.extend(out.intents);
                }
                None => panels::welcome_ui(
                    ui,
                    self.loading.is_some(),
                    &self.settings.recent,
                    &mut intents,
                ),
            }
        });
        let tag_keys: Vec<(String, String)> = self
            .doc()
            .map(|d| {
                d.scheme
                    .tags
                    .iter()
                    .filter_map(|t| Some((t.key.clone()?, t.label.clone())))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(PendingRelation { kind, .. }) = &self.focus.pending_relation {
            // An overlay, not a bar: the text must not move just before the click.
            let label = self
                .doc()
                .map_or(kind.as_str(), |d| d.scheme.relation_label(kind))
                .to_owned();
            if panels::link_hint_ui(&ctx, &label) {
                intents.push(Intent::CancelRelation);
            }
        }
        if let Some(check) = self.practice.as_ref().and_then(|p| p.check.as_ref())
            && self.doc().is_some_and(|d| d.article.path == check.article)
            && !panels::practice_window_ui(&ctx, check)
            && let Some(p) = &mut self.practice
        {
            p.check = None;
        }
        if self.windows.stats {
            let scheme = self.doc().map(|d| &d.scheme);
            if !panels::stats_window_ui(&ctx, self.stats.as_ref(), scheme) {
                intents.push(Intent::ShowWindow {
                    window: PanelWindow::Stats,
                    open: false,
                });
            }
        }
        if self.windows.story && !panels::story_window_ui(&ctx, self.story.as_ref(), &mut intents) {
            intents.push(Intent::ShowWindow {
                window: PanelWindow::Story,
                open: false,
            });
        }
        panels::windows_ui(
            ui,
            &self.settings,
            self.windows,
            &tag_keys,
            &mut self.buffers,
            &mut intents,
        );
        let annotators = self.doc().map(Document::annotators).unwrap_or_default();
        let has_doc = self.open.is_some();
        panels::compare_setup_ui(&ctx, &mut self.compare, &annotators, has_doc, &mut intents);
        if !ctx.input(|i| i.raw.hovered_files.is_empty()) {
            panels::drop_overlay_ui(&ctx);
        }
        for intent in intents {
            self.apply_intent(&ctx, intent);
        }
        self.autosave(Instant::now());
        self.journal_if_due(Instant::now(), false);
        if self.journal_pending() {
            ctx.request_repaint_after(outside::JOURNAL_PAUSE);
        }
        if self.save_in_flight
            || self.loading.is_some()
            || self.library.scanning.is_some()
            || self.close_after.is_some()
            || self.compare.busy.is_some()
            || self.compare.writing_gold()
        {
            ctx.request_repaint_after(Duration::from_millis(100));
        } else if self.doc().is_some_and(documents::has_unsaved_work) && !self.save_blocked {
            ctx.request_repaint_after(Duration::from_secs_f32(
                self.settings.autosave_seconds.max(0.1),
            ));
        }
        self.update_title(&ctx);
        self.handle_close(&ctx);
    }
}

/// Applies the theme preference.
pub fn apply_theme(ctx: &Context, theme: Theme) {
    ctx.set_theme(match theme {
        Theme::System => egui::ThemePreference::System,
        Theme::Light => egui::ThemePreference::Light,
        Theme::Dark => egui::ThemePreference::Dark,
    });
}

impl TaglineApp {
    /// Recomputes the folder list's and the annotation list's rows when what they depend on
    /// changed (filtering 100,000 annotations is work for a change, not for every frame).
    fn refresh_rows(&mut self) {
        self.library.refresh_rows();
        let Some(doc) = self.open.as_ref().map(|o| &o.doc) else {
            self.list.rows.clear();
            self.list.key = None;
            return;
        };
        let anns = doc.annotations();
        let f = &self.list.filter;
        let who = self.annotator_filter.clone();
        let key = (
            doc.revision(),
            anns.as_ptr() as usize,
            anns.len(),
            f.tag.clone(),
            f.text.clone(),
            f.suggested,
            who.clone(),
        );
        if self.list.key.as_ref() == Some(&key) {
            return;
        }
        let filter = crate::core::AnnotationFilter {
            tag: f.tag.clone(),
            annotator: who,
            text: f.text.clone(),
            suggested_only: f.suggested,
        };
        self.list.rows = filter.positions(anns);
        for (name, values) in crate::core::corpus::text_values(anns) {
            self.completions.entry(name).or_default().extend(values);
        }
        self.list.orphans = (0..anns.len()).filter(|&i| anns[i].is_orphaned()).collect();
        self.list.reviews = (0..anns.len())
            .filter(|&i| anns[i].needs_review())
            .collect();
        self.list.suggestions = anns
            .iter()
            .filter(|a| a.status == Some(crate::core::Status::Suggested))
            .count();
        self.list.key = Some(key);
    }
}
