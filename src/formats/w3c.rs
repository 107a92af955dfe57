//! `--format w3c`: a W3C Web Annotation (JSON-LD) `AnnotationCollection`, its annotations as
//! the `items` of its `first` `AnnotationPage`, `total` at the end.
//!
//! - Each annotation: `id` `urn:tagline:ARTICLE_SHA256:ID`, `type: "Annotation"`,
//!   `motivation: "tagging"`, `creator` (`{"type": "Person", "name"}`), `created` and
//!   `modified` (the annotation's own times, so the output is byte-stable), `body`: the tag as a
//!   `TextualBody` with purpose `tagging`, the note as one with purpose `commenting`, each
//!   attribute as one with purpose `classifying` (`"NAME=VALUE"`); `target`: `{source,
//!   selector: [TextQuoteSelector {exact, prefix, suffix}, TextPositionSelector {start, end}]}`.
//! - `source` is the article: `{id: "urn:tagline:SHA256", type: "Text", format, label:
//!   RELATIVE_PATH}` (`text/markdown` for `.md` files, else `text/plain`), the hash being
//!   the file's, as in the sidecar.
//! - Offsets: code points into the article's full decoded text. `prefix`/`suffix` are the 32
//!   code points around the span.
//! - Cannot hold: relations (the model has no typed link between annotations; counted), the
//!   review status (counted), document labels (counted).

use std::io;

use serde_json::{Value, json};

use super::{ArticleIn, Exporter, Losses, MAIN, Sink};
use crate::core::model::CONTEXT_CHARS;

/// The Web Annotation JSON-LD context.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// Relations dropped.
pub const RELATIONS: &str = "relation (the Web Annotation model has no typed links)";
/// Statuses dropped.
pub const STATUS: &str = "review status (uncertain, suggested)";
/// Labels dropped.
pub const LABELS: &str = "document label (not a Web Annotation)";

/// The `w3c` exporter.
#[derive(Default)]
pub struct W3c {
    total: usize,
}

impl Exporter for W3c {
    fn begin(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        let out = sink.file(MAIN)?;
        writeln!(
            out,
            "{{\"@context\":\"{CONTEXT}\",\"id\":\"urn:tagline:export\",\"type\":\"AnnotationCollection\",\"label\":\"Tagline annotations\",\"first\":{{\"type\":\"AnnotationPage\",\"items\":["
        )
    }

    fn article(
        &mut self,
        article: &ArticleIn<'_>,
        sink: &mut dyn Sink,
        losses: &mut Losses,
    ) -> io::Result<()> {
        losses.count(RELATIONS, article.relations.len());
        losses.count(LABELS, article.doc.labels().len());
        let doc = article.doc;
        let text = &doc.article.text;
        let sha = &doc.article.sha256;
        let md = article.relative.ends_with(".md") || article.relative.ends_with(".markdown");
        let source = json!({
            "id": format!("urn:tagline:{sha}"),
            "type": "Text",
            "format": if md { "text/markdown" } else { "text/plain" },
            "label": article.relative,
        });
        let out = sink.file(MAIN)?;
        for a in &article.spans {
            if a.status.is_some() {
                losses.count(STATUS, 1);
            }
            let mut body =
                vec![json!({"type": "TextualBody", "purpose": "tagging", "value": a.tag})];
            if !a.note.is_empty() {
                body.push(json!({"type": "TextualBody", "purpose": "commenting", "value": a.note}));
            }
            for (k, v) in &a.attributes {
                body.push(json!({"type": "TextualBody", "purpose": "classifying", "value": format!("{k}={}", v.display())}));
            }
            let mut item = json!({
                "id": format!("urn:tagline:{sha}:{}", a.id),
                "type": "Annotation",
                "motivation": "tagging",
                "body": body,
                "target": {
                    "source": source,
                    "selector": [
                        {
                            "type": "TextQuoteSelector",
                            "exact": a.text,
                            "prefix": text.before(a.range.start, CONTEXT_CHARS),
                            "suffix": text.after(a.range.end, CONTEXT_CHARS),
                        },
                        {"type": "TextPositionSelector", "start": a.range.start, "end": a.range.end},
                    ],
                },
            });
            if !a.annotator.is_empty() {
                item["creator"] = json!({"type": "Person", "name": a.annotator});
            }
            if !a.created.is_empty() {
                item["created"] = Value::from(a.created.as_str());
            }
            if !a.modified.is_empty() {
                item["modified"] = Value::from(a.modified.as_str());
            }
            if self.total > 0 {
                out.write_all(b",\n")?;
            }
            serde_json::to_writer(&mut *out, &item)?;
            self.total += 1;
        }
        Ok(())
    }

    fn finish(&mut self, sink: &mut dyn Sink, _losses: &mut Losses) -> io::Result<()> {
        let out = sink.file(MAIN)?;
        write!(out, "\n]}},\"total\":{}}}\n", self.total)?;
        sink.close(MAIN)
    }
}
