//! `tagline import`: annotations in from other tools (doccano, Prodigy, Label Studio, brat) and
//! from our own `jsonl` export, into a folder of articles and sidecars.
//!
//! Reads the inputs, hands their text to a [`crate::formats::ImportFormat`] importer, and for
//! each record finds its article in `--into FOLDER` (by name, else by identical text) or
//! writes it there (never replacing a file), then imports the record's annotations through
//! the core's one edit path ([`crate::core::Document::import_with`], one undo step) and saves under the
//! sidecar's write lock, as the edit commands do. Every record or item that is not imported
//! is reported on stderr as `tagline: INPUT:LINE: what and why`. Exit codes: 0 done; 1 done,
//! with records or items not imported; 2 usage, input or I/O error (nothing was written).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;

use crate::core::intake::{FolderTexts, import_into_article, place_article};
use crate::core::store::read_regular;
use crate::core::{EditError, ImportBatch, ImportItem, ImportSkip, LoadOptions, SystemStamps};
use crate::formats::{ImportFormat, ImportOptions, Input, Problem, Record};

use super::edit::annotator_name;
use super::{Fail, Out, io};

/// Arguments of `tagline import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The format: jsonl (ours, doccano, Prodigy), label-studio, brat.
    #[arg(long, value_parser = ImportFormat::ALL.map(ImportFormat::name))]
    pub format: String,
    /// Input files, or folders of them (brat: folders of .txt and .ann pairs).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// The folder of articles to import into (created when missing).
    #[arg(long, value_name = "FOLDER")]
    pub into: PathBuf,
    /// Import the annotations as suggestions to review (`status: suggested`).
    #[arg(long)]
    pub as_suggestions: bool,
    /// The model that made them, recorded in each annotation's `origin`.
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// Use tag (or relation type) TAG for the input's label SRC; repeatable.
    #[arg(long = "map", value_name = "SRC=TAG")]
    pub map: Vec<String>,
    /// Who is importing: the annotator of annotations the input names none for (default: the
    /// settings' annotator name).
    #[arg(long)]
    pub annotator: Option<String>,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Counts for the summary.
#[derive(Default)]
struct Tally {
    new_articles: usize,
    articles: std::collections::BTreeSet<PathBuf>,
    spans: usize,
    relations: usize,
    labels: usize,
    duplicates: usize,
    renamed: usize,
    problems: Vec<Problem>,
}

/// Runs `tagline import`; returns the exit code.
pub(super) fn run(args: ImportArgs, options: &LoadOptions) -> Result<u8, Fail> {
    let format = ImportFormat::from_name(&args.format)
        .ok_or_else(|| Fail(format!("--format {}: unknown format", args.format)))?;
    let mut opts = ImportOptions {
        as_suggestions: args.as_suggestions,
        model: args.model.clone(),
        ..ImportOptions::default()
    };
    for m in &args.map {
        let (from, to) = m
            .split_once('=')
            .filter(|(a, b)| !a.is_empty() && !b.is_empty())
            .ok_or_else(|| Fail(format!("--map {m}: expected SRC=TAG")))?;
        opts.map.insert(from.to_owned(), to.to_owned());
    }
    // Read every input before writing anything: a missing or unreadable one stops the import.
    let files = input_files(format, &args.inputs)?;
    let mut texts = Vec::with_capacity(files.len());
    for (path, relative) in &files {
        let bytes = read_regular(path, options.max_bytes)
            .map_err(|e| Fail(format!("{}: {e}", path.display())))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Fail(format!("{}: not UTF-8 text", path.display())))?;
        texts.push((path.display().to_string(), relative.clone(), text));
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
    let into = &args.into;
    if into.exists() && !into.is_dir() {
        return Err(Fail(format!("{}: is not a folder", into.display())));
    }
    // Made only when something is to be imported: a run that reads no record leaves no
    // empty folder behind.
    if !parsed.records.is_empty() {
        std::fs::create_dir_all(into).map_err(|e| Fail(format!("{}: {e}", into.display())))?;
    }
    let mut tally = Tally::default();
    for p in parsed.problems {
        report(&p);
        tally.problems.push(p);
    }
    let mut texts = FolderTexts::of_folder(into, options);
    let annotator = annotator_name(args.annotator.clone());
    let run = Run {
        into,
        opts: &opts,
        annotator: &annotator,
        options,
    };
    let bar = super::progress_bar(parsed.records.len() as u64, "importing");
    for record in parsed.records {
        let mut problems = Vec::new();
        import_record(record, &run, &mut texts, &mut tally, &mut problems);
        bar.suspend(|| problems.iter().for_each(report));
        tally.problems.extend(problems);
        bar.inc(1);
    }
    bar.finish_and_clear();
    print_summary(&tally, into, args.json)?;
    Ok(if tally.problems.is_empty() { 0 } else { 1 })
}

