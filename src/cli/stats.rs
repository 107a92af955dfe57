//! `tagline stats PATH... [--json | --csv]`: where a corpus stands and what it holds.
//!
//! Each article is opened as the window opens it (its folder's scheme, re-anchored when the
//! article changed), summarized by [`crate::analysis::stats::summarize_document`], and the
//! summaries are added up on every core. Articles without a sidecar count as not started.
//! Orphaned and suggested annotations are counted apart and nowhere else.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::Args;
use serde_json::{Value, json};

use crate::analysis::stats::{LengthSummary, Stats, Tally, summarize, summarize_document};
use crate::core::corpus::{CorpusItem, collect};
use crate::core::sidecar::{SidecarData, SidecarError, write_atomic};
use crate::core::{Article, Document, LoadOptions, OpenReport, Scheme};

use super::Fail;

/// Arguments of `tagline stats`.
#[derive(Args, Debug)]
pub struct StatsArgs {
    /// Articles, sidecars or folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print one JSON document.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print a CSV table, one figure a row: figure,tag,attribute,value,annotator,count.
    #[arg(long)]
    pub csv: bool,
    /// With --csv: add a BOM and CRLF line endings, for spreadsheets.
    #[arg(long, requires = "csv")]
    pub excel: bool,
    /// Write the output to this file instead of stdout (`-`: stdout).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// The statistics of the articles `paths` mean, with the problems met on the way (one line
/// each, naming the file). `progress(done, total)` is called as articles are read.
pub fn corpus_stats(
    paths: &[PathBuf],
    options: &LoadOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> (Stats, Vec<String>, bool) {
    let mut problems = Vec::new();
    let mut input_error = false;
    let mut items: Vec<CorpusItem> = Vec::new();
    for r in collect(paths, &mut |_| {}) {
        match r {
            Ok(item) => items.push(item),
            Err(e) => {
                input_error = true;
                problems.push(e.to_string());
            }
        }
    }
    let total = items.len();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(total.max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let found = Mutex::new(Vec::new());
    let mut stats = Stats::default();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Stats::default();
                    let mut schemes: HashMap<PathBuf, Scheme> = HashMap::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        match article_stats(item, options, &mut schemes) {
                            Ok(s) => mine.add(&s),
                            Err(e) => {
                                if let Ok(mut f) = found.lock() {
                                    f.push((i, e));
                                }
                            }
                        }
                        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if n.is_multiple_of(64) || n == total {
                            progress(n, total);
                        }
                    }
                    mine
                })
            })
            .collect();
        for h in handles {
            match h.join() {
                Ok(s) => stats.add(&s),
                Err(_) => problems.push("an internal error stopped one of the readers".into()),
            }
        }
    });
    // Problems in corpus order, whichever thread met them.
    let mut found = found.into_inner().unwrap_or_default();
    found.sort_by_key(|(i, _)| *i);
    problems.extend(found.into_iter().map(|(_, e)| e));
    (stats, problems, input_error)
}

/// One article's statistics, opened as the window opens it.
fn article_stats(
    item: &CorpusItem,
    options: &LoadOptions,
    schemes: &mut HashMap<PathBuf, Scheme>,
) -> Result<Stats, String> {
    let folder = item
        .article
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let scheme = match schemes.get(&folder) {
        Some(s) => s.clone(),
        None => {
            let (s, _) = Scheme::for_article(&item.article).map_err(|e| e.to_string())?;
            schemes.insert(folder, s.clone());
            s
        }
    };
    if !item.has_sidecar {
        return Ok(summarize(&[], 0, &Default::default(), &scheme));
    }
    let sidecar = crate::core::sidecar::sidecar_path(&item.article);
    let data = match SidecarData::read(&sidecar) {
        Ok((data, _)) => data,
        Err(SidecarError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(summarize(&[], 0, &Default::default(), &scheme));
        }
        Err(e) => return Err(format!("{e}; not counted")),
    };
    let article = Article::load(&item.article, options)
        .map_err(|e| format!("{}: {e}; not counted", item.article.display()))?;
    let mut doc = Document::new(article, scheme, None);
    doc.load_data(data, &mut OpenReport::default());
    Ok(summarize_document(&doc))
}

