"""The endpoint and the CLI under load, and while an ingest writes: zero errors, whole articles only."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import PROJECT
from .corpus import CLAIMS_PER_ARTICLE

LOAD = runpy.run_path(str(PROJECT / "scripts" / "load_serve.py"))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return LOAD["build_store"](tmp_path_factory.mktemp("load"), 150)


@pytest.mark.slow
def test_serve_binds_loopback_and_survives_a_burst(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    proc, url = LOAD["start_server"](store)  # default --host
    try:
        assert url.startswith("http://127.0.0.1:")
        result = LOAD["run_load"](url, requests=200, concurrency=16, cap=60)
    finally:
        LOAD["stop_server"](proc)
    assert result.requests == 200
    assert result.errors == 0, result.messages
    assert result.refused_updates == 4  # every 50th request is an update, and each got a 403
    assert set(result.claim_counts) == {150 * CLAIMS_PER_ARTICLE}


@pytest.mark.slow
def test_query_and_serve_answer_while_an_ingest_writes(run, loaded: tuple[Path, Path], tmp_path: Path) -> None:
    store, second = loaded
    before = 150 * CLAIMS_PER_ARTICLE
    proc, url = LOAD["start_server"](store, "--timeout", "2")
    ingest = subprocess.Popen([sys.executable, "-m", "graph", "ingest", str(second), "--store", str(store), "--no-extract"],
                              cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "ALLIANCE_GRAPH_PUBLISH_INTERVAL": "0.3"})
    http_counts: list[int] = []
    cli_counts: list[int] = []
    count = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ag:Claim }"
    try:
        deadline = time.monotonic() + 180
        while ingest.poll() is None and time.monotonic() < deadline:
            http_counts.append(LOAD["claim_count"](url))
            result = run("query", count, "--store", store, "--format", "jsonl")
            assert result.exit_code == 0, result.output
            cli_counts.append(int(json.loads(result.stdout)["n"]))
        _, err = ingest.communicate(timeout=120)
        assert ingest.returncode == 0, err
        after = 2 * before
        time.sleep(1.5)  # the endpoint looks for a new snapshot twice a second
        http_counts.append(LOAD["claim_count"](url))
        load = LOAD["run_load"](url, requests=100, concurrency=8, cap=60)
        time.sleep(1.0)
        servers = LOAD["children"](proc.pid)  # servers of superseded snapshots stop once idle
    finally:
        if ingest.poll() is None:
            ingest.kill()
        LOAD["stop_server"](proc)
    for counts in (http_counts, cli_counts):
        assert counts == sorted(counts), "a reader went back in time"
        assert all(before <= c <= after and c % CLAIMS_PER_ARTICLE == 0 for c in counts), counts
    assert http_counts[-1] == after and load.errors == 0, load.messages
    assert len(set(http_counts)) >= 2, f"the endpoint never showed the ingest's progress: {http_counts}"
    assert len(servers) == 1, servers


@pytest.mark.slow
def test_serve_refuses_an_answer_over_its_size_limit(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    proc, url = LOAD["start_server"](store, "--max-result-bytes", "5000")
    try:
        status, body = LOAD["request"](url, "SELECT ?c ?e WHERE { ?c ag:evidence ?e }")
        assert status == 413 and body.decode().startswith("result too large: over 5,000 bytes")
        status, body = LOAD["request"](url, "ASK { ?c a ag:Claim }")
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        LOAD["stop_server"](proc)
