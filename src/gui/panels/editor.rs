//! The editor of the selected annotation: tag, attributes, status, note, relations, span; and the document labels' value editors.

use egui::{RichText, Ui};

use crate::core::model::AttrValue;
use std::collections::BTreeMap;

use crate::core::scheme::{AttrKind, value_label};
use crate::core::{Action, Annotation, Document, Status};

use crate::gui::app::Intent;

use super::*;

/// Text attribute values already used in the folder, by attribute name.
pub type Completions = std::collections::BTreeMap<String, std::collections::BTreeSet<String>>;

#[expect(clippy::expect_used, reason = "the buffer is set two lines above")]
pub(super) fn editor_ui(
    ui: &mut Ui,
    doc: &Document,
    a: &Annotation,
    selection: Option<crate::core::CharRange>,
    completions: &Completions,
    b: &mut crate::gui::app::Buffers,
    intents: &mut Vec<Intent>,
) {
    let id = a.id.clone();
    ui.horizontal(|ui| {
        let (r, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
        ui.painter().rect_filled(r, 3.0, tag_color(doc, &a.tag));
        ui.strong(tag_label(doc, &a.tag));
        ui.label(RichText::new(a.id.as_str()).weak().small());
    });
    // The buttons first, so they stay in the same place whatever the length of the text.
    ui.horizontal(|ui| {
        let can_resize = selection.is_some_and(|s| !s.is_empty() && s != a.range);
        if ui
            .add_enabled(can_resize, egui::Button::new("Set to selection"))
            .on_hover_text(
                "Make this annotation cover the selected text (R). Alt+←/→ moves the end, \
                 Alt+Shift+←/→ the start; [ ] and Shift+[ ] by words",
            )
            .clicked()
        {
            intents.push(Intent::ResizeToSelection { id: id.clone() });
        }
        if ui
            .button("Delete")
            .on_hover_text("Delete this annotation (Del)")
            .clicked()
        {
            intents.push(Intent::Perform(Action::Remove { id: id.clone() }));
        }
        if ui
            .small_button("✕")
            .on_hover_text("Close the editor: deselect (Esc)")
            .clicked()
        {
            intents.push(Intent::Select {
                id: None,
                scroll: false,
            });
        }
    });
    // One line, whatever the span's length (the whole text on hover): nothing below moves.
    ui.add(egui::Label::new(format!("“{}”", one_line(&a.text, 200))).truncate())
        .on_hover_text(&a.text);
    ui.label(
        RichText::new(format!(
            "chars {}–{} · by {}",
            a.range.start, a.range.end, a.annotator
        ))
        .weak()
        .small(),
    );
    if a.status == Some(Status::Orphaned) {
        ui.colored_label(ui.visuals().warn_fg_color, "Orphaned: this text is no longer in the article. Select the right text and use “Set to selection”, or delete it.");
    }
    egui::Grid::new("editor_grid")
        .num_columns(2)
        .min_col_width((ui.available_width() * 0.36).max(60.0))
        .spacing([8.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label("Tag");
            egui::ComboBox::from_id_salt("editor_tag")
                .selected_text(tag_label(doc, &a.tag))
                .show_ui(ui, |ui| {
                    for t in &doc.scheme.tags {
                        if ui.selectable_label(t.id == a.tag, &t.label).clicked() && t.id != a.tag {
                            intents.push(Intent::Perform(Action::Retag {
                                id: id.clone(),
                                tag: t.id.clone(),
                            }));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            if let Some(def) = doc.scheme.tag(&a.tag) {
                let mut focus_next = std::mem::take(&mut b.focus_first_attribute);
                for attr in &def.attributes {
                    let focus = std::mem::take(&mut focus_next);
                    let label = ui.label(attr.display_name()).on_hover_text(&attr.help);
                    let current = a.attributes.get(&attr.name);
                    // One buffer per attribute of this annotation: a shared one was reset
                    // by each attribute drawn after the one being typed into.
                    if b.text_attr.as_ref().is_none_or(|(i, _)| i != &id) {
                        b.text_attr = Some((id.clone(), Default::default()));
                    }
                    let Some((_, bufs)) = b.text_attr.as_mut() else {
                        continue;
                    };
                    let buf = bufs.entry(attr.name.clone()).or_insert_with(|| {
                        current.map(AttrValue::display).unwrap_or_default()
                    });
                    let salt = ("attr", attr.name.as_str());
                    if let Some(value) = value_editor_ui(
                        ui,
                        salt,
                        label.id,
                        (attr.kind, &attr.values, &attr.value_labels),
                        current,
                        buf,
                        focus,
                    ) {
                        intents.push(Intent::Perform(Action::SetAttribute {
                            id: id.clone(),
                            name: attr.name.clone(),
                            value,
                        }));
                    }
                    ui.end_row();
                    // While a text attribute is being typed: the values already used in the
                    // folder that match, one click each.
                    if attr.kind == AttrKind::Text {
                        let stored = current.map(AttrValue::display).unwrap_or_default();
                        let typed = buf.trim().to_lowercase();
                        if !typed.is_empty() && *buf != stored {
                            let matches = typed_matches(completions.get(&attr.name), &typed);
                            if !matches.is_empty() {
                                ui.label("");
                                ui.horizontal_wrapped(|ui| {
                                    for v in matches {
                                        if ui
                                            .small_button(v)
                                            .on_hover_text("Used elsewhere in this folder")
                                            .clicked()
                                        {
                                            *buf = v.to_owned();
                                            intents.push(Intent::Perform(Action::SetAttribute {
                                                id: id.clone(),
                                                name: attr.name.clone(),
                                                value: Some(AttrValue::Text(v.to_owned())),
                                            }));
                                        }
                                    }
                                });
                                ui.end_row();
                            }
                        }
                    }
                }
                if def.entity {
                    entity_ui(ui, a, completions, b, intents);
                }
            }
            for (name, v) in &a.attributes {
                if doc
                    .scheme
                    .tag(&a.tag)
                    .and_then(|t| t.attribute(name))
                    .is_none()
                {
                    ui.label(name);
                    ui.label(format!("{} (not in scheme)", v.display()));
                    ui.end_row();
                }
            }
            let label = ui.label("Review").on_hover_text(
                "Suggested: a pre-annotation to accept or reject. Uncertain: flagged by its annotator.",
            );
            let status_text = |s: Option<Status>| s.map_or("ordinary", Status::as_str);
            egui::ComboBox::from_id_salt("editor_status")
                .selected_text(status_text(a.status))
                .show_ui(ui, |ui| {
                    for s in [None, Some(Status::Suggested), Some(Status::Uncertain)] {
                        if ui.selectable_label(a.status == s, status_text(s)).clicked()
                            && a.status != s
                        {
                            intents.push(Intent::Perform(Action::SetStatus {
                                id: id.clone(),
                                status: s,
                            }));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
        });
    if a.status == Some(Status::Suggested) && ui.button("Accept suggestion").clicked() {
        intents.push(Intent::Perform(Action::SetStatus {
            id: id.clone(),
            status: None,
        }));
    }
    let label = ui.label("Note");
    if b.note.as_ref().is_none_or(|(i, _)| i != &id) {
        b.note = Some((id.clone(), a.note.clone()));
    }
    let buf = &mut b.note.as_mut().expect("just set").1;
    let resp = ui
        .add(
            egui::TextEdit::multiline(buf)
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .hint_text("why, context, doubts…"),
        )
        .labelled_by(label.id);
    if resp.lost_focus() && *buf != a.note {
        intents.push(Intent::Perform(Action::SetNote {
            id: id.clone(),
            note: buf.clone(),
        }));
    }
    // Relations.
    let rels: Vec<_> = doc.relations_of(&id).collect();
    if !rels.is_empty() {
        ui.label(RichText::new("Relations").strong());
    }
    for r in rels {
        ui.horizontal(|ui| {
            // The remove button first: a truncated link takes the rest of the row, and a
            // button after it would push the panel wider.
            if ui
                .small_button("✕")
                .on_hover_text("Remove this relation")
                .clicked()
            {
                intents.push(Intent::Perform(Action::Unrelate { id: r.id.clone() }));
            }
            let (text, other) = crate::gui::view::describe_relation(doc, r, &id, 30);
            if ui.link(text).clicked() {
                intents.push(Intent::Select {
                    id: Some(other.clone()),
                    scroll: true,
                });
            }
        });
    }
    ui.horizontal_wrapped(|ui| {
        for def in doc.scheme.relations_from(&a.tag) {
            let text = def.display_name();
            if ui
                .button(format!("Link: {text}…"))
                .on_hover_text(format!(
                    "Then click the annotation this one is {text} ({})",
                    def.to.join("/")
                ))
                .clicked()
            {
                intents.push(Intent::StartRelation {
                    kind: def.kind.clone(),
                    from: id.clone(),
                });
            }
        }
    });
}

pub(super) fn labels_ui(
    ui: &mut Ui,
    doc: &Document,
    b: &mut crate::gui::app::Buffers,
    intents: &mut Vec<Intent>,
) {
    if doc.scheme.labels.is_empty() {
        ui.label("This scheme has no document labels.");
        return;
    }
    // As wide a name column as the editor's: egui sizes a grid's columns from the frame
    // before, so without a minimum the names truncate on the first frame and stay so.
    egui::Grid::new("labels_grid")
        .num_columns(2)
        .min_col_width((ui.available_width() * 0.36).max(60.0))
        .spacing([8.0, 6.0])
        .show(ui, |ui| {
            for def in &doc.scheme.labels {
                let label = ui.label(def.display_name());
                let current = doc.labels().get(&def.name);
                let stored = current.map(AttrValue::display).unwrap_or_default();
                let buf = b
                    .labels
                    .entry(def.name.clone())
                    .or_insert_with(|| stored.clone());
                let salt = ("label", def.name.as_str());
                if let Some(value) = value_editor_ui(
                    ui,
                    salt,
                    label.id,
                    (def.kind, &def.values, &def.value_labels),
                    current,
                    buf,
                    false,
                ) {
                    intents.push(Intent::Perform(Action::SetLabel {
                        name: def.name.clone(),
                        value,
                    }));
                }
                ui.end_row();
            }
        });
}

/// The widget for one attribute or label value, from its kind: a combo box for a choice, a
/// checkbox for a flag, a text field (edited in `buf`, committed when it loses focus) for
/// text. Returns the new value when the person changed it (`Some(None)`: cleared).
pub(super) fn value_editor_ui(
    ui: &mut Ui,
    salt: (&str, &str),
    label: egui::Id,
    (kind, values, value_labels): (AttrKind, &[String], &BTreeMap<String, String>),
    current: Option<&AttrValue>,
    buf: &mut String,
    focus: bool,
) -> Option<Option<AttrValue>> {
    let mut changed = None;
    match kind {
        AttrKind::Choice => {
            let shown = current.map_or("—".to_owned(), |v| {
                value_label(value_labels, &v.display()).to_owned()
            });
            let resp = egui::ComboBox::from_id_salt(salt)
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    if ui.selectable_label(current.is_none(), "—").clicked() && current.is_some()
                    {
                        changed = Some(None);
                    }
                    for v in values {
                        let on = current.and_then(|c| c.as_text()) == Some(v.as_str());
                        if ui
                            .selectable_label(on, value_label(value_labels, v))
                            .clicked()
                            && !on
                        {
                            changed = Some(Some(AttrValue::Text(v.clone())));
                        }
                    }
                })
                .response
                .labelled_by(label);
            if focus {
                resp.request_focus();
            }
        }
        AttrKind::Bool => {
            let mut on = matches!(current, Some(AttrValue::Bool(true)));
            let resp = ui.checkbox(&mut on, "").labelled_by(label);
            if focus {
                resp.request_focus();
            }
            if resp.changed() {
                changed = Some(Some(AttrValue::Bool(on)));
            }
        }
        AttrKind::Text => {
            let stored = current.map(AttrValue::display).unwrap_or_default();
            let resp = ui
                .add(egui::TextEdit::singleline(buf).desired_width(160.0))
                .labelled_by(label);
            if focus {
                resp.request_focus();
            }
            if resp.lost_focus() && *buf != stored {
                changed = Some((!buf.trim().is_empty()).then(|| AttrValue::Text(buf.clone())));
            } else if !resp.has_focus() && *buf != stored {
                // Changed elsewhere (undo, the other panel): show the stored value.
                *buf = stored;
            }
        }
    }
    changed
}

/// Up to five of the folder's values (`known`) that contain the `typed` text (lowercased) and
/// are not just it: what a text field offers while it is being typed into.
fn typed_matches<'a>(
    known: Option<&'a std::collections::BTreeSet<String>>,
    typed: &str,
) -> Vec<&'a str> {
    known
        .into_iter()
        .flatten()
        .filter(|v| {
            let l = v.to_lowercase();
            l.contains(typed) && l != typed
        })
        .take(5)
        .map(String::as_str)
        .collect()
}

/// The "Entity" row of a source: its canonical name, typed or chosen from the names already
/// given in the folder that this span probably means ([`crate::core::entity::suggest`]).
fn entity_ui(
    ui: &mut Ui,
    a: &Annotation,
    completions: &Completions,
    b: &mut crate::gui::app::Buffers,
    intents: &mut Vec<Intent>,
) {
    use crate::core::corpus::ENTITY_KEY;
    let label = ui.label("Entity").on_hover_text(
        "The source's canonical name (\"Arvind Krishna\" for \"IBM CEO Arvind Krishna\" and \
         for \"Krishna\"), so the same source is recognised across articles",
    );
    if b.text_attr.as_ref().is_none_or(|(i, _)| i != &a.id) {
        b.text_attr = Some((a.id.clone(), Default::default()));
    }
    let Some((_, bufs)) = b.text_attr.as_mut() else {
        return;
    };
    let buf = bufs
        .entry(ENTITY_KEY.to_owned())
        .or_insert_with(|| a.entity.clone());
    let resp = ui
        .add(
            egui::TextEdit::singleline(buf)
                .desired_width(160.0)
                .hint_text("name of the source"),
        )
        .labelled_by(label.id);
    if resp.lost_focus() && *buf != a.entity {
        intents.push(Intent::Perform(Action::SetEntity {
            id: a.id.clone(),
            entity: buf.clone(),
        }));
    } else if !resp.has_focus() && *buf != a.entity {
        *buf = a.entity.clone();
    }
    ui.end_row();
    let empty = Default::default();
    let known = completions.get(ENTITY_KEY).unwrap_or(&empty);
    let typed = buf.trim().to_lowercase();
    let offers: Vec<&str> = if typed.is_empty() {
        crate::core::entity::suggest(&a.text, known, 3)
    } else if *buf != a.entity {
        typed_matches(Some(known), &typed)
    } else {
        Vec::new()
    };
    if offers.is_empty() {
        return;
    }
    ui.label("");
    ui.horizontal_wrapped(|ui| {
        for name in offers {
            if ui
                .small_button(name)
                .on_hover_text("A source already named so in this folder")
                .clicked()
            {
                *buf = name.to_owned();
                intents.push(Intent::Perform(Action::SetEntity {
                    id: a.id.clone(),
                    entity: name.to_owned(),
                }));
            }
        }
    });
    ui.end_row();
}
