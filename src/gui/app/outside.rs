//! Behind the window's back: the open article or its sidecar changed on disk, or the last
//! window was killed with unsaved edits.
//!
//! - [`TaglineApp::check_disk`] runs when the file watcher fires, when the window gets focus
//!   and before each save. It asks the core what changed ([`crate::core::disk::check`]) and
//!   follows its rules: a changed article is re-read and re-anchored at once; a changed
//!   sidecar is reloaded when nothing is unsaved, else autosave stops and a notice offers
//!   Reload, Merge by id and Save a copy.
//! - The recovery journal ([`crate::core::recovery`]) is written by the worker when edits
//!   have rested [`JOURNAL_PAUSE`] or a save starts, and removed after a good save; at start,
//!   journals left by a window that is gone are offered with Restore / Discard.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::core::disk::{self, DiskCheck, FileStamp, Seen, SidecarReaction};
use crate::core::recovery::{self, Journal, JournalJob, Session};
use crate::core::{ContentHash, DiskState, SidecarData};

use super::*;
use crate::gui::watch::FileWatch;
use crate::gui::worker::{Job, Reply};

/// How long edits rest before they are written to the recovery journal.
pub const JOURNAL_PAUSE: Duration = Duration::from_millis(500);

/// What the window knows about the files behind the open document.
pub struct Outside {
    /// The file watcher.
    pub watch: FileWatch,
    /// The files as last read or written.
    pub seen: Seen,
    /// The article's stamp from the worker, for the document being opened.
    pending_stamp: Option<(PathBuf, Option<FileStamp>)>,
    /// A check is wanted (watcher event, focus) but had to wait (a save or load under way).
    pub check_due: bool,
    /// The watcher fired since the last check: hash the files, whatever their metadata says.
    thorough: bool,
    /// The sidecar as last read or written: its fingerprint and bytes (the base of a merge).
    base: Option<(PathBuf, ContentHash, Arc<Vec<u8>>)>,
    /// The sidecar version on disk already asked about (so a check does not ask twice).
    asked_about: Option<Option<ContentHash>>,
    /// This window's recovery session (`None`: no journal is kept).
    session: Option<Session>,
    /// The journal written for the open document: its file and the revision it holds.
    journaled: Option<(PathBuf, u64)>,
    /// A journal to restore once its article is open.
    pending_restore: Option<Journal>,
}

impl Default for Outside {
    fn default() -> Self {
        Outside {
            watch: FileWatch::none(),
            seen: Seen::default(),
            pending_stamp: None,
            check_due: false,
            thorough: false,
            base: None,
            asked_about: None,
            session: None,
            journaled: None,
            pending_restore: None,
        }
    }
}

/// "2026-12-01 13:45:12 UTC (3 minutes before this start)".
fn when(written: u64, now: SystemTime) -> String {
    let stamp = crate::core::model::rfc3339_from_unix(written)
        .replace('T', " ")
        .replace('Z', " UTC");
    let now = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let ago = now.saturating_sub(written);
    let ago = match ago {
        0..60 => format!("{ago} s"),
        60..7200 => format!("{} min", ago / 60),
        _ => format!("{} h", ago / 3600),
    };
    format!("{stamp} ({ago} before this start)")
}

/// The words of a recovery offer.
pub fn recovery_message(
    journal: &Journal,
    changes: &recovery::RecoveredChanges,
    now: SystemTime,
) -> String {
    let mut what = vec![];
    if changes.added_or_changed > 0 {
        what.push(format!("{} added or changed", changes.added_or_changed));
    }
    if changes.removed > 0 {
        what.push(format!("{} removed", changes.removed));
    }
    if changes.other_changes {
        what.push("links or document labels changed".to_owned());
    }
    format!(
        "Tagline closed without saving last time (a crash or a kill). It kept your unsaved edits of {}: {} annotation(s), {} since the last save, as of {}. Restore them, or discard them?",
        journal.article.display(),
        changes.annotations,
        what.join(", "),
        when(journal.written, now),
    )
}

impl TaglineApp {
    /// Watches the open files with a real file watcher (the window; tests drive the checks).
    pub fn set_file_watch(&mut self, watch: FileWatch) {
        self.outside.watch = watch;
        self.rewatch();
    }

