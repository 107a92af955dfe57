//! `tagline story` documents: the page a teacher can hand out (HTML) and the member table
//! (CSV), from an [`analysis::story::Story`](crate::analysis::story::Story).
//!
//! The page is self-contained: styles inline, no scripts, fonts or images from anywhere; every
//! piece of article text is escaped. Differences never rely on colour alone: changed words are
//! underlined with a wavy line and a `≠` after them, left-out words are struck through in
//! brackets with a `−`.
//!
//! The CSV has one row per member: `group,kind,carried_by,article,outlet,start,end,text,
//! annotation,tag,source,entity,changed,missing` (`start`/`end` in code points; `annotation`
//! empty for a variant found by matching; `changed` and `missing` the differing words, joined
//! with ` | `).

use std::fmt::Write as _;

use crate::analysis::story::{Group, Member, Piece, Story};
use crate::report::grade::escape;

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:62em;margin:2em auto;padding:0 1em;color:#222}\
h1,h2,h3{line-height:1.2}table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}td,th{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}\
th{background:#eee}.num{text-align:right}.group{border:1px solid #ccc;border-radius:6px;padding:.2em 1em .5em;margin:1.2em 0;background:#fcfcfc}\
.chg{background:#fff1b8;text-decoration:underline wavy #9a6700;text-underline-offset:3px}.chg::after{content:'≠';font-size:.7em;vertical-align:super;color:#9a6700}\
.miss{color:#666;text-decoration:line-through}.miss::before{content:'[−';text-decoration:none;display:inline-block}.miss::after{content:']';display:inline-block}\
.badge{display:inline-block;font-size:.8em;font-weight:600;padding:0 .45em;border-radius:3px;margin-left:.4em;border:1px solid #999;background:#f0f0f0}\
.warn{border-color:#bc4c00;background:#fff4e5}.found{font-size:.85em;color:#555;font-style:italic}.ref{font-weight:600}\
.legend span{margin-right:1.2em}.note{color:#444}.q{font-style:italic}";

/// The member's text with changed words and left-out words marked.
fn marked(m: &Member) -> String {
    let mut out = String::new();
    for p in &m.diff {
        match p {
            Piece::Same(s) => out.push_str(&escape(s)),
            Piece::Changed(s) => {
                let _ = write!(
                    out,
                    "<span class=\"chg\" title=\"differs\">{}</span>",
                    escape(s)
                );
            }
            Piece::Missing(s) => {
                let _ = write!(
                    out,
                    " <span class=\"miss\" title=\"left out\">{}</span> ",
                    escape(s)
                );
            }
        }
    }
    out
}

fn source_cell(m: &Member) -> String {
    match (&m.source, &m.annotation) {
        (Some(s), _) => {
            let mut out = escape(&s.text);
            if let Some(e) = &s.entity
                && e != &s.text
            {
                let _ = write!(out, " <small>({})</small>", escape(e));
            }
            if s.anonymous {
                out.push_str(" <span class=\"badge\">anonymous</span>");
            }
            out
        }
        (None, Some(_)) => "<span class=\"note\">no source</span>".into(),
        (None, None) => "<span class=\"note\">—</span>".into(),
    }
}

/// What stands out in a group: differing attributions, a lost source, changed words.
fn badges(g: &Group) -> String {
    let annotated: Vec<&Member> = g
        .members
        .iter()
        .filter(|m| m.annotation.is_some())
        .collect();
    let mut names: Vec<&str> = annotated
        .iter()
        .filter_map(|m| m.source.as_ref().map(|s| s.name()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut out = String::new();
    if names.len() > 1 {
        out.push_str("<span class=\"badge warn\">attributed to different sources</span>");
    }
    let sourced = annotated.iter().filter(|m| m.source.is_some()).count();
    if sourced > 0 && sourced < annotated.len() {
        out.push_str("<span class=\"badge warn\">source left out somewhere</span>");
    }
    if g.members
        .iter()
        .any(|m| m.diff.iter().any(|p| matches!(p, Piece::Changed(_))))
    {
        out.push_str("<span class=\"badge\">words differ</span>");
    }
    if g.members
        .iter()
        .any(|m| m.diff.iter().any(|p| matches!(p, Piece::Missing(_))))
    {
        out.push_str("<span class=\"badge\">trimmed somewhere</span>");
    }
    out
}

fn short(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

fn group_title(story: &Story, gi: usize) -> String {
    let g = &story.groups[gi];
    let r = &g.members[g.reference];
    format!("{} {}: “{}”", g.kind.as_str(), gi + 1, short(&r.text, 70))
}

/// The page: `title` names the folder.
pub fn page(story: &Story, title: &str) -> String {
    let mut b = String::new();
    let n = story.articles.len();
    let _ = writeln!(b, "<h1>One story, {n} outlets: {}</h1>", escape(title));
    let shared: Vec<usize> = (0..story.groups.len())
        .filter(|&g| story.groups[g].articles.len() > 1)
        .collect();
    let _ = writeln!(
        b,
        "<p>{} quotes and claims are carried by more than one outlet. For each one: who carries it, \
         how each outlet words it, and whom each outlet says it comes from.</p>",
        shared.len()
    );
    b.push_str("<p class=\"legend\"><b>Legend:</b> \
<span><span class=\"chg\">wavy underline ≠</span> words that differ from the first version shown in bold</span>\
<span><span class=\"miss\">struck through</span> words this outlet leaves out</span>\
<span><span class=\"found\">not annotated</span> found in the text by matching</span></p>\n");

    b.push_str("<h2>The outlets</h2>\n<table><tr><th>outlet</th><th>article</th><th class=\"num\">shared with others</th><th class=\"num\">only here</th><th class=\"num\">left out</th></tr>");
    for (a, info) in story.articles.iter().enumerate() {
        let carried = shared
            .iter()
            .filter(|&&g| story.groups[g].articles.binary_search(&a).is_ok())
            .count();
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{carried}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&info.outlet),
            escape(&info.name),
            story.findings[a].only_here.len(),
            story.findings[a].left_out.len()
        );
    }
    b.push_str("</table>\n");

    b.push_str("<h2>Shared quotes and claims</h2>\n");
    for &gi in &shared {
        let g = &story.groups[gi];
        let outlets = story.outlets(g);
        let _ = writeln!(
            b,
            "<div class=\"group\"><h3>{}</h3><p>Carried by {} of {n} outlets: {}{}</p>",
            escape(&group_title(story, gi)),
            outlets.len(),
            escape(&outlets.join(", ")),
            badges(g)
        );
        b.push_str(
            "<table><tr><th>outlet</th><th>how it is worded</th><th>attributed to</th></tr>",
        );
        for (k, m) in g.members.iter().enumerate() {
            let info = &story.articles[m.article];
            let found = if m.annotation.is_none() {
                "<br><span class=\"found\">not annotated: found by matching</span>"
            } else {
                ""
            };
            let text = if k == g.reference {
                format!("<span class=\"ref\">{}</span>", escape(&m.text))
            } else {
                marked(m)
            };
            let _ = write!(
                b,
                "<tr><td>{}<br><small>{} {}–{}</small></td><td class=\"q\">“{text}”{found}</td><td>{}</td></tr>",
                escape(&info.outlet),
                escape(&info.name),
                m.range.start,
                m.range.end,
                source_cell(m)
            );
        }
        b.push_str("</table></div>\n");
    }

    b.push_str("<h2>What each outlet has alone, and what it leaves out</h2>\n");
    b.push_str("<table><tr><th>outlet</th><th>only this outlet</th><th>left out (most others carry it)</th></tr>");
    for (a, info) in story.articles.iter().enumerate() {
        let f = &story.findings[a];
        let list = |gs: &[usize]| -> String {
            if gs.is_empty() {
                return "<span class=\"note\">—</span>".into();
            }
            let items: Vec<String> = gs
                .iter()
                .map(|&g| {
                    let grp = &story.groups[g];
                    let m = &grp.members[grp.reference];
                    format!(
                        "<li>{}: “{}”</li>",
                        grp.kind.as_str(),
                        escape(&short(&m.text, 90))
                    )
                })
                .collect();
            format!("<ul>{}</ul>", items.join(""))
        };
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&info.outlet),
            list(&f.only_here),
            list(&f.left_out)
        );
    }
    b.push_str("</table>\n");

    b.push_str("<h2>Sources and the outlets that quote them</h2>\n<table><tr><th>source</th><th class=\"num\">quotes and claims</th><th>outlets</th></tr>");
    for s in &story.sources {
        let mut outlets: Vec<&str> = Vec::new();
        for &a in &s.articles {
            let o = story.articles[a].outlet.as_str();
            if !outlets.contains(&o) {
                outlets.push(o);
            }
        }
        let _ = write!(
            b,
            "<tr><td>{}{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&s.name),
            if s.anonymous_somewhere {
                " <span class=\"badge\">anonymous</span>"
            } else {
                ""
            },
            s.items,
            escape(&outlets.join(", "))
        );
    }
    b.push_str("</table>\n");
    if story.orphaned > 0 || story.suggested > 0 {
        let _ = writeln!(
            b,
            "<p class=\"note\">Left out: {} orphaned and {} suggested quotes and claims.</p>",
            story.orphaned, story.suggested
        );
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{}</title><style>{STYLE}</style></head><body>\n{b}</body></html>\n",
        escape(&format!("One story: {title}"))
    )
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The CSV table, one row per member; `eol` is `"\n"` or `"\r\n"`.
pub fn csv(story: &Story, eol: &str) -> String {
    let mut out = String::from(
        "group,kind,carried_by,article,outlet,start,end,text,annotation,tag,source,entity,changed,missing",
    );
    out.push_str(eol);
    for (gi, g) in story.groups.iter().enumerate() {
        for m in &g.members {
            let info = &story.articles[m.article];
            let pieces = |want: fn(&Piece) -> Option<&String>| -> String {
                m.diff
                    .iter()
                    .filter_map(want)
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" | ")
            };
            let changed = pieces(|p| match p {
                Piece::Changed(s) => Some(s),
                _ => None,
            });
            let missing = pieces(|p| match p {
                Piece::Missing(s) => Some(s),
                _ => None,
            });
            let fields = [
                (gi + 1).to_string(),
                g.kind.as_str().to_owned(),
                g.articles.len().to_string(),
                info.name.clone(),
                info.outlet.clone(),
                m.range.start.to_string(),
                m.range.end.to_string(),
                m.text.clone(),
                m.annotation.as_deref().unwrap_or_default().to_owned(),
                m.tag.clone().unwrap_or_default(),
                m.source
                    .as_ref()
                    .map(|s| s.text.clone())
                    .unwrap_or_default(),
                m.source
                    .as_ref()
                    .and_then(|s| s.entity.clone())
                    .unwrap_or_default(),
                changed,
                missing,
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str(eol);
        }
    }
    out
}
