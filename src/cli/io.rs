//! Plumbing shared by the commands: the global options that are not about one command
//! (`--encoding`, `--lock-wait`), a locked stdout that takes a closed pipe quietly ([`Out`]),
//! and the refusal of a sidecar named where an article is meant.

use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use crate::core::LoadOptions;

use super::{Cli, Fail};

pub(super) fn parse_encoding(label: &str) -> Result<&'static encoding_rs::Encoding, String> {
    crate::core::article::encoding_for_label(label).ok_or_else(|| {
        format!(
            "unknown encoding `{label}` (use a WHATWG label such as windows-1252, latin1, utf-16le)"
        )
    })
}

impl Cli {
    /// How articles are read, from the global options.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            max_bytes: self.max_size_mib.saturating_mul(1024 * 1024),
            encoding: self.encoding,
        }
    }

    /// With no command, a first path that is a bare word naming nothing on disk (`tagline
    /// stat .`, `tagline valdate x.txt`) is far likelier a mistyped command than an article to
    /// open: the message that says so, naming the closest command, instead of a window.
    pub fn mistyped_command(&self) -> Option<String> {
        let first = self.paths.first().filter(|_| self.command.is_none())?;
        let word = first.to_str()?;
        if word.is_empty()
            || word.contains(['/', '\\', '.'])
            || std::fs::symlink_metadata(first).is_ok()
        {
            return None;
        }
        let commands = <Cli as clap::CommandFactory>::command();
        let closest = commands
            .get_subcommands()
            .map(|c| c.get_name())
            .filter(|&name| name != "help")
            .map(|name| (edit_distance(word, name), name))
            .min()
            .filter(|(d, _)| *d <= 2)
            .map(|(_, name)| format!(" (did you mean `tagline {name}`?)"))
            .unwrap_or_default();
        Some(format!(
            "{word}: no such file or folder, and not a command{closest}; `tagline --help` lists the commands"
        ))
    }

    /// Sets process-wide options of the headless commands (the lock wait). Call before
    /// [`crate::cli::run`].
    pub fn configure(&self) {
        let wait = Duration::try_from_secs_f64(self.lock_wait.max(0.0)).unwrap_or(Duration::MAX);
        let _ = LOCK_WAIT.set(wait);
    }
}

static LOCK_WAIT: OnceLock<Duration> = OnceLock::new();

pub(super) fn lock_wait() -> Duration {
    LOCK_WAIT
        .get()
        .copied()
        .unwrap_or(crate::core::store::DEFAULT_LOCK_WAIT)
}

/// Standard output, locked once, for a whole command. When the reader went away (a closed
/// pipe: `tagline reanchor . | head -n 1`) the rest of the output is dropped quietly and the
/// command goes on with its work; other write errors are errors.
pub struct Out {
    inner: std::io::StdoutLock<'static>,
    closed: bool,
}

impl Out {
    /// The locked standard output.
    pub fn stdout() -> Out {
        Out {
            inner: std::io::stdout().lock(),
            closed: false,
        }
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Refuses a sidecar given where an article is meant.
pub(super) fn not_a_sidecar(article: &Path) -> Result<(), Fail> {
    match crate::core::sidecar::article_path_of_sidecar(article) {
        Some(a) => Err(Fail(format!(
            "{}: is a sidecar, not an article; name its article instead: {}",
            article.display(),
            a.display()
        ))),
        None => Ok(()),
    }
}

/// Levenshtein distance in chars (short words only: command names).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}
