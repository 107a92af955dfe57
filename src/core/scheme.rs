//! Tag schemes: which tags, attributes, relation types and document labels a project uses.
//!
//! A scheme is a JSON file (see `annotations/news.scheme.json`, the default shipped with
//! Tagline). A folder can use its own by placing `tagline.scheme.json` in the article's folder
//! or any ancestor; the nearest one wins.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::core::model::{AttrValue, Extra};

/// File name of a folder's own scheme.
pub const FOLDER_SCHEME_FILE: &str = "tagline.scheme.json";

/// The default news scheme, built into the binary.
pub const DEFAULT_SCHEME_JSON: &str = include_str!("../../annotations/news.scheme.json");

/// Why a scheme could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SchemeError {
    /// Reading failed.
    #[error("{}: cannot read the scheme: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// It is not a scheme.
    #[error("{}: not a valid tag scheme: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// A scheme's version: a number or a string, as written.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Version {
    /// `1`
    Number(u64),
    /// `"2024.1"`
    Text(String),
}

// By hand: serde's untagged enums cannot read serde_json's exact (`arbitrary_precision`)
// numbers, which arrive as a one-entry map.
impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Version;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number or a string")
            }
            fn visit_u64<E>(self, v: u64) -> Result<Version, E> {
                Ok(Version::Number(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Version, E> {
                Ok(Version::Text(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Version, A::Error> {
                use serde::de::Error;
                let bad = || A::Error::custom("a scheme version is a whole number or a string");
                match map.next_key::<String>()? {
                    Some(k) if k == crate::core::model::NUMBER_TOKEN => {
                        let text = map.next_value::<String>()?;
                        text.parse::<u64>().map(Version::Number).map_err(|_| bad())
                    }
                    _ => Err(bad()),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Version::Number(n) => write!(f, "{n}"),
            Version::Text(s) => f.write_str(s),
        }
    }
}

/// The kind of widget and value an attribute or label takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttrKind {
    /// One of `values`.
    Choice,
    /// A checkbox.
    Bool,
    /// Free text.
    Text,
}

/// An attribute a tag may carry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttributeDef {
    /// Name used in sidecars.
    pub name: String,
    /// Kind of value.
    pub kind: AttrKind,
    /// Allowed values, for `choice`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Value given to new annotations, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<AttrValue>,
    /// A short help text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
    /// Name shown to people (empty: `name`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Names shown to people for some `values` (the others show as written).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub value_labels: BTreeMap<String, String>,
}

impl AttributeDef {
    /// The name shown to people: `label`, else `name`.
    pub fn display_name(&self) -> &str {
        or_raw(&self.label, &self.name)
    }

    /// The name shown to people for `value`: its entry in `value_labels`, else `value`.
    pub fn value_label<'a>(&'a self, value: &'a str) -> &'a str {
        value_label(&self.value_labels, value)
    }
}

/// The name shown for `value`: its entry in `labels`, else `value` itself.
pub fn value_label<'a>(labels: &'a BTreeMap<String, String>, value: &'a str) -> &'a str {
    labels.get(value).map_or(value, String::as_str)
}

/// `label` unless it is empty, else the raw name.
fn or_raw<'a>(label: &'a str, raw: &'a str) -> &'a str {
    if label.trim().is_empty() { raw } else { label }
}

/// One tag of a scheme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TagDef {
    /// Id used in sidecars.
    pub id: String,
    /// Name shown to people.
    pub label: String,
    /// Highlight colour, `#rrggbb`.
    pub color: String,
    /// Keyboard shortcut (a digit in the default scheme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// A paragraph telling annotators when to use this tag.
    #[serde(default)]
    pub guideline: String,
    /// Attributes of this tag.
    #[serde(default)]
    pub attributes: Vec<AttributeDef>,
    /// Spans of this tag name a source (a person, an organisation): they can carry an
    /// `entity`, the source's canonical name, so the same source is recognised across
    /// articles.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub entity: bool,
}

impl TagDef {
    /// The colour as RGB bytes (grey when the colour is malformed).
    pub fn rgb(&self) -> [u8; 3] {
        parse_hex_color(&self.color).unwrap_or([0x99, 0x99, 0x99])
    }

    /// The attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<&AttributeDef> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// A relation type and which tags it may link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationDef {
    /// Type used in sidecars, e.g. `attributed_to`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Tags allowed at the source (empty: any).
    #[serde(default)]
    pub from: Vec<String>,
    /// Tags allowed at the target (empty: any).
    #[serde(default)]
    pub to: Vec<String>,
    /// Name shown to people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// An attribute of the source that a new relation fills from the target when it is
    /// empty: its `entity` if set, else its text (`attributed_to` fills a quote's `speaker`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fills: Option<String>,
}

impl RelationDef {
    /// `true` when this relation may go from a `from_tag` annotation to a `to_tag` one.
    pub fn allows(&self, from_tag: &str, to_tag: &str) -> bool {
        self.allows_from(from_tag) && (self.to.is_empty() || self.to.iter().any(|t| t == to_tag))
    }

    /// `true` when this relation may start at a `tag` annotation (to some tag).
    pub fn allows_from(&self, tag: &str) -> bool {
        self.from.is_empty() || self.from.iter().any(|t| t == tag)
    }

    /// The name shown to people: `label`, else the type as written.
    pub fn display_name(&self) -> &str {
        or_raw(&self.label, &self.kind)
    }
}

/// A document-level field, e.g. the article's overall stance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabelDef {
    /// Name used in sidecars.
    pub name: String,
    /// Kind of value.
    pub kind: AttrKind,
    /// Allowed values, for `choice`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Name shown to people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Names shown to people for some `values` (the others show as written).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub value_labels: BTreeMap<String, String>,
}

impl LabelDef {
    /// The name shown to people: `label`, else `name`.
    pub fn display_name(&self) -> &str {
        or_raw(&self.label, &self.name)
    }

    /// The name shown to people for `value`: its entry in `value_labels`, else `value`.
    pub fn value_label<'a>(&'a self, value: &'a str) -> &'a str {
        value_label(&self.value_labels, value)
    }
}

/// A whole tag scheme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scheme {
    /// Short id, written into sidecars as `id@version`.
    pub id: String,
    /// Version.
    pub version: Version,
    /// Name shown to people.
    pub name: String,
    /// Tags in palette order.
    pub tags: Vec<TagDef>,
    /// Relation types.
    #[serde(default)]
    pub relations: Vec<RelationDef>,
    /// Document labels.
    #[serde(default)]
    pub labels: Vec<LabelDef>,
    /// Fields Tagline does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Scheme {
    /// The built-in news scheme.
    #[expect(
        clippy::expect_used,
        reason = "the built-in scheme is checked by a unit test"
    )]
    pub fn default_news() -> Scheme {
        Scheme::from_json(
            DEFAULT_SCHEME_JSON,
            Path::new("annotations/news.scheme.json"),
        )
        .expect("the built-in scheme is valid")
    }

    /// Parses and checks a scheme; `path` is for messages.
    pub fn from_json(json: &str, path: &Path) -> Result<Scheme, SchemeError> {
        let invalid = |message: String| SchemeError::Invalid {
            path: path.to_owned(),
            message,
        };
        let scheme: Scheme = serde_json::from_str(json).map_err(|e| invalid(e.to_string()))?;
        let mut seen = std::collections::HashSet::new();
        for t in &scheme.tags {
            if !seen.insert(t.id.as_str()) {
                return Err(invalid(format!("tag `{}` is defined twice", t.id)));
            }
            if parse_hex_color(&t.color).is_none() {
                return Err(invalid(format!(
                    "tag `{}` has colour `{}`; use #rrggbb",
                    t.id, t.color
                )));
            }
        }
        if scheme.tags.is_empty() {
            return Err(invalid("it defines no tags".to_owned()));
        }
        Ok(scheme)
    }

    /// Reads a scheme file.
    pub fn load(path: &Path) -> Result<Scheme, SchemeError> {
        use crate::core::store::{MAX_SCHEME_BYTES, ReadError, read_regular};
        let bytes = read_regular(path, MAX_SCHEME_BYTES).map_err(|e| match e {
            ReadError::Io(source) => SchemeError::Io {
                path: path.to_owned(),
                source,
            },
            other => SchemeError::Invalid {
                path: path.to_owned(),
                message: other.to_string(),
            },
        })?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let json = std::str::from_utf8(bytes).map_err(|e| SchemeError::Invalid {
            path: path.to_owned(),
            message: format!("not UTF-8 text ({e})"),
        })?;
        Scheme::from_json(json, path)
    }

    /// The scheme for an article: the nearest `tagline.scheme.json` in its folder or an
    /// ancestor, else the built-in one. Returns where it came from (`None` for built-in).
    pub fn for_article(article: &Path) -> Result<(Scheme, Option<PathBuf>), SchemeError> {
        let start = article.parent().unwrap_or(Path::new("."));
        let start = if start.as_os_str().is_empty() {
            Path::new(".")
        } else {
            start
        };
        let start = start.canonicalize().unwrap_or_else(|_| start.to_owned());
        for dir in start.ancestors() {
            let candidate = dir.join(FOLDER_SCHEME_FILE);
            // Anything of that name counts, so a folder scheme that is not a regular file is
            // refused with a reason rather than silently replaced by the built-in one.
            if candidate.exists() {
                return Ok((Scheme::load(&candidate)?, Some(candidate)));
            }
        }
        Ok((Scheme::default_news(), None))
    }

    /// `id@version`, as written into sidecars.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }

    /// The tag with id `id`.
    pub fn tag(&self, id: &str) -> Option<&TagDef> {
        self.tags.iter().find(|t| t.id == id)
    }

    /// The tag whose shortcut key is `key`.
    pub fn tag_for_key(&self, key: &str) -> Option<&TagDef> {
        self.tags.iter().find(|t| t.key.as_deref() == Some(key))
    }

    /// The relation type `kind`.
    pub fn relation(&self, kind: &str) -> Option<&RelationDef> {
        self.relations.iter().find(|r| r.kind == kind)
    }

    /// Reads a typed-in value for attribute `name` of `tag` as the scheme's kind wants it:
    /// `true`/`false` for bool, text for text and choice, else guessed (see
    /// [`AttrValue::parse_cli`]).
    pub fn parse_attr_value(&self, tag: &str, name: &str, raw: &str) -> AttrValue {
        let kind = self
            .tag(tag)
            .and_then(|t| t.attribute(name))
            .map(|a| a.kind);
        parse_typed(kind, raw)
    }

    /// Reads a typed-in value for document label `name` (see [`Scheme::parse_attr_value`]).
    pub fn parse_label_value(&self, name: &str, raw: &str) -> AttrValue {
        parse_typed(self.label(name).map(|l| l.kind), raw)
    }

    /// The document label `name`.
    pub fn label(&self, name: &str) -> Option<&LabelDef> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// The relation types that may start at an annotation tagged `tag`, in scheme order.
    pub fn relations_from<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a RelationDef> {
        self.relations.iter().filter(move |r| r.allows_from(tag))
    }

    // ----- names shown to people: the scheme's `label`s, else the raw names --------------

    /// The name shown for tag `id`.
    pub fn tag_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.tag(id).map_or(id, |t| or_raw(&t.label, id))
    }

    /// The name shown for relation type `kind`.
    pub fn relation_label<'a>(&'a self, kind: &'a str) -> &'a str {
        self.relation(kind).map_or(kind, RelationDef::display_name)
    }

    /// The name shown for attribute `name` of tag `tag`.
    pub fn attribute_label<'a>(&'a self, tag: &str, name: &'a str) -> &'a str {
        self.tag(tag)
            .and_then(|t| t.attribute(name))
            .map_or(name, AttributeDef::display_name)
    }

    /// The name shown for `value` of attribute `name` of tag `tag`.
    pub fn value_label<'a>(&'a self, tag: &str, name: &str, value: &'a str) -> &'a str {
        self.tag(tag)
            .and_then(|t| t.attribute(name))
            .map_or(value, |a| a.value_label(value))
    }

    /// The name shown for `value` of document label `name`.
    pub fn label_value_label<'a>(&'a self, name: &str, value: &'a str) -> &'a str {
        self.label(name).map_or(value, |l| l.value_label(value))
    }
}

