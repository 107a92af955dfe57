"""Tests of scripts/perf-table.py's reading of divan's tables and of the sections it writes.

Run from the repository: `python3 -m unittest discover -s scripts -p 'test_*.py'` (standard
library only, no build; well under a second). The tables below are real `cargo bench` output,
as divan 0.1.21 printed it on this project's benchmarks.
"""

import importlib.util
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("perf_table", HERE / "perf-table.py")
pt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pt)

# `view` in release: nested arguments under a group row, ns/µs/ms.
VIEW = """\
view                 fastest       │ slowest       │ median        │ mean          │ samples │ iters
├─ hit_test          127.6 ns      │ 3.409 µs      │ 275.6 ns      │ 347.8 ns      │ 100     │ 100
╰─ layout_paragraph                │               │               │               │         │
   ├─ 500            108.4 µs      │ 1.855 ms      │ 131.9 µs      │ 151.3 µs      │ 100     │ 100
   ╰─ 2000           423.5 µs      │ 4.633 ms      │ 544 µs        │ 650.5 µs      │ 100     │ 100

"""

# `core` (a debug build, 2 samples): throughput lines under rows, the last child's throughput
# line drawn without a vertical, and a run cut short in the middle of a row (timed out).
CORE_CUT = """\
core                        fastest       │ slowest       │ median        │ mean          │ samples │ iters
├─ article_from_bytes                     │               │               │               │         │
│  ├─ cr-only-10mb.txt      391 ms        │ 427 ms        │ 409 ms        │ 409 ms        │ 2       │ 2
│  │                        25.56 MB/s    │ 23.41 MB/s    │ 24.44 MB/s    │ 24.44 MB/s    │         │
│  ├─ news-10mb.txt         386.3 ms      │ 402.8 ms      │ 394.5 ms      │ 394.5 ms      │ 2       │ 2
│  │                        25.88 MB/s    │ 24.82 MB/s    │ 25.34 MB/s    │ 25.34 MB/s    │         │
│  ╰─ single-line-10mb.txt  452.3 ms      │ 465.2 ms      │ 458.8 ms      │ 458.8 ms      │ 2       │ 2
│                           22.1 MB/s     │ 21.49 MB/s    │ 21.79 MB/s    │ 21.79 MB/s    │         │
├─ open                                   │               │               │               │         │
│  ├─ news-1mb.txt          106.6 ms      │ 114 ms        │ 110.3 ms      │ 110.3 ms      │ 2       │ 2
│  ├─ news-10kb.txt         1.459 ms      │ 1.575 ms      │ 1.517 ms      │ 1.517 ms      │ 2       │ 2
│  ├─ news-10mb.txt         2.603 s       │ 2.603 s       │ 2.603 s       │ 2.603 s       │ 1       │ 1
│  ╰─ news-50kb.txt         4.828 ms      │ 7.377 ms      │ 6.103 ms      │ 6.103 ms      │ 2       │ 2
├─ reanchor_10mb                          │               │               │               │         │
│  ├─ retyped               """

# `core`'s module `text_index`: nested under the last top-level branch (`╰─`), so its rows and
# throughput lines start with spaces; item counters (Mitem/s, Kitem/s).
CORE_TEXT_INDEX = """\
core                 fastest       │ slowest       │ median        │ mean          │ samples │ iters
╰─ text_index                      │               │               │               │         │
   ├─ build          143.2 ms      │ 145.7 ms      │ 144.8 ms      │ 144.6 ms      │ 3       │ 3
   │                 69.79 MB/s    │ 68.59 MB/s    │ 69.01 MB/s    │ 69.13 MB/s    │         │
   ├─ byte_to_char   5.217 ms      │ 9.626 ms      │ 6.308 ms      │ 7.05 ms       │ 3       │ 3
   │                 1.916 Mitem/s │ 1.038 Mitem/s │ 1.585 Mitem/s │ 1.418 Mitem/s │         │
   ├─ char_to_byte   1.709 ms      │ 1.841 ms      │ 1.812 ms      │ 1.787 ms      │ 3       │ 3
   │                 5.85 Mitem/s  │ 5.43 Mitem/s  │ 5.516 Mitem/s │ 5.593 Mitem/s │         │
   ├─ char_to_utf16  9.143 ms      │ 11.5 ms       │ 9.5 ms        │ 10.04 ms      │ 3       │ 3
   │                 1.093 Mitem/s │ 869.3 Kitem/s │ 1.052 Mitem/s │ 995.1 Kitem/s │         │
   ╰─ utf16_to_char  9.431 ms      │ 10.52 ms      │ 9.692 ms      │ 9.882 ms      │ 3       │ 3
                     1.06 Mitem/s  │ 950.2 Kitem/s │ 1.031 Mitem/s │ 1.011 Mitem/s │         │

"""

