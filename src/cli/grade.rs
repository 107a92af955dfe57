//! `tagline grade --key KEY STUDENT... -o OUT`: grades each student's folder against the key
//! and writes `gradebook.csv`, one `NAME.html` per student and `class.html` into OUT. Opens and
//! writes the files; the grading is [`crate::analysis::grade`], the documents
//! [`crate::report::grade`].
//!
//! Exit codes: 0 done; 1 done, but some student input had problems (reported per student, the
//! rest graded); 2 usage, input or I/O error (the key unreadable, OUT not empty).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{Fail, folder_name, progress_bar};
use crate::analysis::grade::{self, Handed, KeyArticle, Rubric};
use crate::analysis::pairing::{self, Source};
use crate::core::corpus::collect;
use crate::core::{Document, LoadOptions, Status};
use crate::report;

/// Arguments of `tagline grade`.
#[derive(Args, Debug)]
pub struct GradeArgs {
    /// The teacher's key: a folder (or one sidecar or article).
    #[arg(long, required_unless_present = "print_rubric")]
    pub key: Option<PathBuf>,
    /// Each student's folder (or sidecar); a student is named by their folder.
    #[arg(required_unless_present = "print_rubric")]
    pub students: Vec<PathBuf>,
    /// The folder to write the gradebook and pages into (created; refused if not empty).
    #[arg(short = 'o', long = "out", required_unless_present = "print_rubric")]
    pub out: Option<PathBuf>,
    /// A rubric JSON file (default: `tagline grade --print-rubric`).
    #[arg(long)]
    pub rubric: Option<PathBuf>,
    /// Print the default rubric and exit.
    #[arg(long)]
    pub print_rubric: bool,
    /// Write into OUT even when it is not empty.
    #[arg(long)]
    pub force: bool,
    /// The gradebook with a byte-order mark and CRLF, for spreadsheets.
    #[arg(long)]
    pub excel: bool,
    /// Count suggested annotations too.
    #[arg(long)]
    pub include_suggested: bool,
}

/// Opened documents with their relative paths, and one problem line per unreadable article.
type Opened = (Vec<(String, Document)>, Vec<String>);

