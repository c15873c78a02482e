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

from .core import PUBLISH_INTERVAL, AllianceStore, open_store
from .names import BUILD_MARK, DATA_GRAPH, DEFAULT_STORE, EXPORT_FORMATS, REFERENCE_GRAPH, _nt, to_ox  # noqa: F401 (_nt, to_ox: for scripts and loaders)
from .opening import acquire_snapshot

__all__ = ["AllianceStore", "REFERENCE_GRAPH", "DATA_GRAPH", "DEFAULT_STORE", "EXPORT_FORMATS", "PUBLISH_INTERVAL", "BUILD_MARK",
           "open_store", "acquire_snapshot"]
