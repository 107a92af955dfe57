//! Articles: reading a file into text, its front matter and its display segments.
//!
//! An [`Article`] is the decoded text of one file (UTF-8 with or without BOM, or UTF-16 with a
//! BOM), exactly as written: line endings are kept, front matter stays part of the annotatable
//! text. On top of that text it offers metadata for display ([`Metadata`]) and a list of
//! [`Segment`]s — the front matter's title and excerpt, then the body's paragraphs — each a raw
//! char range of the file, so a reading view can show clean text while every annotation still
//! points into the file's own characters.

pub mod frontmatter;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use self::frontmatter::FrontMatter;
use crate::core::text::offsets::{CharRange, IndexedText};

/// Default cap on the size of an article file: 64 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Longest display block, in chars; longer paragraphs are split into several blocks.
pub const MAX_BLOCK_CHARS: usize = 2000;

/// File extensions treated as articles when scanning folders.
pub const ARTICLE_EXTENSIONS: [&str; 3] = ["txt", "md", "markdown"];

/// How an article file may be read.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    /// Files larger than this many bytes are refused.
    pub max_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// Why an article could not be opened. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    /// The file could not be read.
    #[error("{}: cannot read the file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The path is a folder.
    #[error("{}: is a folder, not an article file", path.display())]
    IsDirectory {
        /// The folder.
        path: PathBuf,
    },
    /// The file is larger than the configured cap.
    #[error("{}: too large to open ({size} bytes; the limit is {limit} bytes)", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The cap in bytes.
        limit: u64,
    },
    /// The bytes are not UTF-8.
    #[error("{}: not valid UTF-8 text (invalid byte at byte offset {offset})", path.display())]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte, counted in the file.
        offset: usize,
    },
    /// The bytes have a UTF-16 BOM but are not valid UTF-16.
    #[error("{}: not valid UTF-16 text (bad code unit at byte offset {offset})", path.display())]
    InvalidUtf16 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the bad unit, counted in the file.
        offset: usize,
    },
    /// The file holds NUL bytes: it is binary, not text.
    #[error("{}: looks like a binary file (NUL byte at byte offset {offset}), not a text article", path.display())]
    Binary {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first NUL.
        offset: usize,
    },
}

/// The encoding an article was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without BOM.
    Utf8,
    /// UTF-8 with a BOM (the BOM is not part of the text).
    Utf8Bom,
    /// UTF-16 little-endian with a BOM.
    Utf16Le,
    /// UTF-16 big-endian with a BOM.
    Utf16Be,
}

/// Metadata for display, taken from front matter when there is any.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    /// Headline.
    pub title: Option<String>,
    /// Excerpt, description or summary.
    pub excerpt: Option<String>,
    /// Publication date as written.
    pub date: Option<String>,
    /// Link to the original.
    pub url: Option<String>,
    /// Author or byline.
    pub author: Option<String>,
    /// Outlet, publisher or provider.
    pub source: Option<String>,
}

/// What part of the article a display segment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentKind {
    /// The front matter's title.
    Title,
    /// The front matter's excerpt, description or summary.
    Excerpt,
    /// A Markdown heading line (`#` to `######`), with its level.
    Heading(u8),
    /// A body paragraph (or one block of a long paragraph).
    Paragraph,
}

/// A piece of the article shown as one block in a reading view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// What it is.
    pub kind: SegmentKind,
    /// The chars it shows, a raw slice of the article text.
    pub range: CharRange,
    /// `true` when this block continues the previous one's paragraph (a long paragraph split
    /// for display), so views draw no paragraph gap before it.
    pub continues: bool,
}

/// One decoded article file.
#[derive(Clone, Debug)]
pub struct Article {
    /// Where it was read from.
    pub path: PathBuf,
    /// The full decoded text, BOM excluded, line endings as in the file.
    pub text: IndexedText,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// How it was encoded.
    pub encoding: Encoding,
    /// Parsed front matter, if the file starts with some.
    pub front_matter: Option<FrontMatter>,
    /// Display metadata.
    pub metadata: Metadata,
    /// Display segments in reading order.
    pub segments: Vec<Segment>,
    /// Things the user should know that did not stop the article from opening.
    pub warnings: Vec<String>,
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// `true` when `path` has one of the [`ARTICLE_EXTENSIONS`].
pub fn has_article_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "md" | "markdown"))
}

