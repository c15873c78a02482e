"""The page as a string: self-contained, escaped, deterministic, styled from the ontology."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from click.testing import CliRunner

from graph import pipeline
from graph.cli import cli
from graph.errors import AllianceGraphError, UnknownActor
from graph.model import Article, Fact
from graph.render import MAX_EVIDENCE, json_for_script, links, page_data, render_html
from graph.store import AllianceStore
from graph.vocab import load_vocabulary

from .pagegraphs import ACTORS, EDGES, HOSTILE_SENTENCE, HOSTILE_SOURCE, HOSTILE_TITLE, chain_graph, contract_graph, evidence

VOCAB = load_vocabulary()


def scripts(page: str) -> list[tuple[str, str]]:
    """(attributes, body) of every <script> element."""
    return re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)


def embedded_data(page: str) -> dict:
    (body,) = [b for attrs, b in scripts(page) if 'id="ag-data"' in attrs]
    return json.loads(body)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(contract_graph(), VOCAB, title="Test page")


def test_page_fetches_nothing(page):
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:|//|[a-z]+\.(js|css))""", page, flags=re.I)
    assert "<link" not in page.lower() and "@import" not in page
    assert all(u.startswith(("data:", '"data:', "'data:")) for u in re.findall(r"url\(\s*([^)]{0,10})", page))
    assert all("src" not in attrs for attrs, _ in scripts(page))
    assert "default-src 'none'" in page.replace("&#39;", "'") and "connect-src 'none'" in page.replace("&#39;", "'")


def test_csp_allows_exactly_the_inline_scripts(page):
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1).replace("&#39;", "'")
    allowed = set(re.findall(r"'sha256-([^']+)'", csp))
    executable = [b for attrs, b in scripts(page) if "application/json" not in attrs]
    assert len(executable) == 2  # vis-network and the page's own script
    assert {base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() for b in executable} == allowed
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_same_graph_same_bytes(page):
    assert render_html(contract_graph(), VOCAB, title="Test page") == page
    assert render_html(contract_graph(reverse=True), VOCAB, title="Test page") == page


@pytest.mark.parametrize("hostile", [HOSTILE_TITLE, HOSTILE_SENTENCE])
def test_article_text_never_appears_raw(page, hostile):
    assert hostile not in page


def test_embedded_data_holds_no_markup(page):
    (body,) = [b for attrs, b in scripts(page) if 'id="ag-data"' in attrs]
    assert not set("<>&\u2028\u2029") & set(body)


def test_article_text_survives_the_round_trip(page):
    items = [i for link in links(embedded_data(page)) for i in link["evidence"]]
    hostile = [i for i in items if i["title"] == HOSTILE_TITLE]
    assert len(hostile) == 1
    assert hostile[0]["sentence"] == HOSTILE_SENTENCE and hostile[0]["source"] == HOSTILE_SOURCE
    assert len(scripts(page)) == 3 and page.count("</script") == 3


@pytest.mark.parametrize("title, shown", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('"><img src=x>', "&#34;&gt;&lt;img src=x&gt;"),
])
def test_title_is_escaped(title, shown):
    out = render_html(contract_graph(), VOCAB, title=title)
    assert f"<title>{shown}</title>" in out and f"<h1>{shown}</h1>" in out
    assert title not in out


@pytest.mark.parametrize("value", ["</script><script>x</script>", "a & b > c", "\u2028\u2029", "<!-- -->", 'q"\\'])
def test_json_for_script_round_trips_without_markup(value):
    text = json_for_script({"v": value})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"v": value}


@pytest.mark.parametrize("s, rel, o, polarity, directed, sources, ev", EDGES)
def test_links_keep_the_contract_attributes(s, rel, o, polarity, directed, sources, ev):
    (link,) = [e for e in links(page_data(contract_graph(), VOCAB)) if (e["from"], e["relation"], e["to"]) == (s, rel, o)]
    assert (link["directed"], link["negative"], link["sources"]) == (int(directed), int(polarity < 0), sources)
    assert [(e["sentence"], e["title"], e["source"], e["date"]) for e in link["evidence"]] == \
        [(e["sentence"], e["title"], e["source"], e["date"]) for e in ev]


