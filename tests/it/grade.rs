//! `tagline grade` on the class fixture (`tests/fixtures/class/`, made by its `make.sh` with the
//! real `tagline add` / `relate`): a key with explanations on three short articles and four
//! students with typical mistakes. The expected scores are worked out by hand below.

use crate::util::{Dir, fixtures_dir};

/// The default rubric: 1 point per key span (0.5 when the boundaries differ), 0.5 per matching
/// attribute (quote kind, stance polarity, source identity) and per relation linked like the
/// key's; extras cost nothing.
///
/// Key points: ferry = claim 1 + Olsen 1.5 + quote 2 (kind, attributed_to) + official 1.5 +
/// claim 1.5 (attributed_to) = 7.5; wind = claim 1 + stance 1.5 + quote 2 + mayor 1.5 = 6;
/// budget = claim 1.5 (attributed_to) + report 1.5 + claim 1 = 4. Total 17.5.
///
/// - ana: the ferry quote with its quotation marks and comma: found, boundaries differ:
///   −0.5 → 17 / 17.5 = 97.1%.
/// - ben: the ferry claim tagged as stance: wrong tag, −1 (the claim has no weighed
///   attribute); the headline claim and "Critics" are extras (free) → 16.5 / 17.5 = 94.3%.
/// - cy: misses the anonymous official (−1.5), so the claim's link to it is lost too (−0.5);
///   links Olsen's quote to "reporters" (−0.5) → 15 / 17.5 = 85.7%.
/// - dan: no ferry article (−7.5); stance polarity "favor" (−0.5); quote not linked (−0.5);
///   "finance department report" without "a ": boundaries differ (−0.5) → 8.5 / 17.5 = 48.6%.
const EXPECTED: [(&str, &str, &str); 4] = [
    ("ana", "17", "97.1"),
    ("ben", "16.5", "94.3"),
    ("cy", "15", "85.7"),
    ("dan", "8.5", "48.6"),
];

fn class_dir() -> Dir {
    let dir = Dir::new();
    let src = fixtures_dir().join("class");
    for who in ["key", "ana", "ben", "cy", "dan"] {
        for entry in std::fs::read_dir(src.join(who)).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            dir.write(
                &format!("{who}/{name}"),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    dir
}

#[test]
fn grades_the_class_fixture_as_worked_out_by_hand() {
    let dir = class_dir();
    let run = dir
        .run(&[
            "grade", "--key", "key", "ana", "ben", "cy", "dan", "-o", "out",
        ])
        .expect(1);
    // dan did not hand in the ferry article: reported, the rest graded.
    assert!(
        run.stderr.contains("dan: ferry.txt: not handed in"),
        "{}",
        run.stderr
    );
    let book = dir.read_string("out/gradebook.csv");
    let mut lines = book.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for ((who, points, percent), line) in EXPECTED.iter().zip(lines) {
        let row: Vec<&str> = line.split(',').collect();
        assert_eq!(row[0], *who);
        assert_eq!(row[col("points")], *points, "{who}");
        assert_eq!(row[col("possible")], "17.5", "{who}");
        assert_eq!(row[col("percent")], *percent, "{who}");
    }
    // Per article and tag: ben's ferry claims 3 of 5 points (the wrong-tag one lost),
    // dan's ferry is 0.
    assert!(book.contains("ben,100.0,100.0,100.0,60.0,"), "{book}");
    assert!(
        book.lines()
            .any(|l| l.starts_with("dan,") && l.contains(",0.0,0.0,0.0,0.0,"))
    );
    for page in ["ana.html", "ben.html", "cy.html", "dan.html", "class.html"] {
        let html = dir.read_string(&format!("out/{page}"));
        // Self-contained: nothing fetched from anywhere.
        for banned in ["<script", "<link", " src=", "url(", "http://", "https://"] {
            assert!(!html.contains(banned), "{page} holds {banned}");
        }
    }
    let cy = dir.read_string("out/cy.html");
    assert!(
        cy.contains("An anonymous source is still a source"),
        "the key's note explains"
    );
    assert!(cy.contains("✗ missed") && cy.contains("+ Sourcing “reporters”"));
    // Tags, attributes and relations are named as the scheme labels them.
    let ana = dir.read_string("out/ana.html");
    for shown in [
        "Quote",
        "✓ attributed to “",
        "✓ identity: key named, yours named",
    ] {
        assert!(ana.contains(shown), "ana.html lacks {shown:?}");
    }
    assert!(!ana.contains("attributed_to"));
    let class = dir.read_string("out/class.html");
    assert!(class.contains("<svg") && class.contains("2 of 4"));
    // Not empty: refused without --force.
    dir.run(&["grade", "--key", "key", "ana", "-o", "out"])
        .expect(2);
    dir.run(&["grade", "--key", "key", "ana", "-o", "out", "--force"])
        .expect(0);
}

#[test]
fn student_text_is_escaped_and_the_rubric_prints_and_loads() {
    let dir = Dir::new();
    dir.write("key/a.txt", "Tom said <script>alert(1)</script> & left.");
    dir.write("kid/a.txt", "Tom said <script>alert(1)</script> & left.");
    dir.run(&[
        "add",
        "key/a.txt",
        "--tag",
        "claim",
        "--quote",
        "<script>alert(1)</script>",
        "--note",
        "<b>bold</b>",
    ])
    .expect(0);
    dir.run(&["add", "kid/a.txt", "--tag", "claim", "--quote", "& left"])
        .expect(0);
    dir.run(&["grade", "--key", "key", "kid", "-o", "out"])
        .expect(0);
    let html = dir.read_string("out/kid.html");
    assert!(
        !html.contains("<script") && !html.contains("<b>bold"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;") && html.contains("&amp; left"));
    let rubric = dir.run(&["grade", "--print-rubric"]).expect(0).stdout;
    dir.write(
        "r.json",
        rubric.replace("\"extra_cost\": 0.0", "\"extra_cost\": 1.0"),
    );
    let out = dir
        .run(&[
            "grade", "--key", "key", "kid", "-o", "out2", "--rubric", "r.json",
        ])
        .expect(0);
    assert!(out.stdout.contains("kid: 0.0%"), "{}", out.stdout);
    dir.write("bad.json", "{\"min_overlap\": 2}");
    dir.run(&[
        "grade", "--key", "key", "kid", "-o", "out3", "--rubric", "bad.json",
    ])
    .expect(2);
}
