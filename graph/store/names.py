"""Names and terms the store is written with: graphs, namespaces, formats, and conversions between term types."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from .. import terms
from ..terms import BASE

if TYPE_CHECKING:  # rdflib is imported only where it is used: readers never load it
    from rdflib import BNode, Literal, URIRef

    from ..rdf import Triple


class _Namespace(str):
    """An IRI prefix whose attributes are the IRIs under it, as plain strings (``AG.Claim``)."""

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return str(self) + name


AG, ACTOR = _Namespace(terms.AG), _Namespace(terms.ACTOR)
RDF, RDFS, PROV, XSD = _Namespace(terms.RDF), _Namespace(terms.RDFS), _Namespace(terms.PROV), _Namespace(terms.XSD)

REFERENCE_GRAPH = BASE + "graph/reference"
DATA_GRAPH = BASE + "graph/data"  # the name exports (TriG, N-Quads) give the data graph; the store keeps it as the default graph
DEFAULT_STORE = ".alliance-graph"
BUILD_MARK = "made-by-build.json"  # a store only one `alliances build` wrote (graph.builds); any other writer removes it
EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_REF_HASH = BASE + "ontology#referenceHash"
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_AG_CLAIM = ox.NamedNode(str(AG.Claim))
_AG_EXTRACTOR = ox.NamedNode(str(AG.extractor))
_FIRST_SNAPSHOT_WAIT = 30.0  # how long a reader waits for a new store's first snapshot


def to_ox(term: URIRef | Literal | BNode) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != XSD.string:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _nt(t: Triple) -> str:
    return f"{to_ox(t[0])} {to_ox(t[1])} {to_ox(t[2])} ."


def _term_key(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> tuple[int, str]:
    return (0 if isinstance(term, ox.NamedNode) else 1, str(term))


def _is_true(term: object) -> bool:
    return term is not None and str(getattr(term, "value", term)) in ("true", "1", "True")


def _iri(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _from_ox(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> URIRef | Literal | BNode:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    dt = term.datatype.value
    return Literal(term.value, datatype=None if dt == str(XSD.string) else URIRef(dt))

