#!/usr/bin/env python3
"""Ingest stays linear: the same articles into an empty store and into one holding ~1 M triples.

Generates curated facts (CSV files pointing at article files, 12 facts per
article, no extraction), then, each as a whole ``alliances`` process on an
on-disk store:

  1. ``ingest --no-extract`` of ``--articles`` articles into an empty store;
  2. ``ingest --no-extract`` of about ``--triples`` triples of claims into an
     empty store (the "big" store), beside Oxigraph's bulk load of the very
     triples that store holds (exported as N-Triples; ``pyoxigraph`` in a
     process of its own): the anchor;
  3. ``ingest --no-extract`` of the same ``--articles`` articles into a copy
     of the big store.

Prints per-article times and the ratios (targets of issue 11: (3)/(1) <= 1.3,
(2)/bulk load <= 10).  Runs 1 and 3 alternate, ``--runs`` times each.

    python scripts/bench_ingest.py                       # 1,000 articles; ~1 M triples
    python scripts/bench_ingest.py --articles 200 --triples 100000 --runs 1
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
from pathlib import Path

from benchtools import alternate, cli, line, machine, ratio, run

ACTORS = ["USA", "RUS", "CHN", "FRA", "DEU", "GBR", "VEN", "CUB", "IRN", "TUR", "IND", "BRA", "JPN", "UKR", "POL",
          "EGY", "NGA", "KEN", "MEX", "ZAF", "NATO", "EU", "AU", "ASEAN", "CSTO"]
RELATIONS = ["agreementWith", "alliedWith", "creditorOf", "militaryCooperationWith", "opposes", "providesAidTo",
             "rivalOf", "sanctions", "suppliesArmsTo", "supports", "threatens", "tradePartnerOf", "visited"]
PER_ARTICLE = 12
PER_FILE = 400  # articles per CSV file (the default --max-bytes is 5 MiB)


def corpus(root: Path, prefix: str, n: int, seed: int) -> Path:
    """``n`` articles and their curated facts under ``root``; returns the folder of fact files."""
    rng = random.Random(seed)
    arts, facts = root / "articles", root / "facts"
    arts.mkdir(parents=True, exist_ok=True)
    facts.mkdir(parents=True, exist_ok=True)
    out = None
    writer = None
    for i in range(n):
        if i % PER_FILE == 0:
            if out is not None:
                out.close()
            out = (facts / f"{prefix}-{i // PER_FILE:04d}.csv").open("w", newline="", encoding="utf-8")
            writer = csv.writer(out)
            writer.writerow(["subject", "relation", "object", "article", "evidence", "confidence", "rejected", "date"])
        name = f"{prefix}-{i:06d}.txt"
        date = f"{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        sentences = []
        for k in range(PER_ARTICLE):
            s, o = rng.sample(ACTORS, 2)
            sentence = f"Sentence {k} of article {i}: {s} and {o}."
            sentences.append(sentence)
            assert writer is not None
            writer.writerow([s, rng.choice(RELATIONS), o, f"../articles/{name}", sentence, f"{rng.uniform(0.5, 1):.3f}",
                             "true" if rng.random() < 0.01 else "", date])
        (arts / name).write_text(f"title: {prefix} article {i}\ndate: {date}\nsource: https://news.example/{prefix}/{i}\n\n"
                                 + " ".join(sentences) + "\n", encoding="utf-8")
    if out is not None:
        out.close()
    return facts


BULK = """import sys, time, pyoxigraph as ox
t = time.perf_counter()
ox.Store(sys.argv[2]).bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
print(time.perf_counter() - t)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--triples", type=int, default=1_000_000, help="size of the big store's claims, about")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="keep the generated files and stores here")
    args = ap.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    root.mkdir(parents=True, exist_ok=True)
    print(machine())
    small = corpus(root / "small", "small", args.articles, 1)
    n_big = max(1, args.triples // (PER_ARTICLE * 11 + 5))  # ~11 triples per claim, 5 per article
    big = corpus(root / "big", "big", n_big, 2)

    big_store = root / "big-store"
    t_big, done = run(cli("ingest", big, "--no-extract", "--store", big_store))
    print(done.stderr.decode().strip().splitlines()[-1])
    _, stats = run(cli("stats", "--store", big_store, "--format", "json"))
    import json

    triples = json.loads(stats.stdout)["triples"]
    nt = root / "big.nt"
    run(cli("export", "--format", "ntriples", "-o", nt, "--store", big_store))
    bulk_times = []
    for k in range(args.runs):
        target = root / f"bulk-{k}"
        shutil.rmtree(target, ignore_errors=True)
        _, done = run([sys.executable, "-c", BULK, str(nt), str(target)])
        bulk_times.append(float(done.stdout))
        shutil.rmtree(target, ignore_errors=True)

    def into_empty() -> float:
        store = root / "empty-store"
        shutil.rmtree(store, ignore_errors=True)
        t, _ = run(cli("ingest", small, "--no-extract", "--store", store))
        shutil.rmtree(store, ignore_errors=True)
        return t / args.articles

    def into_big() -> float:
        store = root / "big-copy"
        shutil.rmtree(store, ignore_errors=True)
        shutil.copytree(big_store, store)
        t, _ = run(cli("ingest", small, "--no-extract", "--store", store))
        shutil.rmtree(store, ignore_errors=True)
        return t / args.articles

    times = alternate({"empty": into_empty, "big": into_big}, args.runs)
    print(f"big store: {n_big:,} articles, {triples:,} triples in the data graph")
    print(line(f"ingest {n_big:,} articles (CLI, one run)", [t_big]))
    print(line(f"Oxigraph bulk load of its {triples:,} triples", bulk_times))
    print(ratio("ingest / bulk load", [t_big], bulk_times, 10))
    print(line(f"per article, {args.articles:,} articles into an empty store", [x * 1000 for x in times["empty"]], "ms"))
    print(line(f"per article, the same into the {triples:,}-triple store", [x * 1000 for x in times["big"]], "ms"))
    print(ratio("into the big store / into an empty store", times["big"], times["empty"], 1.3))
    print(machine())
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
