//! Typographic normalisation for matching: the same words typed differently compare equal.
//!
//! - quote marks: `‘ ’ ‚ ‛ ′ ‵ ` ´` → `'`; `“ ” „ ‟ ″ « »` → `"`;
//! - dashes and minus signs: `‐ ‑ ‒ – — ― − ⁃` → `-`;
//! - whitespace: every run of whitespace (spaces, no-break spaces, tabs, CR, LF, line and
//!   paragraph separators) → one space, so CRLF, CR and LF line endings compare equal;
//! - invisible chars are dropped: zero-width space and joiners, word joiner, soft hyphen, BOM.
//!
//! Case, letters and other punctuation are left alone. [`Normalized`] keeps, for every char of
//! the normalised text, the char of the original it came from, so a match found in normalised
//! text maps back to original offsets.

use crate::core::text::offsets::{CharRange, IndexedText};

/// What `c` becomes: `None` when it is dropped; whitespace is reported as `' '` (runs are
/// collapsed by the callers).
pub fn normalize_char(c: char) -> Option<char> {
    Some(match c {
        '‘' | '’' | '‚' | '‛' | '′' | '‵' | '`' | '´' => '\'',
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => '"',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '⁃' => '-',
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{00AD}' | '\u{FEFF}' => return None,
        c if c.is_whitespace() => ' ',
        c => c,
    })
}

/// `s` normalised (see the module docs).
pub fn normalize_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        match normalize_char(c) {
            None => {}
            Some(' ') => {
                if !space {
                    out.push(' ');
                }
                space = true;
            }
            Some(n) => {
                out.push(n);
                space = false;
            }
        }
    }
    out
}

/// A normalised text with the way back to the original's offsets.
#[derive(Clone, Debug)]
pub struct Normalized {
    /// The normalised text.
    pub text: IndexedText,
    /// `origin[i]`: the original char that normalised char `i` comes from (for a collapsed
    /// whitespace run, its first char); `origin[len]` is the original's length.
    origin: Vec<u32>,
}

impl Normalized {
    /// Normalises `text`.
    pub fn new(text: &str) -> Self {
        let mut out = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        let mut space = false;
        let mut n = 0u32;
        for c in text.chars() {
            match normalize_char(c) {
                None => {}
                Some(' ') => {
                    if !space {
                        out.push(' ');
                        origin.push(n);
                    }
                    space = true;
                }
                Some(x) => {
                    out.push(x);
                    origin.push(n);
                    space = false;
                }
            }
            n += 1;
        }
        origin.push(n);
        origin.shrink_to_fit();
        Normalized {
            text: IndexedText::new(out),
            origin,
        }
    }

    /// The original range a normalised range covers: from its first char's origin to the end
    /// of its last char (a trailing collapsed space stands for its first original char only).
    pub fn to_original(&self, r: CharRange) -> CharRange {
        let n = self.origin.len() - 1;
        let start = r.start.min(n);
        let end = r.end.min(n).max(start);
        let o_start = self.origin[start] as usize;
        if end == start {
            return CharRange::new(o_start, o_start);
        }
        // The last char is one original char (a collapsed whitespace run counts as its first).
        CharRange::new(o_start, self.origin[end - 1] as usize + 1)
    }

    /// The normalised position of original char `at` (the first normalised char at or after
    /// it).
    pub fn from_original(&self, at: usize) -> usize {
        self.origin.partition_point(|&o| (o as usize) < at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_dashes_whitespace() {
        assert_eq!(
            normalize_str("“It’s — well,\r\n  fine”\u{a0}she said\u{AD}."),
            "\"It's - well, fine\" she said."
        );
    }

    #[test]
    fn maps_back() {
        let s = "A\r\n\r\nsaid “no” — twice";
        let n = Normalized::new(s);
        assert_eq!(n.text.as_str(), "A said \"no\" - twice");
        let at = n.text.as_str().find("\"no\"").unwrap();
        let r = CharRange::new(at, at + 4);
        let o = n.to_original(r);
        let chars: Vec<char> = s.chars().collect();
        let got: String = chars[o.start..o.end].iter().collect();
        assert_eq!(got, "“no”");
        assert_eq!(n.from_original(o.start), at);
    }
}
