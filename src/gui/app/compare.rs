//! Compare and adjudicate (View → Compare with…): the open article beside other annotators'
//! copies (their folders) or the other annotators of its own sidecar, every annotator's spans in
//! one view coloured by how they stand (`analysis::compare`), and a gold sidecar written into a
//! folder the person picks, decision by decision (A accepts, X rejects, Shift+A accepts every
//! span all agree on).
//!
//! The comparison is read-only: the view shows a document made for it (one annotation per
//! candidate, id `c<index>`), never saved; the open document is not changed. Decisions are
//! written to the gold sidecar at once, atomically, under its write lock, and never over a gold
//! sidecar someone else changed since it was read.
//!
//! What grows with the data runs on the worker ([`Job::Compare`], [`Job::RankQueue`],
//! [`Job::WriteGold`]): opening the annotators' copies and building the comparison, ranking
//! the folder, and writing the gold sidecar. The status bar shows the first two with Cancel
//! ([`Busy`]); gold writes are coalesced ([`GoldSlot`]): the worker writes the latest decisions,
//! in order, each against the fingerprint the previous write left.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::analysis::compare::{
    Class, Comparison, Decisions, QueueRow, State, compare_article, gold_sidecar,
    open_disagreements, queue,
};
use crate::analysis::pairing::{Source, pair_sides, split_by_annotator};
use crate::core::sidecar::{ArticleRef, SidecarData, SidecarSnapshot, sidecar_path};
use crate::core::store::{ContentHash, content_hash_file, lock_for_write, write_atomic};
use crate::core::{AnnotationId, Article, Document, LoadOptions, OpenReport, Scheme, SystemStamps};

use crate::gui::app::commands::UiCommand;
use crate::gui::worker::Job;

use crate::gui::view::{ArticleView, LineStyle, SpanMark, SpanOverlay};

use super::*;

/// Whose work the open article is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CompareMode {
    /// The same article in other annotators' folders (one annotator per folder).
    #[default]
    Folders,
    /// The annotators of the open article's own sidecar.
    Sidecar,
}

/// What the "Compare with" window asks for.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CompareRequest {
    /// Whose work.
    pub mode: CompareMode,
    /// The other annotators' folders ([`CompareMode::Folders`]).
    pub folders: Vec<PathBuf>,
    /// Where the gold sidecars go (`None`: compare only).
    pub gold_dir: Option<PathBuf>,
}

/// What the compare window and panel ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum CompareIntent {
    /// Open or close the "Compare with" window.
    Setup(bool),
    /// Start comparing the open article.
    Start(CompareRequest),
    /// Select candidate `index` and scroll to it.
    Select(usize),
    /// Rank the open folder's articles for adjudication.
    RankQueue,
    /// Compare this article of the folder next (from the queue).
    OpenQueued(PathBuf),
    /// Show two annotators side by side (or the merged view).
    TwoPanes(bool),
    /// Show annotator `annotator` in pane `pane` (0 or 1).
    PaneAnnotator {
        /// Which pane.
        pane: usize,
        /// Index into the comparison's annotators.
        annotator: usize,
    },
    /// Leave the comparison.
    Close,
    /// Stop the comparison or ranking under way.
    Cancel,
}

/// The "Compare with" window's fields.
#[derive(Clone, Debug, Default)]
pub struct CompareSetup {
    /// The window is open.
    pub open: bool,
    /// Whose work.
    pub mode: CompareMode,
    /// Folders added so far.
    pub folders: Vec<PathBuf>,
    /// The folder being typed.
    pub folder_draft: String,
    /// The gold folder typed.
    pub gold_draft: String,
}

/// Compare mode's state: the setup window, the session and a request waiting for its article.
#[derive(Default)]
pub struct Compare {
    /// The "Compare with" window.
    pub setup: CompareSetup,
    /// The comparison being shown.
    pub session: Option<CompareSession>,
    /// A comparison to start once this article is open (from the queue).
    pub pending: Option<(PathBuf, CompareRequest)>,
    /// The last ranking of the folder (kept across articles).
    pub queue: Vec<QueueEntry>,
    /// A comparison or ranking under way on the worker.
    pub busy: Option<Busy>,
    /// The ticket of the last job started (a reply with another is stale).
    last_ticket: u64,
    /// Gold sidecars of closed comparisons still being written.
    closed_writes: Vec<Arc<GoldSlot>>,
}

impl Compare {
    /// A gold sidecar write is queued or under way (this comparison's or a closed one's).
    pub fn writing_gold(&self) -> bool {
        self.session
            .as_ref()
            .and_then(|s| s.gold.as_ref())
            .into_iter()
            .chain(&self.closed_writes)
            .any(|g| g.lock().queued)
    }

