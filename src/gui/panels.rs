//! The panels around the article view. Each reads app state and pushes [`Intent`]s; none
//! touches files or documents.

use egui::{Color32, RichText, Ui};

use crate::core::model::AttrValue;
use crate::core::scheme::AttrKind;
use crate::core::{Action, Annotation, Document, Status};
use crate::settings::Theme;

use super::app::{Intent, Level, Notice, SearchState, TaglineApp};
use super::article_view::ArticleView;
use super::commands::UiCommand;
use super::theme;

fn command_button(ui: &mut Ui, cmd: UiCommand, enabled: bool, intents: &mut Vec<Intent>) {
    let mut b = egui::Button::new(cmd.text());
    if let Some(sc) = cmd.shortcut() {
        b = b.shortcut_text(ui.ctx().format_shortcut(&sc));
    }
    if ui
        .add_enabled(enabled, b)
        .on_hover_text(cmd.tooltip())
        .clicked()
    {
        intents.push(Intent::Command(cmd));
        ui.close();
    }
}

/// Menu bar and toolbar with the tag palette.
pub fn top_ui(ui: &mut Ui, app: &mut TaglineApp, intents: &mut Vec<Intent>) {
    let has_doc = app.doc().is_some();
    let (can_undo, can_redo) = app
        .doc()
        .map_or((false, false), |d| (d.can_undo(), d.can_redo()));
    egui::Panel::top("menu").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                command_button(ui, UiCommand::OpenArticle, true, intents);
                command_button(ui, UiCommand::OpenFolder, true, intents);
                command_button(ui, UiCommand::OpenPath, true, intents);
                ui.menu_button("Recent", |ui| {
                    if app.settings.recent.is_empty() {
                        ui.label("Nothing opened yet");
                    }
                    for p in app.settings.recent.clone() {
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
                    !app.library.entries.is_empty(),
                    intents,
                );
                command_button(
                    ui,
                    UiCommand::PrevArticle,
                    !app.library.entries.is_empty(),
                    intents,
                );
                ui.separator();
                if ui.button("Settings…").clicked() {
                    app.buffers.settings_open = true;
                    ui.close();
                }
                command_button(ui, UiCommand::Quit, true, intents);
            });
            ui.menu_button("Edit", |ui| {
                command_button(ui, UiCommand::Undo, can_undo, intents);
                command_button(ui, UiCommand::Redo, can_redo, intents);
                ui.separator();
                command_button(ui, UiCommand::Find, has_doc, intents);
                command_button(
                    ui,
                    UiCommand::DeleteAnnotation,
                    app.view.selected_annotation.is_some(),
                    intents,
                );
            });
            ui.menu_button("View", |ui| {
                command_button(ui, UiCommand::ZoomIn, true, intents);
                command_button(ui, UiCommand::ZoomOut, true, intents);
                command_button(ui, UiCommand::ZoomReset, true, intents);
                ui.separator();
                command_button(ui, UiCommand::ToggleSnap, true, intents);
                command_button(ui, UiCommand::ToggleTheme, true, intents);
            });
            ui.menu_button("Help", |ui| {
                command_button(ui, UiCommand::Help, true, intents);
            });
        });
    });
    egui::Panel::top("toolbar").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            if let Some(doc) = app.doc() {
                let has_sel = app.view.selection.is_some_and(|s| !s.range().is_empty());
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
                    app.doc()
                        .and_then(|d| d.undo_label())
                        .map_or("Undo (Ctrl+Z)".into(), |l| format!("Undo {l} (Ctrl+Z)")),
                );
            if undo.clicked() {
                intents.push(Intent::Command(UiCommand::Undo));
            }
            let redo = ui
                .add_enabled(can_redo, egui::Button::new("Redo"))
                .on_hover_text(
                    app.doc()
                        .and_then(|d| d.redo_label())
                        .map_or("Redo (Ctrl+Shift+Z)".into(), |l| {
                            format!("Redo {l} (Ctrl+Shift+Z)")
                        }),
                );
            if redo.clicked() {
                intents.push(Intent::Command(UiCommand::Redo));
            }
            ui.separator();
            let mut snap = app.settings.snap_to_words;
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

/// The status bar: file, save state, selection, annotator.
pub fn status_bar_ui(ui: &mut Ui, app: &TaglineApp) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            if let Some(doc) = app.doc() {
                ui.label(doc.article.path.display().to_string());
                ui.separator();
                let state = app.save_state();
                let color = if state.starts_with("Not saved") {
                    ui.visuals().error_fg_color
                } else if state == "Unsaved changes" || state == "Saving…" {
                    ui.visuals().warn_fg_color
                } else {
                    ui.visuals().weak_text_color()
                };
                ui.label(RichText::new(state).color(color));
                ui.separator();
                match app.view.selection.map(|s| s.range()) {
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
            } else if let Some(p) = &app.loading {
                ui.spinner();
                ui.label(format!("Opening {}…", p.display()));
            } else {
                ui.label("No article open");
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(format!("Annotator: {}", app.settings.annotator));
            });
        });
    });
}

