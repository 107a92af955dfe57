//! Three-way merge of sidecars, for git's merge driver (`tagline merge-driver`): the common
//! ancestor (`base`), this branch (`ours`) and the other branch (`theirs`) become one sidecar,
//! never with conflict markers.
//!
//! Annotations and relations are matched by id (an id used twice in one file is matched by
//! its occurrence: the second `x` with the second `x`), and each is merged field by field
//! against the base: what only one side changed is taken from that side, what both changed the
//! same way is taken once. Then:
//!
//! | case | result |
//! |---|---|
//! | added on one side, or on both alike | kept |
//! | deleted on one side, unchanged on the other | deleted |
//! | changed on both sides, different fields | one annotation with both changes |
//! | changed on both sides, the same field differently | both versions: ours keeps its id, theirs gets a new one; each has `review: {"reason": "merge", "other": <the other's id>}` |
//! | deleted on one side, changed on the other | the changed version, with `review: {"reason": "merge-deleted"}` |
//! | a relation whose annotation the merge deleted | dropped |
//! | a relation changed differently on both sides | both versions (theirs under a new id), reported |
//! | a document label changed differently on both sides | ours in `labels`, theirs in the top-level `merge: {"labels": {…}}` |
//! | a label deleted on one side and changed on the other | the changed value |
//! | `scheme`, `article` fields, unknown fields changed differently | ours |
//!
//! `modified` is not a conflict: when both sides changed it, the later time wins. New ids are
//! derived from a hash of what they name, never from a clock or randomness, so the same three
//! inputs always give the same bytes. Unknown fields, at every level, are carried like known
//! ones (per key).

use std::collections::{BTreeMap, HashMap, HashSet};

use sha2::{Digest, Sha256};

use super::model::{
    Annotation, AnnotationId, Attributes, Extra, MergeRecord, Relation, RelationId, Review,
    ReviewReason, id_from_bits,
};
use super::sidecar::{ArticleRef, SidecarData};

/// What [`merge3`] made, and what in it needs a person.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeOutcome {
    /// The merged sidecar content (annotations sorted by `(start, end, id)`, relations by id).
    pub merged: SidecarData,
    /// What the merge could not decide alone, in a stable order; empty for a clean merge.
    pub conflicts: Vec<MergeConflict>,
    /// Relations dropped because the merge deleted an annotation they link (ids, sorted).
    pub dropped_relations: Vec<RelationId>,
}

impl MergeOutcome {
    /// `true` when nothing needs review (git's clean merge).
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty()
    }
}

/// Which branch of a merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// This branch (git's `%A`).
    Ours,
    /// The other branch (git's `%B`).
    Theirs,
}

impl Side {
    /// `ours` or `theirs`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Ours => "ours",
            Side::Theirs => "theirs",
        }
    }
}

/// One thing a merge left for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergeConflict {
    /// The same annotation changed differently on both sides: `ours` is ours, `theirs` the new
    /// id of theirs. Both carry a `merge` review.
    Annotation {
        /// Our version's id (the original id).
        ours: AnnotationId,
        /// Their version's new id.
        theirs: AnnotationId,
        /// The fields both sides changed differently.
        fields: Vec<&'static str>,
    },
    /// An annotation deleted on one side and changed on the other, kept with a
    /// `merge-deleted` review.
    DeletedChanged {
        /// The annotation.
        id: AnnotationId,
        /// The side that deleted it.
        deleted_by: Side,
    },
    /// The same relation changed differently on both sides: ours keeps its id, theirs got
    /// `theirs`.
    Relation {
        /// Our version's id.
        ours: RelationId,
        /// Their version's new id.
        theirs: RelationId,
    },
    /// A document label both sides set differently: ours kept, theirs under `merge.labels`.
    Label {
        /// The label.
        name: String,
    },
}

impl std::fmt::Display for MergeConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MergeConflict::Annotation {
                ours,
                theirs,
                fields,
            } => write!(
                f,
                "annotation {ours} changed on both branches ({}): theirs kept as {theirs}, both marked for review",
                fields.join(", ")
            ),
            MergeConflict::DeletedChanged { id, deleted_by } => write!(
                f,
                "annotation {id} deleted on {} and changed on {}: kept, marked for review",
                deleted_by.as_str(),
                match deleted_by {
                    Side::Ours => Side::Theirs,
                    Side::Theirs => Side::Ours,
                }
                .as_str()
            ),
            MergeConflict::Relation { ours, theirs } => write!(
                f,
                "relation {ours} changed on both branches: theirs kept as {theirs}"
            ),
            MergeConflict::Label { name } => write!(
                f,
                "document label `{name}` set differently on both branches: ours kept, theirs under \"merge\""
            ),
        }
    }
}

