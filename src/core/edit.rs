//! Edits: every change to a document, as an invertible value.
//!
//! User intent arrives as an [`Action`] (from the GUI or the CLI alike);
//! [`crate::core::document::Document::perform`] checks it against the article and scheme and turns it
//! into an [`Edit`], a concrete change that carries everything needed to undo it. Edits are
//! applied only through [`crate::core::document::Document::apply`], which records them for undo/redo:
//! one user action is one undo step.

use std::collections::BTreeMap;

use crate::core::model::{
    Annotation, AnnotationId, AttrValue, Origin, Relation, RelationId, Status,
};
use crate::core::text::offsets::CharRange;

/// What a person asks to do to a document.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Tag a span.
    Add {
        /// Tag id.
        tag: String,
        /// Span.
        range: CharRange,
        /// Attribute values (scheme defaults fill the rest).
        attributes: BTreeMap<String, AttrValue>,
        /// Note.
        note: String,
        /// Review state.
        status: Option<Status>,
    },
    /// Delete an annotation and the relations touching it.
    Remove {
        /// Annotation id.
        id: AnnotationId,
    },
    /// Change an annotation's tag (attributes the new tag does not know are kept).
    Retag {
        /// Annotation id.
        id: AnnotationId,
        /// New tag id.
        tag: String,
    },
    /// Set (`Some`) or clear (`None`) an attribute.
    SetAttribute {
        /// Annotation id.
        id: AnnotationId,
        /// Attribute name.
        name: String,
        /// New value.
        value: Option<AttrValue>,
    },
    /// Replace an annotation's note.
    SetNote {
        /// Annotation id.
        id: AnnotationId,
        /// New note.
        note: String,
    },
    /// Set or clear an annotation's review state.
    SetStatus {
        /// Annotation id.
        id: AnnotationId,
        /// New state.
        status: Option<Status>,
    },
    /// Set (non-empty) or clear (empty) a source's canonical name, its `entity`.
    SetEntity {
        /// Annotation id.
        id: AnnotationId,
        /// The name; surrounding spaces are trimmed.
        entity: String,
    },
    /// Accept every suggestion of the document (`status: suggested` becomes ordinary; their
    /// `origin` is kept), as one step.
    AcceptAllSuggestions,
    /// Keep an annotation as re-anchoring or a merge placed it: clears its `review` marker.
    KeepReviewed {
        /// Annotation id.
        id: AnnotationId,
    },
    /// Move an annotation's ends (also clears its `review` marker: a person placed it).
    Resize {
        /// Annotation id.
        id: AnnotationId,
        /// New span.
        range: CharRange,
    },
    /// Link two annotations.
    Relate {
        /// Relation type.
        kind: String,
        /// Source annotation id.
        from: AnnotationId,
        /// Target annotation id.
        to: AnnotationId,
        /// Note.
        note: String,
    },
    /// Delete a relation.
    Unrelate {
        /// Relation id.
        id: RelationId,
    },
    /// Set or clear a document label.
    SetLabel {
        /// Label name.
        name: String,
        /// New value.
        value: Option<AttrValue>,
    },
    /// Add many annotations, relations and document labels as one step (`tagline import`,
    /// File → Import…). Nothing existing is overwritten or duplicated; what cannot be added is
    /// skipped and reported ([`crate::core::Document::import_with`] returns the
    /// [`ImportOutcome`]).
    Import(ImportBatch),
}

/// The id of what an action made: [`Action::Add`] makes an annotation, [`Action::Relate`]
/// a relation ([`crate::core::Document::perform`] returns it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewId {
    /// A new annotation.
    Annotation(AnnotationId),
    /// A new relation.
    Relation(RelationId),
}

impl NewId {
    /// The new annotation's id; `None` for a relation.
    pub fn annotation(self) -> Option<AnnotationId> {
        match self {
            NewId::Annotation(id) => Some(id),
            NewId::Relation(_) => None,
        }
    }

