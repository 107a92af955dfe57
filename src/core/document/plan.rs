//! Planning: a person's [`Action`] is checked against the document and its scheme and turned
//! into the [`Edit`] that does it, without applying anything. [`Document::apply`] then applies
//! the edit; a plan that fails changes nothing.

use super::*;
use crate::core::edit::ValueError;
use crate::core::stamps::{Stamps, SystemStamps};

impl Document {
    /// Checks an action and builds its edit without applying it, stamped with the real clock
    /// and a random id ([`Document::plan_with`] takes them from the caller).
    pub fn plan(
        &self,
        action: Action,
        annotator: &str,
    ) -> Result<(Edit, Option<NewId>), EditError> {
        self.plan_with(action, annotator, &mut SystemStamps)
    }

    /// [`Document::plan`] with times and new ids from `stamps`.
    #[expect(
        clippy::expect_used,
        reason = "the vector has the one edit pushed above"
    )]
    pub fn plan_with(
        &self,
        action: Action,
        annotator: &str,
        stamps: &mut dyn Stamps,
    ) -> Result<(Edit, Option<NewId>), EditError> {
        let now = stamps.now();
        let update = |id: &str, change: &dyn Fn(&mut Annotation) -> Result<(), EditError>| {
            let before = self
                .annotation(id)
                .ok_or_else(|| EditError::NoSuchAnnotation(id.into()))?;
            let mut after = before.clone();
            change(&mut after)?;
            if after == *before {
                return Err(EditError::NoChange);
            }
            after.modified = now.clone();
            Ok((
                Edit::UpdateAnnotation {
                    before: Box::new(before.clone()),
                    after: Box::new(after),
                },
                None,
            ))
        };
        match action {
            Action::Add {
                tag,
                range,
                attributes,
                note,
                status,
            } => {
                let def = self
                    .scheme
                    .tag(&tag)
                    .ok_or_else(|| self.unknown_tag(&tag))?;
                if status == Some(Status::Orphaned) {
                    return Err(EditError::OrphanedByAnchoringOnly);
                }
                // The span must hold text (on_text takes it from the article).
                self.checked_text(range)?;
                let mut attrs: BTreeMap<String, AttrValue> = def
                    .attributes
                    .iter()
                    .filter_map(|a| a.default.clone().map(|d| (a.name.clone(), d)))
                    .collect();
                for (name, value) in attributes {
                    self.check_attribute(&tag, &name, &value)?;
                    attrs.insert(name, value);
                }
                let id: AnnotationId = self.fresh_id(stamps)?;
                let ann = Annotation {
                    attributes: attrs.into(),
                    note,
                    annotator: annotator.to_owned(),
                    created: now.clone(),
                    modified: now,
                    status,
                    ..Annotation::on_text(&self.article.text, id.clone(), tag, range)
                };
                Ok((Edit::AddAnnotation(ann), Some(NewId::Annotation(id))))
            }
            Action::Remove { id } => {
                let ann = self
                    .annotation(&id)
                    .ok_or_else(|| EditError::NoSuchAnnotation(id.clone()))?;
                let mut edits: Vec<Edit> = self
                    .relations_of(&id)
                    .cloned()
                    .map(Edit::RemoveRelation)
                    .collect();
                edits.push(Edit::RemoveAnnotation(ann.clone()));
                Ok((
                    if edits.len() == 1 {
                        edits.pop().expect("one edit")
                    } else {
                        Edit::Batch(edits)
                    },
                    None,
                ))
            }
            Action::Retag { id, tag } => {
                let Some(def) = self.scheme.tag(&tag) else {
                    return Err(self.unknown_tag(&tag));
                };
                // A retag may not leave a relation the scheme forbids (a linked quote made a
                // stance): the person removes the link first.
                for r in self.relations_of(&id) {
                    let tag_of = |x: &str| {
                        if x == id {
                            Some(tag.clone())
                        } else {
                            self.annotation(x).map(|a| a.tag.clone())
                        }
                    };
                    let (Some(ft), Some(tt), Some(rd)) = (
                        tag_of(&r.from),
                        tag_of(&r.to),
                        self.scheme.relation(&r.kind),
                    ) else {
                        continue;
                    };
                    if !rd.allows(&ft, &tt) {
                        return Err(EditError::RelationNotAllowed {
                            kind: r.kind.clone(),
                            allowed_from: super::check::or_any(&rd.from),
                            allowed_to: super::check::or_any(&rd.to),
                            from_tag: ft,
                            to_tag: tt,
                        });
                    }
                }
                // The new tag's attributes, in one step: what it defines is kept, its defaults
                // fill what is missing, and the old tag's other attributes go.
                update(&id, &|a| {
                    let old = std::mem::take(&mut a.attributes);
                    for attr in &def.attributes {
                        let kept = old
                            .get(&attr.name)
                            .filter(|v| check_value(attr.kind, &attr.values, v).is_ok());
                        if let Some(v) = kept.or(attr.default.as_ref()) {
                            a.attributes.insert(attr.name.clone(), v.clone());
                        }
                    }
                    a.tag = tag.clone();
                    Ok(())
                })
            }
            Action::SetAttribute { id, name, value } => {
                let tag = self
                    .annotation(&id)
                    .map(|a| a.tag.clone())
                    .ok_or_else(|| EditError::NoSuchAnnotation(id.clone()))?;
                if let Some(v) = &value {
                    self.check_attribute(&tag, &name, v)?;
                }
                update(&id, &|a| {
                    match &value {
                        Some(v) => a.attributes.insert(name.clone(), v.clone()),
                        None => a.attributes.remove(&name),
                    };
                    Ok(())
                })
            }
            Action::SetNote { id, note } => update(&id, &|a| {
                a.note = note.clone();
                Ok(())
            }),
            Action::SetStatus { id, status } => update(&id, &|a| {
                // Only re-anchoring orphans an annotation or brings it back: a status set by
                // hand would leave offsets that do not hold the text, or claim they do not.
                if status == Some(Status::Orphaned) || a.status == Some(Status::Orphaned) {
                    return Err(EditError::OrphanedByAnchoringOnly);
                }
                a.status = status;
                Ok(())
            }),
            Action::SetEntity { id, entity } => {
                let entity = entity.trim().to_owned();
                update(&id, &|a| {
                    a.entity = entity.clone();
                    Ok(())
                })
            }
            Action::AcceptAllSuggestions => {
                let edits: Vec<Edit> = self
                    .annotations()
                    .iter()
                    .filter(|a| a.status == Some(Status::Suggested))
                    .map(|a| {
                        let mut after = a.clone();
                        after.status = None;
                        after.modified = now.clone();
                        Edit::UpdateAnnotation {
                            before: Box::new(a.clone()),
                            after: Box::new(after),
                        }
                    })
                    .collect();
                if edits.is_empty() {
                    return Err(EditError::NoChange);
                }
                Ok((Edit::Batch(edits), None))
            }
            Action::KeepReviewed { id } => update(&id, &|a| {
                if a.is_orphaned() {
                    return Err(EditError::OrphanedByAnchoringOnly);
                }
                a.review = None;
                Ok(())
            }),
            Action::Resize { id, range } => {
                let text = self.checked_text(range)?.to_owned();
                update(&id, &|a| {
                    a.review = None;
                    a.range = range;
                    a.text = text.clone();
                    a.prefix = self
                        .article
                        .text
                        .before(range.start, CONTEXT_CHARS)
                        .to_owned();
                    a.suffix = self.article.text.after(range.end, CONTEXT_CHARS).to_owned();
                    if a.status == Some(Status::Orphaned) {
                        a.status = None;
                    }
                    Ok(())
                })
            }
            Action::Relate {
                kind,
                from,
                to,
                note,
            } => {
                let (def, a, b) = self.check_relation(&kind, &from, &to)?;
                if self
                    .relations
                    .iter()
                    .any(|r| r.kind == kind && r.from == from && r.to == to)
                {
                    return Err(EditError::NoChange);
                }
                let fill = self.fill_on_relate(def, a, b);
                let id: RelationId = self.fresh_id(stamps)?;
                let relation = Edit::AddRelation(Relation {
                    id: id.clone(),
                    kind,
                    from,
                    to,
                    annotator: annotator.to_owned(),
                    note,
                    extra: Extra::new(),
                });
                let edit = match fill {
                    // One undo step: the link and the attribute it filled.
                    Some(fill) => Edit::Batch(vec![relation, fill]),
                    None => relation,
                };
                Ok((edit, Some(NewId::Relation(id))))
            }
            Action::Unrelate { id } => {
                let r = self
                    .relations
                    .iter()
                    .find(|r| r.id == id)
                    .ok_or_else(|| EditError::NoSuchRelation(id.clone()))?;
                Ok((Edit::RemoveRelation(r.clone()), None))
            }
            Action::Import(batch) => match self.plan_import(batch, annotator, stamps) {
                (Some(edit), _) => Ok((edit, None)),
                (None, _) => Err(EditError::NoChange),
            },
            Action::SetLabel { name, value } => {
                if let (Some(def), Some(v)) = (self.scheme.label(&name), &value) {
                    check_value(def.kind, &def.values, v).map_err(|reason| {
                        EditError::BadLabel {
                            name: name.clone(),
                            reason,
                        }
                    })?;
                }
                let before = self.labels.get(&name).cloned();
                if before == value {
                    return Err(EditError::NoChange);
                }
                Ok((
                    Edit::SetLabel {
                        name,
                        before,
                        after: value,
                    },
                    None,
                ))
            }
        }
    }

    pub(super) fn unknown_tag(&self, tag: &str) -> EditError {
        EditError::UnknownTag {
            tag: tag.to_owned(),
            known: self
                .scheme
                .tags
                .iter()
                .map(|t| t.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    pub(super) fn checked_text(&self, range: CharRange) -> Result<&str, EditError> {
        let bad = EditError::BadRange {
            range,
            len: self.article.len_chars(),
        };
        if range.is_empty() {
            return Err(bad);
        }
        self.article.text.slice(range).ok_or(bad)
    }

    pub(super) fn check_attribute(
        &self,
        tag: &str,
        name: &str,
        value: &AttrValue,
    ) -> Result<(), EditError> {
        let Some(def) = self.scheme.tag(tag).and_then(|t| t.attribute(name)) else {
            return Err(EditError::NoSuchAttribute {
                tag: tag.to_owned(),
                name: name.to_owned(),
            });
        };
        check_value(def.kind, &def.values, value).map_err(|reason| EditError::BadAttribute {
            name: name.to_owned(),
            reason,
        })
    }

    /// A new id from `stamps` that no annotation or relation uses yet (an [`AnnotationId`] or
    /// a [`RelationId`], as the caller needs).
    fn fresh_id<Id: From<String>>(&self, stamps: &mut dyn Stamps) -> Result<Id, EditError> {
        let mut id = stamps.new_id();
        // A source that keeps repeating itself is refused rather than asked forever.
        for _ in 0..1000 {
            if self.position(&id).is_none() && !self.relations.iter().any(|r| r.id == id) {
                return Ok(id.into());
            }
            id = stamps.new_id();
        }
        Err(EditError::DuplicateId(id.into()))
    }
}

/// Checks a value against an attribute or label definition.
pub fn check_value(kind: AttrKind, values: &[String], value: &AttrValue) -> Result<(), ValueError> {
    match (kind, value) {
        (AttrKind::Choice, AttrValue::Text(s)) if values.is_empty() || values.contains(s) => Ok(()),
        (AttrKind::Choice, other) => Err(ValueError::NotOneOf {
            value: other.display(),
            allowed: values.to_vec(),
        }),
        (AttrKind::Bool, AttrValue::Bool(_)) => Ok(()),
        (AttrKind::Bool, other) => Err(ValueError::NotBool(other.display())),
        (AttrKind::Text, AttrValue::Text(_)) => Ok(()),
        (AttrKind::Text, other) => Err(ValueError::NotText(other.display())),
    }
}
