//! Crash recovery: a small journal of the open document's unsaved edits, so that a window
//! killed or crashed between an edit and its save loses nothing.
//!
//! - A running window holds a [`Session`]: an exclusive lock on `SESSION.lock` in the recovery
//!   folder (the platform data folder, e.g. `~/.local/share/tagline/recovery`), held until the
//!   process ends — the system releases it on SIGKILL too.
//! - While a document has unsaved edits the window writes its would-be sidecar to a journal
//!   `SESSION-HASH.journal` (HASH: FNV-1a of the article's path), atomically (temporary file,
//!   fsync, rename): a first line of JSON saying which article, when, which sidecar the edits
//!   were made on (its [`ContentHash`]) and how many annotations, then the sidecar's JSON.
//!   A good save removes the journal.
//! - At the next start, [`left_behind`] lists the journals whose session lock nobody holds
//!   (their window is gone): the window offers them with Restore / Discard.
//!
//! The journal lives in the data folder, not beside the sidecar: an article folder may be
//! read-only, shared with other annotators or under git, and a journal there would be
//! someone else's surprise.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::core::sidecar::{SidecarData, SidecarError, SidecarSnapshot};
use crate::core::store::{ContentHash, write_atomic_with};

/// The `format` of a journal's first line.
pub const JOURNAL_FORMAT: &str = "tagline-recovery";
/// The journal format's version.
pub const JOURNAL_VERSION: u64 = 1;
/// Largest journal read back (the sidecar limit).
const MAX_JOURNAL_BYTES: u64 = crate::core::store::MAX_SIDECAR_BYTES;

/// One running window's claim on its journals: a lock held until dropped (or the process
/// ends).
#[derive(Debug)]
pub struct Session {
    dir: PathBuf,
    id: String,
    _lock: std::fs::File,
}

impl Session {
    /// Starts a session in `dir` (created when missing), named from `pid` and the time.
    pub fn start(dir: &Path, pid: u32, unix_ms: u128) -> std::io::Result<Session> {
        std::fs::create_dir_all(dir)?;
        let id = format!("{unix_ms}-{pid}");
        let lock = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join(format!("{id}.lock")))?;
        lock.try_lock().map_err(|e| match e {
            std::fs::TryLockError::Error(e) => e,
            std::fs::TryLockError::WouldBlock => {
                std::io::Error::other("another window holds this session's lock")
            }
        })?;
        Ok(Session {
            dir: dir.to_owned(),
            id,
            _lock: lock,
        })
    }

    /// The recovery folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The journal of `article` in this session.
    pub fn journal_path(&self, article: &Path) -> PathBuf {
        let name = article.as_os_str().as_encoded_bytes();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in name {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.dir.join(format!("{}-{h:016x}.journal", self.id))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // A session that ends with no journal left leaves nothing behind.
        let prefix = format!("{}-", self.id);
        let journals = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| {
                e.file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".journal"))
            });
        if !journals {
            let _ = std::fs::remove_file(self.dir.join(format!("{}.lock", self.id)));
        }
    }
}

/// The first line of a journal.
#[derive(serde::Serialize, serde::Deserialize)]
struct Header {
    format: String,
    version: u64,
    article: String,
    written: u64,
    expected: Option<String>,
    annotations: usize,
}

/// Everything needed to write one journal, taken from a document so the writing can happen
/// on another thread.
#[derive(Clone, Debug)]
pub struct JournalJob {
    /// The journal file.
    pub path: PathBuf,
    /// The article the edits are for.
    pub article: PathBuf,
    /// When (seconds since 1970).
    pub written: u64,
    /// The sidecar the edits were made on (`None`: there was none).
    pub expected: Option<ContentHash>,
    /// The would-be sidecar.
    pub data: SidecarSnapshot,
    /// The document revision it holds.
    pub revision: u64,
}

impl JournalJob {
    /// Writes the journal atomically.
    pub fn run(&self) -> Result<(), SidecarError> {
        let header = Header {
            format: JOURNAL_FORMAT.into(),
            version: JOURNAL_VERSION,
            article: self.article.to_string_lossy().into_owned(),
            written: self.written,
            expected: self.expected.as_ref().map(|h| h.as_str().to_owned()),
            annotations: self.data.annotations.len(),
        };
        let line = serde_json::to_string(&header).map_err(|e| SidecarError::Io {
            path: self.path.clone(),
            action: "cannot write the recovery journal",
            source: std::io::Error::other(e),
        })?;
        let body = self.data.to_json();
        write_atomic_with(&self.path, |f| {
            f.write_all(line.as_bytes())?;
            f.write_all(b"\n")?;
            f.write_all(body.as_bytes())
        })
    }
}