    /// Waits, at most `limit`, for the gold writes under way to finish (before the window
    /// closes: the worker thread does not outlive it).
    pub fn wait_for_gold_writes(&mut self, limit: std::time::Duration) {
        let start = std::time::Instant::now();
        while self.writing_gold() && start.elapsed() < limit {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        self.closed_writes.retain(|g| g.lock().queued);
    }
}

/// What the worker is doing for the compare view: shown in the status bar with Cancel.
#[derive(Debug)]
pub struct Busy {
    /// Which job (replies with another ticket are dropped).
    pub ticket: u64,
    /// What is being done, e.g. "Comparing news.txt".
    pub what: String,
    /// The step under way, e.g. "ben's copy".
    pub step: String,
    /// Steps done.
    pub done: usize,
    /// Steps in all.
    pub total: usize,
    cancel: Arc<AtomicBool>,
}

/// What comes back from the compare jobs.
pub enum CompareReply {
    /// Job `ticket` has done `done` of `total` steps; `step` is the next.
    Progress {
        /// The job.
        ticket: u64,
        /// Steps done.
        done: usize,
        /// Steps in all.
        total: usize,
        /// The step under way.
        step: String,
    },
    /// The comparison of [`Job::Compare`] is ready, or why there is none.
    Prepared(u64, Result<Box<Prepared>, (Level, String)>),
    /// The ranking of [`Job::RankQueue`].
    Ranked(u64, Vec<QueueEntry>),
    /// A gold sidecar could not be written (the path and why).
    GoldFailed(PathBuf, String),
}

/// Compare this article ([`Job::Compare`]): everything the worker needs.
pub struct CompareJob {
    ticket: u64,
    cancel: Arc<AtomicBool>,
    request: CompareRequest,
    relative: PathBuf,
    reference_name: String,
    /// The open article and its annotations as they are now (unsaved edits included).
    article: Arc<Article>,
    snapshot: SidecarSnapshot,
    scheme: Scheme,
    options: LoadOptions,
}

impl CompareJob {
    /// Which job this is.
    pub fn ticket(&self) -> u64 {
        self.ticket
    }
}

impl QueueJob {
    /// Which job this is.
    pub fn ticket(&self) -> u64 {
        self.ticket
    }
}

/// Rank these articles ([`Job::RankQueue`]).
pub struct QueueJob {
    ticket: u64,
    cancel: Arc<AtomicBool>,
    request: CompareRequest,
    /// Each article with its path relative to the folder and the reference's name.
    items: Vec<(PathBuf, PathBuf, String)>,
    options: LoadOptions,
}

/// A comparison built by the worker, made into a [`CompareSession`] by the app.
pub struct Prepared {
    article: PathBuf,
    relative: PathBuf,
    request: CompareRequest,
    comparison: Comparison,
    decisions: Decisions,
    view_doc: Document,
    gold_path: Option<PathBuf>,
    gold_article: ArticleRef,
    scheme_ref: String,
    gold_hash: Option<ContentHash>,
    warnings: Vec<String>,
}

/// The gold sidecar's writes, shared by the session and the worker ([`Job::WriteGold`]): the
/// latest decisions not yet written and the fingerprint the last write left. A decision made
/// while a write is under way replaces what waits, so the worker writes only the newest; the
/// worker keeps the slot alive, so closing the comparison loses no decision.
pub struct GoldSlot {
    /// The gold sidecar.
    pub path: PathBuf,
    /// The article compared (copied next to the gold sidecar when it is not there).
    article: PathBuf,
    state: Mutex<GoldState>,
}

/// A [`GoldSlot`]'s state.
#[derive(Debug, Default)]
pub struct GoldState {
    /// What to write next: the decisions, the gold article and the scheme reference.
    pending: Option<(Arc<Decisions>, ArticleRef, String)>,
    /// The gold sidecar's fingerprint when last read or written (`None`: absent).
    hash: Option<ContentHash>,
    /// A [`Job::WriteGold`] is queued or writing.
    pub queued: bool,
}

impl GoldSlot {
    /// The state (a panicked writer left it as it was).
    pub fn lock(&self) -> std::sync::MutexGuard<'_, GoldState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hands `data` to the worker; `true` when a job must be submitted (none is queued).
    fn offer(&self, data: (Arc<Decisions>, ArticleRef, String)) -> bool {
        let mut st = self.lock();
        st.pending = Some(data);
        !std::mem::replace(&mut st.queued, true)
    }

    /// Writes what waits until nothing does (on the worker); `report` gets each failure.
    pub fn write_pending(&self, report: &mut dyn FnMut(String)) {
        loop {
            let (data, expected) = {
                let mut st = self.lock();
                match st.pending.take() {
                    Some(d) => (d, st.hash.clone()),
                    None => {
                        st.queued = false;
                        return;
                    }
                }
            };
            let (decisions, article, scheme) = data;
            let data = gold_sidecar(article, &scheme, &decisions);
            drop(decisions);
            match write_gold(&self.path, &self.article, expected, &data) {
                Ok(hash) => self.lock().hash = Some(hash),
                Err(e) => report(e),
            }
        }
    }
}

/// Writes the gold sidecar at `path` (and copies `article` next to it when it is not there),
/// under its write lock, unless its bytes are no longer those of `expected`.
fn write_gold(
    path: &Path,
    article: &Path,
    expected: Option<ContentHash>,
    data: &SidecarData,
) -> Result<ContentHash, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let copy = crate::core::sidecar::article_path_of_sidecar(path)
        .ok_or_else(|| format!("{}: not a sidecar name", path.display()))?;
    if !copy.exists() {
        std::fs::copy(article, &copy)
            .map_err(|e| format!("{}: cannot copy the article: {e}", copy.display()))?;
    }
    let lock =
        lock_for_write(path, std::time::Duration::from_secs(2)).map_err(|e| e.to_string())?;
    let on_disk = content_hash_file(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if on_disk != expected {
        return Err(format!(
            "{} changed on disk since it was read; the decision is kept here but not written (close and compare again to see the other changes)",
            path.display()
        ));
    }
    let json = data.to_json();
    write_atomic(path, json.as_bytes()).map_err(|e| e.to_string())?;
    drop(lock);
    Ok(crate::core::store::content_hash(json.as_bytes()))
}

/// A row of the adjudication queue with the article it names.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueEntry {
    /// The article in the open folder.
    pub path: PathBuf,
    /// Its ranking.
    pub row: QueueRow,
}

