//! Re-anchoring: finding where an annotation's text is after the article changed, and never
//! guessing.
//!
//! Each annotation is looked for in three tiers, the first that accepts a place wins:
//!
//! 1. **Exact**: occurrences of its exact `text`. Even when `article[start:end]` still holds
//!    the text, the context is checked: an insertion that shifts another occurrence of the same
//!    words onto the old offsets must not keep the annotation there.
//! 2. **Normalised**: the same search after [`normalize`] (quote marks, dashes, whitespace
//!    runs and line endings, invisible chars), on text, context and article alike.
//! 3. **Approximate**: occurrences of the normalised text within
//!    ⌊[`MAX_ERROR_RATE`] × length⌋ edits ([`fuzzy`]: Myers' bit-parallel algorithm), for texts
//!    of at least [`MIN_FUZZY_CHARS`] chars.
//!
//! Each tier looks first within [`NEAR_WINDOW`] chars of where the annotation is expected, and
//! a place there with context of at least [`NEAR_ENOUGH`] and no near rival is taken. The
//! exact and normalised texts are both looked for near there before the whole article is
//! searched: a retyped article (quote marks, line endings) otherwise cost one whole-text scan
//! per annotation.
//!
//! Every candidate is scored ([`exact::Candidate`]) on its quote, the similarity of the 32
//! chars around it to the stored `prefix` and `suffix`, and its distance from where the
//! annotation is expected (its old start, shifted by how far the annotation before it moved).
//! The best candidate is accepted only when its context — the mean of the prefix and suffix
//! similarities — reaches the tier's threshold: [`MIN_CONTEXT`] for the exact and normalised
//! tiers ([`MIN_CONTEXT_SHORT`] for a text under [`SHORT_TEXT_CHARS`] chars,
//! [`MIN_CONTEXT_LONG`] for a text of [`LONG_TEXT_CHARS`] chars or more that occurs exactly
//! once), [`MIN_CONTEXT_FUZZY`] for the approximate tier (whose match must also end where the
//! stored context begins), and when no other place comes within [`AMBIGUITY_MARGIN`] of its
//! context (unless the context is complete). Otherwise the annotation is orphaned: kept, never
//! shown at offsets that do not hold its text. docs/reliability.md measures the result.
//!
//! A move whose new text differs from the old one (tiers 2 and 3) is a *fuzzy* move: the
//! annotation takes the new text and context and a [`Review`] marker remembering the old text.
//!
//! [`find_approximate`] exposes the matcher for other uses (a quote's variants in other
//! articles).

pub mod exact;
pub mod fuzzy;
pub mod normalize;

use std::cell::OnceCell;

use crate::core::model::{Annotation, CONTEXT_CHARS, Review, ReviewReason, Status};
use crate::core::text::offsets::{CharRange, IndexedText};
use exact::{Candidate, Context, holds_with_context, occurrences, score};
use normalize::{Normalized, normalize_str};

/// Least context (mean prefix/suffix similarity) for an exact or normalised match.
pub const MIN_CONTEXT: f64 = 0.6;
/// A text at least this long (chars) that occurs exactly once needs only [`MIN_CONTEXT_LONG`].
pub const LONG_TEXT_CHARS: usize = 40;
/// Least context for a long text that occurs exactly once (its own length is the evidence; a
/// moved paragraph keeps none of its surroundings).
pub const MIN_CONTEXT_LONG: f64 = 0.3;
/// A text shorter than this (chars) needs [`MIN_CONTEXT_SHORT`]: a word like `it` is
/// everywhere, only its surroundings say which one it is.
pub const SHORT_TEXT_CHARS: usize = 8;
/// Least context for a short text.
pub const MIN_CONTEXT_SHORT: f64 = 0.75;
/// Least context for an approximate match.
pub const MIN_CONTEXT_FUZZY: f64 = 0.7;
/// Most edits an approximate match may need, per char of the (normalised) text.
pub const MAX_ERROR_RATE: f64 = 0.25;
/// Texts shorter than this (normalised chars) are never matched approximately.
pub const MIN_FUZZY_CHARS: usize = 4;
/// The best place must beat every other place's context by this much, else the annotation is
/// orphaned rather than guessed (unless its context is complete).
pub const AMBIGUITY_MARGIN: f64 = 0.1;
/// A place near the expected position with at least this context (and no near rival) is taken
/// without searching the whole article.
pub const NEAR_ENOUGH: f64 = 0.9;
/// How far around the expected position to look first, in chars.
pub const NEAR_WINDOW: usize = 4096;
/// Articles up to this many chars are searched whole by the approximate tier; longer ones only
/// near the expected position.
pub const FUZZY_WHOLE_TEXT_CHARS: usize = 300_000;

