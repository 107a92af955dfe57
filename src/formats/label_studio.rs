//! `--format label-studio`: a folder with `tasks.json` (a JSON list of Label Studio tasks, to
//! import into a project) and `config.xml` (the matching labelling config).
//!
//! - One task per article: `data.text` (the full text), `data.file`, `data.sha256`;
//!   `annotations[0].result` holds the ordinary and uncertain annotations, `predictions[0]`
//!   (`model_version: "tagline-suggested"`) the suggested ones (with `--include-suggested`).
//! - Each span is a `labels` region `{id, from_name: "label", to_name: "text", type:
//!   "labels", value: {start, end, text, labels: [TAG]}}`; its attributes are per-region
//!   results sharing its `id`: `choices` for choice attributes and flags (`"true"`/`"false"`),
//!   `textarea` for free text and for the note. Relations are `relation` results `{from_id,
//!   to_id, type: "relation", direction: "right", labels: [TYPE]}`.
//! - Controls are named `TAG.ATTRIBUTE` (one per tag, shown when a region of that tag is
//!   selected) and `note`.
//! - Offsets: code points (Label Studio 1.23 exports `<Text>` offsets in code points).
//! - Cannot hold: annotators and timestamps per region, document labels and front matter
//!   (counted), relations between an annotation and a suggestion (they live in different
//!   results; counted).

use std::io;

use serde_json::{Value, json};

use super::{ArticleIn, Exporter, Losses, Sink, attr_json};
use crate::core::scheme::AttrKind;
use crate::core::{Annotation, AttrValue, Scheme, Status};

/// The tasks file.
pub const TASKS: &str = "tasks.json";
/// The labelling config.
pub const CONFIG: &str = "config.xml";
/// Labels dropped.
pub const LABELS: &str = "document label (Label Studio tasks hold regions only)";
/// Attributes the scheme does not define (no control in the config).
pub const UNTYPED: &str = "attribute value the scheme does not define (no control)";
/// Relations across annotations and predictions.
pub const RELATION_ACROSS: &str = "relation between an annotation and a suggestion";

/// The `label-studio` exporter.
#[derive(Default)]
pub struct LabelStudio {
    tasks: usize,
    scheme: Option<Scheme>,
}

fn region(a: &Annotation) -> Value {
    json!({
        "id": a.id,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": a.range.start, "end": a.range.end, "text": a.text, "labels": [a.tag]},
    })
}

fn per_region(a: &Annotation, scheme: &Scheme, losses: &mut Losses) -> Vec<Value> {
    let mut out = Vec::new();
    let base = |from: String, ty: &str, key: &str, v: Value| {
        let mut value = json!({"start": a.range.start, "end": a.range.end});
        value[key] = v;
        json!({"id": a.id, "from_name": from, "to_name": "text", "type": ty, "value": value})
    };
    for (name, v) in &a.attributes {
        let kind = scheme
            .tag(&a.tag)
            .and_then(|t| t.attribute(name))
            .map(|d| d.kind);
        let control = format!("{}.{name}", a.tag);
        match (kind, v) {
            (None, _) => losses.count(UNTYPED, 1),
            (Some(AttrKind::Text), v) => {
                out.push(base(control, "textarea", "text", json!([v.display()])))
            }
            (_, AttrValue::List(l)) => out.push(base(control, "choices", "choices", json!(l))),
            (_, v) => out.push(base(control, "choices", "choices", json!([v.display()]))),
        }
    }
    if !a.note.is_empty() {
        out.push(base("note".into(), "textarea", "text", json!([a.note])));
    }
    out
}

