//! The compare view's panels: the "Compare with" window (whose work, the gold folder), the
//! candidate panel (counts, candidates with who has them and their decision, the adjudication
//! queue), and the legend and agreement figures in the view's corner. They read the comparison
//! and return intents; deciding is the app's.

use egui::{RichText, Ui};

use crate::analysis::agreement::Figure;
use crate::analysis::compare::{Class, State};
use crate::gui::app::Intent;
use crate::gui::app::commands::UiCommand;
use crate::gui::app::compare::{
    Compare, CompareIntent, CompareMode, CompareRequest, CompareSession, class_mark,
};
use crate::gui::focus::Focus;
use crate::gui::theme;
use crate::gui::view::LineStyle;

fn push(intents: &mut Vec<Intent>, c: CompareIntent) {
    intents.push(Intent::Compare(c));
}

/// The "Compare with" window. `annotators` are the open sidecar's annotators. Edits only its
/// own fields.
pub fn compare_setup_ui(
    ctx: &egui::Context,
    compare: &mut Compare,
    annotators: &[String],
    has_doc: bool,
    intents: &mut Vec<Intent>,
) {
    if !compare.setup.open {
        return;
    }
    let mut open = true;
    let setup = &mut compare.setup;
    egui::Window::new("Compare with")
        .open(&mut open)
        .collapsible(false)
        .default_width(460.0)
        .show(ctx, |ui| {
            if !has_doc {
                ui.label("Open an article first: the comparison is of the open article.");
                return;
            }
            ui.radio_value(
                &mut setup.mode,
                CompareMode::Folders,
                "Other annotators' folders (the same article in each)",
            );
            let names = if annotators.is_empty() {
                "none".to_owned()
            } else {
                annotators.join(", ")
            };
            ui.radio_value(
                &mut setup.mode,
                CompareMode::Sidecar,
                format!("The annotators of this sidecar ({names})"),
            );
            ui.separator();
            if setup.mode == CompareMode::Folders {
                let mut remove = None;
                for (i, f) in setup.folders.iter().enumerate() {
                    ui.horizontal(|ui| {
                        ui.label(f.display().to_string());
                        if ui.small_button("Remove").clicked() {
                            remove = Some(i);
                        }
                    });
                }
                if let Some(i) = remove {
                    setup.folders.remove(i);
                }
                ui.horizontal(|ui| {
                    let label = ui.label("Annotator folder");
                    let resp = ui
                        .add(
                            egui::TextEdit::singleline(&mut setup.folder_draft)
                                .desired_width(260.0)
                                .hint_text("/path/to/ben"),
                        )
                        .labelled_by(label.id);
                    let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if (ui.button("Add").clicked() || enter)
                        && !setup.folder_draft.trim().is_empty()
                    {
                        setup
                            .folders
                            .push(std::path::PathBuf::from(setup.folder_draft.trim()));
                        setup.folder_draft.clear();
                    }
                });
            }
            ui.horizontal(|ui| {
                let label = ui.label("Gold folder");
                ui.add(
                    egui::TextEdit::singleline(&mut setup.gold_draft)
                        .desired_width(260.0)
                        .hint_text("/path/to/gold (optional)"),
                )
                .labelled_by(label.id);
            });
            ui.label(
                RichText::new(
                    "Decisions (A accept, X reject, Shift+A accept all agreed) are written there \
                     at once, as NAME.annotations.json next to a copy of the article.",
                )
                .weak()
                .small(),
            );
            ui.separator();
            let ready = match setup.mode {
                CompareMode::Folders => {
                    !setup.folders.is_empty() || !setup.folder_draft.trim().is_empty()
                }
                CompareMode::Sidecar => annotators.len() > 1,
            };
            if ui
                .add_enabled(ready, egui::Button::new("Compare"))
                .clicked()
            {
                let mut folders = setup.folders.clone();
                if !setup.folder_draft.trim().is_empty() {
                    folders.push(std::path::PathBuf::from(setup.folder_draft.trim()));
                    setup.folder_draft.clear();
                    setup.folders = folders.clone();
                }
                let gold = setup.gold_draft.trim();
                push(
                    intents,
                    CompareIntent::Start(CompareRequest {
                        mode: setup.mode,
                        folders,
                        gold_dir: (!gold.is_empty()).then(|| std::path::PathBuf::from(gold)),
                    }),
                );
            }
        });
    if !open {
        push(intents, CompareIntent::Setup(false));
    }
}

