//! Benchmarks of agreement (`tagline agree`) and grading (`tagline grade`, below): 1,000 articles of about 3 KB, three annotators
//! with about 15 spans each per article (perturbed copies of one another: shifted boundaries,
//! other tags, extras and misses). The goal is ≤ 2 s for the figures (docs/performance.md);
//! γ (`--measure gamma`, with its sampling) is measured apart.
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

/// `true` under `cargo test --benches` (divan's `--test`): every benchmark runs once, so the
/// corpora are made small to keep that quick.
static QUICK: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

fn quick() -> bool {
    *QUICK.get().unwrap_or(&false)
}

fn main() {
    let _ = QUICK.set(std::env::args().any(|a| a == "--test"));
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
    let (texts, spans) = corpus(if quick() { 20 } else { 1_000 }, 3);
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

/// γ (`tagline agree --measure gamma`) on the same corpus: per article the best alignment of
/// the annotators' spans and of 30 sampled continua. Reported apart from the ≤ 2 s figure of
/// the other measures (docs/performance.md).
#[divan::bench(sample_count = 3)]
fn gamma_1000_articles_3_annotators(bencher: Bencher) {
    let (texts, spans) = corpus(if quick() { 20 } else { 1_000 }, 3);
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
    let options = agreement::Options {
        gamma: Some(tagline::analysis::gamma::GammaOptions::default()),
    };
    bencher.bench(|| {
        let ag = agreement::compute_with(black_box(&input), &options).unwrap();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        black_box(ag.to_json(&texts))
    });
}

fn annotation(
    text: &str,
    id: String,
    start: usize,
    end: usize,
    tag: &str,
    attrs: &[(&str, &str)],
) -> tagline::core::Annotation {
    tagline::core::Annotation {
        id: id.into(),
        tag: tag.into(),
        range: CharRange::new(start, end),
        text: text.chars().skip(start).take(end - start).collect(),
        prefix: String::new(),
        suffix: String::new(),
        attributes: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), tagline::core::AttrValue::Text(v.to_string())))
            .collect(),
        note: "why this matters".into(),
        annotator: String::new(),
        created: String::new(),
        modified: String::new(),
        status: None,
        review: None,
        origin: None,
        entity: String::new(),
        extra: Default::default(),
    }
}

/// Grading 30 students on 10 articles of about 3 KB with 15 key annotations each, and writing
/// the gradebook, the 30 feedback pages and the class page (as strings): goal ≤ 1 s.
#[divan::bench(sample_count = 5)]
fn grade_30_students_10_articles(bencher: Bencher) {
    use tagline::analysis::grade::{self, Handed, KeyArticle, Rubric};
    use tagline::core::{Article, LoadOptions, Relation};
    let mut rng = Rng::new(20);
    let options = LoadOptions::default();
    let key: Vec<KeyArticle> = (0..10)
        .map(|i| {
            let text = synth::article_text(3_000, 100 + i);
            let article =
                Article::from_bytes(std::path::Path::new("a.txt"), text.as_bytes(), &options)
                    .unwrap();
            let n = article.text.len_chars();
            let mut annotations = Vec::new();
            for j in 0..15 {
                let s = rng.below(n - 100);
                let e = s + rng.between(5, 90);
                let tag = rng.pick(&TAGS);
                let a = annotation(
                    &text,
                    format!("k{j}"),
                    s,
                    e,
                    tag,
                    &[("kind", "direct"), ("identity", "named")],
                );
                annotations.push((a.range, a));
            }
            let relations = (0..5)
                .map(|j| Relation {
                    id: format!("r{j}").into(),
                    kind: "attributed_to".into(),
                    from: format!("k{}", 2 * j).into(),
                    to: format!("k{}", 2 * j + 1).into(),
                    annotator: String::new(),
                    note: String::new(),
                    extra: Default::default(),
                })
                .collect();
            KeyArticle {
                name: format!("{i:02}.txt"),
                article: article.into(),
                annotations,
                relations,
                scheme: std::sync::Arc::new(tagline::core::Scheme::default_news()),
            }
        })
        .collect();
    let handed: Vec<Vec<Option<Handed>>> = (0..if quick() { 3 } else { 30 })
        .map(|_| {
            key.iter()
                .map(|k| {
                    let text = k.article.text.as_str();
                    let mut annotations = Vec::new();
                    for (r, a) in &k.annotations {
                        if rng.chance(0.15) {
                            continue;
                        }
                        let s = if rng.chance(0.3) {
                            r.start.saturating_sub(1)
                        } else {
                            r.start
                        };
                        let tag = if rng.chance(0.1) {
                            rng.pick(&TAGS)
                        } else {
                            a.tag.as_str()
                        };
                        let x = annotation(
                            text,
                            a.id.replace('k', "s"),
                            s,
                            r.end,
                            tag,
                            &[("kind", "direct")],
                        );
                        annotations.push((x.range, x));
                    }
                    let relations = k
                        .relations
                        .iter()
                        .map(|r| Relation {
                            from: r.from.replace('k', "s").into(),
                            to: r.to.replace('k', "s").into(),
                            ..r.clone()
                        })
                        .collect();
                    Some(Handed {
                        annotations,
                        relations,
                    })
                })
                .collect()
        })
        .collect();
    let rubric = Rubric::default();
    bencher.bench(|| {
        let students: Vec<_> = handed
            .iter()
            .enumerate()
            .map(|(i, h)| {
                grade::grade_student(
                    &rubric,
                    &key,
                    &format!("student{i:02}"),
                    h.clone(),
                    Vec::new(),
                )
            })
            .collect();
        let mut bytes = tagline::report::grade::gradebook(&key, &students, "\n").len();
        for g in &students {
            bytes += tagline::report::grade::student_page(&key, g).len();
        }
        bytes += tagline::report::grade::class_page(&key, &students).len();
        black_box(bytes)
    });
}
