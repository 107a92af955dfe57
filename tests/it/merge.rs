//! Sidecars merged by real `git merge` with `tagline merge-driver` as the merge driver, and
//! `tagline git-setup`.

use std::path::Path;
use std::process::Command;

use tagline::core::merge::merge3;
use tagline::core::sidecar::SidecarData;
use tagline::core::validate::{Severity, validate_data};
use tagline::core::{
    Action, AnnotationId, Article, AttrValue, Document, LoadOptions, ReviewReason, Scheme, Status,
};

use crate::util::{Dir, assert_matches_schema};

const ARTICLE_A: &str = "The minister said “we will build the bridge” on Monday. \
Critics said the plan costs too much. The council has not voted.\n";
const ARTICLE_B: &str = "Ferry workers walked out at dawn. The union said talks had failed.\n";

/// Runs git in `dir` with no user or system configuration; returns (exit code, output).
fn git(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Ana")
        .env("GIT_AUTHOR_EMAIL", "ana@example.org")
        .env("GIT_COMMITTER_NAME", "Ana")
        .env("GIT_COMMITTER_EMAIL", "ana@example.org")
        .output()
        .expect("git runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[track_caller]
fn git_ok(dir: &Path, args: &[&str]) -> String {
    let (code, out) = git(dir, args);
    assert_eq!(code, 0, "git {args:?} failed:\n{out}");
    out
}

/// Edits an article's sidecar through the library, as the window does; returns new ids.
fn edit(dir: &Dir, article: &str, annotator: &str, actions: Vec<Action>) -> Vec<AnnotationId> {
    let (mut doc, report) = Document::open(&dir.join(article), &LoadOptions::default()).unwrap();
    assert!(report.sidecar_problem.is_none(), "{report:?}");
    let ids = actions
        .into_iter()
        .filter_map(|a| doc.perform(a, annotator).unwrap())
        .filter_map(tagline::core::NewId::annotation)
        .collect();
    doc.save().unwrap();
    ids
}

fn add(doc_text: &str, quote: &str, tag: &str) -> Action {
    let byte = doc_text.find(quote).unwrap();
    let start = doc_text[..byte].chars().count();
    Action::Add {
        tag: tag.into(),
        range: tagline::core::CharRange::new(start, start + quote.chars().count()),
        attributes: Default::default(),
        note: String::new(),
        status: None,
    }
}

fn set_attr(id: &str, name: &str, value: &str) -> Action {
    Action::SetAttribute {
        id: id.into(),
        name: name.into(),
        value: Some(AttrValue::Text(value.into())),
    }
}

fn label(value: &str) -> Action {
    Action::SetLabel {
        name: "status".into(),
        value: Some(AttrValue::Text(value.into())),
    }
}

/// The merged sidecar: valid JSON in Tagline's own layout, matching the schema, and free of
/// validation errors against its article.
fn check_sidecar(dir: &Dir, article: &str) -> SidecarData {
    let name = format!("{article}.annotations.json");
    let text = dir.read_string(&name);
    assert!(
        !text.contains("<<<<<<<") && !text.contains(">>>>>>>"),
        "{text}"
    );
    assert_matches_schema(&serde_json::from_str(&text).unwrap(), &name);
    let data = SidecarData::parse(text.as_bytes(), Path::new(&name)).unwrap();
    assert_eq!(
        data.to_json(),
        text,
        "{name} is in the layout Tagline writes"
    );
    let art = Article::load(&dir.join(article), &LoadOptions::default()).unwrap();
    let errors: Vec<_> = validate_data(&art, &data, &Scheme::default_news())
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    data
}

fn find<'a>(data: &'a SidecarData, id: &str) -> Option<&'a tagline::core::Annotation> {
    data.annotations.iter().find(|a| a.id == id)
}

