"""A build's own store: made anew for each ``alliances build``, swapped in whole when the build is done.

``build PATHS`` makes the graph of exactly PATHS.  It writes into a new
store beside the target (``<store>.building-<pid>``) and, once everything
went in and the store is closed, renames it over the target: a failed build
leaves the previous store as it was, and readers never see half a build.

A store made this way carries ``BUILD_MARK``; any later writer (``ingest``,
``build --store``) removes it (see ``AllianceStore``).  A build replaces
only a store that carries the mark, so what ``ingest`` gathered is never
thrown away by a build.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import snapshots
from .errors import StoreError
from .export import write_atomic
from .store import BUILD_MARK, AllianceStore, open_store
from .vocab import Vocabulary

__all__ = ["BUILD_MARK", "build_store", "fresh_store", "is_build_store", "store_note"]


def is_build_store(location: Path) -> bool:
    """Whether ``location`` is missing, an empty folder, or a store that one build alone wrote."""
    if not location.exists():
        return True
    if not location.is_dir():
        return False
    return (location / BUILD_MARK).is_file() or not any(location.iterdir())


@contextlib.contextmanager
def fresh_store(location: Path | str, vocab: Vocabulary, inputs: Sequence[Path | str]) -> Iterator[AllianceStore]:
    """A new, empty store that replaces ``location`` when the block ends without an exception.

    Raises ``StoreError`` when ``location`` holds a store that something
    other than one build wrote, and ``StoreLocked`` when a writer is at work
    on it.  While the build runs, ``location`` stays locked for writers.
    """
    target = Path(location)
    if not is_build_store(target):
        what = "is not a folder" if target.exists() and not target.is_dir() else (
            "holds a store that ingest, build --store or an older version wrote")
        raise StoreError(f"{target}: {what}, and build makes a new store: give --store {target} "
                         f"to add to it, or name another --store")
    guard = snapshots.WriterLock(target) if target.is_dir() else None  # no ingest into it while we build
    work = target.with_name(f"{target.name}.building-{os.getpid()}")
    old = target.with_name(f"{target.name}.replaced-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    try:
        with open_store(work, vocab) as store:
            yield store
        write_atomic(work / BUILD_MARK, json.dumps({"inputs": [str(p) for p in inputs]}, indent=1) + "\n")
        if target.exists():
            target.rename(old)
        try:
            work.rename(target)
        except OSError:
            if old.exists():
                old.rename(target)
            raise
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        if guard is not None:
            guard.release()
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def build_store(location: str, vocab: Vocabulary, inputs: Sequence[Path | str], *, add: bool) -> Iterator[AllianceStore]:
    """The store a build writes: ``location`` itself when adding to it (or in memory), else a fresh one."""
    if add or location == "memory":
        with open_store(location, vocab) as store:
            yield store
    else:
        with fresh_store(location, vocab, inputs) as store:
            yield store


def store_note(location: str, *, added: bool) -> str:
    """The line that tells where a build's graph is.

    >>> store_note(".alliance-graph", added=False)
    'store: .alliance-graph (new: this build only; query, serve and stats read it there)'
    """
    if location == "memory":
        return "store: memory (gone when the command ends)"
    if added:
        return f"store: {location} (added to what it held)"
    return f"store: {location} (new: this build only; query, serve and stats read it there)"
