//! The Statistics window: bar charts (egui_plot) of the open folder's progress, tags,
//! attribute values, annotators and span lengths, from figures the app keeps in step with
//! edits. It draws; it counts nothing.

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Plot};

use crate::analysis::stats::Stats;
use crate::core::Scheme;

use crate::gui::app::state::FolderStats;
use crate::gui::theme;

/// Shows the window. Returns `false` when the person closed it.
pub fn stats_window_ui(
    ctx: &egui::Context,
    stats: Option<&FolderStats>,
    scheme: Option<&Scheme>,
) -> bool {
    let mut open = true;
    egui::Window::new("Statistics")
        .open(&mut open)
        .default_size([560.0, 620.0])
        .show(ctx, |ui| {
            let Some(stats) = stats else {
                ui.label("Open an article or a folder first.");
                return;
            };
            if stats.loading {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!(
                        "Counting… {} articles so far",
                        stats.per_article.len()
                    ));
                });
            }
            egui::ScrollArea::vertical().show(ui, |ui| figures_ui(ui, &stats.total, scheme));
        });
    open
}

fn figures_ui(ui: &mut Ui, s: &Stats, scheme: Option<&Scheme>) {
    ui.label(
        RichText::new(format!(
            "{} articles · {} annotations · {} relations · {} suggested and {} orphaned (counted apart)",
            s.articles, s.annotations, s.relations, s.suggested, s.orphaned
        ))
        .strong(),
    );
    ui.add_space(6.0);
    let dark = ui.visuals().dark_mode;
    let grey = if dark {
        Color32::from_gray(150)
    } else {
        Color32::from_gray(110)
    };

    section(ui, "Articles by progress");
    bars_ui(
        ui,
        "progress",
        &[
            ("not started".to_owned(), s.not_started, grey),
            (
                "in progress".to_owned(),
                s.in_progress,
                Color32::from_rgb(230, 160, 40),
            ),
            ("done".to_owned(), s.done, Color32::from_rgb(60, 160, 90)),
        ],
    );

    section(ui, "Annotations by tag");
    let tag_color = |tag: &str| {
        scheme
            .and_then(|sc| sc.tag(tag))
            .map_or(grey, |t| theme::swatch(t.rgb()))
    };
    let tag_label = |tag: &str| scheme.map_or(tag.to_owned(), |sc| sc.tag_label(tag).to_owned());
    let tags: Vec<(String, usize, Color32)> = s
        .tags
        .iter()
        .map(|(t, tally)| (tag_label(t), tally.annotations, tag_color(t)))
        .collect();
    bars_ui(ui, "tags", &tags);

    for (tag, attrs) in &s.values {
        for (attr, values) in attrs {
            let bars: Vec<(String, usize, Color32)> = values
                .iter()
                .map(|(v, tally)| {
                    let label =
                        scheme.map_or(v.clone(), |sc| sc.value_label(tag, attr, v).to_owned());
                    (label, tally.annotations, tag_color(tag))
                })
                .collect();
            if bars.len() < 2 {
                continue;
            }
            let attr_label =
                scheme.map_or(attr.clone(), |sc| sc.attribute_label(tag, attr).to_owned());
            section(ui, &format!("{}: {}", tag_label(tag), attr_label));
            bars_ui(ui, &format!("values-{tag}-{attr}"), &bars);
        }
    }

    if s.annotators.len() > 1 {
        section(ui, "Annotations by annotator");
        let bars: Vec<(String, usize, Color32)> = s
            .annotators
            .iter()
            .map(|(who, t)| {
                let who = if who.is_empty() { "(no name)" } else { who };
                (who.to_owned(), t.annotations, grey)
            })
            .collect();
        bars_ui(ui, "annotators", &bars);
    }

    let lengths = s.length_summary();
    if !lengths.buckets.is_empty() {
        section(ui, "Span lengths (characters)");
        let bars: Vec<(String, usize, Color32)> = lengths
            .buckets
            .iter()
            .map(|b| {
                let label = if b.max == usize::MAX {
                    format!("{}+", b.min)
                } else if b.min == b.max {
                    b.min.to_string()
                } else {
                    format!("{}–{}", b.min, b.max)
                };
                (label, b.count, grey)
            })
            .collect();
        bars_ui(ui, "lengths", &bars);
    }
}

fn section(ui: &mut Ui, title: &str) {
    ui.add_space(8.0);
    ui.label(RichText::new(title).strong());
}

/// One bar chart: a bar a category, its count written above it, names on the x axis.
fn bars_ui(ui: &mut Ui, id: &str, bars: &[(String, usize, Color32)]) {
    if bars.iter().all(|(_, n, _)| *n == 0) {
        ui.label(RichText::new("nothing yet").weak());
        return;
    }
    let names: Vec<String> = bars.iter().map(|(n, _, _)| n.clone()).collect();
    let chart = BarChart::new(
        id,
        bars.iter()
            .enumerate()
            .map(|(i, (name, n, color))| {
                Bar::new(i as f64, *n as f64)
                    .name(format!("{name}: {n}"))
                    .fill(*color)
                    .width(0.7)
            })
            .collect(),
    );
    Plot::new(id)
        .height(140.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .show_crosshair(false)
        .show_x(false)
        .show_grid([false, true])
        .include_y(0.0)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| plot.bar_chart(chart));
}
