//! Non-modal notices with their ways forward, and the drop overlay.

use egui::{Color32, RichText, Ui};

use crate::gui::app::{Intent, Level, Notice};

/// Notices with their ways forward.
pub fn notices_ui(ui: &mut Ui, notices: &[Notice], intents: &mut Vec<Intent>) {
    for (i, n) in notices.iter().enumerate() {
        let (fill, fg) = match n.level {
            Level::Info => (ui.visuals().faint_bg_color, ui.visuals().text_color()),
            Level::Warning => (
                ui.visuals().warn_fg_color.gamma_multiply(0.18),
                ui.visuals().text_color(),
            ),
            Level::Error => (
                ui.visuals().error_fg_color.gamma_multiply(0.18),
                ui.visuals().text_color(),
            ),
        };
        egui::Frame::new()
            .fill(fill)
            .inner_margin(6.0)
            .corner_radius(4.0)
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    let icon = match n.level {
                        Level::Info => "ℹ",
                        Level::Warning => "⚠",
                        Level::Error => "⛔",
                    };
                    ui.label(RichText::new(format!("{icon} {}", n.text)).color(fg));
                    for a in &n.actions {
                        if ui.button(a.label()).clicked() {
                            intents.push(Intent::Notice {
                                index: i,
                                action: a.clone(),
                            });
                        }
                    }
                    if ui.small_button("✕").on_hover_text("Dismiss").clicked() {
                        intents.push(Intent::Dismiss { index: i });
                    }
                });
            });
    }
}

/// A hint while files are dragged over the window.
pub fn drop_overlay_ui(ctx: &egui::Context) {
    let screen = ctx.content_rect();
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop"),
    ));
    painter.rect_filled(screen, 0.0, Color32::from_black_alpha(160));
    painter.text(
        screen.center(),
        egui::Align2::CENTER_CENTER,
        "Drop articles or a folder to open them",
        egui::FontId::proportional(24.0),
        Color32::WHITE,
    );
}

/// The hint while a relation is being made, floating over the article's top edge so nothing
/// moves. Returns `true` when Cancel was clicked.
pub fn link_hint_ui(ctx: &egui::Context, relation: &str) -> bool {
    let mut cancel = false;
    let top = ctx.content_rect().center_top() + egui::vec2(0.0, 64.0);
    egui::Area::new(egui::Id::unique("tagline-link-hint"))
        .fixed_pos(top)
        .pivot(egui::Align2::CENTER_TOP)
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(format!(
                        "Click the annotation this one is “{relation}” (Esc cancels)"
                    ));
                    if ui.button("Cancel").clicked() {
                        cancel = true;
                    }
                });
            });
        });
    cancel
}
