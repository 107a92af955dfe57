#!/usr/bin/env python3
"""Turn `tagline export --format spacy` lines into a spaCy DocBin (`.spacy`), with real spaCy.

    python scripts/to_docbin.py export.jsonl train.spacy [--lang en]

Each line becomes a `Doc` built from Tagline's tokens (`spacy.blank(lang)` vocabulary; the
whitespace between tokens becomes spaCy whitespace tokens, so `doc.text` is the article's text
exactly). Every span is found with `Doc.char_span(start, end, label)` — code-point offsets, on
token boundaries (Tagline reported and left out any span that is not). All spans go into
`doc.spans["sc"]` (span categorisation allows overlaps); the non-overlapping ones, longest
first (`spacy.util.filter_spans`), into `doc.ents`, since `doc.ents` rejects overlaps.
Exits 1 if any span gives `None` or a text differs.
"""

import argparse
import json
import sys

import spacy
from spacy.tokens import Doc, DocBin
from spacy.util import filter_spans


def build_doc(nlp, record):
    """The `Doc` of one exported line, or raises ValueError."""
    text = record["text"]
    words, spaces = [], []
    pos = 0
    for tok in record["tokens"]:
        gap = text[pos : tok["start"]]
        if gap and words and gap[0] == " " and not spaces[-1]:
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)
        if text[tok["start"] : tok["end"]] != tok["text"]:
            raise ValueError(f"token {tok['id']} {tok['text']!r} is not the text at its offsets")
        words.append(tok["text"])
        spaces.append(False)
        pos = tok["end"]
    gap = text[pos:]
    if gap and words and gap[0] == " ":
        spaces[-1] = True
        gap = gap[1:]
    if gap:
        words.append(gap)
        spaces.append(False)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    if doc.text != text:
        raise ValueError("the tokens do not rebuild the text")
    spans = []
    for s in record["spans"]:
        span = doc.char_span(s["start"], s["end"], label=s["label"])
        if span is None:
            raise ValueError(f"span {s['id']} {s['text']!r} gives no char_span")
        if span.text != s["text"]:
            raise ValueError(f"span {s['id']}: {span.text!r} != {s['text']!r}")
        spans.append(span)
    doc.spans["sc"] = spans
    doc.ents = filter_spans(spans)
    return doc


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", help="a `tagline export --format spacy` file")
    ap.add_argument("output", help="the .spacy DocBin to write")
    ap.add_argument("--lang", default="en", help="spaCy language code for spacy.blank (default en)")
    args = ap.parse_args()
    nlp = spacy.blank(args.lang)
    db = DocBin(store_user_data=True)
    docs = spans = failed = 0
    with open(args.input, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            record = json.loads(line)
            try:
                doc = build_doc(nlp, record)
            except ValueError as e:
                print(f"{args.input}:{n} ({record['meta']['file']}): {e}", file=sys.stderr)
                failed += 1
                continue
            db.add(doc)
            docs += 1
            spans += len(doc.spans["sc"])
    db.to_disk(args.output)
    print(f"{args.output}: {docs} docs, {spans} spans" + (f", {failed} FAILED" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
