//! Offsets: the unit contract of Tagline.
//!
//! Every offset Tagline stores or exchanges is a count of Unicode scalar values (what Python's
//! `str` indexes) into the article's full decoded text, BOM excluded; ranges are half-open
//! `[start, end)`. Rust strings are indexed by UTF-8 bytes and egui and most web tools count
//! UTF-16 code units, so [`TextIndex`] converts between the three units in O(1) (chars → bytes,
//! chars → UTF-16) or O(log n) (bytes → chars, UTF-16 → chars) per lookup.

use std::fmt;

/// A half-open range `[start, end)` measured in Unicode scalar values (chars).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CharRange {
    /// First char covered.
    pub start: usize,
    /// One past the last char covered.
    pub end: usize,
}

impl CharRange {
    /// A range from `start` to `end`; the caller guarantees `start <= end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// Number of chars covered.
    pub const fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// `true` when the range covers nothing.
    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// `true` when `offset` lies inside `[start, end)`.
    pub const fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// `true` when the two ranges share at least one char.
    pub const fn overlaps(&self, other: &CharRange) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The shared part of two ranges, if any.
    pub fn intersection(&self, other: &CharRange) -> Option<CharRange> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start < end).then_some(CharRange { start, end })
    }
}

impl fmt::Display for CharRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.start, self.end)
    }
}

/// How many chars lie between two checkpoints of a [`TextIndex`].
const STRIDE: usize = 64;

/// Converts offsets between chars, UTF-8 bytes and UTF-16 code units for one text.
///
/// It keeps the byte and UTF-16 position of every 64th char, so a char→byte lookup is a table
/// read plus a scan of at most 63 chars, and a byte→char lookup a binary search plus the same
/// scan. Pure-ASCII texts skip the tables altogether.
#[derive(Clone, Debug, Default)]
pub struct TextIndex {
    chars: usize,
    bytes: usize,
    utf16: usize,
    /// `None` when every unit coincides (the text is ASCII).
    tables: Option<Tables>,
}

#[derive(Clone, Debug, Default)]
struct Tables {
    /// Byte offset of char `k * STRIDE`.
    byte_at: Vec<usize>,
    /// UTF-16 offset of char `k * STRIDE`.
    utf16_at: Vec<usize>,
}

impl TextIndex {
    /// Builds the index of `text` in one pass.
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return Self {
                chars: text.len(),
                bytes: text.len(),
                utf16: text.len(),
                tables: None,
            };
        }
        let mut byte_at = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut utf16_at = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut chars = 0;
        let mut utf16 = 0;
        for (byte, c) in text.char_indices() {
            if chars % STRIDE == 0 {
                byte_at.push(byte);
                utf16_at.push(utf16);
            }
            chars += 1;
            utf16 += c.len_utf16();
        }
        Self {
            chars,
            bytes: text.len(),
            utf16,
            tables: Some(Tables { byte_at, utf16_at }),
        }
    }

    /// Length of the text in chars.
    pub fn len_chars(&self) -> usize {
        self.chars
    }

    /// Length of the text in UTF-8 bytes.
    pub fn len_bytes(&self) -> usize {
        self.bytes
    }

    /// Length of the text in UTF-16 code units.
    pub fn len_utf16(&self) -> usize {
        self.utf16
    }

    /// Byte offset of char `char_offset`; `None` past the end. `len_chars()` maps to `len_bytes()`.
    pub fn char_to_byte(&self, text: &str, char_offset: usize) -> Option<usize> {
        if char_offset > self.chars {
            return None;
        }
        let Some(t) = &self.tables else {
            return Some(char_offset);
        };
        if char_offset == self.chars {
            return Some(self.bytes);
        }
        let k = char_offset / STRIDE;
        let base = t.byte_at[k];
        let rest = char_offset - k * STRIDE;
        text[base..].char_indices().nth(rest).map(|(b, _)| base + b)
    }

    /// Char offset of byte `byte_offset`; `None` past the end or inside a char's encoding.
    pub fn byte_to_char(&self, text: &str, byte_offset: usize) -> Option<usize> {
        if byte_offset > self.bytes || !text.is_char_boundary(byte_offset) {
            return None;
        }
        let Some(t) = &self.tables else {
            return Some(byte_offset);
        };
        let k = t.byte_at.partition_point(|&b| b <= byte_offset) - 1;
        Some(k * STRIDE + text[t.byte_at[k]..byte_offset].chars().count())
    }

    /// UTF-16 offset of char `char_offset`; `None` past the end.
    pub fn char_to_utf16(&self, text: &str, char_offset: usize) -> Option<usize> {
        if char_offset > self.chars {
            return None;
        }
        let Some(t) = &self.tables else {
            return Some(char_offset);
        };
        if char_offset == self.chars {
            return Some(self.utf16);
        }
        let k = char_offset / STRIDE;
        let rest = char_offset - k * STRIDE;
        let extra: usize = text[t.byte_at[k]..]
            .chars()
            .take(rest)
            .map(char::len_utf16)
            .sum();
        Some(t.utf16_at[k] + extra)
    }

    /// Char offset of UTF-16 unit `utf16_offset`; `None` past the end or between the two halves
    /// of a surrogate pair.
    pub fn utf16_to_char(&self, text: &str, utf16_offset: usize) -> Option<usize> {
        if utf16_offset > self.utf16 {
            return None;
        }
        let Some(t) = &self.tables else {
            return Some(utf16_offset);
        };
        let k = t.utf16_at.partition_point(|&u| u <= utf16_offset) - 1;
        let mut u = t.utf16_at[k];
        let mut c = k * STRIDE;
        for ch in text[t.byte_at[k]..].chars() {
            if u >= utf16_offset {
                break;
            }
            u += ch.len_utf16();
            c += 1;
        }
        (u == utf16_offset).then_some(c)
    }

    /// Converts a char range into a byte range; `None` if either end is past the text.
    pub fn char_range_to_bytes(&self, text: &str, r: CharRange) -> Option<std::ops::Range<usize>> {
        Some(self.char_to_byte(text, r.start)?..self.char_to_byte(text, r.end)?)
    }
}

