"""``alliances push`` into a real Oxigraph server started on 127.0.0.1 for the test."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.serve import stop_process
from graph.store import AllianceStore
from graph.vocab import load_vocabulary

from ._sparql_data import build_store

GRAPH = "https://example.org/graph/alliances"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    binary = Path(sys.executable).parent / "oxigraph"
    proc = subprocess.Popen([str(binary), "serve", "--location", str(tmp_path / "server"), "--bind", f"127.0.0.1:{port}"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            assert proc.poll() is None, "oxigraph serve exited"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "oxigraph serve did not listen within 20 s"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(proc, timeout=10)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("push")
    build_store(tmp, tmp / "store").close()
    return tmp


def remote_triples(server: str, graph: str | None) -> set[str]:
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    q = urllib.parse.urlencode({"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}"})
    req = urllib.request.Request(f"{server}/query?{q}", headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(req, timeout=20) as resp:
        return {str(t) for t in ox.parse(resp.read(), format=ox.RdfFormat.N_TRIPLES)}


def local_triples(store_dir: Path) -> set[str]:
    with AllianceStore(store_dir / "store", load_vocabulary(store_dir / "ontology"), read_only=True) as s:
        return {str(t) for t in s.data_triples()}


def push(store_dir: Path, *args: str):
    opts = ["--store", str(store_dir / "store"), "--ontology", str(store_dir / "ontology")]
    return CliRunner().invoke(cli, ["push", *opts, *args])


def test_push_to_a_named_graph_in_chunks(store_dir, oxigraph_server):
    expected = local_triples(store_dir)
    result = push(store_dir, "--endpoint", f"{oxigraph_server}/store", "--graph", GRAPH, "--chunk", "50")
    assert result.exit_code == 0, result.output
    assert remote_triples(oxigraph_server, GRAPH) == expected
    assert remote_triples(oxigraph_server, None) == set()
    progress = [line for line in result.stderr.splitlines() if re.match(r"^pushed [\d,]+/[\d,]+ triples$", line)]
    assert len(progress) == -(-len(expected) // 50) and progress[-1].startswith(f"pushed {len(expected)}/{len(expected)}")
    assert result.stdout == ""
    # pushed again: the same triples (a set), and --replace empties the graph first
    assert push(store_dir, "--endpoint", f"{oxigraph_server}/store", "--graph", GRAPH).exit_code == 0
    assert remote_triples(oxigraph_server, GRAPH) == expected


def test_push_replace_and_default_graph(store_dir, oxigraph_server):
    data = b"<urn:x> <urn:y> <urn:z> .\n"
    req = urllib.request.Request(f"{oxigraph_server}/store?default", data=data, method="POST",
                                 headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(req, timeout=10).close()
    result = push(store_dir, "--endpoint", f"{oxigraph_server}/store", "--replace")
    assert result.exit_code == 0, result.output
    assert remote_triples(oxigraph_server, None) == local_triples(store_dir)  # urn:x is gone


def test_pushed_graph_answers_queries(store_dir, oxigraph_server):
    assert push(store_dir, "--endpoint", f"{oxigraph_server}/store").exit_code == 0
    q = urllib.parse.urlencode({"query": "SELECT ?o WHERE { <https://w3id.org/alliance-graph/actor/USA> "
                                         "<https://w3id.org/alliance-graph/ontology#sanctions> ?o } ORDER BY ?o"})
    req = urllib.request.Request(f"{oxigraph_server}/query?{q}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        rows = [b["o"]["value"].rsplit("/", 1)[1] for b in json.load(resp)["results"]["bindings"]]
    assert rows == ["RUS", "VEN"]


@pytest.mark.parametrize("endpoint, graph, problem", [
    ("{server}/nowhere", None, "HTTP 404"),
    ("ftp://example.org/store", None, "not an http(s) URL"),
    ("{server}/store", "not an iri", "is not an"),
])
def test_push_errors_are_one_line(store_dir, oxigraph_server, endpoint, graph, problem):
    args = ["--endpoint", endpoint.format(server=oxigraph_server)] + (["--graph", graph] if graph else [])
    result = push(store_dir, *args)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and problem in line


def test_push_to_a_closed_port_says_it_cannot_reach(store_dir):
    result = push(store_dir, "--endpoint", f"http://127.0.0.1:{free_port()}/store")
    assert result.exit_code == 1 and "cannot reach the server" in result.stderr
