//! Background work: opening articles, scanning folders, saving sidecars and recovery journals, off
//! the UI thread so frames keep running. Tests use the inline mode, which does the same work
//! synchronously so results are deterministic.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::core::disk::FileStamp;
use crate::core::document::SaveJob;
use crate::core::recovery::JournalJob;
use crate::core::{
    AnnotationId, Article, ContentHash, Document, LoadOptions, OpenError, OpenReport, SaveError,
    corpus,
};

/// A piece of work for the background thread.
pub enum Job {
    /// Open an article (text first, then annotations).
    Open(PathBuf, LoadOptions),
    /// List the articles below a folder, then summarise their sidecars.
    Scan(PathBuf),
    /// Write a sidecar.
    Save(Box<SaveJob>),
    /// Corpus statistics of these articles (the Statistics window), on a thread of its own.
    Stats(Vec<PathBuf>, LoadOptions),
    /// Write the crash-recovery journal of the open document.
    Journal(Box<JournalJob>),
    /// Read a sidecar's bytes as they are now: the base of a later merge by id.
    ReadBase(PathBuf),
    /// The story of a folder (the Story window), on a thread of its own.
    Story(Box<StoryJob>),
    /// Offer a span just tagged as suggestions where its variants are: in the folder's other
    /// articles (written to their sidecars) and elsewhere in its own (sent back).
    Variants(Box<VariantsJob>),
    /// Compare the open article with other annotators' work (the compare view), on a thread
    /// of its own.
    Compare(Box<crate::gui::app::compare::CompareJob>),
    /// Rank the folder's articles for adjudication, on a thread of its own.
    RankQueue(Box<crate::gui::app::compare::QueueJob>),
    /// Write the latest decisions waiting in a gold sidecar's slot.
    WriteGold(Arc<crate::gui::app::compare::GoldSlot>),
}

/// What the Story window groups: the folder's articles, the open one as it is in memory
/// (unsaved edits included).
pub struct StoryJob {
    /// Every article of the folder.
    pub paths: Vec<PathBuf>,
    /// The folder they are named relative to (`None`: by file name).
    pub root: Option<PathBuf>,
    /// The open article, its annotations and relations as they are now.
    pub open: Option<InMemory>,
    /// How articles are read.
    pub options: LoadOptions,
}

/// A span just tagged, to look for elsewhere ([`Job::Variants`]).
pub struct VariantsJob {
    /// The new annotation.
    pub annotation: crate::core::Annotation,
    /// Its article, with its annotations as they are now.
    pub open: InMemory,
    /// The folder's other articles.
    pub others: Vec<PathBuf>,
    /// Who is annotating (the suggestions' annotator).
    pub annotator: String,
    /// How articles are read.
    pub options: LoadOptions,
}

/// What [`Job::Variants`] found and did.
#[derive(Debug, Default)]
pub struct VariantsFound {
    /// The annotation looked for.
    pub id: AnnotationId,
    /// Other places in its own article, to add there as suggestions.
    pub here: Vec<crate::core::CharRange>,
    /// The other articles given a suggestion, with their folder-list summary as now.
    pub elsewhere: Vec<(PathBuf, Summary)>,
    /// Articles that could not take one, and why.
    pub failed: Vec<String>,
}

/// An article with its annotations and relations, shared with the open document.
pub type InMemory = (
    Arc<Article>,
    Arc<Vec<crate::core::Annotation>>,
    Arc<Vec<crate::core::Relation>>,
);

/// The story of a folder, with the file behind each of its articles.
pub struct StoryResult {
    /// The groups ([`crate::analysis::story::group`]).
    pub story: crate::analysis::story::Story,
    /// `paths[i]` is the file of `story.articles[i]`.
    pub paths: Vec<PathBuf>,
    /// Articles that could not be read (left out).
    pub unreadable: usize,
}

/// What a folder list shows for one article (the core's summary).
pub use crate::core::corpus::ArticleSummary as Summary;

