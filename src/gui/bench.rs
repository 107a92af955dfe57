//! Headless benchmarks of the real article view: `tagline bench view`, `tagline bench open`
//! and `tagline bench compare` (the compare view with several annotators).
//!
//! They run the same [`ArticleView`] the window uses inside an egui context without a window:
//! `Context::run_ui` plus tessellation every frame, the work a frame costs the CPU before the
//! GPU draws it. These are benchmarks, not tests: nothing asserts on time.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use egui::{Event, PointerButton, Pos2, RawInput, Rect, pos2, vec2};
use serde::Serialize;

use crate::core::{Document, LoadOptions, Scheme};

use super::app::Intent;
use super::focus::Focus;
use super::view::{ArticleView, SpanOverlay, ViewInput};

/// Window size the benchmarks pretend to have.
const SCREEN: [f32; 2] = [1280.0, 820.0];
/// Article font size.
const FONT_SIZE: f32 = 17.0;

/// Frame times of `bench view`.
#[derive(Clone, Debug, Serialize)]
pub struct ViewStats {
    /// Frames measured.
    pub frames: usize,
    /// Median frame time.
    pub median_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest frame.
    pub max_ms: f64,
    /// How many of the frames were jumps to an unseen region.
    pub jumps: usize,
    /// Median of the jump frames.
    pub jump_median_ms: f64,
    /// Slowest jump frame.
    pub jump_max_ms: f64,
}

/// Times of `bench open`.
#[derive(Clone, Debug, Serialize)]
pub struct OpenStats {
    /// From start to the first frame that shows text.
    pub text_ms: f64,
    /// From start to the first frame with every highlight.
    pub highlights_ms: f64,
    /// Peak resident memory of the process.
    pub peak_rss_mb: f64,
}

/// A headless egui context that runs the article view.
pub struct Headless {
    ctx: egui::Context,
    time: f64,
    /// The view being measured.
    pub view: ArticleView,
    /// The focus the view reads, changed by the view's intents as the app would.
    pub focus: Focus,
    hits: std::sync::Arc<Vec<crate::core::CharRange>>,
    /// Drawing that replaces the tags' (the compare view), if any.
    pub overlay: Option<std::sync::Arc<dyn SpanOverlay>>,
}

impl Default for Headless {
    fn default() -> Self {
        Self::new()
    }
}

impl Headless {
    /// A context with the default fonts and light theme.
    pub fn new() -> Self {
        let ctx = egui::Context::default();
        ctx.set_theme(egui::Theme::Light);
        Self {
            ctx,
            time: 0.0,
            view: ArticleView::default(),
            focus: Focus::default(),
            hits: Default::default(),
            overlay: None,
        }
    }

    /// Runs one frame of the view with `events`, tessellates it, and returns its duration.
    pub fn frame(&mut self, doc: &Document, events: Vec<Event>) -> f64 {
        self.time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(SCREEN[0], SCREEN[1]))),
            time: Some(self.time),
            events,
            ..Default::default()
        };
        let start = Instant::now();
        let view = &mut self.view;
        let focus = &mut self.focus;
        let hits = &self.hits;
        let overlay = self.overlay.as_ref();
        let out = self.ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                let input = ViewInput {
                    focus,
                    font_size: FONT_SIZE,
                    snap_to_words: true,
                    annotator: None,
                    search_hits: hits,
                    search_current: None,
                    dim_except: None,
                    overlay,
                };
                let out = view.ui(ui, doc, &input);
                for intent in out.intents {
                    match intent {
                        Intent::SetSelection(s) => focus.selection = s,
                        Intent::Select { id, .. } => focus.selected = id,
                        Intent::Hover(id) => focus.hovered = id,
                        _ => {}
                    }
                }
            });
        });
        let mut out = out;
        // No GPU here: the font texture updates are dropped on purpose.
        out.textures_delta.clear();
        let prims = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        std::hint::black_box(prims);
        start.elapsed().as_secs_f64() * 1000.0
    }

    /// Scrolls the view to content y (takes effect next frame).
    pub fn scroll_to(&mut self, y: f32) {
        self.view.set_scroll_offset(y);
    }
}

