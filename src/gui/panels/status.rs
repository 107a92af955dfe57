//! The status bar: long work under way (with Cancel), save state, position, counts.

use egui::{RichText, Ui};

use crate::gui::app::compare::CompareIntent;
use crate::gui::app::{Intent, Level};

use super::PanelState;

/// The status bar: work under way, file, save state, selection, annotator.
pub fn status_bar_ui(ui: &mut Ui, st: &PanelState<'_>, intents: &mut Vec<Intent>) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            if let Some(b) = st.compare_busy {
                let fraction = if b.total == 0 {
                    0.0
                } else {
                    b.done as f32 / b.total as f32
                };
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(90.0)
                        .desired_height(10.0),
                );
                let step = if b.step.is_empty() {
                    String::new()
                } else {
                    format!(": {}", b.step)
                };
                ui.label(format!(
                    "{}{step} ({} of {})…",
                    b.what,
                    (b.done + 1).min(b.total.max(1)),
                    b.total.max(1)
                ));
                if ui
                    .small_button("Cancel")
                    .on_hover_text("Stop; nothing is written")
                    .clicked()
                {
                    intents.push(Intent::Compare(CompareIntent::Cancel));
                }
                ui.separator();
            }
            if let Some(doc) = st.doc {
                ui.label(doc.article.path.display().to_string());
                ui.separator();
                // The file's encoding: offsets count chars of the decoded text, whatever it is.
                ui.label(doc.article.encoding_label())
                    .on_hover_text("The article file's text encoding; annotations count characters of the decoded text");
                ui.separator();
                let state = &st.save_state;
                let color = match state.level() {
                    Level::Error => ui.visuals().error_fg_color,
                    Level::Warning => ui.visuals().warn_fg_color,
                    Level::Info => ui.visuals().weak_text_color(),
                };
                ui.label(RichText::new(state.label()).color(color));
                ui.separator();
                if st.list.suggestions > 0 {
                    ui.label(format!(
                        "{} suggestion{} to review",
                        st.list.suggestions,
                        if st.list.suggestions == 1 { "" } else { "s" }
                    ))
                    .on_hover_text("A accepts, X rejects, Shift+A accepts all, J / K step");
                    ui.separator();
                }
                match st.focus.selection.map(|s| s.range()) {
                    Some(r) if !r.is_empty() => {
                        ui.label(format!(
                            "Selected chars {}–{} ({})",
                            r.start,
                            r.end,
                            r.len()
                        ));
                    }
                    Some(r) => {
                        ui.label(format!("Caret at char {}", r.start));
                    }
                    None => {
                        ui.label(format!("{} chars", doc.article.len_chars()));
                    }
                }
            } else if let Some(p) = st.loading {
                ui.spinner();
                ui.label(format!("Opening {}…", p.display()));
            } else {
                ui.label("No article open");
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(format!("Annotator: {}", st.settings.annotator));
            });
        });
    });
}