/// One article being compared.
pub struct CompareSession {
    /// The open article (the reference).
    pub article: PathBuf,
    /// Its path relative to the folder (names it in every annotator's folder and the gold's).
    pub relative: PathBuf,
    /// What was asked.
    pub request: CompareRequest,
    /// The candidates and figures.
    pub comparison: Arc<Comparison>,
    /// What has been decided (shared with a gold write under way; copied on write).
    pub decisions: Arc<Decisions>,
    /// Candidates each annotator does not agree on still open (kept with the decisions).
    pub open_disagreements: usize,
    /// How many candidates of each class ([`Comparison::class_counts`]).
    pub class_counts: [usize; 3],
    /// Each candidate's tag as the scheme names it.
    tag_labels: Arc<Vec<String>>,
    /// The document the view shows: one annotation per candidate, never saved.
    pub view_doc: Document,
    /// The view.
    pub view: ArticleView,
    /// How the view draws candidates (rebuilt after each decision).
    pub overlay: Arc<dyn SpanOverlay>,
    /// The gold sidecar's path, when a gold folder was given.
    pub gold_path: Option<PathBuf>,
    gold_article: ArticleRef,
    scheme_ref: String,
    /// The gold sidecar's writes (`None`: no gold folder).
    pub gold: Option<Arc<GoldSlot>>,
    /// Problems met while opening the annotators' copies.
    pub warnings: Vec<String>,
    /// Two annotators side by side, scrolled together (`None`: the merged view).
    pub panes: Option<Panes>,
}

/// Two annotators side by side: each pane shows the candidates one annotator has, drawn as in
/// the merged view, and both scroll together.
pub struct Panes {
    /// The annotator shown in each pane (indexes into the comparison's annotators).
    pub sides: [usize; 2],
    /// Each pane's document (the candidates that annotator has), never saved.
    pub docs: [Document; 2],
    /// Each pane's view.
    pub views: [ArticleView; 2],
    /// Each view's scroll offset after the last sync.
    last: [f32; 2],
}

impl Panes {
    /// Keeps the two views level: the one scrolled since the last frame leads.
    pub fn sync_scroll(&mut self) {
        let now = [self.views[0].scroll_offset(), self.views[1].scroll_offset()];
        if (now[0] - self.last[0]).abs() > 0.5 {
            self.views[1].set_scroll_offset(now[0]);
            self.last = [now[0], now[0]];
        } else if (now[1] - self.last[1]).abs() > 0.5 {
            self.views[0].set_scroll_offset(now[1]);
            self.last = [now[1], now[1]];
        }
    }
}

/// Pane `pane`'s document: the candidates annotator `who` has (ids as in the merged view, so
/// one selection shows in both panes), on a copy of the article named for the pane (each view
/// keeps its own scroll state).
pub(crate) fn pane_document(
    reference: &Document,
    cmp: &Comparison,
    who: usize,
    pane: usize,
) -> Document {
    let mut article = (*reference.article).clone();
    let mut name = article.path.as_os_str().to_owned();
    name.push(format!("#pane{pane}"));
    article.path = PathBuf::from(name);
    let base = view_document(reference, cmp);
    let annotations: Vec<crate::core::Annotation> = base
        .annotations()
        .iter()
        .filter(|a| {
            candidate_index(&a.id)
                .and_then(|i| cmp.candidates.get(i))
                .is_some_and(|c| c.held_by(who))
        })
        .cloned()
        .collect();
    let mut doc = Document::new(Arc::new(article), reference.scheme.clone(), None);
    let mut data = base.to_sidecar();
    data.annotations = annotations;
    doc.load_data(data, &mut OpenReport::default());
    doc
}

/// The id of candidate `index` in the view's document.
pub fn candidate_id(index: usize) -> AnnotationId {
    format!("c{index:06}").into()
}

/// The candidate index of a view annotation id.
pub fn candidate_index(id: &str) -> Option<usize> {
    id.strip_prefix('c')?.parse().ok()
}

/// The colour and line of each class (Okabe–Ito colours, told apart without colour by the
/// line pattern: solid, zigzag, dashed).
pub fn class_mark(class: Class) -> SpanMark {
    match class {
        Class::Agree => SpanMark {
            rgb: [0x00, 0x72, 0xB2],
            line: LineStyle::Solid,
            framed: false,
            struck: false,
            faded: false,
        },
        Class::Disagree => SpanMark {
            rgb: [0xD5, 0x5E, 0x00],
            line: LineStyle::Wavy,
            framed: false,
            struck: false,
            faded: false,
        },
        Class::OnlySome => SpanMark {
            rgb: [0xE6, 0x9F, 0x00],
            line: LineStyle::Dashed,
            framed: false,
            struck: false,
            faded: false,
        },
    }
}

/// How the compare view draws candidates: by class, then by decision (accepted framed,
/// rejected struck through and faded).
struct Overlay {
    comparison: Arc<Comparison>,
    states: Vec<State>,
    /// Rejected and struck through: no other tag on the very same span was accepted (the
    /// strike would cross the accepted one too).
    struck: Vec<bool>,
    tag_labels: Arc<Vec<String>>,
}