/// What happened to one annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchoring {
    /// Its offsets still hold its text, in its context.
    Kept,
    /// It was placed elsewhere, or on changed text.
    Moved {
        /// Old range.
        from: CharRange,
        /// New range.
        to: CharRange,
        /// `true` when the text it now covers differs from its old text (a normalised or
        /// approximate match): it carries a [`Review`] marker.
        fuzzy: bool,
    },
    /// No place supports it: its text is gone, or its context is.
    Orphaned,
}

/// Which tier placed an annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// Its exact text.
    Exact,
    /// Its text after typographic normalisation.
    Normalized,
    /// Its normalised text within a bounded edit distance.
    Approximate,
}

/// A place accepted for an annotation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    /// Where, in chars of the article.
    pub range: CharRange,
    /// Which tier found it.
    pub tier: Tier,
    /// Its scores (in the tier's text: normalised for tiers 2 and 3).
    pub candidate: Candidate,
}

/// An approximate occurrence of a quote in a text ([`find_approximate`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Occurrence {
    /// Where, in chars of the text.
    pub range: CharRange,
    /// Edits between the normalised quote and the normalised occurrence.
    pub errors: usize,
    /// 1 − errors / the normalised quote's length.
    pub score: f64,
}

/// The matcher for one text: builds its normalised form once, when first needed.
pub struct Anchorer<'a> {
    text: &'a IndexedText,
    normalized: OnceCell<Normalized>,
}

impl<'a> Anchorer<'a> {
    /// A matcher over `text`.
    pub fn new(text: &'a IndexedText) -> Self {
        Anchorer {
            text,
            normalized: OnceCell::new(),
        }
    }

    fn normalized(&self) -> &Normalized {
        self.normalized
            .get_or_init(|| Normalized::new(self.text.as_str()))
    }

    /// Where `ann` belongs now, expecting it at its old start moved by `shift` chars.
    pub fn place(&self, ann: &Annotation, shift: i64) -> Option<Placement> {
        if ann.text.is_empty() {
            return None;
        }
        let text = self.text;
        let expected = shifted(ann.range.start, shift).min(text.len_chars());
        // The common case: nothing changed around it.
        let here = CharRange::new(expected, expected + ann.range.len());
        let ctx = Context::new(&ann.prefix, &ann.suffix, ann.range.start);
        for r in [ann.range, here] {
            if holds_with_context(text, r, &ann.text, &ctx) {
                let candidate = score(text, r, 1.0, &ctx, expected);
                return Some(Placement {
                    range: r,
                    tier: Tier::Exact,
                    candidate,
                });
            }
        }
        let len = ann.text.chars().count();
        if let Some(c) = near_search(text, &ann.text, len, &ctx, expected) {
            return Some(Placement {
                range: c.range,
                tier: Tier::Exact,
                candidate: c,
            });
        }
        let norm = self.normalized();
        let (q, p, s) = (
            normalize_str(&ann.text),
            normalize_str(&ann.prefix),
            normalize_str(&ann.suffix),
        );
        let nlen = q.chars().count();
        let nexp = norm.from_original(expected);
        let nctx = Context {
            prefix: &p,
            suffix: &s,
            ..ctx
        };
        // Retyped text (quote marks, line endings) is found near where it was, in the
        // normalised text, before any search of the whole article: one whole-text scan per
        // annotation made re-anchoring a retyped 10 MB article take minutes.
        if let Some(c) = near_search(&norm.text, &q, nlen, &nctx, nexp) {
            let range = norm.to_original(c.range);
            if !range.is_empty() {
                return Some(Placement {
                    range,
                    tier: Tier::Normalized,
                    candidate: c,
                });
            }
        }
        match exact_search(text, &ann.text, len, &ctx, expected) {
            Search::Found(c) => {
                return Some(Placement {
                    range: c.range,
                    tier: Tier::Exact,
                    candidate: c,
                });
            }
            // The normalised tier may still tell the places apart.
            Search::Rejected | Search::Absent => {}
        }
        let (c, tier) = match exact_search(&norm.text, &q, nlen, &nctx, nexp) {
            Search::Found(c) => (c, Tier::Normalized),
            // The old text is elsewhere but not here: a typo may have been fixed here.
            Search::Rejected | Search::Absent => (
                fuzzy_search(&norm.text, &q, &nctx, nexp)?,
                Tier::Approximate,
            ),
        };
        let range = norm.to_original(c.range);
        (!range.is_empty()).then_some(Placement {
            range,
            tier,
            candidate: c,
        })
    }

