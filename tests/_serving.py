"""``alliances serve`` started as a real process for the endpoint tests."""

from __future__ import annotations

import contextlib
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from graph.serve import stop_process


@contextlib.contextmanager
def serving(store: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[str], queue.Queue[str]]]:
    """``alliances serve`` on a free port; yields (url, process, its stderr lines); always stopped."""
    alliances = Path(sys.executable).parent / "alliances"
    proc = subprocess.Popen([str(alliances), "serve", "--store", str(store), "--port", "0", *options],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()  # type: ignore[union-attr]
    try:
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                assert proc.poll() is None, "alliances serve exited early"
                continue
            if m := re.search(r"serving (http://127\.0\.0\.1:\d+/)", line):
                url = m.group(1)
        assert url, "alliances serve did not say where it listens within 30 s"
        yield url, proc, lines
    finally:
        stop_process(proc, timeout=10)
