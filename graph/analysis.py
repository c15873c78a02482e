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

This module is the home of networkx (with ``render``); it never writes RDF.
"""

from __future__ import annotations

import calendar
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx

from .errors import AllianceGraphError, UnknownActor
from .store import AllianceStore
from .vocab import Vocabulary

__all__ = [
    "Period",
    "parse_period",
    "project",
    "project_claims",
    "ClaimRow",
    "dyads",
    "signed_dyads",
    "centrality",
    "ActorScore",
    "blocs",
    "Blocs",
    "balance",
    "Balance",
    "strongest_dyads",
    "Dyad",
    "compare",
    "Change",
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
BETWEENNESS_EXACT_LIMIT = 500  # nodes; above this, betweenness samples k sources (seeded)
BETWEENNESS_SAMPLES = 64
DIGITS = 4  # every float in the output is rounded to this many decimals


# --------------------------------------------------------------------------- periods

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _first_day(value: str) -> str:
    """The first day a (partial) ISO date covers.

    >>> _first_day("2021"), _first_day("2021-06"), _first_day("2021-06-23")
    ('2021-01-01', '2021-06-01', '2021-06-23')
    """
    return value + "-01-01"[len(value) - 4 :] if len(value) < 10 else value[:10]


def _last_day(value: str) -> str:
    """The last day a (partial) ISO date covers.

    >>> _last_day("2020"), _last_day("2020-02"), _last_day("2020-02-03")
    ('2020-12-31', '2020-02-29', '2020-02-03')
    """
    if len(value) == 4:
        return value + "-12-31"
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:7])
        return f"{value}-{calendar.monthrange(year, month)[1]:02d}"
    return value[:10]


def _check_date(value: str) -> str:
    value = value.strip()
    if not _DATE.match(value):
        raise AllianceGraphError(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    month_ok = len(value) == 4 or 1 <= int(value[5:7]) <= 12
    day_ok = len(value) < 10 or (month_ok and 1 <= int(value[8:10]) <= int(_last_day(value[:7])[8:]))
    if not (month_ok and day_ok):
        raise AllianceGraphError(f"{value!r} is not a valid date")
    return value


@dataclass(frozen=True)
class Period:
    """A span of days, either end open: claims whose date falls in it.

    A partial date counts as its first day (a claim dated ``2021-06`` is on
    2021-06-01); undated claims fall in no period.

    >>> Period.between("2019", "2020").contains("2020-12-31")
    True
    >>> Period.between(since="2021-03").contains("2021")
    False
    """

    start: str | None = None  # first day, inclusive
    end: str | None = None  # last day, inclusive
    label: str = "all dates"

    @classmethod
    def between(cls, since: str | None = None, until: str | None = None) -> Period:
        start = _first_day(_check_date(since)) if since else None
        end = _last_day(_check_date(until)) if until else None
        if start and end and start > end:
            raise AllianceGraphError(f"period starts ({since}) after it ends ({until})")
        if since and until:
            label = since if since == until else f"{since}..{until}"
        elif since:
            label = f"{since}.."
        elif until:
            label = f"..{until}"
        else:
            label = "all dates"
        return cls(start, end, label)

    @property
    def open(self) -> bool:
        return self.start is None and self.end is None

    def contains(self, date: str | None) -> bool:
        if self.open:
            return True
        if not date:
            return False
        day = _first_day(date)
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def parse_period(text: str) -> Period:
    """One side of ``--compare``: ``2019``, ``2019-06``, ``2019-06-30``, or a range with ``..``.

    A single date means all the days it covers; either end of a range may be
    left open (``..2020`` is everything up to the end of 2020).

    >>> parse_period("2019")
    Period(start='2019-01-01', end='2019-12-31', label='2019')
    >>> parse_period("2021-03..")
    Period(start='2021-03-01', end=None, label='2021-03..')
    """
    text = text.strip()
    if ".." in text:
        since, _, until = text.partition("..")
        if not since and not until:
            raise AllianceGraphError(f"period {text!r} has neither start nor end")
        return Period.between(since or None, until or None)
    return Period.between(text, text)


# --------------------------------------------------------------------------- projection

@dataclass(frozen=True)
class ClaimRow:
    """One non-rejected claim as read from the store."""

    subject: str
    relation: str
    object: str
    article: str
    confidence: float
    sentence: str
    date: str | None
    title: str | None
    source: str | None


_CLAIMS_QUERY = """
SELECT ?s ?p ?o ?a ?conf ?ev ?date ?issued ?title ?source WHERE {
  ?c a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?a .
  %s
  FILTER NOT EXISTS { ?c ag:rejected true }
  OPTIONAL { ?c ag:confidence ?conf }
  OPTIONAL { ?c ag:evidence ?ev }
  OPTIONAL { ?c dcterms:date ?date }
  OPTIONAL { ?a dcterms:issued ?issued }
  OPTIONAL { ?a dcterms:title ?title }
  OPTIONAL { ?a dcterms:source ?source }
}"""


def _claims(store: AllianceStore, relations: Sequence[str] | None) -> list[ClaimRow]:
    vocab = store.vocab
    values = ""
    if relations is not None:
        iris = " ".join(f"<{vocab.relation(r).iri}>" for r in relations)
        values = f"VALUES ?p {{ {iris} }}"
    rel_by_iri = {str(r.iri): r.name for r in vocab.relations.values()}
    actor_ns = len(str(vocab.actor_iri("")))
    rows = []
    for row in store.query(_CLAIMS_QUERY % values):
        rel = rel_by_iri.get(row["p"].value)
        s, o = row["s"].value, row["o"].value
        if rel is None or vocab.actor_id(s) is None or vocab.actor_id(o) is None:
            continue
        conf, ev, date, title, source = row["conf"], row["ev"], row["date"] or row["issued"], row["title"], row["source"]
        rows.append(ClaimRow(
            subject=s[actor_ns:], relation=rel, object=o[actor_ns:], article=row["a"].value,
            confidence=float(conf.value) if conf is not None else 1.0,
            sentence=ev.value if ev is not None else "",
            date=date.value if date is not None else None,
            title=title.value if title is not None else None,
            source=source.value if source is not None else None,
        ))
    return rows


def project(store: AllianceStore, *, relations: Iterable[str] | None = None, since: str | None = None,
            until: str | None = None, min_sources: int = 1, period: Period | None = None) -> nx.MultiDiGraph:
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
    """
    rels = sorted(set(relations)) if relations is not None else None
    if period is None:
        period = Period.between(since, until)
    elif since or until:
        raise AllianceGraphError("give either a period or since/until, not both")
    if min_sources < 1:
        raise AllianceGraphError(f"min_sources must be at least 1, not {min_sources}")
    G = project_claims(_claims(store, rels), store.vocab, period=period, min_sources=min_sources)
    G.graph.update(relations=rels, period=period.label, since=period.start, until=period.end, min_sources=min_sources)
    return G


