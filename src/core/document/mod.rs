//! A document: one article with its annotations, the scheme they follow, edit history and the
//! state of its sidecar on disk.
//!
//! Everything that changes a document goes through [`Document::perform`] (an [`Action`] from a
//! person) or [`Document::apply`] (an [`Edit`]); the GUI, the CLI and the tests share that one
//! path. Saving is atomic and refuses to clobber: a sidecar that could not be read, or that
//! changed on disk since it was loaded, is never overwritten.

mod check;
mod import;
mod links;
mod plan;

pub use plan::check_value;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::core::anchor::{Anchoring, reanchor_all};
use crate::core::article::{Article, ArticleError, LoadOptions};
use crate::core::edit::{Action, Edit, EditError, NewId};
use crate::core::history::History;
use crate::core::model::{
    AdjudicationRecord, Annotation, AnnotationId, AttrValue, CONTEXT_CHARS, Extra, MergeRecord,
    Relation, RelationId, Status,
};
use crate::core::scheme::{AttrKind, Scheme, SchemeError};
use crate::core::sidecar::{
    ArticleRef, ContentHash, SidecarData, SidecarError, SidecarSnapshot, content_hash_file,
    sidecar_path,
};
use crate::core::store::{DEFAULT_LOCK_WAIT, WriteLock, lock_for_write};
use crate::core::text::offsets::CharRange;

/// What Tagline knows about the sidecar file on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskState {
    /// There is no sidecar yet.
    Absent,
    /// The sidecar was read or written; `hash` fingerprints its bytes then.
    Synced {
        /// [`crate::core::sidecar::content_hash`] of the file as last read or written.
        hash: ContentHash,
    },
    /// The sidecar exists but could not be read (or is from a newer Tagline): it must never be
    /// overwritten. Edits can still be saved elsewhere with [`Document::save_as`].
    Locked {
        /// Why, for the user.
        reason: String,
    },
}

/// Why a document could not be opened at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The article is unreadable.
    #[error(transparent)]
    Article(#[from] ArticleError),
    /// The folder's scheme is unreadable.
    #[error(transparent)]
    Scheme(#[from] SchemeError),
}

/// Why a save did not happen. In-memory edits are untouched.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The sidecar could not be read when opened; Tagline will not overwrite it.
    #[error("{}: not saved, because the existing sidecar could not be read ({reason}); it is left untouched. Fix or move it, or save your edits elsewhere", path.display())]
    Locked {
        /// The sidecar.
        path: PathBuf,
        /// Why it could not be read.
        reason: String,
    },
    /// Someone else changed (or deleted, or created) the sidecar since it was loaded.
    #[error("{}: not saved, because the sidecar changed on disk since Tagline loaded it (another program or person edited it); your edits are kept in memory. Reload to see theirs, or save yours elsewhere", path.display())]
    Conflict {
        /// The sidecar.
        path: PathBuf,
    },
    /// The sidecar is read-only (no write permission bits): Tagline respects that.
    #[error("{}: not saved, because the sidecar is read-only; your edits are kept in memory. Make it writable (chmod u+w) or save elsewhere", path.display())]
    ReadOnly {
        /// The sidecar.
        path: PathBuf,
    },
    /// The sidecar is a symbolic link to a file outside the article's folder (or a dangling
    /// one): Tagline writes only inside the article's folder.
    #[error("{}: not saved, because the sidecar is a symbolic link to {}, outside the article's folder; Tagline writes through links only to files inside that folder", path.display(), target.display())]
    Link {
        /// The sidecar.
        path: PathBuf,
        /// Where the link points.
        target: PathBuf,
    },
    /// Something that is not a regular file has the sidecar's name.
    #[error("{}: not saved, because it is {kind}, not a regular file", path.display())]
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is, in words.
        kind: &'static str,
    },
    /// Writing failed (or another writer held the lock too long: [`SidecarError::Busy`]).
    #[error(transparent)]
    Io(#[from] SidecarError),
}

/// Where a save to `path` really writes: `path` itself, or — when `path` is a symbolic link to
/// a regular file inside the same folder (or below it) — the link's target, so the link stays a
/// link. Links leading elsewhere, dangling links and non-regular files are refused, and so is a
/// read-only file.
fn write_target(path: &Path) -> Result<PathBuf, SaveError> {
    let meta = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(path.to_owned()),
        Err(source) => {
            return Err(SaveError::Io(SidecarError::Io {
                path: path.to_owned(),
                action: "cannot check the sidecar before saving",
                source,
            }));
        }
        Ok(m) => m,
    };
    let target = if meta.file_type().is_symlink() {
        let link = std::fs::read_link(path).unwrap_or_default();
        let outside = || SaveError::Link {
            path: path.to_owned(),
            target: link.clone(),
        };
        let real = std::fs::canonicalize(path).map_err(|_| outside())?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let dir = std::fs::canonicalize(dir).map_err(|_| outside())?;
        if !real.starts_with(&dir) {
            return Err(outside());
        }
        real
    } else {
        path.to_owned()
    };
    let meta = std::fs::metadata(&target).map_err(|source| {
        SaveError::Io(SidecarError::Io {
            path: path.to_owned(),
            action: "cannot check the sidecar before saving",
            source,
        })
    })?;
    if !meta.is_file() {
        return Err(SaveError::NotRegular {
            path: path.to_owned(),
            kind: crate::core::store::describe_kind(meta.file_type()),
        });
    }
    if meta.permissions().readonly() {
        return Err(SaveError::ReadOnly {
            path: path.to_owned(),
        });
    }
    Ok(target)
}

