//! γ (gamma) agreement of Mathet, Widlöcher & Métivier (2015), "The Unified and Holistic Method
//! Gamma (γ) for Inter-Annotator Agreement Measure and Alignment", with the definitions and
//! defaults of `pygamma-agreement` 0.5.9 (what `scripts/check-gamma` compares against):
//!
//! - A *continuum* is one article: per annotator their units (spans: start, end in code points,
//!   and the tag as category). Each annotator's units form a set: the same start, end and tag
//!   twice count once (pygamma keeps units in a sorted set).
//! - Dissimilarity of two units `u`, `v`: `α·d_pos + β·d_cat` with
//!   `d_pos = ((|s_u − s_v| + |e_u − e_v|) / (len_u + len_v))² · Δ∅` and `d_cat = Δ∅` when the
//!   tags differ, else 0; a unit against the empty unit costs `Δ∅`. Defaults α = β = Δ∅ = 1.
//! - A *unitary alignment* holds at most one unit of each of the `n` annotators (the others
//!   empty); its disorder is the mean dissimilarity over its `C(n, 2)` pairs of slots. An
//!   *alignment* partitions every unit into unitary alignments; its disorder is the sum of theirs
//!   divided by the mean number of units per annotator. The *best alignment* has the least
//!   disorder: the observed disorder `D_o`.
//! - Chance: `D_e` is the mean best-alignment disorder of `samples` (default 30) continua drawn by
//!   pygamma's default `StatisticalContinuumSampler`: per annotator a number of units, the gaps
//!   between consecutive units and their lengths are drawn from normal distributions with the
//!   mean and standard deviation of the article's, the tags by their frequency.
//! - `γ = 1 − D_o / D_e`, and 1 when `D_o = 0`.
//!
//! The best alignment is found exactly (pygamma solves a 0/1 linear program over every candidate
//! unitary alignment). Here: a unitary alignment is kept only if no unit in it would do better
//! alone, which bounds every pair in it to `d ≤ (n − 1 + C(n, 2))·Δ∅`; units linked by such
//! pairs form independent groups; in each group a memoised search over the units in order of
//! position picks, for the first unit not yet placed, either "alone" or one of the kept unitary
//! alignments holding it, and keeps the least total disorder. That is an exhaustive search of all
//! partitions that can be optimal, so its result is the optimum.
//!
//! Sampling uses this module's own generator (SplitMix64, Box–Muller normals) seeded from
//! [`GammaOptions::seed`] and the article's name, so reruns give the same figures and an article's
//! γ does not depend on the other articles. Pure: no I/O, no clock.

use std::collections::HashMap;

/// The settings of γ. The defaults are pygamma-agreement's.
#[derive(Clone, Debug, PartialEq)]
pub struct GammaOptions {
    /// Weight of the positional dissimilarity.
    pub alpha: f64,
    /// Weight of the categorical dissimilarity.
    pub beta: f64,
    /// The dissimilarity of a unit with the empty unit (Δ∅).
    pub delta_empty: f64,
    /// Random continua drawn for the expected disorder.
    pub samples: usize,
    /// The seed of the sampling (mixed with each article's name).
    pub seed: u64,
}

/// The seed Tagline samples with unless told otherwise.
pub const DEFAULT_SEED: u64 = 2015;

impl Default for GammaOptions {
    fn default() -> Self {
        Self {
            alpha: 1.0,
            beta: 1.0,
            delta_empty: 1.0,
            samples: 30,
            seed: DEFAULT_SEED,
        }
    }
}

/// One unit of a continuum: a span and its category.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    /// Start (code points; fractional in sampled continua).
    pub start: f64,
    /// End, after `start`.
    pub end: f64,
    /// The category (a tag index).
    pub cat: u32,
}

impl Unit {
    /// A unit.
    pub fn new(start: f64, end: f64, cat: u32) -> Self {
        Self { start, end, cat }
    }
}

/// The dissimilarity of two (non-empty) units: `α·d_pos + β·d_cat`.
pub fn dissimilarity(o: &GammaOptions, u: &Unit, v: &Unit) -> f64 {
    let pos = ((u.start - v.start).abs() + (u.end - v.end).abs())
        / ((u.end - u.start) + (v.end - v.start));
    let cat = if u.cat == v.cat { 0.0 } else { 1.0 };
    o.alpha * pos * pos * o.delta_empty + o.beta * cat * o.delta_empty
}

