"""Cross-check of `tagline agree --json --measure gamma` against pygamma-agreement.

Run by scripts/check-gamma inside its own virtualenv (pinned pygamma-agreement and its numeric
dependencies). Generates random annotation sets as real folders of articles and sidecars (two
to four annotators, overlapping and shifted spans, other tags, duplicates, articles some
annotators lack, articles without a sidecar, suggested and orphaned annotations that must not
count, non-ASCII text so that offsets are code points), runs the real binary, builds the same
continuum per article in pygamma-agreement and compares:

- the observed disorder (the best alignment's): exactly, up to pygamma's float32 arithmetic
  (relative 1e-5; pygamma computes every dissimilarity and sum in float32, ε ≈ 6e-8);
- γ: both sides estimate the expected disorder from 30 sampled continua (pygamma's default
  StatisticalContinuumSampler; Tagline draws its own with its own generator), so the two γ
  differ by sampling noise. The standard error of the difference of the two expected
  disorders is s·√(2/30), s² the mean of the two sides' variances of their sampled
  disorders (Tagline reports its own as `gamma_disorder.sampled_sd`), carried to γ by
  ∂γ/∂D_e = D_o/D_e². Each article must agree within 4.5 standard errors (z), and the mean of
  the z over all articles, ×√N, within 4 (a bias of either sampler shows there first);
- undefined γ (one annotator, no spans) on the same articles.

Usage: check_gamma.py TAGLINE_BINARY [--seed N] [--cases N]
"""

import argparse
import json
import logging
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from corpus_sidecar import sidecar

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)  # "CBC solver not installed. Using GLPK." on every alignment

import numpy as np  # noqa: E402
from pyannote.core import Segment  # noqa: E402
from pygamma_agreement import CombinedCategoricalDissimilarity, Continuum  # noqa: E402

TAGS = ["claim", "quote", "stance", "sourcing"]
WORDS = ["the", "minister", "said", "strike", "ferry", "union", "talks", "café", "Zoë",
         "will", "end", "budget", "harbour", "wind", "farm", "vote", "naïve", "李明"]
OBSERVED_REL = 1e-5
Z_ARTICLE = 4.5
Z_TOTAL = 4.0


class Mismatch(Exception):
    pass


def make_text(rng):
    out = []
    for _ in range(rng.randint(0, 70)):
        w = rng.choice(WORDS)
        if rng.random() < 0.1:
            w = "“" + w + "”"
        out.append(w)
    return " ".join(out)


def make_spans(rng, n, base=None):
    spans = []
    if n == 0:
        return spans
    if base:
        for s, e, t in base:
            r = rng.random()
            if r < 0.45:
                spans.append((s, e, t))
            elif r < 0.6:
                spans.append((s, e, rng.choice(TAGS)))
            elif r < 0.85:
                s2 = max(0, min(n - 1, s + rng.randint(-5, 5)))
                e2 = max(s2 + 1, min(n, e + rng.randint(-5, 5)))
                spans.append((s2, e2, t))
    for _ in range(rng.randint(0, 3)):
        s = rng.randrange(n)
        e = min(n, s + rng.randint(1, 60))
        spans.append((s, e, rng.choice(TAGS)))
    if spans and rng.random() < 0.1:
        spans.append(spans[0])  # a duplicate: one unit in a continuum
    return spans



def make_case(rng, root):
    k = rng.randint(2, 4)
    names = [f"coder{i}" for i in range(k)]
    articles = []
    for j in range(rng.randint(1, 4)):
        text = make_text(rng)
        base = make_spans(rng, len(text))
        same = rng.random() < 0.1  # everyone marks the same spans: γ = 1
        coders = []
        for c in range(k):
            if c > 0 and rng.random() < 0.15:
                coders.append(None)  # this annotator lacks the article
            elif rng.random() < 0.08:
                coders.append([])  # present, no sidecar: marked nothing
            elif same:
                coders.append(list(base))
            else:
                coders.append(make_spans(rng, len(text), base))
        if all(c is None for c in coders[1:]):
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


def continuum(names, coders):
    c = Continuum()
    for name, spans in zip(names, coders):
        if spans is None:
            continue
        c.add_annotator(name)
        for s, e, t in spans:
            c.add(name, Segment(s, e), t)
    return c


stats = {"articles": 0, "defined": 0, "undefined": 0, "perfect": 0, "max_rel": 0.0,
         "max_z": 0.0, "z": [], "units": 0}


