//! Re-anchoring measured: invented news articles, annotated at random, edited in known ways
//! (insertions, deletions, paragraph moves, duplicated paragraphs, typo fixes, quote style,
//! whitespace, CRLF, re-encoding) with every char's origin tracked, so the right place of each
//! annotation is known. The table in `docs/reliability.md` ("Re-anchoring") is this test's
//! output (`TAGLINE_BLESS=1 cargo test --test it reanchor` rewrites it); the test holds the
//! floors: nothing placed wrongly, ≥ 99% placed right where the span's text is unchanged,
//! ≥ 90% after typographic and whitespace normalisation, ≥ 80% after a typo inside the span.

use std::path::Path;

use proptest::prelude::*;
use tagline::core::anchor::{Anchoring, reanchor_all};
use tagline::core::{Annotation, Article, CharRange, IndexedText, LoadOptions};

const HARBOUR: &str = "Port authority delays the harbour expansion after a second failed survey

The port authority said on Tuesday that it would delay the expansion of the eastern harbour by at least eighteen months, after a second survey found that the seabed could not carry the weight of the planned container cranes. \"We are not going to pour concrete on a guess,\" said Miriam Okafor, the authority's chief engineer. \"The first survey was optimistic. The second one was honest.\"

The expansion, approved by the city council in March, was meant to double the number of ships the port can unload each day. Shipping companies had welcomed the plan, but residents of the Kettle Bay district said the construction would close the only public beach on the eastern shore for three summers.

According to documents seen by the Courier, the second survey cost 2.4 million and took eleven weeks. It found soft clay up to nine metres deep under the northern berth. Engineers said the clay would have to be removed or reinforced with piles, which could add 40 million to the cost of the project.

Council member Tomasz Lind, who voted against the plan, said the delay proved that the council had moved too fast. \"We were told the ground was solid. It was not,\" he said. \"Somebody should explain why the first survey missed it.\" The authority said it would publish both surveys next week.

The mayor's office said the city remained committed to the expansion. A spokesperson said the delay was \"disappointing but responsible\" and that the city would not lose its national funding, which is tied to the project starting before the end of next year.

Shipping companies were less patient. The regional freight association said its members had already ordered larger vessels. \"Every month of delay is a month of ships waiting at anchor,\" said its director, Paul Esteves. The association said it would ask the national government to step in.

The authority will present a revised timetable to the council on 14 November.
";

const CLINIC: &str = "Rural clinics to share doctors under a new county scheme

Three rural clinics in the north of the county will share a pool of doctors from January, the county health board announced on Monday, in an attempt to keep all three open after years of staff shortages.

Under the scheme, eight doctors will rotate between the clinics in Hollin, Marsh End and Upper Ferry, spending two days a week in each. Patients will be able to book appointments at any of the three, and a minibus will run between the villages on clinic days.

“This is not the solution we wanted, but it is the one that keeps the doors open,” said Dr Helen Marsh, who chairs the board. “Nobody will lose their clinic.” She said the board had tried for four years to recruit doctors to each village separately, and had failed every time.

The clinic in Upper Ferry has been without a permanent doctor since last spring, when its only physician retired. Residents have had to travel forty minutes to the hospital in Brackton for routine appointments. “My mother is ninety-one,” said one resident, Aled Price. “Forty minutes each way is not routine for her.”

Not everyone welcomed the plan. The union representing clinic nurses said its members had not been consulted and warned that rotating doctors would mean patients rarely saw the same one twice. “Continuity is not a luxury — it is how you catch things early,” said the union’s regional officer, Sunita Rao.

The board said the scheme would cost 1.1 million a year, most of it for travel and the minibus, and would be reviewed after twelve months. It said it would publish the number of appointments at each clinic every quarter.

The first rotation starts on 6 January.
";

/// Hard-wrapped at 72 columns like a wire feed, so spans cross line breaks.
const FLOODS: &str = "Floods close the valley road for the third time this year

The valley road between Ashford and Millbridge was closed again on
Sunday after the river burst its banks near the old mill, the third
closure since January. Police said about two hundred homes were
without power overnight and that the road would stay shut until the
water had gone down and engineers had checked the bridge.

\"We have been here before and we will be here again unless something
changes,\" said Gareth Pryce, who runs the garage at the Millbridge end
of the road. He said his business had lost a week of trade each time
the road closed.

The county council said it had asked the national flood agency for
money to raise the road by a metre along its lowest stretch. A
council spokesperson said the work would cost about 6 million and
take two years. The agency said it would decide in the spring.