impl SpanOverlay for Overlay {
    fn mark(&self, id: &str) -> Option<SpanMark> {
        let i = candidate_index(id)?;
        let c = self.comparison.candidates.get(i)?;
        let mut m = class_mark(c.class);
        match self.states.get(i) {
            Some(State::Accepted) => m.framed = true,
            Some(State::Rejected) => {
                m.faded = true;
                m.struck = self.struck.get(i).copied().unwrap_or(true);
            }
            _ => {}
        }
        Some(m)
    }

    fn tooltip(&self, id: &str) -> Option<Vec<String>> {
        let i = candidate_index(id)?;
        let c = self.comparison.candidates.get(i)?;
        let state = match self.states.get(i) {
            Some(State::Accepted) => " · accepted",
            Some(State::Rejected) => " · rejected",
            _ => "",
        };
        let mut lines = vec![format!(
            "{} — {}{state}",
            self.tag_labels
                .get(i)
                .map_or(c.tag.as_str(), String::as_str),
            c.class.label()
        )];
        lines.extend(self.comparison.who_has_what(c.range));
        lines.push("A accept · X reject · Shift+A accept all agreed".into());
        Some(lines)
    }
}

fn folder_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Unique names: a repeated name gets ` (2)`, ` (3)` …
fn unique(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let mut name = n.clone();
        let mut k = 2;
        while out.contains(&name) {
            name = format!("{n} ({k})");
            k += 1;
        }
        out.push(name);
    }
    out
}

/// Opens `folder/relative` if it exists (`Ok(None)`: that annotator lacks the article).
fn open_copy(
    folder: &Path,
    relative: &Path,
    options: &crate::core::LoadOptions,
) -> Result<Option<Document>, String> {
    let path = folder.join(relative);
    if !path.is_file() {
        return Ok(None);
    }
    match Document::open(&path, options) {
        Ok((doc, report)) => Ok(Some(doc)).and_then(|d| match report.sidecar_problem {
            Some(p) => Err(format!("{}: {p}", path.display())),
            None => Ok(d),
        }),
        Err(e) => Err(e.to_string()),
    }
}

/// Compares one article: the reference document and the others (`None`: lacks it), or the
/// annotators of the reference's own sidecar.
pub(crate) fn compare_docs(
    mode: CompareMode,
    relative: &str,
    reference: &Document,
    others: &[Option<Document>],
    names: &[String],
) -> Option<Comparison> {
    match mode {
        CompareMode::Folders => {
            let mut sides: Vec<Vec<Source<'_>>> = vec![vec![Source {
                relative,
                doc: reference,
            }]];
            for d in others {
                sides.push(d.iter().map(|doc| Source { relative, doc }).collect());
            }
            let (paired, _) = pair_sides(&sides, false);
            // The reference's group is the first; another annotator's copy with other text
            // is re-anchored onto it (pairing's rules).
            paired.first().map(|p| compare_article(names, p))
        }
        CompareMode::Sidecar => {
            let (names, paired, _) = split_by_annotator(
                &[Source {
                    relative,
                    doc: reference,
                }],
                false,
            );
            paired.first().map(|p| compare_article(&names, p))
        }
    }
}

/// Reads the gold sidecar at `path`: its decisions and fingerprint (`Ok(None)`: none yet).
fn read_gold(path: &Path) -> Result<Option<(SidecarData, ContentHash)>, String> {
    if !path.exists() {
        return Ok(None);
    }
    SidecarData::read_streaming(path)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The view's document: one annotation per candidate, on the reference article.
pub(crate) fn view_document(reference: &Document, cmp: &Comparison) -> Document {
    let mut doc = Document::new(
        Arc::clone(&reference.article),
        reference.scheme.clone(),
        None,
    );
    let text = &reference.article.text;
    let annotations = cmp
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| crate::core::Annotation {
            id: candidate_id(i),
            tag: c.tag.clone(),
            range: c.range,
            text: text.slice(c.range).unwrap_or_default().to_owned(),
            ..Default::default()
        })
        .collect();
    let data = SidecarData {
        article: ArticleRef {
            sha256: reference.article.sha256.clone(),
            ..ArticleRef::default()
        },
        annotations,
        ..SidecarData::default()
    };
    let mut report = OpenReport::default();
    doc.load_data(data, &mut report);
    doc
}

/// How the view draws `comparison` with these decisions (`scheme` names the tags).
pub(crate) fn overlay_of(
    comparison: &Arc<Comparison>,
    decisions: &Decisions,
    scheme: &crate::core::Scheme,
) -> Arc<dyn SpanOverlay> {
    let tag_labels = comparison
        .candidates
        .iter()
        .map(|c| scheme.tag_label(&c.tag).to_owned())
        .collect();
    overlay_with(
        comparison,
        comparison.states(decisions),
        Arc::new(tag_labels),
    )
}

/// How the view draws `comparison` with candidates in these `states` (`tag_labels[i]` names
/// candidate `i`'s tag).
fn overlay_with(
    comparison: &Arc<Comparison>,
    states: Vec<State>,
    tag_labels: Arc<Vec<String>>,
) -> Arc<dyn SpanOverlay> {
    let accepted: std::collections::BTreeSet<crate::core::CharRange> = comparison
        .candidates
        .iter()
        .zip(&states)
        .filter(|(_, s)| **s == State::Accepted)
        .map(|(c, _)| c.range)
        .collect();
    let struck = comparison
        .candidates
        .iter()
        .zip(&states)
        .map(|(c, s)| *s == State::Rejected && !accepted.contains(&c.range))
        .collect();
    Arc::new(Overlay {
        comparison: Arc::clone(comparison),
        states,
        struck,
        tag_labels,
    })
}

