//! Span alignment: pairing one annotator's spans with another's on the same article.
//!
//! Shared by agreement (`tagline agree`), grading against a key and the compare view. Pure:
//! the input is two lists of [`Span`]s over one article's text (char offsets, half-open), the
//! output counts or pairs.
//!
//! The four SemEval-2013 modes follow `nervaluate` 1.2 exactly, including its greedy order:
//! the predicted spans (`b`) are visited in the order given — callers sort by start, end, tag
//! — and each takes the first still-unmatched reference span (`a`) that qualifies:
//!
//! | mode | correct | incorrect / partial |
//! |---|---|---|
//! | `strict` | same start, end and tag | overlapping otherwise: incorrect |
//! | `exact` | same start and end, any tag | overlapping otherwise: incorrect |
//! | `ent_type` | overlap and same tag (the closest boundaries among several) | overlap, other tag: incorrect |
//! | `partial` | same start and end, any tag | overlapping otherwise: partial (half credit) |
//!
//! A reference span no predicted span took is *missed*; a predicted span that took none is
//! *spurious*. "Overlap" means at least one shared character (SemEval's definition; nervaluate's
//! default threshold of 1% of the reference span equals it for spans up to 100 characters).

use std::cmp::Ordering;

use crate::core::CharRange;

/// One span: where it is and its tag (an index the caller interns; compare by equality only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// Char offsets, half-open.
    pub range: CharRange,
    /// The tag, as an index into the caller's tag list.
    pub tag: u32,
}

impl Span {
    /// A span from `start` to `end` with tag index `tag`.
    pub fn new(start: usize, end: usize, tag: u32) -> Self {
        Self {
            range: CharRange::new(start, end),
            tag,
        }
    }

    /// Number of chars.
    pub fn len(&self) -> usize {
        self.range.end.saturating_sub(self.range.start)
    }

    /// `true` for an empty span (these never overlap anything).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The order every caller sorts spans in before alignment: start, end, tag.
pub fn span_order(x: &Span, y: &Span) -> Ordering {
    (x.range.start, x.range.end, x.tag).cmp(&(y.range.start, y.range.end, y.tag))
}

/// `true` when the two spans share at least one character.
pub fn overlaps(x: &Span, y: &Span) -> bool {
    x.range.start < y.range.end && y.range.start < x.range.end
}

/// Shared characters of two spans.
pub fn shared_chars(x: &Span, y: &Span) -> usize {
    x.range
        .end
        .min(y.range.end)
        .saturating_sub(x.range.start.max(y.range.start))
}

/// The share of `reference` that `other` covers, 0 to 1 (0 for an empty reference).
pub fn overlap_share(reference: &Span, other: &Span) -> f64 {
    if reference.is_empty() {
        return 0.0;
    }
    shared_chars(reference, other) as f64 / reference.len() as f64
}

fn same_bounds(x: &Span, y: &Span) -> bool {
    x.range == y.range
}

fn boundary_distance(x: &Span, y: &Span) -> usize {
    x.range.start.abs_diff(y.range.start) + x.range.end.abs_diff(y.range.end)
}

/// A SemEval-2013 matching mode (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// Same start, end and tag.
    Strict,
    /// Same start and end, any tag.
    Exact,
    /// Overlap and the same tag.
    EntType,
    /// Overlap, any tag; boundary mismatches earn half credit.
    Partial,
}

impl Mode {
    /// Every mode, in the order reports list them.
    pub const ALL: [Mode; 4] = [Mode::Strict, Mode::Exact, Mode::EntType, Mode::Partial];

    /// The mode's name, as nervaluate spells it.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Strict => "strict",
            Mode::Exact => "exact",
            Mode::EntType => "ent_type",
            Mode::Partial => "partial",
        }
    }
}

/// What nervaluate counts for one mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Predicted spans that match a reference span.
    pub correct: u64,
    /// Predicted spans that overlap a reference span without matching it.
    pub incorrect: u64,
    /// `partial` mode: predicted spans overlapping a reference span with other boundaries.
    pub partial: u64,
    /// Reference spans no predicted span took.
    pub missed: u64,
    /// Predicted spans that took no reference span.
    pub spurious: u64,
}

impl Counts {
    /// Reference spans: correct + incorrect + partial + missed.
    pub fn possible(&self) -> u64 {
        self.correct + self.incorrect + self.partial + self.missed
    }