/// The folder's article list.
pub fn library_ui(ui: &mut Ui, app: &mut TaglineApp, intents: &mut Vec<Intent>) {
    if app.library.entries.is_empty() && app.library.scanning.is_none() {
        return;
    }
    let current = app
        .doc()
        .map(|d| d.article.path.clone())
        .or_else(|| app.loading.clone());
    let dirty = app.doc().is_some_and(|d| d.is_dirty());
    egui::Panel::left("library")
        .resizable(true)
        .default_size(230.0)
        .show(ui, |ui| {
            let title = app
                .library
                .root
                .as_ref()
                .and_then(|r| r.file_name())
                .map_or("Articles".to_owned(), |n| n.to_string_lossy().into_owned());
            ui.heading(title);
            if let Some(n) = app.library.scanning {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("Scanning… {n} files"));
                });
            }
            let label = ui.label("Filter articles");
            ui.add(egui::TextEdit::singleline(&mut app.library.filter).hint_text("name contains…"))
                .labelled_by(label.id);
            let filter = app.library.filter.to_lowercase();
            let root = app.library.root.clone();
            let key = (filter.clone(), app.library.entries.len());
            if app.library.rows.as_ref().is_none_or(|(k, _)| *k != key) {
                let rows = (0..app.library.entries.len())
                    .filter(|&i| {
                        filter.is_empty()
                            || app.library.entries[i]
                                .path
                                .to_string_lossy()
                                .to_lowercase()
                                .contains(&filter)
                    })
                    .collect();
                app.library.rows = Some((key, rows));
            }
            let rows = app
                .library
                .rows
                .as_ref()
                .map(|(_, r)| r.clone())
                .unwrap_or_default();
            ui.label(RichText::new(format!("{} articles", rows.len())).weak());
            let row_h = ui.spacing().interact_size.y;
            egui::ScrollArea::vertical()
                .id_salt("library_list")
                .auto_shrink(false)
                .show_rows(ui, row_h, rows.len(), |ui, range| {
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                    for &i in &rows[range] {
                        let e = &app.library.entries[i];
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
                            None => "…".to_owned(),
                            Some(s) if s.unreadable => "⚠ unreadable sidecar".to_owned(),
                            Some(s) if s.annotations == 0 && s.status.is_none() => {
                                "○ not started".to_owned()
                            }
                            Some(s) => {
                                let status = s
                                    .status
                                    .as_deref()
                                    .map(|st| format!(" · {}", st.replace('_', " ")))
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
                            .on_hover_text(e.path.display().to_string())
                            .clicked()
                            && !is_current
                        {
                            intents.push(Intent::Open(e.path.clone()));
                        }
                    }
                });
        });
}

fn tag_label(doc: &Document, tag: &str) -> String {
    doc.scheme
        .tag(tag)
        .map_or_else(|| format!("{tag} (not in scheme)"), |t| t.label.clone())
}

fn tag_color(doc: &Document, tag: &str) -> Color32 {
    theme::swatch(doc.scheme.tag(tag).map_or([150, 150, 150], |t| t.rgb()))
}

