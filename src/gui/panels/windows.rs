//! Floating windows: help (F1), the typed-path dialog, and the other small windows.

use egui::Ui;

use crate::settings::Theme;

use crate::gui::app::commands::help_rows;
use crate::gui::app::{Intent, TaglineApp};

/// Floating windows: Open path, Settings, Help.
pub fn windows_ui(ui: &mut Ui, app: &mut TaglineApp, intents: &mut Vec<Intent>) {
    let ctx = ui.ctx().clone();
    if let Some(mut path) = app.buffers.open_path.take() {
        let mut keep = true;
        egui::Window::new("Open path")
            .collapsible(false)
            .resizable(false)
            .show(&ctx, |ui| {
                let label = ui.label("Article file or folder");
                let resp = ui
                    .add(
                        egui::TextEdit::singleline(&mut path)
                            .desired_width(380.0)
                            .hint_text("/path/to/article.txt"),
                    )
                    .labelled_by(label.id);
                resp.request_focus();
                let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    if (ui.button("Open").clicked() || enter) && !path.trim().is_empty() {
                        intents.push(Intent::Open(std::path::PathBuf::from(path.trim())));
                        keep = false;
                    }
                    if ui.button("Cancel").clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        keep = false;
                    }
                });
            });
        if keep {
            app.buffers.open_path = Some(path);
        }
    }
    if app.buffers.settings_open {
        let mut open = true;
        let mut changed = false;
        egui::Window::new("Settings")
            .open(&mut open)
            .collapsible(false)
            .show(&ctx, |ui| {
                egui::Grid::new("settings_grid")
                    .num_columns(2)
                    .show(ui, |ui| {
                        let label = ui.label("Annotator name");
                        changed |= ui
                            .add(egui::TextEdit::singleline(&mut app.settings.annotator))
                            .labelled_by(label.id)
                            .lost_focus();
                        ui.end_row();
                        let label = ui.label("Theme");
                        ui.horizontal(|ui| {
                            for (t, name) in [
                                (Theme::System, "System"),
                                (Theme::Light, "Light"),
                                (Theme::Dark, "Dark"),
                            ] {
                                changed |=
                                    ui.radio_value(&mut app.settings.theme, t, name).changed();
                            }
                        })
                        .response
                        .labelled_by(label.id);
                        ui.end_row();
                        let label = ui.label("Text size");
                        changed |= ui
                            .add(egui::Slider::new(&mut app.settings.font_size, 10.0..=40.0))
                            .labelled_by(label.id)
                            .changed();
                        ui.end_row();
                        let label = ui.label("Autosave after (s)");
                        changed |= ui
                            .add(egui::Slider::new(
                                &mut app.settings.autosave_seconds,
                                0.2..=30.0,
                            ))
                            .labelled_by(label.id)
                            .changed();
                        ui.end_row();
                        let label = ui.label("Snap to words");
                        changed |= ui
                            .checkbox(&mut app.settings.snap_to_words, "")
                            .labelled_by(label.id)
                            .changed();
                        ui.end_row();
                    });
            });
        app.buffers.settings_open = open;
        if changed {
            intents.push(Intent::SettingsChanged);
        }
    }
    if app.buffers.help_open {
        let mut open = true;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .show(&ctx, |ui| {
                let tags: Vec<(String, String)> = app
                    .doc()
                    .map(|d| {
                        d.scheme
                            .tags
                            .iter()
                            .filter_map(|t| Some((t.key.clone()?, t.label.clone())))
                            .collect()
                    })
                    .unwrap_or_default();
                let rows = help_rows(&tags, |s| ctx.format_shortcut(s));
                egui::Grid::new("help_grid")
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| {
                        for row in rows {
                            ui.label(row.keys);
                            ui.label(row.does);
                            ui.end_row();
                        }
                    });
            });
        app.buffers.help_open = open;
    }
}
