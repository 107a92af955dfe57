//! The pure core of Tagline: articles, offsets, the annotation model, schemes, sidecar I/O,
//! edit history, anchoring and validation.
//!
//! Invariant: nothing here knows about a user interface. `src/core` never uses egui, eframe,
//! rfd or clap; the GUI and the CLI are thin faces over these types (CI checks this).

pub mod anchor;
pub mod article;
pub mod corpus;
pub mod document;
pub mod edit;
pub mod frontmatter;
pub mod model;
pub mod offsets;
pub mod scheme;
pub mod sidecar;
mod sidecar_serde;
pub mod text_nav;
pub mod validate;

pub use article::{Article, ArticleError, LoadOptions, Segment, SegmentKind};
pub use document::{DiskState, Document, OpenError, OpenReport, SaveError};
pub use edit::{Action, Edit, EditError};
pub use model::{Annotation, AttrValue, Relation, Status};
pub use offsets::{CharRange, IndexedText, TextIndex};
pub use scheme::Scheme;
