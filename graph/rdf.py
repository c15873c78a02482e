"""``Article``/``Fact`` records → RDF: claim nodes with provenance plus derived edges.

Identifiers are stable (article id = hash of its text; claim id = hash of
subject|relation|object|article), so writing the same input twice changes
nothing.  Symmetric relations give edges both ways, and a relation with an
inverse (creditorOf/debtorOf) gives the inverse edge too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from .model import Article, Fact, iri_problem, source_iri
from .vocab import ACTOR, AG, ARTICLE, CLAIM, PERSON, WD, Vocabulary

__all__ = [
    "PREFIXES",
    "Triple",
    "article_iri",
    "claim_iri",
    "article_triples",
    "claim_triples",
    "edge_triples",
    "facts_to_graph",
    "bind_prefixes",
]

Triple = tuple[URIRef, URIRef, URIRef | Literal]

PREFIXES: dict[str, str] = {
    "ag": str(AG),
    "actor": str(ACTOR),
    "article": str(ARTICLE),
    "claim": str(CLAIM),
    "person": str(PERSON),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "wd": str(WD),
}


def bind_prefixes(g: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def article_iri(article: Article) -> URIRef:
    return ARTICLE[article.id]


def claim_iri(fact: Fact, vocab: Vocabulary) -> URIRef:
    """Stable claim IRI: the same fact from the same article is the same claim.

    >>> from graph.vocab import load_vocabulary
    >>> v = load_vocabulary()
    >>> a = Fact("RUS", "alliedWith", "VEN", "x.txt", article_id="abc")
    >>> b = Fact("VEN", "alliedWith", "RUS", "x.txt", article_id="abc", confidence=0.5)
    >>> claim_iri(a, v) == claim_iri(b, v)
    True
    """
    key = "|".join(fact.key(vocab.relation(fact.relation).symmetric))
    return CLAIM[hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]]


def _date(value: str) -> Literal:
    if len(value) == 10:
        return Literal(value, datatype=XSD.date)
    if len(value) == 7:
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.gYear)


def _source(value: str) -> URIRef | Literal:
    url = source_iri(value)
    if url is not None and iri_problem(url) is None:  # the loaders refuse a bad one; never let it break a write
        return URIRef(url)
    return Literal(value)


def article_triples(article: Article) -> list[Triple]:
    a = article_iri(article)
    out: list[Triple] = [(a, RDF.type, AG.Article)]
    if article.title:
        out.append((a, DCTERMS.title, Literal(article.title)))
    if article.date:
        out.append((a, DCTERMS.issued, _date(article.date)))
    if article.source:
        out.append((a, DCTERMS.source, _source(article.source)))
    if article.publisher:
        out.append((a, DCTERMS.publisher, Literal(article.publisher)))
    if article.license:
        out.append((a, DCTERMS.license, Literal(article.license)))
    if article.author:
        out.append((a, DCTERMS.creator, Literal(article.author)))
    return out


def claim_triples(fact: Fact, vocab: Vocabulary) -> list[Triple]:
    rel = vocab.relation(fact.relation)
    c = claim_iri(fact, vocab)
    out: list[Triple] = [
        (c, RDF.type, AG.Claim),
        (c, RDF.subject, ACTOR[fact.subject]),
        (c, RDF.predicate, rel.iri),
        (c, RDF.object, ACTOR[fact.object]),
        (c, AG.confidence, Literal(Decimal(f"{fact.confidence:.3f}"), datatype=XSD.decimal)),
        (c, AG.extractor, Literal(fact.extractor)),
        (c, PROV.wasDerivedFrom, ARTICLE[fact.article_id]),
    ]
    if fact.evidence:
        out.append((c, AG.evidence, Literal(fact.evidence)))
    if fact.char_start is not None and fact.char_end is not None:
        out.append((c, AG.charStart, Literal(fact.char_start, datatype=XSD.integer)))
        out.append((c, AG.charEnd, Literal(fact.char_end, datatype=XSD.integer)))
    if fact.date:
        out.append((c, DCTERMS.date, _date(fact.date)))
    if fact.rejected:
        out.append((c, AG.rejected, Literal(True)))
    if fact.source_row:
        out.append((c, AG.sourceRow, Literal(fact.source_row)))
    return out


def edge_triples(subject: str, relation: str, obj: str, vocab: Vocabulary) -> list[Triple]:
    """The plain actor-to-actor edges a fact supports (both ways when symmetric)."""
    rel = vocab.relation(relation)
    s, o = ACTOR[subject], ACTOR[obj]
    out: list[Triple] = [(s, rel.iri, o)]
    if rel.symmetric:
        out.append((o, rel.iri, s))
    if rel.inverse is not None:
        out.append((o, rel.inverse, s))
    return out


def facts_to_graph(articles: Iterable[Article], facts: Iterable[Fact], vocab: Vocabulary,
                   graph: Graph | None = None) -> Graph:
    """Build an in-memory graph (claims, articles, edges) without a store.

    Rejected curated facts keep their claim but support no edge.
    """
    g = bind_prefixes(graph if graph is not None else Graph())
    for article in articles:
        for t in article_triples(article):
            g.add(t)
    for fact in facts:
        for t in claim_triples(fact, vocab):
            g.add(t)
        if not fact.rejected:
            for t in edge_triples(fact.subject, fact.relation, fact.object, vocab):
                g.add(t)
    return g
