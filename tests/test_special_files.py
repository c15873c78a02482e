"""Only regular files are read (issue 12, item 6).

A FIFO or a symbolic link to /dev/zero named on the command line used to hang
the batch (a FIFO waits for a writer) or eat memory (/dev/zero never ends).
Each command runs as a process with a time limit and a memory bound, so a
regression fails here rather than hanging or exhausting the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ARTICLE
from .eventfiles import gdelt_row, write
from .test_datasets import COW_HEADER, cow_row, write_csv

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(),
                                reason="needs FIFOs and /dev/zero")


def bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def alliances(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graph", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=120, preexec_fn=bounded, stdin=subprocess.DEVNULL)


def specials(folder: Path, suffix: str) -> tuple[Path, Path]:
    """A FIFO nobody writes to, and a symbolic link to /dev/zero, both with ``suffix``."""
    folder.mkdir(parents=True, exist_ok=True)
    fifo, zero = folder / f"pipe{suffix}", folder / f"zero{suffix}"
    os.mkfifo(fifo)
    zero.symlink_to("/dev/zero")
    return fifo, zero


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def assert_refused(result: subprocess.CompletedProcess[str], fifo: Path, zero: Path) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert error_lines(result.stderr) == [
        f"Error: {fifo}: not a regular file but a FIFO (named pipe); only regular files are read",
        f"Error: {zero}: not a regular file but a character device; only regular files are read"]


@pytest.mark.parametrize("command", ["ingest", "extract"])
def test_articles_a_fifo_and_dev_zero_are_refused_and_the_batch_goes_on(tmp_path: Path, command: str) -> None:
    fifo, zero = specials(tmp_path / "in", ".txt")
    good = [tmp_path / "in" / "a.txt", tmp_path / "in" / "b.txt"]
    for i, p in enumerate(good):
        p.write_text(ARTICLE.replace("Friday", f"day {i}"), encoding="utf-8")
    args: list[object] = [command, good[0], fifo, zero, good[1]]
    if command == "ingest":
        args += ["--store", tmp_path / "store", "--no-extract"]
    else:
        args += ["--format", "jsonl"]
    result = alliances(*args, cwd=tmp_path)
    assert_refused(result, fifo, zero)
    if command == "ingest":
        stats = json.loads(alliances("stats", "--store", tmp_path / "store", "--format", "json", cwd=tmp_path).stdout)
        assert stats["articles"] == 2
    else:
        assert "from 2 articles" in result.stderr


def test_a_fifo_in_a_folder_is_passed_over(tmp_path: Path, run) -> None:
    specials(tmp_path / "in", ".txt")
    (tmp_path / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = run("ingest", tmp_path / "in", "--store", tmp_path / "store", "--no-extract")
    assert result.exit_code == 0 and "1 files, 1 articles" in result.stderr


def test_datasets_a_fifo_and_dev_zero_are_refused_and_the_others_loaded(tmp_path: Path) -> None:
    fifo, zero = specials(tmp_path / "in", ".csv")
    cow = write_csv(tmp_path / "in" / "cow.csv", COW_HEADER, [cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1)])
    result = alliances("ingest-dataset", "cow", fifo, zero, cow, "--store", tmp_path / "store", cwd=tmp_path)
    assert_refused(result, fifo, zero)
    assert "cow.csv: 1 rows, 1 treaty claims written" in result.stderr


def test_event_files_a_fifo_and_dev_zero_are_refused_and_the_others_loaded(tmp_path: Path) -> None:
    fifo, zero = specials(tmp_path / "in", ".tsv")
    rows = [gdelt_row(1, "20240105", "USAGOV", "FRAGOV", "057", url="https://news.example/a")]
    good = write(tmp_path / "in" / "events.export.CSV", "\n".join(rows) + "\n")
    result = alliances("ingest-dataset", "gdelt", fifo, zero, good, "--store", tmp_path / "store", cwd=tmp_path)
    assert_refused(result, fifo, zero)
    assert "1 event claims written" in result.stderr
