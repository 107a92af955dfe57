//! The command line: the same core operations as the GUI, headless.
//!
//! Exit codes: 0 success; 1 problems found (invalid sidecar, orphaned annotations); 2 usage,
//! input or I/O error. Errors go to stderr with the file name and a reason.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::core::anchor::Anchoring;
use crate::core::validate::{Severity, validate_paths};
use crate::core::{Action, CharRange, Document, LoadOptions, OpenReport, Status};
use crate::settings::Settings;

/// Annotate news articles: tag claims, quotes, stance and sourcing.
///
/// With no command, opens the given articles or folders in the Tagline window.
#[derive(Parser, Debug)]
#[command(name = "tagline", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Articles or folders to open in the window.
    pub paths: Vec<PathBuf>,
    /// Refuse article files larger than this many MiB.
    #[arg(long, global = true, default_value_t = 64, value_name = "MIB")]
    pub max_size_mib: u64,
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
        id: String,
    },
    /// Relate two annotations, e.g. `tagline relate a.txt QUOTE_ID attributed_to SOURCE_ID`.
    Relate {
        /// The article.
        article: PathBuf,
        /// Source annotation id.
        from: String,
        /// Relation type from the scheme.
        kind: String,
        /// Target annotation id.
        to: String,
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
        /// Only this annotator's annotations.
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
    /// Benchmarks of the real article view, headless (use a release build).
    #[command(subcommand)]
    Bench(BenchCommand),
}