Residents said the floods were getting worse. \"My grandfather saw
the road close once in his whole life,\" said Nia Evans, a teacher in
Ashford. \"I have seen it close nine times.\" The council said it
would open a rest centre in the Ashford school hall for people who
could not get home.

The weather service has warned of more heavy rain later in the week.
";

const INSERTS: &[&str] = &[
    "The authority said the survey was independent. ",
    "Officials did not respond to a request for comment. ",
    "The second survey was carried out by a firm from Rotterdam. ",
    "The plan was first proposed in 2019. ",
    "He said the plan would be reviewed. ",
    "said ",
    "the ",
    "\n\nUpdate: this story has been corrected.\n\n",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
}

/// One char of the edited article and where it came from.
#[derive(Clone, Copy)]
struct Cell {
    c: char,
    from: Option<usize>,
    copy: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Insertion,
    Deletion,
    ParagraphMove,
    DuplicatedParagraph,
    TypoNearby,
    TypoInside,
    QuoteStyle,
    Whitespace,
    Crlf,
    Reencoding,
}

const KINDS: &[Kind] = &[
    Kind::Insertion,
    Kind::Deletion,
    Kind::ParagraphMove,
    Kind::DuplicatedParagraph,
    Kind::TypoNearby,
    Kind::TypoInside,
    Kind::QuoteStyle,
    Kind::Whitespace,
    Kind::Crlf,
    Kind::Reencoding,
];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Insertion => "insertion (sentence or words, outside spans)",
            Kind::Deletion => "deletion of a paragraph",
            Kind::ParagraphMove => "paragraph moved",
            Kind::DuplicatedParagraph => "paragraph duplicated",
            Kind::TypoNearby => "typo fixes outside spans",
            Kind::TypoInside => "typo fix inside each span",
            Kind::QuoteStyle => "quote style and dashes (straight ↔ curly)",
            Kind::Whitespace => "whitespace (double spaces, no-break spaces)",
            Kind::Crlf => "line endings LF → CRLF",
            Kind::Reencoding => "re-encoding (UTF-16 LE, BOM)",
        }
    }
    fn normalisation(self) -> bool {
        matches!(self, Kind::QuoteStyle | Kind::Whitespace | Kind::Crlf)
    }
}

/// Paragraph ranges (chars), separated by blank lines.
fn paragraphs(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + 1 < chars.len() {
        if chars[i] == '\n' && chars[i + 1] == '\n' {
            out.push((start, i));
            start = i + 2;
            i += 2;
        } else {
            i += 1;
        }
    }
    let mut end = chars.len();
    while end > start && chars[end - 1] == '\n' {
        end -= 1;
    }
    out.push((start, end));
    out
}

/// Words (runs of non-whitespace) as char ranges.
fn words(chars: &[char], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        while i < to && chars[i].is_whitespace() {
            i += 1;
        }
        let s = i;
        while i < to && !chars[i].is_whitespace() {
            i += 1;
        }
        if i > s {
            out.push((s, i));
        }
    }
    out
}

/// Non-overlapping spans: phrases of 1–6 words, sometimes a whole paragraph.
fn pick_spans(chars: &[char], rng: &mut Rng, n: usize) -> Vec<(usize, usize)> {
    let paras = paragraphs(chars);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for _ in 0..n * 4 {
        if spans.len() >= n {
            break;
        }
        let (ps, pe) = paras[rng.below(paras.len())];
        let span = if rng.chance(0.05) {
            (ps, pe)
        } else {
            let ws = words(chars, ps, pe);
            if ws.is_empty() {
                continue;
            }
            let a = rng.below(ws.len());
            let b = (a + rng.below(6)).min(ws.len() - 1);
            let (s, mut e) = (ws[a].0, ws[b].1);
            while e > s + 1 && ",.;:".contains(chars[e - 1]) {
                e -= 1;
            }
            (s, e)
        };
        if spans.iter().all(|&(s, e)| span.1 <= s || span.0 >= e) {
            spans.push(span);
        }
    }
    spans.sort_unstable();
    spans
}

fn inside_any(spans: &[(usize, usize)], at: usize) -> bool {
    spans.iter().any(|&(s, e)| at > s && at < e)
}

fn cells_of(s: &[char], from: usize, copy: bool) -> Vec<Cell> {
    s.iter()
        .enumerate()
        .map(|(i, &c)| Cell {
            c,
            from: Some(from + i),
            copy,
        })
        .collect()
}

fn new_cells(s: &str) -> Vec<Cell> {
    s.chars()
        .map(|c| Cell {
            c,
            from: None,
            copy: false,
        })
        .collect()
}