fn parse_typed(kind: Option<AttrKind>, raw: &str) -> AttrValue {
    match kind {
        Some(AttrKind::Text | AttrKind::Choice) => AttrValue::Text(raw.to_owned()),
        Some(AttrKind::Bool) => match raw.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => AttrValue::Bool(true),
            "false" | "no" | "0" => AttrValue::Bool(false),
            _ => AttrValue::Text(raw.to_owned()),
        },
        None => AttrValue::parse_cli(raw),
    }
}

/// Parses `#rrggbb`.
pub fn parse_hex_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([p(0)?, p(2)?, p(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scheme_has_the_four_news_tags() {
        let s = Scheme::default_news();
        let ids: Vec<_> = s.tags.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["claim", "quote", "stance", "sourcing"]);
        for (i, t) in s.tags.iter().enumerate() {
            assert_eq!(t.key.as_deref(), Some((i + 1).to_string().as_str()));
            assert!(t.guideline.len() > 80, "{} needs a real guideline", t.id);
            assert!(!t.attributes.is_empty());
        }
        let kind = s.tag("quote").unwrap().attribute("kind").unwrap();
        assert_eq!(kind.values, ["direct", "indirect", "partial"]);
        assert!(
            s.relation("attributed_to")
                .unwrap()
                .allows("quote", "sourcing")
        );
        assert!(s.relation("about").unwrap().allows("stance", "claim"));
        assert_eq!(
            s.label("status").unwrap().values,
            ["todo", "in_progress", "done"]
        );
        assert!(s.label("overall_stance").is_some());
        assert_eq!(s.reference(), "news@1");
    }

    #[test]
    fn names_shown_come_from_labels_else_raw_names() {
        let s = Scheme::default_news();
        assert_eq!(s.tag_label("quote"), "Quote");
        assert_eq!(s.tag_label("nope"), "nope");
        assert_eq!(s.relation_label("attributed_to"), "attributed to");
        assert_eq!(s.relation_label("married_to"), "married_to");
        assert_eq!(s.attribute_label("sourcing", "source_type"), "source type");
        assert_eq!(s.attribute_label("quote", "kind"), "kind");
        assert_eq!(s.attribute_label("quote", "volume"), "volume");
        assert_eq!(s.label_value_label("status", "in_progress"), "in progress");
        assert_eq!(s.label_value_label("status", "done"), "done");
        assert_eq!(s.value_label("quote", "kind", "direct"), "direct");
        assert_eq!(s.value_label("quote", "nope", "x_y"), "x_y");
        let from_quote: Vec<_> = s.relations_from("quote").map(|r| r.kind.as_str()).collect();
        assert_eq!(from_quote, ["attributed_to"]);
        assert_eq!(s.relations_from("sourcing").count(), 0);
        // Labels are optional: a scheme without them still loads and round-trips.
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(Scheme::from_json(&json, Path::new("x")).unwrap(), s);
    }

    #[test]
    fn bad_schemes_are_refused_with_reasons() {
        let p = Path::new("x.json");
        let e = Scheme::from_json("{}", p).unwrap_err().to_string();
        assert!(e.contains("x.json"), "{e}");
        let two = r##"{"id":"a","version":1,"name":"A","tags":[{"id":"t","label":"T","color":"#ffffff"},{"id":"t","label":"T","color":"#000000"}]}"##;
        assert!(
            Scheme::from_json(two, p)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        let color = r#"{"id":"a","version":"2.0","name":"A","tags":[{"id":"t","label":"T","color":"red"}]}"#;
        assert!(
            Scheme::from_json(color, p)
                .unwrap_err()
                .to_string()
                .contains("#rrggbb")
        );
    }

    #[test]
    fn nearest_folder_scheme_wins() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        let own = r##"{"id":"mine","version":"2.0","name":"Mine","tags":[{"id":"x","label":"X","color":"#123456","key":"1"}]}"##;
        std::fs::write(dir.path().join("a").join(FOLDER_SCHEME_FILE), own).unwrap();
        let (s, from) = Scheme::for_article(&sub.join("story.txt")).unwrap();
        assert_eq!(s.reference(), "mine@2.0");
        assert!(from.unwrap().ends_with("a/tagline.scheme.json"));
    }
}
