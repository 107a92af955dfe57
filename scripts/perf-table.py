#!/usr/bin/env python3
"""Measure Tagline against its performance goals and write docs/performance.md.

Builds the release binary and the `gen` example, writes the synthetic benchmark articles
(tagline::synth: 10 KB, 50 KB, 1 MB and 10 MB of news with ten annotations per KB, a 10 MB
article on one line, a 10 MB article with CR line endings, and a corpus of 10,000 short
articles), then runs

    tagline bench open FILE --json              text_ms, highlights_ms, peak_rss_mb
    tagline bench view FILE --frames N --json   frames, median_ms, p95_ms, p99_ms, max_ms
    gen --time FILE                             core open and save times (no window)
    tagline validate CORPUS                     wall time and peak memory
    tagline stats CORPUS --json                 wall time and peak memory
    tagline export --format F CORPUS -o OUT     wall time and peak memory, every format
    tagline bench compare 1MB-FILE --json       the compare view (3 annotators): frames

and writes a table of the goals against the measured values. Then it runs

    cargo bench --features test-support --bench NAME   for agreement, story, core, export, view

(divan), saves each run's output in DATA/benches/NAME.json, reads divan's tables
(`parse_divan`) and writes the benchmark sections: each goal with its median and status, γ,
and every micro-benchmark's figures with its doc comment from benches/NAME.rs. The output file
is three parts: the measured figures, the benchmark sections after BENCH_MARKER, and after
KEEP_MARKER whatever was written there by hand, kept as it is. `--skip-benches` keeps the
benchmark part of the existing file, `--benches-only` its measured part. A command that is
missing or fails is reported as "not available"; the rest is still written.

Usage: python3 scripts/perf-table.py [--frames N] [--corpus N] [--data DIR] [--out FILE]
                                     [--skip-build] [--reuse-data] [--cargo CMD]
                                     [--skip-benches | --benches-only] [--reuse-benches]
Standard library only; `python3 -m unittest discover -s scripts -p 'test_*.py'` tests the
parser. Peak memory is each command's maximum resident set size, as GNU time (`/usr/bin/time`)
reports it, else as wait4(2) does (which includes this script's own peak).
"""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Everything after this line of docs/performance.md is kept by a rewrite.
KEEP_MARKER = "<!-- perf-table.py keeps everything below this line -->"
# Between this line and KEEP_MARKER: the `cargo bench` sections (rewritten unless --skip-benches).
BENCH_MARKER = "<!-- perf-table.py: `cargo bench` sections from here (--skip-benches keeps them) -->"
# The keep line of earlier versions, read as KEEP_MARKER.
OLD_KEEP_MARKER = ("<!-- perf-table.py keeps everything below this line: figures from "
                   "`cargo bench` -->")

# `tagline export --format` values, in the order docs/export.md lists them.
EXPORT_FORMATS = ["jsonl", "spacy", "conll", "csv", "brat", "label-studio", "inception", "w3c"]

# (file name, label) of the standard articles, as in tagline::synth::BENCH_SPECS.
ARTICLES = [
    ("news-10kb.txt", "10 KB, 100 annotations"),
    ("news-50kb.txt", "50 KB, 500 annotations"),
    ("news-1mb.txt", "1 MB, 10,000 annotations"),
    ("news-10mb.txt", "10 MB, 100,000 annotations"),
    ("single-line-10mb.txt", "10 MB on one line, 100,000 annotations"),
    ("cr-only-10mb.txt", "10 MB, CR line endings, 100,000 annotations"),
]


# ---------------------------------------------------------------------------------------------
# divan's tables (`cargo bench`)

# divan's duration units, in seconds (it prints `7.19 m` for minutes).
TIME_UNITS = {"ps": 1e-12, "ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0,
              "m": 60.0, "h": 3600.0}
# Throughput prefixes (divan prints decimal ones by default, binary with --bytes-format=binary).
RATE_PREFIXES = {"": 1.0, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
                 "Ki": 2.0 ** 10, "Mi": 2.0 ** 20, "Gi": 2.0 ** 30, "Ti": 2.0 ** 40}
DURATION_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*(ps|ns|µs|us|ms|s|m|h)$")
RATE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*(K|M|G|T|Ki|Mi|Gi|Ti)?(B|item)/s$")
# A row of the tree: `├─ name`, `│  ╰─ name`, … (divan draws `╰─`, older versions `└─`).
BRANCH_RE = re.compile(r"^(?P<prefix>(?:[│|]  |   )*)(?:├─|╰─|└─) (?P<rest>.*)$")
# Where the tree's drawing of a throughput line ends.
TREE_CHARS = "│|├╰└─ "
# The column names of divan's header line, in the order divan prints them.
STAT_COLUMNS = ("fastest", "slowest", "median", "mean")


def parse_duration(text):
    """Seconds of a divan duration such as `385.6 ns`, `16.48 µs`, `2.603 s`; None otherwise."""
    m = DURATION_RE.match(text.strip())
    return float(m.group(1)) * TIME_UNITS[m.group(2)] if m else None


def parse_rate(text):
    """(per second, "bytes" or "items") of a divan throughput such as `69.79 MB/s` or
    `1.916 Mitem/s`; None otherwise."""
    m = RATE_RE.match(text.strip())
    if not m:
        return None
    kind = "bytes" if m.group(3) == "B" else "items"
    return float(m.group(1)) * RATE_PREFIXES[m.group(2) or ""], kind


