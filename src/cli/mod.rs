//! The command line: the same core operations as the GUI, headless.
//!
//! Exit codes: 0 success; 1 problems found (invalid sidecar, orphaned annotations); 2 usage,
//! input or I/O error. Errors go to stderr with the file name and a reason.
//!
//! Output goes through one locked stdout ([`Out`]); a closed pipe (`| head -n 1`) silences the
//! rest of the output but not the work. Edits save before they print, and hold the sidecar's
//! write lock from before they read it, so concurrent `tagline add`s on one article queue
//! (up to `--lock-wait` seconds, then a clear message) instead of losing each other's work.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::core::anchor::Anchoring;
use crate::core::{Action, AnnotationId, LoadOptions, OpenReport};

/// Annotate news articles: tag claims, quotes, stance and sourcing.
///
/// With no command, opens the given articles or folders in the Tagline window.
#[derive(Parser, Debug)]
#[command(
    name = "tagline",
    version,
    override_usage = "tagline [OPTIONS] [PATHS]...\n       tagline [OPTIONS] <COMMAND>"
)]
pub struct Cli {
    /// Articles or folders to open in the window.
    pub paths: Vec<PathBuf>,
    /// Refuse article files larger than this many MiB.
    #[arg(long, global = true, default_value_t = 64, value_name = "MIB")]
    pub max_size_mib: u64,
    /// Read articles in this encoding (a WHATWG label: windows-1252, latin1, utf-16le,
    /// shift_jis, …) instead of detecting it.
    #[arg(long, global = true, value_name = "LABEL", value_parser = io::parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// How long an edit waits for another Tagline saving the same sidecar, in seconds.
    #[arg(long, global = true, default_value_t = 10.0, value_name = "SECONDS")]
    pub lock_wait: f64,
    /// Close the window by itself after this many seconds (for smoke tests).
    #[arg(long, hide = true, value_name = "SECONDS")]
    pub close_after: Option<f64>,
    /// The headless command to run; none opens the window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The headless commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Add one annotation and save the sidecar; prints the new id.
    Add(AddArgs),
    /// Remove an annotation (and the relations touching it).
    Remove {
        /// The article.
        article: PathBuf,
        /// Annotation id.
        id: AnnotationId,
    },
    /// Relate two annotations, e.g. `tagline relate a.txt QUOTE_ID attributed_to SOURCE_ID`.
    Relate {
        /// The article.
        article: PathBuf,
        /// Source annotation id.
        from: AnnotationId,
        /// Relation type from the scheme.
        kind: String,
        /// Target annotation id.
        to: AnnotationId,
        /// A note on the relation.
        #[arg(long, default_value = "")]
        note: String,
        /// Who is relating (default: the settings' annotator name).
        #[arg(long)]
        annotator: Option<String>,
    },
    /// Set a document label (omit VALUE to clear it), e.g. `tagline label a.txt status done`.
    Label {
        /// The article.
        article: PathBuf,
        /// Label name from the scheme.
        name: String,
        /// New value.
        value: Option<String>,
    },
    /// Print an article's annotations as a table.
    Show {
        /// The article.
        article: PathBuf,
        /// Only this annotator's annotations (and the relations they made or that touch them).
        #[arg(long)]
        annotator: Option<String>,
    },
    /// Check sidecars against their articles and schemes (files or folders, recursively).
    Validate {
        /// Articles, sidecars or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print a JSON report.
        #[arg(long)]
        json: bool,
    },
    /// Re-anchor annotations of changed articles, save, and print what moved or was orphaned.
    Reanchor {
        /// Articles, sidecars or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Export annotations: jsonl, spacy, conll, csv, brat, label-studio, inception, w3c.
    Export(export::ExportArgs),
    /// Agreement between annotators: span F1, Cohen's κ, Krippendorff's α, Fleiss' κ.
    Agree(agree::AgreeArgs),
    /// Import annotations from jsonl (ours, doccano, Prodigy), label-studio or brat into a
    /// folder of articles.
    Import(import::ImportArgs),
    /// Grade students' annotations against a teacher's key: gradebook, feedback pages.
    Grade(grade::GradeArgs),
    /// The same quote or claim across the outlets of a folder: variants, attributions, what
    /// each outlet alone has or leaves out (a summary, or --json / --csv / --html OUT).
    Story(story::StoryArgs),
    /// Suggest quotes, their sources and the links between them (rules, offline), added as
    /// suggestions to review.
    Suggest(suggest::SuggestArgs),
    /// Benchmarks of the real article view, headless (use a release build).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Corpus statistics: progress, counts by tag, attribute value and annotator, span
    /// lengths (a table, or --json / --csv).
    Stats(StatsArgs),
    /// git's merge driver for sidecars: merges by annotation, writes OURS; exit 0 clean, 1
    /// when something is marked for review, 2 when a file cannot be read.
    MergeDriver {
        /// The common ancestor (git's %O).
        base: PathBuf,
        /// This branch's version, replaced by the result (git's %A).
        ours: PathBuf,
        /// The other branch's version (git's %B).
        theirs: PathBuf,
    },
    /// Sets up git to merge sidecars with `tagline merge-driver`: the `.gitattributes` line in
    /// FOLDER (default: here) and the `git config` entry.
    GitSetup {
        /// The folder (usually the repository's top).
        folder: Option<PathBuf>,
    },
}

/// `tagline bench …`
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Scroll top to bottom and back with a selection drag; print frame times.
    View {
        /// The article.
        file: PathBuf,
        /// Frames to run (at least 40: each region scrolled through takes 20).
        #[arg(long, default_value_t = 600)]
        frames: usize,
        /// Print JSON: {"frames", "median_ms", "p95_ms", "p99_ms", "max_ms", "jumps",
        /// "jump_median_ms", "jump_max_ms"}.
        #[arg(long)]
        json: bool,
    },
    /// The compare view: several annotators' versions of the article's annotations (varied
    /// from its sidecar), the comparison's build time and frame times as `view`.
    Compare {
        /// The article (its sidecar is the first annotator's).
        file: PathBuf,
        /// Frames to run (at least 40: each region scrolled through takes 20).
        #[arg(long, default_value_t = 600)]
        frames: usize,
        /// Annotators (at least 2).
        #[arg(long, default_value_t = 3)]
        annotators: usize,
        /// Print JSON: {"annotators", "candidates", "compare_ms", "view": {…}}.
        #[arg(long)]
        json: bool,
    },
    /// Time to the first frame with text, to all highlights, and peak memory.
    Open {
        /// The article.
        file: PathBuf,
        /// Print JSON: {"text_ms", "highlights_ms", "peak_rss_mb"}.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `tagline add`.
#[derive(Args, Debug)]
pub struct AddArgs {
    /// The article.
    pub article: PathBuf,
    /// Tag id from the scheme (claim, quote, stance, sourcing in the default scheme).
    #[arg(long)]
    pub tag: String,
    /// Char offsets START:END (half-open, Unicode scalar values).
    #[arg(
        long,
        conflicts_with = "quote",
        required_unless_present = "quote",
        value_name = "START:END"
    )]
    pub span: Option<String>,
    /// The exact text to annotate.
    #[arg(long, value_name = "TEXT", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub quote: Option<String>,
    /// Which occurrence of --quote (1-based).
    #[arg(
        long,
        default_value_t = 1,
        requires = "quote",
        value_name = "N",
        value_parser = parse_nth
    )]
    pub nth: usize,
    /// An attribute, repeatable: --attr kind=direct.
    #[arg(long = "attr", value_name = "K=V")]
    pub attrs: Vec<String>,
    /// A note.
    #[arg(long, default_value = "")]
    pub note: String,
    /// Who is annotating (default: the settings' annotator name).
    #[arg(long)]
    pub annotator: Option<String>,
    /// Mark the annotation as a suggestion or as uncertain.
    #[arg(long, value_parser = ["suggested", "uncertain"])]
    pub status: Option<String>,
}

