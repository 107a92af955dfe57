//! The right panel: document labels and the annotation list.

use egui::Ui;

use crate::core::Annotation;

use crate::gui::app::{Intent, TaglineApp};

use super::editor::{editor_ui, labels_ui};
use super::*;

/// Right panel: annotation list, the selected annotation's editor, document labels.
#[expect(
    clippy::expect_used,
    reason = "the rows are set just above when missing"
)]
pub fn annotations_ui(ui: &mut Ui, app: &mut TaglineApp, intents: &mut Vec<Intent>) {
    let Some(open) = &app.open else { return };
    let doc = &open.doc;
    let ready = open.ready;
    let b = &mut app.buffers;
    egui::Panel::right("annotations")
        .resizable(true)
        .default_size(340.0)
        .show(ui, |ui| {
            if !ready {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Reading annotations…");
                });
                return;
            }
            // Editor first when something is selected, so it stays in view.
            if let Some(id) = app.focus.selected.clone()
                && let Some(a) = doc.annotation(&id)
            {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    editor_ui(
                        ui,
                        doc,
                        a,
                        app.focus.selection.map(|s| s.range()),
                        b,
                        intents,
                    );
                });
                ui.add_space(6.0);
            }
            egui::CollapsingHeader::new("Article labels")
                .default_open(true)
                .show(ui, |ui| {
                    labels_ui(ui, doc, b, intents);
                });
            ui.add_space(4.0);
            ui.heading(format!("Annotations ({})", doc.annotations().len()));
            ui.horizontal(|ui| {
                let label = ui.label("Show");
                let current = b
                    .list_tag
                    .as_ref()
                    .map_or("all tags".to_owned(), |t| tag_label(doc, t));
                egui::ComboBox::from_id_salt("list_tag")
                    .selected_text(current)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut b.list_tag, None, "all tags");
                        for t in &doc.scheme.tags {
                            ui.selectable_value(&mut b.list_tag, Some(t.id.clone()), &t.label);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                let annotators = doc.annotators();
                if annotators.len() > 1 {
                    let who = app.annotator_filter.clone();
                    let label = ui.label("by");
                    egui::ComboBox::from_id_salt("list_annotator")
                        .selected_text(who.clone().unwrap_or_else(|| "everyone".into()))
                        .show_ui(ui, |ui| {
                            if ui.selectable_label(who.is_none(), "everyone").clicked() {
                                intents.push(Intent::FilterAnnotator(None));
                            }
                            for a in annotators {
                                let label = if a.is_empty() {
                                    "(no name)".to_owned()
                                } else {
                                    a.clone()
                                };
                                if ui
                                    .selectable_label(who.as_deref() == Some(a.as_str()), label)
                                    .clicked()
                                {
                                    intents.push(Intent::FilterAnnotator(Some(a)));
                                }
                            }
                        })
                        .response
                        .labelled_by(label.id);
                }
            });
            let label = ui.label("Search annotations");
            ui.add(
                egui::TextEdit::singleline(&mut b.list_text).hint_text("text, note or attribute…"),
            )
            .labelled_by(label.id);
            let who = app.annotator_filter.clone();
            let anns = doc.annotations();
            // Filtering 100,000 annotations is work for when the filter or the document
            // changes, not for every frame.
            let key = (
                doc.revision(),
                anns.as_ptr() as usize,
                anns.len(),
                b.list_tag.clone(),
                b.list_text.clone(),
                who.clone(),
            );
            if b.list_rows.as_ref().is_none_or(|(k, _)| *k != key) {
                let q = b.list_text.to_lowercase();
                let matches = |a: &Annotation| {
                    b.list_tag.as_ref().is_none_or(|t| &a.tag == t)
                        && who.as_ref().is_none_or(|w| &a.annotator == w)
                        && (q.is_empty()
                            || a.text.to_lowercase().contains(&q)
                            || a.note.to_lowercase().contains(&q)
                            || a.attributes
                                .values()
                                .any(|v| v.display().to_lowercase().contains(&q)))
                };
                let rows = (0..anns.len()).filter(|&i| matches(&anns[i])).collect();
                b.list_rows = Some((key, rows));
            }
            let rows = &b.list_rows.as_ref().expect("just set").1;
            let row_h = ui.spacing().interact_size.y;
            egui::ScrollArea::vertical()
                .id_salt("annotation_list")
                .auto_shrink(false)
                .show_rows(ui, row_h, rows.len(), |ui, range| {
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                    for &i in &rows[range] {
                        let a = &anns[i];
                        let selected = app.focus.selected.as_deref() == Some(a.id.as_str());
                        ui.horizontal(|ui| {
                            let (r, _) = ui
                                .allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                            ui.painter().rect_filled(r, 2.0, tag_color(doc, &a.tag));
                            let mut text =
                                format!("{}: “{}”", tag_label(doc, &a.tag), one_line(&a.text, 48));
                            if let Some(s) = a.status {
                                text.push_str(&format!(" [{}]", s.as_str()));
                            }
                            let resp = ui.selectable_label(selected, text);
                            if resp.clicked() {
                                intents.push(Intent::Select(Some(a.id.clone()), true));
                            }
                            resp.on_hover_text(format!(
                                "chars {}–{} · {}",
                                a.range.start, a.range.end, a.annotator
                            ));
                        });
                    }
                });
        });
}
