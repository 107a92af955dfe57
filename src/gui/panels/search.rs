//! The Find bar.

use egui::Ui;

use crate::gui::app::{Intent, SearchState};

/// The find bar.
pub fn search_bar_ui(ui: &mut Ui, search: &mut SearchState, intents: &mut Vec<Intent>) {
    ui.horizontal(|ui| {
        let label = ui.label("Find in article");
        let resp = ui
            .add(egui::TextEdit::singleline(&mut search.query).hint_text("text in the article"))
            .labelled_by(label.id);
        if search.focus {
            resp.request_focus();
            search.focus = false;
        }
        if resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            let back = ui.input(|i| i.modifiers.shift);
            intents.push(Intent::SearchStep { back });
            resp.request_focus();
        }
        let n = search.hits.len();
        let pos = search.current.map_or(0, |c| c + 1);
        if !search.query.is_empty() {
            ui.label(if n == 0 {
                "no matches".to_owned()
            } else {
                format!("{pos} of {n}")
            });
        }
        if ui
            .button("Previous")
            .on_hover_text("Previous match (Shift+Enter)")
            .clicked()
        {
            intents.push(Intent::SearchStep { back: true });
        }
        if ui
            .button("Next")
            .on_hover_text("Next match (Enter)")
            .clicked()
        {
            intents.push(Intent::SearchStep { back: false });
        }
        if ui.button("✕").on_hover_text("Close the find bar").clicked()
            || ui.input(|i| i.key_pressed(egui::Key::Escape)) && resp.has_focus()
        {
            search.open = false;
            search.query.clear();
        }
    });
}
