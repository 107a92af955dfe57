//! Opening, switching and saving documents: the worker's replies, autosave, the save state, and the file dialogs.

use std::path::PathBuf;
use std::time::Instant;

use crate::core::anchor::Anchoring;
use crate::core::{DiskState, Document, OpenReport, SaveError};

use crate::gui::app::PathPurpose;
use crate::gui::dialogs::{Answer, Pick};
use crate::gui::worker::{Job, Reply, Summary};

use super::*;

impl TaglineApp {
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
                                    summary: Some(crate::core::corpus::summary(p)),
                                    unreadable: None,
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
        self.stats = None;
        self.completions.clear();
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
        if let Some(root) = &self.library.root
            && path.starts_with(root)
        {
            self.settings
                .last_article
                .insert(root.clone(), path.clone());
        }
        self.save_settings();
        // Notices are about the article they were shown for (startup notices stay, and so do
        // recovery offers: they are about another session).
        if self.open.is_some() {
            self.notices.retain(|n| {
                n.actions
                    .iter()
                    .any(|a| matches!(a, NoticeAction::RestoreRecovery(_)))
            });
        }
        self.loading = Some(path.clone());
        self.worker.submit(Job::Open(path, self.load_options));
    }

    /// Saves the current document before leaving it. Returns `false` (and keeps it open with a
    /// notice) when it could not be saved.
    pub(super) fn leave_document(&mut self) -> bool {
        let Some(open) = &mut self.open else {
            return true;
        };
        if !has_unsaved_work(&open.doc) {
            return true;
        }
        if !self.check_disk() {
            return self.copy_holds_edits();
        }
        let Some(open) = &mut self.open else {
            return true;
        };
        match open.doc.save() {
            Ok(()) => {
                self.after_saved();
                true
            }
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
    pub(super) fn copy_holds_edits(&self) -> bool {
        match (&self.copy_saved, self.doc()) {
            (Some((path, rev)), Some(doc)) => *path == doc.article.path && *rev == doc.revision(),
            _ => false,
        }
    }

    pub(super) fn poll_worker(&mut self) {
        while let Some(reply) = self.worker.poll() {
            if self.on_outside_reply(&reply) {
                continue;
            }
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
                        self.focus.selection = None;
                        self.focus.selected = None;
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
                        Err(e) => {
                            self.open = None;
                            if let Some(entry) =
                                self.library.entries.iter_mut().find(|x| x.path == path)
                            {
                                entry.unreadable = Some(e.to_string());
                            }
                            self.notify(Level::Error, e.to_string(), vec![NoticeAction::OpenPath]);
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
                            unreadable: None,
                        })
                        .collect();
                    if self.library.entries.is_empty() {
                        self.notify(
                            Level::Info,
                            format!("{}: no .txt or .md articles here", root.display()),
                            vec![],
                        );
                    } else if self.open.is_none() && self.loading.is_none() {
                        // Back to the article last worked on in this folder, else the first.
                        let last = self.settings.last_article.get(&root).cloned();
                        let article = last
                            .filter(|p| self.library.entries.iter().any(|e| &e.path == p))
                            .unwrap_or_else(|| self.library.entries[0].path.clone());
                        self.open_article(article);
                    }
                }
                Reply::Stats(list) => {
                    if let Some(stats) = &mut self.stats {
                        for (path, s) in list {
                            stats.set(path, s);
                        }
                    }
                }
                Reply::Variants(found) => self.on_variants(*found),
                Reply::Compare(reply) => self.on_compare_reply(reply),
                Reply::Story(result) => {
                    let state = self.story.get_or_insert_with(Default::default);
                    state.loading = false;
                    state.result = Some(result);
                }
                Reply::StatsDone => {
                    if let Some(stats) = &mut self.stats {
                        stats.loading = false;
                        // The open article is counted from memory, with its unsaved edits.
                        stats.counted = None;
                    }
                }
                Reply::Summaries(list) => {
                    for (path, summary) in list {
                        for (name, values) in &summary.text_values {
                            self.completions
                                .entry(name.clone())
                                .or_default()
                                .extend(values.iter().cloned());
                        }
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
                            self.after_saved();
                        }
                        Err(e) => self.on_save_failed(e),
                    }
                }
                // Handled by `on_outside_reply`.
                Reply::ArticleStamp(..) | Reply::Journaled(..) | Reply::Base(..) => {}
            }
        }
    }

    pub(super) fn on_opened(&mut self, doc: Document, report: OpenReport) {
        let keep_view = self
            .open
            .as_ref()
            .is_some_and(|o| o.doc.article.path == doc.article.path);
        if !keep_view {
            self.focus.selection = None;
            self.focus.selected = None;
        }
        self.save_blocked = false;
        self.last_save_error = None;
        self.focus.pending_relation = None;
        self.search.searched.clear();
        self.search.hits = Default::default();
        self.search.current = None;
        let name = doc.article.file_name();
        if doc.article.len_chars() == 0 {
            self.notify(
                Level::Info,
                format!("{name} is empty: there is no text to annotate."),
                vec![],
            );
        }
        let (_, refused) = crate::gui::app::commands::bindings(&super::keys::tag_keys(&doc));
        for r in refused {
            let scheme = doc
                .scheme_path
                .as_ref()
                .map_or("the built-in scheme".to_owned(), |p| {
                    p.display().to_string()
                });
            self.notify(Level::Error, format!("{scheme}: {r}"), vec![]);
        }
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
        self.report_anchoring(&name, &report);
        self.open = Some(OpenDoc { doc, ready: true });
        if let Some(o) = &self.open
            && o.doc.is_dirty()
        {
            // Re-anchored: save the new positions soon.
            self.last_edit = Some(Instant::now());
        }
        self.after_opened();
        if let Some((path, range, id)) = self.pending_goto.take() {
            if self.doc().is_some_and(|d| d.article.path == path) {
                self.go_to(range, id);
            } else {
                self.pending_goto = Some((path, range, id));
            }
        }
    }

    /// The notice saying what re-anchoring did (opening a changed article, the article
    /// changing while open, a merge).
    pub(super) fn report_anchoring(&mut self, name: &str, report: &OpenReport) {
        self.report_anchoring_as(&format!("{name} changed since it was annotated"), report);
    }

    /// [`Self::report_anchoring`] with its own first words (`headline`).
    pub(super) fn report_anchoring_as(&mut self, headline: &str, report: &OpenReport) {
        if !report.anchoring.is_empty() {
            let fuzzy = report.fuzzy_moves().count();
            let moved = report
                .anchoring
                .iter()
                .filter(|(_, a)| matches!(a, Anchoring::Moved { .. }))
                .count()
                - fuzzy;
            let orphaned = report.orphans().count();
            let needs_look = fuzzy + orphaned > 0;
            self.notify(
                if needs_look { Level::Warning } else { Level::Info },
                format!(
                    "{headline}: {moved} annotation(s) moved to their exact text, {fuzzy} moved to text that differs a little (listed under “Needs review”: keep, or re-place with R), {orphaned} orphaned (their text is gone; listed under “Orphaned”, never drawn at a wrong place)."
                ),
                if needs_look {
                    vec![NoticeAction::ShowLists]
                } else {
                    vec![]
                },
            );
        }
    }

    /// What a failed save offers depends on why it failed, never on the message's words.
    pub(super) fn on_save_failed(&mut self, error: SaveError) {
        self.save_blocked = true;
        if matches!(error, SaveError::Conflict { .. }) {
            // Someone else's sidecar is on disk: the same choices as when the watcher sees it.
            self.last_save_error = Some(error);
            self.check_disk();
            if !self
                .notices
                .iter()
                .any(|n| n.actions.contains(&NoticeAction::MergeFromDisk))
            {
                self.ask_about_sidecar();
            }
            return;
        }
        let actions = save_failure_actions(&error);
        let msg = error.to_string();
        self.last_save_error = Some(error);
        self.notify(Level::Error, msg, actions);
    }

    pub(super) fn refresh_summary(&mut self) {
        let Some(doc) = self.doc() else { return };
        let path = doc.article.path.clone();
        let summary = Summary::of_document(doc);
        if let Some(e) = self.library.entries.iter_mut().find(|e| e.path == path) {
            e.summary = Some(summary);
        }
    }

    /// Starts a background save when there are unsaved edits and the user paused.
    pub(super) fn autosave(&mut self, now: Instant) {
        if self.save_in_flight || self.save_blocked {
            return;
        }
        let Some(open) = &self.open else { return };
        if !open.ready
            || !has_unsaved_work(&open.doc)
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

    pub(super) fn start_save(&mut self) {
        // Never save against an outdated article or over someone else's sidecar.
        if !self.check_disk() {
            return;
        }
        self.journal_if_due(Instant::now(), true);
        let Some(open) = &self.open else { return };
        match open.doc.prepare_save() {
            Ok(job) => {
                self.save_in_flight = true;
                self.worker.submit(Job::Save(Box::new(job)));
            }
            Err(e) => self.on_save_failed(e),
        }
    }

    /// Saves now, on this thread (explicit save, switching article, quitting).
    pub fn save_now(&mut self) -> bool {
        let Some(open) = &mut self.open else {
            return true;
        };
        if !open.ready || !has_unsaved_work(&open.doc) {
            return true;
        }
        if !self.check_disk() {
            return false;
        }
        let Some(open) = &mut self.open else {
            return true;
        };
        let result = open.doc.save();
        match result {
            Ok(()) => {
                self.save_blocked = false;
                self.last_save_error = None;
                self.refresh_summary();
                self.after_saved();
                true
            }
            Err(e) => {
                self.on_save_failed(e);
                false
            }
        }
    }

    /// The save state, for the status bar.
    pub fn save_state(&self) -> SaveState {
        let Some(open) = &self.open else {
            return SaveState::NoDocument;
        };
        if !open.ready {
            SaveState::Loading
        } else if let Some(e) = &self.last_save_error
            && has_unsaved_work(&open.doc)
        {
            SaveState::Failed(e.to_string())
        } else if self.save_in_flight {
            SaveState::Saving
        } else if has_unsaved_work(&open.doc) {
            SaveState::Unsaved
        } else if matches!(open.doc.disk_state(), DiskState::Absent) {
            SaveState::NothingYet
        } else {
            SaveState::Saved
        }
    }

    pub(super) fn poll_dialogs(&mut self) {
        while let Some((pick, answer)) = self.dialogs.poll() {
            let path = match answer {
                Answer::Chosen(p) => p,
                Answer::Cancelled => continue,
                Answer::Unavailable => {
                    let purpose = match pick {
                        Pick::SaveCopy => PathPurpose::SaveCopy,
                        Pick::Import => PathPurpose::Import,
                        _ => PathPurpose::Open,
                    };
                    self.notify(
                        Level::Warning,
                        "No file dialog is available on this desktop (it needs a desktop portal or zenity): type the path instead.",
                        vec![],
                    );
                    self.buffers.typed_path = Some((purpose, String::new()));
                    continue;
                }
            };
            self.use_picked_path(pick, path);
        }
    }

    /// Acts on a path chosen in a dialog or typed.
    pub(super) fn use_picked_path(&mut self, pick: Pick, path: PathBuf) {
        {
            match pick {
                Pick::Article => self.open_article(path),
                Pick::Folder => self.open_folder(path),
                Pick::Import => self.import_from(&path),
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
                                if self.sidecar_question_open() {
                                    self.notify(
                                        Level::Warning,
                                        "The sidecar on disk is still the other version: reload it to work on theirs, or merge yours into it by id.",
                                        vec![NoticeAction::ReloadFromDisk, NoticeAction::MergeFromDisk],
                                    );
                                }
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
}

/// The ways forward a failed save offers, by its kind.
pub fn save_failure_actions(error: &SaveError) -> Vec<NoticeAction> {
    match error {
        // Someone else's version is on disk: see theirs, or keep ours elsewhere.
        SaveError::Conflict { .. } => vec![
            NoticeAction::ReloadFromDisk,
            NoticeAction::MergeFromDisk,
            NoticeAction::SaveCopy,
        ],
        // The sidecar on disk is unreadable: only a copy elsewhere can hold the edits.
        SaveError::Locked { .. } => vec![NoticeAction::SaveCopy],
        // Writing failed (disk full, permissions): it may work again.
        _ => vec![NoticeAction::RetrySave, NoticeAction::SaveCopy],
    }
}

/// `true` when the document holds edits the disk does not have. An article that was only
/// opened, or tagged and undone back to nothing, has none: no sidecar is written for it.
pub fn has_unsaved_work(doc: &Document) -> bool {
    let nothing = matches!(doc.disk_state(), DiskState::Absent)
        && doc.annotations().is_empty()
        && doc.relations().is_empty()
        && doc.labels().is_empty();
    doc.is_dirty() && !nothing
}
