//! The one tokeniser the token-based formats (spaCy, CoNLL) share, and its sentence breaks.
//!
//! Rules, in order:
//! 1. The text is cut at Unicode word boundaries (UAX #29, `unicode-segmentation`): a word
//!    with its inner apostrophes, hyphen-free number runs (`7`, `2027`, `48.5`), each
//!    punctuation mark and symbol on its own (`“`, `—`, `£`, `.`), each CJK ideograph on its
//!    own, and an emoji with its modifiers and zero-width joiners as one token.
//! 2. Pieces made only of whitespace are not tokens. Whitespace is what Python's `str.split()`
//!    splits on — Rust's `char::is_whitespace` (which includes NBSP, U+2028 and ideographic
//!    space) plus the separators U+001C–U+001F — so no token ever holds a character a Python
//!    reader would split it at.
//! 3. Offsets are code points into the article's full text, half-open.
//!
//! Sentences (for CoNLL's blank lines) end at a line break, or after a token `.`, `!`, `?` or
//! `…` (and any closing quotes or brackets right after it) followed by whitespace — but never
//! inside an exported span, so no span is cut in two.

use unicode_segmentation::UnicodeSegmentation;

/// One token: its text and code-point range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token's text (a slice of the article).
    pub text: &'a str,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// `true` when a line break lies between this token and the next one (or the text end).
    pub line_break_after: bool,
    /// `true` when the token is followed by exactly one space `' '` and then a token or the
    /// end (spaCy's `whitespace_ == " "`).
    pub space_after: bool,
}

/// `true` for the characters tokens never hold (see the module docs).
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The tokens of `text`, in order.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out: Vec<Token<'_>> = Vec::new();
    let mut chars = 0usize;
    let mut gap = String::new();
    for piece in text.split_word_bounds() {
        let n = piece.chars().count();
        if piece.chars().all(is_space) {
            gap.push_str(piece);
        } else {
            if let Some(prev) = out.last_mut() {
                prev.line_break_after = gap.contains(['\n', '\r', '\u{2028}', '\u{2029}']);
                prev.space_after = gap == " ";
            }
            gap.clear();
            out.push(Token {
                text: piece,
                start: chars,
                end: chars + n,
                line_break_after: false,
                space_after: false,
            });
        }
        chars += n;
    }
    if let Some(prev) = out.last_mut() {
        prev.line_break_after = true;
        prev.space_after = gap == " ";
    }
    out
}

/// The tokens `[first, last)` that cover exactly the code points `start..end`: `None` unless
/// a token starts at `start` and one ends at `end` (the span is on token boundaries).
pub fn token_span(tokens: &[Token<'_>], start: usize, end: usize) -> Option<(usize, usize)> {
    let first = tokens.binary_search_by_key(&start, |t| t.start).ok()?;
    let last = tokens.binary_search_by_key(&end, |t| t.end).ok()?;
    (first <= last).then_some((first, last + 1))
}

/// `true` when token `i` ends a sentence (see the module docs); `inside_span` tells whether
/// the gap after token `i` lies inside an exported span.
pub fn ends_sentence(tokens: &[Token<'_>], i: usize, inside_span: bool) -> bool {
    if inside_span {
        return false;
    }
    let t = &tokens[i];
    if t.line_break_after || i + 1 == tokens.len() {
        return true;
    }
    let closing = |s: &str| matches!(s, "”" | "’" | "\"" | "'" | ")" | "]" | "»" | "」" | "』");
    let stop = |s: &str| matches!(s, "." | "!" | "?" | "…" | "。" | "！" | "？");
    // The gap after `t` is whitespace (tokens are adjacent otherwise).
    let spaced = tokens.get(i + 1).is_some_and(|next| next.start > t.end);
    if !spaced {
        return false;
    }
    let mut j = i;
    while closing(tokens[j].text) && j > 0 && tokens[j - 1].end == tokens[j].start {
        j -= 1;
    }
    stop(tokens[j].text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn words_punctuation_cjk_emoji() {
        assert_eq!(
            texts("“It is a wall,” said 陈静 of the café 🚢 — £48\u{a0}million."),
            [
                "“", "It", "is", "a", "wall", ",", "”", "said", "陈", "静", "of", "the", "café",
                "🚢", "—", "£", "48", "million", "."
            ]
        );
        assert_eq!(
            texts("council’s 7–2 👩‍🔧"),
            ["council’s", "7", "–", "2", "👩‍🔧"]
        );
    }

    #[test]
    fn offsets_are_code_points_and_spaces() {
        let t = tokenize("a 🚢b\r\n\r\nc\u{1f}d ");
        let r: Vec<_> = t.iter().map(|t| (t.text, t.start, t.end)).collect();
        assert_eq!(
            r,
            [
                ("a", 0, 1),
                ("🚢", 2, 3),
                ("b", 3, 4),
                ("c", 8, 9),
                ("d", 10, 11)
            ]
        );
        assert!(t[0].space_after && !t[1].space_after && t[2].line_break_after);
        assert!(t[4].space_after && t[4].line_break_after);
        assert_eq!(token_span(&t, 2, 4), Some((1, 3)));
        assert_eq!(token_span(&t, 1, 4), None);
    }

    #[test]
    fn sentences() {
        let t = tokenize("He said “no.” Then left. Dr. X");
        let ends: Vec<_> = (0..t.len())
            .filter(|&i| ends_sentence(&t, i, false))
            .map(|i| t[i].text)
            .collect();
        // “Dr.” ends a sentence too: the rule is simple and documented.
        assert_eq!(ends, ["”", ".", ".", "X"]);
    }
}