/// The best alignment of a continuum.
#[derive(Clone, Debug, PartialEq)]
pub struct Alignment {
    /// Unitary alignments: per annotator the index of its unit, or `None` (empty). Sorted.
    pub unitary: Vec<Vec<Option<usize>>>,
    /// The disorder of each unitary alignment, in the same order.
    pub disorders: Vec<f64>,
    /// The alignment's disorder: the sum of `disorders` over the mean units per annotator.
    pub disorder: f64,
}

/// γ of one continuum.
#[derive(Clone, Debug, PartialEq)]
pub struct GammaResult {
    /// γ.
    pub gamma: f64,
    /// The disorder of the best alignment.
    pub observed: f64,
    /// The mean best-alignment disorder of the sampled continua.
    pub expected: f64,
    /// The sampled continua's disorders, in drawing order.
    pub sample_disorders: Vec<f64>,
}

impl GammaResult {
    /// The standard deviation of the sampled disorders (with n − 1), when two or more.
    pub fn sample_sd(&self) -> Option<f64> {
        let n = self.sample_disorders.len();
        (n >= 2).then(|| {
            let var = self
                .sample_disorders
                .iter()
                .map(|x| (x - self.expected) * (x - self.expected))
                .sum::<f64>()
                / (n - 1) as f64;
            var.sqrt()
        })
    }
}

/// Why γ has no value for a continuum.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GammaUndefined {
    /// Fewer than two annotators.
    #[error("γ needs two or more annotators of the article")]
    TooFewAnnotators,
    /// No units at all.
    #[error("no annotator marked a span in the article")]
    NoUnits,
    /// Every sampled continuum aligned perfectly.
    #[error("the expected disorder of the sampled continua is 0")]
    NoExpectedDisorder,
}

fn pairs_of(n: usize) -> usize {
    n * (n - 1) / 2
}

/// Sorts each annotator's units by (start, end, category) and drops repeats, as pygamma's sets.
pub fn normalise(units: &mut [Vec<Unit>]) {
    for v in units.iter_mut() {
        v.sort_by(|a, b| {
            a.start
                .total_cmp(&b.start)
                .then(a.end.total_cmp(&b.end))
                .then(a.cat.cmp(&b.cat))
        });
        v.dedup();
    }
}

