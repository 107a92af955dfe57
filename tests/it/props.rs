//! Property tests over the core: sidecar round trips, random editing sessions, and edits
//! undone by their inverse.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use tagline::core::merge::merge3;
use tagline::core::model::{
    AdjudicationRecord, Decision, Extra, MergeRecord, Origin, OriginKind, Rejected, Review,
    ReviewReason,
};
use tagline::core::sidecar::{ArticleRef, SidecarData};
use tagline::core::validate::{Severity, validate_data};
use tagline::core::{
    Action, Annotation, AnnotationId, Article, AttrValue, CharRange, Document, LoadOptions,
    Relation, Scheme, Status,
};

// ----- generators ---------------------------------------------------------------------------

/// Pieces random article text is made of: ASCII words, CRLF and LF, curly quotes, an em dash,
/// NBSP, accented Latin, CJK, an emoji and a ZWJ emoji sequence.
const PIECES: &[&str] = &[
    "a",
    "b",
    "said",
    " ",
    " ",
    "\r\n",
    "\n",
    "“",
    "”",
    "’",
    "—",
    "\u{a0}",
    "é",
    "李",
    "明",
    "😀",
    "👩\u{200d}💻",
    "the",
    ".",
];

fn article_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 1..120).prop_map(|v| v.concat())
}

const TAGS: &[&str] = &["claim", "quote", "stance", "sourcing", "rumour"];
const ATTRS: &[&str] = &[
    "type",
    "checkworthy",
    "kind",
    "speaker",
    "polarity",
    "target",
    "identity",
    "source_type",
    "bogus",
];
const RELATIONS: &[&str] = &["attributed_to", "about", "contradicts"];
const LABELS: &[&str] = &["status", "overall_stance", "comment", "x_custom"];
const STATUSES: &[Option<Status>] = &[
    None,
    Some(Status::Suggested),
    Some(Status::Uncertain),
    Some(Status::Orphaned),
];

/// Attribute and label values: some valid for the news scheme, some not.
fn value_pool() -> Vec<Option<AttrValue>> {
    vec![
        None,
        Some(AttrValue::Text("factual".into())),
        Some(AttrValue::Text("prediction".into())),
        Some(AttrValue::Text("direct".into())),
        Some(AttrValue::Text("against".into())),
        Some(AttrValue::Text("anonymous".into())),
        Some(AttrValue::Text("expert".into())),
        Some(AttrValue::Text("done".into())),
        Some(AttrValue::Text("mixed".into())),
        Some(AttrValue::Text("free text “quoted” 李明 😀\r\n".into())),
        Some(AttrValue::Text(String::new())),
        Some(AttrValue::Bool(true)),
        Some(AttrValue::Bool(false)),
        Some(AttrValue::Number(7.into())),
        Some(AttrValue::List(vec!["a".into(), "李".into()])),
    ]
}

fn note() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[a-z 李😀\r\n“”]{1,12}"]
}

/// One step of a random editing session; indexes are taken modulo what exists when it runs.
#[derive(Clone, Debug)]
enum Op {
    Add {
        tag: usize,
        start: usize,
        len: usize,
        attrs: Vec<(usize, usize)>,
        note: String,
        status: usize,
    },
    Remove(usize),
    Retag(usize, usize),
    SetAttribute(usize, usize, usize),
    SetNote(usize, String),
    SetStatus(usize, usize),
    Resize(usize, usize, usize),
    Relate(usize, usize, usize, String),
    Unrelate(usize),
    SetLabel(usize, usize),
    Undo,
    Redo,
}