@pytest.mark.parametrize("rel", sorted({rel for _, rel, *_ in EDGES}))
def test_relations_are_styled_from_the_ontology(rel):
    (entry,) = [r for r in page_data(contract_graph(), VOCAB)["relations"] if r["name"] == rel]
    relation = VOCAB.relation(rel)
    assert (entry["colour"], entry["label"]) == (relation.colour, relation.label)
    assert entry["negative"] is (relation.polarity < 0) and entry["directed"] is relation.directed


def test_articles_are_stored_once():
    data = page_data(contract_graph(), VOCAB)
    used = [ev[1] for rows, _ in data["evidence"] for ev in rows]
    assert sorted(set(used)) == list(range(len(data["articles"])))
    assert len({tuple(a) for a in data["articles"]}) == len(data["articles"])


def test_nodes_sized_by_centrality_coloured_by_bloc():
    nodes = {n["id"]: n for n in page_data(contract_graph(), VOCAB)["nodes"]}
    assert [n for n, _ in sorted(nodes.items(), key=lambda kv: kv[1]["size"])] == sorted(ACTORS, key=lambda a: ACTORS[a][3])
    assert nodes["RUS"]["color"] == nodes["CUB"]["color"] != nodes["USA"]["color"]
    assert nodes["NATO"]["shape"] != nodes["USA"]["shape"]


def test_legend_lists_relations_present(page):
    data = embedded_data(page)
    present = sorted({rel for _, rel, *_ in EDGES})
    assert sorted(r["name"] for r in data["relations"]) == present
    for rel in present:
        assert f'value="{rel}"' in page and VOCAB.relation(rel).label in page
    assert 'value="tradePartnerOf"' not in page


def test_big_graph_keeps_the_most_central_and_says_so():
    G = chain_graph(400)
    out = render_html(G, VOCAB, max_nodes=300)
    data = embedded_data(out)
    assert [n["id"] for n in data["nodes"]] == [f"A{i:04d}" for i in range(100, 400)]
    assert data["left_out"] == {"nodes": 100, "edges": 100}
    assert "Showing the 300 most central of 400 actors: 100 actors and 100 links left out" in out
    assert len(embedded_data(render_html(G, VOCAB, max_nodes=None))["nodes"]) == 400


def test_small_graph_has_no_note(page):
    assert 'id="ag-note"' not in page


@pytest.mark.parametrize("focus, depth, expected", [
    ("VEN", 1, {"VEN", "RUS", "USA"}),
    ("venezuela", 1, {"VEN", "RUS", "USA"}),
    ("VEN", 2, {"VEN", "RUS", "USA", "CUB", "NIC", "NATO"}),
    ("NATO", 1, {"NATO", "RUS", "USA"}),
])
def test_focus_keeps_the_neighbourhood(focus, depth, expected):
    data = page_data(contract_graph(), VOCAB, focus=focus, depth=depth)
    assert {n["id"] for n in data["nodes"]} == expected
    assert data["focus"] == ("NATO" if focus == "NATO" else "VEN")


def test_focus_on_unknown_actor_raises():
    with pytest.raises(UnknownActor, match="'Atlantis'"):
        render_html(contract_graph(), VOCAB, focus="Atlantis")


def test_focus_on_an_actor_without_links_says_so():
    with pytest.raises(AllianceGraphError, match="'France' has no links in this graph"):
        render_html(contract_graph(), VOCAB, focus="France")


def test_evidence_is_capped_and_counted():
    G = contract_graph()
    G.edges["CUB", "RUS", "alliedWith"]["evidence"] = evidence("Many.", MAX_EVIDENCE + 7)
    data = page_data(G, VOCAB)
    (link,) = [e for e in links(data) if e["relation"] == "alliedWith" and e["from"] == "CUB"]
    assert len(link["evidence"]) == MAX_EVIDENCE and link["more"] == 7


def test_empty_graph_renders():
    import networkx as nx

    data = embedded_data(render_html(nx.MultiDiGraph(), VOCAB))
    assert data["nodes"] == [] and data["edges"] == []


# ------------------------------------------------------------------ from the store