/// A journal read back.
#[derive(Clone, Debug)]
pub struct Journal {
    /// The journal file.
    pub file: PathBuf,
    /// The article the edits are for.
    pub article: PathBuf,
    /// When it was written (seconds since 1970).
    pub written: u64,
    /// The sidecar the edits were made on (`None`: there was none).
    pub expected: Option<ContentHash>,
    /// The would-be sidecar.
    pub data: SidecarData,
}

/// Reads a journal; the error says why it cannot be used.
pub fn read_journal(path: &Path) -> Result<Journal, String> {
    let bytes = crate::core::store::read_regular(path, MAX_JOURNAL_BYTES)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let cut = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| format!("{}: not a recovery journal", path.display()))?;
    let header: Header = serde_json::from_slice(&bytes[..cut])
        .map_err(|e| format!("{}: not a recovery journal ({e})", path.display()))?;
    if header.format != JOURNAL_FORMAT || header.version != JOURNAL_VERSION {
        return Err(format!(
            "{}: a recovery journal of another Tagline ({} version {})",
            path.display(),
            header.format,
            header.version
        ));
    }
    let article = PathBuf::from(&header.article);
    let data = SidecarData::parse(&bytes[cut + 1..], &article).map_err(|e| e.to_string())?;
    Ok(Journal {
        file: path.to_owned(),
        article,
        written: header.written,
        expected: header
            .expected
            .as_deref()
            .and_then(ContentHash::from_recorded),
        data,
    })
}

/// The session a journal or lock file belongs to (`SESSION-HASH.journal`, `SESSION.lock`).
fn session_of(name: &str) -> Option<&str> {
    if let Some(stem) = name.strip_suffix(".journal") {
        return stem.rsplit_once('-').map(|(s, _)| s);
    }
    name.strip_suffix(".lock")
}

/// `true` when some running window holds `session`'s lock.
fn is_running(dir: &Path, session: &str) -> bool {
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(dir.join(format!("{session}.lock")))
    else {
        return false;
    };
    // Dropping the file releases the lock taken just to test it.
    matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock))
}

/// The journals in `dir` left by windows that are no longer running, newest first, each read
/// (or why it cannot be). Journals of running windows (this one included) are left alone.
pub fn left_behind(dir: &Path) -> Vec<(PathBuf, Result<Journal, String>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let entries: Vec<std::fs::DirEntry> = entries.flatten().collect();
    sweep_locks(dir, &entries);
    let mut found: Vec<(PathBuf, Result<Journal, String>)> = entries
        .iter()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            let session = session_of(&name)?.to_owned();
            (name.ends_with(".journal") && !is_running(dir, &session)).then(|| e.path())
        })
        .map(|p| {
            let j = read_journal(&p);
            (p, j)
        })
        .collect();
    found.sort_by(|a, b| {
        let t = |x: &Result<Journal, String>| x.as_ref().map_or(0, |j| j.written);
        t(&b.1).cmp(&t(&a.1)).then_with(|| a.0.cmp(&b.0))
    });
    found
}

/// Removes the lock files of sessions that ended (killed) without a journal, once they are a
/// minute old (a session just starting creates its file a moment before it locks it).
fn sweep_locks(dir: &Path, entries: &[std::fs::DirEntry]) {
    let sessions_with_journals: std::collections::HashSet<String> = entries
        .iter()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            name.ends_with(".journal")
                .then(|| session_of(&name).map(str::to_owned))
                .flatten()
        })
        .collect();
    for e in entries {
        let Some(name) = e.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let Some(session) = name.strip_suffix(".lock") else {
            continue;
        };
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() >= 60);
        if old && !sessions_with_journals.contains(session) && !is_running(dir, session) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Removes a journal left behind, and its session's lock file once that session has no