    /// The new relation's id; `None` for an annotation.
    pub fn relation(self) -> Option<RelationId> {
        match self {
            NewId::Relation(id) => Some(id),
            NewId::Annotation(_) => None,
        }
    }
}

impl std::fmt::Display for NewId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NewId::Annotation(id) => f.pad(id),
            NewId::Relation(id) => f.pad(id),
        }
    }
}

/// What an [`Action::Import`] adds: annotations, relations between them (or to annotations
/// already in the document) and document labels, as read from another tool's file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportBatch {
    /// The annotations, in input order.
    pub spans: Vec<ImportSpan>,
    /// The relations, in input order.
    pub relations: Vec<ImportRelation>,
    /// Document labels to set where the document has none of that name.
    pub labels: BTreeMap<String, AttrValue>,
}

/// One annotation to import.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportSpan {
    /// The name relations of this batch use for it (its id in the input: a brat `T1`, a
    /// Label Studio region id); unique within the batch.
    pub key: String,
    /// The id to keep (`None`: a fresh one); one that collides gets a fresh id.
    pub id: Option<AnnotationId>,
    /// Tag id from the scheme.
    pub tag: String,
    /// The span, in chars.
    pub range: CharRange,
    /// The text the input says the span covers, checked against the article.
    pub text: Option<String>,
    /// Attribute values (kept as given: no scheme defaults are added).
    pub attributes: BTreeMap<String, AttrValue>,
    /// Note.
    pub note: String,
    /// Who made it (`None`: the importing annotator).
    pub annotator: Option<String>,
    /// When it was made, RFC 3339 (`None`: now, from the stamps).
    pub created: Option<String>,
    /// When it last changed (`None`: `created`).
    pub modified: Option<String>,
    /// Review state (`orphaned` is refused).
    pub status: Option<Status>,
    /// Where it came from.
    pub origin: Option<Origin>,
    /// A source's canonical name.
    pub entity: String,
}

/// One relation to import, between two annotations named by their [`ImportSpan::key`] (or by
/// the id of an annotation already in the document).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportRelation {
    /// The id to keep (`None` or colliding: a fresh one).
    pub id: Option<RelationId>,
    /// Relation type.
    pub kind: String,
    /// Source annotation's key.
    pub from: String,
    /// Target annotation's key.
    pub to: String,
    /// Who made it (`None`: the importing annotator).
    pub annotator: Option<String>,
    /// Note.
    pub note: String,
}

/// Which item of an [`ImportBatch`] a report is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImportItem {
    /// `spans[i]`.
    Span(usize),
    /// `relations[i]`.
    Relation(usize),
    /// The label of this name.
    Label(String),
}

/// Why an item of an import was not added.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ImportSkip {
    /// The same span with the same tag (or the same relation) is already there: nothing to add.
    #[error("already there (as `{0}`)")]
    Duplicate(String),
    /// The document already has this label with another value; it is kept.
    #[error("the document already has this label set to `{}`; kept", .0.display())]
    LabelKept(AttrValue),
    /// The scheme has no document label of this name.
    #[error("the scheme has no document label of this name")]
    UnknownLabel,
    /// Refused as an edit would be (bad span, text that does not match, unknown tag, bad
    /// attribute, relation the scheme does not allow, relation to a skipped annotation…).
    #[error(transparent)]
    Refused(EditError),
}

impl ImportSkip {
    /// `true` for an item that is simply already present (importing twice), not a problem.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, ImportSkip::Duplicate(_))
    }
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportOutcome {
    /// Annotations added.
    pub spans: usize,
    /// Relations added.
    pub relations: usize,
    /// Labels set.
    pub labels: usize,
    /// Items not added, with why, in batch order.
    pub skipped: Vec<(ImportItem, ImportSkip)>,
    /// Ids of the input that were taken already and were replaced: (given, given out).
    pub renamed: Vec<(String, String)>,
}

impl ImportOutcome {
    /// `true` when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.spans + self.relations + self.labels == 0
    }
}

