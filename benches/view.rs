//! Benchmarks of the article view's building blocks: laying out one paragraph (the cost a
//! newly visible paragraph adds to a frame) and hit-testing a pointer position to a document
//! char. Whole frames are measured by `tagline bench view`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: a failure should stop the run loudly"
)]

use divan::Bencher;
use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, pos2};
use tagline::core::{Document, LoadOptions};
use tagline::gui::bench::Headless;

fn main() {
    divan::main();
}

fn paragraph(chars: usize, salt: usize) -> String {
    let base = "The council said on Monday that “the pier is unsafe” — Zoë Okafor, 李明 and others disagreed. ";
    let mut s = format!("{salt} ");
    while s.chars().count() < chars {
        s.push_str(base);
    }
    s.chars().take(chars).collect()
}

/// Cold layout of one paragraph at a reading width (each iteration is a new text, so egui's
/// own galley cache cannot answer).
#[divan::bench(args = [500, 2000])]
fn layout_paragraph(bencher: Bencher, chars: usize) {
    let ctx = egui::Context::default();
    let mut out = ctx.run_ui(egui::RawInput::default(), |_| {});
    out.textures_delta.clear();
    let salt = std::sync::atomic::AtomicUsize::new(0);
    bencher
        .with_inputs(|| {
            let n = salt.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut job = LayoutJob::single_section(
                paragraph(chars, n),
                TextFormat::simple(FontId::proportional(17.0), Color32::PLACEHOLDER),
            );
            job.wrap.max_width = 680.0;
            job
        })
        .bench_local_values(|job| ctx.fonts_mut(|f| f.layout_job(job)));
}

/// Pointer position → document char on a 1 MB article with 10,000 annotations.
#[divan::bench]
fn hit_test(bencher: Bencher) {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = tagline::synth::article_text(1_000_000, 3);
    let path = tagline::synth::write_article(dir.path(), "a.txt", &text, 10_000, 3).expect("write");
    let (doc, _) = Document::open(&path, &LoadOptions::default()).expect("open");
    let mut h = Headless::new();
    h.frame(&doc, vec![]);
    h.scroll_to(h.view.content_height() / 2.0);
    h.frame(&doc, vec![]);
    h.frame(&doc, vec![]);
    let mut k = 0u32;
    bencher.bench_local(|| {
        k = k.wrapping_add(37);
        let p = pos2(300.0 + (k % 400) as f32, 120.0 + (k % 600) as f32);
        divan::black_box(h.view.char_at(&doc, p))
    });
}
