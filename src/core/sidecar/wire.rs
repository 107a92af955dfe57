//! Fast, allocation-lean (de)serialization of the sidecar v1 structs.
//!
//! serde's `#[serde(flatten)]` (used to keep unknown fields) buffers every object into an
//! intermediate tree, which for a 100,000-annotation sidecar costs seconds and hundreds of
//! megabytes. These hand-written visitors read known keys straight into the model and only
//! unknown keys into `serde_json::Value`s; the writers serialize from references in the
//! contract's key order, so saving clones nothing.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::core::model::{
    AdjudicationRecord, Annotation, AnnotationId, AttrValue, Extra, MergeRecord, Origin, Relation,
    RelationId, Review, Status,
};
use crate::core::sidecar::ArticleRef;
use crate::core::text::offsets::CharRange;

thread_local! {
    /// Expected number of annotations of the sidecar being parsed (from its size), for
    /// streaming parses where serde_json cannot tell.
    pub(super) static CAPACITY_HINT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A whole sidecar file as read: the `format`/`version` as found plus the content.
pub(super) struct FileIn {
    pub format: Option<serde_json::Value>,
    pub version: Option<serde_json::Value>,
    pub article: Option<ArticleRef>,
    pub scheme: String,
    pub labels: BTreeMap<String, AttrValue>,
    pub annotations: Vec<Annotation>,
    pub relations: Vec<Relation>,
    pub merge: MergeRecord,
    pub adjudication: AdjudicationRecord,
    pub extra: Extra,
}

/// Only `format` and `version`, for explaining a file that did not parse.
#[derive(Deserialize)]
pub(super) struct Header {
    pub format: Option<serde_json::Value>,
    pub version: Option<serde_json::Value>,
}

macro_rules! field_enum {
    ($name:ident { $($variant:ident => $key:literal),* $(,)? }) => {
        enum $name<'a> {
            $($variant,)*
            Other(std::borrow::Cow<'a, str>),
        }
        impl<'de> Deserialize<'de> for $name<'de> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name<'de>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a field name")
                    }
                    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                        Ok(match v {
                            $($key => $name::$variant,)*
                            other => $name::Other(std::borrow::Cow::Borrowed(other)),
                        })
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                        Ok(match v {
                            $($key => $name::$variant,)*
                            other => $name::Other(std::borrow::Cow::Owned(other.to_owned())),
                        })
                    }
                }
                d.deserialize_identifier(V)
            }
        }
    };
}

field_enum!(FileField {
    Format => "format",
    Version => "version",
    Article => "article",
    Scheme => "scheme",
    Labels => "labels",
    Annotations => "annotations",
    Relations => "relations",
    Merge => "merge",
    Adjudication => "adjudication",
});

field_enum!(ArtField {
    File => "file",
    Sha256 => "sha256",
    Chars => "chars",
    Encoding => "encoding",
});

field_enum!(AnnField {
    Id => "id",
    Tag => "tag",
    Start => "start",
    End => "end",
    Text => "text",
    Prefix => "prefix",
    Suffix => "suffix",
    Attributes => "attributes",
    Note => "note",
    Annotator => "annotator",
    Created => "created",
    Modified => "modified",
    Status => "status",
    Review => "review",
    Origin => "origin",
    Entity => "entity",
});

field_enum!(RelField {
    Id => "id",
    Type => "type",
    From => "from",
    To => "to",
    Annotator => "annotator",
    Note => "note",
});

impl<'de> Deserialize<'de> for FileIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FileIn;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Tagline sidecar object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FileIn, A::Error> {
                let mut file = FileIn {
                    format: None,
                    version: None,
                    article: None,
                    scheme: String::new(),
                    labels: BTreeMap::new(),
                    annotations: Vec::new(),
                    relations: Vec::new(),
                    merge: MergeRecord::default(),
                    adjudication: AdjudicationRecord::default(),
                    extra: Extra::new(),
                };
                while let Some(key) = map.next_key::<FileField<'de>>()? {
                    match key {
                        FileField::Format => file.format = Some(map.next_value()?),
                        FileField::Version => file.version = Some(map.next_value()?),
                        FileField::Article => file.article = Some(map.next_value()?),
                        FileField::Scheme => file.scheme = map.next_value()?,
                        FileField::Labels => file.labels = map.next_value()?,
                        FileField::Annotations => file.annotations = map.next_value::<AnnList>()?.0,
                        FileField::Relations => file.relations = map.next_value::<RelList>()?.0,
                        FileField::Merge => {
                            file.merge =
                                map.next_value::<Option<MergeRecord>>()?.unwrap_or_default()
                        }
                        FileField::Adjudication => {
                            file.adjudication = map
                                .next_value::<Option<AdjudicationRecord>>()?
                                .unwrap_or_default()
                        }
                        FileField::Other(k) => {
                            let v: serde_json::Value = map.next_value()?;
                            file.extra.insert(k.into_owned(), v);
                        }
                    }
                }
                Ok(file)
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for ArticleRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ArticleRef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an article object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ArticleRef, A::Error> {
                let (mut file, mut sha256, mut chars) = (None, None, None);
                let mut out = ArticleRef::default();
                while let Some(key) = map.next_key::<ArtField<'de>>()? {
                    match key {
                        ArtField::File => file = Some(map.next_value::<String>()?),
                        ArtField::Sha256 => sha256 = Some(map.next_value::<String>()?),
                        ArtField::Chars => chars = Some(map.next_value::<usize>()?),
                        ArtField::Encoding => out.encoding = map.next_value()?,
                        ArtField::Other(k) => {
                            let v: serde_json::Value = map.next_value()?;
                            out.extra.insert(k.into_owned(), v);
                        }
                    }
                }
                out.file = file.ok_or_else(|| de::Error::missing_field("file"))?;
                out.sha256 = sha256.ok_or_else(|| de::Error::missing_field("sha256"))?;
                out.chars = chars.ok_or_else(|| de::Error::missing_field("chars"))?;
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