/// Merges two descendants of `base`. Pure: no clock, no randomness, no I/O.
pub fn merge3(base: &SidecarData, ours: &SidecarData, theirs: &SidecarData) -> MergeOutcome {
    let mut ids = IdSource::new([base, ours, theirs]);
    let mut conflicts = Vec::new();

    // ----- annotations
    let mut annotations = Vec::new();
    for key in keys(
        [&base.annotations, &ours.annotations, &theirs.annotations],
        |a| &a.id,
    ) {
        let b = key.base.map(|i| &base.annotations[i]);
        let o = key.ours.map(|i| &ours.annotations[i]);
        let t = key.theirs.map(|i| &theirs.annotations[i]);
        match (b, o, t) {
            (_, None, None) => {}
            (None, Some(x), None) | (None, None, Some(x)) => annotations.push(x.clone()),
            (Some(b), Some(o), None) | (Some(b), None, Some(o)) => {
                if o != b {
                    let deleted_by = if key.ours.is_none() {
                        Side::Ours
                    } else {
                        Side::Theirs
                    };
                    let mut kept = o.clone();
                    kept.review = Some(Box::new(Review::new(ReviewReason::MergeDeleted)));
                    conflicts.push(MergeConflict::DeletedChanged {
                        id: kept.id.clone(),
                        deleted_by,
                    });
                    annotations.push(kept);
                }
            }
            (b, Some(o), Some(t)) => match merge_annotation(b, o, t) {
                Ok(a) => annotations.push(a),
                Err(fields) => {
                    let mut mine = o.clone();
                    let mut other = t.clone();
                    other.id = ids.fresh(&format!("{t:?}"));
                    let review = |other: &AnnotationId| {
                        let mut r = Review::new(ReviewReason::Merge);
                        r.other = Some(other.clone());
                        Some(Box::new(r))
                    };
                    mine.review = review(&other.id);
                    other.review = review(&mine.id);
                    conflicts.push(MergeConflict::Annotation {
                        ours: mine.id.clone(),
                        theirs: other.id.clone(),
                        fields,
                    });
                    annotations.push(mine);
                    annotations.push(other);
                }
            },
        }
    }
    annotations.sort_by(|a, b| {
        (a.range.start, a.range.end, &a.id).cmp(&(b.range.start, b.range.end, &b.id))
    });

    // ----- relations
    let mut relations = Vec::new();
    for key in keys([&base.relations, &ours.relations, &theirs.relations], |r| {
        &r.id
    }) {
        let b = key.base.map(|i| &base.relations[i]);
        let o = key.ours.map(|i| &ours.relations[i]);
        let t = key.theirs.map(|i| &theirs.relations[i]);
        match (b, o, t) {
            (_, None, None) => {}
            (None, Some(x), None) | (None, None, Some(x)) => relations.push(x.clone()),
            // Deleted on one side: honoured unless the other changed it.
            (Some(b), Some(x), None) | (Some(b), None, Some(x)) => {
                if x != b {
                    relations.push(x.clone());
                }
            }
            (b, Some(o), Some(t)) => match merge_relation(b, o, t) {
                Some(r) => relations.push(r),
                None => {
                    let mut other = t.clone();
                    other.id = ids.fresh(&format!("{t:?}"));
                    conflicts.push(MergeConflict::Relation {
                        ours: o.id.clone(),
                        theirs: other.id.clone(),
                    });
                    relations.push(o.clone());
                    relations.push(other);
                }
            },
        }
    }
    // A relation to an annotation the merge deleted goes with it; one that pointed nowhere
    // before the merge is left for validation to report.
    let kept: HashSet<&str> = annotations.iter().map(|a| a.id.as_str()).collect();
    let known: HashSet<&str> = [base, ours, theirs]
        .iter()
        .flat_map(|s| s.annotations.iter().map(|a| a.id.as_str()))
        .collect();
    let gone = |id: &str| !kept.contains(id) && known.contains(id);
    let mut dropped_relations = Vec::new();
    relations.retain(|r| {
        let drop = gone(&r.from) || gone(&r.to);
        if drop {
            dropped_relations.push(r.id.clone());
        }
        !drop
    });
    dropped_relations.sort();
    relations.sort_by(|a, b| a.id.cmp(&b.id));

    // ----- labels: ours wins a conflict; theirs is recorded under `merge`
    let mut merge_labels = merge_map(
        &base.merge.labels,
        &ours.merge.labels,
        &theirs.merge.labels,
        |_, o, _| o,
    );
    let mut label_conflicts = Vec::new();
    let labels = merge_map(&base.labels, &ours.labels, &theirs.labels, |name, o, t| {
        match (o, t) {
            (Some(o), Some(t)) => {
                merge_labels.insert(name.to_owned(), t.clone());
                label_conflicts.push(MergeConflict::Label {
                    name: name.to_owned(),
                });
                Some(o)
            }
            // Deleted on one side, changed on the other: the changed value.
            (o, t) => o.or(t),
        }
    });
    conflicts.extend(label_conflicts);

    let merged = SidecarData {
        article: ArticleRef {
            file: pick_or_ours(&base.article.file, &ours.article.file, &theirs.article.file),
            sha256: pick_or_ours(
                &base.article.sha256,
                &ours.article.sha256,
                &theirs.article.sha256,
            ),
            chars: pick_or_ours(
                &base.article.chars,
                &ours.article.chars,
                &theirs.article.chars,
            ),
            encoding: pick_or_ours(
                &base.article.encoding,
                &ours.article.encoding,
                &theirs.article.encoding,
            ),
            extra: merge_extra(
                &base.article.extra,
                &ours.article.extra,
                &theirs.article.extra,
            ),
        },
        scheme: pick_or_ours(&base.scheme, &ours.scheme, &theirs.scheme),
        labels,
        annotations,
        relations,
        merge: MergeRecord {
            labels: merge_labels,
            extra: merge_extra(&base.merge.extra, &ours.merge.extra, &theirs.merge.extra),
        },
        adjudication: pick_or_ours(&base.adjudication, &ours.adjudication, &theirs.adjudication),
        extra: merge_extra(&base.extra, &ours.extra, &theirs.extra),
    };
    MergeOutcome {
        merged,
        conflicts,
        dropped_relations,
    }
}

