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
//! - `start`/`end` count Unicode scalar values (Python `str` indexes) into the article's full
//!   decoded text, BOM excluded; the range is half-open.
//! - Output is deterministic: 2-space indentation, keys in the order above, annotations sorted
//!   by `(start, end, id)`, relations by `id`, LF line endings and a final newline. `id`, `tag`,
//!   `start`, `end`, `text` are always written, `prefix`/`suffix` when not empty, every other
//!   annotation field only when not empty.
//! - Unknown fields, at any level, are kept on load and written back after the known ones.
//! - A file whose `format` is not ours, that does not parse, or whose `version` is newer than
//!   this build knows is never overwritten (see [`super::document::Document::save`]).
//!
//! These structs are the compatibility boundary; the in-memory model in [`super::model`] may
//! change freely as long as the conversion here keeps files the same.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::model::{Annotation, AttrValue, Extra, Relation, Status};
use super::offsets::CharRange;

/// The `format` value of every sidecar.
pub const FORMAT: &str = "tagline-annotations";
/// The newest format version this build reads and writes.
pub const VERSION: u64 = 1;
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
    /// The file is from a newer Tagline.
    #[error("{}: written by a newer Tagline (format version {found}; this build knows up to {VERSION}); it will not be overwritten", path.display())]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u64,
    },
}

/// `article` block of a sidecar.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleRef {
    /// The article's file name.
    pub file: String,
    /// Hex SHA-256 of the article file's bytes when the sidecar was saved.
    pub sha256: String,
    /// The article's length in chars.
    pub chars: usize,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Serialize, Deserialize)]
struct FileV1 {
    format: String,
    version: u64,
    article: ArticleRef,
    #[serde(default)]
    scheme: String,
    #[serde(default)]
    labels: BTreeMap<String, AttrValue>,
    #[serde(default)]
    annotations: Vec<AnnotationV1>,
    #[serde(default)]
    relations: Vec<RelationV1>,
    #[serde(flatten)]
    extra: Extra,
}

fn is_empty_str(s: &str) -> bool {
    s.is_empty()
}

#[derive(Serialize, Deserialize)]
struct AnnotationV1 {
    id: String,
    tag: String,
    start: usize,
    end: usize,
    text: String,
    #[serde(default, skip_serializing_if = "is_empty_str")]
    prefix: String,
    #[serde(default, skip_serializing_if = "is_empty_str")]
    suffix: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, AttrValue>,
    #[serde(default, skip_serializing_if = "is_empty_str")]
    note: String,
    #[serde(default, skip_serializing_if = "is_empty_str")]
    annotator: String,
    #[serde(default, skip_serializing_if = "is_empty_str")]
    created: String,
    #[serde(default, skip_serializing_if = "is_empty_str")]
    modified: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
    #[serde(flatten)]
    extra: Extra,
}

#[derive(Serialize, Deserialize)]
struct RelationV1 {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    from: String,
    to: String,
    #[serde(default, skip_serializing_if = "is_empty_str")]
    annotator: String,
    #[serde(default, skip_serializing_if = "is_empty_str")]
    note: String,
    #[serde(flatten)]
    extra: Extra,
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
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| unreadable(format!("not valid JSON ({e})")))?;
        let obj = value.as_object().ok_or_else(|| {
            unreadable("not a Tagline sidecar (the top level is not an object)".into())
        })?;
        match obj.get("format").and_then(|f| f.as_str()) {
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
        let version = obj.get("version").and_then(|v| v.as_u64()).ok_or_else(|| {
            unreadable("the \"version\" field is missing or not a whole number".into())
        })?;
        if version > VERSION {
            return Err(SidecarError::NewerVersion {
                path: path.to_owned(),
                found: version,
            });
        }
        let file: FileV1 = serde_json::from_value(value)
            .map_err(|e| unreadable(format!("does not match the format: {e}")))?;
        Ok(SidecarData {
            article: file.article,
            scheme: file.scheme,
            labels: file.labels,
            annotations: file
                .annotations
                .into_iter()
                .map(|a| Annotation {
                    id: a.id,
                    tag: a.tag,
                    range: CharRange::new(a.start, a.end),
                    text: a.text,
                    prefix: a.prefix,
                    suffix: a.suffix,
                    attributes: a.attributes,
                    note: a.note,
                    annotator: a.annotator,
                    created: a.created,
                    modified: a.modified,
                    status: a.status,
                    extra: a.extra,
                })
                .collect(),
            relations: file
                .relations
                .into_iter()
                .map(|r| Relation {
                    id: r.id,
                    kind: r.kind,
                    from: r.from,
                    to: r.to,
                    annotator: r.annotator,
                    note: r.note,
                    extra: r.extra,
                })
                .collect(),
            extra: file.extra,
        })
    }

    /// Reads a sidecar file.
    pub fn read(path: &Path) -> Result<(SidecarData, Vec<u8>), SidecarError> {
        let bytes = std::fs::read(path).map_err(|source| SidecarError::Io {
            path: path.to_owned(),
            action: "cannot read the sidecar",
            source,
        })?;
        Ok((SidecarData::parse(&bytes, path)?, bytes))
    }

    /// The deterministic JSON text of this sidecar.
    pub fn to_json(&self) -> String {
        let mut annotations: Vec<&Annotation> = self.annotations.iter().collect();
        annotations.sort_by(|a, b| {
            (a.range.start, a.range.end, &a.id).cmp(&(b.range.start, b.range.end, &b.id))
        });
        let mut relations: Vec<&Relation> = self.relations.iter().collect();
        relations.sort_by(|a, b| a.id.cmp(&b.id));
        let file = FileV1 {
            format: FORMAT.to_owned(),
            version: VERSION,
            article: self.article.clone(),
            scheme: self.scheme.clone(),
            labels: self.labels.clone(),
            annotations: annotations
                .into_iter()
                .map(|a| AnnotationV1 {
                    id: a.id.clone(),
                    tag: a.tag.clone(),
                    start: a.range.start,
                    end: a.range.end,
                    text: a.text.clone(),
                    prefix: a.prefix.clone(),
                    suffix: a.suffix.clone(),
                    attributes: a.attributes.clone(),
                    note: a.note.clone(),
                    annotator: a.annotator.clone(),
                    created: a.created.clone(),
                    modified: a.modified.clone(),
                    status: a.status,
                    extra: a.extra.clone(),
                })
                .collect(),
            relations: relations
                .into_iter()
                .map(|r| RelationV1 {
                    id: r.id.clone(),
                    kind: r.kind.clone(),
                    from: r.from.clone(),
                    to: r.to.clone(),
                    annotator: r.annotator.clone(),
                    note: r.note.clone(),
                    extra: r.extra.clone(),
                })
                .collect(),
            extra: self.extra.clone(),
        };
        let mut s = serde_json::to_string_pretty(&file).expect("sidecar values always serialize");
        s.push('\n');
        s
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, fsync, rename over
/// the target, fsync the folder. Readers see the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SidecarError> {
    let io = |action: &'static str| {
        move |source| SidecarError::Io {
            path: path.to_owned(),
            action,
            source,
        }
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".tagline-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io("cannot create a temporary file next to it"))?;
    tmp.write_all(bytes).map_err(io("cannot write"))?;
    // Temporary files are private (0600); a sidecar keeps the permissions of the file it
    // replaces, or gets the usual rw-r--r-- when new.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io("cannot set permissions"))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(io("cannot flush to disk"))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .map_err(io("cannot replace the file"))?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
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
        assert_eq!(data.annotations[1].status, Some(Status::Uncertain));
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
