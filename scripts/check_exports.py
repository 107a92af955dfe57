#!/usr/bin/env python3
"""The real readers on Tagline's exports (run by scripts/check-exports, which builds them).

    python scripts/check_exports.py EXPORTS_DIR ARTICLE_ROOT...

Each check reads one export with the library its users read it with and compares what the
library sees with the articles and sidecars as Python reads them (`encoding="utf-8-sig",
newline=""`: BOM dropped, line endings kept). Prints one line per check; exits 1 on any
disagreement.
"""

import csv
import glob
import json
import os
import subprocess
import sys
import tempfile

failures = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
    if not ok:
        failures.append(name)


def articles(roots):
    """relative path -> (text, counted spans sorted, relations) from the files themselves."""
    out = {}
    for root in roots:
        files = [root] if os.path.isfile(root) else sorted(
            glob.glob(os.path.join(root, "**", "*.txt"), recursive=True)
            + glob.glob(os.path.join(root, "**", "*.md"), recursive=True))
        for path in files:
            rel = os.path.basename(path) if os.path.isfile(root) else os.path.relpath(path, root).replace(os.sep, "/")
            with open(path, encoding="utf-8-sig", newline="") as f:
                text = f.read()
            spans, relations = [], []
            sidecar = path + ".annotations.json"
            if os.path.exists(sidecar):
                with open(sidecar, encoding="utf-8") as f:
                    data = json.load(f)
                spans = sorted(
                    (a["start"], a["end"], a["tag"], a["text"], a["id"])
                    for a in data.get("annotations", [])
                    if a.get("status") not in ("orphaned", "suggested"))
                kept = {s[4] for s in spans}
                relations = sorted(r["id"] for r in data.get("relations", [])
                                   if r["from"] in kept and r["to"] in kept)
            out[rel] = (text, spans, relations)
    return out


def check_jsonl(path, truth):
    os.environ["HF_HUB_OFFLINE"] = "1"
    import datasets
    datasets.disable_progress_bars()
    ds = datasets.load_dataset("json", data_files=path, split="train")
    check("jsonl: datasets.load_dataset('json') loads one row per article", len(ds) == len(truth), f"{len(ds)} rows")
    for row in ds:
        text, spans, relations = truth[row["meta"]["file"]]
        check(f"jsonl: {row['meta']['file']}: text is the article exactly", row["text"] == text)
        got = sorted((s["start"], s["end"], s["label"], s["text"], s["id"]) for s in row["spans"])
        check(f"jsonl: {row['meta']['file']}: {len(got)} spans, offsets and texts as in the sidecar", got == spans)
        check(f"jsonl: {row['meta']['file']}: every text[start:end] == span text",
              all(text[s["start"]:s["end"]] == s["text"] for s in row["spans"]))
        check(f"jsonl: {row['meta']['file']}: relations", sorted(r["id"] for r in row["relations"]) == relations)


def check_spacy(path, truth, tmp):
    import spacy
    from spacy.tokens import DocBin
    out = os.path.join(tmp, "train.spacy")
    r = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "to_docbin.py"), path, out],
                       capture_output=True, text=True)
    check("spacy: scripts/to_docbin.py builds the DocBin, every span a char_span", r.returncode == 0,
          (r.stdout + r.stderr).strip())
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    records = [json.loads(l) for l in open(path, encoding="utf-8")]
    check("spacy: the DocBin loads", len(docs) == len(records), f"{len(docs)} docs")
    for doc, rec in zip(docs, records):
        text, spans, _ = truth[rec["meta"]["file"]]
        check(f"spacy: {rec['meta']['file']}: doc.text is the article exactly", doc.text == text)
        got = sorted((s.start_char, s.end_char, s.label_, s.text) for s in doc.spans["sc"])
        want = sorted((s[0], s[1], s[2], s[3]) for s in spans
                      if any(x["id"] == s[4] for x in rec["spans"]))
        check(f"spacy: {rec['meta']['file']}: {len(got)} spans in doc.spans['sc'] at the sidecar's offsets",
              got == want and len(got) > 0)
        lost = len(spans) - len(got)
        check(f"spacy: {rec['meta']['file']}: {len(doc.ents)} non-overlapping in doc.ents; {lost} off-token span(s) reported by tagline",
              len(doc.ents) > 0)


