//! Synthetic news articles and sidecars, for benchmarks and load tests.
//!
//! Everything here is deterministic: the same sizes and seed give the same bytes on every
//! machine, from a small built-in PRNG (splitmix64), so benchmark figures stay comparable.
//!
//! The text looks like wire copy: a headline, then short paragraphs of sentences with curly
//! quotes, em dashes, no-break spaces in numbers, accented and CJK names and the occasional
//! emoji, so every offset conversion takes its non-ASCII path. Sidecars hold about ten
//! annotations per KB of text, spread over the whole article on word boundaries, with the
//! attributes of the built-in news scheme and some relations; they validate without a single
//! problem (see the tests).
//!
//! - [`article_text`], [`single_line`], [`cr_only`]: article text of a given size in bytes.
//! - [`sidecar_for`]: the sidecar content of a text; [`write_article`] writes both files.
//! - [`BENCH_SPECS`] and [`write_spec`]: the standard benchmark articles.
//! - [`write_corpus`]: a folder tree of many short articles with sidecars.
//!
//! Pure: no UI, no randomness from the system, no clock.

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use crate::core::article::sha256_hex;
use crate::core::model::{
    Annotation, AnnotationId, AttrValue, CONTEXT_CHARS, Extra, Relation, Status, rfc3339_from_unix,
};
use crate::core::scheme::Scheme;
use crate::core::sidecar::{ArticleRef, SidecarData, sidecar_path};
use crate::core::text::offsets::{CharRange, IndexedText};

/// Annotations per byte of text that the standard benchmark files carry: ten per KB.
pub const ANNOTATIONS_PER_BYTE: f64 = 10.0 / 1000.0;

/// The seed used when none is given (by [`single_line`], [`cr_only`] and [`BENCH_SPECS`]).
pub const DEFAULT_SEED: u64 = 0x7A61_6C69_6E65;

// ----- the PRNG ----------------------------------------------------------------------------

/// A small deterministic pseudo-random generator (splitmix64). Not for anything secret.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64) < p * (1u64 << 53) as f64
    }

    /// One item of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

// ----- text --------------------------------------------------------------------------------

const PEOPLE: &[&str] = &[
    "Priya Natarajan",
    "José Álvarez",
    "Zoë Lindqvist",
    "李明",
    "王芳",
    "佐藤健",
    "Oluwaseun Adeyemi",
    "Marta Kowalczyk",
    "Søren Højgaard",
    "Daniel O’Brien",
    "Amara Okafor",
    "Tomás Ruiz",
    "Hannah Weiss",
    "Kenji Watanabe",
    "Ngozi Eze",
    "Ilse de Vries",
    "Chen Jing (陈静)",
    "Rafael Guimarães",
];

const ROLES: &[&str] = &[
    "the finance minister",
    "a spokesperson for the ministry",
    "chief economist at Northbridge Capital",
    "the city’s deputy mayor",
    "head of research at the Meridian Institute",
    "a union organiser",
    "the company’s chief executive",
    "a professor of public health",
    "the opposition’s housing spokesperson",
    "a senior analyst at Halden & Pryce",
];

const ORGS: &[&str] = &[
    "the central bank",
    "Helios Energy",
    "the transport authority",
    "Kestrel Logistics",
    "the health ministry",
    "the regional council",
    "Aurora Telecom",
    "the statistics office",
    "the port operator",
    "the teachers’ union",
    "Nordvik Shipping",
    "the competition regulator",
];

const TOPICS: &[&str] = &[
    "the rail strike",
    "interest rates",
    "the proposed merger",
    "the heatwave",
    "vaccine supplies",
    "housing costs",
    "the new tariff regime",
    "the water shortage",
    "the pension reform",
    "grid upgrades",
    "the budget deficit",
    "emergency-room waiting times",
    "the fishing quota",
    "school meal prices",
];

const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const JUDGEMENTS: &[&str] = &[
    "reckless",
    "unworkable",
    "a costly gamble",
    "deeply unfair to renters",
    "long overdue",
    "a sensible compromise",
    "bold but vague",
    "a betrayal of voters",
];

const TRENDS: &[&str] = &[
    "double",
    "fall sharply",
    "stabilise",
    "recover",
    "keep rising",
    "level off",
];

