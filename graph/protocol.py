"""SPARQL 1.1 Protocol details the store and the endpoint share, read off the query text and the headers.

- ``has_dataset_clause`` / ``dataset_params``: a query's ``FROM`` and
  ``FROM NAMED`` (outside strings, IRIs and comments), so that neither the
  union default graph of ``query`` nor the Oxigraph server ignores them;
- ``graph_accept``: the Accept header for a CONSTRUCT or DESCRIBE answer
  (Turtle when the client named only results formats, instead of a 406);
- ``cors_headers``: what ``serve --cors ORIGIN`` adds to answers.
"""

from __future__ import annotations

import re

from .errors import QueryError
from .terms import PREFIXES

__all__ = ["has_dataset_clause", "dataset_params", "GRAPH_TYPES", "graph_accept", "cors_headers"]

# what is not SPARQL keywords: comments, IRIs, and the four kinds of string literal
_NOT_CODE = re.compile(r"""#[^\n]*|<[^<>"{}|^`\\\s]*>|"""
                       r'''"""(?:[^"\\]|\\.|"(?!""))*"""|'''
                       r"""'''(?:[^'\\]|\\.|'(?!''))*'''|"""
                       r'''"(?:[^"\\\n]|\\.)*"|'''
                       r"""'(?:[^'\\\n]|\\.)*'""")
_FROM = re.compile(r"(?<![?$:\w])FROM(?![\w:])", re.I)


def has_dataset_clause(sparql: str) -> bool:
    """Whether a query names its own dataset (``FROM`` or ``FROM NAMED``), outside strings, IRIs and comments.

    >>> has_dataset_clause("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }"), has_dataset_clause("select * from named <urn:g> {}")
    (True, True)
    >>> has_dataset_clause('SELECT ?from WHERE { ?from rdfs:label "from" ; ag:from <urn:from> } # from here')
    False
    """
    return bool(_FROM.search(_NOT_CODE.sub(" ", sparql)))


_COMMENTS_STRINGS = re.compile(r"""#[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")
_DATASET = re.compile(r"(?<![?$:\w])FROM\s+(NAMED\s+)?(?:<([^<>\s]*)>|([A-Za-z][\w.-]*)?:([\w.-]*))", re.I)


def dataset_params(text: str) -> list[tuple[str, str]]:
    """A query's ``FROM``/``FROM NAMED`` clauses as SPARQL protocol parameters (the Oxigraph server, which
    serves the union of the graphs as its default graph, heeds those, not the clauses).

    >>> dataset_params("SELECT * FROM <urn:a> FROM NAMED <urn:b> WHERE { ?s ?p ?o }")
    [('default-graph-uri', 'urn:a'), ('named-graph-uri', 'urn:b')]
    >>> dataset_params('SELECT ?from WHERE { ?from rdfs:label "from <urn:x>" }')
    []
    """
    out = []
    for m in _DATASET.finditer(_COMMENTS_STRINGS.sub(" ", text)):
        named, iri, prefix, local = m.groups()
        if iri is None:
            ns = PREFIXES.get(prefix or "")
            if ns is None:
                raise QueryError(f"query: FROM {prefix or ''}:{local}: unknown prefix; write the graph's full IRI in <>")
            iri = ns + local
        out.append(("named-graph-uri" if named else "default-graph-uri", iri))
    return out


GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/n-quads", "application/trig",
               "application/ld+json", "text/n3")


def graph_accept(accept: str) -> str:
    """The Accept header to ask Oxigraph for a CONSTRUCT or DESCRIBE answer with: Turtle unless the client
    takes an RDF graph format (a header that names only results formats would get a 406).

    >>> graph_accept("application/sparql-results+json"), graph_accept("application/n-triples, */*;q=0.1")
    ('text/turtle', 'application/n-triples, */*;q=0.1')
    """
    ranges = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    wanted = ranges & {*GRAPH_TYPES, "*/*", "text/*", "application/*"}
    return accept if wanted else "text/turtle"


def cors_headers(allowed: tuple[str, ...], origin: str | None) -> dict[str, str]:
    """CORS response headers for a request from ``origin`` when ``allowed`` (``--cors``) lets it in.

    >>> cors_headers(("https://yasgui.example",), "https://yasgui.example")["Access-Control-Allow-Origin"]
    'https://yasgui.example'
    >>> cors_headers(("https://yasgui.example",), "https://other.example"), cors_headers((), "https://x.example")
    ({}, {})
    >>> cors_headers(("*",), None)["Access-Control-Allow-Origin"]
    '*'
    """
    if "*" in allowed:
        return {"Access-Control-Allow-Origin": "*"}
    if origin and origin.rstrip("/") in {o.rstrip("/") for o in allowed}:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {}
