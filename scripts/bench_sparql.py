"""Benchmark: our SPARQL path (Oxigraph) against rdflib's default in-memory store.

Generates a graph of about ``--triples`` triples shaped like ours (articles,
claims with evidence and provenance, derived edges; relations read from the
ontology), then prints for each engine the load time and the median latency
of three typical queries, and the ratios.  The queries are the named
queries ``allies`` and ``between`` with their parameters bound as
``alliances query`` binds them, and a count of claims per relation.

    python scripts/bench_sparql.py                 # about 1 M triples
    python scripts/bench_sparql.py --triples 200000 --runs 3
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import time
from collections.abc import Callable

import pyoxigraph as ox
from rdflib import Graph

from graph.model import Article, Fact
from graph.query import _inject, bind_values, resolve_query, run_query
from graph.rdf import PREFIXES, article_triples, claim_triples, edge_triples
from graph.store import AllianceStore, _nt
from graph.vocab import ONTOLOGY_DIR, load_vocabulary

COUNT_BY_RELATION = """SELECT ?relation (COUNT(?claim) AS ?claims) WHERE {
  ?claim a ag:Claim ; rdf:predicate ?relation .
  FILTER NOT EXISTS { ?claim ag:rejected true }
} GROUP BY ?relation ORDER BY DESC(?claims)"""
SENTENCE = ("According to officials quoted by the paper, {s} and {o} moved closer this week, "
            "a step analysts described as significant for the region.")


def generate(n_triples: int, seed: int = 7) -> tuple[bytes, list[str]]:
    """N-Triples of about ``n_triples`` triples, and the actor ids used."""
    vocab = load_vocabulary()
    rng = random.Random(seed)
    actors = sorted(vocab.actors) or [f"X{i:03d}" for i in range(200)]
    relations = sorted(vocab.relations)
    lines: list[str] = []
    edges: set[str] = set()
    n_articles = max(1, n_triples // 130)  # about 12 claims per article, ~10 triples per claim
    count = 0
    hub = actors[len(actors) // 2]
    for a in range(n_articles):
        article = Article(path=f"a{a}.txt", text=f"Article {a} " * 20, title=f"Article {a}", date="2024-01-01",
                          source=f"https://example.org/{a}", publisher="Example")
        lines.extend(_nt(t) for t in article_triples(article))
        for _ in range(12):
            s, o = rng.sample(actors, 2)
            if rng.random() < 0.05:
                s = hub  # one well-connected actor, as in the news
            rel = rng.choice(relations)
            if s == o:
                continue
            fact = Fact(s, rel, o, article.path, evidence=SENTENCE.format(s=s, o=o), char_start=10, char_end=120,
                        confidence=round(rng.uniform(0.5, 1.0), 3), extractor="rules/0.1", article_id=article.id)
            for t in claim_triples(fact, vocab):
                lines.append(_nt(t))
            edges.update(_nt(t) for t in edge_triples(s, rel, o, vocab))
        count = len(lines) + len(edges)
        if count >= n_triples:
            break
    lines.extend(sorted(edges))
    return ("\n".join(lines) + "\n").encode("utf-8"), actors


def in_child(fn: Callable[[], int], limit: float) -> tuple[float, int] | None:
    """Time ``fn`` in a forked child (sharing the loaded graph); None when it overruns ``limit``."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def work() -> None:
        t0 = time.perf_counter()
        rows = fn()
        child.send((time.perf_counter() - t0, rows))

    proc = ctx.Process(target=work)
    proc.start()
    try:
        if parent.poll(limit):
            return parent.recv()
        return None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
        child.close()


def median_time(fn: Callable[[], int], runs: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5, help="runs per query (median)")
    ap.add_argument("--rdflib-limit", type=float, default=120.0, help="stop an rdflib query after this many seconds")
    args = ap.parse_args()

    t0 = time.perf_counter()
    data, actors = generate(args.triples)
    n_data = data.count(b"\n")
    print(f"generated {n_data:,} triples in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    vocab = load_vocabulary()
    reference = b"".join(ox.serialize(ox.parse(path=str(ONTOLOGY_DIR / name), format=ox.RdfFormat.TURTLE),
                                      format=ox.RdfFormat.N_TRIPLES) or b""
                         for name in ("alliances.ttl", "actors.ttl") if (ONTOLOGY_DIR / name).exists())

    # the hub actor and its most frequent partner, as a user would pick them
    hub = actors[len(actors) // 2]
    queries = {
        "allies of an actor": (resolve_query("allies"), {"actor": hub}),
        "relations between two actors": (resolve_query("between"), {"a": hub, "b": actors[0]}),
        "count claims by relation": (resolve_query(COUNT_BY_RELATION), {}),
    }

    # --- Oxigraph, as `alliances query` runs it (store in memory; same engine as on disk)
    store = AllianceStore("memory", vocab)
    t0 = time.perf_counter()
    store.ox.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    ox_load = time.perf_counter() - t0
    ox_times = {}
    for name, (q, params) in queries.items():
        ox_times[name] = median_time(lambda q=q, params=params: len(run_query(store, q, params).rows()), args.runs)
        print(f"oxigraph {name}: {ox_times[name][0] * 1000:.1f} ms, {ox_times[name][1]} rows", file=sys.stderr)

    # --- rdflib's default in-memory store, same query texts with the same bound values
    g = Graph()
    t0 = time.perf_counter()
    g.parse(data=data + reference, format="nt")
    rdf_load = time.perf_counter() - t0
    print(f"rdflib load: {rdf_load:.1f} s", file=sys.stderr)
    rdf_runs = max(1, args.runs // 2)
    rdf_times: dict[str, tuple[float, int] | None] = {}
    for name, (q, params) in queries.items():
        text = _inject(q.text, bind_values(q, params, vocab))
        results = []
        for _ in range(rdf_runs):
            r = in_child(lambda text=text: len(list(g.query(text, initNs=PREFIXES))), args.rdflib_limit)
            if r is None:
                break
            results.append(r)
        rdf_times[name] = (statistics.median(t for t, _ in results), results[-1][1]) if len(results) == rdf_runs else None
        shown = f"{rdf_times[name][0] * 1000:.1f} ms" if rdf_times[name] else f"stopped after {args.rdflib_limit:g} s"
        print(f"rdflib {name}: {shown}", file=sys.stderr)

    n = len(g)
    print(f"\n{n:,} triples (data {n_data:,} + reference); median of {args.runs} runs "
          f"(rdflib: {rdf_runs}, each stopped after {args.rdflib_limit:g} s)\n")
    print(f"{'':32}{'Oxigraph':>12}{'rdflib Memory':>16}{'speed-up':>11}{'rows':>8}")
    print(f"{'load N-Triples':32}{ox_load:>10.2f} s{rdf_load:>14.2f} s{rdf_load / ox_load:>10.1f}×")
    ok = True
    for name in queries:
        ot, orows = ox_times[name]
        rdf = rdf_times[name]
        if rdf is None:
            limit = args.rdflib_limit
            slow, ratio = f"> {limit * 1000:.0f}", f"> {limit / ot:.0f}"
            print(f"{name:32}{ot * 1000:>9.1f} ms{slow:>13} ms{ratio:>10}×{orows:>8}")
            continue
        rt, rrows = rdf
        same = "" if orows == rrows else f"  (rdflib: {rrows} rows!)"
        ok &= orows == rrows
        print(f"{name:32}{ot * 1000:>9.1f} ms{rt * 1000:>13.1f} ms{rt / ot:>10.1f}×{orows:>8}{same}")
    if not ok:
        sys.exit("the engines disagree on the number of rows")


if __name__ == "__main__":
    main()