impl Article {
    /// Reads and decodes the file at `path`.
    pub fn load(path: &Path, options: &LoadOptions) -> Result<Self, ArticleError> {
        let io = |source| ArticleError::Io {
            path: path.to_owned(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            return Err(ArticleError::IsDirectory {
                path: path.to_owned(),
            });
        }
        if meta.len() > options.max_bytes {
            return Err(ArticleError::TooLarge {
                path: path.to_owned(),
                size: meta.len(),
                limit: options.max_bytes,
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        Self::from_bytes(path, &bytes, options)
    }

    /// Decodes `bytes` as if read from `path` (used by [`Article::load`] and by tests).
    pub fn from_bytes(
        path: &Path,
        bytes: &[u8],
        options: &LoadOptions,
    ) -> Result<Self, ArticleError> {
        if bytes.len() as u64 > options.max_bytes {
            return Err(ArticleError::TooLarge {
                path: path.to_owned(),
                size: bytes.len() as u64,
                limit: options.max_bytes,
            });
        }
        let (text, encoding) = decode(path, bytes)?;
        let sha256 = sha256_hex(bytes);
        let text = IndexedText::new(text);
        let mut warnings = Vec::new();
        let front_matter = frontmatter::parse(text.as_str(), &mut warnings);
        let metadata = front_matter
            .as_ref()
            .map(FrontMatter::metadata)
            .unwrap_or_default();
        let segments = build_segments(&text, front_matter.as_ref(), is_markdown(path));
        if contains_rtl(text.as_str()) {
            warnings.push(
                "this article contains right-to-left text (Arabic or Hebrew); Tagline shows it \
                 in logical order without bidirectional reordering, so it may read reversed"
                    .to_owned(),
            );
        }
        Ok(Self {
            path: path.to_owned(),
            text,
            sha256,
            encoding,
            front_matter,
            metadata,
            segments,
            warnings,
        })
    }

    /// The file name (last path component) as text.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Length of the text in chars.
    pub fn len_chars(&self) -> usize {
        self.text.len_chars()
    }

    /// The index of the segment containing char `offset` (or the nearest one before it).
    pub fn segment_at(&self, offset: usize) -> Option<usize> {
        let i = self.segments.partition_point(|s| s.range.start <= offset);
        i.checked_sub(1)
    }
}

fn decode(path: &Path, bytes: &[u8]) -> Result<(String, Encoding), ArticleError> {
    let utf16 = |le: bool| -> Result<(String, Encoding), ArticleError> {
        let body = &bytes[2..];
        let units: Vec<u16> = body
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            })
            .collect();
        let mut out = String::with_capacity(units.len());
        for (i, r) in char::decode_utf16(units.iter().copied()).enumerate() {
            match r {
                Ok(c) => out.push(c),
                Err(_) => {
                    // Offset of the unit that failed, in file bytes.
                    let units_before: usize = out.chars().map(char::len_utf16).sum();
                    let _ = i;
                    return Err(ArticleError::InvalidUtf16 {
                        path: path.to_owned(),
                        offset: 2 + units_before * 2,
                    });
                }
            }
        }
        if body.len() % 2 == 1 {
            return Err(ArticleError::InvalidUtf16 {
                path: path.to_owned(),
                offset: bytes.len() - 1,
            });
        }
        if let Some(nul) = out.find('\0') {
            let units_before: usize = out[..nul].chars().map(char::len_utf16).sum();
            return Err(ArticleError::Binary {
                path: path.to_owned(),
                offset: 2 + units_before * 2,
            });
        }
        Ok((
            out,
            if le {
                Encoding::Utf16Le
            } else {
                Encoding::Utf16Be
            },
        ))
    };
    match bytes {
        [0xFF, 0xFE, ..] => return utf16(true),
        [0xFE, 0xFF, ..] => return utf16(false),
        _ => {}
    }
    let (body, skip, encoding) = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => (rest, 3, Encoding::Utf8Bom),
        _ => (bytes, 0, Encoding::Utf8),
    };
    // NUL first (binary files are rarely valid UTF-8 past it, and the NUL is the better
    // reason to give); `memchr` through `<[u8]>::contains` is fast on clean text.
    if body.contains(&0) {
        let nul = body.iter().position(|&b| b == 0).unwrap_or(0);
        return Err(ArticleError::Binary {
            path: path.to_owned(),
            offset: skip + nul,
        });
    }
    match std::str::from_utf8(body) {
        Ok(s) => Ok((s.to_owned(), encoding)),
        Err(e) => Err(ArticleError::InvalidUtf8 {
            path: path.to_owned(),
            offset: skip + e.valid_up_to(),
        }),
    }
}

/// `true` when `s` has a right-to-left letter. Scans bytes and decodes only the chars whose
/// lead byte could start one.
fn contains_rtl(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        // U+0590–U+07FF (lead D6–DF), U+0800–U+08FF (E0), U+FB1D–U+FEFF (EF), U+10800+ (F0).
        if ((0xD6..=0xDF).contains(&x) || x == 0xE0 || x == 0xEF || x == 0xF0)
            && s[i..].chars().next().is_some_and(is_rtl)
        {
            return true;
        }
        i += 1;
    }
    false
}