fn one_line(s: &str, n: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() > n {
        format!("{}…", flat.chars().take(n).collect::<String>())
    } else {
        flat
    }
}

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
            if let Some(id) = app.view.selected_annotation.clone()
                && let Some(a) = doc.annotation(&id)
            {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    editor_ui(
                        ui,
                        doc,
                        a,
                        app.view.selection.map(|s| s.range()),
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
                    let who = app.view.annotator_filter.clone();
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
            let who = app.view.annotator_filter.clone();
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
                        let selected =
                            app.view.selected_annotation.as_deref() == Some(a.id.as_str());
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

#[expect(clippy::expect_used, reason = "the buffer is set two lines above")]
fn editor_ui(
    ui: &mut Ui,
    doc: &Document,
    a: &Annotation,
    selection: Option<crate::core::CharRange>,
    b: &mut super::app::Buffers,
    intents: &mut Vec<Intent>,
) {
    let id = a.id.clone();
    ui.horizontal(|ui| {
        let (r, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
        ui.painter().rect_filled(r, 3.0, tag_color(doc, &a.tag));
        ui.strong(tag_label(doc, &a.tag));
        ui.label(RichText::new(&a.id).weak().small());
    });
    ui.label(format!("“{}”", one_line(&a.text, 200)));
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
                for attr in &def.attributes {
                    let label = ui.label(&attr.name).on_hover_text(&attr.help);
                    let current = a.attributes.get(&attr.name);
                    let stored = current.map(AttrValue::display).unwrap_or_default();
                    if b.text_attr
                        .as_ref()
                        .is_none_or(|(i, n, _)| (i, n) != (&id, &attr.name))
                    {
                        b.text_attr = Some((id.clone(), attr.name.clone(), stored));
                    }
                    let buf = &mut b.text_attr.as_mut().expect("just set").2;
                    let salt = ("attr", attr.name.as_str());
                    if let Some(value) = value_editor_ui(ui, salt, label.id, attr.kind, &attr.values, current, buf) {
                        intents.push(Intent::Perform(Action::SetAttribute {
                            id: id.clone(),
                            name: attr.name.clone(),
                            value,
                        }));
                    }
                    ui.end_row();
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
            let (text, other) = super::article_view::describe_relation(doc, r, &id, 30);
            if ui.link(text).clicked() {
                intents.push(Intent::Select(Some(other.clone()), true));
            }
            if ui
                .small_button("✕")
                .on_hover_text("Remove this relation")
                .clicked()
            {
                intents.push(Intent::Perform(Action::Unrelate { id: r.id.clone() }));
            }
        });
    }
    ui.horizontal_wrapped(|ui| {
        for def in doc
            .scheme
            .relations
            .iter()
            .filter(|d| d.from.is_empty() || d.from.contains(&a.tag))
        {
            let text = if def.label.is_empty() {
                def.kind.replace('_', " ")
            } else {
                def.label.clone()
            };
            if ui
                .button(format!("Link: {text}…"))
                .on_hover_text(format!(
                    "Then click the annotation this one is {text} ({})",
                    def.to.join("/")
                ))
                .clicked()
            {
                intents.push(Intent::StartRelation(def.kind.clone(), id.clone()));
            }
        }
    });
    ui.horizontal(|ui| {
        let can_resize = selection.is_some_and(|s| !s.is_empty() && s != a.range);
        if ui
            .add_enabled(can_resize, egui::Button::new("Set to selection"))
            .on_hover_text("Make this annotation cover the selected text (Alt+←/→ moves the end, Alt+Shift+←/→ the start)")
            .clicked()
        {
            intents.push(Intent::ResizeToSelection(id.clone()));
        }
        if ui.button("Delete").on_hover_text("Delete this annotation (Del)").clicked() {
            intents.push(Intent::Perform(Action::Remove { id: id.clone() }));
        }
        if ui.button("Close").on_hover_text("Deselect (Esc in the list)").clicked() {
            intents.push(Intent::Select(None, false));
        }
    });
}

fn labels_ui(ui: &mut Ui, doc: &Document, b: &mut super::app::Buffers, intents: &mut Vec<Intent>) {
    if doc.scheme.labels.is_empty() {
        ui.label("This scheme has no document labels.");
        return;
    }
    egui::Grid::new("labels_grid")
        .num_columns(2)
        .spacing([8.0, 6.0])
        .show(ui, |ui| {
            for def in &doc.scheme.labels {
                let name = if def.label.is_empty() {
                    def.name.clone()
                } else {
                    def.label.clone()
                };
                let label = ui.label(&name);
                let current = doc.labels().get(&def.name);
                let stored = current.map(AttrValue::display).unwrap_or_default();
                let buf = b
                    .labels
                    .entry(def.name.clone())
                    .or_insert_with(|| stored.clone());
                let salt = ("label", def.name.as_str());
                if let Some(value) =
                    value_editor_ui(ui, salt, label.id, def.kind, &def.values, current, buf)
                {
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
fn value_editor_ui(
    ui: &mut Ui,
    salt: (&str, &str),
    label: egui::Id,
    kind: AttrKind,
    values: &[String],
    current: Option<&AttrValue>,
    buf: &mut String,
) -> Option<Option<AttrValue>> {
    let mut changed = None;
    match kind {
        AttrKind::Choice => {
            let shown = current.map_or("—".to_owned(), |v| v.display().replace('_', " "));
            egui::ComboBox::from_id_salt(salt)
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    if ui.selectable_label(current.is_none(), "—").clicked() && current.is_some()
                    {
                        changed = Some(None);
                    }
                    for v in values {
                        let on = current.and_then(|c| c.as_text()) == Some(v.as_str());
                        if ui.selectable_label(on, v.replace('_', " ")).clicked() && !on {
                            changed = Some(Some(AttrValue::Text(v.clone())));
                        }
                    }
                })
                .response
                .labelled_by(label);
        }
        AttrKind::Bool => {
            let mut on = matches!(current, Some(AttrValue::Bool(true)));
            if ui.checkbox(&mut on, "").labelled_by(label).changed() {
                changed = Some(Some(AttrValue::Bool(on)));
            }
        }
        AttrKind::Text => {
            let stored = current.map(AttrValue::display).unwrap_or_default();
            let resp = ui
                .add(egui::TextEdit::singleline(buf).desired_width(160.0))
                .labelled_by(label);
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
                            intents.push(Intent::Notice(i, a.clone()));
                        }
                    }
                    if ui.small_button("✕").on_hover_text("Dismiss").clicked() {
                        intents.push(Intent::Dismiss(i));
                    }
                });
            });
    }
}

