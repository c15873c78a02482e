#!/usr/bin/env python3
"""Extraction throughput as a user runs it: ``alliances extract`` processes against the bare spaCy pipeline.

Reads real news texts (``../shared/corpus/news/*.txt`` beside the repository,
or ``--corpus DIR``; repeated ``--copies`` times so start-up does not
dominate) and times, alternating them in the same run:

  * ``alliances extract DIR --format jsonl`` (the shipped learned model), ``--jobs 1`` and ``--jobs 2``;
  * the anchor: a Python process that loads ``en_core_web_sm`` with all its
    components and runs ``nlp.pipe`` over the same texts (article bodies,
    without their header lines).

Prints medians, words/s and the ratios: extract / bare pipeline (issue 17
wants <= 1.0, issue 11 <= 0.5) and --jobs 2 / --jobs 1.

    python scripts/bench_extract.py                      # the shared corpus, 2 copies, 3 runs
    python scripts/bench_extract.py --corpus my/news --copies 1 --runs 5
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from benchtools import PROJECT, alternate, cli, line, machine, ratio, run

BARE = """import sys, importlib
from pathlib import Path
from graph.extract.nlp import MODEL_NAMES
for name in MODEL_NAMES:
    try:
        nlp = importlib.import_module(name).load()   # every component, as shipped
        break
    except ImportError:
        continue
texts = []
for p in sorted(Path(sys.argv[1]).glob("*.txt")):
    text = p.read_text(encoding="utf-8")
    head, sep, body = text.partition("\\n\\n")
    texts.append(body if sep and all(":" in l for l in head.splitlines()) else text)
n = 0
for doc in nlp.pipe(texts, batch_size=64):
    n += len(doc)
print(n)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=PROJECT.parent / "shared" / "corpus" / "news")
    ap.add_argument("--copies", type=int, default=2, help="how many times each text is given")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-jobs", action="store_true", help="skip the --jobs 2 runs")
    args = ap.parse_args()
    files = sorted(args.corpus.glob("*.txt"))
    if not files:
        sys.exit(f"no .txt articles in {args.corpus} (give --corpus DIR)")
    root = Path(tempfile.mkdtemp(prefix="bench-extract-"))
    try:
        texts = root / "texts"
        texts.mkdir()
        words = 0
        for k in range(args.copies):
            for f in files:
                text = f.read_text(encoding="utf-8")
                # each copy is a file of its own (its title says which copy)
                (texts / f"{k}-{f.name}").write_text(text.replace("title:", f"title: ({k})", 1), encoding="utf-8")
                _head, sep, body = text.partition("\n\n")
                words += len((body if sep else text).split())
        print(machine())
        print(f"corpus: {len(files)} texts x {args.copies} = {len(files) * args.copies} articles, {words:,} words")
        run(cli("extract", texts, "--format", "jsonl"))  # warm the caches (vocabulary, page cache)

        def timed(argv: list[str]) -> float:
            return run(argv, cwd=root)[0]

        cases = {
            "bare": lambda: timed([sys.executable, "-c", BARE, str(texts)]),
            "jobs1": lambda: timed(cli("extract", texts, "--format", "jsonl")),
        }
        if not args.no_jobs:
            cases["jobs2"] = lambda: timed(cli("extract", texts, "--format", "jsonl", "--jobs", "2"))
        t = alternate(cases, args.runs)
        print(line("bare en_core_web_sm process, nlp.pipe (all components)", t["bare"]))
        print(line("alliances extract --jobs 1", t["jobs1"]))
        print(f"{'':<58} words/s: bare {words / min(t['bare']):,.0f}, extract {words / min(t['jobs1']):,.0f}")
        print(ratio("extract --jobs 1 / bare pipeline", t["jobs1"], t["bare"], 0.5))
        if "jobs2" in t:
            print(line("alliances extract --jobs 2", t["jobs2"]))
            print(ratio("--jobs 1 / --jobs 2 (speed-up)", t["jobs1"], t["jobs2"]))
        print(machine())
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
