"""Reading the store: SPARQL, the counts of ``stats``, and deterministic exports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .. import snapshots
from ..errors import StoreError
from ..protocol import has_dataset_clause
from ..terms import PREFIXES
from .names import ACTOR, AG, DATA_GRAPH, EXPORT_FORMATS, RDF, RDFS, REFERENCE_GRAPH, _from_ox, _term_key

if TYPE_CHECKING:  # rdflib is imported only where it is used: readers never load it
    from rdflib import Graph

    from ..vocab import Vocabulary

_COUNTS_VERSION = 1  # of what _count() returns: a change of its meaning must bump it (kept counts are then ignored)
_COUNT_KEYS = ("articles", "claims", "rejected", "actors", "triples")


class Reading:
    """What ``AllianceStore`` does to read (a part of that class)."""

    ox: ox.Store
    vocab: Vocabulary
    snapshot: Any

    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run SPARQL over data and reference (union default graph), prefixes predeclared.

        A query that names its own dataset (``FROM``, ``FROM NAMED``) is run
        over that dataset; the reference data is the graph ``REFERENCE_GRAPH``.
        """
        return self.ox.query(sparql, use_default_graph_as_union=not has_dataset_clause(sparql), prefixes=PREFIXES)

    def query_data(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run SPARQL over the data graph alone (articles, claims, edges), prefixes predeclared.

        Cheaper than ``query`` for the hot read paths: no pattern has to look
        into the reference graph.
        """
        return self.ox.query(sparql, prefixes=PREFIXES)

    def count_claims(self) -> int:
        q = f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{AG.Claim}> }}"
        return int(next(iter(self.ox.query(q)))["n"].value)

    def stats(self) -> dict[str, object]:
        """Counts of articles, claims, edges and actors, and claims per relation.

        A reader of a published snapshot counts it once: the counts are kept
        inside the snapshot (``snapshots.keep``), which never changes,
        and read back by every later ``stats`` on it.  The first ``stats``
        after a write (a new snapshot), a writer and an in-memory store count.
        """
        kept = None if self.snapshot is None else snapshots.read_kept(self.snapshot.path, snapshots.COUNTS,
                                                                      _COUNTS_VERSION)
        if isinstance(kept, dict) and isinstance(kept.get("relations"), dict) and kept.keys() >= set(_COUNT_KEYS):
            counts = kept
        else:
            counts = self._count()
            if self.snapshot is not None:
                snapshots.keep(self.snapshot.path, snapshots.COUNTS, counts, _COUNTS_VERSION)
        per_iri = dict(counts["relations"])  # type: ignore[call-overload]
        per_rel = {r.name: per_iri[str(r.iri)] for r in self.vocab.relations.values() if str(r.iri) in per_iri}
        return {**{k: counts[k] for k in _COUNT_KEYS},
                "relations": dict(sorted(per_rel.items()))}

    def _count(self) -> dict[str, object]:
        """What ``stats`` reports, with the claims per relation keyed by the relation's IRI (ontology-free).

        Shaped for the on-disk store, each count is one scan of one index:
        ``rdf:subject``, ``rdf:predicate`` and ``rdf:object`` are written on
        claims only (``rdf.claim_triples``, the dataset loaders), so they need
        no join with ``a ag:Claim``; the triples of the default graph are all
        quads (``len``, counted inside Oxigraph) less those of each named graph.
        """
        def one(q: str) -> int:
            return int(next(iter(self.ox.query(q)))["n"].value)

        per_iri = {row["p"].value: int(row["n"].value) for row in self.ox.query(
            f"SELECT ?p (COUNT(?c) AS ?n) WHERE {{ ?c <{RDF.predicate}> ?p MINUS {{ ?c <{AG.rejected}> true }} }} GROUP BY ?p")}
        counts: dict[str, object] = {
            "articles": one(f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a a <{AG.Article}> }}"),
            "claims": one(f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{AG.Claim}> }}"),
            "rejected": one(f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c <{AG.rejected}> true }}"),
        }
        mentioned = [row["a"] for row in self.ox.query(
            f"SELECT DISTINCT ?a WHERE {{ {{ ?c <{RDF.subject}> ?a }} UNION {{ ?c <{RDF.object}> ?a }} }}")]
        counts["actors"] = len(mentioned)
        graphs = list(self.ox.named_graphs())
        if all(isinstance(g, ox.NamedNode) for g in graphs):
            named = sum(one(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}") for g in graphs)
            triples = len(self.ox) - named
        else:  # a graph named by a blank node cannot be written in a query
            triples = one("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        actors = [a for a in mentioned if isinstance(a, ox.NamedNode) and a.value.startswith(str(ACTOR))]
        if actors:  # so: the triples export and push send
            triples += one(self._actor_reference_count(actors))
        return {**counts, "triples": triples, "relations": dict(sorted(per_iri.items()))}

    def _actor_reference_count(self, actors: Sequence[ox.NamedNode]) -> str:
        """A COUNT of what ``data_triples`` adds to the data graph: type, label and iso3 of ``actors``.

        So ``stats``' triples are the triples ``export`` and ``push`` send.
        Actors enter the data graph only as the subject or object of a claim (edges come from claims):
        ``actors`` are those, read once from two indexes; given as VALUES, the count looks up only them
        (a join with the distinct subjects and objects inside the query took about 1 s at 1 M triples).
        """
        keep = " ".join(f"<{iri}>" for iri in (RDF.type, RDFS.label, AG.iso3))
        return (f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {' '.join(map(str, actors))} }} "
                f"GRAPH <{REFERENCE_GRAPH}> {{ ?a ?k ?v VALUES ?k {{ {keep} }} }} FILTER NOT EXISTS {{ ?a ?k ?v }} }}")

    def data_triples(self) -> list[ox.Triple]:
        """The data graph plus type, label and iso3 of every actor it mentions, sorted."""
        triples = {ox.Triple(q.subject, q.predicate, q.object)
                   for q in self.ox.quads_for_pattern(None, None, None, ox.DefaultGraph())}
        actors = {t.subject for t in triples if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(str(ACTOR))}
        actors |= {t.object for t in triples if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(str(ACTOR))}
        ref = ox.NamedNode(str(REFERENCE_GRAPH))
        keep = {ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.label)), ox.NamedNode(str(AG.iso3))}
        for a in actors:
            for q in self.ox.quads_for_pattern(a, None, None, ref):
                if q.predicate in keep:
                    triples.add(ox.Triple(q.subject, q.predicate, q.object))
        return sorted(triples, key=lambda t: (_term_key(t.subject), str(t.predicate), _term_key(t.object)))

    def reference_triples(self) -> list[ox.Triple]:
        """The reference graph (relations, actors, people of ``ontology/``), sorted."""
        ref = ox.NamedNode(str(REFERENCE_GRAPH))
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self.ox.quads_for_pattern(None, None, None, ref)}
        return sorted(triples, key=lambda t: (_term_key(t.subject), str(t.predicate), _term_key(t.object)))

    def export(self, fmt: str = "turtle", *, with_reference: bool = False) -> bytes:
        """Serialise the data graph deterministically (same store, same bytes).

        TriG and N-Quads name their graphs: the data is ``DATA_GRAPH``, and
        with ``with_reference`` the reference graph follows as
        ``REFERENCE_GRAPH``.  JSON-LD is compacted with the project's
        prefixes as its ``@context`` (two named graphs with the reference).
        Turtle and N-Triples hold one graph: the reference is merged in.
        """
        try:
            rdf_format = EXPORT_FORMATS[fmt]
        except KeyError:
            raise StoreError(f"unknown export format {fmt!r}; choose from {', '.join(EXPORT_FORMATS)}") from None
        triples = self.data_triples()
        reference = self.reference_triples() if with_reference else []
        if rdf_format == ox.RdfFormat.JSON_LD:
            from ..jsonld import to_jsonld

            graphs = {str(DATA_GRAPH): triples, str(REFERENCE_GRAPH): reference} if with_reference else {None: triples}
            return to_jsonld(graphs, PREFIXES)
        if rdf_format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            data, ref = ox.NamedNode(str(DATA_GRAPH)), ox.NamedNode(str(REFERENCE_GRAPH))
            items: Iterable[ox.Triple | ox.Quad] = [*(ox.Quad(t.subject, t.predicate, t.object, data) for t in triples),
                                                   *(ox.Quad(t.subject, t.predicate, t.object, ref) for t in reference)]
        else:
            items = sorted(set(triples) | set(reference), key=lambda t: (_term_key(t.subject), str(t.predicate),
                                                                         _term_key(t.object))) if reference else triples
        prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        kwargs = {"prefixes": prefixes} if prefixes else {}
        out = ox.serialize(items, format=rdf_format, **kwargs)
        assert out is not None
        return out

    def union_graph(self) -> Graph:
        """Data and reference copied into an in-memory rdflib Graph (for SHACL)."""
        from rdflib import Graph

        g = Graph()
        for q in self.ox:
            g.add((_from_ox(q.subject), _from_ox(q.predicate), _from_ox(q.object)))
        return g

