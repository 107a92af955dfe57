//! Grading a student's annotations against a teacher's key, with a rubric.
//!
//! Per key annotation (in order of start): *found* when a student span with the same tag
//! covers at least `min_overlap` of it (the one covering most, each student span used once;
//! [`align::pair_best`]), full credit when the boundaries are the same (whitespace at either
//! end ignored), `partial_credit` of the tag's weight otherwise; *wrong tag* when instead a
//! student span of another tag covers that much; else *missed*. Student spans paired with no
//! key annotation are *extras*, which cost `extra_cost` points each.
//!
//! A found annotation earns attribute credit for each attribute the rubric weighs and the key
//! annotation has, when the student's value is the same; and relation credit for each key
//! relation from it whose type the rubric weighs, when the student's paired annotation has a
//! relation of that type to the student span paired with the key relation's target (a quote
//! linked to the right source).
//!
//! Pure: the caller pairs the articles ([`super::pairing`]) and opens nothing.

use std::collections::{BTreeMap, HashMap};

use super::align::{self, Span};
use crate::core::{Annotation, CharRange, IndexedText, Relation};

/// How a tag is scored.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagRubric {
    /// Points for finding a key annotation of this tag.
    pub weight: f64,
    /// Points per attribute, for a found annotation whose value matches the key's.
    #[serde(default)]
    pub attributes: BTreeMap<String, f64>,
}

/// The scoring rules (`tagline grade --print-rubric` prints the default).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// The share of a key span (0–1) a student span must cover to count as found (or as a
    /// wrong tag).
    pub min_overlap: f64,
    /// The share of the tag's weight a found span earns when its boundaries differ from the
    /// key's.
    pub partial_credit: f64,
    /// Points taken off per extra span (0: extras cost nothing).
    pub extra_cost: f64,
    /// Per tag; a tag not listed is worth 1 point with no attributes.
    pub tags: BTreeMap<String, TagRubric>,
    /// Points per relation type, for a found annotation linked like the key's.
    #[serde(default)]
    pub relations: BTreeMap<String, f64>,
}

impl Default for Rubric {
    fn default() -> Self {
        let tag = |weight: f64, attr: Option<(&str, f64)>| TagRubric {
            weight,
            attributes: attr.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        };
        Rubric {
            min_overlap: 0.5,
            partial_credit: 0.5,
            extra_cost: 0.0,
            tags: BTreeMap::from([
                ("claim".to_owned(), tag(1.0, None)),
                ("quote".to_owned(), tag(1.0, Some(("kind", 0.5)))),
                ("sourcing".to_owned(), tag(1.0, Some(("identity", 0.5)))),
                ("stance".to_owned(), tag(1.0, Some(("polarity", 0.5)))),
            ]),
            relations: BTreeMap::from([
                ("about".to_owned(), 0.5),
                ("attributed_to".to_owned(), 0.5),
            ]),
        }
    }
}

impl Rubric {
    fn tag(&self, tag: &str) -> (f64, Option<&BTreeMap<String, f64>>) {
        match self.tags.get(tag) {
            Some(t) => (t.weight, Some(&t.attributes)),
            None => (1.0, None),
        }
    }

    /// Checks the numbers are sensible: shares within 0–1, weights not negative.
    pub fn check(&self) -> Result<(), String> {
        let share = |name: &str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(format!("{name} must be between 0 and 1, is {v}"))
            }
        };
        share("min_overlap", self.min_overlap)?;
        share("partial_credit", self.partial_credit)?;
        let weights = self
            .tags
            .values()
            .flat_map(|t| std::iter::once(t.weight).chain(t.attributes.values().copied()))
            .chain(self.relations.values().copied())
            .chain([self.extra_cost]);
        for w in weights {
            if !(w >= 0.0 && w.is_finite()) {
                return Err(format!("weights must be 0 or more, found {w}"));
            }
        }
        Ok(())
    }
}

/// Points earned out of points possible.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Score {
    /// Earned.
    pub earned: f64,
    /// Possible.
    pub possible: f64,
}

impl Score {
    /// Adds another score.
    pub fn add(&mut self, other: Score) {
        self.earned += other.earned;
        self.possible += other.possible;
    }

    /// Earned as a percentage of possible (`None` when nothing was possible).
    pub fn percent(&self) -> Option<f64> {
        (self.possible > 0.0).then(|| 100.0 * self.earned / self.possible)
    }
}

