//! Comparing annotators on one article and adjudicating a gold standard: the compare view's
//! numbers and rules, without the view.
//!
//! From one article paired across annotators ([`super::pairing`]), [`compare_article`] makes
//! the merged **candidate list**: every distinct (span, tag) any annotator marked, with who has
//! it, classified as INCEpTION's curation page does:
//!
//! | class | when |
//! |---|---|
//! | [`Class::Agree`] | every annotator who has the article marked this span with this tag |
//! | [`Class::Disagree`] | annotators marked exactly this span with different tags |
//! | [`Class::OnlySome`] | some annotators marked it, others have nothing with these boundaries |
//!
//! Boundaries are exact: two spans that overlap but start or end elsewhere are two candidates,
//! each [`Class::OnlySome`] (INCEpTION's "incomplete"). The article's agreement figures come
//! from [`super::agreement`] (span F1 per pair, Krippendorff's α over characters, Fleiss' κ).
//!
//! **Decisions** ([`Decisions`]) record, per candidate key (start, end, tag), an accepted gold
//! annotation or a rejection. [`gold_sidecar`] turns them into the gold sidecar's content, a
//! pure function: accepted annotations carry `origin: {kind: adjudication, from:
//! ["annotator:id", …], decision: unanimous | adjudicated, by}`; rejections go to the
//! top-level `adjudication.rejected` list. [`Decisions::from_gold`] reads them back from a gold
//! sidecar, so re-opening a comparison keeps every earlier decision. Gold annotations that no
//! candidate explains (added by hand in the gold) are kept as they are.
//!
//! [`queue`] orders a folder's articles for adjudication: lowest agreement (α over characters)
//! first, with the count of open disagreements (candidates not all agree on, undecided).
//!
//! Offsets are chars on the reference text (the first annotator's copy). Relations are not
//! carried into the gold sidecar. Pure: no file I/O, no clock (times and ids come from a
//! [`Stamps`] the caller passes).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::agreement::{self, Entry, Figure};
use super::pairing::Paired;
use crate::core::model::{AdjudicationRecord, AnnotationId, Rejected};
use crate::core::sidecar::{ArticleRef, SidecarData};
use crate::core::{
    Annotation, Attributes, CharRange, Decision, IndexedText, Origin, OriginKind, Stamps,
};

/// How annotators stand on a candidate (INCEpTION's curation colours).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// Every annotator who has the article marked it, with this tag.
    Agree,
    /// The same span carries different tags from different annotators.
    Disagree,
    /// Only some annotators marked it.
    OnlySome,
}

impl Class {
    /// Every class, in legend order.
    pub const ALL: [Class; 3] = [Class::Agree, Class::Disagree, Class::OnlySome];

    /// The legend's words.
    pub fn label(self) -> &'static str {
        match self {
            Class::Agree => "all agree",
            Class::Disagree => "disagree on tag",
            Class::OnlySome => "only some have it",
        }
    }
}

/// One annotator's annotation behind a candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct Holder {
    /// Index into [`Comparison::annotators`].
    pub annotator: usize,
    /// The annotation's id in that annotator's sidecar.
    pub id: AnnotationId,
    /// Its attribute values (the gold annotation takes the first holder's).
    pub attributes: Attributes,
    /// Its entity (sourcing spans).
    pub entity: String,
}

/// One distinct (span, tag) some annotator marked.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Where, on the reference text.
    pub range: CharRange,
    /// The tag.
    pub tag: String,
    /// Who has it, in annotator order (an annotator who marked it twice appears twice).
    pub holders: Vec<Holder>,
    /// How the annotators stand on it.
    pub class: Class,
}

impl Candidate {
    /// The key decisions are recorded under.
    pub fn key(&self) -> Key {
        (self.range.start, self.range.end, self.tag.clone())
    }

    /// `true` when annotator `i` has it.
    pub fn held_by(&self, i: usize) -> bool {
        self.holders.iter().any(|h| h.annotator == i)
    }
}

/// A candidate's key: start, end (chars) and tag.
pub type Key = (usize, usize, String);

