"""Opening a store for reading: the latest sound snapshot, recovered first when its writer died."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox

from .. import snapshots
from ..errors import StoreError, StoreFull, StoreLocked, disk_full
from .names import _FIRST_SNAPSHOT_WAIT


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