def parse_divan(text):
    """The benchmarks of divan's table output (`cargo bench`'s standard output).

    Returns a dict from each row's path, a tuple such as `("core", "open", "news-10mb.txt")`
    (the bench target, then the tree's names from the top), to a dict with `fastest`,
    `slowest`, `median`, `mean` (seconds, or None where the cell is empty or not a duration),
    `samples` and `iters` (int or None), `rates` (per statistic, `(per second, kind)` from a
    counter's throughput line, when the benchmark has one) and `text` (the cells as printed).
    Rows of groups (a function with arguments, a module) have no figures. Lines that are not
    part of a table (cargo's, a benchmark's own output, a run cut short) are skipped; several
    tables in one text are all read. `--test` output (names only) gives rows without figures.
    """
    rows = {}
    root = None
    columns = None
    stack = []
    last = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        branch = BRANCH_RE.match(line)
        if branch is None and line[0] not in TREE_CHARS:
            # A bench target's header (`core   fastest │ slowest │ …`), or in --test mode its
            # name alone; anything else is not divan's.
            cells = [c.strip() for c in line.split("│")]
            head = cells[0].split()
            if len(cells) > 1 and len(head) == 2 and head[1] == "fastest":
                root, columns = head[0], [head[1]] + cells[1:]
            elif len(cells) == 1 and len(head) == 1 and re.match(r"^[\w-]+$", head[0]):
                root, columns = head[0], None
            else:
                root = None
            stack, last = [], None
            continue
        if root is None:
            continue
        if branch is not None:
            depth = len(branch.group("prefix")) // 3
            cells = branch.group("rest").split("│")
            # The name is separated from the first figure by a run of spaces (names never
            # hold two spaces in a row: divan prints Rust names and argument values).
            name, _, first = cells[0].strip().partition("  ")
            name = name.strip()
            if not name:
                last = None
                continue
            del stack[depth:]
            stack += [None] * (depth - len(stack))
            stack.append(name)
            values = [first.strip()] + [c.strip() for c in cells[1:]]
            row = {"fastest": None, "slowest": None, "median": None, "mean": None,
                   "samples": None, "iters": None, "rates": {}, "text": {}}
            for col, value in zip(columns or [], values):
                row["text"][col] = value
                if col in STAT_COLUMNS:
                    row[col] = parse_duration(value)
                elif col in ("samples", "iters"):
                    row[col] = int(value) if value.isdigit() else None
            path = (root,) + tuple(n for n in stack if n is not None)
            rows[path] = row
            last = row
        elif last is not None and columns:
            # A counter's throughput under the row: `│  │   69.79 MB/s │ 68.59 MB/s │ …`.
            cells = line.split("│")
            # The first cell(s) may be the tree's own vertical lines: drop cells that are
            # only drawing until the first figure.
            values = [c.strip() for c in cells]
            while values and values[0].strip(TREE_CHARS) == "":
                values.pop(0)
            if values:
                values[0] = values[0].lstrip(TREE_CHARS)
            for col, value in zip(columns, values):
                rate = parse_rate(value)
                if col in STAT_COLUMNS and rate is not None:
                    last["rates"][col] = rate
    return rows


def bench_docs(source):
    """The `///` doc comment of each `#[divan::bench]` function in a bench's source, joined
    into one line, by function name."""
    docs = {}
    doc = []
    in_attr = False
    for line in source.splitlines():
        text = line.strip()
        if text.startswith("///"):
            doc.append(text[3:].strip())
            continue
        if text.startswith("#[divan::bench"):
            in_attr = True
            continue
        m = re.match(r"^(?:pub )?fn (\w+)\s*[(<]", text)
        if m and in_attr:
            docs[m.group(1)] = " ".join(d for d in doc if d)
        if in_attr and not m:
            continue  # the attribute's own lines (`args = […],`, `)]`)
        in_attr = False
        doc = []
    return docs


def fmt_time(seconds):
    """A duration with three significant figures in the unit that suits it."""
    if seconds is None:
        return "not available"
    for unit, scale in (("h", 3600.0), ("min", 60.0), ("s", 1.0), ("ms", 1e-3), ("µs", 1e-6),
                        ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            v = seconds / scale
            digits = 0 if v >= 100 else 1 if v >= 10 else 2
            return f"{v:.{digits}f} {unit}"
    return f"{seconds} s"


def fmt_limit(seconds):
    """A goal's limit: `2 s`, `500 ms`."""
    return fmt_time(seconds).replace(".00 ", " ").replace(".0 ", " ")


def fmt_range(low, high):
    """`1.61–1.93 s`, or `85.8 ms – 1.20 s` across units."""
    a, b = fmt_time(low), fmt_time(high)
    if a.split()[-1] == b.split()[-1]:
        return f"{a.split()[0]}–{b}"
    return f"{a} – {b}"


def fmt_rate(rate):
    """A throughput, bytes as MB/s (decimal, as the file sizes here) or items per second."""
    if rate is None:
        return ""
    value, kind = rate
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("K", 1e3), ("", 1.0)):
        if value >= scale or prefix == "":
            v = value / scale
            digits = 0 if v >= 100 else 1 if v >= 10 else 2
            return f"{v:.{digits}f} {prefix}B/s" if kind == "bytes" else \
                f"{v:.{digits}f} {prefix} items/s".replace("  ", " ")
    return ""


# The `cargo bench` targets, in the order their sections are written.
BENCH_TARGETS = ["agreement", "story", "core", "export", "view"]

# γ's alignment problems in `gamma_1000_articles_3_annotators`: per article the annotators'
# own continuum and `GammaOptions::default().samples` (30) sampled ones.
GAMMA_ARTICLES, GAMMA_SAMPLES = 1000, 30

# Goals of the `cargo bench` benchmarks: (path, what, limit in seconds). The medians count.
BENCH_GOALS = {
    "agreement": [
        (("agreement", "agree_1000_articles_3_annotators"),
         "`agree`: 1,000 articles × 3 annotators (≈ 3 KB, ≈ 15 spans each), all figures and "
         "the JSON", 2.0),
        (("agreement", "grade_30_students_10_articles"),
         "`grade`: 30 students × 10 articles (15 key annotations each), gradebook and all 31 "
         "pages", 1.0),
    ],
    "story": [
        (("story", "group_200_articles_20_annotations"),
         "`story`: group 200 articles × 20 quotes and claims (`synth::story_corpus`), with the "
         "JSON", 2.0),
    ],
}

