"""Inputs of a cluster job: folders, globs and files, local or fsspec URLs, cut into tasks.

A *part* is a whole file, or a range of lines of a JSON Lines file
(``.jsonl`` or ``.jsonl.gz``); a *task* is a few parts holding about
``task_articles`` articles, named from what it reads (so the same input,
cut the same way, gives the same task names, and so the same shard names).
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError
from ..loaders import ARTICLE_SUFFIXES, _jsonl_articles, find_inputs, is_fact_file, load_articles, read_text
from ..model import Article

__all__ = ["Part", "Task", "is_url", "expand_inputs", "is_jsonl", "index_jsonl", "plan_tasks", "read_part"]

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
_MAGIC = set("*?[")


def is_url(name: str) -> bool:
    """Whether ``name`` is an fsspec URL (``s3://…``, ``file://…``), not a local path.

    >>> is_url("s3://bucket/news/"), is_url("news/2021"), is_url("C:/x")
    (True, False, False)
    """
    head, sep, _ = name.partition("://")
    return bool(sep) and head.replace("+", "").replace("-", "").isalnum() and len(head) > 1


def is_jsonl(name: str) -> bool:
    return name.lower().endswith(JSONL_SUFFIXES)


def _wanted(name: str) -> bool:
    low = name.lower()
    return low.endswith(ARTICLE_SUFFIXES) or low.endswith(".jsonl.gz") or is_fact_file(Path(name))


@dataclass(frozen=True)
class Part:
    """A whole file (``count`` None) or ``count`` lines of a JSON Lines file from line ``first``."""

    name: str  # the file as the user named it (a path or a URL)
    first: int = 1
    count: int | None = None
    offset: int = 0  # byte offset of line ``first`` (uncompressed files; 0 for .gz)

    @property
    def label(self) -> str:
        return self.name if self.count is None else f"{self.name}:{self.first}-{self.first + self.count - 1}"


@dataclass(frozen=True)
class Task:
    """What one Dask task reads: its parts, and about how many articles they hold."""

    name: str  # deterministic: the shard is called after it
    parts: tuple[Part, ...]
    articles: int


def expand_inputs(names: Iterable[str | Path]) -> list[str]:
    """Files named by folders (recursively), globs and files, local or URLs; sorted within each argument.

    Local folders are read as ``find_inputs`` reads them (hidden files skipped),
    plus ``.jsonl.gz`` shards.  A name that matches nothing is an ``InputError``.
    """
    out: list[str] = []
    for raw in names:
        name = str(raw)
        if is_url(name):
            found = _expand_url(name)
        elif not os.path.exists(name) and _MAGIC & set(name):
            found = sorted(p for p in glob.glob(name, recursive=True) if os.path.isfile(p) or os.path.isdir(p))
            found = [f for p in found for f in (_walk(Path(p)) if os.path.isdir(p) else [p])]
        elif os.path.isdir(name):
            found = _walk(Path(name))
        elif os.path.exists(name):
            found = [name]
        else:
            raise InputError(name, "no such file or folder")
        if not found:
            raise InputError(name, "matches no article or fact files")
        out.extend(found)
    return out


def _walk(folder: Path) -> list[str]:
    files = [str(p) for p in find_inputs([folder])]
    gz = [p for p in folder.rglob("*.jsonl.gz")
          if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    return sorted(files + [str(p) for p in gz]) if gz else files


def _fs(url: str):  # -> (fsspec filesystem, path inside it)
    import fsspec

    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as e:  # no backend installed for the protocol
        raise InputError(url, f"cannot open: {' '.join(str(e).split())[:200]}") from None


def _expand_url(url: str) -> list[str]:
    fs, path = _fs(url)
    try:
        if _MAGIC & set(path):
            paths = sorted(fs.glob(path))
        elif fs.isdir(path):
            paths = sorted(fs.find(path))
        elif fs.exists(path):
            return [url]
        else:
            raise InputError(url, "no such file or folder")
        hidden = [p for p in paths if any(seg.startswith(".") for seg in p.split("/")[-1:])]
        return [fs.unstrip_protocol(p) for p in paths if p not in hidden and _wanted(p) and not fs.isdir(p)]
    except OSError as e:
        raise InputError(url, f"cannot list: {e.strerror or e}") from None


def _open(name: str) -> io.BufferedIOBase:
    if is_url(name):
        fs, path = _fs(name)
        return fs.open(path, "rb")
    return open(name, "rb")


def _lines(name: str, raw: io.BufferedIOBase) -> io.BufferedIOBase:
    return gzip.GzipFile(fileobj=raw) if name.lower().endswith(".gz") else raw  # type: ignore[return-value]


def index_jsonl(name: str, every: int) -> tuple[int, list[int]]:
    """Count the lines of a JSON Lines file; the byte offset of line 1, 1+every, 1+2·every, …

    Runs on a worker (the file is read there, not on the client).  For
    ``.gz`` files offsets are 0: a range is found by reading from the start.
    """
    offsets = [0]
    n = pos = 0
    try:
        with _open(name) as raw, _lines(name, raw) as f:
            for line in f:
                n += 1
                pos += len(line)
                if n % every == 0:
                    offsets.append(pos)
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise InputError(name, f"cannot read: {getattr(e, 'strerror', None) or e}") from None
    if name.lower().endswith(".gz"):
        offsets = [0] * len(offsets)
    return n, offsets[: (n + every - 1) // every or 1]


def plan_tasks(files: list[str], jsonl_index: dict[str, tuple[int, list[int]]], task_articles: int) -> list[Task]:
    """Cut ``files`` into tasks of about ``task_articles`` articles, in input order.

    Large JSON Lines files become ranges of ``task_articles`` lines; small
    files are packed together until a task is full.

    >>> [t.articles for t in plan_tasks(["a.txt", "b.txt", "c.jsonl"], {"c.jsonl": (5, [0, 30, 60])}, 2)]
    [2, 2, 2, 1]
    """
    units: list[tuple[Part, int]] = []
    for name in files:
        if name in jsonl_index:
            n, offsets = jsonl_index[name]
            if n <= task_articles:
                units.append((Part(name), max(n, 1)))
                continue
            for k, off in enumerate(offsets):
                first = 1 + k * task_articles
                count = min(task_articles, n - first + 1)
                units.append((Part(name, first, count, off), count))
        else:
            units.append((Part(name), 1))
    tasks: list[Task] = []
    group: list[Part] = []
    size = 0

    def close() -> None:
        nonlocal group, size
        if group:
            key = "\n".join(p.label for p in group)
            digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
            tasks.append(Task(f"part-{len(tasks):06d}-{digest}", tuple(group), size))
            group, size = [], 0

    for part, n in units:
        if size and size + n > task_articles:
            close()
        group.append(part)
        size += n
    close()
    return tasks


def _read(name: str, limit: int) -> bytes:
    try:
        if not is_url(name):
            return Path(name).read_bytes()
        fs, path = _fs(name)
        size = fs.size(path)
        if limit and size is not None and size > limit:
            raise InputError(name, f"file is too large ({size:,} bytes, limit {limit:,})")
        with fs.open(path, "rb", compression="infer") as f:
            return f.read()
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise InputError(name, f"cannot read: {getattr(e, 'strerror', None) or e}") from None


def _renamed(articles: list[Article], local: str, shown: str) -> list[Article]:
    if local == shown:
        return articles
    return [replace(a, path=shown + a.path[len(local):]) for a in articles]


def read_part(part: Part, max_bytes: int, on_error: Callable[[InputError], None] | None = None) -> list[Article]:
    """The articles of one part; an ``InputError`` naming the file (and line) when it cannot be used.

    With ``on_error``, a bad line of JSON Lines goes there and the other lines are read.
    """
    name = part.name
    local = name if not is_url(name) else "/" + name.split("://", 1)[1].lstrip("/")
    if part.count is None and not is_jsonl(name):
        if not is_url(name):
            return load_articles(Path(name), max_bytes=max_bytes)
        try:
            return _renamed(load_articles(Path(local), max_bytes=max_bytes, data=_read(name, max_bytes)), local, name)
        except InputError as e:
            raise InputError(name, e.problem, line=e.line) from None
    # JSON Lines, whole or a range of lines
    try:
        data = _jsonl_bytes(part)
        if part.count is not None and not data.strip():
            return []  # a range of blank lines
        text = read_text(Path(local), data, max_bytes=0)
        line_error = None if on_error is None else (lambda e: on_error(InputError(name, e.problem, line=e.line)))
        return _renamed(_jsonl_articles(Path(local), text, max_bytes, first_line=part.first, on_error=line_error),
                        local, name)
    except InputError as e:
        raise InputError(name, e.problem, line=e.line) from None


def _jsonl_bytes(part: Part) -> bytes:
    name = part.name
    try:
        with _open(name) as raw, _lines(name, raw) as f:
            if part.count is None:
                return f.read()
            if part.offset:
                f.seek(part.offset)
                skip = 0
            else:
                skip = part.first - 1
            out = io.BytesIO()
            for n, line in enumerate(f):
                if n < skip:
                    continue
                if n >= skip + part.count:
                    break
                out.write(line)
            return out.getvalue()
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise InputError(name, f"cannot read: {getattr(e, 'strerror', None) or e}") from None
