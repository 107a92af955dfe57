//! Built-in suggestions, offline: direct quotes, their speakers and the link between them,
//! found by rules (no model) in an article's text, for `tagline suggest` and the window's
//! Edit → Suggest quotes and sources.
//!
//! [`suggest`] reads the text and proposes spans and links; [`plan_suggestions`] turns the
//! proposals into one [`Edit`] that adds what the document does not have yet, as suggestions
//! (`status: suggested`, `origin: {kind: suggest}`); [`evaluate`] scores proposals against a
//! hand-annotated document. Offsets are chars, as everywhere.
//!
//! # The rules (the guideline the fixture in `tests/fixtures/suggest/` follows)
//! - **A quote** is the text between a pair of quotation marks of any style (`“…”`, `"…"`,
//!   `„…“`, `«…»`, `»…«`, `‘…’`, …; found by [`next_quotation_marks`], so `’` inside a word is
//!   an apostrophe), white space trimmed and a trailing comma dropped (the comma belongs to
//!   the sentence around the quote); `?`, `!` and a full stop inside the marks stay. One pair
//!   of marks is one quote even when it holds several sentences; a quotation nested inside
//!   another is part of it.
//! - **A quote split around its attribution** (`“We will,” she said, “and soon.”`) is one
//!   quote per pair of marks, each linked to the same source: spans are contiguous, and
//!   "she said" is not quoted words.
//! - **Scare quotes and terms** (`the “turnaround”`, `« ridicule »`): a quotation of one or
//!   two words inside the writer's sentence is not a quote; a short one standing on its own
//!   with an attribution next to it (`“No,” she said.`) is.
//! - **Partial quotes**: a quotation of three words or more inside the writer's sentence
//!   (`called the fee “a tax on the people”`) is a quote with `kind: partial`; others are
//!   `kind: direct`. Reported speech without marks is never proposed.
//! - **The source** is the subject of the reporting verb (said, told, added, asked, wrote;
//!   sagte, erklärte, so; a déclaré, a-t-il ajouté; according to, selon, laut …) next to the
//!   quote — after it (`“…,” said Arvind Krishna, IBM’s chief executive` → "Arvind
//!   Krishna"; `“…,” the spokesperson said` → "the spokesperson") or before it (`The
//!   minister told reporters: “…”` → "The minister"). The subject noun phrase ends at the
//!   first comma, so an appositive after it (", IBM’s chief executive") is left out, and
//!   titles before the name stay ("Mayor Dana Whitfield"). Each quote links to the mention in
//!   its own attribution; a quote with no attribution of its own that follows a quote of the
//!   same paragraph links to that quote's source.
//! - **Pronouns** (he, she, they, er, sie, il, elle …) are not sourcing spans ("she" tells a
//!   reader of the list nothing): the quote links to the latest source named before it — the
//!   latest sourcing span, or the latest subject of a reporting verb, which then becomes a
//!   sourcing span.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::core::document::Document;
use crate::core::model::{AnnotationId, Origin, OriginKind, Relation, Status};
use crate::core::scheme::Scheme;
use crate::core::stamps::Stamps;
use crate::core::text::nav::{Quotation, next_quotation_marks};
use crate::core::{Action, AttrValue, CharRange, Edit, EditError, IndexedText};

/// The tag of a quote.
pub const QUOTE_TAG: &str = "quote";
/// The tag of a source.
pub const SOURCING_TAG: &str = "sourcing";
/// The relation from a quote to its source.
pub const ATTRIBUTED_TO: &str = "attributed_to";

/// A proposed span.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    /// Tag id (`quote` or `sourcing`).
    pub tag: String,
    /// The span, in chars.
    pub range: CharRange,
    /// Attribute values (`kind`, `speaker`; `identity`), only those the scheme allows.
    pub attributes: BTreeMap<String, AttrValue>,
}

/// A proposed relation between two proposals, by index into [`Proposals::spans`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposedLink {
    /// Relation type (`attributed_to`).
    pub kind: String,
    /// Index of the quote.
    pub from: usize,
    /// Index of the source.
    pub to: usize,
}

/// What [`suggest`] proposes for one article: spans in text order, links between them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Proposals {
    /// The spans, sorted by position (quotes and sources mixed).
    pub spans: Vec<Proposal>,
    /// The links, sorted by quote.
    pub links: Vec<ProposedLink>,
}