const ANONYMOUS: &[&str] = &[
    "people familiar with the matter",
    "two officials briefed on the talks",
    "an internal memo seen by reporters",
    "documents reviewed by this newspaper",
    "a person close to the board",
];

const QUOTES: &[&str] = &[
    "we will not accept cuts to {topic}",
    "nobody expected {topic} to move this fast",
    "this is a question of trust",
    "the numbers speak for themselves",
    "people are tired of waiting",
    "we were told {topic} was under control — it was not",
    "there is no plan B",
    "frankly, the timing could hardly be worse",
];

const POSTS: &[&str] = &[
    "Back to work tomorrow 🚆",
    "Record heat again today 🔥",
    "Proud of this team 👏",
    "Not the news we hoped for 😞",
    "Markets up again 📈",
    "Every drop counts 💧",
];

/// Upper-cases the first letter.
fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Writes article-like sentences with a PRNG.
struct Writer {
    rng: Rng,
}

impl Writer {
    fn pick(&mut self, items: &[&'static str]) -> &'static str {
        items[self.rng.below(items.len())]
    }

    fn money(&mut self) -> String {
        let cur = self.pick(&["€", "$", "£", "¥"]);
        let unit = self.pick(&["million", "billion"]);
        format!(
            "{cur}{}.{}\u{a0}{unit}",
            self.rng.between(1, 950),
            self.rng.below(10)
        )
    }

    fn percent(&mut self) -> String {
        format!(
            "{}.{}\u{a0}per\u{a0}cent",
            self.rng.below(15),
            self.rng.below(10)
        )
    }

    fn count(&mut self) -> String {
        format!(
            "{}\u{a0}{:03}",
            self.rng.between(1, 480),
            self.rng.below(1000)
        )
    }

    fn year(&mut self) -> usize {
        self.rng.between(1998, 2031)
    }

    fn quote(&mut self) -> String {
        let topic = self.pick(TOPICS);
        self.pick(QUOTES).replace("{topic}", topic)
    }

    fn clause(&mut self) -> String {
        let topic = self.pick(TOPICS);
        let template = self.rng.below(7);
        self.clause_with(template, topic)
    }

    /// Clause template `template` (0–6) about `topic`.
    fn clause_with(&mut self, template: usize, topic: &str) -> String {
        match template {
            0 => format!("{} had underestimated {topic}", self.pick(ORGS)),
            1 => format!("{topic} would cost at least {}", self.money()),
            2 => format!(
                "the government would review {topic} before {}",
                self.pick(MONTHS)
            ),
            3 => format!("{topic} could delay work on {}", self.pick(TOPICS)),
            4 => format!("about {} households were affected by {topic}", self.count()),
            5 => format!("talks on {topic} had stalled — again"),
            _ => format!(
                "{} would announce new measures on {topic} “within weeks”",
                self.pick(ORGS)
            ),
        }
    }

    fn sentence(&mut self) -> String {
        match self.rng.below(11) {
            0 => format!(
                "{} said on {} that {}.",
                cap(self.pick(ORGS)),
                self.pick(DAYS),
                self.clause()
            ),
            1 => format!(
                "“{},” said {}, {}.",
                cap(&self.quote()),
                self.pick(PEOPLE),
                self.pick(ROLES)
            ),
            2 => format!(
                "{} — {} — told reporters that {}.",
                self.pick(PEOPLE),
                self.pick(ROLES),
                self.clause()
            ),
            3 => format!(
                "Critics called the plan {}, arguing that {}.",
                self.pick(JUDGEMENTS),
                self.clause()
            ),
            4 => format!("According to {}, {}.", self.pick(ANONYMOUS), self.clause()),
            5 => format!(
                "{} pushed prices up {} in {}, the fastest pace since {}.",
                cap(self.pick(TOPICS)),
                self.percent(),
                self.pick(MONTHS),
                self.year()
            ),
            6 => format!(
                "Analysts expect {} to {} by {}, though {} warned that “{}”.",
                self.pick(TOPICS),
                self.pick(TRENDS),
                self.year(),
                self.pick(PEOPLE),
                self.quote()
            ),
            7 if self.rng.chance(0.3) => format!(
                "In a post on social media, {} wrote: “{}”",
                self.pick(PEOPLE),
                self.pick(POSTS)
            ),
            8 => format!(
                "{} employs about {} people and reported revenue of {} last year.",
                cap(self.pick(ORGS)),
                self.count(),
                self.money()
            ),
            9 => format!(
                "“We are not there yet,” {} said. “{}.”",
                self.pick(PEOPLE),
                cap(&self.quote())
            ),
            _ => format!("{}.", cap(&self.clause())),
        }
    }

    fn headline(&mut self) -> String {
        format!(
            "{}: {} warns of {} shortfall",
            cap(self.pick(TOPICS)),
            cap(self.pick(ORGS)),
            self.money()
        )
    }

    /// Sentences until `out` holds at least `bytes` bytes. Paragraphs are joined with
    /// `paragraph_break`, sentences with a space.
    fn fill(&mut self, out: &mut String, bytes: usize, paragraph_break: &str) {
        while out.len() < bytes {
            // Mostly short news paragraphs; now and then a long transcript-like one that a
            // reading view must split into blocks.
            let sentences = if self.rng.chance(0.02) {
                self.rng.between(25, 45)
            } else {
                self.rng.between(1, 5)
            };
            if !out.is_empty() {
                out.push_str(paragraph_break);
            }
            for i in 0..sentences {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&self.sentence());
                if out.len() >= bytes {
                    break;
                }
            }
        }
    }
}

/// Cuts `s` to at most `bytes` bytes on a char boundary.
fn cut(s: &mut String, bytes: usize) {
    if s.len() > bytes {
        let at = s.floor_char_boundary(bytes);
        s.truncate(at);
    }
}

/// News-like text of at most `bytes` bytes (and within a few bytes of it): a headline line,
/// then paragraphs separated by blank lines (LF), ending with a newline.
pub fn article_text(bytes: usize, seed: u64) -> String {
    let mut w = Writer {
        rng: Rng::new(seed),
    };
    let mut out = String::with_capacity(bytes + 256);
    if bytes == 0 {
        return out;
    }
    out.push_str(&w.headline());
    w.fill(&mut out, bytes, "\n\n");
    cut(&mut out, bytes.saturating_sub(1));
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// News-like text of at most `bytes` bytes on one line: no LF or CR at all (a scraped page
/// whose paragraphs were joined with spaces).
pub fn single_line(bytes: usize) -> String {
    let mut w = Writer {
        rng: Rng::new(DEFAULT_SEED ^ 0x5113),
    };
    let mut out = String::with_capacity(bytes + 256);
    w.fill(&mut out, bytes, " ");
    cut(&mut out, bytes);
    out
}

/// Like [`article_text`] but with old Mac line endings: every line ends with a lone CR.
pub fn cr_only(bytes: usize) -> String {
    article_text(bytes, DEFAULT_SEED ^ 0xC4).replace('\n', "\r")
}

// ----- sidecars ----------------------------------------------------------------------------

const ID_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const ANNOTATORS: &[&str] = &["ana", "ben", "chen.li", "dana"];
/// 2026-09-21T…: the synthetic annotations' creation times start here.
const BASE_TIME: u64 = 1_790_000_000;

fn fresh_id<Id: From<String>>(rng: &mut Rng, used: &mut HashSet<String>) -> Id {
    loop {
        let mut n = rng.next_u64();
        let id: String = (0..10)
            .map(|_| {
                let c = ID_ALPHABET[(n & 31) as usize] as char;
                n >>= 5;
                c
            })
            .collect();
        if used.insert(id.clone()) {
            return id.into();
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// A word-aligned span near byte `at` of `s`: its byte range, or `None` near the end.
fn span_near(s: &str, at: usize, words: usize) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let at = s.ceil_char_boundary(at.min(s.len()));
    // Forward to the start of a word, looking a little way only.
    let mut start = at;
    let limit = (at + 200).min(b.len());
    while start < limit && !(!is_space(b[start]) && (start == 0 || is_space(b[start - 1]))) {
        start += 1;
    }
    if start >= limit {
        // No word start nearby (a long run without spaces): take the chars at `at`.
        start = at;
    }
    if start >= b.len() || is_space(b[start]) {
        return None;
    }
    // Forward over `words` words, staying inside the line.
    let mut end = start;
    let mut seen = 0;
    let end_limit = (start + 400).min(b.len());
    while end < end_limit {
        if is_space(b[end]) {
            seen += 1;
            if seen == words || b[end] != b' ' {
                break;
            }
        }
        end += 1;
    }
    let end = s.floor_char_boundary(end);
    // Do not end on a space.
    let trimmed = start + s[start..end].trim_end().len();
    (trimmed > start).then_some((start, trimmed))
}

fn attributes_for(tag: &str, rng: &mut Rng) -> BTreeMap<String, AttrValue> {
    let mut m = BTreeMap::new();
    match tag {
        "claim" => {
            m.insert(
                "type".into(),
                text_value(rng.pick(&["factual", "opinion", "prediction"])),
            );
            m.insert("checkworthy".into(), AttrValue::Bool(rng.chance(0.3)));
        }
        "quote" => {
            m.insert(
                "kind".into(),
                text_value(rng.pick(&["direct", "indirect", "partial"])),
            );
            if rng.chance(0.6) {
                m.insert("speaker".into(), text_value(rng.pick(PEOPLE)));
            }
        }
        "stance" => {
            m.insert(
                "polarity".into(),
                text_value(rng.pick(&["favor", "against", "neutral"])),
            );
            if rng.chance(0.5) {
                m.insert("target".into(), text_value(rng.pick(TOPICS)));
            }
        }
        _ => {
            m.insert(
                "identity".into(),
                text_value(rng.pick(&["named", "anonymous"])),
            );
            m.insert(
                "source_type".into(),
                text_value(rng.pick(&[
                    "official", "expert", "company", "document", "witness", "media", "other",
                ])),
            );
        }
    }
    m
}

/// The sidecar content of `text` as the article at `article_path` (only its file name is
/// used), with about `n_annotations` annotations spread over the whole text and some
/// relations between them. The article's hash is that of `text` written as plain UTF-8.
///
/// Every annotation holds its exact text and context, so the result validates with no
/// problem against the built-in news scheme.
pub fn sidecar_for(
    article_path: &Path,
    text: &str,
    n_annotations: usize,
    seed: u64,
) -> SidecarData {
    let indexed = IndexedText::new(text.to_owned());
    sidecar_for_indexed(article_path, &indexed, n_annotations, seed)
}

/// [`sidecar_for`] on an already indexed text.
pub fn sidecar_for_indexed(
    article_path: &Path,
    text: &IndexedText,
    n_annotations: usize,
    seed: u64,
) -> SidecarData {
    let mut rng = Rng::new(seed ^ 0xA11C_E5ED);
    let s = text.as_str();
    let mut used = HashSet::with_capacity(n_annotations * 2);
    let mut annotations = Vec::with_capacity(n_annotations);
    let n = n_annotations;
    for i in 0..n {
        if s.is_empty() {
            break;
        }
        let lo = i * s.len() / n;
        let hi = ((i + 1) * s.len() / n).max(lo + 1);
        let at = lo + rng.below(hi - lo);
        let words = if rng.chance(0.1) {
            rng.between(10, 30)
        } else {
            rng.between(1, 8)
        };
        let Some((b0, b1)) = span_near(s, at, words).or_else(|| span_near(s, 0, words)) else {
            continue;
        };
        let (Some(start), Some(end)) = (text.byte_to_char(b0), text.byte_to_char(b1)) else {
            continue;
        };
        let range = CharRange::new(start, end);
        let tag = match rng.below(20) {
            0..=6 => "claim",
            7..=11 => "quote",
            12..=15 => "stance",
            _ => "sourcing",
        };
        let created = rfc3339_from_unix(BASE_TIME + i as u64 * 37);
        let modified = if rng.chance(0.2) {
            rfc3339_from_unix(BASE_TIME + i as u64 * 37 + 600)
        } else {
            created.clone()
        };
        annotations.push(Annotation {
            id: fresh_id(&mut rng, &mut used),
            tag: tag.to_owned(),
            range,
            text: s[b0..b1].to_owned(),
            prefix: text.before(start, CONTEXT_CHARS).to_owned(),
            suffix: text.after(end, CONTEXT_CHARS).to_owned(),
            attributes: attributes_for(tag, &mut rng).into(),
            note: if rng.chance(0.05) {
                "Check against the ministry’s own figures — they changed on Friday.".to_owned()
            } else {
                String::new()
            },
            annotator: rng.pick(ANNOTATORS).to_string(),
            created,
            modified,
            status: match rng.below(40) {
                0 | 1 => Some(Status::Suggested),
                2 => Some(Status::Uncertain),
                _ => None,
            },
            review: None,
            origin: None,
            entity: String::new(),
            extra: Extra::new(),
        });
    }
    // Relations: quotes and claims attributed to a recent sourcing span, stances about a
    // recent claim or quote.
    let mut relations = Vec::new();
    let mut last_sourcing: Option<usize> = None;
    let mut last_claim_or_quote: Option<usize> = None;
    for (i, a) in annotations.iter().enumerate() {
        let near = |j: Option<usize>| j.filter(|&j| i - j <= 6);
        let target = match a.tag.as_str() {
            "quote" | "claim" => near(last_sourcing).map(|j| ("attributed_to", j)),
            "stance" => near(last_claim_or_quote).map(|j| ("about", j)),
            _ => None,
        };
        if let Some((kind, j)) = target
            && rng.chance(0.6)
        {
            relations.push(Relation {
                id: fresh_id(&mut rng, &mut used),
                kind: kind.to_owned(),
                from: a.id.clone(),
                to: annotations[j].id.clone(),
                annotator: a.annotator.clone(),
                note: String::new(),
                extra: Extra::new(),
            });
        }
        match a.tag.as_str() {
            "sourcing" => last_sourcing = Some(i),
            "claim" | "quote" => last_claim_or_quote = Some(i),
            _ => {}
        }
    }
    let mut labels = BTreeMap::new();
    labels.insert(
        "status".to_owned(),
        text_value(rng.pick(&["todo", "in_progress", "done"])),
    );
    if rng.chance(0.5) {
        labels.insert(
            "overall_stance".to_owned(),
            text_value(rng.pick(&["favor", "against", "neutral", "mixed"])),
        );
    }
    SidecarData {
        article: ArticleRef {
            file: article_path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: sha256_hex(s.as_bytes()),
            chars: text.len_chars(),
            encoding: None,
            extra: Extra::new(),
        },
        scheme: Scheme::default_news().reference(),
        labels,
        annotations,
        relations,
        merge: Default::default(),
        adjudication: Default::default(),
        extra: Extra::new(),
    }
}

fn text_value(s: &str) -> AttrValue {
    AttrValue::Text(s.to_owned())
}

/// Writes `text` to `dir/name` (plain UTF-8) and its sidecar with about `n_annotations`
/// annotations next to it. Returns the article's path.
pub fn write_article(
    dir: &Path,
    name: &str,
    text: &str,
    n_annotations: usize,
    seed: u64,
) -> io::Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, text)?;
    if n_annotations > 0 {
        let data = sidecar_for(&path, text, n_annotations, seed);
        std::fs::write(sidecar_path(&path), data.to_json())?;
    }
    Ok(path)
}

// ----- the standard benchmark set ------------------------------------------------------------

/// How a benchmark article's lines end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Paragraphs separated by blank lines, LF endings ([`article_text`]).
    Paragraphs,
    /// One line, no line breaks at all ([`single_line`]).
    SingleLine,
    /// Lone CR line endings ([`cr_only`]).
    CrOnly,
}

/// One standard benchmark article.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// File name.
    pub name: &'static str,
    /// Line structure.
    pub shape: Shape,
    /// Size of the text in bytes (at most; within a few bytes).
    pub bytes: usize,
    /// Number of annotations in its sidecar (ten per KB).
    pub annotations: usize,
}

