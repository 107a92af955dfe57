//! Writes Tagline's synthetic benchmark articles, or times the core on one of them.
//!
//! ```text
//! cargo run --release --features test-support --example gen -- DIR [--corpus N]
//!     writes the standard articles (news-10kb.txt … cr-only-10mb.txt) with their sidecars
//!     into DIR, and a corpus of N short articles (default 10000; 0 for none) into
//!     DIR/corpus; prints one line per file
//! cargo run --release --features test-support --example gen -- --time ARTICLE [--repeat N]
//!     opens ARTICLE (with its sidecar) and saves the sidecar N times (default 5); prints
//!     {"annotations":…,"open_ms":…,"save_ms":…} with the median times
//! ```
//!
//! Saving rewrites the sidecar with the same content, so the files stay as generated.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a developer tool: a failure should stop it loudly"
)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use tagline::core::{Document, LoadOptions};
use tagline::synth;

fn usage() -> ExitCode {
    eprintln!(
        "usage: gen DIR [--corpus N]\n       gen --time ARTICLE [--repeat N]\n\
         (see the top of examples/gen.rs)"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut target = None;
    let mut corpus = 10_000usize;
    let mut time = None;
    let mut repeat = 5usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let number = |it: &mut std::slice::Iter<String>| it.next().and_then(|v| v.parse().ok());
        match a.as_str() {
            "--corpus" => match number(&mut it) {
                Some(n) => corpus = n,
                None => return usage(),
            },
            "--repeat" => match number(&mut it) {
                Some(n) if n > 0 => repeat = n,
                _ => return usage(),
            },
            "--time" => match it.next() {
                Some(p) => time = Some(PathBuf::from(p)),
                None => return usage(),
            },
            "-h" | "--help" => {
                usage();
                return ExitCode::SUCCESS;
            }
            s if !s.starts_with('-') && target.is_none() => target = Some(PathBuf::from(s)),
            _ => return usage(),
        }
    }
    let result = match (time, target) {
        (Some(article), None) => time_core(&article, repeat),
        (None, Some(dir)) => generate(&dir, corpus),
        _ => return usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate(dir: &std::path::Path, corpus: usize) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    for spec in synth::BENCH_SPECS {
        let path = synth::write_spec(dir, spec)?;
        println!("{} ({} annotations)", path.display(), spec.annotations);
    }
    if corpus > 0 {
        let corpus_dir = dir.join("corpus");
        if corpus_dir.exists() {
            std::fs::remove_dir_all(&corpus_dir)?;
        }
        let paths = synth::write_corpus(&corpus_dir, corpus, synth::DEFAULT_SEED)?;
        println!("{} ({} articles)", corpus_dir.display(), paths.len());
    }
    Ok(())
}

fn median_ms(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time_core(article: &std::path::Path, repeat: usize) -> Result<(), Box<dyn std::error::Error>> {
    let options = LoadOptions::default();
    let mut open = Vec::new();
    let mut save = Vec::new();
    let mut annotations = 0;
    for _ in 0..repeat {
        let t = Instant::now();
        let (mut doc, report) = Document::open(article, &options)?;
        open.push(t.elapsed().as_secs_f64() * 1000.0);
        if let Some(p) = report.sidecar_problem {
            return Err(p.into());
        }
        annotations = doc.annotations().len();
        let t = Instant::now();
        doc.save()?;
        save.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "{}",
        serde_json::json!({
            "annotations": annotations,
            "open_ms": median_ms(open),
            "save_ms": median_ms(save),
            "runs": repeat,
        })
    );
    Ok(())
}
