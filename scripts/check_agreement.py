"""Cross-check of `tagline agree --json` against the reference libraries.

Run by scripts/check-agreement inside its own virtualenv (pinned scikit-learn, krippendorff,
statsmodels, nervaluate). Generates random annotation sets as real folders of articles and
sidecars (overlapping spans, two to four annotators, articles some annotators lack, articles
without a sidecar, suggested and orphaned annotations that must not count), runs the real
binary, and compares every figure to 1e-6:

- span precision / recall / F1 and counts in strict, exact, ent_type, partial: nervaluate;
- the `overlap` mode, the confusion matrix and the spans nobody else has: recomputed here
  from their definitions (no library has them);
- Cohen's kappa over characters and words, overall and per tag: scikit-learn;
- Krippendorff's alpha (nominal, missing data): krippendorff;
- Fleiss' kappa: statsmodels;
- pooled over articles, per article, and the mean of per-article figures.

Usage: check_agreement.py TAGLINE_BINARY [--seed N] [--cases N]
"""

import argparse
import json
import math
import random
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from corpus_sidecar import sidecar

import krippendorff
import numpy as np
from nervaluate import Evaluator
from nervaluate.entities import EvaluationResult
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

warnings.filterwarnings("ignore")

TAGS = ["claim", "quote", "stance", "sourcing"]
WORDS = ["the", "minister", "said", "strike", "ferry", "union", "talks", "café", "Zoë",
         "will", "end", "budget", "harbour", "wind", "farm", "vote", "naïve", "council"]
TOL = 1e-6
MODES = ["strict", "exact", "ent_type", "partial"]


class Mismatch(Exception):
    pass


checked = 0
defined = {}  # figure kind -> comparisons where both sides had a value


def close(what, ours, ref):
    """Compares one figure: ours (None = undefined) against the reference (None or NaN = undefined)."""
    global checked
    checked += 1
    ref_undefined = ref is None or (isinstance(ref, float) and not math.isfinite(ref))
    if ours is None or ref_undefined:
        if ours is None and ref_undefined:
            return
        raise Mismatch(f"{what}: tagline {ours!r}, reference {ref!r}")
    if abs(ours - ref) > TOL:
        raise Mismatch(f"{what}: tagline {ours!r}, reference {ref!r}")
    kind = what.rsplit(".", 1)[-1]
    if kind in ("char_kappa", "word_kappa", "char_alpha", "word_alpha", "fleiss_kappa",
                "word_fleiss_kappa", "f1"):
        defined[kind] = defined.get(kind, 0) + 1


def make_text(rng):
    out = []
    for _ in range(rng.randint(0, 90)):
        w = rng.choice(WORDS)
        r = rng.random()
        if r < 0.08:
            w = "“" + w + "”"
        elif r < 0.15:
            w += ","
        elif r < 0.2:
            w += "."
        out.append(w)
    text = " ".join(out)
    if rng.random() < 0.3:
        text += "\n"
    return text


def make_spans(rng, n_chars, base=None):
    """Random spans (start, end, tag) of at most 60 chars; some copied (or shifted) from `base`."""
    spans = []
    if n_chars == 0:
        return spans
    if base:
        for s, e, t in base:
            r = rng.random()
            if r < 0.45:
                spans.append((s, e, t))
            elif r < 0.6:
                spans.append((s, e, rng.choice(TAGS)))
            elif r < 0.8:
                s2 = max(0, min(n_chars - 1, s + rng.randint(-4, 4)))
                e2 = max(s2 + 1, min(n_chars, e + rng.randint(-4, 4)))
                spans.append((s2, e2, t))
    for _ in range(rng.randint(0, 6)):
        s = rng.randrange(n_chars)
        e = min(n_chars, s + rng.randint(1, 60))
        spans.append((s, e, rng.choice(TAGS)))
    if spans and rng.random() < 0.1:
        spans.append(spans[0])  # a duplicate
    return spans