/// Proposes direct quotes, their sources and `attributed_to` links for `text`. Proposes
/// nothing when the scheme has no `quote` tag, and no sources or links when it has no
/// `sourcing` tag or no `attributed_to` relation between the two.
pub fn suggest(text: &IndexedText, scheme: &Scheme) -> Proposals {
    let Some(quote_def) = scheme.tag(QUOTE_TAG) else {
        return Proposals::default();
    };
    let sourcing_def = scheme.tag(SOURCING_TAG);
    let links = sourcing_def.is_some()
        && scheme
            .relation(ATTRIBUTED_TO)
            .is_some_and(|r| r.allows(QUOTE_TAG, SOURCING_TAG));
    let t = Text::new(text);
    let allows = |def: Option<&crate::core::TagDef>, name: &str, value: &str| {
        def.and_then(|d| d.attribute(name)).is_some_and(|a| {
            a.kind == crate::core::AttrKind::Text || a.values.iter().any(|v| v == value)
        })
    };

    // Every source named so far, for pronouns: (range, is it a proposal yet).
    let subjects = t.sentence_subjects();
    let mut sources: Vec<CharRange> = Vec::new();
    let mut quotes: Vec<(CharRange, &'static str, Option<CharRange>)> = Vec::new();
    let mut last_in_paragraph: Option<(usize, Option<CharRange>)> = None;
    for (n, q) in t.quotes.iter().enumerate() {
        let prev_close = n.checked_sub(1).map_or(0, |p| t.quotes[p].close + 1);
        let embedded = t.embedded(q);
        let Some(span) = t.quote_span(q, embedded) else {
            continue;
        };
        let words = t.words(span);
        let right = t.right_attribution(q);
        let left = t.left_attribution(q, prev_close);
        let adjacent = right.is_some() || (left.is_some() && t.ends_with_colon_or_comma(q));
        if words <= 2 && (embedded || !adjacent) {
            continue;
        }
        let same_paragraph = last_in_paragraph.and_then(|(close, src)| {
            (!embedded && !t.chars[close..q.open].contains(&'\n')).then_some(src)?
        });
        let speaker = match right.or(left) {
            Some(Speaker::Named(r)) => Some(r),
            Some(Speaker::Pronoun(at)) => {
                // The latest source named before the pronoun.
                let proposed = sources
                    .iter()
                    .filter(|r| r.end <= at)
                    .max_by_key(|r| r.start);
                let subject = subjects[..subjects.partition_point(|r| r.end <= at)].last();
                match (proposed, subject) {
                    (Some(p), Some(s)) => Some(if s.start > p.start { *s } else { *p }),
                    (p, s) => p.or(s).copied(),
                }
            }
            None => same_paragraph,
        };
        if let Some(s) = speaker
            && links
            && !sources.contains(&s)
        {
            sources.push(s);
        }
        last_in_paragraph = Some((q.close, speaker));
        quotes.push((span, if embedded { "partial" } else { "direct" }, speaker));
    }

    let mut spans: Vec<Proposal> = Vec::new();
    for (range, kind, speaker) in &quotes {
        let mut attributes = BTreeMap::new();
        if allows(Some(quote_def), "kind", kind) {
            attributes.insert("kind".to_owned(), AttrValue::Text((*kind).to_owned()));
        }
        if let Some(s) = speaker
            && links
            && allows(Some(quote_def), "speaker", "")
        {
            attributes.insert("speaker".to_owned(), AttrValue::Text(t.slice(*s)));
        }
        spans.push(Proposal {
            tag: QUOTE_TAG.to_owned(),
            range: *range,
            attributes,
        });
    }
    if links {
        for s in &sources {
            let name = t.slice(*s);
            let identity = if is_anonymous(&name) {
                "anonymous"
            } else {
                "named"
            };
            let mut attributes = BTreeMap::new();
            if allows(sourcing_def, "identity", identity) {
                attributes.insert("identity".to_owned(), AttrValue::Text(identity.to_owned()));
            }
            spans.push(Proposal {
                tag: SOURCING_TAG.to_owned(),
                range: *s,
                attributes,
            });
        }
    }
    spans.sort_by(|a, b| {
        (a.range.start, a.range.end, &a.tag).cmp(&(b.range.start, b.range.end, &b.tag))
    });
    let positions: HashMap<(&str, CharRange), usize> = spans
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.tag.as_str(), p.range), i))
        .collect();
    let index = |tag: &str, r: CharRange| positions.get(&(tag, r)).copied();
    let mut out_links = Vec::new();
    if links {
        for (range, _, speaker) in &quotes {
            if let (Some(s), Some(from)) = (speaker, index(QUOTE_TAG, *range))
                && let Some(to) = index(SOURCING_TAG, *s)
            {
                out_links.push(ProposedLink {
                    kind: ATTRIBUTED_TO.to_owned(),
                    from,
                    to,
                });
            }
        }
    }
    out_links.sort_by_key(|l| (l.from, l.to));
    Proposals {
        spans,
        links: out_links,
    }
}

