"""Cross-check of `tagline import` (called by scripts/check-import).

Runs the real binary on each fixture of tests/fixtures/import/, then reads the inputs with
Python and the sidecars Tagline wrote, and checks that every span of the input that should
import sits in the sidecar at the offsets the input means, read as Python `str` indexes (code
points), with the article's text there. brat inputs are read with the real bratly reader.
"""

import glob
import json
import os
import subprocess
import sys

binary, fixtures, tmp = sys.argv[1:4]
failures = []
passed = 0


def check(what, ok, detail=""):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(f"{what}: {detail}")
        print(f"FAIL {what}: {detail}")


def run(args, want):
    p = subprocess.run([binary, *args], capture_output=True, text=True)
    check(f"tagline {' '.join(args)} exits {want}", p.returncode == want, p.stderr.strip())


def imported(folder):
    """(start, end, tag) of every annotation in the folder, each checked against its article."""
    out = set()
    for sc in glob.glob(os.path.join(folder, "**", "*.annotations.json"), recursive=True):
        article = sc[: -len(".annotations.json")]
        text = open(article, encoding="utf-8-sig", newline="").read()
        for a in json.load(open(sc, encoding="utf-8"))["annotations"]:
            check(f"{os.path.basename(article)}: {a['id']} holds its text at {a['start']}:{a['end']}",
                  text[a["start"]:a["end"]] == a["text"], repr(a["text"]))
            out.add((a["start"], a["end"], a["tag"]))
    return out


def expect(name, want, got):
    missing = sorted(want - got)
    check(f"{name}: all {len(want)} input spans imported at their code-point offsets",
          not missing, f"missing {missing}")


def jsonl(path):
    return [json.loads(l) for l in open(path, encoding="utf-8", newline="").read().split("\n") if l.strip()]


# doccano: both shapes; PERSON mapped to sourcing.
out = os.path.join(tmp, "doccano")
run(["import", "--format", "jsonl", os.path.join(fixtures, "doccano.jsonl"), "--into", out,
     "--map", "PERSON=sourcing"], 0)
want = set()
for r in jsonl(os.path.join(fixtures, "doccano.jsonl")):
    tag = lambda t: "sourcing" if t == "PERSON" else t
    want |= {(s, e, tag(t)) for s, e, t in r.get("label", [])}
    want |= {(x["start_offset"], x["end_offset"], tag(x["label"])) for x in r.get("entities", [])}
expect("doccano", want, imported(out))

# Prodigy: accepted answers only (the rejected line is reported: exit 1).
out = os.path.join(tmp, "prodigy")
run(["import", "--format", "jsonl", os.path.join(fixtures, "prodigy.jsonl"), "--into", out], 1)
want = set()
for r in jsonl(os.path.join(fixtures, "prodigy.jsonl")):
    if r.get("answer") == "accept":
        want |= {(s["start"], s["end"], s["label"]) for s in r["spans"]}
got = imported(out)
expect("prodigy", want, got)
check("prodigy: nothing of the rejected answer", len(got) == len(want), sorted(got - want))

# Label Studio: code points, or UTF-16 code units when only they give the region's text.
out = os.path.join(tmp, "label-studio")
run(["import", "--format", "label-studio", os.path.join(fixtures, "label-studio.json"), "--into", out], 0)
want = set()
for task in json.load(open(os.path.join(fixtures, "label-studio.json"), encoding="utf-8")):
    text = task["data"]["text"]
    units = [len(text[:i].encode("utf-16-le")) // 2 for i in range(len(text) + 1)]
    for group in task.get("annotations", []) + task.get("predictions", []):
        for r in group["result"]:
            if r["type"] != "labels":
                continue
            v = r["value"]
            s, e = v["start"], v["end"]
            if text[s:e] != v.get("text", text[s:e]):
                s, e = units.index(s), units.index(e)
            check(f"label-studio: region {r['id']} text {v.get('text')!r} at {s}:{e}",
                  text[s:e] == v.get("text", text[s:e]), repr(text[s:e]))
            want |= {(s, e, label) for label in v["labels"]}
expect("label-studio", want, imported(out))

# brat: bratly reads the pairs; a span is its first fragment's start to its last one's end.
from bratly import EntityAnnotation  # noqa: E402
from bratly.io import read_and_load_ann_file, read_from_file  # noqa: E402

out = os.path.join(tmp, "brat")
run(["import", "--format", "brat", os.path.join(fixtures, "brat"), "--into", out], 0)
want = set()
for ann in sorted(glob.glob(os.path.join(fixtures, "brat", "*.ann"))):
    text = read_from_file(ann[:-4] + ".txt")
    col = read_and_load_ann_file(ann, no_duplicates=False, sorting=False, renumerotize=False)
    for e in (a for a in col.annotations if isinstance(a, EntityAnnotation)):
        pieces = " ".join(text[f.start:f.end] for f in e.fragments)
        check(f"brat: {e.id} content is the .txt (newline='') at its fragments", pieces == e.content,
              repr(pieces))
        want.add((e.fragments[0].start, e.fragments[-1].end, e.label))
expect("brat", want, imported(out))

print(f"check-import: {passed} checks passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
