//! The annotation model: spans with tags, relations between them, document labels.
//!
//! These are in-memory types; the on-disk form lives in [`crate::core::sidecar`], which converts.

use std::collections::BTreeMap;

pub use crate::core::id::{AnnotationId, RelationId};
use crate::core::text::offsets::{CharRange, IndexedText};

/// An attribute or label value: text, number, flag or list of texts.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum AttrValue {
    /// `true` / `false`.
    Bool(bool),
    /// A JSON number, kept exactly as written.
    Number(serde_json::Number),
    /// Text.
    Text(String),
    /// A list of texts.
    List(Vec<String>),
}

/// The key under which serde_json (with `arbitrary_precision`) hands over a number's text.
pub(crate) const NUMBER_TOKEN: &str = "$serde_json::private::Number";

// By hand rather than `#[serde(untagged)]`, which buffers each value and builds an error for
// every variant it tries: a third of the time of loading a large sidecar.
impl<'de> serde::Deserialize<'de> for AttrValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = AttrValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, number, boolean or list of strings")
            }
            fn visit_bool<E>(self, v: bool) -> Result<AttrValue, E> {
                Ok(AttrValue::Bool(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<AttrValue, E> {
                Ok(AttrValue::Number(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<AttrValue, E> {
                Ok(AttrValue::Number(v.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<AttrValue, E> {
                serde_json::Number::from_f64(v)
                    .map(AttrValue::Number)
                    .ok_or_else(|| E::custom("not a finite number"))
            }
            fn visit_str<E>(self, v: &str) -> Result<AttrValue, E> {
                Ok(AttrValue::Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<AttrValue, E> {
                Ok(AttrValue::Text(v))
            }
            // With serde_json's `arbitrary_precision`, numbers arrive as a one-entry map
            // holding their exact text: kept exactly as written.
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<AttrValue, A::Error> {
                use serde::de::Error;
                match map.next_key::<std::borrow::Cow<'de, str>>()? {
                    Some(k) if k == NUMBER_TOKEN => {
                        let text = map.next_value::<std::borrow::Cow<'de, str>>()?;
                        text.parse::<serde_json::Number>()
                            .map(AttrValue::Number)
                            .map_err(A::Error::custom)
                    }
                    _ => Err(A::Error::invalid_type(
                        serde::de::Unexpected::Map,
                        &"a string, number, boolean or list of strings",
                    )),
                }
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<AttrValue, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(2));
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(AttrValue::List(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl AttrValue {
    /// Parses a command-line value: `true`/`false`, a number, `a|b|c` as a list (when it holds
    /// a `|`), else text.
    pub fn parse_cli(s: &str) -> Self {
        match s {
            "true" => return AttrValue::Bool(true),
            "false" => return AttrValue::Bool(false),
            _ => {}
        }
        if let Ok(serde_json::Value::Number(n)) = serde_json::from_str::<serde_json::Value>(s) {
            return AttrValue::Number(n);
        }
        if s.contains('|') {
            return AttrValue::List(s.split('|').map(str::to_owned).collect());
        }
        AttrValue::Text(s.to_owned())
    }

    /// The value as shown to people.
    pub fn display(&self) -> String {
        match self {
            AttrValue::Bool(b) => b.to_string(),
            AttrValue::Number(n) => n.to_string(),
            AttrValue::Text(s) => s.clone(),
            AttrValue::List(l) => l.join(", "),
        }
    }

    /// The text, when this is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            AttrValue::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// An annotation's attribute values by name: a small sorted list (most annotations have two or
/// three), far lighter than a `BTreeMap` when there are 100,000 annotations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attributes(Vec<(String, AttrValue)>);

type AttrPair = (String, AttrValue);

impl Attributes {
    /// No attributes.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(name))
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&AttrValue> {
        self.find(name).ok().map(|i| &self.0[i].1)
    }

    /// Sets `name`, returning the old value.
    pub fn insert(&mut self, name: String, value: AttrValue) -> Option<AttrValue> {
        match self.find(&name) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (name, value));
                None
            }
        }
    }

    /// Removes `name`, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<AttrValue> {
        self.find(name).ok().map(|i| self.0.remove(i).1)
    }

    /// `true` when `name` is set.
    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Name and value pairs, sorted by name.
    pub fn iter(&self) -> AttrIter<'_> {
        self.0.iter().map(pair_ref)
    }

    /// Values, in name order.
    pub fn values(&self) -> impl Iterator<Item = &AttrValue> {
        self.0.iter().map(|(_, v)| v)
    }

    /// Names, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `true` when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn pair_ref(p: &AttrPair) -> (&String, &AttrValue) {
    (&p.0, &p.1)
}

/// Iterator over [`Attributes`].
pub type AttrIter<'a> =
    std::iter::Map<std::slice::Iter<'a, AttrPair>, fn(&'a AttrPair) -> (&'a String, &'a AttrValue)>;

impl<'a> IntoIterator for &'a Attributes {
    type Item = (&'a String, &'a AttrValue);
    type IntoIter = AttrIter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl FromIterator<(String, AttrValue)> for Attributes {
    fn from_iter<I: IntoIterator<Item = (String, AttrValue)>>(iter: I) -> Self {
        let mut a = Attributes::new();
        for (k, v) in iter {
            a.insert(k, v);
        }
        a.0.shrink_to_fit();
        a
    }
}

impl From<BTreeMap<String, AttrValue>> for Attributes {
    fn from(m: BTreeMap<String, AttrValue>) -> Self {
        let mut v: Vec<AttrPair> = m.into_iter().collect();
        v.shrink_to_fit();
        Attributes(v)
    }
}

impl serde::Serialize for Attributes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for Attributes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Attributes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of attribute names to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Attributes, A::Error> {
                let mut out = Attributes(Vec::with_capacity(map.size_hint().unwrap_or(2)));
                while let Some((k, v)) = map.next_entry::<String, AttrValue>()? {
                    out.insert(k, v);
                }
                out.0.shrink_to_fit();
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// The review state of an annotation; absent for an ordinary one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A pre-annotation awaiting review.
    Suggested,
    /// Flagged by its annotator.
    Uncertain,
    /// Its text is no longer in the article.
    Orphaned,
}

impl Status {
    /// The word used on disk and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Suggested => "suggested",
            Status::Uncertain => "uncertain",
            Status::Orphaned => "orphaned",
        }
    }
}

/// Why an annotation waits for a person to confirm where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewReason {
    /// Re-anchoring placed it on text that differs from its old text (typography, whitespace
    /// or a small edit inside the span): `was` holds the old text.
    Fuzzy,
    /// A merge of two sidecars changed it on both sides; `other` names the other side's id.
    Merge,
    /// A merge kept it although the other side deleted it.
    MergeDeleted,
}

impl ReviewReason {
    /// The word used on disk and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewReason::Fuzzy => "fuzzy",
            ReviewReason::Merge => "merge",
            ReviewReason::MergeDeleted => "merge-deleted",
        }
    }
}

/// The optional `review` marker of an annotation: a machine placed or changed it and a person
/// should look (keep it, which clears the marker, or re-place it).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Review {
    /// Why.
    pub reason: ReviewReason,
    /// The annotation's text before the change (fuzzy moves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was: Option<String>,
    /// The id of the annotation on the other side (merges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<AnnotationId>,
    /// Fields from a newer Tagline, kept as they were.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Review {
    /// A review marker with only a reason.
    pub fn new(reason: ReviewReason) -> Self {
        Review {
            reason,
            was: None,
            other: None,
            extra: Extra::new(),
        }
    }

    /// A fuzzy move's marker, remembering the old text.
    pub fn fuzzy(was: impl Into<String>) -> Self {
        Review {
            reason: ReviewReason::Fuzzy,
            was: Some(was.into()),
            other: None,
            extra: Extra::new(),
        }
    }
}

/// What made an annotation: the optional `origin` field (see docs/sidecar-format.md).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    /// `import`, `suggest`, `story` or `adjudication`.
    pub kind: OriginKind,
    /// The input format of an import (`jsonl`, `label-studio`, `brat`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The model that predicted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The input file (path as given) it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The record (line number, task id, brat `T` id) within the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// The annotations it was made from, as `"annotator:ID"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
    /// For gold annotations: `unanimous` or `adjudicated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Who decided (adjudication).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Fields from a newer Tagline, kept as they were.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Origin {
    /// An origin with only a kind.
    pub fn new(kind: OriginKind) -> Self {
        Origin {
            kind,
            format: None,
            model: None,
            input: None,
            record: None,
            from: Vec::new(),
            decision: None,
            by: None,
            extra: Extra::new(),
        }
    }
}

/// What kind of machine made an annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OriginKind {
    /// `tagline import`.
    Import,
    /// The built-in suggester (`tagline suggest`).
    Suggest,
    /// A variant of a span tagged in another article of the story.
    Story,
    /// A gold annotation decided from several annotators' work.
    Adjudication,
}