# `cargo bench -- --test` (`cargo test --benches`): the tree's names, no figures.
CORE_TEST = """\
core
├─ article_from_bytes
│  ├─ cr-only-10mb.txt
│  ├─ news-10mb.txt
│  ╰─ single-line-10mb.txt
├─ open
│  ├─ news-1mb.txt
│  ├─ news-10kb.txt
│  ├─ news-10mb.txt
│  ╰─ news-50kb.txt
├─ reanchor_10mb
│  ├─ retyped
│  ╰─ shifted
├─ save
│  ├─ 10000
│  ╰─ 100000
├─ save_serialize_only
│  ├─ 10000
│  ╰─ 100000
├─ stats_corpus
├─ validate_corpus
├─ visible_in_10mb
╰─ text_index
   ├─ build
   ├─ byte_to_char
   ├─ char_to_byte
   ├─ char_to_utf16
   ╰─ utf16_to_char

"""

# `core` in release, the whole target: a benchmark of over a minute (`7.19 m`), counters
# without a prefix (`231.7 item/s`).
CORE = """\
core                        fastest       │ slowest       │ median        │ mean          │ samples │ iters
├─ article_from_bytes                     │               │               │               │         │
│  ├─ cr-only-10mb.txt      53.01 ms      │ 61.27 ms      │ 54.69 ms      │ 54.96 ms      │ 15      │ 15
│  │                        188.6 MB/s    │ 163.2 MB/s    │ 182.8 MB/s    │ 181.9 MB/s    │         │
│  ├─ news-10mb.txt         61.15 ms      │ 80.27 ms      │ 77.19 ms      │ 74.87 ms      │ 15      │ 15
│  │                        163.5 MB/s    │ 124.5 MB/s    │ 129.5 MB/s    │ 133.5 MB/s    │         │
│  ╰─ single-line-10mb.txt  59.68 ms      │ 95.12 ms      │ 82.24 ms      │ 79.63 ms      │ 15      │ 15
│                           167.5 MB/s    │ 105.1 MB/s    │ 121.5 MB/s    │ 125.5 MB/s    │         │
├─ open                                   │               │               │               │         │
│  ├─ news-1mb.txt          24.04 ms      │ 53.92 ms      │ 32.21 ms      │ 34.32 ms      │ 20      │ 20
│  ├─ news-10kb.txt         350.6 µs      │ 884.4 µs      │ 415.1 µs      │ 453.7 µs      │ 20      │ 20
│  ├─ news-10mb.txt         388 ms        │ 625.4 ms      │ 525.1 ms      │ 500.8 ms      │ 14      │ 14
│  ╰─ news-50kb.txt         1.271 ms      │ 1.674 ms      │ 1.334 ms      │ 1.349 ms      │ 20      │ 20
├─ reanchor_10mb                          │               │               │               │         │
│  ├─ retyped               7.19 m        │ 7.19 m        │ 7.19 m        │ 7.19 m        │ 1       │ 1
│  │                        231.7 item/s  │ 231.7 item/s  │ 231.7 item/s  │ 231.7 item/s  │         │
│  ╰─ shifted               254 ms        │ 356.2 ms      │ 285.4 ms      │ 295.7 ms      │ 5       │ 5
│                           393.6 Kitem/s │ 280.6 Kitem/s │ 350.2 Kitem/s │ 338.1 Kitem/s │         │
├─ save                                   │               │               │               │         │
│  ├─ 10000                 22.03 ms      │ 30.44 ms      │ 25.66 ms      │ 25.29 ms      │ 10      │ 10
│  ╰─ 100000                209.9 ms      │ 275.3 ms      │ 224.1 ms      │ 233.5 ms      │ 10      │ 10
├─ save_serialize_only                    │               │               │               │         │
│  ├─ 10000                 25.35 ms      │ 27.61 ms      │ 26.12 ms      │ 26.26 ms      │ 10      │ 10
│  ╰─ 100000                294 ms        │ 309.4 ms      │ 300.5 ms      │ 301.2 ms      │ 10      │ 10
├─ stats_corpus             510.3 ms      │ 537 ms        │ 524.7 ms      │ 524 ms        │ 3       │ 3
│                           19.59 Kitem/s │ 18.61 Kitem/s │ 19.05 Kitem/s │ 19.08 Kitem/s │         │
├─ validate_corpus          815.6 ms      │ 845.8 ms      │ 820.1 ms      │ 827.1 ms      │ 3       │ 3
│                           12.26 Kitem/s │ 11.82 Kitem/s │ 12.19 Kitem/s │ 12.08 Kitem/s │         │
├─ visible_in_10mb          38.01 µs      │ 479.1 µs      │ 38.48 µs      │ 60.73 µs      │ 20      │ 20
│                           2.63 Mitem/s  │ 208.7 Kitem/s │ 2.598 Mitem/s │ 1.646 Mitem/s │         │
╰─ text_index                             │               │               │               │         │
   ├─ build                 11.13 ms      │ 12.8 ms       │ 11.52 ms      │ 11.67 ms      │ 20      │ 20
   │                        897.8 MB/s    │ 780.6 MB/s    │ 867.4 MB/s    │ 856.6 MB/s    │         │
   ├─ byte_to_char          1.367 ms      │ 3.698 ms      │ 1.422 ms      │ 1.508 ms      │ 30      │ 30
   │                        7.313 Mitem/s │ 2.703 Mitem/s │ 7.03 Mitem/s  │ 6.628 Mitem/s │         │
   ├─ char_to_byte          713.6 µs      │ 1.103 ms      │ 769.3 µs      │ 785.7 µs      │ 30      │ 30
   │                        14.01 Mitem/s │ 9.062 Mitem/s │ 12.99 Mitem/s │ 12.72 Mitem/s │         │
   ├─ char_to_utf16         833.3 µs      │ 1.385 ms      │ 876.6 µs      │ 914.8 µs      │ 30      │ 30
   │                        12 Mitem/s    │ 7.216 Mitem/s │ 11.4 Mitem/s  │ 10.93 Mitem/s │         │
   ╰─ utf16_to_char         2.292 ms      │ 3.536 ms      │ 2.41 ms       │ 2.459 ms      │ 30      │ 30
                            4.361 Mitem/s │ 2.827 Mitem/s │ 4.148 Mitem/s │ 4.065 Mitem/s │         │
"""

