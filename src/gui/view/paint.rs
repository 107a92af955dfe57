//! Painting: the header card, highlights as rectangles from glyph geometry beneath the text
//! (stacked underlines per layer), search hits, the selection and caret, relation curves, and
//! the hover tooltip. Nothing here lays out text.

use std::collections::HashMap;
use std::sync::Arc;

use egui::{
    Align2, Color32, CornerRadius, FontId, Galley, Painter, Pos2, Rect, Response, Stroke, Ui, pos2,
    vec2,
};

use crate::core::{Annotation, CharRange, Document, SegmentKind, Status};

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
    ) -> HashMap<String, Pos2> {
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
        let related: Vec<String> = self.related_ids(doc);
        let mut anchors: HashMap<String, Pos2> = HashMap::new();
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
        anchors: &HashMap<String, Pos2>,
    ) {
        let p = f.params;
        let visuals = ui.visuals().clone();
        // Relations of the hovered or selected annotation: a line between the two spans.
        if let Some(focus) = self
            .focus
            .hovered
            .clone()
            .or_else(|| self.focus.selected.clone())
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
    }

    /// The tooltip of the annotation under the pointer.
    pub(super) fn tooltip_ui(&self, doc: &Document, response: &Response) {
        // Hover tooltip with the annotation under the pointer.
        if !self.dragging
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

#[cfg(test)]
mod tests {
    use super::*;
    use egui::text::{LayoutJob, TextFormat};

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