/// A typo inside the word `(s, e)` (never at its first or last char).
fn typo(cells: &mut Vec<Cell>, at: usize, rng: &mut Rng) {
    let c = cells[at].c;
    match rng.below(4) {
        0 => {
            cells[at] = Cell {
                c: if c == 'e' { 'a' } else { 'e' },
                from: None,
                copy: false,
            }
        }
        1 => {
            cells.remove(at);
        }
        2 => cells.insert(
            at,
            Cell {
                c,
                from: None,
                copy: false,
            },
        ),
        _ => cells.swap(at, at + 1),
    }
}

/// Applies `kind` to the article; returns the new cells.
fn edit(kind: Kind, old: &[char], spans: &[(usize, usize)], rng: &mut Rng) -> Vec<Cell> {
    let mut cells = cells_of(old, 0, false);
    let paras = paragraphs(old);
    match kind {
        Kind::Insertion => {
            let ws = words(old, 0, old.len());
            let at = loop {
                let (s, _) = ws[rng.below(ws.len())];
                if !inside_any(spans, s) {
                    break s;
                }
            };
            let text = INSERTS[rng.below(INSERTS.len())];
            cells.splice(at..at, new_cells(text));
        }
        Kind::Deletion => {
            let p = 1 + rng.below(paras.len() - 1);
            let (s, e) = paras[p];
            cells.drain(s.saturating_sub(2)..e);
        }
        Kind::ParagraphMove => {
            let p = 1 + rng.below(paras.len() - 1);
            let (s, e) = paras[p];
            let moved: Vec<Cell> = cells.drain(s - 2..e).collect(); // "\n\n" + paragraph
            let rest = paragraphs(&cells.iter().map(|c| c.c).collect::<Vec<_>>());
            let q = rng.below(rest.len());
            let at = rest[q].1;
            cells.splice(at..at, moved);
        }
        Kind::DuplicatedParagraph => {
            let p = 1 + rng.below(paras.len() - 1);
            let (s, e) = paras[p];
            let mut copy = new_cells("\n\n");
            copy.extend(cells_of(&old[s..e], s, true));
            let q = rng.below(paras.len());
            let at = paras[q].1;
            cells.splice(at..at, copy);
        }
        Kind::TypoNearby | Kind::TypoInside => {
            let ws = words(old, 0, old.len());
            // Edit from the end so earlier indexes stay valid.
            let mut targets: Vec<usize> = Vec::new();
            if kind == Kind::TypoInside {
                for &(s, e) in spans {
                    let any: Vec<_> = words(old, s, e)
                        .into_iter()
                        .filter(|&(a, b)| b - a >= 4 && old[a..b].iter().all(|c| c.is_alphabetic()))
                        .collect();
                    if let Some(&(a, b)) = any.get(rng.below(any.len().max(1))) {
                        targets.push(a + 1 + rng.below(b - a - 3));
                    }
                }
            } else {
                for _ in 0..3 {
                    let (a, b) = ws[rng.below(ws.len())];
                    if b - a >= 4
                        && old[a..b].iter().all(|c| c.is_alphabetic())
                        && spans.iter().all(|&(s, e)| b <= s || a >= e)
                    {
                        targets.push(a + 1 + rng.below(b - a - 3));
                    }
                }
            }
            targets.sort_unstable();
            targets.dedup();
            for at in targets.into_iter().rev() {
                typo(&mut cells, at, rng);
            }
        }
        Kind::QuoteStyle => {
            let mut open = true;
            for cell in &mut cells {
                cell.c = match cell.c {
                    '"' => {
                        open = !open;
                        if open { '”' } else { '“' }
                    }
                    '\'' => '’',
                    '“' | '”' => '"',
                    '’' => '\'',
                    '—' => '-',
                    c => c,
                };
            }
        }
        Kind::Whitespace => {
            let mut i = cells.len();
            while i > 0 {
                i -= 1;
                if cells[i].c == ' ' {
                    match rng.below(6) {
                        0 => cells.insert(
                            i,
                            Cell {
                                c: ' ',
                                from: None,
                                copy: false,
                            },
                        ),
                        1 => cells[i].c = '\u{a0}',
                        _ => {}
                    }
                }
            }
        }
        Kind::Crlf => {
            let mut i = cells.len();
            while i > 0 {
                i -= 1;
                if cells[i].c == '\n' {
                    cells.insert(
                        i,
                        Cell {
                            c: '\r',
                            from: None,
                            copy: false,
                        },
                    );
                }
            }
        }
        Kind::Reencoding => {}
    }
    cells
}

