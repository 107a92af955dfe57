//! The Story window: the folder's quotes and claims grouped with their variants in the other
//! outlets (`tagline story`'s groups), each variant with the words that differ from the
//! group's reference marked, whom the outlet attributes it to, and a click to open it there.
//! It draws what the worker grouped; it matches nothing itself.

use egui::text::LayoutJob;
use egui::{Color32, FontId, RichText, TextFormat, Ui};

use crate::analysis::story::{Member, Piece, Story};
use crate::gui::app::Intent;
use crate::gui::app::state::StoryState;

use super::one_line;

/// Shows the window. Returns `false` when the person closed it.
pub fn story_window_ui(
    ctx: &egui::Context,
    state: Option<&StoryState>,
    intents: &mut Vec<Intent>,
) -> bool {
    let mut open = true;
    egui::Window::new("Story")
        .open(&mut open)
        .default_size([760.0, 640.0])
        .show(ctx, |ui| {
            let Some(state) = state else {
                ui.label("Open a folder of articles about one event first.");
                return;
            };
            ui.horizontal(|ui| {
                if ui
                    .button("Refresh")
                    .on_hover_text("Group again, with the latest edits")
                    .clicked()
                {
                    intents.push(Intent::RefreshStory);
                }
                if state.loading {
                    ui.spinner();
                    ui.label("Grouping the folder's quotes and claims…");
                }
            });
            let Some(result) = &state.result else {
                return;
            };
            let story = &result.story;
            let shared = story.groups.iter().filter(|g| g.articles.len() > 1).count();
            ui.label(
                RichText::new(format!(
                    "{} articles · {} groups, {shared} carried by more than one outlet",
                    story.articles.len(),
                    story.groups.len()
                ))
                .strong(),
            );
            if result.unreadable + story.orphaned + story.suggested > 0 {
                ui.label(
                    RichText::new(format!(
                        "Left out: {} unreadable article(s), {} orphaned and {} suggested quote(s) and claim(s)",
                        result.unreadable, story.orphaned, story.suggested
                    ))
                    .weak(),
                );
            }
            legend_ui(ui);
            ui.separator();
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    for (gi, g) in story.groups.iter().enumerate() {
                        let reference = &g.members[g.reference];
                        let title = format!(
                            "{} · {} outlet{} · “{}”",
                            if g.kind.as_str() == "quote" {
                                "Quote"
                            } else {
                                "Claim"
                            },
                            g.articles.len(),
                            if g.articles.len() == 1 { "" } else { "s" },
                            one_line(&reference.text, 90)
                        );
                        egui::CollapsingHeader::new(title)
                            .id_salt(("story_group", gi))
                            .default_open(gi < 6 && g.articles.len() > 1)
                            .show(ui, |ui| {
                                for m in &g.members {
                                    member_ui(ui, story, m, &result.paths, intents);
                                }
                            });
                    }
                    ui.add_space(8.0);
                    egui::CollapsingHeader::new(format!("Sources ({})", story.sources.len()))
                        .id_salt("story_sources")
                        .show(ui, |ui| {
                            for s in &story.sources {
                                let outlets: Vec<&str> = s
                                    .articles
                                    .iter()
                                    .map(|&i| story.articles[i].outlet.as_str())
                                    .collect();
                                ui.label(format!(
                                    "{}{}: {} item(s) in {}",
                                    s.name,
                                    if s.anonymous_somewhere {
                                        " (anonymous somewhere)"
                                    } else {
                                        ""
                                    },
                                    s.items,
                                    outlets.join(", ")
                                ));
                            }
                        });
                    egui::CollapsingHeader::new("Per outlet")
                        .id_salt("story_outlets")
                        .show(ui, |ui| {
                            for (a, f) in story.articles.iter().zip(&story.findings) {
                                ui.label(format!(
                                    "{} ({}): {} group(s) only here, leaves out {} that most others carry",
                                    a.outlet,
                                    a.name,
                                    f.only_here.len(),
                                    f.left_out.len()
                                ));
                            }
                        });
                });
        });
    open
}

/// What the marks mean, in words as well as colour.
fn legend_ui(ui: &mut Ui) {
    let (changed, missing) = colors(ui);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Marks:").weak());
        ui.label(RichText::new("changed words").background_color(changed));
        ui.label(RichText::new("(differ from the variant in the group's title)").weak());
        ui.label(
            RichText::new("words left out")
                .strikethrough()
                .color(missing),
        );
        ui.label(RichText::new("· not tagged yet").italics());
        ui.label(RichText::new("(found by matching)").weak());
    });
}

fn colors(ui: &Ui) -> (Color32, Color32) {
    if ui.visuals().dark_mode {
        (Color32::from_rgb(110, 90, 20), Color32::from_gray(150))
    } else {
        (Color32::from_rgb(255, 226, 130), Color32::from_gray(110))
    }
}

/// One variant: its outlet, its words with the differences marked (click to open it), and
/// whom the outlet attributes it to.
fn member_ui(
    ui: &mut Ui,
    story: &Story,
    m: &Member,
    paths: &[std::path::PathBuf],
    intents: &mut Vec<Intent>,
) {
    let article = &story.articles[m.article];
    ui.horizontal_top(|ui| {
        ui.add_sized(
            [150.0, ui.spacing().interact_size.y],
            egui::Label::new(RichText::new(&article.outlet).strong()).truncate(),
        )
        .on_hover_text(&article.name);
        ui.vertical(|ui| {
            let job = diff_job(ui, &m.diff, m.annotation.is_none());
            let resp = ui
                .add(egui::Label::new(job).sense(egui::Sense::click()).wrap())
                .on_hover_text(format!(
                    "{}, chars {}–{}{} — click to open it there",
                    article.name,
                    m.range.start,
                    m.range.end,
                    if m.annotation.is_none() {
                        " (not tagged yet)"
                    } else {
                        ""
                    }
                ));
            if resp.clicked()
                && let Some(path) = paths.get(m.article)
            {
                intents.push(Intent::GoTo {
                    path: path.clone(),
                    range: m.range,
                    id: m.annotation.clone(),
                });
            }
            let said = match &m.source {
                Some(a) => format!(
                    "attributed to {}{}",
                    a.name(),
                    if a.anonymous { " (anonymous)" } else { "" }
                ),
                None => "no source marked".to_owned(),
            };
            ui.label(RichText::new(said).weak().small());
        });
    });
    ui.add_space(4.0);
}

/// A member's words: the same as the reference plain, changed ones marked, left-out ones
/// struck through; italic when the variant is not tagged yet.
fn diff_job(ui: &Ui, diff: &[Piece], untagged: bool) -> LayoutJob {
    let (changed, missing) = colors(ui);
    let font = FontId::proportional(14.0);
    let base = TextFormat {
        font_id: font,
        color: ui.visuals().text_color(),
        italics: untagged,
        ..Default::default()
    };
    let mut job = LayoutJob::default();
    for piece in diff {
        match piece {
            Piece::Same(t) => job.append(t, 0.0, base.clone()),
            Piece::Changed(t) => job.append(
                t,
                0.0,
                TextFormat {
                    background: changed,
                    ..base.clone()
                },
            ),
            Piece::Missing(t) => job.append(
                &format!(" {} ", t.trim()),
                0.0,
                TextFormat {
                    color: missing,
                    strikethrough: egui::Stroke::new(1.0, missing),
                    ..base.clone()
                },
            ),
        }
    }
    job
}
