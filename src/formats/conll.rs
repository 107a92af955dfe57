//! `--format conll`: CoNLL-2003 columns — `TOKEN -X- _ TAG`, one token per line, a blank line
//! after each sentence and `-DOCSTART- -X- O O` (then a blank line) before each article —
//! for `spacy convert --converter ner`, seqeval and Hugging Face token classification.
//!
//! - Tokens and sentences come from the shared tokeniser ([`super::tokens`]); the unit is the
//!   token, so a span is written only when both its ends are token boundaries.
//! - Tags are IOB2 by default (`B-` starts every span: the Hugging Face convention); with
//!   `--iob1` (INCEpTION, the original CoNLL-2003 corpus) `B-` only starts a span that directly
//!   follows another span of the same tag.
//! - One column holds one tag per token, so overlapping spans cannot all be written: the
//!   outermost (earliest start, then longest) wins and each dropped span is reported. With
//!   `--layers`, one file per tag of the scheme (`TAG.conll`, every article in each) keeps
//!   overlaps between different tags; overlaps within one tag are still resolved outermost-first.
//! - Cannot hold: relations, attributes, notes, annotators, statuses, document labels and
//!   front matter (counted in the summary); spans off token boundaries (reported).

use std::io;

use super::tokens::{Token, ends_sentence, token_span, tokenize};
use super::{ArticleIn, Exporter, Losses, MAIN, Sink};
use crate::core::Annotation;

/// The line that separates articles (spaCy's converter splits documents only on this exact
/// line).
pub const DOCSTART: &str = "-DOCSTART- -X- O O";

/// What the summary calls the losses of this format.
pub const OFF_TOKENS: &str = "span not on token boundaries (left out)";
/// An overlapping span that lost to an outer one.
pub const OVERLAP: &str =
    "span overlapping an outer span (outermost kept; --layers keeps tags apart)";
/// A span whose tag has no layer file.
pub const NO_LAYER: &str = "span whose tag is not in the scheme (no layer file)";
/// Relations dropped.
pub const RELATIONS: &str = "relation (CoNLL holds none)";
/// Attribute values dropped.
pub const ATTRIBUTES: &str = "attribute value (CoNLL holds tags only)";
/// Notes dropped.
pub const NOTES: &str = "annotation note (CoNLL holds tags only)";

/// The `conll` exporter.
pub struct Conll {
    iob1: bool,
    layers: bool,
    /// With `--layers`: the tags that have a file, from the first article's scheme.
    layer_tags: Option<Vec<String>>,
}

impl Conll {
    /// A CoNLL exporter: IOB1 or IOB2 tags, one file or one per tag.
    pub fn new(iob1: bool, layers: bool) -> Conll {
        Conll {
            iob1,
            layers,
            layer_tags: None,
        }
    }
}

/// The file of layer `tag`.
pub fn layer_file(tag: &str) -> String {
    format!("{tag}.conll")
}

/// Keeps the outermost of overlapping spans: sorted by start, longest first, a span is kept
/// when it starts at or after the end of the last kept one.
fn outermost<'a>(
    mut spans: Vec<(&'a Annotation, usize, usize)>,
    losses: &mut Losses,
) -> Vec<(&'a Annotation, usize, usize)> {
    spans.sort_by_key(|s| (s.1, std::cmp::Reverse(s.2)));
    let mut kept: Vec<(&Annotation, usize, usize)> = Vec::with_capacity(spans.len());
    for s in spans {
        if kept.last().is_none_or(|k| s.1 >= k.2) {
            kept.push(s);
        } else {
            losses.item(OVERLAP, &s.0.id, &s.0.text);
        }
    }
    kept
}

impl Conll {
    fn tags(&self, n: usize, spans: &[(&Annotation, usize, usize)]) -> Vec<String> {
        let mut tags = vec![String::from("O"); n];
        let mut prev_end_tag: Option<(usize, &str)> = None;
        for (a, first, last) in spans {
            for (k, t) in tags.iter_mut().enumerate().take(*last).skip(*first) {
                let begin = if self.iob1 {
                    k == *first && prev_end_tag == Some((*first, a.tag.as_str()))
                } else {
                    k == *first
                };
                *t = format!("{}-{}", if begin { "B" } else { "I" }, a.tag);
            }
            prev_end_tag = Some((*last, a.tag.as_str()));
        }
        tags
    }

    fn write(
        out: &mut dyn io::Write,
        tokens: &[Token<'_>],
        tags: &[String],
        breaks: &[bool],
    ) -> io::Result<()> {
        writeln!(out, "{DOCSTART}")?;
        writeln!(out)?;
        for (i, t) in tokens.iter().enumerate() {
            writeln!(out, "{} -X- _ {}", t.text, tags[i])?;
            if breaks[i] {
                writeln!(out)?;
            }
        }
        Ok(())
    }
}

impl Exporter for Conll {
    fn article(
        &mut self,
        article: &ArticleIn<'_>,
        sink: &mut dyn Sink,
        losses: &mut Losses,
    ) -> io::Result<()> {
        let tokens = tokenize(article.text());
        let mut aligned = Vec::with_capacity(article.spans.len());
        for a in &article.spans {
            match token_span(&tokens, a.range.start, a.range.end) {
                Some((first, last)) => aligned.push((*a, first, last)),
                None => losses.item(OFF_TOKENS, &a.id, &a.text),
            }
        }
        losses.count(RELATIONS, article.relations.len());
        losses.count(
            ATTRIBUTES,
            aligned.iter().map(|(a, _, _)| a.attributes.len()).sum(),
        );
        losses.count(
            NOTES,
            aligned
                .iter()
                .filter(|(a, _, _)| !a.note.is_empty())
                .count(),
        );
        // Sentence breaks never fall inside a span written in any file.
        let mut depth = vec![0i32; tokens.len() + 1];
        for (_, first, last) in &aligned {
            depth[*first] += 1;
            depth[last - 1] -= 1;
        }
        let mut open = 0;
        let breaks: Vec<bool> = (0..tokens.len())
            .map(|i| {
                open += depth[i];
                ends_sentence(&tokens, i, open > 0)
            })
            .collect();
        if !self.layers {
            let kept = outermost(aligned, losses);
            let tags = self.tags(tokens.len(), &kept);
            return Self::write(sink.file(MAIN)?, &tokens, &tags, &breaks);
        }
        let layer_tags = self
            .layer_tags
            .get_or_insert_with(|| {
                article
                    .doc
                    .scheme
                    .tags
                    .iter()
                    .map(|t| t.id.clone())
                    .collect()
            })
            .clone();
        for (a, _, _) in &aligned {
            if !layer_tags.contains(&a.tag) {
                losses.item(NO_LAYER, &a.id, &a.text);
            }
        }
        for tag in &layer_tags {
            let mine = aligned
                .iter()
                .filter(|(a, _, _)| &a.tag == tag)
                .copied()
                .collect();
            let kept = outermost(mine, losses);
            let tags = self.tags(tokens.len(), &kept);
            Self::write(sink.file(&layer_file(tag))?, &tokens, &tags, &breaks)?;
        }
        Ok(())
    }

    fn finish(&mut self, sink: &mut dyn Sink, _losses: &mut Losses) -> io::Result<()> {
        if self.layers {
            for tag in self.layer_tags.iter().flatten() {
                sink.close(&layer_file(tag))?;
            }
            Ok(())
        } else {
            sink.close(MAIN)
        }
    }
}