/// The figures shown in the compare view's corner.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleFigures {
    /// Strict span F1 per pair of annotators present: (a, b, figure).
    pub pair_f1: Vec<(usize, usize, Figure)>,
    /// The mean of the defined pairwise strict span F1s (`None` when none is defined).
    pub mean_f1: Option<f64>,
    /// Krippendorff's α (nominal) over characters, all annotators.
    pub char_alpha: Figure,
    /// Fleiss' κ over characters (three or more annotators).
    pub fleiss_kappa: Figure,
}

/// One article compared across annotators.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The article's name (relative path).
    pub name: String,
    /// Every annotator, in the order given.
    pub annotators: Vec<String>,
    /// Which annotators have the article.
    pub present: Vec<bool>,
    /// The merged candidates, sorted by start, end, tag.
    pub candidates: Vec<Candidate>,
    /// The article's agreement figures.
    pub figures: ArticleFigures,
}

impl Comparison {
    /// How many candidates there are of each class, in [`Class::ALL`] order.
    pub fn class_counts(&self) -> [usize; 3] {
        let mut out = [0; 3];
        for c in &self.candidates {
            out[Class::ALL.iter().position(|k| *k == c.class).unwrap_or(0)] += 1;
        }
        out
    }

    /// The candidate with this key.
    pub fn find(&self, key: &Key) -> Option<usize> {
        self.candidates
            .binary_search_by(|c| (c.range.start, c.range.end, &c.tag).cmp(&(key.0, key.1, &key.2)))
            .ok()
    }

    /// Candidates not every annotator agrees on that have no decision yet.
    pub fn open_disagreements(&self, decisions: &Decisions) -> usize {
        open_disagreements(self, &self.states(decisions))
    }

    /// Where each candidate stands (`states[i]` is candidate `i`'s [`Decisions::state`]), in
    /// one walk of the candidates and the decisions side by side (both sorted by key).
    pub fn states(&self, decisions: &Decisions) -> Vec<State> {
        /// Moves `keys` up to `key`; `true` when it is there.
        fn reaches<V>(
            keys: &mut std::iter::Peekable<std::collections::btree_map::Keys<'_, Key, V>>,
            key: (usize, usize, &str),
        ) -> bool {
            while let Some(k) = keys.peek() {
                match (k.0, k.1, k.2.as_str()).cmp(&key) {
                    std::cmp::Ordering::Less => {
                        keys.next();
                    }
                    std::cmp::Ordering::Equal => return true,
                    std::cmp::Ordering::Greater => return false,
                }
            }
            false
        }
        let mut accepted = decisions.accepted.keys().peekable();
        let mut rejected = decisions.rejected.keys().peekable();
        self.candidates
            .iter()
            .map(|c| {
                let key = (c.range.start, c.range.end, c.tag.as_str());
                if reaches(&mut accepted, key) {
                    State::Accepted
                } else if reaches(&mut rejected, key) {
                    State::Rejected
                } else {
                    State::Open
                }
            })
            .collect()
    }

    /// A line per annotator saying what they have on `range` (exactly there, or overlapping):
    /// what hovering shows.
    pub fn who_has_what(&self, range: CharRange) -> Vec<String> {
        self.annotators
            .iter()
            .enumerate()
            .map(|(i, name)| {
                if !self.present[i] {
                    return format!("{name}: does not have this article");
                }
                let mut exact = Vec::new();
                let mut near = Vec::new();
                for c in &self.candidates {
                    if c.range.start >= range.end {
                        break;
                    }
                    if !c.held_by(i) || c.range.end <= range.start {
                        continue;
                    }
                    if c.range == range {
                        exact.push(c.tag.clone());
                    } else {
                        near.push(format!("{} {}–{}", c.tag, c.range.start, c.range.end));
                    }
                }
                match (exact.is_empty(), near.is_empty()) {
                    (true, true) => format!("{name}: nothing here"),
                    (false, true) => format!("{name}: {}", exact.join(", ")),
                    (true, false) => format!("{name}: other boundaries ({})", near.join(", ")),
                    (false, false) => {
                        format!("{name}: {}; also {}", exact.join(", "), near.join(", "))
                    }
                }
            })
            .collect()
    }
}