/// How a gold annotation was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Every annotator had it.
    Unanimous,
    /// A person chose it.
    Adjudicated,
}

/// What a merge could not decide about the document as a whole: the sidecar's optional
/// top-level `merge` field, written only when not empty.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MergeRecord {
    /// Document labels both branches changed differently: the other branch's value by name
    /// (the sidecar's `labels` holds this branch's).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, AttrValue>,
    /// Fields from a newer Tagline, kept as they were.
    #[serde(flatten)]
    pub extra: Extra,
}

impl MergeRecord {
    /// `true` when there is nothing to record (the field is then not written).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.extra.is_empty()
    }
}

/// One annotator's annotation that adjudication rejected: an entry of the gold sidecar's
/// `adjudication.rejected` list, kept so that re-opening the comparison keeps the decision.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rejected {
    /// Whose annotation it was.
    pub annotator: String,
    /// Its id in that annotator's sidecar.
    pub id: AnnotationId,
    /// Char offset of its start on the gold article's text.
    pub start: usize,
    /// Char offset of its end (exclusive).
    pub end: usize,
    /// Its tag.
    pub tag: String,
}

/// What adjudication decided beyond the gold annotations themselves: the sidecar's optional
/// top-level `adjudication` field (gold sidecars), written only when not empty.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AdjudicationRecord {
    /// Annotators' annotations the adjudicator rejected, sorted by (start, end, tag,
    /// annotator, id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<Rejected>,
    /// Fields from a newer Tagline, kept as they were.
    #[serde(flatten)]
    pub extra: Extra,
}

