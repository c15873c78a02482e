"""Time the projection and the full analysis on a generated graph (2,000 actors, 50,000 claims).

Claims go straight into an in-memory Oxigraph store with pyoxigraph (no
loaders, no extraction), shaped like ``graph.rdf`` writes them: subject,
relation, object, confidence, evidence, date, article with title, date and
source; 1% are curator-rejected.  Actors are drawn with a heavy tail, so a
few hubs have hundreds of partners, as in news.  Prints medians.

    python scripts/bench_analysis.py [--actors 2000] [--claims 50000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import analysis
from graph.analysis import metrics, projection
from graph.store import AllianceStore
from graph.vocab import ACTOR, AG, ARTICLE, CLAIM, load_vocabulary

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def generate(store: AllianceStore, n_actors: int, n_claims: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    vocab = store.vocab
    rels = list(vocab.relations.values())
    actors = [ox.NamedNode(f"{ACTOR}X{i:04d}") for i in range(n_actors)]
    weights = [1 / (i + 1) ** 0.8 for i in range(n_actors)]  # heavy tail: a few hubs
    n_articles = n_claims // 5
    t = ox.NamedNode
    date_t, dec_t, bool_t = t(XSD + "date"), t(XSD + "decimal"), t(XSD + "boolean")
    quads = []
    g = ox.DefaultGraph()
    articles = []
    for i in range(n_articles):
        a = t(f"{ARTICLE}{i:016x}")
        day = f"{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        articles.append(a)
        quads += [ox.Quad(a, t(RDF + "type"), t(str(AG.Article)), g),
                  ox.Quad(a, t(DCT + "title"), ox.Literal(f"Article {i}"), g),
                  ox.Quad(a, t(DCT + "issued"), ox.Literal(day, datatype=date_t), g),
                  ox.Quad(a, t(DCT + "source"), t(f"https://example.org/news/{i}"), g)]
    for i in range(n_claims):
        s, o = rng.choices(actors, weights, k=2)
        while o == s:
            o = rng.choice(actors)
        rel = rng.choice(rels)
        c = t(f"{CLAIM}{i:020x}")
        quads += [ox.Quad(c, t(RDF + "type"), t(str(AG.Claim)), g),
                  ox.Quad(c, t(RDF + "subject"), s, g),
                  ox.Quad(c, t(RDF + "predicate"), t(str(rel.iri)), g),
                  ox.Quad(c, t(RDF + "object"), o, g),
                  ox.Quad(c, t(str(AG.confidence)), ox.Literal(f"{rng.random():.3f}", datatype=dec_t), g),
                  ox.Quad(c, t(str(AG.evidence)), ox.Literal(f"Sentence {i} about {rel.label}."), g),
                  ox.Quad(c, t(PROV + "wasDerivedFrom"), rng.choice(articles), g)]
        if i % 100 == 0:
            quads.append(ox.Quad(c, t(str(AG.rejected)), ox.Literal("true", datatype=bool_t), g))
    store.ox.extend(quads)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--actors", type=int, default=2000)
    p.add_argument("--claims", type=int, default=50_000)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()

    store = AllianceStore("memory", load_vocabulary())
    t0 = time.perf_counter()
    generate(store, args.actors, args.claims)
    print(f"generated {args.actors} actors, {args.claims} claims in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    proj, full, cpu, parts = [], [], [], {}
    for _ in range(args.runs):
        c0 = time.process_time()
        t0 = time.perf_counter()
        G = analysis.project(store)
        t1 = time.perf_counter()
        an = analysis.analyze(G)
        analysis.annotate(G, an)
        t2 = time.perf_counter()
        cpu.append(time.process_time() - c0)
        proj.append(t1 - t0)
        full.append(t2 - t0)
        P = metrics.Pairs(G)  # the stages of analyze(), timed one by one
        stages = (("pairs", lambda G, P: metrics.Pairs(G)),
                  ("pagerank", lambda G, P: metrics.pagerank_of(P)),
                  ("betweenness", lambda G, P: metrics.centrality_of(G, P, seed=analysis.BLOC_SEED,
                                                                     exact_limit=analysis.BETWEENNESS_EXACT_LIMIT,
                                                                     samples=analysis.BETWEENNESS_SAMPLES)),
                  ("blocs (Louvain)", lambda G, P: metrics.blocs_of(P, seed=analysis.BLOC_SEED)),
                  ("balance", lambda G, P: metrics.balance_of(P, top=10)))
        for name, fn in stages:
            with projection.gc_paused():  # as inside analyze()
                t = time.perf_counter()
                fn(G, P)
                parts.setdefault(name, []).append(time.perf_counter() - t)
    med = statistics.median
    print(f"graph: {G.number_of_nodes()} actors, {an.dyads} related pairs, {an.ties} ties; "
          f"{an.balance.triads} signed triads; {len(an.blocs.members)} blocs")
    print(f"betweenness: {an.betweenness}")
    print(f"projection          median {med(proj):.2f} s  ({args.runs} runs: {', '.join(f'{x:.2f}' for x in proj)})")
    print(f"projection+analysis median {med(full):.2f} s  ({args.runs} runs: {', '.join(f'{x:.2f}' for x in full)})")
    print(f"  (CPU time of this process: median {med(cpu):.2f} s; load average now "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores)")
    for name, xs in parts.items():
        print(f"  {name:<18}median {med(xs):.2f} s")


if __name__ == "__main__":
    main()
