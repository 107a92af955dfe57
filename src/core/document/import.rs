//! Planning an [`Action::Import`]: many annotations, relations and labels from another tool
//! become one [`Edit::Batch`] (one undo step), with every item checked as a person's edit
//! would be. Nothing existing is overwritten or duplicated: the same span with the same tag
//! is skipped (relations that name it follow to the annotation already there), an id that is
//! taken gets a fresh one (relations follow too), a label already set keeps its value. What
//! cannot be added is skipped and reported in the [`ImportOutcome`]; the rest goes ahead.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::core::edit::{ImportBatch, ImportItem, ImportOutcome, ImportSkip};
use crate::core::stamps::Stamps;

/// The id an imported item gets: the one it came with when that is not taken, else a fresh
/// one from `stamps` (recorded in `renamed` when it replaces one given). Either is then taken.
fn keep_or_fresh(
    given: Option<String>,
    taken: &mut HashSet<String>,
    renamed: &mut Vec<(String, String)>,
    stamps: &mut dyn Stamps,
) -> String {
    let given = given.filter(|id| !id.is_empty());
    if let Some(id) = given.as_ref().filter(|id| !taken.contains(*id)) {
        taken.insert(id.clone());
        return id.clone();
    }
    let mut id = stamps.new_id();
    for _ in 0..1000 {
        if !taken.contains(&id) {
            break;
        }
        id = stamps.new_id();
    }
    taken.insert(id.clone());
    if let Some(given) = given {
        renamed.push((given, id.clone()));
    }
    id
}

