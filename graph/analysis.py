"""Network analysis: the store's claims projected into networkx, and pure metrics over it.

``project(store)`` reads the claims (never the derived edges) and returns an
``nx.MultiDiGraph``: one node per actor, one edge per (actor pair, relation)
keyed by the relation name.  A symmetric relation is stored once per
unordered pair (``u < v``, ``directed=False``); the metrics decide what
direction means.  Everything else here is a pure function of such a graph:

- ``centrality``: degree, weighted PageRank and betweenness (distance = 1/support);
- ``blocs``: Louvain communities of the positive ties (fixed seed) and modularity;
- ``balance``: share of balanced signed triads and the ties that frustrate it;
- ``strongest_dyads``, ``compare`` (change between two periods);
- ``shortest_chains`` (``alliances path``) and ``ego`` (``alliances ego``).

This module is the home of networkx (with ``render``) and of igraph (Louvain
and betweenness in C, imported when first used); it never writes RDF.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
import pyoxigraph as ox
from scipy import sparse

from .errors import AllianceGraphError, UnknownActor, UnknownRelation
from .periods import Period, parse_period
from .store import AllianceStore
from .vocab import Vocabulary

__all__ = [
    "Period",
    "parse_period",
    "project",
    "project_claims",
    "read_claims",
    "ClaimRow",
    "SOURCE_KINDS",
    "SOURCE_CHOICES",
    "dyads",
    "signed_dyads",
    "centrality",
    "ActorScore",
    "blocs",
    "Blocs",
    "balance",
    "Balance",
    "Frustration",
    "strongest_dyads",
    "Dyad",
    "compare",
    "Change",
    "DyadChange",
    "ActorChange",
    "annotate",
    "analyze",
    "Analysis",
    "resolve_actor",
    "shortest_chains",
    "Step",
    "ego",
    "ego_dict",
    "BLOC_SEED",
    "BETWEENNESS_EXACT_LIMIT",
    "BETWEENNESS_SAMPLES",
]

BLOC_SEED = 42
BETWEENNESS_EXACT_LIMIT = 1000  # actors; above this, betweenness samples sources (seeded)
BETWEENNESS_SAMPLES = 256
DIGITS = 4  # every float in the output is rounded to this many decimals


# --------------------------------------------------------------------------- projection

class ClaimRow(NamedTuple):
    """One non-rejected claim as read from the store (dates and titles may be missing)."""

    subject: str
    relation: str
    object: str
    article: str
    confidence: float
    sentence: str
    date: str | None
    title: str | None
    source: str | None
    kind: str = "news"  # where the claim comes from: one of SOURCE_KINDS


SOURCE_KINDS = ("news", "event", "treaty")  # articles (extracted or curated), event datasets, treaty datasets
SOURCE_CHOICES = {"all": SOURCE_KINDS, "news": ("news",), "dataset": ("event", "treaty"), "events": ("event",),
                  "treaties": ("treaty",)}

# Shaped for the on-disk store: each property is one scan of its index, joined by hash
# (a subquery per property), instead of one index lookup per claim and property
# (the plain pattern); on RocksDB that made the read about 5x faster.  What costs
# most after that is turning the answer's terms into strings: each IRI or long
# literal is one RocksDB lookup per row.  So the relation, the actors and the
# article come back as their numbers in VALUES tables (a number needs no lookup;
# the tables cost one lookup per distinct actor or article), the evidence and the
# articles' titles and sources are read only when the caller keeps them, and the
# datasets' start dates and story locators only when the store holds a dataset.
_CLAIMS_QUERY = """
SELECT ?s ?k ?o ?a ?conf %(ev)s?date%(ds)s WHERE {
  { SELECT ?c WHERE { ?c a ag:Claim } }
  { SELECT ?c ?k WHERE { ?c rdf:predicate ?p . VALUES (?p ?k) { %(values)s } } }
  %(s)s
  %(o)s
  %(a)s
  MINUS { ?c ag:rejected true }
  OPTIONAL { SELECT ?c ?conf WHERE { ?c ag:confidence ?conf } }
  %(ev_pattern)s
  OPTIONAL { SELECT ?c ?date WHERE { ?c dcterms:date ?date } }
  %(ds_pattern)s
}"""
_DATASET_PATTERN = """OPTIONAL { SELECT ?c ?start WHERE { ?c ag:startDate ?start } }
  OPTIONAL { SELECT ?c ?src WHERE { ?c dcterms:source ?src } }"""
_CLAIM_ACTORS_QUERY = "SELECT DISTINCT ?x WHERE { { ?c rdf:subject ?x } UNION { ?c rdf:object ?x } }"
_CLAIM_SOURCES_QUERY = "SELECT DISTINCT ?x WHERE { ?c prov:wasDerivedFrom ?x }"
NUMBERED_LIMIT = 100_000  # actors or articles given numbers at most (the VALUES table is query text)
_EVIDENCE_PATTERN = "OPTIONAL { SELECT ?c ?ev WHERE { ?c ag:evidence ?ev } }"

_DATASETS_QUERY = """
SELECT ?d ?title ?version ?event WHERE {
  ?d a ag:Dataset .
  OPTIONAL { ?d dcterms:title ?title }
  OPTIONAL { ?d ag:datasetVersion ?version }
  BIND(EXISTS { ?d a ag:EventDataset } AS ?event)
}"""

_ARTICLES_QUERY = """
SELECT ?a ?issued ?title ?source WHERE {
  { SELECT ?a WHERE { ?a a ag:Article } }
  OPTIONAL { SELECT ?a ?issued WHERE { ?a dcterms:issued ?issued } }
  OPTIONAL { SELECT ?a ?title WHERE { ?a dcterms:title ?title } }
  OPTIONAL { SELECT ?a ?source WHERE { ?a dcterms:source ?source } }
}"""

_ARTICLE_DATES_QUERY = """
SELECT ?a ?issued ?title ?source WHERE {
  { SELECT ?a WHERE { ?a a ag:Article } }
  OPTIONAL { SELECT ?a ?issued WHERE { ?a dcterms:issued ?issued } }
}"""


def _value(term: Any) -> str | None:
    return term.value if term is not None else None


def read_claims(store: AllianceStore, relations: Sequence[str] | None = None,
                sources: Sequence[str] = SOURCE_KINDS, *, evidence: bool = True) -> list[ClaimRow]:
    """Every claim a curator has not rejected, with its article's (or dataset's) title, date and source.

    A claim without its own date takes its article's date (a treaty claim:
    its start date).  A treaty claim counts for the relation its treaty type
    refines (a defence pact is an alliance).  ``sources`` keeps only claims of
    those kinds (``SOURCE_KINDS``: news articles, event datasets, treaty
    datasets).  Without ``evidence`` the rows carry no sentence and no
    article title or source (``""``, ``None``, ``None``): the read is cheaper.
    """
    vocab = store.vocab
    rel_by_iri = {str(r.iri): r.name for r in vocab.relations.values()}
    rel_by_iri.update({str(t.iri): t.parent for t in vocab.treaty_types.values()})
    treaty_labels = {str(t.iri): t.label for t in vocab.treaty_types.values()}
    if relations is not None:
        wanted = set(relations)
        for r in relations:
            vocab.relation(r)  # unknown names raise
        rel_by_iri = {iri: name for iri, name in rel_by_iri.items() if name in wanted}
    iris = list(rel_by_iri)
    if not iris:
        return []
    values = _values(iris)
    articles: dict[str, tuple[str | None, str | None, str | None]] = {}
    if "news" in sources:
        for a, issued, title, source in store.query_data(  # type: ignore[misc, union-attr]
                _ARTICLES_QUERY if evidence else _ARTICLE_DATES_QUERY):
            articles.setdefault(a.value, (_value(issued), _value(title), _value(source)))
    datasets: dict[str, tuple[str, str]] = {}
    for d, title, version, event in store.query_data(_DATASETS_QUERY):  # type: ignore[misc, union-attr]
        kind = "event" if event is not None and event.value == "true" else "treaty"
        name = " ".join(x for x in (_value(title), _value(version)) if x)
        datasets.setdefault(d.value, (kind, name or d.value))
    prefix = str(vocab.actor_iri(""))
    cut = len(prefix)
    # actors: only IRIs under the actor prefix are kept (claims about anything else are skipped)
    actor_iris = [x.value for (x,) in store.query_data(_CLAIM_ACTORS_QUERY)  # type: ignore[misc, union-attr]
                  if isinstance(x, ox.NamedNode) and x.value.startswith(prefix)]
    numbered = len(actor_iris) <= NUMBERED_LIMIT
    actor_ids = [iri[cut:] for iri in actor_iris]

    def actor(t: Any) -> str | None:
        if numbered:
            return actor_ids[int(t.value)]
        v = t.value
        return v[cut:] if v.startswith(prefix) else None

    found = [x for (x,) in store.query_data(_CLAIM_SOURCES_QUERY)]  # type: ignore[misc, union-attr]
    source_iris = [x.value for x in found]  # every source, numbered when they are all IRIs (VALUES takes no blank node)
    by_number = len(found) <= NUMBERED_LIMIT and all(isinstance(x, ox.NamedNode) for x in found)

    def source(t: Any) -> str:
        return source_iris[int(t.value)] if by_number else t.value

    nothing = (None, None, None)
    keep = set(sources)
    confidences: dict[str, float] = {}
    rows = []
    query = _CLAIMS_QUERY % {
        "values": values, "ev": "?ev " if evidence else "", "ev_pattern": _EVIDENCE_PATTERN if evidence else "",
        "ds": " ?start ?src" if datasets else "", "ds_pattern": _DATASET_PATTERN if datasets else "",
        "s": _column("s", "rdf:subject", actor_iris if numbered else None),
        "o": _column("o", "rdf:object", actor_iris if numbered else None),
        "a": _column("a", "prov:wasDerivedFrom", source_iris if by_number else None)}
    for row in store.query_data(query):  # type: ignore[union-attr]
        s, k, o, a, conf, *rest = row
        ev = rest.pop(0) if evidence else None
        date, start, src = rest if datasets else (rest[0], None, None)
        p = iris[int(k.value)]
        rel = rel_by_iri[p]
        s, o = actor(s), actor(o)
        if s is None or o is None:
            continue
        a = source(a)
        ds = datasets.get(a)
        kind = ds[0] if ds is not None else "news"
        if kind not in keep:
            continue
        if conf is None:
            confidence = 1.0
        else:
            confidence = confidences.get(conf.value)  # type: ignore[assignment]
            if confidence is None:
                confidence = confidences[conf.value] = round(float(conf.value), 3)
        sentence = ev.value if ev is not None else ""
        if ds is not None:
            when = date.value if date is not None else start.value if start is not None else None
            if kind == "treaty" and not sentence and evidence:
                sentence = f"{treaty_labels.get(p, rel)} ({ds[1]})"
            locator = _value(src)
            # an event claim's source is its story: distinct stories count as distinct sources
            rows.append(ClaimRow(s, rel, o, locator if kind == "event" and locator else a, confidence,
                                 sentence, when, ds[1], locator, kind))
            continue
        issued, title, source_ = articles.get(a, nothing)
        rows.append(ClaimRow(s, rel, o, a, confidence, sentence,
                             date.value if date is not None else issued, title, source_))
    return rows


def _values(iris: Sequence[str]) -> str:
    """The rows of a VALUES table that numbers ``iris`` from 0."""
    return " ".join(f"(<{iri}> {k})" for k, iri in enumerate(iris))


def _column(var: str, path: str, numbers: Sequence[str] | None) -> str:
    """The subquery that binds ``?var`` to the claim's ``path`` value: its number in ``numbers``, or the term itself."""
    if numbers is None:
        return f"{{ SELECT ?c ?{var} WHERE {{ ?c {path} ?{var} }} }}"
    return f"{{ SELECT ?c ?{var} WHERE {{ ?c {path} ?x . VALUES (?x ?{var}) {{ {_values(numbers)} }} }} }}"