/// How a compare job tells its progress: steps done, in all, and the one under way.
pub type Progress<'a> = dyn FnMut(usize, usize, String) + 'a;

/// Why a cancelled job stopped (never shown: its reply is stale).
fn cancelled() -> (Level, String) {
    (Level::Info, "Cancelled.".to_owned())
}

/// Builds the comparison of [`Job::Compare`] (on the worker): the reference from memory, each
/// annotator's copy, the candidates and figures, the earlier decisions from the gold sidecar,
/// the view's document.
pub fn prepare(job: &CompareJob, progress: &mut Progress<'_>) -> Result<Prepared, (Level, String)> {
    let request = &job.request;
    let total = request.folders.len() + 2;
    let stop = || job.cancel.load(Ordering::Relaxed);
    progress(0, total, "the open article".into());
    let mut reference = Document::new(Arc::clone(&job.article), job.scheme.clone(), None);
    let snap = &job.snapshot;
    reference.load_data(
        SidecarData {
            article: snap.article.clone(),
            scheme: snap.scheme.clone(),
            labels: snap.labels.clone(),
            annotations: snap.annotations.to_vec(),
            relations: snap.relations.to_vec(),
            merge: snap.merge.clone(),
            adjudication: snap.adjudication.clone(),
            extra: snap.extra.clone(),
        },
        &mut OpenReport::default(),
    );
    let relative = &job.relative;
    let relative_text = relative.to_string_lossy().replace('\\', "/");
    let mut warnings = Vec::new();
    let mut others = Vec::new();
    let mut names = vec![job.reference_name.clone()];
    if request.mode == CompareMode::Folders {
        for (k, f) in request.folders.iter().enumerate() {
            if stop() {
                return Err(cancelled());
            }
            names.push(folder_name(f));
            progress(k + 1, total, format!("{}'s copy", folder_name(f)));
            match open_copy(f, relative, &job.options) {
                Ok(d) => {
                    if d.is_none() {
                        warnings.push(format!("{} has no {}", f.display(), relative.display()));
                    }
                    others.push(d);
                }
                Err(e) => {
                    warnings.push(e);
                    others.push(None);
                }
            }
        }
    }
    if stop() {
        return Err(cancelled());
    }
    progress(total - 1, total, "candidates and agreement".into());
    let names = unique(names);
    let comparison = compare_docs(request.mode, &relative_text, &reference, &others, &names)
        .ok_or((Level::Warning, "Nothing to compare.".to_owned()))?;
    if comparison.annotators.len() < 2 {
        return Err((
            Level::Info,
            "This sidecar has one annotator only: compare with other annotators' folders instead."
                .to_owned(),
        ));
    }
    let gold_path = request
        .gold_dir
        .as_ref()
        .map(|dir| sidecar_path(&dir.join(relative)));
    let mut decisions = Decisions::default();
    let mut gold_hash = None;
    if let Some(gp) = &gold_path {
        match read_gold(gp) {
            Ok(Some((data, hash))) => {
                if !data.article.sha256.is_empty() && data.article.sha256 != job.article.sha256 {
                    return Err((
                        Level::Error,
                        format!(
                            "{} belongs to another version of this article; choose another gold folder",
                            gp.display()
                        ),
                    ));
                }
                decisions = Decisions::from_gold(&data);
                gold_hash = Some(hash);
            }
            Ok(None) => {}
            Err(e) => return Err((Level::Error, e)),
        }
    }
    if stop() {
        return Err(cancelled());
    }
    let article = &job.article;
    let gold_article = ArticleRef {
        file: article.file_name(),
        sha256: article.sha256.clone(),
        chars: article.len_chars(),
        encoding: article.encoding.sidecar_label(),
        extra: Default::default(),
    };
    let view_doc = view_document(&reference, &comparison);
    Ok(Prepared {
        article: article.path.clone(),
        relative: relative.clone(),
        request: request.clone(),
        comparison,
        decisions,
        view_doc,
        gold_path,
        gold_article,
        scheme_ref: job.scheme.reference(),
        gold_hash,
        warnings,
    })
}

/// Ranks the articles of [`Job::RankQueue`] (on the worker): each compared as the open one
/// is, with its earlier decisions; an article that cannot be read is left out. `None`:
/// cancelled.
pub fn rank(job: &QueueJob, progress: &mut Progress<'_>) -> Option<Vec<QueueEntry>> {
    let request = &job.request;
    let total = job.items.len();
    let mut comparisons = Vec::new();
    let mut decisions = Vec::new();
    let mut kept = Vec::new();
    for (k, (path, relative, reference_name)) in job.items.iter().enumerate() {
        if job.cancel.load(Ordering::Relaxed) {
            return None;
        }
        progress(k, total, relative.display().to_string());
        let relative_text = relative.to_string_lossy().replace('\\', "/");
        let Ok((reference, _)) = Document::open(path, &job.options) else {
            continue;
        };
        let mut names = vec![reference_name.clone()];
        let others: Vec<Option<Document>> = request
            .folders
            .iter()
            .map(|f| {
                names.push(folder_name(f));
                open_copy(f, relative, &job.options).ok().flatten()
            })
            .collect();
        let names = unique(names);
        let Some(c) = compare_docs(request.mode, &relative_text, &reference, &others, &names)
        else {
            continue;
        };
        let d = request
            .gold_dir
            .as_ref()
            .and_then(|dir| read_gold(&sidecar_path(&dir.join(relative))).ok().flatten())
            .map(|(data, _)| Decisions::from_gold(&data))
            .unwrap_or_default();
        comparisons.push(c);
        decisions.push(d);
        kept.push(path.clone());
    }
    Some(
        queue(&comparisons, &decisions)
            .into_iter()
            .map(|row| QueueEntry {
                path: kept[row.index].clone(),
                row,
            })
            .collect(),
    )
}

