//! Native file dialogs (rfd) behind a small trait, so tests never open one.
//!
//! Dialogs run on their own thread: frames keep running while a dialog is open. rfd cannot
//! tell a cancelled dialog from a missing desktop portal, but a person cannot cancel a dialog in
//! less than a few hundred milliseconds: an answer faster than that means there is no dialog
//! on this desktop, and the window offers a typed path instead.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

/// What a dialog was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// Open one article.
    Article,
    /// Open a folder.
    Folder,
    /// Choose where to save a copy of the annotations.
    SaveCopy,
    /// A file to import (File → Import…).
    Import,
}

/// How a dialog ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A path was chosen.
    Chosen(PathBuf),
    /// The person cancelled.
    Cancelled,
    /// No dialog could be shown (no desktop portal or zenity).
    Unavailable,
}

/// Faster than this, a "cancelled" dialog was never shown.
const FASTEST_CANCEL: std::time::Duration = std::time::Duration::from_millis(250);

/// Opens file dialogs.
pub trait Dialogs {
    /// Starts a dialog; its answer arrives through [`Dialogs::poll`].
    fn start(&mut self, pick: Pick, start_dir: Option<PathBuf>, suggested_name: Option<String>);
    /// A finished dialog's answer.
    fn poll(&mut self) -> Option<(Pick, Answer)>;
}

/// Native dialogs through rfd, each on its own thread.
#[derive(Default)]
pub struct NativeDialogs {
    pending: Vec<Receiver<(Pick, Answer)>>,
}

impl Dialogs for NativeDialogs {
    fn start(&mut self, pick: Pick, start_dir: Option<PathBuf>, suggested_name: Option<String>) {
        let (tx, rx) = channel();
        self.pending.push(rx);
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let mut d = rfd::FileDialog::new();
            if let Some(dir) = start_dir {
                d = d.set_directory(dir);
            }
            let path = match pick {
                Pick::Article => d
                    .add_filter("Articles", &["txt", "md", "markdown"])
                    .add_filter("Any text file", &["*"])
                    .pick_file(),
                Pick::Folder => d.pick_folder(),
                Pick::Import => d
                    .add_filter(
                        "Annotations (jsonl, Label Studio, brat)",
                        &["jsonl", "ndjson", "json", "ann"],
                    )
                    .add_filter("Any file", &["*"])
                    .pick_file(),
                Pick::SaveCopy => d
                    .set_file_name(suggested_name.unwrap_or_else(|| "annotations.json".into()))
                    .save_file(),
            };
            let answer = match path {
                Some(p) => Answer::Chosen(p),
                None if started.elapsed() < FASTEST_CANCEL => Answer::Unavailable,
                None => Answer::Cancelled,
            };
            let _ = tx.send((pick, answer));
        });
    }

    fn poll(&mut self) -> Option<(Pick, Answer)> {
        let mut answer = None;
        self.pending.retain(|rx| match rx.try_recv() {
            Ok(a) => {
                answer.get_or_insert(a);
                false
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => true,
            Err(_) => false,
        });
        answer
    }
}

/// Dialogs for tests: answers are queued in advance.
#[derive(Default)]
pub struct ScriptedDialogs {
    /// Answers handed out in order as dialogs start (`None`: cancelled).
    pub answers: std::collections::VecDeque<Option<PathBuf>>,
    /// Behave like a desktop without any file dialog.
    pub unavailable: bool,
    ready: Vec<(Pick, Answer)>,
    /// Dialogs started so far.
    pub started: Vec<Pick>,
}

impl Dialogs for ScriptedDialogs {
    fn start(&mut self, pick: Pick, _start_dir: Option<PathBuf>, _suggested_name: Option<String>) {
        self.started.push(pick);
        let answer = if self.unavailable {
            Answer::Unavailable
        } else {
            match self.answers.pop_front().flatten() {
                Some(p) => Answer::Chosen(p),
                None => Answer::Cancelled,
            }
        };
        self.ready.push((pick, answer));
    }

    fn poll(&mut self) -> Option<(Pick, Answer)> {
        (!self.ready.is_empty()).then(|| self.ready.remove(0))
    }
}
