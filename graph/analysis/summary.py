"""The whole analysis of a graph, and what changed between two periods."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import numpy as np

from .metrics import (
    BETWEENNESS_EXACT_LIMIT,
    BETWEENNESS_SAMPLES,
    BLOC_SEED,
    DIGITS,
    ActorScore,
    Balance,
    Blocs,
    Dyad,
    Pairs,
    balance_of,
    blocs_of,
    centrality_of,
    pagerank_of,
    strongest_of,
    tie_text,
)
from .projection import gc_paused

# --------------------------------------------------------------------------- change over time

@dataclass(frozen=True)
class DyadChange:
    a: str
    b: str
    sign_a: int | None  # None: no tie in that period
    sign_b: int | None
    gained: list[str]
    lost: list[str]


@dataclass(frozen=True)
class ActorChange:
    id: str
    label: str
    degree_a: int
    degree_b: int
    pagerank_a: float
    pagerank_b: float
    gained: int  # ties (pair, relation) present in B only
    lost: int  # ties present in A only


@dataclass(frozen=True)
class Change:
    period_a: str
    period_b: str
    actors: list[ActorChange]
    dyads: list[DyadChange]


def compare(GA: nx.MultiDiGraph, GB: nx.MultiDiGraph, *, label_a: str = "A", label_b: str = "B",
            top: int | None = 10) -> Change:
    """What changed from period A (``GA``) to period B (``GB``).

    Dyads: pairs whose set of relations differs, with the ties gained and
    lost and the sign in each period; sign reversals come first, then the
    pairs with the most changes.  Actors: those that gained or lost ties,
    with degree and PageRank in both periods, most changed first.
    """
    ta = set(GA.edges(keys=True))
    tb = set(GB.edges(keys=True))
    pa, pb = Pairs(GA), Pairs(GB)
    da, db = pa.graph(), pb.graph()

    def directed(t: tuple[str, str, str]) -> bool:
        G = GA if t in ta else GB
        return bool(G.edges[t]["directed"])

    by_pair: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for t in sorted(ta ^ tb):
        u, v, k = t
        a, b = min(u, v), max(u, v)
        gained, lost = by_pair.setdefault((a, b), ([], []))
        (gained if t in tb else lost).append(tie_text(a, u, v, k, directed(t)))
    changes = []
    for (a, b), (gained, lost) in by_pair.items():
        sa = da.edges[a, b]["sign"] if da.has_edge(a, b) else None
        sb = db.edges[a, b]["sign"] if db.has_edge(a, b) else None
        changes.append(DyadChange(a, b, sa, sb, gained, lost))
    reversed_sign = {(c.a, c.b) for c in changes if c.sign_a is not None and c.sign_b is not None and c.sign_a * c.sign_b < 0}
    changes.sort(key=lambda c: ((c.a, c.b) not in reversed_sign, -(len(c.gained) + len(c.lost)), c.a, c.b))

    pra = dict(zip(pa.nodes, pagerank_of(pa).tolist(), strict=True))
    prb = dict(zip(pb.nodes, pagerank_of(pb).tolist(), strict=True))
    gained_by: dict[str, int] = defaultdict(int)
    lost_by: dict[str, int] = defaultdict(int)
    for u, v, _ in tb - ta:
        gained_by[u] += 1
        gained_by[v] += 1
    for u, v, _ in ta - tb:
        lost_by[u] += 1
        lost_by[v] += 1
    actors = []
    for n in sorted(set(gained_by) | set(lost_by)):
        label = (GB.nodes[n] if n in GB else GA.nodes[n])["label"]
        actors.append(ActorChange(
            n, label, da.degree(n) if n in da else 0, db.degree(n) if n in db else 0,
            round(pra.get(n, 0.0), DIGITS), round(prb.get(n, 0.0), DIGITS), gained_by[n], lost_by[n]))
    actors.sort(key=lambda x: (-(x.gained + x.lost), -abs(x.pagerank_b - x.pagerank_a), x.id))
    if top:
        changes, actors = changes[:top], actors[:top]
    return Change(label_a, label_b, actors, changes)


def annotate(G: nx.MultiDiGraph, analysis: Analysis | None = None, *, seed: int = BLOC_SEED) -> None:
    """Set node attributes ``bloc`` (int, from 1) and ``centrality`` (weighted PageRank) in place.

    Pass the ``analyze(G)`` result to reuse its blocs and PageRank.
    """
    if analysis is None:
        P = Pairs(G)
        of = blocs_of(P, seed=seed).of()
        pr = dict(zip(P.nodes, np.round(pagerank_of(P), DIGITS).tolist(), strict=True))
    else:
        of = analysis.blocs.of()
        pr = {s.id: s.pagerank for s in analysis.actor_scores}
    for n in G.nodes:
        G.nodes[n]["bloc"] = of[n]
        G.nodes[n]["centrality"] = pr[n]


@dataclass(frozen=True)
class Analysis:
    """Every result of ``alliances analyze``; ``as_dict()`` is its JSON form."""

    filters: dict[str, Any]
    actors: int
    dyads: int
    ties: int
    actor_scores: list[ActorScore]
    betweenness: str
    blocs: Blocs
    balance: Balance
    strongest: list[Dyad]
    change: Change | None = None
    top: int | None = 10

    def as_dict(self) -> dict[str, Any]:
        d = {
            "filters": self.filters,
            "actors": self.actors,
            "dyads": self.dyads,
            "ties": self.ties,
            "central": [asdict(s) for s in (self.actor_scores[: self.top] if self.top else self.actor_scores)],
            "betweenness": self.betweenness,
            "blocs": {"modularity": self.blocs.modularity,
                      "members": [{"bloc": i, "actors": m} for i, m in enumerate(self.blocs.members, start=1)]},
            "balance": {"triads": self.balance.triads, "balanced": self.balance.balanced, "share": self.balance.share,
                        "frustrating": [asdict(f) for f in self.balance.frustrating]},
            "strongest": [asdict(x) for x in self.strongest],
            "change": asdict(self.change) if self.change else None,
        }
        return d


def analyze(G: nx.MultiDiGraph, *, top: int | None = 10, seed: int = BLOC_SEED, change: Change | None = None,
            exact_limit: int = BETWEENNESS_EXACT_LIMIT, samples: int = BETWEENNESS_SAMPLES) -> Analysis:
    """Run every metric on ``G``; lists are cut to ``top`` (``None`` or 0: everything)."""
    with gc_paused():
        P = Pairs(G)
        scores, method = centrality_of(G, P, seed=seed, exact_limit=exact_limit, samples=samples)
        filters = {k: G.graph.get(k) for k in ("period", "relations", "min_sources")}
        return Analysis(
            filters=filters, actors=G.number_of_nodes(), dyads=len(P.pairs), ties=G.number_of_edges(),
            actor_scores=scores, betweenness=method, blocs=blocs_of(P, seed=seed), balance=balance_of(P, top=top),
            strongest=strongest_of(G, P, top=top), change=change, top=top or None,
        )
