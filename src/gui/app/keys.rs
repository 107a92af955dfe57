//! Keyboard: every key press becomes a [`Binding`] from the one table in
//! [`super::commands`] (commands, and the scheme's tag keys), matched most specific first.

use egui::Context;

use crate::core::Document;

use crate::gui::app::commands::{Binding, Scope, bindings};

use super::*;

/// The scheme's tag keys as `(key, tag id)`.
pub fn tag_keys(doc: &Document) -> Vec<(String, String)> {
    doc.scheme
        .tags
        .iter()
        .filter_map(|t| Some((t.key.clone()?, t.id.clone())))
        .collect()
}

impl TaglineApp {
    /// The bindings pressed this frame. Commands that share keys with text fields act only
    /// when no text field has keyboard focus (the article view may have it).
    pub(super) fn pressed_bindings(
        &mut self,
        ctx: &Context,
        view_id: Option<egui::Id>,
    ) -> Vec<Binding> {
        let focused = ctx.memory(|m| m.focused());
        let keyboard_free = focused.is_none() || focused == view_id;
        let tags = self.doc().map(tag_keys).unwrap_or_default();
        let (table, _refused) = bindings(&tags);
        let linking = self.focus.pending_relation.is_some();
        let mut pressed = Vec::new();
        ctx.input_mut(|i| {
            for (shortcut, binding, scope) in &table {
                let active = match scope {
                    Scope::Anywhere => true,
                    Scope::FreeKeyboard => keyboard_free,
                    Scope::Linking => keyboard_free && linking,
                };
                if !active {
                    continue;
                }
                if i.consume_shortcut(shortcut) {
                    pressed.push(binding.clone());
                }
            }
        });
        pressed
    }
}