/// `true` for letters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko and their
/// presentation forms).
pub fn is_rtl(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

/// One line of text: its chars without the terminator, and where the next line starts.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    blank: bool,
    heading: Option<u8>,
}

/// Splits `text[from..]` into lines (LF, CRLF or lone CR), in chars. Works on bytes: line
/// ends are found with a byte scan and chars are counted as non-continuation bytes, so a
/// 10 MB article splits in a few milliseconds.
fn lines(text: &str, from_char: usize, from_byte: usize) -> Vec<Line> {
    let bytes = text.as_bytes();
    let count_chars = |b: &[u8]| b.iter().filter(|&&x| (x as i8) >= -0x40).count();
    let mut out = Vec::new();
    let mut c = from_char;
    let mut pos = from_byte;
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        let len = rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(rest.len());
        let line = &text[pos..pos + len];
        let n = count_chars(line.as_bytes());
        let blank = line.chars().all(char::is_whitespace);
        let first: String = line.chars().take(8).collect();
        out.push(Line {
            start: c,
            end: c + n,
            blank,
            heading: heading_level(&first),
        });
        c += n;
        pos += len;
        if pos < bytes.len() {
            // The terminator: CRLF counts as two chars, LF or CR as one.
            let term = if bytes[pos] == b'\r' && bytes.get(pos + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            pos += term;
            c += term;
        }
    }
    out
}

fn heading_level(first: &str) -> Option<u8> {
    let hashes = first.chars().take_while(|&c| c == '#').count();
    let next = first.chars().nth(hashes);
    ((1..=6).contains(&hashes) && matches!(next, Some(' ' | '\t') | None)).then_some(hashes as u8)
}

fn build_segments(text: &IndexedText, fm: Option<&FrontMatter>, markdown: bool) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut body_start = 0;
    if let Some(fm) = fm {
        body_start = fm.body_start;
        for (kind, range) in fm.display_fields() {
            if !range.is_empty() {
                segments.push(Segment {
                    kind,
                    range,
                    continues: false,
                });
            }
        }
    }
    let from_byte = text.char_to_byte(body_start).unwrap_or(text.as_str().len());
    let mut para: Option<CharRange> = None;
    let flush = |para: &mut Option<CharRange>, segments: &mut Vec<Segment>, kind| {
        if let Some(r) = para.take() {
            push_blocks(text, r, kind, segments);
        }
    };
    for line in lines(text.as_str(), body_start, from_byte) {
        if line.blank {
            flush(&mut para, &mut segments, SegmentKind::Paragraph);
            continue;
        }
        if markdown && let Some(level) = line.heading {
            flush(&mut para, &mut segments, SegmentKind::Paragraph);
            let mut r = Some(CharRange::new(line.start, line.end));
            flush(&mut r, &mut segments, SegmentKind::Heading(level));
            continue;
        }
        match &mut para {
            Some(r) => r.end = line.end,
            None => para = Some(CharRange::new(line.start, line.end)),
        }
    }
    flush(&mut para, &mut segments, SegmentKind::Paragraph);
    segments
}