# What each bench target's section says it measures (the micro-benchmarks' rows add their
# functions' doc comments).
BENCH_PROSE = {
    "agreement": (
        "The corpus is generated (`synth::article_text`, 1,000 articles of about 3 KB); three "
        "annotators have about 15 spans each per article, perturbed copies of one another "
        "(shifted boundaries, other tags, extras and misses). Each iteration computes every "
        "figure `tagline agree` reports and its JSON, in memory (no files). The grading "
        "benchmark grades 30 students, each a perturbed copy of a key of 10 articles (15 "
        "annotations and 5 relations each) with the default rubric, and writes the gradebook, "
        "the 30 feedback pages and the class page as strings."
    ),
    "gamma": (
        "γ (`tagline agree --measure gamma`) is reported apart: it is opt-in and has no goal of "
        "its own. `gamma_1000_articles_3_annotators` runs the agreement benchmark's corpus with "
        "γ on: every figure above plus, per article, the best alignment of the annotators' "
        f"spans and of {GAMMA_SAMPLES} sampled continua "
        f"({GAMMA_ARTICLES * (GAMMA_SAMPLES + 1):,} alignment problems), and the JSON."
    ),
    "story": (
        "The corpus: 200 articles of 20 statements each (`synth::story_corpus`), drawn from a "
        "pool of 40 clauses and printed trimmed, with a synonym or with a changed figure, among "
        "news-like filler. Each iteration groups them as `tagline story` does (matching runs on "
        "every core; identical quotes are matched once) and writes the JSON."
    ),
    "core": (
        "The pure core on the standard synthetic articles (`tagline::synth`, as above: ten "
        "annotations per KB, 1 MB = 1,000,000 bytes) and on a corpus of 10,000 short articles, "
        "generated into a temporary folder when the run starts. No goals of their own: the "
        "goals above are measured end to end; these locate the time."
    ),
    "export": (
        "`tagline export`'s library path on the generated 10,000-article corpus: walking it, "
        "opening each document and writing each format through an atomic `Output`, one "
        "document at a time (the end-to-end figures with the release binary are in the export "
        "table above)."
    ),
    "view": (
        "The article view's building blocks (whole frames are measured by `tagline bench "
        "view`, above)."
    ),
}

BENCH_TITLES = {
    "agreement": "Agreement and grading",
    "story": "Story",
    "core": "Core micro-benchmarks",
    "export": "Export, library path",
    "view": "Article view, building blocks",
}

STORY_RE = re.compile(r"(\d+) articles: (\d+) groups \((\d+) shared\), (\d+) members "
                      r"\((\d+) found by matching\)")


def loadavg():
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def bench_why(r):
    """Why a `cargo bench` run gave nothing: cargo's error line if it printed one."""
    if r.code is None:
        return "timed out"
    errors = [line.strip() for line in r.err.splitlines() if line.startswith("error")]
    return errors[0][:160] if errors else r.why_not()


def run_benches(args, m):
    """Runs (or with --reuse-benches, reads back) `cargo bench` for every target; each run's
    output is saved as DATA/benches/NAME.json."""
    saved = args.data / "benches"
    saved.mkdir(parents=True, exist_ok=True)
    out = {}
    for name in BENCH_TARGETS:
        path = saved / f"{name}.json"
        if args.reuse_benches:
            try:
                out[name] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                out[name] = {"code": None, "stdout": "", "stderr": "",
                             "why": f"no saved output in {path}"}
            continue
        cmd = args.cargo + ["bench", "--features", "test-support", "--bench", name]
        print(f"{' '.join(cmd)}…", flush=True)
        before = loadavg()
        r = run(cmd, timeout=3600)
        record = {
            "command": " ".join(["cargo"] + cmd[len(args.cargo):]),
            "code": r.code,
            "stdout": r.out,
            "stderr": r.err[-20000:],
            "wall_s": r.wall_s,
            "load": [before, loadavg()],
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "why": None if r.code == 0 else bench_why(r),
            "commit": m["commit"],
        }
        path.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        out[name] = record
        rows = [k for k, v in parse_divan(r.out).items() if v["median"] is not None]
        print(f"  {len(rows)} benchmarks" + (f"; failed: {record['why']}" if record["why"] else ""))
    return out


def median_text(row):
    """`1.79 s median (1.61–1.93 s over 5 samples)`."""
    if row is None or row["median"] is None:
        return "not available"
    text = f"{fmt_time(row['median'])} median"
    if row["fastest"] is not None and row["slowest"] is not None and row["samples"]:
        text += f" ({fmt_range(row['fastest'], row['slowest'])} over {row['samples']} samples)"
    return text


