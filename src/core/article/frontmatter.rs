//! Front matter: YAML between `---` lines or TOML between `+++` lines at the top of a file.
//!
//! Tagline reads front matter for display only; it stays part of the annotatable text. Each
//! scalar value is kept with its raw source range (quotes excluded, escapes as written), found
//! through the parser's own positions, so the title and excerpt can be shown and annotated as
//! the file's own characters. Malformed front matter is a warning, never a failure.

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::core::article::{Metadata, SegmentKind};
use crate::core::text::offsets::CharRange;

/// Which syntax the front matter uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrontMatterKind {
    /// `---` … `---` (or `...`).
    Yaml,
    /// `+++` … `+++`.
    Toml,
}

/// One scalar value of the front matter.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Dotted path: `title`, `provider.name`, `related[0].title`.
    pub path: String,
    /// The parsed (unescaped) value.
    pub value: String,
    /// The value's source characters in the article, quotes excluded.
    pub raw: CharRange,
}

/// Front matter found at the top of an article.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontMatter {
    /// Its syntax.
    pub kind: FrontMatterKind,
    /// The whole block, fences included.
    pub range: CharRange,
    /// First char of the body after the closing fence line.
    pub body_start: usize,
    /// Scalar values in source order.
    pub fields: Vec<Field>,
}

const TITLE_KEYS: [&str; 2] = ["title", "headline"];
const EXCERPT_KEYS: [&str; 4] = ["excerpt", "description", "summary", "subtitle"];
const DATE_KEYS: [&str; 8] = [
    "date",
    "publishedDateTime",
    "published_at",
    "publishedAt",
    "datePublished",
    "pubDate",
    "published",
    "updated",
];
const URL_KEYS: [&str; 6] = [
    "url",
    "webUrl",
    "link",
    "canonical_url",
    "canonicalUrl",
    "source_url",
];
const AUTHOR_KEYS: [&str; 5] = ["author", "authors[0]", "author.name", "byline", "creator"];
const SOURCE_KEYS: [&str; 7] = [
    "source",
    "source.name",
    "provider",
    "provider.name",
    "publisher",
    "outlet",
    "site_name",
];

impl FrontMatter {
    /// The first field whose path is `path`.
    pub fn get(&self, path: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.path == path)
    }

    fn first_of(&self, keys: &[&str]) -> Option<String> {
        keys.iter()
            .filter_map(|k| self.get(k))
            .map(|f| f.value.trim().to_owned())
            .find(|v| !v.is_empty())
    }

    /// Display metadata from the common keys.
    pub fn metadata(&self) -> Metadata {
        Metadata {
            title: self.first_of(&TITLE_KEYS),
            excerpt: self.first_of(&EXCERPT_KEYS),
            // YAML `published: false` is a flag, not a date.
            date: self
                .first_of(&DATE_KEYS)
                .filter(|d| d.chars().next().is_some_and(|c| c.is_ascii_digit())),
            url: self.first_of(&URL_KEYS),
            author: self.first_of(&AUTHOR_KEYS),
            source: self.first_of(&SOURCE_KEYS),
        }
    }

    /// The top-level title, then each top-level excerpt/description/summary, as raw ranges.
    pub fn display_fields(&self) -> Vec<(SegmentKind, CharRange)> {
        let mut out = Vec::new();
        if let Some(f) = TITLE_KEYS.iter().find_map(|k| self.get(k)) {
            out.push((SegmentKind::Title, f.raw));
        }
        for f in &self.fields {
            if EXCERPT_KEYS.contains(&f.path.as_str()) {
                out.push((SegmentKind::Excerpt, f.raw));
            }
        }
        out
    }
}

/// Finds and parses front matter at the start of `text`; problems go to `warnings`.
pub fn parse(text: &str, warnings: &mut Vec<String>) -> Option<FrontMatter> {
    let (kind, fence) = if text.starts_with("---") {
        (FrontMatterKind::Yaml, "---")
    } else if text.starts_with("+++") {
        (FrontMatterKind::Toml, "+++")
    } else {
        return None;
    };
    // The opening fence must be alone on its line.
    let mut lines = LineIter::new(text);
    let first = lines.next()?;
    if first.content.trim_end() != fence {
        return None;
    }
    let content_start_byte = first.next_start;
    let mut close = None;
    for line in lines {
        let t = line.content.trim_end();
        if t == fence || (kind == FrontMatterKind::Yaml && t == "...") {
            close = Some(line);
            break;
        }
    }
    let Some(close) = close else {
        warnings.push(format!(
            "front matter starts with `{fence}` but is never closed; it is shown as body text"
        ));
        return None;
    };
    let content = &text[content_start_byte..close.start];
    let base_char = text[..content_start_byte].chars().count();
    let fields = match kind {
        FrontMatterKind::Yaml => yaml_fields(content, base_char, warnings),
        FrontMatterKind::Toml => toml_fields(content, base_char, warnings),
    };
    let end_char =
        base_char + content.chars().count() + text[close.start..close.next_start].chars().count();
    Some(FrontMatter {
        kind,
        range: CharRange::new(0, end_char),
        body_start: end_char,
        fields,
    })
}