/// What happened while opening a document.
#[derive(Clone, Debug, Default)]
pub struct OpenReport {
    /// Set when the sidecar exists but could not be read (the document opens empty and locked).
    pub sidecar_problem: Option<String>,
    /// `true` when the article's hash differs from the one the sidecar recorded.
    pub article_changed: bool,
    /// Annotations that were moved or orphaned by re-anchoring, by id.
    pub anchoring: Vec<(AnnotationId, Anchoring)>,
    /// Annotations whose span does not hold their text although the article did not change
    /// (a damaged sidecar: `tagline validate` reports them; they are left as they are).
    pub invalid_spans: Vec<AnnotationId>,
    /// Article warnings (front matter, right-to-left text, …).
    pub warnings: Vec<String>,
}

impl OpenReport {
    /// Ids of annotations orphaned by this opening.
    pub fn orphans(&self) -> impl Iterator<Item = &str> {
        self.anchoring
            .iter()
            .filter(|(_, a)| *a == Anchoring::Orphaned)
            .map(|(id, _)| id.as_str())
    }

    /// Ids of annotations this opening placed on changed text (they carry a review marker).
    pub fn fuzzy_moves(&self) -> impl Iterator<Item = &str> {
        self.anchoring
            .iter()
            .filter(|(_, a)| matches!(a, Anchoring::Moved { fuzzy: true, .. }))
            .map(|(id, _)| id.as_str())
    }
}

/// Everything needed to write a sidecar, taken from a document so the writing can happen on
/// another thread. See [`Document::prepare_save`].
#[derive(Clone, Debug)]
pub struct SaveJob {
    /// Where to write.
    pub path: PathBuf,
    /// What to write.
    pub data: SidecarSnapshot,
    /// What must be on disk now (`None`: nothing) for the write to go ahead.
    pub expected: Option<ContentHash>,
    /// The document revision this job saves.
    pub revision: u64,
}

impl SaveJob {
    /// Takes the sidecar's write lock (waiting up to [`DEFAULT_LOCK_WAIT`] for another writer),
    /// then [`SaveJob::run_locked`]. Returns the hash of what was written.
    pub fn run(&self) -> Result<ContentHash, SaveError> {
        let lock = lock_for_write(&self.path, DEFAULT_LOCK_WAIT)?;
        self.run_locked(&lock)
    }

    /// Under the sidecar's write lock (taken by the caller, e.g. before it read the sidecar):
    /// checks the file on disk is the expected one, then writes atomically — replacing it, or
    /// creating it without clobbering when none was expected. Returns the hash of what was
    /// written.
    pub fn run_locked(&self, lock: &WriteLock) -> Result<ContentHash, SaveError> {
        if lock.target() != self.path {
            return Err(SaveError::Io(SidecarError::Io {
                path: self.path.clone(),
                action: "cannot save under the lock of another file",
                source: std::io::Error::other(lock.target().display().to_string()),
            }));
        }
        let target = write_target(&self.path)?;
        let on_disk = content_hash_file(&target).map_err(|source| {
            SaveError::Io(SidecarError::Io {
                path: self.path.clone(),
                action: "cannot check the sidecar before saving",
                source,
            })
        })?;
        if on_disk != self.expected {
            return Err(SaveError::Conflict {
                path: self.path.clone(),
            });
        }
        let written = if self.expected.is_none() {
            self.data.create_at(&target)
        } else {
            self.data.save_to(&target)
        };
        match written {
            // Someone outside Tagline created the file between the check and the link.
            Err(SidecarError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::AlreadyExists =>
            {
                Err(SaveError::Conflict {
                    path: self.path.clone(),
                })
            }
            other => Ok(other?),
        }
    }
}

/// One article and its annotations.
#[derive(Clone, Debug)]
pub struct Document {
    /// The article.
    pub article: Arc<Article>,
    /// The scheme in use.
    pub scheme: Scheme,
    /// Where the scheme came from (`None`: built in).
    pub scheme_path: Option<PathBuf>,
    sidecar_path: PathBuf,
    /// Sorted by (start, end, id).
    annotations: Arc<Vec<Annotation>>,
    /// `max_end[i]` = the largest `end` among the short spans of `annotations[..=i]`, for
    /// overlap queries.
    max_end: Vec<usize>,
    /// Positions of spans longer than [`LONG_SPAN_CHARS`], checked one by one.
    long_spans: Vec<u32>,
    /// Hash of an annotation id → its position (`u32::MAX` when two ids share a hash).
    id_index: std::collections::HashMap<u64, u32>,
    /// Hash of an annotation id → positions of the relations touching it.
    relation_index: std::collections::HashMap<u64, Vec<u32>>,
    /// Sorted by id.
    relations: Arc<Vec<Relation>>,
    labels: BTreeMap<String, AttrValue>,
    merge: MergeRecord,
    adjudication: AdjudicationRecord,
    article_extra: Extra,
    extra: Extra,
    history: History,
    disk: DiskState,
}

/// Reads a sidecar if there is one: `Ok(None)` when the file does not exist.
fn read_sidecar(path: &Path) -> Result<Option<(SidecarData, ContentHash)>, SidecarError> {
    match SidecarData::read_streaming(path) {
        Err(SidecarError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            Ok(None)
        }
        Err(e) => Err(e),
        Ok(x) => Ok(Some(x)),
    }
}

/// [`Article::with_recorded_encoding`] for a shared article, copying it only when the
/// sidecar recorded an encoding for a guessed one.
fn with_recorded_encoding(
    article: Arc<Article>,
    recorded: &ArticleRef,
    options: &LoadOptions,
) -> Result<Arc<Article>, ArticleError> {
    if !article.encoding_guessed || recorded.encoding.is_none() {
        return Ok(article);
    }
    Arc::unwrap_or_clone(article)
        .with_recorded_encoding(recorded.encoding.as_deref(), options)
        .map(Arc::new)
}

/// Spans longer than this many chars are indexed apart for overlap queries.
const LONG_SPAN_CHARS: usize = 2000;

fn sort_key(a: &Annotation) -> (usize, usize, &str) {
    (a.range.start, a.range.end, a.id.as_str())
}

impl Document {
    /// Opens an article, its folder's scheme and its sidecar (if any), re-anchoring when the
    /// article changed. A sidecar that cannot be read does not stop the article from opening:
    /// the document opens empty and [`DiskState::Locked`].
    pub fn open(path: &Path, options: &LoadOptions) -> Result<(Document, OpenReport), OpenError> {
        Document::open_with(path, options, |_, _| {})
    }