fn op() -> impl Strategy<Value = Op> {
    let i = || 0usize..64;
    prop_oneof![
        4 => (
            i(),
            0usize..200,
            1usize..12,
            prop::collection::vec((i(), i()), 0..3),
            note(),
            i()
        )
            .prop_map(|(tag, start, len, attrs, note, status)| Op::Add {
                tag,
                start,
                len,
                attrs,
                note,
                status
            }),
        1 => i().prop_map(Op::Remove),
        1 => (i(), i()).prop_map(|(a, t)| Op::Retag(a, t)),
        2 => (i(), i(), i()).prop_map(|(a, n, v)| Op::SetAttribute(a, n, v)),
        1 => (i(), note()).prop_map(|(a, n)| Op::SetNote(a, n)),
        1 => (i(), i()).prop_map(|(a, s)| Op::SetStatus(a, s)),
        1 => (i(), 0usize..200, 1usize..12).prop_map(|(a, s, l)| Op::Resize(a, s, l)),
        3 => (i(), i(), i(), note()).prop_map(|(k, f, t, n)| Op::Relate(k, f, t, n)),
        1 => i().prop_map(Op::Unrelate),
        1 => (i(), i()).prop_map(|(n, v)| Op::SetLabel(n, v)),
        1 => Just(Op::Undo),
        1 => Just(Op::Redo),
    ]
}

fn pick<T: Clone>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()].clone())
}

fn ann_id(doc: &Document, i: usize) -> AnnotationId {
    pick(doc.annotations(), i)
        .map(|a| a.id)
        .unwrap_or_else(|| "missing".into())
}

/// The action an op stands for in `doc` (`None` for undo/redo).
fn action(doc: &Document, op: &Op) -> Option<Action> {
    let values = value_pool();
    let n = doc.article.len_chars().max(1);
    let range = |start: usize, len: usize| {
        let s = start % n;
        CharRange::new(s, (s + len).min(n + 1))
    };
    Some(match op.clone() {
        Op::Add {
            tag,
            start,
            len,
            attrs,
            note,
            status,
        } => Action::Add {
            tag: TAGS[tag % TAGS.len()].into(),
            range: range(start, len),
            attributes: attrs
                .iter()
                .filter_map(|&(a, v)| Some((ATTRS[a % ATTRS.len()].to_owned(), pick(&values, v)??)))
                .collect(),
            note,
            status: STATUSES[status % STATUSES.len()],
        },
        Op::Remove(a) => Action::Remove { id: ann_id(doc, a) },
        Op::Retag(a, t) => Action::Retag {
            id: ann_id(doc, a),
            tag: TAGS[t % TAGS.len()].into(),
        },
        Op::SetAttribute(a, name, v) => Action::SetAttribute {
            id: ann_id(doc, a),
            name: ATTRS[name % ATTRS.len()].into(),
            value: pick(&values, v).flatten(),
        },
        Op::SetNote(a, note) => Action::SetNote {
            id: ann_id(doc, a),
            note,
        },
        Op::SetStatus(a, s) => Action::SetStatus {
            id: ann_id(doc, a),
            status: STATUSES[s % STATUSES.len()],
        },
        Op::Resize(a, start, len) => Action::Resize {
            id: ann_id(doc, a),
            range: range(start, len),
        },
        Op::Relate(k, f, t, note) => Action::Relate {
            kind: RELATIONS[k % RELATIONS.len()].into(),
            from: ann_id(doc, f),
            to: ann_id(doc, t),
            note,
        },
        Op::Unrelate(r) => Action::Unrelate {
            id: pick(doc.relations(), r)
                .map(|r| r.id)
                .unwrap_or_else(|| "missing".into()),
        },
        Op::SetLabel(name, v) => Action::SetLabel {
            name: LABELS[name % LABELS.len()].into(),
            value: pick(&values, v).flatten(),
        },
        Op::Undo | Op::Redo => return None,
    })
}

/// Runs one op; refused actions must leave the document as it was.
fn run_op(doc: &mut Document, op: &Op) -> Result<(), TestCaseError> {
    let before = doc.to_sidecar();
    let revision = doc.revision();
    match op {
        Op::Undo => {
            let did = doc.undo();
            prop_assert_eq!(did, revision != doc.revision());
        }
        Op::Redo => {
            let did = doc.redo();
            prop_assert_eq!(did, revision != doc.revision());
        }
        _ => {
            let action = action(doc, op).expect("an action");
            if let Err(e) = doc.perform(action.clone(), "prop") {
                prop_assert_eq!(
                    doc.to_sidecar(),
                    before,
                    "refused {:?} ({}) but changed the document",
                    action,
                    e
                );
                prop_assert_eq!(doc.revision(), revision);
            }
        }
    }
    Ok(())
}

