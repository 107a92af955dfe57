//! File → Import…: another tool's annotations into the open folder, with the same importers
//! and intake as `tagline import` (`crate::formats` reads, `crate::core::intake` finds or
//! writes each article). The open article's share goes through its own edit path as one
//! import step (`Document::plan_import`, then `apply`), so Undo takes it back; other articles are imported on disk under
//! their sidecar's lock. The folder is listed again afterwards. Runs on the UI thread: imports
//! made from a menu are small (a large one belongs to `tagline import`, with its progress bar).

use std::path::{Path, PathBuf};

use crate::core::intake::{FolderTexts, import_into_article, place_article};
use crate::core::{ImportItem, SystemStamps};
use crate::formats::{ImportFormat, ImportOptions, Input};

use super::*;

/// The format a picked file is in, by its name: `.jsonl`/`.ndjson` ours, doccano or Prodigy;
/// `.json` a Label Studio export; `.ann`/`.txt` (or a folder) brat.
fn format_of(path: &Path) -> Option<ImportFormat> {
    if path.is_dir() {
        return Some(ImportFormat::Brat);
    }
    match path.extension()?.to_str()? {
        "jsonl" | "ndjson" => Some(ImportFormat::Jsonl),
        "json" => Some(ImportFormat::LabelStudio),
        "ann" | "txt" => Some(ImportFormat::Brat),
        _ => None,
    }
}

/// The files to read for `path`: itself; for brat, the `.txt` and `.ann` pair it belongs to,
/// or every pair in a folder. (path, name relative to what was picked).
fn files_of(path: &Path, format: ImportFormat) -> Vec<(PathBuf, String)> {
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    if format != ImportFormat::Brat {
        return vec![(path.to_owned(), name(path))];
    }
    let txts: Vec<PathBuf> = if path.is_dir() {
        crate::core::corpus::collect(&[path.to_owned()], &mut |_| {})
            .into_iter()
            .flatten()
            .map(|i| i.article)
            .filter(|a| a.extension().is_some_and(|e| e == "txt"))
            .collect()
    } else {
        vec![path.with_extension("txt")]
    };
    let root = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(Path::new(""))
    };
    let mut out = Vec::new();
    for txt in txts {
        for p in [txt.clone(), txt.with_extension("ann")] {
            if p.is_file() {
                let rel = p
                    .strip_prefix(root)
                    .unwrap_or(&p)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((p, rel));
            }
        }
    }
    out
}

impl TaglineApp {
    /// Imports the annotations of `path` into the open folder (or the open article's folder).
    pub(super) fn import_from(&mut self, path: &Path) {
        let folder = self.library.root.clone().or_else(|| {
            self.doc()
                .and_then(|d| d.article.path.parent().map(Path::to_owned))
        });
        let Some(folder) = folder else {
            self.notify(
                Level::Warning,
                "Open a folder first: File → Import… brings annotations into the open folder.",
                vec![],
            );
            return;
        };
        let Some(format) = format_of(path) else {
            self.notify(
                Level::Error,
                format!(
                    "{}: not a file Tagline imports (.jsonl, a Label Studio .json, brat .ann)",
                    path.display()
                ),
                vec![],
            );
            return;
        };
        let mut texts = Vec::new();
        for (p, relative) in files_of(path, format) {
            match crate::core::store::read_regular(&p, self.load_options.max_bytes)
                .map_err(|e| e.to_string())
                .and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8 text".to_owned()))
            {
                Ok(t) => texts.push((p.display().to_string(), relative, t)),
                Err(e) => {
                    self.notify(Level::Error, format!("{}: {e}", p.display()), vec![]);
                    return;
                }
            }
        }
        let inputs: Vec<Input<'_>> = texts
            .iter()
            .map(|(name, relative, text)| Input {
                name,
                relative,
                text,
            })
            .collect();
        let parsed = format.read(&inputs);
        let mut problems: Vec<String> = parsed
            .problems
            .iter()
            .map(|p| format!("{}:{}: {}", p.input, p.line, p.message))
            .collect();
        let opts = ImportOptions::default();
        let mut known = FolderTexts::of_folder(&folder, &self.load_options);
        let annotator = self.settings.annotator.clone();
        let (mut spans, mut relations, mut labels, mut articles) = (0usize, 0usize, 0usize, 0usize);
        for record in parsed.records {
            let where_ = format!("{}:{}", record.input, record.line);
            let article = match place_article(
                &folder,
                &record.file,
                &record.text,
                &mut known,
                &self.load_options,
            ) {
                Ok((a, _)) => a,
                Err(e) => {
                    problems.push(format!("{where_}: {e}"));
                    continue;
                }
            };
            articles += 1;
            let mut batch = record.batch;
            let open_here = self
                .open
                .as_ref()
                .is_some_and(|o| o.ready && o.doc.article.path == article);
            let outcome = if open_here {
                let Some(open) = &mut self.open else { continue };
                opts.prepare(&mut batch, &open.doc.scheme);
                let (edit, outcome) = open.doc.plan_import(batch, &annotator, &mut SystemStamps);
                if let Some(edit) = edit {
                    // The open article's share is one undo step, like any edit of it.
                    if let Err(e) = open.doc.apply(edit) {
                        problems.push(format!("{where_}: {e}"));
                        continue;
                    }
                    self.last_edit = Some(Instant::now());
                }
                outcome
            } else {
                match import_into_article(
                    &article,
                    &record.text,
                    &self.load_options,
                    crate::core::store::DEFAULT_LOCK_WAIT,
                    &annotator,
                    &mut SystemStamps,
                    |doc| {
                        opts.prepare(&mut batch, &doc.scheme);
                        batch
                    },
                ) {
                    Ok((outcome, _)) => outcome,
                    Err(e) => {
                        problems.push(format!("{where_}: {e}"));
                        continue;
                    }
                }
            };
            spans += outcome.spans;
            relations += outcome.relations;
            labels += outcome.labels;
            problems.extend(
                outcome
                    .skipped
                    .iter()
                    .filter(|(_, s)| !s.is_duplicate())
                    .map(|(item, s)| {
                        let what = match item {
                            ImportItem::Span(i) => format!("span {}", i + 1),
                            ImportItem::Relation(i) => format!("relation {}", i + 1),
                            ImportItem::Label(name) => format!("label `{name}`"),
                        };
                        format!("{where_}: {what} not imported: {s}")
                    }),
            );
        }
        self.refresh_summary();
        let mut message = format!(
            "Imported {spans} annotation(s), {relations} relation(s) and {labels} label(s) from {} into {} article(s) of {}.",
            path.display(),
            articles,
            folder.display()
        );
        if !problems.is_empty() {
            message.push_str(&format!(
                " Not imported: {} (first: {}). `tagline import` lists them all with their lines.",
                problems.len(),
                problems[0]
            ));
        }
        let level = if problems.is_empty() {
            Level::Info
        } else {
            Level::Warning
        };
        self.notify(level, message, vec![]);
        if self.library.root.as_ref() == Some(&folder) {
            self.open_folder(folder);
        }
    }
}