    /// [`Document::open`], calling `on_text` as soon as the article's text is ready, while its
    /// sidecar is still being read on another thread (the window shows the text first).
    pub fn open_with(
        path: &Path,
        options: &LoadOptions,
        on_text: impl FnOnce(&Arc<Article>, &Scheme),
    ) -> Result<(Document, OpenReport), OpenError> {
        let sidecar = sidecar_path(path);
        std::thread::scope(|scope| {
            // A large sidecar takes longer to parse than the article to decode: start it first,
            // on the other core.
            let reading = std::thread::Builder::new()
                .name("tagline-sidecar".into())
                .spawn_scoped(scope, || read_sidecar(&sidecar))
                .ok();
            let article = Arc::new(Article::load(path, options)?);
            let (scheme, scheme_path) = Scheme::for_article(path)?;
            on_text(&article, &scheme);
            let loaded = match reading {
                Some(handle) => handle.join().unwrap_or_else(|_| read_sidecar(&sidecar)),
                None => read_sidecar(&sidecar),
            };
            let article = match &loaded {
                Ok(Some((data, _))) => with_recorded_encoding(article, &data.article, options)?,
                _ => article,
            };
            Ok(Document::attach_loaded(
                article,
                scheme,
                scheme_path,
                loaded,
            ))
        })
    }

    /// Builds the document of an already loaded article, reading its sidecar from disk.
    pub fn attach_sidecar(
        article: impl Into<Arc<Article>>,
        scheme: Scheme,
        scheme_path: Option<PathBuf>,
    ) -> (Document, OpenReport) {
        let article = article.into();
        let loaded = read_sidecar(&sidecar_path(&article.path));
        Document::attach_loaded(article, scheme, scheme_path, loaded)
    }

    fn attach_loaded(
        article: Arc<Article>,
        scheme: Scheme,
        scheme_path: Option<PathBuf>,
        loaded: Result<Option<(SidecarData, ContentHash)>, SidecarError>,
    ) -> (Document, OpenReport) {
        let mut doc = Document::new(article, scheme, scheme_path);
        let mut report = OpenReport {
            warnings: doc.article.warnings.clone(),
            ..OpenReport::default()
        };
        match loaded {
            Ok(None) => {}
            Ok(Some((data, hash))) => {
                doc.disk = DiskState::Synced { hash };
                doc.load_data(data, &mut report);
            }
            Err(e) => {
                let reason = e.to_string();
                doc.disk = DiskState::Locked {
                    reason: reason.clone(),
                };
                report.sidecar_problem = Some(reason);
            }
        }
        (doc, report)
    }

    /// An empty document for `article` (no sidecar read).
    pub fn new(
        article: impl Into<Arc<Article>>,
        scheme: Scheme,
        scheme_path: Option<PathBuf>,
    ) -> Document {
        let article = article.into();
        Document {
            sidecar_path: sidecar_path(&article.path),
            article,
            scheme,
            scheme_path,
            annotations: Arc::new(Vec::new()),
            max_end: Vec::new(),
            long_spans: Vec::new(),
            id_index: Default::default(),
            relation_index: Default::default(),
            relations: Arc::new(Vec::new()),
            labels: BTreeMap::new(),
            merge: MergeRecord::default(),
            adjudication: AdjudicationRecord::default(),
            article_extra: Extra::new(),
            extra: Extra::new(),
            history: History::default(),
            disk: DiskState::Absent,
        }
    }

