//! `--format brat`: a brat standoff collection — per article `NAME.txt` (the article's decoded
//! text exactly: line endings as in the file, UTF-8 without a BOM) and `NAME.ann`, plus
//! `annotation.conf` and `visual.conf` from the first article's scheme, so brat opens the
//! folder as a collection.
//!
//! - `NAME` is the article's relative path with its extension replaced by `.txt`
//!   (`sub/story.md` → `sub/story.txt`, `sub/story.ann`).
//! - `T` lines: `T1\tTAG START END\tTEXT`, code points. A span holding line breaks is written
//!   as brat's discontinuous fragments (`START END;START END`) around them, the text field
//!   being the fragments joined with a space, as brat writes it.
//! - `A` lines: choice attributes as `A1\tNAME T1 VALUE`, a true flag as `A1\tNAME T1` (a
//!   false flag is brat's absent one); the review status as `A1\tstatus T1 uncertain`.
//! - `R` lines: `R1\tTYPE Arg1:T1 Arg2:T2`. `#` lines: `AnnotatorNotes` with the note and the
//!   free-text attributes (`speaker: …`), line breaks as spaces.
//! - Cannot hold: free-text attribute values and notes as attributes (they go into the
//!   notes), line breaks inside notes, annotators and timestamps, document labels and front
//!   matter (counted).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;

use super::{ArticleIn, Exporter, Losses, Sink};
use crate::core::scheme::AttrKind;
use crate::core::{AttrValue, Scheme};

/// Notes whose line breaks became spaces.
pub const NOTE_BREAKS: &str = "line break in a note (brat notes are one line)";
/// Labels dropped.
pub const LABELS: &str = "document label (brat holds annotations only)";
/// Attribute values brat cannot hold.
pub const VALUES: &str = "attribute value brat cannot hold (not a single word)";

/// The `brat` exporter.
#[derive(Default)]
pub struct Brat {
    scheme: Option<Scheme>,
}

/// The `.txt` and `.ann` names of an article.
pub fn names(relative: &str) -> (String, String) {
    let stem = match relative.rfind('.') {
        Some(dot) if !relative[dot..].contains('/') => &relative[..dot],
        _ => relative,
    };
    (format!("{stem}.txt"), format!("{stem}.ann"))
}

