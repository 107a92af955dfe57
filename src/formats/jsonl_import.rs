//! `import --format jsonl`: JSON lines, one article per line, in any of three shapes (told
//! apart per line by their fields):
//!
//! - **ours** (what `tagline export --format jsonl` writes): `{"text", "meta": {"file",
//!   "labels"}, "spans": [{"start", "end", "label", "id", "text", "attributes", "annotator",
//!   "status", "note"}], "relations": [{"id", "type", "from", "to"}]}` — everything comes back:
//!   ids, annotators, attributes, notes, status, relations and document labels. The export
//!   holds no timestamps, so annotations get the import's time.
//! - **doccano**: `{"text", "label": [[start, end, "TAG"], …]}` (sequence labelling), or
//!   `{"text", "entities": [{"id", "start_offset", "end_offset", "label"}], "relations":
//!   [{"id", "from_id", "to_id", "type"}]}` (relation extraction). A `label` list of plain
//!   strings (text classification) holds no spans and is reported.
//! - **Prodigy**: `{"text", "spans": [{"start", "end", "label"}], "answer", "relations":
//!   [{"head_span", "child_span", "label"}]}`; records whose `answer` is not `accept` are
//!   reported and not imported; relations find their spans by offsets.
//!
//! Offsets: code points (Python `str` indexes), half-open, in all three. The article's name is
//! `meta.file` when the line has one (ours), else `STEM-LINE.txt` after the input's name.
//! Reported per line: malformed JSON, a line without `text`, spans without numeric offsets or
//! a label, unknown statuses; the core then refuses (and the face reports) spans outside the
//! text, text that does not match, unknown tags and relations the scheme does not allow.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{ImportFormat, Importer, Input, Parsed, Record, attr_from_json, import_origin};
use crate::core::{CharRange, ImportRelation, ImportSpan, Status};

/// The `jsonl` importer.
pub struct JsonlImport;

/// `STEM-N.txt` for record `n` of the input named `relative`.
pub(crate) fn record_name(relative: &str, n: &str) -> String {
    let stem = match relative.rfind('.') {
        Some(dot) if !relative[dot..].contains('/') => &relative[..dot],
        _ => relative,
    };
    format!("{stem}-{n}.txt")
}

