"""Derived actor-to-actor edges, maintained incrementally from the claims that support them.

Every claim that is not rejected supports a small set of plain edges: its
relation between subject and object (both ways when symmetric, the inverse
relation too), and for a treaty type also the relation it refines.  Each
edge keeps the number of claims supporting it in the named graph
``DERIVED_GRAPH`` (``<edge/…> ag:supportCount n``); the edge triple itself is
in the default graph while that number is above zero.

A write therefore changes only the edges of the claims it adds, replaces or
removes: it reads their counts (one index lookup each), applies the deltas
and writes the new counts in the same update as the claims.  No write scans
the claims.  Stores made before the counts existed are migrated once, by
their first writer (:func:`migrate_ops`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import URIRef

from .vocab import AG, BASE, Vocabulary

__all__ = ["DERIVED_GRAPH", "EdgeKey", "claim_edges", "count_ops", "migrate_ops", "needs_migration"]

DERIVED_GRAPH = BASE + "graph/derived"
EDGE = BASE + "edge/"
SUPPORT_COUNT = str(AG) + "supportCount"
LAYOUT = str(AG) + "derivedLayout"
LAYOUT_VERSION = "edge-counts/1"

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

EdgeKey = tuple[str, str, str]  # subject, predicate, object IRIs


def claim_edges(predicate: str, subject: str, obj: str, vocab: Vocabulary) -> set[EdgeKey]:
    """The edges one (not rejected) claim supports; empty for a predicate the ontology does not know.

    >>> from graph.vocab import load_vocabulary
    >>> v = load_vocabulary()
    >>> a = "https://w3id.org/alliance-graph/actor/"
    >>> sorted(p.rsplit("#")[1] for _s, p, _o in claim_edges(str(v.relation("creditorOf").iri), a + "RUS", a + "VEN", v))
    ['creditorOf', 'debtorOf']
    """
    rel = vocab.relation_for_iri(URIRef(predicate))
    out: set[EdgeKey] = set()
    if rel is None:
        treaty = _treaty_for(predicate, vocab)
        if treaty is None:
            return out
        out |= {(subject, predicate, obj), (obj, predicate, subject)}  # treaty types are symmetric
        rel = vocab.relation(treaty)
    p = str(rel.iri)
    out.add((subject, p, obj))
    if rel.symmetric:
        out.add((obj, p, subject))
    if rel.inverse is not None:
        out.add((obj, str(rel.inverse), subject))
    return out


def _treaty_for(predicate: str, vocab: Vocabulary) -> str | None:
    for t in vocab.treaty_types.values():
        if str(t.iri) == predicate:
            return t.parent
    return None


def edge_node(key: EdgeKey) -> ox.NamedNode:
    return ox.NamedNode(EDGE + hashlib.sha256("\n".join(key).encode("utf-8")).hexdigest()[:24])


def _count_quad(key: EdgeKey, n: int) -> str:
    return f"<{edge_node(key).value}> <{SUPPORT_COUNT}> \"{n}\"^^<{_XSD_INTEGER}> ."


def _edge_nt(key: EdgeKey) -> str:
    return f"<{key[0]}> <{key[1]}> <{key[2]}> ."


def _current(store: ox.Store, key: EdgeKey) -> int:
    graph = ox.NamedNode(DERIVED_GRAPH)
    for q in store.quads_for_pattern(edge_node(key), ox.NamedNode(SUPPORT_COUNT), None, graph):
        return int(q.object.value)
    return 0


def count_ops(store: ox.Store, delta: Counter[EdgeKey]) -> list[str]:
    """SPARQL update operations applying ``delta`` (claims gained or lost per edge).

    Reads the current count of each edge concerned (one lookup each), so
    run them in the same update as the claims they account for, with no other
    writer in between (the store's writer lock sees to that).
    """
    drop_counts: list[str] = []
    add_counts: list[str] = []
    drop_edges: list[str] = []
    add_edges: list[str] = []
    for key in sorted(delta):
        d = delta[key]
        if d == 0:
            continue
        old = _current(store, key)
        new = max(0, old + d)
        if old:
            drop_counts.append(_count_quad(key, old))
        if new:
            add_counts.append(_count_quad(key, new))
        if old and not new:
            drop_edges.append(_edge_nt(key))
        elif new and not old:
            add_edges.append(_edge_nt(key))
    ops = []
    if drop_counts:
        ops.append(f"DELETE DATA {{ GRAPH <{DERIVED_GRAPH}> {{ {' '.join(drop_counts)} }} }}")
    if drop_edges:
        ops.append(f"DELETE DATA {{ {' '.join(drop_edges)} }}")
    if add_counts:
        ops.append(f"INSERT DATA {{ GRAPH <{DERIVED_GRAPH}> {{ {' '.join(add_counts)} }} }}")
    if add_edges:
        ops.append(f"INSERT DATA {{ {' '.join(add_edges)} }}")
    return ops


def add_claim(delta: Counter[EdgeKey], predicate: str, subject: str, obj: str, vocab: Vocabulary,
              sign: int = 1) -> None:
    """Count one claim (``sign`` -1: one claim less) towards the edges it supports."""
    for key in claim_edges(predicate, subject, obj, vocab):
        delta[key] += sign


def needs_migration(store: ox.Store) -> bool:
    marker = ox.Quad(ox.NamedNode(DERIVED_GRAPH), ox.NamedNode(LAYOUT), ox.Literal(LAYOUT_VERSION),
                     ox.NamedNode(DERIVED_GRAPH))
    return marker not in store


def _edge_predicates(vocab: Vocabulary) -> set[str]:
    preds = {str(r.iri) for r in vocab.relations.values()}
    preds |= {str(r.inverse) for r in vocab.relations.values() if r.inverse is not None}
    preds |= {str(t.iri) for t in vocab.treaty_types.values()}
    return preds


def migrate_ops(store: ox.Store, vocab: Vocabulary) -> list[str]:
    """Operations that count every edge's claims anew and make the edges agree (one full pass).

    For a store written before edge counts existed (or whose counts are
    missing); run once by the first writer, in one update.
    """
    counts: Counter[EdgeKey] = Counter()
    q = (f"SELECT ?p ?s ?o (COUNT(?c) AS ?n) WHERE {{ ?c a <{AG.Claim}> ; <{_RDF}predicate> ?p ; "
         f"<{_RDF}subject> ?s ; <{_RDF}object> ?o . FILTER NOT EXISTS {{ ?c <{AG.rejected}> true }} "
         f"FILTER(isIRI(?s) && isIRI(?o)) }} GROUP BY ?p ?s ?o")
    for row in store.query(q):
        for key in claim_edges(row["p"].value, row["s"].value, row["o"].value, vocab):
            counts[key] += int(row["n"].value)
    have: set[EdgeKey] = set()
    for p in sorted(_edge_predicates(vocab)):
        for quad in store.quads_for_pattern(None, ox.NamedNode(p), None, ox.DefaultGraph()):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                have.add((quad.subject.value, p, quad.object.value))
    ops = [f"DROP SILENT GRAPH <{DERIVED_GRAPH}>"]
    gone = sorted(have - set(counts))
    if gone:
        ops.append("DELETE DATA { " + " ".join(_edge_nt(k) for k in gone) + " }")
    body = [_count_quad(k, n) for k, n in sorted(counts.items())]
    body.append(f"<{DERIVED_GRAPH}> <{LAYOUT}> \"{LAYOUT_VERSION}\" .")
    ops.append(f"INSERT DATA {{ GRAPH <{DERIVED_GRAPH}> {{ {' '.join(body)} }} }}")
    missing = sorted(set(counts) - have)
    if missing:
        ops.append("INSERT DATA { " + " ".join(_edge_nt(k) for k in missing) + " }")
    return ops


def deltas_for(claims: Iterable[tuple[str, str, str, bool]], vocab: Vocabulary, sign: int) -> Counter[EdgeKey]:
    """Edge deltas of claims given as ``(predicate, subject, object, rejected)``."""
    delta: Counter[EdgeKey] = Counter()
    for p, s, o, rejected in claims:
        if not rejected:
            add_claim(delta, p, s, o, vocab, sign)
    return delta
