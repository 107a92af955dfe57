//! Tagline: annotate news articles — highlight spans, tag claims, quotes, stance and sourcing —
//! with the work saved as a JSON sidecar next to each article.
//!
//! - [`core`]: the pure model and file formats (no UI, ever).
//! - [`cli`]: the headless command line over the same core.
//! - [`gui`]: the egui/eframe window, a thin face over the core.
//! - [`settings`]: the user's settings file.
//! - [`synth`]: synthetic articles and sidecars for benchmarks.

pub mod cli;
pub mod core;
pub mod gui;
pub mod settings;
pub mod synth;
