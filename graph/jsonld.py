"""JSON-LD export, compacted: one node object per subject, IRIs as the project's prefixes, an ``@context`` of them.

Oxigraph writes expanded JSON-LD on one line; this writes what a person (or
a JSON-LD processor) reads: ``{"@context": {...}, "@graph": [{"@id":
"actor:CUB", "@type": "ag:State", "rdfs:label": {"@value": "Cuba",
"@language": "en"}, ...}]}``, indented, deterministic (nodes and values in
the order given).  Several named graphs become graph objects in ``@graph``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from .terms import RDF, XSD

__all__ = ["to_jsonld"]

_TYPE = RDF + "type"
_STRING = XSD + "string"


def to_jsonld(graphs: Mapping[str | None, Iterable[ox.Triple]], prefixes: Mapping[str, str]) -> bytes:
    """``graphs`` (graph name or ``None`` for the default graph → its triples) as compacted JSON-LD.

    >>> t = ox.Triple(ox.NamedNode("https://w3id.org/alliance-graph/actor/CUB"),
    ...               ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Cuba", language="en"))
    >>> print(to_jsonld({None: [t]}, {"actor": "https://w3id.org/alliance-graph/actor/",
    ...                               "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}).decode())
    {
     "@context": {
      "actor": "https://w3id.org/alliance-graph/actor/",
      "rdfs": "http://www.w3.org/2000/01/rdf-schema#"
     },
     "@graph": [
      {
       "@id": "actor:CUB",
       "rdfs:label": {
        "@value": "Cuba",
        "@language": "en"
       }
      }
     ]
    }
    <BLANKLINE>
    """
    names = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))  # the longest namespace wins

    def compact(iri: str) -> str:
        for prefix, ns in names:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def ref(term: ox.NamedNode | ox.BlankNode) -> str:
        return compact(term.value) if isinstance(term, ox.NamedNode) else f"_:{term.value}"

    def value(term: Any) -> Any:
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            if term.datatype.value == _STRING:
                return term.value
            return {"@value": term.value, "@type": compact(term.datatype.value)}
        return {"@id": ref(term)}

    def nodes(triples: Iterable[ox.Triple]) -> list[dict[str, Any]]:
        by_subject: dict[str, dict[str, Any]] = {}
        for t in triples:
            node = by_subject.setdefault(ref(t.subject), {"@id": ref(t.subject)})
            if t.predicate.value == _TYPE and not isinstance(t.object, ox.Literal):
                key, item = "@type", ref(t.object)
            else:
                key, item = compact(t.predicate.value), value(t.object)
            if key not in node:
                node[key] = item
            elif isinstance(node[key], list):
                node[key].append(item)
            else:
                node[key] = [node[key], item]
        return list(by_subject.values())

    graph: list[dict[str, Any]] = []
    for name, triples in graphs.items():
        if name is None:
            graph.extend(nodes(triples))
        else:
            graph.append({"@id": compact(name), "@graph": nodes(triples)})
    doc = {"@context": dict(prefixes), "@graph": graph}
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