/// A small sample of how a class (and a decision) is drawn: fill, line pattern, frame, strike.
fn swatch_ui(ui: &mut Ui, class: Class, state: State) {
    let m = class_mark(class);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(34.0, 16.0), egui::Sense::hover());
    let v = ui.visuals();
    let fill = theme::highlight_fill(v, m.rgb, None);
    let fill = if state == State::Rejected {
        fill.gamma_multiply(0.3)
    } else {
        fill
    };
    let line = theme::highlight_line(v, m.rgb);
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, fill);
    let y = rect.bottom() - 2.0;
    let (a, b) = (egui::pos2(rect.left(), y), egui::pos2(rect.right(), y));
    match m.line {
        LineStyle::Solid => {
            painter.line_segment([a, b], egui::Stroke::new(2.0, line));
        }
        LineStyle::Dashed => {
            painter.add(egui::Shape::dashed_line(
                &[a, b],
                egui::Stroke::new(2.0, line),
                5.0,
                3.0,
            ));
        }
        LineStyle::Wavy => {
            let pts: Vec<egui::Pos2> = (0..=11)
                .map(|k| {
                    egui::pos2(
                        rect.left() + k as f32 * 3.0,
                        if k % 2 == 0 { y } else { y - 2.0 },
                    )
                })
                .collect();
            painter.add(egui::Shape::line(pts, egui::Stroke::new(1.5, line)));
        }
    }
    match state {
        State::Accepted => {
            painter.rect_stroke(
                rect.expand(1.0),
                2.0,
                egui::Stroke::new(1.5, line),
                egui::StrokeKind::Outside,
            );
        }
        State::Rejected => {
            let c = rect.center().y;
            painter.line_segment(
                [egui::pos2(rect.left(), c), egui::pos2(rect.right(), c)],
                egui::Stroke::new(1.5, line),
            );
        }
        State::Open => {}
    }
}

fn line_name(class: Class) -> &'static str {
    match class_mark(class).line {
        LineStyle::Solid => "solid line",
        LineStyle::Wavy => "zigzag line",
        LineStyle::Dashed => "dashed line",
    }
}

fn figure_text(f: &Figure) -> String {
    match f {
        Figure::Value(v) => format!("{v:.2}"),
        Figure::Undefined(_) => "—".into(),
    }
}

/// The legend (colour, line pattern and words for each class and decision) on the left and the
/// article's agreement figures in the right corner, in a strip above the view: it never covers
/// the text.
pub fn compare_legend_ui(ui: &mut Ui, session: &CompareSession) {
    let cmp = &session.comparison;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                let counts = session.class_counts;
                for (k, class) in Class::ALL.iter().enumerate() {
                    ui.horizontal(|ui| {
                        swatch_ui(ui, *class, State::Open);
                        ui.label(format!(
                            "{} ({}) — {}",
                            class.label(),
                            counts[k],
                            line_name(*class)
                        ));
                    });
                }
                ui.horizontal(|ui| {
                    swatch_ui(ui, Class::Agree, State::Accepted);
                    ui.label("accepted — framed");
                    swatch_ui(ui, Class::OnlySome, State::Rejected);
                    ui.label("rejected — struck through");
                });
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                ui.vertical(|ui| {
                    let f = &cmp.figures;
                    ui.label(RichText::new("Agreement on this article").strong());
                    ui.label(format!(
                        "span F1 (strict, mean of pairs): {}",
                        f.mean_f1.map_or("—".into(), |v| format!("{v:.2}"))
                    ));
                    ui.label(format!(
                        "Krippendorff's α (characters): {}",
                        figure_text(&f.char_alpha)
                    ));
                    if cmp.annotators.len() > 2 {
                        ui.label(format!(
                            "Fleiss' κ (characters): {}",
                            figure_text(&f.fleiss_kappa)
                        ));
                    }
                    let pairs: Vec<String> = f
                        .pair_f1
                        .iter()
                        .map(|(a, b, fig)| {
                            format!(
                                "{} × {} {}",
                                cmp.annotators[*a],
                                cmp.annotators[*b],
                                figure_text(fig)
                            )
                        })
                        .collect();
                    ui.label(RichText::new(format!("F1 by pair: {}", pairs.join(" · "))).small());
                });
            });
        });
    });
}

