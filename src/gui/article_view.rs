//! The article view: a virtualized reading view with highlights painted under cached
//! paragraph galleys.
//!
//! Design (see `docs/performance.md`): the article's display segments are laid out one galley
//! each, only near the viewport, into an app-owned cache keyed by (segment, font size, wrap
//! width, pixels per point) with a memory budget. Segment heights start as estimates, are kept
//! in prefix sums, and are corrected as segments get laid out; the top visible line stays put
//! when heights change or the window resizes. Highlights, search hits and the selection are
//! rectangles computed from glyph geometry and painted beneath the text, so creating,
//! retagging or deleting an annotation never re-lays-out text. Selection lives in document
//! char offsets, so it survives scrolling.

use std::collections::HashMap;
use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat};
use egui::{
    Align2, Color32, CornerRadius, FontFamily, FontId, Galley, Pos2, Rect, Response, Sense, Stroke,
    Ui, pos2, vec2,
};

use crate::core::text::nav as text_nav;
use crate::core::{Annotation, CharRange, Document, SegmentKind, Status};

use super::heights::Heights;
use super::theme;

/// Most memory the galley cache may hold (approximate).
const CACHE_BUDGET_BYTES: usize = 8 * 1024 * 1024;
/// Rough cost of a laid-out galley per byte of text.
const GALLEY_BYTES_PER_TEXT_BYTE: usize = 200;
/// Widest text column, in multiples of the font size.
const READING_WIDTH_EMS: f32 = 40.0;

/// A selection in document chars: `anchor` stays put, `head` moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Where the selection started.
    pub anchor: usize,
    /// Where it ends now (the caret).
    pub head: usize,
}

impl Selection {
    /// The selected range, ordered.
    pub fn range(&self) -> CharRange {
        CharRange::new(self.anchor.min(self.head), self.anchor.max(self.head))
    }
}

/// What happened in the view this frame that the app may act on.
#[derive(Default, Debug)]
pub struct ViewOutput {
    /// An annotation was clicked (already selected in the view).
    pub clicked_annotation: Option<String>,
    /// The context menu asked to tag the selection with this tag.
    pub tag_selection: Option<String>,
    /// The context menu asked to delete this annotation.
    pub delete_annotation: Option<String>,
    /// The view's response (for focus and accessibility).
    pub response: Option<Response>,
}

#[derive(Clone, Copy, PartialEq)]
struct LayoutParams {
    wrap_width: f32,
    font_size: f32,
    pixels_per_point: f32,
}

struct CachedGalley {
    galley: Arc<Galley>,
    /// Char index (in the segment) where each row starts.
    row_starts: Arc<[usize]>,
    last_used: u64,
    bytes: usize,
}

/// Per-segment facts for estimating heights.
#[derive(Clone, Copy)]
struct SegStats {
    chars: usize,
    newlines: usize,
}

/// The article view's state; one per open document.
pub struct ArticleView {
    doc_key: Option<(std::path::PathBuf, String)>,
    stats: Vec<SegStats>,
    heights: Heights,
    measured: Vec<bool>,
    params: Option<LayoutParams>,
    cache: HashMap<usize, CachedGalley>,
    cache_bytes: usize,
    frame: u64,
    /// First visible segment and how far into it the viewport top is, as of last frame.
    anchor: (usize, f32),
    force_offset: Option<f32>,
    /// Height above the first segment (the header card's metadata line).
    header_height: f32,
    row_height: f32,
    avg_char_width: f32,
    /// The text selection, in document chars.
    pub selection: Option<Selection>,
    /// The annotation selected for editing.
    pub selected_annotation: Option<String>,
    /// The annotation under the pointer.
    pub hovered_annotation: Option<String>,
    /// Snap mouse selections to whole words.
    pub snap_to_words: bool,
    /// Only show this annotator's annotations.
    pub annotator_filter: Option<String>,
    /// Search hits to outline.
    pub search_hits: Vec<CharRange>,
    /// The current search hit.
    pub search_current: Option<usize>,
    dragging: bool,
    last_viewport: Rect,
    last_inner: Rect,
    /// Left edge of the text column inside the content.
    left: f32,
    /// A tiny galley from egui's own cache: a new one means egui cleared its font atlas, and
    /// every galley we hold points at glyphs that are gone.
    sentinel: Option<Arc<Galley>>,
    /// Segments laid out since the view was created (for tests and benchmarks).
    pub layouts_done: u64,
    /// Times egui cleared its font atlas and the cache had to be dropped.
    pub atlas_resets: u64,
    /// Highlights painted in the last frame.
    painted: usize,
    /// Positions (in `doc.annotations()`) of the annotations shown in each segment, valid
    /// while `seg_anns_key` matches: frames that lay out nothing touch no document-wide data.
    seg_anns: HashMap<usize, Arc<[u32]>>,
    seg_anns_key: (u64, usize, usize, Option<String>),
}