/// Builds the candidate list and figures of one paired article. `annotators` names the sides
/// of `paired.members`, in order.
pub fn compare_article(annotators: &[String], paired: &Paired<'_>) -> Comparison {
    let present: Vec<bool> = paired.members.iter().map(Option::is_some).collect();
    let n_present = present.iter().filter(|p| **p).count();
    let mut by_key: BTreeMap<(usize, usize, &str), Vec<Holder>> = BTreeMap::new();
    for (i, m) in paired.members.iter().enumerate() {
        let Some(m) = m else { continue };
        for p in &m.placed {
            by_key
                .entry((p.range.start, p.range.end, p.annotation.tag.as_str()))
                .or_default()
                .push(Holder {
                    annotator: i,
                    id: p.annotation.id.clone(),
                    attributes: p.annotation.attributes.clone(),
                    entity: p.annotation.entity.clone(),
                });
        }
    }
    // Tags per exact span, to tell a tag disagreement.
    let mut tags_at: HashMap<(usize, usize), usize> = HashMap::new();
    for (s, e, _) in by_key.keys() {
        *tags_at.entry((*s, *e)).or_default() += 1;
    }
    let candidates = by_key
        .into_iter()
        .map(|((s, e, tag), holders)| {
            let distinct: BTreeSet<usize> = holders.iter().map(|h| h.annotator).collect();
            let class = if tags_at.get(&(s, e)).copied().unwrap_or(0) > 1 {
                Class::Disagree
            } else if distinct.len() == n_present {
                Class::Agree
            } else {
                Class::OnlySome
            };
            Candidate {
                range: CharRange::new(s, e),
                tag: tag.to_owned(),
                holders,
                class,
            }
        })
        .collect();
    Comparison {
        name: paired.relative.clone(),
        annotators: annotators.to_vec(),
        present,
        candidates,
        figures: figures_of(annotators, paired),
    }
}

fn figures_of(annotators: &[String], paired: &Paired<'_>) -> ArticleFigures {
    let input = agreement::input_from_pairing(annotators.to_vec(), std::slice::from_ref(paired));
    let undefined = |why: String| ArticleFigures {
        pair_f1: Vec::new(),
        mean_f1: None,
        char_alpha: Figure::Undefined(why.clone()),
        fleiss_kappa: Figure::Undefined(why),
    };
    let ag = match agreement::compute(&input) {
        Ok(ag) => ag,
        Err(e) => return undefined(e.to_string()),
    };
    let Some(art) = ag.per_article.first() else {
        return undefined("no article".into());
    };
    let figure = |f: &agreement::Figures, name: &str| match agreement::get(f, name) {
        Some(Entry::Figure(fig)) => fig.clone(),
        _ => Figure::Undefined(format!("{name} not computed")),
    };
    let pair_f1: Vec<(usize, usize, Figure)> = art
        .pairs
        .iter()
        .map(|(a, b, f)| (*a, *b, figure(f, "span.strict.f1")))
        .collect();
    let defined: Vec<f64> = pair_f1.iter().filter_map(|(_, _, f)| f.value()).collect();
    ArticleFigures {
        mean_f1: (!defined.is_empty()).then(|| defined.iter().sum::<f64>() / defined.len() as f64),
        pair_f1,
        char_alpha: figure(&art.group, "char_alpha"),
        fleiss_kappa: figure(&art.group, "fleiss_kappa"),
    }
}

/// Candidates not every annotator agrees on that are still open, given each one's state
/// ([`Comparison::states`]).
pub fn open_disagreements(cmp: &Comparison, states: &[State]) -> usize {
    cmp.candidates
        .iter()
        .zip(states)
        .filter(|(c, s)| c.class != Class::Agree && **s == State::Open)
        .count()
}

/// Where a candidate stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// No decision yet.
    Open,
    /// In the gold standard.
    Accepted,
    /// Rejected.
    Rejected,
}

/// What the adjudicator decided, by candidate key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decisions {
    /// Accepted: the gold annotation, by key.
    pub accepted: BTreeMap<Key, Annotation>,
    /// Rejected: the annotators' annotations rejected, by key.
    pub rejected: BTreeMap<Key, Vec<Rejected>>,
    /// Gold annotations no decision made (added by hand in the gold sidecar): kept as they are.
    pub kept: Vec<Annotation>,
    /// The gold sidecar's other content (labels, relations, unknown fields), kept.
    pub base: Option<SidecarData>,
}

