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
Memory does not grow with the file: rows are never held; claims go to the
store every ``BATCH`` claims in one transaction, and RocksDB's memtables to
disk at least every ``FLUSH_EVERY`` batches (Oxigraph sizes them for bulk
loads: unflushed, they held 664 MiB at 2,000,000 rows); the claims this run
has made are kept in a fixed-size filter (``RunClaims``).  Whether a claim is new is decided by the store, looked up
only when it could hold the claim: when the store held no claim of this
dataset and version before the run, a claim the filter has not seen is new.
(Lookups of absent claims fill RocksDB's block cache with blocks from all
over the store: measured in one process on 2,000,000 generated GDELT rows,
peak RSS 164 MiB with a lookup per claim, 130 MiB without.)
"""

from __future__ import annotations

import hashlib
import struct
import time
from collections.abc import Callable, Iterator
from pathlib import Path

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

__all__ = ["BATCH", "RunClaims", "event_claim_iri", "event_ntriples", "nt_literal", "ingest_events"]

BATCH = 2000  # claims per transaction
FLUSH_EVERY = 4  # batches between two flushes of RocksDB's memtables (a published snapshot flushes them too)
PROGRESS_EVERY = 20_000  # rows between two progress calls

_AG, _RDF, _XSD, _DCT = str(AG), str(RDF), str(XSD), str(DCTERMS)
_CLAIM_HEAD = (f"<{_RDF}type> <{_AG}Claim> .\n", f"<{_RDF}subject> ", f"<{_RDF}predicate> ", f"<{_RDF}object> ")
_DECIMAL, _XDATE = f"^^<{_XSD}decimal>", f"^^<{_XSD}date>"
_BAD_IRI = set(' <>"{}|\\^`') | {chr(i) for i in range(33)}

Progress = Callable[[EventReport, int, int], None]  # report, bytes read, bytes in all


class RunClaims:
    """The claims one run has made, in fixed memory: a Bloom filter of ``BITS`` bits (2 MiB).

    A "no" is certain: a claim the filter has not seen was not made by this
    run (and, when the store was ``fresh`` for its dataset, is new).  A "yes"
    is confirmed by the store: a false positive (below 0.3 % up to a million
    claims in a run) costs one lookup, or counts a claim of an earlier ingest
    as a repeat in the report; it never changes what is written.

    >>> made = RunClaims()
    >>> made.add("https://w3id.org/alliance-graph/claim/1")
    >>> "https://w3id.org/alliance-graph/claim/1" in made, "https://w3id.org/alliance-graph/claim/2" in made
    (True, False)
    """

    BITS = 1 << 24

    def __init__(self) -> None:
        self._bits = bytearray(self.BITS // 8)
        self._mask = self.BITS - 1
        self._fresh: dict[str, bool] = {}

    def fresh(self, extractor: str, store: AllianceStore) -> bool:
        """Whether the store held no claim of ``extractor`` when this run first met it.

        Then a claim the filter has not seen is surely new, and needs no
        lookup: lookups of absent claims fill RocksDB's block cache with the
        store's blocks, so memory would grow with the store.
        """
        if extractor not in self._fresh:
            self._fresh[extractor] = not store.has_extractor(extractor)
        return self._fresh[extractor]

    def _positions(self, iri: str) -> tuple[int, ...]:
        words = struct.unpack("<4I", hashlib.blake2b(iri.encode(), digest_size=16).digest())
        return tuple(w & self._mask for w in words)

    def add(self, iri: str) -> None:
        for i in self._positions(iri):
            self._bits[i >> 3] |= 1 << (i & 7)

    def __contains__(self, iri: object) -> bool:
        return isinstance(iri, str) and all(self._bits[i >> 3] >> (i & 7) & 1 for i in self._positions(iri))


def nt_literal(text: str) -> str:
    """A string as an N-Triples literal.

    >>> print(nt_literal('say "hi"\\n'))
    "say \\"hi\\"\\n"
    """
    return '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")) + '"'


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


def _source_term(locator: str) -> str:
    if locator.startswith(("http://", "https://")) and not _BAD_IRI.intersection(locator):
        return f"<{locator}>"
    return nt_literal(locator)


def event_ntriples(event: Event, iri: str, dataset_node: str, extractor: str, file_name: str,
                   vocab: Vocabulary) -> str:
    """The claim of an event as N-Triples (the store adds the edges it supports)."""
    rel = vocab.relations[event.rule.relation]
    c, s, o, p = f"<{iri}> ", f"<{ACTOR}{event.subject}>", f"<{ACTOR}{event.object}>", f"<{rel.iri}>"
    out = [
        c, _CLAIM_HEAD[0], c, _CLAIM_HEAD[1], s, " .\n", c, _CLAIM_HEAD[2], p, " .\n", c, _CLAIM_HEAD[3], o, " .\n",
        c, f"<{_AG}confidence> \"{event.confidence:.3f}\"{_DECIMAL} .\n",
        c, f"<{_AG}extractor> {extractor} .\n",
        c, f"<{PROV.wasDerivedFrom}> {dataset_node} .\n",
        c, f"<{_AG}evidence> {nt_literal(event.description)} .\n",
        c, f"<{_AG}sourceRow> {nt_literal(f'{file_name}:{event.line}')} .\n",
        c, f"<{_AG}mappingRow> {nt_literal(f'{event.rule.row} ({event.rule.label} → {rel.name})')} .\n",
    ]
    if event.date:
        out += [c, f"<{_DCT}date> \"{event.date}\"{_XDATE} .\n"]
    if event.locator:
        out += [c, f"<{_DCT}source> {_source_term(event.locator)} .\n"]
    return "".join(out)


def _dataset_ntriples(dataset: str, version: str, file_name: str) -> str:
    info = DATASETS[dataset]
    d = f"<{dataset_iri(dataset, version)}>"
    return "".join(f"{d} {p} {o} .\n" for p, o in (
        (f"<{_RDF}type>", f"<{_AG}Dataset>"),
        (f"<{_RDF}type>", f"<{_AG}EventDataset>"),
        (f"<{_DCT}title>", nt_literal(info.title)),
        (f"<{_AG}datasetVersion>", nt_literal(version)),
        (f"<{_DCT}bibliographicCitation>", nt_literal(info.citation)),
        (f"<{_DCT}source>", nt_literal(file_name)),
    ))


def _events(dataset: str, stream: RowStream, vocab: Vocabulary, report: EventReport) -> Iterator[Event]:
    actors = load_actors(vocab)
    if dataset == "gdelt":
        return read_gdelt(stream, load_cameo(vocab), actors, report)
    if dataset == "icews":
        return read_icews(stream, load_cameo(vocab), actors, report)
    return read_polecat(stream, load_plover(vocab), actors, report)


def ingest_events(path: Path, dataset: str, store: AllianceStore, *, version: str | None = None,
                  made: RunClaims | None = None, on_progress: Progress | None = None) -> EventReport:
    """Stream one GDELT, POLECAT or ICEWS file into the store; return what it found and left out.

    ``made`` (shared across the files of one run) remembers the claims made
    so far, so repeats across files count as repeats too.  Raises InputError
    when the file as a whole cannot be used (unreadable, not that dataset's
    layout); what was written before a file turns out damaged half way stays
    written.
    """
    if dataset not in EVENT_DATASETS:
        raise InputError(path, f"unknown event dataset {dataset!r}; choose from {', '.join(EVENT_DATASETS)}")
    vocab = store.vocab
    path = Path(path)
    info = DATASETS[dataset]
    report = EventReport(str(path), dataset, version or info.version)
    made = RunClaims() if made is None else made
    started = time.perf_counter()
    with open_rows(path) as stream:
        events = _events(dataset, stream, vocab, report)
        pending: list[str] = []
        batch: list[tuple[str, str, str, str]] = []
        batch_iris: set[str] = set()  # the claims of ``batch``, not in the store yet
        next_progress = PROGRESS_EVERY
        extractor = node = ""
        fresh = False
        unflushed = 0  # batches written since RocksDB's memtables were last flushed
        current = ""
        file_name = path.name

        def flush() -> None:
            nonlocal pending, batch, batch_iris, unflushed
            if pending:
                store.write_ntriples("".join(pending), batch)
                report.claims += len(batch)
                unflushed += 1
                if unflushed >= FLUSH_EVERY:
                    store.flush()
                    unflushed = 0
            pending, batch, batch_iris = [], [], set()

        try:
            for event in events:
                report.events += 1
                v = version or (report.version if dataset == "gdelt" else
                                next(iter(report.versions)) if len(report.versions) == 1 else info.version)
                if v != current:  # the version is known once the layout (GDELT) or a Version field (POLECAT) is read
                    current = v
                    name = f"dataset:{dataset}/{v}"  # the claims' ag:extractor
                    fresh = made.fresh(name, store)
                    extractor = nt_literal(name)
                    node = f"<{dataset_iri(dataset, v)}>"
                    pending.append(_dataset_ntriples(dataset, v, file_name))
                rel = vocab.relations[event.rule.relation]
                locator = event.locator or f"date:{event.date}"
                iri = event_claim_iri(dataset, current, rel.name, event.subject, event.object, locator, rel.symmetric)
                if iri in batch_iris:
                    report.collapsed += 1
                    continue
                if not (fresh and iri not in made) and store.has_claim(iri):
                    if iri in made:
                        report.collapsed += 1
                    else:  # from an earlier ingest: counted once, its repeats as repeats
                        report.existing += 1
                        made.add(iri)
                    continue
                made.add(iri)
                batch_iris.add(iri)
                pending.append(event_ntriples(event, iri, node, extractor, file_name, vocab))
                batch.append((iri, str(rel.iri), f"{ACTOR}{event.subject}", f"{ACTOR}{event.object}"))
                if len(batch) >= BATCH:
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
