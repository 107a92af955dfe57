//! One story, many outlets: every annotated quote and claim of a folder grouped with its
//! variants in the other articles (`tagline story`).
//!
//! **Words.** Each article is normalised once by the core ([`Normalized`]: quote marks,
//! dashes, whitespace runs, invisible chars) and cut into words: runs of letters and digits,
//! keeping an apostrophe or hyphen between letters (`I'll`, `east-side`) and a point or comma
//! between digits (`4.2`, `18,000`), lower-cased. Each word keeps its range in the original
//! text, so every member found is a tight span at code-point offsets of the article. A short
//! list of English function words ([`is_function_word`]: articles, pronouns, auxiliaries and
//! modals, prepositions, `said`) weighs [`FUNCTION_WEIGHT`]; every other word (a *content word*)
//! weighs 1.
//!
//! **Matching.** For each eligible annotation (a `quote` or `claim`, not orphaned, not suggested
//! unless asked) and each other article, the places where at least [`MIN_CONTENT_WORDS`] of its
//! distinct content words occur close together are aligned word by word (Smith–Waterman: a shared
//! word scores its weight, a substituted word [`SUBSTITUTION`], a skipped word on either side
//! [`GAP`]; never across a sentence end). The best alignment is accepted when it shares at least
//! [`MIN_CONTENT_WORDS`] content words and either
//!
//! - covers at least [`MIN_COVERAGE`] of the annotation's weight, with shared words making at
//!   least [`MIN_REGION_SHARE`] of the place's weight (a reworded or extended variant), or
//! - shares at least [`DENSE_CONTENT_WORDS`] content words and they make at least [`DENSE_SHARE`]
//!   of the place (a trimmed variant: an excerpt of the annotation).
//!
//! An unrelated sentence that shares a few common words (`the council will not …`) has too few
//! content words in common, in order, to pass. An annotation with fewer than
//! [`MIN_CONTENT_WORDS`] content words is matched only nearly verbatim, by the core's
//! [`find_approximate`] (within [`SHORT_MAX_ERROR_RATE`] edits).
//!
//! **Grouping.** A place that overlaps an eligible annotation of the other article (by at least
//! half of the shorter of the two) links the two annotations; otherwise it becomes a member
//! *found by matching* (`annotation: None`), shared by every annotation whose match covers mostly
//! the same words (half of the longer place); places never grow while linking. Groups are the
//! connected sets of these links. Matching is done in both directions, so a trimmed quote found
//! inside a full one links them even when the full one is too long to be found in the trimmed
//! one's article.
//!
//! **Findings.** Each group has its outlets, its members with their words compared with the
//! annotated member whose words the most members share ([`Piece`]), and whom each member is
//! attributed to (the target of its `attributed_to` relation, with that span's `entity` when
//! set). Each article has what only it carries and what it leaves out that more than half of the
//! others carry; each source (its entity, else its words) has the outlets that quote it.
//!
//! Pure: no file I/O, no clock; the same input gives the same output.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Value, json};

use crate::core::anchor::find_approximate;
use crate::core::anchor::normalize::Normalized;
use crate::core::{Annotation, AnnotationId, Article, CharRange, IndexedText, Relation, Status};

/// Weight of a function word (a content word weighs 1).
pub const FUNCTION_WEIGHT: f32 = 0.25;
/// Score of a substituted word in an alignment.
pub const SUBSTITUTION: f32 = -0.5;
/// Score of a word skipped on either side of an alignment.
pub const GAP: f32 = -0.3;
/// Least content words a match shares with the annotation.
pub const MIN_CONTENT_WORDS: usize = 3;
/// Least share of the annotation's weight a reworded match covers.
pub const MIN_COVERAGE: f32 = 0.6;
/// Least share of the matched place's weight made of shared words (reworded match).
pub const MIN_REGION_SHARE: f32 = 0.5;
/// Least content words a trimmed match shares.
pub const DENSE_CONTENT_WORDS: usize = 4;
/// Least share of the matched place's weight made of shared words (trimmed match).
pub const DENSE_SHARE: f32 = 0.8;
/// Most edits per char for an annotation too short for word matching.
pub const SHORT_MAX_ERROR_RATE: f64 = 0.1;
/// Annotations shorter than this (chars) with too few content words are never matched.
pub const MIN_SHORT_CHARS: usize = 12;

/// One article of the story, as the face read it.
#[derive(Clone, Copy, Debug)]
pub struct StoryArticle<'a> {
    /// Its path relative to the folder given, with `/`.
    pub name: &'a str,
    /// The outlet ([`outlet`]).
    pub outlet: &'a str,
    /// Its full decoded text.
    pub text: &'a IndexedText,
    /// All its annotations (the eligible ones are chosen here).
    pub annotations: &'a [Annotation],
    /// Its relations.
    pub relations: &'a [Relation],
}

/// The outlet an article stands for: its front matter's `source` (or `provider`, or the other
/// keys [`crate::core::article::Metadata`] reads), else its file name.
pub fn outlet(article: &Article) -> String {
    article
        .metadata
        .source
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| article.file_name())
}

/// Which annotations take part.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Count `suggested` annotations too (CONVENTIONS: left out unless asked).
    pub include_suggested: bool,
}

/// What a group is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Words attributed to someone.
    Quote,
    /// A statement presented as true.
    Claim,
}

impl Kind {
    /// The word used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Quote => "quote",
            Kind::Claim => "claim",
        }
    }

    /// The kind of groups annotations of `tag` take part in (`quote`, `claim`), if any.
    pub fn of_tag(tag: &str) -> Option<Kind> {
        match tag {
            "quote" => Some(Kind::Quote),
            "claim" => Some(Kind::Claim),
            _ => None,
        }
    }
}