    fn rewatch(&mut self) {
        let Some(doc) = self.doc() else { return };
        let (a, s) = (doc.article.path.clone(), doc.sidecar_path().to_owned());
        if let Err(e) = self.outside.watch.watch(&[&a, &s]) {
            // The checks on focus and before each save still run.
            self.notify(
                Level::Info,
                format!("Changes by other programs are noticed when the window gets focus and before each save (the folder cannot be watched: {e})."),
                vec![],
            );
        }
    }

    /// Keeps a recovery journal of unsaved edits in `dir`, and offers the journals a window
    /// that is gone left there.
    pub fn start_recovery(&mut self, dir: &Path) {
        let now = SystemTime::now();
        let ms = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        match Session::start(dir, std::process::id(), ms) {
            Ok(s) => self.outside.session = Some(s),
            Err(e) => self.notify(
                Level::Warning,
                format!(
                    "{}: no recovery journal can be kept ({e}); edits are safe once saved.",
                    dir.display()
                ),
                vec![],
            ),
        }
        for (file, found) in recovery::left_behind(dir) {
            match found {
                Err(reason) => self.notify(
                    Level::Warning,
                    format!("A recovery journal could not be read: {reason}"),
                    vec![NoticeAction::DiscardRecovery(file)],
                ),
                Ok(journal) => {
                    let on_disk = SidecarData::read_streaming(&crate::core::sidecar::sidecar_path(
                        &journal.article,
                    ))
                    .ok()
                    .map(|(d, _)| d);
                    let changes = recovery::compare(&journal.data, on_disk.as_ref());
                    if changes.is_empty() {
                        // Everything it holds reached the sidecar: nothing to offer.
                        let _ = recovery::discard(&file);
                        continue;
                    }
                    self.notify(
                        Level::Warning,
                        recovery_message(&journal, &changes, now),
                        vec![
                            NoticeAction::RestoreRecovery(file.clone()),
                            NoticeAction::DiscardRecovery(file),
                        ],
                    );
                }
            }
        }
    }

    pub(super) fn restore_recovery(&mut self, file: &Path) {
        let journal = match recovery::read_journal(file) {
            Ok(j) => j,
            Err(e) => {
                self.notify(
                    Level::Error,
                    e,
                    vec![NoticeAction::DiscardRecovery(file.to_owned())],
                );
                return;
            }
        };
        let open_here = self
            .open
            .as_ref()
            .is_some_and(|o| o.ready && o.doc.article.path == journal.article);
        let article = journal.article.clone();
        self.outside.pending_restore = Some(journal);
        if open_here {
            self.apply_pending_restore();
        } else {
            self.open_article(article);
        }
    }

    pub(super) fn discard_recovery(&mut self, file: &Path) {
        if let Err(e) = recovery::discard(file) {
            self.notify(
                Level::Warning,
                format!("{}: cannot delete it: {e}", file.display()),
                vec![],
            );
        }
    }

    fn apply_pending_restore(&mut self) {
        let Some(open) = &mut self.open else { return };
        let Some(journal) = self
            .outside
            .pending_restore
            .take_if(|j| j.article == open.doc.article.path)
        else {
            return;
        };
        let count = journal.data.annotations.len();
        let report = open.doc.restore_recovered(journal.data, journal.expected);
        let name = open.doc.article.file_name();
        self.report_anchoring(&name, &report);
        self.notify(
            Level::Info,
            format!("Restored {count} annotation(s) of {name} from the recovery journal; they are saved now."),
            vec![],
        );
        // The restored edits are this window's now: its own journal takes over.
        let _ = recovery::discard(&journal.file);
        self.outside.journaled = None;
        self.save_blocked = false;
        self.last_edit = None;
        // The sidecar may have moved on since the journal's edits were made.
        self.outside.check_due = true;
    }

