"""The interactive page: one self-contained pyvis HTML file.  (First version.)"""

from __future__ import annotations

import html

from .store import AllianceStore

__all__ = ["render_store_html"]


def render_store_html(store: AllianceStore, *, title: str = "Alliance graph") -> str:
    """Actors as nodes, supported relations as edges; article text escaped."""
    from pyvis.network import Network

    vocab = store.vocab
    q = """SELECT ?s ?p ?o (SAMPLE(?ev) AS ?e) (COUNT(DISTINCT ?a) AS ?n) WHERE {
      ?c a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?a .
      OPTIONAL { ?c ag:evidence ?ev }
      FILTER NOT EXISTS { ?c ag:rejected true }
    } GROUP BY ?s ?p ?o ORDER BY ?s ?p ?o"""
    net = Network(height="800px", width="100%", directed=True, cdn_resources="in_line")
    nodes: set[str] = set()
    edges = []
    for row in store.query(q):
        s, o = vocab.actor_id(row["s"].value), vocab.actor_id(row["o"].value)
        from rdflib import URIRef

        rel = vocab.relation_for_iri(URIRef(row["p"].value))
        if not s or not o or rel is None:
            continue
        nodes.update((s, o))
        edges.append((s, o, rel, row["e"].value if row["e"] else "", int(row["n"].value)))
    for n in sorted(nodes):
        label = vocab.actors[n].label if n in vocab.actors else n
        net.add_node(n, label=label, title=f"{label} ({n})")
    for s, o, rel, evidence, n in edges:
        net.add_edge(s, o, title=f"{rel.label}: {evidence}", color=rel.colour, width=1 + n,
                     arrows="to" if rel.directed else "", dashes=rel.polarity < 0)
    net.toggle_physics(True)
    page = net.generate_html()
    return page.replace("<body>", f"<body><h1>{html.escape(title)}</h1>", 1)