    /// Approximate occurrences of `quote` in the text: typography-insensitive (see
    /// [`normalize`]), within ⌊`max_error_rate` × its normalised length⌋ edits, best score
    /// first (then in text order). Exact and normalised occurrences have 0 errors.
    pub fn find_approximate(&self, quote: &str, max_error_rate: f64) -> Vec<Occurrence> {
        let norm = self.normalized();
        let q: Vec<char> = normalize_str(quote).chars().collect();
        if q.is_empty() {
            return Vec::new();
        }
        let k = ((q.len() as f64) * max_error_rate.clamp(0.0, 0.99)).floor() as usize;
        let hay: Vec<char> = norm.text.as_str().chars().collect();
        let mut out: Vec<Occurrence> = fuzzy::find(&q, &hay, k)
            .into_iter()
            .map(|m| Occurrence {
                range: norm.to_original(CharRange::new(m.start, m.end)),
                errors: m.errors,
                score: 1.0 - m.errors as f64 / q.len() as f64,
            })
            .collect();
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.range.start.cmp(&b.range.start))
        });
        out
    }
}

fn shifted(at: usize, shift: i64) -> usize {
    (at as i64 + shift).max(0) as usize
}

fn window(expected: usize, len: usize, total: usize) -> CharRange {
    CharRange::new(
        expected.saturating_sub(NEAR_WINDOW),
        (expected + len + NEAR_WINDOW).min(total),
    )
}

fn best(cands: impl IntoIterator<Item = Candidate>) -> Option<Candidate> {
    cands
        .into_iter()
        .fold(None, |b: Option<Candidate>, c| match b {
            Some(b) if !c.beats(&b) => Some(b),
            _ => Some(c),
        })
}

/// What an exact search found.
enum Search {
    /// A place that its context supports.
    Found(Candidate),
    /// The text occurs, but no place is supported (or two are equally).
    Rejected,
    /// The text occurs nowhere.
    Absent,
}

/// The best occurrence of `quote` near `expected` in `text` when the window alone decides it:
/// context of at least [`NEAR_ENOUGH`] and no near rival.
fn near_search(
    text: &IndexedText,
    quote: &str,
    len: usize,
    ctx: &Context<'_>,
    expected: usize,
) -> Option<Candidate> {
    let near: Vec<Candidate> = occurrences(text, quote, window(expected, len, text.len_chars()))
        .into_iter()
        .map(|s| score(text, CharRange::new(s, s + len), 1.0, ctx, expected))
        .collect();
    best(near.iter().copied())
        .filter(|b| b.context() >= NEAR_ENOUGH)
        .and_then(|_| decide(near, NEAR_ENOUGH))
}