def check_case(binary, root, names, articles, case):
    cmd = [binary, "agree", "--json", "--measure", "gamma"] + [str(root / n) for n in names]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise Mismatch(f"tagline agree exited {proc.returncode}: {proc.stderr}")
    out = json.loads(proc.stdout)
    by_name = {a["article"]: a for a in out["per_article"]}
    dissim = CombinedCategoricalDissimilarity()
    ours_values = []
    for j, (fname, text, coders) in enumerate(articles):
        if all(c is None for c in coders):
            continue
        art = by_name[fname]
        what = f"case {case} {fname}"
        stats["articles"] += 1
        present = [c for c in coders if c is not None]
        cont = continuum(names, coders)
        ours = art["gamma"]
        if len(present) < 2 or not cont:
            stats["undefined"] += 1
            if ours is not None:
                raise Mismatch(f"{what}: tagline γ {ours}, pygamma has none "
                               f"({len(present)} annotators, {cont.num_units} units)")
            continue
        if ours is None:
            raise Mismatch(f"{what}: tagline γ undefined ({art.get('gamma_reason')}), "
                           f"pygamma defines it")
        stats["defined"] += 1
        stats["units"] += cont.num_units
        ours_values.append(ours)
        # Observed disorder: the best alignment, exactly (float32).
        ref_do = float(cont.get_best_alignment(dissim).disorder)
        our_do = art["gamma_disorder"]["observed"]
        rel = abs(our_do - ref_do) / max(1.0, abs(ref_do))
        stats["max_rel"] = max(stats["max_rel"], rel)
        if rel > OBSERVED_REL:
            raise Mismatch(f"{what}: observed disorder tagline {our_do!r}, pygamma {ref_do!r}")
        # γ within its sampling tolerance.
        np.random.seed(1000 * case + j)
        res = cont.compute_gamma(dissim)  # n_samples=30, StatisticalContinuumSampler
        ref_g = float(res.gamma)
        if ref_do == 0:
            stats["perfect"] += 1
            if ours != 1 or ref_g != 1:
                raise Mismatch(f"{what}: perfect agreement, tagline γ {ours}, pygamma {ref_g}")
            continue
        chance = np.array([float(a.disorder) for a in res.chance_alignments])
        de = float(chance.mean())
        # Both sides' spread of the sampled disorders, pooled (one side's 30 samples can miss
        # a rare event: then its own spread is 0).
        var = (float(chance.var(ddof=1)) + art["gamma_disorder"]["sampled_sd"] ** 2) / 2
        se_de = math.sqrt(var * 2.0 / len(chance))
        se_g = ref_do / (de * de) * se_de
        # Never below float32 precision (a continuum whose samples all align alike has se 0).
        z = (ours - ref_g) / max(se_g, OBSERVED_REL)
        stats["z"].append(z)
        stats.setdefault("worst", []).append((abs(z), what, ours, ref_g))
        stats["max_z"] = max(stats["max_z"], abs(z))
        if abs(z) > Z_ARTICLE:
            raise Mismatch(f"{what}: γ tagline {ours!r}, pygamma {ref_g!r}: "
                           f"{z:+.2f} standard errors (se {se_g:.4f})")
    # The mean of articles is the mean of the per-article values.
    mean = out["mean_of_articles"]["gamma"]
    if ours_values:
        want = sum(ours_values) / len(ours_values)
        if mean is None or abs(mean - want) > 1e-12:
            raise Mismatch(f"case {case}: mean_of_articles γ {mean}, mean of articles {want}")
    elif mean is not None:
        raise Mismatch(f"case {case}: mean_of_articles γ {mean} with no article defined")
    if out["gamma"] is not None:
        raise Mismatch(f"case {case}: pooled γ {out['gamma']} (should be undefined)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--seed", type=int, default=25)
    ap.add_argument("--cases", type=int, default=40)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    failures = 0
    start = time.time()
    # GLPK (through cvxopt) prints its progress on the C library's stdout now and then.
    sys.stdout.flush()
    saved_stdout = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    with tempfile.TemporaryDirectory() as tmp:
        for case in range(args.cases):
            root = Path(tmp) / f"case{case:03d}"
            names, articles = make_case(rng, root)
            try:
                check_case(args.binary, root, names, articles, case)
            except Mismatch as e:
                failures += 1
                print(f"MISMATCH {e}", file=sys.stderr)
                if failures >= 5:
                    break
    os.dup2(saved_stdout, 1)
    zs = stats["z"]
    total_z = sum(zs) / math.sqrt(len(zs)) if zs else 0.0
    if abs(total_z) > Z_TOTAL:
        failures += 1
        print(f"MISMATCH the γ differences lean one way: mean z × √N = {total_z:+.2f}", file=sys.stderr)
    print(f"check-gamma: {args.cases} random corpora, {stats['articles']} articles "
          f"({stats['defined']} with γ, {stats['units']} units; {stats['undefined']} undefined on both sides; "
          f"{stats['perfect']} perfect), pygamma-agreement 0.5.9, {time.time() - start:.0f} s")
    print(f"  observed disorder: max relative difference {stats['max_rel']:.1e} (limit {OBSERVED_REL:g})")
    print(f"  γ: max |z| {stats['max_z']:.2f} (limit {Z_ARTICLE}), mean z × √N {total_z:+.2f} "
          f"(limit {Z_TOTAL}) over {len(zs)} articles; {failures} mismatch(es)")
    worst = sorted(stats.get("worst", []), reverse=True)[:3]
    print("  largest |z|: " + "; ".join(f"{w} γ {a:.3f} vs {b:.3f} (z {z:.2f})" for z, w, a, b in worst))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
