"""``alliances serve`` as a real process: SPARQL over HTTP with urllib and rdflib, updates refused."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore

from ._serving import serving
from ._sparql_data import build_store

ACTOR = "https://w3id.org/alliance-graph/actor/"
SANCTIONS = "SELECT ?s ?o WHERE { ?s ag:sanctions ?o } ORDER BY ?s ?o"
EXPECTED = [("USA", "RUS"), ("USA", "VEN"), ("FRA", "IRN")]


@contextlib.contextmanager
def running_server(tmp: Path, *options: str) -> Iterator[str]:
    """``alliances serve`` on a free port of 127.0.0.1; yields its URL; always terminated."""
    with serving(tmp / "store", "--host", "127.0.0.1", *options) as (url, proc, _lines):
        yield url
    assert proc.returncode == 0


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("serve")
    build_store(tmp, tmp / "store").close()
    (tmp / "page.html").write_text("<!doctype html><title>alliances</title><p>the page</p>", encoding="utf-8")
    return tmp


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[str]:
    with running_server(store_dir, "--page", str(store_dir / "page.html"), "--timeout", "5") as url:
        yield url


def fetch(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8")


def ids(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted((s.removeprefix(ACTOR), o.removeprefix(ACTOR)) for s, o in pairs)


def test_get_json(server):
    status, ctype, body = fetch(server + "sparql?" + urllib.parse.urlencode({"query": SANCTIONS}),
                                headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    rows = [(b["s"]["value"], b["o"]["value"]) for b in json.loads(body)["results"]["bindings"]]
    assert ids(rows) == sorted(EXPECTED)


@pytest.mark.parametrize("accept, delimiter", [("text/csv", ","), ("text/tab-separated-values", "\t")])
def test_post_query_csv_tsv(server, accept, delimiter):
    status, _, body = fetch(server + "sparql", data=SANCTIONS.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": accept})
    assert status == 200
    table = list(csv.reader(io.StringIO(body), delimiter=delimiter))
    rows = [(s.strip("<>"), o.strip("<>")) for s, o in table[1:]]
    assert ids(rows) == sorted(EXPECTED)


def test_post_form_xml(server):
    form = urllib.parse.urlencode({"query": "ASK { actor:USA ag:sanctions actor:VEN }"}).encode()
    status, ctype, body = fetch(server + "sparql", data=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+xml"})
    assert status == 200 and "xml" in ctype and "<boolean>true</boolean>" in body


def test_reference_data_is_in_the_default_graph(server):
    q = "SELECT ?m WHERE { actor:NATO ag:hasMember ?m } ORDER BY ?m"
    _, _, body = fetch(server + "sparql?" + urllib.parse.urlencode({"query": q}))
    assert [b["m"]["value"] for b in json.loads(body)["results"]["bindings"]] == [ACTOR + "FRA", ACTOR + "USA"]


def test_rdflib_sparqlstore(server):
    g = Graph(store=SPARQLStore(query_endpoint=server + "sparql", returnFormat="json"))
    rows = [(str(r.s), str(r.o)) for r in g.query(SANCTIONS)]  # the endpoint declares ag:
    assert ids(rows) == sorted(EXPECTED)
    triples = set(g.triples((URIRef(ACTOR + "USA"), URIRef("https://w3id.org/alliance-graph/ontology#sanctions"), None)))
    assert sorted(str(o).removeprefix(ACTOR) for _, _, o in triples) == ["RUS", "VEN"]


@pytest.mark.parametrize("data, ctype", [
    (urllib.parse.urlencode({"update": "DROP ALL"}).encode(), "application/x-www-form-urlencoded"),
    (b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
])
def test_updates_are_refused(server, data, ctype):
    status, _, body = fetch(server + "sparql", data=data, headers={"Content-Type": ctype})
    assert status == 403 and "read-only" in body
    _, _, body = fetch(server + "sparql?" + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?c a ag:Claim }"}))
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "16"


def test_rdflib_update_store_gets_an_error(server):
    store = SPARQLUpdateStore(query_endpoint=server + "sparql", update_endpoint=server + "sparql")
    with pytest.raises(urllib.error.HTTPError) as e:
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    e.value.close()
    assert e.value.code == 403


def test_malformed_query_is_one_line_with_position(server):
    status, _, body = fetch(server + "sparql?" + urllib.parse.urlencode({"query": "SELECT ?s WHERE {\n ?s ?p \n}"}))
    assert status == 400
    assert body.strip().startswith("query: SPARQL syntax error at line 3, column 2") and body.count("\n") == 1


def test_page_and_unknown_paths(server):
    status, ctype, body = fetch(server)
    assert status == 200 and ctype.startswith("text/html") and "the page" in body
    assert fetch(server + "nothing")[0] == 404


@pytest.mark.slow
def test_a_query_over_the_time_limit_is_stopped(store_dir):
    heavy = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # 224^4 rows
    with running_server(store_dir, "--timeout", "1", "--quiet") as url:
        started = time.monotonic()
        status, _, body = fetch(url + "sparql?" + urllib.parse.urlencode({"query": heavy}))
        assert status == 504 and "time limit (1 s)" in body
        assert time.monotonic() - started < 5
        status, _, body = fetch(url + "sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))
        assert (status, json.loads(body)["boolean"]) == (200, True)


def test_serve_refuses_a_memory_store_and_a_busy_port(store_dir):
    from click.testing import CliRunner

    from graph.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--store", "memory"])
    assert result.exit_code == 1 and "no store directory" in result.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--store", str(store_dir / "store"), "--port", str(port)])
    assert result.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_parallel_clients_get_their_own_answers(server):
    from concurrent.futures import ThreadPoolExecutor

    def ask(pair: tuple[str, str]) -> bool:
        q = f"ASK {{ actor:{pair[0]} ag:sanctions actor:{pair[1]} }}"
        _, _, body = fetch(server + "sparql?" + urllib.parse.urlencode({"query": q}))
        return bool(json.loads(body)["boolean"])

    pairs = [(s, o) for s in ("USA", "FRA", "RUS") for o in ("VEN", "RUS", "IRN")] * 6
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(ask, pairs))
    assert answers == [pair in EXPECTED for pair in pairs]
