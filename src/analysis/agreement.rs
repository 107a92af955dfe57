//! Agreement between annotators: span precision / recall / F1 in the SemEval-2013 modes,
//! Cohen's κ, Krippendorff's α (nominal) and Fleiss' κ over characters and over words, per tag
//! and overall, per article and for the corpus. docs/agreement.md defines every figure with a
//! worked example; `scripts/check-agreement` checks them against scikit-learn, krippendorff,
//! statsmodels and nervaluate.
//!
//! Input: per article its text and, per annotator, the spans they marked (`None` when that
//! annotator does not have the article). Pure and deterministic: the same input gives the same
//! figures in the same order.
//!
//! Units. A *character* unit's category for one annotator is the set of tags whose spans cover
//! it (`none` when empty, `claim+quote` where two overlap). A *word* is a UAX #29 word (a
//! segment holding a letter or digit); its category is the set of tags whose spans share at
//! least one character with it. Per tag, the category is covered / not covered. Characters are
//! counted in runs between span boundaries, so the cost follows the number of spans, not the
//! length of the text.
//!
//! γ (gamma, [`super::gamma`]) is computed only when [`Options::gamma`] asks for it: per
//! article over the annotators who have it (a group figure), and the mean of articles; it has
//! no pooled value.
//!
//! An undefined figure is [`Figure::Undefined`] with the reason, never 0 or NaN.

use std::collections::{BTreeMap, HashMap};

use unicode_segmentation::UnicodeSegmentation;

use super::align::{self, Counts, Mode, OverlapCounts, Span};
use super::gamma::{self, GammaOptions};
use crate::core::CharRange;

/// A figure, or why it has no value.
#[derive(Clone, Debug, PartialEq)]
pub enum Figure {
    /// The value.
    Value(f64),
    /// Undefined, with the reason.
    Undefined(String),
}

impl Figure {
    fn undefined(reason: impl Into<String>) -> Self {
        Figure::Undefined(reason.into())
    }

    /// The value, when defined.
    pub fn value(&self) -> Option<f64> {
        match self {
            Figure::Value(v) => Some(*v),
            Figure::Undefined(_) => None,
        }
    }
}

/// One entry of a figure set: a figure, or a count behind figures.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// A figure.
    Figure(Figure),
    /// A count (of spans), shown next to figures.
    Count(u64),
}

/// Named figures, in a fixed order. Names are dotted paths such as `span.strict.f1`,
/// `char_kappa` or `per_tag.claim.char_alpha`.
pub type Figures = Vec<(String, Entry)>;

/// A span one annotator marked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marked {
    /// Char offsets into the article's text, half-open.
    pub range: CharRange,
    /// The tag.
    pub tag: String,
}

/// One article: its name, text, and per annotator (in [`Input::annotators`] order) the spans,
/// or `None` when that annotator does not have the article.
#[derive(Clone, Debug)]
pub struct ArticleInput<'a> {
    /// The article's name in outputs (its relative path).
    pub name: String,
    /// The article's text (offsets index its chars).
    pub text: &'a str,
    /// Spans per annotator.
    pub coders: Vec<Option<Vec<Marked>>>,
}

/// What agreement is computed over.
#[derive(Clone, Debug, Default)]
pub struct Input<'a> {
    /// The annotators' names.
    pub annotators: Vec<String>,
    /// The articles.
    pub articles: Vec<ArticleInput<'a>>,
}

/// Why agreement could not be computed at all.
#[derive(Debug, thiserror::Error)]
pub enum AgreementError {
    /// Fewer than two annotators.
    #[error("agreement needs at least two annotators, got {0}")]
    TooFewAnnotators(usize),
    /// More distinct tags than the character categories can hold.
    #[error("agreement handles at most 64 distinct tags, the input has {0}")]
    TooManyTags(usize),
    /// An article's coder list does not match the annotators.
    #[error("{0}: {1} annotator lists for {2} annotators")]
    Shape(String, usize, usize),
}

/// One annotator's span that no other annotator of the article marked (no same-tag overlap).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnlySpan {
    /// Index into [`Agreement::annotators`].
    pub annotator: usize,
    /// Index into [`Agreement::per_article`].
    pub article: usize,
    /// Where.
    pub range: CharRange,
    /// The tag.
    pub tag: String,
}

/// The figures of one pair of annotators.
#[derive(Clone, Debug, PartialEq)]
pub struct PairResult {
    /// Index of the reference annotator (`a`, the "true" side of precision and recall).
    pub a: usize,
    /// Index of the other annotator (`b`, the "predicted" side).
    pub b: usize,
    /// Articles both have.
    pub articles: usize,
    /// Figures pooled over those articles (span counts summed, units pooled).
    pub pooled: Figures,
    /// The unweighted mean of the per-article figures, over the articles where each is defined.
    pub mean_of_articles: Figures,
    /// Overlapping spans with different tags: (a's tag, b's tag) → count, pooled.
    pub confusion: BTreeMap<(String, String), u64>,
}

/// The figures of one article.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleResult {
    /// The article's name.
    pub name: String,
    /// Indexes of the annotators who have it.
    pub annotators: Vec<usize>,
    /// Pairs of those annotators: (a, b, figures).
    pub pairs: Vec<(usize, usize, Figures)>,
    /// α and Fleiss' κ over this article.
    pub group: Figures,
}

/// Everything `tagline agree` reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Agreement {
    /// The annotators' names.
    pub annotators: Vec<String>,
    /// Every tag seen, sorted.
    pub tags: Vec<String>,
    /// Every pair, `a` before `b` in annotator order.
    pub pairs: Vec<PairResult>,
    /// α and Fleiss' κ, pooled over all articles.
    pub group: Figures,
    /// The mean of the per-article α and Fleiss' κ.
    pub group_mean_of_articles: Figures,
    /// Per article, in input order.
    pub per_article: Vec<ArticleResult>,
    /// Spans only one annotator has, in article, annotator and span order.
    pub only: Vec<OnlySpan>,
    /// The settings γ was computed with, when it was.
    pub gamma: Option<GammaOptions>,
}

/// Measures computed only when asked for, because they cost more than the others.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// γ (gamma) with these settings: per article and their mean ([`super::gamma`]).
    pub gamma: Option<GammaOptions>,
}

/// Computes every figure (γ not included).
pub fn compute(input: &Input<'_>) -> Result<Agreement, AgreementError> {
    compute_with(input, &Options::default())
}

