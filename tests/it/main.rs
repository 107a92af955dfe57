//! Tagline's integration tests, one binary (matklad's "delete cargo integration tests"):
//!
//! - [`cli`]: the real `tagline` binary run in temporary folders;
//! - [`compare`]: comparing annotators and adjudicating a gold sidecar in the window;
//! - [`document`]: re-anchoring and the never-clobber rules through the library;
//! - [`edits`]: byte-stable sessions with a fixed clock and ids; what `apply` refuses;
//! - [`gui`]: the window, driven headless with egui_kittest;
//! - [`import`]: `tagline import` of each format, round trips and bad input;
//! - [`merge`]: real `git merge` with `tagline merge-driver`, and `tagline git-setup`;
//! - [`props`]: property tests of round trips, editing sessions and undo;
//! - [`reanchor`]: re-anchoring measured on edited articles with ground truth;
//! - [`rough`]: the command line with odd and bad input, as a new user gives it;
//! - [`reliability`]: many writers at once, closed pipes, FIFOs, links, read-only files,
//!   legacy encodings and the kill-during-save loop (Unix);
//! - [`walker`]: `validate` and `reanchor` walking paths the same way;
//! - [`stats`]: `tagline stats` figures pinned on a small corpus, and incremental sums;
//! - [`story`]: `tagline story` on the five-outlet fixture: expected groups, none wrong;
//! - [`suggest`]: the quote suggester's precision and recall on a hand-annotated fixture, and
//!   `tagline suggest`;
//! - [`sidecar`]: fixtures, the JSON Schema, and a snapshot of the written layout;
//! - [`watch`]: files changed behind the window's back, and recovery after a kill.
//!
//! Fixtures live in `tests/fixtures/`; tests copy them into a temporary folder before running
//! anything that writes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a panic is a failing test"
)]

mod agree;
mod cli;
mod compare;
mod document;
mod edits;
mod export;
mod fuzz;
mod grade;
mod gui;
mod import;
mod merge;
mod props;
mod reanchor;
#[cfg(unix)]
mod reliability;
mod rough;
mod sidecar;
mod stats;
mod story;
mod suggest;
mod util;
mod walker;
mod watch;
