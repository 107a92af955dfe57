//! Undo history: the edits a document has applied, as helix keeps a `History` beside its
//! document. Each entry is one user action (one [`Edit`], possibly a batch); undoing applies its
//! inverse. The history is not saved: reopening a document starts a new one.
//!
//! The history also keeps the document's revision, a counter that changes with every applied,
//! undone or redone edit, and the revision last saved, so "unsaved changes" is one comparison.

use crate::core::edit::Edit;

/// The undo and redo stacks and the revision counters of one document.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    revision: u64,
    saved_revision: u64,
}

impl History {
    /// The current revision.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// `true` when the current revision is not the one last saved.
    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved_revision
    }

    /// Records that `revision` reached the disk.
    pub fn mark_saved(&mut self, revision: u64) {
        self.saved_revision = revision;
    }

    /// Counts a change that is saved but not undoable (re-anchoring on open).
    pub fn bump(&mut self) {
        self.revision += 1;
    }

    /// Records an applied edit as one undo step, clearing what could be redone.
    pub fn record(&mut self, edit: Edit) {
        self.undo.push(edit);
        self.redo.clear();
        self.revision += 1;
    }

    /// The edit undo would revert.
    pub fn last_undo(&self) -> Option<&Edit> {
        self.undo.last()
    }

    /// The edit redo would re-apply.
    pub fn last_redo(&self) -> Option<&Edit> {
        self.redo.last()
    }

    /// Takes the edit to undo; give it back with [`History::undone`] once its inverse applied,
    /// or with [`History::restore_undo`] when it could not be.
    pub fn take_undo(&mut self) -> Option<Edit> {
        self.undo.pop()
    }

    /// Takes the edit to redo; give it back with [`History::redone`] or
    /// [`History::restore_redo`].
    pub fn take_redo(&mut self) -> Option<Edit> {
        self.redo.pop()
    }

    /// An undone edit moves to the redo stack.
    pub fn undone(&mut self, edit: Edit) {
        self.redo.push(edit);
        self.revision += 1;
    }

    /// A redone edit moves back to the undo stack.
    pub fn redone(&mut self, edit: Edit) {
        self.undo.push(edit);
        self.revision += 1;
    }

    /// An edit that could not be undone goes back where it was.
    pub fn restore_undo(&mut self, edit: Edit) {
        self.undo.push(edit);
    }

    /// An edit that could not be redone goes back where it was.
    pub fn restore_redo(&mut self, edit: Edit) {
        self.redo.push(edit);
    }
}