impl Serialize for ArticleRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("file", &self.file)?;
        m.serialize_entry("sha256", &self.sha256)?;
        m.serialize_entry("chars", &self.chars)?;
        if let Some(e) = &self.encoding {
            m.serialize_entry("encoding", e)?;
        }
        for (k, v) in &self.extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

struct AnnList(Vec<Annotation>);

impl<'de> Deserialize<'de> for AnnList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnnList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of annotations")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnnList, A::Error> {
                let hint = seq
                    .size_hint()
                    .unwrap_or_else(|| CAPACITY_HINT.with(|c| c.get()));
                // Growing a 30 MB vector frees large blocks, and each such free makes glibc
                // consolidate a heap of a million small strings: size it once instead.
                let mut out = Vec::with_capacity(hint);
                while let Some(AnnIn(a)) = seq.next_element()? {
                    out.push(a);
                }
                Ok(AnnList(out))
            }
        }
        d.deserialize_seq(V)
    }
}

struct RelList(Vec<Relation>);

impl<'de> Deserialize<'de> for RelList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RelList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of relations")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RelList, A::Error> {
                let mut out = Vec::new();
                while let Some(RelIn(r)) = seq.next_element()? {
                    out.push(r);
                }
                Ok(RelList(out))
            }
        }
        d.deserialize_seq(V)
    }
}

struct AnnIn(Annotation);

impl<'de> Deserialize<'de> for AnnIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnnIn;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an annotation object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnnIn, A::Error> {
                let (mut id, mut tag, mut start, mut end, mut text) =
                    (None, None, None, None, None);
                let mut a = Annotation::default();
                while let Some(key) = map.next_key::<AnnField<'de>>()? {
                    match key {
                        AnnField::Id => id = Some(map.next_value::<AnnotationId>()?),
                        AnnField::Tag => tag = Some(map.next_value::<String>()?),
                        AnnField::Start => start = Some(map.next_value::<usize>()?),
                        AnnField::End => end = Some(map.next_value::<usize>()?),
                        AnnField::Text => text = Some(map.next_value::<String>()?),
                        AnnField::Prefix => a.prefix = map.next_value()?,
                        AnnField::Suffix => a.suffix = map.next_value()?,
                        AnnField::Attributes => a.attributes = map.next_value()?,
                        AnnField::Note => a.note = map.next_value()?,
                        AnnField::Annotator => a.annotator = map.next_value()?,
                        AnnField::Created => a.created = map.next_value()?,
                        AnnField::Modified => a.modified = map.next_value()?,
                        AnnField::Status => a.status = map.next_value::<Option<Status>>()?,
                        AnnField::Review => a.review = map.next_value::<Option<Box<Review>>>()?,
                        AnnField::Origin => a.origin = map.next_value::<Option<Box<Origin>>>()?,
                        AnnField::Entity => {
                            a.entity = map.next_value::<Option<String>>()?.unwrap_or_default()
                        }
                        AnnField::Other(k) => {
                            let v: serde_json::Value = map.next_value()?;
                            a.extra.insert(k.into_owned(), v);
                        }
                    }
                }
                a.id = id.ok_or_else(|| de::Error::missing_field("id"))?;
                a.tag = tag.ok_or_else(|| de::Error::missing_field("tag"))?;
                let start = start.ok_or_else(|| de::Error::missing_field("start"))?;
                let end = end.ok_or_else(|| de::Error::missing_field("end"))?;
                a.range = CharRange::new(start, end);
                a.text = text.ok_or_else(|| de::Error::missing_field("text"))?;
                Ok(AnnIn(a))
            }
        }
        d.deserialize_map(V)
    }
}