def render_benches(runs, sources):
    """The `cargo bench` sections of docs/performance.md, as lines."""
    out = []
    w = out.append
    parsed = {name: parse_divan(r.get("stdout", "")) for name, r in runs.items()}
    dates = sorted({r["date"] for r in runs.values() if r.get("date")})
    loads = [x for r in runs.values() for x in (r.get("load") or []) if x is not None]
    commits = sorted({r["commit"] for r in runs.values() if r.get("commit")})
    w("## Benchmarks (`cargo bench`)\n")
    intro = ("Each target below is run as `cargo bench --features test-support --bench NAME` "
             "(release code, divan) by `scripts/perf-table.py`, one after another, on the machine "
             "above")
    if commits:
        intro += " at commit " + " and ".join(commits)
    if dates:
        intro += f", {dates[0]}" + (f" to {dates[-1]}" if dates[-1] != dates[0] else "")
    if loads:
        intro += f" (load average {min(loads):.1f}–{max(loads):.1f})"
    intro += (". A figure is divan's median over its samples, with the fastest and slowest "
              "sample's in brackets (a sample is the mean of its iterations). `python3 "
              "scripts/perf-table.py --benches-only` runs these alone and rewrites this part.\n")
    w(intro)

    def missing(name):
        r = runs.get(name) or {}
        if r.get("why"):
            return f"not available: `{r.get('command', 'cargo bench --bench ' + name)}` " \
                   f"failed ({r['why']})"
        return None

    def goal_table(name):
        rows = parsed.get(name, {})
        w("| Goal | Target | Measured | Status |")
        w("| --- | --- | --- | --- |")
        for path, what, limit in BENCH_GOALS[name]:
            row = rows.get(path)
            median = row["median"] if row else None
            w(f"| {what} | ≤ {fmt_limit(limit)} | {median_text(row)} | {verdict(median, limit)} |")
        w("")

    # Agreement, grading and γ.
    w(f"### {BENCH_TITLES['agreement']} (`cargo bench --bench agreement`)\n")
    if missing("agreement"):
        w(missing("agreement") + "\n")
    goal_table("agreement")
    w(BENCH_PROSE["agreement"] + "\n")
    w("#### γ (`tagline agree --measure gamma`)\n")
    w(BENCH_PROSE["gamma"] + "\n")
    rows = parsed.get("agreement", {})
    gamma = rows.get(("agreement", "gamma_1000_articles_3_annotators"))
    agree = rows.get(("agreement", "agree_1000_articles_3_annotators"))
    note = "—"
    if gamma and agree and gamma["median"] is not None and agree["median"] is not None:
        extra = gamma["median"] - agree["median"]
        problems = GAMMA_ARTICLES * (GAMMA_SAMPLES + 1)
        note = (f"the other figures alone take {fmt_time(agree['median'])} (above), so γ adds "
                f"about {fmt_time(extra)} (≈ {fmt_time(extra / problems)} per alignment problem)")
    w("| Measure | Measured | Notes |")
    w("| --- | --- | --- |")
    w(f"| `agree --measure gamma`, the same 1,000 articles × 3 annotators "
      f"(`gamma_1000_articles_3_annotators`) | {median_text(gamma)} | {note} |")
    w("")

    # Story.
    w(f"### {BENCH_TITLES['story']} (`cargo bench --bench story`)\n")
    if missing("story"):
        w(missing("story") + "\n")
    goal_table("story")
    prose = BENCH_PROSE["story"]
    counts = STORY_RE.findall((runs.get("story") or {}).get("stderr", ""))
    if counts:
        articles, groups, shared, members, found = (int(x) for x in counts[-1])
        prose += (f" Grouping the {articles:,} articles finds {groups:,} groups ({shared:,} "
                  f"shared by several articles) with {members:,} members, {found:,} of them "
                  "found by matching in unannotated text.")
    w(prose + "\n")

    # The micro-benchmarks: every row, with what it measures.
    for name in ("core", "export", "view"):
        w(f"### {BENCH_TITLES[name]} (`cargo bench --bench {name}`)\n")
        w(BENCH_PROSE[name] + "\n")
        if missing(name):
            w(missing(name) + "\n")
        rows = [(path, row) for path, row in parsed.get(name, {}).items()
                if row["median"] is not None]
        if not rows:
            if not missing(name):
                w("not available: the run printed no figures\n")
            continue
        has_rate = any(row["rates"] for _, row in rows)
        w("| Benchmark | Median | Fastest – slowest | Mean |"
          + (" Throughput (median) |" if has_rate else "") + " Samples | Iterations |")
        w("| --- | --- | --- | --- |" + (" --- |" if has_rate else "") + " --- | --- |")
        for path, row in rows:
            cells = [f"`{' / '.join(path[1:])}`", fmt_time(row["median"]),
                     fmt_range(row["fastest"], row["slowest"]),
                     fmt_time(row["mean"])]
            if has_rate:
                cells.append(fmt_rate(row["rates"].get("median")))
            cells += [str(row["samples"] or ""), str(row["iters"] or "")]
            w("| " + " | ".join(cells) + " |")
        w("")
        docs = bench_docs(sources.get(name, ""))
        seen = []
        for path, _ in rows:
            fn = next((n for n in reversed(path[1:]) if n in docs), None)
            if fn and docs[fn] and fn not in seen:
                seen.append(fn)
        if seen:
            w("What each measures (from the benchmarks' doc comments):\n")
            for fn in seen:
                w(f"- `{fn}`: {docs[fn]}")
            w("")
    return out


class Run:
    """The outcome of one command."""

    def __init__(self, cmd, code, out, err, wall_s, max_rss_mb):
        self.cmd = cmd
        self.code = code
        self.out = out
        self.err = err
        self.wall_s = wall_s
        self.max_rss_mb = max_rss_mb

    def json(self, keys):
        """The last JSON object printed that has all `keys`, or None."""
        candidates = [self.out] + self.out.splitlines()[::-1]
        for text in candidates:
            text = text.strip()
            if not text.startswith("{"):
                continue
            try:
                value = json.loads(text)
            except ValueError:
                continue
            if isinstance(value, dict) and all(k in value for k in keys):
                return value
        return None

    def why_not(self):
        """A short reason this run gave nothing usable."""
        if self.code is None:
            return "timed out"
        lines = [line for line in self.err.splitlines() if line.strip()]
        reason = lines[0].strip() if lines else f"exit code {self.code}"
        return reason[:120]


# Linux carries a process's peak RSS across fork and exec, so a child forked from this script
# reports at least this script's own peak. GNU time forks from a small process and reports
# the command's own figure: use it when present.
GNU_TIME = "/usr/bin/time"
RSS_TAG = "perf-table-maxrss-kb="