/// Opens every article of `path`.
fn open(path: &Path, options: &LoadOptions) -> Result<Opened, Fail> {
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    for item in collect(&[path.to_path_buf()], &mut |_| {}) {
        let item = item?;
        match Document::open(&item.article, options) {
            Ok((doc, report)) => match report.sidecar_problem {
                Some(p) => problems.push(format!("{}: {p}", item.relative)),
                None => docs.push((item.relative, doc)),
            },
            Err(e) => problems.push(format!("{}: {e}", item.relative)),
        }
    }
    Ok((docs, problems))
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Fail> {
    let tmp = path.with_extension("tmp-tagline");
    std::fs::write(&tmp, bytes).map_err(|e| Fail(format!("{}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| Fail(format!("{}: {e}", path.display())))?;
    Ok(())
}

/// Runs `tagline grade`.
pub fn run(args: GradeArgs, options: &LoadOptions) -> Result<u8, Fail> {
    let rubric = match &args.rubric {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).map_err(|e| Fail(format!("{}: {e}", p.display())))?;
            let r: Rubric =
                serde_json::from_str(&text).map_err(|e| Fail(format!("{}: {e}", p.display())))?;
            r.check()
                .map_err(|e| Fail(format!("{}: {e}", p.display())))?;
            r
        }
        None => Rubric::default(),
    };
    if args.print_rubric {
        writeln!(
            std::io::stdout(),
            "{}",
            serde_json::to_string_pretty(&rubric)?
        )?;
        return Ok(0);
    }
    let (Some(key_path), Some(out)) = (&args.key, &args.out) else {
        return Err(Fail(
            "give --key KEY, the students' folders and -o OUT".into(),
        ));
    };
    if args.students.is_empty() {
        return Err(Fail("give at least one student's folder".into()));
    }
    if out.exists()
        && !args.force
        && std::fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Fail(format!(
            "{}: not empty (--force writes into it anyway)",
            out.display()
        )));
    }
    let bar = progress_bar(args.students.len() as u64 + 1, "grading");
    let (key_docs, key_problems) = open(key_path, options)?;
    if let Some(p) = key_problems.first() {
        return Err(Fail(format!("the key: {p}")));
    }
    if key_docs.is_empty() {
        return Err(Fail(format!(
            "{}: no articles in the key",
            key_path.display()
        )));
    }
    bar.inc(1);
    let key_sources: Vec<Source<'_>> = key_docs
        .iter()
        .map(|(r, d)| Source {
            relative: r,
            doc: d,
        })
        .collect();
    let counts = |a: &crate::core::Annotation| {
        a.status != Some(Status::Orphaned)
            && (args.include_suggested || a.status != Some(Status::Suggested))
    };
    let key: Vec<KeyArticle> = key_docs
        .iter()
        .map(|(rel, doc)| KeyArticle {
            name: rel.clone(),
            article: doc.article.clone(),
            scheme: std::sync::Arc::new(doc.scheme.clone()),
            annotations: doc
                .annotations()
                .iter()
                .filter(|a| counts(a))
                .map(|a| (a.range, a.clone()))
                .collect(),
            relations: doc.relations().to_vec(),
        })
        .collect();

    let mut students = Vec::new();
    for path in &args.students {
        let name = folder_name(path);
        let (docs, mut problems) = open(path, options)?;
        let sources: Vec<Source<'_>> = docs
            .iter()
            .map(|(r, d)| Source {
                relative: r,
                doc: d,
            })
            .collect();
        let (paired, tally) =
            pairing::pair_sides(&[key_sources.clone(), sources], args.include_suggested);
        problems.extend(tally.warnings.iter().cloned());
        let mut handed: Vec<Option<Handed>> = vec![None; key.len()];
        for p in &paired {
            let key_index = key_docs
                .iter()
                .position(|(_, d)| std::ptr::eq(d, p.reference));
            match (key_index, &p.members[1]) {
                (Some(i), Some(m)) => {
                    handed[i] = Some(Handed {
                        annotations: m
                            .placed
                            .iter()
                            .map(|x| (x.range, x.annotation.clone()))
                            .collect(),
                        relations: m.doc.relations().to_vec(),
                    });
                }
                (None, Some(_)) => {
                    problems.push(format!("{}: not in the key; not graded", p.relative))
                }
                _ => {}
            }
        }
        for (i, h) in handed.iter().enumerate() {
            if h.is_none()
                && !problems
                    .iter()
                    .any(|p| p.starts_with(&format!("{}:", key[i].name)))
            {
                problems.push(format!(
                    "{}: not handed in; graded as all missed",
                    key[i].name
                ));
            }
        }
        students.push(grade::grade_student(&rubric, &key, &name, handed, problems));
        bar.inc(1);
    }
    bar.finish_and_clear();

    std::fs::create_dir_all(out).map_err(|e| Fail(format!("{}: {e}", out.display())))?;
    let eol = if args.excel { "\r\n" } else { "\n" };
    let mut csv = String::new();
    if args.excel {
        csv.push('\u{feff}');
    }
    csv.push_str(&report::grade::gradebook(&key, &students, eol));
    write_atomic(&out.join("gradebook.csv"), csv.as_bytes())?;
    for (g, file) in students.iter().zip(report::grade::page_names(&students)) {
        write_atomic(
            &out.join(file),
            report::grade::student_page(&key, g).as_bytes(),
        )?;
    }
    write_atomic(
        &out.join("class.html"),
        report::grade::class_page(&key, &students).as_bytes(),
    )?;
    let mut any = false;
    let mut stdout = std::io::stdout().lock();
    for g in &students {
        let score = g.total.percent().map_or("—".into(), |p| format!("{p:.1}%"));
        writeln!(stdout, "{}: {score}", g.name)?;
        for p in &g.problems {
            eprintln!("tagline: {}: {p}", g.name);
            any = true;
        }
    }
    writeln!(stdout, "wrote {}", out.display())?;
    Ok(u8::from(any))
}