/// The best alignment of `units` (per annotator, each already [`normalise`]d). Needs two or more
/// annotators and at least one unit.
pub fn best_alignment(o: &GammaOptions, units: &[Vec<Unit>]) -> Result<Alignment, GammaUndefined> {
    let n = units.len();
    if n < 2 {
        return Err(GammaUndefined::TooFewAnnotators);
    }
    let flat: Vec<(usize, usize, Unit)> = units
        .iter()
        .enumerate()
        .flat_map(|(a, v)| v.iter().enumerate().map(move |(i, u)| (a, i, *u)))
        .collect();
    let total = flat.len();
    if total == 0 {
        return Err(GammaUndefined::NoUnits);
    }
    let c = pairs_of(n) as f64;
    let de = o.delta_empty;
    // A unit u in a unitary alignment of k units must not do better alone:
    // Σ_x d(u, x) ≤ (k − 1 + C(n, 2))·Δ∅, so each of its pairs is within that for k = n.
    let bound = (n as f64 - 1.0 + c) * de;

    // Candidate pairs, and groups of units linked by them (union-find).
    let mut parent: Vec<usize> = (0..total).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut dis: HashMap<(usize, usize), f64> = HashMap::new();
    for g in 0..total {
        for h in g + 1..total {
            if flat[g].0 == flat[h].0 {
                continue;
            }
            let d = dissimilarity(o, &flat[g].2, &flat[h].2);
            if d <= bound {
                dis.insert((g, h), d);
                let (rg, rh) = (find(&mut parent, g), find(&mut parent, h));
                if rg != rh {
                    parent[rg.max(rh)] = rg.min(rh);
                }
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    for g in 0..total {
        let r = find(&mut parent, g);
        let gi = *group_of.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[gi].push(g);
    }

    let mut unitary: Vec<(Vec<Option<usize>>, f64)> = Vec::new();
    for group in &groups {
        if group.len() == 1 {
            let (a, i, _) = flat[group[0]];
            let mut t = vec![None; n];
            t[a] = Some(i);
            unitary.push((t, de));
            continue;
        }
        let mut members = group.clone();
        members.sort_by(|&x, &y| {
            let (ux, uy) = (&flat[x].2, &flat[y].2);
            ux.start
                .total_cmp(&uy.start)
                .then(ux.end.total_cmp(&uy.end))
                .then(x.cmp(&y))
        });
        let chosen = solve_group(&flat, &members, &dis, n, c, de);
        let together: Vec<usize> = chosen.iter().flatten().copied().collect();
        for &g in members.iter().filter(|g| !together.contains(g)) {
            let (a, i, _) = flat[g];
            let mut t = vec![None; n];
            t[a] = Some(i);
            unitary.push((t, de));
        }
        for set in chosen {
            let mut t = vec![None; n];
            let k = set.len();
            let mut sum = 0.0;
            for (x, &g) in set.iter().enumerate() {
                let (a, i, _) = flat[g];
                t[a] = Some(i);
                for &h in &set[x + 1..] {
                    sum += dis[&(g.min(h), g.max(h))];
                }
            }
            let disorder = ((c - pairs_of(k) as f64) * de + sum) / c;
            unitary.push((t, disorder));
        }
    }
    unitary.sort_by(|x, y| x.0.cmp(&y.0));
    let sum: f64 = unitary.iter().map(|(_, d)| d).sum();
    let mean_units = total as f64 / n as f64;
    let (unitary, disorders) = unitary.into_iter().unzip();
    Ok(Alignment {
        unitary,
        disorders,
        disorder: sum / mean_units,
    })
}

/// A kept unitary alignment of a group: its members (local indexes) and its saving over leaving
/// them alone (`k·Δ∅ − disorder`, positive).
struct Candidate {
    members: Vec<usize>,
    saving: f64,
}

/// The best partition of one group (global unit indexes, in order of position) into unitary
/// alignments of two or more units; units not listed stay alone.
fn solve_group(
    flat: &[(usize, usize, Unit)],
    members: &[usize],
    dis: &HashMap<(usize, usize), f64>,
    n: usize,
    c: f64,
    de: f64,
) -> Vec<Vec<usize>> {
    let m = members.len();
    let d = |x: usize, y: usize| -> Option<f64> {
        let (g, h) = (members[x], members[y]);
        dis.get(&(g.min(h), g.max(h))).copied()
    };
    // Local units per annotator.
    let mut by_annotator: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (x, &g) in members.iter().enumerate() {
        by_annotator[flat[g].0].push(x);
    }
    // Every set of units, at most one per annotator, linked pairwise by candidate pairs.
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    fn extend(
        a: usize,
        by_annotator: &[Vec<usize>],
        stack: &mut Vec<usize>,
        d: &dyn Fn(usize, usize) -> Option<f64>,
        out: &mut Vec<Candidate>,
        c: f64,
        de: f64,
    ) {
        if a == by_annotator.len() {
            let k = stack.len();
            if k < 2 {
                return;
            }
            let mut sum = 0.0;
            for (i, &x) in stack.iter().enumerate() {
                let mut own = 0.0;
                for (j, &y) in stack.iter().enumerate() {
                    if i != j {
                        own += d(x, y).unwrap_or(f64::INFINITY);
                    }
                }
                // Would x do better alone?
                if own > (k as f64 - 1.0 + c) * de {
                    return;
                }
                sum += own;
            }
            let disorder = ((c - pairs_of(k) as f64) * de + sum / 2.0) / c;
            let saving = k as f64 * de - disorder;
            if saving > 0.0 {
                let mut members = stack.clone();
                members.sort_unstable();
                out.push(Candidate { members, saving });
            }
            return;
        }
        extend(a + 1, by_annotator, stack, d, out, c, de);
        for &x in &by_annotator[a] {
            if stack.iter().all(|&y| d(x, y).is_some()) {
                stack.push(x);
                extend(a + 1, by_annotator, stack, d, out, c, de);
                stack.pop();
            }
        }
    }
    extend(0, &by_annotator, &mut stack, &d, &mut candidates, c, de);
    // Candidates by their first (lowest) member.
    let mut by_first: Vec<Vec<usize>> = vec![Vec::new(); m];
    for (i, cand) in candidates.iter().enumerate() {
        by_first[cand.members[0]].push(i);
    }
    let words = m.div_ceil(64);
    let mut memo: HashMap<Vec<u64>, (f64, Option<usize>)> = HashMap::new();
    let mut placed = vec![0u64; words];
    best_saving(&mut placed, &candidates, &by_first, &mut memo);
    // Follow the choices.
    let mut out = Vec::new();
    let mut placed = vec![0u64; words];
    while let Some(first) = first_free(&placed, m) {
        match memo.get(&placed).and_then(|&(_, ch)| ch) {
            Some(ci) => {
                for &x in &candidates[ci].members {
                    placed[x / 64] |= 1 << (x % 64);
                }
                out.push(candidates[ci].members.iter().map(|&x| members[x]).collect());
            }
            None => placed[first / 64] |= 1 << (first % 64),
        }
    }
    out
}

fn first_free(placed: &[u64], m: usize) -> Option<usize> {
    for (w, &bits) in placed.iter().enumerate() {
        if bits != u64::MAX {
            let x = w * 64 + (!bits).trailing_zeros() as usize;
            return (x < m).then_some(x);
        }
    }
    None
}

/// The greatest total saving of the units not yet placed; memoised on the placed set, with the
/// choice for its first free unit (`None`: alone).
fn best_saving(
    placed: &mut Vec<u64>,
    candidates: &[Candidate],
    by_first: &[Vec<usize>],
    memo: &mut HashMap<Vec<u64>, (f64, Option<usize>)>,
) -> f64 {
    let m = by_first.len();
    let Some(first) = first_free(placed, m) else {
        return 0.0;
    };
    if let Some(&(v, _)) = memo.get(placed.as_slice()) {
        return v;
    }
    let key = placed.clone();
    placed[first / 64] |= 1 << (first % 64);
    let mut best = best_saving(placed, candidates, by_first, memo);
    placed[first / 64] &= !(1 << (first % 64));
    let mut choice = None;
    for &ci in &by_first[first] {
        let cand = &candidates[ci];
        if cand.members[1..]
            .iter()
            .any(|&x| placed[x / 64] >> (x % 64) & 1 == 1)
        {
            continue;
        }
        for &x in &cand.members {
            placed[x / 64] |= 1 << (x % 64);
        }
        let v = cand.saving + best_saving(placed, candidates, by_first, memo);
        for &x in &cand.members {
            placed[x / 64] &= !(1 << (x % 64));
        }
        if v > best {
            best = v;
            choice = Some(ci);
        }
    }
    memo.insert(key, (best, choice));
    best
}

/// SplitMix64: a small, fast, well-mixed generator; enough for sampling continua.
#[derive(Clone, Debug)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Normal with mean `mu` and standard deviation `sigma` (Box–Muller).
    pub fn normal(&mut self, mu: f64, sigma: f64) -> f64 {
        let u1 = 1.0 - self.uniform(); // (0, 1]
        let u2 = self.uniform();
        mu + sigma * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// The seed of one article's sampling: the options' seed mixed with the article's name
/// (FNV-1a), so that an article's γ does not depend on the others.
pub fn article_seed(seed: u64, name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    SplitMix::new(seed ^ h).next_u64()
}

fn mean_std(xs: &[f64]) -> (f64, f64) {
    if xs.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// pygamma's `StatisticalContinuumSampler`, fitted on one continuum.
#[derive(Clone, Debug)]
pub struct Sampler {
    annotators: usize,
    units: (f64, f64),
    gap: (f64, f64),
    length: (f64, f64),
    /// Cumulative category weights, with the category.
    categories: Vec<(u32, f64)>,
}

impl Sampler {
    /// Fits the sampler on `units` (per annotator, [`normalise`]d, at least one unit).
    pub fn fit(units: &[Vec<Unit>]) -> Self {
        // Gaps: 0, the gap between consecutive units of an annotator (negative when they
        // overlap), and the start of each annotator's first unit when after 0.
        let mut gaps = vec![0.0];
        for v in units {
            for w in v.windows(2) {
                gaps.push(w[1].start - w[0].end);
            }
            if let Some(first) = v.first()
                && first.start > 0.0
            {
                gaps.push(first.start);
            }
        }
        let lengths: Vec<f64> = units.iter().flatten().map(|u| u.end - u.start).collect();
        let counts: Vec<f64> = units.iter().map(|v| v.len() as f64).collect();
        let mut freq: Vec<(u32, f64)> = Vec::new();
        for u in units.iter().flatten() {
            match freq.binary_search_by_key(&u.cat, |(c, _)| *c) {
                Ok(i) => freq[i].1 += 1.0,
                Err(i) => freq.insert(i, (u.cat, 1.0)),
            }
        }
        let total: f64 = freq.iter().map(|(_, n)| n).sum();
        let mut acc = 0.0;
        let categories = freq
            .into_iter()
            .map(|(c, n)| {
                acc += n / total;
                (c, acc)
            })
            .collect();
        Self {
            annotators: units.len(),
            units: mean_std(&counts),
            gap: mean_std(&gaps),
            length: mean_std(&lengths),
            categories,
        }
    }

    /// One random continuum (normalised; the first annotator has at least one unit).
    pub fn sample(&self, rng: &mut SplitMix) -> Vec<Vec<Unit>> {
        let mut out = Vec::with_capacity(self.annotators);
        for a in 0..self.annotators {
            let mut v = Vec::new();
            let mut last = 0.0;
            let mut count = self.units.0 + self.units.1 * rng.normal(0.0, 1.0);
            count = count.trunc().abs();
            let mut count = count as usize;
            if a == 0 {
                count = count.max(1);
            }
            for _ in 0..count {
                let start = last + rng.normal(self.gap.0, self.gap.1);
                let mut end = start + rng.normal(self.length.0, self.length.1).abs();
                // pyannote refuses segments shorter than its precision.
                while end - start < 1e-6 {
                    end = start + rng.normal(self.length.0, self.length.1).abs();
                }
                let r = rng.uniform();
                let cat = self
                    .categories
                    .iter()
                    .find(|(_, cum)| r < *cum)
                    .or(self.categories.last())
                    .map_or(0, |(c, _)| *c);
                v.push(Unit::new(start, end, cat));
                last = end;
            }
            out.push(v);
        }
        normalise(&mut out);
        out
    }
}

/// γ of one continuum (per annotator their units), sampling with `seed`.
pub fn gamma(
    o: &GammaOptions,
    units: &[Vec<Unit>],
    seed: u64,
) -> Result<GammaResult, GammaUndefined> {
    let mut units = units.to_vec();
    normalise(&mut units);
    let observed = best_alignment(o, &units)?.disorder;
    let sampler = Sampler::fit(&units);
    let mut rng = SplitMix::new(seed);
    let mut sample_disorders = Vec::with_capacity(o.samples);
    for _ in 0..o.samples {
        let s = sampler.sample(&mut rng);
        sample_disorders.push(best_alignment(o, &s)?.disorder);
    }
    let expected = if sample_disorders.is_empty() {
        0.0
    } else {
        sample_disorders.iter().sum::<f64>() / sample_disorders.len() as f64
    };
    let gamma = if observed == 0.0 {
        1.0
    } else if expected > 0.0 {
        1.0 - observed / expected
    } else {
        return Err(GammaUndefined::NoExpectedDisorder);
    };
    Ok(GammaResult {
        gamma,
        observed,
        expected,
        sample_disorders,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: f64, e: f64, c: u32) -> Unit {
        Unit::new(s, e, c)
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    /// Three annotators marking the same two spans: every unitary alignment has disorder 0.
    #[test]
    fn perfect_agreement_is_one() {
        let same = vec![u(0.0, 10.0, 0), u(20.0, 30.0, 1)];
        let units = vec![same.clone(), same.clone(), same];
        let al = best_alignment(&GammaOptions::default(), &units).unwrap();
        assert_eq!(
            al.unitary,
            vec![
                vec![Some(0), Some(0), Some(0)],
                vec![Some(1), Some(1), Some(1)]
            ]
        );
        assert_eq!(al.disorders, [0.0, 0.0]);
        assert_eq!(al.disorder, 0.0);
        let g = gamma(&GammaOptions::default(), &units, 1).unwrap();
        assert_eq!(g.gamma, 1.0);
        assert!(g.expected > 0.0);
    }

    /// One shifted unit: a = 0–10, b = 2–10, same tag. d_pos = ((2 + 0) / (10 + 8))² = 1/81;
    /// two annotators, one pair: the disorder of the pair is 1/81, and with one unit each on
    /// average the alignment's disorder is 1/81 too.
    #[test]
    fn one_shifted_unit() {
        let o = GammaOptions::default();
        close(
            dissimilarity(&o, &u(0.0, 10.0, 0), &u(2.0, 10.0, 0)),
            1.0 / 81.0,
        );
        let al = best_alignment(&o, &[vec![u(0.0, 10.0, 0)], vec![u(2.0, 10.0, 0)]]).unwrap();
        assert_eq!(al.unitary, vec![vec![Some(0), Some(0)]]);
        close(al.disorder, 1.0 / 81.0);
        // Another tag adds β·1: 1 + 1/81, still better than two units alone (1 + 1 = 2).
        let al = best_alignment(&o, &[vec![u(0.0, 10.0, 0)], vec![u(2.0, 10.0, 1)]]).unwrap();
        close(al.disorder, 1.0 + 1.0 / 81.0);
    }

    /// The example of pygamma worked by hand: three annotators; a: claim 0–10, quote 20–30;
    /// b: claim 2–10, claim 20–30; c: claim 0–10. Best: {a 0–10, b 2–10, c 0–10} with pair
    /// dissimilarities 1/81, 0, 1/81 → (2/81)/3; {a quote, b claim 20–30, c empty}: d = 1 (tag)
    /// plus Δ∅ twice → 3/3 = 1. Five units over three annotators: D_o = (2/243 + 1)/(5/3).
    /// pygamma-agreement 0.5.9 gives 0.60493827 (float32).
    #[test]
    fn three_annotators_with_an_empty_unit() {
        let o = GammaOptions::default();
        let units = vec![
            vec![u(0.0, 10.0, 0), u(20.0, 30.0, 1)],
            vec![u(2.0, 10.0, 0), u(20.0, 30.0, 0)],
            vec![u(0.0, 10.0, 0)],
        ];
        let al = best_alignment(&o, &units).unwrap();
        assert_eq!(
            al.unitary,
            vec![
                vec![Some(0), Some(0), Some(0)],
                vec![Some(1), Some(1), None]
            ]
        );
        close(al.disorders[0], 2.0 / 243.0);
        close(al.disorders[1], 1.0);
        close(al.disorder, (2.0 / 243.0 + 1.0) / (5.0 / 3.0));
        assert!((al.disorder - 0.604_938_27).abs() < 1e-7);
    }

    /// A unit nobody else has is alone: Δ∅ = 1. a: 0–10; b: 0–10 and 50–60 → the pair costs 0,
    /// the lone unit 1; 3 units over 2 annotators → D_o = 1 / 1.5.
    #[test]
    fn an_empty_unit_costs_delta_empty() {
        let o = GammaOptions::default();
        let al = best_alignment(
            &o,
            &[
                vec![u(0.0, 10.0, 0)],
                vec![u(0.0, 10.0, 0), u(50.0, 60.0, 0)],
            ],
        )
        .unwrap();
        assert_eq!(
            al.unitary,
            vec![vec![None, Some(1)], vec![Some(0), Some(0)]]
        );
        close(al.disorder, 1.0 / 1.5);
        // An annotator who marked nothing: every unit alone.
        let al = best_alignment(&o, &[vec![u(0.0, 10.0, 0)], vec![]]).unwrap();
        close(al.disorder, 1.0 / 0.5);
    }

    /// Far apart units (d_pos > 2) are better alone: a 0–10, b 30–40: d = (60/20)² = 9.
    #[test]
    fn far_units_stay_apart() {
        let o = GammaOptions::default();
        let al = best_alignment(&o, &[vec![u(0.0, 10.0, 0)], vec![u(30.0, 40.0, 0)]]).unwrap();
        assert_eq!(al.unitary.len(), 2);
        close(al.disorder, 2.0);
    }

    /// The exact search against brute force over every partition on small random continua.
    #[test]
    fn matches_brute_force() {
        let o = GammaOptions::default();
        let mut rng = SplitMix::new(7);
        for _ in 0..300 {
            let n = 2 + (rng.next_u64() % 2) as usize;
            let units: Vec<Vec<Unit>> = (0..n)
                .map(|_| {
                    (0..rng.next_u64() % 4)
                        .map(|_| {
                            let s = (rng.next_u64() % 30) as f64;
                            let l = 1.0 + (rng.next_u64() % 12) as f64;
                            u(s, s + l, (rng.next_u64() % 2) as u32)
                        })
                        .collect()
                })
                .collect();
            let mut units = units;
            normalise(&mut units);
            if units.iter().all(Vec::is_empty) {
                continue;
            }
            let got = best_alignment(&o, &units).unwrap().disorder;
            let want = brute(&o, &units);
            assert!((got - want).abs() < 1e-9, "{units:?}: {got} != {want}");
        }
    }

    fn brute(o: &GammaOptions, units: &[Vec<Unit>]) -> f64 {
        let n = units.len();
        let flat: Vec<(usize, Unit)> = units
            .iter()
            .enumerate()
            .flat_map(|(a, v)| v.iter().map(move |x| (a, *x)))
            .collect();
        let c = pairs_of(n) as f64;
        fn go(
            i: usize,
            flat: &[(usize, Unit)],
            groups: &mut Vec<Vec<usize>>,
            o: &GammaOptions,
            c: f64,
        ) -> f64 {
            if i == flat.len() {
                return groups
                    .iter()
                    .map(|g| {
                        let k = g.len();
                        let mut s = (c - pairs_of(k) as f64) * o.delta_empty;
                        for x in 0..k {
                            for y in x + 1..k {
                                s += dissimilarity(o, &flat[g[x]].1, &flat[g[y]].1);
                            }
                        }
                        s / c
                    })
                    .sum();
            }
            let mut best = f64::INFINITY;
            for gi in 0..groups.len() {
                if groups[gi].iter().all(|&x| flat[x].0 != flat[i].0) {
                    groups[gi].push(i);
                    best = best.min(go(i + 1, flat, groups, o, c));
                    groups[gi].pop();
                }
            }
            groups.push(vec![i]);
            best = best.min(go(i + 1, flat, groups, o, c));
            groups.pop();
            best
        }
        go(0, &flat, &mut Vec::new(), o, c) / (flat.len() as f64 / n as f64)
    }

    #[test]
    fn sampling_is_seeded_and_fitted() {
        let units = vec![
            vec![u(0.0, 10.0, 0), u(20.0, 30.0, 1)],
            vec![u(2.0, 10.0, 0), u(20.0, 30.0, 0)],
        ];
        let o = GammaOptions::default();
        let a = gamma(&o, &units, 5).unwrap();
        let b = gamma(&o, &units, 5).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.sample_disorders.len(), 30);
        assert_ne!(a, gamma(&o, &units, 6).unwrap());
        // Fitted: gaps [0, 20−10, 20−10, 2] → mean 5.5; lengths [10, 10, 8, 10]; counts [2, 2].
        let s = Sampler::fit(&units);
        close(s.gap.0, 5.5);
        close(s.length.0, 9.5);
        close(s.units.0, 2.0);
        close(s.units.1, 0.0);
        assert_eq!(s.categories, vec![(0, 0.75), (1, 1.0)]);
        assert!(matches!(
            gamma(&o, &[vec![], vec![]], 1),
            Err(GammaUndefined::NoUnits)
        ));
        assert!(matches!(
            gamma(&o, &[vec![u(0.0, 1.0, 0)]], 1),
            Err(GammaUndefined::TooFewAnnotators)
        ));
    }
}