/// One side's annotations on one article: placed ranges (on the key's text) with the
/// annotations, and the side's relations.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    /// Annotations that count, with their ranges on the key's text.
    pub annotations: &'a [(CharRange, &'a Annotation)],
    /// The side's relations (by annotation id).
    pub relations: &'a [Relation],
}

/// What became of one key annotation.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A student span with the same tag covers enough of it.
    Found {
        /// Index into the student's annotations.
        student: usize,
        /// Same boundaries (whitespace at the ends ignored).
        exact: bool,
    },
    /// A student span of another tag covers enough of it.
    WrongTag {
        /// Index into the student's annotations.
        student: usize,
    },
    /// Nothing covers enough of it.
    Missed,
}

/// One attribute check.
#[derive(Clone, Debug, PartialEq)]
pub struct AttrCheck {
    /// The attribute's name.
    pub name: String,
    /// The key's value, as shown.
    pub key: String,
    /// The student's value, as shown (`None` when not set or the annotation was not found).
    pub student: Option<String>,
    /// Points possible.
    pub weight: f64,
    /// Whether it earned them.
    pub ok: bool,
}

/// One relation check.
#[derive(Clone, Debug, PartialEq)]
pub struct RelCheck {
    /// The relation type.
    pub kind: String,
    /// Index into the key's annotations of the relation's target.
    pub target: usize,
    /// Points possible.
    pub weight: f64,
    /// Whether it earned them.
    pub ok: bool,
}

/// One key annotation, graded.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyResult {
    /// Index into the key's annotations.
    pub key: usize,
    /// What became of it.
    pub outcome: Outcome,
    /// Points for the span.
    pub span: Score,
    /// Attribute checks.
    pub attributes: Vec<AttrCheck>,
    /// Relation checks.
    pub relations: Vec<RelCheck>,
}

impl KeyResult {
    /// Span, attribute and relation points together.
    pub fn score(&self) -> Score {
        let mut s = self.span;
        for a in &self.attributes {
            s.add(Score {
                earned: if a.ok { a.weight } else { 0.0 },
                possible: a.weight,
            });
        }
        for r in &self.relations {
            s.add(Score {
                earned: if r.ok { r.weight } else { 0.0 },
                possible: r.weight,
            });
        }
        s
    }
}

/// One article of one student, graded.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleGrade {
    /// Per key annotation, in order of start.
    pub items: Vec<KeyResult>,
    /// Indexes into the student's annotations of spans that match no key annotation.
    pub extras: Vec<usize>,
    /// Points per tag (the key annotation's tag; extras cost under their own tag).
    pub per_tag: BTreeMap<String, Score>,
    /// All points, extras' cost taken off (never below 0).
    pub total: Score,
}

fn trimmed(text: &IndexedText, r: CharRange) -> CharRange {
    let Some(s) = text.slice(r) else { return r };
    let lead = s.chars().take_while(|c| c.is_whitespace()).count();
    let trail = s.chars().rev().take_while(|c| c.is_whitespace()).count();
    if lead + trail >= r.len() {
        return r;
    }
    CharRange::new(r.start + lead, r.end - trail)
}

