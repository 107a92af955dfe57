//! `tagline grade` documents: the gradebook (CSV), one feedback page per student and the class
//! page (HTML).
//!
//! The pages are self-contained: styles inline, the chart an inline SVG, no scripts, fonts or
//! images from anywhere; every piece of article or student text is escaped. The legend never
//! relies on colour alone: each outcome has its own line style and a written mark after the
//! span (✓ found, ½ boundaries differ, ≠ wrong tag, ✗ missed, + extra).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::analysis::grade::{KeyArticle, Outcome, StudentGrade};
use crate::core::CharRange;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}%"))
}

fn points(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}\
h1,h2{line-height:1.2}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}\
th{background:#eee}.num{text-align:right}.text{white-space:pre-wrap;border:1px solid #ccc;padding:1em;background:#fcfcfc;line-height:2.1}\
.k{padding-bottom:1px}.found{border-bottom:3px solid #1a7f37}.partial{border-bottom:3px dotted #1a7f37}\
.missed{border-bottom:3px dashed #cf222e}.wrong{border-bottom:3px double #9a6700}\
.s{background:#cfe2ff}.extra{background:#ffd8b5;outline:1px dashed #bc4c00}\
.mark{font-size:.75em;font-weight:600;vertical-align:super;margin:0 .15em;padding:0 .2em;border-radius:3px;background:#f0f0f0;white-space:nowrap}\
.legend span{margin-right:1.2em}.problems{background:#fff4e5;border:1px solid #d4a72c;padding:.5em 1em}\
.note{color:#444;font-style:italic}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{}</title><style>{STYLE}</style></head><body>\n{body}</body></html>\n",
        escape(title)
    )
}

fn legend() -> &'static str {
    "<p class=\"legend\"><b>Legend:</b> \
<span><span class=\"k found\">solid underline</span> <span class=\"mark\">✓</span> found</span>\
<span><span class=\"k partial\">dotted underline</span> <span class=\"mark\">½</span> found, boundaries differ</span>\
<span><span class=\"k wrong\">double underline</span> <span class=\"mark\">≠</span> wrong tag</span>\
<span><span class=\"k missed\">dashed underline</span> <span class=\"mark\">✗</span> missed</span>\
<span><span class=\"s\">blue background</span> your span</span>\
<span><span class=\"extra\">orange, dashed box</span> <span class=\"mark\">+</span> extra (not in the key)</span></p>\n"
}

fn outcome_word(o: &Outcome) -> (&'static str, &'static str, &'static str) {
    match o {
        Outcome::Found { exact: true, .. } => ("found", "✓", "found"),
        Outcome::Found { exact: false, .. } => ("partial", "½", "found, boundaries differ"),
        Outcome::WrongTag { .. } => ("wrong", "≠", "wrong tag"),
        Outcome::Missed => ("missed", "✗", "missed"),
    }
}

/// The article text with key spans underlined by outcome and student spans shaded.
fn highlighted(
    text: &str,
    key: &[(CharRange, &str)],
    student: &[(CharRange, bool)],
    marks_key: &[String],
) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut bounds: Vec<usize> = vec![0, n];
    for (r, _) in key {
        bounds.extend([r.start.min(n), r.end.min(n)]);
    }
    for (r, _) in student {
        bounds.extend([r.start.min(n), r.end.min(n)]);
    }
    bounds.sort_unstable();
    bounds.dedup();
    let mut out = String::new();
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a < b {
            let mut classes: Vec<&str> = Vec::new();
            for (r, class) in key {
                if r.start <= a && b <= r.end {
                    classes.push("k");
                    classes.push(class);
                }
            }
            for (r, extra) in student {
                if r.start <= a && b <= r.end {
                    classes.push(if *extra { "extra" } else { "s" });
                }
            }
            let piece: String = chars[a..b].iter().collect();
            if classes.is_empty() {
                out.push_str(&escape(&piece));
            } else {
                classes.dedup();
                let _ = write!(
                    out,
                    "<span class=\"{}\">{}</span>",
                    classes.join(" "),
                    escape(&piece)
                );
            }
        }
        // Marks after spans ending here: key outcomes, then extras.
        for ((r, _), m) in key.iter().zip(marks_key) {
            if r.end == b && a < b {
                out.push_str(m);
            }
        }
        for (r, extra) in student {
            if *extra && r.end == b && a < b {
                out.push_str("<span class=\"mark\" title=\"extra\">+</span>");
            }
        }
    }
    out
}

/// The name shown for `tag`: its label in the first key article's scheme that has it.
fn tag_name<'a>(key: &'a [KeyArticle], tag: &'a str) -> &'a str {
    key.iter()
        .find(|k| k.scheme.tag(tag).is_some())
        .map_or(tag, |k| k.scheme.tag_label(tag))
}

/// One student's feedback page.
pub fn student_page(key: &[KeyArticle], g: &StudentGrade) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "<h1>Feedback for {}</h1>", escape(&g.name));
    let _ = writeln!(
        body,
        "<p><b>Total: {} of {} points ({})</b></p>",
        points(g.total.earned),
        points(g.total.possible),
        pct(g.total.percent())
    );
    if !g.problems.is_empty() {
        body.push_str("<div class=\"problems\"><b>Problems with what was handed in:</b><ul>");
        for p in &g.problems {
            let _ = write!(body, "<li>{}</li>", escape(p));
        }
        body.push_str("</ul></div>\n");
    }
    body.push_str("<table><tr><th>tag</th><th class=\"num\">points</th><th class=\"num\">of</th><th class=\"num\">score</th></tr>");
    for (t, s) in &g.per_tag {
        let _ = write!(
            body,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(tag_name(key, t)),
            points(s.earned),
            points(s.possible),
            pct(s.percent())
        );
    }
    body.push_str("</table>\n");
    body.push_str(legend());
    for (k, (handed, grade)) in key.iter().zip(&g.articles) {
        let _ = writeln!(
            body,
            "<h2>{} — {} of {} ({})</h2>",
            escape(&k.name),
            points(grade.total.earned),
            points(grade.total.possible),
            pct(grade.total.percent())
        );
        if handed.is_none() {
            body.push_str(
                "<p class=\"problems\">Not handed in: every key annotation counts as missed.</p>\n",
            );
        }
        let key_spans: Vec<(CharRange, &str)> = grade
            .items
            .iter()
            .map(|it| (k.annotations[it.key].0, outcome_word(&it.outcome).0))
            .collect();
        let marks: Vec<String> = grade
            .items
            .iter()
            .enumerate()
            .map(|(n, it)| {
                let (_, sym, word) = outcome_word(&it.outcome);
                format!(
                    "<span class=\"mark\" title=\"{word}\">{sym}{}</span>",
                    n + 1
                )
            })
            .collect();
        let empty = Vec::new();
        let stu = handed.as_ref().map_or(&empty, |h| &h.annotations);
        let student_spans: Vec<(CharRange, bool)> = stu
            .iter()
            .enumerate()
            .map(|(j, (r, _))| (*r, grade.extras.contains(&j)))
            .collect();
        let _ = writeln!(
            body,
            "<div class=\"text\">{}</div>",
            highlighted(k.article.text.as_str(), &key_spans, &student_spans, &marks)
        );
        body.push_str("<table><tr><th>#</th><th>key</th><th>result</th><th class=\"num\">points</th><th>why</th></tr>");
        for (n, it) in grade.items.iter().enumerate() {
            let (r, a) = &k.annotations[it.key];
            let (_, sym, word) = outcome_word(&it.outcome);
            let mut result = format!("{sym} {word}");
            match &it.outcome {
                Outcome::WrongTag { student } | Outcome::Found { student, .. } => {
                    let s = &stu[*student].1;
                    let _ = write!(
                        result,
                        ": you tagged {} “{}”",
                        escape(k.scheme.tag_label(&s.tag)),
                        escape(&s.text)
                    );
                }
                Outcome::Missed => {}
            }
            for c in &it.attributes {
                let _ = write!(
                    result,
                    "<br>{} {}: key {}, yours {}",
                    if c.ok { "✓" } else { "✗" },
                    escape(k.scheme.attribute_label(&a.tag, &c.name)),
                    escape(k.scheme.value_label(&a.tag, &c.name, &c.key)),
                    escape(
                        c.student
                            .as_deref()
                            .map_or("—", |v| k.scheme.value_label(&a.tag, &c.name, v))
                    )
                );
            }
            for rel in &it.relations {
                let target = &k.annotations[grade.items[rel.target].key].1;
                let _ = write!(
                    result,
                    "<br>{} {} “{}”",
                    if rel.ok { "✓" } else { "✗" },
                    escape(k.scheme.relation_label(&rel.kind)),
                    escape(&target.text)
                );
            }
            let s = it.score();
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{} “{}” <small>({r})</small></td><td>{result}</td><td class=\"num\">{} / {}</td><td class=\"note\">{}</td></tr>",
                n + 1,
                escape(k.scheme.tag_label(&a.tag)),
                escape(&a.text),
                points(s.earned),
                points(s.possible),
                escape(&a.note),
            );
        }
        body.push_str("</table>\n");
        if !grade.extras.is_empty() {
            body.push_str("<p><b>Extras</b> (spans the key does not have):</p><ul>");
            for &j in &grade.extras {
                let (_, s) = &stu[j];
                let _ = write!(
                    body,
                    "<li>+ {} “{}”</li>",
                    escape(k.scheme.tag_label(&s.tag)),
                    escape(&s.text)
                );
            }
            body.push_str("</ul>\n");
        }
    }
    page(&format!("Feedback for {}", g.name), &body)
}