# `export` in release: arguments with dashes under the only branch.
EXPORT = """\
export              fastest       │ slowest       │ median        │ mean          │ samples │ iters
╰─ export_corpus                  │               │               │               │         │
   ├─ brat          6.07 s        │ 8.742 s       │ 8.123 s       │ 7.645 s       │ 3       │ 3
   │                1.647 Kitem/s │ 1.143 Kitem/s │ 1.231 Kitem/s │ 1.307 Kitem/s │         │
   ├─ conll         3.931 s       │ 7.211 s       │ 6.297 s       │ 5.813 s       │ 3       │ 3
   │                2.543 Kitem/s │ 1.386 Kitem/s │ 1.587 Kitem/s │ 1.72 Kitem/s  │         │
   ├─ csv           4.424 s       │ 6.073 s       │ 5.961 s       │ 5.486 s       │ 3       │ 3
   │                2.26 Kitem/s  │ 1.646 Kitem/s │ 1.677 Kitem/s │ 1.822 Kitem/s │         │
   ├─ inception     8.302 s       │ 15.39 s       │ 10.11 s       │ 11.26 s       │ 3       │ 3
   │                1.204 Kitem/s │ 649.6 item/s  │ 988.6 item/s  │ 887.3 item/s  │         │
   ├─ jsonl         3.327 s       │ 4.958 s       │ 3.626 s       │ 3.97 s        │ 3       │ 3
   │                3.005 Kitem/s │ 2.016 Kitem/s │ 2.757 Kitem/s │ 2.518 Kitem/s │         │
   ├─ label-studio  6.548 s       │ 7.365 s       │ 6.758 s       │ 6.89 s        │ 3       │ 3
   │                1.527 Kitem/s │ 1.357 Kitem/s │ 1.479 Kitem/s │ 1.451 Kitem/s │         │
   ├─ spacy         8.618 s       │ 9.341 s       │ 9.304 s       │ 9.088 s       │ 3       │ 3
   │                1.16 Kitem/s  │ 1.07 Kitem/s  │ 1.074 Kitem/s │ 1.1 Kitem/s   │         │
   ╰─ w3c           4.596 s       │ 6.713 s       │ 5.088 s       │ 5.466 s       │ 3       │ 3
                    2.175 Kitem/s │ 1.489 Kitem/s │ 1.965 Kitem/s │ 1.829 Kitem/s │         │
"""

