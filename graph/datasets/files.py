"""Event files as the user downloaded them (plain, ``.gz`` or ``.zip``), read as a stream of rows.

Nothing is read whole: a 1 GB GDELT file goes through a buffered text stream
row by row.  ``RowStream`` counts the compressed bytes read, so a progress
display can say how far it is.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import InputError
from ..infile import open_regular

__all__ = ["RowStream", "open_rows"]

csv.field_size_limit(1 << 20)  # a field over 1 MiB is a broken file, not an event


class _Counting(io.RawIOBase):
    """A binary file that counts the bytes read from it (for progress on compressed files)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self.raw.readinto(b)  # type: ignore[attr-defined]
        self.count += n or 0
        return n or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


class RowStream:
    """Rows of one event file: ``(line number, fields)``, tab-separated unless the header says comma."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        raw = open_regular(self.path)  # a FIFO or a device is refused, never read
        self.size = os.fstat(raw.fileno()).st_size
        self._file = _Counting(raw)  # closed by close()
        self._zip: zipfile.ZipFile | None = None
        try:
            self._text = self._open_text()
        except BaseException:
            self.close()
            raise
        self.line = 0

    def _open_text(self) -> io.TextIOWrapper:
        head = self._file.raw.read(4)
        self._file.raw.seek(0)
        binary: IO[bytes]
        if head[:2] == b"\x1f\x8b":
            binary = gzip.GzipFile(fileobj=io.BufferedReader(self._file, 1 << 16), mode="rb")
        elif head == b"PK\x03\x04":
            try:
                self._zip = zipfile.ZipFile(self._file.raw)  # type: ignore[arg-type]
            except zipfile.BadZipFile as e:
                raise InputError(self.path, f"not a readable zip file: {e}") from None
            members = [m for m in self._zip.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise InputError(self.path, f"zip file holds {len(members)} files; expected one events file")
            binary = self._zip.open(members[0])
            self.size = members[0].file_size or 1
            self._member = binary
        else:
            if b"\x00" in head:
                raise InputError(self.path, "looks like a binary file, not a tab-separated events file")
            binary = io.BufferedReader(self._file, 1 << 16)
        return io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline="")  # type: ignore[arg-type]

    @property
    def done(self) -> int:
        """Bytes of the file (for a zip: of the uncompressed member) read so far."""
        if self._zip is not None:
            return self._member.tell()  # type: ignore[attr-defined]
        return self._file.count

    def first_line(self) -> str:
        """The first line, without consuming it from ``rows``."""
        line = self._text.readline()
        self._pending = line
        return line

    def _lines(self) -> Iterator[str]:
        pending = getattr(self, "_pending", None)
        if pending:
            yield pending
        self._pending = None
        yield from self._text

    def lines(self) -> Iterator[tuple[int, str]]:
        """Every non-empty line (without its line break) with its line number (1-based)."""
        line_no = 0
        try:
            for text in self._lines():
                line_no += 1
                text = text.rstrip("\r\n")
                if text:
                    yield line_no, text
        except (OSError, EOFError, zipfile.BadZipFile, gzip.BadGzipFile) as e:
            raise InputError(self.path, f"file is damaged after line {line_no}: {e}") from None

    def rows(self, delimiter: str = "\t") -> Iterator[tuple[int, list[str]]]:
        """Every non-empty row with its line number (1-based)."""
        if delimiter == "\t":  # no quoting in these files: a quote is part of a name
            for line_no, text in self.lines():
                yield line_no, text.split("\t")
            return
        reader = csv.reader(self._lines(), delimiter=delimiter)
        try:
            last = 0
            for values in reader:
                if any(values):
                    yield reader.line_num, values
                last = reader.line_num
        except csv.Error as e:
            raise InputError(self.path, f"not readable as CSV after line {last}: {e}") from None
        except (OSError, EOFError, zipfile.BadZipFile, gzip.BadGzipFile) as e:
            raise InputError(self.path, f"file is damaged after line {last}: {e}") from None

    def close(self) -> None:
        for f in (getattr(self, "_text", None), self._zip, self._file):
            if f is not None:
                try:
                    f.close()
                except Exception:  # closing a damaged stream must not hide the first error
                    pass

    def __enter__(self) -> RowStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_rows(path: Path) -> RowStream:
    """Open an events file (plain, gzip or a zip holding one file) for streaming."""
    return RowStream(path)
