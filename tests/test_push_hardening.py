"""``alliances push`` against a real loopback server that redirects, lies, fails or wants credentials."""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graph.cli import cli

from ._sparql_data import build_store

SECRET = "s3cret-Pa55"
TOKEN = "tok-0123456789"


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, mode: str) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.mode = mode
        self.graph: set[bytes] = set()
        self.requests: list[tuple[str, str]] = []
        self.posts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: bytes = b"", ctype: str = "text/plain", headers: dict[str, str] | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _handle(self) -> None:
        srv = self.server
        body = self._body() if self.command in ("POST", "PUT") else b""
        srv.requests.append((self.command, self.path))
        mode = srv.mode
        if mode == "html":
            return self._answer(200, b"<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>", "text/html")
        if mode == "redirect":
            if self.path.startswith("/elsewhere"):
                return self._answer(200, b"fine")
            return self._answer(302, b"", headers={"Location": "/elsewhere"})
        if mode == "error500":
            page = ("<html><head><style>body { color: red }</style><title>Error</title></head><body>" + "<p>x</p>" * 60
                    + "<p>Transaction aborted: the disk quota of dataset &quot;news&quot; is exhausted</p></body></html>")
            return self._answer(500, page.encode(), "text/html")
        if mode == "auth":
            given = self.headers.get("Authorization", "")
            basic = "Basic " + base64.b64encode(f"alice:{SECRET}".encode()).decode()
            if given not in (basic, f"Bearer {TOKEN}"):
                return self._answer(401, b"<html><body><p>Unauthorized: who are you?</p></body></html>", "text/html",
                                    {"WWW-Authenticate": 'Basic realm="kg"'})
        if self.command == "POST":
            srv.posts += 1
            if mode == "flaky" and srv.posts == 1:
                return self._answer(503, b"busy, come back later")
            if mode == "fail-third" and srv.posts == 3:
                return self._answer(400, b"chunk rejected: line 3 is not N-Triples")
        if self.command in ("POST", "PUT"):
            if self.command == "PUT":
                srv.graph.clear()
            if mode != "lose":
                srv.graph.update(line for line in body.splitlines() if line.strip())
            return self._answer(204)
        if self.command == "GET":
            return self._answer(200, b"\n".join(sorted(srv.graph)) + b"\n", "application/n-triples")
        return self._answer(405)

    do_GET = do_POST = do_PUT = _handle


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("push")
    build_store(tmp, tmp / "store").close()
    return tmp


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    srv = Server(request.param)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def push(store_dir: Path, endpoint: str, *args: str, env: dict[str, str] | None = None,
         input: str | None = None) -> Result:
    opts = ["--store", str(store_dir / "store"), "--ontology", str(store_dir / "ontology"), "--endpoint", endpoint]
    return CliRunner().invoke(cli, ["push", *opts, *args], env={"HOME": str(store_dir / "nohome"), **(env or {})},
                              input=input)


def error_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and result.stderr.rstrip().endswith(errors[0]), result.stderr
    return errors[0]


@pytest.mark.parametrize("server", ["redirect"], indirect=True)
def test_a_redirect_is_an_error_naming_where_it_points(store_dir, server):
    line = error_line(push(store_dir, server.url + "/store"))
    assert "HTTP 302" in line and "/elsewhere" in line and "none of 253 triples arrived" in line
    assert [m for m, _ in server.requests] == ["POST"]  # not re-sent as a GET


@pytest.mark.parametrize("server", ["html"], indirect=True)
def test_an_html_page_is_not_success(store_dir, server):
    line = error_line(push(store_dir, server.url + "/store"))
    assert "HTML page" in line and "Welcome to nginx!" in line


@pytest.mark.parametrize("server", ["lose"], indirect=True)
def test_triples_accepted_but_not_stored_are_found_out(store_dir, server):
    line = error_line(push(store_dir, server.url + "/store"))
    assert "accepted 253 triples but 253 of them are not in the graph read back" in line
    assert push(store_dir, server.url + "/store", "--no-verify").exit_code == 0  # the check is what caught it


@pytest.mark.parametrize("server", ["ok"], indirect=True)
def test_a_good_push_is_verified(store_dir, server):
    result = push(store_dir, server.url + "/store", "--chunk", "100")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].endswith("(default graph), all found there when read back")
    assert len(server.graph) == 253 and server.requests[-1][0] == "GET"


@pytest.mark.parametrize("server", ["flaky"], indirect=True)
def test_a_transient_failure_is_retried(store_dir, server):
    result = push(store_dir, server.url + "/store")
    assert result.exit_code == 0, result.output
    assert "HTTP 503" in result.stderr and "trying again in 1 s" in result.stderr and len(server.graph) == 253


@pytest.mark.parametrize("server", ["fail-third"], indirect=True)
def test_a_failure_says_how_much_arrived(store_dir, server):
    line = error_line(push(store_dir, server.url + "/store", "--chunk", "50"))
    assert "HTTP 400" in line and "chunk rejected: line 3 is not N-Triples" in line
    assert line.endswith("100 of 253 triples had arrived")


@pytest.mark.parametrize("server", ["error500"], indirect=True)
def test_the_servers_reason_is_shown_whole_without_markup(store_dir, server):
    line = error_line(push(store_dir, server.url + "/store", "--retries", "0"))
    assert 'Transaction aborted: the disk quota of dataset "news" is exhausted' in line
    assert "<" not in line.split("HTTP 500", 1)[1] and "color: red" not in line


@pytest.mark.parametrize("server", ["auth"], indirect=True)
def test_authentication_every_way_and_secrets_never_printed(store_dir, server):
    host = server.url.removeprefix("http://")
    line = error_line(push(store_dir, server.url + "/store"))
    assert "HTTP 401" in line and "Unauthorized: who are you?" in line and "--user" in line
    ok = [
        push(store_dir, server.url + "/store", "--user", "alice", env={"ALLIANCE_GRAPH_PASSWORD": SECRET}),
        push(store_dir, server.url + "/store", "--user", "alice", input=SECRET + "\n"),  # asked for
        push(store_dir, server.url + "/store", "--token", TOKEN),
        push(store_dir, server.url + "/store", env={"ALLIANCE_GRAPH_TOKEN": TOKEN}),
        push(store_dir, f"http://alice:{SECRET}@{host}/store"),
    ]
    home = store_dir / "home"
    home.mkdir(exist_ok=True)
    (home / ".netrc").write_text(f"machine 127.0.0.1 login alice password {SECRET}\n")
    os.chmod(home / ".netrc", 0o600)
    ok.append(push(store_dir, server.url + "/store", env={"HOME": str(home)}))
    for result in ok:
        assert result.exit_code == 0, result.output
        assert SECRET not in result.output and TOKEN not in result.output
    wrong = push(store_dir, f"http://alice:wrong-{SECRET}@{host}/store")
    assert "HTTP 401" in error_line(wrong) and SECRET not in wrong.output
