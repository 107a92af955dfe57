//! Bringing imported records into a folder of articles, shared by `tagline import` and the
//! window's File → Import…: finding each record's article (by name when it holds the record's
//! text, else by identical text) or writing it (never replacing a file), and adding a batch to
//! an article's sidecar under its write lock, through [`Document::import_with`].

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::core::article::{Article, has_article_extension, sha256_hex};
use crate::core::edit::{EditError, ImportBatch, ImportOutcome};
use crate::core::sidecar::{SidecarError, sidecar_path};
use crate::core::stamps::Stamps;
use crate::core::store::lock_for_write;
use crate::core::{Document, LoadOptions, OpenError, SaveError};

/// Why a record could not be brought in. Nothing was changed for it.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The record's article name is absolute, climbs out with `..`, or is empty.
    #[error("article name `{0}` is not a safe relative path")]
    UnsafeName(String),
    /// A file of that name holds another text.
    #[error("{} exists with another text; the record is not imported (nothing is replaced)", .0.display())]
    TakenByOtherText(PathBuf),
    /// The article could not be read or written.
    #[error("{}: {reason}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The sidecar's lock could not be taken.
    #[error(transparent)]
    Lock(#[from] SidecarError),
    /// The article could not be opened.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The existing sidecar cannot be read: it is never written.
    #[error("{0}; nothing was changed")]
    Locked(String),
    /// The import was refused as a whole.
    #[error("{}: {source}", path.display())]
    Edit {
        /// The article.
        path: PathBuf,
        /// Why.
        source: Box<EditError>,
    },
    /// The sidecar could not be saved.
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// An article name from an input, made safe to join under the target folder: relative, `/`
/// separated, no `.`/`..` parts, no empty or hidden parts, no drive letters; `None` when
/// nothing safe is left.
pub fn safe_relative(name: &str) -> Option<String> {
    let parts: Vec<&str> = name
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty()
        || parts
            .iter()
            .any(|p| *p == ".." || p.contains(':') || p.starts_with('.'))
    {
        return None;
    }
    Some(parts.join("/"))
}

/// The articles of a folder by the SHA-256 of their decoded text (how articles are paired
/// across folders), so that a record lands on the article with its text whatever its name.
#[derive(Debug, Default)]
pub struct FolderTexts(HashMap<String, PathBuf>);

impl FolderTexts {
    /// Reads every article below `folder` (through the corpus walker).
    pub fn of_folder(folder: &Path, options: &LoadOptions) -> FolderTexts {
        let mut map = HashMap::new();
        for item in crate::core::corpus::collect(&[folder.to_path_buf()], &mut |_| {})
            .into_iter()
            .flatten()
        {
            if let Ok(a) = Article::load(&item.article, options) {
                map.entry(sha256_hex(a.text.as_str().as_bytes()))
                    .or_insert(item.article);
            }
        }
        FolderTexts(map)
    }

    /// The article holding exactly `text`.
    pub fn find(&self, text: &str) -> Option<&PathBuf> {
        self.0.get(&sha256_hex(text.as_bytes()))
    }
}

/// The article in `folder` for a record named `name` with `text`: the file of that name when it
/// holds `text`, else an article of the folder with that text, else a new file of that name
/// (a name without an article extension gets `.txt`). Returns the path and whether it was
/// written now.
pub fn place_article(
    folder: &Path,
    name: &str,
    text: &str,
    texts: &mut FolderTexts,
    options: &LoadOptions,
) -> Result<(PathBuf, bool), IntakeError> {
    let mut name = safe_relative(name).ok_or_else(|| IntakeError::UnsafeName(name.to_owned()))?;
    if !has_article_extension(Path::new(&name)) {
        name.push_str(".txt");
    }
    let path = folder.join(&name);
    let io = |path: &Path, reason: String| IntakeError::Io {
        path: path.to_owned(),
        reason,
    };
    if path.exists() {
        let article = Article::load(&path, options).map_err(|e| io(&path, e.to_string()))?;
        if article.text.as_str() == text {
            return Ok((path, false));
        }
        return match texts.find(text) {
            Some(p) => Ok((p.clone(), false)),
            None => Err(IntakeError::TakenByOtherText(path)),
        };
    }
    if let Some(p) = texts.find(text) {
        return Ok((p.clone(), false));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io(parent, e.to_string()))?;
    }
    crate::core::store::write_new_with(&path, |f| f.write_all(text.as_bytes()))
        .map_err(|e| io(&path, e.to_string()))?;
    texts.0.insert(sha256_hex(text.as_bytes()), path.clone());
    Ok((path, true))
}

/// Opens `article` under its sidecar's write lock (waiting up to `lock_wait`), checks it holds
/// `text`, imports the batch `prepare` makes for it (given the opened document, e.g. to map
/// tags to its scheme) as one step, and saves when something was added. Returns what the
/// import did and the document as saved.
pub fn import_into_article(
    article: &Path,
    text: &str,
    options: &LoadOptions,
    lock_wait: std::time::Duration,
    annotator: &str,
    stamps: &mut dyn Stamps,
    prepare: impl FnOnce(&Document) -> ImportBatch,
) -> Result<(ImportOutcome, Document), IntakeError> {
    let lock = lock_for_write(&sidecar_path(article), lock_wait)?;
    let (mut doc, report) = Document::open(article, options)?;
    if let Some(problem) = report.sidecar_problem {
        return Err(IntakeError::Locked(problem));
    }
    if doc.article.text.as_str() != text {
        return Err(IntakeError::TakenByOtherText(article.to_owned()));
    }
    let batch = prepare(&doc);
    let outcome = doc
        .import_with(batch, annotator, stamps)
        .map_err(|source| IntakeError::Edit {
            path: article.to_owned(),
            source: Box::new(source),
        })?;
    if !outcome.is_empty() {
        doc.save_locked(&lock)?;
    }
    Ok((outcome, doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_relative("a/b.txt").as_deref(), Some("a/b.txt"));
        assert_eq!(safe_relative("/abs/./b.txt").as_deref(), Some("abs/b.txt"));
        assert_eq!(safe_relative("../x.txt"), None);
        assert_eq!(safe_relative("C:\\x.txt"), None);
        assert_eq!(safe_relative(".hidden/x.txt"), None);
        assert_eq!(safe_relative(""), None);
    }
}
