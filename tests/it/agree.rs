//! `tagline agree` through the real binary: folders per annotator, the JSON shape, pairing by
//! text and by name (with re-anchoring), missing articles, `--by annotator`, CSV, exit codes.

use serde_json::{Value, json};

use crate::util::Dir;

const TEXT: &str = "the minister said the strike will end";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `folder/name` with `text` and a sidecar holding `spans` (start, end, tag, annotator,
/// status).
fn article(dir: &Dir, path: &str, text: &str, spans: &[(usize, usize, &str, &str, &str)]) {
    dir.write(path, text);
    let chars: Vec<char> = text.chars().collect();
    let anns: Vec<Value> = spans
        .iter()
        .enumerate()
        .map(|(i, (s, e, tag, who, status))| {
            let mut a = json!({
                "id": format!("a{i:09}"),
                "tag": tag,
                "start": s,
                "end": e,
                "text": chars[*s..*e].iter().collect::<String>(),
                "prefix": chars[s.saturating_sub(32)..*s].iter().collect::<String>(),
                "suffix": chars[*e..(*e + 32).min(chars.len())].iter().collect::<String>(),
            });
            if !who.is_empty() {
                a["annotator"] = json!(who);
            }
            if !status.is_empty() {
                a["status"] = json!(status);
            }
            a
        })
        .collect();
    let file = path.rsplit('/').next().unwrap();
    let sidecar = json!({
        "format": "tagline-annotations",
        "version": 1,
        "article": {"file": file, "sha256": sha256_hex(text.as_bytes()), "chars": chars.len()},
        "annotations": anns,
    });
    dir.write(&format!("{path}.annotations.json"), sidecar.to_string());
}

fn example(dir: &Dir) {
    article(
        dir,
        "ana/story.txt",
        TEXT,
        &[(0, 17, "sourcing", "", ""), (18, 37, "claim", "", "")],
    );
    article(
        dir,
        "ben/story.txt",
        TEXT,
        &[
            (4, 12, "sourcing", "", ""),
            (18, 37, "claim", "", ""),
            (22, 28, "stance", "", ""),
        ],
    );
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-9, "{got} != {want}");
}

#[test]
fn agree_json_has_the_documented_shape_and_figures() {
    let dir = Dir::new();
    example(&dir);
    let out = dir.run(&["agree", "ana", "ben", "--json"]).expect(0);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["annotators"], json!(["ana", "ben"]));
    assert_eq!(v["articles"], 1);
    let p = &v["pairs"][0];
    assert_eq!(
        (p["a"].as_str(), p["b"].as_str()),
        (Some("ana"), Some("ben"))
    );
    for mode in ["strict", "exact", "ent_type", "partial", "overlap"] {
        for k in ["precision", "recall", "f1"] {
            assert!(p["span"][mode][k].is_number(), "{mode}.{k}");
        }
    }
    close(&p["span"]["strict"]["f1"], 0.4);
    close(&p["span"]["ent_type"]["f1"], 0.8);
    close(&p["char_kappa"], 421.0 / 976.0);
    close(&p["word_kappa"], 13.0 / 34.0);
    close(&p["per_tag"]["sourcing"]["char_kappa"], 320.0 / 653.0);
    close(&p["mean_of_articles"]["char_kappa"], 421.0 / 976.0);
    assert_eq!(p["scope"], "pooled");
    close(&v["char_alpha"], 1.0 - 2190.0 / 3670.0);
    assert!(v["word_alpha"].is_number());
    assert_eq!(v["fleiss_kappa"], Value::Null);
    assert!(
        v["fleiss_kappa_reason"]
            .as_str()
            .unwrap()
            .contains("three or more")
    );
    assert_eq!(v["per_article"][0]["article"], "story.txt");
    assert_eq!(v["only_counts"], json!({"ana": 0, "ben": 1}));
    assert_eq!(v["only"][0]["text"], "strike");
    assert_eq!(
        p["confusion"],
        json!([{"a_tag": "claim", "b_tag": "stance", "count": 1}])
    );
    // Deterministic: the same bytes twice.
    let again = dir.run(&["agree", "ana", "ben", "--json"]).expect(0);
    assert_eq!(out.stdout, again.stdout);
    // The table and the CSV.
    let table = dir.run(&["agree", "ana", "ben"]).expect(0).stdout;
    assert!(
        table.contains("ana ~ ben") && table.contains("mean of articles"),
        "{table}"
    );
    let csv = dir.run(&["agree", "ana", "ben", "--csv"]).expect(0).stdout;
    assert!(csv.starts_with("scope,article,a,b,tag,figure,value,reason\n"));
    assert!(csv.contains("pooled,,ana,ben,,char_kappa,"), "{csv}");
    assert!(csv.contains("pooled,,,,,fleiss_kappa,,Fleiss"));
}

