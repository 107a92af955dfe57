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

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::compare::{
    Class, Comparison, Decisions, QueueRow, State, compare_article, gold_sidecar, queue,
};
use crate::analysis::pairing::{Source, pair_sides, split_by_annotator};
use crate::core::sidecar::{ArticleRef, SidecarData, sidecar_path};
use crate::core::store::{ContentHash, content_hash_file, lock_for_write, write_atomic};
use crate::core::{AnnotationId, Document, OpenReport, SystemStamps};

use crate::gui::app::commands::UiCommand;

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
    /// What has been decided.
    pub decisions: Decisions,
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
    /// The gold sidecar's fingerprint when last read or written (`None`: absent).
    gold_hash: Option<ContentHash>,
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
    tag_labels: Vec<String>,
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
                // Struck through, unless another tag on the very same span was accepted (the
                // strike would cross the accepted one too).
                let sibling_accepted =
                    self.comparison.candidates.iter().enumerate().any(|(j, o)| {
                        j != i && o.range == c.range && self.states.get(j) == Some(&State::Accepted)
                    });
                m.struck = !sibling_accepted;
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
            prefix: String::new(),
            suffix: String::new(),
            attributes: Default::default(),
            note: String::new(),
            annotator: String::new(),
            created: String::new(),
            modified: String::new(),
            status: None,
            review: None,
            origin: None,
            entity: String::new(),
            extra: Default::default(),
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
    let states = comparison
        .candidates
        .iter()
        .map(|c| decisions.state(&c.key()))
        .collect();
    let tag_labels = comparison
        .candidates
        .iter()
        .map(|c| scheme.tag_label(&c.tag).to_owned())
        .collect();
    Arc::new(Overlay {
        comparison: Arc::clone(comparison),
        states,
        tag_labels,
    })
}

impl CompareSession {
    fn rebuild_overlay(&mut self) {
        self.overlay = overlay_of(&self.comparison, &self.decisions, &self.view_doc.scheme);
    }

    /// The selected candidate, from the window's focus.
    pub fn selected(&self, focus: &Focus) -> Option<usize> {
        focus
            .selected
            .as_deref()
            .and_then(candidate_index)
            .filter(|&i| i < self.comparison.candidates.len())
    }