/// Results coming back.
pub enum Reply {
    /// The article's text is ready (annotations follow).
    Text(Arc<Article>),
    /// The whole document is ready, or could not be opened.
    Opened(PathBuf, Result<Box<(Document, OpenReport)>, OpenError>),
    /// Files found so far while scanning.
    ScanProgress(PathBuf, usize),
    /// The folder's articles.
    Scanned(PathBuf, Vec<PathBuf>),
    /// Summaries of some articles.
    Summaries(Vec<(PathBuf, Summary)>),
    /// A save finished: the job and the written hash or the error.
    Saved(Box<SaveJob>, Result<ContentHash, SaveError>),
    /// Statistics of some articles (an article that cannot be opened is left out).
    Stats(Vec<(PathBuf, crate::analysis::stats::Stats)>),
    /// Every article asked for has been counted.
    StatsDone,
    /// The article's file as it was just before it was read (sent before [`Reply::Text`]).
    ArticleStamp(PathBuf, Option<FileStamp>),
    /// A recovery journal was written (the revision it holds), or why not.
    Journaled(PathBuf, Result<u64, String>),
    /// A sidecar's bytes and their stamp (see [`Job::ReadBase`]).
    Base(PathBuf, FileStamp, Arc<Vec<u8>>),
    /// The story of the folder.
    Story(Box<StoryResult>),
    /// A tagged span's variants were offered ([`Job::Variants`]).
    Variants(Box<VariantsFound>),
    /// Progress and results of [`Job::Compare`], [`Job::RankQueue`] and [`Job::WriteGold`].
    Compare(crate::gui::app::compare::CompareReply),
}

/// Looks for a tagged span's variants: near-verbatim repeats in its own article, and the
/// story's matches in each other article, where each becomes a suggestion in its sidecar
/// (under its write lock) unless an annotation of the same tag already covers it.
fn variants_of(job: &VariantsJob) -> VariantsFound {
    use crate::analysis::story::{self, StoryArticle};
    let a = &job.annotation;
    let (article, annotations, _) = &job.open;
    let overlaps_same_tag = |anns: &[crate::core::Annotation], r: crate::core::CharRange| {
        anns.iter()
            .any(|x| x.tag == a.tag && x.range.start < r.end && r.start < x.range.end)
    };
    let here = crate::core::anchor::find_approximate(&article.text, &a.text, 0.1)
        .into_iter()
        .map(|o| o.range)
        .filter(|r| !overlaps_same_tag(annotations, *r))
        .collect();
    let mut found = VariantsFound {
        id: a.id.clone(),
        here,
        ..VariantsFound::default()
    };
    let from_name = article.file_name();
    for path in &job.others {
        let Ok((doc, _)) = Document::open(path, &job.options) else {
            continue;
        };
        let outlet = story::outlet(&doc.article);
        let name = doc.article.file_name();
        let input = [StoryArticle {
            name: &name,
            outlet: &outlet,
            text: &doc.article.text,
            annotations: doc.annotations(),
            relations: doc.relations(),
        }];
        let Some((_, range)) = story::variants_of(&a.text, &input).into_iter().next() else {
            continue;
        };
        if overlaps_same_tag(doc.annotations(), range) {
            continue;
        }
        let Some(text) = doc.article.text.slice(range).map(str::to_owned) else {
            continue;
        };
        let span = story::variant_suggestion(a, &from_name, range, &text);
        let result = crate::core::intake::import_into_article(
            path,
            doc.article.text.as_str(),
            &job.options,
            std::time::Duration::from_secs(2),
            &job.annotator,
            &mut crate::core::SystemStamps,
            |_| crate::core::ImportBatch {
                spans: vec![span],
                ..Default::default()
            },
        );
        match result {
            Ok((outcome, saved)) if outcome.spans > 0 => found
                .elsewhere
                .push((path.clone(), Summary::of_document(&saved))),
            Ok(_) => {}
            Err(e) => found.failed.push(format!("{}: {e}", path.display())),
        }
    }
    found
}

