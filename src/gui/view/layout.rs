//! Layout: which segments are near the viewport, their galleys (cached with a memory budget and
//! dropped when egui clears its font atlas), estimated and measured heights, and overscan.

use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat};
use egui::{Galley, Rect, Ui};

use crate::core::Document;

use super::*;

impl ArticleView {
    pub(super) fn gap_after(&self, doc: &Document, i: usize, font_size: f32) -> f32 {
        match doc.article.segments.get(i + 1) {
            Some(next) if next.continues => 0.0,
            Some(_) => font_size * 0.75,
            None => font_size,
        }
    }

    pub(super) fn estimate(&self, doc: &Document, i: usize, p: &LayoutParams) -> f32 {
        let st = self.stats[i];
        let kind = doc.article.segments[i].kind;
        let scale = font_for(kind, p.font_size).0.size / p.font_size;
        let per_row = (p.wrap_width / (self.avg_char_width * scale)).max(1.0);
        let rows = (st.chars as f32 / per_row).ceil().max(1.0) + st.newlines as f32;
        rows * self.row_height * scale + self.gap_after(doc, i, p.font_size)
    }

    /// The segment at content y (clamped).
    pub(super) fn segment_at_y(&self, y: f32) -> usize {
        self.heights.index_at(y)
    }

    pub(super) fn set_params(&mut self, ui: &Ui, doc: &Document, p: LayoutParams) {
        if self.params == Some(p) {
            return;
        }
        let font = FontId::new(p.font_size, FontFamily::Proportional);
        let sample = "the quick brown fox jumps over the lazy dog, THE QUICK BROWN FOX 0123";
        let (row_height, width) = ui.ctx().fonts_mut(|f| {
            let g = f.layout_no_wrap(sample.to_owned(), font.clone(), Color32::PLACEHOLDER);
            (f.row_height(&font), g.size().x)
        });
        self.row_height = row_height;
        self.avg_char_width = width / sample.chars().count() as f32;
        // Keep the reader's place: the same fraction into the same segment.
        let (seg, off) = self.anchor;
        let old_h = if seg < self.heights.len() {
            self.heights.get(seg).max(1.0)
        } else {
            1.0
        };
        let had_params = self.params.is_some();
        self.params = Some(p);
        self.cache.clear();
        self.cache_bytes = 0;
        let estimates: Vec<f32> = (0..self.stats.len())
            .map(|i| self.estimate(doc, i, &p))
            .collect();
        self.measured = vec![false; self.stats.len()];
        self.header_height = header_height(doc, p.font_size, row_height);
        self.heights = Heights::new(estimates, self.header_height);
        if had_params && seg < self.heights.len() {
            let frac = off / old_h;
            self.force_offset = Some(self.heights.top(seg) + frac * self.heights.get(seg));
        }
    }

