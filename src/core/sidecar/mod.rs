//! The sidecar file, format `tagline-annotations` version 1: the on-disk contract.
//!
//! Next to `NAME.EXT` lives `NAME.EXT.annotations.json`:
//!
//! ```json
//! { "format": "tagline-annotations", "version": 1,
//!   "article": { "file": "NAME.EXT", "sha256": "<hex of the file's bytes>", "chars": 1234 },
//!   "scheme": "news@1",
//!   "labels": { "status": "done" },
//!   "annotations": [ { "id": "k3v9q0m2xa", "tag": "quote", "start": 10, "end": 42,
//!                      "text": "…", "prefix": "…", "suffix": "…",
//!                      "attributes": { "kind": "direct" }, "note": "…", "annotator": "ana",
//!                      "created": "2026-11-21T12:00:00Z", "modified": "2026-11-21T12:00:00Z",
//!                      "status": "suggested" } ],
//!   "relations": [ { "id": "…", "type": "attributed_to", "from": "<id>", "to": "<id>",
//!                    "annotator": "ana", "note": "…" } ] }
//! ```
//!
//! - `article.encoding` (optional) is the WHATWG label of a non-UTF-8 article's encoding.
//! - `start`/`end` count Unicode scalar values (Python `str` indexes) into the article's full
//!   decoded text, BOM excluded; the range is half-open.
//! - Output is deterministic: 2-space indentation, keys in the order above, annotations sorted
//!   by `(start, end, id)`, relations by `id`, LF line endings and a final newline. `id`, `tag`,
//!   `start`, `end`, `text` are always written, `prefix`/`suffix` when not empty, every other
//!   annotation field only when not empty.
//! - Unknown fields, at any level, are kept on load and written back after the known ones.
//! - A file whose `format` is not ours, that does not parse, or whose `version` is newer than
//!   this build knows is never overwritten (see [`crate::core::document::Document::save`]).
//!
//! These structs are the compatibility boundary; the in-memory model in [`crate::core::model`] may
//! change freely as long as the conversion here keeps files the same.

mod wire;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use wire::{FileIn, FileOut, Header};

pub use crate::core::store::{
    ContentHash, content_hash, content_hash_file, write_atomic, write_atomic_with, write_new_with,
};
use crate::core::store::{ContentHasher, HashingReader, HashingWriter};
use crate::core::store::{MAX_SIDECAR_BYTES, ReadError, open_regular, read_regular};

use crate::core::model::{AdjudicationRecord, Annotation, AttrValue, Extra, MergeRecord, Relation};

/// The `format` value of every sidecar.
pub const FORMAT: &str = "tagline-annotations";
/// The newest format version this build reads and writes.
pub const VERSION: u64 = 1;
/// Sidecars larger than this are parsed as a stream instead of read whole, so opening a
/// 100,000-annotation sidecar (about 50 MB) does not hold its bytes and its parse at once.
pub const STREAM_ABOVE_BYTES: u64 = 16 * 1024 * 1024;
/// Suffix appended to the article's full file name.
pub const SIDECAR_SUFFIX: &str = ".annotations.json";

/// The sidecar path of an article: `a.txt` → `a.txt.annotations.json`.
pub fn sidecar_path(article: &Path) -> PathBuf {
    let mut name = article.file_name().unwrap_or_default().to_os_string();
    name.push(SIDECAR_SUFFIX);
    article.with_file_name(name)
}

/// The article path of a sidecar, if `path` is named like one.
pub fn article_path_of_sidecar(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let article = name.strip_suffix(SIDECAR_SUFFIX)?;
    (!article.is_empty()).then(|| path.with_file_name(article))
}

/// `true` when `path` is named like a sidecar.
pub fn is_sidecar_path(path: &Path) -> bool {
    article_path_of_sidecar(path).is_some()
}

/// Why a sidecar could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SidecarError {
    /// Reading or writing failed.
    #[error("{}: {action}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not a Tagline sidecar this build understands.
    #[error("{}: {message}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why, including the line and column for JSON errors.
        message: String,
    },
    /// Another writer holds the sidecar's lock and did not finish in time.
    #[error("{}: another Tagline is saving this sidecar (waited {:.1} s); nothing was changed, try again", path.display(), waited.as_secs_f64())]
    Busy {
        /// The sidecar.
        path: PathBuf,
        /// How long this one waited.
        waited: std::time::Duration,
    },
    /// The file is from a newer Tagline.
    #[error("{}: written by a newer Tagline (format version {found}; this build knows up to {VERSION}); it will not be overwritten", path.display())]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u64,
    },
}

