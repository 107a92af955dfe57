//! Moving through text by words and lines, snapping selections, and searching — in chars.
//!
//! The GUI's caret and mouse selection use these pure functions, so their behaviour is tested
//! here without a window.

use unicode_segmentation::UnicodeSegmentation;

use crate::core::text::offsets::{CharRange, IndexedText};

/// How far around an offset word lookups read, in chars (keeps lookups cheap in huge lines).
const WINDOW: usize = 256;

/// Words (runs with alphanumeric content) in a window around `at`, as absolute char ranges.
fn words_near(text: &IndexedText, at: usize) -> Vec<CharRange> {
    let start = at.saturating_sub(WINDOW);
    let end = (at + WINDOW).min(text.len_chars());
    let Some(slice) = text.slice(CharRange::new(start, end)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut c = start;
    for w in slice.split_word_bounds() {
        let n = w.chars().count();
        if w.chars().any(char::is_alphanumeric) {
            out.push(CharRange::new(c, c + n));
        }
        c += n;
    }
    out
}

/// The word containing char `at` (or touching it from the left), if any.
pub fn word_at(text: &IndexedText, at: usize) -> Option<CharRange> {
    let words = words_near(text, at);
    words
        .iter()
        .find(|w| w.contains(at))
        .or_else(|| words.iter().find(|w| w.end == at))
        .copied()
}

/// Widens a selection to whole words at both ends and trims surrounding white space.
pub fn snap_to_words(text: &IndexedText, range: CharRange) -> CharRange {
    if range.is_empty() {
        return word_at(text, range.start).unwrap_or(range);
    }
    let mut start = range.start;
    let mut end = range.end;
    if let Some(w) = words_near(text, start)
        .into_iter()
        .find(|w| w.contains(start))
    {
        start = w.start;
    }
    if let Some(w) = words_near(text, end - 1)
        .into_iter()
        .find(|w| w.contains(end - 1))
    {
        end = w.end;
    }
    trim_whitespace(text, CharRange::new(start, end))
}

/// Removes white space at both ends of a range.
pub fn trim_whitespace(text: &IndexedText, range: CharRange) -> CharRange {
    let Some(s) = text.slice(range) else {
        return range;
    };
    let lead = s.chars().take_while(|c| c.is_whitespace()).count();
    if lead == range.len() {
        return CharRange::new(range.start, range.start);
    }
    let trail = s.chars().rev().take_while(|c| c.is_whitespace()).count();
    CharRange::new(range.start + lead, range.end - trail)
}

/// `true` for the characters a selection is trimmed of at its ends, as mouse snapping leaves
/// them out: white space, quotation marks, brackets, dashes and `, ; : ! ?`. A full stop stays
/// (abbreviations, "U.S.", "4.5").
pub fn is_edge_punctuation(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\''
                | '“'
                | '”'
                | '„'
                | '‘'
                | '’'
                | '«'
                | '»'
                | '‹'
                | '›'
                | '「'
                | '」'
                | '『'
                | '』'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | ','
                | ';'
                | ':'
                | '!'
                | '?'
                | '—'
                | '–'
                | '-'
        )
}

/// Removes white space and edge punctuation ([`is_edge_punctuation`]) at both ends of a
/// range: a keyboard selection "“now is the time,” " becomes "now is the time".
pub fn trim_edges(text: &IndexedText, range: CharRange) -> CharRange {
    let Some(s) = text.slice(range) else {
        return range;
    };
    let lead = s.chars().take_while(|c| is_edge_punctuation(*c)).count();
    if lead == range.len() {
        return CharRange::new(range.start, range.start);
    }
    let trail = s
        .chars()
        .rev()
        .take_while(|c| is_edge_punctuation(*c))
        .count();
    CharRange::new(range.start + lead, range.end - trail)
}

/// The start of the next word after `at` (Ctrl+Right), or the end of the text.
pub fn next_word_start(text: &IndexedText, at: usize) -> usize {
    let mut pos = at;
    loop {
        let words = words_near(text, pos);
        if let Some(w) = words.iter().find(|w| w.start > at) {
            return w.start;
        }
        let window_end = (pos + WINDOW).min(text.len_chars());
        if window_end >= text.len_chars() {
            return text.len_chars();
        }
        pos = window_end;
    }
}

/// The start of the word before `at` (Ctrl+Left), or 0.
pub fn prev_word_start(text: &IndexedText, at: usize) -> usize {
    let mut pos = at;
    loop {
        let words = words_near(text, pos);
        if let Some(w) = words.iter().rev().find(|w| w.start < at) {
            return w.start;
        }
        if pos <= WINDOW {
            return 0;
        }
        pos -= WINDOW;
    }
}

