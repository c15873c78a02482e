"""Opening input files: regular files only, read within bounds.

A FIFO named on the command line would block the batch until something
writes to it, and a symbolic link to ``/dev/zero`` would be read until memory
runs out.  So every input is opened without blocking, checked with
``fstat`` (the file actually opened, after symbolic links), and refused on
one line unless it is a regular file; its reading stops at its size as
``fstat`` gave it (or at the caller's limit).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

__all__ = ["open_regular", "read_regular"]

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def open_regular(path: Path | str) -> BinaryIO:
    """Open ``path`` for reading in binary, refusing anything but a regular file.

    >>> open_regular("/dev/zero")
    Traceback (most recent call last):
    ...
    graph.errors.InputError: /dev/zero: not a regular file but a character device; only regular files are read
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # O_NONBLOCK: opening a FIFO with no writer returns at once
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror or e}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(path, f"not a regular file but {_kind(mode)}; only regular files are read")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path | str, max_bytes: int = 0) -> bytes:
    """The bytes of the regular file ``path``; over ``max_bytes`` (when not 0) is refused.

    Reading stops at the size the file had when opened (plus one byte, to
    notice a file that grows meanwhile), so no file is read without end.
    """
    with open_regular(path) as f:
        size = os.fstat(f.fileno()).st_size
        if max_bytes and size > max_bytes:
            raise InputError(path, f"file is too large ({size:,} bytes, limit {max_bytes:,})")
        limit = max_bytes or size
        try:
            data = f.read(limit + 1)
        except OSError as e:
            raise InputError(path, f"cannot read: {e.strerror or e}") from None
    if len(data) > limit:
        if max_bytes:
            raise InputError(path, f"file is too large (over {max_bytes:,} bytes)")
        raise InputError(path, "file grew while it was read; read it when it is complete")
    return data
