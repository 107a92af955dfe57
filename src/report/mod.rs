//! Documents for people: self-contained HTML pages (grade sheets, class summaries, story pages)
//! and CSV tables, returned as strings or written to a writer the caller gives.
//!
//! Every report escapes the text it quotes, and an HTML report needs nothing from the network:
//! styles and charts (inline SVG) are part of the page.
//!
//! May use: [`crate::core`] and [`crate::analysis`]. Never: a face, a UI crate, or `std::fs`.

pub mod agreement;
pub mod grade;
pub mod story;
