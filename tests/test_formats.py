"""`alliances export --format graphml|gexf|csv`: the actor network for Gephi, Cytoscape, pandas and R.

Each file is read back by networkx and by a parser that shares no code with
the writer (igraph's C GraphML reader; lxml with an XML Schema of GEXF 1.2),
and the counts are checked against the store itself (SPARQL).
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest

from .conftest import PROJECT, write_facts

SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed facts plus a small curated file with one rejected fact, in a store on disk."""
    from click.testing import CliRunner

    from graph.cli import cli

    from .conftest import ARTICLE

    tmp = tmp_path_factory.mktemp("formats")
    (tmp / "articles").mkdir()
    (tmp / "articles" / "meeting.txt").write_text(ARTICLE, encoding="utf-8")
    facts = write_facts(tmp / "facts" / "meeting.yaml", "../articles/meeting.txt", [
        {"subject": "RUS", "relation": "agreementWith", "object": "VEN",
         "evidence": "Russia and Venezuela signed a new defence agreement on Friday."},
        {"subject": "VEN", "relation": "alliedWith", "object": "RUS",
         "evidence": "The two governments said they remain close allies."},
        {"subject": "RUS", "relation": "sanctions", "object": "VEN", "rejected": True,
         "evidence": "The two governments said they remain close allies."},
    ])
    path = tmp / "store"
    result = CliRunner().invoke(cli, ["ingest", str(PROJECT / "seeds"), str(facts), "--no-extract", "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _expected(store: Path, vocab) -> tuple[set[str], set[tuple[str, str, str]], int]:
    """Actors, (subject, relation, object) ties with symmetric relations folded, non-rejected claims: from SPARQL."""
    from graph.store import open_store

    sym = {n for n, r in vocab.relations.items() if r.symmetric}
    rel_of = {str(r.iri): n for n, r in vocab.relations.items()}
    cut = len(str(vocab.actor_iri("")))
    ties, claims = set(), 0
    with open_store(store, vocab, read_only=True) as s:
        for row in s.query("SELECT ?s ?p ?o WHERE { ?c a ag:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o "
                           "FILTER NOT EXISTS { ?c ag:rejected true } }"):
            a, rel, b = row[0].value[cut:], rel_of[row[1].value], row[2].value[cut:]
            claims += 1
            ties.add((min(a, b), rel, max(a, b)) if rel in sym else (a, rel, b))
    return {n for t in ties for n in (t[0], t[2])}, ties, claims


def test_graphml_read_by_networkx_and_igraph(run, store: Path, vocab, tmp_path: Path) -> None:
    actors, ties, _ = _expected(store, vocab)
    out = tmp_path / "net.graphml"
    result = run("export", "--store", store, "--format", "graphml", "-o", out)
    assert result.exit_code == 0, result.output
    G = nx.read_graphml(out, force_multigraph=True)
    assert set(G.nodes) == actors and G.number_of_edges() == len(ties)
    assert {(u, d["relation"], v) for u, v, d in G.edges(data=True)} == ties
    assert G.nodes["RUS"]["label"] == "Russia" and G.nodes["RUS"]["kind"] == "State"
    assert all(isinstance(d["bloc"], int) and d["bloc"] >= 1 and 0 < d["centrality"] < 1 for _, d in G.nodes(data=True))
    sanctions = [d for _, _, d in G.edges(data=True) if d["relation"] == "sanctions"]
    assert not sanctions, "a rejected claim must not make an edge"
    allied = G.edges["RUS", "VEN", "RUS-alliedWith-VEN"]
    assert allied["directed"] is False and allied["polarity"] == 1 and allied["sources"] == 2  # the seed article and the meeting

    import igraph  # its C reader shares no code with networkx's writer

    g = igraph.Graph.Read_GraphML(str(out))
    assert g.vcount() == len(actors) and g.ecount() == len(ties)
    names = g.vs["id"]
    assert {(names[e.source], e["relation"], names[e.target]) for e in g.es} == ties
    assert sorted(g.vs["label"]) == sorted(vocab.actors[a].label for a in actors)
    assert set(g.es["first"]) == {"2021-06-23"} and set(g.es["last"]) == {"2021-06-23", "2022-03-04"}


def test_gexf_valid_deterministic_and_read_back(run, store: Path, vocab, tmp_path: Path) -> None:
    from lxml import etree

    actors, ties, _ = _expected(store, vocab)
    a, b = tmp_path / "a.gexf", tmp_path / "b.gexf"
    assert run("export", "--store", store, "--format", "gexf", "-o", a).exit_code == 0
    assert run("export", "--store", store, "--format", "gexf", "-o", b).exit_code == 0
    assert a.read_bytes() == b.read_bytes(), "the same store must give the same GEXF bytes"

    doc = etree.parse(str(a))
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "gexf-1.2-subset.xsd")))
    assert schema.validate(doc), schema.error_log.last_error
    ns = {"g": "http://www.gexf.net/1.2draft"}
    assert len(doc.xpath("//g:node", namespaces=ns)) == len(actors)
    edges = doc.xpath("//g:edge", namespaces=ns)
    assert len(edges) == len(ties)
    sym = {n for n, r in vocab.relations.items() if r.symmetric}
    by_id = {e.get("id"): e for e in edges}
    for s, rel, o in ties:
        e = by_id[f"{s}-{rel}-{o}"]
        assert e.get("type") == ("mutual" if rel in sym else "directed")
        assert e.get("label") == vocab.relations[rel].label
    assert doc.xpath("string(//g:meta/@lastmodifieddate)", namespaces=ns) == "2022-03-04"  # newest claim, not today

    G = nx.read_gexf(a)  # networkx reads a mutual edge as one edge each way
    assert G.number_of_nodes() == len(actors)
    assert G.number_of_edges() == len(ties) + sum(rel in sym for _, rel, _ in ties)
    assert G.nodes["VEN"]["label"] == "Venezuela"

    # the schema does catch a file that is not GEXF as written
    bad = etree.fromstring(a.read_bytes().replace(b'type="mutual"', b'type="sideways"'))
    assert not schema.validate(bad)


