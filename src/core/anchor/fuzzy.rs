//! Approximate matching under a bounded edit distance: Myers' bit-parallel algorithm (1999) in
//! Hyyrö's block form, so patterns of any length work (64 pattern chars per machine word).
//!
//! Everything here counts Unicode scalar values (`char`s); an edit is one inserted, deleted or
//! substituted char (Levenshtein distance). [`find`] lists where a pattern occurs in a text
//! with at most `k` edits; [`distance`] is the plain edit distance of two short strings (used
//! to score an annotation's context).

use std::collections::HashMap;

/// One approximate occurrence of a pattern, in chars of the searched text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// First char.
    pub start: usize,
    /// One past the last char.
    pub end: usize,
    /// Edits between the pattern and `text[start..end]`.
    pub errors: usize,
}

/// The pattern compiled into per-char bit masks, one `u64` per block of 64 pattern chars.
struct Pattern {
    len: usize,
    blocks: usize,
    /// ASCII chars: `ascii[c * blocks + b]`.
    ascii: Vec<u64>,
    other: HashMap<char, Vec<u64>>,
    zero: Vec<u64>,
}

impl Pattern {
    fn new(pattern: &[char]) -> Self {
        let blocks = pattern.len().div_ceil(64).max(1);
        let mut ascii = vec![0u64; 128 * blocks];
        let mut other: HashMap<char, Vec<u64>> = HashMap::new();
        for (i, &c) in pattern.iter().enumerate() {
            let (b, bit) = (i / 64, 1u64 << (i % 64));
            if (c as u32) < 128 {
                ascii[c as usize * blocks + b] |= bit;
            } else {
                other.entry(c).or_insert_with(|| vec![0; blocks])[b] |= bit;
            }
        }
        Pattern {
            len: pattern.len(),
            blocks,
            ascii,
            other,
            zero: vec![0; blocks],
        }
    }

    fn eq(&self, c: char) -> &[u64] {
        if (c as u32) < 128 {
            let i = c as usize * self.blocks;
            &self.ascii[i..i + self.blocks]
        } else {
            self.other.get(&c).map_or(&self.zero[..], Vec::as_slice)
        }
    }
}

/// One column step of one block (Hyyrö 2003, as in edlib): `hin` is the horizontal delta
/// entering at the block's top row, the result the delta leaving at its row `high`.
#[inline]
fn step(pv: &mut u64, mv: &mut u64, eq: u64, hin: i32, high: u64) -> i32 {
    let mut eq = eq;
    let xv = eq | *mv;
    if hin < 0 {
        eq |= 1;
    }
    let xh = ((eq & *pv).wrapping_add(*pv) ^ *pv) | eq;
    let mut ph = *mv | !(xh | *pv);
    let mut mh = *pv & xh;
    let hout = if ph & high != 0 {
        1
    } else if mh & high != 0 {
        -1
    } else {
        0
    };
    ph <<= 1;
    mh <<= 1;
    if hin < 0 {
        mh |= 1;
    } else if hin > 0 {
        ph |= 1;
    }
    *pv = mh | !(xv | ph);
    *mv = ph & xv;
    hout
}

/// Edit distances of `pattern` against `text` after each text char. `global`: the whole
/// pattern against the text prefix so far (Levenshtein); otherwise the best occurrence of the
/// pattern ending there (free start in the text).
fn scores(pattern: &Pattern, text: &[char], global: bool, mut each: impl FnMut(usize, usize)) {
    let m = pattern.len;
    let nb = pattern.blocks;
    let mut pv = vec![u64::MAX; nb];
    let mut mv = vec![0u64; nb];
    let last_high = 1u64 << ((m.max(1) - 1) % 64);
    let mut score = m as i64;
    for (j, &c) in text.iter().enumerate() {
        let eq = pattern.eq(c);
        let mut h = i32::from(global);
        for b in 0..nb {
            let high = if b + 1 == nb { last_high } else { 1u64 << 63 };
            h = step(&mut pv[b], &mut mv[b], eq[b], h, high);
        }
        score += i64::from(h);
        each(j, score.max(0) as usize);
    }
}

/// `out[j]` = the edit distance between `pattern` and `text[..=j]`, for every `j`.
pub fn prefix_distances(pattern: &[char], text: &[char]) -> Vec<usize> {
    let mut out = Vec::with_capacity(text.len());
    if pattern.is_empty() {
        out.extend(1..=text.len());
        return out;
    }
    let p = Pattern::new(pattern);
    scores(&p, text, true, |_, s| out.push(s));
    out
}

/// The Levenshtein distance between `a` and `b`.
pub fn distance(a: &[char], b: &[char]) -> usize {
    if a.is_empty() {
        return b.len();
    }
    if b.is_empty() {
        return a.len();
    }
    let p = Pattern::new(a);
    let mut last = a.len();
    scores(&p, b, true, |_, s| last = s);
    last
}

