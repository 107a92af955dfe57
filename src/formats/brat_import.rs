//! `import --format brat`: brat standoff pairs, `NAME.txt` (the article) and `NAME.ann`.
//!
//! - `T` lines `T1\tTAG START END[;START END…]\tTEXT` are spans. Fragments separated only by
//!   line breaks (how brat, and `tagline export --format brat`, write a span across lines)
//!   become one span; other discontinuous spans become the one span covering their fragments,
//!   reported. `TEXT` must be the fragments' text joined with single spaces, else the line is
//!   refused.
//! - `R` lines `R1\tTYPE Arg1:T1 Arg2:T2` are relations; `A` (and old `M`) lines `A1\tNAME T1
//!   [VALUE]` attributes (no value: a true flag), except `status` (`suggested`, `uncertain`),
//!   the review state; `#` lines `#1\tAnnotatorNotes T1\tTEXT` notes.
//! - Not imported, reported: events (`E`), normalizations (`N`), equivalences (`*`), attributes
//!   and notes on them.
//! - Offsets: code points of the `.txt` as it is on disk, read without newline translation
//!   (CRLF counts two). A BOM at its start, which brat counts as a character, is dropped and
//!   the offsets moved by one. Reported with the `.ann` line: malformed lines, offsets that
//!   are not numbers, references to unknown `T` ids; a `.ann` without its `.txt`. A `.txt`
//!   without a `.ann` is imported as an article with no annotations.

use std::collections::{BTreeMap, HashMap};

use super::{ImportFormat, Importer, Input, Parsed, Record, import_origin};
use crate::core::{AttrValue, CharRange, ImportRelation, ImportSpan, IndexedText, Status};

/// The `brat` importer.
pub struct BratImport;

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

