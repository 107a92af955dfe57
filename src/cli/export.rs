//! `tagline export`: annotations out as training data and into other tools' formats.
//!
//! Walks the corpus with [`crate::core::corpus::collect`], opens one document at a time
//! (flat memory), feeds it to [`crate::formats::export_all`], and writes into an
//! [`Output`] that only appears when complete. Spans a format cannot hold are reported on
//! stderr with file, id and text; the summary at the end counts every loss. Exit codes: 0
//! done, nothing lost; 1 done with losses or skipped articles; 2 usage, input or I/O error.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::core::corpus::{CorpusItem, collect};
use crate::core::{Document, LoadOptions, Output};
use crate::formats::{ExportOptions, Format, Layout, Summary, export_all};

/// Arguments of `tagline export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The format: jsonl, spacy, conll, csv, brat, label-studio, inception, w3c.
    #[arg(long, value_parser = Format::ALL.map(Format::name))]
    pub format: String,
    /// Articles, sidecars or folders, in any mix.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The output: a file for single-file formats (`-` is stdout), a folder for brat,
    /// label-studio, inception and `conll --layers`.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,
    /// Export suggested annotations too (left out by default).
    #[arg(long)]
    pub include_suggested: bool,
    /// CoNLL: IOB1 tags (for INCEpTION and the original CoNLL-2003 corpus) instead of IOB2.
    #[arg(long)]
    pub iob1: bool,
    /// CoNLL: one file per tag, so that overlapping spans of different tags all survive.
    #[arg(long)]
    pub layers: bool,
    /// CSV: add a BOM and CRLF line ends, for spreadsheets.
    #[arg(long)]
    pub excel: bool,
    /// Replace an existing output file, or a non-empty output folder.
    #[arg(long)]
    pub force: bool,
}

/// Runs `tagline export`; returns the exit code.
pub fn run(args: ExportArgs, options: &LoadOptions) -> u8 {
    match export(args, options) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("tagline: {message}");
            2
        }
    }
}

/// Opens the document of `item`, reporting on stderr why it cannot be exported.
fn open(item: &CorpusItem, options: &LoadOptions) -> Result<Document, String> {
    let (doc, report) = Document::open(&item.article, options).map_err(|e| e.to_string())?;
    if let Some(problem) = report.sidecar_problem {
        return Err(format!("{problem}; skipped"));
    }
    Ok(doc)
}

fn export(args: ExportArgs, options: &LoadOptions) -> Result<u8, String> {
    let format = Format::from_name(&args.format)
        .ok_or_else(|| format!("--format {}: unknown format", args.format))?;
    let export_options = ExportOptions {
        include_suggested: args.include_suggested,
        iob1: args.iob1,
        layers: args.layers,
        excel: args.excel,
    };
    let layout = format.layout(&export_options);
    let items = collect(&args.paths, &mut |_| {});
    let mut corpus = Vec::with_capacity(items.len());
    for item in items {
        corpus.push(item.map_err(|e| e.to_string())?);
    }
    let stdout = args.output == Path::new("-");
    if !stdout {
        let writes_articles = format == Format::Brat
            || (layout == Layout::File && crate::core::corpus::is_listed_article(&args.output));
        if writes_articles {
            refuse_inside(&args.paths, &args.output)?;
        }
    }
    let mut output = match (layout, stdout) {
        (Layout::Folder, true) => {
            return Err(format!(
                "--format {}{} writes a folder: give -o FOLDER, not -",
                format.name(),
                if args.layers { " --layers" } else { "" }
            ));
        }
        (Layout::File, true) => Output::stdout(),
        (Layout::File, false) => {
            Output::file(&args.output, args.force).map_err(|e| e.to_string())?
        }
        (Layout::Folder, false) => {
            Output::folder(&args.output, args.force).map_err(|e| e.to_string())?
        }
    };
    let bar = super::progress_bar(corpus.len() as u64, "exporting");
    let mut skipped = 0usize;
    let docs = corpus.iter().filter_map(|item| match open(item, options) {
        Ok(doc) => Some((doc, item.relative.clone())),
        Err(e) => {
            bar.suspend(|| eprintln!("tagline: {e}"));
            skipped += 1;
            bar.inc(1);
            None
        }
    });
    let files: std::collections::HashMap<&str, &Path> = corpus
        .iter()
        .map(|i| (i.relative.as_str(), i.article.as_path()))
        .collect();
    let mut progress = |relative: &str, losses: &[crate::formats::Loss]| {
        if !losses.is_empty() {
            let file = files.get(relative).copied().unwrap_or(Path::new(relative));
            bar.suspend(|| {
                for l in losses {
                    eprintln!(
                        "tagline: {}: {} {}: “{}”",
                        file.display(),
                        l.what,
                        l.id,
                        one_line(&l.text)
                    );
                }
            });
        }
        bar.inc(1);
        true
    };
    let summary = export_all(format, export_options, docs, &mut output, &mut progress)
        .map_err(|e| format!("{}: {e}", args.output.display()))?;
    bar.finish_and_clear();
    let Some(summary) = summary else {
        return Err("export cancelled".into());
    };
    output.commit().map_err(|e| e.to_string())?;
    print_summary(&summary, skipped, &args.output, stdout);
    Ok(if summary.has_losses() || skipped > 0 {
        1
    } else {
        0
    })
}

/// Refuses an output that holds article files (brat's `NAME.txt` copies, or a file named like
/// an article) inside a folder being exported: every later run over that folder (export,
/// stats, agree, the window) would read the copies as more articles.
fn refuse_inside(paths: &[PathBuf], output: &Path) -> Result<(), String> {
    let out = resolved(output);
    for folder in paths.iter().filter(|p| p.is_dir()) {
        if out.starts_with(resolved(folder)) {
            return Err(format!(
                "{}: is inside {}, which is being exported: the article copies written there would be read as more articles next time; write it outside that folder",
                output.display(),
                folder.display()
            ));
        }
    }
    Ok(())
}

/// `path` made absolute with links resolved, also when its last components do not exist yet.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut missing = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return missing.iter().rev().fold(real, |p, name| p.join(name));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

fn print_summary(summary: &Summary, skipped: usize, output: &Path, stdout: bool) {
    let mut lines = summary.lines();
    if !stdout {
        lines[0] = format!("{} to {}", lines[0], output.display());
    }
    if skipped > 0 {
        lines.push(format!(
            "skipped: {skipped} article(s) that could not be read"
        ));
    }
    for l in lines {
        eprintln!("tagline: {l}");
    }
}

fn one_line(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out.replace('\r', "\\r").replace('\n', "\\n")
}
