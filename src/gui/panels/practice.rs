//! The "Check my work" window of practice mode: the score, then each key annotation found,
//! missed or tagged otherwise, and the student's extras, with the key's explanations.

use egui::RichText;

use crate::gui::app::practice::PracticeCheck;

/// Shows the check. Returns `false` when the student closed it.
pub fn practice_window_ui(ctx: &egui::Context, check: &PracticeCheck) -> bool {
    let mut open = true;
    egui::Window::new("Check my work")
        .open(&mut open)
        .default_size([520.0, 420.0])
        .show(ctx, |ui| {
            ui.label(
                RichText::new(format!(
                    "Score: {:.1} of {:.1} — {} found, {} missed, {} extra",
                    check.earned, check.possible, check.found, check.missed, check.extra
                ))
                .strong(),
            );
            ui.label(
                RichText::new(
                    "✓ found · ½ boundaries differ · ≠ other tag · ✗ missed · + not in the key",
                )
                .weak()
                .small(),
            );
            ui.separator();
            egui::ScrollArea::vertical().show(ui, |ui| {
                egui::Grid::new("practice_rows")
                    .num_columns(3)
                    .striped(true)
                    .show(ui, |ui| {
                        for row in &check.rows {
                            ui.label(RichText::new(row.mark).strong());
                            ui.label(&row.tag);
                            ui.vertical(|ui| {
                                ui.label(format!("“{}”", row.text));
                                if !row.explanation.is_empty() {
                                    ui.label(RichText::new(&row.explanation).weak());
                                }
                            });
                            ui.end_row();
                        }
                    });
            });
        });
    open
}
