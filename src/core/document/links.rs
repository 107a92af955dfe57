//! Which annotations a relation may link: the candidates for a new relation's target, nearest
//! first, so linking from the keyboard is one key (and ← / → when the nearest is not it).

use super::*;

impl Document {
    /// The edit that fills the source's `def.fills` attribute from the target of a new
    /// relation (its `entity`, else its text), when the scheme asks for it, the source has the
    /// attribute and nobody set it yet.
    pub(super) fn fill_on_relate(
        &self,
        def: &crate::core::RelationDef,
        from: &Annotation,
        to: &Annotation,
    ) -> Option<Edit> {
        let name = def.fills.as_ref()?;
        let tag = self.scheme.tag(&from.tag)?;
        tag.attribute(name)?;
        let set = from
            .attributes
            .get(name)
            .is_some_and(|v| !v.display().trim().is_empty());
        if set {
            return None;
        }
        // The source's canonical name when it has one ("Arvind Krishna" for "IBM CEO Arvind
        // Krishna"), else its words.
        let value = Some(to.entity.as_str())
            .filter(|e| !e.trim().is_empty())
            .unwrap_or(&to.text)
            .trim()
            .to_owned();
        if value.is_empty() {
            return None;
        }
        let mut after = from.clone();
        after
            .attributes
            .insert(name.clone(), AttrValue::Text(value));
        Some(Edit::UpdateAnnotation {
            before: Box::new(from.clone()),
            after: Box::new(after),
        })
    }

    /// The first relation type the scheme allows from annotation `from` (its tag).
    pub fn first_relation_from(&self, from: &str) -> Option<&str> {
        let a = self.annotation(from)?;
        self.scheme
            .relations_from(&a.tag)
            .next()
            .map(|d| d.kind.as_str())
    }

    /// The annotations a relation of type `kind` from `from` may point at, nearest first
    /// (by distance between the spans, earlier first on ties): the scheme allows the pair,
    /// the target is not `from`, not orphaned, and not already linked from `from` by `kind`.
    pub fn relation_candidates(&self, from: &str, kind: &str) -> Vec<AnnotationId> {
        let (Some(src), Some(def)) = (self.annotation(from), self.scheme.relation(kind)) else {
            return Vec::new();
        };
        let linked: Vec<&str> = self
            .relations_of(from)
            .filter(|r| r.kind == kind && r.from == from)
            .map(|r| r.to.as_str())
            .collect();
        let distance = |a: &Annotation| {
            if a.range.end <= src.range.start {
                src.range.start - a.range.end
            } else {
                a.range.start.saturating_sub(src.range.end)
            }
        };
        let mut out: Vec<&Annotation> = self
            .annotations()
            .iter()
            .filter(|a| {
                a.id != from
                    && a.status != Some(Status::Orphaned)
                    && def.allows(&src.tag, &a.tag)
                    && !linked.contains(&a.id.as_str())
            })
            .collect();
        out.sort_by_key(|a| (distance(a), a.range.start));
        out.into_iter().map(|a| a.id.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::core::{Action, Document, NewId, Scheme};
    use crate::markup;

    #[test]
    fn candidates_are_allowed_targets_nearest_first() {
        let (text, spans) = markup::parse(
            "[sourcing Ana] said “[quote we go]”, [claim costs rose], [sourcing Ben] said.",
        );
        let article = crate::core::Article::from_bytes(
            std::path::Path::new("t.txt"),
            text.as_bytes(),
            &crate::core::LoadOptions::default(),
        )
        .unwrap();
        let mut doc = Document::new(article, Scheme::default_news(), None);
        let mut ids = Vec::new();
        for (tag, range) in spans {
            let id = doc
                .perform(
                    Action::Add {
                        tag,
                        range,
                        attributes: Default::default(),
                        note: String::new(),
                        status: None,
                    },
                    "t",
                )
                .unwrap()
                .and_then(NewId::annotation)
                .unwrap();
            ids.push(id);
        }
        let quote = &ids[1];
        assert_eq!(doc.first_relation_from(quote), Some("attributed_to"));
        // Sourcing spans only (the claim is no target), the nearer first.
        assert_eq!(
            doc.relation_candidates(quote, "attributed_to"),
            vec![ids[0].clone(), ids[3].clone()]
        );
        // Linking fills the quote's speaker from the source's text, in one undo step.
        doc.perform(
            Action::Relate {
                kind: "attributed_to".into(),
                from: quote.clone(),
                to: ids[0].clone(),
                note: String::new(),
            },
            "t",
        )
        .unwrap();
        let speaker = |d: &Document| {
            d.annotation(quote)
                .unwrap()
                .attributes
                .get("speaker")
                .cloned()
        };
        assert_eq!(
            speaker(&doc),
            Some(crate::core::AttrValue::Text("Ana".into()))
        );
        assert!(doc.undo());
        assert_eq!(speaker(&doc), None);
        assert!(doc.relations().is_empty());
        // A speaker someone typed is kept.
        doc.perform(
            Action::SetAttribute {
                id: quote.clone(),
                name: "speaker".into(),
                value: Some(crate::core::AttrValue::Text("A. Lima".into())),
            },
            "t",
        )
        .unwrap();
        doc.perform(
            Action::Relate {
                kind: "attributed_to".into(),
                from: quote.clone(),
                to: ids[3].clone(),
                note: String::new(),
            },
            "t",
        )
        .unwrap();
        assert_eq!(
            speaker(&doc),
            Some(crate::core::AttrValue::Text("A. Lima".into()))
        );
    }
}