fn article(text: &str) -> Article {
    Article::from_bytes(
        Path::new("prop.txt"),
        text.as_bytes(),
        &LoadOptions::default(),
    )
    .expect("generated text is a valid article")
}

fn state(doc: &Document) -> (Vec<Annotation>, Vec<Relation>, BTreeMap<String, AttrValue>) {
    (
        doc.annotations().to_vec(),
        doc.relations().to_vec(),
        doc.labels().clone(),
    )
}

fn errors(doc: &Document) -> Vec<String> {
    validate_data(&doc.article, &doc.to_sidecar(), &doc.scheme)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| format!("{:?}: {}", p.annotation, p.message))
        .collect()
}

// ----- random sidecar data ------------------------------------------------------------------

/// Non-integer numbers with up to 7 significant digits and small exponents.
///
/// Not any `f64`: without serde_json's `float_roundtrip` feature, parsing some 17-digit
/// numbers is off by one unit in the last place, so they would not survive a save → load →
/// save (see `sidecar::floats_survive_a_round_trip`, ignored until that feature is on).
fn decimal() -> impl Strategy<Value = serde_json::Number> {
    (-9_999_999i64..9_999_999, -12i32..12)
        .prop_map(|(m, e)| serde_json::from_str(&format!("{m}.5e{e}")).expect("a JSON number"))
}

fn json_leaf() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        decimal().prop_map(serde_json::Value::Number),
        any::<String>().prop_map(serde_json::Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    json_leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::vec(("[a-z_李]{0,6}", inner), 0..4)
                .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Unknown fields: names that no version-1 field has.
fn extra() -> impl Strategy<Value = Extra> {
    prop::collection::vec(("x-[a-z0-9_😀-]{0,8}", json_value()), 0..3)
        .prop_map(|kv| kv.into_iter().collect())
}

fn attr_value() -> impl Strategy<Value = AttrValue> {
    prop_oneof![
        any::<bool>().prop_map(AttrValue::Bool),
        any::<i64>().prop_map(|n| AttrValue::Number(n.into())),
        decimal().prop_map(AttrValue::Number),
        any::<String>().prop_map(AttrValue::Text),
        prop::collection::vec(any::<String>(), 0..3).prop_map(AttrValue::List),
    ]
}

fn attrs() -> impl Strategy<Value = BTreeMap<String, AttrValue>> {
    prop::collection::btree_map(any::<String>(), attr_value(), 0..3)
}

fn status() -> impl Strategy<Value = Option<Status>> {
    prop::sample::select(STATUSES)
}

fn review() -> impl Strategy<Value = Option<Box<Review>>> {
    let reason = prop::sample::select(vec![
        ReviewReason::Fuzzy,
        ReviewReason::Merge,
        ReviewReason::MergeDeleted,
    ]);
    prop::option::of(
        (
            reason,
            prop::option::of(any::<String>()),
            prop::option::of("[0-9a-z]{1,10}"),
        )
            .prop_map(|(reason, was, other)| {
                Box::new(Review {
                    reason,
                    was,
                    other: other.map(Into::into),
                    extra: Extra::new(),
                })
            }),
    )
}

fn origin() -> impl Strategy<Value = Option<Box<Origin>>> {
    let kind = prop::sample::select(vec![
        OriginKind::Import,
        OriginKind::Suggest,
        OriginKind::Story,
        OriginKind::Adjudication,
    ]);
    let decision = prop::option::of(prop::sample::select(vec![
        Decision::Unanimous,
        Decision::Adjudicated,
    ]));
    prop::option::of(
        (
            kind,
            prop::option::of(any::<String>()),
            prop::option::of("[a-z]{1,8}"),
            prop::collection::vec("[a-z]{1,5}:[0-9a-z]{1,6}", 0..3),
            decision,
        )
            .prop_map(|(kind, model, format, from, decision)| {
                Box::new(Origin {
                    model,
                    format,
                    from,
                    decision,
                    ..Origin::new(kind)
                })
            }),
    )
}

fn short_string() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), any::<String>()]
}

