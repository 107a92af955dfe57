//! Validation of sidecars against their article and scheme.
//!
//! Errors make a sidecar invalid (offsets outside the text, `text` that does not match,
//! duplicate ids, dangling relations, a changed article, orphans, unreadable files); unknown
//! tags and attributes are warnings: they are kept, never dropped.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::core::article::{Article, LoadOptions};
use crate::core::corpus;
use crate::core::document::check_value;
use crate::core::model::Status;
use crate::core::scheme::Scheme;
use crate::core::sidecar::{SidecarData, article_path_of_sidecar, is_sidecar_path, sidecar_path};

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The sidecar is not valid.
    Error,
    /// Worth knowing; the sidecar is still valid.
    Warning,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    /// How bad.
    pub severity: Severity,
    /// The annotation (or relation) it concerns, if any.
    pub annotation: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl Problem {
    fn error(annotation: Option<&str>, message: String) -> Self {
        Problem {
            severity: Severity::Error,
            annotation: annotation.map(str::to_owned),
            message,
        }
    }

    fn warning(annotation: Option<&str>, message: String) -> Self {
        Problem {
            severity: Severity::Warning,
            annotation: annotation.map(str::to_owned),
            message,
        }
    }
}

/// The findings for one file.
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    /// The sidecar (or article) checked.
    pub path: PathBuf,
    /// `true` when there is no error.
    pub ok: bool,
    /// Findings.
    pub problems: Vec<Problem>,
}

