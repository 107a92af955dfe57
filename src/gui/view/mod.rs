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

use egui::{Color32, FontFamily, FontId, Galley, Pos2, Rect, Response, Sense, Ui, pos2, vec2};

use crate::core::{Annotation, AnnotationId, CharRange, Document, SegmentKind};

pub mod heights;
use super::theme;
use heights::Heights;

use crate::gui::app::Intent;
use crate::gui::focus::Focus;
pub use crate::gui::focus::Selection;

mod input;
mod layout;
mod paint;

use paint::header_height;
pub use paint::{describe_relation, layer_depths, range_rects};

/// Most memory the galley cache may hold (approximate).
const CACHE_BUDGET_BYTES: usize = 8 * 1024 * 1024;
/// Rough cost of a laid-out galley per byte of text.
const GALLEY_BYTES_PER_TEXT_BYTE: usize = 200;
/// Widest text column, in multiples of the font size.
const READING_WIDTH_EMS: f32 = 40.0;

/// What the view shows besides the document, read every frame: the app's focus and the display
/// options. The view keeps none of it between frames.
pub struct ViewInput<'a> {
    /// The window's focus (selection, selected and hovered annotation).
    pub focus: &'a Focus,
    /// Article text size.
    pub font_size: f32,
    /// Mouse selections snap to whole words.
    pub snap_to_words: bool,
    /// Only this annotator's annotations are shown.
    pub annotator: Option<&'a str>,
    /// Find hits to outline (shared, not copied, every frame).
    pub search_hits: &'a Arc<Vec<CharRange>>,
    /// The current Find hit.
    pub search_current: Option<usize>,
    /// Dim every tag but this one (the list shows only this tag).
    pub dim_except: Option<&'a str>,
    /// Colours, line patterns, marks and tooltips that replace the tag's (the compare view).
    pub overlay: Option<&'a Arc<dyn SpanOverlay>>,
}

/// How an overlay draws one annotation instead of by its tag: the compare view colours spans
/// by how annotators stand on them, with a line pattern, a frame and a strike-through so colour
/// is never the only sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanMark {
    /// Fill and line colour.
    pub rgb: [u8; 3],
    /// The underline's pattern.
    pub line: LineStyle,
    /// A frame around the span (e.g. accepted).
    pub framed: bool,
    /// Struck through (e.g. rejected).
    pub struck: bool,
    /// Drawn faded (e.g. rejected).
    pub faded: bool,
}

/// An underline pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineStyle {
    /// A solid line.
    Solid,
    /// A zigzag line.
    Wavy,
    /// A dashed line.
    Dashed,
}

/// Per-annotation drawing that replaces the tag's, and the hover text (see [`SpanMark`]).
pub trait SpanOverlay: Send + Sync {
    /// How to draw annotation `id` (`None`: by its tag, as usual).
    fn mark(&self, id: &str) -> Option<SpanMark>;
    /// The tooltip lines of annotation `id` (`None`: the usual tooltip).
    fn tooltip(&self, id: &str) -> Option<Vec<String>>;
}