def run(cmd, timeout=900, cwd=ROOT):
    """Runs `cmd`, capturing its output, wall time and peak memory."""
    timed = os.access(GNU_TIME, os.X_OK)
    if timed:
        cmd = [GNU_TIME, "-f", RSS_TAG + "%M"] + list(cmd)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(
                [str(c) for c in cmd], stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd
            )
        except OSError as e:
            return Run(cmd, 127, "", str(e), 0.0, None)
        timed_out = []

        def kill():
            timed_out.append(True)
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        err_text = err.read().decode("utf-8", "replace")
        max_rss_mb = usage.ru_maxrss / 1024.0  # Linux reports KiB
        if timed:
            cmd = cmd[3:]
            kept = []
            for line in err_text.splitlines():
                if line.startswith(RSS_TAG):
                    max_rss_mb = int(line[len(RSS_TAG):]) / 1024.0
                elif not line.startswith("Command exited with non-zero status"):
                    kept.append(line)
            err_text = "\n".join(kept)
        return Run(
            cmd,
            None if timed_out else proc.returncode,
            out.read().decode("utf-8", "replace"),
            err_text,
            wall,
            max_rss_mb,
        )


def check(r, what):
    if r.code != 0:
        sys.stderr.write(r.out[-4000:] + r.err[-4000:])
        sys.exit(f"perf-table: {what} failed ({r.why_not()})")


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB memory"
    except OSError:
        pass
    rustc = run(["rustc", "--version"]).out.strip() or "rustc: unknown"
    commit = run(["git", "rev-parse", "--short", "HEAD"]).out.strip() or "unknown"
    dirty = run(["git", "status", "--porcelain", "--untracked-files=no"]).out.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "rustc": rustc,
        "commit": commit + (" with uncommitted changes" if dirty else ""),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def fmt(v, unit="", digits=1):
    if v is None:
        return "not available"
    if isinstance(v, (int, float)):
        return f"{v:,.{digits}f}{unit}"
    return str(v)


def verdict(value, limit):
    if value is None:
        return "not available"
    return "met" if value <= limit else "**not met**"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", type=int, default=2000, help="frames per `bench view` run")
    ap.add_argument("--corpus", type=int, default=10_000, help="articles in the corpus")
    ap.add_argument("--data", type=Path, default=ROOT / "target" / "perf-data")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    ap.add_argument("--skip-build", action="store_true", help="use the binaries as built")
    ap.add_argument("--reuse-data", action="store_true", help="keep files from an earlier run")
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--skip-benches", action="store_true",
                       help="no `cargo bench`: keep the file's benchmark sections as they are")
    which.add_argument("--benches-only", action="store_true",
                       help="only `cargo bench`: keep the file's other figures as they are")
    ap.add_argument("--reuse-benches", action="store_true",
                    help="no `cargo bench`: read the output an earlier run saved in DATA/benches")
    ap.add_argument("--cargo", default="cargo",
                    help="the cargo command, split on spaces (e.g. a wrapper that takes a lock)")
    args = ap.parse_args()
    args.cargo = args.cargo.split()

    old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    old_top, old_benches, kept = split_report(old)
    if args.benches_only and not old_top.strip():
        sys.exit(f"perf-table: --benches-only needs the other figures in {args.out}")
    m = machine()
    if args.benches_only:
        top = old_top
    else:
        top = "\n".join(write_report(args, *measure(args), m))
    if args.skip_benches:
        benches = old_benches
    else:
        sources = {}
        for name in BENCH_TARGETS:
            try:
                sources[name] = (ROOT / "benches" / f"{name}.rs").read_text(encoding="utf-8")
            except OSError:
                sources[name] = ""
        benches = "\n".join(render_benches(run_benches(args, m), sources))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(join_report(top, benches, kept), encoding="utf-8")
    print(f"wrote {args.out}")


def split_report(text):
    """(the measured part, the `cargo bench` part, the kept part) of an earlier output."""
    kept = ""
    text = text.replace(OLD_KEEP_MARKER, KEEP_MARKER)
    if KEEP_MARKER in text:
        text, kept = text.split(KEEP_MARKER, 1)
    benches = ""
    if BENCH_MARKER in text:
        text, benches = text.split(BENCH_MARKER, 1)
    return text, benches, kept


def join_report(top, benches, kept):
    parts = [top.strip("\n"), BENCH_MARKER]
    if benches.strip():
        parts.append(benches.strip("\n"))
    parts.append(KEEP_MARKER)
    text = "\n\n".join(parts)
    if kept.strip():
        text += "\n" + kept.strip("\n")
    return text + "\n"