/// `--nth N`: a whole number from 1.
fn parse_nth(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("occurrences count from 1 (--nth 1 is the first)".into()),
    }
}

mod agree;
mod check;
mod edit;
mod export;
mod grade;
mod import;
mod io;
mod merge;
mod show;
mod stats;
mod story;
mod suggest;

pub use io::Out;

use check::{reanchor, validate};
use edit::{add, edit_and_save};
use show::show;
pub use stats::{StatsArgs, corpus_stats};

/// An error that ends a command with exit code 2.
#[derive(Debug)]
struct Fail(String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}

/// Runs a headless command. Returns the process exit code.
pub fn run(command: Command, options: &LoadOptions) -> ExitCode {
    let mut out = Out::stdout();
    let result = match command {
        Command::Add(args) => add(args, options),
        Command::Remove { article, id } => edit_and_save(&article, options, None, |_| {
            Ok(Action::Remove { id: id.clone() })
        })
        .and_then(|_| {
            writeln!(out, "removed {id}")?;
            Ok(0)
        }),
        Command::Relate {
            article,
            from,
            kind,
            to,
            note,
            annotator,
        } => edit_and_save(&article, options, annotator, |_| {
            Ok(Action::Relate {
                kind: kind.clone(),
                from: from.clone(),
                to: to.clone(),
                note: note.clone(),
            })
        })
        .and_then(|id| {
            writeln!(out, "{}", id.map(|id| id.to_string()).unwrap_or_default())?;
            Ok(0)
        }),
        Command::Label {
            article,
            name,
            value,
        } => edit_and_save(&article, options, None, |doc| {
            // A label the scheme lacks is refused (clearing one the sidecar has is fine).
            if doc.scheme.label(&name).is_none()
                && (value.is_some() || !doc.labels().contains_key(&name))
            {
                let known: Vec<&str> = doc.scheme.labels.iter().map(|l| l.name.as_str()).collect();
                return Err(Fail(format!(
                    "{}: scheme {} has no document label `{name}` (its labels: {})",
                    article.display(),
                    doc.scheme.reference(),
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                )));
            }
            Ok(Action::SetLabel {
                name: name.clone(),
                value: value
                    .as_deref()
                    .map(|v| doc.scheme.parse_label_value(&name, v)),
            })
        })
        .map(|_| 0),
        Command::Show { article, annotator } => show(&article, annotator.as_deref(), options),
        Command::Validate { paths, json } => validate(&paths, json, options),
        Command::Reanchor { paths } => reanchor(&paths, options),
        Command::Export(args) => Ok(export::run(args, options)),
        Command::Agree(args) => agree::run(args, options),
        Command::Grade(args) => grade::run(args, options),
        Command::Import(args) => import::run(args, options),
        Command::Stats(args) => stats::stats(args, options),
        Command::Story(args) => story::run(args, options),
        Command::Suggest(args) => suggest::run(args, options),
        Command::MergeDriver { base, ours, theirs } => {
            return merge::run_driver(&base, &ours, &theirs);
        }
        Command::GitSetup { folder } => return merge::run_setup(folder),
        // The window's benchmarks belong to the window: `main.rs` dispatches them.
        Command::Bench(_) => Err(Fail(
            "`tagline bench` is run by the tagline binary, not through the command-line library"
                .into(),
        )),
    };
    drop(out);
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Fail(message)) => {
            eprintln!("tagline: {message}");
            ExitCode::from(2)
        }
    }
}

