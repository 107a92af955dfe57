//! Sources as people and organisations, not strings: which canonical names (`entity`) already
//! used in a folder a new sourcing span probably means.
//!
//! "IBM CEO Arvind Krishna" names the entity "Arvind Krishna" (its words appear in the span,
//! in order); "Krishna" and "Mr Krishna" refer to it (every capitalised word of the span is one
//! of the entity's, titles aside). Matching is by words, ignoring case and punctuation, so
//! "Krishna's" still finds "Arvind Krishna".

use std::collections::BTreeSet;

/// Titles that precede a name and are not part of it.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "president",
    "minister",
    "senator",
    "mayor",
    "judge",
    "chief",
    "ceo",
    "gen",
    "general",
];

/// The words of `text`, lowercased, with a possessive `'s` dropped.
fn words(text: &str) -> Vec<(String, bool)> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w
                .trim_end_matches("'s")
                .trim_end_matches("’s")
                .trim_matches(|c| c == '\'' || c == '’' || c == '-');
            let capital = w.chars().next().is_some_and(char::is_uppercase);
            (w.to_lowercase(), capital)
        })
        .filter(|(w, _)| !w.is_empty())
        .collect()
}

/// How strongly `span` refers to `entity`: 2 when the entity's words appear in the span in
/// order ("IBM CEO Arvind Krishna" → "Arvind Krishna"), 1 when every capitalised word of the
/// span but titles is one of the entity's ("Krishna", "Mr Krishna"), else 0.
pub fn score(span: &str, entity: &str) -> u8 {
    let s = words(span);
    let e: Vec<String> = words(entity).into_iter().map(|(w, _)| w).collect();
    if e.is_empty() || s.is_empty() {
        return 0;
    }
    let plain: Vec<&str> = s.iter().map(|(w, _)| w.as_str()).collect();
    if plain
        .windows(e.len())
        .any(|win| win.iter().zip(&e).all(|(a, b)| a == b))
    {
        return 2;
    }
    let names: Vec<&str> = s
        .iter()
        .filter(|(w, capital)| *capital && !TITLES.contains(&w.as_str()))
        .map(|(w, _)| w.as_str())
        .collect();
    if !names.is_empty() && names.iter().all(|n| e.iter().any(|w| w == n)) {
        return 1;
    }
    0
}

/// The known entities `span` probably names, best first (at most `limit`): those whose
/// words it contains, then those it refers to by part of the name; longer names first among
/// equals. An entity equal to the span's whole text comes first.
pub fn suggest<'a>(span: &str, known: &'a BTreeSet<String>, limit: usize) -> Vec<&'a str> {
    let mut scored: Vec<(u8, &str)> = known
        .iter()
        .map(|e| (score(span, e), e.as_str()))
        .filter(|(s, _)| *s > 0)
        .collect();
    let whole = |e: &str| words(e) == words(span);
    scored.sort_by(|(sa, a), (sb, b)| {
        whole(b)
            .cmp(&whole(a))
            .then(sb.cmp(sa))
            .then(b.chars().count().cmp(&a.chars().count()))
            .then(a.cmp(b))
    });
    scored.into_iter().take(limit).map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_full_mention_and_a_surname_both_find_the_entity() {
        let k = known(&["Arvind Krishna", "IBM", "Lin Xiao"]);
        assert_eq!(
            suggest("IBM CEO Arvind Krishna", &k, 3),
            ["Arvind Krishna", "IBM"]
        );
        assert_eq!(suggest("Krishna", &k, 3), ["Arvind Krishna"]);
        assert_eq!(suggest("Mr Krishna", &k, 3), ["Arvind Krishna"]);
        assert_eq!(suggest("Krishna’s", &k, 3), ["Arvind Krishna"]);
        assert_eq!(suggest("arvind krishna", &k, 3), ["Arvind Krishna"]);
    }

    #[test]
    fn unrelated_and_lowercase_words_find_nothing() {
        let k = known(&["Arvind Krishna", "the union"]);
        assert!(suggest("a spokesperson", &k, 3).is_empty());
        assert!(suggest("Sam Pereira", &k, 3).is_empty());
        // "the" alone is no reference to "the union": only capitalised words refer.
        assert!(suggest("the", &k, 3).is_empty());
        assert_eq!(score("Deputy Krishna Rao", "Arvind Krishna"), 0);
    }

    #[test]
    fn the_whole_name_comes_first() {
        let k = known(&["Maritime Union", "Maritime and Harbour Workers’ Union"]);
        let got = suggest("the Maritime and Harbour Workers’ Union", &k, 3);
        assert_eq!(got[0], "Maritime and Harbour Workers’ Union");
    }
}