/// Whom a member is attributed to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribution {
    /// The words of the source span (or the quote's own speaker).
    pub text: String,
    /// The source's canonical name, when set.
    pub entity: Option<String>,
    /// The source span is marked `identity: anonymous`.
    pub anonymous: bool,
}

impl Attribution {
    /// The name to show and to group sources by: the entity, else the words.
    pub fn name(&self) -> &str {
        self.entity.as_deref().unwrap_or(&self.text)
    }
}

/// A piece of a member's text compared with its group's reference member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Text the reference has too (and the spaces and punctuation between words).
    Same(String),
    /// Words the reference does not have.
    Changed(String),
    /// Words of the reference this member leaves out (not part of the member's text).
    Missing(String),
}

/// One variant in a group.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Index of its article in [`Story::articles`].
    pub article: usize,
    /// Where, in code points of the article's text.
    pub range: CharRange,
    /// The article's text at `range`, exactly.
    pub text: String,
    /// The annotation's id; `None` for a variant found by matching.
    pub annotation: Option<AnnotationId>,
    /// The annotation's tag (`quote` or `claim`); `None` when found by matching.
    pub tag: Option<String>,
    /// Whom the article attributes it to.
    pub source: Option<Attribution>,
    /// Its words compared with the group's reference member (the concatenated `Same` and
    /// `Changed` pieces are `text`).
    pub diff: Vec<Piece>,
}

/// A quote or claim and its variants.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The kind most of its annotated members have (quote on a tie).
    pub kind: Kind,
    /// Sorted by article, then position.
    pub members: Vec<Member>,
    /// The articles that carry it, sorted, each once.
    pub articles: Vec<usize>,
    /// Index in `members` of the reference the diffs compare with: the annotated member whose
    /// words the most members share (the longer, then the first, on a tie).
    pub reference: usize,
}

/// One article of the story.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleInfo {
    /// Its path relative to the folder given.
    pub name: String,
    /// Its outlet.
    pub outlet: String,
}

/// What one article has and lacks compared with the others.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// Groups only this article carries (indexes into [`Story::groups`]).
    pub only_here: Vec<usize>,
    /// Groups more than half of the other articles carry and this one does not.
    pub left_out: Vec<usize>,
}

/// A source and the outlets that quote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceOutlets {
    /// The entity, else the source's words.
    pub name: String,
    /// Articles attributing something to it, sorted.
    pub articles: Vec<usize>,
    /// How many annotated quotes and claims are attributed to it.
    pub items: usize,
    /// Some article calls it anonymous.
    pub anonymous_somewhere: bool,
}

/// The story of a folder.
#[derive(Clone, Debug, PartialEq)]
pub struct Story {
    /// The articles, sorted by name.
    pub articles: Vec<ArticleInfo>,
    /// Every group, those carried by most articles first.
    pub groups: Vec<Group>,
    /// Per article (same order as `articles`).
    pub findings: Vec<Findings>,
    /// Per source, sorted by name.
    pub sources: Vec<SourceOutlets>,
    /// Orphaned quotes and claims, left out.
    pub orphaned: usize,
    /// Suggested quotes and claims left out (without `include_suggested`).
    pub suggested: usize,
}

/// `true` for the English function words that weigh [`FUNCTION_WEIGHT`].
pub fn is_function_word(w: &str) -> bool {
    const WORDS: &[&str] = &[
        "a", "about", "after", "against", "all", "also", "am", "an", "and", "any", "are", "as",
        "at", "be", "been", "before", "being", "but", "by", "can", "could", "did", "do", "does",
        "for", "from", "had", "has", "have", "he", "her", "here", "hers", "him", "his", "how", "i",
        "i'll", "i'm", "if", "in", "into", "is", "it", "it's", "its", "just", "may", "me", "might",
        "more", "most", "must", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only",
        "or", "other", "our", "ours", "out", "over", "own", "said", "say", "says", "shall", "she",
        "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there",
        "these", "they", "this", "those", "through", "to", "told", "too", "under", "until", "up",
        "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
        "why", "will", "with", "would", "you", "your",
    ];
    WORDS.binary_search(&w).is_ok()
}

/// A word of an article.
#[derive(Clone, Copy, Debug)]
struct Word {
    /// Interned lower-case form.
    id: u32,
    /// Where, in chars of the original text.
    range: CharRange,
    weight: f32,
    /// The first word of a sentence or paragraph (after `.`, `!` or `?` and a space, or a
    /// line break): an alignment never runs across it.
    starts_sentence: bool,
}

impl Word {
    fn content(&self) -> bool {
        self.weight >= 1.0
    }
}

#[derive(Default)]
struct Vocab {
    ids: HashMap<String, u32>,
    weights: Vec<f32>,
}

impl Vocab {
    fn intern(&mut self, w: String) -> (u32, f32) {
        if let Some(&id) = self.ids.get(&w) {
            return (id, self.weights[id as usize]);
        }
        let weight = if is_function_word(&w) {
            FUNCTION_WEIGHT
        } else {
            1.0
        };
        let id = self.weights.len() as u32;
        self.weights.push(weight);
        self.ids.insert(w, id);
        (id, weight)
    }
}

/// The words of `text` (see the module docs).
fn words(text: &str, vocab: &mut Vocab) -> Vec<Word> {
    let norm = Normalized::new(text);
    let chars: Vec<char> = norm.text.as_str().chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    // Line breaks are spaces after normalisation: sentence ends are found in the original.
    let original: Vec<char> = text.chars().collect();
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j];
            if c.is_alphanumeric() {
                j += 1;
                continue;
            }
            let (prev, next) = (chars[j - 1], chars.get(j + 1).copied());
            let joins = match (c, next) {
                ('\'' | '-', Some(n)) => prev.is_alphabetic() && n.is_alphabetic(),
                ('.' | ',', Some(n)) => prev.is_ascii_digit() && n.is_ascii_digit(),
                _ => false,
            };
            if !joins {
                break;
            }
            j += 2;
        }
        let form: String = chars[start..j]
            .iter()
            .flat_map(|c| c.to_lowercase())
            .collect();
        let (id, weight) = vocab.intern(form);
        let range = norm.to_original(CharRange::new(start, j));
        // A line break, or `.`, `!` or `?` followed (later) by a space, between the words.
        let gap = &original[out.last().map_or(0, |w: &Word| w.range.end)..range.start];
        let ends = gap.iter().position(|c| matches!(c, '.' | '!' | '?'));
        let starts_sentence =
            gap.contains(&'\n') || ends.is_some_and(|e| gap[e..].iter().any(|c| c.is_whitespace()));
        out.push(Word {
            id,
            range,
            weight,
            starts_sentence,
        });
        i = j;
    }
    out
}

