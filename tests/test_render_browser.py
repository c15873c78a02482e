"""The page in headless Chromium with the network blocked: drawn, filterable, searchable, safe.

Needs Debian's Chromium (``apt-get install -y chromium``) and the ``playwright``
Python package; never ``playwright install``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.render import render_html
from graph.vocab import load_vocabulary

from .pagegraphs import ACTORS, EDGES, HOSTILE_SENTENCE, HOSTILE_TITLE, chain_graph, contract_graph

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent (apt-get install -y chromium)"),
]
VOCAB = load_vocabulary()


class Visit:
    """One page load with every non-file request aborted and every console message kept."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.route("**/*", self._route)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())
        # a selector, not wait_for_function: the page's CSP forbids the eval that polling a predicate needs
        self.page.wait_for_selector("body[data-stabilized=true]", state="attached", timeout=60_000)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def node_point(self, node: str) -> tuple[float, float]:
        return tuple(self.js("""id => { const n = allianceGraph.network, p = n.canvasToDOM(n.getPositions([id])[id]);
            const r = document.getElementById('ag-network').getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }""",
                             node))

    def assert_clean(self) -> None:
        assert self.requests == [], f"the page tried the network: {self.requests}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [], f"a dialog opened: {self.dialogs}"
        assert self.js("window.__xss") is None, "script from an article ran"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # a test dependency: missing it is an error, not a skip

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("page") / "alliances.html"
    path.write_text(render_html(contract_graph(), VOCAB, title="Browser test"), encoding="utf-8")
    return path


@pytest.fixture
def visit(browser, page_file) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    v = Visit(context.new_page())
    v.open(page_file)
    yield v
    v.assert_clean()
    context.close()


def test_graph_is_drawn_offline(visit):
    assert visit.js("allianceGraph.nodes.length") == len(ACTORS)
    assert visit.js("allianceGraph.edgesView.length") == len(EDGES)
    assert visit.js("document.querySelectorAll('#ag-network canvas').length") == 1
    assert visit.js("allianceGraph.network.physics.physicsEnabled") is False  # stabilised, then frozen
    positions = visit.js("Object.values(allianceGraph.network.getPositions())")
    assert len({(round(p["x"]), round(p["y"])) for p in positions}) == len(ACTORS)


def test_links_are_drawn_in_the_ontology_styles(visit):
    drawn = {(e["from"], e["relation"], e["to"]): e for e in visit.js("allianceGraph.edges.get()")}
    for s, rel, o, polarity, directed, *_ in EDGES:
        e = drawn[(s, rel, o)]
        assert e["color"] == VOCAB.relation(rel).colour
        assert e["dashes"] is (polarity < 0) and e["arrows"] == ("to" if directed else "")
    width = {e["sources"]: e["width"] for e in drawn.values()}
    assert width[1] < width[2] < width[3]
    pair = [e for e in drawn.values() if {e["from"], e["to"]} == {"RUS", "CUB"}]
    assert len(pair) == 2 and sum("smooth" in e for e in pair) == 1  # parallel links fan out


def test_legend_lists_relations(visit):
    legend = visit.page.inner_text("#ag-legend")
    for rel in {rel for _, rel, *_ in EDGES}:
        assert VOCAB.relation(rel).label in legend


def test_relation_filter_hides_and_restores_links(visit):
    allied = sum(rel == "alliedWith" for _, rel, *_ in EDGES)
    visit.page.uncheck("input.ag-relation[value=alliedWith]")
    assert visit.js("allianceGraph.edgesView.length") == len(EDGES) - allied
    assert visit.js("allianceGraph.edgesView.get().every(e => e.relation !== 'alliedWith')")
    visit.page.click("#ag-none")
    assert visit.js("allianceGraph.edgesView.length") == 0
    visit.page.click("#ag-all")
    assert visit.js("allianceGraph.edgesView.length") == len(EDGES)


def test_clicking_a_node_shows_its_evidence(visit):
    visit.page.mouse.click(*visit.node_point("NIC"))
    details = visit.page.inner_text("#ag-details")
    assert "Nicaragua (NIC)" in details
    assert "Nicaragua and Russia are allies." in details and "Putin visited Managua in 2014." in details
    assert "2014-07-11" in details
    assert visit.page.get_attribute("#ag-details a", "href") == "https://news.example.org/a"


def test_clicking_a_link_shows_hostile_text_as_text(visit):
    (x1, y1), (x2, y2) = visit.node_point("USA"), visit.node_point("VEN")
    mid = ((x1 + x2) / 2, (y1 + y2) / 2)
    edge = visit.js("""([x, y]) => { const r = document.getElementById('ag-network').getBoundingClientRect();
        const id = allianceGraph.network.getEdgeAt({x: x - r.left, y: y - r.top}); return allianceGraph.edges.get(id); }""",
                    list(mid))
    assert (edge["from"], edge["relation"], edge["to"]) == ("USA", "sanctions", "VEN")
    visit.page.mouse.click(*mid)
    panel = visit.page.locator("#ag-details")
    assert "United States → Venezuela: sanctions" in panel.inner_text()
    assert panel.locator("blockquote").first.text_content() == HOSTILE_SENTENCE
    assert HOSTILE_TITLE in panel.inner_text()
    assert panel.locator("img, script, iframe").count() == 0
    assert panel.locator("a").count() == 0  # a javascript: source never becomes a link
    visit.page.wait_for_timeout(300)  # give an injected onerror a chance to fire


def test_search_focuses_an_actor(visit):
    visit.page.fill("#ag-search-input", "venez")
    visit.page.press("#ag-search-input", "Enter")
    assert visit.js("allianceGraph.network.getSelectedNodes()") == ["VEN"]
    assert "Venezuela (VEN)" in visit.page.inner_text("#ag-details")
    visit.page.fill("#ag-search-input", "Atlantis")
    visit.page.press("#ag-search-input", "Enter")
    assert "No actor on this page matches" in visit.page.inner_text("#ag-search-status")


@pytest.mark.parametrize("text, actor", [("Havana", "CUB"), ("cuban", "CUB"), ("Caracas", "VEN"), ("moscow", "RUS"),
                                         ("Putin", "RUS"), ("Venezuelan", "VEN"), ("Managua", "NIC"), ("Washington", "USA")])
def test_search_knows_the_names_path_and_ego_accept(visit, text: str, actor: str) -> None:
    from graph.analysis import resolve_actor

    assert resolve_actor(text, VOCAB) == actor  # what the CLI makes of the name
    visit.page.fill("#ag-search-input", text)
    visit.page.press("#ag-search-input", "Enter")
    assert visit.js("allianceGraph.network.getSelectedNodes()") == [actor]
    assert visit.page.inner_text("#ag-search-status") == ""


@pytest.mark.slow
def test_large_graph_shows_the_top_actors(browser, tmp_path):
    path = tmp_path / "big.html"
    path.write_text(render_html(chain_graph(500), VOCAB, max_nodes=300), encoding="utf-8")
    context = browser.new_context()
    v = Visit(context.new_page())
    v.open(path)
    assert v.js("allianceGraph.nodes.length") == 300
    assert "200 actors and 200 links left out" in v.page.inner_text("#ag-note")
    v.assert_clean()
    context.close()
