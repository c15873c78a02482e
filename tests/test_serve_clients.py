"""Clients that just work: a browser editor on another origin (CORS), CONSTRUCT asked for with a results Accept.

Against a real ``alliances serve`` over HTTP.
"""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from ._serving import serving
from ._sparql_data import build_store

EDITOR = "https://yasgui.example"
ACTOR = "https://w3id.org/alliance-graph/actor/"
AG = "https://w3id.org/alliance-graph/ontology#"
CONSTRUCT = "CONSTRUCT { ?s ag:sanctions ?o } WHERE { ?s ag:sanctions ?o }"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("clients")
    build_store(tmp, tmp / "store").close()
    return tmp / "store"


@contextlib.contextmanager
def endpoint(store: Path, *options: str) -> Iterator[str]:
    with serving(store, "--quiet", *options) as (url, _proc, _lines):
        yield url


@pytest.fixture(scope="module")
def with_cors(store_dir: Path) -> Iterator[str]:
    with endpoint(store_dir, "--cors", EDITOR) as url:
        yield url


def call(url: str, method: str = "GET", data: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, dict(e.headers), e.read()


def ask(query: str) -> str:
    return "sparql?" + urllib.parse.urlencode({"query": query})


def test_preflight_and_answers_carry_cors_headers_for_the_named_origin(with_cors: str) -> None:
    status, headers, body = call(with_cors + "sparql", "OPTIONS", headers={
        "Origin": EDITOR, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert (status, body) == (204, b"")
    assert headers["Access-Control-Allow-Origin"] == EDITOR
    assert "POST" in headers["Access-Control-Allow-Methods"] and "content-type" in headers["Access-Control-Allow-Headers"].lower()

    status, headers, _ = call(with_cors + "sparql", "POST", data=b"ASK { ?s ?p ?o }", headers={
        "Origin": EDITOR, "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == EDITOR

    status, headers, _ = call(with_cors + ask("ASK { ?s ?p ?o }"), headers={"Origin": "https://elsewhere.example"})
    assert status == 200 and "Access-Control-Allow-Origin" not in headers
    status, headers, _ = call(with_cors + "sparql", "OPTIONS", headers={"Origin": "https://elsewhere.example"})
    assert status == 405 and "Access-Control-Allow-Origin" not in headers


def test_cors_is_off_by_default(store_dir: Path) -> None:
    with endpoint(store_dir) as url:
        status, headers, _ = call(url + ask("ASK { ?s ?p ?o }"), headers={"Origin": EDITOR})
        assert status == 200 and "Access-Control-Allow-Origin" not in headers
        status, headers, _ = call(url + "sparql", "OPTIONS", headers={"Origin": EDITOR, "Access-Control-Request-Method": "POST"})
        assert status == 405 and "Access-Control-Allow-Origin" not in headers


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml, text/csv"])
def test_construct_with_a_results_accept_header_falls_back_to_turtle(with_cors: str, accept: str) -> None:
    status, headers, body = call(with_cors + ask(CONSTRUCT), headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle"), body
    g = Graph().parse(data=body, format="turtle")
    assert {(str(s).removeprefix(ACTOR), str(o).removeprefix(ACTOR)) for s, o in g.subject_objects(URIRef(AG + "sanctions"))} == {
        ("USA", "RUS"), ("USA", "VEN"), ("FRA", "IRN")}

    status, headers, body = call(with_cors + ask("DESCRIBE actor:RUS"), headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert (URIRef(ACTOR + "RUS"), None, None) in Graph().parse(data=body, format="turtle")

    status, headers, _ = call(with_cors + ask(CONSTRUCT), headers={"Accept": "application/n-triples"})
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")  # asked for a graph format: kept


def test_rdflib_sparqlstore_with_json_results_runs_construct(with_cors: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = Graph(store=SPARQLStore(with_cors + "sparql", returnFormat="json"))
    result = g.query("PREFIX ag: <https://w3id.org/alliance-graph/ontology#> " + CONSTRUCT)
    assert len(result.graph) == 3
