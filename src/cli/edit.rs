//! Editing commands: `add`, `remove`, `relate`, `label` — each opens the document, performs one
//! action through the core's edit path and saves.

use std::io::Write;
use std::path::Path;

use crate::core::text::nav::find_nth;
use crate::core::{Action, CharRange, Document, LoadOptions, OpenReport, Status};
use crate::settings::Settings;

use super::*;

/// Opens a document for editing, refusing when its sidecar cannot be read.
pub(super) fn open_for_edit(
    article: &Path,
    options: &LoadOptions,
) -> Result<(Document, OpenReport), Fail> {
    let (doc, report) = Document::open(article, options)?;
    if let Some(problem) = &report.sidecar_problem {
        return Err(Fail(format!("{problem}; nothing was changed")));
    }
    for w in &report.warnings {
        eprintln!("tagline: warning: {}: {w}", article.display());
    }
    print_anchoring(article, &report);
    Ok((doc, report))
}

pub(super) fn annotator_name(given: Option<String>) -> String {
    given.unwrap_or_else(|| Settings::load().0.annotator)
}

/// Opens, edits and saves, holding the sidecar's write lock from before the read through the
/// rename, so a concurrent edit waits for this one and then sees it.
pub(super) fn edit_and_save(
    article: &Path,
    options: &LoadOptions,
    annotator: Option<String>,
    action: impl FnOnce(&Document) -> Result<Action, Fail>,
) -> Result<Option<crate::core::NewId>, Fail> {
    io::not_a_sidecar(article)?;
    let lock = crate::core::store::lock_for_write(
        &crate::core::sidecar::sidecar_path(article),
        io::lock_wait(),
    )?;
    let (mut doc, _) = open_for_edit(article, options)?;
    let action = action(&doc)?;
    // A label set to the value it has (or cleared when unset) is done already: a script that
    // runs `tagline label … status done` again must not fail.
    let already = match &action {
        Action::SetLabel { name, value } => Some(match value {
            Some(v) => format!("label `{name}` is already `{}`", v.display()),
            None => format!("label `{name}` is not set"),
        }),
        _ => None,
    };
    let id = match doc.perform(action, &annotator_name(annotator)) {
        Err(crate::core::EditError::NoChange) if already.is_some() => {
            let why = already.unwrap_or_default();
            eprintln!("tagline: {}: {why}; nothing to change", article.display());
            return Ok(None);
        }
        other => other.map_err(|e| Fail(format!("{}: {e}", article.display())))?,
    };
    doc.save_locked(&lock)?;
    Ok(id)
}

pub(super) fn add(args: AddArgs, options: &LoadOptions) -> Result<u8, Fail> {
    let annotator = args.annotator.clone();
    let id = edit_and_save(&args.article, options, annotator, |doc| {
        let range = match (&args.span, &args.quote) {
            (Some(span), _) => parse_span(span)?,
            (None, Some(quote)) => {
                find_nth(&doc.article.text, quote, args.nth).ok_or_else(|| {
                    Fail(format!(
                        "{}: {} of \"{quote}\" not found in the article",
                        args.article.display(),
                        ordinal(args.nth)
                    ))
                })?
            }
            (None, None) => return Err(Fail("give --span START:END or --quote TEXT".into())),
        };
        let mut attributes = std::collections::BTreeMap::new();
        for kv in &args.attrs {
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| Fail(format!("--attr {kv}: expected NAME=VALUE")))?;
            attributes.insert(k.to_owned(), doc.scheme.parse_attr_value(&args.tag, k, v));
        }
        Ok(Action::Add {
            tag: args.tag.clone(),
            range,
            attributes,
            note: args.note.clone(),
            status: match args.status.as_deref() {
                Some("suggested") => Some(Status::Suggested),
                Some("uncertain") => Some(Status::Uncertain),
                _ => None,
            },
        })
    })?;
    // Saved: now say so.
    writeln!(
        Out::stdout(),
        "{}",
        id.map(|id| id.to_string()).unwrap_or_default()
    )?;
    Ok(0)
}

pub(super) fn ordinal(n: usize) -> String {
    match n {
        1 => "the first occurrence".into(),
        n => format!("occurrence {n}"),
    }
}

pub(super) fn parse_span(s: &str) -> Result<CharRange, Fail> {
    let bad = || Fail(format!("--span {s}: expected START:END, two whole numbers"));
    let (a, b) = s.split_once(':').ok_or_else(bad)?;
    let start = a.trim().parse().map_err(|_| bad())?;
    let end = b.trim().parse().map_err(|_| bad())?;
    Ok(CharRange::new(start, end))
}