/// γ of one article over the annotators who have it: `gamma`, and `gamma_disorder.observed`,
/// `.expected` and `.sampled_sd` (the standard deviation of the sampled continua's disorders).
fn gamma_figures(o: &GammaOptions, name: &str, coders: &[Option<Vec<Span>>]) -> Figures {
    let units: Vec<Vec<gamma::Unit>> = coders
        .iter()
        .flatten()
        .map(|spans| {
            spans
                .iter()
                .map(|s| gamma::Unit::new(s.range.start as f64, s.range.end as f64, s.tag))
                .collect()
        })
        .collect();
    let seed = gamma::article_seed(o.seed, name);
    let (g, observed, expected, sd) = match gamma::gamma(o, &units, seed) {
        Ok(r) => {
            let sd = match r.sample_sd() {
                Some(v) => Figure::Value(v),
                None => Figure::undefined("fewer than two sampled continua"),
            };
            (
                Figure::Value(r.gamma),
                Figure::Value(r.observed),
                Figure::Value(r.expected),
                sd,
            )
        }
        Err(e) => {
            let f = Figure::undefined(e.to_string());
            (f.clone(), f.clone(), f.clone(), f)
        }
    };
    vec![
        ("gamma".into(), Entry::Figure(g)),
        ("gamma_disorder.observed".into(), Entry::Figure(observed)),
        ("gamma_disorder.expected".into(), Entry::Figure(expected)),
        ("gamma_disorder.sampled_sd".into(), Entry::Figure(sd)),
    ]
}

