"""Pushing the data graph to any SPARQL 1.1 Graph Store Protocol server, in chunks.

The triples are those of ``alliances export`` (data graph plus the type,
label and iso3 of every actor it names), sent as N-Triples chunks by HTTP
POST to ``ENDPOINT?graph=IRI`` (or ``ENDPOINT?default``); with ``replace``
the first chunk is sent by PUT, which empties the target graph first.
For the Oxigraph server the Graph Store endpoint is ``http://HOST:PORT/store``.

Nothing is taken for success that may not be one: a redirect is an error
(urllib would re-send a POST as a body-less GET and count that GET's 200),
so is a 2xx that is an HTML page; transient failures (5xx, 429, timeouts,
dropped connections) are retried with a growing pause; and afterwards the
graph is read back by a Graph Store GET and every triple sent is looked for
(``verify``).  Credentials (Basic or bearer) are sent, never printed.
"""

from __future__ import annotations

import base64
import html
import http.client
import netrc
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import StoreError
from .store import AllianceStore

__all__ = ["DEFAULT_CHUNK", "DEFAULT_RETRIES", "Credentials", "PushError", "graph_store_url", "credentials_for",
           "redact", "server_message", "push"]

DEFAULT_CHUNK = 50_000
DEFAULT_RETRIES = 3
MAX_MESSAGE = 2000  # characters of a server's error text shown
_TRANSIENT = {408, 425, 429, 500, 502, 503, 504}


class PushError(StoreError):
    """A push that failed; ``arrived`` triples were accepted by the server before it."""

    def __init__(self, message: str, arrived: int = 0) -> None:
        super().__init__(message)
        self.arrived = arrived


@dataclass(frozen=True)
class Credentials:
    """Basic (``user`` and ``password``) or bearer (``token``) authentication; ``repr`` hides the secret."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    def header(self) -> str | None:
        if self.token:
            return f"Bearer {self.token}"
        if self.user is not None:
            raw = f"{self.user}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return None

    def __repr__(self) -> str:
        kind = "token" if self.token else "basic" if self.user is not None else "none"
        return f"Credentials({kind})"


def redact(url: str) -> str:
    """``url`` without any user name or password in it.

    >>> redact("http://alice:s3cret@example.org:8080/store?default")
    'http://example.org:8080/store?default'
    """
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def credentials_for(endpoint: str, *, user: str | None = None, password: str | None = None,
                    token: str | None = None, netrc_file: str | None = None) -> Credentials:
    """Who to authenticate as: a token, else ``user``/``password``, else the URL's user info, else ``~/.netrc``."""
    if token:
        return Credentials(token=token)
    if user is not None:
        return Credentials(user=user, password=password)
    parts = urllib.parse.urlsplit(endpoint)
    if parts.username is not None:
        return Credentials(user=urllib.parse.unquote(parts.username),
                           password=urllib.parse.unquote(parts.password or ""))
    try:
        found = netrc.netrc(netrc_file).authenticators(parts.hostname or "")
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        found = None
    if found:
        login, _account, secret = found
        return Credentials(user=login, password=secret)
    return Credentials()


def graph_store_url(endpoint: str, graph: str | None = None) -> str:
    """The Graph Store Protocol URL of ``graph`` (the default graph when None).

    >>> graph_store_url("http://localhost:7878/store", "https://example.org/g?x=1")
    'http://localhost:7878/store?graph=https%3A%2F%2Fexample.org%2Fg%3Fx%3D1'
    >>> graph_store_url("http://localhost:7878/store")
    'http://localhost:7878/store?default'
    """
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StoreError(f"{redact(endpoint)}: not an http(s) URL of a Graph Store Protocol endpoint")
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError as e:
            raise StoreError(f"graph {graph!r} is not an IRI: {e}") from None
        if ":" not in graph:
            raise StoreError(f"graph {graph!r} is not an absolute IRI")
    arg = urllib.parse.urlencode({"graph": graph}) if graph is not None else "default"
    query = f"{parts.query}&{arg}" if parts.query else arg
    return urllib.parse.urlunsplit((parts.scheme, redact(endpoint).split("/")[2], parts.path, query, ""))


def server_message(body: bytes, ctype: str = "") -> str:
    """A server's error body as one line of text: markup, scripts and styles dropped, entities decoded.

    >>> server_message(b"<html><head><style>p{}</style></head><body><h1>403</h1><p>No &amp; never</p></body></html>")
    '403 No & never'
    """
    text = body[: 1 << 20].decode("utf-8", "replace")
    if "html" in ctype.lower() or re.search(r"<(html|body|p|h\d|div|title)\b", text, re.IGNORECASE):
        text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.IGNORECASE | re.DOTALL)
        text = re.sub(r"<!--.*?-->|<[^>]*>", " ", text, flags=re.DOTALL)
        text = html.unescape(text)
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 3xx reaches the caller as an HTTPError


_OPENER = urllib.request.build_opener(_NoRedirect)


class _Transient(Exception):
    pass


