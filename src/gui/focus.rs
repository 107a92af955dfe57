//! What the person is pointing at and working on: the text selection, the selected and hovered
//! annotation, and a relation waiting for its target. The app owns one [`Focus`] per window;
//! the article view reads it every frame and reports changes as intents, so a second view (the
//! compare view) can share or mirror it without owning it.

use crate::core::{AnnotationId, CharRange};

/// A selection in document chars: `anchor` stays put, `head` moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Where the selection started.
    pub anchor: usize,
    /// Where it ends now (the caret).
    pub head: usize,
}

impl Selection {
    /// A caret (empty selection) at `at`.
    pub fn caret(at: usize) -> Selection {
        Selection {
            anchor: at,
            head: at,
        }
    }

    /// The selected range, ordered.
    pub fn range(&self) -> CharRange {
        CharRange::new(self.anchor.min(self.head), self.anchor.max(self.head))
    }
}

/// A relation being made: its type and the annotation it starts from; the next annotation
/// chosen is its target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingRelation {
    /// The relation type (`attributed_to`, …).
    pub kind: String,
    /// The annotation it starts from.
    pub from: AnnotationId,
    /// The target proposed for the keyboard (Enter links it; ← / → propose others).
    pub candidate: Option<AnnotationId>,
}

/// The window's focus.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Focus {
    /// The text selection (or caret), in document chars.
    pub selection: Option<Selection>,
    /// The annotation selected for editing.
    pub selected: Option<AnnotationId>,
    /// The annotation under the pointer.
    pub hovered: Option<AnnotationId>,
    /// A relation waiting for its target.
    pub pending_relation: Option<PendingRelation>,
}

impl Focus {
    /// The selected text range, when it is not empty.
    pub fn selected_range(&self) -> Option<CharRange> {
        self.selection.map(|s| s.range()).filter(|r| !r.is_empty())
    }
}