/// The words overlapping `r`: indexes `s..e` into `words`.
fn word_span(words: &[Word], r: CharRange) -> (usize, usize) {
    let s = words.partition_point(|w| w.range.end <= r.start);
    let e = words.partition_point(|w| w.range.start < r.end);
    (s, e.max(s))
}

/// An article prepared for matching.
struct Prepared<'a> {
    input: StoryArticle<'a>,
    words: Vec<Word>,
    /// Word id → positions in `words`.
    index: HashMap<u32, Vec<u32>, IdHash>,
}

/// Hashing for word ids (small integers): a multiply, not SipHash.
#[derive(Clone, Copy, Default)]
struct IdHash;

impl std::hash::BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0 ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// An eligible annotation.
struct Item<'a> {
    article: usize,
    ann: &'a Annotation,
    kind: Kind,
    span: (usize, usize),
}

/// An accepted word alignment: the place's words `start..end` in the target.
#[derive(Clone, Copy, Debug)]
struct Aligned {
    start: usize,
    end: usize,
    score: f32,
}

/// The best local alignment of `q` in `t`, if accepted (see the module docs).
fn align(q: &[Word], t: &[Word]) -> Option<Aligned> {
    let (n, m) = (q.len(), t.len());
    if n == 0 || m == 0 {
        return None;
    }
    let w = m + 1;
    let mut h = vec![0f32; (n + 1) * w];
    // 0 stop, 1 diagonal, 2 up (skip a query word), 3 left (skip a target word), 4 diagonal
    // and stop.
    let mut dir = vec![0u8; (n + 1) * w];
    let mut best = (0f32, 0usize, 0usize);
    for i in 1..=n {
        for j in 1..=m {
            let sub = if q[i - 1].id == t[j - 1].id {
                q[i - 1].weight
            } else {
                SUBSTITUTION
            };
            // Nothing carries over from the previous word when this one starts a sentence.
            let fresh = j >= 2 && t[j - 1].starts_sentence;
            let d = if fresh { 0.0 } else { h[(i - 1) * w + j - 1] } + sub;
            let u = h[(i - 1) * w + j] + GAP;
            let l = if fresh {
                f32::NEG_INFINITY
            } else {
                h[i * w + j - 1] + GAP
            };
            let (v, k) = if d >= u && d >= l && d > 0.0 {
                // 4: a diagonal step that starts the alignment (a sentence's first word).
                (d, if fresh { 4 } else { 1 })
            } else if u >= l && u > 0.0 {
                (u, 2)
            } else if l > 0.0 {
                (l, 3)
            } else {
                (0.0, 0)
            };
            h[i * w + j] = v;
            dir[i * w + j] = k;
            if v > best.0 {
                best = (v, i, j);
            }
        }
    }
    let (score, mut i, mut j) = best;
    if score <= 0.0 {
        return None;
    }
    let (mut matched, mut content) = (0f32, 0usize);
    let (mut first, last) = (j, j);
    while i > 0 && j > 0 {
        match dir[i * w + j] {
            step @ (1 | 4) => {
                if q[i - 1].id == t[j - 1].id {
                    matched += q[i - 1].weight;
                    content += usize::from(q[i - 1].content());
                    first = j;
                }
                i -= 1;
                j -= 1;
                if step == 4 {
                    break;
                }
            }
            2 => i -= 1,
            3 => j -= 1,
            _ => break,
        }
    }
    let (start, end) = (first - 1, last);
    let query: f32 = q.iter().map(|x| x.weight).sum();
    let region: f32 = t[start..end].iter().map(|x| x.weight).sum();
    let reworded = matched >= MIN_COVERAGE * query && matched >= MIN_REGION_SHARE * region;
    let trimmed = content >= DENSE_CONTENT_WORDS && matched >= DENSE_SHARE * region;
    (content >= MIN_CONTENT_WORDS && (reworded || trimmed)).then_some(Aligned { start, end, score })
}

