//! Painting: the header card, highlights as rectangles from glyph geometry beneath the text
//! (stacked underlines per layer), search hits, the selection and caret, relation curves, and
//! the hover tooltip. Nothing here lays out text.

use std::collections::HashMap;
use std::sync::Arc;

use egui::{
    Align2, Color32, CornerRadius, FontId, Galley, Painter, Pos2, Rect, Response, Stroke, Ui, pos2,
    vec2,
};

use crate::core::{Annotation, AnnotationId, CharRange, Document, SegmentKind, Status};

use super::*;

impl ArticleView {
    /// The header card: the metadata line and the background of the title and excerpt.
    pub(super) fn paint_header(&self, ui: &Ui, painter: &Painter, doc: &Document, f: &Frame) {
        let Frame {
            origin,
            left,
            params: p,
            viewport,
        } = *f;
        let visuals = ui.visuals().clone();
        // Header card: metadata line plus the title/excerpt segments' background.
        let fm_segments = doc
            .article
            .segments
            .iter()
            .take_while(|s| matches!(s.kind, SegmentKind::Title | SegmentKind::Excerpt))
            .count();
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
    }

    /// Highlights, search hits, selection, text and caret of the visible segments. Returns
    /// where each annotation starts on screen, for relation curves.
    pub(super) fn paint_segments(
        &mut self,
        ui: &Ui,
        painter: &Painter,
        doc: &Document,
        f: &Frame,
        visible: &[(usize, f32, Arc<Galley>)],
        id: egui::Id,
    ) -> HashMap<AnnotationId, Rect> {
        let Frame {
            origin,
            left,
            params: p,
            ..
        } = *f;
        let visuals = ui.visuals().clone();
        let text_color = theme::reading_text(&visuals);
        // Paint, beneath the text first.
        self.painted = 0;
        let sel = self
            .focus
            .selection
            .map(|s| s.range())
            .filter(|r| !r.is_empty());
        let related: Vec<AnnotationId> = self.related_ids(doc);
        let mut anchors: HashMap<AnnotationId, Rect> = HashMap::new();
        for (i, y, galley) in visible {
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
            // Fills from the longest span to the shortest: a span nested in another (a source
            // inside a claim) is painted over it, never under it.
            let mut order: Vec<usize> = (0..anns.len()).collect();
            order.sort_by_key(|&k| std::cmp::Reverse(anns[k].range.len()));
            for &k in &order {
                let (a, depth) = (anns[k], depths[k]);
                let Some(local) = local_range(seg, a.range) else {
                    continue;
                };
                let tag = doc.scheme.tag(&a.tag);
                let mark = self.overlay.as_ref().and_then(|o| o.mark(&a.id));
                let rgb = mark.map_or_else(
                    || tag.map(|t| t.rgb()).unwrap_or([150, 150, 150]),
                    |m| m.rgb,
                );
                let rects: Vec<Rect> = range_rects(galley, &row_starts, local)
                    .into_iter()
                    .map(|r| r.translate(galley_pos.to_vec2()))
                    .collect();
                // "Show: Quote" dims the other tags in the text too.
                let dimmed = self.dim_except.as_deref().is_some_and(|t| t != a.tag)
                    || mark.is_some_and(|m| m.faded);
                let fade = |c: Color32| if dimmed { c.gamma_multiply(0.3) } else { c };
                let fill = fade(theme::highlight_fill(&visuals, rgb, a.status));
                let line = fade(theme::highlight_line(&visuals, rgb));
                for r in &rects {
                    if a.status != Some(Status::Suggested) {
                        painter.rect_filled(*r, CornerRadius::same(2), fill);
                    }
                    if depth > 0 && !dimmed {
                        // Nested: a thin frame in its own colour, so it reads as a span of
                        // its own inside the outer one.
                        painter.rect_stroke(
                            r.shrink2(vec2(0.0, 1.0)),
                            CornerRadius::same(2),
                            Stroke::new(1.0, line),
                            egui::StrokeKind::Inside,
                        );
                    }
                    let uy = r.bottom() - 1.0 - 3.0 * depth as f32;
                    let underline = [pos2(r.left(), uy), pos2(r.right(), uy)];
                    match (mark.map(|m| m.line), a.status) {
                        (Some(LineStyle::Solid), _) => {
                            painter.line_segment(underline, Stroke::new(2.0, line));
                        }
                        (Some(LineStyle::Dashed), _) => {
                            painter.add(egui::Shape::dashed_line(
                                &underline,
                                Stroke::new(2.0, line),
                                5.0,
                                3.0,
                            ));
                        }
                        (Some(LineStyle::Wavy), _) => {
                            painter.add(egui::Shape::line(
                                zigzag(r.left(), r.right(), uy),
                                Stroke::new(1.5, line),
                            ));
                        }
                        (None, Some(Status::Suggested)) => {
                            painter.add(egui::Shape::dashed_line(
                                &underline,
                                Stroke::new(2.0, line),
                                5.0,
                                3.0,
                            ));
                        }
                        (None, Some(Status::Uncertain)) => {
                            painter.add(egui::Shape::dotted_line(&underline, line, 4.0, 1.2));
                        }
                        (None, _) => {
                            painter.line_segment(underline, Stroke::new(2.0, line));
                        }
                    }
                }
                let selected = self.focus.selected.as_deref() == Some(a.id.as_str());
                let hovered = self.focus.hovered.as_deref() == Some(a.id.as_str())
                    || self
                        .focus
                        .pending_relation
                        .as_ref()
                        .and_then(|p| p.candidate.as_deref())
                        == Some(a.id.as_str());
                if selected || hovered || related.contains(&a.id) {
                    let stroke = if selected {
                        Stroke::new(2.0, visuals.strong_text_color())
                    } else {
                        Stroke::new(1.5, line)
                    };
                    // One outline around all its rows: a span over three lines reads as one.
                    painter.add(span_outline(&rects, stroke));
                }
                if let Some(first) = rects.first()
                    && a.range.start >= seg.start
                {
                    anchors.insert(a.id.clone(), *first);
                }
                if let Some(m) = mark {
                    if m.framed {
                        for r in &rects {
                            painter.rect_stroke(
                                r.expand(1.0),
                                CornerRadius::same(2),
                                Stroke::new(1.5, line),
                                egui::StrokeKind::Outside,
                            );
                        }
                    }
                    if m.struck {
                        let strike = theme::highlight_line(&visuals, rgb);
                        for r in &rects {
                            let y = r.center().y;
                            painter.line_segment(
                                [pos2(r.left(), y), pos2(r.right(), y)],
                                Stroke::new(1.5, strike),
                            );
                        }
                    }
                } else if a.status == Some(Status::Uncertain)
                    && let Some(last) = rects.last()
                {
                    // A small badge after the span: uncertain at a glance.
                    let c = last.right_center() + vec2(7.0, 0.0);
                    painter.circle_filled(c, p.font_size * 0.38, line);
                    painter.text(
                        c,
                        Align2::CENTER_CENTER,
                        "?",
                        FontId::proportional(p.font_size * 0.6),
                        visuals.extreme_bg_color,
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
            if let Some(s) = self.focus.selection
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
        anchors
    }

    /// A curve from the hovered or selected annotation to each one it is related to.
    pub(super) fn paint_relations(
        &self,
        ui: &Ui,
        painter: &Painter,
        doc: &Document,
        f: &Frame,
        anchors: &HashMap<AnnotationId, Rect>,
    ) {
        let p = f.params;
        let visuals = ui.visuals().clone();
        // Relations of the hovered or selected annotation: a bracket in the left margin from
        // one span to the other, never across the text, with its label on a pill.
        let Some(focus) = self
            .focus
            .hovered
            .clone()
            .or_else(|| self.focus.selected.clone())
        else {
            return;
        };
        let margin_x = f.origin.x + f.left - 8.0;
        let color = visuals.strong_text_color().gamma_multiply(0.75);
        let stroke = Stroke::new(1.5, color);
        for (k, r) in doc.relations_of(&focus).enumerate() {
            let (Some(a), Some(b)) = (anchors.get(&r.from), anchors.get(&r.to)) else {
                continue;
            };
            // A bracket in the margin joining the two spans' rows; the spans themselves are
            // outlined. No stroke crosses the text.
            let x = margin_x - 6.0 * (k % 3) as f32;
            let (ya, yb) = (a.center().y, b.center().y);
            let tick = 5.0;
            painter.add(egui::Shape::line(
                vec![
                    pos2(x + tick, ya),
                    pos2(x, ya),
                    pos2(x, yb),
                    pos2(x + tick, yb),
                ],
                stroke,
            ));
            painter.circle_filled(pos2(x + tick, yb), 2.5, color);
            let label = doc.scheme.relation_label(&r.kind).to_owned();
            let font = FontId::proportional(p.font_size * 0.62);
            let galley = painter.layout_no_wrap(label, font, visuals.strong_text_color());
            let size = galley.size() + vec2(10.0, 4.0);
            // The pill sits in the margin, right-aligned to the bracket, halfway between.
            let center_y = (ya + yb) / 2.0;
            let pill = Rect::from_min_size(
                pos2(
                    (x - size.x - 3.0).max(f.origin.x + 2.0),
                    center_y - size.y / 2.0,
                ),
                size,
            );
            painter.rect_filled(pill, CornerRadius::same(8), visuals.extreme_bg_color);
            painter.rect_stroke(
                pill,
                CornerRadius::same(8),
                Stroke::new(1.0, color),
                egui::StrokeKind::Inside,
            );
            painter.galley(pill.min + vec2(5.0, 2.0), galley, color);
        }
    }

    /// The tooltip of the annotation under the pointer.
    pub(super) fn tooltip_ui(&self, doc: &Document, response: &Response) {
        // Hover tooltip with the annotation under the pointer.
        if !self.dragging
            && let Some(id) = self.focus.hovered.clone()
            && let Some(lines) = self.overlay.as_ref().and_then(|o| o.tooltip(&id))
        {
            response.clone().on_hover_ui_at_pointer(|ui| {
                for (k, line) in lines.iter().enumerate() {
                    if k == 0 {
                        ui.strong(line);
                    } else {
                        ui.label(line);
                    }
                }
            });
        } else if !self.dragging
            && let Some(id) = self.focus.hovered.clone()
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
    }
}

/// A zigzag from `x0` to `x1` around height `y` (the "disagree" underline).
fn zigzag(x0: f32, x1: f32, y: f32) -> Vec<Pos2> {
    let step = 3.0;
    let mut out = vec![pos2(x0, y)];
    let mut x = x0;
    let mut up = true;
    while x + step < x1 {
        x += step;
        out.push(pos2(x, if up { y - 2.0 } else { y }));
        up = !up;
    }
    out.push(pos2(x1, y));
    out
}

/// "attributed to → “other text”" as seen from annotation `id`, and the other end's id.
pub fn describe_relation(
    doc: &Document,
    r: &crate::core::Relation,
    id: &str,
    max_chars: usize,
) -> (String, AnnotationId) {
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
            doc.scheme.relation_label(&r.kind),
            text.replace(['\n', '\r'], " ")
        ),
        other.clone(),
    )
}

pub(super) fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

pub(super) fn annotation_tooltip_ui(
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

pub(super) fn metadata_line(doc: &Document) -> String {
    let m = &doc.article.metadata;
    let parts: Vec<&str> = [m.source.as_deref(), m.author.as_deref(), m.date.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    parts.join("  ·  ")
}

pub(super) fn header_height(doc: &Document, font_size: f32, _row_height: f32) -> f32 {
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
pub(super) fn local_range(seg: CharRange, range: CharRange) -> Option<CharRange> {
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

/// The outline of a span over one or more rows as one closed shape: top and bottom edges,
/// and the steps where rows start or end at different places.
pub(super) fn span_outline(rects: &[Rect], stroke: Stroke) -> egui::Shape {
    let rects: Vec<Rect> = rects.iter().map(|r| r.expand(1.0)).collect();
    if rects.len() <= 1 {
        return rects.first().map_or(egui::Shape::Noop, |r| {
            egui::Shape::rect_stroke(*r, CornerRadius::same(2), stroke, egui::StrokeKind::Outside)
        });
    }
    // Rows meet half-way between one's bottom and the next one's top, so every edge of the
    // outline is horizontal or vertical.
    let meet = |k: usize| (rects[k - 1].bottom() + rects[k].top()) / 2.0;
    let mut right = Vec::new();
    let mut left = Vec::new();
    for (k, r) in rects.iter().enumerate() {
        let top = if k == 0 { r.top() } else { meet(k) };
        let bottom = if k + 1 == rects.len() {
            r.bottom()
        } else {
            meet(k + 1)
        };
        right.push(pos2(r.right(), top));
        right.push(pos2(r.right(), bottom));
        left.push(pos2(r.left(), top));
        left.push(pos2(r.left(), bottom));
    }
    // Back up the left side bottom to top: each row's bottom-left, then its top-left (the
    // other order drew diagonals across the text of a span that wraps).
    left.reverse();
    let mut points = right;
    points.extend(left);
    egui::Shape::closed_line(points, stroke)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::text::{LayoutJob, TextFormat};

    /// A span that starts mid-row and wraps: its outline is a staircase of horizontal and
    /// vertical edges only, never a diagonal across the text.
    #[test]
    fn a_wrapped_span_outline_has_no_diagonals() {
        let rows = [
            Rect::from_min_max(pos2(300.0, 0.0), pos2(500.0, 20.0)),
            Rect::from_min_max(pos2(100.0, 20.0), pos2(400.0, 40.0)),
            Rect::from_min_max(pos2(100.0, 40.0), pos2(250.0, 60.0)),
        ];
        let egui::Shape::Path(path) = span_outline(&rows, Stroke::new(1.0, Color32::RED)) else {
            panic!("a path");
        };
        assert!(path.closed);
        let pts = &path.points;
        for (k, a) in pts.iter().enumerate() {
            let b = pts[(k + 1) % pts.len()];
            assert!(
                a.x == b.x || a.y == b.y,
                "edge {k}: {a:?} → {b:?} is diagonal in {pts:?}"
            );
        }
    }

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
