//! Exact occurrences of a text and the scoring of where an annotation could be.
//!
//! A candidate place is scored like Hypothesis's text-quote anchoring: how similar the quote
//! is (1 for an exact occurrence), how similar the [`CONTEXT_CHARS`](crate::core::model::CONTEXT_CHARS)
//! before and after it are to the annotation's stored `prefix` and `suffix` (1 − edit
//! distance / length, [`super::fuzzy::similarity`]), and how near it is to where the annotation
//! was expected: `(50·quote + 20·prefix + 20·suffix + 2·position) / 92`.

use crate::core::anchor::fuzzy::similarity;
use crate::core::text::nav::{Case, find};
use crate::core::text::offsets::{CharRange, IndexedText};

/// Weights of the score, as in Hypothesis's `dom-anchor-text-quote`.
const W_QUOTE: f64 = 50.0;
const W_PREFIX: f64 = 20.0;
const W_SUFFIX: f64 = 20.0;
const W_POSITION: f64 = 2.0;

/// One place an annotation could be, scored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// The range, in chars of the text searched.
    pub range: CharRange,
    /// Similarity of the quote (1: the exact text).
    pub quote: f64,
    /// Similarity of the context before it to the stored `prefix`.
    pub prefix: f64,
    /// Similarity of the context after it to the stored `suffix`.
    pub suffix: f64,
    /// 1 at the expected position, falling linearly to 0 a text's length away.
    pub position: f64,
    /// Chars between its start and the expected start.
    pub distance: usize,
}

impl Candidate {
    /// The mean of the prefix and suffix similarities.
    pub fn context(&self) -> f64 {
        (self.prefix + self.suffix) / 2.0
    }

    /// The combined score in 0..=1.
    pub fn score(&self) -> f64 {
        (W_QUOTE * self.quote
            + W_PREFIX * self.prefix
            + W_SUFFIX * self.suffix
            + W_POSITION * self.position)
            / (W_QUOTE + W_PREFIX + W_SUFFIX + W_POSITION)
    }

    /// `true` when `self` ranks above `other`: higher score, then nearer, then earlier.
    pub fn beats(&self, other: &Candidate) -> bool {
        let (a, b) = (self.score(), other.score());
        if (a - b).abs() > 1e-9 {
            return a > b;
        }
        (self.distance, self.range.start) < (other.distance, other.range.start)
    }
}

/// Chars next to the span count double: the mean of the similarity of the whole side and of
/// its [`NEAR_CHARS`] chars nearest the span.
fn near_weighted(stored: &str, actual: &str, prefix_side: bool) -> f64 {
    if stored == actual {
        return 1.0;
    }
    let edge = |s: &str| -> String {
        let n = s.chars().count();
        if prefix_side {
            s.chars().skip(n.saturating_sub(NEAR_CHARS)).collect()
        } else {
            s.chars().take(NEAR_CHARS).collect()
        }
    };
    (similarity(stored, actual) + similarity(&edge(stored), &edge(actual))) / 2.0
}

/// How many chars of context next to the span count double.
pub const NEAR_CHARS: usize = 8;

/// What the stored context says.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The stored `prefix`.
    pub prefix: &'a str,
    /// The stored `suffix`.
    pub suffix: &'a str,
    /// The prefix is empty because the span started the article.
    pub prefix_edge: bool,
    /// The suffix is empty because the span ended the article.
    pub suffix_edge: bool,
}

impl<'a> Context<'a> {
    /// The context of an annotation at `start` with this stored prefix and suffix. An empty
    /// side means the article's edge when the annotation started the article or has the other
    /// side; with neither (context never recorded) it says nothing.
    pub fn new(prefix: &'a str, suffix: &'a str, start: usize) -> Self {
        Context {
            prefix,
            suffix,
            prefix_edge: prefix.is_empty() && start == 0,
            suffix_edge: suffix.is_empty() && (start == 0 || !prefix.is_empty()),
        }
    }
}

/// Similarity of one side of the context. An empty stored side at the article's edge scores 1
/// if the candidate is at the edge too; any other empty side is a neutral half. When the
/// candidate is nearer the article's edge than the stored side is long, the chars it lacks
/// count as a neutral half each (unknown, not different) and the rest is compared with the
/// stored chars next to the span (`prefix_side`: the stored side's end).
fn side(stored: &str, actual: &str, was_edge: bool, at_edge: bool, prefix_side: bool) -> f64 {
    if stored.is_empty() {
        return if was_edge && at_edge { 1.0 } else { 0.5 };
    }
    let ls = stored.chars().count();
    let la = actual.chars().count();
    if la >= ls {
        return near_weighted(stored, actual, prefix_side);
    }
    let near: String = if prefix_side {
        stored.chars().skip(ls - la).collect()
    } else {
        stored.chars().take(la).collect()
    };
    let known = if la == 0 {
        0.0
    } else {
        similarity(&near, actual)
    };
    (la as f64 * known + (ls - la) as f64 * 0.5) / ls as f64
}

/// Scores `range` of `text` against the stored context, `expected` being where it should be.
pub fn score(
    text: &IndexedText,
    range: CharRange,
    quote: f64,
    ctx: &Context<'_>,
    expected: usize,
) -> Candidate {
    let (prefix, suffix) = (ctx.prefix, ctx.suffix);
    let lp = prefix.chars().count();
    let ls = suffix.chars().count();
    let distance = range.start.abs_diff(expected);
    let n = text.len_chars().max(1);
    Candidate {
        range,
        quote,
        prefix: side(
            prefix,
            text.before(range.start, lp),
            ctx.prefix_edge,
            range.start == 0,
            true,
        ),
        suffix: side(
            suffix,
            text.after(range.end, ls),
            ctx.suffix_edge,
            range.end >= text.len_chars(),
            false,
        ),
        position: 1.0 - (distance as f64 / n as f64).min(1.0),
        distance,
    }
}

/// `true` when the chars at `range` are `quote` with exactly the stored context around them.
pub fn holds_with_context(
    text: &IndexedText,
    range: CharRange,
    quote: &str,
    ctx: &Context<'_>,
) -> bool {
    let (prefix, suffix) = (ctx.prefix, ctx.suffix);
    text.slice(range) == Some(quote)
        && text.before(range.start, prefix.chars().count()) == prefix
        && text.after(range.end, suffix.chars().count()) == suffix
        && (!prefix.is_empty() || (ctx.prefix_edge && range.start == 0))
        && (!suffix.is_empty() || (ctx.suffix_edge && range.end == text.len_chars()))
}

/// Start chars of every occurrence of `needle` in `window` of `text` (overlapping ones too),
/// through the core's one text search ([`find`]).
pub fn occurrences(text: &IndexedText, needle: &str, window: CharRange) -> Vec<usize> {
    find(text, needle, window, Case::Exact)
        .map(|r| r.start)
        .collect()
}