/// A text together with its [`TextIndex`]: the form in which articles hold their content.
#[derive(Clone, Debug, Default)]
pub struct IndexedText {
    text: String,
    index: TextIndex,
}

impl IndexedText {
    /// Indexes `text`.
    pub fn new(text: String) -> Self {
        let index = TextIndex::new(&text);
        Self { text, index }
    }

    /// The whole text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The offset index.
    pub fn index(&self) -> &TextIndex {
        &self.index
    }

    /// Length in chars.
    pub fn len_chars(&self) -> usize {
        self.index.len_chars()
    }

    /// `true` for the empty text.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text covered by `range`, or `None` when it reaches past the end or is reversed.
    pub fn slice(&self, range: CharRange) -> Option<&str> {
        if range.start > range.end {
            return None;
        }
        let bytes = self.index.char_range_to_bytes(&self.text, range)?;
        Some(&self.text[bytes])
    }

    /// Byte offset of a char offset (see [`TextIndex::char_to_byte`]).
    pub fn char_to_byte(&self, char_offset: usize) -> Option<usize> {
        self.index.char_to_byte(&self.text, char_offset)
    }

    /// Char offset of a byte offset (see [`TextIndex::byte_to_char`]).
    pub fn byte_to_char(&self, byte_offset: usize) -> Option<usize> {
        self.index.byte_to_char(&self.text, byte_offset)
    }

    /// UTF-16 offset of a char offset (see [`TextIndex::char_to_utf16`]).
    pub fn char_to_utf16(&self, char_offset: usize) -> Option<usize> {
        self.index.char_to_utf16(&self.text, char_offset)
    }

    /// Char offset of a UTF-16 offset (see [`TextIndex::utf16_to_char`]).
    pub fn utf16_to_char(&self, utf16_offset: usize) -> Option<usize> {
        self.index.utf16_to_char(&self.text, utf16_offset)
    }

    /// The byte range of `range`, both ends clamped to the text.
    pub fn char_range_to_bytes_clamped(&self, range: CharRange) -> std::ops::Range<usize> {
        let n = self.len_chars();
        let start = self
            .char_to_byte(range.start.min(n))
            .unwrap_or(self.text.len());
        let end = self
            .char_to_byte(range.end.min(n))
            .unwrap_or(self.text.len());
        start..end.max(start)
    }

    /// Up to `n` chars immediately before char `at` (clamped to the text).
    pub fn before(&self, at: usize, n: usize) -> &str {
        let at = at.min(self.len_chars());
        self.slice(CharRange::new(at.saturating_sub(n), at))
            .unwrap_or("")
    }

    /// Up to `n` chars starting at char `at` (clamped to the text).
    pub fn after(&self, at: usize, n: usize) -> &str {
        let at = at.min(self.len_chars());
        let end = (at + n).min(self.len_chars());
        self.slice(CharRange::new(at, end)).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_all(text: &str) {
        let idx = TextIndex::new(text);
        assert_eq!(idx.len_chars(), text.chars().count());
        assert_eq!(idx.len_utf16(), text.encode_utf16().count());
        let mut u = 0;
        for (c, (b, ch)) in text.char_indices().enumerate() {
            assert_eq!(idx.char_to_byte(text, c), Some(b), "char {c} of {text:?}");
            assert_eq!(idx.byte_to_char(text, b), Some(c));
            assert_eq!(idx.char_to_utf16(text, c), Some(u));
            assert_eq!(idx.utf16_to_char(text, u), Some(c));
            if ch.len_utf16() == 2 {
                assert_eq!(
                    idx.utf16_to_char(text, u + 1),
                    None,
                    "inside a surrogate pair"
                );
            }
            for inner in 1..ch.len_utf8() {
                assert_eq!(idx.byte_to_char(text, b + inner), None);
            }
            u += ch.len_utf16();
        }
        let n = idx.len_chars();
        assert_eq!(idx.char_to_byte(text, n), Some(text.len()));
        assert_eq!(idx.byte_to_char(text, text.len()), Some(n));
        assert_eq!(idx.char_to_utf16(text, n), Some(u));
        assert_eq!(idx.utf16_to_char(text, u), Some(n));
        assert_eq!(idx.char_to_byte(text, n + 1), None);
        assert_eq!(idx.utf16_to_char(text, u + 1), None);
    }

    #[test]
    fn ascii_and_mixed_scripts() {
        check_all("");
        check_all("plain ascii text");
        check_all("“Curly” — em dash, NBSP\u{a0}here, 3×4, emoji 👩‍💻 and 李明 said.");
        let long: String = "ab😀c李\r\n".repeat(500);
        check_all(&long);
    }

    #[test]
    fn slices_and_context() {
        let t = IndexedText::new("héllo 😀 wörld".to_owned());
        assert_eq!(t.slice(CharRange::new(6, 7)), Some("😀"));
        assert_eq!(t.slice(CharRange::new(8, 13)), Some("wörld"));
        assert_eq!(t.slice(CharRange::new(8, 14)), None);
        assert_eq!(t.before(7, 3), "o 😀");
        assert_eq!(t.after(12, 5), "d");
    }

    proptest! {
        #[test]
        fn conversions_round_trip(text in any::<String>()) {
            check_all(&text);
        }

        #[test]
        fn conversions_round_trip_wide(text in "[a-z😀李é\u{a0}\r\n ]{0,400}") {
            check_all(&text);
        }
    }
}