    /// Predicted spans: correct + incorrect + partial + spurious.
    pub fn actual(&self) -> u64 {
        self.correct + self.incorrect + self.partial + self.spurious
    }

    /// Credit: correct plus half of partial.
    pub fn credit(&self) -> f64 {
        self.correct as f64 + 0.5 * self.partial as f64
    }

    /// Adds `other`'s counts.
    pub fn add(&mut self, other: &Counts) {
        self.correct += other.correct;
        self.incorrect += other.incorrect;
        self.partial += other.partial;
        self.missed += other.missed;
        self.spurious += other.spurious;
    }
}

/// Running maxima of the spans' ends: `out[i]` is the largest end among `spans[..=i]`.
fn running_max_end(spans: &[Span]) -> Vec<usize> {
    let mut m = 0;
    spans
        .iter()
        .map(|s| {
            m = m.max(s.range.end);
            m
        })
        .collect()
}

/// The indexes of `ys` (in [`span_order`], with `max_end` from [`running_max_end`]) that can
/// overlap `x`: none before the first whose running end passes `x.start`, none from the first
/// that starts at or after `x.end`. Every span overlapping `x` is inside, in order; so is any
/// other span, which callers skip by testing overlap.
fn overlap_window(ys: &[Span], max_end: &[usize], x: &Span) -> std::ops::Range<usize> {
    let upto = ys.partition_point(|y| y.range.start < x.range.end);
    let from = max_end[..upto].partition_point(|&e| e <= x.range.start);
    from..upto
}

/// Counts `pred` against `truth` in `mode`, as nervaluate 1.2 does for one document. Both
/// lists should be in [`span_order`]; empty spans should be left out by the caller.
///
/// A non-empty predicted span can only match or fall back to truth spans it overlaps, so only
/// those are visited (in the same order as nervaluate's full scan); an empty one is compared
/// with every truth span, as nervaluate does.
pub fn evaluate(mode: Mode, truth: &[Span], pred: &[Span]) -> Counts {
    evaluate_in(mode, truth, pred, true)
}

/// [`evaluate`], visiting only the truth spans a predicted span can overlap when `windowed`,
/// else every one (nervaluate's full scan, which the tests check the window against).
fn evaluate_in(mode: Mode, truth: &[Span], pred: &[Span], windowed: bool) -> Counts {
    let mut taken = vec![false; truth.len()];
    let mut counts = Counts::default();
    let max_end = running_max_end(truth);
    for p in pred {
        // (index of the match, its boundary distance) and the first fallback.
        let mut matched: Option<(usize, usize)> = None;
        let mut fallback: Option<usize> = None;
        let window = if p.is_empty() || !windowed {
            0..truth.len()
        } else {
            overlap_window(truth, &max_end, p)
        };
        for (i, t) in truth
            .iter()
            .enumerate()
            .skip(window.start)
            .take(window.len())
        {
            if taken[i] {
                continue;
            }
            let overlap = overlaps(p, t);
            match mode {
                Mode::Strict | Mode::Exact => {
                    let exact = same_bounds(p, t) && (mode == Mode::Exact || p.tag == t.tag);
                    if exact {
                        matched = Some((i, 0));
                        break;
                    }
                    if overlap && fallback.is_none() {
                        fallback = Some(i);
                    }
                }
                Mode::Partial => {
                    if overlap {
                        if same_bounds(p, t) {
                            matched = Some((i, 0));
                            break;
                        }
                        if fallback.is_none() {
                            fallback = Some(i);
                        }
                    }
                }
                Mode::EntType => {
                    if overlap {
                        if p.tag == t.tag {
                            let d = boundary_distance(p, t);
                            if matched.is_none_or(|(_, best)| d < best) {
                                matched = Some((i, d));
                            }
                        } else if fallback.is_none() {
                            fallback = Some(i);
                        }
                    }
                }
            }
        }
        match (matched, fallback) {
            (Some((i, _)), _) => {
                taken[i] = true;
                counts.correct += 1;
            }
            (None, Some(i)) => {
                taken[i] = true;
                if mode == Mode::Partial {
                    counts.partial += 1;
                } else {
                    counts.incorrect += 1;
                }
            }
            (None, None) => counts.spurious += 1,
        }
    }
    counts.missed = taken.iter().filter(|t| !**t).count() as u64;
    counts
}