/// `true` for a source that names no one: a spokesperson, officials, people familiar with …
fn is_anonymous(name: &str) -> bool {
    let lower = name.to_lowercase();
    [
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "official",
        "source",
        "people familiar",
        "sprecher",
        "porte-parole",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// What [`plan_suggestions`] adds and leaves out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanSummary {
    /// Suggested spans added.
    pub added: usize,
    /// Proposed spans left out because the same span and tag is already annotated.
    pub skipped: usize,
    /// Links added.
    pub links: usize,
}

/// The one edit that adds `proposals` to `doc` as suggestions (`status: suggested`, `origin:
/// {kind: suggest}`), stamped by `stamps`: `None` when there is nothing new. A proposed span
/// whose span and tag the document already has (suggested or not) is not added again; the
/// annotation there stands in for it, so a link is added when one of its ends is new and the
/// quote has no `attributed_to` link yet. Apply the edit with [`Document::apply`]: one undo
/// step.
pub fn plan_suggestions(
    doc: &Document,
    proposals: &Proposals,
    annotator: &str,
    stamps: &mut dyn Stamps,
) -> Result<(Option<Edit>, PlanSummary), EditError> {
    let mut edits = Vec::new();
    let mut summary = PlanSummary::default();
    let existing: HashMap<(CharRange, &str), &str> = doc
        .annotations()
        .iter()
        .map(|a| ((a.range, a.tag.as_str()), a.id.as_str()))
        .collect();
    // Ids in use, so the batch's own new ids never collide with each other or the document's.
    let mut taken: HashSet<String> = doc.relations().iter().map(|r| r.id.to_string()).collect();
    let fresh = |stamps: &mut dyn Stamps, taken: &mut HashSet<String>| {
        for _ in 0..1000 {
            let id = stamps.new_id();
            if doc.annotation(&id).is_none() && taken.insert(id.clone()) {
                return Ok(id);
            }
        }
        Err(EditError::DuplicateId(stamps.new_id().into()))
    };
    // Proposal index → (annotation id, added now).
    let mut ids: HashMap<usize, (AnnotationId, bool)> = HashMap::new();
    for (i, p) in proposals.spans.iter().enumerate() {
        if let Some(id) = existing.get(&(p.range, p.tag.as_str())) {
            ids.insert(i, ((*id).into(), false));
            summary.skipped += 1;
            continue;
        }
        let action = Action::Add {
            tag: p.tag.clone(),
            range: p.range,
            attributes: p.attributes.clone(),
            note: String::new(),
            status: Some(Status::Suggested),
        };
        // Planned against the document as it is (a plan changes nothing), with an id no
        // other edit of the batch has.
        let id = fresh(stamps, &mut taken)?;
        let mut one = FixedId(Some(id.clone()), stamps);
        let (edit, _) = doc.plan_with(action, annotator, &mut one)?;
        let Edit::AddAnnotation(mut a) = edit else {
            continue;
        };
        a.origin = Some(Box::new(Origin::new(OriginKind::Suggest)));
        edits.push(Edit::AddAnnotation(a));
        ids.insert(i, (id.into(), true));
        summary.added += 1;
    }
    let mut linked: HashSet<AnnotationId> = HashSet::new();
    for l in &proposals.links {
        let (Some((from, new_from)), Some((to, new_to))) = (ids.get(&l.from), ids.get(&l.to))
        else {
            continue;
        };
        let has_link = linked.contains(from)
            || doc
                .relations_of(from)
                .any(|r| r.kind == l.kind && &r.from == from);
        if !(new_from | new_to) || has_link {
            continue;
        }
        linked.insert(from.clone());
        edits.push(Edit::AddRelation(Relation {
            id: fresh(stamps, &mut taken)?.into(),
            kind: l.kind.clone(),
            from: from.clone(),
            to: to.clone(),
            annotator: annotator.to_owned(),
            note: String::new(),
            extra: Default::default(),
        }));
        summary.links += 1;
    }
    Ok(((!edits.is_empty()).then_some(Edit::Batch(edits)), summary))
}

/// Stamps that give one chosen id first, then ask the caller's.
struct FixedId<'a>(Option<String>, &'a mut dyn Stamps);

impl Stamps for FixedId<'_> {
    fn now(&mut self) -> String {
        self.1.now()
    }

    fn new_id(&mut self) -> String {
        self.0.take().unwrap_or_else(|| self.1.new_id())
    }
}

/// How proposals compare with a hand-annotated document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evaluation {
    /// Quotes in the gold document.
    pub gold: usize,
    /// Quotes proposed.
    pub proposed: usize,
    /// Proposed quotes with exactly a gold quote's span.
    pub exact: usize,
    /// Proposed quotes paired one to one with an overlapping gold quote.
    pub overlap: usize,
    /// Exactly matched gold quotes that have an `attributed_to` link in the gold.
    pub linked: usize,
    /// Of those, the ones whose proposed link goes to exactly the gold source's span.
    pub links_correct: usize,
}

impl Evaluation {
    /// Adds another article's counts.
    pub fn add(&mut self, other: &Evaluation) {
        self.gold += other.gold;
        self.proposed += other.proposed;
        self.exact += other.exact;
        self.overlap += other.overlap;
        self.linked += other.linked;
        self.links_correct += other.links_correct;
    }

    /// Exact matches over proposed quotes (1 when nothing was proposed).
    pub fn precision(&self) -> f64 {
        ratio(self.exact, self.proposed)
    }

    /// Exact matches over gold quotes (1 when the gold has none).
    pub fn recall(&self) -> f64 {
        ratio(self.exact, self.gold)
    }

    /// Overlapping pairs over proposed quotes.
    pub fn overlap_precision(&self) -> f64 {
        ratio(self.overlap, self.proposed)
    }

    /// Overlapping pairs over gold quotes.
    pub fn overlap_recall(&self) -> f64 {
        ratio(self.overlap, self.gold)
    }

