"""Events → claims, written to the store in batches while the file streams by.

Each claim is like every other claim: subject, relation, object, confidence,
``ag:extractor`` ``dataset:<name>/<version>``, ``prov:wasDerivedFrom`` the
dataset node (an ``ag:EventDataset``), ``dcterms:date`` the event date,
``dcterms:source`` the source URL (or story id) as its evidence locator,
``ag:evidence`` a one-line description of the coded event, ``ag:sourceRow``
the file and line of its first row, and ``ag:mappingRow`` the row of
``ontology/events/`` that turned the event code into the relation.

Repeats collapse: one claim per dataset, relation, actor pair (either order
for a symmetric relation) and source URL (GDELT repeats an event across
mentions; without a locator, per date).  The first row stands for the claim.
A claim already in the store (the same file ingested again) is left as it is.
Memory is bounded by the number of distinct claims, not rows: rows are never
held, and quads go to the store every ``BATCH`` claims in one transaction.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from ..errors import InputError
from ..store import AllianceStore
from ..vocab import ACTOR, AG, CLAIM, Vocabulary
from .catalogue import DATASETS, EVENT_DATASETS
from .event_records import Event, EventReport
from .files import RowStream, open_rows
from .gdelt import read_gdelt
from .mapping import load_actors, load_cameo, load_plover
from .named_events import read_icews, read_polecat
from .treaty_rdf import dataset_iri

__all__ = ["BATCH", "event_claim_iri", "event_quads", "ingest_events"]

BATCH = 2000  # claims per transaction
PROGRESS_EVERY = 20_000  # rows between two progress calls

_N = ox.NamedNode
_TYPE, _SUBJECT, _PREDICATE, _OBJECT = _N(str(RDF.type)), _N(str(RDF.subject)), _N(str(RDF.predicate)), _N(str(RDF.object))
_CLAIM, _CONF, _EXTRACTOR, _EVIDENCE = _N(str(AG.Claim)), _N(str(AG.confidence)), _N(str(AG.extractor)), _N(str(AG.evidence))
_ROW, _MAPPING, _DERIVED = _N(str(AG.sourceRow)), _N(str(AG.mappingRow)), _N(str(PROV.wasDerivedFrom))
_DATE, _SOURCE, _TITLE = _N(str(DCTERMS.date)), _N(str(DCTERMS.source)), _N(str(DCTERMS.title))
_DECIMAL, _XDATE = _N(str(XSD.decimal)), _N(str(XSD.date))
_DG = ox.DefaultGraph()

Progress = Callable[[EventReport, int, int], None]  # report, bytes read, bytes in all


def event_claim_iri(dataset: str, version: str, relation: str, subject: str, obj: str, locator: str,
                    symmetric: bool) -> str:
    """Stable claim IRI: one claim per dataset, relation, pair and locator.

    >>> a = event_claim_iri("gdelt", "2.0", "agreementWith", "USA", "FRA", "https://x", True)
    >>> a == event_claim_iri("gdelt", "2.0", "agreementWith", "FRA", "USA", "https://x", True)
    True
    """
    if symmetric and obj < subject:
        subject, obj = obj, subject
    key = "|".join(("event", dataset, version, relation, subject, obj, locator))
    return str(CLAIM) + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _source_term(locator: str) -> ox.NamedNode | ox.Literal:
    if locator.startswith(("http://", "https://")) and not any(c in locator for c in ' <>"{}|\\^`'):
        try:
            return _N(locator)
        except ValueError:
            pass
    return ox.Literal(locator)


def event_quads(event: Event, iri: str, dataset_node: ox.NamedNode, extractor: ox.Literal, file_name: str,
                vocab: Vocabulary) -> list[ox.Quad]:
    """The claim of an event and the edges it supports (both ways when symmetric; the inverse too)."""
    rel = vocab.relations[event.rule.relation]
    c, s, o, p = _N(iri), _N(str(ACTOR[event.subject])), _N(str(ACTOR[event.object])), _N(str(rel.iri))
    quads = [
        ox.Quad(c, _TYPE, _CLAIM, _DG),
        ox.Quad(c, _SUBJECT, s, _DG),
        ox.Quad(c, _PREDICATE, p, _DG),
        ox.Quad(c, _OBJECT, o, _DG),
        ox.Quad(c, _CONF, ox.Literal(f"{event.confidence:.3f}", datatype=_DECIMAL), _DG),
        ox.Quad(c, _EXTRACTOR, extractor, _DG),
        ox.Quad(c, _DERIVED, dataset_node, _DG),
        ox.Quad(c, _EVIDENCE, ox.Literal(event.description), _DG),
        ox.Quad(c, _ROW, ox.Literal(f"{file_name}:{event.line}"), _DG),
        ox.Quad(c, _MAPPING, ox.Literal(f"{event.rule.row} ({event.rule.label} → {rel.name})"), _DG),
        ox.Quad(s, p, o, _DG),
    ]
    if event.date:
        quads.append(ox.Quad(c, _DATE, ox.Literal(event.date, datatype=_XDATE), _DG))
    if event.locator:
        quads.append(ox.Quad(c, _SOURCE, _source_term(event.locator), _DG))
    if rel.symmetric:
        quads.append(ox.Quad(o, p, s, _DG))
    if rel.inverse is not None:
        quads.append(ox.Quad(o, _N(str(rel.inverse)), s, _DG))
    return quads


def _dataset_quads(dataset: str, version: str, file_name: str) -> list[ox.Quad]:
    info = DATASETS[dataset]
    d = _N(str(dataset_iri(dataset, version)))
    return [
        ox.Quad(d, _TYPE, _N(str(AG.Dataset)), _DG),
        ox.Quad(d, _TYPE, _N(str(AG.EventDataset)), _DG),
        ox.Quad(d, _TITLE, ox.Literal(info.title), _DG),
        ox.Quad(d, _N(str(AG.datasetVersion)), ox.Literal(version), _DG),
        ox.Quad(d, _N(str(DCTERMS.bibliographicCitation)), ox.Literal(info.citation), _DG),
        ox.Quad(d, _SOURCE, ox.Literal(file_name), _DG),
    ]


def _events(dataset: str, stream: RowStream, vocab: Vocabulary, report: EventReport) -> Iterator[Event]:
    actors = load_actors(vocab)
    if dataset == "gdelt":
        return read_gdelt(stream, load_cameo(vocab), actors, report)
    if dataset == "icews":
        return read_icews(stream, load_cameo(vocab), actors, report)
    return read_polecat(stream, load_plover(vocab), actors, report)


def ingest_events(path: Path, dataset: str, store: AllianceStore, *, version: str | None = None,
                  seen: set[bytes] | None = None, on_progress: Progress | None = None) -> EventReport:
    """Stream one GDELT, POLECAT or ICEWS file into the store; return what it found and left out.

    ``seen`` (shared across the files of one run) holds the claims made so
    far, so repeats across files collapse too.  Raises InputError when the
    file as a whole cannot be used (unreadable, not that dataset's layout);
    what was written before a file turns out damaged half way stays written.
    """
    if dataset not in EVENT_DATASETS:
        raise InputError(path, f"unknown event dataset {dataset!r}; choose from {', '.join(EVENT_DATASETS)}")
    vocab = store.vocab
    path = Path(path)
    info = DATASETS[dataset]
    report = EventReport(str(path), dataset, version or info.version)
    seen = set() if seen is None else seen
    started = time.perf_counter()
    with open_rows(path) as stream:
        events = _events(dataset, stream, vocab, report)
        pending: list[ox.Quad] = []
        batch_claims = 0
        next_progress = PROGRESS_EVERY
        extractor: ox.Literal | None = None
        node: ox.NamedNode | None = None
        current = ""
        file_name = path.name

        def flush() -> None:
            nonlocal pending, batch_claims
            if pending:
                store.write_quads(pending)
                report.claims += batch_claims
            pending, batch_claims = [], 0

        try:
            for event in events:
                report.events += 1
                v = version or (report.version if dataset == "gdelt" else
                                next(iter(report.versions)) if len(report.versions) == 1 else info.version)
                if v != current:  # the version is known once the layout (GDELT) or a Version field (POLECAT) is read
                    current = v
                    extractor = ox.Literal(f"dataset:{dataset}/{v}")
                    node = _N(str(dataset_iri(dataset, v)))
                    pending.extend(_dataset_quads(dataset, v, file_name))
                rel = vocab.relations[event.rule.relation]
                locator = event.locator or f"date:{event.date}"
                iri = event_claim_iri(dataset, current, rel.name, event.subject, event.object, locator, rel.symmetric)
                key = hashlib.blake2b(iri.encode(), digest_size=12).digest()
                if key in seen:
                    report.collapsed += 1
                    continue
                seen.add(key)
                if store.has_claim(iri):
                    report.existing += 1
                    continue
                assert extractor is not None and node is not None
                pending.extend(event_quads(event, iri, node, extractor, file_name, vocab))
                batch_claims += 1
                if batch_claims >= BATCH:
                    flush()
                if on_progress is not None and report.rows >= next_progress:
                    next_progress = report.rows + PROGRESS_EVERY
                    report.seconds = time.perf_counter() - started
                    on_progress(report, stream.done, stream.size)
        except ValueError as e:  # the layout check of a reader: the file is not what the user said
            raise InputError(path, str(e)) from None
        finally:
            flush()
        if dataset != "gdelt":
            report.version = current or version or (next(iter(report.versions)) if len(report.versions) == 1
                                                    else info.version)
    report.seconds = time.perf_counter() - started
    if on_progress is not None:
        on_progress(report, stream.size, stream.size)
    return report
