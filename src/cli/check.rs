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
    // A path that is missing or not a file or folder is an input error (exit 2), reported
    // after the others are checked.
    let mut input_error = false;
    for p in paths {
        match std::fs::metadata(p) {
            Err(e) => {
                let why = if e.kind() == std::io::ErrorKind::NotFound {
                    "no such file or folder".to_owned()
                } else {
                    e.to_string()
                };
                eprintln!("tagline: {}: {why}", p.display());
                input_error = true;
            }
            Ok(m) if !m.is_file() && !m.is_dir() => {
                eprintln!(
                    "tagline: {}: is {}, not a regular file or folder",
                    p.display(),
                    crate::core::store::describe_kind(m.file_type())
                );
                input_error = true;
            }
            Ok(_) => {}
        }
    }
    let mut all_ok = true;
    let mut checked = 0usize;
    let mut files = Vec::new();
    let mut out = Out::stdout();
    let mut io_error = None;
    let bar = spinner();
    let mut found = |n| bar.set_message(format!("{n} articles found"));
    validate_paths(paths, options, &mut found, |report| {
        bar.inc(1);
        bar.set_message(format!("{} checked", bar.position()));
        checked += 1;
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
    if checked == 0 && !input_error {
        // Silence would read as "all fine" for a folder that holds nothing of Tagline's.
        eprintln!("tagline: nothing to check: no sidecars (*.annotations.json) in the paths given");
    }
    if json {
        let v = serde_json::json!({ "files": files });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    }
    Ok(if input_error {
        2
    } else if all_ok {
        0
    } else {
        1
    })
}

pub(super) fn reanchor(paths: &[PathBuf], options: &LoadOptions) -> Result<u8, Fail> {
    let bar = spinner();
    let items = collect(paths, &mut |n| {
        bar.set_message(format!("{n} articles found"))
    });
    let mut orphans = 0;
    let mut with_sidecar = 0usize;
    // A path that is not there, or a save that failed: exit 2. An article or sidecar that
    // cannot be read is left untouched and skipped, as every corpus command does: exit 1.
    let mut failed = false;
    let mut skipped = false;
    // One locked stdout: a closed pipe silences the lines, not the work.
    let mut out = Out::stdout();
    // Lines go to stdout between two draws of the spinner.
    macro_rules! println {
        ($($t:tt)*) => { bar.suspend(|| writeln!(out, $($t)*))? };
    }
    for found in items {
        bar.inc(1);
        let article = match found {
            Ok(item) if item.has_sidecar => {
                with_sidecar += 1;
                item.article
            }
            Ok(_) => continue,
            Err(e) => {
                bar.suspend(|| eprintln!("tagline: {e}"));
                match e {
                    crate::core::corpus::CorpusError::Missing(_) => failed = true,
                    crate::core::corpus::CorpusError::SidecarWithoutArticle(..) => skipped = true,
                }
                continue;
            }
        };
        // Held from before the read through the save. A lock file that cannot even be made
        // (a read-only folder) only matters if there is something to save; another writer
        // holding the lock does.
        let lock = match crate::core::store::lock_for_write(
            &crate::core::sidecar::sidecar_path(&article),
            io::lock_wait(),
        ) {
            Ok(l) => Ok(l),
            Err(e @ crate::core::sidecar::SidecarError::Io { .. }) => Err(e),
            Err(e) => {
                bar.suspend(|| eprintln!("tagline: {e}"));
                failed = true;
                continue;
            }
        };
        let (mut doc, report) = match Document::open(&article, options) {
            Ok(x) => x,
            Err(e) => {
                bar.suspend(|| eprintln!("tagline: {e}; skipped"));
                skipped = true;
                continue;
            }
        };
        if let Some(p) = &report.sidecar_problem {
            bar.suspend(|| eprintln!("tagline: {p}; left untouched"));
            skipped = true;
            continue;
        }
        for w in &report.warnings {
            bar.suspend(|| eprintln!("tagline: warning: {}: {w}", article.display()));
        }
        // Save first, then tell: a reader that goes away early costs no work.
        let dirty = doc.is_dirty();
        if dirty {
            let saved = match &lock {
                Ok(lock) => doc.save_locked(lock).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            if let Err(e) = saved {
                bar.suspend(|| eprintln!("tagline: {e}"));
                failed = true;
                continue;
            }
        }
        drop(lock);
        let name = article.display();
        for (id, a) in &report.anchoring {
            match a {
                Anchoring::Moved {
                    from,
                    to,
                    fuzzy: false,
                } => println!("{name}: moved {id} from {from} to {to}"),
                Anchoring::Moved {
                    from,
                    to,
                    fuzzy: true,
                } => {
                    let (was, now) = doc
                        .annotation(id)
                        .map(|x| {
                            let was = x.review.as_ref().and_then(|r| r.was.as_deref());
                            (one_line(was.unwrap_or_default(), 60), one_line(&x.text, 60))
                        })
                        .unwrap_or_default();
                    println!("{name}: moved (fuzzy) {id} from {from} to {to}: “{was}” → “{now}”");
                }
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
        if !dirty {
            println!("{name}: unchanged");
        } else if report.anchoring.is_empty() {
            println!(
                "{name}: article changed; every annotation still holds its text (hash updated)"
            );
        }
    }
    bar.finish_and_clear();
    if with_sidecar == 0 && !failed && !skipped {
        eprintln!(
            "tagline: nothing to re-anchor: no sidecars (*.annotations.json) in the paths given"
        );
    }
    Ok(if failed {
        2
    } else if orphans > 0 || skipped {
        1
    } else {
        0
    })
}