    /// Takes in sidecar content, re-anchoring every annotation when the article changed (see
    /// [`crate::core::anchor`]). When the article's hash is the recorded one nothing moves: a
    /// span that does not hold its text is a validation error, listed in
    /// [`OpenReport::invalid_spans`], never repaired on open.
    pub fn load_data(&mut self, data: SidecarData, report: &mut OpenReport) {
        let redecoded = !self
            .article
            .decoded_as_recorded(data.article.encoding.as_deref());
        if redecoded {
            report.warnings.push(format!(
                "read as {}, but the sidecar's offsets count the text read as {}: annotations are re-anchored",
                self.article.encoding.label(),
                data.article.encoding.as_deref().unwrap_or("utf-8")
            ));
        }
        report.article_changed = redecoded
            || (!data.article.sha256.is_empty() && data.article.sha256 != self.article.sha256);
        let mut changed = report.article_changed;
        let mut annotations = data.annotations;
        if report.article_changed || data.article.sha256.is_empty() {
            let was_orphan: Vec<bool> = annotations.iter().map(|a| a.is_orphaned()).collect();
            let results = reanchor_all(&self.article.text, &mut annotations);
            for ((ann, result), was_orphan) in annotations.iter().zip(results).zip(was_orphan) {
                match result {
                    Anchoring::Kept if !was_orphan => {}
                    Anchoring::Orphaned if was_orphan => {}
                    other => {
                        changed = true;
                        report.anchoring.push((ann.id.clone(), other));
                    }
                }
            }
        } else {
            report.invalid_spans = annotations
                .iter()
                .filter(|a| {
                    !a.is_orphaned()
                        && (a.range.is_empty()
                            || self.article.text.slice(a.range) != Some(a.text.as_str()))
                })
                .map(|a| a.id.clone())
                .collect();
        }
        // In place: a stable sort would borrow a buffer of half the annotations (tens of MB at
        // 100,000), and the key (span, then id) leaves nothing for stability to decide.
        annotations.sort_unstable_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        self.annotations = Arc::new(annotations);
        let mut relations = data.relations;
        relations.sort_by(|a, b| a.id.cmp(&b.id));
        self.relations = Arc::new(relations);
        self.labels = data.labels;
        self.merge = data.merge;
        self.adjudication = data.adjudication;
        self.article_extra = data.article.extra;
        self.extra = data.extra;
        self.reindex();
        self.reindex_relations();
        if changed {
            // Re-anchoring is a change to save, but not a user action to undo.
            self.history.bump();
        }
    }

    fn reindex(&mut self) {
        self.max_end.clear();
        self.long_spans.clear();
        self.id_index.clear();
        let mut m = 0;
        for (i, a) in self.annotations.iter().enumerate() {
            // Long spans are kept apart so one article-wide annotation does not make every
            // overlap query scan back to the start.
            if a.range.len() > LONG_SPAN_CHARS {
                self.long_spans.push(i as u32);
            } else {
                m = m.max(a.range.end);
            }
            self.max_end.push(m);
            self.id_index
                .entry(id_hash(&a.id))
                .and_modify(|v| *v = u32::MAX)
                .or_insert(i as u32);
        }
    }

    fn reindex_relations(&mut self) {
        self.relation_index.clear();
        for (i, r) in self.relations.iter().enumerate() {
            self.relation_index
                .entry(id_hash(&r.from))
                .or_default()
                .push(i as u32);
            if r.to != r.from {
                self.relation_index
                    .entry(id_hash(&r.to))
                    .or_default()
                    .push(i as u32);
            }
        }
    }

    /// Where the sidecar lives.
    pub fn sidecar_path(&self) -> &Path {
        &self.sidecar_path
    }

    /// The sidecar's state on disk.
    pub fn disk_state(&self) -> &DiskState {
        &self.disk
    }

    /// All annotations, sorted by (start, end, id), orphans included.
    pub fn annotations(&self) -> &[Annotation] {
        &self.annotations
    }

    /// The annotation with id `id`.
    pub fn annotation(&self, id: &str) -> Option<&Annotation> {
        self.position(id).map(|i| &self.annotations[i])
    }

    fn position(&self, id: &str) -> Option<usize> {
        match self.id_index.get(&id_hash(id)) {
            None => None,
            Some(&u32::MAX) => self.annotations.iter().position(|a| a.id == id),
            Some(&i) => {
                Some(i as usize).filter(|&i| self.annotations.get(i).is_some_and(|a| a.id == id))
            }
        }
    }

    /// Positions in [`Document::annotations`] of the annotations that hold their text (not
    /// orphaned) and overlap `range`, in (start, end, id) order. Cost: O(log n + k + s + l) for k results, s short spans starting within 2,000
    /// chars before `range`, and l spans longer than that.
    pub fn visible_positions(&self, range: CharRange) -> Vec<usize> {
        let shown = |a: &Annotation| {
            a.range.end > range.start
                && a.range.start < range.end
                && a.status != Some(Status::Orphaned)
                && !a.range.is_empty()
        };
        let hi = self
            .annotations
            .partition_point(|a| a.range.start < range.end);
        let mut hits = Vec::new();
        let mut j = hi;
        // Short spans: walk back while some span this far back may still reach `range`.
        while j > 0 && self.max_end[j - 1] > range.start {
            j -= 1;
            let a = &self.annotations[j];
            if a.range.len() <= LONG_SPAN_CHARS && shown(a) {
                hits.push(j);
            }
        }
        hits.extend(
            self.long_spans
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| shown(&self.annotations[i])),
        );
        hits.sort_unstable();
        hits
    }

    /// [`Document::visible_positions`] as annotations.
    pub fn visible_in(&self, range: CharRange) -> Vec<&Annotation> {
        self.visible_positions(range)
            .into_iter()
            .map(|i| &self.annotations[i])
            .collect()
    }