impl AdjudicationRecord {
    /// `true` when there is nothing to record (the field is then not written).
    pub fn is_empty(&self) -> bool {
        self.rejected.is_empty() && self.extra.is_empty()
    }
}

/// Extra JSON fields Tagline does not know, kept so that saving never drops them.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// A tagged span of the article.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Annotation {
    /// Short random id, unique in its sidecar and never reused.
    pub id: AnnotationId,
    /// Tag id from the scheme (kept even when the scheme does not know it).
    pub tag: String,
    /// The chars covered.
    pub range: CharRange,
    /// The exact covered text.
    pub text: String,
    /// Up to [`CONTEXT_CHARS`] chars before the span, for re-anchoring.
    pub prefix: String,
    /// Up to [`CONTEXT_CHARS`] chars after the span, for re-anchoring.
    pub suffix: String,
    /// Attribute values by name.
    pub attributes: Attributes,
    /// Free text.
    pub note: String,
    /// Who made it.
    pub annotator: String,
    /// When it was made (RFC 3339 UTC, whole seconds).
    pub created: String,
    /// When it last changed (RFC 3339 UTC, whole seconds).
    pub modified: String,
    /// Review state; `None` for an ordinary annotation.
    pub status: Option<Status>,
    /// Set when a machine placed or changed it and a person should confirm (`None`: nothing
    /// to review).
    pub review: Option<Box<Review>>,
    /// Where a machine-made annotation came from (import, suggester, story, adjudication);
    /// `None` for one a person made here.
    pub origin: Option<Box<Origin>>,
    /// A source's canonical name (sourcing spans; a quote's speaker may take it); empty when
    /// not set.
    pub entity: String,
    /// Fields from a newer Tagline, kept as they were.
    pub extra: Extra,
}

