"""``alliances load``: N-Quads shards into the local store with Oxigraph's bulk loader.

Every shard is checked before anything is loaded (its SHA-256 against the
``_SUCCESS`` manifest of its folder, or, for a shard named alone, a full
parse), so a bad shard leaves the store as it was.  The bulk loader then
writes each shard in one go; meanwhile the store is offline for writers
(this process holds its writer lock) and readers keep the snapshot
published before the load.  Closing the store publishes a new one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, StoreError
from ..store import AllianceStore
from .shards import MANIFEST, read_manifest, sha256_file

__all__ = ["Shard", "LoadResult", "resolve_shards", "check_shards", "bulk_load"]

NQUADS_SUFFIXES = (".nq", ".nquads")


@dataclass(frozen=True)
class Shard:
    path: Path
    sha256: str | None = None  # from the manifest; None: parse it to check it
    lines: int | None = None


@dataclass
class LoadResult:
    shards: int = 0
    lines: int = 0
    seconds: float = 0.0


def resolve_shards(names: Sequence[Path]) -> list[Shard]:
    """Folders (their ``_SUCCESS`` manifest lists the shards) and N-Quads files, in the order given."""
    out: list[Shard] = []
    for name in map(Path, names):
        if name.is_dir():
            manifest = read_manifest(name)
            if manifest.format != "nquads":
                raise InputError(name / MANIFEST, f"the shards are {manifest.format}, not N-Quads "
                                                  "(extract them with --format nquads)")
            out.extend(Shard(name / s.name, s.sha256, s.lines) for s in manifest.shards)
        elif name.suffix.lower() in NQUADS_SUFFIXES:
            out.append(Shard(name))
        elif name.exists():
            raise InputError(name, f"not an N-Quads shard (suffix {name.suffix or 'none'!r}; expected .nq)")
        else:
            raise InputError(name, "no such file or folder")
    if not out:
        raise InputError(names[0] if names else ".", "no shards to load")
    return out


def check_shards(shards: Sequence[Shard]) -> list[Shard]:
    """Each shard as it will be loaded, with its line count; ``InputError`` for the first bad one."""
    checked = []
    for shard in shards:
        if not shard.path.is_file():
            raise InputError(shard.path, "shard is missing")
        if shard.sha256 is not None:
            try:
                digest = sha256_file(shard.path)
            except OSError as e:
                raise InputError(shard.path, f"cannot read: {e.strerror or e}") from None
            if digest != shard.sha256:
                raise InputError(shard.path, f"SHA-256 differs from the one in {MANIFEST}: "
                                             "the shard changed after it was written")
            checked.append(shard)
            continue
        try:
            n = sum(1 for _ in ox.parse(path=str(shard.path), format=ox.RdfFormat.N_QUADS))
        except SyntaxError as e:
            raise InputError(shard.path, f"not valid N-Quads: {' '.join(str(e).split())[:300]}") from None
        except OSError as e:
            raise InputError(shard.path, f"cannot read: {e.strerror or e}") from None
        checked.append(Shard(shard.path, None, n))
    return checked


def bulk_load(store: AllianceStore, shards: Sequence[Shard], *,
              on_shard: Callable[[int, Shard], None] | None = None) -> LoadResult:
    """Load checked shards into ``store`` (opened for writing) with the bulk loader; the caller closes it."""
    if store.read_only:
        raise StoreError(f"{store.location}: store is open read-only")
    result = LoadResult()
    start = time.perf_counter()
    for i, shard in enumerate(shards, start=1):
        try:
            # lenient: no second validation of IRIs; check_shards has just verified every shard
            # (its checksum against the manifest its writer made, or a full strict parse)
            store.ox.bulk_load(path=str(shard.path), format=ox.RdfFormat.N_QUADS, lenient=True)
        except SyntaxError as e:  # checked before, so only if it changed meanwhile; this shard added nothing
            raise InputError(shard.path, f"not valid N-Quads: {' '.join(str(e).split())[:300]}") from None
        except OSError as e:
            raise StoreError(f"{store.location}: bulk load of {shard.path} failed (shards before it are loaded; "
                             f"loading again is safe): {' '.join(str(e).split())[:300]}") from None
        result.shards += 1
        result.lines += shard.lines or 0
        if on_shard:
            on_shard(i, shard)
    result.seconds = time.perf_counter() - start
    return result
