//! Outputs of corpus commands, written so that a failed or cancelled run leaves nothing
//! half-written: files go to a temporary name beside the target and are renamed into place by
//! [`Output::commit`]; dropping an uncommitted output removes what it wrote.
//!
//! [`Sink`] is the abstraction formats write into (they do no file I/O themselves): named
//! files handed out as writers. The faces make an [`Output`] — stdout, one file, or a folder —
//! and pass it as the sink.

use std::collections::{HashMap, HashSet};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Where a format writes: named files, each handed out as a writer.
pub trait Sink {
    /// The writer of output file `name` (a relative path with `/`; the empty name is the one
    /// file of a single-file output). Asking again for an open name continues that file.
    fn file(&mut self, name: &str) -> io::Result<&mut dyn Write>;
    /// Closes (flushes) file `name`; formats close each file they are done with, so a folder
    /// export of 10,000 articles keeps few files open.
    fn close(&mut self, name: &str) -> io::Result<()>;
}

/// Why an output could not be started.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target exists and `--force` was not given.
    #[error("{}: already exists (use --force to replace it)", .0.display())]
    Exists(PathBuf),
    /// The target folder is not empty and `--force` was not given.
    #[error("{}: the folder is not empty (use --force to replace it)", .0.display())]
    NotEmpty(PathBuf),
    /// The temporary file or folder beside the target could not be made (a read-only folder).
    #[error("{}: cannot write in its folder {}: {source}", path.display(), folder.display())]
    Folder {
        /// The target.
        path: PathBuf,
        /// Its folder.
        folder: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// A file system error.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_owned(),
        source,
    }
}

/// A command's output: standard output, one file, or a folder of files.
pub enum Output {
    /// Standard output (`-o -`).
    Stdout(BufWriter<io::Stdout>),
    /// One file, written under a temporary name until committed.
    File {
        /// The target path.
        path: PathBuf,
        /// The temporary file beside it.
        temp: BufWriter<tempfile::NamedTempFile>,
        /// Replace an existing file.
        force: bool,
    },
    /// A folder, written as a temporary folder beside the target until committed.
    Folder {
        /// The target folder.
        path: PathBuf,
        /// The temporary folder beside it.
        temp: tempfile::TempDir,
        /// Files open now.
        open: HashMap<String, BufWriter<std::fs::File>>,
        /// Every file created, so that two articles never write one file.
        made: HashSet<String>,
        /// Replace a non-empty folder.
        force: bool,
    },
}

fn folder_of<'a>(path: &'a Path, folder: &'a Path) -> impl FnOnce(io::Error) -> OutputError + 'a {
    move |source| OutputError::Folder {
        path: path.to_owned(),
        folder: folder.to_owned(),
        source: io::Error::new(source.kind(), strip_path(source)),
    }
}