impl CompareSession {
    fn rebuild_overlay(&mut self) {
        let states = self.comparison.states(&self.decisions);
        self.open_disagreements = open_disagreements(&self.comparison, &states);
        self.overlay = overlay_with(&self.comparison, states, Arc::clone(&self.tag_labels));
    }

    /// The selected candidate, from the window's focus.
    pub fn selected(&self, focus: &Focus) -> Option<usize> {
        focus
            .selected
            .as_deref()
            .and_then(candidate_index)
            .filter(|&i| i < self.comparison.candidates.len())
    }

    /// Hands the decisions to the gold sidecar's writer: the job to submit, when none is
    /// queued (`None` also without a gold folder).
    fn queue_gold(&self) -> Option<Job> {
        let slot = self.gold.as_ref()?;
        let data = (
            Arc::clone(&self.decisions),
            self.gold_article.clone(),
            self.scheme_ref.clone(),
        );
        slot.offer(data).then(|| Job::WriteGold(Arc::clone(slot)))
    }
}

impl TaglineApp {
    /// Acts on what the compare window and panel asked for.
    pub(super) fn apply_compare(&mut self, intent: CompareIntent) {
        match intent {
            CompareIntent::Setup(open) => {
                self.compare.setup.open = open;
                if open
                    && self.compare.setup.mode == CompareMode::Folders
                    && self.compare.setup.folders.is_empty()
                    && self.doc().is_some_and(|d| d.annotators().len() > 1)
                {
                    self.compare.setup.mode = CompareMode::Sidecar;
                }
            }
            CompareIntent::Start(request) => {
                self.compare.setup.open = false;
                self.start_compare(request);
            }
            CompareIntent::Select(i) => {
                if let Some(s) = &mut self.compare.session
                    && let Some(c) = s.comparison.candidates.get(i)
                {
                    s.view.scroll_to_char(&s.view_doc, c.range.start);
                    self.focus.selected = Some(candidate_id(i));
                }
            }
            CompareIntent::RankQueue => self.rank_queue(),
            CompareIntent::OpenQueued(path) => {
                let Some(request) = self.compare.session.as_ref().map(|s| s.request.clone()) else {
                    return;
                };
                self.close_compare();
                if self.doc().is_some_and(|d| d.article.path == path) {
                    self.start_compare(request);
                } else {
                    self.compare.pending = Some((path.clone(), request));
                    self.open_article(path);
                }
            }
            CompareIntent::TwoPanes(on) => {
                let Some(s) = &mut self.compare.session else {
                    return;
                };
                s.panes = if on {
                    let sides = [0, 1.min(s.comparison.annotators.len() - 1)];
                    Some(Panes {
                        sides,
                        docs: [
                            pane_document(&s.view_doc, &s.comparison, sides[0], 0),
                            pane_document(&s.view_doc, &s.comparison, sides[1], 1),
                        ],
                        views: [ArticleView::default(), ArticleView::default()],
                        last: [0.0, 0.0],
                    })
                } else {
                    None
                };
            }
            CompareIntent::PaneAnnotator { pane, annotator } => {
                if let Some(s) = &mut self.compare.session
                    && let Some(p) = &mut s.panes
                    && pane < 2
                    && annotator < s.comparison.annotators.len()
                {
                    p.sides[pane] = annotator;
                    p.docs[pane] = pane_document(&s.view_doc, &s.comparison, annotator, pane);
                }
            }
            CompareIntent::Close => self.close_compare(),
            CompareIntent::Cancel => {
                if let Some(b) = self.compare.busy.take() {
                    b.cancel.store(true, Ordering::Relaxed);
                }
                self.compare.pending = None;
            }
        }
    }

    fn close_compare(&mut self) {
        if let Some(s) = self.compare.session.take() {
            // Its last decisions may still be on their way to the gold sidecar.
            self.compare.closed_writes.retain(|g| g.lock().queued);
            self.compare
                .closed_writes
                .extend(s.gold.filter(|g| g.lock().queued));
            self.focus.selected = None;
            self.focus.hovered = None;
            self.focus.selection = None;
        }
    }

    /// Starts a comparison waiting for its article once that article is open and loaded.
    pub(super) fn follow_compare(&mut self) {
        let ready = self.open.as_ref().is_some_and(|o| o.ready);
        if let Some((path, _)) = &self.compare.pending
            && ready
            && self.doc().is_some_and(|d| &d.article.path == path)
            && let Some((_, request)) = self.compare.pending.take()
        {
            self.start_compare(request);
        }
        // Another article was opened: the comparison belonged to the last one.
        if let Some(s) = &self.compare.session
            && self.doc().is_none_or(|d| d.article.path != s.article)
        {
            self.close_compare();
        }
    }

