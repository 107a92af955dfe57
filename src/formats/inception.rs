//! `--format inception`: a folder of UIMA CAS JSON 0.4.0 files, one per article
//! (`RELATIVE.json`), INCEpTION's recommended import format, read by dkpro-cassis too.
//!
//! - Each file embeds its type system (`%TYPES`): one span layer `webanno.custom.Tagline`
//!   (supertype `uima.tcas.Annotation`) with the features `label` (the tag), `taglineId`,
//!   `note`, `annotator`, `status` and one per attribute of the first article's scheme
//!   (`uima.cas.Boolean` for flags, `uima.cas.String` otherwise, lists joined with `|`); and
//!   one relation layer `webanno.custom.TaglineRelation` with `Governor` (from) and `Dependent`
//!   (to) pointing at spans, `label` (the relation type) and `taglineId`, placed on its
//!   dependent as INCEpTION places relations.
//! - The sofa is the article's full text; `begin`/`end` are **UTF-16 code units** (UIMA's
//!   Java offsets), converted through [`crate::core::TextIndex`].
//! - A feature whose name UIMA reserves (`begin`, `end`, `sofa`) or that clashes with the
//!   fixed ones is named `attr_NAME`; characters other than letters, digits and `_` become `_`.
//! - Cannot hold: attributes a later article's scheme adds (counted), document labels and
//!   front matter (counted), timestamps.

use std::collections::BTreeMap;
use std::io;

use serde_json::{Map, Value, json};

use super::{ArticleIn, Exporter, Losses, Sink, json_line};
use crate::core::scheme::AttrKind;
use crate::core::{AttrValue, Scheme};

/// The span layer.
pub const SPAN_TYPE: &str = "webanno.custom.Tagline";
/// The relation layer.
pub const RELATION_TYPE: &str = "webanno.custom.TaglineRelation";
/// Attributes outside the type system.
pub const UNTYPED: &str = "attribute value not in the first article's scheme (no feature)";
/// Labels dropped.
pub const LABELS: &str = "document label (not exported to INCEpTION)";

const FIXED: [&str; 8] = [
    "label",
    "taglineId",
    "note",
    "annotator",
    "status",
    "begin",
    "end",
    "sofa",
];

/// The feature name of attribute `name`.
pub fn feature_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if FIXED.contains(&clean.as_str()) || clean.starts_with(|c: char| c.is_ascii_digit()) {
        format!("attr_{clean}")
    } else {
        clean
    }
}

/// The `inception` exporter.
#[derive(Default)]
pub struct Inception {
    /// Attribute name → (feature name, is a flag), from the first article's scheme.
    features: Option<BTreeMap<String, (String, bool)>>,
}

fn features_of(scheme: &Scheme) -> BTreeMap<String, (String, bool)> {
    let mut out: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for t in &scheme.tags {
        for a in &t.attributes {
            let flag = a.kind == AttrKind::Bool;
            out.entry(a.name.clone())
                .and_modify(|e| e.1 &= flag)
                .or_insert((feature_name(&a.name), flag));
        }
    }
    out
}

fn feature(name: &str, range: &str) -> Value {
    json!({"%NAME": name, "%RANGE": range})
}

fn types(features: &BTreeMap<String, (String, bool)>) -> Value {
    let mut span = Map::new();
    span.insert("%NAME".into(), json!(SPAN_TYPE));
    span.insert("%SUPER_TYPE".into(), json!("uima.tcas.Annotation"));
    for f in ["label", "taglineId", "note", "annotator", "status"] {
        span.insert(f.into(), feature(f, "uima.cas.String"));
    }
    for (feat, flag) in features.values() {
        let range = if *flag {
            "uima.cas.Boolean"
        } else {
            "uima.cas.String"
        };
        span.insert(feat.clone(), feature(feat, range));
    }
    let relation = json!({
        "%NAME": RELATION_TYPE,
        "%SUPER_TYPE": "uima.tcas.Annotation",
        "Governor": feature("Governor", SPAN_TYPE),
        "Dependent": feature("Dependent", SPAN_TYPE),
        "label": feature("label", "uima.cas.String"),
        "taglineId": feature("taglineId", "uima.cas.String"),
    });
    json!({SPAN_TYPE: span, RELATION_TYPE: relation})
}

/// The output file of an article.
pub fn file_name(relative: &str) -> String {
    format!("{relative}.json")
}

impl Exporter for Inception {
    fn article(
        &mut self,
        article: &ArticleIn<'_>,
        sink: &mut dyn Sink,
        losses: &mut Losses,
    ) -> io::Result<()> {
        let features = self
            .features
            .get_or_insert_with(|| features_of(&article.doc.scheme));
        losses.count(LABELS, article.doc.labels().len());
        let text = &article.doc.article.text;
        let utf16 = |c: usize| text.char_to_utf16(c).unwrap_or(0);
        let mut fs = vec![json!({
            "%ID": 1, "%TYPE": "uima.cas.Sofa", "sofaNum": 1, "sofaID": "_InitialView",
            "mimeType": "text", "sofaString": article.text(),
        })];
        let mut ids = BTreeMap::new();
        let mut members = Vec::new();
        let mut next = 2u64;
        for a in &article.spans {
            let mut m = Map::new();
            m.insert("%ID".into(), json!(next));
            m.insert("%TYPE".into(), json!(SPAN_TYPE));
            m.insert("@sofa".into(), json!(1));
            m.insert("begin".into(), json!(utf16(a.range.start)));
            m.insert("end".into(), json!(utf16(a.range.end)));
            m.insert("label".into(), json!(a.tag));
            m.insert("taglineId".into(), json!(a.id));
            if !a.note.is_empty() {
                m.insert("note".into(), json!(a.note));
            }
            if !a.annotator.is_empty() {
                m.insert("annotator".into(), json!(a.annotator));
            }
            if let Some(s) = a.status {
                m.insert("status".into(), json!(s.as_str()));
            }
            for (name, v) in &a.attributes {
                match (features.get(name), v) {
                    (Some((feat, true)), AttrValue::Bool(b)) => {
                        m.insert(feat.clone(), json!(b));
                    }
                    (Some((_, true)), _) | (None, _) => losses.count(UNTYPED, 1),
                    (Some((feat, false)), AttrValue::List(l)) => {
                        m.insert(feat.clone(), json!(l.join("|")));
                    }
                    (Some((feat, false)), v) => {
                        m.insert(feat.clone(), json!(v.display()));
                    }
                }
            }
            fs.push(Value::Object(m));
            ids.insert(a.id.as_str(), (next, a.range));
            members.push(next);
            next += 1;
        }
        for r in &article.relations {
            if let (Some((from, _)), Some((to, range))) =
                (ids.get(r.from.as_str()), ids.get(r.to.as_str()))
            {
                fs.push(json!({
                    "%ID": next, "%TYPE": RELATION_TYPE, "@sofa": 1,
                    "begin": utf16(range.start), "end": utf16(range.end),
                    "@Governor": from, "@Dependent": to, "label": r.kind, "taglineId": r.id,
                }));
                members.push(next);
                next += 1;
            }
        }
        let cas = json!({
            "%TYPES": types(features),
            "%FEATURE_STRUCTURES": fs,
            "%VIEWS": {"_InitialView": {"%SOFA": 1, "%MEMBERS": members}},
        });
        let name = file_name(article.relative);
        json_line(sink.file(&name)?, &cas)?;
        sink.close(&name)
    }

    fn finish(&mut self, _sink: &mut dyn Sink, _losses: &mut Losses) -> io::Result<()> {
        Ok(())
    }
}