def project_claims(claims: Iterable[ClaimRow], vocab: Vocabulary, *, period: Period | None = None,
                   min_sources: int = 1) -> nx.MultiDiGraph:
    """The projection of ``project`` from claim rows already read (see there)."""
    period = period or Period()
    grouped: dict[tuple[str, str, str], list[ClaimRow]] = defaultdict(list)
    for c in claims:
        if not period.contains(c.date):
            continue
        rel = vocab.relation(c.relation)
        u, v = (c.subject, c.object)
        if rel.symmetric and v < u:
            u, v = v, u
        grouped[(u, v, c.relation)].append(c)
    edges = []
    for (u, v, name), rows in grouped.items():
        articles = {r.article for r in rows}
        if len(articles) < min_sources:
            continue
        rel = vocab.relation(name)
        dates = sorted(r.date for r in rows if r.date)
        evidence = sorted(
            ({"sentence": r.sentence, "article": r.article, "title": r.title, "date": r.date, "source": r.source,
              "confidence": round(r.confidence, 3)} for r in rows),
            key=lambda e: (e["date"] is None, e["date"] or "", e["article"], e["sentence"]),
        )
        edges.append((u, v, name, {
            "relation": name, "polarity": rel.polarity, "directed": rel.directed, "sources": len(articles),
            "confidence": round(max(r.confidence for r in rows), 3),
            "first": dates[0] if dates else None, "last": dates[-1] if dates else None,
            "evidence": evidence,
        }))
    G = nx.MultiDiGraph()
    for n in sorted({n for u, v, _, _ in edges for n in (u, v)}):
        actor = vocab.actors.get(n)
        G.add_node(n, label=actor.label if actor else n, kind=actor.kind if actor else None)
    for u, v, key, attrs in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        G.add_edge(u, v, key=key, **attrs)
    return G


