//! Text and its units: offsets in Unicode scalar values with conversions to bytes and UTF-16
//! ([`offsets`]), and moving through text by words and lines, snapping, trimming and search
//! ([`nav`]). Everything here is pure and indexed in chars.

pub mod nav;
pub mod offsets;

pub use offsets::{CharRange, IndexedText, TextIndex};
