//! Property-based fuzzing of the parsers: any bytes in, a clear error or a consistent result
//! out, never a panic. (`cargo fuzz` would need a nightly toolchain; proptest runs in the
//! ordinary test suite.)

use std::path::Path;

use proptest::prelude::*;
use tagline::core::sidecar::SidecarData;
use tagline::core::{Article, CharRange, LoadOptions};

fn check_article(name: &str, bytes: &[u8]) {
    let Ok(a) = Article::from_bytes(Path::new(name), bytes, &LoadOptions::default()) else {
        return;
    };
    let n = a.len_chars();
    let mut last_body_end = 0;
    for s in &a.segments {
        assert!(
            s.range.start < s.range.end && s.range.end <= n,
            "{s:?} in {n} chars"
        );
        assert!(a.text.slice(s.range).is_some());
        if matches!(
            s.kind,
            tagline::core::SegmentKind::Paragraph | tagline::core::SegmentKind::Heading(_)
        ) {
            assert!(
                s.range.start >= last_body_end,
                "body segments in order: {:?}",
                a.segments
            );
            last_body_end = s.range.end;
        }
    }
    if let Some(fm) = &a.front_matter {
        assert!(fm.body_start <= n);
        for f in &fm.fields {
            assert!(f.raw.start <= f.raw.end && f.raw.end <= n, "{f:?}");
            assert!(a.text.slice(f.raw).is_some());
        }
    }
    // Offsets convert both ways at every segment boundary.
    for s in &a.segments {
        for c in [s.range.start, s.range.end] {
            let b = a.text.char_to_byte(c).unwrap();
            assert_eq!(a.text.byte_to_char(b), Some(c));
        }
    }
    let _ = a.text.slice(CharRange::new(0, n));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_open_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_article("a.md", &bytes);
        check_article("a.txt", &bytes);
    }

    #[test]
    fn front_matter_like_text_never_panics(
        body in "(---|\\+\\+\\+)\r?\n([a-zA-Z]{1,6}: ?(\"[^\"\n]{0,10}\"?|'[^'\n]{0,8}'?|[^\n]{0,12}|\\|\n  [^\n]{0,10})\r?\n|  - [^\n]{0,8}\n|\\[[a-z]{1,4}\\]\n|[a-z]{1,4} = [^\n]{0,10}\n){0,6}(---|\\+\\+\\+|\\.\\.\\.)?\r?\n?[^\u{0}]{0,40}",
    ) {
        check_article("a.md", body.as_bytes());
    }

    #[test]
    fn any_text_sidecar_parses_or_fails_cleanly(text in "[{}\\[\\]\":,0-9a-z\\- \n]{0,300}") {
        let _ = SidecarData::parse(text.as_bytes(), Path::new("s.json"));
    }

    #[test]
    fn sidecar_like_json_parses_or_fails_cleanly(
        start in any::<i64>(), end in 0u64..1_000_000, version in 0u64..4,
        text in "[^\"\\\\]{0,20}", extra in "[a-z]{1,8}",
    ) {
        let json = format!(
            r#"{{"format":"tagline-annotations","version":{version},"article":{{"file":"a.txt","sha256":"","chars":3}},
            "annotations":[{{"id":"x","tag":"claim","start":{start},"end":{end},"text":"{text}","{extra}":[1,{{"a":null}}]}}],
            "relations":[{{"id":"r","type":"about","from":"x","to":"y"}}],"labels":{{"{extra}":[ "a" ]}}}}"#
        );
        let _ = SidecarData::parse(json.as_bytes(), Path::new("s.json"));
    }
}