impl Spec {
    /// The article's text.
    pub fn text(&self) -> String {
        match self.shape {
            Shape::Paragraphs => article_text(self.bytes, DEFAULT_SEED ^ self.bytes as u64),
            Shape::SingleLine => single_line(self.bytes),
            Shape::CrOnly => cr_only(self.bytes),
        }
    }
}

const fn spec(name: &'static str, shape: Shape, bytes: usize) -> Spec {
    Spec {
        name,
        shape,
        bytes,
        annotations: bytes / 100,
    }
}

/// The standard benchmark articles (sizes in decimal units: 1 KB = 1,000 bytes).
pub const BENCH_SPECS: &[Spec] = &[
    spec("news-10kb.txt", Shape::Paragraphs, 10_000),
    spec("news-50kb.txt", Shape::Paragraphs, 50_000),
    spec("news-1mb.txt", Shape::Paragraphs, 1_000_000),
    spec("news-10mb.txt", Shape::Paragraphs, 10_000_000),
    spec("single-line-10mb.txt", Shape::SingleLine, 10_000_000),
    spec("cr-only-10mb.txt", Shape::CrOnly, 10_000_000),
];

/// The standard spec named `name`.
pub fn bench_spec(name: &str) -> Option<&'static Spec> {
    BENCH_SPECS.iter().find(|s| s.name == name)
}

