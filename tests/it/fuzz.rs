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

/// Feeds `inputs` to every importer, then imports every record into a document of its text:
/// nothing panics, and every annotation added holds the text at its span.
fn check_importers(inputs: &[(&str, &str)]) {
    use tagline::core::{Document, FixedStamps, Scheme};
    use tagline::formats::{ImportFormat, Input};
    let inputs: Vec<Input<'_>> = inputs
        .iter()
        .map(|(name, text)| Input {
            name,
            relative: name,
            text,
        })
        .collect();
    for format in ImportFormat::ALL {
        let parsed = format.read(&inputs);
        for record in parsed.records {
            assert_eq!(record.span_lines.len(), record.batch.spans.len());
            assert_eq!(record.relation_lines.len(), record.batch.relations.len());
            let Ok(article) = Article::from_bytes(
                Path::new("a.txt"),
                record.text.as_bytes(),
                &LoadOptions::default(),
            ) else {
                continue;
            };
            let mut doc = Document::new(article, Scheme::default_news(), None);
            let mut stamps = FixedStamps::new("2026-01-01T00:00:00Z");
            let _ = doc.import_with(record.batch, "fuzz", &mut stamps);
            for a in doc.annotations() {
                assert_eq!(doc.article.text.slice(a.range), Some(a.text.as_str()));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn importers_never_panic_on_any_text(text in "[{}\\[\\]\":,0-9a-zT\\-;# \t\r\n\u{feff}🚢]{0,300}") {
        check_importers(&[("a.jsonl", &text), ("a.ann", &text), ("a.txt", "some text\r\n"), ("t.json", &text)]);
    }

    #[test]
    fn importers_never_panic_on_record_like_input(
        start in 0u64..40, end in 0u64..40, text in "[a-z 🚢\r\n]{0,30}", label in "(claim|quote|x)",
        claimed in "[a-z]{0,5}",
    ) {
        let t = serde_json::to_string(&text).unwrap();
        let jsonl = format!(
            "{{\"text\": {t}, \"label\": [[{start}, {end}, \"{label}\"]], \"spans\": [{{\"start\": {end}, \"end\": {start}, \"label\": \"{label}\", \"text\": \"{claimed}\", \"id\": \"a\"}}], \"relations\": [{{\"from\": \"a\", \"to\": \"a\", \"type\": \"about\"}}], \"meta\": {{\"labels\": {{\"status\": \"{claimed}\"}}}}}}\n"
        );
        let ls = format!(
            "[{{\"data\": {{\"text\": {t}}}, \"annotations\": [{{\"result\": [{{\"id\": \"a\", \"type\": \"labels\", \"value\": {{\"start\": {start}, \"end\": {end}, \"text\": \"{claimed}\", \"labels\": [\"{label}\"]}}}}, {{\"from_id\": \"a\", \"to_id\": \"b\", \"type\": \"relation\", \"labels\": [\"about\"]}}]}}]}}]"
        );
        let ann = format!("T1\t{label} {start} {end};{end} {start}\t{claimed}\nT2\t{label} {start} {end}\t{claimed}\nR1\tabout Arg1:T1 Arg2:T2\nA1\tstatus T2 {claimed}\n");
        check_importers(&[("a.jsonl", &jsonl), ("t.json", &ls), ("a.ann", &ann), ("a.txt", &text)]);
    }
}