impl Annotation {
    /// An annotation of `tag` on `range` of `text`, holding the text it covers there and up to
    /// [`CONTEXT_CHARS`] chars of context on each side; every other field empty (set them with
    /// struct update syntax: `Annotation { note, ..Annotation::on_text(…) }`).
    pub fn on_text(
        text: &IndexedText,
        id: AnnotationId,
        tag: impl Into<String>,
        range: CharRange,
    ) -> Annotation {
        Annotation {
            id,
            tag: tag.into(),
            range,
            text: text.slice(range).unwrap_or_default().to_owned(),
            prefix: text.before(range.start, CONTEXT_CHARS).to_owned(),
            suffix: text.after(range.end, CONTEXT_CHARS).to_owned(),
            ..Annotation::default()
        }
    }

    /// `true` when its text is no longer in the article.
    pub fn is_orphaned(&self) -> bool {
        self.status == Some(Status::Orphaned)
    }

    /// `true` when it carries a `review` marker (e.g. a fuzzy move) and is not orphaned.
    pub fn needs_review(&self) -> bool {
        self.review.is_some() && !self.is_orphaned()
    }
}

/// How many chars of context `prefix` and `suffix` hold at most.
pub const CONTEXT_CHARS: usize = 32;

/// A typed link between two annotations, e.g. a quote `attributed_to` a sourcing span.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    /// Short random id.
    pub id: RelationId,
    /// Relation type from the scheme.
    pub kind: String,
    /// Source annotation id.
    pub from: AnnotationId,
    /// Target annotation id.
    pub to: AnnotationId,
    /// Who made it.
    pub annotator: String,
    /// Free text.
    pub note: String,
    /// Fields from a newer Tagline, kept as they were.
    pub extra: Extra,
}

/// Alphabet of ids: Crockford's base32 in lower case (no i, l, o, u).
const ID_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// The id of 10 base32 chars made from the low 50 bits of `n`: for ids that must be the same
/// on every run (merges), from a hash the caller chooses.
pub fn id_from_bits(mut n: u64) -> String {
    (0..10)
        .map(|_| {
            let c = ID_ALPHABET[(n & 31) as usize] as char;
            n >>= 5;
            c
        })
        .collect()
}

/// A fresh random id of 10 base32 chars (50 random bits).
pub fn new_id() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: fall back to time and a counter, still unique in practice.
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        bytes = (t ^ COUNTER
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .rotate_left(17))
        .to_le_bytes();
    }
    id_from_bits(u64::from_le_bytes(bytes))
}

/// Now as RFC 3339 UTC with whole seconds, e.g. `2026-11-21T12:00:00Z`.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339_from_unix(secs)
}

/// Formats Unix seconds as RFC 3339 UTC.
pub fn rfc3339_from_unix(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 10 MB article holds 100,000 annotations, and the open article's memory goal is
    /// ≤ 150 MB: rare optional parts (review markers, origins) sit behind a pointer, so each
    /// annotation pays 8 bytes for them, not their whole size.
    #[test]
    fn an_annotation_stays_small() {
        let size = std::mem::size_of::<Annotation>();
        println!("size_of::<Annotation>() = {size}");
        assert!(size <= 400, "{size} bytes");
        assert_eq!(std::mem::size_of::<Option<Box<Origin>>>(), 8);
    }

    #[test]
    fn ids_are_short_base32_and_distinct() {
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| new_id()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(
            ids.iter()
                .all(|i| i.len() == 10 && i.bytes().all(|b| ID_ALPHABET.contains(&b)))
        );
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_from_unix(1_795_262_400), "2026-11-21T12:00:00Z");
        assert_eq!(rfc3339_from_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(now_rfc3339().len(), 20);
    }

    #[test]
    fn cli_values() {
        assert_eq!(AttrValue::parse_cli("true"), AttrValue::Bool(true));
        assert_eq!(AttrValue::parse_cli("3"), AttrValue::Number(3.into()));
        assert_eq!(
            AttrValue::parse_cli("a|b"),
            AttrValue::List(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            AttrValue::parse_cli("favor"),
            AttrValue::Text("favor".into())
        );
    }
}
