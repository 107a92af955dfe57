//! The top bar: menus, the toolbar and the tag palette.

use egui::{RichText, Ui};

use crate::gui::app::commands::UiCommand;
use crate::gui::app::{Intent, PanelWindow};
use crate::gui::theme;

use super::*;

/// Menu bar and toolbar with the tag palette.
pub fn top_ui(ui: &mut Ui, st: &PanelState<'_>, intents: &mut Vec<Intent>) {
    let has_doc = st.doc.is_some();
    let (can_undo, can_redo) = st
        .doc
        .map_or((false, false), |d| (d.can_undo(), d.can_redo()));
    egui::Panel::top("menu").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                command_button(ui, UiCommand::OpenArticle, true, intents);
                command_button(ui, UiCommand::OpenFolder, true, intents);
                command_button(ui, UiCommand::OpenPath, true, intents);
                command_button(ui, UiCommand::Import, true, intents);
                ui.menu_button("Recent", |ui| {
                    if st.settings.recent.is_empty() {
                        ui.label("Nothing opened yet");
                    }
                    for p in st.settings.recent.clone() {
                        let name = p.display().to_string();
                        if ui.button(&name).clicked() {
                            intents.push(Intent::Open(p));
                            ui.close();
                        }
                    }
                });
                ui.separator();
                command_button(ui, UiCommand::Save, has_doc, intents);
                command_button(ui, UiCommand::SaveCopy, has_doc, intents);
                ui.separator();
                command_button(
                    ui,
                    UiCommand::NextArticle,
                    !st.library.entries.is_empty(),
                    intents,
                );
                command_button(
                    ui,
                    UiCommand::PrevArticle,
                    !st.library.entries.is_empty(),
                    intents,
                );
                ui.separator();
                if ui.button("Settings…").clicked() {
                    intents.push(Intent::ShowWindow {
                        window: PanelWindow::Settings,
                        open: true,
                    });
                    ui.close();
                }
                command_button(ui, UiCommand::Quit, true, intents);
            });
            ui.menu_button("Edit", |ui| {
                command_button(ui, UiCommand::Undo, can_undo, intents);
                command_button(ui, UiCommand::Redo, can_redo, intents);
                ui.separator();
                command_button(ui, UiCommand::Find, has_doc, intents);
                let suggest = ui
                    .add_enabled(has_doc, egui::Button::new("Suggest quotes and sources"))
                    .on_hover_text(
                        "Propose direct quotes, their speakers and the links between them \
                         (rules, offline), as suggestions to review",
                    );
                if suggest.clicked() {
                    intents.push(Intent::SuggestQuotes);
                    ui.close();
                }
                command_button(
                    ui,
                    UiCommand::DeleteAnnotation,
                    st.focus.selected.is_some(),
                    intents,
                );
                ui.separator();
                let suggestions = st.list.suggestions > 0;
                command_button(ui, UiCommand::Accept, suggestions, intents);
                command_button(ui, UiCommand::Reject, suggestions, intents);
                command_button(ui, UiCommand::AcceptAll, suggestions, intents);
                command_button(ui, UiCommand::ToggleSuggestionsOnly, suggestions, intents);
            });
            ui.menu_button("View", |ui| {
                command_button(ui, UiCommand::ZoomIn, true, intents);
                command_button(ui, UiCommand::ZoomOut, true, intents);
                command_button(ui, UiCommand::ZoomReset, true, intents);
                ui.separator();
                command_button(ui, UiCommand::ToggleSnap, true, intents);
                command_button(ui, UiCommand::ToggleTheme, true, intents);
                ui.separator();
                command_button(ui, UiCommand::ShowStatistics, st.doc.is_some(), intents);
                command_button(ui, UiCommand::ShowStory, st.doc.is_some(), intents);
                command_button(ui, UiCommand::PracticeWithKey, true, intents);
                command_button(ui, UiCommand::CheckWork, st.doc.is_some(), intents);
                ui.separator();
                command_button(ui, UiCommand::CompareWith, st.doc.is_some(), intents);
            });
            ui.menu_button("Help", |ui| {
                command_button(ui, UiCommand::Help, true, intents);
            });
        });
    });
    egui::Panel::top("toolbar").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            if let Some(doc) = st.doc {
                let has_sel = st.focus.selection.is_some_and(|s| !s.range().is_empty());
                ui.label("Tag:");
                for t in &doc.scheme.tags {
                    let key = t.key.as_deref().unwrap_or("");
                    let text = RichText::new(format!("{key}  {}", t.label));
                    let b = egui::Button::new(text).fill(theme::highlight_fill(
                        ui.visuals(),
                        t.rgb(),
                        None,
                    ));
                    let tip = format!(
                        "{} — press {key} with text selected.\n\n{}",
                        t.label, t.guideline
                    );
                    if ui
                        .add_enabled(has_sel, b)
                        .on_hover_text(&tip)
                        .on_disabled_hover_text(tip)
                        .clicked()
                    {
                        intents.push(Intent::TagSelection(t.id.clone()));
                    }
                }
                ui.separator();
            }
            let undo = ui
                .add_enabled(can_undo, egui::Button::new("Undo"))
                .on_hover_text(
                    st.doc
                        .and_then(|d| d.undo_label())
                        .map_or("Undo (Ctrl+Z)".into(), |l| format!("Undo {l} (Ctrl+Z)")),
                );
            if undo.clicked() {
                intents.push(Intent::Command(UiCommand::Undo));
            }
            let redo = ui
                .add_enabled(can_redo, egui::Button::new("Redo"))
                .on_hover_text(
                    st.doc
                        .and_then(|d| d.redo_label())
                        .map_or("Redo (Ctrl+Shift+Z)".into(), |l| {
                            format!("Redo {l} (Ctrl+Shift+Z)")
                        }),
                );
            if redo.clicked() {
                intents.push(Intent::Command(UiCommand::Redo));
            }
            ui.separator();
            let mut snap = st.settings.snap_to_words;
            if ui
                .toggle_value(&mut snap, "Snap to words")
                .on_hover_text(UiCommand::ToggleSnap.tooltip())
                .changed()
            {
                intents.push(Intent::Command(UiCommand::ToggleSnap));
            }
            if ui
                .button("Find")
                .on_hover_text(UiCommand::Find.tooltip())
                .clicked()
            {
                intents.push(Intent::Command(UiCommand::Find));
            }
            ui.separator();
            if ui
                .button("A−")
                .on_hover_text("Smaller text (Ctrl+−)")
                .clicked()
            {
                intents.push(Intent::Command(UiCommand::ZoomOut));
            }
            if ui
                .button("A+")
                .on_hover_text("Larger text (Ctrl++)")
                .clicked()
            {
                intents.push(Intent::Command(UiCommand::ZoomIn));
            }
            let dark = ui.visuals().dark_mode;
            if ui
                .button(if dark { "Light theme" } else { "Dark theme" })
                .on_hover_text(UiCommand::ToggleTheme.tooltip())
                .clicked()
            {
                intents.push(Intent::Command(UiCommand::ToggleTheme));
            }
        });
    });
}
