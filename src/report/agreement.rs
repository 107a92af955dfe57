//! `tagline agree` for people: a readable table (the default) and a long CSV table with one row
//! per figure, for spreadsheets.
//!
//! CSV columns: `scope,article,a,b,tag,figure,value,reason`. `scope` is `pooled`,
//! `mean_of_articles` or `article`; `a`/`b` are empty for group figures (α, Fleiss' κ); `tag` is
//! empty for figures over all tags; `value` is empty and `reason` says why when a figure is
//! undefined.

use std::fmt::Write as _;

use crate::analysis::agreement::{Agreement, Entry, Figure, Figures, get};

fn show(e: Option<&Entry>) -> String {
    match e {
        Some(Entry::Figure(Figure::Value(v))) => format!("{v:.3}"),
        Some(Entry::Figure(Figure::Undefined(_))) => "—".into(),
        Some(Entry::Count(n)) => n.to_string(),
        None => String::new(),
    }
}

/// The readable table `tagline agree` prints by default.
pub fn table(ag: &Agreement) -> String {
    let mut out = String::new();
    let names = &ag.annotators;
    let _ = writeln!(
        out,
        "{} annotators ({}), {} article{}, tags: {}",
        names.len(),
        names.join(", "),
        ag.per_article.len(),
        if ag.per_article.len() == 1 { "" } else { "s" },
        if ag.tags.is_empty() {
            "none".into()
        } else {
            ag.tags.join(", ")
        }
    );
    let _ = writeln!(
        out,
        "\nSpan F1 and κ per pair (pooled over articles; mean of per-article figures below each)"
    );
    let _ = writeln!(
        out,
        "{:<24} {:>8} {:>7} {:>7} {:>8} {:>7} {:>7} {:>8} {:>8}",
        "pair", "articles", "strict", "exact", "ent_type", "partial", "overlap", "char κ", "word κ"
    );
    let cols = [
        "span.strict.f1",
        "span.exact.f1",
        "span.ent_type.f1",
        "span.partial.f1",
        "span.overlap.f1",
        "char_kappa",
        "word_kappa",
    ];
    for p in &ag.pairs {
        let row = |label: String, arts: String, f: &Figures| {
            let v: Vec<String> = cols.iter().map(|c| show(get(f, c))).collect();
            format!(
                "{:<24} {:>8} {:>7} {:>7} {:>8} {:>7} {:>7} {:>8} {:>8}",
                label, arts, v[0], v[1], v[2], v[3], v[4], v[5], v[6]
            )
        };
        let label = format!("{} ~ {}", names[p.a], names[p.b]);
        let _ = writeln!(out, "{}", row(label, p.articles.to_string(), &p.pooled));
        let _ = writeln!(
            out,
            "{}",
            row(
                "  mean of articles".into(),
                String::new(),
                &p.mean_of_articles
            )
        );
    }
    let _ = writeln!(out, "\nAll annotators");
    let _ = writeln!(
        out,
        "{:<20} {:>10} {:>10} {:>10} {:>10}",
        "", "char α", "word α", "Fleiss κ", "word Fleiss"
    );
    let group_cols = [
        "char_alpha",
        "word_alpha",
        "fleiss_kappa",
        "word_fleiss_kappa",
    ];
    for (label, f) in [
        ("pooled", &ag.group),
        ("mean of articles", &ag.group_mean_of_articles),
    ] {
        let v: Vec<String> = group_cols.iter().map(|c| show(get(f, c))).collect();
        let _ = writeln!(
            out,
            "{:<20} {:>10} {:>10} {:>10} {:>10}",
            label, v[0], v[1], v[2], v[3]
        );
    }
    if let Some(g) = &ag.gamma {
        let _ = writeln!(
            out,
            "\nγ per article (α = {}, β = {}, Δ∅ = {}; expected disorder from {} sampled continua, seed {})",
            g.alpha, g.beta, g.delta_empty, g.samples, g.seed
        );
        let _ = writeln!(
            out,
            "{:<20} {:>10} {:>10} {:>10}",
            "", "γ", "observed", "expected"
        );
        let cols = [
            "gamma",
            "gamma_disorder.observed",
            "gamma_disorder.expected",
        ];
        let v: Vec<String> = cols
            .iter()
            .map(|c| show(get(&ag.group_mean_of_articles, c)))
            .collect();
        let _ = writeln!(
            out,
            "{:<20} {:>10} {:>10} {:>10}",
            "mean of articles", v[0], v[1], v[2]
        );
    }
    if !ag.tags.is_empty() {
        let _ = writeln!(out, "\nPer tag (pooled; covered / not covered)");
        let _ = writeln!(
            out,
            "{:<20} {:>10} {:>10} {:>10}",
            "tag", "char α", "word α", "Fleiss κ"
        );
        for t in &ag.tags {
            let v: Vec<String> = group_cols[..3]
                .iter()
                .map(|c| show(get(&ag.group, &format!("per_tag.{t}.{c}"))))
                .collect();
            let _ = writeln!(out, "{:<20} {:>10} {:>10} {:>10}", t, v[0], v[1], v[2]);
        }
    }
    let confusion: Vec<String> = ag
        .pairs
        .iter()
        .flat_map(|p| {
            p.confusion
                .iter()
                .map(move |((x, y), n)| format!("  {} {x} ↔ {} {y}: {n}", names[p.a], names[p.b]))
        })
        .collect();
    if !confusion.is_empty() {
        let _ = writeln!(out, "\nOverlapping spans with different tags");
        for line in confusion {
            let _ = writeln!(out, "{line}");
        }
    }
    let _ = writeln!(
        out,
        "\nSpans nobody else marked (no overlapping span with the same tag)"
    );
    for (i, n) in names.iter().enumerate() {
        let c = ag.only.iter().filter(|s| s.annotator == i).count();
        let _ = writeln!(out, "  {n}: {c}");
    }
    let _ = writeln!(
        out,
        "\n— undefined (see --json for the reason). docs/agreement.md defines each figure."
    );
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Splits `per_tag.TAG.rest` into (TAG, rest) using the known tags; else ("", name).
fn split_tag<'a>(name: &'a str, tags: &'a [String]) -> (&'a str, &'a str) {
    if let Some(after) = name.strip_prefix("per_tag.")
        && let Some(t) = tags
            .iter()
            .filter(|t| after.starts_with(t.as_str()) && after[t.len()..].starts_with('.'))
            .max_by_key(|t| t.len())
    {
        return (t, &after[t.len() + 1..]);
    }
    ("", name)
}