fn report(p: &Problem) {
    match p.line {
        0 => eprintln!("tagline: {}: {}", p.input, p.message),
        n => eprintln!("tagline: {}:{n}: {}", p.input, p.message),
    }
}

/// The input files the arguments mean, with their paths relative to the argument: a file
/// itself; a folder, the files below it with the format's endings, sorted (brat: every
/// article `.txt` the corpus walker finds, with its `.ann` when there is one).
fn input_files(format: ImportFormat, args: &[PathBuf]) -> Result<Vec<(PathBuf, String)>, Fail> {
    let mut out = Vec::new();
    for arg in args {
        if !arg.exists() {
            return Err(Fail(format!("{}: no such file or folder", arg.display())));
        }
        if !arg.is_dir() {
            let name = arg
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((arg.clone(), name));
            continue;
        }
        if format == ImportFormat::Brat {
            for item in crate::core::corpus::collect(std::slice::from_ref(arg), &mut |_| {}) {
                let item = item.map_err(|e| Fail(e.to_string()))?;
                if item.article.extension().is_some_and(|e| e == "txt") {
                    let ann = item.article.with_extension("ann");
                    let ann_rel = format!("{}.ann", item.relative.trim_end_matches(".txt"));
                    out.push((item.article, item.relative));
                    if ann.is_file() {
                        out.push((ann, ann_rel));
                    }
                }
            }
            continue;
        }
        // A folder of JSON files: those directly in it (sidecars and schemes are not inputs).
        let mut here: Vec<PathBuf> = std::fs::read_dir(arg)
            .map_err(|e| Fail(format!("{}: {e}", arg.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                p.is_file()
                    && !name.starts_with('.')
                    && !crate::core::sidecar::is_sidecar_path(p)
                    && name != crate::core::scheme::FOLDER_SCHEME_FILE
                    && p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| format.extensions().contains(&e))
            })
            .collect();
        here.sort();
        for p in here {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((p, name));
        }
    }
    Ok(out)
}

/// What every record of one run is imported with.
struct Run<'a> {
    into: &'a Path,
    opts: &'a ImportOptions,
    annotator: &'a str,
    options: &'a LoadOptions,
}