def make_case(rng, root):
    k = rng.randint(2, 4)
    names = [f"coder{i}" for i in range(k)]
    n_articles = rng.randint(1, 6)
    articles = []
    for j in range(n_articles):
        text = make_text(rng)
        base = make_spans(rng, len(text))
        coders = []
        for c in range(k):
            if c > 0 and rng.random() < 0.15:
                coders.append(None)  # this annotator lacks the article
                continue
            if rng.random() < 0.1:
                coders.append([])  # the article without a sidecar
                continue
            coders.append(make_spans(rng, len(text), base if c > 0 or rng.random() < 0.5 else None))
        if all(c is None for c in coders[1:]) and k > 1:
            coders[1] = []
        articles.append((f"art{j:02d}.txt", text, coders))
    for c, name in enumerate(names):
        d = root / name
        d.mkdir(parents=True)
        for fname, text, coders in articles:
            spans = coders[c]
            if spans is None:
                continue
            (d / fname).write_bytes(text.encode("utf-8"))
            extra = []
            if len(text) > 5 and rng.random() < 0.3:
                extra.append((0, 3, "claim", rng.choice(["suggested", "orphaned"])))
            if spans or extra:
                sc = sidecar(fname, text, spans, extra)
                (d / (fname + ".annotations.json")).write_text(json.dumps(sc, ensure_ascii=False), "utf-8")
    return names, articles


def words_of(text):
    return [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]


def char_cats(text, spans):
    cats = [set() for _ in text]
    for s, e, t in spans:
        for i in range(s, e):
            cats[i].add(t)
    return cats


def word_cats(text, spans):
    out = []
    for ws, we in words_of(text):
        out.append({t for s, e, t in spans if s < we and ws < e})
    return out


def label(cat):
    return "+".join(sorted(cat)) if cat else "none"


def units(text, spans, level):
    return char_cats(text, spans) if level == "char" else word_cats(text, spans)


def kappa(xs, ys):
    if not xs:
        return None
    if len(set(xs) | set(ys)) == 1:
        return None
    return cohen_kappa_score(xs, ys)


def alpha(rows):
    """rows: annotators x units, values or None (missing)."""
    if not rows or not rows[0]:
        return None
    values = sorted({v for r in rows for v in r if v is not None})
    idx = {v: i for i, v in enumerate(values)}
    data = np.array([[np.nan if v is None else idx[v] for v in r] for r in rows], dtype=float)
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    if not pairable.any():
        return None
    if len({v for r in rows for v, p in zip(r, pairable) if p and v is not None}) < 2:
        return None
    try:
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:
        return None


def fleiss(rows):
    """rows: annotators x units, all present."""
    if len(rows) < 3 or not rows[0]:
        return None
    values = sorted({v for r in rows for v in r})
    if len(values) < 2:
        return None
    idx = {v: i for i, v in enumerate(values)}
    data = np.array([[idx[v] for v in r] for r in rows]).T
    table, _ = aggregate_raters(data)
    return float(fleiss_kappa(table, method="fleiss"))


def nerv(truth_docs, pred_docs):
    def conv(docs):
        return [[{"label": t, "start": s, "end": e - 1} for s, e, t in sorted(d, key=lambda x: (x[0], x[1], x[2]))]
                for d in docs]
    if not truth_docs:  # nervaluate reports nothing for no documents: all counts are 0
        return {"overall": {m: EvaluationResult() for m in MODES}, "entities": {}}
    ev = Evaluator(conv(truth_docs), conv(pred_docs), tags=TAGS, loader="dict")
    return ev.evaluate()


def overlap_mode(truth_docs, pred_docs, tag=None):
    tf = tp = pf = pp = 0
    for a, b in zip(truth_docs, pred_docs):
        if tag is not None:
            a = [x for x in a if x[2] == tag]
            b = [x for x in b if x[2] == tag]
        tp += len(a)
        pp += len(b)
        tf += sum(any(y[2] == x[2] and y[0] < x[1] and x[0] < y[1] for y in b) for x in a)
        pf += sum(any(y[2] == x[2] and y[0] < x[1] and x[0] < y[1] for y in a) for x in b)
    p = pf / pp if pp else None
    r = tf / tp if tp else None
    f = None if not pp and not tp else (0.0 if (p or 0) + (r or 0) == 0 else 2 * (p or 0) * (r or 0) / ((p or 0) + (r or 0)))
    return p, r, f