    /// The share of found, linked gold quotes whose speaker link is right.
    pub fn link_share(&self) -> f64 {
        ratio(self.links_correct, self.linked)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Scores `proposals` against the quotes of `gold` (its `quote` annotations, orphans left
/// out) and their `attributed_to` links.
pub fn evaluate(gold: &Document, proposals: &Proposals) -> Evaluation {
    let gold_quotes: Vec<&crate::core::Annotation> = gold
        .annotations()
        .iter()
        .filter(|a| a.tag == QUOTE_TAG && !a.is_orphaned())
        .collect();
    let proposed: Vec<(usize, &Proposal)> = proposals
        .spans
        .iter()
        .enumerate()
        .filter(|(_, p)| p.tag == QUOTE_TAG)
        .collect();
    let mut e = Evaluation {
        gold: gold_quotes.len(),
        proposed: proposed.len(),
        ..Evaluation::default()
    };
    // Overlap: each gold quote pairs with the proposal sharing the most chars, one to one.
    let mut taken = vec![false; proposed.len()];
    for g in &gold_quotes {
        let best = proposed
            .iter()
            .enumerate()
            .filter(|(k, _)| !taken[*k])
            .filter_map(|(k, (_, p))| p.range.intersection(&g.range).map(|x| (k, x.len())))
            .max_by_key(|&(k, n)| (n, std::cmp::Reverse(k)));
        if let Some((k, _)) = best {
            taken[k] = true;
            e.overlap += 1;
        }
    }
    for g in &gold_quotes {
        let Some((i, _)) = proposed.iter().find(|(_, p)| p.range == g.range) else {
            continue;
        };
        e.exact += 1;
        let gold_source = gold
            .relations_of(&g.id)
            .find(|r| r.kind == ATTRIBUTED_TO && r.from == g.id)
            .and_then(|r| gold.annotation(&r.to))
            .map(|a| a.range);
        let Some(gold_source) = gold_source else {
            continue;
        };
        e.linked += 1;
        let mine = proposals
            .links
            .iter()
            .find(|l| l.kind == ATTRIBUTED_TO && l.from == *i)
            .map(|l| proposals.spans[l.to].range);
        if mine == Some(gold_source) {
            e.links_correct += 1;
        }
    }
    e
}

// ----- reading the text --------------------------------------------------------------------

/// Who a reporting verb's subject is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Speaker {
    /// A noun phrase: the sourcing span.
    Named(CharRange),
    /// A pronoun starting at this char.
    Pronoun(usize),
}

/// A word of the text with its position: edge punctuation stripped, `brk` when a comma,
/// colon, semicolon, bracket or dash follows it.
#[derive(Clone, Debug)]
struct Tok {
    start: usize,
    end: usize,
    lower: String,
    brk: bool,
    first_upper: bool,
}

const ENGLISH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "asked",
    "asks",
    "wrote",
    "writes",
    "explained",
    "explains",
    "stated",
    "argued",
    "argues",
    "insisted",
    "insists",
    "warned",
    "warns",
    "noted",
    "recalled",
    "declared",
    "replied",
    "responded",
    "claimed",
    "acknowledged",
    "admitted",
    "conceded",
    "continued",
    "called",
    "urged",
    "predicted",
    "announced",
];

const GERMAN_VERBS: &[&str] = &[
    "sagte",
    "sagt",
    "sagten",
    "erklärte",
    "erklärt",
    "erklärten",
    "betonte",
    "betont",
    "warnte",
    "warnt",
    "meinte",
    "fügte",
    "ergänzte",
    "kritisierte",
    "forderte",
    "sagte:",
];

/// French participles after `a` / `ont` / `a-t-il`, and present-tense forms.
const FRENCH_PARTICIPLES: &[&str] = &[
    "déclaré",
    "dit",
    "affirmé",
    "ajouté",
    "expliqué",
    "estimé",
    "indiqué",
    "prévenu",
    "assuré",
    "souligné",
    "précisé",
    "lancé",
    "martelé",
    "confié",
    "répondu",
    "averti",
    "regretté",
    "dénoncé",
];

const FRENCH_PRESENT: &[&str] = &[
    "déclare",
    "affirme",
    "explique",
    "estime",
    "ajoute",
    "assure",
    "souligne",
    "précise",
    "indique",
    "prévient",
    "confie",
    "raconte",
];

const PRONOUNS: &[&str] = &[
    "he", "she", "they", "it", "er", "sie", "il", "elle", "ils", "elles",
];

/// Pronouns that are a subject right after an inverted verb (`sagte er`, `said she`).
const SUBJECT_PRONOUNS: &[&str] = &["he", "she", "er", "sie", "il", "elle", "ils", "elles"];

/// Words that end a subject after an inverted verb (`said the minister on Tuesday`).
const STOP: &[&str] = &[
    "on",
    "in",
    "at",
    "during",
    "after",
    "before",
    "yesterday",
    "today",
    "tonight",
    "last",
    "this",
    "when",
    "while",
    "as",
    "who",
    "which",
    "that",
    "whose",
    "told",
    "to",
    "from",
    "am",
    "im",
    "vor",
    "bei",
    "auf",
    "nach",
    "gegenüber",
    "gestern",
    "heute",
    "devant",
    "lors",
    "dans",
    "à",
    "au",
    "mardi",
    "lundi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "und",
    "and",
];

/// Words that open an introductory phrase rather than a subject (`On Tuesday, the minister
/// said`).
const INTRO: &[&str] = &[
    "on",
    "in",
    "at",
    "after",
    "before",
    "speaking",
    "but",
    "and",
    "yet",
    "then",
    "meanwhile",
    "later",
    "asked",
    "nach",
    "am",
    "bei",
    "aber",
    "au",
    "dans",
    "lors",
    "mais",
    "et",
    "pour",
    "however",
    "still",
    "also",
];

/// Auxiliaries left out at the end of a subject (`Martinez a estimé`, `he has said`).
const AUX: &[&str] = &[
    "a", "ont", "has", "had", "have", "hat", "would", "will", "avait",
];

/// The longest word looked at before a full stop, for [`ABBREVIATIONS`] and initials.
const MAX_WORD: usize = 32;

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "prof", "sen", "rep", "gov", "gen", "col", "lt", "jr", "sr",
    "inc", "co", "corp", "no", "vs", "etc", "nr", "hr", "fr", "mme", "m", "gr", "bzw", "ca",
];

/// The text as chars, with its quotations and which chars they cover.
struct Text<'a> {
    text: &'a IndexedText,
    chars: Vec<char>,
    quotes: Vec<Quotation>,
    /// `true` for chars from an opening mark to its closing mark.
    quoted: Vec<bool>,
    /// `true` for closing marks.
    closes: Vec<bool>,
    /// Where sentences end ([`Text::ends_sentence_at`]), in order: found by binary search, so
    /// a text with few sentence ends (one long line) is not scanned to its end from every
    /// quotation.
    end_at: Vec<usize>,
}