/// The three-way choice for one value: `Some` when at most one side changed it or both
/// changed it alike, `None` when both changed it differently.
fn pick<'a, T: PartialEq + ?Sized>(b: &'a T, o: &'a T, t: &'a T) -> Option<&'a T> {
    if o == t || t == b {
        Some(o)
    } else if o == b {
        Some(t)
    } else {
        None
    }
}

/// [`pick`], ours when both changed.
fn pick_or_ours<T: PartialEq + Clone>(b: &T, o: &T, t: &T) -> T {
    pick(b, o, t).unwrap_or(o).clone()
}

/// Merges maps key by key; `conflict(key, ours, theirs)` decides keys both sides changed
/// differently (`None` removes the key).
fn merge_map<'a, V: PartialEq + Clone>(
    b: &'a BTreeMap<String, V>,
    o: &'a BTreeMap<String, V>,
    t: &'a BTreeMap<String, V>,
    mut conflict: impl FnMut(&str, Option<&'a V>, Option<&'a V>) -> Option<&'a V>,
) -> BTreeMap<String, V> {
    let names: std::collections::BTreeSet<&String> =
        b.keys().chain(o.keys()).chain(t.keys()).collect();
    let mut out = BTreeMap::new();
    for name in names {
        let (bv, ov, tv) = (b.get(name), o.get(name), t.get(name));
        let v = match pick(&bv, &ov, &tv) {
            Some(v) => *v,
            None => conflict(name, ov, tv),
        };
        if let Some(v) = v {
            out.insert(name.clone(), v.clone());
        }
    }
    out
}

/// Merges unknown fields key by key, in ours' order then theirs' new keys; ours wins a
/// conflict, except that a field deleted on one side and changed on the other is kept.
fn merge_extra(b: &Extra, o: &Extra, t: &Extra) -> Extra {
    if o == b {
        return t.clone();
    }
    if t == b || o == t {
        return o.clone();
    }
    let mut out = Extra::new();
    for name in o.keys().chain(t.keys().filter(|k| !o.contains_key(*k))) {
        let (bv, ov, tv) = (b.get(name), o.get(name), t.get(name));
        let v = match pick(&bv, &ov, &tv) {
            Some(v) => *v,
            None => ov.or(tv),
        };
        if let Some(v) = v {
            out.insert(name.clone(), v.clone());
        }
    }
    out
}