fn print_anchoring(article: &Path, report: &OpenReport) {
    if report.anchoring.is_empty() {
        return;
    }
    eprintln!(
        "tagline: {}: the article changed; annotations were re-anchored:",
        article.display()
    );
    for (id, a) in &report.anchoring {
        match a {
            Anchoring::Moved {
                from,
                to,
                fuzzy: false,
            } => eprintln!("  moved {id} from {from} to {to}"),
            Anchoring::Moved {
                from,
                to,
                fuzzy: true,
            } => eprintln!("  moved (fuzzy) {id} from {from} to {to}; check it"),
            Anchoring::Orphaned => {
                eprintln!("  orphaned {id}: its text is no longer in the article")
            }
            Anchoring::Kept => eprintln!("  {id} holds its text again"),
        }
    }
}

/// Shows text on one line: control characters escaped, long text shortened.
fn one_line(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

/// The name a folder argument stands for (an annotator's, a student's): the folder's name; a
/// file's: its folder's.
fn folder_name(path: &Path) -> String {
    let folder = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let folder = std::fs::canonicalize(&folder).unwrap_or(folder);
    folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The progress bar of a corpus command on stderr ("VERB ▕bar▏ 12/40 articles"), drawn only
/// when stderr is a terminal (hidden otherwise, so pipes and logs get no escape codes).
pub(super) fn progress_bar(len: u64, verb: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let template = format!("{verb:>9} {{bar:40}} {{pos}}/{{len}} articles {{eta}}");
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("tagline").chain(args.iter().copied()))
    }

    #[test]
    fn global_options_go_before_or_after_the_command() {
        for args in [
            &["--encoding", "latin1", "show", "a.txt"][..],
            &["show", "a.txt", "--encoding", "latin1"],
            &["show", "--encoding", "latin1", "a.txt"],
        ] {
            let cli = parse(args).unwrap();
            assert!(
                matches!(cli.command, Some(Command::Show { .. })),
                "{args:?}: {cli:?}"
            );
            assert!(cli.encoding.is_some(), "{args:?}");
            assert!(cli.paths.is_empty(), "{args:?}");
        }
        let cli = parse(&["--lock-wait", "3", "validate", "."]).unwrap();
        assert!(matches!(cli.command, Some(Command::Validate { .. })));
        assert_eq!(cli.lock_wait, 3.0);
    }

    #[test]
    fn paths_open_the_window() {
        for args in [&["a.txt", "b"][..], &["--encoding", "latin1", "a.txt"], &[]] {
            let cli = parse(args).unwrap();
            assert!(cli.command.is_none(), "{args:?}: {cli:?}");
        }
        assert_eq!(parse(&["a.txt", "b"]).unwrap().paths.len(), 2);
    }

    #[test]
    fn after_a_path_every_word_is_a_path() {
        let cli = parse(&["a.txt", "show", "b.txt"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.paths.len(), 3);
    }
}
