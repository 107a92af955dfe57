//! A tiny test language for annotated text, both ways (as helix-core's `test.rs` has for
//! selections): `"He said “[quote yes]” to [claim the [sourcing mayor]]."` is the text
//! `He said “yes” to the mayor.` with a quote, a claim and a sourcing span nested inside it.
//!
//! `[TAG ` opens a span and `]` closes the innermost open one; ranges count chars of the text
//! without the markup (the offset contract). Spans may nest but not cross. For tests of formats,
//! agreement and grading: write the expected annotations inline, or render what came out.
//!
//! Only built for tests (`cfg(test)` or the `test-support` feature): not part of the product.

use crate::core::{CharRange, Document, Status};

/// Parses `markup` into its text and `(tag, range)` spans, in the order they open.
///
/// # Panics
/// On a `]` with no open span or a span left open: the markup is a test's own input.
pub fn parse(markup: &str) -> (String, Vec<(String, CharRange)>) {
    let mut text = String::new();
    let mut spans: Vec<(String, CharRange)> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut chars = markup.chars();
    let mut n = 0;
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                let tag: String = chars.by_ref().take_while(|&c| c != ' ').collect();
                open.push(spans.len());
                spans.push((tag, CharRange::new(n, n)));
            }
            ']' => {
                let Some(k) = open.pop() else {
                    panic!("`]` without `[` in {markup:?}");
                };
                spans[k].1 = CharRange::new(spans[k].1.start, n);
            }
            c => {
                text.push(c);
                n += 1;
            }
        }
    }
    assert!(open.is_empty(), "unclosed span in {markup:?}");
    (text, spans)
}

/// Renders `text` with `spans` as markup: the inverse of [`parse`] for spans that nest.
///
/// # Panics
/// When two spans cross (neither contains the other) or a span is outside the text.
pub fn render(text: &str, spans: &[(String, CharRange)]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut order: Vec<&(String, CharRange)> = spans.iter().collect();
    // Outer spans open first: by start, then the longer first.
    order.sort_by_key(|(_, r)| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut at = 0;
    let close_until = |out: &mut String, stack: &mut Vec<usize>, at: &mut usize, upto: usize| {
        while let Some(&end) = stack.last() {
            if end > upto {
                break;
            }
            out.extend(&chars[*at..end]);
            *at = end;
            out.push(']');
            stack.pop();
        }
    };
    for (tag, r) in order {
        assert!(r.end <= chars.len(), "span {r:?} is outside the text");
        close_until(&mut out, &mut stack, &mut at, r.start);
        if let Some(&end) = stack.last() {
            assert!(
                r.end <= end,
                "spans cross at {r:?}: markup cannot show that"
            );
        }
        out.extend(&chars[at..r.start]);
        at = r.start;
        out.push('[');
        out.push_str(tag);
        out.push(' ');
        stack.push(r.end);
    }
    close_until(&mut out, &mut stack, &mut at, usize::MAX);
    out.extend(&chars[at..]);
    out
}

/// The markup of a document's annotations that hold their text (orphans left out).
pub fn render_document(doc: &Document) -> String {
    let spans: Vec<(String, CharRange)> = doc
        .annotations()
        .iter()
        .filter(|a| a.status != Some(Status::Orphaned))
        .map(|a| (a.tag.clone(), a.range))
        .collect();
    render(doc.article.text.as_str(), &spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders_nested_spans() {
        let m = "He said “[quote yes]” to [claim the [sourcing mayor 李]] 🎉.";
        let (text, spans) = parse(m);
        assert_eq!(text, "He said “yes” to the mayor 李 🎉.");
        assert_eq!(spans[0], ("quote".into(), CharRange::new(9, 12)));
        assert_eq!(spans[1], ("claim".into(), CharRange::new(17, 28)));
        assert_eq!(spans[2], ("sourcing".into(), CharRange::new(21, 28)));
        assert_eq!(render(&text, &spans), m);
    }

    #[test]
    fn renders_adjacent_and_empty_text() {
        let (text, spans) = parse("[a x][b y]");
        assert_eq!(render(&text, &spans), "[a x][b y]");
        assert_eq!(render("", &[]), "");
    }

    #[test]
    #[should_panic(expected = "cross")]
    fn refuses_crossing_spans() {
        render(
            "abcd",
            &[
                ("a".into(), CharRange::new(0, 2)),
                ("b".into(), CharRange::new(1, 3)),
            ],
        );
    }
}