struct LineSpan<'a> {
    start: usize,
    content: &'a str,
    next_start: usize,
}

/// Lines with their byte positions; terminators LF, CRLF or CR.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> LineIter<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }
}

impl<'a> Iterator for LineIter<'a> {
    type Item = LineSpan<'a>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let start = self.pos;
        let (len, term) = match rest.find(['\n', '\r']) {
            Some(i) if rest[i..].starts_with("\r\n") => (i, 2),
            Some(i) => (i, 1),
            None => (rest.len(), 0),
        };
        self.pos += len + term;
        Some(LineSpan {
            start,
            content: &rest[..len],
            next_start: self.pos,
        })
    }
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, index: usize },
}

impl Frame {
    /// Path of the value that comes next in this container.
    fn child_path(&self) -> Option<String> {
        match self {
            Frame::Map { path, key: Some(k) } if path.is_empty() => Some(k.clone()),
            Frame::Map { path, key: Some(k) } => Some(format!("{path}.{k}")),
            Frame::Map { key: None, .. } => None,
            Frame::Seq { path, index } => Some(format!("{path}[{index}]")),
        }
    }

    /// Moves past one value.
    fn advance(&mut self) {
        match self {
            Frame::Map { key, .. } => *key = None,
            Frame::Seq { index, .. } => *index += 1,
        }
    }
}

fn yaml_fields(content: &str, base_char: usize, warnings: &mut Vec<String>) -> Vec<Field> {
    let chars: Vec<char> = content.chars().collect();
    let mut fields = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut saw_root = false;
    for event in Parser::new_from_str(content) {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                warnings.push(format!(
                    "front matter is not valid YAML ({e}); metadata may be incomplete"
                ));
                break;
            }
        };
        match event {
            Event::Scalar(value, style, ..) => {
                let Some(top) = stack.last_mut() else {
                    if !saw_root {
                        warnings.push(
                            "front matter is not a YAML mapping of keys to values".to_owned(),
                        );
                        saw_root = true;
                    }
                    continue;
                };
                match top.child_path() {
                    None => {
                        if let Frame::Map { key, .. } = top {
                            *key = Some(value.into_owned());
                        }
                    }
                    Some(path) => {
                        let raw = scalar_raw(&chars, span.start.index(), span.end.index(), style);
                        fields.push(Field {
                            path,
                            value: value.into_owned(),
                            raw: CharRange::new(base_char + raw.start, base_char + raw.end),
                        });
                        top.advance();
                    }
                }
            }
            Event::Alias(_) => {
                if let Some(top) = stack.last_mut() {
                    top.advance();
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let path = match stack.last() {
                    Some(top) => top.child_path().unwrap_or_default(),
                    None => {
                        saw_root = true;
                        String::new()
                    }
                };
                if stack.is_empty() && matches!(event, Event::SequenceStart(..)) {
                    warnings.push(
                        "front matter is a YAML list, not a mapping of keys to values".to_owned(),
                    );
                }
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Map { path, key: None }
                } else {
                    Frame::Seq { path, index: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                if let Some(top) = stack.last_mut() {
                    top.advance();
                }
            }
            _ => {}
        }
    }
    fields
}

/// The source range of a YAML scalar, in chars of the front matter content, without quotes or
/// a block scalar's header line.
fn scalar_raw(chars: &[char], start: usize, end: usize, style: ScalarStyle) -> CharRange {
    let end = end.min(chars.len());
    let start = start.min(end);
    let mut r = CharRange::new(start, end);
    let quote = match style {
        ScalarStyle::DoubleQuoted => Some('"'),
        ScalarStyle::SingleQuoted => Some('\''),
        _ => None,
    };
    if let Some(q) = quote {
        if chars.get(r.start) == Some(&q) {
            r.start += 1;
        }
        if r.end > r.start && chars.get(r.end - 1) == Some(&q) {
            r.end -= 1;
        }
    } else if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
        && matches!(chars.get(r.start), Some('|' | '>'))
    {
        // Skip the header line (`|`, `>-`, …) and the indentation of the first content line.
        while r.start < r.end && !matches!(chars[r.start], '\n' | '\r') {
            r.start += 1;
        }
        while r.start < r.end && chars[r.start].is_whitespace() {
            r.start += 1;
        }
    }
    // Trailing line breaks belong to the layout, not the value.
    while r.end > r.start && chars[r.end - 1].is_whitespace() {
        r.end -= 1;
    }
    r
}

