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
                .show_viewport(ui, |ui, viewport| {
                    rows_ui(ui, viewport, result, intents);
                });
        });
    open
}

/// One row of the window's list: a group's header, one of its members, the gap before the
/// sources, a section header, a source or an outlet.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Row {
    Group(usize),
    Member(usize, usize),
    Gap,
    Sources,
    Source(usize),
    Outlets,
    Outlet(usize),
}

/// Heights of the rows drawn so far (a member's depends on how its words wrap), kept in egui's
/// memory between frames: rows not yet drawn count at an estimate, corrected once drawn.
#[derive(Clone, Default)]
struct Heights {
    /// The story and width they were measured for.
    key: (usize, u32),
    /// `members[g][m]`: member `m` of group `g` (0: not drawn yet).
    members: Vec<Vec<f32>>,
    /// A header, the gap and a one-line row, as drawn (0: none drawn yet).
    kinds: [f32; 3],
}

impl Heights {
    fn slot(&mut self, row: Row) -> Option<&mut f32> {
        match row {
            Row::Member(g, m) => self.members.get_mut(g).and_then(|v| v.get_mut(m)),
            Row::Group(_) | Row::Sources | Row::Outlets => Some(&mut self.kinds[0]),
            Row::Gap => Some(&mut self.kinds[1]),
            Row::Source(_) | Row::Outlet(_) => Some(&mut self.kinds[2]),
        }
    }

    fn of(&mut self, row: Row, estimate: f32) -> f32 {
        match self.slot(row) {
            Some(h) if *h > 0.0 => *h,
            _ => estimate,
        }
    }

    fn set(&mut self, row: Row, h: f32) {
        if let Some(x) = self.slot(row) {
            *x = h;
        }
    }
}

const GAP: f32 = 8.0;

/// The rows in order: each group's header and, when it is open, its members; then the sources
/// and the outlets, each section with its rows when open.
fn rows(ctx: &egui::Context, story: &Story) -> impl Iterator<Item = Row> {
    let open = |id: egui::Id, default: bool| {
        egui::collapsing_header::CollapsingState::load_with_default_open(ctx, id, default).is_open()
    };
    let groups: Vec<(usize, usize)> = story
        .groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let shown = if open(group_id(gi), default_open(gi, g)) {
                g.members.len()
            } else {
                0
            };
            (gi, shown)
        })
        .collect();
    let sources = if open(egui::Id::unique("story_sources"), false) {
        story.sources.len()
    } else {
        0
    };
    let outlets = if open(egui::Id::unique("story_outlets"), false) {
        story.articles.len()
    } else {
        0
    };
    groups
        .into_iter()
        .flat_map(|(gi, n)| {
            std::iter::once(Row::Group(gi)).chain((0..n).map(move |m| Row::Member(gi, m)))
        })
        .chain([Row::Gap, Row::Sources])
        .chain((0..sources).map(Row::Source))
        .chain(std::iter::once(Row::Outlets))
        .chain((0..outlets).map(Row::Outlet))
}

fn group_id(gi: usize) -> egui::Id {
    egui::Id::unique(("story_group", gi))
}

fn default_open(gi: usize, g: &crate::analysis::story::Group) -> bool {
    gi < 6 && g.articles.len() > 1
}