fn annotation(text: &IndexedText, i: usize, (s, e): (usize, usize)) -> Annotation {
    Annotation::on_text(text, format!("a{i}").into(), "claim", CharRange::new(s, e))
}

#[derive(Default, Clone, Copy)]
struct Tally {
    spans: usize,
    same: usize,
    same_right: usize,
    changed: usize,
    changed_right: usize,
    gone: usize,
    gone_orphaned: usize,
    wrong: usize,
    orphaned_placeable: usize,
}

/// Where span `(s, e)` is in the new cells: `(the place, other acceptable places)`, or `None`
/// when its text was deleted.
fn truth(cells: &[Cell], (s, e): (usize, usize)) -> Option<(CharRange, Vec<CharRange>)> {
    let find = |at: usize, copy: bool| {
        cells
            .iter()
            .enumerate()
            .filter(move |(_, c)| c.from == Some(at) && c.copy == copy)
            .map(|(i, _)| i)
    };
    let ns = find(s, false).next()?;
    let ne = find(e - 1, false).next()?;
    if ne < ns {
        return None;
    }
    let copies = find(s, true)
        .zip(find(e - 1, true))
        .filter(|&(a, b)| b >= a)
        .map(|(a, b)| CharRange::new(a, b + 1))
        .collect();
    Some((CharRange::new(ns, ne + 1), copies))
}

