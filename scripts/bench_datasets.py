"""Benchmark: load a synthetic ATOP dyad-year file and run the "treaty or talk?" queries.

The real files are never bundled, so this makes a file in the ATOP directed
dyad-year layout (random pairs of mapped COW codes, random spans, both
directions), loads it into an on-disk store next to the bundled seeds and
prints timings (median of --runs for the queries):

    python scripts/bench_datasets.py --pairs 4500
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from graph import load_vocabulary
from graph.datasets import TREATY_QUERIES, load_crosswalk, run_treaty_query
from graph.loaders import find_inputs
from graph.pipeline import SEEDS_DIR, ingest_dataset, ingest_files
from graph.store import AllianceStore

HEADER = "stateA,stateB,year,atopally,defense,offense,neutral,nonagg,consul,atopid1,version"


def make_file(path: Path, pairs: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    cw = load_crosswalk()
    codes = sorted(c for c, ps in cw.periods.items() if len(ps) == 1 and ps[0].actor)
    dyads = [(a, b) for i, a in enumerate(codes) for b in codes[i + 1:]]
    rng.shuffle(dyads)
    lines = [HEADER]
    for n, (a, b) in enumerate(dyads[:pairs]):
        y0 = rng.randint(1946, 1990)
        y1 = rng.randint(y0, 2018)
        defense = rng.random() < 0.5
        for y in range(y0, y1 + 1):
            for s, t in ((a, b), (b, a)):
                lines.append(f"{s},{t},{y},1,{int(defense)},0,0,{int(not defense)},{int(rng.random() < 0.7)},{1000 + n},5.1")
    path.write_text("\n".join(lines) + "\n")
    return len(lines) - 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=1500)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    vocab = load_vocabulary()
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "atop5_1ddyr.csv"
        rows = make_file(f, args.pairs)
        store = AllianceStore(Path(tmp) / "store", vocab)
        ingest_files(find_inputs([SEEDS_DIR]), store, vocab, extract=False)
        t = time.perf_counter()
        claims, _ = ingest_dataset(f, "atop", store, vocab)
        print(f"load: {rows} rows -> {claims} treaty claims in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        ingest_dataset(f, "atop", store, vocab)
        print(f"reload (replace): {time.perf_counter() - t:.1f} s")
        params = {"treaties-without-news": {"from": "2015-01-01", "to": "2024-12-31"}}
        for name in TREATY_QUERIES:
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                n = len(run_treaty_query(store, name, **params.get(name, {})))
                times.append(time.perf_counter() - t)
            print(f"{name}: {n} rows, median {statistics.median(times):.2f} s over {args.runs} runs")
        store.close()


if __name__ == "__main__":
    main()
