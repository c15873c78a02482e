"""One writer, many readers: published snapshots of an on-disk store.

RocksDB (under Oxigraph) lets one process write a directory; opening it
read-only while another process writes it is undefined behaviour.  So
readers never open the directory a writer writes.  The writer publishes
consistent snapshots (RocksDB checkpoints: hard links, ~0.1 s) now and then
and when it closes, and readers open the latest published one read-only.

Layout of a store directory (the RocksDB files stay at the top, as before)::

    <store>/writer.lock              the writer holds an exclusive flock on it
    <store>/published.json           {"snapshot": "000007", "clean": true}, replaced atomically
    <store>/snapshots/000007/        a checkpoint, never written after it is published
    <store>/snapshots/000007/counts.json   what ``stats`` counted in 000007 (kept by the first reader to count)
    <store>/snapshots/000007.lock    each reader holds a shared flock while it uses 000007

``clean`` is true when the writer that published the snapshot closed
normally: the snapshot then holds everything in the store.  A snapshot that
is not clean while no writer holds the lock means the writer died; the next
reader (or writer) recovers the store and publishes a clean one.
Superseded snapshots are deleted as soon as no reader holds them, so at most
one snapshot per reader still running, plus the current one, exist.

Because a published snapshot never changes, what a reader counts in it
(``alliances stats``: a scan of every index, about a second at 1 M triples)
holds for as long as the snapshot lives; the first reader to count keeps the
counts inside it (``keep_counts``) and later readers read them back.  A
write publishes a new snapshot, which has no counts until someone counts
again; nothing at write time scans anything.

This module knows files and locks only; the store passes in how to back up.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError, StoreError, StoreFull, StoreLocked, disk_full
from .export import write_atomic

__all__ = [
    "WRITER_LOCK",
    "POINTER",
    "SNAPSHOTS",
    "Pointer",
    "WriterLock",
    "Lease",
    "read_pointer",
    "read_pointer_or_none",
    "write_pointer",
    "writer_active",
    "publish",
    "prune",
    "lease_latest",
    "lease_newest",
    "snapshot_names",
    "COUNTS",
    "read_counts",
    "keep_counts",
]

WRITER_LOCK = "writer.lock"
POINTER = "published.json"
SNAPSHOTS = "snapshots"
COUNTS = "counts.json"


@dataclass(frozen=True)
class Pointer:
    """Which snapshot readers should open, and whether its writer closed normally."""

    snapshot: str
    clean: bool


def read_pointer(location: Path) -> Pointer | None:
    """The published pointer, or ``None`` when nothing was published yet.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> read_pointer(d) is None
    True
    >>> write_pointer(d, Pointer("000001", True)); read_pointer(d)
    Pointer(snapshot='000001', clean=True)
    """
    try:
        data = json.loads((location / POINTER).read_text(encoding="utf-8"))
        return Pointer(str(data["snapshot"]), bool(data["clean"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise StoreError(f"{location / POINTER}: unreadable snapshot pointer: {e}") from None


def read_pointer_or_none(location: Path) -> Pointer | None:
    """The published pointer; ``None`` when there is none or it is unreadable (empty, garbage).

    For the writer, who then publishes a new one.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / POINTER).write_text("")
    >>> read_pointer_or_none(d) is None
    True
    """
    try:
        return read_pointer(location)
    except StoreError:
        return None


def write_pointer(location: Path, pointer: Pointer) -> None:
    """Switch readers to ``pointer`` atomically (temporary file + rename)."""
    write_atomic(location / POINTER, json.dumps({"snapshot": pointer.snapshot, "clean": pointer.clean}) + "\n")


class WriterLock:
    """The exclusive right to write the store at ``location``.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> first = WriterLock(d)
    >>> WriterLock(d)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.StoreLocked: ...: store is locked by another writer (pid ...); wait for it to finish
    >>> writer_active(d)
    True
    >>> first.release(); writer_active(d)
    False
    """

    def __init__(self, location: Path) -> None:
        self.path = location / WRITER_LOCK
        self.fd: int | None = None
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise StoreError(f"{location}: cannot lock the store: {e.strerror or e}") from None
            raise StoreLocked(f"{location}: store is locked by another writer{_holder(self.path)}; "
                              "wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the flock
            self.fd = None

    __del__ = release  # a store dropped without close() must not keep others out


def _holder(path: Path) -> str:
    # The holder writes its pid just after taking the lock: give it a moment.
    for _ in range(50):
        with contextlib.suppress(OSError, ValueError):
            return f" (pid {int(path.read_text().strip())})"
        time.sleep(0.01)
    return ""


def writer_active(location: Path) -> bool:
    """Whether some process holds the writer lock of ``location`` right now."""
    try:
        fd = os.open(location / WRITER_LOCK, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def snapshot_names(location: Path) -> list[str]:
    """Names of the snapshot directories present (published or not), sorted."""
    folder = location / SNAPSHOTS
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir())


def _next_name(location: Path) -> str:
    numbers = [int(n) for n in snapshot_names(location) if n.isdigit()]
    pointer = read_pointer_or_none(location)
    if pointer and pointer.snapshot.isdigit():
        numbers.append(int(pointer.snapshot))
    folder = location / SNAPSHOTS
    if folder.is_dir():
        numbers += [int(p.stem) for p in folder.glob("*.lock") if p.stem.isdigit()]
    return f"{max(numbers, default=0) + 1:06d}"


def publish(location: Path, backup: Callable[[str], None], *, clean: bool) -> str:
    """Checkpoint the store with ``backup(dir)``, point readers at it, drop unused old ones.

    Only the holder of the writer lock may call this.
    """
    folder = location / SNAPSHOTS
    name = _next_name(location)
    try:
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.lock").touch()
        backup(str(folder / name))
        write_pointer(location, Pointer(name, clean))
    except (OSError, RuntimeError, OutputError) as e:  # a full disk, say: readers keep the snapshot they have
        shutil.rmtree(folder / name, ignore_errors=True)
        (folder / f"{name}.lock").unlink(missing_ok=True)
        text = " ".join(str(e).split())
        if disk_full(e):
            raise StoreFull(f"{location}: the disk is full: could not publish a snapshot for readers; they keep "
                            "the last one published") from None
        raise StoreError(f"{location}: could not publish a snapshot for readers: {text}") from None
    prune(location, keep=name)
    return name


def prune(location: Path, keep: str) -> list[str]:
    """Delete every snapshot but ``keep`` that no reader holds; return the names deleted."""
    folder = location / SNAPSHOTS
    if not folder.is_dir():
        return []
    names = {p.name for p in folder.iterdir() if p.is_dir()}
    names |= {p.stem for p in folder.glob("*.lock")}
    gone = []
    for name in sorted(names - {keep}):
        lock = folder / f"{name}.lock"
        try:
            fd = os.open(lock, os.O_RDONLY)
        except FileNotFoundError:
            shutil.rmtree(folder / name, ignore_errors=True)  # left by an interrupted prune
            gone.append(name)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a reader still uses it
        try:
            lock.unlink()  # first, so that a reader who opened it sees it is gone
            shutil.rmtree(folder / name, ignore_errors=True)
            gone.append(name)
        finally:
            os.close(fd)
    return gone


class Lease:
    """A reader's shared hold on one published snapshot; ``release()`` when done."""

    def __init__(self, name: str, path: Path, fd: int) -> None:
        self.name, self.path, self.fd = name, path, fd

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    __del__ = release

    def __repr__(self) -> str:
        return f"Lease({self.name!r})"


