"""Derived actor-to-actor edges, maintained incrementally from the claims that support them.

Every claim that is not rejected supports a small set of plain edges: its
relation between subject and object (both ways when symmetric, the inverse
relation too), and for a treaty type also the relation it refines.  Each
edge has a node in the named graph ``DERIVED_GRAPH`` that links the claims
supporting it (``<edge/…> ag:supportedBy <claim/…>``); the edge triple itself
is in the default graph while at least one such link exists.  The number of
links is the edge's claim count.

So a write touches only the edges of its own claims: adding a claim inserts
its links and edges (set semantics make that idempotent, and insert-only
loaders can do it with a plain ``extend``); removing one deletes its links,
then each of its edges whose node has no link left (one index lookup each).
No write scans the claims.  Stores made before the links existed are
migrated once, by their first writer (:func:`migrate_ops`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from .terms import AG, BASE, RDF

__all__ = ["DERIVED_GRAPH", "EdgeKey", "ClaimEdges", "claim_edges", "support_quads", "add_ops", "remove_ops",
           "needs_migration", "migrate_ops", "support_count"]

DERIVED_GRAPH = BASE + "graph/derived"
EDGE = BASE + "edge/"
SUPPORTED_BY = AG + "supportedBy"
LAYOUT = AG + "derivedLayout"
LAYOUT_VERSION = "edge-support/1"

EdgeKey = tuple[str, str, str]  # subject, predicate, object IRIs
ClaimEdges = tuple[str, str, str, str]  # claim, predicate, subject, object IRIs

_DERIVED = ox.NamedNode(DERIVED_GRAPH)
_SUPPORTED_BY = ox.NamedNode(SUPPORTED_BY)


class _Table:
    """For each predicate IRI the ontology knows: the relation's IRI, symmetry, inverse, and the treaty type's parent."""

    def __init__(self, vocab: object) -> None:
        self.rel: dict[str, tuple[str, bool, str | None]] = {}
        for r in vocab.relations.values():  # type: ignore[attr-defined]
            self.rel[str(r.iri)] = (str(r.iri), r.symmetric, str(r.inverse) if r.inverse is not None else None)
        self.treaty: dict[str, str] = {str(t.iri): str(vocab.relation(t.parent).iri)  # type: ignore[attr-defined]
                                       for t in vocab.treaty_types.values()}  # type: ignore[attr-defined]


_TABLES: dict[int, tuple[object, _Table]] = {}


def _table(vocab: object) -> _Table:
    hit = _TABLES.get(id(vocab))
    if hit is None or hit[0] is not vocab:
        hit = (vocab, _Table(vocab))
        _TABLES[id(vocab)] = hit
    return hit[1]


def claim_edges(predicate: str, subject: str, obj: str, vocab: object) -> set[EdgeKey]:
    """The edges one (not rejected) claim supports; empty for a predicate the ontology does not know.

    >>> from graph.vocab import load_vocabulary
    >>> v = load_vocabulary()
    >>> a = "https://w3id.org/alliance-graph/actor/"
    >>> sorted(p.rsplit("#")[1] for _s, p, _o in claim_edges(str(v.relation("creditorOf").iri), a + "RUS", a + "VEN", v))
    ['creditorOf', 'debtorOf']
    """
    table = _table(vocab)
    out: set[EdgeKey] = set()
    if predicate in table.treaty:
        out |= {(subject, predicate, obj), (obj, predicate, subject)}  # treaty types are symmetric
        predicate = table.treaty[predicate]
    found = table.rel.get(predicate)
    if found is None:
        return out
    p, symmetric, inverse = found
    out.add((subject, p, obj))
    if symmetric:
        out.add((obj, p, subject))
    if inverse is not None:
        out.add((obj, inverse, subject))
    return out


def edge_node(key: EdgeKey) -> str:
    return EDGE + hashlib.sha256("\n".join(key).encode("utf-8")).hexdigest()[:24]


def support_quads(claims: Iterable[ClaimEdges], vocab: object) -> Iterator[ox.Quad]:
    """The edges of ``claims`` (not rejected ones) and their support links, as quads to add."""
    dg = ox.DefaultGraph()
    for c, p, s, o in claims:
        claim = ox.NamedNode(c)
        for key in sorted(claim_edges(p, s, o, vocab)):
            yield ox.Quad(ox.NamedNode(key[0]), ox.NamedNode(key[1]), ox.NamedNode(key[2]), dg)
            yield ox.Quad(ox.NamedNode(edge_node(key)), _SUPPORTED_BY, claim, _DERIVED)


def add_ops(claims: Iterable[ClaimEdges], vocab: object) -> list[str]:
    """SPARQL update operations adding the edges and support links of ``claims`` (not rejected ones)."""
    edges: list[str] = []
    links: list[str] = []
    for c, p, s, o in claims:
        for key in sorted(claim_edges(p, s, o, vocab)):
            edges.append(f"<{key[0]}> <{key[1]}> <{key[2]}> .")
            links.append(f"<{edge_node(key)}> <{SUPPORTED_BY}> <{c}> .")
    if not links:
        return []
    return [f"INSERT DATA {{ {' '.join(edges)} GRAPH <{DERIVED_GRAPH}> {{ {' '.join(links)} }} }}"]


def remove_ops(claims: Iterable[ClaimEdges], vocab: object) -> list[str]:
    """SPARQL update operations removing the support of ``claims``, then each of their edges left unsupported.

    Run them before any ``add_ops`` of the same update: an edge that a new
    claim supports again is then added back.
    """
    links: list[str] = []
    keys: set[EdgeKey] = set()
    for c, p, s, o in claims:
        for key in claim_edges(p, s, o, vocab):
            keys.add(key)
            links.append(f"<{edge_node(key)}> <{SUPPORTED_BY}> <{c}> .")
    if not links:
        return []
    rows = " ".join(f"(<{edge_node(k)}> <{k[0]}> <{k[1]}> <{k[2]}>)" for k in sorted(keys))
    return [f"DELETE DATA {{ GRAPH <{DERIVED_GRAPH}> {{ {' '.join(links)} }} }}",
            f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES (?e ?s ?p ?o) {{ {rows} }} "
            f"FILTER NOT EXISTS {{ GRAPH <{DERIVED_GRAPH}> {{ ?e <{SUPPORTED_BY}> ?c }} }} }}"]


def support_count(store: ox.Store, key: EdgeKey) -> int:
    """How many claims support the edge ``key`` (one index range)."""
    return sum(1 for _ in store.quads_for_pattern(ox.NamedNode(edge_node(key)), _SUPPORTED_BY, None, _DERIVED))


def _marker() -> ox.Quad:
    return ox.Quad(_DERIVED, ox.NamedNode(LAYOUT), ox.Literal(LAYOUT_VERSION), _DERIVED)


def needs_migration(store: ox.Store) -> bool:
    return _marker() not in store


def edge_predicates(vocab: object) -> set[str]:
    table = _table(vocab)
    preds = set(table.rel) | set(table.treaty)
    preds |= {inv for _p, _sym, inv in table.rel.values() if inv is not None}
    return preds


def migrate_ops(store: ox.Store, vocab: object) -> list[str]:
    """Operations that link every edge to its claims anew and make the edges agree (one full pass).

    For a store written before the support links existed; run once by the
    first writer, in one update.
    """
    q = (f"SELECT ?c ?p ?s ?o WHERE {{ ?c a <{AG}Claim> ; <{RDF}predicate> ?p ; <{RDF}subject> ?s ; "
         f"<{RDF}object> ?o . FILTER NOT EXISTS {{ ?c <{AG}rejected> true }} FILTER(isIRI(?s) && isIRI(?o)) }}")
    claims = [(r["c"].value, r["p"].value, r["s"].value, r["o"].value) for r in store.query(q)]
    want: set[EdgeKey] = set()
    for _c, p, s, o in claims:
        want |= claim_edges(p, s, o, vocab)
    have: set[EdgeKey] = set()
    for p in sorted(edge_predicates(vocab)):
        for quad in store.quads_for_pattern(None, ox.NamedNode(p), None, ox.DefaultGraph()):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                have.add((quad.subject.value, p, quad.object.value))
    ops = [f"DROP SILENT GRAPH <{DERIVED_GRAPH}>"]
    gone = sorted(have - want)
    if gone:
        ops.append("DELETE DATA { " + " ".join(f"<{k[0]}> <{k[1]}> <{k[2]}> ." for k in gone) + " }")
    ops.extend(add_ops(claims, vocab))
    ops.append(f"INSERT DATA {{ GRAPH <{DERIVED_GRAPH}> {{ <{DERIVED_GRAPH}> <{LAYOUT}> \"{LAYOUT_VERSION}\" }} }}")
    return ops
