//! Articles: reading a file into text, its front matter and its display segments.
//!
//! An [`Article`] is the decoded text of one file, exactly as written: UTF-8 with or without
//! BOM, UTF-16 with a BOM, and — when the bytes are not UTF-8 — a legacy encoding
//! (Windows-1252, Latin-1, …) detected with `chardetng` or forced with
//! [`LoadOptions::encoding`], or UTF-16 without a BOM recognised by its zero bytes. Line
//! endings are kept, line endings are kept, front matter stays part of the annotatable
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

/// How the warning about a guessed encoding starts.
const GUESS_WARNING: &str = "not UTF-8: read as";

/// Longest display block, in chars; longer paragraphs are split into several blocks.
pub const MAX_BLOCK_CHARS: usize = 2000;

/// File extensions treated as articles when scanning folders.
pub const ARTICLE_EXTENSIONS: [&str; 3] = ["txt", "md", "markdown"];

/// How an article file may be read.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    /// Files larger than this many bytes are refused.
    pub max_bytes: u64,
    /// Decode every article with this encoding instead of detecting one (`--encoding`). A BOM
    /// of the same encoding is still skipped.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            encoding: None,
        }
    }
}

/// The encoding a WHATWG label names (`latin1`, `windows-1252`, `utf-16le`, `shift_jis`, …).
pub fn encoding_for_label(label: &str) -> Option<&'static encoding_rs::Encoding> {
    encoding_rs::Encoding::for_label_no_replacement(label.trim().as_bytes())
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
    /// The path (after following links) is a FIFO, device or socket.
    #[error("{}: is {kind}, not a regular file; Tagline reads only regular files", path.display())]
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is, in words.
        kind: &'static str,
    },
    /// The bytes are not valid in the encoding that was forced or detected.
    #[error("{}: not valid {encoding} text{hint}", path.display())]
    BadEncoding {
        /// The file.
        path: PathBuf,
        /// The encoding's name.
        encoding: &'static str,
        /// More to say (e.g. what was tried first).
        hint: String,
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
    /// The zero bytes look like UTF-16 without a byte order mark, but it does not decode.
    #[error("{}: looks like {encoding} text without a byte order mark, but is not valid {encoding}; if it is, add a BOM or open it with --encoding {label}", path.display())]
    LikelyUtf16 {
        /// The file.
        path: PathBuf,
        /// `UTF-16LE` or `UTF-16BE`.
        encoding: &'static str,
        /// Its label.
        label: &'static str,
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
    /// Any other encoding, without a BOM: a legacy one (Windows-1252, …) or UTF-16 recognised
    /// without its BOM, detected or forced.
    Other(&'static encoding_rs::Encoding),
}

impl Encoding {
    /// The WHATWG label, lower case: `utf-8`, `utf-16le`, `windows-1252`, …
    pub fn label(&self) -> String {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom => "utf-8".into(),
            Encoding::Utf16Le => "utf-16le".into(),
            Encoding::Utf16Be => "utf-16be".into(),
            Encoding::Other(e) => e.name().to_ascii_lowercase(),
        }
    }

    /// What a sidecar records in `article.encoding`: `None` for UTF-8 (with or without BOM).
    pub fn sidecar_label(&self) -> Option<String> {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom => None,
            other => Some(other.label()),
        }
    }

    /// A short name for people (a status bar): `UTF-8`, `UTF-8 with BOM`, `windows-1252`, …
    pub fn display_name(&self) -> String {
        match self {
            Encoding::Utf8 => "UTF-8".into(),
            Encoding::Utf8Bom => "UTF-8 with BOM".into(),
            Encoding::Utf16Le => "UTF-16LE with BOM".into(),
            Encoding::Utf16Be => "UTF-16BE with BOM".into(),
            Encoding::Other(e) => e.name().into(),
        }
    }

    /// The `encoding_rs` encoding the text was decoded with.
    pub fn decoder(&self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom => encoding_rs::UTF_8,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            Encoding::Other(e) => e,
        }
    }
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
    /// `true` when the encoding was guessed (no BOM, not UTF-8, not forced): worth showing.
    pub encoding_guessed: bool,
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
        use crate::core::store::{ReadError, read_regular};
        let bytes = read_regular(path, options.max_bytes).map_err(|e| match e {
            ReadError::Io(source) => io(source),
            ReadError::NotRegular("a folder") => ArticleError::IsDirectory {
                path: path.to_owned(),
            },
            ReadError::NotRegular(kind) => ArticleError::NotRegular {
                path: path.to_owned(),
                kind,
            },
            ReadError::TooLarge { size, limit } => ArticleError::TooLarge {
                path: path.to_owned(),
                size,
                limit,
            },
        })?;
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
        let (text, encoding, encoding_guessed) = decode(path, bytes, options.encoding)?;
        let sha256 = sha256_hex(bytes);
        let text = IndexedText::new(text);
        let mut warnings = Vec::new();
        if encoding_guessed {
            warnings.push(format!(
                "{GUESS_WARNING} {} (detected); if letters look wrong, give the right \
                 encoding with --encoding LABEL",
                encoding.display_name()
            ));
        }
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
            encoding_guessed,
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

    /// When this article's encoding was only guessed (no BOM, not UTF-8, not forced) and its
    /// sidecar recorded one in `article.encoding`, the recorded one wins: the sidecar's offsets
    /// count chars of the text decoded that way. Re-reads the file only when the two differ.
    pub fn with_recorded_encoding(
        mut self,
        recorded: Option<&str>,
        options: &LoadOptions,
    ) -> Result<Article, ArticleError> {
        let Some(enc) = recorded.and_then(encoding_for_label) else {
            return Ok(self);
        };
        if !self.encoding_guessed {
            return Ok(self);
        }
        if self.encoding == Encoding::Other(enc) {
            self.encoding_guessed = false;
            self.warnings.retain(|w| !w.starts_with(GUESS_WARNING));
            return Ok(self);
        }
        let forced = LoadOptions {
            encoding: Some(enc),
            ..*options
        };
        Article::load(&self.path, &forced)
    }

    /// Whether the text was decoded as a sidecar that recorded `recorded` in
    /// `article.encoding` expects (absent: UTF-8, or a file whose BOM decides). The same bytes
    /// decoded otherwise (`--encoding` forced another one) are another text, so the sidecar's
    /// offsets must be re-anchored although `sha256` did not change. A label Tagline does not
    /// know, and a guess against a sidecar written before `encoding` existed, say nothing
    /// (`true`).
    pub fn decoded_as_recorded(&self, recorded: Option<&str>) -> bool {
        match recorded {
            Some(label) => encoding_for_label(label).is_none_or(|e| e == self.encoding.decoder()),
            None => self.encoding_guessed || !matches!(self.encoding, Encoding::Other(_)),
        }
    }

    /// The encoding's name for people (`UTF-8`, `windows-1252`, …), with "(detected)" when it
    /// was guessed: what a status bar shows.
    pub fn encoding_label(&self) -> String {
        let name = self.encoding.display_name();
        if self.encoding_guessed {
            format!("{name} (detected)")
        } else {
            name
        }
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

/// Decodes `bytes`; returns the text, its encoding and whether the encoding was guessed.
fn decode(
    path: &Path,
    bytes: &[u8],
    forced: Option<&'static encoding_rs::Encoding>,
) -> Result<(String, Encoding, bool), ArticleError> {
    let bom = encoding_rs::Encoding::for_bom(bytes).map(|(e, _)| e);
    match forced {
        Some(enc) if bom != Some(enc) && enc != encoding_rs::UTF_8 => {
            return decode_with(path, bytes, enc, "").map(|t| (t, Encoding::Other(enc), false));
        }
        _ => {}
    }
    decode_unicode(path, bytes)
        .map(|(t, e)| (t, e, false))
        .or_else(|err| {
            let ArticleError::InvalidUtf8 { offset, .. } = err else {
                if matches!(err, ArticleError::Binary { .. }) {
                    return match utf16_without_bom(bytes) {
                        Some(enc) => decode_with(path, bytes, enc, "")
                            .map_err(|_| ArticleError::LikelyUtf16 {
                                path: path.to_owned(),
                                encoding: enc.name(),
                                label: if enc == encoding_rs::UTF_16LE {
                                    "utf-16le"
                                } else {
                                    "utf-16be"
                                },
                            })
                            .map(|t| (t, Encoding::Other(enc), true)),
                        None => Err(err),
                    };
                }
                return Err(err);
            };
            if forced.is_some() {
                return Err(err);
            }
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
            let hint = format!(" (it is not UTF-8 either: invalid byte at byte offset {offset})");
            decode_with(path, bytes, guess, &hint).map(|t| (t, Encoding::Other(guess), true))
        })
}

/// `Some(UTF-16LE or BE)` when `bytes` look like UTF-16 without a BOM: an even length and,
/// among the first 64 KiB, zero bytes in at least a quarter of one byte position of the pairs
/// and in at most a twentieth of the other (the high bytes of Latin-script text).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let pairs = head.len() / 2;
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    if odd * 4 >= pairs && even * 20 <= pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even * 4 >= pairs && odd * 20 <= pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Decodes `bytes` with `enc` (no BOM handling, no replacement characters); a NUL makes it
/// binary.
fn decode_with(
    path: &Path,
    bytes: &[u8],
    enc: &'static encoding_rs::Encoding,
    hint: &str,
) -> Result<String, ArticleError> {
    let text = enc
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| ArticleError::BadEncoding {
            path: path.to_owned(),
            encoding: enc.name(),
            hint: hint.to_owned(),
        })?;
    if let Some(nul) = text.find('\0') {
        let prefix = &text[..nul];
        let (encoded, _, _) = enc.encode(prefix);
        return Err(ArticleError::Binary {
            path: path.to_owned(),
            offset: if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                prefix.encode_utf16().count() * 2
            } else {
                encoded.len()
            },
        });
    }
    Ok(text.into_owned())
}