    /// Writes the gold sidecar (and copies the article next to it when it is not there).
    fn write_gold(&mut self) -> Result<(), String> {
        let Some(path) = self.gold_path.clone() else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let article = crate::core::sidecar::article_path_of_sidecar(&path)
            .ok_or_else(|| format!("{}: not a sidecar name", path.display()))?;
        if !article.exists() {
            std::fs::copy(&self.article, &article)
                .map_err(|e| format!("{}: cannot copy the article: {e}", article.display()))?;
        }
        let lock =
            lock_for_write(&path, std::time::Duration::from_secs(2)).map_err(|e| e.to_string())?;
        let on_disk = content_hash_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if on_disk != self.gold_hash {
            return Err(format!(
                "{} changed on disk since it was read; the decision is kept here but not written (close and compare again to see the other changes)",
                path.display()
            ));
        }
        let json =
            gold_sidecar(self.gold_article.clone(), &self.scheme_ref, &self.decisions).to_json();
        write_atomic(&path, json.as_bytes()).map_err(|e| e.to_string())?;
        drop(lock);
        self.gold_hash = Some(crate::core::store::content_hash(json.as_bytes()));
        Ok(())
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
        }
    }

    fn close_compare(&mut self) {
        if self.compare.session.take().is_some() {
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
        let reference = &open.doc;
        let path = reference.article.path.clone();
        let relative = self.relative_of(&path);
        let relative_text = relative.to_string_lossy().replace('\\', "/");
        let mut warnings = Vec::new();
        let mut others = Vec::new();
        let mut names = vec![self.reference_name(&path)];
        if request.mode == CompareMode::Folders {
            if request.folders.is_empty() {
                self.notify(
                    Level::Info,
                    "Add at least one other annotator's folder to compare with.",
                    vec![],
                );
                return;
            }
            for f in &request.folders {
                names.push(folder_name(f));
                match open_copy(f, &relative, &self.load_options) {
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
        let names = unique(names);
        let Some(comparison) =
            compare_docs(request.mode, &relative_text, reference, &others, &names)
        else {
            self.notify(Level::Warning, "Nothing to compare.", vec![]);
            return;
        };
        if comparison.annotators.len() < 2 {
            self.notify(
                Level::Info,
                "This sidecar has one annotator only: compare with other annotators' folders instead.",
                vec![],
            );
            return;
        }
        let gold_path = request
            .gold_dir
            .as_ref()
            .map(|dir| sidecar_path(&dir.join(&relative)));
        let mut decisions = Decisions::default();
        let mut gold_hash = None;
        if let Some(gp) = &gold_path {
            match read_gold(gp) {
                Ok(Some((data, hash))) => {
                    if !data.article.sha256.is_empty()
                        && data.article.sha256 != reference.article.sha256
                    {
                        self.notify(
                            Level::Error,
                            format!(
                                "{} belongs to another version of this article; choose another gold folder",
                                gp.display()
                            ),
                            vec![],
                        );
                        return;
                    }
                    decisions = Decisions::from_gold(&data);
                    gold_hash = Some(hash);
                }
                Ok(None) => {}
                Err(e) => {
                    self.notify(Level::Error, e, vec![]);
                    return;
                }
            }
        }
        let gold_article = ArticleRef {
            file: reference.article.file_name(),
            sha256: reference.article.sha256.clone(),
            chars: reference.article.len_chars(),
            encoding: reference.article.encoding.sidecar_label(),
            extra: Default::default(),
        };
        let view_doc = view_document(reference, &comparison);
        let scheme_ref = reference.scheme.reference();
        let comparison = Arc::new(comparison);
        let overlay = overlay_of(&comparison, &decisions, &view_doc.scheme);
        let session = CompareSession {
            article: path,
            relative,
            request,
            comparison,
            decisions,
            view_doc,
            view: ArticleView::default(),
            overlay,
            gold_path,
            gold_article,
            scheme_ref,
            gold_hash,
            warnings,
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
                let n = s.decisions.accept_all_agreed(&cmp, text, &by, &mut stamps);
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
                    s.decisions.accept(&cmp, i, text, &by, &mut stamps);
                } else {
                    s.decisions.reject(&cmp, i);
                }
                None
            }
            _ => return,
        };
        s.rebuild_overlay();
        let written = s.write_gold();
        let no_gold = s.gold_path.is_none();
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
        if let Err(e) = written {
            self.notify(Level::Error, e, vec![]);
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

    /// Ranks the open folder's articles (the adjudication queue), with this comparison's
    /// annotators and gold folder.
    fn rank_queue(&mut self) {
        let Some(request) = self.compare.session.as_ref().map(|s| s.request.clone()) else {
            return;
        };
        let paths: Vec<PathBuf> = self
            .library
            .entries
            .iter()
            .map(|e| e.path.clone())
            .collect();
        let mut comparisons = Vec::new();
        let mut decisions = Vec::new();
        let mut kept = Vec::new();
        for path in paths {
            let relative = self.relative_of(&path);
            let relative_text = relative.to_string_lossy().replace('\\', "/");
            let Ok((reference, _)) = Document::open(&path, &self.load_options) else {
                continue;
            };
            let mut names = vec![self.reference_name(&path)];
            let others: Vec<Option<Document>> = request
                .folders
                .iter()
                .map(|f| {
                    names.push(folder_name(f));
                    open_copy(f, &relative, &self.load_options).ok().flatten()
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
                .and_then(|dir| {
                    read_gold(&sidecar_path(&dir.join(&relative)))
                        .ok()
                        .flatten()
                })
                .map(|(data, _)| Decisions::from_gold(&data))
                .unwrap_or_default();
            comparisons.push(c);
            decisions.push(d);
            kept.push(path);
        }
        self.compare.queue = queue(&comparisons, &decisions)
            .into_iter()
            .map(|row| QueueEntry {
                path: kept[row.index].clone(),
                row,
            })
            .collect();
    }
}
