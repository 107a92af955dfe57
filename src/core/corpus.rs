//! Folders of articles: finding the articles (and sidecars) below a folder, and the one corpus
//! walker every corpus command uses ([`collect`]): a list of paths — articles, sidecars and
//! folders in any mix — becomes the articles they mean, each with its path relative to the
//! argument it came from.

use std::path::{Path, PathBuf};

use crate::core::article::has_article_extension;
use crate::core::document::Document;
use crate::core::scheme::{FOLDER_SCHEME_FILE, Scheme};
use crate::core::sidecar::{SidecarData, article_path_of_sidecar, is_sidecar_path, sidecar_path};

/// `true` for names a folder scan passes over: hidden files and folders.
fn hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// `true` when `path` is an article a folder scan lists: `.txt`, `.md` or `.markdown`, not
/// hidden, not a sidecar or scheme file, not a `README*`.
pub fn is_listed_article(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !hidden(name)
        && !name.to_ascii_lowercase().starts_with("readme")
        && name != FOLDER_SCHEME_FILE
        && !is_sidecar_path(path)
        && has_article_extension(path)
}

/// Articles and sidecars below `dir`, recursively, sorted by path; hidden entries skipped.
pub fn scan(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(dir, &mut out, &mut |_| {});
    out.sort();
    out
}

/// The articles below `dir`, sorted by path.
pub fn articles(dir: &Path) -> Vec<PathBuf> {
    scan(dir)
        .into_iter()
        .filter(|p| is_listed_article(p))
        .collect()
}

/// Walks `dir`, calling `progress` with the number of files found so far every 256 files.
pub fn scan_with_progress(dir: &Path, progress: &mut dyn FnMut(usize)) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(dir, &mut out, progress);
    out.retain(|p| is_listed_article(p));
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, progress: &mut dyn FnMut(usize)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut subdirs = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if hidden(name) {
            continue;
        }
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            subdirs.push(path);
        } else if is_sidecar_path(&path) || is_listed_article(&path) {
            out.push(path);
            if out.len().is_multiple_of(256) {
                progress(out.len());
            }
        }
    }
    for d in subdirs {
        walk(&d, out, progress);
    }
}

/// What a folder list (and `stats`) shows for one article, read from its sidecar alone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArticleSummary {
    /// Number of annotations, orphans included (0 when there is no sidecar).
    pub annotations: usize,
    /// The `status` document label as written (e.g. `in_progress`), if set.
    pub status: Option<String>,
    /// A sidecar exists.
    pub has_sidecar: bool,
    /// The sidecar could not be read.
    pub unreadable: bool,
    /// The free-text attribute values used in it, by attribute name (speakers, stance targets):
    /// what the window offers to complete a text attribute with.
    pub text_values: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
}

/// The key of [`text_values`] under which the sources' canonical names (`entity`) are
/// gathered: no attribute can have this name (scheme names are identifiers).
pub const ENTITY_KEY: &str = "@entity";

/// The text attribute values of `annotations`, by attribute name, and their entities under
/// [`ENTITY_KEY`].
pub fn text_values(
    annotations: &[crate::core::Annotation],
) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut out: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for a in annotations {
        if !a.entity.trim().is_empty() {
            out.entry(ENTITY_KEY.to_owned())
                .or_default()
                .insert(a.entity.clone());
        }
        for (name, v) in a.attributes.iter() {
            if let crate::core::AttrValue::Text(t) = v
                && !t.trim().is_empty()
            {
                out.entry(name.clone()).or_default().insert(t.clone());
            }
        }
    }
    out
}

/// The document label a summary reports.
const STATUS_LABEL: &str = "status";

impl ArticleSummary {
    /// The summary of an open document (its sidecar as it will be saved).
    pub fn of_document(doc: &Document) -> ArticleSummary {
        ArticleSummary {
            annotations: doc.annotations().len(),
            status: doc.labels().get(STATUS_LABEL).map(|v| v.display()),
            has_sidecar: true,
            unreadable: false,
            text_values: text_values(doc.annotations()),
        }
    }

    /// The status as shown to people, named by `scheme` (`in_progress` → "in progress").
    pub fn status_label<'a>(&'a self, scheme: &'a Scheme) -> Option<&'a str> {
        self.status
            .as_deref()
            .map(|s| scheme.label_value_label(STATUS_LABEL, s))
    }
}

/// Summarises `article`'s sidecar: how many annotations, which status, whether it reads.
pub fn summary(article: &Path) -> ArticleSummary {
    let sc = sidecar_path(article);
    match std::fs::read(&sc) {
        Err(_) => ArticleSummary::default(),
        Ok(bytes) => match SidecarData::parse(&bytes, &sc) {
            Ok(d) => ArticleSummary {
                annotations: d.annotations.len(),
                status: d.labels.get(STATUS_LABEL).map(|v| v.display()),
                has_sidecar: true,
                unreadable: false,
                text_values: text_values(&d.annotations),
            },
            Err(_) => ArticleSummary {
                has_sidecar: true,
                unreadable: true,
                ..ArticleSummary::default()
            },
        },
    }
}

