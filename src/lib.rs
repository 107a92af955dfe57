//! Tagline: annotate news articles — highlight spans, tag claims, quotes, stance and sourcing —
//! with the work saved as a JSON sidecar next to each article.
//!
//! The libraries (no user interface, ever):
//! - [`core`]: the model and its one edit path, articles, offsets, schemes, sidecar I/O.
//! - [`formats`]: exports and imports, one file per format.
//! - [`analysis`]: statistics, alignment, agreement, grading, story grouping.
//! - [`report`]: HTML and CSV documents for people.
//!
//! The two faces, which translate what a person wants into library calls:
//! - [`cli`]: the headless command line.
//! - [`gui`]: the egui/eframe window.
//!
//! And [`settings`], the user's settings file both faces read. For tests and benchmarks only
//! (`cfg(test)` or the `test-support` feature): `markup`, a tiny annotated-text language, and
//! `synth`, synthetic articles.

pub mod analysis;
pub mod cli;
pub mod core;
pub mod formats;
pub mod gui;
#[cfg(any(test, feature = "test-support"))]
pub mod markup;
pub mod report;
pub mod settings;
#[cfg(any(test, feature = "test-support"))]
pub mod synth;
