"""Exports as a knowledge-graph engineer meets them: named graphs, the reference graph on request, compact JSON-LD."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from graph.store import DATA_GRAPH, REFERENCE_GRAPH
from graph.terms import PREFIXES


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from graph.cli import cli
    from graph.terms import SEEDS_DIR

    where = tmp_path_factory.mktemp("exports") / "store"
    result = CliRunner().invoke(cli, ["ingest", str(SEEDS_DIR), "--no-extract", "--store", str(where)])
    assert result.exit_code == 0, result.output
    return where


def graphs_of(data: bytes, fmt: str) -> dict[str, Graph]:
    d = Dataset()
    d.parse(data=data, format=fmt)
    out: dict[str, Graph] = {}
    for s, p, o, g in d.quads():
        out.setdefault(str(g), Graph()).add((s, p, o))
    return out


@pytest.mark.parametrize("fmt, rdflib_format", [("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")])
def test_dataset_formats_name_their_graphs_and_add_the_reference_on_request(run, store: Path, fmt: str,
                                                                          rdflib_format: str) -> None:
    plain = run("export", "--store", store, "--format", fmt).stdout_bytes
    full = run("export", "--store", store, "--format", fmt, "--with-reference").stdout_bytes
    reference = Graph().parse(data=run("export", "--store", store, "--format", "ntriples", "--with-reference").stdout,
                              format="nt")
    data = Graph().parse(data=run("export", "--store", store, "--format", "ntriples").stdout, format="nt")

    got = graphs_of(full, rdflib_format)
    assert set(got) == {DATA_GRAPH, REFERENCE_GRAPH}
    assert isomorphic(got[DATA_GRAPH], data)
    assert len(got[REFERENCE_GRAPH]) > 5000  # relations, actors, people
    assert isomorphic(got[DATA_GRAPH] + got[REFERENCE_GRAPH], reference)  # ntriples --with-reference: the two merged
    assert (URIRef(PREFIXES["actor"] + "RUS"), URIRef(PREFIXES["ag"] + "iso3"), None) in got[REFERENCE_GRAPH]

    alone = graphs_of(plain, rdflib_format)
    names = set(alone)
    if fmt == "jsonld":  # the data alone is the document's default graph
        assert len(names) == 1 and DATA_GRAPH not in names and REFERENCE_GRAPH not in names
    else:
        assert names == {DATA_GRAPH}
    assert isomorphic(next(iter(alone.values())), data)


def test_jsonld_is_compacted_with_the_project_prefixes(run, store: Path) -> None:
    text = run("export", "--store", store, "--format", "jsonld").stdout
    doc = json.loads(text)
    assert doc["@context"] == PREFIXES and len(text.splitlines()) > 100
    cub = next(node for node in doc["@graph"] if node["@id"] == "actor:CUB")
    assert cub["@type"] == "ag:State" and cub["rdfs:label"] == {"@value": "Cuba", "@language": "en"}
    claim = next(node for node in doc["@graph"] if node.get("@type") == "ag:Claim")
    assert claim["@id"].startswith("claim:") and claim["prov:wasDerivedFrom"]["@id"].startswith("article:")
    assert "https://w3id.org/alliance-graph/" not in text.split('"@graph"', 1)[1]  # every IRI compacted


def test_with_reference_is_refused_for_network_formats(run, store: Path) -> None:
    result = run("export", "--store", store, "--format", "gexf", "--with-reference")
    assert result.exit_code == 2 and "--with-reference applies to the RDF formats, not gexf" in result.stderr