AGREEMENT = """\
agreement                         fastest       │ slowest       │ median        │ mean          │ samples │ iters
├─ agree_1000_articles_3_annotators  1.61 s        │ 1.93 s        │ 1.79 s        │ 1.78 s        │ 5       │ 5
├─ gamma_1000_articles_3_annotators  4.44 s        │ 4.61 s        │ 4.44 s        │ 4.5 s         │ 3       │ 3
╰─ grade_30_students_10_articles  85.83 ms      │ 205.4 ms      │ 161.1 ms      │ 151.9 ms      │ 5       │ 5
"""


class Units(unittest.TestCase):
    def test_durations(self):
        cases = {"385.6 ns": 385.6e-9, "16.48 µs": 16.48e-6, "16.48 us": 16.48e-6,
                 "2.819 ms": 2.819e-3, "2.603 s": 2.603, "894 ns": 894e-9, "12 ps": 12e-12,
                 "7.19 m": 431.4, "1.5 h": 5400.0}
        for text, seconds in cases.items():
            self.assertAlmostEqual(pt.parse_duration(text) / seconds, 1.0, places=12, msg=text)
        for text in ["", "100", "1.5 MB/s", "fast", "1.2 ks"]:
            self.assertIsNone(pt.parse_duration(text), text)

    def test_rates(self):
        self.assertEqual(pt.parse_rate("69.79 MB/s"), (69.79e6, "bytes"))
        self.assertEqual(pt.parse_rate("1.916 Mitem/s"), (1.916e6, "items"))
        self.assertEqual(pt.parse_rate("869.3 Kitem/s"), (869.3e3, "items"))
        self.assertEqual(pt.parse_rate("2 GiB/s"), (2 * 2.0 ** 30, "bytes"))
        self.assertEqual(pt.parse_rate("12 item/s"), (12.0, "items"))
        self.assertIsNone(pt.parse_rate("12 ms"))

    def test_formatting(self):
        self.assertEqual(pt.fmt_time(1.79), "1.79 s")
        self.assertEqual(pt.fmt_time(0.4152), "415 ms")
        self.assertEqual(pt.fmt_time(0.0438), "43.8 ms")
        self.assertEqual(pt.fmt_time(275.6e-9), "276 ns")
        self.assertEqual(pt.fmt_time(3.409e-6), "3.41 µs")
        self.assertEqual(pt.fmt_time(431.4), "7.19 min")
        self.assertEqual(pt.fmt_limit(2.0), "2 s")
        self.assertEqual(pt.fmt_limit(0.5), "500 ms")
        self.assertEqual(pt.fmt_range(1.61, 1.93), "1.61–1.93 s")
        self.assertEqual(pt.fmt_range(0.0858, 1.2), "85.8 ms – 1.20 s")
        self.assertEqual(pt.fmt_rate((24.44e6, "bytes")), "24.4 MB/s")
        self.assertEqual(pt.fmt_rate((1.585e6, "items")), "1.58 M items/s")