impl Importer for BratImport {
    fn read(&self, inputs: &[Input<'_>]) -> Parsed {
        let mut out = Parsed::default();
        let mut txts: BTreeMap<&str, &Input<'_>> = BTreeMap::new();
        let mut anns: BTreeMap<&str, &Input<'_>> = BTreeMap::new();
        for i in inputs {
            if i.relative.ends_with(".ann") {
                anns.insert(stem(i.relative), i);
            } else if i.relative.ends_with(".txt") {
                txts.insert(stem(i.relative), i);
            } else {
                out.problem(i.name, 0, "not a brat .txt or .ann file");
            }
        }
        for (stem, txt) in &txts {
            read_pair(txt, anns.remove(stem), &mut out);
        }
        for (stem, ann) in anns {
            out.problem(
                ann.name,
                0,
                format!("no {stem}.txt next to it; not imported"),
            );
        }
        out
    }
}

fn read_pair(txt: &Input<'_>, ann: Option<&Input<'_>>, out: &mut Parsed) {
    let (text, shift) = match txt.text.strip_prefix('\u{feff}') {
        Some(t) => (t, 1),
        None => (txt.text, 0),
    };
    let mut record = Record {
        input: ann.unwrap_or(txt).name.to_owned(),
        line: 1,
        file: txt.relative.to_owned(),
        text: text.to_owned(),
        ..Record::default()
    };
    let Some(ann) = ann else {
        out.records.push(record);
        return;
    };
    let name = ann.name;
    let indexed = IndexedText::new(text.to_owned());
    let mut t_index: HashMap<String, usize> = HashMap::new();
    let lines: Vec<(usize, &str)> = ann
        .text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    // Spans first: attributes, notes and relations may come before the T line they name.
    for &(n, line) in &lines {
        if !line.starts_with('T') {
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let (Some(id), Some(middle), covered) = (cols.next(), cols.next(), cols.next()) else {
            out.problem(
                name,
                n,
                "malformed T line: expected `T1<TAB>TAG START END<TAB>TEXT`",
            );
            continue;
        };
        let Some((tag, offsets)) = middle.split_once(' ') else {
            out.problem(name, n, format!("{id}: no offsets"));
            continue;
        };
        let mut frags = Vec::new();
        for frag in offsets.split(';') {
            let nums: Vec<Option<usize>> = frag.split(' ').map(|x| x.parse().ok()).collect();
            match nums[..] {
                [Some(s), Some(e)] if s >= shift && e >= s => frags.push((s - shift, e - shift)),
                _ => {
                    frags.clear();
                    break;
                }
            }
        }
        if frags.is_empty() {
            out.problem(
                name,
                n,
                format!("{id}: offsets `{offsets}` are not START END pairs"),
            );
            continue;
        }
        let slices: Option<Vec<&str>> = frags
            .iter()
            .map(|&(s, e)| indexed.slice(CharRange::new(s, e)))
            .collect();
        let Some(slices) = slices else {
            out.problem(
                name,
                n,
                format!(
                    "{id}: offsets {offsets} are outside the text ({} chars)",
                    indexed.len_chars()
                ),
            );
            continue;
        };
        let joined = slices.join(" ");
        if let Some(covered) = covered
            && covered != joined
        {
            out.problem(
                name,
                n,
                format!(
                    "{id}: says its text is “{covered}”, but the .txt has “{joined}” at {offsets}"
                ),
            );
            continue;
        }
        let (start, end) = (frags[0].0, frags[frags.len() - 1].1);
        let gaps_are_breaks = frags.windows(2).all(|w| {
            w[0].1 <= w[1].0
                && indexed
                    .slice(CharRange::new(w[0].1, w[1].0))
                    .is_some_and(|g| !g.is_empty() && g.chars().all(|c| matches!(c, '\r' | '\n')))
        });
        if !gaps_are_breaks {
            out.problem(
                name,
                n,
                format!(
                    "{id}: a discontinuous span ({} fragments) imported as the one span {start}:{end} covering them",
                    frags.len()
                ),
            );
        }
        t_index.insert(id.to_owned(), record.batch.spans.len());
        record.batch.spans.push(ImportSpan {
            key: id.to_owned(),
            tag: tag.to_owned(),
            range: CharRange::new(start, end),
            origin: Some(import_origin(ImportFormat::Brat, name, id.to_owned())),
            ..ImportSpan::default()
        });
        record.span_lines.push(n);
    }
    for &(n, line) in &lines {
        let mut cols = line.split('\t');
        let id = cols.next().unwrap_or("");
        let fields: Vec<&str> = cols.next().unwrap_or("").split(' ').collect();
        let target = |t: &str, out: &mut Parsed| -> Option<usize> {
            let at = t_index.get(t).copied();
            if at.is_none() {
                out.problem(
                    name,
                    n,
                    format!("{id}: no span `{t}` (events and normalizations are not imported)"),
                );
            }
            at
        };
        match id.chars().next() {
            Some('T') => {}
            Some('R') => {
                let (Some(kind), Some(a1), Some(a2)) =
                    (fields.first(), fields.get(1), fields.get(2))
                else {
                    out.problem(
                        name,
                        n,
                        format!("{id}: malformed R line: expected `R1<TAB>TYPE Arg1:T1 Arg2:T2`"),
                    );
                    continue;
                };
                let arg = |a: &str| a.split_once(':').map(|(_, t)| t.to_owned());
                let (Some(from), Some(to)) = (arg(a1), arg(a2)) else {
                    out.problem(name, n, format!("{id}: malformed arguments `{a1} {a2}`"));
                    continue;
                };
                if target(&from, out).is_none() || target(&to, out).is_none() {
                    continue;
                }
                record.batch.relations.push(ImportRelation {
                    kind: (*kind).to_owned(),
                    from,
                    to,
                    ..ImportRelation::default()
                });
                record.relation_lines.push(n);
            }
            Some('A' | 'M') => {
                let (Some(attr), Some(t)) = (fields.first(), fields.get(1)) else {
                    out.problem(name, n, format!("{id}: malformed attribute line"));
                    continue;
                };
                let Some(at) = target(t, out) else { continue };
                let span = &mut record.batch.spans[at];
                match (*attr, fields.get(2)) {
                    ("status", Some(&"suggested")) => span.status = Some(Status::Suggested),
                    ("status", Some(&"uncertain")) => span.status = Some(Status::Uncertain),
                    ("status", v) => out.problem(name, n, format!("{id}: unknown status {v:?}")),
                    (attr, None) => {
                        span.attributes
                            .insert(attr.to_owned(), AttrValue::Bool(true));
                    }
                    (attr, Some(v)) => {
                        span.attributes
                            .insert(attr.to_owned(), AttrValue::Text((*v).to_owned()));
                    }
                }
            }
            Some('#') => {
                let note = line.splitn(3, '\t').nth(2).unwrap_or("");
                let Some(t) = fields.get(1) else {
                    out.problem(name, n, format!("{id}: malformed note line"));
                    continue;
                };
                let Some(at) = target(t, out) else { continue };
                let span = &mut record.batch.spans[at];
                if !span.note.is_empty() {
                    span.note.push('\n');
                }
                span.note.push_str(note);
            }
            Some('E') => out.problem(name, n, format!("{id}: brat events are not imported")),
            Some('N') => out.problem(
                name,
                n,
                format!("{id}: brat normalizations are not imported"),
            ),
            Some('*') => out.problem(name, n, format!("{id}: brat equivalences are not imported")),
            _ => out.problem(name, n, "not a brat standoff line"),
        }
    }
    out.records.push(record);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_lines_fragments_and_problems() {
        let txt = "\u{feff}Ab\r\ncd 🚢 ef";
        let ann = "T1\tquote 1 3;5 7\tAb cd\nT2\tsourcing 10 12\tef\r\nA1\tstatus T1 uncertain\n\
                   A2\tcheckworthy T2\n#1\tAnnotatorNotes T2\tnote\nR1\tattributed_to Arg1:T1 Arg2:T2\n\
                   T3\tclaim 1 2;8 9\tA 🚢\nT4\tclaim 1 99\tx\nT5\tclaim 1 3\tzz\nE1\tx:T1\nR2\tr Arg1:T1 Arg2:T9\n";
        let p = BratImport.read(&[
            Input {
                name: "d/a.txt",
                relative: "a.txt",
                text: txt,
            },
            Input {
                name: "d/a.ann",
                relative: "a.ann",
                text: ann,
            },
            Input {
                name: "d/b.ann",
                relative: "b.ann",
                text: "",
            },
        ]);
        assert_eq!(p.records.len(), 1);
        let r = &p.records[0];
        assert_eq!(r.text, "Ab\r\ncd 🚢 ef");
        let s: Vec<(usize, usize, &str)> = r
            .batch
            .spans
            .iter()
            .map(|s| (s.range.start, s.range.end, s.tag.as_str()))
            .collect();
        assert_eq!(s, [(0, 6, "quote"), (9, 11, "sourcing"), (0, 8, "claim")]);
        assert_eq!(r.batch.spans[0].status, Some(Status::Uncertain));
        assert_eq!(
            r.batch.spans[1].attributes["checkworthy"],
            AttrValue::Bool(true)
        );
        assert_eq!(r.batch.spans[1].note, "note");
        assert_eq!(r.batch.relations.len(), 1);
        let lines: Vec<usize> = p.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [7, 8, 9, 10, 11, 0], "{:?}", p.problems);
    }
}