/// Merges [`Attributes`] name by name; `Err` when both sides changed one differently.
fn merge_attributes(b: &Attributes, o: &Attributes, t: &Attributes) -> Result<Attributes, ()> {
    let names: std::collections::BTreeSet<&String> =
        b.keys().chain(o.keys()).chain(t.keys()).collect();
    let mut out = Attributes::new();
    for name in names {
        let (bv, ov, tv) = (b.get(name), o.get(name), t.get(name));
        if let Some(v) = *pick(&bv, &ov, &tv).ok_or(())? {
            out.insert(name.clone(), v.clone());
        }
    }
    Ok(out)
}

/// Merges one annotation present on both sides; `Err` names the fields both changed
/// differently.
fn merge_annotation(
    b: Option<&Annotation>,
    o: &Annotation,
    t: &Annotation,
) -> Result<Annotation, Vec<&'static str>> {
    if o == t {
        return Ok(o.clone());
    }
    let Some(b) = b else {
        // Added on both sides, differently: nothing to merge against.
        let differ = differing_fields(o, t);
        if differ.is_empty() {
            // Only `modified` differs.
            return Ok(if t.modified > o.modified { t } else { o }.clone());
        }
        return Err(differ);
    };
    if o == b {
        return Ok(t.clone());
    }
    if t == b {
        return Ok(o.clone());
    }
    let mut conflicts = Vec::new();
    let mut field = |name: &'static str, ok: bool| {
        if !ok {
            conflicts.push(name);
        }
    };
    let span = |a: &Annotation| (a.range, a.text.clone(), a.prefix.clone(), a.suffix.clone());
    let (bs, os, ts) = (span(b), span(o), span(t));
    let s = pick(&bs, &os, &ts);
    field("span", s.is_some());
    let tag = pick(&b.tag, &o.tag, &t.tag);
    field("tag", tag.is_some());
    let attributes = merge_attributes(&b.attributes, &o.attributes, &t.attributes);
    field("attributes", attributes.is_ok());
    let note = pick(&b.note, &o.note, &t.note);
    field("note", note.is_some());
    let annotator = pick(&b.annotator, &o.annotator, &t.annotator);
    field("annotator", annotator.is_some());
    let created = pick(&b.created, &o.created, &t.created);
    field("created", created.is_some());
    let status = pick(&b.status, &o.status, &t.status);
    field("status", status.is_some());
    let review = pick(&b.review, &o.review, &t.review);
    field("review", review.is_some());
    let origin = pick(&b.origin, &o.origin, &t.origin);
    field("origin", origin.is_some());
    let entity = pick(&b.entity, &o.entity, &t.entity);
    field("entity", entity.is_some());
    let extra_ok = b
        .extra
        .keys()
        .chain(o.extra.keys())
        .chain(t.extra.keys())
        .all(|k| pick(&b.extra.get(k), &o.extra.get(k), &t.extra.get(k)).is_some());
    field("unknown fields", extra_ok);
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    let (Some((range, text, prefix, suffix)), Some(tag), Ok(attributes)) = (s, tag, attributes)
    else {
        return Err(vec!["span"]);
    };
    let or_ours = |v: Option<&String>, ours: &String| v.unwrap_or(ours).clone();
    Ok(Annotation {
        id: o.id.clone(),
        tag: tag.clone(),
        range: *range,
        text: text.clone(),
        prefix: prefix.clone(),
        suffix: suffix.clone(),
        attributes,
        note: or_ours(note, &o.note),
        annotator: or_ours(annotator, &o.annotator),
        created: or_ours(created, &o.created),
        // Both edited it: the later edit's time (RFC 3339 UTC sorts as text).
        modified: pick(&b.modified, &o.modified, &t.modified)
            .unwrap_or_else(|| (&o.modified).max(&t.modified))
            .to_owned(),
        status: *status.unwrap_or(&o.status),
        review: review.unwrap_or(&o.review).clone(),
        origin: origin.unwrap_or(&o.origin).clone(),
        entity: or_ours(entity, &o.entity),
        extra: merge_extra(&b.extra, &o.extra, &t.extra),
    })
}