/// Decodes UTF-8 (with or without BOM) and UTF-16 with a BOM.
fn decode_unicode(path: &Path, bytes: &[u8]) -> Result<(String, Encoding), ArticleError> {
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
        // Forced UTF-8 still refuses what is not UTF-8, with the offset.
        let utf8 = LoadOptions {
            encoding: encoding_for_label("utf-8"),
            ..LoadOptions::default()
        };
        let e = Article::from_bytes(Path::new("bad.txt"), b"ok \xC3\x28 no", &utf8)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("bad.txt") && e.contains("UTF-8") && e.contains("offset 3"),
            "{e}"
        );
        let e = art("bin.txt", b"PK\x03\x04\x00\x00")
            .unwrap_err()
            .to_string();
        assert!(e.contains("binary") && e.contains("offset 4"), "{e}");
        let small = LoadOptions {
            max_bytes: 4,
            ..LoadOptions::default()
        };
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
    fn legacy_encodings_are_detected_or_forced() {
        // "Café — naïve" in Windows-1252: é E9, — 97, ï EF.
        let bytes = b"Le caf\xE9 \x97 na\xEFve, d\xE9j\xE0 vu. R\xE9sum\xE9 \xE0 la fran\xE7aise.";
        let a = art("w.txt", bytes).unwrap();
        assert_eq!(a.encoding, Encoding::Other(encoding_rs::WINDOWS_1252));
        assert!(a.encoding_guessed);
        assert_eq!(
            a.text.as_str(),
            "Le café — naïve, déjà vu. Résumé à la française."
        );
        assert_eq!(a.encoding.sidecar_label().as_deref(), Some("windows-1252"));
        assert_eq!(a.encoding_label(), "windows-1252 (detected)");
        assert!(a.warnings.iter().any(|w| w.contains("windows-1252")));
        // Forced: ISO-8859-2 reads E8 as č.
        let forced = LoadOptions {
            encoding: encoding_for_label("latin2"),
            ..LoadOptions::default()
        };
        let a = Article::from_bytes(Path::new("p.txt"), b"\xE8esky", &forced).unwrap();
        assert_eq!((a.text.as_str(), a.encoding_guessed), ("česky", false));
        assert_eq!(a.encoding.sidecar_label().as_deref(), Some("iso-8859-2"));
        // UTF-8 stays UTF-8 and records nothing.
        let a = art("u.txt", "café".as_bytes()).unwrap();
        assert_eq!(a.encoding.sidecar_label(), None);
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let text = "Zoë said: \u{201C}hello\u{201D}.\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let a = art("le.txt", &le).unwrap();
        assert_eq!(a.text.as_str(), text);
        assert_eq!(a.encoding.label(), "utf-16le");
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let a = art("be.txt", &be).unwrap();
        assert_eq!(a.text.as_str(), text);
        assert_eq!(a.encoding.label(), "utf-16be");
        // Zero bytes in the UTF-16 pattern but a lone surrogate: said what it likely is.
        let mut bad = le.repeat(3);
        bad.extend([0x00, 0xD8, 0x41, 0x00]);
        let e = art("bad16.txt", &bad).unwrap_err().to_string();
        assert!(
            e.contains("UTF-16LE") && e.contains("byte order mark"),
            "{e}"
        );
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