def conll_sentences(path):
    docs, sent, sents = [], [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line == "-DOCSTART- -X- O O":
                sents = []
                docs.append(sents)
            elif not line:
                if sent:
                    sents.append(sent)
                sent = []
            else:
                cols = line.split()
                assert len(cols) == 4, line
                sent.append((cols[0], cols[-1]))
    if sent:
        sents.append(sent)
    return docs


def check_conll(path, iob1_path, layers_dir, spacy_path, truth, tmp):
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2, Entities
    import spacy
    from spacy.tokens import DocBin
    records = [json.loads(l) for l in open(spacy_path, encoding="utf-8")]
    docs = conll_sentences(path)
    check("conll: one -DOCSTART- block per article", len(docs) == len(records), f"{len(docs)}")
    for sents, rec in zip(docs, records):
        tokens = [t["text"] for t in rec["tokens"]]
        check(f"conll: {rec['meta']['file']}: the tokens are tagline's tokens",
              [w for s in sents for w, _ in s] == tokens)
        # Expected: the outermost of the aligned spans.
        aligned = sorted(((s["token_start"], -s["token_end"], s["label"]) for s in rec["spans"]))
        kept, end = [], -1
        for start, neg_end, label in aligned:
            if start >= end:
                kept.append((label, start, -neg_end - 1))
                end = -neg_end
        tags = [[t for _, t in s] for s in sents]
        Entities(tags, IOB2)  # raises on a tag sequence that is not valid IOB2
        flat = [t for s in tags for t in s]
        got = sorted(get_entities(flat))
        check(f"conll: {rec['meta']['file']}: seqeval reads {len(got)} IOB2 entities, the outermost spans", got == sorted(kept))
        iob1 = [t for s in conll_sentences(iob1_path)[records.index(rec)] for _, t in s]
        check(f"conll --iob1: {rec['meta']['file']}: seqeval reads the same entities", sorted(get_entities(iob1)) == got)
    for conll in [path, iob1_path] + sorted(glob.glob(os.path.join(layers_dir, "*.conll"))):
        out = tempfile.mkdtemp(dir=tmp)
        r = subprocess.run([sys.executable, "-m", "spacy", "convert", conll, out, "--converter", "ner"],
                           capture_output=True, text=True)
        files = glob.glob(os.path.join(out, "*.spacy"))
        ok = r.returncode == 0 and len(files) == 1
        n_docs = n_ents = 0
        if ok:
            docs_ = list(DocBin().from_disk(files[0]).get_docs(spacy.blank("en").vocab))
            n_docs = len(docs_)
            n_ents = sum(len(d.ents) for d in docs_)
        check(f"conll: spacy convert --converter ner reads {os.path.basename(conll)}", ok and n_docs >= len(records),
              f"{n_docs} docs, {n_ents} ents" if ok else r.stderr.strip()[-300:])


def check_csv(path, truth):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    want = sum(len(s) for _, s, _ in truth.values())
    check("csv: Python's csv module reads one row per annotation", len(rows) == want, f"{len(rows)} rows")
    bad = [r["id"] for r in rows if truth[r["file"]][0][int(r["start"]):int(r["end"])] != r["text"]]
    check("csv: every row's text is the article's text at start:end (CRLF inside spans kept)", not bad, ", ".join(bad))


def main():
    exports, roots = sys.argv[1], sys.argv[2:]
    truth = articles(roots)
    tmp = tempfile.mkdtemp()
    e = lambda name: os.path.join(exports, name)
    check_jsonl(e("out.jsonl"), truth)
    check_spacy(e("spacy.jsonl"), truth, tmp)
    check_conll(e("out.conll"), e("iob1.conll"), e("layers"), e("spacy.jsonl"), truth, tmp)
    check_csv(e("out.csv"), truth)
    extra = os.path.join(os.path.dirname(__file__), "check_exports_tools.py")
    if os.path.exists(extra):
        sys.path.insert(0, os.path.dirname(__file__))
        import check_exports_tools
        check_exports_tools.run(exports, truth, tmp, check)
    print(f"check-exports: {len(failures)} failed" if failures else "check-exports: every reader agrees")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
