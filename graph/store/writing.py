"""Writing the store: articles with their facts, datasets, bulk claims, each in one transaction."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .. import edges
from ..errors import StoreError, StoreFull
from ..model import CURATED, Article, Fact
from ..terms import AG as AG_NS
from ..terms import RDF as RDF_NS
from .names import _AG_CLAIM, _AG_EXTRACTOR, _RDF_TYPE, ACTOR, AG, PROV, RDF, _iri, _is_true, _nt
from .opening import _write_error

if TYPE_CHECKING:  # rdflib is imported only where it is used: readers never load it
    from rdflib import URIRef

    from ..rdf import Triple
    from ..vocab import Vocabulary


class Writing:
    """What ``AllianceStore`` does to write (a part of that class)."""

    location: str
    read_only: bool
    ox: ox.Store
    vocab: Vocabulary
    publish_interval: float
    _writer: Any
    _published: float
    _full: bool
    publish: Callable[..., str | None]  # AllianceStore's

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
        from ..rdf import article_iri, article_triples, claim_iri, claim_triples

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



_TYPE, _PRED, _SUBJ, _OBJ = RDF_NS + "type", RDF_NS + "predicate", RDF_NS + "subject", RDF_NS + "object"
_CLAIM, _REJ = AG_NS + "Claim", AG_NS + "rejected"
_CLAIM_FIELDS = {_TYPE, _PRED, _SUBJ, _OBJ, _REJ}