/// A concrete, invertible change to a document.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Insert this annotation.
    AddAnnotation(Annotation),
    /// Delete this annotation (stored whole, for undo).
    RemoveAnnotation(Annotation),
    /// Replace an annotation (same id): retag, attribute, note, status or resize.
    UpdateAnnotation {
        /// As it was.
        before: Box<Annotation>,
        /// As it becomes.
        after: Box<Annotation>,
    },
    /// Insert this relation.
    AddRelation(Relation),
    /// Delete this relation.
    RemoveRelation(Relation),
    /// Change a document label.
    SetLabel {
        /// Label name.
        name: String,
        /// Old value.
        before: Option<AttrValue>,
        /// New value.
        after: Option<AttrValue>,
    },
    /// Several edits as one step, applied in order.
    Batch(Vec<Edit>),
}

impl Edit {
    /// The edit that undoes this one.
    pub fn invert(self) -> Edit {
        match self {
            Edit::AddAnnotation(a) => Edit::RemoveAnnotation(a),
            Edit::RemoveAnnotation(a) => Edit::AddAnnotation(a),
            Edit::UpdateAnnotation { before, after } => Edit::UpdateAnnotation {
                before: after,
                after: before,
            },
            Edit::AddRelation(r) => Edit::RemoveRelation(r),
            Edit::RemoveRelation(r) => Edit::AddRelation(r),
            Edit::SetLabel {
                name,
                before,
                after,
            } => Edit::SetLabel {
                name,
                before: after,
                after: before,
            },
            Edit::Batch(edits) => Edit::Batch(edits.into_iter().rev().map(Edit::invert).collect()),
        }
    }

    /// A few words for an undo menu: "add quote", "retag", …
    pub fn describe(&self) -> String {
        match self {
            Edit::AddAnnotation(a) => format!("add {}", a.tag),
            Edit::RemoveAnnotation(a) => format!("remove {}", a.tag),
            Edit::UpdateAnnotation { before, after } => {
                if before.tag != after.tag {
                    format!("retag {} → {}", before.tag, after.tag)
                } else if before.range != after.range {
                    "resize".to_owned()
                } else if before.attributes != after.attributes {
                    "set attribute".to_owned()
                } else if before.note != after.note {
                    "edit note".to_owned()
                } else if before.entity != after.entity {
                    "set entity".to_owned()
                } else if before.review != after.review {
                    "keep as placed".to_owned()
                } else {
                    "set status".to_owned()
                }
            }
            Edit::AddRelation(r) => format!("relate ({})", r.kind),
            Edit::RemoveRelation(r) => format!("unrelate ({})", r.kind),
            Edit::SetLabel { name, .. } => format!("set {name}"),
            Edit::Batch(edits)
                if edits.len() > 1
                    && edits.iter().all(|e| {
                        matches!(
                            e,
                            Edit::AddAnnotation(_) | Edit::AddRelation(_) | Edit::SetLabel { .. }
                        )
                    }) =>
            {
                let spans = edits
                    .iter()
                    .filter(|e| matches!(e, Edit::AddAnnotation(_)))
                    .count();
                format!("import {spans} annotation(s)")
            }
            Edit::Batch(edits) => edits
                .iter()
                .find(|e| matches!(e, Edit::RemoveAnnotation(_)))
                .unwrap_or(&edits[0])
                .describe(),
        }
    }
}