/// `article` block of a sidecar. (De)serialized by hand in `wire.rs`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArticleRef {
    /// The article's file name.
    pub file: String,
    /// Hex SHA-256 of the article file's bytes when the sidecar was saved.
    pub sha256: String,
    /// The article's length in chars.
    pub chars: usize,
    /// The WHATWG label of the article's encoding (e.g. `windows-1252`) when it is not UTF-8:
    /// the offsets count chars of the text decoded with it.
    pub encoding: Option<String>,
    /// Unknown fields.
    pub extra: Extra,
}

/// The content of a sidecar, in memory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SidecarData {
    /// What the sidecar says about its article.
    pub article: ArticleRef,
    /// `id@version` of the scheme used.
    pub scheme: String,
    /// Document labels.
    pub labels: BTreeMap<String, AttrValue>,
    /// Annotations (in file order when read; sorted when written).
    pub annotations: Vec<Annotation>,
    /// Relations.
    pub relations: Vec<Relation>,
    /// What a merge left for a person to decide (the optional top-level `merge` field).
    pub merge: MergeRecord,
    /// What adjudication rejected (the optional top-level `adjudication` field, gold sidecars).
    pub adjudication: AdjudicationRecord,
    /// Unknown top-level fields.
    pub extra: Extra,
}

