//! Tagline's user settings: one JSON file in the platform config folder.
//!
//! Linux: `~/.config/tagline/settings.json` (or `$XDG_CONFIG_HOME/tagline`); macOS:
//! `~/Library/Application Support/org.tagline.Tagline/settings.json`; Windows:
//! `%APPDATA%\tagline\Tagline\config\settings.json`. `TAGLINE_CONFIG_DIR` overrides the folder
//! (tests use it). Unknown or missing fields fall back to defaults, so old files keep loading.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many recent files are remembered.
pub const MAX_RECENT: usize = 12;

/// Light or dark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the system.
    #[default]
    System,
    /// Light background.
    Light,
    /// Dark background.
    Dark,
}

/// Everything Tagline remembers between runs (window geometry is eframe's business).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Name written into new annotations.
    pub annotator: String,
    /// Recently opened articles and folders, newest first.
    pub recent: Vec<PathBuf>,
    /// The folder last opened.
    pub last_folder: Option<PathBuf>,
    /// Colour theme.
    pub theme: Theme,
    /// Article font size in points.
    pub font_size: f32,
    /// Snap mouse selections to word boundaries.
    pub snap_to_words: bool,
    /// Seconds after the last edit before saving automatically.
    pub autosave_seconds: f32,
    /// The person confirmed their annotator name (the first start asks for it).
    pub annotator_confirmed: bool,
    /// The article last worked on in each folder, so reopening the folder returns to it.
    pub last_article: std::collections::BTreeMap<PathBuf, PathBuf>,
    /// When a quote or claim is tagged, offer its variants in the folder's other articles
    /// (and its other occurrences in this one) as suggestions.
    pub suggest_variants: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            annotator: default_annotator(),
            recent: Vec::new(),
            last_folder: None,
            theme: Theme::System,
            font_size: 17.0,
            snap_to_words: true,
            autosave_seconds: 1.0,
            annotator_confirmed: false,
            last_article: Default::default(),
            suggest_variants: true,
        }
    }
}

/// The login name, or "annotator".
pub fn default_annotator() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "annotator".to_owned())
}

impl Settings {
    /// The settings folder.
    pub fn dir() -> Option<PathBuf> {
        if let Some(d) = std::env::var_os("TAGLINE_CONFIG_DIR") {
            return Some(PathBuf::from(d));
        }
        directories::ProjectDirs::from("org", "tagline", "Tagline")
            .map(|p| p.config_dir().to_owned())
    }

    /// The settings file.
    pub fn path() -> Option<PathBuf> {
        Self::dir().map(|d| d.join("settings.json"))
    }

    /// Loads the settings; a missing file gives defaults, a broken one gives defaults and a
    /// message (the broken file is left as it is until the next save).
    pub fn load() -> (Settings, Option<String>) {
        match Self::path() {
            Some(p) => Self::load_from(&p),
            None => (Settings::default(), None),
        }
    }

    /// Loads settings from `path`.
    pub fn load_from(path: &Path) -> (Settings, Option<String>) {
        match std::fs::read(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Settings::default(), None),
            Err(e) => (
                Settings::default(),
                Some(format!("{}: cannot read settings: {e}", path.display())),
            ),
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(s) => (s, None),
                Err(e) => (
                    Settings::default(),
                    Some(format!(
                        "{}: settings are not valid ({e}); using defaults",
                        path.display()
                    )),
                ),
            },
        }
    }

    /// Saves the settings atomically.
    pub fn save(&self) -> Result<(), String> {
        let Some(path) = Self::path() else {
            return Err("no configuration folder on this system".to_owned());
        };
        self.save_to(&path)
    }

    /// Writes the settings to `path` atomically, creating its folder.
    pub fn save_to(&self, path: &std::path::Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let mut json = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        json.push('\n');
        crate::core::sidecar::write_atomic(path, json.as_bytes()).map_err(|e| e.to_string())
    }

    /// Puts `path` first in the recent list.
    pub fn remember(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_or_partial_files_still_load() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("settings.json");
        std::fs::write(&p, r#"{"annotator":"ana","unknown":1}"#).unwrap();
        let (s, err) = Settings::load_from(&p);
        assert!(err.is_none());
        assert_eq!(s.annotator, "ana");
        assert_eq!(s.font_size, Settings::default().font_size);
        std::fs::write(&p, "{").unwrap();
        let (s, err) = Settings::load_from(&p);
        assert_eq!(s, Settings::default());
        assert!(err.unwrap().contains("not valid"));
    }

    #[test]
    fn recent_is_deduplicated_and_capped() {
        let mut s = Settings::default();
        for i in 0..20 {
            s.remember(Path::new(&format!("/tmp/x{i}.txt")));
        }
        s.remember(Path::new("/tmp/x5.txt"));
        assert_eq!(s.recent.len(), MAX_RECENT);
        assert_eq!(s.recent[0], Path::new("/tmp/x5.txt"));
        assert_eq!(s.recent.iter().filter(|p| p.ends_with("x5.txt")).count(), 1);
    }
}