/// The fields that differ between two versions of one annotation, `modified` aside.
fn differing_fields(o: &Annotation, t: &Annotation) -> Vec<&'static str> {
    let mut out = Vec::new();
    let checks: [(&'static str, bool); 11] = [
        (
            "span",
            (o.range, &o.text, &o.prefix, &o.suffix) != (t.range, &t.text, &t.prefix, &t.suffix),
        ),
        ("tag", o.tag != t.tag),
        ("attributes", o.attributes != t.attributes),
        ("note", o.note != t.note),
        ("annotator", o.annotator != t.annotator),
        ("created", o.created != t.created),
        ("status", o.status != t.status),
        ("review", o.review != t.review),
        ("origin", o.origin != t.origin),
        ("entity", o.entity != t.entity),
        ("unknown fields", o.extra != t.extra),
    ];
    for (name, differs) in checks {
        if differs {
            out.push(name);
        }
    }
    out
}

/// Merges one relation present on both sides; `None` when both changed a field differently.
fn merge_relation(b: Option<&Relation>, o: &Relation, t: &Relation) -> Option<Relation> {
    if o == t {
        return Some(o.clone());
    }
    let b = b?;
    if o == b {
        return Some(t.clone());
    }
    if t == b {
        return Some(o.clone());
    }
    let extra_ok = b
        .extra
        .keys()
        .chain(o.extra.keys())
        .chain(t.extra.keys())
        .all(|k| pick(&b.extra.get(k), &o.extra.get(k), &t.extra.get(k)).is_some());
    if !extra_ok {
        return None;
    }
    Some(Relation {
        id: o.id.clone(),
        kind: pick(&b.kind, &o.kind, &t.kind)?.clone(),
        from: pick(&b.from, &o.from, &t.from)?.clone(),
        to: pick(&b.to, &o.to, &t.to)?.clone(),
        annotator: pick(&b.annotator, &o.annotator, &t.annotator)?.clone(),
        note: pick(&b.note, &o.note, &t.note)?.clone(),
        extra: merge_extra(&b.extra, &o.extra, &t.extra),
    })
}

/// Where one id (and occurrence) sits in each of the three lists.
struct Key {
    base: Option<usize>,
    ours: Option<usize>,
    theirs: Option<usize>,
}

