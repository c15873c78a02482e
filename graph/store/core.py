"""``AllianceStore``: opening, snapshots for readers, the reference data, closing; writing and reading are its parts."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .. import edges, snapshots
from ..errors import StoreError, StoreFull
from ..terms import ONTOLOGY_DIR, ONTOLOGY_FILES, PREFIXES
from .names import _REF_HASH, BUILD_MARK, DEFAULT_STORE, REFERENCE_GRAPH
from .opening import _store_error, _write_error, acquire_snapshot
from .reading import Reading
from .writing import Writing

if TYPE_CHECKING:  # rdflib is imported only where it is used: readers never load it
    from rdflib import Dataset, Graph

    from ..vocab import Vocabulary

PUBLISH_INTERVAL = 2.0  # seconds of writing between two snapshots for readers


class AllianceStore(Writing, Reading):
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
    from ..vocab import load_vocabulary

    return load_vocabulary(ONTOLOGY_DIR)



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

