//! The command line tried as a new user would: odd and bad input (other encodings forced,
//! broken sidecars, odd paths, options in unusual places) gets a clear message naming the
//! file and the documented exit code, and never a misplaced annotation.

use crate::util::{Dir, assert_matches_schema};

/// "Le café — déjà vu. « Non », dit-elle. Résumé à la française." in Windows-1252.
const CP1252: &[u8] =
    b"Le caf\xE9 \x97 d\xE9j\xE0 vu. \xAB Non \xBB, dit-elle. R\xE9sum\xE9 \xE0 la fran\xE7aise.\n";

/// Forcing another encoding onto an article whose sidecar recorded one gives another text
/// from the same bytes (same `sha256`): the annotations are re-anchored onto it, never left
/// at offsets that now cover other letters.
#[test]
fn forcing_another_encoding_re_anchors_instead_of_misplacing() {
    let dir = Dir::new();
    dir.write("w.txt", CP1252);
    dir.run(&["add", "w.txt", "--tag", "quote", "--quote", "« Non »"])
        .expect(0);
    dir.run(&["validate", "w.txt"]).expect(0);

    // In ISO-8859-2 the guillemets' bytes are "Ť" and "ť": the quote is not in that text.
    let run = dir
        .run(&["validate", "w.txt", "--encoding", "iso-8859-2"])
        .expect(1);
    assert!(
        run.stdout.contains("read as iso-8859-2") && run.stdout.contains("windows-1252"),
        "validate says the encodings differ: {run:?}"
    );
    let run = dir
        .run(&["show", "w.txt", "--encoding", "iso-8859-2"])
        .expect(0);
    assert!(
        run.stderr.contains("re-anchored") && run.stderr.contains("orphaned"),
        "show says what happened to the quote: {run:?}"
    );

    // An edit under the forced encoding saves a sidecar that matches its article as read.
    dir.run(&[
        "add",
        "w.txt",
        "--tag",
        "claim",
        "--quote",
        "dit-elle",
        "--encoding",
        "iso-8859-2",
    ])
    .expect(0);
    let sidecar = dir.read_json("w.txt.annotations.json");
    assert_matches_schema(&sidecar, "w.txt.annotations.json");
    assert_eq!(sidecar["article"]["encoding"], "iso-8859-2");
    let quote = sidecar["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["tag"] == "quote")
        .expect("the quote is kept");
    assert_eq!(quote["status"], "orphaned", "{sidecar:#}");
    let run = dir.run(&["validate", "w.txt"]).expect(1);
    assert!(
        run.stdout.contains("orphaned") && !run.stdout.contains("covers"),
        "no span covers other text than its own: {run:?}"
    );

    // Read as recorded again (windows-1252 forced back), the orphan finds its text again.
    let run = dir
        .run(&["reanchor", "w.txt", "--encoding", "windows-1252"])
        .expect(0);
    assert!(
        run.stdout.contains("holds its text") || run.stdout.contains("moved"),
        "{run:?}"
    );
    dir.run(&["validate", "w.txt"]).expect(0);
}

/// In a corpus, an unreadable sidecar or article is skipped with its name and the rest is done:
/// exit 1, as `validate`, `stats`, `export`, `story` and `agree` do; a path that is not there
/// is an input error: exit 2.
#[test]
fn reanchor_and_suggest_skip_what_they_cannot_read_with_exit_1() {
    let dir = Dir::new();
    dir.write(
        "good.txt",
        "“We will,” she said. The strike ends on Monday.\n",
    );
    dir.run(&["add", "good.txt", "--tag", "claim", "--quote", "The strike"])
        .expect(0);
    dir.write("bad.txt", "The minister said so.\n");
    dir.write("bad.txt.annotations.json", "{ not json");
    dir.write("binary.txt", b"\x00\x01\x02 not text");
    dir.write(
        "binary.txt.annotations.json",
        dir.read("good.txt.annotations.json"),
    );
    dir.write(
        "good.txt",
        "Preface.\n“We will,” she said. The strike ends on Monday.\n",
    );

    let run = dir.run(&["reanchor", "."]).expect(1);
    assert!(run.stdout.contains("good.txt: moved"), "{run:?}");
    assert!(
        run.stderr.contains("bad.txt.annotations.json") && run.stderr.contains("left untouched"),
        "{run:?}"
    );
    assert!(run.stderr.contains("binary.txt"), "{run:?}");
    assert_eq!(dir.read_string("bad.txt.annotations.json"), "{ not json");

    let run = dir.run(&["suggest", "--dry-run", "."]).expect(1);
    assert!(run.stdout.contains("good.txt"), "{run:?}");
    assert!(
        run.stderr.contains("bad.txt.annotations.json") && run.stderr.contains("binary.txt"),
        "{run:?}"
    );

    let run = dir.run(&["reanchor", "good.txt", "nowhere.txt"]).expect(2);
    assert!(run.stderr.contains("nowhere.txt: no such file"), "{run:?}");
    dir.run(&["suggest", "--dry-run", "nowhere.txt"]).expect(2);
}

/// The global options (`--encoding`, `--lock-wait`, `--max-size-mib`) work before the command
/// too, as `--help` lists them first; they used to turn the command's name into a path for the
/// window to open.
#[test]
fn global_options_before_the_command_run_the_command() {
    let dir = Dir::new();
    dir.write("w.txt", CP1252);
    let run = dir
        .run(&[
            "--encoding",
            "windows-1252",
            "add",
            "w.txt",
            "--tag",
            "quote",
            "--quote",
            "« Non »",
        ])
        .expect(0);
    assert_eq!(run.line().len(), 10, "{run:?}");
    let run = dir
        .run(&["--lock-wait", "1", "--max-size-mib", "1", "show", "w.txt"])
        .expect(0);
    assert!(run.stdout.contains("« Non »"), "{run:?}");
    let run = dir.run(&["--max-size-mib", "1", "validate", "."]).expect(0);
    assert!(run.stdout.contains("w.txt.annotations.json: ok"), "{run:?}");
}

/// A mistyped command is not opened as an article in the window: exit 2 naming the closest
/// command.
#[test]
fn a_mistyped_command_is_named_not_opened() {
    let dir = Dir::new();
    let run = dir.run(&["valdate", "."]).expect(2);
    assert!(
        run.stderr
            .contains("valdate: no such file or folder, and not a command")
            && run.stderr.contains("`tagline validate`"),
        "{run:?}"
    );
    let run = dir.run(&["frobnicate"]).expect(2);
    assert!(run.stderr.contains("tagline --help"), "{run:?}");
    assert!(!run.stderr.contains("did you mean"), "{run:?}");
}

/// A brat export into a folder inside the corpus it exports would put copies of the articles
/// (`NAME.txt`) into the corpus: the next export, `stats` or `agree` would count them as more
/// articles (and `--force` nested them once more). Refused, naming both; outside is fine, and
/// so is a `.jsonl` inside (it is no article).
#[test]
fn an_export_of_article_copies_inside_the_exported_folder_is_refused() {
    let dir = Dir::new();
    dir.write(
        "my news/Ünï 新闻/À la une.txt",
        "Le président a dit : « Nous ne céderons pas ». 📰 ×2\r\n",
    );
    dir.run(&[
        "add",
        "my news/Ünï 新闻/À la une.txt",
        "--tag",
        "quote",
        "--quote",
        "Nous ne céderons pas",
    ])
    .expect(0);
    for out in [
        "my news/brat out",
        "my news/Ünï 新闻/brat",
        "./my news/../my news/x",
    ] {
        let run = dir
            .run(&[
                "export", "--format", "brat", "my news", "-o", out, "--force",
            ])
            .expect(2);
        assert!(
            run.stderr.contains(out) && run.stderr.contains("is inside my news"),
            "{run:?}"
        );
    }
    let run = dir
        .run(&[
            "export",
            "--format",
            "conll",
            "my news",
            "-o",
            "my news/train.txt",
        ])
        .expect(2);
    assert!(run.stderr.contains("train.txt"), "{run:?}");
    let run = dir.run(&["stats", "my news"]).expect(0);
    assert!(
        run.stdout.starts_with("1 articles"),
        "nothing was written: {run:?}"
    );

    dir.run(&[
        "export",
        "--format",
        "jsonl",
        "my news",
        "-o",
        "my news/train.jsonl",
    ])
    .expect(0);
    dir.run(&["export", "--format", "brat", "my news", "-o", "brat out"])
        .expect(0);
    assert!(dir.exists("brat out/Ünï 新闻/À la une.txt"));
    let run = dir.run(&["stats", "my news"]).expect(0);
    assert!(run.stdout.starts_with("1 articles"), "{run:?}");
}

/// `show --annotator NAME` lists that annotator's relations and those touching the
/// annotations shown, not every relation of the sidecar (which named ids the table left out).
#[test]
fn show_for_one_annotator_lists_only_the_relations_that_concern_them() {
    let dir = Dir::new();
    dir.write(
        "a.txt",
        "“We will,” said the minister. “No,” said the union.\n",
    );
    let add = |tag: &str, quote: &str, who: &str| {
        dir.run(&[
            "add",
            "a.txt",
            "--tag",
            tag,
            "--quote",
            quote,
            "--annotator",
            who,
        ])
        .expect(0)
        .line()
    };
    let minister = add("sourcing", "the minister", "ana");
    let we = add("quote", "We will", "ana");
    let union = add("sourcing", "the union", "ben");
    let no = add("quote", "No", "ben");
    let relate = |from: &str, to: &str, who: &str| {
        dir.run(&[
            "relate",
            "a.txt",
            from,
            "attributed_to",
            to,
            "--annotator",
            who,
        ])
        .expect(0)
        .line()
    };
    let ana_rel = relate(&we, &minister, "ana");
    let ben_rel = relate(&no, &union, "ben");
    let run = dir.run(&["show", "a.txt", "--annotator", "ana"]).expect(0);
    assert!(run.stdout.contains("2 annotations, 1 relations"), "{run:?}");
    assert!(
        run.stdout.contains(&ana_rel) && !run.stdout.contains(&ben_rel),
        "{run:?}"
    );
    let run = dir.run(&["show", "a.txt"]).expect(0);
    assert!(run.stdout.contains("4 annotations, 2 relations"), "{run:?}");
}

/// `validate` and `reanchor` on a folder with nothing of Tagline's in it say so (exit 0: nothing
/// is wrong) instead of printing nothing, which read as "checked, all fine".
#[test]
fn validate_and_reanchor_say_when_there_is_nothing_to_do() {
    let dir = Dir::new();
    dir.write("empty/.keep", "");
    dir.write("plain/a.txt", "Not annotated yet.\n");
    for folder in ["empty", "plain"] {
        let run = dir.run(&["validate", folder]).expect(0);
        assert!(run.stderr.contains("nothing to check"), "{run:?}");
        let run = dir.run(&["reanchor", folder]).expect(0);
        assert!(run.stderr.contains("nothing to re-anchor"), "{run:?}");
    }
    dir.run(&["add", "plain/a.txt", "--tag", "claim", "--span", "0:3"])
        .expect(0);
    let run = dir.run(&["validate", "plain"]).expect(0);
    assert!(run.stderr.is_empty(), "{run:?}");
    let run = dir.run(&["reanchor", "plain"]).expect(0);
    assert!(run.stderr.is_empty(), "{run:?}");
}

/// An output whose folder cannot be written names the output and its folder, not the hidden
/// temporary name it was about to make (`/proc` refuses new files even to root).
#[cfg(target_os = "linux")]
#[test]
fn an_output_in_a_folder_that_cannot_be_written_is_named() {
    let dir = Dir::new();
    dir.write("a.txt", "The minister said so.\n");
    for format in ["jsonl", "brat"] {
        let run = dir
            .run(&[
                "export",
                "--format",
                format,
                "a.txt",
                "-o",
                "/proc/tagline-out",
            ])
            .expect(2);
        assert!(
            run.stderr
                .contains("/proc/tagline-out: cannot write in its folder /proc:"),
            "{run:?}"
        );
        assert!(!run.stderr.contains("partial"), "{run:?}");
    }
}

/// `add --nth 0` and an empty `--quote` are usage errors saying what is wrong, not "occurrence
/// 0 of … not found".
#[test]
fn add_refuses_nth_0_and_an_empty_quote_as_usage_errors() {
    let dir = Dir::new();
    dir.write("a.txt", "The minister said the strike ends.\n");
    let run = dir
        .run(&[
            "add", "a.txt", "--tag", "claim", "--quote", "the", "--nth", "0",
        ])
        .expect(2);
    assert!(
        run.stderr.contains("--nth") && !run.stderr.contains("not found"),
        "{run:?}"
    );
    let run = dir
        .run(&["add", "a.txt", "--tag", "claim", "--quote", ""])
        .expect(2);
    assert!(
        run.stderr.contains("--quote") && !run.stderr.contains("not found"),
        "{run:?}"
    );
    assert!(!dir.exists("a.txt.annotations.json"));
    dir.run(&[
        "add", "a.txt", "--tag", "claim", "--quote", "the", "--nth", "1",
    ])
    .expect(0);
}

/// Setting a label to the value it has, or clearing one that is not set, is done already: exit
/// 0 with a note, so a script that marks a folder `status done` can run twice.
#[test]
fn a_label_set_again_is_not_an_error() {
    let dir = Dir::new();
    dir.write("a.txt", "Hello there.\n");
    let run = dir.run(&["label", "a.txt", "status"]).expect(0);
    assert!(run.stderr.contains("label `status` is not set"), "{run:?}");
    assert!(!dir.exists("a.txt.annotations.json"), "nothing to save");
    dir.run(&["label", "a.txt", "status", "done"]).expect(0);
    let before = dir.read("a.txt.annotations.json");
    let run = dir.run(&["label", "a.txt", "status", "done"]).expect(0);
    assert!(run.stderr.contains("already `done`"), "{run:?}");
    assert_eq!(dir.read("a.txt.annotations.json"), before);
    // Other edits that change nothing are still refused.
    let id = dir
        .run(&["add", "a.txt", "--tag", "claim", "--span", "0:5"])
        .expect(0)
        .line();
    dir.run(&["remove", "a.txt", &id]).expect(0);
    dir.run(&["remove", "a.txt", &id]).expect(2);
}

/// `bench view --frames 5` runs 40 frames (two regions of 20); the help says so.
#[test]
fn bench_help_gives_the_least_number_of_frames() {
    let dir = Dir::new();
    for sub in ["view", "compare"] {
        let run = dir.run(&["bench", sub, "--help"]).expect(0);
        assert!(run.stdout.contains("at least 40"), "{run:?}");
    }
}
