//! Benchmarks of agreement (`tagline agree`): 1,000 articles of about 3 KB, three annotators
//! with about 15 spans each per article (perturbed copies of one another: shifted boundaries,
//! other tags, extras and misses). The goal is ≤ 2 s for the figures (docs/performance.md).
//!
//! Run with `cargo bench --bench agreement`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: a failure should stop the run loudly"
)]

use divan::{Bencher, black_box};
use tagline::analysis::agreement::{self, ArticleInput, Input, Marked};
use tagline::core::CharRange;
use tagline::synth::{self, Rng};

const TAGS: [&str; 4] = ["claim", "quote", "stance", "sourcing"];

fn main() {
    divan::main();
}

/// The texts, and per article per annotator the spans.
fn corpus(articles: usize, annotators: usize) -> (Vec<String>, Vec<Vec<Vec<Marked>>>) {
    let mut rng = Rng::new(17);
    let texts: Vec<String> = (0..articles)
        .map(|i| synth::article_text(3_000, i as u64))
        .collect();
    let spans = texts
        .iter()
        .map(|t| {
            let n = t.chars().count();
            let base: Vec<(usize, usize, &str)> = (0..15)
                .map(|_| {
                    let s = rng.below(n - 1);
                    let e = (s + rng.between(5, 200)).min(n);
                    (s, e, rng.pick(&TAGS))
                })
                .collect();
            (0..annotators)
                .map(|_| {
                    let mut v = Vec::new();
                    for &(s, e, tag) in &base {
                        if rng.chance(0.1) {
                            continue;
                        }
                        let s = if rng.chance(0.3) {
                            s.saturating_sub(rng.below(5))
                        } else {
                            s
                        };
                        let tag = if rng.chance(0.1) {
                            rng.pick(&TAGS)
                        } else {
                            tag
                        };
                        v.push(Marked {
                            range: CharRange::new(s, e),
                            tag: tag.into(),
                        });
                    }
                    if rng.chance(0.5) {
                        let s = rng.below(n - 1);
                        v.push(Marked {
                            range: CharRange::new(s, (s + 40).min(n)),
                            tag: rng.pick(&TAGS).into(),
                        });
                    }
                    v
                })
                .collect()
        })
        .collect();
    (texts, spans)
}

#[divan::bench(sample_count = 5)]
fn agree_1000_articles_3_annotators(bencher: Bencher) {
    let (texts, spans) = corpus(1_000, 3);
    let input = Input {
        annotators: vec!["ana".into(), "ben".into(), "cy".into()],
        articles: texts
            .iter()
            .zip(&spans)
            .enumerate()
            .map(|(i, (t, s))| ArticleInput {
                name: format!("{i:04}.txt"),
                text: t,
                coders: s.iter().cloned().map(Some).collect(),
            })
            .collect(),
    };
    bencher.bench(|| {
        let ag = agreement::compute(black_box(&input)).unwrap();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        black_box(ag.to_json(&texts))
    });
}