/// Computes every figure, and the measures `options` asks for.
pub fn compute_with(input: &Input<'_>, options: &Options) -> Result<Agreement, AgreementError> {
    let k = input.annotators.len();
    if k < 2 {
        return Err(AgreementError::TooFewAnnotators(k));
    }
    let mut tag_names: Vec<String> = Vec::new();
    for art in &input.articles {
        if art.coders.len() != k {
            return Err(AgreementError::Shape(art.name.clone(), art.coders.len(), k));
        }
        for spans in art.coders.iter().flatten() {
            tag_names.extend(spans.iter().map(|m| m.tag.clone()));
        }
    }
    tag_names.sort();
    tag_names.dedup();
    if tag_names.len() > 64 {
        return Err(AgreementError::TooManyTags(tag_names.len()));
    }
    let tag_index: HashMap<&str, u32> = tag_names
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i as u32))
        .collect();
    let t = tag_names.len();
    let pair_list: Vec<(usize, usize)> = (0..k)
        .flat_map(|a| (a + 1..k).map(move |b| (a, b)))
        .collect();

    let mut pooled_chars = Units::new(k, t);
    let mut pooled_words = Units::new(k, t);
    let mut pooled_spans: Vec<SpanAcc> = pair_list.iter().map(|_| SpanAcc::new(t)).collect();
    let mut confusion: Vec<BTreeMap<(u32, u32), u64>> = vec![BTreeMap::new(); pair_list.len()];
    let mut pair_articles = vec![0usize; pair_list.len()];
    let mut per_article = Vec::with_capacity(input.articles.len());
    let mut only = Vec::new();

    for (ai, art) in input.articles.iter().enumerate() {
        let len = art.text.chars().count();
        // Spans per coder, interned, clamped, non-empty, sorted.
        let coders: Vec<Option<Vec<Span>>> = art
            .coders
            .iter()
            .map(|c| {
                c.as_ref().map(|spans| {
                    let mut v: Vec<Span> = spans
                        .iter()
                        .filter_map(|m| {
                            let start = m.range.start.min(len);
                            let end = m.range.end.min(len);
                            let tag = *tag_index.get(m.tag.as_str())?;
                            (start < end).then(|| Span::new(start, end, tag))
                        })
                        .collect();
                    v.sort_by(align::span_order);
                    v
                })
            })
            .collect();
        let present: Vec<usize> = (0..k).filter(|&c| coders[c].is_some()).collect();

        // Character runs and words.
        let mut chars = Units::new(k, t);
        let mut words = Units::new(k, t);
        let layout = Layout::new(len, &coders, t);
        let mut masks = vec![None; k];
        for (seg, w) in layout.segments() {
            for (slot, m) in masks.iter_mut().zip(&layout.masks) {
                *slot = m.as_ref().map(|m| m[seg]);
            }
            chars.add(w as u64, &masks);
            pooled_chars.add(w as u64, &masks);
        }
        for (ws, we) in word_ranges(art.text) {
            layout.word_masks(ws, we, &mut masks);
            words.add(1, &masks);
            pooled_words.add(1, &masks);
        }

        // Pairs.
        let mut pairs = Vec::new();
        for (pi, &(a, b)) in pair_list.iter().enumerate() {
            let (Some(sa), Some(sb)) = (&coders[a], &coders[b]) else {
                continue;
            };
            pair_articles[pi] += 1;
            let mut acc = SpanAcc::new(t);
            acc.add(sa, sb);
            pooled_spans[pi].add(sa, sb);
            for (i, j) in align::overlapping_pairs(sa, sb) {
                if sa[i].tag != sb[j].tag {
                    *confusion[pi].entry((sa[i].tag, sb[j].tag)).or_default() += 1;
                }
            }
            let figures = pair_figures(&acc, &chars, &words, pi, &tag_names);
            pairs.push((a, b, figures));
        }

        // Spans nobody else has.
        if present.len() >= 2 {
            for &c in &present {
                let Some(mine) = &coders[c] else { continue };
                let mut found = vec![false; mine.len()];
                for &o in &present {
                    if o == c {
                        continue;
                    }
                    if let Some(theirs) = &coders[o] {
                        for (f, hit) in found
                            .iter_mut()
                            .zip(align::has_same_tag_overlap(mine, theirs))
                        {
                            *f |= hit;
                        }
                    }
                }
                for (s, f) in mine.iter().zip(found) {
                    if !f {
                        only.push(OnlySpan {
                            annotator: c,
                            article: ai,
                            range: s.range,
                            tag: tag_names[s.tag as usize].clone(),
                        });
                    }
                }
            }
        }

        let mut group = group_figures(&chars, &words, &tag_names);
        if let Some(o) = &options.gamma {
            group.extend(gamma_figures(o, &art.name, &coders));
        }
        per_article.push(ArticleResult {
            name: art.name.clone(),
            annotators: present,
            pairs,
            group,
        });
    }

    let pairs = pair_list
        .iter()
        .enumerate()
        .map(|(pi, &(a, b))| {
            let pooled = pair_figures(
                &pooled_spans[pi],
                &pooled_chars,
                &pooled_words,
                pi,
                &tag_names,
            );
            let mean = mean_of(
                &pooled,
                per_article
                    .iter()
                    .flat_map(|r| r.pairs.iter())
                    .filter(|(x, y, _)| (*x, *y) == (a, b))
                    .map(|(_, _, f)| f),
            );
            PairResult {
                a,
                b,
                articles: pair_articles[pi],
                pooled,
                mean_of_articles: mean,
                confusion: confusion[pi]
                    .iter()
                    .map(|(&(x, y), &n)| {
                        (
                            (tag_names[x as usize].clone(), tag_names[y as usize].clone()),
                            n,
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let mut group = group_figures(&pooled_chars, &pooled_words, &tag_names);
    if options.gamma.is_some() {
        let why =
            "γ is a figure of one article (one continuum): see mean_of_articles and per_article";
        for name in [
            "gamma",
            "gamma_disorder.observed",
            "gamma_disorder.expected",
            "gamma_disorder.sampled_sd",
        ] {
            group.push((name.into(), Entry::Figure(Figure::undefined(why))));
        }
    }
    let group_mean = mean_of(&group, per_article.iter().map(|r| &r.group));
    Ok(Agreement {
        annotators: input.annotators.clone(),
        tags: tag_names,
        pairs,
        group,
        group_mean_of_articles: group_mean,
        per_article,
        only,
        gamma: options.gamma.clone(),
    })
}

/// The mean of each figure over `sets` where it is defined; counts are left out. `template`
/// gives the names and their order.
fn mean_of<'a>(template: &Figures, sets: impl Iterator<Item = &'a Figures>) -> Figures {
    let names: Vec<&str> = template
        .iter()
        .filter(|(_, e)| matches!(e, Entry::Figure(_)))
        .map(|(n, _)| n.as_str())
        .collect();
    let mut sums: HashMap<&str, (f64, usize)> = HashMap::new();
    let mut seen = 0usize;
    for set in sets {
        seen += 1;
        for (name, e) in set {
            if let Entry::Figure(Figure::Value(v)) = e {
                let s = sums.entry(name.as_str()).or_default();
                s.0 += v;
                s.1 += 1;
            }
        }
    }
    names
        .into_iter()
        .map(|n| {
            let f = match sums.get(n) {
                Some(&(sum, count)) if count > 0 => Figure::Value(sum / count as f64),
                _ if seen == 0 => Figure::undefined("no articles"),
                _ => Figure::undefined("undefined in every article"),
            };
            (n.to_owned(), Entry::Figure(f))
        })
        .collect()
}

/// Word ranges (char offsets) of `text`: UAX #29 words holding a letter or digit.
pub fn word_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut chars_before = 0usize;
    let mut bytes_before = 0usize;
    for (byte, word) in text.unicode_word_indices() {
        chars_before += text[bytes_before..byte].chars().count();
        let n = word.chars().count();
        out.push((chars_before, chars_before + n));
        chars_before += n;
        bytes_before = byte + word.len();
    }
    out
}

/// Span boundaries of one article and each coder's tag set per run between boundaries.
struct Layout {
    /// Sorted boundaries, from 0 to the text length.
    bounds: Vec<usize>,
    /// Per coder, the tag bitmask of each run `bounds[i]..bounds[i + 1]`.
    masks: Vec<Option<Vec<u64>>>,
}

impl Layout {
    fn new(len: usize, coders: &[Option<Vec<Span>>], _tags: usize) -> Self {
        let mut bounds = vec![0, len];
        for spans in coders.iter().flatten() {
            for s in spans {
                bounds.push(s.range.start);
                bounds.push(s.range.end);
            }
        }
        bounds.sort_unstable();
        bounds.dedup();
        let runs = bounds.len().saturating_sub(1);
        let masks = coders
            .iter()
            .map(|c| {
                c.as_ref().map(|spans| {
                    let mut m = vec![0u64; runs];
                    for s in spans {
                        let from = bounds.partition_point(|&b| b < s.range.start);
                        let to = bounds.partition_point(|&b| b < s.range.end);
                        for x in &mut m[from..to] {
                            *x |= 1 << s.tag;
                        }
                    }
                    m
                })
            })
            .collect();
        Self { bounds, masks }
    }

    /// (run index, length) of every non-empty run.
    fn segments(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.bounds
            .windows(2)
            .enumerate()
            .map(|(i, w)| (i, w[1] - w[0]))
            .filter(|(_, w)| *w > 0)
    }

    /// Each coder's tag set of the word `start..end`: the tags of every run it touches.
    fn word_masks(&self, start: usize, end: usize, out: &mut [Option<u64>]) {
        let first = self
            .bounds
            .partition_point(|&b| b <= start)
            .saturating_sub(1);
        for (o, m) in out.iter_mut().zip(&self.masks) {
            *o = m.as_ref().map(|m| {
                let mut acc = 0;
                let mut run = first;
                while run < m.len() && self.bounds[run] < end {
                    acc |= m[run];
                    run += 1;
                }
                acc
            });
        }
    }
}

/// Counts behind κ for one pair.
#[derive(Clone, Default)]
struct PairAcc {
    n: u64,
    agree: u64,
    ma: HashMap<u64, u64>,
    mb: HashMap<u64, u64>,
    /// Per tag: [both, a only, b only, neither].
    tag: Vec<[u64; 4]>,
}

/// Counts behind Krippendorff's α: per category its pairable values, and the coincidences
/// within a category.
#[derive(Clone, Default)]
struct AlphaAcc {
    n_c: HashMap<u64, f64>,
    o_same: f64,
}

impl AlphaAcc {
    fn add(&mut self, w: f64, m: usize, counts: impl Iterator<Item = (u64, usize)>) {
        if m < 2 {
            return;
        }
        for (c, n) in counts {
            *self.n_c.entry(c).or_default() += w * n as f64;
            self.o_same += w * (n * (n - 1)) as f64 / (m - 1) as f64;
        }
    }

    fn alpha(&self) -> Figure {
        let n: f64 = self.n_c.values().sum();
        if n == 0.0 {
            return Figure::undefined("no unit was coded by two or more annotators");
        }
        let sum_sq: f64 = self.n_c.values().map(|x| x * x).sum();
        let expected = n * n - sum_sq;
        if expected <= 0.0 || self.n_c.values().filter(|x| **x > 0.0).count() < 2 {
            return Figure::undefined("only one category occurs, so there is nothing to agree on");
        }
        Figure::Value(1.0 - (n - 1.0) * (n - self.o_same) / expected)
    }
}

/// Counts behind Fleiss' κ: units coded by every annotator.
#[derive(Clone, Default)]
struct FleissAcc {
    units: u64,
    p_sum: f64,
    cat: HashMap<u64, u64>,
}

impl FleissAcc {
    fn add(&mut self, w: u64, m: usize, counts: impl Iterator<Item = (u64, usize)>) {
        let mut sq = 0usize;
        for (c, n) in counts {
            *self.cat.entry(c).or_default() += w * n as u64;
            sq += n * n;
        }
        self.units += w;
        self.p_sum += w as f64 * (sq - m) as f64 / (m * (m - 1)) as f64;
    }

    fn kappa(&self, k: usize) -> Figure {
        if k < 3 {
            return Figure::undefined("Fleiss' κ is reported for three or more annotators");
        }
        if self.units == 0 {
            return Figure::undefined("no unit was coded by every annotator");
        }
        let total = (self.units * k as u64) as f64;
        let p_bar = self.p_sum / self.units as f64;
        let p_e: f64 = self.cat.values().map(|&x| (x as f64 / total).powi(2)).sum();
        if self.cat.values().filter(|x| **x > 0).count() < 2 {
            return Figure::undefined("only one category occurs, so there is nothing to agree on");
        }
        Figure::Value((p_bar - p_e) / (1.0 - p_e))
    }
}

/// Every unit-level count for one scope (an article or the corpus), chars or words.
struct Units {
    k: usize,
    t: usize,
    pairs: Vec<PairAcc>,
    alpha: AlphaAcc,
    alpha_tag: Vec<AlphaAcc>,
    fleiss: FleissAcc,
    fleiss_tag: Vec<FleissAcc>,
    scratch: Vec<u64>,
}

impl Units {
    fn new(k: usize, t: usize) -> Self {
        let pair = PairAcc {
            tag: vec![[0; 4]; t],
            ..PairAcc::default()
        };
        Self {
            k,
            t,
            pairs: vec![pair; k * (k - 1) / 2],
            alpha: AlphaAcc::default(),
            alpha_tag: vec![AlphaAcc::default(); t],
            fleiss: FleissAcc::default(),
            fleiss_tag: vec![FleissAcc::default(); t],
            scratch: Vec::with_capacity(k),
        }
    }

    /// One unit of weight `w` (a run of `w` chars, or one word) with each coder's tag set.
    fn add(&mut self, w: u64, masks: &[Option<u64>]) {
        let k = self.k;
        let mut pi = 0;
        for a in 0..k {
            for b in a + 1..k {
                if let (Some(x), Some(y)) = (masks[a], masks[b]) {
                    let p = &mut self.pairs[pi];
                    p.n += w;
                    if x == y {
                        p.agree += w;
                    }
                    *p.ma.entry(x).or_default() += w;
                    *p.mb.entry(y).or_default() += w;
                    for (t, cell) in p.tag.iter_mut().enumerate() {
                        let (hx, hy) = (x >> t & 1 == 1, y >> t & 1 == 1);
                        let i = match (hx, hy) {
                            (true, true) => 0,
                            (true, false) => 1,
                            (false, true) => 2,
                            (false, false) => 3,
                        };
                        cell[i] += w;
                    }
                }
                pi += 1;
            }
        }
        self.scratch.clear();
        self.scratch.extend(masks.iter().flatten());
        let m = self.scratch.len();
        if m < 2 {
            return;
        }
        self.scratch.sort_unstable();
        let runs = runs_of(&self.scratch);
        self.alpha.add(w as f64, m, runs.iter().copied());
        let all = m == k && k >= 3;
        if all {
            self.fleiss.add(w, m, runs.iter().copied());
        }
        for t in 0..self.t {
            let covered = self.scratch.iter().filter(|x| *x >> t & 1 == 1).count();
            let layer = [(1u64, covered), (0u64, m - covered)];
            let layer = layer.into_iter().filter(|(_, n)| *n > 0);
            self.alpha_tag[t].add(w as f64, m, layer.clone());
            if all {
                self.fleiss_tag[t].add(w, m, layer);
            }
        }
    }
}

/// (value, count) of each run of equal values in a sorted slice.
fn runs_of(sorted: &[u64]) -> Vec<(u64, usize)> {
    let mut out: Vec<(u64, usize)> = Vec::with_capacity(sorted.len());
    for &x in sorted {
        match out.last_mut() {
            Some((v, n)) if *v == x => *n += 1,
            _ => out.push((x, 1)),
        }
    }
    out
}

/// Cohen's κ from agreement, marginals and the unit count.
fn kappa(n: u64, agree: u64, ma: &HashMap<u64, u64>, mb: &HashMap<u64, u64>, what: &str) -> Figure {
    if n == 0 {
        return Figure::undefined(format!("the two annotators share no {what}"));
    }
    let nn = n as u128 * n as u128;
    let expected: u128 = ma
        .iter()
        .map(|(c, &x)| x as u128 * *mb.get(c).unwrap_or(&0) as u128)
        .sum();
    if expected == nn {
        return Figure::undefined(format!(
            "both annotators gave every {what} the same single category"
        ));
    }
    let p_o = agree as f64 / n as f64;
    let p_e = expected as f64 / nn as f64;
    Figure::Value((p_o - p_e) / (1.0 - p_e))
}

fn tag_kappa(cell: &[u64; 4], what: &str) -> Figure {
    let [both, a_only, b_only, neither] = *cell;
    let n = both + a_only + b_only + neither;
    let ma = HashMap::from([(1, both + a_only), (0, b_only + neither)]);
    let mb = HashMap::from([(1, both + b_only), (0, a_only + neither)]);
    kappa(n, both + neither, &ma, &mb, what)
}

/// Span counts for one pair.
#[derive(Clone)]
struct SpanAcc {
    modes: [Counts; 4],
    overlap: OverlapCounts,
    per_tag: Vec<([Counts; 4], OverlapCounts)>,
}

impl SpanAcc {
    fn new(t: usize) -> Self {
        Self {
            modes: [Counts::default(); 4],
            overlap: OverlapCounts::default(),
            per_tag: vec![([Counts::default(); 4], OverlapCounts::default()); t],
        }
    }

    fn add(&mut self, a: &[Span], b: &[Span]) {
        for (i, m) in Mode::ALL.iter().enumerate() {
            self.modes[i].add(&align::evaluate(*m, a, b));
        }
        self.overlap.add(&align::overlap_counts(a, b));
        let mut ta = Vec::new();
        let mut tb = Vec::new();
        for (t, slot) in self.per_tag.iter_mut().enumerate() {
            ta.clear();
            tb.clear();
            ta.extend(a.iter().filter(|s| s.tag as usize == t));
            tb.extend(b.iter().filter(|s| s.tag as usize == t));
            if ta.is_empty() && tb.is_empty() {
                continue;
            }
            for (i, m) in Mode::ALL.iter().enumerate() {
                slot.0[i].add(&align::evaluate(*m, &ta, &tb));
            }
            slot.1.add(&align::overlap_counts(&ta, &tb));
        }
    }
}

/// Precision, recall and F1 from credit and the two denominators.
fn prf(out: &mut Figures, prefix: &str, credit: f64, possible: u64, actual: u64) {
    let precision = if actual == 0 {
        Figure::undefined("b marked no spans")
    } else {
        Figure::Value(credit / actual as f64)
    };
    let recall = if possible == 0 {
        Figure::undefined("a marked no spans")
    } else {
        Figure::Value(credit / possible as f64)
    };
    let f1 = if actual == 0 && possible == 0 {
        Figure::undefined("neither annotator marked a span")
    } else {
        let p = precision.value().unwrap_or(0.0);
        let r = recall.value().unwrap_or(0.0);
        Figure::Value(if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        })
    };
    out.push((format!("{prefix}precision"), Entry::Figure(precision)));
    out.push((format!("{prefix}recall"), Entry::Figure(recall)));
    out.push((format!("{prefix}f1"), Entry::Figure(f1)));
}

fn span_figures(out: &mut Figures, prefix: &str, modes: &[Counts; 4], overlap: &OverlapCounts) {
    for (i, m) in Mode::ALL.iter().enumerate() {
        let c = &modes[i];
        let p = format!("{prefix}span.{}.", m.name());
        let credit = match m {
            Mode::Strict | Mode::Exact => c.correct as f64,
            Mode::EntType | Mode::Partial => c.credit(),
        };
        prf(out, &p, credit, c.possible(), c.actual());
        for (name, n) in [
            ("correct", c.correct),
            ("incorrect", c.incorrect),
            ("partial", c.partial),
            ("missed", c.missed),
            ("spurious", c.spurious),
        ] {
            out.push((format!("{p}{name}"), Entry::Count(n)));
        }
    }
    let p = format!("{prefix}span.overlap.");
    let precision = if overlap.pred == 0 {
        Figure::undefined("b marked no spans")
    } else {
        Figure::Value(overlap.pred_found as f64 / overlap.pred as f64)
    };
    let recall = if overlap.truth == 0 {
        Figure::undefined("a marked no spans")
    } else {
        Figure::Value(overlap.truth_found as f64 / overlap.truth as f64)
    };
    let f1 = if overlap.pred == 0 && overlap.truth == 0 {
        Figure::undefined("neither annotator marked a span")
    } else {
        let pv = precision.value().unwrap_or(0.0);
        let rv = recall.value().unwrap_or(0.0);
        Figure::Value(if pv + rv > 0.0 {
            2.0 * pv * rv / (pv + rv)
        } else {
            0.0
        })
    };
    out.push((format!("{p}precision"), Entry::Figure(precision)));
    out.push((format!("{p}recall"), Entry::Figure(recall)));
    out.push((format!("{p}f1"), Entry::Figure(f1)));
    for (name, n) in [
        ("a_found", overlap.truth_found),
        ("a_spans", overlap.truth),
        ("b_found", overlap.pred_found),
        ("b_spans", overlap.pred),
    ] {
        out.push((format!("{p}{name}"), Entry::Count(n)));
    }
}

fn pair_figures(
    spans: &SpanAcc,
    chars: &Units,
    words: &Units,
    pi: usize,
    tags: &[String],
) -> Figures {
    let mut out = Figures::new();
    span_figures(&mut out, "", &spans.modes, &spans.overlap);
    let (c, w) = (&chars.pairs[pi], &words.pairs[pi]);
    out.push((
        "char_kappa".into(),
        Entry::Figure(kappa(c.n, c.agree, &c.ma, &c.mb, "character")),
    ));
    out.push((
        "word_kappa".into(),
        Entry::Figure(kappa(w.n, w.agree, &w.ma, &w.mb, "word")),
    ));
    for (t, name) in tags.iter().enumerate() {
        let p = format!("per_tag.{name}.");
        span_figures(&mut out, &p, &spans.per_tag[t].0, &spans.per_tag[t].1);
        out.push((
            format!("{p}char_kappa"),
            Entry::Figure(tag_kappa(&c.tag[t], "character")),
        ));
        out.push((
            format!("{p}word_kappa"),
            Entry::Figure(tag_kappa(&w.tag[t], "word")),
        ));
    }
    out
}

fn group_figures(chars: &Units, words: &Units, tags: &[String]) -> Figures {
    let k = chars.k;
    let mut out = vec![
        ("char_alpha".to_owned(), Entry::Figure(chars.alpha.alpha())),
        ("word_alpha".to_owned(), Entry::Figure(words.alpha.alpha())),
        (
            "fleiss_kappa".to_owned(),
            Entry::Figure(chars.fleiss.kappa(k)),
        ),
        (
            "word_fleiss_kappa".to_owned(),
            Entry::Figure(words.fleiss.kappa(k)),
        ),
    ];
    for (t, name) in tags.iter().enumerate() {
        let p = format!("per_tag.{name}.");
        out.push((
            format!("{p}char_alpha"),
            Entry::Figure(chars.alpha_tag[t].alpha()),
        ));
        out.push((
            format!("{p}word_alpha"),
            Entry::Figure(words.alpha_tag[t].alpha()),
        ));
        out.push((
            format!("{p}fleiss_kappa"),
            Entry::Figure(chars.fleiss_tag[t].kappa(k)),
        ));
        out.push((
            format!("{p}word_fleiss_kappa"),
            Entry::Figure(words.fleiss_tag[t].kappa(k)),
        ));
    }
    out
}

/// The value of the figure `name` in `figures`.
pub fn get<'a>(figures: &'a Figures, name: &str) -> Option<&'a Entry> {
    figures.iter().find(|(n, _)| n == name).map(|(_, e)| e)
}

