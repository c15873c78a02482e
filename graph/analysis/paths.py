"""Actors by name, the shortest chains between two actors, and an actor's neighbourhood."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..errors import AllianceGraphError, UnknownActor
from ..vocab import Vocabulary
from .metrics import (
    dyads,
)


def resolve_actor(text: str, vocab: Vocabulary, G: nx.MultiDiGraph | None = None) -> str:
    """An actor id from an id or any name the ontology gives it (case-insensitive).

    Ids not in the ontology are accepted when they are nodes of ``G``.
    """
    t = " ".join(text.split())
    folded = t.casefold()
    for a in vocab.actors:
        if a.casefold() == folded:
            return a
    if G is not None:
        for n in G.nodes:
            if str(n).casefold() == folded:
                return str(n)
    found = sorted({actor for name, actor, _ in vocab.names() if name.casefold() == folded})
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise AllianceGraphError(f"{text!r} may mean {', '.join(found)}; use the id")
    raise UnknownActor(text)


def _require(G: nx.MultiDiGraph, actor: str) -> None:
    if actor not in G:
        raise AllianceGraphError(f"{actor} has no relations in the selected claims")


@dataclass(frozen=True)
class Step:
    """One link of a chain: ``subject relation object`` with its best evidence."""

    source: str  # the actor the step leaves
    target: str  # the actor it reaches
    subject: str
    relation: str
    object: str
    directed: bool
    sources: int
    sentence: str
    article: str
    title: str | None
    date: str | None


def _best_step(G: nx.MultiDiGraph, x: str, y: str) -> Step:
    candidates = [(u, v, k, d) for u, v in ((x, y), (y, x)) if G.has_edge(u, v)
                  for k, d in G[u][v].items()]
    candidates.sort(key=lambda c: (c[2], c[0], c[1]))
    candidates.sort(key=lambda c: (c[3]["sources"], c[3]["confidence"], c[3]["last"] or ""), reverse=True)
    u, v, k, d = candidates[0]
    ev = d["evidence"][0] if d["evidence"] else {"sentence": "", "article": "", "title": None, "date": None}
    return Step(x, y, u, k, v, d["directed"], d["sources"], ev["sentence"], ev["article"], ev["title"], ev["date"])


def shortest_chains(G: nx.MultiDiGraph, a: str, b: str, *, limit: int = 5) -> list[list[Step]]:
    """The fewest-hop chains from ``a`` to ``b`` over any relation, in either direction.

    Each step carries the best-supported relation between its two actors
    (then the most confident, then the latest) and that relation's first
    evidence sentence.  At most ``limit`` chains, in
    order of their actor ids.
    """
    _require(G, a)
    _require(G, b)
    if a == b:
        raise AllianceGraphError("the two actors are the same")
    U = dyads(G)
    if not nx.has_path(U, a, b):
        raise AllianceGraphError(f"no chain of relations links {a} and {b}")
    paths = sorted(itertools.islice(nx.all_shortest_paths(U, a, b), 10_000))[:limit]
    return [[_best_step(G, x, y) for x, y in itertools.pairwise(p)] for p in paths]


def ego(G: nx.MultiDiGraph, a: str, *, depth: int = 1) -> nx.MultiDiGraph:
    """The actors within ``depth`` hops of ``a`` (either direction) and all ties among them.

    Each node gets ``distance`` (hops from ``a``).
    """
    _require(G, a)
    if depth < 1:
        raise AllianceGraphError(f"depth must be at least 1, not {depth}")
    dist = nx.single_source_shortest_path_length(dyads(G), a, cutoff=depth)
    E = G.subgraph(sorted(dist)).copy()
    for n in E.nodes:
        E.nodes[n]["distance"] = dist[n]
    E.graph.update(G.graph, center=a, depth=depth)
    return E


def ego_dict(E: nx.MultiDiGraph) -> dict[str, Any]:
    """The JSON form of an ``ego`` graph: actors by distance, ties with their first evidence."""
    D = dyads(E)
    actors = [{"id": n, "label": d["label"], "kind": d["kind"], "distance": d["distance"], "degree": D.degree(n)}
              for n, d in E.nodes(data=True)]
    actors.sort(key=lambda x: (x["distance"], -x["degree"], x["id"]))
    ties = []
    for u, v, k, d in E.edges(keys=True, data=True):
        ev = d["evidence"][0] if d["evidence"] else {}
        ties.append({"subject": u, "relation": k, "object": v, "directed": d["directed"], "polarity": d["polarity"],
                     "sources": d["sources"], "first": d["first"], "last": d["last"],
                     "sentence": ev.get("sentence", ""), "article": ev.get("article", "")})
    ties.sort(key=lambda t: (min(E.nodes[t["subject"]]["distance"], E.nodes[t["object"]]["distance"]),
                             -t["sources"], t["subject"], t["object"], t["relation"]))
    return {"center": E.graph.get("center"), "depth": E.graph.get("depth"), "actors": actors, "ties": ties}