/// The best accepted exact occurrence of `quote` in `text` (tiers 1 and 2).
fn exact_search(
    text: &IndexedText,
    quote: &str,
    len: usize,
    ctx: &Context<'_>,
    expected: usize,
) -> Search {
    let scored = |starts: Vec<usize>| {
        starts
            .into_iter()
            .map(|s| score(text, CharRange::new(s, s + len), 1.0, ctx, expected))
            .collect::<Vec<_>>()
    };
    if let Some(b) = near_search(text, quote, len, ctx, expected) {
        return Search::Found(b);
    }
    let all = scored(occurrences(
        text,
        quote,
        CharRange::new(0, text.len_chars()),
    ));
    if all.is_empty() {
        return Search::Absent;
    }
    let least = if all.len() == 1 && len >= LONG_TEXT_CHARS {
        MIN_CONTEXT_LONG
    } else if len < SHORT_TEXT_CHARS {
        MIN_CONTEXT_SHORT
    } else {
        MIN_CONTEXT
    };
    decide(all, least).map_or(Search::Rejected, Search::Found)
}

/// The best of `cands` if its context reaches `least` and no other place
/// comes within [`AMBIGUITY_MARGIN`] of its context: choosing between near equals would be a
/// guess. Places with the full context are never ambiguous (the same words in the same
/// surroundings, e.g. a repeated paragraph: the nearest is taken).
fn decide(cands: Vec<Candidate>, least: f64) -> Option<Candidate> {
    let b = best(cands.iter().copied())?;
    if b.context() < least {
        return None;
    }
    if b.context() >= 1.0 - 1e-9 {
        return Some(b);
    }
    // Another place: sharing less than half of the best's chars (approximate matches of one
    // place differ by a few chars at their ends).
    let half = b.range.len().div_ceil(2);
    let rival = cands
        .iter()
        .filter(|c| c.range.intersection(&b.range).map_or(0, |r| r.len()) < half)
        .map(Candidate::context)
        .fold(f64::NEG_INFINITY, f64::max);
    (b.context() - rival >= AMBIGUITY_MARGIN).then_some(b)
}

/// The best accepted approximate occurrence of `quote` in (normalised) `text` (tier 3).
fn fuzzy_search(
    text: &IndexedText,
    quote: &str,
    ctx: &Context<'_>,
    expected: usize,
) -> Option<Candidate> {
    let q: Vec<char> = quote.chars().collect();
    if q.len() < MIN_FUZZY_CHARS {
        return None;
    }
    let k = (((q.len() as f64) * MAX_ERROR_RATE).floor() as usize).max(1);
    let rev: Vec<char> = q.iter().rev().copied().collect();
    let search = |w: CharRange| -> Vec<Candidate> {
        let hay: Vec<char> = text.slice(w).unwrap_or("").chars().collect();
        fuzzy::find(&q, &hay, k)
            .into_iter()
            .map(|m| {
                let (s, e) = refine(&q, &rev, &hay, m, k, |s, e, errors| {
                    let r = CharRange::new(w.start + s, w.start + e);
                    score(text, r, 1.0 - errors as f64 / q.len() as f64, ctx, expected)
                });
                let errors = fuzzy::distance(&q, &hay[s..e]);
                let r = CharRange::new(w.start + s, w.start + e);
                score(text, r, 1.0 - errors as f64 / q.len() as f64, ctx, expected)
            })
            .collect()
    };
    let total = text.len_chars();
    let near = search(window(expected, q.len(), total));
    let cands = match best(near.iter().copied()) {
        Some(b) if b.context() >= NEAR_ENOUGH => near,
        _ if total <= FUZZY_WHOLE_TEXT_CHARS => search(CharRange::new(0, total)),
        _ => near,
    };
    decide(cands, MIN_CONTEXT_FUZZY).filter(|b| clean_ends(text, b.range, ctx))
}