#[test]
fn pairs_by_text_then_name_reanchors_and_counts_missing_articles() {
    let dir = Dir::new();
    example(&dir);
    // Ben's copy under another name, same text: paired by hash. Ana has a second article
    // ben lacks. Cy's copy of story.txt has a new first line: paired by name, re-anchored.
    std::fs::rename(dir.join("ben/story.txt"), dir.join("ben/renamed.txt")).unwrap();
    std::fs::rename(
        dir.join("ben/story.txt.annotations.json"),
        dir.join("ben/renamed.txt.annotations.json"),
    )
    .unwrap();
    article(
        &dir,
        "ana/other.txt",
        "a second article",
        &[(2, 8, "claim", "", "")],
    );
    let changed = format!("UPDATE: {TEXT}");
    article(
        &dir,
        "cy/story.txt",
        &changed,
        &[(8, 25, "sourcing", "", ""), (26, 45, "claim", "", "")],
    );
    let out = dir.run(&["agree", "ana", "ben", "cy", "--json"]).expect(0);
    assert!(
        out.stderr.contains("different text") && out.stderr.contains("0 annotation(s)"),
        "{}",
        out.stderr
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["articles"], 2);
    // ana ~ cy agree perfectly once cy's spans are moved onto ana's text.
    let ana_cy = &v["pairs"][1];
    assert_eq!(ana_cy["b"], "cy");
    close(&ana_cy["span"]["strict"]["f1"], 1.0);
    assert_eq!(ana_cy["articles"], 1);
    assert_eq!(v["pairs"][0]["articles"], 1);
    // The article only ana has: listed, with no pair.
    let other = &v["per_article"][0];
    assert_eq!(other["article"], "other.txt");
    assert_eq!(other["annotators"], json!(["ana"]));
    assert_eq!(other["pairs"], json!([]));
    assert!(v["fleiss_kappa"].is_number());
}

#[test]
fn by_annotator_splits_one_sidecar_and_leaves_out_orphans_and_suggestions() {
    let dir = Dir::new();
    article(
        &dir,
        "story.txt",
        TEXT,
        &[
            (0, 17, "sourcing", "ana", ""),
            (18, 37, "claim", "ana", ""),
            (4, 12, "sourcing", "ben", ""),
            (18, 37, "claim", "ben", ""),
            (22, 28, "stance", "ben", ""),
            (0, 3, "claim", "ben", "suggested"),
        ],
    );
    let out = dir
        .run(&["agree", "story.txt", "--by", "annotator", "--json"])
        .expect(0);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["annotators"], json!(["ana", "ben"]));
    close(&v["pairs"][0]["char_kappa"], 421.0 / 976.0);
    assert_eq!(v["skipped"]["suggested"], 1);
    let with = dir
        .run(&[
            "agree",
            "story.txt",
            "--by",
            "annotator",
            "--json",
            "--include-suggested",
        ])
        .expect(0);
    let w: Value = serde_json::from_str(&with.stdout).unwrap();
    // Ben's suggestion 0–3 now takes ana's sourcing as incorrect, so his own sourcing is spurious.
    assert_eq!(w["pairs"][0]["span"]["strict"]["incorrect"], 1);
    assert_eq!(w["pairs"][0]["span"]["strict"]["spurious"], 2);
}

