//! The right panel: document labels and the annotation list.

use egui::{RichText, Ui};

use crate::core::{Action, Document};
use crate::gui::app::commands::UiCommand;
use crate::gui::app::{Buffers, Intent, ListFilter};

use super::PanelState;

use super::editor::{editor_ui, labels_ui};
use super::*;

/// Right panel: annotation list, the selected annotation's editor, document labels. Reads
/// the document and the app's focus and list; edits only its own text buffers in `b`.
pub fn annotations_ui(
    ui: &mut Ui,
    st: &PanelState<'_>,
    b: &mut Buffers,
    intents: &mut Vec<Intent>,
) {
    let Some(doc) = st.doc else { return };
    let ready = st.ready;
    // A width the user sets (drag the edge; egui remembers it) that the content never pushes:
    // text truncates instead, so the article beside it does not reflow. The article keeps
    // most of a small window.
    let max = (ui.available_width() * 0.35).max(240.0);
    egui::Panel::right("annotations")
        .resizable(true)
        .default_size(320.0_f32.min(max))
        .size_range(200.0..=max)
        .show(ui, |ui| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            // Fill the width given: egui keeps the size the panel's content took, and the
            // first frames show only a spinner, which would shrink it to its minimum for good.
            ui.set_width(ui.available_width());
            if !ready {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Reading annotations…");
                });
                return;
            }
            // Editor first when something is selected, so it stays in view.
            if let Some(id) = st.focus.selected.clone()
                && let Some(a) = doc.annotation(&id)
            {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    editor_ui(
                        ui,
                        doc,
                        a,
                        st.focus.selection.map(|s| s.range()),
                        st.completions,
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
            review_lists_ui(ui, doc, st, intents);
            ui.add_space(4.0);
            ui.heading(format!("Annotations ({})", doc.annotations().len()));
            ui.horizontal(|ui| {
                let label = ui.label("Show");
                let filter = &st.list.filter;
                let current = filter
                    .tag
                    .as_ref()
                    .map_or("all tags".to_owned(), |t| tag_label(doc, t));
                egui::ComboBox::from_id_salt("list_tag")
                    .selected_text(current)
                    .show_ui(ui, |ui| {
                        let choices = std::iter::once((None, "all tags".to_owned())).chain(
                            doc.scheme
                                .tags
                                .iter()
                                .map(|t| (Some(t.id.clone()), t.label.clone())),
                        );
                        for (tag, label) in choices {
                            if ui.selectable_label(filter.tag == tag, label).clicked() {
                                intents.push(Intent::FilterList(ListFilter {
                                    tag,
                                    ..filter.clone()
                                }));
                            }
                        }
                    })
                    .response
                    .labelled_by(label.id);
                let annotators = doc.annotators();
                if annotators.len() > 1 {
                    let who = st.annotator_filter;
                    let label = ui.label("by");
                    egui::ComboBox::from_id_salt("list_annotator")
                        .selected_text(who.unwrap_or("everyone"))
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
                                    .selectable_label(who == Some(a.as_str()), label)
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
            if st.list.suggestions > 0 || st.list.filter.suggested {
                let mut only = st.list.filter.suggested;
                let cmd = UiCommand::ToggleSuggestionsOnly;
                if ui
                    .checkbox(
                        &mut only,
                        format!("Suggestions only ({} to review)", st.list.suggestions),
                    )
                    .on_hover_text(format!(
                        "{} — A accepts, X rejects, Shift+A accepts all",
                        cmd.tooltip()
                    ))
                    .changed()
                {
                    intents.push(Intent::Command(cmd));
                }
            }
            let label = ui.label("Search annotations");
            let mut text = st.list.filter.text.clone();
            if ui
                .add(egui::TextEdit::singleline(&mut text).hint_text("text, note or attribute…"))
                .labelled_by(label.id)
                .changed()
            {
                intents.push(Intent::FilterList(ListFilter {
                    text,
                    ..st.list.filter.clone()
                }));
            }
            let anns = doc.annotations();
            let rows = &st.list.rows;
            let row_h = ui.spacing().interact_size.y;
            egui::ScrollArea::vertical()
                .id_salt("annotation_list")
                .auto_shrink(false)
                .show_rows(ui, row_h, rows.len(), |ui, range| {
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                    for &i in &rows[range] {
                        let a = &anns[i];
                        let selected = st.focus.selected.as_deref() == Some(a.id.as_str());
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
                                intents.push(Intent::Select {
                                    id: Some(a.id.clone()),
                                    scroll: true,
                                });
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

/// The annotations a person should look at, in their own sections: orphans (their text is
/// gone: select the right text and press R, or delete) and those waiting for review (a fuzzy
/// move or a merge: keep, or re-place with R).
fn review_lists_ui(ui: &mut Ui, doc: &Document, st: &PanelState<'_>, intents: &mut Vec<Intent>) {
    let anns = doc.annotations();
    let list = st.list;
    if !list.orphans.is_empty() {
        egui::CollapsingHeader::new(format!("Orphaned ({})", list.orphans.len()))
            .id_salt("orphans")
            .open(list.show_lists.then_some(true))
            .show(ui, |ui| {
                ui.label(
                    RichText::new("Their text is no longer in the article. Select the right text, select the annotation and press R; or delete it.")
                        .weak()
                        .small(),
                );
                for &i in list.orphans.iter().take(200) {
                    let a = &anns[i];
                    let text = format!("{}: “{}”", tag_label(doc, &a.tag), one_line(&a.text, 40));
                    let selected = st.focus.selected.as_deref() == Some(a.id.as_str());
                    if ui.selectable_label(selected, text).clicked() {
                        intents.push(Intent::Select {
                            id: Some(a.id.clone()),
                            scroll: false,
                        });
                    }
                }
            });
    }
    if !list.reviews.is_empty() {
        egui::CollapsingHeader::new(format!("Needs review ({})", list.reviews.len()))
            .id_salt("reviews")
            .open(list.show_lists.then_some(true))
            .show(ui, |ui| {
                for &i in list.reviews.iter().take(200) {
                    let a = &anns[i];
                    let why = match &a.review {
                        Some(r) => match r.reason {
                            crate::core::ReviewReason::Fuzzy => format!(
                                "moved; was “{}”",
                                one_line(r.was.as_deref().unwrap_or(""), 30)
                            ),
                            crate::core::ReviewReason::Merge => {
                                "changed on two branches: two versions".to_owned()
                            }
                            crate::core::ReviewReason::MergeDeleted => {
                                "deleted on the other branch".to_owned()
                            }
                        },
                        None => String::new(),
                    };
                    ui.horizontal(|ui| {
                        if ui
                            .small_button("Keep")
                            .on_hover_text("It is right where it is: clear the review mark")
                            .clicked()
                        {
                            intents
                                .push(Intent::Perform(Action::KeepReviewed { id: a.id.clone() }));
                        }
                        let selected = st.focus.selected.as_deref() == Some(a.id.as_str());
                        let text = format!("“{}” — {why}", one_line(&a.text, 30));
                        if ui
                            .selectable_label(selected, text)
                            .on_hover_text(
                                "Select it (then select the right text and press R to re-place it)",
                            )
                            .clicked()
                        {
                            intents.push(Intent::Select {
                                id: Some(a.id.clone()),
                                scroll: true,
                            });
                        }
                    });
                }
            });
    }
}