fn run_kind(kind: Kind, trials: u64, tally: &mut Tally, wrongs: &mut Vec<String>) {
    for (ai, article) in [HARBOUR, CLINIC, FLOODS].iter().enumerate() {
        let old_chars: Vec<char> = article.chars().collect();
        let old = IndexedText::new((*article).to_owned());
        for seed in 0..trials {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15
                ^ (seed * 7919 + ai as u64 * 104_729 + kind as u64 * 15_485_863 + 1));
            let spans = pick_spans(&old_chars, &mut rng, 14);
            let cells = edit(kind, &old_chars, &spans, &mut rng);
            let new_text: String = cells.iter().map(|c| c.c).collect();
            let bytes = if kind == Kind::Reencoding {
                let mut b = vec![0xFF, 0xFE];
                for u in new_text.encode_utf16() {
                    b.extend(u.to_le_bytes());
                }
                b
            } else {
                new_text.clone().into_bytes()
            };
            let art = Article::from_bytes(Path::new("a.txt"), &bytes, &LoadOptions::default())
                .expect("the edited article reads");
            assert_eq!(art.text.as_str(), new_text);
            let mut anns: Vec<Annotation> = spans
                .iter()
                .enumerate()
                .map(|(i, &sp)| annotation(&old, i, sp))
                .collect();
            let before = anns.clone();
            let results = reanchor_all(&art.text, &mut anns);
            for ((a, result), (&sp, b)) in anns.iter().zip(&results).zip(spans.iter().zip(&before))
            {
                tally.spans += 1;
                let placed = (*result != Anchoring::Orphaned).then_some(a.range);
                match truth(&cells, sp) {
                    None => {
                        tally.gone += 1;
                        match placed {
                            None => tally.gone_orphaned += 1,
                            Some(r) => {
                                tally.wrong += 1;
                                wrongs.push(format!(
                                    "{kind:?} seed {seed}: deleted “{}” placed at {r} on “{}”",
                                    b.text,
                                    art.text.slice(r).unwrap_or("?")
                                ));
                            }
                        }
                    }
                    Some((right, copies)) => {
                        let same = art.text.slice(right) == Some(b.text.as_str());
                        if same {
                            tally.same += 1;
                        } else {
                            tally.changed += 1;
                        }
                        match placed {
                            None => tally.orphaned_placeable += 1,
                            Some(r) if r == right || copies.contains(&r) => {
                                if same {
                                    tally.same_right += 1;
                                } else {
                                    tally.changed_right += 1;
                                }
                                // A placed annotation always holds what it says it holds.
                                assert_eq!(art.text.slice(r), Some(a.text.as_str()));
                            }
                            Some(r) => {
                                tally.wrong += 1;
                                wrongs.push(format!(
                                    "{kind:?} art {ai} seed {seed}: “{}” at {} placed at {r} on “{}”, right is {right} “{}”",
                                    b.text,
                                    b.range,
                                    art.text.slice(r).unwrap_or("?"),
                                    art.text.slice(right).unwrap_or("?")
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}% ({n}/{d})", 100.0 * n as f64 / d as f64)
    }
}

const BEGIN: &str = "<!-- reanchor-table: written by tests/it/reanchor.rs -->";
const END: &str = "<!-- /reanchor-table -->";

#[test]
fn reliability_per_edit_kind() {
    let trials = std::env::var("TAGLINE_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(40);
    let mut rows = Vec::new();
    let mut all = Vec::new();
    let mut wrongs = Vec::new();
    for &kind in KINDS {
        let mut t = Tally::default();
        run_kind(kind, trials, &mut t, &mut wrongs);
        rows.push(format!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            kind.name(),
            t.spans,
            pct(t.same_right, t.same),
            pct(t.changed_right, t.changed),
            pct(t.gone_orphaned, t.gone),
            t.wrong,
            t.orphaned_placeable,
        ));
        all.push((kind, t));
    }
    let table = format!(
        "{BEGIN}\n| edit | spans | placed right, text unchanged | placed right, text changed | text deleted: orphaned | placed wrongly | orphaned although placeable |\n| --- | --- | --- | --- | --- | --- | --- |\n{}\n{END}",
        rows.join("\n")
    );
    println!("{table}");
    assert!(wrongs.is_empty(), "placed wrongly:\n{}", wrongs.join("\n"));
    let sum = |f: &dyn Fn(&(Kind, Tally)) -> bool, g: &dyn Fn(&Tally) -> (usize, usize)| {
        all.iter()
            .filter(|x| f(x))
            .map(|(_, t)| g(t))
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    };
    let (r, n) = sum(&|_| true, &|t| (t.same_right, t.same));
    assert!(
        r as f64 >= 0.99 * n as f64,
        "text unchanged: {r}/{n} placed right"
    );
    let (r, n) = sum(&|(k, _)| k.normalisation(), &|t| {
        (t.changed_right, t.changed)
    });
    assert!(
        n > 0 && r as f64 >= 0.90 * n as f64,
        "after normalisation: {r}/{n}"
    );
    let (r, n) = sum(&|(k, _)| *k == Kind::TypoInside, &|t| {
        (t.changed_right, t.changed)
    });
    assert!(n > 0 && r as f64 >= 0.80 * n as f64, "typo inside: {r}/{n}");
    let (r, n) = sum(&|_| true, &|t| (t.gone_orphaned, t.gone));
    assert_eq!(r, n, "deleted spans are orphaned");

    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reliability.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    if std::env::var_os("TAGLINE_BLESS").is_some() {
        let new = match (doc.find(BEGIN), doc.find(END)) {
            (Some(a), Some(b)) => format!("{}{table}{}", &doc[..a], &doc[b + END.len()..]),
            _ => panic!("docs/reliability.md has no re-anchoring table markers"),
        };
        std::fs::write(&doc_path, new).unwrap();
    } else {
        assert!(
            doc.contains(&table),
            "docs/reliability.md's re-anchoring table is stale: run TAGLINE_BLESS=1 cargo test --test it reanchor"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// An exact placement never points at other text; an unchanged article moves nothing.
    #[test]
    fn exact_placements_hold_their_text(
        seed in any::<u64>(),
        art in 0usize..3,
        kind in prop::sample::select(vec![Kind::Insertion, Kind::Deletion, Kind::ParagraphMove, Kind::DuplicatedParagraph, Kind::TypoNearby]),
    ) {
        let article = [HARBOUR, CLINIC, FLOODS][art];
        let old_chars: Vec<char> = article.chars().collect();
        let old = IndexedText::new(article.to_owned());
        let mut rng = Rng(seed | 1);
        let spans = pick_spans(&old_chars, &mut rng, 10);
        let anns: Vec<Annotation> = spans.iter().enumerate().map(|(i, &sp)| annotation(&old, i, sp)).collect();
        // Unchanged: everything kept, byte for byte.
        let mut same = anns.clone();
        let results = reanchor_all(&old, &mut same);
        prop_assert!(results.iter().all(|r| *r == Anchoring::Kept));
        prop_assert_eq!(&same, &anns);
        let cells = edit(kind, &old_chars, &spans, &mut rng);
        let new = IndexedText::new(cells.iter().map(|c| c.c).collect());
        let mut moved = anns.clone();
        let results = reanchor_all(&new, &mut moved);
        for ((a, r), b) in moved.iter().zip(&results).zip(&anns) {
            match r {
                Anchoring::Orphaned => {}
                Anchoring::Moved { fuzzy: true, .. } => prop_assert_eq!(new.slice(a.range), Some(a.text.as_str())),
                _ => prop_assert_eq!(new.slice(a.range), Some(b.text.as_str())),
            }
        }
    }
}