def measure(args):
    """Builds, writes the articles and measures them: (per-article results, corpus figures,
    compare view figures)."""
    tagline = ROOT / "target" / "release" / "tagline"
    gen = ROOT / "target" / "release" / "examples" / "gen"
    if not args.skip_build:
        print("building release (the first time takes several minutes)…", flush=True)
        check(run(args.cargo + ["build", "--release", "--features", "test-support", "--bin",
                                "tagline", "--example", "gen"],
                  timeout=3600), "cargo build --release")
    data = args.data
    if not (args.reuse_data and (data / "news-10mb.txt").exists()):
        print(f"writing benchmark articles into {data}…", flush=True)
        check(run([gen, data, "--corpus", args.corpus], timeout=1800), "gen")

    results = {}
    for name, label in ARTICLES:
        path = data / name
        print(f"measuring {name}…", flush=True)
        r_open = run([tagline, "bench", "open", path, "--json"], timeout=300)
        r_view = run([tagline, "bench", "view", path, "--frames", args.frames, "--json"],
                     timeout=900)
        r_core = run([gen, "--time", path, "--repeat", 5], timeout=600)
        o = r_open.json(["text_ms", "highlights_ms"]) if r_open.code == 0 else None
        v = r_view.json(["median_ms", "p99_ms", "jump_max_ms"]) if r_view.code == 0 else None
        c = r_core.json(["open_ms", "save_ms"]) if r_core.code == 0 else None
        results[name] = {
            "label": label,
            "open": o,
            "open_rss": r_open.max_rss_mb if o else None,
            "open_why": None if o else r_open.why_not(),
            "view": v,
            "view_rss": r_view.max_rss_mb if v else None,
            "view_why": None if v else r_view.why_not(),
            "core": c,
            "core_rss": r_core.max_rss_mb if c else None,
        }
        for what, value, why in [("bench open", o, r_open), ("bench view", v, r_view),
                                 ("gen --time", c, r_core)]:
            print(f"  {what}: {json.dumps(value) if value else 'not available (' + why.why_not() + ')'}")

    corpus = data / "corpus"
    validate = {"10k": None, "1k": None}
    if corpus.is_dir():
        print("validating the corpus…", flush=True)
        full = run([tagline, "validate", corpus], timeout=900)
        one = run([tagline, "validate", corpus / "outlet-00"], timeout=900)
        for key, r in [("10k", full), ("1k", one)]:
            files = sum(1 for line in r.out.splitlines() if line.endswith(": ok"))
            validate[key] = {"code": r.code, "wall_s": r.wall_s, "rss": r.max_rss_mb,
                             "files": files, "why": None if r.code == 0 else r.why_not()}
            print(f"  {key}: {json.dumps(validate[key])}")
        print("corpus statistics…", flush=True)
        r = run([tagline, "stats", corpus, "--json"], timeout=900)
        try:
            counted = json.loads(r.out)["articles"]["total"] if r.code == 0 else None
        except (ValueError, KeyError, TypeError):
            counted = None
        validate["stats"] = {"code": r.code, "wall_s": r.wall_s, "rss": r.max_rss_mb,
                             "articles": counted,
                             "why": None if r.code == 0 else r.why_not()}
        print(f"  stats: {json.dumps(validate['stats'])}")
        validate["export"] = {}
        out_root = Path(tempfile.mkdtemp(prefix="tagline-perf-export-"))
        for fmt_name in EXPORT_FORMATS:
            print(f"exporting the corpus as {fmt_name}…", flush=True)
            row = {}
            for key, src in [("10k", corpus), ("1k", corpus / "outlet-00")]:
                dest = out_root / f"{fmt_name}-{key}"
                r = run([tagline, "export", "--format", fmt_name, src, "-o", dest, "--force"],
                        timeout=900)
                # Exit 1 means "done, with losses the summary names" (e.g. spans off token
                # boundaries): the export still ran to the end.
                row[key] = {"code": r.code, "wall_s": r.wall_s, "rss": r.max_rss_mb,
                            "why": None if r.code in (0, 1) else r.why_not()}
                subprocess.run(["rm", "-rf", str(dest)], check=False)
            validate["export"][fmt_name] = row
            print(f"  {json.dumps(row)}")
        subprocess.run(["rm", "-rf", str(out_root)], check=False)

    print("compare view, 3 annotators on news-1mb.txt…", flush=True)
    r_cmp = run([tagline, "bench", "compare", data / "news-1mb.txt", "--annotators", 3,
                 "--frames", args.frames, "--json"], timeout=900)
    cmp = r_cmp.json(["candidates", "compare_ms", "view"]) if r_cmp.code == 0 else None
    compare = {"figures": cmp, "rss": r_cmp.max_rss_mb if cmp else None,
               "why": None if cmp else r_cmp.why_not()}
    print(f"  bench compare: {json.dumps(cmp) if cmp else 'not available (' + compare['why'] + ')'}")
    return results, validate, compare


def get(results, name, part, key):
    value = results.get(name, {}).get(part)
    return None if value is None else value.get(key)