def check_span(what, ours, res, counted=True):
    """ours: the JSON span object of one mode; res: a nervaluate EvaluationResult."""
    if counted:
        for c in ["correct", "incorrect", "partial", "missed", "spurious"]:
            close(f"{what}.{c}", ours[c], getattr(res, c))
    p = res.precision if res.actual else None
    r = res.recall if res.possible else None
    f = res.f1 if (res.actual or res.possible) else None
    close(f"{what}.precision", ours["precision"], p)
    close(f"{what}.recall", ours["recall"], r)
    close(f"{what}.f1", ours["f1"], f)


def pair_figures(what, ours, texts, a_docs, b_docs, tags_used):
    res = nerv(a_docs, b_docs)
    for mode in ["strict", "exact", "ent_type", "partial"]:
        check_span(f"{what}.span.{mode}", ours["span"][mode], res["overall"][mode])
    for key, v in zip(["precision", "recall", "f1"], overlap_mode(a_docs, b_docs)):
        close(f"{what}.span.overlap.{key}", ours["span"]["overlap"][key], v)
    for level in ["char", "word"]:
        xs, ys = [], []
        for text, a, b in zip(texts, a_docs, b_docs):
            xs += [label(c) for c in units(text, a, level)]
            ys += [label(c) for c in units(text, b, level)]
        close(f"{what}.{level}_kappa", ours[f"{level}_kappa"], kappa(xs, ys))
    for tag in tags_used:
        pt = ours["per_tag"][tag]
        ent = res["entities"].get(tag)
        for mode in ["strict", "exact", "ent_type", "partial"]:
            if ent is None:
                close(f"{what}.{tag}.{mode}.f1", pt["span"][mode]["f1"], None)
            else:
                check_span(f"{what}.{tag}.span.{mode}", pt["span"][mode], ent[mode])
        for key, v in zip(["precision", "recall", "f1"], overlap_mode(a_docs, b_docs, tag)):
            close(f"{what}.{tag}.span.overlap.{key}", pt["span"]["overlap"][key], v)
        for level in ["char", "word"]:
            xs, ys = [], []
            for text, a, b in zip(texts, a_docs, b_docs):
                xs += [tag in c for c in units(text, a, level)]
                ys += [tag in c for c in units(text, b, level)]
            close(f"{what}.{tag}.{level}_kappa", pt[f"{level}_kappa"], kappa(xs, ys))


def group_figures(what, ours, articles, k, tags_used):
    """articles: list of (text, coders) with coders[i] None when missing."""
    for level in ["char", "word"]:
        for tag in [None] + tags_used:
            rows = [[] for _ in range(k)]
            full = [[] for _ in range(k)]
            for text, coders in articles:
                n = len(units(text, [], level))
                for i in range(k):
                    if coders[i] is None:
                        rows[i] += [None] * n
                    else:
                        cats = units(text, coders[i], level)
                        vals = [label(c) if tag is None else (tag in c) for c in cats]
                        rows[i] += vals
                if all(c is not None for c in coders):
                    for i in range(k):
                        cats = units(text, coders[i], level)
                        full[i] += [label(c) if tag is None else (tag in c) for c in cats]
            obj = ours if tag is None else ours["per_tag"][tag]
            a_name = "char_alpha" if level == "char" else "word_alpha"
            f_name = "fleiss_kappa" if level == "char" else "word_fleiss_kappa"
            close(f"{what}.{tag or 'all'}.{a_name}", obj[a_name], alpha(rows))
            close(f"{what}.{tag or 'all'}.{f_name}", obj[f_name], fleiss(full) if k >= 3 else None)


def mean(values):
    vals = [v for v in values if v is not None and math.isfinite(v)]
    return sum(vals) / len(vals) if vals else None


