//! Keyboard shortcuts: commands and tag keys, matched most specific first.

use egui::{Context, Key, Modifiers};

use crate::core::{Action, CharRange};

use crate::gui::app::commands::UiCommand;

use super::*;

impl TaglineApp {
    /// Keyboard: commands, then tag digits and caret keys when no text field has focus.
    pub(super) fn handle_keys(
        &mut self,
        ctx: &Context,
        view_id: Option<egui::Id>,
    ) -> Vec<UiCommand> {
        let focused = ctx.memory(|m| m.focused());
        let keyboard_free = focused.is_none() || focused == view_id;
        let mut cmds = Vec::new();
        // Most specific first: egui matches Ctrl+Z on Ctrl+Shift+Z too.
        let mut ordered = UiCommand::ALL;
        ordered.sort_by_key(|c| {
            std::cmp::Reverse(c.shortcut().map_or(0, |s| modifier_count(s.modifiers)))
        });
        ctx.input_mut(|i| {
            for cmd in ordered {
                if cmd.needs_free_keyboard() && !keyboard_free {
                    continue;
                }
                if let Some(sc) = cmd.shortcut()
                    && i.consume_shortcut(&sc)
                {
                    cmds.push(cmd);
                }
            }
            // Ctrl+= is where most keyboards have "+".
            if i.consume_key(Modifiers::COMMAND, Key::Equals) {
                cmds.push(UiCommand::ZoomIn);
            }
        });
        cmds
    }

    pub(super) fn handle_tag_keys(&mut self, ctx: &Context, view_id: Option<egui::Id>) {
        let focused = ctx.memory(|m| m.focused());
        if !(focused.is_none() || focused == view_id) {
            return;
        }
        let Some(doc) = self.doc() else { return };
        let keys: Vec<(Key, String)> = doc
            .scheme
            .tags
            .iter()
            .filter_map(|t| {
                let k = t.key.as_deref()?;
                Some((Key::from_name(k)?, t.id.clone()))
            })
            .collect();
        let mut chosen = None;
        ctx.input_mut(|i| {
            for (key, tag) in &keys {
                if i.consume_key(Modifiers::NONE, *key) {
                    chosen = Some(tag.clone());
                }
            }
        });
        if let Some(tag) = chosen {
            match self.view.selected_annotation.clone() {
                // With an annotation selected and no text selected, the digit retags it.
                Some(id) if self.view.selection.is_none_or(|s| s.range().is_empty()) => {
                    self.perform(Action::Retag { id, tag });
                }
                _ => self.tag_selection(&tag),
            }
        }
        // Alt+arrows resize the selected annotation's end, Alt+Shift+arrows its start.
        if let Some(id) = self.view.selected_annotation.clone()
            && let Some(a) = self.doc().and_then(|d| d.annotation(&id))
        {
            let r = a.range;
            let mut new = None;
            ctx.input_mut(|i| {
                let alt = Modifiers::ALT;
                let alt_shift = Modifiers::ALT | Modifiers::SHIFT;
                if i.consume_key(alt, Key::ArrowRight) {
                    new = Some(CharRange::new(r.start, r.end + 1));
                } else if i.consume_key(alt, Key::ArrowLeft) {
                    new = Some(CharRange::new(r.start, r.end.saturating_sub(1)));
                } else if i.consume_key(alt_shift, Key::ArrowLeft) {
                    new = Some(CharRange::new(r.start.saturating_sub(1), r.end));
                } else if i.consume_key(alt_shift, Key::ArrowRight) {
                    new = Some(CharRange::new(r.start + 1, r.end));
                }
            });
            if let Some(range) = new {
                self.perform(Action::Resize { id, range });
            }
        }
    }
}

fn modifier_count(m: Modifiers) -> u8 {
    u8::from(m.ctrl || m.command || m.mac_cmd) + u8::from(m.shift) + u8::from(m.alt)
}