    /// All relations, sorted by id.
    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    /// Relations from or to annotation `id`.
    pub fn relations_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Relation> + 'a {
        self.relation_index
            .get(&id_hash(id))
            .into_iter()
            .flatten()
            .map(|&i| &self.relations[i as usize])
            .filter(move |r| r.from == id || r.to == id)
    }

    /// Document labels.
    pub fn labels(&self) -> &BTreeMap<String, AttrValue> {
        &self.labels
    }

    /// What a merge left for a person to decide about the document (the sidecar's `merge`).
    pub fn merge_record(&self) -> &MergeRecord {
        &self.merge
    }

    /// What adjudication rejected (a gold sidecar's `adjudication`), carried through saves.
    pub fn adjudication_record(&self) -> &AdjudicationRecord {
        &self.adjudication
    }

    /// Every annotator named in the document, sorted.
    pub fn annotators(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<&str> = self
            .annotations
            .iter()
            .map(|a| a.annotator.as_str())
            .collect();
        set.into_iter().map(str::to_owned).collect()
    }

    /// A counter that changes with every applied, undone or redone edit.
    pub fn revision(&self) -> u64 {
        self.history.revision()
    }

    /// `true` when there are changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.history.is_dirty()
    }

    /// `true` when there is something to undo.
    pub fn can_undo(&self) -> bool {
        self.history.last_undo().is_some()
    }

    /// `true` when there is something to redo.
    pub fn can_redo(&self) -> bool {
        self.history.last_redo().is_some()
    }

    /// What undo would undo.
    pub fn undo_label(&self) -> Option<String> {
        self.history.last_undo().map(Edit::describe)
    }

    /// What redo would redo.
    pub fn redo_label(&self) -> Option<String> {
        self.history.last_redo().map(Edit::describe)
    }

    // ----- the one edit path -------------------------------------------------------------

    /// Turns a person's action into an edit and applies it. Returns the id of the new
    /// annotation ([`Action::Add`]) or relation ([`Action::Relate`]).
    pub fn perform(&mut self, action: Action, annotator: &str) -> Result<Option<NewId>, EditError> {
        self.perform_with(action, annotator, &mut crate::core::stamps::SystemStamps)
    }

    /// [`Document::perform`] with times and new ids from `stamps` (imports, merges and tests
    /// pass fixed ones so the same input writes the same bytes).
    pub fn perform_with(
        &mut self,
        action: Action,
        annotator: &str,
        stamps: &mut dyn crate::core::stamps::Stamps,
    ) -> Result<Option<NewId>, EditError> {
        let (edit, new_id) = self.plan_with(action, annotator, stamps)?;
        self.apply(edit)?;
        Ok(new_id)
    }

    /// Applies an edit and records it as one undo step (clearing redo).
    ///
    /// The edit is checked first as [`Document::plan`] checks an action (see `check.rs`):
    /// an edit that does not fit the document is refused and changes nothing.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        self.apply_checked(&edit)?;
        self.history.record(edit);
        Ok(())
    }

    /// Undoes the last step. Returns `false` when there was none.
    pub fn undo(&mut self) -> bool {
        let Some(edit) = self.history.take_undo() else {
            return false;
        };
        let inverse = edit.clone().invert();
        if self.apply_inner(&inverse).is_err() {
            self.history.restore_undo(edit);
            return false;
        }
        self.history.undone(edit);
        true
    }

    /// Redoes the last undone step. Returns `false` when there was none.
    pub fn redo(&mut self) -> bool {
        let Some(edit) = self.history.take_redo() else {
            return false;
        };
        if self.apply_inner(&edit).is_err() {
            self.history.restore_redo(edit);
            return false;
        }
        self.history.redone(edit);
        true
    }

    fn apply_inner(&mut self, edit: &Edit) -> Result<(), EditError> {
        match edit {
            Edit::AddAnnotation(a) => {
                if self.position(&a.id).is_some() {
                    return Err(EditError::DuplicateId(a.id.clone()));
                }
                let at = self
                    .annotations
                    .partition_point(|x| sort_key(x) < sort_key(a));
                Arc::make_mut(&mut self.annotations).insert(at, a.clone());
                self.reindex();
            }
            Edit::RemoveAnnotation(a) => {
                let i = self
                    .position(&a.id)
                    .ok_or_else(|| EditError::NoSuchAnnotation(a.id.clone()))?;
                Arc::make_mut(&mut self.annotations).remove(i);
                self.reindex();
            }
            Edit::UpdateAnnotation { after, .. } => {
                let i = self
                    .position(&after.id)
                    .ok_or_else(|| EditError::NoSuchAnnotation(after.id.clone()))?;
                let anns = Arc::make_mut(&mut self.annotations);
                anns.remove(i);
                let at = anns.partition_point(|x| sort_key(x) < sort_key(after));
                anns.insert(at, (**after).clone());
                self.reindex();
            }
            Edit::AddRelation(r) => {
                let at = self.relations.partition_point(|x| x.id < r.id);
                Arc::make_mut(&mut self.relations).insert(at, r.clone());
                self.reindex_relations();
            }
            Edit::RemoveRelation(r) => {
                let i = self
                    .relations
                    .iter()
                    .position(|x| x.id == r.id)
                    .ok_or_else(|| EditError::NoSuchRelation(r.id.clone()))?;
                Arc::make_mut(&mut self.relations).remove(i);
                self.reindex_relations();
            }
            Edit::SetLabel { name, after, .. } => match after {
                Some(v) => {
                    self.labels.insert(name.clone(), v.clone());
                }
                None => {
                    self.labels.remove(name);
                }
            },
            Edit::Batch(edits) => {
                let mut done = 0;
                while done < edits.len() {
                    // A run of additions or removals (an import, its undo) is applied at once,
                    // with one re-index, instead of one re-index per edit.
                    let n = bulk_run(&edits[done..]);
                    let step = if n > 1 {
                        self.apply_run(&edits[done..done + n])
                    } else {
                        self.apply_inner(&edits[done])
                    };
                    if let Err(err) = step {
                        if done > 0 {
                            let _ = self.apply_inner(&Edit::Batch(edits[..done].to_vec()).invert());
                        }
                        return Err(err);
                    }
                    done += n.max(1);
                }
            }
        }
        Ok(())
    }

    /// Applies a run of edits of one kind ([`bulk_run`]) as the same edits one by one would,
    /// with one sort and one re-index; refused (changing nothing) where one of them would be.
    pub(super) fn apply_run(&mut self, run: &[Edit]) -> Result<(), EditError> {
        use std::collections::HashSet;
        match run.first() {
            Some(Edit::AddAnnotation(_)) => {
                let mut seen = HashSet::new();
                for e in run {
                    if let Edit::AddAnnotation(a) = e
                        && (self.position(&a.id).is_some() || !seen.insert(a.id.as_str()))
                    {
                        return Err(EditError::DuplicateId(a.id.clone()));
                    }
                }
                let anns = Arc::make_mut(&mut self.annotations);
                anns.extend(run.iter().filter_map(|e| match e {
                    Edit::AddAnnotation(a) => Some(a.clone()),
                    _ => None,
                }));
                anns.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
                self.reindex();
            }
            Some(Edit::RemoveAnnotation(_)) => {
                let mut ids = HashSet::new();
                for e in run {
                    if let Edit::RemoveAnnotation(a) = e
                        && (self.position(&a.id).is_none() || !ids.insert(a.id.as_str()))
                    {
                        return Err(EditError::NoSuchAnnotation(a.id.clone()));
                    }
                }
                Arc::make_mut(&mut self.annotations).retain(|a| !ids.contains(a.id.as_str()));
                self.reindex();
            }
            Some(Edit::AddRelation(_)) => {
                let rels = Arc::make_mut(&mut self.relations);
                rels.extend(run.iter().filter_map(|e| match e {
                    Edit::AddRelation(r) => Some(r.clone()),
                    _ => None,
                }));
                // Stable, and new ids never equal old ones (checked): as inserting one by one.
                rels.sort_by(|a, b| a.id.cmp(&b.id));
                self.reindex_relations();
            }
            Some(Edit::RemoveRelation(_)) => {
                let mut ids = HashSet::new();
                let present: HashSet<&str> = self.relations.iter().map(|r| r.id.as_str()).collect();
                for e in run {
                    if let Edit::RemoveRelation(r) = e
                        && (!present.contains(r.id.as_str()) || !ids.insert(r.id.clone()))
                    {
                        return Err(EditError::NoSuchRelation(r.id.clone()));
                    }
                }
                Arc::make_mut(&mut self.relations).retain(|r| !ids.contains(&r.id));
                self.reindex_relations();
            }
            _ => {
                for e in run {
                    self.apply_inner(e)?;
                }
            }
        }
        Ok(())
    }

    // ----- saving ------------------------------------------------------------------------

    /// The sidecar content of this document as it is now.
    pub fn to_sidecar(&self) -> SidecarData {
        SidecarData {
            article: self.article_ref(),
            scheme: self.scheme.reference(),
            labels: self.labels.clone(),
            annotations: self.annotations.to_vec(),
            relations: self.relations.to_vec(),
            merge: self.merge.clone(),
            adjudication: self.adjudication.clone(),
            extra: self.extra.clone(),
        }
    }

    /// The sidecar content sharing this document's annotation storage (no copies; the next
    /// edit copies on write if the snapshot is still alive).
    pub fn snapshot(&self) -> SidecarSnapshot {
        SidecarSnapshot {
            article: self.article_ref(),
            scheme: self.scheme.reference(),
            labels: self.labels.clone(),
            annotations: Arc::clone(&self.annotations),
            relations: Arc::clone(&self.relations),
            merge: self.merge.clone(),
            adjudication: self.adjudication.clone(),
            extra: self.extra.clone(),
        }
    }

    fn article_ref(&self) -> ArticleRef {
        ArticleRef {
            file: self.article.file_name(),
            sha256: self.article.sha256.clone(),
            chars: self.article.len_chars(),
            encoding: self.article.encoding.sidecar_label(),
            extra: self.article_extra.clone(),
        }
    }

    /// Prepares a save to the document's own sidecar, refusing when the sidecar is locked.
    pub fn prepare_save(&self) -> Result<SaveJob, SaveError> {
        let expected = match &self.disk {
            DiskState::Locked { reason } => {
                return Err(SaveError::Locked {
                    path: self.sidecar_path.clone(),
                    reason: reason.clone(),
                });
            }
            DiskState::Absent => None,
            DiskState::Synced { hash } => Some(hash.clone()),
        };
        Ok(SaveJob {
            path: self.sidecar_path.clone(),
            data: self.snapshot(),
            expected,
            revision: self.history.revision(),
        })
    }

    /// Records the outcome of a [`SaveJob`] run.
    pub fn finish_save(&mut self, job: &SaveJob, written_hash: ContentHash) {
        if job.path == self.sidecar_path {
            self.disk = DiskState::Synced { hash: written_hash };
            self.history.mark_saved(job.revision);
        }
    }

    /// Saves to the sidecar now: locked, checked, atomic, never clobbering.
    pub fn save(&mut self) -> Result<(), SaveError> {
        let job = self.prepare_save()?;
        let sha = job.run()?;
        self.finish_save(&job, sha);
        Ok(())
    }

    /// [`Document::save`] under a write lock the caller took before it opened the document
    /// (so that concurrent edits queue instead of conflicting).
    pub fn save_locked(&mut self, lock: &WriteLock) -> Result<(), SaveError> {
        let job = self.prepare_save()?;
        let sha = job.run_locked(lock)?;
        self.finish_save(&job, sha);
        Ok(())
    }

    /// Writes this document's annotations to another file (e.g. when the sidecar is locked or
    /// changed on disk). Refuses to replace an existing file.
    pub fn save_as(&self, path: &Path) -> Result<(), SaveError> {
        let job = SaveJob {
            path: path.to_owned(),
            data: self.snapshot(),
            expected: None,
            revision: self.history.revision(),
        };
        job.run().map(|_| ())
    }

    /// Re-reads the sidecar from disk, dropping unsaved edits and history.
    pub fn reload(&mut self) -> OpenReport {
        let (doc, report) = Document::attach_sidecar(
            self.article.clone(),
            self.scheme.clone(),
            self.scheme_path.clone(),
        );
        *self = doc;
        report
    }
}