impl Decisions {
    /// Reads earlier decisions back from a gold sidecar.
    pub fn from_gold(gold: &SidecarData) -> Decisions {
        let mut d = Decisions::default();
        for a in &gold.annotations {
            let adjudicated = a
                .origin
                .as_ref()
                .is_some_and(|o| o.kind == OriginKind::Adjudication);
            if adjudicated {
                d.accepted
                    .insert((a.range.start, a.range.end, a.tag.clone()), a.clone());
            } else {
                d.kept.push(a.clone());
            }
        }
        for r in &gold.adjudication.rejected {
            d.rejected
                .entry((r.start, r.end, r.tag.clone()))
                .or_default()
                .push(r.clone());
        }
        let mut base = gold.clone();
        base.annotations.clear();
        base.adjudication.rejected.clear();
        d.base = Some(base);
        d
    }

    /// Where the candidate with `key` stands.
    pub fn state(&self, key: &Key) -> State {
        if self.accepted.contains_key(key) {
            State::Accepted
        } else if self.rejected.contains_key(key) {
            State::Rejected
        } else {
            State::Open
        }
    }

    /// The ids of the gold's annotations (accepted and kept): a new one must differ.
    fn ids_in_use(&self) -> BTreeSet<String> {
        self.accepted
            .values()
            .chain(&self.kept)
            .map(|a| a.id.to_string())
            .collect()
    }

    /// Accepts candidate `index` of `cmp` into the gold standard, decided `by` this person
    /// (an earlier rejection is withdrawn). Accepting one tag of a span the annotators
    /// disagree on rejects the span's other, undecided tags. `text` is the reference text.
    pub fn accept(
        &mut self,
        cmp: &Comparison,
        index: usize,
        text: &IndexedText,
        by: &str,
        stamps: &mut dyn Stamps,
    ) {
        let mut used = self.ids_in_use();
        self.accept_with(cmp, index, text, by, stamps, &mut used);
    }

    /// [`Decisions::accept`] with the ids in use known (`used` gains the new one).
    fn accept_with(
        &mut self,
        cmp: &Comparison,
        index: usize,
        text: &IndexedText,
        by: &str,
        stamps: &mut dyn Stamps,
        used: &mut BTreeSet<String>,
    ) {
        let Some(c) = cmp.candidates.get(index) else {
            return;
        };
        let key = c.key();
        if self.accepted.contains_key(&key) {
            return;
        }
        self.rejected.remove(&key);
        let mut id = stamps.new_id();
        while used.contains(&id) {
            id = stamps.new_id();
        }
        used.insert(id.clone());
        let now = stamps.now();
        let first = c.holders.first();
        let mut origin = Origin::new(OriginKind::Adjudication);
        origin.from = c
            .holders
            .iter()
            .map(|h| format!("{}:{}", cmp.annotators[h.annotator], h.id))
            .collect();
        origin.decision = Some(if c.class == Class::Agree {
            Decision::Unanimous
        } else {
            Decision::Adjudicated
        });
        origin.by = (!by.is_empty()).then(|| by.to_owned());
        let ann = Annotation {
            attributes: first.map(|h| h.attributes.clone()).unwrap_or_default(),
            annotator: by.to_owned(),
            created: now.clone(),
            modified: now,
            origin: Some(Box::new(origin)),
            entity: first.map(|h| h.entity.clone()).unwrap_or_default(),
            ..Annotation::on_text(text, id.into(), c.tag.clone(), c.range)
        };
        self.accepted.insert(key, ann);
        if c.class == Class::Disagree {
            let siblings: Vec<usize> = cmp
                .candidates
                .iter()
                .enumerate()
                .filter(|(j, o)| *j != index && o.range == c.range)
                .map(|(j, _)| j)
                .collect();
            for j in siblings {
                if self.state(&cmp.candidates[j].key()) == State::Open {
                    self.reject(cmp, j);
                }
            }
        }
    }

    /// Rejects candidate `index` of `cmp` (an earlier acceptance is withdrawn).
    pub fn reject(&mut self, cmp: &Comparison, index: usize) {
        let Some(c) = cmp.candidates.get(index) else {
            return;
        };
        let key = c.key();
        self.accepted.remove(&key);
        let rows = c
            .holders
            .iter()
            .map(|h| Rejected {
                annotator: cmp.annotators[h.annotator].clone(),
                id: h.id.clone(),
                start: c.range.start,
                end: c.range.end,
                tag: c.tag.clone(),
            })
            .collect();
        self.rejected.insert(key, rows);
    }