/// Draws only the rows in `viewport` (and sizes the list for all of them): a folder's story
/// can have thousands of variants, and a frame lays out only what is on screen.
fn rows_ui(
    ui: &mut Ui,
    viewport: egui::Rect,
    result: &crate::gui::worker::StoryResult,
    intents: &mut Vec<Intent>,
) {
    let story = &result.story;
    let memory = egui::Id::unique("story_heights");
    let mut heights: Heights =
        ui.data_mut(|d| std::mem::take(d.get_temp_mut_or_default::<Heights>(memory)));
    let key = (
        std::ptr::from_ref(story) as usize,
        ui.available_width().round() as u32,
    );
    if heights.key != key {
        heights = Heights {
            key,
            members: story
                .groups
                .iter()
                .map(|g| vec![0.0; g.members.len()])
                .collect(),
            kinds: heights.kinds,
        };
    }
    let spacing = ui.spacing().item_spacing.y;
    let line = ui.spacing().interact_size.y + spacing;
    // A member: its words on a line or two, whom it is attributed to, a little space.
    let member = 2.0 * line + 4.0;
    let estimate = |row: Row| match row {
        Row::Member(..) => member,
        _ => line,
    };
    let top = ui.max_rect().top();
    let mut y = 0.0;
    let mut visible: Vec<(Row, f32)> = Vec::new();
    for row in rows(ui.ctx(), story) {
        let h = heights.of(row, estimate(row));
        if y + h >= viewport.min.y && y <= viewport.max.y {
            visible.push((row, y));
        }
        y += h;
    }
    ui.set_height(y.max(0.0));
    if let Some(&(_, first_y)) = visible.first() {
        let rect = egui::Rect::from_x_y_ranges(
            ui.max_rect().x_range(),
            top + first_y..=top + y.max(first_y),
        );
        ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
            let mut measured_differs = false;
            for (row, _) in &visible {
                let before = ui.cursor().top();
                row_ui(ui, story, *row, &result.paths, intents);
                let h = ui.cursor().top() - before;
                if (h - heights.of(*row, estimate(*row))).abs() > 0.5 {
                    measured_differs = true;
                }
                heights.set(*row, h);
            }
            if measured_differs {
                // Rows below were placed by estimate: draw again with what was measured.
                ui.ctx().request_repaint();
            }
        });
    }
    ui.data_mut(|d| d.insert_temp(memory, heights));
}

/// A section's or a group's header: a click opens or closes it.
fn header_ui(ui: &mut Ui, id: egui::Id, default: bool, title: String) {
    let mut state =
        egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), id, default);
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        state.show_toggle_button(ui, egui::collapsing_header::paint_default_icon);
        ui.spacing_mut().item_spacing.x = ui.style().spacing.item_spacing.x;
        let label = ui.add(
            egui::Label::new(title)
                .sense(egui::Sense::click())
                .truncate(),
        );
        if label.clicked() {
            state.toggle(ui);
        }
    });
    state.store(ui.ctx());
}

fn row_ui(
    ui: &mut Ui,
    story: &Story,
    row: Row,
    paths: &[std::path::PathBuf],
    intents: &mut Vec<Intent>,
) {
    match row {
        Row::Group(gi) => {
            let g = &story.groups[gi];
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
            header_ui(ui, group_id(gi), default_open(gi, g), title);
        }
        Row::Member(gi, mi) => {
            let indent = ui.spacing().indent;
            ui.horizontal_top(|ui| {
                ui.add_space(indent);
                ui.vertical(|ui| {
                    member_ui(ui, story, &story.groups[gi].members[mi], paths, intents);
                });
            });
        }
        Row::Gap => {
            ui.add_space(GAP - ui.spacing().item_spacing.y);
        }
        Row::Sources => header_ui(
            ui,
            egui::Id::unique("story_sources"),
            false,
            format!("Sources ({})", story.sources.len()),
        ),
        Row::Source(i) => {
            let s = &story.sources[i];
            let outlets: Vec<&str> = s
                .articles
                .iter()
                .map(|&i| story.articles[i].outlet.as_str())
                .collect();
            ui.add(
                egui::Label::new(format!(
                    "{}{}: {} item(s) in {}",
                    s.name,
                    if s.anonymous_somewhere {
                        " (anonymous somewhere)"
                    } else {
                        ""
                    },
                    s.items,
                    outlets.join(", ")
                ))
                .truncate(),
            );
        }
        Row::Outlets => header_ui(
            ui,
            egui::Id::unique("story_outlets"),
            false,
            "Per outlet".to_owned(),
        ),
        Row::Outlet(i) => {
            let (a, f) = (&story.articles[i], &story.findings[i]);
            ui.add(
                egui::Label::new(format!(
                    "{} ({}): {} group(s) only here, leaves out {} that most others carry",
                    a.outlet,
                    a.name,
                    f.only_here.len(),
                    f.left_out.len()
                ))
                .truncate(),
            );
        }
    }
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