impl<'a> Text<'a> {
    fn new(text: &'a IndexedText) -> Self {
        let chars: Vec<char> = text.as_str().chars().collect();
        let mut quotes = Vec::new();
        let mut at = 0;
        // `next_quotation_marks` looks a window ahead; a quotation is at most 4,000 chars, so
        // going on 15,000 chars on when a window holds none misses none.
        while at < chars.len() {
            match next_quotation_marks(text, at) {
                Some(q) => {
                    at = q.close + 1;
                    quotes.push(q);
                }
                None => at += 15_000,
            }
        }
        let mut quoted = vec![false; chars.len()];
        let mut closes = vec![false; chars.len()];
        for q in &quotes {
            for b in &mut quoted[q.open..=q.close] {
                *b = true;
            }
            closes[q.close] = true;
        }
        let mut t = Text {
            text,
            chars,
            quotes,
            quoted,
            closes,
            end_at: Vec::new(),
        };
        t.end_at = (0..t.chars.len())
            .filter(|&i| t.ends_sentence_at(i))
            .collect();
        t
    }

    fn slice(&self, r: CharRange) -> String {
        self.text.slice(r).unwrap_or_default().to_owned()
    }

    /// The quote's span: inside the marks, white space and a trailing comma dropped, and in
    /// a partial quote a final full stop too (it ends the writer's sentence).
    fn quote_span(&self, q: &Quotation, partial: bool) -> Option<CharRange> {
        let mut end = q.inner.end;
        let droppable = |c: char| c == ',' || c.is_whitespace() || (partial && c == '.');
        while end > q.inner.start && droppable(self.chars[end - 1]) {
            end -= 1;
        }
        // Not the full stop of an abbreviation ("the U.S.").
        if partial
            && end < q.inner.end
            && self.chars[q.inner.start..end]
                .last()
                .is_some_and(|c| c.is_uppercase())
        {
            end = q.inner.end;
        }
        (end > q.inner.start).then_some(CharRange::new(q.inner.start, end))
    }

    /// The number of words in `r` (runs holding a letter or digit), quotations included.
    fn words(&self, r: CharRange) -> usize {
        self.chars[r.start..r.end]
            .split(|c| c.is_whitespace())
            .filter(|w| w.iter().any(|c| c.is_alphanumeric()))
            .count()
    }

    /// `true` when the quotation sits inside the writer's sentence: a word right before it.
    fn embedded(&self, q: &Quotation) -> bool {
        let mut i = q.open;
        while i > 0 {
            i -= 1;
            let c = self.chars[i];
            if c == ' ' || c == '\u{a0}' || c == '\u{202f}' || c == '\t' {
                continue;
            }
            return c.is_alphanumeric();
        }
        false
    }

    /// `true` when a colon or comma comes right before the opening mark.
    fn ends_with_colon_or_comma(&self, q: &Quotation) -> bool {
        self.chars[..q.open]
            .iter()
            .rev()
            .find(|c| !c.is_whitespace())
            .is_some_and(|c| matches!(c, ':' | ','))
    }

