//! Corpus statistics: how far a corpus is and what it holds.
//!
//! [`summarize`] turns one document into a [`Stats`] of one article; corpus figures are the
//! sum of those ([`Stats::add`]), and an article's old summary can be taken out again
//! ([`Stats::subtract`]) — so a window can keep corpus figures current as one article is
//! edited, without re-reading every sidecar. Every figure is a count (span lengths are kept
//! as a length → count map), which is what makes the sums exact both ways.
//!
//! Which annotations count (see the shared conventions): orphaned and suggested annotations
//! are counted apart, in [`Stats::orphaned`] and [`Stats::suggested`], and nowhere else;
//! `uncertain` ones count as ordinary ones.
//!
//! An article's progress comes from the scheme's `status` label: a choice label whose first
//! value means not started (`todo` in the news scheme), whose last means done (`done`), and
//! any other value in progress. Without that label set, an article with counted annotations
//! is in progress and one without is not started.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::{Annotation, AttrKind, AttrValue, Document, Scheme, Status};

/// The name of the label that says how far an article is.
pub const STATUS_LABEL: &str = "status";

/// How far an article is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// Not started.
    NotStarted,
    /// Begun.
    InProgress,
    /// Finished.
    Done,
}

/// Counts of one tag, or one attribute value of a tag.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Counted annotations.
    pub annotations: usize,
    /// Articles with at least one.
    pub articles: usize,
    /// Counted annotations by annotator (`""` for annotations without one).
    pub by_annotator: BTreeMap<String, usize>,
}

impl Tally {
    fn add(&mut self, other: &Tally, sign: Sign) {
        sign.apply(&mut self.annotations, other.annotations);
        sign.apply(&mut self.articles, other.articles);
        add_counts(&mut self.by_annotator, &other.by_annotator, sign);
    }

    fn is_empty(&self) -> bool {
        self.annotations == 0 && self.articles == 0 && self.by_annotator.is_empty()
    }
}

/// Counts of one annotator.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AnnotatorTally {
    /// Counted annotations.
    pub annotations: usize,
    /// Articles with at least one.
    pub articles: usize,
}

/// Statistics of one article or a whole corpus.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Articles.
    pub articles: usize,
    /// Articles not started.
    pub not_started: usize,
    /// Articles in progress.
    pub in_progress: usize,
    /// Articles done.
    pub done: usize,
    /// Articles by the value of their `status` label (`""`: not set).
    pub status_values: BTreeMap<String, usize>,
    /// Counted annotations (neither orphaned nor suggested).
    pub annotations: usize,
    /// Suggested annotations (pre-annotations awaiting review), counted apart.
    pub suggested: usize,
    /// Orphaned annotations (their text is gone from the article), counted apart.
    pub orphaned: usize,
    /// Relations.
    pub relations: usize,
    /// Counted annotations by tag.
    pub tags: BTreeMap<String, Tally>,
    /// Counted annotations by tag, attribute and value (a list value counts once per item; a
    /// free-text attribute of the scheme as [`TEXT_VALUE`]).
    pub values: BTreeMap<String, BTreeMap<String, BTreeMap<String, Tally>>>,
    /// Counted annotations by annotator (`""` for annotations without one).
    pub annotators: BTreeMap<String, AnnotatorTally>,
    /// Span lengths of counted annotations, in chars: length → number of annotations.
    pub lengths: BTreeMap<usize, usize>,
}

#[derive(Clone, Copy)]
enum Sign {
    Plus,
    Minus,
}

impl Sign {
    fn apply(self, to: &mut usize, n: usize) {
        match self {
            Sign::Plus => *to += n,
            Sign::Minus => *to = to.saturating_sub(n),
        }
    }
}

fn add_counts<K: Ord + Clone>(to: &mut BTreeMap<K, usize>, from: &BTreeMap<K, usize>, sign: Sign) {
    for (k, n) in from {
        let slot = to.entry(k.clone()).or_insert(0);
        sign.apply(slot, *n);
        if *slot == 0 {
            to.remove(k);
        }
    }
}

fn add_tallies(to: &mut BTreeMap<String, Tally>, from: &BTreeMap<String, Tally>, sign: Sign) {
    for (k, t) in from {
        let slot = to.entry(k.clone()).or_default();
        slot.add(t, sign);
        if slot.is_empty() {
            to.remove(k);
        }
    }
}

