//! The panels around the article view, one file each. Each reads app state and pushes
//! [`Intent`]s; none touches files or documents.

use egui::{Color32, Ui};

use crate::core::Document;

use crate::gui::app::Intent;
use crate::gui::app::commands::{UiCommand, shortcut_text};
use crate::gui::theme;

/// What the panels draw, read-only, built by the app each frame. Panels change nothing in it:
/// they return [`Intent`]s (and edit only their own text buffers).
pub struct PanelState<'a> {
    /// The open document.
    pub doc: Option<&'a Document>,
    /// Its annotations are loaded (edits wait until then).
    pub ready: bool,
    /// An article being opened.
    pub loading: Option<&'a std::path::Path>,
    /// Selection, selected annotation, pending relation.
    pub focus: &'a crate::gui::focus::Focus,
    /// The user's settings.
    pub settings: &'a crate::settings::Settings,
    /// The open folder's list.
    pub library: &'a crate::gui::app::Library,
    /// The annotation list's filter and rows.
    pub list: &'a crate::gui::app::AnnotationList,
    /// Only this annotator's annotations are shown.
    pub annotator_filter: Option<&'a str>,
    /// Where the annotations stand with the disk.
    pub save_state: crate::gui::app::SaveState,
    /// Which floating windows are open.
    pub windows: crate::gui::app::Windows,
    /// Text attribute values used in the folder, to complete text attributes with.
    pub completions: &'a editor::Completions,
    /// A comparison or ranking under way (shown in the status bar with Cancel).
    pub compare_busy: Option<&'a crate::gui::app::compare::Busy>,
}

mod annotations;
mod compare;
mod editor;
mod library;
mod notices;
mod practice;
mod search;
mod stats;
mod status;
mod story;
mod top;
mod welcome;
mod windows;

pub use annotations::annotations_ui;
pub use compare::{compare_legend_ui, compare_pane_header_ui, compare_panel_ui, compare_setup_ui};
pub use library::library_ui;
pub use notices::{drop_overlay_ui, link_hint_ui, notices_ui};
pub use practice::practice_window_ui;
pub use search::search_bar_ui;
pub use stats::stats_window_ui;
pub use status::status_bar_ui;
pub use story::story_window_ui;
pub use top::top_ui;
pub use welcome::welcome_ui;
pub use windows::windows_ui;

pub(super) fn command_button(
    ui: &mut Ui,
    cmd: UiCommand,
    enabled: bool,
    intents: &mut Vec<Intent>,
) {
    let mut b = egui::Button::new(cmd.text());
    if let Some(sc) = cmd.shortcut() {
        b = b.shortcut_text(shortcut_text(ui.ctx(), &sc));
    }
    let keys: Vec<String> = cmd
        .shortcuts()
        .iter()
        .map(|s| shortcut_text(ui.ctx(), s))
        .collect();
    let tip = if keys.is_empty() {
        cmd.tooltip().to_owned()
    } else {
        format!("{} ({})", cmd.tooltip(), keys.join(" or "))
    };
    if ui.add_enabled(enabled, b).on_hover_text(tip).clicked() {
        intents.push(Intent::Command(cmd));
        ui.close();
    }
}

pub(super) fn tag_label(doc: &Document, tag: &str) -> String {
    doc.scheme
        .tag(tag)
        .map_or_else(|| format!("{tag} (not in scheme)"), |t| t.label.clone())
}

pub(super) fn tag_color(doc: &Document, tag: &str) -> Color32 {
    theme::swatch(doc.scheme.tag(tag).map_or([150, 150, 150], |t| t.rgb()))
}

pub(super) fn one_line(s: &str, n: usize) -> String {
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
