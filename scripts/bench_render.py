"""Time ``render_html`` on generated actor graphs shaped like ``analysis.project``.

Prints, per graph size, the median generation time (wall clock and CPU, which
is steadier on a busy machine) and the page size, once
with the default cap (the most central actors) and once drawing every actor.

    python scripts/bench_render.py            # 250, 2,000 and 20,000 actors, 5 links each
    python scripts/bench_render.py 2000 --runs 5
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import time

import networkx as nx

from graph.render import DEFAULT_MAX_NODES, render_html
from graph.vocab import Vocabulary, load_vocabulary

WORDS = ("minister", "alliance", "support", "talks", "security", "treaty", "trade", "sanctions", "summit", "aid",
         "military", "cooperation", "partners", "agreement", "visit", "government", "region", "threats")


def generate(n: int, links_per_actor: int, vocab: Vocabulary, seed: int = 1) -> nx.MultiDiGraph:
    """``n`` actors and about ``n * links_per_actor`` links with 1-3 evidence sentences each."""
    rng = random.Random(seed)
    relations = list(vocab.relations.values())
    G = nx.MultiDiGraph()
    ids = [f"X{i:05d}" for i in range(n)]
    weights = [1 / (i + 1) ** 0.8 for i in range(n)]  # a few hubs, a long tail
    cumulative = list(itertools.accumulate(weights))
    for i, a in enumerate(ids):
        G.add_node(a, label=f"Actor {i}", kind="Organization" if i % 17 == 0 else "State", bloc=rng.randrange(8),
                   centrality=round(weights[i] / weights[0], 4))
    m = n * links_per_actor
    edges = 0
    while edges < m:  # (not G.number_of_edges(): it sums all degrees on every call)
        u, v = rng.choices(ids, cum_weights=cumulative, k=2)
        rel = rng.choice(relations)
        if u == v:
            continue
        if rel.symmetric and v < u:
            u, v = v, u
        if G.has_edge(u, v, rel.name):
            continue
        ev = []
        for k in range(rng.randint(1, 3)):
            date = f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            sentence = " ".join(rng.choices(WORDS, k=22)).capitalize() + "."
            ev.append({"sentence": sentence, "article": f"https://w3id.org/alliance-graph/article/{rng.getrandbits(64):016x}",
                       "title": f"Report {k} on {u} and {v}", "date": date, "source": f"https://news.example.org/{u}/{v}/{k}",
                       "confidence": round(rng.uniform(0.5, 1), 3)})
        dates = sorted(e["date"] for e in ev)
        G.add_edge(u, v, key=rel.name, relation=rel.name, polarity=rel.polarity, directed=rel.directed, sources=len(ev),
                   confidence=max(e["confidence"] for e in ev), first=dates[0], last=dates[-1], evidence=ev)
        edges += 1
    return G


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[250, 2000, 20000])
    ap.add_argument("--links", type=int, default=5, help="links per actor (default 5)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    vocab = load_vocabulary()
    render_html(generate(10, 2, vocab), vocab)  # load assets and template once
    print(f"{'actors':>7} {'links':>7} {'drawn':>7} {'median s':>9} {'cpu s':>7} {'MB':>7}")
    for n in args.sizes:
        G = generate(n, args.links, vocab)
        for cap in (DEFAULT_MAX_NODES, None):
            times, cpu = [], []
            for _ in range(args.runs):
                t0, c0 = time.perf_counter(), time.process_time()
                page = render_html(G, vocab, max_nodes=cap)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            drawn = min(n, cap) if cap else n
            print(f"{n:>7,} {G.number_of_edges():>7,} {drawn:>7,} {statistics.median(times):>9.3f} "
                  f"{statistics.median(cpu):>7.3f} {len(page.encode('utf-8')) / 1e6:>7.2f}", flush=True)


if __name__ == "__main__":
    main()