fn warn_debug() {
    if cfg!(debug_assertions) {
        eprintln!(
            "WARNING: this is a debug build; its timings mean little. Use `cargo run --release -- bench …`."
        );
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// Scrolls from top to bottom and back over `frames` frames, the way a reader does: the
/// document is visited in regions spread from top to bottom and back, each reached by a jump
/// (like a search hit or a list click) and then scrolled smoothly at 40 px a frame (a fast
/// mouse wheel) for 19 frames; a selection drag runs through the second region. Reports all
/// frames, and the jump frames on their own.
pub fn bench_view(path: &Path, frames: usize, options: &LoadOptions) -> Result<ViewStats, String> {
    warn_debug();
    let (doc, _) = Document::open(path, options).map_err(|e| e.to_string())?;
    Ok(scroll_frames(&mut Headless::new(), &doc, frames))
}

/// The frames of [`bench_view`] on `doc` in `h`.
#[expect(
    clippy::expect_used,
    reason = "the jump time is pushed on the line above"
)]
fn scroll_frames(h: &mut Headless, doc: &Document, frames: usize) -> ViewStats {
    // Settle layout (first frames measure fonts and estimate heights).
    h.frame(doc, vec![]);
    h.frame(doc, vec![]);
    const PER_REGION: usize = 20;
    const STEP: f32 = 40.0;
    let frames = frames.max(2 * PER_REGION);
    let regions = frames / PER_REGION;
    let mut times = Vec::with_capacity(frames);
    let mut jumps = Vec::with_capacity(regions);
    let mut quiet = Vec::new();
    let p = |x: f32, y: f32| pos2(x, y);
    for r in 0..regions {
        let t = r as f32 / (regions - 1) as f32;
        let tri = if t <= 0.5 { t * 2.0 } else { 2.0 - t * 2.0 };
        let down = t < 0.5;
        let range = (h.view.content_height() - SCREEN[1]).max(0.0);
        let mut y = range * tri;
        h.scroll_to(y);
        jumps.push(h.frame(doc, vec![Event::PointerMoved(p(640.0, 400.0))]));
        times.push(*jumps.last().expect("just pushed"));
        for k in 1..PER_REGION {
            y = (y + if down { STEP } else { -STEP }).clamp(0.0, range);
            h.scroll_to(y);
            let mut events = vec![Event::PointerMoved(p(640.0, 400.0))];
            if r == 1 {
                // A drag from (400, 300) across the text while the page scrolls.
                let x = 400.0 + k as f32 * 12.0;
                let y = 300.0 + k as f32 * 6.0;
                events = match k {
                    1 => vec![Event::PointerButton {
                        pos: p(400.0, 300.0),
                        button: PointerButton::Primary,
                        pressed: true,
                        modifiers: Default::default(),
                    }],
                    k if k == PER_REGION - 1 => vec![Event::PointerButton {
                        pos: p(x, y),
                        button: PointerButton::Primary,
                        pressed: false,
                        modifiers: Default::default(),
                    }],
                    _ => vec![Event::PointerMoved(p(x, y))],
                };
            }
            let before = h.view.layouts_done;
            let t = h.frame(doc, events);
            if h.view.layouts_done == before {
                quiet.push(t);
            }
            times.push(t);
        }
    }
    times.sort_by(f64::total_cmp);
    jumps.sort_by(f64::total_cmp);
    if std::env::var_os("TAGLINE_BENCH_DEBUG").is_some() {
        quiet.sort_by(f64::total_cmp);
        eprintln!(
            "layouts {} atlas resets {}; {} frames laid out nothing, median {:.3} ms",
            h.view.layouts_done,
            h.view.atlas_resets,
            quiet.len(),
            percentile(&quiet, 0.5)
        );
    }
    ViewStats {
        frames: times.len(),
        median_ms: percentile(&times, 0.5),
        p95_ms: percentile(&times, 0.95),
        p99_ms: percentile(&times, 0.99),
        max_ms: *times.last().unwrap_or(&0.0),
        jumps: jumps.len(),
        jump_median_ms: percentile(&jumps, 0.5),
        jump_max_ms: *jumps.last().unwrap_or(&0.0),
    }
}

