//! The window's state beside the document: notices, the folder list, Find, editing buffers.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::core::AnnotationId;
use crate::gui::worker::Summary;

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
    /// Show the orphaned annotations and those waiting for review.
    ShowLists,
    /// Merge the sidecar someone else changed on disk with my edits, by annotation id.
    MergeFromDisk,
    /// Restore the unsaved edits of a recovery journal (this file).
    RestoreRecovery(PathBuf),
    /// Delete a recovery journal without restoring it.
    DiscardRecovery(PathBuf),
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
            NoticeAction::ShowLists => "Show them",
            NoticeAction::MergeFromDisk => "Merge by id (keep both)",
            NoticeAction::RestoreRecovery(_) => "Restore",
            NoticeAction::DiscardRecovery(_) => "Discard",
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
    /// Why the article itself could not be opened, once tried.
    pub unreadable: Option<String>,
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
    /// The rows (positions in `entries`) the filter lets through, kept between frames.
    pub rows: Vec<usize>,
    /// What `rows` were computed for: (filter, number of entries).
    pub rows_key: Option<(String, usize)>,
}

impl Library {
    /// Recomputes the visible rows when the filter or the entries changed.
    pub fn refresh_rows(&mut self) {
        let key = (self.filter.to_lowercase(), self.entries.len());
        if self.rows_key.as_ref() == Some(&key) {
            return;
        }
        let filter = &key.0;
        self.rows = (0..self.entries.len())
            .filter(|&i| {
                filter.is_empty()
                    || self.entries[i]
                        .path
                        .to_string_lossy()
                        .to_lowercase()
                        .contains(filter.as_str())
            })
            .collect();
        self.rows_key = Some(key);
    }
}

/// The annotation list's filter: which tag, which text (the annotator filter is the app's own,
/// since it also decides what the article view shows).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only this tag.
    pub tag: Option<String>,
    /// Text, note or attribute containing this (case-insensitive).
    pub text: String,
    /// Only suggestions waiting for a decision.
    pub suggested: bool,
}

/// The annotation list: its filter and the rows it lets through.
#[derive(Default)]
pub struct AnnotationList {
    /// The filter.
    pub filter: ListFilter,
    /// Positions in `doc.annotations()` of the listed annotations, in reading order.
    pub rows: Vec<usize>,
    /// Positions of the orphaned annotations (their text is gone), for their own section.
    pub orphans: Vec<usize>,
    /// Positions of the annotations waiting for review (fuzzy moves, merges).
    pub reviews: Vec<usize>,
    /// How many suggestions wait for a decision (accept, reject).
    pub suggestions: usize,
    /// Open the orphan and review sections (the notice after opening links to them).
    pub show_lists: bool,
    /// What `rows` were computed for.
    pub key: Option<ListKey>,
}

/// The Statistics window's figures: one [`Stats`] per article, and their sum, kept in step
/// with edits by replacing the open article's share (never by re-reading the folder).
///
/// [`Stats`]: crate::analysis::stats::Stats
#[derive(Default)]
pub struct FolderStats {
    /// Each counted article's statistics.
    pub per_article: std::collections::HashMap<PathBuf, crate::analysis::stats::Stats>,
    /// The sum over the folder.
    pub total: crate::analysis::stats::Stats,
    /// Still counting (the worker has not said it is done).
    pub loading: bool,
    /// The open document's (path, revision) last counted.
    pub counted: Option<(PathBuf, u64)>,
}

impl FolderStats {
    /// Replaces one article's share of the total.
    pub fn set(&mut self, path: PathBuf, stats: crate::analysis::stats::Stats) {
        if let Some(old) = self.per_article.get(&path) {
            self.total.subtract(old);
        }
        self.total.add(&stats);
        self.per_article.insert(path, stats);
    }
}

/// Which floating windows are open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Windows {
    /// Settings.
    pub settings: bool,
    /// Keyboard help (F1).
    pub help: bool,
    /// Statistics.
    pub stats: bool,
    /// The story of the folder.
    pub story: bool,
}

/// A floating window, for [`super::Intent::ShowWindow`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelWindow {
    /// Settings.
    Settings,
    /// Keyboard help.
    Help,
    /// Statistics of the open folder.
    Stats,
    /// The story of the open folder.
    Story,
}

/// The Story window's content: being grouped, or grouped.
#[derive(Default)]
pub struct StoryState {
    /// A grouping is under way.
    pub loading: bool,
    /// The last grouping.
    pub result: Option<Box<crate::gui::worker::StoryResult>>,
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
    /// The hits of `searched`, shared with the view without copying.
    pub hits: std::sync::Arc<Vec<crate::core::CharRange>>,
    /// The current hit.
    pub current: Option<usize>,
}

/// What the annotation list's rows depend on.
pub type ListKey = (
    u64,
    usize,
    usize,
    Option<String>,
    String,
    bool,
    Option<String>,
);

/// Editing buffers of the side panel (so typing is not one undo step per key).
#[derive(Default)]
pub struct Buffers {
    /// Note being edited: annotation id and text.
    pub note: Option<(AnnotationId, String)>,
    /// Text attributes being edited: annotation id, and the text of each attribute.
    pub text_attr: Option<(AnnotationId, BTreeMap<String, String>)>,
    /// Text labels being edited.
    pub labels: std::collections::BTreeMap<String, String>,
    /// The typed-path window: what the path is for, and the text typed so far.
    pub typed_path: Option<(PathPurpose, String)>,
    /// Move the keyboard to the selected annotation's first attribute (Enter), next frame.
    pub focus_first_attribute: bool,
    /// The name typed in the first start's "Who is annotating?" window.
    pub first_run_name: Option<String>,
    /// The settings being edited in the Settings window (applied as they change).
    pub settings_draft: Option<crate::settings::Settings>,
    /// The folder list is hidden (Ctrl+B).
    pub hide_left: bool,
    /// The annotation panel is hidden (Ctrl+Alt+B).
    pub hide_right: bool,
}

/// Where the open document's annotations stand with respect to the disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    /// No document is open.
    NoDocument,
    /// The sidecar is still being read.
    Loading,
    /// The last save failed and edits are only in memory (the error, for the user).
    Failed(String),
    /// A save is under way.
    Saving,
    /// There are edits not yet saved.
    Unsaved,
    /// Nothing annotated and no sidecar on disk.
    NothingYet,
    /// Everything is on disk.
    Saved,
}

impl SaveState {
    /// Words for the status bar.
    pub fn label(&self) -> String {
        match self {
            SaveState::NoDocument => String::new(),
            SaveState::Loading => "Loading annotations…".into(),
            SaveState::Failed(e) => {
                format!("Not saved: {}", e.chars().take(80).collect::<String>())
            }
            SaveState::Saving => "Saving…".into(),
            SaveState::Unsaved => "Unsaved changes".into(),
            SaveState::NothingYet => "No annotations yet".into(),
            SaveState::Saved => "All changes saved".into(),
        }
    }

    /// How much the state asks for attention.
    pub fn level(&self) -> Level {
        match self {
            SaveState::Failed(_) => Level::Error,
            SaveState::Saving | SaveState::Unsaved => Level::Warning,
            _ => Level::Info,
        }
    }
}

/// What a typed path is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    /// Open an article or folder (File → Open path…, or no file dialog).
    Open,
    /// Save a copy of the annotations there (no file dialog for "Save annotations as…").
    SaveCopy,
    /// The teacher's key folder (practice mode).
    PracticeKey,
    /// A file to import (File → Import…, or no file dialog).
    Import,
}
