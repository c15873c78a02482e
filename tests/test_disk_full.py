"""A full disk, a dead writer, a broken pointer, a killed export (issue 12, items 7, 11 and 13).

The disk-full tests run on a small tmpfs mounted for the test (they need the
right to mount: root, as in CI; skipped otherwise).
"""

from __future__ import annotations

import json
import os
import random
import signal
import string
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import snapshots

from .conftest import ARTICLE


def errors_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MiB file system of its own."""
    where = tmp_path / "disk"
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill ``disk`` until ``leave`` bytes are free."""
    filler = disk / "filler"
    with open(filler, "ab") as f:
        try:
            while True:
                st = os.statvfs(disk)
                free = st.f_bavail * st.f_frsize - leave
                if free <= 0:
                    break
                f.write(b"\xff" * min(free, 1 << 20))
                f.flush()
        except OSError:
            pass
    return filler


def articles(folder: Path, n: int, start: int = 0) -> Path:
    """``n`` articles with long titles that do not compress (each adds ~8 KB to the store)."""
    rnd = random.Random(start)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        title = "".join(rnd.choice(string.ascii_letters) for _ in range(8000))
        (folder / f"a{i:03d}.txt").write_text(f"title: T{i} {title}\nsource: https://example.org/{i}\n\n"
                                              f"Russia and Venezuela held talks, round {i}.\n", encoding="utf-8")
    return folder


def count_articles(run, store: Path) -> int:
    result = run("stats", "--store", store, "--format", "json")
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)["articles"])


@pytest.mark.slow
def test_ingest_on_a_full_disk_stops_on_one_line_and_readers_keep_the_last_snapshot(run, tmp_path: Path,
                                                                                    disk: Path) -> None:
    store = disk / "store"
    first = articles(tmp_path / "first", 5)
    for _ in range(2):  # the second writer turns the first one's log into tables: what is on disk is all there is
        assert run("ingest", first, "--store", store, "--no-extract").exit_code == 0
    filler = fill(disk, leave=400 * 1024)  # the 300 articles need ~2.4 MB
    result = run("ingest", articles(tmp_path / "more", 300, start=5), "--store", store, "--no-extract")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = errors_of(result.stderr)
    assert len(errors) == 1 and f"Error: {store}: the disk is full" in errors[0], result.stderr
    # readers, the disk still full: the last snapshot published (at least the first five articles)
    assert count_articles(run, store) >= 5
    assert run("validate", "--store", store).exit_code == 0
    answer = run("query", "ASK { ?a a ag:Article }", "--store", store)
    assert (answer.exit_code, answer.stdout.strip()) == (0, "true")
    # room again: the next writer goes on from everything the store kept
    filler.unlink()
    before = count_articles(run, store)
    again = run("ingest", tmp_path / "more", "--store", store, "--no-extract")
    assert again.exit_code == 0, again.output
    assert count_articles(run, store) == 305 >= before


@pytest.mark.parametrize("command", ["export", "render", "build"])
def test_outputs_on_a_full_disk_are_one_line_and_leave_no_temporary_file(run, tmp_path: Path, disk: Path,
                                                                         command: str, facts_file: Path) -> None:
    store = tmp_path / "store"
    assert run("ingest", facts_file, "--store", store, "--no-extract").exit_code == 0
    out = disk / "out"
    out.mkdir()
    earlier = out / ("alliances.ttl" if command != "render" else "page.html")
    earlier.write_text("earlier\n", encoding="utf-8")
    fill(disk)
    args = {"export": ["export", "-o", out / "alliances.ttl"], "render": ["render", "-o", out / "page.html"],
            "build": ["build", facts_file, "--out", out, "--no-extract"]}[command]
    result = run(*args, "--store", store)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = errors_of(result.stderr)
    assert len(errors) == 1 and "the disk is full; nothing was written" in errors[0], result.stderr
    assert earlier.read_text(encoding="utf-8") == "earlier\n"
    assert sorted(p.name for p in out.iterdir()) == [earlier.name]