impl Exporter for LabelStudio {
    fn begin(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        sink.file(TASKS)?.write_all(b"[\n")
    }

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
        losses.count(LABELS, article.doc.labels().len());
        let (mut done, mut suggested) = (Vec::new(), Vec::new());
        for a in &article.spans {
            let into = if a.status == Some(Status::Suggested) {
                &mut suggested
            } else {
                &mut done
            };
            into.push(region(a));
            into.extend(per_region(a, scheme, losses));
        }
        let is_suggested = |id: &str| {
            article
                .spans
                .iter()
                .any(|a| a.id == id && a.status == Some(Status::Suggested))
        };
        for r in &article.relations {
            let rel = json!({"from_id": r.from, "to_id": r.to, "type": "relation", "direction": "right", "labels": [r.kind]});
            match (is_suggested(&r.from), is_suggested(&r.to)) {
                (false, false) => done.push(rel),
                (true, true) => suggested.push(rel),
                _ => losses.item(RELATION_ACROSS, &r.id, ""),
            }
        }
        let labels: serde_json::Map<String, Value> = article
            .doc
            .labels()
            .iter()
            .map(|(k, v)| (k.clone(), attr_json(v)))
            .collect();
        let mut task = json!({
            "data": {"text": article.text(), "file": article.relative, "sha256": article.doc.article.sha256, "labels": labels},
            "annotations": [{"result": done, "ground_truth": false}],
        });
        if !suggested.is_empty() {
            task["predictions"] =
                json!([{"model_version": "tagline-suggested", "result": suggested}]);
        }
        let out = sink.file(TASKS)?;
        if self.tasks > 0 {
            out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut *out, &task)?;
        self.tasks += 1;
        Ok(())
    }

    fn finish(&mut self, sink: &mut dyn Sink, _losses: &mut Losses) -> io::Result<()> {
        sink.file(TASKS)?.write_all(b"\n]\n")?;
        sink.close(TASKS)?;
        let scheme = self.scheme.take().unwrap_or_else(Scheme::default_news);
        sink.file(CONFIG)?
            .write_all(config_xml(&scheme).as_bytes())?;
        sink.close(CONFIG)
    }
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The labelling config for `scheme`: `<Labels>` for the tags, `<Relations>`, and per-region
/// `<Choices>`/`<TextArea>` for each tag's attributes, shown when a region of that tag is
/// selected.
pub fn config_xml(scheme: &Scheme) -> String {
    let mut s = String::from("<View>\n  <Relations>\n");
    for r in &scheme.relations {
        s += &format!("    <Relation value=\"{}\"/>\n", xml(&r.kind));
    }
    s += "  </Relations>\n  <Labels name=\"label\" toName=\"text\">\n";
    for t in &scheme.tags {
        s += &format!(
            "    <Label value=\"{}\" background=\"{}\"/>\n",
            xml(&t.id),
            xml(&t.color)
        );
    }
    s += "  </Labels>\n  <Text name=\"text\" value=\"$text\"/>\n";
    for t in &scheme.tags {
        if t.attributes.is_empty() {
            continue;
        }
        s += &format!(
            "  <View visibleWhen=\"region-selected\" whenLabelValue=\"{}\">\n",
            xml(&t.id)
        );
        for a in &t.attributes {
            let name = xml(&format!("{}.{}", t.id, a.name));
            match a.kind {
                AttrKind::Text => {
                    s += &format!(
                        "    <TextArea name=\"{name}\" toName=\"text\" perRegion=\"true\" maxSubmissions=\"1\" editable=\"true\" placeholder=\"{}\"/>\n",
                        xml(&a.name)
                    )
                }
                AttrKind::Bool | AttrKind::Choice => {
                    s += &format!(
                        "    <Choices name=\"{name}\" toName=\"text\" perRegion=\"true\" choice=\"single\">\n"
                    );
                    let values: Vec<String> = if a.kind == AttrKind::Bool {
                        vec!["true".into(), "false".into()]
                    } else {
                        a.values.clone()
                    };
                    for v in values {
                        s += &format!("      <Choice value=\"{}\"/>\n", xml(&v));
                    }
                    s += "    </Choices>\n";
                }
            }
        }
        s += "  </View>\n";
    }
    s += "  <TextArea name=\"note\" toName=\"text\" perRegion=\"true\" maxSubmissions=\"1\" editable=\"true\" placeholder=\"note\"/>\n</View>\n";
    s
}