/// `true` when the chars right outside `range` are the ones the stored context has next to the
/// span: an approximate match must not cut into a neighbouring word (`nine` fixed to `nnie` is
/// within one edit of `nie`, which starts inside the word).
fn clean_ends(text: &IndexedText, range: CharRange, ctx: &Context<'_>) -> bool {
    let before = text.before(range.start, 1).chars().next();
    let after = text.after(range.end, 1).chars().next();
    let want_before = ctx.prefix.chars().next_back();
    let want_after = ctx.suffix.chars().next();
    (want_before.is_none() || before == want_before)
        && (want_after.is_none() || after == want_after)
}

/// Moves the ends of an approximate match to where its context fits best, the quote's edits
/// deciding among equals: a span keeps its neighbours (`year` fixed to `yeear` also matches
/// `eear` within one edit, but only `yeear` follows the stored prefix). First the end for the
/// found start, then the start for that end; every end considered stays within `k` edits.
fn refine(
    q: &[char],
    rev: &[char],
    hay: &[char],
    m: fuzzy::Match,
    k: usize,
    rate: impl Fn(usize, usize, usize) -> Candidate,
) -> (usize, usize) {
    let key = |c: &Candidate| (c.prefix + c.suffix, c.quote);
    let pick = |c: &mut Option<(Candidate, usize)>, cand: Candidate, at: usize| {
        let better = c.as_ref().is_none_or(|(b, _)| {
            let (x, y) = (key(&cand), key(b));
            x.0 > y.0 + 1e-9 || ((x.0 - y.0).abs() <= 1e-9 && x.1 > y.1)
        });
        if better {
            *c = Some((cand, at));
        }
    };
    let start = m.start;
    let seg_end = (start + q.len() + k).min(hay.len());
    let mut best_end: Option<(Candidate, usize)> = None;
    for (j, d) in fuzzy::prefix_distances(q, &hay[start..seg_end])
        .into_iter()
        .enumerate()
    {
        let end = start + j + 1;
        if d <= k {
            pick(&mut best_end, rate(start, end, d), end);
        }
    }
    let end = best_end.map_or(m.end, |(_, e)| e);
    let seg_start = end.saturating_sub(q.len() + k);
    let back: Vec<char> = hay[seg_start..end].iter().rev().copied().collect();
    let mut best_start: Option<(Candidate, usize)> = None;
    for (i, d) in fuzzy::prefix_distances(rev, &back).into_iter().enumerate() {
        let s = end - (i + 1);
        if d <= k {
            pick(&mut best_start, rate(s, end, d), s);
        }
    }
    (best_start.map_or(start, |(_, s)| s), end)
}

/// Where `ann` belongs in `text` now.
pub fn anchor(text: &IndexedText, ann: &Annotation) -> Anchoring {
    let mut a = ann.clone();
    reanchor(text, &mut a)
}

/// Re-anchors `ann` in `text`, updating its range, text, context, status and review marker.
pub fn reanchor(text: &IndexedText, ann: &mut Annotation) -> Anchoring {
    apply(text, ann, Anchorer::new(text).place(ann, 0))
}

/// Re-anchors every annotation (in any order), each expected where its old start, shifted by
/// how far the annotation before it moved, puts it. Returns what happened to each, in order.
pub fn reanchor_all(text: &IndexedText, anns: &mut [Annotation]) -> Vec<Anchoring> {
    let anchorer = Anchorer::new(text);
    let mut order: Vec<usize> = (0..anns.len()).collect();
    order.sort_by_key(|&i| (anns[i].range.start, anns[i].range.end));
    let mut out = vec![Anchoring::Kept; anns.len()];
    let mut shift = 0i64;
    for i in order {
        let ann = &mut anns[i];
        let placed = anchorer.place(ann, shift);
        if let Some(p) = &placed {
            shift = p.range.start as i64 - ann.range.start as i64;
        }
        out[i] = apply(text, ann, placed);
    }
    out
}