    /// Accepts every open candidate all annotators agree on (Shift+A). Returns how many.
    pub fn accept_all_agreed(
        &mut self,
        cmp: &Comparison,
        text: &IndexedText,
        by: &str,
        stamps: &mut dyn Stamps,
    ) -> usize {
        let open: Vec<usize> = (0..cmp.candidates.len())
            .filter(|&i| {
                let c = &cmp.candidates[i];
                c.class == Class::Agree && self.state(&c.key()) == State::Open
            })
            .collect();
        let mut used = self.ids_in_use();
        for &i in &open {
            self.accept_with(cmp, i, text, by, stamps, &mut used);
        }
        open.len()
    }
}

/// The gold sidecar's content: the accepted and kept annotations, the rejections under
/// `adjudication`, and everything else from the earlier gold sidecar (or empty). `article`
/// describes the gold article; `scheme` is the scheme reference written (when the earlier gold
/// had none).
pub fn gold_sidecar(article: ArticleRef, scheme: &str, decisions: &Decisions) -> SidecarData {
    let mut data = decisions.base.clone().unwrap_or_default();
    data.article = ArticleRef {
        extra: std::mem::take(&mut data.article.extra),
        ..article
    };
    if data.scheme.is_empty() {
        data.scheme = scheme.to_owned();
    }
    data.annotations = decisions
        .accepted
        .values()
        .chain(&decisions.kept)
        .cloned()
        .collect();
    let mut rejected: Vec<Rejected> = decisions.rejected.values().flatten().cloned().collect();
    rejected.sort_by(|a, b| {
        (a.start, a.end, &a.tag, &a.annotator, &a.id).cmp(&(
            b.start,
            b.end,
            &b.tag,
            &b.annotator,
            &b.id,
        ))
    });
    data.adjudication = AdjudicationRecord {
        rejected,
        extra: std::mem::take(&mut data.adjudication.extra),
    };
    // Relations whose ends are no longer in the gold are dropped.
    let ids: BTreeSet<&str> = data.annotations.iter().map(|a| a.id.as_str()).collect();
    let relations = std::mem::take(&mut data.relations);
    data.relations = relations
        .into_iter()
        .filter(|r| ids.contains(r.from.as_str()) && ids.contains(r.to.as_str()))
        .collect();
    data
}

/// One row of the adjudication queue.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueRow {
    /// Index into the comparisons given.
    pub index: usize,
    /// The article's name.
    pub name: String,
    /// Krippendorff's α over characters (`None`: undefined).
    pub alpha: Option<f64>,
    /// Open disagreements.
    pub open: usize,
}

