//! The application: state, the one place where UI intents become core edits, and the frame.
//!
//! Panels read this state and return [`Intent`]s; [`TaglineApp::apply_intent`] turns them into
//! core calls (`Document::perform`, undo/redo, saves through the worker). Nothing in a panel
//! touches a file or a document directly.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::{Context, Key, Modifiers, ViewportCommand};

use crate::core::anchor::Anchoring;
use crate::core::text::nav as text_nav;
use crate::core::{Action, CharRange, DiskState, Document, LoadOptions, OpenReport};
use crate::settings::{Settings, Theme};

use super::article_view::{ArticleView, Selection};
use super::commands::UiCommand;
use super::dialogs::{Dialogs, Pick};
use super::panels;
use super::worker::{Job, Reply, Summary, Worker};

/// How bad a notice is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// For information.
    Info,
    /// Something to look at.
    Warning,
    /// Something failed.
    Error,
}

/// A way forward offered on a notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeAction {
    /// Re-read the sidecar from disk, dropping unsaved edits.
    ReloadFromDisk,
    /// Save the annotations to another file.
    SaveCopy,
    /// Try saving again.
    RetrySave,
    /// Type a path.
    OpenPath,
    /// Close without saving.
    QuitWithoutSaving,
}

impl NoticeAction {
    /// Button text.
    pub fn label(&self) -> &'static str {
        match self {
            NoticeAction::ReloadFromDisk => "Reload from disk (drop my edits)",
            NoticeAction::SaveCopy => "Save my annotations as…",
            NoticeAction::RetrySave => "Try saving again",
            NoticeAction::OpenPath => "Type a path…",
            NoticeAction::QuitWithoutSaving => "Quit without saving",
        }
    }
}

/// A non-modal message at the top of the article.
#[derive(Clone, Debug)]
pub struct Notice {
    /// How bad.
    pub level: Level,
    /// What happened and what to do.
    pub text: String,
    /// Buttons offered.
    pub actions: Vec<NoticeAction>,
}

/// One article of the open folder.
#[derive(Clone, Debug)]
pub struct LibraryEntry {
    /// The article.
    pub path: PathBuf,
    /// Its sidecar's summary, once known.
    pub summary: Option<Summary>,
}

/// The open folder (or the list of articles given on the command line).
#[derive(Default)]
pub struct Library {
    /// The folder, if a folder was opened.
    pub root: Option<PathBuf>,
    /// Its articles, sorted.
    pub entries: Vec<LibraryEntry>,
    /// Files found so far while a scan runs.
    pub scanning: Option<usize>,
    /// Filter text of the list.
    pub filter: String,
    /// Rows shown for (filter, number of entries), kept between frames.
    pub rows: Option<((String, usize), Vec<usize>)>,
}

/// Find-in-article state.
#[derive(Default)]
pub struct SearchState {
    /// The bar is shown.
    pub open: bool,
    /// The query.
    pub query: String,
    /// The query the hits are for.
    pub searched: String,
    /// Ask the query field for focus next frame.
    pub focus: bool,
}

/// What the annotation list's rows depend on.
pub type ListKey = (u64, usize, usize, Option<String>, String, Option<String>);

/// Editing buffers of the side panel (so typing is not one undo step per key).
#[derive(Default)]
pub struct Buffers {
    /// Note being edited: annotation id and text.
    pub note: Option<(String, String)>,
    /// Text attribute being edited: annotation id, attribute, text.
    pub text_attr: Option<(String, String, String)>,
    /// Text labels being edited.
    pub labels: std::collections::BTreeMap<String, String>,
    /// Filter of the annotation list: tag.
    pub list_tag: Option<String>,
    /// Filter of the annotation list: text.
    pub list_text: String,
    /// Rows of the annotation list for (revision, storage, length, tag, text, annotator).
    pub list_rows: Option<(ListKey, Vec<usize>)>,
    /// The typed path of File → Open path…
    pub open_path: Option<String>,
    /// The settings window is open.
    pub settings_open: bool,
    /// The help window is open.
    pub help_open: bool,
}