    /// Replies of the worker about files behind the document; `false` for others.
    pub(super) fn on_outside_reply(&mut self, reply: &Reply) -> bool {
        match reply {
            Reply::ArticleStamp(path, stamp) => {
                self.outside.pending_stamp = Some((path.clone(), stamp.clone()));
            }
            Reply::Journaled(path, result) => match result {
                Ok(rev) => {
                    // A journal finished after its document was saved or left is stale.
                    let current = self.doc().is_some_and(|d| {
                        has_unsaved_work(d)
                            && self.outside.session.as_ref().map(|s| s.journal_path(&d.article.path)).as_ref() == Some(path)
                    });
                    if current {
                        self.outside.journaled = Some((path.clone(), *rev));
                    } else if self.outside.journaled.as_ref().is_none_or(|(p, _)| p != path) {
                        let _ = std::fs::remove_file(path);
                    }
                }
                Err(e) => self.notify(
                    Level::Warning,
                    format!("The recovery journal could not be written ({e}); edits are safe once saved."),
                    vec![],
                ),
            },
            Reply::Base(path, stamp, bytes) => {
                let matches = self.doc().is_some_and(|d| {
                    d.sidecar_path() == path
                        && matches!(d.disk_state(), DiskState::Synced { hash: h } if *h == stamp.hash)
                });
                if matches {
                    self.outside.base =
                        Some((path.clone(), stamp.hash.clone(), Arc::clone(bytes)));
                    // The next check compares metadata instead of hashing the file again.
                    if self.outside.seen.sidecar.is_none() {
                        self.outside.seen.sidecar = Some(stamp.clone());
                    }
                }
            }
            _ => return false,
        }
        true
    }

    /// After a document was opened (or reloaded): remember what it was read from, watch it,
    /// apply a pending restore.
    pub(super) fn after_opened(&mut self) {
        let Some(doc) = self.doc() else { return };
        let path = doc.article.path.clone();
        let sidecar = doc.sidecar_path().to_owned();
        let synced = matches!(doc.disk_state(), DiskState::Synced { .. });
        self.outside.seen = Seen::default();
        if let Some((p, stamp)) = self.outside.pending_stamp.take()
            && p == path
        {
            self.outside.seen.article = stamp;
        }
        self.outside.base = None;
        self.outside.asked_about = None;
        self.outside.journaled = None;
        if synced {
            self.worker.submit(Job::ReadBase(sidecar));
        }
        self.rewatch();
        self.apply_pending_restore();
    }

    /// After a good save of the open document.
    pub(super) fn after_saved(&mut self) {
        let Some(doc) = self.doc() else { return };
        let sidecar = doc.sidecar_path().to_owned();
        let clean = !has_unsaved_work(doc);
        // What was just written is known: the next check reads only its metadata. (A change
        // by someone else in between is still refused by the next save's own check.)
        if let DiskState::Synced { hash } = doc.disk_state() {
            self.outside.seen.sidecar = FileStamp::written(&sidecar, hash.clone()).ok().flatten();
        }
        self.outside.asked_about = None;
        self.worker.submit(Job::ReadBase(sidecar));
        if clean && let Some((file, _)) = self.outside.journaled.take() {
            let _ = std::fs::remove_file(file);
        }
    }

    /// Deletes the open document's journal (the person chose to drop the edits).
    pub(super) fn drop_journal(&mut self) {
        if let Some((file, _)) = self.outside.journaled.take() {
            let _ = std::fs::remove_file(file);
        }
    }

    /// `true` while unsaved edits are not yet in the journal.
    pub(super) fn journal_pending(&self) -> bool {
        let (Some(session), Some(open)) = (&self.outside.session, &self.open) else {
            return false;
        };
        open.ready
            && has_unsaved_work(&open.doc)
            && self.outside.journaled.as_ref()
                != Some(&(
                    session.journal_path(&open.doc.article.path),
                    open.doc.revision(),
                ))
    }

    /// Writes the recovery journal when edits rested or a save is about to start.
    pub(super) fn journal_if_due(&mut self, now: Instant, saving: bool) {
        let Some(session) = &self.outside.session else {
            return;
        };
        let Some(open) = &self.open else { return };
        if !open.ready || !has_unsaved_work(&open.doc) {
            return;
        }
        let rested = self
            .last_edit
            .is_none_or(|t| now.duration_since(t) >= JOURNAL_PAUSE);
        if !(saving || rested) {
            return;
        }
        let doc = &open.doc;
        let path = session.journal_path(&doc.article.path);
        if self.outside.journaled.as_ref() == Some(&(path.clone(), doc.revision())) {
            return;
        }
        let expected = match doc.disk_state() {
            DiskState::Synced { hash } => Some(hash.clone()),
            _ => None,
        };
        let written = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let job = JournalJob {
            path: path.clone(),
            article: doc.article.path.clone(),
            written,
            expected,
            data: doc.snapshot(),
            revision: doc.revision(),
        };
        // Marked at once so the next frame does not queue it again; the reply confirms.
        self.outside.journaled = Some((path, doc.revision()));
        self.worker.submit(Job::Journal(Box::new(job)));
    }

