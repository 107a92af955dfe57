//! Benchmarks of the pure core on synthetic news (see `tagline::synth`): opening documents,
//! saving sidecars, validating a corpus and its statistics, decoding awkward articles and converting offsets.
//!
//! Run with `cargo bench --bench core` (add a filter such as `-- open` to run some). The
//! articles, sidecars and the 10,000-article corpus are generated on first use into one
//! temporary folder, removed when the run ends. Sizes are decimal: 1 MB = 1,000,000 bytes,
//! with ten annotations per KB (100,000 annotations on the 10 MB article).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: a failure should stop the run loudly"
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use tagline::core::validate::validate_paths;
use tagline::core::{Article, CharRange, Document, LoadOptions, TextIndex};
use tagline::synth::{self, Rng, Spec};

/// Articles in the corpus of the `validate_corpus` benchmark.
const CORPUS_ARTICLES: usize = 10_000;

/// The run's temporary folder.
static DIR: OnceLock<PathBuf> = OnceLock::new();

/// `true` under `cargo test --benches` (divan's `--test`): every benchmark runs once, so the
/// files are made a thousand times smaller to keep that quick.
static QUICK: OnceLock<bool> = OnceLock::new();

fn quick() -> bool {
    *QUICK.get().unwrap_or(&false)
}

fn main() {
    let _ = QUICK.set(std::env::args().any(|a| a == "--test"));
    let tmp = tempfile::Builder::new()
        .prefix("tagline-bench-")
        .tempdir()
        .expect("a temporary folder for the benchmark files");
    DIR.set(tmp.path().to_owned()).expect("main runs once");
    divan::main();
    drop(tmp);
}

fn dir() -> &'static Path {
    DIR.get().expect("set in main")
}

/// The standard benchmark article `name` (shrunk in quick mode).
fn spec(name: &str) -> Spec {
    let mut spec = *synth::bench_spec(name).expect("a standard benchmark article");
    if quick() {
        spec.bytes /= 1000;
        spec.annotations = (spec.annotations / 1000).max(1);
    }
    spec
}

/// The standard benchmark article `name` with its sidecar, written on first use.
fn fixture(name: &str) -> PathBuf {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let spec = spec(name);
    let path = dir().join(spec.name);
    if !path.exists() {
        synth::write_spec(dir(), &spec).expect("writing a benchmark article");
    }
    path
}

/// The text of a standard benchmark article, generated once.
fn text_of(name: &str) -> &'static str {
    static TEXTS: Mutex<Option<HashMap<String, &'static str>>> = Mutex::new(None);
    let mut texts = TEXTS.lock().unwrap_or_else(|e| e.into_inner());
    let texts = texts.get_or_insert_with(HashMap::new);
    texts
        .entry(name.to_owned())
        .or_insert_with(|| Box::leak(spec(name).text().into_boxed_str()))
}

fn open_doc(path: &Path) -> Document {
    let (doc, report) = Document::open(path, &LoadOptions::default()).expect("opens");
    assert!(report.sidecar_problem.is_none() && report.anchoring.is_empty());
    doc
}

/// `Document::open`: read, decode and index the article, find its scheme, parse the sidecar
/// and check every annotation still holds its text.
#[divan::bench(
    args = ["news-10kb.txt", "news-50kb.txt", "news-1mb.txt", "news-10mb.txt"],
    sample_count = 20,
    max_time = 8,
)]
fn open(bencher: Bencher, name: &str) {
    let path = fixture(name);
    bencher.bench(|| Document::open(black_box(&path), &LoadOptions::default()));
}

/// `Article::from_bytes` on 10 MB of paragraphs, one 10 MB line, and CR-only line endings:
/// decoding, hashing, indexing and splitting into display segments.
#[divan::bench(
    args = ["news-10mb.txt", "single-line-10mb.txt", "cr-only-10mb.txt"],
    sample_count = 15,
    max_time = 5,
)]
fn article_from_bytes(bencher: Bencher, name: &str) {
    let bytes = text_of(name).as_bytes();
    let path = Path::new(name);
    bencher
        .counter(BytesCount::new(bytes.len()))
        .bench(|| Article::from_bytes(path, black_box(bytes), &LoadOptions::default()));
}

fn saving_fixture(annotations: usize) -> &'static str {
    match annotations {
        10_000 => "news-1mb.txt",
        100_000 => "news-10mb.txt",
        n => panic!("no fixture with {n} annotations"),
    }
}

