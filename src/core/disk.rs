//! What changed on disk behind an open document's back, and what a face should do about it.
//!
//! The window (its file watcher, a check when it gets focus, a check before each save) asks
//! [`check`]; the answer is a [`DiskCheck`]: whether the article's file is no longer the one
//! the document's text came from, and whether the sidecar is no longer the one last read or
//! written. [`sidecar_reaction`] decides what to offer. The rules:
//!
//! - The article changed: re-read it and re-anchor at once ([`Document::replace_article`]),
//!   whatever else happens — never draw or save against an outdated article.
//! - The sidecar changed and the document has no unsaved edits: reload it; nothing is lost.
//! - The sidecar changed and there are unsaved edits, or it was deleted: stop saving and ask —
//!   reload (drop my edits), merge by id ([`Document::merge_with_disk`]), or save a copy.
//!
//! [`FileStamp`] keeps the check cheap: a file whose length and modification time did not
//! change is not read again.

use std::path::Path;
use std::time::SystemTime;

use crate::core::document::{DiskState, Document};
use crate::core::store::{ContentHash, content_hash_file};

/// A file as last seen: length, modification time and [`ContentHash`] of its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    /// The fingerprint of the bytes.
    pub hash: ContentHash,
}

fn meta_of(path: &Path) -> std::io::Result<Option<(u64, Option<SystemTime>)>> {
    match std::fs::metadata(path) {
        Ok(m) => Ok(Some((m.len(), m.modified().ok()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

impl FileStamp {
    /// The stamp of a file just written whose hash is known (no need to read it back).
    pub fn written(path: &Path, hash: ContentHash) -> std::io::Result<Option<FileStamp>> {
        Ok(meta_of(path)?.map(|(len, modified)| FileStamp {
            len,
            modified,
            hash,
        }))
    }

    /// Stamps the file at `path` now (`None`: there is none). The metadata is taken before
    /// the bytes are hashed, so a change while hashing shows as a change next time.
    pub fn of(path: &Path) -> std::io::Result<Option<FileStamp>> {
        let Some((len, modified)) = meta_of(path)? else {
            return Ok(None);
        };
        Ok(content_hash_file(path)?.map(|hash| FileStamp {
            len,
            modified,
            hash,
        }))
    }

    /// The file's stamp now, reading its bytes only when its length or modification time
    /// differ from this stamp's.
    pub fn refresh(&self, path: &Path) -> std::io::Result<Option<FileStamp>> {
        match meta_of(path)? {
            None => Ok(None),
            Some((len, modified)) if len == self.len && modified == self.modified => {
                Ok(Some(self.clone()))
            }
            Some(_) => FileStamp::of(path),
        }
    }
}

/// Reads a file's bytes with its stamp (the metadata taken first, so a change while reading
/// shows as a change later); `None` when there is no file. At most `limit` bytes.
pub fn read_stamped(path: &Path, limit: u64) -> std::io::Result<Option<(FileStamp, Vec<u8>)>> {
    let Some((len, modified)) = meta_of(path)? else {
        return Ok(None);
    };
    let bytes = match crate::core::store::read_regular(path, limit) {
        Ok(b) => b,
        Err(crate::core::store::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(None);
        }
        Err(crate::core::store::ReadError::Io(e)) => return Err(e),
        Err(e) => return Err(std::io::Error::other(e.to_string())),
    };
    let hash = crate::core::store::content_hash(&bytes);
    Ok(Some((
        FileStamp {
            len,
            modified,
            hash,
        },
        bytes,
    )))
}

/// What [`check`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiskCheck {
    /// The article's file is not the one last read: its stamp now (`None`: it is gone).
    pub article: Option<Option<FileStamp>>,
    /// The sidecar is not the one last read or written: its stamp now (`None`: it is gone).
    pub sidecar: Option<Option<FileStamp>>,
}

impl DiskCheck {
    /// `true` when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.article.is_none() && self.sidecar.is_none()
    }
}

/// What the document was last read from or written to, for [`check`].
#[derive(Clone, Debug, Default)]
pub struct Seen {
    /// The article's file when its text was read.
    pub article: Option<FileStamp>,
    /// The sidecar when last read or written (kept in step with the document's disk state).
    pub sidecar: Option<FileStamp>,
}

/// Compares the files on disk with what `doc` was read from (`seen`), updating `seen` where a
/// file only looks different (touched, same bytes). `thorough` hashes the files even when
/// their length and modification time are unchanged (a watcher said something happened: a
/// same-length edit within the file system's timestamp tick must not slip through).
pub fn check(doc: &Document, seen: &mut Seen, thorough: bool) -> std::io::Result<DiskCheck> {
    let refresh = |stamp: &FileStamp, path: &Path| {
        if thorough {
            FileStamp::of(path)
        } else {
            stamp.refresh(path)
        }
    };
    let mut out = DiskCheck::default();
    let article_path = &doc.article.path;
    match &seen.article {
        Some(stamp) => {
            let now = refresh(stamp, article_path)?;
            match now {
                Some(n) if n.hash == stamp.hash => seen.article = Some(n),
                other => out.article = Some(other),
            }
        }
        None => seen.article = FileStamp::of(article_path)?,
    }
    let expected: Option<&ContentHash> = match doc.disk_state() {
        // A sidecar that could not be read is never written: what happens to it is its owner's.
        DiskState::Locked { .. } => return Ok(out),
        DiskState::Absent => None,
        DiskState::Synced { hash } => Some(hash),
    };
    let path = doc.sidecar_path();
    let now = match &seen.sidecar {
        Some(stamp) if Some(&stamp.hash) == expected => refresh(stamp, path)?,
        _ => FileStamp::of(path)?,
    };
    if now.as_ref().map(|s| &s.hash) == expected {
        seen.sidecar = now;
    } else {
        out.sidecar = Some(now);
    }
    Ok(out)
}

/// What to do when the sidecar changed on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SidecarReaction {
    /// Nothing unsaved: read the new sidecar.
    Reload,
    /// Unsaved edits: stop saving and offer reload, merge by id, or a copy.
    Ask,
}

/// The rule of the module docs; a sidecar that was deleted is always asked about (reloading
/// would empty the window of annotations that may exist nowhere else now).
pub fn sidecar_reaction(unsaved_edits: bool, deleted: bool) -> SidecarReaction {
    if unsaved_edits || deleted {
        SidecarReaction::Ask
    } else {
        SidecarReaction::Reload
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::LoadOptions;

    #[test]
    fn changes_to_either_file_are_seen_and_touches_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "One two.").unwrap();
        let (doc, _) = Document::open(&path, &LoadOptions::default()).unwrap();
        let mut seen = Seen::default();
        assert!(check(&doc, &mut seen, false).unwrap().is_empty());
        // Same bytes written again: not a change.
        std::fs::write(&path, "One two.").unwrap();
        assert!(check(&doc, &mut seen, false).unwrap().is_empty());
        std::fs::write(&path, "One two three.").unwrap();
        let c = check(&doc, &mut seen, false).unwrap();
        assert!(c.article.is_some() && c.sidecar.is_none());
        // A sidecar appearing where there was none is someone else's.
        std::fs::write(doc.sidecar_path(), "{}").unwrap();
        let c = check(&doc, &mut seen, false).unwrap();
        assert!(matches!(c.sidecar, Some(Some(_))));
        assert_eq!(sidecar_reaction(false, false), SidecarReaction::Reload);
        assert_eq!(sidecar_reaction(true, false), SidecarReaction::Ask);
        assert_eq!(sidecar_reaction(false, true), SidecarReaction::Ask);
    }
}
