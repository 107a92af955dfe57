//! Benchmark of `tagline story`'s grouping: 200 articles with 20 annotated quotes and claims
//! each (`tagline::synth::story_corpus`: statements from a shared pool, printed trimmed,
//! reworded or with a changed figure, among news-like filler). The goal is ≤ 2 s
//! (docs/performance.md).
//!
//! Run with `cargo bench --bench story`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: a failure should stop the run loudly"
)]

use divan::{Bencher, black_box};
use tagline::analysis::story::{self, Options, StoryArticle};
use tagline::synth;

/// `true` under `cargo test --benches` (divan's `--test`): the corpus is made small.
static QUICK: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

fn quick() -> bool {
    *QUICK.get().unwrap_or(&false)
}

fn main() {
    let _ = QUICK.set(std::env::args().any(|a| a == "--test"));
    divan::main();
}

#[divan::bench(sample_count = 5)]
fn group_200_articles_20_annotations(bencher: Bencher) {
    let docs = synth::story_corpus(if quick() { 10 } else { 200 }, 20, 22);
    let input: Vec<StoryArticle<'_>> = docs.iter().map(tagline::synth::StoryDoc::article).collect();
    let once = story::group(&input, Options::default(), &mut |_, _| {});
    let members: usize = once.groups.iter().map(|g| g.members.len()).sum();
    let found = once
        .groups
        .iter()
        .flat_map(|g| &g.members)
        .filter(|m| m.annotation.is_none())
        .count();
    eprintln!(
        "{} articles: {} groups ({} shared), {members} members ({found} found by matching)",
        docs.len(),
        once.groups.len(),
        once.groups.iter().filter(|g| g.articles.len() > 1).count()
    );
    bencher.bench(|| {
        let s = story::group(black_box(&input), Options::default(), &mut |_, _| {});
        let shared = s.groups.iter().filter(|g| g.articles.len() > 1).count();
        assert!(shared > 0);
        black_box(s.to_json())
    });
}
