//! `tagline story FOLDER [--json | --csv | --html OUT] [--include-suggested]`: the same quote
//! or claim across the outlets of a folder. Opens the articles (as the window opens them,
//! re-anchored when an article changed); the grouping is [`crate::analysis::story`], the page
//! and the table [`crate::report::story`].
//!
//! Without a flag, prints a short summary. `--json` and `--csv` go to stdout, or to `-o PATH`;
//! `--html OUT` writes the page. Files appear only when complete (a temporary name, then a
//! rename). Orphaned quotes and claims are never grouped: they are counted on stderr and the
//! exit code is 1. Suggested ones are left out unless `--include-suggested` (counted on stderr).
//!
//! Exit codes: 0 done; 1 done, but articles could not be read or annotations were orphaned;
//! 2 usage, input or I/O error.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{Fail, folder_name, progress_bar};
use crate::analysis::story::{self, Options, StoryArticle};
use crate::core::corpus::collect;
use crate::core::{Document, LoadOptions, Output};
use crate::report;

/// Arguments of `tagline story`.
#[derive(Args, Debug)]
pub struct StoryArgs {
    /// The folder of articles covering one story (or several articles).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print the groups as JSON.
    #[arg(long, conflicts_with_all = ["csv", "html"])]
    pub json: bool,
    /// Print one CSV row per member.
    #[arg(long, conflicts_with = "html")]
    pub csv: bool,
    /// With --csv: add a BOM and CRLF line endings, for spreadsheets.
    #[arg(long, requires = "csv")]
    pub excel: bool,
    /// Write the page a class can read to OUT (one self-contained HTML file).
    #[arg(long, value_name = "OUT")]
    pub html: Option<PathBuf>,
    /// With --json or --csv: write to this file instead of stdout (`-`: stdout).
    #[arg(short, long, value_name = "PATH", conflicts_with = "html")]
    pub output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
    /// Group suggested annotations too.
    #[arg(long)]
    pub include_suggested: bool,
}

/// Runs `tagline story`.
pub fn run(args: StoryArgs, options: &LoadOptions) -> Result<u8, Fail> {
    let mut items = Vec::new();
    for item in collect(&args.paths, &mut |_| {}) {
        items.push(item?);
    }
    if items.is_empty() {
        return Err(Fail(format!(
            "{}: no articles",
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let bar = progress_bar(items.len() as u64, "reading");
    let mut docs: Vec<(String, Document, String)> = Vec::new();
    let mut problems = 0usize;
    for item in &items {
        match Document::open(&item.article, options) {
            Ok((doc, report)) => {
                if let Some(p) = report.sidecar_problem {
                    bar.suspend(|| {
                        eprintln!("tagline: {}: {p}; not grouped", item.article.display())
                    });
                    problems += 1;
                } else {
                    let outlet = story::outlet(&doc.article);
                    docs.push((item.relative.clone(), doc, outlet));
                }
            }
            Err(e) => {
                bar.suspend(|| eprintln!("tagline: {e}; not grouped"));
                problems += 1;
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let input: Vec<StoryArticle<'_>> = docs
        .iter()
        .map(|(name, doc, outlet)| StoryArticle {
            name,
            outlet,
            text: &doc.article.text,
            annotations: doc.annotations(),
            relations: doc.relations(),
        })
        .collect();
    // The bar counts articles; the grouping reports annotations matched.
    let bar = progress_bar(input.len() as u64, "grouping");
    let articles = input.len();
    let mut progress = |done: usize, total: usize| {
        bar.set_position((done * articles / total.max(1)) as u64);
    };
    let story = story::group(
        &input,
        Options {
            include_suggested: args.include_suggested,
        },
        &mut progress,
    );
    bar.finish_and_clear();

    let title = args
        .paths
        .first()
        .map(|p| folder_name(p))
        .unwrap_or_default();
    let (bytes, target): (Vec<u8>, Option<&Path>) = if let Some(out) = &args.html {
        (report::story::page(&story, &title).into_bytes(), Some(out))
    } else if args.json || args.csv {
        let text = if args.json {
            let mut s = serde_json::to_string_pretty(&story.to_json())?;
            s.push('\n');
            s
        } else if args.excel {
            format!("\u{feff}{}", report::story::csv(&story, "\r\n"))
        } else {
            report::story::csv(&story, "\n")
        };
        let to = args.output.as_deref().filter(|p| *p != Path::new("-"));
        (text.into_bytes(), to)
    } else {
        (summary(&story).into_bytes(), None)
    };
    let mut output = match target {
        Some(path) => Output::file(path, args.force)?,
        None => Output::stdout(),
    };
    crate::core::Sink::file(&mut output, "")?.write_all(&bytes)?;
    output.commit()?;
    if let Some(path) = target {
        eprintln!("tagline: wrote {}", path.display());
    }
    if story.orphaned > 0 {
        eprintln!(
            "tagline: {} orphaned quote(s) and claim(s) not grouped (re-anchor or re-attach them)",
            story.orphaned
        );
    }
    if story.suggested > 0 {
        eprintln!(
            "tagline: {} suggested quote(s) and claim(s) left out (--include-suggested groups them)",
            story.suggested
        );
    }
    Ok(u8::from(problems > 0 || story.orphaned > 0))
}

/// The summary printed without a flag: one block per shared group.
fn summary(story: &story::Story) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let shared = story.groups.iter().filter(|g| g.articles.len() > 1).count();
    let _ = writeln!(
        s,
        "{} articles, {} groups ({shared} carried by more than one outlet)",
        story.articles.len(),
        story.groups.len()
    );
    for (i, g) in story.groups.iter().enumerate() {
        if g.articles.len() < 2 {
            continue;
        }
        let _ = writeln!(
            s,
            "\n{} {}: {} of {} outlets",
            g.kind.as_str(),
            i + 1,
            story.outlets(g).len(),
            story.articles.len()
        );
        for m in &g.members {
            let who = m.source.as_ref().map_or("—", |a| a.name());
            let mark = if m.annotation.is_none() {
                " (found)"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  {}{mark}: “{}” — {who}",
                story.articles[m.article].outlet,
                super::one_line(&m.text, 80)
            );
        }
    }
    s
}