fn offset(v: Option<&Value>) -> Option<usize> {
    v.and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

fn id_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Importer for JsonlImport {
    fn read(&self, inputs: &[Input<'_>]) -> Parsed {
        let mut out = Parsed::default();
        for input in inputs {
            let text = input.text.strip_prefix('\u{feff}').unwrap_or(input.text);
            for (i, line) in text.split('\n').enumerate() {
                let line = line.strip_suffix('\r').unwrap_or(line);
                if line.trim().is_empty() {
                    continue;
                }
                let n = i + 1;
                match serde_json::from_str::<Value>(line) {
                    Ok(Value::Object(obj)) => read_line(input, n, &obj, &mut out),
                    Ok(_) => out.problem(input.name, n, "not a JSON object"),
                    Err(e) => out.problem(input.name, n, format!("malformed JSON: {e}")),
                }
            }
        }
        out
    }
}

fn read_line(input: &Input<'_>, n: usize, obj: &Map<String, Value>, out: &mut Parsed) {
    let name = input.name;
    let Some(text) = obj
        .get("text")
        .or_else(|| obj.get("data"))
        .and_then(Value::as_str)
    else {
        out.problem(name, n, "no `text` string");
        return;
    };
    if let Some(answer) = obj.get("answer").and_then(Value::as_str)
        && answer != "accept"
    {
        out.problem(
            name,
            n,
            format!("Prodigy answer `{answer}`: not imported (only accepted answers are)"),
        );
        return;
    }
    let meta = obj.get("meta").and_then(Value::as_object);
    let file = meta
        .and_then(|m| m.get("file"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| record_name(input.relative, &format!("{n:04}")));
    let mut record = Record {
        input: name.to_owned(),
        line: n,
        file,
        text: text.to_owned(),
        ..Record::default()
    };
    let origin = || {
        Some(import_origin(
            ImportFormat::Jsonl,
            name,
            format!("line {n}"),
        ))
    };
    let mut by_offsets: HashMap<(usize, usize), String> = HashMap::new();
    let mut push = |record: &mut Record, span: ImportSpan| {
        by_offsets
            .entry((span.range.start, span.range.end))
            .or_insert_with(|| span.key.clone());
        record.batch.spans.push(span);
        record.span_lines.push(n);
    };
    // Ours and Prodigy: `spans` objects.
    if let Some(spans) = obj.get("spans") {
        let Some(spans) = spans.as_array() else {
            out.problem(name, n, "`spans` is not a list");
            return;
        };
        for (k, s) in spans.iter().enumerate() {
            let (Some(start), Some(end), Some(label)) = (
                offset(s.get("start")),
                offset(s.get("end")),
                s.get("label").and_then(Value::as_str),
            ) else {
                out.problem(
                    name,
                    n,
                    format!("span {}: needs numeric `start`, `end` and a `label`", k + 1),
                );
                continue;
            };
            let id = id_text(s.get("id"));
            let status = match s.get("status") {
                None | Some(Value::Null) => None,
                Some(Value::String(v)) if v == "suggested" => Some(Status::Suggested),
                Some(Value::String(v)) if v == "uncertain" => Some(Status::Uncertain),
                Some(Value::String(v)) if v == "orphaned" => Some(Status::Orphaned),
                Some(other) => {
                    out.problem(name, n, format!("span {}: unknown status {other}", k + 1));
                    continue;
                }
            };
            let mut attributes = std::collections::BTreeMap::new();
            if let Some(attrs) = s.get("attributes").and_then(Value::as_object) {
                for (k2, v) in attrs {
                    match attr_from_json(v) {
                        Some(v) => {
                            attributes.insert(k2.clone(), v);
                        }
                        None => out.problem(
                            name,
                            n,
                            format!("span {}: attribute `{k2}` has an unusable value", k + 1),
                        ),
                    }
                }
            }
            let span = ImportSpan {
                key: id.clone().unwrap_or_else(|| format!("#{k}")),
                id: id.map(Into::into),
                tag: label.to_owned(),
                range: CharRange::new(start, end),
                text: s.get("text").and_then(Value::as_str).map(str::to_owned),
                attributes,
                note: s
                    .get("note")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                annotator: s
                    .get("annotator")
                    .and_then(Value::as_str)
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned),
                status,
                origin: origin(),
                entity: s
                    .get("entity")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                ..ImportSpan::default()
            };
            push(&mut record, span);
        }
    }
    // doccano sequence labelling: `label: [[start, end, "TAG"]]`.
    if let Some(labels) = obj.get("label") {
        let items = labels.as_array().map(Vec::as_slice).unwrap_or_default();
        if !labels.is_array() || items.iter().any(|i| !i.is_array()) {
            out.problem(
                name,
                n,
                "`label` is not a list of [start, end, \"TAG\"] spans (document categories \
                 are not imported)",
            );
        }
        for (k, item) in items.iter().enumerate() {
            let Some(triple) = item.as_array() else {
                continue;
            };
            let (Some(start), Some(end), Some(tag)) = (
                offset(triple.first()),
                offset(triple.get(1)),
                triple.get(2).and_then(Value::as_str),
            ) else {
                out.problem(
                    name,
                    n,
                    format!("label {}: expected [start, end, \"TAG\"]", k + 1),
                );
                continue;
            };
            let span = ImportSpan {
                key: format!("label#{k}"),
                tag: tag.to_owned(),
                range: CharRange::new(start, end),
                origin: origin(),
                ..ImportSpan::default()
            };
            push(&mut record, span);
        }
    }
    // doccano relation extraction: `entities` with `start_offset`/`end_offset`.
    if let Some(entities) = obj.get("entities").and_then(Value::as_array) {
        for (k, e) in entities.iter().enumerate() {
            let (Some(start), Some(end), Some(tag)) = (
                offset(e.get("start_offset")),
                offset(e.get("end_offset")),
                e.get("label").and_then(Value::as_str),
            ) else {
                out.problem(
                    name,
                    n,
                    format!(
                        "entity {}: needs numeric `start_offset`, `end_offset` and a `label`",
                        k + 1
                    ),
                );
                continue;
            };
            let span = ImportSpan {
                key: id_text(e.get("id")).unwrap_or_else(|| format!("entity#{k}")),
                tag: tag.to_owned(),
                range: CharRange::new(start, end),
                origin: origin(),
                ..ImportSpan::default()
            };
            push(&mut record, span);
        }
    }
    if let Some(relations) = obj.get("relations").and_then(Value::as_array) {
        for (k, r) in relations.iter().enumerate() {
            let ends =
                if let (Some(from), Some(to)) = (id_text(r.get("from")), id_text(r.get("to"))) {
                    Some((from, to)) // ours
                } else if let (Some(from), Some(to)) =
                    (id_text(r.get("from_id")), id_text(r.get("to_id")))
                {
                    Some((from, to)) // doccano
                } else {
                    // Prodigy: the spans by their offsets.
                    let at = |key: &str| {
                        let s = r.get(key)?;
                        by_offsets
                            .get(&(offset(s.get("start"))?, offset(s.get("end"))?))
                            .cloned()
                    };
                    at("head_span").zip(at("child_span"))
                };
            let kind = r
                .get("type")
                .or_else(|| r.get("label"))
                .and_then(Value::as_str);
            let (Some((from, to)), Some(kind)) = (ends, kind) else {
                out.problem(
                    name,
                    n,
                    format!("relation {}: its ends or its type cannot be read", k + 1),
                );
                continue;
            };
            let keeps_id = r.get("from").is_some();
            record.batch.relations.push(ImportRelation {
                id: if keeps_id {
                    id_text(r.get("id")).map(Into::into)
                } else {
                    None
                },
                kind: kind.to_owned(),
                from,
                to,
                ..ImportRelation::default()
            });
            record.relation_lines.push(n);
        }
    }
    if let Some(labels) = meta
        .and_then(|m| m.get("labels"))
        .and_then(Value::as_object)
    {
        for (k, v) in labels {
            match attr_from_json(v) {
                Some(v) => {
                    record.batch.labels.insert(k.clone(), v);
                }
                None => out.problem(name, n, format!("label `{k}` has an unusable value")),
            }
        }
    }
    out.records.push(record);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Parsed {
        JsonlImport.read(&[Input {
            name: "in/x.jsonl",
            relative: "x.jsonl",
            text,
        }])
    }

    #[test]
    fn three_shapes_and_bad_lines() {
        let p = read(concat!(
            r#"{"text": "ab cd", "meta": {"file": "a.txt", "labels": {"status": "done"}}, "spans": [{"start": 0, "end": 2, "label": "quote", "id": "q", "text": "ab", "attributes": {"kind": "direct"}, "annotator": "ann", "status": "uncertain", "note": "n"}, {"start": 3, "end": 5, "label": "sourcing", "id": "s"}], "relations": [{"id": "r", "type": "attributed_to", "from": "q", "to": "s"}]}"#,
            "\n\n",
            r#"{"text": "ab cd", "label": [[0, 2, "claim"], [3, 5, "quote"]]}"#,
            "\r\n",
            r#"{"text": "ab cd", "spans": [{"start": 0, "end": 2, "label": "claim"}, {"start": 3, "end": 5, "label": "sourcing"}], "relations": [{"head_span": {"start": 0, "end": 2}, "child_span": {"start": 3, "end": 5}, "label": "attributed_to"}], "answer": "accept"}"#,
            "\n",
            r#"{"text": "x", "answer": "reject"}"#,
            "\n{not json\n",
            r#"{"text": "x", "label": ["POSITIVE"]}"#,
            "\n",
        ));
        assert_eq!(p.records.len(), 4, "{p:?}");
        let ours = &p.records[0];
        assert_eq!(ours.file, "a.txt");
        assert_eq!(ours.batch.spans[0].id.as_deref(), Some("q"));
        assert_eq!(ours.batch.spans[0].status, Some(Status::Uncertain));
        assert_eq!(ours.batch.relations[0].id.as_deref(), Some("r"));
        assert_eq!(ours.batch.labels.len(), 1);
        let doccano = &p.records[1];
        assert_eq!((doccano.line, doccano.file.as_str()), (3, "x-0003.txt"));
        assert_eq!(doccano.batch.spans[1].tag, "quote");
        let prodigy = &p.records[2];
        assert_eq!(prodigy.batch.relations[0].from, "#0");
        assert_eq!(prodigy.batch.relations[0].to, "#1");
        let lines: Vec<usize> = p.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [5, 6, 7], "{:?}", p.problems);
        assert!(p.problems[1].message.contains("malformed JSON"));
    }
}
