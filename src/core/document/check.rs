//! Checking an [`Edit`] before it is applied: [`Document::apply`] refuses what
//! [`Document::plan`] would never build — an annotation whose text is not the article's at its
//! span, an unknown tag, a duplicate id, a relation the scheme does not allow or to a missing
//! annotation, an edit made against a state the document is no longer in. Imports, merges and
//! tests that build edits by hand get the same guarantees as a person's actions.

use super::*;
use crate::core::scheme::RelationDef;

impl Document {
    /// Checks `edit` against the document as it is, then applies it; a batch is checked and
    /// applied step by step and rolled back whole when a step is refused.
    pub(super) fn apply_checked(&mut self, edit: &Edit) -> Result<(), EditError> {
        match edit {
            Edit::Batch(edits) if edits.is_empty() => Err(EditError::NoChange),
            Edit::Batch(edits) => {
                let mut done = 0;
                while done < edits.len() {
                    let n = super::bulk_run(&edits[done..]);
                    let step = match &edits[done] {
                        // Many additions (an import): each checked, then applied at once.
                        Edit::AddAnnotation(_) | Edit::AddRelation(_) if n > 1 => {
                            let run = &edits[done..done + n];
                            self.check_additions(run)
                                .and_then(|()| self.apply_run(run))
                                .map(|()| n)
                        }
                        single => self.apply_checked(single).map(|()| 1),
                    };
                    match step {
                        Ok(k) => done += k,
                        Err(err) => {
                            if done > 0 {
                                self.apply_inner(&Edit::Batch(edits[..done].to_vec()).invert())
                                    .ok();
                            }
                            return Err(err);
                        }
                    }
                }
                Ok(())
            }
            single => {
                self.check(single)?;
                self.apply_inner(single)
            }
        }
    }

    /// Checks a run of additions of one kind as [`Document::check`] checks each, as if the ones
    /// before it in the run were applied (their ids are taken), in one pass.
    fn check_additions(&self, run: &[Edit]) -> Result<(), EditError> {
        use std::collections::HashSet;
        let mut ids: HashSet<&str> = HashSet::new();
        let relation_ids: HashSet<&str> = match run.first() {
            Some(Edit::AddRelation(_)) => self.relations.iter().map(|r| r.id.as_str()).collect(),
            _ => HashSet::new(),
        };
        for e in run {
            match e {
                Edit::AddAnnotation(a) => {
                    if !ids.insert(a.id.as_str()) {
                        return Err(EditError::DuplicateId(a.id.clone()));
                    }
                    self.check(e)?;
                }
                Edit::AddRelation(r) => {
                    if relation_ids.contains(r.id.as_str()) || !ids.insert(r.id.as_str()) {
                        return Err(EditError::DuplicateRelationId(r.id.clone()));
                    }
                    self.check_relation(&r.kind, &r.from, &r.to)?;
                }
                other => self.check(other)?,
            }
        }
        Ok(())
    }

    /// Checks one edit (not a batch) against the document as it is now.
    pub(super) fn check(&self, edit: &Edit) -> Result<(), EditError> {
        match edit {
            Edit::AddAnnotation(a) => {
                if self.position(&a.id).is_some() {
                    return Err(EditError::DuplicateId(a.id.clone()));
                }
                if self.scheme.tag(&a.tag).is_none() {
                    return Err(self.unknown_tag(&a.tag));
                }
                self.check_holds_text(a)?;
                for (name, value) in a.attributes.iter() {
                    self.check_known_attribute(&a.tag, name, value)?;
                }
                Ok(())
            }
            Edit::RemoveAnnotation(a) => {
                self.check_current(a)?;
                if self.relations_of(&a.id).next().is_some() {
                    return Err(EditError::HasRelations(a.id.clone()));
                }
                Ok(())
            }
            Edit::UpdateAnnotation { before, after } => {
                self.check_current(before)?;
                if after.id != before.id {
                    return Err(EditError::IdChange {
                        before: before.id.clone(),
                        after: after.id.clone(),
                    });
                }
                if after.tag != before.tag && self.scheme.tag(&after.tag).is_none() {
                    return Err(self.unknown_tag(&after.tag));
                }
                if after.range != before.range
                    || after.text != before.text
                    || after.status != before.status
                {
                    self.check_holds_text(after)?;
                }
                // Only changed values are checked: a note edit must not fail on an old
                // sidecar's odd value.
                for (name, value) in after.attributes.iter() {
                    if before.attributes.get(name) != Some(value) {
                        self.check_known_attribute(&after.tag, name, value)?;
                    }
                }
                Ok(())
            }
            Edit::AddRelation(r) => {
                if self.relations.iter().any(|x| x.id == r.id) {
                    return Err(EditError::DuplicateRelationId(r.id.clone()));
                }
                self.check_relation(&r.kind, &r.from, &r.to).map(|_| ())
            }
            Edit::RemoveRelation(r) => match self.relations.iter().find(|x| x.id == r.id) {
                Some(x) if x == r => Ok(()),
                Some(_) => Err(EditError::StaleRelation(r.id.clone())),
                None => Err(EditError::NoSuchRelation(r.id.clone())),
            },
            Edit::SetLabel {
                name,
                before,
                after,
            } => {
                if self.labels.get(name) != before.as_ref() {
                    return Err(EditError::StaleLabel(name.clone()));
                }
                if let (Some(def), Some(v)) = (self.scheme.label(name), after) {
                    check_value(def.kind, &def.values, v).map_err(|reason| {
                        EditError::BadLabel {
                            name: name.clone(),
                            reason,
                        }
                    })?;
                }
                Ok(())
            }
            Edit::Batch(_) => Ok(()),
        }
    }