/// Pushes `range` as one segment, or as several blocks of at most [`MAX_BLOCK_CHARS`] chars,
/// preferring to split after whitespace.
fn push_blocks(text: &IndexedText, range: CharRange, kind: SegmentKind, out: &mut Vec<Segment>) {
    if range.len() <= MAX_BLOCK_CHARS {
        out.push(Segment {
            kind,
            range,
            continues: false,
        });
        return;
    }
    let mut start = range.start;
    let mut first = true;
    while start < range.end {
        let mut end = (start + MAX_BLOCK_CHARS).min(range.end);
        if end < range.end {
            let window = text
                .slice(CharRange::new(start + MAX_BLOCK_CHARS / 2, end))
                .unwrap_or("");
            // Last whitespace in the second half of the block, counted in chars.
            let mut best = None;
            for (i, c) in window.chars().enumerate() {
                if c.is_whitespace() {
                    best = Some(i);
                }
            }
            if let Some(i) = best {
                end = start + MAX_BLOCK_CHARS / 2 + i + 1;
            }
            // Never split a CRLF pair.
            if text.slice(CharRange::new(end - 1, end + 1)) == Some("\r\n") {
                end += 1;
            }
        }
        out.push(Segment {
            kind,
            range: CharRange::new(start, end),
            continues: !first,
        });
        first = false;
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(name: &str, bytes: &[u8]) -> Result<Article, ArticleError> {
        Article::from_bytes(Path::new(name), bytes, &LoadOptions::default())
    }

    fn seg_texts(a: &Article) -> Vec<(SegmentKind, &str)> {
        a.segments
            .iter()
            .map(|s| (s.kind, a.text.slice(s.range).unwrap()))
            .collect()
    }

    #[test]
    fn paragraphs_keep_line_endings_exactly() {
        for nl in ["\n", "\r\n", "\r"] {
            let src = format!("Title line{nl}{nl}First para{nl}second line{nl}{nl}{nl}Last");
            let a = art("a.txt", src.as_bytes()).unwrap();
            assert_eq!(a.text.as_str(), src);
            let texts: Vec<_> = seg_texts(&a)
                .into_iter()
                .map(|(_, t)| t.to_owned())
                .collect();
            assert_eq!(
                texts,
                vec![
                    "Title line".to_owned(),
                    format!("First para{nl}second line"),
                    "Last".to_owned()
                ],
                "line ending {nl:?}"
            );
        }
    }

    #[test]
    fn boms_and_utf16() {
        let a = art("a.txt", b"\xEF\xBB\xBFhi \xE2\x80\x9Cthere\xE2\x80\x9D").unwrap();
        assert_eq!(a.encoding, Encoding::Utf8Bom);
        assert_eq!(a.text.as_str(), "hi “there”");
        let mut le = vec![0xFF, 0xFE];
        for u in "Zoë 😀".encode_utf16() {
            le.extend(u.to_le_bytes());
        }
        let a = art("a.txt", &le).unwrap();
        assert_eq!((a.encoding, a.text.as_str()), (Encoding::Utf16Le, "Zoë 😀"));
        let mut be = vec![0xFE, 0xFF];
        for u in "李明".encode_utf16() {
            be.extend(u.to_be_bytes());
        }
        assert_eq!(art("a.txt", &be).unwrap().text.as_str(), "李明");
    }

    #[test]
    fn refuses_bad_input_with_reasons() {
        let e = art("bad.txt", b"ok \xC3\x28 no").unwrap_err().to_string();
        assert!(
            e.contains("bad.txt") && e.contains("UTF-8") && e.contains("offset 3"),
            "{e}"
        );
        let e = art("bin.txt", b"PK\x03\x04\x00\x00")
            .unwrap_err()
            .to_string();
        assert!(e.contains("binary") && e.contains("offset 4"), "{e}");
        let small = LoadOptions { max_bytes: 4 };
        let e = Article::from_bytes(Path::new("big.txt"), b"12345", &small).unwrap_err();
        assert!(matches!(
            e,
            ArticleError::TooLarge {
                size: 5,
                limit: 4,
                ..
            }
        ));
        let e = art("odd.txt", &[0xFF, 0xFE, 0x41]).unwrap_err();
        assert!(matches!(e, ArticleError::InvalidUtf16 { .. }), "{e}");
    }

    #[test]
    fn markdown_headings_are_their_own_segments() {
        let a = art("a.md", b"# Big news\nBody text\n\n## Sub\n\nMore").unwrap();
        assert_eq!(
            seg_texts(&a),
            vec![
                (SegmentKind::Heading(1), "# Big news"),
                (SegmentKind::Paragraph, "Body text"),
                (SegmentKind::Heading(2), "## Sub"),
                (SegmentKind::Paragraph, "More"),
            ]
        );
        // In plain text a hash is just a character.
        let a = art("a.txt", b"# not a heading\nstill para").unwrap();
        assert_eq!(a.segments.len(), 1);
    }

    #[test]
    fn long_single_line_is_split_into_blocks() {
        let src = "word ".repeat(5000);
        let a = art("long.txt", src.as_bytes()).unwrap();
        assert!(a.segments.len() > 5);
        assert!(a.segments.iter().all(|s| s.range.len() <= MAX_BLOCK_CHARS));
        assert!(a.segments.iter().skip(1).all(|s| s.continues));
        // Blocks tile the paragraph with no gap.
        for w in a.segments.windows(2) {
            assert_eq!(w[0].range.end, w[1].range.start);
        }
        let no_spaces = "x".repeat(10_000);
        let a = art("long.txt", no_spaces.as_bytes()).unwrap();
        assert_eq!(a.segments.len(), 10_000usize.div_ceil(MAX_BLOCK_CHARS));
    }

    #[test]
    fn rtl_text_is_warned_about() {
        let a = art("a.txt", "قال المتحدث".as_bytes()).unwrap();
        assert!(a.warnings.iter().any(|w| w.contains("right-to-left")));
    }
}