fn apply(text: &IndexedText, ann: &mut Annotation, placed: Option<Placement>) -> Anchoring {
    let Some(p) = placed else {
        ann.status = Some(Status::Orphaned);
        return Anchoring::Orphaned;
    };
    let to = p.range;
    let now = text.slice(to).unwrap_or_default();
    let fuzzy = now != ann.text;
    let from = ann.range;
    if fuzzy {
        // The first old text is the one the annotator chose: keep it across further moves.
        let was = match &ann.review {
            Some(r) if r.reason == ReviewReason::Fuzzy && r.was.is_some() => r.was.clone(),
            _ => Some(ann.text.clone()),
        };
        let mut review = Review::fuzzy(String::new());
        review.was = was;
        ann.review = Some(Box::new(review));
        ann.text = now.to_owned();
    }
    ann.range = to;
    let prefix = text.before(to.start, CONTEXT_CHARS);
    let suffix = text.after(to.end, CONTEXT_CHARS);
    if ann.prefix != prefix {
        ann.prefix = prefix.to_owned();
    }
    if ann.suffix != suffix {
        ann.suffix = suffix.to_owned();
    }
    let was_orphan = ann.status == Some(Status::Orphaned);
    if was_orphan {
        ann.status = None;
    }
    if from == to && !fuzzy {
        Anchoring::Kept
    } else {
        Anchoring::Moved { from, to, fuzzy }
    }
}

/// The orphaned annotations among `anns` (their text is gone; listed for a person).
pub fn orphaned(anns: &[Annotation]) -> impl Iterator<Item = &Annotation> {
    anns.iter().filter(|a| a.is_orphaned())
}

/// The annotations among `anns` waiting for review (a fuzzy move or a merge), orphans excluded.
pub fn under_review(anns: &[Annotation]) -> impl Iterator<Item = &Annotation> {
    anns.iter().filter(|a| a.needs_review())
}