/// Writes a standard benchmark article and its sidecar into `dir`. Returns the article path.
pub fn write_spec(dir: &Path, spec: &Spec) -> io::Result<PathBuf> {
    write_article(
        dir,
        spec.name,
        &spec.text(),
        spec.annotations,
        DEFAULT_SEED ^ spec.bytes as u64,
    )
}

/// Number of articles per sub-folder of a corpus written by [`write_corpus`].
pub const CORPUS_FOLDER_SIZE: usize = 1000;

/// Writes a corpus of `n_articles` short articles (600 bytes to 2.4 KB, ten annotations per
/// KB), each with its sidecar, into `dir/outlet-NN/story-NNNNN.txt`, a thousand per folder.
/// Returns the article paths.
pub fn write_corpus(dir: &Path, n_articles: usize, seed: u64) -> io::Result<Vec<PathBuf>> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(n_articles);
    for i in 0..n_articles {
        let folder = dir.join(format!("outlet-{:02}", i / CORPUS_FOLDER_SIZE));
        if i.is_multiple_of(CORPUS_FOLDER_SIZE) {
            std::fs::create_dir_all(&folder)?;
        }
        let bytes = rng.between(600, 2400);
        let article_seed = rng.next_u64();
        let text = article_text(bytes, article_seed);
        out.push(write_article(
            &folder,
            &format!("story-{i:05}.txt"),
            &text,
            (bytes as f64 * ANNOTATIONS_PER_BYTE).round() as usize,
            article_seed,
        )?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::article::{Article, LoadOptions};
    use crate::core::validate::{validate_data, validate_paths};

    fn check_valid(name: &str, text: &str, n: usize) -> SidecarData {
        let path = Path::new(name);
        let article = Article::from_bytes(path, text.as_bytes(), &LoadOptions::default()).unwrap();
        let data = sidecar_for(path, text, n, 7);
        let problems = validate_data(&article, &data, &Scheme::default_news());
        assert_eq!(problems, vec![], "{name}");
        // The same after a trip through the file format.
        let json = data.to_json();
        let back = SidecarData::parse(json.as_bytes(), Path::new("x.json")).unwrap();
        assert_eq!(
            validate_data(&article, &back, &Scheme::default_news()),
            vec![]
        );
        data
    }

    #[test]
    fn deterministic() {
        assert_eq!(article_text(5000, 1), article_text(5000, 1));
        assert_ne!(article_text(5000, 1), article_text(5000, 2));
        assert_eq!(single_line(3000), single_line(3000));
        let t = article_text(5000, 3);
        assert_eq!(
            sidecar_for(Path::new("a.txt"), &t, 50, 9),
            sidecar_for(Path::new("a.txt"), &t, 50, 9)
        );
    }

    #[test]
    fn text_has_the_right_size_and_texture() {
        for bytes in [1, 10, 100, 10_000, 100_000] {
            let t = article_text(bytes, 5);
            assert!(
                t.len() <= bytes && t.len() + 8 >= bytes,
                "{bytes}: {}",
                t.len()
            );
            assert!(t.ends_with('\n'));
        }
        let t = article_text(100_000, 5);
        for needle in ["“", "”", "—", "\u{a0}", "’", "\n\n"] {
            assert!(t.contains(needle), "{needle:?}");
        }
        assert!(
            t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "CJK"
        );
        assert!(t.chars().any(|c| c as u32 >= 0x1F300), "emoji");
        assert!(!t.contains('\r'));
        assert!(!t.chars().any(crate::core::article::is_rtl));

        let one = single_line(50_000);
        assert!(one.len() <= 50_000 && one.len() + 4 >= 50_000);
        assert!(!one.contains(['\n', '\r']));

        let cr = cr_only(50_000);
        assert!(cr.contains("\r\r") && !cr.contains('\n'));
    }

    #[test]
    fn paragraphs_look_like_news() {
        let t = article_text(200_000, 11);
        let a =
            Article::from_bytes(Path::new("a.txt"), t.as_bytes(), &LoadOptions::default()).unwrap();
        // A headline, many short paragraphs, and a few long ones split into blocks.
        assert!(a.segments.len() > 300, "{}", a.segments.len());
        assert!(a.segments.iter().any(|s| s.continues));
    }

    #[test]
    fn sidecars_validate_with_no_problem() {
        let data = check_valid("news.txt", &article_text(60_000, 2), 600);
        assert_eq!(data.annotations.len(), 600);
        assert!(data.relations.len() > 30, "{}", data.relations.len());
        for tag in ["claim", "quote", "stance", "sourcing"] {
            assert!(data.annotations.iter().any(|a| a.tag == tag), "{tag}");
        }
        assert!(data.annotations.iter().any(|a| a.status.is_some()));
        // Spread over the whole text.
        let last = data.annotations.iter().map(|a| a.range.end).max().unwrap();
        assert!(last as f64 > 0.95 * data.article.chars as f64);

        let data = check_valid("one-line.txt", &single_line(30_000), 300);
        assert_eq!(data.annotations.len(), 300);
        let data = check_valid("cr.txt", &cr_only(30_000), 300);
        assert_eq!(data.annotations.len(), 300);
        // More annotations than words still works.
        check_valid("tiny.txt", "Zoë said “no” — 李明 agreed.\n", 50);
        check_valid("empty.txt", "", 10);
    }

    #[test]
    fn corpus_validates() {
        let dir = tempfile::tempdir().unwrap();
        let paths = write_corpus(dir.path(), 25, 3).unwrap();
        assert_eq!(paths.len(), 25);
        let mut reports = Vec::new();
        validate_paths(
            &[dir.path().to_owned()],
            &LoadOptions::default(),
            &mut |_| {},
            |r| reports.push(r),
        );
        assert_eq!(reports.len(), 25);
        for r in &reports {
            assert!(r.ok && r.problems.is_empty(), "{r:?}");
        }
        let spec = bench_spec("news-10kb.txt").unwrap();
        let path = write_spec(dir.path(), spec).unwrap();
        let (doc, report) = crate::core::Document::open(&path, &LoadOptions::default()).unwrap();
        assert!(report.sidecar_problem.is_none() && report.anchoring.is_empty());
        assert_eq!(doc.annotations().len(), spec.annotations);
        assert!(!doc.is_dirty());
    }
}

// ----- stories: one event covered by many outlets ------------------------------------------

/// One article of a synthetic story ([`story_corpus`]).
#[derive(Clone, Debug)]
pub struct StoryDoc {
    /// File name, e.g. `outlet-007.txt`.
    pub name: String,
    /// The article's text.
    pub text: IndexedText,
    /// Its quotes and claims, and a sourcing span for each quote.
    pub annotations: Vec<Annotation>,
    /// Each quote `attributed_to` its sourcing span.
    pub relations: Vec<Relation>,
}

impl StoryDoc {
    /// The article as `analysis::story::group` takes it (its name as its outlet).
    pub fn article(&self) -> crate::analysis::story::StoryArticle<'_> {
        crate::analysis::story::StoryArticle {
            name: &self.name,
            outlet: &self.name,
            text: &self.text,
            annotations: &self.annotations,
            relations: &self.relations,
        }
    }
}

