//! `--format csv`: one row per annotation, for spreadsheets and Python's `csv` module.
//!
//! Columns: `file, id, tag, start, end, text`, then one column per attribute the first
//! article's scheme defines (sorted by name), then `other_attributes` (a JSON object of any
//! attribute not in those columns, empty when there is none), `note, annotator, status`.
//! Values: lists joined with `|`, flags `true`/`false`, numbers as written.
//!
//! - Offsets: code points into the article's full text.
//! - Quoting as RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled, so
//!   a span's text with CRLF inside survives exactly when read with `newline=""`.
//! - UTF-8 without a BOM, `\n` row ends; `--excel` adds a BOM and CRLF row ends.
//! - Cannot hold: relations, document labels and front matter (counted in the summary).

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::{ArticleIn, Exporter, Losses, MAIN, Sink, attr_json};
use crate::core::AttrValue;

/// Relations dropped.
pub const RELATIONS: &str = "relation (CSV holds annotations only)";
/// Document labels dropped.
pub const LABELS: &str = "document label (CSV holds annotations only)";

/// The `csv` exporter.
pub struct Csv {
    excel: bool,
    columns: Option<Vec<String>>,
}

impl Csv {
    /// A CSV exporter; `excel` adds a BOM and CRLF row ends.
    pub fn new(excel: bool) -> Csv {
        Csv {
            excel,
            columns: None,
        }
    }

    fn row(&self, out: &mut dyn Write, fields: &[&str]) -> io::Result<()> {
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            write_field(out, f)?;
        }
        out.write_all(if self.excel { b"\r\n" } else { b"\n" })
    }
}

/// Writes one field, quoted when it needs to be.
fn write_field(out: &mut dyn Write, f: &str) -> io::Result<()> {
    if f.contains([',', '"', '\r', '\n']) {
        out.write_all(b"\"")?;
        out.write_all(f.replace('"', "\"\"").as_bytes())?;
        out.write_all(b"\"")
    } else {
        out.write_all(f.as_bytes())
    }
}

fn value_text(v: &AttrValue) -> String {
    match v {
        AttrValue::List(l) => l.join("|"),
        v => v.display(),
    }
}

impl Exporter for Csv {
    fn article(
        &mut self,
        article: &ArticleIn<'_>,
        sink: &mut dyn Sink,
        losses: &mut Losses,
    ) -> io::Result<()> {
        if self.columns.is_none() {
            let names: BTreeSet<String> = article
                .doc
                .scheme
                .tags
                .iter()
                .flat_map(|t| t.attributes.iter().map(|a| a.name.clone()))
                .collect();
            let columns: Vec<String> = names.into_iter().collect();
            let mut header = vec!["file", "id", "tag", "start", "end", "text"];
            header.extend(columns.iter().map(String::as_str));
            header.extend(["other_attributes", "note", "annotator", "status"]);
            let out = sink.file(MAIN)?;
            if self.excel {
                out.write_all("\u{feff}".as_bytes())?;
            }
            self.row(out, &header)?;
            self.columns = Some(columns);
        }
        losses.count(RELATIONS, article.relations.len());
        losses.count(LABELS, article.doc.labels().len());
        let columns = self.columns.clone().unwrap_or_default();
        let out = sink.file(MAIN)?;
        for a in &article.spans {
            let (start, end) = (a.range.start.to_string(), a.range.end.to_string());
            let values: Vec<String> = columns
                .iter()
                .map(|c| a.attributes.get(c).map(value_text).unwrap_or_default())
                .collect();
            let other: serde_json::Map<String, serde_json::Value> = a
                .attributes
                .iter()
                .filter(|(k, _)| !columns.contains(k))
                .map(|(k, v)| (k.clone(), attr_json(v)))
                .collect();
            let other = if other.is_empty() {
                String::new()
            } else {
                serde_json::Value::Object(other).to_string()
            };
            let mut fields = vec![article.relative, &a.id, &a.tag, &start, &end, &a.text];
            fields.extend(values.iter().map(String::as_str));
            fields.extend([
                other.as_str(),
                &a.note,
                &a.annotator,
                a.status.map_or("", |s| s.as_str()),
            ]);
            self.row(out, &fields)?;
        }
        Ok(())
    }

    fn finish(&mut self, sink: &mut dyn Sink, _losses: &mut Losses) -> io::Result<()> {
        if self.columns.is_none() {
            // No article: still a valid CSV with the fixed columns.
            let out = sink.file(MAIN)?;
            let header = [
                "file",
                "id",
                "tag",
                "start",
                "end",
                "text",
                "other_attributes",
                "note",
                "annotator",
                "status",
            ];
            self.row(out, &header)?;
        }
        sink.close(MAIN)
    }
}