/// The find bar.
pub fn search_bar_ui(
    ui: &mut Ui,
    search: &mut SearchState,
    view: &ArticleView,
    intents: &mut Vec<Intent>,
) {
    ui.horizontal(|ui| {
        let label = ui.label("Find in article");
        let resp = ui
            .add(egui::TextEdit::singleline(&mut search.query).hint_text("text in the article"))
            .labelled_by(label.id);
        if search.focus {
            resp.request_focus();
            search.focus = false;
        }
        if resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            let back = ui.input(|i| i.modifiers.shift);
            intents.push(Intent::SearchStep(back));
            resp.request_focus();
        }
        let n = view.search_hits.len();
        let pos = view.search_current.map_or(0, |c| c + 1);
        if !search.query.is_empty() {
            ui.label(if n == 0 {
                "no matches".to_owned()
            } else {
                format!("{pos} of {n}")
            });
        }
        if ui
            .button("Previous")
            .on_hover_text("Previous match (Shift+Enter)")
            .clicked()
        {
            intents.push(Intent::SearchStep(true));
        }
        if ui
            .button("Next")
            .on_hover_text("Next match (Enter)")
            .clicked()
        {
            intents.push(Intent::SearchStep(false));
        }
        if ui.button("✕").on_hover_text("Close the find bar").clicked()
            || ui.input(|i| i.key_pressed(egui::Key::Escape)) && resp.has_focus()
        {
            search.open = false;
            search.query.clear();
        }
    });
}

/// Shown when no article is open.
pub fn welcome_ui(ui: &mut Ui, app: &TaglineApp, intents: &mut Vec<Intent>) {
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.heading("Tagline");
        ui.label("Highlight claims, quotes, stance and sourcing in news articles.");
        ui.add_space(16.0);
        if app.loading.is_some() {
            ui.spinner();
            return;
        }
        for cmd in [
            UiCommand::OpenArticle,
            UiCommand::OpenFolder,
            UiCommand::OpenPath,
        ] {
            let sc = cmd
                .shortcut()
                .map(|s| ui.ctx().format_shortcut(&s))
                .unwrap_or_default();
            if ui
                .button(format!("{}   {sc}", cmd.text()))
                .on_hover_text(cmd.tooltip())
                .clicked()
            {
                intents.push(Intent::Command(cmd));
            }
        }
        ui.add_space(8.0);
        ui.label(RichText::new("…or drop article files or a folder on this window.").weak());
        if !app.settings.recent.is_empty() {
            ui.add_space(16.0);
            ui.label(RichText::new("Recent").strong());
            for p in app.settings.recent.iter().take(6) {
                if ui.link(p.display().to_string()).clicked() {
                    intents.push(Intent::Open(p.clone()));
                }
            }
        }
    });
}

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
                egui::Grid::new("help_grid")
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| {
                        for cmd in UiCommand::ALL {
                            if let Some(sc) = cmd.shortcut() {
                                ui.label(ctx.format_shortcut(&sc));
                                ui.label(cmd.text());
                                ui.end_row();
                            }
                        }
                        for (k, what) in [
                            (
                                "1 – 4",
                                "Tag the selection (or retag the selected annotation)",
                            ),
                            ("← → ↑ ↓, Home, End", "Move the caret in the article"),
                            ("Shift + arrows", "Extend the selection"),
                            ("Ctrl + ← / →", "Move by word"),
                            ("Alt + ← / →", "Move the selected annotation's end"),
                            (
                                "Alt + Shift + ← / →",
                                "Move the selected annotation's start",
                            ),
                            ("Double-click", "Select a word"),
                            ("Shift + click", "Extend the selection"),
                            (
                                "Click an annotation",
                                "Select it; click again to cycle through stacked ones",
                            ),
                            (
                                "Enter / Shift + Enter",
                                "Next / previous match in the find bar",
                            ),
                        ] {
                            ui.label(k);
                            ui.label(what);
                            ui.end_row();
                        }
                    });
            });
        app.buffers.help_open = open;
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
