//! Watching the open article and its sidecar for changes made by others (the `notify` crate:
//! inotify on Linux, FSEvents on macOS, ReadDirectoryChanges on Windows).
//!
//! The watcher only says "something happened to one of these files": the app then asks the
//! core what changed ([`crate::core::disk::check`]) and decides what to do. It watches the
//! article's folder, not the files, because a save by rename (Tagline's own, most editors')
//! replaces the file the watch was on. Events arrive on notify's thread, which wakes the
//! window; [`FileWatch::poll`] collects them on the UI thread, as the worker's replies are.
//! Where no watcher can be made (no inotify instances left, an unsupported file system) the
//! checks on focus and before each save still run.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use notify::Watcher as _;

/// Wakes the window after an event.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// The watcher of one article's folder, or none (tests, or when watching is impossible).
pub struct FileWatch {
    wake: Option<Wake>,
    inner: Option<Active>,
}

struct Active {
    _watcher: notify::RecommendedWatcher,
    folder: PathBuf,
    names: Arc<std::sync::Mutex<Vec<std::ffi::OsString>>>,
    fired: Arc<AtomicBool>,
}

impl FileWatch {
    /// A watcher that wakes the window with `wake` when a watched file changes.
    pub fn new(wake: Wake) -> FileWatch {
        FileWatch {
            wake: Some(wake),
            inner: None,
        }
    }

    /// No watching (headless tests drive the checks themselves).
    pub fn none() -> FileWatch {
        FileWatch {
            wake: None,
            inner: None,
        }
    }

    /// Watches `files` (the article and its sidecar, in one folder) instead of what was
    /// watched before. Returns why watching is impossible, if it is.
    pub fn watch(&mut self, files: &[&Path]) -> Result<(), String> {
        let Some(wake) = self.wake.clone() else {
            return Ok(());
        };
        let Some(first) = files.first() else {
            self.inner = None;
            return Ok(());
        };
        let folder = match first.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        let names: Vec<std::ffi::OsString> = files
            .iter()
            .filter_map(|f| f.file_name().map(|n| n.to_owned()))
            .collect();
        if let Some(active) = &self.inner
            && active.folder == folder
        {
            if let Ok(mut n) = active.names.lock() {
                *n = names;
            }
            return Ok(());
        }
        self.inner = None;
        let names = Arc::new(std::sync::Mutex::new(names));
        let fired = Arc::new(AtomicBool::new(false));
        let (n, f) = (Arc::clone(&names), Arc::clone(&fired));
        let handler = move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            if matches!(event.kind, notify::EventKind::Access(_)) {
                return;
            }
            let ours = n.lock().is_ok_and(|names| {
                event
                    .paths
                    .iter()
                    .any(|p| p.file_name().is_some_and(|x| names.iter().any(|m| m == x)))
            });
            if ours {
                f.store(true, Ordering::SeqCst);
                wake();
            }
        };
        let mut watcher = notify::recommended_watcher(handler).map_err(|e| e.to_string())?;
        watcher
            .watch(&folder, notify::RecursiveMode::NonRecursive)
            .map_err(|e| format!("{}: {e}", folder.display()))?;
        self.inner = Some(Active {
            _watcher: watcher,
            folder,
            names,
            fired,
        });
        Ok(())
    }

    /// `true` once after a watched file changed.
    pub fn poll(&mut self) -> bool {
        self.inner
            .as_ref()
            .is_some_and(|a| a.fired.swap(false, Ordering::SeqCst))
    }

    /// `true` when a real watcher runs.
    pub fn is_active(&self) -> bool {
        self.inner.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_to_a_watched_file_wakes_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        std::fs::write(&article, "x").unwrap();
        let sidecar = dir.path().join("a.txt.annotations.json");
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let tx = std::sync::Mutex::new(tx);
        let mut w = FileWatch::new(Arc::new(move || {
            let _ = tx.lock().map(|t| t.send(()));
        }));
        w.watch(&[&article, &sidecar]).unwrap();
        std::fs::write(dir.path().join("other.txt"), "y").unwrap();
        std::fs::write(&sidecar, "{}").unwrap();
        // Waits for the event (no timing assertion: it only has to come).
        rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap();
        assert!(w.poll());
    }
}