/// The `overlap` mode's counts: spans on each side that share a character with a span of the
/// same tag on the other side (full credit, not one-to-one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OverlapCounts {
    /// Reference spans overlapped by a same-tag predicted span.
    pub truth_found: u64,
    /// Reference spans.
    pub truth: u64,
    /// Predicted spans overlapping a same-tag reference span.
    pub pred_found: u64,
    /// Predicted spans.
    pub pred: u64,
}

impl OverlapCounts {
    /// Adds `other`'s counts.
    pub fn add(&mut self, other: &OverlapCounts) {
        self.truth_found += other.truth_found;
        self.truth += other.truth;
        self.pred_found += other.pred_found;
        self.pred += other.pred;
    }
}

/// `true` for each span of `xs` that overlaps a span of the same tag in `ys` (both in
/// [`span_order`]).
pub fn has_same_tag_overlap(xs: &[Span], ys: &[Span]) -> Vec<bool> {
    let mut out = vec![false; xs.len()];
    let max_end = running_max_end(ys);
    // ys sorted by start: for x, candidates are the ys that can overlap it.
    for (o, x) in out.iter_mut().zip(xs) {
        *o = ys[overlap_window(ys, &max_end, x)]
            .iter()
            .any(|y| y.tag == x.tag && y.range.end > x.range.start && !y.is_empty());
    }
    out
}

/// The `overlap` mode for one document.
pub fn overlap_counts(truth: &[Span], pred: &[Span]) -> OverlapCounts {
    let t = has_same_tag_overlap(truth, pred);
    let p = has_same_tag_overlap(pred, truth);
    OverlapCounts {
        truth_found: t.iter().filter(|x| **x).count() as u64,
        truth: truth.len() as u64,
        pred_found: p.iter().filter(|x| **x).count() as u64,
        pred: pred.len() as u64,
    }
}

/// Every pair `(i, j)` of `xs[i]` and `ys[j]` that overlap, in order of `i` then `j` (both
/// lists in [`span_order`]).
pub fn overlapping_pairs(xs: &[Span], ys: &[Span]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let max_end = running_max_end(ys);
    for (i, x) in xs.iter().enumerate() {
        let window = overlap_window(ys, &max_end, x);
        for (j, y) in ys.iter().enumerate().skip(window.start).take(window.len()) {
            if overlaps(x, y) {
                out.push((i, j));
            }
        }
    }
    out
}