def test_csv_three_files_for_pandas_and_r(run, store: Path, vocab, tmp_path: Path) -> None:
    actors, ties, claims = _expected(store, vocab)
    out = tmp_path / "net"
    result = run("export", "--store", store, "--format", "csv", "-o", out)
    assert result.exit_code == 0, result.output
    assert f"({len(actors)} actors, {len(ties)} edges)" in result.stderr

    def rows(name: str) -> list[dict[str, str]]:
        with open(out / name, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    nodes, edges, claim_rows = rows("nodes.csv"), rows("edges.csv"), rows("claims.csv")
    assert {r["id"] for r in nodes} == actors
    assert {(r["source"], r["relation"], r["target"]) for r in edges} == ties
    assert len(claim_rows) == claims
    meeting = [r for r in claim_rows if r["title"] == "Ministers meet in Caracas"]
    assert {r["evidence"] for r in meeting} == {"Russia and Venezuela signed a new defence agreement on Friday.",
                                                "The two governments said they remain close allies."}
    assert {r["source"] for r in meeting} == {"https://example.org/news/ministers-meet"}
    # the claims of an edge add up to its sources (one article each here)
    per_edge: dict[tuple[str, str, str], set[str]] = {}
    for r in claim_rows:
        per_edge.setdefault((r["subject"], r["relation"], r["object"]), set()).add(r["article"])
    assert {k: str(len(v)) for k, v in per_edge.items()} == {(r["source"], r["relation"], r["target"]): r["sources"]
                                                             for r in edges}


def test_network_filters_and_bad_requests(run, store: Path, tmp_path: Path) -> None:
    out = tmp_path / "allied"
    assert run("export", "--store", store, "--format", "csv", "--relations", "alliedWith", "-o", out).exit_code == 0
    edges = list(csv.DictReader((out / "edges.csv").read_text(encoding="utf-8").splitlines()))
    assert edges and {r["relation"] for r in edges} == {"alliedWith"}

    result = run("export", "--store", store, "--format", "csv")
    assert result.exit_code == 2 and "give the folder with -o DIR" in result.output
    result = run("export", "--store", store, "--format", "turtle", "--relations", "alliedWith")
    assert result.exit_code == 2 and "apply to graphml, gexf, csv only" in result.output
    result = run("export", "--store", store, "--format", "gexf", "--relations", "friendsWith")
    assert result.exit_code == 2 and "unknown relation 'friendsWith'" in result.output
    (tmp_path / "file.txt").write_text("keep me", encoding="utf-8")
    result = run("export", "--store", store, "--format", "csv", "-o", tmp_path / "file.txt")
    assert result.exit_code == 2 and "is a file" in result.output
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "keep me"
    result = run("export", "--store", store, "--format", "graphml", "-o", tmp_path)
    assert result.exit_code == 2 and "is a folder" in result.output


def test_graphml_to_stdout(run, store: Path) -> None:
    result = run("export", "--store", store, "--format", "graphml")
    assert result.exit_code == 0 and result.stdout.startswith("<?xml") and "<graphml" in result.stdout
