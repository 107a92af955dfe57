//! `--format jsonl`: one JSON object per line per article, for Hugging Face
//! `datasets.load_dataset("json", data_files=…)` and any JSON-lines reader.
//!
//! Each line:
//! `{"text", "meta": {"file", "sha256", "front_matter": {path: value}, "labels": {…}},
//! "spans": [{"start", "end", "label", "id", "text", "attributes": {…}, "annotator",
//! "status", "note"}], "relations": [{"id", "type", "from", "to"}]}`.
//!
//! - `text` is the article's full decoded text (BOM dropped, line endings as in the file,
//!   front matter included), so offsets index it directly.
//! - Offsets: code points (Python `str` indexes), half-open: `text[start:end] == span.text`.
//! - `file` is the article's path relative to the argument it came from; `sha256` is the
//!   file's bytes' hash, as in the sidecar. `status` is `null` for an ordinary annotation.
//! - Cannot hold: nothing of the spans and relations it exports; annotation timestamps,
//!   relation notes and relation annotators are not written (not training data).

use std::io;

use serde_json::{Map, Value, json};

use super::{ArticleIn, Exporter, Losses, MAIN, Sink, attributes_json, json_line, labels_json};
use crate::core::Annotation;

/// The `jsonl` exporter.
pub struct Jsonl;

/// One span as JSON.
pub(crate) fn span_json(a: &Annotation) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("start".into(), json!(a.range.start));
    m.insert("end".into(), json!(a.range.end));
    m.insert("label".into(), json!(a.tag));
    m.insert("id".into(), json!(a.id));
    m.insert("text".into(), json!(a.text));
    m.insert("attributes".into(), attributes_json(a));
    m.insert("annotator".into(), json!(a.annotator));
    m.insert("status".into(), json!(a.status.map(|s| s.as_str())));
    m.insert("note".into(), json!(a.note));
    m
}

/// The article's record without spans: `text` and `meta`, then `relations`.
pub(crate) fn record(article: &ArticleIn<'_>, spans: Vec<Value>) -> Map<String, Value> {
    let doc = article.doc;
    let front_matter: Map<String, Value> = doc
        .article
        .front_matter
        .iter()
        .flat_map(|f| f.fields.iter())
        .map(|f| (f.path.clone(), json!(f.value)))
        .collect();
    let mut m = Map::new();
    m.insert("text".into(), json!(article.text()));
    m.insert(
        "meta".into(),
        json!({
            "file": article.relative,
            "sha256": doc.article.sha256,
            "front_matter": front_matter,
            "labels": labels_json(doc),
        }),
    );
    m.insert("spans".into(), Value::Array(spans));
    m.insert(
        "relations".into(),
        article
            .relations
            .iter()
            .map(|r| json!({"id": r.id, "type": r.kind, "from": r.from, "to": r.to}))
            .collect(),
    );
    m
}

impl Exporter for Jsonl {
    fn article(
        &mut self,
        article: &ArticleIn<'_>,
        sink: &mut dyn Sink,
        _losses: &mut Losses,
    ) -> io::Result<()> {
        let spans = article
            .spans
            .iter()
            .map(|a| Value::Object(span_json(a)))
            .collect();
        json_line(sink.file(MAIN)?, &Value::Object(record(article, spans)))
    }

    fn finish(&mut self, sink: &mut dyn Sink, _losses: &mut Losses) -> io::Result<()> {
        sink.close(MAIN)
    }
}