/// Figures of `bench compare`: building the comparison, then the frames of the compare view.
#[derive(Clone, Debug, Serialize)]
pub struct CompareStats {
    /// Annotators compared.
    pub annotators: usize,
    /// Candidates in the merged list.
    pub candidates: usize,
    /// Pairing, candidates, agreement figures, the view's document and its overlay.
    pub compare_ms: f64,
    /// The compare view's frames (as `bench view`).
    pub view: ViewStats,
}

/// Annotator `j`'s version of the reference annotations: the reference for `j = 0`, otherwise
/// every 9th dropped, every 7th retagged and every 11th started a character later (shifted
/// by `j`, so annotators differ from each other too).
fn variant(doc: &Document, j: usize) -> Document {
    let tags: Vec<String> = doc.scheme.tags.iter().map(|t| t.id.clone()).collect();
    let text = &doc.article.text;
    let annotations = doc
        .annotations()
        .iter()
        .enumerate()
        .filter(|(i, _)| j == 0 || !(i + j).is_multiple_of(9))
        .map(|(i, a)| {
            let mut a = a.clone();
            a.annotator = format!("annotator-{}", j + 1);
            if j > 0 && (i + j).is_multiple_of(7) && !tags.is_empty() {
                let k = tags.iter().position(|t| *t == a.tag).map_or(0, |k| k + 1);
                a.tag = tags[k % tags.len()].clone();
            }
            if j > 0 && (i + 2 * j).is_multiple_of(11) && a.range.len() > 2 {
                a.range = crate::core::CharRange::new(a.range.start + 1, a.range.end);
                a.text = text.slice(a.range).unwrap_or_default().to_owned();
            }
            a
        })
        .collect();
    let mut out = Document::new(
        std::sync::Arc::clone(&doc.article),
        doc.scheme.clone(),
        None,
    );
    let mut data = doc.to_sidecar();
    data.annotations = annotations;
    out.load_data(data, &mut crate::core::OpenReport::default());
    out
}

/// Compares `annotators` versions of the article at `path` (its sidecar, varied as
/// `variant` says) and runs [`bench_view`]'s frames on the compare view.
pub fn bench_compare(
    path: &Path,
    frames: usize,
    annotators: usize,
    options: &LoadOptions,
) -> Result<CompareStats, String> {
    use super::app::compare::{CompareMode, compare_docs, overlay_of, view_document};
    warn_debug();
    let (doc, _) = Document::open(path, options).map_err(|e| e.to_string())?;
    let k = annotators.max(2);
    let others: Vec<Option<Document>> = (1..k).map(|j| Some(variant(&doc, j))).collect();
    let names: Vec<String> = (1..=k).map(|j| format!("annotator-{j}")).collect();
    let start = Instant::now();
    let cmp = compare_docs(CompareMode::Folders, "article", &doc, &others, &names)
        .ok_or("nothing to compare")?;
    let cmp = std::sync::Arc::new(cmp);
    let view_doc = view_document(&doc, &cmp);
    let overlay = overlay_of(&cmp, &Default::default(), &view_doc.scheme);
    let compare_ms = start.elapsed().as_secs_f64() * 1000.0;
    let mut h = Headless::new();
    h.overlay = Some(overlay);
    let view = scroll_frames(&mut h, &view_doc, frames);
    Ok(CompareStats {
        annotators: k,
        candidates: cmp.candidates.len(),
        compare_ms,
        view,
    })
}