/// The long CSV table (`--csv`); `eol` is `"\n"` or `"\r\n"`.
pub fn csv(ag: &Agreement, eol: &str) -> String {
    let mut out = String::new();
    out.push_str("scope,article,a,b,tag,figure,value,reason");
    out.push_str(eol);
    let mut rows = |scope: &str, article: &str, a: &str, b: &str, f: &Figures| {
        for (name, e) in f {
            let (tag, figure) = split_tag(name, &ag.tags);
            let (value, reason) = match e {
                Entry::Figure(Figure::Value(v)) => (v.to_string(), String::new()),
                Entry::Figure(Figure::Undefined(r)) => (String::new(), r.clone()),
                Entry::Count(n) => (n.to_string(), String::new()),
            };
            let fields = [scope, article, a, b, tag, figure, &value, &reason];
            let line: Vec<String> = fields.iter().map(|x| csv_field(x)).collect();
            out.push_str(&line.join(","));
            out.push_str(eol);
        }
    };
    let names = &ag.annotators;
    for p in &ag.pairs {
        rows("pooled", "", &names[p.a], &names[p.b], &p.pooled);
        rows(
            "mean_of_articles",
            "",
            &names[p.a],
            &names[p.b],
            &p.mean_of_articles,
        );
    }
    rows("pooled", "", "", "", &ag.group);
    rows("mean_of_articles", "", "", "", &ag.group_mean_of_articles);
    for r in &ag.per_article {
        for (a, b, f) in &r.pairs {
            rows("article", &r.name, &names[*a], &names[*b], f);
        }
        rows("article", &r.name, "", "", &r.group);
    }
    out
}
