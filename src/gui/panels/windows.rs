//! Floating windows: help (F1), the typed-path dialog, and the other small windows.

use egui::Ui;

use crate::settings::{Settings, Theme};

use crate::gui::app::PathPurpose;
use crate::gui::app::commands::{help_rows, shortcut_text};
use crate::gui::app::{Buffers, Intent, PanelWindow, Windows};

/// Floating windows: Open path, Settings, Help. `tag_keys` are the scheme's `(key, label)`
/// for the help; `b` holds the typed path and the settings being edited.
pub fn windows_ui(
    ui: &mut Ui,
    settings: &Settings,
    windows: Windows,
    tag_keys: &[(String, String)],
    b: &mut Buffers,
    intents: &mut Vec<Intent>,
) {
    let ctx = ui.ctx().clone();
    if !settings.annotator_confirmed {
        first_run_ui(&ctx, settings, b, intents);
    }
    if let Some((purpose, mut path)) = b.typed_path.take() {
        let mut keep = true;
        let (title, label_text, button, hint) = match purpose {
            PathPurpose::Open => (
                "Open path",
                "Article file or folder",
                "Open",
                "/path/to/article.txt",
            ),
            PathPurpose::SaveCopy => (
                "Save annotations as",
                "File to write the annotations to",
                "Save",
                "/path/to/copy.annotations.json",
            ),
            PathPurpose::PracticeKey => (
                "Practice with key",
                "The teacher's key folder",
                "Practise",
                "/path/to/key",
            ),
            PathPurpose::Import => (
                "Import",
                "jsonl, Label Studio .json or brat .ann file (or a brat folder)",
                "Import",
                "/path/to/export.jsonl",
            ),
        };
        egui::Window::new(title)
            .collapsible(false)
            .resizable(false)
            .show(&ctx, |ui| {
                let label = ui.label(label_text);
                let resp = ui
                    .add(
                        egui::TextEdit::singleline(&mut path)
                            .desired_width(380.0)
                            .hint_text(hint),
                    )
                    .labelled_by(label.id);
                // Read Enter before asking for focus again: asking first undid the loss of
                // focus that Enter causes, so Enter never submitted.
                let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if !enter {
                    resp.request_focus();
                }
                ui.horizontal(|ui| {
                    if (ui.button(button).clicked() || enter) && !path.trim().is_empty() {
                        let p = std::path::PathBuf::from(path.trim());
                        intents.push(match purpose {
                            PathPurpose::Open => Intent::Open(p),
                            PathPurpose::SaveCopy => Intent::SaveCopyTo(p),
                            PathPurpose::PracticeKey => Intent::PracticeKey(p),
                            PathPurpose::Import => Intent::ImportFrom(p),
                        });
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
            b.typed_path = Some((purpose, path));
        }
    }
    if windows.settings {
        let mut open = true;
        let mut changed = false;
        let draft = b.settings_draft.get_or_insert_with(|| settings.clone());
        egui::Window::new("Settings")
            .open(&mut open)
            .collapsible(false)
            .show(&ctx, |ui| {
                egui::Grid::new("settings_grid")
                    .num_columns(2)
                    .show(ui, |ui| {
                        let label = ui.label("Annotator name");
                        changed |= ui
                            .add(egui::TextEdit::singleline(&mut draft.annotator))
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
                                changed |= ui.radio_value(&mut draft.theme, t, name).changed();
                            }
                        })
                        .response
                        .labelled_by(label.id);
                        ui.end_row();
                        let label = ui.label("Text size");
                        changed |= ui
                            .add(egui::Slider::new(&mut draft.font_size, 10.0..=40.0))
                            .labelled_by(label.id)
                            .changed();
                        ui.end_row();
                        let label = ui.label("Autosave after (s)");
                        changed |= ui
                            .add(egui::Slider::new(&mut draft.autosave_seconds, 0.2..=30.0))
                            .labelled_by(label.id)
                            .changed();
                        ui.end_row();
                        let label = ui.label("Snap to words");
                        changed |= ui
                            .checkbox(&mut draft.snap_to_words, "")
                            .labelled_by(label.id)
                            .changed();
                        ui.end_row();
                        let label = ui.label("Suggest variants elsewhere").on_hover_text(
                            "When you tag a quote or claim, offer the same words (and close \
                             variants) in the folder's other articles and elsewhere in this \
                             one as suggestions",
                        );
                        changed |= ui
                            .checkbox(&mut draft.suggest_variants, "")
                            .labelled_by(label.id)
                            .changed();
                        ui.end_row();
                    });
            });
        if changed {
            intents.push(Intent::SetSettings(Box::new(draft.clone())));
        }
        if !open {
            intents.push(Intent::ShowWindow {
                window: PanelWindow::Settings,
                open: false,
            });
        }
    }
    if windows.help {
        let mut open = true;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .show(&ctx, |ui| {
                let rows = help_rows(tag_keys, |s| shortcut_text(&ctx, s));
                // More rows than a small screen holds: the list scrolls, using most of the
                // window's height.
                let tall = (ctx.content_rect().height() - 120.0).max(200.0);
                egui::ScrollArea::vertical()
                    .max_height(tall)
                    .min_scrolled_height(tall)
                    .show(ui, |ui| {
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
            });
        if !open {
            intents.push(Intent::ShowWindow {
                window: PanelWindow::Help,
                open: false,
            });
        }
    }
}

/// The first start asks who is annotating: the name goes into every annotation.
fn first_run_ui(
    ctx: &egui::Context,
    settings: &Settings,
    b: &mut Buffers,
    intents: &mut Vec<Intent>,
) {
    let name = b
        .first_run_name
        .get_or_insert_with(|| settings.annotator.clone());
    egui::Window::new("Who is annotating?")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label("Your name is written into each annotation you make, so a class or a team can tell whose work is whose. You can change it later in File → Settings.");
            let label = ui.label("Annotator name");
            let resp = ui
                .add(egui::TextEdit::singleline(name).desired_width(260.0))
                .labelled_by(label.id);
            let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Start annotating").clicked() || enter) && !name.trim().is_empty() {
                let mut s = settings.clone();
                s.annotator = name.trim().to_owned();
                s.annotator_confirmed = true;
                intents.push(Intent::SetSettings(Box::new(s)));
            }
        });
}