def _lease(location: Path, name: str) -> Lease | None:
    """Hold snapshot ``name`` (shared lock); ``None`` when it is gone (pruned meanwhile)."""
    folder = location / SNAPSHOTS
    lock = folder / f"{name}.lock"
    try:
        fd = os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)  # a pruner holds it only while deleting
    try:
        same = os.stat(lock).st_ino == os.fstat(fd).st_ino and (folder / name).is_dir()
    except FileNotFoundError:
        same = False
    if same:
        return Lease(name, folder / name, fd)
    os.close(fd)
    return None


def lease_latest(location: Path, *, attempts: int = 50) -> Lease | None:
    """Hold the snapshot the pointer names (shared lock); ``None`` when none is published."""
    for _ in range(attempts):
        pointer = read_pointer(location)
        if pointer is None:
            return None
        lease = _lease(location, pointer.snapshot)
        if lease is not None:
            return lease
        time.sleep(0.01)  # superseded and pruned between reading the pointer and opening it
    raise StoreError(f"{location}: could not hold a published snapshot after {attempts} attempts")


def lease_newest(location: Path) -> Lease | None:
    """Hold the newest snapshot present, whatever the pointer says (when it cannot be read).

    A snapshot directory only ever appears complete (the checkpoint is
    written under another name and renamed), so the newest one present is the
    newest complete one.
    """
    for name in sorted((n for n in snapshot_names(location) if n.isdigit()), reverse=True):
        lease = _lease(location, name)
        if lease is not None:
            return lease
    return None


def read_counts(snapshot: Path, version: int) -> dict[str, object] | None:
    """The counts kept in ``snapshot`` by ``keep_counts`` with this ``version``; ``None`` when there are none.

    A file that cannot be read, or was written by another version of the
    counting, is as good as none: the caller counts again.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> read_counts(d, 1) is None
    True
    >>> keep_counts(d, {"claims": 3}, 1); read_counts(d, 1), read_counts(d, 2)
    ({'claims': 3}, None)
    """
    try:
        data = json.loads((snapshot / COUNTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != version or not isinstance(data.get("counts"), dict):
        return None
    return data["counts"]


def keep_counts(snapshot: Path, counts: dict[str, object], version: int) -> None:
    """Keep ``counts`` of the published ``snapshot`` inside it (atomically), for the readers that come later.

    Best effort: a snapshot that cannot be written (another user's store, a
    full disk) keeps nothing, and each reader counts for itself.
    """
    with contextlib.suppress(OSError, OutputError):
        write_atomic(snapshot / COUNTS, json.dumps({"version": version, "counts": counts}, sort_keys=True) + "\n")