/// The best accepted place of `q` (distinct content word ids `content`) in `target`.
fn best_place(q: &[Word], content: &[u32], target: &Prepared<'_>) -> Option<Aligned> {
    let mut hits: Vec<(u32, usize)> = Vec::new();
    let mut present = 0;
    for (k, id) in content.iter().enumerate() {
        if let Some(ps) = target.index.get(id) {
            present += 1;
            hits.extend(ps.iter().map(|&p| (p, k)));
        }
    }
    if present < MIN_CONTENT_WORDS {
        return None;
    }
    // The most a match could share: the present content words and every function word.
    let query: f32 = q.iter().map(|x| x.weight).sum();
    let function: f32 = q.iter().filter(|x| !x.content()).map(|x| x.weight).sum();
    if (present as f32 + function) < MIN_COVERAGE * query && present < DENSE_CONTENT_WORDS {
        return None;
    }
    hits.sort_unstable();
    // A verbatim copy (the same words in the same order) scores the most any place can: the
    // first one is the answer.
    let n = q.len();
    for &(p, k) in &hits {
        let Some(first) = q.iter().position(|w| w.id == content[k]) else {
            continue;
        };
        let Some(start) = (p as usize).checked_sub(first) else {
            continue;
        };
        let copy = target
            .words
            .get(start..start + n)
            .is_some_and(|t| t.iter().zip(q).all(|(a, b)| a.id == b.id));
        if copy {
            return Some(Aligned {
                start,
                end: start + n,
                score: query,
            });
        }
    }
    // How often each content word occurs in the query: a window holding it can match that
    // much.
    let occurs: Vec<f32> = content
        .iter()
        .map(|id| q.iter().filter(|w| w.id == *id).count() as f32)
        .collect();
    // Clusters: stretches of at most `span` words holding enough distinct content words to
    // pass one of the two tests.
    let span = (q.len() + q.len() / 2 + 3) as u32;
    let mut counts = vec![0u32; content.len()];
    let (mut distinct, mut weight) = (0, 0f32);
    let mut l = 0;
    let mut clusters: Vec<(u32, u32)> = Vec::new();
    for &(pr, kr) in &hits {
        if counts[kr] == 0 {
            distinct += 1;
            weight += occurs[kr];
        }
        counts[kr] += 1;
        while pr - hits[l].0 > span {
            let kl = hits[l].1;
            counts[kl] -= 1;
            if counts[kl] == 0 {
                distinct -= 1;
                weight -= occurs[kl];
            }
            l += 1;
        }
        let promising =
            distinct >= DENSE_CONTENT_WORDS || weight + function >= MIN_COVERAGE * query - 1e-3;
        if distinct >= MIN_CONTENT_WORDS && promising {
            let (lo, hi) = (hits[l].0, pr);
            match clusters.last_mut() {
                Some(c) if lo <= c.1 => c.1 = c.1.max(hi),
                _ => clusters.push((lo, hi)),
            }
        }
    }
    let pad = q.len() / 2 + 2;
    let mut best: Option<Aligned> = None;
    for (lo, hi) in clusters {
        let s = (lo as usize).saturating_sub(pad);
        let e = (hi as usize + 1 + pad).min(target.words.len());
        if let Some(mut a) = align(q, &target.words[s..e]) {
            a.start += s;
            a.end += s;
            if best.is_none_or(|b| a.score > b.score) {
                best = Some(a);
            }
        }
    }
    best
}

/// Union-find over members.
struct Sets(Vec<usize>);

impl Sets {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            let (lo, hi) = (a.min(b), a.max(b));
            self.0[hi] = lo;
        }
    }
}

/// `true` when two ranges share at least half of the shorter.
fn same_place(a: CharRange, b: CharRange) -> bool {
    let shared = a.intersection(&b).map_or(0, |r| r.len());
    shared > 0 && 2 * shared >= a.len().min(b.len())
}

/// `true` when two ranges share at least half of the longer.
fn mostly_same(a: CharRange, b: CharRange) -> bool {
    let shared = a.intersection(&b).map_or(0, |r| r.len());
    shared > 0 && 2 * shared >= a.len().max(b.len())
}