def test_readers_fall_back_to_the_last_snapshot_when_the_store_cannot_be_recovered(run, tmp_path: Path,
                                                                                   facts_file: Path) -> None:
    store = tmp_path / "store"
    assert run("ingest", facts_file, "--store", store, "--no-extract").exit_code == 0
    pointer = snapshots.read_pointer(store)
    assert pointer is not None
    # what a writer that died leaves (a pointer not clean), with a primary that cannot be opened
    snapshots.write_pointer(store, snapshots.Pointer(pointer.snapshot, clean=False))
    (store / "CURRENT").write_text("MANIFEST-999999\n")
    assert count_articles(run, store) == 1
    assert run("validate", "--store", store).exit_code == 0
    assert run("query", "ASK { ?c a ag:Claim }", "--store", store).stdout.strip() == "true"


@pytest.mark.parametrize("content", ["", "{\"snapshot\": ", "\x00\x01garbage", "[]", "{\"clean\": true}"])
def test_an_unreadable_pointer_is_rebuilt(run, tmp_path: Path, facts_file: Path, article_file: Path,
                                          content: str) -> None:
    store = tmp_path / "store"
    assert run("ingest", facts_file, "--store", store, "--no-extract").exit_code == 0
    (store / snapshots.POINTER).write_text(content)
    # a reader while a writer holds the store: the newest snapshot there
    lock = snapshots.WriterLock(store)
    try:
        assert count_articles(run, store) == 1
    finally:
        lock.release()
    # a reader with no writer about rebuilds the pointer, and so does a writer
    assert count_articles(run, store) == 1
    assert snapshots.read_pointer(store) is not None
    (store / snapshots.POINTER).write_text(content)
    other = article_file.with_name("other.txt")
    other.write_text(ARTICLE.replace("Friday", "Monday"), encoding="utf-8")
    assert run("ingest", other, "--store", store, "--no-extract").exit_code == 0
    assert snapshots.read_pointer(store) == snapshots.Pointer(snapshots.read_pointer(store).snapshot, clean=True)
    assert count_articles(run, store) == 2


HANG_IN_FSYNC = """
import os, sys, threading
from graph.export import write_atomic
os.fsync = lambda fd: threading.Event().wait()  # hold still half way, as a slow disk would
write_atomic(sys.argv[1], "half written\\n" * 1000)
"""


def test_a_killed_export_leaves_nothing_that_the_next_one_keeps(run, tmp_path: Path, facts_file: Path) -> None:
    out = tmp_path / "out" / "alliances.ttl"
    out.parent.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", HANG_IN_FSYNC, str(out)])
    try:
        deadline = time.monotonic() + 30
        while not list(out.parent.glob(".alliances.ttl.*.tmp")):
            assert time.monotonic() < deadline and proc.poll() is None, "the writer never started"
            time.sleep(0.05)
        live = run("export", "-o", out, "--store", "memory")  # a writer alive: its file is left alone
        assert live.exit_code == 0 and len(list(out.parent.glob(".*.tmp"))) == 1
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    stale = list(out.parent.glob(".*.tmp"))
    assert len(stale) == 1
    os.utime(stale[0], (time.time() - 60, time.time() - 60))
    store = tmp_path / "store"
    assert run("ingest", facts_file, "--store", store, "--no-extract").exit_code == 0
    result = run("export", "-o", out, "--store", store)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.parent.iterdir()) == ["alliances.ttl"]
    assert "claim:" in out.read_text(encoding="utf-8")


@pytest.mark.slow
def test_event_files_on_a_full_disk_stop_on_one_line(run, tmp_path: Path, disk: Path) -> None:
    from .eventfiles import gdelt_row, write

    store = disk / "store"
    first = articles(tmp_path / "first", 2)
    for _ in range(2):  # compacted: what is on disk is all there is
        assert run("ingest", first, "--store", store, "--no-extract").exit_code == 0
    files = []
    for n in range(3):
        rows = [gdelt_row(n * 10_000 + i, "20240105", "USAGOV", "FRAGOV", "057",
                          url=f"https://news.example/{n}/{i}/" + "x" * 200) for i in range(2000)]
        files.append(write(tmp_path / f"2024010{n}.export.CSV", "\n".join(rows) + "\n"))
    fill(disk, leave=450 * 1024)  # each file's claims need megabytes
    result = run("ingest-dataset", "gdelt", *files, "--store", store)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = errors_of(result.stderr)
    assert len(errors) == 1 and f"Error: {store}: the disk is full" in errors[0], result.stderr
    assert count_articles(run, store) == 2