# --------------------------------------------------------------------------- views

def dyads(G: nx.MultiDiGraph) -> nx.Graph:
    """One undirected edge per actor pair that has any relation.

    Attributes: ``weight`` (supporting articles summed over relations),
    ``distance`` (1/weight, for betweenness), ``positive``/``negative``
    (support of relations of that polarity), ``sign`` (+1, -1, or 0 when
    they cancel or the ties are neutral) and ``ties`` (the ``(u, v, relation)``
    keys of G).
    """
    D = nx.Graph()
    D.add_nodes_from(G.nodes)
    acc: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, key, d in G.edges(keys=True, data=True):
        pair = (u, v) if u < v else (v, u)
        a = acc.setdefault(pair, {"weight": 0, "positive": 0, "negative": 0, "ties": []})
        a["weight"] += d["sources"]
        if d["polarity"] > 0:
            a["positive"] += d["sources"]
        elif d["polarity"] < 0:
            a["negative"] += d["sources"]
        a["ties"].append((u, v, key))
    for (u, v), a in sorted(acc.items()):
        net = a["positive"] - a["negative"]
        D.add_edge(u, v, weight=a["weight"], distance=1.0 / a["weight"], positive=a["positive"],
                   negative=a["negative"], sign=(net > 0) - (net < 0), ties=sorted(a["ties"]))
    return D


def signed_dyads(G: nx.MultiDiGraph) -> nx.Graph:
    """The dyads whose sign is +1 or -1 (the signed graph of structural balance)."""
    D = dyads(G)
    S = nx.Graph()
    S.add_edges_from((u, v, d) for u, v, d in D.edges(data=True) if d["sign"] != 0)
    return S


