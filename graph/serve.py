"""``alliances serve``: a read-only SPARQL 1.1 Protocol endpoint over the store, plus the page.

Two processes: the Oxigraph server (``oxigraph serve-read-only``, from the
``oxigraph`` PyPI package) opened read-only on the latest snapshot the
store's writer published (never on the directory a writer writes: see
``graph.snapshots``), with the union default graph and a query time limit,
listening on a private port; and in front of it this small proxy, which

- serves the interactive page (``exports/alliances.html`` by default) at ``/``;
- takes SPARQL at ``/sparql`` (and ``/query``) by GET, form POST or
  ``application/sparql-query`` POST, checks it with Oxigraph's parser (a
  malformed query gets a 400 and one line saying what and where), declares
  the project's prefixes, and passes it on with the client's ``Accept``
  header (JSON, XML, CSV, TSV results; Turtle, N-Triples for graphs);
- refuses updates (403) and every other method;
- refuses answers larger than ``max_result_bytes`` (413) rather than buffer them;
- follows the store: when an ingest publishes a new snapshot, a new Oxigraph
  server is started on it and takes the next queries; the old one finishes
  what it was answering and stops.

Why not a pure pyoxigraph server: pyoxigraph cannot stop a running query,
so a time limit would need a process per query; the Oxigraph server has one
(``--timeout-s``) and answers in parallel.  Measured on the seed store
(median of 100, this 2-core machine busy with other jobs): a small query
takes 0.1 ms in pyoxigraph, 0.7 ms from the Oxigraph server over HTTP (a new
connection each time) and 2.2 ms through this proxy (which keeps its
connections to Oxigraph alive).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import sandbox, snapshots
from .errors import QueryError, StoreError
from .protocol import cors_headers, dataset_params, graph_accept
from .rdf import PREFIXES
from .store import acquire_snapshot

__all__ = ["DEFAULT_PORT", "DEFAULT_TIMEOUT", "MAX_QUERY_BYTES", "MAX_RESULT_BYTES", "oxigraph_binary", "Endpoint",
           "check_query"]

DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 30.0
MAX_QUERY_BYTES = 1_000_000
MAX_RESULT_BYTES = 64 * 1024 * 1024
_WATCH_EVERY = 0.5  # seconds between two looks at the store's published snapshot
_PROLOGUE = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()) + "\n"
_GRAPH_PARAMS = ("default-graph-uri", "named-graph-uri")
_GRACE = 1.0  # Oxigraph stops most queries itself at the limit; a restart is the fallback
_CANCELLED = b"The SPARQL operation has been cancelled"
MIN_MEMORY = 256 * 1024 * 1024  # the Oxigraph server alone reserves ~160 MB of address space
_RESTARTS = 3  # spawns in a row that may fail before the endpoint gives up
FEDERATION_REFUSED = "SERVICE (federated query) is not allowed on this endpoint\n"


def default_max_memory() -> int:
    """Half of this machine's RAM (at least ``MIN_MEMORY``): the Oxigraph server's default address-space cap."""
    return max(MIN_MEMORY, sandbox.physical_memory() // 2)


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` server binary (next to this Python, else on PATH)."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    found = shutil.which("oxigraph")
    if not found:
        raise StoreError("the Oxigraph server is not installed (pip install 'oxigraph>=0.5,<0.6')")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def check_query(text: str) -> str:
    """The form of query ``text`` (select, ask or graph); ``QueryError`` (what and where) when it is not SPARQL.

    >>> check_query("SELECT * { ?s ?p ?o }"), check_query("DESCRIBE actor:RUS")
    ('select', 'graph')
    >>> check_query("DROP ALL")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.QueryError: query: SPARQL syntax error at line 1, column 9 near 'DROP ALL': expected ...
    """
    from .query import NamedQuery, _check_syntax

    return _check_syntax(NamedQuery("query", text))


class Endpoint:
    """The Oxigraph server on a private port and the proxy in front of it.

    ``with Endpoint(store_dir, port=0) as ep: ep.serve_forever()``; ``ep.url``
    is the address clients use.
    """

    def __init__(self, location: str | Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 page: Path | None = None, timeout: float = DEFAULT_TIMEOUT,
                 log: Callable[[str], None] | None = None, max_result_bytes: int = MAX_RESULT_BYTES,
                 max_memory: int | None = None, allow_federation: bool = False, cors: tuple[str, ...] = ()) -> None:
        self.location = Path(location)
        if str(location) == "memory" or not self.location.is_dir():
            raise StoreError(f"{location}: no store directory here (run 'alliances ingest' or 'build' first)")
        self.host, self.port, self.page, self.timeout = host, port, page, timeout
        self.max_result_bytes = max_result_bytes
        self.max_memory = default_max_memory() if max_memory is None else max_memory
        if self.max_memory < MIN_MEMORY:
            raise StoreError(f"a memory limit of {self.max_memory:,} bytes is too small for the Oxigraph server "
                             f"(at least {MIN_MEMORY // 2**20} MiB)")
        self.allow_federation = allow_federation
        self.cors = tuple(cors)  # origins whose browser pages may query (CORS); "*": any
        self.failure: str | None = None  # why the endpoint gave up (the backend could not be restarted)
        self.restarts = 0  # backends started again after one died
        self.log = log or (lambda _msg: None)
        self.backend: subprocess.Popen[bytes] | None = None
        self.backend_url = ""
        self.lease: snapshots.Lease | None = None  # the snapshot the current backend serves
        self._retiring: list[tuple[float, str, subprocess.Popen[bytes], snapshots.Lease | None]] = []
        self._inflight: dict[str, int] = {}  # backend URL -> queries being answered there
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        self.httpd: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()
        self._pool: queue.LifoQueue[tuple[str, http.client.HTTPConnection]] = queue.LifoQueue()
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oxigraph-spawner")

    @property
    def url(self) -> str:
        assert self.httpd is not None
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Endpoint:
        try:
            self.httpd = _Server((self.host, self.port), _handler(self))
        except OSError as e:
            raise StoreError(f"cannot listen on {self.host}:{self.port}: {e.strerror or e}") from None
        self.httpd.daemon_threads = True
        try:
            self._start_backend()
        except BaseException:
            self.close()
            raise
        self._watcher = threading.Thread(target=self._watch, name="snapshot-watcher", daemon=True)
        self._watcher.start()
        return self

    def _start_backend(self) -> None:
        lease = acquire_snapshot(self.location)  # None: a store nobody can write, served as it is
        try:
            self._spawn(lease)
        except BaseException:
            if lease is not None:
                lease.release()
            raise

    def _spawn(self, lease: snapshots.Lease | None) -> None:
        bport = free_port()
        location = lease.path if lease is not None else self.location
        cmd = [oxigraph_binary(), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{bport}",
               "--union-default-graph", "--timeout-s", str(max(1, round(self.timeout)))]
        # the child: dies with this process, has at most max_memory of address space and, unless
        # federation is allowed, cannot open any connection (SERVICE reaches nobody, even sent to its port)
        try:
            setup = sandbox.child_setup(max_memory=self.max_memory, deny_network=not self.allow_federation)
        except OSError as e:
            raise StoreError(f"{e}; run with --allow-federation to serve without that bound") from None
        env = {**os.environ, "MALLOC_ARENA_MAX": "2"}  # glibc reserves 64 MB of address space per arena otherwise
        backend = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   preexec_fn=setup, env=env)
        deadline = time.monotonic() + 15
        while True:
            if backend.poll() is not None:
                err = backend.stderr.read().decode("utf-8", "replace") if backend.stderr else ""
                stop_process(backend)
                if backend.returncode == 121:
                    err = "could not bound its memory or forbid its outbound connections"
                raise StoreError(f"{self.location}: the Oxigraph server did not start: {' '.join(err.split())[:300]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", bport), timeout=0.2):
                break
            if time.monotonic() > deadline:
                stop_process(backend)
                raise StoreError(f"{self.location}: the Oxigraph server did not answer within 15 s")
            time.sleep(0.05)
        self.backend, self.backend_url, self.lease = backend, f"http://127.0.0.1:{bport}", lease

    def _watch(self) -> None:
        """Move to each newly published snapshot; stop old servers once their queries are done."""
        while not self._stopping.wait(_WATCH_EVERY):
            if not self.heal():
                return
            try:
                pointer = snapshots.read_pointer(self.location)
                if self.lease is not None and pointer is not None and pointer.snapshot != self.lease.name:
                    self.switch()
            except Exception as e:  # keep serving the snapshot we have
                self.log(f"could not move to the latest snapshot: {e}")
            self._retire(time.monotonic())

    def backend_died(self, url: str, wait: float = 0.0) -> bool:
        """Whether the Oxigraph server that ran ``url`` has exited (killed for memory, say).

        ``wait``: how long to give a server that just dropped a connection to finish dying.
        """
        with self._lock:
            proc = self.backend if url == self.backend_url else None
        if proc is None:
            return True
        try:
            proc.wait(timeout=wait) if wait else None
        except subprocess.TimeoutExpired:
            return False
        return proc.poll() is not None

    def heal(self) -> bool:
        """Start a new Oxigraph server when the current one died; ``False`` once that is impossible.

        A server may die any number of times (a query over the memory limit
        kills it); starting a new one may fail ``_RESTARTS`` times in a row,
        with a growing pause, before the endpoint gives up: it then stops
        serving and ``failure`` says why (``alliances serve`` exits 1, so a
        service manager can restart it).
        """
        if self.failure is not None:
            return False
        with self._lock:
            proc, old_lease = self.backend, self.lease
            if proc is None or proc.poll() is None:
                return True
            self.log(f"the Oxigraph server stopped (exit status {proc.returncode}); starting a new one")
            error: Exception | None = None
            for attempt in range(_RESTARTS):
                try:
                    self._spawner.submit(self._start_backend).result()
                    error = None
                    break
                except Exception as e:
                    error = e
                    self.log(f"could not start the Oxigraph server: {e}")
                    if self._stopping.wait(0.5 * 2**attempt):
                        break
            if error is not None:
                self.failure = f"the Oxigraph server died and could not be started again: {error}"
            else:
                self.restarts += 1
        stop_process(proc)
        if self.failure is not None:
            if self.httpd is not None:
                threading.Thread(target=self.httpd.shutdown, daemon=True).start()
            return False
        if old_lease is not None:
            old_lease.release()
        return True

    def switch(self) -> None:
        """Serve the latest published snapshot from now on."""
        with self._lock:
            old = (self.backend_url, self.backend, self.lease)
            self._spawner.submit(self._start_backend).result()
            if old[1] is not None:
                # stopped once the queries sent to it are answered, at the latest after the time limit
                self._retiring.append((time.monotonic() + self.timeout + _GRACE, *old))
        self.log(f"serving snapshot {self.lease.name if self.lease else '(primary)'}")

    def enter(self) -> str:
        """Count a query as being answered by the current server; pass the result to ``leave``."""
        with self._lock:
            url = self.backend_url
            self._inflight[url] = self._inflight.get(url, 0) + 1
            return url

    def leave(self, url: str) -> None:
        with self._lock:
            self._inflight[url] -= 1
            if not self._inflight[url]:
                del self._inflight[url]

    def _retire(self, now: float) -> None:
        with self._lock:
            due = [r for r in self._retiring if r[0] <= now or r[1] not in self._inflight]
            self._retiring = [r for r in self._retiring if r not in due]
        for _, _url, proc, lease in due:
            stop_process(proc)
            if lease is not None:
                lease.release()

    def restart_backend(self, url: str) -> None:
        """Replace the Oxigraph server that runs ``url`` (a query overran the limit and must stop).

        Oxigraph checks its own time limit in most operators but not all
        (sorting, some joins): restarting is what surely stops a runaway query.
        """
        with self._lock:
            if url != self.backend_url or self.backend is None:
                return  # already replaced
            old, old_lease = self.backend, self.lease
            # Started from one long-lived thread: the child is told to die with the
            # thread that started it (PR_SET_PDEATHSIG), and request threads are short-lived.
            self._spawner.submit(self._start_backend).result()
        stop_process(old)
        if old_lease is not None:
            old_lease.release()

    def connection(self, *, fresh: bool = False) -> tuple[str, http.client.HTTPConnection, bool]:
        """A connection to the current Oxigraph server: a kept-alive one when there is one."""
        if self.backend is not None and self.backend.poll() is not None:
            self.heal()  # it died since the last query
        backend = self.backend_url
        while not fresh:
            try:
                url, conn = self._pool.get_nowait()
            except queue.Empty:
                break
            if url == backend:
                return backend, conn, True
            conn.close()  # to a server that was replaced
        host, port = backend.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=self.timeout + _GRACE)
        conn.connect()
        # http.client writes headers and body separately: without TCP_NODELAY the body
        # waits for the server's delayed ACK
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return backend, conn, False

    def release(self, backend: str, conn: http.client.HTTPConnection, resp: http.client.HTTPResponse) -> None:
        """Keep ``conn`` for the next query when the server left it open."""
        if backend == self.backend_url and not resp.will_close and self._pool.qsize() < 16:
            self._pool.put((backend, conn))
        else:
            conn.close()

    def serve_forever(self) -> None:
        assert self.httpd is not None
        self.httpd.serve_forever(poll_interval=0.2)

    def close(self) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(timeout=30)
            self._watcher = None
        if self.httpd is not None:
            self.httpd.server_close()
            self.httpd = None
        while not self._pool.empty():
            self._pool.get_nowait()[1].close()
        if self.backend is not None:
            stop_process(self.backend)
            self.backend = None
        if self.lease is not None:
            self.lease.release()
            self.lease = None
        self._retire(float("inf"))
        self._spawner.shutdown(wait=True)

    def __enter__(self) -> Endpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: a burst of 16 clients then gets
    # connections reset, or SYNs dropped and retried a second later
    request_queue_size = 128
    daemon_threads = True


def stop_process(proc: subprocess.Popen, timeout: float = 5) -> None:  # type: ignore[type-arg]
    """Terminate ``proc``, kill it if it has not ended within ``timeout`` seconds, close its stderr."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
    if proc.stderr:
        proc.stderr.close()


