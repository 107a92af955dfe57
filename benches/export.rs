//! Benchmarks of `tagline export`'s library path on the generated 10,000-article corpus
//! (`tagline::synth::write_corpus`, ten annotations per KB): walking the corpus, opening each
//! document, and writing each format through an atomic [`Output`], one document at a time.
//!
//! Run with `cargo bench --bench export` (add a format name to run one, e.g. `-- conll`). The
//! corpus is generated once into a temporary folder, or into `$TAGLINE_BENCH_CORPUS` when set
//! (kept, and reused when it is there), so peak memory can be measured on the same corpus
//! with the release binary (`/usr/bin/time -v tagline export …`; see docs/performance.md).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: a failure should stop the run loudly"
)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::Bencher;
use divan::counter::ItemsCount;
use tagline::core::corpus::collect;
use tagline::core::{Document, LoadOptions, Output};
use tagline::formats::{ExportOptions, Format, Layout, export_all};
use tagline::synth;

/// Articles in the corpus.
const CORPUS_ARTICLES: usize = 10_000;

static DIR: OnceLock<PathBuf> = OnceLock::new();
static QUICK: OnceLock<bool> = OnceLock::new();

fn main() {
    let _ = QUICK.set(std::env::args().any(|a| a == "--test"));
    let tmp = tempfile::Builder::new()
        .prefix("tagline-bench-export-")
        .tempdir()
        .expect("a temporary folder");
    DIR.set(tmp.path().to_owned()).expect("main runs once");
    divan::main();
    drop(tmp);
}

fn articles() -> usize {
    if *QUICK.get().unwrap_or(&false) {
        20
    } else {
        CORPUS_ARTICLES
    }
}

fn corpus() -> &'static Path {
    static CORPUS: OnceLock<PathBuf> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = match std::env::var_os("TAGLINE_BENCH_CORPUS") {
            Some(d) if !*QUICK.get().unwrap_or(&false) => PathBuf::from(d),
            _ => DIR.get().expect("set in main").join("corpus"),
        };
        if !dir.join("outlet-00").exists() {
            synth::write_corpus(&dir, articles(), synth::DEFAULT_SEED).expect("writing the corpus");
        }
        dir
    })
}

/// Exports the corpus in `format` to `out`; returns the number of articles written.
fn export(format: Format, out: &Path) -> usize {
    let options = ExportOptions::default();
    let mut output = match format.layout(&options) {
        Layout::File => Output::file(out, true),
        Layout::Folder => Output::folder(out, true),
    }
    .unwrap();
    let items = collect(&[corpus().to_owned()], &mut |_| {});
    let docs = items.into_iter().map(|item| {
        let item = item.unwrap();
        let (doc, _) = Document::open(&item.article, &LoadOptions::default()).unwrap();
        (doc, item.relative)
    });
    let summary = export_all(format, options, docs, &mut output, &mut |_, _| true)
        .unwrap()
        .unwrap();
    output.commit().unwrap();
    summary.articles
}

#[divan::bench(
    args = ["jsonl", "spacy", "conll", "csv", "brat", "label-studio", "inception", "w3c"],
    sample_count = 3,
    sample_size = 1
)]
fn export_corpus(bencher: Bencher, format: &str) {
    let format = Format::from_name(format).unwrap();
    let out = DIR.get().unwrap().join(format!("out-{}", format.name()));
    corpus();
    bencher
        .counter(ItemsCount::new(articles()))
        .bench(|| assert_eq!(export(format, &out), articles()));
}