class Parse(unittest.TestCase):
    def test_nested_rows(self):
        rows = pt.parse_divan(VIEW)
        self.assertEqual(list(rows), [("view", "hit_test"), ("view", "layout_paragraph"),
                                      ("view", "layout_paragraph", "500"),
                                      ("view", "layout_paragraph", "2000")])
        hit = rows[("view", "hit_test")]
        self.assertAlmostEqual(hit["fastest"], 127.6e-9)
        self.assertAlmostEqual(hit["slowest"], 3.409e-6)
        self.assertAlmostEqual(hit["median"], 275.6e-9)
        self.assertAlmostEqual(hit["mean"], 347.8e-9)
        self.assertEqual((hit["samples"], hit["iters"]), (100, 100))
        self.assertEqual(hit["text"]["slowest"], "3.409 µs")
        group = rows[("view", "layout_paragraph")]
        self.assertIsNone(group["median"])
        self.assertIsNone(group["samples"])
        self.assertAlmostEqual(rows[("view", "layout_paragraph", "2000")]["median"], 544e-6)

    def test_throughput_lines_belong_to_the_row_above(self):
        rows = pt.parse_divan(CORE_CUT)
        cr = rows[("core", "article_from_bytes", "cr-only-10mb.txt")]
        self.assertAlmostEqual(cr["median"], 0.409)
        self.assertEqual(cr["rates"]["fastest"], (25.56e6, "bytes"))
        self.assertEqual(cr["rates"]["mean"], (24.44e6, "bytes"))
        # The last child's throughput line has no vertical under its branch.
        single = rows[("core", "article_from_bytes", "single-line-10mb.txt")]
        self.assertEqual(single["rates"]["median"], (21.79e6, "bytes"))
        self.assertEqual(rows[("core", "open", "news-1mb.txt")]["rates"], {})
        self.assertAlmostEqual(rows[("core", "open", "news-10mb.txt")]["median"], 2.603)
        self.assertEqual(rows[("core", "open", "news-10mb.txt")]["samples"], 1)

    def test_a_whole_release_run(self):
        rows = pt.parse_divan(CORE)
        timed = {k: r for k, r in rows.items() if r["median"] is not None}
        self.assertEqual(len(timed), 21)
        retyped = rows[("core", "reanchor_10mb", "retyped")]
        self.assertAlmostEqual(retyped["median"], 7.19 * 60)
        self.assertEqual(retyped["rates"]["median"], (231.7, "items"))
        self.assertEqual((retyped["samples"], retyped["iters"]), (1, 1))
        self.assertAlmostEqual(rows[("core", "save", "100000")]["median"], 224.1e-3)
        self.assertEqual(rows[("core", "validate_corpus")]["rates"]["median"], (12.19e3, "items"))
        self.assertAlmostEqual(rows[("core", "visible_in_10mb")]["slowest"], 479.1e-6)
        self.assertEqual(rows[("core", "text_index", "utf16_to_char")]["rates"]["fastest"],
                         (4.361e6, "items"))
        rows = pt.parse_divan(EXPORT)
        self.assertEqual([k[-1] for k, r in rows.items() if r["median"] is not None],
                         ["brat", "conll", "csv", "inception", "jsonl", "label-studio", "spacy",
                          "w3c"])
        ls = rows[("export", "export_corpus", "label-studio")]
        self.assertAlmostEqual(ls["median"], 6.758)
        self.assertEqual(ls["rates"]["median"], (1.479e3, "items"))
        self.assertEqual(rows[("export", "export_corpus", "inception")]["rates"]["slowest"],
                         (649.6, "items"))

    def test_a_run_cut_short_keeps_what_it_printed(self):
        rows = pt.parse_divan(CORE_CUT)
        cut = rows[("core", "reanchor_10mb", "retyped")]
        self.assertIsNone(cut["median"])
        self.assertEqual(len([r for r in rows.values() if r["median"] is not None]), 7)

    def test_under_the_last_branch(self):
        rows = pt.parse_divan(CORE_TEXT_INDEX)
        names = [k for k, r in rows.items() if r["median"] is not None]
        self.assertEqual(names, [("core", "text_index", n) for n in
                                 ["build", "byte_to_char", "char_to_byte", "char_to_utf16",
                                  "utf16_to_char"]])
        last = rows[("core", "text_index", "utf16_to_char")]
        self.assertAlmostEqual(last["median"], 9.692e-3)
        self.assertEqual(last["rates"]["slowest"], (950.2e3, "items"))
        self.assertEqual(rows[("core", "text_index", "build")]["rates"]["median"],
                         (69.01e6, "bytes"))

    def test_test_mode_gives_names_only(self):
        rows = pt.parse_divan(CORE_TEST)
        self.assertEqual(len(rows), 27)
        self.assertIn(("core", "save", "100000"), rows)
        self.assertIn(("core", "text_index", "utf16_to_char"), rows)
        self.assertTrue(all(r["median"] is None for r in rows.values()))

    def test_other_lines_and_several_tables(self):
        text = ("   Compiling tagline v0.1.0 (/work)\n"
                "     Running benches/view.rs (target/release/deps/view-50bd9086d57a2141)\n"
                "Timer precision: 21 ns\n" + VIEW + "\n"
                "10 articles: 24 groups (23 shared), 281 members (81 found by matching)\n"
                + AGREEMENT)
        rows = pt.parse_divan(text)
        self.assertEqual(len([r for r in rows.values() if r["median"] is not None]), 6)
        self.assertAlmostEqual(rows[("agreement", "agree_1000_articles_3_annotators")]["median"],
                               1.79)
        self.assertAlmostEqual(rows[("view", "hit_test")]["median"], 275.6e-9)

    def test_nothing(self):
        self.assertEqual(pt.parse_divan(""), {})
        self.assertEqual(pt.parse_divan("error: could not compile `tagline`\n"), {})


