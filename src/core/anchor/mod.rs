//! Exact re-anchoring: finding where an annotation's text is after the article changed.
//!
//! For each annotation: keep its offsets if they still hold its `text`; else move it to the
//! occurrence of its exact text whose surroundings best match its stored `prefix`/`suffix`,
//! the nearest to its old position among equals; else mark it orphaned and keep it. An
//! annotation is never shown or exported at offsets that do not hold its text.

use crate::core::model::{Annotation, CONTEXT_CHARS, Status};
use crate::core::text::nav::{Case, find};
use crate::core::text::offsets::{CharRange, IndexedText};

/// What happened to one annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchoring {
    /// Its offsets still hold its text.
    Kept,
    /// Its text was found elsewhere.
    Moved {
        /// Old range.
        from: CharRange,
        /// New range.
        to: CharRange,
    },
    /// Its text is no longer in the article.
    Orphaned,
}

/// How far around the old position to look first, in chars.
const NEAR_WINDOW: usize = 4096;

/// Where `ann` belongs in `text` now.
pub fn anchor(text: &IndexedText, ann: &Annotation) -> Anchoring {
    if ann.text.is_empty() {
        return Anchoring::Orphaned;
    }
    if text.slice(ann.range) == Some(ann.text.as_str()) {
        return Anchoring::Kept;
    }
    let len = ann.text.chars().count();
    let best_possible = ann.prefix.chars().count() + ann.suffix.chars().count();
    // First near the old position; a candidate there with full context cannot be beaten.
    let near_start = ann.range.start.saturating_sub(NEAR_WINDOW);
    let near_end = (ann.range.end + NEAR_WINDOW).min(text.len_chars());
    let near = best_candidate(text, ann, len, CharRange::new(near_start, near_end));
    let found = match near {
        Some((score, start)) if score == best_possible => Some(start),
        _ => best_candidate(text, ann, len, CharRange::new(0, text.len_chars())).map(|(_, s)| s),
    };
    match found {
        Some(start) => Anchoring::Moved {
            from: ann.range,
            to: CharRange::new(start, start + len),
        },
        None => Anchoring::Orphaned,
    }
}

/// The best occurrence of `ann.text` within `window`: (context score, start char).
fn best_candidate(
    text: &IndexedText,
    ann: &Annotation,
    len: usize,
    window: CharRange,
) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize, usize)> = None; // (score, distance, start)
    for hit in find(text, &ann.text, window, Case::Exact) {
        let start = hit.start;
        let score = common_suffix_chars(text.before(start, CONTEXT_CHARS), &ann.prefix)
            + common_prefix_chars(text.after(start + len, CONTEXT_CHARS), &ann.suffix);
        let distance = start.abs_diff(ann.range.start);
        let better = match best {
            None => true,
            Some((bs, bd, _)) => score > bs || (score == bs && distance < bd),
        };
        if better {
            best = Some((score, distance, start));
        }
    }
    best.map(|(score, _, start)| (score, start))
}

fn common_prefix_chars(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

fn common_suffix_chars(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Applies [`anchor`] to `ann`, updating its range, context and status. Returns what happened.
pub fn reanchor(text: &IndexedText, ann: &mut Annotation) -> Anchoring {
    let result = anchor(text, ann);
    match &result {
        Anchoring::Kept => {
            if ann.status == Some(Status::Orphaned) {
                ann.status = None;
            }
        }
        Anchoring::Moved { to, .. } => {
            ann.range = *to;
            ann.prefix = text.before(to.start, CONTEXT_CHARS).to_owned();
            ann.suffix = text.after(to.end, CONTEXT_CHARS).to_owned();
            if ann.status == Some(Status::Orphaned) {
                ann.status = None;
            }
        }
        Anchoring::Orphaned => ann.status = Some(Status::Orphaned),
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ann(text: &IndexedText, start: usize, end: usize) -> Annotation {
        Annotation {
            id: "a".into(),
            tag: "claim".into(),
            range: CharRange::new(start, end),
            text: text.slice(CharRange::new(start, end)).unwrap().to_owned(),
            prefix: text.before(start, CONTEXT_CHARS).to_owned(),
            suffix: text.after(end, CONTEXT_CHARS).to_owned(),
            attributes: Default::default(),
            note: String::new(),
            annotator: String::new(),
            created: String::new(),
            modified: String::new(),
            status: None,
            review: None,
            extra: Default::default(),
        }
    }

    #[test]
    fn kept_moved_orphaned() {
        let old = IndexedText::new("He said “yes” today. She said “no”.".into());
        let a = ann(&old, 31, 33); // “no” → no
        assert_eq!(a.text, "no");
        assert_eq!(anchor(&old, &a), Anchoring::Kept);
        let new = IndexedText::new("BREAKING: He said “yes” today. She said “no”.".into());
        assert_eq!(
            anchor(&new, &a),
            Anchoring::Moved {
                from: CharRange::new(31, 33),
                to: CharRange::new(41, 43)
            }
        );
        let gone = IndexedText::new("He said “yes” today.".into());
        let mut b = a.clone();
        assert_eq!(reanchor(&gone, &mut b), Anchoring::Orphaned);
        assert_eq!(b.status, Some(Status::Orphaned));
        // Back in the text: no longer orphaned.
        assert!(matches!(reanchor(&new, &mut b), Anchoring::Moved { .. }));
        assert_eq!(b.status, None);
    }

    #[test]
    fn context_chooses_between_repeats() {
        let old = IndexedText::new("the cat sat. the dog sat. the cow sat.".into());
        let a = ann(&old, 21, 24); // "sat" after "dog"
        let new = IndexedText::new("A: the cow sat. the dog sat. the cat sat.".into());
        assert_eq!(
            anchor(&new, &a),
            Anchoring::Moved {
                from: CharRange::new(21, 24),
                to: CharRange::new(24, 27)
            }
        );
    }

    #[test]
    fn without_context_the_nearest_wins() {
        let old = IndexedText::new("ab ab ab".into());
        let mut a = ann(&old, 3, 5);
        a.prefix.clear();
        a.suffix.clear();
        let new = IndexedText::new("ab  ab ab".into());
        assert_eq!(
            anchor(&new, &a),
            Anchoring::Moved {
                from: CharRange::new(3, 5),
                to: CharRange::new(4, 6)
            }
        );
    }

    proptest! {
        /// After an insertion anywhere, a re-anchored annotation always holds its text or is orphaned.
        #[test]
        fn anchoring_never_points_at_other_text(
            base in "[ab😀 ]{1,60}",
            insert in "[ab😀 ]{0,10}",
            at in 0usize..61, s in 0usize..60, l in 1usize..10,
        ) {
            let old = IndexedText::new(base.clone());
            let n = old.len_chars();
            let s = s % n;
            let e = (s + l).min(n);
            let a = ann(&old, s, e);
            let at = at.min(n);
            let b = old.char_to_byte(at).unwrap();
            let new = IndexedText::new(format!("{}{}{}", &base[..b], insert, &base[b..]));
            let mut moved = a.clone();
            match reanchor(&new, &mut moved) {
                Anchoring::Orphaned => prop_assert!(!new.as_str().contains(&a.text)),
                _ => prop_assert_eq!(new.slice(moved.range), Some(a.text.as_str())),
            }
        }
    }
}