    fn relative_of(&self, path: &Path) -> PathBuf {
        self.library
            .root
            .as_ref()
            .and_then(|root| path.strip_prefix(root).ok())
            .map(Path::to_path_buf)
            .or_else(|| path.file_name().map(PathBuf::from))
            .unwrap_or_else(|| path.to_path_buf())
    }

    fn reference_name(&self, path: &Path) -> String {
        self.library
            .root
            .as_deref()
            .or_else(|| path.parent())
            .map_or_else(|| "this folder".to_owned(), folder_name)
    }

    /// A new ticket and cancel flag; whatever compare job was under way is cancelled.
    fn new_ticket(&mut self) -> (u64, Arc<AtomicBool>) {
        if let Some(b) = self.compare.busy.take() {
            b.cancel.store(true, Ordering::Relaxed);
        }
        self.compare.last_ticket += 1;
        (self.compare.last_ticket, Arc::new(AtomicBool::new(false)))
    }

    /// Starts comparing the open article on the worker ([`prepare`]); the session appears
    /// when it is ready ([`TaglineApp::on_compare_reply`]).
    fn start_compare(&mut self, request: CompareRequest) {
        let Some(open) = &self.open else {
            self.notify(
                Level::Info,
                "Open an article first, then compare it.",
                vec![],
            );
            return;
        };
        if !open.ready {
            let path = open.doc.article.path.clone();
            self.compare.pending = Some((path, request));
            return;
        }
        if request.mode == CompareMode::Folders && request.folders.is_empty() {
            self.notify(
                Level::Info,
                "Add at least one other annotator's folder to compare with.",
                vec![],
            );
            return;
        }
        let reference = &open.doc;
        let path = reference.article.path.clone();
        let article = Arc::clone(&reference.article);
        let snapshot = reference.snapshot();
        let scheme = reference.scheme.clone();
        let relative = self.relative_of(&path);
        let reference_name = self.reference_name(&path);
        let (ticket, cancel) = self.new_ticket();
        self.compare.busy = Some(Busy {
            ticket,
            what: format!("Comparing {}", relative.display()),
            step: String::new(),
            done: 0,
            total: request.folders.len() + 2,
            cancel: Arc::clone(&cancel),
        });
        self.worker.submit(Job::Compare(Box::new(CompareJob {
            ticket,
            cancel,
            request,
            relative,
            reference_name,
            article,
            snapshot,
            scheme,
            options: self.load_options,
        })));
    }

    /// What the compare jobs sent back.
    pub(super) fn on_compare_reply(&mut self, reply: CompareReply) {
        let current = |t: u64, busy: &Option<Busy>| busy.as_ref().is_some_and(|b| b.ticket == t);
        match reply {
            CompareReply::Progress {
                ticket,
                done,
                total,
                step,
            } => {
                if let Some(b) = self.compare.busy.as_mut().filter(|b| b.ticket == ticket) {
                    b.done = done;
                    b.total = total;
                    b.step = step;
                }
            }
            CompareReply::Prepared(ticket, result) => {
                if !current(ticket, &self.compare.busy) {
                    return;
                }
                self.compare.busy = None;
                match result {
                    Ok(p) => self.show_comparison(*p),
                    Err((level, message)) => self.notify(level, message, vec![]),
                }
            }
            CompareReply::Ranked(ticket, rows) => {
                if current(ticket, &self.compare.busy) {
                    self.compare.busy = None;
                    self.compare.queue = rows;
                }
            }
            CompareReply::GoldFailed(_, message) => self.notify(Level::Error, message, vec![]),
        }
    }

    /// Makes the worker's comparison the session shown (unless another article is open now).
    fn show_comparison(&mut self, p: Prepared) {
        if self.doc().is_none_or(|d| d.article.path != p.article) {
            return;
        }
        let comparison = Arc::new(p.comparison);
        let tag_labels: Arc<Vec<String>> = Arc::new(
            comparison
                .candidates
                .iter()
                .map(|c| p.view_doc.scheme.tag_label(&c.tag).to_owned())
                .collect(),
        );
        let states = comparison.states(&p.decisions);
        let open = open_disagreements(&comparison, &states);
        let overlay = overlay_with(&comparison, states, Arc::clone(&tag_labels));
        let class_counts = comparison.class_counts();
        let gold = p.gold_path.as_ref().map(|path| {
            Arc::new(GoldSlot {
                path: path.clone(),
                article: p.article.clone(),
                state: Mutex::new(GoldState {
                    hash: p.gold_hash,
                    ..GoldState::default()
                }),
            })
        });
        let session = CompareSession {
            article: p.article,
            relative: p.relative,
            request: p.request,
            comparison,
            decisions: Arc::new(p.decisions),
            open_disagreements: open,
            class_counts,
            tag_labels,
            view_doc: p.view_doc,
            view: ArticleView::default(),
            overlay,
            gold_path: p.gold_path,
            gold_article: p.gold_article,
            scheme_ref: p.scheme_ref,
            gold,
            warnings: p.warnings,
            panes: None,
        };
        for w in &session.warnings {
            self.notify(Level::Warning, w.clone(), vec![]);
        }
        self.focus.selected = None;
        self.focus.hovered = None;
        self.focus.selection = None;
        self.compare.session = Some(session);
    }