impl Document {
    /// Plans an import without applying it: the batch edit (`None` when nothing is to be
    /// added) and what was added, skipped and renamed.
    ///
    /// Each item is checked as [`Document::apply`] checks it, against the document as the items
    /// before it leave it, so the edit returned applies; in one pass (an import of 10,000
    /// spans costs about as much as opening a sidecar of that size).
    pub fn plan_import(
        &self,
        batch: ImportBatch,
        annotator: &str,
        stamps: &mut dyn Stamps,
    ) -> (Option<Edit>, ImportOutcome) {
        let now = stamps.now();
        let mut edits = Vec::new();
        let mut outcome = ImportOutcome::default();
        // (start, end, tag) → id, for the same-span-and-tag rule.
        let mut present: HashMap<(usize, usize, String), AnnotationId> = self
            .annotations
            .iter()
            .map(|a| ((a.range.start, a.range.end, a.tag.clone()), a.id.clone()))
            .collect();
        // Ids in use, of annotations and relations alike: a new one is neither.
        let mut taken: HashSet<String> = self
            .annotations
            .iter()
            .map(|a| a.id.to_string())
            .chain(self.relations.iter().map(|r| r.id.to_string()))
            .collect();
        // The batch's keys → the id in the document; the batch's new annotations' tags.
        let mut ids: HashMap<String, AnnotationId> = HashMap::new();
        let mut tags: HashMap<AnnotationId, String> = HashMap::new();
        // (type, from, to) → id of the relations there and to come.
        let mut links: HashMap<(String, AnnotationId, AnnotationId), RelationId> = self
            .relations
            .iter()
            .map(|r| ((r.kind.clone(), r.from.clone(), r.to.clone()), r.id.clone()))
            .collect();
        for (i, s) in batch.spans.into_iter().enumerate() {
            let item = ImportItem::Span(i);
            let slot = (s.range.start, s.range.end, s.tag.clone());
            if let Some(existing) = present.get(&slot) {
                ids.insert(s.key.clone(), existing.clone());
                outcome
                    .skipped
                    .push((item, ImportSkip::Duplicate(existing.to_string())));
                continue;
            }
            if s.status == Some(Status::Orphaned) {
                outcome.skipped.push((
                    item,
                    ImportSkip::Refused(EditError::OrphanedByAnchoringOnly),
                ));
                continue;
            }
            let text = match self.checked_text(s.range) {
                Ok(t) => t.to_owned(),
                Err(e) => {
                    outcome.skipped.push((item, ImportSkip::Refused(e)));
                    continue;
                }
            };
            let id = AnnotationId::from(keep_or_fresh(
                s.id.map(String::from),
                &mut taken,
                &mut outcome.renamed,
                stamps,
            ));
            let created = s.created.unwrap_or_else(|| now.clone());
            let ann = Annotation {
                id: id.clone(),
                tag: s.tag,
                range: s.range,
                // The claimed text, so that apply's check refuses a mismatch.
                text: s.text.unwrap_or(text),
                prefix: self
                    .article
                    .text
                    .before(s.range.start, CONTEXT_CHARS)
                    .to_owned(),
                suffix: self
                    .article
                    .text
                    .after(s.range.end, CONTEXT_CHARS)
                    .to_owned(),
                attributes: s.attributes.into(),
                note: s.note,
                annotator: s.annotator.unwrap_or_else(|| annotator.to_owned()),
                modified: s.modified.unwrap_or_else(|| created.clone()),
                created,
                status: s.status,
                review: None,
                origin: s.origin.map(Box::new),
                entity: s.entity,
                extra: Extra::new(),
            };
            let edit = Edit::AddAnnotation(ann);
            // The id is fresh (`taken`), so the document's own check sees it as the batch will.
            match self.check(&edit) {
                Ok(()) => {
                    tags.insert(id.clone(), slot.2.clone());
                    present.insert(slot, id.clone());
                    ids.insert(s.key, id);
                    edits.push(edit);
                    outcome.spans += 1;
                }
                Err(e) => {
                    taken.remove(id.as_str());
                    outcome.skipped.push((item, ImportSkip::Refused(e)));
                }
            }
        }
        let resolve = |key: &str| -> Option<AnnotationId> {
            ids.get(key)
                .cloned()
                .or_else(|| self.annotation(key).map(|a| a.id.clone()))
        };
        for (i, r) in batch.relations.into_iter().enumerate() {
            let item = ImportItem::Relation(i);
            let (Some(from), Some(to)) = (resolve(&r.from), resolve(&r.to)) else {
                let missing = if resolve(&r.from).is_none() {
                    r.from
                } else {
                    r.to
                };
                outcome.skipped.push((
                    item,
                    ImportSkip::Refused(EditError::NoSuchAnnotation(missing.into())),
                ));
                continue;
            };
            if let Some(existing) = links.get(&(r.kind.clone(), from.clone(), to.clone())) {
                outcome
                    .skipped
                    .push((item, ImportSkip::Duplicate(existing.to_string())));
                continue;
            }
            if let Err(e) = self.check_link(&r.kind, &from, &to, &tags) {
                outcome.skipped.push((item, ImportSkip::Refused(e)));
                continue;
            }
            let id = RelationId::from(keep_or_fresh(
                r.id.map(String::from),
                &mut taken,
                &mut outcome.renamed,
                stamps,
            ));
            links.insert((r.kind.clone(), from.clone(), to.clone()), id.clone());
            edits.push(Edit::AddRelation(Relation {
                id,
                kind: r.kind,
                from,
                to,
                annotator: r.annotator.unwrap_or_else(|| annotator.to_owned()),
                note: r.note,
                extra: Extra::new(),
            }));
            outcome.relations += 1;
        }
        for (name, value) in batch.labels {
            let item = ImportItem::Label(name.clone());
            if self.scheme.label(&name).is_none() {
                outcome.skipped.push((item, ImportSkip::UnknownLabel));
                continue;
            }
            match self.labels.get(&name) {
                Some(v) if *v == value => {
                    outcome
                        .skipped
                        .push((item, ImportSkip::Duplicate(name.clone())));
                    continue;
                }
                Some(v) => {
                    outcome
                        .skipped
                        .push((item, ImportSkip::LabelKept(v.clone())));
                    continue;
                }
                None => {}
            }
            let edit = Edit::SetLabel {
                name,
                before: None,
                after: Some(value),
            };
            match self.check(&edit) {
                Ok(()) => {
                    edits.push(edit);
                    outcome.labels += 1;
                }
                Err(e) => outcome.skipped.push((item, ImportSkip::Refused(e))),
            }
        }
        let edit = match edits.len() {
            0 => None,
            _ => Some(Edit::Batch(edits)),
        };
        (edit, outcome)
    }