/// `Document::save` (`prepare_save` + `SaveJob::run` + `finish_save`): snapshot, check the
/// file on disk, serialize, write atomically with fsync.
#[divan::bench(args = [10_000, 100_000], sample_count = 10, max_time = 8)]
fn save(bencher: Bencher, annotations: usize) {
    let name = saving_fixture(annotations);
    let mut doc = open_doc(&fixture(name));
    assert_eq!(doc.annotations().len(), spec(name).annotations);
    bencher.bench_local(|| doc.save().expect("saves"));
}

/// The CPU part of a save alone: `to_sidecar` + `to_json`.
#[divan::bench(args = [10_000, 100_000], sample_count = 10, max_time = 5)]
fn save_serialize_only(bencher: Bencher, annotations: usize) {
    let doc = open_doc(&fixture(saving_fixture(annotations)));
    bencher.bench_local(|| doc.to_sidecar().to_json());
}

/// The 10,000-article corpus (20 in quick mode), written and validated once.
fn corpus() -> (&'static PathBuf, usize) {
    static CORPUS: OnceLock<PathBuf> = OnceLock::new();
    let articles = if quick() { 20 } else { CORPUS_ARTICLES };
    let corpus = CORPUS.get_or_init(|| {
        let corpus = dir().join("corpus");
        synth::write_corpus(&corpus, articles, synth::DEFAULT_SEED).expect("writing the corpus");
        // Once, untimed: every generated sidecar is valid.
        let mut files = 0;
        validate_paths(
            std::slice::from_ref(&corpus),
            &LoadOptions::default(),
            &mut |_| {},
            |r| {
                assert!(r.ok, "{r:?}");
                files += 1;
            },
        );
        assert_eq!(files, articles);
        corpus
    });
    (corpus, articles)
}

/// `validate_paths` over a folder of 10,000 short articles with sidecars (about 10
/// annotations each), as `tagline validate DIR` does.
#[divan::bench(sample_count = 3, max_time = 30)]
fn validate_corpus(bencher: Bencher) {
    let (corpus, articles) = corpus();
    let paths = std::slice::from_ref(corpus);
    bencher.counter(ItemsCount::new(articles)).bench(|| {
        let mut ok = 0usize;
        validate_paths(paths, &LoadOptions::default(), &mut |_| {}, |r| {
            ok += usize::from(r.ok)
        });
        ok
    });
}

/// `tagline stats DIR` over the same 10,000 articles: every article and sidecar read,
/// re-anchored if changed, summarized and added up (on every core).
#[divan::bench(sample_count = 3, max_time = 30)]
fn stats_corpus(bencher: Bencher) {
    let (corpus, articles) = corpus();
    let paths = std::slice::from_ref(corpus);
    bencher.counter(ItemsCount::new(articles)).bench(|| {
        let (stats, problems, _) =
            tagline::cli::corpus_stats(paths, &LoadOptions::default(), &|_, _| {});
        assert!(problems.is_empty() && stats.articles == articles);
        stats.annotations
    });
}

/// `Document::visible_in` on the 10 MB article with 100,000 annotations: 100 queries of a
/// screenful (3,000 chars) at random places, as a reading view does for what it shows.
#[divan::bench(sample_count = 20, max_time = 3)]
fn visible_in_10mb(bencher: Bencher) {
    let doc = open_doc(&fixture("news-10mb.txt"));
    let n = doc.article.len_chars();
    let mut rng = Rng::new(1);
    let windows: Vec<CharRange> = (0..100)
        .map(|_| {
            let len = n.min(3000);
            let s = rng.below(n - len + 1);
            CharRange::new(s, s + len)
        })
        .collect();
    bencher.counter(ItemsCount::new(windows.len())).bench(|| {
        windows
            .iter()
            .map(|w| doc.visible_in(*w).len())
            .sum::<usize>()
    });
}

/// Offset conversions on the 10 MB article (non-ASCII: curly quotes, NBSP, CJK, emoji).
mod text_index {
    use super::*;

    const LOOKUPS: usize = 10_000;

    struct Fixture {
        text: &'static str,
        index: TextIndex,
        chars: Vec<usize>,
        bytes: Vec<usize>,
        utf16: Vec<usize>,
    }