/// What [`Document::merge_with_disk`] did.
#[derive(Clone, Debug, Default)]
pub struct DiskMerge {
    /// Annotations (and relations, labels) changed differently on both sides: both versions
    /// are kept and marked for review (see [`crate::core::merge`]).
    pub conflicts: usize,
    /// Relations dropped because the merge deleted an annotation they link.
    pub dropped_relations: usize,
    /// `false` when the version last read was not known, so every difference counted as
    /// added on both sides.
    pub base_known: bool,
    /// Re-anchoring of the merged annotations (only when the other side's article differs).
    pub report: OpenReport,
}

impl Document {
    /// Reads the article's file again, decoded as it was (the encoding recorded or forced
    /// when it was opened wins over a new guess). The document is not changed: see
    /// [`Document::replace_article`].
    pub fn reread_article(&self, options: &LoadOptions) -> Result<Arc<Article>, ArticleError> {
        let article = Arc::new(Article::load(&self.article.path, options)?);
        with_recorded_encoding(article, &self.article_ref(), options)
    }

    /// Puts this document's annotations, unsaved edits included, onto a new version of its
    /// article (the file changed on disk while open), re-anchoring them with the rules of
    /// opening an article whose hash changed (see [`Document::load_data`]): moved, fuzzy moves
    /// marked for review, orphans. The sidecar's disk state is kept; the undo history is
    /// dropped (its edits name offsets of the old text) and the result is unsaved.
    pub fn replace_article(&mut self, article: Arc<Article>) -> OpenReport {
        let data = self.to_sidecar();
        let mut doc = Document::new(article, self.scheme.clone(), self.scheme_path.clone());
        let mut report = OpenReport {
            warnings: doc.article.warnings.clone(),
            ..OpenReport::default()
        };
        doc.disk = self.disk.clone();
        doc.load_data(data, &mut report);
        if self.is_dirty() && !doc.is_dirty() {
            doc.history.bump();
        }
        *self = doc;
        report
    }