def _request(url: str, method: str, body: bytes | None, creds: Credentials, timeout: float,
             accept: str | None = None) -> bytes:
    """One request; the body of a 2xx answer; ``PushError`` or ``_Transient`` otherwise."""
    shown = redact(url)
    headers = {"Content-Type": "application/n-triples; charset=utf-8"} if body is not None else {}
    if accept:
        headers["Accept"] = accept
    if auth := creds.header():
        headers["Authorization"] = auth
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            data = resp.read()
            status, ctype = resp.status, resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        with e:
            detail = server_message(e.read(), e.headers.get("Content-Type", "") if e.headers else "")
        if 300 <= e.code < 400:
            where = e.headers.get("Location") if e.headers else None
            raise PushError(f"{shown}: the server answered HTTP {e.code} {e.reason}, a redirect to "
                            f"{redact(where) if where else 'nowhere'}; not followed for a write: "
                            "push to the final URL") from None
        message = f"{shown}: the server answered HTTP {e.code} {e.reason}" + (f": {detail}" if detail else "")
        if e.code in (401, 403):
            message += "" if creds.header() else " (give --user, --token or a ~/.netrc entry)"
        if e.code in _TRANSIENT:
            raise _Transient(message) from None
        raise PushError(message) from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, (TimeoutError, socket.timeout, ConnectionError)) and not isinstance(
                reason, ConnectionRefusedError):
            raise _Transient(f"{shown}: {reason or 'timed out'}") from None
        raise PushError(f"{shown}: cannot reach the server: {reason}") from None
    except (TimeoutError, ConnectionError, http.client.HTTPException) as e:
        raise _Transient(f"{shown}: {e or type(e).__name__}") from None
    except OSError as e:
        raise PushError(f"{shown}: {e}") from None
    if status not in (200, 201, 204):
        raise PushError(f"{shown}: the server answered HTTP {status}, not a Graph Store Protocol success "
                        "(200, 201 or 204)")
    if body is not None and ctype.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        raise PushError(f"{shown}: the server answered HTTP {status} with an HTML page, not a Graph Store "
                        f"Protocol response: {server_message(data, ctype)[:300]}")
    return data


def _with_retries(call: Callable[[], bytes], retries: int, backoff: float,
                  on_retry: Callable[[str], None] | None) -> bytes:
    for attempt in range(retries + 1):
        try:
            return call()
        except _Transient as e:
            if attempt == retries:
                raise PushError(f"{e} (after {retries + 1} attempts)") from None
            pause = backoff * 2**attempt
            if on_retry:
                on_retry(f"{e}; trying again in {pause:g} s")
            time.sleep(pause)
    raise AssertionError("unreachable")


def push(store: AllianceStore, endpoint: str, *, graph: str | None = None, replace: bool = False,
         chunk: int = DEFAULT_CHUNK, timeout: float = 120.0, retries: int = DEFAULT_RETRIES,
         backoff: float = 1.0, verify: bool = True, credentials: Credentials | None = None,
         on_progress: Callable[[int, int], None] | None = None,
         on_retry: Callable[[str], None] | None = None) -> int:
    """Upload the data graph to ``endpoint``; return the number of triples sent (and, with ``verify``, found there).

    ``on_progress(sent, total)`` is called after each chunk the server
    accepted.  A failed chunk raises ``PushError`` saying how many triples
    had arrived; those stay on the server (re-running with ``replace``
    starts the graph afresh).
    """
    if chunk < 1:
        raise StoreError("chunk size must be at least 1")
    url = graph_store_url(endpoint, graph)
    creds = credentials if credentials is not None else credentials_for(endpoint)
    triples = store.data_triples()
    total = len(triples)
    sent = 0

    def send(method: str, body: bytes) -> None:
        try:
            _with_retries(lambda: _request(url, method, body, creds, timeout), retries, backoff, on_retry)
        except PushError as e:
            arrived = f"{sent:,} of {total:,} triples had arrived" if sent else f"none of {total:,} triples arrived"
            raise PushError(f"{e}; {arrived}", sent) from None

    if total == 0 and replace:
        send("PUT", b"")
    for start in range(0, total, chunk):
        body = ox.serialize(triples[start : start + chunk], format=ox.RdfFormat.N_TRIPLES)
        assert body is not None
        send("PUT" if replace and start == 0 else "POST", body)
        sent = min(start + chunk, total)
        if on_progress:
            on_progress(sent, total)
    if verify:
        _verify(url, triples, creds, timeout, retries, backoff, on_retry)
    return total


def _verify(url: str, triples: list[ox.Triple], creds: Credentials, timeout: float, retries: int, backoff: float,
            on_retry: Callable[[str], None] | None) -> None:
    """Read the graph back (Graph Store GET) and check that every triple sent is in it."""
    shown = redact(url)
    try:
        data = _with_retries(lambda: _request(url, "GET", None, creds, timeout, accept="application/n-triples"),
                             retries, backoff, on_retry)
    except PushError as e:
        raise PushError(f"sent {len(triples):,} triples but could not read the graph back to check them: {e} "
                        "(--no-verify skips the check)") from None
    try:
        remote = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}
    except SyntaxError as e:
        raise PushError(f"{shown}: sent {len(triples):,} triples but the graph read back is not N-Triples "
                        f"({' '.join(str(e).split())[:200]}); --no-verify skips the check") from None
    missing = sum(1 for t in triples if t not in remote)
    if missing:
        raise PushError(f"{shown}: the server accepted {len(triples):,} triples but {missing:,} of them are not in "
                        f"the graph read back ({len(remote):,} triples there)", len(triples) - missing)