/// Runs `tagline stats`.
pub(super) fn stats(args: StatsArgs, options: &LoadOptions) -> Result<u8, Fail> {
    let bar = super::progress_bar(0, "counting");
    let (stats, problems, input_error) = corpus_stats(&args.paths, options, &|n, total| {
        bar.set_length(total as u64);
        bar.set_position(n as u64);
    });
    bar.finish_and_clear();
    for p in &problems {
        eprintln!("tagline: {p}");
    }
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&to_json(&stats, problems.len()))?;
        s.push('\n');
        s
    } else if args.csv {
        to_csv(&stats, args.excel)
    } else {
        to_table(&stats)
    };
    match args.output.as_deref() {
        Some(path) if path != Path::new("-") => write_atomic(path, text.as_bytes())?,
        _ => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(if input_error {
        2
    } else if problems.is_empty() {
        0
    } else {
        1
    })
}

fn tally_json(t: &Tally) -> Value {
    json!({
        "annotations": t.annotations,
        "articles": t.articles,
        "by_annotator": t.by_annotator,
    })
}

fn lengths_json(l: &LengthSummary) -> Value {
    json!({
        "spans": l.spans,
        "min": l.min,
        "median": l.median,
        "p90": l.p90,
        "max": l.max,
        "mean": (l.mean * 100.0).round() / 100.0,
        "buckets": l.buckets.iter().map(|b| json!({
            "min": b.min,
            "max": (b.max != usize::MAX).then_some(b.max),
            "count": b.count,
        })).collect::<Vec<_>>(),
    })
}

/// The `--json` document.
pub fn to_json(s: &Stats, skipped: usize) -> Value {
    let tags: serde_json::Map<String, Value> = s
        .tags
        .iter()
        .map(|(tag, t)| {
            let mut v = tally_json(t);
            let attrs: serde_json::Map<String, Value> = s
                .values
                .get(tag)
                .into_iter()
                .flatten()
                .map(|(attr, values)| {
                    let vs: serde_json::Map<String, Value> = values
                        .iter()
                        .map(|(k, t)| (k.clone(), tally_json(t)))
                        .collect();
                    (attr.clone(), Value::Object(vs))
                })
                .collect();
            v["attributes"] = Value::Object(attrs);
            (tag.clone(), v)
        })
        .collect();
    json!({
        "articles": {
            "total": s.articles,
            "not_started": s.not_started,
            "in_progress": s.in_progress,
            "done": s.done,
            "by_status": s.status_values,
        },
        "annotations": {
            "counted": s.annotations,
            "suggested": s.suggested,
            "orphaned": s.orphaned,
        },
        "relations": s.relations,
        "tags": tags,
        "annotators": s.annotators.iter().map(|(k, a)| (k.clone(), json!({
            "annotations": a.annotations,
            "articles": a.articles,
        }))).collect::<serde_json::Map<_, _>>(),
        "span_lengths": lengths_json(&s.length_summary()),
        "skipped": skipped,
    })
}