/// Approximate occurrences of `quote` in `text` ([`Anchorer::find_approximate`]).
pub fn find_approximate(text: &IndexedText, quote: &str, max_error_rate: f64) -> Vec<Occurrence> {
    Anchorer::new(text).find_approximate(quote, max_error_rate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ann(text: &IndexedText, start: usize, end: usize) -> Annotation {
        Annotation::on_text(text, "a".into(), "claim", CharRange::new(start, end))
    }

    fn moved(from: (usize, usize), to: (usize, usize), fuzzy: bool) -> Anchoring {
        Anchoring::Moved {
            from: CharRange::new(from.0, from.1),
            to: CharRange::new(to.0, to.1),
            fuzzy,
        }
    }

    #[test]
    fn kept_moved_orphaned() {
        let old = IndexedText::new("He said “yes” today. She said “no”.".into());
        let a = ann(&old, 31, 33); // “no” → no
        assert_eq!(a.text, "no");
        assert_eq!(anchor(&old, &a), Anchoring::Kept);
        let new = IndexedText::new("BREAKING: He said “yes” today. She said “no”.".into());
        assert_eq!(anchor(&new, &a), moved((31, 33), (41, 43), false));
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
        assert_eq!(anchor(&new, &a), moved((21, 24), (24, 27), false));
    }

    #[test]
    fn the_old_offsets_are_not_trusted_without_their_context() {
        // An insertion shifts the other "said" exactly onto the old offsets.
        let old =
            IndexedText::new("Ms Lee said the plan was sound. The minister said nothing.".into());
        let a = ann(&old, 45, 49);
        assert_eq!(a.text, "said");
        let new = IndexedText::new(format!("{}{}", " ".repeat(38), old.as_str()));
        // The first "said" (7..11) is now at 45..49: the annotation follows its own.
        assert_eq!(new.slice(CharRange::new(45, 49)), Some("said"));
        assert_eq!(anchor(&new, &a), moved((45, 49), (83, 87), false));
    }

    #[test]
    fn deleted_text_is_not_moved_to_another_occurrence() {
        let old = IndexedText::new(
            "The council approved the budget on Monday. Critics said the budget ignores \
             transport. Weather: sunny, then the budget of rain."
                .into(),
        );
        let s = old.as_str().find("the budget ignores").unwrap();
        let a = ann(&old, s, s + "the budget".len());
        let new = IndexedText::new(
            "The council approved the budget on Monday. Weather: sunny, then the budget of rain."
                .into(),
        );
        assert_eq!(anchor(&new, &a), Anchoring::Orphaned);
    }

    #[test]
    fn typography_and_line_endings_are_fuzzy_moves() {
        let old =
            IndexedText::new("Intro.\n\nShe said \"it's fine\" -- and left\nthe room.".into());
        let s = old.as_str().find("\"it's").unwrap();
        let e = old.as_str().find("the room").unwrap() + 8;
        let mut a = ann(&old, s, e);
        let new =
            IndexedText::new("Intro.\r\n\r\nShe said “it’s fine” -- and left\r\nthe room.".into());
        let got = reanchor(&new, &mut a);
        assert!(
            matches!(got, Anchoring::Moved { fuzzy: true, .. }),
            "{got:?}"
        );
        assert_eq!(a.text, "“it’s fine” -- and left\r\nthe room");
        let review = a.review.as_ref().unwrap();
        assert_eq!(review.reason, ReviewReason::Fuzzy);
        assert_eq!(
            review.was.as_deref(),
            Some("\"it's fine\" -- and left\nthe room")
        );
    }

    #[test]
    fn a_typo_fix_inside_the_span_is_an_approximate_move() {
        let old = IndexedText::new(
            "Officials confirmed that the goverment will raise taxes next year, the report says."
                .into(),
        );
        let s = old.as_str().find("the goverment").unwrap();
        let mut a = ann(&old, s, s + "the goverment will raise taxes".len());
        let new = IndexedText::new(
            "Officials confirmed that the government will raise taxes next year, the report says."
                .into(),
        );
        let got = reanchor(&new, &mut a);
        assert!(
            matches!(got, Anchoring::Moved { fuzzy: true, .. }),
            "{got:?}"
        );
        assert_eq!(a.text, "the government will raise taxes");
    }

    #[test]
    fn short_texts_are_never_matched_approximately() {
        let old = IndexedText::new("a cat, a dog".into());
        let a = ann(&old, 2, 5);
        let new = IndexedText::new("a cot, a dog".into());
        assert_eq!(anchor(&new, &a), Anchoring::Orphaned);
    }

    #[test]
    fn finds_variants_of_a_quote() {
        let text = IndexedText::new(
            "He said: “We will not back down.” Later: \"we will not back down\", he repeated. \
             Nothing else."
                .into(),
        );
        let found = find_approximate(&text, "We will not back down", 0.1);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].errors, 0);
        assert_eq!(text.slice(found[0].range), Some("We will not back down"));
        assert_eq!(found[1].errors, 1);
        assert_eq!(text.slice(found[1].range), Some("we will not back down"));
    }

    #[test]
    fn without_context_nothing_is_guessed() {
        let old = IndexedText::new("ab ab ab".into());
        let mut a = ann(&old, 3, 5);
        a.prefix.clear();
        a.suffix.clear();
        let new = IndexedText::new("ab  ab ab".into());
        assert_eq!(anchor(&new, &a), Anchoring::Orphaned);
        // At the article's edge an empty context is the edge.
        let b = ann(&old, 0, 2);
        let new = IndexedText::new("ab ab ab!".into());
        assert_eq!(anchor(&new, &b), Anchoring::Kept);
    }

    proptest! {
        /// After an insertion anywhere, an annotation the exact tier placed holds its text.
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
                Anchoring::Orphaned => {}
                Anchoring::Moved { fuzzy: true, .. } => {
                    prop_assert_eq!(new.slice(moved.range), Some(moved.text.as_str()));
                    prop_assert!(moved.review.is_some());
                }
                _ => prop_assert_eq!(new.slice(moved.range), Some(a.text.as_str())),
            }
        }
    }
}
