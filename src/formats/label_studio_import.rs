//! `import --format label-studio`: a Label Studio JSON export — a list of tasks (a single
//! task object is read too), as Label Studio's "Export → JSON" and `tagline export --format
//! label-studio` (`tasks.json`) write them.
//!
//! - Each task is one article: `data.text` (required), `data.file` (its name; else
//!   `STEM-ID.txt` after the input and the task's `id`), `data.labels` (document labels, as
//!   our export writes them).
//! - `annotations[].result[]` (cancelled annotations skipped) and `predictions[].result[]`:
//!   `labels` results `{id, value: {start, end, text, labels: [TAG, …]}}` are spans (one per
//!   label); `choices` and `textarea` results with the same `id` are the span's attributes,
//!   named by their control (`TAG.NAME` as our config names them, or `NAME`), and `note`
//!   is its note; `relation` results `{from_id, to_id, labels: [TYPE], direction}` are
//!   relations (`left` swaps the ends). Region ids are kept as annotation ids.
//! - An annotation's `completed_by.email` becomes the annotator and its `created_at` /
//!   `updated_at` (whole seconds) the times; predictions become suggestions (`status:
//!   suggested`) whose `origin.model` is the prediction's `model_version`.
//! - Offsets: code points. Label Studio's frontend has stored code points since
//!   label-studio-frontend PR #308 (2021, fixing issues #1008 and #1347, where older versions
//!   counted UTF-16 code units as JavaScript does). When a region's `value.text` is not the
//!   text at its offsets read as code points but is the text at those offsets read as UTF-16
//!   code units, they are read as UTF-16 (older exports); otherwise the core refuses the span
//!   as text that does not match.
//! - Reported with the line where the task starts: malformed JSON (the whole file when the
//!   list itself cannot be read), a task without `data.text`, results without offsets or
//!   labels, relations without a type, result types other than these (rectangles, ratings…).

use std::collections::BTreeMap;

use serde_json::Value;

use super::jsonl_import::record_name;
use super::{
    ImportFormat, Importer, Input, Parsed, Record, attr_from_json, import_origin, whole_seconds,
};
use crate::core::{AttrValue, CharRange, ImportRelation, ImportSpan, IndexedText, Status};

/// The `label-studio` importer.
pub struct LabelStudioImport;

/// The byte ranges of the elements of the top-level JSON array in `text` (or of the one
/// top-level object), found without parsing them, so that each element can be parsed and
/// reported on by itself. `Err` holds the byte offset where the structure breaks.
pub(crate) fn elements(text: &str) -> Result<Vec<(usize, usize)>, usize> {
    let b = text.as_bytes();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && (b[*i] as char).is_ascii_whitespace() {
            *i += 1;
        }
    };
    // A UTF-8 BOM before the JSON.
    if text.starts_with('\u{feff}') {
        i = 3;
    }
    skip_ws(&mut i);
    match b.get(i) {
        Some(b'{') => return Ok(vec![(i, b.len())]),
        Some(b'[') => i += 1,
        _ => return Err(i),
    }
    let mut out = Vec::new();
    loop {
        skip_ws(&mut i);
        match b.get(i) {
            Some(b']') => return Ok(out),
            None => return Err(i),
            _ => {}
        }
        let start = i;
        let (mut depth, mut in_str, mut esc) = (0usize, false, false);
        while i < b.len() {
            let c = b[i];
            if in_str {
                match (esc, c) {
                    (true, _) => esc = false,
                    (false, b'\\') => esc = true,
                    (false, b'"') => in_str = false,
                    _ => {}
                }
            } else {
                match c {
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth == 0 => break,
                    b'}' | b']' => depth -= 1,
                    b',' if depth == 0 => break,
                    _ => {}
                }
            }
            i += 1;
        }
        // An element ends at a comma or at the list's `]`; anything else breaks the list.
        if i >= b.len() || i == start || b[i] == b'}' {
            return Err(i);
        }
        out.push((start, i));
        if b[i] == b',' {
            i += 1;
        }
    }
}