/// Puts `value` at the dotted `path` in `obj`, creating objects on the way. Tag names may hold
/// dots: after `per_tag.` the longest known tag is taken as one key.
fn put(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    path: &str,
    tags: &[String],
    value: serde_json::Value,
) {
    let (head, rest) = match path.strip_prefix("per_tag.") {
        Some(after) => {
            let tag = tags
                .iter()
                .filter(|t| after.starts_with(t.as_str()) && after[t.len()..].starts_with('.'))
                .max_by_key(|t| t.len());
            match tag {
                Some(t) => {
                    let inner = obj
                        .entry("per_tag")
                        .or_insert_with(|| serde_json::Value::Object(Default::default()));
                    if let serde_json::Value::Object(m) = inner {
                        let slot = m
                            .entry(t.clone())
                            .or_insert_with(|| serde_json::Value::Object(Default::default()));
                        if let serde_json::Value::Object(m) = slot {
                            put(m, &after[t.len() + 1..], &[], value);
                        }
                    }
                    return;
                }
                None => ("per_tag", after),
            }
        }
        None => match path.split_once('.') {
            Some((h, r)) => (h, r),
            None => {
                obj.insert(path.to_owned(), value);
                return;
            }
        },
    };
    let slot = obj
        .entry(head.to_owned())
        .or_insert_with(|| serde_json::Value::Object(Default::default()));
    if let serde_json::Value::Object(m) = slot {
        put(m, rest, tags, value);
    }
}