/// One article a corpus command works on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorpusItem {
    /// The article file.
    pub article: PathBuf,
    /// The path argument it came from (a folder, or the file itself).
    pub root: PathBuf,
    /// The article's path relative to `root`'s folder, with `/` between components: for a
    /// folder argument the path below it, for a file argument its file name. Outputs name
    /// articles by this.
    pub relative: String,
    /// Whether the article has a sidecar next to it.
    pub has_sidecar: bool,
}

/// Why a path argument means no article.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// The path does not exist.
    #[error("{}: no such file or folder", .0.display())]
    Missing(PathBuf),
    /// A sidecar whose article is gone.
    #[error("{}: a sidecar whose article {} is missing", .0.display(), .1.display())]
    SidecarWithoutArticle(PathBuf, PathBuf),
}

/// The articles `paths` mean, in argument order (each folder's articles sorted by path),
/// without duplicates: a folder means the articles below it, a sidecar its article, any other
/// file itself. A sidecar whose article is missing, given or found in a folder, is an error
/// in its place. `progress` is called with the number of files found so far while folders are
/// scanned. A path that means nothing is an error naming it; the caller decides whether to
/// stop or go on, so every problem is reported with its file.
pub fn collect(
    paths: &[PathBuf],
    progress: &mut dyn FnMut(usize),
) -> Vec<Result<CorpusItem, CorpusError>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut found = 0usize;
    for root in paths {
        if root.is_dir() {
            let mut here = Vec::new();
            walk(root, &mut here, &mut |n| progress(found + n));
            here.sort();
            for path in here {
                if is_listed_article(&path) {
                    found += 1;
                    if seen.insert(path.clone()) {
                        out.push(Ok(item(root, true, path)));
                    }
                } else if let Some(article) = article_path_of_sidecar(&path)
                    && !article.exists()
                {
                    // Annotations whose article is gone are a problem to report, in place.
                    out.push(Err(CorpusError::SidecarWithoutArticle(path, article)));
                }
            }
        } else if !root.exists() {
            out.push(Err(CorpusError::Missing(root.clone())));
        } else {
            let article = article_path_of_sidecar(root).unwrap_or_else(|| root.clone());
            if !article.exists() {
                out.push(Err(CorpusError::SidecarWithoutArticle(
                    root.clone(),
                    article,
                )));
            } else if seen.insert(article.clone()) {
                found += 1;
                out.push(Ok(item(root, false, article)));
            }
        }
    }
    progress(found);
    out
}

fn item(root: &Path, root_is_dir: bool, article: PathBuf) -> CorpusItem {
    let relative = if root_is_dir {
        article
            .strip_prefix(root)
            .unwrap_or(&article)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    } else {
        article
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let has_sidecar = sidecar_path(&article).exists();
    CorpusItem {
        article,
        root: root.to_path_buf(),
        relative,
        has_sidecar,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_articles_only() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "a.txt",
            "b.md",
            "c.markdown",
            "README.md",
            "x.json",
            "a.txt.annotations.json",
            ".hidden.txt",
            "tagline.scheme.json",
        ] {
            std::fs::write(d.join(f), "x").unwrap();
        }
        std::fs::create_dir_all(d.join("sub")).unwrap();
        std::fs::create_dir_all(d.join(".git")).unwrap();
        std::fs::write(d.join("sub/z.TXT"), "x").unwrap();
        std::fs::write(d.join(".git/y.txt"), "x").unwrap();
        let names: Vec<_> = articles(d)
            .iter()
            .map(|p| p.strip_prefix(d).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.txt", "b.md", "c.markdown", "sub/z.TXT"]);
        assert_eq!(scan(d).len(), 5);
    }

    #[test]
    fn collect_mixes_folders_sidecars_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("f/sub")).unwrap();
        for f in ["f/a.txt", "f/sub/b.md", "c.txt", "c.txt.annotations.json"] {
            std::fs::write(d.join(f), "x").unwrap();
        }
        std::fs::write(d.join("f/sub/gone.txt.annotations.json"), "{}").unwrap();
        let paths = [
            d.join("f"),
            d.join("c.txt.annotations.json"),
            d.join("c.txt"),
            d.join("gone.txt"),
        ];
        let mut last = 0;
        let got = collect(&paths, &mut |n| last = n);
        assert_eq!(last, 3);
        let ok: Vec<_> = got.iter().filter_map(|r| r.as_ref().ok()).collect();
        let rel: Vec<_> = ok.iter().map(|i| i.relative.as_str()).collect();
        assert_eq!(rel, ["a.txt", "sub/b.md", "c.txt"]);
        assert!(ok[2].has_sidecar && !ok[0].has_sidecar);
        assert!(matches!(got.last(), Some(Err(CorpusError::Missing(_)))));
        assert!(
            matches!(&got[2], Err(CorpusError::SidecarWithoutArticle(s, _)) if s.ends_with("gone.txt.annotations.json")),
            "{got:?}"
        );
    }
}