impl Stats {
    /// Adds `other`'s figures (another article, or another corpus) to these.
    pub fn add(&mut self, other: &Stats) {
        self.combine(other, Sign::Plus);
    }

    /// Takes `other`'s figures out again: `s.add(x); s.subtract(x)` leaves `s` as it was.
    pub fn subtract(&mut self, other: &Stats) {
        self.combine(other, Sign::Minus);
    }

    fn combine(&mut self, o: &Stats, sign: Sign) {
        for (to, n) in [
            (&mut self.articles, o.articles),
            (&mut self.not_started, o.not_started),
            (&mut self.in_progress, o.in_progress),
            (&mut self.done, o.done),
            (&mut self.annotations, o.annotations),
            (&mut self.suggested, o.suggested),
            (&mut self.orphaned, o.orphaned),
            (&mut self.relations, o.relations),
        ] {
            sign.apply(to, n);
        }
        add_counts(&mut self.status_values, &o.status_values, sign);
        add_tallies(&mut self.tags, &o.tags, sign);
        for (tag, attrs) in &o.values {
            let mine = self.values.entry(tag.clone()).or_default();
            for (attr, values) in attrs {
                let m = mine.entry(attr.clone()).or_default();
                add_tallies(m, values, sign);
                if m.is_empty() {
                    mine.remove(attr);
                }
            }
            if mine.is_empty() {
                self.values.remove(tag);
            }
        }
        for (name, t) in &o.annotators {
            let slot = self.annotators.entry(name.clone()).or_default();
            sign.apply(&mut slot.annotations, t.annotations);
            sign.apply(&mut slot.articles, t.articles);
            if slot.annotations == 0 && slot.articles == 0 {
                self.annotators.remove(name);
            }
        }
        add_counts(&mut self.lengths, &o.lengths, sign);
    }

    /// The span length distribution of counted annotations.
    pub fn length_summary(&self) -> LengthSummary {
        let n: usize = self.lengths.values().sum();
        let total: usize = self.lengths.iter().map(|(l, c)| l * c).sum();
        // The smallest length with at least `rank` spans at or below it.
        let quantile = |q: f64| -> usize {
            let rank = ((q * n as f64).ceil() as usize).max(1);
            let mut seen = 0;
            for (len, count) in &self.lengths {
                seen += count;
                if seen >= rank {
                    return *len;
                }
            }
            0
        };
        let buckets = LENGTH_BUCKETS
            .iter()
            .map(|&(lo, hi)| {
                let count = self.lengths.range(lo..=hi).map(|(_, c)| c).sum();
                LengthBucket {
                    min: lo,
                    max: hi,
                    count,
                }
            })
            .collect();
        LengthSummary {
            spans: n,
            min: self.lengths.keys().next().copied().unwrap_or(0),
            median: quantile(0.5),
            p90: quantile(0.9),
            max: self.lengths.keys().next_back().copied().unwrap_or(0),
            mean: if n == 0 { 0.0 } else { total as f64 / n as f64 },
            buckets,
        }
    }
}

/// Span length buckets, in chars, both ends included.
pub const LENGTH_BUCKETS: [(usize, usize); 8] = [
    (0, 9),
    (10, 19),
    (20, 49),
    (50, 99),
    (100, 199),
    (200, 499),
    (500, 999),
    (1000, usize::MAX),
];

/// A summary of span lengths, in chars.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LengthSummary {
    /// Number of spans.
    pub spans: usize,
    /// Shortest.
    pub min: usize,
    /// Median (the lower one for an even count).
    pub median: usize,
    /// 90th percentile (nearest rank).
    pub p90: usize,
    /// Longest.
    pub max: usize,
    /// Mean.
    pub mean: f64,
    /// Counts by [`LENGTH_BUCKETS`].
    pub buckets: Vec<LengthBucket>,
}

/// One bucket of the span length distribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LengthBucket {
    /// Shortest length in the bucket.
    pub min: usize,
    /// Longest length in the bucket (`usize::MAX` for the last).
    pub max: usize,
    /// Spans in it.
    pub count: usize,
}

