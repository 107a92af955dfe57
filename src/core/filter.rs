//! Which annotations a list shows: one filter for the window's annotation list and
//! `tagline show --annotator` (and later statistics and exports that take the same choices).

use crate::core::model::{Annotation, Status};

/// A choice of annotations: by tag, by annotator, by words, suggestions only. Empty fields let everything
/// through; the default filter keeps every annotation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AnnotationFilter {
    /// Only this tag.
    pub tag: Option<String>,
    /// Only this annotator (`Some("")`: annotations without a name).
    pub annotator: Option<String>,
    /// Only annotations whose text, note or an attribute value contains this, ignoring case
    /// (empty: any).
    pub text: String,
    /// Only suggestions (`status: suggested`) still waiting for a decision.
    pub suggested_only: bool,
}

impl AnnotationFilter {
    /// The annotations of one annotator.
    pub fn by_annotator(annotator: impl Into<String>) -> AnnotationFilter {
        AnnotationFilter {
            annotator: Some(annotator.into()),
            ..AnnotationFilter::default()
        }
    }

    /// A test for one annotation (the query is lowercased once, not per annotation).
    pub fn matcher(&self) -> impl Fn(&Annotation) -> bool + '_ {
        let q = self.text.to_lowercase();
        move |a: &Annotation| {
            self.tag.as_ref().is_none_or(|t| &a.tag == t)
                && (!self.suggested_only || a.status == Some(Status::Suggested))
                && self.annotator.as_ref().is_none_or(|w| &a.annotator == w)
                && (q.is_empty()
                    || a.text.to_lowercase().contains(&q)
                    || a.note.to_lowercase().contains(&q)
                    || a.attributes
                        .values()
                        .any(|v| v.display().to_lowercase().contains(&q)))
        }
    }

    /// `true` when `a` passes.
    pub fn matches(&self, a: &Annotation) -> bool {
        self.matcher()(a)
    }

    /// Positions in `annotations` of those that pass, in order.
    pub fn positions(&self, annotations: &[Annotation]) -> Vec<usize> {
        let keep = self.matcher();
        (0..annotations.len())
            .filter(|&i| keep(&annotations[i]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{AttrValue, Extra};
    use crate::core::text::offsets::CharRange;

    fn ann(tag: &str, who: &str, text: &str, note: &str) -> Annotation {
        Annotation {
            id: Default::default(),
            tag: tag.into(),
            range: CharRange::new(0, 1),
            text: text.into(),
            prefix: String::new(),
            suffix: String::new(),
            attributes: [("speaker".to_owned(), AttrValue::Text("Ms Ortiz".into()))]
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>()
                .into(),
            note: note.into(),
            annotator: who.into(),
            created: String::new(),
            modified: String::new(),
            status: None,
            review: None,
            origin: None,
            entity: String::new(),
            extra: Extra::new(),
        }
    }

    #[test]
    fn filters_by_tag_annotator_and_words() {
        let anns = [
            ann("quote", "ana", "We will build", ""),
            ann("claim", "ben", "Costs rose", "check THE figures"),
            ann("claim", "ana", "Work starts", ""),
        ];
        let all = AnnotationFilter::default();
        assert_eq!(all.positions(&anns), [0, 1, 2]);
        assert_eq!(
            AnnotationFilter::by_annotator("ana").positions(&anns),
            [0, 2]
        );
        let f = AnnotationFilter {
            tag: Some("claim".into()),
            ..AnnotationFilter::default()
        };
        assert_eq!(f.positions(&anns), [1, 2]);
        let words = |t: &str| AnnotationFilter {
            text: t.into(),
            ..AnnotationFilter::default()
        };
        assert_eq!(words("the fig").positions(&anns), [1]);
        assert_eq!(words("ORTIZ").positions(&anns), [0, 1, 2]);
        assert_eq!(words("work").positions(&anns), [2]);
        assert!(!words("nothing").matches(&anns[0]));
        let mut anns = anns;
        anns[1].status = Some(Status::Suggested);
        let suggested = AnnotationFilter {
            suggested_only: true,
            ..AnnotationFilter::default()
        };
        assert_eq!(suggested.positions(&anns), [1]);
    }
}
