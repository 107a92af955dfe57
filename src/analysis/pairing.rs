//! Pairing the same article across annotators: several folders holding the same articles (an
//! annotator per folder), or one set of documents whose annotations carry different
//! `annotator` values. Shared by agreement, grading and the compare view.
//!
//! Rules (shared/CONVENTIONS.md): articles are paired by the SHA-256 of their decoded text,
//! then by path relative to the folder given. When names match but texts differ, the other
//! side's annotations are re-anchored onto the reference text with the core's anchoring
//! (kept, moved by exact text and context); what cannot be placed counts as missing, and a
//! warning names both files and the count. The reference is the first side given.
//!
//! Which annotations count: orphaned ones never (they are counted); `suggested` ones only when
//! asked; `uncertain` ones always. Pure: the caller opens the documents.

use std::collections::HashMap;

use crate::core::anchor::{Anchoring, anchor};
use crate::core::article::sha256_hex;
use crate::core::{Annotation, CharRange, Document, Status};

/// One document of one side, with its path relative to the argument it came from.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// Path relative to the folder given, with `/`.
    pub relative: &'a str,
    /// The opened document.
    pub doc: &'a Document,
}

/// An annotation placed on the reference text.
#[derive(Clone, Copy, Debug)]
pub struct Placed<'a> {
    /// Where it is on the reference text.
    pub range: CharRange,
    /// The annotation as its sidecar holds it.
    pub annotation: &'a Annotation,
}

/// One side's view of a paired article.
#[derive(Clone, Debug)]
pub struct Member<'a> {
    /// The side's own document (its text may differ from the reference's).
    pub doc: &'a Document,
    /// The annotations that count, placed on the reference text, in sidecar order.
    pub placed: Vec<Placed<'a>>,
}

/// One article and what each side has of it.
#[derive(Clone, Debug)]
pub struct Paired<'a> {
    /// The name outputs use: the relative path of the first side that has it.
    pub relative: String,
    /// The document whose text is the reference.
    pub reference: &'a Document,
    /// Per side, in the order given; `None` when that side lacks the article.
    pub members: Vec<Option<Member<'a>>>,
}

/// What was left out and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pairing {
    /// Orphaned annotations left out.
    pub orphaned: usize,
    /// Suggested annotations left out (without `include_suggested`).
    pub suggested: usize,
    /// Annotations that could not be placed on the reference text.
    pub unplaced: usize,
    /// One line per problem, naming the files.
    pub warnings: Vec<String>,
}

/// `true` when an annotation counts; tallies the ones that do not.
fn counts(a: &Annotation, include_suggested: bool, tally: &mut Pairing) -> bool {
    match a.status {
        Some(Status::Orphaned) => {
            tally.orphaned += 1;
            false
        }
        Some(Status::Suggested) if !include_suggested => {
            tally.suggested += 1;
            false
        }
        _ => !a.range.is_empty(),
    }
}

/// Pairs the documents of several sides (one per annotator folder). `sides[0]` is the
/// reference.
pub fn pair_sides<'a>(
    sides: &[Vec<Source<'a>>],
    include_suggested: bool,
) -> (Vec<Paired<'a>>, Pairing) {
    let k = sides.len();
    let mut tally = Pairing::default();
    let mut groups: Vec<Paired<'a>> = Vec::new();
    let mut by_hash: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_name: HashMap<&'a str, Vec<usize>> = HashMap::new();
    let mut hashes: Vec<String> = Vec::new();
    for (side, docs) in sides.iter().enumerate() {
        for src in docs {
            let hash = sha256_hex(src.doc.article.text.as_str().as_bytes());
            let free = |g: &usize| groups[*g].members[side].is_none();
            let found = by_hash
                .get(&hash)
                .and_then(|v| v.iter().copied().find(free))
                .or_else(|| {
                    by_name
                        .get(src.relative)
                        .and_then(|v| v.iter().copied().find(free))
                });
            let g = match found {
                Some(g) => g,
                None => {
                    groups.push(Paired {
                        relative: src.relative.to_owned(),
                        reference: src.doc,
                        members: vec![None; k],
                    });
                    hashes.push(hash.clone());
                    let g = groups.len() - 1;
                    by_hash.entry(hash.clone()).or_default().push(g);
                    by_name.entry(src.relative).or_default().push(g);
                    g
                }
            };
            let same_text = hashes[g] == hash;
            let reference = groups[g].reference;
            let mut placed = Vec::new();
            let mut lost = 0usize;
            for a in src.doc.annotations() {
                if !counts(a, include_suggested, &mut tally) {
                    continue;
                }
                if same_text {
                    placed.push(Placed {
                        range: a.range,
                        annotation: a,
                    });
                    continue;
                }
                match anchor(&reference.article.text, a) {
                    Anchoring::Kept => placed.push(Placed {
                        range: a.range,
                        annotation: a,
                    }),
                    Anchoring::Moved { to, .. } => placed.push(Placed {
                        range: to,
                        annotation: a,
                    }),
                    Anchoring::Orphaned => lost += 1,
                }
            }
            if !same_text {
                tally.unplaced += lost;
                tally.warnings.push(format!(
                    "{} and {} have the same name but different text; {lost} annotation(s) of the second could not be placed on the first and count as missing",
                    reference.article.path.display(),
                    src.doc.article.path.display(),
                ));
            }
            groups[g].members[side] = Some(Member {
                doc: src.doc,
                placed,
            });
        }
    }
    (groups, tally)
}

/// The name an annotation's annotator goes by in outputs (`(unnamed)` for none).
pub fn annotator_label(a: &Annotation) -> &str {
    if a.annotator.is_empty() {
        "(unnamed)"
    } else {
        &a.annotator
    }
}

/// Splits documents by the annotations' `annotator` values: every annotator seen (sorted)
/// becomes a side present in every document (an annotator with no annotation in a document
/// marked nothing there).
pub fn split_by_annotator<'a>(
    docs: &[Source<'a>],
    include_suggested: bool,
) -> (Vec<String>, Vec<Paired<'a>>, Pairing) {
    let mut names: Vec<String> = docs
        .iter()
        .flat_map(|s| {
            s.doc
                .annotations()
                .iter()
                .map(|a| annotator_label(a).to_owned())
        })
        .collect();
    names.sort();
    names.dedup();
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut tally = Pairing::default();
    let groups = docs
        .iter()
        .map(|src| {
            let mut members: Vec<Option<Member<'a>>> = names
                .iter()
                .map(|_| {
                    Some(Member {
                        doc: src.doc,
                        placed: Vec::new(),
                    })
                })
                .collect();
            for a in src.doc.annotations() {
                if !counts(a, include_suggested, &mut tally) {
                    continue;
                }
                if let Some(Some(m)) = index.get(annotator_label(a)).map(|&i| &mut members[i]) {
                    m.placed.push(Placed {
                        range: a.range,
                        annotation: a,
                    });
                }
            }
            Paired {
                relative: src.relative.to_owned(),
                reference: src.doc,
                members,
            }
        })
        .collect();
    (names, groups, tally)
}