/// Grades one article: `key` against `student`, both placed on `text` (the key's).
pub fn grade_article(
    rubric: &Rubric,
    text: &IndexedText,
    key: Side<'_>,
    student: Side<'_>,
) -> ArticleGrade {
    let mut tag_ids: HashMap<String, u32> = HashMap::new();
    let mut intern = |t: &str| {
        let n = tag_ids.len() as u32;
        *tag_ids.entry(t.to_owned()).or_insert(n)
    };
    let mut key_order: Vec<usize> = (0..key.annotations.len()).collect();
    key_order.sort_by_key(|&i| (key.annotations[i].0.start, key.annotations[i].0.end, i));
    let key_spans: Vec<Span> = key_order
        .iter()
        .map(|&i| {
            let (r, a) = key.annotations[i];
            Span {
                range: r,
                tag: intern(&a.tag),
            }
        })
        .collect();
    let student_spans: Vec<Span> = student
        .annotations
        .iter()
        .map(|(r, a)| Span {
            range: *r,
            tag: intern(&a.tag),
        })
        .collect();
    let min = rubric.min_overlap;
    let enough = |k: &Span, s: &Span| align::overlap_share(k, s) >= min && align::overlaps(k, s);
    let found = align::pair_best(&key_spans, &student_spans, |k, s| {
        k.tag == s.tag && enough(k, s)
    });
    // Wrong tags: the key annotations not found, against the student spans not used.
    let used: Vec<bool> = {
        let mut u = vec![false; student_spans.len()];
        for j in found.iter().flatten() {
            u[*j] = true;
        }
        u
    };
    let free: Vec<usize> = (0..student_spans.len()).filter(|j| !used[*j]).collect();
    let free_spans: Vec<Span> = free.iter().map(|&j| student_spans[j]).collect();
    let unfound: Vec<usize> = (0..key_spans.len())
        .filter(|&i| found[i].is_none())
        .collect();
    let unfound_spans: Vec<Span> = unfound.iter().map(|&i| key_spans[i]).collect();
    let wrong = align::pair_best(&unfound_spans, &free_spans, |k, s| {
        k.tag != s.tag && enough(k, s)
    });
    let mut outcome: Vec<Outcome> = found
        .iter()
        .enumerate()
        .map(|(i, f)| match f {
            Some(j) => Outcome::Found {
                student: *j,
                exact: trimmed(text, key_spans[i].range) == trimmed(text, student_spans[*j].range),
            },
            None => Outcome::Missed,
        })
        .collect();
    let mut taken = used;
    for (u, w) in unfound.iter().zip(&wrong) {
        if let Some(f) = w {
            outcome[*u] = Outcome::WrongTag { student: free[*f] };
            taken[free[*f]] = true;
        }
    }
    // Student partner of each key annotation (by original index), for relations.
    let mut partner: HashMap<&str, &str> = HashMap::new();
    let mut key_pos: HashMap<&str, usize> = HashMap::new();
    for (pos, &i) in key_order.iter().enumerate() {
        key_pos.insert(key.annotations[i].1.id.as_str(), pos);
        if let Outcome::Found { student: j, .. } = outcome[pos] {
            partner.insert(
                key.annotations[i].1.id.as_str(),
                student.annotations[j].1.id.as_str(),
            );
        }
    }
    let student_has = |kind: &str, from: &str, to: &str| {
        student
            .relations
            .iter()
            .any(|r| r.kind == kind && r.from == from && r.to == to)
    };

    let mut per_tag: BTreeMap<String, Score> = BTreeMap::new();
    let mut total = Score::default();
    let mut items = Vec::with_capacity(key_order.len());
    for (pos, &i) in key_order.iter().enumerate() {
        let k = key.annotations[i].1;
        let (weight, attrs) = rubric.tag(&k.tag);
        let earned = match outcome[pos] {
            Outcome::Found { exact: true, .. } => weight,
            Outcome::Found { exact: false, .. } => weight * rubric.partial_credit,
            _ => 0.0,
        };
        let paired = match outcome[pos] {
            Outcome::Found { student: j, .. } => Some(student.annotations[j].1),
            _ => None,
        };
        let attributes = attrs
            .into_iter()
            .flatten()
            .filter_map(|(name, w)| {
                let kv = k.attributes.get(name)?;
                let sv = paired.and_then(|s| s.attributes.get(name));
                Some(AttrCheck {
                    name: name.clone(),
                    key: kv.display(),
                    student: sv.map(|v| v.display()),
                    weight: *w,
                    ok: sv == Some(kv),
                })
            })
            .collect();
        let relations = key
            .relations
            .iter()
            .filter(|r| r.from == k.id)
            .filter_map(|r| {
                let w = *rubric.relations.get(&r.kind)?;
                let target = *key_pos.get(r.to.as_str())?;
                let ok = match (partner.get(r.from.as_str()), partner.get(r.to.as_str())) {
                    (Some(f), Some(t)) => student_has(&r.kind, f, t),
                    _ => false,
                };
                Some(RelCheck {
                    kind: r.kind.clone(),
                    target,
                    weight: w,
                    ok,
                })
            })
            .collect();
        let item = KeyResult {
            key: i,
            outcome: outcome[pos].clone(),
            span: Score {
                earned,
                possible: weight,
            },
            attributes,
            relations,
        };
        let s = item.score();
        per_tag.entry(k.tag.clone()).or_default().add(s);
        total.add(s);
        items.push(item);
    }
    let extras: Vec<usize> = (0..student_spans.len()).filter(|j| !taken[*j]).collect();
    for &j in &extras {
        let cost = rubric.extra_cost;
        if cost > 0.0 {
            let t = per_tag
                .entry(student.annotations[j].1.tag.clone())
                .or_default();
            t.earned -= cost;
            total.earned -= cost;
        }
    }
    for s in per_tag.values_mut() {
        s.earned = s.earned.max(0.0);
    }
    total.earned = total.earned.max(0.0);
    ArticleGrade {
        items,
        extras,
        per_tag,
        total,
    }
}

