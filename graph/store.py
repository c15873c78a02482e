"""The one place that knows where the graph lives: Oxigraph on disk or in memory.

Data (articles, claims, derived edges) is kept in the default graph; the
reference data of ``ontology/`` (relations, actors, people) in the named graph
``REFERENCE_GRAPH``.  Queries see both (the default graph is the union).
Each article's facts are written in one SPARQL update, which Oxigraph applies
as one transaction: an error half way leaves nothing half-written.

One process writes a store directory at a time (``writer.lock``; a second
writer gets ``StoreLocked``).  Readers (``read_only=True``) never open the
directory being written: they open the latest snapshot the writer published
(see ``graph.snapshots``), so they keep answering during an ingest and see
the store as of the last publication (every ``PUBLISH_INTERVAL`` seconds of
writing, and at close).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import edges, snapshots
from .errors import StoreError, StoreFull, StoreLocked, disk_full
from .model import CURATED, Article, Fact
from .protocol import has_dataset_clause
from .terms import AG as AG_NS
from .terms import BASE, ONTOLOGY_DIR, ONTOLOGY_FILES, PREFIXES
from .terms import RDF as RDF_NS

if TYPE_CHECKING:  # rdflib is imported only where it is used: readers never load it
    from rdflib import BNode, Dataset, Graph, Literal, URIRef

    from .rdf import Triple
    from .vocab import Vocabulary


class _Namespace(str):
    """An IRI prefix whose attributes are the IRIs under it, as plain strings (``AG.Claim``)."""

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return str(self) + name


from . import terms  # noqa: E402

AG, ACTOR = _Namespace(terms.AG), _Namespace(terms.ACTOR)
RDF, RDFS, PROV, XSD = _Namespace(terms.RDF), _Namespace(terms.RDFS), _Namespace(terms.PROV), _Namespace(terms.XSD)

__all__ = ["AllianceStore", "REFERENCE_GRAPH", "DATA_GRAPH", "DEFAULT_STORE", "EXPORT_FORMATS", "PUBLISH_INTERVAL", "BUILD_MARK",
           "open_store", "acquire_snapshot"]

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
PUBLISH_INTERVAL = 2.0  # seconds of writing between two snapshots for readers
_COUNTS_VERSION = 1  # of what _count() returns: a change of its meaning must bump it (kept counts are then ignored)
_COUNT_KEYS = ("articles", "claims", "rejected", "actors", "triples")
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


class AllianceStore:
    """An Oxigraph store holding the alliance graph.

    ``location`` is a directory (created when missing) or ``"memory"``.

    >>> from graph.vocab import load_vocabulary
    >>> s = AllianceStore("memory", load_vocabulary())
    >>> s.count_claims()
    0
    """

    def __init__(self, location: str | Path, vocab: Vocabulary | Callable[[], Vocabulary] | None, *,
                 read_only: bool = False, publish_interval: float = PUBLISH_INTERVAL) -> None:
        self.location = str(location)
        # a reader that never needs the ontology (a query) never loads it: give a loader or None
        self._vocab: Vocabulary | None = None
        self._vocab_loader: Callable[[], Vocabulary] | None = None
        if vocab is None or callable(vocab):
            self._vocab_loader = vocab if vocab is not None else _default_vocabulary
        else:
            self._vocab = vocab
        self.read_only = read_only
        self.publish_interval = publish_interval
        self.snapshot: snapshots.Lease | None = None  # what a reader holds
        self._writer: snapshots.WriterLock | None = None
        self._published = 0.0
        try:
            if self.location == "memory":
                self.ox = ox.Store()
            elif read_only:
                self.ox = self._open_for_reading(Path(self.location))
            else:
                Path(self.location).mkdir(parents=True, exist_ok=True)
                self._writer = snapshots.WriterLock(Path(self.location))
                (Path(self.location) / BUILD_MARK).unlink(missing_ok=True)
                try:
                    self.ox = ox.Store(self.location)
                except BaseException:
                    self._writer.release()
                    raise
        except OSError as e:
            raise _store_error(self.location, e) from None
        self._full = False  # a write met a full disk: close() then lets go without another error
        if not read_only:
            try:
                self._ensure_reference()
                self._ensure_edge_counts()
                if self._writer is not None:
                    self._start_writing()
            except (OSError, StoreError) as e:  # a full disk, say: one line, and the lock let go
                del self.ox
                if self._writer is not None:
                    self._writer.release()
                raise e if isinstance(e, StoreError) else _write_error(self.location, "the reference data", e) from None

    @property
    def vocab(self) -> Vocabulary:
        """The ontology this store is read and written with (loaded on first use)."""
        if self._vocab is None:
            assert self._vocab_loader is not None
            self._vocab = self._vocab_loader()
        return self._vocab

    # ------------------------------------------------------------------ snapshots

    def _start_writing(self) -> None:
        """Tell readers a writer is at work; publish first if they have nothing sound to read."""
        loc = Path(self.location)
        pointer = snapshots.read_pointer_or_none(loc)
        if pointer is None or not pointer.clean:  # new, old layout, unreadable pointer, or a writer that died
            self.publish(clean=False)
        else:
            snapshots.write_pointer(loc, snapshots.Pointer(pointer.snapshot, clean=False))
            self._published = time.monotonic()

    def publish(self, *, clean: bool = False) -> str | None:
        """Publish the store as it is now for readers; return the snapshot name."""
        if self._writer is None:
            return None
        name = snapshots.publish(Path(self.location), self.ox.backup, clean=clean)
        self._published = time.monotonic()
        return name

    def _open_for_reading(self, loc: Path) -> ox.Store:
        lease = acquire_snapshot(loc)
        if lease is None:
            return ox.Store.read_only(str(loc))  # cannot write here: nobody else can either
        try:
            store = ox.Store.read_only(str(lease.path))
        except BaseException:
            lease.release()
            raise
        self.snapshot = lease
        return store

    # ------------------------------------------------------------------ rdflib views

    @property
    def graph(self) -> Graph:
        """The data graph (default graph) as an rdflib Graph backed by Oxigraph."""
        from oxrdflib.store import OxigraphStore
        from rdflib import Graph
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        g = Graph(store=OxigraphStore(store=self.ox), identifier=DATASET_DEFAULT_GRAPH_ID)
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns, override=True, replace=True)
        return g

    @property
    def dataset(self) -> Dataset:
        """Data and reference graphs as one rdflib Dataset whose queries see their union."""
        from oxrdflib.store import OxigraphStore
        from rdflib import Dataset

        d = Dataset(store=OxigraphStore(store=self.ox), default_union=True)
        for prefix, ns in PREFIXES.items():
            d.bind(prefix, ns, override=True, replace=True)
        return d

    # ------------------------------------------------------------------ reference data

    def _reference_files(self) -> list[Path]:
        files = [self.vocab.directory / name for name in ONTOLOGY_FILES]
        return [f for f in files if f.exists()]

    def _ensure_reference(self) -> None:
        files = self._reference_files()
        digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]
        ref = ox.NamedNode(str(REFERENCE_GRAPH))
        marker = ox.Quad(ox.NamedNode(str(REFERENCE_GRAPH)), ox.NamedNode(str(_REF_HASH)), ox.Literal(digest), ref)
        if any(True for _ in self.ox.quads_for_pattern(marker.subject, marker.predicate, marker.object, ref)):
            return
        quads = [marker]
        for f in files:
            parsed = ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, ref) for t in parsed)
        self.ox.clear_graph(ref) if self.ox.contains_named_graph(ref) else None
        self.ox.extend(quads)

    def _ensure_edge_counts(self) -> None:
        """Migrate a store from before edge counts (one pass over its claims, once)."""
        if edges.needs_migration(self.ox):
            try:
                self.ox.update(" ;\n".join(edges.migrate_ops(self.ox, self.vocab)))
            except (OSError, SyntaxError, ValueError) as e:
                raise StoreError(f"{self.location}: could not count the edges' claims: {e}") from None

    # ------------------------------------------------------------------ writing

    def write_article(self, article: Article, facts: Sequence[Fact], *, replace_extracted: bool = False) -> int:
        """Write one article and its facts in one transaction; return the claims written.

        Curated facts replace any claim with the same identity.  Extracted
        facts never overwrite a curated claim (nor one a curator rejected).
        With ``replace_extracted``, extracted claims of this article that are
        not in ``facts`` are removed (the article was extracted anew).
        """
        if self.read_only:
            raise StoreError(f"{self.location}: store is open read-only")
        vocab = self.vocab
        from .rdf import article_iri, article_triples, claim_iri, claim_triples

        a_iri = article_iri(article)
        existing = self._claims_of(a_iri)  # claim iri -> (s, rel, o, extractor)
        new: dict[str, Fact] = {}
        for fact in facts:
            c = str(claim_iri(fact, vocab))
            old = existing.get(c)
            if not fact.curated and old is not None and old[3] == CURATED:
                continue  # the curator's word stands
            if not fact.curated and c in new and new[c].curated:
                continue
            if c in new and not fact.curated and new[c].confidence >= fact.confidence:
                continue
            new[c] = fact
        removed = {c for c, old in existing.items() if replace_extracted and old[3] != CURATED and c not in new}
        replaced = {c for c in new if c in existing}
        gone = removed | replaced
        rel_iri = {name: str(r.iri) for name, r in vocab.relations.items()}
        dropped = [(str(c), rel_iri[existing[c][1]], ACTOR + existing[c][0], ACTOR + existing[c][2]) for c in sorted(gone)]
        added = [(str(c), rel_iri[f.relation], ACTOR + f.subject, ACTOR + f.object)
                 for c, f in sorted(new.items()) if not f.rejected]

        ops: list[str] = []
        if gone:
            values = " ".join(f"<{c}>" for c in sorted(gone))
            ops.append(f"DELETE {{ ?c ?p ?o }} WHERE {{ VALUES ?c {{ {values} }} ?c ?p ?o }}")
        try:  # a term Oxigraph refuses (a bad IRI, a lone surrogate) fails this article alone
            data = list(article_triples(article))
            for _c, fact in sorted(new.items()):
                data.extend(claim_triples(fact, vocab))
            ops.extend(edges.remove_ops(dropped, vocab))
            ops.append("INSERT DATA {\n" + "\n".join(_nt(t) for t in data) + "\n}")
            ops.extend(edges.add_ops(added, vocab))
            self.ox.update(" ;\n".join(ops))
        except (OSError, SyntaxError, ValueError) as e:  # UnicodeError is a ValueError
            raise self._write_failed(f"article {article.path}", e) from None
        if self._writer is not None and time.monotonic() - self._published >= self.publish_interval:
            try:
                self.publish(clean=False)
            except StoreError:  # the article is written; readers wait for the next publication (close() raises)
                self._published = time.monotonic()
        return len(new)

    def _write_failed(self, what: str, e: BaseException) -> StoreError:
        err = _write_error(self.location, what, e)
        self._full = self._full or isinstance(err, StoreFull)
        return err

    def write_dataset(self, dataset: URIRef, triples: Sequence[Triple]) -> int:
        """Replace what was loaded from ``dataset`` by ``triples`` in one transaction.

        ``triples`` are the dataset node and its claims (each claim
        ``prov:wasDerivedFrom`` the dataset).  The edges of every treaty type,
        and of the relations they refine, are derived again from the claims.
        Returns the number of claims written.
        """
        if self.read_only:
            raise StoreError(f"{self.location}: store is open read-only")
        claims = {t[0] for t in triples if str(t[1]) == RDF.type and str(t[2]) == AG.Claim}
        old = (f"SELECT ?c ?p ?s ?o WHERE {{ ?c <{PROV}wasDerivedFrom> <{dataset}> ; <{RDF}predicate> ?p ; "
               f"<{RDF}subject> ?s ; <{RDF}object> ?o }}")
        dropped = [(r["c"].value, r["p"].value, r["s"].value, r["o"].value) for r in self.ox.query(old)]
        ops = [*edges.remove_ops(dropped, self.vocab),
               f"DELETE {{ ?c ?p ?o }} WHERE {{ ?c <{PROV}wasDerivedFrom> <{dataset}> . ?c ?p ?o }}",
               f"DELETE WHERE {{ <{dataset}> ?p ?o }}",
               "INSERT DATA {\n" + "\n".join(_nt(t) for t in triples) + "\n}",
               *edges.add_ops(_claims_in((str(t[0]), str(t[1]), t[2]) for t in triples), self.vocab)]
        try:
            self.ox.update(" ;\n".join(ops))
        except (OSError, SyntaxError, ValueError) as e:
            raise self._write_failed(f"dataset {dataset}", e) from None
        return len(claims)

    def write_ntriples(self, data: str, claims: Sequence[tuple[str, str, str, str]]) -> None:
        """Add the N-Triples ``data`` (new claims) with the edges and support links of ``claims``, in one transaction.

        ``claims`` are the (claim, predicate, subject, object) IRIs of the new
        claims in ``data``.  For insert-only bulk loaders: nothing is deleted,
        so only claims that add support (never remove it) may come this way.
        """
        if self.read_only:
            raise StoreError(f"{self.location}: store is open read-only")
        out = [data]
        for c, p, subj, o in claims:
            for key in sorted(edges.claim_edges(p, subj, o, self.vocab)):
                out.append(f"<{key[0]}> <{key[1]}> <{key[2]}> .\n"
                           f"<{edges.edge_node(key)}> <{edges.SUPPORTED_BY}> <{c}> <{edges.DERIVED_GRAPH}> .\n")
        try:
            self.ox.load("".join(out).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError) as e:
            raise self._write_failed("the claims", e) from None
        if self._writer is not None and time.monotonic() - self._published >= self.publish_interval:
            try:
                self.publish(clean=False)
            except StoreError:  # written; readers wait for the next publication (close() raises)
                self._published = time.monotonic()

    def has_claim(self, iri: str) -> bool:
        """Whether the claim ``iri`` is in the store (one index lookup).

        A lookup of a claim that is not there reads index and data blocks
        wherever its key would fall, and RocksDB keeps them in its block
        cache: many such lookups grow memory with the store (see ``has_extractor``).
        """
        return ox.Quad(ox.NamedNode(iri), _RDF_TYPE, _AG_CLAIM, ox.DefaultGraph()) in self.ox

    def has_extractor(self, extractor: str) -> bool:
        """Whether any claim in the store names ``extractor`` (one index lookup).

        A bulk writer whose claim IRIs include the extractor asks this once:
        when it is False, none of its claims can be in the store yet, and it
        need not look each one up.
        """
        found = self.ox.quads_for_pattern(None, _AG_EXTRACTOR, ox.Literal(extractor), ox.DefaultGraph())
        return next(iter(found), None) is not None

    def flush(self) -> None:
        """Write what RocksDB holds in memory (its memtables) to disk.

        The memtables are flushed when a snapshot is published, every
        ``publish_interval`` seconds of writing; a writer that writes fast
        calls this after each batch so that memory does not depend on speed.
        """
        if self.read_only:
            raise StoreError(f"{self.location}: store is open read-only")
        try:
            self.ox.flush()
        except OSError as e:
            raise self._write_failed("the claims", e) from None

    def _claims_of(self, a_iri: str) -> dict[str, tuple[str, str, str, str, bool]]:
        """The claims of one article: iri -> (subject, relation, object, extractor, rejected)."""
        q = (f"SELECT ?c ?s ?p ?o ?x ?r WHERE {{ ?c <{PROV.wasDerivedFrom}> <{a_iri}> ; "
             f"<{RDF.subject}> ?s ; <{RDF.predicate}> ?p ; <{RDF.object}> ?o ; <{AG.extractor}> ?x . "
             f"OPTIONAL {{ ?c <{AG.rejected}> ?r }} }}")
        out = {}
        relations = {str(r.iri): r for r in self.vocab.relations.values()}
        for row in self.ox.query(q):
            rel = relations.get(row["p"].value)
            s, o = self.vocab.actor_id(row["s"].value), self.vocab.actor_id(row["o"].value)
            if rel is None or s is None or o is None:
                continue
            out[row["c"].value] = (s, rel.name, o, row["x"].value, _is_true(row["r"]))
        return out

    # ------------------------------------------------------------------ reading

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
        inside the snapshot (``snapshots.keep_counts``), which never changes,
        and read back by every later ``stats`` on it.  The first ``stats``
        after a write (a new snapshot), a writer and an in-memory store count.
        """
        counts = snapshots.read_counts(self.snapshot.path, _COUNTS_VERSION) if self.snapshot is not None else None
        if counts is None or not isinstance(counts.get("relations"), dict) or not counts.keys() >= set(_COUNT_KEYS):
            counts = self._count()
            if self.snapshot is not None:
                snapshots.keep_counts(self.snapshot.path, counts, _COUNTS_VERSION)
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
            from .jsonld import to_jsonld

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

    def close(self) -> None:
        """Flush, publish a clean snapshot (writer), let go of locks.  Safe to call twice."""
        if not hasattr(self, "ox"):
            return
        try:
            if self._writer is not None:
                try:
                    self.ox.flush()
                    self.publish(clean=True)
                except (OSError, StoreError) as e:
                    err = e if isinstance(e, StoreError) else self._write_failed("the last changes", e)
                    # after a write that met a full disk (already reported): readers keep the last snapshot,
                    # and the next reader or writer that has room recovers the rest from the store's log
                    if not (self._full and isinstance(err, StoreFull)):
                        raise err from None
        finally:
            del self.ox
            if self._writer is not None:
                self._writer.release()
            if self.snapshot is not None:
                self.snapshot.release()

    def __enter__(self) -> AllianceStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _default_vocabulary() -> Vocabulary:
    from .vocab import load_vocabulary

    return load_vocabulary(ONTOLOGY_DIR)


