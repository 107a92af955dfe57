//! `tagline show`: a document's annotations and relations as a table.

use std::io::Write;
use std::path::Path;

use crate::core::{AnnotationFilter, Document, LoadOptions};

use super::*;

pub(super) fn show(article: &Path, only: Option<&str>, options: &LoadOptions) -> Result<u8, Fail> {
    io::not_a_sidecar(article)?;
    let (doc, report) = match Document::open(article, options) {
        Ok(x) => x,
        // Reading needs no scheme rules: a broken folder scheme does not hide the annotations.
        Err(crate::core::OpenError::Scheme(e)) => {
            eprintln!("tagline: warning: {e}; showing with the built-in scheme");
            let a = crate::core::Article::load(article, options)?;
            Document::attach_sidecar(a, crate::core::Scheme::default_news(), None)
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(p) = &report.sidecar_problem {
        return Err(Fail(p.clone()));
    }
    for w in &report.warnings {
        eprintln!("tagline: warning: {}: {w}", article.display());
    }
    print_anchoring(article, &report);
    let mut out = Out::stdout();
    let a = &doc.article;
    writeln!(
        out,
        "{} — {} chars, scheme {}",
        a.file_name(),
        a.len_chars(),
        doc.scheme.reference()
    )?;
    if let Some(t) = &a.metadata.title {
        writeln!(out, "title: {t}")?;
    }
    let filter = AnnotationFilter {
        annotator: only.map(str::to_owned),
        ..AnnotationFilter::default()
    };
    let keep = filter.matcher();
    let anns: Vec<_> = doc.annotations().iter().filter(|x| keep(x)).collect();
    // With --annotator: the relations that annotator made or that touch what is shown.
    let shown: std::collections::HashSet<&str> = anns.iter().map(|a| a.id.as_str()).collect();
    let relations: Vec<_> = doc
        .relations()
        .iter()
        .filter(|r| {
            only.is_none_or(|name| {
                r.annotator == name
                    || shown.contains(r.from.as_str())
                    || shown.contains(r.to.as_str())
            })
        })
        .collect();
    writeln!(
        out,
        "{} annotations, {} relations",
        anns.len(),
        relations.len()
    )?;
    if !anns.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{:<10}  {:<9}  {:>13}  {:<44}  ATTRIBUTES",
            "ID", "TAG", "SPAN", "TEXT"
        )?;
        for x in anns {
            let mut extras: Vec<String> = x
                .attributes
                .iter()
                .map(|(k, v)| format!("{k}={}", v.display()))
                .collect();
            if let Some(s) = x.status {
                extras.push(format!("[{}]", s.as_str()));
            }
            if !x.annotator.is_empty() {
                extras.push(format!("by {}", x.annotator));
            }
            if !x.note.is_empty() {
                extras.push(format!("note: {}", one_line(&x.note, 40)));
            }
            writeln!(
                out,
                "{:<10}  {:<9}  {:>13}  {}  {}",
                x.id,
                x.tag,
                x.range.to_string(),
                padded(&format!("“{}”", one_line(&x.text, 40)), 44),
                extras.join(" ")
            )?;
        }
    }
    if !relations.is_empty() {
        writeln!(out, "\nrelations:")?;
        // Each relation with the texts it joins, so it reads without looking ids up.
        let text = |id: &str| {
            doc.annotation(id).map_or("(missing)".to_owned(), |a| {
                format!("“{}”", one_line(&a.text, 40))
            })
        };
        for r in relations {
            writeln!(
                out,
                "{:<10}  {} {} —{}→ {} {}",
                r.id,
                r.from,
                text(&r.from),
                r.kind,
                r.to,
                text(&r.to)
            )?;
        }
    }
    if !doc.labels().is_empty() {
        writeln!(out, "\nlabels:")?;
        for (k, v) in doc.labels() {
            writeln!(out, "  {k}: {}", v.display())?;
        }
    }
    Ok(0)
}

/// `s` followed by spaces up to `width` terminal columns: CJK letters and most emoji take two
/// columns, so padding by chars would push the next column out.
fn padded(s: &str, width: usize) -> String {
    let used = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(used)))
}