impl Default for ArticleView {
    fn default() -> Self {
        Self {
            doc_key: None,
            stats: Vec::new(),
            heights: Heights::default(),
            measured: Vec::new(),
            params: None,
            cache: HashMap::new(),
            cache_bytes: 0,
            frame: 0,
            anchor: (0, 0.0),
            force_offset: None,
            header_height: 0.0,
            row_height: 20.0,
            avg_char_width: 8.0,
            selection: None,
            selected_annotation: None,
            hovered_annotation: None,
            snap_to_words: true,
            annotator_filter: None,
            search_hits: Vec::new(),
            search_current: None,
            dragging: false,
            last_viewport: Rect::NOTHING,
            last_inner: Rect::NOTHING,
            left: 0.0,
            sentinel: None,
            atlas_resets: 0,
            painted: 0,
            seg_anns: HashMap::new(),
            seg_anns_key: (0, 0, 0, None),
            layouts_done: 0,
        }
    }
}

/// The display text of a segment: one char per source char, so galley indexes are offsets.
/// CR of a CRLF shows as a space, a lone CR as a line break, other control chars as spaces.
pub fn display_text(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => out.push(' '),
            '\r' => out.push('\n'),
            '\n' => out.push('\n'),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn font_for(kind: SegmentKind, base: f32) -> (FontId, bool) {
    match kind {
        SegmentKind::Title => (FontId::new(base * 1.55, FontFamily::Proportional), false),
        SegmentKind::Excerpt => (FontId::new(base * 1.02, FontFamily::Proportional), true),
        SegmentKind::Heading(level) => (
            FontId::new(
                base * (1.45 - 0.1 * f32::from(level.min(6))),
                FontFamily::Proportional,
            ),
            false,
        ),
        SegmentKind::Paragraph => (FontId::new(base, FontFamily::Proportional), false),
    }
}

impl ArticleView {
    /// Forgets per-document state when `doc` is not the document last shown.
    fn sync_document(&mut self, doc: &Document) {
        let key = (doc.article.path.clone(), doc.article.sha256.clone());
        if self.doc_key.as_ref() == Some(&key) {
            return;
        }
        let selected_annotation = None;
        *self = ArticleView {
            snap_to_words: self.snap_to_words,
            selected_annotation,
            ..ArticleView::default()
        };
        self.doc_key = Some(key);
        let text = &doc.article.text;
        self.stats = doc
            .article
            .segments
            .iter()
            .map(|s| {
                let slice = text.slice(s.range).unwrap_or("");
                SegStats {
                    chars: s.range.len(),
                    newlines: slice.bytes().filter(|&b| b == b'\n' || b == b'\r').count(),
                }
            })
            .collect();
        self.heights = Heights::new(vec![0.0; self.stats.len()], 0.0);
        self.measured = vec![false; self.stats.len()];
    }

    fn gap_after(&self, doc: &Document, i: usize, font_size: f32) -> f32 {
        match doc.article.segments.get(i + 1) {
            Some(next) if next.continues => 0.0,
            Some(_) => font_size * 0.75,
            None => font_size,
        }
    }

    fn estimate(&self, doc: &Document, i: usize, p: &LayoutParams) -> f32 {
        let st = self.stats[i];
        let kind = doc.article.segments[i].kind;
        let scale = font_for(kind, p.font_size).0.size / p.font_size;
        let per_row = (p.wrap_width / (self.avg_char_width * scale)).max(1.0);
        let rows = (st.chars as f32 / per_row).ceil().max(1.0) + st.newlines as f32;
        rows * self.row_height * scale + self.gap_after(doc, i, p.font_size)
    }

    /// The segment at content y (clamped).
    fn segment_at_y(&self, y: f32) -> usize {
        self.heights.index_at(y)
    }

    /// Total content height.
    pub fn content_height(&self) -> f32 {
        self.heights.total()
    }

    /// Highlights painted in the last frame (for tests).
    pub fn painted_annotations(&self) -> usize {
        self.painted
    }

    /// Number of galleys in the cache (for tests and benchmarks).
    pub fn cached_galleys(&self) -> usize {
        self.cache.len()
    }

    /// Approximate bytes held by the galley cache.
    pub fn cache_bytes(&self) -> usize {
        self.cache_bytes
    }

    fn set_params(&mut self, ui: &Ui, doc: &Document, p: LayoutParams) {
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
    fn galley(&mut self, ui: &Ui, doc: &Document, i: usize) -> (Arc<Galley>, bool) {
        let frame = self.frame;
        if let Some(c) = self.cache.get_mut(&i) {
            c.last_used = frame;
            return (c.galley.clone(), false);
        }
        let p = self.params.expect("params set before layout");
        let seg = doc.article.segments[i];
        let text = display_text(doc.article.text.slice(seg.range).unwrap_or(""));
        let (font_id, italics) = font_for(seg.kind, p.font_size);
        let mut job = LayoutJob::single_section(
            text,
            TextFormat {
                font_id,
                italics,
                color: Color32::PLACEHOLDER,
                ..Default::default()
            },
        );
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
        let h = galley.size().y + self.gap_after(doc, i, p.font_size);
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
                last_used: frame,
                bytes,
            },
        );
        (galley, true)
    }

    fn evict(&mut self) {
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

    /// Scrolls to content y (takes effect next frame).
    pub fn set_scroll_offset(&mut self, y: f32) {
        self.force_offset = Some(y.max(0.0));
    }

    /// Scrolls so that char `offset` is in view (a third from the top).
    pub fn scroll_to_char(&mut self, doc: &Document, offset: usize) {
        let Some(seg) = doc.article.segment_at(offset) else {
            return;
        };
        if seg >= self.heights.len() {
            return;
        }
        let mut y = self.heights.top(seg);
        if let Some(c) = self.cache.get(&seg) {
            let local = offset.saturating_sub(doc.article.segments[seg].range.start);
            let r = c.galley.pos_from_cursor(egui::text::CCursor::new(local));
            y += r.min.y;
        } else if let Some(p) = self.params {
            // Estimate the row inside a segment not laid out yet.
            let local = offset.saturating_sub(doc.article.segments[seg].range.start) as f32;
            y += (local * self.avg_char_width / p.wrap_width).floor() * self.row_height;
        }
        let view_h = self.last_viewport.height().max(100.0);
        self.force_offset = Some((y - view_h / 3.0).max(0.0));
        self.anchor = (seg, 0.0);
    }

    /// Where char `offset` was drawn last frame (the middle of its left edge), if on screen.
    pub fn char_screen_pos(&self, doc: &Document, offset: usize) -> Option<Pos2> {
        let seg = doc.article.segment_at(offset)?;
        let c = self.cache.get(&seg)?;
        let local = offset.checked_sub(doc.article.segments[seg].range.start)?;
        let r = c.galley.pos_from_cursor(egui::text::CCursor::new(local));
        let origin = self.last_inner.min - self.last_viewport.min.to_vec2();
        let p = origin + vec2(self.left, self.heights.top(seg)) + r.center().to_vec2();
        self.last_inner.contains(p).then_some(p)
    }

    /// `true` when char `offset` lies on screen as of the last frame.
    pub fn is_char_visible(&self, doc: &Document, offset: usize) -> bool {
        let Some(seg) = doc.article.segment_at(offset) else {
            return false;
        };
        seg < self.heights.len()
            && self.heights.top(seg) < self.last_viewport.bottom()
            && self.heights.top(seg + 1) > self.last_viewport.top()
    }

    /// The document char under a screen position, as of the last frame (hit-testing against
    /// the cached galleys; `None` off the text or where nothing is laid out).
    pub fn char_at(&self, doc: &Document, pos: Pos2) -> Option<usize> {
        if self.heights.is_empty() || !self.last_inner.contains(pos) {
            return None;
        }
        let content_origin = self.last_inner.min - self.last_viewport.min.to_vec2();
        let y = pos.y - content_origin.y;
        let i = self.segment_at_y(y);
        let galley = &self.cache.get(&i)?.galley;
        let local = vec2(
            pos.x - content_origin.x - self.left,
            y - self.heights.top(i),
        );
        let seg = doc.article.segments[i].range;
        Some((seg.start + galley.cursor_from_pos(local).index.0).min(seg.end))
    }

    /// Shows the view in `ui`, taking all remaining space.
    pub fn ui(&mut self, ui: &mut Ui, doc: &Document, font_size: f32) -> ViewOutput {
        self.sync_document(doc);
        self.frame += 1;
        let mut out = ViewOutput::default();
        let avail = ui.available_size();
        let wrap_width = (avail.x - 2.0 * theme::TEXT_MARGIN - 16.0)
            .min(font_size * READING_WIDTH_EMS)
            .max(120.0)
            .round();
        self.set_params(
            ui,
            doc,
            LayoutParams {
                wrap_width,
                font_size,
                pixels_per_point: ui.ctx().pixels_per_point(),
            },
        );
        let sentinel = ui.ctx().fonts_mut(|f| {
            f.layout_no_wrap(
                "Tagline".to_owned(),
                FontId::proportional(12.0),
                Color32::PLACEHOLDER,
            )
        });
        if self
            .sentinel
            .as_ref()
            .is_some_and(|old| !Arc::ptr_eq(old, &sentinel))
        {
            self.cache.clear();
            self.cache_bytes = 0;
            self.atlas_resets += 1;
        }
        self.sentinel = Some(sentinel);
        let mut area = egui::ScrollArea::vertical()
            .id_salt("article_view")
            .auto_shrink(false)
            .animated(false);
        if let Some(y) = self.force_offset.take() {
            area = area.vertical_scroll_offset(y);
        }
        let output = area.show_viewport(ui, |ui, viewport| {
            self.contents_ui(ui, doc, viewport, &mut out)
        });
        self.last_inner = output.inner_rect;
        self.evict();
        out
    }

    #[expect(
        clippy::expect_used,
        reason = "layout parameters are set at the start of every frame, before layout"
    )]
    fn contents_ui(&mut self, ui: &mut Ui, doc: &Document, viewport: Rect, out: &mut ViewOutput) {
        let origin = ui.max_rect().min;
        self.last_viewport = viewport;
        let width = ui.available_width();
        let left =
            ((width - self.params.map_or(0.0, |p| p.wrap_width)) / 2.0).max(theme::TEXT_MARGIN);
        self.left = left;
        let total = self.content_height().max(viewport.height());
        let (rect, response) = ui.allocate_exact_size(vec2(width, total), Sense::click_and_drag());
        let id = response.id;
        response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Document, true, "Article text"));
        let visuals = ui.visuals().clone();
        let painter = ui.painter_at(ui.clip_rect());
        let text_color = theme::reading_text(&visuals);

        // Header card: metadata line plus the title/excerpt segments' background.
        let fm_segments = doc
            .article
            .segments
            .iter()
            .take_while(|s| matches!(s.kind, SegmentKind::Title | SegmentKind::Excerpt))
            .count();
        let p = self.params.expect("params set");
        if self.header_height > 0.0 || fm_segments > 0 {
            let bottom = self.heights.top(fm_segments);
            if viewport.top() < bottom {
                let card = Rect::from_min_max(
                    origin + vec2(left - 14.0, 4.0),
                    origin + vec2(left + p.wrap_width + 14.0, bottom - p.font_size * 0.35),
                );
                painter.rect_filled(card, CornerRadius::same(6), theme::card_fill(&visuals));
                let meta = metadata_line(doc);
                if !meta.is_empty() {
                    painter.text(
                        origin + vec2(left, 12.0),
                        Align2::LEFT_TOP,
                        meta,
                        FontId::proportional(p.font_size * 0.8),
                        visuals.weak_text_color(),
                    );
                }
                if fm_segments == doc.article.segments.len() {
                    // Front matter only (some feeds save articles this way).
                    painter.text(
                        origin + vec2(left, bottom + p.font_size * 0.5),
                        Align2::LEFT_TOP,
                        "This article has no body text: its title and excerpt above can be annotated.",
                        FontId::proportional(p.font_size * 0.8),
                        visuals.weak_text_color(),
                    );
                }
            }
        }

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

        // Pointer: hover, click, drag-select.
        let pointer = ui.input(|i| i.pointer.hover_pos());
        let shift = ui.input(|i| i.modifiers.shift);
        let hit = |this: &mut Self, pos: Pos2| -> Option<usize> {
            let y = pos.y - origin.y;
            let i = this.segment_at_y(y);
            let (galley, _) = this.galley(ui, doc, i);
            let local = vec2(pos.x - origin.x - left, y - this.heights.top(i));
            let seg = doc.article.segments.get(i)?.range;
            Some((seg.start + galley.cursor_from_pos(local).index.0).min(seg.end))
        };
        self.hovered_annotation = None;
        let mut hover_char = None;
        if let Some(pos) = pointer.filter(|p| rect.contains(*p) && ui.clip_rect().contains(*p)) {
            hover_char = hit(self, pos);
            if let Some(c) = hover_char {
                self.hovered_annotation = self.annotations_at(doc, c).last().map(|a| a.id.clone());
            }
        }
        if response.drag_started() {
            // Where the button went down, not where the drag was recognised.
            let origin_pos = ui
                .input(|i| i.pointer.press_origin())
                .or(response.interact_pointer_pos());
            if let Some(c) = origin_pos.and_then(|p| hit(self, p)) {
                self.selection = Some(match (shift, self.selection) {
                    (true, Some(s)) => Selection {
                        anchor: s.anchor,
                        head: c,
                    },
                    _ => Selection { anchor: c, head: c },
                });
                self.dragging = true;
            }
            response.request_focus();
        }
        if self.dragging
            && response.dragged()
            && let Some(pos) = ui.input(|i| i.pointer.interact_pos())
        {
            {
                if let Some(c) = hit(self, pos)
                    && let Some(s) = &mut self.selection
                {
                    s.head = c;
                }
                // Autoscroll while dragging past the edges.
                let clip = ui.clip_rect();
                let speed = if pos.y < clip.top() + 24.0 {
                    -(clip.top() + 24.0 - pos.y).min(60.0)
                } else if pos.y > clip.bottom() - 24.0 {
                    (pos.y - clip.bottom() + 24.0).min(60.0)
                } else {
                    0.0
                };
                if speed != 0.0 {
                    self.force_offset = Some((viewport.top() + speed).max(0.0));
                    ui.ctx().request_repaint();
                }
            }
        }
        if response.drag_stopped() && self.dragging {
            self.dragging = false;
            self.finish_mouse_selection(doc);
        }
        if response.double_clicked() {
            if let Some(w) = hover_char.and_then(|c| text_nav::word_at(&doc.article.text, c)) {
                self.selection = Some(Selection {
                    anchor: w.start,
                    head: w.end,
                });
            }
        } else if response.clicked() {
            response.request_focus();
            if let Some(c) = hover_char {
                if shift && let Some(s) = self.selection {
                    self.selection = Some(Selection {
                        anchor: s.anchor,
                        head: c,
                    });
                    self.finish_mouse_selection(doc);
                } else {
                    let stack = self.annotations_at(doc, c);
                    if stack.is_empty() {
                        self.selected_annotation = None;
                        self.selection = Some(Selection { anchor: c, head: c });
                    } else {
                        // Clicking again on stacked annotations cycles through them, innermost first.
                        let ids: Vec<String> = stack.iter().rev().map(|a| a.id.clone()).collect();
                        let next = match self
                            .selected_annotation
                            .as_ref()
                            .and_then(|s| ids.iter().position(|i| i == s))
                        {
                            Some(k) => ids[(k + 1) % ids.len()].clone(),
                            None => ids[0].clone(),
                        };
                        self.selected_annotation = Some(next.clone());
                        self.selection = None;
                        out.clicked_annotation = Some(next);
                    }
                }
            }
        }

        // Paint, beneath the text first.
        self.painted = 0;
        let sel = self.selection.map(|s| s.range()).filter(|r| !r.is_empty());
        let related: Vec<String> = self.related_ids(doc);
        let mut anchors: HashMap<String, Pos2> = HashMap::new();
        for (i, y, galley) in &visible {
            let seg = doc.article.segments[*i].range;
            let galley_pos = origin + vec2(left, *y);
            let row_starts = self
                .cache
                .get(i)
                .map(|c| Arc::clone(&c.row_starts))
                .unwrap_or_default();
            let anns = self.segment_annotations(doc, *i);
            let depths = layer_depths(&anns);
            self.painted += anns.len();
            for (a, depth) in anns.iter().zip(&depths) {
                let Some(local) = local_range(seg, a.range) else {
                    continue;
                };
                let tag = doc.scheme.tag(&a.tag);
                let rgb = tag.map(|t| t.rgb()).unwrap_or([150, 150, 150]);
                let rects = range_rects(galley, &row_starts, local);
                let fill = theme::highlight_fill(&visuals, rgb, a.status);
                let line = theme::highlight_line(&visuals, rgb);
                for r in &rects {
                    let r = r.translate(galley_pos.to_vec2());
                    if a.status != Some(Status::Suggested) {
                        painter.rect_filled(r, CornerRadius::same(2), fill);
                    }
                    let uy = r.bottom() - 1.0 - 3.0 * *depth as f32;
                    if a.status == Some(Status::Suggested) {
                        painter.add(egui::Shape::dashed_line(
                            &[pos2(r.left(), uy), pos2(r.right(), uy)],
                            Stroke::new(2.0, line),
                            5.0,
                            3.0,
                        ));
                    } else {
                        painter.line_segment(
                            [pos2(r.left(), uy), pos2(r.right(), uy)],
                            Stroke::new(2.0, line),
                        );
                    }
                }
                let selected = self.selected_annotation.as_deref() == Some(a.id.as_str());
                let hovered = self.hovered_annotation.as_deref() == Some(a.id.as_str());
                if selected || hovered || related.contains(&a.id) {
                    let stroke = if selected {
                        Stroke::new(2.0, visuals.strong_text_color())
                    } else {
                        Stroke::new(1.5, line)
                    };
                    for r in &rects {
                        painter.rect_stroke(
                            r.translate(galley_pos.to_vec2()).expand(1.0),
                            CornerRadius::same(2),
                            stroke,
                            egui::StrokeKind::Outside,
                        );
                    }
                }
                if let Some(first) = rects.first()
                    && a.range.start >= seg.start
                {
                    anchors.insert(
                        a.id.clone(),
                        first.translate(galley_pos.to_vec2()).center_top(),
                    );
                }
                if a.status == Some(Status::Uncertain)
                    && let Some(last) = rects.last()
                {
                    painter.text(
                        last.translate(galley_pos.to_vec2()).right_top(),
                        Align2::LEFT_BOTTOM,
                        "?",
                        FontId::proportional(p.font_size * 0.7),
                        line,
                    );
                }
            }
            // Search hits.
            let lo = self.search_hits.partition_point(|h| h.end <= seg.start);
            for (k, h) in self.search_hits[lo..]
                .iter()
                .enumerate()
                .take_while(|(_, h)| h.start < seg.end)
            {
                let Some(local) = local_range(seg, *h) else {
                    continue;
                };
                let current = self.search_current == Some(lo + k);
                for r in range_rects(galley, &row_starts, local) {
                    let r = r.translate(galley_pos.to_vec2()).expand(1.0);
                    if current {
                        painter.rect_filled(r, CornerRadius::same(2), theme::SEARCH_CURRENT);
                    }
                    painter.rect_stroke(
                        r,
                        CornerRadius::same(2),
                        Stroke::new(1.5, theme::SEARCH_HIT),
                        egui::StrokeKind::Outside,
                    );
                }
            }
            // Text selection.
            if let Some(local) = sel.and_then(|s| local_range(seg, s)) {
                for r in range_rects(galley, &row_starts, local) {
                    painter.rect_filled(
                        r.translate(galley_pos.to_vec2()),
                        0.0,
                        visuals.selection.bg_fill.gamma_multiply(0.6),
                    );
                }
            }
            let color = match doc.article.segments[*i].kind {
                SegmentKind::Title => visuals.strong_text_color(),
                _ => text_color,
            };
            painter.galley(galley_pos, galley.clone(), color);
            // Caret.
            if let Some(s) = self.selection
                && ui.memory(|m| m.has_focus(id))
                && s.head >= seg.start
                && s.head <= seg.end
            {
                let r = galley.pos_from_cursor(egui::text::CCursor::new(s.head - seg.start));
                let r = r.translate(galley_pos.to_vec2());
                painter.line_segment(
                    [r.left_top(), r.left_bottom()],
                    Stroke::new(1.5, visuals.strong_text_color()),
                );
            }
        }
        // Relations of the hovered or selected annotation: a line between the two spans.
        if let Some(focus) = self
            .hovered_annotation
            .clone()
            .or_else(|| self.selected_annotation.clone())
        {
            for r in doc.relations_of(&focus) {
                if let (Some(a), Some(b)) = (anchors.get(&r.from), anchors.get(&r.to)) {
                    let stroke = Stroke::new(1.5, visuals.strong_text_color().gamma_multiply(0.7));
                    let (a, b) = (*a, *b);
                    let mid = pos2((a.x + b.x) / 2.0, a.y.min(b.y) - 18.0);
                    painter.add(egui::epaint::QuadraticBezierShape::from_points_stroke(
                        [a, mid, b],
                        false,
                        Color32::TRANSPARENT,
                        stroke,
                    ));
                    painter.circle_filled(b, 3.0, stroke.color);
                    painter.text(
                        mid,
                        Align2::CENTER_BOTTOM,
                        r.kind.replace('_', " "),
                        FontId::proportional(p.font_size * 0.65),
                        stroke.color,
                    );
                }
            }
        }

        // Hover tooltip with the annotation under the pointer.
        if !self.dragging
            && let Some(id) = self.hovered_annotation.clone()
            && let Some(a) = doc.annotation(&id)
        {
            let rels: Vec<String> = doc
                .relations_of(&id)
                .map(|r| describe_relation(doc, r, &id, 40).0)
                .collect();
            response.clone().on_hover_ui_at_pointer(|ui| {
                annotation_tooltip_ui(ui, &doc.scheme, a, &rels);
            });
        }

        // Context menu: tag the selection or delete the annotation under the pointer.
        let menu_target = self.hovered_annotation.clone();
        let has_sel = sel.is_some();
        response.context_menu(|ui| {
            if has_sel {
                ui.label("Tag selection as");
                for t in &doc.scheme.tags {
                    let text = match &t.key {
                        Some(k) => format!("{}   ({k})", t.label),
                        None => t.label.clone(),
                    };
                    if ui.button(text).clicked() {
                        out.tag_selection = Some(t.id.clone());
                        ui.close();
                    }
                }
            }
            if let Some(id) = &menu_target {
                if has_sel {
                    ui.separator();
                }
                if ui.button("Delete annotation").clicked() {
                    out.delete_annotation = Some(id.clone());
                    ui.close();
                }
            }
            if !has_sel && menu_target.is_none() {
                ui.label("Select text to tag it");
            }
        });
        if ui.memory(|m| m.has_focus(id)) {
            ui.memory_mut(|m| {
                m.set_focus_lock_filter(
                    id,
                    egui::EventFilter {
                        horizontal_arrows: true,
                        vertical_arrows: true,
                        ..Default::default()
                    },
                );
            });
        }
        out.response = Some(response);
    }

    /// Lays out up to a screen beyond each edge of the viewport, in one go, when the segment
    /// just past an edge is not laid out yet: scrolling then shapes text in one frame per
    /// screen instead of a little in most frames. Measured heights above the viewport move
    /// what is on screen, so the scroll offset is corrected to keep the top line in place.
    fn overscan(&mut self, ui: &Ui, doc: &Document, first: usize, end: usize, viewport: Rect) {
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

    fn finish_mouse_selection(&mut self, doc: &Document) {
        let Some(s) = self.selection else { return };
        let r = s.range();
        if r.is_empty() {
            return;
        }
        if self.snap_to_words {
            let snapped = text_nav::snap_to_words(&doc.article.text, r);
            if !snapped.is_empty() {
                self.selection = Some(if s.head >= s.anchor {
                    Selection {
                        anchor: snapped.start,
                        head: snapped.end,
                    }
                } else {
                    Selection {
                        anchor: snapped.end,
                        head: snapped.start,
                    }
                });
            }
        }
    }

    /// Annotations shown in segment `i` (not orphaned, passing the annotator filter).
    fn segment_annotations<'d>(&mut self, doc: &'d Document, i: usize) -> Vec<&'d Annotation> {
        let anns = doc.annotations();
        let key = (
            doc.revision(),
            anns.as_ptr() as usize,
            anns.len(),
            self.annotator_filter.clone(),
        );
        if self.seg_anns_key != key {
            self.seg_anns.clear();
            self.seg_anns_key = key;
        }
        if self.seg_anns.len() > 4096 {
            self.seg_anns.clear();
        }
        let filter = self.annotator_filter.clone();
        let positions = self
            .seg_anns
            .entry(i)
            .or_insert_with(|| {
                let range = doc.article.segments[i].range;
                doc.visible_positions(range)
                    .into_iter()
                    .filter(|&k| filter.as_ref().is_none_or(|w| &anns[k].annotator == w))
                    .map(|k| k as u32)
                    .collect()
            })
            .clone();
        positions.iter().map(|&k| &anns[k as usize]).collect()
    }

    /// Annotations covering char `c`, outermost first.
    fn annotations_at<'d>(&mut self, doc: &'d Document, c: usize) -> Vec<&'d Annotation> {
        let Some(i) = doc.article.segment_at(c) else {
            return Vec::new();
        };
        let mut v = self.segment_annotations(doc, i);
        v.retain(|a| a.range.contains(c));
        v.sort_by_key(|a| std::cmp::Reverse(a.range.len()));
        v
    }

    fn related_ids(&self, doc: &Document) -> Vec<String> {
        let Some(focus) = self
            .hovered_annotation
            .as_ref()
            .or(self.selected_annotation.as_ref())
        else {
            return Vec::new();
        };
        doc.relations_of(focus)
            .map(|r| {
                if &r.from == focus {
                    r.to.clone()
                } else {
                    r.from.clone()
                }
            })
            .collect()
    }

    /// Keyboard caret motion (when the view has focus). Returns `true` when a key was used.
    pub fn handle_keys(&mut self, ui: &Ui, doc: &Document) -> bool {
        use egui::Key;
        let text = &doc.article.text;
        let (events, mods) = ui.input(|i| (i.events.clone(), i.modifiers));
        let mut used = false;
        for e in events {
            let egui::Event::Key {
                key, pressed: true, ..
            } = e
            else {
                continue;
            };
            let head = self.selection.map_or(0, |s| s.head);
            let word = mods.command || mods.alt;
            let new_head = match key {
                Key::ArrowLeft if word => text_nav::prev_word_start(text, head),
                Key::ArrowRight if word => text_nav::next_word_start(text, head),
                Key::ArrowLeft => head.saturating_sub(1),
                Key::ArrowRight => (head + 1).min(text.len_chars()),
                Key::Home => text_nav::line_start(text, head),
                Key::End => text_nav::line_end(text, head),
                Key::ArrowUp | Key::ArrowDown => {
                    let dy = if key == Key::ArrowUp { -1.0 } else { 1.0 };
                    self.vertical_move(ui, doc, head, dy).unwrap_or(head)
                }
                Key::Escape => {
                    self.selection = None;
                    used = true;
                    continue;
                }
                _ => continue,
            };
            used = true;
            self.selection = Some(match (mods.shift, self.selection) {
                (true, Some(s)) => Selection {
                    anchor: s.anchor,
                    head: new_head,
                },
                _ => Selection {
                    anchor: new_head,
                    head: new_head,
                },
            });
            if !self.is_char_visible(doc, new_head) {
                self.scroll_to_char(doc, new_head);
            }
        }
        used
    }

    /// The char one row above or below `head`, keeping its x position.
    fn vertical_move(&mut self, ui: &Ui, doc: &Document, head: usize, dy: f32) -> Option<usize> {
        let seg_i = doc.article.segment_at(head)?;
        let (galley, _) = self.galley(ui, doc, seg_i);
        let seg = doc.article.segments[seg_i].range;
        let r = galley.pos_from_cursor(egui::text::CCursor::new(head - seg.start));
        let target = pos2(
            r.min.x,
            if dy < 0.0 {
                r.min.y - 2.0
            } else {
                r.max.y + 2.0
            },
        );
        if target.y >= 0.0 && target.y <= galley.size().y {
            return Some(seg.start + galley.cursor_from_pos(target.to_vec2()).index.0);
        }
        // Into the neighbouring segment.
        let next = if dy < 0.0 {
            seg_i.checked_sub(1)?
        } else {
            seg_i + 1
        };
        if next >= doc.article.segments.len() {
            return None;
        }
        let (g2, _) = self.galley(ui, doc, next);
        let y = if dy < 0.0 { g2.size().y - 1.0 } else { 1.0 };
        let s2 = doc.article.segments[next].range;
        Some(s2.start + g2.cursor_from_pos(vec2(r.min.x, y)).index.0)
    }
}