/// Checks sidecar content against its article and scheme.
pub fn validate_data(article: &Article, data: &SidecarData, scheme: &Scheme) -> Vec<Problem> {
    let mut out = Vec::new();
    let text = &article.text;
    let mut hash_note = None;
    if !article.decoded_as_recorded(data.article.encoding.as_deref()) {
        hash_note = Some(format!(
            "the article was read as {} but this sidecar was saved for it read as {}",
            article.encoding.label(),
            data.article.encoding.as_deref().unwrap_or("utf-8")
        ));
    } else if data.article.sha256 != article.sha256 {
        hash_note = Some(format!(
            "the article changed since this sidecar was saved (sha256 {} recorded, {} now)",
            short(&data.article.sha256),
            short(&article.sha256)
        ));
    }
    let expected_file = article.file_name();
    if data.article.file != expected_file {
        out.push(Problem::warning(
            None,
            format!(
                "article.file is \"{}\" but the article is \"{expected_file}\"",
                data.article.file
            ),
        ));
    }
    let mut ids = HashSet::new();
    let mut misplaced = false;
    for a in &data.annotations {
        let id = Some(a.id.as_str());
        if a.id.is_empty() {
            out.push(Problem::error(
                None,
                format!("an annotation at {} has an empty id", a.range),
            ));
        } else if !ids.insert(a.id.as_str()) {
            out.push(Problem::error(
                id,
                format!("id `{}` is used more than once", a.id),
            ));
        }
        if a.status == Some(Status::Orphaned) {
            out.push(Problem::error(
                id,
                format!(
                    "orphaned: its text \"{}\" is no longer in the article",
                    ellipsis(&a.text)
                ),
            ));
        } else if a.range.start >= a.range.end {
            out.push(Problem::error(
                id,
                format!("span {} is empty or reversed", a.range),
            ));
        } else {
            match text.slice(a.range) {
                None => {
                    misplaced = true;
                    out.push(Problem::error(
                        id,
                        format!(
                            "span {} is outside the text (which has {} chars)",
                            a.range,
                            text.len_chars()
                        ),
                    ));
                }
                Some(covered) if covered != a.text => {
                    misplaced = true;
                    out.push(Problem::error(
                        id,
                        format!(
                            "span {} covers \"{}\" but the annotation's text is \"{}\"",
                            a.range,
                            ellipsis(covered),
                            ellipsis(&a.text)
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        if let Some(r) = a.review.as_ref().filter(|_| !a.is_orphaned()) {
            let was = r
                .was
                .as_deref()
                .map(|w| format!(" (was \"{}\")", ellipsis(w)))
                .unwrap_or_default();
            out.push(Problem::warning(
                id,
                format!("needs review ({}){was}", r.reason.as_str()),
            ));
        }
        match scheme.tag(&a.tag) {
            None => out.push(Problem::warning(
                id,
                format!("tag `{}` is not in scheme {}", a.tag, scheme.reference()),
            )),
            Some(def) => {
                for (name, value) in &a.attributes {
                    match def.attribute(name) {
                        None => out.push(Problem::warning(
                            id,
                            format!("tag `{}` has no attribute `{name}` in the scheme", a.tag),
                        )),
                        Some(ad) => {
                            if let Err(m) = check_value(ad.kind, &ad.values, value) {
                                out.push(Problem::warning(id, format!("attribute `{name}`: {m}")));
                            }
                        }
                    }
                }
            }
        }
    }
    let tags: std::collections::HashMap<&str, &str> = data
        .annotations
        .iter()
        .map(|a| (a.id.as_str(), a.tag.as_str()))
        .collect();
    let mut rel_ids = HashSet::new();
    for r in &data.relations {
        let id = Some(r.id.as_str());
        if !rel_ids.insert(r.id.as_str()) || ids.contains(r.id.as_str()) {
            out.push(Problem::error(
                id,
                format!("relation id `{}` is used more than once", r.id),
            ));
        }
        for end in [&r.from, &r.to] {
            if !ids.contains(end.as_str()) {
                out.push(Problem::error(
                    id,
                    format!(
                        "relation `{}` points at annotation `{end}`, which does not exist",
                        r.kind
                    ),
                ));
            }
        }
        match scheme.relation(&r.kind) {
            None => out.push(Problem::warning(
                id,
                format!(
                    "relation type `{}` is not in scheme {}",
                    r.kind,
                    scheme.reference()
                ),
            )),
            Some(def) => {
                let tag_of = |end: &str| tags.get(end).copied();
                if let (Some(ft), Some(tt)) = (tag_of(&r.from), tag_of(&r.to))
                    && !def.allows(ft, tt)
                {
                    out.push(Problem::warning(
                        id,
                        format!(
                            "relation `{}` is not meant to go from a {ft} to a {tt} in scheme {}",
                            r.kind,
                            scheme.reference()
                        ),
                    ));
                }
            }
        }
    }
    for (name, value) in &data.labels {
        match scheme.label(name) {
            None => out.push(Problem::warning(
                None,
                format!("document label `{name}` is not in the scheme"),
            )),
            Some(def) => {
                if let Err(m) = check_value(def.kind, &def.values, value) {
                    out.push(Problem::warning(None, format!("label `{name}`: {m}")));
                }
            }
        }
    }
    if let Some(note) = hash_note {
        if misplaced {
            out.insert(
                0,
                Problem::error(
                    None,
                    format!("{note}; run `tagline reanchor` to move annotations to their text"),
                ),
            );
        } else {
            out.insert(
                0,
                Problem::warning(
                    None,
                    format!("{note}; every annotation still holds its text"),
                ),
            );
        }
    }
    out
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

fn ellipsis(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_owned()
    } else {
        let head: String = s.chars().take(57).collect();
        format!("{head}…")
    }
}

/// Validates one path: an article (its sidecar, if any) or a sidecar (with its article).
pub fn validate_file(path: &Path, options: &LoadOptions) -> FileReport {
    let (article_path, sidecar) = if is_sidecar_path(path) {
        (
            article_path_of_sidecar(path).unwrap_or_default(),
            path.to_owned(),
        )
    } else {
        (path.to_owned(), sidecar_path(path))
    };
    let mut problems = Vec::new();
    let report = |problems: Vec<Problem>| FileReport {
        path: sidecar.clone(),
        ok: !problems.iter().any(|p| p.severity == Severity::Error),
        problems,
    };
    if !sidecar.exists() {
        if !article_path.exists() {
            problems.push(Problem::error(
                None,
                format!("{}: no such file", path.display()),
            ));
        } else if let Err(e) = Article::load(&article_path, options) {
            // No annotations to be wrong, but an article Tagline cannot open (not a regular
            // file, undecodable, too large) is not "ok".
            problems.push(Problem::error(None, e.to_string()));
        }
        // An article without a sidecar has nothing else to be wrong.
        return FileReport {
            path: path.to_owned(),
            ..report(problems)
        };
    }
    let data = match SidecarData::read(&sidecar) {
        Ok((d, _)) => d,
        Err(e) => {
            problems.push(Problem::error(None, e.to_string()));
            return report(problems);
        }
    };
    let article = match Article::load(&article_path, options)
        .and_then(|a| a.with_recorded_encoding(data.article.encoding.as_deref(), options))
    {
        Ok(a) => a,
        Err(e) => {
            problems.push(Problem::error(
                None,
                format!("cannot check against the article: {e}"),
            ));
            return report(problems);
        }
    };
    let scheme = match Scheme::for_article(&article_path) {
        Ok((s, _)) => s,
        Err(e) => {
            problems.push(Problem::error(None, e.to_string()));
            return report(problems);
        }
    };
    problems.extend(validate_data(&article, &data, &scheme));
    report(problems)
}

/// Validates files and folders (recursively), as [`corpus::collect`] finds them: each article
/// with a sidecar, each sidecar whose article is gone, and each file named (a missing one is
/// reported). `progress` gets the number of articles found so far while folders are walked.
/// Calls `each` as every file is done, so callers can stream results with flat memory.
pub fn validate_paths(
    paths: &[PathBuf],
    options: &LoadOptions,
    progress: &mut dyn FnMut(usize),
    mut each: impl FnMut(FileReport),
) {
    for found in corpus::collect(paths, progress) {
        match found {
            // A file named is reported even without a sidecar (it is fine then).
            Ok(item) if !item.root.is_dir() => each(validate_file(&item.root, options)),
            Ok(item) if item.has_sidecar => each(validate_file(&item.article, options)),
            Ok(_) => {}
            Err(corpus::CorpusError::Missing(path)) => each(validate_file(&path, options)),
            Err(corpus::CorpusError::SidecarWithoutArticle(sidecar, _)) => {
                each(validate_file(&sidecar, options))
            }
        }
    }
}