    /// Merges the sidecar now on disk (someone else changed it) into this document by id with
    /// [`crate::core::merge::merge3`]: `base` is the sidecar as this document last read or
    /// wrote it (`None` when unknown: an empty base, so what differs is kept from both sides
    /// and marked for review), ours the document in memory, theirs the file (a deleted file
    /// merges as nothing over an empty base: mine is kept whole). The document then holds the
    /// merge, unsaved, and expects the file it merged with on disk.
    pub fn merge_with_disk(
        &mut self,
        base: Option<&SidecarData>,
    ) -> Result<DiskMerge, SidecarError> {
        let ours = self.to_sidecar();
        let empty = SidecarData {
            article: ours.article.clone(),
            scheme: ours.scheme.clone(),
            ..SidecarData::default()
        };
        let (theirs, disk) = match read_sidecar(&self.sidecar_path)? {
            Some((data, hash)) => (data, DiskState::Synced { hash }),
            None => (empty.clone(), DiskState::Absent),
        };
        // A deleted sidecar is not a deletion of each annotation: merging with nothing keeps
        // mine (as if the base were empty).
        let base = base.filter(|_| matches!(disk, DiskState::Synced { .. }));
        let base_known = base.is_some();
        let base = base.unwrap_or(&empty);
        let outcome = crate::core::merge::merge3(base, &ours, &theirs);
        let mut merged = outcome.merged;
        if theirs.article.sha256 != self.article.sha256 {
            // Their spans count chars of another version of the article: check every span
            // against this text (kept where it holds, re-anchored or orphaned otherwise).
            merged.article.sha256.clear();
        }
        let mut doc = Document::new(
            self.article.clone(),
            self.scheme.clone(),
            self.scheme_path.clone(),
        );
        doc.disk = disk;
        let mut report = OpenReport::default();
        doc.load_data(merged, &mut report);
        doc.history.bump();
        *self = doc;
        Ok(DiskMerge {
            conflicts: outcome.conflicts.len(),
            dropped_relations: outcome.dropped_relations.len(),
            base_known,
            report,
        })
    }