    fn fixture() -> &'static Fixture {
        static F: OnceLock<Fixture> = OnceLock::new();
        F.get_or_init(|| {
            let text = text_of("news-10mb.txt");
            let index = TextIndex::new(text);
            let mut rng = Rng::new(2);
            let chars: Vec<usize> = (0..LOOKUPS)
                .map(|_| rng.below(index.len_chars() + 1))
                .collect();
            let bytes = chars
                .iter()
                .map(|&c| index.char_to_byte(text, c).expect("in range"))
                .collect();
            let utf16 = chars
                .iter()
                .map(|&c| index.char_to_utf16(text, c).expect("in range"))
                .collect();
            Fixture {
                text,
                index,
                chars,
                bytes,
                utf16,
            }
        })
    }

    /// Building the index of 10 MB.
    #[divan::bench(sample_count = 20, max_time = 3)]
    fn build(bencher: Bencher) {
        let text = fixture().text;
        bencher
            .counter(BytesCount::new(text.len()))
            .bench(|| TextIndex::new(black_box(text)));
    }

    fn lookups(
        bencher: Bencher,
        offsets: fn(&Fixture) -> &[usize],
        convert: fn(&Fixture, usize) -> Option<usize>,
    ) {
        let f = fixture();
        let offsets = offsets(f);
        bencher.counter(ItemsCount::new(offsets.len())).bench(|| {
            offsets
                .iter()
                .map(|&o| convert(f, black_box(o)).unwrap_or(0))
                .sum::<usize>()
        });
    }

    /// 10,000 random char → byte lookups.
    #[divan::bench(sample_count = 30, max_time = 2)]
    fn char_to_byte(bencher: Bencher) {
        lookups(
            bencher,
            |f| &f.chars,
            |f, o| f.index.char_to_byte(f.text, o),
        );
    }

    /// 10,000 random byte → char lookups.
    #[divan::bench(sample_count = 30, max_time = 2)]
    fn byte_to_char(bencher: Bencher) {
        lookups(
            bencher,
            |f| &f.bytes,
            |f, o| f.index.byte_to_char(f.text, o),
        );
    }

    /// 10,000 random char → UTF-16 lookups.
    #[divan::bench(sample_count = 30, max_time = 2)]
    fn char_to_utf16(bencher: Bencher) {
        lookups(
            bencher,
            |f| &f.chars,
            |f, o| f.index.char_to_utf16(f.text, o),
        );
    }

    /// 10,000 random UTF-16 → char lookups.
    #[divan::bench(sample_count = 30, max_time = 2)]
    fn utf16_to_char(bencher: Bencher) {
        lookups(
            bencher,
            |f| &f.utf16,
            |f, o| f.index.utf16_to_char(f.text, o),
        );
    }
}

/// Annotations and the text they are re-anchored onto.
type Edited = (Vec<tagline::core::Annotation>, tagline::core::IndexedText);

/// The annotations of the 10 MB article and that article edited: `shifted` (a paragraph
/// inserted at the top and one near the middle: every annotation moves) or `retyped` (curly
/// quotes made straight and LF made CRLF: every annotation with a quote mark or line break in
/// its text or context needs the normalised tier).
fn edited_10mb(kind: &str) -> &'static Edited {
    static CACHE: Mutex<Option<HashMap<String, &'static Edited>>> = Mutex::new(None);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    cache.entry(kind.to_owned()).or_insert_with(|| {
        let path = fixture("news-10mb.txt");
        let (data, _) =
            tagline::core::SidecarData::read(&tagline::core::sidecar::sidecar_path(&path))
                .expect("the sidecar reads");
        let text = text_of("news-10mb.txt");
        let new = match kind {
            "shifted" => {
                let mid = text.len() / 2;
                let mid = (mid..text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(mid);
                format!(
                    "Correction appended on Friday.\n\n{}The council said it would publish both surveys.\n\n{}",
                    &text[..mid],
                    &text[mid..]
                )
            }
            _ => text
                .replace(['“', '”'], "\"")
                .replace('’', "'")
                .replace('\n', "\r\n"),
        };
        let edited: Edited = (data.annotations, tagline::core::IndexedText::new(new));
        Box::leak(Box::new(edited))
    })
}

/// `anchor::reanchor_all` of the 100,000 annotations of the 10 MB article after an edit.
#[divan::bench(args = ["shifted", "retyped"], sample_count = 5, max_time = 20)]
fn reanchor_10mb(bencher: Bencher, kind: &str) {
    let (anns, text) = edited_10mb(kind);
    bencher
        .counter(ItemsCount::new(anns.len()))
        .with_inputs(|| anns.clone())
        .bench_refs(|a| tagline::core::anchor::reanchor_all(text, a));
}