/// The fragments of `start..end` in `text` (code points) around line breaks.
fn fragments(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut frag_start = None;
    for (i, c) in text.chars().enumerate().skip(start).take(end - start) {
        let brk = matches!(c, '\n' | '\r');
        match (brk, frag_start) {
            (false, None) => frag_start = Some(i),
            (true, Some(s)) => {
                out.push((s, i));
                frag_start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = frag_start {
        out.push((s, end));
    }
    out
}

/// `true` for a value brat can hold: one word without spaces.
fn word(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(|c| c.is_whitespace())
}

fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\r', '\n'], " ")
}

impl Exporter for Brat {
    fn article(
        &mut self,
        article: &ArticleIn<'_>,
        sink: &mut dyn Sink,
        losses: &mut Losses,
    ) -> io::Result<()> {
        if self.scheme.is_none() {
            self.scheme = Some(article.doc.scheme.clone());
        }
        let scheme = &article.doc.scheme;
        let text = article.text();
        let (txt, ann) = names(article.relative);
        sink.file(&txt)?.write_all(text.as_bytes())?;
        sink.close(&txt)?;
        losses.count(LABELS, article.doc.labels().len());
        let mut out = String::new();
        let mut t_of = BTreeMap::new();
        let (mut a_n, mut note_n) = (0, 0);
        for (i, a) in article.spans.iter().enumerate() {
            let t = format!("T{}", i + 1);
            let frags = fragments(text, a.range.start, a.range.end);
            let offsets: Vec<String> = frags.iter().map(|(s, e)| format!("{s} {e}")).collect();
            let covered: Vec<&str> = frags
                .iter()
                .filter_map(|(s, e)| {
                    article
                        .doc
                        .article
                        .text
                        .slice(crate::core::CharRange::new(*s, *e))
                })
                .collect();
            writeln!(
                out,
                "{t}\t{} {}\t{}",
                a.tag,
                offsets.join(";"),
                covered.join(" ")
            )
            .ok();
            let mut notes = Vec::new();
            if !a.note.is_empty() {
                if a.note.contains(['\n', '\r']) {
                    losses.count(NOTE_BREAKS, 1);
                }
                notes.push(one_line(&a.note));
            }
            for (name, value) in &a.attributes {
                let kind = scheme
                    .tag(&a.tag)
                    .and_then(|d| d.attribute(name))
                    .map(|d| d.kind);
                match (kind, value) {
                    (_, AttrValue::Bool(false)) => {}
                    (_, AttrValue::Bool(true)) => {
                        a_n += 1;
                        writeln!(out, "A{a_n}\t{name} {t}").ok();
                    }
                    (Some(AttrKind::Text), v) | (None, v @ AttrValue::List(_)) => {
                        notes.push(format!("{name}: {}", one_line(&v.display())));
                    }
                    (_, v) => {
                        let v = v.display();
                        if word(&v) {
                            a_n += 1;
                            writeln!(out, "A{a_n}\t{name} {t} {v}").ok();
                        } else {
                            losses.count(VALUES, 1);
                            notes.push(format!("{name}: {}", one_line(&v)));
                        }
                    }
                }
            }
            if let Some(s) = a.status {
                a_n += 1;
                writeln!(out, "A{a_n}\tstatus {t} {}", s.as_str()).ok();
            }
            if !notes.is_empty() {
                note_n += 1;
                writeln!(out, "#{note_n}\tAnnotatorNotes {t}\t{}", notes.join("; ")).ok();
            }
            t_of.insert(a.id.as_str(), t);
        }
        for (i, r) in article.relations.iter().enumerate() {
            if let (Some(from), Some(to)) = (t_of.get(r.from.as_str()), t_of.get(r.to.as_str())) {
                writeln!(out, "R{}\t{} Arg1:{from} Arg2:{to}", i + 1, r.kind).ok();
            }
        }
        sink.file(&ann)?.write_all(out.as_bytes())?;
        sink.close(&ann)
    }

    fn finish(&mut self, sink: &mut dyn Sink, _losses: &mut Losses) -> io::Result<()> {
        let scheme = self.scheme.take().unwrap_or_else(Scheme::default_news);
        sink.file("annotation.conf")?
            .write_all(annotation_conf(&scheme).as_bytes())?;
        sink.close("annotation.conf")?;
        sink.file("visual.conf")?
            .write_all(visual_conf(&scheme).as_bytes())?;
        sink.close("visual.conf")
    }
}

/// brat's `annotation.conf` for `scheme`: its tags, relations (overlaps allowed) and
/// attributes, plus the review status.
pub fn annotation_conf(scheme: &Scheme) -> String {
    let mut s = String::from("[entities]\n");
    for t in &scheme.tags {
        writeln!(s, "{}", t.id).ok();
    }
    s.push_str("\n[relations]\n");
    for r in &scheme.relations {
        let from = if r.from.is_empty() {
            "<ENTITY>".into()
        } else {
            r.from.join("|")
        };
        let to = if r.to.is_empty() {
            "<ENTITY>".into()
        } else {
            r.to.join("|")
        };
        writeln!(s, "{}\tArg1:{from}, Arg2:{to}", r.kind).ok();
    }
    s.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n");
    s.push_str("\n[events]\n\n[attributes]\n");
    // One line per attribute name: the tags that carry it, the union of their values.
    let mut attrs: BTreeMap<&str, (Vec<&str>, Vec<&str>, bool)> = BTreeMap::new();
    for t in &scheme.tags {
        for a in &t.attributes {
            if a.kind == AttrKind::Text {
                continue;
            }
            let e = attrs.entry(a.name.as_str()).or_default();
            e.0.push(t.id.as_str());
            e.2 |= a.kind == AttrKind::Bool;
            for v in &a.values {
                if !e.1.contains(&v.as_str()) && word(v) {
                    e.1.push(v);
                }
            }
        }
    }
    for (name, (tags, values, flag)) in attrs {
        if flag || values.is_empty() {
            writeln!(s, "{name}\tArg:{}", tags.join("|")).ok();
        } else {
            writeln!(
                s,
                "{name}\tArg:{}, Value:{}",
                tags.join("|"),
                values.join("|")
            )
            .ok();
        }
    }
    s.push_str("status\tArg:<ENTITY>, Value:uncertain|suggested\n");
    s
}

/// brat's `visual.conf`: each tag's label and colour.
pub fn visual_conf(scheme: &Scheme) -> String {
    let mut s = String::from("[labels]\n");
    for t in &scheme.tags {
        writeln!(s, "{} | {}", t.id, t.label).ok();
    }
    for r in &scheme.relations {
        writeln!(s, "{} | {}", r.kind, r.label).ok();
    }
    s.push_str("\n[drawing]\nSPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken\nARC_DEFAULT\tcolor:black, arrowHead:triangle-5\n");
    for t in &scheme.tags {
        let [r, g, b] = t.rgb();
        writeln!(s, "{}\tbgColor:#{r:02x}{g:02x}{b:02x}", t.id).ok();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_fragments() {
        assert_eq!(names("sub/a.md"), ("sub/a.txt".into(), "sub/a.ann".into()));
        assert_eq!(names("a.txt"), ("a.txt".into(), "a.ann".into()));
        assert_eq!(fragments("ab\r\ncd", 0, 6), [(0, 2), (4, 6)]);
        assert_eq!(fragments("🚢ab", 1, 3), [(1, 3)]);
        let conf = annotation_conf(&Scheme::default_news());
        assert!(conf.contains("attributed_to\tArg1:quote|claim, Arg2:sourcing"));
        assert!(conf.contains("type\tArg:claim, Value:factual|opinion|prediction"));
        assert!(conf.contains("checkworthy\tArg:claim\n"));
    }
}
