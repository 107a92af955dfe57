//! What the window shows before anything is open.

use egui::{RichText, Ui};

use crate::gui::app::Intent;
use crate::gui::app::commands::{UiCommand, shortcut_text};

/// Shown when no article is open.
pub fn welcome_ui(
    ui: &mut Ui,
    loading: bool,
    recent: &[std::path::PathBuf],
    intents: &mut Vec<Intent>,
) {
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.heading("Tagline");
        ui.label("Highlight claims, quotes, stance and sourcing in news articles.");
        ui.add_space(16.0);
        if loading {
            ui.spinner();
            return;
        }
        for cmd in [
            UiCommand::OpenArticle,
            UiCommand::OpenFolder,
            UiCommand::OpenPath,
        ] {
            let sc = cmd
                .shortcut()
                .map(|s| shortcut_text(ui.ctx(), &s))
                .unwrap_or_default();
            if ui
                .button(format!("{}   {sc}", cmd.text()))
                .on_hover_text(cmd.tooltip())
                .clicked()
            {
                intents.push(Intent::Command(cmd));
            }
        }
        ui.add_space(8.0);
        ui.label(RichText::new("…or drop article files or a folder on this window.").weak());
        if !recent.is_empty() {
            ui.add_space(16.0);
            ui.label(RichText::new("Recent").strong());
            for p in recent.iter().take(6) {
                if ui.link(p.display().to_string()).clicked() {
                    intents.push(Intent::Open(p.clone()));
                }
            }
        }
    });
}
