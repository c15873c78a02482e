"""Pure metrics of a projected graph: centrality, blocs, structural balance, strongest dyads."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from ..errors import AllianceGraphError

BLOC_SEED = 42
BETWEENNESS_EXACT_LIMIT = 1000  # actors; above this, betweenness samples sources (seeded)
BETWEENNESS_SAMPLES = 256
DIGITS = 4  # every float in the output is rounded to this many decimals


# --------------------------------------------------------------------------- views

class Pairs:
    """The unordered actor pairs of G as arrays: built once, shared by the metrics.

    ``i < j`` index ``nodes`` (sorted ids); ``weight`` sums the sources of all
    relations of the pair, ``positive``/``negative`` those of each polarity;
    ``sign`` is the sign of positive - negative; ``ties`` the G edge keys.
    """

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.nodes: list[str] = sorted(G.nodes)
        n = len(self.nodes)
        index = {name: k for k, name in enumerate(self.nodes)}
        us: list[int] = []
        vs: list[int] = []
        ws: list[int] = []
        pols: list[int] = []
        both: list[bool] = []
        keys: list[tuple[str, str, str]] = []
        for u, nbrs in G.adj.items():
            iu = index[u]
            for v, keyed in nbrs.items():
                iv = index[v]
                for key, d in keyed.items():
                    us.append(iu)
                    vs.append(iv)
                    ws.append(d["sources"])
                    pols.append(d["polarity"])
                    both.append(not d["directed"])
                    keys.append((u, v, key))
        u_a, v_a = np.array(us, dtype=np.int64), np.array(vs, dtype=np.int64)
        w = np.array(ws, dtype=np.float64)
        pol = np.array(pols, dtype=np.int64)
        lo, hi = np.minimum(u_a, v_a), np.maximum(u_a, v_a)
        pair_code, which = np.unique(lo * max(n, 1) + hi, return_inverse=True)
        m = len(pair_code)
        self.i, self.j = pair_code // max(n, 1), pair_code % max(n, 1)
        self.pairs = list(zip(self.i.tolist(), self.j.tolist(), strict=True))
        self.weight = np.bincount(which, weights=w, minlength=m)
        self.positive = np.bincount(which, weights=w * (pol > 0), minlength=m)
        self.negative = np.bincount(which, weights=w * (pol < 0), minlength=m)
        self.sign = np.sign(self.positive - self.negative).astype(np.int64)
        order = np.argsort(which, kind="stable")
        self._keys = [keys[k] for k in order.tolist()]
        self._offsets = np.searchsorted(which[order], np.arange(m + 1)).tolist()
        sym = np.array(both, dtype=bool)
        rows = np.concatenate([u_a, v_a[sym]])
        cols = np.concatenate([v_a, u_a[sym]])
        self.arcs = sparse.csr_array((np.concatenate([w, w[sym]]), (rows, cols)), shape=(n, n))
        self.arcs.sum_duplicates()

    def ties(self, k: int) -> list[tuple[str, str, str]]:
        """The G edge keys ``(u, v, relation)`` of pair ``k``, sorted."""
        return sorted(self._keys[self._offsets[k] : self._offsets[k + 1]])

    @property
    def n(self) -> int:
        return len(self.nodes)

    def degree(self) -> np.ndarray:
        return np.bincount(np.concatenate([self.i, self.j]), minlength=self.n)

    def matrix(self, values: np.ndarray, mask: np.ndarray | None = None) -> sparse.csr_array:
        """Symmetric n x n matrix with ``values`` at the (masked) pairs."""
        i, j, x = (self.i, self.j, values) if mask is None else (self.i[mask], self.j[mask], values[mask])
        return sparse.csr_array((np.concatenate([x, x]), (np.concatenate([i, j]), np.concatenate([j, i]))),
                                shape=(self.n, self.n))

    def graph(self) -> nx.Graph:
        D = nx.Graph()
        D.add_nodes_from(self.nodes)
        nodes = self.nodes
        D.add_edges_from(
            (nodes[a], nodes[b], {"weight": int(w), "distance": 1.0 / w, "positive": int(p), "negative": int(m),
                                  "sign": int(s), "ties": t})
            for a, b, w, p, m, s, t in zip(self.i.tolist(), self.j.tolist(), self.weight.tolist(),
                                          self.positive.tolist(), self.negative.tolist(), self.sign.tolist(),
                                          (self.ties(k) for k in range(len(self.pairs))), strict=True))
        return D


def dyads(G: nx.MultiDiGraph) -> nx.Graph:
    """One undirected edge per actor pair that has any relation.

    Attributes: ``weight`` (supporting articles summed over relations),
    ``distance`` (1/weight, for betweenness), ``positive``/``negative``
    (support of relations of that polarity), ``sign`` (+1, -1, or 0 when
    they cancel or the ties are neutral) and ``ties`` (the ``(u, v, relation)``
    keys of G).
    """
    return Pairs(G).graph()


def signed_dyads(G: nx.MultiDiGraph) -> nx.Graph:
    """The dyads whose sign is +1 or -1 (the signed graph of structural balance)."""
    D = dyads(G)
    S = nx.Graph()
    S.add_edges_from((u, v, d) for u, v, d in D.edges(data=True) if d["sign"] != 0)
    return S


def pagerank_of(P: Pairs, alpha: float = 0.85, max_iter: int = 100, tol: float = 1.0e-6) -> np.ndarray:
    """Weighted PageRank over the directed arcs of P, the algorithm of ``nx.pagerank`` in scipy."""
    n = P.n
    if n == 0:
        return np.zeros(0)
    A = P.arcs
    out = A.sum(axis=1)
    inv = np.divide(1.0, out, out=np.zeros(n), where=out != 0)
    A = sparse.dia_array((inv, 0), shape=(n, n)).tocsr() @ A
    dangling = out == 0
    p = np.full(n, 1.0 / n)
    x = p.copy()
    for _ in range(max_iter):
        last = x
        x = alpha * (x @ A + x[dangling].sum() * p) + (1 - alpha) * p
        if np.abs(x - last).sum() < n * tol:
            return x
    raise AllianceGraphError(f"PageRank did not converge in {max_iter} iterations")


def _igraph(P: Pairs, mask: np.ndarray | None = None) -> Any:
    """The pairs of P (those in ``mask``) as an undirected igraph ``Graph`` on vertices ``0..n-1`` (P's node order)."""
    import igraph

    i, j = (P.i, P.j) if mask is None else (P.i[mask], P.j[mask])
    return igraph.Graph(n=P.n, edges=np.column_stack([i, j]).tolist())


def _betweenness(P: Pairs, sources: Sequence[int] | None = None) -> np.ndarray:
    """Betweenness on the pairs with distance 1/weight, normalised as ``nx.betweenness_centrality``.

    igraph's Brandes (in C) counts each unordered pair once on an undirected
    graph: twice that is the sum over ordered pairs that networkx normalises.
    With ``sources``, only paths from those sources count (the k-sample
    estimate, scaled as networkx scales it).
    """
    n = P.n
    if n < 3 or len(P.pairs) == 0:
        return np.zeros(n)
    chosen = None if sources is None else sorted(sources)
    bc = 2.0 * np.asarray(_igraph(P).betweenness(directed=False, weights=(1.0 / P.weight).tolist(), sources=chosen))
    k = n if chosen is None else len(chosen)
    if k == n:
        return bc / ((n - 1) * (n - 2))
    scale = np.full(n, 1.0 / (k * (n - 2)))
    scale[chosen] = 1.0 / ((k - 1) * (n - 2)) if k > 1 else 0.0
    return bc * scale


# --------------------------------------------------------------------------- metrics

@dataclass(frozen=True)
class ActorScore:
    id: str
    label: str
    kind: str | None
    degree: int  # distinct actors it has any relation with
    ties: int  # (pair, relation) edges it takes part in
    pagerank: float
    betweenness: float


def centrality(G: nx.MultiDiGraph, *, seed: int = BLOC_SEED, exact_limit: int = BETWEENNESS_EXACT_LIMIT,
               samples: int = BETWEENNESS_SAMPLES) -> tuple[list[ActorScore], str]:
    """Degree, weighted PageRank and betweenness per actor, most central (PageRank) first.

    PageRank measures the attention an actor receives: a directed relation
    passes weight from subject to object (being supported, armed, visited or
    opposed by others), a symmetric one both ways; weight = supporting
    articles.
    Betweenness runs on the dyads with distance 1/support, exact up to
    ``exact_limit`` actors and estimated from ``samples`` seeded sources above.  Returns the scores and a
    phrase naming the betweenness method.
    """
    return centrality_of(G, Pairs(G), seed=seed, exact_limit=exact_limit, samples=samples)


def centrality_of(G: nx.MultiDiGraph, P: Pairs, *, seed: int, exact_limit: int, samples: int,
                pagerank: np.ndarray | None = None) -> tuple[list[ActorScore], str]:
    n = P.n
    if n == 0:
        return [], "exact"
    pr = pagerank_of(P) if pagerank is None else pagerank
    if n > exact_limit and samples < n:
        chosen = random.Random(seed).sample(range(n), samples)
        bc = _betweenness(P, chosen)
        method = f"approximate: {samples} sampled sources of {n} (seed {seed})"
    else:
        bc = _betweenness(P)
        method = "exact"
    degree = P.degree().tolist()
    pr_r = np.round(pr, DIGITS).tolist()
    bc_r = np.round(bc, DIGITS).tolist()
    nodes = G.nodes
    scores = [ActorScore(a, nodes[a]["label"], nodes[a]["kind"], degree[k], G.degree(a), pr_r[k], bc_r[k])
              for k, a in enumerate(P.nodes)]
    scores.sort(key=lambda s: (-s.pagerank, -s.betweenness, -s.degree, s.id))
    return scores, method


@dataclass(frozen=True)
class Blocs:
    members: list[list[str]]  # bloc i+1 = members[i]; largest first
    modularity: float | None  # None when there are no positive ties

    def of(self) -> dict[str, int]:
        return {a: i for i, group in enumerate(self.members, start=1) for a in group}


def blocs(G: nx.MultiDiGraph, *, seed: int = BLOC_SEED) -> Blocs:
    """Louvain communities of the positive dyads (weight = net positive support).

    Every actor gets a bloc; one without positive ties is a bloc of its own.
    Blocs are numbered from 1, largest first (ties by first member id).
    """
    return blocs_of(Pairs(G), seed=seed)


def blocs_of(P: Pairs, *, seed: int) -> Blocs:
    # igraph's multilevel (Louvain) in C: ~25x faster than networkx's at 2,000 actors.  It visits the
    # vertices in a random order, drawn from a generator seeded here (and put back after).
    import igraph

    pos = P.sign > 0
    if not pos.any():
        return Blocs([[a] for a in P.nodes], None)
    B = _igraph(P, pos)
    weights = (P.positive - P.negative)[pos].tolist()
    igraph.set_random_number_generator(random.Random(seed))
    try:
        membership = B.community_multilevel(weights=weights).membership
    finally:
        igraph.set_random_number_generator(random)
    groups: dict[int, list[str]] = defaultdict(list)
    for name, c in zip(P.nodes, membership, strict=True):
        groups[c].append(name)  # P.nodes are sorted: so is each group
    members = sorted(groups.values(), key=lambda c: (-len(c), c[0]))
    return Blocs(members, round(B.modularity(membership, weights=weights), DIGITS))


@dataclass(frozen=True)
class Frustration:
    a: str
    b: str
    sign: int
    unbalanced: int  # unbalanced triads through this dyad
    balanced: int


@dataclass(frozen=True)
class Balance:
    triads: int  # triangles of signed dyads
    balanced: int
    frustrating: list[Frustration]  # dyads in the most unbalanced triads, worst first

    @property
    def share(self) -> float | None:
        return round(self.balanced / self.triads, DIGITS) if self.triads else None


def balance(G: nx.MultiDiGraph, *, top: int | None = 10) -> Balance:
    """Structural balance of the signed dyads.

    A triad (three actors, all three pairs signed) is balanced when the
    product of its signs is positive ("the friend of my friend is my friend",
    "the enemy of my enemy is my friend").  The dyads that frustrate balance
    most are those in the most unbalanced triads; flipping or dropping them
    would help most.
    """
    return balance_of(Pairs(G), top=top)


def balance_of(P: Pairs, *, top: int | None) -> Balance:
    # With S the signed adjacency matrix and A = |S|, (A @ A)[u, v] counts the
    # triads through the pair (u, v) and (S @ S)[u, v] sums the products of the
    # other two signs; so a pair of sign s is in (t + s p) / 2 balanced triads.
    signed = P.sign != 0
    if not signed.any():
        return Balance(0, 0, [])
    i, j, sign = P.i[signed], P.j[signed], P.sign[signed]
    S = P.matrix(P.sign.astype(np.float64), signed)
    A = abs(S)
    t = np.rint(np.asarray((A @ A)[i, j]).ravel()).astype(np.int64)
    p = np.rint(np.asarray((S @ S)[i, j]).ravel()).astype(np.int64)
    bal = (t + sign * p) // 2
    unb = (t - sign * p) // 2
    triads, balanced = int(t.sum()) // 3, int(bal.sum()) // 3
    nodes = P.nodes
    worst = [k for k in np.flatnonzero(unb > 0).tolist()]
    worst.sort(key=lambda k: (-unb[k], bal[k], nodes[i[k]], nodes[j[k]]))
    if top:
        worst = worst[:top]
    frustrating = [Frustration(nodes[i[k]], nodes[j[k]], int(sign[k]), int(unb[k]), int(bal[k])) for k in worst]
    return Balance(triads, balanced, frustrating)


@dataclass(frozen=True)
class Dyad:
    a: str
    b: str
    support: int  # supporting articles summed over its relations
    sign: int
    ties: list[str]  # "relation" (symmetric), "relation >" (a to b) or "< relation" (b to a)


def tie_text(a: str, u: str, v: str, name: str, directed: bool) -> str:
    if not directed:
        return name
    return f"{name} >" if u == a else f"< {name}"


def strongest_dyads(G: nx.MultiDiGraph, *, top: int | None = 10) -> list[Dyad]:
    """Actor pairs with the most supporting articles, strongest first."""
    return strongest_of(G, Pairs(G), top=top)


def strongest_of(G: nx.MultiDiGraph, P: Pairs, *, top: int | None) -> list[Dyad]:
    order = sorted(range(len(P.pairs)), key=lambda k: -P.weight[k])  # pairs are sorted by id already
    if top:
        order = order[:top]
    out = []
    for k in order:
        a, b = P.nodes[P.i[k]], P.nodes[P.j[k]]
        ties = [tie_text(a, x, y, key, G.edges[x, y, key]["directed"]) for x, y, key in P.ties(k)]
        out.append(Dyad(a, b, int(P.weight[k]), int(P.sign[k]), ties))
    return out
