"""Writing files: atomically (temp file + rename), so a failure leaves the old file intact.

A writer killed half way (kill -9) leaves its temporary file behind; the
next write to the same path deletes it.  Each writer holds an ``flock`` on
its temporary file while it writes, so only files whose writer is gone are
deleted.  A full disk or a folder that cannot be written is one line
(``OutputError``), and no temporary file is left.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import os
import tempfile
import time
from pathlib import Path

from .errors import OutputError, disk_full

__all__ = ["write_atomic", "clean_stale"]

STALE_AFTER = 2.0  # seconds: younger temporary files may belong to a writer that has not locked them yet


def clean_stale(path: Path) -> list[Path]:
    """Delete the temporary files that writers of ``path`` killed half way left behind."""
    gone = []
    for name in glob.glob(os.path.join(glob.escape(str(path.parent)), f".{glob.escape(path.name)}.*.tmp")):
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            if time.time() - os.fstat(fd).st_mtime < STALE_AFTER:
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while its writer is alive
            os.unlink(name)
            gone.append(Path(name))
        except OSError:
            continue
        finally:
            os.close(fd)
    return gone


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` via a temporary file in the same folder.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> write_atomic(p, "hello\\n"); p.read_text()
    'hello\\n'
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)  # tells clean_stale this writer is alive
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, path)
            tmp = None
    except OSError as e:
        if disk_full(e):
            raise OutputError(path, "the disk is full; nothing was written (an earlier file there is intact)",
                              full=True) from None
        if e.errno == errno.EFBIG:
            raise OutputError(path, "the file would be larger than this system allows; nothing was written") from None
        raise OutputError(path, f"cannot write: {e.strerror or e}") from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