/// An article a student did not hand in (or whose sidecar could not be read): every key
/// annotation missed.
pub fn missing_article(rubric: &Rubric, text: &IndexedText, key: Side<'_>) -> ArticleGrade {
    grade_article(
        rubric,
        text,
        key,
        Side {
            annotations: &[],
            relations: &[],
        },
    )
}

/// One article of the key: its name, its text and the key's annotations and relations.
#[derive(Clone, Debug)]
pub struct KeyArticle {
    /// The name outputs use (relative path in the key folder).
    pub name: String,
    /// The article.
    pub article: std::sync::Arc<crate::core::Article>,
    /// The key's annotations that count, with their ranges.
    pub annotations: Vec<(CharRange, Annotation)>,
    /// The key's relations.
    pub relations: Vec<Relation>,
    /// The key article's scheme: the names reports show for its tags, attributes and relations.
    pub scheme: std::sync::Arc<crate::core::Scheme>,
}

/// What a student handed in for one article, placed on the key's text.
#[derive(Clone, Debug, Default)]
pub struct Handed {
    /// The student's annotations that count, with their ranges on the key's text.
    pub annotations: Vec<(CharRange, Annotation)>,
    /// The student's relations.
    pub relations: Vec<Relation>,
}

/// One student, graded on every key article.
#[derive(Clone, Debug)]
pub struct StudentGrade {
    /// The student's name (their folder's).
    pub name: String,
    /// Per key article: what they handed in (`None`: nothing, graded as all missed) and the
    /// grade.
    pub articles: Vec<(Option<Handed>, ArticleGrade)>,
    /// Problems with their input, one line each (missing articles, unreadable sidecars,
    /// articles the key lacks).
    pub problems: Vec<String>,
    /// Points per tag over all articles.
    pub per_tag: BTreeMap<String, Score>,
    /// All points.
    pub total: Score,
}

fn refs(list: &[(CharRange, Annotation)]) -> Vec<(CharRange, &Annotation)> {
    list.iter().map(|(r, a)| (*r, a)).collect()
}