/// One-to-one pairing of `reference` spans with `other` spans for grading and the compare
/// view: each reference span, in order, takes the not yet taken `other` span that `accept`s
/// and overlaps it most (ties: the earlier one). Returns, per reference span, the index of its
/// partner.
pub fn pair_best(
    reference: &[Span],
    other: &[Span],
    accept: impl Fn(&Span, &Span) -> bool,
) -> Vec<Option<usize>> {
    let mut taken = vec![false; other.len()];
    reference
        .iter()
        .map(|r| {
            let mut best: Option<(usize, usize)> = None;
            for (j, o) in other.iter().enumerate() {
                if taken[j] || !overlaps(r, o) || !accept(r, o) {
                    continue;
                }
                let shared = shared_chars(r, o);
                if best.is_none_or(|(_, s)| shared > s) {
                    best = Some((j, shared));
                }
            }
            best.map(|(j, _)| {
                taken[j] = true;
                j
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full scan nervaluate does, kept to check the windowed one against.
    fn evaluate_full(mode: Mode, truth: &[Span], pred: &[Span]) -> Counts {
        evaluate_in(mode, truth, pred, false)
    }

    proptest::proptest! {
        /// Visiting only the spans that can overlap gives nervaluate's counts exactly, nested
        /// and long spans included.
        #[test]
        fn the_windowed_scan_counts_as_the_full_one(
            a in proptest::collection::vec((0usize..60, 1usize..25, 0u32..3), 0..25),
            b in proptest::collection::vec((0usize..60, 1usize..25, 0u32..3), 0..25),
        ) {
            let spans = |v: &[(usize, usize, u32)]| {
                let mut out: Vec<Span> = v.iter().map(|&(s, l, t)| Span::new(s, s + l, t)).collect();
                out.sort_by(span_order);
                out
            };
            let (truth, pred) = (spans(&a), spans(&b));
            for m in Mode::ALL {
                proptest::prop_assert_eq!(evaluate(m, &truth, &pred), evaluate_full(m, &truth, &pred));
            }
            let full: Vec<(usize, usize)> = (0..truth.len())
                .flat_map(|i| (0..pred.len()).map(move |j| (i, j)))
                .filter(|&(i, j)| overlaps(&truth[i], &pred[j]))
                .collect();
            proptest::prop_assert_eq!(overlapping_pairs(&truth, &pred), full);
            let same: Vec<bool> = truth
                .iter()
                .map(|x| pred.iter().any(|y| y.tag == x.tag && overlaps(x, y)))
                .collect();
            proptest::prop_assert_eq!(has_same_tag_overlap(&truth, &pred), same);
        }
    }

    fn s(start: usize, end: usize, tag: u32) -> Span {
        Span::new(start, end, tag)
    }

    /// The worked example of nervaluate's README (David Batista's blog post on SemEval-2013):
    /// true PER 0-0? Re-stated on chars: each case of the SemEval table, one per document.
    #[test]
    fn semeval_cases() {
        const PER: u32 = 0;
        const ORG: u32 = 1;
        // Case I: exact boundaries and tag.
        let truth = [s(10, 20, PER)];
        for m in Mode::ALL {
            assert_eq!(evaluate(m, &truth, &[s(10, 20, PER)]).correct, 1, "{m:?}");
        }
        // Case II: spurious; III: missed.
        let c = evaluate(Mode::Strict, &truth, &[s(30, 35, PER)]);
        assert_eq!((c.spurious, c.missed), (1, 1));
        // Case IV: same boundaries, other tag.
        let p = [s(10, 20, ORG)];
        assert_eq!(evaluate(Mode::Strict, &truth, &p).incorrect, 1);
        assert_eq!(evaluate(Mode::Exact, &truth, &p).correct, 1);
        assert_eq!(evaluate(Mode::EntType, &truth, &p).incorrect, 1);
        assert_eq!(evaluate(Mode::Partial, &truth, &p).correct, 1);
        // Case V: overlap, same tag.
        let p = [s(12, 20, PER)];
        assert_eq!(evaluate(Mode::Strict, &truth, &p).incorrect, 1);
        assert_eq!(evaluate(Mode::Exact, &truth, &p).incorrect, 1);
        assert_eq!(evaluate(Mode::EntType, &truth, &p).correct, 1);
        assert_eq!(evaluate(Mode::Partial, &truth, &p).partial, 1);
        // Case VI: overlap, other tag.
        let p = [s(12, 25, ORG)];
        assert_eq!(evaluate(Mode::EntType, &truth, &p).incorrect, 1);
        assert_eq!(evaluate(Mode::Partial, &truth, &p).partial, 1);
        // Touching is not overlapping (half-open).
        assert_eq!(
            evaluate(Mode::Partial, &truth, &[s(20, 25, PER)]).spurious,
            1
        );
    }

    #[test]
    fn greedy_order_and_closest_boundaries() {
        // Two reference spans overlap one prediction: ent_type takes the closest one.
        let truth = [s(0, 10, 0), s(5, 14, 0)];
        let c = evaluate(Mode::EntType, &truth, &[s(6, 14, 0)]);
        assert_eq!((c.correct, c.missed), (1, 1));
        // Strict takes the first overlapping unmatched one as incorrect, then a later exact
        // match can no longer use it.
        let truth = [s(0, 10, 0)];
        let c = evaluate(Mode::Strict, &truth, &[s(0, 5, 0), s(0, 10, 0)]);
        assert_eq!((c.correct, c.incorrect, c.spurious), (0, 1, 1));
    }

    #[test]
    fn overlap_mode_and_pairs() {
        let a = [s(0, 10, 0), s(20, 30, 1), s(40, 50, 0)];
        let b = [s(5, 8, 0), s(6, 9, 0), s(25, 35, 0)];
        let c = overlap_counts(&a, &b);
        assert_eq!(
            c,
            OverlapCounts {
                truth_found: 1,
                truth: 3,
                pred_found: 2,
                pred: 3
            }
        );
        assert_eq!(overlapping_pairs(&a, &b), [(0, 0), (0, 1), (1, 2)]);
        assert_eq!(
            pair_best(&a, &b, |x, y| x.tag == y.tag),
            [Some(0), None, None]
        );
        assert!((overlap_share(&a[0], &b[0]) - 0.3).abs() < 1e-12);
    }
}
