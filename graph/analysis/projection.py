"""The store's claims read and projected into a networkx ``MultiDiGraph`` (one edge per actor pair and relation)."""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import networkx as nx
import pyoxigraph as ox

from .. import snapshots
from ..errors import AllianceGraphError, UnknownRelation
from ..periods import Period
from ..store import AllianceStore
from ..vocab import Vocabulary


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
_KEPT_VERSION = 1  # of the rows _kept_claims keeps: a change of what read_claims returns must bump it
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
    article title or source (``""``, ``None``, ``None``): the read is cheaper,
    and a reader of a published snapshot reads it once: the rows are kept
    inside the snapshot (``snapshots.keep``, which never changes) and read
    back by every later reader of it.
    """
    vocab = store.vocab
    rel_by_iri = {str(r.iri): r.name for r in vocab.relations.values()}
    rel_by_iri.update({str(t.iri): t.parent for t in vocab.treaty_types.values()})
    if relations is not None:
        for r in relations:
            vocab.relation(r)  # unknown names raise
    if evidence or store.snapshot is None:
        return _read_claims(store, rel_by_iri, relations, sources, evidence=evidence)
    wanted, kinds = set(relations) if relations is not None else None, set(sources)
    return [r for r in _kept_claims(store, rel_by_iri) if (wanted is None or r.relation in wanted) and r.kind in kinds]


def _kept_claims(store: AllianceStore, rel_by_iri: dict[str, str]) -> list[ClaimRow]:
    """All claims without evidence, as kept in the reader's snapshot, or read now and kept there.

    The rows depend on the snapshot and on the ontology (relation names, the
    actor prefix): the kept ones are used only with the same ontology.
    """
    assert store.snapshot is not None
    ontology = [str(store.vocab.actor_iri("")), sorted(rel_by_iri.items())]
    kept = snapshots.read_kept(store.snapshot.path, snapshots.CLAIMS, _KEPT_VERSION)
    if isinstance(kept, dict) and kept.get("ontology") == json.loads(json.dumps(ontology)):
        try:
            strings, conf = kept["strings"], kept["confidence"]
            return [ClaimRow(strings[s], strings[k], strings[o], strings[a], conf[c], "", strings[d], strings[t],
                             strings[u], strings[n]) for s, k, o, a, c, d, t, u, n in kept["rows"]]
        except (KeyError, IndexError, TypeError, ValueError):
            pass  # not what _kept_claims writes: read the store again
    rows = _read_claims(store, rel_by_iri, None, SOURCE_KINDS, evidence=False)
    index: dict[str | None, int] = {}
    confidences: dict[float, int] = {}
    packed = [[index.setdefault(x, len(index)) if i != 4 else confidences.setdefault(x, len(confidences))
               for i, x in enumerate(r) if i != 5] for r in rows]
    snapshots.keep(store.snapshot.path, snapshots.CLAIMS,
                   {"ontology": ontology, "strings": list(index), "confidence": list(confidences), "rows": packed},
                   _KEPT_VERSION)
    return rows


def _read_claims(store: AllianceStore, rel_by_iri: dict[str, str], relations: Sequence[str] | None,
                 sources: Sequence[str], *, evidence: bool) -> list[ClaimRow]:
    """``read_claims`` from the store itself."""
    vocab = store.vocab
    treaty_labels = {str(t.iri): t.label for t in vocab.treaty_types.values()}
    if relations is not None:
        wanted = set(relations)
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
    with gc_paused():
        G = project_claims(read_claims(store, rels, SOURCE_CHOICES[sources], evidence=evidence), store.vocab,
                           period=period, min_sources=min_sources, evidence=evidence)
    G.graph.update(relations=rels, period=period.label, since=period.start, until=period.end, min_sources=min_sources,
                   sources=sources)
    return G


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
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
