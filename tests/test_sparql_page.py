"""The endpoint's page at /sparql, as a user meets it: `alliances serve`, then headless Chromium.

Highlighting, the named queries one click away (with their parameters),
results as a table, downloads, errors — with every request that does not go
to the endpoint itself blocked and counted, and console errors (a CSP
violation among them) failing the test.
"""

from __future__ import annotations

import csv
import html
import io
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.query import QUERIES_DIR, list_queries

from ._serving import serving
from .conftest import PROJECT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from click.testing import CliRunner

    from graph.cli import cli

    store = tmp_path_factory.mktemp("sparql-page") / "store"
    result = CliRunner().invoke(cli, ["ingest", str(PROJECT / "seeds"), "--no-extract", "--store", str(store)])
    assert result.exit_code == 0, result.output
    with serving(store, "--quiet") as (url, _proc, _lines):
        yield url


def test_page_over_http_is_self_contained(endpoint: str) -> None:
    with urllib.request.urlopen(endpoint + "sparql") as r:
        assert r.status == 200 and r.headers["Content-Type"].startswith("text/html")
        page = r.read().decode("utf-8")
    assert "Content-Security-Policy" in page and "connect-src 'self'" in html.unescape(page)
    assert "src=" not in page.replace('srcdoc', '') and "<link" not in page  # nothing loaded from elsewhere
    data = json.loads(page.split('<script id="ag-data" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert [q["name"] for q in data["queries"]] == [q.name for q in list_queries(QUERIES_DIR)]
    # the query API is unchanged: ?query= still answers with results
    with urllib.request.urlopen(endpoint + "sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D") as r:
        assert json.loads(r.read())["boolean"] is True


class Visit:
    def __init__(self, page: Any, origin: str) -> None:
        self.page, self.origin = page, origin
        self.blocked: list[str] = []
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith((self.origin, "blob:", "data:")):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def open(self, path: str = "sparql") -> None:
        self.page.goto(self.origin + path)
        self.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)

    def run(self) -> str:
        runs = int(self.page.get_attribute("body", "data-runs") or 0)
        self.page.click("#run")
        # a selector, not wait_for_function: the page's CSP forbids the eval that polling a predicate needs
        self.page.wait_for_selector(f"body[data-runs='{runs + 1}']", state="attached", timeout=30_000)
        return self.page.text_content("#status") or ""

    def table(self) -> list[list[str]]:
        return self.page.eval_on_selector_all(
            "#results tr", "rows => rows.map(r => [...r.children].map(c => c.textContent))")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def visit(browser: Any, endpoint: str) -> Iterator[Visit]:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    v = Visit(page, endpoint)
    try:
        yield v
    finally:
        context.close()
    assert not v.blocked, f"the page asked for something outside the endpoint: {v.blocked}"
    assert not v.errors, f"console errors: {v.errors}"


def _claims(endpoint: str) -> int:
    q = urllib.request.quote("SELECT (COUNT(*) AS ?n) { ?c a <https://w3id.org/alliance-graph/ontology#Claim> }")
    with urllib.request.urlopen(f"{endpoint}sparql?query={q}") as r:
        return int(json.loads(r.read())["results"]["bindings"][0]["n"]["value"])




@pytest.mark.browser
@pytest.mark.slow
def test_editor_highlights_and_runs_the_example(visit: Visit, endpoint: str, tmp_path: Path) -> None:
    visit.open()
    page = visit.page
    kinds = page.eval_on_selector_all("#shade span", "s => s.map(e => [e.className, e.textContent])")
    assert ["tok-keyword", "SELECT"] in kinds and ["tok-variable", "?subject"] in kinds
    assert ["tok-prefixed", "ag:Claim"] in kinds and ["tok-keyword", "OPTIONAL"] in kinds
    status = visit.run()
    rows = visit.table()
    assert rows[0] == ["?subject", "?relation", "?object", "?evidence"]
    assert status == f"{len(rows) - 1} rows in " + status.split(" in ")[1] and len(rows) - 1 == _claims(endpoint)
    assert {r[1] for r in rows[1:]} >= {"ag:alliedWith", "ag:creditorOf"} and rows[1][0].startswith("actor:")
    page.screenshot(path=str(tmp_path / "sparql.png"))

    # typing re-highlights: the shade always shows the textarea's text
    page.fill("#query", "")
    page.type("#query", "ASK { ?s a ag:Claim } # any claim?")
    assert page.text_content("#shade").rstrip("\n") == page.input_value("#query")
    assert page.eval_on_selector("#shade .tok-comment", "e => e.textContent") == "# any claim?"
    visit.run()
    assert page.text_content("#results") == "true"


@pytest.mark.browser
@pytest.mark.slow
def test_named_query_with_parameter_and_download(visit: Visit) -> None:
    visit.open()
    page = visit.page
    names = page.eval_on_selector_all("#named button", "bs => bs.map(b => b.dataset.name)")
    assert names == [q.name for q in list_queries(QUERIES_DIR)]
    page.click('#named button[data-name="allies"]')
    assert page.get_attribute('#named button[data-name="allies"]', "aria-pressed") == "true"
    assert page.input_value("#query") == (QUERIES_DIR / "allies.rq").read_text(encoding="utf-8")
    assert page.input_value('#params input[name="actor"]') == "RUS" and page.evaluate("location.hash") == "#allies"
    assert visit.run().startswith("3 rows")
    assert [r[0] for r in visit.table()[1:]] == ["actor:CUB", "actor:NIC", "actor:VEN"]

    page.fill('#params input[name="actor"]', "VEN")
    visit.run()
    assert [r[0] for r in visit.table()[1:]] == ["actor:RUS"]

    with page.expect_download() as info:
        page.click("#downloads button:text('Download CSV')")
    download = info.value
    assert download.suggested_filename == "allies.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["ally", "name", "sources"] and [r[0] for r in rows[1:]] == [
        "https://w3id.org/alliance-graph/actor/RUS"]

    # a link to a named query opens it
    visit.open("sparql#between")
    assert page.get_attribute('#named button[data-name="between"]', "aria-pressed") == "true"


@pytest.mark.browser
@pytest.mark.slow
def test_errors_are_shown_not_thrown(visit: Visit) -> None:
    visit.open()
    page = visit.page
    page.fill("#query", "SELECT WHERE {")
    status = visit.run()
    assert status.startswith("400: ") and page.get_attribute("#status", "class") == "error"
    assert page.inner_html("#results") == "" and page.inner_html("#downloads") == ""
    # Chromium logs the 400 answer itself; that one console line is expected, nothing else
    assert visit.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    visit.errors.clear()

    page.click('#named button[data-name="allies"]')
    page.fill('#params input[name="actor"]', "")
    assert visit.run().startswith("actor: a value is needed")
    page.fill('#params input[name="actor"]', "<script>")
    assert "is not a valid actor" in visit.run()

    page.fill("#query", "CONSTRUCT { ?a ag:alliedWith ?b } WHERE { ?a ag:alliedWith ?b } LIMIT 2")
    assert visit.run().startswith("2 lines of Turtle")
    assert "<https://w3id.org/alliance-graph/ontology#alliedWith>" in page.text_content("#results pre")
