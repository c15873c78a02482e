"""`alliances build PATHS` makes the graph of exactly PATHS, in a store it names; ingest accumulates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

USER_ARTICLE = """title: Troop access pact
date: 2024-07-08
source: https://example.org/2024/07/08/pact

Japan and the Philippines signed a defence agreement on Monday in Manila.
"""


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with a user's news folder; the default store is .alliance-graph in it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALLIANCE_GRAPH_STORE", raising=False)
    news = tmp_path / "my-news"
    news.mkdir()
    (news / "pact.txt").write_text(USER_ARTICLE, encoding="utf-8")
    return tmp_path


def titles(run, *store: object) -> list[str]:
    result = run("query", "SELECT ?t WHERE { ?a a ag:Article ; dcterms:title ?t } ORDER BY ?t", "--format", "csv", *store)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[1:]


def stats(run, *store: object) -> dict:
    return json.loads(run("stats", "--format", "json", *store).stdout)


def test_build_on_a_user_folder_after_the_seeds_holds_only_the_users_articles(run, here: Path) -> None:
    seeds = run("build")
    assert seeds.exit_code == 0, seeds.output
    assert "store: .alliance-graph (new: this build only" in seeds.stderr
    assert stats(run)["articles"] == 1 and "Venezuela" in (here / "exports" / "alliances.ttl").read_text(encoding="utf-8")

    mine = run("build", "my-news")
    assert mine.exit_code == 0, mine.output
    assert "store: .alliance-graph (new: this build only" in mine.stderr
    assert titles(run) == ["Troop access pact"]
    got = stats(run)
    assert (got["articles"], got["actors"]) == (1, 2) and "agreementWith" in got["relations"]
    turtle = (here / "exports" / "alliances.ttl").read_text(encoding="utf-8")
    assert "actor:PHL" in turtle and "actor:JPN" in turtle
    assert not {"actor:RUS", "actor:VEN", "actor:CUB", "actor:NIC"} & set(turtle.split())
    assert not list(here.glob(".alliance-graph.*"))  # no build folder left behind


def test_the_summary_counts_the_claims_the_store_ends_with(run, here: Path) -> None:
    built = run("build")
    in_store = stats(run)["claims"]
    assert f"; {in_store} claims in the store (+{in_store})" in built.stderr
    added = run("ingest", here / "my-news")
    now = stats(run)["claims"]
    assert now > in_store and f"; {now} claims in the store (+{now - in_store})" in added.stderr
    again = run("ingest", here / "my-news")
    assert f"; {now} claims in the store (+0)" in again.stderr


def test_build_never_replaces_a_store_that_ingest_added_to(run, here: Path) -> None:
    assert run("build").exit_code == 0
    assert run("ingest", "my-news").exit_code == 0  # the build's store now holds more than the build
    before = stats(run)
    refused = run("build")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[-1] == (
        "Error: .alliance-graph: holds a store that ingest, build --store or an older version wrote, "
        "and build makes a new store: give --store .alliance-graph to add to it, or name another --store")
    assert stats(run) == before

    added = run("build", "--store", ".alliance-graph", "--out", "site")  # no PATHS: the exports of what it holds
    assert added.exit_code == 0, added.output
    assert "store: .alliance-graph (added to what it held)" in added.stderr
    assert stats(run) == before and "actor:PHL" in (here / "site" / "alliances.ttl").read_text(encoding="utf-8")


def test_build_with_a_named_store_adds_to_it(run, here: Path) -> None:
    from graph.terms import SEEDS_DIR

    assert run("build", SEEDS_DIR, "--store", "mine").exit_code == 0
    assert run("build", "my-news", "--store", "mine").exit_code == 0
    assert stats(run, "--store", "mine")["articles"] == 2


def test_a_failed_build_leaves_the_previous_store_as_it_was(run, here: Path) -> None:
    assert run("build", "my-news").exit_code == 0
    before = stats(run)
    (here / "empty").mkdir()
    failed = run("build", "empty")
    assert failed.exit_code == 1 and "no article or fact files found in empty" in failed.stderr
    assert stats(run) == before
    assert not list(here.glob(".alliance-graph.*"))


def test_stats_counts_the_triples_export_and_push_send(run, here: Path) -> None:
    from graph.store import open_store
    from graph.vocab import load_vocabulary

    assert run("build").exit_code == 0
    exported = run("export", "--format", "ntriples").stdout.splitlines()
    assert stats(run)["triples"] == len(exported)
    with open_store(".alliance-graph", load_vocabulary(), read_only=True) as store:
        assert len(store.data_triples()) == len(exported)  # what push sends (graph/remote.py)


REFERENCE = "https://w3id.org/alliance-graph/graph/reference"


def test_from_is_honoured_by_query_and_serve(run, here: Path) -> None:
    from tests._serving import serving

    assert run("build").exit_code == 0

    def count(*query_args: str) -> int:
        result = run("query", *query_args, "--format", "csv")
        assert result.exit_code == 0, result.output
        return int(result.stdout.splitlines()[1])

    union = count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    reference = count(f"SELECT (COUNT(*) AS ?n) FROM <{REFERENCE}> WHERE {{ ?s ?p ?o }}")
    named = count(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{REFERENCE}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert 0 < reference == named < union
    in_reference = count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{REFERENCE}> {{ ?s ?p ?o }} }}")
    assert reference == in_reference  # the reference graph alone, as FROM asked

    import urllib.parse
    import urllib.request

    with serving(here / ".alliance-graph", "--quiet") as (url, _proc, _lines):
        for query, want in ((f"SELECT (COUNT(*) AS ?n) FROM <{REFERENCE}> WHERE {{ ?s ?p ?o }}", reference),
                            ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", union)):
            req = urllib.request.Request(url + "sparql?" + urllib.parse.urlencode({"query": query}),
                                         headers={"Accept": "text/csv"})
            with urllib.request.urlopen(req, timeout=20) as resp:
                assert int(resp.read().decode().split()[1]) == want


def test_the_sparql_page_declares_every_prefix_queries_get() -> None:
    import re

    from graph.sparql_page import sparql_page
    from graph.terms import PREFIXES

    listed = re.search(r"Prefixes (.*?) are declared", sparql_page()).group(1)
    assert listed.split(", ") == [f"{p}:" for p in PREFIXES] and "rdf:" in listed and "skos:" in listed