/// Runs `tagline bench compare` and prints its figures (JSON with `json`).
pub fn run_compare(
    file: &Path,
    frames: usize,
    annotators: usize,
    json: bool,
    options: &LoadOptions,
) -> ExitCode {
    report(
        bench_compare(file, frames, annotators, options),
        json,
        |s: &CompareStats| {
            let v = &s.view;
            format!(
                "{}: {} annotators, {} candidates, comparison built in {:.1} ms; {} frames — median {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} jumps — median {:.2} ms, max {:.2} ms",
                file.display(),
                s.annotators,
                s.candidates,
                s.compare_ms,
                v.frames,
                v.median_ms,
                v.p95_ms,
                v.p99_ms,
                v.max_ms,
                v.jumps,
                v.jump_median_ms,
                v.jump_max_ms
            )
        },
    )
}

/// Peak resident set size of this process in MB (Linux; 0 elsewhere).
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Opens an article the way the window does — text first, then the sidecar — and reports the
/// time to the first frame with text and to the first frame with all highlights.
pub fn bench_open(path: &Path, options: &LoadOptions) -> Result<OpenStats, String> {
    warn_debug();
    let mut h = Headless::new();
    // Warm the font atlas so the measurement is of opening, not of egui's first start.
    let warm = Document::new(
        crate::core::Article::from_bytes(Path::new("warm.txt"), b"warm up", options)
            .map_err(|e| e.to_string())?,
        Scheme::default_news(),
        None,
    );
    h.frame(&warm, vec![]);
    // The window's own path: text on screen as soon as the article is decoded, while the
    // sidecar is read on another thread; then every highlight.
    let start = Instant::now();
    let mut text_ms = 0.0;
    let (doc, _report) = Document::open_with(path, options, |article, scheme| {
        let text_doc = Document::new(std::sync::Arc::clone(article), scheme.clone(), None);
        h.frame(&text_doc, vec![]);
        text_ms = start.elapsed().as_secs_f64() * 1000.0;
    })
    .map_err(|e| e.to_string())?;
    h.frame(&doc, vec![]);
    let highlights_ms = start.elapsed().as_secs_f64() * 1000.0;
    Ok(OpenStats {
        text_ms,
        highlights_ms,
        peak_rss_mb: peak_rss_mb(),
    })
}

/// Runs `tagline bench view` and prints its figures (JSON with `json`). Returns the exit code.
pub fn run_view(file: &Path, frames: usize, json: bool, options: &LoadOptions) -> ExitCode {
    report(bench_view(file, frames, options), json, |s: &ViewStats| {
        format!(
            "{}: {} frames — median {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} jumps — median {:.2} ms, max {:.2} ms",
            file.display(),
            s.frames,
            s.median_ms,
            s.p95_ms,
            s.p99_ms,
            s.max_ms,
            s.jumps,
            s.jump_median_ms,
            s.jump_max_ms
        )
    })
}

/// Runs `tagline bench open` and prints its figures (JSON with `json`). Returns the exit code.
pub fn run_open(file: &Path, json: bool, options: &LoadOptions) -> ExitCode {
    report(bench_open(file, options), json, |s: &OpenStats| {
        format!(
            "{}: text on screen {:.1} ms, all highlights {:.1} ms, peak RSS {:.0} MB",
            file.display(),
            s.text_ms,
            s.highlights_ms,
            s.peak_rss_mb
        )
    })
}