def _fill(store: AllianceStore) -> None:
    a1 = Article("one.txt", "Russia and Cuba are allies. Russia backs Cuba.", title="First <b>", date="2020-05-01",
                 source="https://news.example.org/one")
    a2 = Article("two.txt", "Cuba and Russia renewed their alliance.", title="Second", date="2022-02-02")
    store.write_article(a1, [
        Fact("RUS", "alliedWith", "CUB", "one.txt", "Russia and Cuba are allies.", article_id=a1.id),
        Fact("RUS", "supports", "CUB", "one.txt", "Russia backs Cuba.", article_id=a1.id, confidence=0.7),
    ])
    store.write_article(a2, [Fact("CUB", "alliedWith", "RUS", "two.txt", "Cuba and Russia renewed their alliance.",
                                  article_id=a2.id)])


@pytest.fixture
def store() -> AllianceStore:
    s = AllianceStore("memory", VOCAB)
    _fill(s)
    return s


def test_page_of_the_store_carries_projection_and_annotation(store):
    data = embedded_data(pipeline.render_page(store))
    assert sorted((e["from"], e["relation"], e["to"]) for e in links(data)) == [("CUB", "alliedWith", "RUS"),
                                                                              ("RUS", "supports", "CUB")]
    (allied,) = [e for e in links(data) if e["relation"] == "alliedWith"]
    assert allied["sources"] == 2 and allied["directed"] == 0
    assert (allied["first"], allied["last"]) == ("2020-05-01", "2022-02-02")
    assert {e["title"] for e in allied["evidence"]} == {"First <b>", "Second"}
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["RUS"]["label"] == "Russia" and nodes["RUS"]["bloc"] is not None


@pytest.mark.parametrize("kwargs, edges", [
    ({"min_sources": 2}, ["alliedWith"]),
    ({"relations": ["supports"]}, ["supports"]),
    ({"since": "2021"}, ["alliedWith"]),
    ({"until": "2020-12-31"}, ["alliedWith", "supports"]),
    ({"until": "2019"}, []),
])
def test_page_of_the_store_filters(store, kwargs, edges):
    data = embedded_data(pipeline.render_page(store, **kwargs))
    assert sorted(e["relation"] for e in links(data)) == edges


def test_build_exports_write_the_page(store, tmp_path):
    written = pipeline.build_exports(store, tmp_path)
    assert tmp_path / "alliances.html" in written
    data = embedded_data((tmp_path / "alliances.html").read_text(encoding="utf-8"))
    assert {n["id"] for n in data["nodes"]} == {"RUS", "CUB"}


# ------------------------------------------------------------------ CLI


@pytest.fixture
def disk_store(tmp_path) -> str:
    path = tmp_path / "store"
    with AllianceStore(path, VOCAB) as s:
        _fill(s)
    return str(path)


def test_cli_render_writes_the_page(disk_store, tmp_path):
    out = tmp_path / "page.html"
    result = CliRunner().invoke(cli, ["render", "--store", disk_store, "-o", str(out), "--min-sources", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and f"wrote {out}" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert [e["relation"] for e in links(embedded_data(page))] == ["alliedWith"]
    assert "at least 2 sources per link" in page


@pytest.mark.parametrize("name", ["CUB", "cuba", "Havana"])
def test_cli_render_focus_takes_any_name_of_the_actor(disk_store, name):
    result = CliRunner().invoke(cli, ["render", "--store", disk_store, "--focus", name])
    assert result.exit_code == 0, result.output
    assert embedded_data(result.stdout)["focus"] == "CUB"


def test_cli_render_to_stdout_with_focus(disk_store):
    result = CliRunner().invoke(cli, ["render", "--store", disk_store, "--focus", "CUB", "--relations", "supports"])
    assert result.exit_code == 0, result.output
    data = embedded_data(result.stdout)
    assert data["focus"] == "CUB" and [e["relation"] for e in links(data)] == ["supports"]


@pytest.mark.parametrize("args, code, message", [
    (["--relations", "likes"], 2, "unknown relation 'likes'"),
    (["--since", "last year"], 2, "not a date"),
    (["--focus", "Atlantis"], 1, "Error: unknown actor 'Atlantis'"),
    (["--depth", "0"], 2, "--depth"),
])
def test_cli_render_errors(disk_store, args, code, message):
    result = CliRunner().invoke(cli, ["render", "--store", disk_store, *args])
    assert result.exit_code == code
    assert message in result.stderr and result.stdout == ""