#[test]
fn git_merge_uses_the_driver_clean_and_with_a_conflict() {
    let dir = Dir::new();
    let root = dir.path();
    git_ok(root, &["init", "-q", "-b", "main"]);
    let driver = format!("'{}' merge-driver %O %A %B", env!("CARGO_BIN_EXE_tagline"));
    git_ok(root, &["config", "merge.tagline.driver", &driver]);
    dir.write(".gitattributes", "*.annotations.json merge=tagline\n");
    dir.write("a.txt", ARTICLE_A);
    dir.write("b.txt", ARTICLE_B);
    let a0 = edit(
        &dir,
        "a.txt",
        "ana",
        vec![
            add(ARTICLE_A, "we will build the bridge", "quote"),
            add(ARTICLE_A, "The minister", "sourcing"),
            add(ARTICLE_A, "the plan costs too much", "claim"),
            label("todo"),
        ],
    );
    let (quote, minister, costs) = (a0[0].clone(), a0[1].clone(), a0[2].clone());
    edit(
        &dir,
        "a.txt",
        "ana",
        vec![Action::Relate {
            kind: "attributed_to".into(),
            from: quote.clone(),
            to: minister.clone(),
            note: String::new(),
        }],
    );
    let b0 = edit(
        &dir,
        "b.txt",
        "ana",
        vec![add(ARTICLE_B, "talks had failed", "claim")],
    );
    let talks = b0[0].clone();
    git_ok(root, &["add", "-A"]);
    git_ok(root, &["commit", "-q", "-m", "base"]);

    // ----- 1. a clean merge: additions, deletions and edits of different fields
    git_ok(root, &["checkout", "-q", "-b", "bo"]);
    let bo_added = edit(
        &dir,
        "a.txt",
        "bo",
        vec![
            add(ARTICLE_A, "The council has not voted", "claim"),
            Action::Remove { id: costs.clone() },
        ],
    );
    edit(
        &dir,
        "b.txt",
        "bo",
        vec![Action::SetNote {
            id: talks.clone(),
            note: "check with the union".into(),
        }],
    );
    git_ok(root, &["commit", "-q", "-am", "bo's work"]);
    git_ok(root, &["checkout", "-q", "main"]);
    let ana_added = edit(
        &dir,
        "a.txt",
        "ana",
        vec![
            add(ARTICLE_A, "Critics", "sourcing"),
            set_attr(&quote, "kind", "partial"),
        ],
    );
    edit(
        &dir,
        "b.txt",
        "ana",
        vec![Action::SetStatus {
            id: talks.clone(),
            status: Some(Status::Uncertain),
        }],
    );
    git_ok(root, &["commit", "-q", "-am", "ana's work"]);
    let (code, out) = git(root, &["merge", "--no-edit", "bo"]);
    println!("--- git merge bo (clean), exit {code}:\n{out}");
    assert_eq!(code, 0, "{out}");
    let a = check_sidecar(&dir, "a.txt");
    assert!(find(&a, &bo_added[0]).is_some() && find(&a, &ana_added[0]).is_some());
    assert!(find(&a, &costs).is_none(), "bo's deletion honoured");
    assert_eq!(
        find(&a, &quote).unwrap().attributes.get("kind"),
        Some(&AttrValue::Text("partial".into()))
    );
    assert_eq!(a.relations.len(), 1);
    let b = check_sidecar(&dir, "b.txt");
    let t = find(&b, &talks).unwrap();
    assert_eq!(
        (t.note.as_str(), t.status),
        ("check with the union", Some(Status::Uncertain)),
        "both sides' edits of one annotation"
    );
    assert!(a.annotations.iter().all(|x| x.review.is_none()));

    // ----- 2. a real conflict: the same attribute, a label, and an edit of a deleted annotation
    git_ok(root, &["checkout", "-q", "-b", "cy"]);
    edit(
        &dir,
        "a.txt",
        "cy",
        vec![
            set_attr(&quote, "kind", "indirect"),
            Action::Remove {
                id: bo_added[0].clone(),
            },
            label("done"),
        ],
    );
    git_ok(root, &["commit", "-q", "-am", "cy's work"]);
    git_ok(root, &["checkout", "-q", "main"]);
    edit(
        &dir,
        "a.txt",
        "ana",
        vec![
            set_attr(&quote, "kind", "direct"),
            Action::SetNote {
                id: bo_added[0].clone(),
                note: "the vote is on Friday".into(),
            },
            label("in_progress"),
        ],
    );
    git_ok(root, &["commit", "-q", "-am", "ana's second pass"]);
    let (code, out) = git(root, &["merge", "--no-edit", "cy"]);
    println!("--- git merge cy (conflict), exit {code}:\n{out}");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("CONFLICT") && out.contains("a.txt.annotations.json"),
        "{out}"
    );
    assert!(
        out.contains("to review"),
        "the driver says what to do: {out}"
    );
    let a = check_sidecar(&dir, "a.txt");
    let ours = find(&a, &quote).unwrap();
    assert_eq!(
        ours.attributes.get("kind"),
        Some(&AttrValue::Text("direct".into()))
    );
    let review = ours.review.as_ref().unwrap();
    assert_eq!(review.reason, ReviewReason::Merge);
    let theirs = find(&a, review.other.as_deref().unwrap()).unwrap();
    assert_eq!(
        theirs.attributes.get("kind"),
        Some(&AttrValue::Text("indirect".into()))
    );
    assert_eq!(
        theirs.review.as_ref().unwrap().other.as_deref(),
        Some(quote.as_str())
    );
    assert_eq!(theirs.range, ours.range);
    let council = find(&a, &bo_added[0]).unwrap();
    assert_eq!(council.note, "the vote is on Friday");
    assert_eq!(
        council.review.as_ref().unwrap().reason,
        ReviewReason::MergeDeleted
    );
    assert_eq!(a.labels["status"], AttrValue::Text("in_progress".into()));
    assert_eq!(a.merge.labels["status"], AttrValue::Text("done".into()));
    // The file is whole, so finishing the merge is `git add` and a commit.
    let sidecar = dir.read_string("a.txt.annotations.json");
    println!("--- merged a.txt.annotations.json:\n{sidecar}");
    git_ok(root, &["add", "a.txt.annotations.json"]);
    git_ok(root, &["commit", "-q", "--no-edit"]);
    // And the window's loader takes it.
    let (doc, report) = Document::open(&dir.join("a.txt"), &LoadOptions::default()).unwrap();
    assert!(report.sidecar_problem.is_none());
    assert_eq!(doc.merge_record().labels.len(), 1);
    assert_eq!(
        doc.annotations()
            .iter()
            .filter(|x| x.review.is_some())
            .count(),
        3
    );
}