/// The progress an article's `status` label value means under `scheme`.
pub fn progress(scheme: &Scheme, status: Option<&AttrValue>, counted: usize) -> Progress {
    let values = scheme
        .label(STATUS_LABEL)
        .map(|l| l.values.as_slice())
        .unwrap_or_default();
    match status.and_then(AttrValue::as_text) {
        Some(v) if values.len() >= 2 && values.last().is_some_and(|d| d == v) => Progress::Done,
        Some(v) if values.first().is_some_and(|f| f == v) => Progress::NotStarted,
        Some(_) => Progress::InProgress,
        None if counted > 0 => Progress::InProgress,
        None => Progress::NotStarted,
    }
}

/// The value key under which free-text attributes are counted (the scheme's `text` kind):
/// how many annotations have one, not one row for every different text.
pub const TEXT_VALUE: &str = "(text)";

/// The values an attribute value counts as: itself, or each item of a list; free text as
/// [`TEXT_VALUE`].
fn value_keys(scheme: &Scheme, tag: &str, name: &str, v: &AttrValue) -> Vec<String> {
    let free_text = scheme
        .tag(tag)
        .and_then(|t| t.attribute(name))
        .is_some_and(|a| a.kind == AttrKind::Text);
    match v {
        _ if free_text => vec![TEXT_VALUE.to_owned()],
        AttrValue::List(items) => items.clone(),
        other => vec![other.display()],
    }
}

/// The statistics of one article: its annotations, relation count and labels under `scheme`.
pub fn summarize(
    annotations: &[Annotation],
    relations: usize,
    labels: &BTreeMap<String, AttrValue>,
    scheme: &Scheme,
) -> Stats {
    let mut s = Stats {
        articles: 1,
        relations,
        ..Stats::default()
    };
    for a in annotations {
        match a.status {
            Some(Status::Orphaned) => {
                s.orphaned += 1;
                continue;
            }
            Some(Status::Suggested) => {
                s.suggested += 1;
                continue;
            }
            Some(Status::Uncertain) | None => {}
        }
        s.annotations += 1;
        *s.lengths.entry(a.range.len()).or_insert(0) += 1;
        let tally = s.tags.entry(a.tag.clone()).or_default();
        tally.annotations += 1;
        *tally.by_annotator.entry(a.annotator.clone()).or_insert(0) += 1;
        s.annotators
            .entry(a.annotator.clone())
            .or_default()
            .annotations += 1;
        for (name, value) in &a.attributes {
            for v in value_keys(scheme, &a.tag, name, value) {
                let t = s
                    .values
                    .entry(a.tag.clone())
                    .or_default()
                    .entry(name.clone())
                    .or_default()
                    .entry(v)
                    .or_default();
                t.annotations += 1;
                *t.by_annotator.entry(a.annotator.clone()).or_insert(0) += 1;
            }
        }
    }
    // In one article, "articles with at least one" is 1 wherever there is one.
    for t in s.tags.values_mut() {
        t.articles = 1;
    }
    for t in s
        .values
        .values_mut()
        .flat_map(|a| a.values_mut())
        .flat_map(|v| v.values_mut())
    {
        t.articles = 1;
    }
    for t in s.annotators.values_mut() {
        t.articles = 1;
    }
    let status = labels.get(STATUS_LABEL);
    match progress(scheme, status, s.annotations) {
        Progress::NotStarted => s.not_started = 1,
        Progress::InProgress => s.in_progress = 1,
        Progress::Done => s.done = 1,
    }
    let key = status.map(AttrValue::display).unwrap_or_default();
    s.status_values.insert(key, 1);
    s
}