def _is_true(term: object) -> bool:
    return term is not None and str(getattr(term, "value", term)) in ("true", "1", "True")


def _claims_in(triples: Iterable[tuple[str, str, object]]) -> list[tuple[str, str, str, str]]:
    """The claims among ``triples`` that are not rejected: (claim, predicate, subject, object) IRIs."""
    fields: dict[str, dict[str, object]] = {}
    for s, p, o in triples:
        if p in _CLAIM_FIELDS:
            fields.setdefault(s, {})[p] = o
    out = []
    for c, f in sorted(fields.items()):
        if _TYPE in f and _iri(f[_TYPE]) == _CLAIM:
            p, s, o = f.get(_PRED), f.get(_SUBJ), f.get(_OBJ)
            if p is not None and s is not None and o is not None and not _is_true(f.get(_REJ)):
                out.append((c, _iri(p), _iri(s), _iri(o)))
    return out


def _iri(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


_TYPE, _PRED, _SUBJ, _OBJ = RDF_NS + "type", RDF_NS + "predicate", RDF_NS + "subject", RDF_NS + "object"
_CLAIM, _REJ = AG_NS + "Claim", AG_NS + "rejected"
_CLAIM_FIELDS = {_TYPE, _PRED, _SUBJ, _OBJ, _REJ}


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


def acquire_snapshot(loc: Path) -> snapshots.Lease | None:
    """Hold the latest sound snapshot of the store at ``loc`` for reading.

    Recovers the store first when its writer died or it predates snapshots.
    ``None`` when the directory cannot be written (no writer can exist then:
    read the primary).
    """
    if not loc.is_dir():
        raise StoreError(f"{loc}: no store here (run 'alliances ingest' or 'build' first)")
    deadline = time.monotonic() + _FIRST_SNAPSHOT_WAIT
    while True:
        try:
            pointer, broken = snapshots.read_pointer(loc), None
        except StoreError as e:  # empty or garbage: the next writer (or the recovery below) rewrites it
            pointer, broken = None, e
        if pointer is not None and (pointer.clean or snapshots.writer_active(loc)):
            lease = snapshots.lease_latest(loc)
            if lease is not None:
                return lease
            continue
        if broken is not None and snapshots.writer_active(loc):
            lease = snapshots.lease_newest(loc)
            if lease is not None:
                return lease
            raise broken
        if not (loc / "CURRENT").exists():
            raise StoreError(f"{loc}: no store here (run 'alliances ingest' or 'build' first)")
        # Nothing sound published: a store from before snapshots, its writer died, or the pointer is unreadable.
        try:
            _recover(loc)
        except StoreLocked:
            if time.monotonic() > deadline:
                raise StoreLocked(f"{loc}: a writer holds the store and has published nothing yet; "
                                  "try again later") from None
            time.sleep(0.05)
        except PermissionError:
            return None
        except (OSError, StoreError) as e:  # a full disk, say: read what was published before
            lease = snapshots.lease_newest(loc)
            if lease is not None:
                return lease
            raise e if isinstance(e, StoreError) else _store_error(str(loc), e) from None


def _write_error(location: str, what: str, e: BaseException) -> StoreError:
    """One line for a failed write; ``StoreFull`` when the disk is full (the caller then stops)."""
    text = " ".join(str(e).split())
    if disk_full(e):
        return StoreFull(f"{location}: the disk is full: could not write {what}; everything written before it "
                         "is kept")
    return StoreError(f"{location}: could not write {what}: {text}")


def _store_error(location: str, e: OSError) -> StoreError:
    msg = str(e)
    if "lock" in msg.lower():
        return StoreLocked(f"{location}: store is locked by another process; wait for it to finish")
    if disk_full(e):
        return StoreFull(f"{location}: the disk is full: cannot open the store")
    return StoreError(f"{location}: cannot open store: {msg}")


def _recover(loc: Path) -> None:
    """Open the primary as the writer (RocksDB replays its log) and publish a clean snapshot."""
    lock = snapshots.WriterLock(loc)
    try:
        try:
            store = ox.Store(str(loc))
        except OSError as e:
            raise _store_error(str(loc), e) from None
        try:
            store.flush()
            snapshots.publish(loc, store.backup, clean=True)
        finally:
            del store
    finally:
        lock.release()


def open_store(location: str | Path | None, vocab: Vocabulary | Callable[[], Vocabulary] | None, *,
               read_only: bool = False) -> AllianceStore:
    """Open the store at ``location``, ``$ALLIANCE_GRAPH_STORE`` or ``.alliance-graph``.

    A writer publishes a snapshot for readers every ``$ALLIANCE_GRAPH_PUBLISH_INTERVAL``
    seconds of writing (default ``PUBLISH_INTERVAL``) and when it closes.
    """
    loc = location or os.environ.get("ALLIANCE_GRAPH_STORE") or DEFAULT_STORE
    interval = os.environ.get("ALLIANCE_GRAPH_PUBLISH_INTERVAL")
    try:
        publish_interval = float(interval) if interval else PUBLISH_INTERVAL
    except ValueError:
        raise StoreError(f"ALLIANCE_GRAPH_PUBLISH_INTERVAL={interval!r} is not a number of seconds") from None
    return AllianceStore(loc, vocab, read_only=read_only, publish_interval=publish_interval)

