//! Practice mode: a student checks their work on the open article against a teacher's key
//! (View → Practice with key…, then F8). The key is read only when the student asks, and is
//! never drawn in the article; a teacher turns checking off for a test with
//! `tagline.exercise.json` (`{"checking": false}`) in the exercise folder.

use std::path::{Path, PathBuf};

use crate::analysis::grade::{Outcome, Rubric, Side, grade_article};
use crate::core::{Annotation, CharRange, Document, Status};

use super::*;

/// The exercise file a teacher puts in the exercise folder.
pub const EXERCISE_FILE: &str = "tagline.exercise.json";

/// The practice state: where the key is, and the last check.
#[derive(Clone, Debug, Default)]
pub struct Practice {
    /// The key folder.
    pub key_dir: PathBuf,
    /// The last check of the open article, if any.
    pub check: Option<PracticeCheck>,
}

/// One row of a check: what became of a key annotation, or an extra of the student's.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckRow {
    /// ✓ found, ½ boundaries differ, ≠ wrong tag, ✗ missed, + extra.
    pub mark: &'static str,
    /// The tag's name.
    pub tag: String,
    /// The text concerned.
    pub text: String,
    /// The key's note on it: the teacher's explanation.
    pub explanation: String,
}

/// A check of the open article against the key.
#[derive(Clone, Debug, PartialEq)]
pub struct PracticeCheck {
    /// The article checked.
    pub article: PathBuf,
    /// Points earned and possible.
    pub earned: f64,
    /// Points possible.
    pub possible: f64,
    /// Found, missed and extra, key order first.
    pub rows: Vec<CheckRow>,
    /// Counts: found, missed, extra.
    pub found: usize,
    /// Key annotations missed (or tagged otherwise).
    pub missed: usize,
    /// The student's spans the key does not have.
    pub extra: usize,
}

/// Whether the exercise folder of `article` allows checking: `false` when its
/// `tagline.exercise.json` says `"checking": false`.
pub fn checking_allowed(article: &Path) -> bool {
    let Some(dir) = article.parent() else {
        return true;
    };
    let Ok(bytes) = std::fs::read(dir.join(EXERCISE_FILE)) else {
        return true;
    };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("checking").and_then(serde_json::Value::as_bool))
        .unwrap_or(true)
}

fn counted(doc: &Document) -> Vec<(CharRange, &Annotation)> {
    doc.annotations()
        .iter()
        .filter(|a| !matches!(a.status, Some(Status::Orphaned) | Some(Status::Suggested)))
        .map(|a| (a.range, a))
        .collect()
}

/// Checks `student` against `key` (the same article): the grading of `tagline grade` with the
/// default rubric.
pub fn check(key: &Document, student: &Document) -> Result<PracticeCheck, String> {
    if key.article.sha256 != student.article.sha256 {
        return Err("the key's copy of this article is not the same text; ask your teacher".into());
    }
    let rubric = Rubric::default();
    let key_anns = counted(key);
    let student_anns = counted(student);
    let g = grade_article(
        &rubric,
        &key.article.text,
        Side {
            annotations: &key_anns,
            relations: key.relations(),
        },
        Side {
            annotations: &student_anns,
            relations: student.relations(),
        },
    );
    let label = |tag: &str| key.scheme.tag_label(tag).to_owned();
    let mut rows = Vec::new();
    let (mut found, mut missed) = (0, 0);
    for item in &g.items {
        let (_, k) = key_anns[item.key];
        let mark = match item.outcome {
            Outcome::Found { exact: true, .. } => "✓",
            Outcome::Found { exact: false, .. } => "½",
            Outcome::WrongTag { .. } => "≠",
            Outcome::Missed => "✗",
        };
        if matches!(item.outcome, Outcome::Found { .. }) {
            found += 1;
        } else {
            missed += 1;
        }
        rows.push(CheckRow {
            mark,
            tag: label(&k.tag),
            text: k.text.clone(),
            explanation: k.note.clone(),
        });
    }
    for &i in &g.extras {
        let (_, a) = student_anns[i];
        rows.push(CheckRow {
            mark: "+",
            tag: label(&a.tag),
            text: a.text.clone(),
            explanation: "Not in the key.".into(),
        });
    }
    Ok(PracticeCheck {
        article: student.article.path.clone(),
        earned: g.total.earned,
        possible: g.total.possible,
        rows,
        found,
        missed,
        extra: g.extras.len(),
    })
}

impl TaglineApp {
    /// F8: checks the open article against the key, if practice is on and checking allowed.
    pub(super) fn check_my_work(&mut self) {
        let Some(practice) = &self.practice else {
            self.notify(
                Level::Info,
                "Set the key folder first: View → Practice with key…",
                vec![],
            );
            return;
        };
        let Some(doc) = self.doc() else { return };
        if !checking_allowed(&doc.article.path) {
            self.notify(
                Level::Info,
                "Checking is turned off for this exercise (a test): your teacher will grade it.",
                vec![],
            );
            return;
        }
        let relative = match (&self.library.root, doc.article.path.parent()) {
            (Some(root), _) => doc
                .article
                .path
                .strip_prefix(root)
                .ok()
                .map(Path::to_path_buf),
            (None, _) => doc.article.path.file_name().map(PathBuf::from),
        };
        let Some(relative) = relative else { return };
        let key_path = practice.key_dir.join(&relative);
        let result = Document::open(&key_path, &self.load_options)
            .map_err(|e| format!("the key has no readable copy of this article ({e})"))
            .and_then(|(key, _)| check(&key, doc));
        match result {
            Ok(c) => {
                if let Some(p) = &mut self.practice {
                    p.check = Some(c);
                }
            }
            Err(e) => self.notify(Level::Warning, format!("Cannot check: {e}"), vec![]),
        }
    }
}