def write_report(args, results, validate, compare, m):
    big, small, mid = "news-10mb.txt", "news-10kb.txt", "news-50kb.txt"
    med_big = get(results, big, "view", "median_ms")
    med_small = get(results, small, "view", "median_ms")
    ratio = med_big / med_small if med_big is not None and med_small else None
    rss_candidates = [results[big][k] for k in ("open_rss", "view_rss") if results[big][k]]
    peak = max(rss_candidates) if rss_candidates else None
    peak_text = fmt(peak, " MB", 0)
    if peak is None and results[big]["core_rss"]:
        peak_text += f" (the core alone, opening and saving: {results[big]['core_rss']:.0f} MB)"
    v10, v1 = validate["10k"], validate["1k"]
    v_time = v10["wall_s"] if v10 and v10["code"] == 0 else None
    st = validate.get("stats")
    st_time = st["wall_s"] if st and st["code"] == 0 else None
    ex = validate.get("export") or {}
    ex_ok = {f: r for f, r in ex.items() if all(r[k]["why"] is None for k in ("10k", "1k"))}
    ex_time, ex_slowest, ex_flat, ex_flat_text = None, None, "not available", "not available"
    if ex_ok and len(ex_ok) == len(EXPORT_FORMATS):
        ex_slowest = max(ex_ok, key=lambda f: ex_ok[f]["10k"]["wall_s"])
        ex_time = ex_ok[ex_slowest]["10k"]["wall_s"]
        big_rss = max(r["10k"]["rss"] or 0 for r in ex_ok.values())
        small_rss = max(r["1k"]["rss"] or 0 for r in ex_ok.values())
        ex_flat_text = f"{small_rss:.0f} MB for 1,000 → {big_rss:.0f} MB for {args.corpus:,}"
        ex_flat = "met" if big_rss <= 1.5 * small_rss + 5 else "not met"
    flat = None
    if v10 and v1 and v10["code"] == 0 and v1["code"] == 0:
        flat = f"{v1['rss']:.0f} MB for 1,000 → {v10['rss']:.0f} MB for 10,000"
        flat_ok = v10["rss"] <= max(1.25 * v1["rss"], v1["rss"] + 10)
    rows = [
        ("Frame CPU, scrolling/selecting 10 MB + 100k annotations: median", "≤ 2 ms",
         fmt(med_big, " ms", 2), verdict(med_big, 2.0)),
        ("Frame CPU, scrolling/selecting 10 MB + 100k annotations: p99", "≤ 8 ms",
         fmt(get(results, big, "view", "p99_ms"), " ms", 2),
         verdict(get(results, big, "view", "p99_ms"), 8.0)),
        ("Frame time ratio, 10 MB vs 10 KB (medians)", "≤ 1.5",
         fmt(ratio, "", 2), verdict(ratio, 1.5)),
        ("Jump to an unseen region, 10 MB (slowest jump frame of `bench view`)", "≤ 16 ms",
         fmt(get(results, big, "view", "jump_max_ms"), " ms", 2),
         verdict(get(results, big, "view", "jump_max_ms"), 16.0)),
        ("Creating an annotation: key press to highlight painted", "same frame",
         "same frame", "met (the key is handled before the view paints from the document; "
         "`tests/it/gui.rs` checks it with a single frame step)"),
        ("Open 50 KB + 500 annotations to interactive (all highlights)", "≤ 100 ms",
         fmt(get(results, mid, "open", "highlights_ms"), " ms"),
         verdict(get(results, mid, "open", "highlights_ms"), 100.0)),
        ("Open 10 MB: text on screen", "≤ 150 ms",
         fmt(get(results, big, "open", "text_ms"), " ms"),
         verdict(get(results, big, "open", "text_ms"), 150.0)),
        ("Open 10 MB: all 100k highlights", "≤ 500 ms",
         fmt(get(results, big, "open", "highlights_ms"), " ms"),
         verdict(get(results, big, "open", "highlights_ms"), 500.0)),
        ("Save 10k annotations (1 MB article)", "≤ 50 ms",
         fmt(get(results, "news-1mb.txt", "core", "save_ms"), " ms"),
         verdict(get(results, "news-1mb.txt", "core", "save_ms"), 50.0)),
        ("Save 100k annotations (10 MB article)", "≤ 400 ms",
         fmt(get(results, big, "core", "save_ms"), " ms"),
         verdict(get(results, big, "core", "save_ms"), 400.0)),
        ("Peak memory, 10 MB + 100k annotations (the `bench` processes)", "≤ 150 MB RSS",
         peak_text, verdict(peak, 150.0)),
        (f"Validate a {args.corpus:,}-article corpus", "≤ 10 s",
         fmt(v_time, " s", 2), verdict(v_time, 10.0)),
        ("Validate: memory flat (peak RSS, 1,000 vs 10,000 articles)", "flat",
         fmt(flat), "not available" if flat is None else ("met" if flat_ok else "**not met**")),
        (f"Export a {args.corpus:,}-article corpus, slowest format (`tagline export`)", "≤ 10 s",
         fmt(ex_time, " s", 2) + (f" ({ex_slowest})" if ex_slowest else ""), verdict(ex_time, 10.0)),
        (f"Export: memory flat (peak RSS, 1,000 vs {args.corpus:,} articles, largest)", "flat",
         ex_flat_text, ex_flat),
        (f"Statistics of a {args.corpus:,}-article corpus (`tagline stats`)", "≤ 2 s",
         fmt(st_time, " s", 2), verdict(st_time, 2.0)),
    ]
    cmp = compare.get("figures") if compare else None
    cmp_view = cmp["view"] if cmp else {}
    cmp_what = (f"Compare view, 3 annotators on the 1 MB article ({cmp['candidates']:,} "
                "candidates)" if cmp else "Compare view, 3 annotators on the 1 MB article")
    rows += [
        (f"{cmp_what}: frame median", "≤ 2 ms", fmt(cmp_view.get("median_ms"), " ms", 2),
         verdict(cmp_view.get("median_ms"), 2.0)),
        ("Compare view: frame p99", "≤ 8 ms", fmt(cmp_view.get("p99_ms"), " ms", 2),
         verdict(cmp_view.get("p99_ms"), 8.0)),
        ("Compare view: slowest jump to an unseen region", "≤ 16 ms",
         fmt(cmp_view.get("jump_max_ms"), " ms", 2), verdict(cmp_view.get("jump_max_ms"), 16.0)),
        ("Compare view: building the comparison (pairing, candidates, agreement figures, the "
         "view's document)", "—", fmt(cmp.get("compare_ms") if cmp else None, " ms"), "no goal"),
    ]
    out = []
    w = out.append
    w("# Performance\n")
    w("Goals against measured values. This file is written by `scripts/perf-table.py`; "
      "re-run it rather than editing by hand.\n")
    w("| Goal | Target | Measured | Status |")
    w("| --- | --- | --- | --- |")
    for row in rows:
        w("| " + " | ".join(row) + " |")
    w("")
    w("\"not available\" means the command that measures it is missing or failed on this "
      "build (the reason is in the details below).\n")
    w("## Machine\n")
    w(f"- {m['cores']} cores: {m['cpu']}; {m['memory']}")
    w(f"- {m['os']}, {m['rustc']}")
    w(f"- commit {m['commit']}, measured {m['date']}")
    w("- The machine is shared with other work, so single runs are noisy: compare orders of "
      "magnitude, and re-run before drawing fine conclusions.\n")
    w("## Details\n")
    w("Opening and frames come from the window's own code run headless "
      f"(`tagline bench open` / `tagline bench view --frames {args.frames}`); "
      "core open and save times from `gen --time` (median of 5, `Document::open` and "
      "`Document::save` with fsync); peak RSS is each process's maximum resident set size "
      "over its whole run (the `bench open` and `bench view` processes for the window's code), "
      "with the `peak_rss_mb` that `bench open` reports itself in brackets.\n")
    w("| Article | text on screen | all highlights | bench peak RSS | frame median | p95 | "
      "p99 | max | core open | core save | core peak RSS |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, _ in ARTICLES:
        r = results[name]
        rss = [x for x in (r["open_rss"], r["view_rss"]) if x]
        w("| " + " | ".join([
            f"`{name}` ({r['label']})",
            fmt(get(results, name, "open", "text_ms"), " ms"),
            fmt(get(results, name, "open", "highlights_ms"), " ms"),
            fmt(max(rss) if rss else None, " MB", 0)
            + (f" (open reports {reported:.0f} MB)"
               if (reported := get(results, name, "open", "peak_rss_mb")) is not None else ""),
            fmt(get(results, name, "view", "median_ms"), " ms", 2),
            fmt(get(results, name, "view", "p95_ms"), " ms", 2),
            fmt(get(results, name, "view", "p99_ms"), " ms", 2),
            fmt(get(results, name, "view", "max_ms"), " ms", 2),
            fmt(get(results, name, "core", "open_ms"), " ms"),
            fmt(get(results, name, "core", "save_ms"), " ms"),
            fmt(r["core_rss"], " MB", 0),
        ]) + " |")
    w("")
    reasons = sorted({f"`bench {kind}`: {r[kind + '_why']}" for r in results.values()
                      for kind in ("open", "view") if r[kind + "_why"]})
    if reasons:
        w("Not available because:\n")
        for reason in reasons:
            w(f"- {reason}")
        w("")
    w("Validation (`tagline validate FOLDER`, output discarded):\n")
    for key, label in [("10k", f"{args.corpus:,} articles"), ("1k", "1,000 articles (one folder)")]:
        v = validate[key]
        if v:
            status = "exit 0" if v["code"] == 0 else f"failed: {v['why']}"
            w(f"- `tagline validate` on {label}: {v['wall_s']:.2f} s, peak RSS "
              f"{v['rss']:.0f} MB, {v['files']:,} files ok ({status})")
    st = validate.get("stats")
    if st:
        status = "exit 0" if st["code"] == 0 else f"failed: {st['why']}"
        w(f"- `tagline stats --json` on {args.corpus:,} articles: {st['wall_s']:.2f} s, peak RSS "
          f"{st['rss']:.0f} MB, {st['articles'] or 0:,} articles counted ({status})")
    if ex:
        w("")
        w(f"Export (`tagline export --format F CORPUS -o OUT --force`, release binary; the corpus "
          f"of `gen --corpus {args.corpus}` and its first folder of 1,000 articles):\n")
        w("| format | 1,000 articles: time | peak RSS | "
          f"{args.corpus:,} articles: time | peak RSS |")
        w("| --- | --- | --- | --- | --- |")
        for f_name, r in ex.items():
            cells = []
            for key in ("1k", "10k"):
                v = r[key]
                if v["why"]:
                    cells += [f"failed: {v['why']}", ""]
                else:
                    cells += [f"{v['wall_s']:.2f} s", fmt(v["rss"], " MB", 0)]
            w(f"| `{f_name}` | " + " | ".join(cells) + " |")
    w("")
    w(f"Compare view (`tagline bench compare news-1mb.txt --annotators 3 --frames {args.frames}`): "
      "the article's sidecar is the first annotator; the other two are varied from it (every "
      "9th span dropped, every 7th retagged, every 11th started a character later, shifted per "
      "annotator). The frames are `bench view`'s, drawn through the compare view's overlay.\n")
    if cmp:
        w(f"- {cmp['annotators']} annotators, {cmp['candidates']:,} candidates; building the "
          f"comparison (pairing, candidates, agreement figures, the view's document and its "
          f"overlay): {cmp['compare_ms']:.1f} ms")
        w(f"- {cmp_view.get('frames', 0):,} frames: median {cmp_view.get('median_ms', 0):.2f} ms, "
          f"p95 {cmp_view.get('p95_ms', 0):.2f} ms, p99 {cmp_view.get('p99_ms', 0):.2f} ms, "
          f"max {cmp_view.get('max_ms', 0):.2f} ms; {cmp_view.get('jumps', 0)} jumps: median "
          f"{cmp_view.get('jump_median_ms', 0):.2f} ms, max {cmp_view.get('jump_max_ms', 0):.2f} ms; "
          f"peak RSS {fmt(compare.get('rss'), ' MB', 0)}")
    else:
        why = compare.get("why") if compare else "not run"
        w(f"- not available: {why}")
    w("")
    w("## How to reproduce\n")
    w("```sh")
    w("python3 scripts/perf-table.py            # builds release, writes target/perf-data, "
      "rewrites this file")
    w("python3 scripts/perf-table.py --skip-build --reuse-data   # measure again only")
    w("python3 scripts/perf-table.py --skip-benches   # all but `cargo bench` (its sections kept)")
    w("python3 scripts/perf-table.py --benches-only   # only `cargo bench` (the rest kept)")
    w("cargo bench --features test-support --bench core   # one target by hand (divan), "
      "e.g. `-- open` to filter")
    w("```\n")
    w("Without `--skip-benches` the script also runs `cargo bench --features test-support "
      "--bench NAME` for each of " + ", ".join(f"`{b}`" for b in BENCH_TARGETS) + " and writes "
      "the benchmark sections below from divan's tables (the raw output is saved in "
      "`target/perf-data/benches/`; `--reuse-benches` writes the sections again from it). "
      "`--cargo \"CMD\"` runs cargo through a wrapper.\n")
    w("The articles come from `tagline::synth` (deterministic: the same bytes on every "
      "machine): news-like paragraphs with curly quotes, em dashes, no-break spaces, CJK names "
      "and emoji; ten annotations per KB with valid offsets, context and relations. "
      "`cargo run --release --features test-support --example gen -- DIR` writes them; sizes are decimal "
      "(1 MB = 1,000,000 bytes).")
    return out


if __name__ == "__main__":
    main()