def _weighted_digraph(G: nx.MultiDiGraph) -> nx.DiGraph:
    """Direction-aware view for PageRank: a symmetric tie flows both ways."""
    W = nx.DiGraph()
    W.add_nodes_from(G.nodes)
    for u, v, d in G.edges(data=True):
        for a, b in ((u, v), (v, u)) if not d["directed"] else ((u, v),):
            if W.has_edge(a, b):
                W[a][b]["weight"] += d["sources"]
            else:
                W.add_edge(a, b, weight=d["sources"])
    return W


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
    if G.number_of_nodes() == 0:
        return [], "exact"
    D = dyads(G)
    pr = nx.pagerank(_weighted_digraph(G), weight="weight")
    n = D.number_of_nodes()
    if n > exact_limit:
        k = min(samples, n)
        bc = nx.betweenness_centrality(D, k=k, weight="distance", seed=seed)
        method = f"approximate: {k} sampled sources of {n} (seed {seed})"
    else:
        bc = nx.betweenness_centrality(D, weight="distance")
        method = "exact"
    scores = [ActorScore(a, G.nodes[a]["label"], G.nodes[a]["kind"], D.degree(a), G.degree(a),
                         round(pr[a], DIGITS), round(bc[a], DIGITS)) for a in G.nodes]
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
    P = nx.Graph()
    P.add_nodes_from(sorted(G.nodes))
    for u, v, d in dyads(G).edges(data=True):
        if d["sign"] > 0:
            P.add_edge(u, v, weight=d["positive"] - d["negative"])
    if P.number_of_edges() == 0:
        return Blocs([[a] for a in sorted(G.nodes)], None)
    communities = nx.community.louvain_communities(P, weight="weight", seed=seed)
    members = sorted((sorted(c) for c in communities), key=lambda c: (-len(c), c[0]))
    modularity = nx.community.modularity(P, [set(c) for c in members], weight="weight")
    return Blocs(members, round(modularity, DIGITS))


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
    S = signed_dyads(G)
    order = {n: i for i, n in enumerate(sorted(S.nodes))}
    adj = {n: {m for m in S[n] if order[m] > order[n]} for n in S.nodes}
    sign = {}
    for u, v, d in S.edges(data=True):
        sign[(u, v)] = sign[(v, u)] = d["sign"]
    unb: dict[tuple[str, str], int] = defaultdict(int)
    bal: dict[tuple[str, str], int] = defaultdict(int)
    triads = balanced = 0
    for u in sorted(S.nodes):
        for v in sorted(adj[u]):
            for w in adj[u] & adj[v]:
                triads += 1
                pairs = ((u, v), (u, w), (v, w))
                ok = sign[pairs[0]] * sign[pairs[1]] * sign[pairs[2]] > 0
                balanced += ok
                for p in pairs:
                    (bal if ok else unb)[p] += 1
    worst = sorted(unb, key=lambda p: (-unb[p], bal[p], p))
    if top:
        worst = worst[:top]
    frustrating = [Frustration(min(p), max(p), sign[p], unb[p], bal[p]) for p in worst]
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
    out = []
    for u, v, d in dyads(G).edges(data=True):
        a, b = min(u, v), max(u, v)
        ties = [_tie_text(a, x, y, k, G.edges[x, y, k]["directed"]) for x, y, k in d["ties"]]
        out.append(Dyad(a, b, d["weight"], d["sign"], ties))
    out.sort(key=lambda x: (-x.support, x.a, x.b))
    return out[:top] if top else out


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
    da, db = dyads(GA), dyads(GB)

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

    pra = nx.pagerank(_weighted_digraph(GA), weight="weight") if GA.number_of_nodes() else {}
    prb = nx.pagerank(_weighted_digraph(GB), weight="weight") if GB.number_of_nodes() else {}
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

def annotate(G: nx.MultiDiGraph, *, seed: int = BLOC_SEED) -> None:
    """Set node attributes ``bloc`` (int, from 1) and ``centrality`` (weighted PageRank) in place."""
    of = blocs(G, seed=seed).of()
    pr = nx.pagerank(_weighted_digraph(G), weight="weight") if G.number_of_nodes() else {}
    for n in G.nodes:
        G.nodes[n]["bloc"] = of[n]
        G.nodes[n]["centrality"] = round(pr[n], DIGITS)


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
    extra: dict[str, Any] = field(default_factory=dict)

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
    scores, method = centrality(G, seed=seed, exact_limit=exact_limit, samples=samples)
    filters = {k: G.graph.get(k) for k in ("period", "relations", "min_sources")}
    return Analysis(
        filters=filters, actors=G.number_of_nodes(), dyads=dyads(G).number_of_edges(), ties=G.number_of_edges(),
        actor_scores=scores, betweenness=method, blocs=blocs(G, seed=seed), balance=balance(G, top=top),
        strongest=strongest_dyads(G, top=top), change=change, top=top or None,
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
    u, v, k, d = min(candidates, key=lambda c: (-c[3]["sources"], -c[3]["confidence"], c[2], c[0], c[1]))
    ev = d["evidence"][0] if d["evidence"] else {"sentence": "", "article": "", "title": None, "date": None}
    return Step(x, y, u, k, v, d["directed"], d["sources"], ev["sentence"], ev["article"], ev["title"], ev["date"])


def shortest_chains(G: nx.MultiDiGraph, a: str, b: str, *, limit: int = 5) -> list[list[Step]]:
    """The fewest-hop chains from ``a`` to ``b`` over any relation, in either direction.

    Each step carries the best-supported relation between its two actors and
    that relation's first evidence sentence.  At most ``limit`` chains, in
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