fn toml_fields(content: &str, base_char: usize, warnings: &mut Vec<String>) -> Vec<Field> {
    use toml::de::{DeTable, DeValue};
    let table = match DeTable::parse(content) {
        Ok(t) => t,
        Err(e) => {
            warnings.push(format!(
                "front matter is not valid TOML ({}); metadata may be incomplete",
                e.message()
            ));
            return Vec::new();
        }
    };
    let to_char = |byte: usize| base_char + content[..byte.min(content.len())].chars().count();
    let mut fields = Vec::new();
    let mut stack: Vec<(String, &DeTable<'_>)> = vec![(String::new(), table.get_ref())];
    while let Some((prefix, t)) = stack.pop() {
        for (k, v) in t.iter() {
            let path = if prefix.is_empty() {
                k.get_ref().to_string()
            } else {
                format!("{prefix}.{}", k.get_ref())
            };
            let span = v.span();
            let raw_text = &content[span.clone()];
            let (value, skip) = match v.get_ref() {
                DeValue::String(s) => {
                    let q = if raw_text.starts_with("\"\"\"") || raw_text.starts_with("'''") {
                        3
                    } else if raw_text.starts_with(['"', '\'']) {
                        1
                    } else {
                        0
                    };
                    (s.to_string(), q)
                }
                DeValue::Table(inner) => {
                    stack.push((path, inner));
                    continue;
                }
                DeValue::Array(_) => continue,
                _ => (raw_text.to_owned(), 0),
            };
            let start = span.start + skip;
            let end = span.end.saturating_sub(skip).max(start);
            fields.push(Field {
                path,
                value,
                raw: CharRange::new(to_char(start), to_char(end)),
            });
        }
    }
    fields.sort_by_key(|f| f.raw.start);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(text: &'a str, f: &Field) -> &'a str {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let b = |c: usize| chars.get(c).map_or(text.len(), |x| x.0);
        &text[b(f.raw.start)..b(f.raw.end)]
    }

    #[test]
    fn yaml_scalars_map_to_their_source_text() {
        let text = "---\r\ntitle: \"Zoë’s \\\"big\\\" day — 李明\"\r\nexcerpt: plain words here\r\nprovider:\r\n  name: 'Daily Planet'\r\nsummary: |\r\n  Block one\r\n  two\r\ndate: 2026-11-21\r\n---\r\nBody";
        let mut w = Vec::new();
        let fm = parse(text, &mut w).unwrap();
        assert!(w.is_empty(), "{w:?}");
        let title = fm.get("title").unwrap();
        assert_eq!(title.value, "Zoë’s \"big\" day — 李明");
        assert_eq!(raw(text, title), "Zoë’s \\\"big\\\" day — 李明");
        assert_eq!(raw(text, fm.get("excerpt").unwrap()), "plain words here");
        assert_eq!(raw(text, fm.get("provider.name").unwrap()), "Daily Planet");
        assert_eq!(raw(text, fm.get("summary").unwrap()), "Block one\r\n  two");
        let m = fm.metadata();
        assert_eq!(m.source.as_deref(), Some("Daily Planet"));
        assert_eq!(m.date.as_deref(), Some("2026-11-21"));
        assert_eq!(&text[text.len() - 4..], "Body");
        assert_eq!(fm.body_start, text.chars().count() - 4);
        let kinds: Vec<_> = fm.display_fields().into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            kinds,
            [
                SegmentKind::Title,
                SegmentKind::Excerpt,
                SegmentKind::Excerpt
            ]
        );
    }

    #[test]
    fn nested_lists_get_indexed_paths() {
        let text =
            "---\nrelated:\n  - title: \"A\"\n    url: x\n  - title: B\npublished: false\n---\n";
        let fm = parse(text, &mut Vec::new()).unwrap();
        let paths: Vec<_> = fm.fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "related[0].title",
                "related[0].url",
                "related[1].title",
                "published"
            ]
        );
        assert_eq!(fm.metadata().date, None);
        assert!(
            fm.display_fields().is_empty(),
            "nested titles are not the article's"
        );
    }

    #[test]
    fn toml_front_matter() {
        let text = "+++\ntitle = \"Köln “votes”\"\ndate = 2026-01-02\n[source]\nname = 'Rheinpost'\n+++\nBody";
        let fm = parse(text, &mut Vec::new()).unwrap();
        assert_eq!(fm.kind, FrontMatterKind::Toml);
        assert_eq!(raw(text, fm.get("title").unwrap()), "Köln “votes”");
        assert_eq!(fm.metadata().source.as_deref(), Some("Rheinpost"));
        assert_eq!(fm.metadata().date.as_deref(), Some("2026-01-02"));
    }

    #[test]
    fn malformed_front_matter_is_a_warning() {
        let mut w = Vec::new();
        let fm = parse("---\ntitle: [unclosed\n---\nBody", &mut w).unwrap();
        assert_eq!(fm.body_start, 25);
        assert!(w[0].contains("not valid YAML"), "{w:?}");
        let mut w = Vec::new();
        assert!(parse("---\ntitle: x\nno end", &mut w).is_none());
        assert!(w[0].contains("never closed"));
        let mut w = Vec::new();
        parse("+++\ntitle = \n+++\n", &mut w).unwrap();
        assert!(w[0].contains("TOML"));
        assert!(parse("--- not a fence\n", &mut Vec::new()).is_none());
    }
}