/// The header of one of the two panes: whose spans it shows, to choose.
pub fn compare_pane_header_ui(
    ui: &mut Ui,
    pane: usize,
    shown: usize,
    annotators: &[String],
    intents: &mut Vec<Intent>,
) {
    ui.horizontal(|ui| {
        let label = ui.label(if pane == 0 { "Left:" } else { "Right:" });
        egui::ComboBox::from_id_salt(("compare_pane", pane))
            .selected_text(annotators.get(shown).map_or("", String::as_str))
            .show_ui(ui, |ui| {
                for (i, name) in annotators.iter().enumerate() {
                    if ui.selectable_label(i == shown, name).clicked() && i != shown {
                        push(intents, CompareIntent::PaneAnnotator { pane, annotator: i });
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
}

/// The candidate panel (on the right, in place of the annotation list).
pub fn compare_panel_ui(ui: &mut Ui, compare: &Compare, focus: &Focus, intents: &mut Vec<Intent>) {
    let Some(s) = &compare.session else { return };
    egui::Panel::right("compare_panel")
        .resizable(true)
        .default_size(340.0)
        .show(ui, |ui| {
            let cmp = &s.comparison;
            ui.heading("Compare");
            ui.label(format!("{} — {}", s.relative.display(), cmp.annotators.join(", ")));
            match &s.gold_path {
                Some(p) => ui.label(RichText::new(format!("Gold: {}", p.display())).small()),
                None => ui.label(
                    RichText::new("No gold folder: decisions are not written.")
                        .small()
                        .color(ui.visuals().warn_fg_color),
                ),
            };
            let open = s.open_disagreements;
            let decided = s.decisions.accepted.len() + s.decisions.rejected.len();
            ui.label(format!(
                "{} candidates · {open} open disagreement(s) · {decided} decided",
                cmp.candidates.len()
            ));
            ui.horizontal_wrapped(|ui| {
                // The commands are the suggestion keys too: here they decide candidates.
                for (cmd, text, tip) in [
                    (
                        UiCommand::Accept,
                        "Accept",
                        "Accept the selected candidate into the gold sidecar",
                    ),
                    (
                        UiCommand::Reject,
                        "Reject",
                        "Reject the selected candidate (kept in the gold sidecar)",
                    ),
                    (
                        UiCommand::AcceptAll,
                        "Accept all agreed",
                        "Accept every span all annotators agree on",
                    ),
                ] {
                    let key = cmd
                        .shortcut()
                        .map(|k| super::shortcut_text(ui.ctx(), &k))
                        .unwrap_or_default();
                    if ui
                        .button(format!("{text} ({key})"))
                        .on_hover_text(tip)
                        .clicked()
                    {
                        intents.push(Intent::Command(cmd));
                    }
                }
                let two = s.panes.is_some();
                if ui
                    .button(if two { "Merged view" } else { "Two panes" })
                    .on_hover_text("Two annotators side by side, scrolled together, or everyone in one view")
                    .clicked()
                {
                    push(intents, CompareIntent::TwoPanes(!two));
                }
                if ui.button("Close comparison").clicked() {
                    push(intents, CompareIntent::Close);
                }
            });
            ui.separator();
            let selected = s.selected(focus);
            let row_h = 22.0;
            egui::ScrollArea::vertical()
                .id_salt("compare_candidates")
                .max_height(ui.available_height() * 0.6)
                .show_rows(ui, row_h, cmp.candidates.len(), |ui, rows| {
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                    for i in rows {
                        let c = &cmp.candidates[i];
                        let state = s.decisions.state(&c.key());
                        let sign = match (state, c.class) {
                            (State::Accepted, _) => "✓",
                            (State::Rejected, _) => "✗",
                            (State::Open, Class::Agree) => "=",
                            (State::Open, Class::Disagree) => "≠",
                            (State::Open, Class::OnlySome) => "…",
                        };
                        let who: Vec<&str> = c
                            .holders
                            .iter()
                            .map(|h| cmp.annotators[h.annotator].as_str())
                            .collect();
                        let text = s
                            .view_doc
                            .article
                            .text
                            .slice(c.range)
                            .map(|t| super::one_line(t, 28))
                            .unwrap_or_default();
                        let m = class_mark(c.class);
                        let label = RichText::new(format!(
                            "{sign} {} “{text}” — {}",
                            s.view_doc.scheme.tag_label(&c.tag),
                            who.join(", ")
                        ))
                        .color(if state == State::Rejected {
                            ui.visuals().weak_text_color()
                        } else {
                            theme::highlight_line(ui.visuals(), m.rgb)
                        });
                        let resp = ui
                            .selectable_label(selected == Some(i), label)
                            .on_hover_text(c.class.label());
                        if resp.clicked() {
                            push(intents, CompareIntent::Select(i));
                        }
                    }
                });
            ui.separator();
            ui.horizontal(|ui| {
                ui.strong("Adjudication queue");
                if ui
                    .button("Rank the folder")
                    .on_hover_text("Every article of the open folder, lowest agreement first, with its open disagreements")
                    .clicked()
                {
                    push(intents, CompareIntent::RankQueue);
                }
            });
            egui::ScrollArea::vertical()
                .id_salt("compare_queue")
                .show(ui, |ui| {
                    for q in &compare.queue {
                        let alpha = q.row.alpha.map_or("—".into(), |a| format!("{a:.2}"));
                        let current = q.path == s.article;
                        let text = format!("α {alpha} · {} open · {}", q.row.open, q.row.name);
                        if ui
                            .selectable_label(current, text)
                            .on_hover_text("Compare this article next")
                            .clicked()
                            && !current
                        {
                            push(intents, CompareIntent::OpenQueued(q.path.clone()));
                        }
                    }
                });
        });
}
