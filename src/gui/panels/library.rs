//! The folder list: the articles of the open folder with their state.

use egui::{RichText, Ui};

use crate::core::Scheme;
use crate::gui::app::Intent;

use super::PanelState;

/// The folder's article list.
pub fn library_ui(ui: &mut Ui, st: &PanelState<'_>, intents: &mut Vec<Intent>) {
    let library = st.library;
    if library.entries.is_empty() && library.scanning.is_none() {
        return;
    }
    let current = st
        .doc
        .map(|d| d.article.path.clone())
        .or_else(|| st.loading.map(|p| p.to_path_buf()));
    let dirty = st.doc.is_some_and(crate::gui::app::has_unsaved_work);
    let max = (ui.available_width() * 0.25).max(160.0);
    let scheme = st
        .doc
        .map_or_else(Scheme::default_news, |d| d.scheme.clone());
    egui::Panel::left("library")
        .resizable(true)
        .default_size(230.0_f32.min(max))
        .size_range(120.0..=max)
        .show(ui, |ui| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            let title = library
                .root
                .as_ref()
                .and_then(|r| r.file_name())
                .map_or("Articles".to_owned(), |n| n.to_string_lossy().into_owned());
            ui.heading(title);
            if let Some(n) = library.scanning {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("Scanning… {n} files"));
                });
            }
            let label = ui.label("Filter articles");
            let mut filter = library.filter.clone();
            if ui
                .add(egui::TextEdit::singleline(&mut filter).hint_text("name contains…"))
                .labelled_by(label.id)
                .changed()
            {
                intents.push(Intent::FilterLibrary(filter));
            }
            let root = library.root.clone();
            let rows = &library.rows;
            ui.label(RichText::new(format!("{} articles", rows.len())).weak());
            let row_h = ui.spacing().interact_size.y;
            egui::ScrollArea::vertical()
                .id_salt("library_list")
                .auto_shrink(false)
                .show_rows(ui, row_h, rows.len(), |ui, range| {
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                    for &i in &rows[range] {
                        let e = &library.entries[i];
                        let name = match &root {
                            Some(r) => e
                                .path
                                .strip_prefix(r)
                                .unwrap_or(&e.path)
                                .display()
                                .to_string(),
                            None => e
                                .path
                                .file_name()
                                .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
                        };
                        let is_current = current.as_ref() == Some(&e.path);
                        let state = match &e.summary {
                            _ if e.unreadable.is_some() => "⚠ cannot be read".to_owned(),
                            None => "…".to_owned(),
                            Some(s) if s.unreadable => "⚠ unreadable sidecar".to_owned(),
                            Some(s) if s.annotations == 0 && s.status.is_none() => {
                                "○ not started".to_owned()
                            }
                            Some(s) => {
                                let status = s
                                    .status_label(&scheme)
                                    .map(|st| format!(" · {st}"))
                                    .unwrap_or_default();
                                format!("● {}{status}", s.annotations)
                            }
                        };
                        let name = format!("{name}{}", if is_current && dirty { " •" } else { "" });
                        // The name shrinks (truncated) before the state does.
                        let row = egui::Button::selectable(is_current, name)
                            .truncate()
                            .right_text(RichText::new(state).small())
                            .min_size(egui::vec2(ui.available_width(), 0.0));
                        if ui
                            .add(row)
                            .on_hover_text(match &e.unreadable {
                                Some(why) => format!("{}\n{why}", e.path.display()),
                                None => e.path.display().to_string(),
                            })
                            .clicked()
                            && !is_current
                        {
                            intents.push(Intent::Open(e.path.clone()));
                        }
                    }
                });
        });
}
