"""Does ingest stream?  Memory of `alliances ingest` at 10 %, 50 % and 100 % of a large generated batch.

    python scripts/bench_ingest_memory.py                          # 10,000 articles, --no-extract
    python scripts/bench_ingest_memory.py --articles 1000 --extract  # with spaCy extraction
    python scripts/bench_ingest_memory.py --curated                # 10,000 curated fact files (3 claims each)

Each run is a fresh child process that drives the CLI's own path (find_inputs,
the progress wrapper, pipeline.ingest_files, an on-disk store with snapshots)
over template-generated articles of ~70 words, and prints at each milestone:
the resident set (VmRSS), its peak (VmHWM), and Python's allocated blocks
(objects the interpreter holds: per-article data kept by our code shows here,
the store's native caches do not).  Streaming means the Python figure stays
flat and RSS grows no faster than the store's own caches.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

STATES = [("Russia", "Moscow"), ("Venezuela", "Caracas"), ("Cuba", "Havana"), ("China", "Beijing"), ("Iran", "Tehran"),
          ("France", "Paris"), ("Germany", "Berlin"), ("India", "New Delhi"), ("Brazil", "Brasília"),
          ("Turkey", "Ankara"), ("Japan", "Tokyo"), ("Nicaragua", "Managua")]

CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
from graph import pipeline
from graph.cli.base import progress
from graph.loaders import find_inputs
from graph.store import open_store
from graph.vocab import load_vocabulary

folder, store_dir, extract, jobs = sys.argv[1], sys.argv[2], sys.argv[3] == "1", int(sys.argv[4])
marks = [int(m) for m in sys.argv[5].split(",")]

def status():
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out

def sampled(files):
    done = 0
    for f in files:
        yield f
        done += 1
        if done in marks:
            print(json.dumps({"articles": done, **status(), "blocks": sys.getallocatedblocks(),
                              "seconds": round(time.perf_counter() - start, 1)}), flush=True)

vocab = load_vocabulary()
files = find_inputs([folder])
start = time.perf_counter()
print(json.dumps({"articles": 0, **status(), "blocks": sys.getallocatedblocks(), "seconds": 0.0}), flush=True)
with open_store(store_dir, vocab) as store:
    # the CLI's own progress wrapper around the files, as `alliances ingest` does
    result = pipeline.ingest_files(sampled(progress(files, "Ingesting")), store, vocab, extract=extract, jobs=jobs)
print(json.dumps({"done": result.summary(), "seconds": round(time.perf_counter() - start, 1)}), flush=True)
"""


def write_articles(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    k = len(STATES)
    for i in range(n):
        (a, a_cap), (b, b_cap), (c, _) = STATES[i % k], STATES[(i * 7 + 3) % k], STATES[(i * 5 + 1) % k]
        if b == a:
            b, b_cap = STATES[(i + 1) % k]
        text = (f"title: Generated dispatch {i}\ndate: 20{10 + i % 15:02d}-0{1 + i % 9}-1{i % 10}\n\n"
                f"{a} and {b} signed a trade agreement in {b_cap} on Tuesday, dispatch {i} reported. "
                f"Officials in {a_cap} said the two countries remain close allies. "
                f"{c} condemned the agreement and imposed sanctions on {b}. "
                f"{a} will supply arms to {b} under a deal worth {i % 90 + 10} million dollars. "
                f"Analysts said talks in week {i % 52} covered energy and defence cooperation.\n")
        (folder / f"d{i:06d}.txt").write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--extract", action="store_true", help="Extract facts with spaCy (slower: use fewer articles).")
    ap.add_argument("--curated", action="store_true",
                    help="Ingest one curated YAML fact file per article (3 claims each) instead of the articles.")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    n = args.articles
    marks = sorted({max(1, n // 10), max(1, n // 2), n})
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        if args.curated:
            sys.path.insert(0, str(PROJECT))
            from tests.corpus import write_corpus

            inputs = write_corpus(Path(tmp) / "corpus", n)[1]
        else:
            inputs = Path(tmp) / "articles"
            write_articles(inputs, n)
        mode = "curated facts" if args.curated else f"extraction on, jobs {args.jobs}" if args.extract else "--no-extract"
        print(f"generated {n:,} inputs in {time.perf_counter() - t0:.1f} s ({mode})", file=sys.stderr)
        proc = subprocess.run([sys.executable, "-c", CHILD, str(inputs), str(Path(tmp) / "store"),
                               "1" if args.extract else "0", str(args.jobs), ",".join(map(str, marks))],
                              cwd=PROJECT, capture_output=True, text=True, timeout=3600)
        if proc.returncode != 0:
            sys.exit(proc.stderr[-3000:])
        rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        inodes = {f.stat().st_ino: f.stat().st_size for f in (Path(tmp) / "store").rglob("*") if f.is_file()}
        size = sum(inodes.values()) / 2**20  # snapshots hard-link the store's files: count each once
    print(f"{'articles':>9} {'seconds':>8} {'RSS MiB':>8} {'peak MiB':>9} {'Python blocks':>14}")
    for r in rows:
        if "articles" in r:
            print(f"{r['articles']:>9,} {r['seconds']:>8.1f} {r['VmRSS']:>8.0f} {r['VmHWM']:>9.0f} {r['blocks']:>14,}")
    done = rows[-1]
    print(f"{done['done']} in {done['seconds']} s; store on disk {size:.0f} MiB (snapshot included)")
    first, last = rows[1], rows[-2]
    growth = (last["blocks"] - first["blocks"]) / max(1, last["articles"] - first["articles"])
    print(f"Python blocks per article from {first['articles']:,} to {last['articles']:,}: {growth:+.2f}; "
          f"RSS {first['VmRSS']:.0f} -> {last['VmRSS']:.0f} MiB")


if __name__ == "__main__":
    main()