/// Grades one student on every key article; `handed[i]` is what they handed in for `key[i]`.
pub fn grade_student(
    rubric: &Rubric,
    key: &[KeyArticle],
    name: &str,
    handed: Vec<Option<Handed>>,
    problems: Vec<String>,
) -> StudentGrade {
    let mut per_tag: BTreeMap<String, Score> = BTreeMap::new();
    let mut total = Score::default();
    let mut articles = Vec::with_capacity(key.len());
    for (k, h) in key.iter().zip(handed) {
        let key_refs = refs(&k.annotations);
        let key_side = Side {
            annotations: &key_refs,
            relations: &k.relations,
        };
        let grade = match &h {
            Some(h) => {
                let stu = refs(&h.annotations);
                grade_article(
                    rubric,
                    &k.article.text,
                    key_side,
                    Side {
                        annotations: &stu,
                        relations: &h.relations,
                    },
                )
            }
            None => missing_article(rubric, &k.article.text, key_side),
        };
        for (t, s) in &grade.per_tag {
            per_tag.entry(t.clone()).or_default().add(*s);
        }
        total.add(grade.total);
        articles.push((h, grade));
    }
    StudentGrade {
        name: name.to_owned(),
        articles,
        problems,
        per_tag,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::AttrValue;

    fn ann(
        text: &IndexedText,
        id: &str,
        tag: &str,
        needle: &str,
        attrs: &[(&str, &str)],
    ) -> Annotation {
        let byte = text.as_str().find(needle).unwrap();
        let start = text.byte_to_char(byte).unwrap();
        let range = CharRange::new(start, start + needle.chars().count());
        Annotation {
            id: id.into(),
            tag: tag.into(),
            range,
            text: needle.into(),
            prefix: String::new(),
            suffix: String::new(),
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), AttrValue::Text(v.to_string())))
                .collect(),
            note: String::new(),
            annotator: String::new(),
            created: String::new(),
            modified: String::new(),
            status: None,
            review: None,
            origin: None,
            entity: String::new(),
            extra: Default::default(),
        }
    }

    fn rel(kind: &str, from: &str, to: &str) -> Relation {
        Relation {
            id: format!("{from}-{to}").into(),
            kind: kind.into(),
            from: from.into(),
            to: to.into(),
            annotator: String::new(),
            note: String::new(),
            extra: Default::default(),
        }
    }

    /// Key: sourcing "the minister" (named), quote "we will not sell" (direct) attributed to
    /// it. Student: sourcing "minister" (named) → found, boundaries differ: 0.5 + identity 0.5;
    /// quote with its quotation marks (direct) → found, partial: 0.5 + kind 0.5, linked to
    /// the right source: + 0.5; an extra claim. Possible 1 + 0.5 + 1 + 0.5 + 0.5 = 3.5;
    /// earned 0.5 + 0.5 + 0.5 + 0.5 + 0.5 = 2.5.
    #[test]
    fn partial_credit_attributes_and_relations_by_hand() {
        let text = IndexedText::new("Said the minister: “we will not sell”. Prices rose.".into());
        let k1 = ann(
            &text,
            "k1",
            "sourcing",
            "the minister",
            &[("identity", "named")],
        );
        let k2 = ann(
            &text,
            "k2",
            "quote",
            "we will not sell",
            &[("kind", "direct")],
        );
        let s1 = ann(
            &text,
            "s1",
            "sourcing",
            "minister",
            &[("identity", "named")],
        );
        let s2 = ann(
            &text,
            "s2",
            "quote",
            "“we will not sell”",
            &[("kind", "direct")],
        );
        let s3 = ann(&text, "s3", "claim", "Prices rose", &[]);
        let key = [(k1.range, &k1), (k2.range, &k2)];
        let stu = [(s1.range, &s1), (s2.range, &s2), (s3.range, &s3)];
        let krel = [rel("attributed_to", "k2", "k1")];
        let srel = [rel("attributed_to", "s2", "s1")];
        let g = grade_article(
            &Rubric::default(),
            &text,
            Side {
                annotations: &key,
                relations: &krel,
            },
            Side {
                annotations: &stu,
                relations: &srel,
            },
        );
        assert_eq!(
            g.total,
            Score {
                earned: 2.5,
                possible: 3.5
            }
        );
        assert_eq!(g.extras, [2]);
        assert_eq!(
            g.per_tag["quote"],
            Score {
                earned: 1.5,
                possible: 2.0
            }
        );
        // Linked to the wrong source (none): the relation point is lost.
        let g = grade_article(
            &Rubric::default(),
            &text,
            Side {
                annotations: &key,
                relations: &krel,
            },
            Side {
                annotations: &stu,
                relations: &[],
            },
        );
        assert_eq!(g.total.earned, 2.0);
        // Extras cost when the rubric says so.
        let r = Rubric {
            extra_cost: 0.25,
            ..Rubric::default()
        };
        let g = grade_article(
            &r,
            &text,
            Side {
                annotations: &key,
                relations: &krel,
            },
            Side {
                annotations: &stu,
                relations: &srel,
            },
        );
        assert_eq!(g.total.earned, 2.25);
    }

    #[test]
    fn wrong_tag_and_missed() {
        let text = IndexedText::new("Taxes will rise next year, an aide said.".into());
        let k1 = ann(&text, "k1", "claim", "Taxes will rise next year", &[]);
        let k2 = ann(
            &text,
            "k2",
            "sourcing",
            "an aide",
            &[("identity", "anonymous")],
        );
        let s1 = ann(&text, "s1", "stance", "Taxes will rise next year", &[]);
        let key = [(k1.range, &k1), (k2.range, &k2)];
        let stu = [(s1.range, &s1)];
        let g = grade_article(
            &Rubric::default(),
            &text,
            Side {
                annotations: &key,
                relations: &[],
            },
            Side {
                annotations: &stu,
                relations: &[],
            },
        );
        assert_eq!(g.items[0].outcome, Outcome::WrongTag { student: 0 });
        assert_eq!(g.items[1].outcome, Outcome::Missed);
        assert_eq!(
            g.total,
            Score {
                earned: 0.0,
                possible: 2.5
            }
        );
        assert!(g.extras.is_empty());
    }
}