fn annotation() -> impl Strategy<Value = Annotation> {
    (
        ("[0-9a-z]{1,10}", "[a-z_]{1,8}", 0usize..10_000, 0usize..50),
        (any::<String>(), short_string(), short_string()),
        attrs(),
        (
            short_string(),
            short_string(),
            short_string(),
            short_string(),
        ),
        (status(), review(), origin(), short_string()),
        extra(),
    )
        .prop_map(
            |(
                (id, tag, start, len),
                (text, prefix, suffix),
                attributes,
                (note, annotator, created, modified),
                (status, review, origin, entity),
                extra,
            )| Annotation {
                id: id.into(),
                tag,
                range: CharRange::new(start, start + len),
                text,
                prefix,
                suffix,
                attributes: attributes.into(),
                note,
                annotator,
                created,
                modified,
                status,
                review,
                origin,
                entity,
                extra,
            },
        )
}

fn merge_record() -> impl Strategy<Value = MergeRecord> {
    prop_oneof![
        3 => Just(MergeRecord::default()),
        1 => (attrs(), extra()).prop_map(|(labels, extra)| MergeRecord { labels, extra }),
    ]
}

fn adjudication_record() -> impl Strategy<Value = AdjudicationRecord> {
    prop_oneof![
        3 => Just(AdjudicationRecord::default()),
        1 => (
            prop::collection::vec(
                (short_string(), "[0-9a-z]{1,10}", 0usize..1000, 0usize..1000, "[a-z]{1,8}"),
                0..3
            ),
            extra()
        )
            .prop_map(|(rows, extra)| AdjudicationRecord {
                rejected: rows
                    .into_iter()
                    .map(|(annotator, id, start, end, tag)| Rejected {
                        annotator,
                        id: id.into(),
                        start,
                        end,
                        tag,
                    })
                    .collect(),
                extra,
            }),
    ]
}

fn relation() -> impl Strategy<Value = Relation> {
    (
        (
            "[0-9a-z]{1,10}",
            "[a-z_]{1,12}",
            "[0-9a-z]{1,10}",
            "[0-9a-z]{1,10}",
        ),
        (short_string(), short_string()),
        extra(),
    )
        .prop_map(
            |((id, kind, from, to), (annotator, note), extra)| Relation {
                id: id.into(),
                kind,
                from: from.into(),
                to: to.into(),
                annotator,
                note,
                extra,
            },
        )
}

fn sidecar_data() -> impl Strategy<Value = SidecarData> {
    (
        (any::<String>(), "[0-9a-f]{64}", any::<usize>(), extra()),
        short_string(),
        attrs(),
        prop::collection::vec(annotation(), 0..5),
        prop::collection::vec(relation(), 0..4),
        (merge_record(), adjudication_record(), extra()),
    )
        .prop_map(
            |(
                (file, sha256, chars, article_extra),
                scheme,
                labels,
                annotations,
                relations,
                (merge, adjudication, extra),
            )| {
                SidecarData {
                    article: ArticleRef {
                        file,
                        sha256,
                        chars,
                        encoding: None,
                        extra: article_extra,
                    },
                    scheme,
                    labels,
                    annotations,
                    relations,
                    merge,
                    adjudication,
                    extra,
                }
            },
        )
}

/// What a sidecar holds once written: annotations by (start, end, id), relations by id.
fn sorted(mut data: SidecarData) -> SidecarData {
    data.annotations.sort_by(|a, b| {
        (a.range.start, a.range.end, &a.id).cmp(&(b.range.start, b.range.end, &b.id))
    });
    data.relations.sort_by(|a, b| a.id.cmp(&b.id));
    data
}