/// Matches the items of three lists by id; the `n`th use of an id in one list matches the
/// `n`th in another. In ours' order, then theirs' new items, then base's.
fn keys<'a, T>(lists: [&'a [T]; 3], id: impl Fn(&'a T) -> &'a str) -> Vec<Key> {
    let mut index: HashMap<(&'a str, usize), usize> = HashMap::new();
    let mut out: Vec<Key> = Vec::new();
    // Ours first, so the merged order of first appearance follows ours.
    for (side, list) in [(1, lists[1]), (2, lists[2]), (0, lists[0])] {
        let mut seen: HashMap<&'a str, usize> = HashMap::new();
        for (i, item) in list.iter().enumerate() {
            let id = id(item);
            let n = seen.entry(id).or_insert(0);
            let k = (id, *n);
            *n += 1;
            let slot = *index.entry(k).or_insert_with(|| {
                out.push(Key {
                    base: None,
                    ours: None,
                    theirs: None,
                });
                out.len() - 1
            });
            let key = &mut out[slot];
            match side {
                0 => key.base = Some(i),
                1 => key.ours = Some(i),
                _ => key.theirs = Some(i),
            }
        }
    }
    out
}

/// Fresh ids for the second versions of conflicting items: derived from what they name, and
/// unused in all three inputs.
struct IdSource {
    used: HashSet<String>,
}

impl IdSource {
    fn new(sides: [&SidecarData; 3]) -> Self {
        let used = sides
            .iter()
            .flat_map(|s| {
                s.annotations
                    .iter()
                    .map(|a| a.id.to_string())
                    .chain(s.relations.iter().map(|r| r.id.to_string()))
            })
            .collect();
        IdSource { used }
    }

    /// An id no side uses, of annotations or relations, the same on every run for `seed`.
    fn fresh<Id: From<String>>(&mut self, seed: &str) -> Id {
        for n in 0u64.. {
            let mut h = Sha256::new();
            h.update(b"tagline-merge\0");
            h.update(seed.as_bytes());
            h.update(n.to_le_bytes());
            let digest = h.finalize();
            let mut bits = [0u8; 8];
            bits.copy_from_slice(&digest[..8]);
            let id = id_from_bits(u64::from_le_bytes(bits));
            if self.used.insert(id.clone()) {
                return id.into();
            }
        }
        unreachable!("2^64 hashes cannot all be taken")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::AttrValue;
    use crate::core::{CharRange, Status};

    fn ann(id: &str, start: usize, tag: &str) -> Annotation {
        Annotation {
            id: id.into(),
            tag: tag.into(),
            range: CharRange::new(start, start + 3),
            text: "abc".into(),
            prefix: String::new(),
            suffix: String::new(),
            attributes: Attributes::new(),
            note: String::new(),
            annotator: "ana".into(),
            created: "2026-01-01T00:00:00Z".into(),
            modified: "2026-01-01T00:00:00Z".into(),
            status: None,
            review: None,
            origin: None,
            entity: String::new(),
            extra: Extra::new(),
        }
    }

    fn rel(id: &str, from: &str, to: &str) -> Relation {
        Relation {
            id: id.into(),
            kind: "attributed_to".into(),
            from: from.into(),
            to: to.into(),
            annotator: String::new(),
            note: String::new(),
            extra: Extra::new(),
        }
    }

    fn side(annotations: Vec<Annotation>, relations: Vec<Relation>) -> SidecarData {
        SidecarData {
            article: ArticleRef {
                file: "a.txt".into(),
                sha256: "00".into(),
                chars: 100,
                encoding: None,
                extra: Extra::new(),
            },
            scheme: "news@1".into(),
            annotations,
            relations,
            ..SidecarData::default()
        }
    }

    fn ids(o: &MergeOutcome) -> Vec<&str> {
        o.merged.annotations.iter().map(|a| a.id.as_str()).collect()
    }

    fn get<'a>(o: &'a MergeOutcome, id: &str) -> &'a Annotation {
        o.merged.annotations.iter().find(|a| a.id == id).unwrap()
    }

    fn text(v: &str) -> AttrValue {
        AttrValue::Text(v.into())
    }

    #[test]
    fn additions_on_both_sides_are_kept() {
        let base = side(vec![ann("a", 0, "claim")], vec![]);
        let ours = side(vec![ann("a", 0, "claim"), ann("b", 10, "quote")], vec![]);
        let theirs = side(
            vec![ann("a", 0, "claim"), ann("c", 5, "quote")],
            vec![rel("r", "c", "a")],
        );
        let m = merge3(&base, &ours, &theirs);
        assert!(m.is_clean());
        assert_eq!(ids(&m), ["a", "c", "b"], "sorted by start");
        assert_eq!(m.merged.relations.len(), 1);
    }

    #[test]
    fn deletions_are_honoured_with_their_relations() {
        let base = side(
            vec![ann("a", 0, "claim"), ann("b", 10, "sourcing")],
            vec![rel("r", "a", "b")],
        );
        let ours = side(vec![ann("a", 0, "claim")], vec![]);
        // Theirs added a relation to the annotation ours deleted, and kept the old one.
        let theirs = side(
            vec![ann("a", 0, "claim"), ann("b", 10, "sourcing")],
            vec![rel("r", "a", "b"), rel("s", "b", "a")],
        );
        let m = merge3(&base, &ours, &theirs);
        assert!(m.is_clean());
        assert_eq!(ids(&m), ["a"]);
        assert!(m.merged.relations.is_empty());
        assert_eq!(m.dropped_relations, ["s"]);
    }

    #[test]
    fn different_fields_changed_on_each_side_merge_into_one() {
        let base = side(vec![ann("a", 0, "claim")], vec![]);
        let mut o = ann("a", 0, "claim");
        o.note = "checked".into();
        o.modified = "2026-01-02T00:00:00Z".into();
        o.extra.insert("x-ours".into(), serde_json::json!(1));
        let mut t = ann("a", 0, "quote");
        t.attributes.insert("kind".into(), text("direct"));
        t.modified = "2026-01-03T00:00:00Z".into();
        t.extra.insert("x-theirs".into(), serde_json::json!(2));
        let m = merge3(&base, &side(vec![o], vec![]), &side(vec![t], vec![]));
        assert!(m.is_clean(), "{:?}", m.conflicts);
        let a = get(&m, "a");
        assert_eq!(a.note, "checked");
        assert_eq!(a.tag, "quote");
        assert_eq!(a.attributes.get("kind"), Some(&text("direct")));
        assert_eq!(a.modified, "2026-01-03T00:00:00Z", "the later edit");
        assert_eq!(
            a.extra.keys().collect::<Vec<_>>(),
            ["x-ours", "x-theirs"],
            "unknown fields of both sides"
        );
        assert_eq!(a.review, None);
    }

    #[test]
    fn the_same_field_changed_differently_keeps_both_versions() {
        let base = side(vec![ann("a", 0, "claim")], vec![rel("r", "a", "a")]);
        let mut o = ann("a", 0, "claim");
        o.attributes
            .insert("checkworthy".into(), AttrValue::Bool(true));
        let mut t = ann("a", 0, "claim");
        t.attributes
            .insert("checkworthy".into(), AttrValue::Bool(false));
        t.note = "theirs".into();
        let ours = side(vec![o.clone()], vec![rel("r", "a", "a")]);
        let theirs = side(vec![t.clone()], vec![rel("r", "a", "a")]);
        let m = merge3(&base, &ours, &theirs);
        assert_eq!(m.merged.annotations.len(), 2);
        let MergeConflict::Annotation {
            ours: oid,
            theirs: tid,
            fields,
        } = &m.conflicts[0]
        else {
            panic!("{:?}", m.conflicts)
        };
        assert_eq!(oid, "a");
        assert_eq!(fields, &["attributes"]);
        assert_eq!(tid.len(), 10);
        let mine = get(&m, "a");
        let other = get(&m, tid);
        assert_eq!(mine.attributes, o.attributes);
        assert_eq!(other.attributes, t.attributes);
        assert_eq!(other.note, "theirs");
        let review = |reason, other: &str| {
            let mut r = Review::new(reason);
            r.other = Some(other.into());
            Some(Box::new(r))
        };
        assert_eq!(mine.review, review(ReviewReason::Merge, tid));
        assert_eq!(other.review, review(ReviewReason::Merge, "a"));
        assert_eq!(m.merged.relations.len(), 1, "relations stay on ours");
        // Deterministic: the same inputs give the same id.
        assert_eq!(merge3(&base, &ours, &theirs), m);
    }

    #[test]
    fn deleted_on_one_side_and_changed_on_the_other_is_kept_for_review() {
        let base = side(vec![ann("a", 0, "claim"), ann("b", 9, "claim")], vec![]);
        let mut changed = ann("a", 0, "claim");
        changed.status = Some(Status::Uncertain);
        let ours = side(vec![changed.clone(), ann("b", 9, "claim")], vec![]);
        let theirs = side(vec![ann("b", 9, "claim")], vec![]);
        let m = merge3(&base, &ours, &theirs);
        assert_eq!(
            m.conflicts,
            [MergeConflict::DeletedChanged {
                id: "a".into(),
                deleted_by: Side::Theirs
            }]
        );
        let a = get(&m, "a");
        assert_eq!(a.status, Some(Status::Uncertain));
        assert_eq!(
            a.review,
            Some(Box::new(Review::new(ReviewReason::MergeDeleted)))
        );
        // And the other way round.
        let m = merge3(&base, &theirs, &ours);
        assert_eq!(
            m.conflicts,
            [MergeConflict::DeletedChanged {
                id: "a".into(),
                deleted_by: Side::Ours
            }]
        );
    }

    #[test]
    fn added_on_both_sides_alike_is_one_and_differently_two() {
        let base = side(vec![], vec![]);
        let same = side(vec![ann("a", 0, "claim")], vec![]);
        let m = merge3(&base, &same, &same);
        assert!(m.is_clean());
        assert_eq!(ids(&m), ["a"]);
        let m = merge3(&base, &same, &side(vec![ann("a", 0, "quote")], vec![]));
        assert_eq!(m.merged.annotations.len(), 2);
        assert!(
            matches!(&m.conflicts[..], [MergeConflict::Annotation { fields, .. }] if fields == &["tag"])
        );
    }

    #[test]
    fn conflicting_labels_keep_ours_and_record_theirs() {
        let mut base = side(vec![], vec![]);
        base.labels.insert("status".into(), text("todo"));
        base.labels.insert("gone".into(), text("x"));
        base.labels.insert("topic".into(), text("ferries"));
        let mut ours = base.clone();
        ours.labels.insert("status".into(), text("in_progress"));
        ours.labels.remove("gone");
        ours.labels.insert("topic".into(), text("boats"));
        let mut theirs = base.clone();
        theirs.labels.insert("status".into(), text("done"));
        theirs.labels.insert("gone".into(), text("y"));
        theirs.labels.insert("new".into(), AttrValue::Bool(true));
        let m = merge3(&base, &ours, &theirs);
        let l = &m.merged.labels;
        assert_eq!(l["status"], text("in_progress"));
        assert_eq!(
            l["gone"],
            text("y"),
            "deleted vs changed: the changed value"
        );
        assert_eq!(l["topic"], text("boats"));
        assert_eq!(l["new"], AttrValue::Bool(true));
        assert_eq!(
            m.merged.merge.labels,
            BTreeMap::from([("status".to_owned(), text("done"))])
        );
        assert_eq!(
            m.conflicts,
            [MergeConflict::Label {
                name: "status".into()
            }]
        );
        let json = m.merged.to_json();
        assert!(
            json.contains("\"merge\": {\n    \"labels\": {\n      \"status\": \"done\""),
            "{json}"
        );
    }

    #[test]
    fn relations_merge_by_id() {
        let base = side(
            vec![ann("a", 0, "quote"), ann("b", 5, "sourcing")],
            vec![rel("r", "a", "b")],
        );
        let mut o = rel("r", "a", "b");
        o.note = "ours".into();
        let mut t = rel("r", "a", "b");
        t.annotator = "bo".into();
        let m = merge3(
            &base,
            &side(base.annotations.clone(), vec![o.clone()]),
            &side(base.annotations.clone(), vec![t.clone()]),
        );
        assert!(m.is_clean());
        assert_eq!(
            (
                m.merged.relations[0].note.as_str(),
                m.merged.relations[0].annotator.as_str()
            ),
            ("ours", "bo")
        );
        t.note = "theirs".into();
        let m = merge3(
            &base,
            &side(base.annotations.clone(), vec![o]),
            &side(base.annotations.clone(), vec![t]),
        );
        assert_eq!(m.merged.relations.len(), 2);
        assert!(matches!(&m.conflicts[..], [MergeConflict::Relation { .. }]));
    }

    #[test]
    fn unknown_fields_scheme_and_article_are_carried() {
        let base = side(vec![], vec![]);
        let mut ours = base.clone();
        ours.extra.insert("x-ours".into(), serde_json::json!([1]));
        ours.article.sha256 = "11".into();
        let mut theirs = base.clone();
        theirs
            .extra
            .insert("x-theirs".into(), serde_json::json!({"a": null}));
        theirs.scheme = "news@2".into();
        theirs
            .article
            .extra
            .insert("encoding".into(), serde_json::json!("windows-1252"));
        let m = merge3(&base, &ours, &theirs);
        assert!(m.is_clean());
        assert_eq!(m.merged.extra.len(), 2);
        assert_eq!(m.merged.scheme, "news@2");
        assert_eq!(m.merged.article.sha256, "11");
        assert_eq!(m.merged.article.extra["encoding"], "windows-1252");
    }

    #[test]
    fn duplicate_ids_are_matched_by_occurrence() {
        let base = side(vec![ann("a", 0, "claim"), ann("a", 5, "claim")], vec![]);
        let mut second = ann("a", 5, "claim");
        second.note = "n".into();
        let ours = side(vec![ann("a", 0, "claim"), second], vec![]);
        let m = merge3(&base, &ours, &base);
        assert_eq!(m.merged.annotations, ours.annotations);
    }

    #[test]
    fn one_side_unchanged_gives_the_other() {
        let base = side(
            vec![ann("a", 0, "claim"), ann("b", 4, "quote")],
            vec![rel("r", "b", "a")],
        );
        let mut x = side(vec![ann("b", 4, "stance"), ann("c", 8, "claim")], vec![]);
        x.labels.insert("status".into(), text("done"));
        x.extra.insert("x-y".into(), serde_json::json!(true));
        assert_eq!(merge3(&base, &x, &base).merged.to_json(), x.to_json());
        assert_eq!(merge3(&base, &base, &x).merged.to_json(), x.to_json());
    }
}