/// The adjudication queue: articles with the lowest agreement (α over characters) first, those
/// whose α is undefined last, ties by name. `decisions[i]` belongs to `comparisons[i]`.
pub fn queue(comparisons: &[Comparison], decisions: &[Decisions]) -> Vec<QueueRow> {
    let none = Decisions::default();
    let mut rows: Vec<QueueRow> = comparisons
        .iter()
        .enumerate()
        .map(|(i, c)| QueueRow {
            index: i,
            name: c.name.clone(),
            alpha: c.figures.char_alpha.value(),
            open: c.open_disagreements(decisions.get(i).unwrap_or(&none)),
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &QueueRow| r.alpha.unwrap_or(f64::INFINITY);
        key(a).total_cmp(&key(b)).then_with(|| a.name.cmp(&b.name))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::pairing::{Source, pair_sides, split_by_annotator};
    use crate::core::{Article, Document, FixedStamps, Scheme};

    fn doc(text: &str, anns: &[(usize, usize, &str, &str)]) -> Document {
        let article = Article::from_bytes(
            std::path::Path::new("a.txt"),
            text.as_bytes(),
            &crate::core::LoadOptions::default(),
        )
        .unwrap();
        let mut d = Document::new(article, Scheme::default_news(), None);
        for (s, e, tag, who) in anns {
            d.perform(
                crate::core::Action::Add {
                    tag: (*tag).into(),
                    range: CharRange::new(*s, *e),
                    attributes: Default::default(),
                    note: String::new(),
                    status: None,
                },
                who,
            )
            .unwrap();
        }
        d
    }

    const TEXT: &str = "the minister said the strike will end";

    fn three() -> (Vec<Document>, Vec<String>) {
        let ana = doc(
            TEXT,
            &[(0, 17, "sourcing", "ana"), (18, 37, "claim", "ana")],
        );
        let ben = doc(
            TEXT,
            &[
                (4, 12, "sourcing", "ben"),
                (18, 37, "claim", "ben"),
                (22, 28, "stance", "ben"),
            ],
        );
        let cy = doc(TEXT, &[(18, 37, "claim", "cy"), (22, 28, "claim", "cy")]);
        (
            vec![ana, ben, cy],
            vec!["ana".into(), "ben".into(), "cy".into()],
        )
    }

    fn compare(docs: &[Document], names: &[String]) -> Comparison {
        let sides: Vec<Vec<Source<'_>>> = docs
            .iter()
            .map(|d| {
                vec![Source {
                    relative: "a.txt",
                    doc: d,
                }]
            })
            .collect();
        let (paired, _) = pair_sides(&sides, false);
        compare_article(names, &paired[0])
    }

    #[test]
    fn candidates_are_classified_as_curation_does() {
        let (docs, names) = three();
        let cmp = compare(&docs, &names);
        let got: Vec<(usize, usize, &str, Class, Vec<usize>)> = cmp
            .candidates
            .iter()
            .map(|c| {
                (
                    c.range.start,
                    c.range.end,
                    c.tag.as_str(),
                    c.class,
                    c.holders.iter().map(|h| h.annotator).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 17, "sourcing", Class::OnlySome, vec![0]),
                (4, 12, "sourcing", Class::OnlySome, vec![1]),
                (18, 37, "claim", Class::Agree, vec![0, 1, 2]),
                (22, 28, "claim", Class::Disagree, vec![2]),
                (22, 28, "stance", Class::Disagree, vec![1]),
            ]
        );
        assert_eq!(cmp.class_counts(), [1, 2, 2]);
        assert_eq!(cmp.open_disagreements(&Decisions::default()), 4);
        // Three annotators: Fleiss' κ is defined; three pairs of F1.
        assert!(cmp.figures.fleiss_kappa.value().is_some());
        assert_eq!(cmp.figures.pair_f1.len(), 3);
        let who = cmp.who_has_what(CharRange::new(22, 28));
        assert_eq!(who[0], "ana: other boundaries (claim 18–37)");
        assert_eq!(who[1], "ben: stance; also claim 18–37");
        assert_eq!(who[2], "cy: claim; also claim 18–37");
    }

    #[test]
    fn an_annotator_without_the_article_does_not_block_agreement() {
        let (mut docs, names) = three();
        docs.truncate(2);
        let sides: Vec<Vec<Source<'_>>> = vec![
            vec![Source {
                relative: "a.txt",
                doc: &docs[0],
            }],
            vec![Source {
                relative: "a.txt",
                doc: &docs[1],
            }],
            vec![],
        ];
        let (paired, _) = pair_sides(&sides, false);
        let cmp = compare_article(&names, &paired[0]);
        assert_eq!(cmp.present, vec![true, true, false]);
        let claim = &cmp.candidates[cmp.find(&(18, 37, "claim".into())).unwrap()];
        assert_eq!(claim.class, Class::Agree);
        assert!(cmp.who_has_what(claim.range)[2].contains("does not have"));
    }

    #[test]
    fn decisions_make_the_gold_sidecar_and_come_back_from_it() {
        let (docs, names) = three();
        let cmp = compare(&docs, &names);
        let text = &docs[0].article.text;
        let mut stamps = FixedStamps::new("2026-12-01T12:00:00Z");
        stamps.prefix = "g".into();
        let mut d = Decisions::default();
        assert_eq!(d.accept_all_agreed(&cmp, text, "lead", &mut stamps), 1);
        // Accepting ben's stance rejects cy's claim on the same span.
        let stance = cmp.find(&(22, 28, "stance".into())).unwrap();
        d.accept(&cmp, stance, text, "lead", &mut stamps);
        d.reject(&cmp, 0);
        assert_eq!(d.state(&(22, 28, "claim".into())), State::Rejected);
        assert_eq!(cmp.open_disagreements(&d), 1);
        let article = docs[0].to_sidecar().article;
        let gold = gold_sidecar(article.clone(), "news@1", &d);
        let json = gold.to_json();
        assert!(json.contains("\"kind\": \"adjudication\""), "{json}");
        assert!(json.contains("\"decision\": \"unanimous\""));
        assert!(json.contains("\"decision\": \"adjudicated\""));
        assert!(json.contains("\"by\": \"lead\""));
        let claim = gold.annotations.iter().find(|a| a.tag == "claim").unwrap();
        let from = &claim.origin.as_ref().unwrap().from;
        let ids: Vec<String> = docs
            .iter()
            .zip(&names)
            .map(|(doc, n)| {
                let a = doc
                    .annotations()
                    .iter()
                    .find(|a| a.tag == "claim" && a.range.start == 18)
                    .unwrap();
                format!("{n}:{}", a.id)
            })
            .collect();
        assert_eq!(from, &ids);
        assert_eq!(claim.text, "the strike will end");
        assert_eq!(claim.id, "g0001");
        let rejected: Vec<(&str, usize, &str)> = gold
            .adjudication
            .rejected
            .iter()
            .map(|r| (r.annotator.as_str(), r.start, r.tag.as_str()))
            .collect();
        assert_eq!(rejected, vec![("ana", 0, "sourcing"), ("cy", 22, "claim")]);
        // Through the file format and back: the same decisions, the same bytes.
        let parsed = SidecarData::parse(json.as_bytes(), std::path::Path::new("g.json")).unwrap();
        let again = Decisions::from_gold(&parsed);
        assert_eq!(again.accepted, d.accepted);
        assert_eq!(again.rejected, d.rejected);
        assert_eq!(gold_sidecar(article, "news@1", &again).to_json(), json);
        // Changing one's mind: X on an accepted candidate, A on a rejected one.
        let mut d = again;
        d.reject(&cmp, stance);
        assert_eq!(d.state(&(22, 28, "stance".into())), State::Rejected);
        d.accept(&cmp, 0, text, "lead", &mut stamps);
        assert_eq!(d.state(&(0, 17, "sourcing".into())), State::Accepted);
    }

    #[test]
    fn annotators_of_one_sidecar_compare_too() {
        let d = doc(
            TEXT,
            &[
                (18, 37, "claim", "ana"),
                (18, 37, "claim", "ben"),
                (0, 3, "sourcing", "ben"),
            ],
        );
        let (names, paired, _) = split_by_annotator(
            &[Source {
                relative: "a.txt",
                doc: &d,
            }],
            false,
        );
        let cmp = compare_article(&names, &paired[0]);
        assert_eq!(names, vec!["ana", "ben"]);
        assert_eq!(cmp.class_counts(), [1, 0, 1]);
    }

    #[test]
    fn states_in_one_walk_are_each_candidates_state() {
        let (docs, names) = three();
        let cmp = compare(&docs, &names);
        let text = &docs[0].article.text;
        let mut d = Decisions::default();
        let mut stamps = FixedStamps::new("2026-12-01T12:00:00Z");
        for i in (0..cmp.candidates.len()).step_by(2) {
            d.accept(&cmp, i, text, "lead", &mut stamps);
        }
        if cmp.candidates.len() > 1 {
            d.reject(&cmp, cmp.candidates.len() - 1);
        }
        let one_by_one: Vec<State> = cmp.candidates.iter().map(|c| d.state(&c.key())).collect();
        assert_eq!(cmp.states(&d), one_by_one);
        assert!(one_by_one.contains(&State::Accepted));
        assert!(one_by_one.contains(&State::Open) || one_by_one.contains(&State::Rejected));
    }

    #[test]
    fn the_queue_puts_the_lowest_agreement_first() {
        let (docs, names) = three();
        let low = compare(&docs, &names);
        let same = [
            doc(TEXT, &[(0, 3, "claim", "a")]),
            doc(TEXT, &[(0, 3, "claim", "b")]),
        ];
        let mut high = compare(&same, &names[..2]);
        high.name = "b.txt".into();
        let empty = [doc(TEXT, &[]), doc(TEXT, &[])];
        let mut none = compare(&empty, &names[..2]);
        none.name = "0.txt".into();
        let rows = queue(&[high, none, low], &[]);
        let order: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(order, vec!["a.txt", "b.txt", "0.txt"]);
        assert_eq!(rows[0].open, 4);
        assert_eq!(rows[1].alpha, Some(1.0));
        assert_eq!(rows[2].alpha, None);
    }
}