/// tempfile's errors end with "at path …" naming the random temporary name: not worth showing.
fn strip_path(e: io::Error) -> String {
    let text = e.to_string();
    match text.find(" at path ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn hidden_temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    format!(".{name}.partial-")
}

impl Output {
    /// Standard output.
    pub fn stdout() -> Output {
        Output::Stdout(BufWriter::new(io::stdout()))
    }

    /// One file at `path`; refused when it exists, unless `force`.
    pub fn file(path: &Path, force: bool) -> Result<Output, OutputError> {
        if path.exists() && !force {
            return Err(OutputError::Exists(path.to_owned()));
        }
        let parent = parent_of(path);
        std::fs::create_dir_all(&parent).map_err(io_at(&parent))?;
        let temp = tempfile::Builder::new()
            .prefix(&hidden_temp_prefix(path))
            .tempfile_in(&parent)
            .map_err(folder_of(path, &parent))?;
        Ok(Output::File {
            path: path.to_owned(),
            temp: BufWriter::with_capacity(1 << 16, temp),
            force,
        })
    }

    /// A folder at `path`, created if missing; refused when it is not empty, unless `force`.
    pub fn folder(path: &Path, force: bool) -> Result<Output, OutputError> {
        if path.exists() {
            if !path.is_dir() {
                return Err(OutputError::Exists(path.to_owned()));
            }
            let empty = std::fs::read_dir(path)
                .map_err(io_at(path))?
                .next()
                .is_none();
            if !empty && !force {
                return Err(OutputError::NotEmpty(path.to_owned()));
            }
        }
        let parent = parent_of(path);
        std::fs::create_dir_all(&parent).map_err(io_at(&parent))?;
        let temp = tempfile::Builder::new()
            .prefix(&hidden_temp_prefix(path))
            .tempdir_in(&parent)
            .map_err(folder_of(path, &parent))?;
        Ok(Output::Folder {
            path: path.to_owned(),
            temp,
            open: HashMap::new(),
            made: HashSet::new(),
            force,
        })
    }

    /// Finishes the output: flushes and moves it into place.
    pub fn commit(self) -> Result<(), OutputError> {
        match self {
            Output::Stdout(mut w) => w.flush().map_err(io_at(Path::new("<stdout>"))),
            Output::File { path, temp, force } => {
                let temp = temp.into_inner().map_err(|e| OutputError::Io {
                    path: path.clone(),
                    source: e.into_error(),
                })?;
                temp.as_file().sync_all().map_err(io_at(&path))?;
                let persisted = if force {
                    temp.persist(&path).map(drop)
                } else {
                    temp.persist_noclobber(&path).map(drop)
                };
                persisted.map_err(|e| OutputError::Io {
                    path: path.clone(),
                    source: e.error,
                })
            }
            Output::Folder {
                path,
                temp,
                mut open,
                ..
            } => {
                for (name, mut w) in open.drain() {
                    w.flush().map_err(io_at(&temp.path().join(name)))?;
                }
                let done = temp.keep();
                if path.exists() {
                    // Empty, or --force: move the old folder aside, then remove it.
                    let old = done.with_extension("old");
                    std::fs::rename(&path, &old).map_err(io_at(&path))?;
                    std::fs::rename(&done, &path).map_err(io_at(&path))?;
                    std::fs::remove_dir_all(&old).map_err(io_at(&old))
                } else {
                    std::fs::rename(&done, &path).map_err(io_at(&path))
                }
            }
        }
    }
}

/// `true` when `name` is a safe relative file name: no `..`, no root, not empty.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && name
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains('\\'))
}

impl Sink for Output {
    fn file(&mut self, name: &str) -> io::Result<&mut dyn Write> {
        match self {
            Output::Stdout(w) => Ok(w),
            Output::File { temp, .. } => Ok(temp),
            Output::Folder {
                temp, open, made, ..
            } => {
                if !open.contains_key(name) {
                    if !safe_name(name) {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidInput,
                            format!("{name:?} is not a file name inside the output folder"),
                        ));
                    }
                    if !made.insert(name.to_owned()) {
                        return Err(io::Error::new(
                            io::ErrorKind::AlreadyExists,
                            format!(
                                "two articles would both write {name} (give their folder instead)"
                            ),
                        ));
                    }
                    let path = temp.path().join(name);
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    let f = std::fs::File::create(&path)?;
                    open.insert(name.to_owned(), BufWriter::with_capacity(1 << 14, f));
                }
                match open.get_mut(name) {
                    Some(w) => Ok(w),
                    None => Err(io::Error::other("output file vanished")),
                }
            }
        }
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File { temp, .. } => temp.flush(),
            Output::Folder { open, .. } => match open.remove(name) {
                Some(mut w) => w.flush(),
                None => Ok(()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.jsonl");
        let mut out = Output::file(&target, false).unwrap();
        out.file("").unwrap().write_all(b"x\n").unwrap();
        assert!(!target.exists());
        out.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"x\n");
        assert!(matches!(
            Output::file(&target, false),
            Err(OutputError::Exists(_))
        ));
        // Dropped without commit: nothing left behind.
        let out = Output::file(&target, true).unwrap();
        drop(out);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn folder_refuses_non_empty_and_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("brat");
        let mut out = Output::folder(&target, false).unwrap();
        out.file("a/x.txt").unwrap().write_all(b"hi").unwrap();
        out.close("a/x.txt").unwrap();
        assert!(out.file("a/x.txt").is_err());
        assert!(out.file("../escape").is_err());
        out.commit().unwrap();
        assert_eq!(std::fs::read(target.join("a/x.txt")).unwrap(), b"hi");
        assert!(matches!(
            Output::folder(&target, false),
            Err(OutputError::NotEmpty(_))
        ));
        let mut out = Output::folder(&target, true).unwrap();
        out.file("y").unwrap();
        out.commit().unwrap();
        assert!(!target.join("a").exists() && target.join("y").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