/// What happened in the view this frame: intents for the app to act on.
#[derive(Default, Debug)]
#[must_use]
pub struct ViewOutput {
    /// Focus changes, clicks and context-menu choices, in the order they happened.
    pub intents: Vec<Intent>,
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
    /// Space before the first row: where the previous segment's last row ends, when this
    /// segment continues its paragraph (the two share that row, so a long paragraph split for
    /// layout reads as one paragraph).
    leading: f32,
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
    /// This frame's working copy of the app's focus: input changes it, painting reads it,
    /// and the differences go back to the app as intents. Reset from the app every frame.
    focus: Focus,
    /// This frame's display options, copied from [`ViewInput`].
    snap_to_words: bool,
    annotator_filter: Option<String>,
    search_hits: Arc<Vec<CharRange>>,
    search_current: Option<usize>,
    dim_except: Option<String>,
    overlay: Option<Arc<dyn SpanOverlay>>,
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
            focus: Focus::default(),
            snap_to_words: true,
            annotator_filter: None,
            search_hits: Arc::default(),
            search_current: None,
            dim_except: None,
            overlay: None,
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

/// What every part of a frame's drawing needs to know about where things are.
#[derive(Clone, Copy)]
struct Frame {
    /// Top-left of the scrolled content.
    origin: Pos2,
    /// Left edge of the text column inside the content.
    left: f32,
    params: LayoutParams,
    viewport: Rect,
}

impl ArticleView {
    /// Forgets per-document state when `doc` is not the document last shown.
    fn sync_document(&mut self, doc: &Document) {
        let key = (doc.article.path.clone(), doc.article.sha256.clone());
        if self.doc_key.as_ref() == Some(&key) {
            return;
        }
        // Layout caches belong to one document; this frame's focus and options do not.
        *self = ArticleView {
            focus: std::mem::take(&mut self.focus),
            snap_to_words: self.snap_to_words,
            annotator_filter: self.annotator_filter.take(),
            search_hits: std::mem::take(&mut self.search_hits),
            search_current: self.search_current,
            dim_except: self.dim_except.take(),
            overlay: self.overlay.take(),
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

    /// Content y at the top of the viewport, as of the last frame (to keep another view level
    /// with this one).
    pub fn scroll_offset(&self) -> f32 {
        if self.last_viewport == Rect::NOTHING {
            0.0
        } else {
            self.last_viewport.top().max(0.0)
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
        let x = pos.x - content_origin.x - self.left;
        let i = self.segment_at_y(y);
        let (i, local) = self.owner_of_point(i, vec2(x, y));
        let galley = &self.cache.get(&i)?.galley;
        let seg = doc.article.segments[i].range;
        Some((seg.start + galley.cursor_from_pos(local).index.0).min(seg.end))
    }

    /// Which segment's glyphs are at content point `p` found in segment `i`, and `p` in that
    /// segment's galley coordinates. On a row a continued segment shares with the one before,
    /// the part left of its leading space belongs to the one before.
    fn owner_of_point(&self, i: usize, p: egui::Vec2) -> (usize, egui::Vec2) {
        let local = vec2(p.x, p.y - self.heights.top(i));
        if i > 0
            && let Some(c) = self.cache.get(&i)
            && c.leading > 0.0
            && p.x < c.leading
            && c.galley
                .rows
                .first()
                .is_some_and(|r| local.y < r.rect().max.y)
            && self.cache.contains_key(&(i - 1))
        {
            return (i - 1, vec2(p.x, p.y - self.heights.top(i - 1)));
        }
        (i, local)
    }

    /// Shows the view in `ui`, taking all remaining space.
    pub fn ui(&mut self, ui: &mut Ui, doc: &Document, input: &ViewInput<'_>) -> ViewOutput {
        let font_size = input.font_size;
        self.begin_frame(input);
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
            // Each article keeps its own place: a new one opens at its top.
            .id_salt(("article_view", &doc.article.path))
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
        self.focus_intents(input.focus, &mut out.intents);
        out
    }

    /// Takes this frame's focus and options from the app.
    fn begin_frame(&mut self, input: &ViewInput<'_>) {
        self.focus = input.focus.clone();
        self.snap_to_words = input.snap_to_words;
        if self.annotator_filter.as_deref() != input.annotator {
            self.annotator_filter = input.annotator.map(str::to_owned);
        }
        if !Arc::ptr_eq(&self.search_hits, input.search_hits) {
            self.search_hits = Arc::clone(input.search_hits);
        }
        self.search_current = input.search_current;
        if self.dim_except.as_deref() != input.dim_except {
            self.dim_except = input.dim_except.map(str::to_owned);
        }
        self.overlay = input.overlay.map(Arc::clone);
    }

    /// The intents that turn the app's focus (`before`) into this frame's.
    fn focus_intents(&self, before: &Focus, intents: &mut Vec<Intent>) {
        if self.focus.selected != before.selected {
            intents.push(Intent::Select {
                id: self.focus.selected.clone(),
                scroll: false,
            });
        }
        if self.focus.selection != before.selection {
            intents.push(Intent::SetSelection(self.focus.selection));
        }
        if self.focus.hovered != before.hovered {
            intents.push(Intent::Hover(self.focus.hovered.clone()));
        }
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
        response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Document, true, "Article text"));
        let p = self.params.expect("params set");
        let frame = Frame {
            origin,
            left,
            params: p,
            viewport,
        };
        let painter = ui.painter_at(ui.clip_rect());
        self.paint_header(ui, &painter, doc, &frame);
        let visible = self.lay_out_visible(ui, doc, viewport);
        self.pointer_ui(ui, doc, &response, rect, &frame);
        let anchors = self.paint_segments(ui, &painter, doc, &frame, &visible, response.id);
        self.paint_relations(ui, &painter, doc, &frame, &anchors);
        self.tooltip_ui(doc, &response);
        self.context_menu_ui(doc, &response, out);
        self.lock_arrow_keys(ui, response.id);
        out.response = Some(response);
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

    fn related_ids(&self, doc: &Document) -> Vec<AnnotationId> {
        let Some(focus) = self.focus.hovered.as_ref().or(self.focus.selected.as_ref()) else {
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
}
