"""Exceptions of alliance-graph; each ``str()`` is one line the CLI can print."""

from __future__ import annotations

import errno
from pathlib import Path

__all__ = [
    "AllianceGraphError",
    "InputError",
    "UnknownRelation",
    "UnknownActor",
    "QueryError",
    "StoreError",
    "StoreLocked",
    "StoreFull",
    "OutputError",
    "disk_full",
]


class AllianceGraphError(Exception):
    """Base class: anything the CLI reports as ``Error: <message>`` with exit 1."""


class InputError(AllianceGraphError):
    """A file (and where known, a line) that cannot be used, and why.

    >>> str(InputError("seeds/x.txt", "file is empty"))
    'seeds/x.txt: file is empty'
    >>> print(InputError("facts.yaml", "unknown relation 'likes'", line=4))
    facts.yaml:4: unknown relation 'likes'
    >>> len(str(InputError("x.csv", "unknown actor " + "A" * 10_000)))
    507
    """

    MAX_PROBLEM = 500  # characters: hostile input must not make a multi-megabyte "one line"

    def __init__(self, path: Path | str, problem: str, *, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        problem = " ".join(str(problem).split())  # always one line
        if len(problem) > self.MAX_PROBLEM:
            problem = problem[: self.MAX_PROBLEM - 1] + "…"
        super().__init__(f"{where}: {problem}")
        self.path = Path(path)
        self.problem = problem
        self.line = line


class UnknownRelation(AllianceGraphError):
    """A relation name that the ontology does not declare."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown relation {name!r}")
        self.name = name


class UnknownActor(AllianceGraphError):
    """An actor id that the ontology does not declare."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown actor {name!r}")
        self.name = name


class QueryError(AllianceGraphError):
    """A SPARQL query that cannot be parsed or run."""


class StoreError(AllianceGraphError):
    """The store cannot be opened or written."""


class StoreLocked(StoreError):
    """Another process holds the store for writing."""


class StoreFull(StoreError):
    """The disk under the store (or an output file) is full: nothing more can be written."""


class OutputError(AllianceGraphError):
    """A file that cannot be written (a full disk, no permission), and why.

    >>> print(OutputError("exports/alliances.ttl", "the disk is full"))
    exports/alliances.ttl: the disk is full
    """

    def __init__(self, path: Path | str, problem: str, *, full: bool = False) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem
        self.full = full  # the disk is full

    def __reduce__(self) -> tuple[object, ...]:  # picklable (a cluster worker's error)
        return (_output_error, (self.path, self.problem, self.full))


def _output_error(path: Path, problem: str, full: bool) -> OutputError:
    return OutputError(path, problem, full=full)


def disk_full(e: BaseException) -> bool:
    """Whether ``e`` says the disk is full (an ``OSError``, or RocksDB's message through Oxigraph).

    >>> disk_full(OSError(28, "No space left on device")), disk_full(OSError("IO error: No space left on device"))
    (True, True)
    """
    return (getattr(e, "full", False) or getattr(e, "errno", None) in (errno.ENOSPC, errno.EDQUOT)
            or "no space left" in str(e).lower())