// ----- properties ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Any sidecar content: written, read back and written again gives the same bytes and the
    /// same data, unknown fields, numbers and odd strings included.
    #[test]
    fn sidecar_json_round_trips(data in sidecar_data()) {
        let json = data.to_json();
        let layout_ok = json.ends_with("}\n") && !json.contains('\r');
        prop_assert!(layout_ok, "LF only, final newline");
        let back = SidecarData::parse(json.as_bytes(), Path::new("p.json"))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.to_json(), json.clone());
        prop_assert_eq!(back, sorted(data));
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let problems = crate::util::schema_errors(&value);
        prop_assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A random editing session saved to disk: loading and saving again is byte-identical,
    /// and the file is valid and matches the schema.
    #[test]
    fn save_load_save_is_byte_identical(
        text in article_text(),
        bom in any::<bool>(),
        ops in prop::collection::vec(op(), 1..25),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("story.txt");
        let mut bytes = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(text.as_bytes());
        std::fs::write(&path, &bytes).unwrap();
        let (mut doc, report) = Document::open(&path, &LoadOptions::default()).unwrap();
        prop_assert!(report.sidecar_problem.is_none());
        for op in &ops {
            run_op(&mut doc, op)?;
        }
        doc.save().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let sidecar = tagline::core::sidecar::sidecar_path(&path);
        let first = std::fs::read(&sidecar).unwrap();

        let (mut again, report) = Document::open(&path, &LoadOptions::default()).unwrap();
        prop_assert!(report.sidecar_problem.is_none() && report.anchoring.is_empty() && !report.article_changed);
        prop_assert!(!again.is_dirty());
        prop_assert_eq!(state(&again), state(&doc));
        prop_assert_eq!(again.to_sidecar().to_json().into_bytes(), first.clone());
        again.save().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(std::fs::read(&sidecar).unwrap(), first.clone());

        let parsed = SidecarData::parse(&first, &sidecar).unwrap();
        prop_assert_eq!(parsed.to_json().into_bytes(), first.clone());
        for a in &parsed.annotations {
            // The offsets contract, checked without Tagline's offset code.
            let covered: String = text.chars().skip(a.range.start).take(a.range.len()).collect();
            prop_assert_eq!(&covered, &a.text);
        }
        prop_assert_eq!(parsed.article.chars, text.chars().count());
        let value: serde_json::Value = serde_json::from_slice(&first).unwrap();
        let problems = crate::util::schema_errors(&value);
        prop_assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Random actions, undos and redos never make an invalid sidecar, and what
    /// `to_sidecar()` writes reads back as the same data.
    #[test]
    fn random_sessions_stay_valid(
        text in article_text(),
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let mut doc = Document::new(article(&text), Scheme::default_news(), None);
        for op in &ops {
            run_op(&mut doc, op)?;
            let errors = errors(&doc);
            prop_assert!(errors.is_empty(), "after {:?}: {:#?}", op, errors);
        }
        let data = doc.to_sidecar();
        let back = SidecarData::parse(data.to_json().as_bytes(), Path::new("p.json")).unwrap();
        prop_assert_eq!(back, data);
    }

    /// Applying a planned edit then undoing it restores the document exactly; redoing and
    /// applying the inverse edit agree.
    #[test]
    fn edits_are_undone_by_their_inverse(
        text in article_text(),
        setup in prop::collection::vec(op(), 0..20),
        probes in prop::collection::vec(op(), 1..12),
    ) {
        let mut doc = Document::new(article(&text), Scheme::default_news(), None);
        for op in &setup {
            run_op(&mut doc, op)?;
        }
        for probe in &probes {
            let Some(action) = action(&doc, probe) else { continue };
            let Ok((edit, _)) = doc.plan(action, "prop") else { continue };
            let s0 = state(&doc);
            doc.apply(edit.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let s1 = state(&doc);
            prop_assert!(doc.undo());
            prop_assert_eq!(&state(&doc), &s0, "undo of {:?}", edit);
            prop_assert!(doc.redo());
            prop_assert_eq!(&state(&doc), &s1, "redo of {:?}", edit);
            doc.apply(edit.clone().invert()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&state(&doc), &s0, "inverse of {:?}", edit);
            prop_assert!(doc.undo());
            prop_assert_eq!(&state(&doc), &s1);
        }
    }
}

// ----- three-way merges ---------------------------------------------------------------------

/// A descendant of `base`: some annotations kept as they are, some changed (keeping their
/// id), some deleted, new ones added; labels, relations and unknown fields replaced at random.
fn descendant(base: SidecarData) -> impl Strategy<Value = (SidecarData, SidecarData)> {
    let n = base.annotations.len();
    (
        Just(base),
        prop::collection::vec(0u8..3, n),
        sidecar_data(),
        any::<bool>(),
    )
        .prop_map(|(base, fate, other, relabel)| {
            let mut x = base.clone();
            let mut replacements = other.annotations.iter().cycle();
            x.annotations = base
                .annotations
                .iter()
                .zip(&fate)
                .filter_map(|(a, fate)| match fate {
                    0 => Some(a.clone()),
                    1 => replacements.next().map(|r| Annotation {
                        id: a.id.clone(),
                        ..r.clone()
                    }),
                    _ => None,
                })
                .chain(other.annotations.iter().take(2).cloned())
                .collect();
            if relabel {
                x.labels = other.labels.clone();
                x.extra = other.extra.clone();
                x.merge = other.merge.clone();
            }
            // Relations to annotations x deleted would be dropped by any merge, so a
            // descendant made by Tagline has none.
            let kept: std::collections::HashSet<&str> =
                x.annotations.iter().map(|a| a.id.as_str()).collect();
            let deleted =
                |id: &str| !kept.contains(id) && base.annotations.iter().any(|a| a.id == id);
            x.relations = base
                .relations
                .iter()
                .chain(&other.relations)
                .filter(|r| !deleted(&r.from) && !deleted(&r.to))
                .cloned()
                .collect();
            (base, x)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A merge with a side that did not change gives the other side, byte for byte.
    #[test]
    fn merging_with_an_unchanged_side_gives_the_other(
        (base, x) in sidecar_data().prop_flat_map(descendant),
    ) {
        let ours = merge3(&base, &x, &base);
        prop_assert!(ours.is_clean(), "{:?}", ours.conflicts);
        prop_assert_eq!(ours.merged.to_json(), x.to_json());
        let theirs = merge3(&base, &base, &x);
        prop_assert!(theirs.is_clean(), "{:?}", theirs.conflicts);
        prop_assert_eq!(theirs.merged.to_json(), x.to_json());
        prop_assert_eq!(merge3(&base, &x, &x).merged.to_json(), x.to_json());
    }

    /// Any three sidecars merge into one Tagline reads back unchanged and the schema accepts,
    /// the same every time; every id of either side is still there unless it was deleted.
    #[test]
    fn any_merge_is_a_valid_sidecar(
        (base, ours) in sidecar_data().prop_flat_map(descendant),
        theirs_seed in sidecar_data(),
    ) {
        let theirs = {
            let mut t = base.clone();
            t.annotations.extend(theirs_seed.annotations);
            t.labels.extend(theirs_seed.labels);
            t
        };
        let m = merge3(&base, &ours, &theirs);
        let json = m.merged.to_json();
        let back = SidecarData::parse(json.as_bytes(), Path::new("m.json"))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.to_json(), json.clone());
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let problems = crate::util::schema_errors(&value);
        prop_assert!(problems.is_empty(), "{}", problems.join("\n"));
        prop_assert_eq!(merge3(&base, &ours, &theirs), m.clone());
        for a in ours.annotations.iter().chain(&theirs.annotations) {
            let deleted = base.annotations.iter().any(|b| b == a);
            prop_assert!(
                deleted || m.merged.annotations.iter().any(|x| x.id == a.id),
                "{} lost", a.id
            );
        }
    }
}