    /// [`Document::check_relation`] for ends that may be annotations of the batch (`tags`: their
    /// ids and tags) as well as of the document.
    fn check_link(
        &self,
        kind: &str,
        from: &str,
        to: &str,
        tags: &HashMap<AnnotationId, String>,
    ) -> Result<(), EditError> {
        let tag_of = |id: &str| {
            tags.get(id)
                .cloned()
                .or_else(|| self.annotation(id).map(|a| a.tag.clone()))
                .ok_or_else(|| EditError::NoSuchAnnotation(id.into()))
        };
        let (ft, tt) = (tag_of(from)?, tag_of(to)?);
        if from == to {
            return Err(EditError::SelfRelation);
        }
        let Some(def) = self.scheme.relation(kind) else {
            let known: Vec<&str> = self
                .scheme
                .relations
                .iter()
                .map(|r| r.kind.as_str())
                .collect();
            return Err(EditError::UnknownRelation {
                kind: kind.to_owned(),
                known: known.join(", "),
            });
        };
        if !def.allows(&ft, &tt) {
            return Err(EditError::RelationNotAllowed {
                kind: kind.to_owned(),
                allowed_from: super::check::or_any(&def.from),
                allowed_to: super::check::or_any(&def.to),
                from_tag: ft,
                to_tag: tt,
            });
        }
        Ok(())
    }