/// What panels ask the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Intent {
    /// A command.
    Command(UiCommand),
    /// A document edit.
    Perform(Action),
    /// Tag the current selection.
    TagSelection(String),
    /// Select an annotation (and scroll to it).
    Select(Option<String>, bool),
    /// Resize the selected annotation to the text selection.
    ResizeToSelection(String),
    /// Start linking from the selected annotation: the next clicked annotation is the target.
    StartRelation(String, String),
    /// Stop linking.
    CancelRelation,
    /// Open a path (article or folder).
    Open(PathBuf),
    /// A notice button.
    Notice(usize, NoticeAction),
    /// Close a notice.
    Dismiss(usize),
    /// Step through search hits.
    SearchStep(bool),
    /// Show one annotator's work only (`None`: everyone).
    FilterAnnotator(Option<String>),
    /// Settings changed.
    SettingsChanged,
}

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
    /// A relation waiting for its target: (type, from id).
    pub pending_relation: Option<(String, String)>,
    worker: Worker,
    dialogs: Box<dyn Dialogs>,
    last_edit: Option<Instant>,
    save_in_flight: bool,
    /// Autosave stopped after a failed save until the user acts.
    save_blocked: bool,
    last_save_error: Option<String>,
    close_after: Option<(Instant, Duration)>,
    title: String,
    force_quit: bool,
    frames: u64,
    view_id: Option<egui::Id>,
    /// The document (path, revision) last written by "Save annotations as…".
    copy_saved: Option<(PathBuf, u64)>,
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
        let mut view = ArticleView::default();
        view.snap_to_words = settings.snap_to_words;
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
            pending_relation: None,
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
        }
    }

    /// Closes the window by itself after `seconds` (smoke tests).
    pub fn close_after(&mut self, seconds: f64) {
        self.close_after = Some((Instant::now(), Duration::from_secs_f64(seconds.max(0.0))));
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

    /// Opens the paths given on the command line or dropped on the window.
    pub fn open_paths(&mut self, paths: &[PathBuf]) {
        match paths {
            [] => {}
            [one] => self.open_path(one.clone()),
            many => {
                let (dirs, files): (Vec<_>, Vec<_>) =
                    many.iter().cloned().partition(|p| p.is_dir());
                if let Some(d) = dirs.first() {
                    self.open_folder(d.clone());
                }
                if !files.is_empty() {
                    if dirs.is_empty() {
                        self.library = Library {
                            entries: files
                                .iter()
                                .map(|p| LibraryEntry {
                                    path: p.clone(),
                                    summary: Some(super::worker::summarize(p)),
                                })
                                .collect(),
                            ..Library::default()
                        };
                    }
                    self.open_article(files[0].clone());
                }
            }
        }
    }

    /// Opens an article or a folder.
    pub fn open_path(&mut self, path: PathBuf) {
        if path.is_dir() {
            self.open_folder(path);
        } else {
            self.open_article(path);
        }
    }

    /// Lists a folder's articles (in the background) and opens the first when none is open.
    pub fn open_folder(&mut self, dir: PathBuf) {
        self.settings.last_folder = Some(dir.clone());
        self.settings.remember(&dir);
        self.save_settings();
        self.library = Library {
            root: Some(dir.clone()),
            scanning: Some(0),
            ..Library::default()
        };
        self.worker.submit(Job::Scan(dir));
    }

    /// Opens an article (in the background), saving the current one first.
    pub fn open_article(&mut self, path: PathBuf) {
        if !self.leave_document() {
            return;
        }
        self.settings.remember(&path);
        self.save_settings();
        self.loading = Some(path.clone());
        self.worker.submit(Job::Open(path, self.load_options));
    }

    /// Saves the current document before leaving it. Returns `false` (and keeps it open with a
    /// notice) when it could not be saved.
    fn leave_document(&mut self) -> bool {
        let Some(open) = &mut self.open else {
            return true;
        };
        if !open.doc.is_dirty() {
            return true;
        }
        match open.doc.save() {
            Ok(()) => true,
            Err(_) if self.copy_holds_edits() => true,
            Err(e) => {
                let msg = format!("{e}. The article stays open so nothing is lost.");
                self.notify(
                    Level::Error,
                    msg,
                    vec![NoticeAction::SaveCopy, NoticeAction::ReloadFromDisk],
                );
                false
            }
        }
    }

    /// `true` when "Save annotations as…" wrote the open document as it is now, so leaving
    /// it (switching article, quitting) loses nothing even if its own sidecar cannot be written.
    fn copy_holds_edits(&self) -> bool {
        match (&self.copy_saved, self.doc()) {
            (Some((path, rev)), Some(doc)) => *path == doc.article.path && *rev == doc.revision(),
            _ => false,
        }
    }

    fn save_settings(&mut self) {
        let Some(path) = &self.settings_path else {
            return;
        };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let mut json = serde_json::to_string_pretty(&self.settings).unwrap_or_default();
        json.push('\n');
        if let Err(e) = crate::core::sidecar::write_atomic(path, json.as_bytes()) {
            self.notify(Level::Warning, format!("Settings not saved: {e}"), vec![]);
        }
    }

    fn poll_worker(&mut self) {
        while let Some(reply) = self.worker.poll() {
            match reply {
                Reply::Text(article) => {
                    if self.loading.as_deref() == Some(article.path.as_path()) {
                        let scheme = self
                            .doc()
                            .map(|d| d.scheme.clone())
                            .unwrap_or_else(crate::core::Scheme::default_news);
                        self.open = Some(OpenDoc {
                            doc: Document::new(article, scheme, None),
                            ready: false,
                        });
                        self.view.selection = None;
                        self.view.selected_annotation = None;
                    }
                }
                Reply::Opened(path, result) => {
                    if self.loading.as_deref() != Some(path.as_path()) {
                        continue;
                    }
                    self.loading = None;
                    match result {
                        Ok(boxed) => {
                            let (doc, report) = *boxed;
                            self.on_opened(doc, report);
                        }
                        Err(msg) => {
                            self.open = None;
                            self.notify(Level::Error, msg, vec![NoticeAction::OpenPath]);
                        }
                    }
                }
                Reply::ScanProgress(root, n) => {
                    if self.library.root.as_ref() == Some(&root) {
                        self.library.scanning = Some(n);
                    }
                }
                Reply::Scanned(root, files) => {
                    if self.library.root.as_ref() != Some(&root) {
                        continue;
                    }
                    self.library.scanning = None;
                    self.library.entries = files
                        .into_iter()
                        .map(|path| LibraryEntry {
                            path,
                            summary: None,
                        })
                        .collect();
                    if self.library.entries.is_empty() {
                        self.notify(
                            Level::Info,
                            format!("{}: no .txt or .md articles here", root.display()),
                            vec![],
                        );
                    } else if self.open.is_none() && self.loading.is_none() {
                        let first = self.library.entries[0].path.clone();
                        self.open_article(first);
                    }
                }
                Reply::Summaries(list) => {
                    for (path, summary) in list {
                        if let Ok(i) = self.library.entries.binary_search_by(|e| e.path.cmp(&path))
                        {
                            self.library.entries[i].summary = Some(summary);
                        } else if let Some(e) =
                            self.library.entries.iter_mut().find(|e| e.path == path)
                        {
                            e.summary = Some(summary);
                        }
                    }
                }
                Reply::Saved(job, result) => {
                    self.save_in_flight = false;
                    match result {
                        Ok(sha) => {
                            if let Some(open) = &mut self.open {
                                open.doc.finish_save(&job, sha);
                            }
                            self.last_save_error = None;
                            self.refresh_summary();
                        }
                        Err(msg) => self.on_save_failed(msg),
                    }
                }
            }
        }
    }

    fn on_opened(&mut self, doc: Document, report: OpenReport) {
        let keep_view = self
            .open
            .as_ref()
            .is_some_and(|o| o.doc.article.path == doc.article.path);
        if !keep_view {
            self.view.selection = None;
            self.view.selected_annotation = None;
        }
        self.save_blocked = false;
        self.last_save_error = None;
        self.pending_relation = None;
        self.search.searched.clear();
        self.view.search_hits.clear();
        let name = doc.article.file_name();
        for w in &report.warnings {
            self.notify(Level::Warning, format!("{name}: {w}"), vec![]);
        }
        if let Some(problem) = &report.sidecar_problem {
            self.notify(
                Level::Error,
                format!("{problem}. It will not be overwritten: new annotations can be saved to another file."),
                vec![NoticeAction::SaveCopy],
            );
        }
        if !report.anchoring.is_empty() {
            let moved = report
                .anchoring
                .iter()
                .filter(|(_, a)| matches!(a, Anchoring::Moved { .. }))
                .count();
            let orphaned = report.orphans().count();
            self.notify(
                if orphaned > 0 { Level::Warning } else { Level::Info },
                format!(
                    "{name} changed since it was annotated: {moved} annotation(s) moved to their text, {orphaned} orphaned (their text is gone; they are kept and listed, but not shown in the text)."
                ),
                vec![],
            );
        }
        self.open = Some(OpenDoc { doc, ready: true });
        if let Some(o) = &self.open
            && o.doc.is_dirty()
        {
            // Re-anchored: save the new positions soon.
            self.last_edit = Some(Instant::now());
        }
    }

    fn on_save_failed(&mut self, msg: String) {
        self.save_blocked = true;
        let conflict = msg.contains("changed on disk");
        let actions = if conflict {
            vec![NoticeAction::SaveCopy, NoticeAction::ReloadFromDisk]
        } else {
            vec![NoticeAction::RetrySave, NoticeAction::SaveCopy]
        };
        self.last_save_error = Some(msg.clone());
        self.notify(Level::Error, msg, actions);
    }

    fn refresh_summary(&mut self) {
        let Some(doc) = self.doc() else { return };
        let path = doc.article.path.clone();
        let summary = Summary {
            annotations: doc.annotations().len(),
            status: doc.labels().get("status").map(|v| v.display()),
            has_sidecar: true,
            unreadable: false,
        };
        if let Some(e) = self.library.entries.iter_mut().find(|e| e.path == path) {
            e.summary = Some(summary);
        }
    }

    /// Starts a background save when there are unsaved edits and the user paused.
    fn autosave(&mut self, now: Instant) {
        if self.save_in_flight || self.save_blocked {
            return;
        }
        let Some(open) = &self.open else { return };
        if !open.ready
            || !open.doc.is_dirty()
            || matches!(open.doc.disk_state(), DiskState::Locked { .. })
        {
            return;
        }
        let due = self
            .last_edit
            .is_none_or(|t| now.duration_since(t).as_secs_f32() >= self.settings.autosave_seconds);
        if due {
            self.start_save();
        }
    }

    fn start_save(&mut self) {
        let Some(open) = &self.open else { return };
        match open.doc.prepare_save() {
            Ok(job) => {
                self.save_in_flight = true;
                self.worker.submit(Job::Save(Box::new(job)));
            }
            Err(e) => self.on_save_failed(e.to_string()),
        }
    }

    /// Saves now, on this thread (explicit save, switching article, quitting).
    pub fn save_now(&mut self) -> bool {
        let Some(open) = &mut self.open else {
            return true;
        };
        if !open.ready {
            return true;
        }
        let result = open.doc.save();
        match result {
            Ok(()) => {
                self.save_blocked = false;
                self.last_save_error = None;
                self.refresh_summary();
                true
            }
            Err(e) => {
                self.on_save_failed(e.to_string());
                false
            }
        }
    }

    /// A short description of the save state for the status bar and the title.
    pub fn save_state(&self) -> String {
        let Some(open) = &self.open else {
            return String::new();
        };
        if !open.ready {
            return "Loading annotations…".into();
        }
        if let Some(e) = &self.last_save_error
            && open.doc.is_dirty()
        {
            return format!("Not saved: {}", e.chars().take(80).collect::<String>());
        }
        if self.save_in_flight {
            "Saving…".into()
        } else if open.doc.is_dirty() {
            "Unsaved changes".into()
        } else if matches!(open.doc.disk_state(), DiskState::Absent) {
            "No annotations yet".into()
        } else {
            "All changes saved".into()
        }
    }

    // ----- intents -----------------------------------------------------------------------

    /// Applies what a panel asked for.
    pub fn apply_intent(&mut self, ctx: &Context, intent: Intent) {
        match intent {
            Intent::Command(c) => self.run_command(ctx, c),
            Intent::Perform(action) => self.perform(action),
            Intent::TagSelection(tag) => self.tag_selection(&tag),
            Intent::Select(id, scroll) => {
                if let Some((kind, from)) = self.pending_relation.clone()
                    && let Some(to) = &id
                    && to != &from
                {
                    self.pending_relation = None;
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
                self.view.selected_annotation = id;
            }
            Intent::ResizeToSelection(id) => {
                if let Some(sel) = self
                    .view
                    .selection
                    .map(|s| s.range())
                    .filter(|r| !r.is_empty())
                {
                    self.perform(Action::Resize { id, range: sel });
                }
            }
            Intent::StartRelation(kind, from) => self.pending_relation = Some((kind, from)),
            Intent::CancelRelation => self.pending_relation = None,
            Intent::Open(p) => self.open_path(p),
            Intent::Notice(i, action) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
                self.notice_action(ctx, action);
            }
            Intent::Dismiss(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
            Intent::SearchStep(back) => self.search_step(back),
            Intent::FilterAnnotator(who) => self.view.annotator_filter = who,
            Intent::SettingsChanged => {
                self.view.snap_to_words = self.settings.snap_to_words;
                apply_theme(ctx, self.settings.theme);
                self.save_settings();
            }
        }
    }

    fn notice_action(&mut self, ctx: &Context, action: NoticeAction) {
        match action {
            NoticeAction::ReloadFromDisk => {
                if let Some(open) = &mut self.open {
                    let report = open.doc.reload();
                    self.save_blocked = false;
                    self.last_save_error = None;
                    if let Some(p) = report.sidecar_problem {
                        self.notify(Level::Error, p, vec![NoticeAction::SaveCopy]);
                    }
                }
            }
            NoticeAction::SaveCopy => self.run_command(ctx, UiCommand::SaveCopy),
            NoticeAction::RetrySave => {
                self.save_blocked = false;
                self.save_now();
            }
            NoticeAction::OpenPath => self.buffers.open_path = Some(String::new()),
            NoticeAction::QuitWithoutSaving => {
                self.force_quit = true;
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
            Ok(new_id) => {
                self.last_edit = Some(Instant::now());
                if let Some(id) = new_id
                    && open.doc.annotation(&id).is_some()
                {
                    self.view.selected_annotation = Some(id);
                }
                if removing.is_some() && removing == self.view.selected_annotation {
                    self.view.selected_annotation = None;
                }
                self.refresh_summary();
            }
            Err(crate::core::EditError::NoChange) => {}
            Err(e) => self.notify(Level::Warning, e.to_string(), vec![]),
        }
    }

    /// Tags the current text selection.
    pub fn tag_selection(&mut self, tag: &str) {
        let Some(sel) = self.view.selection.map(|s| s.range()) else {
            self.notify(
                Level::Info,
                "Select some text first, then press the tag's key.",
                vec![],
            );
            return;
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
        self.view.selection = Some(Selection {
            anchor: sel.end,
            head: sel.end,
        });
    }

    fn undo(&mut self) {
        if let Some(open) = &mut self.open
            && open.doc.undo()
        {
            self.last_edit = Some(Instant::now());
            self.refresh_summary();
        }
    }

    fn redo(&mut self) {
        if let Some(open) = &mut self.open
            && open.doc.redo()
        {
            self.last_edit = Some(Instant::now());
            self.refresh_summary();
        }
    }

    fn step_article(&mut self, delta: isize) {
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

    fn search_step(&mut self, back: bool) {
        let Some(doc) = self.open.as_ref().map(|o| &o.doc) else {
            return;
        };
        let hits = &self.view.search_hits;
        if hits.is_empty() {
            return;
        }
        let next = match self.view.search_current {
            Some(i) if back => (i + hits.len() - 1) % hits.len(),
            Some(i) => (i + 1) % hits.len(),
            None => 0,
        };
        self.view.search_current = Some(next);
        let hit = hits[next];
        self.view.scroll_to_char(doc, hit.start);
        self.view.selection = Some(Selection {
            anchor: hit.start,
            head: hit.end,
        });
    }

    fn update_search(&mut self) {
        if self.search.query == self.search.searched {
            return;
        }
        self.search.searched = self.search.query.clone();
        let Some(doc) = self.open.as_ref().map(|o| &o.doc) else {
            return;
        };
        self.view.search_hits = text_nav::find_all(&doc.article.text, &self.search.query, 100_000);
        self.view.search_current = None;
        if !self.view.search_hits.is_empty() {
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
            UiCommand::OpenPath => self.buffers.open_path = Some(String::new()),
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
            UiCommand::Redo | UiCommand::RedoY => self.redo(),
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
            UiCommand::DeleteAnnotation => {
                if let Some(id) = self.view.selected_annotation.clone() {
                    self.perform(Action::Remove { id });
                }
            }
            UiCommand::Help => self.buffers.help_open = !self.buffers.help_open,
            UiCommand::Quit => ctx.send_viewport_cmd(ViewportCommand::Close),
        }
    }

    fn set_font_size(&mut self, size: f32) {
        self.settings.font_size = size.clamp(10.0, 40.0);
        self.save_settings();
    }

    fn poll_dialogs(&mut self) {
        while let Some((pick, path)) = self.dialogs.poll() {
            let Some(path) = path else { continue };
            match pick {
                Pick::Article => self.open_article(path),
                Pick::Folder => self.open_folder(path),
                Pick::SaveCopy => {
                    if let Some(doc) = self.doc() {
                        let saved = (doc.article.path.clone(), doc.revision());
                        match doc.save_as(&path) {
                            Ok(()) => {
                                self.copy_saved = Some(saved);
                                self.notify(
                                    Level::Info,
                                    format!(
                                        "Annotations saved to {}; you can move on without losing them.",
                                        path.display()
                                    ),
                                    vec![],
                                );
                            }
                            Err(e) => self.notify(
                                Level::Error,
                                e.to_string(),
                                vec![NoticeAction::SaveCopy],
                            ),
                        }
                    }
                }
            }
        }
    }

    /// Keyboard: commands, then tag digits and caret keys when no text field has focus.
    fn handle_keys(&mut self, ctx: &Context, view_id: Option<egui::Id>) -> Vec<UiCommand> {
        let focused = ctx.memory(|m| m.focused());
        let keyboard_free = focused.is_none() || focused == view_id;
        let mut cmds = Vec::new();
        // Most specific first: egui matches Ctrl+Z on Ctrl+Shift+Z too.
        let mut ordered = UiCommand::ALL;
        ordered.sort_by_key(|c| {
            std::cmp::Reverse(c.shortcut().map_or(0, |s| modifier_count(s.modifiers)))
        });
        ctx.input_mut(|i| {
            for cmd in ordered {
                if cmd.needs_free_keyboard() && !keyboard_free {
                    continue;
                }
                if let Some(sc) = cmd.shortcut()
                    && i.consume_shortcut(&sc)
                {
                    cmds.push(cmd);
                }
            }
            // Ctrl+= is where most keyboards have "+".
            if i.consume_key(Modifiers::COMMAND, Key::Equals) {
                cmds.push(UiCommand::ZoomIn);
            }
        });
        cmds
    }

    fn handle_tag_keys(&mut self, ctx: &Context, view_id: Option<egui::Id>) {
        let focused = ctx.memory(|m| m.focused());
        if !(focused.is_none() || focused == view_id) {
            return;
        }
        let Some(doc) = self.doc() else { return };
        let keys: Vec<(Key, String)> = doc
            .scheme
            .tags
            .iter()
            .filter_map(|t| {
                let k = t.key.as_deref()?;
                Some((Key::from_name(k)?, t.id.clone()))
            })
            .collect();
        let mut chosen = None;
        ctx.input_mut(|i| {
            for (key, tag) in &keys {
                if i.consume_key(Modifiers::NONE, *key) {
                    chosen = Some(tag.clone());
                }
            }
        });
        if let Some(tag) = chosen {
            match self.view.selected_annotation.clone() {
                // With an annotation selected and no text selected, the digit retags it.
                Some(id) if self.view.selection.is_none_or(|s| s.range().is_empty()) => {
                    self.perform(Action::Retag { id, tag });
                }
                _ => self.tag_selection(&tag),
            }
        }
        // Alt+arrows resize the selected annotation's end, Alt+Shift+arrows its start.
        if let Some(id) = self.view.selected_annotation.clone()
            && let Some(a) = self.doc().and_then(|d| d.annotation(&id))
        {
            let r = a.range;
            let mut new = None;
            ctx.input_mut(|i| {
                let alt = Modifiers::ALT;
                let alt_shift = Modifiers::ALT | Modifiers::SHIFT;
                if i.consume_key(alt, Key::ArrowRight) {
                    new = Some(CharRange::new(r.start, r.end + 1));
                } else if i.consume_key(alt, Key::ArrowLeft) {
                    new = Some(CharRange::new(r.start, r.end.saturating_sub(1)));
                } else if i.consume_key(alt_shift, Key::ArrowLeft) {
                    new = Some(CharRange::new(r.start.saturating_sub(1), r.end));
                } else if i.consume_key(alt_shift, Key::ArrowRight) {
                    new = Some(CharRange::new(r.start + 1, r.end));
                }
            });
            if let Some(range) = new {
                self.perform(Action::Resize { id, range });
            }
        }
    }

    fn update_title(&mut self, ctx: &Context) {
        let title = match self.doc() {
            Some(d) => format!(
                "{}{} — Tagline",
                d.article.file_name(),
                if d.is_dirty() { " •" } else { "" }
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
            let dirty = self.doc().is_some_and(|d| d.is_dirty());
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
        for cmd in self.handle_keys(&ctx, view_id) {
            self.run_command(&ctx, cmd);
        }
        self.handle_tag_keys(&ctx, view_id);
        if let Some(open) = &self.open
            && (view_id.is_some_and(|id| ctx.memory(|m| m.has_focus(id)))
                || ctx.memory(|m| m.focused().is_none()))
        {
            let doc = &open.doc;
            self.view.handle_keys(ui, doc);
        }

        let mut intents = Vec::new();
        panels::top_ui(ui, self, &mut intents);
        panels::status_bar_ui(ui, self);
        panels::library_ui(ui, self, &mut intents);
        panels::annotations_ui(ui, self, &mut intents);
        egui::CentralPanel::default().show(ui, |ui| {
            panels::notices_ui(ui, &self.notices, &mut intents);
            if self.search.open {
                panels::search_bar_ui(ui, &mut self.search, &self.view, &mut intents);
            }
            self.update_search();
            if let Some((kind, _)) = &self.pending_relation {
                ui.horizontal(|ui| {
                    ui.label(format!(
                        "Click the annotation this one is “{}”…",
                        kind.replace('_', " ")
                    ));
                    if ui.button("Cancel").clicked() {
                        intents.push(Intent::CancelRelation);
                    }
                });
            }
            match &self.open {
                Some(open) => {
                    let out = self.view.ui(ui, &open.doc, self.settings.font_size);
                    self.view_id = out.response.as_ref().map(|r| r.id);
                    if let Some(id) = out.clicked_annotation {
                        intents.push(Intent::Select(Some(id), false));
                    }
                    if let Some(tag) = out.tag_selection {
                        intents.push(Intent::TagSelection(tag));
                    }
                    if let Some(id) = out.delete_annotation {
                        intents.push(Intent::Perform(Action::Remove { id }));
                    }
                }
                None => panels::welcome_ui(ui, self, &mut intents),
            }
        });
        panels::windows_ui(ui, self, &mut intents);
        if !ctx.input(|i| i.raw.hovered_files.is_empty()) {
            panels::drop_overlay_ui(&ctx);
        }
        for intent in intents {
            self.apply_intent(&ctx, intent);
        }
        self.autosave(Instant::now());
        if self.save_in_flight
            || self.loading.is_some()
            || self.library.scanning.is_some()
            || self.close_after.is_some()
        {
            ctx.request_repaint_after(Duration::from_millis(100));
        } else if self.doc().is_some_and(|d| d.is_dirty()) && !self.save_blocked {
            ctx.request_repaint_after(Duration::from_secs_f32(
                self.settings.autosave_seconds.max(0.1),
            ));
        }
        self.update_title(&ctx);
        self.handle_close(&ctx);
    }
}

fn modifier_count(m: Modifiers) -> u8 {
    u8::from(m.ctrl || m.command || m.mac_cmd) + u8::from(m.shift) + u8::from(m.alt)
}

/// Applies the theme preference.
pub fn apply_theme(ctx: &Context, theme: Theme) {
    ctx.set_theme(match theme {
        Theme::System => egui::ThemePreference::System,
        Theme::Light => egui::ThemePreference::Light,
        Theme::Dark => egui::ThemePreference::Dark,
    });
}