/// `tagline bench …`
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Scroll top to bottom and back with a selection drag; print frame times.
    View {
        /// The article.
        file: PathBuf,
        /// Frames to run.
        #[arg(long, default_value_t = 600)]
        frames: usize,
        /// Print JSON: {"frames", "median_ms", "p95_ms", "p99_ms", "max_ms"}.
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
    #[arg(long, value_name = "TEXT")]
    pub quote: Option<String>,
    /// Which occurrence of --quote (1-based).
    #[arg(long, default_value_t = 1, requires = "quote", value_name = "N")]
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
    let result = match command {
        Command::Add(args) => add(args, options),
        Command::Remove { article, id } => edit_and_save(&article, options, None, |_| {
            Ok(Action::Remove { id: id.clone() })
        })
        .map(|_| {
            println!("removed {id}");
            0
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
        .map(|id| {
            println!("{}", id.unwrap_or_default());
            0
        }),
        Command::Label {
            article,
            name,
            value,
        } => edit_and_save(&article, options, None, |doc| {
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
        // The window's benchmarks belong to the window: `main.rs` dispatches them.
        Command::Bench(_) => Err(Fail(
            "`tagline bench` is run by the tagline binary, not through the command-line library"
                .into(),
        )),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Fail(message)) => {
            eprintln!("tagline: {message}");
            ExitCode::from(2)
        }
    }
}

/// Opens a document for editing, refusing when its sidecar cannot be read.
fn open_for_edit(article: &Path, options: &LoadOptions) -> Result<(Document, OpenReport), Fail> {
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

fn annotator_name(given: Option<String>) -> String {
    given.unwrap_or_else(|| Settings::load().0.annotator)
}

fn edit_and_save(
    article: &Path,
    options: &LoadOptions,
    annotator: Option<String>,
    action: impl FnOnce(&Document) -> Result<Action, Fail>,
) -> Result<Option<String>, Fail> {
    let (mut doc, _) = open_for_edit(article, options)?;
    let action = action(&doc)?;
    let id = doc
        .perform(action, &annotator_name(annotator))
        .map_err(|e| Fail(format!("{}: {e}", article.display())))?;
    doc.save()?;
    Ok(id)
}

fn add(args: AddArgs, options: &LoadOptions) -> Result<u8, Fail> {
    let annotator = args.annotator.clone();
    let id = edit_and_save(&args.article, options, annotator, |doc| {
        let range = match (&args.span, &args.quote) {
            (Some(span), _) => parse_span(span)?,
            (None, Some(quote)) => find_nth(doc, quote, args.nth).ok_or_else(|| {
                Fail(format!(
                    "{}: {} of \"{quote}\" not found in the article",
                    args.article.display(),
                    ordinal(args.nth)
                ))
            })?,
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
    println!("{}", id.unwrap_or_default());
    Ok(0)
}

fn ordinal(n: usize) -> String {
    match n {
        1 => "the first occurrence".into(),
        n => format!("occurrence {n}"),
    }
}

fn parse_span(s: &str) -> Result<CharRange, Fail> {
    let bad = || Fail(format!("--span {s}: expected START:END, two whole numbers"));
    let (a, b) = s.split_once(':').ok_or_else(bad)?;
    let start = a.trim().parse().map_err(|_| bad())?;
    let end = b.trim().parse().map_err(|_| bad())?;
    Ok(CharRange::new(start, end))
}

/// The `nth` (1-based) occurrence of `needle` in the article, overlapping occurrences counted.
pub fn find_nth(doc: &Document, needle: &str, nth: usize) -> Option<CharRange> {
    if needle.is_empty() || nth == 0 {
        return None;
    }
    let text = doc.article.text.as_str();
    let mut from = 0;
    let mut count = 0;
    while let Some(i) = text[from..].find(needle) {
        let byte = from + i;
        count += 1;
        if count == nth {
            let start = doc.article.text.byte_to_char(byte)?;
            return Some(CharRange::new(start, start + needle.chars().count()));
        }
        from = byte + text[byte..].chars().next().map_or(1, char::len_utf8);
    }
    None
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

fn show(article: &Path, only: Option<&str>, options: &LoadOptions) -> Result<u8, Fail> {
    let (doc, report) = Document::open(article, options)?;
    if let Some(p) = &report.sidecar_problem {
        return Err(Fail(p.clone()));
    }
    print_anchoring(article, &report);
    let mut out = std::io::stdout().lock();
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
    let anns: Vec<_> = doc
        .annotations()
        .iter()
        .filter(|x| only.is_none_or(|o| x.annotator == o))
        .collect();
    writeln!(
        out,
        "{} annotations, {} relations",
        anns.len(),
        doc.relations().len()
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
                "{:<10}  {:<9}  {:>13}  {:<44}  {}",
                x.id,
                x.tag,
                x.range.to_string(),
                format!("“{}”", one_line(&x.text, 40)),
                extras.join(" ")
            )?;
        }
    }
    if !doc.relations().is_empty() {
        writeln!(out, "\nrelations:")?;
        for r in doc.relations() {
            writeln!(out, "{:<10}  {} —{}→ {}", r.id, r.from, r.kind, r.to)?;
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
            Anchoring::Moved { from, to } => eprintln!("  moved {id} from {from} to {to}"),
            Anchoring::Orphaned => {
                eprintln!("  orphaned {id}: its text is no longer in the article")
            }
            Anchoring::Kept => eprintln!("  {id} holds its text again"),
        }
    }
}

fn validate(paths: &[PathBuf], json: bool, options: &LoadOptions) -> Result<u8, Fail> {
    let mut all_ok = true;
    let mut files = Vec::new();
    let mut out = std::io::stdout().lock();
    let mut io_error = None;
    validate_paths(paths, options, |report| {
        all_ok &= report.ok;
        if json {
            files.push(report);
            return;
        }
        let status = if report.ok { "ok" } else { "INVALID" };
        let r = writeln!(out, "{}: {status}", report.path.display()).and_then(|_| {
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
                writeln!(out, "  {sev}{who}: {}", p.message)?;
            }
            Ok(())
        });
        if let Err(e) = r {
            io_error.get_or_insert(e);
        }
    });
    if let Some(e) = io_error {
        return Err(e.into());
    }
    if json {
        let v = serde_json::json!({ "files": files });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    }
    Ok(if all_ok { 0 } else { 1 })
}

fn reanchor(paths: &[PathBuf], options: &LoadOptions) -> Result<u8, Fail> {
    let mut articles = Vec::new();
    for p in paths {
        if p.is_dir() {
            articles.extend(crate::core::corpus::articles(p));
        } else if let Some(a) = crate::core::sidecar::article_path_of_sidecar(p) {
            articles.push(a);
        } else {
            articles.push(p.clone());
        }
    }
    let mut orphans = 0;
    let mut failed = false;
    for article in articles {
        if !crate::core::sidecar::sidecar_path(&article).exists() {
            continue;
        }
        let (mut doc, report) = match Document::open(&article, options) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("tagline: {e}");
                failed = true;
                continue;
            }
        };
        if let Some(p) = &report.sidecar_problem {
            eprintln!("tagline: {p}; left untouched");
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
                eprintln!("tagline: {e}");
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
    Ok(if failed {
        2
    } else if orphans > 0 {
        1
    } else {
        0
    })
}