/// Why an action was refused. Nothing was changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    /// No annotation has this id.
    #[error("no annotation with id `{0}`")]
    NoSuchAnnotation(AnnotationId),
    /// No relation has this id.
    #[error("no relation with id `{0}`")]
    NoSuchRelation(RelationId),
    /// The span is empty, reversed or past the end of the text.
    #[error("span {range} is not inside the text (0:{len}) or is empty")]
    BadRange {
        /// The span asked for.
        range: CharRange,
        /// Text length in chars.
        len: usize,
    },
    /// The scheme has no such tag.
    #[error("the scheme has no tag `{tag}` (it has: {known})")]
    UnknownTag {
        /// The tag asked for.
        tag: String,
        /// The scheme's tags.
        known: String,
    },
    /// The tag has no attribute of this name.
    #[error("tag `{tag}` has no attribute `{name}`")]
    NoSuchAttribute {
        /// The annotation's tag.
        tag: String,
        /// The attribute asked for.
        name: String,
    },
    /// The value is not allowed for this attribute.
    #[error("attribute `{name}`: {reason}")]
    BadAttribute {
        /// The attribute.
        name: String,
        /// What is wrong with the value.
        reason: ValueError,
    },
    /// The value is not allowed for this document label.
    #[error("label `{name}`: {reason}")]
    BadLabel {
        /// The label.
        name: String,
        /// What is wrong with the value.
        reason: ValueError,
    },
    /// The `orphaned` status was set or cleared by hand.
    #[error(
        "the `orphaned` status is set and cleared by re-anchoring only; resize the annotation \
         onto its text instead"
    )]
    OrphanedByAnchoringOnly,
    /// An annotation with this id already exists.
    #[error("annotation id `{0}` already exists")]
    DuplicateId(AnnotationId),
    /// A relation with this id already exists.
    #[error("relation id `{0}` already exists")]
    DuplicateRelationId(RelationId),
    /// The annotation still has relations (remove them first; [`Action::Remove`] does).
    #[error("annotation `{0}` still has relations; remove them first")]
    HasRelations(AnnotationId),
    /// An edit would change an annotation's id.
    #[error("an edit cannot change an annotation's id (`{before}` → `{after}`)")]
    IdChange {
        /// The id it has.
        before: AnnotationId,
        /// The id the edit gives it.
        after: AnnotationId,
    },
    /// The annotation is no longer as the edit expects: it changed since the edit was made.
    #[error("annotation `{0}` changed since this edit was made")]
    StaleAnnotation(AnnotationId),
    /// The relation is no longer as the edit expects.
    #[error("relation `{0}` changed since this edit was made")]
    StaleRelation(RelationId),
    /// The document label is no longer as the edit expects.
    #[error("label `{0}` changed since this edit was made")]
    StaleLabel(String),
    /// An annotation's recorded text is not what the article holds at its span.
    #[error(
        "annotation `{id}` says its text is “{claimed}”, but the article has “{actual}” at {range}"
    )]
    TextMismatch {
        /// The annotation.
        id: AnnotationId,
        /// Its span.
        range: CharRange,
        /// The text it records.
        claimed: String,
        /// The article's text there.
        actual: String,
    },
    /// A relation from an annotation to itself.
    #[error("an annotation cannot be related to itself")]
    SelfRelation,
    /// The scheme has no such relation type.
    #[error("the scheme has no relation `{kind}` (it has: {known})")]
    UnknownRelation {
        /// The type asked for.
        kind: String,
        /// The scheme's relation types.
        known: String,
    },
    /// The scheme does not allow this relation between these tags.
    #[error("`{kind}` goes from {allowed_from} to {allowed_to}, not from {from_tag} to {to_tag}")]
    RelationNotAllowed {
        /// The relation type.
        kind: String,
        /// Tags allowed at the source, as words ("quote/claim", "any tag").
        allowed_from: String,
        /// Tags allowed at the target, as words.
        allowed_to: String,
        /// The source annotation's tag.
        from_tag: String,
        /// The target annotation's tag.
        to_tag: String,
    },
    /// Nothing would change.
    #[error("nothing to change")]
    NoChange,
}

/// Why a value does not fit an attribute or label definition.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    /// Not one of a choice's values.
    #[error("`{value}` is not one of: {}", allowed.join(", "))]
    NotOneOf {
        /// The value, as shown.
        value: String,
        /// The allowed values.
        allowed: Vec<String>,
    },
    /// A checkbox given something else.
    #[error("`{0}` is not true or false")]
    NotBool(String),
    /// Free text given something else.
    #[error("`{0}` is not text")]
    NotText(String),
}
