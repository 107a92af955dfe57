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

and writes a table of the goals against the measured values. Everything in the output file
after the line KEEP_MARKER (below) is kept as it is: sections measured by `cargo bench`
(agreement, grading, story, …) live there.
A command that is missing or
fails is reported as "not available"; the rest of the table is still written.

Usage: python3 scripts/perf-table.py [--frames N] [--corpus N] [--data DIR] [--out FILE]
                                     [--skip-build] [--reuse-data]
Standard library only. Peak memory is each command's maximum resident set size, as GNU time
(`/usr/bin/time`) reports it, else as wait4(2) does (which includes this script's own peak).
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Everything after this line of docs/performance.md is kept by a rewrite.
KEEP_MARKER = "<!-- perf-table.py keeps everything below this line: figures from `cargo bench` -->"

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
    args = ap.parse_args()

    tagline = ROOT / "target" / "release" / "tagline"
    gen = ROOT / "target" / "release" / "examples" / "gen"
    if not args.skip_build:
        print("building release (the first time takes several minutes)…", flush=True)
        check(run(["cargo", "build", "--release", "--features", "test-support", "--bin", "tagline", "--example", "gen"],
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

    write_report(args, results, validate, machine())
    print(f"wrote {args.out}")


def get(results, name, part, key):
    value = results.get(name, {}).get(part)
    return None if value is None else value.get(key)


def write_report(args, results, validate, m):
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
    w("## How to reproduce\n")
    w("```sh")
    w("python3 scripts/perf-table.py            # builds release, writes target/perf-data, "
      "rewrites this file")
    w("python3 scripts/perf-table.py --skip-build --reuse-data   # measure again only")
    w("cargo bench --bench core                 # core micro-benchmarks (divan): open, save, "
      "validate, decode, offsets")
    w("```\n")
    w("The articles come from `tagline::synth` (deterministic: the same bytes on every "
      "machine): news-like paragraphs with curly quotes, em dashes, no-break spaces, CJK names "
      "and emoji; ten annotations per KB with valid offsets, context and relations. "
      "`cargo run --release --features test-support --example gen -- DIR` writes them; sizes are decimal "
      "(1 MB = 1,000,000 bytes).")
    kept = ""
    if args.out.exists():
        old = args.out.read_text(encoding="utf-8")
        if KEEP_MARKER in old:
            kept = old.split(KEEP_MARKER, 1)[1]
    w("")
    w(KEEP_MARKER)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(out) + kept.rstrip("\n").rstrip() + "\n" if kept.strip()
                        else "\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