impl SidecarData {
    /// Parses sidecar JSON; `path` is for messages.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<SidecarData, SidecarError> {
        let unreadable = |message: String| SidecarError::Unreadable {
            path: path.to_owned(),
            message,
        };
        // A sidecar re-saved by an editor that adds a UTF-8 BOM (Notepad) is still ours.
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        wire::CAPACITY_HINT.with(|c| c.set(bytes.len() / 400));
        let parsed = serde_json::from_slice::<FileIn>(bytes);
        wire::CAPACITY_HINT.with(|c| c.set(0));
        let file = match parsed {
            Ok(f) => f,
            Err(e) if e.is_syntax() || e.is_eof() => {
                return Err(unreadable(format!("not valid JSON ({e})")));
            }
            Err(e) => {
                // Valid JSON that is not a v1 sidecar: say why as precisely as we can.
                return Err(match serde_json::from_slice::<Header>(bytes) {
                    Err(_) => {
                        unreadable("not a Tagline sidecar (the top level is not an object)".into())
                    }
                    Ok(h) => match check_header(h.format.as_ref(), h.version.as_ref(), path) {
                        Err(err) => err,
                        Ok(()) => unreadable(format!("does not match the format: {e}")),
                    },
                });
            }
        };
        SidecarData::from_file(file, path)
    }

    fn from_file(file: FileIn, path: &Path) -> Result<SidecarData, SidecarError> {
        let unreadable = |message: String| SidecarError::Unreadable {
            path: path.to_owned(),
            message,
        };
        check_header(file.format.as_ref(), file.version.as_ref(), path)?;
        let article = file.article.ok_or_else(|| {
            unreadable("does not match the format: missing field `article`".into())
        })?;
        Ok(SidecarData {
            article,
            scheme: file.scheme,
            labels: file.labels,
            annotations: file.annotations,
            relations: file.relations,
            merge: file.merge,
            adjudication: file.adjudication,
            extra: file.extra,
        })
    }

    /// Reads a sidecar file without holding all its bytes at once (a 100,000-annotation
    /// sidecar is about 50 MB). Returns the content and its [`content_hash`].
    pub fn read_streaming(path: &Path) -> Result<(SidecarData, ContentHash), SidecarError> {
        let io = |source| SidecarError::Io {
            path: path.to_owned(),
            action: "cannot read the sidecar",
            source,
        };
        let (file, size) = open_regular(path).map_err(|e| read_error(e, path))?;
        if size > MAX_SIDECAR_BYTES {
            return Err(read_error(
                ReadError::TooLarge {
                    size,
                    limit: MAX_SIDECAR_BYTES,
                },
                path,
            ));
        }
        if size < STREAM_ABOVE_BYTES {
            // Small enough to hold: parsing from memory is about twice as fast.
            let (data, bytes) = SidecarData::read(path)?;
            return Ok((data, content_hash(&bytes)));
        }
        // The buffer sits outside the hasher, so the hasher sees large chunks, and goes to
        // serde_json by value, so std's fast byte path for BufReader applies.
        let hash = std::rc::Rc::new(std::cell::RefCell::new(ContentHasher::default()));
        let mut reader = std::io::BufReader::with_capacity(
            256 * 1024,
            HashingReader {
                inner: std::io::Read::take(file, MAX_SIDECAR_BYTES),
                hash: std::rc::Rc::clone(&hash),
            },
        );
        // Skip a UTF-8 BOM (it is still hashed: the fingerprint is of the file's bytes).
        if std::io::BufRead::fill_buf(&mut reader)
            .map_err(io)?
            .starts_with(b"\xEF\xBB\xBF")
        {
            std::io::BufRead::consume(&mut reader, 3);
        }
        // About 500 bytes an annotation; a generous guess costs little.
        wire::CAPACITY_HINT.with(|c| c.set((size / 400) as usize));
        let parsed = serde_json::from_reader::<_, FileIn>(reader);
        wire::CAPACITY_HINT.with(|c| c.set(0));
        match parsed {
            Ok(file) => {
                // from_reader has read to the end (it checks for trailing characters).
                let hash = hash.borrow().finish();
                let data = SidecarData::from_file(file, path)?;
                Ok((data, hash))
            }
            Err(e) if e.is_io() => Err(io(std::io::Error::other(e))),
            // Explain the problem with the precise, in-memory parser (files that fail are
            // rarely large).
            Err(_) => {
                let (data, bytes) = SidecarData::read(path)?;
                Ok((data, content_hash(&bytes)))
            }
        }
    }

    /// Reads a sidecar file.
    pub fn read(path: &Path) -> Result<(SidecarData, Vec<u8>), SidecarError> {
        let bytes = read_regular(path, MAX_SIDECAR_BYTES).map_err(|e| read_error(e, path))?;
        Ok((SidecarData::parse(&bytes, path)?, bytes))
    }

    /// The deterministic JSON text of this sidecar.
    pub fn to_json(&self) -> String {
        render_json(&Content {
            article: &self.article,
            scheme: &self.scheme,
            labels: &self.labels,
            annotations: &self.annotations,
            relations: &self.relations,
            merge: &self.merge,
            adjudication: &self.adjudication,
            extra: &self.extra,
        })
    }
}

/// A sidecar's content shared with the document that made it, so a save on another thread
/// copies nothing (see [`crate::core::document::Document::prepare_save`]).
#[derive(Clone, Debug)]
pub struct SidecarSnapshot {
    /// What the sidecar says about its article.
    pub article: ArticleRef,
    /// `id@version` of the scheme used.
    pub scheme: String,
    /// Document labels.
    pub labels: BTreeMap<String, AttrValue>,
    /// Annotations.
    pub annotations: Arc<Vec<Annotation>>,
    /// Relations.
    pub relations: Arc<Vec<Relation>>,
    /// What a merge left for a person to decide.
    pub merge: MergeRecord,
    /// What adjudication rejected.
    pub adjudication: AdjudicationRecord,
    /// Unknown top-level fields.
    pub extra: Extra,
}

impl SidecarSnapshot {
    /// Writes this sidecar to `path` atomically, streaming (no copy of the whole text in
    /// memory), and returns the [`content_hash`] of what was written.
    pub fn save_to(&self, path: &Path) -> Result<ContentHash, SidecarError> {
        self.write(path, false)
    }

    /// Like [`SidecarSnapshot::save_to`], but only creates `path`: an existing file is never
    /// replaced (an `AlreadyExists` I/O error).
    pub fn create_at(&self, path: &Path) -> Result<ContentHash, SidecarError> {
        self.write(path, true)
    }

