#!/usr/bin/env python3
"""Cluster extraction and bulk loading, measured as a user runs them (whole CLI processes).

1. Extraction: ``--articles`` generated news-like articles (400-500 words, the
   generator of ``bench_extract.py``) in JSON Lines files, extracted by
   ``alliances extract --jobs 1 --format nquads`` (one process, no Dask), by
   ``alliances extract --cluster local:1 --format nquads --out DIR`` (a
   LocalCluster of one worker: issue 15's anchor) and by ``--cluster local:W``,
   alternating in the same run; medians of ``--repeat`` runs, ratios of the
   medians.  Each run includes starting Python, loading spaCy and, for the
   cluster, starting it.  Beside them, what the machine itself gives: W
   processes of a pure-Python loop at once against one alone (the ceiling of
   any W-process speed-up here: virtual CPUs may share a physical core).
   Also reports the shard bytes per article and a worker's resident memory.
2. Loading: ``--triples`` triples of generated claims (random actor pairs and
   relations, the triples ``ingest`` writes) as N-Quads shards, loaded by
   ``alliances load`` (bulk loader), against the same claims written
   transactionally one article at a time (``AllianceStore.write_article``,
   what ``ingest`` does) for the first ``--ingest-articles`` articles (0: all) into an
   empty store; compared as triples per second.

    python scripts/bench_cluster.py --articles 2000 --repeat 3 --triples 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gencorpus import make_corpus

from graph.cluster.shards import nquads_of
from graph.model import Article, Fact
from graph.store import AllianceStore
from graph.vocab import load_vocabulary

ALLIANCES = [str(Path(sys.executable).parent / "alliances")]


def run(args: list[str], **kw: object) -> float:
    t = time.perf_counter()
    done = subprocess.run(ALLIANCES + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)
    if done.returncode != 0:
        sys.exit(f"alliances {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - t


def write_feed(root: Path, articles: list[Article], per_file: int) -> None:
    root.mkdir(parents=True)
    for k in range(0, len(articles), per_file):
        lines = [json.dumps({"text": a.text, "title": f"Generated {k + i}", "date": "2024-01-02"})
                 for i, a in enumerate(articles[k:k + per_file])]
        (root / f"feed-{k // per_file:04d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def worker_memory() -> float:
    """Resident memory (MB) of one Dask worker after it extracted a few articles."""
    from distributed import Client, LocalCluster

    from graph.cluster.inputs import Part, Task
    from graph.cluster.worker import ExtractorSetup, run_task
    from graph.extract import load_model

    tmp = Path(tempfile.mkdtemp())
    write_feed(tmp / "in", make_corpus(50, seed=3), 50)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as lc, Client(lc) as c:
        setup = ExtractorSetup(load_vocabulary(), load_model())
        c.register_plugin(setup)
        task = Task("mem", (Part(str(tmp / "in" / "feed-0000.jsonl")),), 50)
        c.submit(run_task, task, setup.key, 5 * 1024 * 1024).result()

        def rss() -> float:
            import psutil

            return psutil.Process().memory_info().rss / 1e6

        (mb,) = c.run(rss).values()
    shutil.rmtree(tmp, ignore_errors=True)
    return float(mb)


def generated_records(n_triples: int, seed: int = 11):
    """(article, facts) records whose N-Quads add up to about ``n_triples`` triples."""
    vocab = load_vocabulary()
    rng = random.Random(seed)
    actors = sorted(vocab.actors)[:150]
    relations = sorted(vocab.relations)
    records, total, i = [], 0, 0
    while total < n_triples:
        text = f"Generated article {i} about relations between states. " * 3
        article = Article(path=f"gen/{i}.txt", text=text, title=f"Generated {i}", date="2024-01-02")
        facts = []
        for k in range(10):
            s, o = rng.sample(actors, 2)
            facts.append(Fact(s, rng.choice(relations), o, article.path, evidence=f"Sentence {k} of article {i}.",
                              char_start=k * 10, char_end=k * 10 + 9, confidence=round(rng.random(), 3),
                              extractor="learned/2.0", article_id=article.id, date=article.date))
        records.append((article, facts))
        total += 4 + 11 * 10 + 15  # article, claims, edges (about)
        i += 1
    return vocab, records


def fast_nquads(records, vocab) -> bytes:
    """What ``nquads_of`` gives for these generated records, written with string formatting (checked against it)."""
    from graph.edges import support_quads
    from graph.rdf import claim_iri
    from graph.vocab import ARTICLE

    rdf, ag = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "https://w3id.org/alliance-graph/ontology#"
    xsd, dct, prov = "http://www.w3.org/2001/XMLSchema#", "http://purl.org/dc/terms/", "http://www.w3.org/ns/prov#"
    actor = "https://w3id.org/alliance-graph/actor/"
    lines: set[str] = set()
    for article, facts in records:
        a = f"<{ARTICLE[article.id]}>"
        lines.update((f"{a} <{rdf}type> <{ag}Article> .\n", f'{a} <{dct}title> "{article.title}" .\n',
                      f'{a} <{dct}issued> "{article.date}"^^<{xsd}date> .\n'))
        for f in facts:
            c = f"<{claim_iri(f, vocab)}>"
            lines.update((
                f"{c} <{rdf}type> <{ag}Claim> .\n", f"{c} <{rdf}subject> <{actor}{f.subject}> .\n",
                f"{c} <{rdf}predicate> <{vocab.relation(f.relation).iri}> .\n", f"{c} <{rdf}object> <{actor}{f.object}> .\n",
                f'{c} <{ag}confidence> "{f.confidence:.3f}"^^<{xsd}decimal> .\n', f'{c} <{ag}extractor> "{f.extractor}" .\n',
                f"{c} <{prov}wasDerivedFrom> {a} .\n", f'{c} <{ag}evidence> "{f.evidence}" .\n',
                f'{c} <{ag}charStart> "{f.char_start}"^^<{xsd}integer> .\n',
                f'{c} <{ag}charEnd> "{f.char_end}"^^<{xsd}integer> .\n', f'{c} <{dct}date> "{f.date}"^^<{xsd}date> .\n'))
            supported = [(c[1:-1], str(vocab.relation(f.relation).iri), actor + f.subject, actor + f.object)]
            lines.update(f"{q} .\n" for q in support_quads(supported, vocab))
    return "".join(sorted(lines)).encode("utf-8")


def bench_load(args: argparse.Namespace, tmp: Path) -> None:
    from graph.cluster.shards import Manifest, write_manifest, write_shard

    t = time.perf_counter()
    vocab, records = generated_records(args.triples)
    assert fast_nquads(records[:300], vocab) == nquads_of(records[:300], vocab), "fast_nquads differs from nquads_of"
    shards_dir = tmp / "gen-shards"
    shards_dir.mkdir()
    infos, lines = [], 0
    per = 2000
    for k in range(0, len(records), per):
        chunk = records[k:k + per]
        data = fast_nquads(chunk, vocab)
        infos.append(write_shard(shards_dir, f"part-{k // per:06d}", "nquads", data, len(chunk),
                                 sum(len(f) for _a, f in chunk)))
        lines += infos[-1].lines
    write_manifest(shards_dir, Manifest("nquads", infos))
    size = sum(i.bytes for i in infos)
    print(f"\nload: {len(records)} articles, {sum(len(f) for _a, f in records)} claims, {lines:,} triples in "
          f"{len(infos)} N-Quads shards ({size / 1e6:.0f} MB), generated in {time.perf_counter() - t:.0f} s")

    t_load = run(["load", str(shards_dir), "--store", str(tmp / "loaded")])
    print(f"  alliances load (whole process)          {t_load:8.1f} s  {lines / t_load:10,.0f} triples/s")

    sample = records[:args.ingest_articles] if args.ingest_articles else records
    sample_lines = len(nquads_of(sample, vocab).splitlines())
    store = AllianceStore(tmp / "ingested", vocab)
    t = time.perf_counter()
    for article, facts in sample:
        store.write_article(article, facts, replace_extracted=True)
    store.close()
    t_ingest = time.perf_counter() - t
    rate_ingest = sample_lines / t_ingest
    what = "all" if len(sample) == len(records) else "first"
    print(f"  transactional writes, {what} {len(sample)} articles ({sample_lines:,} triples, into an empty store) "
          f"{t_ingest:.1f} s  {rate_ingest:10,.0f} triples/s")
    print(f"  load / transactional ingest, triples per second: {lines / t_load / rate_ingest:.1f}x "
          f"(ingest {lines / rate_ingest / 60:.0f} min at that rate for all {lines:,} triples, load {t_load / 60:.1f} min)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--per-file", type=int, default=100, help="articles per JSON Lines file")
    ap.add_argument("--task-articles", type=int, default=50, help="--task-articles of the cluster runs")
    ap.add_argument("--triples", type=int, default=10_000_000)
    ap.add_argument("--ingest-articles", type=int, default=1000,
                    help="articles written transactionally for the comparison with load (0: all of them)")
    ap.add_argument("--skip-extract", action="store_true")
    ap.add_argument("--skip-load", action="store_true")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    try:
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start "
              f"(other processes share the machine)")
        if not args.skip_extract:
            corpus = make_corpus(args.articles)
            words = sum(len(a.text.split()) for a in corpus)
            write_feed(tmp / "in", corpus, args.per_file)
            one, single, many, spin = [], [], [], []

            def cluster(workers: int, r: int) -> float:
                return run(["extract", str(tmp / "in"), "--cluster", f"local:{workers}", "--format", "nquads",
                            "--task-articles", str(args.task_articles), "--out", str(tmp / f"shards-{workers}-{r}")])

            for r in range(args.repeat):
                one.append(run(["extract", str(tmp / "in"), "--jobs", "1", "--format", "nquads"]))
                single.append(cluster(1, r))
                many.append(cluster(args.workers, r))
                spin.append(spin_scaling(args.workers))
                print(f"  run {r + 1}: --jobs 1 {one[-1]:.1f} s, local:1 {single[-1]:.1f} s, local:{args.workers} "
                      f"{many[-1]:.1f} s; {args.workers} loops at once {spin[-1]:.2f}x one", flush=True)
            manifest = json.loads((tmp / f"shards-{args.workers}-{args.repeat - 1}" / "_SUCCESS").read_text())
            m1, ms, mc = statistics.median(one), statistics.median(single), statistics.median(many)
            print(f"extract: {len(corpus)} articles, {words / len(corpus):.0f} words each, {manifest['facts']} facts; "
                  f"median of {args.repeat} whole CLI runs")
            print(f"  --jobs 1                      {m1:7.1f} s  {len(corpus) / m1:6.1f} articles/s   runs {_fmt(one)}")
            print(f"  --cluster local:1             {ms:7.1f} s  {len(corpus) / ms:6.1f} articles/s   runs {_fmt(single)}")
            print(f"  --cluster local:{args.workers}             {mc:7.1f} s  {len(corpus) / mc:6.1f} articles/s   "
                  f"runs {_fmt(many)}")
            print(f"  throughput ratio local:{args.workers} / local:1: {ms / mc:.2f}x (issue 15 asks >= 1.7x)")
            print(f"  throughput ratio local:{args.workers} / jobs 1: {m1 / mc:.2f}x")
            print(f"  the machine: {args.workers} pure-Python loops at once give {statistics.median(spin):.2f}x the "
                  f"throughput of one (runs {', '.join(f'{x:.2f}' for x in spin)})")
            size = sum(s["bytes"] for s in manifest["shards"])
            print(f"  shards: {manifest['tasks']} of {manifest['lines'] // manifest['tasks']:,} lines on average, "
                  f"{size / len(corpus) / 1e3:.1f} kB and {manifest['lines'] / len(corpus):.0f} lines of N-Quads per article")
            print(f"  one worker's resident memory after extracting: {worker_memory():.0f} MB")
        if not args.skip_load:
            bench_load(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


SPIN = """import time
t = time.perf_counter()
x = 0
for i in range(20_000_000):
    x += i * i
print(time.perf_counter() - t)
"""


def spin_scaling(workers: int) -> float:
    """Throughput of ``workers`` CPU-bound processes at once over one alone (a Python loop, ~2 s)."""
    alone = float(subprocess.run([sys.executable, "-c", SPIN], capture_output=True, text=True, check=True).stdout)
    procs = [subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.PIPE, text=True) for _ in range(workers)]
    together = [float(p.communicate()[0]) for p in procs]
    return workers * alone / max(together)


def _fmt(runs: list[float]) -> str:
    return ", ".join(f"{r:.1f}" for r in runs)


if __name__ == "__main__":
    main()
