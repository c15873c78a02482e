"""Attacks on a real ``alliances serve``: SSRF through SERVICE, a dying query engine, memory, bad Content-Length."""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._serving import serving
from ._sparql_data import build_store

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bounds use Linux prctl/seccomp")


def backend_of(proc: subprocess.Popen[str]) -> tuple[int, int]:
    """(pid, port) of the Oxigraph server that ``alliances serve`` started."""
    for task in Path(f"/proc/{proc.pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmd = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if b"serve-read-only" in cmd:
                return int(child), int(cmd[cmd.index(b"--bind") + 1].rsplit(b":", 1)[1])
    raise AssertionError("no Oxigraph server among the children of alliances serve")


def gone(pid: int) -> None:
    """Wait until process ``pid`` has died (a zombie not yet reaped counts)."""
    deadline = time.monotonic() + 10
    with contextlib.suppress(FileNotFoundError):
        while "State:\tZ" not in Path(f"/proc/{pid}/status").read_text():
            assert time.monotonic() < deadline, f"process {pid} did not die"
            time.sleep(0.01)


def ask(url: str, query: str, timeout: float = 30) -> tuple[int, str]:
    data = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read().decode("utf-8")


class Listener:
    """A TCP port that counts the connections it gets (the target of the SSRF attempts)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("harden")
    build_store(tmp, tmp / "store").close()
    return tmp / "store"


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[tuple[str, subprocess.Popen[str], queue.Queue[str]]]:
    with serving(store, "--timeout", "20", "--max-memory", "400M") as running:
        yield running


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def test_service_is_refused_with_one_text_whatever_the_target(server, listener):
    url = server[0] + "sparql"
    targets = [f"http://127.0.0.1:{listener.port}/sparql", f"http://127.0.0.1:{closed_port()}/", "http://10.255.255.1/x",
               "http://[::1]:22/"]
    answers = set()
    for target in targets:
        for service in ("SERVICE", "service SILENT", "SERVICE  silent"):
            answers.add(ask(url, f"SELECT * WHERE {{ {service} <{target}> {{ ?s ?p ?o }} }}"))
            answers.add(ask(url, f"ASK {{ ?a ?b ?c OPTIONAL {{ {service} <{target}> {{ ?a ?b ?c }} }} }}"))
    assert answers == {(403, "SERVICE (federated query) is not allowed on this endpoint\n")}
    assert listener.hits == 0
    # the word in strings, IRIs, names and comments is not a SERVICE clause
    status, _ = ask(url, 'SELECT ?service WHERE { ?service ?p "SERVICE" } # SERVICE <http://x/>')
    assert status == 200


def test_the_query_engine_cannot_connect_anywhere_even_asked_directly(server, listener):
    _, proc, _ = server
    _, port = backend_of(proc)
    texts = set()
    for target in (f"http://127.0.0.1:{listener.port}/sparql", f"http://127.0.0.1:{closed_port()}/sparql"):
        _, body = ask(f"http://127.0.0.1:{port}/query", f"SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")
        texts.add(body.rsplit("[", 1)[-1])  # what follows the JSON head Oxigraph began
    assert listener.hits == 0
    assert len(texts) == 1 and "not permitted" in texts.pop()  # the same answer, open port or closed


def test_a_query_that_breaks_the_memory_limit_is_stopped_and_the_engine_restarted(server):
    url, proc, _ = server
    pid, _ = backend_of(proc)
    bomb = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?b ?c ?d ?e ?f ?g ?h ?i"
    status, body = ask(url + "sparql", bomb)
    assert status == 503 and "ran out of memory (limit 400 MiB)" in body
    assert ask(url + "sparql", "ASK { ?s ?p ?o }") == (200, '{"head":{},"boolean":true}')
    assert backend_of(proc)[0] != pid and proc.poll() is None


def test_a_killed_engine_is_restarted(server):
    url, proc, _ = server
    pid, _ = backend_of(proc)
    os.kill(pid, signal.SIGKILL)
    gone(pid)
    status, body = ask(url + "sparql", "ASK { ?s ?p ?o }")
    assert (status, body) == (200, '{"head":{},"boolean":true}')
    assert backend_of(proc)[0] != pid


@pytest.mark.parametrize("length, status", [("-1", 400), ("abc", 400), ("1e3", 400), ("2000000", 413),
                                            ("99999999999999999999999", 413)])
def test_bad_content_length_is_answered_at_once_without_reading_the_body(server, length, status):
    port = int(server[0].rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                  f"Content-Length: {length}\r\n\r\nASK {{ ?s ?p ?o }}".encode())
        # the client keeps its side open: an endpoint reading to EOF would never answer
        answer = s.recv(4096).decode()
    assert answer.startswith(f"HTTP/1.1 {status} ") and "Connection: close" in answer


def test_serve_exits_non_zero_when_the_engine_cannot_be_restarted(tmp_path: Path):
    build_store(tmp_path, tmp_path / "store").close()
    with serving(tmp_path / "store", "--quiet") as (_url, proc, lines):
        pid, _ = backend_of(proc)
        shutil.rmtree(tmp_path / "store")  # the store is gone: no new engine can open it
        os.kill(pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == 1
        out = []
        with contextlib.suppress(queue.Empty):
            while True:
                out.append(lines.get(timeout=1))
    assert out[-1].startswith("Error: the Oxigraph server died and could not be started again")


def test_max_memory_is_checked(store: Path):
    from click.testing import CliRunner

    from graph.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--store", str(store), "--max-memory", "lots"])
    assert result.exit_code == 2 and "'lots' is not a size" in result.stderr
    result = CliRunner().invoke(cli, ["serve", "--store", str(store), "--max-memory", "10M"])
    assert result.exit_code == 1 and "too small" in result.stderr
