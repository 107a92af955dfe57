//! Where a new annotation or relation gets its id and its `created`/`modified` time.
//!
//! [`Document::perform`](crate::core::Document::perform) uses the real clock and random ids
//! ([`SystemStamps`]); imports, merges, adjudication and tests pass their own source to
//! [`Document::perform_with`](crate::core::Document::perform_with) — e.g. [`FixedStamps`], one
//! time and counted ids — so the same input writes byte-identical sidecars.

use crate::core::model::{new_id, now_rfc3339};

/// A clock and an id source for new annotations and relations.
pub trait Stamps {
    /// The time to record, RFC 3339 UTC (e.g. `2026-11-21T12:00:00Z`).
    fn now(&mut self) -> String;
    /// A new id. The document asks again when it returns one already in use.
    fn new_id(&mut self) -> String;
}

/// The real clock and random ids (what [`Document::perform`](crate::core::Document::perform)
/// uses).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemStamps;

impl Stamps for SystemStamps {
    fn now(&mut self) -> String {
        now_rfc3339()
    }

    fn new_id(&mut self) -> String {
        new_id()
    }
}

/// One fixed time and ids counted up from a prefix: `{prefix}0001`, `{prefix}0002`, …
/// Deterministic: the same actions in the same order give the same ids and times.
#[derive(Clone, Debug)]
pub struct FixedStamps {
    /// The time every stamp records.
    pub time: String,
    /// Put before each counted id.
    pub prefix: String,
    /// The number of ids given out so far.
    pub issued: u64,
}

impl FixedStamps {
    /// Stamps that record `time` and give ids `a0001`, `a0002`, …
    pub fn new(time: impl Into<String>) -> FixedStamps {
        FixedStamps {
            time: time.into(),
            prefix: "a".to_owned(),
            issued: 0,
        }
    }
}

impl Stamps for FixedStamps {
    fn now(&mut self) -> String {
        self.time.clone()
    }

    fn new_id(&mut self) -> String {
        self.issued += 1;
        format!("{}{:04}", self.prefix, self.issued)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_stamps_count_and_keep_their_time() {
        let mut s = FixedStamps::new("2026-01-02T03:04:05Z");
        assert_eq!((s.new_id(), s.new_id()), ("a0001".into(), "a0002".into()));
        assert_eq!(s.now(), "2026-01-02T03:04:05Z");
        let mut real = SystemStamps;
        assert_ne!(real.new_id(), real.new_id());
        assert!(real.now().ends_with('Z'));
    }
}