    /// `true` when a sentence ends at char `i` (outside quotations): a line break, or `.!?`
    /// followed by white space (not after an abbreviation or an initial).
    fn ends_sentence_at(&self, i: usize) -> bool {
        let c = self.chars[i];
        if c == '\n' || c == '\r' {
            return true;
        }
        if self.quoted[i] {
            // A closing mark after `.!?` ends the sentence when a capital or a new quotation
            // follows.
            if !self.closes[i] || i == 0 || !matches!(self.chars[i - 1], '.' | '!' | '?' | '…') {
                return false;
            }
            let next = self.chars[i + 1..].iter().find(|c| !c.is_whitespace());
            return next
                .is_none_or(|n| n.is_uppercase() || crate::core::text::nav::is_quotation_mark(*n));
        }
        if !matches!(c, '.' | '!' | '?') {
            return false;
        }
        if self.chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) {
            return false;
        }
        if c == '.' {
            // The word before the stop (no abbreviation is longer than this: a long run of
            // letters and stops must not make every stop in it scan back to its start).
            let word: String = self.chars[i.saturating_sub(MAX_WORD)..i]
                .iter()
                .rev()
                .take_while(|c| c.is_alphanumeric() || **c == '.')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let lower = word.to_lowercase();
            if word.contains('.')
                || ABBREVIATIONS.contains(&lower.as_str())
                || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
            {
                return false;
            }
        }
        true
    }

    /// The first char of the sentence holding char `at`.
    fn sentence_start(&self, at: usize) -> usize {
        let i = self.end_at.partition_point(|&e| e < at);
        i.checked_sub(1).map_or(0, |i| self.end_at[i] + 1)
    }

    /// One past the last char of the sentence that goes on at char `at`.
    fn sentence_end(&self, at: usize) -> usize {
        let i = self.end_at.partition_point(|&e| e < at);
        self.end_at.get(i).copied().unwrap_or(self.chars.len())
    }

    /// The words of `r`, quotations left out.
    fn tokens(&self, r: CharRange) -> Vec<Tok> {
        self.first_tokens(r, usize::MAX)
    }

    /// The first `max` words of `r`, quotations left out.
    fn first_tokens(&self, r: CharRange, max: usize) -> Vec<Tok> {
        let mut out: Vec<Tok> = Vec::new();
        let mut i = r.start;
        let end = r.end.min(self.chars.len());
        while i < end && out.len() < max {
            if self.chars[i].is_whitespace() || self.quoted[i] {
                i += 1;
                continue;
            }
            let s = i;
            while i < end && !self.chars[i].is_whitespace() && !self.quoted[i] {
                i += 1;
            }
            let word = &self.chars[s..i];
            let lead = word.iter().take_while(|c| !c.is_alphanumeric()).count();
            let trail = word
                .iter()
                .rev()
                .take_while(|c| !c.is_alphanumeric())
                .count();
            if lead == word.len() {
                // A dash or bracket alone: a break after the previous word.
                if word
                    .iter()
                    .any(|c| matches!(c, '—' | '–' | '-' | '(' | ')' | ',' | ':' | ';'))
                    && let Some(last) = out.last_mut()
                {
                    last.brk = true;
                }
                continue;
            }
            let core = &word[lead..word.len() - trail];
            let tail = &word[word.len() - trail..];
            if lead > 0
                && word[..lead].iter().any(|c| matches!(c, '(' | '—' | '–'))
                && let Some(last) = out.last_mut()
            {
                last.brk = true;
            }
            out.push(Tok {
                start: s + lead,
                end: i - trail,
                lower: core.iter().collect::<String>().to_lowercase(),
                brk: tail
                    .iter()
                    .any(|c| matches!(c, ',' | ':' | ';' | '(' | ')' | '—' | '–')),
                first_upper: core[0].is_uppercase(),
            });
            // A quotation right after this word breaks the phrase too.
            if i < end
                && self.quoted[i]
                && let Some(last) = out.last_mut()
            {
                last.brk = true;
            }
        }
        out
    }

    /// How many tokens the reporting verb at `toks[i]` takes, and whether it carries its
    /// own pronoun (`a-t-il ajouté`).
    fn verb_at(toks: &[Tok], i: usize) -> Option<(usize, bool)> {
        let w = toks.get(i)?.lower.as_str();
        if ENGLISH_VERBS.contains(&w) || GERMAN_VERBS.contains(&w) || FRENCH_PRESENT.contains(&w) {
            return Some((1, false));
        }
        let next_is_participle = toks
            .get(i + 1)
            .is_some_and(|n| FRENCH_PARTICIPLES.contains(&n.lower.as_str()));
        if matches!(w, "a" | "ont" | "avait") && next_is_participle {
            return Some((2, false));
        }
        let inverted = ["a-t-il", "a-t-elle", "ont-ils", "ont-elles"].contains(&w);
        if inverted && next_is_participle {
            return Some((2, true));
        }
        None
    }

    /// The subject after an inverted verb: words up to a comma, a stop word or 8 words.
    fn np_after(toks: &[Tok], from: usize) -> Option<Speaker> {
        let mut last = None;
        for (n, t) in toks.iter().enumerate().skip(from) {
            if n - from >= 8 || STOP.contains(&t.lower.as_str()) {
                break;
            }
            last = Some(n);
            if t.brk {
                break;
            }
        }
        let last = last?;
        Some(Self::speaker(&toks[from..=last]))
    }

    /// A subject pronoun at `toks[i]`.
    fn pronoun_at(toks: &[Tok], i: usize) -> Option<Speaker> {
        let t = toks.get(i)?;
        SUBJECT_PRONOUNS
            .contains(&t.lower.as_str())
            .then_some(Speaker::Pronoun(t.start))
    }

    fn speaker(toks: &[Tok]) -> Speaker {
        if toks.len() == 1 && PRONOUNS.contains(&toks[0].lower.as_str()) {
            Speaker::Pronoun(toks[0].start)
        } else {
            Speaker::Named(CharRange::new(toks[0].start, toks[toks.len() - 1].end))
        }
    }

    /// The subject before a verb at `toks[k]`: the first comma-separated phrase that is not
    /// an introduction, auxiliaries at its end left out.
    fn np_before(toks: &[Tok], k: usize) -> Option<Speaker> {
        let mut segments: Vec<&[Tok]> = Vec::new();
        let mut start = 0;
        for (n, t) in toks[..k].iter().enumerate() {
            if t.brk {
                segments.push(&toks[start..=n]);
                start = n + 1;
            }
        }
        if start < k {
            segments.push(&toks[start..k]);
        }
        for (n, seg) in segments.iter().enumerate() {
            let mut seg = *seg;
            let next = segments.get(n + 1).copied();
            while let Some(last) = seg.last()
                && AUX.contains(&last.lower.as_str())
            {
                seg = &seg[..seg.len() - 1];
            }
            let Some(first) = seg.first() else { continue };
            if INTRO.contains(&first.lower.as_str())
                || (first.first_upper && first.lower.ends_with("ing"))
            {
                continue;
            }
            if seg.len() > 8 {
                return None;
            }
            // "Its president, Victoria Roach, told": a role without a name, then a name as
            // its appositive: the name.
            if let Some(name) = next
                && seg.len() >= 2
                && seg.iter().skip(1).all(|t| !t.first_upper)
                && name.len() <= 4
                && name.iter().all(|t| t.first_upper)
            {
                return Some(Self::speaker(name));
            }
            return Some(Self::speaker(seg));
        }
        None
    }

    /// The attribution right after the closing mark: `, said X`, `, X said`, `, so X`,
    /// `, a déclaré X`, `, a-t-il ajouté`.
    fn right_attribution(&self, q: &Quotation) -> Option<Speaker> {
        let from = q.close + 1;
        let end = self.sentence_end(from);
        let next = self.chars[from..end].iter().find(|c| !c.is_whitespace());
        let inner_last = self.chars[q.inner.start..q.inner.end]
            .iter()
            .rev()
            .find(|c| !c.is_whitespace());
        // The verb is among the first 9 words and its subject within 8 more: a sentence that
        // goes on for the rest of the article (no stop in a long line) is not read to its end
        // after every quotation.
        let toks = self.first_tokens(CharRange::new(from, end), 24);
        let first = toks.first()?;
        let joined = next.is_some_and(|c| matches!(c, ',' | '—' | '–'))
            || inner_last.is_some_and(|c| matches!(c, ',' | '?' | '!' | '—' | '–' | '…'))
            || !first.first_upper;
        if !joined {
            return None;
        }
        if first.lower == "so" || first.lower == "laut" || first.lower == "selon" {
            return Self::np_after(&toks, 1);
        }
        if let Some((n, pronoun)) = Self::verb_at(&toks, 0) {
            if pronoun {
                return Some(Speaker::Pronoun(toks[0].start));
            }
            if let Some(p) = Self::pronoun_at(&toks, n) {
                return Some(p);
            }
            return Self::np_after(&toks, n);
        }
        for k in 1..=8.min(toks.len().saturating_sub(1)) {
            if toks[k - 1].brk {
                return None;
            }
            if Self::verb_at(&toks, k).is_some() {
                return Self::np_before(&toks, k);
            }
        }
        None
    }

    /// The attribution before the opening mark, in the same sentence (after an earlier
    /// quotation of it): `X said: “`, `according to X, … “`, `, she said, “`.
    fn left_attribution(&self, q: &Quotation, prev_close: usize) -> Option<Speaker> {
        let from = self.sentence_start(q.open).max(prev_close);
        let toks = self.tokens(CharRange::new(from, q.open));
        Self::attribution_in(&toks)
    }

    /// The first reporting verb of `toks` and its subject.
    fn attribution_in(toks: &[Tok]) -> Option<Speaker> {
        for i in 0..toks.len() {
            let w = toks[i].lower.as_str();
            if (w == "according" && toks.get(i + 1).is_some_and(|t| t.lower == "to"))
                || ((w == "selon" || w == "laut") && !toks[i].brk)
            {
                let skip = if w == "according" { 2 } else { 1 };
                return Self::np_after(toks, i + skip);
            }
            if let Some((n, pronoun)) = Self::verb_at(toks, i) {
                if pronoun {
                    return Some(Speaker::Pronoun(toks[i].start));
                }
                // "Asked whether …, she said": an introductory participle, not the verb.
                if i == 0 && toks[i].first_upper && INTRO.contains(&w) {
                    continue;
                }
                if i == 0 {
                    return Self::pronoun_at(toks, n).or_else(|| Self::np_after(toks, n));
                }
                // "…, sagte sie": after a comma, a pronoun right after the verb is its subject
                // (not in "Krishna said he would …", where no comma comes before the verb).
                if toks[i - 1].brk
                    && let Some(p) = Self::pronoun_at(toks, i + n)
                {
                    return Some(p);
                }
                return Self::np_before(toks, i);
            }
        }
        None
    }

    /// The subjects of reporting verbs in every sentence, quotations left out, pronouns
    /// left out: where a pronoun's antecedent is looked for.
    fn sentence_subjects(&self) -> Vec<CharRange> {
        let mut out = Vec::new();
        let mut start = 0;
        let n = self.chars.len();
        while start < n {
            let end = self.sentence_end(start);
            let toks = self.tokens(CharRange::new(start, end));
            if let Some(Speaker::Named(r)) = Self::attribution_in(&toks) {
                out.push(r);
            }
            start = end + 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> Vec<(String, String, Option<String>)> {
        let text = IndexedText::new(s.to_owned());
        let p = suggest(&text, &Scheme::default_news());
        p.spans
            .iter()
            .enumerate()
            .filter(|(_, x)| x.tag == QUOTE_TAG)
            .map(|(i, x)| {
                let to = p.links.iter().find(|l| l.from == i).map(|l| {
                    text.slice(p.spans[l.to].range)
                        .unwrap_or_default()
                        .to_owned()
                });
                let kind = x
                    .attributes
                    .get("kind")
                    .map(AttrValue::display)
                    .unwrap_or_default();
                (text.slice(x.range).unwrap_or_default().to_owned(), kind, to)
            })
            .collect()
    }

    fn q(text: &str, kind: &str, to: Option<&str>) -> (String, String, Option<String>) {
        (text.to_owned(), kind.to_owned(), to.map(str::to_owned))
    }

    /// A long line without a sentence end (a 5 MB article on one line) is read once, not from
    /// every quotation to its end; what is found is what a short text gives.
    #[test]
    fn a_long_line_without_full_stops_finds_every_quote_and_speaker() {
        let one = "“We will build the bridge now,” said Ana Lopez, and ";
        let found = run(&one.repeat(3000));
        let short = run(&one.repeat(3));
        assert_eq!(found.len(), 3000);
        assert_eq!(found[0], short[0]);
        assert!(found[1..].iter().all(|q| q == &short[2]), "{:?}", short);
        assert_eq!(short[2].2.as_deref(), Some("Ana Lopez"));
    }

    #[test]
    fn speaker_after_the_quote_inverted_or_not() {
        assert_eq!(
            run("“We will invest,” said Arvind Krishna, IBM’s chief executive."),
            [q("We will invest", "direct", Some("Arvind Krishna"))]
        );
        assert_eq!(
            run("\"We don't expect problems,\" the spokesperson said on Monday."),
            [q(
                "We don't expect problems",
                "direct",
                Some("the spokesperson")
            )]
        );
        assert_eq!(
            run("„Wir lassen uns nicht hinhalten“, sagte GDL-Chef Claus Weselsky am Montag."),
            [q(
                "Wir lassen uns nicht hinhalten",
                "direct",
                Some("GDL-Chef Claus Weselsky")
            )]
        );
        assert_eq!(
            run("« Nous irons jusqu’au bout », a déclaré la ministre, devant l’Assemblée."),
            [q("Nous irons jusqu’au bout", "direct", Some("la ministre"))]
        );
    }

    #[test]
    fn speaker_before_the_quote_and_split_quotes() {
        assert_eq!(
            run("The minister told reporters: “We will not back down.”"),
            [q("We will not back down.", "direct", Some("The minister"))]
        );
        let split = run(
            "Jim Kavanaugh, the finance chief, told analysts the charge was small. “We expect a payback,” he said, “and soon.”",
        );
        assert_eq!(
            split,
            [
                q("We expect a payback", "direct", Some("Jim Kavanaugh")),
                q("and soon.", "direct", Some("Jim Kavanaugh")),
            ]
        );
    }

    #[test]
    fn pronouns_link_to_the_latest_named_source() {
        let r = run(
            "Councillor Rosa Delgado said the city had not looked. She called it “a tax on the poor”.",
        );
        assert_eq!(
            r,
            [q(
                "a tax on the poor",
                "partial",
                Some("Councillor Rosa Delgado")
            )]
        );
        let fr = run("« Les salariés ne lâcheront rien », a-t-il ajouté.");
        assert_eq!(fr, [q("Les salariés ne lâcheront rien", "direct", None)]);
    }

    #[test]
    fn inverted_pronouns_roles_and_introductions() {
        assert_eq!(
            run(
                "Ricarda Lang forderte eine Reform. Die Regel sei „eine Bremse für die Zukunft“, sagte sie."
            ),
            [q(
                "eine Bremse für die Zukunft",
                "partial",
                Some("Ricarda Lang")
            )]
        );
        assert_eq!(
            run(
                "Its president, Victoria Roach, told lawmakers the plan was “never meant to last.”"
            ),
            [q("never meant to last", "partial", Some("Victoria Roach"))]
        );
        assert_eq!(
            run("Asked whether more rules were coming, Ms. Raimondo said: “We will see.”"),
            [q("We will see.", "direct", Some("Ms. Raimondo"))]
        );
        // A partial quote keeps the full stop of an abbreviation.
        assert_eq!(
            run("She said it would “hurt jobs in the U.S.”"),
            [q("hurt jobs in the U.S.", "partial", None)]
        );
    }

    #[test]
    fn scare_quotes_and_reported_speech_are_not_quotes() {
        assert!(run("The “turnaround” has entered its fourth year.").is_empty());
        assert!(run("Un chiffre que la CGT juge « ridicule ».").is_empty());
        assert!(run("He said the unit grew 8 percent.").is_empty());
        assert_eq!(
            run("“No,” she said."),
            [q("No", "direct", None)],
            "a short reply with its attribution is a quote"
        );
    }

    #[test]
    fn apostrophes_inside_single_quotes() {
        assert_eq!(
            run(
                "‘We’re seeing patients who’ve waited,’ said Dr Priya Nair, a consultant at St Thomas’ Hospital. ‘They can’t walk.’"
            ),
            [
                q(
                    "We’re seeing patients who’ve waited",
                    "direct",
                    Some("Dr Priya Nair")
                ),
                q("They can’t walk.", "direct", Some("Dr Priya Nair")),
            ]
        );
    }

    #[test]
    fn plans_are_stamped_skip_what_is_there_and_undo_in_one_step() {
        use crate::core::{Article, FixedStamps, LoadOptions};
        let text = "“We will invest,” said Arvind Krishna. “Soon,” he added.";
        let path = std::path::Path::new("a.txt");
        let article = Article::from_bytes(path, text.as_bytes(), &LoadOptions::default()).unwrap();
        let mut doc = Document::new(article, Scheme::default_news(), None);
        let p = suggest(&doc.article.text, &doc.scheme);
        // A person already tagged the first quote, without a link.
        let first = p.spans.iter().find(|x| x.tag == QUOTE_TAG).unwrap().range;
        let mine = doc
            .perform(
                Action::Add {
                    tag: QUOTE_TAG.into(),
                    range: first,
                    attributes: BTreeMap::new(),
                    note: String::new(),
                    status: None,
                },
                "ana",
            )
            .unwrap()
            .and_then(crate::core::NewId::annotation)
            .unwrap();
        let plan = |doc: &Document| {
            let mut stamps = FixedStamps::new("2026-12-01T12:00:00Z");
            plan_suggestions(doc, &p, "ana", &mut stamps).unwrap()
        };
        let (edit, summary) = plan(&doc);
        assert_eq!(plan(&doc).0, edit, "the same stamps give the same edit");
        assert_eq!(
            summary,
            PlanSummary {
                added: 2,
                skipped: 1,
                links: 2
            }
        );
        doc.apply(edit.unwrap()).unwrap();
        let suggested: Vec<_> = doc
            .annotations()
            .iter()
            .filter(|a| a.status == Some(Status::Suggested))
            .collect();
        assert_eq!(suggested.len(), 2);
        assert!(
            suggested
                .iter()
                .all(|a| a.origin.as_ref().unwrap().kind == OriginKind::Suggest)
        );
        // The person's quote is linked to the suggested source, and left as it was.
        assert_eq!(doc.relations_of(&mine).count(), 1);
        assert_eq!(doc.annotation(&mine).unwrap().status, None);
        assert_eq!(
            plan(&doc),
            (
                None,
                PlanSummary {
                    added: 0,
                    skipped: 3,
                    links: 0
                }
            )
        );
        assert!(doc.undo());
        assert_eq!(doc.annotations().len(), 1);
        assert!(doc.relations().is_empty());
    }

    #[test]
    fn a_scheme_without_sources_gets_quotes_only() {
        let mut scheme = Scheme::default_news();
        scheme.tags.retain(|t| t.id != SOURCING_TAG);
        let text = IndexedText::new("“We will invest,” said Arvind Krishna.".to_owned());
        let p = suggest(&text, &scheme);
        assert_eq!(p.spans.len(), 1);
        assert!(p.links.is_empty());
        scheme.tags.retain(|t| t.id != QUOTE_TAG);
        assert_eq!(suggest(&text, &scheme), Proposals::default());
    }
}