def project(store: AllianceStore, *, relations: Iterable[str] | None = None, since: str | None = None,
            until: str | None = None, min_sources: int = 1, period: Period | None = None,
            sources: str = "all", evidence: bool = True) -> nx.MultiDiGraph:
    """Project the store's claims into a ``MultiDiGraph`` (the graph analysis and pages share).

    Nodes are actor ids with ``label`` and ``kind`` (``State``/``Organization``,
    ``None`` for an actor the ontology does not know).  There is one edge per
    (actor pair, relation), keyed by the relation name, with ``relation``,
    ``polarity``, ``directed`` (``False`` for a symmetric relation, stored once
    with ``u < v``), ``sources`` (distinct supporting articles), ``confidence``
    (max), ``first``/``last`` (ISO dates or ``None``) and ``evidence`` (dicts of
    sentence, article, title, date, source, confidence, sorted by date, article,
    sentence).  Rejected claims are ignored.  ``relations`` keeps only those
    relations; ``since``/``until`` (or ``period``) keep claims dated within
    (a claim's date, else its article's; undated claims are dropped when a
    period is set); ``min_sources`` drops edges with fewer supporting articles.
    Without ``evidence`` every edge's ``evidence`` is an empty list (the
    metrics never read it, and the read is cheaper).
    """
    rels = sorted(set(relations)) if relations is not None else None
    if period is None:
        period = Period.between(since, until)
    elif since or until:
        raise AllianceGraphError("give either a period or since/until, not both")
    if min_sources < 1:
        raise AllianceGraphError(f"min_sources must be at least 1, not {min_sources}")
    if sources not in SOURCE_CHOICES:
        raise AllianceGraphError(f"unknown source kind {sources!r}; choose from {', '.join(SOURCE_CHOICES)}")
    with _gc_paused():
        G = project_claims(read_claims(store, rels, SOURCE_CHOICES[sources], evidence=evidence), store.vocab,
                           period=period, min_sources=min_sources, evidence=evidence)
    G.graph.update(relations=rels, period=period.label, since=period.start, until=period.end, min_sources=min_sources,
                   sources=sources)
    return G


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects that all stay alive.

    Building the projection allocates a few hundred thousand dicts and lists,
    and the metrics many more while the projection is
    alive; the collections this triggers walk live objects only (about 40% of
    the projection's time at 50,000 claims).  Reference counting still frees
    everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _evidence_key(e: dict[str, Any]) -> tuple[bool, str, str, str]:
    return (e["date"] is None, e["date"] or "", e["article"], e["sentence"])


def project_claims(claims: Iterable[ClaimRow], vocab: Vocabulary, *, period: Period | None = None,
                   min_sources: int = 1, evidence: bool = True) -> nx.MultiDiGraph:
    """The projection of ``project`` from claim rows already read (see there)."""
    period = period or Period()
    every_date = period.open
    symmetric = {name for name, r in vocab.relations.items() if r.symmetric}
    grouped: dict[tuple[str, str, str], list[ClaimRow]] = {}
    for c in claims:
        s, rel, o, _, _, _, date, _, _, _ = c
        if not every_date and not period.contains(date):
            continue
        if rel not in vocab.relations:
            raise UnknownRelation(rel)
        key = (o, s, rel) if rel in symmetric and o < s else (s, o, rel)
        group = grouped.get(key)
        if group is None:
            grouped[key] = [c]
        else:
            group.append(c)
    polarity = {name: r.polarity for name, r in vocab.relations.items()}
    G = nx.MultiDiGraph()
    keys = sorted(grouped)
    nodes = sorted({n for u, v, _ in keys for n in (u, v)})
    actors = vocab.actors
    G.add_nodes_from((n, {"label": actors[n].label, "kind": actors[n].kind} if n in actors
                      else {"label": n, "kind": None}) for n in nodes)
    add = G.add_edge
    for key in keys:
        rows = grouped[key]
        u, v, name = key
        if len(rows) == 1:  # most edges: one claim, nothing to aggregate
            if min_sources > 1:
                continue
            _, _, _, article, conf, sentence, date, title, source, kind = rows[0]
            cited = [{"sentence": sentence, "article": article, "title": title, "date": date, "source": source,
                      "confidence": conf, "kind": kind}] if evidence else []
            add(u, v, name, relation=name, polarity=polarity[name], directed=name not in symmetric, sources=1,
                confidence=conf, first=date, last=date, evidence=cited)
            continue
        n_sources = len({r.article for r in rows})
        if n_sources < min_sources:
            continue
        cited = sorted(({"sentence": r.sentence, "article": r.article, "title": r.title, "date": r.date,
                         "source": r.source, "confidence": r.confidence, "kind": r.kind} for r in rows),
                       key=_evidence_key) if evidence else []
        dates = [r.date for r in rows if r.date]
        add(u, v, name, relation=name, polarity=polarity[name], directed=name not in symmetric, sources=n_sources,
            confidence=max(r.confidence for r in rows), first=min(dates) if dates else None,
            last=max(dates) if dates else None, evidence=cited)
    if min_sources > 1:
        G.remove_nodes_from([n for n in nodes if G.degree(n) == 0])
    return G


# --------------------------------------------------------------------------- views

class _Pairs:
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
    return _Pairs(G).graph()


def signed_dyads(G: nx.MultiDiGraph) -> nx.Graph:
    """The dyads whose sign is +1 or -1 (the signed graph of structural balance)."""
    D = dyads(G)
    S = nx.Graph()
    S.add_edges_from((u, v, d) for u, v, d in D.edges(data=True) if d["sign"] != 0)
    return S


def _pagerank(P: _Pairs, alpha: float = 0.85, max_iter: int = 100, tol: float = 1.0e-6) -> np.ndarray:
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


def _igraph(P: _Pairs, mask: np.ndarray | None = None) -> Any:
    """The pairs of P (those in ``mask``) as an undirected igraph ``Graph`` on vertices ``0..n-1`` (P's node order)."""
    import igraph

    i, j = (P.i, P.j) if mask is None else (P.i[mask], P.j[mask])
    return igraph.Graph(n=P.n, edges=np.column_stack([i, j]).tolist())


def _betweenness(P: _Pairs, sources: Sequence[int] | None = None) -> np.ndarray:
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
    return _centrality(G, _Pairs(G), seed=seed, exact_limit=exact_limit, samples=samples)


def _centrality(G: nx.MultiDiGraph, P: _Pairs, *, seed: int, exact_limit: int, samples: int,
                pagerank: np.ndarray | None = None) -> tuple[list[ActorScore], str]:
    n = P.n
    if n == 0:
        return [], "exact"
    pr = _pagerank(P) if pagerank is None else pagerank
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
    return _blocs(_Pairs(G), seed=seed)


def _blocs(P: _Pairs, *, seed: int) -> Blocs:
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
    return _balance(_Pairs(G), top=top)


def _balance(P: _Pairs, *, top: int | None) -> Balance:
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


def _tie_text(a: str, u: str, v: str, name: str, directed: bool) -> str:
    if not directed:
        return name
    return f"{name} >" if u == a else f"< {name}"


def strongest_dyads(G: nx.MultiDiGraph, *, top: int | None = 10) -> list[Dyad]:
    """Actor pairs with the most supporting articles, strongest first."""
    return _strongest(G, _Pairs(G), top=top)


def _strongest(G: nx.MultiDiGraph, P: _Pairs, *, top: int | None) -> list[Dyad]:
    order = sorted(range(len(P.pairs)), key=lambda k: -P.weight[k])  # pairs are sorted by id already
    if top:
        order = order[:top]
    out = []
    for k in order:
        a, b = P.nodes[P.i[k]], P.nodes[P.j[k]]
        ties = [_tie_text(a, x, y, key, G.edges[x, y, key]["directed"]) for x, y, key in P.ties(k)]
        out.append(Dyad(a, b, int(P.weight[k]), int(P.sign[k]), ties))
    return out


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
    pa, pb = _Pairs(GA), _Pairs(GB)
    da, db = pa.graph(), pb.graph()

    def directed(t: tuple[str, str, str]) -> bool:
        G = GA if t in ta else GB
        return bool(G.edges[t]["directed"])

    by_pair: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for t in sorted(ta ^ tb):
        u, v, k = t
        a, b = min(u, v), max(u, v)
        gained, lost = by_pair.setdefault((a, b), ([], []))
        (gained if t in tb else lost).append(_tie_text(a, u, v, k, directed(t)))
    changes = []
    for (a, b), (gained, lost) in by_pair.items():
        sa = da.edges[a, b]["sign"] if da.has_edge(a, b) else None
        sb = db.edges[a, b]["sign"] if db.has_edge(a, b) else None
        changes.append(DyadChange(a, b, sa, sb, gained, lost))
    reversed_sign = {(c.a, c.b) for c in changes if c.sign_a is not None and c.sign_b is not None and c.sign_a * c.sign_b < 0}
    changes.sort(key=lambda c: ((c.a, c.b) not in reversed_sign, -(len(c.gained) + len(c.lost)), c.a, c.b))

    pra = dict(zip(pa.nodes, _pagerank(pa).tolist(), strict=True))
    prb = dict(zip(pb.nodes, _pagerank(pb).tolist(), strict=True))
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


# --------------------------------------------------------------------------- the whole analysis

def annotate(G: nx.MultiDiGraph, analysis: Analysis | None = None, *, seed: int = BLOC_SEED) -> None:
    """Set node attributes ``bloc`` (int, from 1) and ``centrality`` (weighted PageRank) in place.

    Pass the ``analyze(G)`` result to reuse its blocs and PageRank.
    """
    if analysis is None:
        P = _Pairs(G)
        of = _blocs(P, seed=seed).of()
        pr = dict(zip(P.nodes, np.round(_pagerank(P), DIGITS).tolist(), strict=True))
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
    with _gc_paused():
        P = _Pairs(G)
        scores, method = _centrality(G, P, seed=seed, exact_limit=exact_limit, samples=samples)
        filters = {k: G.graph.get(k) for k in ("period", "relations", "min_sources")}
        return Analysis(
            filters=filters, actors=G.number_of_nodes(), dyads=len(P.pairs), ties=G.number_of_edges(),
            actor_scores=scores, betweenness=method, blocs=_blocs(P, seed=seed), balance=_balance(P, top=top),
            strongest=_strongest(G, P, top=top), change=change, top=top or None,
        )


# --------------------------------------------------------------------------- paths and neighbourhoods

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