    fn write(&self, path: &Path, no_clobber: bool) -> Result<ContentHash, SidecarError> {
        let mut hash = ContentHasher::default();
        let body = |file: &mut std::fs::File| {
            // The buffer sits outside the hasher, so the hasher sees large chunks.
            let mut w = std::io::BufWriter::with_capacity(
                256 * 1024,
                HashingWriter {
                    inner: file,
                    hash: &mut hash,
                },
            );
            write_json(
                &mut w,
                &Content {
                    article: &self.article,
                    scheme: &self.scheme,
                    labels: &self.labels,
                    annotations: &self.annotations,
                    relations: &self.relations,
                    merge: &self.merge,
                    adjudication: &self.adjudication,
                    extra: &self.extra,
                },
            )?;
            w.flush()
        };
        if no_clobber {
            write_new_with(path, body)?;
        } else {
            write_atomic_with(path, body)?;
        }
        Ok(hash.finish())
    }

    /// The deterministic JSON text of this sidecar.
    pub fn to_json(&self) -> String {
        render_json(&Content {
            article: &self.article,
            scheme: &self.scheme,
            labels: &self.labels,
            annotations: &self.annotations,
            relations: &self.relations,
            merge: &self.merge,
            adjudication: &self.adjudication,
            extra: &self.extra,
        })
    }
}

/// A read failure as a sidecar error: I/O stays I/O (so "not found" can be told apart), a
/// file that is not regular or too large is unreadable.
fn read_error(e: ReadError, path: &Path) -> SidecarError {
    match e {
        ReadError::Io(source) => SidecarError::Io {
            path: path.to_owned(),
            action: "cannot read the sidecar",
            source,
        },
        other => SidecarError::Unreadable {
            path: path.to_owned(),
            message: other.to_string(),
        },
    }
}

fn check_header(
    format: Option<&serde_json::Value>,
    version: Option<&serde_json::Value>,
    path: &Path,
) -> Result<(), SidecarError> {
    let unreadable = |message: String| SidecarError::Unreadable {
        path: path.to_owned(),
        message,
    };
    match format.and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(unreadable(format!(
                "not a Tagline sidecar (format is \"{other}\", expected \"{FORMAT}\")"
            )));
        }
        None => {
            return Err(unreadable(format!(
                "not a Tagline sidecar (no \"format\": \"{FORMAT}\")"
            )));
        }
    }
    let version = version.and_then(|v| v.as_u64()).ok_or_else(|| {
        unreadable("the \"version\" field is missing or not a whole number".into())
    })?;
    if version > VERSION {
        return Err(SidecarError::NewerVersion {
            path: path.to_owned(),
            found: version,
        });
    }
    Ok(())
}

/// A sidecar's content by reference, in any order, to write.
struct Content<'a> {
    article: &'a ArticleRef,
    scheme: &'a str,
    labels: &'a BTreeMap<String, AttrValue>,
    annotations: &'a [Annotation],
    relations: &'a [Relation],
    merge: &'a MergeRecord,
    adjudication: &'a AdjudicationRecord,
    extra: &'a Extra,
}