    /// Asks for a disk check at the next chance (watcher event, focus).
    pub(super) fn poll_outside(&mut self, ctx: &egui::Context) {
        let focused = ctx.input(|i| {
            i.raw
                .events
                .iter()
                .any(|e| matches!(e, egui::Event::WindowFocused(true)))
        });
        if self.outside.watch.poll() {
            self.outside.check_due = true;
            self.outside.thorough = true;
        }
        if focused {
            self.outside.check_due = true;
        }
        if self.outside.check_due && !self.save_in_flight && self.loading.is_none() {
            self.check_disk();
        }
        if self.outside.check_due {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    /// Compares the files on disk with what the open document was read from and acts on the
    /// difference. Returns `true` when the document may be saved now.
    pub fn check_disk(&mut self) -> bool {
        self.outside.check_due = false;
        let Some(open) = &self.open else { return true };
        if !open.ready {
            return true;
        }
        let thorough = std::mem::take(&mut self.outside.thorough);
        let found = match disk::check(&open.doc, &mut self.outside.seen, thorough) {
            Ok(found) => found,
            // The files cannot be looked at now: the save's own checks still run.
            Err(_) => return true,
        };
        self.act_on(found)
    }

    fn act_on(&mut self, found: DiskCheck) -> bool {
        let mut may_save = true;
        if let Some(stamp) = found.article {
            may_save &= self.article_changed(stamp);
        }
        if let Some(now) = found.sidecar {
            may_save &= self.sidecar_changed(now.map(|s| s.hash));
        }
        may_save
    }

    fn article_changed(&mut self, stamp: Option<FileStamp>) -> bool {
        let Some(open) = &mut self.open else {
            return true;
        };
        let name = open.doc.article.file_name();
        let article = match open.doc.reread_article(&self.load_options) {
            Ok(a) => a,
            Err(e) => {
                self.save_blocked = true;
                self.outside.seen.article = stamp;
                self.notify(
                    Level::Error,
                    format!("{name} changed on disk and cannot be read now ({e}). Saving is paused so no annotation is saved against text that is gone; your edits are kept in memory."),
                    vec![NoticeAction::SaveCopy],
                );
                return false;
            }
        };
        self.outside.seen.article = stamp;
        if article.sha256 == open.doc.article.sha256 {
            return true;
        }
        let report = open.doc.replace_article(article);
        self.focus.selection = None;
        self.focus.pending_relation = None;
        self.search.searched.clear();
        self.search.hits = Default::default();
        self.search.current = None;
        self.copy_saved = None;
        self.outside.journaled = None;
        self.last_edit = Some(Instant::now());
        let headline =
            format!("{name} changed on disk (another program edited it); the new text is shown");
        if report.anchoring.is_empty() {
            self.notify(
                Level::Info,
                format!("{headline} and no annotation had to move."),
                vec![],
            );
        } else {
            self.report_anchoring_as(&headline, &report);
        }
        true
    }

    fn sidecar_changed(&mut self, now: Option<ContentHash>) -> bool {
        let Some(open) = &mut self.open else {
            return true;
        };
        match disk::sidecar_reaction(has_unsaved_work(&open.doc), now.is_none()) {
            SidecarReaction::Reload => {
                self.reload_from_disk(true);
                true
            }
            SidecarReaction::Ask => {
                self.save_blocked = true;
                // The status bar says why nothing is saved.
                self.last_save_error = Some(crate::core::SaveError::Conflict {
                    path: open.doc.sidecar_path().to_owned(),
                });
                if self.outside.asked_about.as_ref() != Some(&now) {
                    self.outside.asked_about = Some(now);
                    self.ask_about_sidecar();
                }
                false
            }
        }
    }

    pub(super) fn ask_about_sidecar(&mut self) {
        let Some(doc) = self.doc() else { return };
        let name = doc
            .sidecar_path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.notices
            .retain(|n| !n.actions.contains(&NoticeAction::MergeFromDisk));
        self.notify(
            Level::Warning,
            format!("{name} changed on disk while you had unsaved edits (another program or person saved it). Your edits are kept in memory and autosave is paused. Reload theirs (drops your edits), merge by id (keeps both; what both changed differently is marked for review), or save yours as a copy."),
            vec![
                NoticeAction::ReloadFromDisk,
                NoticeAction::MergeFromDisk,
                NoticeAction::SaveCopy,
            ],
        );
    }

    /// `true` while a changed sidecar waits for the person's choice.
    pub(super) fn sidecar_question_open(&self) -> bool {
        self.save_blocked && self.outside.asked_about.is_some()
    }

    /// Re-reads the sidecar from disk, dropping unsaved edits (the notice's Reload, or a
    /// change on disk with nothing unsaved: `quiet`).
    pub(super) fn reload_from_disk(&mut self, quiet: bool) {
        let Some(mut open) = self.open.take() else {
            return;
        };
        let had = open.doc.annotations().len();
        let report = open.doc.reload();
        let name = open.doc.article.file_name();
        let now = open.doc.annotations().len();
        let stamp = self.outside.seen.article.clone();
        self.notices
            .retain(|n| !n.actions.contains(&NoticeAction::MergeFromDisk));
        self.outside.pending_stamp = Some((open.doc.article.path.clone(), stamp));
        self.on_opened(open.doc, report);
        self.save_blocked = false;
        self.last_save_error = None;
        if quiet {
            self.notify(
                Level::Info,
                format!("The annotations of {name} changed on disk (another program or person saved them) and were read again: {now} annotation(s), {had} before."),
                vec![],
            );
        }
    }

    /// The notice's Merge by id.
    pub(super) fn merge_from_disk(&mut self) {
        let Some(open) = &mut self.open else { return };
        let base = match (&self.outside.base, open.doc.disk_state()) {
            (Some((path, hash, bytes)), DiskState::Synced { hash: h })
                if path.as_path() == open.doc.sidecar_path() && hash == h =>
            {
                SidecarData::parse(bytes, path).ok()
            }
            _ => None,
        };
        match open.doc.merge_with_disk(base.as_ref()) {
            Err(e) => {
                self.notify(
                    Level::Error,
                    format!("Not merged: {e}"),
                    vec![NoticeAction::ReloadFromDisk, NoticeAction::SaveCopy],
                );
            }
            Ok(merge) => {
                self.notices
                    .retain(|n| !n.actions.contains(&NoticeAction::MergeFromDisk));
                let name = open.doc.article.file_name();
                let conflicts = merge.conflicts;
                self.outside.seen.sidecar = None;
                self.outside.asked_about = None;
                self.outside.base = None;
                self.outside.journaled = None;
                self.save_blocked = false;
                self.last_save_error = None;
                self.focus.selection = None;
                self.last_edit = None;
                let base_note = if merge.base_known {
                    ""
                } else {
                    " (the version last read was not known, so every difference was kept from both sides)"
                };
                self.notify(
                    if conflicts > 0 { Level::Warning } else { Level::Info },
                    format!(
                        "Merged your edits of {name} with the version on disk by id{base_note}: {conflicts} conflict(s) kept both versions and are listed under “Needs review”; {} link(s) dropped with a deleted annotation. The merge is saved now.",
                        merge.dropped_relations
                    ),
                    if conflicts > 0 {
                        vec![NoticeAction::ShowLists]
                    } else {
                        vec![]
                    },
                );
                self.report_anchoring(&name, &merge.report);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_offer_says_which_article_how_many_and_when() {
        let journal = Journal {
            file: "x.journal".into(),
            article: "/news/pier.txt".into(),
            written: 1_796_131_576,
            expected: None,
            data: SidecarData::default(),
        };
        let changes = recovery::RecoveredChanges {
            annotations: 3,
            added_or_changed: 2,
            removed: 1,
            other_changes: false,
        };
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_131_576 + 180);
        assert_eq!(
            recovery_message(&journal, &changes, now),
            "Tagline closed without saving last time (a crash or a kill). It kept your unsaved edits of /news/pier.txt: 3 annotation(s), 2 added or changed, 1 removed since the last save, as of 2026-12-01 13:26:16 UTC (3 min before this start). Restore them, or discard them?"
        );
    }
}