const SWAPS: &[(&str, &str)] = &[
    ("cost", "total"),
    ("delay", "hold up"),
    ("accept", "tolerate"),
    ("expected", "predicted"),
    ("question", "matter"),
    ("tired", "weary"),
    ("plan", "scheme"),
    ("review", "reconsider"),
];

/// A variant of `s` as another outlet may print it: trimmed at either end, a word swapped for
/// a synonym, a figure changed, or the same words.
fn variant(s: &str, rng: &mut Rng) -> String {
    let mut words: Vec<String> = s.split(' ').map(str::to_owned).collect();
    if words.len() > 6 && rng.chance(0.25) {
        let cut = rng.between(1, 3);
        if rng.chance(0.5) {
            words.drain(..cut);
        } else {
            words.truncate(words.len() - cut);
        }
    }
    if rng.chance(0.3) {
        for w in words.iter_mut() {
            if let Some((_, to)) = SWAPS.iter().find(|(from, _)| w == from) {
                *w = (*to).to_owned();
                break;
            }
        }
    }
    if rng.chance(0.2) {
        for w in words.iter_mut() {
            if w.chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || "€$£¥".contains(c))
            {
                *w = format!("£{}.{}", rng.between(1, 99), rng.below(10));
                break;
            }
        }
    }
    words.join(" ")
}