#[test]
fn agree_refuses_bad_input_with_exit_2_and_skips_unreadable_sidecars_with_1() {
    let dir = Dir::new();
    example(&dir);
    let one = dir.run(&["agree", "ana"]).expect(2);
    assert!(one.stderr.starts_with("tagline:"), "{}", one.stderr);
    dir.run(&["agree", "ana", "nowhere"]).expect(2);
    dir.write("ben/bad.txt", "text");
    dir.write("ben/bad.txt.annotations.json", "{ not json");
    let out = dir.run(&["agree", "ana", "ben"]).expect(1);
    assert!(out.stderr.contains("bad.txt"), "{}", out.stderr);
}

/// `--measure gamma`: the worked example of docs/agreement.md (three annotators), the JSON
/// shape, reruns byte-identical, the seed, suggested spans left out, the table and the CSV.
#[test]
fn agree_measure_gamma() {
    let dir = Dir::new();
    let text = "x".repeat(40);
    article(
        &dir,
        "ana/g.txt",
        &text,
        &[(0, 10, "claim", "", ""), (20, 30, "quote", "", "")],
    );
    article(
        &dir,
        "ben/g.txt",
        &text,
        &[(2, 10, "claim", "", ""), (20, 30, "claim", "", "")],
    );
    article(
        &dir,
        "cy/g.txt",
        &text,
        &[
            (0, 10, "claim", "", ""),
            (25, 35, "stance", "", "suggested"),
        ],
    );
    let args = ["agree", "ana", "ben", "cy", "--json", "--measure", "gamma"];
    let out = dir.run(&args).expect(0);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let art = &v["per_article"][0];
    close(
        &art["gamma_disorder"]["observed"],
        (2.0 / 243.0 + 1.0) / (5.0 / 3.0),
    );
    let g = art["gamma"].as_f64().unwrap();
    let expected = art["gamma_disorder"]["expected"].as_f64().unwrap();
    close(
        &art["gamma"],
        1.0 - (2.0 / 243.0 + 1.0) / (5.0 / 3.0) / expected,
    );
    assert!(art["gamma_disorder"]["sampled_sd"].as_f64().unwrap() > 0.0);
    close(&v["mean_of_articles"]["gamma"], g);
    assert_eq!(v["gamma"], Value::Null);
    assert!(v["gamma_reason"].as_str().unwrap().contains("one article"));
    assert_eq!(
        v["gamma_settings"],
        json!({"alpha": 1.0, "beta": 1.0, "delta_empty": 1.0, "samples": 30, "seed": 2015,
               "sampler": "statistical"})
    );
    assert_eq!(v["skipped"]["suggested"], 1);
    // Reruns agree; another seed samples other continua.
    assert_eq!(dir.run(&args).expect(0).stdout, out.stdout);
    let mut seeded = args.to_vec();
    seeded.extend(["--gamma-seed", "7", "--gamma-samples", "5"]);
    let other = dir.run(&seeded).expect(0);
    let w: Value = serde_json::from_str(&other.stdout).unwrap();
    assert_ne!(w["per_article"][0]["gamma"], art["gamma"]);
    assert_eq!(w["gamma_settings"]["samples"], 5);
    // Without --measure gamma: no γ at all.
    let plain = dir.run(&args[..5]).expect(0).stdout;
    assert!(!plain.contains("gamma"), "{plain}");
    // The table and the CSV.
    let table = dir
        .run(&["agree", "ana", "ben", "cy", "--measure", "gamma"])
        .expect(0)
        .stdout;
    assert!(table.contains("γ per article"), "{table}");
    let csv = dir
        .run(&["agree", "ana", "ben", "cy", "--csv", "--measure", "gamma"])
        .expect(0)
        .stdout;
    assert!(
        csv.contains("article,g.txt,,,,gamma_disorder.observed,0.6049"),
        "{csv}"
    );
    assert!(csv.contains("mean_of_articles,,,,,gamma,"), "{csv}");
}