fn import_record(
    mut record: Record,
    run: &Run<'_>,
    texts: &mut FolderTexts,
    tally: &mut Tally,
    problems: &mut Vec<Problem>,
) {
    let Run {
        into,
        opts,
        annotator,
        options,
    } = *run;
    let input = record.input.clone();
    let problem = |line: usize, message: String| Problem {
        input: input.clone(),
        line,
        message,
    };
    let article = match place_article(into, &record.file, &record.text, texts, options) {
        Ok((a, new)) => {
            tally.new_articles += usize::from(new);
            a
        }
        Err(e) => {
            problems.push(problem(record.line, e.to_string()));
            return;
        }
    };
    let mut batch = std::mem::take(&mut record.batch);
    let mut described = HashMap::new();
    let imported = import_into_article(
        &article,
        &record.text,
        options,
        io::lock_wait(),
        annotator,
        &mut SystemStamps,
        |doc| {
            opts.prepare(&mut batch, &doc.scheme);
            described = describe_items(&batch);
            batch
        },
    );
    let (outcome, doc) = match imported {
        Ok(x) => x,
        Err(e) => {
            problems.push(problem(record.line, e.to_string()));
            return;
        }
    };
    tally.articles.insert(article.clone());
    tally.spans += outcome.spans;
    tally.relations += outcome.relations;
    tally.labels += outcome.labels;
    tally.renamed += outcome.renamed.len();
    for (item, skip) in outcome.skipped {
        if skip.is_duplicate() {
            tally.duplicates += 1;
            continue;
        }
        let line = match item {
            ImportItem::Span(i) => record.span_lines.get(i).copied(),
            ImportItem::Relation(i) => record.relation_lines.get(i).copied(),
            ImportItem::Label(_) => None,
        }
        .unwrap_or(record.line);
        let what = described.get(&item).cloned().unwrap_or_default();
        let why = match &skip {
            ImportSkip::Refused(EditError::UnknownTag { tag, .. }) => {
                format!("{skip} (map it with --map {tag}=TAG)")
            }
            ImportSkip::Refused(EditError::UnknownRelation { kind, .. }) => {
                format!("{skip} (map it with --map {kind}=TYPE)")
            }
            ImportSkip::UnknownLabel => format!("{skip} (scheme {})", doc.scheme.reference()),
            _ => skip.to_string(),
        };
        problems.push(problem(line, format!("{what} not imported: {why}")));
    }
}

/// Words naming each item of a batch, for reports: `span quote 12:40 “text”`.
fn describe_items(batch: &ImportBatch) -> HashMap<ImportItem, String> {
    let mut out = HashMap::new();
    for (i, s) in batch.spans.iter().enumerate() {
        let origin = s
            .origin
            .as_ref()
            .and_then(|o| o.record.clone())
            .filter(|r| !r.starts_with("line ") && !r.starts_with("task "))
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        out.insert(
            ImportItem::Span(i),
            format!("span {} {}{origin}", s.tag, s.range),
        );
    }
    for (i, r) in batch.relations.iter().enumerate() {
        out.insert(
            ImportItem::Relation(i),
            format!("relation {} {} → {}", r.kind, r.from, r.to),
        );
    }
    for name in batch.labels.keys() {
        out.insert(ImportItem::Label(name.clone()), format!("label `{name}`"));
    }
    out
}

fn print_summary(tally: &Tally, into: &Path, as_json: bool) -> Result<(), Fail> {
    if as_json {
        let problems: Vec<_> = tally
            .problems
            .iter()
            .map(|p| json!({"input": p.input, "line": p.line, "message": p.message}))
            .collect();
        let doc = json!({
            "into": into.display().to_string(),
            "articles": tally.articles.len(),
            "new_articles": tally.new_articles,
            "annotations": tally.spans,
            "relations": tally.relations,
            "labels": tally.labels,
            "already_there": tally.duplicates,
            "renamed_ids": tally.renamed,
            "problems": problems,
        });
        writeln!(Out::stdout(), "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(());
    }
    eprintln!(
        "tagline: imported {} annotation(s), {} relation(s), {} label(s) into {} article(s) ({} new) in {}",
        tally.spans,
        tally.relations,
        tally.labels,
        tally.articles.len(),
        tally.new_articles,
        into.display()
    );
    if tally.duplicates > 0 {
        eprintln!(
            "tagline: already there, not added again: {}",
            tally.duplicates
        );
    }
    if tally.renamed > 0 {
        eprintln!(
            "tagline: ids already taken, given fresh ones: {}",
            tally.renamed
        );
    }
    if !tally.problems.is_empty() {
        eprintln!(
            "tagline: not imported: {} record(s) or item(s) (listed above)",
            tally.problems.len()
        );
    }
    Ok(())
}