fn line_at(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte.min(text.len())]
        .iter()
        .filter(|&&c| c == b'\n')
        .count()
        + 1
}

impl Importer for LabelStudioImport {
    fn read(&self, inputs: &[Input<'_>]) -> Parsed {
        let mut out = Parsed::default();
        for input in inputs {
            let spans = match elements(input.text) {
                Ok(s) => s,
                Err(at) => {
                    out.problem(
                        input.name,
                        line_at(input.text, at),
                        "malformed JSON: not a list of Label Studio tasks",
                    );
                    continue;
                }
            };
            for (k, (start, end)) in spans.into_iter().enumerate() {
                let line = line_at(input.text, start);
                match serde_json::from_str::<Value>(&input.text[start..end]) {
                    Ok(task) => read_task(input, line, k, &task, &mut out),
                    Err(e) => out.problem(
                        input.name,
                        line + e.line().saturating_sub(1),
                        format!("task {}: malformed JSON: {e}", k + 1),
                    ),
                }
            }
        }
        out
    }
}

/// Char offsets of a region: code points, or UTF-16 code units when only that reading gives
/// the region's own text.
fn char_range(text: &IndexedText, start: usize, end: usize, claimed: Option<&str>) -> CharRange {
    let range = CharRange::new(start, end);
    let Some(claimed) = claimed else { return range };
    if text.slice(range) == Some(claimed) {
        return range;
    }
    match (text.utf16_to_char(start), text.utf16_to_char(end)) {
        (Some(s), Some(e)) if text.slice(CharRange::new(s, e)) == Some(claimed) => {
            CharRange::new(s, e)
        }
        _ => range,
    }
}

fn read_task(input: &Input<'_>, line: usize, k: usize, task: &Value, out: &mut Parsed) {
    let name = input.name;
    let task_id = task.get("id").and_then(|v| {
        v.as_u64()
            .map(|n| n.to_string())
            .or(v.as_str().map(str::to_owned))
    });
    let which = match &task_id {
        Some(id) => format!("task {id}"),
        None => format!("task {}", k + 1),
    };
    let Some(text) = task.pointer("/data/text").and_then(Value::as_str) else {
        out.problem(name, line, format!("{which}: no `data.text` string"));
        return;
    };
    let indexed = IndexedText::new(text.to_owned());
    let file = task
        .pointer("/data/file")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| {
            record_name(
                input.relative,
                &task_id.clone().unwrap_or_else(|| format!("{:04}", k + 1)),
            )
        });
    let mut record = Record {
        input: name.to_owned(),
        line,
        file,
        text: text.to_owned(),
        ..Record::default()
    };
    if let Some(labels) = task.pointer("/data/labels").and_then(Value::as_object) {
        for (l, v) in labels {
            if let Some(v) = attr_from_json(v) {
                record.batch.labels.insert(l.clone(), v);
            }
        }
    }
    let empty = Vec::new();
    let list = |key: &str| task.get(key).and_then(Value::as_array).unwrap_or(&empty);
    let groups = list("annotations")
        .iter()
        .map(|a| (a, false))
        .chain(list("predictions").iter().map(|p| (p, true)));
    for (g, (group, predicted)) in groups.enumerate() {
        if group.get("was_cancelled").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let annotator = group
            .pointer("/completed_by/email")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let created = group
            .get("created_at")
            .and_then(Value::as_str)
            .and_then(whole_seconds);
        let modified = group
            .get("updated_at")
            .and_then(Value::as_str)
            .and_then(whole_seconds);
        let model = group.get("model_version").and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or(v.as_u64().map(|n| n.to_string()))
        });
        let results = group
            .get("result")
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        // Region id → positions of its spans in the batch (one per label).
        let mut regions: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let key = |id: &str| format!("{g}:{id}");
        for r in results {
            if r.get("type").and_then(Value::as_str) != Some("labels") {
                continue;
            }
            let id = r.get("id").and_then(Value::as_str).unwrap_or("");
            let value = r.get("value");
            let off = |k: &str| {
                value
                    .and_then(|v| v.get(k))
                    .and_then(Value::as_u64)
                    .and_then(|n| usize::try_from(n).ok())
            };
            let labels: Vec<&str> = value
                .and_then(|v| v.get("labels"))
                .and_then(Value::as_array)
                .map(|l| l.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let (Some(start), Some(end), false) = (off("start"), off("end"), labels.is_empty())
            else {
                out.problem(
                    name,
                    line,
                    format!("{which}: region `{id}` needs numeric `value.start`, `value.end` and `value.labels`"),
                );
                continue;
            };
            let claimed = value.and_then(|v| v.get("text")).and_then(Value::as_str);
            let range = char_range(&indexed, start, end, claimed);
            for (l, tag) in labels.iter().enumerate() {
                let mut origin = import_origin(ImportFormat::LabelStudio, name, which.clone());
                if predicted {
                    origin.model = model.clone();
                }
                let span = ImportSpan {
                    key: if l == 0 {
                        key(id)
                    } else {
                        format!("{}#{l}", key(id))
                    },
                    id: (l == 0 && !id.is_empty()).then(|| id.into()),
                    tag: (*tag).to_owned(),
                    range,
                    text: claimed.map(str::to_owned),
                    annotator: annotator.clone(),
                    created: created.clone(),
                    modified: modified.clone(),
                    status: predicted.then_some(Status::Suggested),
                    origin: Some(origin),
                    ..ImportSpan::default()
                };
                regions
                    .entry(id.to_owned())
                    .or_default()
                    .push(record.batch.spans.len());
                record.batch.spans.push(span);
                record.span_lines.push(line);
            }
        }
        for r in results {
            let ty = r.get("type").and_then(Value::as_str).unwrap_or("");
            let from_name = r.get("from_name").and_then(Value::as_str).unwrap_or("");
            match ty {
                "labels" => {}
                "choices" | "textarea" => {
                    let id = r.get("id").and_then(Value::as_str).unwrap_or("");
                    let Some(at) = regions.get(id) else {
                        out.problem(
                            name,
                            line,
                            format!("{which}: `{ty}` result `{from_name}` is not about a text region (task-level choices are not imported)"),
                        );
                        continue;
                    };
                    let field = if ty == "choices" { "choices" } else { "text" };
                    let values: Vec<String> = r
                        .pointer(&format!("/value/{field}"))
                        .and_then(Value::as_array)
                        .map(|l| l.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                        .unwrap_or_default();
                    for &i in at {
                        let span = &mut record.batch.spans[i];
                        if from_name == "note" {
                            span.note = values.join("\n");
                            continue;
                        }
                        let attr = from_name
                            .strip_prefix(&format!("{}.", span.tag))
                            .unwrap_or(from_name)
                            .to_owned();
                        let value = match (ty, values.as_slice()) {
                            ("choices", [one]) => AttrValue::Text(one.clone()),
                            ("choices", _) => AttrValue::List(values.clone()),
                            _ => AttrValue::Text(values.join("\n")),
                        };
                        span.attributes.insert(attr, value);
                    }
                }
                "relation" => {
                    let ends = (
                        r.get("from_id").and_then(Value::as_str),
                        r.get("to_id").and_then(Value::as_str),
                    );
                    let kind = r
                        .get("labels")
                        .and_then(Value::as_array)
                        .and_then(|l| l.first())
                        .and_then(Value::as_str);
                    let (Some(from), Some(to)) = ends else {
                        out.problem(name, line, format!("{which}: a relation without `from_id` and `to_id`"));
                        continue;
                    };
                    let Some(kind) = kind else {
                        out.problem(
                            name,
                            line,
                            format!("{which}: relation {from} → {to} has no type (`labels`)"),
                        );
                        continue;
                    };
                    let (from, to) = match r.get("direction").and_then(Value::as_str) {
                        Some("left") => (to, from),
                        _ => (from, to),
                    };
                    record.batch.relations.push(ImportRelation {
                        kind: kind.to_owned(),
                        from: key(from),
                        to: key(to),
                        annotator: annotator.clone(),
                        ..ImportRelation::default()
                    });
                    record.relation_lines.push(line);
                }
                other => out.problem(
                    name,
                    line,
                    format!("{which}: `{other}` results are not imported (only text regions, their choices and text areas, and relations)"),
                ),
            }
        }
    }
    out.records.push(record);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_split_top_level_only() {
        let t = "[\n {\"a\": \"x,]}\\\"\"},\n {\"b\": [1, {\"c\": 2}]}\n]";
        let e = elements(t).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(&t[e[0].0..e[0].1], "{\"a\": \"x,]}\\\"\"}");
        assert_eq!(line_at(t, e[1].0), 3);
        assert!(elements("[{\"a\": 1}").is_err());
        assert!(elements("nope").is_err());
        assert!(elements("[}").is_err() && elements("[1,,2]").is_err() && elements("[1}").is_err());
        assert_eq!(elements("{\"data\": {}}").unwrap().len(), 1);
    }

    #[test]
    fn utf16_offsets_of_old_exports_are_recognised() {
        let t = IndexedText::new("🚢 ship it".to_owned());
        assert_eq!(char_range(&t, 2, 6, Some("ship")), CharRange::new(2, 6));
        assert_eq!(char_range(&t, 3, 7, Some("ship")), CharRange::new(2, 6));
        assert_eq!(char_range(&t, 4, 8, Some("ship")), CharRange::new(4, 8));
    }

    #[test]
    fn annotations_predictions_attributes_and_relations() {
        let text = r#"[{"id": 7, "data": {"text": "ab cd"},
          "annotations": [{"completed_by": {"email": "a@x"}, "created_at": "2021-08-23T12:19:18.905800Z",
            "result": [
              {"id": "q", "type": "labels", "value": {"start": 0, "end": 2, "text": "ab", "labels": ["quote"]}},
              {"id": "s", "type": "labels", "value": {"start": 3, "end": 5, "text": "cd", "labels": ["sourcing"]}},
              {"id": "q", "type": "choices", "from_name": "quote.kind", "value": {"start": 0, "end": 2, "choices": ["direct"]}},
              {"id": "q", "type": "textarea", "from_name": "note", "value": {"text": ["hm"]}},
              {"from_id": "s", "to_id": "q", "type": "relation", "direction": "left", "labels": ["attributed_to"]},
              {"id": "z", "type": "rating", "value": {"rating": 3}}
            ]}],
          "predictions": [{"model_version": "m1", "result": [
              {"id": "p", "type": "labels", "value": {"start": 0, "end": 5, "labels": ["claim"]}}]}]},
         {"data": {}}
        ]"#;
        let p = LabelStudioImport.read(&[Input {
            name: "t.json",
            relative: "t.json",
            text,
        }]);
        assert_eq!(p.records.len(), 1);
        let r = &p.records[0];
        assert_eq!(r.file, "t-7.txt");
        let q = &r.batch.spans[0];
        assert_eq!(q.attributes["kind"], AttrValue::Text("direct".into()));
        assert_eq!(
            (q.note.as_str(), q.annotator.as_deref()),
            ("hm", Some("a@x"))
        );
        assert_eq!(q.created.as_deref(), Some("2021-08-23T12:19:18Z"));
        let pred = &r.batch.spans[2];
        assert_eq!(pred.status, Some(Status::Suggested));
        assert_eq!(pred.origin.as_ref().unwrap().model.as_deref(), Some("m1"));
        let rel = &r.batch.relations[0];
        assert_eq!((rel.from.as_str(), rel.to.as_str()), ("0:q", "0:s"));
        let lines: Vec<(usize, bool)> = p
            .problems
            .iter()
            .map(|p| {
                (
                    p.line,
                    p.message.contains("rating") || p.message.contains("data.text"),
                )
            })
            .collect();
        assert_eq!(lines, [(1, true), (13, true)], "{:?}", p.problems);
    }
}