    /// Imports `batch` as one undo step (see [`Document::plan_import`]) and says what was
    /// added and skipped. Nothing to add is not an error: the outcome says so.
    pub fn import_with(
        &mut self,
        batch: ImportBatch,
        annotator: &str,
        stamps: &mut dyn Stamps,
    ) -> Result<ImportOutcome, EditError> {
        let (edit, outcome) = self.plan_import(batch, annotator, stamps);
        if let Some(edit) = edit {
            self.apply(edit)?;
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::core::FixedStamps;
    use crate::core::edit::{ImportRelation, ImportSpan};
    use proptest::prelude::*;

    const TEXT: &str = "The minister said “we will build it” on Monday. 🚢 Critics disagree.";

    fn doc() -> Document {
        let article =
            Article::from_bytes(Path::new("a.txt"), TEXT.as_bytes(), &LoadOptions::default())
                .unwrap();
        Document::new(article, Scheme::default_news(), None)
    }

    fn span(key: &str, tag: &str, start: usize, end: usize) -> ImportSpan {
        ImportSpan {
            key: key.into(),
            id: Some(key.into()),
            tag: tag.into(),
            range: CharRange::new(start, end),
            ..ImportSpan::default()
        }
    }

    fn find(needle: &str) -> (usize, usize) {
        let chars: Vec<char> = TEXT.chars().collect();
        let n: Vec<char> = needle.chars().collect();
        let at = (0..chars.len())
            .find(|&i| chars[i..].starts_with(&n))
            .unwrap();
        (at, at + n.len())
    }

    fn batch() -> ImportBatch {
        let (qs, qe) = find("we will build it");
        let (ss, se) = find("The minister");
        ImportBatch {
            spans: vec![
                ImportSpan {
                    annotator: Some("ann".into()),
                    created: Some("2020-01-02T03:04:05Z".into()),
                    text: Some("we will build it".into()),
                    ..span("q1", "quote", qs, qe)
                },
                span("s1", "sourcing", ss, se),
            ],
            relations: vec![ImportRelation {
                id: Some("r1".into()),
                kind: "attributed_to".into(),
                from: "q1".into(),
                to: "s1".into(),
                ..ImportRelation::default()
            }],
            labels: [("status".to_owned(), AttrValue::Text("done".into()))].into(),
        }
    }

    #[test]
    fn one_undo_step_keeps_ids_annotators_and_times() {
        let mut d = doc();
        let mut stamps = FixedStamps::new("2026-01-01T00:00:00Z");
        let out = d.import_with(batch(), "me", &mut stamps).unwrap();
        assert_eq!((out.spans, out.relations, out.labels), (2, 1, 1), "{out:?}");
        let q = d.annotation("q1").unwrap();
        assert_eq!(
            (q.annotator.as_str(), q.created.as_str()),
            ("ann", "2020-01-02T03:04:05Z")
        );
        assert_eq!(q.modified, q.created);
        let s = d.annotation("s1").unwrap();
        assert_eq!(
            (s.annotator.as_str(), s.created.as_str()),
            ("me", "2026-01-01T00:00:00Z")
        );
        assert_eq!(d.relations()[0].id, "r1");
        assert_eq!(d.undo_label().unwrap(), "import 2 annotation(s)");
        assert!(d.undo());
        assert!(d.annotations().is_empty() && d.relations().is_empty() && d.labels().is_empty());
        assert!(!d.can_undo());
    }

    #[test]
    fn twice_adds_nothing_and_collisions_get_fresh_ids() {
        let mut d = doc();
        let mut stamps = FixedStamps::new("2026-01-01T00:00:00Z");
        d.import_with(batch(), "me", &mut stamps).unwrap();
        let again = d.import_with(batch(), "me", &mut stamps).unwrap();
        assert!(again.is_empty(), "{again:?}");
        assert!(
            again.skipped.iter().all(|(_, s)| s.is_duplicate()),
            "{again:?}"
        );
        assert_eq!(d.annotations().len(), 2);
        // The same ids on other spans: fresh ids, and the relation follows them.
        let (a, b) = find("Critics");
        let (c, e) = find("Monday");
        let other = ImportBatch {
            spans: vec![span("q1", "claim", a, b), span("s1", "sourcing", c, e)],
            relations: vec![ImportRelation {
                kind: "attributed_to".into(),
                from: "q1".into(),
                to: "s1".into(),
                ..ImportRelation::default()
            }],
            labels: [("status".to_owned(), AttrValue::Text("todo".into()))].into(),
        };
        let out = d.import_with(other, "me", &mut stamps).unwrap();
        assert_eq!((out.spans, out.relations, out.labels), (2, 1, 0), "{out:?}");
        assert_eq!(out.renamed.len(), 2);
        assert!(matches!(
            out.skipped[..],
            [(ImportItem::Label(_), ImportSkip::LabelKept(_))]
        ));
        let r = d.relations().iter().find(|r| r.id != "r1").unwrap();
        assert_eq!(d.annotation(&r.from).unwrap().text, "Critics");
        assert_eq!(d.labels()["status"], AttrValue::Text("done".into()));
    }

    #[test]
    fn bad_records_are_skipped_and_the_rest_imported() {
        let mut d = doc();
        let mut stamps = FixedStamps::new("2026-01-01T00:00:00Z");
        let (a, b) = find("Critics");
        let n = TEXT.chars().count();
        let bad = ImportBatch {
            spans: vec![
                span("ok", "claim", a, b),
                span("far", "claim", n - 1, n + 5),
                ImportSpan {
                    text: Some("Critiqs".into()),
                    ..span("mismatch", "quote", a, b)
                },
                span("tag", "nosuchtag", a, b),
            ],
            relations: vec![ImportRelation {
                kind: "attributed_to".into(),
                from: "far".into(),
                to: "ok".into(),
                ..ImportRelation::default()
            }],
            labels: [("nosuch".to_owned(), AttrValue::Bool(true))].into(),
        };
        let out = d.import_with(bad, "me", &mut stamps).unwrap();
        assert_eq!(out.spans, 1);
        let reasons: Vec<String> = out.skipped.iter().map(|(_, s)| format!("{s:?}")).collect();
        assert!(reasons[0].contains("BadRange"), "{reasons:?}");
        assert!(reasons[1].contains("TextMismatch"), "{reasons:?}");
        assert!(reasons[2].contains("UnknownTag"), "{reasons:?}");
        assert!(reasons[3].contains("NoSuchAnnotation"), "{reasons:?}");
        assert!(reasons[4].contains("UnknownLabel"), "{reasons:?}");
    }

    #[test]
    fn a_refused_addition_in_a_run_rolls_the_whole_batch_back() {
        let mut d = doc();
        let mut stamps = FixedStamps::new("2026-01-01T00:00:00Z");
        d.import_with(batch(), "me", &mut stamps).unwrap();
        let before = d.to_sidecar();
        let mut a = d.annotation("q1").unwrap().clone();
        a.id = "new".into();
        let mut b = a.clone();
        b.id = "s1".into(); // taken
        let bad = Edit::Batch(vec![
            Edit::SetLabel {
                name: "comment".into(),
                before: None,
                after: Some(AttrValue::Text("x".into())),
            },
            Edit::AddAnnotation(a.clone()),
            Edit::AddAnnotation(b),
        ]);
        assert_eq!(d.apply(bad), Err(EditError::DuplicateId("s1".into())));
        assert_eq!(d.to_sidecar(), before);
        let mut c = a.clone();
        c.id = "new".into(); // twice in one run
        let twice = Edit::Batch(vec![Edit::AddAnnotation(a), Edit::AddAnnotation(c)]);
        assert_eq!(d.apply(twice), Err(EditError::DuplicateId("new".into())));
        assert_eq!(d.to_sidecar(), before);
    }

    proptest! {
        /// Any import, applied then undone, leaves the document exactly as it was; redone, as
        /// the import left it; and importing it again adds nothing.
        #[test]
        fn undo_restores_exactly(
            spans in proptest::collection::vec((0usize..80, 0usize..12, 0usize..5, any::<bool>()), 0..20),
            rels in proptest::collection::vec((0usize..20, 0usize..20), 0..10),
        ) {
            let tags = ["claim", "quote", "stance", "sourcing", "nope"];
            let mut d = doc();
            let mut stamps = FixedStamps::new("2026-01-01T00:00:00Z");
            d.perform_with(Action::Add {
                tag: "claim".into(), range: CharRange::new(0, 3), attributes: Default::default(),
                note: String::new(), status: None,
            }, "me", &mut stamps).unwrap();
            let before = d.to_sidecar();
            let batch = ImportBatch {
                spans: spans.iter().enumerate().map(|(i, &(s, l, t, keep))| ImportSpan {
                    id: keep.then(|| format!("a{:04}", i % 3 + 1).into()),
                    ..span(&format!("k{i}"), tags[t], s, s + l)
                }).collect(),
                relations: rels.iter().map(|&(f, t)| ImportRelation {
                    kind: "attributed_to".into(), from: format!("k{f}"), to: format!("k{t}"),
                    ..ImportRelation::default()
                }).collect(),
                labels: Default::default(),
            };
            let out = d.import_with(batch.clone(), "me", &mut stamps).unwrap();
            let after = d.to_sidecar();
            if !out.is_empty() {
                prop_assert!(d.undo());
                prop_assert_eq!(d.to_sidecar(), before);
                prop_assert!(d.redo());
                prop_assert_eq!(d.to_sidecar(), after.clone());
            }
            let again = d.import_with(batch, "me", &mut stamps).unwrap();
            prop_assert_eq!(again.spans + again.relations, 0);
            prop_assert_eq!(d.to_sidecar(), after);
        }
    }
}