/// The end of the first word that ends after `at` (growing a span's end by a word), or the
/// end of the text.
pub fn next_word_end(text: &IndexedText, at: usize) -> usize {
    let mut pos = at;
    loop {
        let words = words_near(text, pos);
        if let Some(w) = words.iter().find(|w| w.end > at) {
            return w.end;
        }
        let window_end = (pos + WINDOW).min(text.len_chars());
        if window_end >= text.len_chars() {
            return text.len_chars();
        }
        pos = window_end;
    }
}

/// The end of the last word that ends before `at` (shrinking a span's end by a word), or 0.
pub fn prev_word_end(text: &IndexedText, at: usize) -> usize {
    let mut pos = at;
    loop {
        let words = words_near(text, pos);
        if let Some(w) = words.iter().rev().find(|w| w.end < at) {
            return w.end;
        }
        if pos <= WINDOW {
            return 0;
        }
        pos -= WINDOW;
    }
}

/// Opening quotation marks and the closing marks that end them.
const QUOTE_PAIRS: &[(char, &[char])] = &[
    ('“', &['”', '“']),
    ('„', &['“', '”']),
    ('«', &['»']),
    ('»', &['«']),
    ('‹', &['›']),
    ('「', &['」']),
    ('『', &['』']),
    ('"', &['"']),
    ('‘', &['’']),
];

/// `true` for a mark that opens or closes a quotation (any style of [`next_quotation`]).
pub fn is_quotation_mark(c: char) -> bool {
    QUOTE_PAIRS
        .iter()
        .any(|(open, closers)| *open == c || closers.contains(&c))
}

/// Quotations are searched this far ahead of the caret, and a quotation this long at most.
const QUOTE_LOOKAHEAD: usize = 20_000;
const QUOTE_MAX_CHARS: usize = 4_000;

/// A quotation found in the text: where its marks are and what they enclose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quotation {
    /// The opening mark.
    pub open: usize,
    /// The closing mark (the quotation ends at `close + 1`).
    pub close: usize,
    /// The text between the marks, white space trimmed.
    pub inner: CharRange,
}

/// The next quotation starting at or after `at`: the text between a quotation mark and its
/// closing mark, marks excluded and white space trimmed (as mouse snapping leaves a quote).
/// A `'`-style single quote counts only where it opens a word (not an apostrophe). `None` when
/// no quotation opens after `at`.
pub fn next_quotation(text: &IndexedText, at: usize) -> Option<CharRange> {
    next_quotation_marks(text, at).map(|q| q.inner)
}

/// [`next_quotation`] with the positions of its marks, so a caller walking through every
/// quotation goes on after the closing mark (a French `»` that closes one quotation must not
/// open the next). A `‘` right after a letter, and a `’` between two letters (`don’t`), are
/// apostrophes: they neither open nor close a quotation. Quotations nested inside another are
/// part of it.
pub fn next_quotation_marks(text: &IndexedText, at: usize) -> Option<Quotation> {
    let end = (at + QUOTE_LOOKAHEAD).min(text.len_chars());
    let s = text.slice(CharRange::new(at.min(end), end))?;
    let chars: Vec<char> = s.chars().collect();
    let before = (at > 0)
        .then(|| text.slice(CharRange::new(at - 1, at)))
        .flatten()
        .and_then(|p| p.chars().next());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let Some((_, closers)) = QUOTE_PAIRS.iter().find(|(o, _)| *o == c) else {
            i += 1;
            continue;
        };
        let prev = if i == 0 { before } else { Some(chars[i - 1]) };
        // ‘ after a letter is an apostrophe, not a quotation.
        if c == '‘' && prev.is_some_and(char::is_alphanumeric) {
            i += 1;
            continue;
        }
        let limit = chars.len().min(i + 1 + QUOTE_MAX_CHARS);
        let close = (i + 1..limit).find(|&k| {
            let x = chars[k];
            let apostrophe = x == '’'
                && chars[k - 1].is_alphanumeric()
                && chars.get(k + 1).is_some_and(|n| n.is_alphanumeric());
            closers.contains(&x) && !apostrophe
        });
        if let Some(k) = close {
            let inner = CharRange::new(at + i + 1, at + k);
            let trimmed = trim_whitespace(text, inner);
            if !trimmed.is_empty() {
                return Some(Quotation {
                    open: at + i,
                    close: at + k,
                    inner: trimmed,
                });
            }
            i = k + 1;
            continue;
        }
        i += 1;
    }
    None
}

/// The start of the line holding `at` (after the previous LF or CR).
pub fn line_start(text: &IndexedText, at: usize) -> usize {
    let b = text.char_to_byte(at.min(text.len_chars())).unwrap_or(0);
    match text.as_str()[..b].rfind(['\n', '\r']) {
        Some(i) => text.byte_to_char(i + 1).unwrap_or(0),
        None => 0,
    }
}

