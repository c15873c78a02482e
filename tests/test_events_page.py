"""Three kinds of sources in one store — news (the seeds), an event dataset (GDELT) and a treaty dataset (COW) —
as the user meets them: `alliances build`, the named query that compares them, `--sources`, and the page in
headless Chromium, where the legend and the evidence panel tell the kinds apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.pipeline import SEEDS_DIR
from tests.eventfiles import gdelt_row, write
from tests.test_datasets import COW_HEADER, cow_row, write_csv
from tests.test_render_browser import ARGS, CHROMIUM, Visit

GDELT = [
    gdelt_row(1, "20240105", "RUSGOV", "VENGOV", "057", url="https://news.example/ru-ve", sources=3, articles=6),
    gdelt_row(2, "20240105", "USAGOV", "RUSGOV", "163", url="https://news.example/us-ru"),
    gdelt_row(3, "20240106", "CHNGOV", "VENGOV", "071", url="https://news.example/cn-ve"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """A store with the seeds (curated facts only), one GDELT file and one COW file; the build's exports."""
    d = tmp_path_factory.mktemp("three-kinds")
    store, out = d / "store", d / "exports"
    gdelt = write(d / "20240106.export.CSV", "\n".join(GDELT) + "\n", "zip")
    cow = write_csv(d / "alliance_v4.1_by_dyad.csv", COW_HEADER, [
        cow_row(3180, 2, 200, (4, 4, 1949), None, defense=1),  # USA-GBR
        cow_row(4001, 365, 101, (1, 6, 2001), None, entente=1),  # RUS-VEN (our own row)
    ])
    run = CliRunner().invoke
    for args in (["ingest-dataset", "gdelt", str(gdelt)], ["ingest-dataset", "cow", str(cow)],
                 ["build", str(SEEDS_DIR), "--no-extract", "--out", str(out)]):
        result = run(cli, [*args, "--store", str(store)])
        assert result.exit_code == 0, result.output
    return store, out


def test_the_named_query_says_where_sources_agree_and_where_one_speaks(built):
    store, _ = built
    result = CliRunner().invoke(cli, ["query", "sources-agree", "--store", str(store), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {(b["a"]["value"].rsplit("/", 1)[1], b["b"]["value"].rsplit("/", 1)[1], b["relation"]["value"]):
            (int(b["news"]["value"]), int(b["events"]["value"]), int(b["treaties"]["value"]), b["speaks"]["value"])
            for b in json.loads(result.stdout)["results"]["bindings"]}
    assert rows[("RUS", "VEN", "allied with")] == (1, 0, 1, "agree: news + treaties")
    assert rows[("RUS", "VEN", "agreement with")] == (1, 1, 0, "agree: news + events")
    assert rows[("RUS", "USA", "sanctions")] == (0, 1, 0, "events only")
    assert rows[("RUS", "USA", "opposes")] == (1, 0, 0, "news only")
    assert rows[("GBR", "USA", "allied with")] == (0, 0, 1, "treaties only")
    assert rows[("CHN", "VEN", "provides aid to")] == (0, 1, 0, "events only")
    one = CliRunner().invoke(cli, ["query", "sources-agree", "--param", "actor=GBR", "--store", str(store),
                                   "--format", "csv"])
    assert one.exit_code == 0 and one.stdout.splitlines()[1:] == [
        "https://w3id.org/alliance-graph/actor/GBR,https://w3id.org/alliance-graph/actor/USA,allied with,0,0,1,"
        "treaties only"]


def test_sources_option_keeps_one_kind(built):
    store, _ = built

    def ties(kind: str) -> tuple[int, set[tuple[str, str]]]:
        result = CliRunner().invoke(cli, ["analyze", "--store", str(store), "--sources", kind, "--format", "json",
                                          "--top", "0"])
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        return doc["ties"], {(d["a"], d["b"]) for d in doc["strongest"]}

    # the seeds' curated facts give 18 ties; the datasets 5 (3 GDELT events, 2 COW treaties as alliances);
    # two of those (RUS-VEN agreement with, allied with) are ties the news has too
    (n_all, pairs_all), (n_news, pairs_news), (n_data, pairs_data) = ties("all"), ties("news"), ties("dataset")
    assert (n_all, n_news, n_data) == (21, 18, 5)
    assert ("GBR", "USA") in pairs_data and ("GBR", "USA") not in pairs_news and pairs_news | pairs_data == pairs_all
    assert ties("treaties")[1] == {("GBR", "USA"), ("RUS", "VEN")}
    bad = CliRunner().invoke(cli, ["render", "--store", str(store), "--sources", "blogs"])
    assert bad.exit_code == 2 and "'blogs' is not one of" in bad.stderr


@pytest.fixture(scope="module")
def visit(built) -> Iterator[Visit]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    _, out = built
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        v = Visit(context.new_page())
        v.open(out / "alliances.html")
        yield v
        v.assert_clean()
        browser.close()


def _edge(v: Visit, a: str, b: str, relation: str) -> Any:
    return v.js("""([a, b, r]) => allianceGraph.edges.get().find(e => e.relation === r &&
                   ((e.from === a && e.to === b) || (e.from === b && e.to === a))).id""", [a, b, relation])


@pytest.mark.browser
def test_the_legend_names_the_three_kinds_of_sources(visit):
    legend = visit.page.inner_text("#ag-sources")
    counts = dict(re.findall(r"(news article|event dataset|treaty dataset)\s+(\d+)", legend))
    assert set(counts) == {"news article", "event dataset", "treaty dataset"}, legend
    assert all(int(n) > 0 for n in counts.values())
    styles = {k: visit.js(f"getComputedStyle(document.querySelector('#ag-sources .ag-kind-{k}')).color")
              for k in ("news", "event", "treaty")}
    assert len(set(styles.values())) == 3  # told apart at a glance, not only by the words


@pytest.mark.browser
@pytest.mark.parametrize("a, b, relation, kinds, text", [
    ("RUS", "VEN", "alliedWith", {"news article", "treaty dataset"}, "entente with (Correlates of War Formal Alliances 4.1)"),
    ("RUS", "USA", "sanctions", {"event dataset"}, "GDELT 2.0 event 2: USAGOV → RUSGOV, CAMEO 163"),
    ("GBR", "USA", "alliedWith", {"treaty dataset"}, "defence pact with"),
])
def test_the_evidence_panel_says_where_each_item_comes_from(visit, a, b, relation, kinds, text):
    visit.js("id => allianceGraph.showEdge(id)", _edge(visit, a, b, relation))
    items = visit.js("""Array.from(document.querySelectorAll('#ag-details li.ag-ev')).map(li =>
                        [li.querySelector('.ag-kind').textContent, li.textContent])""")
    assert {k for k, _ in items} == kinds
    assert any(text in t for _, t in items), items
    if relation == "sanctions":  # the event's source URL is the evidence locator, shown as a link
        assert visit.js("document.querySelector('#ag-details li.ag-ev a').href") == "https://news.example/us-ru"
