"""Pushing the data graph to any SPARQL 1.1 Graph Store Protocol server, in chunks.

The triples are those of ``alliances export`` (data graph plus the type,
label and iso3 of every actor it names), sent as N-Triples chunks by HTTP
POST to ``ENDPOINT?graph=IRI`` (or ``ENDPOINT?default``); with ``replace``
the first chunk is sent by PUT, which empties the target graph first.
For the Oxigraph server the Graph Store endpoint is ``http://HOST:PORT/store``.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

import pyoxigraph as ox

from .errors import StoreError
from .store import AllianceStore

__all__ = ["DEFAULT_CHUNK", "graph_store_url", "push"]

DEFAULT_CHUNK = 50_000


def graph_store_url(endpoint: str, graph: str | None = None) -> str:
    """The Graph Store Protocol URL of ``graph`` (the default graph when None).

    >>> graph_store_url("http://localhost:7878/store", "https://example.org/g?x=1")
    'http://localhost:7878/store?graph=https%3A%2F%2Fexample.org%2Fg%3Fx%3D1'
    >>> graph_store_url("http://localhost:7878/store")
    'http://localhost:7878/store?default'
    """
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StoreError(f"{endpoint}: not an http(s) URL of a Graph Store Protocol endpoint")
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError as e:
            raise StoreError(f"graph {graph!r} is not an IRI: {e}") from None
        if ":" not in graph:
            raise StoreError(f"graph {graph!r} is not an absolute IRI")
    arg = urllib.parse.urlencode({"graph": graph}) if graph is not None else "default"
    query = f"{parts.query}&{arg}" if parts.query else arg
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _send(url: str, method: str, body: bytes, timeout: float) -> None:
    req = urllib.request.Request(url, data=body, method=method,
                                 headers={"Content-Type": "application/n-triples; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
    except urllib.error.HTTPError as e:
        with e:
            detail = " ".join(e.read().decode("utf-8", "replace").split())[:200]
        raise StoreError(f"{url}: the server answered HTTP {e.code} {e.reason}" + (f": {detail}" if detail else "")) from None
    except urllib.error.URLError as e:
        raise StoreError(f"{url}: cannot reach the server: {e.reason}") from None
    except (TimeoutError, OSError) as e:
        raise StoreError(f"{url}: {e}") from None


def push(store: AllianceStore, endpoint: str, *, graph: str | None = None, replace: bool = False,
         chunk: int = DEFAULT_CHUNK, timeout: float = 120.0,
         on_progress: Callable[[int, int], None] | None = None) -> int:
    """Upload the data graph to ``endpoint``; return the number of triples sent.

    ``on_progress(sent, total)`` is called after each chunk.  A failed chunk
    raises ``StoreError``; the chunks before it stay on the server (re-running
    with ``replace`` starts the graph afresh).
    """
    if chunk < 1:
        raise StoreError("chunk size must be at least 1")
    url = graph_store_url(endpoint, graph)
    triples = store.data_triples()
    total = len(triples)
    if total == 0 and replace:
        _send(url, "PUT", b"", timeout)
    for start in range(0, total, chunk):
        body = ox.serialize(triples[start : start + chunk], format=ox.RdfFormat.N_TRIPLES)
        assert body is not None
        _send(url, "PUT" if replace and start == 0 else "POST", body, timeout)
        if on_progress:
            on_progress(min(start + chunk, total), total)
    return total