/// The end of the line holding `at` (before its LF, CR or CRLF).
pub fn line_end(text: &IndexedText, at: usize) -> usize {
    let s = text.as_str();
    let b = text
        .char_to_byte(at.min(text.len_chars()))
        .unwrap_or(s.len());
    match s[b..].find(['\n', '\r']) {
        Some(i) => text.byte_to_char(b + i).unwrap_or(text.len_chars()),
        None => text.len_chars(),
    }
}

/// How [`find`] compares letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// Char for char (`--quote`, anchoring).
    Exact,
    /// ASCII letters match either case (the window's Find).
    IgnoreAscii,
}

/// The one text search: every occurrence of `query` inside `within` (clamped to the text), in
/// order, overlapping ones included (`aa` is found twice in `aaa`). Empty queries find
/// nothing. Offsets are chars; the walk is linear in the bytes searched.
pub fn find<'a>(
    text: &'a IndexedText,
    query: &'a str,
    within: CharRange,
    case: Case,
) -> Matches<'a> {
    let bytes = text.char_range_to_bytes_clamped(within);
    Matches {
        text,
        query,
        query_chars: query.chars().count(),
        byte: bytes.start,
        char: within.start.min(text.len_chars()),
        end: bytes.end,
        case,
    }
}

/// The `nth` occurrence (1-based) of `query` in the whole text, matched exactly: what
/// `tagline add --quote TEXT --nth N` tags.
pub fn find_nth(text: &IndexedText, query: &str, nth: usize) -> Option<CharRange> {
    let whole = CharRange::new(0, text.len_chars());
    find(text, query, whole, Case::Exact).nth(nth.checked_sub(1)?)
}

/// Every occurrence of `query` (case-insensitive for ASCII letters), at most `limit`.
pub fn find_all(text: &IndexedText, query: &str, limit: usize) -> Vec<CharRange> {
    let whole = CharRange::new(0, text.len_chars());
    find(text, query, whole, Case::IgnoreAscii)
        .take(limit)
        .collect()
}

/// The occurrences [`find`] walks through.
#[derive(Clone, Debug)]
pub struct Matches<'a> {
    text: &'a IndexedText,
    query: &'a str,
    query_chars: usize,
    /// Where the search goes on, in bytes and in chars.
    byte: usize,
    char: usize,
    /// Byte end of the searched window.
    end: usize,
    case: Case,
}