class Sections(unittest.TestCase):
    def runs(self, **stdout):
        return {name: {"code": 0, "stdout": stdout.get(name, ""), "stderr": "",
                       "date": "2026-12-01 16:00 UTC", "load": [2.0, 2.5], "why": None,
                       "commit": "abc1234"}
                for name in pt.BENCH_TARGETS}

    def render(self, runs):
        sources = {n: (HERE.parent / "benches" / f"{n}.rs").read_text(encoding="utf-8")
                   for n in pt.BENCH_TARGETS}
        return "\n".join(pt.render_benches(runs, sources))

    def test_goals_gamma_and_micro_benchmarks(self):
        runs = self.runs(agreement=AGREEMENT, core=CORE_CUT + "\n" + CORE_TEXT_INDEX, view=VIEW)
        runs["story"]["stderr"] = ("200 articles: 22 groups (5 shared), 6042 members "
                                   "(2042 found by matching)\n")
        text = self.render(runs)
        self.assertIn("| ≤ 2 s | 1.79 s median (1.61–1.93 s over 5 samples) | met |", text)
        self.assertIn("| ≤ 1 s | 161 ms median (85.8–205 ms over 5 samples) | met |", text)
        self.assertIn("γ adds about 2.65 s (≈ 85.5 µs per alignment problem)", text)
        self.assertIn("finds 22 groups (5 shared by several articles) with 6,042 members, "
                      "2,042 of them", text)
        self.assertIn("| `story`: group 200 articles", text)
        self.assertIn("| not available | not available |", text)  # story printed no table
        self.assertIn("| `text_index / build` | 145 ms | 143–146 ms | 145 ms | 69.0 MB/s | 3 | 3 |",
                      text)
        self.assertIn("- `open`: `Document::open`: read, decode and index the article", text)
        self.assertIn("- `build`: Building the index of 10 MB.", text)
        self.assertIn("| `layout_paragraph / 500` | 132 µs |", text)
        self.assertIn("commit abc1234, 2026-12-01 16:00 UTC (load average 2.0–2.5)", text)

    def test_a_goal_missed_and_a_failed_run(self):
        runs = self.runs(agreement=AGREEMENT.replace("1.79 s ", "2.31 s "))
        runs["export"].update(code=101, why="error: could not compile `tagline`",
                              command="cargo bench --features test-support --bench export")
        text = self.render(runs)
        self.assertIn("| 2.31 s median (1.61–1.93 s over 5 samples) | **not met** |", text)
        self.assertIn("not available: `cargo bench --features test-support --bench export` "
                      "failed (error: could not compile `tagline`)", text)


class Report(unittest.TestCase):
    def test_parts_are_kept(self):
        text = pt.join_report("# Performance\n\ntop\n", "## Benchmarks\n\nfigures\n",
                              "\n## By hand\n\nnotes\n")
        self.assertEqual(pt.split_report(text),
                         ("# Performance\n\ntop\n\n", "\n\n## Benchmarks\n\nfigures\n\n",
                          "\n## By hand\n\nnotes\n"))
        self.assertEqual(pt.join_report(*pt.split_report(text)), text)

    def test_an_earlier_file(self):
        old = "# Performance\n\ntop\n\n" + pt.OLD_KEEP_MARKER + "\n## By hand\n"
        top, benches, kept = pt.split_report(old)
        self.assertEqual((top, benches, kept), ("# Performance\n\ntop\n\n", "", "\n## By hand\n"))
        self.assertEqual(pt.split_report(""), ("", "", ""))


class Docs(unittest.TestCase):
    def test_doc_comments_of_bench_functions(self):
        source = (HERE.parent / "benches" / "core.rs").read_text(encoding="utf-8")
        docs = pt.bench_docs(source)
        self.assertTrue(docs["save"].startswith("`Document::save`"))
        self.assertEqual(docs["char_to_byte"], "10,000 random char → byte lookups.")
        self.assertNotIn("fixture", docs)  # not a benchmark
        self.assertNotIn("main", docs)


if __name__ == "__main__":
    unittest.main()
