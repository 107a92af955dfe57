//! Numbers about annotations: corpus statistics, span alignment (pairing one annotator's spans
//! with another's), agreement, grading against a key, and grouping the same quote or claim
//! across articles (story), and the built-in quote suggester (rules that propose quotes, their
//! sources and the link between them).
//!
//! Pure functions over [`crate::core`] documents and annotations: no file I/O, no clock, no
//! randomness without a seed given by the caller, so every figure is reproducible.
//!
//! May use: [`crate::core`]. Never: a face, a UI crate, `std::fs`, or [`crate::formats`] /
//! [`crate::report`] (reports use analysis, not the other way round).

pub mod agreement;
pub mod align;
pub mod compare;
pub mod gamma;
pub mod grade;
pub mod pairing;
pub mod stats;
pub mod story;
pub mod suggest;