/// An inline SVG bar chart of each student's total.
fn chart(students: &[StudentGrade]) -> String {
    let row = 26;
    let label_w = 160;
    let bar_w = 400;
    let h = row * students.len() + 30;
    let mut svg = format!(
        "<svg width=\"{}\" height=\"{h}\" role=\"img\" aria-label=\"Total score per student\">",
        label_w + bar_w + 70
    );
    for (i, g) in students.iter().enumerate() {
        let y = i * row + 4;
        let p = g.total.percent().unwrap_or(0.0);
        let w = (p / 100.0 * bar_w as f64).round() as usize;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"14\">{}</text>\
<rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"18\" fill=\"#eee\"/>\
<rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"18\" fill=\"#0969da\"/>\
<text x=\"{}\" y=\"{}\" font-size=\"14\">{}</text>",
            label_w - 8,
            y + 14,
            escape(&g.name),
            label_w + bar_w + 6,
            y + 14,
            pct(g.total.percent())
        );
    }
    for t in [0, 50, 100] {
        let x = label_w + bar_w * t / 100;
        let _ = write!(
            svg,
            "<text x=\"{x}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">{t}%</text>",
            h - 6
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The class page: per key annotation how many found it (most missed first), per student the
/// scores, and a chart.
pub fn class_page(key: &[KeyArticle], students: &[StudentGrade]) -> String {
    let mut body = String::from("<h1>Class results</h1>\n");
    let _ = writeln!(
        body,
        "<p>{} students, {} articles.</p>",
        students.len(),
        key.len()
    );
    body.push_str("<h2>Scores</h2>\n");
    body.push_str(&chart(students));
    body.push_str("<table><tr><th>student</th>");
    let tags: Vec<&String> = {
        let mut t: Vec<&String> = students.iter().flat_map(|g| g.per_tag.keys()).collect();
        t.sort();
        t.dedup();
        t
    };
    for t in &tags {
        let _ = write!(body, "<th class=\"num\">{}</th>", escape(tag_name(key, t)));
    }
    body.push_str("<th class=\"num\">total</th><th>problems</th></tr>");
    for g in students {
        let _ = write!(body, "<tr><td>{}</td>", escape(&g.name));
        for t in &tags {
            let _ = write!(
                body,
                "<td class=\"num\">{}</td>",
                pct(g.per_tag.get(*t).and_then(|s| s.percent()))
            );
        }
        let _ = write!(
            body,
            "<td class=\"num\"><b>{}</b></td><td>{}</td></tr>",
            pct(g.total.percent()),
            escape(&g.problems.join("; "))
        );
    }
    body.push_str("</table>\n<h2>Key annotations, most missed first</h2>\n");
    let mut rows: Vec<(usize, usize, usize)> = Vec::new(); // (found by, article, key index)
    for (ai, k) in key.iter().enumerate() {
        for ki in 0..k.annotations.len() {
            let found = students
                .iter()
                .filter(|g| {
                    g.articles[ai]
                        .1
                        .items
                        .iter()
                        .any(|it| it.key == ki && matches!(it.outcome, Outcome::Found { .. }))
                })
                .count();
            rows.push((found, ai, ki));
        }
    }
    rows.sort();
    body.push_str("<table><tr><th>article</th><th>tag</th><th>text</th><th class=\"num\">found by</th><th>explanation</th></tr>");
    for (found, ai, ki) in rows {
        let (_, a) = &key[ai].annotations[ki];
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>“{}”</td><td class=\"num\">{found} of {}</td><td class=\"note\">{}</td></tr>",
            escape(&key[ai].name),
            escape(key[ai].scheme.tag_label(&a.tag)),
            escape(&a.text),
            students.len(),
            escape(&a.note)
        );
    }
    body.push_str("</table>\n");
    page("Class results", &body)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The gradebook: one row per student; a column per article and tag (percent), per article
/// total, and the total points, possible points and percent; `eol` is `"\n"` or `"\r\n"`.
pub fn gradebook(key: &[KeyArticle], students: &[StudentGrade], eol: &str) -> String {
    let mut cols: Vec<(usize, Option<String>)> = Vec::new();
    for (ai, k) in key.iter().enumerate() {
        let tags: std::collections::BTreeSet<&str> =
            k.annotations.iter().map(|(_, a)| a.tag.as_str()).collect();
        for t in tags {
            cols.push((ai, Some(t.to_owned())));
        }
        cols.push((ai, None));
    }
    let mut out = String::from("student");
    for (ai, t) in &cols {
        let name = match t {
            Some(t) => format!("{} {t}", key[*ai].name),
            None => format!("{} total", key[*ai].name),
        };
        out.push(',');
        out.push_str(&csv_field(&name));
    }
    out.push_str(",points,possible,percent,problems");
    out.push_str(eol);
    for g in students {
        out.push_str(&csv_field(&g.name));
        for (ai, t) in &cols {
            let grade = &g.articles[*ai].1;
            let s = match t {
                Some(t) => grade.per_tag.get(t).copied(),
                None => Some(grade.total),
            };
            out.push(',');
            if let Some(p) = s.and_then(|s| s.percent()) {
                out.push_str(&format!("{p:.1}"));
            }
        }
        let _ = write!(
            out,
            ",{},{},{},{}",
            points(g.total.earned),
            points(g.total.possible),
            g.total
                .percent()
                .map_or(String::new(), |p| format!("{p:.1}")),
            csv_field(&g.problems.join("; "))
        );
        out.push_str(eol);
    }
    out
}

/// File names for students' pages: the name with anything but letters, digits, `-`, `_` and
/// `.` replaced by `_`, made unique.
pub fn page_names(students: &[StudentGrade]) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    students
        .iter()
        .map(|g| {
            let mut base: String = g
                .name
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || "-_.".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            if base.is_empty() || base.starts_with('.') || base == "class" || base == "gradebook" {
                base.insert(0, '_');
            }
            let n = seen.entry(base.clone()).or_default();
            *n += 1;
            if *n == 1 {
                format!("{base}.html")
            } else {
                format!("{base}-{n}.html")
            }
        })
        .collect()
}