    /// A value of an attribute the tag defines fits its definition. Names the tag does not
    /// define pass: an older sidecar may carry them (undoing its removal brings them back),
    /// and validation only warns about them.
    fn check_known_attribute(
        &self,
        tag: &str,
        name: &str,
        value: &AttrValue,
    ) -> Result<(), EditError> {
        match self.scheme.tag(tag).and_then(|t| t.attribute(name)) {
            Some(_) => self.check_attribute(tag, name, value),
            None => Ok(()),
        }
    }

    /// The annotation is in the document exactly as `a` says.
    fn check_current(&self, a: &Annotation) -> Result<(), EditError> {
        match self.annotation(&a.id) {
            None => Err(EditError::NoSuchAnnotation(a.id.clone())),
            Some(now) if now != a => Err(EditError::StaleAnnotation(a.id.clone())),
            Some(_) => Ok(()),
        }
    }

    /// An annotation that is not orphaned holds its text: the article has `a.text` at
    /// `a.range`.
    fn check_holds_text(&self, a: &Annotation) -> Result<(), EditError> {
        if a.status == Some(Status::Orphaned) {
            return Ok(());
        }
        let actual = self.checked_text(a.range)?;
        if actual != a.text {
            return Err(EditError::TextMismatch {
                id: a.id.clone(),
                range: a.range,
                claimed: a.text.clone(),
                actual: actual.to_owned(),
            });
        }
        Ok(())
    }

    /// A `kind` relation may go from annotation `from` to annotation `to`: both exist, they
    /// differ, and the scheme has the type and allows it between their tags.
    /// Returns the relation type and the two annotations.
    pub(super) fn check_relation(
        &self,
        kind: &str,
        from: &str,
        to: &str,
    ) -> Result<(&RelationDef, &Annotation, &Annotation), EditError> {
        let a = self
            .annotation(from)
            .ok_or_else(|| EditError::NoSuchAnnotation(from.into()))?;
        let b = self
            .annotation(to)
            .ok_or_else(|| EditError::NoSuchAnnotation(to.into()))?;
        if from == to {
            return Err(EditError::SelfRelation);
        }
        let def = self.scheme.relation(kind).ok_or_else(|| {
            let known: Vec<_> = self
                .scheme
                .relations
                .iter()
                .map(|r| r.kind.as_str())
                .collect();
            EditError::UnknownRelation {
                kind: kind.to_owned(),
                known: known.join(", "),
            }
        })?;
        if !def.allows(&a.tag, &b.tag) {
            return Err(EditError::RelationNotAllowed {
                kind: kind.to_owned(),
                allowed_from: or_any(&def.from),
                allowed_to: or_any(&def.to),
                from_tag: a.tag.clone(),
                to_tag: b.tag.clone(),
            });
        }
        Ok((def, a, b))
    }
}

pub(super) fn or_any(tags: &[String]) -> String {
    if tags.is_empty() {
        "any tag".to_owned()
    } else {
        tags.join("/")
    }
}
