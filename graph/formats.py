"""The actor network in the formats network tools open: GraphML, GEXF and CSV.

``actor_network(store)`` is the projection the page draws (``analysis.project``
with blocs and centrality), flattened to attributes every writer accepts:

- nodes: ``label``, ``kind`` (State/Organization, empty when the ontology does
  not know the actor), ``bloc`` (int, from 1), ``centrality`` (weighted PageRank);
- edges, one per (actor pair, relation), keyed by the relation name:
  ``relation``, ``label`` (the relation's label), ``polarity`` (-1, 0, 1),
  ``directed`` (false for a symmetric relation, stored once), ``sources``
  (distinct supporting articles, also the GEXF ``weight``), ``confidence``
  (max), ``first``/``last`` (ISO dates, empty when undated).

GraphML and GEXF go through networkx's writers; the GEXF file is made
deterministic (its ``lastmodifieddate`` is the newest claim date, not today),
so the same store always gives the same bytes.  CSV is three files:
``nodes.csv``, ``edges.csv`` and ``claims.csv`` (one row per supporting
sentence, with its article, title, date and source).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx

from . import __version__

if TYPE_CHECKING:
    from .store import AllianceStore
    from .vocab import Vocabulary

__all__ = ["GRAPH_FORMATS", "actor_network", "flatten", "to_graphml", "to_gexf", "to_csv",
           "NODE_COLUMNS", "EDGE_COLUMNS", "CLAIM_COLUMNS"]

GRAPH_FORMATS = ("graphml", "gexf", "csv")
NODE_COLUMNS = ("id", "label", "kind", "bloc", "centrality", "degree")
EDGE_COLUMNS = ("source", "target", "relation", "label", "polarity", "directed", "sources", "confidence", "first", "last")
CLAIM_COLUMNS = ("subject", "relation", "object", "evidence", "confidence", "date", "article", "title", "source")


def actor_network(store: AllianceStore, *, relations: Sequence[str] | None = None, since: str | None = None,
                  until: str | None = None, min_sources: int = 1) -> nx.MultiDiGraph:
    """The projection with ``bloc`` and ``centrality`` on every node (evidence still on the edges)."""
    from .pipeline import project_graph

    return project_graph(store, relations=relations, since=since, until=until, min_sources=min_sources)


def flatten(G: nx.MultiDiGraph, vocab: Vocabulary) -> nx.MultiDiGraph:
    """A copy of ``G`` with scalar attributes only (no ``None``, no evidence lists).

    >>> from graph import load_vocabulary
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("RUS", label="Russia", kind="State", bloc=1, centrality=0.5)
    >>> G.add_node("VEN", label="Venezuela", kind=None, bloc=1, centrality=0.5)
    >>> G.add_edge("RUS", "VEN", "alliedWith", relation="alliedWith", polarity=1, directed=False, sources=2,
    ...            confidence=0.9, first=None, last="2021-06-23", evidence=[])
    'alliedWith'
    >>> F = flatten(G, load_vocabulary())
    >>> F.nodes["VEN"]["kind"], F.edges["RUS", "VEN", "alliedWith"]["first"], "evidence" in F.edges["RUS", "VEN", "alliedWith"]
    ('', '', False)
    """
    F = nx.MultiDiGraph()
    F.graph["name"] = "alliance-graph actor network"
    for n, d in G.nodes(data=True):
        F.add_node(n, label=str(d.get("label") or n), kind=d.get("kind") or "", bloc=int(d.get("bloc") or 0),
                   centrality=float(d.get("centrality") or 0.0), degree=int(G.degree(n)))
    for u, v, k, d in G.edges(keys=True, data=True):
        rel = d["relation"]
        label = vocab.relations[rel].label if rel in vocab.relations else rel
        F.add_edge(u, v, k, relation=rel, label=label, polarity=int(d.get("polarity") or 0),
                   directed=bool(d.get("directed", True)), sources=int(d.get("sources") or 0),
                   confidence=float(d.get("confidence") or 0.0), first=d.get("first") or "", last=d.get("last") or "")
    return F


def _edge_id(u: str, v: str, relation: str) -> str:
    return f"{u}-{relation}-{v}"


def to_graphml(G: nx.MultiDiGraph, vocab: Vocabulary) -> bytes:
    """GraphML (directed graph; symmetric relations carry ``directed=false``); edge ids are SOURCE-relation-TARGET."""
    F = flatten(G, vocab)
    H = nx.MultiDiGraph()
    H.graph.update(F.graph)
    H.add_nodes_from(F.nodes(data=True))
    H.add_edges_from((u, v, _edge_id(u, v, k), d) for u, v, k, d in F.edges(keys=True, data=True))  # key = GraphML id
    out = io.BytesIO()
    nx.write_graphml(H, out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def to_gexf(G: nx.MultiDiGraph, vocab: Vocabulary) -> bytes:
    """GEXF 1.2: per-edge ``type`` directed, or mutual for a symmetric relation, ``weight`` = sources, ``label`` = relation label.

    Deterministic: the meta date is the newest claim date in the graph (none when nothing is dated).
    """
    from networkx.readwrite.gexf import GEXFWriter

    F = flatten(G, vocab)
    newest = ""
    for u, v, k, d in F.edges(keys=True, data=True):
        d["id"] = _edge_id(u, v, k)
        d["type"] = "directed" if d["directed"] else "mutual"  # mutual: both ways, in a directed graph
        d["weight"] = d["sources"]
        newest = max(newest, d["last"])
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    assert meta is not None
    meta.find("creator").text = f"alliance-graph {__version__}"  # type: ignore[union-attr]
    if newest:
        meta.set("lastmodifieddate", newest[:10])
    else:
        del meta.attrib["lastmodifieddate"]
    meta.append(_element("description", "Actor network: states and organisations, one edge per relation"))
    writer.add_graph(F)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _element(tag: str, text: str) -> Any:
    from xml.etree.ElementTree import Element

    e = Element(tag)
    e.text = text
    return e


def _csv(columns: Sequence[str], rows: list[tuple[Any, ...]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def to_csv(G: nx.MultiDiGraph, vocab: Vocabulary) -> dict[str, str]:
    """``{"nodes.csv": ..., "edges.csv": ..., "claims.csv": ...}`` (UTF-8 text, header row first)."""
    F = flatten(G, vocab)
    nodes = [tuple(_cell(v) for v in (n, d["label"], d["kind"], d["bloc"], d["centrality"], d["degree"]))
             for n, d in F.nodes(data=True)]
    edges = [(u, v, *(_cell(d[c]) for c in EDGE_COLUMNS[2:])) for u, v, d in F.edges(data=True)]
    claims = []
    for u, v, k, d in G.edges(keys=True, data=True):
        for e in d.get("evidence") or ():
            claims.append(tuple(_cell(x) for x in (u, k, v, e.get("sentence"), e.get("confidence"), e.get("date"),
                                                   e.get("article"), e.get("title"), e.get("source"))))
    return {"nodes.csv": _csv(NODE_COLUMNS, nodes), "edges.csv": _csv(EDGE_COLUMNS, edges),
            "claims.csv": _csv(CLAIM_COLUMNS, claims)}
