//! `tagline merge-driver` and `tagline git-setup`: sidecars that merge in git.
//!
//! git calls the driver with three temporary files — the common ancestor (`%O`), this
//! branch's version (`%A`) and the other branch's (`%B`) — and takes `%A` as the result. The
//! driver merges them with [`crate::core::merge::merge3`], writes `%A`, and exits 0 when the
//! merge is clean or 1 when something is marked for review (git then reports a conflict, and
//! the file holds valid JSON with both versions, never conflict markers). A file it cannot
//! read leaves `%A` as git gave it (this branch's version) and exits 2.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::core::merge::merge3;
use crate::core::sidecar::{SidecarData, write_atomic};

/// The `.gitattributes` line that sends sidecars to the driver.
pub const GITATTRIBUTES_LINE: &str = "*.annotations.json merge=tagline";
/// The command git runs, as `git config merge.tagline.driver` holds it.
pub const DRIVER_COMMAND: &str = "tagline merge-driver %O %A %B";
/// The driver's name in `git config merge.tagline.name`.
const DRIVER_NAME: &str = "Tagline sidecars, merged by annotation";

/// Runs the merge driver: merges `base`, `ours` and `theirs` into `ours`.
pub fn run_driver(base: &Path, ours: &Path, theirs: &Path) -> ExitCode {
    match driver(base, ours, theirs) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!(
                "tagline: {message}; {} is left as on this branch, for you to merge by hand",
                ours.display()
            );
            ExitCode::from(2)
        }
    }
}

fn read(path: &Path, may_be_empty: bool) -> Result<SidecarData, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    // git gives an empty ancestor when both branches added the file.
    if may_be_empty && bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(SidecarData::default());
    }
    SidecarData::parse(&bytes, path).map_err(|e| e.to_string())
}

fn driver(base: &Path, ours: &Path, theirs: &Path) -> Result<u8, String> {
    let b = read(base, true)?;
    let o = read(ours, false)?;
    let t = read(theirs, false)?;
    let outcome = merge3(&b, &o, &t);
    write_atomic(ours, outcome.merged.to_json().as_bytes()).map_err(|e| e.to_string())?;
    let name = outcome.merged.article.file.as_str();
    for c in &outcome.conflicts {
        eprintln!("tagline: {name}: {c}");
    }
    if !outcome.dropped_relations.is_empty() {
        eprintln!(
            "tagline: {name}: dropped {} relation(s) to deleted annotations: {}",
            outcome.dropped_relations.len(),
            outcome.dropped_relations.join(", ")
        );
    }
    if outcome.is_clean() {
        Ok(0)
    } else {
        eprintln!(
            "tagline: {name}: {} item(s) to review: open the article in Tagline, keep one version of each, then `git add` the sidecar",
            outcome.conflicts.len()
        );
        Ok(1)
    }
}

/// `tagline git-setup [FOLDER]`: the `.gitattributes` line and the `git config` entries.
pub fn run_setup(folder: Option<PathBuf>) -> ExitCode {
    let folder = folder.unwrap_or_else(|| PathBuf::from("."));
    match setup(&folder) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("tagline: {message}");
            ExitCode::from(2)
        }
    }
}

fn setup(folder: &Path) -> Result<u8, String> {
    if !folder.is_dir() {
        return Err(format!("{}: not a folder", folder.display()));
    }
    let attributes = folder.join(".gitattributes");
    let existing = match std::fs::read_to_string(&attributes) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: cannot read: {e}", attributes.display())),
    };
    if existing.lines().any(|l| l.trim() == GITATTRIBUTES_LINE) {
        println!(
            "{}: already has `{GITATTRIBUTES_LINE}`",
            attributes.display()
        );
    } else {
        let mut text = existing;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(GITATTRIBUTES_LINE);
        text.push('\n');
        write_atomic(&attributes, text.as_bytes()).map_err(|e| e.to_string())?;
        println!("{}: added `{GITATTRIBUTES_LINE}`", attributes.display());
    }
    let config = |key: &str, value: &str| -> Result<(), String> {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(folder)
            .args(["config", key, value])
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    };
    let done = config("merge.tagline.name", DRIVER_NAME)
        .and_then(|()| config("merge.tagline.driver", DRIVER_COMMAND));
    match done {
        Ok(()) => {
            println!("git config merge.tagline.driver \"{DRIVER_COMMAND}\"");
            println!(
                "(git keeps this in the repository's .git/config, which is not shared: run `tagline git-setup` in every clone; git runs `tagline` from your PATH)"
            );
            Ok(0)
        }
        Err(why) => {
            eprintln!(
                "tagline: {}: could not set the merge driver in git's config ({why}); run this inside the repository:\n  git config merge.tagline.name \"{DRIVER_NAME}\"\n  git config merge.tagline.driver \"{DRIVER_COMMAND}\"",
                folder.display()
            );
            Ok(2)
        }
    }
}