/// Groups the story of `articles` (see the module docs). `progress(done, total)` is called as
/// annotations are matched (`total`: the distinct ones).
pub fn group(
    articles: &[StoryArticle<'_>],
    options: Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Story {
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by(|&a, &b| articles[a].name.cmp(articles[b].name));
    let mut vocab = Vocab::default();
    let prepared: Vec<Prepared<'_>> = order
        .iter()
        .map(|&i| prepare(articles[i], &mut vocab))
        .collect();

    let (mut orphaned, mut suggested) = (0, 0);
    let mut items: Vec<Item<'_>> = Vec::new();
    for (a, p) in prepared.iter().enumerate() {
        let mut mine: Vec<Item<'_>> = Vec::new();
        for ann in p.input.annotations {
            let Some(kind) = Kind::of_tag(&ann.tag) else {
                continue;
            };
            if ann.is_orphaned() || p.input.text.slice(ann.range) != Some(ann.text.as_str()) {
                orphaned += 1;
                continue;
            }
            if ann.status == Some(Status::Suggested) && !options.include_suggested {
                suggested += 1;
                continue;
            }
            mine.push(Item {
                article: a,
                ann,
                kind,
                span: word_span(&p.words, ann.range),
            });
        }
        mine.sort_by(|x, y| {
            (x.ann.range.start, x.ann.range.end, &x.ann.id).cmp(&(
                y.ann.range.start,
                y.ann.range.end,
                &y.ann.id,
            ))
        });
        items.extend(mine);
    }

    // Members: the items first, then places found by matching.
    let mut found: Vec<(usize, CharRange)> = Vec::new();
    let mut links: Vec<(usize, usize)> = Vec::new();
    let first_item: Vec<usize> = (0..=prepared.len())
        .map(|a| items.partition_point(|it| it.article < a))
        .collect();
    let total = items.len();
    // Places are searched on every core, in batches (so progress moves); linking is done in
    // item order, so the result does not depend on the threads.
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    // The same words are matched once (outlets often print a quote verbatim); a short one is
    // matched on its chars, so its text is part of the key.
    let mut keys: HashMap<(Vec<u32>, &str), usize> = HashMap::new();
    let mut unique: Vec<usize> = Vec::new();
    let key_of: Vec<usize> = items
        .iter()
        .enumerate()
        .map(|(x, item)| {
            let q = &prepared[item.article].words[item.span.0..item.span.1];
            let short = distinct_content(q) < MIN_CONTENT_WORDS;
            let key = (
                q.iter().map(|w| w.id).collect(),
                if short { item.ann.text.as_str() } else { "" },
            );
            *keys.entry(key).or_insert_with(|| {
                unique.push(x);
                unique.len() - 1
            })
        })
        .collect();
    let mut places: Vec<Vec<(usize, CharRange)>> = Vec::with_capacity(unique.len());
    for batch in unique.chunks(256) {
        let per = batch.len().div_ceil(workers).max(1);
        let (items, prepared) = (&items, &prepared);
        let found_now: Vec<Vec<Vec<(usize, CharRange)>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .chunks(per)
                .map(|xs| {
                    scope.spawn(move || {
                        xs.iter()
                            .map(|&x| {
                                let item = &items[x];
                                let q = &prepared[item.article].words[item.span.0..item.span.1];
                                places_of(q, &item.ann.text, prepared)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        places.extend(found_now.into_iter().flatten());
        progress(places.len(), unique.len());
    }
    let mut found_in: Vec<Vec<usize>> = vec![Vec::new(); prepared.len()];
    let matched = items.iter().enumerate().flat_map(|(x, item)| {
        places[key_of[x]]
            .iter()
            .filter(move |(b, _)| *b != item.article)
            .map(move |&(b, r)| (x, b, r))
    });
    {
        for (x, b, place) in matched {
            let mut linked = false;
            let theirs = first_item[b]..first_item[b + 1];
            for (other, y) in items[theirs.clone()].iter().zip(theirs) {
                if same_place(other.ann.range, place) {
                    links.push((x, y));
                    linked = true;
                }
            }
            if linked {
                continue;
            }
            match found_in[b]
                .iter()
                .copied()
                .find(|&f| mostly_same(found[f].1, place))
            {
                // Places are never widened here: a place that grew would overlap its
                // neighbours and chain unrelated statements. Overlapping places of one group
                // are joined when the group is made.
                Some(f) => links.push((x, total + f)),
                None => {
                    found.push((b, place));
                    found_in[b].push(found.len() - 1);
                    links.push((x, total + found.len() - 1));
                }
            }
        }
    }

    let mut sets = Sets((0..total + found.len()).collect());
    for (a, b) in links {
        sets.union(a, b);
    }
    let mut components: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for m in 0..total + found.len() {
        let root = sets.find(m);
        components.entry(root).or_default().push(m);
    }

    let mut groups: Vec<Group> = components
        .into_values()
        .map(|ms| make_group(&ms, &items, &found, &prepared))
        .collect();
    groups.sort_by(|a, b| {
        b.articles.len().cmp(&a.articles.len()).then_with(|| {
            let key = |g: &Group| (g.members[0].article, g.members[0].range.start);
            key(a).cmp(&key(b))
        })
    });

    let n = prepared.len();
    let mut findings = vec![Findings::default(); n];
    for (gi, g) in groups.iter().enumerate() {
        if g.articles.len() == 1 {
            findings[g.articles[0]].only_here.push(gi);
        }
        // More than half of the others carry it.
        if 2 * g.articles.len() > n.saturating_sub(1) {
            for (a, f) in findings.iter_mut().enumerate() {
                if g.articles.binary_search(&a).is_err() {
                    f.left_out.push(gi);
                }
            }
        }
    }

    let mut by_source: BTreeMap<String, (BTreeSet<usize>, usize, bool)> = BTreeMap::new();
    for g in &groups {
        for m in &g.members {
            if let (Some(s), Some(_)) = (&m.source, &m.annotation) {
                let e = by_source.entry(s.name().trim().to_owned()).or_default();
                e.0.insert(m.article);
                e.1 += 1;
                e.2 |= s.anonymous;
            }
        }
    }
    let sources = by_source
        .into_iter()
        .map(|(name, (arts, items, anonymous))| SourceOutlets {
            name,
            articles: arts.into_iter().collect(),
            items,
            anonymous_somewhere: anonymous,
        })
        .collect();

    Story {
        articles: prepared
            .iter()
            .map(|p| ArticleInfo {
                name: p.input.name.to_owned(),
                outlet: p.input.outlet.to_owned(),
            })
            .collect(),
        groups,
        findings,
        sources,
        orphaned,
        suggested,
    }
}

/// An article cut into words, with an index of where each word is.
fn prepare<'a>(input: StoryArticle<'a>, vocab: &mut Vocab) -> Prepared<'a> {
    let words = words(input.text.as_str(), vocab);
    let mut index: HashMap<u32, Vec<u32>, IdHash> = HashMap::default();
    for (p, w) in words.iter().enumerate() {
        index.entry(w.id).or_default().push(p as u32);
    }
    Prepared {
        input,
        words,
        index,
    }
}

/// Where `text` (a span just tagged) has a variant in each of `articles`, by the rules that
/// group a story (reworded, trimmed or nearly verbatim; see the module docs): at most one
/// place per article, a tight span at code-point offsets, as `(index in articles, range)`.
/// The window offers these as suggestions in the folder's other articles.
pub fn variants_of(text: &str, articles: &[StoryArticle<'_>]) -> Vec<(usize, CharRange)> {
    let mut vocab = Vocab::default();
    let prepared: Vec<Prepared<'_>> = articles.iter().map(|a| prepare(*a, &mut vocab)).collect();
    let q = words(text, &mut vocab);
    places_of(&q, text, &prepared)
}

/// How many distinct content words `q` has.
fn distinct_content(q: &[Word]) -> usize {
    let mut ids: Vec<u32> = q.iter().filter(|w| w.content()).map(|w| w.id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// The suggestion a variant of `from` (found by [`variants_of`]) becomes: the same tag and
/// attributes, `suggested`, with an `origin` of kind `story` naming the annotation it came
/// from and its article.
pub fn variant_suggestion(
    from: &Annotation,
    from_article: &str,
    range: CharRange,
    text: &str,
) -> crate::core::ImportSpan {
    use crate::core::{Origin, OriginKind, Status};
    crate::core::ImportSpan {
        key: format!("story:{}", from.id),
        tag: from.tag.clone(),
        range,
        text: Some(text.to_owned()),
        attributes: from
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        status: Some(Status::Suggested),
        origin: Some(Origin {
            from: vec![format!("{}:{}", from.annotator, from.id)],
            input: Some(from_article.to_owned()),
            ..Origin::new(OriginKind::Story)
        }),
        ..Default::default()
    }
}

/// The accepted places of words `q` (an annotation's `text`) in every article.
fn places_of(q: &[Word], text: &str, prepared: &[Prepared<'_>]) -> Vec<(usize, CharRange)> {
    let mut content: Vec<u32> = q.iter().filter(|w| w.content()).map(|w| w.id).collect();
    content.sort_unstable();
    content.dedup();
    prepared
        .iter()
        .enumerate()
        .filter_map(|(b, target)| {
            let place = if content.len() >= MIN_CONTENT_WORDS {
                best_place(q, &content, target).map(|a| {
                    CharRange::new(
                        target.words[a.start].range.start,
                        target.words[a.end - 1].range.end,
                    )
                })
            } else {
                short_place(q, text, target)
            };
            place.map(|p| (b, p))
        })
        .collect()
}

/// A nearly verbatim place of a short annotation (too few content words to match by words).
fn short_place(q: &[Word], text: &str, target: &Prepared<'_>) -> Option<CharRange> {
    if text.chars().count() < MIN_SHORT_CHARS || q.len() < 2 {
        return None;
    }
    // Every word must be there for a near-verbatim copy to be.
    if q.iter().any(|w| !target.index.contains_key(&w.id)) {
        return None;
    }
    let occ = find_approximate(target.input.text, text, SHORT_MAX_ERROR_RATE)
        .into_iter()
        .next()?;
    let (s, e) = word_span(&target.words, occ.range);
    (s < e).then(|| CharRange::new(target.words[s].range.start, target.words[e - 1].range.end))
}

/// Whom `ann` is attributed to in `article`.
fn attribution(ann: &Annotation, article: &StoryArticle<'_>) -> Option<Attribution> {
    let target = article
        .relations
        .iter()
        .filter(|r| r.kind == "attributed_to" && r.from == ann.id)
        .find_map(|r| article.annotations.iter().find(|a| a.id == r.to));
    if let Some(t) = target {
        return Some(Attribution {
            text: t.text.clone(),
            entity: (!t.entity.trim().is_empty()).then(|| t.entity.trim().to_owned()),
            anonymous: t.attributes.get("identity").and_then(|v| v.as_text()) == Some("anonymous"),
        });
    }
    let speaker = ann
        .attributes
        .get("speaker")
        .and_then(|v| v.as_text())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let entity = Some(ann.entity.trim()).filter(|s| !s.is_empty());
    match (entity, speaker) {
        (None, None) => None,
        (e, s) => Some(Attribution {
            text: s.or(e).unwrap_or_default().to_owned(),
            entity: e.map(str::to_owned),
            anonymous: false,
        }),
    }
}

fn make_group(
    ms: &[usize],
    items: &[Item<'_>],
    found: &[(usize, CharRange)],
    prepared: &[Prepared<'_>],
) -> Group {
    let total = items.len();
    let mut members: Vec<(Member, (usize, usize))> = ms
        .iter()
        .map(|&m| {
            if m < total {
                let it = &items[m];
                let p = &prepared[it.article];
                (
                    Member {
                        article: it.article,
                        range: it.ann.range,
                        text: it.ann.text.clone(),
                        annotation: Some(it.ann.id.clone()),
                        tag: Some(it.ann.tag.clone()),
                        source: attribution(it.ann, &p.input),
                        diff: Vec::new(),
                    },
                    it.span,
                )
            } else {
                let (a, r) = found[m - total];
                let p = &prepared[a];
                (
                    Member {
                        article: a,
                        range: r,
                        text: p.input.text.slice(r).unwrap_or_default().to_owned(),
                        annotation: None,
                        tag: None,
                        source: None,
                        diff: Vec::new(),
                    },
                    word_span(&p.words, r),
                )
            }
        })
        .collect();
    // Places found in one article that overlap are one member.
    members.sort_by_key(|(m, _)| (m.annotation.is_some(), m.article, m.range.start));
    let mut joined: Vec<(Member, (usize, usize))> = Vec::with_capacity(members.len());
    for (m, span) in members {
        match joined.last_mut() {
            Some((last, last_span))
                if m.annotation.is_none()
                    && last.annotation.is_none()
                    && last.article == m.article
                    && last.range.end > m.range.start =>
            {
                let p = &prepared[m.article];
                last.range = CharRange::new(last.range.start, last.range.end.max(m.range.end));
                last.text = p
                    .input
                    .text
                    .slice(last.range)
                    .unwrap_or_default()
                    .to_owned();
                *last_span = word_span(&p.words, last.range);
            }
            _ => joined.push((m, span)),
        }
    }
    let mut members = joined;
    members.sort_by(|a, b| {
        (a.0.article, a.0.range.start, a.0.range.end, &a.0.annotation).cmp(&(
            b.0.article,
            b.0.range.start,
            b.0.range.end,
            &b.0.annotation,
        ))
    });
    let (quotes, claims) = ms
        .iter()
        .filter(|&&m| m < total)
        .fold((0, 0), |(q, c), &m| match items[m].kind {
            Kind::Quote => (q + 1, c),
            Kind::Claim => (q, c + 1),
        });
    let kind = if quotes >= claims {
        Kind::Quote
    } else {
        Kind::Claim
    };
    // The reference: the annotated member whose words the most members share (summed over
    // its distinct words: the version most outlets agree with), the longer one on a tie, then
    // the first.
    let words_of =
        |(m, span): &(Member, (usize, usize))| &prepared[m.article].words[span.0..span.1];
    let mut carried: HashMap<u32, usize, IdHash> = HashMap::default();
    let distinct = |ws: &[Word]| {
        let mut ids: Vec<u32> = ws.iter().map(|w| w.id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    for m in &members {
        for id in distinct(words_of(m)) {
            *carried.entry(id).or_default() += 1;
        }
    }
    let reference = members
        .iter()
        .enumerate()
        .filter(|(_, (m, _))| m.annotation.is_some())
        .map(|(i, a)| {
            let shared: usize = distinct(words_of(a))
                .iter()
                .map(|id| carried.get(id).copied().unwrap_or(0))
                .sum();
            (i, shared, a.1.1 - a.1.0)
        })
        .max_by(|a, b| (a.1, a.2).cmp(&(b.1, b.2)).then(b.0.cmp(&a.0)))
        .map_or(0, |(i, _, _)| i);
    let (ref_article, ref_span) = (members[reference].0.article, members[reference].1);
    let ref_words = &prepared[ref_article].words[ref_span.0..ref_span.1];
    let ref_text = prepared[ref_article].input.text;
    for (m, span) in &mut members {
        let p = &prepared[m.article];
        m.diff = diff(
            m,
            &p.words[span.0..span.1],
            p.input.text,
            ref_words,
            ref_text,
        );
    }
    let articles: BTreeSet<usize> = members.iter().map(|(m, _)| m.article).collect();
    Group {
        kind,
        members: members.into_iter().map(|(m, _)| m).collect(),
        articles: articles.into_iter().collect(),
        reference,
    }
}

/// Which of `a`'s and `b`'s words pair up: a longest common subsequence of word ids.
fn common(a: &[Word], b: &[Word]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let w = m + 1;
    let mut l = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            l[i * w + j] = if a[i].id == b[j].id {
                l[(i + 1) * w + j + 1] + 1
            } else {
                l[(i + 1) * w + j].max(l[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i].id == b[j].id {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if l[(i + 1) * w + j] >= l[i * w + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The pieces of member `m` (its words `mine`) compared with the reference words.
fn diff(
    m: &Member,
    mine: &[Word],
    text: &IndexedText,
    reference: &[Word],
    ref_text: &IndexedText,
) -> Vec<Piece> {
    let pairs = common(mine, reference);
    let slice = |t: &IndexedText, r: CharRange| t.slice(r).unwrap_or_default().to_owned();
    let missing = |from: usize, to: usize| -> Option<Piece> {
        (from < to).then(|| {
            Piece::Missing(slice(
                ref_text,
                CharRange::new(reference[from].range.start, reference[to - 1].range.end),
            ))
        })
    };
    let mut out: Vec<Piece> = Vec::new();
    let push = |out: &mut Vec<Piece>, p: Piece| match (out.last_mut(), &p) {
        (Some(Piece::Same(a)), Piece::Same(b)) | (Some(Piece::Changed(a)), Piece::Changed(b)) => {
            a.push_str(b)
        }
        _ => {
            if !matches!(&p, Piece::Same(s) | Piece::Changed(s) if s.is_empty()) {
                out.push(p)
            }
        }
    };
    let mut at = m.range.start;
    let mut next_ref = 0;
    let mut pair = pairs.iter().peekable();
    for (k, w) in mine.iter().enumerate() {
        let start = w.range.start.max(m.range.start);
        let end = w.range.end.min(m.range.end);
        // The text between words; words left out go after its spaces and before its
        // punctuation (`cost [an estimated] £4.2`).
        let gap = slice(text, CharRange::new(at, start.max(at)));
        let lead = gap.len() - gap.trim_start().len();
        push(&mut out, Piece::Same(gap[..lead].to_owned()));
        let piece = slice(text, CharRange::new(start, end.max(start)));
        match pair.peek() {
            Some(&&(i, j)) if i == k => {
                pair.next();
                if let Some(p) = missing(next_ref, j) {
                    push(&mut out, p);
                }
                next_ref = j + 1;
                push(&mut out, Piece::Same(gap[lead..].to_owned()));
                push(&mut out, Piece::Same(piece));
            }
            _ => {
                push(&mut out, Piece::Same(gap[lead..].to_owned()));
                push(&mut out, Piece::Changed(piece));
            }
        }
        at = end.max(start);
    }
    if m.range.end > at {
        push(
            &mut out,
            Piece::Same(slice(text, CharRange::new(at, m.range.end))),
        );
    }
    if let Some(p) = missing(next_ref, reference.len()) {
        push(&mut out, p);
    }
    out
}

impl Story {
    /// The `--json` document: `{"groups": [{"kind", "members": [{"article", "start", "end",
    /// "text", "annotation", "source"}]}]}`, offsets in code points.
    pub fn to_json(&self) -> Value {
        let groups: Vec<Value> = self
            .groups
            .iter()
            .map(|g| {
                let members: Vec<Value> = g
                    .members
                    .iter()
                    .map(|m| {
                        json!({
                            "article": self.articles[m.article].name,
                            "start": m.range.start,
                            "end": m.range.end,
                            "text": m.text,
                            "annotation": m.annotation,
                            "source": m.source.as_ref().map(|s| s.name().to_owned()),
                        })
                    })
                    .collect();
                json!({"kind": g.kind.as_str(), "members": members})
            })
            .collect();
        json!({ "groups": groups })
    }

    /// The outlets of group `g`, each once, in article order.
    pub fn outlets(&self, g: &Group) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for &a in &g.articles {
            let o = self.articles[a].outlet.as_str();
            if !out.contains(&o) {
                out.push(o);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(text: &IndexedText, id: &str, tag: &str, quote: &str) -> Annotation {
        let b = text.as_str().find(quote).unwrap();
        let start = text.byte_to_char(b).unwrap();
        let range = CharRange::new(start, start + quote.chars().count());
        Annotation::on_text(text, id.into(), tag, range)
    }

    /// An article for the tests: name, text, and (id, tag, quoted text) annotations.
    type Doc<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str, &'a str)>);

    fn story(docs: &[Doc<'_>]) -> Story {
        let texts: Vec<IndexedText> = docs.iter().map(|d| IndexedText::new(d.1.into())).collect();
        let anns: Vec<Vec<Annotation>> = docs
            .iter()
            .zip(&texts)
            .map(|(d, t)| d.2.iter().map(|(id, tag, q)| ann(t, id, tag, q)).collect())
            .collect();
        let input: Vec<StoryArticle<'_>> = docs
            .iter()
            .zip(&texts)
            .zip(&anns)
            .map(|((d, t), a)| StoryArticle {
                name: d.0,
                outlet: d.0,
                text: t,
                annotations: a,
                relations: &[],
            })
            .collect();
        group(&input, Options::default(), &mut |_, _| {})
    }

    #[test]
    fn words_are_normalised_and_keep_their_places() {
        let mut v = Vocab::default();
        let t = "“It’s £4.2\u{a0}million,” she said — I’ll see.";
        let ws = words(t, &mut v);
        let chars: Vec<char> = t.chars().collect();
        let got: Vec<String> = ws
            .iter()
            .map(|w| chars[w.range.start..w.range.end].iter().collect())
            .collect();
        assert_eq!(
            got,
            ["It’s", "4.2", "million", "she", "said", "I’ll", "see"]
        );
        assert_eq!(v.ids.get("it's"), Some(&ws[0].id));
        assert!(!ws[0].content() && ws[1].content());
    }

    #[test]
    fn reworded_trimmed_and_split_variants_group() {
        let s = story(&[
            (
                "a.txt",
                "“We firmly oppose any delay, and we will not condone cutting corners on safety,” said the mayor.",
                vec![(
                    "a1",
                    "quote",
                    "We firmly oppose any delay, and we will not condone cutting corners on safety",
                )],
            ),
            (
                "b.txt",
                "\"We strongly oppose any delay, and we will not tolerate cutting corners on safety,\" she said.",
                vec![(
                    "b1",
                    "quote",
                    "We strongly oppose any delay, and we will not tolerate cutting corners on safety",
                )],
            ),
            (
                "c.txt",
                "The mayor said the council \"will not condone cutting corners on safety\". Rain is due.",
                vec![("c1", "quote", "will not condone cutting corners on safety")],
            ),
            (
                "d.txt",
                "“We firmly oppose any delay,” she said, “and we will not condone cutting corners on safety.”",
                vec![],
            ),
        ]);
        assert_eq!(s.groups.len(), 1, "{:#?}", s.groups);
        let g = &s.groups[0];
        assert_eq!(g.articles, [0, 1, 2, 3]);
        let d = g.members.iter().find(|m| m.article == 3).unwrap();
        assert_eq!(d.annotation, None);
        // A tight span: from the first shared word to the last, "she said" inside.
        assert_eq!(
            d.text,
            "We firmly oppose any delay,” she said, “and we will not condone cutting corners on safety"
        );
        let b = g.members.iter().find(|m| m.article == 1).unwrap();
        let changed: Vec<&str> = b
            .diff
            .iter()
            .filter_map(|p| match p {
                Piece::Changed(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(changed, ["strongly", "tolerate"]);
        let c = g.members.iter().find(|m| m.article == 2).unwrap();
        assert!(
            matches!(&c.diff[0], Piece::Missing(s) if s == "We firmly oppose any delay, and we")
        );
    }

    #[test]
    fn an_unrelated_sentence_sharing_common_words_is_not_grouped() {
        let s = story(&[
            (
                "a.txt",
                "“We will not condone any delay to the bridge repairs,” the mayor said.",
                vec![(
                    "a1",
                    "quote",
                    "We will not condone any delay to the bridge repairs",
                )],
            ),
            (
                "b.txt",
                "The council will not meet again until the repairs to the bridge are under way.",
                vec![(
                    "b1",
                    "claim",
                    "The council will not meet again until the repairs to the bridge are under way",
                )],
            ),
            (
                "c.txt",
                "We will not see the bridge again, she said of the delay to the repairs.",
                vec![],
            ),
        ]);
        assert_eq!(s.groups.len(), 2, "{:#?}", s.groups);
        assert!(s.groups.iter().all(|g| g.members.len() == 1));
        assert_eq!(s.findings[0].only_here, [0]);
    }

    #[test]
    fn a_match_never_runs_across_a_sentence_end() {
        // "interest rates" ends one sentence and "could delay work on" starts the next: the
        // words are there, in order, but not in one sentence.
        let s = story(&[
            (
                "a.txt",
                "Interest rates could delay work on the harbour tunnel.",
                vec![(
                    "a",
                    "claim",
                    "Interest rates could delay work on the harbour tunnel",
                )],
            ),
            (
                "b.txt",
                "Officials spoke about interest rates. Housing costs could delay work on roads.",
                vec![],
            ),
        ]);
        assert!(
            s.groups.iter().all(|g| g.members.len() == 1),
            "{:#?}",
            s.groups
        );
    }

    #[test]
    fn a_changed_figure_still_groups_and_is_marked() {
        let s = story(&[
            (
                "a.txt",
                "The repairs will cost £4.2 million and take 14 weeks.",
                vec![(
                    "a",
                    "claim",
                    "The repairs will cost £4.2 million and take 14 weeks",
                )],
            ),
            (
                "b.txt",
                "Officials say the repairs will cost £6 million and take 14 weeks.",
                vec![(
                    "b",
                    "claim",
                    "the repairs will cost £6 million and take 14 weeks",
                )],
            ),
        ]);
        assert_eq!(s.groups.len(), 1);
        let b = &s.groups[0].members[1];
        assert!(b.diff.contains(&Piece::Changed("6".into())), "{:?}", b.diff);
        assert!(
            b.diff.contains(&Piece::Missing("4.2".into())),
            "{:?}",
            b.diff
        );
        let json = s.to_json();
        assert_eq!(json["groups"][0]["members"][1]["start"], 14);
        assert_eq!(json["groups"][0]["kind"], "claim");
    }
}