struct RelIn(Relation);

impl<'de> Deserialize<'de> for RelIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RelIn;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a relation object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RelIn, A::Error> {
                let (mut id, mut kind, mut from, mut to) = (None, None, None, None);
                let mut annotator = String::new();
                let mut note = String::new();
                let mut extra = Extra::new();
                while let Some(key) = map.next_key::<RelField<'de>>()? {
                    match key {
                        RelField::Id => id = Some(map.next_value::<RelationId>()?),
                        RelField::Type => kind = Some(map.next_value::<String>()?),
                        RelField::From => from = Some(map.next_value::<AnnotationId>()?),
                        RelField::To => to = Some(map.next_value::<AnnotationId>()?),
                        RelField::Annotator => annotator = map.next_value()?,
                        RelField::Note => note = map.next_value()?,
                        RelField::Other(k) => {
                            let v: serde_json::Value = map.next_value()?;
                            extra.insert(k.into_owned(), v);
                        }
                    }
                }
                Ok(RelIn(Relation {
                    id: id.ok_or_else(|| de::Error::missing_field("id"))?,
                    kind: kind.ok_or_else(|| de::Error::missing_field("type"))?,
                    from: from.ok_or_else(|| de::Error::missing_field("from"))?,
                    to: to.ok_or_else(|| de::Error::missing_field("to"))?,
                    annotator,
                    note,
                    extra,
                }))
            }
        }
        d.deserialize_map(V)
    }
}

// ----- writing -----------------------------------------------------------------------------

/// A sidecar to write, by reference.
pub(super) struct FileOut<'a> {
    pub article: &'a ArticleRef,
    pub scheme: &'a str,
    pub labels: &'a BTreeMap<String, AttrValue>,
    /// Already sorted by (start, end, id).
    pub annotations: &'a [&'a Annotation],
    /// Already sorted by id.
    pub relations: &'a [&'a Relation],
    pub merge: &'a MergeRecord,
    pub adjudication: &'a AdjudicationRecord,
    pub extra: &'a Extra,
}

impl Serialize for FileOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("format", crate::core::sidecar::FORMAT)?;
        m.serialize_entry("version", &crate::core::sidecar::VERSION)?;
        m.serialize_entry("article", self.article)?;
        m.serialize_entry("scheme", self.scheme)?;
        m.serialize_entry("labels", self.labels)?;
        m.serialize_entry(
            "annotations",
            &Seq(self.annotations.iter().map(|a| AnnOut(a))),
        )?;
        m.serialize_entry("relations", &Seq(self.relations.iter().map(|r| RelOut(r))))?;
        if !self.merge.is_empty() {
            m.serialize_entry("merge", self.merge)?;
        }
        if !self.adjudication.is_empty() {
            m.serialize_entry("adjudication", self.adjudication)?;
        }
        for (k, v) in self.extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Serializes an iterator as a sequence (once).
struct Seq<I>(I);

impl<I, T> Serialize for Seq<I>
where
    I: Iterator<Item = T> + Clone,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.clone())
    }
}

struct AnnOut<'a>(&'a Annotation);

impl Serialize for AnnOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &a.id)?;
        m.serialize_entry("tag", &a.tag)?;
        m.serialize_entry("start", &a.range.start)?;
        m.serialize_entry("end", &a.range.end)?;
        m.serialize_entry("text", &a.text)?;
        for (k, v) in [("prefix", &a.prefix), ("suffix", &a.suffix)] {
            if !v.is_empty() {
                m.serialize_entry(k, v)?;
            }
        }
        if !a.attributes.is_empty() {
            m.serialize_entry("attributes", &a.attributes)?;
        }
        for (k, v) in [
            ("note", &a.note),
            ("annotator", &a.annotator),
            ("created", &a.created),
            ("modified", &a.modified),
        ] {
            if !v.is_empty() {
                m.serialize_entry(k, v)?;
            }
        }
        if let Some(st) = a.status {
            m.serialize_entry("status", &st)?;
        }
        if let Some(r) = &a.review {
            m.serialize_entry("review", r)?;
        }
        if let Some(o) = &a.origin {
            m.serialize_entry("origin", o)?;
        }
        if !a.entity.is_empty() {
            m.serialize_entry("entity", &a.entity)?;
        }
        for (k, v) in &a.extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

struct RelOut<'a>(&'a Relation);

impl Serialize for RelOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &r.id)?;
        m.serialize_entry("type", &r.kind)?;
        m.serialize_entry("from", &r.from)?;
        m.serialize_entry("to", &r.to)?;
        if !r.annotator.is_empty() {
            m.serialize_entry("annotator", &r.annotator)?;
        }
        if !r.note.is_empty() {
            m.serialize_entry("note", &r.note)?;
        }
        for (k, v) in &r.extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}
