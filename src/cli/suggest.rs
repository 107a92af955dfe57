//! `tagline suggest PATH... [--json] [--dry-run]`: the built-in quote suggester over a corpus.
//!
//! For every article the one walker finds, [`crate::analysis::suggest::suggest`] proposes
//! quotes, sources and links; [`crate::analysis::suggest::plan_suggestions`] turns what the
//! sidecar does not have yet (the same span and tag, suggested or not, is never added twice)
//! into one edit of suggestions, applied through the core's edit path and saved atomically
//! under the sidecar's write lock, taken before the read. Exit codes: 0 done; 1 when an
//! article or its sidecar could not be read (skipped, left untouched); 2 when a path is not
//! there or a save failed (the others are still done).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::analysis::suggest::{PlanSummary, plan_suggestions, suggest};
use crate::core::corpus::collect;
use crate::core::{Document, LoadOptions, SystemStamps};

use super::edit::annotator_name;
use super::{Fail, Out, io, progress_bar};

/// Arguments of `tagline suggest`.
#[derive(Args, Debug)]
pub struct SuggestArgs {
    /// Articles, sidecars or folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print one JSON document: each article's counts and suggestions, and the totals.
    #[arg(long)]
    pub json: bool,
    /// Say what would be suggested without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Who the suggestions are recorded for (default: the settings' annotator name).
    #[arg(long)]
    pub annotator: Option<String>,
}

/// One article's outcome.
struct Done {
    relative: String,
    summary: PlanSummary,
    quotes: usize,
    sources: usize,
    /// `(tag, start, end, text)` of what was (or would be) added.
    added: Vec<(String, usize, usize, String)>,
}

/// Runs `tagline suggest`.
pub(super) fn run(args: SuggestArgs, options: &LoadOptions) -> Result<u8, Fail> {
    let annotator = annotator_name(args.annotator.clone());
    let items = collect(&args.paths, &mut |_| {});
    let bar = progress_bar(items.len() as u64, "suggesting");
    let mut failed = false;
    let mut skipped = false;
    let mut done: Vec<Done> = Vec::new();
    for found in items {
        bar.inc(1);
        let item = match found {
            Ok(item) => item,
            Err(e) => {
                bar.suspend(|| eprintln!("tagline: {e}"));
                match e {
                    crate::core::corpus::CorpusError::Missing(_) => failed = true,
                    crate::core::corpus::CorpusError::SidecarWithoutArticle(..) => skipped = true,
                }
                continue;
            }
        };
        match one(&item.article, &item.relative, &args, &annotator, options) {
            Ok(Ok(d)) => done.push(d),
            Ok(Err(message)) => {
                bar.suspend(|| eprintln!("tagline: {message}"));
                skipped = true;
            }
            Err(Fail(message)) => {
                bar.suspend(|| eprintln!("tagline: {message}"));
                failed = true;
            }
        }
    }
    bar.finish_and_clear();

    let mut total = PlanSummary::default();
    for d in &done {
        total.added += d.summary.added;
        total.skipped += d.summary.skipped;
        total.links += d.summary.links;
    }
    let mut out = Out::stdout();
    if args.json {
        let articles: Vec<_> = done
            .iter()
            .map(|d| {
                json!({
                    "article": d.relative,
                    "quotes": d.quotes,
                    "sources": d.sources,
                    "added": d.summary.added,
                    "links": d.summary.links,
                    "skipped": d.summary.skipped,
                    "suggestions": d.added.iter().map(|(tag, start, end, text)| json!({
                        "tag": tag, "start": start, "end": end, "text": text,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let v = json!({
            "dry_run": args.dry_run,
            "articles": articles,
            "total": {
                "articles": done.len(),
                "added": total.added,
                "links": total.links,
                "skipped": total.skipped,
            },
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        let verb = if args.dry_run { "would add" } else { "added" };
        for d in &done {
            writeln!(
                out,
                "{}: {verb} {} suggestion(s) ({} quote(s), {} source(s)) and {} link(s); {} already annotated",
                d.relative,
                d.summary.added,
                d.quotes,
                d.sources,
                d.summary.links,
                d.summary.skipped
            )?;
        }
        writeln!(
            out,
            "{} article(s): {verb} {} suggestion(s) and {} link(s); {} already annotated",
            done.len(),
            total.added,
            total.links,
            total.skipped
        )?;
    }
    Ok(if failed {
        2
    } else if skipped {
        1
    } else {
        0
    })
}

/// Suggests for one article and saves, holding its sidecar's write lock from before the read.
/// `Ok(Err(why))`: the article or its sidecar could not be read, nothing was written.
fn one(
    article: &std::path::Path,
    relative: &str,
    args: &SuggestArgs,
    annotator: &str,
    options: &LoadOptions,
) -> Result<Result<Done, String>, Fail> {
    let name = article.display();
    let lock = if args.dry_run {
        None
    } else {
        Some(crate::core::store::lock_for_write(
            &crate::core::sidecar::sidecar_path(article),
            io::lock_wait(),
        )?)
    };
    let (mut doc, report) = match Document::open(article, options) {
        Ok(x) => x,
        Err(e) => return Ok(Err(format!("{e}; skipped"))),
    };
    if let Some(problem) = &report.sidecar_problem {
        return Ok(Err(format!("{problem}; left untouched")));
    }
    let proposals = suggest(&doc.article.text, &doc.scheme);
    let (edit, summary) = plan_suggestions(&doc, &proposals, annotator, &mut SystemStamps)
        .map_err(|e| Fail(format!("{name}: {e}")))?;
    let mut added = Vec::new();
    let (mut quotes, mut sources) = (0, 0);
    if let Some(crate::core::Edit::Batch(edits)) = &edit {
        for e in edits {
            if let crate::core::Edit::AddAnnotation(a) = e {
                match a.tag.as_str() {
                    crate::analysis::suggest::QUOTE_TAG => quotes += 1,
                    crate::analysis::suggest::SOURCING_TAG => sources += 1,
                    _ => {}
                }
                added.push((a.tag.clone(), a.range.start, a.range.end, a.text.clone()));
            }
        }
    }
    if let (Some(edit), Some(lock)) = (edit, &lock) {
        doc.apply(edit).map_err(|e| Fail(format!("{name}: {e}")))?;
        doc.save_locked(lock)?;
    }
    Ok(Ok(Done {
        relative: relative.to_owned(),
        summary,
        quotes,
        sources,
        added,
    }))
}