def check_case(binary, root, names, articles):
    k = len(names)
    cmd = [binary, "agree", "--json"] + [str(root / n) for n in names]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise Mismatch(f"tagline agree exited {proc.returncode}: {proc.stderr}")
    out = json.loads(proc.stdout)
    if out["annotators"] != names:
        raise Mismatch(f"annotators {out['annotators']} != {names}")
    present = [(f, t, c) for f, t, c in articles if any(x is not None for x in c)]
    if out["articles"] != len(present):
        raise Mismatch(f"articles {out['articles']} != {len(present)}")
    tags_used = sorted({s[2] for _, _, c in present for x in c if x for s in x})
    if out["tags"] != tags_used:
        raise Mismatch(f"tags {out['tags']} != {tags_used}")
    by_name = {a["article"]: a for a in out["per_article"]}
    # Pairs, pooled and per article.
    pi = 0
    for a in range(k):
        for b in range(a + 1, k):
            ours = out["pairs"][pi]
            pi += 1
            what = f"{names[a]}~{names[b]}"
            common = [(t, c[a], c[b]) for _, t, c in present if c[a] is not None and c[b] is not None]
            close(f"{what}.articles", ours["articles"], len(common))
            pair_figures(f"{what} pooled", ours, [x[0] for x in common], [x[1] for x in common],
                         [x[2] for x in common], tags_used)
            # Per article, and the mean of per-article figures.
            per = []
            for fname, text, c in present:
                if c[a] is None or c[b] is None:
                    continue
                art = by_name[fname]
                p = next(x for x in art["pairs"] if x["a"] == names[a] and x["b"] == names[b])
                pair_figures(f"{what} {fname}", p, [text], [c[a]], [c[b]], tags_used)
                per.append(p)
            mean_obj = ours["mean_of_articles"]
            for mode in ["strict", "exact", "ent_type", "partial", "overlap"]:
                for key in ["precision", "recall", "f1"]:
                    close(f"{what} mean.{mode}.{key}", mean_obj["span"][mode][key],
                          mean([p["span"][mode][key] for p in per]))
            for key in ["char_kappa", "word_kappa"]:
                close(f"{what} mean.{key}", mean_obj[key], mean([p[key] for p in per]))
            # Confusion: overlapping pairs with different tags.
            conf = {}
            for _, x, y in common:
                for s1 in x:
                    for s2 in y:
                        if s1[2] != s2[2] and s1[0] < s2[1] and s2[0] < s1[1]:
                            conf[(s1[2], s2[2])] = conf.get((s1[2], s2[2]), 0) + 1
            got = {(c["a_tag"], c["b_tag"]): c["count"] for c in ours["confusion"]}
            if got != conf:
                raise Mismatch(f"{what} confusion {got} != {conf}")
    # Group figures.
    group_figures("pooled", out, [(t, c) for _, t, c in present], k, tags_used)
    for fname, text, c in present:
        group_figures(fname, by_name[fname], [(text, c)], k, tags_used)
    # Spans nobody else has.
    expected = {n: 0 for n in names}
    for _, text, c in present:
        have = [i for i in range(k) if c[i] is not None]
        if len(have) < 2:
            continue
        for i in have:
            for s in c[i]:
                if not any(o != i and any(y[2] == s[2] and y[0] < s[1] and s[0] < y[1] for y in c[o]) for o in have):
                    expected[names[i]] += 1
    if out["only_counts"] != expected:
        raise Mismatch(f"only_counts {out['only_counts']} != {expected}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--cases", type=int, default=40)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in range(args.cases):
            root = Path(tmp) / f"case{case:03d}"
            names, articles = make_case(rng, root)
            try:
                check_case(args.binary, root, names, articles)
            except Mismatch as e:
                failures += 1
                print(f"case {case} ({root}): MISMATCH {e}", file=sys.stderr)
                if failures >= 5:
                    break
    print(f"check-agreement: {args.cases} random corpora, {checked} figures compared "
          f"(nervaluate, scikit-learn, krippendorff, statsmodels), {failures} mismatching case(s)")
    print("  defined on both sides: " + ", ".join(f"{k} {v}" for k, v in sorted(defined.items())))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