    /// Lays out segment `i` (or takes it from the cache) and corrects its height.
    #[expect(
        clippy::expect_used,
        reason = "layout parameters are set at the start of every frame, before layout"
    )]
    pub(super) fn galley(&mut self, ui: &Ui, doc: &Document, i: usize) -> (Arc<Galley>, bool) {
        let frame = self.frame;
        if let Some(c) = self.cache.get_mut(&i) {
            c.last_used = frame;
            return (c.galley.clone(), false);
        }
        let p = self.params.expect("params set before layout");
        let seg = doc.article.segments[i];
        let text = display_text(doc.article.text.slice(seg.range).unwrap_or(""));
        let (font_id, italics) = font_for(seg.kind, p.font_size);
        let leading = self.leading_for(doc, i);
        let mut job = LayoutJob::single_section(
            text,
            TextFormat {
                font_id,
                italics,
                color: Color32::PLACEHOLDER,
                ..Default::default()
            },
        );
        if let Some(first) = job.sections.first_mut() {
            first.leading_space = leading;
        }
        job.wrap.max_width = p.wrap_width;
        job.keep_trailing_whitespace = true;
        let bytes = job.text.len() * GALLEY_BYTES_PER_TEXT_BYTE + 1024;
        let galley = ui.ctx().fonts_mut(|f| f.layout_job(job));
        self.layouts_done += 1;
        let mut row_starts = Vec::with_capacity(galley.rows.len());
        let mut c = 0;
        for row in &galley.rows {
            row_starts.push(c);
            c += row.char_count_including_newline().0;
        }
        // A segment whose next one continues its paragraph shares its last row with it.
        let end_x = galley.rows.last().map_or(0.0, |r| r.rect().max.x);
        let shared = match doc.article.segments.get(i + 1) {
            Some(next) if next.continues && self.room_after(end_x) => {
                galley.rows.last().map_or(0.0, |r| r.rect().height())
            }
            _ => 0.0,
        };
        let h = galley.size().y - shared + self.gap_after(doc, i, p.font_size);
        // The next segment was laid out after a different end of this one's last row: lay it
        // out again (it then checks the one after it the same way).
        let next_leading = if shared > 0.0 { end_x } else { 0.0 };
        if doc.article.segments.get(i + 1).is_some_and(|n| n.continues)
            && self
                .cache
                .get(&(i + 1))
                .is_some_and(|c| (c.leading - next_leading).abs() > 0.5)
            && let Some(stale) = self.cache.remove(&(i + 1))
        {
            self.cache_bytes -= stale.bytes;
        }
        if !self.measured[i] || (self.heights.get(i) - h).abs() > 0.01 {
            self.heights.set(i, h);
            self.measured[i] = true;
        }
        self.cache_bytes += bytes;
        self.cache.insert(
            i,
            CachedGalley {
                galley: galley.clone(),
                row_starts: row_starts.into(),
                leading,
                last_used: frame,
                bytes,
            },
        );
        (galley, true)
    }

    /// Where segment `i`'s first row starts: after the previous segment's last row when `i`
    /// continues its paragraph and that row is known, else at the left edge (a row full to the
    /// edge also starts the next one on a new row).
    fn leading_for(&self, doc: &Document, i: usize) -> f32 {
        if i == 0 || !doc.article.segments[i].continues {
            return 0.0;
        }
        let end = self
            .cache
            .get(&(i - 1))
            .and_then(|c| c.galley.rows.last())
            .map_or(0.0, |r| r.rect().max.x);
        if self.room_after(end) { end } else { 0.0 }
    }

    /// `true` when a row ending at `end_x` has room for the next segment to go on: with no
    /// room for even a short word, the next segment starts a new row (as wrapping would).
    fn room_after(&self, end_x: f32) -> bool {
        self.params
            .is_some_and(|p| end_x > 0.0 && end_x <= p.wrap_width - 4.0 * self.avg_char_width)
    }

    pub(super) fn evict(&mut self) {
        if self.cache_bytes <= CACHE_BUDGET_BYTES {
            return;
        }
        let mut by_age: Vec<(u64, usize)> =
            self.cache.iter().map(|(&i, c)| (c.last_used, i)).collect();
        by_age.sort_unstable();
        for (used, i) in by_age {
            if self.cache_bytes <= CACHE_BUDGET_BYTES * 3 / 4 || used == self.frame {
                break;
            }
            if let Some(c) = self.cache.remove(&i) {
                self.cache_bytes -= c.bytes;
            }
        }
    }

    /// Lays out up to a screen beyond each edge of the viewport, in one go, when the segment
    /// just past an edge is not laid out yet: scrolling then shapes text in one frame per
    /// screen instead of a little in most frames. Measured heights above the viewport move
    /// what is on screen, so the scroll offset is corrected to keep the top line in place.
    pub(super) fn overscan(
        &mut self,
        ui: &Ui,
        doc: &Document,
        first: usize,
        end: usize,
        viewport: Rect,
    ) {
        let n = self.heights.len();
        let screen = viewport.height().max(100.0);
        if end < n && !self.cache.contains_key(&end) {
            let mut i = end;
            while i < n && self.heights.top(i) < viewport.bottom() + screen {
                self.galley(ui, doc, i);
                i += 1;
            }
            // One side per frame.
            ui.ctx().request_repaint();
            return;
        }
        if first > 0 && !self.cache.contains_key(&(first - 1)) {
            let before = self.heights.top(first);
            let mut i = first;
            while i > 0 && self.heights.top(i) > viewport.top() - screen {
                i -= 1;
                self.galley(ui, doc, i);
            }
            let delta = self.heights.top(first) - before;
            if delta.abs() > 0.25 && self.force_offset.is_none() {
                self.force_offset = Some((viewport.top() + delta).max(0.0));
                self.anchor.1 = viewport.top() - before;
            }
        }
    }

    /// Lays out the segments that intersect `viewport` (correcting their heights) and, in a
    /// frame that shaped nothing new, the overscan. Returns each visible segment with its top.
    pub(super) fn lay_out_visible(
        &mut self,
        ui: &Ui,
        doc: &Document,
        viewport: Rect,
    ) -> Vec<(usize, f32, Arc<Galley>)> {
        // Visible segments: lay out, correct heights, then paint.
        let n = self.heights.len();
        let mut visible = Vec::new();
        if n > 0 {
            let first = self.segment_at_y(viewport.top());
            self.anchor = (first, viewport.top() - self.heights.top(first));
            let mut y = self.heights.top(first);
            let mut i = first;
            let mut changed = false;
            while i < n && y < viewport.bottom() {
                let (galley, fresh) = self.galley(ui, doc, i);
                changed |= fresh;
                visible.push((i, y, galley));
                y += self.heights.get(i);
                i += 1;
            }
            if changed {
                // Visible text was shaped this frame: leave the overscan to the next one.
                ui.ctx().request_repaint();
            } else {
                self.overscan(ui, doc, first, i, viewport);
            }
        }
        visible
    }
}
