//! The pure core of Tagline: the model and its one edit path.
//!
//! - [`text`]: offsets (chars, bytes, UTF-16) and text navigation and search.
//! - [`article`]: reading an article file (encodings, BOM, front matter, display segments).
//! - [`model`], [`scheme`]: annotations, relations, labels; the tag scheme they follow;
//!   [`id`]: their typed ids.
//! - [`edit`], [`document`], [`history`]: actions become invertible edits, applied by
//!   [`Document::apply`] and recorded for undo; the only way a document changes.
//! - [`filter`]: which annotations a list shows (tag, annotator, words).
//! - [`sidecar`]: the on-disk v1 contract; [`store`]: atomic writes and fingerprints.
//! - [`stamps`]: the clock and id source of new annotations (real, or fixed for byte-stable
//!   output).
//! - [`anchor`]: finding an annotation's text again after the article changed.
//! - [`entity`]: which known source a sourcing span names.
//! - [`validate`], [`corpus`]: checking sidecars; the one walker over folders of articles.
//! - [`intake`]: bringing imported records into a folder (their articles, their sidecars).
//! - [`merge`]: three-way merges of a sidecar, for git's merge driver.
//! - [`disk`]: what changed on disk behind an open document's back, and what to do about it;
//!   [`recovery`]: the crash-recovery journal of unsaved edits.
//!
//! Invariant: nothing here knows about a user interface or a face. `src/core` never uses
//! egui, eframe, rfd or clap, nor the two faces (gui, cli), nor the libraries built on it
//! (`formats`, `analysis`, `report`): `scripts/check-boundaries` checks these absences.

pub mod anchor;
pub mod article;
pub mod corpus;
pub mod disk;
pub mod document;
pub mod edit;
pub mod entity;
pub mod filter;
pub mod history;
pub mod id;
pub mod intake;
pub mod merge;
pub mod model;
pub mod output;
pub mod recovery;
pub mod scheme;
pub mod sidecar;
pub mod stamps;
pub mod store;
pub mod text;
pub mod validate;

pub use article::{Article, ArticleError, LoadOptions, Segment, SegmentKind};
pub use corpus::{CorpusError, CorpusItem};
pub use document::{DiskMerge, DiskState, Document, OpenError, OpenReport, SaveError};
pub use edit::{
    Action, Edit, EditError, ImportBatch, ImportItem, ImportOutcome, ImportRelation, ImportSkip,
    ImportSpan, NewId, ValueError,
};
pub use filter::AnnotationFilter;
pub use id::{AnnotationId, RelationId};
pub use model::{
    AdjudicationRecord, Annotation, AttrValue, Attributes, Decision, MergeRecord, Origin,
    OriginKind, Rejected, Relation, Review, ReviewReason, Status,
};
pub use output::{Output, OutputError, Sink};
pub use scheme::{AttrKind, AttributeDef, LabelDef, RelationDef, Scheme, TagDef};
pub use sidecar::SidecarData;
pub use stamps::{FixedStamps, Stamps, SystemStamps};
pub use store::ContentHash;
pub use text::{CharRange, IndexedText, TextIndex};
