//! `tagline agree A B [C...]`: agreement between annotators, one folder (or article, or
//! sidecar) per annotator, or one set of documents split by the annotations' `annotator` values
//! (`--by annotator`). Opens the files; the pairing and the figures are in
//! [`crate::analysis::pairing`] and [`crate::analysis::agreement`].
//!
//! Exit codes: 0 done; 1 done, but some articles were skipped (unreadable) or annotations left
//! out (orphaned, or not placeable on the reference text); 2 usage, input or I/O error.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{Fail, folder_name, progress_bar};
use crate::analysis::agreement::{self, input_from_pairing};
use crate::analysis::gamma::GammaOptions;
use crate::analysis::pairing::{self, Source};
use crate::core::corpus::collect;
use crate::core::{Document, LoadOptions};
use crate::report;

/// Arguments of `tagline agree`.
#[derive(Args, Debug)]
pub struct AgreeArgs {
    /// One folder, article or sidecar per annotator (the first is the reference); with
    /// `--by annotator`, any number of them, read as one set.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Split the annotations of the given documents by their `annotator` field instead.
    #[arg(long, value_parser = ["annotator"], value_name = "FIELD")]
    pub by: Option<String>,
    /// Print the figures as one JSON document.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the figures as CSV (one row per figure).
    #[arg(long)]
    pub csv: bool,
    /// With --csv: a byte-order mark and CRLF line ends, for spreadsheets.
    #[arg(long, requires = "csv")]
    pub excel: bool,
    /// Count suggested annotations too.
    #[arg(long)]
    pub include_suggested: bool,
    /// Also compute these measures, which cost more than the others: `gamma` (γ of Mathet et
    /// al. 2015, per article and their mean; docs/agreement.md).
    #[arg(long = "measure", value_parser = ["gamma"], value_name = "MEASURE")]
    pub measures: Vec<String>,
    /// With --measure gamma: random continua drawn per article for the expected disorder.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub gamma_samples: u64,
    /// With --measure gamma: the seed of the sampling (mixed with each article's path).
    #[arg(long, default_value_t = crate::analysis::gamma::DEFAULT_SEED)]
    pub gamma_seed: u64,
}

/// Opened documents of one path argument, with their relative paths.
type Opened = Vec<(String, Document)>;

/// Opens every article `path` means. Unreadable ones are reported and skipped.
fn open_all(
    path: &Path,
    options: &LoadOptions,
    bar: &indicatif::ProgressBar,
    skipped: &mut usize,
) -> Result<Opened, Fail> {
    let mut out = Vec::new();
    for item in collect(&[path.to_path_buf()], &mut |_| {}) {
        let item = item?;
        match Document::open(&item.article, options) {
            Ok((doc, report)) => {
                if let Some(problem) = report.sidecar_problem {
                    bar.suspend(|| eprintln!("tagline: {problem}; article skipped"));
                    *skipped += 1;
                } else {
                    out.push((item.relative, doc));
                }
            }
            Err(e) => {
                bar.suspend(|| eprintln!("tagline: {e}; article skipped"));
                *skipped += 1;
            }
        }
        bar.inc(1);
    }
    Ok(out)
}

/// Runs `tagline agree`.
pub fn run(args: AgreeArgs, options: &LoadOptions) -> Result<u8, Fail> {
    let by_annotator = args.by.is_some();
    if !by_annotator && args.paths.len() < 2 {
        return Err(Fail(
            "agree needs two or more folders (one per annotator), or --by annotator".into(),
        ));
    }
    // Count the articles first so the bar has a length.
    let mut total = 0usize;
    for p in &args.paths {
        for r in collect(std::slice::from_ref(p), &mut |_| {}) {
            r?;
            total += 1;
        }
    }
    let bar = progress_bar(total as u64, "reading");
    let mut skipped = 0usize;
    let mut opened: Vec<Opened> = Vec::new();
    for p in &args.paths {
        opened.push(open_all(p, options, &bar, &mut skipped)?);
    }
    bar.set_message("comparing");

    let sources: Vec<Vec<Source<'_>>> = opened
        .iter()
        .map(|docs| {
            docs.iter()
                .map(|(rel, doc)| Source { relative: rel, doc })
                .collect()
        })
        .collect();
    let (names, paired, tally) = if by_annotator {
        let all: Vec<Source<'_>> = sources.into_iter().flatten().collect();
        pairing::split_by_annotator(&all, args.include_suggested)
    } else {
        let mut names: Vec<String> = Vec::new();
        for p in &args.paths {
            let base = folder_name(p);
            let mut name = base.clone();
            let mut n = 2;
            while names.contains(&name) {
                name = format!("{base}#{n}");
                n += 1;
            }
            names.push(name);
        }
        let (paired, tally) = pairing::pair_sides(&sources, args.include_suggested);
        (names, paired, tally)
    };
    let input = input_from_pairing(names, &paired);
    let options = agreement::Options {
        gamma: args
            .measures
            .iter()
            .any(|m| m == "gamma")
            .then(|| GammaOptions {
                samples: args.gamma_samples as usize,
                seed: args.gamma_seed,
                ..GammaOptions::default()
            }),
    };
    let result = agreement::compute_with(&input, &options)?;
    bar.finish_and_clear();
    for w in &tally.warnings {
        eprintln!("tagline: warning: {w}");
    }

    let texts: Vec<&str> = input.articles.iter().map(|a| a.text).collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut v = result.to_json(&texts);
        if let serde_json::Value::Object(m) = &mut v {
            m.insert(
                "skipped".into(),
                serde_json::json!({
                    "articles": skipped,
                    "orphaned": tally.orphaned,
                    "suggested": tally.suggested,
                    "unplaced": tally.unplaced,
                }),
            );
            m.insert("warnings".into(), tally.warnings.clone().into());
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else if args.csv {
        let eol = if args.excel { "\r\n" } else { "\n" };
        if args.excel {
            out.write_all("\u{feff}".as_bytes())?;
        }
        out.write_all(report::agreement::csv(&result, eol).as_bytes())?;
    } else {
        out.write_all(report::agreement::table(&result).as_bytes())?;
        let mut left_out = Vec::new();
        if skipped > 0 {
            left_out.push(format!("{skipped} unreadable article(s)"));
        }
        if tally.orphaned > 0 {
            left_out.push(format!("{} orphaned annotation(s)", tally.orphaned));
        }
        if tally.suggested > 0 {
            left_out.push(format!(
                "{} suggested annotation(s) (--include-suggested counts them)",
                tally.suggested
            ));
        }
        if tally.unplaced > 0 {
            left_out.push(format!(
                "{} annotation(s) not placeable on the reference text",
                tally.unplaced
            ));
        }
        if !left_out.is_empty() {
            writeln!(out, "left out: {}", left_out.join(", "))?;
        }
    }
    out.flush()?;
    Ok(u8::from(
        skipped > 0 || tally.orphaned > 0 || tally.unplaced > 0,
    ))
}