fn bucket_name(min: usize, max: usize) -> String {
    if max == usize::MAX {
        format!("{min}+")
    } else {
        format!("{min}-{max}")
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The `--csv` table: one figure a row.
pub fn to_csv(s: &Stats, excel: bool) -> String {
    let mut rows: Vec<[String; 6]> = Vec::new();
    let mut row = |figure: &str, tag: &str, attr: &str, value: &str, who: &str, n: usize| {
        rows.push([
            figure.into(),
            tag.into(),
            attr.into(),
            value.into(),
            who.into(),
            n.to_string(),
        ]);
    };
    row("articles", "", "", "", "", s.articles);
    row("articles_not_started", "", "", "", "", s.not_started);
    row("articles_in_progress", "", "", "", "", s.in_progress);
    row("articles_done", "", "", "", "", s.done);
    for (v, n) in &s.status_values {
        row("articles_by_status", "", "", v, "", *n);
    }
    row("annotations", "", "", "", "", s.annotations);
    row("suggested", "", "", "", "", s.suggested);
    row("orphaned", "", "", "", "", s.orphaned);
    row("relations", "", "", "", "", s.relations);
    for (tag, t) in &s.tags {
        row("tag_annotations", tag, "", "", "", t.annotations);
        row("tag_articles", tag, "", "", "", t.articles);
        for (who, n) in &t.by_annotator {
            row("tag_annotations", tag, "", "", who, *n);
        }
        for (attr, values) in s.values.get(tag).into_iter().flatten() {
            for (value, t) in values {
                row("value_annotations", tag, attr, value, "", t.annotations);
                row("value_articles", tag, attr, value, "", t.articles);
                for (who, n) in &t.by_annotator {
                    row("value_annotations", tag, attr, value, who, *n);
                }
            }
        }
    }
    for (who, a) in &s.annotators {
        row("annotator_annotations", "", "", "", who, a.annotations);
        row("annotator_articles", "", "", "", who, a.articles);
    }
    for b in s.length_summary().buckets {
        row(
            "span_length",
            "",
            "",
            &bucket_name(b.min, b.max),
            "",
            b.count,
        );
    }
    let eol = if excel { "\r\n" } else { "\n" };
    let mut out = String::new();
    if excel {
        out.push('\u{feff}');
    }
    out.push_str("figure,tag,attribute,value,annotator,count");
    out.push_str(eol);
    for r in rows {
        let line: Vec<String> = r.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str(eol);
    }
    out
}

fn who(name: &str) -> &str {
    if name.is_empty() { "(none)" } else { name }
}

/// Columns for annotators in the tag table, at most this many (the CSV has them all).
const MAX_ANNOTATOR_COLUMNS: usize = 6;

/// The table printed on the terminal.
pub fn to_table(s: &Stats) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} articles: {} not started, {} in progress, {} done",
        s.articles, s.not_started, s.in_progress, s.done
    );
    let _ = writeln!(
        o,
        "{} annotations counted; apart: {} suggested, {} orphaned; {} relations; {} annotators",
        s.annotations,
        s.suggested,
        s.orphaned,
        s.relations,
        s.annotators.len()
    );
    if s.tags.is_empty() {
        return o;
    }
    let annotators: Vec<&String> = if s.annotators.len() <= MAX_ANNOTATOR_COLUMNS {
        s.annotators.keys().collect()
    } else {
        Vec::new()
    };
    let mut lines: Vec<(String, &Tally)> = Vec::new();
    for (tag, t) in &s.tags {
        lines.push((tag.clone(), t));
        for (attr, values) in s.values.get(tag).into_iter().flatten() {
            for (value, t) in values {
                lines.push((format!("  {attr} = {value}"), t));
            }
        }
    }
    let width = lines
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(3, 40);
    let _ = writeln!(o);
    let mut header = format!(
        "{:<width$}  {:>11}  {:>8}",
        "TAG", "ANNOTATIONS", "ARTICLES"
    );
    for a in &annotators {
        let _ = write!(header, "  {:>8}", who(a));
    }
    let _ = writeln!(o, "{}", header.trim_end());
    for (label, t) in &lines {
        let label: String = label.chars().take(width).collect();
        let mut line = format!("{label:<width$}  {:>11}  {:>8}", t.annotations, t.articles);
        for a in &annotators {
            let _ = write!(
                line,
                "  {:>8}",
                t.by_annotator.get(*a).copied().unwrap_or(0)
            );
        }
        let _ = writeln!(o, "{}", line.trim_end());
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<12}  {:>11}  {:>8}",
        "ANNOTATOR", "ANNOTATIONS", "ARTICLES"
    );
    for (name, a) in &s.annotators {
        let _ = writeln!(
            o,
            "{:<12}  {:>11}  {:>8}",
            who(name),
            a.annotations,
            a.articles
        );
    }
    let l = s.length_summary();
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "SPAN LENGTH (chars): {} spans, min {}, median {}, p90 {}, max {}, mean {:.1}",
        l.spans, l.min, l.median, l.p90, l.max, l.mean
    );
    let most = l.buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    for b in &l.buckets {
        let bar = "█".repeat((b.count * 40).div_ceil(most));
        let line = format!("{:>10}  {:>8}  {bar}", bucket_name(b.min, b.max), b.count);
        let _ = writeln!(o, "{}", line.trim_end());
    }
    o
}
