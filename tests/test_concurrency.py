"""One writer, many readers, and crashes: across real processes.

Writers take ``writer.lock``; readers open the latest published snapshot;
a killed ingest leaves whole articles only, and running it again completes it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph import snapshots
from graph.errors import StoreLocked
from graph.loaders import find_inputs
from graph.pipeline import ingest_files
from graph.store import AllianceStore

from .conftest import PROJECT
from .corpus import CLAIMS_PER_ARTICLE, claims_per_article, write_corpus

HOLD_STORE = """
import sys
from graph.store import AllianceStore
from graph.vocab import load_vocabulary
s = AllianceStore(sys.argv[1], load_vocabulary())
print("ready", flush=True)
sys.stdin.readline()
s.close()
"""


def alliances(*args: object) -> list[str]:
    return [sys.executable, "-m", "graph", *map(str, args)]


def often() -> dict[str, str]:
    """The environment for an ingest that publishes a snapshot every 0.2 s (so progress shows early)."""
    return {**os.environ, "ALLIANCE_GRAPH_PUBLISH_INTERVAL": "0.2"}


def read_counts(store_dir: Path, vocab) -> dict[str, int]:
    with AllianceStore(store_dir, vocab, read_only=True) as s:
        return claims_per_article(s)


@pytest.fixture
def holder(tmp_path: Path):
    """A second process that holds the store at tmp_path/store open for writing until told to stop."""
    store = tmp_path / "store"
    proc = subprocess.Popen([sys.executable, "-c", HOLD_STORE, str(store)], cwd=PROJECT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield proc
    if proc.poll() is None:
        proc.communicate("\n", timeout=30)


def test_second_writer_in_another_process_is_told_store_is_locked(run, holder, tmp_path: Path, facts_file: Path) -> None:
    store = tmp_path / "store"
    result = run("ingest", facts_file, "--store", store)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: {store}: store is locked by another writer (pid {holder.pid}); wait for it to finish")
    # a reader is not locked out: it reads the snapshot the writer published when it opened
    result = run("stats", "--store", store, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["claims"] == 0
    holder.communicate("\n", timeout=30)
    assert run("ingest", facts_file, "--store", store).exit_code == 0
    assert json.loads(run("stats", "--store", store, "--format", "json").stdout)["claims"] == 3
    assert run("validate", "--store", store).exit_code == 0


def test_snapshots_are_bounded_and_a_held_one_survives(tmp_path: Path, facts_file: Path, vocab) -> None:
    store_dir = tmp_path / "store"
    corpus = write_corpus(tmp_path / "corpus", 12)[1]
    with AllianceStore(store_dir, vocab, publish_interval=0) as w:
        ingest_files(find_inputs([corpus])[:4], w, vocab)
        reader = AllianceStore(store_dir, vocab, read_only=True)
        held = reader.snapshot
        assert held is not None and len(claims_per_article(reader)) == 4
        ingest_files(find_inputs([corpus])[4:], w, vocab)  # publishes after each article
        names = snapshots.snapshot_names(store_dir)
        assert held.name in names and len(names) == 2, names  # the current one and the held one
        assert len(claims_per_article(reader)) == 4  # the reader's view did not move under it
        reader.close()
        ingest_files([facts_file], w, vocab)
        assert len(snapshots.snapshot_names(store_dir)) == 1  # the released one is gone at the next publish
    pointer = snapshots.read_pointer(store_dir)
    assert pointer is not None and pointer.clean and snapshots.snapshot_names(store_dir) == [pointer.snapshot]
    assert len(read_counts(store_dir, vocab)) == 13


def test_store_from_before_snapshots_is_migrated_by_its_first_reader(tmp_path: Path, facts_file: Path, vocab) -> None:
    store_dir = tmp_path / "store"
    with AllianceStore(store_dir, vocab) as w:
        ingest_files([facts_file], w, vocab)
    for name in (snapshots.POINTER, snapshots.WRITER_LOCK):
        (store_dir / name).unlink()
    shutil.rmtree(store_dir / snapshots.SNAPSHOTS)
    assert sum(read_counts(store_dir, vocab).values()) == 3
    pointer = snapshots.read_pointer(store_dir)
    assert pointer is not None and pointer.clean


@pytest.mark.slow
def test_readers_keep_answering_while_an_ingest_writes(tmp_path: Path, vocab) -> None:
    n = 300
    corpus = write_corpus(tmp_path / "corpus", n)[1]
    store = tmp_path / "store"
    ingest = subprocess.Popen(alliances("ingest", corpus, "--store", store, "--no-extract"), cwd=PROJECT, env=often(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while ingest.poll() is None and time.monotonic() < deadline:
            if not (store / snapshots.POINTER).exists():
                time.sleep(0.05)
                continue
            counts = read_counts(store, vocab)  # must never fail while the writer writes
            assert all(c == CLAIMS_PER_ARTICLE for c in counts.values()), "a reader saw half an article"
            seen.append(len(counts))
            time.sleep(0.05)
    finally:
        if ingest.poll() is None:
            ingest.kill()
        _, err = ingest.communicate(timeout=60)
    assert ingest.returncode == 0, err
    assert seen == sorted(seen), "a reader went back in time"
    assert any(0 < s < n for s in seen), f"no reader saw the ingest in progress: {sorted(set(seen))}"
    assert len(read_counts(store, vocab)) == n


@pytest.mark.slow
def test_killed_ingest_leaves_whole_articles_and_rerun_completes(tmp_path: Path, vocab) -> None:
    n = 300
    corpus = write_corpus(tmp_path / "corpus", n)[1]
    store = tmp_path / "store"
    ingest = subprocess.Popen(alliances("ingest", corpus, "--store", store, "--no-extract"), cwd=PROJECT, env=often(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = 0
    try:
        deadline = time.monotonic() + 120
        while seen == 0 and time.monotonic() < deadline and ingest.poll() is None:
            time.sleep(0.05)
            if (store / snapshots.POINTER).exists():
                seen = len(read_counts(store, vocab))  # the first snapshot published mid-batch
        assert ingest.poll() is None, "the ingest finished before it could be killed; make the batch larger"
        os.kill(ingest.pid, signal.SIGKILL)
    finally:
        if ingest.poll() is None:
            ingest.kill()
        ingest.wait(timeout=60)
    assert ingest.returncode == -signal.SIGKILL
    assert snapshots.writer_active(store) is False

    # the store opens (the first reader recovers it), conforms, and holds whole articles only
    counts = read_counts(store, vocab)
    assert seen <= len(counts) < n
    assert set(counts.values()) == {CLAIMS_PER_ARTICLE}, "half an article survived the kill"
    validate = subprocess.run(alliances("validate", "--store", store), cwd=PROJECT, capture_output=True, text=True)
    assert validate.returncode == 0, validate.stdout[-2000:] + validate.stderr

    # running the same ingest again completes it, without duplicates
    rerun = subprocess.run(alliances("ingest", corpus, "--store", store, "--no-extract"), cwd=PROJECT,
                           capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    stats = subprocess.run(alliances("stats", "--store", store, "--format", "json"), cwd=PROJECT,
                           capture_output=True, text=True)
    st = json.loads(stats.stdout)
    assert (st["articles"], st["claims"]) == (n, n * CLAIMS_PER_ARTICLE)
    assert set(read_counts(store, vocab).values()) == {CLAIMS_PER_ARTICLE}


def test_writer_lock_is_released_by_close(tmp_path: Path, vocab) -> None:
    store_dir = tmp_path / "store"
    w = AllianceStore(store_dir, vocab)
    with pytest.raises(StoreLocked):
        AllianceStore(store_dir, vocab)
    w.close()
    w.close()  # twice is harmless
    AllianceStore(store_dir, vocab).close()


@pytest.mark.slow
def test_two_ingests_racing_one_is_refused_the_other_completes(tmp_path: Path, vocab) -> None:
    n = 150
    first = write_corpus(tmp_path / "first", n)[1]
    second = write_corpus(tmp_path / "second", n, start=n)[1]
    store = tmp_path / "store"
    AllianceStore(store, vocab).close()  # the store exists; both ingests race for its writer lock
    procs = [subprocess.Popen(alliances("ingest", corpus, "--store", store, "--no-extract"), cwd=PROJECT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for corpus in (first, second)]
    outcomes = [(p.wait(timeout=300), p.communicate()[1]) for p in procs]
    codes = sorted(code for code, _ in outcomes)
    refused = [err for code, err in outcomes if code == 1]
    assert codes == [0, 1], outcomes  # both start at once and each takes seconds: they overlap
    assert refused[0].splitlines()[-1].startswith(f"Error: {store}: store is locked by another writer (pid ")
    counts = read_counts(store, vocab)
    assert len(counts) == n and set(counts.values()) == {CLAIMS_PER_ARTICLE}
    validate = subprocess.run(alliances("validate", "--store", store), cwd=PROJECT, capture_output=True, text=True)
    assert validate.returncode == 0, validate.stdout[-2000:]


def test_a_writer_dropped_without_close_lets_the_next_one_in(tmp_path: Path, facts_file: Path, vocab) -> None:
    import gc

    store_dir = tmp_path / "store"
    w = AllianceStore(store_dir, vocab)
    ingest_files([facts_file], w, vocab)
    del w
    gc.collect()
    assert snapshots.writer_active(store_dir) is False
    assert sum(read_counts(store_dir, vocab).values()) == 3  # the reader recovers what was written
    AllianceStore(store_dir, vocab).close()


def test_a_failed_publication_is_a_store_error_and_readers_keep_the_last_one(tmp_path: Path, vocab) -> None:
    from graph.errors import StoreError

    store_dir = tmp_path / "store"
    AllianceStore(store_dir, vocab).close()
    before = snapshots.read_pointer(store_dir)

    def broken_backup(target: str) -> None:
        Path(target).mkdir()
        raise OSError(28, "No space left on device")

    with pytest.raises(StoreError, match=r"the disk is full: could not publish a snapshot for readers; they keep"):
        snapshots.publish(store_dir, broken_backup, clean=True)
    assert snapshots.read_pointer(store_dir) == before
    assert snapshots.snapshot_names(store_dir) == [before.snapshot]
    read_counts(store_dir, vocab)  # still opens