/// 1 − edit distance / the longer length: 1 for equal strings, 0 for nothing in common.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    1.0 - distance(&a, &b) as f64 / longest as f64
}

/// Every approximate occurrence of `pattern` in `text` with at most `k` edits, left to right.
///
/// Overlapping candidates are reduced to the best one of each run of ends within `k` edits;
/// its start is the one that needs the fewest edits (nearest to `end - pattern.len()` among
/// equals). An empty pattern matches nowhere. Cost: O(⌈m/64⌉·n) for the scan, plus
/// O(⌈m/64⌉·(m + k)) per occurrence found.
pub fn find(pattern: &[char], text: &[char], k: usize) -> Vec<Match> {
    let m = pattern.len();
    if m == 0 || text.is_empty() || k >= m {
        return Vec::new();
    }
    let p = Pattern::new(pattern);
    // Ends (exclusive) of the best occurrence of each run of positions within k.
    let mut ends: Vec<(usize, usize)> = Vec::new();
    let mut run: Option<(usize, usize)> = None; // (end, errors) of the run's best
    scores(&p, text, false, |j, s| {
        if s <= k {
            match run {
                Some((_, e)) if e <= s => {}
                _ => run = Some((j + 1, s)),
            }
        } else if let Some(best) = run.take() {
            ends.push(best);
        }
    });
    ends.extend(run);
    let rev: Vec<char> = pattern.iter().rev().copied().collect();
    let rp = Pattern::new(&rev);
    let mut out: Vec<Match> = Vec::with_capacity(ends.len());
    for (end, errors) in ends {
        let from = end.saturating_sub(m + k);
        let seg: Vec<char> = text[from..end].iter().rev().copied().collect();
        // Anchored at `end`: the reversed pattern against each prefix of the reversed segment;
        // the prefix of length i + 1 is the occurrence starting at end - (i + 1).
        let mut best: Option<(usize, usize, usize)> = None; // (errors, |len - m|, start)
        scores(&rp, &seg, true, |i, s| {
            let start = end - (i + 1);
            let key = (s, (end - start).abs_diff(m), start);
            if best.is_none_or(|b| (key.0, key.1) < (b.0, b.1)) {
                best = Some(key);
            }
        });
        if let Some((e, _, start)) = best {
            debug_assert_eq!(e, errors);
            match out.last_mut() {
                Some(last) if last.start == start => {
                    if e < last.errors {
                        *last = Match {
                            start,
                            end,
                            errors: e,
                        };
                    }
                }
                _ => out.push(Match {
                    start,
                    end,
                    errors: e,
                }),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn naive(a: &[char], b: &[char]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, x) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, y) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(x != y))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    #[test]
    fn distances() {
        assert_eq!(distance(&chars("kitten"), &chars("sitting")), 3);
        assert_eq!(distance(&chars(""), &chars("abc")), 3);
        assert_eq!(distance(&chars("“yes”"), &chars("\"yes\"")), 2);
        assert!((similarity("abcd", "abce") - 0.75).abs() < 1e-9);
    }

    #[test]
    fn finds_a_typo_in_a_long_text() {
        let text = chars(&"lorem ipsum dolor sit amet ".repeat(40));
        let mut t = text.clone();
        let needle = "the governmnet said on Tuesday";
        let at = 500;
        for (i, c) in needle.chars().enumerate() {
            t.insert(at + i, c);
        }
        let found = find(&chars("the government said on Tuesday"), &t, 4);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].start, at);
        assert_eq!(found[0].end, at + needle.chars().count());
        assert_eq!(found[0].errors, 2);
    }

    #[test]
    fn long_patterns_span_blocks() {
        let p: String = (0..150)
            .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
            .collect();
        let mut t = format!("xx{p}yy");
        t.replace_range(40..41, "Z");
        let found = find(&chars(&p), &chars(&t), 5);
        assert_eq!(
            found,
            [Match {
                start: 2,
                end: 152,
                errors: 1
            }]
        );
    }

    proptest! {
        #[test]
        fn distance_matches_the_textbook_table(a in "[ab“ ]{0,80}", b in "[ab“ ]{0,80}") {
            let (a, b) = (chars(&a), chars(&b));
            prop_assert_eq!(distance(&a, &b), naive(&a, &b));
        }

        /// Every reported occurrence really is within k edits of the pattern.
        #[test]
        fn found_occurrences_are_within_k(p in "[abc]{1,70}", t in "[abcd]{0,200}", k in 0usize..4) {
            let (p, t) = (chars(&p), chars(&t));
            for m in find(&p, &t, k) {
                prop_assert!(m.errors <= k);
                prop_assert_eq!(naive(&p, &t[m.start..m.end]), m.errors);
            }
        }
    }
}