#[test]
fn the_driver_leaves_an_unreadable_file_alone() {
    let dir = Dir::new();
    let good = SidecarData::default().to_json();
    dir.write("base.json", &good);
    dir.write("ours.json", "{ \"format\": \"tagline-annotations\", oops");
    dir.write("theirs.json", &good);
    let run = dir
        .run(&["merge-driver", "base.json", "ours.json", "theirs.json"])
        .expect(2);
    assert!(
        run.stderr.contains("ours.json") && run.stderr.contains("not valid JSON"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("left as on this branch"),
        "{}",
        run.stderr
    );
    assert_eq!(
        dir.read_string("ours.json"),
        "{ \"format\": \"tagline-annotations\", oops"
    );
    // An empty ancestor is what git gives when both branches added the file.
    dir.write("base.json", "");
    dir.write("ours.json", &good);
    dir.run(&["merge-driver", "base.json", "ours.json", "theirs.json"])
        .expect(0);
    assert_eq!(dir.read_string("ours.json"), good);
}

#[test]
fn git_setup_writes_the_attribute_and_the_config_once() {
    let dir = Dir::new();
    let root = dir.path();
    git_ok(root, &["init", "-q"]);
    dir.write(".gitattributes", "*.png binary");
    let run = dir.run(&["git-setup"]).expect(0);
    assert!(run.stdout.contains("added"), "{}", run.stdout);
    dir.run(&["git-setup", "."]).expect(0);
    assert_eq!(
        dir.read_string(".gitattributes"),
        "*.png binary\n*.annotations.json merge=tagline\n"
    );
    let value = git_ok(root, &["config", "merge.tagline.driver"]);
    assert_eq!(value.trim(), "tagline merge-driver %O %A %B");
    let not_a_repo = Dir::new();
    let run = not_a_repo.run(&["git-setup"]);
    // Outside a repository git refuses; the attribute is written and the command shown.
    if run.code != 0 {
        assert_eq!(run.code, 2);
        assert!(
            run.stderr.contains("git config merge.tagline.driver"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn merging_the_sample_with_itself_changes_nothing() {
    // A real sidecar: every field Tagline writes survives a merge with no changes.
    let path = crate::util::fixtures_dir().join("budget.md.annotations.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let data = SidecarData::parse(text.as_bytes(), &path).unwrap();
    let m = merge3(&data, &data, &data);
    assert!(m.is_clean());
    assert_eq!(m.merged.to_json(), text);
}
