//! Folders of articles: finding the articles (and sidecars) below a folder.

use std::path::{Path, PathBuf};

use super::article::has_article_extension;
use super::scheme::FOLDER_SCHEME_FILE;
use super::sidecar::is_sidecar_path;

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
}