def _handler(ep: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "alliance-graph"
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # headers and body go out in separate writes: without this, Nagle's algorithm
            # and the client's delayed ACK add tens of milliseconds to every answer
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: object) -> None:
            ep.log(f"{self.address_string()} {format % args}")

        def _send(self, status: int, body: bytes | str, ctype: str = "text/plain; charset=utf-8",
                  headers: dict[str, str] | None = None) -> None:
            data = body.encode("utf-8") if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in {**cors_headers(ep.cors, self.headers.get("Origin")), **(headers or {})}.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _path(self) -> tuple[str, dict[str, list[str]]]:
            parts = urllib.parse.urlsplit(self.path)
            return parts.path, urllib.parse.parse_qs(parts.query, keep_blank_values=True)

        def do_GET(self) -> None:
            path, params = self._path()
            if path in ("/", "/index.html"):
                return self._page()
            if path in ("/sparql", "/query"):
                if "update" in params:
                    return self._refuse()
                if "query" not in params:  # the query editor (graph/sparql_page.py)
                    from .sparql_page import sparql_page

                    return self._send(200, sparql_page(), "text/html; charset=utf-8")
                return self._query(params["query"][0], params)
            return self._send(404, f"not found: {path}; SPARQL is at /sparql, the page at /\n")

        do_HEAD = do_GET

        def do_POST(self) -> None:
            path, params = self._path()
            if path in ("/update", "/store"):
                return self._refuse()
            if path not in ("/sparql", "/query"):
                return self._send(404, f"not found: {path}; SPARQL is at /sparql\n")
            length = self._length()
            if length is None:
                return None
            body = self.rfile.read(length).decode("utf-8", "replace")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return self._refuse()
            if ctype == "application/sparql-query":
                return self._query(body, params)
            if ctype in ("application/x-www-form-urlencoded", ""):
                form = urllib.parse.parse_qs(body, keep_blank_values=True)
                if "update" in form:
                    return self._refuse()
                if "query" not in form:
                    return self._send(400, "missing 'query' parameter\n")
                for key in _GRAPH_PARAMS:
                    params.setdefault(key, []).extend(form.get(key, []))
                return self._query(form["query"][0], params)
            return self._send(415, f"unsupported Content-Type {ctype!r}; send application/sparql-query "
                                   "or a form with 'query'\n")

        def _length(self) -> int | None:
            """The body's length from Content-Length; on a bad one, answer, close, and return None.

            The body of a refused request is never read: the connection is closed instead.
            """
            if self.headers.get("Transfer-Encoding"):
                self.close_connection = True
                self._send(411, "send the query with a Content-Length (chunked bodies are not accepted)\n",
                           headers={"Connection": "close"})
                return None
            values = self.headers.get_all("Content-Length") or ["0"]
            text = values[0].strip()
            if len(set(values)) > 1 or not text.isascii() or not text.isdigit():
                self.close_connection = True
                self._send(400, f"bad Content-Length {', '.join(values)[:40]!r}: expected one number of bytes\n",
                           headers={"Connection": "close"})
                return None
            length = int(text)
            if length > MAX_QUERY_BYTES:
                self.close_connection = True
                self._send(413, f"query too large ({length:,} bytes, limit {MAX_QUERY_BYTES:,})\n",
                           headers={"Connection": "close"})
                return None
            return length

        def _method_not_allowed(self) -> None:
            self._send(405, "this endpoint is read-only: GET or POST SPARQL queries to /sparql\n",
                       headers={"Allow": "GET, HEAD, POST"})

        do_PUT = do_DELETE = do_PATCH = _method_not_allowed

        def do_OPTIONS(self) -> None:
            """A CORS preflight: answered when --cors lets the origin in, else 405."""
            if not cors_headers(ep.cors, self.headers.get("Origin")):
                return self._method_not_allowed()
            self._send(204, b"", headers={"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                          "Access-Control-Allow-Headers": "Accept, Content-Type",
                                          "Access-Control-Max-Age": "600", "Allow": "GET, HEAD, POST, OPTIONS"})

        def _refuse(self) -> None:
            self._send(403, "this endpoint is read-only: SPARQL updates are refused\n")

        def _page(self) -> None:
            page = ep.page
            if page is None or not page.is_file():
                return self._send(404, f"no page at {page}; run 'alliances build' first. SPARQL is at /sparql\n")
            self._send(200, page.read_bytes(), "text/html; charset=utf-8")

        def _query(self, text: str, params: dict[str, list[str]]) -> None:
            token = ep.enter()  # the server this query goes to is not stopped before it is answered
            try:
                self._answer(text, params)
            finally:
                ep.leave(token)

        def _answer(self, text: str, params: dict[str, list[str]]) -> None:
            # before the syntax check: checking runs the query on an empty store, and pyoxigraph
            # would evaluate a SERVICE clause from this process, which has no seccomp bound
            if not ep.allow_federation and sandbox.mentions_service(text):
                return self._send(403, FEDERATION_REFUSED)
            try:
                form = check_query(text)
                graphs = [(k, v) for k in _GRAPH_PARAMS for v in params.get(k, [])] or dataset_params(text)
            except QueryError as e:
                return self._send(400, f"{e}\n")
            path = "/query" + ("?" + urllib.parse.urlencode(graphs) if graphs else "")
            accept = self.headers.get("Accept") or "application/sparql-results+json"
            if form == "graph":
                accept = graph_accept(accept)
            body = (_PROLOGUE + text).encode("utf-8")
            headers = {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept}
            deadline = time.monotonic() + ep.timeout + _GRACE
            too_slow = f"query stopped: it ran longer than the time limit ({ep.timeout:g} s)\n"
            try:
                backend, conn, reused = ep.connection()
            except OSError:  # the server died since the last query: start a new one, once
                if not ep.backend_died(ep.backend_url) or not ep.heal():
                    return self._send(503, "the query engine is not available; try again later\n",
                                      headers={"Retry-After": "5"})
                try:
                    backend, conn, reused = ep.connection(fresh=True)
                except OSError as e:
                    return self._send(503, f"the query engine is not available: {e}\n", headers={"Retry-After": "5"})
            try:
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    resp = conn.getresponse()
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    if not reused:
                        raise
                    conn.close()  # the server closed an idle kept-alive connection: once more on a new one
                    backend, conn, _ = ep.connection(fresh=True)
                    conn.request("POST", path, body=body, headers=headers)
                    resp = conn.getresponse()
                chunks = []
                size = 0
                while chunk := resp.read(1 << 16):
                    chunks.append(chunk)
                    size += len(chunk)
                    if time.monotonic() > deadline:
                        raise TimeoutError
                    if size > ep.max_result_bytes:
                        conn.close()
                        return self._send(413, f"result too large: over {ep.max_result_bytes:,} bytes; "
                                               "ask for fewer rows (LIMIT) or columns\n")
                data = b"".join(chunks)
                ep.release(backend, conn, resp)
                if resp.status >= 400:
                    detail = " ".join(data.decode("utf-8", "replace").split())[:500]
                    return self._send(resp.status, f"query failed: {detail or resp.reason}\n")
                if data.endswith(_CANCELLED):  # Oxigraph's own limit fired while streaming
                    return self._send(504, too_slow)
                ctype = resp.getheader("Content-Type", "application/octet-stream")
                if not _complete(ctype, data):  # Oxigraph appends its error to a 200 it already began
                    return self._send(500, "query failed while its answer was being written; "
                                           "no partial answer is sent\n")
                return self._send(resp.status, data, ctype)
            except TimeoutError:
                conn.close()
                ep.log(f"query over the time limit; restarting the Oxigraph server: {' '.join(text.split())[:200]}")
                ep.restart_backend(backend)
                return self._send(504, too_slow)
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                if ep.backend_died(backend, wait=2.0):
                    ep.log(f"the Oxigraph server died answering: {' '.join(text.split())[:200]}")
                    ep.heal()
                    return self._send(503, f"query stopped: the query engine ran out of memory (limit "
                                           f"{ep.max_memory // 2**20:,} MiB) or crashed; it was restarted. "
                                           "Ask for less (LIMIT, fewer joins or ORDER BY) and try again\n",
                                      headers={"Retry-After": "1"})
                return self._send(502, f"query failed: {e}\n")

    return Handler


def _complete(ctype: str, data: bytes) -> bool:
    """Whether a 200 answer of Oxigraph ends as its format ends (not with an error message appended).

    >>> _complete("application/sparql-results+json", b'{"head":{"vars":[]},"results":{"bindings":[]}}')
    True
    >>> _complete("application/sparql-results+json", b'{"head":{"vars":["s"]},"results":{"bindings":[Operation failed')
    False
    >>> _complete("text/csv; charset=utf-8", b"s\\r\\nx\\r\\n"), _complete("text/csv", b"s\\r\\nx\\r\\nboom")
    (True, False)
    """
    kind = ctype.split(";")[0].strip().lower()
    tail = data.rstrip()
    if not tail:
        return True
    if kind.endswith("json"):
        return tail.endswith((b"}", b"]"))
    if kind.endswith("xml"):
        return tail.endswith(b">")
    if kind in ("text/csv", "text/tab-separated-values", "application/n-triples", "text/turtle", "application/n-quads",
                "application/trig"):
        return data.endswith(b"\n")
    return True