fn report<S: Serialize>(
    result: Result<S, String>,
    json: bool,
    text: impl FnOnce(&S) -> String,
) -> ExitCode {
    match result {
        Ok(stats) => {
            let line = if json {
                serde_json::to_string(&stats).unwrap_or_default()
            } else {
                text(&stats)
            };
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tagline: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The view lays out only what is near the viewport, keeps the reader's place, and paints
    /// highlights from the same core data, on a 2 MB generated article.
    /// A long paragraph split into display segments reads as one paragraph: where two
    /// segments meet, the next one's first char sits on the same row as the previous one's
    /// last char, to its right (no line break that is not in the text).
    #[test]
    fn split_paragraphs_have_no_breaks_where_segments_meet() {
        let dir = tempfile::tempdir().unwrap();
        let text = crate::synth::article_text(60_000, 3).replace('\n', " ");
        let path = dir.path().join("one-line.txt");
        std::fs::write(&path, &text).unwrap();
        let (doc, _) = Document::open(&path, &LoadOptions::default()).unwrap();
        assert!(doc.article.segments.iter().filter(|s| s.continues).count() > 5);
        let mut h = Headless::new();
        let mut checked = 0;
        let mut same_row = 0;
        let mut seen = std::collections::HashSet::new();
        for step in 0..30 {
            h.scroll_to(step as f32 * 300.0);
            for _ in 0..3 {
                h.frame(&doc, vec![]);
            }
            for (k, seg) in doc.article.segments.iter().enumerate().skip(1) {
                if !seg.continues || seen.contains(&k) {
                    continue;
                }
                let (Some(prev), Some(next)) = (
                    h.view.char_screen_pos(&doc, seg.range.start - 1),
                    h.view.char_screen_pos(&doc, seg.range.start),
                ) else {
                    continue;
                };
                let row_h = 17.0;
                if (prev.y - next.y).abs() < 1.0 {
                    assert!(next.x > prev.x, "segment {k}: {prev:?} then {next:?}");
                    same_row += 1;
                } else {
                    // Only when the row was full: the next row, at the left edge.
                    assert!((next.y - prev.y - row_h * 1.2).abs() < row_h, "segment {k}");
                    assert!(next.x < prev.x, "segment {k}");
                }
                seen.insert(k);
                checked += 1;
            }
        }
        assert!(checked >= 8, "checked {checked} joins");
        // A join starts a new row only where the row happened to be full.
        assert!(
            same_row * 10 >= checked * 8,
            "{same_row} of {checked} joins share a row"
        );
    }

    #[test]
    fn the_compare_view_draws_every_candidate_of_three_annotators() {
        let dir = tempfile::tempdir().unwrap();
        let text = crate::synth::article_text(20_000, 5);
        let path = crate::synth::write_article(dir.path(), "a.txt", &text, 200, 5).unwrap();
        let s = bench_compare(&path, 40, 3, &LoadOptions::default()).unwrap();
        assert_eq!(s.annotators, 3);
        assert!(
            s.candidates > 200,
            "variants add candidates: {}",
            s.candidates
        );
        assert_eq!(s.view.frames, 40);
    }

    #[test]
    fn view_is_virtualized() {
        let dir = tempfile::tempdir().unwrap();
        let text = crate::synth::article_text(2_000_000, 7);
        let path = crate::synth::write_article(dir.path(), "long.txt", &text, 2_000, 7).unwrap();
        let (doc, _) = Document::open(&path, &LoadOptions::default()).unwrap();
        let mut h = Headless::new();
        h.frame(&doc, vec![]);
        h.frame(&doc, vec![]);
        let segments = doc.article.segments.len();
        assert!(segments > 1000, "{segments} segments");
        let first = h.view.layouts_done;
        assert!(
            first > 0 && (first as usize) < 60,
            "only a screenful is laid out: {first}"
        );
        assert!(h.view.content_height() > 100.0 * SCREEN[1]);
        // Jump to the middle: a screenful more is laid out, not everything in between.
        h.scroll_to(h.view.content_height() / 2.0);
        h.frame(&doc, vec![]);
        h.frame(&doc, vec![]);
        assert!(h.view.layouts_done - first < 60, "{}", h.view.layouts_done);
        assert!(h.view.cached_galleys() < 200);
        // Once the overscan (a screen above and below) is laid out, scrolling a little lays
        // out nothing new.
        for _ in 0..3 {
            h.frame(&doc, vec![]);
        }
        assert!(h.view.layouts_done - first < 120, "{}", h.view.layouts_done);
        let before = h.view.layouts_done;
        let y = h.view.content_height() / 2.0;
        for step in 1..=5 {
            h.scroll_to(y + 40.0 * step as f32);
            h.frame(&doc, vec![]);
        }
        assert_eq!(h.view.layouts_done, before);
    }
}
