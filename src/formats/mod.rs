//! Exports and imports: one file per format, behind one trait (as ruff's `message/` has one
//! emitter per output format).
//!
//! Each format module says in its own docs how Tagline's model maps onto the format, which
//! offset unit it uses (code points, UTF-16 code units or bytes, converted through
//! [`crate::core::TextIndex`]) and what the format cannot hold.
//!
//! May use: [`crate::core`] and pure crates (serde_json, …). Never: a face (`crate::gui`,
//! `crate::cli`), a UI crate, or `std::fs` — formats write to the writers and read from the
//! readers and strings they are given; the faces open the files.