/// Writes the sidecar JSON: sorted, pretty, LF, final newline.
#[expect(
    clippy::expect_used,
    reason = "serializing to memory cannot fail, and serde_json writes UTF-8"
)]
fn render_json(content: &Content<'_>) -> String {
    // Roughly 500 bytes an annotation when pretty-printed.
    let mut out = Vec::with_capacity(1024 + content.annotations.len() * 520);
    write_json(&mut out, content).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the sidecar JSON: sorted, pretty, LF, final newline.
fn write_json(out: &mut dyn Write, content: &Content<'_>) -> std::io::Result<()> {
    let Content {
        article,
        scheme,
        labels,
        annotations,
        relations,
        merge,
        adjudication,
        extra,
    } = *content;
    let mut anns: Vec<&Annotation> = annotations.iter().collect();
    anns.sort_by(|a, b| {
        (a.range.start, a.range.end, &a.id).cmp(&(b.range.start, b.range.end, &b.id))
    });
    let mut rels: Vec<&Relation> = relations.iter().collect();
    rels.sort_by(|a, b| a.id.cmp(&b.id));
    let file = FileOut {
        article,
        scheme,
        labels,
        annotations: &anns,
        relations: &rels,
        merge,
        adjudication,
        extra,
    };
    serde_json::to_writer_pretty(&mut *out, &file).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
  "format": "tagline-annotations",
  "version": 1,
  "article": {
    "file": "a.txt",
    "sha256": "00",
    "chars": 10,
    "encoding_hint": "utf-8"
  },
  "scheme": "news@1",
  "labels": {
    "status": "done"
  },
  "annotations": [
    {
      "id": "b",
      "tag": "claim",
      "start": 0,
      "end": 3,
      "text": "abc",
      "suffix": "def",
      "future_field": [
        1,
        2
      ]
    },
    {
      "id": "a",
      "tag": "quote",
      "start": 4,
      "end": 6,
      "text": "ef",
      "attributes": {
        "checkworthy": true,
        "kind": "direct",
        "score": 0.5,
        "tags": [
          "x",
          "y"
        ]
      },
      "note": "n",
      "annotator": "ana",
      "created": "2026-11-21T12:00:00Z",
      "modified": "2026-11-21T12:00:00Z",
      "status": "uncertain"
    }
  ],
  "relations": [
    {
      "id": "r",
      "type": "attributed_to",
      "from": "a",
      "to": "b"
    }
  ],
  "x-project": {
    "batch": 7
  }
}
"#;

    #[test]
    fn round_trip_is_byte_identical_and_keeps_unknown_fields() {
        let data = SidecarData::parse(SAMPLE.as_bytes(), Path::new("s.json")).unwrap();
        assert_eq!(
            data.annotations[0].extra["future_field"],
            serde_json::json!([1, 2])
        );
        assert_eq!(
            data.annotations[1].status,
            Some(crate::core::Status::Uncertain)
        );
        assert_eq!(data.to_json(), SAMPLE);
    }

    #[test]
    fn output_is_sorted() {
        let mut data = SidecarData::parse(SAMPLE.as_bytes(), Path::new("s.json")).unwrap();
        data.annotations.reverse();
        assert_eq!(data.to_json(), SAMPLE);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        let p = Path::new("s.json");
        let e = SidecarData::parse(b"{ nope", p).unwrap_err().to_string();
        assert!(
            e.contains("s.json") && e.contains("not valid JSON") && e.contains("line 1"),
            "{e}"
        );
        let e = SidecarData::parse(br#"{"format":"other","version":1}"#, p).unwrap_err();
        assert!(e.to_string().contains("not a Tagline sidecar"));
        let newer = SAMPLE.replace("\"version\": 1", "\"version\": 2");
        let e = SidecarData::parse(newer.as_bytes(), p).unwrap_err();
        assert!(matches!(e, SidecarError::NewerVersion { found: 2, .. }));
        let bad = SAMPLE.replace("\"start\": 0", "\"start\": -1");
        assert!(SidecarData::parse(bad.as_bytes(), p).is_err());
    }

    #[test]
    fn content_hash_is_the_same_streamed_or_whole() {
        let bytes: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut h = ContentHasher::default();
        for chunk in bytes.chunks(977) {
            h.write(chunk);
        }
        assert_eq!(h.finish(), content_hash(&bytes));
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        std::fs::write(&p, SAMPLE).unwrap();
        let (data, hash) = SidecarData::read_streaming(&p).unwrap();
        assert_eq!(hash, content_hash(SAMPLE.as_bytes()));
        assert_eq!(data, SidecarData::parse(SAMPLE.as_bytes(), &p).unwrap());
        std::fs::write(&p, "{\"format\": 3}").unwrap();
        assert!(
            SidecarData::read_streaming(&p)
                .unwrap_err()
                .to_string()
                .contains("not a Tagline sidecar")
        );
    }

    #[test]
    fn paths() {
        assert_eq!(
            sidecar_path(Path::new("d/a.txt")),
            Path::new("d/a.txt.annotations.json")
        );
        assert_eq!(
            article_path_of_sidecar(Path::new("d/a.md.annotations.json")).unwrap(),
            Path::new("d/a.md")
        );
        assert!(!is_sidecar_path(Path::new(".annotations.json")));
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode(&p),
                0o644,
                "a new sidecar is readable by others, like any file"
            );
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
            write_atomic(&p, b"three").unwrap();
            assert_eq!(mode(&p), 0o640, "an existing sidecar keeps its permissions");
        }
    }
}
