//! Helpers for the integration tests: a temporary folder to run the real `tagline` binary in
//! (after ripgrep's `tests/util.rs`), fixtures, and offset checks that do not use Tagline's own
//! offset code.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder holding the test fixtures.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The bytes of fixture `name`.
pub fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The JSON Schema of the sidecar format, parsed.
pub fn sidecar_schema() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("annotations/sidecar.schema.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Checks `sidecar` against `annotations/sidecar.schema.json`, panicking with every error.
pub fn assert_matches_schema(sidecar: &serde_json::Value, what: &str) {
    let errors = schema_errors(sidecar);
    assert!(
        errors.is_empty(),
        "{what} does not match the sidecar schema:\n{}",
        errors.join("\n")
    );
}

/// The schema errors of `sidecar`, one line each.
pub fn schema_errors(sidecar: &serde_json::Value) -> Vec<String> {
    let schema = sidecar_schema();
    let validator = jsonschema::draft202012::new(&schema).expect("the sidecar schema compiles");
    validator
        .iter_errors(sidecar)
        .map(|e| format!("  at {}: {e}", e.instance_path()))
        .collect()
}

/// The decoded text of an article file as Python reads it with `encoding="utf-8-sig",
/// newline=""`: BOM dropped, line endings kept.
pub fn python_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    String::from_utf8(bytes.to_vec()).expect("fixtures are UTF-8")
}

/// `text[start:end]` with Python's `str` semantics (indexes are Unicode scalar values).
pub fn py_slice(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// Python's `text.find(needle, from)` in Unicode scalar values, repeated to get the `nth`
/// (1-based) occurrence, overlapping occurrences counted.
pub fn py_find(text: &str, needle: &str, nth: usize) -> Option<(usize, usize)> {
    let hay: Vec<char> = text.chars().collect();
    let pat: Vec<char> = needle.chars().collect();
    let mut seen = 0;
    for i in 0..=hay.len().checked_sub(pat.len())? {
        if hay[i..i + pat.len()] == pat[..] {
            seen += 1;
            if seen == nth {
                return Some((i, i + pat.len()));
            }
        }
    }
    None
}

/// A temporary folder that commands run in. Removed when dropped.
pub struct Dir {
    tmp: tempfile::TempDir,
}

/// What a finished command left behind.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`-1` when killed by a signal).
    pub code: i32,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl Run {
    /// Panics, showing everything, unless the exit code is `code`.
    #[track_caller]
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit code {code}, got {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// The first line of stdout, trimmed (e.g. the id `add` prints).
    pub fn line(&self) -> String {
        self.stdout.lines().next().unwrap_or("").trim().to_owned()
    }
}

impl Dir {
    /// A fresh, empty folder.
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// A path inside the folder.
    pub fn join(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// Writes a file (creating its folders).
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    /// Copies fixture `name` into the folder under the same name.
    pub fn fixture(&self, name: &str) {
        self.fixture_as(name, name);
    }

    /// Copies fixture `name` into the folder as `to`.
    pub fn fixture_as(&self, name: &str, to: &str) {
        self.write(to, fixture_bytes(name));
    }

    /// A file's bytes.
    pub fn read(&self, name: &str) -> Vec<u8> {
        let path = self.join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// A file's text.
    pub fn read_string(&self, name: &str) -> String {
        String::from_utf8(self.read(name)).expect("UTF-8")
    }

    /// A JSON file, parsed.
    pub fn read_json(&self, name: &str) -> serde_json::Value {
        serde_json::from_slice(&self.read(name))
            .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
    }

    /// `true` when the file exists.
    pub fn exists(&self, name: &str) -> bool {
        self.join(name).exists()
    }

    /// The names of the files directly in the folder, sorted, without the hidden lock files
    /// (`.NAME.lock`) that Tagline keeps next to what it writes by design.
    pub fn listing(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !(n.starts_with('.') && n.ends_with(".lock")))
            .collect();
        names.sort();
        names
    }

    /// The `tagline` binary, to run in this folder with a private settings folder and a fixed
    /// user name.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tagline"));
        cmd.args(args)
            .current_dir(self.path())
            .env("TAGLINE_CONFIG_DIR", self.join(".config"))
            .env("USER", "tester")
            .env_remove("USERNAME");
        cmd
    }

    /// Runs `tagline ARGS…` here and collects its output.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = self
            .command(args)
            .output()
            .expect("the tagline binary runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// The real window's app drawn headless by egui_kittest at `width`×`height`, one frame run.
pub fn window_harness(
    app: tagline::gui::TaglineApp,
    width: f32,
    height: f32,
) -> egui_kittest::Harness<'static, tagline::gui::TaglineApp> {
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(width, height))
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut tagline::gui::TaglineApp| app.show(ui), app);
    h.run();
    h
}

/// The real app as the window tests drive it: named `annotator` (name confirmed, so no
/// first-run question), autosaving after `autosave_seconds`, the inline worker and scripted
/// file dialogs.
pub fn test_app(
    annotator: &str,
    autosave_seconds: f32,
    dialogs: tagline::gui::dialogs::ScriptedDialogs,
) -> tagline::gui::TaglineApp {
    let settings = tagline::settings::Settings {
        annotator: annotator.into(),
        annotator_confirmed: true,
        autosave_seconds,
        ..tagline::settings::Settings::default()
    };
    tagline::gui::TaglineApp::new(
        settings,
        None,
        tagline::gui::worker::Worker::inline(),
        Box::new(dialogs),
        tagline::core::LoadOptions::default(),
    )
}
