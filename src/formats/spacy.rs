//! `--format spacy`: the `jsonl` lines plus the tokens, for a spaCy `DocBin`
//! (`scripts/to_docbin.py` builds one with real spaCy).
//!
//! Each line is a [`super::jsonl`] record with `tokens: [{"text", "start", "end", "id", "ws"}]`
//! from the shared tokeniser ([`super::tokens`]): `id` is the token's index, `ws` is `true`
//! when exactly one space follows it (spaCy's `whitespace_ == " "`); any other whitespace
//! between tokens becomes spaCy whitespace tokens when the `DocBin` is built, so `doc.text` is
//! the article's text exactly. Spans also get `token_start` and `token_end` (token indexes,
//! half-open).
//!
//! - Offsets: code points, so `doc.char_span(start, end)` finds each span.
//! - Cannot hold: a span whose ends are not token boundaries (it would give `None` from
//!   `char_span`). Such spans are left out of `spans`, each reported with its id and text, and
//!   counted; relations touching them are left out too.

use std::collections::HashSet;
use std::io;

use serde_json::{Value, json};

use super::jsonl::{record, span_json};
use super::tokens::{token_span, tokenize};
use super::{ArticleIn, Exporter, Losses, MAIN, Sink, json_line};

/// What the summary calls a span off token boundaries.
pub const OFF_TOKENS: &str = "span not on token boundaries (left out)";
/// What the summary calls a relation to such a span.
pub const RELATION_OFF_TOKENS: &str = "relation to a span not on token boundaries";

/// The `spacy` exporter.
pub struct Spacy;

impl Exporter for Spacy {
    fn article(
        &mut self,
        article: &ArticleIn<'_>,
        sink: &mut dyn Sink,
        losses: &mut Losses,
    ) -> io::Result<()> {
        let tokens = tokenize(article.text());
        let mut spans = Vec::with_capacity(article.spans.len());
        let mut dropped = HashSet::new();
        for a in &article.spans {
            match token_span(&tokens, a.range.start, a.range.end) {
                Some((first, last)) => {
                    let mut m = span_json(a);
                    m.insert("token_start".into(), json!(first));
                    m.insert("token_end".into(), json!(last));
                    spans.push(Value::Object(m));
                }
                None => {
                    losses.item(OFF_TOKENS, &a.id, &a.text);
                    dropped.insert(a.id.as_str());
                }
            }
        }
        let mut m = record(article, spans);
        if !dropped.is_empty() {
            let before = article.relations.len();
            let kept: Vec<Value> = article
                .relations
                .iter()
                .filter(|r| !dropped.contains(r.from.as_str()) && !dropped.contains(r.to.as_str()))
                .map(|r| json!({"id": r.id, "type": r.kind, "from": r.from, "to": r.to}))
                .collect();
            losses.count(RELATION_OFF_TOKENS, before - kept.len());
            m.insert("relations".into(), Value::Array(kept));
        }
        m.insert(
            "tokens".into(),
            tokens
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    json!({"text": t.text, "start": t.start, "end": t.end, "id": i, "ws": t.space_after})
                })
                .collect(),
        );
        json_line(sink.file(MAIN)?, &Value::Object(m))
    }

    fn finish(&mut self, sink: &mut dyn Sink, _losses: &mut Losses) -> io::Result<()> {
        sink.close(MAIN)
    }
}