/// "attributed to → “other text”" as seen from annotation `id`, and the other end's id.
pub fn describe_relation(
    doc: &Document,
    r: &crate::core::Relation,
    id: &str,
    max_chars: usize,
) -> (String, String) {
    let (dir, other) = if r.from == id {
        ("→", &r.to)
    } else {
        ("←", &r.from)
    };
    let text = doc
        .annotation(other)
        .map(|o| short(&o.text, max_chars))
        .unwrap_or_default();
    (
        format!(
            "{} {dir} “{}”",
            r.kind.replace('_', " "),
            text.replace(['\n', '\r'], " ")
        ),
        other.clone(),
    )
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn annotation_tooltip_ui(
    ui: &mut Ui,
    scheme: &crate::core::Scheme,
    a: &Annotation,
    rels: &[String],
) {
    let label = scheme
        .tag(&a.tag)
        .map_or(a.tag.as_str(), |t| t.label.as_str());
    ui.strong(label);
    if let Some(s) = a.status {
        ui.label(format!("({})", s.as_str()));
    }
    ui.label(format!("“{}”", short(&a.text, 80)));
    for (k, v) in &a.attributes {
        ui.label(format!("{k}: {}", v.display()));
    }
    if !a.note.is_empty() {
        ui.label(format!("Note: {}", a.note));
    }
    for r in rels {
        ui.label(r);
    }
    if !a.annotator.is_empty() {
        ui.weak(format!("by {}", a.annotator));
    }
}

fn metadata_line(doc: &Document) -> String {
    let m = &doc.article.metadata;
    let parts: Vec<&str> = [m.source.as_deref(), m.author.as_deref(), m.date.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    parts.join("  ·  ")
}

fn header_height(doc: &Document, font_size: f32, _row_height: f32) -> f32 {
    if metadata_line(doc).is_empty() {
        if doc.article.front_matter.is_some() {
            font_size
        } else {
            font_size * 0.5
        }
    } else {
        font_size * 2.2
    }
}

/// `range` relative to the segment `seg`, clipped to it.
fn local_range(seg: CharRange, range: CharRange) -> Option<CharRange> {
    let r = seg.intersection(&range)?;
    Some(CharRange::new(r.start - seg.start, r.end - seg.start))
}

/// Rectangles (galley coordinates) covering chars `local` of a galley, one per row.
pub fn range_rects(galley: &Galley, row_starts: &[usize], local: CharRange) -> Vec<Rect> {
    let mut out = Vec::new();
    for (row, &start) in galley.rows.iter().zip(row_starts) {
        let n = row.row.glyphs.len();
        let end = start + n;
        if end < local.start {
            continue;
        }
        if start >= local.end {
            break;
        }
        let a = local.start.max(start) - start;
        let b = local.end.min(end) - start;
        if a >= b && !(a == b && row.ends_with_newline && local.end > end) {
            continue;
        }
        let x0 = row.pos.x + row.row.x_offset(egui::text::CharIndex(a));
        let mut x1 = row.pos.x + row.row.x_offset(egui::text::CharIndex(b));
        if local.end > end && row.ends_with_newline {
            // The selection runs over the line break: show a sliver for it.
            x1 += 4.0;
        }
        out.push(Rect::from_min_max(
            pos2(x0, row.min_y()),
            pos2(x1, row.max_y()),
        ));
    }
    out
}

/// Layer of each annotation for stacked underlines: nested or overlapping spans get distinct
/// depths (greedy interval colouring in start order).
pub fn layer_depths(anns: &[&Annotation]) -> Vec<usize> {
    let mut ends: Vec<usize> = Vec::new(); // end of the last span on each layer
    anns.iter()
        .map(|a| {
            match ends.iter().position(|&e| e <= a.range.start) {
                Some(d) => {
                    ends[d] = a.range.end;
                    d
                }
                None => {
                    ends.push(a.range.end);
                    ends.len() - 1
                }
            }
            .min(3)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Offsets into a galley are document offsets only if egui makes one glyph per char:
    /// check it on the scripts and sequences most likely to break that.
    #[test]
    fn galleys_have_one_glyph_per_char() {
        let ctx = egui::Context::default();
        ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
        let mut out = ctx.run_ui(egui::RawInput::default(), |_| {});
        out.textures_delta.clear();
        for s in [
            "office ffi fl — “quotes” 3×4 NBSP\u{a0}here",
            "family 👨\u{200d}👩\u{200d}👧 flag 🇩🇪 skin 👍🏽 keycap 1\u{fe0f}\u{20e3}",
            "e\u{301} combining, Zoë, 李明, 佐藤健, 김민수",
            "हिन्दी क्षत्रिय, ไทย ภาษา, العربية, עברית",
            "tab\there, CRLF\r\nCR\ronly",
        ] {
            let text = display_text(s);
            let mut job = LayoutJob::single_section(
                text.clone(),
                TextFormat::simple(FontId::proportional(17.0), Color32::PLACEHOLDER),
            );
            job.wrap.max_width = 200.0;
            let galley = ctx.fonts_mut(|f| f.layout_job(job));
            let chars: usize = galley
                .rows
                .iter()
                .map(|r| r.char_count_including_newline().0)
                .sum();
            assert_eq!(chars, text.chars().count(), "{s:?}");
        }
    }

    #[test]
    fn display_text_keeps_one_char_per_char() {
        for s in ["a\r\nb", "a\rb\r", "x\ty\u{7}z", ""] {
            assert_eq!(display_text(s).chars().count(), s.chars().count());
        }
        assert_eq!(display_text("a\r\nb\rc"), "a \nb\nc");
    }
}
