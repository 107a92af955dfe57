//! The edit path's seams: a caller-given clock and id source makes sidecars byte-stable, and
//! `Document::apply` refuses hand-built edits that `plan` would never make.

use tagline::core::model::{Annotation, Extra, Relation};
use tagline::core::{
    Action, AttrValue, CharRange, Document, Edit, EditError, FixedStamps, LoadOptions,
};

use crate::util::Dir;

const TEXT: &str = "The mayor said: “We will build the bridge.” Critics doubt it.\n";

/// One editing session with fixed stamps, saved; returns the sidecar's bytes.
fn session(dir: &Dir) -> Vec<u8> {
    dir.write("story.txt", TEXT);
    let (mut doc, _) = Document::open(&dir.join("story.txt"), &LoadOptions::default()).unwrap();
    let mut stamps = FixedStamps::new("2026-01-02T03:04:05Z");
    let add = |tag: &str, start, end| Action::Add {
        tag: tag.into(),
        range: CharRange::new(start, end),
        attributes: Default::default(),
        note: String::new(),
        status: None,
    };
    let quote = doc
        .perform_with(add("quote", 16, 43), "ana", &mut stamps)
        .unwrap()
        .and_then(tagline::core::NewId::annotation)
        .unwrap();
    let source = doc
        .perform_with(add("sourcing", 0, 9), "ana", &mut stamps)
        .unwrap()
        .and_then(tagline::core::NewId::annotation)
        .unwrap();
    doc.perform_with(
        Action::Relate {
            kind: "attributed_to".into(),
            from: quote.clone(),
            to: source,
            note: String::new(),
        },
        "ana",
        &mut stamps,
    )
    .unwrap();
    doc.perform_with(
        Action::SetNote {
            id: quote,
            note: "check the date".into(),
        },
        "ana",
        &mut stamps,
    )
    .unwrap();
    doc.save().unwrap();
    dir.read("story.txt.annotations.json")
}

#[test]
fn same_clock_and_ids_write_identical_bytes() {
    let (one, two) = (Dir::new(), Dir::new());
    let (a, b) = (session(&one), session(&two));
    assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
    let json: serde_json::Value = serde_json::from_slice(&a).unwrap();
    assert_eq!(json["annotations"][0]["id"], "a0002");
    assert_eq!(json["annotations"][0]["created"], "2026-01-02T03:04:05Z");
    assert_eq!(json["relations"][0]["id"], "a0003");
}

fn doc() -> Document {
    let dir = Dir::new();
    dir.write("story.txt", TEXT);
    Document::open(&dir.join("story.txt"), &LoadOptions::default())
        .unwrap()
        .0
}

fn annotation(id: &str, tag: &str, start: usize, end: usize, text: &str) -> Annotation {
    Annotation {
        id: id.into(),
        tag: tag.into(),
        range: CharRange::new(start, end),
        text: text.into(),
        prefix: String::new(),
        suffix: String::new(),
        attributes: Default::default(),
        note: String::new(),
        annotator: "t".into(),
        created: String::new(),
        modified: String::new(),
        status: None,
        review: None,
        origin: None,
        entity: String::new(),
        extra: Extra::new(),
    }
}

fn relation(id: &str, kind: &str, from: &str, to: &str) -> Relation {
    Relation {
        id: id.into(),
        kind: kind.into(),
        from: from.into(),
        to: to.into(),
        annotator: "t".into(),
        note: String::new(),
        extra: Extra::new(),
    }
}