/// A figure set as a JSON object: dotted names become nested objects; an undefined figure is
/// `null` with a sibling `NAME_reason`.
pub fn figures_json(
    figures: &Figures,
    tags: &[String],
) -> serde_json::Map<String, serde_json::Value> {
    let mut obj = serde_json::Map::new();
    for (name, e) in figures {
        match e {
            Entry::Count(n) => put(&mut obj, name, tags, (*n).into()),
            Entry::Figure(Figure::Value(v)) => put(&mut obj, name, tags, json_number(*v)),
            Entry::Figure(Figure::Undefined(why)) => {
                put(&mut obj, name, tags, serde_json::Value::Null);
                put(
                    &mut obj,
                    &format!("{name}_reason"),
                    tags,
                    why.as_str().into(),
                );
            }
        }
    }
    obj
}

fn json_number(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

impl Agreement {
    /// The `tagline agree --json` document (without the caller's `skipped` and `warnings`).
    pub fn to_json(&self, texts: &[&str]) -> serde_json::Value {
        use serde_json::{Value, json};
        let names = &self.annotators;
        let pair_json = |a: usize, b: usize, f: &Figures| {
            let mut o = serde_json::Map::new();
            o.insert("a".into(), names[a].clone().into());
            o.insert("b".into(), names[b].clone().into());
            o.extend(figures_json(f, &self.tags));
            o
        };
        let pairs: Vec<Value> = self
            .pairs
            .iter()
            .map(|p| {
                let mut o = pair_json(p.a, p.b, &p.pooled);
                o.insert("scope".into(), "pooled".into());
                o.insert("articles".into(), p.articles.into());
                let mut mean = figures_json(&p.mean_of_articles, &self.tags);
                mean.insert("scope".into(), "mean_of_articles".into());
                o.insert("mean_of_articles".into(), Value::Object(mean));
                let confusion: Vec<Value> = p
                    .confusion
                    .iter()
                    .map(|((x, y), n)| json!({"a_tag": x, "b_tag": y, "count": n}))
                    .collect();
                o.insert("confusion".into(), confusion.into());
                Value::Object(o)
            })
            .collect();
        let per_article: Vec<Value> = self
            .per_article
            .iter()
            .map(|r| {
                let mut o = serde_json::Map::new();
                o.insert("article".into(), r.name.clone().into());
                o.insert(
                    "annotators".into(),
                    r.annotators
                        .iter()
                        .map(|&i| names[i].clone())
                        .collect::<Vec<_>>()
                        .into(),
                );
                o.insert(
                    "pairs".into(),
                    r.pairs
                        .iter()
                        .map(|(a, b, f)| Value::Object(pair_json(*a, *b, f)))
                        .collect::<Vec<_>>()
                        .into(),
                );
                o.extend(figures_json(&r.group, &self.tags));
                Value::Object(o)
            })
            .collect();
        let only: Vec<Value> = self
            .only
            .iter()
            .map(|s| {
                let text: String = texts
                    .get(s.article)
                    .map(|t| t.chars().skip(s.range.start).take(s.range.len()).collect())
                    .unwrap_or_default();
                json!({
                    "annotator": names[s.annotator],
                    "article": self.per_article[s.article].name,
                    "start": s.range.start,
                    "end": s.range.end,
                    "tag": s.tag,
                    "text": text,
                })
            })
            .collect();
        let mut only_counts = serde_json::Map::new();
        for (i, n) in names.iter().enumerate() {
            let c = self.only.iter().filter(|s| s.annotator == i).count();
            only_counts.insert(n.clone(), c.into());
        }
        let mut top = serde_json::Map::new();
        top.insert("annotators".into(), names.clone().into());
        top.insert("tags".into(), self.tags.clone().into());
        top.insert("articles".into(), self.per_article.len().into());
        top.insert("scope".into(), "pooled".into());
        top.insert("pairs".into(), pairs.into());
        top.extend(figures_json(&self.group, &self.tags));
        let mut mean = figures_json(&self.group_mean_of_articles, &self.tags);
        mean.insert("scope".into(), "mean_of_articles".into());
        top.insert("mean_of_articles".into(), Value::Object(mean));
        if let Some(g) = &self.gamma {
            top.insert(
                "gamma_settings".into(),
                json!({
                    "alpha": g.alpha,
                    "beta": g.beta,
                    "delta_empty": g.delta_empty,
                    "samples": g.samples,
                    "seed": g.seed,
                    "sampler": "statistical",
                }),
            );
        }
        top.insert("only_counts".into(), Value::Object(only_counts));
        top.insert("only".into(), only.into());
        top.insert("per_article".into(), per_article.into());
        Value::Object(top)
    }
}

/// The agreement input of paired articles: each side's placed annotations on the reference
/// text.
pub fn input_from_pairing<'a>(
    annotators: Vec<String>,
    paired: &'a [super::pairing::Paired<'a>],
) -> Input<'a> {
    let articles = paired
        .iter()
        .map(|p| ArticleInput {
            name: p.relative.clone(),
            text: p.reference.article.text.as_str(),
            coders: p
                .members
                .iter()
                .map(|m| {
                    m.as_ref().map(|m| {
                        m.placed
                            .iter()
                            .map(|x| Marked {
                                range: x.range,
                                tag: x.annotation.tag.clone(),
                            })
                            .collect()
                    })
                })
                .collect(),
        })
        .collect();
    Input {
        annotators,
        articles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(start: usize, end: usize, tag: &str) -> Marked {
        Marked {
            range: CharRange::new(start, end),
            tag: tag.into(),
        }
    }

    fn value(f: &Figures, name: &str) -> f64 {
        match get(f, name) {
            Some(Entry::Figure(Figure::Value(v))) => *v,
            other => panic!("{name}: {other:?}"),
        }
    }

    fn reason(f: &Figures, name: &str) -> String {
        match get(f, name) {
            Some(Entry::Figure(Figure::Undefined(r))) => r.clone(),
            other => panic!("{name}: {other:?}"),
        }
    }

    fn two(text: &str, a: Vec<Marked>, b: Vec<Marked>) -> Agreement {
        compute(&Input {
            annotators: vec!["ana".into(), "ben".into()],
            articles: vec![ArticleInput {
                name: "x.txt".into(),
                text,
                coders: vec![Some(a), Some(b)],
            }],
        })
        .unwrap()
    }

    /// Wikipedia's Cohen's κ example on 50 units: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no:
    /// p_o = 35/50 = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.2/0.5 = 0.4. As 50 characters:
    /// ana tags 0–25, ben tags 0–20 and 25–35.
    #[test]
    fn cohen_kappa_textbook() {
        let text = "x".repeat(50);
        let ag = two(
            &text,
            vec![m(0, 25, "claim")],
            vec![m(0, 20, "claim"), m(25, 35, "claim")],
        );
        let p = &ag.pairs[0].pooled;
        assert!((value(p, "char_kappa") - 0.4).abs() < 1e-12);
        // One tag only: the per-tag layer is the same table.
        assert!((value(p, "per_tag.claim.char_kappa") - 0.4).abs() < 1e-12);
        // Two coders, nominal α on the same table (Krippendorff): n = 100 values,
        // o_same = 2·20 + 2·15 = 70, n_claim = 55, n_none = 45:
        // α = 1 − 99·(100 − 70)/(100² − 55² − 45²) = 1 − 2970/4950 = 0.4.
        assert!((value(&ag.group, "char_alpha") - 0.4).abs() < 1e-12);
        // No words in "xxxx…"? It is one word: both tagged it, one category only.
        assert!(reason(p, "word_kappa").contains("same single category"));
        assert!(reason(&ag.group, "fleiss_kappa").contains("three or more"));
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the nominal example
    /// with missing data: 4 observers, 12 units, α = 0.743.
    #[test]
    fn krippendorff_alpha_textbook() {
        let data: [[Option<u64>; 12]; 4] = {
            let n = None;
            [
                [
                    Some(1),
                    Some(2),
                    Some(3),
                    Some(3),
                    Some(2),
                    Some(1),
                    Some(4),
                    Some(1),
                    Some(2),
                    n,
                    n,
                    n,
                ],
                [
                    Some(1),
                    Some(2),
                    Some(3),
                    Some(3),
                    Some(2),
                    Some(2),
                    Some(4),
                    Some(1),
                    Some(2),
                    Some(5),
                    n,
                    Some(3),
                ],
                [
                    n,
                    Some(3),
                    Some(3),
                    Some(3),
                    Some(2),
                    Some(3),
                    Some(4),
                    Some(2),
                    Some(2),
                    Some(5),
                    Some(1),
                    n,
                ],
                [
                    Some(1),
                    Some(2),
                    Some(3),
                    Some(3),
                    Some(2),
                    Some(4),
                    Some(4),
                    Some(1),
                    Some(2),
                    Some(5),
                    Some(1),
                    n,
                ],
            ]
        };
        let mut acc = AlphaAcc::default();
        for u in 0..12 {
            let mut vals: Vec<u64> = data.iter().filter_map(|row| row[u]).collect();
            vals.sort_unstable();
            acc.add(1.0, vals.len(), runs_of(&vals).into_iter());
        }
        let a = acc.alpha().value().unwrap();
        assert!((a - 0.743).abs() < 5e-4, "{a}");
    }

    /// Wikipedia's Fleiss' κ example: 10 subjects, 14 raters, 5 categories, κ = 0.210
    /// (P̄ = 0.378, P̄e = 0.213).
    #[test]
    fn fleiss_kappa_textbook() {
        let table: [[usize; 5]; 10] = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let mut acc = FleissAcc::default();
        for row in table {
            let counts = row
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(c, n)| (c as u64, *n));
            acc.add(1, 14, counts);
        }
        let k = acc.kappa(14).value().unwrap();
        assert!((k - 0.20993).abs() < 1e-4, "{k}");
    }

    /// Span modes by hand: ana has claim 0–10 and quote 20–30; ben has claim 0–10, claim
    /// 22–30 and stance 40–45.
    /// strict: claim 0–10 correct; 22–30 overlaps the quote: incorrect; 40–45 spurious →
    /// P = 1/3, R = 1/2, F1 = 0.4. exact: the same. ent_type: 22–30 is a claim on a quote:
    /// incorrect → as strict. partial: 22–30 partial → credit 1.5: P = 0.5, R = 0.75, F1 = 0.6.
    /// overlap: ben's spans with a same-tag overlap: 1 of 3; ana's: 1 of 2 → F1 = 0.4.
    #[test]
    fn span_modes_by_hand() {
        let text = "y".repeat(50);
        let ag = two(
            &text,
            vec![m(0, 10, "claim"), m(20, 30, "quote")],
            vec![m(0, 10, "claim"), m(22, 30, "claim"), m(40, 45, "stance")],
        );
        let p = &ag.pairs[0].pooled;
        for mode in ["strict", "exact", "ent_type"] {
            assert!((value(p, &format!("span.{mode}.precision")) - 1.0 / 3.0).abs() < 1e-12);
            assert!((value(p, &format!("span.{mode}.recall")) - 0.5).abs() < 1e-12);
            assert!((value(p, &format!("span.{mode}.f1")) - 0.4).abs() < 1e-12);
        }
        assert!((value(p, "span.partial.precision") - 0.5).abs() < 1e-12);
        assert!((value(p, "span.partial.recall") - 0.75).abs() < 1e-12);
        assert!((value(p, "span.partial.f1") - 0.6).abs() < 1e-12);
        assert!((value(p, "span.overlap.f1") - 0.4).abs() < 1e-12);
        // Per tag: ana marked no stance: recall undefined, precision 0, F1 0.
        assert!(reason(p, "per_tag.stance.span.strict.recall").contains("a marked no spans"));
        assert_eq!(value(p, "per_tag.stance.span.strict.f1"), 0.0);
        assert_eq!(
            ag.pairs[0].confusion.get(&("quote".into(), "claim".into())),
            Some(&1)
        );
        // Spans nobody else has: ana's quote, ben's claim 22–30 and stance.
        let only: Vec<_> = ag
            .only
            .iter()
            .map(|s| (s.annotator, s.range.start))
            .collect();
        assert_eq!(only, [(0, 20), (1, 22), (1, 40)]);
    }

    /// Words: "the minister said yes" — ana tags "minister said", ben tags "said yes" by a
    /// span that starts inside "said": words are [the, minister, said, yes], categories
    /// ana [none, claim, claim, none], ben [none, none, claim, claim]: p_o = 2/4,
    /// p_e = 0.5·0.5 + 0.5·0.5 = 0.5 → κ = 0.
    #[test]
    fn words_are_uax29_and_touching_counts() {
        let text = "the minister said yes";
        let ag = two(text, vec![m(4, 17, "claim")], vec![m(15, 21, "claim")]);
        assert_eq!(word_ranges(text), [(0, 3), (4, 12), (13, 17), (18, 21)]);
        assert!(value(&ag.pairs[0].pooled, "word_kappa").abs() < 1e-12);
    }

    /// The running example of docs/agreement.md, figure by figure.
    #[test]
    fn the_documented_example() {
        let text = "the minister said the strike will end";
        let ag = two(
            text,
            vec![m(0, 17, "sourcing"), m(18, 37, "claim")],
            vec![
                m(4, 12, "sourcing"),
                m(18, 37, "claim"),
                m(22, 28, "stance"),
            ],
        );
        let p = &ag.pairs[0].pooled;
        let close = |name: &str, want: f64| {
            let got = value(p, name);
            assert!((got - want).abs() < 1e-12, "{name}: {got} != {want}");
        };
        close("span.strict.f1", 0.4);
        close("span.exact.f1", 0.4);
        close("span.ent_type.f1", 0.8);
        close("span.partial.f1", 0.6);
        close("span.overlap.f1", 0.8);
        close("char_kappa", 421.0 / 976.0);
        close("per_tag.sourcing.char_kappa", 320.0 / 653.0);
        close("word_kappa", 13.0 / 34.0);
        let a = value(&ag.group, "char_alpha");
        assert!((a - (1.0 - 2190.0 / 3670.0)).abs() < 1e-12);
        assert_eq!(
            ag.pairs[0]
                .confusion
                .get(&("claim".into(), "stance".into())),
            Some(&1)
        );
        assert_eq!(ag.only.len(), 1);
        assert_eq!(ag.only[0].range, CharRange::new(22, 28));
        // Fleiss: three annotators on four characters.
        let fl = compute(&Input {
            annotators: vec!["a".into(), "b".into(), "c".into()],
            articles: vec![ArticleInput {
                name: "f".into(),
                text: "abcd",
                coders: vec![
                    Some(vec![m(0, 2, "claim")]),
                    Some(vec![m(0, 1, "claim")]),
                    Some(vec![m(0, 2, "claim")]),
                ],
            }],
        })
        .unwrap();
        assert!((value(&fl.group, "fleiss_kappa") - 46.0 / 70.0).abs() < 1e-12);
    }

    #[test]
    fn undefined_figures_say_why() {
        let ag = two("", vec![], vec![]);
        let p = &ag.pairs[0].pooled;
        assert!(reason(p, "span.strict.f1").contains("neither"));
        assert!(reason(p, "char_kappa").contains("share no character"));
        assert!(reason(&ag.group, "char_alpha").contains("no unit"));
        assert!(reason(&ag.pairs[0].mean_of_articles, "char_kappa").contains("every article"));
        let json = ag.to_json(&[""]);
        assert_eq!(json["pairs"][0]["char_kappa"], serde_json::Value::Null);
        assert!(json["pairs"][0]["char_kappa_reason"].is_string());
        assert_eq!(json["pairs"][0]["span"]["strict"]["correct"], 0);
    }

    /// γ only when asked; undefined with a reason for one annotator or no spans; the mean of
    /// articles over the defined ones; no pooled value.
    #[test]
    fn gamma_is_opt_in_per_article() {
        let input = Input {
            annotators: vec!["a".into(), "b".into()],
            articles: vec![
                ArticleInput {
                    name: "1".into(),
                    text: "0123456789abcdefghij",
                    coders: vec![Some(vec![m(0, 10, "claim")]), Some(vec![m(0, 10, "claim")])],
                },
                ArticleInput {
                    name: "2".into(),
                    text: "0123456789",
                    coders: vec![Some(vec![m(0, 5, "claim")]), None],
                },
                ArticleInput {
                    name: "3".into(),
                    text: "0123456789",
                    coders: vec![Some(vec![]), Some(vec![])],
                },
            ],
        };
        assert!(get(&compute(&input).unwrap().group, "gamma").is_none());
        let ag = compute_with(
            &input,
            &Options {
                gamma: Some(GammaOptions::default()),
            },
        )
        .unwrap();
        assert_eq!(value(&ag.per_article[0].group, "gamma"), 1.0);
        assert_eq!(
            value(&ag.per_article[0].group, "gamma_disorder.observed"),
            0.0
        );
        assert!(reason(&ag.per_article[1].group, "gamma").contains("two or more"));
        assert!(reason(&ag.per_article[2].group, "gamma").contains("no annotator marked"));
        assert_eq!(value(&ag.group_mean_of_articles, "gamma"), 1.0);
        assert!(reason(&ag.group, "gamma").contains("one article"));
    }

    #[test]
    fn three_annotators_fleiss_and_missing_article() {
        // Identical marks by three: κ = α = 1. A second article only two have.
        let text = "a b c d e f";
        let same = || vec![m(0, 3, "claim")];
        let ag = compute(&Input {
            annotators: vec!["a".into(), "b".into(), "c".into()],
            articles: vec![
                ArticleInput {
                    name: "1".into(),
                    text,
                    coders: vec![Some(same()), Some(same()), Some(same())],
                },
                ArticleInput {
                    name: "2".into(),
                    text,
                    coders: vec![Some(same()), None, Some(vec![])],
                },
            ],
        })
        .unwrap();
        assert_eq!(value(&ag.group, "fleiss_kappa"), 1.0);
        assert!(value(&ag.group, "char_alpha") < 1.0);
        assert_eq!(ag.pairs[0].articles, 1);
        assert_eq!(ag.pairs[1].articles, 2);
        assert!(reason(&ag.per_article[1].group, "fleiss_kappa").contains("every annotator"));
    }
}
