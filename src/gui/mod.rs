//! The desktop window (egui/eframe): a thin face over the core.
//!
//! - [`app`]: state and the one place where intents become core calls.
//! - [`view`]: the virtualized article view (layout, input, paint).
//! - [`panels`]: menus, palette, file list, annotation list and editor, notices.
//! - [`worker`], [`dialogs`]: background work and native file dialogs.
//! - [`watch`]: notices when another program changes the open article or its sidecar.
//! - [`mod@bench`]: headless frame and open benchmarks of the real view.

pub mod app;
pub mod bench;
pub mod dialogs;
pub mod focus;
pub mod panels;
pub mod theme;
pub mod view;
pub mod watch;
pub mod worker;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::core::LoadOptions;
use crate::settings::Settings;

pub use app::TaglineApp;

struct EframeApp(TaglineApp);

impl eframe::App for EframeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.0.show(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.0.on_exit();
    }
}

/// Opens the window on `paths`. Returns when the window closes.
pub fn run(paths: Vec<PathBuf>, load_options: LoadOptions, close_after: Option<f64>) -> ExitCode {
    let (settings, settings_problem) = Settings::load();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Tagline")
            .with_app_id("tagline")
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let result = eframe::run_native(
        "Tagline",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let worker = worker::Worker::spawn(move || ctx.request_repaint());
            let ctx = cc.egui_ctx.clone();
            let watch = watch::FileWatch::new(std::sync::Arc::new(move || ctx.request_repaint()));
            let mut app = TaglineApp::new(
                settings,
                Settings::path(),
                worker,
                Box::new(dialogs::NativeDialogs::default()),
                load_options,
            );
            if let Some(p) = settings_problem {
                app.notify(app::Level::Warning, p, vec![]);
            }
            if let Some(s) = close_after {
                app.close_after(s);
            }
            app.set_file_watch(watch);
            if let Some(dir) = recovery_dir() {
                app.start_recovery(&dir);
            }
            app.open_paths(&paths);
            Ok(Box::new(EframeApp(app)))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tagline: cannot open the window: {e}");
            ExitCode::from(2)
        }
    }
}

/// Where the window keeps its crash-recovery journals: `TAGLINE_RECOVERY_DIR`, else the
/// platform data folder's `recovery` (`~/.local/share/tagline/recovery` on Linux).
pub fn recovery_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("TAGLINE_RECOVERY_DIR") {
        return Some(PathBuf::from(d));
    }
    directories::ProjectDirs::from("org", "tagline", "Tagline")
        .map(|p| p.data_dir().join("recovery"))
}
