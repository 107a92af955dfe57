//! Corpus checks: `validate` and `reanchor`.

use std::io::Write;
use std::path::PathBuf;

use indicatif::ProgressBar;

use crate::core::anchor::Anchoring;
use crate::core::corpus::collect;
use crate::core::validate::{Severity, validate_paths};
use crate::core::{Document, LoadOptions, Status};

use super::*;

/// A spinner on stderr while a corpus command runs: indicatif draws it only when stderr is a
/// terminal, so pipes and tests see nothing.
fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

pub(super) fn validate(paths: &[PathBuf], json: bool, options: &LoadOptions) -> Result<u8, Fail> {
    let mut all_ok = true;
    let mut files = Vec::new();
    let mut out = std::io::stdout().lock();
    let mut io_error = None;
    let bar = spinner();
    let mut found = |n| bar.set_message(format!("{n} articles found"));
    validate_paths(paths, options, &mut found, |report| {
        bar.inc(1);
        bar.set_message(format!("{} checked", bar.position()));
        all_ok &= report.ok;
        if json {
            files.push(report);
            return;
        }
        let status = if report.ok { "ok" } else { "INVALID" };
        let r = bar
            .suspend(|| writeln!(out, "{}: {status}", report.path.display()))
            .and_then(|_| {
                for p in &report.problems {
                    let sev = match p.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                    };
                    let who = p
                        .annotation
                        .as_deref()
                        .map(|a| format!(" [{a}]"))
                        .unwrap_or_default();
                    bar.suspend(|| writeln!(out, "  {sev}{who}: {}", p.message))?;
                }
                Ok(())
            });
        if let Err(e) = r {
            io_error.get_or_insert(e);
        }
    });
    bar.finish_and_clear();
    if let Some(e) = io_error {
        return Err(e.into());
    }
    if json {
        let v = serde_json::json!({ "files": files });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    }
    Ok(if all_ok { 0 } else { 1 })
}

pub(super) fn reanchor(paths: &[PathBuf], options: &LoadOptions) -> Result<u8, Fail> {
    let bar = spinner();
    let items = collect(paths, &mut |n| {
        bar.set_message(format!("{n} articles found"))
    });
    let mut orphans = 0;
    let mut failed = false;
    // Lines go to stdout between two draws of the spinner.
    macro_rules! println {
        ($($t:tt)*) => { bar.suspend(|| std::println!($($t)*)) };
    }
    for found in items {
        bar.inc(1);
        let article = match found {
            Ok(item) if item.has_sidecar => item.article,
            Ok(_) => continue,
            Err(e) => {
                bar.suspend(|| eprintln!("tagline: {e}"));
                failed = true;
                continue;
            }
        };
        let (mut doc, report) = match Document::open(&article, options) {
            Ok(x) => x,
            Err(e) => {
                bar.suspend(|| eprintln!("tagline: {e}"));
                failed = true;
                continue;
            }
        };
        if let Some(p) = &report.sidecar_problem {
            bar.suspend(|| eprintln!("tagline: {p}; left untouched"));
            failed = true;
            continue;
        }
        let name = article.display();
        for (id, a) in &report.anchoring {
            match a {
                Anchoring::Moved { from, to } => println!("{name}: moved {id} from {from} to {to}"),
                Anchoring::Orphaned => {
                    let text = doc
                        .annotation(id)
                        .map(|x| one_line(&x.text, 40))
                        .unwrap_or_default();
                    println!("{name}: orphaned {id} “{text}”");
                }
                Anchoring::Kept => println!("{name}: {id} holds its text again"),
            }
        }
        // Orphans from earlier runs still need a person, so they count too.
        let still_orphaned = doc
            .annotations()
            .iter()
            .filter(|a| a.status == Some(Status::Orphaned))
            .count();
        let newly: usize = report.orphans().count();
        if still_orphaned > newly {
            println!(
                "{name}: {} annotation(s) orphaned earlier are still orphaned",
                still_orphaned - newly
            );
        }
        orphans += still_orphaned.max(newly);
        if doc.is_dirty() {
            if let Err(e) = doc.save() {
                bar.suspend(|| eprintln!("tagline: {e}"));
                failed = true;
                continue;
            }
            if report.anchoring.is_empty() {
                println!(
                    "{name}: article changed; every annotation still holds its text (hash updated)"
                );
            }
        } else {
            println!("{name}: unchanged");
        }
    }
    bar.finish_and_clear();
    Ok(if failed {
        2
    } else if orphans > 0 {
        1
    } else {
        0
    })
}