fn story_annotation(
    text: &IndexedText,
    id: AnnotationId,
    tag: &str,
    range: CharRange,
    rng: &mut Rng,
) -> Annotation {
    let t = BASE_TIME + rng.below(1_000_000) as u64;
    Annotation {
        attributes: attributes_for(tag, rng).into_iter().collect(),
        annotator: "synth".into(),
        created: rfc3339_from_unix(t),
        modified: rfc3339_from_unix(t),
        ..Annotation::on_text(text, id, tag, range)
    }
}

/// A statement placed in a story article: tag, start, end, and the sourcing span (start, end,
/// name) of a quote.
type StorySpan<'a> = (&'a str, usize, usize, Option<(usize, usize, &'a str)>);

/// `n_articles` articles covering one event, each with `per_article` annotated quotes and
/// claims among news-like filler. The statements come from a shared pool of about
/// `2 × per_article` clauses (so each is carried by several outlets), each printed as a
/// [`variant`];
/// quotes sit in curly quote marks followed by `said NAME`, a sourcing span with an
/// `entity`, linked `attributed_to`. Deterministic for a seed.
pub fn story_corpus(n_articles: usize, per_article: usize, seed: u64) -> Vec<StoryDoc> {
    let mut w = Writer {
        rng: Rng::new(seed),
    };
    let pool: Vec<(bool, String, &str)> = (0..(2 * per_article).max(1))
        .map(|i| {
            let quote = i % 2 == 0;
            // A different clause template and topic each: entries sharing a stock phrase
            // ("there is no plan B") or a frame and its subject would rightly be grouped
            // together, chaining the whole story into one group.
            let s = w.clause_with(i % 7, TOPICS[(i / 7) % TOPICS.len()]);
            (quote, s, w.pick(PEOPLE))
        })
        .collect();
    let mut used = HashSet::new();
    (0..n_articles)
        .map(|a| {
            let mut text = w.headline();
            let mut spans: Vec<StorySpan<'_>> = Vec::new();
            let chars = |s: &str| s.chars().count();
            for _ in 0..per_article {
                text.push_str("\n\n");
                for _ in 0..w.rng.between(1, 3) {
                    text.push_str(&w.sentence());
                    text.push(' ');
                }
                let (quote, s, who) = &pool[w.rng.below(pool.len())];
                let v = variant(s, &mut w.rng);
                if *quote {
                    text.push('“');
                    let start = chars(&text);
                    text.push_str(&cap(&v));
                    let end = chars(&text);
                    text.push_str(",” said ");
                    let ss = chars(&text);
                    text.push_str(who);
                    let se = chars(&text);
                    text.push('.');
                    spans.push(("quote", start, end, Some((ss, se, who))));
                } else {
                    let start = chars(&text);
                    text.push_str(&cap(&v));
                    let end = chars(&text);
                    text.push('.');
                    spans.push(("claim", start, end, None));
                }
            }
            text.push('\n');
            let indexed = IndexedText::new(text);
            let mut annotations = Vec::new();
            let mut relations = Vec::new();
            for (tag, s, e, source) in spans {
                let id: AnnotationId = fresh_id(&mut w.rng, &mut used);
                annotations.push(story_annotation(
                    &indexed,
                    id.clone(),
                    tag,
                    CharRange::new(s, e),
                    &mut w.rng,
                ));
                if let Some((ss, se, who)) = source {
                    let sid: AnnotationId = fresh_id(&mut w.rng, &mut used);
                    let mut src = story_annotation(
                        &indexed,
                        sid.clone(),
                        "sourcing",
                        CharRange::new(ss, se),
                        &mut w.rng,
                    );
                    src.entity = who.to_owned();
                    annotations.push(src);
                    relations.push(Relation {
                        id: fresh_id(&mut w.rng, &mut used),
                        kind: "attributed_to".into(),
                        from: id,
                        to: sid,
                        annotator: "synth".into(),
                        note: String::new(),
                        extra: Extra::new(),
                    });
                }
            }
            annotations.sort_by_key(|a| (a.range.start, a.range.end));
            StoryDoc {
                name: format!("outlet-{a:03}.txt"),
                text: indexed,
                annotations,
                relations,
            }
        })
        .collect()
}