    /// Takes in sidecar content recovered from a crash journal (see
    /// [`crate::core::recovery`]), unsaved, expecting `expected` on disk (the sidecar the
    /// journal's edits were made on; `None`: none). When the article's text is not the one the
    /// content was written for, it is re-anchored as on opening. A locked document stays
    /// locked.
    pub fn restore_recovered(
        &mut self,
        data: SidecarData,
        expected: Option<ContentHash>,
    ) -> OpenReport {
        let mut doc = Document::new(
            self.article.clone(),
            self.scheme.clone(),
            self.scheme_path.clone(),
        );
        doc.disk = match (&self.disk, expected) {
            (DiskState::Locked { .. }, _) => self.disk.clone(),
            (_, Some(hash)) => DiskState::Synced { hash },
            (_, None) => DiskState::Absent,
        };
        let mut report = OpenReport {
            warnings: doc.article.warnings.clone(),
            ..OpenReport::default()
        };
        doc.load_data(data, &mut report);
        doc.history.bump();
        *self = doc;
        report
    }
}

/// How many edits at the start of `edits` are additions (or removals) of annotations (or
/// relations) of one kind, which [`Document::apply_run`] applies at once; 0 for another edit.
fn bulk_run(edits: &[Edit]) -> usize {
    let kind = |e: &Edit| match e {
        Edit::AddAnnotation(_) => 1,
        Edit::RemoveAnnotation(_) => 2,
        Edit::AddRelation(_) => 3,
        Edit::RemoveRelation(_) => 4,
        _ => 0,
    };
    match edits.first().map(kind) {
        None | Some(0) => 0,
        Some(k) => edits.iter().take_while(|e| kind(e) == k).count(),
    }
}

fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn doc_with(spans: &[(usize, usize)]) -> Document {
        let text = "word ".repeat(2000);
        let article =
            Article::from_bytes(Path::new("a.txt"), text.as_bytes(), &LoadOptions::default())
                .unwrap();
        let mut doc = Document::new(article, Scheme::default_news(), None);
        for &(s, len) in spans {
            let range = CharRange::new(s, (s + len).min(10_000));
            let action = Action::Add {
                tag: "claim".into(),
                range,
                attributes: Default::default(),
                note: String::new(),
                status: None,
            };
            doc.perform(action, "t").unwrap();
        }
        doc
    }

    /// A batch of many additions (an import, suggestions) lands as one step in the order one
    /// by one would give, undoes exactly, and refuses a duplicate id without changing anything.
    #[test]
    fn a_batch_of_additions_is_one_sorted_step() {
        let mut doc = doc_with(&[(0, 4), (500, 9)]);
        let before = doc.annotations().to_vec();
        let one_by_one = doc_with(&[(0, 4), (500, 9)]);
        let mut stamps = crate::core::FixedStamps::new("2026-12-01T00:00:00Z");
        let adds: Vec<Edit> = (0..300)
            .map(|i| {
                let s = (i * 37) % 9_000;
                let (edit, _) = one_by_one
                    .plan_with(
                        Action::Add {
                            tag: "quote".into(),
                            range: CharRange::new(s, s + 4),
                            attributes: Default::default(),
                            note: String::new(),
                            status: Some(Status::Suggested),
                        },
                        "model",
                        &mut stamps,
                    )
                    .unwrap();
                edit
            })
            .collect();
        doc.apply(Edit::Batch(adds.clone())).unwrap();
        assert_eq!(doc.annotations().len(), 302);
        let mut sorted = doc.annotations().to_vec();
        sorted.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        assert_eq!(doc.annotations(), &sorted[..]);
        for e in &adds {
            let Edit::AddAnnotation(a) = e else { panic!() };
            assert_eq!(doc.annotation(&a.id), Some(a));
        }
        assert!(doc.undo());
        assert_eq!(doc.annotations(), &before[..]);
        assert!(doc.redo());
        assert_eq!(doc.annotations().len(), 302);
        assert!(doc.undo());
        let mut twice = adds[..2].to_vec();
        twice.push(adds[0].clone());
        assert!(matches!(
            doc.apply(Edit::Batch(twice)),
            Err(EditError::DuplicateId(_))
        ));
        assert_eq!(doc.annotations(), &before[..]);
    }

    proptest! {
        /// Overlap queries agree with a plain scan, long spans included.
        #[test]
        fn visible_in_matches_a_scan(
            spans in proptest::collection::vec((0usize..9_990, prop_oneof![1usize..40, 1usize..9_000]), 1..60),
            q in 0usize..10_000, ql in 0usize..3_000,
        ) {
            let doc = doc_with(&spans);
            let range = CharRange::new(q, (q + ql).min(10_000));
            let got: Vec<&str> = doc.visible_in(range).iter().map(|a| a.id.as_str()).collect();
            let want: Vec<&str> = doc
                .annotations()
                .iter()
                .filter(|a| a.range.start < range.end && a.range.end > range.start)
                .map(|a| a.id.as_str())
                .collect();
            prop_assert_eq!(got, want);
        }
    }
}