    /// A / X / Shift+A in a comparison: they decide candidates (outside one, suggestions).
    pub(super) fn review_command(&mut self, cmd: UiCommand) {
        let by = self.settings.annotator.clone();
        let selected = self
            .compare
            .session
            .as_ref()
            .and_then(|s| s.selected(&self.focus));
        let Some(s) = &mut self.compare.session else {
            return;
        };
        let cmp = Arc::clone(&s.comparison);
        let text = &s.view_doc.article.text;
        let mut stamps = SystemStamps;
        let message = match cmd {
            UiCommand::AcceptAll => {
                let n =
                    Arc::make_mut(&mut s.decisions).accept_all_agreed(&cmp, text, &by, &mut stamps);
                Some(format!("Accepted {n} span(s) all annotators agree on."))
            }
            UiCommand::Accept | UiCommand::Reject => {
                let Some(i) = selected else {
                    self.notify(
                        Level::Info,
                        "Select a candidate first (click it, or J / K).",
                        vec![],
                    );
                    return;
                };
                if cmd == UiCommand::Accept {
                    Arc::make_mut(&mut s.decisions).accept(&cmp, i, text, &by, &mut stamps);
                } else {
                    Arc::make_mut(&mut s.decisions).reject(&cmp, i);
                }
                None
            }
            _ => return,
        };
        s.rebuild_overlay();
        let write = s.queue_gold();
        let no_gold = s.gold_path.is_none();
        if let Some(job) = write {
            self.worker.submit(job);
        }
        if let Some(m) = message {
            self.notify(Level::Info, m, vec![]);
        }
        if no_gold {
            self.notify(
                Level::Warning,
                "No gold folder was chosen: decisions are kept only until the comparison closes (Compare with… → Gold folder).",
                vec![],
            );
        }
        if cmd != UiCommand::AcceptAll {
            self.step_candidate(1, true);
        }
    }

    /// J / K in a comparison: the next or previous candidate (`open_only`: the next one
    /// still open, after a decision).
    pub(super) fn step_candidate(&mut self, delta: isize, open_only: bool) {
        let Some(s) = &self.compare.session else {
            return;
        };
        let n = s.comparison.candidates.len();
        if n == 0 {
            return;
        }
        let current = s.selected(&self.focus);
        let mut i = current.map_or(if delta > 0 { -1 } else { n as isize }, |i| i as isize);
        loop {
            i += delta;
            if i < 0 || i >= n as isize {
                return;
            }
            let c = &s.comparison.candidates[i as usize];
            if !open_only || s.decisions.state(&c.key()) == State::Open {
                break;
            }
        }
        self.apply_compare(CompareIntent::Select(i as usize));
    }

    /// Ranks the open folder's articles (the adjudication queue) on the worker ([`rank`]),
    /// with this comparison's annotators and gold folder.
    fn rank_queue(&mut self) {
        let Some(request) = self.compare.session.as_ref().map(|s| s.request.clone()) else {
            return;
        };
        let items: Vec<(PathBuf, PathBuf, String)> = self
            .library
            .entries
            .iter()
            .map(|e| {
                (
                    e.path.clone(),
                    self.relative_of(&e.path),
                    self.reference_name(&e.path),
                )
            })
            .collect();
        let (ticket, cancel) = self.new_ticket();
        self.compare.busy = Some(Busy {
            ticket,
            what: "Ranking the folder".into(),
            step: String::new(),
            done: 0,
            total: items.len(),
            cancel: Arc::clone(&cancel),
        });
        self.worker.submit(Job::RankQueue(Box::new(QueueJob {
            ticket,
            cancel,
            request,
            items,
            options: self.load_options,
        })));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(dir: &Path) -> GoldSlot {
        let article = dir.join("a.txt");
        std::fs::write(&article, "The ferry will run.\n").unwrap();
        GoldSlot {
            path: sidecar_path(&dir.join("gold/a.txt")),
            article,
            state: Mutex::new(GoldState::default()),
        }
    }

    fn offer(slot: &GoldSlot, label: &str) -> bool {
        let mut decisions = Decisions::default();
        let mut base = SidecarData::default();
        base.labels
            .insert("note".into(), crate::core::AttrValue::Text(label.into()));
        decisions.base = Some(base);
        slot.offer((Arc::new(decisions), ArticleRef::default(), "news@1".into()))
    }

    #[test]
    fn the_gold_writer_writes_the_latest_and_never_over_a_changed_file() {
        let dir = tempfile::tempdir().unwrap();
        let slot = slot(dir.path());
        assert!(offer(&slot, "first"), "the first offer asks for a job");
        assert!(!offer(&slot, "second"), "a later one joins it");
        let mut failures = Vec::new();
        slot.write_pending(&mut |e| failures.push(e));
        assert!(failures.is_empty(), "{failures:?}");
        assert!(!slot.lock().queued);
        let written = std::fs::read_to_string(&slot.path).unwrap();
        assert!(written.contains("second") && !written.contains("first"));
        assert!(
            dir.path().join("gold/a.txt").is_file(),
            "the article is copied"
        );
        // Someone else writes the gold sidecar: the next write refuses to replace it.
        std::fs::write(&slot.path, "{}").unwrap();
        assert!(offer(&slot, "third"));
        slot.write_pending(&mut |e| failures.push(e));
        assert_eq!(failures.len(), 1);
        assert!(failures[0].contains("changed on disk"), "{}", failures[0]);
        assert_eq!(std::fs::read_to_string(&slot.path).unwrap(), "{}");
    }
}
