"""`--jobs N` extraction: same facts as one process, and no worker outlives the command, even when it is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ARTICLE

PROJECT = Path(__file__).resolve().parent.parent


def children(pid: int) -> set[int]:
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def articles(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"a{i:03d}.txt").write_text(ARTICLE.replace("Friday", f"day {i}") * 3, encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to see the workers")
@pytest.mark.parametrize("command", [["extract", "--format", "jsonl"], ["ingest", "--store", "store"]])
def test_killed_parent_leaves_no_worker_behind(tmp_path: Path, command: list[str]) -> None:
    folder = articles(tmp_path / "in", 400)
    proc = subprocess.Popen([sys.executable, "-m", "graph", command[0], str(folder), "--jobs", "2", *command[1:]],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2:
            workers |= {c for c in children(proc.pid) if b"multiprocessing" in Path(f"/proc/{c}/cmdline").read_bytes()}
            time.sleep(0.2)
        assert len(workers) >= 2, "the workers never started"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(w) for w in workers):
            time.sleep(0.1)
        assert not [w for w in workers if alive(w)], "workers outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_jobs_give_the_same_facts_and_end_with_the_command(tmp_path: Path) -> None:
    folder = articles(tmp_path / "in", 12)
    one = subprocess.run([sys.executable, "-m", "graph", "extract", str(folder), "--format", "jsonl"],
                         cwd=tmp_path, capture_output=True, text=True, check=True)
    proc = subprocess.Popen([sys.executable, "-m", "graph", "extract", str(folder), "--jobs", "2", "--format", "jsonl"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    while proc.poll() is None:
        seen |= children(proc.pid)
        time.sleep(0.05)
    out, _ = proc.communicate()
    assert out == one.stdout and out.count("\n") >= 12
    deadline = time.monotonic() + 10  # the helpers (resource tracker) finish right after their parent
    while time.monotonic() < deadline and any(alive(c) for c in seen):
        time.sleep(0.1)
    assert not [c for c in seen if alive(c)]
