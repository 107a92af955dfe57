//! Input: the pointer (hover, click, drag-select with autoscroll, cycling stacked annotations),
//! the context menu, and the caret keys. The view changes its selection here and reports what
//! the app should act on in [`ViewOutput`].

use egui::{Rect, Response, Ui};

use crate::core::text::nav as text_nav;
use crate::core::{AnnotationId, Document};

use super::*;
use crate::gui::focus::Focus;

impl ArticleView {
    /// Hover, click and drag over the text. Returns the char under the pointer.
    pub(super) fn pointer_ui(
        &mut self,
        ui: &Ui,
        doc: &Document,
        response: &Response,
        rect: Rect,
        f: &Frame,
    ) -> Option<usize> {
        let Frame {
            origin,
            left,
            viewport,
            ..
        } = *f;
        // Pointer: hover, click, drag-select.
        let pointer = ui.input(|i| i.pointer.hover_pos());
        let shift = ui.input(|i| i.modifiers.shift);
        let hit = |this: &mut Self, pos: Pos2| -> Option<usize> {
            let y = pos.y - origin.y;
            let i = this.segment_at_y(y);
            this.galley(ui, doc, i);
            let (i, local) = this.owner_of_point(i, vec2(pos.x - origin.x - left, y));
            let (galley, _) = this.galley(ui, doc, i);
            let seg = doc.article.segments.get(i)?.range;
            Some((seg.start + galley.cursor_from_pos(local).index.0).min(seg.end))
        };
        self.focus.hovered = None;
        let mut hover_char = None;
        if let Some(pos) = pointer.filter(|p| rect.contains(*p) && ui.clip_rect().contains(*p)) {
            hover_char = hit(self, pos);
            if let Some(c) = hover_char {
                self.focus.hovered = self.annotations_at(doc, c).last().map(|a| a.id.clone());
            }
        }
        if response.drag_started() {
            // Where the button went down, not where the drag was recognised.
            let origin_pos = ui
                .input(|i| i.pointer.press_origin())
                .or(response.interact_pointer_pos());
            if let Some(c) = origin_pos.and_then(|p| hit(self, p)) {
                self.focus.selection = Some(match (shift, self.focus.selection) {
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
                    && let Some(s) = &mut self.focus.selection
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
                self.focus.selection = Some(Selection {
                    anchor: w.start,
                    head: w.end,
                });
            }
        } else if response.clicked() {
            response.request_focus();
            if let Some(c) = hover_char {
                if shift && let Some(s) = self.focus.selection {
                    self.focus.selection = Some(Selection {
                        anchor: s.anchor,
                        head: c,
                    });
                    self.finish_mouse_selection(doc);
                } else {
                    let stack = self.annotations_at(doc, c);
                    if stack.is_empty() {
                        self.focus.selected = None;
                        self.focus.selection = Some(Selection { anchor: c, head: c });
                    } else {
                        // Clicking again on stacked annotations cycles through them, innermost first.
                        let ids: Vec<AnnotationId> =
                            stack.iter().rev().map(|a| a.id.clone()).collect();
                        let next = match self
                            .focus
                            .selected
                            .as_ref()
                            .and_then(|s| ids.iter().position(|i| i == s))
                        {
                            Some(k) => ids[(k + 1) % ids.len()].clone(),
                            None => ids[0].clone(),
                        };
                        self.focus.selected = Some(next.clone());
                        self.focus.selection = None;
                    }
                }
            }
        }
        hover_char
    }

    /// Right-click: tag the selection or delete the annotation under the pointer.
    pub(super) fn context_menu_ui(
        &self,
        doc: &Document,
        response: &Response,
        out: &mut ViewOutput,
    ) {
        let sel = self
            .focus
            .selection
            .map(|s| s.range())
            .filter(|r| !r.is_empty());
        // Context menu: tag the selection or delete the annotation under the pointer.
        let menu_target = self.focus.hovered.clone();
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
                        out.intents.push(Intent::TagSelection(t.id.clone()));
                        ui.close();
                    }
                }
            }
            if let Some(id) = &menu_target {
                if has_sel {
                    ui.separator();
                }
                if ui.button("Delete annotation").clicked() {
                    out.intents
                        .push(Intent::Perform(crate::core::Action::Remove {
                            id: id.clone(),
                        }));
                    ui.close();
                }
            }
            if !has_sel && menu_target.is_none() {
                ui.label("Select text to tag it");
            }
        });
    }

    /// While the view has focus, arrow keys move the caret instead of egui's focus.
    pub(super) fn lock_arrow_keys(&self, ui: &Ui, id: egui::Id) {
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
    }

    pub(super) fn finish_mouse_selection(&mut self, doc: &Document) {
        let Some(s) = self.focus.selection else {
            return;
        };
        let r = s.range();
        if r.is_empty() {
            return;
        }
        if self.snap_to_words {
            let snapped = text_nav::snap_to_words(&doc.article.text, r);
            if !snapped.is_empty() {
                self.focus.selection = Some(if s.head >= s.anchor {
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

    /// Keyboard caret motion (when the view has focus), as focus intents.
    pub fn handle_keys(&mut self, ui: &Ui, doc: &Document, focus: &Focus) -> Vec<Intent> {
        self.focus = focus.clone();
        self.caret_keys(ui, doc);
        let mut intents = Vec::new();
        self.focus_intents(focus, &mut intents);
        intents
    }

    /// Moves the caret or extends the selection; `true` when a key was used.
    fn caret_keys(&mut self, ui: &Ui, doc: &Document) -> bool {
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
            let head = self.focus.selection.map_or(0, |s| s.head);
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
                    self.focus.selection = None;
                    used = true;
                    continue;
                }
                _ => continue,
            };
            used = true;
            self.focus.selection = Some(match (mods.shift, self.focus.selection) {
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
    pub(super) fn vertical_move(
        &mut self,
        ui: &Ui,
        doc: &Document,
        head: usize,
        dy: f32,
    ) -> Option<usize> {
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