/// Reads the folder's articles (the open one from memory) and groups their story.
fn story_of(job: &StoryJob) -> StoryResult {
    use crate::analysis::story::{self, StoryArticle};
    struct Read {
        name: String,
        path: PathBuf,
        outlet: String,
        article: Arc<Article>,
        annotations: Arc<Vec<crate::core::Annotation>>,
        relations: Arc<Vec<crate::core::Relation>>,
    }
    let name_of = |p: &std::path::Path| {
        job.root
            .as_deref()
            .and_then(|r| p.strip_prefix(r).ok())
            .unwrap_or(p)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut read = Vec::new();
    let mut unreadable = 0;
    for path in &job.paths {
        let from_memory = job.open.as_ref().filter(|(a, _, _)| a.path == *path);
        let (article, annotations, relations) = match from_memory {
            Some((a, anns, rels)) => (Arc::clone(a), Arc::clone(anns), Arc::clone(rels)),
            None => match Document::open(path, &job.options) {
                Ok((doc, _)) => {
                    let snap = doc.snapshot();
                    (Arc::clone(&doc.article), snap.annotations, snap.relations)
                }
                Err(_) => {
                    unreadable += 1;
                    continue;
                }
            },
        };
        read.push(Read {
            name: name_of(path),
            path: path.clone(),
            outlet: story::outlet(&article),
            article,
            annotations,
            relations,
        });
    }
    let input: Vec<StoryArticle<'_>> = read
        .iter()
        .map(|r| StoryArticle {
            name: &r.name,
            outlet: &r.outlet,
            text: &r.article.text,
            annotations: &r.annotations,
            relations: &r.relations,
        })
        .collect();
    let story = story::group(&input, story::Options::default(), &mut |_, _| {});
    let paths = story
        .articles
        .iter()
        .map(|a| {
            read.iter()
                .find(|r| r.name == a.name)
                .map(|r| r.path.clone())
                .unwrap_or_default()
        })
        .collect();
    StoryResult {
        story,
        paths,
        unreadable,
    }
}

fn run_job(job: Job, send: &mut dyn FnMut(Reply)) {
    match job {
        Job::Stats(paths, options) => {
            for chunk in paths.chunks(64) {
                let stats = chunk
                    .iter()
                    .filter_map(|p| {
                        let (doc, _) = Document::open(p, &options).ok()?;
                        Some((p.clone(), crate::analysis::stats::summarize_document(&doc)))
                    })
                    .collect();
                send(Reply::Stats(stats));
            }
            send(Reply::StatsDone);
        }
        Job::Story(job) => send(Reply::Story(Box::new(story_of(&job)))),
        Job::Variants(job) => send(Reply::Variants(Box::new(variants_of(&job)))),
        Job::Compare(job) => {
            use crate::gui::app::compare::{CompareReply, prepare};
            let ticket = job.ticket();
            let result = prepare(&job, &mut |done, total, step| {
                send(Reply::Compare(CompareReply::Progress {
                    ticket,
                    done,
                    total,
                    step,
                }))
            });
            send(Reply::Compare(CompareReply::Prepared(
                ticket,
                result.map(Box::new),
            )));
        }
        Job::RankQueue(job) => {
            use crate::gui::app::compare::{CompareReply, rank};
            let ticket = job.ticket();
            let rows = rank(&job, &mut |done, total, step| {
                send(Reply::Compare(CompareReply::Progress {
                    ticket,
                    done,
                    total,
                    step,
                }))
            });
            if let Some(rows) = rows {
                send(Reply::Compare(CompareReply::Ranked(ticket, rows)));
            }
        }
        Job::WriteGold(slot) => {
            use crate::gui::app::compare::CompareReply;
            slot.write_pending(&mut |e| {
                send(Reply::Compare(CompareReply::GoldFailed(
                    slot.path.clone(),
                    e,
                )))
            });
        }
        Job::Open(path, options) => {
            // Stamped before reading: a change while reading shows as a change later.
            send(Reply::ArticleStamp(
                path.clone(),
                FileStamp::of(&path).ok().flatten(),
            ));
            let result = Document::open_with(&path, &options, |article, _| {
                send(Reply::Text(Arc::clone(article)))
            })
            .map(Box::new);
            send(Reply::Opened(path, result));
        }
        Job::Scan(root) => {
            let files = corpus::scan_with_progress(&root, &mut |n| {
                send(Reply::ScanProgress(root.clone(), n))
            });
            send(Reply::Scanned(root, files.clone()));
            for chunk in files.chunks(256) {
                send(Reply::Summaries(
                    chunk
                        .iter()
                        .map(|p| (p.clone(), corpus::summary(p)))
                        .collect(),
                ));
            }
        }
        Job::Save(job) => {
            let result = job.run();
            send(Reply::Saved(job, result));
        }
        Job::Journal(job) => {
            let result = job.run().map(|()| job.revision).map_err(|e| e.to_string());
            send(Reply::Journaled(job.path.clone(), result));
        }
        Job::ReadBase(path) => {
            let limit = crate::core::store::MAX_SIDECAR_BYTES;
            if let Ok(Some((stamp, bytes))) = crate::core::disk::read_stamped(&path, limit) {
                send(Reply::Base(path, stamp, Arc::new(bytes)));
            }
        }
    }
}

/// Runs jobs on a background thread, or inline (tests).
pub struct Worker {
    inner: Inner,
}

enum Inner {
    Thread {
        jobs: Sender<Job>,
        replies: Receiver<Reply>,
    },
    Inline {
        replies: VecDeque<Reply>,
    },
    /// Jobs wait until [`Worker::release_all`] does them inline (tests of work under way).
    #[cfg(any(test, feature = "test-support"))]
    Held {
        jobs: VecDeque<Job>,
        replies: VecDeque<Reply>,
    },
}

impl Worker {
    /// A worker thread that wakes the UI with `wake` after each reply. Folder scans run on
    /// threads of their own, so opening an article never waits behind 10,000 summaries.
    #[expect(
        clippy::expect_used,
        reason = "a process that cannot start a thread cannot run the window at all"
    )]
    pub fn spawn(wake: impl Fn() + Send + Sync + 'static) -> Worker {
        let wake = std::sync::Arc::new(wake);
        let (job_tx, job_rx) = channel::<Job>();
        let (reply_tx, reply_rx) = channel();
        std::thread::Builder::new()
            .name("tagline-worker".into())
            .spawn(move || {
                for job in job_rx {
                    let tx = reply_tx.clone();
                    let wake = std::sync::Arc::clone(&wake);
                    let mut send = move |r| {
                        let _ = tx.send(r);
                        wake();
                    };
                    if matches!(
                        job,
                        Job::Scan(_)
                            | Job::Stats(..)
                            | Job::Story(_)
                            | Job::Variants(_)
                            | Job::Compare(_)
                            | Job::RankQueue(_)
                    ) {
                        let spawned = std::thread::Builder::new()
                            .name("tagline-scan".into())
                            .spawn(move || run_job(job, &mut send));
                        if spawned.is_err() {
                            // Without a thread to spare the scan is simply skipped: the list
                            // stays empty and the user can open files one by one.
                            continue;
                        }
                    } else {
                        run_job(job, &mut send);
                    }
                }
            })
            .expect("can start the worker thread");
        Worker {
            inner: Inner::Thread {
                jobs: job_tx,
                replies: reply_rx,
            },
        }
    }

    /// A worker that does each job immediately on the calling thread.
    pub fn inline() -> Worker {
        Worker {
            inner: Inner::Inline {
                replies: VecDeque::new(),
            },
        }
    }

    /// A worker that keeps each job until [`Worker::release_all`], then does it on the
    /// calling thread (tests see the window while work is under way).
    #[cfg(any(test, feature = "test-support"))]
    pub fn held() -> Worker {
        Worker {
            inner: Inner::Held {
                jobs: VecDeque::new(),
                replies: VecDeque::new(),
            },
        }
    }

    /// Does every held job, in order (only a [`Worker::held`] one holds jobs).
    #[cfg(any(test, feature = "test-support"))]
    pub fn release_all(&mut self) {
        if let Inner::Held { jobs, replies } = &mut self.inner {
            while let Some(job) = jobs.pop_front() {
                run_job(job, &mut |r| replies.push_back(r));
            }
        }
    }

    /// How many jobs are held ([`Worker::held`]).
    #[cfg(any(test, feature = "test-support"))]
    pub fn held_jobs(&self) -> usize {
        match &self.inner {
            Inner::Held { jobs, .. } => jobs.len(),
            _ => 0,
        }
    }

    /// Queues a job.
    pub fn submit(&mut self, job: Job) {
        match &mut self.inner {
            Inner::Thread { jobs, .. } => {
                let _ = jobs.send(job);
            }
            Inner::Inline { replies } => run_job(job, &mut |r| replies.push_back(r)),
            #[cfg(any(test, feature = "test-support"))]
            Inner::Held { jobs, .. } => jobs.push_back(job),
        }
    }

    /// The next reply, if one is ready.
    pub fn poll(&mut self) -> Option<Reply> {
        match &mut self.inner {
            Inner::Thread { replies, .. } => replies.try_recv().ok(),
            Inner::Inline { replies } => replies.pop_front(),
            #[cfg(any(test, feature = "test-support"))]
            Inner::Held { replies, .. } => replies.pop_front(),
        }
    }
}