/// journal left (and is not running).
pub fn discard(journal: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(journal) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let (Some(dir), Some(name)) = (
        journal.parent(),
        journal.file_name().and_then(|n| n.to_str()),
    ) else {
        return Ok(());
    };
    let Some(session) = session_of(name) else {
        return Ok(());
    };
    let others = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.ends_with(".journal") && session_of(n) == Some(session))
        });
    if !others && !is_running(dir, session) {
        let _ = std::fs::remove_file(dir.join(format!("{session}.lock")));
    }
    Ok(())
}

/// How a journal's content differs from the sidecar on disk: what the window says it
/// recovered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecoveredChanges {
    /// Annotations in the journal.
    pub annotations: usize,
    /// Of those, how many the sidecar on disk does not have as they are (added or changed).
    pub added_or_changed: usize,
    /// Annotations of the sidecar on disk the journal no longer has.
    pub removed: usize,
    /// Relations or document labels differ.
    pub other_changes: bool,
}

impl RecoveredChanges {
    /// `true` when the journal holds nothing the sidecar on disk lacks.
    pub fn is_empty(&self) -> bool {
        self.added_or_changed == 0 && self.removed == 0 && !self.other_changes
    }
}

/// Compares a journal's content with the sidecar on disk (`None`: there is none).
pub fn compare(journal: &SidecarData, on_disk: Option<&SidecarData>) -> RecoveredChanges {
    let empty = SidecarData::default();
    let disk = on_disk.unwrap_or(&empty);
    let by_id: std::collections::HashMap<&str, &crate::core::model::Annotation> = disk
        .annotations
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    let mine: std::collections::HashSet<&str> =
        journal.annotations.iter().map(|a| a.id.as_str()).collect();
    RecoveredChanges {
        annotations: journal.annotations.len(),
        added_or_changed: journal
            .annotations
            .iter()
            .filter(|a| by_id.get(a.id.as_str()) != Some(a))
            .count(),
        removed: disk
            .annotations
            .iter()
            .filter(|a| !mine.contains(a.id.as_str()))
            .count(),
        other_changes: journal.relations != disk.relations || journal.labels != disk.labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Action, CharRange, Document, FixedStamps, LoadOptions, Scheme};

    fn doc_in(dir: &Path) -> Document {
        let path = dir.join("a.txt");
        std::fs::write(&path, "One two three four.").unwrap();
        let (mut doc, _) = Document::open(&path, &LoadOptions::default()).unwrap();
        doc.scheme = Scheme::default_news();
        let add = Action::Add {
            tag: "claim".into(),
            range: CharRange::new(4, 7),
            attributes: Default::default(),
            note: String::new(),
            status: None,
        };
        doc.perform_with(add, "t", &mut FixedStamps::new("2026-01-01T00:00:00Z"))
            .unwrap();
        doc
    }

    #[test]
    fn a_journal_of_a_dead_session_is_found_read_and_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let rec = dir.path().join("recovery");
        let doc = doc_in(dir.path());
        let session = Session::start(&rec, 7, 1).unwrap();
        let job = JournalJob {
            path: session.journal_path(&doc.article.path),
            article: doc.article.path.clone(),
            written: 1_700_000_000,
            expected: None,
            data: doc.snapshot(),
            revision: doc.revision(),
        };
        job.run().unwrap();
        // Its own window is running: nothing is offered.
        assert!(left_behind(&rec).is_empty());
        drop(session);
        let found = left_behind(&rec);
        assert_eq!(found.len(), 1);
        let journal = found[0].1.as_ref().unwrap();
        assert_eq!(journal.article, doc.article.path);
        assert_eq!(journal.written, 1_700_000_000);
        assert_eq!(journal.data.annotations, doc.annotations());
        let changes = compare(&journal.data, None);
        assert_eq!((changes.annotations, changes.added_or_changed), (1, 1));
        discard(&journal.file).unwrap();
        assert_eq!(
            std::fs::read_dir(&rec).unwrap().count(),
            0,
            "lock file gone too"
        );
        // A session that ends without a journal removes its lock file.
        drop(Session::start(&rec, 8, 2).unwrap());
        assert_eq!(std::fs::read_dir(&rec).unwrap().count(), 0);
    }

    #[test]
    fn recorded_fingerprints_round_trip() {
        let h = crate::core::store::content_hash(b"abc");
        assert_eq!(ContentHash::from_recorded(h.as_str()), Some(h));
        assert_eq!(ContentHash::from_recorded("12-xyz"), None);
    }
}
