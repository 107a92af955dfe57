//! `validate` and `reanchor` see the same articles: both walk paths with the core's one corpus
//! walker, so a missing path or a sidecar whose article is gone is reported by both.

use crate::util::Dir;

#[test]
fn validate_and_reanchor_report_what_the_paths_do_not_hold() {
    let dir = Dir::new();
    dir.fixture_as("harbour.txt", "corpus/harbour.txt");
    dir.run(&[
        "add",
        "corpus/harbour.txt",
        "--tag",
        "claim",
        "--quote",
        "Work starts in March",
    ])
    .expect(0);
    dir.write(
        "corpus/sub/gone.txt.annotations.json",
        dir.read("corpus/harbour.txt.annotations.json"),
    );

    let run = dir.run(&["reanchor", "corpus", "nowhere.txt"]).expect(2);
    assert_eq!(run.stdout, "corpus/harbour.txt: unchanged\n");
    assert!(
        run.stderr.contains("corpus/sub/gone.txt.annotations.json")
            && run.stderr.contains("is missing"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("nowhere.txt: no such file or folder"),
        "{}",
        run.stderr
    );
    // Stderr is not a terminal here: no progress bar is drawn.
    assert!(!run.stderr.contains("articles found"), "{}", run.stderr);

    // A path that does not exist is an input error: exit 2 (issue 9), after the others are
    // checked and listed.
    let run = dir.run(&["validate", "corpus", "nowhere.txt"]).expect(2);
    assert!(
        run.stderr.contains("nowhere.txt: no such file or folder"),
        "{}",
        run.stderr
    );
    let files: Vec<&str> = run.stdout.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        files,
        [
            "corpus/harbour.txt.annotations.json: ok",
            "corpus/sub/gone.txt.annotations.json: INVALID",
            "nowhere.txt: INVALID",
        ]
    );
}