#[test]
fn apply_refuses_edits_plan_would_never_make() {
    let mut doc = doc();
    let mayor = annotation("m", "sourcing", 0, 9, "The mayor");
    doc.apply(Edit::AddAnnotation(mayor.clone())).unwrap();
    let before = doc.to_sidecar();
    let refusals = [
        // Text the article does not hold there.
        (
            Edit::AddAnnotation(annotation("x", "claim", 0, 9, "The major")),
            "TextMismatch",
        ),
        // Past the end of the text.
        (
            Edit::AddAnnotation(annotation("x", "claim", 60, 900, "x")),
            "BadRange",
        ),
        (
            Edit::AddAnnotation(annotation("x", "rumour", 0, 9, "The mayor")),
            "UnknownTag",
        ),
        (
            Edit::AddAnnotation(annotation("m", "claim", 0, 9, "The mayor")),
            "DuplicateId",
        ),
        (
            Edit::AddAnnotation(Annotation {
                attributes: [("kind".to_owned(), AttrValue::Text("shouted".into()))]
                    .into_iter()
                    .collect::<std::collections::BTreeMap<_, _>>()
                    .into(),
                ..annotation("q", "quote", 16, 43, "“We will build the bridge.”")
            }),
            "BadAttribute",
        ),
        (
            Edit::AddRelation(relation("r", "attributed_to", "m", "gone")),
            "NoSuchAnnotation",
        ),
        (
            Edit::AddRelation(relation("r", "attributed_to", "m", "m")),
            "SelfRelation",
        ),
        (
            Edit::AddRelation(relation("r", "married_to", "m", "m")),
            "SelfRelation",
        ),
        // An edit planned against another state of the document.
        (
            Edit::UpdateAnnotation {
                before: Box::new(annotation("m", "claim", 0, 9, "The mayor")),
                after: Box::new(annotation("m", "quote", 0, 9, "The mayor")),
            },
            "StaleAnnotation",
        ),
        (
            Edit::Batch(vec![
                Edit::AddAnnotation(annotation("c", "claim", 44, 59, "Critics doubt i")),
                Edit::AddAnnotation(annotation("c", "claim", 44, 51, "Critics")),
            ]),
            "DuplicateId",
        ),
        (Edit::Batch(vec![]), "NoChange"),
    ];
    for (edit, want) in refusals {
        let got = doc.apply(edit.clone()).unwrap_err();
        assert!(
            format!("{got:?}").starts_with(want),
            "{edit:?}: got {got:?}, want {want}"
        );
        assert_eq!(doc.to_sidecar(), before, "{edit:?} changed the document");
    }
    // A relation type the scheme does not know, and one the scheme does not allow.
    doc.apply(Edit::AddAnnotation(annotation(
        "c", "claim", 44, 51, "Critics",
    )))
    .unwrap();
    let unknown = doc
        .apply(Edit::AddRelation(relation("r", "married_to", "m", "c")))
        .unwrap_err();
    assert!(
        matches!(unknown, EditError::UnknownRelation { .. }),
        "{unknown:?}"
    );
    let wrong_way = doc
        .apply(Edit::AddRelation(relation("r", "attributed_to", "m", "c")))
        .unwrap_err();
    assert!(
        matches!(&wrong_way, EditError::RelationNotAllowed { from_tag, to_tag, .. }
            if from_tag == "sourcing" && to_tag == "claim"),
        "{wrong_way:?}"
    );
    // A lone removal that would leave a relation pointing nowhere.
    doc.apply(Edit::AddRelation(relation("r", "attributed_to", "c", "m")))
        .unwrap();
    let dangling = doc
        .apply(Edit::RemoveAnnotation(doc.annotation("m").unwrap().clone()))
        .unwrap_err();
    assert_eq!(dangling, EditError::HasRelations("m".into()));
}

#[test]
fn refusals_say_what_and_why() {
    let mut doc = doc();
    let id = doc
        .perform(
            Action::Add {
                tag: "quote".into(),
                range: CharRange::new(16, 43),
                attributes: Default::default(),
                note: String::new(),
                status: None,
            },
            "t",
        )
        .unwrap()
        .and_then(tagline::core::NewId::annotation)
        .unwrap();
    let bad = doc
        .perform(
            Action::SetAttribute {
                id: id.clone(),
                name: "kind".into(),
                value: Some(AttrValue::Text("shouted".into())),
            },
            "t",
        )
        .unwrap_err();
    assert!(
        matches!(&bad, EditError::BadAttribute { name, .. } if name == "kind"),
        "{bad:?}"
    );
    assert_eq!(
        bad.to_string(),
        "attribute `kind`: `shouted` is not one of: direct, indirect, partial"
    );
    let none = doc
        .perform(
            Action::SetAttribute {
                id,
                name: "volume".into(),
                value: Some(AttrValue::Bool(true)),
            },
            "t",
        )
        .unwrap_err();
    assert_eq!(none.to_string(), "tag `quote` has no attribute `volume`");
}