/// The statistics of one open document.
pub fn summarize_document(doc: &Document) -> Stats {
    summarize(
        doc.annotations(),
        doc.relations().len(),
        doc.labels(),
        &doc.scheme,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Attributes, CharRange};

    fn ann(tag: &str, len: usize, who: &str, status: Option<Status>) -> Annotation {
        let mut attributes = Attributes::new();
        attributes.insert("kind".into(), AttrValue::Text("direct".into()));
        attributes.insert("speaker".into(), AttrValue::Text(format!("{who} {len}")));
        attributes.insert(
            "topics".into(),
            AttrValue::List(vec!["a".into(), "b".into()]),
        );
        Annotation {
            id: format!("{tag}{len}").into(),
            tag: tag.into(),
            range: CharRange::new(0, len),
            text: "x".repeat(len),
            prefix: String::new(),
            suffix: String::new(),
            attributes,
            note: String::new(),
            annotator: who.into(),
            created: String::new(),
            modified: String::new(),
            status,
            review: None,
            origin: None,
            entity: String::new(),
            extra: Default::default(),
        }
    }

    fn labels(status: &str) -> BTreeMap<String, AttrValue> {
        BTreeMap::from([(STATUS_LABEL.to_owned(), AttrValue::Text(status.into()))])
    }

    #[test]
    fn one_article() {
        let scheme = Scheme::default_news();
        let anns = [
            ann("quote", 12, "ana", None),
            ann("quote", 30, "bo", Some(Status::Uncertain)),
            ann("claim", 5, "ana", Some(Status::Suggested)),
            ann("claim", 7, "ana", Some(Status::Orphaned)),
        ];
        let s = summarize(&anns, 3, &labels("in_progress"), &scheme);
        assert_eq!(
            (s.annotations, s.suggested, s.orphaned, s.relations),
            (2, 1, 1, 3)
        );
        assert_eq!(s.in_progress, 1);
        let q = &s.tags["quote"];
        assert_eq!((q.annotations, q.articles), (2, 1));
        assert_eq!(q.by_annotator["bo"], 1);
        assert!(
            !s.tags.contains_key("claim"),
            "suggested and orphaned count apart"
        );
        assert_eq!(s.values["quote"]["topics"]["a"].annotations, 2);
        assert_eq!(
            s.values["quote"]["speaker"].keys().collect::<Vec<_>>(),
            [TEXT_VALUE],
            "free text is counted, not listed"
        );
        assert_eq!(s.lengths, BTreeMap::from([(12, 1), (30, 1)]));
        assert_eq!(s.annotators["ana"].annotations, 1);
    }

    #[test]
    fn progress_follows_the_status_label() {
        let scheme = Scheme::default_news();
        let t = |v: &str| AttrValue::Text(v.into());
        assert_eq!(progress(&scheme, Some(&t("done")), 0), Progress::Done);
        assert_eq!(progress(&scheme, Some(&t("todo")), 5), Progress::NotStarted);
        assert_eq!(
            progress(&scheme, Some(&t("in_progress")), 0),
            Progress::InProgress
        );
        assert_eq!(progress(&scheme, None, 1), Progress::InProgress);
        assert_eq!(progress(&scheme, None, 0), Progress::NotStarted);
        let none = summarize(&[], 0, &BTreeMap::new(), &scheme);
        assert_eq!((none.articles, none.not_started), (1, 1));
    }

    #[test]
    fn adding_and_subtracting_articles_is_exact() {
        let scheme = Scheme::default_news();
        let a = summarize(
            &[ann("quote", 12, "ana", None)],
            0,
            &labels("done"),
            &scheme,
        );
        let b = summarize(
            &[ann("quote", 40, "bo", None), ann("claim", 3, "bo", None)],
            1,
            &BTreeMap::new(),
            &scheme,
        );
        let mut corpus = Stats::default();
        corpus.add(&a);
        corpus.add(&b);
        assert_eq!(corpus.articles, 2);
        assert_eq!(corpus.tags["quote"].articles, 2);
        assert_eq!(corpus.tags["quote"].annotations, 2);
        assert_eq!((corpus.done, corpus.in_progress), (1, 1));
        // The window re-summarizes an edited article: out with the old, in with the new.
        let b2 = summarize(&[ann("claim", 3, "bo", None)], 0, &labels("done"), &scheme);
        corpus.subtract(&b);
        corpus.add(&b2);
        let mut fresh = Stats::default();
        fresh.add(&a);
        fresh.add(&b2);
        assert_eq!(corpus, fresh);
        corpus.subtract(&a);
        corpus.subtract(&b2);
        assert_eq!(corpus, Stats::default());
    }

    #[test]
    fn length_summary() {
        let s = Stats {
            lengths: BTreeMap::from([(3, 1), (10, 2), (45, 1), (1200, 1)]),
            ..Stats::default()
        };
        let l = s.length_summary();
        assert_eq!(
            (l.spans, l.min, l.median, l.p90, l.max),
            (5, 3, 10, 1200, 1200)
        );
        assert!((l.mean - 253.6).abs() < 1e-9);
        assert_eq!(
            l.buckets.iter().map(|b| b.count).collect::<Vec<_>>(),
            [1, 2, 1, 0, 0, 0, 0, 1]
        );
        assert_eq!(Stats::default().length_summary().spans, 0);
    }
}