impl Iterator for Matches<'_> {
    type Item = CharRange;

    fn next(&mut self) -> Option<CharRange> {
        let first = self.query.chars().next()?;
        let s = self.text.as_str();
        match self.case {
            Case::Exact => {
                let at = self.byte + s.get(self.byte..self.end)?.find(self.query)?;
                let start = self.text.byte_to_char(at)?;
                // One char on, so overlapping repeats are found too.
                self.byte = at + s[at..].chars().next().map_or(1, char::len_utf8);
                Some(CharRange::new(start, start + self.query_chars))
            }
            Case::IgnoreAscii => {
                // Walk by chars with a running char count; compare lazily.
                let first = first.to_ascii_lowercase();
                while self.byte < self.end {
                    let (b, c) = (self.byte, self.char);
                    let ch = s[b..].chars().next()?;
                    self.byte += ch.len_utf8();
                    self.char += 1;
                    if ch.to_ascii_lowercase() == first {
                        let mut it = s[b..self.end].chars();
                        if self
                            .query
                            .chars()
                            .all(|qc| it.next().is_some_and(|tc| tc.eq_ignore_ascii_case(&qc)))
                        {
                            return Some(CharRange::new(c, c + self.query_chars));
                        }
                    }
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> IndexedText {
        IndexedText::new(s.to_owned())
    }

    #[test]
    fn words_and_snapping() {
        let x = t("He said “now is the time” — 李明, 2020 😀 ok");
        assert_eq!(word_at(&x, 4), Some(CharRange::new(3, 7)));
        assert_eq!(x.slice(word_at(&x, 9).unwrap()), Some("now"));
        // A sloppy drag from inside "said" to inside "time" snaps to whole words.
        let snapped = snap_to_words(&x, CharRange::new(5, 22));
        assert_eq!(x.slice(snapped), Some("said “now is the time"));
        // Leading/trailing spaces are trimmed.
        assert_eq!(
            x.slice(snap_to_words(&x, CharRange::new(2, 8))),
            Some("said")
        );
        let li = x.as_str().chars().position(|c| c == '李').unwrap();
        assert!(x.slice(word_at(&x, li).unwrap()).unwrap().starts_with('李'));
    }

    #[test]
    fn word_and_line_motion() {
        let x = t("one two\r\nthree  four");
        assert_eq!(next_word_start(&x, 0), 4);
        assert_eq!(next_word_start(&x, 4), 9);
        assert_eq!(next_word_start(&x, 16), x.len_chars());
        assert_eq!(prev_word_start(&x, 9), 4);
        assert_eq!(prev_word_start(&x, 3), 0);
        assert_eq!(line_start(&x, 12), 9);
        assert_eq!(line_end(&x, 2), 7);
        assert_eq!(line_end(&x, 12), x.len_chars());
        let cr = t("a\rbc\rd");
        assert_eq!((line_start(&cr, 3), line_end(&cr, 3)), (2, 4));
    }

    #[test]
    fn search_is_ascii_case_insensitive_and_in_chars() {
        let x = t("IBM 😀 ibm Ibm iBm");
        let hits = find_all(&x, "ibm", 10);
        assert_eq!(
            hits.iter().map(|r| r.start).collect::<Vec<_>>(),
            [0, 6, 10, 14]
        );
        assert_eq!(find_all(&x, "ibm", 2).len(), 2);
        assert!(find_all(&x, "", 10).is_empty());
    }

    #[test]
    fn word_ends_step_over_spaces_and_punctuation() {
        let t = IndexedText::new("He said, “no way” today.".to_owned());
        // From the end of "He": the next word end is the end of "said" (punctuation skipped).
        assert_eq!(next_word_end(&t, 2), 7);
        assert_eq!(next_word_end(&t, 7), 12);
        assert_eq!(prev_word_end(&t, 12), 7);
        assert_eq!(prev_word_end(&t, 2), 0);
        assert_eq!(next_word_end(&t, 23), 24.min(t.len_chars()));
    }

    #[test]
    fn next_quotation_skips_marks_and_apostrophes() {
        let x = t("He said “now is the time” and « oui » — it’s ‘fine’.");
        let q = next_quotation(&x, 0).unwrap();
        assert_eq!(x.slice(q), Some("now is the time"));
        let q2 = next_quotation(&x, q.end + 1).unwrap();
        assert_eq!(x.slice(q2), Some("oui"));
        let q3 = next_quotation(&x, q2.end + 1).unwrap();
        assert_eq!(x.slice(q3), Some("fine"));
        assert_eq!(next_quotation(&x, q3.end + 1), None);
    }

    #[test]
    fn quotation_marks_and_apostrophes_inside() {
        let x = t("‘We can’t stay,’ she said. « Non » et « oui ».");
        let q = next_quotation_marks(&x, 0).unwrap();
        assert_eq!(x.slice(q.inner), Some("We can’t stay,"));
        assert_eq!((q.open, q.close), (0, 15));
        let q2 = next_quotation_marks(&x, q.close + 1).unwrap();
        assert_eq!(x.slice(q2.inner), Some("Non"));
        // Going on after the closing » finds « oui », not » et «.
        let q3 = next_quotation_marks(&x, q2.close + 1).unwrap();
        assert_eq!(x.slice(q3.inner), Some("oui"));
    }

    #[test]
    fn find_is_exact_or_ascii_blind_overlapping_and_windowed() {
        let x = t("aaa 😀 Aa aa");
        let exact: Vec<_> = find(&x, "aa", CharRange::new(0, 11), Case::Exact)
            .map(|r| r.start)
            .collect();
        assert_eq!(exact, [0, 1, 9]);
        let blind: Vec<_> = find(&x, "aa", CharRange::new(0, 11), Case::IgnoreAscii)
            .map(|r| r.start)
            .collect();
        assert_eq!(blind, [0, 1, 6, 9]);
        // A window holds whole matches only.
        let inside: Vec<_> = find(&x, "aa", CharRange::new(1, 10), Case::Exact)
            .map(|r| r.start)
            .collect();
        assert_eq!(inside, [1]);
        assert_eq!(find_nth(&x, "aa", 3), Some(CharRange::new(9, 11)));
        assert_eq!(find_nth(&x, "aa", 4), None);
        assert_eq!(find_nth(&x, "aa", 0), None);
        assert_eq!(find_nth(&x, "", 1), None);
    }

    #[test]
    fn trim_edges_drops_marks_and_spaces_but_keeps_full_stops() {
        let x = t(" “now is the time,” said the U.S. ");
        let all = CharRange::new(0, x.len_chars());
        assert_eq!(
            x.slice(trim_edges(&x, all)),
            Some("now is the time,” said the U.S.")
        );
        let q = CharRange::new(0, 20);
        assert_eq!(x.slice(trim_edges(&x, q)), Some("now is the time"));
        assert!(trim_edges(&x, CharRange::new(0, 2)).is_empty());
    }
}
